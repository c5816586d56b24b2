/* fig_training.h — training curves of teacher, distilled student and baseline. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "fig_style.h"
#include "kd_train.h"

typedef enum
{
  FIG_TRAINING_X_STEP,  /* global step */
  FIG_TRAINING_X_EPOCH, /* epochs, counted on across phases (the students' start after the
                         * teacher's last) */
} FigTrainingX;

typedef struct
{
  const KdHistory *history; /* borrowed; NaN entries are models not trained / not evaluated */
  FigTrainingX x_axis;
  const char *title; /* NULL for none */
} FigTrainingData;

/* Two panels, training loss (log scale when it spans more than a decade and a half) and test
 * accuracy in percent, side by side in a wide figure and stacked in a tall one; in offline
 * runs a dashed line marks where the teacher phase ends and the students' begins. */
void fig_training_paint (
    cairo_t *cr, double width, double height, const FigTrainingData *data, const FigStyle *style);

/* The plotted numbers as CSV: step, epoch, phase, then loss, train and test accuracy per
 * model (empty where NaN). */
void fig_training_csv (const FigTrainingData *data, GString *out);
