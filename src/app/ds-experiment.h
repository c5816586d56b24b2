/* ds-experiment.h — the shared model of the window: the experiment being edited, its data,
 * the current run and its latest snapshot, the session file and the selected sample.
 *
 * Pages hold one DsExperiment and react to its properties and signals; they read snapshots,
 * never live weights. Everything here is main-thread only; the training itself runs in a
 * DsTrainingRun worker that this object owns.
 *
 * Two configurations exist side by side: the one being edited (get_config) and the one the
 * current snapshot was trained with (get_run_config). They differ after the user edits a
 * finished experiment; Start then trains the edited one.
 */
#pragma once

#include <gio/gio.h>

#include "ds-config-check.h"
#include "ds-data.h"
#include "ds-session-io.h"
#include "ds-training-run.h"
#include "kd_net.h"
#include "kd_session.h"

G_BEGIN_DECLS

#define DS_TYPE_EXPERIMENT (ds_experiment_get_type ())

G_DECLARE_FINAL_TYPE (DsExperiment, ds_experiment, DS, EXPERIMENT, GObject)

DsExperiment *ds_experiment_new (void);

/* ---- the experiment being edited ("config-changed", "data", "data-loading", "data-error") */
const KdTrainConfig *ds_experiment_get_config (DsExperiment *self);
void ds_experiment_set_config (DsExperiment *self, const KdTrainConfig *config);
const char *ds_experiment_get_data_spec (DsExperiment *self);
int ds_experiment_get_train_limit (DsExperiment *self);
int ds_experiment_get_test_limit (DsExperiment *self);
/* Loads the data in a thread; "data" is NULL until it arrives. */
void
ds_experiment_set_data_spec (DsExperiment *self, const char *spec, int train_limit, int test_limit);
DsData *ds_experiment_get_data (DsExperiment *self);
gboolean ds_experiment_get_data_loading (DsExperiment *self);
const char *ds_experiment_get_data_error (DsExperiment *self);
/* Whether Start would train; otherwise a translated reason naming the field. */
gboolean ds_experiment_check (DsExperiment *self, DsConfigField *field, char **message);

/* ---- the run ("state", "snapshot-changed") -------------------------------------------- */
DsRunState ds_experiment_get_state (DsExperiment *self);
/* The latest snapshot (borrowed), or NULL before any run. */
KdSnapshot *ds_experiment_get_snapshot (DsExperiment *self);
/* Unique within the process for each new snapshot, for caching derived results. */
guint64 ds_experiment_get_snapshot_serial (DsExperiment *self);
const KdTrainConfig *ds_experiment_get_run_config (DsExperiment *self);
const char *ds_experiment_get_run_data_spec (DsExperiment *self);
/* The data the snapshot was trained on, or NULL (not loaded yet, or a session's data is
 * missing on this machine). "run-data" notifies. */
DsData *ds_experiment_get_run_data (DsExperiment *self);
gboolean ds_experiment_get_run_shape (DsExperiment *self, DsInputShape *shape);
/* TRUE when the edited experiment differs from the one the snapshot comes from. */
gboolean ds_experiment_get_run_outdated (DsExperiment *self);
/* A sentence for captions when the shown run's students learned from a transfer set smaller
 * than the teacher's training set; NULL when all three learned from the same samples. */
char *ds_experiment_describe_transfer_set (DsExperiment *self);
double ds_experiment_get_eta (DsExperiment *self);
/* A translated explanation after divergence or failure, else NULL. */
const char *ds_experiment_get_message (DsExperiment *self);

/* Starts a new run of the edited experiment, or resumes a paused one. */
gboolean ds_experiment_start (DsExperiment *self, GError **error);
void ds_experiment_pause (DsExperiment *self);
/* One mini-batch; starts a paused run first when none is active. */
gboolean ds_experiment_step (DsExperiment *self, GError **error);
void ds_experiment_stop (DsExperiment *self);
/* Stops the worker and waits for it (window closing). */
void ds_experiment_shutdown (DsExperiment *self);

/* ---- sessions ("file", "unsaved") ----------------------------------------------------- */
GFile *ds_experiment_get_file (DsExperiment *self);
gboolean ds_experiment_get_unsaved (DsExperiment *self);
gboolean ds_experiment_can_save (DsExperiment *self);
/* A session of the current snapshot, for saving. */
KdSession *ds_experiment_build_session (DsExperiment *self, GError **error);
/* The session was written to file. */
void ds_experiment_saved (DsExperiment *self, GFile *file);
/* Replaces everything with a loaded session (taken); stops a current run first. */
gboolean
ds_experiment_load_session (DsExperiment *self, KdSession *session, GFile *file, GError **error);

/* ---- for analysis pages ----------------------------------------------------------------- */
int ds_experiment_get_selected_sample (DsExperiment *self);
void ds_experiment_set_selected_sample (DsExperiment *self, int index);
/* A new network with the snapshot's weights of model id, for up to max_batch samples. */
KdNet *ds_experiment_build_net (DsExperiment *self, KdModelId id, int max_batch, GError **error);

G_END_DECLS
