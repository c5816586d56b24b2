/* kd_mem.h — float buffers on 64-byte boundaries.
 *
 * malloc returns large blocks 16 bytes past a page boundary, so every 64-byte vector load of
 * the optimizer's four streams (and of the element-wise passes) would straddle two cache
 * lines. Aligned buffers, with layer offsets that are multiples of 16 floats, keep them whole.
 * Free with free().
 */
#pragma once

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static inline float *
kd_floats_new (size_t n, bool zero)
{
  size_t bytes = ((n ? n : 1) * sizeof (float) + 63) & ~(size_t)63;
  float *p = aligned_alloc (64, bytes);
  if (p && zero)
    memset (p, 0, bytes);
  return p;
}
