/* ds-experiment-page-private.h — shared by ds-experiment-page.c and its actions. */
#pragma once

#include <adwaita.h>

#include "ds-experiment-page.h"

G_BEGIN_DECLS

struct _DsExperimentPage
{
  DsPage parent_instance;

  GtkStringList *data_names; /* shown in data_row */
  GPtrArray *data_specs;     /* (char *) parallel to data_names */
  GtkFileChooserNative *chooser;
  guint updating : 1; /* widgets are being set from the experiment: ignore their signals */

  /* Template children */
  AdwPreferencesPage *form;
  AdwPreferencesGroup *preset_group;
  AdwComboRow *preset_row;
  AdwComboRow *data_row;
  GtkSpinButton *train_limit_spin;
  GtkSpinButton *test_limit_spin;
  AdwActionRow *data_status_row;
  GtkStack *data_status_stack;
  GtkSpinner *data_spinner;
  AdwPreferencesGroup *models_group;
  AdwEntryRow *teacher_row;
  AdwEntryRow *student_row;
  GtkLabel *arch_message;
  AdwComboRow *mode_row;
  GtkSpinButton *temperature_spin;
  GtkSwitch *anneal_switch;
  AdwActionRow *final_temperature_row;
  GtkSpinButton *final_temperature_spin;
  GtkSpinButton *alpha_spin;
  AdwComboRow *optimizer_row;
  AdwEntryRow *lr_row;
  AdwActionRow *momentum_row;
  GtkSpinButton *momentum_spin;
  GtkSpinButton *batch_spin;
  AdwActionRow *teacher_epochs_row;
  GtkSpinButton *teacher_epochs_spin;
  GtkSpinButton *epochs_spin;
  AdwActionRow *transfer_limit_row;
  GtkSpinButton *transfer_limit_spin;
  GtkSpinButton *seed_spin;
  GtkSpinButton *threads_spin;
  GtkImage *check_icon;
  GtkLabel *check_label;
};

void _ds_experiment_page_class_actions_init (DsExperimentPageClass *klass);

G_END_DECLS
