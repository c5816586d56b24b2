/* Soft labels, entropy, temperature sweeps and the class-similarity matrix. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "kd-test-blas.h"
#include "kd_arch.h"
#include "kd_blas.h"
#include "kd_eval.h"
#include "kd_loss.h"
#include "kd_net.h"
#include "kd_rng.h"
#include "kd_softlabels.h"

/* Logits with a spread like a trained classifier's: a few units apart, one clear winner. */
static void
random_logits (KdRng *rng, float *logits, int n, int K, float scale)
{
  for (int i = 0; i < n * K; i++)
    logits[i] = scale * kd_rng_normal (rng);
}

static double
row_sum (const float *p, int K)
{
  double s = 0.0;
  for (int k = 0; k < K; k++)
    s += p[k];
  return s;
}

/* ---- soft labels ------------------------------------------------------------------------- */

static void
test_sum_to_one (void)
{
  enum
  {
    N = 64,
    K = 10
  };
  KdRng rng;
  kd_rng_seed (&rng, 7);
  float logits[N * K], probs[N * K], inplace[N * K];
  random_logits (&rng, logits, N, K, 3.0f);
  const float temps[] = { 0.05f, 0.5f, 1.0f, 4.0f, 20.0f, 1000.0f };
  for (gsize t = 0; t < G_N_ELEMENTS (temps); t++)
    {
      g_assert_cmpint (kd_softlabels_from_logits (logits, N, K, temps[t], probs), ==, KD_OK);
      memcpy (inplace, logits, sizeof logits);
      g_assert_cmpint (kd_softlabels_from_logits (inplace, N, K, temps[t], inplace), ==, KD_OK);
      for (int i = 0; i < N; i++)
        {
          g_assert_cmpfloat_with_epsilon (row_sum (probs + i * K, K), 1.0, 1e-5);
          for (int k = 0; k < K; k++)
            {
              g_assert_cmpfloat (probs[i * K + k], >=, 0.0f);
              g_assert_cmpfloat (probs[i * K + k], ==, inplace[i * K + k]);
            }
        }
    }
  g_assert_cmpint (kd_softlabels_from_logits (logits, N, K, 0.0f, probs), ==, KD_ERR_INVALID);
  g_assert_cmpint (kd_softlabels_from_logits (logits, N, K, NAN, probs), ==, KD_ERR_INVALID);
  g_assert_cmpint (kd_softlabels_from_logits (logits, N, 0, 1.0f, probs), ==, KD_ERR_INVALID);
}

static void
test_high_temperature (void)
{
  const float z[] = { 6.0f, -2.0f, 1.5f, 0.0f, 3.0f };
  const int K = G_N_ELEMENTS (z);
  float p[5];
  g_assert_cmpint (kd_softlabels_from_logits (z, 1, K, 1e5f, p), ==, KD_OK);
  for (int k = 0; k < K; k++)
    g_assert_cmpfloat_with_epsilon (p[k], 1.0 / K, 1e-4);
  g_assert_cmpfloat_with_epsilon (kd_entropy_at (z, K, 1e5f), log (K), 1e-6);
  g_assert_cmpfloat_with_epsilon (kd_entropy_normalised (p, K), 1.0, 1e-6);
}

static void
test_low_temperature (void)
{
  const float z[] = { 0.3f, 2.0f, 1.99f, -5.0f };
  const int K = G_N_ELEMENTS (z);
  float p[4];
  g_assert_cmpint (kd_softlabels_from_logits (z, 1, K, 1e-4f, p), ==, KD_OK);
  for (int k = 0; k < K; k++)
    g_assert_cmpfloat_with_epsilon (p[k], k == 1 ? 1.0 : 0.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (kd_entropy_at (z, K, 1e-4f), 0.0, 1e-9);
  g_assert_cmpfloat_with_epsilon (kd_entropy (p, K), 0.0, 1e-12);
  /* Logits far apart at a small T underflow every loser; entropy must stay a number. */
  const float wide[] = { 1000.0f, 0.0f, -1000.0f };
  double h = kd_entropy_at (wide, 3, 0.01f);
  g_assert_true (isfinite (h));
  g_assert_cmpfloat (h, ==, 0.0);
}

/* ---- entropy ----------------------------------------------------------------------------- */

static void
test_entropy_values (void)
{
  const float uniform[] = { 0.25f, 0.25f, 0.25f, 0.25f };
  const float half[] = { 0.5f, 0.0f, 0.5f, 0.0f };
  const float onehot[] = { 0.0f, 1.0f, 0.0f, 0.0f };
  g_assert_cmpfloat_with_epsilon (kd_entropy (uniform, 4), log (4.0), 1e-12);
  g_assert_cmpfloat_with_epsilon (kd_entropy (half, 4), log (2.0), 1e-12);
  g_assert_cmpfloat_with_epsilon (kd_entropy_normalised (half, 4), 0.5, 1e-12);
  g_assert_cmpfloat (kd_entropy (onehot, 4), ==, 0.0);
  g_assert_cmpfloat (kd_entropy_normalised (onehot, 1), ==, 0.0);

  /* From logits and from probabilities agree where both are accurate. */
  KdRng rng;
  kd_rng_seed (&rng, 3);
  float z[8 * 10], p[10];
  double rows[8], rows_norm[8];
  random_logits (&rng, z, 8, 10, 2.0f);
  g_assert_cmpint (kd_entropy_rows (z, 8, 10, 2.0f, 0, rows), ==, KD_OK);
  g_assert_cmpint (kd_entropy_rows (z, 8, 10, 2.0f, 1, rows_norm), ==, KD_OK);
  for (int i = 0; i < 8; i++)
    {
      kd_softmax (p, z + i * 10, 10, 2.0f);
      g_assert_cmpfloat_with_epsilon (rows[i], kd_entropy (p, 10), 1e-5);
      g_assert_cmpfloat_with_epsilon (rows_norm[i], rows[i] / log (10.0), 1e-12);
    }
}

static void
test_entropy_monotone (void)
{
  /* Any non-constant logit vector: H(softmax(z / T)) rises strictly with T (d H / d T =
   * Var_p(z) / T^3 > 0). */
  const float z[] = { 2.3f, -0.7f, 0.1f, 4.2f, -3.3f, 1.1f, 0.0f };
  const int K = G_N_ELEMENTS (z);
  enum
  {
    N_T = 200
  };
  float temps[N_T], probs[N_T * 7];
  double h[N_T];
  g_assert_cmpint (kd_temperature_sweep (z, K, 0.05, 200.0, N_T, temps, probs, h), ==, KD_OK);
  for (int i = 1; i < N_T; i++)
    g_assert_cmpfloat (h[i], >=, h[i - 1]);
  g_assert_cmpfloat (h[N_T / 2], >, h[N_T / 4]);
  g_assert_cmpfloat (h[0], <, 1e-3);
  g_assert_cmpfloat_with_epsilon (h[N_T - 1], log (K), 1e-3);
}

/* ---- temperature display sweep ----------------------------------------------------------- */

static void
test_grid (void)
{
  float t[KD_SWEEP_N_T];
  g_assert_cmpint (kd_temperature_grid (KD_SWEEP_T_MIN, KD_SWEEP_T_MAX, KD_SWEEP_N_T, t), ==,
                   KD_OK);
  g_assert_cmpfloat (t[0], ==, 0.5f);
  g_assert_cmpfloat (t[KD_SWEEP_N_T - 1], ==, 50.0f);
  /* Log spacing: a constant ratio between neighbours, 100^(1/49). */
  double ratio = pow (100.0, 1.0 / (KD_SWEEP_N_T - 1));
  for (int i = 1; i < KD_SWEEP_N_T; i++)
    g_assert_cmpfloat_with_epsilon (t[i] / t[i - 1], ratio, 1e-5);

  g_assert_cmpint (kd_temperature_grid (2.0, 8.0, 1, t), ==, KD_OK);
  g_assert_cmpfloat (t[0], ==, 2.0f);
  g_assert_cmpint (kd_temperature_grid (2.0, 8.0, 3, t), ==, KD_OK);
  g_assert_cmpfloat_with_epsilon (t[1], 4.0, 1e-6);
  g_assert_cmpint (kd_temperature_grid (0.0, 8.0, 3, t), ==, KD_ERR_INVALID);
  g_assert_cmpint (kd_temperature_grid (4.0, 2.0, 3, t), ==, KD_ERR_INVALID);
  g_assert_cmpint (kd_temperature_grid (1.0, INFINITY, 3, t), ==, KD_ERR_INVALID);
  g_assert_cmpint (kd_temperature_grid (1.0, 2.0, 0, t), ==, KD_ERR_INVALID);
}

static void
test_sweep (void)
{
  const float z[] = { 1.0f, 3.0f, -1.0f };
  float temps[KD_SWEEP_N_T], probs[KD_SWEEP_N_T * 3], p[3];
  double h[KD_SWEEP_N_T];
  g_assert_cmpint (
      kd_temperature_sweep (z, 3, KD_SWEEP_T_MIN, KD_SWEEP_T_MAX, KD_SWEEP_N_T, temps, probs, h),
      ==, KD_OK);
  for (int i = 0; i < KD_SWEEP_N_T; i++)
    {
      kd_softmax (p, z, 3, temps[i]);
      for (int k = 0; k < 3; k++)
        g_assert_cmpfloat (probs[i * 3 + k], ==, p[k]);
      g_assert_cmpfloat_with_epsilon (h[i], kd_entropy (p, 3), 1e-6);
    }
  /* At T = 1 by hand: softmax(1, 3, -1). */
  g_assert_cmpint (kd_temperature_sweep (z, 3, 1.0, 1.0, 1, temps, probs, NULL), ==, KD_OK);
  double s = exp (1.0) + exp (3.0) + exp (-1.0);
  g_assert_cmpfloat_with_epsilon (probs[1], exp (3.0) / s, 1e-6);
  g_assert_cmpint (kd_temperature_sweep (z, 3, -1.0, 1.0, 4, temps, probs, h), ==, KD_ERR_INVALID);
}

/* ---- dark knowledge: class-similarity matrix --------------------------------------------- */

static void
test_similarity_hand (void)
{
  /* Logits log(p) give softmax = p at T = 1, and p^(1/2) / sum p^(1/2) at T = 2. */
  const double p[5][3] = {
    { 0.7, 0.2, 0.1 }, { 0.5, 0.3, 0.2 }, { 0.1, 0.8, 0.1 }, { 0.3, 0.6, 0.1 }, { 0.2, 0.7, 0.1 },
  };
  const uint8_t labels[5] = { 0, 0, 1, 1, 1 };
  float z[5 * 3];
  for (int i = 0; i < 5; i++)
    for (int k = 0; k < 3; k++)
      z[i * 3 + k] = (float)log (p[i][k]);
  double sim[9];
  int counts[3];
  g_assert_cmpint (kd_class_similarity (z, labels, 5, 3, 1.0f, sim, counts), ==, KD_OK);
  const double expected[9] = { 0.6, 0.25, 0.15, 0.2, 0.7, 0.1, 0, 0, 0 };
  for (int i = 0; i < 9; i++)
    g_assert_cmpfloat_with_epsilon (sim[i], expected[i], 1e-6);
  g_assert_cmpint (counts[0], ==, 2);
  g_assert_cmpint (counts[1], ==, 3);
  g_assert_cmpint (counts[2], ==, 0);

  g_assert_cmpint (kd_class_similarity (z, labels, 5, 3, 2.0f, sim, NULL), ==, KD_OK);
  double at2[9] = { 0 };
  for (int i = 0; i < 5; i++)
    {
      double s = sqrt (p[i][0]) + sqrt (p[i][1]) + sqrt (p[i][2]);
      for (int k = 0; k < 3; k++)
        at2[labels[i] * 3 + k] += sqrt (p[i][k]) / s / counts[labels[i]];
    }
  for (int i = 0; i < 9; i++)
    g_assert_cmpfloat_with_epsilon (sim[i], at2[i], 1e-6);

  const uint8_t bad[5] = { 0, 0, 3, 1, 1 };
  g_assert_cmpint (kd_class_similarity (z, bad, 5, 3, 1.0f, sim, NULL), ==, KD_ERR_INVALID);
}

static void
test_similarity_rows (void)
{
  enum
  {
    N = 500,
    K = 10
  };
  KdRng rng;
  kd_rng_seed (&rng, 11);
  static float z[N * K];
  uint8_t labels[N];
  random_logits (&rng, z, N, K, 4.0f);
  for (int i = 0; i < N; i++)
    labels[i] = kd_rng_below (&rng, K);
  double sim[K * K];
  const float temps[] = { 0.2f, 1.0f, 5.0f, 50.0f };
  for (gsize t = 0; t < G_N_ELEMENTS (temps); t++)
    {
      g_assert_cmpint (kd_class_similarity (z, labels, N, K, temps[t], sim, NULL), ==, KD_OK);
      for (int y = 0; y < K; y++)
        {
          double s = 0.0;
          for (int k = 0; k < K; k++)
            s += sim[y * K + k];
          g_assert_cmpfloat_with_epsilon (s, 1.0, 1e-6);
        }
    }
}

static void
test_similarity_distance (void)
{
  const double a[4] = { 0.5, 0.5, 0.25, 0.75 };
  const double b[4] = { 0.75, 0.25, 0.25, 0.75 };
  KdSimilarityDistance d;
  g_assert_cmpint (kd_class_similarity_distance (a, a, 2, &d), ==, KD_OK);
  g_assert_cmpfloat (d.kl, ==, 0.0);
  g_assert_cmpfloat (d.l1, ==, 0.0);
  g_assert_cmpfloat (d.frobenius, ==, 0.0);
  g_assert_cmpint (d.n_rows, ==, 2);

  g_assert_cmpint (kd_class_similarity_distance (a, b, 2, &d), ==, KD_OK);
  /* Row 0: 0.5 ln(0.5 / 0.75) + 0.5 ln(0.5 / 0.25) = 0.5 ln(4/3); row 1 is identical. */
  g_assert_cmpfloat_with_epsilon (d.kl, 0.25 * log (4.0 / 3.0), 1e-12);
  g_assert_cmpfloat_with_epsilon (d.l1, 0.25, 1e-12);
  g_assert_cmpfloat_with_epsilon (d.frobenius, sqrt (0.125), 1e-12);

  /* A class without samples in either matrix is left out, not counted as a match. */
  const double c[4] = { 0.5, 0.5, 0.0, 0.0 };
  g_assert_cmpint (kd_class_similarity_distance (c, b, 2, &d), ==, KD_OK);
  g_assert_cmpint (d.n_rows, ==, 1);
  g_assert_cmpfloat_with_epsilon (d.kl, 0.5 * log (4.0 / 3.0), 1e-12);
  g_assert_cmpfloat_with_epsilon (d.l1, 0.5, 1e-12);
  const double zero[4] = { 0 };
  g_assert_cmpint (kd_class_similarity_distance (zero, b, 2, &d), ==, KD_ERR_INVALID);
}

/* ---- on a network ------------------------------------------------------------------------ */

typedef struct
{
  KdNet *net;
  KdDataset *ds;
} NetFixture;

/* A small MLP with dropout (which soft labels must switch off) and a split larger than one
 * batch, so the batching and the last partial batch are exercised. */
static void
net_fixture_setup (NetFixture *f, gconstpointer data)
{
  KdArch arch;
  g_assert_cmpint (kd_arch_parse ("fc16-drop0.5-fc12", &arch, NULL), ==, KD_OK);
  g_assert_cmpint (kd_net_new (&arch, 1, 1, 6, 4, 7, &f->net), ==, KD_OK);
  KdRng rng;
  kd_rng_seed (&rng, 5);
  kd_net_init_weights (f->net, &rng);
  f->ds = kd_dataset_new (30, 1, 1, 6, 4, 0);
  for (int i = 0; i < 30 * 6; i++)
    f->ds->features[i] = kd_rng_normal (&rng);
  for (int i = 0; i < 30; i++)
    f->ds->labels[i] = i % 4;
  f->net->training = true;
}

static void
net_fixture_teardown (NetFixture *f, gconstpointer data)
{
  kd_net_free (f->net);
  kd_dataset_free (f->ds);
}

static void
test_net_softlabels (NetFixture *f, gconstpointer data)
{
  float logits[30 * 4], expected[30 * 4], probs[30 * 4], again[30 * 4], p[4], x[6];
  f->net->training = false;
  g_assert_cmpint (kd_eval_logits (f->net, f->ds, logits), ==, KD_OK);
  f->net->training = true;
  g_assert_cmpint (kd_softlabels_from_logits (logits, 30, 4, 3.0f, expected), ==, KD_OK);

  /* Dropout is off however the network was left, and its mode is restored. */
  g_assert_cmpint (kd_softlabels_dataset (f->net, f->ds, 3.0f, probs), ==, KD_OK);
  g_assert_cmpint (kd_softlabels_dataset (f->net, f->ds, 3.0f, again), ==, KD_OK);
  g_assert_true (f->net->training);
  for (int i = 0; i < 30 * 4; i++)
    {
      g_assert_cmpfloat_with_epsilon (probs[i], expected[i], 1e-6);
      g_assert_cmpfloat (probs[i], ==, again[i]);
    }

  for (int i = 0; i < 30; i += 13)
    {
      g_assert_cmpint (kd_softlabels_sample (f->net, f->ds, i, 3.0f, p), ==, KD_OK);
      for (int k = 0; k < 4; k++)
        g_assert_cmpfloat_with_epsilon (p[k], expected[i * 4 + k], 1e-6);
      int32_t idx = i;
      kd_dataset_fill_batch (f->ds, &idx, 1, x, NULL);
      g_assert_cmpint (kd_softlabels_input (f->net, x, 3.0f, p), ==, KD_OK);
      for (int k = 0; k < 4; k++)
        g_assert_cmpfloat_with_epsilon (p[k], expected[i * 4 + k], 1e-6);
    }
  g_assert_true (f->net->training);
  g_assert_cmpint (kd_softlabels_sample (f->net, f->ds, 30, 3.0f, p), ==, KD_ERR_INVALID);
}

static void
test_net_similarity (NetFixture *f, gconstpointer data)
{
  float logits[30 * 4];
  double sim[16], expected[16];
  int counts[4];
  g_assert_cmpint (kd_eval_logits (f->net, f->ds, logits), ==, KD_OK);
  g_assert_cmpint (kd_class_similarity (logits, f->ds->labels, 30, 4, 2.0f, expected, NULL), ==,
                   KD_OK);
  g_assert_cmpint (kd_class_similarity_net (f->net, f->ds, 2.0f, sim, counts), ==, KD_OK);
  for (int i = 0; i < 16; i++)
    g_assert_cmpfloat_with_epsilon (sim[i], expected[i], 1e-9);
  g_assert_cmpint (counts[0] + counts[1] + counts[2] + counts[3], ==, 30);

  /* A split of another shape does not fit the network. */
  KdDataset *other = kd_dataset_new (5, 1, 1, 5, 4, 0);
  g_assert_cmpint (kd_class_similarity_net (f->net, other, 2.0f, sim, NULL), ==, KD_ERR_SHAPE);
  kd_dataset_free (other);
}

int
main (int argc, char **argv)
{
  kd_test_use_fast_blas (argv);
  g_test_init (&argc, &argv, NULL);
  kd_blas_set_threads (1);
  g_test_add_func ("/analysis/softlabels/sum-to-one", test_sum_to_one);
  g_test_add_func ("/analysis/softlabels/high-temperature", test_high_temperature);
  g_test_add_func ("/analysis/softlabels/low-temperature", test_low_temperature);
  g_test_add_func ("/analysis/softlabels/entropy/values", test_entropy_values);
  g_test_add_func ("/analysis/softlabels/entropy/monotone", test_entropy_monotone);
  g_test_add_func ("/analysis/softlabels/sweep/grid", test_grid);
  g_test_add_func ("/analysis/softlabels/sweep/probs", test_sweep);
  g_test_add_func ("/analysis/softlabels/similarity/hand", test_similarity_hand);
  g_test_add_func ("/analysis/softlabels/similarity/rows", test_similarity_rows);
  g_test_add_func ("/analysis/softlabels/similarity/distance", test_similarity_distance);
  g_test_add ("/analysis/softlabels/net/softlabels", NetFixture, NULL, net_fixture_setup,
              test_net_softlabels, net_fixture_teardown);
  g_test_add ("/analysis/softlabels/net/similarity", NetFixture, NULL, net_fixture_setup,
              test_net_similarity, net_fixture_teardown);
  return g_test_run ();
}
