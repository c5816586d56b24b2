/* ds-net-source.h — what an analysis needs of the experiment, captured on the main thread.
 *
 * A DsNetSource holds the current snapshot, the architectures and input shape it was trained
 * with and the data it was trained on, all immutable and reference-counted, so an analysis
 * thread can build its own networks from it (ds_net_source_build_net) while training goes on
 * and the user changes the experiment. Its serial identifies the snapshot for caching.
 */
#pragma once

#include <gio/gio.h>

#include "ds-analysis.h"
#include "ds-data.h"
#include "ds-experiment.h"
#include "kd_net.h"
#include "kd_train.h"

G_BEGIN_DECLS

typedef struct
{
  guint64 serial; /* ds_experiment_get_snapshot_serial() when captured */
  KdSnapshot *snapshot;
  DsData *data; /* the run's data: data->test holds the samples analyses look at */
  KdArch arch[KD_N_MODELS];
  DsInputShape shape;
  float temperature; /* the run's final distillation temperature */
  gboolean running;  /* training was running when captured */
} DsNetSource;

/* Whether an analysis page can show anything, and if not why. */
typedef enum
{
  DS_SOURCE_READY,
  DS_SOURCE_NOTHING_TRAINED, /* no snapshot yet */
  DS_SOURCE_DATA_LOADING,    /* a session's data is still being loaded */
  DS_SOURCE_DATA_MISSING,    /* the session's data could not be loaded here */
} DsSourceState;

DsSourceState ds_net_source_state (DsExperiment *experiment);

/* A new source (reference 1) of the experiment's current snapshot; NULL unless
 * ds_net_source_state() is DS_SOURCE_READY. */
DsNetSource *ds_net_source_new (DsExperiment *experiment);
DsNetSource *ds_net_source_ref (DsNetSource *self);
void ds_net_source_unref (DsNetSource *self);

/* A network of model id with the snapshot's weights and a workspace for max_batch samples;
 * callable from any thread. */
KdNet *
ds_net_source_build_net (const DsNetSource *self, KdModelId id, int max_batch, GError **error);
/* All three; FALSE (and nothing left allocated) on failure. */
gboolean ds_net_source_build_nets (const DsNetSource *self,
                                   int max_batch,
                                   KdNet *nets[KD_N_MODELS],
                                   GError **error);
void ds_net_source_free_nets (KdNet *nets[KD_N_MODELS]);

/* True when the data are 2-D points (input (1, 1, 2)): decision boundaries, not saliency. */
gboolean ds_net_source_is_2d (const DsNetSource *self);

/* indices (n) spread evenly over [0, total), so that a subset covers every part of a test set
 * whatever its order; n <= total. */
void ds_spread_indices (int total, int n, int32_t *indices);

/* A GError for a failed status of the analysis layer, naming what failed. */
void ds_set_status_error (GError **error, const char *what, KdStatus status);
/* TRUE when status is KD_OK and the job was not cancelled; otherwise sets error (a
 * cancellation wins, so a cancelled job always reports "Cancelled") and returns FALSE. */
gboolean
ds_job_check_status (KdStatus status, const char *what, DsAnalysisJob *job, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsNetSource, ds_net_source_unref)

G_END_DECLS
