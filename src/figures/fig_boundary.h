/* fig_boundary.h — decision regions of models on 2-D data, one panel per model. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <stdint.h>

#include "fig_style.h"

#define FIG_BOUNDARY_MAX_PANELS 3

typedef struct
{
  int model;          /* a FigModel for the title; -1 with name */
  const char *name;   /* the title; NULL: the model's name */
  const float *probs; /* (res, res, K) class probabilities at the cell centres; row 0 is ymin
                       * (kd_boundary_probs' layout) */
  const float *field; /* (field_res, field_res, 2) a gradient (d/dx, d/dy) per cell centre, row 0
                       * at ymin, drawn as arrows; NULL for none */
} FigBoundaryPanel;

typedef struct
{
  int n_panels; /* 1 .. 3, side by side */
  FigBoundaryPanel panels[FIG_BOUNDARY_MAX_PANELS];
  int res;                       /* cells per side of the probability grids */
  int field_res;                 /* cells per side of the gradient fields */
  int n_classes;                 /* K */
  double xmin, xmax, ymin, ymax; /* what the grids cover (KdBounds) */
  int n_points;
  const float *points;            /* (n_points, 2) training points; NULL for none */
  const uint8_t *labels;          /* (n_points) their classes */
  const char *const *class_names; /* (K); NULL for "0", "1", ... */
  const char *x_label, *y_label;  /* NULL: "x₁", "x₂" */
  const char *title;              /* NULL for none */
} FigBoundaryData;

/* Each cell takes its top class's colour mixed into the background, the more the surer the
 * model is (from 12 % at p_max = 1/K to 72 % at 1), so boundaries show as pale seams; the
 * training points on top in full class colour with an outline; optional gradient arrows, scaled
 * so that the field's 95th-percentile magnitude spans most of a cell. Row 0
 * of every grid is drawn at the bottom. x and y share one scale. */
void fig_boundary_paint (
    cairo_t *cr, double width, double height, const FigBoundaryData *data, const FigStyle *style);

/* panel, row, col, x, y, class, p_max: one row per grid cell (x, y its centre). */
void fig_boundary_csv (const FigBoundaryData *data, GString *out);
