/* kd_layers.c — forward/backward pairs of the layer operations.
 *
 * Convolution is a batched im2col: a chunk of images is unfolded into one column matrix
 * col (C_in K K, nb H_out W_out) so that each pass costs one large GEMM per chunk instead of
 * one small GEMM per image, which OpenBLAS parallelises poorly. With the reduction dimension
 * as rows, im2col and col2im move whole output rows (one contiguous run per tap for "same"
 * convolutions), and the GEMM result (C_out, nb, H_out W_out) reaches NCHW by copies of
 * whole planes rather than an element-wise transpose.
 */
#include "kd_layers.h"

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "kd_blas.h"

/* GCC's -O2 vectoriser (very-cheap cost model) skips loops that would need a scalar
 * epilogue; a fixed 8-wide body is SLP-vectorised instead and the tail stays scalar. */
#define KD_LANES 8

static void
add_to (float *restrict dst, const float *restrict src, int n)
{
  int i = 0;
  for (; i + KD_LANES <= n; i += KD_LANES)
    for (int j = 0; j < KD_LANES; j++)
      dst[i + j] += src[i + j];
  for (; i < n; i++)
    dst[i] += src[i];
}

static void
copy_plus_bias (float *restrict dst, const float *restrict src, float bias, int n)
{
  int i = 0;
  for (; i + KD_LANES <= n; i += KD_LANES)
    for (int j = 0; j < KD_LANES; j++)
      dst[i + j] = src[i + j] + bias;
  for (; i < n; i++)
    dst[i] = src[i] + bias;
}

static void
add_scalar (float *restrict dst, float v, int n)
{
  int i = 0;
  for (; i + KD_LANES <= n; i += KD_LANES)
    for (int j = 0; j < KD_LANES; j++)
      dst[i + j] += v;
  for (; i < n; i++)
    dst[i] += v;
}

/* In place, the ReLU's backward: g stays where the ReLU's output is positive. */
static void
relu_mask (float *restrict g, const float *restrict out, int n)
{
  int i = 0;
  for (; i + KD_LANES <= n; i += KD_LANES)
    for (int j = 0; j < KD_LANES; j++)
      g[i + j] = out[i + j] > 0.0f ? g[i + j] : 0.0f;
  for (; i < n; i++)
    g[i] = out[i] > 0.0f ? g[i] : 0.0f;
}

static float
sum_of (const float *restrict x, size_t n)
{
  /* Eight partial sums: vectorisable without reassociation flags, and more accurate. */
  float part[KD_LANES] = { 0 };
  size_t i = 0;
  for (; i + KD_LANES <= n; i += KD_LANES)
    for (int j = 0; j < KD_LANES; j++)
      part[j] += x[i + j];
  float s = 0.0f;
  for (int j = 0; j < KD_LANES; j++)
    s += part[j];
  for (; i < n; i++)
    s += x[i];
  return s;
}

/* ---- dense ---- */

/* Columns [n0, n1) of one dense forward, and its bias and ReLU on them while in cache. */
typedef struct
{
  float *out, *relu_out;   /* (B, O), (B, O) or NULL */
  const float *in, *w, *b; /* (B, I), (O, I), (O) */
  int B, I, O;
} DenseForwardJob;

static void
dense_forward_cols (size_t n0, size_t n1, void *data)
{
  const DenseForwardJob *j = data;
  int n = (int)(n1 - n0);
  kd_sgemm_serial (false, true, j->B, n, j->I, 1.0f, j->in, j->I, j->w + n0 * j->I, j->I, 0.0f,
                   j->out + n0, j->O);
  for (int r = 0; r < j->B; r++)
    {
      float *row = j->out + (size_t)r * j->O + n0;
      add_to (row, j->b + n0, n);
      if (j->relu_out)
        kd_relu_forward (j->relu_out + (size_t)r * j->O + n0, row, (size_t)n);
    }
}

/* Each thread multiplies its own columns and finishes them (bias, ReLU) itself: the
 * element-wise passes then run in parallel, on data still in cache. */
static void
dense_forward_job (const DenseForwardJob *j)
{
  if (kd_sgemm_splits (j->B, j->O, j->I))
    kd_parallel_for ((size_t)j->O, 16, dense_forward_cols, (void *)j);
  else
    dense_forward_cols (0, (size_t)j->O, (void *)j);
}

void
kd_dense_forward (float *out,      /* (B, O) */
                  const float *in, /* (B, I) */
                  const float *w,  /* (O, I) */
                  const float *b,  /* (O) */
                  int B,
                  int I,
                  int O)
{
  DenseForwardJob j = { .out = out, .in = in, .w = w, .b = b, .B = B, .I = I, .O = O };
  dense_forward_job (&j);
}

void
kd_dense_relu_forward (float *out,      /* (B, O) */
                       float *relu_out, /* (B, O) */
                       const float *in, /* (B, I) */
                       const float *w,  /* (O, I) */
                       const float *b,  /* (O) */
                       int B,
                       int I,
                       int O)
{
  DenseForwardJob j
      = { .out = out, .relu_out = relu_out, .in = in, .w = w, .b = b, .B = B, .I = I, .O = O };
  dense_forward_job (&j);
}

void
kd_dense_backward (const float *dout, /* (B, O) */
                   const float *in,   /* (B, I) */
                   const float *w,    /* (O, I) */
                   float *din,        /* (B, I) or NULL */
                   float *dw,         /* (O, I) */
                   float *db,         /* (O) */
                   int B,
                   int I,
                   int O)
{
  kd_sgemm (true, false, O, I, B, 1.0f, dout, O, in, I, 1.0f, dw, I);
  for (int r = 0; r < B; r++)
    add_to (db, dout + (size_t)r * O, O);
  if (din)
    kd_sgemm (false, false, B, I, O, 1.0f, dout, O, w, I, 0.0f, din, I);
}

/* Columns [c0, c1) of din = dout . w, times the ReLU's derivative when `in` came from one. */
typedef struct
{
  const float *dout, *in, *w; /* (B, O), (B, I), (O, I) */
  float *din;                 /* (B, I) */
  int B, I, O;
  bool relu_in;
} DenseInputJob;

static void
dense_input_cols (size_t c0, size_t c1, void *data)
{
  const DenseInputJob *j = data;
  int n = (int)(c1 - c0);
  kd_sgemm_serial (false, false, j->B, n, j->O, 1.0f, j->dout, j->O, j->w + c0, j->I, 0.0f,
                   j->din + c0, j->I);
  if (!j->relu_in)
    return;
  for (int r = 0; r < j->B; r++)
    {
      size_t at = (size_t)r * j->I + c0;
      relu_mask (j->din + at, j->in + at, n);
    }
}

/* Split by columns as kd_sgemm would, each thread masking the columns it computed. */
static void
dense_input_grad (const float *dout,
                  const float *in,
                  const float *w,
                  float *din,
                  int B,
                  int I,
                  int O,
                  bool relu_in)
{
  DenseInputJob j
      = { .dout = dout, .in = in, .w = w, .din = din, .B = B, .I = I, .O = O, .relu_in = relu_in };
  if (kd_sgemm_splits (B, I, O))
    kd_parallel_for ((size_t)I, 16, dense_input_cols, &j);
  else
    dense_input_cols (0, (size_t)I, &j);
}

typedef struct
{
  const float *dout, *in; /* (B, O), (B, I) */
  float *dw, *db;         /* (O, I), (O) */
  int B, I, O;
  const KdLayerUpdate *update;
} DenseGradJob;

/* Rows [r0, r1) of dw and db, then their update while the rows are still (mostly) in this
 * core's cache. One GEMM per thread: splitting further would repack `in` for every block,
 * which costs more than the cache misses it saves. The bias sums run over the batch in the
 * same order as kd_dense_backward's. */
static void
dense_grad_rows (size_t r0, size_t r1, void *data)
{
  const DenseGradJob *j = data;
  const KdLayerUpdate *u = j->update;
  kd_sgemm_serial (true, false, (int)(r1 - r0), j->I, j->B, 1.0f, j->dout + r0, j->O, j->in, j->I,
                   1.0f, j->dw + r0 * j->I, j->I);
  for (int r = 0; r < j->B; r++)
    add_to (j->db + r0, j->dout + (size_t)r * j->O + r0, (int)(r1 - r0));
  u->func (u->w_offset + r0 * j->I, u->w_offset + r1 * j->I, u->data);
  u->func (u->b_offset + r0, u->b_offset + r1, u->data);
}

void
kd_dense_backward_update (const float *dout, /* (B, O) */
                          const float *in,   /* (B, I) */
                          const float *w,    /* (O, I) */
                          float *din,        /* (B, I) or NULL */
                          bool relu_in,
                          float *dw, /* (O, I) */
                          float *db, /* (O) */
                          int B,
                          int I,
                          int O,
                          const KdLayerUpdate *update)
{
  if (din)
    dense_input_grad (dout, in, w, din, B, I, O, relu_in);
  DenseGradJob j
      = { .dout = dout, .in = in, .dw = dw, .db = db, .B = B, .I = I, .O = O, .update = update };
  if (kd_sgemm_splits (O, I, B))
    kd_parallel_for ((size_t)O, 16, dense_grad_rows, &j);
  else
    dense_grad_rows (0, (size_t)O, &j);
}

/* ---- conv2d ---- */

int
kd_conv_dims_init (KdConvDims *d)
{
  d->H_out = d->W_out = 0;
  if (d->B < 0 || d->C_in < 1 || d->C_out < 1 || d->H < 1 || d->W < 1)
    return 1;
  if (d->K < 1 || d->stride < 1 || d->pad < 0)
    return 1;
  int span_h = d->H + 2 * d->pad - d->K;
  int span_w = d->W + 2 * d->pad - d->K;
  if (span_h < 0 || span_w < 0)
    return 1;
  d->H_out = span_h / d->stride + 1;
  d->W_out = span_w / d->stride + 1;
  return 0;
}

static size_t
conv_rows (const KdConvDims *d)
{
  return (size_t)d->C_in * d->K * d->K;
}

/* Images per GEMM. Unfolding the whole batch at once writes the column matrix (29 MB for the
 * CNN's second layer) to memory and reads it back, which costs more than the GEMM itself;
 * chunks of a few images keep col and the GEMM output in the L2 of the core that runs the
 * chunk's part (conv_run) while still giving GEMMs of tens of MFLOP. */
#ifndef KD_CONV_CHUNK_FLOATS
#define KD_CONV_CHUNK_FLOATS (256 * 1024)
#endif

/* Parts the batch is split into, each run on one thread: at most one per image. */
static int
conv_parts (const KdConvDims *d)
{
  int p = d->parts < 1 ? 1 : d->parts;
  return p < d->B ? p : d->B > 0 ? d->B : 1;
}

/* First image of part p: the batch is split as evenly as the image count allows. */
static int
part_begin (const KdConvDims *d, int parts, int p)
{
  return (int)((long long)d->B * p / parts);
}

/* Images per GEMM for a part of `images` images. */
static int
conv_chunk (const KdConvDims *d, int images)
{
  size_t per_image = (conv_rows (d) + (size_t)d->C_out) * d->H_out * d->W_out;
  size_t nb = per_image ? KD_CONV_CHUNK_FLOATS / per_image : 1;
  if (nb < 1)
    nb = 1;
  return nb < (size_t)images ? (int)nb : images;
}

/* A split part's own dw and db, rounded to whole cache lines. */
static size_t
part_grads (const KdConvDims *d)
{
  return ((size_t)d->C_out * conv_rows (d) + (size_t)d->C_out + 15) & ~(size_t)15;
}

/* One part's workspace: col and the GEMM-order output of a chunk, then (when the batch is
 * split) the part's own dw and db (part_grads), which are summed in part order afterwards.
 * Whole cache lines, so every part starts on one. */
static size_t
part_work (const KdConvDims *d, int parts)
{
  int images = (d->B + parts - 1) / parts;
  size_t n = (conv_rows (d) + (size_t)d->C_out) * conv_chunk (d, images) * d->H_out * d->W_out;
  return ((n + 15) & ~(size_t)15) + (parts > 1 ? part_grads (d) : 0);
}

size_t
kd_conv2d_workspace (const KdConvDims *d)
{
  int parts = conv_parts (d);
  return (size_t)parts * part_work (d, parts);
}

/* Output columns [*lo, *hi) whose input column ow * stride - pad + kw lies inside the row. */
static void
valid_cols (const KdConvDims *d, int kw, int *lo, int *hi)
{
  int first = d->pad - kw;
  int last = d->W - 1 + d->pad - kw;
  *lo = first > 0 ? (first + d->stride - 1) / d->stride : 0;
  *hi = last < 0 ? 0 : last / d->stride + 1;
  if (*hi > d->W_out)
    *hi = d->W_out;
  if (*hi < *lo)
    *hi = *lo;
}

/* One im2col row segment: the (kh, kw) tap of one input plane for every output position. */
static void
im2col_tap (float *restrict dst,         /* (H_out, W_out) */
            const float *restrict plane, /* (H, W) */
            const KdConvDims *d,
            int kh,
            int kw)
{
  int lo, hi;
  valid_cols (d, kw, &lo, &hi);
  int s = d->stride;
  for (int oh = 0; oh < d->H_out; oh++)
    {
      float *restrict r = dst + (size_t)oh * d->W_out;
      int ih = oh * s - d->pad + kh;
      if (ih < 0 || ih >= d->H)
        {
          memset (r, 0, sizeof (float) * d->W_out);
          continue;
        }
      const float *restrict src = plane + (size_t)ih * d->W + kw - d->pad;
      memset (r, 0, sizeof (float) * lo);
      if (s == 1)
        memcpy (r + lo, src + lo, sizeof (float) * (hi - lo));
      else
        for (int ow = lo; ow < hi; ow++)
          r[ow] = src[ow * s];
      memset (r + hi, 0, sizeof (float) * (d->W_out - hi));
    }
}

/* Adjoint of im2col_tap: adds the tap's column entries back onto the input plane. */
static void
col2im_tap (float *restrict plane,     /* (H, W) */
            const float *restrict src, /* (H_out, W_out) */
            const KdConvDims *d,
            int kh,
            int kw)
{
  int lo, hi;
  valid_cols (d, kw, &lo, &hi);
  int s = d->stride;
  for (int oh = 0; oh < d->H_out; oh++)
    {
      int ih = oh * s - d->pad + kh;
      if (ih < 0 || ih >= d->H)
        continue;
      const float *restrict r = src + (size_t)oh * d->W_out;
      float *restrict dst = plane + (size_t)ih * d->W + kw - d->pad;
      if (s == 1)
        add_to (dst + lo, r + lo, hi - lo);
      else
        for (int ow = lo; ow < hi; ow++)
          dst[ow * s] += r[ow];
    }
}

/* Stride 1 with an output as large as the input ("same" padding, the common case): a tap is
 * the plane shifted by (dy, dx), so its rows join into one contiguous run of both col and
 * plane, and a single copy or add replaces H short ones. */
static bool
conv_is_same (const KdConvDims *d)
{
  return d->stride == 1 && d->H_out == d->H && d->W_out == d->W;
}

/* A "same" tap: output rows [lo, hi) read input rows, and flat positions [a, z) of the tap
 * read plane[p + off]. Positions between lo W and a or z and hi W lie in wrapped columns. */
typedef struct
{
  int lo, hi, dx;
  ptrdiff_t a, z, off;
} SameTap;

static SameTap
same_tap (const KdConvDims *d, int kh, int kw)
{
  int H = d->H, W = d->W, dy = kh - d->pad;
  SameTap t = { .dx = kw - d->pad };
  t.lo = dy < 0 ? (-dy < H ? -dy : H) : 0;
  t.hi = dy > 0 ? H - dy : H;
  if (t.hi < t.lo)
    t.hi = t.lo;
  t.off = (ptrdiff_t)dy * W + t.dx;
  t.a = (ptrdiff_t)t.lo * W > -t.off ? (ptrdiff_t)t.lo * W : -t.off;
  t.z = (ptrdiff_t)t.hi * W < (ptrdiff_t)H * W - t.off ? (ptrdiff_t)t.hi * W
                                                       : (ptrdiff_t)H * W - t.off;
  return t;
}

/* Zeroes the columns whose input column ow + dx wrapped into the neighbouring row. */
static void
zero_wrapped (float *restrict tap, const KdConvDims *d, const SameTap *t)
{
  int W = d->W;
  int c0 = t->dx < 0 ? 0 : W - t->dx, c1 = t->dx < 0 ? -t->dx : W;
  c0 = c0 < 0 ? 0 : c0;
  c1 = c1 > W ? W : c1;
  for (int r = t->lo; r < t->hi; r++)
    for (int c = c0; c < c1; c++)
      tap[(size_t)r * W + c] = 0.0f;
}

static void
im2col_tap_same (float *restrict dst,         /* (H, W) */
                 const float *restrict plane, /* (H, W) */
                 const KdConvDims *d,
                 int kh,
                 int kw)
{
  SameTap t = same_tap (d, kh, kw);
  int W = d->W;
  memset (dst, 0, sizeof (float) * t.lo * W);
  memset (dst + (size_t)t.hi * W, 0, sizeof (float) * (d->H - t.hi) * W);
  if (t.z > t.a)
    memcpy (dst + t.a, plane + t.a + t.off, sizeof (float) * (t.z - t.a));
  zero_wrapped (dst, d, &t);
}

/* Zeroing the wrapped entries first lets one flat add skip nothing; col is scratch here. */
static void
col2im_tap_same (float *restrict plane, /* (H, W) */
                 float *restrict src,   /* (H, W) */
                 const KdConvDims *d,
                 int kh,
                 int kw)
{
  SameTap t = same_tap (d, kh, kw);
  zero_wrapped (src, d, &t);
  if (t.z > t.a)
    add_to (plane + t.a + t.off, src + t.a, (int)(t.z - t.a));
}

static void
im2col (float *restrict col,      /* (C_in K K, nb H_out W_out) */
        const float *restrict in, /* (nb, C_in, H, W) */
        const KdConvDims *d,
        int nb)
{
  size_t hw_out = (size_t)d->H_out * d->W_out, n = nb * hw_out;
  bool same = conv_is_same (d);
  for (int b = 0; b < nb; b++)
    for (int c = 0; c < d->C_in; c++)
      {
        const float *plane = in + ((size_t)b * d->C_in + c) * d->H * d->W;
        for (int kh = 0; kh < d->K; kh++)
          for (int kw = 0; kw < d->K; kw++)
            {
              float *tap = col + (((size_t)c * d->K + kh) * d->K + kw) * n + b * hw_out;
              if (same)
                im2col_tap_same (tap, plane, d, kh, kw);
              else
                im2col_tap (tap, plane, d, kh, kw);
            }
      }
}

static void
col2im (float *restrict din, /* (nb, C_in, H, W) */
        float *restrict col, /* (C_in K K, nb H_out W_out), clobbered */
        const KdConvDims *d,
        int nb)
{
  size_t hw_out = (size_t)d->H_out * d->W_out, n = nb * hw_out;
  size_t hw = (size_t)d->H * d->W;
  bool same = conv_is_same (d);
  for (int b = 0; b < nb; b++)
    for (int c = 0; c < d->C_in; c++)
      {
        float *plane = din + ((size_t)b * d->C_in + c) * hw;
        memset (plane, 0, sizeof (float) * hw);
        for (int kh = 0; kh < d->K; kh++)
          for (int kw = 0; kw < d->K; kw++)
            {
              float *tap = col + (((size_t)c * d->K + kh) * d->K + kw) * n + b * hw_out;
              if (same)
                col2im_tap_same (plane, tap, d, kh, kw);
              else
                col2im_tap (plane, tap, d, kh, kw);
            }
      }
}

/* kd_sgemm, or kd_sgemm_serial inside a part that already has a thread of its own. */
typedef KdGemmFunc *GemmFunc;

/* One chunk of nb images: out = W . col + b. The GEMM yields (C_out, nb, H_out W_out), which
 * for a single image already is NCHW; otherwise whole planes are copied into place. */
static void
conv_forward_chunk (float *restrict out,      /* (nb, C_out, H_out, W_out) */
                    const float *restrict in, /* (nb, C_in, H, W) */
                    const float *restrict w,  /* (C_out, C_in K K) */
                    const float *restrict b,  /* (C_out) */
                    const KdConvDims *d,
                    int nb,
                    float *restrict work,
                    GemmFunc gemm)
{
  size_t rows = conv_rows (d), hw_out = (size_t)d->H_out * d->W_out, n = nb * hw_out;
  float *col = work;                                 /* (C_in K K, nb H_out W_out) */
  float *gemm_out = nb == 1 ? out : work + rows * n; /* (C_out, nb, H_out W_out) */
  im2col (col, in, d, nb);
  gemm (false, false, d->C_out, (int)n, (int)rows, 1.0f, w, (int)rows, col, (int)n, 0.0f, gemm_out,
        (int)n);
  if (nb == 1)
    {
      for (int co = 0; co < d->C_out; co++)
        add_scalar (out + co * hw_out, b[co], (int)hw_out);
      return;
    }
  for (int s = 0; s < nb; s++)
    for (int co = 0; co < d->C_out; co++)
      copy_plus_bias (out + ((size_t)s * d->C_out + co) * hw_out,
                      gemm_out + ((size_t)co * nb + s) * hw_out, b[co], (int)hw_out);
}

/* One chunk: dw += dout . col^T, db += row sums, and din = col2im (W^T . dout) if wanted. */
static void
conv_backward_chunk (const float *restrict dout, /* (nb, C_out, H_out, W_out) */
                     const float *restrict in,   /* (nb, C_in, H, W) */
                     const float *restrict w,    /* (C_out, C_in K K) */
                     float *restrict din,        /* (nb, C_in, H, W) or NULL */
                     float *restrict dw,         /* (C_out, C_in K K) */
                     float *restrict db,         /* (C_out) */
                     const KdConvDims *d,
                     int nb,
                     float *restrict work,
                     GemmFunc gemm)
{
  size_t rows = conv_rows (d), hw_out = (size_t)d->H_out * d->W_out, n = nb * hw_out;
  float *col = work;        /* (C_in K K, nb H_out W_out) */
  const float *dmat = dout; /* (C_out, nb, H_out W_out): NCHW itself for one image */
  if (nb > 1)
    {
      float *t = work + rows * n;
      for (int s = 0; s < nb; s++)
        for (int co = 0; co < d->C_out; co++)
          memcpy (t + ((size_t)co * nb + s) * hw_out, dout + ((size_t)s * d->C_out + co) * hw_out,
                  sizeof (float) * hw_out);
      dmat = t;
    }
  for (int co = 0; co < d->C_out; co++)
    db[co] += sum_of (dmat + co * n, n);
  im2col (col, in, d, nb);
  gemm (false, true, d->C_out, (int)rows, (int)n, 1.0f, dmat, (int)n, col, (int)n, 1.0f, dw,
        (int)rows);
  if (!din)
    return;
  gemm (true, false, (int)rows, (int)n, d->C_out, 1.0f, w, (int)rows, dmat, (int)n, 0.0f, col,
        (int)n);
  col2im (din, col, d, nb);
}

/* One conv pass over the batch, split into parts of whole images. */
typedef struct
{
  const KdConvDims *d;
  const float *in, *w, *b, *dout; /* b: forward only; dout: backward only */
  float *out, *din, *dw, *db;     /* out: forward only; the rest backward only */
  float *work;
  int parts;
  bool backward;
} ConvJob;

/* Part p's images, in chunks, on the calling thread. A split batch runs every GEMM serially
 * (each thread already has a part) and accumulates into the part's own dw and db; otherwise
 * the GEMMs may split over the pool and accumulate straight into dw and db. */
static void
conv_part (const ConvJob *j, int p)
{
  const KdConvDims *d = j->d;
  int b0 = part_begin (d, j->parts, p), b1 = part_begin (d, j->parts, p + 1);
  int chunk = conv_chunk (d, (d->B + j->parts - 1) / j->parts);
  size_t stride = part_work (d, j->parts), rows = conv_rows (d);
  float *work = j->work + (size_t)p * stride;
  size_t in_image = (size_t)d->C_in * d->H * d->W;
  size_t out_image = (size_t)d->C_out * d->H_out * d->W_out;
  GemmFunc gemm = j->parts > 1 ? kd_sgemm_serial : kd_sgemm;
  float *dw = j->dw, *db = j->db;
  if (j->backward && j->parts > 1)
    {
      dw = work + stride - part_grads (d);
      db = dw + (size_t)d->C_out * rows;
      memset (dw, 0, sizeof (float) * ((size_t)d->C_out * rows + d->C_out));
    }
  for (int s = b0; s < b1; s += chunk)
    {
      int nb = b1 - s < chunk ? b1 - s : chunk;
      if (j->backward)
        conv_backward_chunk (j->dout + s * out_image, j->in + s * in_image, j->w,
                             j->din ? j->din + s * in_image : NULL, dw, db, d, nb, work, gemm);
      else
        conv_forward_chunk (j->out + s * out_image, j->in + s * in_image, j->w, j->b, d, nb, work,
                            gemm);
    }
}

/* Runs parts [begin / 16, end / 16): kd_parallel_for hands out ranges in multiples of 16, so
 * with 16 indices per part each thread gets whole parts, one each when parts == threads. */
static void
conv_parts_range (size_t begin, size_t end, void *data)
{
  for (size_t p = begin / 16; p < end / 16; p++)
    conv_part (data, (int)p);
}

/* Parallel over images rather than inside each GEMM: the conv GEMMs are small (64 x 588 x 288
 * for the CNN's second layer), and split they ran at half a core's rate per thread while
 * im2col, col2im and the bias ran serially between fork-joins. A part per thread does all of
 * that itself, with one fork-join per pass. */
static void
conv_run (ConvJob *j)
{
  j->parts = conv_parts (j->d);
  if (j->parts == 1)
    conv_part (j, 0);
  else
    kd_parallel_for ((size_t)j->parts * 16, 16, conv_parts_range, j);
}

/* Adds each part's dw and db into the caller's, in part order: the same sums for the same
 * batch and part count, however the threads were scheduled. */
static void
conv_reduce (const ConvJob *j)
{
  const KdConvDims *d = j->d;
  size_t n = (size_t)d->C_out * conv_rows (d), stride = part_work (d, j->parts);
  size_t at = stride - part_grads (d);
  for (int p = 0; p < j->parts; p++)
    {
      const float *dw = j->work + p * stride + at;
      add_to (j->dw, dw, (int)n);
      add_to (j->db, dw + n, d->C_out);
    }
}

void
kd_conv2d_forward (float *restrict out,      /* (B, C_out, H_out, W_out) */
                   const float *restrict in, /* (B, C_in, H, W) */
                   const float *restrict w,  /* (C_out, C_in, K, K) */
                   const float *restrict b,  /* (C_out) */
                   const KdConvDims *d,
                   float *restrict work) /* kd_conv2d_workspace (d) floats */
{
  ConvJob j = { .d = d, .in = in, .w = w, .b = b, .out = out, .work = work };
  conv_run (&j);
}

void
kd_conv2d_backward (const float *restrict dout, /* (B, C_out, H_out, W_out) */
                    const float *restrict in,   /* (B, C_in, H, W) */
                    const float *restrict w,    /* (C_out, C_in, K, K) */
                    float *restrict din,        /* (B, C_in, H, W) or NULL */
                    float *restrict dw,         /* (C_out, C_in, K, K) */
                    float *restrict db,         /* (C_out) */
                    const KdConvDims *d,
                    float *restrict work) /* kd_conv2d_workspace (d) floats */
{
  /* The workspace is shared between layers, so the forward's columns are gone: rebuilt. */
  ConvJob j = { .d = d,
                .in = in,
                .w = w,
                .dout = dout,
                .din = din,
                .dw = dw,
                .db = db,
                .work = work,
                .backward = true };
  conv_run (&j);
  if (j.parts > 1)
    conv_reduce (&j);
}

/* ---- max-pool ---- */

int
kd_pool_dims_init (KdPoolDims *d)
{
  d->H_out = d->W_out = 0;
  if (d->B < 0 || d->C < 1 || d->K < 1 || d->stride < 1)
    return 1;
  if (d->H < d->K || d->W < d->K)
    return 1;
  d->H_out = (d->H - d->K) / d->stride + 1;
  d->W_out = (d->W - d->K) / d->stride + 1;
  return 0;
}

/* The 2x2 window at column x of a row pair: its maximum, and in *off the winner's offset from
 * r0[x] (0, 1, W or W + 1). Pairwise selects instead of a chain of ifs are branch-free (a
 * branch mispredicts on every other window of real data) and vectorise; ties still go to
 * the first element in row order. */
static inline float
window2x2 (const float *restrict r0, const float *restrict r1, int x, int W, int32_t *off)
{
  float v0 = r0[x], v1 = r0[x + 1], v2 = r1[x], v3 = r1[x + 1];
  int32_t c01 = v1 > v0, c23 = v3 > v2;
  float m01 = c01 ? v1 : v0, m23 = c23 ? v3 : v2;
  int32_t lower = m23 > m01;
  *off = c01 + lower * (W + c23 - c01);
  return lower ? m23 : m01;
}

/* KD_LANES outputs from ow on: a fixed count the -O2 vectoriser accepts. */
static inline void
pool2x2_lanes (float *restrict o,        /* (W_out) */
               int32_t *restrict a,      /* (W_out) */
               const float *restrict r0, /* (W) */
               const float *restrict r1, /* (W) */
               int32_t base,
               int W,
               int ow)
{
  for (int j = 0; j < KD_LANES; j++)
    {
      int32_t off, x = 2 * (ow + j);
      o[ow + j] = window2x2 (r0, r1, x, W, &off);
      a[ow + j] = base + x + off;
    }
}

static void
pool2x2_plane (float *restrict out,      /* (H_out, W_out) */
               int32_t *restrict argmax, /* (H_out, W_out) */
               const float *restrict in, /* (H, W) */
               const KdPoolDims *d)
{
  int W = d->W, n = d->W_out;
  for (int oh = 0; oh < d->H_out; oh++)
    {
      const float *restrict r0 = in + (size_t)2 * oh * W;
      const float *restrict r1 = r0 + W;
      float *restrict o = out + (size_t)oh * n;
      int32_t *restrict a = argmax + (size_t)oh * n;
      int32_t base = 2 * oh * W;
      int ow = 0;
      for (; ow + KD_LANES <= n; ow += KD_LANES)
        pool2x2_lanes (o, a, r0, r1, base, W, ow);
      /* A row tail ends with an overlapping block, which rewrites the same values. */
      if (ow < n && n >= KD_LANES)
        pool2x2_lanes (o, a, r0, r1, base, W, n - KD_LANES);
      else
        for (; ow < n; ow++)
          {
            int32_t off;
            o[ow] = window2x2 (r0, r1, 2 * ow, W, &off);
            a[ow] = base + 2 * ow + off;
          }
    }
}

static void
pool_plane (float *restrict out,      /* (H_out, W_out) */
            int32_t *restrict argmax, /* (H_out, W_out) */
            const float *restrict in, /* (H, W) */
            const KdPoolDims *d)
{
  for (int oh = 0; oh < d->H_out; oh++)
    for (int ow = 0; ow < d->W_out; ow++)
      {
        int32_t k = oh * d->stride * d->W + ow * d->stride;
        float m = in[k];
        for (int i = 0; i < d->K; i++)
          for (int j = 0; j < d->K; j++)
            {
              int32_t idx = (oh * d->stride + i) * d->W + ow * d->stride + j;
              if (in[idx] > m)
                {
                  m = in[idx];
                  k = idx;
                }
            }
        out[oh * d->W_out + ow] = m;
        argmax[oh * d->W_out + ow] = k;
      }
}

void
kd_maxpool_forward (float *restrict out,      /* (B, C, H_out, W_out) */
                    int32_t *restrict argmax, /* (B, C, H_out, W_out) */
                    const float *restrict in, /* (B, C, H, W) */
                    const KdPoolDims *d)
{
  size_t planes = (size_t)d->B * d->C;
  size_t in_size = (size_t)d->H * d->W, out_size = (size_t)d->H_out * d->W_out;
  bool fast = d->K == 2 && d->stride == 2;
  for (size_t p = 0; p < planes; p++)
    {
      if (fast)
        pool2x2_plane (out + p * out_size, argmax + p * out_size, in + p * in_size, d);
      else
        pool_plane (out + p * out_size, argmax + p * out_size, in + p * in_size, d);
    }
}

void
kd_maxpool_backward (const float *restrict dout,     /* (B, C, H_out, W_out) */
                     const int32_t *restrict argmax, /* (B, C, H_out, W_out) */
                     float *restrict din,            /* (B, C, H, W) or NULL */
                     const KdPoolDims *d)
{
  if (!din)
    return;
  size_t planes = (size_t)d->B * d->C;
  size_t in_size = (size_t)d->H * d->W, out_size = (size_t)d->H_out * d->W_out;
  /* Zeroing and a scatter, plane by plane while it is in cache: branch-free, and summing
   * covers overlapping windows. */
  for (size_t p = 0; p < planes; p++)
    {
      float *restrict plane = din + p * in_size;
      const float *restrict g = dout + p * out_size;
      const int32_t *restrict a = argmax + p * out_size;
      memset (plane, 0, sizeof (float) * in_size);
      for (size_t i = 0; i < out_size; i++)
        plane[a[i]] += g[i];
    }
}

/* ---- ReLU ---- */

void
kd_relu_forward (float *restrict out, const float *restrict in, size_t n)
{
  /* "x < 0" rather than "x > 0" keeps a NaN a NaN, so divergence stays visible. */
  size_t i = 0;
  for (; i + KD_LANES <= n; i += KD_LANES)
    for (int j = 0; j < KD_LANES; j++)
      out[i + j] = in[i + j] < 0.0f ? 0.0f : in[i + j];
  for (; i < n; i++)
    out[i] = in[i] < 0.0f ? 0.0f : in[i];
}

void
kd_relu_backward (const float *restrict dout,
                  const float *restrict out,
                  float *restrict din,
                  size_t n)
{
  if (!din)
    return;
  size_t i = 0;
  for (; i + KD_LANES <= n; i += KD_LANES)
    for (int j = 0; j < KD_LANES; j++)
      {
        float g = dout[i + j];
        din[i + j] = out[i + j] > 0.0f ? g : 0.0f;
      }
  for (; i < n; i++)
    din[i] = out[i] > 0.0f ? dout[i] : 0.0f;
}

/* ---- dropout ---- */

static float
dropout_scale (float p)
{
  return p < 1.0f ? 1.0f / (1.0f - p) : 0.0f;
}

void
kd_dropout_forward (float *restrict out,
                    uint8_t *restrict mask,
                    const float *restrict in,
                    size_t n,
                    float p,
                    KdRng *rng)
{
  if (p <= 0.0f)
    {
      /* No draws at p = 0: the layer is the identity and leaves the stream untouched. */
      memcpy (out, in, sizeof (float) * n);
      memset (mask, 1, n);
      return;
    }
  float scale = dropout_scale (p);
  for (size_t i = 0; i < n; i++)
    {
      mask[i] = kd_rng_uniform (rng) >= p;
      out[i] = mask[i] ? in[i] * scale : 0.0f;
    }
}

void
kd_dropout_backward (const float *restrict dout,
                     const uint8_t *restrict mask,
                     float *restrict din,
                     size_t n,
                     float p)
{
  if (!din)
    return;
  float scale = p > 0.0f ? dropout_scale (p) : 1.0f;
  for (size_t i = 0; i < n; i++)
    din[i] = mask[i] ? dout[i] * scale : 0.0f;
}
