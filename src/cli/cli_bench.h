/* cli_bench.h — shared by the training and analysis benchmarks. */
#pragma once

#include <glib.h>

#include "kd_dataset.h"

/* n random 28x28 images with random labels of 10 classes, normalised. */
KdDataset *cli_bench_random_images (int n, guint64 seed);

/* Times the analyses against their targets; prints a table, or JSON to `json`. */
int cli_bench_analyses (int threads, const char *json);

/* Times every painter at 1280x800 and the sheet's PDF export on a session (or a small run
 * trained first when session is NULL); prints a table, or JSON to `json`. */
int cli_bench_figures (const char *session, int threads, const char *json);
