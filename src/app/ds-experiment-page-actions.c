/* ds-experiment-page-actions.c — opening data files from the Experiment page. */
#include "config.h"

#include <glib/gi18n.h>

#include "ds-experiment-page-private.h"

static void
chooser_response_cb (DsExperimentPage *self, int response, GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        ds_experiment_page_select_data (self, path);
    }
  g_clear_object (&self->chooser);
}

static void
open_data (DsExperimentPage *self,
           GtkFileChooserAction action,
           const char *title,
           GtkFileFilter *filter)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (
      title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, action, _ ("_Open"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  if (filter != NULL)
    gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
open_folder_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  open_data (DS_EXPERIMENT_PAGE (widget), GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
             _ ("Open a Folder of IDX Files, or of PNG Images in One Sub-Folder per Class"), NULL);
}

static void
open_csv_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _ ("CSV files (label in the first column)"));
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_filter_add_pattern (filter, "*.CSV");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  open_data (DS_EXPERIMENT_PAGE (widget), GTK_FILE_CHOOSER_ACTION_OPEN, _ ("Open a CSV File"),
             filter);
}

void
_ds_experiment_page_class_actions_init (DsExperimentPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "experiment.open-folder", NULL,
                                   open_folder_action);
  gtk_widget_class_install_action (widget_class, "experiment.open-csv", NULL, open_csv_action);
}
