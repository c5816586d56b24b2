/* ds-preferences-window.c — every row bound to a GSettings key.
 *
 * Combo rows show translated names for string keys; the mappings turn the selected index into
 * the key's value and back.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ds-preferences-window.h"

struct _DsPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings *settings;

  /* Template children */
  AdwComboRow *style_row;
  GtkSpinButton *threads_spin;
  GtkSpinButton *dpi_spin;
  AdwComboRow *export_style_row;
  AdwComboRow *colormap_row;
};

G_DEFINE_FINAL_TYPE (DsPreferencesWindow, ds_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const char *const style_values[] = { "system", "light", "dark", NULL };
static const char *const export_style_values[] = { "light", "dark", "presentation", NULL };
static const char *const colormap_values[] = { "viridis", "cividis", NULL };

static gboolean
get_index (GValue *value, GVariant *variant, gpointer user_data)
{
  const char *const *values = user_data;
  const char *str = g_variant_get_string (variant, NULL);

  for (guint i = 0; values[i] != NULL; i++)
    if (g_str_equal (values[i], str))
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  return FALSE;
}

static GVariant *
set_index (const GValue *value, const GVariantType *type, gpointer user_data)
{
  const char *const *values = user_data;
  guint index = g_value_get_uint (value);

  if (index >= g_strv_length ((char **)values))
    return NULL;
  return g_variant_new_string (values[index]);
}

static void
bind_combo (DsPreferencesWindow *self,
            AdwComboRow *row,
            const char *key,
            const char *const *values,
            const char *const *labels)
{
  g_autoptr (GtkStringList) model = gtk_string_list_new (NULL);

  for (guint i = 0; labels[i] != NULL; i++)
    gtk_string_list_append (model, _ (labels[i]));
  adw_combo_row_set_model (row, G_LIST_MODEL (model));
  g_settings_bind_with_mapping (self->settings, key, row, "selected", G_SETTINGS_BIND_DEFAULT,
                                get_index, set_index, (gpointer)values, NULL);
}

static void
bind_settings (DsPreferencesWindow *self)
{
  static const char *const style_labels[]
      = { N_ ("Follow the system"), N_ ("Light"), N_ ("Dark"), NULL };
  static const char *const export_style_labels[]
      = { N_ ("Light, for papers"), N_ ("Dark"), N_ ("Presentation: large type, heavy lines"),
          NULL };
  static const char *const colormap_labels[]
      = { N_ ("Viridis"), N_ ("Cividis (also for red-green color blindness)"), NULL };

  bind_combo (self, self->style_row, "style-variant", style_values, style_labels);
  bind_combo (self, self->export_style_row, "export-style", export_style_values,
              export_style_labels);
  bind_combo (self, self->colormap_row, "colormap", colormap_values, colormap_labels);
  g_settings_bind (self->settings, "default-threads",
                   gtk_spin_button_get_adjustment (self->threads_spin), "value",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "export-dpi", gtk_spin_button_get_adjustment (self->dpi_spin),
                   "value", G_SETTINGS_BIND_DEFAULT);
}

static gboolean
threads_output_cb (GtkSpinButton *spin)
{
  /* 0 means "one per core". */
  if (gtk_spin_button_get_value_as_int (spin) != 0)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (spin), _ ("Auto"));
  return TRUE;
}

GtkWidget *
ds_preferences_window_new (GSettings *settings)
{
  DsPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (DS_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (settings);
  bind_settings (self);
  return GTK_WIDGET (self);
}

static void
ds_preferences_window_dispose (GObject *object)
{
  DsPreferencesWindow *self = (DsPreferencesWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), DS_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ds_preferences_window_parent_class)->dispose (object);
}

static void
ds_preferences_window_class_init (DsPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ds_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/distillscope/Distillscope/ui/"
                                               "ds-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, DsPreferencesWindow, style_row);
  gtk_widget_class_bind_template_child (widget_class, DsPreferencesWindow, threads_spin);
  gtk_widget_class_bind_template_child (widget_class, DsPreferencesWindow, dpi_spin);
  gtk_widget_class_bind_template_child (widget_class, DsPreferencesWindow, export_style_row);
  gtk_widget_class_bind_template_child (widget_class, DsPreferencesWindow, colormap_row);
  gtk_widget_class_bind_template_callback (widget_class, threads_output_cb);
}

static void
ds_preferences_window_init (DsPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
