/* fig_temperature.c — class probabilities and entropy against temperature. */
#include "fig_temperature.h"

#include <math.h>
#include <stdlib.h>

#include "fig_csv.h"
#include "fig_i18n.h"
#include "fig_names.h"
#include "fig_series.h"

static bool
has_data (const FigTemperatureData *d)
{
  if (!d || d->n_temperatures < 1 || d->n_classes < 1 || !d->temperatures || !d->probs)
    return false;
  for (int t = 0; t < d->n_temperatures; t++)
    if (d->temperatures[t] > 0 && isfinite (d->temperatures[t]))
      return true;
  return false;
}

static void
setup_panels (const FigTemperatureData *d, FigPanel *top, FigPanel *bottom)
{
  double lo = 1, hi = 1;
  fig_data_range (d->temperatures, NULL, d->n_temperatures, true, &lo, &hi);
  fig_range_pad (&lo, &hi, 0.03, true);
  *top = (FigPanel){ 0 };
  *bottom = (FigPanel){ 0 };
  fig_axis_log (&top->x, lo, hi, FIG_ ("Temperature T"));
  fig_axis_linear (&top->y, -0.02, 1.02, FIG_ ("Probability"));
  if (!d->entropy)
    return;
  top->x.hide_tick_labels = true;
  top->x.label = NULL;
  fig_axis_log (&bottom->x, lo, hi, FIG_ ("Temperature T"));
  fig_axis_linear (&bottom->y, 0, log (d->n_classes > 1 ? d->n_classes : 2) * 1.1,
                   FIG_ ("Entropy (nats)"));
}

static bool
shows_current (const FigPanel *p, double t)
{
  return t > 0 && t >= p->x.lo && t <= p->x.hi;
}

static void
draw_current (FigCanvas *c, const FigPanel *p, double t, bool label)
{
  if (!shows_current (p, t))
    return;
  double x = fig_snap (c, fig_panel_x (p, t), fig_set_ref_line (c, FIG_DASH_DASHED));
  fig_line (c, x, p->area.y, x, p->area.y + p->area.h);
  if (!label)
    return;
  char text[32];
  g_snprintf (text, sizeof text, "T = %g", t);
  fig_text_draw (c, FIG_FONT_TICK, c->style->text_muted, text, x, p->area.y - fig_pt (c, 1), 0.5,
                 1);
}

static void
draw_probabilities (FigCanvas *c, FigPanel *p, const FigTemperatureData *d)
{
  int nt = d->n_temperatures, K = d->n_classes;
  double *y = malloc ((size_t)nt * sizeof *y);
  if (!y)
    return;
  fig_panel_clip (p, c, 2);
  for (int pass = 0; pass < 2; pass++) /* the highlighted class last, on top */
    for (int k = 0; k < K; k++)
      {
        bool hl = k == d->highlight_class;
        if (hl != (pass == 1))
          continue;
        for (int t = 0; t < nt; t++)
          y[t] = d->probs[(size_t)t * K + k];
        FigSeriesOpts opts = { .line = true, .width_scale = hl ? 1.7 : 1.0 };
        fig_series_draw (c, p, d->temperatures, y, nt, fig_style_class_look (c->style, k), &opts);
      }
  cairo_restore (c->cr);
  free (y);
}

static void
draw_entropy (FigCanvas *c, FigPanel *p, const FigTemperatureData *d)
{
  int nt = d->n_temperatures;
  double *y = malloc ((size_t)nt * sizeof *y), hmax = log (d->n_classes);
  if (!y)
    return;
  for (int t = 0; t < nt; t++)
    y[t] = d->entropy[t];
  /* log K: the entropy of the uniform distribution, the limit as T grows. */
  double ly = fig_snap (c, fig_panel_y (p, hmax), fig_set_ref_line (c, FIG_DASH_DOTTED));
  fig_line (c, p->area.x, ly, p->area.x + p->area.w, ly);
  char label[48];
  g_snprintf (label, sizeof label, "log K = %.2f", hmax);
  fig_text_draw (c, FIG_FONT_TICK, c->style->text_muted, label, p->area.x + fig_pt (c, 3),
                 ly - fig_pt (c, 1.5), 0, 1);
  fig_panel_clip (p, c, 2);
  FigSeriesOpts opts = { .line = true, .markers = nt <= 16 };
  FigSeriesLook look = { c->style->text, FIG_DASH_SOLID, FIG_MARKER_CIRCLE };
  fig_series_draw (c, p, d->temperatures, y, nt, look, &opts);
  cairo_restore (c->cr);
  free (y);
}

static void
build_legend (
    FigLegend *l, FigCanvas *c, const FigTemperatureData *d, const char **names, double max_h)
{
  fig_legend_init (l);
  for (int k = 0; k < d->n_classes && k < FIG_LEGEND_MAX; k++)
    fig_legend_add (l, names[k], fig_style_class_look (c->style, k), FIG_KEY_LINE, false);
  for (int ncol = 1; ncol <= 4; ncol++)
    {
      fig_legend_measure (l, c, ncol);
      if (l->h <= max_h)
        break;
    }
}

/* The legend on the right of r, the probability panel above the entropy panel in the rest. */
static void
layout (FigCanvas *c,
        const FigTemperatureData *d,
        const char **names,
        FigRect r,
        FigPanel *top,
        FigPanel *bottom)
{
  FigLegend legend;
  double gap = 2 * fig_pt (c, c->style->pad);
  build_legend (&legend, c, d, names, r.h);
  legend.framed = false;
  fig_legend_draw (&legend, c, r.x + r.w - legend.w, r.y + fig_pt (c, c->style->pad));
  r.w = fmax (r.w - legend.w - gap, 1);
  if (shows_current (top, d->current_temperature))
    top->top_extra = fig_text_line_height (c, FIG_FONT_TICK) + fig_pt (c, 1);
  if (!d->entropy)
    {
      fig_panel_layout (top, c, r);
      return;
    }
  double h_top = (r.h - gap) * 0.64;
  FigRect rects[2]
      = { { r.x, r.y, r.w, h_top }, { r.x, r.y + h_top + gap, r.w, r.h - h_top - gap } };
  fig_panels_layout ((FigPanel *[]){ top, bottom }, rects, 2, c);
}

void
fig_temperature_paint (
    cairo_t *cr, double width, double height, const FigTemperatureData *data, const FigStyle *style)
{
  FigCanvas c;
  fig_canvas_begin (&c, cr, width, height, style);
  if (!has_data (data))
    {
      fig_draw_empty (&c, FIG_ ("No temperature sweep to show"));
      fig_canvas_end (&c);
      return;
    }
  const char **names = fig_names_dup (data->class_names, data->n_classes);
  FigPanel top, bottom;
  setup_panels (data, &top, &bottom);
  layout (&c, data, names, fig_figure_title (&c, fig_canvas_content (&c), data->title), &top,
          &bottom);
  fig_panel_draw_grid (&top, &c);
  draw_current (&c, &top, data->current_temperature, true);
  draw_probabilities (&c, &top, data);
  fig_panel_draw_axes (&top, &c);
  if (data->entropy)
    {
      fig_panel_draw_grid (&bottom, &c);
      draw_current (&c, &bottom, data->current_temperature, false);
      draw_entropy (&c, &bottom, data);
      fig_panel_draw_axes (&bottom, &c);
    }
  fig_names_free (names, data->n_classes);
  fig_canvas_end (&c);
}

void
fig_temperature_csv (const FigTemperatureData *data, GString *out)
{
  FigCsv csv;
  fig_csv_init (&csv, out);
  if (!has_data (data))
    return;
  const char **names = fig_names_dup (data->class_names, data->n_classes);
  fig_csv_text (&csv, "temperature");
  for (int k = 0; k < data->n_classes; k++)
    fig_csv_text (&csv, names[k]);
  fig_csv_text (&csv, "entropy_nats");
  fig_csv_end_row (&csv);
  for (int t = 0; t < data->n_temperatures; t++)
    {
      fig_csv_number (&csv, data->temperatures[t]);
      for (int k = 0; k < data->n_classes; k++)
        fig_csv_number (&csv, data->probs[(size_t)t * data->n_classes + k]);
      fig_csv_number (&csv, data->entropy ? data->entropy[t] : NAN);
      fig_csv_end_row (&csv);
    }
  fig_names_free (names, data->n_classes);
}
