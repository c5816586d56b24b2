/* fig_canvas.h — internal to src/figures: one painter call's drawing state and the drawing
 * primitives every painter shares (text, lines, markers, the "no data" message).
 *
 * A painter opens a canvas on the cairo_t it was given, draws, and closes it. The canvas
 * holds the Pango context and the one layout reused for every label, with hinting off and
 * glyph positions unrounded so that text measures the same at every dpi and on every surface
 * (image, SVG, PDF): that is what keeps one layout for screen and files.
 */
#pragma once

#include <cairo.h>
#include <pango/pangocairo.h>
#include <stdbool.h>

#include "fig_style.h"

#define FIG_SQRT1_2 0.70710678118654752440 /* cos 45 degrees */

typedef enum
{
  FIG_FONT_TICK,      /* tick labels */
  FIG_FONT_TICK_BOLD, /* a highlighted category name */
  FIG_FONT_LABEL,     /* axis labels, legend entries */
  FIG_FONT_TITLE,     /* panel titles */
  FIG_FONT_HEAD,      /* the figure's title */
  FIG_FONT_VALUE,     /* numbers inside heatmap cells */
  FIG_N_FONTS,
} FigFont;

typedef struct
{
  double x, y, w, h;
} FigRect;

typedef struct
{
  cairo_t *cr;
  const FigStyle *style;
  double s;             /* figure pixels per point */
  double width, height; /* figure pixels */
  PangoContext *pango;
  PangoLayout *layout;
  PangoFontDescription *fonts[FIG_N_FONTS];
  int current_font;       /* the font set on layout, -1 for none */
  GHashTable *text_sizes; /* font and text -> FigTextSize, of the labels measured so far */
} FigCanvas;

/* Where a text sits relative to (x, y): ax, ay pick the anchor inside its logical box
 * (0 left/top, 0.5 centre, 1 right/bottom); angle turns it about the anchor (radians,
 * clockwise on screen); max_width > 0 ellipsizes anything longer. */
typedef struct
{
  double ax, ay;
  double angle;
  double max_width;
} FigTextOpts;

/* Saves cr's state, paints the background over width x height and sets up text. */
void
fig_canvas_begin (FigCanvas *c, cairo_t *cr, double width, double height, const FigStyle *style);
void fig_canvas_end (FigCanvas *c);

static inline double
fig_pt (const FigCanvas *c, double points)
{
  return points * c->s;
}

void fig_canvas_set_color (FigCanvas *c, FigRGBA color);

/* ---- text (fig_text.c) ---- */
/* Called by begin and end only. */
void fig_text_setup (FigCanvas *c);
void fig_text_teardown (FigCanvas *c);
void fig_text_size (FigCanvas *c, FigFont font, const char *text, double *width, double *height);
/* The height of one line of the font. */
double fig_text_line_height (FigCanvas *c, FigFont font);
void fig_text_draw_opts (FigCanvas *c,
                         FigFont font,
                         FigRGBA color,
                         const char *text,
                         double x,
                         double y,
                         const FigTextOpts *opts);
void fig_text_draw (FigCanvas *c,
                    FigFont font,
                    FigRGBA color,
                    const char *text,
                    double x,
                    double y,
                    double ax,
                    double ay);
/* Text broken at word boundaries into lines at most `width` wide (a long word is broken
 * inside): its size, and drawing with (ax, ay) anchoring the whole block and each line aligned
 * within it by ax (0 left, 0.5 centred, 1 right). For column and row headings. */
void fig_text_size_wrapped (
    FigCanvas *c, FigFont font, const char *text, double width, double *w, double *h);
void fig_text_draw_wrapped (FigCanvas *c,
                            FigFont font,
                            FigRGBA color,
                            const char *text,
                            double x,
                            double y,
                            double width,
                            double ax,
                            double ay);
/* Wrapped text turned to read upwards, as a y axis title: the block's top edge at x, its
 * middle at y, its lines centred. */
void fig_text_draw_wrapped_turned (
    FigCanvas *c, FigFont font, FigRGBA color, const char *text, double x, double y, double width);
/* The centred "no data" message painters show for empty input. */
void fig_draw_empty (FigCanvas *c, const char *message);

/* ---- lines and marks (fig_canvas.c) ---- */
/* A coordinate moved to the centre of a device pixel for a line of width lw, so hairlines and
 * grid lines stay crisp on image surfaces; vector surfaces get the same geometry. */
double fig_snap (const FigCanvas *c, double v, double lw);
void fig_set_line (FigCanvas *c, double width_pt, FigDash dash);
void fig_line (FigCanvas *c, double x0, double y0, double x1, double y1);
/* Sets up a reference line (a phase boundary, the current T, the diagonal): the accent colour
 * at a weight that follows the theme. Returns its width in figure pixels, for fig_snap. */
double fig_set_ref_line (FigCanvas *c, FigDash dash);
/* A marker of diameter size (figure pixels) at (x, y), filled with fill and edged with the
 * background colour so overlapping markers stay apart. */
void fig_marker (FigCanvas *c, FigMarker marker, double x, double y, double size, FigRGBA fill);
/* Appends a path through the finite points of (x, y), breaking at non-finite ones. */
void fig_path_polyline (cairo_t *cr, const double *x, const double *y, int n);
