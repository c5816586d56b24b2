/* fig_pca.h — 2-D PCA projections of a layer's activations, coloured by class, one panel per
 * model. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <stdint.h>

#include "fig_style.h"

#define FIG_PCA_MAX_PANELS 3

typedef struct
{
  int model;             /* a FigModel for the title; -1 with name */
  const char *name;      /* the title; NULL: the model's name */
  const char *layer;     /* the projected layer ("fc1"), added to the title; NULL for none */
  int n;                 /* points */
  const float *coords;   /* (n, dims): PC1 and PC2 in the first two columns */
  int dims;              /* columns of coords, >= 2 (kd_pca's k); 0 means 2 */
  double ratio[2];       /* explained variance ratio of PC1 and PC2 in [0, 1]; NaN: not shown */
  const uint8_t *labels; /* (n) class of each point; NULL: the data's labels */
} FigPcaPanel;

typedef struct
{
  int n_panels; /* 1 .. 3, side by side */
  FigPcaPanel panels[FIG_PCA_MAX_PANELS];
  const uint8_t *labels;          /* (n) classes shared by every panel (the same samples) */
  int n_classes;                  /* K */
  const char *const *class_names; /* (K) UTF-8; NULL for "0", "1", ... */
  const char *title;              /* NULL for none */
} FigPcaData;

/* Small translucent dots in the categorical class palette, drawn in the data's order so that
 * no class always lies on top, with the classes keyed above; axes say how much variance each
 * component explains. Thousands of points draw in a few milliseconds on screen and in PNG
 * (see fig_dots_draw); SVG and PDF get real circles. */
void fig_pca_paint (
    cairo_t *cr, double width, double height, const FigPcaData *data, const FigStyle *style);

/* panel, point, class, pc1, pc2. */
void fig_pca_csv (const FigPcaData *data, GString *out);
