/* ds-temperature-page.h — one sample's probabilities and entropy against T, and training
 * sweeps: students distilled at several temperatures (and alphas) over several seeds. */
#pragma once

#include "ds-page.h"
#include "kd_sweep.h"

G_BEGIN_DECLS

#define DS_TYPE_TEMPERATURE_PAGE (ds_temperature_page_get_type ())

G_DECLARE_FINAL_TYPE (DsTemperaturePage, ds_temperature_page, DS, TEMPERATURE_PAGE, DsPage)

GtkWidget *ds_temperature_page_new (DsExperiment *experiment);

/* Starts a sweep with the grid in the side bar, as the Run button does; FALSE with the
 * reason shown (and set) when the grid is invalid or a sweep cannot run now. */
gboolean ds_temperature_page_run_sweep (DsTemperaturePage *self, GError **error);
void ds_temperature_page_cancel_sweep (DsTemperaturePage *self);
/* TRUE while a sweep trains. */
gboolean ds_temperature_page_get_sweeping (DsTemperaturePage *self);
/* The last sweep's result, or NULL. */
const KdSweepResult *ds_temperature_page_get_sweep_result (DsTemperaturePage *self);

G_END_DECLS
