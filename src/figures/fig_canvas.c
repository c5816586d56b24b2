/* fig_canvas.c — the painter's drawing state and the shared primitives. */
#include "fig_canvas.h"

#include <math.h>
#include <string.h>

void
fig_canvas_begin (FigCanvas *c, cairo_t *cr, double width, double height, const FigStyle *style)
{
  memset (c, 0, sizeof *c);
  c->cr = cr;
  c->style = style;
  c->s = fig_style_scale (style);
  c->width = width;
  c->height = height;
  cairo_save (cr);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_clip (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_SOURCE);
  fig_canvas_set_color (c, style->background);
  cairo_paint (cr);
  cairo_set_operator (cr, CAIRO_OPERATOR_OVER);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  fig_text_setup (c);
}

void
fig_canvas_end (FigCanvas *c)
{
  fig_text_teardown (c);
  cairo_restore (c->cr);
}

void
fig_canvas_set_color (FigCanvas *c, FigRGBA color)
{
  cairo_set_source_rgba (c->cr, color.r, color.g, color.b, color.a);
}

double
fig_snap (const FigCanvas *c, double v, double lw)
{
  long w = lround (lw);
  return (w % 2 == 1) ? floor (v) + 0.5 : round (v);
}

void
fig_set_line (FigCanvas *c, double width_pt, FigDash dash)
{
  double lw = fig_pt (c, width_pt);
  cairo_t *cr = c->cr;
  cairo_set_line_width (cr, lw);
  /* Patterns scale with the line width, as matplotlib's do, so heavy presentation lines keep
   * their rhythm. Dots are zero-length dashes with round caps. */
  switch (dash)
    {
      case FIG_DASH_DASHED:
        cairo_set_dash (cr, (double[]){ 3.7 * lw, 1.9 * lw }, 2, 0);
        cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
        break;
      case FIG_DASH_DOTTED:
        cairo_set_dash (cr, (double[]){ 0, 1.9 * lw }, 2, 0);
        cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
        break;
      case FIG_DASH_DASHDOT:
        cairo_set_dash (cr, (double[]){ 5 * lw, 1.8 * lw, 0, 1.8 * lw }, 4, 0);
        cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
        break;
      case FIG_DASH_SOLID:
      default:
        cairo_set_dash (cr, NULL, 0, 0);
        cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);
        break;
    }
}

void
fig_line (FigCanvas *c, double x0, double y0, double x1, double y1)
{
  cairo_move_to (c->cr, x0, y0);
  cairo_line_to (c->cr, x1, y1);
  cairo_stroke (c->cr);
}

double
fig_set_ref_line (FigCanvas *c, FigDash dash)
{
  double pt = 1.25 * c->style->axis_width;
  fig_set_line (c, pt, dash);
  fig_canvas_set_color (c, c->style->accent);
  return fig_pt (c, pt);
}

static void
polygon (cairo_t *cr, double x, double y, double r, int n, double phase)
{
  for (int i = 0; i < n; i++)
    {
      double a = phase + 2 * G_PI * i / n;
      if (i == 0)
        cairo_move_to (cr, x + r * cos (a), y + r * sin (a));
      else
        cairo_line_to (cr, x + r * cos (a), y + r * sin (a));
    }
  cairo_close_path (cr);
}

void
fig_marker (FigCanvas *c, FigMarker marker, double x, double y, double size, FigRGBA fill)
{
  cairo_t *cr = c->cr;
  double r = size / 2;
  /* Radii chosen so that every shape has about the area of the circle. */
  switch (marker)
    {
      case FIG_MARKER_NONE:
        return;
      case FIG_MARKER_CIRCLE:
        cairo_new_sub_path (cr);
        cairo_arc (cr, x, y, r, 0, 2 * G_PI);
        break;
      case FIG_MARKER_SQUARE:
        cairo_rectangle (cr, x - 0.88 * r, y - 0.88 * r, 1.76 * r, 1.76 * r);
        break;
      case FIG_MARKER_TRIANGLE:
        polygon (cr, x, y + 0.2 * r, 1.3 * r, 3, -G_PI / 2);
        break;
      case FIG_MARKER_TRIANGLE_DOWN:
        polygon (cr, x, y - 0.2 * r, 1.3 * r, 3, G_PI / 2);
        break;
      case FIG_MARKER_DIAMOND:
        polygon (cr, x, y, 1.2 * r, 4, 0);
        break;
    }
  fig_canvas_set_color (c, fill);
  cairo_fill_preserve (cr);
  cairo_set_dash (cr, NULL, 0, 0);
  cairo_set_line_width (cr, fig_pt (c, 0.6));
  fig_canvas_set_color (c, c->style->background.a > 0 ? c->style->background
                                                      : (FigRGBA){ 1, 1, 1, 1 });
  cairo_stroke (cr);
}

void
fig_path_polyline (cairo_t *cr, const double *x, const double *y, int n)
{
  bool pen_down = false;
  for (int i = 0; i < n; i++)
    {
      if (!isfinite (x[i]) || !isfinite (y[i]))
        {
          pen_down = false;
          continue;
        }
      if (pen_down)
        cairo_line_to (cr, x[i], y[i]);
      else
        cairo_move_to (cr, x[i], y[i]);
      pen_down = true;
    }
}
