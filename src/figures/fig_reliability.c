/* fig_reliability.c — reliability diagrams after Guo et al. (2017), one panel per model. */
#include "fig_reliability.h"

#include <math.h>

#include "fig_csv.h"
#include "fig_i18n.h"
#include "fig_series.h"

typedef struct
{
  FigPanel main, counts;
  char title[96];
  const FigReliabilityModel *model;
} Column;

double
fig_reliability_ece (const FigReliabilityModel *model)
{
  double total = 0, sum = 0;
  for (int b = 0; b < model->n_bins; b++)
    {
      const FigReliabilityBin *bin = &model->bins[b];
      if (bin->count <= 0 || !isfinite (bin->accuracy) || !isfinite (bin->confidence))
        continue;
      total += bin->count;
      sum += bin->count * fabs (bin->accuracy - bin->confidence);
    }
  return total > 0 ? sum / total : NAN;
}

static bool
has_data (const FigReliabilityData *d)
{
  if (!d || d->n_models < 1 || d->n_models > FIG_RELIABILITY_MAX_MODELS)
    return false;
  for (int m = 0; m < d->n_models; m++)
    if (d->models[m].n_bins < 1 || !d->models[m].bins)
      return false;
  return true;
}

static FigRGBA
bar_color (const FigCanvas *c, const FigReliabilityModel *m)
{
  if (m->model >= 0 && m->model < FIG_N_MODEL_LOOKS)
    return fig_style_model_look (c->style, m->model).color;
  return c->style->accent;
}

static double
max_share (const FigReliabilityModel *m)
{
  double total = 0, top = 0;
  for (int b = 0; b < m->n_bins; b++)
    total += m->bins[b].count > 0 ? m->bins[b].count : 0;
  for (int b = 0; b < m->n_bins; b++)
    top = fmax (top, m->bins[b].count / fmax (total, 1));
  return top * 100;
}

static void
setup_column (Column *col, const FigReliabilityModel *m, bool first, bool counts)
{
  *col = (Column){ .model = m };
  double ece = isfinite (m->ece) ? m->ece : fig_reliability_ece (m);
  g_snprintf (col->title, sizeof col->title, "%s%sECE %.1f %%", m->name ? m->name : "",
              m->name ? " · " : "", 100 * ece);
  col->main.title = col->title;
  fig_axis_linear (&col->main.x, 0, 1, FIG_ ("Confidence"));
  fig_axis_linear (&col->main.y, 0, 1, first ? FIG_ ("Accuracy") : NULL);
  if (!counts)
    return;
  col->main.x.hide_tick_labels = true;
  col->main.x.label = NULL;
  fig_axis_linear (&col->counts.x, 0, 1, FIG_ ("Confidence"));
  /* Too short for a turned axis title: the panel is named inside, in draw_counts. */
  fig_axis_linear (&col->counts.y, 0, fmax (max_share (m), 1) * 1.25, NULL);
}

/* A bin's bar from value a to b, edges on whole pixels with a hairline between bins. */
static bool
bin_rect (const FigPanel *p, const FigReliabilityBin *bin, double a, double b, FigRect *r)
{
  if (bin->count <= 0 || !isfinite (a) || !isfinite (b))
    return false;
  double x0 = round (fig_panel_x (p, bin->lo)), x1 = round (fig_panel_x (p, bin->hi));
  double y0 = fig_panel_y (p, fmin (a, b)), y1 = fig_panel_y (p, fmax (a, b));
  *r = (FigRect){ x0 + 0.5, y1, fmax (x1 - x0 - 1, 1), y0 - y1 };
  return true;
}

static void
occupy_main (FigOccupancy *occ, const Column *col)
{
  const FigPanel *p = &col->main;
  for (int b = 0; b < col->model->n_bins; b++)
    {
      const FigReliabilityBin *bin = &col->model->bins[b];
      FigRect r;
      if (bin_rect (p, bin, 0, fmax (bin->accuracy, bin->confidence), &r))
        fig_occ_mark_rect (occ, r.x, r.y, r.x + r.w, r.y + r.h);
    }
  double dx[2] = { p->area.x, p->area.x + p->area.w }, dy[2] = { p->area.y + p->area.h, p->area.y };
  fig_occ_mark_polyline (occ, dx, dy, 2);
}

static void
draw_main (FigCanvas *c, Column *col)
{
  FigPanel *p = &col->main;
  const FigReliabilityModel *m = col->model;
  FigRGBA gap_fill = c->style->warn;
  gap_fill.a = 0.3;
  fig_panel_draw_grid (p, c);
  for (int b = 0; b < m->n_bins; b++)
    {
      const FigReliabilityBin *bin = &m->bins[b];
      FigRect r;
      if (bin_rect (p, bin, 0, bin->accuracy, &r))
        {
          fig_canvas_set_color (c, bar_color (c, m));
          cairo_rectangle (c->cr, r.x, r.y, r.w, r.h);
          cairo_fill (c->cr);
        }
      if (!bin_rect (p, bin, bin->accuracy, bin->confidence, &r))
        continue;
      cairo_rectangle (c->cr, r.x, r.y, r.w, r.h);
      fig_canvas_set_color (c, gap_fill);
      cairo_fill_preserve (c->cr);
      fig_set_line (c, 0.8, FIG_DASH_SOLID);
      fig_canvas_set_color (c, c->style->warn);
      cairo_stroke (c->cr);
    }
  fig_set_ref_line (c, FIG_DASH_DASHED);
  fig_canvas_set_color (c, c->style->text_muted);
  fig_line (c, p->area.x, p->area.y + p->area.h, p->area.x + p->area.w, p->area.y);
  fig_panel_draw_axes (p, c);
}

static void
draw_counts (FigCanvas *c, Column *col)
{
  FigPanel *p = &col->counts;
  const FigReliabilityModel *m = col->model;
  double total = 0;
  for (int b = 0; b < m->n_bins; b++)
    total += m->bins[b].count > 0 ? m->bins[b].count : 0;
  fig_panel_draw_grid (p, c);
  FigRGBA fill = bar_color (c, m);
  fill.a = 0.55;
  fig_canvas_set_color (c, fill);
  for (int b = 0; b < m->n_bins; b++)
    {
      FigRect r;
      if (bin_rect (p, &m->bins[b], 0, 100.0 * m->bins[b].count / fmax (total, 1), &r))
        cairo_rectangle (c->cr, r.x, r.y, r.w, r.h);
    }
  cairo_fill (c->cr);
  fig_panel_draw_axes (p, c);
  /* Translators: the name of the panel of bin counts, as percentages of all samples */
  /* xgettext:no-c-format */
  const char *name = FIG_ ("% of samples");
  /* Confidence piles up at the right, so the top left stays free for the panel's name. */
  fig_text_draw (c, FIG_FONT_TICK, c->style->text_muted, name,
                 p->area.x + fig_pt (c, c->style->pad), p->area.y, 0, 0);
}

static void
place_columns (FigCanvas *c, Column *cols, int n, bool counts, FigRect r, double w)
{
  double pad = fig_pt (c, c->style->pad), gap = 3 * pad;
  double x = r.x + fmax (0, (r.w - n * w - (n - 1) * gap) / 2);
  double h_main = counts ? (r.h - pad) * 0.74 : r.h;
  FigPanel *panels[2 * FIG_RELIABILITY_MAX_MODELS];
  FigRect rects[2 * FIG_RELIABILITY_MAX_MODELS];
  int k = 0;
  for (int i = 0; i < n; i++, x += w + gap)
    {
      panels[k] = &cols[i].main;
      rects[k++] = (FigRect){ x, r.y, w, h_main };
      if (!counts)
        continue;
      panels[k] = &cols[i].counts;
      rects[k++] = (FigRect){ x, r.y + h_main + pad, w, r.h - h_main - pad };
    }
  fig_panels_layout (panels, rects, k, c);
}

/* Columns as wide as their share of r, then narrowed until the reliability panels are square
 * so that the diagonal runs at 45 degrees. */
static void
layout_columns (FigCanvas *c, Column *cols, int n, bool counts, FigRect r)
{
  double gap = 3 * fig_pt (c, c->style->pad), w = (r.w - (n - 1) * gap) / n;
  place_columns (c, cols, n, counts, r, w);
  double excess = cols[0].main.area.w - cols[0].main.area.h;
  if (excess > 1)
    place_columns (c, cols, n, counts, r, w - excess);
}

static void
build_legend (FigLegend *l, FigCanvas *c, const FigReliabilityData *d)
{
  FigSeriesLook bars = { d->n_models == 1 ? bar_color (c, &d->models[0]) : c->style->accent };
  FigSeriesLook gap = { c->style->warn }, diag = { c->style->text_muted, FIG_DASH_DASHED };
  gap.color.a = 0.6;
  fig_legend_init (l);
  fig_legend_add (l, FIG_ ("Accuracy"), bars, FIG_KEY_BOX, false);
  /* Translators: how far a bin's accuracy falls short of (or exceeds) its confidence */
  fig_legend_add (l, FIG_ ("Gap to confidence"), gap, FIG_KEY_BOX, false);
  fig_legend_add (l, FIG_ ("Perfect calibration"), diag, FIG_KEY_LINE, false);
}

/* Inside the first panel when it has a free corner, otherwise above all of them. */
static FigLegendSpot
place_legend (FigCanvas *c, Column *cols, int n, bool counts, FigRect r, FigLegend *l)
{
  FigLegendSpot spot = { 0 };
  layout_columns (c, cols, n, counts, r);
  FigOccupancy *occ = g_new (FigOccupancy, 1);
  fig_occ_init (occ, cols[0].main.area);
  occupy_main (occ, &cols[0]);
  fig_legend_measure (l, c, 1);
  spot.inside = fig_legend_place_inside (l, c, occ, 0, &spot.x, &spot.y);
  g_free (occ);
  if (spot.inside)
    return spot;
  fig_legend_fit (l, c, r.w);
  spot.x = r.x + (r.w - l->w) / 2;
  spot.y = r.y;
  layout_columns (c, cols, n, counts, (FigRect){ r.x, r.y + l->h, r.w, fmax (r.h - l->h, 1) });
  return spot;
}

void
fig_reliability_paint (
    cairo_t *cr, double width, double height, const FigReliabilityData *data, const FigStyle *style)
{
  FigCanvas c;
  fig_canvas_begin (&c, cr, width, height, style);
  if (!has_data (data))
    {
      fig_draw_empty (&c, FIG_ ("No calibration data to show"));
      fig_canvas_end (&c);
      return;
    }
  Column cols[FIG_RELIABILITY_MAX_MODELS];
  for (int m = 0; m < data->n_models; m++)
    setup_column (&cols[m], &data->models[m], m == 0, data->show_counts);
  FigRect r = fig_figure_title (&c, fig_canvas_content (&c), data->title);
  FigLegend legend;
  build_legend (&legend, &c, data);
  FigLegendSpot spot = place_legend (&c, cols, data->n_models, data->show_counts, r, &legend);
  for (int m = 0; m < data->n_models; m++)
    {
      draw_main (&c, &cols[m]);
      if (data->show_counts)
        draw_counts (&c, &cols[m]);
    }
  fig_legend_draw_at (&legend, &c, &spot);
  fig_canvas_end (&c);
}

void
fig_reliability_csv (const FigReliabilityData *data, GString *out)
{
  FigCsv csv;
  fig_csv_init (&csv, out);
  static const char *const head[]
      = { "model", "bin_lo", "bin_hi", "count", "confidence", "accuracy" };
  for (int i = 0; i < 6; i++)
    fig_csv_text (&csv, head[i]);
  fig_csv_end_row (&csv);
  for (int m = 0; data && m < data->n_models && m < FIG_RELIABILITY_MAX_MODELS; m++)
    for (int b = 0; b < data->models[m].n_bins && data->models[m].bins; b++)
      {
        const FigReliabilityBin *bin = &data->models[m].bins[b];
        fig_csv_text (&csv, data->models[m].name ? data->models[m].name : "");
        fig_csv_number (&csv, bin->lo);
        fig_csv_number (&csv, bin->hi);
        fig_csv_int (&csv, bin->count);
        fig_csv_number (&csv, bin->confidence);
        fig_csv_number (&csv, bin->accuracy);
        fig_csv_end_row (&csv);
      }
}
