/* ds-activations-page-private.h — shared by ds-activations-page.c (the widget, its analyses
 * and DsPage) and ds-activations-page-figures.c (layer pickers, figures, hover and clicks). */
#pragma once

#include "ds-activations-compute.h"
#include "ds-activations-page.h"
#include "ds-analysis-page.h"
#include "ds-pca-picker.h"
#include "ds-sample-row.h"
#include "fig_activations.h"
#include "fig_cka.h"
#include "fig_pca.h"

G_BEGIN_DECLS

/* The pair's activations are held whole: a wide conv layer on 2,000 samples would take
 * hundreds of megabytes. */
#define MAX_PAIR_SAMPLES 500
#define THUMBNAIL_SCALE 3

struct _DsActivationsPage
{
  DsPage parent_instance;

  DsSourceTracker tracker;
  DsAnalysis *acts, *cka, *pca, *pair;
  DsFigureView *current_view;
  const char *const *class_names; /* interned (ds_class_names) */
  DsPcaPicker pca_picker, pair_picker;
  gboolean updating_rows;

  /* Figure data, borrowed by the views; point into the analyses' results. */
  FigActivationLayer act_layers[KD_N_MODELS][FIG_ACTIVATIONS_MAX_LAYERS];
  FigActivationsData acts_data;
  FigHeatmapData cka_data;
  FigPcaData pca_data, pair_data;
  char *titles[4];

  /* Template children */
  GtkStack *stack;
  AdwStatusPage *missing_status;
  AdwFlap *flap;
  GtkToggleButton *flap_toggle;
  DsSampleRow *sample_row;
  AdwComboRow *teacher_layer_row, *student_layer_row, *baseline_layer_row;
  AdwComboRow *pair_row, *row_layer_row, *col_layer_row;
  GtkSpinButton *max_maps_spin, *samples_spin;
  GtkLabel *summary_label, *busy_label;
  GtkSpinner *busy_spinner;
  DsFigureView *maps_view, *cka_view, *pair_view, *pca_view;
  GtkLabel *maps_error, *cka_error, *pair_error, *pca_error;
  GtkLabel *maps_caption, *cka_caption, *pair_caption, *pca_caption;
  GtkWidget *pca_preview;
  GtkPicture *pca_thumbnail;
  GtkLabel *pca_preview_label;
};

void _ds_activations_page_set_title (DsActivationsPage *self, int i, char *title);
AdwComboRow *_ds_activations_page_layer_row (DsActivationsPage *self, KdModelId m);
void _ds_activations_page_pair_models (DsActivationsPage *self, KdModelId *rows, KdModelId *cols);
const KdRepLayer *_ds_activations_page_model_layers (DsActivationsPage *self, KdModelId m, int *n);
void _ds_activations_page_refresh (DsActivationsPage *self);
void _ds_activations_page_update_layer_rows (DsActivationsPage *self);
void _ds_activations_page_show_activations (DsActivationsPage *self);
void _ds_activations_page_show_cka (DsActivationsPage *self);
char *_ds_activations_page_cka_hover (DsFigureView *view, double x, double y, gpointer user_data);
void _ds_activations_page_cka_pressed (DsActivationsPage *self, int n_press, double x, double y);
void _ds_activations_page_show_pca (DsActivationsPage *self);
void _ds_activations_page_show_pair (DsActivationsPage *self);
char *
_ds_activations_page_scatter_hover (DsFigureView *view, double x, double y, gpointer user_data);
void _ds_activations_page_scatter_pressed (
    GtkGestureClick *click, int n_press, double x, double y, DsActivationsPage *self);

G_END_DECLS
