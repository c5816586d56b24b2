#include "kd_metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kd_eval.h"
#include "kd_loss.h"

static int
labels_valid (const uint8_t *labels, int n, int K)
{
  for (int i = 0; i < n; i++)
    if (labels[i] >= K)
      return 0;
  return 1;
}

/* ---- accuracy and confusion -------------------------------------------------------------- */

KdStatus
kd_confusion_matrix (const float *logits, const uint8_t *labels, int n, int K, int *confusion)
{
  if (n < 0 || K < 1 || K > KD_MAX_CLASSES || !labels_valid (labels, n, K))
    return KD_ERR_INVALID;
  memset (confusion, 0, (size_t)K * K * sizeof (int));
  for (int i = 0; i < n; i++)
    confusion[(size_t)labels[i] * K + kd_argmax (logits + (size_t)i * K, K)]++;
  return KD_OK;
}

void
kd_class_accuracy_from_confusion (const int *confusion, int K, double *acc)
{
  for (int y = 0; y < K; y++)
    {
      long total = 0;
      for (int k = 0; k < K; k++)
        total += confusion[(size_t)y * K + k];
      acc[y] = total > 0 ? (double)confusion[(size_t)y * K + y] / total : NAN;
    }
}

KdStatus
kd_class_accuracy (const float *logits, const uint8_t *labels, int n, int K, double *acc)
{
  if (K < 1 || K > KD_MAX_CLASSES)
    return KD_ERR_INVALID;
  int *confusion = malloc ((size_t)K * K * sizeof (int));
  if (!confusion)
    return KD_ERR_NOMEM;
  KdStatus st = kd_confusion_matrix (logits, labels, n, K, confusion);
  if (st == KD_OK)
    kd_class_accuracy_from_confusion (confusion, K, acc);
  free (confusion);
  return st;
}

/* ---- calibration ------------------------------------------------------------------------- */

int
kd_calibration_bin (double confidence)
{
  /* Computed in double so that a float confidence just below a bin edge stays below it. */
  int b = (int)floor (confidence * KD_ECE_BINS);
  return b < 0 ? 0 : b >= KD_ECE_BINS ? KD_ECE_BINS - 1 : b;
}

/* Turns the per-bin sums into means, the ECE and the MCE. */
static void
calibration_finish (KdCalibration *out, const double *conf_sum, const long *hits)
{
  double ece = 0.0, mce = 0.0;
  for (int b = 0; b < KD_ECE_BINS; b++)
    {
      KdReliabilityBin *bin = &out->bins[b];
      bin->lo = (double)b / KD_ECE_BINS;
      bin->hi = (double)(b + 1) / KD_ECE_BINS;
      if (bin->count == 0)
        {
          bin->confidence = bin->accuracy = NAN;
          continue;
        }
      bin->confidence = conf_sum[b] / bin->count;
      bin->accuracy = (double)hits[b] / bin->count;
      double gap = fabs (bin->accuracy - bin->confidence);
      ece += (double)bin->count / out->n * gap;
      mce = gap > mce ? gap : mce;
    }
  out->ece = ece;
  out->mce = mce;
}

KdStatus
kd_calibration_from_confidence (const float *confidence,
                                const uint8_t *correct,
                                int n,
                                KdCalibration *out)
{
  if (n < 0 || !out)
    return KD_ERR_INVALID;
  for (int i = 0; i < n; i++)
    if (isnan (confidence[i]))
      return KD_ERR_INVALID;
  memset (out, 0, sizeof *out);
  out->n = n;
  double conf_sum[KD_ECE_BINS] = { 0 }, total_conf = 0.0;
  long hits[KD_ECE_BINS] = { 0 }, total_hits = 0;
  for (int i = 0; i < n; i++)
    {
      int b = kd_calibration_bin (confidence[i]);
      out->bins[b].count++;
      conf_sum[b] += confidence[i];
      hits[b] += correct[i] != 0;
      total_conf += confidence[i];
      total_hits += correct[i] != 0;
    }
  out->mean_confidence = n > 0 ? total_conf / n : 0.0;
  out->accuracy = n > 0 ? (double)total_hits / n : 0.0;
  calibration_finish (out, conf_sum, hits);
  return KD_OK;
}

/* max softmax(z / T) = 1 / sum_k exp((z_k - max) / T): the winner's probability without the
 * other K - 1 divisions, in double so a confident row rounds to 1 only when it truly is. */
static float
row_confidence (const float *z, int K, float T, int top)
{
  double s = 0.0;
  for (int k = 0; k < K; k++)
    s += exp ((double)(z[k] - z[top]) / T);
  return (float)(1.0 / s);
}

KdStatus
kd_calibration (
    const float *logits, const uint8_t *labels, int n, int K, float T, KdCalibration *out)
{
  if (n < 0 || K < 1 || K > KD_MAX_CLASSES || !isfinite (T) || T <= 0.0f || !out
      || !labels_valid (labels, n, K))
    return KD_ERR_INVALID;
  float *conf = malloc ((size_t)(n > 0 ? n : 1) * sizeof (float));
  uint8_t *correct = malloc ((size_t)(n > 0 ? n : 1));
  KdStatus st = KD_ERR_NOMEM;
  if (conf && correct)
    {
      for (int i = 0; i < n; i++)
        {
          const float *z = logits + (size_t)i * K;
          int top = kd_argmax (z, K);
          conf[i] = row_confidence (z, K, T, top);
          correct[i] = top == labels[i];
        }
      st = kd_calibration_from_confidence (conf, correct, n, out);
    }
  free (conf);
  free (correct);
  return st;
}

/* ---- all metrics of an experiment --------------------------------------------------------- */

/* Every metric of one model; the teacher's logits (or NULL) give agreement and KL. */
static KdStatus
model_metrics (KdModelMetrics *m,
               const float *logits,
               const float *teacher,
               const uint8_t *labels,
               int n,
               int K,
               float T)
{
  m->present = true;
  m->class_accuracy = malloc ((size_t)K * sizeof (double));
  m->confusion = malloc ((size_t)K * K * sizeof (int));
  if (!m->class_accuracy || !m->confusion)
    return KD_ERR_NOMEM;
  KdStatus st = kd_confusion_matrix (logits, labels, n, K, m->confusion);
  if (st != KD_OK)
    return st;
  kd_class_accuracy_from_confusion (m->confusion, K, m->class_accuracy);
  m->accuracy = kd_accuracy (logits, labels, n, K);
  m->agreement = teacher ? kd_agreement (teacher, logits, n, K) : NAN;
  m->kl = teacher ? kd_mean_kl (teacher, logits, n, K, T) : NAN;
  m->nll = kd_cross_entropy (logits, labels, n, K, NULL);
  return kd_calibration (logits, labels, n, K, 1.0f, &m->calibration);
}

KdStatus
kd_metrics_from_logits (const float *const logits[KD_N_MODELS],
                        const uint8_t *labels,
                        int n,
                        int K,
                        float T,
                        KdMetricsReport *report)
{
  if (!report)
    return KD_ERR_INVALID;
  memset (report, 0, sizeof *report);
  if (n < 1 || K < 1 || K > KD_MAX_CLASSES || !isfinite (T) || T <= 0.0f
      || !labels_valid (labels, n, K))
    return KD_ERR_INVALID;
  report->n = n;
  report->K = K;
  report->T = T;
  const float *teacher = logits[KD_TEACHER];
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      if (!logits[m])
        continue;
      KdStatus st = model_metrics (&report->model[m], logits[m], teacher, labels, n, K, T);
      if (st != KD_OK)
        {
          kd_metrics_report_clear (report);
          return st;
        }
    }
  return KD_OK;
}

static KdStatus
check_nets (KdNet *const nets[KD_N_MODELS], const KdDataset *ds)
{
  for (int m = 0; m < KD_N_MODELS; m++)
    if (nets[m]
        && (kd_net_in_dim (nets[m]) != kd_dataset_dim (ds) || nets[m]->n_classes != ds->n_classes))
      return KD_ERR_SHAPE;
  return KD_OK;
}

KdStatus
kd_metrics_evaluate (KdNet *const nets[KD_N_MODELS],
                     const KdDataset *ds,
                     float T,
                     KdMetricsReport *report)
{
  if (!nets || !ds || !report || ds->n < 1)
    return KD_ERR_INVALID;
  memset (report, 0, sizeof *report);
  KdStatus st = check_nets (nets, ds);
  if (st != KD_OK)
    return st;
  size_t rows = (size_t)ds->n * ds->n_classes;
  float *all = malloc (KD_N_MODELS * rows * sizeof (float));
  if (!all)
    return KD_ERR_NOMEM;
  const float *logits[KD_N_MODELS] = { NULL };
  for (int m = 0; m < KD_N_MODELS && st == KD_OK; m++)
    if (nets[m])
      {
        st = kd_eval_logits (nets[m], ds, all + m * rows);
        logits[m] = all + m * rows;
      }
  if (st == KD_OK)
    st = kd_metrics_from_logits (logits, ds->labels, ds->n, ds->n_classes, T, report);
  free (all);
  return st;
}

void
kd_metrics_report_clear (KdMetricsReport *report)
{
  if (!report)
    return;
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      free (report->model[m].class_accuracy);
      free (report->model[m].confusion);
    }
  memset (report, 0, sizeof *report);
}
