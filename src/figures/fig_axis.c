/* fig_axis.c — panel layout and axis drawing.
 *
 * Tick counts come from the space available and are then reduced until no two tick labels
 * touch (measured with the real fonts), so labels never collide at any size or dpi; long
 * category names turn 45 degrees, then only every n-th is written, and any beyond a width
 * cap are ellipsized. A y title longer than the plot is high may reach into the panel's top
 * and bottom margins, and one longer than the whole panel breaks into two lines. */
#include "fig_axis.h"

#include <math.h>
#include <string.h>

static void
axis_init (FigAxis *a, FigScaleKind kind, double lo, double hi, const char *label)
{
  memset (a, 0, sizeof *a);
  a->kind = kind;
  a->lo = lo;
  a->hi = hi;
  a->label = label;
  a->grid = kind != FIG_SCALE_CATEGORY;
  a->highlight = -1;
}

void
fig_axis_linear (FigAxis *a, double lo, double hi, const char *label)
{
  axis_init (a, FIG_SCALE_LINEAR, lo, hi, label);
}

void
fig_axis_log (FigAxis *a, double lo, double hi, const char *label)
{
  axis_init (a, FIG_SCALE_LOG, lo, hi, label);
}

void
fig_axis_category (FigAxis *a, int n, const char *const *names, const char *label)
{
  axis_init (a, FIG_SCALE_CATEGORY, -0.5, n - 0.5, label);
  a->n_categories = n;
  a->categories = names;
}

/* Where v falls along the axis, 0 at lo and 1 at hi. */
static double
axis_frac (const FigAxis *a, double v)
{
  if (a->kind == FIG_SCALE_LOG)
    return v > 0 ? log (v / a->lo) / log (a->hi / a->lo) : NAN;
  return (v - a->lo) / (a->hi - a->lo);
}

double
fig_panel_x (const FigPanel *p, double x)
{
  return p->area.x + axis_frac (&p->x, x) * p->area.w;
}

double
fig_panel_y (const FigPanel *p, double y)
{
  double f = axis_frac (&p->y, y);
  return p->y.inverted ? p->area.y + f * p->area.h : p->area.y + (1 - f) * p->area.h;
}

/* ---- ticks for a given axis length ------------------------------------------------------ */

static bool
labels_collide (FigCanvas *c, const FigAxis *a, const FigTicks *t, double length, bool vertical)
{
  double th = fig_text_line_height (c, FIG_FONT_TICK);
  double gap = vertical ? 0.4 * th : 0.9 * th;
  double prev_pos = NAN, prev_half = 0;
  for (int i = 0; i < t->n; i++)
    {
      if (!t->ticks[i].label[0])
        continue;
      double w = th;
      if (!vertical)
        fig_text_size (c, FIG_FONT_TICK, t->ticks[i].label, &w, NULL);
      double pos = axis_frac (a, t->ticks[i].value) * length, half = w / 2;
      if (!isnan (prev_pos) && fabs (pos - prev_pos) < prev_half + half + gap)
        return true;
      prev_pos = pos;
      prev_half = half;
    }
  return false;
}

static void
numeric_ticks (FigCanvas *c, const FigAxis *a, FigTicks *t, double length, bool vertical)
{
  double th = fig_text_line_height (c, FIG_FONT_TICK);
  /* Preferred spacing: about 2.6 lines up a y axis and 3.6 along x, close to matplotlib's
   * defaults; labels too wide for that are caught by the collision test below. */
  int max = (int)(length / ((vertical ? 2.6 : 3.6) * th)) + 1;
  max = max < 2 ? 2 : max > 11 ? 11 : max;
  for (;; max--)
    {
      if (a->n_fixed_ticks > 0)
        fig_ticks_fixed (a->fixed_ticks, a->n_fixed_ticks, a->lo, a->hi, t);
      else if (a->kind == FIG_SCALE_LOG)
        fig_ticks_log (a->lo, a->hi, max, t);
      else
        fig_ticks_linear (a->lo, a->hi, max, t);
      if (max <= 2 || a->n_fixed_ticks > 0 || !labels_collide (c, a, t, length, vertical))
        break;
    }
  while (labels_collide (c, a, t, length, vertical) && fig_ticks_thin (t))
    ;
}

static FigFont
category_font (const FigAxis *a, int i)
{
  return i == a->highlight ? FIG_FONT_TICK_BOLD : FIG_FONT_TICK;
}

static double
category_width (FigPanel *p, FigCanvas *c, const FigAxis *a, int i)
{
  double w;
  fig_text_size (c, category_font (a, i), a->categories[i], &w, NULL);
  return fmin (w, p->cat_max_w);
}

static double
widest_category (FigPanel *p, FigCanvas *c, const FigAxis *a, int step)
{
  double widest = 0;
  for (int i = 0; i < a->n_categories; i += step)
    widest = fmax (widest, category_width (p, c, a, i));
  return widest;
}

static void
category_ticks_x (FigPanel *p, FigCanvas *c, double length)
{
  const FigAxis *a = &p->x;
  double th = fig_text_line_height (c, FIG_FONT_TICK);
  double slot = length / fmax (a->n_categories, 1);
  p->x_rotated = false;
  p->x_cat_step = 1;
  if (widest_category (p, c, a, 1) + 0.6 * th <= slot)
    return;
  /* Turned 45 degrees, neighbours sit slot / sqrt 2 apart across the text direction. */
  p->x_rotated = true;
  while (slot * p->x_cat_step * FIG_SQRT1_2 < 1.05 * th)
    p->x_cat_step++;
}

static void
category_ticks_y (FigPanel *p, FigCanvas *c, double length)
{
  double th = fig_text_line_height (c, FIG_FONT_TICK);
  double slot = length / fmax (p->y.n_categories, 1);
  p->y_cat_step = 1;
  while (slot * p->y_cat_step < 1.05 * th)
    p->y_cat_step++;
}

static void
compute_ticks (FigPanel *p, FigCanvas *c, double w, double h)
{
  if (p->x.kind == FIG_SCALE_CATEGORY)
    category_ticks_x (p, c, w);
  else
    numeric_ticks (c, &p->x, &p->xt, w, false);
  if (p->y.kind == FIG_SCALE_CATEGORY)
    category_ticks_y (p, c, h);
  else
    numeric_ticks (c, &p->y, &p->yt, h, true);
}

static double
tick_len (const FigCanvas *c, const FigAxis *a)
{
  return a->no_ticks ? 0.25 * fig_pt (c, c->style->tick_length) : fig_pt (c, c->style->tick_length);
}

/* ---- margins ------------------------------------------------------------------------------ */

static double
widest_tick_label (FigCanvas *c, const FigTicks *t)
{
  double widest = 0;
  for (int i = 0; i < t->n; i++)
    if (t->ticks[i].label[0])
      {
        double w;
        fig_text_size (c, FIG_FONT_TICK, t->ticks[i].label, &w, NULL);
        widest = fmax (widest, w);
      }
  return widest;
}

/* The stretch of the left margin a y title may take: the panel's height, less the top margin
 * when a title is centred there and the x title's line, which may reach into that corner. */
static void
y_label_span (
    const FigPanel *p, FigCanvas *c, FigRect outer, double area_top, double *y0, double *y1)
{
  double pad = fig_pt (c, c->style->pad);
  *y0 = (p->title ? area_top : outer.y) + 0.5 * pad;
  *y1 = outer.y + outer.h - 0.5 * pad;
  if (p->x.label)
    *y1 -= fig_text_line_height (c, FIG_FONT_LABEL) + 0.5 * pad;
}

static double
left_margin (FigPanel *p, FigCanvas *c, FigRect outer, double area_top)
{
  double pad = fig_pt (c, c->style->pad), m = tick_len (c, &p->y) + 0.5 * pad;
  if (!p->y.hide_tick_labels)
    m += p->y.kind == FIG_SCALE_CATEGORY ? widest_category (p, c, &p->y, p->y_cat_step)
                                         : widest_tick_label (c, &p->yt);
  p->y_label_lines = 0;
  if (p->y.label)
    {
      double w, y0, y1;
      fig_text_size (c, FIG_FONT_LABEL, p->y.label, &w, NULL);
      y_label_span (p, c, outer, area_top, &y0, &y1);
      p->y_label_lines = w > y1 - y0 && strchr (p->y.label, ' ') ? 2 : 1;
      m += p->y_label_lines * fig_text_line_height (c, FIG_FONT_LABEL) + pad;
    }
  return m + 0.5 * pad;
}

static double
bottom_margin (FigPanel *p, FigCanvas *c)
{
  double pad = fig_pt (c, c->style->pad), th = fig_text_line_height (c, FIG_FONT_TICK);
  double m = tick_len (c, &p->x) + 0.5 * pad;
  if (p->x.hide_tick_labels)
    ;
  else if (p->x_rotated)
    m += (widest_category (p, c, &p->x, p->x_cat_step) + 0.5 * th) * FIG_SQRT1_2;
  else
    m += th;
  if (p->x.label)
    m += fig_text_line_height (c, FIG_FONT_LABEL) + 0.5 * pad;
  return m + 0.5 * pad;
}

/* How far the last x tick label reaches past the plot area's right edge. */
static double
right_margin (FigPanel *p, FigCanvas *c, double length)
{
  double pad = fig_pt (c, c->style->pad), over = 0;
  if (p->x.kind != FIG_SCALE_CATEGORY && !p->x.hide_tick_labels)
    for (int i = 0; i < p->xt.n; i++)
      if (p->xt.ticks[i].label[0])
        {
          double w;
          fig_text_size (c, FIG_FONT_TICK, p->xt.ticks[i].label, &w, NULL);
          over = fmax (over, w / 2 - (1 - axis_frac (&p->x, p->xt.ticks[i].value)) * length);
        }
  return fmax (over, 0) + pad;
}

static double
top_margin (FigPanel *p, FigCanvas *c)
{
  double pad = fig_pt (c, c->style->pad), th = fig_text_line_height (c, FIG_FONT_TICK);
  if (p->title)
    return fig_text_line_height (c, FIG_FONT_TITLE) + 0.75 * pad + p->top_extra;
  /* Room for half the top y tick label, which is centred on the area's top edge. */
  return fmax (0.5 * th + 0.5 * pad, p->top_extra);
}

static FigRect
inset (FigRect r, const FigMargins *m)
{
  return (FigRect){ r.x + m->l, r.y + m->t, fmax (r.w - m->l - m->r, 1),
                    fmax (r.h - m->t - m->b, 1) };
}

void
fig_panel_measure (FigPanel *p, FigCanvas *c, FigRect outer, FigMargins *m)
{
  double th = fig_text_line_height (c, FIG_FONT_TICK);
  p->cat_max_w = fmax (fmin (11 * th, 0.36 * fmin (outer.w, outer.h)), p->cat_max_w_min);
  *m = (FigMargins){ 4 * th, th, th, 3 * th };
  /* Margins depend on tick labels and tick labels on the area left by margins: two rounds
   * settle it, since one more or fewer tick hardly changes a label's width. */
  for (int round = 0; round < 2; round++)
    {
      FigRect area = inset (outer, m);
      compute_ticks (p, c, area.w, area.h);
      m->l = left_margin (p, c, outer, area.y);
      m->b = bottom_margin (p, c);
      m->t = top_margin (p, c);
      m->r = right_margin (p, c, area.w);
    }
}

void
fig_panel_place (FigPanel *p, FigCanvas *c, FigRect outer, const FigMargins *m)
{
  p->area = inset (outer, m);
  compute_ticks (p, c, p->area.w, p->area.h);
  p->outer = outer;
}

void
fig_panel_layout (FigPanel *p, FigCanvas *c, FigRect outer)
{
  FigMargins m;
  fig_panel_measure (p, c, outer, &m);
  fig_panel_place (p, c, outer, &m);
}

void
fig_panels_layout (FigPanel *const *panels, const FigRect *outers, int n, FigCanvas *c)
{
  FigMargins m[8];
  g_assert (n <= 8);
  for (int i = 0; i < n; i++)
    fig_panel_measure (panels[i], c, outers[i], &m[i]);
  for (int i = 0; i < n; i++)
    {
      FigMargins shared = m[i];
      for (int j = 0; j < n; j++)
        {
          if (outers[j].y == outers[i].y && outers[j].h == outers[i].h)
            shared.t = fmax (shared.t, m[j].t), shared.b = fmax (shared.b, m[j].b);
          if (outers[j].x == outers[i].x && outers[j].w == outers[i].w)
            shared.l = fmax (shared.l, m[j].l), shared.r = fmax (shared.r, m[j].r);
        }
      fig_panel_place (panels[i], c, outers[i], &shared);
    }
}

/* ---- drawing ------------------------------------------------------------------------------ */

static void
grid_lines (FigPanel *p, FigCanvas *c, const FigTicks *t, bool vertical)
{
  cairo_t *cr = c->cr;
  double lw = fig_pt (c, c->style->grid_width);
  cairo_set_line_width (cr, lw);
  cairo_set_dash (cr, NULL, 0, 0);
  for (int pass = 0; pass < 2; pass++) /* minor lines first, majors over them */
    {
      fig_canvas_set_color (c, pass == 0 ? c->style->grid_minor : c->style->grid);
      for (int i = 0; i < t->n; i++)
        {
          if (t->ticks[i].major != (pass == 1))
            continue;
          if (vertical)
            {
              double x = fig_snap (c, fig_panel_x (p, t->ticks[i].value), lw);
              cairo_move_to (cr, x, p->area.y);
              cairo_line_to (cr, x, p->area.y + p->area.h);
            }
          else
            {
              double y = fig_snap (c, fig_panel_y (p, t->ticks[i].value), lw);
              cairo_move_to (cr, p->area.x, y);
              cairo_line_to (cr, p->area.x + p->area.w, y);
            }
        }
      cairo_stroke (cr);
    }
}

void
fig_panel_draw_grid (FigPanel *p, FigCanvas *c)
{
  if (p->x.grid && p->x.kind != FIG_SCALE_CATEGORY)
    grid_lines (p, c, &p->xt, true);
  if (p->y.grid && p->y.kind != FIG_SCALE_CATEGORY)
    grid_lines (p, c, &p->yt, false);
}

static void
x_ticks (FigPanel *p, FigCanvas *c, double y0)
{
  double tl = tick_len (c, &p->x), lw = fig_pt (c, c->style->axis_width);
  double ty = y0 + tl + 0.5 * fig_pt (c, c->style->pad);
  fig_canvas_set_color (c, c->style->axis);
  if (p->x.no_ticks)
    ;
  else if (p->x.kind == FIG_SCALE_CATEGORY)
    for (int i = 0; i < p->x.n_categories; i += p->x_cat_step)
      {
        double x = fig_snap (c, fig_panel_x (p, i), lw);
        fig_line (c, x, y0, x, y0 + tl);
      }
  else
    for (int i = 0; i < p->xt.n; i++)
      {
        double x = fig_snap (c, fig_panel_x (p, p->xt.ticks[i].value), lw);
        fig_line (c, x, y0, x, y0 + (p->xt.ticks[i].major ? tl : 0.55 * tl));
      }
  if (p->x.hide_tick_labels)
    return;
  if (p->x.kind != FIG_SCALE_CATEGORY)
    {
      for (int i = 0; i < p->xt.n; i++)
        fig_text_draw (c, FIG_FONT_TICK, c->style->text_muted, p->xt.ticks[i].label,
                       fig_panel_x (p, p->xt.ticks[i].value), ty, 0.5, 0);
      return;
    }
  double th = fig_text_line_height (c, FIG_FONT_TICK);
  for (int i = 0; i < p->x.n_categories; i += p->x_cat_step)
    {
      double x = fig_panel_x (p, i);
      FigFont font = category_font (&p->x, i);
      FigRGBA color = i == p->x.highlight ? c->style->text : c->style->text_muted;
      if (p->x_rotated) /* the name ends at its tick, rising to the left */
        fig_text_draw_opts (c, font, color, p->x.categories[i], x + 0.25 * th, ty,
                            &(FigTextOpts){ 1, 0.5, -G_PI / 4, p->cat_max_w });
      else
        fig_text_draw_opts (c, font, color, p->x.categories[i], x, ty,
                            &(FigTextOpts){ 0.5, 0, 0, p->cat_max_w });
    }
}

static void
y_ticks (FigPanel *p, FigCanvas *c, double x0)
{
  double tl = tick_len (c, &p->y), lw = fig_pt (c, c->style->axis_width);
  double tx = x0 - tl - 0.5 * fig_pt (c, c->style->pad);
  bool cat = p->y.kind == FIG_SCALE_CATEGORY;
  int n = cat ? p->y.n_categories : p->yt.n, step = cat ? p->y_cat_step : 1;
  for (int i = 0; i < n; i += step)
    {
      double v = cat ? i : p->yt.ticks[i].value;
      bool major = cat || p->yt.ticks[i].major;
      double y = fig_snap (c, fig_panel_y (p, v), lw);
      fig_canvas_set_color (c, c->style->axis);
      if (!p->y.no_ticks)
        fig_line (c, x0 - (major ? tl : 0.55 * tl), y, x0, y);
      if (p->y.hide_tick_labels)
        continue;
      bool bold = cat && i == p->y.highlight;
      fig_text_draw_opts (c, bold ? FIG_FONT_TICK_BOLD : FIG_FONT_TICK,
                          bold ? c->style->text : c->style->text_muted,
                          cat ? p->y.categories[i] : p->yt.ticks[i].label, tx, fig_panel_y (p, v),
                          &(FigTextOpts){ 1, 0.5, 0, cat ? p->cat_max_w : 0 });
    }
}

/* The text with the space that best balances its two halves turned into a line break. */
static char *
two_lines (FigCanvas *c, const char *text)
{
  char *best = g_strdup (text);
  double best_w = INFINITY;
  for (const char *sp = strchr (text, ' '); sp; sp = strchr (sp + 1, ' '))
    {
      g_autofree char *head = g_strndup (text, (gsize)(sp - text));
      double wa, wb;
      fig_text_size (c, FIG_FONT_LABEL, head, &wa, NULL);
      fig_text_size (c, FIG_FONT_LABEL, sp + 1, &wb, NULL);
      if (fmax (wa, wb) < best_w)
        {
          best_w = fmax (wa, wb);
          strcpy (best, text);
          best[sp - text] = '\n';
        }
    }
  return best;
}

/* Centred on the plot area when it is high enough, else moved (and broken into two lines, as
 * measured) to lie within the panel's height; ellipsized only past that. */
static void
y_title (FigPanel *p, FigCanvas *c)
{
  double pad = fig_pt (c, c->style->pad), w, y0, y1;
  FigRect a = p->area, o = p->outer;
  y_label_span (p, c, o, a.y, &y0, &y1);
  double room = fmax (y1 - y0, a.h), mid = a.y + a.h / 2;
  if (p->y_label_lines == 2)
    {
      g_autofree char *text = two_lines (c, p->y.label);
      fig_text_size_wrapped (c, FIG_FONT_LABEL, text, room, &w, NULL);
      mid = fmin (fmax (mid, y0 + w / 2), y1 - w / 2);
      fig_text_draw_wrapped_turned (c, FIG_FONT_LABEL, c->style->text, text, o.x + 0.5 * pad, mid,
                                    room);
      return;
    }
  fig_text_size (c, FIG_FONT_LABEL, p->y.label, &w, NULL);
  if (w > a.h && w <= room)
    mid = fmin (fmax (mid, y0 + w / 2), y1 - w / 2);
  fig_text_draw_opts (c, FIG_FONT_LABEL, c->style->text, p->y.label, o.x + 0.5 * pad, mid,
                      &(FigTextOpts){ 0.5, 0, -G_PI / 2, room });
}

static void
axis_titles (FigPanel *p, FigCanvas *c)
{
  double pad = fig_pt (c, c->style->pad);
  FigRect a = p->area, o = p->outer;
  if (p->x.label)
    {
      /* Centred under the plot, or moved to stay within the panel when it is wider. */
      double w, mid = a.x + a.w / 2;
      fig_text_size (c, FIG_FONT_LABEL, p->x.label, &w, NULL);
      if (w > a.w && w <= o.w)
        mid = fmin (fmax (mid, o.x + w / 2), o.x + o.w - w / 2);
      fig_text_draw_opts (c, FIG_FONT_LABEL, c->style->text, p->x.label, mid, o.y + o.h - 0.5 * pad,
                          &(FigTextOpts){ 0.5, 1, 0, fmax (a.w, o.w) });
    }
  if (p->y.label)
    y_title (p, c);
  if (p->title)
    fig_text_draw_opts (c, FIG_FONT_TITLE, c->style->text, p->title, a.x + a.w / 2, o.y,
                        &(FigTextOpts){ 0.5, 0, 0, o.w });
}

void
fig_panel_draw_axes (FigPanel *p, FigCanvas *c)
{
  double lw = fig_pt (c, c->style->axis_width);
  double x0 = fig_snap (c, p->area.x, lw), y0 = fig_snap (c, p->area.y + p->area.h, lw);
  fig_set_line (c, c->style->axis_width, FIG_DASH_SOLID);
  cairo_set_line_cap (c->cr, CAIRO_LINE_CAP_SQUARE);
  if (!p->x.no_spine)
    {
      fig_canvas_set_color (c, c->style->axis);
      fig_line (c, x0, y0, p->area.x + p->area.w, y0);
    }
  if (!p->y.no_spine)
    {
      fig_canvas_set_color (c, c->style->axis);
      fig_line (c, x0, p->area.y, x0, y0);
    }
  cairo_set_line_cap (c->cr, CAIRO_LINE_CAP_BUTT);
  x_ticks (p, c, y0);
  y_ticks (p, c, x0);
  axis_titles (p, c);
}

void
fig_panel_clip (FigPanel *p, FigCanvas *c, double bleed)
{
  /* Whole pixels: cairo then clips by region instead of through a mask, several times faster
   * for long curves. */
  double b = fig_pt (c, bleed);
  double x0 = floor (p->area.x - b), y0 = floor (p->area.y - b);
  double x1 = ceil (p->area.x + p->area.w + b), y1 = ceil (p->area.y + p->area.h + b);
  cairo_save (c->cr);
  cairo_rectangle (c->cr, x0, y0, x1 - x0, y1 - y0);
  cairo_clip (c->cr);
}
