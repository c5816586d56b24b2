#include "kd_eval.h"

#include <stdlib.h>
#include <string.h>

#include "kd_loss.h"

KdStatus
kd_eval_logits (KdNet *net, const KdDataset *ds, float *logits)
{
  int B = net->max_batch, K = net->n_classes;
  int32_t *idx = malloc ((size_t)B * sizeof (int32_t));
  if (!idx)
    return KD_ERR_NOMEM;
  bool was_training = net->training;
  net->training = false;
  for (int start = 0; start < ds->n; start += B)
    {
      int b = ds->n - start < B ? ds->n - start : B;
      for (int i = 0; i < b; i++)
        idx[i] = start + i;
      /* Fill the network's own input buffer directly: no extra copy per batch. */
      kd_dataset_fill_batch (ds, idx, b, net->acts[0], NULL);
      const float *out = kd_net_forward (net, net->acts[0], b);
      memcpy (logits + (size_t)start * K, out, (size_t)b * K * sizeof (float));
    }
  net->training = was_training;
  free (idx);
  return KD_OK;
}

int
kd_argmax (const float *row, int K)
{
  int best = 0;
  for (int k = 1; k < K; k++)
    if (row[k] > row[best])
      best = k;
  return best;
}

double
kd_accuracy (const float *logits, const uint8_t *labels, int n, int K)
{
  if (n <= 0)
    return 0.0;
  long hits = 0;
  for (int i = 0; i < n; i++)
    hits += kd_argmax (logits + (size_t)i * K, K) == labels[i];
  return (double)hits / n;
}

double
kd_agreement (const float *a, const float *b, int n, int K)
{
  if (n <= 0)
    return 0.0;
  long same = 0;
  for (int i = 0; i < n; i++)
    same += kd_argmax (a + (size_t)i * K, K) == kd_argmax (b + (size_t)i * K, K);
  return (double)same / n;
}

double
kd_mean_kl (const float *t, const float *s, int n, int K, float T)
{
  if (n <= 0)
    return 0.0;
  double sum = 0.0;
  for (int i = 0; i < n; i++)
    sum += kd_kl_divergence (t + (size_t)i * K, s + (size_t)i * K, K, T);
  return sum / n;
}
