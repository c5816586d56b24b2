/* fig_reliability.h — reliability diagrams: is a model as often right as it is sure? */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <stdbool.h>

#include "fig_style.h"

typedef struct
{
  double lo, hi;     /* the bin's confidence range within [0, 1] */
  int count;         /* samples in the bin */
  double confidence; /* their mean confidence; NaN when the bin is empty */
  double accuracy;   /* their share of correct predictions; NaN when empty */
} FigReliabilityBin;

typedef struct
{
  const char *name; /* "Teacher"; NULL for none */
  int model;        /* a FigModel for the bar colour; -1 for neutral */
  int n_bins;
  const FigReliabilityBin *bins; /* (n_bins) */
  double ece;                    /* expected calibration error in [0, 1]; NaN: from the bins */
} FigReliabilityModel;

#define FIG_RELIABILITY_MAX_MODELS 3

typedef struct
{
  int n_models; /* panels side by side, 1 .. 3 */
  FigReliabilityModel models[FIG_RELIABILITY_MAX_MODELS];
  bool show_counts;  /* a histogram of the share of samples per bin under each panel, on one
                      * scale for all, when the figure is high enough to read them */
  const char *title; /* NULL for none */
} FigReliabilityData;

/* Per panel: accuracy bars per confidence bin, the gap to the bin's mean confidence shaded
 * (pale above a bar that falls short of it, hatched across a bar that exceeds it, each keyed in
 * the legend when drawn), the diagonal of perfect calibration, and the ECE in the panel title
 * (with the model's short name when the whole one does not fit). */
void fig_reliability_paint (cairo_t *cr,
                            double width,
                            double height,
                            const FigReliabilityData *data,
                            const FigStyle *style);

/* ECE from bins: sum of count / total * |accuracy - confidence|; NaN without samples. */
double fig_reliability_ece (const FigReliabilityModel *model);

/* model, bin_lo, bin_hi, count, confidence, accuracy. */
void fig_reliability_csv (const FigReliabilityData *data, GString *out);
