/* Accuracy, confusion, calibration and the per-experiment metrics report. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "kd-test-blas.h"
#include "kd_arch.h"
#include "kd_blas.h"
#include "kd_eval.h"
#include "kd_loss.h"
#include "kd_metrics.h"
#include "kd_net.h"
#include "kd_rng.h"

static void
random_problem (KdRng *rng, float *logits, uint8_t *labels, int n, int K)
{
  for (int i = 0; i < n * K; i++)
    logits[i] = 2.0f * kd_rng_normal (rng);
  for (int i = 0; i < n; i++)
    labels[i] = kd_rng_below (rng, K);
}

/* ---- accuracy and confusion -------------------------------------------------------------- */

static void
test_confusion_hand (void)
{
  /* (true, predicted): (0,0) (0,1) (0,0) (1,1) (1,2) (2,2), and a tie that kd_argmax breaks
   * towards the first class: (1,0). Class 3 has no samples. */
  const float z[7 * 4] = {
    5, 1, 0, 0, 0, 3, 1, 0, 2, 1, 1, 1, 0, 4, 0, 0, 0, 1, 2, 0, 0, 0, 9, 1, 1, 1, 0, 0,
  };
  const uint8_t labels[7] = { 0, 0, 0, 1, 1, 2, 1 };
  int confusion[16];
  g_assert_cmpint (kd_confusion_matrix (z, labels, 7, 4, confusion), ==, KD_OK);
  const int expected[16] = { 2, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0 };
  int total = 0;
  for (int i = 0; i < 16; i++)
    {
      g_assert_cmpint (confusion[i], ==, expected[i]);
      total += confusion[i];
    }
  g_assert_cmpint (total, ==, 7);

  double acc[4];
  g_assert_cmpint (kd_class_accuracy (z, labels, 7, 4, acc), ==, KD_OK);
  g_assert_cmpfloat_with_epsilon (acc[0], 2.0 / 3.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (acc[1], 1.0 / 3.0, 1e-12);
  g_assert_cmpfloat (acc[2], ==, 1.0);
  g_assert_true (isnan (acc[3]));

  const uint8_t bad[7] = { 0, 0, 0, 1, 4, 2, 1 };
  g_assert_cmpint (kd_confusion_matrix (z, bad, 7, 4, confusion), ==, KD_ERR_INVALID);
}

static void
test_confusion_random (void)
{
  enum
  {
    N = 1000,
    K = 10
  };
  KdRng rng;
  kd_rng_seed (&rng, 21);
  static float z[N * K];
  uint8_t labels[N];
  random_problem (&rng, z, labels, N, K);
  int confusion[K * K], trace = 0, total = 0;
  g_assert_cmpint (kd_confusion_matrix (z, labels, N, K, confusion), ==, KD_OK);
  for (int y = 0; y < K; y++)
    {
      int row = 0;
      for (int k = 0; k < K; k++)
        row += confusion[y * K + k];
      int count = 0;
      for (int i = 0; i < N; i++)
        count += labels[i] == y;
      g_assert_cmpint (row, ==, count);
      trace += confusion[y * K + y];
      total += row;
    }
  g_assert_cmpint (total, ==, N);
  g_assert_cmpfloat_with_epsilon ((double)trace / N, kd_accuracy (z, labels, N, K), 1e-12);
}

/* ---- calibration ------------------------------------------------------------------------- */

static void
test_ece_bins (void)
{
  const struct
  {
    double conf;
    int bin;
  } cases[] = {
    { 0.0, 0 },    { 0.05, 0 },    { 0.0666, 0 }, { 0.0667, 1 }, { 0.5, 7 },  { 0.9333, 13 },
    { 0.934, 14 }, { 0.9999, 14 }, { 1.0, 14 },   { 1.5, 14 },   { -0.1, 0 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (kd_calibration_bin (cases[i].conf), ==, cases[i].bin);

  /* A confidence of exactly 1 (a saturated softmax) is counted, in the last bin. */
  const float conf[3] = { 1.0f, 1.0f, 0.5f };
  const uint8_t correct[3] = { 1, 0, 1 };
  KdCalibration cal;
  g_assert_cmpint (kd_calibration_from_confidence (conf, correct, 3, &cal), ==, KD_OK);
  g_assert_cmpint (cal.bins[KD_ECE_BINS - 1].count, ==, 2);
  g_assert_cmpfloat (cal.bins[KD_ECE_BINS - 1].confidence, ==, 1.0);
  g_assert_cmpfloat (cal.bins[KD_ECE_BINS - 1].accuracy, ==, 0.5);
  g_assert_cmpint (cal.bins[7].count, ==, 1);
  for (int b = 0; b < KD_ECE_BINS; b++)
    {
      g_assert_cmpfloat_with_epsilon (cal.bins[b].lo, b / 15.0, 1e-15);
      g_assert_cmpfloat_with_epsilon (cal.bins[b].hi, (b + 1) / 15.0, 1e-15);
      if (b != 7 && b != KD_ECE_BINS - 1)
        {
          g_assert_cmpint (cal.bins[b].count, ==, 0);
          g_assert_true (isnan (cal.bins[b].confidence) && isnan (cal.bins[b].accuracy));
        }
    }
  g_assert_cmpfloat (cal.bins[KD_ECE_BINS - 1].hi, ==, 1.0);
  /* (2/3) * |0.5 - 1| + (1/3) * |1 - 0.5| */
  g_assert_cmpfloat_with_epsilon (cal.ece, 0.5, 1e-12);
}

static void
test_ece_perfect (void)
{
  /* 30 samples per bin at the bin's centre (b + 0.5) / 15, of which exactly 30 times that,
   * 2b + 1, are correct: accuracy equals confidence in every bin. */
  enum
  {
    PER_BIN = 30,
    N = PER_BIN * KD_ECE_BINS
  };
  float conf[N];
  uint8_t correct[N];
  for (int b = 0; b < KD_ECE_BINS; b++)
    for (int j = 0; j < PER_BIN; j++)
      {
        conf[b * PER_BIN + j] = (float)((b + 0.5) / KD_ECE_BINS);
        correct[b * PER_BIN + j] = j < 2 * b + 1;
      }
  KdCalibration cal;
  g_assert_cmpint (kd_calibration_from_confidence (conf, correct, N, &cal), ==, KD_OK);
  g_assert_cmpfloat (cal.ece, <, 1e-7);
  g_assert_cmpfloat (cal.mce, <, 1e-7);
  for (int b = 0; b < KD_ECE_BINS; b++)
    g_assert_cmpint (cal.bins[b].count, ==, PER_BIN);

  /* Sampled: binary logits with p(class 0) = u and a label drawn from that same p. Any
   * remaining ECE is sampling noise, about sqrt(1 / n) spread over the bins. */
  enum
  {
    M = 100000
  };
  KdRng rng;
  kd_rng_seed (&rng, 99);
  static float z[M * 2];
  static uint8_t labels[M];
  for (int i = 0; i < M; i++)
    {
      double u = 0.02 + 0.96 * kd_rng_uniform (&rng);
      z[2 * i] = (float)log (u);
      z[2 * i + 1] = (float)log (1.0 - u);
      labels[i] = kd_rng_uniform (&rng) < u ? 0 : 1;
    }
  g_assert_cmpint (kd_calibration (z, labels, M, 2, 1.0f, &cal), ==, KD_OK);
  g_assert_cmpfloat (cal.ece, <, 0.01);
}

static void
test_ece_overconfident (void)
{
  /* 10 at 0.85 with 5 right, 10 at 0.75 with 6 right, 5 at 1.0 with 4 right, in bins 12, 11
   * and 14: ECE = 0.4 * 0.35 + 0.4 * 0.15 + 0.2 * 0.2 = 0.24, MCE = 0.35. */
  float conf[25];
  uint8_t correct[25];
  for (int i = 0; i < 25; i++)
    {
      conf[i] = i < 10 ? 0.85f : i < 20 ? 0.75f : 1.0f;
      correct[i] = i < 5 || (i >= 10 && i < 16) || (i >= 20 && i < 24);
    }
  KdCalibration cal;
  g_assert_cmpint (kd_calibration_from_confidence (conf, correct, 25, &cal), ==, KD_OK);
  g_assert_cmpfloat_with_epsilon (cal.ece, 0.24, 1e-6);
  g_assert_cmpfloat_with_epsilon (cal.mce, 0.35, 1e-6);
  g_assert_cmpfloat_with_epsilon (cal.accuracy, 15.0 / 25.0, 1e-12);
  g_assert_cmpfloat_with_epsilon (cal.mean_confidence, (8.5 + 7.5 + 5.0) / 25.0, 1e-6);
  g_assert_cmpint (cal.bins[11].count, ==, 10);
  g_assert_cmpint (cal.bins[12].count, ==, 10);
  g_assert_cmpint (cal.bins[14].count, ==, 5);

  /* From logits: every row says 0.9 for its top class, 6 of 10 are right: ECE = 0.3. At
   * T = 2 the confidence is 3 / (3 + 1) = 0.75 (sqrt(0.9 / 0.1) = 3): ECE = 0.15. */
  float z[10 * 2];
  uint8_t labels[10];
  for (int i = 0; i < 10; i++)
    {
      z[2 * i] = (float)log (0.9);
      z[2 * i + 1] = (float)log (0.1);
      labels[i] = i < 6 ? 0 : 1;
    }
  g_assert_cmpint (kd_calibration (z, labels, 10, 2, 1.0f, &cal), ==, KD_OK);
  g_assert_cmpfloat_with_epsilon (cal.ece, 0.3, 1e-6);
  g_assert_cmpint (cal.bins[13].count, ==, 10);
  g_assert_cmpint (kd_calibration (z, labels, 10, 2, 2.0f, &cal), ==, KD_OK);
  g_assert_cmpfloat_with_epsilon (cal.ece, 0.15, 1e-6);

  const float nan_conf[1] = { NAN };
  g_assert_cmpint (kd_calibration_from_confidence (nan_conf, correct, 1, &cal), ==, KD_ERR_INVALID);
  g_assert_cmpint (kd_calibration_from_confidence (conf, correct, 0, &cal), ==, KD_OK);
  g_assert_cmpfloat (cal.ece, ==, 0.0);
}

/* ---- the report -------------------------------------------------------------------------- */

static void
check_model (const KdModelMetrics *m,
             const float *z,
             const float *teacher,
             const uint8_t *labels,
             int n,
             int K,
             float T)
{
  g_assert_true (m->present);
  g_assert_cmpfloat (m->accuracy, ==, kd_accuracy (z, labels, n, K));
  g_assert_cmpfloat (m->agreement, ==, kd_agreement (teacher, z, n, K));
  g_assert_cmpfloat (m->kl, ==, kd_mean_kl (teacher, z, n, K, T));
  g_assert_cmpfloat (m->nll, ==, kd_cross_entropy (z, labels, n, K, NULL));
  int total = 0;
  for (int i = 0; i < K * K; i++)
    total += m->confusion[i];
  g_assert_cmpint (total, ==, n);
  KdCalibration cal;
  g_assert_cmpint (kd_calibration (z, labels, n, K, 1.0f, &cal), ==, KD_OK);
  g_assert_cmpfloat (m->calibration.ece, ==, cal.ece);
  g_assert_cmpint (m->calibration.n, ==, n);
}

static void
test_report_logits (void)
{
  enum
  {
    N = 300,
    K = 5
  };
  KdRng rng;
  kd_rng_seed (&rng, 4);
  static float z[KD_N_MODELS][N * K];
  uint8_t labels[N];
  for (int m = 0; m < KD_N_MODELS; m++)
    random_problem (&rng, z[m], labels, N, K);
  const float *logits[KD_N_MODELS] = { z[0], z[1], z[2] };
  KdMetricsReport r;
  g_assert_cmpint (kd_metrics_from_logits (logits, labels, N, K, 4.0f, &r), ==, KD_OK);
  g_assert_cmpint (r.n, ==, N);
  g_assert_cmpint (r.K, ==, K);
  g_assert_cmpfloat (r.model[KD_TEACHER].agreement, ==, 1.0);
  g_assert_cmpfloat (r.model[KD_TEACHER].kl, ==, 0.0);
  for (int m = 0; m < KD_N_MODELS; m++)
    check_model (&r.model[m], z[m], z[KD_TEACHER], labels, N, K, 4.0f);
  kd_metrics_report_clear (&r);
  kd_metrics_report_clear (&r);

  /* Without a teacher, agreement and KL are undefined; a missing student is absent. */
  const float *partial[KD_N_MODELS] = { NULL, z[1], NULL };
  g_assert_cmpint (kd_metrics_from_logits (partial, labels, N, K, 4.0f, &r), ==, KD_OK);
  g_assert_false (r.model[KD_TEACHER].present);
  g_assert_false (r.model[KD_BASELINE].present);
  g_assert_null (r.model[KD_BASELINE].confusion);
  g_assert_true (r.model[KD_STUDENT].present);
  g_assert_true (isnan (r.model[KD_STUDENT].agreement) && isnan (r.model[KD_STUDENT].kl));
  g_assert_cmpfloat (r.model[KD_STUDENT].accuracy, ==, kd_accuracy (z[1], labels, N, K));
  kd_metrics_report_clear (&r);

  labels[17] = K;
  g_assert_cmpint (kd_metrics_from_logits (logits, labels, N, K, 4.0f, &r), ==, KD_ERR_INVALID);
  g_assert_null (r.model[KD_TEACHER].confusion);
  g_assert_cmpint (kd_metrics_from_logits (logits, labels, 0, K, 4.0f, &r), ==, KD_ERR_INVALID);
}

static void
test_report_nets (void)
{
  const char *archs[KD_N_MODELS] = { "fc24-fc24", "fc8", "fc8" };
  KdNet *nets[KD_N_MODELS];
  KdRng rng;
  kd_rng_seed (&rng, 8);
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      KdArch arch;
      g_assert_cmpint (kd_arch_parse (archs[m], &arch, NULL), ==, KD_OK);
      g_assert_cmpint (kd_net_new (&arch, 1, 1, 5, 3, 16, &nets[m]), ==, KD_OK);
      kd_net_init_weights (nets[m], &rng);
    }
  KdDataset *ds = kd_dataset_new (50, 1, 1, 5, 3, 0);
  for (int i = 0; i < 50 * 5; i++)
    ds->features[i] = kd_rng_normal (&rng);
  for (int i = 0; i < 50; i++)
    ds->labels[i] = kd_rng_below (&rng, 3);

  static float z[KD_N_MODELS][50 * 3];
  for (int m = 0; m < KD_N_MODELS; m++)
    g_assert_cmpint (kd_eval_logits (nets[m], ds, z[m]), ==, KD_OK);
  KdMetricsReport r;
  g_assert_cmpint (kd_metrics_evaluate (nets, ds, 2.0f, &r), ==, KD_OK);
  for (int m = 0; m < KD_N_MODELS; m++)
    check_model (&r.model[m], z[m], z[KD_TEACHER], ds->labels, 50, 3, 2.0f);
  g_assert_cmpfloat (r.T, ==, 2.0f);
  kd_metrics_report_clear (&r);

  KdDataset *other = kd_dataset_new (4, 1, 1, 6, 3, 0);
  g_assert_cmpint (kd_metrics_evaluate (nets, other, 2.0f, &r), ==, KD_ERR_SHAPE);
  kd_dataset_free (other);
  kd_dataset_free (ds);
  for (int m = 0; m < KD_N_MODELS; m++)
    kd_net_free (nets[m]);
}

int
main (int argc, char **argv)
{
  kd_test_use_fast_blas (argv);
  g_test_init (&argc, &argv, NULL);
  kd_blas_set_threads (1);
  g_test_add_func ("/analysis/metrics/confusion/hand", test_confusion_hand);
  g_test_add_func ("/analysis/metrics/confusion/random", test_confusion_random);
  g_test_add_func ("/analysis/metrics/ece/bins", test_ece_bins);
  g_test_add_func ("/analysis/metrics/ece/perfect", test_ece_perfect);
  g_test_add_func ("/analysis/metrics/ece/overconfident", test_ece_overconfident);
  g_test_add_func ("/analysis/metrics/report/logits", test_report_logits);
  g_test_add_func ("/analysis/metrics/report/nets", test_report_nets);
  return g_test_run ();
}
