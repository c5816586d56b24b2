/* fig_raster.c — images through colormaps, and fast scatter dots. */
#include "fig_raster.h"

#include <math.h>
#include <stdlib.h>

cairo_surface_t *
fig_raster_new (int w, int h, uint32_t **pixels, int *stride)
{
  cairo_surface_t *s
      = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w > 0 ? w : 1, h > 0 ? h : 1);
  cairo_surface_flush (s);
  *pixels = (uint32_t *)cairo_image_surface_get_data (s);
  *stride = cairo_image_surface_get_stride (s) / 4;
  return s;
}

static unsigned
to_u8 (double v)
{
  return (unsigned)lround ((v < 0 ? 0 : v > 1 ? 1 : v) * 255.0);
}

uint32_t
fig_argb (FigRGBA c)
{
  double a = c.a < 0 ? 0 : c.a > 1 ? 1 : c.a;
  return to_u8 (a) << 24 | to_u8 (c.r * a) << 16 | to_u8 (c.g * a) << 8 | to_u8 (c.b * a);
}

cairo_surface_t *
fig_raster_colormap (
    const float *values, int w, int h, FigColormap map, double lo, double hi, bool flip_rows)
{
  uint32_t *px;
  int stride;
  cairo_surface_t *s = fig_raster_new (w, h, &px, &stride);
  double span = hi > lo ? hi - lo : 1;
  for (int j = 0; j < h; j++)
    {
      uint32_t *row = px + (size_t)(flip_rows ? h - 1 - j : j) * stride;
      for (int i = 0; i < w; i++)
        {
          double v = values[(size_t)j * w + i];
          unsigned char rgb[3];
          if (!isfinite (v))
            {
              row[i] = 0;
              continue;
            }
          fig_colormap_eval_u8 (map, (v - lo) / span, rgb);
          row[i] = 0xffu << 24 | (uint32_t)rgb[0] << 16 | (uint32_t)rgb[1] << 8 | rgb[2];
        }
    }
  cairo_surface_mark_dirty (s);
  return s;
}

void
fig_raster_draw (FigCanvas *c, cairo_surface_t *image, FigRect r, bool smooth)
{
  int w = cairo_image_surface_get_width (image), h = cairo_image_surface_get_height (image);
  cairo_t *cr = c->cr;
  cairo_save (cr);
  cairo_rectangle (cr, r.x, r.y, r.w, r.h);
  cairo_clip (cr);
  cairo_translate (cr, r.x, r.y);
  cairo_scale (cr, r.w / w, r.h / h);
  cairo_set_source_surface (cr, image, 0, 0);
  cairo_pattern_t *pat = cairo_get_source (cr);
  cairo_pattern_set_filter (pat, smooth ? CAIRO_FILTER_BILINEAR : CAIRO_FILTER_NEAREST);
  /* Padding keeps the outermost pixels at full strength under interpolation. */
  cairo_pattern_set_extend (pat, CAIRO_EXTEND_PAD);
  cairo_paint (cr);
  cairo_restore (cr);
}

void
fig_raster_draw_tile (
    FigCanvas *c, cairo_surface_t *image, int sx, int sy, int sw, int sh, FigRect r)
{
  cairo_t *cr = c->cr;
  cairo_pattern_t *pat = cairo_pattern_create_for_surface (image);
  cairo_matrix_t m;
  cairo_matrix_init (&m, sw / r.w, 0, 0, sh / r.h, sx - r.x * sw / r.w, sy - r.y * sh / r.h);
  cairo_pattern_set_matrix (pat, &m);
  cairo_pattern_set_filter (pat, CAIRO_FILTER_NEAREST);
  cairo_set_source (cr, pat);
  cairo_rectangle (cr, r.x, r.y, r.w, r.h);
  cairo_fill (cr);
  cairo_pattern_destroy (pat);
}

/* ---- dots ---------------------------------------------------------------------------------- */

#define PHASES 4        /* sub-pixel positions per axis */
#define MAX_DOT_PX 48.0 /* larger dots (rare) are left to cairo */

/* Where the dots go in an image surface's pixels. */
typedef struct
{
  uint32_t *px;
  int stride;           /* in pixels */
  double scale, ox, oy; /* figure pixel (x, y) is device pixel (x * scale + ox, y * scale + oy) */
  int x0, y0, x1, y1;   /* the clip, [x0, x1) x [y0, y1) */
} Target;

/* A rectangular clip in user space, or false. */
static bool
single_clip_rect (cairo_t *cr, FigRect *out)
{
  cairo_rectangle_list_t *list = cairo_copy_clip_rectangle_list (cr);
  bool ok = list->status == CAIRO_STATUS_SUCCESS && list->num_rectangles == 1;
  if (ok)
    *out = (FigRect){ list->rectangles[0].x, list->rectangles[0].y, list->rectangles[0].width,
                      list->rectangles[0].height };
  cairo_rectangle_list_destroy (list);
  return ok;
}

static bool
fast_target (FigCanvas *c, const FigRect *clip, Target *t, cairo_surface_t **surface)
{
  cairo_surface_t *s = cairo_get_group_target (c->cr);
  if (cairo_surface_get_type (s) != CAIRO_SURFACE_TYPE_IMAGE)
    return false;
  cairo_format_t f = cairo_image_surface_get_format (s);
  cairo_matrix_t m;
  cairo_get_matrix (c->cr, &m);
  double dsx, dsy, dox, doy;
  cairo_surface_get_device_scale (s, &dsx, &dsy);
  cairo_surface_get_device_offset (s, &dox, &doy);
  FigRect cl;
  if ((f != CAIRO_FORMAT_ARGB32 && f != CAIRO_FORMAT_RGB24) || m.xy != 0 || m.yx != 0 || !(m.xx > 0)
      || fabs (m.xx * dsx - m.yy * dsy) > 1e-9 * m.xx * dsx || !single_clip_rect (c->cr, &cl))
    return false;
  t->scale = m.xx * dsx;
  t->ox = m.x0 * dsx + dox;
  t->oy = m.y0 * dsy + doy;
  double x0 = fmax (cl.x, clip->x), y0 = fmax (cl.y, clip->y);
  double x1 = fmin (cl.x + cl.w, clip->x + clip->w), y1 = fmin (cl.y + cl.h, clip->y + clip->h);
  t->x0 = (int)fmax (0, round (x0 * t->scale + t->ox));
  t->y0 = (int)fmax (0, round (y0 * t->scale + t->oy));
  t->x1 = (int)fmin (cairo_image_surface_get_width (s), round (x1 * t->scale + t->ox));
  t->y1 = (int)fmin (cairo_image_surface_get_height (s), round (y1 * t->scale + t->oy));
  cairo_surface_flush (s);
  t->px = (uint32_t *)cairo_image_surface_get_data (s);
  t->stride = cairo_image_surface_get_stride (s) / 4;
  *surface = s;
  return t->px != NULL;
}

/* Coverage masks of a disc (and of the disc inside its edge ring) at PHASES x PHASES sub-pixel
 * offsets: mask (phase, size, size), its centre at (half + (q + 0.5) / PHASES) pixels. */
typedef struct
{
  int size, half;
  uint8_t *outer, *inner;
} Masks;

static uint8_t
coverage (double r, double dist)
{
  /* Linear falloff over one pixel at the rim: exact for straight edges, and within a few
   * percent of the true area for discs of more than a pixel or two. */
  double v = r - dist + 0.5;
  return (uint8_t)lround ((v < 0 ? 0 : v > 1 ? 1 : v) * 255.0);
}

static bool
masks_build (Masks *m, double radius, double inner_radius)
{
  m->half = (int)ceil (radius + 1);
  m->size = 2 * m->half + 1;
  size_t one = (size_t)m->size * m->size;
  m->outer = malloc (2 * PHASES * PHASES * one);
  if (!m->outer)
    return false;
  m->inner = m->outer + PHASES * PHASES * one;
  for (int qy = 0; qy < PHASES; qy++)
    for (int qx = 0; qx < PHASES; qx++)
      {
        size_t base = (size_t)(qy * PHASES + qx) * one;
        double cx = m->half + (qx + 0.5) / PHASES, cy = m->half + (qy + 0.5) / PHASES;
        for (int j = 0; j < m->size; j++)
          for (int i = 0; i < m->size; i++)
            {
              double d = hypot (i + 0.5 - cx, j + 0.5 - cy);
              m->outer[base + (size_t)j * m->size + i] = coverage (radius, d);
              m->inner[base + (size_t)j * m->size + i] = coverage (inner_radius, d);
            }
      }
  return true;
}

static inline unsigned
div255 (unsigned v)
{
  v += 128;
  return (v + (v >> 8)) >> 8;
}

/* dst (premultiplied) under colour rgb (0xRRGGBB) at opacity a (0..255). */
static inline uint32_t
blend (uint32_t dst, uint32_t rgb, unsigned a)
{
  unsigned ia = 255 - a;
  unsigned r = div255 (((rgb >> 16) & 255) * a + ((dst >> 16) & 255) * ia);
  unsigned g = div255 (((rgb >> 8) & 255) * a + ((dst >> 8) & 255) * ia);
  unsigned b = div255 ((rgb & 255) * a + (dst & 255) * ia);
  unsigned al = a + div255 ((dst >> 24) * ia);
  return al << 24 | r << 16 | g << 8 | b;
}

static void
stamp (const Target *t, const uint8_t *mask, int size, int left, int top, uint32_t rgb, unsigned a)
{
  int i0 = left < t->x0 ? t->x0 - left : 0, j0 = top < t->y0 ? t->y0 - top : 0;
  int i1 = left + size > t->x1 ? t->x1 - left : size;
  int j1 = top + size > t->y1 ? t->y1 - top : size;
  for (int j = j0; j < j1; j++)
    {
      uint32_t *row = t->px + (size_t)(top + j) * t->stride + left;
      const uint8_t *mrow = mask + (size_t)j * size;
      for (int i = i0; i < i1; i++)
        if (mrow[i])
          row[i] = blend (row[i], rgb, div255 (mrow[i] * a));
    }
}

static uint32_t
rgb24 (FigRGBA c)
{
  return to_u8 (c.r) << 16 | to_u8 (c.g) << 8 | to_u8 (c.b);
}

static bool
dots_fast (
    FigCanvas *c, const double *x, const double *y, const uint8_t *color, int n, const FigDots *d)
{
  Target t;
  cairo_surface_t *surface;
  if (!fast_target (c, &d->clip, &t, &surface))
    return false;
  double r = d->diameter * t.scale / 2, ew = d->edge.a > 0 ? d->edge_width * t.scale : 0;
  if (2 * r > MAX_DOT_PX || r <= 0)
    return false;
  Masks m;
  if (!masks_build (&m, r, r - ew))
    return false;
  size_t one = (size_t)m.size * m.size;
  uint32_t edge = rgb24 (d->edge);
  unsigned edge_a = to_u8 (d->edge.a);
  for (int i = 0; i < n; i++)
    {
      double px = x[i] * t.scale + t.ox, py = y[i] * t.scale + t.oy;
      if (!isfinite (px) || !isfinite (py) || px < t.x0 - r || px > t.x1 + r || py < t.y0 - r
          || py > t.y1 + r)
        continue;
      double fx = floor (px), fy = floor (py);
      int qx = (int)((px - fx) * PHASES), qy = (int)((py - fy) * PHASES);
      size_t base = (size_t)(qy * PHASES + qx) * one;
      int left = (int)fx - m.half, top = (int)fy - m.half;
      FigRGBA fill = d->palette[(color ? color[i] : 0) % d->n_colors];
      if (ew > 0)
        {
          stamp (&t, m.outer + base, m.size, left, top, edge, edge_a);
          stamp (&t, m.inner + base, m.size, left, top, rgb24 (fill), to_u8 (fill.a));
        }
      else
        stamp (&t, m.outer + base, m.size, left, top, rgb24 (fill), to_u8 (fill.a));
    }
  free (m.outer);
  cairo_surface_mark_dirty (surface);
  return true;
}

static void
dots_cairo (
    FigCanvas *c, const double *x, const double *y, const uint8_t *color, int n, const FigDots *d)
{
  cairo_t *cr = c->cr;
  double r = d->diameter / 2, ew = d->edge.a > 0 ? d->edge_width : 0;
  cairo_save (cr);
  cairo_rectangle (cr, d->clip.x, d->clip.y, d->clip.w, d->clip.h);
  cairo_clip (cr);
  cairo_set_line_width (cr, ew);
  for (int i = 0; i < n; i++)
    {
      if (!isfinite (x[i]) || !isfinite (y[i]))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, x[i], y[i], r - ew / 2, 0, 2 * G_PI);
      fig_canvas_set_color (c, d->palette[(color ? color[i] : 0) % d->n_colors]);
      if (ew > 0)
        {
          cairo_fill_preserve (cr);
          fig_canvas_set_color (c, d->edge);
          cairo_stroke (cr);
        }
      else
        cairo_fill (cr);
    }
  cairo_restore (cr);
}

void
fig_dots_draw (
    FigCanvas *c, const double *x, const double *y, const uint8_t *color, int n, const FigDots *d)
{
  if (n <= 0 || d->n_colors <= 0 || !(d->diameter > 0))
    return;
  if (!dots_fast (c, x, y, color, n, d))
    dots_cairo (c, x, y, color, n, d);
}
