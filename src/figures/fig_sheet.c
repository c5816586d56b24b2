/* fig_sheet.c — the comparison sheet: existing painters composed on one page. */
#include "fig_sheet.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "fig_colorbar.h"
#include "fig_csv.h"
#include "fig_i18n.h"
#include "fig_names.h"
#include "fig_raster.h"
#include "fig_registry.h"
#include "fig_series.h"

#define MAX_SLOTS 10

typedef enum
{
  SLOT_PAINTER, /* a registered painter on its data */
  SLOT_SIMILARITY,
  SLOT_METRICS,
} SlotKind;

typedef struct
{
  SlotKind kind;
  FigKind fig;
  const void *data;
  const char *caption;
  int span;       /* columns */
  double min_w;   /* the width it needs, 0 for any */
  double fixed_h; /* > 0: the height it needs, and no more */
  FigRect r;
} Slot;

/* Copies of the panels' data with their titles removed (the sheet captions them), and the
 * similarity matrices on one shared scale. */
typedef struct
{
  FigTrainingData training;
  FigSoftLabelsData soft;
  FigLinesData sweep;
  FigTemperatureData temperature;
  FigSaliencyData saliency;
  FigHeatmapData cka;
  FigReliabilityData reliability;
  FigHeatmapData similarity[FIG_N_MODEL_LOOKS];
} Copies;

static int
add_slot (
    Slot *slots, int n, SlotKind kind, FigKind fig, const void *data, const char *caption, int span)
{
  if (!data || n >= MAX_SLOTS)
    return n;
  slots[n] = (Slot){ kind, fig, data, caption, span, 0, 0 };
  return n + 1;
}

static bool
any_similarity (const FigSheetData *d)
{
  for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
    if (d->similarity[m])
      return true;
  return false;
}

/* The similarity matrices' common range, so that equal colours mean equal probabilities. */
static void
share_scale (Copies *cp, const FigSheetData *d)
{
  double lo = INFINITY, hi = -INFINITY;
  for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
    {
      const FigHeatmapData *h = d->similarity[m];
      for (size_t i = 0; h && h->values && i < (size_t)h->n_rows * h->n_cols; i++)
        if (isfinite (h->values[i]))
          lo = fmin (lo, h->values[i]), hi = fmax (hi, h->values[i]);
    }
  for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
    {
      if (!d->similarity[m])
        continue;
      cp->similarity[m] = *d->similarity[m];
      cp->similarity[m].title = fig_model_name (m);
      cp->similarity[m].row_label = cp->similarity[m].col_label = NULL;
      cp->similarity[m].hide_values = true;
      cp->similarity[m].vmin = hi > lo ? lo : 0;
      cp->similarity[m].vmax = hi > lo ? hi : 1;
    }
}

#define UNTITLED(field, src)                                                                       \
  ((src) ? (cp->field = *(src), cp->field.title = NULL, (const void *)&cp->field) : NULL)

static int
collect (Slot *slots, Copies *cp, const FigSheetData *d)
{
  int n = 0;
  n = add_slot (slots, n, SLOT_PAINTER, FIG_KIND_TRAINING, UNTITLED (training, d->training),
                FIG_ ("Training"), 2);
  n = add_slot (slots, n, SLOT_PAINTER, FIG_KIND_SOFT_LABELS, UNTITLED (soft, d->soft_labels),
                FIG_ ("Soft labels of one sample"), 1);
  n = add_slot (slots, n, SLOT_PAINTER, FIG_KIND_TEMPERATURE,
                UNTITLED (temperature, d->temperature_sample),
                FIG_ ("The sample against temperature"), 1);
  n = add_slot (slots, n, SLOT_PAINTER, FIG_KIND_LINES, UNTITLED (sweep, d->sweep),
                FIG_ ("Temperature sweep"), 1);
  if (any_similarity (d))
    {
      share_scale (cp, d);
      n = add_slot (slots, n, SLOT_SIMILARITY, FIG_KIND_HEATMAP, cp->similarity,
                    FIG_ ("Class similarity (mean soft label per true class)"), 2);
    }
  n = add_slot (slots, n, SLOT_PAINTER, FIG_KIND_SALIENCY, UNTITLED (saliency, d->saliency),
                FIG_ ("Saliency"), 2);
  n = add_slot (slots, n, SLOT_PAINTER, FIG_KIND_HEATMAP, UNTITLED (cka, d->cka),
                FIG_ ("Linear CKA"), 1);
  n = add_slot (slots, n, SLOT_PAINTER, FIG_KIND_RELIABILITY,
                UNTITLED (reliability, d->reliability), FIG_ ("Calibration"), 2);
  if (d->n_metrics > 0 && d->metrics)
    n = add_slot (slots, n, SLOT_METRICS, FIG_N_KINDS, d, FIG_ ("Metrics"), 1);
  return n;
}

/* A row's panels side by side, as wide as their spans say, except that one narrower than it
 * needs (min_w) takes the difference from the others, in proportion to what they can spare. */
static void
place_row (Slot *row, int n, int cols, double x, double width, double y, double h, double gap)
{
  double w[MAX_SLOTS], total = 0, need = 0, spare = 0;
  for (int k = 0; k < n; k++)
    total += MIN (row[k].span, cols);
  for (int k = 0; k < n; k++)
    {
      w[k] = (width - (n - 1) * gap) * MIN (row[k].span, cols) / total;
      if (w[k] < row[k].min_w)
        need += row[k].min_w - w[k];
      else
        spare += w[k] - row[k].min_w;
    }
  /* The share of each shortfall made up, and of each surplus given for it. */
  double give = need > 0 ? fmin (spare / need, 1) : 0,
         take = spare > 0 ? fmin (need / spare, 1) : 0;
  for (int k = 0; k < n; k++)
    {
      double min_w = row[k].min_w;
      w[k] = w[k] < min_w ? w[k] + (min_w - w[k]) * give : w[k] - (w[k] - min_w) * take;
      row[k].r = (FigRect){ round (x), round (y), floor (w[k]), floor (h) };
      x += w[k] + gap;
    }
}

/* Rows of up to `cols` columns in reading order; a row that is not full widens its panels. A
 * row of panels that need only a fixed height (the metrics table alone) gets just that; the
 * other rows share the rest. */
static void
place (Slot *slots, int n, int cols, FigRect r, double gap)
{
  int row_of[MAX_SLOTS], rows = 0, used = 0;
  for (int i = 0; i < n; i++)
    {
      int span = MIN (slots[i].span, cols);
      if (used + span > cols)
        rows++, used = 0;
      row_of[i] = rows;
      used += span;
    }
  rows++;
  double row_h[MAX_SLOTS] = { 0 }, fixed = 0;
  int flexible = rows;
  for (int row = 0; row < rows; row++)
    {
      for (int i = 0; i < n; i++)
        if (row_of[i] == row)
          row_h[row] = slots[i].fixed_h > 0 ? fmax (row_h[row], slots[i].fixed_h) : INFINITY;
      if (isfinite (row_h[row]))
        fixed += row_h[row], flexible--;
    }
  double h = (r.h - (rows - 1) * gap - fixed) / MAX (flexible, 1);
  double y = r.y;
  for (int row = 0, i = 0; row < rows; row++)
    {
      int first = i;
      while (i < n && row_of[i] == row)
        i++;
      double rh = isfinite (row_h[row]) ? row_h[row] : h;
      place_row (slots + first, i - first, cols, r.x, r.w, y, rh, gap);
      y += rh + gap;
    }
}

/* ---- drawing ------------------------------------------------------------------------------- */

static void
paint_into (FigCanvas *c, FigRect r, FigKind kind, const void *data)
{
  cairo_t *cr = c->cr;
  cairo_save (cr);
  cairo_rectangle (cr, r.x, r.y, r.w, r.h);
  cairo_clip (cr);
  cairo_translate (cr, r.x, r.y);
  fig_registry_get (kind)->paint (cr, r.w, r.h, data, c->style);
  cairo_restore (cr);
}

/* The similarity matrices as small multiples: one colour scale and one bar, the class names
 * down the first matrix only, square cells. */
typedef struct
{
  const FigHeatmapData *maps, *first;
  int n, model[FIG_N_MODEL_LOOKS]; /* the matrices shaped like the first */
  FigPanel panels[FIG_N_MODEL_LOOKS];
  const char **rows, **cols;
  FigColorbar cb;
  double cbw;                  /* the colour bar with its labels */
  FigMargins first_m, other_m; /* of the first panel (with row names) and of the others */
} Multiples;

static void
multiples_init (Multiples *mu, FigCanvas *c, FigRect r, const FigHeatmapData *maps)
{
  *mu = (Multiples){ .maps = maps };
  for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
    {
      if (!maps[m].values)
        continue;
      mu->first = mu->first ? mu->first : &maps[m];
      if (maps[m].n_rows == mu->first->n_rows && maps[m].n_cols == mu->first->n_cols)
        mu->model[mu->n++] = m;
    }
  const FigHeatmapData *f = mu->first;
  mu->rows = fig_names_dup (f->row_names, f->n_rows);
  mu->cols = fig_names_dup (f->col_names, f->n_cols);
  mu->cb = (FigColorbar){ f->colormap, f->vmin, f->vmax, f->value_label };
  mu->cbw = fig_colorbar_measure (&mu->cb, c, r.h * 0.6);
  for (int i = 0; i < mu->n; i++)
    {
      FigPanel *p = &mu->panels[i];
      *p = (FigPanel){ .title = fig_model_name (mu->model[i]) };
      fig_axis_category (&p->x, f->n_cols, mu->cols, NULL);
      fig_axis_category (&p->y, f->n_rows, mu->rows, NULL);
      p->y.inverted = true;
      p->x.no_spine = p->y.no_spine = p->x.no_ticks = p->y.no_ticks = true;
      p->y.hide_tick_labels = i > 0;
      fig_panel_measure (p, c, (FigRect){ r.x, r.y, (r.w - mu->cbw) / mu->n, r.h },
                         i ? &mu->other_m : &mu->first_m);
    }
  if (mu->n == 1)
    mu->other_m = mu->first_m;
}

static void
draw_similarity (FigCanvas *c, FigRect r, const FigHeatmapData *maps)
{
  Multiples mu;
  multiples_init (&mu, c, r, maps);
  const FigHeatmapData *f = mu.first;
  FigMargins m0 = mu.first_m, m1 = mu.other_m;
  double top = fmax (m0.t, m1.t), bottom = fmax (m0.b, m1.b), gap = 2 * fig_pt (c, c->style->pad);
  double fixed = m0.l + m0.r + (mu.n - 1) * (m1.l + m1.r + gap) + gap + mu.cbw;
  double cell
      = fmax (fmin ((r.w - fixed) / (mu.n * f->n_cols), (r.h - top - bottom) / f->n_rows), 1);
  double pw = cell * f->n_cols, ph = cell * f->n_rows;
  double x = r.x + fmax (0, (r.w - fixed - mu.n * pw) / 2);
  double y = r.y + fmax (0, (r.h - top - bottom - ph) / 2);
  for (int i = 0; i < mu.n; i++)
    {
      FigPanel *p = &mu.panels[i];
      FigMargins mi = { i ? m1.l : m0.l, i ? m1.r : m0.r, top, bottom };
      FigRect outer = { x, y, mi.l + pw + mi.r, top + ph + bottom };
      double tw;
      fig_text_size (c, FIG_FONT_TITLE, p->title, &tw, NULL);
      if (tw > outer.w)
        p->title = fig_model_short_name (mu.model[i]);
      fig_panel_place (p, c, outer, &mi);
      x += outer.w + gap;
      const FigHeatmapData *h = &maps[mu.model[i]];
      cairo_surface_t *img = fig_raster_colormap (h->values, h->n_cols, h->n_rows, h->colormap,
                                                  mu.cb.lo, mu.cb.hi, false);
      fig_raster_draw (
          c, img, (FigRect){ round (p->area.x), round (p->area.y), round (pw), round (ph) }, false);
      cairo_surface_destroy (img);
      fig_panel_draw_axes (p, c);
    }
  fig_colorbar_draw (&mu.cb, c, (FigRect){ x, mu.panels[0].area.y, mu.cb.bar_w, ph });
  fig_names_free (mu.rows, f->n_rows);
  fig_names_free (mu.cols, f->n_cols);
}

static void
format_fraction (double v, char *buf, size_t len)
{
  if (isfinite (v))
    g_snprintf (buf, len, "%.1f %%", 100 * v);
  else
    g_snprintf (buf, len, "—");
}

static void
format_cell (const FigSheetMetrics *m, int col, char *buf, size_t len)
{
  switch (col)
    {
      case 0:
        format_fraction (m->accuracy, buf, len);
        break;
      case 1:
        format_fraction (m->agreement, buf, len);
        break;
      case 2:
        if (isfinite (m->kl))
          g_snprintf (buf, len, "%.3f", m->kl);
        else
          g_snprintf (buf, len, "—");
        break;
      default:
        format_fraction (m->ece, buf, len);
        break;
    }
}

/* The row's name; a model's short one ("Distilled") for a narrow table. */
static const char *
metrics_name (const FigSheetMetrics *m, bool short_name)
{
  if (m->name && !(short_name && m->model >= 0))
    return m->name;
  if (m->model < 0)
    return "";
  return short_name ? fig_model_short_name (m->model) : fig_model_name (m->model);
}

#define METRIC_COLS 5

/* The table's columns: x0 the left edge, right[k] the right edge of column k. */
typedef struct
{
  double x0, right[METRIC_COLS], swatch, row_h, width;
  bool short_names;
} MetricsLayout;

static const char *const metric_heads[METRIC_COLS]
    = { FIG_N_ ("Model"), FIG_N_ ("Accuracy"), FIG_N_ ("Agreement"), FIG_N_ ("KL (nats)"),
        FIG_N_ ("ECE") };

static double
cell_width (FigCanvas *c, const FigSheetMetrics *m, int k, double swatch, bool short_name)
{
  double w;
  char buf[48];
  if (k == 0)
    {
      fig_text_size (c, FIG_FONT_LABEL, metrics_name (m, short_name), &w, NULL);
      return w + swatch + fig_pt (c, c->style->pad);
    }
  format_cell (m, k - 1, buf, sizeof buf);
  fig_text_size (c, FIG_FONT_LABEL, buf, &w, NULL);
  return w;
}

/* Columns as wide as their widest cell, centred in r; the gap after the left-aligned names is
 * wider than between the right-aligned numbers. */
static MetricsLayout
metrics_layout (FigCanvas *c, FigRect r, const FigSheetMetrics *rows, int n, bool short_names)
{
  static const double gaps[METRIC_COLS] = { 0, 4, 2.5, 2.5, 2.5 };
  MetricsLayout t = { .swatch = fig_pt (c, c->style->label_size * 0.8),
                      .row_h = 1.6 * fig_text_line_height (c, FIG_FONT_LABEL),
                      .short_names = short_names };
  double pad = fig_pt (c, c->style->pad), col_w[METRIC_COLS], total = 0;
  for (int k = 0; k < METRIC_COLS; k++)
    {
      fig_text_size (c, FIG_FONT_TICK, FIG_ (metric_heads[k]), &col_w[k], NULL);
      for (int i = 0; i < n; i++)
        col_w[k] = fmax (col_w[k], cell_width (c, &rows[i], k, t.swatch, short_names));
      total += col_w[k] + gaps[k] * pad;
    }
  t.width = total;
  t.x0 = r.x + fmax (0, (r.w - total) / 2);
  double x = t.x0;
  for (int k = 0; k < METRIC_COLS; k++)
    t.right[k] = x += col_w[k] + gaps[k] * pad;
  return t;
}

static void
metrics_rule (FigCanvas *c, const MetricsLayout *t, double y)
{
  double lw = fig_pt (c, c->style->axis_width);
  fig_set_line (c, c->style->axis_width, FIG_DASH_SOLID);
  fig_canvas_set_color (c, c->style->axis);
  fig_line (c, t->x0, fig_snap (c, y, lw), t->right[METRIC_COLS - 1], fig_snap (c, y, lw));
}

static void
metrics_row (FigCanvas *c, const MetricsLayout *t, const FigSheetMetrics *m, double cy)
{
  if (m->model >= 0 && m->model < FIG_N_MODEL_LOOKS)
    {
      fig_canvas_set_color (c, c->style->model_colors[m->model]);
      cairo_rectangle (c->cr, t->x0, cy - t->swatch / 2, t->swatch, t->swatch);
      cairo_fill (c->cr);
    }
  fig_text_draw (c, FIG_FONT_LABEL, c->style->text, metrics_name (m, t->short_names),
                 t->x0 + t->swatch + fig_pt (c, c->style->pad), cy, 0, 0.5);
  for (int k = 1; k < METRIC_COLS; k++)
    {
      char buf[48];
      format_cell (m, k - 1, buf, sizeof buf);
      fig_text_draw (c, FIG_FONT_LABEL, c->style->text, buf, t->right[k], cy, 1, 0.5);
    }
}

/* A booktabs table: rules above and below the header and at the end, numbers right-aligned,
 * each model keyed by a swatch of its colour. */
static int
metrics_rows (const FigSheetData *d)
{
  return d->n_metrics < FIG_SHEET_MAX_METRICS ? d->n_metrics : FIG_SHEET_MAX_METRICS;
}

/* What the table needs with the models' full names: its width, and its height with the caption
 * above it. */
static void
metrics_size (FigCanvas *c, const FigSheetData *d, double *w, double *h)
{
  MetricsLayout t = metrics_layout (c, (FigRect){ 0 }, d->metrics, metrics_rows (d), false);
  double pad = fig_pt (c, c->style->pad);
  *w = t.width + 2 * pad;
  *h = fig_text_line_height (c, FIG_FONT_HEAD) + (metrics_rows (d) + 1) * t.row_h + 3 * pad;
}

static void
draw_metrics (FigCanvas *c, FigRect r, const FigSheetData *d)
{
  int n = metrics_rows (d);
  MetricsLayout t = metrics_layout (c, r, d->metrics, n, false);
  if (t.width > r.w)
    t = metrics_layout (c, r, d->metrics, n, true);
  double y = r.y + fig_pt (c, c->style->pad);
  metrics_rule (c, &t, y);
  for (int k = 0; k < METRIC_COLS; k++)
    fig_text_draw (c, FIG_FONT_TICK, c->style->text_muted, FIG_ (metric_heads[k]),
                   k ? t.right[k] : t.x0, y + t.row_h / 2, k ? 1 : 0, 0.5);
  y += t.row_h;
  metrics_rule (c, &t, y);
  for (int i = 0; i < n; i++, y += t.row_h)
    metrics_row (c, &t, &d->metrics[i], y + t.row_h / 2);
  metrics_rule (c, &t, y);
}

/* "A  Training": the letter bold, the caption plain; returns the part of r left below it. */
static FigRect
draw_caption (FigCanvas *c, FigRect r, int index, const char *caption)
{
  char letter[4] = { (char)('A' + index), 0 };
  double lw, h = fig_text_line_height (c, FIG_FONT_HEAD), pad = fig_pt (c, c->style->pad);
  fig_text_size (c, FIG_FONT_HEAD, letter, &lw, NULL);
  fig_text_draw (c, FIG_FONT_HEAD, c->style->text, letter, r.x, r.y, 0, 0);
  fig_text_draw_opts (c, FIG_FONT_TITLE, c->style->text, caption, r.x + lw + pad, r.y + 0.5 * h,
                      &(FigTextOpts){ 0, 0.5, 0, r.w - lw - pad });
  return (FigRect){ r.x, r.y + h, r.w, fmax (r.h - h, 1) };
}

static void append_field (GString *s, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* One field of the sheet's title line, after a separator unless it is the first; its own
 * spaces do not break, so a title too long for the page wraps between fields. */
static void
append_field (GString *s, const char *format, ...)
{
  va_list args;
  if (s->len)
    g_string_append (s, "  ·  ");
  va_start (args, format);
  g_autofree char *field = g_strdup_vprintf (format, args);
  va_end (args);
  for (const char *p = field; *p; p++)
    if (*p == ' ')
      g_string_append (s, "\u00a0");
    else
      g_string_append_c (s, *p);
}

static void
title_line (const FigSheetData *d, char *buf, size_t len)
{
  GString *s = g_string_new (NULL);
  if (d->dataset)
    append_field (s, "%s", d->dataset);
  if (d->teacher_arch)
    /* Translators: the teacher's architecture, e.g. "teacher conv32-pool-fc128" */
    append_field (s, FIG_ ("teacher %s"), d->teacher_arch);
  if (d->student_arch)
    /* Translators: the architecture of both students, e.g. "students fc32" */
    append_field (s, FIG_ ("students %s"), d->student_arch);
  if (isfinite (d->temperature))
    append_field (s, "T = %g", d->temperature);
  if (isfinite (d->alpha))
    append_field (s, "α = %g", d->alpha);
  if (d->seed >= 0)
    /* Translators: the random seed of the experiment */
    append_field (s, FIG_ ("seed %ld"), d->seed);
  g_snprintf (buf, len, "%s", s->str);
  g_string_free (s, TRUE);
}

/* Four columns on a landscape page, three on a squarish one, two on a portrait one. */
static int
columns (double width, double height)
{
  double aspect = width / fmax (height, 1);
  return aspect >= 1.3 ? 4 : aspect >= 0.95 ? 3 : 2;
}

/* A page smaller than about 1200 x 750 pt (1600 x 1000 pixels at 96 dpi) gets proportionally
 * smaller type and lines, as one would set a figure of eight panels for A4: down to 80 % (7 pt
 * tick labels on A4 landscape), never larger than the theme's. */
static void
fit_style (FigStyle *s, const FigStyle *style, double width, double height)
{
  double k = fig_style_scale (style);
  double f = sqrt (fmin (width / k / 1200, height / k / 750));
  f = f < 0.8 ? 0.8 : f > 1 ? 1 : f;
  *s = *style;
  s->tick_size *= f, s->label_size *= f, s->title_size *= f;
  s->line_width *= f, s->axis_width *= f, s->grid_width *= f;
  s->marker_size *= f, s->tick_length *= f, s->pad *= f;
}

void
fig_sheet_paint (
    cairo_t *cr, double width, double height, const FigSheetData *data, const FigStyle *style)
{
  FigCanvas c;
  FigStyle fitted;
  fit_style (&fitted, style, width, height);
  style = &fitted;
  fig_canvas_begin (&c, cr, width, height, style);
  Slot slots[MAX_SLOTS];
  Copies *cp = g_new0 (Copies, 1);
  int n = data ? collect (slots, cp, data) : 0;
  if (n == 0)
    {
      fig_draw_empty (&c, FIG_ ("No results to compare"));
      goto out;
    }
  char title[512];
  title_line (data, title, sizeof title);
  FigRect r = fig_canvas_content (&c);
  double pad = fig_pt (&c, style->pad), th;
  fig_text_size_wrapped (&c, FIG_FONT_HEAD, title, r.w, NULL, &th);
  fig_text_draw_wrapped (&c, FIG_FONT_HEAD, style->text, title, r.x, r.y, r.w, 0, 0);
  r.y += th + 0.5 * pad, r.h -= th + 0.5 * pad;
  r.y += pad, r.h -= pad;
  for (int i = 0; i < n; i++)
    if (slots[i].kind == SLOT_METRICS)
      metrics_size (&c, data, &slots[i].min_w, &slots[i].fixed_h);
  place (slots, n, columns (width, height), r, 3 * pad);
  for (int i = 0; i < n; i++)
    {
      FigRect inner = draw_caption (&c, slots[i].r, i, slots[i].caption);
      if (slots[i].kind == SLOT_SIMILARITY)
        draw_similarity (&c, inner, slots[i].data);
      else if (slots[i].kind == SLOT_METRICS)
        draw_metrics (&c, inner, slots[i].data);
      else
        paint_into (&c, inner, slots[i].fig, slots[i].data);
    }
out:
  g_free (cp);
  fig_canvas_end (&c);
}

void
fig_sheet_csv (const FigSheetData *data, GString *out)
{
  static const char *const head[] = { "model", "accuracy", "agreement", "kl_nats", "ece" };
  FigCsv csv;
  fig_csv_init (&csv, out);
  for (int i = 0; i < 5; i++)
    fig_csv_text (&csv, head[i]);
  fig_csv_end_row (&csv);
  for (int i = 0; data && data->metrics && i < data->n_metrics && i < FIG_SHEET_MAX_METRICS; i++)
    {
      const FigSheetMetrics *m = &data->metrics[i];
      fig_csv_text (&csv, metrics_name (m, false));
      fig_csv_number (&csv, m->accuracy);
      fig_csv_number (&csv, m->agreement);
      fig_csv_number (&csv, m->kl);
      fig_csv_number (&csv, m->ece);
      fig_csv_end_row (&csv);
    }
}
