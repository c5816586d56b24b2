/* ds-temperature-page.c — the Temperature page.
 *
 * The display sweep of one sample comes from its logits (DsTestOutputs): a softmax per
 * temperature, cheap enough to redo on every change. The training sweep trains new students
 * in a DsSweepJob thread; its progress reaches the page through one coalesced idle callback,
 * and its result stays with the snapshot (serial) whose teacher it distilled.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ds-analysis-page.h"
#include "ds-format.h"
#include "ds-temperature-page-private.h"

G_DEFINE_FINAL_TYPE (DsTemperaturePage, ds_temperature_page, DS_TYPE_PAGE)

/* ---- the display sweep of one sample ------------------------------------------------------ */

const DsTestResult *
_ds_temperature_page_current_result (DsTemperaturePage *self)
{
  const DsTestResult *r = ds_test_outputs_get_result (self->outputs);

  return r != NULL && (gconstpointer)r == self->shown_result ? r : NULL;
}

static KdModelId
selected_model (DsTemperaturePage *self)
{
  guint m = adw_combo_row_get_selected (self->model_row);

  return m < KD_N_MODELS ? (KdModelId)m : KD_TEACHER;
}

static void
update_display_text (DsTemperaturePage *self, const DsTestResult *r, int index, KdModelId m)
{
  const char *name = self->class_names[r->data->test->labels[index]];
  int predicted = r->predicted[m][index];
  g_autofree char *summary = NULL;
  g_autofree char *caption = NULL;

  /* Translators: "Sample 12 · true class Sneaker · Teacher" */
  summary = g_strdup_printf (_ ("Sample %d · true class %s · %s"), index, name, ds_model_title (m));
  gtk_label_set_text (self->summary_label, summary);
  caption = g_strdup_printf (
      _ ("Every class probability of softmax(z / T) and the entropy against T, on a log axis. "
         "The line of the predicted class (%s) is drawn heavier. The dashed line marks T = %g, "
         "the temperature the students were distilled at; the entropy panel’s top line is "
         "log K, the entropy of a uniform guess."),
      self->class_names[predicted], (double)r->temperature);
  gtk_label_set_text (self->sample_caption, caption);
}

static void
update_display (DsTemperaturePage *self)
{
  const DsTestResult *r = _ds_temperature_page_current_result (self);
  int index = ds_experiment_get_selected_sample (ds_page_get_experiment (DS_PAGE (self)));
  KdModelId m = selected_model (self);
  double entropy[N_T];

  self->display_generation++;
  if (r == NULL || index < 0 || index >= r->n)
    {
      ds_figure_view_set_figure (self->sample_view, FIG_KIND_TEMPERATURE, NULL);
      gtk_label_set_text (self->summary_label, "");
      return;
    }
  kd_temperature_sweep (r->logits[m] + (gsize)index * r->K, r->K, KD_SWEEP_T_MIN, KD_SWEEP_T_MAX,
                        N_T, self->temps_f, self->probs, entropy);
  for (int t = 0; t < N_T; t++)
    {
      self->temps[t] = self->temps_f[t];
      self->entropy[t] = (float)entropy[t];
    }
  g_free (self->sample_title);
  /* Translators: the figure's title, e.g. "Sample 12 (Sneaker), teacher" */
  self->sample_title
      = g_strdup_printf (_ ("Sample %d (%s), %s"), index,
                         self->class_names[r->data->test->labels[index]], ds_model_title (m));
  self->display = (FigTemperatureData){
    .n_temperatures = N_T,
    .temperatures = self->temps,
    .n_classes = r->K,
    .class_names = self->class_names,
    .probs = self->probs,
    .entropy = self->entropy,
    .current_temperature = r->temperature > 0.0f ? r->temperature : NAN,
    .highlight_class = r->predicted[m][index],
    .title = self->sample_title,
  };
  ds_figure_view_set_figure (self->sample_view, FIG_KIND_TEMPERATURE, &self->display);
  update_display_text (self, r, index, m);
}

/* Where the x axis puts the display grid's first and last temperature: the figure's own
 * "current temperature" marker, probed at each end. */
static gboolean
locate_display_axis (DsTemperaturePage *self, DsFigureView *view)
{
  int width = gtk_widget_get_width (GTK_WIDGET (view));
  int height = gtk_widget_get_height (GTK_WIDGET (view));
  FigTemperatureData lo = self->display, hi = self->display;

  if (self->hover_generation == self->display_generation && width == self->hover_width
      && height == self->hover_height)
    return isfinite (self->x_lo) && isfinite (self->x_hi) && self->x_hi > self->x_lo;
  lo.current_temperature = self->temps[0];
  hi.current_temperature = self->temps[N_T - 1];
  self->x_lo = ds_figure_view_find_accent_x (view, "t-lo", &lo);
  self->x_hi = ds_figure_view_find_accent_x (view, "t-hi", &hi);
  self->hover_generation = self->display_generation;
  self->hover_width = width;
  self->hover_height = height;
  return isfinite (self->x_lo) && isfinite (self->x_hi) && self->x_hi > self->x_lo;
}

static int
compare_probs_desc (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const float *p = user_data;
  float pa = p[*(const int *)a], pb = p[*(const int *)b];

  return (pa < pb) - (pa > pb);
}

static char *
sample_hover (DsFigureView *view, double x, double y, gpointer user_data)
{
  DsTemperaturePage *self = user_data;
  const DsTestResult *r = _ds_temperature_page_current_result (self);
  int index = ds_experiment_get_selected_sample (ds_page_get_experiment (DS_PAGE (self)));
  KdModelId m = selected_model (self);
  g_autofree float *p = NULL;
  g_autofree int *order = NULL;
  GString *text;
  double lt, t;

  if (r == NULL || index < 0 || index >= r->n || !locate_display_axis (self, view))
    return NULL;
  lt = log (self->temps[0])
       + (x - self->x_lo) / (self->x_hi - self->x_lo) * log (self->temps[N_T - 1] / self->temps[0]);
  t = exp (lt);
  if (t < self->temps[0] * 0.97 || t > self->temps[N_T - 1] * 1.03)
    return NULL;
  t = CLAMP (t, self->temps[0], self->temps[N_T - 1]);
  p = g_new (float, r->K);
  order = g_new (int, r->K);
  kd_softlabels_from_logits (r->logits[m] + (gsize)index * r->K, 1, r->K, (float)t, p);
  for (int k = 0; k < r->K; k++)
    order[k] = k;
  g_qsort_with_data (order, r->K, sizeof (int), compare_probs_desc, p);
  text = g_string_new (NULL);
  /* Translators: hover text: "T = 3.16 · entropy 1.234 nats" */
  g_string_append_printf (text, _ ("T = %.3g · entropy %.3f nats"), t,
                          kd_entropy_at (r->logits[m] + (gsize)index * r->K, r->K, (float)t));
  for (int i = 0; i < MIN (r->K, 4); i++)
    g_string_append_printf (text, "\n%s: %.2f%%", self->class_names[order[i]], 100.0 * p[order[i]]);
  return g_string_free (text, FALSE);
}

/* ---- state ---------------------------------------------------------------------------------- */

static void
init_form (DsTemperaturePage *self)
{
  const KdTrainConfig *run = ds_experiment_get_run_config (ds_page_get_experiment (DS_PAGE (self)));
  char alpha[G_ASCII_DTOSTR_BUF_SIZE];

  if (self->form_initialised)
    return;
  self->form_initialised = TRUE;
  if (*gtk_editable_get_text (GTK_EDITABLE (self->alphas_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->alphas_row),
                           g_ascii_formatd (alpha, sizeof alpha, "%g", run->alpha));
  gtk_spin_button_set_value (self->epochs_spin, CLAMP (run->epochs, 1, 500));
}

static void
adopt_result (DsTemperaturePage *self, const DsTestResult *r)
{
  self->shown_result = r;
  g_clear_pointer (&self->class_names, g_free);
  self->class_names = ds_class_names (r->data->test);
  g_free (self->probs);
  self->probs = g_new0 (float, (gsize)N_T * r->K);
  init_form (self);
  update_display (self);
  if (self->sweep != NULL)
    _ds_temperature_page_update_sweep_caption (self);
}

static void
refresh (DsTemperaturePage *self)
{
  const DsTestResult *r;
  gboolean current;

  if (!ds_output_status_update (self->status, ds_page_get_experiment (DS_PAGE (self)),
                                self->outputs))
    {
      gtk_stack_set_visible_child_name (self->stack, "status");
      ds_page_notify_can_export (DS_PAGE (self));
      return;
    }
  r = ds_test_outputs_get_result (self->outputs);
  current = ds_test_outputs_is_current (self->outputs);
  gtk_stack_set_visible_child_name (self->stack, "content");
  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner), !current);
  gtk_spinner_set_spinning (self->busy_spinner, !current);
  if ((gconstpointer)r != self->shown_result)
    adopt_result (self, r);
  _ds_temperature_page_update_form (self);
  ds_page_notify_can_export (DS_PAGE (self));
}

/* ---- DsPage ------------------------------------------------------------------------------------
 */

static DsFigureView *
ds_temperature_page_get_export_view (DsPage *page)
{
  DsTemperaturePage *self = DS_TEMPERATURE_PAGE (page);
  DsFigureView *views[] = { self->sweep_view, self->sample_view, NULL };

  return ds_analysis_page_export_view (views, self->current_view);
}

static gboolean
ds_temperature_page_can_export (DsPage *page)
{
  DsTemperaturePage *self = DS_TEMPERATURE_PAGE (page);

  /* Not while a status page stands in for the figures. */
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "content") == 0
         && DS_PAGE_CLASS (ds_temperature_page_parent_class)->can_export (page);
}

/* ---- GObject --------------------------------------------------------------------------------- */

GtkWidget *
ds_temperature_page_new (DsExperiment *experiment)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (experiment), NULL);

  return g_object_new (DS_TYPE_TEMPERATURE_PAGE, "experiment", experiment, NULL);
}

static void
ds_temperature_page_experiment_set (DsPage *page, DsExperiment *experiment)
{
  DsTemperaturePage *self = DS_TEMPERATURE_PAGE (page);

  self->outputs = g_object_ref (ds_test_outputs_get (experiment));
  ds_sample_row_set_experiment (self->sample_row, experiment);
  ds_figure_view_set_title (self->sample_view, _ ("Soft labels against temperature"));
  ds_figure_view_set_title (self->sweep_view, _ ("Training sweep over temperature"));
  ds_figure_view_set_experiment (self->sample_view, experiment);
  ds_figure_view_set_experiment (self->sweep_view, experiment);
  ds_figure_view_set_hover_func (self->sample_view, sample_hover, self, NULL);
  ds_figure_view_set_hover_func (self->sweep_view, _ds_temperature_page_sweep_hover, self, NULL);
  ds_analysis_page_track_view (self->sample_view, &self->current_view);
  ds_analysis_page_track_view (self->sweep_view, &self->current_view);
  ds_page_follow_test_outputs (page, G_CALLBACK (refresh));
  g_signal_connect_object (experiment, "notify::selected-sample", G_CALLBACK (update_display), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (experiment, "notify::state",
                           G_CALLBACK (_ds_temperature_page_state_changed), self,
                           G_CONNECT_SWAPPED);
  refresh (self);
}

static void
ds_temperature_page_dispose (GObject *object)
{
  DsTemperaturePage *self = (DsTemperaturePage *)object;

  /* A sweep in flight stops between steps; its result is dropped in sweep_done_cb. */
  if (self->sweep_cancellable != NULL)
    g_cancellable_cancel (self->sweep_cancellable);
  g_clear_object (&self->sweep_cancellable);
  if (self->sample_view != NULL)
    ds_figure_view_set_figure (self->sample_view, FIG_KIND_TEMPERATURE, NULL);
  if (self->sweep_view != NULL)
    ds_figure_view_set_figure (self->sweep_view, FIG_KIND_LINES, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), DS_TYPE_TEMPERATURE_PAGE);
  g_clear_pointer (&self->sweep, kd_sweep_result_free);
  g_clear_pointer (&self->sweep_values, g_free);
  g_clear_pointer (&self->sweep_labels, g_ptr_array_unref);
  g_clear_pointer (&self->sweep_message, g_free);
  g_clear_pointer (&self->lines_title, g_free);
  g_clear_pointer (&self->probs, g_free);
  g_clear_pointer (&self->class_names, g_free);
  g_clear_pointer (&self->sample_title, g_free);
  g_clear_object (&self->outputs);

  G_OBJECT_CLASS (ds_temperature_page_parent_class)->dispose (object);
}

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, DsTemperaturePage, name)

static void
ds_temperature_page_class_init (DsTemperaturePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DsPageClass *page_class = DS_PAGE_CLASS (klass);

  object_class->dispose = ds_temperature_page_dispose;

  page_class->title = N_ ("Temperature");
  page_class->icon_name = "ds-temperature-symbolic";
  page_class->experiment_set = ds_temperature_page_experiment_set;
  page_class->no_export_message = N_ ("There is no temperature figure to export yet");
  page_class->get_export_view = ds_temperature_page_get_export_view;
  page_class->can_export = ds_temperature_page_can_export;

  g_type_ensure (DS_TYPE_OUTPUT_STATUS);
  g_type_ensure (DS_TYPE_FIGURE_VIEW);
  g_type_ensure (DS_TYPE_SAMPLE_ROW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/distillscope/Distillscope/ui/"
                                               "ds-temperature-page.ui");
  BIND (stack);
  BIND (status);
  BIND (flap);
  BIND (flap_toggle);
  BIND (sample_row);
  BIND (model_row);
  BIND (temperatures_row);
  BIND (alphas_row);
  BIND (seeds_row);
  BIND (epochs_spin);
  BIND (form_error);
  BIND (runs_label);
  BIND (run_button);
  BIND (cancel_button);
  BIND (progress_bar);
  BIND (summary_label);
  BIND (busy_spinner);
  BIND (sample_view);
  BIND (sample_caption);
  BIND (sweep_stack);
  BIND (sweep_view);
  BIND (sweep_grid);
  BIND (sweep_caption);
}

static void
ds_temperature_page_init (DsTemperaturePage *self)
{
  GtkEditable *entries[3];

  gtk_widget_init_template (GTK_WIDGET (self));

  self->sweep_labels = g_ptr_array_new_with_free_func (g_free);
  ds_output_status_set_icon_name (self->status, "ds-temperature-symbolic");
  entries[0] = GTK_EDITABLE (self->temperatures_row);
  entries[1] = GTK_EDITABLE (self->alphas_row);
  entries[2] = GTK_EDITABLE (self->seeds_row);
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    g_signal_connect_object (entries[i], "changed", G_CALLBACK (_ds_temperature_page_update_form),
                             self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->epochs_spin, "value-changed",
                           G_CALLBACK (_ds_temperature_page_update_form), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model_row, "notify::selected", G_CALLBACK (update_display), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->run_button, "clicked",
                           G_CALLBACK (_ds_temperature_page_run_clicked), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->cancel_button, "clicked",
                           G_CALLBACK (ds_temperature_page_cancel_sweep), self, G_CONNECT_SWAPPED);
  g_object_bind_property (self->flap, "reveal-flap", self->flap_toggle, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->flap, "folded", self->flap_toggle, "visible",
                          G_BINDING_SYNC_CREATE);
}
