/* fig_lines.c — line and error-bar panels. */
#include "fig_lines.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fig_csv.h"
#include "fig_i18n.h"
#include "fig_series.h"

#define DODGE_PT 2.5 /* sideways step between series with error bars */

static FigSeriesLook
series_look (const FigStyle *style, int look)
{
  if (look >= FIG_LOOK_CLASS)
    return fig_style_class_look (style, look - FIG_LOOK_CLASS);
  return fig_style_model_look (style, look >= 0 && look < FIG_N_MODEL_LOOKS ? look : 0);
}

static bool
panel_range (const FigLinesPanel *lp, bool y, double *lo, double *hi)
{
  bool any = false, log = y ? lp->log_y : lp->log_x;
  for (int s = 0; s < lp->n_series; s++)
    {
      const FigLineSeries *se = &lp->series[s];
      double a, b;
      if (!fig_data_range (y ? se->y : se->x, y ? se->err : NULL, se->n, log, &a, &b))
        continue;
      *lo = any ? fmin (*lo, a) : a;
      *hi = any ? fmax (*hi, b) : b;
      any = true;
    }
  if (any && y && isfinite (lp->ref_y) && (!log || lp->ref_y > 0))
    *lo = fmin (*lo, lp->ref_y), *hi = fmax (*hi, lp->ref_y);
  return any;
}

static bool
has_data (const FigLinesData *d)
{
  if (!d || d->n_panels < 1 || d->n_panels > FIG_LINES_MAX_PANELS || !d->panels)
    return false;
  for (int i = 0; i < d->n_panels; i++)
    {
      double lo, hi;
      if (panel_range (&d->panels[i], true, &lo, &hi))
        return true;
    }
  return false;
}

static void
setup_axis (FigAxis *a, bool log, double lo, double hi, const char *label, double pad)
{
  fig_range_pad (&lo, &hi, pad, log);
  if (log)
    fig_axis_log (a, lo, hi, label);
  else
    fig_axis_linear (a, lo, hi, label);
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The distinct finite x values of all series, sorted. */
static int
distinct_x (const FigLinesPanel *lp, double *out, int cap)
{
  int n = 0;
  for (int s = 0; s < lp->n_series; s++)
    for (int i = 0; i < lp->series[s].n && n < cap; i++)
      {
        double x = lp->series[s].x[i];
        bool seen = !isfinite (x);
        for (int k = 0; k < n && !seen; k++)
          seen = out[k] == x;
        if (!seen)
          out[n++] = x;
      }
  qsort (out, n, sizeof *out, compare_doubles);
  return n;
}

static void
setup_panel (FigPanel *p, const FigLinesPanel *lp, double *ticks)
{
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  panel_range (lp, false, &x0, &x1);
  panel_range (lp, true, &y0, &y1);
  *p = (FigPanel){ .title = lp->title };
  setup_axis (&p->x, lp->log_x, x0, x1, lp->x_label, 0.05);
  setup_axis (&p->y, lp->log_y, y0, y1, lp->y_label, 0.08);
  if (lp->x_ticks_at_data)
    {
      p->x.fixed_ticks = ticks;
      p->x.n_fixed_ticks = distinct_x (lp, ticks, FIG_TICKS_MAX);
    }
}

/* Series with error bars step sideways around the x value, in order. */
static double
dodge (const FigLinesPanel *lp, int s)
{
  int n = 0, k = -1;
  for (int i = 0; i < lp->n_series; i++)
    if (lp->series[i].err)
      {
        if (i == s)
          k = n;
        n++;
      }
  return k < 0 || n < 2 ? 0 : (k - (n - 1) / 2.0) * DODGE_PT;
}

static void
reference_line (
    FigCanvas *c, const FigPanel *p, const FigLinesPanel *lp, FigOccupancy *occ, bool draw)
{
  double y = fig_panel_y (p, lp->ref_y);
  if (!isfinite (y))
    return;
  double pad = fig_pt (c, c->style->pad), tw = 0, th = 0;
  if (lp->ref_label)
    fig_text_size (c, FIG_FONT_TICK, lp->ref_label, &tw, &th);
  tw = fmin (tw, p->area.w - pad); /* a long label is ellipsized to the plot's width */
  double tx = p->area.x + p->area.w - 0.5 * pad;
  if (occ)
    {
      fig_occ_mark_rect (occ, p->area.x, y - 1, p->area.x + p->area.w, y + 1);
      fig_occ_mark_rect (occ, tx - tw, y - th - 1, tx, y);
    }
  if (!draw)
    return;
  y = fig_snap (c, y, fig_set_ref_line (c, FIG_DASH_DASHED));
  fig_line (c, p->area.x, y, p->area.x + p->area.w, y);
  if (lp->ref_label)
    fig_text_draw_opts (c, FIG_FONT_TICK, c->style->text_muted, lp->ref_label, tx, y - 1,
                        &(FigTextOpts){ 1, 1, 0, p->area.w - pad });
}

static void
draw_series (FigCanvas *c, const FigPanel *p, const FigLinesPanel *lp)
{
  for (int s = 0; s < lp->n_series; s++)
    {
      const FigLineSeries *se = &lp->series[s];
      FigSeriesLook look = series_look (c->style, se->look);
      FigSeriesOpts opts = { .line = true, .markers = se->n <= 50, .dx = dodge (lp, s) };
      if (se->err)
        fig_series_errorbars (c, p, se->x, se->y, se->err, se->n, look.color, opts.dx);
      fig_series_draw (c, p, se->x, se->y, se->n, look, &opts);
    }
}

static void
occupy_panel (FigCanvas *c, const FigPanel *p, FigOccupancy *occ, const void *user)
{
  const FigLinesPanel *lp = user;
  reference_line (c, p, lp, occ, false);
  for (int s = 0; s < lp->n_series; s++)
    {
      const FigLineSeries *se = &lp->series[s];
      fig_series_occupy (c, p, se->x, se->y, se->err, se->n, dodge (lp, s), occ);
    }
}

static void
draw_panel (FigCanvas *c, FigPanel *p, const FigLinesPanel *lp)
{
  fig_panel_draw_grid (p, c);
  reference_line (c, p, lp, NULL, true);
  fig_panel_clip (p, c, c->style->marker_size);
  draw_series (c, p, lp);
  cairo_restore (c->cr);
  fig_panel_draw_axes (p, c);
}

static void
build_legend (FigLegend *l, const FigLinesData *d, const FigStyle *style)
{
  fig_legend_init (l);
  for (int i = 0; i < d->n_panels; i++)
    for (int s = 0; s < d->panels[i].n_series; s++)
      {
        const FigLineSeries *se = &d->panels[i].series[s];
        bool seen = !se->label || !*se->label;
        for (int k = 0; k < l->n && !seen; k++)
          seen = strcmp (l->items[k].label, se->label) == 0;
        if (!seen)
          fig_legend_add (l, se->label, series_look (style, se->look), FIG_KEY_LINE, true);
      }
}

void
fig_lines_paint (
    cairo_t *cr, double width, double height, const FigLinesData *data, const FigStyle *style)
{
  FigCanvas c;
  fig_canvas_begin (&c, cr, width, height, style);
  if (!has_data (data))
    {
      fig_draw_empty (&c, FIG_ ("No results to show"));
      fig_canvas_end (&c);
      return;
    }
  int n = data->n_panels;
  FigPanel panels[FIG_LINES_MAX_PANELS];
  double ticks[FIG_LINES_MAX_PANELS][FIG_TICKS_MAX];
  for (int i = 0; i < n; i++)
    setup_panel (&panels[i], &data->panels[i], ticks[i]);
  FigRect r = fig_figure_title (&c, fig_canvas_content (&c), data->title);
  FigLegend legend;
  build_legend (&legend, data, style);
  FigLegendSpot spot = { 0 };
  if (n == 1)
    fig_layout_with_legend (&c, &panels[0], r, &legend, occupy_panel, &data->panels[0], &spot);
  else
    {
      r = fig_legend_above (&legend, &c, r);
      double gap = 3 * fig_pt (&c, style->pad), w = (r.w - (n - 1) * gap) / n;
      FigRect rects[FIG_LINES_MAX_PANELS];
      FigPanel *ptrs[FIG_LINES_MAX_PANELS];
      for (int i = 0; i < n; i++)
        rects[i] = (FigRect){ r.x + i * (w + gap), r.y, w, r.h }, ptrs[i] = &panels[i];
      fig_panels_layout (ptrs, rects, n, &c);
    }
  for (int i = 0; i < n; i++)
    draw_panel (&c, &panels[i], &data->panels[i]);
  if (n == 1)
    fig_legend_draw_at (&legend, &c, &spot);
  fig_canvas_end (&c);
}

void
fig_lines_csv (const FigLinesData *data, GString *out)
{
  FigCsv csv;
  fig_csv_init (&csv, out);
  static const char *const head[] = { "panel", "series", "x", "y", "err" };
  for (int i = 0; i < 5; i++)
    fig_csv_text (&csv, head[i]);
  fig_csv_end_row (&csv);
  for (int p = 0; data && data->panels && p < data->n_panels; p++)
    for (int s = 0; s < data->panels[p].n_series; s++)
      {
        const FigLineSeries *se = &data->panels[p].series[s];
        for (int i = 0; i < se->n; i++)
          {
            const char *title
                = data->panels[p].title ? data->panels[p].title : data->panels[p].y_label;
            fig_csv_text (&csv, title ? title : "");
            fig_csv_text (&csv, se->label ? se->label : "");
            fig_csv_number (&csv, se->x[i]);
            fig_csv_number (&csv, se->y[i]);
            fig_csv_number (&csv, se->err ? se->err[i] : NAN);
            fig_csv_end_row (&csv);
          }
      }
}
