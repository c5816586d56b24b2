/* ds-training-run.h — one training run on a worker thread.
 *
 * The worker owns the live KdTrainer. Every few steps it publishes an immutable KdSnapshot and
 * wakes the main loop with one coalesced idle callback; "updated" is emitted there, on the
 * thread that created the run. Pause, single steps, stop and disposing mid-run are safe at any
 * time: dispose stops the worker and joins it.
 */
#pragma once

#include <glib-object.h>

#include "ds-data.h"
#include "kd_train.h"

G_BEGIN_DECLS

typedef enum
{
  DS_RUN_STATE_EMPTY,    /* nothing trained yet */
  DS_RUN_STATE_RUNNING,  /* the worker is stepping */
  DS_RUN_STATE_PAUSED,   /* the worker waits; resume or step */
  DS_RUN_STATE_DIVERGED, /* paused after NaN/Inf; the last good weights were restored */
  DS_RUN_STATE_FINISHED, /* all epochs trained; results available */
  DS_RUN_STATE_STOPPED,  /* stopped by the user before the end */
  DS_RUN_STATE_FAILED,   /* the trainer could not be set up or ran out of memory */
} DsRunState;

GType ds_run_state_get_type (void) G_GNUC_CONST;
#define DS_TYPE_RUN_STATE (ds_run_state_get_type ())

/* TRUE while a worker thread exists (running, paused or diverged). */
static inline gboolean
ds_run_state_is_active (DsRunState state)
{
  return state == DS_RUN_STATE_RUNNING || state == DS_RUN_STATE_PAUSED
         || state == DS_RUN_STATE_DIVERGED;
}

#define DS_TYPE_TRAINING_RUN (ds_training_run_get_type ())

G_DECLARE_FINAL_TYPE (DsTrainingRun, ds_training_run, DS, TRAINING_RUN, GObject)

DsTrainingRun *ds_training_run_new (const KdTrainConfig *config, DsData *data);
/* Starts the worker; with paused it waits for ds_training_run_resume() or _step(). */
void ds_training_run_start (DsTrainingRun *self, gboolean paused);
void ds_training_run_resume (DsTrainingRun *self);
void ds_training_run_pause (DsTrainingRun *self);
/* One mini-batch, then paused. */
void ds_training_run_step (DsTrainingRun *self);
/* Ends the run after the current step; the state becomes STOPPED once the worker has quit. */
void ds_training_run_stop (DsTrainingRun *self);
/* Stops and joins the worker now (blocks for at most one step). */
void ds_training_run_shutdown (DsTrainingRun *self);

DsRunState ds_training_run_get_state (DsTrainingRun *self);
/* The latest snapshot delivered to this thread, or NULL; borrowed. */
KdSnapshot *ds_training_run_get_snapshot (DsTrainingRun *self);
/* Seconds left at the current pace (pauses excluded); < 0 while unknown. */
double ds_training_run_get_eta (DsTrainingRun *self);
/* After DIVERGED or FAILED: a translated explanation. */
const char *ds_training_run_get_message (DsTrainingRun *self);

G_END_DECLS
