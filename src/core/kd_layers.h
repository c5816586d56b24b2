/* kd_layers.h — forward/backward pairs of the layer operations.
 *
 * Conventions: row-major, NCHW, batch first. Backward functions accumulate parameter
 * gradients with += (gradients are zeroed once per step by the optimizer), and *overwrite*
 * the input gradient: in a sequential network every activation has exactly one consumer, so
 * accumulating would only cost an extra zeroing pass per layer. A NULL input gradient is
 * skipped (the first layer does not need it during training).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kd_parallel.h"
#include "kd_rng.h"

/* out (B, O) = in (B, I) . w^T (O, I) + b (O) */
void
kd_dense_forward (float *out, const float *in, const float *w, const float *b, int B, int I, int O);
/* kd_dense_forward followed by kd_relu_forward (relu_out, out, B * O) in one pass. */
void kd_dense_relu_forward (float *out,      /* (B, O) */
                            float *relu_out, /* (B, O) */
                            const float *in, /* (B, I) */
                            const float *w,  /* (O, I) */
                            const float *b,  /* (O) */
                            int B,
                            int I,
                            int O);

/* dw (O, I) += dout^T . in; db (O) += sum_b dout; din (B, I) = dout . w */
void kd_dense_backward (const float *dout,
                        const float *in,
                        const float *w,
                        float *din,
                        float *dw,
                        float *db,
                        int B,
                        int I,
                        int O);

/* Where a layer's parameters sit in the flat buffers, and the update (an optimizer step) to
 * run on ranges [begin, end) of them once their gradients are complete. */
typedef struct
{
  KdRangeFunc func;
  void *data;
  size_t w_offset, b_offset;
} KdLayerUpdate;

/* kd_dense_backward followed by `update` on every weight and bias, in blocks of rows of dw
 * updated right after they are computed, while they are still in cache. din uses the weights
 * from before the update. With relu_in, `in` is the output of a ReLU and din is that ReLU's
 * input gradient (kd_relu_backward applied in the same pass). */
void kd_dense_backward_update (const float *dout, /* (B, O) */
                               const float *in,   /* (B, I) */
                               const float *w,    /* (O, I) */
                               float *din,        /* (B, I) or NULL */
                               bool relu_in,
                               float *dw, /* (O, I) */
                               float *db, /* (O) */
                               int B,
                               int I,
                               int O,
                               const KdLayerUpdate *update);

typedef struct
{
  int B, C_in, H, W; /* input (B, C_in, H, W) */
  int C_out, K, stride, pad;
  int H_out, W_out; /* output (B, C_out, H_out, W_out) */
  /* Parts of whole images the batch is split into, each run on a thread of the kd_parallel
   * pool with its own workspace and its own dw and db, added in part order (< 2: one part,
   * whose GEMMs kd_sgemm may split). Results repeat bit for bit for the same parts; the
   * workspace grows with them. */
  int parts;
} KdConvDims;

/* Fills H_out/W_out; returns 0 when the geometry is valid. */
int kd_conv_dims_init (KdConvDims *d);
/* Floats of workspace the conv functions need for the given dims. */
size_t kd_conv2d_workspace (const KdConvDims *d);
void kd_conv2d_forward (
    float *out, const float *in, const float *w, const float *b, const KdConvDims *d, float *work);
void kd_conv2d_backward (const float *dout,
                         const float *in,
                         const float *w,
                         float *din,
                         float *dw,
                         float *db,
                         const KdConvDims *d,
                         float *work);

typedef struct
{
  int B, C, H, W;
  int K, stride;
  int H_out, W_out;
} KdPoolDims;

int kd_pool_dims_init (KdPoolDims *d);
/* argmax (B, C, H_out, W_out) records the flat input index within each (b, c) plane. */
void kd_maxpool_forward (float *out, int32_t *argmax, const float *in, const KdPoolDims *d);
void
kd_maxpool_backward (const float *dout, const int32_t *argmax, float *din, const KdPoolDims *d);

void kd_relu_forward (float *out, const float *in, size_t n);
/* Uses the forward output: relu'(x) = out > 0. */
void kd_relu_backward (const float *dout, const float *out, float *din, size_t n);

/* Inverted dropout: kept units are scaled by 1 / (1 - p) so inference needs no change. */
void kd_dropout_forward (float *out, uint8_t *mask, const float *in, size_t n, float p, KdRng *rng);
void kd_dropout_backward (const float *dout, const uint8_t *mask, float *din, size_t n, float p);
