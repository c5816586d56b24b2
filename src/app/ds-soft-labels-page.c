/* ds-soft-labels-page.c — the Soft labels page.
 *
 * The logits come once per snapshot from DsTestOutputs (an analysis thread); everything that
 * depends on the temperature is derived from them here: the sample's three soft labels and
 * entropies (a softmax of K values, microseconds, so the slider redraws at once) and the three
 * class-similarity matrices (a softmax per test sample: a DsAnalysis job in a worker thread,
 * asked for once per frame, so that the bars never wait for them; the matrices follow when
 * ready, titled with the temperature they are at, and a result for a temperature the slider
 * has left is dropped).
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ds-analysis-page.h"
#include "ds-figure-view.h"
#include "ds-format.h"
#include "ds-output-status.h"
#include "ds-sample-row.h"
#include "ds-similarity-compute.h"
#include "ds-soft-labels-page.h"
#include "ds-test-outputs.h"
#include "fig_heatmap.h"
#include "fig_softlabels.h"
#include "kd_softlabels.h"

#define T_MIN 0.5
#define T_MAX 50.0

enum
{
  DIST_KL,
  DIST_L1,
  DIST_FROBENIUS,
  N_DISTANCES
};

struct _DsSoftLabelsPage
{
  DsPage parent_instance;

  DsTestOutputs *outputs;
  guint64 shown_serial;
  gconstpointer shown_result;
  gboolean temperature_set; /* by the user or from the first run's temperature */
  double temperature;
  double position; /* of the slider on its log axis, for temperature */
  gboolean syncing;

  int K;
  const char **class_names;  /* (K) interned */
  float *probs[KD_N_MODELS]; /* (K) */
  char *labels_title;
  FigSoftLabelsData labels;

  DsAnalysis *similarity;                /* DsSimilarityResult at the slider's temperature */
  DsSimilarityLogits *similarity_logits; /* the shown result's, for its jobs */
  guint similarity_generation;           /* counts adopted results, for the jobs' keys */
  guint sim_generation;                  /* of the matrices in sim[] */
  double sim_temperature;                /* of the matrices in sim[]; NAN when none */
  double *sim[KD_N_MODELS];              /* (K, K) */
  float *sim_values[KD_N_MODELS];        /* (K, K) as shown: the diagonal hidden or not */
  char *heat_titles[KD_N_MODELS];
  FigHeatmapData heat[KD_N_MODELS];
  DsFigureView *heat_views[KD_N_MODELS];
  guint similarity_idle;
  gint64 move_frame;  /* frame counter when the slider last moved; -1 before */
  guint adopt_tick;   /* tick callback that shows a deferred similarity result */
  gint64 defer_frame; /* frame counter when that result was deferred */

  DsFigureView *current_view;
  GtkLabel *entropy_labels[KD_N_MODELS];
  GtkLabel *distance_cells[2][N_DISTANCES];
  GtkLabel *distance_verdict;

  /* Template children */
  GtkStack *stack;
  DsOutputStatus *status;
  AdwFlap *flap;
  GtkToggleButton *flap_toggle;
  DsSampleRow *sample_row;
  GtkScale *temperature_scale;
  GtkAdjustment *temperature_adjustment;
  GtkSpinButton *temperature_spin;
  GtkSwitch *log_switch;
  AdwPreferencesGroup *entropy_group;
  GtkSwitch *diagonal_switch;
  GtkLabel *summary_label;
  GtkSpinner *busy_spinner;
  DsFigureView *labels_view;
  GtkLabel *labels_caption;
  GtkLabel *similarity_title;
  GtkFlowBox *similarity_box;
  GtkGrid *distance_grid;
};

G_DEFINE_FINAL_TYPE (DsSoftLabelsPage, ds_soft_labels_page, DS_TYPE_PAGE)

/* ---- buffers --------------------------------------------------------------------------------- */

static void
free_buffers (DsSoftLabelsPage *self)
{
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      g_clear_pointer (&self->probs[m], g_free);
      g_clear_pointer (&self->sim[m], g_free);
      g_clear_pointer (&self->sim_values[m], g_free);
    }
  g_clear_pointer (&self->class_names, g_free);
  self->K = 0;
}

static void
alloc_buffers (DsSoftLabelsPage *self, const DsTestResult *r)
{
  free_buffers (self);
  self->K = r->K;
  self->class_names = ds_class_names (r->data->test);
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      self->probs[m] = g_new0 (float, r->K);
      self->sim[m] = g_new0 (double, (gsize)r->K * r->K);
      self->sim_values[m] = g_new0 (float, (gsize)r->K * r->K);
    }
}

static const DsTestResult *
current_result (DsSoftLabelsPage *self)
{
  const DsTestResult *r = ds_test_outputs_get_result (self->outputs);

  /* Only the result the buffers were made for. */
  return r != NULL && (gconstpointer)r == self->shown_result ? r : NULL;
}

static int
current_sample (DsSoftLabelsPage *self, const DsTestResult *r)
{
  int index = ds_experiment_get_selected_sample (ds_page_get_experiment (DS_PAGE (self)));

  return r != NULL && index >= 0 && index < r->n ? index : -1;
}

/* ---- the sample's soft labels ------------------------------------------------------------------
 */

static void
update_summary (DsSoftLabelsPage *self, const DsTestResult *r, int index)
{
  g_autofree char *text = NULL;
  g_autofree char *caption = NULL;

  if (index < 0)
    {
      gtk_label_set_text (self->summary_label, "");
      return;
    }
  /* Translators: "Sample 12 · true class Sneaker · T = 4.00" */
  text = g_strdup_printf (_ ("Sample %d · true class %s · T = %.2f"), index,
                          self->class_names[r->data->test->labels[index]], self->temperature);
  gtk_label_set_text (self->summary_label, text);
  caption = g_strdup_printf (
      _ ("The bars are softmax(z / T) of each model’s logits for this sample at T = %.2f; the true "
         "class is shaded and named in bold. The students were distilled at T = %g."),
      self->temperature, (double)r->temperature);
  gtk_label_set_text (self->labels_caption, caption);
}

static void
update_labels (DsSoftLabelsPage *self)
{
  const DsTestResult *r = current_result (self);
  int index = current_sample (self, r);
  g_autofree char *description = NULL;

  update_summary (self, r, index);
  if (index < 0)
    {
      ds_figure_view_set_figure (self->labels_view, FIG_KIND_SOFT_LABELS, NULL);
      return;
    }
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      const float *z = r->logits[m] + (gsize)index * r->K;
      g_autofree char *entropy = NULL;

      kd_softlabels_from_logits (z, 1, r->K, (float)self->temperature, self->probs[m]);
      self->labels.probs[m] = self->probs[m];
      self->labels.entropy[m] = kd_entropy_at (z, r->K, (float)self->temperature);
      entropy = g_strdup_printf (_ ("%.3f nats"), self->labels.entropy[m]);
      gtk_label_set_text (self->entropy_labels[m], entropy);
    }
  g_free (self->labels_title);
  /* Translators: the soft-label figure's title, e.g. "Sample 12 (true class: Sneaker)" */
  self->labels_title = g_strdup_printf (_ ("Sample %d (true class: %s)"), index,
                                        self->class_names[r->data->test->labels[index]]);
  self->labels.n_classes = r->K;
  self->labels.class_names = self->class_names;
  self->labels.temperature = self->temperature;
  self->labels.true_class = r->data->test->labels[index];
  self->labels.log_scale = gtk_switch_get_active (self->log_switch);
  self->labels.title = self->labels_title;
  ds_figure_view_set_figure (self->labels_view, FIG_KIND_SOFT_LABELS, &self->labels);
  description = g_strdup_printf (
      _ ("Entropy at T = %.2f: teacher %.3f, distilled student %.3f, baseline student %.3f nats"),
      self->temperature, self->labels.entropy[0], self->labels.entropy[1], self->labels.entropy[2]);
  ds_figure_view_set_description (self->labels_view, description);
}

/* ---- class similarity
 * ---------------------------------------------------------------------------- */

static void
set_distance_cells (DsSoftLabelsPage *self, int row, const KdSimilarityDistance *d, gboolean ok)
{
  double values[N_DISTANCES] = { d->kl, d->l1, d->frobenius };

  for (int c = 0; c < N_DISTANCES; c++)
    {
      g_autofree char *text = ok ? g_strdup_printf ("%.4f", values[c]) : g_strdup ("–");
      gtk_label_set_text (self->distance_cells[row][c], text);
    }
}

static void
update_distances (DsSoftLabelsPage *self, const DsSimilarityResult *res)
{
  static const KdSimilarityDistance none = { 0 };

  for (int i = 0; i < 2; i++)
    set_distance_cells (self, i, res ? &res->distance[i] : &none, res && res->distance_ok[i]);
  if (res != NULL && res->distance_ok[0] && res->distance_ok[1])
    {
      const KdSimilarityDistance *d = res->distance;
      g_autofree char *verdict = g_strdup_printf (
          d[0].kl < d[1].kl
              ? _ ("At T = %.2f the distilled student’s matrix is closer to the teacher’s than the "
                   "baseline’s is (KL %.4f against %.4f).")
              : _ ("At T = %.2f the distilled student’s matrix is not closer to the teacher’s than "
                   "the baseline’s is (KL %.4f against %.4f)."),
          (double)res->temperature, d[0].kl, d[1].kl);
      gtk_label_set_text (self->distance_verdict, verdict);
    }
  else
    gtk_label_set_text (self->distance_verdict, "");
}

/* Shows the similarity result, or none: the heat maps, their title and the distances all say
 * the temperature the matrices are at, which lags the slider's while a job runs. */
static void
update_similarity (DsSoftLabelsPage *self)
{
  const DsSimilarityResult *res = ds_analysis_get_result (self->similarity);
  gboolean hide_diagonal = gtk_switch_get_active (self->diagonal_switch);
  gsize KK = (gsize)self->K * self->K;
  g_autofree char *title = NULL;
  double vmax = 0.0;

  if (res != NULL && (res->K != self->K || self->sim[0] == NULL))
    res = NULL;
  self->sim_generation = res ? res->generation : 0;
  self->sim_temperature = res ? res->temperature : NAN;
  update_distances (self, res);
  if (res == NULL)
    {
      for (int m = 0; m < KD_N_MODELS; m++)
        ds_figure_view_set_figure (self->heat_views[m], FIG_KIND_HEATMAP, NULL);
      gtk_label_set_text (self->similarity_title, "");
      return;
    }
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      memcpy (self->sim[m], res->sim[m], KK * sizeof (double));
      for (gsize i = 0; i < KK; i++)
        {
          gboolean diagonal = i % (self->K + 1) == 0;
          self->sim_values[m][i] = hide_diagonal && diagonal ? NAN : (float)self->sim[m][i];
          if (isfinite (self->sim_values[m][i]))
            vmax = fmax (vmax, self->sim_values[m][i]);
        }
    }
  /* One colour scale for the three, so equal colours mean equal probabilities. */
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      self->heat[m].vmin = 0.0;
      self->heat[m].vmax = vmax > 0.0 ? vmax : 1.0;
      ds_figure_view_set_figure (self->heat_views[m], FIG_KIND_HEATMAP, &self->heat[m]);
    }
  title = g_strdup_printf (_ ("Class Similarity at T = %.2f"), (double)res->temperature);
  gtk_label_set_text (self->similarity_title, title);
}

static gint64
frame_counter (DsSoftLabelsPage *self)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  return clock ? gdk_frame_clock_get_frame_counter (clock) : -1;
}

/* Shows the deferred matrices in the first frame after the one that paints the slider's move,
 * or at the latest two frames after they came, so a continuous drag still sees them. */
static gboolean
adopt_tick_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer user_data)
{
  DsSoftLabelsPage *self = DS_SOFT_LABELS_PAGE (widget);
  gint64 now = gdk_frame_clock_get_frame_counter (clock);

  if (now <= self->move_frame + 1 && now < self->defer_frame + 2)
    return G_SOURCE_CONTINUE;
  self->adopt_tick = 0;
  update_similarity (self);
  ds_page_notify_busy (DS_PAGE (self));
  return G_SOURCE_REMOVE;
}

/* Only other matrices repaint the heat maps: "changed" also comes for every request. Matrices
 * that arrive before the frame showing a slider move would add three heat maps to that frame:
 * they wait for the next one, so each frame stays within its 16.7 ms. */
static void
similarity_changed (DsSoftLabelsPage *self)
{
  const DsSimilarityResult *res = ds_analysis_get_result (self->similarity);
  gint64 now = frame_counter (self);

  if (!(res == NULL
            ? !isnan (self->sim_temperature)
            : res->generation != self->sim_generation || res->temperature != self->sim_temperature))
    return;
  if (res != NULL && now >= 0 && now == self->move_frame)
    {
      if (self->adopt_tick == 0)
        {
          self->defer_frame = now;
          self->adopt_tick
              = gtk_widget_add_tick_callback (GTK_WIDGET (self), adopt_tick_cb, NULL, NULL);
        }
      return;
    }
  if (self->adopt_tick != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->adopt_tick);
      self->adopt_tick = 0;
    }
  update_similarity (self);
}

static void
similarity_changed_cb (DsSoftLabelsPage *self)
{
  similarity_changed (self);
  ds_page_notify_busy (DS_PAGE (self));
}

static void
request_similarity (DsSoftLabelsPage *self)
{
  g_autofree char *key = NULL;

  if (self->similarity_logits == NULL)
    return;
  /* The temperature as shown, two decimals: the key of the matrices of this result at it. */
  key = g_strdup_printf ("%u|%.2f", self->similarity_generation, self->temperature);
  ds_analysis_request (self->similarity, key,
                       ds_similarity_input_new (self->similarity_logits,
                                                self->similarity_generation,
                                                (float)self->temperature),
                       ds_similarity_input_free);
}

static gboolean
similarity_idle_cb (gpointer user_data)
{
  DsSoftLabelsPage *self = user_data;

  self->similarity_idle = 0;
  request_similarity (self);
  return G_SOURCE_REMOVE;
}

/* A slider drag sends many values a frame; the matrices are asked for once per frame, and a
 * job for a temperature the slider has left is cancelled and its result dropped. */
static void
queue_similarity (DsSoftLabelsPage *self)
{
  if (self->similarity_idle == 0)
    self->similarity_idle
        = g_idle_add_full (GDK_PRIORITY_REDRAW - 1, similarity_idle_cb, self, NULL);
}

/* The test outputs, or the matrices asked for, about to be, or waiting for a frame. */
static gboolean
ds_soft_labels_page_get_busy (DsPage *page)
{
  DsSoftLabelsPage *self = DS_SOFT_LABELS_PAGE (page);

  return DS_PAGE_CLASS (ds_soft_labels_page_parent_class)->get_busy (page)
         || self->similarity_idle != 0 || ds_analysis_get_busy (self->similarity)
         || self->adopt_tick != 0;
}

static void
setup_similarity (DsSoftLabelsPage *self)
{
  self->similarity = ds_analysis_new (ds_similarity_compute, ds_similarity_result_free, 8);
  self->sim_temperature = NAN;
  g_signal_connect_object (self->similarity, "changed", G_CALLBACK (similarity_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

/* The job in flight keeps the analysis alive: it must not call back into a disposed page. */
static void
clear_similarity (DsSoftLabelsPage *self)
{
  g_clear_handle_id (&self->similarity_idle, g_source_remove);
  if (self->adopt_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->adopt_tick);
  self->adopt_tick = 0;
  ds_analysis_release (&self->similarity, self);
  g_clear_pointer (&self->similarity_logits, ds_similarity_logits_unref);
}

static void
setup_heatmaps (DsSoftLabelsPage *self)
{
  g_autoptr (GSettings) settings = g_settings_new (APPLICATION_ID);
  g_autofree char *colormap = g_settings_get_string (settings, "colormap");
  FigColormap map = FIG_COLORMAP_VIRIDIS;

  fig_colormap_from_name (colormap, &map);
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      self->heat[m] = (FigHeatmapData){
        .n_rows = self->K,
        .n_cols = self->K,
        .values = self->sim_values[m],
        .row_names = self->class_names,
        .col_names = self->class_names,
        .row_label = _ ("True class"),
        .col_label = _ ("Class"),
        .value_label = _ ("Mean probability"),
        .title = ds_model_title (m),
        .colormap = map,
        .vmin = 0.0,
        .vmax = 1.0,
        .decimals = 2,
      };
    }
}

/* ---- hover -------------------------------------------------------------------------------------
 */

static char *
labels_hover (DsFigureView *view, double x, double y, gpointer user_data)
{
  DsSoftLabelsPage *self = user_data;
  DsProbeAxis axes[2];
  int k;

  if (ds_figure_view_find_x_axes (view, axes, G_N_ELEMENTS (axes)) < 1 || x < axes[0].x0
      || x >= axes[0].x1 || y > axes[0].y || self->K < 1)
    return NULL;
  /* A category axis spans -0.5 .. K - 0.5 over its spine. */
  k = (int)floor ((x - axes[0].x0) / (axes[0].x1 - axes[0].x0) * self->K);
  k = CLAMP (k, 0, self->K - 1);
  /* Translators: hover text over a class of the soft-label figure */
  return g_strdup_printf (_ ("%s\nTeacher: %.2f%%\nDistilled: %.2f%%\nBaseline: %.2f%%"),
                          self->class_names[k], 100.0 * self->probs[0][k],
                          100.0 * self->probs[1][k], 100.0 * self->probs[2][k]);
}

static char *
heat_hover (DsFigureView *view, double x, double y, gpointer user_data)
{
  DsSoftLabelsPage *self = user_data;
  int m = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (view), "ds-model"));
  int row, col;

  if (isnan (self->sim_temperature)
      || !ds_figure_view_pick_heatmap_cell (view, &self->heat[m], x, y, &row, &col))
    return NULL;
  /* Translators: hover text over a cell of a class-similarity matrix: the mean probability
   * the model gives class 1 for samples of true class 7, "True 7, seen as 1: 0.0523" */
  return g_strdup_printf (_ ("True %s, seen as %s: %.4f\n(%s, T = %.2f)"), self->class_names[row],
                          self->class_names[col], self->sim[m][(gsize)row * self->K + col],
                          ds_model_title (m), self->sim_temperature);
}

/* ---- temperature -----------------------------------------------------------------------------
 *
 * The slider is logarithmic in T. GTK 4.8 tells assistive technology a slider's value and bounds
 * as numbers (no value text) and sets its value when asked, so the slider's adjustment spans
 * T_MIN..T_MAX, its value is a position on the log axis, the page tells the accessible value as
 * T, and a value set from outside the slider's own moves (its change-value signal) is T.
 */

static double
temperature_at (double position)
{
  return T_MIN * pow (T_MAX / T_MIN, (position - T_MIN) / (T_MAX - T_MIN));
}

static double
position_of (double temperature)
{
  return T_MIN + (T_MAX - T_MIN) * log (temperature / T_MIN) / log (T_MAX / T_MIN);
}

/* What the slider tells assistive technology: T, where GtkRange tells the position. */
static void
tell_temperature (DsSoftLabelsPage *self)
{
  /* Translators: the temperature slider's value, for screen readers: "T = 4", "T = 0.75" */
  g_autofree char *text = g_strdup_printf (_ ("T = %g"), self->temperature);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->temperature_scale),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, self->temperature,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text, -1);
}

static void
show_temperature (DsSoftLabelsPage *self)
{
  self->position = position_of (self->temperature);
  gtk_adjustment_set_value (self->temperature_adjustment, self->position);
  self->syncing = TRUE;
  gtk_spin_button_set_value (self->temperature_spin, self->temperature);
  self->syncing = FALSE;
  tell_temperature (self);
}

void
ds_soft_labels_page_set_temperature (DsSoftLabelsPage *self, double temperature)
{
  g_return_if_fail (DS_IS_SOFT_LABELS_PAGE (self));

  /* Two decimals, as the spin button shows it and figures print it. */
  temperature = CLAMP (round (temperature * 100.0) / 100.0, T_MIN, T_MAX);
  self->temperature_set = TRUE;
  self->temperature = temperature;
  show_temperature (self);
  self->move_frame = frame_counter (self);
  update_labels (self);
  queue_similarity (self);
}

double
ds_soft_labels_page_get_temperature (DsSoftLabelsPage *self)
{
  g_return_val_if_fail (DS_IS_SOFT_LABELS_PAGE (self), 1.0);

  return self->temperature;
}

/* The slider's own moves (keys, pointer, wheel) give a position on its log axis. */
static gboolean
scale_change_value_cb (GtkRange *range,
                       GtkScrollType scroll,
                       double position,
                       DsSoftLabelsPage *self)
{
  ds_soft_labels_page_set_temperature (self, temperature_at (CLAMP (position, T_MIN, T_MAX)));
  return TRUE;
}

/* Any other value of the slider than the position the page gave it, such as a screen
 * reader's, is T. The adjustment does not signal a change made while it signals one, but
 * signals it again after: this handler runs for each value, after the slider's own. */
static void
scale_value_changed_cb (DsSoftLabelsPage *self)
{
  double value = gtk_adjustment_get_value (self->temperature_adjustment);

  if (value != self->position)
    ds_soft_labels_page_set_temperature (self, value);
  tell_temperature (self);
}

static void
spin_changed_cb (DsSoftLabelsPage *self)
{
  if (!self->syncing)
    ds_soft_labels_page_set_temperature (self, gtk_spin_button_get_value (self->temperature_spin));
}

static void
setup_scale (DsSoftLabelsPage *self)
{
  static const double marks[] = { 0.5, 1, 2, 5, 10, 20, 50 };
  /* The length of a factor of two on the log axis: a key press multiplies T by 2^(1/20), a
   * page by 2^(1/2). */
  double octave = (T_MAX - T_MIN) / log2 (T_MAX / T_MIN);

  gtk_adjustment_configure (self->temperature_adjustment, position_of (self->temperature), T_MIN,
                            T_MAX, octave / 20.0, octave / 2.0, 0.0);
  for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
    {
      char label[16];

      g_snprintf (label, sizeof label, "%g", marks[i]);
      gtk_scale_add_mark (self->temperature_scale, position_of (marks[i]), GTK_POS_BOTTOM, label);
    }
  show_temperature (self);
  g_signal_connect_object (self->temperature_scale, "change-value",
                           G_CALLBACK (scale_change_value_cb), self, 0);
  /* After the slider's own handler, which tells the position as the accessible value. */
  g_signal_connect_object (self->temperature_adjustment, "value-changed",
                           G_CALLBACK (scale_value_changed_cb), self,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  g_signal_connect_object (self->temperature_spin, "value-changed", G_CALLBACK (spin_changed_cb),
                           self, G_CONNECT_SWAPPED);
}

/* ---- state ----------------------------------------------------------------------------------- */

static void
adopt_result (DsSoftLabelsPage *self, const DsTestResult *r)
{
  gboolean same_shape = r->K == self->K;

  self->shown_serial = r->serial;
  self->shown_result = r;
  if (!same_shape || self->class_names == NULL)
    alloc_buffers (self, r);
  else
    {
      g_free (self->class_names);
      self->class_names = ds_class_names (r->data->test);
    }
  setup_heatmaps (self);
  self->labels = (FigSoftLabelsData){ 0 };
  /* The matrices shown stay, titled with their temperature, until this result's arrive; those
   * of another shape cannot. */
  g_clear_pointer (&self->similarity_logits, ds_similarity_logits_unref);
  self->similarity_logits = ds_similarity_logits_new (r);
  self->similarity_generation++;
  if (!same_shape)
    ds_analysis_reset (self->similarity);
  update_similarity (self);
  if (!self->temperature_set && r->temperature > 0.0f)
    {
      ds_soft_labels_page_set_temperature (self, r->temperature);
      return;
    }
  update_labels (self);
  request_similarity (self);
}

static void
refresh (DsSoftLabelsPage *self)
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
  if (r->serial != self->shown_serial || (gconstpointer)r != self->shown_result)
    adopt_result (self, r);
  ds_page_notify_can_export (DS_PAGE (self));
}

/* ---- DsPage -----------------------------------------------------------------------------------
 */

static DsFigureView *
ds_soft_labels_page_get_export_view (DsPage *page)
{
  DsSoftLabelsPage *self = DS_SOFT_LABELS_PAGE (page);
  DsFigureView *views[]
      = { self->labels_view, self->heat_views[0], self->heat_views[1], self->heat_views[2], NULL };

  return ds_analysis_page_export_view (views, self->current_view);
}

static gboolean
ds_soft_labels_page_can_export (DsPage *page)
{
  DsSoftLabelsPage *self = DS_SOFT_LABELS_PAGE (page);

  /* Not while a status page stands in for the figures. */
  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "content") == 0
         && DS_PAGE_CLASS (ds_soft_labels_page_parent_class)->can_export (page);
}

/* ---- GObject ----------------------------------------------------------------------------------
 */

GtkWidget *
ds_soft_labels_page_new (DsExperiment *experiment)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (experiment), NULL);

  return g_object_new (DS_TYPE_SOFT_LABELS_PAGE, "experiment", experiment, NULL);
}

static void
setup_views (DsSoftLabelsPage *self)
{
  DsExperiment *experiment = ds_page_get_experiment (DS_PAGE (self));
  static const char *const names[KD_N_MODELS]
      = { "class-similarity-teacher", "class-similarity-distilled", "class-similarity-baseline" };

  ds_figure_view_set_title (self->labels_view, _ ("Soft labels"));
  ds_figure_view_set_experiment (self->labels_view, experiment);
  ds_figure_view_set_hover_func (self->labels_view, labels_hover, self, NULL);
  ds_analysis_page_track_view (self->labels_view, &self->current_view);
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      DsFigureView *view = DS_FIGURE_VIEW (ds_figure_view_new ());
      /* Translators: a figure's name, e.g. "Teacher: class similarity" */
      g_autofree char *title = g_strdup_printf (_ ("%s: class similarity"), ds_model_title (m));

      self->heat_views[m] = view;
      g_object_set_data (G_OBJECT (view), "ds-model", GINT_TO_POINTER (m));
      ds_figure_view_set_title (view, title);
      ds_figure_view_set_export_name (view, names[m]);
      ds_figure_view_set_experiment (view, experiment);
      ds_figure_view_set_hover_func (view, heat_hover, self, NULL);
      ds_analysis_page_track_view (view, &self->current_view);
      /* Room for the class names and the colour bar: side by side only when they fit. */
      gtk_widget_set_size_request (GTK_WIDGET (view), 300, 300);
      gtk_flow_box_append (self->similarity_box, GTK_WIDGET (view));
      gtk_widget_set_focusable (gtk_widget_get_parent (GTK_WIDGET (view)), FALSE);
    }
}

static void
build_side_rows (DsSoftLabelsPage *self)
{
  static const char *const headers[N_DISTANCES + 1]
      = { "", N_ ("KL (nats)"), N_ ("L1"), N_ ("Frobenius") };

  for (int m = 0; m < KD_N_MODELS; m++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *label = gtk_label_new ("–");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ds_model_title (m));
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      adw_preferences_group_add (self->entropy_group, row);
      self->entropy_labels[m] = GTK_LABEL (label);
    }
  for (int c = 0; c <= N_DISTANCES; c++)
    {
      GtkWidget *label = gtk_label_new (*headers[c] ? _ (headers[c]) : "");

      gtk_widget_add_css_class (label, "heading");
      gtk_label_set_xalign (GTK_LABEL (label), c == 0 ? 0.0f : 1.0f);
      gtk_grid_attach (self->distance_grid, label, c, 0, 1, 1);
    }
  for (int i = 0; i < 2; i++)
    {
      GtkWidget *name = gtk_label_new (ds_model_title (KD_STUDENT + i));

      gtk_label_set_xalign (GTK_LABEL (name), 0.0f);
      gtk_grid_attach (self->distance_grid, name, 0, i + 1, 1, 1);
      for (int c = 0; c < N_DISTANCES; c++)
        {
          GtkWidget *cell = gtk_label_new ("–");

          gtk_label_set_xalign (GTK_LABEL (cell), 1.0f);
          gtk_label_set_selectable (GTK_LABEL (cell), TRUE);
          gtk_widget_add_css_class (cell, "numeric");
          gtk_grid_attach (self->distance_grid, cell, c + 1, i + 1, 1, 1);
          self->distance_cells[i][c] = GTK_LABEL (cell);
        }
    }
  self->distance_verdict = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->distance_verdict, TRUE);
  gtk_label_set_xalign (self->distance_verdict, 0.0f);
  gtk_grid_attach (self->distance_grid, GTK_WIDGET (self->distance_verdict), 0, 3, N_DISTANCES + 1,
                   1);
}

static void
display_changed_cb (DsSoftLabelsPage *self)
{
  update_labels (self);
  update_similarity (self);
}

static void
ds_soft_labels_page_experiment_set (DsPage *page, DsExperiment *experiment)
{
  DsSoftLabelsPage *self = DS_SOFT_LABELS_PAGE (page);

  self->outputs = g_object_ref (ds_test_outputs_get (experiment));
  ds_sample_row_set_experiment (self->sample_row, experiment);
  setup_views (self);
  setup_similarity (self);
  ds_page_follow_test_outputs (page, G_CALLBACK (refresh));
  g_signal_connect_object (experiment, "notify::selected-sample", G_CALLBACK (update_labels), self,
                           G_CONNECT_SWAPPED);
  refresh (self);
}

static void
ds_soft_labels_page_dispose (GObject *object)
{
  DsSoftLabelsPage *self = (DsSoftLabelsPage *)object;

  clear_similarity (self);
  for (int m = 0; m < KD_N_MODELS; m++)
    if (self->heat_views[m] != NULL)
      ds_figure_view_set_figure (self->heat_views[m], FIG_KIND_HEATMAP, NULL);
  if (self->labels_view != NULL)
    ds_figure_view_set_figure (self->labels_view, FIG_KIND_SOFT_LABELS, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), DS_TYPE_SOFT_LABELS_PAGE);
  for (int m = 0; m < KD_N_MODELS; m++)
    self->heat_views[m] = NULL;
  free_buffers (self);
  g_clear_pointer (&self->labels_title, g_free);
  g_clear_object (&self->outputs);

  G_OBJECT_CLASS (ds_soft_labels_page_parent_class)->dispose (object);
}

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, DsSoftLabelsPage, name)

static void
ds_soft_labels_page_class_init (DsSoftLabelsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DsPageClass *page_class = DS_PAGE_CLASS (klass);

  object_class->dispose = ds_soft_labels_page_dispose;

  page_class->title = N_ ("Soft Labels");
  page_class->icon_name = "ds-soft-labels-symbolic";
  page_class->experiment_set = ds_soft_labels_page_experiment_set;
  page_class->no_export_message = N_ ("There are no soft labels to export yet");
  page_class->get_export_view = ds_soft_labels_page_get_export_view;
  page_class->can_export = ds_soft_labels_page_can_export;
  page_class->get_busy = ds_soft_labels_page_get_busy;

  g_type_ensure (DS_TYPE_OUTPUT_STATUS);
  g_type_ensure (DS_TYPE_FIGURE_VIEW);
  g_type_ensure (DS_TYPE_SAMPLE_ROW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/distillscope/Distillscope/ui/"
                                               "ds-soft-labels-page.ui");
  BIND (stack);
  BIND (status);
  BIND (flap);
  BIND (flap_toggle);
  BIND (sample_row);
  BIND (temperature_scale);
  BIND (temperature_adjustment);
  BIND (temperature_spin);
  BIND (log_switch);
  BIND (entropy_group);
  BIND (diagonal_switch);
  BIND (summary_label);
  BIND (busy_spinner);
  BIND (labels_view);
  BIND (labels_caption);
  BIND (similarity_title);
  BIND (similarity_box);
  BIND (distance_grid);
}

static void
ds_soft_labels_page_init (DsSoftLabelsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->temperature = 1.0;
  self->move_frame = -1;
  ds_output_status_set_icon_name (self->status, "ds-soft-labels-symbolic");
  build_side_rows (self);
  setup_scale (self);
  g_signal_connect_object (self->log_switch, "notify::active", G_CALLBACK (display_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->diagonal_switch, "notify::active", G_CALLBACK (display_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_object_bind_property (self->flap, "reveal-flap", self->flap_toggle, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->flap, "folded", self->flap_toggle, "visible",
                          G_BINDING_SYNC_CREATE);
}
