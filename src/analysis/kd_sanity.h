/* kd_sanity.h — the model-randomisation sanity check of Adebayo et al. (NeurIPS 2018).
 *
 * A saliency method that explains the model must change when the model's weights are
 * destroyed. Cascading randomisation re-initialises the parameter layers one at a time from
 * the output layer down, keeping the earlier randomisations, recomputes the map of the same
 * input, method and target class at every stage and reports its rank correlation with the
 * original map. A method whose map stays correlated with the original while the weights are
 * random (gradient x input often does, as it carries the input's own edges) explains the
 * input, not the model.
 */
#pragma once

#include <stdint.h>

#include "kd_net.h"
#include "kd_saliency.h"

typedef struct
{
  int layer;              /* index into net->layers re-initialised at this stage; -1 at stage 0 */
  KdLayerType type;       /* that layer's type; unused at stage 0 */
  char name[48];          /* "original", "logits", "fc2", "conv1", ... */
  double spearman_abs;    /* rank correlation of |map| with |original map| (the paper's) */
  double spearman_signed; /* of the signed maps */
} KdSanityStage;

/* 1 + the number of layers with parameters. */
int kd_sanity_n_stages (const KdNet *net);

/* Runs the cascade for input x (C, H, W) with true label `label` (-1 if unknown) and the
 * method and target of cfg, on a clone: `net` is not changed. The target class is resolved
 * once on the original model and kept, so every stage explains the same logit. Each
 * re-initialisation draws from a KdRng seeded with `seed`, with kd_net_init_weights' scheme.
 * stages (kd_sanity_n_stages) receives one entry per stage; maps, when not NULL,
 * (n_stages, C, H, W) receives every stage's map. */
KdStatus kd_sanity_cascade (const KdNet *net,
                            const float *x,
                            int label,
                            const KdSaliencyConfig *cfg,
                            uint64_t seed,
                            KdSanityStage *stages,
                            float *maps);
