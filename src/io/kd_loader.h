/* kd_loader.h — turns a dataset name or path into a train/test pair. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "kd_dataset.h"

/* spec is one of the built-in names (kd_loader_builtin_names), "fashion-mnist" (Debian's
 * dataset-fashion-mnist), a directory with MNIST-style IDX files
 * ({train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]), a directory without them whose
 * sub-folders are classes holding *.png images (class names and labels in byte order of the
 * sub-folder names, 2 to 256 classes; images read as 8-bit greyscale, all of one size; an
 * 80/20 split seeded by `seed`), or a CSV file (label in the first column; an 80/20 split
 * seeded by `seed`). limits <= 0 mean all samples. The test set's normalisation is the
 * training set's. On error nothing is returned and *train, *test are untouched. */
gboolean kd_loader_load (const char *spec,
                         uint64_t seed,
                         int train_limit,
                         int test_limit,
                         KdDataset **train,
                         KdDataset **test,
                         GError **error);

/* NULL-terminated list of the built-in dataset names. */
const char *const *kd_loader_builtin_names (void);
gboolean kd_loader_fashion_mnist_available (void);
