/* ds-training-curves.h — the live loss and accuracy curves, drawn by the figures' training
 * painter (the same one exports use), in the light or dark style the desktop asks for. */
#pragma once

#include <gtk/gtk.h>

#include "fig_training.h"
#include "kd_train.h"

G_BEGIN_DECLS

#define DS_TYPE_TRAINING_CURVES (ds_training_curves_get_type ())

G_DECLARE_FINAL_TYPE (DsTrainingCurves, ds_training_curves, DS, TRAINING_CURVES, GtkWidget)

GtkWidget *ds_training_curves_new (void);
/* Holds a reference to snapshot (may be NULL). */
void ds_training_curves_set_snapshot (DsTrainingCurves *self, KdSnapshot *snapshot);
void ds_training_curves_set_x_axis (DsTrainingCurves *self, FigTrainingX x_axis);
FigTrainingX ds_training_curves_get_x_axis (DsTrainingCurves *self);

G_END_DECLS
