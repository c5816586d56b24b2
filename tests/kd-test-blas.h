/* Test programs run on the OpenBLAS kernel the programs use (see kd_blas_better_coretype):
 * when OpenBLAS fell back to its generic kernel, re-execute with the faster one, so that the
 * comparisons against reference kernels cover what users actually run. */
#pragma once

#include <glib.h>
#include <unistd.h>

#include "kd_blas.h"

static inline void
kd_test_use_fast_blas (char **argv)
{
  if (g_getenv ("OPENBLAS_CORETYPE"))
    return;
  const char *core = kd_blas_better_coretype ();
  if (!core)
    return;
  g_setenv ("OPENBLAS_CORETYPE", core, TRUE);
  execv ("/proc/self/exe", argv);
  g_unsetenv ("OPENBLAS_CORETYPE");
}
