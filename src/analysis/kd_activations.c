#include "kd_activations.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kd_blas.h"

/* ---- layer list -------------------------------------------------------------------------- */

typedef struct
{
  int fc, conv, pool, drop, flatten, relu;
  bool after_fc, after_conv; /* the weighted layer a following ReLU belongs to */
} LayerCounts;

static void
add_layer (KdRepLayer *layers, int *n, const KdNet *net, int i, const char *fmt, int count)
{
  const KdNetLayer *l = &net->layers[i];
  KdRepLayer *r = &layers[*n];
  r->layer = i;
  snprintf (r->name, sizeof r->name, fmt, count);
  r->c = l->out_c, r->h = l->out_h, r->w = l->out_w;
  r->dim = kd_net_layer_out_dim (net, i);
  r->offset = *n > 0 ? layers[*n - 1].offset + layers[*n - 1].dim : 0;
  (*n)++;
}

/* Names layer i and adds it when `select` asks for it. */
static void
visit_layer (const KdNet *net, int i, KdActSelect select, LayerCounts *k, KdRepLayer *out, int *n)
{
  bool all = select == KD_ACT_ALL_LAYERS;
  switch (net->layers[i].type)
    {
      case KD_LAYER_DENSE:
        if (i == net->n_layers - 1)
          {
            add_layer (out, n, net, i, "logits", 0);
            break;
          }
        k->after_fc = true, k->after_conv = false, ++k->fc;
        if (all)
          add_layer (out, n, net, i, "fc%d.pre", k->fc);
        break;
      case KD_LAYER_CONV2D:
        k->after_conv = true, k->after_fc = false, ++k->conv;
        if (all)
          add_layer (out, n, net, i, "conv%d.pre", k->conv);
        break;
      case KD_LAYER_RELU:
        /* The architecture puts a ReLU right after every hidden conv/dense layer; a ReLU
         * elsewhere would get a name of its own. */
        if (k->after_fc)
          add_layer (out, n, net, i, "fc%d", k->fc);
        else if (k->after_conv)
          add_layer (out, n, net, i, "conv%d", k->conv);
        else
          add_layer (out, n, net, i, "relu%d", ++k->relu);
        k->after_fc = k->after_conv = false;
        break;
      case KD_LAYER_MAXPOOL:
        add_layer (out, n, net, i, "pool%d", ++k->pool);
        break;
      case KD_LAYER_DROPOUT:
        ++k->drop;
        if (all)
          add_layer (out, n, net, i, "drop%d", k->drop);
        break;
      case KD_LAYER_FLATTEN:
        ++k->flatten;
        if (all)
          add_layer (out, n, net, i, k->flatten > 1 ? "flatten%d" : "flatten", k->flatten);
        break;
    }
}

KdStatus
kd_activations_layers (const KdNet *net, KdActSelect select, KdRepLayer *layers, int *n_layers)
{
  if (!net || !layers || !n_layers || net->n_layers > KD_ACT_MAX_LAYERS)
    return KD_ERR_INVALID;
  LayerCounts counts = { 0 };
  int n = 0;
  for (int i = 0; i < net->n_layers; i++)
    visit_layer (net, i, select, &counts, layers, &n);
  *n_layers = n;
  return KD_OK;
}

int
kd_activations_last_hidden (const KdRepLayer *layers, int n_layers)
{
  if (n_layers < 1)
    return -1;
  return n_layers >= 2 ? n_layers - 2 : 0;
}

size_t
kd_activations_sample_size (const KdRepLayer *layers, int n_layers)
{
  size_t total = 0;
  for (int r = 0; r < n_layers; r++)
    total += layers[r].dim;
  return total;
}

/* ---- forward passes ---------------------------------------------------------------------- */

static KdStatus
check_layers (const KdNet *net, const KdRepLayer *layers, int n_layers)
{
  if (!layers || n_layers < 1 || n_layers > KD_ACT_MAX_LAYERS)
    return KD_ERR_INVALID;
  for (int r = 0; r < n_layers; r++)
    if (layers[r].layer < 0 || layers[r].layer >= net->n_layers
        || layers[r].dim != kd_net_layer_out_dim (net, layers[r].layer))
      return KD_ERR_SHAPE;
  return KD_OK;
}

static KdStatus
check_net_dataset (const KdNet *net, const KdDataset *ds)
{
  if (!net || !ds || net->max_batch < 1)
    return KD_ERR_INVALID;
  return kd_dataset_dim (ds) == kd_net_in_dim (net) ? KD_OK : KD_ERR_SHAPE;
}

static KdStatus
check_selection (const KdDataset *ds, const int32_t *idx, int n)
{
  if (n < 0 || (!idx && n > ds->n))
    return KD_ERR_INVALID;
  for (int i = 0; idx && i < n; i++)
    if (idx[i] < 0 || idx[i] >= ds->n)
      return KD_ERR_INVALID;
  return KD_OK;
}

/* Forward pass of the b samples already in net->acts[0] with dropout off. */
static void
forward_eval (KdNet *net, int b)
{
  bool was_training = net->training;
  net->training = false;
  kd_net_forward (net, net->acts[0], b);
  net->training = was_training;
}

static void
gather_sample (const KdNet *net, const KdRepLayer *layers, int n_layers, float *out)
{
  for (int r = 0; r < n_layers; r++)
    memcpy (out + layers[r].offset, net->acts[layers[r].layer + 1], layers[r].dim * sizeof (float));
}

KdStatus
kd_activations_input (
    KdNet *net, const float *x, const KdRepLayer *layers, int n_layers, float *out)
{
  if (!net || !x || !out || net->max_batch < 1)
    return KD_ERR_INVALID;
  KdStatus st = check_layers (net, layers, n_layers);
  if (st != KD_OK)
    return st;
  memcpy (net->acts[0], x, kd_net_in_dim (net) * sizeof (float));
  forward_eval (net, 1);
  gather_sample (net, layers, n_layers, out);
  return KD_OK;
}

KdStatus
kd_activations_sample (
    KdNet *net, const KdDataset *ds, int index, const KdRepLayer *layers, int n_layers, float *out)
{
  KdStatus st = check_net_dataset (net, ds);
  if (st == KD_OK)
    st = check_layers (net, layers, n_layers);
  if (st != KD_OK)
    return st;
  if (index < 0 || index >= ds->n || !out)
    return KD_ERR_INVALID;
  int32_t idx = index;
  kd_dataset_fill_batch (ds, &idx, 1, net->acts[0], NULL);
  forward_eval (net, 1);
  gather_sample (net, layers, n_layers, out);
  return KD_OK;
}

KdStatus
kd_activations_stream (KdNet *net,
                       const KdDataset *ds,
                       const int32_t *idx,
                       int first,
                       int n,
                       const KdRepLayer *layers,
                       int n_layers,
                       KdActivationFunc func,
                       void *user_data,
                       atomic_int *cancel)
{
  KdStatus st = check_net_dataset (net, ds);
  if (st == KD_OK)
    st = check_layers (net, layers, n_layers);
  if (st == KD_OK)
    st = check_selection (ds, idx, n);
  if (st != KD_OK)
    return st;
  if (!func || first < 0 || first > n)
    return KD_ERR_INVALID;
  int32_t *batch = malloc ((size_t)net->max_batch * sizeof *batch);
  if (!batch)
    return KD_ERR_NOMEM;
  const float *acts[KD_ACT_MAX_LAYERS];
  for (int r = 0; r < n_layers; r++)
    acts[r] = net->acts[layers[r].layer + 1];
  for (int off = first; off < n && st == KD_OK; off += net->max_batch)
    {
      if (cancel && atomic_load (cancel))
        {
          st = KD_ERR_CANCELLED;
          break;
        }
      int b = n - off < net->max_batch ? n - off : net->max_batch;
      for (int i = 0; i < b; i++)
        batch[i] = idx ? idx[off + i] : off + i;
      kd_dataset_fill_batch (ds, batch, b, net->acts[0], NULL);
      forward_eval (net, b);
      st = func (acts, off, b, user_data);
    }
  free (batch);
  return st;
}

typedef struct
{
  float *out;
  size_t dim;
} CaptureJob;

static KdStatus
capture_batch (const float *const *acts, int offset, int b, void *user_data)
{
  CaptureJob *job = user_data;
  memcpy (job->out + (size_t)offset * job->dim, acts[0], (size_t)b * job->dim * sizeof (float));
  return KD_OK;
}

KdStatus
kd_activations_capture (KdNet *net,
                        const KdDataset *ds,
                        const int32_t *idx,
                        int n,
                        const KdRepLayer *layer,
                        float *out,
                        uint8_t *labels,
                        atomic_int *cancel)
{
  if (!layer || (!out && n > 0))
    return KD_ERR_INVALID;
  CaptureJob job = { out, layer->dim };
  KdStatus st = kd_activations_stream (net, ds, idx, 0, n, layer, 1, capture_batch, &job, cancel);
  for (int i = 0; st == KD_OK && labels && i < n; i++)
    labels[i] = ds->labels[idx ? idx[i] : i];
  return st;
}

/* ---- products ---------------------------------------------------------------------------- */

KdStatus
kd_activations_gemm_dacc (bool trans_a,
                          bool trans_b,
                          int m,
                          int n,
                          int k,
                          const float *a,
                          int lda,
                          const float *b,
                          int ldb,
                          double *c,
                          int ldc,
                          int block)
{
  if (m < 0 || n < 0 || k < 0 || block < 0 || (m > 0 && n > 0 && (!a || !b || !c)))
    return KD_ERR_INVALID;
  if (m == 0 || n == 0)
    return KD_OK;
  if (block == 0)
    block = KD_ACT_DACC_BLOCK;
  for (int i = 0; i < m; i++)
    memset (c + (size_t)i * ldc, 0, (size_t)n * sizeof (double));
  float *tmp = malloc ((size_t)m * n * sizeof (float));
  if (!tmp)
    return KD_ERR_NOMEM;
  for (int p = 0; p < k; p += block)
    {
      int kb = k - p < block ? k - p : block;
      const float *ab = trans_a ? a + (size_t)p * lda : a + p;
      const float *bb = trans_b ? b + p : b + (size_t)p * ldb;
      kd_sgemm (trans_a, trans_b, m, n, kb, 1.0f, ab, lda, bb, ldb, 0.0f, tmp, n);
      for (int i = 0; i < m; i++)
        {
          double *crow = c + (size_t)i * ldc;
          const float *trow = tmp + (size_t)i * n;
          for (int j = 0; j < n; j++)
            crow[j] += trow[j];
        }
    }
  free (tmp);
  return KD_OK;
}
