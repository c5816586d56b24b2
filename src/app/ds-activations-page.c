/* ds-activations-page.c — the Activations page.
 *
 * Four analyses (ds-activations-compute.c): the selected sample's activations, the CKA
 * matrices, the PCA of the last hidden layers and one pair of layers. The layer pickers only
 * filter what is drawn; the pair follows the two pickers of the "Layer Pair" group, which a
 * click on a CKA cell sets.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ds-activations-page-private.h"
#include "ds-format.h"

G_DEFINE_FINAL_TYPE (DsActivationsPage, ds_activations_page, DS_TYPE_PAGE)

static gboolean
any_busy (DsActivationsPage *self)
{
  return ds_analysis_get_busy (self->acts) || ds_analysis_get_busy (self->cka)
         || ds_analysis_get_busy (self->pca) || ds_analysis_get_busy (self->pair);
}

void
_ds_activations_page_set_title (DsActivationsPage *self, int i, char *title)
{
  g_free (self->titles[i]);
  self->titles[i] = title;
}

AdwComboRow *
_ds_activations_page_layer_row (DsActivationsPage *self, KdModelId m)
{
  AdwComboRow *rows[KD_N_MODELS]
      = { self->teacher_layer_row, self->student_layer_row, self->baseline_layer_row };

  return rows[m];
}

void
_ds_activations_page_pair_models (DsActivationsPage *self, KdModelId *rows, KdModelId *cols)
{
  kd_cka_pair_models ((KdCkaPair)adw_combo_row_get_selected (self->pair_row), rows, cols);
}

/* The representation layers of model m, from whichever result has them. */
const KdRepLayer *
_ds_activations_page_model_layers (DsActivationsPage *self, KdModelId m, int *n)
{
  DsActivationsResult *acts = ds_analysis_get_result (self->acts);
  DsCkaResult *cka = ds_analysis_get_result (self->cka);

  if (acts != NULL)
    {
      *n = acts->models[m].n_layers;
      return acts->models[m].layers;
    }
  if (cka != NULL)
    {
      *n = cka->cka->n_layers[m];
      return cka->cka->layers[m];
    }
  *n = 0;
  return NULL;
}

/* ---- requests ------------------------------------------------------------------------------- */

static void
request_pair (DsActivationsPage *self, DsNetSource *source, int n)
{
  guint row = adw_combo_row_get_selected (self->row_layer_row);
  guint col = adw_combo_row_get_selected (self->col_layer_row);
  g_autofree char *key = NULL;
  DsPairInput *in;
  KdModelId rows, cols;

  if (row == GTK_INVALID_LIST_POSITION || col == GTK_INVALID_LIST_POSITION)
    return;
  _ds_activations_page_pair_models (self, &rows, &cols);
  n = MIN (n, MAX_PAIR_SAMPLES);
  key = g_strdup_printf ("%" G_GUINT64_FORMAT "|%d|%d|%u|%d|%u", source->serial, n, rows, row, cols,
                         col);
  in = g_new0 (DsPairInput, 1);
  *in = (DsPairInput){ ds_net_source_ref (source), n, { rows, cols }, { (int)row, (int)col } };
  ds_analysis_request (self->pair, key, in, ds_pair_input_free);
}

static void
request_all (DsActivationsPage *self, DsNetSource *source)
{
  int sample = CLAMP (ds_experiment_get_selected_sample (ds_page_get_experiment (DS_PAGE (self))),
                      0, source->data->test->n - 1);
  int n = MIN (gtk_spin_button_get_value_as_int (self->samples_spin), source->data->test->n);
  g_autofree char *acts_key = g_strdup_printf ("%" G_GUINT64_FORMAT "|%d", source->serial, sample);
  g_autofree char *n_key = g_strdup_printf ("%" G_GUINT64_FORMAT "|%d", source->serial, n);
  DsActivationsInput *acts = g_new0 (DsActivationsInput, 1);
  DsSamplesInput *cka = g_new0 (DsSamplesInput, 1), *pca = g_new0 (DsSamplesInput, 1);

  *acts = (DsActivationsInput){ ds_net_source_ref (source), sample };
  *cka = (DsSamplesInput){ ds_net_source_ref (source), n };
  *pca = (DsSamplesInput){ ds_net_source_ref (source), n };
  ds_analysis_request (self->acts, acts_key, acts, ds_activations_input_free);
  ds_analysis_request (self->cka, n_key, cka, ds_samples_input_free);
  request_pair (self, source, n);
  ds_analysis_request (self->pca, n_key, pca, ds_samples_input_free);
}

static void
update_summary (DsActivationsPage *self)
{
  DsNetSource *source = self->tracker.source;
  g_autofree char *text = NULL;

  if (source != NULL)
    {
      const KdDataset *test = source->data->test;
      int sample
          = CLAMP (ds_experiment_get_selected_sample (ds_page_get_experiment (DS_PAGE (self))), 0,
                   test->n - 1);

      text = g_strdup_printf (_ ("Test sample %d · true class %s · weights after step %'ld"),
                              sample, ds_class_name (test, test->labels[sample]),
                              source->snapshot->progress.step);
    }
  gtk_label_set_text (self->summary_label, text ? text : "");
}

void
_ds_activations_page_refresh (DsActivationsPage *self)
{
  DsExperiment *experiment = ds_page_get_experiment (DS_PAGE (self));
  DsSourceState state = ds_net_source_state (experiment);

  if (self->updating_rows)
    return;
  ds_analysis_page_show_state (self->stack, self->missing_status, experiment, state);
  if (state != DS_SOURCE_READY)
    {
      ds_source_tracker_clear (&self->tracker);
      ds_analysis_reset (self->acts);
      ds_analysis_reset (self->cka);
      ds_analysis_reset (self->pca);
      ds_analysis_reset (self->pair);
      update_summary (self);
      return;
    }
  if (!ds_page_is_active (DS_PAGE (self)))
    return;
  if (ds_source_tracker_update (&self->tracker, experiment, any_busy (self)))
    self->class_names = ds_class_names_interned (self->tracker.source->data->test);
  if (self->tracker.source == NULL)
    return;
  update_summary (self);
  request_all (self, self->tracker.source);
}

static void
analysis_changed_cb (DsActivationsPage *self)
{
  DsAnalysis *all[] = { self->acts, self->cka, self->pair, self->pca, NULL };

  ds_analysis_page_show_busy (all, self->busy_spinner, self->busy_label);
  if (self->tracker.pending && !any_busy (self))
    _ds_activations_page_refresh (self);
  ds_page_notify_busy (DS_PAGE (self));
}

/* Computing, or waiting to adopt a newer snapshot. */
static gboolean
ds_activations_page_get_busy (DsPage *page)
{
  DsActivationsPage *self = DS_ACTIVATIONS_PAGE (page);

  return any_busy (self) || self->tracker.pending;
}

static void
pair_models_changed_cb (DsActivationsPage *self)
{
  _ds_activations_page_update_layer_rows (self);
  _ds_activations_page_show_cka (self);
  _ds_activations_page_refresh (self);
}

/* ---- DsPage ----------------------------------------------------------------------------------
 */

static DsFigureView *
ds_activations_page_get_export_view (DsPage *page)
{
  DsActivationsPage *self = DS_ACTIVATIONS_PAGE (page);
  DsFigureView *views[]
      = { self->maps_view, self->cka_view, self->pair_view, self->pca_view, NULL };

  return ds_analysis_page_export_view (views, self->current_view);
}

/* ---- GObject -------------------------------------------------------------------------------- */

GtkWidget *
ds_activations_page_new (DsExperiment *experiment)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (experiment), NULL);

  return g_object_new (DS_TYPE_ACTIVATIONS_PAGE, "experiment", experiment, NULL);
}

static void
connect_refresh (DsActivationsPage *self, gpointer instance, const char *signal)
{
  g_signal_connect_object (instance, signal, G_CALLBACK (_ds_activations_page_refresh), self,
                           G_CONNECT_SWAPPED);
}

static void
setup_views (DsActivationsPage *self)
{
  struct
  {
    DsFigureView *view;
    const char *title, *export_name;
  } views[] = {
    { self->maps_view, _ ("Activation maps"), "activations" },
    { self->cka_view, _ ("Linear CKA between layers"), "cka" },
    { self->pair_view, _ ("A pair of layers"), "layer-pair" },
    { self->pca_view, _ ("PCA of the last hidden layers"), "pca" },
  };
  GtkGesture *click = gtk_gesture_click_new ();

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      ds_figure_view_set_title (views[i].view, views[i].title);
      ds_figure_view_set_export_name (views[i].view, views[i].export_name);
      ds_figure_view_set_experiment (views[i].view, ds_page_get_experiment (DS_PAGE (self)));
      ds_analysis_page_track_view (views[i].view, &self->current_view);
    }
  ds_figure_view_set_hover_func (self->cka_view, _ds_activations_page_cka_hover, self, NULL);
  ds_figure_view_set_hover_func (self->pca_view, _ds_activations_page_scatter_hover, self, NULL);
  ds_figure_view_set_hover_func (self->pair_view, _ds_activations_page_scatter_hover, self, NULL);
  g_signal_connect_object (click, "pressed", G_CALLBACK (_ds_activations_page_cka_pressed), self,
                           G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->cka_view), GTK_EVENT_CONTROLLER (click));
  /* A click on a dot selects its sample. */
  for (DsFigureView **v = (DsFigureView *[]){ self->pca_view, self->pair_view, NULL }; *v; v++)
    {
      click = gtk_gesture_click_new ();
      g_signal_connect_object (click, "pressed", G_CALLBACK (_ds_activations_page_scatter_pressed),
                               self, 0);
      gtk_widget_add_controller (GTK_WIDGET (*v), GTK_EVENT_CONTROLLER (click));
    }
}

static void
ds_activations_page_experiment_set (DsPage *page, DsExperiment *experiment)
{
  DsActivationsPage *self = DS_ACTIVATIONS_PAGE (page);

  ds_sample_row_set_experiment (self->sample_row, experiment);
  setup_views (self);
  connect_refresh (self, experiment, "snapshot-changed");
  connect_refresh (self, experiment, "notify::run-data");
  connect_refresh (self, experiment, "notify::data-loading");
  connect_refresh (self, experiment, "notify::selected-sample");
  connect_refresh (self, experiment, "notify::state");
  connect_refresh (self, self, "map");
  connect_refresh (self, self, "notify::reporting");
  _ds_activations_page_refresh (self);
}

static void
ds_activations_page_dispose (GObject *object)
{
  DsActivationsPage *self = (DsActivationsPage *)object;

  /* The views borrow the results: take the figures away before the results go. */
  if (self->maps_view != NULL)
    {
      ds_figure_view_set_figure (self->maps_view, FIG_KIND_ACTIVATIONS, NULL);
      ds_figure_view_set_figure (self->cka_view, FIG_KIND_HEATMAP, NULL);
      ds_figure_view_set_figure (self->pair_view, FIG_KIND_PCA, NULL);
      ds_figure_view_set_figure (self->pca_view, FIG_KIND_PCA, NULL);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), DS_TYPE_ACTIVATIONS_PAGE);
  ds_analysis_release (&self->acts, self);
  ds_analysis_release (&self->cka, self);
  ds_analysis_release (&self->pca, self);
  ds_analysis_release (&self->pair, self);
  ds_source_tracker_clear (&self->tracker);

  G_OBJECT_CLASS (ds_activations_page_parent_class)->dispose (object);
}

static void
ds_activations_page_finalize (GObject *object)
{
  DsActivationsPage *self = (DsActivationsPage *)object;

  for (guint i = 0; i < G_N_ELEMENTS (self->titles); i++)
    g_free (self->titles[i]);

  G_OBJECT_CLASS (ds_activations_page_parent_class)->finalize (object);
}

static void
bind_children (GtkWidgetClass *widget_class)
{
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, DsActivationsPage, name)
  BIND (stack);
  BIND (missing_status);
  BIND (flap);
  BIND (flap_toggle);
  BIND (sample_row);
  BIND (teacher_layer_row);
  BIND (student_layer_row);
  BIND (baseline_layer_row);
  BIND (pair_row);
  BIND (row_layer_row);
  BIND (col_layer_row);
  BIND (max_maps_spin);
  BIND (samples_spin);
  BIND (summary_label);
  BIND (busy_label);
  BIND (busy_spinner);
  BIND (maps_view);
  BIND (cka_view);
  BIND (pair_view);
  BIND (pca_view);
  BIND (maps_error);
  BIND (cka_error);
  BIND (pair_error);
  BIND (pca_error);
  BIND (maps_caption);
  BIND (cka_caption);
  BIND (pair_caption);
  BIND (pca_caption);
  BIND (pca_preview);
  BIND (pca_thumbnail);
  BIND (pca_preview_label);
#undef BIND
}

static void
ds_activations_page_class_init (DsActivationsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DsPageClass *page_class = DS_PAGE_CLASS (klass);

  object_class->dispose = ds_activations_page_dispose;
  object_class->finalize = ds_activations_page_finalize;

  page_class->title = N_ ("Activations");
  page_class->icon_name = "ds-activations-symbolic";
  page_class->experiment_set = ds_activations_page_experiment_set;
  page_class->no_export_message = N_ ("There is no activations figure to export yet");
  page_class->get_export_view = ds_activations_page_get_export_view;
  page_class->get_busy = ds_activations_page_get_busy;

  g_type_ensure (DS_TYPE_FIGURE_VIEW);
  g_type_ensure (DS_TYPE_SAMPLE_ROW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/distillscope/Distillscope/ui/"
                                               "ds-activations-page.ui");
  bind_children (widget_class);
}

static DsAnalysis *
new_analysis (DsActivationsPage *self,
              DsAnalysisFunc func,
              GDestroyNotify result_free,
              GCallback changed)
{
  DsAnalysis *analysis = ds_analysis_new (func, result_free, 6);

  g_signal_connect_object (analysis, "changed", changed, self, G_CONNECT_SWAPPED);
  g_signal_connect_object (analysis, "changed", G_CALLBACK (analysis_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (analysis, "notify::progress", G_CALLBACK (analysis_changed_cb), self,
                           G_CONNECT_SWAPPED);
  return analysis;
}

static void
connect_controls (DsActivationsPage *self)
{
  for (int m = 0; m < KD_N_MODELS; m++)
    g_signal_connect_object (_ds_activations_page_layer_row (self, m), "notify::selected",
                             G_CALLBACK (_ds_activations_page_show_activations), self,
                             G_CONNECT_SWAPPED);
  g_signal_connect_object (self->max_maps_spin, "value-changed",
                           G_CALLBACK (_ds_activations_page_show_activations), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->pair_row, "notify::selected", G_CALLBACK (pair_models_changed_cb),
                           self, G_CONNECT_SWAPPED);
  connect_refresh (self, self->row_layer_row, "notify::selected");
  connect_refresh (self, self->col_layer_row, "notify::selected");
  connect_refresh (self, self->samples_spin, "value-changed");
  g_object_bind_property (self->flap, "reveal-flap", self->flap_toggle, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->flap, "folded", self->flap_toggle, "visible",
                          G_BINDING_SYNC_CREATE);
}

static gboolean
retry_refresh (gpointer self)
{
  _ds_activations_page_refresh (self);
  return G_SOURCE_REMOVE;
}

static void
ds_activations_page_init (DsActivationsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ds_source_tracker_init (&self->tracker, retry_refresh, self);

  self->acts = new_analysis (self, ds_activations_compute, ds_activations_result_free,
                             G_CALLBACK (_ds_activations_page_show_activations));
  self->cka = new_analysis (self, ds_cka_compute, ds_cka_result_free,
                            G_CALLBACK (_ds_activations_page_show_cka));
  self->pca = new_analysis (self, ds_pca_compute, ds_pca_result_free,
                            G_CALLBACK (_ds_activations_page_show_pca));
  self->pair = new_analysis (self, ds_pair_compute, ds_pair_result_free,
                             G_CALLBACK (_ds_activations_page_show_pair));
  connect_controls (self);
}
