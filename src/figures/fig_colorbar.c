/* fig_colorbar.c — colour bars. */
#include "fig_colorbar.h"

#include <math.h>

static void
colorbar_ticks (FigColorbar *cb, FigCanvas *c, double h)
{
  if (cb->n_fixed_ticks > 0)
    {
      fig_ticks_fixed (cb->fixed_ticks, cb->n_fixed_ticks, cb->lo, cb->hi, &cb->ticks);
      return;
    }
  double th = fig_text_line_height (c, FIG_FONT_TICK);
  int max = (int)(h / (2.6 * th)) + 1;
  fig_ticks_linear (cb->lo, cb->hi, max < 2 ? 2 : max > 8 ? 8 : max, &cb->ticks);
}

double
fig_colorbar_measure (FigColorbar *cb, FigCanvas *c, double h)
{
  double pad = fig_pt (c, c->style->pad), widest = 0;
  cb->bar_w = fig_pt (c, c->style->label_size * 1.1);
  colorbar_ticks (cb, c, h);
  for (int i = 0; i < cb->ticks.n; i++)
    {
      double w;
      fig_text_size (c, FIG_FONT_TICK, cb->ticks.ticks[i].label, &w, NULL);
      widest = fmax (widest, w);
    }
  double w = cb->bar_w + fig_pt (c, c->style->tick_length) + 0.5 * pad + widest;
  if (cb->label)
    w += pad + fig_text_line_height (c, FIG_FONT_LABEL);
  return w;
}

void
fig_colorbar_draw (FigColorbar *cb, FigCanvas *c, FigRect bar)
{
  cairo_t *cr = c->cr;
  /* A gradient with a stop per table entry: smooth and exact in PDF and SVG as on screen. */
  cairo_pattern_t *grad = cairo_pattern_create_linear (0, bar.y + bar.h, 0, bar.y);
  bool diverging = fig_colormap_is_diverging (cb->map);
  for (int i = 0; i < 256; i++)
    {
      double t = i / 255.0;
      FigRGBA col = fig_colormap_eval (cb->map, t);
      double a = cb->fade > 0 ? cb->fade * (diverging ? fabs (2 * t - 1) : t) : 1;
      cairo_pattern_add_color_stop_rgba (grad, t, col.r, col.g, col.b, a);
    }
  cairo_rectangle (cr, bar.x, bar.y, bar.w, bar.h);
  if (cb->fade > 0)
    {
      fig_canvas_set_color (c, cb->under);
      cairo_fill_preserve (cr);
    }
  cairo_set_source (cr, grad);
  cairo_fill (cr);
  cairo_pattern_destroy (grad);

  colorbar_ticks (cb, c, bar.h);
  double tl = fig_pt (c, c->style->tick_length), lw = fig_pt (c, c->style->axis_width);
  double x1 = bar.x + bar.w, pad = fig_pt (c, c->style->pad), widest = 0;
  fig_set_line (c, c->style->axis_width, FIG_DASH_SOLID);
  for (int i = 0; i < cb->ticks.n; i++)
    {
      double v = cb->ticks.ticks[i].value, w;
      double y = bar.y + bar.h * (1 - (v - cb->lo) / (cb->hi - cb->lo));
      fig_canvas_set_color (c, c->style->axis);
      fig_line (c, x1, fig_snap (c, y, lw), x1 + tl, fig_snap (c, y, lw));
      fig_text_draw (c, FIG_FONT_TICK, c->style->text_muted, cb->ticks.ticks[i].label,
                     x1 + tl + 0.5 * pad, y, 0, 0.5);
      fig_text_size (c, FIG_FONT_TICK, cb->ticks.ticks[i].label, &w, NULL);
      widest = fmax (widest, w);
    }
  if (cb->label)
    fig_text_draw_opts (c, FIG_FONT_LABEL, c->style->text, cb->label, x1 + tl + pad * 1.5 + widest,
                        bar.y + bar.h / 2, &(FigTextOpts){ 0.5, 0, -G_PI / 2, bar.h });
}
