#include "kd_loss.h"

#include <math.h>
#include <stddef.h>

/* Log of sum(exp(x / T)) computed around the maximum so no exponent overflows. */
static double
log_sum_exp (const float *x, int n, float T, float *max_out)
{
  float m = x[0];
  for (int i = 1; i < n; i++)
    m = x[i] > m ? x[i] : m;
  double s = 0.0;
  for (int i = 0; i < n; i++)
    s += exp ((double)(x[i] - m) / T);
  *max_out = m;
  return log (s);
}

void
kd_log_softmax (float *logp, const float *logits, int n, float T)
{
  float m;
  double lse = log_sum_exp (logits, n, T, &m);
  for (int i = 0; i < n; i++)
    logp[i] = (float)((double)(logits[i] - m) / T - lse);
}

void
kd_softmax (float *probs, const float *logits, int n, float T)
{
  float m;
  double lse = log_sum_exp (logits, n, T, &m);
  for (int i = 0; i < n; i++)
    probs[i] = (float)exp ((double)(logits[i] - m) / T - lse);
}

double
kd_cross_entropy (const float *logits, const uint8_t *labels, int B, int K, float *dlogits)
{
  double total = 0.0;
  for (int b = 0; b < B; b++)
    {
      const float *row = logits + (size_t)b * K;
      float m;
      double lse = log_sum_exp (row, K, 1.0f, &m);
      total += lse - (double)(row[labels[b]] - m);
      if (dlogits)
        {
          float *d = dlogits + (size_t)b * K;
          for (int k = 0; k < K; k++)
            d[k] = (float)((exp ((double)(row[k] - m) - lse) - (k == labels[b])) / B);
        }
    }
  return total / B;
}

double
kd_kl_divergence (const float *teacher, const float *student, int K, float T)
{
  float mt, ms;
  double lt = log_sum_exp (teacher, K, T, &mt);
  double ls = log_sum_exp (student, K, T, &ms);
  double kl = 0.0;
  for (int k = 0; k < K; k++)
    {
      double log_pt = (double)(teacher[k] - mt) / T - lt;
      double log_ps = (double)(student[k] - ms) / T - ls;
      kl += exp (log_pt) * (log_pt - log_ps);
    }
  /* Rounding can leave a tiny negative value for identical rows; KL is never below 0. */
  return kl > 0.0 ? kl : 0.0;
}

/* One row of the distillation loss and its gradient (already divided by B). */
static void
distill_row (const float *s,
             const float *t,
             int y,
             int K,
             float T,
             float alpha,
             int B,
             KdLossParts *acc,
             float *d)
{
  float mt, ms, m1;
  double lt = log_sum_exp (t, K, T, &mt);
  double ls = log_sum_exp (s, K, T, &ms);
  double l1 = log_sum_exp (s, K, 1.0f, &m1);
  double kl = 0.0;
  for (int k = 0; k < K; k++)
    {
      double log_pt = (double)(t[k] - mt) / T - lt;
      double log_ps = (double)(s[k] - ms) / T - ls;
      double pt = exp (log_pt), ps = exp (log_ps);
      kl += pt * (log_pt - log_ps);
      if (d)
        {
          /* d(T^2 KL)/ds = T (p_s - p_t); d CE/ds = softmax(s) - onehot(y). */
          double p1 = exp ((double)(s[k] - m1) - l1);
          double g = alpha * T * (ps - pt) + (1.0 - alpha) * (p1 - (k == y));
          d[k] = (float)(g / B);
        }
    }
  double ce = l1 - (double)(s[y] - m1);
  acc->kl += kl;
  acc->ce += ce;
}

KdLossParts
kd_distill_loss (const float *s,
                 const float *t,
                 const uint8_t *labels,
                 int B,
                 int K,
                 float T,
                 float alpha,
                 float *dlogits)
{
  KdLossParts parts = { 0 };
  for (int b = 0; b < B; b++)
    distill_row (s + (size_t)b * K, t + (size_t)b * K, labels[b], K, T, alpha, B, &parts,
                 dlogits ? dlogits + (size_t)b * K : NULL);
  parts.kl /= B;
  parts.ce /= B;
  parts.total = alpha * (double)T * T * parts.kl + (1.0 - alpha) * parts.ce;
  return parts;
}
