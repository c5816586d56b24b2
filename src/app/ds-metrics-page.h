/* ds-metrics-page.h — accuracy, agreement, KL and calibration of the three models on the test
 * set, their reliability diagrams, confusion matrices and per-class accuracy. */
#pragma once

#include "ds-page.h"

G_BEGIN_DECLS

#define DS_TYPE_METRICS_PAGE (ds_metrics_page_get_type ())

G_DECLARE_FINAL_TYPE (DsMetricsPage, ds_metrics_page, DS, METRICS_PAGE, DsPage)

GtkWidget *ds_metrics_page_new (DsExperiment *experiment);

G_END_DECLS
