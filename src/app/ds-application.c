/* ds-application.c — startup, windows and the colour scheme. */
#include "config.h"

#include <glib/gi18n.h>

#include "ds-application-private.h"
#include "ds-resources.h"
#include "ds-window.h"

G_DEFINE_FINAL_TYPE (DsApplication, ds_application, ADW_TYPE_APPLICATION)

DsApplication *
ds_application_new (GApplicationFlags flags)
{
  return g_object_new (DS_TYPE_APPLICATION, "application-id", APPLICATION_ID, "flags",
                       flags | G_APPLICATION_HANDLES_OPEN, "resource-base-path",
                       "/io/github/distillscope/Distillscope", NULL);
}

GSettings *
ds_application_get_settings (DsApplication *self)
{
  g_return_val_if_fail (DS_IS_APPLICATION (self), NULL);

  return self->settings;
}

static void
style_variant_changed_cb (DsApplication *self)
{
  g_autofree char *variant = g_settings_get_string (self->settings, "style-variant");
  AdwColorScheme scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_str_equal (variant, "light"))
    scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_str_equal (variant, "dark"))
    scheme = ADW_COLOR_SCHEME_FORCE_DARK;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
}

static void
ds_application_startup (GApplication *application)
{
  DsApplication *self = DS_APPLICATION (application);

  /* Before the parent's startup, which loads style.css and the icons from the resources. */
  ds_register_resource ();

  G_APPLICATION_CLASS (ds_application_parent_class)->startup (application);

  gtk_window_set_default_icon_name (APPLICATION_ID);
  self->settings = g_settings_new (APPLICATION_ID);
  g_signal_connect_object (self->settings, "changed::style-variant",
                           G_CALLBACK (style_variant_changed_cb), self, G_CONNECT_SWAPPED);
  style_variant_changed_cb (self);
  _ds_application_actions_init (self);
}

static void
ds_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (ds_window_new (GTK_APPLICATION (application)));
  gtk_window_present (window);
}

/* No run, not even one just started that has nothing to show yet, and no session coming. */
static gboolean
holds_nothing (GtkWindow *window)
{
  DsExperiment *exp;

  if (!DS_IS_WINDOW (window) || ds_window_get_busy (DS_WINDOW (window)))
    return FALSE;
  exp = ds_window_get_experiment (DS_WINDOW (window));
  return ds_experiment_get_snapshot (exp) == NULL
         && !ds_run_state_is_active (ds_experiment_get_state (exp));
}

static void
ds_application_open (GApplication *application, GFile **files, int n_files, const char *hint)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (application));

  for (int i = 0; i < n_files; i++)
    {
      DsWindow *window = NULL;

      /* Reuse a window that holds nothing yet; otherwise each session gets its own. */
      if (holds_nothing (active))
        window = DS_WINDOW (active);
      else
        window = ds_window_new (GTK_APPLICATION (application));
      ds_window_open_file (window, files[i]);
      gtk_window_present (GTK_WINDOW (window));
      active = NULL;
    }
}

static void
ds_application_dispose (GObject *object)
{
  DsApplication *self = (DsApplication *)object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ds_application_parent_class)->dispose (object);
}

static void
ds_application_class_init (DsApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = ds_application_dispose;
  app_class->startup = ds_application_startup;
  app_class->activate = ds_application_activate;
  app_class->open = ds_application_open;
}

static void
ds_application_init (DsApplication *self)
{
}
