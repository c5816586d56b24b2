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

/* The largest share of samples in one bin, in percent, over every model: the histograms share
 * one scale so that their bars compare. */
static double
max_share (const FigReliabilityData *d)
{
  double top = 0;
  for (int i = 0; i < d->n_models; i++)
    {
      const FigReliabilityModel *m = &d->models[i];
      double total = 0;
      for (int b = 0; b < m->n_bins; b++)
        total += m->bins[b].count > 0 ? m->bins[b].count : 0;
      for (int b = 0; b < m->n_bins; b++)
        top = fmax (top, 100 * m->bins[b].count / fmax (total, 1));
    }
  return top;
}

static void
set_title (Column *col, bool short_name)
{
  const FigReliabilityModel *m = col->model;
  const char *name = short_name && m->model >= 0 ? fig_model_short_name (m->model) : m->name;
  double ece = isfinite (m->ece) ? m->ece : fig_reliability_ece (m);
  g_snprintf (col->title, sizeof col->title, "%s%sECE %.1f %%", name ? name : "", name ? " · " : "",
              100 * ece);
  col->main.title = col->title;
}

static void
setup_column (Column *col, const FigReliabilityModel *m, bool first, bool counts, double top)
{
  *col = (Column){ .model = m };
  set_title (col, false);
  fig_axis_linear (&col->main.x, 0, 1, FIG_ ("Confidence"));
  fig_axis_linear (&col->main.y, 0, 1, first ? FIG_ ("Accuracy") : NULL);
  if (!counts)
    return;
  col->main.x.hide_tick_labels = true;
  col->main.x.label = NULL;
  fig_axis_linear (&col->counts.x, 0, 1, FIG_ ("Confidence"));
  /* Too short for a turned axis title: the panel is named inside, in draw_counts. */
  fig_axis_linear (&col->counts.y, 0, fmax (top, 1) * 1.25, NULL);
}

/* A model's name is shortened ("Distilled") where the whole title would not fit its panel. */
static void
fit_titles (FigCanvas *c, Column *cols, int n)
{
  for (int i = 0; i < n; i++)
    {
      double w;
      fig_text_size (c, FIG_FONT_TITLE, cols[i].title, &w, NULL);
      if (w > cols[i].main.outer.w)
        set_title (&cols[i], true);
    }
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
gap_edge (FigCanvas *c, FigRect r)
{
  cairo_rectangle (c->cr, r.x, r.y, r.w, r.h);
  fig_set_line (c, 0.8, FIG_DASH_SOLID);
  fig_canvas_set_color (c, c->style->warn);
  cairo_stroke (c->cr);
}

/* Accuracy short of confidence: what is missing above the bar, pale. */
static void
draw_gap_over (FigCanvas *c, FigRect r, const void *unused)
{
  FigRGBA fill = c->style->warn;
  fill.a = 0.3;
  fig_canvas_set_color (c, fill);
  cairo_rectangle (c->cr, r.x, r.y, r.w, r.h);
  cairo_fill (c->cr);
  gap_edge (c, r);
}

/* Accuracy beyond confidence: the top of the bar, hatched in the paper's colour, which shows
 * the same on every model's colour. */
static void
draw_gap_under (FigCanvas *c, FigRect r)
{
  FigRGBA paper = c->style->background;
  double step = fig_pt (c, 2.2);
  paper.a = 1;
  cairo_save (c->cr);
  cairo_rectangle (c->cr, r.x, r.y, r.w, r.h);
  cairo_clip (c->cr);
  fig_set_line (c, 0.7, FIG_DASH_SOLID);
  fig_canvas_set_color (c, paper);
  for (double x = r.x - r.h; x < r.x + r.w; x += step)
    fig_line (c, x, r.y + r.h, x + r.h, r.y);
  cairo_restore (c->cr);
  gap_edge (c, r);
}

/* The legend's key of an underconfident bin: a bar (of the colour in data) so hatched. */
static void
draw_gap_under_key (FigCanvas *c, FigRect r, const void *data)
{
  fig_canvas_set_color (c, *(const FigRGBA *)data);
  cairo_rectangle (c->cr, r.x, r.y, r.w, r.h);
  cairo_fill (c->cr);
  draw_gap_under (c, r);
}

static void
draw_main (FigCanvas *c, Column *col)
{
  FigPanel *p = &col->main;
  const FigReliabilityModel *m = col->model;
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
      if (bin->accuracy < bin->confidence)
        draw_gap_over (c, r, NULL);
      else
        draw_gap_under (c, r);
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

/* The height of the histograms: a quarter of r, or enough for their two tick labels and their
 * name between them, whichever is more. */
static double
counts_height (FigCanvas *c, FigPanel *counts, FigRect r, double w)
{
  FigMargins m;
  double pad = fig_pt (c, c->style->pad), th = fig_text_line_height (c, FIG_FONT_TICK);
  fig_panel_measure (counts, c, (FigRect){ r.x, r.y, w, r.h / 4 }, &m);
  return fmax ((r.h - pad) * 0.26, m.t + m.b + 2.4 * th);
}

/* Histograms that would take more than 40 % of the height leave the diagrams too little: then
 * there are none. */
static bool
counts_fit (FigCanvas *c, const FigReliabilityData *d, FigRect r)
{
  Column col;
  setup_column (&col, &d->models[0], true, true, 100);
  return counts_height (c, &col.counts, r, r.w / d->n_models) <= 0.4 * r.h;
}

static void
place_columns (FigCanvas *c, Column *cols, int n, bool counts, FigRect r, double w)
{
  double pad = fig_pt (c, c->style->pad), gap = 3 * pad;
  double x = r.x + fmax (0, (r.w - n * w - (n - 1) * gap) / 2);
  double h_main = counts ? r.h - pad - counts_height (c, &cols[0].counts, r, w) : r.h;
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

/* The widest panel title with the models' short names. */
static double
short_title_width (FigCanvas *c, Column *cols, int n)
{
  double widest = 0, w;
  for (int i = 0; i < n; i++)
    {
      Column probe = cols[i];
      set_title (&probe, true);
      fig_text_size (c, FIG_FONT_TITLE, probe.title, &w, NULL);
      widest = fmax (widest, w);
    }
  return widest;
}

/* Columns as wide as their share of r, then narrowed until the reliability panels are square
 * so that the diagonal runs at 45 degrees, but not below their titles' width. */
static void
layout_columns (FigCanvas *c, Column *cols, int n, bool counts, FigRect r)
{
  double gap = 3 * fig_pt (c, c->style->pad), w = (r.w - (n - 1) * gap) / n;
  place_columns (c, cols, n, counts, r, w);
  double excess = cols[0].main.area.w - cols[0].main.area.h;
  if (excess > 1)
    place_columns (c, cols, n, counts, r,
                   fmax (w - excess, fmin (short_title_width (c, cols, n), w)));
}

/* The keys of what is drawn: the bars, each kind of gap that some bin shows, the diagonal. */
static void
build_legend (FigLegend *l, FigCanvas *c, const FigReliabilityData *d, const FigRGBA *bar)
{
  bool over = false, under = false;
  for (int m = 0; m < d->n_models; m++)
    for (int b = 0; b < d->models[m].n_bins; b++)
      {
        const FigReliabilityBin *bin = &d->models[m].bins[b];
        if (bin->count <= 0 || !isfinite (bin->accuracy) || !isfinite (bin->confidence))
          continue;
        over |= bin->accuracy < bin->confidence;
        under |= bin->accuracy > bin->confidence;
      }
  FigSeriesLook bars = { *bar }, diag = { c->style->text_muted, FIG_DASH_DASHED };
  fig_legend_init (l);
  fig_legend_add (l, FIG_ ("Accuracy"), bars, FIG_KEY_BOX, false);
  if (over)
    /* Translators: a bin's accuracy falls short of its confidence by this much */
    fig_legend_add_custom (l, FIG_ ("Overconfidence"), draw_gap_over, NULL);
  if (under)
    /* Translators: a bin's accuracy exceeds its confidence by this much */
    fig_legend_add_custom (l, FIG_ ("Underconfidence"), draw_gap_under_key, bar);
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
  double top = max_share (data);
  FigRect r = fig_figure_title (&c, fig_canvas_content (&c), data->title);
  bool counts = data->show_counts && counts_fit (&c, data, r);
  for (int m = 0; m < data->n_models; m++)
    setup_column (&cols[m], &data->models[m], m == 0, counts, top);
  FigLegend legend;
  FigRGBA bar = data->n_models == 1 ? bar_color (&c, &data->models[0]) : c.style->accent;
  build_legend (&legend, &c, data, &bar);
  FigLegendSpot spot = place_legend (&c, cols, data->n_models, counts, r, &legend);
  fit_titles (&c, cols, data->n_models);
  for (int m = 0; m < data->n_models; m++)
    {
      draw_main (&c, &cols[m]);
      if (counts)
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
