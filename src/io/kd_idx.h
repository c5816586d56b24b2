/* kd_idx.h — MNIST-format IDX files, plain or gzip-compressed (detected by content). */
#pragma once

#include <glib.h>

#include "kd_dataset.h"

#define KD_IDX_MAX_DIMS 4

typedef struct
{
  int n_dims;
  guint32 dims[KD_IDX_MAX_DIMS];
  guint8 *data; /* unsigned-byte payload, product(dims) bytes */
  gsize size;
} KdIdxArray;

/* Reads an IDX file whose element type is unsigned byte (0x08), fully validated: magic, type,
 * dimension count, sizes against the payload, trailing bytes, gzip integrity. */
gboolean kd_idx_read (const char *path, KdIdxArray *out, GError **error);
void     kd_idx_array_clear (KdIdxArray *arr);

/* An images file (n, h, w) and a labels file (n) as one dataset with `n_classes` classes
 * (labels checked against it). Nothing is returned on any error. */
KdDataset *kd_idx_load_pair (const char *images_path, const char *labels_path, int n_classes,
                             GError **error);
