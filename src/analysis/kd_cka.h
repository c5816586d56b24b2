/* kd_cka.h — linear centered kernel alignment between layers (Kornblith et al., ICML 2019).
 *
 * For the activations X (n, dx) and Y (n, dy) of two layers on the same n samples, with
 * column-centred Xc, Yc and centred Gram matrices Kx = Xc Xc^T, Ky = Yc Yc^T:
 *
 *   CKA(X, Y) = <Kx, Ky>_F / (||Kx||_F ||Ky||_F) = ||Yc^T Xc||_F^2 / (||Xc^T Xc||_F ||Yc^T Yc||_F)
 *
 * It is 1 for identical layers, invariant to orthogonal transforms and isotropic scaling of
 * either side, and lies in [0, 1]. A constant layer (no variance) has a zero Gram matrix; its
 * CKA with anything is defined here as 0.
 *
 * Streaming and memory. A KdCkaModel holds, per representation layer of one network, just
 * enough of the n samples to compare it with any other layer later, in whichever form is
 * smaller:
 *
 *   - dim <= n: the centred activations Xc (n, dim) in float,   4 n dim bytes;
 *   - dim >  n: the centred Gram matrix Kx (n, n) in float,     4 n^2 bytes.
 *
 * Activations are never held for all layers at full size. The samples are forwarded in
 * batches of net->max_batch (kd_activations_stream); narrow layers are copied as they come.
 * For wide layers (conv feature maps) only a cache of `cache_bytes` is kept, enough for a
 * block I of R samples: a pass fills the cache with block I, then multiplies every later
 * batch J against it (K[J, I]); the next pass starts at the next block. That takes about
 * n / R passes over a shrinking tail of the data (kd_cka_model_passes) and bounds memory by
 * the kept factors plus the cache plus one batch of the widest layer — kd_cka_model_memory.
 * For example, on 2,000 28x28 images, fc1200-fc1200 keeps 19 MB (peak 37 MB);
 * conv32-pool-conv64-pool-fc128 keeps 65 MB, peaks at 189 MB with the default cache and at
 * 140 MB with the smallest (one batch of 256), where its activations at full size would take
 * 377 MB. Comparing two layers needs a temporary 12 max(dim_a dim_b, n dim) bytes.
 *
 * Cost. Building takes the forward passes above plus, per narrow layer, one (dim, dim, n)
 * product for its own norm and, per wide layer, about n^2 dim / 2 multiply-adds for its Gram
 * matrix; a comparison is (dim_a, dim_b, n) (both narrow), (n, dim, n) (one wide) or n^2
 * (both wide). Measured on 2,000 28x28 images with 2 threads (AVX-512 kernels), all four
 * matrices of kd_cka_compare, forward passes included: teacher fc1200-fc1200 with fc32
 * students 0.2 s; conv32-pool-conv64-pool-fc128 with conv16-pool-fc32 students 3.3 s.
 *
 * Precision. Products are computed by sgemm in float over blocks of KD_ACT_DACC_BLOCK
 * samples (1,024 features for Gram matrices) and accumulated in double
 * (kd_activations_gemm_dacc); means, centring, inner products of Gram matrices and the final
 * ratio are in double; the kept factors are float. Wide layers are shifted by their first
 * batch's mean before the Gram product (centring ignores any shift), so ReLU features with
 * large means do not cancel when K is centred. The result agrees with an all-double
 * computation to about 1e-6 (CKA's sampling error at n = 2,000 is orders larger) and is
 * bitwise reproducible for the same inputs and thread count.
 */
#pragma once

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "kd_activations.h"
#include "kd_dataset.h"
#include "kd_net.h"
#include "kd_status.h"
#include "kd_train.h"

/* Default cache for the wide layers' activations of one block of samples. */
#define KD_CKA_DEFAULT_CACHE_BYTES ((size_t)128 << 20)

/* Per-layer data of one network on a fixed selection of samples; opaque. */
typedef struct KdCkaModel KdCkaModel;

/* Forwards the n selected samples (idx (n), or the first n when NULL; n >= 2) through net
 * and keeps what CKA needs of each representation layer (see KD_ACT_REPRESENTATIONS).
 * cache_bytes bounds the streaming cache (0: KD_CKA_DEFAULT_CACHE_BYTES; at least one batch
 * is always cached). *out is owned by the caller: kd_cka_model_free. Compare only models
 * built on the same selection of the same dataset. */
KdStatus kd_cka_model_new (KdNet *net,
                           const KdDataset *ds,
                           const int32_t *idx,
                           int n,
                           size_t cache_bytes,
                           atomic_int *cancel,
                           KdCkaModel **out);
void kd_cka_model_free (KdCkaModel *model);

int kd_cka_model_n_layers (const KdCkaModel *model);
/* Layer r's name and shape, valid as long as the model. */
const KdRepLayer *kd_cka_model_layer (const KdCkaModel *model, int r);
/* Passes over the data that building the model took (1 when no layer is wider than n). */
int kd_cka_model_passes (const KdCkaModel *model);

/* Upper bound of the bytes kd_cka_model_new allocates for net on n samples with the given
 * cache (the network's own workspace not included). */
size_t kd_cka_model_memory (const KdNet *net, int n, size_t cache_bytes);

/* cka (n_layers(a), n_layers(b)), row-major, CKA of layer i of a with layer j of b. a and b
 * may be the same model (teacher x teacher: a symmetric matrix with a unit diagonal).
 * KD_ERR_SHAPE when a and b were built on different sample counts. */
KdStatus kd_cka_matrix (const KdCkaModel *a, const KdCkaModel *b, double *cka);

/* ---- the three models of an experiment ---------------------------------------------------- */

/* The comparisons the workbench shows: rows are layers of the first model, columns of the
 * second. */
typedef enum
{
  KD_CKA_TEACHER_STUDENT,
  KD_CKA_TEACHER_BASELINE,
  KD_CKA_STUDENT_BASELINE,
  KD_CKA_TEACHER_TEACHER,
  KD_CKA_N_PAIRS,
} KdCkaPair;

/* The models (rows, columns) of a pair. */
void kd_cka_pair_models (KdCkaPair pair, KdModelId *rows, KdModelId *cols);

typedef struct
{
  int n_samples;
  int n_layers[KD_N_MODELS]; /* 0 for a model that was not given */
  KdRepLayer layers[KD_N_MODELS][KD_ACT_MAX_LAYERS];
  double *cka[KD_CKA_N_PAIRS]; /* (n_layers[rows], n_layers[cols]), or NULL when a model of
                                  the pair was not given */
} KdCkaResult;

/* Every pair's CKA matrix for the networks nets (KD_N_MODELS, indexed by KdModelId; NULL
 * entries are skipped, e.g. a baseline not trained) on the selected samples. The models are
 * built one after the other, so the peak is the kept factors of all three plus one model's
 * streaming cache. *out is owned by the caller: kd_cka_result_free. */
KdStatus kd_cka_compare (KdNet *const *nets,
                         const KdDataset *ds,
                         const int32_t *idx,
                         int n,
                         size_t cache_bytes,
                         atomic_int *cancel,
                         KdCkaResult **out);
void kd_cka_result_free (KdCkaResult *result);

/* Linear CKA of x (n, dx) and y (n, dy) computed directly, all in double: the reference the
 * streaming path is tested against, and fine for small inputs (cost n * min(dx dy, n (dx +
 * dy))). *cka is 0 when either side is constant. */
KdStatus kd_cka_linear (const float *x, int dx, const float *y, int dy, int n, double *cka);
