/* ds-window.c — the main window.
 *
 * The window owns one DsExperiment and hands it to every page. Pages are added in
 * ds_window_init(); each is a DsPage, so the view switcher gets its title and icon from it
 * and the Export action asks the visible page.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ds-activations-page.h"
#include "ds-experiment-page.h"
#include "ds-metrics-page.h"
#include "ds-page.h"
#include "ds-saliency-page.h"
#include "ds-samples-page.h"
#include "ds-soft-labels-page.h"
#include "ds-temperature-page.h"
#include "ds-training-page.h"
#include "ds-window-private.h"

#define SESSION_MIME_TYPE "application/x-distillscope-session"
#define MAX_RECENT 8
/* The recently-used group of the sessions this application opened or saved. */
#define RECENT_GROUP "Distillscope"

G_DEFINE_FINAL_TYPE (DsWindow, ds_window, ADW_TYPE_APPLICATION_WINDOW)

DsWindow *
ds_window_new (GtkApplication *application)
{
  return g_object_new (DS_TYPE_WINDOW, "application", application, NULL);
}

DsExperiment *
ds_window_get_experiment (DsWindow *self)
{
  g_return_val_if_fail (DS_IS_WINDOW (self), NULL);

  return self->experiment;
}

void
ds_window_show_page (DsWindow *self, const char *name)
{
  g_return_if_fail (DS_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->stack, name);
}

GtkWidget *
ds_window_get_page (DsWindow *self, const char *name)
{
  g_return_val_if_fail (DS_IS_WINDOW (self), NULL);

  return adw_view_stack_get_child_by_name (self->stack, name);
}

gboolean
ds_window_get_busy (DsWindow *self)
{
  g_return_val_if_fail (DS_IS_WINDOW (self), FALSE);

  return self->busy > 0;
}

void
ds_window_add_toast (DsWindow *self, const char *text)
{
  g_return_if_fail (DS_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (text));
}

static void
add_page (DsWindow *self, GtkWidget *page, const char *name)
{
  AdwViewStackPage *stack_page;

  g_assert (DS_IS_PAGE (page));
  stack_page
      = adw_view_stack_add_titled (self->stack, page, name, ds_page_get_title (DS_PAGE (page)));
  adw_view_stack_page_set_icon_name (stack_page, ds_page_get_icon_name (DS_PAGE (page)));
  g_signal_connect_object (page, "notify::can-export", G_CALLBACK (_ds_window_actions_update), self,
                           G_CONNECT_SWAPPED);
}

/* ---- title --------------------------------------------------------------------------------- */

static void
update_title (DsWindow *self)
{
  GFile *file = ds_experiment_get_file (self->experiment);
  g_autofree char *name = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *title = NULL;

  if (file != NULL)
    {
      g_autofree char *base = g_file_get_basename (file);
      name = g_filename_display_name (base);
    }
  else if (ds_experiment_get_snapshot (self->experiment) != NULL)
    name = g_strdup (_ ("Unsaved session"));

  if (name != NULL)
    subtitle = ds_experiment_get_unsaved (self->experiment) && file != NULL
                   ? g_strdup_printf ("• %s", name)
                   : g_strdup (name);
  adw_view_switcher_title_set_subtitle (self->switcher_title, subtitle ? subtitle : "");
  title = name ? g_strdup_printf ("%s — Distillscope", name) : g_strdup ("Distillscope");
  gtk_window_set_title (GTK_WINDOW (self), title);
}

/* ---- recent sessions --------------------------------------------------------------------------
 *
 * GTK's file chooser adds whatever file it returns to the recently-used list, before the
 * window tries to read it; only the sessions that opened or saved carry RECENT_GROUP.
 */

static gboolean
is_session (GtkRecentInfo *info)
{
  return gtk_recent_info_has_group (info, RECENT_GROUP);
}

static int
compare_recent (gconstpointer a, gconstpointer b)
{
  GtkRecentInfo *ia = *(GtkRecentInfo **)a;
  GtkRecentInfo *ib = *(GtkRecentInfo **)b;

  return g_date_time_compare (gtk_recent_info_get_modified (ib), gtk_recent_info_get_modified (ia));
}

void
_ds_window_update_recent (DsWindow *self)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  g_autoptr (GPtrArray) sessions = g_ptr_array_new ();

  for (GList *l = items; l != NULL; l = l->next)
    if (is_session (l->data) && gtk_recent_info_exists (l->data))
      g_ptr_array_add (sessions, l->data);
  g_ptr_array_sort (sessions, compare_recent);

  g_menu_remove_all (self->recent_section);
  for (guint i = 0; i < sessions->len && i < MAX_RECENT; i++)
    {
      GtkRecentInfo *info = g_ptr_array_index (sessions, i);
      g_autoptr (GMenuItem) item = g_menu_item_new (gtk_recent_info_get_display_name (info), NULL);

      g_menu_item_set_action_and_target (item, "win.open-recent", "s",
                                         gtk_recent_info_get_uri (info));
      g_menu_append_item (self->recent_section, item);
    }
  if (sessions->len == 0)
    /* An item without an action is shown insensitive. */
    g_menu_append (self->recent_section, _ ("No Recent Sessions"), NULL);
  g_list_free_full (items, (GDestroyNotify)gtk_recent_info_unref);
}

static void
add_recent (GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);
  char *groups[] = { (char *)RECENT_GROUP, NULL };
  GtkRecentData data = {
    .display_name = NULL,
    .description = NULL,
    .mime_type = (char *)SESSION_MIME_TYPE,
    .app_name = (char *)"Distillscope",
    .app_exec = (char *)"distillscope %u",
    .groups = groups,
  };

  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

/* A file that did not open is no recent session, even one that did before. */
static void
remove_recent (GFile *file)
{
  g_autofree char *uri = g_file_get_uri (file);

  if (gtk_recent_manager_has_item (gtk_recent_manager_get_default (), uri))
    gtk_recent_manager_remove_item (gtk_recent_manager_get_default (), uri, NULL);
}

/* ---- open and save ------------------------------------------------------------------------- */

static void
set_busy (DsWindow *self, gboolean busy)
{
  if (busy)
    self->busy++;
  else
    self->busy--;
  _ds_window_actions_update (self);
}

static void
open_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DsWindow) self = user_data;
  GFile *file = G_FILE (object);
  g_autoptr (GError) error = NULL;
  KdSession *session = ds_session_load_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  set_busy (self, FALSE);
  if (session == NULL || !ds_experiment_load_session (self->experiment, session, file, &error))
    {
      remove_recent (file);
      _ds_window_show_error (self, _ ("Could Not Open the Session"), error->message);
      return;
    }
  add_recent (file);
  ds_window_show_page (self, "training");
  g_autofree char *base = g_file_get_basename (file);
  g_autofree char *toast = g_strdup_printf (_ ("Opened “%s”"), base);
  ds_window_add_toast (self, toast);
}

static void
open_now (DsWindow *self, GFile *file)
{
  set_busy (self, TRUE);
  ds_session_load_async (file, self->cancellable, open_cb, g_object_ref (self));
}

void
ds_window_open_file (DsWindow *self, GFile *file)
{
  g_return_if_fail (DS_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  _ds_window_confirm_discard (self, DS_DISCARD_OPEN, open_now, file);
}

static void
save_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DsWindow) self = user_data;
  GFile *file = G_FILE (object);
  g_autoptr (GError) error = NULL;

  if (!ds_session_save_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      set_busy (self, FALSE);
      _ds_window_drop_pending (self);
      _ds_window_show_error (self, _ ("Could Not Save the Session"), error->message);
      return;
    }
  set_busy (self, FALSE);
  ds_experiment_saved (self->experiment, file);
  add_recent (file);
  g_autofree char *base = g_file_get_basename (file);
  g_autofree char *toast = g_strdup_printf (_ ("Saved “%s”"), base);
  ds_window_add_toast (self, toast);
  /* What the user saved for (closing, opening, a new run) goes on now. */
  _ds_window_run_pending (self);
}

void
ds_window_save_to_file (DsWindow *self, GFile *file)
{
  g_autoptr (GError) error = NULL;
  KdSession *session;

  g_return_if_fail (DS_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  session = ds_experiment_build_session (self->experiment, &error);
  if (session == NULL)
    {
      _ds_window_drop_pending (self);
      _ds_window_show_error (self, _ ("Could Not Save the Session"), error->message);
      return;
    }
  set_busy (self, TRUE);
  ds_session_save_async (session, file, self->cancellable, save_cb, g_object_ref (self));
}

/* ---- GtkWindow ------------------------------------------------------------------------------ */

static void
close_now (DsWindow *self, GFile *file)
{
  self->close_confirmed = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
ds_window_close_request (GtkWindow *window)
{
  DsWindow *self = DS_WINDOW (window);
  int width, height;

  if (self->experiment == NULL)
    return GTK_WINDOW_CLASS (ds_window_parent_class)->close_request (window);
  if (!self->close_confirmed && _ds_window_has_unsaved_results (self))
    {
      _ds_window_confirm_discard (self, DS_DISCARD_CLOSE, close_now, NULL);
      return TRUE;
    }

  /* A run in progress ends here: the worker is stopped and joined before the window goes. */
  ds_experiment_shutdown (self->experiment);
  g_cancellable_cancel (self->cancellable);

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_int (self->settings, "window-width", width);
  g_settings_set_int (self->settings, "window-height", height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));

  return GTK_WINDOW_CLASS (ds_window_parent_class)->close_request (window);
}

static void
ds_window_dispose (GObject *object)
{
  DsWindow *self = (DsWindow *)object;

  if (self->experiment != NULL)
    ds_experiment_shutdown (self->experiment);
  g_cancellable_cancel (self->cancellable);
  _ds_window_cancel_report (self);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  _ds_window_drop_pending (self);
  _ds_window_forget_question (self);
  g_signal_handlers_disconnect_by_data (gtk_recent_manager_get_default (), self);

  gtk_widget_dispose_template (GTK_WIDGET (self), DS_TYPE_WINDOW);

  g_clear_object (&self->experiment);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (ds_window_parent_class)->dispose (object);
}

static void
ds_window_class_init (DsWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ds_window_dispose;
  window_class->close_request = ds_window_close_request;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/distillscope/Distillscope/ui/"
                                               "ds-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DsWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, DsWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, DsWindow, open_button);
  gtk_widget_class_bind_template_child (widget_class, DsWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, DsWindow, recent_section);

  _ds_window_class_actions_init (klass);
}

static void
apply_default_threads (DsWindow *self)
{
  KdTrainConfig cfg = *ds_experiment_get_config (self->experiment);
  int threads = g_settings_get_int (self->settings, "default-threads");

  cfg.threads = CLAMP (threads > 0 ? threads : (int)g_get_num_processors (), 1, 256);
  ds_experiment_set_config (self->experiment, &cfg);
}

static void
restore_size (DsWindow *self)
{
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
ds_window_init (DsWindow *self)
{
  g_autoptr (GtkSelectionModel) pages = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
  self->cancellable = g_cancellable_new ();
  self->experiment = ds_experiment_new ();
  apply_default_threads (self);
  restore_size (self);

  /* The pages, in the order of the view switcher. */
  add_page (self, ds_experiment_page_new (self->experiment), "experiment");
  add_page (self, ds_training_page_new (self->experiment), "training");
  add_page (self, ds_samples_page_new (self->experiment), "samples");
  add_page (self, ds_soft_labels_page_new (self->experiment), "soft-labels");
  add_page (self, ds_temperature_page_new (self->experiment), "temperature");
  add_page (self, ds_saliency_page_new (self->experiment), "saliency");
  add_page (self, ds_activations_page_new (self->experiment), "activations");
  add_page (self, ds_metrics_page_new (self->experiment), "metrics");
  pages = adw_view_stack_get_pages (self->stack);
  g_assert (g_list_model_get_n_items (G_LIST_MODEL (pages)) == DS_WINDOW_N_PAGES);

  g_signal_connect_object (self->stack, "notify::visible-child",
                           G_CALLBACK (_ds_window_actions_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->experiment, "notify::state",
                           G_CALLBACK (_ds_window_actions_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->experiment, "notify::data", G_CALLBACK (_ds_window_actions_update),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->experiment, "config-changed",
                           G_CALLBACK (_ds_window_actions_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->experiment, "snapshot-changed", G_CALLBACK (update_title), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->experiment, "snapshot-changed",
                           G_CALLBACK (_ds_window_actions_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->experiment, "notify::file", G_CALLBACK (update_title), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->experiment, "notify::unsaved", G_CALLBACK (update_title), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (gtk_recent_manager_get_default (), "changed",
                           G_CALLBACK (_ds_window_update_recent), self, G_CONNECT_SWAPPED);
  _ds_window_update_recent (self);

  /* The split button's arrow has no name of its own for screen readers. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->open_button));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_MENU_BUTTON (child))
      gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _ ("Recent sessions"), -1);

  update_title (self);
  _ds_window_actions_update (self);
}
