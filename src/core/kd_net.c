#include "kd_net.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kd_blas.h"
#include "kd_layers.h"
#include "kd_mem.h"

/* Appends a layer to `layers` from its spec, following the shape from (c, h, w). */
static void
layer_from_spec (KdNetLayer *l, const KdLayerSpec *s, int c, int h, int w, size_t *n_params)
{
  memset (l, 0, sizeof *l);
  l->type = s->type;
  l->in_c = c, l->in_h = h, l->in_w = w;
  l->out_c = c, l->out_h = h, l->out_w = w;
  switch (s->type)
    {
      case KD_LAYER_DENSE:
        l->out_c = s->units, l->out_h = 1, l->out_w = 1;
        l->w_count = (size_t)s->units * c * h * w;
        l->b_count = (size_t)s->units;
        break;
      case KD_LAYER_CONV2D:
        l->kernel = s->kernel, l->stride = s->stride;
        l->pad = s->pad < 0 ? s->kernel / 2 : s->pad;
        l->out_c = s->units;
        l->out_h = (h + 2 * l->pad - l->kernel) / l->stride + 1;
        l->out_w = (w + 2 * l->pad - l->kernel) / l->stride + 1;
        l->w_count = (size_t)s->units * c * s->kernel * s->kernel;
        l->b_count = (size_t)s->units;
        break;
      case KD_LAYER_MAXPOOL:
        l->kernel = s->kernel, l->stride = s->stride;
        l->out_h = (h - l->kernel) / l->stride + 1;
        l->out_w = (w - l->kernel) / l->stride + 1;
        break;
      case KD_LAYER_DROPOUT:
        l->drop_p = s->drop_p;
        break;
      case KD_LAYER_FLATTEN:
        l->out_c = c * h * w, l->out_h = 1, l->out_w = 1;
        break;
      case KD_LAYER_RELU:
        break;
    }
  l->w_offset = *n_params;
  l->b_offset = l->w_offset + l->w_count;
  *n_params += l->w_count + l->b_count;
}

static size_t
layer_size (int c, int h, int w)
{
  return (size_t)c * h * w;
}

/* The full layer list: hidden specs, a flatten between the last conv/pool and the first dense
 * layer after it, and the output layer. (A dense layer reads any input as flat, so a dense
 * layer on raw images needs no flatten.) Returns the number of layers written to `out` (which has
 * room for all). */
static int
expand_specs (const KdArch *arch, int c, int h, int w, int n_classes, KdLayerSpec *out)
{
  int n = 0;
  bool spatial = false;
  for (int i = 0; i < arch->n_specs; i++)
    {
      const KdLayerSpec *s = &arch->specs[i];
      if (s->type == KD_LAYER_CONV2D || s->type == KD_LAYER_MAXPOOL)
        spatial = true;
      if (s->type == KD_LAYER_DENSE && spatial)
        {
          out[n++] = (KdLayerSpec){ .type = KD_LAYER_FLATTEN, .text_pos = -1 };
          spatial = false;
        }
      out[n++] = *s;
    }
  if (spatial)
    out[n++] = (KdLayerSpec){ .type = KD_LAYER_FLATTEN, .text_pos = -1 };
  out[n++] = (KdLayerSpec){ .type = KD_LAYER_DENSE, .units = n_classes, .text_pos = -1 };
  (void)c;
  return n;
}

static KdStatus
alloc_buffers (KdNet *net)
{
  size_t largest = kd_net_in_dim (net);
  size_t B = (size_t)net->max_batch;
  net->params = kd_floats_new (net->n_params, true);
  net->grads = kd_floats_new (net->n_params, true);
  net->acts = calloc ((size_t)net->n_layers + 1, sizeof (float *));
  if (!net->params || !net->grads || !net->acts)
    return KD_ERR_NOMEM;
  net->acts[0] = kd_floats_new (B * kd_net_in_dim (net), false);
  if (!net->acts[0])
    return KD_ERR_NOMEM;
  for (int i = 0; i < net->n_layers; i++)
    {
      KdNetLayer *l = &net->layers[i];
      size_t out = layer_size (l->out_c, l->out_h, l->out_w);
      largest = out > largest ? out : largest;
      net->acts[i + 1] = kd_floats_new (B * out, false);
      if (!net->acts[i + 1])
        return KD_ERR_NOMEM;
      if (l->type == KD_LAYER_MAXPOOL && !(l->argmax = malloc (B * out * sizeof (int32_t))))
        return KD_ERR_NOMEM;
      if (l->type == KD_LAYER_DROPOUT && !(l->mask = malloc (B * out)))
        return KD_ERR_NOMEM;
    }
  for (int k = 0; k < 2; k++)
    if (!(net->dact[k] = kd_floats_new (B * largest, false)))
      return KD_ERR_NOMEM;
  return KD_OK;
}

static KdConvDims
conv_dims (const KdNet *net, const KdNetLayer *l, int b)
{
  KdConvDims d = { .B = b,
                   .parts = net->conv_parts,
                   .C_in = l->in_c,
                   .H = l->in_h,
                   .W = l->in_w,
                   .C_out = l->out_c,
                   .K = l->kernel,
                   .stride = l->stride,
                   .pad = l->pad };
  kd_conv_dims_init (&d);
  return d;
}

static KdPoolDims
pool_dims (const KdNetLayer *l, int b)
{
  KdPoolDims d
      = { .B = b, .C = l->in_c, .H = l->in_h, .W = l->in_w, .K = l->kernel, .stride = l->stride };
  kd_pool_dims_init (&d);
  return d;
}

static KdStatus
alloc_conv_workspace (KdNet *net)
{
  size_t need = 0;
  /* One part of the batch per thread (kd_conv2d_forward); fixed from here on, so a net's
   * results do not depend on later changes of the budget. */
  net->conv_parts = kd_blas_get_threads ();
  for (int i = 0; i < net->n_layers; i++)
    if (net->layers[i].type == KD_LAYER_CONV2D)
      {
        KdConvDims d = conv_dims (net, &net->layers[i], net->max_batch);
        size_t s = kd_conv2d_workspace (&d);
        need = s > need ? s : need;
      }
  net->col_size = need;
  if (need && !(net->col = kd_floats_new (need, false)))
    return KD_ERR_NOMEM;
  return KD_OK;
}

KdStatus
kd_net_new (const KdArch *arch, int c, int h, int w, int n_classes, int max_batch, KdNet **out)
{
  *out = NULL;
  if (c < 1 || h < 1 || w < 1 || n_classes < 2 || max_batch < 1)
    return KD_ERR_INVALID;
  if (kd_arch_check_shape (arch, c, h, w, NULL) != KD_OK)
    return KD_ERR_SHAPE;
  KdLayerSpec specs[KD_ARCH_MAX_LAYERS + 3];
  int n = expand_specs (arch, c, h, w, n_classes, specs);
  KdNet *net = calloc (1, sizeof *net);
  if (!net || !(net->layers = calloc ((size_t)n, sizeof (KdNetLayer))))
    {
      free (net);
      return KD_ERR_NOMEM;
    }
  net->n_layers = n;
  net->in_c = c, net->in_h = h, net->in_w = w;
  net->n_classes = n_classes;
  net->arch = *arch;
  net->max_batch = max_batch;
  for (int i = 0; i < n; i++)
    {
      layer_from_spec (&net->layers[i], &specs[i], c, h, w, &net->n_params);
      c = net->layers[i].out_c, h = net->layers[i].out_h, w = net->layers[i].out_w;
    }
  kd_rng_seed (&net->drop_rng, 0x5eed);
  KdStatus st = alloc_buffers (net);
  if (st == KD_OK)
    st = alloc_conv_workspace (net);
  if (st != KD_OK)
    {
      kd_net_free (net);
      return st;
    }
  *out = net;
  return KD_OK;
}

void
kd_net_free (KdNet *net)
{
  if (!net)
    return;
  for (int i = 0; net->layers && i < net->n_layers; i++)
    {
      free (net->layers[i].argmax);
      free (net->layers[i].mask);
    }
  for (int i = 0; net->acts && i <= net->n_layers; i++)
    free (net->acts[i]);
  free (net->acts);
  free (net->dact[0]);
  free (net->dact[1]);
  free (net->col);
  free (net->params);
  free (net->grads);
  free (net->layers);
  free (net);
}

void
kd_net_init_weights (KdNet *net, KdRng *rng)
{
  for (int i = 0; i < net->n_layers; i++)
    {
      KdNetLayer *l = &net->layers[i];
      if (l->w_count == 0)
        continue;
      size_t fan_in = l->w_count / l->b_count;
      float bound = 1.0f / sqrtf ((float)fan_in);
      float *wt = net->params + l->w_offset;
      for (size_t j = 0; j < l->w_count + l->b_count; j++)
        wt[j] = (2.0f * kd_rng_uniform (rng) - 1.0f) * bound;
    }
}

size_t
kd_net_layer_out_dim (const KdNet *net, int i)
{
  const KdNetLayer *l = &net->layers[i];
  return layer_size (l->out_c, l->out_h, l->out_w);
}

static void
layer_forward (KdNet *net, int i, int b)
{
  KdNetLayer *l = &net->layers[i];
  const float *in = net->acts[i];
  float *out = net->acts[i + 1];
  size_t n_in = (size_t)b * layer_size (l->in_c, l->in_h, l->in_w);
  switch (l->type)
    {
      case KD_LAYER_DENSE:
        kd_dense_forward (out, in, net->params + l->w_offset, net->params + l->b_offset, b,
                          (int)layer_size (l->in_c, l->in_h, l->in_w), l->out_c);
        break;
      case KD_LAYER_CONV2D:
        {
          KdConvDims d = conv_dims (net, l, b);
          kd_conv2d_forward (out, in, net->params + l->w_offset, net->params + l->b_offset, &d,
                             net->col);
          break;
        }
      case KD_LAYER_MAXPOOL:
        {
          KdPoolDims d = pool_dims (l, b);
          kd_maxpool_forward (out, l->argmax, in, &d);
          break;
        }
      case KD_LAYER_RELU:
        kd_relu_forward (out, in, n_in);
        break;
      case KD_LAYER_DROPOUT:
        if (net->training)
          kd_dropout_forward (out, l->mask, in, n_in, l->drop_p, &net->drop_rng);
        else
          memcpy (out, in, n_in * sizeof (float));
        break;
      case KD_LAYER_FLATTEN:
        memcpy (out, in, n_in * sizeof (float));
        break;
    }
}

/* Whether layer i is dense and layer i + 1 the ReLU on its output, which then run as one. */
static bool
relu_follows_dense (const KdNet *net, int i)
{
  return net->layers[i].type == KD_LAYER_DENSE && i + 1 < net->n_layers
         && net->layers[i + 1].type == KD_LAYER_RELU;
}

/* Dense layer i and its ReLU (layer i + 1): both outputs are kept, as by two layers. */
static void
dense_relu_forward (KdNet *net, int i, int b)
{
  const KdNetLayer *l = &net->layers[i];
  kd_dense_relu_forward (net->acts[i + 1], net->acts[i + 2], net->acts[i],
                         net->params + l->w_offset, net->params + l->b_offset, b,
                         (int)layer_size (l->in_c, l->in_h, l->in_w), l->out_c);
}

const float *
kd_net_forward (KdNet *net, const float *in, int b)
{
  if (in != net->acts[0])
    memcpy (net->acts[0], in, (size_t)b * kd_net_in_dim (net) * sizeof (float));
  for (int i = 0; i < net->n_layers; i++)
    if (relu_follows_dense (net, i))
      dense_relu_forward (net, i++, b);
    else
      layer_forward (net, i, b);
  return net->acts[net->n_layers];
}

static void
layer_backward (KdNet *net, int i, int b, const float *dout, float *din)
{
  KdNetLayer *l = &net->layers[i];
  const float *in = net->acts[i];
  size_t n_in = (size_t)b * layer_size (l->in_c, l->in_h, l->in_w);
  switch (l->type)
    {
      case KD_LAYER_DENSE:
        kd_dense_backward (dout, in, net->params + l->w_offset, din, net->grads + l->w_offset,
                           net->grads + l->b_offset, b, (int)layer_size (l->in_c, l->in_h, l->in_w),
                           l->out_c);
        break;
      case KD_LAYER_CONV2D:
        {
          KdConvDims d = conv_dims (net, l, b);
          kd_conv2d_backward (dout, in, net->params + l->w_offset, din, net->grads + l->w_offset,
                              net->grads + l->b_offset, &d, net->col);
          break;
        }
      case KD_LAYER_MAXPOOL:
        if (din)
          {
            KdPoolDims d = pool_dims (l, b);
            kd_maxpool_backward (dout, l->argmax, din, &d);
          }
        break;
      case KD_LAYER_RELU:
        if (din)
          kd_relu_backward (dout, net->acts[i + 1], din, n_in);
        break;
      case KD_LAYER_DROPOUT:
        if (din && net->training)
          kd_dropout_backward (dout, l->mask, din, n_in, l->drop_p);
        else if (din)
          memcpy (din, dout, n_in * sizeof (float));
        break;
      case KD_LAYER_FLATTEN:
        if (din)
          memcpy (din, dout, n_in * sizeof (float));
        break;
    }
}

void
kd_net_backward (KdNet *net, const float *dlogits, int b, float *dinput)
{
  const float *dout = dlogits;
  int buf = 0;
  for (int i = net->n_layers - 1; i >= 0; i--)
    {
      /* Below the first layer with parameters nothing needs a gradient unless the caller
       * asked for the input's (saliency). */
      float *din = i == 0 ? dinput : net->dact[buf];
      layer_backward (net, i, b, dout, din);
      dout = din;
      buf ^= 1;
    }
}

/* Below this many parameters per thread, waking a helper for an update costs more than it
 * saves (as the optimizer's own pass). */
#define KD_UPDATE_MIN_CHUNK (64 * 1024)

typedef struct
{
  const KdLayerUpdate *update;
  size_t offset;
} ShiftedUpdate;

static void
shifted_update (size_t begin, size_t end, void *data)
{
  const ShiftedUpdate *s = data;
  s->update->func (s->offset + begin, s->offset + end, s->update->data);
}

/* A dense layer updates its rows as it computes them; any other layer with parameters has
 * them updated in one parallel pass right after its backward. */
static void
layer_backward_update (
    KdNet *net, int i, int b, const float *dout, float *din, bool relu_in, KdLayerUpdate *u)
{
  KdNetLayer *l = &net->layers[i];
  u->w_offset = l->w_offset;
  u->b_offset = l->b_offset;
  if (l->type == KD_LAYER_DENSE)
    {
      kd_dense_backward_update (dout, net->acts[i], net->params + l->w_offset, din, relu_in,
                                net->grads + l->w_offset, net->grads + l->b_offset, b,
                                (int)layer_size (l->in_c, l->in_h, l->in_w), l->out_c, u);
      return;
    }
  layer_backward (net, i, b, dout, din);
  ShiftedUpdate s = { u, l->w_offset };
  if (l->w_count + l->b_count > 0)
    kd_parallel_for (l->w_count + l->b_count, KD_UPDATE_MIN_CHUNK, shifted_update, &s);
}

void
kd_net_backward_update (KdNet *net, const float *dlogits, int b, KdRangeFunc func, void *user_data)
{
  KdLayerUpdate u = { .func = func, .data = user_data };
  const float *dout = dlogits;
  int buf = 0;
  for (int i = net->n_layers - 1; i >= 0; i--)
    {
      /* A dense layer on a ReLU's output (not the first layer) writes the ReLU's input
       * gradient itself, and the ReLU is skipped. */
      bool relu_in = i > 1 && net->layers[i].type == KD_LAYER_DENSE
                     && net->layers[i - 1].type == KD_LAYER_RELU;
      float *din = i == 0 ? NULL : net->dact[buf];
      layer_backward_update (net, i, b, dout, din, relu_in, &u);
      i -= relu_in;
      dout = din;
      buf ^= 1;
    }
}

void
kd_net_zero_grads (KdNet *net)
{
  memset (net->grads, 0, net->n_params * sizeof (float));
}

bool
kd_net_params_finite (const KdNet *net)
{
  /* Sum-based test: a single NaN or Inf poisons the sum, and the loop vectorises. */
  float acc = 0.0f;
  for (size_t i = 0; i < net->n_params; i++)
    acc += net->params[i] * 0.0f;
  return acc == 0.0f;
}

double
kd_net_forward_flops (const KdNet *net)
{
  double flops = 0.0;
  for (int i = 0; i < net->n_layers; i++)
    {
      const KdNetLayer *l = &net->layers[i];
      if (l->type == KD_LAYER_DENSE || l->type == KD_LAYER_CONV2D)
        flops += 2.0 * (double)l->w_count * (l->out_h * l->out_w);
    }
  return flops;
}

KdStatus
kd_net_clone (const KdNet *net, int max_batch, KdNet **out)
{
  KdStatus st
      = kd_net_new (&net->arch, net->in_c, net->in_h, net->in_w, net->n_classes, max_batch, out);
  if (st != KD_OK)
    return st;
  memcpy ((*out)->params, net->params, net->n_params * sizeof (float));
  (*out)->drop_rng = net->drop_rng;
  return KD_OK;
}
