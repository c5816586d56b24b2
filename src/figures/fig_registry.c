/* fig_registry.c — adapters from generic data pointers to the typed painters. */
#include "fig_registry.h"

#include <math.h>
#include <string.h>

#include "fig_activations.h"
#include "fig_agreement.h"
#include "fig_boundary.h"
#include "fig_heatmap.h"
#include "fig_lines.h"
#include "fig_pca.h"
#include "fig_reliability.h"
#include "fig_saliency.h"
#include "fig_sanity.h"
#include "fig_sheet.h"
#include "fig_softlabels.h"
#include "fig_temperature.h"
#include "fig_training.h"

/* Calling a painter through a pointer of another type is undefined behaviour, so each gets a
 * wrapper with the generic signature. */
#define ADAPT(name, Data)                                                                          \
  static void name##_paint_any (cairo_t *cr, double w, double h, const void *data,                 \
                                const FigStyle *style)                                             \
  {                                                                                                \
    fig_##name##_paint (cr, w, h, (const Data *)data, style);                                      \
  }                                                                                                \
  static void name##_csv_any (const void *data, GString *out)                                      \
  {                                                                                                \
    fig_##name##_csv ((const Data *)data, out);                                                    \
  }

ADAPT (training, FigTrainingData)
ADAPT (softlabels, FigSoftLabelsData)
ADAPT (temperature, FigTemperatureData)
ADAPT (heatmap, FigHeatmapData)
ADAPT (reliability, FigReliabilityData)
ADAPT (lines, FigLinesData)
ADAPT (saliency, FigSaliencyData)
ADAPT (agreement, FigAgreementData)
ADAPT (sanity, FigSanityData)
ADAPT (activations, FigActivationsData)
ADAPT (pca, FigPcaData)
ADAPT (boundary, FigBoundaryData)
ADAPT (sheet, FigSheetData)

static const FigInfo registry[FIG_N_KINDS] = {
  { FIG_KIND_TRAINING, "training", "Loss and test accuracy of the three models", training_paint_any,
    training_csv_any },
  { FIG_KIND_SOFT_LABELS, "soft-labels", "A sample's class probabilities at temperature T",
    softlabels_paint_any, softlabels_csv_any },
  { FIG_KIND_TEMPERATURE, "temperature", "Class probabilities and entropy against T",
    temperature_paint_any, temperature_csv_any },
  { FIG_KIND_HEATMAP, "heatmap", "A labelled matrix: similarity, CKA or confusion",
    heatmap_paint_any, heatmap_csv_any },
  { FIG_KIND_RELIABILITY, "reliability", "Reliability diagrams with ECE", reliability_paint_any,
    reliability_csv_any },
  { FIG_KIND_LINES, "lines", "Line plots with error bars (training sweeps)", lines_paint_any,
    lines_csv_any },
  { FIG_KIND_SALIENCY, "saliency", "Saliency maps of the three models, one row per method",
    saliency_paint_any, saliency_csv_any },
  { FIG_KIND_AGREEMENT, "agreement",
    "Per-sample saliency agreement with the teacher and the closer share", agreement_paint_any,
    agreement_csv_any },
  { FIG_KIND_SANITY, "sanity", "Model-randomisation sanity check of the saliency methods",
    sanity_paint_any, sanity_csv_any },
  { FIG_KIND_ACTIVATIONS, "activations", "Per-layer activation maps of one sample",
    activations_paint_any, activations_csv_any },
  { FIG_KIND_PCA, "pca", "PCA projection of a hidden layer, coloured by class", pca_paint_any,
    pca_csv_any },
  { FIG_KIND_BOUNDARY, "boundary", "Decision regions of the models on 2-D data", boundary_paint_any,
    boundary_csv_any },
  { FIG_KIND_SHEET, "sheet", "One page with the key figures of an experiment", sheet_paint_any,
    sheet_csv_any },
};

const FigInfo *
fig_registry_get (FigKind kind)
{
  return kind >= 0 && kind < FIG_N_KINDS ? &registry[kind] : NULL;
}

const FigInfo *
fig_registry_find (const char *name)
{
  for (int k = 0; name && k < FIG_N_KINDS; k++)
    if (strcmp (registry[k].name, name) == 0)
      return &registry[k];
  return NULL;
}

/* Side by side panels of about 4 : 3 each, with the legend and titles above and below. */
static void
panels_size (int n, int *width, int *height)
{
  n = CLAMP (n, 1, 4);
  *width = n == 1 ? 880 : 1280;
  *height = n == 1 ? 720 : CLAMP (1280 / n + 160, 480, 800);
}

/* Square cells as large as fit 1280 x 800, plus room for the names, titles and colour bar. */
static void
heatmap_size (const FigHeatmapData *d, int *width, int *height)
{
  int rows = d && d->n_rows > 0 ? d->n_rows : 10, cols = d && d->n_cols > 0 ? d->n_cols : 10;
  double cell = fmin (580.0 / rows, 900.0 / cols);
  *width = CLAMP ((int)lround (cols * cell + 380), 640, 1280);
  *height = CLAMP ((int)lround (rows * cell + 220), 480, 800);
}

void
fig_natural_size (FigKind kind, const void *data, int *width, int *height)
{
  *width = 1280, *height = 800;
  switch (kind)
    {
      case FIG_KIND_TRAINING:
      case FIG_KIND_SOFT_LABELS:
        *height = 640;
        break;
      case FIG_KIND_TEMPERATURE:
        *width = 1120, *height = 700;
        break;
      case FIG_KIND_HEATMAP:
        heatmap_size (data, width, height);
        break;
      case FIG_KIND_RELIABILITY:
        panels_size (data ? ((const FigReliabilityData *)data)->n_models : 3, width, height);
        break;
      case FIG_KIND_LINES:
        panels_size (data ? ((const FigLinesData *)data)->n_panels : 3, width, height);
        break;
      case FIG_KIND_PCA:
        panels_size (data ? ((const FigPcaData *)data)->n_panels : 3, width, height);
        break;
      case FIG_KIND_BOUNDARY:
        panels_size (data ? ((const FigBoundaryData *)data)->n_panels : 3, width, height);
        break;
      case FIG_KIND_SALIENCY:
        *width = 1200;
        *height
            = CLAMP (160 + 200 * (data ? ((const FigSaliencyData *)data)->n_rows : 4), 400, 1000);
        break;
      case FIG_KIND_AGREEMENT:
      case FIG_KIND_SANITY:
        *height = 720;
        break;
      case FIG_KIND_SHEET:
        *width = 1600, *height = 1000;
        break;
      case FIG_KIND_ACTIVATIONS:
      case FIG_N_KINDS:
      default:
        break;
    }
}
