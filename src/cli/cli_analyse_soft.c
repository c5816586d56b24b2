/* analyse: soft labels, class similarity, temperature display sweep, metrics. */
#include "config.h"

#include <math.h>

#include "cli_analyse.h"
#include "kd_json.h"
#include "kd_metrics.h"
#include "kd_softlabels.h"

void
cli_json_add_floats (JsonBuilder *b, const float *v, int n)
{
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    kd_json_add_float (b, v[i]);
  json_builder_end_array (b);
}

void
cli_json_add_doubles (JsonBuilder *b, const double *v, int n)
{
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    kd_json_add_double (b, v[i]);
  json_builder_end_array (b);
}

void
cli_json_add_double_matrix (JsonBuilder *b, const double *m, int rows, int cols)
{
  json_builder_begin_array (b);
  for (int r = 0; r < rows; r++)
    cli_json_add_doubles (b, m + (gsize)r * cols, cols);
  json_builder_end_array (b);
}

void
cli_json_add_int_matrix (JsonBuilder *b, const int *m, int rows, int cols)
{
  json_builder_begin_array (b);
  for (int r = 0; r < rows; r++)
    {
      json_builder_begin_array (b);
      for (int c = 0; c < cols; c++)
        json_builder_add_int_value (b, m[(gsize)r * cols + c]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
}

void
cli_json_add_class_names (JsonBuilder *b, const KdDataset *ds)
{
  json_builder_begin_array (b);
  for (int k = 0; k < ds->n_classes; k++)
    json_builder_add_string_value (b, ds->class_names[k]);
  json_builder_end_array (b);
}

gboolean
cli_analysis_failed (GError **error, const char *what, KdStatus st)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s failed: %s", what,
               kd_status_to_string (st));
  return FALSE;
}

gboolean
analyse_softlabels (AnalyseCtx *ctx, JsonBuilder *b, GError **error)
{
  int K = ctx->K;
  g_autofree float *probs = g_new (float, K);
  json_builder_begin_object (b);
  cli_member (b, "temperature");
  kd_json_add_double (b, ctx->T);
  cli_member (b, "sample");
  json_builder_add_int_value (b, ctx->sample);
  cli_member (b, "label");
  json_builder_add_int_value (b, ctx->test->labels[ctx->sample]);
  cli_member (b, "class_names");
  cli_json_add_class_names (b, ctx->test);
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      const float *row = ctx->logits[m] + (gsize)ctx->sample * K;
      KdStatus st = kd_softlabels_from_logits (row, 1, K, ctx->T, probs);
      if (st != KD_OK)
        return cli_analysis_failed (error, "soft labels", st);
      cli_member (b, kd_model_name (m));
      json_builder_begin_object (b);
      cli_member (b, "probs");
      cli_json_add_floats (b, probs, K);
      cli_member (b, "entropy");
      kd_json_add_double (b, kd_entropy_at (row, K, ctx->T));
      cli_member (b, "entropy_normalised");
      kd_json_add_double (b, kd_entropy_normalised (probs, K));
      cli_member (b, "mean_entropy");
      g_autofree double *ent = g_new (double, ctx->test->n);
      kd_entropy_rows (ctx->logits[m], ctx->test->n, K, ctx->T, 0, ent);
      double sum = 0.0;
      for (int i = 0; i < ctx->test->n; i++)
        sum += ent[i];
      kd_json_add_double (b, sum / ctx->test->n);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  return TRUE;
}

static void
add_distance (JsonBuilder *b, const KdSimilarityDistance *d)
{
  json_builder_begin_object (b);
  cli_member (b, "kl");
  kd_json_add_double (b, d->kl);
  cli_member (b, "l1");
  kd_json_add_double (b, d->l1);
  cli_member (b, "frobenius");
  kd_json_add_double (b, d->frobenius);
  json_builder_end_object (b);
}

gboolean
analyse_similarity (AnalyseCtx *ctx, JsonBuilder *b, GError **error)
{
  int K = ctx->K;
  g_autofree double *sim = g_new (double, (gsize)KD_N_MODELS *K *K);
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      KdStatus st = kd_class_similarity (ctx->logits[m], ctx->test->labels, ctx->test->n, K, ctx->T,
                                         sim + (gsize)m * K * K, NULL);
      if (st != KD_OK)
        return cli_analysis_failed (error, "class similarity", st);
    }
  json_builder_begin_object (b);
  cli_member (b, "temperature");
  kd_json_add_double (b, ctx->T);
  cli_member (b, "class_names");
  cli_json_add_class_names (b, ctx->test);
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      cli_member (b, kd_model_name (m));
      cli_json_add_double_matrix (b, sim + (gsize)m * K * K, K, K);
    }
  cli_member (b, "distance_to_teacher");
  json_builder_begin_object (b);
  for (int m = KD_STUDENT; m < KD_N_MODELS; m++)
    {
      KdSimilarityDistance d;
      if (kd_class_similarity_distance (sim, sim + (gsize)m * K * K, K, &d) != KD_OK)
        return cli_analysis_failed (error, "similarity distance", KD_ERR_INVALID);
      cli_member (b, kd_model_name (m));
      add_distance (b, &d);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  return TRUE;
}

gboolean
analyse_tsweep (AnalyseCtx *ctx, JsonBuilder *b, GError **error)
{
  int K = ctx->K, n_t = ctx->t_points;
  g_autofree float *temps = g_new (float, n_t);
  g_autofree float *probs = g_new (float, (gsize)n_t *K);
  g_autofree double *entropy = g_new (double, n_t);
  json_builder_begin_object (b);
  cli_member (b, "sample");
  json_builder_add_int_value (b, ctx->sample);
  cli_member (b, "class_names");
  cli_json_add_class_names (b, ctx->test);
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      const float *row = ctx->logits[m] + (gsize)ctx->sample * K;
      KdStatus st
          = kd_temperature_sweep (row, K, ctx->t_min, ctx->t_max, n_t, temps, probs, entropy);
      if (st != KD_OK)
        return cli_analysis_failed (error, "temperature sweep", st);
      if (m == 0)
        {
          cli_member (b, "temperatures");
          cli_json_add_floats (b, temps, n_t);
        }
      cli_member (b, kd_model_name (m));
      json_builder_begin_object (b);
      cli_member (b, "probs");
      json_builder_begin_array (b);
      for (int t = 0; t < n_t; t++)
        cli_json_add_floats (b, probs + (gsize)t * K, K);
      json_builder_end_array (b);
      cli_member (b, "entropy");
      cli_json_add_doubles (b, entropy, n_t);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  return TRUE;
}

static void
add_reliability (JsonBuilder *b, const KdCalibration *c)
{
  json_builder_begin_array (b);
  for (int i = 0; i < KD_ECE_BINS; i++)
    {
      const KdReliabilityBin *bin = &c->bins[i];
      json_builder_begin_object (b);
      cli_member (b, "lo");
      kd_json_add_double (b, bin->lo);
      cli_member (b, "hi");
      kd_json_add_double (b, bin->hi);
      cli_member (b, "count");
      json_builder_add_int_value (b, bin->count);
      cli_member (b, "confidence");
      kd_json_add_double (b, bin->confidence);
      cli_member (b, "accuracy");
      kd_json_add_double (b, bin->accuracy);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_model_metrics (JsonBuilder *b, const KdModelMetrics *mm, int K)
{
  json_builder_begin_object (b);
  cli_member (b, "accuracy");
  kd_json_add_double (b, mm->accuracy);
  cli_member (b, "agreement");
  kd_json_add_double (b, mm->agreement);
  cli_member (b, "kl");
  kd_json_add_double (b, mm->kl);
  cli_member (b, "ece");
  kd_json_add_double (b, mm->calibration.ece);
  cli_member (b, "mce");
  kd_json_add_double (b, mm->calibration.mce);
  cli_member (b, "nll");
  kd_json_add_double (b, mm->nll);
  cli_member (b, "class_accuracy");
  cli_json_add_doubles (b, mm->class_accuracy, K);
  cli_member (b, "confusion");
  cli_json_add_int_matrix (b, mm->confusion, K, K);
  cli_member (b, "reliability");
  add_reliability (b, &mm->calibration);
  json_builder_end_object (b);
}

gboolean
analyse_metrics (AnalyseCtx *ctx, JsonBuilder *b, GError **error)
{
  KdMetricsReport report = { 0 };
  const float *logits[KD_N_MODELS] = { ctx->logits[0], ctx->logits[1], ctx->logits[2] };
  KdStatus st
      = kd_metrics_from_logits (logits, ctx->test->labels, ctx->test->n, ctx->K, ctx->T, &report);
  if (st != KD_OK)
    return cli_analysis_failed (error, "metrics", st);
  json_builder_begin_object (b);
  cli_member (b, "temperature");
  kd_json_add_double (b, ctx->T);
  cli_member (b, "samples");
  json_builder_add_int_value (b, ctx->test->n);
  cli_member (b, "class_names");
  cli_json_add_class_names (b, ctx->test);
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      cli_member (b, kd_model_name (m));
      add_model_metrics (b, &report.model[m], ctx->K);
    }
  json_builder_end_object (b);
  kd_metrics_report_clear (&report);
  return TRUE;
}
