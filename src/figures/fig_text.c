/* fig_text.c — labels through Pango, set up identically for every surface and dpi. */
#include <math.h>

#include "fig_canvas.h"
#include "fig_debug.h"
#include "fig_i18n.h"

static _Thread_local FigTextStats stats;

void
fig_text_stats_reset (void)
{
  stats = (FigTextStats){ 0 };
}

void
fig_text_stats_get (FigTextStats *out)
{
  *out = stats;
}

static void
note_misfit (unsigned *count, const char *text)
{
  (*count)++;
  g_strlcpy (stats.last, text, sizeof stats.last);
}

/* Counts the label in the layout if it was ellipsized, or if its ink, with the layout's origin
 * at (ox, oy) from the anchor (x, y) and turned by angle about it, crosses the clip. */
static void
check_fit (FigCanvas *c, const char *text, double x, double y, double ox, double oy, double angle)
{
  if (pango_layout_is_ellipsized (c->layout))
    note_misfit (&stats.ellipsized, text);
  PangoRectangle ink;
  pango_layout_get_extents (c->layout, &ink, NULL);
  if (ink.width == 0 || ink.height == 0)
    return;
  double ix = ox + (double)ink.x / PANGO_SCALE, iy = oy + (double)ink.y / PANGO_SCALE;
  double iw = (double)ink.width / PANGO_SCALE, ih = (double)ink.height / PANGO_SCALE;
  double cs = cos (angle), sn = sin (angle), x0 = INFINITY, y0 = INFINITY, x1 = -x0, y1 = -y0;
  for (int k = 0; k < 4; k++)
    {
      double px = ix + (k & 1) * iw, py = iy + (k >> 1) * ih;
      double qx = x + px * cs - py * sn, qy = y + px * sn + py * cs;
      x0 = fmin (x0, qx), y0 = fmin (y0, qy), x1 = fmax (x1, qx), y1 = fmax (y1, qy);
    }
  double cx0, cy0, cx1, cy1, slack = fig_pt (c, 0.5);
  cairo_clip_extents (c->cr, &cx0, &cy0, &cx1, &cy1);
  if (x0 < cx0 - slack || y0 < cy0 - slack || x1 > cx1 + slack || y1 > cy1 + slack)
    note_misfit (&stats.clipped, text);
}

static double
font_size (const FigStyle *style, FigFont font)
{
  switch (font)
    {
      case FIG_FONT_TICK:
      case FIG_FONT_TICK_BOLD:
        return style->tick_size;
      case FIG_FONT_LABEL:
        return style->label_size;
      case FIG_FONT_TITLE:
        return style->title_size;
      case FIG_FONT_HEAD:
        return style->title_size * 1.15;
      case FIG_FONT_VALUE:
      default:
        return style->tick_size * 0.94;
    }
}

void
fig_text_setup (FigCanvas *c)
{
  c->pango = pango_cairo_create_context (c->cr);
  /* No hinting and unrounded positions: text then measures in proportion to its size, the same
   * on an image at 96 dpi, at 300 dpi and in a PDF, and the same on every machine with these
   * fonts whatever fontconfig's desktop defaults say. Grey antialiasing: no colour fringes in
   * exported files. */
  cairo_font_options_t *opts = cairo_font_options_create ();
  cairo_font_options_set_hint_style (opts, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics (opts, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_antialias (opts, CAIRO_ANTIALIAS_GRAY);
  pango_cairo_context_set_font_options (c->pango, opts);
  cairo_font_options_destroy (opts);
  pango_cairo_context_set_resolution (c->pango, c->style->dpi > 0 ? c->style->dpi : 96.0);
  pango_context_set_round_glyph_positions (c->pango, FALSE);
  c->layout = pango_layout_new (c->pango);
  for (int f = 0; f < FIG_N_FONTS; f++)
    {
      c->fonts[f] = pango_font_description_from_string (c->style->font_family);
      pango_font_description_set_size (c->fonts[f],
                                       (int)lround (font_size (c->style, f) * PANGO_SCALE));
      if (f == FIG_FONT_HEAD || f == FIG_FONT_TICK_BOLD)
        pango_font_description_set_weight (c->fonts[f], PANGO_WEIGHT_BOLD);
    }
  c->current_font = -1;
}

void
fig_text_teardown (FigCanvas *c)
{
  g_clear_pointer (&c->text_sizes, g_hash_table_unref);
  for (int f = 0; f < FIG_N_FONTS; f++)
    g_clear_pointer (&c->fonts[f], pango_font_description_free);
  g_clear_object (&c->layout);
  g_clear_object (&c->pango);
}

/* Puts text into the shared layout; returns its logical size. */
static void
prepare (FigCanvas *c, FigFont font, const char *text, double max_width, double *w, double *h)
{
  if (c->current_font != (int)font)
    {
      pango_layout_set_font_description (c->layout, c->fonts[font]);
      c->current_font = font;
    }
  pango_layout_set_text (c->layout, text ? text : "", -1);
  if (max_width > 0)
    {
      pango_layout_set_width (c->layout, (int)(max_width * PANGO_SCALE));
      pango_layout_set_ellipsize (c->layout, PANGO_ELLIPSIZE_END);
    }
  else
    {
      pango_layout_set_width (c->layout, -1);
      pango_layout_set_ellipsize (c->layout, PANGO_ELLIPSIZE_NONE);
    }
  PangoRectangle logical;
  pango_layout_get_extents (c->layout, NULL, &logical);
  *w = (double)logical.width / PANGO_SCALE;
  *h = (double)logical.height / PANGO_SCALE;
}

typedef struct
{
  double w, h;
} FigTextSize;

void
fig_text_size (FigCanvas *c, FigFont font, const char *text, double *width, double *height)
{
  /* Layouts measure the same labels again and again (tick labels for every candidate margin,
   * "0.00" in a hundred heat map cells): shaping each once per paint is enough, and the sizes
   * are exactly those of the layout. */
  if (!c->text_sizes)
    c->text_sizes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  char *key = g_strdup_printf ("%d|%s", (int)font, text ? text : "");
  FigTextSize *size = g_hash_table_lookup (c->text_sizes, key);
  if (size)
    g_free (key);
  else
    {
      size = g_new (FigTextSize, 1);
      prepare (c, font, text, 0, &size->w, &size->h);
      g_hash_table_insert (c->text_sizes, key, size);
    }
  double w = size->w, h = size->h;
  if (width)
    *width = w;
  if (height)
    *height = h;
}

double
fig_text_line_height (FigCanvas *c, FigFont font)
{
  double h;
  fig_text_size (c, font, "0", NULL, &h);
  return h;
}

void
fig_text_draw_opts (FigCanvas *c,
                    FigFont font,
                    FigRGBA color,
                    const char *text,
                    double x,
                    double y,
                    const FigTextOpts *opts)
{
  if (!text || !*text)
    return;
  double w, h;
  prepare (c, font, text, opts->max_width, &w, &h);
  check_fit (c, text, x, y, -opts->ax * w, -opts->ay * h, opts->angle);
  cairo_t *cr = c->cr;
  fig_canvas_set_color (c, color);
  if (opts->angle == 0)
    {
      cairo_move_to (cr, x - opts->ax * w, y - opts->ay * h);
      pango_cairo_show_layout (cr, c->layout);
      return;
    }
  cairo_save (cr);
  cairo_translate (cr, x, y);
  cairo_rotate (cr, opts->angle);
  cairo_move_to (cr, -opts->ax * w, -opts->ay * h);
  pango_cairo_update_layout (cr, c->layout);
  pango_cairo_show_layout (cr, c->layout);
  cairo_restore (cr);
  pango_cairo_update_layout (cr, c->layout);
}

void
fig_text_draw (FigCanvas *c,
               FigFont font,
               FigRGBA color,
               const char *text,
               double x,
               double y,
               double ax,
               double ay)
{
  fig_text_draw_opts (c, font, color, text, x, y, &(FigTextOpts){ ax, ay, 0, 0 });
}

/* Puts wrapped text into the shared layout; returns the offset and size of its lines' box. */
static void
prepare_wrapped (FigCanvas *c,
                 FigFont font,
                 const char *text,
                 double width,
                 PangoAlignment align,
                 PangoRectangle *box)
{
  double w, h;
  prepare (c, font, text, 0, &w, &h);
  pango_layout_set_width (c->layout, (int)(fmax (width, 1) * PANGO_SCALE));
  pango_layout_set_wrap (c->layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_alignment (c->layout, align);
  pango_layout_get_extents (c->layout, NULL, box);
}

/* Back to the single-line state prepare expects. */
static void
unwrap (FigCanvas *c)
{
  pango_layout_set_alignment (c->layout, PANGO_ALIGN_LEFT);
  pango_layout_set_width (c->layout, -1);
}

void
fig_text_size_wrapped (
    FigCanvas *c, FigFont font, const char *text, double width, double *w, double *h)
{
  PangoRectangle box;
  prepare_wrapped (c, font, text, width, PANGO_ALIGN_LEFT, &box);
  unwrap (c);
  if (w)
    *w = (double)box.width / PANGO_SCALE;
  if (h)
    *h = (double)box.height / PANGO_SCALE;
}

void
fig_text_draw_wrapped (FigCanvas *c,
                       FigFont font,
                       FigRGBA color,
                       const char *text,
                       double x,
                       double y,
                       double width,
                       double ax,
                       double ay)
{
  if (!text || !*text)
    return;
  PangoAlignment align = ax < 0.25   ? PANGO_ALIGN_LEFT
                         : ax > 0.75 ? PANGO_ALIGN_RIGHT
                                     : PANGO_ALIGN_CENTER;
  PangoRectangle box;
  prepare_wrapped (c, font, text, width, align, &box);
  double bx = (double)box.x / PANGO_SCALE, bw = (double)box.width / PANGO_SCALE;
  double bh = (double)box.height / PANGO_SCALE;
  check_fit (c, text, x, y, -ax * bw - bx, -ay * bh, 0);
  fig_canvas_set_color (c, color);
  cairo_move_to (c->cr, x - ax * bw - bx, y - ay * bh);
  pango_cairo_show_layout (c->cr, c->layout);
  unwrap (c);
}

void
fig_text_draw_wrapped_turned (
    FigCanvas *c, FigFont font, FigRGBA color, const char *text, double x, double y, double width)
{
  if (!text || !*text)
    return;
  PangoRectangle box;
  prepare_wrapped (c, font, text, width, PANGO_ALIGN_CENTER, &box);
  double ox = -0.5 * box.width / PANGO_SCALE - (double)box.x / PANGO_SCALE;
  check_fit (c, text, x, y, ox, 0, -G_PI / 2);
  fig_canvas_set_color (c, color);
  cairo_save (c->cr);
  cairo_translate (c->cr, x, y);
  cairo_rotate (c->cr, -G_PI / 2);
  cairo_move_to (c->cr, ox, 0);
  pango_cairo_update_layout (c->cr, c->layout);
  pango_cairo_show_layout (c->cr, c->layout);
  cairo_restore (c->cr);
  pango_cairo_update_layout (c->cr, c->layout);
  unwrap (c);
}

void
fig_draw_empty (FigCanvas *c, const char *message)
{
  fig_text_draw_opts (c, FIG_FONT_LABEL, c->style->text_muted, message ? message : FIG_ ("No data"),
                      c->width / 2, c->height / 2, &(FigTextOpts){ 0.5, 0.5, 0, c->width * 0.9 });
}
