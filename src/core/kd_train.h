/* kd_train.h — the distillation experiment: teacher, distilled student, baseline student.
 *
 * The baseline has the student's architecture, starts from the same weights, sees the same
 * batches in the same order and the same dropout masks, and learns from hard labels only; so
 * the only difference between the two students is the teacher's soft targets.
 *
 * The trainer is a state machine advanced one mini-batch at a time (kd_trainer_step), so that
 * a GUI worker can pause, single-step and stop between steps; kd_trainer_run loops with
 * callbacks and a cancellation flag for the CLI.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "kd_dataset.h"
#include "kd_net.h"
#include "kd_optim.h"

typedef enum
{
  KD_TEACHER = 0,
  KD_STUDENT = 1,  /* distilled */
  KD_BASELINE = 2, /* hard labels only */
  KD_N_MODELS = 3,
} KdModelId;

typedef enum
{
  KD_MODE_OFFLINE, /* teacher trained first, then frozen */
  KD_MODE_ONLINE,  /* all three in one loop, distilling from the current teacher */
} KdMode;

typedef struct
{
  char teacher_arch[256];
  char student_arch[256];
  int teacher_epochs; /* offline only; online trains the teacher for `epochs` */
  int epochs;         /* student epochs */
  /* Offline only: the students learn from just the first N training samples (the transfer
   * set) while the teacher learns from all of them; 0 means the whole training set. */
  int transfer_limit;
  float T0;    /* temperature at the first student step */
  float T1;    /* at the last; equal to T0 for a constant temperature */
  float alpha; /* weight of the soft (KL) term */
  KdMode mode;
  KdOptimConfig optim;
  int batch;
  uint64_t seed;
  int threads;
  int eval_every_epochs; /* test-set evaluation period (1 = every epoch) */
  int history_every;     /* steps averaged into one loss-history point */
} KdTrainConfig;

void kd_train_config_default (KdTrainConfig *cfg);
/* Range-checks every field; on failure names the field in msg. */
KdStatus kd_train_config_check (const KdTrainConfig *cfg, char *msg, size_t len);
const char *kd_model_name (KdModelId id);

typedef enum
{
  KD_PHASE_TEACHER,  /* offline: teacher alone */
  KD_PHASE_STUDENTS, /* offline: both students against the frozen teacher */
  KD_PHASE_JOINT,    /* online: all three */
  KD_PHASE_DONE,
} KdPhase;

/* One point of the loss/accuracy history; NaN where a model was not trained or evaluated. */
typedef struct
{
  long step;   /* global step after which the point was taken */
  float epoch; /* fractional epoch of its phase */
  KdPhase phase;
  float loss[KD_N_MODELS];      /* mean training loss since the previous point */
  float train_acc[KD_N_MODELS]; /* running accuracy on the training batches */
  float test_acc[KD_N_MODELS];  /* test accuracy, only at evaluation points */
  float temperature;
} KdHistoryPoint;

typedef struct
{
  int n, cap;
  KdHistoryPoint *points;
} KdHistory;

typedef struct
{
  double accuracy[KD_N_MODELS];
  double agreement[KD_N_MODELS]; /* top-1 agreement with the teacher (1 for the teacher) */
  double kl[KD_N_MODELS];        /* mean KL(teacher_T || model_T) at the final temperature */
  float temperature;             /* the T used for kl */
} KdResults;

typedef struct
{
  KdPhase phase;
  long step, total_steps;  /* over the whole run */
  int epoch, n_epochs;     /* within the phase, epoch is 0-based */
  int batch, n_batches;    /* within the epoch */
  float loss[KD_N_MODELS]; /* last step's loss, NaN if not trained */
  float temperature;
  double elapsed; /* seconds since start */
  double eta;     /* seconds left, estimated; < 0 while unknown */
} KdProgress;

/* An immutable copy of the trainer's state: weights, history, progress. Reference-counted and
 * safe to read from any thread. */
typedef struct
{
  atomic_int ref;
  uint64_t version;
  KdProgress progress;
  size_t n_params[KD_N_MODELS];
  float *params[KD_N_MODELS];
  KdHistory history;
  bool have_results;
  KdResults results;
} KdSnapshot;

KdSnapshot *kd_snapshot_ref (KdSnapshot *snap);
void kd_snapshot_unref (KdSnapshot *snap);

typedef struct KdTrainer KdTrainer;

/* train and test are borrowed and must outlive the trainer. */
KdStatus kd_trainer_new (const KdTrainConfig *cfg,
                         const KdDataset *train,
                         const KdDataset *test,
                         KdTrainer **out,
                         KdArchError *arch_err);
void kd_trainer_free (KdTrainer *tr);

/* One mini-batch of the current phase (plus evaluation at epoch ends). Returns KD_OK,
 * KD_ERR_DIVERGED (the last good weights are restored first; see kd_trainer_divergence) or an
 * allocation error. Does nothing once the phase is KD_PHASE_DONE. */
KdStatus kd_trainer_step (KdTrainer *tr);
bool kd_trainer_done (const KdTrainer *tr);

typedef void (*KdProgressFunc) (const KdProgress *progress, void *user_data);

/* Steps until done, divergence or *cancel becomes non-zero (KD_ERR_CANCELLED). progress is
 * called after every step when not NULL. */
KdStatus
kd_trainer_run (KdTrainer *tr, atomic_int *cancel, KdProgressFunc progress, void *user_data);

void kd_trainer_get_progress (const KdTrainer *tr, KdProgress *progress);
const KdHistory *kd_trainer_get_history (const KdTrainer *tr);
/* Final metrics on the test set; computed when the run finishes (or on demand). */
KdStatus kd_trainer_get_results (KdTrainer *tr, KdResults *results);
KdNet *kd_trainer_get_net (KdTrainer *tr, KdModelId id);
const KdTrainConfig *kd_trainer_get_config (const KdTrainer *tr);
/* Which model diverged and at which step, after KD_ERR_DIVERGED. */
void kd_trainer_divergence (const KdTrainer *tr, KdModelId *model, long *step);
/* Offline mode, before the first step: uses `params` (n values, the teacher architecture's
 * size) as an already trained teacher and starts with the students, so sweeps and reloaded
 * sessions reuse one teacher. KD_ERR_INVALID when the size does not match or steps were
 * taken. */
KdStatus kd_trainer_set_teacher (KdTrainer *tr, const float *params, size_t n);
/* The same, with the frozen teacher's logits on the training set (train->n, K) already
 * computed (kd_eval_logits with a max_batch of cfg.batch gives the very values the trainer
 * would compute), so that many runs from one teacher pay for them once. */
KdStatus kd_trainer_set_teacher_outputs (KdTrainer *tr,
                                         const float *params,
                                         size_t n,
                                         const float *train_logits);

/* A new snapshot (reference 1) of the current state. */
KdSnapshot *kd_trainer_snapshot (KdTrainer *tr);
