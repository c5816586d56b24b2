/* kd_toy.h — built-in 2-D datasets, deterministic for a seed. Features are float (1, 1, 2). */
#pragma once

#include <stdint.h>

#include "kd_dataset.h"

typedef enum
{
  KD_TOY_SPIRALS, /* n_classes interleaved arms */
  KD_TOY_MOONS,   /* n_classes half-moons around a circle */
  KD_TOY_BLOBS,   /* n_classes Gaussian blobs on a circle */
  KD_TOY_XOR,     /* 2 classes: the sign of x*y (n_classes is ignored) */
  KD_TOY_RINGS,   /* n_classes concentric rings */
} KdToyKind;

/* NULL for invalid arguments (n < 1, n_classes outside [2, 10], noise < 0). */
KdDataset *kd_toy_generate (KdToyKind kind, int n, int n_classes, float noise, uint64_t seed);
const char *kd_toy_name (KdToyKind kind);
