/* fig_export.c — the same painter into an image, SVG or PDF surface, status checked, then
 * written atomically. */
#include "config.h"

#include "fig_export.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <math.h>
#include <string.h>

#include "fig_canvas.h"
#include "fig_i18n.h"

GQuark
fig_error_quark (void)
{
  return g_quark_from_static_string ("fig-error-quark");
}

#define MAX_SIDE 16384

void
fig_export_options_init (FigExportOptions *opts)
{
  memset (opts, 0, sizeof *opts);
  opts->width = 640;
  opts->height = 400;
  opts->dpi = 96;
}

gboolean
fig_format_from_path (const char *path, FigFormat *format)
{
  const char *dot = path ? strrchr (path, '.') : NULL;
  static const char *const ext[] = { ".png", ".svg", ".pdf" };
  for (int f = 0; dot && f < 3; f++)
    if (g_ascii_strcasecmp (dot, ext[f]) == 0)
      {
        *format = (FigFormat)f;
        return TRUE;
      }
  return FALSE;
}

static gboolean
check_size (int width, int height, double dpi, GError **error)
{
  if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE)
    {
      g_set_error (error, FIG_ERROR, FIG_ERROR_INVALID,
                   FIG_ ("A figure of %d × %d pixels cannot be drawn: each side must be 1 to %d"),
                   width, height, MAX_SIDE);
      return FALSE;
    }
  if (!(dpi >= 10 && dpi <= 2400))
    {
      g_set_error (error, FIG_ERROR, FIG_ERROR_INVALID,
                   FIG_ ("A resolution of %g dpi is out of range (10 to 2400)"), dpi);
      return FALSE;
    }
  return TRUE;
}

/* Cairo's first error on the context or its surface, as a FIG_ERROR_RENDER. */
static gboolean
check_cairo (cairo_t *cr, GError **error)
{
  cairo_status_t st = cairo_status (cr);
  if (st == CAIRO_STATUS_SUCCESS)
    st = cairo_surface_status (cairo_get_target (cr));
  if (st == CAIRO_STATUS_SUCCESS)
    return TRUE;
  g_set_error (error, FIG_ERROR, FIG_ERROR_RENDER, FIG_ ("Cannot draw the figure: %s"),
               cairo_status_to_string (st));
  return FALSE;
}

/* The height of a page's heading band: a line of the figure title's type, padded. */
static double
heading_height (const FigStyle *style)
{
  return ceil ((1.4 * 1.15 * style->title_size + 2 * style->pad) * fig_style_scale (style));
}

static void
paint_heading (cairo_t *cr, double width, double height, const char *title, const FigStyle *style)
{
  FigCanvas c;
  fig_canvas_begin (&c, cr, width, height, style);
  double pad = 2 * fig_pt (&c, style->pad);
  fig_text_draw_opts (&c, FIG_FONT_HEAD, style->text, title, pad, height / 2,
                      &(FigTextOpts){ 0, 0.5, 0, width - 2 * pad });
  fig_canvas_end (&c);
}

/* Draws a page of w x h figure pixels: its heading, if any, then the figure below it. */
static void
paint_page (cairo_t *cr, const FigPage *page, const FigStyle *style, double w, double h)
{
  double band = 0;
  cairo_save (cr);
  if (page->heading && page->title)
    {
      band = heading_height (style);
      paint_heading (cr, w, band, page->title, style);
      cairo_translate (cr, 0, band);
    }
  page->paint (cr, w, h - band, page->data, style);
  cairo_restore (cr);
}

/* A page's size in figure pixels, its heading band included. */
static void
page_size (
    const FigPage *page, const FigExportOptions *o, const FigStyle *style, double *w, double *h)
{
  *w = page->width > 0 ? page->width : o->width;
  *h = page->height > 0 ? page->height : o->height;
  if (page->heading && page->title)
    *h += heading_height (style);
}

cairo_surface_t *
fig_render_image (FigPaintFunc paint,
                  const void *data,
                  const FigStyle *style,
                  int width,
                  int height,
                  double dpi,
                  GError **error)
{
  if (!check_size (width, height, dpi, error))
    return NULL;
  FigStyle s = *style;
  s.dpi = dpi;
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cairo_t *cr = cairo_create (surface);
  paint (cr, width, height, data, &s);
  gboolean ok = check_cairo (cr, error);
  cairo_destroy (cr);
  if (!ok)
    g_clear_pointer (&surface, cairo_surface_destroy);
  return surface;
}

static cairo_status_t
append_stream (void *closure, const unsigned char *data, unsigned int len)
{
  g_byte_array_append (closure, data, len);
  return CAIRO_STATUS_SUCCESS;
}

static void
set_pdf_metadata (cairo_surface_t *pdf, const FigExportOptions *o)
{
  cairo_pdf_surface_set_metadata (pdf, CAIRO_PDF_METADATA_CREATOR, "Distillscope " PACKAGE_VERSION);
  if (o->title)
    cairo_pdf_surface_set_metadata (pdf, CAIRO_PDF_METADATA_TITLE, o->title);
  if (o->n_metadata == 0)
    return;
  GString *kw = g_string_new (NULL);
  for (int i = 0; i < o->n_metadata; i++)
    g_string_append_printf (kw, "%s%s: %s", i ? "; " : "", o->metadata[i].key,
                            o->metadata[i].value ? o->metadata[i].value : "");
  cairo_pdf_surface_set_metadata (pdf, CAIRO_PDF_METADATA_KEYWORDS, kw->str);
  g_string_free (kw, TRUE);
}

/* A vector surface (SVG, or PDF with n_pages pages) whose user space is the figure's pixels. */
static GBytes *
render_vector (FigFormat format,
               const FigExportOptions *o,
               const FigPage *pages,
               int n_pages,
               const FigStyle *style,
               GError **error)
{
  FigStyle s = *style;
  s.dpi = o->dpi;
  double w, h;
  page_size (&pages[0], o, &s, &w, &h);
  double w_pt = w * 72.0 / o->dpi, h_pt = h * 72.0 / o->dpi;
  GByteArray *bytes = g_byte_array_new ();
  cairo_surface_t *surface;
  if (format == FIG_FORMAT_SVG)
    {
      surface = cairo_svg_surface_create_for_stream (append_stream, bytes, w_pt, h_pt);
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PT);
    }
  else
    {
      surface = cairo_pdf_surface_create_for_stream (append_stream, bytes, w_pt, h_pt);
      set_pdf_metadata (surface, o);
    }
  cairo_t *cr = cairo_create (surface);
  cairo_scale (cr, 72.0 / o->dpi, 72.0 / o->dpi);
  gboolean ok = TRUE;
  for (int i = 0; i < n_pages && ok; i++)
    {
      page_size (&pages[i], o, &s, &w, &h);
      if (format == FIG_FORMAT_PDF)
        {
          cairo_pdf_surface_set_size (surface, w * 72.0 / o->dpi, h * 72.0 / o->dpi);
          if (pages[i].title)
            {
              g_autofree char *link = g_strdup_printf ("page=%d", i + 1);
              cairo_pdf_surface_add_outline (surface, CAIRO_PDF_OUTLINE_ROOT, pages[i].title, link,
                                             0);
            }
        }
      paint_page (cr, &pages[i], &s, w, h);
      cairo_show_page (cr);
      ok = check_cairo (cr, error);
    }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  if (ok && cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, FIG_ERROR, FIG_ERROR_RENDER,
                   /* Translators: the first %s is "SVG" or "PDF", the second cairo's reason */
                   FIG_ ("Cannot finish the %s file: %s"), format == FIG_FORMAT_SVG ? "SVG" : "PDF",
                   cairo_status_to_string (cairo_surface_status (surface)));
      ok = FALSE;
    }
  cairo_surface_destroy (surface);
  if (!ok)
    {
      g_byte_array_unref (bytes);
      return NULL;
    }
  return g_byte_array_free_to_bytes (bytes);
}

static GBytes *
render_png (const FigExportOptions *o,
            FigPaintFunc paint,
            const void *data,
            const FigStyle *style,
            GError **error)
{
  cairo_surface_t *image
      = fig_render_image (paint, data, style, o->width, o->height, o->dpi, error);
  if (!image)
    return NULL;
  GBytes *png = fig_png_encode (image, o->dpi, o->title, o->metadata, o->n_metadata, error);
  cairo_surface_destroy (image);
  return png;
}

static gboolean
write_atomically (const char *path, const void *data, gsize len, GError **error)
{
  GError *local = NULL;
  /* CONSISTENT: a temporary file renamed over the target, so a failure leaves the old file;
   * DURABLE: fsync'ed before the rename, so a crash cannot leave an empty file either. */
  if (g_file_set_contents_full (path, data, (gssize)len,
                                G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0644,
                                &local))
    return TRUE;
  char *display = g_filename_display_name (path);
  g_set_error (error, FIG_ERROR, FIG_ERROR_WRITE, FIG_ ("Cannot write “%s”: %s"), display,
               local->message);
  g_free (display);
  g_error_free (local);
  return FALSE;
}

static gboolean
write_bytes (const char *path, GBytes *bytes, GError **error)
{
  if (!bytes)
    return FALSE;
  gsize len;
  const void *data = g_bytes_get_data (bytes, &len);
  gboolean ok = write_atomically (path, data, len, error);
  g_bytes_unref (bytes);
  return ok;
}

gboolean
fig_export (const char *path,
            FigFormat format,
            const FigExportOptions *opts,
            FigPaintFunc paint,
            const void *data,
            const FigStyle *style,
            GError **error)
{
  g_return_val_if_fail (path && opts && paint && style, FALSE);
  if (!check_size (opts->width, opts->height, opts->dpi, error))
    return FALSE;
  if (format == FIG_FORMAT_PNG)
    return write_bytes (path, render_png (opts, paint, data, style, error), error);
  if (format != FIG_FORMAT_SVG && format != FIG_FORMAT_PDF)
    {
      g_set_error (error, FIG_ERROR, FIG_ERROR_INVALID, FIG_ ("Unknown figure format %d"), format);
      return FALSE;
    }
  FigPage page = { paint, data };
  return write_bytes (path, render_vector (format, opts, &page, 1, style, error), error);
}

gboolean
fig_export_pdf_pages (const char *path,
                      const FigExportOptions *opts,
                      const FigPage *pages,
                      int n_pages,
                      const FigStyle *style,
                      GError **error)
{
  g_return_val_if_fail (path && opts && style && (pages || n_pages == 0), FALSE);
  if (!check_size (opts->width, opts->height, opts->dpi, error))
    return FALSE;
  if (n_pages < 1)
    {
      g_set_error_literal (error, FIG_ERROR, FIG_ERROR_INVALID,
                           FIG_ ("A PDF needs at least one page"));
      return FALSE;
    }
  for (int i = 0; i < n_pages; i++)
    if ((pages[i].width > 0 || pages[i].height > 0)
        && !check_size (pages[i].width > 0 ? pages[i].width : opts->width,
                        pages[i].height > 0 ? pages[i].height : opts->height, opts->dpi, error))
      return FALSE;
  return write_bytes (path, render_vector (FIG_FORMAT_PDF, opts, pages, n_pages, style, error),
                      error);
}

gboolean
fig_export_text (const char *path, const char *text, gssize len, GError **error)
{
  g_return_val_if_fail (path && text, FALSE);
  return write_atomically (path, text, len < 0 ? strlen (text) : (gsize)len, error);
}
