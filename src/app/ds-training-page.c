/* ds-training-page.c — the Training page.
 *
 * Everything shown comes from the experiment's latest snapshot; the page never sees the
 * trainer. The buttons are bound to the window's win.start/pause/step/stop actions, whose
 * enabled state follows the run (ds-window-actions.c).
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "ds-format.h"
#include "ds-training-curves.h"
#include "ds-training-page.h"
#include "fig_export.h"
#include "kd_config_json.h"

enum
{
  COL_MODEL,
  COL_ARCH,
  COL_PARAMS,
  COL_LOSS,
  COL_ACCURACY,
  COL_AGREEMENT,
  COL_KL,
  N_COLS
};

struct _DsTrainingPage
{
  DsPage parent_instance;

  /* Template children */
  AdwButtonContent *start_content;
  GtkLabel *status_label;
  GtkToggleButton *steps_toggle;
  GtkWidget *axis_box;
  GtkProgressBar *progress_bar;
  GtkRevealer *message_revealer;
  GtkLabel *message_label;
  GtkRevealer *outdated_revealer;
  GtkLabel *outdated_label;
  GtkStack *content_stack;
  DsTrainingCurves *curves;
  GtkGrid *metrics_grid;
  GtkLabel *metrics_caption;

  GtkLabel *cells[KD_N_MODELS][N_COLS];
  FigTrainingData report_data; /* what the page last gave a report */
};

G_DEFINE_FINAL_TYPE (DsTrainingPage, ds_training_page, DS_TYPE_PAGE)

/* ---- metrics table -------------------------------------------------------------------------- */

static GtkLabel *
grid_label (GtkGrid *grid, const char *text, int column, int row, gboolean header)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column <= COL_ARCH ? 0.0f : 1.0f);
  gtk_label_set_selectable (GTK_LABEL (label), !header);
  if (header)
    gtk_widget_add_css_class (label, "heading");
  else if (column > COL_ARCH)
    gtk_widget_add_css_class (label, "numeric");
  if (column == COL_ARCH)
    {
      gtk_widget_set_hexpand (label, TRUE);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
    }
  gtk_grid_attach (grid, label, column, row, 1, 1);
  return GTK_LABEL (label);
}

static void
build_metrics_grid (DsTrainingPage *self)
{
  const char *headers[N_COLS] = {
    _ ("Model"),         _ ("Architecture"), _ ("Parameters"),    _ ("Training loss"),
    _ ("Test accuracy"), _ ("Agreement"),    _ ("KL to teacher"),
  };

  for (int c = 0; c < N_COLS; c++)
    grid_label (self->metrics_grid, headers[c], c, 0, TRUE);
  for (int m = 0; m < KD_N_MODELS; m++)
    for (int c = 0; c < N_COLS; c++)
      self->cells[m][c] = grid_label (self->metrics_grid, c == COL_MODEL ? ds_model_title (m) : "–",
                                      c, m + 1, FALSE);
}

/* The last test accuracy evaluated for model m, NaN when there is none. */
static double
last_test_accuracy (const KdHistory *h, int m)
{
  for (int i = h->n - 1; i >= 0; i--)
    if (isfinite (h->points[i].test_acc[m]))
      return h->points[i].test_acc[m];
  return NAN;
}

/* The loss the curve ends with (the mean since the previous point), for every model, so a live
 * run and its reopened session read the same; the last step's loss before the first point. */
static double
last_loss (const KdSnapshot *snap, int m)
{
  const KdHistory *h = &snap->history;

  for (int i = h->n - 1; i >= 0; i--)
    if (isfinite (h->points[i].loss[m]))
      return h->points[i].loss[m];
  return snap->progress.loss[m];
}

static void
set_cell (DsTrainingPage *self, int m, int c, char *text)
{
  gtk_label_set_text (self->cells[m][c], text);
  g_free (text);
}

static void
update_metrics (DsTrainingPage *self, KdSnapshot *snap)
{
  const KdTrainConfig *cfg = ds_experiment_get_run_config (ds_page_get_experiment (DS_PAGE (self)));
  const KdResults *r = snap->have_results ? &snap->results : NULL;

  for (int m = 0; m < KD_N_MODELS; m++)
    {
      const char *arch = m == KD_TEACHER ? cfg->teacher_arch : cfg->student_arch;

      gtk_label_set_text (self->cells[m][COL_ARCH], *arch ? arch : "linear");
      set_cell (self, m, COL_PARAMS, g_strdup_printf ("%'zu", snap->n_params[m]));
      set_cell (self, m, COL_LOSS, ds_format_number (last_loss (snap, m)));
      set_cell (self, m, COL_ACCURACY,
                ds_format_percent (r ? r->accuracy[m] : last_test_accuracy (&snap->history, m)));
      set_cell (self, m, COL_AGREEMENT, r ? ds_format_percent (r->agreement[m]) : g_strdup ("–"));
      set_cell (self, m, COL_KL, r ? ds_format_number (r->kl[m]) : g_strdup ("–"));
    }

  g_autofree char *measures = NULL;
  if (r != NULL)
    measures = g_strdup_printf (
        _ ("On the test set. Agreement: how often a model’s top class is the teacher’s. KL to "
           "teacher: mean KL(teacher ‖ model) of the outputs softened at T = %g; lower means a "
           "closer match."),
        (double)r->temperature);
  else
    measures = g_strdup (_ ("Test accuracy is the last evaluation, at the end of an epoch. "
                            "Accuracy, agreement with the teacher and KL are measured on the "
                            "test set when the run finishes."));
  g_autofree char *transfer
      = ds_experiment_describe_transfer_set (ds_page_get_experiment (DS_PAGE (self)));
  /* g_strjoin stops at the first NULL: no transfer set, no second sentence. */
  g_autofree char *caption = g_strjoin (" ", measures, transfer, NULL);
  gtk_label_set_text (self->metrics_caption, caption);
}

/* ---- status and progress ------------------------------------------------------------------ */

static char *
progress_text (const KdProgress *p)
{
  g_autofree char *where = NULL;

  if (p->phase == KD_PHASE_DONE)
    return g_strdup (ds_phase_title (p->phase));
  /* Translators: "Training the teacher · epoch 2 of 4 · batch 31 of 94 · T = 4" */
  where = g_strdup_printf (_ ("epoch %d of %d · batch %d of %d"), p->epoch + 1, p->n_epochs,
                           p->batch, p->n_batches);
  if (p->phase == KD_PHASE_TEACHER)
    return g_strdup_printf ("%s · %s", ds_phase_title (p->phase), where);
  return g_strdup_printf (_ ("%s · %s · T = %.3g"), ds_phase_title (p->phase), where,
                          (double)p->temperature);
}

static char *
status_text (DsTrainingPage *self, KdSnapshot *snap, DsRunState state)
{
  const KdProgress *p = &snap->progress;
  g_autofree char *where = progress_text (p);
  g_autofree char *took = ds_format_duration (p->elapsed);

  switch (state)
    {
      case DS_RUN_STATE_RUNNING:
        return g_steal_pointer (&where);
      case DS_RUN_STATE_PAUSED:
        /* Translators: "Paused · Training the teacher · epoch 2 of 4 …" */
        return g_strdup_printf (_ ("Paused · %s"), where);
      case DS_RUN_STATE_DIVERGED:
        return g_strdup_printf (_ ("Diverged at step %'ld"), p->step);
      case DS_RUN_STATE_FINISHED:
        if (ds_experiment_get_eta (ds_page_get_experiment (DS_PAGE (self))) < 0.0
            && p->elapsed == 0.0)
          return g_strdup_printf (_ ("Finished after %'ld steps (from the session file)"), p->step);
        return g_strdup_printf (_ ("Finished: %'ld steps in %s"), p->step, took);
      case DS_RUN_STATE_STOPPED:
        return g_strdup_printf (_ ("Stopped at step %'ld"), p->step);
      case DS_RUN_STATE_FAILED:
        return g_strdup (_ ("Training failed"));
      case DS_RUN_STATE_EMPTY:
      default:
        return g_strdup ("");
    }
}

static void
update_progress (DsTrainingPage *self, KdSnapshot *snap, DsRunState state)
{
  const KdProgress *p = &snap->progress;
  double fraction = p->total_steps > 0 ? (double)p->step / (double)p->total_steps : 0.0;
  double eta = ds_experiment_get_eta (ds_page_get_experiment (DS_PAGE (self)));
  g_autofree char *text = NULL;

  if (state == DS_RUN_STATE_FINISHED)
    fraction = 1.0;
  if (state == DS_RUN_STATE_RUNNING && eta > 0.0)
    {
      g_autofree char *left = ds_format_duration (eta);
      /* Translators: progress, e.g. "37% · about 12 s left" */
      text = g_strdup_printf (_ ("%d%% · about %s left"), (int)floor (100.0 * fraction), left);
    }
  else
    text = g_strdup_printf ("%d%%", (int)floor (100.0 * fraction));
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
  gtk_progress_bar_set_text (self->progress_bar, text);
}

/* Says why Start is greyed out when the new settings cannot be trained, instead of promising
 * that Start trains them. */
static void
update_outdated_text (DsTrainingPage *self, DsExperiment *experiment)
{
  g_autofree char *problem = NULL;
  g_autofree char *text = NULL;
  DsConfigField field;

  /* A data set still loading, or failing, is told on the Experiment page itself. */
  if (ds_experiment_check (experiment, &field, &problem) || field == DS_FIELD_DATA)
    {
      gtk_label_set_text (self->outdated_label, _ ("The experiment has changed since this run. "
                                                   "Start trains the new settings."));
      return;
    }
  /* Translators: the %s is the problem, a sentence without its full stop, e.g. "The batch size
   * must be between 1 and the number of training samples (600)" */
  text = g_strdup_printf (_ ("The experiment has changed since this run, but the new settings "
                             "cannot be trained. %s. Fix them on the Experiment page."),
                          problem);
  gtk_label_set_text (self->outdated_label, text);
}

static void
update_run (DsTrainingPage *self)
{
  DsExperiment *experiment = ds_page_get_experiment (DS_PAGE (self));
  KdSnapshot *snap = ds_experiment_get_snapshot (experiment);
  DsRunState state = ds_experiment_get_state (experiment);
  const char *message = ds_experiment_get_message (experiment);
  gboolean resume = state == DS_RUN_STATE_PAUSED || state == DS_RUN_STATE_DIVERGED;

  adw_button_content_set_label (self->start_content, resume ? _ ("_Resume") : _ ("_Start"));
  gtk_revealer_set_reveal_child (self->message_revealer, message != NULL);
  gtk_label_set_text (self->message_label, message ? message : "");
  gboolean outdated
      = ds_experiment_get_run_outdated (experiment) && !ds_run_state_is_active (state);
  gtk_revealer_set_reveal_child (self->outdated_revealer, outdated);
  /* Checking the settings parses both architectures: only when the note is shown. */
  if (outdated)
    update_outdated_text (self, experiment);

  /* Nothing to plot or measure before the first snapshot. */
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), snap != NULL);
  gtk_widget_set_visible (self->axis_box, snap != NULL);
  if (snap == NULL)
    {
      gtk_stack_set_visible_child_name (self->content_stack,
                                        state == DS_RUN_STATE_FAILED ? "curves" : "empty");
      gtk_label_set_text (self->status_label, state == DS_RUN_STATE_FAILED ? _ ("Training failed")
                                              : state == DS_RUN_STATE_RUNNING ? _ ("Setting up…")
                                                                              : "");
      gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
      gtk_progress_bar_set_text (self->progress_bar, "");
      return;
    }

  g_autofree char *status = status_text (self, snap, state);
  gtk_stack_set_visible_child_name (self->content_stack, "curves");
  gtk_label_set_text (self->status_label, status);
  update_progress (self, snap, state);
  update_metrics (self, snap);
}

static void
snapshot_changed_cb (DsTrainingPage *self)
{
  gboolean could = ds_page_can_export (DS_PAGE (self));

  ds_training_curves_set_snapshot (
      self->curves, ds_experiment_get_snapshot (ds_page_get_experiment (DS_PAGE (self))));
  update_run (self);
  if (could != ds_page_can_export (DS_PAGE (self)))
    ds_page_notify_can_export (DS_PAGE (self));
}

static void
axis_toggled_cb (DsTrainingPage *self)
{
  ds_training_curves_set_x_axis (self->curves, gtk_toggle_button_get_active (self->steps_toggle)
                                                   ? FIG_TRAINING_X_STEP
                                                   : FIG_TRAINING_X_EPOCH);
}

/* ---- DsPage -----------------------------------------------------------------------------------
 */

static gboolean
ds_training_page_can_export (DsPage *page)
{
  KdSnapshot *snap = ds_experiment_get_snapshot (ds_page_get_experiment (page));

  return snap != NULL && snap->history.n > 0;
}

/* The curves are drawn by DsTrainingCurves, not a DsFigureView: they go to a report from the
 * snapshot, on the axis shown. */
static void
ds_training_page_add_report_figures (DsPage *page, GArray *figures)
{
  DsTrainingPage *self = DS_TRAINING_PAGE (page);
  DsReportFigure figure = { FIG_KIND_TRAINING, fig_registry_get (FIG_KIND_TRAINING)->paint,
                            &self->report_data, _ ("Training curves") };

  if (!ds_training_page_can_export (page))
    return;
  self->report_data = (FigTrainingData){
    .history = &ds_experiment_get_snapshot (ds_page_get_experiment (page))->history,
    .x_axis = ds_training_curves_get_x_axis (self->curves),
  };
  g_array_append_val (figures, figure);
}

static char *
ds_training_page_get_export_name (DsPage *page)
{
  return g_strdup ("training-curves");
}

static gboolean
export_figure (DsTrainingPage *self,
               const char *path,
               FigFormat format,
               const FigTrainingData *data,
               GError **error)
{
  DsExperiment *experiment = ds_page_get_experiment (DS_PAGE (self));
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autofree char *style_name = g_settings_get_string (settings, "export-style");
  g_autofree char *config = kd_train_config_to_json (ds_experiment_get_run_config (experiment));
  const char *spec = ds_experiment_get_run_data_spec (experiment);
  double dpi = g_settings_get_int (settings, "export-dpi");
  int width = gtk_widget_get_width (GTK_WIDGET (self->curves));
  int height = gtk_widget_get_height (GTK_WIDGET (self->curves));
  FigTheme theme = FIG_THEME_LIGHT;
  FigExportOptions opts;
  const FigMetadata metadata[] = {
    { "Distillscope config", config },
    { "Distillscope data", spec ? spec : "" },
  };

  fig_theme_from_name (style_name, &theme);
  fig_export_options_init (&opts);
  /* What is on screen, at the export resolution: the same layout, only sharper. */
  if (width < 200 || height < 150)
    width = 720, height = 420;
  opts.width = (int)lround (width * dpi / 96.0);
  opts.height = (int)lround (height * dpi / 96.0);
  opts.dpi = dpi;
  opts.title = _ ("Training curves");
  opts.metadata = metadata;
  opts.n_metadata = G_N_ELEMENTS (metadata);
  return fig_export (path, format, &opts, (FigPaintFunc)fig_training_paint, data,
                     fig_style_get (theme), error);
}

static gboolean
ds_training_page_export (DsPage *page, GFile *file, DsExportFormat format, GError **error)
{
  DsTrainingPage *self = DS_TRAINING_PAGE (page);
  KdSnapshot *snap = ds_experiment_get_snapshot (ds_page_get_experiment (page));
  g_autofree char *path = g_file_get_path (file);
  FigTrainingData data = { 0 };

  if (snap == NULL || path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _ ("There are no training curves to export"));
      return FALSE;
    }
  data.history = &snap->history;
  data.x_axis = ds_training_curves_get_x_axis (self->curves);

  if (format == DS_EXPORT_CSV)
    {
      g_autoptr (GString) csv = g_string_new (NULL);

      fig_training_csv (&data, csv);
      return fig_export_text (path, csv->str, csv->len, error);
    }
  return export_figure (self, path,
                        format == DS_EXPORT_SVG   ? FIG_FORMAT_SVG
                        : format == DS_EXPORT_PDF ? FIG_FORMAT_PDF
                                                  : FIG_FORMAT_PNG,
                        &data, error);
}

/* ---- GObject ------------------------------------------------------------------------------------
 */

GtkWidget *
ds_training_page_new (DsExperiment *experiment)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (experiment), NULL);

  return g_object_new (DS_TYPE_TRAINING_PAGE, "experiment", experiment, NULL);
}

static void
ds_training_page_experiment_set (DsPage *page, DsExperiment *experiment)
{
  DsTrainingPage *self = DS_TRAINING_PAGE (page);

  g_signal_connect_object (experiment, "snapshot-changed", G_CALLBACK (snapshot_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (experiment, "notify::state", G_CALLBACK (update_run), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (experiment, "notify::run-outdated", G_CALLBACK (update_run), self,
                           G_CONNECT_SWAPPED);
  /* Whether the new settings can be trained, for the outdated-run note. */
  g_signal_connect_object (experiment, "config-changed", G_CALLBACK (update_run), self,
                           G_CONNECT_SWAPPED);
  /* The caption names the transfer set's share of the training set, known once it is loaded. */
  g_signal_connect_object (experiment, "notify::run-data", G_CALLBACK (update_run), self,
                           G_CONNECT_SWAPPED);
  snapshot_changed_cb (self);
}

static void
ds_training_page_dispose (GObject *object)
{
  DsTrainingPage *self = (DsTrainingPage *)object;
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), DS_TYPE_TRAINING_PAGE);
  /* Children the template does not bind. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ds_training_page_parent_class)->dispose (object);
}

static void
ds_training_page_class_init (DsTrainingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DsPageClass *page_class = DS_PAGE_CLASS (klass);

  object_class->dispose = ds_training_page_dispose;

  page_class->title = N_ ("Training");
  page_class->icon_name = "ds-training-symbolic";
  page_class->experiment_set = ds_training_page_experiment_set;
  page_class->can_export = ds_training_page_can_export;
  page_class->get_export_name = ds_training_page_get_export_name;
  page_class->export = ds_training_page_export;
  page_class->add_report_figures = ds_training_page_add_report_figures;

  g_type_ensure (DS_TYPE_TRAINING_CURVES);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/distillscope/Distillscope/ui/"
                                               "ds-training-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DsTrainingPage, start_content);
  gtk_widget_class_bind_template_child (widget_class, DsTrainingPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, DsTrainingPage, steps_toggle);
  gtk_widget_class_bind_template_child (widget_class, DsTrainingPage, axis_box);
  gtk_widget_class_bind_template_child (widget_class, DsTrainingPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, DsTrainingPage, message_revealer);
  gtk_widget_class_bind_template_child (widget_class, DsTrainingPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, DsTrainingPage, outdated_revealer);
  gtk_widget_class_bind_template_child (widget_class, DsTrainingPage, outdated_label);
  gtk_widget_class_bind_template_child (widget_class, DsTrainingPage, content_stack);
  gtk_widget_class_bind_template_child (widget_class, DsTrainingPage, curves);
  gtk_widget_class_bind_template_child (widget_class, DsTrainingPage, metrics_grid);
  gtk_widget_class_bind_template_child (widget_class, DsTrainingPage, metrics_caption);
}

static void
ds_training_page_init (DsTrainingPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  build_metrics_grid (self);
  g_signal_connect_object (self->steps_toggle, "toggled", G_CALLBACK (axis_toggled_cb), self,
                           G_CONNECT_SWAPPED);
}
