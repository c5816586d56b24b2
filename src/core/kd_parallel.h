/* kd_parallel.h — a tiny fork-join pool: the process's threads for GEMMs and for the
 * memory-bound loops BLAS does not cover (the optimizer over millions of parameters).
 *
 * The pool holds the process's thread budget (kd_blas_set_threads): with n threads it keeps
 * n - 1 helpers, which sleep on a condition variable between jobs instead of spinning. Large
 * GEMMs are split over it, each part one single-threaded OpenBLAS call (kd_blas.h), so no
 * second set of threads competes for the cores.
 */
#pragma once

#include <stddef.h>

/* Called once per chunk with [begin, end) of the index range. */
typedef void (*KdRangeFunc) (size_t begin, size_t end, void *user_data);

/* Splits [0, n) into one contiguous chunk per thread (aligned to 16 elements) and runs func on
 * each, the calling thread taking the first; returns when all are done. Ranges below
 * `min_chunk` per thread run on the calling thread alone. Calls do not nest. */
void kd_parallel_for (size_t n, size_t min_chunk, KdRangeFunc func, void *user_data);

/* Resizes the pool to `threads` (>= 1) threads in all, the caller included. */
void kd_parallel_set_threads (int threads);
int  kd_parallel_get_threads (void);
