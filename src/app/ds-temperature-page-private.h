/* ds-temperature-page-private.h — shared by ds-temperature-page.c (the page, the display
 * sweep of one sample) and ds-temperature-page-sweep.c (training sweeps). */
#pragma once

#include <adwaita.h>

#include "ds-figure-view.h"
#include "ds-output-status.h"
#include "ds-sample-row.h"
#include "ds-temperature-page.h"
#include "ds-test-outputs.h"
#include "fig_lines.h"
#include "fig_temperature.h"
#include "kd_softlabels.h"

G_BEGIN_DECLS

#define N_T KD_SWEEP_N_T
#define N_PANELS 3
#define MAX_SERIES (KD_SWEEP_MAX_VALUES + 1)

struct _DsTemperaturePage
{
  DsPage parent_instance;

  DsTestOutputs *outputs;
  gconstpointer shown_result;
  gboolean form_initialised;

  /* The display sweep of the selected sample (FigTemperatureData points into these). */
  float temps_f[N_T];
  double temps[N_T];
  float *probs; /* (N_T, K) */
  float entropy[N_T];
  char *sample_title;
  const char **class_names;
  FigTemperatureData display;
  guint display_generation;
  /* Where the display's x axis puts the grid's ends, for hover; valid for hover_key. */
  double x_lo, x_hi;
  guint hover_generation;
  int hover_width, hover_height;

  /* The training sweep. */
  GCancellable *sweep_cancellable; /* non-NULL while a sweep trains */
  KdSweepResult *sweep;
  guint64 sweep_serial; /* the snapshot whose teacher it distilled */
  double *sweep_values; /* the y and err arrays of the series */
  double sweep_x[KD_SWEEP_MAX_VALUES];
  GPtrArray *sweep_labels;
  FigLineSeries series[N_PANELS][MAX_SERIES];
  FigLinesPanel panels[N_PANELS];
  FigLinesData lines;
  char *lines_title;
  char *sweep_message; /* why the last sweep ended early, or NULL */

  DsFigureView *current_view;

  /* Template children */
  GtkStack *stack;
  DsOutputStatus *status;
  AdwFlap *flap;
  GtkToggleButton *flap_toggle;
  DsSampleRow *sample_row;
  AdwComboRow *model_row;
  AdwEntryRow *temperatures_row;
  AdwEntryRow *alphas_row;
  AdwEntryRow *seeds_row;
  GtkSpinButton *epochs_spin;
  GtkLabel *form_error;
  GtkLabel *runs_label;
  GtkButton *run_button;
  GtkButton *cancel_button;
  GtkProgressBar *progress_bar;
  GtkLabel *summary_label;
  GtkSpinner *busy_spinner;
  DsFigureView *sample_view;
  GtkLabel *sample_caption;
  GtkStack *sweep_stack;
  DsFigureView *sweep_view;
  GtkGrid *sweep_grid;
  GtkLabel *sweep_caption;
};

/* The test outputs the page shows, or NULL while it has none. */
const DsTestResult *_ds_temperature_page_current_result (DsTemperaturePage *self);

/* The sweep side bar and results (ds-temperature-page-sweep.c). */
void _ds_temperature_page_update_form (DsTemperaturePage *self);
void _ds_temperature_page_update_sweep_caption (DsTemperaturePage *self);
void _ds_temperature_page_state_changed (DsTemperaturePage *self);
void _ds_temperature_page_run_clicked (DsTemperaturePage *self);
char *_ds_temperature_page_sweep_hover (DsFigureView *view, double x, double y, gpointer user_data);

G_END_DECLS
