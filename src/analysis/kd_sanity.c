#include "kd_sanity.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kd_mapstats.h"

static bool
has_params (const KdNetLayer *l)
{
  return l->w_count + l->b_count > 0;
}

int
kd_sanity_n_stages (const KdNet *net)
{
  int n = 1;
  for (int i = 0; i < net->n_layers; i++)
    n += has_params (&net->layers[i]);
  return n;
}

/* kd_net_init_weights for a single layer: uniform in +-1/sqrt(fan_in), as PyTorch. */
static void
reinit_layer (KdNet *net, int i, KdRng *rng)
{
  const KdNetLayer *l = &net->layers[i];
  float bound = 1.0f / sqrtf ((float)(l->w_count / l->b_count));
  float *p = net->params + l->w_offset;
  for (size_t j = 0; j < l->w_count + l->b_count; j++)
    p[j] = (2.0f * kd_rng_uniform (rng) - 1.0f) * bound;
}

static void
name_stage (KdSanityStage *s, const KdNet *net, int layer)
{
  s->layer = layer;
  if (layer < 0)
    {
      s->type = KD_LAYER_DENSE;
      snprintf (s->name, sizeof s->name, "original");
      return;
    }
  s->type = net->layers[layer].type;
  if (layer == net->n_layers - 1)
    {
      snprintf (s->name, sizeof s->name, "logits");
      return;
    }
  /* Counted from the input among layers of the same kind, as the Activations page and CKA
   * name them (kd_activations.c): fc1, fc2, conv1, ... */
  int k = 0;
  for (int i = 0; i <= layer; i++)
    k += net->layers[i].type == s->type;
  snprintf (s->name, sizeof s->name, "%s%d", s->type == KD_LAYER_CONV2D ? "conv" : "fc", k);
}

/* The map of stage `k` into `map` and its correlations with `original`. */
static KdStatus
run_stage (KdNet *clone,
           const float *x,
           const KdSaliencyConfig *cfg,
           const float *original,
           float *map,
           KdSanityStage *s)
{
  size_t D = kd_net_in_dim (clone);
  KdStatus st = kd_saliency_compute (clone, x, -1, cfg, map, NULL);
  if (st == KD_OK)
    st = kd_map_spearman (original, map, D, true, &s->spearman_abs);
  if (st == KD_OK)
    st = kd_map_spearman (original, map, D, false, &s->spearman_signed);
  return st;
}

/* Enough rows for one pass of the method, but not a huge workspace for huge settings. */
static int
clone_batch (const KdSaliencyConfig *cfg)
{
  int rows = cfg->method == KD_SALIENCY_SMOOTHGRAD             ? cfg->n_samples
             : cfg->method == KD_SALIENCY_INTEGRATED_GRADIENTS ? cfg->steps
                                                               : 1;
  rows = rows < 2 ? 2 : rows;
  return rows > 128 ? 128 : rows;
}

static KdStatus
cascade (KdNet *clone,
         const float *x,
         const KdSaliencyConfig *fixed,
         uint64_t seed,
         KdSanityStage *stages,
         float *maps)
{
  size_t D = kd_net_in_dim (clone);
  KdStatus st = kd_saliency_compute (clone, x, -1, fixed, maps, NULL);
  if (st != KD_OK)
    return st;
  name_stage (&stages[0], clone, -1);
  stages[0].spearman_abs = stages[0].spearman_signed = 1.0;
  KdRng rng;
  kd_rng_seed (&rng, seed);
  int k = 1;
  for (int i = clone->n_layers - 1; i >= 0 && st == KD_OK; i--)
    {
      if (!has_params (&clone->layers[i]))
        continue;
      reinit_layer (clone, i, &rng);
      name_stage (&stages[k], clone, i);
      st = run_stage (clone, x, fixed, maps, maps + (size_t)k * D, &stages[k]);
      k++;
    }
  return st;
}

KdStatus
kd_sanity_cascade (const KdNet *net,
                   const float *x,
                   int label,
                   const KdSaliencyConfig *cfg,
                   uint64_t seed,
                   KdSanityStage *stages,
                   float *maps)
{
  KdStatus st = kd_saliency_config_check (cfg, net);
  if (st != KD_OK)
    return st;
  KdNet *clone = NULL;
  if ((st = kd_net_clone (net, clone_batch (cfg), &clone)) != KD_OK)
    return st;
  KdSaliencyConfig fixed = *cfg;
  fixed.target.kind = KD_TARGET_CLASS;
  st = kd_saliency_resolve_target (clone, x, label, &cfg->target, &fixed.target.class_index);
  size_t D = kd_net_in_dim (net);
  float *all = maps ? maps : malloc ((size_t)kd_sanity_n_stages (net) * D * sizeof (float));
  if (!all)
    st = KD_ERR_NOMEM;
  if (st == KD_OK)
    st = cascade (clone, x, &fixed, seed, stages, all);
  if (all != maps)
    free (all);
  kd_net_free (clone);
  return st;
}
