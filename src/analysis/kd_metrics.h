/* kd_metrics.h — accuracy, confusion, agreement, KL and calibration of logits.
 *
 * Everything works on logits (n, K) and labels (n), so the same numbers come out whether the
 * logits were just computed or loaded with a session. Predictions are kd_argmax of a row (the
 * first maximum on ties), as in kd_eval.h; top-1 agreement and mean KL are kd_agreement and
 * kd_mean_kl from there. kd_metrics_evaluate runs the three models of an experiment on a
 * split and fills one report.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "kd_dataset.h"
#include "kd_net.h"
#include "kd_status.h"
#include "kd_train.h"

/* Equal-width confidence bins of the expected calibration error (Guo et al. 2017). */
#define KD_ECE_BINS 15

/* ---- accuracy and confusion -------------------------------------------------------------- */

/* confusion (K, K): confusion[y][k] counts samples of true class y predicted as k, so rows
 * are true classes and the whole matrix sums to n. KD_ERR_INVALID for a label outside
 * [0, K). */
KdStatus
kd_confusion_matrix (const float *logits, const uint8_t *labels, int n, int K, int *confusion);

/* acc (K) = diagonal / row sum of a confusion (K, K): the recall of each true class; NaN for a
 * class without samples, which has no accuracy rather than an accuracy of 0. */
void kd_class_accuracy_from_confusion (const int *confusion, int K, double *acc);

/* acc (K) per true class, straight from logits (n, K) and labels (n). */
KdStatus kd_class_accuracy (const float *logits, const uint8_t *labels, int n, int K, double *acc);

/* ---- calibration ------------------------------------------------------------------------- */

typedef struct
{
  double lo, hi;     /* confidence range [lo, hi); the last bin is [lo, 1], closed */
  int count;         /* samples whose confidence falls in the bin */
  double confidence; /* their mean confidence; NaN when count = 0 */
  double accuracy;   /* their share of correct predictions; NaN when count = 0 */
} KdReliabilityBin;

/* The reliability diagram and the numbers drawn from it. */
typedef struct
{
  int n;
  double ece;             /* sum over bins of count / n * |accuracy - confidence| */
  double mce;             /* max over non-empty bins of |accuracy - confidence| */
  double mean_confidence; /* over all samples; minus the accuracy it is the overconfidence */
  double accuracy;
  KdReliabilityBin bins[KD_ECE_BINS];
} KdCalibration;

/* The bin of a confidence in [0, 1]: floor(confidence * KD_ECE_BINS), with 1.0 in the last
 * bin; values outside [0, 1] are clamped. */
int kd_calibration_bin (double confidence);

/* Calibration of predictions given by their confidence (n) in [0, 1] and whether each was
 * correct (n, 0 or 1). KD_ERR_INVALID for n < 0 or a NaN confidence; n = 0 gives ECE 0 and
 * empty bins. */
KdStatus kd_calibration_from_confidence (const float *confidence,
                                         const uint8_t *correct,
                                         int n,
                                         KdCalibration *out);

/* Calibration of logits (n, K) against labels (n), with confidence max softmax(z / T) of each
 * row (T = 1 for the model as it is; other T show what temperature scaling would do).
 * KD_ERR_INVALID for a label outside [0, K), a bad T or NaN logits. */
KdStatus kd_calibration (
    const float *logits, const uint8_t *labels, int n, int K, float T, KdCalibration *out);

/* ---- all metrics of an experiment --------------------------------------------------------- */

typedef struct
{
  bool present;              /* false when the model had no logits (e.g. not trained yet) */
  double accuracy;           /* top-1 */
  double agreement;          /* top-1 agreement with the teacher; 1 for it, NaN without it */
  double kl;                 /* mean KL(teacher_T || model_T); 0 for it, NaN without it */
  double nll;                /* mean cross-entropy at T = 1 */
  double *class_accuracy;    /* (K) per true class, NaN for a class without samples */
  int *confusion;            /* (K, K) counts, rows = true class */
  KdCalibration calibration; /* at T = 1 */
} KdModelMetrics;

typedef struct
{
  int n, K;
  float T; /* temperature of the KL column */
  KdModelMetrics model[KD_N_MODELS];
} KdMetricsReport;

/* Fills report from the logits (n, K) of each model, indexed by KdModelId; a NULL entry
 * leaves that model absent. The report's previous contents are overwritten, not freed: clear
 * a used report first. On failure the report holds nothing that needs freeing.
 * KD_ERR_INVALID for n < 1, a bad K or T, or a label outside [0, K). */
KdStatus kd_metrics_from_logits (const float *const logits[KD_N_MODELS],
                                 const uint8_t *labels,
                                 int n,
                                 int K,
                                 float T,
                                 KdMetricsReport *report);

/* Runs each network in nets (NULL entries allowed) over the whole split with kd_eval_logits
 * and fills report as above. The networks' workspaces are overwritten: pass clones, never
 * networks another thread trains. KD_ERR_SHAPE when a network does not fit the split. */
KdStatus kd_metrics_evaluate (KdNet *const nets[KD_N_MODELS],
                              const KdDataset *ds,
                              float T,
                              KdMetricsReport *report);

/* Frees the report's arrays and zeroes it; safe on a zeroed or already cleared report. */
void kd_metrics_report_clear (KdMetricsReport *report);
