#include "kd_saliency.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kd_rng.h"

void
kd_saliency_config_default (KdSaliencyConfig *cfg, KdSaliencyMethod method)
{
  *cfg = (KdSaliencyConfig){
    .method = method,
    .target = { .kind = KD_TARGET_LABEL, .class_index = 0 },
    .n_samples = 50,
    .sigma = 0.15f,
    .input_range = 0.0f,
    .seed = 1,
    .steps = 32,
    .baseline = KD_BASELINE_ZEROS,
    .mean = NULL,
    .blur_sigma = 2.0f,
  };
}

const char *
kd_saliency_method_name (KdSaliencyMethod method)
{
  switch (method)
    {
      case KD_SALIENCY_GRADIENT:
        return "gradient";
      case KD_SALIENCY_GRAD_X_INPUT:
        return "gradient-x-input";
      case KD_SALIENCY_SMOOTHGRAD:
        return "smoothgrad";
      case KD_SALIENCY_INTEGRATED_GRADIENTS:
        return "integrated-gradients";
      case KD_SALIENCY_N_METHODS:
        break;
    }
  return NULL;
}

static KdStatus
check_baseline (const KdSaliencyConfig *cfg, int h, int w)
{
  switch (cfg->baseline)
    {
      case KD_BASELINE_ZEROS:
        return KD_OK;
      case KD_BASELINE_MEAN:
        return cfg->mean ? KD_OK : KD_ERR_INVALID;
      case KD_BASELINE_BLUR:
        /* Blurring a feature vector would mix unrelated features. */
        if (h < 2 || w < 2 || !(cfg->blur_sigma > 0.0f && cfg->blur_sigma <= KD_BLUR_MAX_SIGMA))
          return KD_ERR_INVALID;
        return KD_OK;
    }
  return KD_ERR_INVALID;
}

KdStatus
kd_saliency_config_check (const KdSaliencyConfig *cfg, const KdNet *net)
{
  if ((unsigned)cfg->method >= KD_SALIENCY_N_METHODS)
    return KD_ERR_INVALID;
  if (cfg->target.kind == KD_TARGET_CLASS
      && (cfg->target.class_index < 0 || cfg->target.class_index >= net->n_classes))
    return KD_ERR_INVALID;
  if ((unsigned)cfg->target.kind > KD_TARGET_CLASS)
    return KD_ERR_INVALID;
  if (cfg->method == KD_SALIENCY_SMOOTHGRAD
      && (cfg->n_samples < 1 || !(cfg->sigma >= 0.0f) || !isfinite (cfg->sigma)
          || !isfinite (cfg->input_range)))
    return KD_ERR_INVALID;
  if (cfg->method == KD_SALIENCY_INTEGRATED_GRADIENTS)
    {
      if (cfg->steps < 1)
        return KD_ERR_INVALID;
      return check_baseline (cfg, net->in_h, net->in_w);
    }
  return KD_OK;
}

static int
argmax (const float *v, int n)
{
  int best = 0;
  for (int i = 1; i < n; i++)
    if (v[i] > v[best])
      best = i;
  return best;
}

/* Forward passes in inference mode: saliency explains the deployed function, and dropout
 * masks would make the map random. */
static const float *
forward_eval (KdNet *net, const float *x, int b)
{
  bool was_training = net->training;
  net->training = false;
  const float *logits = kd_net_forward (net, x, b);
  net->training = was_training;
  return logits;
}

static KdStatus
target_from_logits (
    const KdNet *net, const float *logits, int label, const KdSaliencyTarget *target, int *cls)
{
  *cls = target->kind == KD_TARGET_LABEL       ? label
         : target->kind == KD_TARGET_PREDICTED ? argmax (logits, net->n_classes)
                                               : target->class_index;
  return *cls >= 0 && *cls < net->n_classes ? KD_OK : KD_ERR_INVALID;
}

KdStatus
kd_saliency_resolve_target (
    KdNet *net, const float *x, int label, const KdSaliencyTarget *target, int *cls)
{
  if ((unsigned)target->kind > KD_TARGET_CLASS)
    return KD_ERR_INVALID;
  /* Only the model's own prediction needs a forward pass. */
  const float *logits = target->kind == KD_TARGET_PREDICTED ? forward_eval (net, x, 1) : NULL;
  return target_from_logits (net, logits, label, target, cls);
}

/* One forward/backward of b <= max_batch inputs with a one-hot dlogits per row. */
static void
gradient_chunk (KdNet *net,
                const float *x,     /* (b, D) */
                const int *targets, /* (b) */
                int b,
                float *dlogits,    /* (b, K) workspace */
                float *grad,       /* (b, D) */
                float *logits_out) /* (b) or NULL */
{
  int K = net->n_classes;
  bool was_training = net->training;
  net->training = false;
  const float *logits = kd_net_forward (net, x, b);
  memset (dlogits, 0, (size_t)b * K * sizeof (float));
  for (int i = 0; i < b; i++)
    {
      dlogits[(size_t)i * K + targets[i]] = 1.0f;
      if (logits_out)
        logits_out[i] = logits[(size_t)i * K + targets[i]];
    }
  kd_net_backward (net, dlogits, b, grad);
  net->training = was_training;
}

KdStatus
kd_saliency_input_gradient (
    KdNet *net, const float *x, const int *targets, int b, float *grad, float *logits)
{
  if (b < 0)
    return KD_ERR_INVALID;
  for (int i = 0; i < b; i++)
    if (targets[i] < 0 || targets[i] >= net->n_classes)
      return KD_ERR_INVALID;
  size_t D = kd_net_in_dim (net);
  int chunk = b < net->max_batch ? b : net->max_batch;
  float *dlogits = malloc ((size_t)(chunk > 0 ? chunk : 1) * net->n_classes * sizeof (float));
  if (!dlogits)
    return KD_ERR_NOMEM;
  for (int i0 = 0; i0 < b; i0 += chunk)
    {
      int nb = b - i0 < chunk ? b - i0 : chunk;
      gradient_chunk (net, x + (size_t)i0 * D, targets + i0, nb, dlogits, grad + (size_t)i0 * D,
                      logits ? logits + i0 : NULL);
    }
  free (dlogits);
  return KD_OK;
}

/* ---- baselines ------------------------------------------------------------------------- */

/* Normalised Gaussian taps k[-r..r] stored as k[0..2r]; returns r. */
static int
gaussian_taps (float sigma, float **taps)
{
  int r = (int)ceilf (3.0f * sigma);
  *taps = malloc ((size_t)(2 * r + 1) * sizeof (float));
  if (!*taps)
    return -1;
  double sum = 0.0;
  for (int i = -r; i <= r; i++)
    sum += (*taps)[i + r] = expf (-0.5f * (float)(i * i) / (sigma * sigma));
  for (int i = 0; i <= 2 * r; i++)
    (*taps)[i] = (float)((*taps)[i] / sum);
  return r;
}

static inline int
clampi (int v, int lo, int hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

/* One separable pass over an (h, w) plane: along rows when dx = 1, along columns when dx = 0.
 * Replicated edges keep the border as bright as the image there, where zero padding would
 * darken it and so attribute "edge" to every border pixel. */
static void
blur_pass (const float *in, float *out, int h, int w, const float *k, int r, bool along_rows)
{
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        float acc = 0.0f;
        for (int t = -r; t <= r; t++)
          {
            int sy = along_rows ? y : clampi (y + t, 0, h - 1);
            int sx = along_rows ? clampi (x + t, 0, w - 1) : x;
            acc += k[t + r] * in[(size_t)sy * w + sx];
          }
        out[(size_t)y * w + x] = acc;
      }
}

KdStatus
kd_gaussian_blur (const float *in, int c, int h, int w, float sigma, float *out)
{
  if (c < 1 || h < 1 || w < 1 || !(sigma >= 0.0f && sigma <= KD_BLUR_MAX_SIGMA) || in == out)
    return KD_ERR_INVALID;
  size_t plane = (size_t)h * w;
  if (sigma == 0.0f)
    {
      memcpy (out, in, (size_t)c * plane * sizeof (float));
      return KD_OK;
    }
  float *taps = NULL, *tmp = malloc (plane * sizeof (float));
  int r = tmp ? gaussian_taps (sigma, &taps) : -1;
  if (r < 0)
    {
      free (tmp);
      return KD_ERR_NOMEM;
    }
  for (int ch = 0; ch < c; ch++)
    {
      blur_pass (in + ch * plane, tmp, h, w, taps, r, true);
      blur_pass (tmp, out + ch * plane, h, w, taps, r, false);
    }
  free (taps);
  free (tmp);
  return KD_OK;
}

KdStatus
kd_saliency_baseline (
    const KdSaliencyConfig *cfg, const float *x, int c, int h, int w, float *baseline)
{
  KdStatus st = check_baseline (cfg, h, w);
  if (st != KD_OK)
    return st;
  size_t D = (size_t)c * h * w;
  switch (cfg->baseline)
    {
      case KD_BASELINE_ZEROS:
        memset (baseline, 0, D * sizeof (float));
        return KD_OK;
      case KD_BASELINE_MEAN:
        memcpy (baseline, cfg->mean, D * sizeof (float));
        return KD_OK;
      case KD_BASELINE_BLUR:
        return kd_gaussian_blur (x, c, h, w, cfg->blur_sigma, baseline);
    }
  return KD_ERR_INVALID;
}

KdStatus
kd_saliency_dataset_mean (const KdDataset *ds, float *mean)
{
  enum
  {
    CHUNK = 256
  };
  if (ds->n < 1)
    return KD_ERR_INVALID;
  size_t D = kd_dataset_dim (ds);
  double *acc = calloc (D, sizeof (double));
  float *batch = malloc (CHUNK * D * sizeof (float));
  int32_t idx[CHUNK];
  if (!acc || !batch)
    {
      free (acc);
      free (batch);
      return KD_ERR_NOMEM;
    }
  for (int i0 = 0; i0 < ds->n; i0 += CHUNK)
    {
      int nb = ds->n - i0 < CHUNK ? ds->n - i0 : CHUNK;
      for (int j = 0; j < nb; j++)
        idx[j] = i0 + j;
      kd_dataset_fill_batch (ds, idx, nb, batch, NULL);
      for (int j = 0; j < nb; j++)
        for (size_t d = 0; d < D; d++)
          acc[d] += batch[(size_t)j * D + d];
    }
  for (size_t d = 0; d < D; d++)
    mean[d] = (float)(acc[d] / ds->n);
  free (acc);
  free (batch);
  return KD_OK;
}

/* ---- methods --------------------------------------------------------------------------- */

/* Workspace for the batched methods: up to `rows` inputs and their gradients. */
typedef struct
{
  int rows;
  float *in;      /* (rows, D) */
  float *grad;    /* (rows, D) */
  int *targets;   /* (rows) */
  double *acc;    /* (D) running sum of gradients */
  float *base;    /* (D) IG baseline */
  float *dlogits; /* (rows, K) */
  float *logits;  /* (2, K) of x and the baseline */
} Work;

static void
work_free (Work *w)
{
  free (w->in);
  free (w->grad);
  free (w->targets);
  free (w->acc);
  free (w->base);
  free (w->dlogits);
  free (w->logits);
}

static KdStatus
work_alloc (Work *w, const KdNet *net, int n_rows)
{
  size_t D = kd_net_in_dim (net);
  memset (w, 0, sizeof *w);
  w->rows = n_rows < net->max_batch ? n_rows : net->max_batch;
  w->rows = w->rows < 2 ? 2 : w->rows; /* room for x and its baseline */
  w->in = malloc ((size_t)w->rows * D * sizeof (float));
  w->grad = malloc ((size_t)w->rows * D * sizeof (float));
  w->targets = malloc ((size_t)w->rows * sizeof (int));
  w->acc = calloc (D, sizeof (double));
  w->base = malloc (D * sizeof (float));
  w->dlogits = malloc ((size_t)w->rows * net->n_classes * sizeof (float));
  w->logits = malloc (2 * (size_t)net->n_classes * sizeof (float));
  if (!w->in || !w->grad || !w->targets || !w->acc || !w->base || !w->dlogits || !w->logits)
    {
      work_free (w);
      return KD_ERR_NOMEM;
    }
  return KD_OK;
}

/* Adds the gradients of nb rows of w->in to w->acc, never exceeding max_batch per pass. */
static void
accumulate_gradients (KdNet *net, Work *w, int nb)
{
  size_t D = kd_net_in_dim (net);
  for (int i0 = 0; i0 < nb; i0 += net->max_batch)
    {
      int n = nb - i0 < net->max_batch ? nb - i0 : net->max_batch;
      gradient_chunk (net, w->in + (size_t)i0 * D, w->targets, n, w->dlogits,
                      w->grad + (size_t)i0 * D, NULL);
    }
  for (int i = 0; i < nb; i++)
    for (size_t d = 0; d < D; d++)
      w->acc[d] += w->grad[(size_t)i * D + d];
}

static float
sample_range (const float *x, size_t D)
{
  float lo = x[0], hi = x[0];
  for (size_t d = 1; d < D; d++)
    {
      lo = x[d] < lo ? x[d] : lo;
      hi = x[d] > hi ? x[d] : hi;
    }
  return hi - lo;
}

/* SmoothGrad: the mean gradient at x + N(0, (sigma * range)^2), samples batched. */
static void
smoothgrad (KdNet *net, const float *x, const KdSaliencyConfig *cfg, Work *w, float *map)
{
  size_t D = kd_net_in_dim (net);
  float range = cfg->input_range > 0.0f ? cfg->input_range : sample_range (x, D);
  float sd = cfg->sigma * range;
  KdRng rng;
  kd_rng_seed (&rng, cfg->seed);
  for (int s0 = 0; s0 < cfg->n_samples; s0 += w->rows)
    {
      int nb = cfg->n_samples - s0 < w->rows ? cfg->n_samples - s0 : w->rows;
      for (int i = 0; i < nb; i++)
        for (size_t d = 0; d < D; d++)
          w->in[(size_t)i * D + d] = x[d] + sd * kd_rng_normal (&rng);
      accumulate_gradients (net, w, nb);
    }
  for (size_t d = 0; d < D; d++)
    map[d] = (float)(w->acc[d] / cfg->n_samples);
}

/* Integrated Gradients, (x - b) * integral_0^1 grad f(b + a (x - b)) da, by the midpoint rule
 * a_k = (k + 1/2) / n. For a ReLU network the integrand is piecewise constant in a, so any
 * rule errs only in the steps that straddle a kink; the midpoint rule needs n gradients where
 * the trapezoid needs n + 1 for the same step, halves the trapezoid's error on smooth pieces,
 * and never evaluates the gradient at the baseline itself, where it is often undefined (from
 * an all-zero input every conv channel is constant, so every max-pool window is a tie). */
static void
integrated_gradients (KdNet *net, const float *x, const KdSaliencyConfig *cfg, Work *w, float *map)
{
  size_t D = kd_net_in_dim (net);
  int n = cfg->steps;
  for (int k0 = 0; k0 < n; k0 += w->rows)
    {
      int nb = n - k0 < w->rows ? n - k0 : w->rows;
      for (int i = 0; i < nb; i++)
        {
          float a = ((float)(k0 + i) + 0.5f) / (float)n;
          for (size_t d = 0; d < D; d++)
            w->in[(size_t)i * D + d] = w->base[d] + a * (x[d] - w->base[d]);
        }
      accumulate_gradients (net, w, nb);
    }
  for (size_t d = 0; d < D; d++)
    map[d] = (float)((x[d] - w->base[d]) * (w->acc[d] / n));
}

/* The logits of x and, for IG, of its baseline (one two-row pass when max_batch allows);
 * they give the predicted class and the two ends of IG's completeness check. */
static void
endpoint_logits (KdNet *net, const float *x, const KdSaliencyConfig *cfg, Work *w, float *out)
{
  size_t D = kd_net_in_dim (net);
  size_t K = (size_t)net->n_classes;
  bool ig = cfg->method == KD_SALIENCY_INTEGRATED_GRADIENTS;
  memcpy (w->in, x, D * sizeof (float));
  memcpy (w->in + D, w->base, D * sizeof (float));
  int b = ig && net->max_batch >= 2 ? 2 : 1;
  memcpy (out, forward_eval (net, w->in, b), (size_t)b * K * sizeof (float));
  if (ig && b == 1)
    memcpy (out + K, forward_eval (net, w->in + D, 1), K * sizeof (float));
}

static void
completeness (const float *map, size_t D, KdSaliencyInfo *info)
{
  double sum = 0.0;
  for (size_t d = 0; d < D; d++)
    sum += map[d];
  double delta = (double)info->logit - info->baseline_logit;
  info->attribution_sum = sum;
  info->completeness_error = delta != 0.0 ? fabs (sum - delta) / fabs (delta) : NAN;
}

static int
batched_rows (const KdSaliencyConfig *cfg)
{
  if (cfg->method == KD_SALIENCY_SMOOTHGRAD)
    return cfg->n_samples;
  if (cfg->method == KD_SALIENCY_INTEGRATED_GRADIENTS)
    return cfg->steps;
  return 1;
}

/* Vanilla gradient and gradient x input: one backward of the input alone. */
static void
plain_gradient (KdNet *net, const float *x, const KdSaliencyConfig *cfg, Work *w, float *map)
{
  size_t D = kd_net_in_dim (net);
  gradient_chunk (net, x, w->targets, 1, w->dlogits, map, NULL);
  if (cfg->method == KD_SALIENCY_GRAD_X_INPUT)
    for (size_t d = 0; d < D; d++)
      map[d] *= x[d];
}

static void
run_method (KdNet *net, const float *x, const KdSaliencyConfig *cfg, Work *w, float *map)
{
  if (cfg->method == KD_SALIENCY_SMOOTHGRAD)
    smoothgrad (net, x, cfg, w, map);
  else if (cfg->method == KD_SALIENCY_INTEGRATED_GRADIENTS)
    integrated_gradients (net, x, cfg, w, map);
  else
    plain_gradient (net, x, cfg, w, map);
}

KdStatus
kd_saliency_compute (KdNet *net,
                     const float *x,
                     int label,
                     const KdSaliencyConfig *cfg,
                     float *map,
                     KdSaliencyInfo *info)
{
  KdSaliencyInfo local;
  info = info ? info : &local;
  *info = (KdSaliencyInfo){ .baseline_logit = NAN,
                            .attribution_sum = NAN,
                            .completeness_error = NAN };
  KdStatus st = kd_saliency_config_check (cfg, net);
  if (st != KD_OK)
    return st;
  Work w;
  if ((st = work_alloc (&w, net, batched_rows (cfg))) != KD_OK)
    return st;
  size_t D = kd_net_in_dim (net);
  memset (w.base, 0, D * sizeof (float));
  if (cfg->method == KD_SALIENCY_INTEGRATED_GRADIENTS)
    st = kd_saliency_baseline (cfg, x, net->in_c, net->in_h, net->in_w, w.base);
  if (st == KD_OK)
    {
      endpoint_logits (net, x, cfg, &w, w.logits);
      st = target_from_logits (net, w.logits, label, &cfg->target, &info->target);
    }
  if (st == KD_OK)
    {
      for (int i = 0; i < w.rows; i++)
        w.targets[i] = info->target;
      info->logit = w.logits[info->target];
      run_method (net, x, cfg, &w, map);
      if (cfg->method == KD_SALIENCY_INTEGRATED_GRADIENTS)
        {
          info->baseline_logit = w.logits[net->n_classes + info->target];
          completeness (map, D, info);
        }
    }
  work_free (&w);
  return st;
}
