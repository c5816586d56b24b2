/* fig_export.h — one painter, every format: PNG (libpng, with DPI and provenance text),
 * SVG, single- and multi-page PDF, and CSV; every file written atomically.
 *
 * Files are built in memory and then written to a temporary file in the target's directory,
 * fsync'ed and renamed over the target, so a failure (unwritable directory, full disk, a
 * painter leaving cairo in an error state) reports a FIG_ERROR and leaves any existing file
 * untouched. Sizes: width and height in pixels at `dpi`; an SVG or PDF page is
 * width * 72 / dpi by height * 72 / dpi points with the very same layout (see fig_style.h). */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "fig_style.h"

#define FIG_ERROR (fig_error_quark ())

typedef enum
{
  FIG_ERROR_INVALID, /* bad size, dpi, metadata key or format */
  FIG_ERROR_RENDER,  /* cairo or libpng failed while drawing or encoding */
  FIG_ERROR_WRITE,   /* the file could not be written; the old one is intact */
} FigError;

GQuark fig_error_quark (void);

/* A painter behind a generic data pointer (see fig_registry.h for the adapters). */
typedef void (*FigPaintFunc) (
    cairo_t *cr, double width, double height, const void *data, const FigStyle *style);

typedef enum
{
  FIG_FORMAT_PNG,
  FIG_FORMAT_SVG,
  FIG_FORMAT_PDF,
} FigFormat;

typedef struct
{
  const char *key;   /* PNG keyword: 1-79 printable ASCII characters, no edge or double spaces */
  const char *value; /* UTF-8 */
} FigMetadata;

typedef struct
{
  int width, height;           /* pixels, 1 .. 16384 */
  double dpi;                  /* 10 .. 2400 */
  const char *title;           /* PNG "Title", PDF title; NULL for none */
  const FigMetadata *metadata; /* PNG text chunks; PDF keywords "key: value; ..." */
  int n_metadata;
} FigExportOptions;

/* A page of a multi-page PDF. */
typedef struct
{
  FigPaintFunc paint;
  const void *data;
  int width, height; /* pixels at the options' dpi; 0 for the options' width and height */
  const char *title; /* the page's entry in the PDF's outline (bookmarks); NULL for none */
  gboolean heading;  /* the title also drawn in a band above the figure, which keeps its size */
} FigPage;

/* 640 x 400 at 96 dpi, no title or metadata. */
void fig_export_options_init (FigExportOptions *opts);

/* From the file name's extension (.png, .svg, .pdf; any case). */
gboolean fig_format_from_path (const char *path, FigFormat *format);

gboolean fig_export (const char *path,
                     FigFormat format,
                     const FigExportOptions *opts,
                     FigPaintFunc paint,
                     const void *data,
                     const FigStyle *style,
                     GError **error);

/* One PDF with a page per painter, each page the size it asks for (or that in opts) plus the
 * band of its heading. */
gboolean fig_export_pdf_pages (const char *path,
                               const FigExportOptions *opts,
                               const FigPage *pages,
                               int n_pages,
                               const FigStyle *style,
                               GError **error);

/* Writes text (a figure's CSV) atomically. */
gboolean fig_export_text (const char *path, const char *text, gssize len, GError **error);

/* The figure drawn on a new ARGB32 image surface of width x height at dpi; NULL with an error
 * for a bad size or a drawing failure. */
cairo_surface_t *fig_render_image (FigPaintFunc paint,
                                   const void *data,
                                   const FigStyle *style,
                                   int width,
                                   int height,
                                   double dpi,
                                   GError **error);

/* PNG bytes of an ARGB32 image surface: RGB when it is opaque, RGBA otherwise; a pHYs chunk
 * for dpi; tEXt chunks "Software" (Distillscope and its version), "Title" when given, then
 * the metadata (iTXt for values beyond Latin-1). */
GBytes *fig_png_encode (cairo_surface_t *image,
                        double dpi,
                        const char *title,
                        const FigMetadata *metadata,
                        int n_metadata,
                        GError **error);

/* True when key is a valid PNG keyword. */
gboolean fig_png_keyword_valid (const char *key);
