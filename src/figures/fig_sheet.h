/* fig_sheet.h — one page with the key figures of an experiment, for a paper's supplement or a
 * lab notebook: every panel is drawn by its own painter into a part of the page. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "fig_heatmap.h"
#include "fig_lines.h"
#include "fig_reliability.h"
#include "fig_saliency.h"
#include "fig_softlabels.h"
#include "fig_style.h"
#include "fig_temperature.h"
#include "fig_training.h"

/* One row of the metrics table. Fractions in [0, 1] are shown as percentages; NaN as "—". */
typedef struct
{
  int model;        /* a FigModel for the colour key; -1 for none */
  const char *name; /* NULL: the model's name */
  double accuracy;  /* test top-1 */
  double agreement; /* top-1 agreement with the teacher (NaN for the teacher itself) */
  double kl;        /* mean KL(teacher ‖ model) in nats (NaN for the teacher) */
  double ece;       /* expected calibration error */
} FigSheetMetrics;

#define FIG_SHEET_MAX_METRICS 3

typedef struct
{
  /* The title line; NULL, NaN or negative parts are left out. */
  const char *dataset;      /* "Fashion-MNIST" */
  const char *teacher_arch; /* "conv32-pool-conv64-pool-fc128" */
  const char *student_arch; /* "fc32" */
  double temperature;       /* T */
  double alpha;             /* the weight of the distillation term */
  long seed;

  /* The panels, borrowed; NULL ones are left out and the others take their room. Their own
   * titles are replaced by the sheet's lettered captions. */
  const FigTrainingData *training;
  const FigSoftLabelsData *soft_labels;
  const FigHeatmapData *similarity[FIG_N_MODEL_LOOKS]; /* per FigModel, on one colour scale */
  const FigLinesData *sweep;                           /* results of students trained at
                                                        * several T */
  const FigTemperatureData *temperature_sample;        /* one sample's probabilities against T */
  const FigSaliencyData *saliency;                     /* an excerpt: a method or two */
  const FigHeatmapData *cka;
  const FigReliabilityData *reliability;
  int n_metrics; /* 0 .. FIG_SHEET_MAX_METRICS rows of the metrics table */
  const FigSheetMetrics *metrics;
} FigSheetData;

/* A grid of lettered panels in reading order — training, soft labels, temperature, class
 * similarity, saliency, CKA, calibration, metrics — with the title line on top. Panels span one
 * or two columns (four on a landscape page, three on a squarish one, two on a portrait one) and
 * a row's panels widen to fill it. Made for a page such as 1600 x 1000 pixels at 96 dpi; on a
 * smaller one (A4 landscape) type and lines shrink to as little as 80 %. Each panel is clipped
 * to its part, so none can draw over another. */
void fig_sheet_paint (
    cairo_t *cr, double width, double height, const FigSheetData *data, const FigStyle *style);

/* The metrics table: model, accuracy, agreement, kl_nats, ece. */
void fig_sheet_csv (const FigSheetData *data, GString *out);
