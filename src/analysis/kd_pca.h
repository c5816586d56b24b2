/* kd_pca.h — principal component projections of a layer's activations.
 *
 * PCA of X (n, d) works on the smaller of the covariance Xc^T Xc (d, d) and the Gram matrix
 * Xc Xc^T (n, n) (same non-zero spectrum), built by sgemm over blocks of samples with
 * double accumulation, and finds the top k eigenpairs with a solver written here (no LAPACK):
 * cyclic Jacobi for matrices up to KD_PCA_JACOBI_MAX, block subspace iteration with
 * Rayleigh-Ritz above (a 1200-unit layer needs only its top 2 or 3 directions).
 *
 * Sign convention: each component's loading of largest magnitude (the first one on ties) is
 * positive, so the same data always gives the same picture, not a mirrored one.
 */
#pragma once

#include <stdatomic.h>
#include <stdint.h>

#include "kd_activations.h"
#include "kd_dataset.h"
#include "kd_net.h"
#include "kd_status.h"

/* Largest number of components kd_pca computes. */
#define KD_PCA_MAX_K 16
/* Matrices up to this order are diagonalised fully by Jacobi rotations. */
#define KD_PCA_JACOBI_MAX 192

/* Top k (1 <= k <= min(d, KD_PCA_MAX_K)) eigenpairs of the symmetric matrix a (d, d): values
 * (k) in descending order and unit eigenvectors (k, d), one per row, signed as above. Only the
 * lower triangle of a is read. Above KD_PCA_JACOBI_MAX, a must be positive semi-definite (as
 * covariance and Gram matrices are): subspace iteration finds the eigenvalues largest in
 * magnitude. */
KdStatus kd_sym_eigen (const double *a, int d, int k, double *values, double *vectors);

/* PCA of x (n, d), n >= 2, 1 <= k <= min(n, d, KD_PCA_MAX_K):
 *   coords     (n, k)  the centred samples projected on the components;
 *   ratio      (k)     explained variance ratio of each component, in [0, 1];
 *   components (k, d)  unit principal axes, or NULL.
 * Components of a constant input (zero variance) are 0 with ratio 0. */
KdStatus
kd_pca (const float *x, int n, int d, int k, float *coords, double *ratio, double *components);

/* kd_pca of the last hidden layer (kd_activations_last_hidden) of net on the selected samples
 * (idx (n), or the first n when NULL), passing their labels (n) through when labels is not
 * NULL and the layer's name and shape through when layer is not NULL. The layer's activations
 * (n, dim) are held once, as floats. */
KdStatus kd_pca_net (KdNet *net,
                     const KdDataset *ds,
                     const int32_t *idx,
                     int n,
                     int k,
                     float *coords,
                     double *ratio,
                     uint8_t *labels,
                     KdRepLayer *layer,
                     atomic_int *cancel);
