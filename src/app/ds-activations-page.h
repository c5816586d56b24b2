/* ds-activations-page.h — per-layer activations of a sample, linear CKA between the layers of
 * the three models, a pair of layers side by side, and PCA of the last hidden layers. */
#pragma once

#include "ds-page.h"

G_BEGIN_DECLS

#define DS_TYPE_ACTIVATIONS_PAGE (ds_activations_page_get_type ())

G_DECLARE_FINAL_TYPE (DsActivationsPage, ds_activations_page, DS, ACTIVATIONS_PAGE, DsPage)

GtkWidget *ds_activations_page_new (DsExperiment *experiment);

G_END_DECLS
