/* fig_pca.c — PCA scatter plots, one panel per model. */
#include "fig_pca.h"

#include <math.h>
#include <stdlib.h>

#include "fig_csv.h"
#include "fig_i18n.h"
#include "fig_names.h"
#include "fig_raster.h"
#include "fig_series.h"

typedef struct
{
  const FigPcaPanel *src;
  FigPanel panel;
  char title[96], x_label[48], y_label[48];
} Panel;

static int
dims_of (const FigPcaPanel *p)
{
  return p->dims >= 2 ? p->dims : 2;
}

static bool
panel_range (const FigPcaPanel *p, int axis, double *lo, double *hi)
{
  bool any = false;
  for (int i = 0; p->coords && i < p->n; i++)
    {
      double v = p->coords[(size_t)i * dims_of (p) + axis];
      if (!isfinite (v))
        continue;
      *lo = any ? fmin (*lo, v) : v;
      *hi = any ? fmax (*hi, v) : v;
      any = true;
    }
  return any;
}

static bool
has_data (const FigPcaData *d)
{
  if (!d || d->n_panels < 1 || d->n_panels > FIG_PCA_MAX_PANELS)
    return false;
  for (int i = 0; i < d->n_panels; i++)
    {
      double lo, hi;
      if (panel_range (&d->panels[i], 0, &lo, &hi))
        return true;
    }
  return false;
}

/* Terser at each level: "PC1 (31.2 %)", "PC1 (31 %)", "PC1". */
static void
axis_label (char *buf, size_t len, int pc, double ratio, int level)
{
  if (isfinite (ratio) && level < 2)
    g_snprintf (buf, len, "PC%d (%.*f %%)", pc, level ? 0 : 1, 100 * ratio);
  else
    g_snprintf (buf, len, "PC%d", pc);
}

/* "Distilled student · fc1", "Distilled student", "Distilled". */
static void
panel_title (char *buf, size_t len, const FigPcaPanel *src, int level)
{
  bool model = src->model >= 0 && src->model < FIG_N_MODEL_LOOKS;
  const char *name = src->name    ? src->name
                     : !model     ? ""
                     : level >= 2 ? fig_model_short_name (src->model)
                                  : fig_model_name (src->model);
  bool layer = src->layer && level == 0;
  g_snprintf (buf, len, "%s%s%s", name, layer ? " · " : "", layer ? src->layer : "");
}

static void
setup_labels (Panel *p, int title_level, int axis_level)
{
  panel_title (p->title, sizeof p->title, p->src, title_level);
  axis_label (p->x_label, sizeof p->x_label, 1, p->src->ratio[0], axis_level);
  axis_label (p->y_label, sizeof p->y_label, 2, p->src->ratio[1], axis_level);
}

/* Whether the panel's title (bit 0) and axis titles (bit 1) are too long as laid out. */
static int
labels_overflow (FigCanvas *c, const Panel *p)
{
  double tw, xw, yw;
  fig_text_size (c, FIG_FONT_TITLE, p->title, &tw, NULL);
  fig_text_size (c, FIG_FONT_LABEL, p->x_label, &xw, NULL);
  fig_text_size (c, FIG_FONT_LABEL, p->y_label, &yw, NULL);
  /* The title is centred over the plot area and must stay inside the panel's share. */
  const FigRect *a = &p->panel.area, *o = &p->panel.outer;
  double cx = a->x + a->w / 2, room = 2 * fmin (cx - o->x, o->x + o->w - cx);
  return (tw > room ? 1 : 0) | (xw > a->w || yw > a->h ? 2 : 0);
}

static void
setup_panel (Panel *p, const FigPcaPanel *src)
{
  *p = (Panel){ .src = src };
  setup_labels (p, 0, 0);
  double x0 = -1, x1 = 1, y0 = -1, y1 = 1;
  panel_range (src, 0, &x0, &x1);
  panel_range (src, 1, &y0, &y1);
  fig_range_pad (&x0, &x1, 0.05, false);
  fig_range_pad (&y0, &y1, 0.05, false);
  p->panel.title = p->title[0] ? p->title : NULL;
  fig_axis_linear (&p->panel.x, x0, x1, p->x_label);
  fig_axis_linear (&p->panel.y, y0, y1, p->y_label);
}

/* Dots shrink and fade as they multiply, so that dense clouds keep their structure: 5 pt and
 * nearly opaque for 100 points, 2.6 pt at 60 % for 5 000. */
static void
dot_look (FigCanvas *c, int n, double *diameter, double *alpha)
{
  double t = fmin (fmax ((log10 (fmax (n, 1)) - 2) / 1.7, 0), 1);
  *diameter = fig_pt (c, c->style->marker_size * (1 - 0.48 * t));
  *alpha = 0.9 - 0.3 * t;
}

static void
draw_points (FigCanvas *c, const Panel *p, const FigPcaData *d, const FigRGBA *palette, int k)
{
  const FigPcaPanel *src = p->src;
  const uint8_t *labels = src->labels ? src->labels : d->labels;
  double *x = malloc (2 * (size_t)(src->n > 0 ? src->n : 1) * sizeof *x), *y = x + src->n;
  if (!x)
    return;
  for (int i = 0; src->coords && i < src->n; i++)
    {
      x[i] = fig_panel_x (&p->panel, src->coords[(size_t)i * dims_of (src)]);
      y[i] = fig_panel_y (&p->panel, src->coords[(size_t)i * dims_of (src) + 1]);
    }
  double diameter, alpha;
  dot_look (c, src->n, &diameter, &alpha);
  FigRGBA colors[256];
  for (int i = 0; i < k; i++)
    colors[i] = palette[i], colors[i].a = alpha;
  FigDots dots = { p->panel.area, diameter, colors, k };
  fig_dots_draw (c, x, y, labels, src->coords ? src->n : 0, &dots);
  free (x);
}

/* The class colours into palette (k) and, when the classes are known, a dot per class into
 * the legend. */
static void
build_legend (FigLegend *l, FigRGBA *palette, int k, const FigPcaData *d, const FigStyle *style)
{
  const char **names = fig_names_dup (d->class_names, k);
  fig_legend_init (l);
  for (int i = 0; i < k; i++)
    {
      FigSeriesLook look = fig_style_class_look (style, i);
      palette[i] = look.color;
      look.marker = FIG_MARKER_CIRCLE;
      if (d->n_classes > 0)
        fig_legend_add (l, names[i], look, FIG_KEY_DOT, true);
    }
  fig_names_free (names, k);
}

/* Side by side in r, with shorter titles rather than cut-off ones when the panels are narrow
 * for their type. */
static void
layout (FigCanvas *c, Panel *panels, int n, FigRect r)
{
  FigPanel *ptrs[FIG_PCA_MAX_PANELS];
  FigRect rects[FIG_PCA_MAX_PANELS];
  double gap = 3 * fig_pt (c, c->style->pad), w = (r.w - (n - 1) * gap) / n;
  for (int i = 0; i < n; i++)
    ptrs[i] = &panels[i].panel, rects[i] = (FigRect){ r.x + i * (w + gap), r.y, w, r.h };
  for (int title_level = 0, axis_level = 0;;)
    {
      fig_panels_layout (ptrs, rects, n, c);
      int over = 0;
      for (int i = 0; i < n; i++)
        over |= labels_overflow (c, &panels[i]);
      if ((over & 1) && title_level < 2)
        title_level++;
      else if ((over & 2) && axis_level < 2)
        axis_level++;
      else
        break;
      for (int i = 0; i < n; i++)
        setup_labels (&panels[i], title_level, axis_level);
    }
}

void
fig_pca_paint (
    cairo_t *cr, double width, double height, const FigPcaData *data, const FigStyle *style)
{
  FigCanvas c;
  fig_canvas_begin (&c, cr, width, height, style);
  if (!has_data (data))
    {
      fig_draw_empty (&c, FIG_ ("No projection to show"));
      fig_canvas_end (&c);
      return;
    }
  int n = data->n_panels;
  int k = data->n_classes < 1 ? 1 : data->n_classes > 256 ? 256 : data->n_classes;
  FigRGBA palette[256];
  FigLegend legend;
  build_legend (&legend, palette, k, data, style);
  FigRect r = fig_figure_title (&c, fig_canvas_content (&c), data->title);
  r = fig_legend_above (&legend, &c, r);
  Panel panels[FIG_PCA_MAX_PANELS];
  for (int i = 0; i < n; i++)
    setup_panel (&panels[i], &data->panels[i]);
  layout (&c, panels, n, r);
  for (int i = 0; i < n; i++)
    {
      fig_panel_draw_grid (&panels[i].panel, &c);
      draw_points (&c, &panels[i], data, palette, k);
      fig_panel_draw_axes (&panels[i].panel, &c);
    }
  fig_canvas_end (&c);
}

void
fig_pca_csv (const FigPcaData *data, GString *out)
{
  static const char *const head[] = { "panel", "point", "class", "pc1", "pc2" };
  FigCsv csv;
  fig_csv_init (&csv, out);
  for (int i = 0; i < 5; i++)
    fig_csv_text (&csv, head[i]);
  fig_csv_end_row (&csv);
  if (!data)
    return;
  int k = data->n_classes > 0 ? data->n_classes : 0;
  const char **names = fig_names_dup (data->class_names, k);
  for (int p = 0; p < data->n_panels && p < FIG_PCA_MAX_PANELS; p++)
    {
      const FigPcaPanel *src = &data->panels[p];
      const uint8_t *labels = src->labels ? src->labels : data->labels;
      const char *name = src->name ? src->name : src->model >= 0 ? fig_model_name (src->model) : "";
      for (int i = 0; src->coords && i < src->n; i++)
        {
          fig_csv_text (&csv, name);
          fig_csv_int (&csv, i);
          if (labels && labels[i] < k)
            fig_csv_text (&csv, names[labels[i]]);
          else if (labels)
            fig_csv_int (&csv, labels[i]);
          else
            fig_csv_text (&csv, "");
          fig_csv_number (&csv, src->coords[(size_t)i * dims_of (src)]);
          fig_csv_number (&csv, src->coords[(size_t)i * dims_of (src) + 1]);
          fig_csv_end_row (&csv);
        }
    }
  fig_names_free (names, k);
}
