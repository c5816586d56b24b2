/* cli_figure.h — building each figure's data from a session, shared by figure and report. */
#pragma once

#include "cli_analyse.h"
#include "figures.h"

typedef struct
{
  FigKind kind;
  const char *model;   /* --model for per-model figures: teacher, student, baseline */
  const char *pair;    /* --pair for CKA: teacher_student, ... */
  GPtrArray *children; /* CliFigure panels of a composite figure (the sheet) */
  GPtrArray *owned;    /* buffers the data points into, freed with the figure */
  union
  {
    FigTrainingData training;
    FigSoftLabelsData soft_labels;
    FigTemperatureData temperature;
    FigHeatmapData heatmap;
    FigReliabilityData reliability;
    FigLinesData lines;
    FigSaliencyData saliency;
    FigAgreementData agreement;
    FigSanityData sanity;
    FigActivationsData activations;
    FigPcaData pca;
    FigBoundaryData boundary;
    FigSheetData sheet;
  } data;
} CliFigure;

/* A figure of the CLI: its name, what it shows and how its data is made. */
typedef struct
{
  const char *name;
  const char *description;
  gboolean (*build) (AnalyseCtx *ctx, CliFigure *fig, GError **error);
} CliFigureEntry;

const CliFigureEntry *cli_figure_entries (int *n);
const CliFigureEntry *cli_figure_find (const char *name);
/* Builds fig's data for entry; fig->model/pair select variants. */
gboolean
cli_figure_build (const CliFigureEntry *entry, AnalyseCtx *ctx, CliFigure *fig, GError **error);
void cli_figure_clear (CliFigure *fig);
CliFigure *cli_figure_child (
    AnalyseCtx *ctx, CliFigure *parent, const char *name, const char *model, const char *pair);

/* Builders of the explanation and representation figures (cli_figure_data2.c). */
gboolean cli_figure_build_saliency (AnalyseCtx *ctx, CliFigure *fig, GError **error);
gboolean cli_figure_build_agreement (AnalyseCtx *ctx, CliFigure *fig, GError **error);
gboolean cli_figure_build_sanity (AnalyseCtx *ctx, CliFigure *fig, GError **error);
gboolean cli_figure_build_activations (AnalyseCtx *ctx, CliFigure *fig, GError **error);
gboolean cli_figure_build_pca (AnalyseCtx *ctx, CliFigure *fig, GError **error);
gboolean cli_figure_build_boundary (AnalyseCtx *ctx, CliFigure *fig, GError **error);
gboolean cli_figure_build_sheet (AnalyseCtx *ctx, CliFigure *fig, GError **error);
gboolean cli_figure_build_sweep (AnalyseCtx *ctx, CliFigure *fig, GError **error);
/* The KdModelId of "teacher", "student" or "baseline" (teacher for anything else). */
int cli_model_index (const char *name);
/* The test set's class names as a NULL-terminated array kept by fig. */
const char *const *cli_figure_class_names (AnalyseCtx *ctx, CliFigure *fig);
/* Keeps p until the figure is cleared; returns it. */
gpointer cli_figure_own (CliFigure *fig, gpointer p);
/* Fills the analysis options figures use with their defaults. */
void cli_figure_ctx_defaults (AnalyseCtx *ctx);
