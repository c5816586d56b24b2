/* fig_lines.h — line plots with error bars: training-sweep results and the like. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <stdbool.h>

#include "fig_style.h"

/* A series' look: one of the three models' (FigModel 0..2), or FIG_LOOK_CLASS + i for the
 * i-th colour of the categorical palette. */
#define FIG_LOOK_CLASS 100

typedef struct
{
  const char *label; /* legend entry; series with equal labels share one entry */
  int n;
  const double *x, *y; /* (n); NaN points are skipped */
  const double *err;   /* (n) half-lengths of the error bars; NULL for none */
  int look;
} FigLineSeries;

typedef struct
{
  const char *title; /* NULL for none */
  const char *x_label, *y_label;
  bool log_x, log_y;
  int n_series;
  const FigLineSeries *series;
  double ref_y; /* a horizontal reference line (e.g. the teacher's accuracy); NaN: none */
  const char *ref_label;
  bool x_ticks_at_data; /* ticks at the x values of the data (the temperatures of a sweep) */
} FigLinesPanel;

#define FIG_LINES_MAX_PANELS 4

typedef struct
{
  const char *title; /* the figure's, NULL for none */
  int n_panels;      /* 1 .. 4, side by side */
  const FigLinesPanel *panels;
} FigLinesData;

/* One legend for all panels: inside a single panel where it hides nothing, else above. Error
 * bars of series sharing x values are shifted apart a little so none hides another. */
void fig_lines_paint (
    cairo_t *cr, double width, double height, const FigLinesData *data, const FigStyle *style);

/* panel, series, x, y, err: one row per point. */
void fig_lines_csv (const FigLinesData *data, GString *out);
