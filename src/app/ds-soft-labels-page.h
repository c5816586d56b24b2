/* ds-soft-labels-page.h — one sample's soft labels at a live temperature, and the class-
 * similarity ("dark knowledge") matrices of the three models at that temperature. */
#pragma once

#include "ds-page.h"

G_BEGIN_DECLS

#define DS_TYPE_SOFT_LABELS_PAGE (ds_soft_labels_page_get_type ())

G_DECLARE_FINAL_TYPE (DsSoftLabelsPage, ds_soft_labels_page, DS, SOFT_LABELS_PAGE, DsPage)

GtkWidget *ds_soft_labels_page_new (DsExperiment *experiment);

/* The temperature of the slider, 0.5 .. 50. */
double ds_soft_labels_page_get_temperature (DsSoftLabelsPage *self);
void ds_soft_labels_page_set_temperature (DsSoftLabelsPage *self, double temperature);

G_END_DECLS
