/* The data of the explanation and representation figures: saliency, agreement, sanity check,
 * activations, PCA, decision boundaries, and the comparison sheet. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cli_figure.h"
#include "kd_activations.h"
#include "kd_boundary.h"
#include "kd_mapstats.h"
#include "kd_metrics.h"
#include "kd_pca.h"
#include "kd_sanity.h"

#define own cli_figure_own

static const char *const method_titles[KD_SALIENCY_N_METHODS]
    = { "Gradient", "Gradient × input", "SmoothGrad", "Integrated gradients" };

static int
n_methods (AnalyseCtx *ctx)
{
  return MIN ((int)g_strv_length (ctx->methods), FIG_SALIENCY_MAX_ROWS);
}

gboolean
cli_figure_build_saliency (AnalyseCtx *ctx, CliFigure *fig, GError **error)
{
  const KdDataset *ds = ctx->test;
  gsize dim = kd_dataset_dim (ds);
  int rows = n_methods (ctx);
  float *x = own (fig, g_new (float, dim));
  FigSaliencyRow *row = own (fig, g_new0 (FigSaliencyRow, rows));
  cli_test_input (ctx, ctx->sample, x);
  for (int r = 0; r < rows; r++)
    {
      KdSaliencyMethod method = cli_saliency_method (ctx->methods[r]);
      KdSaliencyConfig cfg;
      cli_saliency_config (ctx, method, ctx->sample, &cfg);
      row[r].name = method_titles[method];
      for (int m = 0; m < KD_N_MODELS; m++)
        {
          float *map = own (fig, g_new (float, dim));
          KdStatus st
              = kd_saliency_compute (ctx->nets[m], x, ds->labels[ctx->sample], &cfg, map, NULL);
          if (st != KD_OK)
            return cli_analysis_failed (error, "saliency", st);
          row[r].maps[m] = map;
        }
    }
  fig->kind = FIG_KIND_SALIENCY;
  fig->data.saliency = (FigSaliencyData){
    .c = ds->c,
    .h = ds->h,
    .w = ds->w,
    .input = x,
    .n_rows = rows,
    .rows = row,
    .mode = FIG_SALIENCY_HEATMAP,
    .scale = FIG_SALIENCY_SCALE_ROW,
    .clip_quantile = 0.99,
    .title = own (fig, g_strdup_printf ("Saliency of test sample %d (class %s)", ctx->sample,
                                        ds->class_names[ds->labels[ctx->sample]])),
  };
  return TRUE;
}

/* Per-sample Spearman of |maps|, teacher against a student, over n samples. */
static double *
per_sample_spearman (CliFigure *fig, const float *t, const float *s, int n, gsize dim)
{
  double *rho = own (fig, g_new (double, n));
  for (int i = 0; i < n; i++)
    if (kd_map_spearman (t + i * dim, s + i * dim, dim, true, &rho[i]) != KD_OK)
      rho[i] = NAN;
  return rho;
}

gboolean
cli_figure_build_agreement (AnalyseCtx *ctx, CliFigure *fig, GError **error)
{
  int n = ctx->samples, rows = n_methods (ctx);
  gsize dim = kd_dataset_dim (ctx->test), stride = (gsize)n * dim;
  g_autofree float *maps = g_try_new (float, KD_N_MODELS *stride);
  if (!maps)
    return cli_analysis_failed (error, "agreement", KD_ERR_NOMEM);
  FigAgreementMethod *methods = own (fig, g_new0 (FigAgreementMethod, rows));
  for (int r = 0; r < rows; r++)
    {
      KdSaliencyMethod method = cli_saliency_method (ctx->methods[r]);
      if (!cli_saliency_dataset_maps (ctx, method, n, maps, error))
        return FALSE;
      KdCloserShare share;
      kd_closer_share (maps, maps + stride, maps + 2 * stride, (size_t)n, dim, true, &share);
      methods[r] = (FigAgreementMethod){
        .name = method_titles[method],
        .n = n,
        .vs_student = per_sample_spearman (fig, maps, maps + stride, n, dim),
        .vs_baseline = per_sample_spearman (fig, maps, maps + 2 * stride, n, dim),
        .closer = { true, share.share, share.lo, share.hi },
      };
    }
  fig->kind = FIG_KIND_AGREEMENT;
  fig->data.agreement = (FigAgreementData){
    .n_methods = rows,
    .methods = methods,
    .score_label = "Spearman ρ of |maps| with teacher",
    .title = own (fig, g_strdup_printf ("Saliency agreement with the teacher, %d test samples", n)),
  };
  return TRUE;
}

gboolean
cli_figure_build_sanity (AnalyseCtx *ctx, CliFigure *fig, GError **error)
{
  int m = cli_model_index (fig->model), rows = n_methods (ctx);
  int n_stages = kd_sanity_n_stages (ctx->nets[m]);
  gsize dim = kd_dataset_dim (ctx->test);
  g_autofree float *x = g_new (float, dim);
  cli_test_input (ctx, ctx->sample, x);
  const char **names = own (fig, g_new0 (const char *, n_stages + 1));
  FigSanityLine *lines = own (fig, g_new0 (FigSanityLine, rows));
  for (int r = 0; r < rows; r++)
    {
      KdSaliencyMethod method = cli_saliency_method (ctx->methods[r]);
      KdSaliencyConfig cfg;
      cli_saliency_config (ctx, method, ctx->sample, &cfg);
      g_autofree KdSanityStage *stages = g_new0 (KdSanityStage, n_stages);
      KdStatus st = kd_sanity_cascade (ctx->nets[m], x, ctx->test->labels[ctx->sample], &cfg,
                                       ctx->seed, stages, NULL);
      if (st != KD_OK)
        return cli_analysis_failed (error, "sanity check", st);
      double *rho = own (fig, g_new (double, n_stages));
      for (int i = 0; i < n_stages; i++)
        {
          rho[i] = stages[i].spearman_abs;
          if (r == 0)
            names[i] = own (fig, g_strdup (stages[i].name));
        }
      lines[r] = (FigSanityLine){ .method = method_titles[method], .model = -1, .rho = rho };
    }
  fig->kind = FIG_KIND_SANITY;
  fig->data.sanity = (FigSanityData){
    .n_stages = n_stages,
    .stages = names,
    .n_lines = rows,
    .lines = lines,
    .title = own (fig, g_strdup_printf ("Cascading randomisation of the %s, test sample %d",
                                        kd_model_name (m), ctx->sample)),
  };
  return TRUE;
}

static gboolean
activation_model (AnalyseCtx *ctx, CliFigure *fig, int m, FigActivationModel *out, GError **error)
{
  KdRepLayer layers[KD_ACT_MAX_LAYERS];
  int n = 0;
  KdStatus st = kd_activations_layers (ctx->nets[m], KD_ACT_REPRESENTATIONS, layers, &n);
  float *values = NULL;
  if (st == KD_OK)
    {
      values = own (fig, g_new (float, kd_activations_sample_size (layers, n)));
      st = kd_activations_sample (ctx->nets[m], ctx->test, ctx->sample, layers, n, values);
    }
  if (st != KD_OK)
    return cli_analysis_failed (error, "activations", st);
  n = MIN (n, FIG_ACTIVATIONS_MAX_LAYERS);
  FigActivationLayer *fl = own (fig, g_new0 (FigActivationLayer, n));
  for (int i = 0; i < n; i++)
    fl[i] = (FigActivationLayer){ own (fig, g_strdup (layers[i].name)), layers[i].c, layers[i].h,
                                  layers[i].w, values + layers[i].offset };
  *out = (FigActivationModel){ .model = m, .n_layers = n, .layers = fl };
  return TRUE;
}

gboolean
cli_figure_build_activations (AnalyseCtx *ctx, CliFigure *fig, GError **error)
{
  FigActivationsData *d = &fig->data.activations;
  fig->kind = FIG_KIND_ACTIVATIONS;
  *d = (FigActivationsData){ .n_models = KD_N_MODELS, .max_maps = 32 };
  for (int m = 0; m < KD_N_MODELS; m++)
    if (!activation_model (ctx, fig, m, &d->models[m], error))
      return FALSE;
  d->title = own (fig, g_strdup_printf ("Activations for test sample %d", ctx->sample));
  return TRUE;
}

gboolean
cli_figure_build_pca (AnalyseCtx *ctx, CliFigure *fig, GError **error)
{
  int n = ctx->samples;
  FigPcaData *d = &fig->data.pca;
  fig->kind = FIG_KIND_PCA;
  uint8_t *labels = own (fig, g_new (uint8_t, n));
  *d = (FigPcaData){ .n_panels = KD_N_MODELS,
                     .labels = labels,
                     .n_classes = ctx->K,
                     .class_names = cli_figure_class_names (ctx, fig) };
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      float *coords = own (fig, g_new (float, (gsize)n * 2));
      double ratio[2];
      KdRepLayer layer;
      KdStatus st
          = kd_pca_net (ctx->nets[m], ctx->test, NULL, n, 2, coords, ratio, labels, &layer, NULL);
      if (st != KD_OK)
        return cli_analysis_failed (error, "PCA", st);
      d->panels[m] = (FigPcaPanel){ .model = m,
                                    .layer = own (fig, g_strdup (layer.name)),
                                    .n = n,
                                    .coords = coords,
                                    .dims = 2,
                                    .ratio = { ratio[0], ratio[1] } };
    }
  d->title = own (fig, g_strdup_printf ("PCA of the last hidden layer, %d test samples", n));
  return TRUE;
}

enum
{
  BOUNDARY_RES = 96,
  FIELD_RES = 16,
  BOUNDARY_POINTS = 600
};

static gboolean
boundary_panel (AnalyseCtx *ctx,
                CliFigure *fig,
                const KdBounds *b,
                int m,
                FigBoundaryPanel *out,
                GError **error)
{
  float *probs = own (fig, g_new (float, BOUNDARY_RES *BOUNDARY_RES * ctx->K));
  g_autofree uint8_t *classes = g_new (uint8_t, BOUNDARY_RES * BOUNDARY_RES);
  float *field = own (fig, g_new (float, FIELD_RES *FIELD_RES * 2));
  KdStatus st = kd_boundary_probs (ctx->nets[m], b, BOUNDARY_RES, probs, classes);
  if (st == KD_OK)
    st = kd_boundary_field (ctx->nets[m], b, FIELD_RES, KD_FIELD_PMAX, field);
  if (st != KD_OK)
    return cli_analysis_failed (error, "decision boundary", st);
  *out = (FigBoundaryPanel){ .model = m, .probs = probs, .field = field };
  return TRUE;
}

gboolean
cli_figure_build_boundary (AnalyseCtx *ctx, CliFigure *fig, GError **error)
{
  const KdDataset *tr = ctx->train;
  if (kd_dataset_dim (tr) != 2 || !tr->features)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "decision boundaries need 2-D data; this data has %zu features",
                   kd_dataset_dim (tr));
      return FALSE;
    }
  KdBounds b;
  kd_boundary_data_bounds (tr, 0.1f, &b);
  int n = MIN (tr->n, BOUNDARY_POINTS);
  FigBoundaryData *d = &fig->data.boundary;
  fig->kind = FIG_KIND_BOUNDARY;
  *d = (FigBoundaryData){ .n_panels = KD_N_MODELS,
                          .res = BOUNDARY_RES,
                          .field_res = FIELD_RES,
                          .n_classes = ctx->K,
                          .xmin = b.xmin,
                          .xmax = b.xmax,
                          .ymin = b.ymin,
                          .ymax = b.ymax,
                          .n_points = n,
                          .points = tr->features,
                          .labels = tr->labels,
                          .class_names = cli_figure_class_names (ctx, fig),
                          .title = "Decision boundaries and gradient of p_max" };
  for (int m = 0; m < KD_N_MODELS; m++)
    if (!boundary_panel (ctx, fig, &b, m, &d->panels[m], error))
      return FALSE;
  return TRUE;
}

static const void *
child_data (AnalyseCtx *ctx, CliFigure *fig, const char *name, const char *model, const char *pair)
{
  CliFigure *child = cli_figure_child (ctx, fig, name, model, pair);
  return child ? (const void *)&child->data : NULL;
}

static void
sheet_metrics (AnalyseCtx *ctx, CliFigure *fig, FigSheetData *d)
{
  KdMetricsReport report = { 0 };
  const float *logits[KD_N_MODELS] = { ctx->logits[0], ctx->logits[1], ctx->logits[2] };
  if (kd_metrics_from_logits (logits, ctx->test->labels, ctx->test->n, ctx->K, ctx->T, &report)
      != KD_OK)
    return;
  FigSheetMetrics *rows = own (fig, g_new0 (FigSheetMetrics, KD_N_MODELS));
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      const KdModelMetrics *mm = &report.model[m];
      rows[m] = (FigSheetMetrics){ .model = m,
                                   .accuracy = mm->accuracy,
                                   .agreement = m == KD_TEACHER ? NAN : mm->agreement,
                                   .kl = m == KD_TEACHER ? NAN : mm->kl,
                                   .ece = mm->calibration.ece };
    }
  d->n_metrics = KD_N_MODELS;
  d->metrics = rows;
  kd_metrics_report_clear (&report);
}

gboolean
cli_figure_build_sheet (AnalyseCtx *ctx, CliFigure *fig, GError **error)
{
  const KdTrainConfig *c = &ctx->session->config;
  FigSheetData *d = &fig->data.sheet;
  fig->kind = FIG_KIND_SHEET;
  *d = (FigSheetData){ .dataset = ctx->session->data_spec,
                       .teacher_arch = c->teacher_arch,
                       .student_arch = c->student_arch,
                       .temperature = ctx->T,
                       .alpha = c->alpha,
                       .seed = (long)c->seed };
  d->training = child_data (ctx, fig, "training", NULL, NULL);
  d->soft_labels = child_data (ctx, fig, "soft-labels", NULL, NULL);
  for (int m = 0; m < KD_N_MODELS; m++)
    d->similarity[m] = child_data (ctx, fig, "similarity", kd_model_name (m), NULL);
  d->temperature_sample = child_data (ctx, fig, "temperature", "teacher", NULL);
  if (kd_dataset_dim (ctx->test) > 2)
    d->saliency = child_data (ctx, fig, "saliency", NULL, NULL);
  d->cka = child_data (ctx, fig, "cka", NULL, "teacher_student");
  if (ctx->sweep_json)
    d->sweep = child_data (ctx, fig, "sweep", NULL, NULL);
  d->reliability = child_data (ctx, fig, "reliability", NULL, NULL);
  sheet_metrics (ctx, fig, d);
  return TRUE;
}

/* ---- training-sweep results, from the JSON `sweep --json` writes ------------------------- */

static gboolean
sweep_number (JsonObject *point, const char *who, const char *metric, const char *stat, double *out)
{
  JsonObject *w = json_object_get_object_member (point, who);
  JsonObject *m = w ? json_object_get_object_member (w, metric) : NULL;
  JsonNode *n = m ? json_object_get_member (m, stat) : NULL;
  *out = n && JSON_NODE_HOLDS_VALUE (n) ? json_node_get_double (n) : NAN;
  return n != NULL;
}

typedef struct
{
  int n;
  double *t, *acc, *acc_err, *base, *base_err, *agree, *agree_err, *kl, *kl_err;
} SweepColumns;

static gboolean
sweep_columns (CliFigure *fig, JsonArray *points, double alpha, SweepColumns *c)
{
  int n = (int)json_array_get_length (points), k = 0;
  double **cols[] = { &c->t,     &c->acc,       &c->acc_err, &c->base,  &c->base_err,
                      &c->agree, &c->agree_err, &c->kl,      &c->kl_err };
  for (gsize i = 0; i < G_N_ELEMENTS (cols); i++)
    *cols[i] = own (fig, g_new (double, MAX (n, 1)));
  for (int i = 0; i < n; i++)
    {
      JsonObject *p = json_array_get_object_element (points, i);
      if (!p || fabs (json_object_get_double_member_with_default (p, "alpha", NAN) - alpha) > 1e-6)
        continue;
      c->t[k] = json_object_get_double_member_with_default (p, "temperature", NAN);
      gboolean ok = sweep_number (p, "student", "accuracy", "mean", &c->acc[k])
                    && sweep_number (p, "student", "accuracy", "std", &c->acc_err[k])
                    && sweep_number (p, "baseline", "accuracy", "mean", &c->base[k])
                    && sweep_number (p, "baseline", "accuracy", "std", &c->base_err[k])
                    && sweep_number (p, "student", "agreement", "mean", &c->agree[k])
                    && sweep_number (p, "student", "agreement", "std", &c->agree_err[k])
                    && sweep_number (p, "student", "kl", "mean", &c->kl[k])
                    && sweep_number (p, "student", "kl", "std", &c->kl_err[k]);
      if (!ok)
        return FALSE;
      /* In percent, as the app and the other figures show accuracy and agreement. */
      double *percent[] = { &c->acc[k],      &c->acc_err[k], &c->base[k],
                            &c->base_err[k], &c->agree[k],   &c->agree_err[k] };
      for (gsize j = 0; j < G_N_ELEMENTS (percent); j++)
        *percent[j] *= 100.0;
      k++;
    }
  c->n = k;
  return k > 0;
}

static void
sweep_panels (CliFigure *fig, const SweepColumns *c, double alpha, double teacher_acc)
{
  FigLineSeries *s = own (fig, g_new0 (FigLineSeries, 4));
  char *label = own (fig, g_strdup_printf ("Distilled student (α = %g)", alpha));
  s[0] = (FigLineSeries){ label, c->n, c->t, c->acc, c->acc_err, FIG_MODEL_STUDENT };
  s[1]
      = (FigLineSeries){ "Baseline student", c->n, c->t, c->base, c->base_err, FIG_MODEL_BASELINE };
  s[2] = (FigLineSeries){ label, c->n, c->t, c->agree, c->agree_err, FIG_MODEL_STUDENT };
  s[3] = (FigLineSeries){ label, c->n, c->t, c->kl, c->kl_err, FIG_MODEL_STUDENT };
  FigLinesPanel *p = own (fig, g_new0 (FigLinesPanel, 3));
  p[0] = (FigLinesPanel){ .title = "Test accuracy",
                          .x_label = "Temperature T",
                          .y_label = "Accuracy (%)",
                          .log_x = true,
                          .n_series = 2,
                          .series = s,
                          .ref_y = 100.0 * teacher_acc,
                          .ref_label = "Teacher",
                          .x_ticks_at_data = true };
  p[1] = (FigLinesPanel){ .title = "Agreement with the teacher",
                          .x_label = "Temperature T",
                          .y_label = "Top-1 agreement (%)",
                          .log_x = true,
                          .n_series = 1,
                          .series = s + 2,
                          .ref_y = NAN,
                          .x_ticks_at_data = true };
  p[2] = (FigLinesPanel){ .title = "KL(teacher_T ‖ student_T)",
                          .x_label = "Temperature T",
                          .y_label = "KL (nats)",
                          .log_x = true,
                          .log_y = true,
                          .n_series = 1,
                          .series = s + 3,
                          .ref_y = NAN,
                          .x_ticks_at_data = true };
  fig->kind = FIG_KIND_LINES;
  fig->data.lines = (FigLinesData){ .n_panels = 3, .panels = p };
}

gboolean
cli_figure_build_sweep (AnalyseCtx *ctx, CliFigure *fig, GError **error)
{
  if (!ctx->sweep_json)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "give the results of a sweep with --sweep FILE (written by `sweep --json`)");
      return FALSE;
    }
  g_autoptr (JsonParser) parser = json_parser_new ();
  if (!json_parser_load_from_file (parser, ctx->sweep_json, error))
    return FALSE;
  JsonNode *root = json_parser_get_root (parser);
  JsonObject *o = root && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  JsonArray *points = o && json_object_has_member (o, "points")
                          ? json_object_get_array_member (o, "points")
                          : NULL;
  JsonObject *first
      = points && json_array_get_length (points) ? json_array_get_object_element (points, 0) : NULL;
  SweepColumns c;
  double alpha = first ? json_object_get_double_member_with_default (first, "alpha", NAN) : NAN;
  if (!first || !sweep_columns (fig, points, alpha, &c))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "“%s” is not the JSON of a finished sweep (no points with accuracy, "
                   "agreement and KL)",
                   ctx->sweep_json);
      return FALSE;
    }
  JsonObject *teacher = json_object_get_object_member (o, "teacher");
  double teacher_acc
      = teacher ? json_object_get_double_member_with_default (teacher, "accuracy", NAN) : NAN;
  sweep_panels (fig, &c, alpha, teacher_acc);
  fig->data.lines.title = own (
      fig, g_strdup_printf ("Students trained at several temperatures (mean ± sd over seeds)"));
  return TRUE;
}
