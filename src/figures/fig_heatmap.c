/* fig_heatmap.c — labelled matrices with a colour bar. */
#include "fig_heatmap.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fig_colorbar.h"
#include "fig_csv.h"
#include "fig_i18n.h"
#include "fig_names.h"
#include "fig_series.h"

static bool
has_data (const FigHeatmapData *d)
{
  if (!d || d->n_rows < 1 || d->n_cols < 1 || !d->values)
    return false;
  for (size_t i = 0; i < (size_t)d->n_rows * d->n_cols; i++)
    if (isfinite (d->values[i]))
      return true;
  return false;
}

static void
value_range (const FigHeatmapData *d, double *lo, double *hi)
{
  bool any = false;
  for (size_t i = 0; i < (size_t)d->n_rows * d->n_cols; i++)
    if (isfinite (d->values[i]))
      {
        *lo = any ? fmin (*lo, d->values[i]) : d->values[i];
        *hi = any ? fmax (*hi, d->values[i]) : d->values[i];
        any = true;
      }
  if (fig_colormap_is_diverging (d->colormap))
    {
      /* Signed values: zero sits at the map's neutral centre. */
      double m = fmax (fabs (*lo), fabs (*hi));
      *lo = -m, *hi = m;
    }
  if (isfinite (d->vmin))
    *lo = d->vmin;
  if (isfinite (d->vmax))
    *hi = d->vmax;
  if (!(*hi > *lo))
    {
      double w = *lo == 0 ? 1 : fabs (*lo) * 0.5;
      *lo -= w, *hi += w;
    }
}

static int
auto_decimals (const FigHeatmapData *d)
{
  if (d->decimals >= 0)
    return d->decimals;
  bool whole = true;
  double mag = 0;
  for (size_t i = 0; i < (size_t)d->n_rows * d->n_cols; i++)
    if (isfinite (d->values[i]))
      {
        whole &= d->values[i] == floor (d->values[i]);
        mag = fmax (mag, fabs (d->values[i]));
      }
  return whole || mag >= 100 ? 0 : mag >= 10 ? 1 : 2;
}

static double
cell_edge (double origin, double cell, int i)
{
  /* Whole-pixel edges: neighbouring cells meet without an antialiased seam. */
  return round (origin + i * cell);
}

static void
draw_cells (
    FigCanvas *c, const FigPanel *p, const FigHeatmapData *d, double lo, double hi, double cell)
{
  for (int r = 0; r < d->n_rows; r++)
    for (int k = 0; k < d->n_cols; k++)
      {
        double v = d->values[(size_t)r * d->n_cols + k];
        if (!isfinite (v))
          continue;
        double x0 = cell_edge (p->area.x, cell, k), x1 = cell_edge (p->area.x, cell, k + 1);
        double y0 = cell_edge (p->area.y, cell, r), y1 = cell_edge (p->area.y, cell, r + 1);
        fig_canvas_set_color (c, fig_colormap_eval (d->colormap, (v - lo) / (hi - lo)));
        cairo_rectangle (c->cr, x0, y0, x1 - x0, y1 - y0);
        cairo_fill (c->cr);
      }
}

static void
format_value (double v, int decimals, char *buf, size_t len)
{
  /* "−0.25" with a real minus, as on the axes. */
  char tmp[48];
  g_snprintf (tmp, sizeof tmp, "%.*f", decimals, fabs (v));
  bool zero = strspn (tmp, "0.") == strlen (tmp);
  g_snprintf (buf, len, "%s%s", v < 0 && !zero ? "\u2212" : "", tmp);
}

/* Numbers go in only when all of them fit their cells: some numbers and not others would read
 * as a pattern in the data. */
static bool
values_fit (FigCanvas *c, const FigHeatmapData *d, int decimals, double cell)
{
  if (fig_text_line_height (c, FIG_FONT_VALUE) > 0.8 * cell)
    return false;
  for (size_t i = 0; i < (size_t)d->n_rows * d->n_cols; i++)
    {
      char buf[48];
      double w;
      if (!isfinite (d->values[i]))
        continue;
      format_value (d->values[i], decimals, buf, sizeof buf);
      fig_text_size (c, FIG_FONT_VALUE, buf, &w, NULL);
      if (w > 0.88 * cell)
        return false;
    }
  return true;
}

static void
draw_values (
    FigCanvas *c, const FigPanel *p, const FigHeatmapData *d, double lo, double hi, double cell)
{
  int decimals = auto_decimals (d);
  if (d->hide_values || !values_fit (c, d, decimals, cell))
    return;
  static const FigRGBA dark = { 0.1, 0.1, 0.1, 1 }, light = { 1, 1, 1, 1 };
  for (int r = 0; r < d->n_rows; r++)
    for (int k = 0; k < d->n_cols; k++)
      {
        double v = d->values[(size_t)r * d->n_cols + k];
        if (!isfinite (v))
          continue;
        char buf[48];
        format_value (v, decimals, buf, sizeof buf);
        FigRGBA bg = fig_colormap_eval (d->colormap, (v - lo) / (hi - lo));
        /* The text colour of higher contrast: black above luminance 0.18, the crossover. */
        fig_text_draw (c, FIG_FONT_VALUE, fig_rgba_luminance (bg) > 0.18 ? dark : light, buf,
                       p->area.x + (k + 0.5) * cell, p->area.y + (r + 0.5) * cell, 0.5, 0.5);
      }
}

/* Lays the matrix out with square cells, centred with its colour bar in r; returns the cell
 * size. */
static double
layout (
    FigCanvas *c, FigPanel *p, FigColorbar *cb, const FigHeatmapData *d, FigRect r, FigRect *bar)
{
  double gap = 2 * fig_pt (c, c->style->pad);
  double cbw = fig_colorbar_measure (cb, c, r.h * 0.8);
  FigRect outer = { r.x, r.y, fmax (r.w - cbw - gap, 1), r.h };
  FigMargins m;
  fig_panel_measure (p, c, outer, &m);
  double cell = fmin ((outer.w - m.l - m.r) / d->n_cols, (outer.h - m.t - m.b) / d->n_rows);
  outer.w = fmin (outer.w, m.l + m.r + cell * d->n_cols);
  outer.h = fmin (outer.h, m.t + m.b + cell * d->n_rows);
  outer.x = r.x + fmax (0, (r.w - outer.w - gap - cbw) / 2);
  outer.y = r.y + fmax (0, (r.h - outer.h) / 2);
  fig_panel_layout (p, c, outer);
  cell = fmax (fmin (p->area.w / d->n_cols, p->area.h / d->n_rows), 1);
  p->area.w = cell * d->n_cols;
  p->area.h = cell * d->n_rows;
  *bar = (FigRect){ p->area.x + p->area.w + gap, p->area.y, cb->bar_w, p->area.h };
  return cell;
}

void
fig_heatmap_paint (
    cairo_t *cr, double width, double height, const FigHeatmapData *data, const FigStyle *style)
{
  FigCanvas c;
  fig_canvas_begin (&c, cr, width, height, style);
  if (!has_data (data))
    {
      fig_draw_empty (&c, FIG_ ("No matrix to show"));
      fig_canvas_end (&c);
      return;
    }
  const char **rows = fig_names_dup (data->row_names, data->n_rows);
  const char **cols = fig_names_dup (data->col_names, data->n_cols);
  FigPanel p = { 0 };
  fig_axis_category (&p.x, data->n_cols, cols, data->col_label);
  fig_axis_category (&p.y, data->n_rows, rows, data->row_label);
  p.y.inverted = true;
  p.x.no_spine = p.y.no_spine = p.x.no_ticks = p.y.no_ticks = true;
  FigColorbar cb = { data->colormap, 0, 1, data->value_label };
  value_range (data, &cb.lo, &cb.hi);
  FigRect r = fig_figure_title (&c, fig_canvas_content (&c), data->title), bar;
  double cell = layout (&c, &p, &cb, data, r, &bar);
  draw_cells (&c, &p, data, cb.lo, cb.hi, cell);
  draw_values (&c, &p, data, cb.lo, cb.hi, cell);
  fig_panel_draw_axes (&p, &c);
  fig_colorbar_draw (&cb, &c, bar);
  fig_names_free (rows, data->n_rows);
  fig_names_free (cols, data->n_cols);
  fig_canvas_end (&c);
}

void
fig_heatmap_csv (const FigHeatmapData *data, GString *out)
{
  FigCsv csv;
  fig_csv_init (&csv, out);
  if (!data || data->n_rows < 1 || data->n_cols < 1 || !data->values)
    return;
  const char **rows = fig_names_dup (data->row_names, data->n_rows);
  const char **cols = fig_names_dup (data->col_names, data->n_cols);
  fig_csv_text (&csv, data->row_label ? data->row_label : "");
  for (int k = 0; k < data->n_cols; k++)
    fig_csv_text (&csv, cols[k]);
  fig_csv_end_row (&csv);
  for (int r = 0; r < data->n_rows; r++)
    {
      fig_csv_text (&csv, rows[r]);
      for (int k = 0; k < data->n_cols; k++)
        fig_csv_number (&csv, data->values[(size_t)r * data->n_cols + k]);
      fig_csv_end_row (&csv);
    }
  fig_names_free (rows, data->n_rows);
  fig_names_free (cols, data->n_cols);
}
