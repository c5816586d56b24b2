/* fig_registry.h — every figure by name, behind generic data pointers: the CLI's `figure`
 * command and the export dialog reach painters and their CSV through here. */
#pragma once

#include <glib.h>

#include "fig_export.h"

typedef void (*FigCsvFunc) (const void *data, GString *out);

typedef enum
{
  FIG_KIND_TRAINING,    /* FigTrainingData */
  FIG_KIND_SOFT_LABELS, /* FigSoftLabelsData */
  FIG_KIND_TEMPERATURE, /* FigTemperatureData */
  FIG_KIND_HEATMAP,     /* FigHeatmapData */
  FIG_KIND_RELIABILITY, /* FigReliabilityData */
  FIG_KIND_LINES,       /* FigLinesData */
  FIG_KIND_SALIENCY,    /* FigSaliencyData */
  FIG_KIND_AGREEMENT,   /* FigAgreementData */
  FIG_KIND_SANITY,      /* FigSanityData */
  FIG_KIND_ACTIVATIONS, /* FigActivationsData */
  FIG_KIND_PCA,         /* FigPcaData */
  FIG_KIND_BOUNDARY,    /* FigBoundaryData */
  FIG_KIND_SHEET,       /* FigSheetData */
  FIG_N_KINDS,
} FigKind;

typedef struct
{
  FigKind kind;
  const char *name;        /* "training", "soft-labels", ... */
  const char *description; /* one line, English */
  FigPaintFunc paint;
  FigCsvFunc csv;
} FigInfo;

const FigInfo *fig_registry_get (FigKind kind);
/* NULL for an unknown name. */
const FigInfo *fig_registry_find (const char *name);

/* The size in pixels at 96 dpi a page of this figure alone reads best at, for reports: about
 * 1280 x 800 in area, shaped by what the figure holds (a matrix of many rows is tall, three
 * panels side by side are wide and low; a 10 x 10 heat map is nearly square). data may be
 * NULL for a kind's usual size. */
void fig_natural_size (FigKind kind, const void *data, int *width, int *height);
