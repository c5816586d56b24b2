#include "kd_optim.h"

#include "kd_mem.h"
#include "kd_parallel.h"

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
  opt->m = kd_floats_new (n, true);
  opt->v = kd_floats_new (n, true);
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

/* Per-step constants and the buffers, shared by the chunks of one update. */
typedef struct
{
  float *p, *g, *m, *v;
  float b1, b2, wd, eps, lr, step, inv_bc2;
} UpdateJob;

/* As torch.optim.Adam: bias-corrected moments, eps added after the square root. */
static void
adam_range (size_t begin, size_t end, void *data)
{
  const UpdateJob *j = data;
  float *restrict p = j->p, *restrict g = j->g, *restrict m = j->m, *restrict v = j->v;
  const float b1 = j->b1, b2 = j->b2, wd = j->wd, eps = j->eps;
  const float step = j->step, inv_bc2 = j->inv_bc2;
  for (size_t i = begin; i < end; i++)
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
sgd_range (size_t begin, size_t end, void *data)
{
  const UpdateJob *j = data;
  float *restrict p = j->p, *restrict g = j->g, *restrict buf = j->m;
  const float mu = j->b1, wd = j->wd, lr = j->lr;
  for (size_t i = begin; i < end; i++)
    {
      float gi = g[i] + wd * p[i];
      float bi = mu * buf[i] + gi;
      buf[i] = bi;
      p[i] -= lr * bi;
      g[i] = 0.0f;
    }
}

/* Below this many parameters per thread, waking a helper costs more than it saves. */
#define KD_OPTIM_MIN_CHUNK (64 * 1024)

/* Advances the step count and returns the update of this step as a range function. */
static KdRangeFunc
begin_step (KdOptim *opt, float *params, float *grads, UpdateJob *job)
{
  const KdOptimConfig *c = &opt->cfg;
  opt->t++;
  *job = (UpdateJob){ .p = params,
                      .g = grads,
                      .m = opt->m,
                      .v = opt->v,
                      .wd = c->weight_decay,
                      .eps = c->eps,
                      .lr = c->lr };
  if (c->kind != KD_OPTIM_ADAM)
    {
      job->b1 = c->momentum;
      return sgd_range;
    }
  job->b1 = c->beta1;
  job->b2 = c->beta2;
  job->step = c->lr / (1.0f - powf (c->beta1, (float)opt->t));
  job->inv_bc2 = 1.0f / sqrtf (1.0f - powf (c->beta2, (float)opt->t));
  return adam_range;
}

void
kd_optim_step (KdOptim *opt, float *params, float *grads)
{
  UpdateJob job;
  KdRangeFunc update = begin_step (opt, params, grads, &job);
  kd_parallel_for (opt->n, KD_OPTIM_MIN_CHUNK, update, &job);
}

void
kd_optim_backward_step (KdOptim *opt, KdNet *net, const float *dlogits, int b)
{
  UpdateJob job;
  KdRangeFunc update = begin_step (opt, net->params, net->grads, &job);
  kd_net_backward_update (net, dlogits, b, update, &job);
}
