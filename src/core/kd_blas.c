#include "kd_blas.h"

#include <cblas.h>
#include <stdatomic.h>

#include "kd_parallel.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Not in every cblas.h. */
char *openblas_get_corename (void);

/* GEMMs below this many multiply-adds, or with fewer than 16 rows or columns (the 10-class
 * output layer), run on the calling thread: a second thread costs more in wake-ups than it
 * gives. */
#define KD_SMALL_GEMM_MACS (64 * 64 * 64)

/* 0 until the first kd_blas_set_threads, while OpenBLAS's own default is in force. Atomic
 * because concurrent trainers (a sweep) all set the same budget when they are created. */
static atomic_int blas_threads = 0;

/* Whether large GEMMs are split over the kd_parallel pool with OpenBLAS on one thread (the
 * default), or left to OpenBLAS's own threads. One pool for GEMMs and the memory-bound loops
 * means no idle OpenBLAS thread spins (sched_yield) on a core the optimizer needs. */
static atomic_bool openblas_threads = false;

static void
apply_openblas_threads (void)
{
  int n = atomic_load_explicit (&blas_threads, memory_order_relaxed);
  bool own = atomic_load_explicit (&openblas_threads, memory_order_relaxed);
  openblas_set_num_threads (own && n > 1 ? n : 1);
}

void
kd_blas_set_threads (int n)
{
  n = n < 1 ? 1 : n;
  if (atomic_exchange_explicit (&blas_threads, n, memory_order_relaxed) == n)
    return;
  apply_openblas_threads ();
  kd_parallel_set_threads (n);
}

int
kd_blas_get_threads (void)
{
  int n = atomic_load_explicit (&blas_threads, memory_order_relaxed);
  return n > 0 ? n : 1;
}

void
kd_blas_use_openblas_threads (bool use)
{
  atomic_store_explicit (&openblas_threads, use, memory_order_relaxed);
  if (atomic_load_explicit (&blas_threads, memory_order_relaxed) > 0)
    apply_openblas_threads ();
}

static bool
gemm_is_small (int m, int n, int k)
{
  return (double)m * n * k < KD_SMALL_GEMM_MACS || m < 16 || n < 16;
}

bool
kd_sgemm_splits (int m, int n, int k)
{
  return kd_blas_get_threads () > 1 && !gemm_is_small (m, n, k);
}

/* One kd_sgemm call; `rows` says whether the pool splits C by rows or by columns. */
typedef struct
{
  bool trans_a, trans_b, rows;
  int m, n, k, lda, ldb, ldc;
  float alpha, beta;
  const float *a, *b;
  float *c;
} GemmJob;

/* The one call into OpenBLAS: rows [m0, m1) and columns [n0, n1) of C. */
static void
blas_block (const GemmJob *g, int m0, int m1, int n0, int n1)
{
  const float *a = g->trans_a ? g->a + m0 : g->a + (size_t)m0 * g->lda;
  const float *b = g->trans_b ? g->b + (size_t)n0 * g->ldb : g->b + n0;
  cblas_sgemm (CblasRowMajor, g->trans_a ? CblasTrans : CblasNoTrans,
               g->trans_b ? CblasTrans : CblasNoTrans, m1 - m0, n1 - n0, g->k, g->alpha, a, g->lda,
               b, g->ldb, g->beta, g->c + (size_t)m0 * g->ldc + n0, g->ldc);
}

/* Each part of C is a GEMM over the full k; the split depends only on the shape and the
 * thread count, so results repeat bit for bit for a thread count. */
static void
gemm_part (size_t begin, size_t end, void *data)
{
  const GemmJob *g = data;
  if (g->rows)
    blas_block (g, (int)begin, (int)end, 0, g->n);
  else
    blas_block (g, 0, g->m, (int)begin, (int)end);
}

/* OpenBLAS's own threads decide the split; small GEMMs still run on one thread. */
static void
openblas_threaded (const GemmJob *g, bool small, int threads)
{
  bool single = threads > 1 && small;
  if (single)
    openblas_set_num_threads (1);
  blas_block (g, 0, g->m, 0, g->n);
  if (single)
    openblas_set_num_threads (threads);
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
  GemmJob g = { .trans_a = trans_a,
                .trans_b = trans_b,
                .rows = m > n,
                .m = m,
                .n = n,
                .k = k,
                .lda = lda,
                .ldb = ldb,
                .ldc = ldc,
                .alpha = alpha,
                .beta = beta,
                .a = a,
                .b = b,
                .c = c };
  int threads = kd_blas_get_threads ();
  bool small = gemm_is_small (m, n, k);
  if (atomic_load_explicit (&openblas_threads, memory_order_relaxed))
    openblas_threaded (&g, small, threads);
  else if (threads == 1 || small)
    blas_block (&g, 0, m, 0, n);
  else
    kd_parallel_for (g.rows ? (size_t)m : (size_t)n, 16, gemm_part, &g);
}

void
kd_sgemm_serial (bool trans_a,
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
  GemmJob g = { .trans_a = trans_a,
                .trans_b = trans_b,
                .m = m,
                .n = n,
                .k = k,
                .lda = lda,
                .ldb = ldb,
                .ldc = ldc,
                .alpha = alpha,
                .beta = beta,
                .a = a,
                .b = b,
                .c = c };
  if (m > 0 && n > 0)
    blas_block (&g, 0, m, 0, n);
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
