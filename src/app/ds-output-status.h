/* ds-output-status.h — what a page that shows the models' test outputs says while it cannot:
 * nothing trained yet (with Start Training and Open Session buttons), data loading or
 * missing, outputs being computed (with a spinner), or the error that stopped them. */
#pragma once

#include <adwaita.h>

#include "ds-experiment.h"
#include "ds-test-outputs.h"

G_BEGIN_DECLS

#define DS_TYPE_OUTPUT_STATUS (ds_output_status_get_type ())

G_DECLARE_FINAL_TYPE (DsOutputStatus, ds_output_status, DS, OUTPUT_STATUS, GtkWidget)

GtkWidget *ds_output_status_new (void);
/* The icon shown when nothing is trained yet: the page's own. */
void ds_output_status_set_icon_name (DsOutputStatus *self, const char *icon_name);
/* Shows the reason the page has nothing to show; TRUE (and nothing changed) when outputs
 * are there to show instead. */
gboolean
ds_output_status_update (DsOutputStatus *self, DsExperiment *experiment, DsTestOutputs *outputs);

G_END_DECLS
