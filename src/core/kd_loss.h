/* kd_loss.h — softmax cross-entropy and the distillation loss.
 *
 * Every softmax goes through log-sum-exp, so logits of any magnitude give finite results.
 * Losses are means over the batch; gradients are with respect to the logits and already
 * include the 1/B factor.
 */
#pragma once

#include <stdint.h>

/* probs (n) = softmax(logits / T) */
void kd_softmax (float *probs, const float *logits, int n, float T);
/* logp (n) = log_softmax(logits / T) */
void kd_log_softmax (float *logp, const float *logits, int n, float T);

/* Mean CE over the batch; dlogits (B, K) = (softmax(s) - onehot(y)) / B when not NULL. */
double kd_cross_entropy (const float *logits, const uint8_t *labels, int B, int K, float *dlogits);

/* KL(softmax(t/T) || softmax(s/T)) for one row. */
double kd_kl_divergence (const float *teacher, const float *student, int K, float T);

typedef struct
{
  double total; /* alpha * T^2 * KL + (1 - alpha) * CE */
  double kl;    /* mean KL(p_t^T || p_s^T), without the T^2 factor */
  double ce;    /* mean CE(y, softmax(s)) */
} KdLossParts;

/* Distillation loss (Hinton, Vinyals & Dean 2015) of student logits s (B, K) against teacher
 * logits t (B, K) and labels y. dlogits (B, K), when not NULL, receives
 * alpha * T * (softmax(s/T) - softmax(t/T)) / B + (1 - alpha) * (softmax(s) - onehot(y)) / B. */
KdLossParts kd_distill_loss (const float *s,
                             const float *t,
                             const uint8_t *labels,
                             int B,
                             int K,
                             float T,
                             float alpha,
                             float *dlogits);
