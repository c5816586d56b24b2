/* kd_sweep.h — training sweeps: students distilled at a grid of temperatures (and alphas),
 * over several seeds, all from one already trained teacher.
 *
 * Every run is one offline KdTrainer that starts from the given teacher
 * (kd_trainer_set_teacher) and trains the distilled student at a constant T and the baseline
 * student beside it. Runs are independent, so they spread over the thread budget one run per
 * thread, each trainer single-threaded: small students scale far better that way than with
 * threads inside one GEMM. Every run is seeded and single-threaded, so the results are
 * bitwise identical whatever the number of workers.
 *
 * The baseline does not depend on T or alpha: every run of a seed trains the same baseline
 * (same initial weights, batch order and dropout masks) and reports the same numbers for it,
 * except its KL to the teacher, which is taken at the run's T.
 *
 * Indexing: the grid is alpha-major, point = a * n_temperatures + t, and runs are
 * point-major, run = point * n_seeds + s.
 */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "kd_dataset.h"
#include "kd_status.h"
#include "kd_train.h"

/* Most values on one axis (temperatures, alphas or seeds). */
#define KD_SWEEP_MAX_VALUES 64
/* Equal-width confidence bins of the expected calibration error. */
#define KD_SWEEP_ECE_BINS 15

typedef struct
{
  /* Architectures, epochs, batch and optimiser shared by every run. The sweep overrides
   * mode (offline), T0 = T1, alpha, seed and threads (1) per run; teacher_epochs is unused. */
  KdTrainConfig train;
  int n_temperatures;
  float temperatures[KD_SWEEP_MAX_VALUES];
  int n_alphas; /* 0: train.alpha alone */
  float alphas[KD_SWEEP_MAX_VALUES];
  int n_seeds;
  uint64_t seeds[KD_SWEEP_MAX_VALUES];
  int workers; /* runs trained at once; the process's thread budget */
} KdSweepConfig;

/* Temperatures 1, 2, 4, 8, 16 at train.alpha (0.9), seeds 1-3, two workers. */
void kd_sweep_config_default (KdSweepConfig *cfg);
/* Range-checks the grid and the shared training settings; on failure names the problem in
 * msg. Architecture strings are checked against the data by kd_sweep_run. */
KdStatus kd_sweep_config_check (const KdSweepConfig *cfg, char *msg, size_t len);

typedef enum
{
  KD_SWEEP_ACCURACY,  /* test accuracy */
  KD_SWEEP_AGREEMENT, /* top-1 agreement with the teacher on the test set */
  KD_SWEEP_KL,        /* mean KL(softmax(t/T) || softmax(s/T)) on the test set, run's T */
  KD_SWEEP_ECE,       /* expected calibration error of softmax(s), KD_SWEEP_ECE_BINS bins */
  KD_SWEEP_N_METRICS,
} KdSweepMetric;

/* "accuracy", "agreement", "kl", "ece" (the CSV column stems). */
const char *kd_sweep_metric_name (KdSweepMetric metric);

typedef enum
{
  KD_SWEEP_RUN_PENDING,   /* never started: the sweep was cancelled first */
  KD_SWEEP_RUN_DONE,      /* trained to the end; metrics valid */
  KD_SWEEP_RUN_CANCELLED, /* stopped part-way; no metrics */
  KD_SWEEP_RUN_DIVERGED,  /* NaN/Inf during training; no metrics */
} KdSweepRunState;

/* "pending", "done", "cancelled", "diverged". */
const char *kd_sweep_run_state_name (KdSweepRunState state);

typedef struct
{
  int point;      /* index into KdSweepResult.points */
  int seed_index; /* index into the seed list */
  float temperature, alpha;
  uint64_t seed;
  KdSweepRunState state;
  long steps;     /* student steps taken */
  double seconds; /* wall time of the run */
  /* NaN unless state is KD_SWEEP_RUN_DONE. */
  double student[KD_SWEEP_N_METRICS];  /* the distilled student */
  double baseline[KD_SWEEP_N_METRICS]; /* the hard-label student of the same run */
} KdSweepRun;

/* Spread of one metric over the finished runs of a grid point. std is the sample standard
 * deviation (n - 1 in the denominator; 0 for one run); all NaN when no run finished. */
typedef struct
{
  double mean, std, min, max;
} KdSweepStat;

typedef struct
{
  float temperature, alpha;
  int n; /* finished runs aggregated, at most n_seeds */
  KdSweepStat student[KD_SWEEP_N_METRICS];
  KdSweepStat baseline[KD_SWEEP_N_METRICS];
  KdSweepStat gain; /* student minus baseline accuracy, paired by seed */
} KdSweepPoint;

typedef struct
{
  uint64_t seed;
  int run; /* the first finished run of this seed the numbers come from, -1 if none */
  /* Baseline metrics of that run; kl is NaN here because it depends on T (each run has it). */
  double metrics[KD_SWEEP_N_METRICS];
} KdSweepBaseline;

typedef struct
{
  KdSweepConfig config; /* as run: n_alphas >= 1 */
  int n_points;
  KdSweepPoint *points; /* (n_points) */
  int n_runs;
  KdSweepRun *runs;           /* (n_runs) */
  KdSweepBaseline *baselines; /* (config.n_seeds) */
  /* The teacher on the test set: accuracy and ECE (agreement 1, kl 0). */
  double teacher[KD_SWEEP_N_METRICS];
  int n_done;     /* runs in state KD_SWEEP_RUN_DONE */
  bool cancelled; /* some runs are pending or cancelled */
  double seconds; /* wall time of the sweep */
} KdSweepResult;

void kd_sweep_result_free (KdSweepResult *res);

typedef struct
{
  int runs_finished, runs_total; /* finished: done or diverged */
  long steps_done, steps_total;  /* student steps over the whole sweep */
  int run;                       /* the run this report is about */
  long run_step, run_steps;      /* its progress */
  double elapsed;                /* seconds since the sweep started */
} KdSweepProgress;

/* Called from the worker threads (the calling thread included) but never concurrently: a
 * mutex serialises the calls, and the numbers never go backwards from one call to the next.
 * A step report is dropped when another report is in progress, so a slow callback never
 * stalls training; the report of each finished run is always delivered, and after the last
 * one runs_finished == runs_total (unless cancelled). Keep it short and do not call back into
 * the sweep; a GUI copies the numbers and coalesces them into one idle callback. */
typedef void (*KdSweepProgressFunc) (const KdSweepProgress *progress, void *user_data);

/* Runs the sweep over train/test (borrowed, read-only, shared by the workers) from the
 * teacher parameters teacher_params (n_teacher values of cfg->train.teacher_arch for this
 * data).
 *
 * Takes over the process's BLAS thread budget while it runs: sets kd_blas_set_threads (1)
 * before any worker starts and restores the previous value before returning, so nothing else
 * may train or change the budget meanwhile. progress and cancel may be NULL. cancel is read
 * between steps; a run stopped part-way is marked cancelled and finished runs are kept.
 *
 * Returns KD_OK (every run finished; some may have diverged) or KD_ERR_CANCELLED with the
 * result in *out, or KD_ERR_INVALID (bad config, data or teacher size), KD_ERR_ARCH,
 * KD_ERR_SHAPE or KD_ERR_NOMEM with *out NULL. */
KdStatus kd_sweep_run (const KdSweepConfig *cfg,
                       const KdDataset *train,
                       const KdDataset *test,
                       const float *teacher_params,
                       size_t n_teacher,
                       KdSweepProgressFunc progress,
                       void *user_data,
                       atomic_int *cancel,
                       KdSweepResult **out);

typedef enum
{
  KD_SWEEP_TABLE_RUNS,   /* one row per run */
  KD_SWEEP_TABLE_POINTS, /* one row per grid point: mean, std, min, max of every metric */
} KdSweepTable;

/* Writes a table as CSV (header row first; numbers with '.' whatever the locale; an empty
 * field for a missing value). No timings, so equal sweeps give byte-equal files. false when
 * writing failed (see errno). */
bool kd_sweep_write_csv (const KdSweepResult *res, KdSweepTable table, FILE *fp);

/* The same CSV into buf, snprintf-like: at most size - 1 characters and a NUL (nothing when
 * size is 0, buf may then be NULL); *length receives the full length without the NUL, so a
 * first call with size 0 tells how much to allocate. */
KdStatus kd_sweep_format_csv (
    const KdSweepResult *res, KdSweepTable table, char *buf, size_t size, size_t *length);
