/* ds-presets.h — ready-made experiments that show distillation helping and hurting. */
#pragma once

#include <glib.h>

#include "kd_train.h"

G_BEGIN_DECLS

typedef struct
{
  const char *id;
  const char *title;       /* untranslated; pass through _() */
  const char *description; /* untranslated */
  const char *data_spec;
  int train_limit; /* 0: all */
  const char *teacher_arch;
  const char *student_arch;
  int teacher_epochs;
  int epochs;
  int transfer_limit; /* the students' transfer set, first N training samples; 0: all */
  float T0, T1;
  float alpha;
  KdMode mode;
  float lr;
  int batch;
} DsPreset;

const DsPreset *ds_presets_get (guint *n_presets);
const DsPreset *ds_presets_lookup (const char *id);

/* Writes the preset's settings into cfg; the seed and thread count are the user's. */
void ds_preset_apply (const DsPreset *preset, KdTrainConfig *cfg);
/* TRUE when cfg and the data settings are exactly the preset's. */
gboolean ds_preset_matches (const DsPreset *preset,
                            const KdTrainConfig *cfg,
                            const char *data_spec,
                            int train_limit);

G_END_DECLS
