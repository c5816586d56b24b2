/* ds-sample-row.c — the selected test sample, as a spin button row. */
#include "config.h"

#include <glib/gi18n.h>

#include "ds-sample-row.h"

struct _DsSampleRow
{
  AdwActionRow parent_instance;

  DsExperiment *experiment;
  GtkSpinButton *spin;
  gboolean updating;
};

G_DEFINE_FINAL_TYPE (DsSampleRow, ds_sample_row, ADW_TYPE_ACTION_ROW)

const char *
ds_class_name (const KdDataset *ds, int k)
{
  char number[16];

  if (k >= 0 && k < ds->n_classes && ds->class_names[k][0] != '\0')
    return g_intern_string (ds->class_names[k]);
  g_snprintf (number, sizeof number, "%d", k);
  return g_intern_string (number);
}

const char **
ds_class_names (const KdDataset *ds)
{
  const char **names = g_new0 (const char *, ds->n_classes + 1);

  for (int k = 0; k < ds->n_classes; k++)
    names[k] = ds_class_name (ds, k);
  return names;
}

const char *const *
ds_class_names_interned (const KdDataset *ds)
{
  static GMutex lock;
  static GHashTable *arrays; /* the names joined by newlines -> the array */
  g_autoptr (GString) key = g_string_new (NULL);
  const char **names;

  for (int k = 0; k < ds->n_classes; k++)
    g_string_append_printf (key, "%s\n", ds_class_name (ds, k));
  g_mutex_lock (&lock);
  if (arrays == NULL)
    arrays = g_hash_table_new (g_str_hash, g_str_equal);
  names = g_hash_table_lookup (arrays, key->str);
  if (names == NULL)
    {
      names = ds_class_names (ds);
      g_hash_table_insert (arrays, (char *)g_intern_string (key->str), names);
    }
  g_mutex_unlock (&lock);
  return names;
}

static void
update (DsSampleRow *self)
{
  DsData *data = self->experiment ? ds_experiment_get_run_data (self->experiment) : NULL;
  int index = self->experiment ? ds_experiment_get_selected_sample (self->experiment) : -1;
  g_autofree char *subtitle = NULL;

  self->updating = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->spin), data != NULL);
  if (data != NULL)
    {
      gtk_spin_button_set_range (self->spin, 0, MAX (data->test->n - 1, 0));
      gtk_spin_button_set_value (self->spin, MAX (index, 0));
    }
  self->updating = FALSE;

  if (data != NULL && index >= 0 && index < data->test->n)
    /* Translators: the selected sample's true class, e.g. "True class: Sneaker" */
    subtitle = g_strdup_printf (_ ("True class: %s"),
                                ds_class_name (data->test, data->test->labels[index]));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle ? subtitle : "");
}

static void
value_changed_cb (DsSampleRow *self)
{
  if (self->updating || self->experiment == NULL)
    return;
  ds_experiment_set_selected_sample (self->experiment,
                                     gtk_spin_button_get_value_as_int (self->spin));
}

void
ds_sample_row_set_experiment (DsSampleRow *self, DsExperiment *experiment)
{
  g_return_if_fail (DS_IS_SAMPLE_ROW (self));
  g_return_if_fail (experiment == NULL || DS_IS_EXPERIMENT (experiment));

  if (self->experiment != NULL)
    g_signal_handlers_disconnect_by_data (self->experiment, self);
  g_set_object (&self->experiment, experiment);
  if (experiment != NULL)
    {
      g_signal_connect_object (experiment, "notify::selected-sample", G_CALLBACK (update), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (experiment, "notify::run-data", G_CALLBACK (update), self,
                               G_CONNECT_SWAPPED);
    }
  update (self);
}

GtkWidget *
ds_sample_row_new (void)
{
  return g_object_new (DS_TYPE_SAMPLE_ROW, NULL);
}

static void
ds_sample_row_dispose (GObject *object)
{
  DsSampleRow *self = (DsSampleRow *)object;

  if (self->experiment != NULL)
    g_signal_handlers_disconnect_by_data (self->experiment, self);
  g_clear_object (&self->experiment);

  G_OBJECT_CLASS (ds_sample_row_parent_class)->dispose (object);
}

static void
ds_sample_row_class_init (DsSampleRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ds_sample_row_dispose;
}

static void
ds_sample_row_init (DsSampleRow *self)
{
  self->spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0, 0, 1));
  gtk_spin_button_set_numeric (self->spin, TRUE);
  gtk_widget_set_valign (GTK_WIDGET (self->spin), GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (GTK_WIDGET (self->spin), "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), GTK_WIDGET (self->spin));
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (self), GTK_WIDGET (self->spin));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), _ ("Test sample"));
  g_signal_connect_object (self->spin, "value-changed", G_CALLBACK (value_changed_cb), self,
                           G_CONNECT_SWAPPED);
}
