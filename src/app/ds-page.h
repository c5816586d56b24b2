/* ds-page.h — what every page of the main window is.
 *
 * A page is a widget implementing DsPage. It gets the window's DsExperiment through the
 * "experiment" property (set once, before it is shown) and reacts to its signals; it has a
 * name (the view stack's child name), a title and an icon for the view switcher. A page that
 * shows a figure exports it: it returns TRUE from can_export and implements export.
 *
 * Adding a page to the window is one line in ds_window_init() (ds-window.c).
 */
#pragma once

#include <gtk/gtk.h>

#include "ds-experiment.h"

G_BEGIN_DECLS

#define DS_TYPE_PAGE (ds_page_get_type ())

G_DECLARE_INTERFACE (DsPage, ds_page, DS, PAGE, GtkWidget)

typedef enum
{
  DS_EXPORT_PNG,
  DS_EXPORT_SVG,
  DS_EXPORT_PDF,
  DS_EXPORT_CSV,
} DsExportFormat;

struct _DsPageInterface
{
  GTypeInterface parent_iface;

  /* Whether the page has a figure to export right now; notify "can-export" when it changes. */
  gboolean (*can_export) (DsPage *self);
  /* A file name without extension for the export dialog, e.g. "training-curves". */
  char *(*get_export_name) (DsPage *self);
  gboolean (*export) (DsPage *self, GFile *file, DsExportFormat format, GError **error);
};

/* Properties every page implements: "experiment" (DsExperiment, construct-only), "title",
 * "icon-name" (read-only strings) and "can-export" (read-only boolean). */

DsExperiment *ds_page_get_experiment (DsPage *self);
const char *ds_page_get_title (DsPage *self);
const char *ds_page_get_icon_name (DsPage *self);
gboolean ds_page_can_export (DsPage *self);
char *ds_page_get_export_name (DsPage *self);
gboolean ds_page_export (DsPage *self, GFile *file, DsExportFormat format, GError **error);

/* The file extension of a format, without the dot. */
const char *ds_export_format_extension (DsExportFormat format);

G_END_DECLS
