/* fig_softlabels.h — one sample's class distribution for the three models at temperature T. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <stdbool.h>

#include "fig_style.h"

typedef struct
{
  int n_classes;                         /* K */
  const char *const *class_names;        /* (K) UTF-8; NULL for "0", "1", ... */
  const float *probs[FIG_N_MODEL_LOOKS]; /* (K) softmax(z / T) per FigModel; NULL: absent */
  double entropy[FIG_N_MODEL_LOOKS];     /* nats, shown in the legend; NaN to leave out */
  double temperature;                    /* T, shown on the y axis */
  int true_class;                        /* its name is set in bold; -1 if unknown */
  bool log_scale;    /* log probabilities, to show the small ones (the "dark knowledge") */
  const char *title; /* NULL for none */
} FigSoftLabelsData;

/* Grouped bars, one group per class and one bar per model. */
void fig_softlabels_paint (
    cairo_t *cr, double width, double height, const FigSoftLabelsData *data, const FigStyle *style);

/* class, then each present model's probability, and a last row with the entropies. */
void fig_softlabels_csv (const FigSoftLabelsData *data, GString *out);
