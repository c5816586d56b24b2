/* ds-saliency-page-private.h — shared by ds-saliency-page.c (the widget, its analyses and
 * DsPage) and ds-saliency-page-figures.c (figures and tables from the analyses' results). */
#pragma once

#include "ds-analysis-page.h"
#include "ds-sample-row.h"
#include "ds-saliency-compute.h"
#include "ds-saliency-page.h"
#include "fig_agreement.h"
#include "fig_boundary.h"
#include "fig_saliency.h"
#include "fig_sanity.h"

G_BEGIN_DECLS

#define BOUNDARY_RES 120
#define FIELD_RES 18

enum
{
  PAIR_TEACHER_STUDENT,
  PAIR_TEACHER_BASELINE,
  PAIR_STUDENT_BASELINE,
  N_PAIRS
};

struct _DsSaliencyPage
{
  DsPage parent_instance;

  DsSourceTracker tracker;
  DsAnalysis *maps, *agreement, *sanity, *boundary;
  DsFigureView *current_view;
  const char *const *class_names; /* interned (ds_class_names) */

  /* Figure data, borrowed by the views; point into the analyses' results. */
  FigSaliencyRow saliency_row;
  FigSaliencyData saliency;
  FigAgreementMethod agreement_method;
  FigAgreementData agreement_data;
  FigSanityLine sanity_lines[KD_SALIENCY_N_METHODS];
  FigSanityData sanity_data;
  FigBoundaryData boundary_data;
  char *titles[4];
  GtkLabel *cells[N_PAIRS][DS_N_SCORES];
  GtkLabel *topk_header;

  /* Template children */
  GtkStack *stack;
  AdwStatusPage *missing_status;
  AdwFlap *flap;
  GtkToggleButton *flap_toggle;
  DsSampleRow *sample_row;
  AdwPreferencesGroup *sample_group, *method_group, *ig_group, *smooth_group, *display_group;
  AdwPreferencesGroup *agreement_group, *sanity_group, *boundary_group;
  AdwComboRow *method_row, *target_row, *baseline_row, *score_row, *sanity_model_row;
  GtkSpinButton *ig_steps_spin, *smooth_n_spin, *smooth_sigma_spin, *topk_spin, *samples_spin;
  GtkSwitch *overlay_switch, *signed_switch, *arrows_switch, *points_switch;
  GtkLabel *summary_label, *busy_label;
  GtkSpinner *busy_spinner;
  GtkWidget *maps_card, *agreement_card, *sanity_card, *boundary_card;
  DsFigureView *maps_view, *agreement_view, *sanity_view, *boundary_view;
  GtkLabel *maps_error, *agreement_error, *sanity_error, *boundary_error;
  GtkGrid *sample_grid;
  GtkLabel *maps_caption, *agreement_caption, *boundary_caption;
};

void _ds_saliency_page_set_title (DsSaliencyPage *self, int i, char *title);
void _ds_saliency_page_read_params (DsSaliencyPage *self, DsSaliencyParams *p);
void _ds_saliency_page_build_sample_grid (DsSaliencyPage *self);
void _ds_saliency_page_show_maps (DsSaliencyPage *self);
void _ds_saliency_page_show_agreement (DsSaliencyPage *self);
void _ds_saliency_page_show_sanity (DsSaliencyPage *self);
void _ds_saliency_page_show_boundary (DsSaliencyPage *self);

G_END_DECLS
