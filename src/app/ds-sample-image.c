/* ds-sample-image.c — sample thumbnails. */
#include "config.h"

#include <math.h>

#include "ds-sample-image.h"
#include "fig_style.h"

typedef struct
{
  double x0, y0, x1, y1; /* the data range shown */
} Bounds;

static const cairo_user_data_key_t bounds_key;

gboolean
ds_sample_is_image (const KdDataset *ds)
{
  return ds != NULL && ds->pixels != NULL;
}

gboolean
ds_sample_is_point (const KdDataset *ds)
{
  return ds != NULL && ds->pixels == NULL && kd_dataset_dim (ds) == 2;
}

static void
bytes_free_surface (gpointer surface)
{
  cairo_surface_destroy (surface);
}

static GdkTexture *
texture_from_surface (cairo_surface_t *surface)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  g_autoptr (GBytes) bytes = NULL;

  cairo_surface_flush (surface);
  /* Cairo's ARGB32 is what GDK_MEMORY_DEFAULT names. */
  bytes
      = g_bytes_new_with_free_func (cairo_image_surface_get_data (surface), (gsize)stride * height,
                                    bytes_free_surface, cairo_surface_reference (surface));
  return gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes, stride);
}

static GdkTexture *
image_texture (const KdDataset *ds, int index, int size)
{
  int w = ds->w, h = ds->h, c = ds->c;
  int scale = MAX (1, size / MAX (w, h));
  int W = w * scale, H = h * scale;
  const guint8 *src = ds->pixels + (gsize)index * kd_dataset_dim (ds);
  guint8 *rgb = g_malloc ((gsize)W * H * 3);
  g_autoptr (GBytes) bytes = NULL;

  /* Whole-factor nearest-neighbour: every data pixel a sharp square. */
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        gsize p = (gsize)(y / scale) * w + x / scale;
        guint8 *out = rgb + ((gsize)y * W + x) * 3;

        for (int k = 0; k < 3; k++)
          out[k] = src[(c >= 3 ? (gsize)k * w * h : 0) + p];
      }
  bytes = g_bytes_new_take (rgb, (gsize)W * H * 3);
  return gdk_memory_texture_new (W, H, GDK_MEMORY_R8G8B8, bytes, (gsize)W * 3);
}

static void
point_to_pixel (const Bounds *b, int size, const float *p, double *x, double *y)
{
  *x = (p[0] - b->x0) / (b->x1 - b->x0) * size;
  *y = size - (p[1] - b->y0) / (b->y1 - b->y0) * size;
}

cairo_surface_t *
ds_sample_scatter_new (const KdDataset *ds, int size)
{
  const FigStyle *style = fig_style_get (FIG_THEME_LIGHT);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
  Bounds *b = g_new0 (Bounds, 1);
  cairo_t *cr;
  double pad;

  g_return_val_if_fail (ds_sample_is_point (ds), surface);

  b->x0 = b->y0 = INFINITY;
  b->x1 = b->y1 = -INFINITY;
  for (int i = 0; i < ds->n; i++)
    {
      const float *p = ds->features + (gsize)i * 2;
      b->x0 = fmin (b->x0, p[0]), b->x1 = fmax (b->x1, p[0]);
      b->y0 = fmin (b->y0, p[1]), b->y1 = fmax (b->y1, p[1]);
    }
  if (!(b->x1 > b->x0))
    b->x0 -= 1, b->x1 += 1;
  if (!(b->y1 > b->y0))
    b->y0 -= 1, b->y1 += 1;
  pad = 0.08;
  b->x0 -= pad * (b->x1 - b->x0), b->x1 += pad * (b->x1 - b->x0);
  b->y0 -= pad * (b->y1 - b->y0), b->y1 += pad * (b->y1 - b->y0);
  cairo_surface_set_user_data (surface, &bounds_key, b, g_free);

  cr = cairo_create (surface);
  for (int i = 0; i < ds->n; i++)
    {
      FigRGBA c = fig_style_class_look (style, ds->labels[i]).color;
      double x, y;

      point_to_pixel (b, size, ds->features + (gsize)i * 2, &x, &y);
      cairo_set_source_rgba (cr, c.r, c.g, c.b, 0.45);
      cairo_rectangle (cr, x - 0.75, y - 0.75, 1.5, 1.5);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
  return surface;
}

static GdkTexture *
point_texture (const KdDataset *ds, int index, int size, cairo_surface_t *scatter)
{
  const Bounds *b = cairo_surface_get_user_data (scatter, &bounds_key);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, size, size);
  FigRGBA c = fig_style_class_look (fig_style_get (FIG_THEME_LIGHT), ds->labels[index]).color;
  double r = MAX (3.0, size / 16.0), x, y;
  GdkTexture *texture;
  cairo_t *cr;

  cr = cairo_create (surface);
  cairo_set_source_surface (cr, scatter, 0, 0);
  cairo_paint (cr);
  if (b != NULL)
    {
      point_to_pixel (b, size, ds->features + (gsize)index * 2, &x, &y);
      /* A dark ring around a light one: visible on any colour. */
      cairo_arc (cr, x, y, r, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, c.r, c.g, c.b);
      cairo_fill_preserve (cr);
      cairo_set_line_width (cr, r / 2.5);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      cairo_stroke (cr);
      cairo_arc (cr, x, y, r + r / 2.5, 0, 2 * G_PI);
      cairo_set_line_width (cr, r / 3.0);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_stroke (cr);
    }
  cairo_destroy (cr);
  texture = texture_from_surface (surface);
  cairo_surface_destroy (surface);
  return texture;
}

GdkTexture *
ds_sample_texture (const KdDataset *ds, int index, int size, cairo_surface_t *scatter)
{
  g_return_val_if_fail (ds != NULL, NULL);
  g_return_val_if_fail (index >= 0 && index < ds->n, NULL);

  if (ds_sample_is_image (ds))
    return image_texture (ds, index, size);
  if (ds_sample_is_point (ds) && scatter != NULL)
    return point_texture (ds, index, size, scatter);
  return NULL;
}

char *
ds_sample_features_text (const KdDataset *ds, int index, int max)
{
  static const char *const subscripts[] = { "₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉" };
  GString *text = g_string_new (NULL);
  int d = (int)kd_dataset_dim (ds);

  g_return_val_if_fail (ds->features != NULL, g_string_free (text, FALSE));

  for (int k = 0; k < MIN (d, max); k++)
    {
      char number[G_ASCII_DTOSTR_BUF_SIZE], digits[16];
      double v = ds->features[(gsize)index * d + k];

      g_string_append_printf (text, "%sx", k > 0 ? "\n" : "");
      g_snprintf (digits, sizeof digits, "%d", k + 1);
      for (const char *q = digits; *q; q++)
        g_string_append (text, subscripts[*q - '0']);
      g_snprintf (number, sizeof number, "%.3g", fabs (v));
      g_string_append_printf (text, " = %s%s", v < 0 ? "−" : "", number);
    }
  if (d > max)
    g_string_append (text, "\n…");
  return g_string_free (text, FALSE);
}
