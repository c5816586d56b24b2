/* Architecture strings, network assembly, losses and optimizers of the numeric core. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "kd_arch.h"
#include "kd-test-blas.h"
#include "kd_blas.h"
#include "kd_loss.h"
#include "kd_net.h"
#include "kd_optim.h"

/* ---- architecture strings ---------------------------------------------------------------- */

static void
test_arch_parse_good (void)
{
  struct
  {
    const char *text, *canonical;
    int n_specs;
  } cases[] = {
    { "fc1200-fc1200", "fc1200-fc1200", 4 },
    { "conv32-pool-conv64-pool-fc128", "conv32-pool-conv64-pool-fc128", 8 },
    { "conv16k5s2p1-pool3-drop0.25-fc10", "conv16k5s2p1-pool3-drop0.25-fc10", 6 },
    { "fc64-dropout-fc8", "fc64-drop-fc8", 5 },
    { "", "linear", 0 },
    { "linear", "linear", 0 },
    { "conv8k3p1", "conv8", 2 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      KdArch arch;
      KdArchError err;
      g_assert_cmpint (kd_arch_parse (cases[i].text, &arch, &err), ==, KD_OK);
      g_assert_cmpint (arch.n_specs, ==, cases[i].n_specs);
      char buf[256];
      kd_arch_to_string (&arch, buf, sizeof buf);
      g_assert_cmpstr (buf, ==, cases[i].canonical);
      KdArch again;
      g_assert_cmpint (kd_arch_parse (buf, &again, NULL), ==, KD_OK);
      g_assert_cmpint (again.n_specs, ==, arch.n_specs);
    }
}

static void
test_arch_parse_bad (void)
{
  struct
  {
    const char *text;
    int position, length;
    const char *needle;
  } cases[] = {
    { "fc1200-fx12", 7, 4, "“fx12”" }, { "fc", 0, 2, "“fc”" },
    { "fc0", 0, 3, "“fc0”" },          { "fc10--fc5", 5, 0, "empty" },
    { "fc10-", 5, 0, "empty" },        { "-fc10", 0, 0, "empty" },
    { "conv32k0", 0, 8, "conv32k0" },  { "drop1.5", 0, 7, "drop1.5" },
    { "pool2x", 0, 6, "pool2x" },      { "fc99999999999", 0, 13, "fc99999999999" },
    { "fc10 -fc5", 0, 5, "fc10 " },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      KdArch arch;
      KdArchError err = { 0 };
      g_assert_cmpint (kd_arch_parse (cases[i].text, &arch, &err), ==, KD_ERR_ARCH);
      g_assert_cmpint (err.position, ==, cases[i].position);
      g_assert_cmpint (err.length, ==, cases[i].length);
      g_assert_nonnull (strstr (err.message, cases[i].needle));
    }
}

static void
test_arch_shape (void)
{
  KdArch arch;
  KdArchError err = { 0 };
  g_assert_cmpint (kd_arch_parse ("conv8-pool-pool-pool-pool-pool", &arch, NULL), ==, KD_OK);
  g_assert_cmpint (kd_arch_check_shape (&arch, 1, 28, 28, &err), ==, KD_ERR_ARCH);
  /* 28 -> 14 -> 7 -> 3 -> 1, and the fifth pool (at byte 26) has no room. */
  g_assert_cmpint (err.position, ==, 26);
  g_assert_nonnull (strstr (err.message, "1x1"));
  g_assert_cmpint (kd_arch_parse ("pool", &arch, NULL), ==, KD_OK);
  g_assert_cmpint (kd_arch_check_shape (&arch, 1, 1, 2, &err), ==, KD_ERR_ARCH);
}

/* ---- network assembly ------------------------------------------------------------------ */

static KdNet *
make_net (const char *text, int c, int h, int w, int k, int B, guint64 seed)
{
  KdArch arch;
  KdNet *net = NULL;
  g_assert_cmpint (kd_arch_parse (text, &arch, NULL), ==, KD_OK);
  g_assert_cmpint (kd_net_new (&arch, c, h, w, k, B, &net), ==, KD_OK);
  KdRng rng;
  kd_rng_seed (&rng, seed);
  kd_net_init_weights (net, &rng);
  return net;
}

static void
test_net_shapes (void)
{
  KdNet *mlp = make_net ("fc1200-fc1200", 1, 28, 28, 10, 4, 1);
  /* dense, relu, dense, relu, dense: a dense layer reads images as flat vectors */
  g_assert_cmpint (mlp->n_layers, ==, 5);
  g_assert_cmpint (mlp->layers[0].type, ==, KD_LAYER_DENSE);
  g_assert_cmpuint (mlp->n_params, ==, 784 * 1200 + 1200 + 1200 * 1200 + 1200 + 1200 * 10 + 10);
  kd_net_free (mlp);

  KdNet *cnn = make_net ("conv32-pool-conv64-pool-fc128", 1, 28, 28, 10, 4, 1);
  g_assert_cmpuint (cnn->n_params, ==,
                    32 * 9 + 32 + 64 * 32 * 9 + 64 + 3136 * 128 + 128 + 128 * 10 + 10);
  int flatten = 6;
  g_assert_cmpint (cnn->layers[flatten].type, ==, KD_LAYER_FLATTEN);
  g_assert_cmpint (cnn->layers[flatten].out_c, ==, 64 * 7 * 7);
  kd_net_free (cnn);

  KdNet *lin = make_net ("linear", 1, 1, 2, 3, 4, 1);
  g_assert_cmpint (lin->n_layers, ==, 1);
  g_assert_cmpuint (lin->n_params, ==, 9);
  kd_net_free (lin);
}

static void
test_net_init_bounds (void)
{
  KdNet *net = make_net ("fc50", 1, 1, 100, 10, 2, 3);
  float bound = 1.0f / sqrtf (100.0f);
  for (size_t i = 0; i < net->layers[0].w_count; i++)
    g_assert_cmpfloat (fabsf (net->params[i]), <=, bound);
  KdNet *again = make_net ("fc50", 1, 1, 100, 10, 2, 3);
  g_assert_cmpmem (net->params, net->n_params * 4, again->params, again->n_params * 4);
  kd_net_free (net);
  kd_net_free (again);
}

/* ---- gradient checks --------------------------------------------------------------------- */

/* Relative error between analytic and numerical gradients, scaled by the larger magnitude
 * (with a floor so tiny gradients compare absolutely). */
static double
rel_error_floor (const float *analytic, const double *numeric, size_t n, double floor)
{
  double worst = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      double scale = fmax (fmax (fabs (analytic[i]), fabs (numeric[i])), floor);
      worst = fmax (worst, fabs (analytic[i] - numeric[i]) / scale);
    }
  return worst;
}

static double
rel_error (const float *analytic, const double *numeric, size_t n)
{
  return rel_error_floor (analytic, numeric, n, 1e-3);
}

static void
fill_random (float *x, size_t n, KdRng *rng, float scale)
{
  for (size_t i = 0; i < n; i++)
    x[i] = scale * kd_rng_normal (rng);
}

static void
test_loss_ce_grad (void)
{
  enum
  {
    B = 5,
    K = 7
  };
  KdRng rng;
  kd_rng_seed (&rng, 11);
  float s[B * K], d[B * K];
  double num[B * K];
  uint8_t y[B] = { 0, 3, 6, 2, 2 };
  fill_random (s, B * K, &rng, 2.0f);
  kd_cross_entropy (s, y, B, K, d);
  for (int i = 0; i < B * K; i++)
    {
      float keep = s[i], h = 1e-2f;
      s[i] = keep + h;
      double up = kd_cross_entropy (s, y, B, K, NULL);
      s[i] = keep - h;
      double down = kd_cross_entropy (s, y, B, K, NULL);
      s[i] = keep;
      num[i] = (up - down) / (2.0 * h);
    }
  g_assert_cmpfloat (rel_error (d, num, B * K), <, 1e-3);
}

static double
kd_total (const float *s, const float *t, const uint8_t *y, int B, int K, float T, float a)
{
  return kd_distill_loss (s, t, y, B, K, T, a, NULL).total;
}

static void
test_loss_kd_grad (void)
{
  enum
  {
    B = 4,
    K = 10
  };
  const float temps[] = { 0.5f, 1.0f, 4.0f, 20.0f };
  const float alphas[] = { 0.0f, 0.5f, 0.9f, 1.0f };
  KdRng rng;
  kd_rng_seed (&rng, 12);
  float s[B * K], t[B * K], d[B * K];
  double num[B * K];
  uint8_t y[B] = { 1, 9, 0, 4 };
  for (gsize ti = 0; ti < G_N_ELEMENTS (temps); ti++)
    for (gsize ai = 0; ai < G_N_ELEMENTS (alphas); ai++)
      {
        fill_random (s, B * K, &rng, 3.0f);
        fill_random (t, B * K, &rng, 3.0f);
        float T = temps[ti], a = alphas[ai];
        kd_distill_loss (s, t, y, B, K, T, a, d);
        for (int i = 0; i < B * K; i++)
          {
            float keep = s[i], h = 1e-3f;
            s[i] = keep + h;
            double up = kd_total (s, t, y, B, K, T, a);
            s[i] = keep - h;
            double down = kd_total (s, t, y, B, K, T, a);
            s[i] = keep;
            num[i] = (up - down) / (2.0 * h);
          }
        double err = rel_error (d, num, B * K);
        if (err >= 1e-3)
          g_error ("KD gradient at T=%g alpha=%g: relative error %g", T, a, err);
      }
}

static void
test_loss_stability (void)
{
  /* Logits of 1e4 overflow a naive exp; log-sum-exp keeps everything finite. */
  float s[3] = { 1e4f, -1e4f, 0.0f }, t[3] = { -1e4f, 1e4f, 5e3f }, d[3];
  uint8_t y[1] = { 1 };
  double ce = kd_cross_entropy (s, y, 1, 3, d);
  g_assert_true (isfinite (ce));
  g_assert_cmpfloat_with_epsilon (ce, 2e4, 1.0);
  KdLossParts p = kd_distill_loss (s, t, y, 1, 3, 2.0f, 0.5f, d);
  g_assert_true (isfinite (p.total) && isfinite (p.kl));
  for (int i = 0; i < 3; i++)
    g_assert_true (isfinite (d[i]));
  /* KL of a distribution with itself is 0, and never negative. */
  g_assert_cmpfloat (kd_kl_divergence (s, s, 3, 3.0f), ==, 0.0);
  float probs[3];
  kd_softmax (probs, s, 3, 1.0f);
  g_assert_cmpfloat_with_epsilon (probs[0] + probs[1] + probs[2], 1.0, 1e-6);
}

static void
test_loss_kd_reference (void)
{
  /* Hand-computed: alpha * T^2 * KL + (1 - alpha) * CE for one row. */
  float s[2] = { 1.0f, 0.0f }, t[2] = { 0.0f, 1.0f };
  uint8_t y[1] = { 0 };
  float T = 2.0f, alpha = 0.25f;
  double ps0 = 1.0 / (1.0 + exp (-0.5)), pt0 = 1.0 / (1.0 + exp (0.5));
  double kl = pt0 * log (pt0 / ps0) + (1 - pt0) * log ((1 - pt0) / (1 - ps0));
  double ce = -log (1.0 / (1.0 + exp (-1.0)));
  KdLossParts p = kd_distill_loss (s, t, y, 1, 2, T, alpha, NULL);
  g_assert_cmpfloat_with_epsilon (p.kl, kl, 1e-6);
  g_assert_cmpfloat_with_epsilon (p.ce, ce, 1e-6);
  g_assert_cmpfloat_with_epsilon (p.total, alpha * T * T * kl + (1 - alpha) * ce, 1e-6);
}

/* Loss of the whole network on a fixed batch, accumulated in double. */
static double
net_loss (KdNet *net, const float *x, const uint8_t *y, int B)
{
  const float *logits = kd_net_forward (net, x, B);
  return kd_cross_entropy (logits, y, B, net->n_classes, NULL);
}

/* Central difference of the loss with respect to *v. A step across a ReLU kink or a max-pool
 * switch makes the one-sided slopes disagree; such points are counted and skipped, since no
 * derivative exists there to compare with. */
static double
probe (KdNet *net,
       float *v,
       float analytic,
       const float *x,
       const uint8_t *y,
       int B,
       int *checked,
       int *kinks)
{
  const float hstep = 1e-3f;
  float keep = *v;
  double mid = net_loss (net, x, y, B);
  *v = keep + hstep;
  double up = net_loss (net, x, y, B);
  *v = keep - hstep;
  double down = net_loss (net, x, y, B);
  *v = keep;
  double right = (up - mid) / hstep, left = (mid - down) / hstep;
  (*checked)++;
  if (fabs (right - left) > 0.1 * fmax (fmax (fabs (right), fabs (left)), 1e-2))
    {
      (*kinks)++;
      return 0.0;
    }
  /* Through a float32 network the difference quotient carries ~1e-4 of rounding and
   * truncation error, so gradients below 1e-2 are compared absolutely. */
  double num = (up - down) / (2.0 * hstep);
  return rel_error_floor (&analytic, &num, 1, 1e-2);
}

static void
check_net_grads (const char *arch, int c, int h, int w, int K)
{
  enum
  {
    B = 3
  };
  KdNet *net = make_net (arch, c, h, w, K, B, 5);
  size_t dim = kd_net_in_dim (net);
  float *x = g_new (float, B *dim), *dx = g_new (float, B *dim), *dl = g_new (float, B *K);
  uint8_t y[B] = { 0, 1, (uint8_t)(K - 1) };
  KdRng rng;
  kd_rng_seed (&rng, 9);
  fill_random (x, B * dim, &rng, 1.0f);
  kd_net_zero_grads (net);
  const float *logits = kd_net_forward (net, x, B);
  kd_cross_entropy (logits, y, B, K, dl);
  kd_net_backward (net, dl, B, dx);
  /* Parameters (a strided subset for the big ones) and every input element. */
  size_t stride = net->n_params > 400 ? net->n_params / 400 : 1;
  double worst = 0.0;
  int checked = 0, kinks = 0;
  for (size_t i = 0; i < net->n_params; i += stride)
    worst = fmax (worst, probe (net, &net->params[i], net->grads[i], x, y, B, &checked, &kinks));
  for (size_t i = 0; i < B * dim; i++)
    worst = fmax (worst, probe (net, &x[i], dx[i], x, y, B, &checked, &kinks));
  g_assert_cmpint (kinks, <, checked / 10);
  if (worst > 2e-2)
    g_error ("%s: gradient check relative error %g", arch, worst);
  g_free (x), g_free (dx), g_free (dl);
  kd_net_free (net);
}

static void
test_net_grad_mlp (void)
{
  check_net_grads ("fc16-fc8", 1, 1, 12, 5);
}

static void
test_net_grad_cnn (void)
{
  check_net_grads ("conv4-pool-conv6k3s1p1-pool-fc10", 2, 8, 8, 3);
}

static void
test_net_grad_linear (void)
{
  check_net_grads ("linear", 1, 1, 2, 3);
}

/* ---- optimizers -------------------------------------------------------------------------- */

static void
test_optim_adam (void)
{
  enum
  {
    N = 5,
    STEPS = 4
  };
  KdOptimConfig cfg;
  kd_optim_config_default (&cfg, KD_OPTIM_ADAM);
  cfg.weight_decay = 0.01f;
  KdOptim *opt = NULL;
  g_assert_cmpint (kd_optim_new (&cfg, N, &opt), ==, KD_OK);
  float p[N] = { 1, -2, 0.5f, 0, 3 }, g[N];
  double rp[N], rm[N] = { 0 }, rv[N] = { 0 };
  for (int i = 0; i < N; i++)
    rp[i] = p[i];
  for (int t = 1; t <= STEPS; t++)
    {
      for (int i = 0; i < N; i++)
        g[i] = (float)(0.1 * (i + 1) * t - 0.2);
      for (int i = 0; i < N; i++)
        {
          /* torch.optim.Adam, in double. */
          double gi = g[i] + 0.01 * rp[i];
          rm[i] = 0.9 * rm[i] + 0.1 * gi;
          rv[i] = 0.999 * rv[i] + 0.001 * gi * gi;
          double mhat = rm[i] / (1 - pow (0.9, t)), vhat = rv[i] / (1 - pow (0.999, t));
          rp[i] -= 1e-3 * mhat / (sqrt (vhat) + 1e-8);
        }
      kd_optim_step (opt, p, g);
      for (int i = 0; i < N; i++)
        g_assert_cmpfloat (g[i], ==, 0.0f);
    }
  for (int i = 0; i < N; i++)
    g_assert_cmpfloat_with_epsilon (p[i], rp[i], 1e-6);
  kd_optim_free (opt);
}

static void
test_optim_sgd (void)
{
  KdOptimConfig cfg;
  kd_optim_config_default (&cfg, KD_OPTIM_SGD);
  cfg.lr = 0.1f;
  cfg.momentum = 0.9f;
  KdOptim *opt = NULL;
  g_assert_cmpint (kd_optim_new (&cfg, 1, &opt), ==, KD_OK);
  float p = 1.0f, g = 1.0f;
  kd_optim_step (opt, &p, &g); /* buf = 1, p = 0.9 */
  g = 1.0f;
  kd_optim_step (opt, &p, &g); /* buf = 1.9, p = 0.71 */
  g_assert_cmpfloat_with_epsilon (p, 0.71, 1e-6);
  kd_optim_free (opt);
}

static void
test_net_dropout_modes (void)
{
  enum
  {
    B = 4
  };
  KdNet *net = make_net ("fc64-drop0.5", 1, 1, 8, 3, B, 2);
  float x[B * 8];
  KdRng rng;
  kd_rng_seed (&rng, 4);
  fill_random (x, B * 8, &rng, 1.0f);
  float a[B * 3], b[B * 3];
  net->training = false;
  memcpy (a, kd_net_forward (net, x, B), sizeof a);
  memcpy (b, kd_net_forward (net, x, B), sizeof b);
  g_assert_cmpmem (a, sizeof a, b, sizeof b);
  net->training = true;
  memcpy (b, kd_net_forward (net, x, B), sizeof b);
  g_assert_true (memcmp (a, b, sizeof a) != 0);
  kd_net_free (net);
}

static void
test_net_finite_check (void)
{
  KdNet *net = make_net ("fc8", 1, 1, 4, 2, 1, 1);
  g_assert_true (kd_net_params_finite (net));
  net->params[3] = NAN;
  g_assert_false (kd_net_params_finite (net));
  net->params[3] = INFINITY;
  g_assert_false (kd_net_params_finite (net));
  kd_net_free (net);
}

/* kd_optim_backward_step updates layer by layer, fused into the backward pass (and with the
 * ReLUs folded into the dense layers); it must give exactly the weights of a backward pass
 * followed by one optimizer pass, on one thread and split over two. */
static void
check_fused_step (const char *arch, KdOptimKind kind, int threads)
{
  enum
  {
    B = 24,
    K = 10,
    STEPS = 3
  };
  kd_blas_set_threads (threads);
  KdNet *a = make_net (arch, 1, 28, 28, K, B, 5), *b = NULL;
  g_assert_cmpint (kd_net_clone (a, B, &b), ==, KD_OK);
  a->training = b->training = true;
  KdOptimConfig cfg;
  kd_optim_config_default (&cfg, kind);
  KdOptim *oa = NULL, *ob = NULL;
  g_assert_cmpint (kd_optim_new (&cfg, a->n_params, &oa), ==, KD_OK);
  g_assert_cmpint (kd_optim_new (&cfg, b->n_params, &ob), ==, KD_OK);
  g_autofree float *x = g_new (float, B * 784);
  float dl[B * K];
  uint8_t y[B];
  KdRng rng;
  kd_rng_seed (&rng, 9);
  for (int s = 0; s < STEPS; s++)
    {
      for (int i = 0; i < B * 784; i++)
        x[i] = 2.0f * kd_rng_uniform (&rng) - 1.0f;
      for (int i = 0; i < B; i++)
        y[i] = (uint8_t)kd_rng_below (&rng, K);
      kd_cross_entropy (kd_net_forward (a, x, B), y, B, K, dl);
      kd_net_backward (a, dl, B, NULL);
      kd_optim_step (oa, a->params, a->grads);
      kd_cross_entropy (kd_net_forward (b, x, B), y, B, K, dl);
      kd_optim_backward_step (ob, b, dl, B);
    }
  g_assert_cmpmem (a->params, a->n_params * sizeof (float), b->params,
                   b->n_params * sizeof (float));
  g_assert_cmpmem (a->grads, a->n_params * sizeof (float), b->grads, b->n_params * sizeof (float));
  kd_optim_free (oa);
  kd_optim_free (ob);
  kd_net_free (a);
  kd_net_free (b);
  kd_blas_set_threads (1);
}

static void
test_optim_fused (void)
{
  for (int threads = 1; threads <= 2; threads++)
    {
      check_fused_step ("fc200-fc120", KD_OPTIM_ADAM, threads);
      check_fused_step ("fc64-drop0.2-fc32", KD_OPTIM_SGD, threads);
      check_fused_step ("conv8-pool-conv16-pool-fc32", KD_OPTIM_ADAM, threads);
    }
}

int
main (int argc, char **argv)
{
  kd_test_use_fast_blas (argv);
  g_test_init (&argc, &argv, NULL);
  kd_blas_set_threads (1);
  g_test_add_func ("/core/arch/parse-good", test_arch_parse_good);
  g_test_add_func ("/core/arch/parse-bad", test_arch_parse_bad);
  g_test_add_func ("/core/arch/shape", test_arch_shape);
  g_test_add_func ("/core/net/shapes", test_net_shapes);
  g_test_add_func ("/core/net/init", test_net_init_bounds);
  g_test_add_func ("/core/net/dropout-modes", test_net_dropout_modes);
  g_test_add_func ("/core/net/finite", test_net_finite_check);
  g_test_add_func ("/core/net/backward/mlp", test_net_grad_mlp);
  g_test_add_func ("/core/net/backward/cnn", test_net_grad_cnn);
  g_test_add_func ("/core/net/backward/linear", test_net_grad_linear);
  g_test_add_func ("/core/loss/ce/backward", test_loss_ce_grad);
  g_test_add_func ("/core/loss/kd/backward", test_loss_kd_grad);
  g_test_add_func ("/core/loss/kd/reference", test_loss_kd_reference);
  g_test_add_func ("/core/loss/stability", test_loss_stability);
  g_test_add_func ("/core/optim/adam", test_optim_adam);
  g_test_add_func ("/core/optim/sgd", test_optim_sgd);
  g_test_add_func ("/core/optim/fused", test_optim_fused);
  return g_test_run ();
}
