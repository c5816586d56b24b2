/* fig_heatmap.h — a labelled matrix: class similarity, CKA, confusion. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <stdbool.h>

#include "fig_colormap.h"
#include "fig_style.h"

typedef struct
{
  int n_rows, n_cols;
  const float *values;               /* (n_rows, n_cols) row-major; NaN cells stay blank */
  const char *const *row_names;      /* (n_rows); NULL for "0", "1", ... */
  const char *const *col_names;      /* (n_cols); NULL for "0", "1", ... */
  const char *row_label, *col_label; /* axis titles; NULL for none */
  const char *value_label;           /* the colour bar's title; NULL for none */
  const char *title;                 /* NULL for none */
  FigColormap colormap;
  double vmin, vmax; /* the colour scale; NaN for the data's range (symmetric about 0 for the
                      * diverging map) */
  int decimals;      /* of the numbers in the cells; < 0 for automatic (0 when all are whole) */
  bool hide_values;  /* no numbers in the cells even where they fit */
} FigHeatmapData;

/* Square cells, row 0 at the top, a colour bar on the right; each cell's value is printed in
 * black or white (whichever reads better on it) when every value fits its cell. */
void fig_heatmap_paint (
    cairo_t *cr, double width, double height, const FigHeatmapData *data, const FigStyle *style);

/* The matrix with row and column names. */
void fig_heatmap_csv (const FigHeatmapData *data, GString *out);
