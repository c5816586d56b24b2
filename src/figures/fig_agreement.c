/* fig_agreement.c — per-sample saliency agreement with the teacher, and the closer share. */
#include "fig_agreement.h"

#include <math.h>
#include <stdlib.h>

#include "fig_csv.h"
#include "fig_i18n.h"
#include "fig_raster.h"
#include "fig_series.h"

#define KDE_POINTS 64
#define OFFSET 0.2      /* category units between a method's centre and each violin */
#define HALF_WIDTH 0.17 /* a violin's widest half, category units */
#define Z975 1.959963984540054

typedef struct
{
  double mean[2], lo[2], hi[2]; /* student, baseline */
  double share, share_lo, share_hi;
  double vmin[2], vmax[2]; /* finite range of each sample */
  int n[2];
} Summary;

/* ---- statistics ----------------------------------------------------------------------------- */

/* The 97.5 % quantile of Student's t: exact to three decimals up to 30 degrees of freedom, then
 * the Cornish-Fisher expansion, within 0.001 beyond. */
static double
t975 (int df)
{
  static const double table[30]
      = { 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
          2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
          2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042 };
  if (df < 1)
    return NAN;
  if (df <= 30)
    return table[df - 1];
  double z = Z975, z3 = z * z * z, z5 = z3 * z * z;
  return z + (z3 + z) / (4.0 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96.0 * df * df);
}

static void
mean_ci (const double *v, int n, FigEstimate given, double *mean, double *lo, double *hi)
{
  if (given.known)
    {
      *mean = given.value, *lo = given.lo, *hi = given.hi;
      return;
    }
  double sum = 0, ss = 0;
  int k = 0;
  for (int i = 0; v && i < n; i++)
    if (isfinite (v[i]))
      sum += v[i], k++;
  *mean = k > 0 ? sum / k : NAN;
  for (int i = 0; v && i < n; i++)
    if (isfinite (v[i]))
      ss += (v[i] - *mean) * (v[i] - *mean);
  double half = k > 1 ? t975 (k - 1) * sqrt (ss / (k - 1) / k) : NAN;
  *lo = *mean - half, *hi = *mean + half;
}

/* Share of samples where the student is closer (ties half), with the Wilson score interval. */
static void
closer_share (const FigAgreementMethod *m, Summary *s)
{
  if (m->closer.known)
    {
      s->share = m->closer.value, s->share_lo = m->closer.lo, s->share_hi = m->closer.hi;
      return;
    }
  double closer = 0;
  int n = 0;
  for (int i = 0; m->vs_student && m->vs_baseline && i < m->n; i++)
    if (isfinite (m->vs_student[i]) && isfinite (m->vs_baseline[i]))
      {
        n++;
        closer += m->vs_student[i] > m->vs_baseline[i]    ? 1
                  : m->vs_student[i] == m->vs_baseline[i] ? 0.5
                                                          : 0;
      }
  s->share = s->share_lo = s->share_hi = NAN;
  if (n == 0)
    return;
  double p = closer / n, z2 = Z975 * Z975, den = 1 + z2 / n;
  double centre = (p + z2 / (2 * n)) / den;
  double half = Z975 * sqrt (p * (1 - p) / n + z2 / (4.0 * n * n)) / den;
  s->share = p, s->share_lo = centre - half, s->share_hi = centre + half;
}

static void
summarise (const FigAgreementMethod *m, Summary *s)
{
  const double *v[2] = { m->vs_student, m->vs_baseline };
  FigEstimate given[2] = { m->mean_student, m->mean_baseline };
  for (int k = 0; k < 2; k++)
    {
      mean_ci (v[k], m->n, given[k], &s->mean[k], &s->lo[k], &s->hi[k]);
      s->n[k] = 0;
      s->vmin[k] = INFINITY, s->vmax[k] = -INFINITY;
      for (int i = 0; v[k] && i < m->n; i++)
        if (isfinite (v[k][i]))
          {
            s->n[k]++;
            s->vmin[k] = fmin (s->vmin[k], v[k][i]), s->vmax[k] = fmax (s->vmax[k], v[k][i]);
          }
    }
  closer_share (m, s);
}

/* Gaussian kernel density of the finite values of v on KDE_POINTS points from lo to hi (the
 * data's range: no tails beyond it), bandwidth by Silverman's rule. Returns the peak. */
static double
kde (const double *v, int n, double lo, double hi, double *dens)
{
  double sum = 0, ss = 0;
  int k = 0;
  for (int i = 0; i < n; i++)
    if (isfinite (v[i]))
      sum += v[i], k++;
  double mean = sum / k;
  for (int i = 0; i < n; i++)
    if (isfinite (v[i]))
      ss += (v[i] - mean) * (v[i] - mean);
  double sd = k > 1 ? sqrt (ss / (k - 1)) : 0;
  double h = 1.06 * sd * pow (k, -0.2);
  if (!(h > 0))
    h = fmax ((hi - lo) * 0.1, 1e-3);
  double peak = 0;
  for (int g = 0; g < KDE_POINTS; g++)
    {
      double y = lo + (hi - lo) * g / (KDE_POINTS - 1), d = 0;
      for (int i = 0; i < n; i++)
        if (isfinite (v[i]))
          d += exp (-0.5 * (y - v[i]) * (y - v[i]) / (h * h));
      dens[g] = d;
      peak = fmax (peak, d);
    }
  return peak;
}

/* ---- drawing -------------------------------------------------------------------------------- */

static FigRGBA
with_alpha (FigRGBA c, double a)
{
  c.a = a;
  return c;
}

/* A deterministic spread in [-1, 1] for sample i (a hash, not a random stream, so the figure is
 * the same on every redraw). */
static double
jitter (int i)
{
  guint32 h = (guint32)i * 2654435761u;
  h ^= h >> 15;
  h *= 2246822519u;
  h ^= h >> 13;
  return (h & 0xffff) / 32767.5 - 1;
}

static void
draw_violin (FigCanvas *c,
             const FigPanel *p,
             const double *v,
             int n,
             const Summary *s,
             int k,
             double centre,
             FigModel model)
{
  double dens[KDE_POINTS], slot = fig_panel_x (p, 1) - fig_panel_x (p, 0);
  double lo = s->vmin[k], hi = s->vmax[k], cx = fig_panel_x (p, centre);
  double peak = kde (v, n, lo, hi, dens), hw = HALF_WIDTH * slot;
  FigRGBA col = c->style->model_colors[model];
  cairo_t *cr = c->cr;
  for (int side = 0; side < 2 && hi > lo; side++)
    for (int g = 0; g < KDE_POINTS; g++)
      {
        int j = side ? KDE_POINTS - 1 - g : g;
        double y = fig_panel_y (p, lo + (hi - lo) * j / (KDE_POINTS - 1));
        double x = cx + (side ? -1 : 1) * hw * dens[j] / peak;
        if (side == 0 && g == 0)
          cairo_move_to (cr, x, y);
        else
          cairo_line_to (cr, x, y);
      }
  cairo_close_path (cr);
  fig_canvas_set_color (c, with_alpha (col, 0.22));
  cairo_fill_preserve (cr);
  fig_set_line (c, 0.8, FIG_DASH_SOLID);
  fig_canvas_set_color (c, with_alpha (col, 0.9));
  cairo_stroke (cr);

  /* The samples themselves, spread inside the violin's width at their height. */
  double *px = malloc (2 * (size_t)n * sizeof *px), *py = px + n;
  int m = 0;
  for (int i = 0; px && i < n; i++)
    {
      if (!isfinite (v[i]))
        continue;
      double f = hi > lo ? (v[i] - lo) / (hi - lo) * (KDE_POINTS - 1) : 0;
      double w = hi > lo ? hw * dens[(int)lround (f)] / peak : hw;
      px[m] = cx + 0.75 * w * jitter (i + 7919 * k);
      py[m++] = fig_panel_y (p, v[i]);
    }
  FigRGBA dot = with_alpha (col, n > 300 ? 0.35 : 0.6);
  FigDots dots = { p->area, fig_pt (c, n > 300 ? 1.8 : 2.4), &dot, 1 };
  fig_dots_draw (c, px, py, NULL, m, &dots);
  free (px);
}

/* The interval as a capped bar, wider than the mean's marker so that a short one still
 * shows. */
static void
draw_mean (FigCanvas *c, const FigPanel *p, double x, double mean, double lo, double hi, int model)
{
  double px = fig_panel_x (p, x), cap = fig_pt (c, c->style->marker_size);
  if (isfinite (lo) && isfinite (hi))
    {
      double a = fig_panel_y (p, lo), b = fig_panel_y (p, hi);
      fig_set_line (c, c->style->line_width, FIG_DASH_SOLID);
      fig_canvas_set_color (c, c->style->text);
      fig_line (c, px, a, px, b);
      fig_line (c, px - cap, a, px + cap, a);
      fig_line (c, px - cap, b, px + cap, b);
    }
  FigSeriesLook look = fig_style_model_look (c->style, model);
  if (isfinite (mean))
    fig_marker (c, look.marker, px, fig_panel_y (p, mean), fig_pt (c, c->style->marker_size),
                look.color);
}

static void
draw_distributions (FigCanvas *c, FigPanel *p, const FigAgreementData *d, const Summary *sum)
{
  static const FigModel models[2] = { FIG_MODEL_STUDENT, FIG_MODEL_BASELINE };
  fig_panel_draw_grid (p, c);
  if (p->y.lo < 0 && p->y.hi > 0)
    {
      double y = fig_snap (c, fig_panel_y (p, 0), fig_set_ref_line (c, FIG_DASH_DASHED));
      fig_line (c, p->area.x, y, p->area.x + p->area.w, y);
    }
  for (int i = 0; i < d->n_methods; i++)
    {
      const FigAgreementMethod *m = &d->methods[i];
      const double *v[2] = { m->vs_student, m->vs_baseline };
      for (int k = 0; k < 2; k++)
        {
          double x = i + (k ? OFFSET : -OFFSET);
          if (v[k] && sum[i].n[k] > 0)
            draw_violin (c, p, v[k], m->n, &sum[i], k, x, models[k]);
          draw_mean (c, p, x, sum[i].mean[k], sum[i].lo[k], sum[i].hi[k], models[k]);
        }
    }
  fig_panel_draw_axes (p, c);
}

static void
draw_shares (FigCanvas *c, FigPanel *p, const FigAgreementData *d, const Summary *sum)
{
  double pad = fig_pt (c, c->style->pad), cap = fig_pt (c, c->style->marker_size * 0.6);
  fig_panel_draw_grid (p, c);
  for (int i = 0; i < d->n_methods; i++)
    {
      const Summary *s = &sum[i];
      if (!isfinite (s->share))
        continue;
      double x0 = round (fig_panel_x (p, i - 0.18)), x1 = round (fig_panel_x (p, i + 0.18));
      double y0 = fig_panel_y (p, 0), y1 = fig_panel_y (p, 100 * s->share);
      fig_canvas_set_color (c, c->style->model_colors[FIG_MODEL_STUDENT]);
      cairo_rectangle (c->cr, x0, y1, x1 - x0, y0 - y1);
      cairo_fill (c->cr);
      double cx = fig_panel_x (p, i);
      if (isfinite (s->share_lo) && isfinite (s->share_hi))
        {
          double a = fig_panel_y (p, 100 * s->share_lo), b = fig_panel_y (p, 100 * s->share_hi);
          fig_set_line (c, c->style->line_width * 0.8, FIG_DASH_SOLID);
          fig_canvas_set_color (c, c->style->text);
          fig_line (c, cx, a, cx, b);
          fig_line (c, cx - cap, a, cx + cap, a);
          fig_line (c, cx - cap, b, cx + cap, b);
        }
      /* Beside the bar, at its top: above it would run into the panel's title. */
      char buf[32];
      g_snprintf (buf, sizeof buf, "%.0f %%", 100 * s->share);
      fig_text_draw (c, FIG_FONT_TICK, c->style->text, buf, x1 + 0.5 * pad,
                     fmin (y1, y0 - 0.5 * pad), 0, 0.5);
    }
  double y = fig_snap (c, fig_panel_y (p, 50), fig_set_ref_line (c, FIG_DASH_DASHED));
  fig_line (c, p->area.x, y, p->area.x + p->area.w, y);
  fig_panel_draw_axes (p, c);
}

/* ---- layout --------------------------------------------------------------------------------- */

static bool
has_data (const FigAgreementData *d)
{
  if (!d || d->n_methods < 1 || d->n_methods > FIG_AGREEMENT_MAX_METHODS || !d->methods)
    return false;
  for (int i = 0; i < d->n_methods; i++)
    for (int k = 0; k < 2; k++)
      {
        const double *v = k ? d->methods[i].vs_baseline : d->methods[i].vs_student;
        for (int j = 0; v && j < d->methods[i].n; j++)
          if (isfinite (v[j]))
            return true;
      }
  return false;
}

static void
score_range (const FigAgreementData *d, const Summary *sum, double *lo, double *hi)
{
  *lo = INFINITY, *hi = -INFINITY;
  for (int i = 0; i < d->n_methods; i++)
    for (int k = 0; k < 2; k++)
      {
        double a = fmin (sum[i].vmin[k], sum[i].lo[k]), b = fmax (sum[i].vmax[k], sum[i].hi[k]);
        if (isfinite (a))
          *lo = fmin (*lo, a);
        if (isfinite (b))
          *hi = fmax (*hi, b);
      }
  if (!isfinite (*lo) || !isfinite (*hi))
    *lo = 0, *hi = 1;
  fig_range_pad (lo, hi, 0.05, false);
}

static void
build_legend (FigLegend *l, const FigStyle *style)
{
  FigSeriesLook mean = { style->text, FIG_DASH_SOLID, FIG_MARKER_NONE };
  fig_legend_init (l);
  fig_legend_add (l, fig_model_name (FIG_MODEL_STUDENT),
                  fig_style_model_look (style, FIG_MODEL_STUDENT), FIG_KEY_DOT, true);
  fig_legend_add (l, fig_model_name (FIG_MODEL_BASELINE),
                  fig_style_model_look (style, FIG_MODEL_BASELINE), FIG_KEY_DOT, true);
  /* Translators: the key of the line that marks the mean and its 95 % confidence interval */
  /* xgettext:no-c-format */
  fig_legend_add (l, FIG_ ("Mean, 95 % CI"), mean, FIG_KEY_LINE, false);
  /* Translators: the level a coin toss would reach */
  fig_legend_add (l, FIG_ ("Chance"), (FigSeriesLook){ style->accent, FIG_DASH_DASHED },
                  FIG_KEY_LINE, false);
}

void
fig_agreement_paint (
    cairo_t *cr, double width, double height, const FigAgreementData *data, const FigStyle *style)
{
  FigCanvas c;
  fig_canvas_begin (&c, cr, width, height, style);
  if (!has_data (data))
    {
      fig_draw_empty (&c, FIG_ ("No agreement scores to show"));
      fig_canvas_end (&c);
      return;
    }
  int n = data->n_methods;
  Summary sum[FIG_AGREEMENT_MAX_METHODS];
  const char *names[FIG_AGREEMENT_MAX_METHODS];
  for (int i = 0; i < n; i++)
    {
      summarise (&data->methods[i], &sum[i]);
      names[i] = data->methods[i].name ? data->methods[i].name : "";
    }
  /* The share sits under the distributions on the same methods axis, so each method's bar
   * lines up with its violins and the names are written once. */
  FigPanel dist = { 0 };
  /* Translators: a panel title: the share of samples whose teacher saliency map is closer to the
   * distilled student's map than to the baseline student's */
  FigPanel share = { .title = FIG_ ("Teacher's map closer to the distilled student's") };
  double lo, hi;
  score_range (data, sum, &lo, &hi);
  fig_axis_category (&dist.x, n, names, NULL);
  dist.x.hide_tick_labels = true;
  fig_axis_linear (&dist.y, lo, hi,
                   data->score_label ? data->score_label
                                     : FIG_ ("Agreement with the teacher's map"));
  fig_axis_category (&share.x, n, names, NULL);
  fig_axis_linear (&share.y, 0, 100, "%");
  share.cat_max_w_min = 11 * fig_text_line_height (&c, FIG_FONT_TICK);
  share.y.fixed_ticks = (const double[]){ 0, 50, 100 };
  share.y.n_fixed_ticks = 3;
  FigRect r = fig_figure_title (&c, fig_canvas_content (&c), data->title);
  FigLegend legend;
  build_legend (&legend, style);
  r = fig_legend_above (&legend, &c, r);
  double gap = fig_pt (&c, style->pad), h = r.h - gap;
  FigRect rects[2] = { { r.x, r.y, r.w, 0.64 * h }, { r.x, r.y + 0.64 * h + gap, r.w, 0.36 * h } };
  if (rects[1].h < 8 * fig_text_line_height (&c, FIG_FONT_TITLE))
    {
      /* No room for a title over a short panel: a terse axis title says it instead. */
      share.title = NULL;
      /* Translators: the short form of "Teacher's map closer to the distilled student's" */
      share.y.label = FIG_ ("Closer (%)");
    }
  fig_panels_layout ((FigPanel *[]){ &dist, &share }, rects, 2, &c);
  draw_distributions (&c, &dist, data, sum);
  draw_shares (&c, &share, data, sum);
  fig_canvas_end (&c);
}

static void
csv_summary (FigCsv *csv, const char *name, const char *what, double a, double b)
{
  fig_csv_text (csv, name);
  fig_csv_text (csv, what);
  fig_csv_number (csv, a);
  fig_csv_number (csv, b);
  fig_csv_end_row (csv);
}

void
fig_agreement_csv (const FigAgreementData *data, GString *out)
{
  static const char *const head[] = { "method", "sample", "vs_student", "vs_baseline" };
  FigCsv csv;
  fig_csv_init (&csv, out);
  for (int i = 0; i < 4; i++)
    fig_csv_text (&csv, head[i]);
  fig_csv_end_row (&csv);
  for (int i = 0; data && data->methods && i < data->n_methods && i < FIG_AGREEMENT_MAX_METHODS;
       i++)
    {
      const FigAgreementMethod *m = &data->methods[i];
      const char *name = m->name ? m->name : "";
      for (int j = 0; j < m->n; j++)
        {
          fig_csv_text (&csv, name);
          fig_csv_int (&csv, j);
          fig_csv_number (&csv, m->vs_student ? m->vs_student[j] : NAN);
          fig_csv_number (&csv, m->vs_baseline ? m->vs_baseline[j] : NAN);
          fig_csv_end_row (&csv);
        }
      Summary s;
      summarise (m, &s);
      csv_summary (&csv, name, "mean", s.mean[0], s.mean[1]);
      csv_summary (&csv, name, "ci95_lo", s.lo[0], s.lo[1]);
      csv_summary (&csv, name, "ci95_hi", s.hi[0], s.hi[1]);
      /* The share compares the two columns: it sits in the first. */
      csv_summary (&csv, name, "closer_share", s.share, NAN);
      csv_summary (&csv, name, "closer_ci95_lo", s.share_lo, NAN);
      csv_summary (&csv, name, "closer_ci95_hi", s.share_hi, NAN);
    }
}
