/* cli_bench.h — shared by the training and analysis benchmarks. */
#pragma once

#include "kd_dataset.h"

/* n random 28x28 images with random labels of 10 classes, normalised. */
KdDataset *cli_bench_random_images (int n, guint64 seed);

/* Times the analyses against their targets; prints a table, or JSON to `json`. */
int cli_bench_analyses (int threads, const char *json);
