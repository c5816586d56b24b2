/* ds-format.h — numbers and durations as the user reads them, translated. */
#pragma once

#include <glib.h>

#include "kd_train.h"

G_BEGIN_DECLS

/* "45 s", "3 min 20 s", "1 h 05 min". */
char *ds_format_duration (double seconds);
/* "88.48%"; "–" for NaN. */
char *ds_format_percent (double fraction);
/* A value with 4 significant digits; "–" for NaN. */
char *ds_format_number (double value);
/* The model's name as the user reads it: "Teacher", "Distilled student", "Baseline student". */
const char *ds_model_title (KdModelId id);
/* "Training the teacher", "Training the students", "Training all three", "Finished". */
const char *ds_phase_title (KdPhase phase);

G_END_DECLS
