/* ds-sweep-job.c — training sweeps off the main thread. */
#include "config.h"

#include <glib/gi18n.h>

#include "ds-net-source.h"
#include "ds-sweep-job.h"
#include "kd_train.h"

typedef struct
{
  KdSweepConfig cfg;
  DsData *data;
  KdSnapshot *snapshot;
  GWeakRef owner; /* weak: see ds_sweep_job_run_async() */
  DsSweepProgressFunc progress_func;
  GAsyncReadyCallback callback;
  gpointer user_data;
  GCancellable *cancellable;
  gulong cancel_handler;
  atomic_int cancel;

  GMutex lock; /* guards progress and idle_queued */
  KdSweepProgress progress;
  gboolean idle_queued;
} Job;

static void
job_free (Job *job)
{
  if (job->cancellable != NULL)
    g_cancellable_disconnect (job->cancellable, job->cancel_handler);
  g_clear_object (&job->cancellable);
  g_clear_pointer (&job->data, ds_data_unref);
  g_clear_pointer (&job->snapshot, kd_snapshot_unref);
  g_weak_ref_clear (&job->owner);
  g_mutex_clear (&job->lock);
}

static void
job_unref (gpointer job)
{
  g_atomic_rc_box_release_full (job, (GDestroyNotify)job_free);
}

static gboolean
progress_idle_cb (gpointer user_data)
{
  Job *job = user_data;
  KdSweepProgress progress;
  g_autoptr (GObject) owner = NULL;

  g_mutex_lock (&job->lock);
  progress = job->progress;
  job->idle_queued = FALSE;
  g_mutex_unlock (&job->lock);
  if (!atomic_load (&job->cancel) && (owner = g_weak_ref_get (&job->owner)) != NULL)
    job->progress_func (owner, &progress);
  return G_SOURCE_REMOVE;
}

/* A worker thread: keep it short, never block on the main loop. */
static void
progress_cb (const KdSweepProgress *progress, void *user_data)
{
  Job *job = user_data;
  gboolean queue;

  g_mutex_lock (&job->lock);
  job->progress = *progress;
  queue = !job->idle_queued;
  job->idle_queued = TRUE;
  g_mutex_unlock (&job->lock);
  if (queue)
    g_idle_add_full (G_PRIORITY_DEFAULT, progress_idle_cb, g_atomic_rc_box_acquire (job),
                     job_unref);
}

static void
cancelled_cb (GCancellable *cancellable, Job *job)
{
  atomic_store (&job->cancel, 1);
}

static void
sweep_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  Job *job = task_data;
  KdSweepResult *result = NULL;
  KdStatus status;

  status = kd_sweep_run (&job->cfg, job->data->train, job->data->test,
                         job->snapshot->params[KD_TEACHER], job->snapshot->n_params[KD_TEACHER],
                         job->progress_func ? progress_cb : NULL, job, &job->cancel, &result);
  if (result != NULL)
    g_task_return_pointer (task, result, (GDestroyNotify)kd_sweep_result_free);
  else
    {
      GError *error = NULL;

      ds_set_status_error (&error, _ ("Training sweep"), status);
      g_task_return_error (task, error);
    }
}

/* On the main thread, once the sweep has ended: the result goes to the owner if it is still
 * there; otherwise the task frees it. */
static void
done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GObject) owner = g_weak_ref_get (&job->owner);

  if (owner != NULL)
    job->callback (owner, result, job->user_data);
}

void
ds_sweep_job_run_async (GObject *owner,
                        const KdSweepConfig *cfg,
                        DsData *data,
                        KdSnapshot *snapshot,
                        DsSweepProgressFunc progress,
                        GCancellable *cancellable,
                        GAsyncReadyCallback callback,
                        gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  Job *job;

  g_return_if_fail (G_IS_OBJECT (owner));
  g_return_if_fail (cfg != NULL && data != NULL && snapshot != NULL);

  job = g_atomic_rc_box_new0 (Job);
  job->cfg = *cfg;
  job->data = ds_data_ref (data);
  job->snapshot = kd_snapshot_ref (snapshot);
  g_weak_ref_init (&job->owner, owner);
  job->progress_func = progress;
  job->callback = callback;
  job->user_data = user_data;
  g_mutex_init (&job->lock);
  if (cancellable != NULL)
    {
      job->cancellable = g_object_ref (cancellable);
      job->cancel_handler
          = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), job, NULL);
    }

  /* No source object: a task holds its source until it completes, and the owner (a page, which
   * holds the experiment) cancels the sweep only when it is disposed. */
  task = g_task_new (NULL, cancellable, done_cb, NULL);
  g_task_set_source_tag (task, ds_sweep_job_run_async);
  g_task_set_task_data (task, job, job_unref);
  /* A cancelled sweep still returns the runs it finished. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, sweep_thread);
}

KdSweepResult *
ds_sweep_job_run_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
