/* Test programs run on the OpenBLAS kernel the programs use (see kd_blas_better_coretype),
 * so that comparisons against reference kernels cover what users actually run. */
#pragma once

#include "kd_blas.h"

static inline void
kd_test_use_fast_blas (char **argv)
{
  kd_blas_restart_with_fast_kernel (argv);
}
