/* ds-output-status.c — the status page of the output pages. */
#include "config.h"

#include <glib/gi18n.h>

#include "ds-net-source.h"
#include "ds-output-status.h"

struct _DsOutputStatus
{
  GtkWidget parent_instance;

  AdwStatusPage *status;
  GtkWidget *spinner;
  GtkWidget *buttons;
  char *icon_name;
};

G_DEFINE_FINAL_TYPE (DsOutputStatus, ds_output_status, GTK_TYPE_WIDGET)

GtkWidget *
ds_output_status_new (void)
{
  return g_object_new (DS_TYPE_OUTPUT_STATUS, NULL);
}

void
ds_output_status_set_icon_name (DsOutputStatus *self, const char *icon_name)
{
  g_return_if_fail (DS_IS_OUTPUT_STATUS (self));

  g_free (self->icon_name);
  self->icon_name = g_strdup (icon_name);
}

static void
show (DsOutputStatus *self,
      const char *icon_name,
      const char *title,
      const char *description,
      gboolean busy,
      gboolean buttons)
{
  adw_status_page_set_icon_name (self->status, busy ? NULL : icon_name);
  adw_status_page_set_title (self->status, title);
  adw_status_page_set_description (self->status, description);
  gtk_widget_set_visible (self->spinner, busy);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), busy);
  gtk_widget_set_visible (self->buttons, buttons);
}

static void
show_data_missing (DsOutputStatus *self, DsExperiment *experiment)
{
  const char *spec = ds_experiment_get_run_data_spec (experiment);
  g_autofree char *name = ds_data_spec_display_name (spec ? spec : "");
  g_autofree char *text = g_strdup_printf (
      _ ("These models were trained on “%s”, which could not be loaded on this computer. Choose "
         "data on the Experiment page and train again to look at their outputs."),
      name);

  show (self, "dialog-warning-symbolic", _ ("The Test Data Is Missing"), text, FALSE, FALSE);
}

gboolean
ds_output_status_update (DsOutputStatus *self, DsExperiment *experiment, DsTestOutputs *outputs)
{
  const GError *error;

  g_return_val_if_fail (DS_IS_OUTPUT_STATUS (self), FALSE);
  g_return_val_if_fail (DS_IS_EXPERIMENT (experiment), FALSE);

  switch (ds_net_source_state (experiment))
    {
      case DS_SOURCE_NOTHING_TRAINED:
        show (self, self->icon_name, _ ("Nothing Trained Yet"),
              _ ("Train the teacher and the two students on the Training page, or open a saved "
                 "session, to look at their outputs on the test set here."),
              FALSE, TRUE);
        return FALSE;
      case DS_SOURCE_DATA_LOADING:
        show (self, NULL, _ ("Loading the Test Data"),
              _ ("The session’s data set is being loaded."), TRUE, FALSE);
        return FALSE;
      case DS_SOURCE_DATA_MISSING:
        show_data_missing (self, experiment);
        return FALSE;
      case DS_SOURCE_READY:
      default:
        break;
    }
  if (ds_test_outputs_get_result (outputs) != NULL)
    return TRUE;
  if ((error = ds_test_outputs_get_error (outputs)) != NULL)
    {
      show (self, "dialog-error-symbolic", _ ("Could Not Compute the Outputs"), error->message,
            FALSE, FALSE);
      return FALSE;
    }
  show (self, NULL, _ ("Computing the Models’ Outputs"),
        _ ("The teacher and both students are run over the test set."), TRUE, FALSE);
  return FALSE;
}

static GtkWidget *
pill_button (const char *action, const char *icon_name, const char *label, gboolean suggested)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *content = adw_button_content_new ();

  adw_button_content_set_icon_name (ADW_BUTTON_CONTENT (content), icon_name);
  adw_button_content_set_label (ADW_BUTTON_CONTENT (content), label);
  adw_button_content_set_use_underline (ADW_BUTTON_CONTENT (content), TRUE);
  gtk_button_set_child (GTK_BUTTON (button), content);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_widget_add_css_class (button, "pill");
  if (suggested)
    gtk_widget_add_css_class (button, "suggested-action");
  return button;
}

static void
ds_output_status_dispose (GObject *object)
{
  DsOutputStatus *self = (DsOutputStatus *)object;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->icon_name, g_free);

  G_OBJECT_CLASS (ds_output_status_parent_class)->dispose (object);
}

static void
ds_output_status_class_init (DsOutputStatusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ds_output_status_dispose;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ds_output_status_init (DsOutputStatus *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  self->status = ADW_STATUS_PAGE (adw_status_page_new ());
  gtk_widget_set_parent (GTK_WIDGET (self->status), GTK_WIDGET (self));

  self->spinner = gtk_spinner_new ();
  gtk_widget_set_size_request (self->spinner, 32, 32);
  gtk_widget_set_halign (self->spinner, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), self->spinner);

  self->buttons = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_halign (self->buttons, GTK_ALIGN_CENTER);
  gtk_box_append (
      GTK_BOX (self->buttons),
      pill_button ("win.start", "media-playback-start-symbolic", _ ("Start _Training"), TRUE));
  gtk_box_append (GTK_BOX (self->buttons),
                  pill_button ("win.open", "document-open-symbolic", _ ("Open _Session…"), FALSE));
  gtk_box_append (GTK_BOX (box), self->buttons);
  adw_status_page_set_child (self->status, box);
}
