/* kd_softlabels.h — soft labels, entropy, temperature sweeps and the class-similarity matrix.
 *
 * A soft label is softmax(z / T) of a model's logits z. Forward passes dominate the cost, so
 * everything that varies only with T works on precomputed logits: compute a split's logits
 * once (kd_eval_logits or kd_softlabels_logits) and derive soft labels, entropies and
 * similarity matrices at as many temperatures as wanted for the price of a softmax each.
 *
 * Functions that take a KdNet run forward passes on it (dropout off, its own workspace
 * overwritten): pass a clone made from a snapshot, never a network another thread trains.
 * Shapes are row-major; K is the number of classes.
 */
#pragma once

#include <stdint.h>

#include "kd_dataset.h"
#include "kd_net.h"
#include "kd_status.h"

/* Default temperature grid of the display sweep. */
#define KD_SWEEP_T_MIN 0.5
#define KD_SWEEP_T_MAX 50.0
#define KD_SWEEP_N_T 50

/* ---- soft labels ------------------------------------------------------------------------- */

/* probs (n, K) = softmax(logits (n, K) / T), row by row. probs may equal logits (in place).
 * KD_ERR_INVALID when n < 0, K < 1 or T is not finite and > 0. */
KdStatus kd_softlabels_from_logits (const float *logits, int n, int K, float T, float *probs);

/* logits (K) of dataset sample `index`, one forward pass. */
KdStatus kd_softlabels_sample_logits (KdNet *net, const KdDataset *ds, int index, float *logits);

/* probs (K) = soft label of dataset sample `index` at T. */
KdStatus kd_softlabels_sample (KdNet *net, const KdDataset *ds, int index, float T, float *probs);

/* probs (K) = soft label at T of one already normalised input x (in_c, in_h, in_w), such as
 * an edited or generated image that is not in a dataset. */
KdStatus kd_softlabels_input (KdNet *net, const float *x, float T, float *probs);

/* probs (ds->n, K) = soft labels of a whole split at T, in batches of net->max_batch. To
 * look at several temperatures, get the logits once with kd_eval_logits and call
 * kd_softlabels_from_logits per T instead. */
KdStatus kd_softlabels_dataset (KdNet *net, const KdDataset *ds, float T, float *probs);

/* ---- entropy ----------------------------------------------------------------------------- */

/* Shannon entropy in nats of a distribution p (K); terms with p = 0 count as 0. */
double kd_entropy (const float *p, int K);

/* Entropy divided by log K, in [0, 1]: 0 for one-hot, 1 for uniform; 0 when K = 1. */
double kd_entropy_normalised (const float *p, int K);

/* Entropy in nats of softmax(logits (K) / T), computed from log-probabilities in double so
 * that it stays accurate where probabilities underflow (small T, large logits). */
double kd_entropy_at (const float *logits, int K, float T);

/* entropy (n) = kd_entropy_at of each row of logits (n, K); normalised by log K when
 * `normalised` is non-zero. */
KdStatus
kd_entropy_rows (const float *logits, int n, int K, float T, int normalised, double *entropy);

/* ---- temperature display sweep ----------------------------------------------------------- */

/* temps (n_t) log-spaced from t_min to t_max inclusive (t_min alone when n_t = 1).
 * KD_ERR_INVALID unless 0 < t_min <= t_max, both finite, and n_t >= 1. */
KdStatus kd_temperature_grid (double t_min, double t_max, int n_t, float *temps);

/* For one sample's logits (K): on the log-spaced grid temps (n_t) from t_min to t_max, every
 * class probability probs (n_t, K) and the entropy in nats entropy (n_t). entropy may be
 * NULL. Use KD_SWEEP_T_MIN, KD_SWEEP_T_MAX, KD_SWEEP_N_T for the default view. */
KdStatus kd_temperature_sweep (const float *logits,
                               int K,
                               double t_min,
                               double t_max,
                               int n_t,
                               float *temps,
                               float *probs,
                               double *entropy);

/* ---- dark knowledge: class-similarity matrix --------------------------------------------- */

/* sim (K, K): row y is the mean soft label at T over the samples whose TRUE label is y, so
 * sim[y][k] is how much the model, on average, lets a y look like a k. Rows sum to 1; a class
 * without samples gets a row of zeros and counts[y] = 0. counts (K) may be NULL.
 * logits (n, K), labels (n); KD_ERR_INVALID for a label outside [0, K). */
KdStatus kd_class_similarity (
    const float *logits, const uint8_t *labels, int n, int K, float T, double *sim, int *counts);

/* The same for a model on a whole split: one pass of forward passes, then the above. */
KdStatus
kd_class_similarity_net (KdNet *net, const KdDataset *ds, float T, double *sim, int *counts);

/* How far apart two similarity matrices are, say teacher a and student b. Rows where either
 * matrix is all zero (a class without samples) are skipped. */
typedef struct
{
  double kl;        /* mean over rows of KL(a_y || b_y) in nats: the soft-label mismatch the
                     * distillation loss itself measures, per true class. b is clamped at
                     * 1e-12 so rows that underflowed to 0 stay finite. */
  double l1;        /* mean over rows of sum_k |a_yk - b_yk|, in [0, 2]: twice the total
                     * variation distance, bounded and symmetric, so comparable across T. */
  double frobenius; /* ||a - b||_F over the compared rows: the plain distance of the two
                     * heat maps. */
  int n_rows;       /* rows compared */
} KdSimilarityDistance;

/* a, b (K, K); KD_ERR_INVALID when K < 1 or no row can be compared. */
KdStatus
kd_class_similarity_distance (const double *a, const double *b, int K, KdSimilarityDistance *out);
