/* analyse: saliency maps, their agreement across models, and the sanity check. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "cli_analyse.h"
#include "kd_eval.h"
#include "kd_json.h"
#include "kd_mapstats.h"
#include "kd_saliency.h"
#include "kd_sanity.h"

static const char *const method_names[KD_SALIENCY_N_METHODS]
    = { "gradient", "gradxinput", "smoothgrad", "ig" };

KdSaliencyMethod
cli_saliency_method (const char *name)
{
  for (int i = 0; i < KD_SALIENCY_N_METHODS; i++)
    if (strcmp (name, method_names[i]) == 0)
      return (KdSaliencyMethod)i;
  g_assert_not_reached ();
}

/* The dataset's mean input, once, for the "mean" IG baseline. */
static const float *
dataset_mean (AnalyseCtx *ctx)
{
  if (!ctx->mean_input)
    {
      ctx->mean_input = g_new (float, kd_dataset_dim (ctx->train));
      kd_saliency_dataset_mean (ctx->train, ctx->mean_input);
    }
  return ctx->mean_input;
}

/* The configuration the options ask for, for test sample `index`. */
void
cli_saliency_config (AnalyseCtx *ctx, KdSaliencyMethod method, int index, KdSaliencyConfig *cfg)
{
  kd_saliency_config_default (cfg, method);
  cfg->steps = ctx->ig_steps;
  cfg->n_samples = ctx->smooth_n;
  cfg->sigma = (float)ctx->smooth_sigma;
  cfg->seed = ctx->seed + (guint64)index;
  if (strcmp (ctx->target, "pred") == 0)
    cfg->target.kind = KD_TARGET_PREDICTED;
  else if (strcmp (ctx->target, "teacher") == 0)
    {
      cfg->target.kind = KD_TARGET_CLASS;
      cfg->target.class_index = kd_argmax (ctx->logits[KD_TEACHER] + (gsize)index * ctx->K, ctx->K);
    }
  if (strcmp (ctx->ig_baseline, "mean") == 0)
    {
      cfg->baseline = KD_BASELINE_MEAN;
      cfg->mean = dataset_mean (ctx);
    }
  else if (strcmp (ctx->ig_baseline, "blur") == 0)
    cfg->baseline = KD_BASELINE_BLUR;
}

void
cli_test_input (AnalyseCtx *ctx, int index, float *x)
{
  int32_t idx = index;
  kd_dataset_fill_batch (ctx->test, &idx, 1, x, NULL);
}

static void
add_shape (JsonBuilder *b, const KdDataset *ds)
{
  json_builder_begin_array (b);
  json_builder_add_int_value (b, ds->c);
  json_builder_add_int_value (b, ds->h);
  json_builder_add_int_value (b, ds->w);
  json_builder_end_array (b);
}

static void
add_sample_header (AnalyseCtx *ctx, JsonBuilder *b)
{
  cli_member (b, "sample");
  json_builder_add_int_value (b, ctx->sample);
  cli_member (b, "label");
  json_builder_add_int_value (b, ctx->test->labels[ctx->sample]);
  cli_member (b, "target");
  json_builder_add_string_value (b, ctx->target);
  cli_member (b, "shape");
  add_shape (b, ctx->test);
  cli_member (b, "class_names");
  cli_json_add_class_names (b, ctx->test);
}

static void
add_map (JsonBuilder *b,
         const float *map,
         gsize dim,
         const KdSaliencyInfo *info,
         KdSaliencyMethod method)
{
  json_builder_begin_object (b);
  cli_member (b, "class");
  json_builder_add_int_value (b, info->target);
  cli_member (b, "logit");
  kd_json_add_float (b, info->logit);
  if (method == KD_SALIENCY_INTEGRATED_GRADIENTS)
    {
      cli_member (b, "baseline_logit");
      kd_json_add_float (b, info->baseline_logit);
      cli_member (b, "completeness_error");
      kd_json_add_double (b, info->completeness_error);
    }
  cli_member (b, "map");
  cli_json_add_floats (b, map, (int)dim);
  json_builder_end_object (b);
}

gboolean
analyse_saliency (AnalyseCtx *ctx, JsonBuilder *b, GError **error)
{
  gsize dim = kd_dataset_dim (ctx->test);
  g_autofree float *x = g_new (float, dim), *map = g_new (float, dim);
  cli_test_input (ctx, ctx->sample, x);
  json_builder_begin_object (b);
  add_sample_header (ctx, b);
  for (char **p = ctx->methods; *p; p++)
    {
      KdSaliencyMethod method = cli_saliency_method (*p);
      KdSaliencyConfig cfg;
      cli_saliency_config (ctx, method, ctx->sample, &cfg);
      cli_member (b, *p);
      json_builder_begin_object (b);
      for (int m = 0; m < KD_N_MODELS; m++)
        {
          KdSaliencyInfo info;
          KdStatus st = kd_saliency_compute (ctx->nets[m], x, ctx->test->labels[ctx->sample], &cfg,
                                             map, &info);
          if (st != KD_OK)
            return cli_analysis_failed (error, kd_saliency_method_name (method), st);
          cli_member (b, kd_model_name (m));
          add_map (b, map, dim, &info, method);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  return TRUE;
}

/* maps (3, n, dim): every model's map of the first n test samples for one method. */
gboolean
cli_saliency_dataset_maps (
    AnalyseCtx *ctx, KdSaliencyMethod method, int n, float *maps, GError **error)
{
  gsize dim = kd_dataset_dim (ctx->test);
  g_autofree float *x = g_new (float, dim);
  for (int i = 0; i < n; i++)
    {
      KdSaliencyConfig cfg;
      cli_saliency_config (ctx, method, i, &cfg);
      cli_test_input (ctx, i, x);
      for (int m = 0; m < KD_N_MODELS; m++)
        {
          float *map = maps + ((gsize)m * n + i) * dim;
          KdStatus st
              = kd_saliency_compute (ctx->nets[m], x, ctx->test->labels[i], &cfg, map, NULL);
          if (st != KD_OK)
            return cli_analysis_failed (error, kd_saliency_method_name (method), st);
        }
    }
  return TRUE;
}

static void
add_mean_ci (JsonBuilder *b, const char *name, const double *values, int n)
{
  KdMeanCI ci;
  kd_mean_ci95 (values, (size_t)n, &ci);
  cli_member (b, name);
  json_builder_begin_object (b);
  cli_member (b, "mean");
  kd_json_add_double (b, ci.mean);
  cli_member (b, "ci95");
  json_builder_begin_array (b);
  kd_json_add_double (b, ci.lo);
  kd_json_add_double (b, ci.hi);
  json_builder_end_array (b);
  cli_member (b, "samples");
  json_builder_add_int_value (b, (gint64)ci.n);
  json_builder_end_object (b);
}

/* Spearman, top-k IoU and cosine of model a's maps against model b's, over n samples. */
static void
add_pair_stats (AnalyseCtx *ctx, JsonBuilder *b, const float *ma, const float *mb, int n)
{
  gsize dim = kd_dataset_dim (ctx->test);
  g_autofree double *rho = g_new (double, n), *iou = g_new (double, n), *cos = g_new (double, n);
  for (int i = 0; i < n; i++)
    {
      KdMapAgreement ag;
      if (kd_map_agreement (ma + i * dim, mb + i * dim, dim, ctx->topk, true, &ag) != KD_OK)
        ag.spearman = ag.topk_iou = ag.cosine = NAN;
      rho[i] = ag.spearman, iou[i] = ag.topk_iou, cos[i] = ag.cosine;
    }
  json_builder_begin_object (b);
  add_mean_ci (b, "spearman", rho, n);
  add_mean_ci (b, "iou", iou, n);
  add_mean_ci (b, "cosine", cos, n);
  json_builder_end_object (b);
}

static void
add_closer_share (AnalyseCtx *ctx, JsonBuilder *b, const float *maps, int n)
{
  gsize dim = kd_dataset_dim (ctx->test);
  KdCloserShare share;
  kd_closer_share (maps, maps + (gsize)n * dim, maps + (gsize)2 * n * dim, (size_t)n, dim, true,
                   &share);
  cli_member (b, "closer_to_teacher");
  kd_json_add_double (b, share.share);
  cli_member (b, "closer_to_teacher_ci95");
  json_builder_begin_array (b);
  kd_json_add_double (b, share.lo);
  kd_json_add_double (b, share.hi);
  json_builder_end_array (b);
}

/* The members of one pair's statistics again at the method's top level: the
 * teacher/distilled-student pair, which scripts read as agreement.<method>.spearman. */
static void
add_method_agreement (AnalyseCtx *ctx, JsonBuilder *b, const float *maps, int n)
{
  gsize dim = kd_dataset_dim (ctx->test), stride = (gsize)n * dim;
  const float *t = maps, *s = maps + stride, *bl = maps + 2 * stride;
  g_autoptr (JsonBuilder) pair = json_builder_new ();
  add_pair_stats (ctx, pair, t, s, n);
  g_autoptr (JsonNode) ts = json_builder_get_root (pair);
  JsonObject *o = json_node_get_object (ts);
  json_builder_begin_object (b);
  cli_member (b, "samples");
  json_builder_add_int_value (b, n);
  cli_member (b, "topk");
  kd_json_add_double (b, ctx->topk);
  for (const char *const *k = (const char *const[]){ "spearman", "iou", "cosine", NULL }; *k; k++)
    {
      cli_member (b, *k);
      json_builder_add_value (b, json_node_copy (json_object_get_member (o, *k)));
    }
  add_closer_share (ctx, b, maps, n);
  cli_member (b, "teacher_student");
  json_builder_add_value (b, json_node_copy (ts));
  cli_member (b, "teacher_baseline");
  add_pair_stats (ctx, b, t, bl, n);
  cli_member (b, "student_baseline");
  add_pair_stats (ctx, b, s, bl, n);
  json_builder_end_object (b);
}

gboolean
analyse_agreement (AnalyseCtx *ctx, JsonBuilder *b, GError **error)
{
  int n = ctx->samples;
  gsize dim = kd_dataset_dim (ctx->test);
  g_autofree float *maps = g_try_new (float, (gsize)KD_N_MODELS *n *dim);
  if (!maps)
    return cli_analysis_failed (error, "agreement", KD_ERR_NOMEM);
  json_builder_begin_object (b);
  for (char **p = ctx->methods; *p; p++)
    {
      if (!cli_saliency_dataset_maps (ctx, cli_saliency_method (*p), n, maps, error))
        return FALSE;
      cli_member (b, *p);
      add_method_agreement (ctx, b, maps, n);
    }
  json_builder_end_object (b);
  return TRUE;
}

static void
add_stages (JsonBuilder *b, const KdSanityStage *stages, int n)
{
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    {
      json_builder_begin_object (b);
      cli_member (b, "name");
      json_builder_add_string_value (b, stages[i].name);
      cli_member (b, "layer");
      json_builder_add_int_value (b, stages[i].layer);
      cli_member (b, "spearman_abs");
      kd_json_add_double (b, stages[i].spearman_abs);
      cli_member (b, "spearman_signed");
      kd_json_add_double (b, stages[i].spearman_signed);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

gboolean
analyse_sanity (AnalyseCtx *ctx, JsonBuilder *b, GError **error)
{
  gsize dim = kd_dataset_dim (ctx->test);
  g_autofree float *x = g_new (float, dim);
  cli_test_input (ctx, ctx->sample, x);
  json_builder_begin_object (b);
  add_sample_header (ctx, b);
  for (char **p = ctx->methods; *p; p++)
    {
      KdSaliencyMethod method = cli_saliency_method (*p);
      KdSaliencyConfig cfg;
      cli_saliency_config (ctx, method, ctx->sample, &cfg);
      cli_member (b, *p);
      json_builder_begin_object (b);
      for (int m = 0; m < KD_N_MODELS; m++)
        {
          int n = kd_sanity_n_stages (ctx->nets[m]);
          g_autofree KdSanityStage *stages = g_new0 (KdSanityStage, n);
          KdStatus st = kd_sanity_cascade (ctx->nets[m], x, ctx->test->labels[ctx->sample], &cfg,
                                           ctx->seed, stages, NULL);
          if (st != KD_OK)
            return cli_analysis_failed (error, "sanity check", st);
          cli_member (b, kd_model_name (m));
          add_stages (b, stages, n);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  return TRUE;
}
