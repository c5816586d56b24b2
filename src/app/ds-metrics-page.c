/* ds-metrics-page.c — the Metrics page.
 *
 * One analysis runs the three networks of the adopted snapshot over the test set
 * (kd_metrics_evaluate) in a thread; the table, the reliability diagrams, the confusion
 * matrix of the chosen model and the per-class accuracies are all drawn from its report.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ds-analysis-page.h"
#include "ds-format.h"
#include "ds-metrics-page.h"
#include "ds-sample-row.h"
#include "fig_heatmap.h"
#include "fig_reliability.h"
#include "kd_metrics.h"

#define EVAL_BATCH 256

enum
{
  COL_MODEL,
  COL_ACCURACY,
  COL_AGREEMENT,
  COL_KL,
  COL_ECE,
  COL_CONFIDENCE,
  COL_NLL,
  N_COLS
};

typedef struct
{
  KdMetricsReport report;
  int n_classes;
} DsMetricsResult;

struct _DsMetricsPage
{
  DsPage parent_instance;

  DsSourceTracker tracker;
  DsAnalysis *metrics;
  DsFigureView *current_view;
  const char *const *class_names;
  GtkLabel *cells[KD_N_MODELS][N_COLS];

  /* Figure data, borrowed by the views. */
  FigReliabilityBin bins[KD_N_MODELS][KD_ECE_BINS];
  FigReliabilityData reliability;
  float *confusion_values; /* (K, K) */
  FigHeatmapData confusion;
  float *class_values; /* (3, K) */
  const char *model_names[KD_N_MODELS + 1];
  FigHeatmapData classes;
  char *confusion_title;

  /* Template children */
  GtkStack *stack;
  AdwStatusPage *missing_status;
  GtkLabel *summary_label, *busy_label;
  GtkSpinner *busy_spinner;
  GtkGrid *metrics_grid;
  GtkLabel *metrics_error, *table_caption;
  DsFigureView *reliability_view, *confusion_view, *classes_view;
  GtkLabel *reliability_caption, *confusion_caption, *classes_caption;
  GtkToggleButton *teacher_toggle, *student_toggle, *baseline_toggle;
  GtkCheckButton *normalise_check;
};

G_DEFINE_FINAL_TYPE (DsMetricsPage, ds_metrics_page, DS_TYPE_PAGE)

static void refresh (DsMetricsPage *self);

/* ---- the analysis ------------------------------------------------------------------------- */

static void
metrics_input_free (gpointer input)
{
  ds_net_source_unref (input);
}

static void
metrics_result_free (gpointer result)
{
  DsMetricsResult *r = result;

  kd_metrics_report_clear (&r->report);
  g_free (r);
}

static gpointer
metrics_compute (gconstpointer input, DsAnalysisJob *job, GError **error)
{
  const DsNetSource *source = input;
  KdNet *nets[KD_N_MODELS];
  DsMetricsResult *r;
  KdStatus st;

  if (!ds_net_source_build_nets (source, EVAL_BATCH, nets, error))
    return NULL;
  r = g_new0 (DsMetricsResult, 1);
  r->n_classes = source->shape.n_classes;
  st = kd_metrics_evaluate (nets, source->data->test, source->temperature, &r->report);
  ds_net_source_free_nets (nets);
  if (st != KD_OK || ds_analysis_job_cancelled (job))
    {
      ds_set_status_error (error, _ ("Metrics"),
                           ds_analysis_job_cancelled (job) ? KD_ERR_CANCELLED : st);
      metrics_result_free (r);
      return NULL;
    }
  return r;
}

/* ---- the table ---------------------------------------------------------------------------- */

static GtkLabel *
grid_label (GtkGrid *grid, const char *text, int column, int row, gboolean header)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == COL_MODEL ? 0.0f : 1.0f);
  gtk_label_set_selectable (GTK_LABEL (label), !header);
  if (header)
    gtk_widget_add_css_class (label, "heading");
  else if (column != COL_MODEL)
    gtk_widget_add_css_class (label, "numeric");
  if (column == COL_MODEL)
    gtk_widget_set_hexpand (label, TRUE);
  gtk_grid_attach (grid, label, column, row, 1, 1);
  return GTK_LABEL (label);
}

static void
build_grid (DsMetricsPage *self)
{
  const char *headers[N_COLS] = {
    _ ("Model"), _ ("Accuracy"),        _ ("Agreement"), _ ("KL to teacher"),
    _ ("ECE"),   _ ("Mean confidence"), _ ("NLL"),
  };

  for (int c = 0; c < N_COLS; c++)
    grid_label (self->metrics_grid, headers[c], c, 0, TRUE);
  for (int m = 0; m < KD_N_MODELS; m++)
    for (int c = 0; c < N_COLS; c++)
      self->cells[m][c] = grid_label (self->metrics_grid, c == COL_MODEL ? ds_model_title (m) : "–",
                                      c, m + 1, FALSE);
}

static void
set_cell (DsMetricsPage *self, int m, int c, char *text)
{
  gtk_label_set_text (self->cells[m][c], text);
  g_free (text);
}

static void
update_table (DsMetricsPage *self, const KdMetricsReport *report)
{
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      const KdModelMetrics *mm = report ? &report->model[m] : NULL;
      gboolean has = mm != NULL && mm->present;

      set_cell (self, m, COL_ACCURACY, ds_format_percent (has ? mm->accuracy : NAN));
      set_cell (self, m, COL_AGREEMENT, ds_format_percent (has ? mm->agreement : NAN));
      set_cell (self, m, COL_KL, ds_format_number (has ? mm->kl : NAN));
      set_cell (self, m, COL_ECE, ds_format_percent (has ? mm->calibration.ece : NAN));
      set_cell (self, m, COL_CONFIDENCE,
                ds_format_percent (has ? mm->calibration.mean_confidence : NAN));
      set_cell (self, m, COL_NLL, ds_format_number (has ? mm->nll : NAN));
    }
  if (report != NULL)
    {
      g_autofree char *caption = g_strdup_printf (
          _ ("On %d test samples. Agreement: how often a model’s top class is the teacher’s. KL "
             "to teacher: mean KL(teacher ‖ model) of the outputs softened at T = %g. ECE: "
             "expected calibration error over %d confidence bins, 0 for a model exactly as "
             "often right as it is sure. NLL: mean cross-entropy at T = 1."),
          report->n, (double)report->T, KD_ECE_BINS);
      g_autofree char *transfer
          = ds_experiment_describe_transfer_set (ds_page_get_experiment (DS_PAGE (self)));
      g_autofree char *text = g_strjoin (" ", caption, transfer, NULL);
      gtk_label_set_text (self->table_caption, text);
    }
  else
    gtk_label_set_text (self->table_caption, "");
}

/* ---- figures ------------------------------------------------------------------------------ */

static void
fill_reliability (DsMetricsPage *self, const KdMetricsReport *report)
{
  self->reliability = (FigReliabilityData){
    .n_models = KD_N_MODELS,
    .show_counts = TRUE,
    .title = _ ("Reliability diagrams"),
  };
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      const KdCalibration *cal = &report->model[m].calibration;

      for (int i = 0; i < KD_ECE_BINS; i++)
        self->bins[m][i]
            = (FigReliabilityBin){ cal->bins[i].lo, cal->bins[i].hi, cal->bins[i].count,
                                   cal->bins[i].confidence, cal->bins[i].accuracy };
      self->reliability.models[m] = (FigReliabilityModel){
        .name = ds_model_title (m),
        .model = m,
        .n_bins = KD_ECE_BINS,
        .bins = self->bins[m],
        .ece = cal->ece,
      };
    }
}

static KdModelId
confusion_model (DsMetricsPage *self)
{
  if (gtk_toggle_button_get_active (self->student_toggle))
    return KD_STUDENT;
  if (gtk_toggle_button_get_active (self->baseline_toggle))
    return KD_BASELINE;
  return KD_TEACHER;
}

static void
fill_confusion (DsMetricsPage *self, const KdMetricsReport *report)
{
  KdModelId m = confusion_model (self);
  gboolean shares = gtk_check_button_get_active (self->normalise_check);
  const int *conf = report->model[m].confusion;
  int K = report->K;

  g_free (self->confusion_values);
  self->confusion_values = g_new (float, (gsize)K *K);
  for (int y = 0; y < K; y++)
    {
      int total = 0;

      for (int k = 0; k < K; k++)
        total += conf[y * K + k];
      for (int k = 0; k < K; k++)
        self->confusion_values[y * K + k]
            = shares ? (total > 0 ? (float)conf[y * K + k] / total : NAN) : (float)conf[y * K + k];
    }
  g_free (self->confusion_title);
  /* Translators: "Confusion matrix · Distilled student" */
  self->confusion_title = g_strdup_printf (_ ("Confusion matrix · %s"), ds_model_title (m));
  self->confusion = (FigHeatmapData){
    .n_rows = K,
    .n_cols = K,
    .values = self->confusion_values,
    .row_names = self->class_names,
    .col_names = self->class_names,
    .row_label = _ ("True class"),
    .col_label = _ ("Predicted class"),
    .value_label = shares ? _ ("Share of the true class") : _ ("Samples"),
    .title = self->confusion_title,
    .colormap = FIG_COLORMAP_VIRIDIS,
    .vmin = 0.0,
    .vmax = shares ? 1.0 : NAN,
    .decimals = shares ? 2 : 0,
  };
}

/* Row names of the per-class heat map, short enough not to be cut off. */
static const char *
short_model_name (KdModelId m)
{
  switch (m)
    {
      case KD_TEACHER:
        return _ ("Teacher");
      case KD_STUDENT:
        /* Translators: short for "Distilled student", a row name in a narrow figure */
        return _ ("Distilled");
      case KD_BASELINE:
      case KD_N_MODELS:
      default:
        /* Translators: short for "Baseline student", a row name in a narrow figure */
        return _ ("Baseline");
    }
}

static void
fill_classes (DsMetricsPage *self, const KdMetricsReport *report)
{
  int K = report->K;

  g_free (self->class_values);
  self->class_values = g_new (float, (gsize)KD_N_MODELS *K);
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      self->model_names[m] = short_model_name (m);
      for (int k = 0; k < K; k++)
        self->class_values[m * K + k] = (float)report->model[m].class_accuracy[k];
    }
  self->classes = (FigHeatmapData){
    .n_rows = KD_N_MODELS,
    .n_cols = K,
    .values = self->class_values,
    .row_names = self->model_names,
    .col_names = self->class_names,
    .col_label = _ ("True class"),
    .value_label = _ ("Accuracy"),
    .title = _ ("Accuracy per class"),
    .colormap = FIG_COLORMAP_VIRIDIS,
    .vmin = 0.0,
    .vmax = 1.0,
    .decimals = 2,
  };
}

static char *
reliability_caption (const KdMetricsReport *report)
{
  const KdCalibration *c[KD_N_MODELS];

  for (int m = 0; m < KD_N_MODELS; m++)
    c[m] = &report->model[m].calibration;
  return g_strdup_printf (
      _ ("Bars: accuracy of the test samples in each confidence bin; the diagonal is perfect "
         "calibration and the shaded gaps what the model over- or underclaims. Mean confidence "
         "minus accuracy — teacher %+.1f, distilled student %+.1f, baseline student %+.1f "
         "points."),
      100.0 * (c[0]->mean_confidence - c[0]->accuracy),
      100.0 * (c[1]->mean_confidence - c[1]->accuracy),
      100.0 * (c[2]->mean_confidence - c[2]->accuracy));
}

static void
update_figures (DsMetricsPage *self)
{
  DsMetricsResult *r = ds_analysis_get_result (self->metrics);

  if (r == NULL || self->tracker.source == NULL || self->class_names == NULL)
    {
      ds_figure_view_set_figure (self->reliability_view, FIG_KIND_RELIABILITY, NULL);
      ds_figure_view_set_figure (self->confusion_view, FIG_KIND_HEATMAP, NULL);
      ds_figure_view_set_figure (self->classes_view, FIG_KIND_HEATMAP, NULL);
      gtk_label_set_text (self->reliability_caption, "");
      gtk_label_set_text (self->confusion_caption, "");
      gtk_label_set_text (self->classes_caption, "");
      return;
    }
  fill_reliability (self, &r->report);
  fill_confusion (self, &r->report);
  fill_classes (self, &r->report);
  ds_figure_view_set_figure (self->reliability_view, FIG_KIND_RELIABILITY, &self->reliability);
  ds_figure_view_set_figure (self->confusion_view, FIG_KIND_HEATMAP, &self->confusion);
  ds_figure_view_set_figure (self->classes_view, FIG_KIND_HEATMAP, &self->classes);
  {
    g_autofree char *caption = reliability_caption (&r->report);
    gtk_label_set_text (self->reliability_caption, caption);
    ds_figure_view_set_description (self->reliability_view, caption);
  }
  gtk_label_set_text (self->confusion_caption,
                      _ ("Rows are true classes, columns predictions; the diagonal holds the "
                         "correct answers. Point at a cell for its numbers."));
  gtk_label_set_text (self->classes_caption,
                      _ ("The share of each true class that each model gets right: where "
                         "distillation helps the student, and where it does not."));
  ds_figure_view_set_description (self->confusion_view, self->confusion_title);
}

static void
metrics_changed_cb (DsMetricsPage *self)
{
  DsMetricsResult *r = ds_analysis_get_result (self->metrics);
  DsAnalysis *all[] = { self->metrics, NULL };

  ds_analysis_page_show_analysis (self->metrics, self->reliability_view, NULL);
  ds_analysis_page_show_analysis (self->metrics, self->confusion_view, NULL);
  ds_analysis_page_show_analysis (self->metrics, self->classes_view, self->metrics_error);
  ds_analysis_page_show_busy (all, self->busy_spinner, self->busy_label);
  update_table (self, r ? &r->report : NULL);
  update_figures (self);
  ds_page_notify_can_export (DS_PAGE (self));
  if (self->tracker.pending && !ds_analysis_get_busy (self->metrics))
    refresh (self);
  ds_page_notify_busy (DS_PAGE (self));
}

/* Computing, or waiting to adopt a newer snapshot. */
static gboolean
ds_metrics_page_get_busy (DsPage *page)
{
  DsMetricsPage *self = DS_METRICS_PAGE (page);

  return ds_analysis_get_busy (self->metrics) || self->tracker.pending;
}

/* ---- hover ---------------------------------------------------------------------------------- */

static char *
confusion_hover (DsFigureView *view, double x, double y, gpointer user_data)
{
  DsMetricsPage *self = user_data;
  DsMetricsResult *r = ds_analysis_get_result (self->metrics);
  int row, col, K, total = 0;
  const int *conf;

  if (r == NULL || !ds_figure_view_has_figure (view)
      || !ds_figure_view_pick_heatmap_cell (view, &self->confusion, x, y, &row, &col))
    return NULL;
  K = r->report.K;
  conf = r->report.model[confusion_model (self)].confusion;
  for (int k = 0; k < K; k++)
    total += conf[row * K + k];
  /* Translators: "True class Sneaker, predicted Sandal: 12 of 97 samples (12.4 %)" */
  return g_strdup_printf (_ ("True class %s, predicted %s: %d of %d samples (%.1f %%)"),
                          self->class_names[row], self->class_names[col], conf[row * K + col],
                          total, total > 0 ? 100.0 * conf[row * K + col] / total : 0.0);
}

static char *
classes_hover (DsFigureView *view, double x, double y, gpointer user_data)
{
  DsMetricsPage *self = user_data;
  int row, col;
  float value;

  if (!ds_figure_view_has_figure (view)
      || !ds_figure_view_pick_heatmap_cell (view, &self->classes, x, y, &row, &col))
    return NULL;
  value = self->classes.values[row * self->classes.n_cols + col];
  if (!isfinite (value))
    return NULL;
  /* Translators: "Distilled student on class Sneaker: 91.2 % right" */
  return g_strdup_printf (_ ("%s on class %s: %.1f %% right"), ds_model_title (row),
                          self->class_names[col], 100.0 * value);
}

/* ---- refresh ------------------------------------------------------------------------------ */

static void
update_summary (DsMetricsPage *self)
{
  DsNetSource *source = self->tracker.source;
  g_autofree char *text = NULL;

  if (source != NULL)
    /* Translators: "500 test samples · weights after step 1,880" */
    text = g_strdup_printf (_ ("%d test samples · weights after step %'ld"), source->data->test->n,
                            source->snapshot->progress.step);
  gtk_label_set_text (self->summary_label, text ? text : "");
}

static void
refresh (DsMetricsPage *self)
{
  DsExperiment *experiment = ds_page_get_experiment (DS_PAGE (self));
  DsSourceState state = ds_net_source_state (experiment);
  DsNetSource *source;
  g_autofree char *key = NULL;

  ds_analysis_page_show_state (self->stack, self->missing_status, experiment, state);
  if (state != DS_SOURCE_READY)
    {
      ds_source_tracker_clear (&self->tracker);
      ds_analysis_reset (self->metrics);
      update_summary (self);
      return;
    }
  if (!ds_page_is_active (DS_PAGE (self)))
    return;
  if (ds_source_tracker_update (&self->tracker, experiment, ds_analysis_get_busy (self->metrics)))
    self->class_names = ds_class_names_interned (self->tracker.source->data->test);
  if ((source = self->tracker.source) == NULL)
    return;
  update_summary (self);
  key = g_strdup_printf ("%" G_GUINT64_FORMAT, source->serial);
  ds_analysis_request (self->metrics, key, ds_net_source_ref (source), metrics_input_free);
}

/* ---- DsPage ----------------------------------------------------------------------------------
 */

static DsFigureView *
ds_metrics_page_get_export_view (DsPage *page)
{
  DsMetricsPage *self = DS_METRICS_PAGE (page);
  DsFigureView *views[]
      = { self->reliability_view, self->confusion_view, self->classes_view, NULL };

  return ds_analysis_page_export_view (views, self->current_view);
}

/* ---- GObject -------------------------------------------------------------------------------- */

GtkWidget *
ds_metrics_page_new (DsExperiment *experiment)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (experiment), NULL);

  return g_object_new (DS_TYPE_METRICS_PAGE, "experiment", experiment, NULL);
}

static void
connect_refresh (DsMetricsPage *self, gpointer instance, const char *signal)
{
  g_signal_connect_object (instance, signal, G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
}

static void
setup_views (DsMetricsPage *self)
{
  struct
  {
    DsFigureView *view;
    const char *title, *export_name;
  } views[] = {
    { self->reliability_view, _ ("Reliability diagrams"), "reliability" },
    { self->confusion_view, _ ("Confusion matrix"), "confusion" },
    { self->classes_view, _ ("Accuracy per class"), "class-accuracy" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      ds_figure_view_set_title (views[i].view, views[i].title);
      ds_figure_view_set_export_name (views[i].view, views[i].export_name);
      ds_figure_view_set_experiment (views[i].view, ds_page_get_experiment (DS_PAGE (self)));
      ds_analysis_page_track_view (views[i].view, &self->current_view);
    }
  ds_figure_view_set_hover_func (self->confusion_view, confusion_hover, self, NULL);
  ds_figure_view_set_hover_func (self->classes_view, classes_hover, self, NULL);
}

static void
ds_metrics_page_experiment_set (DsPage *page, DsExperiment *experiment)
{
  DsMetricsPage *self = DS_METRICS_PAGE (page);

  setup_views (self);
  connect_refresh (self, experiment, "snapshot-changed");
  connect_refresh (self, experiment, "notify::run-data");
  connect_refresh (self, experiment, "notify::data-loading");
  connect_refresh (self, experiment, "notify::state");
  connect_refresh (self, self, "map");
  connect_refresh (self, self, "notify::reporting");
  refresh (self);
}

static void
ds_metrics_page_dispose (GObject *object)
{
  DsMetricsPage *self = (DsMetricsPage *)object;

  if (self->reliability_view != NULL)
    {
      ds_figure_view_set_figure (self->reliability_view, FIG_KIND_RELIABILITY, NULL);
      ds_figure_view_set_figure (self->confusion_view, FIG_KIND_HEATMAP, NULL);
      ds_figure_view_set_figure (self->classes_view, FIG_KIND_HEATMAP, NULL);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), DS_TYPE_METRICS_PAGE);
  ds_analysis_release (&self->metrics, self);
  ds_source_tracker_clear (&self->tracker);

  G_OBJECT_CLASS (ds_metrics_page_parent_class)->dispose (object);
}

static void
ds_metrics_page_finalize (GObject *object)
{
  DsMetricsPage *self = (DsMetricsPage *)object;

  g_free (self->confusion_values);
  g_free (self->class_values);
  g_free (self->confusion_title);

  G_OBJECT_CLASS (ds_metrics_page_parent_class)->finalize (object);
}

static void
ds_metrics_page_class_init (DsMetricsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DsPageClass *page_class = DS_PAGE_CLASS (klass);

  object_class->dispose = ds_metrics_page_dispose;
  object_class->finalize = ds_metrics_page_finalize;

  page_class->title = N_ ("Metrics");
  page_class->icon_name = "ds-metrics-symbolic";
  page_class->experiment_set = ds_metrics_page_experiment_set;
  page_class->no_export_message = N_ ("There is no metrics figure to export yet");
  page_class->get_export_view = ds_metrics_page_get_export_view;
  page_class->get_busy = ds_metrics_page_get_busy;

  g_type_ensure (DS_TYPE_FIGURE_VIEW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/distillscope/Distillscope/ui/"
                                               "ds-metrics-page.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, DsMetricsPage, name)
  BIND (stack);
  BIND (missing_status);
  BIND (summary_label);
  BIND (busy_label);
  BIND (busy_spinner);
  BIND (metrics_grid);
  BIND (metrics_error);
  BIND (table_caption);
  BIND (reliability_view);
  BIND (confusion_view);
  BIND (classes_view);
  BIND (reliability_caption);
  BIND (confusion_caption);
  BIND (classes_caption);
  BIND (teacher_toggle);
  BIND (student_toggle);
  BIND (baseline_toggle);
  BIND (normalise_check);
#undef BIND
}

static gboolean
retry_refresh (gpointer self)
{
  refresh (self);
  return G_SOURCE_REMOVE;
}

static void
ds_metrics_page_init (DsMetricsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ds_source_tracker_init (&self->tracker, retry_refresh, self);

  self->metrics = ds_analysis_new (metrics_compute, metrics_result_free, 4);
  g_signal_connect_object (self->metrics, "changed", G_CALLBACK (metrics_changed_cb), self,
                           G_CONNECT_SWAPPED);
  build_grid (self);
  for (GtkToggleButton **t = (GtkToggleButton *[]){ self->teacher_toggle, self->student_toggle,
                                                    self->baseline_toggle, NULL };
       *t; t++)
    g_signal_connect_object (*t, "toggled", G_CALLBACK (update_figures), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->normalise_check, "toggled", G_CALLBACK (update_figures), self,
                           G_CONNECT_SWAPPED);
}
