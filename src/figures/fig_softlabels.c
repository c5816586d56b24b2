/* fig_softlabels.c — grouped probability bars per class. */
#include "fig_softlabels.h"

#include <math.h>

#include "fig_csv.h"
#include "fig_i18n.h"
#include "fig_names.h"
#include "fig_series.h"

#define GROUP_WIDTH 0.8 /* of a class's slot; the rest separates the groups */

static int
present_models (const FigSoftLabelsData *d, int models[FIG_N_MODEL_LOOKS])
{
  int n = 0;
  for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
    if (d->probs[m])
      models[n++] = m;
  return n;
}

static void
setup_y (const FigSoftLabelsData *d, const int *models, int nm, FigAxis *y, char *label, size_t len)
{
  double lo = 1, hi = 0;
  for (int k = 0; k < nm; k++)
    for (int i = 0; i < d->n_classes; i++)
      {
        double p = d->probs[models[k]][i];
        if (isfinite (p) && p > 0)
          lo = fmin (lo, p), hi = fmax (hi, p);
      }
  if (!(hi > 0))
    lo = 0.01, hi = 1;
  if (isfinite (d->temperature))
    g_snprintf (label, len, FIG_ ("Probability at T = %g"), d->temperature);
  else
    g_snprintf (label, len, "%s", FIG_ ("Probability"));
  if (d->log_scale)
    fig_axis_log (y, fmax (lo, 1e-7) / 1.6, fmin (hi * 1.6, 1.6), label);
  else
    fig_axis_linear (y, 0, fmin (hi, 1) * 1.06, label);
}

static void
bar_rect (const FigPanel *p,
          int cls,
          int k,
          int nm,
          double v,
          double *x0,
          double *x1,
          double *y0,
          double *y1)
{
  double slot = GROUP_WIDTH / nm;
  double a = cls - GROUP_WIDTH / 2 + k * slot;
  /* Whole-pixel edges: neighbouring bars then meet without an antialiased seam. */
  *x0 = round (fig_panel_x (p, a + 0.03 * slot));
  *x1 = round (fig_panel_x (p, a + 0.97 * slot));
  *y0 = round (p->area.y + p->area.h);
  *y1 = fig_panel_y (p, v);
  if (!isfinite (*y1) || *y1 > *y0)
    *y1 = *y0;
}

typedef struct
{
  const FigSoftLabelsData *d;
  int models[FIG_N_MODEL_LOOKS];
  int nm;
} Bars;

static void
occupy_bars (FigCanvas *c, const FigPanel *p, FigOccupancy *occ, const void *user)
{
  const Bars *b = user;
  for (int k = 0; k < b->nm; k++)
    for (int i = 0; i < b->d->n_classes; i++)
      {
        double x0, x1, y0, y1;
        bar_rect (p, i, k, b->nm, b->d->probs[b->models[k]][i], &x0, &x1, &y0, &y1);
        fig_occ_mark_rect (occ, x0, y1, x1, y0);
      }
}

static void
draw_bars (FigCanvas *c, FigPanel *p, const FigSoftLabelsData *d, const int *models, int nm)
{
  if (d->true_class >= 0 && d->true_class < d->n_classes)
    {
      FigRGBA band = c->style->grid;
      band.a = 0.55;
      fig_canvas_set_color (c, band);
      double x0 = fig_panel_x (p, d->true_class - 0.5), x1 = fig_panel_x (p, d->true_class + 0.5);
      cairo_rectangle (c->cr, round (x0), p->area.y, round (x1) - round (x0), p->area.h);
      cairo_fill (c->cr);
    }
  fig_panel_draw_grid (p, c);
  for (int k = 0; k < nm; k++)
    {
      fig_canvas_set_color (c, fig_style_model_look (c->style, models[k]).color);
      for (int i = 0; i < d->n_classes; i++)
        {
          double x0, x1, y0, y1;
          bar_rect (p, i, k, nm, d->probs[models[k]][i], &x0, &x1, &y0, &y1);
          cairo_rectangle (c->cr, x0, y1, x1 - x0, y0 - y1);
        }
      cairo_fill (c->cr);
    }
}

static void
build_legend (
    FigLegend *l, const FigSoftLabelsData *d, const int *models, int nm, const FigStyle *s)
{
  fig_legend_init (l);
  for (int k = 0; k < nm; k++)
    {
      int m = models[k];
      char label[FIG_LEGEND_LABEL_MAX];
      if (isfinite (d->entropy[m]))
        /* Translators: a model's name and the entropy of its output in nats */
        g_snprintf (label, sizeof label, FIG_ ("%s   H = %.2f nats"), fig_model_name (m),
                    d->entropy[m]);
      else
        g_snprintf (label, sizeof label, "%s", fig_model_name (m));
      fig_legend_add (l, label, fig_style_model_look (s, m), FIG_KEY_BOX, false);
    }
}

void
fig_softlabels_paint (
    cairo_t *cr, double width, double height, const FigSoftLabelsData *data, const FigStyle *style)
{
  FigCanvas c;
  fig_canvas_begin (&c, cr, width, height, style);
  Bars b = { data };
  if (!data || data->n_classes < 1 || (b.nm = present_models (data, b.models)) == 0)
    {
      fig_draw_empty (&c, FIG_ ("No soft labels to show"));
      fig_canvas_end (&c);
      return;
    }
  const char **names = fig_names_dup (data->class_names, data->n_classes);
  char ylabel[64];
  FigPanel p = { 0 };
  fig_axis_category (&p.x, data->n_classes, names, NULL);
  p.x.highlight = data->true_class;
  setup_y (data, b.models, b.nm, &p.y, ylabel, sizeof ylabel);
  FigLegend legend;
  build_legend (&legend, data, b.models, b.nm, style);
  FigRect r = fig_figure_title (&c, fig_canvas_content (&c), data->title);
  FigLegendSpot spot;
  fig_layout_with_legend (&c, &p, r, &legend, occupy_bars, &b, &spot);
  draw_bars (&c, &p, data, b.models, b.nm);
  fig_panel_draw_axes (&p, &c);
  fig_legend_draw_at (&legend, &c, &spot);
  fig_names_free (names, data->n_classes);
  fig_canvas_end (&c);
}

void
fig_softlabels_csv (const FigSoftLabelsData *data, GString *out)
{
  FigCsv csv;
  fig_csv_init (&csv, out);
  if (!data)
    return;
  static const char *const cols[FIG_N_MODEL_LOOKS] = { "teacher", "student", "baseline" };
  fig_csv_text (&csv, "class");
  for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
    if (data->probs[m])
      fig_csv_text (&csv, cols[m]);
  fig_csv_end_row (&csv);
  for (int i = 0; i < data->n_classes; i++)
    {
      if (data->class_names && data->class_names[i])
        fig_csv_text (&csv, data->class_names[i]);
      else
        fig_csv_int (&csv, i);
      for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
        if (data->probs[m])
          fig_csv_number (&csv, data->probs[m][i]);
      fig_csv_end_row (&csv);
    }
  fig_csv_text (&csv, "entropy_nats");
  for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
    if (data->probs[m])
      fig_csv_number (&csv, data->entropy[m]);
  fig_csv_end_row (&csv);
}
