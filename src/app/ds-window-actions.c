/* ds-window-actions.c — the window's actions and their shortcuts.
 *
 * Every shortcut here is listed in ui/help-overlay.ui.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ds-page.h"
#include "ds-window-private.h"

static DsPage *
visible_page (DsWindow *self)
{
  GtkWidget *child = adw_view_stack_get_visible_child (self->stack);

  return DS_IS_PAGE (child) ? DS_PAGE (child) : NULL;
}

void
_ds_window_actions_update (DsWindow *self)
{
  DsExperiment *exp = self->experiment;
  DsRunState state;
  DsConfigField field;
  g_autofree char *message = NULL;
  gboolean active, paused, can_train, can_save;
  DsPage *page;

  if (exp == NULL)
    return;
  state = ds_experiment_get_state (exp);
  active = ds_run_state_is_active (state);
  paused = state == DS_RUN_STATE_PAUSED || state == DS_RUN_STATE_DIVERGED;
  can_train = !active && ds_experiment_check (exp, &field, &message);
  can_save = ds_experiment_can_save (exp) && self->busy == 0;
  page = visible_page (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.start", paused || can_train);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.pause", state == DS_RUN_STATE_RUNNING);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.step", paused || can_train);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.stop", active);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save", can_save);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.save-as", can_save);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open", self->busy == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.open-recent", self->busy == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export",
                                 page != NULL && ds_page_can_export (page));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-report", self->report_task == NULL);
}

void
_ds_window_show_error (DsWindow *self, const char *heading, const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- training ---------------------------------------------------------------------------------
 */

static void
start_now (DsWindow *self, GFile *file)
{
  g_autoptr (GError) error = NULL;

  if (!ds_experiment_start (self->experiment, &error))
    {
      _ds_window_show_error (self, _ ("Cannot Start Training"), error->message);
      return;
    }
  ds_window_show_page (self, "training");
}

static void
step_now (DsWindow *self, GFile *file)
{
  g_autoptr (GError) error = NULL;

  if (!ds_experiment_step (self->experiment, &error))
    {
      _ds_window_show_error (self, _ ("Cannot Start Training"), error->message);
      return;
    }
  ds_window_show_page (self, "training");
}

/* Start and Step resume a run in progress; otherwise they begin a new one, which replaces the
 * results shown. */
static void
train (DsWindow *self, DsWindowProceed proceed)
{
  if (ds_run_state_is_active (ds_experiment_get_state (self->experiment)))
    proceed (self, NULL);
  else
    _ds_window_confirm_discard (self, DS_DISCARD_NEW_RUN, proceed, NULL);
}

static void
start_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  train (DS_WINDOW (widget), start_now);
}

static void
pause_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  ds_experiment_pause (DS_WINDOW (widget)->experiment);
}

static void
step_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  train (DS_WINDOW (widget), step_now);
}

static void
stop_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  ds_experiment_stop (DS_WINDOW (widget)->experiment);
}

/* ---- sessions ----------------------------------------------------------------------------------
 */

static GtkFileFilter *
session_filter (void)
{
  GtkFileFilter *filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _ ("Distillscope sessions"));
  gtk_file_filter_add_pattern (filter, "*.dss");
  gtk_file_filter_add_mime_type (filter, "application/x-distillscope-session");
  return filter;
}

static GtkFileChooserNative *
new_chooser (DsWindow *self, const char *title, GtkFileChooserAction action, const char *accept)
{
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  self->chooser
      = gtk_file_chooser_native_new (title, GTK_WINDOW (self), action, accept, _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  /* Start beside the session shown: its figures and reports belong with it. */
  GFile *session = ds_experiment_get_file (self->experiment);
  g_autoptr (GFile) folder = session ? g_file_get_parent (session) : NULL;
  if (folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
  return self->chooser;
}

static void
open_response_cb (DsWindow *self, int response, GtkFileChooserNative *chooser)
{
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file != NULL)
    ds_window_open_file (self, file);
}

static void
open_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DsWindow *self = DS_WINDOW (widget);
  GtkFileChooserNative *chooser
      = new_chooser (self, _ ("Open Session"), GTK_FILE_CHOOSER_ACTION_OPEN, _ ("_Open"));
  g_autoptr (GtkFileFilter) filter = session_filter ();

  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect_object (chooser, "response", G_CALLBACK (open_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
open_recent_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  g_autoptr (GFile) file = g_file_new_for_uri (g_variant_get_string (param, NULL));

  ds_window_open_file (DS_WINDOW (widget), file);
}

/* Appends ".ext" when the name has no extension of that kind. */
static GFile *
with_extension (GFile *file, const char *ext)
{
  g_autofree char *base = g_file_get_basename (file);
  g_autofree char *suffix = g_strconcat (".", ext, NULL);
  g_autofree char *lower = g_ascii_strdown (base, -1);
  g_autoptr (GFile) parent = NULL;
  g_autofree char *name = NULL;

  if (g_str_has_suffix (lower, suffix))
    return g_object_ref (file);
  parent = g_file_get_parent (file);
  name = g_strconcat (base, suffix, NULL);
  return g_file_get_child (parent, name);
}

static void
save_response_cb (DsWindow *self, int response, GtkFileChooserNative *chooser)
{
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL)
    {
      _ds_window_drop_pending (self);
      return;
    }
  g_autoptr (GFile) target = with_extension (file, "dss");
  ds_window_save_to_file (self, target);
}

void
_ds_window_save_as (DsWindow *self)
{
  GtkFileChooserNative *chooser
      = new_chooser (self, _ ("Save Session"), GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Save"));
  g_autoptr (GtkFileFilter) filter = session_filter ();
  GFile *file = ds_experiment_get_file (self->experiment);

  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  if (file != NULL)
    gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), file, NULL);
  else
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), _ ("experiment.dss"));
  g_signal_connect_object (chooser, "response", G_CALLBACK (save_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
save_as_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  _ds_window_save_as (DS_WINDOW (widget));
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DsWindow *self = DS_WINDOW (widget);
  GFile *file = ds_experiment_get_file (self->experiment);

  if (file != NULL)
    ds_window_save_to_file (self, file);
  else
    _ds_window_save_as (self);
}

/* ---- export ---------------------------------------------------------------------------------- */

static const struct
{
  DsExportFormat format;
  const char *name;
} export_formats[] = {
  { DS_EXPORT_PNG, N_ ("PNG image") },
  { DS_EXPORT_SVG, N_ ("SVG drawing") },
  { DS_EXPORT_PDF, N_ ("PDF document") },
  { DS_EXPORT_CSV, N_ ("CSV data (the plotted numbers)") },
};

static DsExportFormat
export_format_for (GtkFileChooser *chooser, GFile *file)
{
  g_autofree char *base
      = g_ascii_strdown (g_file_peek_path (file) ? g_file_peek_path (file) : "", -1);
  GtkFileFilter *filter = gtk_file_chooser_get_filter (chooser);
  const char *name = filter ? gtk_file_filter_get_name (filter) : NULL;

  /* A typed extension wins; otherwise the filter picked in the dialog. */
  for (guint i = 0; i < G_N_ELEMENTS (export_formats); i++)
    {
      g_autofree char *suffix
          = g_strconcat (".", ds_export_format_extension (export_formats[i].format), NULL);
      if (g_str_has_suffix (base, suffix))
        return export_formats[i].format;
    }
  for (guint i = 0; i < G_N_ELEMENTS (export_formats); i++)
    if (g_strcmp0 (name, _ (export_formats[i].name)) == 0)
      return export_formats[i].format;
  return DS_EXPORT_PNG;
}

static void
export_response_cb (DsWindow *self, int response, GtkFileChooserNative *chooser)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFile) target = NULL;
  g_autoptr (GError) error = NULL;
  DsPage *page = visible_page (self);
  DsExportFormat format;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file == NULL || page == NULL)
    {
      g_clear_object (&self->chooser);
      return;
    }
  format = export_format_for (GTK_FILE_CHOOSER (chooser), file);
  g_clear_object (&self->chooser);
  target = with_extension (file, ds_export_format_extension (format));
  if (!ds_page_export (page, target, format, &error))
    {
      _ds_window_show_error (self, _ ("Could Not Export the Figure"), error->message);
      return;
    }
  g_autofree char *base = g_file_get_basename (target);
  g_autofree char *toast = g_strdup_printf (_ ("Exported “%s”"), base);
  ds_window_add_toast (self, toast);
}

static void
export_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DsWindow *self = DS_WINDOW (widget);
  DsPage *page = visible_page (self);
  GtkFileChooserNative *chooser;
  g_autofree char *stem = NULL;
  g_autofree char *name = NULL;

  if (page == NULL || !ds_page_can_export (page))
    return;
  chooser = new_chooser (self, _ ("Export Figure"), GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"));
  for (guint i = 0; i < G_N_ELEMENTS (export_formats); i++)
    {
      g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
      g_autofree char *pattern
          = g_strconcat ("*.", ds_export_format_extension (export_formats[i].format), NULL);

      gtk_file_filter_set_name (filter, _ (export_formats[i].name));
      gtk_file_filter_add_pattern (filter, pattern);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
    }
  stem = ds_page_get_export_name (page);
  name = g_strconcat (stem, ".png", NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- pages ------------------------------------------------------------------------------------
 */

static void
show_page_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DsWindow *self = DS_WINDOW (widget);
  g_autoptr (GtkSelectionModel) pages = adw_view_stack_get_pages (self->stack);
  int index = g_variant_get_int32 (param);

  if (index >= 0 && (guint)index < g_list_model_get_n_items (G_LIST_MODEL (pages)))
    gtk_selection_model_select_item (pages, index, TRUE);
}

typedef struct
{
  DsWindow *window; /* weak: NULL once it is gone */
  AdwToast *preparing;
  char *name; /* the file's */
} ReportRequest;

static void
report_request_free (ReportRequest *request)
{
  g_clear_weak_pointer (&request->window);
  g_object_unref (request->preparing);
  g_free (request->name);
  g_free (request);
}

static void
export_report_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ReportRequest *request = user_data;
  DsWindow *self = request->window;
  g_autoptr (GError) error = NULL;
  int n_pages = 0;

  adw_toast_dismiss (request->preparing);
  /* Gone, and the report cancelled with it. */
  if (self == NULL)
    {
      report_request_free (request);
      return;
    }
  if (!ds_window_export_report_finish (self, result, &n_pages, &error))
    _ds_window_show_error (self, _ ("Could Not Export the Report"), error->message);
  else
    {
      g_autofree char *toast = g_strdup_printf (
          ngettext ("Exported “%s” with %d figure", "Exported “%s” with %d figures", n_pages),
          request->name, n_pages);

      ds_window_add_toast (self, toast);
    }
  _ds_window_actions_update (self);
  report_request_free (request);
}

/* Pages not opened yet compute their figures first, which may take a while. */
static void
export_report_response_cb (DsWindow *self, int response, GtkFileChooserNative *chooser)
{
  g_autoptr (GFile) file = NULL;
  ReportRequest *request;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL || self->report_task != NULL)
    return;
  request = g_new0 (ReportRequest, 1);
  g_set_weak_pointer (&request->window, self);
  request->name = g_file_get_basename (file);
  request->preparing = adw_toast_new (_ ("Preparing the report…"));
  adw_toast_set_timeout (request->preparing, 0);
  ds_window_export_report_async (self, file, export_report_done_cb, request);
  /* Only while pages compute: a report of what is shown is written at once. */
  if (self->report_task != NULL)
    adw_toast_overlay_add_toast (self->toast_overlay, g_object_ref (request->preparing));
  _ds_window_actions_update (self);
}

/* Every figure of every page in one PDF, for reading or printing a session in one go. */
static void
export_report_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DsWindow *self = DS_WINDOW (widget);
  GtkFileChooserNative *chooser
      = new_chooser (self, _ ("Export Report"), GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"));
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _ ("PDF document"));
  gtk_file_filter_add_pattern (filter, "*.pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  GFile *session = ds_experiment_get_file (self->experiment);
  g_autofree char *base = session ? g_file_get_basename (session) : NULL;
  char *dot = base ? strrchr (base, '.') : NULL;
  if (dot != NULL && dot != base)
    *dot = '\0';
  /* Named after the session, so reports of several sessions in one folder stay apart. */
  g_autofree char *name = g_strdup_printf ("%s-report.pdf", base ? base : "distillscope");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_signal_connect_object (chooser, "response", G_CALLBACK (export_report_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

void
_ds_window_class_actions_init (DsWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.open", NULL, open_action);
  gtk_widget_class_install_action (widget_class, "win.open-recent", "s", open_recent_action);
  gtk_widget_class_install_action (widget_class, "win.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "win.save-as", NULL, save_as_action);
  gtk_widget_class_install_action (widget_class, "win.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "win.export-report", NULL, export_report_action);
  gtk_widget_class_install_action (widget_class, "win.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "win.pause", NULL, pause_action);
  gtk_widget_class_install_action (widget_class, "win.step", NULL, step_action);
  gtk_widget_class_install_action (widget_class, "win.stop", NULL, stop_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "i", show_page_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "win.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "win.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.save-as", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "win.start", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F6, 0, "win.pause", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F7, 0, "win.step", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, GDK_SHIFT_MASK, "win.stop", NULL);
  for (int i = 0; i < DS_WINDOW_N_PAGES; i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK, "win.show-page",
                                         "i", i);
}
