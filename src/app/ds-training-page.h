/* ds-training-page.h — Start, Pause, Step and Stop; live curves, progress and metrics. */
#pragma once

#include "ds-page.h"

G_BEGIN_DECLS

#define DS_TYPE_TRAINING_PAGE (ds_training_page_get_type ())

G_DECLARE_FINAL_TYPE (DsTrainingPage, ds_training_page, DS, TRAINING_PAGE, DsPage)

GtkWidget *ds_training_page_new (DsExperiment *experiment);

G_END_DECLS
