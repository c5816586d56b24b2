/* ds-experiment-page.h — the experiment's settings, checked as they are typed. */
#pragma once

#include "ds-page.h"

G_BEGIN_DECLS

#define DS_TYPE_EXPERIMENT_PAGE (ds_experiment_page_get_type ())

G_DECLARE_FINAL_TYPE (DsExperimentPage, ds_experiment_page, DS, EXPERIMENT_PAGE, DsPage)

GtkWidget *ds_experiment_page_new (DsExperiment *experiment);
/* Adds spec (a path) to the data sets and selects it, as opening it from the menu does. */
void ds_experiment_page_select_data (DsExperimentPage *self, const char *spec);

G_END_DECLS
