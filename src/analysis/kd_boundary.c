#include "kd_boundary.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kd_loss.h"

static bool
is_2d (int c, int h, int w)
{
  return (size_t)c * h * w == 2 && c == 1 && h == 1;
}

static void
widen (float lo, float hi, float pad, float *out_lo, float *out_hi)
{
  float span = hi - lo > 0.0f ? hi - lo : 1.0f;
  float centre = 0.5f * (lo + hi);
  *out_lo = hi - lo > 0.0f ? lo - pad * span : centre - 0.5f * span;
  *out_hi = hi - lo > 0.0f ? hi + pad * span : centre + 0.5f * span;
}

KdStatus
kd_boundary_data_bounds (const KdDataset *ds, float pad_fraction, KdBounds *bounds)
{
  enum
  {
    CHUNK = 256
  };
  if (!is_2d (ds->c, ds->h, ds->w))
    return KD_ERR_SHAPE;
  if (ds->n < 1 || !(pad_fraction >= 0.0f) || !isfinite (pad_fraction))
    return KD_ERR_INVALID;
  float lo[2] = { INFINITY, INFINITY }, hi[2] = { -INFINITY, -INFINITY };
  float batch[CHUNK * 2];
  int32_t idx[CHUNK];
  /* Through fill_batch, so that the bounds are in the units the network sees. */
  for (int i0 = 0; i0 < ds->n; i0 += CHUNK)
    {
      int nb = ds->n - i0 < CHUNK ? ds->n - i0 : CHUNK;
      for (int j = 0; j < nb; j++)
        idx[j] = i0 + j;
      kd_dataset_fill_batch (ds, idx, nb, batch, NULL);
      for (int j = 0; j < 2 * nb; j++)
        {
          lo[j % 2] = fminf (lo[j % 2], batch[j]);
          hi[j % 2] = fmaxf (hi[j % 2], batch[j]);
        }
    }
  if (!isfinite (lo[0]) || !isfinite (lo[1]) || !isfinite (hi[0]) || !isfinite (hi[1]))
    return KD_ERR_INVALID;
  widen (lo[0], hi[0], pad_fraction, &bounds->xmin, &bounds->xmax);
  widen (lo[1], hi[1], pad_fraction, &bounds->ymin, &bounds->ymax);
  return KD_OK;
}

void
kd_boundary_cell_centre (const KdBounds *bounds, int res, int i, int j, float *x, float *y)
{
  *x = bounds->xmin + ((float)i + 0.5f) * (bounds->xmax - bounds->xmin) / (float)res;
  *y = bounds->ymin + ((float)j + 0.5f) * (bounds->ymax - bounds->ymin) / (float)res;
}

static KdStatus
check_grid (const KdNet *net, const KdBounds *b, int res)
{
  if (!is_2d (net->in_c, net->in_h, net->in_w))
    return KD_ERR_SHAPE;
  if (res < 1 || !(b->xmax > b->xmin) || !(b->ymax > b->ymin) || !isfinite (b->xmax - b->xmin)
      || !isfinite (b->ymax - b->ymin))
    return KD_ERR_INVALID;
  return KD_OK;
}

/* in (nb, 2) = the centres of cells first .. first + nb - 1 in row-major order. */
static void
fill_cells (const KdBounds *bounds, int res, long first, int nb, float *in)
{
  for (int k = 0; k < nb; k++)
    {
      long cell = first + k;
      kd_boundary_cell_centre (bounds, res, (int)(cell % res), (int)(cell / res), &in[2 * k],
                               &in[2 * k + 1]);
    }
}

static uint8_t
argmax (const float *v, int n)
{
  int best = 0;
  for (int i = 1; i < n; i++)
    if (v[i] > v[best])
      best = i;
  return (uint8_t)best;
}

/* Runs `visit` on consecutive chunks of max_batch cells in inference mode; visit gets the
 * chunk's first cell, its size and its logits (nb, K), right after the forward pass so that
 * it may run the backward pass. */
typedef void (*ChunkFunc) (KdNet *net, long first, int nb, const float *logits, void *data);

static KdStatus
for_each_chunk (KdNet *net, const KdBounds *bounds, int res, ChunkFunc visit, void *data)
{
  float *in = malloc ((size_t)net->max_batch * 2 * sizeof (float));
  if (!in)
    return KD_ERR_NOMEM;
  bool was_training = net->training;
  net->training = false;
  long cells = (long)res * res;
  for (long first = 0; first < cells; first += net->max_batch)
    {
      int nb = cells - first < net->max_batch ? (int)(cells - first) : net->max_batch;
      fill_cells (bounds, res, first, nb, in);
      visit (net, first, nb, kd_net_forward (net, in, nb), data);
    }
  net->training = was_training;
  free (in);
  return KD_OK;
}

typedef struct
{
  float *probs;
  uint8_t *classes;
} ProbsOut;

static void
visit_probs (KdNet *net, long first, int nb, const float *logits, void *data)
{
  ProbsOut *o = data;
  size_t K = (size_t)net->n_classes;
  for (int k = 0; k < nb; k++)
    {
      kd_softmax (o->probs + (first + k) * K, logits + k * K, (int)K, 1.0f);
      if (o->classes)
        o->classes[first + k] = argmax (logits + k * K, (int)K);
    }
}

KdStatus
kd_boundary_probs (KdNet *net, const KdBounds *bounds, int res, float *probs, uint8_t *classes)
{
  KdStatus st = check_grid (net, bounds, res);
  if (st != KD_OK)
    return st;
  ProbsOut o = { probs, classes };
  return for_each_chunk (net, bounds, res, visit_probs, &o);
}

typedef struct
{
  KdFieldTarget target;
  float *field;
  float *dlogits; /* (max_batch, K) */
  float *p;       /* (K) */
} FieldOut;

/* d target / d logits of one row: one-hot for the logit; p_c (e_c - p) for p_max. */
static void
target_dlogits (const FieldOut *o, const float *logits, int K, float *d)
{
  int c = argmax (logits, K);
  memset (d, 0, (size_t)K * sizeof (float));
  if (o->target == KD_FIELD_LOGIT)
    {
      d[c] = 1.0f;
      return;
    }
  kd_softmax (o->p, logits, K, 1.0f);
  for (int k = 0; k < K; k++)
    d[k] = o->p[c] * ((k == c) - o->p[k]);
}

static void
visit_field (KdNet *net, long first, int nb, const float *logits, void *data)
{
  FieldOut *o = data;
  int K = net->n_classes;
  for (int k = 0; k < nb; k++)
    target_dlogits (o, logits + (size_t)k * K, K, o->dlogits + (size_t)k * K);
  kd_net_backward (net, o->dlogits, nb, o->field + first * 2);
}

KdStatus
kd_boundary_field (KdNet *net, const KdBounds *bounds, int res, KdFieldTarget target, float *field)
{
  KdStatus st = check_grid (net, bounds, res);
  if (st != KD_OK)
    return st;
  if (target != KD_FIELD_LOGIT && target != KD_FIELD_PMAX)
    return KD_ERR_INVALID;
  FieldOut o = { .target = target, .field = field };
  o.dlogits = malloc ((size_t)net->max_batch * net->n_classes * sizeof (float));
  o.p = malloc ((size_t)net->n_classes * sizeof (float));
  st = o.dlogits && o.p ? for_each_chunk (net, bounds, res, visit_field, &o) : KD_ERR_NOMEM;
  free (o.dlogits);
  free (o.p);
  return st;
}
