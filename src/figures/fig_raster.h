/* fig_raster.h — internal to src/figures: raster images (saliency maps, feature maps,
 * probability grids) and dense scatter dots.
 *
 * Images are built at the data's own resolution and scaled by cairo when drawn, so an SVG or
 * PDF keeps one image per map instead of a rectangle per pixel. Dots are drawn straight into
 * the pixels of an image surface when they can be (see fig_dots_draw): cairo fills a small
 * circle in about 3 us, which is too slow for a few thousand points per frame.
 */
#pragma once

#include <stdint.h>

#include "fig_canvas.h"
#include "fig_colormap.h"

/* A new ARGB32 image surface of w x h; *pixels and *stride (in uint32_t) address its rows.
 * Write premultiplied pixels with fig_argb, then call cairo_surface_mark_dirty. */
cairo_surface_t *fig_raster_new (int w, int h, uint32_t **pixels, int *stride);

/* A premultiplied ARGB32 pixel of colour c at opacity c.a. */
uint32_t fig_argb (FigRGBA c);

/* values (h, w) row-major through a colormap, lo at its start and hi at its end; non-finite
 * values are transparent. flip_rows puts row 0 at the bottom (grids whose row 0 is ymin). */
cairo_surface_t *fig_raster_colormap (
    const float *values, int w, int h, FigColormap map, double lo, double hi, bool flip_rows);

/* Draws image stretched over r (figure pixels). Nearest-neighbour shows every data pixel as a
 * sharp square, which is what a 28 x 28 map is; smooth interpolates (dense grids). */
void fig_raster_draw (FigCanvas *c, cairo_surface_t *image, FigRect r, bool smooth);

/* Draws tile (sw x sh pixels at (sx, sy) inside image) stretched over r, nearest-neighbour:
 * one image per layer holds all its feature maps. */
void fig_raster_draw_tile (
    FigCanvas *c, cairo_surface_t *image, int sx, int sy, int sw, int sh, FigRect r);

typedef struct
{
  FigRect clip;           /* figure pixels; dots are cut off at its edges */
  double diameter;        /* figure pixels */
  const FigRGBA *palette; /* (n_colors) fill colours, their alpha the dots' opacity */
  int n_colors;
  FigRGBA edge;      /* a ring around each dot, drawn over neighbours; alpha 0 for none */
  double edge_width; /* figure pixels */
} FigDots;

/* n filled circles at (x, y) (figure pixels), dot i in palette[color[i] % n_colors], drawn in
 * order so that no class always hides another. On an image surface under a scale-and-
 * translate transform and a rectangular clip (the screen, PNG export) each dot is blended
 * from a precomputed antialiased coverage mask at a quarter-pixel position; anywhere else
 * (SVG, PDF) it is a cairo circle, so vector files keep vector dots. */
void fig_dots_draw (
    FigCanvas *c, const double *x, const double *y, const uint8_t *color, int n, const FigDots *d);
