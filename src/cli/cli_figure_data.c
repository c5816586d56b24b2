/* The data of each figure, computed from a session with the analysis layer. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cli_figure.h"
#include "kd_cka.h"
#include "kd_metrics.h"
#include "kd_softlabels.h"

gpointer
cli_figure_own (CliFigure *fig, gpointer p)
{
  g_ptr_array_add (fig->owned, p);
  return p;
}

#define own cli_figure_own

int
cli_model_index (const char *name)
{
  for (int m = 0; m < KD_N_MODELS; m++)
    if (g_strcmp0 (name, kd_model_name (m)) == 0)
      return m;
  return KD_TEACHER;
}

static const char *
model_title (int m)
{
  static const char *const titles[] = { "Teacher", "Distilled student", "Baseline student" };
  return titles[m];
}

const char *const *
cli_figure_class_names (AnalyseCtx *ctx, CliFigure *fig)
{
  const char **names = own (fig, g_new0 (const char *, ctx->K + 1));
  for (int k = 0; k < ctx->K; k++)
    names[k] = ctx->test->class_names[k];
  return names;
}

static gboolean
build_training (AnalyseCtx *ctx, CliFigure *fig, GError **error)
{
  if (ctx->session->history.n == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "this session has no training history");
      return FALSE;
    }
  fig->kind = FIG_KIND_TRAINING;
  fig->data.training
      = (FigTrainingData){ .history = &ctx->session->history, .x_axis = FIG_TRAINING_X_EPOCH };
  return TRUE;
}

static gboolean
build_soft_labels (AnalyseCtx *ctx, CliFigure *fig, GError **error)
{
  FigSoftLabelsData *d = &fig->data.soft_labels;
  fig->kind = FIG_KIND_SOFT_LABELS;
  *d = (FigSoftLabelsData){ .n_classes = ctx->K,
                            .class_names = cli_figure_class_names (ctx, fig),
                            .temperature = ctx->T,
                            .true_class = ctx->test->labels[ctx->sample] };
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      const float *row = ctx->logits[m] + (gsize)ctx->sample * ctx->K;
      float *p = own (fig, g_new (float, ctx->K));
      KdStatus st = kd_softlabels_from_logits (row, 1, ctx->K, ctx->T, p);
      if (st != KD_OK)
        return cli_analysis_failed (error, "soft labels", st);
      d->probs[m] = p;
      d->entropy[m] = kd_entropy_at (row, ctx->K, ctx->T);
    }
  d->title = own (fig, g_strdup_printf ("Soft labels of test sample %d", ctx->sample));
  return TRUE;
}

static gboolean
build_temperature (AnalyseCtx *ctx, CliFigure *fig, GError **error)
{
  int n_t = ctx->t_points, K = ctx->K, m = cli_model_index (fig->model);
  float *temps = own (fig, g_new (float, n_t));
  float *probs = own (fig, g_new (float, (gsize)n_t *K));
  double *entropy = g_new (double, n_t);
  const float *row = ctx->logits[m] + (gsize)ctx->sample * K;
  KdStatus st = kd_temperature_sweep (row, K, ctx->t_min, ctx->t_max, n_t, temps, probs, entropy);
  double *t64 = own (fig, g_new (double, n_t));
  float *ent32 = own (fig, g_new (float, n_t));
  for (int i = 0; i < n_t; i++)
    t64[i] = temps[i], ent32[i] = (float)entropy[i];
  g_free (entropy);
  if (st != KD_OK)
    return cli_analysis_failed (error, "temperature sweep", st);
  fig->kind = FIG_KIND_TEMPERATURE;
  fig->data.temperature = (FigTemperatureData){
    .n_temperatures = n_t,
    .temperatures = t64,
    .n_classes = K,
    .class_names = cli_figure_class_names (ctx, fig),
    .probs = probs,
    .entropy = ent32,
    .current_temperature = ctx->T,
    .highlight_class = ctx->test->labels[ctx->sample],
    .title = own (fig, g_strdup_printf ("%s, test sample %d, against temperature", model_title (m),
                                        ctx->sample)),
  };
  return TRUE;
}

static void
heatmap_from_doubles (CliFigure *fig, const double *v, int rows, int cols)
{
  float *values = own (fig, g_new (float, (gsize)rows *cols));
  for (int i = 0; i < rows * cols; i++)
    values[i] = (float)v[i];
  fig->kind = FIG_KIND_HEATMAP;
  fig->data.heatmap = (FigHeatmapData){ .n_rows = rows,
                                        .n_cols = cols,
                                        .values = values,
                                        .colormap = FIG_COLORMAP_VIRIDIS,
                                        .vmin = NAN,
                                        .vmax = NAN,
                                        .decimals = -1 };
}

static gboolean
build_similarity (AnalyseCtx *ctx, CliFigure *fig, GError **error)
{
  int K = ctx->K, m = cli_model_index (fig->model);
  g_autofree double *sim = g_new (double, (gsize)K *K);
  KdStatus st
      = kd_class_similarity (ctx->logits[m], ctx->test->labels, ctx->test->n, K, ctx->T, sim, NULL);
  if (st != KD_OK)
    return cli_analysis_failed (error, "class similarity", st);
  heatmap_from_doubles (fig, sim, K, K);
  FigHeatmapData *d = &fig->data.heatmap;
  d->row_names = d->col_names = cli_figure_class_names (ctx, fig);
  d->row_label = "True class";
  d->col_label = "Mean soft label";
  d->value_label = "Probability";
  d->vmin = 0.0;
  d->title = own (fig, g_strdup_printf ("%s: mean soft label per class at T = %g", model_title (m),
                                        (double)ctx->T));
  return TRUE;
}

static gboolean
build_confusion (AnalyseCtx *ctx, CliFigure *fig, GError **error)
{
  int K = ctx->K, m = cli_model_index (fig->model);
  g_autofree int *conf = g_new (int, (gsize)K *K);
  KdStatus st = kd_confusion_matrix (ctx->logits[m], ctx->test->labels, ctx->test->n, K, conf);
  if (st != KD_OK)
    return cli_analysis_failed (error, "confusion matrix", st);
  g_autofree double *v = g_new (double, (gsize)K *K);
  for (int i = 0; i < K * K; i++)
    v[i] = conf[i];
  heatmap_from_doubles (fig, v, K, K);
  FigHeatmapData *d = &fig->data.heatmap;
  d->row_names = d->col_names = cli_figure_class_names (ctx, fig);
  d->row_label = "True class";
  d->col_label = "Predicted class";
  d->value_label = "Samples";
  d->vmin = 0.0;
  d->decimals = 0;
  d->title = own (fig, g_strdup_printf ("%s: confusion matrix (%d test samples)", model_title (m),
                                        ctx->test->n));
  return TRUE;
}

static KdCkaPair
pair_index (const char *name)
{
  static const char *const names[KD_CKA_N_PAIRS]
      = { "teacher_student", "teacher_baseline", "student_baseline", "teacher_teacher" };
  for (int p = 0; p < KD_CKA_N_PAIRS; p++)
    if (g_strcmp0 (name, names[p]) == 0)
      return (KdCkaPair)p;
  return KD_CKA_TEACHER_STUDENT;
}

static const char *const *
layer_names (CliFigure *fig, const KdCkaResult *r, KdModelId m)
{
  const char **names = own (fig, g_new0 (const char *, r->n_layers[m] + 1));
  for (int i = 0; i < r->n_layers[m]; i++)
    names[i] = own (fig, g_strdup (r->layers[m][i].name));
  return names;
}

static gboolean
build_cka (AnalyseCtx *ctx, CliFigure *fig, GError **error)
{
  KdCkaResult *r = NULL;
  KdStatus st = kd_cka_compare (ctx->nets, ctx->test, NULL, MIN (ctx->samples, 2000), 0, NULL, &r);
  if (st != KD_OK)
    return cli_analysis_failed (error, "CKA", st);
  KdCkaPair p = pair_index (fig->pair);
  KdModelId rows, cols;
  kd_cka_pair_models (p, &rows, &cols);
  heatmap_from_doubles (fig, r->cka[p], r->n_layers[rows], r->n_layers[cols]);
  FigHeatmapData *d = &fig->data.heatmap;
  d->row_names = layer_names (fig, r, rows);
  d->col_names = layer_names (fig, r, cols);
  d->row_label = own (fig, g_strdup_printf ("%s layer", model_title (rows)));
  d->col_label = own (fig, g_strdup_printf ("%s layer", model_title (cols)));
  d->value_label = "Linear CKA";
  d->vmin = 0.0;
  d->vmax = 1.0;
  d->decimals = 2;
  d->title = own (fig, g_strdup_printf ("Linear CKA, %d test samples", r->n_samples));
  kd_cka_result_free (r);
  return TRUE;
}

static gboolean
build_reliability (AnalyseCtx *ctx, CliFigure *fig, GError **error)
{
  FigReliabilityData *d = &fig->data.reliability;
  fig->kind = FIG_KIND_RELIABILITY;
  *d = (FigReliabilityData){ .n_models = KD_N_MODELS,
                             .show_counts = true,
                             .title = "Reliability diagrams (15 bins)" };
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      KdCalibration cal;
      KdStatus st
          = kd_calibration (ctx->logits[m], ctx->test->labels, ctx->test->n, ctx->K, 1.0f, &cal);
      if (st != KD_OK)
        return cli_analysis_failed (error, "calibration", st);
      FigReliabilityBin *bins = own (fig, g_new (FigReliabilityBin, KD_ECE_BINS));
      for (int i = 0; i < KD_ECE_BINS; i++)
        bins[i] = (FigReliabilityBin){ cal.bins[i].lo, cal.bins[i].hi, cal.bins[i].count,
                                       cal.bins[i].confidence, cal.bins[i].accuracy };
      d->models[m] = (FigReliabilityModel){
        .name = model_title (m), .model = m, .n_bins = KD_ECE_BINS, .bins = bins, .ece = cal.ece
      };
    }
  return TRUE;
}

static const CliFigureEntry entries[] = {
  { "training", "loss and test accuracy of the three models during training", build_training },
  { "soft-labels", "the three models' soft labels for one test sample at T", build_soft_labels },
  { "temperature", "one sample's class probabilities and entropy against T (--model)",
    build_temperature },
  { "similarity", "class-similarity matrix: mean soft label per true class (--model)",
    build_similarity },
  { "confusion", "confusion matrix on the test set (--model)", build_confusion },
  { "cka", "linear CKA between the layers of two models (--pair)", build_cka },
  { "reliability", "reliability diagrams and ECE of the three models", build_reliability },
  { "saliency", "the sample's saliency maps, every method, the three models",
    cli_figure_build_saliency },
  { "agreement", "agreement of the teacher's maps with each student's over --samples samples",
    cli_figure_build_agreement },
  { "sanity", "model-randomisation sanity check of every saliency method (--model)",
    cli_figure_build_sanity },
  { "activations", "the sample's activations, layer by layer, of the three models",
    cli_figure_build_activations },
  { "pca", "PCA of the last hidden layer of the three models, coloured by class",
    cli_figure_build_pca },
  { "boundary", "decision boundaries of the three models (2-D data only)",
    cli_figure_build_boundary },
  { "sweep", "students trained at several T: accuracy, agreement, KL (--sweep FILE)",
    cli_figure_build_sweep },
  { "sheet", "the key figures of the experiment on one page", cli_figure_build_sheet },
};

const CliFigureEntry *
cli_figure_entries (int *n)
{
  *n = G_N_ELEMENTS (entries);
  return entries;
}

const CliFigureEntry *
cli_figure_find (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (entries); i++)
    if (g_strcmp0 (entries[i].name, name) == 0)
      return &entries[i];
  return NULL;
}

gboolean
cli_figure_build (const CliFigureEntry *entry, AnalyseCtx *ctx, CliFigure *fig, GError **error)
{
  if (!fig->owned)
    fig->owned = g_ptr_array_new_with_free_func (g_free);
  return entry->build (ctx, fig, error);
}

static void
cli_figure_free (gpointer p)
{
  cli_figure_clear (p);
  g_free (p);
}

void
cli_figure_clear (CliFigure *fig)
{
  g_clear_pointer (&fig->children, g_ptr_array_unref);
  g_clear_pointer (&fig->owned, g_ptr_array_unref);
}

/* A panel of a composite figure, built with the same options; NULL when it cannot be made
 * for this session (e.g. no history), since the sheet leaves such panels out. */
CliFigure *
cli_figure_child (
    AnalyseCtx *ctx, CliFigure *parent, const char *name, const char *model, const char *pair)
{
  CliFigure *child = g_new0 (CliFigure, 1);
  child->model = model, child->pair = pair;
  if (!parent->children)
    parent->children = g_ptr_array_new_with_free_func (cli_figure_free);
  g_ptr_array_add (parent->children, child);
  g_autoptr (GError) error = NULL;
  if (!cli_figure_build (cli_figure_find (name), ctx, child, &error))
    return NULL;
  return child;
}

void
cli_figure_ctx_defaults (AnalyseCtx *ctx)
{
  ctx->samples = 1000;
  ctx->t_min = KD_SWEEP_T_MIN;
  ctx->t_max = KD_SWEEP_T_MAX;
  ctx->t_points = KD_SWEEP_N_T;
  ctx->ig_steps = 32;
  ctx->smooth_n = 25;
  ctx->smooth_sigma = 0.15;
  ctx->topk = 0.1;
  ctx->target = g_strdup ("true");
  ctx->ig_baseline = g_strdup ("zeros");
  ctx->methods = g_strsplit ("gradient,gradxinput,smoothgrad,ig", ",", -1);
}
