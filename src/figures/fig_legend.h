/* fig_legend.h — internal to src/figures: legends, and where to put them.
 *
 * Painters record what they draw in a coarse occupancy grid over the plot area; the legend
 * goes to the candidate spot (corners first, as matplotlib's "best") that covers the least
 * data, or outside the plot when every spot inside would hide some. */
#pragma once

#include "fig_canvas.h"

typedef enum
{
  FIG_KEY_LINE,   /* a short line in the series' dash, with its marker when it has one */
  FIG_KEY_BOX,    /* a filled square, for bars and areas */
  FIG_KEY_DOT,    /* the series' marker alone, for scatter plots */
  FIG_KEY_CUSTOM, /* the square drawn by the painter, with the code that draws its marks */
} FigKeyKind;

/* Draws a key into box (the square a FIG_KEY_BOX fills). */
typedef void (*FigKeyFunc) (FigCanvas *c, FigRect box, const void *data);

#define FIG_LEGEND_MAX 24
#define FIG_LEGEND_LABEL_MAX 128

typedef struct
{
  char label[FIG_LEGEND_LABEL_MAX];
  FigSeriesLook look;
  FigKeyKind kind;
  bool show_marker;
  FigKeyFunc key_func; /* FIG_KEY_CUSTOM */
  const void *key_data;
} FigLegendItem;

typedef struct
{
  int n;
  FigLegendItem items[FIG_LEGEND_MAX];
  int ncol;
  bool framed; /* inside the plot: a translucent box behind it */
  double w, h; /* after fig_legend_measure */
  double row_h, key_w, col_w[FIG_LEGEND_MAX];
} FigLegend;

void fig_legend_init (FigLegend *l);
void
fig_legend_add (FigLegend *l, const char *label, FigSeriesLook look, FigKeyKind kind, bool marker);
/* An item whose key func draws (with data, which must live until the legend is drawn). */
void fig_legend_add_custom (FigLegend *l, const char *label, FigKeyFunc func, const void *data);
/* Measures the legend laid out in ncol columns (items fill rows left to right). */
void fig_legend_measure (FigLegend *l, FigCanvas *c, int ncol);
/* The most columns (up to all items in one row) whose width fits max_width; measures. */
void fig_legend_fit (FigLegend *l, FigCanvas *c, double max_width);
void fig_legend_draw (FigLegend *l, FigCanvas *c, double x, double y);

#define FIG_OCC_W 64
#define FIG_OCC_H 40

typedef struct
{
  FigRect area;
  unsigned char cells[FIG_OCC_H][FIG_OCC_W];
} FigOccupancy;

void fig_occ_init (FigOccupancy *o, FigRect area);
void fig_occ_mark_rect (FigOccupancy *o, double x0, double y0, double x1, double y1);
/* Marks the cells along the polyline through the finite points of (x, y) (figure pixels). */
void fig_occ_mark_polyline (FigOccupancy *o, const double *x, const double *y, int n);
int fig_occ_count (const FigOccupancy *o, double x0, double y0, double x1, double y1);

/* Picks the spot inside o->area for a measured legend; true and its top-left corner when one
 * covers at most `allowed` occupied cells. */
bool fig_legend_place_inside (
    const FigLegend *l, FigCanvas *c, const FigOccupancy *o, int allowed, double *x, double *y);
