/* fig_cka.h — linear-CKA matrices (layers of one model against layers of another) drawn by the
 * heatmap painter with the settings such a matrix needs. */
#pragma once

#include "fig_heatmap.h"

/* Fills out for fig_heatmap_paint: values (n_rows, n_cols) row-major, CKA of row model layer r
 * with column model layer c (kd_cka's layout), layer names on the axes (NULL for "0", "1", ...),
 * axes titled "<model> layer", viridis on a fixed 0 to 1 scale so that matrices of different
 * pairs compare, and each value printed with two decimals in its cell whenever all of them fit
 * (the heatmap's rule). Everything is borrowed; the title is left NULL. */
void fig_cka_heatmap (FigHeatmapData *out,
                      int n_rows,
                      int n_cols,
                      const float *values,
                      const char *const *row_layers,
                      const char *const *col_layers,
                      FigModel row_model,
                      FigModel col_model);
