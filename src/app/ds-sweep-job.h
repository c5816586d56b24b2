/* ds-sweep-job.h — a training sweep (kd_sweep_run) in a GTask thread, cancellable, with its
 * progress marshalled to the main thread through one coalesced idle callback. */
#pragma once

#include <gio/gio.h>

#include "ds-data.h"
#include "kd_sweep.h"

G_BEGIN_DECLS

/* Called on the main thread with the newest progress; reports that arrive while one waits
 * for the main loop replace it, so a slow main loop gets one call, not a backlog. */
typedef void (*DsSweepProgressFunc) (GObject *owner, const KdSweepProgress *progress);

/* Trains the sweep cfg over data from the teacher in snapshot (both referenced until done).
 * owner is the progress callback's and callback's first argument. It is held weakly, so a
 * sweep never keeps it alive (an owner cancels its sweep when it goes); once it is finalized,
 * neither is called and the result is dropped. Cancelling stops the runs between steps;
 * finished runs are kept. */
void ds_sweep_job_run_async (GObject *owner,
                             const KdSweepConfig *cfg,
                             DsData *data,
                             KdSnapshot *snapshot,
                             DsSweepProgressFunc progress,
                             GCancellable *cancellable,
                             GAsyncReadyCallback callback,
                             gpointer user_data);
/* The result, also of a cancelled sweep (result->cancelled); NULL with an error when the sweep
 * could not run. Free with kd_sweep_result_free(). */
KdSweepResult *ds_sweep_job_run_finish (GAsyncResult *result, GError **error);

G_END_DECLS
