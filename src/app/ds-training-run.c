/* ds-training-run.c — the worker thread and its bridge to the main loop.
 *
 * Shared state lives under one mutex: the command the UI gives (run, pause with n single steps
 * pending, stop), the snapshot the worker published last, and how the worker ended. The
 * worker never touches GObject state or emits signals; it only swaps the pending snapshot and
 * adds an idle callback when none is pending, so a fast run wakes the UI at most once per
 * main-loop iteration whatever its step rate.
 *
 * The worker posts its end (and a divergence) together with the snapshot that goes with it,
 * and the main thread announces them only once deliver() has taken that snapshot: a run is
 * never FINISHED, STOPPED, FAILED or DIVERGED on the main thread while its final weights and
 * results are still on their way (Save would be off, the results missing, for a moment).
 */
#include "config.h"

#include <glib/gi18n.h>

#include "ds-training-run.h"

/* Snapshots copy every weight, so the worker publishes after `history_every` steps and never
 * more often than this (15 per second): toy sets take thousands of steps a second. */
#define MIN_PUBLISH_INTERVAL_US (G_USEC_PER_SEC / 15)

G_DEFINE_ENUM_TYPE (DsRunState,
                    ds_run_state,
                    G_DEFINE_ENUM_VALUE (DS_RUN_STATE_EMPTY, "empty"),
                    G_DEFINE_ENUM_VALUE (DS_RUN_STATE_RUNNING, "running"),
                    G_DEFINE_ENUM_VALUE (DS_RUN_STATE_PAUSED, "paused"),
                    G_DEFINE_ENUM_VALUE (DS_RUN_STATE_DIVERGED, "diverged"),
                    G_DEFINE_ENUM_VALUE (DS_RUN_STATE_FINISHED, "finished"),
                    G_DEFINE_ENUM_VALUE (DS_RUN_STATE_STOPPED, "stopped"),
                    G_DEFINE_ENUM_VALUE (DS_RUN_STATE_FAILED, "failed"))

typedef enum
{
  CMD_RUN,
  CMD_PAUSE, /* with steps_requested single steps still to take */
  CMD_STOP,
} Command;

typedef enum
{
  END_NONE, /* the worker is alive */
  END_FINISHED,
  END_STOPPED,
  END_FAILED,
} WorkerEnd;

struct _DsTrainingRun
{
  GObject parent_instance;

  /* Set before the worker starts, then read-only. */
  KdTrainConfig config;
  DsData *data;
  GThread *thread;

  /* Shared with the worker, under lock. */
  GMutex lock;
  GCond cond;
  Command command;
  int steps_requested;
  KdSnapshot *pending;
  WorkerEnd end;
  gboolean diverged;
  KdModelId diverged_model;
  long diverged_step;
  KdStatus failure;
  char arch_message[sizeof ((KdArchError *)0)->message];
  double active_seconds; /* time spent inside kd_trainer_step */
  guint idle_id;

  /* Main thread only. */
  KdSnapshot *snapshot;
  WorkerEnd delivered_end;     /* self->end, as of the last deliver() */
  gboolean delivered_diverged; /* self->diverged, as of the last deliver() */
  DsRunState state;
  double eta;
  char *message;
};

G_DEFINE_FINAL_TYPE (DsTrainingRun, ds_training_run, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STATE,
  N_PROPS
};

enum
{
  UPDATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean deliver_cb (gpointer user_data);

/* ---- worker side --------------------------------------------------------------------- */

/* Hands a snapshot (may be NULL) to the main loop. Called with lock held. */
static KdSnapshot *
post_locked (DsTrainingRun *self, KdSnapshot *snap, double active)
{
  KdSnapshot *old = NULL;

  if (snap != NULL)
    {
      old = self->pending;
      self->pending = snap;
    }
  self->active_seconds = active;
  if (self->idle_id == 0)
    self->idle_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, deliver_cb, self, NULL);
  return old;
}

static void
publish (DsTrainingRun *self, KdTrainer *tr, double active)
{
  KdSnapshot *snap = kd_trainer_snapshot (tr);
  KdSnapshot *old;

  g_mutex_lock (&self->lock);
  old = post_locked (self, snap, active);
  g_mutex_unlock (&self->lock);
  g_clear_pointer (&old, kd_snapshot_unref);
}

static void
worker_end (DsTrainingRun *self, KdTrainer *tr, WorkerEnd end, KdStatus failure, double active)
{
  KdSnapshot *snap = tr != NULL ? kd_trainer_snapshot (tr) : NULL;
  KdSnapshot *old;

  g_mutex_lock (&self->lock);
  self->end = end;
  self->failure = failure;
  old = post_locked (self, snap, active);
  g_mutex_unlock (&self->lock);
  g_clear_pointer (&old, kd_snapshot_unref);
}

/* Pauses after NaN/Inf, publishing the restored weights with the flag so that the main thread
 * gets both in one delivery. */
static void
mark_diverged (DsTrainingRun *self, KdTrainer *tr, double active)
{
  KdSnapshot *snap = kd_trainer_snapshot (tr);
  KdSnapshot *old;

  g_mutex_lock (&self->lock);
  self->diverged = TRUE;
  kd_trainer_divergence (tr, &self->diverged_model, &self->diverged_step);
  if (self->command == CMD_RUN)
    self->command = CMD_PAUSE;
  self->steps_requested = 0;
  old = post_locked (self, snap, active);
  g_mutex_unlock (&self->lock);
  g_clear_pointer (&old, kd_snapshot_unref);
}

/* Blocks while paused, after publishing the paused state when steps were taken since the last
 * snapshot. Returns FALSE when the run is to stop. */
static gboolean
worker_wait (DsTrainingRun *self, KdTrainer *tr, long *since, double active)
{
  g_mutex_lock (&self->lock);
  if (self->command == CMD_PAUSE && self->steps_requested == 0 && *since > 0)
    {
      /* Show exactly where the run stands before sleeping. */
      g_mutex_unlock (&self->lock);
      publish (self, tr, active);
      *since = 0;
      g_mutex_lock (&self->lock);
    }
  while (self->command == CMD_PAUSE && self->steps_requested == 0)
    g_cond_wait (&self->cond, &self->lock);
  if (self->command == CMD_PAUSE)
    self->steps_requested--;
  gboolean go_on = self->command != CMD_STOP;
  g_mutex_unlock (&self->lock);
  return go_on;
}

static gpointer
worker_main (gpointer user_data)
{
  DsTrainingRun *self = user_data;
  KdTrainer *tr = NULL;
  KdArchError arch_err = { 0 };
  const long every = MAX (self->config.history_every, 1);
  gint64 last_publish = g_get_monotonic_time ();
  double active = 0.0;
  long since = 0;
  WorkerEnd end = END_STOPPED;
  KdStatus st;

  /* kd_trainer_new sets the process's BLAS thread budget from the configuration. */
  st = kd_trainer_new (&self->config, self->data->train, self->data->test, &tr, &arch_err);
  if (st != KD_OK)
    {
      g_mutex_lock (&self->lock);
      g_strlcpy (self->arch_message, arch_err.message, sizeof self->arch_message);
      g_mutex_unlock (&self->lock);
      worker_end (self, NULL, END_FAILED, st, 0.0);
      return NULL;
    }
  publish (self, tr, 0.0);

  while (worker_wait (self, tr, &since, active))
    {
      gint64 t0 = g_get_monotonic_time ();
      st = kd_trainer_step (tr);
      gint64 t1 = g_get_monotonic_time ();
      active += (t1 - t0) / (double)G_USEC_PER_SEC;
      since++;

      if (st == KD_ERR_DIVERGED)
        {
          mark_diverged (self, tr, active);
          since = 0;
          continue;
        }
      if (st != KD_OK)
        {
          end = END_FAILED;
          break;
        }
      if (kd_trainer_done (tr))
        {
          end = END_FINISHED;
          break;
        }
      if (since >= every && t1 - last_publish >= MIN_PUBLISH_INTERVAL_US)
        {
          publish (self, tr, active);
          since = 0;
          last_publish = t1;
        }
    }

  worker_end (self, tr, end, end == END_FAILED ? st : KD_OK, active);
  kd_trainer_free (tr);
  return NULL;
}

/* ---- main-thread side ---------------------------------------------------------------- */

static const char *
model_display_name (KdModelId id)
{
  switch (id)
    {
      case KD_TEACHER:
        return _ ("teacher");
      case KD_STUDENT:
        return _ ("distilled student");
      case KD_BASELINE:
      case KD_N_MODELS:
      default:
        return _ ("baseline student");
    }
}

static char *
failure_message (KdStatus status, const char *arch_message)
{
  switch (status)
    {
      case KD_ERR_NOMEM:
        return g_strdup (_ ("Not enough memory to train this experiment. Try smaller architectures "
                            "or a smaller batch."));
      case KD_ERR_ARCH:
      case KD_ERR_SHAPE:
        return g_strdup_printf (_ ("The architecture does not fit the data: %s"), arch_message);
      case KD_OK:
      case KD_ERR_INVALID:
      case KD_ERR_DIVERGED:
      case KD_ERR_CANCELLED:
      default:
        return g_strdup_printf (_ ("Training failed: %s"), kd_status_to_string (status));
    }
}

/* Called with lock held. The end and the divergence are those delivered, not the worker's
 * latest: see the top of this file. */
static DsRunState
compute_state_locked (DsTrainingRun *self)
{
  switch (self->delivered_end)
    {
      case END_FINISHED:
        return DS_RUN_STATE_FINISHED;
      case END_STOPPED:
        return DS_RUN_STATE_STOPPED;
      case END_FAILED:
        return DS_RUN_STATE_FAILED;
      case END_NONE:
      default:
        break;
    }
  if (self->thread == NULL)
    return DS_RUN_STATE_EMPTY;
  if (self->delivered_diverged)
    return DS_RUN_STATE_DIVERGED;
  return self->command == CMD_RUN ? DS_RUN_STATE_RUNNING : DS_RUN_STATE_PAUSED;
}

static void
update_message_locked (DsTrainingRun *self, DsRunState state)
{
  g_clear_pointer (&self->message, g_free);
  if (state == DS_RUN_STATE_DIVERGED)
    self->message = g_strdup_printf (
        _ ("The %s’s loss became NaN or infinite at step %'ld. Training is paused and the last "
           "good weights are restored. Try a lower learning rate or a lower temperature."),
        model_display_name (self->diverged_model), self->diverged_step + 1);
  else if (state == DS_RUN_STATE_FAILED)
    self->message = failure_message (self->failure, self->arch_message);
}

static void
update_state (DsTrainingRun *self)
{
  DsRunState state;

  g_mutex_lock (&self->lock);
  state = compute_state_locked (self);
  update_message_locked (self, state);
  g_mutex_unlock (&self->lock);

  if (state != self->state)
    {
      self->state = state;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
}

static void
update_eta (DsTrainingRun *self, double active)
{
  const KdProgress *p;

  self->eta = -1.0;
  if (self->snapshot == NULL)
    return;
  p = &self->snapshot->progress;
  if (p->phase == KD_PHASE_DONE)
    self->eta = 0.0;
  else if (p->step > 0 && active > 0.0)
    self->eta = active / p->step * (double)(p->total_steps - p->step);
}

/* Takes what the worker published; joins it once it has ended. */
static void
deliver (DsTrainingRun *self, gboolean emit)
{
  KdSnapshot *snap;
  WorkerEnd end;
  double active;

  g_mutex_lock (&self->lock);
  snap = g_steal_pointer (&self->pending);
  end = self->delivered_end = self->end;
  self->delivered_diverged = self->diverged;
  active = self->active_seconds;
  if (self->idle_id != 0)
    {
      g_source_remove (self->idle_id);
      self->idle_id = 0;
    }
  g_mutex_unlock (&self->lock);

  if (snap != NULL)
    {
      g_clear_pointer (&self->snapshot, kd_snapshot_unref);
      self->snapshot = snap;
    }
  if (end != END_NONE && self->thread != NULL)
    g_clear_pointer (&self->thread, g_thread_join);
  update_eta (self, active);
  if (!emit)
    return;
  /* The snapshot first: whoever hears of the new state finds the weights that go with it. */
  g_signal_emit (self, signals[UPDATED], 0);
  update_state (self);
}

static gboolean
deliver_cb (gpointer user_data)
{
  DsTrainingRun *self = user_data;

  /* deliver() would remove the source we are running from. */
  g_mutex_lock (&self->lock);
  self->idle_id = 0;
  g_mutex_unlock (&self->lock);
  deliver (self, TRUE);
  return G_SOURCE_REMOVE;
}

static void
send_command (DsTrainingRun *self, Command command, int steps)
{
  g_mutex_lock (&self->lock);
  if (self->command != CMD_STOP)
    {
      self->command = command;
      self->steps_requested += steps;
      if (command == CMD_RUN || steps > 0)
        self->diverged = self->delivered_diverged = FALSE;
      if (command == CMD_PAUSE && steps == 0)
        self->steps_requested = 0;
      g_cond_broadcast (&self->cond);
    }
  g_mutex_unlock (&self->lock);
  update_state (self);
}

void
ds_training_run_start (DsTrainingRun *self, gboolean paused)
{
  g_return_if_fail (DS_IS_TRAINING_RUN (self));
  g_return_if_fail (self->thread == NULL && self->end == END_NONE);

  self->command = paused ? CMD_PAUSE : CMD_RUN;
  self->thread = g_thread_new ("ds-training", worker_main, self);
  update_state (self);
}

void
ds_training_run_resume (DsTrainingRun *self)
{
  g_return_if_fail (DS_IS_TRAINING_RUN (self));

  send_command (self, CMD_RUN, 0);
}

void
ds_training_run_pause (DsTrainingRun *self)
{
  g_return_if_fail (DS_IS_TRAINING_RUN (self));

  send_command (self, CMD_PAUSE, 0);
}

void
ds_training_run_step (DsTrainingRun *self)
{
  g_return_if_fail (DS_IS_TRAINING_RUN (self));

  send_command (self, CMD_PAUSE, 1);
}

void
ds_training_run_stop (DsTrainingRun *self)
{
  g_return_if_fail (DS_IS_TRAINING_RUN (self));

  g_mutex_lock (&self->lock);
  self->command = CMD_STOP;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
}

void
ds_training_run_shutdown (DsTrainingRun *self)
{
  g_return_if_fail (DS_IS_TRAINING_RUN (self));

  if (self->thread == NULL)
    return;
  ds_training_run_stop (self);
  g_clear_pointer (&self->thread, g_thread_join);
  deliver (self, TRUE);
}

DsRunState
ds_training_run_get_state (DsTrainingRun *self)
{
  g_return_val_if_fail (DS_IS_TRAINING_RUN (self), DS_RUN_STATE_EMPTY);

  return self->state;
}

KdSnapshot *
ds_training_run_get_snapshot (DsTrainingRun *self)
{
  g_return_val_if_fail (DS_IS_TRAINING_RUN (self), NULL);

  return self->snapshot;
}

double
ds_training_run_get_eta (DsTrainingRun *self)
{
  g_return_val_if_fail (DS_IS_TRAINING_RUN (self), -1.0);

  return self->eta;
}

const char *
ds_training_run_get_message (DsTrainingRun *self)
{
  g_return_val_if_fail (DS_IS_TRAINING_RUN (self), NULL);

  return self->message;
}

DsTrainingRun *
ds_training_run_new (const KdTrainConfig *config, DsData *data)
{
  DsTrainingRun *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (data != NULL, NULL);

  self = g_object_new (DS_TYPE_TRAINING_RUN, NULL);
  self->config = *config;
  self->data = ds_data_ref (data);
  return self;
}

static void
ds_training_run_dispose (GObject *object)
{
  DsTrainingRun *self = (DsTrainingRun *)object;

  if (self->thread != NULL)
    {
      ds_training_run_stop (self);
      g_clear_pointer (&self->thread, g_thread_join);
    }
  deliver (self, FALSE);
  g_clear_pointer (&self->snapshot, kd_snapshot_unref);
  g_clear_pointer (&self->data, ds_data_unref);

  G_OBJECT_CLASS (ds_training_run_parent_class)->dispose (object);
}

static void
ds_training_run_finalize (GObject *object)
{
  DsTrainingRun *self = (DsTrainingRun *)object;

  g_clear_pointer (&self->message, g_free);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (ds_training_run_parent_class)->finalize (object);
}

static void
ds_training_run_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DsTrainingRun *self = DS_TRAINING_RUN (object);

  switch (prop_id)
    {
      case PROP_STATE:
        g_value_set_enum (value, self->state);
        break;

      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_training_run_class_init (DsTrainingRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ds_training_run_dispose;
  object_class->finalize = ds_training_run_finalize;
  object_class->get_property = ds_training_run_get_property;

  properties[PROP_STATE]
      = g_param_spec_enum ("state", NULL, NULL, DS_TYPE_RUN_STATE, DS_RUN_STATE_EMPTY,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A new snapshot (or state) arrived from the worker. */
  signals[UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
}

static void
ds_training_run_init (DsTrainingRun *self)
{
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  self->eta = -1.0;
}
