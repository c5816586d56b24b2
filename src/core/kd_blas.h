/* kd_blas.h — the one place that calls OpenBLAS.
 *
 * Row-major C = alpha * op(A) * op(B) + beta * C with op(X) = X or X^T, as cblas_sgemm.
 * kd_sgemm_ref is a naive triple loop kept for tests.
 */
#pragma once

#include <stdbool.h>

/* The signature every GEMM here shares, so callers can take any of them as a parameter. */
typedef void KdGemmFunc (bool trans_a,
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

KdGemmFunc kd_sgemm;
/* As kd_sgemm, on the calling thread only: for GEMMs inside a kd_parallel_for job. Requires
 * OpenBLAS on one thread (the default; see kd_blas_use_openblas_threads). */
KdGemmFunc kd_sgemm_serial;
KdGemmFunc kd_sgemm_ref;

/* The process-wide thread budget for BLAS (>= 1). Large GEMMs are split by rows or columns
 * over the kd_parallel pool of that many threads, each part one single-threaded OpenBLAS
 * call, so GEMMs and the optimizer share one set of threads and none spins while the other
 * works. Not to be called from inside a kd_parallel_for job (calls do not nest). */
void kd_blas_set_threads (int n);
int kd_blas_get_threads (void);

/* Whether kd_sgemm would split an m x n x k GEMM over the threads: callers that split a GEMM
 * themselves (to fuse work on each part) follow the same rule. */
bool kd_sgemm_splits (int m, int n, int k);

/* true: let OpenBLAS's own threads run each GEMM instead (the benchmark's reference for the
 * library's sgemm rate). Process-wide; false by default. */
void kd_blas_use_openblas_threads (bool use);

/* OpenBLAS's DYNAMIC_ARCH picks its kernels by CPU model at load time; a model newer than the
 * library (Debian 12 ships 0.3.21) falls back to a generic SSE3 kernel ("Prescott") that is
 * 3-5x slower. When that happened on a CPU whose features the library does have kernels for,
 * this returns the OPENBLAS_CORETYPE to use ("SkylakeX" for AVX-512, "Haswell" for AVX2+FMA);
 * otherwise NULL. The setting only takes effect in a process started with it, so programs
 * re-execute themselves (see the CLI's main). */
const char *kd_blas_better_coretype (void);

/* When kd_blas_better_coretype() names a kernel and OPENBLAS_CORETYPE is not set, sets it and
 * re-executes the running program (/proc/self/exe) with the same argv; returns only when no
 * restart was needed or the exec failed (the environment is then left as it was). A setting
 * already in the environment is always respected: some machines need a particular one. */
void kd_blas_restart_with_fast_kernel (char **argv);

/* The name of the kernel set OpenBLAS runs (e.g. "SkylakeX", "Haswell", "Prescott"). */
const char *kd_blas_core_name (void);
