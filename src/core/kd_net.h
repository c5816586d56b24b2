/* kd_net.h — a feed-forward network with flat parameter storage.
 *
 * As in llm.c, all parameters live in one allocation (and gradients and optimizer state in
 * allocations of the same length and offsets), so copying a snapshot is one memcpy, the
 * optimizer is one loop and a checkpoint is one tensor per layer slice.
 *
 * Activations for up to `max_batch` samples are kept between forward and backward.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kd_arch.h"
#include "kd_parallel.h"
#include "kd_rng.h"
#include "kd_status.h"

typedef struct
{
  KdLayerType type;
  int in_c, in_h, in_w;    /* per-sample input shape */
  int out_c, out_h, out_w; /* per-sample output shape */
  int kernel, stride, pad;
  float drop_p;
  size_t w_offset, w_count; /* weights in the flat buffer: dense (O, I), conv (Co, Ci, K, K) */
  size_t b_offset, b_count; /* biases (O) */
  int32_t *argmax;          /* max-pool: (max_batch, out) winning input index */
  uint8_t *mask;            /* dropout: (max_batch, out) kept units */
} KdNetLayer;

typedef struct
{
  int n_layers;
  KdNetLayer *layers;
  int in_c, in_h, in_w;
  int n_classes;
  KdArch arch;

  size_t n_params;
  float *params; /* (n_params) */
  float *grads;  /* (n_params) */

  int max_batch;
  float **acts;   /* acts[0] = input, acts[i + 1] = output of layer i; each (max_batch, size) */
  float *dact[2]; /* ping-pong activation gradients, (max_batch, largest layer) */
  float *col;     /* conv im2col workspace */
  size_t col_size;
  int conv_parts; /* KdConvDims.parts: the thread budget when the workspace was sized */
  bool training;  /* dropout active */
  KdRng drop_rng;
} KdNet;

/* Builds the network for inputs of shape (c, h, w) and n_classes outputs; weights are zero
 * until kd_net_init_weights. */
KdStatus
kd_net_new (const KdArch *arch, int c, int h, int w, int n_classes, int max_batch, KdNet **out);
void kd_net_free (KdNet *net);

/* PyTorch's default init for Linear and Conv2d (kaiming_uniform with a = sqrt(5)): weights
 * and biases uniform in +-1/sqrt(fan_in), so runs are comparable with the PyTorch reference. */
void kd_net_init_weights (KdNet *net, KdRng *rng);

static inline size_t
kd_net_in_dim (const KdNet *net)
{
  return (size_t)net->in_c * net->in_h * net->in_w;
}

/* Forward pass of b <= max_batch samples; returns a pointer to the logits (b, n_classes),
 * valid until the next forward. `in` is copied into acts[0]. */
const float *kd_net_forward (KdNet *net, const float *in, int b);

/* Backward pass from dlogits (b, n_classes) after a forward of the same batch. Parameter
 * gradients accumulate into net->grads; when dinput is not NULL the gradient with respect to
 * the input (b, in_dim) is written there (saliency). */
void kd_net_backward (KdNet *net, const float *dlogits, int b, float *dinput);

/* kd_net_backward without an input gradient, with a parameter update (an optimizer step:
 * `func` on ranges [begin, end) of the flat buffers) run on each layer's parameters as soon as
 * their gradients are complete, while they are still in cache, instead of in a separate pass
 * over all parameters. `func` may run on several threads at once on disjoint ranges. */
void
kd_net_backward_update (KdNet *net, const float *dlogits, int b, KdRangeFunc func, void *user_data);

void kd_net_zero_grads (KdNet *net);

/* A new network of the same architecture and input shape with its own workspace for up to
 * max_batch samples and a copy of the parameters: analyses run on clones, never on a network
 * another thread trains. */
KdStatus kd_net_clone (const KdNet *net, int max_batch, KdNet **out);

/* Output size per sample of layer i, and of the activation before layer i. */
size_t kd_net_layer_out_dim (const KdNet *net, int i);

/* True when every parameter is finite. */
bool kd_net_params_finite (const KdNet *net);

/* Floating point operations of one forward pass for one sample (multiply-add = 2). */
double kd_net_forward_flops (const KdNet *net);
