/* kd_digits.h — "synthetic digits": 28x28 digits 0-9 drawn procedurally as strokes.
 *
 * No fonts: every digit is a few polyline/arc strokes, rendered with random thickness, slant,
 * affine jitter and pixel noise, so that look-alike classes (1/7, 3/8, 4/9, 5/6) really look
 * alike and a small MLP does not reach 100%. Deterministic for (n, seed).
 */
#pragma once

#include <stdint.h>

#include "kd_dataset.h"

KdDataset *kd_digits_generate (int n, uint64_t seed);
