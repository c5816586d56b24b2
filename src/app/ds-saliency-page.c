/* ds-saliency-page.c — the Saliency page.
 *
 * Four analyses (ds-saliency-compute.c) run in threads on networks built from the adopted
 * snapshot: the maps of the selected sample, their agreement over many samples, the sanity
 * check of one model, and on 2-D data the decision boundaries. The page only turns their
 * results into figure data, which the figure views borrow until the next result.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ds-format.h"
#include "ds-saliency-page-private.h"

G_DEFINE_FINAL_TYPE (DsSaliencyPage, ds_saliency_page, DS_TYPE_PAGE)

static void refresh (DsSaliencyPage *self);

static gboolean
any_busy (DsSaliencyPage *self)
{
  return ds_analysis_get_busy (self->maps) || ds_analysis_get_busy (self->agreement)
         || ds_analysis_get_busy (self->sanity) || ds_analysis_get_busy (self->boundary);
}

void
_ds_saliency_page_set_title (DsSaliencyPage *self, int i, char *title)
{
  g_free (self->titles[i]);
  self->titles[i] = title;
}

void
_ds_saliency_page_read_params (DsSaliencyPage *self, DsSaliencyParams *p)
{
  ds_saliency_params_init (p);
  p->method = (KdSaliencyMethod)adw_combo_row_get_selected (self->method_row);
  p->target = (DsTarget)adw_combo_row_get_selected (self->target_row);
  p->ig_steps = gtk_spin_button_get_value_as_int (self->ig_steps_spin);
  p->ig_baseline = (KdBaselineKind)adw_combo_row_get_selected (self->baseline_row);
  p->smooth_n = gtk_spin_button_get_value_as_int (self->smooth_n_spin);
  p->smooth_sigma = gtk_spin_button_get_value (self->smooth_sigma_spin);
  p->topk = gtk_spin_button_get_value (self->topk_spin) / 100.0;
}

/* ---- requests ------------------------------------------------------------------------------- */

static char *
sanity_key (guint64 serial, int sample, KdModelId model, const DsSaliencyParams *p)
{
  return g_strdup_printf ("%" G_GUINT64_FORMAT "|%d|%d|%d|%d|%d|%d|%.4g", serial, sample, model,
                          p->target, p->ig_steps, p->ig_baseline, p->smooth_n, p->smooth_sigma);
}

static void
request_saliency (DsSaliencyPage *self, DsNetSource *source)
{
  int sample = CLAMP (ds_experiment_get_selected_sample (ds_page_get_experiment (DS_PAGE (self))),
                      0, source->data->test->n - 1);
  KdModelId model = (KdModelId)adw_combo_row_get_selected (self->sanity_model_row);
  int n = MIN (gtk_spin_button_get_value_as_int (self->samples_spin), source->data->test->n);
  DsSaliencyParams p;
  g_autofree char *params = NULL;
  g_autofree char *maps_key = NULL, *agreement_key = NULL, *sanity = NULL;
  DsSampleInput *maps_in = g_new0 (DsSampleInput, 1);
  DsAgreementInput *agreement_in = g_new0 (DsAgreementInput, 1);
  DsSanityInput *sanity_in = g_new0 (DsSanityInput, 1);

  _ds_saliency_page_read_params (self, &p);
  params = ds_saliency_params_key (&p, p.method);
  maps_key = g_strdup_printf ("%" G_GUINT64_FORMAT "|%d|%s", source->serial, sample, params);
  agreement_key = g_strdup_printf ("%" G_GUINT64_FORMAT "|%d|%s", source->serial, n, params);
  sanity = sanity_key (source->serial, sample, model, &p);

  *maps_in = (DsSampleInput){ ds_net_source_ref (source), sample, p };
  *agreement_in = (DsAgreementInput){ ds_net_source_ref (source), n, p };
  *sanity_in = (DsSanityInput){ ds_net_source_ref (source), sample, model, p };
  /* In the order the page shows them: the first one asked for computes first. */
  ds_analysis_request (self->maps, maps_key, maps_in, ds_sample_input_free);
  ds_analysis_request (self->sanity, sanity, sanity_in, ds_sanity_input_free);
  ds_analysis_request (self->agreement, agreement_key, agreement_in, ds_agreement_input_free);
}

static void
request_boundary (DsSaliencyPage *self, DsNetSource *source)
{
  g_autofree char *key = g_strdup_printf ("%" G_GUINT64_FORMAT, source->serial);
  DsBoundaryInput *in = g_new0 (DsBoundaryInput, 1);

  *in = (DsBoundaryInput){ ds_net_source_ref (source), BOUNDARY_RES, FIELD_RES };
  ds_analysis_request (self->boundary, key, in, ds_boundary_input_free);
}

static void
show_mode (DsSaliencyPage *self, gboolean two_d)
{
  GtkWidget *image_only[] = {
    GTK_WIDGET (self->method_group),
    GTK_WIDGET (self->ig_group),
    GTK_WIDGET (self->smooth_group),
    GTK_WIDGET (self->display_group),
    GTK_WIDGET (self->agreement_group),
    GTK_WIDGET (self->sanity_group),
    self->maps_card,
    self->agreement_card,
    self->sanity_card,
  };

  for (guint i = 0; i < G_N_ELEMENTS (image_only); i++)
    gtk_widget_set_visible (image_only[i], !two_d);
  gtk_widget_set_visible (GTK_WIDGET (self->boundary_group), two_d);
  gtk_widget_set_visible (self->boundary_card, two_d);
  gtk_widget_set_visible (GTK_WIDGET (self->sample_group), !two_d);
}

static void
update_summary (DsSaliencyPage *self)
{
  DsNetSource *source = self->tracker.source;
  g_autofree char *text = NULL;

  if (source == NULL)
    text = g_strdup ("");
  else if (ds_net_source_is_2d (source))
    /* Translators: "Weights after step 1,880" */
    text = g_strdup_printf (_ ("Weights after step %'ld"), source->snapshot->progress.step);
  else
    {
      int sample = ds_experiment_get_selected_sample (ds_page_get_experiment (DS_PAGE (self)));
      const KdDataset *test = source->data->test;

      sample = CLAMP (sample, 0, test->n - 1);
      /* Translators: "Test sample 17 · true class Sneaker · weights after step 1,880" */
      text = g_strdup_printf (_ ("Test sample %d · true class %s · weights after step %'ld"),
                              sample, ds_class_name (test, test->labels[sample]),
                              source->snapshot->progress.step);
    }
  gtk_label_set_text (self->summary_label, text);
}

static void
refresh (DsSaliencyPage *self)
{
  DsExperiment *experiment = ds_page_get_experiment (DS_PAGE (self));
  DsSourceState state = ds_net_source_state (experiment);
  DsNetSource *source;

  ds_analysis_page_show_state (self->stack, self->missing_status, experiment, state);
  if (state != DS_SOURCE_READY)
    {
      ds_source_tracker_clear (&self->tracker);
      ds_analysis_reset (self->maps);
      ds_analysis_reset (self->agreement);
      ds_analysis_reset (self->sanity);
      ds_analysis_reset (self->boundary);
      update_summary (self);
      return;
    }
  /* Nothing is computed for a page nobody looks at (or reports); it catches up when shown. */
  if (!ds_page_is_active (DS_PAGE (self)))
    return;
  if (ds_source_tracker_update (&self->tracker, experiment, any_busy (self)))
    self->class_names = ds_class_names_interned (self->tracker.source->data->test);
  source = self->tracker.source;
  if (source == NULL)
    return;
  show_mode (self, ds_net_source_is_2d (source));
  update_summary (self);
  if (ds_net_source_is_2d (source))
    request_boundary (self, source);
  else
    request_saliency (self, source);
}

static void
analysis_changed_cb (DsSaliencyPage *self)
{
  DsAnalysis *all[] = { self->maps, self->sanity, self->agreement, self->boundary, NULL };

  ds_analysis_page_show_busy (all, self->busy_spinner, self->busy_label);
  if (self->tracker.pending && !any_busy (self))
    refresh (self);
  ds_page_notify_busy (DS_PAGE (self));
}

/* Computing, or waiting to adopt a newer snapshot. */
static gboolean
ds_saliency_page_get_busy (DsPage *page)
{
  DsSaliencyPage *self = DS_SALIENCY_PAGE (page);

  return any_busy (self) || self->tracker.pending;
}

static void
display_changed_cb (DsSaliencyPage *self)
{
  _ds_saliency_page_show_maps (self);
  _ds_saliency_page_show_agreement (self);
  _ds_saliency_page_show_boundary (self);
}

static void
update_topk_header (DsSaliencyPage *self)
{
  /* Translators: a column heading, e.g. "Top-10 % IoU" */
  g_autofree char *head
      = g_strdup_printf (_ ("Top-%d %% IoU"), gtk_spin_button_get_value_as_int (self->topk_spin));

  gtk_label_set_text (self->topk_header, head);
}

static void
topk_changed_cb (DsSaliencyPage *self)
{
  update_topk_header (self);
  refresh (self);
}

/* ---- DsPage ----------------------------------------------------------------------------------
 */

static DsFigureView *
ds_saliency_page_get_export_view (DsPage *page)
{
  DsSaliencyPage *self = DS_SALIENCY_PAGE (page);
  DsFigureView *views[]
      = { self->maps_view, self->agreement_view, self->sanity_view, self->boundary_view, NULL };

  return ds_analysis_page_export_view (views, self->current_view);
}

/* ---- GObject -------------------------------------------------------------------------------- */

GtkWidget *
ds_saliency_page_new (DsExperiment *experiment)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (experiment), NULL);

  return g_object_new (DS_TYPE_SALIENCY_PAGE, "experiment", experiment, NULL);
}

static void
connect_refresh (DsSaliencyPage *self, gpointer instance, const char *signal)
{
  g_signal_connect_object (instance, signal, G_CALLBACK (refresh), self, G_CONNECT_SWAPPED);
}

static void
setup_views (DsSaliencyPage *self)
{
  struct
  {
    DsFigureView *view;
    const char *title, *export_name;
  } views[] = {
    { self->maps_view, _ ("Saliency maps"), "saliency-maps" },
    { self->agreement_view, _ ("Saliency agreement over many samples"), "saliency-agreement" },
    { self->sanity_view, _ ("Saliency sanity check"), "saliency-sanity-check" },
    { self->boundary_view, _ ("Decision boundaries"), "decision-boundaries" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      ds_figure_view_set_title (views[i].view, views[i].title);
      ds_figure_view_set_export_name (views[i].view, views[i].export_name);
      ds_figure_view_set_experiment (views[i].view, ds_page_get_experiment (DS_PAGE (self)));
      ds_analysis_page_track_view (views[i].view, &self->current_view);
    }
}

static void
ds_saliency_page_experiment_set (DsPage *page, DsExperiment *experiment)
{
  DsSaliencyPage *self = DS_SALIENCY_PAGE (page);

  ds_sample_row_set_experiment (self->sample_row, experiment);
  setup_views (self);
  connect_refresh (self, experiment, "snapshot-changed");
  connect_refresh (self, experiment, "notify::run-data");
  connect_refresh (self, experiment, "notify::data-loading");
  connect_refresh (self, experiment, "notify::selected-sample");
  connect_refresh (self, experiment, "notify::state");
  connect_refresh (self, self, "map");
  connect_refresh (self, self, "notify::reporting");
  refresh (self);
}

static void
ds_saliency_page_dispose (GObject *object)
{
  DsSaliencyPage *self = (DsSaliencyPage *)object;

  /* The views borrow the results: take the figures away before the results go. */
  if (self->maps_view != NULL)
    {
      ds_figure_view_set_figure (self->maps_view, FIG_KIND_SALIENCY, NULL);
      ds_figure_view_set_figure (self->agreement_view, FIG_KIND_AGREEMENT, NULL);
      ds_figure_view_set_figure (self->sanity_view, FIG_KIND_SANITY, NULL);
      ds_figure_view_set_figure (self->boundary_view, FIG_KIND_BOUNDARY, NULL);
    }
  gtk_widget_dispose_template (GTK_WIDGET (self), DS_TYPE_SALIENCY_PAGE);
  ds_analysis_release (&self->maps, self);
  ds_analysis_release (&self->agreement, self);
  ds_analysis_release (&self->sanity, self);
  ds_analysis_release (&self->boundary, self);
  ds_source_tracker_clear (&self->tracker);

  G_OBJECT_CLASS (ds_saliency_page_parent_class)->dispose (object);
}

static void
ds_saliency_page_finalize (GObject *object)
{
  DsSaliencyPage *self = (DsSaliencyPage *)object;

  for (guint i = 0; i < G_N_ELEMENTS (self->titles); i++)
    g_free (self->titles[i]);

  G_OBJECT_CLASS (ds_saliency_page_parent_class)->finalize (object);
}

static void
bind_children (GtkWidgetClass *widget_class)
{
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, DsSaliencyPage, name)
  BIND (stack);
  BIND (missing_status);
  BIND (flap);
  BIND (flap_toggle);
  BIND (sample_row);
  BIND (sample_group);
  BIND (method_group);
  BIND (ig_group);
  BIND (smooth_group);
  BIND (display_group);
  BIND (agreement_group);
  BIND (sanity_group);
  BIND (boundary_group);
  BIND (method_row);
  BIND (target_row);
  BIND (baseline_row);
  BIND (score_row);
  BIND (sanity_model_row);
  BIND (ig_steps_spin);
  BIND (smooth_n_spin);
  BIND (smooth_sigma_spin);
  BIND (topk_spin);
  BIND (samples_spin);
  BIND (overlay_switch);
  BIND (signed_switch);
  BIND (arrows_switch);
  BIND (points_switch);
  BIND (summary_label);
  BIND (busy_label);
  BIND (busy_spinner);
  BIND (maps_card);
  BIND (agreement_card);
  BIND (sanity_card);
  BIND (boundary_card);
  BIND (maps_view);
  BIND (agreement_view);
  BIND (sanity_view);
  BIND (boundary_view);
  BIND (maps_error);
  BIND (agreement_error);
  BIND (sanity_error);
  BIND (boundary_error);
  BIND (sample_grid);
  BIND (maps_caption);
  BIND (agreement_caption);
  BIND (boundary_caption);
#undef BIND
}

static void
ds_saliency_page_class_init (DsSaliencyPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DsPageClass *page_class = DS_PAGE_CLASS (klass);

  object_class->dispose = ds_saliency_page_dispose;
  object_class->finalize = ds_saliency_page_finalize;

  page_class->title = N_ ("Saliency");
  page_class->icon_name = "ds-saliency-symbolic";
  page_class->experiment_set = ds_saliency_page_experiment_set;
  page_class->no_export_message = N_ ("There is no saliency figure to export yet");
  page_class->get_export_view = ds_saliency_page_get_export_view;
  page_class->get_busy = ds_saliency_page_get_busy;

  g_type_ensure (DS_TYPE_FIGURE_VIEW);
  g_type_ensure (DS_TYPE_SAMPLE_ROW);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/distillscope/Distillscope/ui/"
                                               "ds-saliency-page.ui");
  bind_children (widget_class);
}

static DsAnalysis *
new_analysis (DsSaliencyPage *self,
              DsAnalysisFunc func,
              GDestroyNotify result_free,
              GCallback changed)
{
  DsAnalysis *analysis = ds_analysis_new (func, result_free, 8);

  g_signal_connect_object (analysis, "changed", changed, self, G_CONNECT_SWAPPED);
  g_signal_connect_object (analysis, "changed", G_CALLBACK (analysis_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (analysis, "notify::progress", G_CALLBACK (analysis_changed_cb), self,
                           G_CONNECT_SWAPPED);
  return analysis;
}

static void
connect_controls (DsSaliencyPage *self)
{
  GObject *params[] = { G_OBJECT (self->method_row), G_OBJECT (self->target_row),
                        G_OBJECT (self->baseline_row), G_OBJECT (self->sanity_model_row) };
  GObject *spins[] = { G_OBJECT (self->ig_steps_spin), G_OBJECT (self->smooth_n_spin),
                       G_OBJECT (self->smooth_sigma_spin), G_OBJECT (self->samples_spin) };
  GObject *display[] = { G_OBJECT (self->overlay_switch), G_OBJECT (self->signed_switch),
                         G_OBJECT (self->arrows_switch), G_OBJECT (self->points_switch) };

  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    connect_refresh (self, params[i], "notify::selected");
  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    connect_refresh (self, spins[i], "value-changed");
  for (guint i = 0; i < G_N_ELEMENTS (display); i++)
    g_signal_connect_object (display[i], "notify::active", G_CALLBACK (display_changed_cb), self,
                             G_CONNECT_SWAPPED);
  g_signal_connect_object (self->score_row, "notify::selected",
                           G_CALLBACK (_ds_saliency_page_show_agreement), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->topk_spin, "value-changed", G_CALLBACK (topk_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_object_bind_property (self->flap, "reveal-flap", self->flap_toggle, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (self->flap, "folded", self->flap_toggle, "visible",
                          G_BINDING_SYNC_CREATE);
}

static gboolean
retry_refresh (gpointer self)
{
  refresh (self);
  return G_SOURCE_REMOVE;
}

static void
ds_saliency_page_init (DsSaliencyPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  ds_source_tracker_init (&self->tracker, retry_refresh, self);

  self->maps = new_analysis (self, ds_saliency_maps_compute, ds_saliency_maps_free,
                             G_CALLBACK (_ds_saliency_page_show_maps));
  self->agreement = new_analysis (self, ds_agreement_compute, ds_agreement_result_free,
                                  G_CALLBACK (_ds_saliency_page_show_agreement));
  self->sanity = new_analysis (self, ds_sanity_compute, ds_sanity_result_free,
                               G_CALLBACK (_ds_saliency_page_show_sanity));
  self->boundary = new_analysis (self, ds_boundary_compute, ds_boundary_result_free,
                                 G_CALLBACK (_ds_saliency_page_show_boundary));
  _ds_saliency_page_build_sample_grid (self);
  connect_controls (self);
  update_topk_header (self);
}
