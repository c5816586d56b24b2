/* ds-window-unsaved.c — asking before trained results that are not saved yet are dropped.
 *
 * Closing the window, opening a session in it and starting a new run all replace the run
 * shown. When its results are not saved, each first asks the same question (Cancel, Discard,
 * Save) and then goes on with what it asked about: at once after Discard; after Save, once the
 * session is written; not at all after Cancel, or when the save fails or is cancelled.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ds-window-private.h"

gboolean
_ds_window_has_unsaved_results (DsWindow *self)
{
  return ds_experiment_get_unsaved (self->experiment) && ds_experiment_can_save (self->experiment);
}

void
_ds_window_drop_pending (DsWindow *self)
{
  self->pending = NULL;
  g_clear_object (&self->pending_file);
}

/* Forgets what waited before running it, so that it may ask again. */
void
_ds_window_run_pending (DsWindow *self)
{
  DsWindowProceed proceed = self->pending;
  g_autoptr (GFile) file = g_steal_pointer (&self->pending_file);

  self->pending = NULL;
  if (proceed != NULL)
    proceed (self, file);
}

static gboolean
discard_confirmed_cb (gpointer user_data)
{
  _ds_window_run_pending (user_data);
  return G_SOURCE_REMOVE;
}

void
_ds_window_forget_question (DsWindow *self)
{
  if (self->question != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->question), (gpointer *)&self->question);
  self->question = NULL;
}

static void
discard_response_cb (DsWindow *self, const char *response, AdwMessageDialog *dialog)
{
  /* One answer per question, whatever else the dialog emits while it closes. */
  g_signal_handlers_disconnect_by_func (dialog, discard_response_cb, self);
  _ds_window_forget_question (self);
  /* Not from inside the response of a dialog that is transient for this window: what waited
   * may close the window. */
  if (g_str_equal (response, "discard"))
    g_idle_add_full (G_PRIORITY_DEFAULT, discard_confirmed_cb, g_object_ref (self), g_object_unref);
  else if (g_str_equal (response, "save"))
    {
      GFile *file = ds_experiment_get_file (self->experiment);

      if (file != NULL)
        ds_window_save_to_file (self, file);
      else
        _ds_window_save_as (self);
    }
  else
    _ds_window_drop_pending (self);
}

static const char *
discard_body (DsWindow *self, DsDiscardReason reason)
{
  gboolean running = ds_run_state_is_active (ds_experiment_get_state (self->experiment));

  if (reason == DS_DISCARD_NEW_RUN)
    return _ ("The results of this training run are not saved. A new run replaces them, so they "
              "are lost unless you save them first.");
  if (reason == DS_DISCARD_OPEN)
    return running ? _ ("Training is still running. Opening a session stops it, and what was "
                        "trained so far is lost unless you save it.")
                   : _ ("The results of this training run are not saved. If you open another "
                        "session without saving, they are lost.");
  return running ? _ ("Training is still running. Closing the window stops it, and what was "
                      "trained so far is lost unless you save it.")
                 : _ ("The results of this training run are not saved. If you close the window "
                      "without saving, they are lost.");
}

/* Trained weights are the one thing that costs time to get back: ask before dropping them. */
static void
ask_save (DsWindow *self, DsDiscardReason reason)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _ ("Save the Session?"),
                                              discard_body (self, reason));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "discard",
                                    _ ("_Discard"), "save", _ ("_Save…"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (discard_response_cb), self,
                           G_CONNECT_SWAPPED);
  self->question = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *)&self->question);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Runs proceed at once when it would lose nothing unsaved. Otherwise asks first: Cancel
 * forgets it, Discard runs it, Save runs it once the session is written (Save As when it has
 * no file yet) and forgets it when the save fails or is cancelled. */
void
_ds_window_confirm_discard (DsWindow *self,
                            DsDiscardReason reason,
                            DsWindowProceed proceed,
                            GFile *file)
{
  g_assert (proceed != NULL);

  if (!_ds_window_has_unsaved_results (self))
    {
      proceed (self, file);
      return;
    }
  /* One question at a time, and none while a session is being written (perhaps the save the
   * user chose in the last question, which then goes on with what it asked about). */
  if (self->question != NULL || self->busy > 0)
    return;
  self->pending = proceed;
  g_set_object (&self->pending_file, file);
  ask_save (self, reason);
}
