/* ds-saliency-compute.c — saliency maps, their agreement, the sanity check, boundaries. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ds-format.h"
#include "ds-saliency-compute.h"
#include "kd_eval.h"
#include "kd_sanity.h"

/* Samples per forward/backward pass: IG steps and SmoothGrad copies share a pass. */
#define SALIENCY_BATCH 32
/* Training points drawn over decision boundaries. */
#define MAX_BOUNDARY_POINTS 1500
/* The noise of SmoothGrad: the same for all three models, so their maps compare. */
#define NOISE_SEED G_GUINT64_CONSTANT (0x5eed5a11e)

void
ds_saliency_params_init (DsSaliencyParams *params)
{
  *params = (DsSaliencyParams){
    .method = KD_SALIENCY_INTEGRATED_GRADIENTS,
    .target = DS_TARGET_LABEL,
    .ig_steps = 32,
    .ig_baseline = KD_BASELINE_ZEROS,
    .smooth_n = 25,
    .smooth_sigma = 0.15,
    .topk = 0.1,
  };
}

char *
ds_saliency_params_key (const DsSaliencyParams *p, KdSaliencyMethod method)
{
  switch (method)
    {
      case KD_SALIENCY_SMOOTHGRAD:
        return g_strdup_printf ("%d|%d|%d|%.4g|%.4g", method, p->target, p->smooth_n,
                                p->smooth_sigma, p->topk);
      case KD_SALIENCY_INTEGRATED_GRADIENTS:
        return g_strdup_printf ("%d|%d|%d|%d|%.4g", method, p->target, p->ig_steps, p->ig_baseline,
                                p->topk);
      case KD_SALIENCY_GRADIENT:
      case KD_SALIENCY_GRAD_X_INPUT:
      case KD_SALIENCY_N_METHODS:
      default:
        return g_strdup_printf ("%d|%d|%.4g", method, p->target, p->topk);
    }
}

const char *
ds_saliency_method_title (KdSaliencyMethod method)
{
  switch (method)
    {
      case KD_SALIENCY_GRADIENT:
        return _ ("Gradient");
      case KD_SALIENCY_GRAD_X_INPUT:
        return _ ("Gradient × input");
      case KD_SALIENCY_SMOOTHGRAD:
        return _ ("SmoothGrad");
      case KD_SALIENCY_INTEGRATED_GRADIENTS:
      case KD_SALIENCY_N_METHODS:
      default:
        return _ ("Integrated gradients");
    }
}

/* ---- shared ------------------------------------------------------------------------------- */

static void
sample_input (const KdDataset *ds, int index, float *x)
{
  int32_t idx = index;

  kd_dataset_fill_batch (ds, &idx, 1, x, NULL);
}

static int
predict (KdNet *net, const float *x)
{
  return kd_argmax (kd_net_forward (net, x, 1), net->n_classes);
}

/* The dataset's mean input when the IG baseline needs it, else NULL. */
static float *
baseline_mean (const DsNetSource *source, const DsSaliencyParams *p)
{
  float *mean;

  if (p->ig_baseline != KD_BASELINE_MEAN)
    return NULL;
  mean = g_new (float, kd_dataset_dim (source->data->train));
  kd_saliency_dataset_mean (source->data->train, mean);
  return mean;
}

/* The configuration of method for one sample whose teacher prediction is teacher_class. */
static void
make_config (const DsSaliencyParams *p,
             KdSaliencyMethod method,
             int teacher_class,
             const float *mean,
             KdSaliencyConfig *cfg)
{
  kd_saliency_config_default (cfg, method);
  cfg->steps = p->ig_steps;
  cfg->baseline = p->ig_baseline;
  cfg->mean = mean;
  cfg->n_samples = p->smooth_n;
  cfg->sigma = (float)p->smooth_sigma;
  cfg->seed = NOISE_SEED;
  switch (p->target)
    {
      case DS_TARGET_PREDICTED:
        cfg->target.kind = KD_TARGET_PREDICTED;
        break;
      case DS_TARGET_TEACHER:
        cfg->target.kind = KD_TARGET_CLASS;
        cfg->target.class_index = teacher_class;
        break;
      case DS_TARGET_LABEL:
      default:
        cfg->target.kind = KD_TARGET_LABEL;
        break;
    }
}

static void
agreement_or_nan (const float *a, const float *b, gsize n, double topk, KdMapAgreement *out)
{
  if (kd_map_agreement (a, b, n, topk, true, out) != KD_OK)
    *out = (KdMapAgreement){ NAN, NAN, NAN };
}

/* ---- one sample --------------------------------------------------------------------------- */

void
ds_sample_input_free (gpointer input)
{
  DsSampleInput *in = input;

  g_clear_pointer (&in->source, ds_net_source_unref);
  g_free (in);
}

void
ds_saliency_maps_free (gpointer maps)
{
  DsSaliencyMaps *r = maps;

  g_free (r->input);
  for (int m = 0; m < KD_N_MODELS; m++)
    g_free (r->maps[m]);
  g_free (r);
}

static gboolean
compute_maps (
    const DsSampleInput *in, KdNet **nets, DsSaliencyMaps *r, DsAnalysisJob *job, GError **error)
{
  g_autofree float *mean = baseline_mean (in->source, &in->params);
  KdSaliencyConfig cfg;

  for (int m = 0; m < KD_N_MODELS; m++)
    r->predicted[m] = predict (nets[m], r->input);
  make_config (&in->params, in->params.method, r->predicted[KD_TEACHER], mean, &cfg);
  if (!ds_job_check_status (kd_saliency_config_check (&cfg, nets[KD_TEACHER]),
                            ds_saliency_method_title (cfg.method), job, error))
    return FALSE;
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      KdStatus st
          = kd_saliency_compute (nets[m], r->input, r->label, &cfg, r->maps[m], &r->info[m]);

      if (!ds_job_check_status (st, ds_saliency_method_title (cfg.method), job, error))
        return FALSE;
      ds_analysis_job_progress (job, (m + 1) / 3.0);
    }
  return TRUE;
}

gpointer
ds_saliency_maps_compute (gconstpointer input, DsAnalysisJob *job, GError **error)
{
  const DsSampleInput *in = input;
  const KdDataset *test = in->source->data->test;
  KdNet *nets[KD_N_MODELS];
  DsSaliencyMaps *r;
  gboolean ok;

  if (!ds_net_source_build_nets (in->source, SALIENCY_BATCH, nets, error))
    return NULL;
  r = g_new0 (DsSaliencyMaps, 1);
  r->sample = in->sample;
  r->label = test->labels[in->sample];
  r->c = test->c, r->h = test->h, r->w = test->w;
  r->dim = kd_dataset_dim (test);
  r->input = g_new (float, r->dim);
  for (int m = 0; m < KD_N_MODELS; m++)
    r->maps[m] = g_new0 (float, r->dim);
  sample_input (test, in->sample, r->input);

  ok = compute_maps (in, nets, r, job, error);
  ds_net_source_free_nets (nets);
  if (!ok)
    {
      ds_saliency_maps_free (r);
      return NULL;
    }
  agreement_or_nan (r->maps[KD_TEACHER], r->maps[KD_STUDENT], r->dim, in->params.topk,
                    &r->teacher_student);
  agreement_or_nan (r->maps[KD_TEACHER], r->maps[KD_BASELINE], r->dim, in->params.topk,
                    &r->teacher_baseline);
  agreement_or_nan (r->maps[KD_STUDENT], r->maps[KD_BASELINE], r->dim, in->params.topk,
                    &r->student_baseline);
  return r;
}

/* ---- sanity check --------------------------------------------------------------------------- */

void
ds_sanity_input_free (gpointer input)
{
  DsSanityInput *in = input;

  g_clear_pointer (&in->source, ds_net_source_unref);
  g_free (in);
}

void
ds_sanity_result_free (gpointer result)
{
  DsSanityResult *r = result;

  g_strfreev (r->stage_names);
  for (int i = 0; i < KD_SALIENCY_N_METHODS; i++)
    g_free (r->rho[i]);
  g_free (r);
}

static gboolean
run_cascades (const DsSanityInput *in,
              KdNet *net,
              int teacher_class,
              DsSanityResult *r,
              DsAnalysisJob *job,
              GError **error)
{
  const KdDataset *test = in->source->data->test;
  g_autofree float *x = g_new (float, kd_dataset_dim (test));
  g_autofree float *mean = baseline_mean (in->source, &in->params);
  g_autofree KdSanityStage *stages = g_new0 (KdSanityStage, r->n_stages);

  sample_input (test, in->sample, x);
  for (int method = 0; method < KD_SALIENCY_N_METHODS; method++)
    {
      KdSaliencyConfig cfg;
      KdStatus st;

      make_config (&in->params, method, teacher_class, mean, &cfg);
      st = kd_sanity_cascade (net, x, test->labels[in->sample], &cfg, NOISE_SEED, stages, NULL);
      if (!ds_job_check_status (st, _ ("Sanity check"), job, error))
        return FALSE;
      r->rho[method] = g_new (double, r->n_stages);
      for (int s = 0; s < r->n_stages; s++)
        r->rho[method][s] = stages[s].spearman_abs;
      if (r->stage_names == NULL)
        {
          r->stage_names = g_new0 (char *, r->n_stages + 1);
          for (int s = 0; s < r->n_stages; s++)
            r->stage_names[s] = g_strdup (stages[s].name);
        }
      ds_analysis_job_progress (job, (method + 1.0) / KD_SALIENCY_N_METHODS);
    }
  return TRUE;
}

gpointer
ds_sanity_compute (gconstpointer input, DsAnalysisJob *job, GError **error)
{
  const DsSanityInput *in = input;
  const KdDataset *test = in->source->data->test;
  g_autofree float *x = g_new (float, kd_dataset_dim (test));
  KdNet *teacher, *net;
  DsSanityResult *r;
  int teacher_class;
  gboolean ok;

  if ((teacher = ds_net_source_build_net (in->source, KD_TEACHER, 1, error)) == NULL)
    return NULL;
  sample_input (test, in->sample, x);
  teacher_class = predict (teacher, x);
  kd_net_free (teacher);
  if ((net = ds_net_source_build_net (in->source, in->model, SALIENCY_BATCH, error)) == NULL)
    return NULL;

  r = g_new0 (DsSanityResult, 1);
  r->n_stages = kd_sanity_n_stages (net);
  ok = run_cascades (in, net, teacher_class, r, job, error);
  kd_net_free (net);
  if (!ok)
    {
      ds_sanity_result_free (r);
      return NULL;
    }
  return r;
}

/* ---- many samples --------------------------------------------------------------------------- */

void
ds_agreement_input_free (gpointer input)
{
  DsAgreementInput *in = input;

  g_clear_pointer (&in->source, ds_net_source_unref);
  g_free (in);
}

void
ds_agreement_result_free (gpointer result)
{
  DsAgreementResult *r = result;

  g_free (r->indices);
  for (int s = 0; s < DS_N_SCORES; s++)
    {
      g_free (r->vs_student[s]);
      g_free (r->vs_baseline[s]);
    }
  g_free (r);
}

static void
store_scores (DsAgreementResult *r, int i, const KdMapAgreement *ts, const KdMapAgreement *tb)
{
  r->vs_student[DS_SCORE_SPEARMAN][i] = ts->spearman;
  r->vs_student[DS_SCORE_TOPK_IOU][i] = ts->topk_iou;
  r->vs_student[DS_SCORE_COSINE][i] = ts->cosine;
  r->vs_baseline[DS_SCORE_SPEARMAN][i] = tb->spearman;
  r->vs_baseline[DS_SCORE_TOPK_IOU][i] = tb->topk_iou;
  r->vs_baseline[DS_SCORE_COSINE][i] = tb->cosine;
}

/* maps (3, n, dim): every model's map of every sample. */
static gboolean
dataset_maps (const DsAgreementInput *in,
              KdNet **nets,
              DsAgreementResult *r,
              float *maps,
              DsAnalysisJob *job,
              GError **error)
{
  const KdDataset *test = in->source->data->test;
  gsize dim = kd_dataset_dim (test);
  g_autofree float *mean = baseline_mean (in->source, &in->params);
  g_autofree float *x = g_new (float, dim);

  for (int i = 0; i < r->n; i++)
    {
      int index = r->indices[i];
      KdSaliencyConfig cfg;
      float *m_at[KD_N_MODELS];
      KdMapAgreement ts, tb;

      sample_input (test, index, x);
      make_config (&in->params, in->params.method, predict (nets[KD_TEACHER], x), mean, &cfg);
      for (int m = 0; m < KD_N_MODELS; m++)
        {
          m_at[m] = maps + ((gsize)m * r->n + i) * dim;
          if (!ds_job_check_status (
                  kd_saliency_compute (nets[m], x, test->labels[index], &cfg, m_at[m], NULL),
                  ds_saliency_method_title (cfg.method), job, error))
            return FALSE;
        }
      agreement_or_nan (m_at[KD_TEACHER], m_at[KD_STUDENT], dim, in->params.topk, &ts);
      agreement_or_nan (m_at[KD_TEACHER], m_at[KD_BASELINE], dim, in->params.topk, &tb);
      store_scores (r, i, &ts, &tb);
      ds_analysis_job_progress (job, (i + 1.0) / r->n);
    }
  return TRUE;
}

gpointer
ds_agreement_compute (gconstpointer input, DsAnalysisJob *job, GError **error)
{
  const DsAgreementInput *in = input;
  const KdDataset *test = in->source->data->test;
  gsize dim = kd_dataset_dim (test);
  g_autofree float *maps = NULL;
  KdNet *nets[KD_N_MODELS];
  DsAgreementResult *r;
  int n = CLAMP (in->n_samples, 2, test->n);
  gboolean ok;

  maps = g_try_new (float, (gsize)KD_N_MODELS *n *dim);
  if (maps == NULL)
    {
      ds_set_status_error (error, _ ("Agreement"), KD_ERR_NOMEM);
      return NULL;
    }
  if (!ds_net_source_build_nets (in->source, SALIENCY_BATCH, nets, error))
    return NULL;
  r = g_new0 (DsAgreementResult, 1);
  r->n = n;
  r->indices = g_new (int32_t, n);
  ds_spread_indices (test->n, n, r->indices);
  for (int s = 0; s < DS_N_SCORES; s++)
    {
      r->vs_student[s] = g_new (double, n);
      r->vs_baseline[s] = g_new (double, n);
    }
  ok = dataset_maps (in, nets, r, maps, job, error);
  ds_net_source_free_nets (nets);
  if (ok)
    ok = ds_job_check_status (kd_closer_share (maps, maps + (gsize)n * dim,
                                               maps + (gsize)2 * n * dim, (size_t)n, dim, true,
                                               &r->closer),
                              _ ("Agreement"), job, error);
  if (!ok)
    {
      ds_agreement_result_free (r);
      return NULL;
    }
  return r;
}

/* ---- 2-D data ----------------------------------------------------------------------------- */

void
ds_boundary_input_free (gpointer input)
{
  DsBoundaryInput *in = input;

  g_clear_pointer (&in->source, ds_net_source_unref);
  g_free (in);
}

void
ds_boundary_result_free (gpointer result)
{
  DsBoundaryResult *r = result;

  for (int m = 0; m < KD_N_MODELS; m++)
    {
      g_free (r->probs[m]);
      g_free (r->field[m]);
    }
  g_free (r->points);
  g_free (r->labels);
  g_free (r);
}

static void
boundary_points (const KdDataset *train, DsBoundaryResult *r)
{
  g_autofree int32_t *idx = NULL;

  r->n_points = MIN (train->n, MAX_BOUNDARY_POINTS);
  idx = g_new (int32_t, r->n_points);
  ds_spread_indices (train->n, r->n_points, idx);
  r->points = g_new (float, (gsize)r->n_points * 2);
  r->labels = g_new (uint8_t, r->n_points);
  kd_dataset_fill_batch (train, idx, r->n_points, r->points, r->labels);
}

static gboolean
boundary_model (const DsBoundaryInput *in,
                KdNet *net,
                int m,
                DsBoundaryResult *r,
                float *logits,
                DsAnalysisJob *job,
                GError **error)
{
  const KdDataset *test = in->source->data->test;
  int K = r->n_classes;

  r->probs[m] = g_new (float, (gsize)r->res * r->res * K);
  r->field[m] = g_new (float, (gsize)r->field_res * r->field_res * 2);
  if (!ds_job_check_status (kd_boundary_probs (net, &r->bounds, r->res, r->probs[m], NULL),
                            ds_model_title (m), job, error)
      || !ds_job_check_status (
          kd_boundary_field (net, &r->bounds, r->field_res, KD_FIELD_PMAX, r->field[m]),
          ds_model_title (m), job, error)
      || !ds_job_check_status (kd_eval_logits (net, test, logits), ds_model_title (m), job, error))
    return FALSE;
  r->accuracy[m] = kd_accuracy (logits, test->labels, test->n, K);
  return TRUE;
}

gpointer
ds_boundary_compute (gconstpointer input, DsAnalysisJob *job, GError **error)
{
  const DsBoundaryInput *in = input;
  const DsData *data = in->source->data;
  g_autofree float *logits = NULL;
  DsBoundaryResult *r = g_new0 (DsBoundaryResult, 1);

  r->res = in->res;
  r->field_res = in->field_res;
  r->n_classes = in->source->shape.n_classes;
  logits = g_new (float, (gsize)data->test->n * r->n_classes);
  if (!ds_job_check_status (kd_boundary_data_bounds (data->train, 0.1f, &r->bounds),
                            _ ("Decision boundaries"), job, error))
    goto fail;
  boundary_points (data->train, r);
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      KdNet *net = ds_net_source_build_net (in->source, m, 256, error);
      gboolean ok = net != NULL && boundary_model (in, net, m, r, logits, job, error);

      g_clear_pointer (&net, kd_net_free);
      if (!ok)
        goto fail;
      ds_analysis_job_progress (job, (m + 1) / 3.0);
    }
  return r;

fail:
  ds_boundary_result_free (r);
  return NULL;
}
