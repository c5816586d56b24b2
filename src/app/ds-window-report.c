/* ds-window-report.c — "Export Report": every figure the window shows, one per page of a
 * PDF, drawn by the very painters on screen. */
#include "config.h"

#include <glib/gi18n.h>

#include "ds-figure-view.h"
#include "ds-window.h"

/* Depth-first, so the pages come in the window's order: Training first, Metrics last. */
static void
collect_views (GtkWidget *widget, GPtrArray *views)
{
  if (DS_IS_FIGURE_VIEW (widget) && ds_figure_view_has_figure (DS_FIGURE_VIEW (widget)))
    g_ptr_array_add (views, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_views (child, views);
}

gboolean
ds_window_export_report (DsWindow *self, GFile *file, int *n_pages, GError **error)
{
  g_return_val_if_fail (DS_IS_WINDOW (self), FALSE);
  g_autoptr (GPtrArray) views = g_ptr_array_new ();
  collect_views (GTK_WIDGET (self), views);
  if (n_pages)
    *n_pages = (int)views->len;
  if (views->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _ ("There are no figures yet: train a run or open a session, and "
                              "visit the pages whose figures the report should hold."));
      return FALSE;
    }
  g_autofree FigPage *pages = g_new0 (FigPage, views->len);
  for (guint i = 0; i < views->len; i++)
    pages[i] = (FigPage){ ds_figure_view_get_painter (views->pdata[i]),
                          ds_figure_view_get_data (views->pdata[i]) };
  DsFigureExportOptions o;
  ds_figure_view_get_export_options (views->pdata[0], &o);
  FigExportOptions opts;
  fig_export_options_init (&opts);
  opts.width = o.width, opts.height = o.height, opts.dpi = o.dpi;
  opts.title = "Distillscope report";
  FigStyle style;
  fig_style_init (&style, o.theme);
  g_autofree char *path = g_file_get_path (file);
  return fig_export_pdf_pages (path, &opts, pages, (int)views->len, &style, error);
}
