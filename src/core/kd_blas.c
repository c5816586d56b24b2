#include "kd_blas.h"

#include <cblas.h>
#include <stdatomic.h>

#include "kd_parallel.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Not in every cblas.h. */
char *openblas_get_corename (void);

/* OpenBLAS decides per call how many of its threads to use; for GEMMs with few rows or
 * columns (the 10-class output layer) a second thread costs more in wake-ups than it gives,
 * so such calls run on one thread. The threshold is in multiply-adds. */
#define KD_SMALL_GEMM_MACS (64 * 64 * 64)

/* 0 until the first kd_blas_set_threads, while OpenBLAS's own default is in force. Atomic
 * because concurrent trainers (a sweep) all set the same budget when they are created. */
static atomic_int blas_threads = 0;

void
kd_blas_set_threads (int n)
{
  n = n < 1 ? 1 : n;
  if (atomic_exchange_explicit (&blas_threads, n, memory_order_relaxed) == n)
    return;
  openblas_set_num_threads (n);
  kd_parallel_set_threads (n);
}

int
kd_blas_get_threads (void)
{
  int n = atomic_load_explicit (&blas_threads, memory_order_relaxed);
  return n > 0 ? n : 1;
}

static bool
gemm_is_small (int m, int n, int k)
{
  return (double)m * n * k < KD_SMALL_GEMM_MACS || m < 16 || n < 16;
}

void
kd_sgemm (bool trans_a,
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
          int ldc)
{
  if (m <= 0 || n <= 0)
    return;
  int threads = atomic_load_explicit (&blas_threads, memory_order_relaxed);
  bool single = threads > 1 && gemm_is_small (m, n, k);
  if (single)
    openblas_set_num_threads (1);
  cblas_sgemm (CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
               trans_b ? CblasTrans : CblasNoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  if (single)
    openblas_set_num_threads (threads);
}

void
kd_sgemm_ref (bool trans_a,
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
              int ldc)
{
  for (int i = 0; i < m; i++)
    for (int j = 0; j < n; j++)
      {
        double acc = 0.0;
        for (int p = 0; p < k; p++)
          {
            float av = trans_a ? a[p * lda + i] : a[i * lda + p];
            float bv = trans_b ? b[j * ldb + p] : b[p * ldb + j];
            acc += (double)av * bv;
          }
        float prev = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
        c[i * ldc + j] = (float)(alpha * acc) + prev;
      }
}

const char *
kd_blas_better_coretype (void)
{
  static const char *const generic[] = { "Prescott", "Core2",  "Penryn",     "Dunnington",
                                         "Nehalem",  "Katmai", "Coppermine", "Northwood" };
  const char *core = openblas_get_corename ();
  bool is_generic = false;
  for (size_t i = 0; core && i < sizeof generic / sizeof generic[0]; i++)
    is_generic |= strcmp (core, generic[i]) == 0;
  if (!is_generic)
    return NULL;
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init ();
  if (__builtin_cpu_supports ("avx512f") && __builtin_cpu_supports ("avx512bw")
      && __builtin_cpu_supports ("avx512vl") && __builtin_cpu_supports ("avx512dq"))
    return "SkylakeX";
  if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma"))
    return "Haswell";
#endif
  return NULL;
}

const char *
kd_blas_core_name (void)
{
  const char *core = openblas_get_corename ();
  return core ? core : "unknown";
}

void
kd_blas_restart_with_fast_kernel (char **argv)
{
  if (getenv ("OPENBLAS_CORETYPE"))
    return;
  const char *core = kd_blas_better_coretype ();
  if (!core || setenv ("OPENBLAS_CORETYPE", core, 1) != 0)
    return;
  execv ("/proc/self/exe", argv);
  unsetenv ("OPENBLAS_CORETYPE");
}
