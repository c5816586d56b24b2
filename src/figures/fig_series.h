/* fig_series.h — internal to src/figures: data series drawn into a panel. */
#pragma once

#include "fig_axis.h"
#include "fig_legend.h"

typedef struct
{
  bool line;          /* join the points */
  bool markers;       /* a marker at every point */
  double width_scale; /* line width relative to the style's (1 when 0) */
  double dx;          /* points to shift sideways, to keep neighbours' error bars apart */
} FigSeriesOpts;

/* Draws the finite points of (x, y) (data units, n) in the panel, joined across missing
 * (NaN) points. */
void fig_series_draw (FigCanvas *c,
                      const FigPanel *p,
                      const double *x,
                      const double *y,
                      int n,
                      FigSeriesLook look,
                      const FigSeriesOpts *opts);

/* Vertical error bars y +- err with caps; dx shifts them sideways by that many points so
 * neighbouring series do not hide each other. */
void fig_series_errorbars (FigCanvas *c,
                           const FigPanel *p,
                           const double *x,
                           const double *y,
                           const double *err,
                           int n,
                           FigRGBA color,
                           double dx);

/* Marks in occ what fig_series_draw and fig_series_errorbars (err may be NULL) would cover. */
void fig_series_occupy (FigCanvas *c,
                        const FigPanel *p,
                        const double *x,
                        const double *y,
                        const double *err,
                        int n,
                        double dx,
                        FigOccupancy *occ);

/* The finite range of values (n), optionally widened by err (n, may be NULL); false when
 * none is finite. positive_only skips values <= 0 (for log axes). */
bool fig_data_range (
    const double *v, const double *err, int n, bool positive_only, double *lo, double *hi);

/* The figure's title at the top left of r; returns what is left of r below it. */
FigRect fig_figure_title (FigCanvas *c, FigRect r, const char *title);
/* A legend fitted to r's width and centred at its top; returns what is left below it. */
FigRect fig_legend_above (FigLegend *l, FigCanvas *c, FigRect r);
/* The figure less its outer padding. */
FigRect fig_canvas_content (FigCanvas *c);

/* Where a legend went. */
typedef struct
{
  bool inside; /* in a framed box over the plot; otherwise above it, unframed */
  double x, y; /* its top-left corner */
} FigLegendSpot;

/* Marks what a painter is about to draw in panel p into occ, without drawing. */
typedef void (*FigOccupyFunc) (FigCanvas *c,
                               const FigPanel *p,
                               FigOccupancy *occ,
                               const void *user);

/* Lays out p in r together with legend l: inside the plot area where it hides nothing that
 * occupy marks, otherwise above the plot (p laid out again in the rest of r). */
void fig_layout_with_legend (FigCanvas *c,
                             FigPanel *p,
                             FigRect r,
                             FigLegend *l,
                             FigOccupyFunc occupy,
                             const void *user,
                             FigLegendSpot *spot);
void fig_legend_draw_at (FigLegend *l, FigCanvas *c, const FigLegendSpot *spot);
