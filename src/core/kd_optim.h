/* kd_optim.h — SGD with momentum and Adam over a flat parameter buffer.
 *
 * One element-wise loop over the buffer; the same loop zeroes the gradients for the next step,
 * which saves a separate pass over memory. Training runs it fused into the backward pass
 * (kd_optim_backward_step), layer by layer, so each gradient is used while still in cache;
 * being element-wise, the result is the same as one pass after the backward.
 */
#pragma once

#include <stddef.h>

#include "kd_net.h"
#include "kd_status.h"

typedef enum
{
  KD_OPTIM_ADAM,
  KD_OPTIM_SGD,
} KdOptimKind;

typedef struct
{
  KdOptimKind kind;
  float lr;
  float momentum;          /* SGD */
  float weight_decay;      /* L2 added to the gradient (SGD and Adam, as torch.optim) */
  float beta1, beta2, eps; /* Adam */
} KdOptimConfig;

typedef struct
{
  KdOptimConfig cfg;
  size_t n;
  float *m; /* (n) momentum / first moment */
  float *v; /* (n) second moment (Adam) */
  long t;   /* steps taken */
} KdOptim;

void kd_optim_config_default (KdOptimConfig *cfg, KdOptimKind kind);
KdStatus kd_optim_new (const KdOptimConfig *cfg, size_t n, KdOptim **out);
void kd_optim_free (KdOptim *opt);
void kd_optim_reset (KdOptim *opt);
/* params -= update(grads); then grads = 0. */
void kd_optim_step (KdOptim *opt, float *params, float *grads);

/* kd_net_backward (net, dlogits, b, NULL) and kd_optim_step (opt, net->params, net->grads) in
 * one pass: each layer's parameters are updated as soon as their gradients are complete (and
 * after the layer's input gradient has used the old weights). opt must cover net->n_params. */
void kd_optim_backward_step (KdOptim *opt, KdNet *net, const float *dlogits, int b);
