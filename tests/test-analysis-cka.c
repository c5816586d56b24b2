/* Activations, linear CKA and PCA of the analysis layer. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "kd-test-blas.h"
#include "kd_activations.h"
#include "kd_arch.h"
#include "kd_blas.h"
#include "kd_cka.h"
#include "kd_net.h"
#include "kd_pca.h"
#include "kd_rng.h"

/* ---- helpers ----------------------------------------------------------------------------- */

static float *
random_matrix (KdRng *rng, int rows, int cols)
{
  float *m = g_new (float, (gsize)rows *cols);
  for (gsize i = 0; i < (gsize)rows * cols; i++)
    m[i] = kd_rng_normal (rng);
  return m;
}

/* A random orthogonal matrix (d, d), rows orthonormalised by Gram-Schmidt in double. */
static double *
random_orthogonal (KdRng *rng, int d)
{
  double *q = g_new (double, (gsize)d *d);
  for (int i = 0; i < d; i++)
    for (int twice = 0; twice < 3; twice++)
      {
        if (twice == 0)
          for (int j = 0; j < d; j++)
            q[i * d + j] = kd_rng_normal (rng);
        for (int s = 0; s < i; s++)
          {
            double dot = 0.0;
            for (int j = 0; j < d; j++)
              dot += q[s * d + j] * q[i * d + j];
            for (int j = 0; j < d; j++)
              q[i * d + j] -= dot * q[s * d + j];
          }
        double norm = 0.0;
        for (int j = 0; j < d; j++)
          norm += q[i * d + j] * q[i * d + j];
        for (int j = 0; j < d; j++)
          q[i * d + j] /= sqrt (norm);
      }
  return q;
}

/* y (n, d) = x (n, d) q (d, d), in double then rounded. */
static float *
rotate (const float *x, int n, int d, const double *q)
{
  float *y = g_new (float, (gsize)n *d);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < d; j++)
      {
        double s = 0.0;
        for (int p = 0; p < d; p++)
          s += x[i * d + p] * q[p * d + j];
        y[i * d + j] = (float)s;
      }
  return y;
}

static double
cka (const float *x, int dx, const float *y, int dy, int n)
{
  double out = -1.0;
  g_assert_cmpint (kd_cka_linear (x, dx, y, dy, n, &out), ==, KD_OK);
  g_assert_true (isfinite (out));
  return out;
}

static KdDataset *
random_dataset (int n, int c, int h, int w, guint64 seed)
{
  KdRng rng;
  kd_rng_seed (&rng, seed);
  KdDataset *ds = kd_dataset_new (n, c, h, w, 10, 0);
  g_assert_nonnull (ds);
  for (gsize i = 0; i < (gsize)n * c * h * w; i++)
    ds->features[i] = kd_rng_normal (&rng);
  for (int i = 0; i < n; i++)
    ds->labels[i] = (uint8_t)(i * 7 % 10);
  return ds;
}

static KdNet *
make_net (const char *arch_text, int c, int h, int w, int max_batch, guint64 seed)
{
  KdArch arch;
  KdNet *net = NULL;
  KdRng rng;
  g_assert_cmpint (kd_arch_parse (arch_text, &arch, NULL), ==, KD_OK);
  g_assert_cmpint (kd_net_new (&arch, c, h, w, 10, max_batch, &net), ==, KD_OK);
  kd_rng_seed (&rng, seed);
  kd_net_init_weights (net, &rng);
  return net;
}

/* ---- activations ------------------------------------------------------------------------- */

typedef struct
{
  const char *name;
  int c, h, w;
} ExpectedLayer;

static void
check_layers (KdNet *net, KdActSelect select, const ExpectedLayer *want, int n_want)
{
  KdRepLayer layers[KD_ACT_MAX_LAYERS];
  int n = -1;
  g_assert_cmpint (kd_activations_layers (net, select, layers, &n), ==, KD_OK);
  g_assert_cmpint (n, ==, n_want);
  size_t offset = 0;
  for (int r = 0; r < n; r++)
    {
      g_assert_cmpstr (layers[r].name, ==, want[r].name);
      g_assert_cmpint (layers[r].c, ==, want[r].c);
      g_assert_cmpint (layers[r].h, ==, want[r].h);
      g_assert_cmpint (layers[r].w, ==, want[r].w);
      g_assert_cmpuint (layers[r].dim, ==, (size_t)want[r].c * want[r].h * want[r].w);
      g_assert_cmpuint (layers[r].offset, ==, offset);
      offset += layers[r].dim;
    }
  g_assert_cmpuint (kd_activations_sample_size (layers, n), ==, offset);
}

static void
test_layers_mlp (void)
{
  KdNet *net = make_net ("fc64-drop-fc32", 1, 28, 28, 8, 1);
  const ExpectedLayer reps[] = { { "fc1", 64, 1, 1 }, { "fc2", 32, 1, 1 }, { "logits", 10, 1, 1 } };
  check_layers (net, KD_ACT_REPRESENTATIONS, reps, G_N_ELEMENTS (reps));
  const ExpectedLayer all[]
      = { { "fc1.pre", 64, 1, 1 }, { "fc1", 64, 1, 1 }, { "drop1", 64, 1, 1 },
          { "fc2.pre", 32, 1, 1 }, { "fc2", 32, 1, 1 }, { "logits", 10, 1, 1 } };
  check_layers (net, KD_ACT_ALL_LAYERS, all, G_N_ELEMENTS (all));
  KdRepLayer layers[KD_ACT_MAX_LAYERS];
  int n;
  kd_activations_layers (net, KD_ACT_REPRESENTATIONS, layers, &n);
  g_assert_cmpstr (layers[kd_activations_last_hidden (layers, n)].name, ==, "fc2");
  kd_net_free (net);

  net = make_net ("linear", 1, 1, 2, 8, 1);
  const ExpectedLayer linear[] = { { "logits", 10, 1, 1 } };
  check_layers (net, KD_ACT_REPRESENTATIONS, linear, 1);
  kd_activations_layers (net, KD_ACT_REPRESENTATIONS, layers, &n);
  g_assert_cmpint (kd_activations_last_hidden (layers, n), ==, 0);
  kd_net_free (net);
}

static void
test_layers_cnn (void)
{
  KdNet *net = make_net ("conv8-pool-conv16-pool-fc32", 1, 28, 28, 4, 2);
  const ExpectedLayer reps[]
      = { { "conv1", 8, 28, 28 }, { "pool1", 8, 14, 14 }, { "conv2", 16, 14, 14 },
          { "pool2", 16, 7, 7 },  { "fc1", 32, 1, 1 },    { "logits", 10, 1, 1 } };
  check_layers (net, KD_ACT_REPRESENTATIONS, reps, G_N_ELEMENTS (reps));
  const ExpectedLayer all[] = {
    { "conv1.pre", 8, 28, 28 },  { "conv1", 8, 28, 28 },  { "pool1", 8, 14, 14 },
    { "conv2.pre", 16, 14, 14 }, { "conv2", 16, 14, 14 }, { "pool2", 16, 7, 7 },
    { "flatten", 784, 1, 1 },    { "fc1.pre", 32, 1, 1 }, { "fc1", 32, 1, 1 },
    { "logits", 10, 1, 1 },
  };
  check_layers (net, KD_ACT_ALL_LAYERS, all, G_N_ELEMENTS (all));
  kd_net_free (net);
}

/* Batch sizes may change sgemm's summation order, so batched and single results agree to
 * rounding, not bitwise. */
static void
assert_close (const float *a, const float *b, size_t len)
{
  for (size_t i = 0; i < len; i++)
    g_assert_cmpfloat (fabsf (a[i] - b[i]), <=, 1e-5f * (1.0f + fabsf (b[i])));
}

/* One sample's maps equal the matching rows of a batched capture, with dropout off even on a
 * network left in training mode, and the mode is restored. */
static void
test_activations_sample (void)
{
  KdDataset *ds = random_dataset (13, 1, 8, 8, 3);
  KdNet *net = make_net ("conv4-pool-drop0.5-fc16", 1, 8, 8, 5, 4);
  net->training = true;
  KdRepLayer layers[KD_ACT_MAX_LAYERS];
  int n_layers;
  kd_activations_layers (net, KD_ACT_REPRESENTATIONS, layers, &n_layers);
  size_t size = kd_activations_sample_size (layers, n_layers);
  g_autofree float *maps = g_new (float, size);
  g_autofree float *again = g_new (float, size);
  const int32_t idx[] = { 12, 0, 5, 7, 3, 11, 1 };
  int n = G_N_ELEMENTS (idx);
  for (int r = 0; r < n_layers; r++)
    {
      g_autofree float *all = g_new (float, n *layers[r].dim);
      uint8_t labels[G_N_ELEMENTS (idx)];
      g_assert_cmpint (kd_activations_capture (net, ds, idx, n, &layers[r], all, labels, NULL), ==,
                       KD_OK);
      for (int i = 0; i < n; i++)
        {
          g_assert_cmpint (labels[i], ==, ds->labels[idx[i]]);
          g_assert_cmpint (kd_activations_sample (net, ds, idx[i], layers, n_layers, maps), ==,
                           KD_OK);
          assert_close (maps + layers[r].offset, all + i * layers[r].dim, layers[r].dim);
        }
    }
  g_assert_true (net->training);
  g_assert_cmpint (kd_activations_sample (net, ds, 4, layers, n_layers, maps), ==, KD_OK);
  g_assert_cmpint (kd_activations_input (net, ds->features + 4 * 64, layers, n_layers, again), ==,
                   KD_OK);
  assert_close (maps, again, size);
  g_assert_cmpint (kd_activations_sample (net, ds, 13, layers, n_layers, maps), ==, KD_ERR_INVALID);
  kd_net_free (net);
  kd_dataset_free (ds);
}

typedef struct
{
  int next, calls, cancel_after;
  atomic_int *cancel;
} StreamCheck;

static KdStatus
stream_check (const float *const *acts, int offset, int b, void *user_data)
{
  StreamCheck *c = user_data;
  g_assert_cmpint (offset, ==, c->next);
  g_assert_nonnull (acts[0]);
  c->next += b;
  if (++c->calls == c->cancel_after)
    atomic_store (c->cancel, 1);
  return KD_OK;
}

static void
test_activations_stream (void)
{
  KdDataset *ds = random_dataset (23, 1, 1, 6, 5);
  KdNet *net = make_net ("fc5", 1, 1, 6, 4, 6);
  KdRepLayer layers[KD_ACT_MAX_LAYERS];
  int n_layers;
  kd_activations_layers (net, KD_ACT_REPRESENTATIONS, layers, &n_layers);
  atomic_int cancel = 0;
  StreamCheck c = { .next = 8, .cancel = &cancel };
  g_assert_cmpint (
      kd_activations_stream (net, ds, NULL, 8, 23, layers, n_layers, stream_check, &c, &cancel), ==,
      KD_OK);
  g_assert_cmpint (c.next, ==, 23);
  g_assert_cmpint (c.calls, ==, 4);
  c = (StreamCheck){ .next = 0, .cancel_after = 2, .cancel = &cancel };
  g_assert_cmpint (
      kd_activations_stream (net, ds, NULL, 0, 23, layers, n_layers, stream_check, &c, &cancel), ==,
      KD_ERR_CANCELLED);
  g_assert_cmpint (c.calls, ==, 2);
  g_assert_cmpint (
      kd_activations_stream (net, ds, NULL, 0, 24, layers, n_layers, stream_check, &c, NULL), ==,
      KD_ERR_INVALID);
  kd_net_free (net);
  kd_dataset_free (ds);
}

/* The double-accumulating product matches a double reference for every transpose. */
static void
test_gemm_dacc (void)
{
  KdRng rng;
  kd_rng_seed (&rng, 7);
  int m = 9, n = 13, k = 3 * KD_ACT_DACC_BLOCK + 17;
  g_autofree float *a = random_matrix (&rng, m, k);
  g_autofree float *b = random_matrix (&rng, k, n);
  g_autofree double *c = g_new (double, m *n);
  for (int ta = 0; ta < 2; ta++)
    for (int tb = 0; tb < 2; tb++)
      {
        /* The same numbers read as op(x): a is (m, k) or, transposed, (k, m) storage. */
        int lda = ta ? m : k, ldb = tb ? k : n;
        g_assert_cmpint (kd_activations_gemm_dacc (ta, tb, m, n, k, a, lda, b, ldb, c, n, 0), ==,
                         KD_OK);
        for (int i = 0; i < m; i++)
          for (int j = 0; j < n; j++)
            {
              double want = 0.0, mag = 0.0;
              for (int p = 0; p < k; p++)
                {
                  double av = ta ? a[p * lda + i] : a[i * lda + p];
                  double bv = tb ? b[j * ldb + p] : b[p * ldb + j];
                  want += av * bv;
                  mag += fabs (av * bv);
                }
              g_assert_cmpfloat (fabs (c[i * n + j] - want), <=, 1e-6 * mag);
            }
      }
}

/* ---- CKA properties ---------------------------------------------------------------------- */

static void
test_cka_identity (void)
{
  KdRng rng;
  kd_rng_seed (&rng, 11);
  /* Both the feature-space path (d < n) and the Gram path (d > n) of the reference. */
  const int shapes[][2] = { { 50, 7 }, { 12, 40 } };
  for (gsize s = 0; s < G_N_ELEMENTS (shapes); s++)
    {
      int n = shapes[s][0], d = shapes[s][1];
      g_autofree float *x = random_matrix (&rng, n, d);
      g_assert_cmpfloat (cka (x, d, x, d, n), ==, 1.0);
    }
}

static void
test_cka_invariances (void)
{
  KdRng rng;
  kd_rng_seed (&rng, 12);
  int n = 64, d = 9, dz = 5;
  g_autofree float *x = random_matrix (&rng, n, d);
  g_autofree float *z = random_matrix (&rng, n, dz);
  /* z shares structure with x, so CKA(x, z) is well inside (0, 1). */
  for (int i = 0; i < n; i++)
    for (int j = 0; j < dz; j++)
      z[i * dz + j] += 2.0f * x[i * d + j] * x[i * d + j];
  g_autofree double *q = random_orthogonal (&rng, d);
  g_autofree float *xq = rotate (x, n, d, q);
  g_autofree float *scaled = g_new (float, n *d);
  g_autofree float *shifted = g_new (float, n *d);
  for (int i = 0; i < n * d; i++)
    scaled[i] = 3.75f * x[i], shifted[i] = x[i] + 100.0f;
  double base = cka (x, d, z, dz, n);
  g_assert_cmpfloat (base, >, 0.05);
  g_assert_cmpfloat (base, <, 0.95);
  g_assert_cmpfloat_with_epsilon (cka (x, d, xq, d, n), 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (cka (xq, d, z, dz, n), base, 1e-6);
  g_assert_cmpfloat_with_epsilon (cka (scaled, d, z, dz, n), base, 1e-7);
  g_assert_cmpfloat_with_epsilon (cka (shifted, d, z, dz, n), base, 1e-5);
  g_assert_cmpfloat_with_epsilon (cka (z, dz, x, d, n), base, 1e-12);
}

/* For one feature on each side, linear CKA is the squared Pearson correlation. */
static void
test_cka_one_feature (void)
{
  const float x[] = { 1, 2, 3, 4, 5, 6 };
  const float y[] = { 2, 1, 4, 3, 7, 5 };
  double mx = 3.5, my = 22.0 / 6.0, sxy = 0, sxx = 0, syy = 0;
  for (int i = 0; i < 6; i++)
    {
      sxy += (x[i] - mx) * (y[i] - my);
      sxx += (x[i] - mx) * (x[i] - mx);
      syy += (y[i] - my) * (y[i] - my);
    }
  g_assert_cmpfloat_with_epsilon (cka (x, 1, y, 1, 6), sxy * sxy / (sxx * syy), 1e-12);
}

static void
test_cka_constant (void)
{
  KdRng rng;
  kd_rng_seed (&rng, 13);
  int n = 20, d = 4;
  g_autofree float *x = random_matrix (&rng, n, d);
  g_autofree float *c = g_new (float, n * 3);
  for (int i = 0; i < n * 3; i++)
    c[i] = 0.3f;
  g_assert_cmpfloat (cka (x, d, c, 3, n), ==, 0.0);
  g_assert_cmpfloat (cka (c, 3, c, 3, n), ==, 0.0);
  g_assert_cmpfloat (cka (c, 3, x, d, n), ==, 0.0);
}

static void
test_cka_invalid (void)
{
  float x[4] = { 0 };
  double out;
  g_assert_cmpint (kd_cka_linear (x, 1, x, 1, 1, &out), ==, KD_ERR_INVALID);
  g_assert_cmpint (kd_cka_linear (x, 0, x, 1, 4, &out), ==, KD_ERR_INVALID);
  g_assert_cmpint (kd_cka_linear (NULL, 1, x, 1, 4, &out), ==, KD_ERR_INVALID);
}

/* ---- CKA on networks --------------------------------------------------------------------- */

static KdCkaModel *
model_new (KdNet *net, const KdDataset *ds, const int32_t *idx, int n, size_t cache)
{
  KdCkaModel *m = NULL;
  g_assert_cmpint (kd_cka_model_new (net, ds, idx, n, cache, NULL, &m), ==, KD_OK);
  g_assert_nonnull (m);
  return m;
}

static double *
matrix (const KdCkaModel *a, const KdCkaModel *b)
{
  double *out = g_new (double, kd_cka_model_n_layers (a) * kd_cka_model_n_layers (b));
  g_assert_cmpint (kd_cka_matrix (a, b, out), ==, KD_OK);
  return out;
}

/* A network against itself, and against a copy of itself, has ones on the diagonal; the
 * self-comparison matrix is symmetric and every entry lies in [0, 1]. */
static void
test_cka_net_self (void)
{
  KdDataset *ds = random_dataset (300, 1, 1, 20, 21);
  KdNet *net = make_net ("fc64-fc32-fc16", 1, 1, 20, 32, 22);
  KdCkaModel *a = model_new (net, ds, NULL, 300, 0);
  KdCkaModel *b = model_new (net, ds, NULL, 300, 0);
  int n = kd_cka_model_n_layers (a);
  g_assert_cmpint (n, ==, 4);
  g_assert_cmpstr (kd_cka_model_layer (a, 3)->name, ==, "logits");
  g_autofree double *aa = matrix (a, a);
  g_autofree double *ab = matrix (a, b);
  for (int i = 0; i < n; i++)
    {
      g_assert_cmpfloat (aa[i * n + i], ==, 1.0);
      g_assert_cmpfloat (ab[i * n + i], ==, 1.0);
      for (int j = 0; j < n; j++)
        {
          g_assert_cmpfloat (aa[i * n + j], ==, aa[j * n + i]);
          g_assert_cmpfloat_with_epsilon (aa[i * n + j], ab[i * n + j], 1e-6);
          g_assert_cmpfloat (aa[i * n + j], >=, 0.0);
          g_assert_cmpfloat (aa[i * n + j], <=, 1.0);
        }
    }
  kd_cka_model_free (a);
  kd_cka_model_free (b);
  kd_net_free (net);
  kd_dataset_free (ds);
}

static float *
capture (KdNet *net, const KdDataset *ds, const int32_t *idx, int n, const KdRepLayer *layer)
{
  float *x = g_new (float, n * layer->dim);
  g_assert_cmpint (kd_activations_capture (net, ds, idx, n, layer, x, NULL, NULL), ==, KD_OK);
  return x;
}

/* The streamed matrix (wide layers as Gram matrices built over several passes of a tiny
 * cache, narrow ones as features, batches that do not divide n) equals kd_cka_linear on the
 * full activations. */
static void
check_streaming (
    KdNet *a_net, KdNet *b_net, const KdDataset *ds, const int32_t *idx, int n, size_t cache)
{
  KdCkaModel *a = model_new (a_net, ds, idx, n, cache);
  KdCkaModel *b = model_new (b_net, ds, idx, n, cache);
  g_assert_cmpint (kd_cka_model_passes (a), >, 1);
  g_autofree double *ab = matrix (a, b);
  g_autofree double *aa = matrix (a, a);
  int na = kd_cka_model_n_layers (a), nb = kd_cka_model_n_layers (b);
  for (int i = 0; i < na; i++)
    {
      const KdRepLayer *li = kd_cka_model_layer (a, i);
      g_autofree float *x = capture (a_net, ds, idx, n, li);
      for (int j = 0; j < nb; j++)
        {
          const KdRepLayer *lj = kd_cka_model_layer (b, j);
          g_autofree float *y = capture (b_net, ds, idx, n, lj);
          double want = cka (x, (int)li->dim, y, (int)lj->dim, n);
          g_assert_cmpfloat_with_epsilon (ab[i * nb + j], want, 2e-6);
        }
      for (int j = 0; j < na; j++)
        {
          const KdRepLayer *lj = kd_cka_model_layer (a, j);
          g_autofree float *y = capture (a_net, ds, idx, n, lj);
          g_assert_cmpfloat_with_epsilon (aa[i * na + j], cka (x, (int)li->dim, y, (int)lj->dim, n),
                                          2e-6);
        }
    }
  kd_cka_model_free (a);
  kd_cka_model_free (b);
}

static void
test_cka_streaming_mlp (void)
{
  /* n = 45 makes fc64 and fc48 wide (Gram) and fc16 and the logits narrow (features). */
  KdDataset *ds = random_dataset (60, 1, 1, 12, 31);
  KdNet *teacher = make_net ("fc64-fc48", 1, 1, 12, 7, 32);
  KdNet *student = make_net ("fc16", 1, 1, 12, 7, 33);
  int32_t idx[45];
  for (int i = 0; i < 45; i++)
    idx[i] = (i * 17 + 3) % 60;
  /* Cache for 14 samples of the wide layers: two batches of 7, four passes. */
  check_streaming (teacher, student, ds, idx, 45, 14 * (64 + 48) * sizeof (float));
  kd_net_free (teacher);
  kd_net_free (student);
  kd_dataset_free (ds);
}

static void
test_cka_streaming_cnn (void)
{
  KdDataset *ds = random_dataset (40, 1, 8, 8, 41);
  KdNet *teacher = make_net ("conv4-pool-conv6-fc24", 1, 8, 8, 6, 42);
  KdNet *student = make_net ("conv2-pool", 1, 8, 8, 6, 43);
  check_streaming (teacher, student, ds, NULL, 40, 1);
  kd_net_free (teacher);
  kd_net_free (student);
  kd_dataset_free (ds);
}

/* Same inputs, same bits; and the cache size changes passes, not results. */
static void
test_cka_deterministic (void)
{
  KdDataset *ds = random_dataset (90, 1, 6, 6, 51);
  KdNet *t = make_net ("conv3-pool-fc40", 1, 6, 6, 16, 52);
  KdNet *s = make_net ("fc20", 1, 6, 6, 16, 53);
  double *runs[3];
  for (int run = 0; run < 3; run++)
    {
      KdCkaModel *a = model_new (t, ds, NULL, 90, run < 2 ? 0 : 1);
      KdCkaModel *b = model_new (s, ds, NULL, 90, run < 2 ? 0 : 1);
      g_assert_cmpint (kd_cka_model_passes (a), ==, run < 2 ? 1 : 6);
      runs[run] = matrix (a, b);
      kd_cka_model_free (a);
      kd_cka_model_free (b);
    }
  gsize count = 4 * 2;
  g_assert_cmpmem (runs[0], count * sizeof (double), runs[1], count * sizeof (double));
  for (gsize i = 0; i < count; i++)
    g_assert_cmpfloat_with_epsilon (runs[0][i], runs[2][i], 1e-6);
  for (int run = 0; run < 3; run++)
    g_free (runs[run]);
  kd_net_free (t);
  kd_net_free (s);
  kd_dataset_free (ds);
}

/* The three-model comparison gives each pair the matrix of kd_cka_matrix, skips pairs with
 * a missing model, and a baseline identical to the student matches it layer for layer. */
static void
test_cka_compare (void)
{
  KdDataset *ds = random_dataset (70, 1, 1, 10, 91);
  KdNet *t = make_net ("fc40-fc20", 1, 1, 10, 16, 92);
  KdNet *s = make_net ("fc8", 1, 1, 10, 16, 93);
  KdNet *b = make_net ("fc8", 1, 1, 10, 16, 93);
  KdNet *nets[KD_N_MODELS] = { [KD_TEACHER] = t, [KD_STUDENT] = s, [KD_BASELINE] = NULL };
  KdCkaResult *res = NULL;
  g_assert_cmpint (kd_cka_compare (nets, ds, NULL, 70, 0, NULL, &res), ==, KD_OK);
  g_assert_cmpint (res->n_samples, ==, 70);
  g_assert_cmpint (res->n_layers[KD_TEACHER], ==, 3);
  g_assert_cmpint (res->n_layers[KD_STUDENT], ==, 2);
  g_assert_cmpint (res->n_layers[KD_BASELINE], ==, 0);
  g_assert_cmpstr (res->layers[KD_TEACHER][1].name, ==, "fc2");
  g_assert_nonnull (res->cka[KD_CKA_TEACHER_STUDENT]);
  g_assert_nonnull (res->cka[KD_CKA_TEACHER_TEACHER]);
  g_assert_null (res->cka[KD_CKA_TEACHER_BASELINE]);
  g_assert_null (res->cka[KD_CKA_STUDENT_BASELINE]);
  KdCkaModel *mt = model_new (t, ds, NULL, 70, 0), *ms = model_new (s, ds, NULL, 70, 0);
  g_autofree double *ts = matrix (mt, ms);
  g_assert_cmpmem (ts, 6 * sizeof (double), res->cka[KD_CKA_TEACHER_STUDENT], 6 * sizeof (double));
  for (int i = 0; i < 3; i++)
    g_assert_cmpfloat (res->cka[KD_CKA_TEACHER_TEACHER][i * 3 + i], ==, 1.0);
  kd_cka_result_free (res);

  nets[KD_BASELINE] = b;
  g_assert_cmpint (kd_cka_compare (nets, ds, NULL, 70, 0, NULL, &res), ==, KD_OK);
  for (int i = 0; i < 2; i++)
    g_assert_cmpfloat (res->cka[KD_CKA_STUDENT_BASELINE][i * 2 + i], ==, 1.0);
  g_assert_cmpmem (res->cka[KD_CKA_TEACHER_STUDENT], 6 * sizeof (double),
                   res->cka[KD_CKA_TEACHER_BASELINE], 6 * sizeof (double));
  kd_cka_result_free (res);
  KdModelId rows, cols;
  kd_cka_pair_models (KD_CKA_STUDENT_BASELINE, &rows, &cols);
  g_assert_cmpint (rows, ==, KD_STUDENT);
  g_assert_cmpint (cols, ==, KD_BASELINE);
  /* A result from before must not survive a failed call. */
  static KdCkaResult stale;
  atomic_int cancel = 1;
  res = &stale;
  g_assert_cmpint (kd_cka_compare (nets, ds, NULL, 70, 0, &cancel, &res), ==, KD_ERR_CANCELLED);
  g_assert_null (res);
  kd_cka_model_free (mt);
  kd_cka_model_free (ms);
  kd_net_free (t);
  kd_net_free (s);
  kd_net_free (b);
  kd_dataset_free (ds);
}

/* A layer of dead ReLUs (all zero) gives 0, not NaN, against everything, itself included. */
static void
test_cka_dead_layer (void)
{
  KdDataset *ds = random_dataset (30, 1, 1, 4, 61);
  KdNet *net = make_net ("fc8-fc6", 1, 1, 4, 8, 62);
  /* fc2 outputs only its bias, which is negative: the ReLU kills every unit. */
  KdNetLayer *fc2 = &net->layers[2];
  memset (net->params + fc2->w_offset, 0, fc2->w_count * sizeof (float));
  for (size_t i = 0; i < fc2->b_count; i++)
    net->params[fc2->b_offset + i] = -1.0f;
  KdCkaModel *m = model_new (net, ds, NULL, 30, 0);
  g_autofree double *mm = matrix (m, m);
  int n = kd_cka_model_n_layers (m);
  g_assert_cmpint (n, ==, 3);
  for (int j = 0; j < n; j++)
    {
      g_assert_cmpfloat (mm[1 * n + j], ==, 0.0);
      g_assert_cmpfloat (mm[j * n + 1], ==, 0.0);
    }
  g_assert_cmpfloat (mm[0], ==, 1.0);
  kd_cka_model_free (m);
  kd_net_free (net);
  kd_dataset_free (ds);
}

/* Memory stays at the kept factors (4 n min(n, dim) bytes a layer) plus the cache: well below
 * all activations at full size for conv networks, and independent of the data size for the
 * cache. */
static void
test_cka_memory (void)
{
  KdNet *mlp = make_net ("fc1200-fc1200", 1, 28, 28, 256, 71);
  KdNet *cnn = make_net ("conv32-pool-conv64-pool-fc128", 1, 28, 28, 256, 72);
  int n = 2000;
  size_t mlp_bytes = kd_cka_model_memory (mlp, n, 0);
  size_t cnn_bytes = kd_cka_model_memory (cnn, n, 0);
  size_t cnn_full = (size_t)n * (25088 + 6272 + 12544 + 3136 + 128 + 10) * sizeof (float);
  size_t cnn_kept = (size_t)4 * n * n * sizeof (float) + (size_t)n * 138 * sizeof (float);
  size_t one_batch = (size_t)256 * 25088 * sizeof (float);
  g_test_message ("CKA memory for %d samples: fc1200-fc1200 %.1f MB, "
                  "conv32-pool-conv64-pool-fc128 %.1f MB (activations at full size %.1f MB)",
                  n, mlp_bytes / 1e6, cnn_bytes / 1e6, cnn_full / 1e6);
  g_assert_cmpuint (mlp_bytes, <, (size_t)48 << 20);
  g_assert_cmpuint (cnn_bytes, <=,
                    cnn_kept + KD_CKA_DEFAULT_CACHE_BYTES + one_batch + ((size_t)4 << 20));
  g_assert_cmpuint (cnn_bytes, <, cnn_full);
  /* A smaller cache means more passes and less memory, down to one cached batch. */
  size_t cnn_small = kd_cka_model_memory (cnn, n, 1);
  g_assert_cmpuint (cnn_small, <, cnn_bytes);
  g_assert_cmpuint (cnn_small, <, cnn_full / 2);
  kd_net_free (mlp);
  kd_net_free (cnn);
}

static void
test_cka_model_invalid (void)
{
  KdDataset *ds = random_dataset (10, 1, 1, 4, 81);
  KdDataset *other = random_dataset (10, 1, 1, 5, 81);
  KdNet *net = make_net ("fc4", 1, 1, 4, 4, 82);
  KdCkaModel *m = NULL;
  int32_t bad[] = { 0, 10 };
  g_assert_cmpint (kd_cka_model_new (net, ds, NULL, 1, 0, NULL, &m), ==, KD_ERR_INVALID);
  g_assert_cmpint (kd_cka_model_new (net, ds, NULL, 11, 0, NULL, &m), ==, KD_ERR_INVALID);
  g_assert_cmpint (kd_cka_model_new (net, ds, bad, 2, 0, NULL, &m), ==, KD_ERR_INVALID);
  g_assert_cmpint (kd_cka_model_new (net, other, NULL, 5, 0, NULL, &m), ==, KD_ERR_SHAPE);
  g_assert_null (m);
  atomic_int cancel = 1;
  g_assert_cmpint (kd_cka_model_new (net, ds, NULL, 5, 0, &cancel, &m), ==, KD_ERR_CANCELLED);
  g_assert_null (m);
  KdCkaModel *a = model_new (net, ds, NULL, 5, 0), *b = model_new (net, ds, NULL, 6, 0);
  double out[9];
  g_assert_cmpint (kd_cka_matrix (a, b, out), ==, KD_ERR_SHAPE);
  kd_cka_model_free (a);
  kd_cka_model_free (b);
  kd_net_free (net);
  kd_dataset_free (ds);
  kd_dataset_free (other);
}

/* ---- eigen-solver and PCA ---------------------------------------------------------------- */

/* a (d, d) = q^T diag (values) q for an orthogonal q whose rows are the eigenvectors. */
static double *
symmetric_with_spectrum (const double *q, const double *values, int d)
{
  double *a = g_new0 (double, d *d);
  for (int r = 0; r < d; r++)
    for (int i = 0; i < d; i++)
      for (int j = 0; j < d; j++)
        a[i * d + j] += values[r] * q[r * d + i] * q[r * d + j];
  return a;
}

static double
dot (const double *a, const double *b, int d)
{
  double s = 0.0;
  for (int i = 0; i < d; i++)
    s += a[i] * b[i];
  return s;
}

static void
check_sign_convention (const double *v, int d)
{
  int best = 0;
  for (int j = 1; j < d; j++)
    if (fabs (v[j]) > fabs (v[best]))
      best = j;
  g_assert_cmpfloat (v[best], >, 0.0);
}

static void
test_sym_eigen (void)
{
  KdRng rng;
  kd_rng_seed (&rng, 91);
  /* Jacobi (6), and subspace iteration (300) on a decaying spectrum. */
  const int sizes[] = { 6, 300 };
  for (gsize s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      int d = sizes[s], k = 3;
      g_autofree double *q = random_orthogonal (&rng, d);
      g_autofree double *values = g_new (double, d);
      for (int r = 0; r < d; r++)
        values[r] = 10.0 * pow (0.8, r);
      /* Jacobi also orders a negative eigenvalue of large magnitude correctly (subspace
       * iteration is only for the semi-definite matrices of PCA). */
      if (d <= KD_PCA_JACOBI_MAX)
        values[d - 1] = -20.0;
      g_autofree double *a = symmetric_with_spectrum (q, values, d);
      double got[3];
      g_autofree double *vec = g_new (double, k *d);
      g_assert_cmpint (kd_sym_eigen (a, d, k, got, vec), ==, KD_OK);
      for (int r = 0; r < k; r++)
        {
          g_assert_cmpfloat_with_epsilon (got[r], values[r], 1e-9 * values[0]);
          g_assert_cmpfloat_with_epsilon (fabs (dot (vec + r * d, q + r * d, d)), 1.0, 1e-9);
          check_sign_convention (vec + r * d, d);
        }
    }
  double one = 2.0, v;
  g_assert_cmpint (kd_sym_eigen (&one, 1, 1, &v, &v), ==, KD_OK);
  g_assert_cmpint (kd_sym_eigen (&one, 1, 2, &v, &v), ==, KD_ERR_INVALID);
}

/* z (n, 3): centred, orthogonal columns of squared norm n, so that the sample covariance of
 * the latent factors is exactly the identity and the data's principal axes are exactly the
 * axes they were put on (random draws would tilt them by about 1 / sqrt (n)). */
static double *
white_factors (KdRng *rng, int n)
{
  double *z = g_new (double, n * 3);
  for (int c = 0; c < 3; c++)
    {
      double mean = 0.0, norm = 0.0;
      for (int i = 0; i < n; i++)
        mean += (z[i * 3 + c] = kd_rng_normal (rng)) / n;
      for (int i = 0; i < n; i++)
        z[i * 3 + c] -= mean;
      for (int s = 0; s < c; s++)
        {
          double dt = 0.0;
          for (int i = 0; i < n; i++)
            dt += z[i * 3 + s] * z[i * 3 + c] / n;
          for (int i = 0; i < n; i++)
            z[i * 3 + c] -= dt * z[i * 3 + s];
        }
      for (int i = 0; i < n; i++)
        norm += z[i * 3 + c] * z[i * 3 + c];
      for (int i = 0; i < n; i++)
        z[i * 3 + c] *= sqrt (n / norm);
    }
  return z;
}

/* x (n, d) = sum_c scale_c z_c axis_c + 5 + noise with orthonormal axes: PCA finds the axes (up
 * to sign, which follows the convention), the coordinates' variances are the explained
 * variances, and those are the scales' shares of the total. Cases: covariance + Jacobi,
 * covariance + subspace iteration, Gram (d > n). */
static void
check_pca_axes (int n, int d, int k, guint64 seed)
{
  const double scale[] = { 6.0, 3.0, 1.5 }, noise = 0.005;
  KdRng rng;
  kd_rng_seed (&rng, seed);
  g_autofree double *q = random_orthogonal (&rng, d);
  g_autofree double *z = white_factors (&rng, n);
  g_autofree float *x = g_new (float, n *d);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < d; j++)
      {
        double v = 5.0 + noise * kd_rng_normal (&rng);
        for (int c = 0; c < 3; c++)
          v += scale[c] * z[i * 3 + c] * q[c * d + j];
        x[i * d + j] = (float)v;
      }
  g_autofree float *coords = g_new (float, n *k);
  g_autofree double *comps = g_new (double, k *d);
  double ratio[3];
  g_assert_cmpint (kd_pca (x, n, d, k, coords, ratio, comps), ==, KD_OK);
  double total = 0.0;
  for (int j = 0; j < d; j++)
    {
      double mean = 0.0, ss = 0.0;
      for (int i = 0; i < n; i++)
        mean += x[i * d + j] / (double)n;
      for (int i = 0; i < n; i++)
        ss += (x[i * d + j] - mean) * (x[i * d + j] - mean);
      total += ss;
    }
  for (int c = 0; c < k; c++)
    {
      g_assert_cmpfloat (fabs (dot (comps + c * d, q + c * d, d)), >, 0.9999);
      check_sign_convention (comps + c * d, d);
      double var = 0.0, mean = 0.0;
      for (int i = 0; i < n; i++)
        mean += coords[i * k + c] / (double)n;
      for (int i = 0; i < n; i++)
        var += (coords[i * k + c] - mean) * (coords[i * k + c] - mean);
      g_assert_cmpfloat (fabs (mean), <, 1e-4 * scale[0]);
      g_assert_cmpfloat_with_epsilon (ratio[c], var / total, 1e-5);
      double want = n * scale[c] * scale[c] / total;
      g_assert_cmpfloat_with_epsilon (ratio[c], want, 1e-2 * want);
      if (c > 0)
        g_assert_cmpfloat (ratio[c], <=, ratio[c - 1]);
    }
  g_autofree float *again = g_new (float, n *k);
  double ratio2[3];
  g_assert_cmpint (kd_pca (x, n, d, k, again, ratio2, NULL), ==, KD_OK);
  g_assert_cmpmem (coords, n * k * sizeof (float), again, n * k * sizeof (float));
}

static void
test_pca_axes (void)
{
  check_pca_axes (500, 5, 2, 101);
  check_pca_axes (500, 5, 3, 102);
  check_pca_axes (800, 260, 3, 103);
  check_pca_axes (90, 300, 3, 104);
}

static void
test_pca_constant (void)
{
  int n = 10, d = 4;
  float x[40];
  for (int i = 0; i < n * d; i++)
    x[i] = 1.25f;
  float coords[20];
  double ratio[2], comps[8];
  g_assert_cmpint (kd_pca (x, n, d, 2, coords, ratio, comps), ==, KD_OK);
  for (int i = 0; i < n * 2; i++)
    g_assert_cmpfloat (coords[i], ==, 0.0f);
  g_assert_cmpfloat (ratio[0], ==, 0.0);
  g_assert_cmpfloat (ratio[1], ==, 0.0);
  g_assert_cmpint (kd_pca (x, n, d, 5, coords, ratio, comps), ==, KD_ERR_INVALID);
  g_assert_cmpint (kd_pca (x, 1, d, 1, coords, ratio, comps), ==, KD_ERR_INVALID);
}

static void
test_pca_net (void)
{
  KdDataset *ds = random_dataset (50, 1, 6, 6, 111);
  KdNet *net = make_net ("conv3-pool-fc12", 1, 6, 6, 16, 112);
  const int32_t idx[] = { 3, 9, 4, 40, 41, 0, 7, 22, 23, 11, 30, 31 };
  int n = G_N_ELEMENTS (idx), k = 3;
  float coords[G_N_ELEMENTS (idx) * 3];
  double ratio[3];
  uint8_t labels[G_N_ELEMENTS (idx)];
  KdRepLayer layer;
  g_assert_cmpint (kd_pca_net (net, ds, idx, n, k, coords, ratio, labels, &layer, NULL), ==, KD_OK);
  g_assert_cmpstr (layer.name, ==, "fc1");
  g_assert_cmpuint (layer.dim, ==, 12);
  for (int i = 0; i < n; i++)
    g_assert_cmpint (labels[i], ==, ds->labels[idx[i]]);
  double sum = 0.0;
  for (int c = 0; c < k; c++)
    {
      g_assert_cmpfloat (ratio[c], >, 0.0);
      sum += ratio[c];
    }
  g_assert_cmpfloat (sum, <=, 1.0 + 1e-9);
  /* The same as PCA on the captured layer. */
  g_autofree float *x = capture (net, ds, idx, n, &layer);
  float direct[G_N_ELEMENTS (idx) * 3];
  double direct_ratio[3];
  g_assert_cmpint (kd_pca (x, n, 12, k, direct, direct_ratio, NULL), ==, KD_OK);
  g_assert_cmpmem (coords, sizeof coords, direct, sizeof direct);
  kd_net_free (net);
  kd_dataset_free (ds);
}

int
main (int argc, char **argv)
{
  kd_test_use_fast_blas (argv);
  g_test_init (&argc, &argv, NULL);
  kd_blas_set_threads (2);
  g_test_add_func ("/analysis/activations/layers-mlp", test_layers_mlp);
  g_test_add_func ("/analysis/activations/layers-cnn", test_layers_cnn);
  g_test_add_func ("/analysis/activations/sample", test_activations_sample);
  g_test_add_func ("/analysis/activations/stream", test_activations_stream);
  g_test_add_func ("/analysis/activations/gemm-dacc", test_gemm_dacc);
  g_test_add_func ("/analysis/cka/identity", test_cka_identity);
  g_test_add_func ("/analysis/cka/invariances", test_cka_invariances);
  g_test_add_func ("/analysis/cka/one-feature", test_cka_one_feature);
  g_test_add_func ("/analysis/cka/constant", test_cka_constant);
  g_test_add_func ("/analysis/cka/invalid", test_cka_invalid);
  g_test_add_func ("/analysis/cka/net-self", test_cka_net_self);
  g_test_add_func ("/analysis/cka/streaming-mlp", test_cka_streaming_mlp);
  g_test_add_func ("/analysis/cka/streaming-cnn", test_cka_streaming_cnn);
  g_test_add_func ("/analysis/cka/deterministic", test_cka_deterministic);
  g_test_add_func ("/analysis/cka/compare", test_cka_compare);
  g_test_add_func ("/analysis/cka/dead-layer", test_cka_dead_layer);
  g_test_add_func ("/analysis/cka/memory", test_cka_memory);
  g_test_add_func ("/analysis/cka/model-invalid", test_cka_model_invalid);
  g_test_add_func ("/analysis/pca/sym-eigen", test_sym_eigen);
  g_test_add_func ("/analysis/pca/axes", test_pca_axes);
  g_test_add_func ("/analysis/pca/constant", test_pca_constant);
  g_test_add_func ("/analysis/pca/net", test_pca_net);
  return g_test_run ();
}
