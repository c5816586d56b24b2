/* ds-saliency-page.h — saliency maps of the three models, their agreement with the teacher's
 * and the randomisation sanity check; decision boundaries on 2-D data. */
#pragma once

#include "ds-page.h"

G_BEGIN_DECLS

#define DS_TYPE_SALIENCY_PAGE (ds_saliency_page_get_type ())

G_DECLARE_FINAL_TYPE (DsSaliencyPage, ds_saliency_page, DS, SALIENCY_PAGE, DsPage)

GtkWidget *ds_saliency_page_new (DsExperiment *experiment);

G_END_DECLS
