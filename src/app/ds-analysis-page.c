/* ds-analysis-page.c — shared parts of the analysis pages. */
#include "config.h"

#include <glib/gi18n.h>

#include "ds-analysis-page.h"

void
ds_source_tracker_init (DsSourceTracker *tracker, GSourceFunc retry, gpointer retry_data)
{
  *tracker = (DsSourceTracker){ .retry = retry, .retry_data = retry_data };
}

static gboolean
retry_cb (gpointer user_data)
{
  DsSourceTracker *tracker = user_data;

  tracker->retry_source = 0;
  tracker->retry (tracker->retry_data);
  return G_SOURCE_REMOVE;
}

gboolean
ds_source_tracker_update (DsSourceTracker *tracker, DsExperiment *experiment, gboolean busy)
{
  gint64 since;
  DsNetSource *source;

  if (ds_net_source_state (experiment) != DS_SOURCE_READY)
    {
      gboolean had = tracker->source != NULL;

      ds_source_tracker_clear (tracker);
      return had;
    }
  if (tracker->source != NULL
      && tracker->source->serial == ds_experiment_get_snapshot_serial (experiment))
    {
      tracker->pending = FALSE;
      return FALSE;
    }
  since = (g_get_monotonic_time () - tracker->adopted_at) / 1000;
  if (tracker->source != NULL && ds_experiment_get_state (experiment) == DS_RUN_STATE_RUNNING
      && (busy || since < DS_LIVE_INTERVAL_MS))
    {
      /* Busy: the page retries when its analyses are done. */
      tracker->pending = TRUE;
      if (!busy && tracker->retry != NULL && tracker->retry_source == 0)
        tracker->retry_source
            = g_timeout_add ((guint)(DS_LIVE_INTERVAL_MS - since), retry_cb, tracker);
      return FALSE;
    }
  if ((source = ds_net_source_new (experiment)) == NULL)
    return FALSE;
  g_clear_pointer (&tracker->source, ds_net_source_unref);
  tracker->source = source;
  tracker->pending = FALSE;
  tracker->adopted_at = g_get_monotonic_time ();
  g_clear_handle_id (&tracker->retry_source, g_source_remove);
  return TRUE;
}

void
ds_source_tracker_clear (DsSourceTracker *tracker)
{
  g_clear_pointer (&tracker->source, ds_net_source_unref);
  g_clear_handle_id (&tracker->retry_source, g_source_remove);
  tracker->pending = FALSE;
}

const char *
ds_analysis_page_show_state (GtkStack *stack,
                             AdwStatusPage *missing,
                             DsExperiment *experiment,
                             DsSourceState state)
{
  const char *name;

  switch (state)
    {
      case DS_SOURCE_READY:
        name = "content";
        break;
      case DS_SOURCE_DATA_LOADING:
        name = "loading";
        break;
      case DS_SOURCE_DATA_MISSING:
        {
          const char *error = ds_experiment_get_data_error (experiment);
          g_autofree char *text = g_strdup_printf (
              _ ("The models are here, but the test samples they were trained on could not be "
                 "loaded: %s. Analyses need those samples; the Experiment page shows the data "
                 "the session names."),
              error ? error : _ ("the data set is not available on this computer"));

          adw_status_page_set_description (missing, text);
          name = "missing";
        }
        break;
      case DS_SOURCE_NOTHING_TRAINED:
      default:
        name = "empty";
        break;
    }
  gtk_stack_set_visible_child_name (stack, name);
  return name;
}

static void
touched (GtkEventController *controller)
{
  DsFigureView **current = g_object_get_data (G_OBJECT (controller), "ds-current-view");

  *current = DS_FIGURE_VIEW (gtk_event_controller_get_widget (controller));
}

static void
pointer_enter_cb (GtkEventController *controller, double x, double y)
{
  touched (controller);
}

static void
focus_enter_cb (GtkEventController *controller)
{
  touched (controller);
}

void
ds_analysis_page_track_view (DsFigureView *view, DsFigureView **current)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  g_object_set_data (G_OBJECT (motion), "ds-current-view", current);
  g_object_set_data (G_OBJECT (focus), "ds-current-view", current);
  g_signal_connect (motion, "enter", G_CALLBACK (pointer_enter_cb), NULL);
  g_signal_connect (focus, "enter", G_CALLBACK (focus_enter_cb), NULL);
  gtk_widget_add_controller (GTK_WIDGET (view), motion);
  gtk_widget_add_controller (GTK_WIDGET (view), focus);
}

DsFigureView *
ds_analysis_page_export_view (DsFigureView *const *views, DsFigureView *current)
{
  if (current != NULL && ds_figure_view_has_figure (current)
      && gtk_widget_is_visible (GTK_WIDGET (current)))
    return current;
  for (; *views != NULL; views++)
    if (ds_figure_view_has_figure (*views) && gtk_widget_is_visible (GTK_WIDGET (*views)))
      return *views;
  return NULL;
}

void
ds_analysis_page_show_analysis (DsAnalysis *analysis, DsFigureView *view, GtkLabel *error_label)
{
  const GError *error = ds_analysis_get_error (analysis);

  /* A result for other settings or an older snapshot stays visible, faded, until the new one
   * replaces it. */
  gtk_widget_set_opacity (GTK_WIDGET (view), ds_analysis_is_current (analysis) ? 1.0 : 0.45);
  if (error_label == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (error_label), error != NULL);
  if (error != NULL)
    {
      /* Translators: shown under a figure whose analysis failed */
      g_autofree char *text
          = g_strdup_printf (_ ("Could not compute this figure: %s"), error->message);
      gtk_label_set_text (error_label, text);
    }
}

void
ds_analysis_page_show_busy (DsAnalysis *const *analyses, GtkSpinner *spinner, GtkLabel *label)
{
  gboolean busy = FALSE;
  double progress = 0.0;

  for (; *analyses != NULL; analyses++)
    if (ds_analysis_get_busy (*analyses))
      {
        busy = TRUE;
        progress = MAX (progress, ds_analysis_get_progress (*analyses));
      }
  gtk_spinner_set_spinning (spinner, busy);
  gtk_widget_set_visible (GTK_WIDGET (spinner), busy);
  if (!busy)
    gtk_label_set_text (label, "");
  else if (progress > 0.0)
    {
      /* Translators: the progress of an analysis, e.g. "Computing… 37 %" */
      g_autofree char *text = g_strdup_printf (_ ("Computing… %d %%"), (int)(100.0 * progress));
      gtk_label_set_text (label, text);
    }
  else
    gtk_label_set_text (label, _ ("Computing…"));
}
