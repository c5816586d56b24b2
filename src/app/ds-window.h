/* ds-window.h — the main window: header bar, pages, session files. */
#pragma once

#include <adwaita.h>

#include "ds-experiment.h"

G_BEGIN_DECLS

#define DS_TYPE_WINDOW (ds_window_get_type ())

G_DECLARE_FINAL_TYPE (DsWindow, ds_window, DS, WINDOW, AdwApplicationWindow)

DsWindow *ds_window_new (GtkApplication *application);
DsExperiment *ds_window_get_experiment (DsWindow *self);
/* Switches to the page of that name ("experiment", "training", ...). */
void ds_window_show_page (DsWindow *self, const char *name);
GtkWidget *ds_window_get_page (DsWindow *self, const char *name);
/* Opens a session file in this window, first asking whether to save the results shown when
 * they are not saved yet; errors are shown to the user and leave the current session alone. */
void ds_window_open_file (DsWindow *self, GFile *file);
/* Saves the current session to file (no dialog). */
void ds_window_save_to_file (DsWindow *self, GFile *file);
/* TRUE while a session is being opened or saved in the background. */
gboolean ds_window_get_busy (DsWindow *self);
void ds_window_add_toast (DsWindow *self, const char *text);
/* Writes every figure the window's pages show into one PDF, a page each, in page order;
 * *n_pages receives their number. Fails when there is no figure yet. */
gboolean ds_window_export_report (DsWindow *self, GFile *file, int *n_pages, GError **error);
/* Export Report as the menu does it: pages nobody opened first compute what they would show
 * (not while a run trains), then the report is written as above. One at a time. The callback
 * gets no source object; the window's dispose cancels the report (G_IO_ERROR_CANCELLED), so
 * _finish does not use self, which may be gone by then. */
void ds_window_export_report_async (DsWindow *self,
                                    GFile *file,
                                    GAsyncReadyCallback callback,
                                    gpointer user_data);
gboolean
ds_window_export_report_finish (DsWindow *self, GAsyncResult *result, int *n_pages, GError **error);

G_END_DECLS
