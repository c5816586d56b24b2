/* fig_temperature.h — one sample's class probabilities and entropy against temperature. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "fig_style.h"

typedef struct
{
  int n_temperatures;
  const double *temperatures;     /* (n_temperatures) > 0, ascending */
  int n_classes;                  /* K */
  const char *const *class_names; /* (K); NULL for "0", "1", ... */
  const float *probs;             /* (n_temperatures, K) row-major: softmax(z / T) */
  const float *entropy;           /* (n_temperatures) nats; NULL for no entropy panel */
  double current_temperature;     /* marked with a vertical line; NaN for none */
  int highlight_class;            /* drawn heavier (true or predicted class); -1 for none */
  const char *title;              /* NULL for none */
} FigTemperatureData;

/* Probabilities against T on a log axis, the entropy in a panel below sharing that axis with
 * log K (the uniform distribution's entropy) marked; classes keyed in a legend on the right
 * (the first 24 of them; the lines of all are drawn). */
void fig_temperature_paint (cairo_t *cr,
                            double width,
                            double height,
                            const FigTemperatureData *data,
                            const FigStyle *style);

/* temperature, one column per class, entropy_nats. */
void fig_temperature_csv (const FigTemperatureData *data, GString *out);
