/* kd_blas.h — the one place that calls OpenBLAS.
 *
 * Row-major C = alpha * op(A) * op(B) + beta * C with op(X) = X or X^T, as cblas_sgemm.
 * kd_sgemm_ref is a naive triple loop kept for tests.
 */
#pragma once

#include <stdbool.h>

void kd_sgemm (bool trans_a,
               bool trans_b,
               int m,
               int n,
               int k,
               float alpha,
               const float *a,
               int lda,
               const float *b,
               int ldb,
               float beta,
               float *c,
               int ldc);

void kd_sgemm_ref (bool trans_a,
                   bool trans_b,
                   int m,
                   int n,
                   int k,
                   float alpha,
                   const float *a,
                   int lda,
                   const float *b,
                   int ldb,
                   float beta,
                   float *c,
                   int ldc);

/* The process-wide thread budget for BLAS (>= 1). */
void kd_blas_set_threads (int n);
int kd_blas_get_threads (void);
