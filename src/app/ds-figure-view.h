/* ds-figure-view.h — one figure on screen, drawn by its painter, with hover, Export and Copy.
 *
 * A DsFigureView shows one figure through the very painter exports use (src/figures), in the
 * light or dark figure style that follows the desktop (AdwStyleManager), on a transparent
 * background so the card behind shows through. Its small toolbar in the top-right corner holds:
 *
 *   Copy    the figure as an image on the clipboard (Ctrl+C while the view has the focus),
 *           drawn in the export style at twice the on-screen resolution;
 *   Export  a popover with format (PNG, SVG, PDF), size in pixels, DPI and style, defaults from
 *           the GSettings keys export-dpi and export-style, then a save dialog; and "Export
 *           Data (CSV)…" for the plotted numbers.
 *
 * Usage, in a page:
 *
 *   self->data = (FigSoftLabelsData){ ... };                // owned by the page
 *   ds_figure_view_set_figure (view, FIG_KIND_SOFT_LABELS, &self->data);
 *   ...
 *   self->data.temperature = t;                             // change it in place, then
 *   ds_figure_view_changed (view);                          // redraw (main thread only)
 *
 * The data is BORROWED: it (and every array it points to) must stay valid until it is
 * replaced or set to NULL, and it is only read on the main thread (drawing, export, copy).
 * Painters draw "no data" themselves for empty data; a page with nothing to show yet should
 * show an AdwStatusPage instead of the view.
 *
 * Hover: ds_figure_view_set_hover_func() gets (x, y) in figure pixels — the view's own
 * coordinates, figure size = the widget's width and height — and returns a new string to show
 * next to the pointer, or NULL for nothing. Painters do not expose their layout, so a page
 * finds out what is under the pointer by painting probes: ds_figure_view_get_probe() paints
 * any data with any style through any painter at the view's size, off screen, cached until
 * the size or the figure changes. ds_figure_probe_style_init() gives a style in which only the
 * data marks are opaque and carry codes; ds_figure_view_pick_heatmap_cell() is the ready-made
 * hit test for heat maps (similarity, confusion, CKA).
 */
#pragma once

#include <gtk/gtk.h>

#include "ds-experiment.h"
#include "ds-page.h"
#include "fig_export.h"
#include "fig_heatmap.h"
#include "fig_registry.h"

G_BEGIN_DECLS

#define DS_TYPE_FIGURE_VIEW (ds_figure_view_get_type ())

G_DECLARE_FINAL_TYPE (DsFigureView, ds_figure_view, DS, FIGURE_VIEW, GtkWidget)

/* Returns a newly allocated text for the point (x, y) of the figure (figure pixels, the
 * widget's coordinates), or NULL when there is nothing to say about it. */
typedef char *(*DsFigureHoverFunc) (DsFigureView *view, double x, double y, gpointer user_data);

/* How an export looks; ds_figure_view_get_export_options() fills in the defaults. */
typedef struct
{
  int width, height; /* pixels, 1 .. 16384 */
  double dpi;        /* 10 .. 2400; the layout is that of width * 96 / dpi on screen */
  FigTheme theme;
} DsFigureExportOptions;

GtkWidget *ds_figure_view_new (void);

/* Shows a registered figure: its painter and CSV writer come from fig_registry. data is
 * borrowed (see above); NULL shows nothing and disables Export and Copy. */
void ds_figure_view_set_figure (DsFigureView *self, FigKind kind, gconstpointer data);
/* The same for any painter; csv may be NULL (no "Export Data"). */
void ds_figure_view_set_painter (DsFigureView *self,
                                 FigPaintFunc paint,
                                 FigCsvFunc csv,
                                 gconstpointer data);
gconstpointer ds_figure_view_get_data (DsFigureView *self);
/* The painter of the figure shown, NULL when none (for reports of every figure). */
FigPaintFunc ds_figure_view_get_painter (DsFigureView *self);
/* The registered kind of the figure shown; FIG_N_KINDS for another painter or none. */
FigKind ds_figure_view_get_kind (DsFigureView *self);
gboolean ds_figure_view_has_figure (DsFigureView *self);
/* The data changed in place: redraw, drop probes, update the hover text. */
void ds_figure_view_changed (DsFigureView *self);

/* "title": the accessible name of the figure and the Title of exported PNG/PDF files. */
void ds_figure_view_set_title (DsFigureView *self, const char *title);
const char *ds_figure_view_get_title (DsFigureView *self);
/* "description": a short text for screen readers of what the figure shows right now. */
void ds_figure_view_set_description (DsFigureView *self, const char *description);
/* "export-name": the suggested file name without extension, e.g. "soft-labels". */
void ds_figure_view_set_export_name (DsFigureView *self, const char *name);
const char *ds_figure_view_get_export_name (DsFigureView *self);
/* "experiment" (optional): exports then carry its run configuration and data as PNG text
 * chunks / PDF keywords, like every export of the app. */
void ds_figure_view_set_experiment (DsFigureView *self, DsExperiment *experiment);

void ds_figure_view_set_hover_func (DsFigureView *self,
                                    DsFigureHoverFunc func,
                                    gpointer user_data,
                                    GDestroyNotify destroy);
/* What the hover label would say with the pointer at (x, y): the hover function's text, or
 * NULL (no figure, no function, nothing there). */
char *ds_figure_view_get_hover_text (DsFigureView *self, double x, double y);

/* The defaults of the export popover: GSettings export-dpi and export-style, and the on-screen
 * layout (the widget's size, or 720 x 450 when it is not shown) at that dpi. */
void ds_figure_view_get_export_options (DsFigureView *self, DsFigureExportOptions *opts);
/* Writes the figure to file: PNG, SVG, PDF through fig_export, CSV through the figure's CSV
 * writer. opts NULL: the defaults above. For a page's DsPage.export and for tests. */
gboolean ds_figure_view_export (DsFigureView *self,
                                GFile *file,
                                DsExportFormat format,
                                const DsFigureExportOptions *opts,
                                GError **error);
/* The figure as a texture of width x height pixels at dpi in theme (what Copy puts on the
 * clipboard); NULL with an error when there is no figure or drawing failed. */
GdkTexture *ds_figure_view_render_texture (
    DsFigureView *self, int width, int height, double dpi, FigTheme theme, GError **error);

/* ---- hit testing by probes ------------------------------------------------------------------ */

/* A copy of like (NULL: the on-screen style) in which background, text, axes, grid, legend,
 * accent and warning colours are fully transparent and the model colours are opaque codes:
 * model m is ds_figure_probe_code (DS_PROBE_MODEL, m), class colour i is
 * ds_figure_probe_code (DS_PROBE_CLASS, i). With keep_axis the axes and ticks stay, coded
 * DS_PROBE_AXIS; with keep_accent the accent (e.g. the current-temperature line) stays, coded
 * DS_PROBE_ACCENT. */
typedef enum
{
  DS_PROBE_MODEL = 1,
  DS_PROBE_CLASS = 2,
  DS_PROBE_AXIS = 3,
  DS_PROBE_ACCENT = 4,
} DsProbeKind;

void ds_figure_probe_style_init (FigStyle *style,
                                 const FigStyle *like,
                                 gboolean keep_axis,
                                 gboolean keep_accent);
/* The opaque 0xAARRGGBB pixel of a code: red = kind, green = index. */
guint32 ds_figure_probe_code (DsProbeKind kind, int index);
/* Decodes a pixel of a probe; FALSE for a pixel that is no (mostly opaque) code. */
gboolean ds_figure_probe_decode (guint32 pixel, DsProbeKind *kind, int *index);

/* paint(data, style) at the view's current size on an ARGB32 image (figure pixels = image
 * pixels), cached under key until the size changes or ds_figure_view_changed() is called.
 * The surface is owned by the view; NULL when the view has no size. */
cairo_surface_t *ds_figure_view_get_probe (DsFigureView *self,
                                           const char *key,
                                           FigPaintFunc paint,
                                           gconstpointer data,
                                           const FigStyle *style);
/* The premultiplied ARGB32 pixel of a probe at (x, y); 0 outside it. */
guint32 ds_figure_probe_pixel (cairo_surface_t *probe, double x, double y);

/* The bottom axes of the figure as drawn, found in a probe that keeps only the axes: each
 * spine's extent and row, and the centres of the tick marks hanging below it (at most
 * DS_PROBE_MAX_TICKS). Plot areas span their x spine exactly, so a category axis of n items
 * maps x to item floor((x - x0) / (x1 - x0) * n). Returns how many axes were found (at most
 * max), left to right, then top to bottom. */
#define DS_PROBE_MAX_TICKS 64

typedef struct
{
  double x0, x1, y;
  int n_ticks;
  double ticks[DS_PROBE_MAX_TICKS];
} DsProbeAxis;

int ds_figure_view_find_x_axes (DsFigureView *self, DsProbeAxis *axes, int max);

/* The x position of the first vertical line in the accent colour (a "current value" marker)
 * that paint(data) draws, or NaN: with data's marker set to two known values, a page learns
 * where the plot area's x axis puts them. key names the probe in the cache. */
double ds_figure_view_find_accent_x (DsFigureView *self, const char *key, gconstpointer data);

/* The cell of the heat map `data` (what the view shows) under (x, y): TRUE with its row and
 * column when the point lies on a cell, FALSE over labels, the colour bar or blank space. */
gboolean ds_figure_view_pick_heatmap_cell (
    DsFigureView *self, const FigHeatmapData *data, double x, double y, int *row, int *col);

G_END_DECLS
