/* kd_activations.h — what the layers of a network compute: named representation layers,
 * streamed batch activations for many samples and per-layer activation maps for one.
 *
 * Representation layers. The layers worth comparing (CKA) and looking at (maps, PCA) are the
 * points where a network has committed to a representation, not every intermediate buffer:
 *
 *   - the ReLU output of each hidden conv / dense layer, named "conv1", "conv2", ... and
 *     "fc1", "fc2", ... (counted separately, in order, as in the architecture string);
 *   - each max-pool output, "pool1", "pool2", ...;
 *   - the logits of the output layer, "logits".
 *
 * Pre-activation outputs are left out because a ReLU after them makes them redundant with the
 * ReLU output for comparisons, flatten is a reshape and dropout is the identity at inference.
 * KD_ACT_ALL_LAYERS lists every layer instead ("fc1.pre", "fc1", "drop1", "flatten", ...).
 *
 * Functions that take a KdNet run forward passes on it with dropout off (the flag is restored
 * afterwards) and overwrite its activation workspace: pass a clone made from a snapshot, never
 * a network another thread trains. Samples are chosen by an index list idx (n) into the
 * dataset, or the first n samples when idx is NULL. Shapes are row-major, NCHW.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kd_arch.h"
#include "kd_dataset.h"
#include "kd_net.h"
#include "kd_status.h"

/* A network has at most the architecture's layers plus flattens and the output layer. */
#define KD_ACT_MAX_LAYERS (2 * KD_ARCH_MAX_LAYERS + 2)
#define KD_ACT_NAME_LEN 16

typedef enum
{
  KD_ACT_REPRESENTATIONS, /* ReLU outputs of conv/dense layers, pool outputs, logits */
  KD_ACT_ALL_LAYERS,      /* the output of every layer */
} KdActSelect;

typedef struct
{
  int layer;                  /* index into net->layers; its output is net->acts[layer + 1] */
  char name[KD_ACT_NAME_LEN]; /* "conv1", "pool1", "fc1", "logits", ... */
  int c, h, w;                /* per-sample shape; dense outputs are (units, 1, 1) */
  size_t dim;                 /* c * h * w */
  size_t offset;              /* start in a per-sample buffer holding every listed layer */
} KdRepLayer;

/* Lists the layers of `net` chosen by `select` into layers (KD_ACT_MAX_LAYERS), in forward
 * order, and their count into *n_layers. */
KdStatus
kd_activations_layers (const KdNet *net, KdActSelect select, KdRepLayer *layers, int *n_layers);

/* Index into layers (n_layers) of the last representation before the logits (the last hidden
 * layer), or of the logits when the network has no hidden layer; -1 when n_layers < 1. */
int kd_activations_last_hidden (const KdRepLayer *layers, int n_layers);

/* Floats needed for one sample of every listed layer: the sum of their dims. */
size_t kd_activations_sample_size (const KdRepLayer *layers, int n_layers);

/* out (kd_activations_sample_size) = the activations of each listed layer for one already
 * normalised input x (in_c, in_h, in_w), layer r at layers[r].offset as (c, h, w): feature
 * maps for conv/pool layers, vectors for dense ones. */
KdStatus kd_activations_input (
    KdNet *net, const float *x, const KdRepLayer *layers, int n_layers, float *out);

/* The same for dataset sample `index`. */
KdStatus kd_activations_sample (
    KdNet *net, const KdDataset *ds, int index, const KdRepLayer *layers, int n_layers, float *out);

/* Called after the forward pass of each batch: acts[r] (b, layers[r].dim) holds listed layer
 * r for samples [offset, offset + b) of the selection. The pointers are valid during the call
 * only. Returning anything but KD_OK stops the stream with that status. */
typedef KdStatus (*KdActivationFunc) (const float *const *acts, int offset, int b, void *user_data);

/* Forwards samples [first, n) of the selection in batches of net->max_batch (batch k covers
 * [first + k * max_batch, ...)) and calls func after each. Only one batch of activations
 * exists at a time, so memory stays at the network's workspace whatever n is. cancel may be
 * NULL; when it becomes non-zero the stream stops with KD_ERR_CANCELLED. */
KdStatus kd_activations_stream (KdNet *net,
                                const KdDataset *ds,
                                const int32_t *idx,
                                int first,
                                int n,
                                const KdRepLayer *layers,
                                int n_layers,
                                KdActivationFunc func,
                                void *user_data,
                                atomic_int *cancel);

/* out (n, layer->dim) = one layer's activations for the n selected samples, and their labels
 * (n) when labels is not NULL. */
KdStatus kd_activations_capture (KdNet *net,
                                 const KdDataset *ds,
                                 const int32_t *idx,
                                 int n,
                                 const KdRepLayer *layer,
                                 float *out,
                                 uint8_t *labels,
                                 atomic_int *cancel);

/* ---- products in float with double accumulation ----------------------------------------- */

/* Terms of the k dimension summed in float by one sgemm before the partial result is added in
 * double: float rounding error grows with this count, not with k. */
#define KD_ACT_DACC_BLOCK 256

/* c (m, n) = op(a) op(b) with op(x) = x or x^T and k the shared dimension, as kd_sgemm, but
 * with the k dimension split into blocks of `block` terms (0: KD_ACT_DACC_BLOCK) summed in
 * float by kd_sgemm and accumulated into the double c. */
KdStatus kd_activations_gemm_dacc (bool trans_a,
                                   bool trans_b,
                                   int m,
                                   int n,
                                   int k,
                                   const float *a,
                                   int lda,
                                   const float *b,
                                   int ldb,
                                   double *c,
                                   int ldc,
                                   int block);
