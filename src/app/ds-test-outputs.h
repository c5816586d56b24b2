/* ds-test-outputs.h — the three models' logits on the test set of the current snapshot,
 * computed once in an analysis thread and shared by every page of a window.
 *
 * The Samples, Soft labels and Temperature pages (and any page that needs whole-test-set
 * outputs, such as metrics) share one DsTestOutputs per experiment: ds_test_outputs_get()
 * returns it, creating it on first use. A page that is shown calls ds_test_outputs_update()
 * (on map and on "snapshot-changed": ds_page_follow_test_outputs() does both); the outputs of
 * that snapshot are then computed in a DsAnalysis thread, cached by snapshot serial, and
 * "changed" is emitted when they arrive or when the busy state or the error changes. While
 * training runs, a job in flight is never cancelled by a newer snapshot (it would never
 * finish); the newest snapshot is computed next.
 *
 * Everything here is main-thread only. The result is immutable and stays valid until the next
 * "changed".
 */
#pragma once

#include <gio/gio.h>

#include "ds-data.h"
#include "ds-experiment.h"
#include "kd_train.h"

G_BEGIN_DECLS

typedef struct
{
  guint64 serial; /* the snapshot's ds_experiment_get_snapshot_serial() */
  DsData *data;   /* the run's data; the samples are data->test */
  int n, K;
  float *logits[KD_N_MODELS];  /* (n, K) per KdModelId */
  int *predicted[KD_N_MODELS]; /* (n) arg-max of each row */
  double *teacher_entropy;     /* (n) nats of the teacher's softmax at T = 1 */
  double accuracy[KD_N_MODELS];
  float temperature; /* the run's final distillation temperature */
} DsTestResult;

#define DS_TYPE_TEST_OUTPUTS (ds_test_outputs_get_type ())

G_DECLARE_FINAL_TYPE (DsTestOutputs, ds_test_outputs, DS, TEST_OUTPUTS, GObject)

/* The experiment's shared instance (borrowed: the experiment owns it). */
DsTestOutputs *ds_test_outputs_get (DsExperiment *experiment);

/* Asks for the outputs of the experiment's current snapshot. */
void ds_test_outputs_update (DsTestOutputs *self);

/* The outputs last computed, or NULL; they may belong to an earlier snapshot while the
 * current one is computed (compare serial). */
const DsTestResult *ds_test_outputs_get_result (DsTestOutputs *self);
/* TRUE when the result is that of the experiment's current snapshot. */
gboolean ds_test_outputs_is_current (DsTestOutputs *self);
gboolean ds_test_outputs_get_busy (DsTestOutputs *self);
double ds_test_outputs_get_progress (DsTestOutputs *self);
const GError *ds_test_outputs_get_error (DsTestOutputs *self);

G_END_DECLS
