/* kd_dataset.h — an in-memory labelled dataset as the core sees it.
 *
 * Images stay uint8 (a 60,000-image set costs 47 MB instead of 188 MB as float) and are
 * normalised per batch as they are copied into the network's input; 2-D toy sets and CSV
 * data are float features. Exactly one of `pixels` and `features` is set.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "kd_status.h"

#define KD_MAX_CLASSES 256
#define KD_CLASS_NAME_LEN 32

typedef struct
{
  int n;         /* number of samples */
  int c, h, w;   /* per-sample shape; 2-D/tabular data is (1, 1, d) */
  int n_classes; /* labels lie in [0, n_classes) */

  uint8_t *pixels; /* (n, c, h, w) raw 0..255, or NULL */
  float *features; /* (n, c, h, w) already scaled, or NULL */
  uint8_t *labels; /* (n) */

  /* Per-batch normalisation of pixels: x = (p / 255 - mean) / std. */
  float mean, std;

  char name[64];
  char class_names[KD_MAX_CLASSES][KD_CLASS_NAME_LEN];
} KdDataset;

/* Allocates zeroed storage for n samples of shape (c, h, w); use_pixels selects uint8. */
KdDataset *kd_dataset_new (int n, int c, int h, int w, int n_classes, int use_pixels);
void kd_dataset_free (KdDataset *ds);

static inline size_t
kd_dataset_dim (const KdDataset *ds)
{
  return (size_t)ds->c * ds->h * ds->w;
}

/* Copies samples idx[0..b) into out (b, c, h, w) as normalised floats and, when labels is not
 * NULL, their labels. */
void
kd_dataset_fill_batch (const KdDataset *ds, const int32_t *idx, int b, float *out, uint8_t *labels);

/* A new dataset holding the first `limit` samples (all when limit <= 0 or >= n). */
KdDataset *kd_dataset_head (const KdDataset *ds, int limit);

/* Sets mean/std of pixel data from the data itself (called once after loading). */
void kd_dataset_compute_norm (KdDataset *ds);

/* Checks labels against n_classes and features for NaN/Inf; returns the first bad index in
 * *bad_index. */
KdStatus kd_dataset_validate (const KdDataset *ds, int *bad_index);
