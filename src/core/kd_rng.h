/* kd_rng.h — a small seeded random generator (xoshiro256**, seeded through splitmix64).
 *
 * Our own generator rather than rand(): results must be identical on every libc, and every
 * consumer (weight init, shuffling, dropout, data generators) takes an explicit state so that
 * runs are reproducible and threads never share one.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

typedef struct
{
  uint64_t s[4];
} KdRng;

void kd_rng_seed (KdRng *rng, uint64_t seed);
uint64_t kd_rng_next (KdRng *rng);
/* Uniform in [0, 1) with 24 random bits. */
float kd_rng_uniform (KdRng *rng);
/* Uniform integer in [0, n), without modulo bias. */
uint32_t kd_rng_below (KdRng *rng, uint32_t n);
/* Standard normal (Box-Muller, one value per call, no hidden state). */
float kd_rng_normal (KdRng *rng);
/* Fisher-Yates shuffle of idx[0..n). */
void kd_rng_shuffle (KdRng *rng, int32_t *idx, size_t n);
/* A new array holding 0..n-1 in random order (free() it), or NULL when out of memory. */
int32_t *kd_rng_permutation (KdRng *rng, size_t n);
/* An independent stream derived from this one (for a second consumer). */
void kd_rng_fork (KdRng *rng, KdRng *child);
