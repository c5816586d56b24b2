/* fig_png.c — PNG encoding with libpng, for the chunks cairo's own writer cannot add: pHYs
 * (so a 300 dpi figure opens at its printed size) and text chunks naming how it was made. */
#include "config.h"

#include <png.h>
#include <stdint.h>
#include <string.h>

#include "fig_export.h"
#include "fig_i18n.h"

gboolean
fig_png_keyword_valid (const char *key)
{
  size_t n = key ? strlen (key) : 0;
  if (n < 1 || n > 79 || key[0] == ' ' || key[n - 1] == ' ' || strstr (key, "  "))
    return FALSE;
  for (size_t i = 0; i < n; i++)
    if (key[i] < 32 || key[i] > 126)
      return FALSE;
  return TRUE;
}

static gboolean
is_latin1_ascii (const char *s)
{
  for (; *s; s++)
    if ((unsigned char)*s > 126 || ((unsigned char)*s < 32 && *s != '\n'))
      return FALSE;
  return TRUE;
}

/* Cairo's premultiplied native-endian ARGB rows as straight RGB(A) bytes. */
static guint8 *
convert_rows (cairo_surface_t *image, gboolean *opaque)
{
  int w = cairo_image_surface_get_width (image), h = cairo_image_surface_get_height (image);
  int stride = cairo_image_surface_get_stride (image);
  const guint8 *src = cairo_image_surface_get_data (image);
  *opaque = TRUE;
  for (int y = 0; y < h && *opaque; y++)
    for (int x = 0; x < w; x++)
      if ((((const uint32_t *)(src + (size_t)y * stride))[x] >> 24) != 0xff)
        {
          *opaque = FALSE;
          break;
        }
  int ch = *opaque ? 3 : 4;
  guint8 *rows = g_malloc ((size_t)w * h * ch);
  for (int y = 0; y < h; y++)
    {
      const uint32_t *s = (const uint32_t *)(src + (size_t)y * stride);
      guint8 *d = rows + (size_t)y * w * ch;
      for (int x = 0; x < w; x++, d += ch)
        {
          uint32_t p = s[x], a = p >> 24;
          uint32_t r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
          if (a != 0 && a != 255)
            r = (r * 255 + a / 2) / a, g = (g * 255 + a / 2) / a, b = (b * 255 + a / 2) / a;
          d[0] = (guint8)r, d[1] = (guint8)g, d[2] = (guint8)b;
          if (ch == 4)
            d[3] = (guint8)a;
        }
    }
  return rows;
}

static void
write_bytes (png_structp png, png_bytep data, png_size_t len)
{
  g_byte_array_append (png_get_io_ptr (png), data, (guint)len);
}

static void
flush_nothing (png_structp png)
{
}

static void
set_text (png_textp t, const char *key, const char *value)
{
  memset (t, 0, sizeof *t);
  t->key = (png_charp)key;
  t->text = (png_charp)value;
  t->text_length = strlen (value);
  t->compression = PNG_TEXT_COMPRESSION_NONE;
  if (!is_latin1_ascii (value))
    {
      /* tEXt is Latin-1 only; UTF-8 values (Chinese class or dataset names) go in iTXt. */
      t->compression = PNG_ITXT_COMPRESSION_NONE;
      t->itxt_length = t->text_length;
      t->text_length = 0;
      t->lang = (png_charp) "";
      t->lang_key = (png_charp) "";
    }
}

typedef struct
{
  int w, h, channels;
  guint8 *rows;
  png_uint_32 ppm; /* pixels per metre */
  png_textp text;
  int n_text;
} PngJob;

/* Everything after setjmp lives in job, which the caller owns, so longjmp loses nothing. */
static gboolean
encode (PngJob *job, GByteArray *out, char *msg, size_t msg_len)
{
  png_structp png = png_create_write_struct (PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
  png_infop info = png ? png_create_info_struct (png) : NULL;
  if (!info)
    {
      png_destroy_write_struct (&png, NULL);
      g_strlcpy (msg, FIG_ ("out of memory"), msg_len);
      return FALSE;
    }
  if (setjmp (png_jmpbuf (png)))
    {
      png_destroy_write_struct (&png, &info);
      g_strlcpy (msg, FIG_ ("libpng failed to encode the image"), msg_len);
      return FALSE;
    }
  png_set_write_fn (png, out, write_bytes, flush_nothing);
  png_set_IHDR (png, info, job->w, job->h, 8,
                job->channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_RGB_ALPHA,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_set_pHYs (png, info, job->ppm, job->ppm, PNG_RESOLUTION_METER);
  png_set_text (png, info, job->text, job->n_text);
  png_write_info (png, info);
  for (int y = 0; y < job->h; y++)
    png_write_row (png, job->rows + (size_t)y * job->w * job->channels);
  png_write_end (png, info);
  png_destroy_write_struct (&png, &info);
  return TRUE;
}

GBytes *
fig_png_encode (cairo_surface_t *image,
                double dpi,
                const char *title,
                const FigMetadata *metadata,
                int n_metadata,
                GError **error)
{
  g_return_val_if_fail (cairo_image_surface_get_format (image) == CAIRO_FORMAT_ARGB32, NULL);
  for (int i = 0; i < n_metadata; i++)
    if (!fig_png_keyword_valid (metadata[i].key) || !metadata[i].value)
      {
        g_set_error (error, FIG_ERROR, FIG_ERROR_INVALID,
                     FIG_ ("“%s” cannot be a PNG text key: use 1 to 79 printable ASCII "
                           "characters without leading, trailing or double spaces, and give it a "
                           "value"),
                     metadata[i].key ? metadata[i].key : "(null)");
        return NULL;
      }
  cairo_surface_flush (image);
  gboolean opaque;
  PngJob job = { cairo_image_surface_get_width (image), cairo_image_surface_get_height (image) };
  job.rows = convert_rows (image, &opaque);
  job.channels = opaque ? 3 : 4;
  job.ppm = (png_uint_32)(dpi / 0.0254 + 0.5);
  job.text = g_new (png_text, n_metadata + 2);
  set_text (&job.text[job.n_text++], "Software", "Distillscope " PACKAGE_VERSION);
  if (title && *title)
    set_text (&job.text[job.n_text++], "Title", title);
  for (int i = 0; i < n_metadata; i++)
    set_text (&job.text[job.n_text++], metadata[i].key, metadata[i].value);
  GByteArray *out = g_byte_array_new ();
  char msg[128];
  gboolean ok = encode (&job, out, msg, sizeof msg);
  g_free (job.rows);
  g_free (job.text);
  if (!ok)
    {
      g_byte_array_unref (out);
      g_set_error (error, FIG_ERROR, FIG_ERROR_RENDER, FIG_ ("Cannot encode the PNG: %s"), msg);
      return NULL;
    }
  return g_byte_array_free_to_bytes (out);
}
