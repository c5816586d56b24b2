/* fig_legend.c — legend layout, drawing and placement. */
#include "fig_legend.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void
fig_legend_init (FigLegend *l)
{
  memset (l, 0, sizeof *l);
  l->ncol = 1;
}

void
fig_legend_add (FigLegend *l, const char *label, FigSeriesLook look, FigKeyKind kind, bool marker)
{
  if (l->n >= FIG_LEGEND_MAX)
    return;
  FigLegendItem *it = &l->items[l->n++];
  snprintf (it->label, sizeof it->label, "%s", label ? label : "");
  it->look = look;
  it->kind = kind;
  it->show_marker = marker;
}

void
fig_legend_add_custom (FigLegend *l, const char *label, FigKeyFunc func, const void *data)
{
  if (l->n >= FIG_LEGEND_MAX)
    return;
  fig_legend_add (l, label, (FigSeriesLook){ { 0 } }, FIG_KEY_CUSTOM, false);
  l->items[l->n - 1].key_func = func;
  l->items[l->n - 1].key_data = data;
}

/* Spacing in ems of the label font, after matplotlib's handlelength and columnspacing. */
#define KEY_EMS 2.2
#define KEY_GAP_EMS 0.6
#define COL_GAP_EMS 1.6
#define PAD_EMS 0.5

void
fig_legend_measure (FigLegend *l, FigCanvas *c, int ncol)
{
  double em = fig_pt (c, c->style->label_size);
  l->ncol = ncol < 1 ? 1 : ncol > l->n ? (l->n > 0 ? l->n : 1) : ncol;
  l->key_w = (l->items[0].kind == FIG_KEY_LINE ? KEY_EMS : 1.0) * em;
  l->row_h = fig_text_line_height (c, FIG_FONT_LABEL) * 1.2;
  memset (l->col_w, 0, sizeof l->col_w);
  for (int i = 0; i < l->n; i++)
    {
      double w;
      fig_text_size (c, FIG_FONT_LABEL, l->items[i].label, &w, NULL);
      int col = i % l->ncol;
      l->col_w[col] = fmax (l->col_w[col], l->key_w + KEY_GAP_EMS * em + w);
    }
  int rows = (l->n + l->ncol - 1) / l->ncol;
  l->w = (l->ncol - 1) * COL_GAP_EMS * em + 2 * PAD_EMS * em;
  for (int col = 0; col < l->ncol; col++)
    l->w += l->col_w[col];
  l->h = rows * l->row_h + 2 * PAD_EMS * em;
}

void
fig_legend_fit (FigLegend *l, FigCanvas *c, double max_width)
{
  for (int ncol = l->n; ncol >= 1; ncol--)
    {
      fig_legend_measure (l, c, ncol);
      if (l->w <= max_width)
        return;
    }
}

static void
draw_key (FigLegend *l, FigCanvas *c, const FigLegendItem *it, double x, double y)
{
  double em = fig_pt (c, c->style->label_size), s = 0.8 * em;
  FigRect box = { x + (l->key_w - s) / 2, y - s / 2, s, s };
  if (it->kind == FIG_KEY_CUSTOM)
    {
      it->key_func (c, box, it->key_data);
      return;
    }
  if (it->kind == FIG_KEY_BOX)
    {
      fig_canvas_set_color (c, it->look.color);
      cairo_rectangle (c->cr, box.x, box.y, box.w, box.h);
      cairo_fill (c->cr);
      return;
    }
  if (it->kind == FIG_KEY_DOT)
    {
      fig_marker (c, it->look.marker, x + l->key_w / 2, y, fig_pt (c, c->style->marker_size) * 1.2,
                  it->look.color);
      return;
    }
  fig_set_line (c, c->style->line_width, it->look.dash);
  fig_canvas_set_color (c, it->look.color);
  fig_line (c, x, y, x + l->key_w, y);
  if (it->show_marker)
    fig_marker (c, it->look.marker, x + l->key_w / 2, y, fig_pt (c, c->style->marker_size),
                it->look.color);
}

static void
draw_frame (FigLegend *l, FigCanvas *c, double x, double y)
{
  double r = fig_pt (c, 2.5);
  cairo_t *cr = c->cr;
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + l->w - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + l->w - r, y + l->h - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + l->h - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 1.5 * G_PI);
  cairo_close_path (cr);
  fig_canvas_set_color (c, c->style->legend_fill);
  cairo_fill_preserve (cr);
  fig_set_line (c, 0.6, FIG_DASH_SOLID);
  fig_canvas_set_color (c, c->style->grid);
  cairo_stroke (cr);
}

void
fig_legend_draw (FigLegend *l, FigCanvas *c, double x, double y)
{
  if (l->n == 0)
    return;
  double em = fig_pt (c, c->style->label_size), pad = PAD_EMS * em;
  if (l->framed)
    draw_frame (l, c, x, y);
  for (int i = 0; i < l->n; i++)
    {
      int col = i % l->ncol, row = i / l->ncol;
      double cx = x + pad;
      for (int k = 0; k < col; k++)
        cx += l->col_w[k] + COL_GAP_EMS * em;
      double cy = y + pad + (row + 0.5) * l->row_h;
      draw_key (l, c, &l->items[i], cx, cy);
      fig_text_draw (c, FIG_FONT_LABEL, c->style->text, l->items[i].label,
                     cx + l->key_w + KEY_GAP_EMS * em, cy, 0, 0.5);
    }
}

/* ---- occupancy ---------------------------------------------------------------------------- */

void
fig_occ_init (FigOccupancy *o, FigRect area)
{
  memset (o, 0, sizeof *o);
  o->area = area;
}

static void
cell_of (const FigOccupancy *o, double x, double y, int *cx, int *cy)
{
  *cx = (int)floor ((x - o->area.x) / o->area.w * FIG_OCC_W);
  *cy = (int)floor ((y - o->area.y) / o->area.h * FIG_OCC_H);
}

static int
clampi (int v, int lo, int hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

void
fig_occ_mark_rect (FigOccupancy *o, double x0, double y0, double x1, double y1)
{
  int ax, ay, bx, by;
  cell_of (o, fmin (x0, x1), fmin (y0, y1), &ax, &ay);
  cell_of (o, fmax (x0, x1), fmax (y0, y1), &bx, &by);
  for (int j = clampi (ay, 0, FIG_OCC_H - 1); j <= clampi (by, -1, FIG_OCC_H - 1); j++)
    for (int i = clampi (ax, 0, FIG_OCC_W - 1); i <= clampi (bx, -1, FIG_OCC_W - 1); i++)
      o->cells[j][i] = 1;
}

static void
mark_segment (FigOccupancy *o, double x0, double y0, double x1, double y1)
{
  double cw = o->area.w / FIG_OCC_W, ch = o->area.h / FIG_OCC_H;
  int steps = (int)ceil (fmax (fabs (x1 - x0) / cw, fabs (y1 - y0) / ch) * 2) + 1;
  for (int s = 0; s <= steps; s++)
    {
      double t = (double)s / steps;
      int cx, cy;
      cell_of (o, x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, &cx, &cy);
      if (cx >= 0 && cx < FIG_OCC_W && cy >= 0 && cy < FIG_OCC_H)
        o->cells[cy][cx] = 1;
    }
}

void
fig_occ_mark_polyline (FigOccupancy *o, const double *x, const double *y, int n)
{
  int prev = -1;
  for (int i = 0; i < n; i++)
    {
      if (!isfinite (x[i]) || !isfinite (y[i]))
        continue;
      if (prev >= 0)
        mark_segment (o, x[prev], y[prev], x[i], y[i]);
      else
        mark_segment (o, x[i], y[i], x[i], y[i]);
      prev = i;
    }
}

int
fig_occ_count (const FigOccupancy *o, double x0, double y0, double x1, double y1)
{
  int ax, ay, bx, by, n = 0;
  cell_of (o, x0, y0, &ax, &ay);
  cell_of (o, x1, y1, &bx, &by);
  for (int j = clampi (ay, 0, FIG_OCC_H - 1); j <= clampi (by, -1, FIG_OCC_H - 1); j++)
    for (int i = clampi (ax, 0, FIG_OCC_W - 1); i <= clampi (bx, -1, FIG_OCC_W - 1); i++)
      n += o->cells[j][i];
  return n;
}

bool
fig_legend_place_inside (
    const FigLegend *l, FigCanvas *c, const FigOccupancy *o, int allowed, double *x, double *y)
{
  /* matplotlib's order of preference: upper right, upper left, lower left, lower right, then
   * the middles of the edges. */
  static const double spots[][2]
      = { { 1, 0 }, { 0, 0 }, { 0, 1 }, { 1, 1 }, { 1, 0.5 }, { 0, 0.5 }, { 0.5, 1 }, { 0.5, 0 } };
  FigRect a = o->area;
  double inset = fig_pt (c, c->style->pad);
  if (l->w + 2 * inset > a.w || l->h + 2 * inset > a.h)
    return false;
  int best = -1, best_n = 0;
  for (int s = 0; s < (int)(sizeof spots / sizeof spots[0]); s++)
    {
      double lx = a.x + inset + spots[s][0] * (a.w - l->w - 2 * inset);
      double ly = a.y + inset + spots[s][1] * (a.h - l->h - 2 * inset);
      int n = fig_occ_count (o, lx, ly, lx + l->w, ly + l->h);
      if (best < 0 || n < best_n)
        best = s, best_n = n, *x = lx, *y = ly;
    }
  return best_n <= allowed;
}
