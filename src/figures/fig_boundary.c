/* fig_boundary.c — decision regions, training points and gradient arrows on 2-D data. */
#include "fig_boundary.h"

#include <math.h>
#include <stdlib.h>

#include "fig_csv.h"
#include "fig_i18n.h"
#include "fig_names.h"
#include "fig_raster.h"
#include "fig_series.h"

#define REGION_MIN 0.12 /* colour strength of a cell at chance confidence */
#define REGION_MAX 0.72 /* ... and at certainty: points in full colour stay visible on top */

typedef struct
{
  const FigBoundaryPanel *src;
  FigPanel panel;
  char title[64];
} Panel;

static bool
has_data (const FigBoundaryData *d)
{
  if (!d || d->n_panels < 1 || d->n_panels > FIG_BOUNDARY_MAX_PANELS || d->res < 1
      || d->n_classes < 1 || !(d->xmax > d->xmin) || !(d->ymax > d->ymin))
    return false;
  for (int i = 0; i < d->n_panels; i++)
    if (d->panels[i].probs)
      return true;
  return false;
}

static FigRGBA
class_color (const FigStyle *style, int k)
{
  return fig_style_class_look (style, k).color;
}

/* The top class of a cell and how sure the model is, 0 at chance (1/K) and 1 at certainty. */
static int
top_class (const float *p, int k, double *confidence)
{
  int best = 0;
  for (int i = 1; i < k; i++)
    if (p[i] > p[best])
      best = i;
  double chance = 1.0 / k;
  *confidence = k > 1 ? (p[best] - chance) / (1 - chance) : 1;
  return best;
}

static cairo_surface_t *
region_image (const FigBoundaryData *d, const float *probs, const FigStyle *style)
{
  uint32_t *px;
  int stride, res = d->res, k = d->n_classes;
  cairo_surface_t *img = fig_raster_new (res, res, &px, &stride);
  FigRGBA bg = style->background.a > 0 ? style->background : (FigRGBA){ 1, 1, 1, 1 };
  for (int j = 0; j < res; j++)
    for (int i = 0; i < res; i++)
      {
        const float *p = probs + ((size_t)j * res + i) * k;
        double conf;
        int top = top_class (p, k, &conf);
        double t = isfinite (conf)
                       ? REGION_MIN + (REGION_MAX - REGION_MIN) * fmin (fmax (conf, 0), 1)
                       : 0;
        FigRGBA col = class_color (style, top);
        /* Opaque, so not premultiplied: the channels mix directly. */
        uint32_t r = (uint32_t)(255.0 * (bg.r + (col.r - bg.r) * t) + 0.5);
        uint32_t g = (uint32_t)(255.0 * (bg.g + (col.g - bg.g) * t) + 0.5);
        uint32_t b = (uint32_t)(255.0 * (bg.b + (col.b - bg.b) * t) + 0.5);
        /* Row 0 is ymin, the bottom of the picture. */
        px[(size_t)(res - 1 - j) * stride + i] = 0xffu << 24 | r << 16 | g << 8 | b;
      }
  cairo_surface_mark_dirty (img);
  return img;
}

static void
draw_points (FigCanvas *c, const Panel *p, const FigBoundaryData *d)
{
  if (!d->points || d->n_points < 1)
    return;
  double *x = malloc (2 * (size_t)d->n_points * sizeof *x), *y = x + d->n_points;
  if (!x)
    return;
  for (int i = 0; i < d->n_points; i++)
    {
      x[i] = fig_panel_x (&p->panel, d->points[2 * i]);
      y[i] = fig_panel_y (&p->panel, d->points[2 * i + 1]);
    }
  FigRGBA palette[256];
  int k = d->n_classes > 256 ? 256 : d->n_classes;
  for (int i = 0; i < k; i++)
    palette[i] = class_color (c->style, i);
  double t = fmin (fmax ((log10 (d->n_points) - 2) / 1.5, 0), 1);
  FigRGBA edge = c->style->text;
  edge.a = 0.85;
  /* Dots in proportion to the panel too, so that a small panel is not paved with them. */
  double size = fig_pt (c, c->style->marker_size * (1.1 - 0.4 * t));
  size = fmax (fmin (size, 0.04 * fmin (p->panel.area.w, p->panel.area.h)), fig_pt (c, 2.5));
  FigDots dots = { p->panel.area, size, palette, k, edge, fig_pt (c, 0.55) };
  fig_dots_draw (c, x, y, d->labels, d->n_points, &dots);
  free (x);
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The magnitude below which 95 % of the field's n arrows fall, so that one spike does not
 * shrink all the others to dots; 0 for none. */
static double
field_scale (const float *f, int n)
{
  double *mag = malloc ((size_t)n * sizeof *mag), top = 0;
  int m = 0;
  for (int i = 0; mag && i < n; i++)
    if (isfinite (f[2 * i]) && isfinite (f[2 * i + 1]))
      mag[m++] = hypot (f[2 * i], f[2 * i + 1]);
  if (m > 0)
    {
      qsort (mag, m, sizeof *mag, compare_doubles);
      top = mag[(int)floor (0.95 * (m - 1))];
    }
  free (mag);
  return top;
}

/* An arrow from (x0, y0) along the unit vector (ux, uy) for length l, as one closed outline
 * (shaft and head) to be filled: filling hundreds of them is several times faster than
 * stroking, and the solid heads read as in a quiver plot. */
static void
arrow_path (
    cairo_t *cr, double x0, double y0, double ux, double uy, double l, double shaft, double head)
{
  double nx = -uy, ny = ux, hl = fmin (0.4 * l, head), hw = 0.45 * hl, sw = shaft / 2;
  double bx = x0 + ux * (l - hl), by = y0 + uy * (l - hl);
  cairo_move_to (cr, x0 + nx * sw, y0 + ny * sw);
  cairo_line_to (cr, bx + nx * sw, by + ny * sw);
  cairo_line_to (cr, bx + nx * hw, by + ny * hw);
  cairo_line_to (cr, x0 + ux * l, y0 + uy * l);
  cairo_line_to (cr, bx - nx * hw, by - ny * hw);
  cairo_line_to (cr, bx - nx * sw, by - ny * sw);
  cairo_line_to (cr, x0 - nx * sw, y0 - ny * sw);
  cairo_close_path (cr);
}

static void
draw_field (FigCanvas *c, const Panel *p, const FigBoundaryData *d, const float *f)
{
  int r = d->field_res;
  if (!f || r < 1)
    return;
  double top = field_scale (f, r * r);
  if (!(top > 0))
    return;
  double spacing = fmin (p->panel.area.w, p->panel.area.h) / r, full = 0.85 * spacing;
  double sx = p->panel.area.w / (d->xmax - d->xmin), sy = p->panel.area.h / (d->ymax - d->ymin);
  double shaft = fig_pt (c, 0.6), head = fig_pt (c, 3.2);
  cairo_t *cr = c->cr;
  cairo_new_path (cr);
  for (int j = 0; j < r; j++)
    for (int i = 0; i < r; i++)
      {
        const float *g = f + ((size_t)j * r + i) * 2;
        /* Pixels per unit differ only when the axes are not equal; y points up. */
        double gx = g[0] * sx, gy = -g[1] * sy, len = hypot (g[0], g[1]), n = hypot (gx, gy);
        if (!isfinite (len) || len <= 0 || !(n > 0))
          continue;
        double l = full * fmin (len / top, 1);
        if (l < fig_pt (c, 1))
          continue;
        double cx = fig_panel_x (&p->panel, d->xmin + (i + 0.5) * (d->xmax - d->xmin) / r);
        double cy = fig_panel_y (&p->panel, d->ymin + (j + 0.5) * (d->ymax - d->ymin) / r);
        arrow_path (cr, cx - gx / n * l / 2, cy - gy / n * l / 2, gx / n, gy / n, l, shaft, head);
      }
  FigRGBA col = c->style->text;
  col.a = 0.5;
  fig_canvas_set_color (c, col);
  cairo_save (cr);
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_FAST);
  cairo_fill (cr);
  cairo_restore (cr);
}

static void
setup_panel (
    Panel *p, const FigBoundaryPanel *src, const FigBoundaryData *d, bool first, bool short_name)
{
  bool model = src->model >= 0 && src->model < FIG_N_MODEL_LOOKS;
  *p = (Panel){ .src = src };
  g_snprintf (p->title, sizeof p->title, "%s",
              src->name    ? src->name
              : !model     ? ""
              : short_name ? fig_model_short_name (src->model)
                           : fig_model_name (src->model));
  p->panel.title = p->title[0] ? p->title : NULL;
  fig_axis_linear (&p->panel.x, d->xmin, d->xmax, d->x_label ? d->x_label : "x₁");
  fig_axis_linear (&p->panel.y, d->ymin, d->ymax, first ? (d->y_label ? d->y_label : "x₂") : NULL);
  p->panel.x.grid = p->panel.y.grid = false; /* the regions fill the plot */
}

/* Lays the panels out side by side with one scale for x and y: each outer rect is narrowed
 * and shortened until its plot area has the data's aspect, and the row is centred. */
static void
layout (FigCanvas *c, Panel *panels, int n, FigRect r, const FigBoundaryData *d)
{
  double gap = 3 * fig_pt (c, c->style->pad), w = (r.w - (n - 1) * gap) / n;
  FigPanel *ptrs[FIG_BOUNDARY_MAX_PANELS];
  FigRect rects[FIG_BOUNDARY_MAX_PANELS];
  for (int i = 0; i < n; i++)
    ptrs[i] = &panels[i].panel, rects[i] = (FigRect){ r.x + i * (w + gap), r.y, w, r.h };
  fig_panels_layout (ptrs, rects, n, c);
  double xr = d->xmax - d->xmin, yr = d->ymax - d->ymin;
  /* Margins follow the ticks, which follow the area: a second round settles them. */
  for (int pass = 0; pass < 2; pass++)
    {
      double scale = INFINITY, total = -gap, off = 0;
      for (int i = 0; i < n; i++)
        scale = fmin (scale, fmin (panels[i].panel.area.w / xr, panels[i].panel.area.h / yr));
      for (int i = 0; i < n; i++)
        off = fmax (
            off, fmax (panels[i].panel.area.w - scale * xr, panels[i].panel.area.h - scale * yr));
      if (off < 0.5)
        break;
      double cut_h = panels[0].panel.area.h - scale * yr;
      for (int i = 0; i < n; i++)
        {
          /* Panels without a y axis title have narrower margins: each loses its own excess. */
          rects[i].w -= panels[i].panel.area.w - scale * xr;
          rects[i].y += cut_h / 2;
          rects[i].h -= cut_h;
          total += rects[i].w + gap;
        }
      double x = r.x + (r.w - total) / 2;
      for (int i = 0; i < n; i++)
        {
          rects[i].x = x;
          x += rects[i].w + gap;
        }
      fig_panels_layout (ptrs, rects, n, c);
    }
}

/* True when a panel's title, centred over its plot, runs past its share of the row. */
static bool
titles_overflow (FigCanvas *c, const Panel *panels, int n)
{
  for (int i = 0; i < n; i++)
    {
      double tw;
      const FigRect *a = &panels[i].panel.area, *o = &panels[i].panel.outer;
      fig_text_size (c, FIG_FONT_TITLE, panels[i].title, &tw, NULL);
      double cx = a->x + a->w / 2, gap = 1.5 * fig_pt (c, c->style->pad);
      if (tw > 2 * fmin (cx - o->x + gap, o->x + o->w - cx + gap))
        return true;
    }
  return false;
}

void
fig_boundary_paint (
    cairo_t *cr, double width, double height, const FigBoundaryData *data, const FigStyle *style)
{
  FigCanvas c;
  fig_canvas_begin (&c, cr, width, height, style);
  if (!has_data (data))
    {
      fig_draw_empty (&c, FIG_ ("No decision boundaries to show"));
      fig_canvas_end (&c);
      return;
    }
  int n = data->n_panels;
  const char **names = fig_names_dup (data->class_names, data->n_classes);
  FigLegend legend;
  fig_legend_init (&legend);
  for (int k = 0; k < data->n_classes; k++)
    fig_legend_add (&legend, names[k],
                    (FigSeriesLook){ class_color (style, k), FIG_DASH_SOLID, FIG_MARKER_CIRCLE },
                    FIG_KEY_DOT, true);
  FigRect r = fig_figure_title (&c, fig_canvas_content (&c), data->title);
  r = fig_legend_above (&legend, &c, r);
  Panel panels[FIG_BOUNDARY_MAX_PANELS];
  for (int i = 0; i < n; i++)
    setup_panel (&panels[i], &data->panels[i], data, i == 0, false);
  layout (&c, panels, n, r, data);
  if (titles_overflow (&c, panels, n)) /* "Distilled" rather than a cut-off "Distilled stu…" */
    {
      for (int i = 0; i < n; i++)
        setup_panel (&panels[i], &data->panels[i], data, i == 0, true);
      layout (&c, panels, n, r, data);
    }
  for (int i = 0; i < n; i++)
    {
      Panel *p = &panels[i];
      if (p->src->probs)
        {
          cairo_surface_t *img = region_image (data, p->src->probs, style);
          fig_raster_draw (&c, img, p->panel.area, true);
          cairo_surface_destroy (img);
        }
      fig_panel_clip (&p->panel, &c, 0);
      draw_field (&c, p, data, p->src->field);
      cairo_restore (c.cr);
      draw_points (&c, p, data);
      fig_panel_draw_axes (&p->panel, &c);
    }
  fig_names_free (names, data->n_classes);
  fig_canvas_end (&c);
}

void
fig_boundary_csv (const FigBoundaryData *data, GString *out)
{
  static const char *const head[] = { "panel", "row", "col", "x", "y", "class", "p_max" };
  FigCsv csv;
  fig_csv_init (&csv, out);
  for (int i = 0; i < 7; i++)
    fig_csv_text (&csv, head[i]);
  fig_csv_end_row (&csv);
  if (!has_data (data))
    return;
  int res = data->res, k = data->n_classes;
  const char **names = fig_names_dup (data->class_names, k);
  for (int p = 0; p < data->n_panels; p++)
    {
      const FigBoundaryPanel *src = &data->panels[p];
      const char *name = src->name ? src->name : src->model >= 0 ? fig_model_name (src->model) : "";
      for (int j = 0; src->probs && j < res; j++)
        for (int i = 0; i < res; i++)
          {
            const float *pr = src->probs + ((size_t)j * res + i) * k;
            double conf;
            int top = top_class (pr, k, &conf);
            fig_csv_text (&csv, name);
            fig_csv_int (&csv, j);
            fig_csv_int (&csv, i);
            fig_csv_number (&csv, data->xmin + (i + 0.5) * (data->xmax - data->xmin) / res);
            fig_csv_number (&csv, data->ymin + (j + 0.5) * (data->ymax - data->ymin) / res);
            fig_csv_text (&csv, names[top]);
            fig_csv_number (&csv, pr[top]);
            fig_csv_end_row (&csv);
          }
    }
  fig_names_free (names, k);
}
