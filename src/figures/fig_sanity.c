/* fig_sanity.c — cascading model randomisation: rank correlation with the original map. */
#include "fig_sanity.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fig_csv.h"
#include "fig_i18n.h"
#include "fig_names.h"
#include "fig_series.h"

typedef struct
{
  const FigSanityData *d;
  int method[FIG_SANITY_MAX_LINES]; /* each line's method, by first appearance */
  int n_methods;
  bool models; /* lines name their model: dashes tell the models apart */
  double *x;   /* (n_stages) 0, 1, ... */
} Plot;

static bool
has_data (const FigSanityData *d)
{
  if (!d || d->n_stages < 1 || d->n_lines < 1 || d->n_lines > FIG_SANITY_MAX_LINES || !d->lines)
    return false;
  for (int l = 0; l < d->n_lines; l++)
    for (int s = 0; d->lines[l].rho && s < d->n_stages; s++)
      if (isfinite (d->lines[l].rho[s]))
        return true;
  return false;
}

static void
plot_init (Plot *p, const FigSanityData *d)
{
  memset (p, 0, sizeof *p);
  p->d = d;
  for (int l = 0; l < d->n_lines; l++)
    {
      const char *name = d->lines[l].method ? d->lines[l].method : "";
      int k = 0;
      while (k < l && strcmp (name, d->lines[k].method ? d->lines[k].method : "") != 0)
        k++;
      p->method[l] = k < l ? p->method[k] : p->n_methods++;
      p->models |= d->lines[l].model >= 0 && d->lines[l].model < FIG_N_MODEL_LOOKS;
    }
  p->x = g_new (double, d->n_stages);
  for (int s = 0; s < d->n_stages; s++)
    p->x[s] = s;
}

/* A method's look: the categorical palette in an order that keeps the first four far apart
 * and puts the weakest colours last (pale sand and sky blue on white paper; on dark, the light
 * scheme's second blue); the dash is the model's. */
static FigSeriesLook
line_look (const Plot *p, const FigStyle *style, int l)
{
  static const int light[FIG_N_CLASS_COLORS] = { 0, 1, 2, 5, 6, 7, 8, 3, 4, 9 };
  static const int dark[FIG_N_CLASS_COLORS] = { 0, 1, 2, 4, 6, 3, 7, 9, 5, 8 };
  const int *order = style->theme == FIG_THEME_DARK ? dark : light;
  static const FigMarker markers[] = { FIG_MARKER_CIRCLE, FIG_MARKER_SQUARE, FIG_MARKER_TRIANGLE,
                                       FIG_MARKER_DIAMOND, FIG_MARKER_TRIANGLE_DOWN };
  int m = p->method[l], model = p->d->lines[l].model;
  FigSeriesLook look
      = { style->class_colors[order[m % FIG_N_CLASS_COLORS]], FIG_DASH_SOLID, markers[m % 5] };
  if (model >= 0 && model < FIG_N_MODEL_LOOKS)
    look.dash = fig_style_model_look (style, model).dash;
  return look;
}

static void
y_range (const FigSanityData *d, double *lo, double *hi)
{
  *lo = -0.2, *hi = 1.0;
  for (int l = 0; l < d->n_lines; l++)
    {
      double a, b;
      if (d->lines[l].rho
          && fig_data_range (d->lines[l].rho, d->lines[l].err, d->n_stages, false, &a, &b))
        *lo = fmin (*lo, a), *hi = fmax (*hi, b);
    }
}

static void
draw_band (FigCanvas *c,
           const FigPanel *p,
           const double *x,
           const FigSanityLine *line,
           int n,
           FigRGBA color)
{
  cairo_t *cr = c->cr;
  color.a = 0.14;
  fig_canvas_set_color (c, color);
  /* Runs of consecutive finite points, each its own polygon. */
  for (int s = 0; s < n;)
    {
      int e = s;
      while (e < n && isfinite (line->rho[e]) && isfinite (line->err[e]))
        e++;
      if (e - s >= 2)
        {
          for (int i = s; i < e; i++)
            cairo_line_to (cr, fig_panel_x (p, x[i]), fig_panel_y (p, line->rho[i] + line->err[i]));
          for (int i = e - 1; i >= s; i--)
            cairo_line_to (cr, fig_panel_x (p, x[i]), fig_panel_y (p, line->rho[i] - line->err[i]));
          cairo_close_path (cr);
          cairo_fill (cr);
        }
      s = e > s ? e : s + 1;
    }
}

static void
occupy (FigCanvas *c, const FigPanel *p, FigOccupancy *occ, const void *user)
{
  const Plot *pl = user;
  double y = fig_panel_y (p, 0);
  fig_occ_mark_rect (occ, p->area.x, y - 1, p->area.x + p->area.w, y + 1);
  for (int l = 0; l < pl->d->n_lines; l++)
    if (pl->d->lines[l].rho)
      fig_series_occupy (c, p, pl->x, pl->d->lines[l].rho, pl->d->lines[l].err, pl->d->n_stages, 0,
                         occ);
}

static void
draw (FigCanvas *c, FigPanel *p, const Plot *pl)
{
  const FigSanityData *d = pl->d;
  fig_panel_draw_grid (p, c);
  double y = fig_snap (c, fig_panel_y (p, 0), fig_set_ref_line (c, FIG_DASH_DASHED));
  fig_line (c, p->area.x, y, p->area.x + p->area.w, y);
  fig_panel_clip (p, c, c->style->marker_size);
  for (int l = 0; l < d->n_lines; l++)
    if (d->lines[l].rho && d->lines[l].err)
      draw_band (c, p, pl->x, &d->lines[l], d->n_stages, line_look (pl, c->style, l).color);
  for (int l = 0; l < d->n_lines; l++)
    {
      if (!d->lines[l].rho)
        continue;
      FigSeriesOpts opts = { .line = true, .markers = d->n_stages <= 40 };
      fig_series_draw (c, p, pl->x, d->lines[l].rho, d->n_stages, line_look (pl, c->style, l),
                       &opts);
    }
  cairo_restore (c->cr);
  fig_panel_draw_axes (p, c);
}

static void
build_legend (FigLegend *l, const Plot *pl, const FigStyle *style)
{
  fig_legend_init (l);
  for (int i = 0; i < pl->d->n_lines; i++)
    {
      const FigSanityLine *line = &pl->d->lines[i];
      bool first = true;
      for (int k = 0; k < i && first; k++)
        first = pl->method[k] != pl->method[i];
      if (!first)
        continue;
      FigSeriesLook look = line_look (pl, style, i);
      look.dash = FIG_DASH_SOLID;
      fig_legend_add (l, line->method, look, FIG_KEY_LINE, true);
    }
  for (int m = 0; pl->models && m < FIG_N_MODEL_LOOKS; m++)
    for (int i = 0; i < pl->d->n_lines; i++)
      if (pl->d->lines[i].model == m)
        {
          FigSeriesLook look = { style->text_muted, fig_style_model_look (style, m).dash };
          fig_legend_add (l, fig_model_name (m), look, FIG_KEY_LINE, false);
          break;
        }
}

/* Inside the plot where it hides nothing, else to its right, else above it. Never by raising
 * the y axis, as other plots may: the fixed axis is what shows a failing method up. */
static FigLegendSpot
place_legend (FigCanvas *c, FigPanel *p, FigRect r, FigLegend *l, const Plot *pl)
{
  FigLegendSpot spot = { 0 };
  double pad = fig_pt (c, c->style->pad);
  fig_legend_measure (l, c, 1);
  fig_panel_layout (p, c, r);
  FigOccupancy *occ = g_new (FigOccupancy, 1);
  fig_occ_init (occ, p->area);
  occupy (c, p, occ, pl);
  spot.inside = fig_legend_place_inside (l, c, occ, 0, &spot.x, &spot.y);
  g_free (occ);
  if (spot.inside)
    return spot;
  if (l->w < 0.3 * r.w)
    {
      fig_panel_layout (p, c, (FigRect){ r.x, r.y, r.w - l->w - pad, r.h });
      spot.x = r.x + r.w - l->w;
      spot.y = p->area.y;
      return spot;
    }
  fig_legend_fit (l, c, r.w);
  spot.x = r.x + (r.w - l->w) / 2;
  spot.y = r.y;
  fig_panel_layout (p, c, (FigRect){ r.x, r.y + l->h, r.w, fmax (r.h - l->h, 1) });
  return spot;
}

void
fig_sanity_paint (
    cairo_t *cr, double width, double height, const FigSanityData *data, const FigStyle *style)
{
  FigCanvas c;
  fig_canvas_begin (&c, cr, width, height, style);
  if (!has_data (data))
    {
      fig_draw_empty (&c, FIG_ ("No sanity check to show"));
      fig_canvas_end (&c);
      return;
    }
  Plot pl;
  plot_init (&pl, data);
  const char **stages = fig_names_dup (data->stages, data->n_stages);
  FigPanel p = { 0 };
  double lo, hi;
  y_range (data, &lo, &hi);
  /* Translators: the x axis: how many layers, counted from the output, have had their weights
   * replaced by random ones */
  fig_axis_category (&p.x, data->n_stages, stages,
                     FIG_ ("Layers randomised, from the output down"));
  fig_axis_linear (&p.y, lo, hi,
                   data->y_label ? data->y_label : FIG_ ("Spearman ρ with original map"));
  FigRect r = fig_figure_title (&c, fig_canvas_content (&c), data->title);
  FigLegend legend;
  build_legend (&legend, &pl, style);
  FigLegendSpot spot = place_legend (&c, &p, r, &legend, &pl);
  draw (&c, &p, &pl);
  fig_legend_draw_at (&legend, &c, &spot);
  fig_names_free (stages, data->n_stages);
  g_free (pl.x);
  fig_canvas_end (&c);
}

void
fig_sanity_csv (const FigSanityData *data, GString *out)
{
  static const char *const models[FIG_N_MODEL_LOOKS] = { "teacher", "student", "baseline" };
  static const char *const head[] = { "method", "model", "stage", "rho", "err" };
  FigCsv csv;
  fig_csv_init (&csv, out);
  for (int i = 0; i < 5; i++)
    fig_csv_text (&csv, head[i]);
  fig_csv_end_row (&csv);
  if (!data || !data->lines || data->n_stages < 1)
    return;
  const char **stages = fig_names_dup (data->stages, data->n_stages);
  for (int l = 0; l < data->n_lines && l < FIG_SANITY_MAX_LINES; l++)
    {
      const FigSanityLine *line = &data->lines[l];
      for (int s = 0; line->rho && s < data->n_stages; s++)
        {
          int m = line->model;
          fig_csv_text (&csv, line->method ? line->method : "");
          fig_csv_text (&csv, m >= 0 && m < FIG_N_MODEL_LOOKS ? models[m] : "");
          fig_csv_text (&csv, stages[s]);
          fig_csv_number (&csv, line->rho[s]);
          fig_csv_number (&csv, line->err ? line->err[s] : NAN);
          fig_csv_end_row (&csv);
        }
    }
  fig_names_free (stages, data->n_stages);
}
