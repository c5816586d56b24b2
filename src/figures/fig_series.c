/* fig_series.c — lines, markers and error bars in a panel; figure-level title and legend. */
#include "fig_series.h"

#include <math.h>
#include <stdlib.h>

/* Finite points mapped to figure pixels; returns how many. px and py hold n each. */
static int
map_points (
    const FigPanel *p, const double *x, const double *y, int n, double dx, double *px, double *py)
{
  int k = 0;
  for (int i = 0; i < n; i++)
    {
      double u = fig_panel_x (p, x[i]) + dx, v = fig_panel_y (p, y[i]);
      if (isfinite (u) && isfinite (v))
        px[k] = u, py[k++] = v;
    }
  return k;
}

/* M4 decimation: per pixel column only the first, lowest, highest and last points, in their
 * original order. A line through them covers exactly the pixels the full line would, so a
 * history of 100 000 points draws as fast as one of a few thousand. Returns the new count. */
static int
decimate (double *px, double *py, int k)
{
  int out = 0;
  for (int i = 0; i < k;)
    {
      double col = floor (px[i]);
      int j = i, lo = i, hi = i;
      for (; j < k && floor (px[j]) == col; j++)
        {
          lo = py[j] < py[lo] ? j : lo;
          hi = py[j] > py[hi] ? j : hi;
        }
      int keep[4] = { i, lo < hi ? lo : hi, lo < hi ? hi : lo, j - 1 };
      for (int q = 0; q < 4; q++)
        if (q == 0 || keep[q] != keep[q - 1])
          px[out] = px[keep[q]], py[out++] = py[keep[q]];
      i = j;
    }
  return out;
}

/* Cairo's default antialiasing strokes a noisy polyline at about 2 us a segment; its "fast"
 * rasteriser takes less than half that and, at line widths of a pixel or more, looks the same,
 * as do bevel joins between segments a pixel or two long. Long curves (a training history of
 * thousands of points) get both; short ones keep the best quality. */
#define DENSE_SEGMENTS 400

static void
stroke_polyline (cairo_t *cr, const double *px, const double *py, int k)
{
  fig_path_polyline (cr, px, py, k);
  if (k <= DENSE_SEGMENTS)
    {
      cairo_stroke (cr);
      return;
    }
  cairo_save (cr);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);
  cairo_stroke (cr);
  cairo_restore (cr);
}

void
fig_series_draw (FigCanvas *c,
                 const FigPanel *p,
                 const double *x,
                 const double *y,
                 int n,
                 FigSeriesLook look,
                 const FigSeriesOpts *opts)
{
  double *px = malloc (2 * (size_t)(n > 0 ? n : 1) * sizeof *px), *py = px + n;
  if (!px)
    return;
  int k = map_points (p, x, y, n, fig_pt (c, opts->dx), px, py);
  if (opts->line && !opts->markers && k > 2 * p->area.w)
    k = decimate (px, py, k);
  double scale = opts->width_scale > 0 ? opts->width_scale : 1;
  if (opts->line && k > 1)
    {
      fig_set_line (c, c->style->line_width * scale, look.dash);
      fig_canvas_set_color (c, look.color);
      stroke_polyline (c->cr, px, py, k);
    }
  if (opts->markers || k == 1)
    for (int i = 0; i < k; i++)
      fig_marker (c, look.marker, px[i], py[i], fig_pt (c, c->style->marker_size), look.color);
  free (px);
}

void
fig_series_errorbars (FigCanvas *c,
                      const FigPanel *p,
                      const double *x,
                      const double *y,
                      const double *err,
                      int n,
                      FigRGBA color,
                      double dx)
{
  double cap = fig_pt (c, c->style->marker_size * 0.55), off = fig_pt (c, dx);
  fig_set_line (c, c->style->line_width * 0.7, FIG_DASH_SOLID);
  fig_canvas_set_color (c, color);
  for (int i = 0; i < n; i++)
    {
      if (!isfinite (err[i]) || !isfinite (y[i]) || err[i] <= 0)
        continue;
      double px = fig_panel_x (p, x[i]) + off;
      double y0 = fig_panel_y (p, y[i] - err[i]), y1 = fig_panel_y (p, y[i] + err[i]);
      if (!isfinite (px) || !isfinite (y1))
        continue;
      if (!isfinite (y0)) /* a log axis cannot go below zero: the bar runs to the bottom */
        y0 = p->area.y + p->area.h;
      fig_line (c, px, y0, px, y1);
      fig_line (c, px - cap, y0, px + cap, y0);
      fig_line (c, px - cap, y1, px + cap, y1);
    }
}

void
fig_series_occupy (FigCanvas *c,
                   const FigPanel *p,
                   const double *x,
                   const double *y,
                   const double *err,
                   int n,
                   double dx,
                   FigOccupancy *occ)
{
  double *px = malloc (2 * (size_t)(n > 0 ? n : 1) * sizeof *px), *py = px + n;
  if (!px)
    return;
  double off = fig_pt (c, dx), r = fig_pt (c, c->style->marker_size) / 2;
  int k = map_points (p, x, y, n, off, px, py);
  fig_occ_mark_polyline (occ, px, py, k);
  for (int i = 0; i < k; i++)
    fig_occ_mark_rect (occ, px[i] - r, py[i] - r, px[i] + r, py[i] + r);
  for (int i = 0; err && i < n; i++)
    {
      double u = fig_panel_x (p, x[i]) + off;
      double y0 = fig_panel_y (p, y[i] - err[i]), y1 = fig_panel_y (p, y[i] + err[i]);
      if (isfinite (u) && isfinite (y1))
        fig_occ_mark_rect (occ, u - r, y1, u + r, isfinite (y0) ? y0 : p->area.y + p->area.h);
    }
  free (px);
}

bool
fig_data_range (
    const double *v, const double *err, int n, bool positive_only, double *lo, double *hi)
{
  bool any = false;
  for (int i = 0; i < n; i++)
    {
      double e = err && isfinite (err[i]) ? fabs (err[i]) : 0;
      double a = v[i] - e, b = v[i] + e;
      if (!isfinite (v[i]) || (positive_only && v[i] <= 0))
        continue;
      if (positive_only && a <= 0)
        a = v[i];
      *lo = any ? fmin (*lo, a) : a;
      *hi = any ? fmax (*hi, b) : b;
      any = true;
    }
  return any;
}

FigRect
fig_canvas_content (FigCanvas *c)
{
  double pad = fig_pt (c, c->style->pad);
  return (FigRect){ pad, pad, fmax (c->width - 2 * pad, 1), fmax (c->height - 2 * pad, 1) };
}

FigRect
fig_figure_title (FigCanvas *c, FigRect r, const char *title)
{
  if (!title || !*title)
    return r;
  double h = fig_text_line_height (c, FIG_FONT_HEAD);
  fig_text_draw_opts (c, FIG_FONT_HEAD, c->style->text, title, r.x, r.y,
                      &(FigTextOpts){ 0, 0, 0, r.w });
  double used = h + 0.5 * fig_pt (c, c->style->pad);
  return (FigRect){ r.x, r.y + used, r.w, fmax (r.h - used, 1) };
}

FigRect
fig_legend_above (FigLegend *l, FigCanvas *c, FigRect r)
{
  if (l->n == 0)
    return r;
  fig_legend_fit (l, c, r.w);
  l->framed = false;
  fig_legend_draw (l, c, r.x + (r.w - l->w) / 2, r.y);
  return (FigRect){ r.x, r.y + l->h, r.w, fmax (r.h - l->h, 1) };
}

static bool
legend_fits_inside (FigCanvas *c,
                    FigPanel *p,
                    FigRect r,
                    FigLegend *l,
                    FigOccupyFunc occupy,
                    const void *user,
                    FigLegendSpot *spot)
{
  fig_panel_layout (p, c, r);
  FigOccupancy *occ = g_new (FigOccupancy, 1);
  fig_occ_init (occ, p->area);
  occupy (c, p, occ, user);
  spot->inside = fig_legend_place_inside (l, c, occ, 0, &spot->x, &spot->y);
  g_free (occ);
  return spot->inside;
}

void
fig_layout_with_legend (FigCanvas *c,
                        FigPanel *p,
                        FigRect r,
                        FigLegend *l,
                        FigOccupyFunc occupy,
                        const void *user,
                        FigLegendSpot *spot)
{
  *spot = (FigLegendSpot){ 0 };
  if (l->n == 0)
    {
      fig_panel_layout (p, c, r);
      return;
    }
  fig_legend_measure (l, c, 1);
  if (legend_fits_inside (c, p, r, l, occupy, user, spot))
    return;
  /* Headroom, as one would add by hand: raise a linear y axis by up to 40 % of its span until
   * a corner above the data is free. */
  if (p->y.kind == FIG_SCALE_LINEAR && !p->y.inverted)
    {
      double hi = p->y.hi, span = p->y.hi - p->y.lo;
      for (int k = 1; k <= 5; k++)
        {
          p->y.hi = hi + 0.08 * k * span;
          if (legend_fits_inside (c, p, r, l, occupy, user, spot))
            return;
        }
      p->y.hi = hi;
    }
  fig_legend_fit (l, c, r.w);
  spot->x = r.x + (r.w - l->w) / 2;
  spot->y = r.y;
  r.y += l->h;
  r.h = fmax (r.h - l->h, 1);
  fig_panel_layout (p, c, r);
}

void
fig_legend_draw_at (FigLegend *l, FigCanvas *c, const FigLegendSpot *spot)
{
  l->framed = spot->inside;
  fig_legend_draw (l, c, spot->x, spot->y);
}
