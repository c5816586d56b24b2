#include "kd_softlabels.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kd_eval.h"
#include "kd_loss.h"

/* Class counts are bounded by the dataset format, which keeps every per-row scratch buffer on
 * the stack. */
static int
valid_k (int K)
{
  return K >= 1 && K <= KD_MAX_CLASSES;
}

static int
valid_t (float T)
{
  return isfinite (T) && T > 0.0f;
}

/* The network must take the dataset's samples and predict its classes. */
static KdStatus
check_net_dataset (const KdNet *net, const KdDataset *ds)
{
  if (!net || !ds)
    return KD_ERR_INVALID;
  if (kd_dataset_dim (ds) != kd_net_in_dim (net) || ds->n_classes != net->n_classes)
    return KD_ERR_SHAPE;
  return valid_k (net->n_classes) ? KD_OK : KD_ERR_INVALID;
}

KdStatus
kd_softlabels_from_logits (const float *logits, int n, int K, float T, float *probs)
{
  if (n < 0 || !valid_k (K) || !valid_t (T))
    return KD_ERR_INVALID;
  /* A copy of the row lets probs alias logits without relying on how kd_softmax orders its
   * reads and writes. */
  float row[KD_MAX_CLASSES];
  for (int i = 0; i < n; i++)
    {
      memcpy (row, logits + (size_t)i * K, (size_t)K * sizeof (float));
      kd_softmax (probs + (size_t)i * K, row, K, T);
    }
  return KD_OK;
}

/* One forward pass of a single sample already in net->acts[0], with dropout off. */
static const float *
forward_one (KdNet *net)
{
  bool was_training = net->training;
  net->training = false;
  const float *out = kd_net_forward (net, net->acts[0], 1);
  net->training = was_training;
  return out;
}

KdStatus
kd_softlabels_sample_logits (KdNet *net, const KdDataset *ds, int index, float *logits)
{
  KdStatus st = check_net_dataset (net, ds);
  if (st != KD_OK)
    return st;
  if (index < 0 || index >= ds->n || net->max_batch < 1)
    return KD_ERR_INVALID;
  int32_t idx = index;
  kd_dataset_fill_batch (ds, &idx, 1, net->acts[0], NULL);
  memcpy (logits, forward_one (net), (size_t)net->n_classes * sizeof (float));
  return KD_OK;
}

KdStatus
kd_softlabels_sample (KdNet *net, const KdDataset *ds, int index, float T, float *probs)
{
  if (!valid_t (T))
    return KD_ERR_INVALID;
  float logits[KD_MAX_CLASSES];
  KdStatus st = kd_softlabels_sample_logits (net, ds, index, logits);
  if (st != KD_OK)
    return st;
  kd_softmax (probs, logits, net->n_classes, T);
  return KD_OK;
}

KdStatus
kd_softlabels_input (KdNet *net, const float *x, float T, float *probs)
{
  if (!net || !x || !valid_t (T) || !valid_k (net->n_classes) || net->max_batch < 1)
    return KD_ERR_INVALID;
  memcpy (net->acts[0], x, kd_net_in_dim (net) * sizeof (float));
  kd_softmax (probs, forward_one (net), net->n_classes, T);
  return KD_OK;
}

KdStatus
kd_softlabels_dataset (KdNet *net, const KdDataset *ds, float T, float *probs)
{
  KdStatus st = check_net_dataset (net, ds);
  if (st != KD_OK)
    return st;
  if (!valid_t (T))
    return KD_ERR_INVALID;
  /* The logits land in the output buffer and are turned into probabilities in place: no
   * second (n, K) allocation. */
  st = kd_eval_logits (net, ds, probs);
  if (st != KD_OK)
    return st;
  return kd_softlabels_from_logits (probs, ds->n, net->n_classes, T, probs);
}

/* ---- entropy ----------------------------------------------------------------------------- */

double
kd_entropy (const float *p, int K)
{
  double h = 0.0;
  for (int k = 0; k < K; k++)
    if (p[k] > 0.0f)
      h -= (double)p[k] * log ((double)p[k]);
  /* Rounding can leave -0 or a tiny negative value for a one-hot row. */
  return h > 0.0 ? h : 0.0;
}

double
kd_entropy_normalised (const float *p, int K)
{
  return K > 1 ? kd_entropy (p, K) / log ((double)K) : 0.0;
}

double
kd_entropy_at (const float *logits, int K, float T)
{
  float logp[KD_MAX_CLASSES];
  kd_log_softmax (logp, logits, K, T);
  /* H = -sum p log p with p = exp(log p): where p underflows, p log p -> 0 as it should,
   * instead of 0 * log 0 = NaN. */
  double h = 0.0;
  for (int k = 0; k < K; k++)
    h -= exp ((double)logp[k]) * (double)logp[k];
  return h > 0.0 ? h : 0.0;
}

KdStatus
kd_entropy_rows (const float *logits, int n, int K, float T, int normalised, double *entropy)
{
  if (n < 0 || !valid_k (K) || !valid_t (T))
    return KD_ERR_INVALID;
  double scale = 1.0;
  if (normalised)
    scale = K > 1 ? 1.0 / log ((double)K) : 0.0;
  for (int i = 0; i < n; i++)
    entropy[i] = kd_entropy_at (logits + (size_t)i * K, K, T) * scale;
  return KD_OK;
}

/* ---- temperature display sweep ----------------------------------------------------------- */

KdStatus
kd_temperature_grid (double t_min, double t_max, int n_t, float *temps)
{
  if (n_t < 1 || !isfinite (t_min) || !isfinite (t_max) || t_min <= 0.0 || t_max < t_min)
    return KD_ERR_INVALID;
  double log_min = log (t_min), log_max = log (t_max);
  for (int i = 0; i < n_t; i++)
    {
      double u = n_t > 1 ? (double)i / (n_t - 1) : 0.0;
      temps[i] = (float)exp (log_min + u * (log_max - log_min));
    }
  /* Pin the ends so a grid from 0.5 to 50 shows exactly 0.5 and 50, not 49.99999. */
  temps[0] = (float)t_min;
  if (n_t > 1)
    temps[n_t - 1] = (float)t_max;
  return KD_OK;
}

KdStatus
kd_temperature_sweep (const float *logits,
                      int K,
                      double t_min,
                      double t_max,
                      int n_t,
                      float *temps,
                      float *probs,
                      double *entropy)
{
  if (!valid_k (K))
    return KD_ERR_INVALID;
  KdStatus st = kd_temperature_grid (t_min, t_max, n_t, temps);
  if (st != KD_OK)
    return st;
  for (int i = 0; i < n_t; i++)
    {
      kd_softmax (probs + (size_t)i * K, logits, K, temps[i]);
      if (entropy)
        entropy[i] = kd_entropy_at (logits, K, temps[i]);
    }
  return KD_OK;
}

/* ---- dark knowledge: class-similarity matrix --------------------------------------------- */

KdStatus
kd_class_similarity (
    const float *logits, const uint8_t *labels, int n, int K, float T, double *sim, int *counts)
{
  if (n < 0 || !valid_k (K) || !valid_t (T))
    return KD_ERR_INVALID;
  for (int i = 0; i < n; i++)
    if (labels[i] >= K)
      return KD_ERR_INVALID;
  int count[KD_MAX_CLASSES] = { 0 };
  memset (sim, 0, (size_t)K * K * sizeof (double));
  float p[KD_MAX_CLASSES];
  /* Sums over thousands of samples per class: accumulate in double. */
  for (int i = 0; i < n; i++)
    {
      kd_softmax (p, logits + (size_t)i * K, K, T);
      double *row = sim + (size_t)labels[i] * K;
      for (int k = 0; k < K; k++)
        row[k] += p[k];
      count[labels[i]]++;
    }
  for (int y = 0; y < K; y++)
    {
      if (count[y] > 0)
        for (int k = 0; k < K; k++)
          sim[(size_t)y * K + k] /= count[y];
      if (counts)
        counts[y] = count[y];
    }
  return KD_OK;
}

KdStatus
kd_class_similarity_net (KdNet *net, const KdDataset *ds, float T, double *sim, int *counts)
{
  KdStatus st = check_net_dataset (net, ds);
  if (st != KD_OK)
    return st;
  if (!valid_t (T))
    return KD_ERR_INVALID;
  float *logits = malloc ((size_t)(ds->n > 0 ? ds->n : 1) * net->n_classes * sizeof (float));
  if (!logits)
    return KD_ERR_NOMEM;
  st = kd_eval_logits (net, ds, logits);
  if (st == KD_OK)
    st = kd_class_similarity (logits, ds->labels, ds->n, net->n_classes, T, sim, counts);
  free (logits);
  return st;
}

static int
row_empty (const double *row, int K)
{
  for (int k = 0; k < K; k++)
    if (row[k] != 0.0)
      return 0;
  return 1;
}

KdStatus
kd_class_similarity_distance (const double *a, const double *b, int K, KdSimilarityDistance *out)
{
  if (K < 1 || !out)
    return KD_ERR_INVALID;
  double kl = 0.0, l1 = 0.0, sq = 0.0;
  int rows = 0;
  for (int y = 0; y < K; y++)
    {
      const double *ra = a + (size_t)y * K, *rb = b + (size_t)y * K;
      if (row_empty (ra, K) || row_empty (rb, K))
        continue;
      for (int k = 0; k < K; k++)
        {
          double d = ra[k] - rb[k];
          if (ra[k] > 0.0)
            kl += ra[k] * (log (ra[k]) - log (rb[k] > 1e-12 ? rb[k] : 1e-12));
          l1 += fabs (d);
          sq += d * d;
        }
      rows++;
    }
  if (rows == 0)
    return KD_ERR_INVALID;
  out->kl = kl / rows > 0.0 ? kl / rows : 0.0;
  out->l1 = l1 / rows;
  out->frobenius = sqrt (sq);
  out->n_rows = rows;
  return KD_OK;
}
