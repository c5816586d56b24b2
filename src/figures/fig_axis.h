/* fig_axis.h — internal to src/figures: a panel (one plot area with its two axes), its
 * layout around measured tick labels, and its grid, spines, ticks and labels. */
#pragma once

#include "fig_canvas.h"
#include "fig_ticks.h"

typedef enum
{
  FIG_SCALE_LINEAR,
  FIG_SCALE_LOG,
  FIG_SCALE_CATEGORY, /* items 0 .. n-1 at unit spacing, labelled with their names */
} FigScaleKind;

typedef struct
{
  FigScaleKind kind;
  double lo, hi;     /* the range shown */
  const char *label; /* the axis title; NULL for none */
  int n_categories;
  const char *const *categories; /* (n_categories) */
  bool inverted;                 /* y: lo at the top (matrix rows) */
  bool grid;                     /* major (and log minor) grid lines */
  bool hide_tick_labels;         /* ticks without labels: an axis shared with a neighbour */
  bool no_spine;
  bool no_ticks;             /* labels only, as on a heatmap */
  int highlight;             /* a category whose name is set in bold; -1 for none */
  const double *fixed_ticks; /* (n_fixed_ticks) ticks at these values instead of nice ones */
  int n_fixed_ticks;
} FigAxis;

typedef struct
{
  double l, r, t, b;
} FigMargins;

typedef struct
{
  FigAxis x, y;
  const char *title;
  FigRect outer; /* the panel's share of the figure, after layout */
  FigRect area;  /* the plot area inside it */
  FigTicks xt, yt;
  bool x_rotated; /* category names on x are turned 45 degrees */
  int x_cat_step; /* every n-th category name is written */
  int y_cat_step;
  double cat_max_w;     /* category names longer than this are ellipsized */
  double cat_max_w_min; /* > 0: cat_max_w is at least this (figure pixels), for a short panel
                         * whose names are not turned */
  double top_extra;     /* figure pixels reserved above the area for annotations */
  int y_label_lines;    /* 2 when the y title is longer than the panel is high */
} FigPanel;

void fig_axis_linear (FigAxis *a, double lo, double hi, const char *label);
void fig_axis_log (FigAxis *a, double lo, double hi, const char *label);
void fig_axis_category (FigAxis *a, int n, const char *const *names, const char *label);

/* Data to figure pixels; NaN for values a log axis cannot show. */
double fig_panel_x (const FigPanel *p, double x);
double fig_panel_y (const FigPanel *p, double y);

/* Layout in two steps so neighbours can share margins: measure the margins the panel needs
 * inside outer, then place it with (possibly larger, shared) margins. */
void fig_panel_measure (FigPanel *p, FigCanvas *c, FigRect outer, FigMargins *m);
void fig_panel_place (FigPanel *p, FigCanvas *c, FigRect outer, const FigMargins *m);
void fig_panel_layout (FigPanel *p, FigCanvas *c, FigRect outer);
/* Lays out n panels in outers with aligned plot areas: a common top and bottom within a
 * row and a common left within a column (panels whose outer rects share that edge). */
void fig_panels_layout (FigPanel *const *panels, const FigRect *outers, int n, FigCanvas *c);

void fig_panel_draw_grid (FigPanel *p, FigCanvas *c);
void fig_panel_draw_axes (FigPanel *p, FigCanvas *c);
/* Clips drawing to the plot area widened by `bleed` points (markers at the edge stay whole);
 * pair with cairo_restore. */
void fig_panel_clip (FigPanel *p, FigCanvas *c, double bleed);
