/* ds-saliency-page-figures.c — the figures and tables drawn from the analyses' results. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ds-format.h"
#include "ds-sample-row.h"
#include "ds-saliency-page-private.h"

/* ---- the sample's maps -------------------------------------------------------------------- */

void
_ds_saliency_page_build_sample_grid (DsSaliencyPage *self)
{
  const char *rows[N_PAIRS] = { _ ("Teacher – distilled student"), _ ("Teacher – baseline student"),
                                _ ("Distilled – baseline student") };
  const char *heads[DS_N_SCORES] = { _ ("Spearman ρ"), NULL, _ ("Cosine") };

  for (int s = 0; s < DS_N_SCORES; s++)
    {
      GtkWidget *head = gtk_label_new (heads[s]);

      gtk_widget_add_css_class (head, "heading");
      gtk_label_set_xalign (GTK_LABEL (head), 1.0f);
      gtk_grid_attach (self->sample_grid, head, s + 1, 0, 1, 1);
      if (s == DS_SCORE_TOPK_IOU)
        self->topk_header = GTK_LABEL (head);
    }
  for (int p = 0; p < N_PAIRS; p++)
    {
      GtkWidget *name = gtk_label_new (rows[p]);

      gtk_label_set_xalign (GTK_LABEL (name), 0.0f);
      gtk_widget_set_hexpand (name, TRUE);
      gtk_grid_attach (self->sample_grid, name, 0, p + 1, 1, 1);
      for (int s = 0; s < DS_N_SCORES; s++)
        {
          GtkWidget *cell = gtk_label_new ("–");

          gtk_label_set_xalign (GTK_LABEL (cell), 1.0f);
          gtk_label_set_selectable (GTK_LABEL (cell), TRUE);
          gtk_widget_add_css_class (cell, "numeric");
          gtk_grid_attach (self->sample_grid, cell, s + 1, p + 1, 1, 1);
          self->cells[p][s] = GTK_LABEL (cell);
        }
    }
}

static void
set_agreement_cells (DsSaliencyPage *self, int pair, const KdMapAgreement *a)
{
  double values[DS_N_SCORES]
      = { a ? a->spearman : NAN, a ? a->topk_iou : NAN, a ? a->cosine : NAN };

  for (int s = 0; s < DS_N_SCORES; s++)
    {
      g_autofree char *text
          = isfinite (values[s]) ? g_strdup_printf ("%.3f", values[s]) : g_strdup ("–");
      gtk_label_set_text (self->cells[pair][s], text);
    }
}

static const char *
target_phrase (DsTarget target)
{
  switch (target)
    {
      case DS_TARGET_PREDICTED:
        return _ ("each model’s own prediction");
      case DS_TARGET_TEACHER:
        return _ ("the teacher’s prediction");
      case DS_TARGET_LABEL:
      default:
        return _ ("the true class");
    }
}

static char *
maps_caption (DsSaliencyPage *self, const DsSaliencyMaps *r, const DsSaliencyParams *p)
{
  const KdDataset *test = self->tracker.source->data->test;
  GString *text = g_string_new (NULL);

  /* Translators: "Each map explains the logit of the true class." */
  g_string_append_printf (text, _ ("Each map explains the logit of %s."),
                          target_phrase (p->target));
  g_string_append_c (text, ' ');
  /* Translators: "Predictions — teacher: 7, distilled student: 1, baseline student: 7." */
  g_string_append_printf (text,
                          _ ("Predictions — teacher: %s, distilled student: %s, baseline "
                             "student: %s."),
                          ds_class_name (test, r->predicted[KD_TEACHER]),
                          ds_class_name (test, r->predicted[KD_STUDENT]),
                          ds_class_name (test, r->predicted[KD_BASELINE]));
  g_string_append_c (text, ' ');
  g_string_append_printf (text,
                          _ ("Scores compare |maps|; the top-k overlap uses the top %g %% "
                             "of pixels."),
                          100.0 * p->topk);
  if (p->method == KD_SALIENCY_INTEGRATED_GRADIENTS)
    {
      double worst = 0.0;

      for (int m = 0; m < KD_N_MODELS; m++)
        if (isfinite (r->info[m].completeness_error))
          worst = MAX (worst, r->info[m].completeness_error);
      g_string_append_c (text, ' ');
      g_string_append_printf (text,
                              _ ("Completeness: every model’s attributions add up to "
                                 "f(x) − f(baseline) within %.2g %%."),
                              100.0 * worst);
    }
  return g_string_free (text, FALSE);
}

void
_ds_saliency_page_show_maps (DsSaliencyPage *self)
{
  DsSaliencyMaps *r = ds_analysis_get_result (self->maps);
  DsSaliencyParams p;

  ds_analysis_page_show_analysis (self->maps, self->maps_view, self->maps_error);
  _ds_saliency_page_read_params (self, &p);
  if (r == NULL || self->tracker.source == NULL)
    {
      ds_figure_view_set_figure (self->maps_view, FIG_KIND_SALIENCY, NULL);
      for (int i = 0; i < N_PAIRS; i++)
        set_agreement_cells (self, i, NULL);
      gtk_label_set_text (self->maps_caption, "");
      ds_page_notify_can_export (DS_PAGE (self));
      return;
    }
  self->saliency_row.name = ds_saliency_method_title (p.method);
  for (int m = 0; m < KD_N_MODELS; m++)
    self->saliency_row.maps[m] = r->maps[m];
  _ds_saliency_page_set_title (
      self, 0,
      /* Translators: "Integrated gradients · test sample 17" */
      g_strdup_printf (_ ("%s · test sample %d"), ds_saliency_method_title (p.method), r->sample));
  self->saliency = (FigSaliencyData){
    .c = r->c,
    .h = r->h,
    .w = r->w,
    .input = r->input,
    .input_label = _ ("Input"),
    .n_rows = 1,
    .rows = &self->saliency_row,
    .mode
    = gtk_switch_get_active (self->overlay_switch) ? FIG_SALIENCY_OVERLAY : FIG_SALIENCY_HEATMAP,
    .absolute = !gtk_switch_get_active (self->signed_switch),
    .scale = FIG_SALIENCY_SCALE_ROW,
    .channels = FIG_SALIENCY_CHANNELS_SUM,
    .clip_quantile = 0.99,
    .title = self->titles[0],
  };
  ds_figure_view_set_figure (self->maps_view, FIG_KIND_SALIENCY, &self->saliency);
  ds_figure_view_set_description (self->maps_view, self->titles[0]);
  set_agreement_cells (self, PAIR_TEACHER_STUDENT, &r->teacher_student);
  set_agreement_cells (self, PAIR_TEACHER_BASELINE, &r->teacher_baseline);
  set_agreement_cells (self, PAIR_STUDENT_BASELINE, &r->student_baseline);
  {
    g_autofree char *caption = maps_caption (self, r, &p);
    gtk_label_set_text (self->maps_caption, caption);
  }
  ds_page_notify_can_export (DS_PAGE (self));
}

/* ---- agreement over many samples ---------------------------------------------------------- */

static const char *
score_label (DsScore score, double topk)
{
  static char iou[64];

  switch (score)
    {
      case DS_SCORE_TOPK_IOU:
        /* Translators: an axis title, e.g. "Top-10 % overlap (IoU)" */
        g_snprintf (iou, sizeof iou, _ ("Top-%g %% overlap (IoU)"), 100.0 * topk);
        return iou;
      case DS_SCORE_COSINE:
        return _ ("Cosine similarity of |maps|");
      case DS_SCORE_SPEARMAN:
      case DS_N_SCORES:
      default:
        return _ ("Spearman ρ of |maps|");
    }
}

static char *
agreement_caption (const DsAgreementResult *r, DsScore score)
{
  KdMeanCI s, b;

  kd_mean_ci95 (r->vs_student[score], r->n, &s);
  kd_mean_ci95 (r->vs_baseline[score], r->n, &b);
  return g_strdup_printf (
      _ ("The teacher’s map is closer to the distilled student’s than to the baseline "
         "student’s for %.0f %% of %zu samples (95 %% interval %.0f–%.0f %%; 50 %% is chance; "
         "cosine of |maps|, Ojha et al. 2023). Mean agreement with the teacher: distilled "
         "%.3f (%.3f–%.3f), baseline %.3f (%.3f–%.3f)."),
      100.0 * r->closer.share, r->closer.n, 100.0 * r->closer.lo, 100.0 * r->closer.hi, s.mean,
      s.lo, s.hi, b.mean, b.lo, b.hi);
}

void
_ds_saliency_page_show_agreement (DsSaliencyPage *self)
{
  DsAgreementResult *r = ds_analysis_get_result (self->agreement);
  DsScore score = (DsScore)adw_combo_row_get_selected (self->score_row);
  DsSaliencyParams p;

  ds_analysis_page_show_analysis (self->agreement, self->agreement_view, self->agreement_error);
  _ds_saliency_page_read_params (self, &p);
  if (r == NULL)
    {
      ds_figure_view_set_figure (self->agreement_view, FIG_KIND_AGREEMENT, NULL);
      gtk_label_set_text (self->agreement_caption, "");
      ds_page_notify_can_export (DS_PAGE (self));
      return;
    }
  self->agreement_method = (FigAgreementMethod){
    .name = ds_saliency_method_title (p.method),
    .n = r->n,
    .vs_student = r->vs_student[score],
    .vs_baseline = r->vs_baseline[score],
    .closer = { TRUE, r->closer.share, r->closer.lo, r->closer.hi },
  };
  /* Translators: "Agreement with the teacher · 100 samples" */
  _ds_saliency_page_set_title (
      self, 1, g_strdup_printf (_ ("Agreement with the teacher · %d samples"), r->n));
  self->agreement_data = (FigAgreementData){
    .n_methods = 1,
    .methods = &self->agreement_method,
    .score_label = score_label (score, p.topk),
    .title = self->titles[1],
  };
  ds_figure_view_set_figure (self->agreement_view, FIG_KIND_AGREEMENT, &self->agreement_data);
  {
    g_autofree char *caption = agreement_caption (r, score);
    gtk_label_set_text (self->agreement_caption, caption);
    ds_figure_view_set_description (self->agreement_view, caption);
  }
  ds_page_notify_can_export (DS_PAGE (self));
}

/* ---- sanity check --------------------------------------------------------------------------- */

void
_ds_saliency_page_show_sanity (DsSaliencyPage *self)
{
  DsSanityResult *r = ds_analysis_get_result (self->sanity);
  KdModelId model = (KdModelId)adw_combo_row_get_selected (self->sanity_model_row);

  ds_analysis_page_show_analysis (self->sanity, self->sanity_view, self->sanity_error);
  if (r == NULL)
    {
      ds_figure_view_set_figure (self->sanity_view, FIG_KIND_SANITY, NULL);
      ds_page_notify_can_export (DS_PAGE (self));
      return;
    }
  for (int i = 0; i < KD_SALIENCY_N_METHODS; i++)
    self->sanity_lines[i] = (FigSanityLine){
      .method = ds_saliency_method_title (i),
      .model = -1,
      .rho = r->rho[i],
    };
  /* Translators: "Sanity check: Distilled student · test sample 17" */
  _ds_saliency_page_set_title (
      self, 2,
      g_strdup_printf (
          _ ("Sanity check: %s · test sample %d"), ds_model_title (model),
          ds_experiment_get_selected_sample (ds_page_get_experiment (DS_PAGE (self)))));
  self->sanity_data = (FigSanityData){
    .n_stages = r->n_stages,
    .stages = (const char *const *)r->stage_names,
    .n_lines = KD_SALIENCY_N_METHODS,
    .lines = self->sanity_lines,
    .title = self->titles[2],
  };
  ds_figure_view_set_figure (self->sanity_view, FIG_KIND_SANITY, &self->sanity_data);
  ds_figure_view_set_description (self->sanity_view, self->titles[2]);
  ds_page_notify_can_export (DS_PAGE (self));
}

/* ---- decision boundaries ---------------------------------------------------------------------
 */

void
_ds_saliency_page_show_boundary (DsSaliencyPage *self)
{
  DsBoundaryResult *r = ds_analysis_get_result (self->boundary);
  gboolean arrows = gtk_switch_get_active (self->arrows_switch);
  gboolean points = gtk_switch_get_active (self->points_switch);

  ds_analysis_page_show_analysis (self->boundary, self->boundary_view, self->boundary_error);
  if (r == NULL || self->tracker.source == NULL)
    {
      ds_figure_view_set_figure (self->boundary_view, FIG_KIND_BOUNDARY, NULL);
      gtk_label_set_text (self->boundary_caption, "");
      ds_page_notify_can_export (DS_PAGE (self));
      return;
    }
  self->boundary_data = (FigBoundaryData){
    .n_panels = KD_N_MODELS,
    .res = r->res,
    .field_res = r->field_res,
    .n_classes = r->n_classes,
    .xmin = r->bounds.xmin,
    .xmax = r->bounds.xmax,
    .ymin = r->bounds.ymin,
    .ymax = r->bounds.ymax,
    .n_points = points ? r->n_points : 0,
    .points = points ? r->points : NULL,
    .labels = points ? r->labels : NULL,
    .class_names = self->class_names,
    .title = _ ("Decision regions of the three models"),
  };
  for (int m = 0; m < KD_N_MODELS; m++)
    self->boundary_data.panels[m] = (FigBoundaryPanel){
      .model = m,
      .probs = r->probs[m],
      .field = arrows ? r->field[m] : NULL,
    };
  ds_figure_view_set_figure (self->boundary_view, FIG_KIND_BOUNDARY, &self->boundary_data);
  {
    g_autofree char *t = ds_format_percent (r->accuracy[KD_TEACHER]);
    g_autofree char *s = ds_format_percent (r->accuracy[KD_STUDENT]);
    g_autofree char *b = ds_format_percent (r->accuracy[KD_BASELINE]);
    g_autofree char *caption = g_strdup_printf (
        _ ("Test accuracy — teacher %s, distilled student %s, baseline student %s. A region’s "
           "colour is its top class, the stronger the surer the model; pale seams are the "
           "boundaries."),
        t, s, b);

    gtk_label_set_text (self->boundary_caption, caption);
    ds_figure_view_set_description (self->boundary_view, caption);
  }
  ds_page_notify_can_export (DS_PAGE (self));
}
