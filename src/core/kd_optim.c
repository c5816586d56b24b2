#include "kd_optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void
kd_optim_config_default (KdOptimConfig *cfg, KdOptimKind kind)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->kind = kind;
  cfg->lr = kind == KD_OPTIM_ADAM ? 1e-3f : 0.05f;
  cfg->momentum = kind == KD_OPTIM_SGD ? 0.9f : 0.0f;
  cfg->weight_decay = 0.0f;
  cfg->beta1 = 0.9f;
  cfg->beta2 = 0.999f;
  cfg->eps = 1e-8f;
}

KdStatus
kd_optim_new (const KdOptimConfig *cfg, size_t n, KdOptim **out)
{
  *out = NULL;
  KdOptim *opt = calloc (1, sizeof *opt);
  if (!opt)
    return KD_ERR_NOMEM;
  opt->cfg = *cfg;
  opt->n = n;
  opt->m = calloc (n ? n : 1, sizeof (float));
  opt->v = calloc (n ? n : 1, sizeof (float));
  if (!opt->m || !opt->v)
    {
      kd_optim_free (opt);
      return KD_ERR_NOMEM;
    }
  *out = opt;
  return KD_OK;
}

void
kd_optim_free (KdOptim *opt)
{
  if (!opt)
    return;
  free (opt->m);
  free (opt->v);
  free (opt);
}

void
kd_optim_reset (KdOptim *opt)
{
  memset (opt->m, 0, opt->n * sizeof (float));
  memset (opt->v, 0, opt->n * sizeof (float));
  opt->t = 0;
}

/* As torch.optim.Adam: bias-corrected moments, eps added after the square root. */
static void
adam_step (KdOptim *opt, float *restrict p, float *restrict g)
{
  const KdOptimConfig *c = &opt->cfg;
  float *restrict m = opt->m;
  float *restrict v = opt->v;
  opt->t++;
  const float b1 = c->beta1, b2 = c->beta2, wd = c->weight_decay, eps = c->eps;
  const float bc1 = 1.0f - powf (b1, (float)opt->t);
  const float bc2_sqrt = sqrtf (1.0f - powf (b2, (float)opt->t));
  const float step = c->lr / bc1;
  const float inv_bc2 = 1.0f / bc2_sqrt;
  const size_t n = opt->n;
  for (size_t i = 0; i < n; i++)
    {
      float gi = g[i] + wd * p[i];
      float mi = b1 * m[i] + (1.0f - b1) * gi;
      float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      p[i] -= step * mi / (sqrtf (vi) * inv_bc2 + eps);
      g[i] = 0.0f;
    }
}

/* As torch.optim.SGD with momentum (dampening 0, not Nesterov). */
static void
sgd_step (KdOptim *opt, float *restrict p, float *restrict g)
{
  const KdOptimConfig *c = &opt->cfg;
  float *restrict buf = opt->m;
  const float mu = c->momentum, wd = c->weight_decay, lr = c->lr;
  const size_t n = opt->n;
  opt->t++;
  for (size_t i = 0; i < n; i++)
    {
      float gi = g[i] + wd * p[i];
      float bi = mu * buf[i] + gi;
      buf[i] = bi;
      p[i] -= lr * bi;
      g[i] = 0.0f;
    }
}

void
kd_optim_step (KdOptim *opt, float *params, float *grads)
{
  if (opt->cfg.kind == KD_OPTIM_ADAM)
    adam_step (opt, params, grads);
  else
    sgd_step (opt, params, grads);
}
