/* test-core-layers.c — layer operations against naive references and central differences.
 *
 * Gradient checks follow kann's kad_check_grad: L = sum (out * R) for a fixed random R, so
 * dL/dout = R is fed to the backward pass, and each input, weight and bias is perturbed by
 * +-eps in float while L is summed in double. The error is max |analytic - numeric| over the
 * largest magnitude of the tensor, so a small gradient next to a large one is not judged on
 * its own rounding noise.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "kd-test-blas.h"
#include "kd_blas.h"
#include "kd_layers.h"
#include "kd_rng.h"

#define GRAD_EPS 1e-3f
/* Observed errors are around 1e-4; an indexing or transpose bug gives O(1). */
#define GRAD_TOL 2e-3

static void
fill_uniform (float *x, size_t n, KdRng *rng, float lo, float hi)
{
  for (size_t i = 0; i < n; i++)
    x[i] = lo + (hi - lo) * kd_rng_uniform (rng);
}

static void
fill_nan (float *x, size_t n)
{
  for (size_t i = 0; i < n; i++)
    x[i] = NAN;
}

/* Largest |x - ref| relative to max (max |ref|, floor); infinite when x holds a NaN. */
static double
rel_diff (const float *x, const double *ref, size_t n, double floor)
{
  double max_diff = 0.0, max_mag = floor;
  for (size_t i = 0; i < n; i++)
    {
      if (!isfinite (x[i]))
        return INFINITY;
      max_diff = fmax (max_diff, fabs (x[i] - ref[i]));
      max_mag = fmax (max_mag, fabs (ref[i]));
    }
  return max_diff / max_mag;
}

static void
check_err (const char *what, double err, double tol)
{
  if (g_test_verbose ())
    g_test_message ("%s: relative error %.3g", what, err);
  if (!(err < tol))
    g_test_fail_printf ("%s: relative error %.3g, tolerance %.3g", what, err, tol);
}

/* ---- gradient checking ---- */

typedef struct
{
  void (*forward) (void *op, float *out);
  void *op;
  float *out;     /* (n_out) */
  const float *r; /* (n_out) the fixed dL/dout */
  size_t n_out;
} Probe;

static double
probe_loss (Probe *p)
{
  p->forward (p->op, p->out);
  double l = 0.0;
  for (size_t i = 0; i < p->n_out; i++)
    l += (double)p->out[i] * p->r[i];
  return l;
}

/* Central differences of L over every element of x, against the analytic gradient:
 * max |a - n| / max (|a|, |n|, 1e-2) over the tensor; infinite when a is not finite. */
static double
grad_error (Probe *p, float *x, const float *analytic, size_t n)
{
  double max_diff = 0.0, max_mag = 1e-2;
  for (size_t i = 0; i < n; i++)
    {
      if (!isfinite (analytic[i]))
        return INFINITY;
      float orig = x[i];
      float up = orig + GRAD_EPS, down = orig - GRAD_EPS;
      x[i] = up;
      double l_up = probe_loss (p);
      x[i] = down;
      double l_down = probe_loss (p);
      x[i] = orig;
      /* The step actually taken in float, not the nominal 2 eps. */
      double numeric = (l_up - l_down) / ((double)up - (double)down);
      max_diff = fmax (max_diff, fabs (analytic[i] - numeric));
      max_mag = fmax (max_mag, fmax (fabs (analytic[i]), fabs (numeric)));
    }
  return max_diff / max_mag;
}

/* ---- sgemm ---- */

static void
check_sgemm (bool ta, bool tb, int m, int n, int k, float beta, KdRng *rng)
{
  /* Leading dimensions wider than the matrices, as when multiplying sub-blocks. */
  int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 1;
  size_t size_a = (size_t)(ta ? k : m) * lda, size_b = (size_t)(tb ? n : k) * ldb;
  size_t size_c = (size_t)m * ldc;
  g_autofree float *a = g_new (float, size_a);
  g_autofree float *b = g_new (float, size_b);
  g_autofree float *c = g_new (float, size_c);
  g_autofree float *c_ref = g_new (float, size_c);
  fill_uniform (a, size_a, rng, -1.0f, 1.0f);
  fill_uniform (b, size_b, rng, -1.0f, 1.0f);
  fill_uniform (c, size_c, rng, -1.0f, 1.0f);
  /* beta = 0 must overwrite C, whatever it held: the layers hand it raw workspace. */
  if (beta == 0.0f)
    fill_nan (c, size_c);
  memcpy (c_ref, c, sizeof (float) * size_c);
  kd_sgemm (ta, tb, m, n, k, 0.75f, a, lda, b, ldb, beta, c, ldc);
  kd_sgemm_ref (ta, tb, m, n, k, 0.75f, a, lda, b, ldb, beta, c_ref, ldc);
  /* Only the m x n block: the padding column is not part of C. */
  size_t size = (size_t)m * n;
  g_autofree float *got = g_new (float, size);
  g_autofree double *want = g_new (double, size);
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++)
      {
        got[(size_t)i * n + j] = c[(size_t)i * ldc + j];
        want[(size_t)i * n + j] = c_ref[(size_t)i * ldc + j];
      }
  g_autofree char *what
      = g_strdup_printf ("sgemm ta=%d tb=%d %dx%dx%d beta=%g", ta, tb, m, n, k, beta);
  check_err (what, rel_diff (got, want, size, 1.0), 1e-5);
}

static void
test_sgemm (void)
{
  /* The last two are large enough to be split over two threads: by rows, then by columns. */
  static const int sizes[][3] = { { 1, 1, 1 },     { 7, 5, 3 },     { 37, 29, 53 },
                                  { 67, 45, 131 }, { 130, 96, 70 }, { 45, 150, 64 } };
  KdRng rng;
  kd_rng_seed (&rng, 1);
  for (int mode = 0; mode < 3; mode++)
    {
      /* One thread; two split over the pool; two of OpenBLAS's own. */
      kd_blas_set_threads (mode == 0 ? 1 : 2);
      kd_blas_use_openblas_threads (mode == 2);
      for (int t = 0; t < 4; t++)
        for (size_t s = 0; s < G_N_ELEMENTS (sizes); s++)
          {
            check_sgemm (t & 1, t >> 1, sizes[s][0], sizes[s][1], sizes[s][2], 0.0f, &rng);
            check_sgemm (t & 1, t >> 1, sizes[s][0], sizes[s][1], sizes[s][2], 0.5f, &rng);
          }
    }
  kd_blas_use_openblas_threads (false);
  kd_blas_set_threads (1);
}

/* ---- dense ---- */

typedef struct
{
  int B, I, O;
  float *in; /* (B, I) */
  float *w;  /* (O, I) */
  float *b;  /* (O) */
} DenseOp;

static DenseOp
dense_op_new (int B, int I, int O, KdRng *rng)
{
  size_t n_in = (size_t)B * I, n_w = (size_t)O * I;
  DenseOp op = { B, I, O, g_new (float, n_in), g_new (float, n_w), g_new (float, O) };
  fill_uniform (op.in, n_in, rng, -1.0f, 1.0f);
  fill_uniform (op.w, n_w, rng, -1.0f, 1.0f);
  fill_uniform (op.b, O, rng, -1.0f, 1.0f);
  return op;
}

static void
dense_op_clear (DenseOp *op)
{
  g_free (op->in);
  g_free (op->w);
  g_free (op->b);
}

static void
dense_forward_op (void *op, float *out)
{
  DenseOp *d = op;
  kd_dense_forward (out, d->in, d->w, d->b, d->B, d->I, d->O);
}

static void
test_dense_forward (void)
{
  KdRng rng;
  kd_rng_seed (&rng, 2);
  DenseOp op = dense_op_new (5, 37, 11, &rng);
  g_autofree float *out = g_new (float, 5 * 11);
  g_autofree double *ref = g_new (double, 5 * 11);
  for (int b = 0; b < op.B; b++)
    for (int o = 0; o < op.O; o++)
      {
        double acc = op.b[o];
        for (int i = 0; i < op.I; i++)
          acc += (double)op.in[b * op.I + i] * op.w[o * op.I + i];
        ref[b * op.O + o] = acc;
      }
  fill_nan (out, 5 * 11);
  dense_forward_op (&op, out);
  check_err ("dense forward", rel_diff (out, ref, 5 * 11, 1.0), 1e-6);
  dense_op_clear (&op);
}

static void
check_dense_grads (int B, int I, int O)
{
  KdRng rng;
  kd_rng_seed (&rng, 3);
  DenseOp op = dense_op_new (B, I, O, &rng);
  size_t n_in = (size_t)B * I, n_out = (size_t)B * O, n_w = (size_t)O * I;
  g_autofree float *r = g_new (float, n_out);
  g_autofree float *out = g_new (float, n_out);
  g_autofree float *din = g_new (float, n_in);
  g_autofree float *dw = g_new0 (float, n_w);
  g_autofree float *db = g_new0 (float, O);
  fill_uniform (r, n_out, &rng, -1.0f, 1.0f);
  fill_nan (din, n_in);
  kd_dense_backward (r, op.in, op.w, din, dw, db, B, I, O);

  Probe p = { dense_forward_op, &op, out, r, n_out };
  g_autofree char *what = g_strdup_printf ("dense %dx%d->%d", B, I, O);
  g_autofree char *w_in = g_strconcat (what, " din", NULL);
  g_autofree char *w_w = g_strconcat (what, " dw", NULL);
  g_autofree char *w_b = g_strconcat (what, " db", NULL);
  check_err (w_in, grad_error (&p, op.in, din, n_in), GRAD_TOL);
  check_err (w_w, grad_error (&p, op.w, dw, n_w), GRAD_TOL);
  check_err (w_b, grad_error (&p, op.b, db, O), GRAD_TOL);
  dense_op_clear (&op);
}

static void
test_dense_backward (void)
{
  check_dense_grads (1, 1, 1);
  check_dense_grads (3, 7, 5);
  check_dense_grads (4, 33, 17);
}

static void
test_dense_accumulate (void)
{
  const int B = 6, I = 9, O = 4;
  KdRng rng;
  kd_rng_seed (&rng, 4);
  DenseOp op = dense_op_new (B, I, O, &rng);
  g_autofree float *r = g_new (float, B *O);
  g_autofree float *din = g_new (float, B *I);
  g_autofree float *dw1 = g_new0 (float, O *I);
  g_autofree float *db1 = g_new0 (float, O);
  g_autofree float *dw2 = g_new0 (float, O *I);
  g_autofree float *db2 = g_new0 (float, O);
  fill_uniform (r, B * O, &rng, -1.0f, 1.0f);
  kd_dense_backward (r, op.in, op.w, din, dw1, db1, B, I, O);
  /* The first layer passes no input gradient; parameter gradients must not change. */
  kd_dense_backward (r, op.in, op.w, NULL, dw2, db2, B, I, O);
  g_assert_cmpmem (dw1, O * I * sizeof (float), dw2, O * I * sizeof (float));
  g_assert_cmpmem (db1, O * sizeof (float), db2, O * sizeof (float));
  kd_dense_backward (r, op.in, op.w, NULL, dw2, db2, B, I, O);
  for (int i = 0; i < O * I; i++)
    g_assert_cmpfloat_with_epsilon (dw2[i], 2.0f * dw1[i], 1e-6f * (1.0f + fabsf (dw1[i])));
  for (int o = 0; o < O; o++)
    g_assert_cmpfloat_with_epsilon (db2[o], 2.0f * db1[o], 1e-6f * (1.0f + fabsf (db1[o])));
  dense_op_clear (&op);
}

/* ---- conv2d ---- */

typedef struct
{
  KdConvDims d;
  float *in;   /* (B, C_in, H, W) */
  float *w;    /* (C_out, C_in, K, K) */
  float *b;    /* (C_out) */
  float *work; /* (kd_conv2d_workspace) */
} ConvOp;

static const KdConvDims conv_cases[] = {
  { .B = 2, .C_in = 3, .H = 7, .W = 9, .C_out = 4, .K = 3, .stride = 1, .pad = 1 },
  { .B = 2, .C_in = 2, .H = 8, .W = 6, .C_out = 3, .K = 1, .stride = 1, .pad = 0 },
  { .B = 3, .C_in = 2, .H = 9, .W = 7, .C_out = 2, .K = 5, .stride = 2, .pad = 2 },
  { .B = 2, .C_in = 3, .H = 10, .W = 7, .C_out = 3, .K = 3, .stride = 2, .pad = 0 },
  { .B = 1, .C_in = 1, .H = 6, .W = 5, .C_out = 2, .K = 3, .stride = 1, .pad = 2 },
  { .B = 2, .C_in = 2, .H = 11, .W = 8, .C_out = 3, .K = 5, .stride = 1, .pad = 1 },
  { .B = 2, .C_in = 1, .H = 5, .W = 6, .C_out = 2, .K = 2, .stride = 3, .pad = 1 },
  { .B = 2, .C_in = 2, .H = 4, .W = 9, .C_out = 2, .K = 1, .stride = 2, .pad = 1 },
  /* The batch split into parts, each with its own dw and db (uneven; more parts than images). */
  { .B = 3, .C_in = 3, .H = 7, .W = 9, .C_out = 4, .K = 3, .stride = 1, .pad = 1, .parts = 2 },
  { .B = 2, .C_in = 2, .H = 9, .W = 7, .C_out = 2, .K = 5, .stride = 2, .pad = 2, .parts = 3 },
};

/* Too many elements to perturb one by one; checked against the direct loops instead. */
static const KdConvDims conv_large_cases[] = {
  /* Large enough for OpenBLAS's blocked, threaded kernels (the CNN's second layer, smaller). */
  { .B = 4, .C_in = 16, .H = 14, .W = 13, .C_out = 24, .K = 3, .stride = 1, .pad = 1 },
  /* Several images per GEMM chunk, with a shorter last chunk (for a 1 MB chunk budget). */
  { .B = 5, .C_in = 8, .H = 35, .W = 35, .C_out = 8, .K = 3, .stride = 1, .pad = 1 },
  /* One image per chunk, where the GEMM writes NCHW directly; strided, not "same". */
  { .B = 2, .C_in = 32, .H = 48, .W = 45, .C_out = 4, .K = 5, .stride = 2, .pad = 2 },
  /* The same, with the batch split over threads: several chunks per part, uneven parts. */
  { .B = 5, .C_in = 8, .H = 35, .W = 35, .C_out = 8, .K = 3, .stride = 1, .pad = 1, .parts = 2 },
  { .B = 7, .C_in = 16, .H = 14, .W = 13, .C_out = 24, .K = 3, .stride = 1, .pad = 1, .parts = 3 },
};

static size_t
conv_in_size (const KdConvDims *d)
{
  return (size_t)d->B * d->C_in * d->H * d->W;
}

static size_t
conv_out_size (const KdConvDims *d)
{
  return (size_t)d->B * d->C_out * d->H_out * d->W_out;
}

static size_t
conv_w_size (const KdConvDims *d)
{
  return (size_t)d->C_out * d->C_in * d->K * d->K;
}

static ConvOp
conv_op_new (const KdConvDims *dims, KdRng *rng)
{
  ConvOp op = { .d = *dims };
  g_assert_cmpint (kd_conv_dims_init (&op.d), ==, 0);
  op.in = g_new (float, conv_in_size (&op.d));
  op.w = g_new (float, conv_w_size (&op.d));
  op.b = g_new (float, op.d.C_out);
  /* Exactly the advertised workspace, so that AddressSanitizer catches any overrun. */
  op.work = g_new (float, kd_conv2d_workspace (&op.d));
  fill_uniform (op.in, conv_in_size (&op.d), rng, -1.0f, 1.0f);
  fill_uniform (op.w, conv_w_size (&op.d), rng, -1.0f, 1.0f);
  fill_uniform (op.b, op.d.C_out, rng, -1.0f, 1.0f);
  return op;
}

static void
conv_op_clear (ConvOp *op)
{
  g_free (op->in);
  g_free (op->w);
  g_free (op->b);
  g_free (op->work);
}

static void
conv_forward_op (void *op, float *out)
{
  ConvOp *c = op;
  kd_conv2d_forward (out, c->in, c->w, c->b, &c->d, c->work);
}

/* Direct convolution in double: the forward output, and when dout is given, the gradients
 * (all three accumulated into zeroed arrays). */
static void
naive_conv (const ConvOp *op, double *out, const float *dout, double *din, double *dw, double *db)
{
  const KdConvDims *d = &op->d;
  for (int b = 0; b < d->B; b++)
    for (int co = 0; co < d->C_out; co++)
      for (int oh = 0; oh < d->H_out; oh++)
        for (int ow = 0; ow < d->W_out; ow++)
          {
            size_t o = (((size_t)b * d->C_out + co) * d->H_out + oh) * d->W_out + ow;
            double acc = op->b[co], g = dout ? dout[o] : 0.0;
            if (dout)
              db[co] += g;
            for (int ci = 0; ci < d->C_in; ci++)
              for (int kh = 0; kh < d->K; kh++)
                for (int kw = 0; kw < d->K; kw++)
                  {
                    int ih = oh * d->stride - d->pad + kh, iw = ow * d->stride - d->pad + kw;
                    if (ih < 0 || ih >= d->H || iw < 0 || iw >= d->W)
                      continue;
                    size_t i = (((size_t)b * d->C_in + ci) * d->H + ih) * d->W + iw;
                    size_t k = (((size_t)co * d->C_in + ci) * d->K + kh) * d->K + kw;
                    acc += (double)op->in[i] * op->w[k];
                    if (dout)
                      din[i] += g * op->w[k], dw[k] += g * op->in[i];
                  }
            out[o] = acc;
          }
}

static char *
conv_name (const KdConvDims *d)
{
  return g_strdup_printf ("b%dc%dh%dw%do%dk%ds%dp%dx%d", d->B, d->C_in, d->H, d->W, d->C_out, d->K,
                          d->stride, d->pad, d->parts > 1 ? d->parts : 1);
}

static void
test_conv_forward (gconstpointer data)
{
  KdRng rng;
  kd_rng_seed (&rng, 5);
  ConvOp op = conv_op_new (data, &rng);
  size_t n_out = conv_out_size (&op.d);
  g_autofree float *out = g_new (float, n_out);
  g_autofree double *ref = g_new (double, n_out);
  fill_nan (op.work, kd_conv2d_workspace (&op.d));
  fill_nan (out, n_out);
  conv_forward_op (&op, out);
  naive_conv (&op, ref, NULL, NULL, NULL, NULL);
  g_autofree char *name = conv_name (&op.d);
  check_err (name, rel_diff (out, ref, n_out, 1.0), 1e-5);
  conv_op_clear (&op);
}

static void
test_conv_backward (gconstpointer data)
{
  KdRng rng;
  kd_rng_seed (&rng, 6);
  ConvOp op = conv_op_new (data, &rng);
  size_t n_in = conv_in_size (&op.d), n_out = conv_out_size (&op.d), n_w = conv_w_size (&op.d);
  g_autofree float *r = g_new (float, n_out);
  g_autofree float *out = g_new (float, n_out);
  g_autofree float *din = g_new (float, n_in);
  g_autofree float *dw = g_new0 (float, n_w);
  g_autofree float *db = g_new0 (float, op.d.C_out);
  fill_uniform (r, n_out, &rng, -1.0f, 1.0f);
  fill_nan (din, n_in);
  kd_conv2d_backward (r, op.in, op.w, din, dw, db, &op.d, op.work);

  Probe p = { conv_forward_op, &op, out, r, n_out };
  g_autofree char *name = conv_name (&op.d);
  g_autofree char *w_in = g_strconcat (name, " din", NULL);
  g_autofree char *w_w = g_strconcat (name, " dw", NULL);
  g_autofree char *w_b = g_strconcat (name, " db", NULL);
  check_err (w_in, grad_error (&p, op.in, din, n_in), GRAD_TOL);
  check_err (w_w, grad_error (&p, op.w, dw, n_w), GRAD_TOL);
  check_err (w_b, grad_error (&p, op.b, db, op.d.C_out), GRAD_TOL);
  conv_op_clear (&op);
}

/* Forward and gradients of a large geometry against the direct loops, on two BLAS threads. */
static void
test_conv_reference (gconstpointer data)
{
  KdRng rng;
  kd_rng_seed (&rng, 7);
  ConvOp op = conv_op_new (data, &rng);
  size_t n_in = conv_in_size (&op.d), n_out = conv_out_size (&op.d), n_w = conv_w_size (&op.d);
  g_autofree float *r = g_new (float, n_out);
  g_autofree float *out = g_new (float, n_out);
  g_autofree float *din = g_new (float, n_in);
  g_autofree float *dw = g_new0 (float, n_w);
  g_autofree float *db = g_new0 (float, op.d.C_out);
  g_autofree double *out_ref = g_new (double, n_out);
  g_autofree double *din_ref = g_new0 (double, n_in);
  g_autofree double *dw_ref = g_new0 (double, n_w);
  g_autofree double *db_ref = g_new0 (double, op.d.C_out);
  fill_uniform (r, n_out, &rng, -1.0f, 1.0f);
  fill_nan (out, n_out);
  fill_nan (din, n_in);
  kd_blas_set_threads (2);
  conv_forward_op (&op, out);
  kd_conv2d_backward (r, op.in, op.w, din, dw, db, &op.d, op.work);
  kd_blas_set_threads (1);
  naive_conv (&op, out_ref, r, din_ref, dw_ref, db_ref);
  g_autofree char *name = conv_name (&op.d);
  g_autofree char *w_out = g_strconcat (name, " out", NULL);
  g_autofree char *w_in = g_strconcat (name, " din", NULL);
  g_autofree char *w_w = g_strconcat (name, " dw", NULL);
  g_autofree char *w_b = g_strconcat (name, " db", NULL);
  check_err (w_out, rel_diff (out, out_ref, n_out, 1.0), 1e-5);
  check_err (w_in, rel_diff (din, din_ref, n_in, 1.0), 1e-5);
  check_err (w_w, rel_diff (dw, dw_ref, n_w, 1.0), 1e-5);
  check_err (w_b, rel_diff (db, db_ref, op.d.C_out, 1.0), 1e-5);
  conv_op_clear (&op);
}

static void
test_conv_accumulate (void)
{
  KdRng rng;
  kd_rng_seed (&rng, 8);
  ConvOp op = conv_op_new (&conv_cases[2], &rng);
  size_t n_in = conv_in_size (&op.d), n_out = conv_out_size (&op.d), n_w = conv_w_size (&op.d);
  int C = op.d.C_out;
  g_autofree float *r = g_new (float, n_out);
  g_autofree float *din = g_new (float, n_in);
  g_autofree float *dw1 = g_new0 (float, n_w);
  g_autofree float *db1 = g_new0 (float, C);
  g_autofree float *dw2 = g_new0 (float, n_w);
  g_autofree float *db2 = g_new0 (float, C);
  fill_uniform (r, n_out, &rng, -1.0f, 1.0f);
  kd_conv2d_backward (r, op.in, op.w, din, dw1, db1, &op.d, op.work);
  kd_conv2d_backward (r, op.in, op.w, NULL, dw2, db2, &op.d, op.work);
  g_assert_cmpmem (dw1, n_w * sizeof (float), dw2, n_w * sizeof (float));
  g_assert_cmpmem (db1, C * sizeof (float), db2, C * sizeof (float));
  kd_conv2d_backward (r, op.in, op.w, NULL, dw2, db2, &op.d, op.work);
  for (size_t i = 0; i < n_w; i++)
    g_assert_cmpfloat_with_epsilon (dw2[i], 2.0f * dw1[i], 1e-6f * (1.0f + fabsf (dw1[i])));
  for (int o = 0; o < C; o++)
    g_assert_cmpfloat_with_epsilon (db2[o], 2.0f * db1[o], 1e-6f * (1.0f + fabsf (db1[o])));
  conv_op_clear (&op);
}

/* rel_diff against a float result. */
static double
rel_diff_floats (const float *x, const float *ref, size_t n)
{
  g_autofree double *r = g_new (double, n);
  for (size_t i = 0; i < n; i++)
    r[i] = ref[i];
  return rel_diff (x, r, n, 1.0);
}

/* A split batch gives the same bits on every run (the parts' sums are added in part order,
 * whatever the threads' timing), and the serial result up to rounding. */
static void
test_conv_parts_repeat (void)
{
  KdRng rng;
  kd_rng_seed (&rng, 9);
  KdConvDims dims = conv_large_cases[3];
  ConvOp op = conv_op_new (&dims, &rng);
  dims.parts = 1;
  ConvOp serial = conv_op_new (&dims, &rng);
  size_t n_in = conv_in_size (&op.d), n_out = conv_out_size (&op.d), n_w = conv_w_size (&op.d);
  int C = op.d.C_out;
  g_autofree float *r = g_new (float, n_out);
  float *din[3] = { g_new (float, n_in), g_new (float, n_in), g_new (float, n_in) };
  float *dw[3] = { g_new0 (float, n_w), g_new0 (float, n_w), g_new0 (float, n_w) };
  float *db[3] = { g_new0 (float, C), g_new0 (float, C), g_new0 (float, C) };
  fill_uniform (r, n_out, &rng, -1.0f, 1.0f);
  kd_blas_set_threads (2);
  for (int k = 0; k < 2; k++)
    kd_conv2d_backward (r, op.in, op.w, din[k], dw[k], db[k], &op.d, op.work);
  kd_conv2d_backward (r, op.in, op.w, din[2], dw[2], db[2], &serial.d, serial.work);
  kd_blas_set_threads (1);
  g_assert_cmpmem (din[0], n_in * sizeof (float), din[1], n_in * sizeof (float));
  g_assert_cmpmem (dw[0], n_w * sizeof (float), dw[1], n_w * sizeof (float));
  g_assert_cmpmem (db[0], C * sizeof (float), db[1], C * sizeof (float));
  check_err ("parts din", rel_diff_floats (din[0], din[2], n_in), 1e-6);
  check_err ("parts dw", rel_diff_floats (dw[0], dw[2], n_w), 1e-6);
  check_err ("parts db", rel_diff_floats (db[0], db[2], C), 1e-6);
  for (int k = 0; k < 3; k++)
    g_free (din[k]), g_free (dw[k]), g_free (db[k]);
  conv_op_clear (&op);
  conv_op_clear (&serial);
}

static void
test_conv_dims (void)
{
  KdConvDims d
      = { .B = 128, .C_in = 1, .H = 28, .W = 28, .C_out = 32, .K = 3, .stride = 1, .pad = 1 };
  g_assert_cmpint (kd_conv_dims_init (&d), ==, 0);
  g_assert_cmpint (d.H_out, ==, 28);
  g_assert_cmpint (d.W_out, ==, 28);
  d = (KdConvDims){ .B = 1, .C_in = 2, .H = 9, .W = 6, .C_out = 3, .K = 5, .stride = 2 };
  g_assert_cmpint (kd_conv_dims_init (&d), ==, 0);
  g_assert_cmpint (d.H_out, ==, 3);
  g_assert_cmpint (d.W_out, ==, 1);

  static const KdConvDims bad[] = {
    { .B = 1, .C_in = 1, .H = 5, .W = 5, .C_out = 1, .K = 0, .stride = 1 },
    { .B = 1, .C_in = 1, .H = 5, .W = 5, .C_out = 1, .K = 3, .stride = 0 },
    { .B = 1, .C_in = 1, .H = 5, .W = 5, .C_out = 1, .K = 3, .stride = 1, .pad = -1 },
    { .B = 1, .C_in = 1, .H = 2, .W = 5, .C_out = 1, .K = 3, .stride = 1 },
    { .B = 1, .C_in = 1, .H = 5, .W = 1, .C_out = 1, .K = 5, .stride = 1, .pad = 1 },
    { .B = 1, .C_in = 0, .H = 5, .W = 5, .C_out = 1, .K = 3, .stride = 1 },
    { .B = 1, .C_in = 1, .H = 5, .W = 5, .C_out = 0, .K = 3, .stride = 1 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      d = bad[i];
      g_assert_cmpint (kd_conv_dims_init (&d), !=, 0);
    }
}

/* ---- max-pool ---- */

static const KdPoolDims pool_cases[] = {
  { .B = 2, .C = 3, .H = 7, .W = 9, .K = 2, .stride = 2 },  /* fast path, odd edges */
  { .B = 2, .C = 2, .H = 8, .W = 6, .K = 2, .stride = 2 },  /* fast path, even */
  { .B = 2, .C = 2, .H = 6, .W = 21, .K = 2, .stride = 2 }, /* vector block + overlapping tail */
  { .B = 1, .C = 2, .H = 4, .W = 32, .K = 2, .stride = 2 }, /* vector blocks only */
  { .B = 2, .C = 2, .H = 7, .W = 8, .K = 3, .stride = 2 },  /* overlapping windows */
  { .B = 1, .C = 2, .H = 5, .W = 6, .K = 3, .stride = 1 },
  { .B = 2, .C = 1, .H = 6, .W = 7, .K = 2, .stride = 3 }, /* gaps between windows */
  { .B = 1, .C = 2, .H = 3, .W = 4, .K = 1, .stride = 1 },
};

typedef struct
{
  KdPoolDims d;
  float *in;       /* (B, C, H, W) */
  int32_t *argmax; /* (B, C, H_out, W_out) */
} PoolOp;

static PoolOp
pool_op_new (const KdPoolDims *dims, KdRng *rng)
{
  PoolOp op = { .d = *dims };
  g_assert_cmpint (kd_pool_dims_init (&op.d), ==, 0);
  size_t n = (size_t)op.d.B * op.d.C * op.d.H * op.d.W;
  op.in = g_new (float, n);
  op.argmax = g_new (int32_t, (size_t)op.d.B * op.d.C * op.d.H_out * op.d.W_out);
  /* Distinct values 0.01 apart, far more than the 2 eps of a gradient check: no ties, so no
   * perturbation moves an argmax. */
  g_autofree int32_t *perm = g_new (int32_t, n);
  for (size_t i = 0; i < n; i++)
    perm[i] = (int32_t)i;
  kd_rng_shuffle (rng, perm, n);
  for (size_t i = 0; i < n; i++)
    op.in[i] = 0.01f * (perm[i] - (float)n / 2);
  return op;
}

static void
pool_op_clear (PoolOp *op)
{
  g_free (op->in);
  g_free (op->argmax);
}

static size_t
pool_out_size (const KdPoolDims *d)
{
  return (size_t)d->B * d->C * d->H_out * d->W_out;
}

static void
pool_forward_op (void *op, float *out)
{
  PoolOp *p = op;
  kd_maxpool_forward (out, p->argmax, p->in, &p->d);
}

static char *
pool_name (const KdPoolDims *d)
{
  return g_strdup_printf ("b%dc%dh%dw%dk%ds%d", d->B, d->C, d->H, d->W, d->K, d->stride);
}

static void
check_pool_output (const PoolOp *op, const float *out)
{
  const KdPoolDims *d = &op->d;
  size_t plane = (size_t)d->H * d->W, o = 0;
  for (int p = 0; p < d->B * d->C; p++)
    for (int oh = 0; oh < d->H_out; oh++)
      for (int ow = 0; ow < d->W_out; ow++, o++)
        {
          int32_t best = -1;
          for (int i = 0; i < d->K; i++)
            for (int j = 0; j < d->K; j++)
              {
                int32_t k = (oh * d->stride + i) * d->W + ow * d->stride + j;
                if (best < 0 || op->in[p * plane + k] > op->in[p * plane + best])
                  best = k;
              }
          g_assert_cmpint (op->argmax[o], ==, best);
          g_assert_cmpfloat (out[o], ==, op->in[p * plane + best]);
        }
}

static void
test_pool_forward (gconstpointer data)
{
  KdRng rng;
  kd_rng_seed (&rng, 9);
  PoolOp op = pool_op_new (data, &rng);
  g_autofree float *out = g_new (float, pool_out_size (&op.d));
  pool_forward_op (&op, out);
  check_pool_output (&op, out);
  pool_op_clear (&op);
}

static void
test_pool_backward (gconstpointer data)
{
  KdRng rng;
  kd_rng_seed (&rng, 10);
  PoolOp op = pool_op_new (data, &rng);
  size_t n_in = (size_t)op.d.B * op.d.C * op.d.H * op.d.W, n_out = pool_out_size (&op.d);
  g_autofree float *r = g_new (float, n_out);
  g_autofree float *out = g_new (float, n_out);
  g_autofree float *din = g_new (float, n_in);
  fill_uniform (r, n_out, &rng, -1.0f, 1.0f);
  pool_forward_op (&op, out);
  fill_nan (din, n_in);
  kd_maxpool_backward (r, op.argmax, din, &op.d);
  kd_maxpool_backward (r, op.argmax, NULL, &op.d);

  Probe p = { pool_forward_op, &op, out, r, n_out };
  g_autofree char *name = pool_name (&op.d);
  check_err (name, grad_error (&p, op.in, din, n_in), GRAD_TOL);
  pool_op_clear (&op);
}

/* Ties are common (zeros after a ReLU): the first element of the window in row order wins,
 * on the 2x2 fast path and the general one alike, so runs are reproducible. */
static void
test_pool_ties (void)
{
  static const KdPoolDims cases[] = { { .B = 1, .C = 2, .H = 6, .W = 36, .K = 2, .stride = 2 },
                                      { .B = 1, .C = 2, .H = 7, .W = 7, .K = 3, .stride = 2 } };
  for (size_t c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      KdPoolDims d = cases[c];
      g_assert_cmpint (kd_pool_dims_init (&d), ==, 0);
      size_t n_in = (size_t)d.B * d.C * d.H * d.W, n_out = pool_out_size (&d);
      g_autofree float *in = g_new0 (float, n_in);
      g_autofree float *out = g_new (float, n_out);
      g_autofree int32_t *argmax = g_new (int32_t, n_out);
      kd_maxpool_forward (out, argmax, in, &d);
      for (size_t o = 0; o < n_out; o++)
        {
          int oh = (int)(o % ((size_t)d.H_out * d.W_out)) / d.W_out, ow = (int)(o % d.W_out);
          g_assert_cmpint (argmax[o], ==, oh * d.stride * d.W + ow * d.stride);
          g_assert_cmpfloat (out[o], ==, 0.0f);
        }
    }
}

static void
test_pool_dims (void)
{
  KdPoolDims d = { .B = 4, .C = 2, .H = 7, .W = 9, .K = 2, .stride = 2 };
  g_assert_cmpint (kd_pool_dims_init (&d), ==, 0);
  g_assert_cmpint (d.H_out, ==, 3);
  g_assert_cmpint (d.W_out, ==, 4);
  d = (KdPoolDims){ .B = 1, .C = 1, .H = 5, .W = 8, .K = 3, .stride = 1 };
  g_assert_cmpint (kd_pool_dims_init (&d), ==, 0);
  g_assert_cmpint (d.H_out, ==, 3);
  g_assert_cmpint (d.W_out, ==, 6);
  static const KdPoolDims bad[] = {
    { .B = 1, .C = 1, .H = 4, .W = 4, .K = 0, .stride = 1 },
    { .B = 1, .C = 1, .H = 4, .W = 4, .K = 2, .stride = 0 },
    { .B = 1, .C = 1, .H = 1, .W = 4, .K = 2, .stride = 2 },
    { .B = 1, .C = 1, .H = 4, .W = 2, .K = 3, .stride = 1 },
    { .B = 1, .C = 0, .H = 4, .W = 4, .K = 2, .stride = 2 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      d = bad[i];
      g_assert_cmpint (kd_pool_dims_init (&d), !=, 0);
    }
}

/* ---- ReLU ---- */

typedef struct
{
  float *in; /* (n) */
  size_t n;
} EltwiseOp;

static void
relu_forward_op (void *op, float *out)
{
  EltwiseOp *e = op;
  kd_relu_forward (out, e->in, e->n);
}

static void
test_relu_forward (void)
{
  float in[] = { -2.0f, -0.0f, 0.0f, 1e-30f, 3.5f, -1e-30f, NAN, 7.0f, -8.0f, 0.25f, -0.5f };
  float out[G_N_ELEMENTS (in)];
  kd_relu_forward (out, in, G_N_ELEMENTS (in));
  for (size_t i = 0; i < G_N_ELEMENTS (in); i++)
    {
      /* A NaN must stay a NaN, or divergence would vanish downstream. */
      if (isnan (in[i]))
        g_assert_true (isnan (out[i]));
      else
        g_assert_cmpfloat (out[i], ==, in[i] > 0.0f ? in[i] : 0.0f);
    }
}

#define RELU_N 203

static void
test_relu_backward (void)
{
  KdRng rng;
  kd_rng_seed (&rng, 11);
  float in[RELU_N], out[RELU_N], r[RELU_N], din[RELU_N];
  /* |x| >= 0.05: no central difference straddles the kink at 0. */
  for (int i = 0; i < RELU_N; i++)
    in[i] = (i % 3 ? 1.0f : -1.0f) * (0.05f + 0.95f * kd_rng_uniform (&rng));
  fill_uniform (r, RELU_N, &rng, -1.0f, 1.0f);
  kd_relu_forward (out, in, RELU_N);
  fill_nan (din, RELU_N);
  kd_relu_backward (r, out, din, RELU_N);
  kd_relu_backward (r, out, NULL, RELU_N);

  EltwiseOp op = { in, RELU_N };
  Probe p = { relu_forward_op, &op, out, r, RELU_N };
  check_err ("relu din", grad_error (&p, in, din, RELU_N), GRAD_TOL);
}

/* ---- dropout ---- */

typedef struct
{
  float *in;     /* (n) */
  uint8_t *mask; /* (n) */
  size_t n;
  float p;
  uint64_t seed;
} DropoutOp;

static void
dropout_forward_op (void *op, float *out)
{
  DropoutOp *d = op;
  KdRng rng;
  /* Reseeded per evaluation: every perturbed forward draws the same mask. */
  kd_rng_seed (&rng, d->seed);
  kd_dropout_forward (out, d->mask, d->in, d->n, d->p, &rng);
}

#define STATS_N 200000

static void
test_dropout_statistics (void)
{
  g_autofree float *in = g_new (float, STATS_N);
  g_autofree float *out = g_new (float, STATS_N);
  g_autofree uint8_t *mask = g_new (uint8_t, STATS_N);
  static const float ps[] = { 0.1f, 0.3f, 0.5f, 0.8f };
  KdRng rng;
  kd_rng_seed (&rng, 12);
  fill_uniform (in, STATS_N, &rng, 0.5f, 1.5f);
  for (size_t k = 0; k < G_N_ELEMENTS (ps); k++)
    {
      float p = ps[k], scale = 1.0f / (1.0f - p);
      double sum_in = 0.0, sum_out = 0.0;
      size_t dropped = 0;
      kd_dropout_forward (out, mask, in, STATS_N, p, &rng);
      for (int i = 0; i < STATS_N; i++)
        {
          g_assert_true (mask[i] == 0 || mask[i] == 1);
          dropped += !mask[i];
          g_assert_cmpfloat_with_epsilon (out[i], mask[i] ? in[i] * scale : 0.0f, 1e-6f);
          sum_in += in[i], sum_out += out[i];
        }
      /* The binomial's standard deviation is below 0.0012 here: 0.01 is over 8 sigma. */
      g_assert_cmpfloat_with_epsilon ((double)dropped / STATS_N, p, 0.01);
      /* Inverted dropout keeps the expected activation. */
      g_assert_cmpfloat_with_epsilon (sum_out / sum_in, 1.0, 0.02);
    }
}

#define DET_N 4096

static void
test_dropout_determinism (void)
{
  float in[DET_N], out1[DET_N], out2[DET_N], out3[DET_N];
  uint8_t m1[DET_N], m2[DET_N], m3[DET_N];
  KdRng rng;
  kd_rng_seed (&rng, 13);
  fill_uniform (in, DET_N, &rng, -1.0f, 1.0f);
  kd_rng_seed (&rng, 42);
  kd_dropout_forward (out1, m1, in, DET_N, 0.4f, &rng);
  kd_rng_seed (&rng, 42);
  kd_dropout_forward (out2, m2, in, DET_N, 0.4f, &rng);
  kd_rng_seed (&rng, 43);
  kd_dropout_forward (out3, m3, in, DET_N, 0.4f, &rng);
  g_assert_cmpmem (m1, DET_N, m2, DET_N);
  g_assert_cmpmem (out1, sizeof out1, out2, sizeof out2);
  g_assert_true (memcmp (m1, m3, DET_N) != 0);
}

#define IDENTITY_N 1001

static void
test_dropout_identity (void)
{
  float in[IDENTITY_N], out[IDENTITY_N], din[IDENTITY_N];
  uint8_t mask[IDENTITY_N];
  KdRng rng;
  kd_rng_seed (&rng, 14);
  fill_uniform (in, IDENTITY_N, &rng, -1.0f, 1.0f);
  kd_dropout_forward (out, mask, in, IDENTITY_N, 0.0f, &rng);
  g_assert_cmpmem (out, sizeof out, in, sizeof in);
  for (int i = 0; i < IDENTITY_N; i++)
    g_assert_cmpint (mask[i], ==, 1);
  kd_dropout_backward (in, mask, din, IDENTITY_N, 0.0f);
  g_assert_cmpmem (din, sizeof din, in, sizeof in);
}

#define DROP_N 301

static void
test_dropout_backward (void)
{
  float in[DROP_N], out[DROP_N], r[DROP_N], din[DROP_N];
  uint8_t mask[DROP_N];
  KdRng rng;
  kd_rng_seed (&rng, 15);
  fill_uniform (in, DROP_N, &rng, -1.0f, 1.0f);
  fill_uniform (r, DROP_N, &rng, -1.0f, 1.0f);
  DropoutOp op = { in, mask, DROP_N, 0.35f, 77 };
  dropout_forward_op (&op, out);
  fill_nan (din, DROP_N);
  kd_dropout_backward (r, mask, din, DROP_N, op.p);
  kd_dropout_backward (r, mask, NULL, DROP_N, op.p);
  for (int i = 0; i < DROP_N; i++)
    g_assert_cmpfloat (din[i], ==, mask[i] ? r[i] * (1.0f / (1.0f - op.p)) : 0.0f);

  Probe p = { dropout_forward_op, &op, out, r, DROP_N };
  check_err ("dropout din", grad_error (&p, in, din, DROP_N), GRAD_TOL);
}

/* ---- registration ---- */

static void
add_conv_case (const char *kind, const KdConvDims *dims, GTestDataFunc func)
{
  KdConvDims d = *dims;
  g_assert_cmpint (kd_conv_dims_init (&d), ==, 0);
  g_autofree char *name = conv_name (&d);
  g_autofree char *path = g_strconcat ("/core/layers/conv/", kind, "/", name, NULL);
  g_test_add_data_func (path, dims, func);
}

static void
add_conv_tests (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (conv_cases); i++)
    {
      add_conv_case ("forward", &conv_cases[i], test_conv_forward);
      add_conv_case ("backward", &conv_cases[i], test_conv_backward);
    }
  for (size_t i = 0; i < G_N_ELEMENTS (conv_large_cases); i++)
    add_conv_case ("reference", &conv_large_cases[i], test_conv_reference);
  g_test_add_func ("/core/layers/conv/accumulate", test_conv_accumulate);
  g_test_add_func ("/core/layers/conv/parts-repeat", test_conv_parts_repeat);
  g_test_add_func ("/core/layers/conv/dims", test_conv_dims);
}

static void
add_pool_tests (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (pool_cases); i++)
    {
      g_autofree char *name = pool_name (&pool_cases[i]);
      g_autofree char *fwd = g_strconcat ("/core/layers/maxpool/forward/", name, NULL);
      g_autofree char *bwd = g_strconcat ("/core/layers/maxpool/backward/", name, NULL);
      g_test_add_data_func (fwd, &pool_cases[i], test_pool_forward);
      g_test_add_data_func (bwd, &pool_cases[i], test_pool_backward);
    }
  g_test_add_func ("/core/layers/maxpool/ties", test_pool_ties);
  g_test_add_func ("/core/layers/maxpool/dims", test_pool_dims);
}

int
main (int argc, char **argv)
{
  kd_test_use_fast_blas (argv);
  g_test_init (&argc, &argv, NULL);
  kd_blas_set_threads (1);
  g_test_add_func ("/core/layers/blas/sgemm", test_sgemm);
  g_test_add_func ("/core/layers/dense/forward", test_dense_forward);
  g_test_add_func ("/core/layers/dense/backward", test_dense_backward);
  g_test_add_func ("/core/layers/dense/accumulate", test_dense_accumulate);
  add_conv_tests ();
  add_pool_tests ();
  g_test_add_func ("/core/layers/relu/forward", test_relu_forward);
  g_test_add_func ("/core/layers/relu/backward", test_relu_backward);
  g_test_add_func ("/core/layers/dropout/statistics", test_dropout_statistics);
  g_test_add_func ("/core/layers/dropout/determinism", test_dropout_determinism);
  g_test_add_func ("/core/layers/dropout/identity", test_dropout_identity);
  g_test_add_func ("/core/layers/dropout/backward", test_dropout_backward);
  return g_test_run ();
}
