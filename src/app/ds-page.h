/* ds-page.h — what every page of the main window is.
 *
 * A page is a widget derived from DsPage. It gets the window's DsExperiment through the
 * construct-only "experiment" property, which DsPage holds; once it is set, DsPage calls the
 * page's experiment_set, where the page connects to the experiment's signals. A page has a
 * name (the view stack's child name), and a title and an icon for the view switcher, which it
 * sets in its class_init. A page that shows a figure exports it: it implements get_export_view
 * (or can_export, get_export_name and export), and calls ds_page_notify_can_export() when
 * what can_export returns may have changed. Export Report asks every page for the figures it
 * shows (add_report_figures); a page that draws a figure without a DsFigureView adds it.
 *
 * DsPage lays out its children with a GtkBinLayout; a page's template may set another.
 *
 * Adding a page to the window is one line in ds_window_init() (ds-window.c).
 */
#pragma once

#include <gtk/gtk.h>

#include "ds-experiment.h"
#include "fig_registry.h"

G_BEGIN_DECLS

#define DS_TYPE_PAGE (ds_page_get_type ())

G_DECLARE_DERIVABLE_TYPE (DsPage, ds_page, DS, PAGE, GtkWidget)

typedef struct _DsFigureView DsFigureView;

/* A figure a page puts in a report: borrowed until the page changes it. */
typedef struct
{
  FigKind kind; /* FIG_N_KINDS for a painter outside the registry */
  FigPaintFunc paint;
  gconstpointer data;
  const char *title; /* the figure's name on its page, e.g. "Teacher: class similarity" */
} DsReportFigure;

typedef enum
{
  DS_EXPORT_PNG,
  DS_EXPORT_SVG,
  DS_EXPORT_PDF,
  DS_EXPORT_CSV,
} DsExportFormat;

struct _DsPageClass
{
  GtkWidgetClass parent_class;

  /* Set in class_init: the untranslated title, marked with N_(), and the icon name. */
  const char *title;
  const char *icon_name;

  /* Why export fails when there is no figure (N_), or NULL for a generic message. */
  const char *no_export_message;

  /* Called once, when the page is constructed, with its experiment. */
  void (*experiment_set) (DsPage *self, DsExperiment *experiment);
  /* The figure view that export writes right now, or NULL. The default export vfuncs use it:
   * a page whose figures are DsFigureViews implements only this. */
  DsFigureView *(*get_export_view) (DsPage *self);
  /* Whether the page has a figure to export right now (default: it has an export view). */
  gboolean (*can_export) (DsPage *self);
  /* A file name without extension for the export dialog, e.g. "training-curves". */
  char *(*get_export_name) (DsPage *self);
  gboolean (*export) (DsPage *self, GFile *file, DsExportFormat format, GError **error);
  /* Appends what the page shows to a report: DsReportFigures to figures, in reading order.
   * Default: every DsFigureView of the page that has a figure. */
  void (*add_report_figures) (DsPage *self, GArray *figures);
  /* Whether the page is computing what it shows (default: the shared test outputs of a page
   * that follows them are); a page calls ds_page_notify_busy() when this may have changed. */
  gboolean (*get_busy) (DsPage *self);
};

/* Properties: "experiment" (DsExperiment, construct-only), "title", "icon-name" (read-only
 * strings), "can-export", "busy" and "reporting" (read-only booleans). */

DsExperiment *ds_page_get_experiment (DsPage *self);
const char *ds_page_get_title (DsPage *self);
const char *ds_page_get_icon_name (DsPage *self);
gboolean ds_page_can_export (DsPage *self);
char *ds_page_get_export_name (DsPage *self);
gboolean ds_page_export (DsPage *self, GFile *file, DsExportFormat format, GError **error);
/* Appends the page's figures (DsReportFigure) to figures, for Export Report. */
void ds_page_add_report_figures (DsPage *self, GArray *figures);

/* Export Report of a page nobody opened: while "reporting" is set, a page computes what it
 * would show, as if it were shown; "busy" says when that is done. A page that computes only
 * while shown asks ds_page_is_active() instead of gtk_widget_get_mapped(), and refreshes on
 * "notify::reporting". */
void ds_page_set_reporting (DsPage *self, gboolean reporting);
gboolean ds_page_get_reporting (DsPage *self);
/* Mapped, or computing for a report. */
gboolean ds_page_is_active (DsPage *self);
gboolean ds_page_get_busy (DsPage *self);
/* For pages: notifies "busy", for when what get_busy returns may have changed. */
void ds_page_notify_busy (DsPage *self);

/* For pages: notifies "can-export", for when what can_export returns may have changed. */
void ds_page_notify_can_export (DsPage *self);
/* For pages that show the experiment's test outputs (DsTestOutputs): while the page is mapped,
 * the outputs follow the experiment's snapshot; refresh (self) is called when the page is
 * mapped and when the outputs, the snapshot, the run data or data loading change. */
void ds_page_follow_test_outputs (DsPage *self, GCallback refresh);

/* The file extension of a format, without the dot. */
const char *ds_export_format_extension (DsExportFormat format);

/* Marks a form row as holding a bad value, or clears the mark: red for the eye ("error" style
 * class) and the invalid-entry state for a screen reader. */
void ds_page_mark_invalid (GtkWidget *row, gboolean invalid);

G_END_DECLS
