#include "kd_sweep.h"

#include <inttypes.h>
#include <locale.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kd_arch.h"
#include "kd_blas.h"
#include "kd_eval.h"

#define KD_SWEEP_MAX_WORKERS 256

/* ---- configuration ---------------------------------------------------------------------- */

void
kd_sweep_config_default (KdSweepConfig *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  kd_train_config_default (&cfg->train);
  cfg->n_temperatures = 5;
  for (int i = 0; i < cfg->n_temperatures; i++)
    cfg->temperatures[i] = (float)(1 << i);
  cfg->n_seeds = 3;
  for (int i = 0; i < cfg->n_seeds; i++)
    cfg->seeds[i] = (uint64_t)i + 1;
  cfg->workers = 2;
}

static KdStatus
check_fail (char *msg, size_t len, const char *text)
{
  if (msg && len)
    snprintf (msg, len, "%s", text);
  return KD_ERR_INVALID;
}

static bool
axis_fits (int n, int min)
{
  return n >= min && n <= KD_SWEEP_MAX_VALUES;
}

KdStatus
kd_sweep_config_check (const KdSweepConfig *cfg, char *msg, size_t len)
{
  if (!axis_fits (cfg->n_temperatures, 1) || !axis_fits (cfg->n_alphas, 0)
      || !axis_fits (cfg->n_seeds, 1))
    return check_fail (msg, len, "a sweep needs 1 to 64 temperatures and seeds, 0 to 64 alphas");
  for (int i = 0; i < cfg->n_temperatures; i++)
    if (!(cfg->temperatures[i] > 0.0f && isfinite (cfg->temperatures[i])))
      return check_fail (msg, len, "temperature must be a finite number greater than 0");
  for (int i = 0; i < cfg->n_alphas; i++)
    if (!(cfg->alphas[i] >= 0.0f && cfg->alphas[i] <= 1.0f))
      return check_fail (msg, len, "alpha must lie between 0 and 1");
  if (cfg->workers < 1 || cfg->workers > KD_SWEEP_MAX_WORKERS)
    return check_fail (msg, len, "workers must be between 1 and 256");
  /* The shared settings as one run sees them; the teacher is given, so its epochs do not
   * matter. */
  KdTrainConfig run = cfg->train;
  run.mode = KD_MODE_OFFLINE;
  run.teacher_epochs = 1;
  run.threads = 1;
  run.T0 = run.T1 = cfg->temperatures[0];
  if (cfg->n_alphas > 0)
    run.alpha = cfg->alphas[0];
  return kd_train_config_check (&run, msg, len);
}

const char *
kd_sweep_metric_name (KdSweepMetric metric)
{
  static const char *const names[] = { "accuracy", "agreement", "kl", "ece" };
  return metric >= 0 && metric < KD_SWEEP_N_METRICS ? names[metric] : "unknown";
}

const char *
kd_sweep_run_state_name (KdSweepRunState state)
{
  static const char *const names[] = { "pending", "done", "cancelled", "diverged" };
  return state >= 0 && state <= KD_SWEEP_RUN_DIVERGED ? names[state] : "unknown";
}

/* ---- metrics ---------------------------------------------------------------------------- */

/* Guo et al. (2017): confidences (the top softmax probability) fall into equal-width bins
 * (lo, hi]; ECE = sum over bins of |bin| / n * |accuracy(bin) - mean confidence(bin)|. */
static double
expected_calibration_error (const float *logits, const uint8_t *labels, int n, int K)
{
  double conf_sum[KD_SWEEP_ECE_BINS] = { 0 };
  long count[KD_SWEEP_ECE_BINS] = { 0 }, hits[KD_SWEEP_ECE_BINS] = { 0 };
  for (int i = 0; i < n; i++)
    {
      const float *z = logits + (size_t)i * K;
      int top = kd_argmax (z, K);
      /* The top probability is 1 / sum exp(z_k - z_top): no softmax buffer needed. */
      double denom = 0.0;
      for (int k = 0; k < K; k++)
        denom += exp ((double)z[k] - z[top]);
      double conf = 1.0 / denom;
      int b = (int)ceil (conf * KD_SWEEP_ECE_BINS) - 1;
      b = b < 0 ? 0 : b >= KD_SWEEP_ECE_BINS ? KD_SWEEP_ECE_BINS - 1 : b;
      conf_sum[b] += conf;
      hits[b] += top == labels[i];
      count[b]++;
    }
  double ece = 0.0;
  for (int b = 0; b < KD_SWEEP_ECE_BINS; b++)
    if (count[b] > 0)
      ece += fabs ((double)hits[b] - conf_sum[b]) / n;
  return ece;
}

/* metrics of one model's test logits (n, K) against the teacher's at temperature T. */
static void
measure (const KdDataset *test, const float *teacher, const float *logits, float T, double *m)
{
  int n = test->n, K = test->n_classes;
  m[KD_SWEEP_ACCURACY] = kd_accuracy (logits, test->labels, n, K);
  m[KD_SWEEP_AGREEMENT] = kd_agreement (teacher, logits, n, K);
  m[KD_SWEEP_KL] = kd_mean_kl (teacher, logits, n, K, T);
  m[KD_SWEEP_ECE] = expected_calibration_error (logits, test->labels, n, K);
}

static void
fill_nan (double *m, int n)
{
  for (int i = 0; i < n; i++)
    m[i] = NAN;
}

/* ---- the sweep -------------------------------------------------------------------------- */

typedef struct
{
  const KdSweepConfig *cfg; /* the normalised copy in res */
  const KdDataset *train, *test;
  const float *teacher_params;
  size_t n_teacher;
  float *teacher_train_logits; /* (train->n, K): the frozen teacher's outputs, shared by runs */
  float *teacher_logits;       /* (test->n, K), shared read-only by the workers */
  KdSweepResult *res;          /* each run's record is written only by the worker that took it */
  long run_steps;
  KdSweepProgressFunc progress;
  void *user_data;
  atomic_int *cancel;
  atomic_int next;  /* the next run to start */
  atomic_int error; /* the first fatal status of a worker; it stops the others */
  atomic_int runs_finished;
  atomic_long steps_done;
  pthread_mutex_t report_lock;
  double started;
} Sweep;

static double
now_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static bool
should_stop (Sweep *sw)
{
  return atomic_load (&sw->error) != KD_OK || (sw->cancel && atomic_load (sw->cancel));
}

/* Reads the counters under the lock, so successive reports never go backwards. A step report
 * gives way to one in progress; a run's final report waits for it. */
static void
report (Sweep *sw, int r, bool must)
{
  if (!sw->progress)
    return;
  if (must)
    pthread_mutex_lock (&sw->report_lock);
  else if (pthread_mutex_trylock (&sw->report_lock) != 0)
    return;
  KdSweepProgress p = {
    .runs_finished = atomic_load (&sw->runs_finished),
    .runs_total = sw->res->n_runs,
    .steps_done = atomic_load (&sw->steps_done),
    .steps_total = sw->run_steps * sw->res->n_runs,
    .run = r,
    .run_step = sw->res->runs[r].steps,
    .run_steps = sw->run_steps,
    .elapsed = now_seconds () - sw->started,
  };
  sw->progress (&p, sw->user_data);
  pthread_mutex_unlock (&sw->report_lock);
}

static KdStatus
train_run (Sweep *sw, int r, KdTrainer *tr)
{
  KdSweepRun *run = &sw->res->runs[r];
  while (!kd_trainer_done (tr))
    {
      if (should_stop (sw))
        return KD_ERR_CANCELLED;
      KdStatus st = kd_trainer_step (tr);
      if (st != KD_OK)
        return st;
      run->steps++;
      atomic_fetch_add (&sw->steps_done, 1);
      report (sw, r, false);
    }
  return KD_OK;
}

static KdStatus
measure_run (Sweep *sw, KdTrainer *tr, KdSweepRun *run)
{
  const KdDataset *test = sw->test;
  size_t rows = (size_t)test->n * test->n_classes;
  float *logits = malloc (2 * rows * sizeof (float));
  if (!logits)
    return KD_ERR_NOMEM;
  KdStatus st = kd_eval_logits (kd_trainer_get_net (tr, KD_STUDENT), test, logits);
  if (st == KD_OK)
    st = kd_eval_logits (kd_trainer_get_net (tr, KD_BASELINE), test, logits + rows);
  if (st == KD_OK)
    {
      measure (test, sw->teacher_logits, logits, run->temperature, run->student);
      measure (test, sw->teacher_logits, logits + rows, run->temperature, run->baseline);
    }
  free (logits);
  return st;
}

static void
finish_run (Sweep *sw, int r, KdStatus st)
{
  KdSweepRun *run = &sw->res->runs[r];
  if (st == KD_OK || st == KD_ERR_DIVERGED)
    {
      run->state = st == KD_OK ? KD_SWEEP_RUN_DONE : KD_SWEEP_RUN_DIVERGED;
      atomic_fetch_add (&sw->runs_finished, 1);
      report (sw, r, true);
      return;
    }
  run->state = KD_SWEEP_RUN_CANCELLED;
  if (st != KD_ERR_CANCELLED)
    {
      int expected = KD_OK;
      atomic_compare_exchange_strong (&sw->error, &expected, (int)st);
    }
}

/* One run on the calling thread. kd_trainer_new sets the BLAS budget to cfg.threads: always
 * the 1 the sweep already set, so concurrent trainers never change it. */
static void
run_one (Sweep *sw, int r)
{
  KdSweepRun *run = &sw->res->runs[r];
  double t0 = now_seconds ();
  KdTrainConfig tc = sw->cfg->train;
  tc.mode = KD_MODE_OFFLINE;
  tc.teacher_epochs = 1;
  tc.T0 = tc.T1 = run->temperature;
  tc.alpha = run->alpha;
  tc.seed = run->seed;
  tc.threads = 1;
  KdTrainer *tr = NULL;
  KdStatus st = kd_trainer_new (&tc, sw->train, sw->test, &tr, NULL);
  if (st == KD_OK)
    st = kd_trainer_set_teacher_outputs (tr, sw->teacher_params, sw->n_teacher,
                                         sw->teacher_train_logits);
  if (st == KD_OK)
    st = train_run (sw, r, tr);
  if (st == KD_OK)
    st = measure_run (sw, tr, run);
  kd_trainer_free (tr);
  run->seconds = now_seconds () - t0;
  finish_run (sw, r, st);
}

static void *
worker_main (void *data)
{
  Sweep *sw = data;
  while (!should_stop (sw))
    {
      int r = atomic_fetch_add (&sw->next, 1);
      if (r >= sw->res->n_runs)
        break;
      run_one (sw, r);
    }
  return NULL;
}

/* The calling thread is one of the workers; a helper that cannot be created only costs
 * time, since which thread trains a run does not change its result. */
static void
run_workers (Sweep *sw, int workers)
{
  pthread_t threads[KD_SWEEP_MAX_WORKERS];
  int started = 0;
  for (int i = 1; i < workers; i++)
    if (pthread_create (&threads[started], NULL, worker_main, sw) == 0)
      started++;
  worker_main (sw);
  for (int i = 0; i < started; i++)
    pthread_join (threads[i], NULL);
}

/* ---- setup ------------------------------------------------------------------------------ */

static KdStatus
build_net (const char *arch_text, const KdDataset *ds, int max_batch, KdNet **out)
{
  KdArch arch;
  KdStatus st = kd_arch_parse (arch_text, &arch, NULL);
  if (st == KD_OK)
    st = kd_arch_check_shape (&arch, ds->c, ds->h, ds->w, NULL);
  if (st == KD_OK)
    st = kd_net_new (&arch, ds->c, ds->h, ds->w, ds->n_classes, max_batch, out);
  return st;
}

/* The teacher's test logits, once for all runs, and its own metrics. Building the teacher
 * here also proves, before any worker starts, that the parameters fit its architecture. */
static KdStatus
teacher_setup (Sweep *sw)
{
  const KdTrainConfig *tc = &sw->cfg->train;
  const KdDataset *test = sw->test;
  KdNet *net = NULL;
  KdStatus st = build_net (tc->teacher_arch, sw->train, tc->batch, &net);
  if (st == KD_OK && net->n_params != sw->n_teacher)
    st = KD_ERR_INVALID;
  if (st == KD_OK)
    {
      sw->teacher_logits = malloc ((size_t)test->n * test->n_classes * sizeof (float));
      sw->teacher_train_logits
          = malloc ((size_t)sw->train->n * sw->train->n_classes * sizeof (float));
      st = sw->teacher_logits && sw->teacher_train_logits ? KD_OK : KD_ERR_NOMEM;
    }
  if (st == KD_OK)
    {
      /* Built with max_batch = the runs' batch, so these are bitwise the logits each run's
       * trainer would compute for itself. */
      memcpy (net->params, sw->teacher_params, sw->n_teacher * sizeof (float));
      st = kd_eval_logits (net, test, sw->teacher_logits);
      if (st == KD_OK)
        st = kd_eval_logits (net, sw->train, sw->teacher_train_logits);
    }
  kd_net_free (net);
  if (st == KD_OK)
    measure (test, sw->teacher_logits, sw->teacher_logits, 1.0f, sw->res->teacher);
  return st;
}

/* Fails early, on the calling thread, for what every run would fail on. */
static KdStatus
student_check (const KdSweepConfig *cfg, const KdDataset *train)
{
  KdArch arch;
  KdStatus st = kd_arch_parse (cfg->train.student_arch, &arch, NULL);
  if (st == KD_OK)
    st = kd_arch_check_shape (&arch, train->c, train->h, train->w, NULL);
  return st;
}

static bool
datasets_fit (const KdDataset *train, const KdDataset *test)
{
  return train->n >= 1 && test->n >= 1 && train->n_classes == test->n_classes
         && kd_dataset_dim (train) == kd_dataset_dim (test);
}

static void
init_runs (KdSweepResult *res)
{
  const KdSweepConfig *c = &res->config;
  for (int p = 0; p < res->n_points; p++)
    {
      res->points[p].alpha = c->alphas[p / c->n_temperatures];
      res->points[p].temperature = c->temperatures[p % c->n_temperatures];
      for (int s = 0; s < c->n_seeds; s++)
        {
          KdSweepRun *run = &res->runs[p * c->n_seeds + s];
          run->point = p;
          run->seed_index = s;
          run->temperature = res->points[p].temperature;
          run->alpha = res->points[p].alpha;
          run->seed = c->seeds[s];
          run->state = KD_SWEEP_RUN_PENDING;
          fill_nan (run->student, KD_SWEEP_N_METRICS);
          fill_nan (run->baseline, KD_SWEEP_N_METRICS);
        }
    }
}

static KdSweepResult *
result_new (const KdSweepConfig *cfg)
{
  KdSweepResult *res = calloc (1, sizeof *res);
  if (!res)
    return NULL;
  res->config = *cfg;
  if (res->config.n_alphas == 0)
    {
      res->config.n_alphas = 1;
      res->config.alphas[0] = cfg->train.alpha;
    }
  res->n_points = res->config.n_alphas * res->config.n_temperatures;
  res->n_runs = res->n_points * res->config.n_seeds;
  res->points = calloc ((size_t)res->n_points, sizeof *res->points);
  res->runs = calloc ((size_t)res->n_runs, sizeof *res->runs);
  res->baselines = calloc ((size_t)res->config.n_seeds, sizeof *res->baselines);
  if (!res->points || !res->runs || !res->baselines)
    {
      kd_sweep_result_free (res);
      return NULL;
    }
  init_runs (res);
  fill_nan (res->teacher, KD_SWEEP_N_METRICS);
  return res;
}

void
kd_sweep_result_free (KdSweepResult *res)
{
  if (!res)
    return;
  free (res->points);
  free (res->runs);
  free (res->baselines);
  free (res);
}

/* ---- aggregates ------------------------------------------------------------------------- */

static void
stat_of (const double *x, int n, KdSweepStat *s)
{
  if (n == 0)
    {
      s->mean = s->std = s->min = s->max = NAN;
      return;
    }
  double sum = 0.0, lo = x[0], hi = x[0];
  for (int i = 0; i < n; i++)
    {
      sum += x[i];
      lo = x[i] < lo ? x[i] : lo;
      hi = x[i] > hi ? x[i] : hi;
    }
  double mean = sum / n, ss = 0.0;
  for (int i = 0; i < n; i++)
    ss += (x[i] - mean) * (x[i] - mean);
  s->mean = mean;
  s->std = n > 1 ? sqrt (ss / (n - 1)) : 0.0;
  s->min = lo;
  s->max = hi;
}

static void
summarise_point (KdSweepResult *res, int p)
{
  int S = res->config.n_seeds;
  const KdSweepRun *runs = res->runs + (size_t)p * S;
  KdSweepPoint *pt = &res->points[p];
  double st[KD_SWEEP_N_METRICS][KD_SWEEP_MAX_VALUES], bl[KD_SWEEP_N_METRICS][KD_SWEEP_MAX_VALUES];
  double gain[KD_SWEEP_MAX_VALUES];
  int n = 0;
  for (int s = 0; s < S; s++)
    {
      if (runs[s].state != KD_SWEEP_RUN_DONE)
        continue;
      for (int m = 0; m < KD_SWEEP_N_METRICS; m++)
        {
          st[m][n] = runs[s].student[m];
          bl[m][n] = runs[s].baseline[m];
        }
      gain[n++] = runs[s].student[KD_SWEEP_ACCURACY] - runs[s].baseline[KD_SWEEP_ACCURACY];
    }
  pt->n = n;
  for (int m = 0; m < KD_SWEEP_N_METRICS; m++)
    {
      stat_of (st[m], n, &pt->student[m]);
      stat_of (bl[m], n, &pt->baseline[m]);
    }
  stat_of (gain, n, &pt->gain);
}

/* Every run of a seed trains the same baseline; the first finished one speaks for it. */
static void
summarise_baselines (KdSweepResult *res)
{
  int S = res->config.n_seeds;
  for (int s = 0; s < S; s++)
    {
      KdSweepBaseline *b = &res->baselines[s];
      b->seed = res->config.seeds[s];
      b->run = -1;
      fill_nan (b->metrics, KD_SWEEP_N_METRICS);
      for (int r = s; r < res->n_runs && b->run < 0; r += S)
        if (res->runs[r].state == KD_SWEEP_RUN_DONE)
          {
            b->run = r;
            memcpy (b->metrics, res->runs[r].baseline, sizeof b->metrics);
            b->metrics[KD_SWEEP_KL] = NAN;
          }
    }
}

static void
summarise (KdSweepResult *res)
{
  res->n_done = 0;
  res->cancelled = false;
  for (int r = 0; r < res->n_runs; r++)
    {
      KdSweepRunState state = res->runs[r].state;
      res->n_done += state == KD_SWEEP_RUN_DONE;
      res->cancelled |= state == KD_SWEEP_RUN_PENDING || state == KD_SWEEP_RUN_CANCELLED;
    }
  for (int p = 0; p < res->n_points; p++)
    summarise_point (res, p);
  summarise_baselines (res);
}

/* ---- entry point ------------------------------------------------------------------------ */

static KdStatus
sweep_execute (Sweep *sw)
{
  KdStatus st = student_check (sw->cfg, sw->train);
  if (st == KD_OK)
    st = teacher_setup (sw);
  if (st != KD_OK)
    return st;
  int workers = sw->cfg->workers < sw->res->n_runs ? sw->cfg->workers : sw->res->n_runs;
  run_workers (sw, workers);
  return (KdStatus)atomic_load (&sw->error);
}

KdStatus
kd_sweep_run (const KdSweepConfig *cfg,
              const KdDataset *train,
              const KdDataset *test,
              const float *teacher_params,
              size_t n_teacher,
              KdSweepProgressFunc progress,
              void *user_data,
              atomic_int *cancel,
              KdSweepResult **out)
{
  if (!out)
    return KD_ERR_INVALID;
  *out = NULL;
  if (!cfg || !train || !test || !teacher_params || kd_sweep_config_check (cfg, NULL, 0) != KD_OK
      || !datasets_fit (train, test))
    return KD_ERR_INVALID;
  KdSweepResult *res = result_new (cfg);
  if (!res)
    return KD_ERR_NOMEM;
  Sweep sw = { .cfg = &res->config,
               .train = train,
               .test = test,
               .teacher_params = teacher_params,
               .n_teacher = n_teacher,
               .res = res,
               .progress = progress,
               .user_data = user_data,
               .cancel = cancel,
               .started = now_seconds () };
  sw.run_steps = (long)cfg->train.epochs * ((train->n + cfg->train.batch - 1) / cfg->train.batch);
  atomic_init (&sw.next, 0);
  atomic_init (&sw.error, KD_OK);
  atomic_init (&sw.runs_finished, 0);
  atomic_init (&sw.steps_done, 0);
  pthread_mutex_init (&sw.report_lock, NULL);
  /* Set once, before any worker exists: the teacher's logits and every run are computed on
   * one BLAS thread, whatever the number of workers. */
  int old_threads = kd_blas_get_threads ();
  kd_blas_set_threads (1);
  KdStatus st = sweep_execute (&sw);
  kd_blas_set_threads (old_threads);
  pthread_mutex_destroy (&sw.report_lock);
  free (sw.teacher_logits);
  free (sw.teacher_train_logits);
  if (st != KD_OK)
    {
      kd_sweep_result_free (res);
      return st;
    }
  summarise (res);
  res->seconds = now_seconds () - sw.started;
  *out = res;
  return res->cancelled ? KD_ERR_CANCELLED : KD_OK;
}

/* ---- CSV -------------------------------------------------------------------------------- */

static void
put_number (FILE *fp, double v)
{
  if (isfinite (v))
    fprintf (fp, ",%.9g", v);
  else
    fputc (',', fp);
}

static void
write_runs (const KdSweepResult *res, FILE *fp)
{
  fputs ("run,point,temperature,alpha,seed,state,steps", fp);
  for (int model = 0; model < 2; model++)
    for (int m = 0; m < KD_SWEEP_N_METRICS; m++)
      fprintf (fp, ",%s_%s", model == 0 ? "student" : "baseline", kd_sweep_metric_name (m));
  fputc ('\n', fp);
  for (int r = 0; r < res->n_runs; r++)
    {
      const KdSweepRun *run = &res->runs[r];
      fprintf (fp, "%d,%d,%.7g,%.7g,%" PRIu64 ",%s,%ld", r, run->point, run->temperature,
               run->alpha, run->seed, kd_sweep_run_state_name (run->state), run->steps);
      for (int m = 0; m < KD_SWEEP_N_METRICS; m++)
        put_number (fp, run->student[m]);
      for (int m = 0; m < KD_SWEEP_N_METRICS; m++)
        put_number (fp, run->baseline[m]);
      fputc ('\n', fp);
    }
}

static void
put_stat_header (FILE *fp, const char *stem)
{
  fprintf (fp, ",%s_mean,%s_std,%s_min,%s_max", stem, stem, stem, stem);
}

static void
put_stat (FILE *fp, const KdSweepStat *s)
{
  put_number (fp, s->mean);
  put_number (fp, s->std);
  put_number (fp, s->min);
  put_number (fp, s->max);
}

static void
write_points (const KdSweepResult *res, FILE *fp)
{
  char stem[64];
  fputs ("temperature,alpha,n", fp);
  for (int model = 0; model < 2; model++)
    for (int m = 0; m < KD_SWEEP_N_METRICS; m++)
      {
        snprintf (stem, sizeof stem, "%s_%s", model == 0 ? "student" : "baseline",
                  kd_sweep_metric_name (m));
        put_stat_header (fp, stem);
      }
  put_stat_header (fp, "gain");
  fputc ('\n', fp);
  for (int p = 0; p < res->n_points; p++)
    {
      const KdSweepPoint *pt = &res->points[p];
      fprintf (fp, "%.7g,%.7g,%d", pt->temperature, pt->alpha, pt->n);
      for (int m = 0; m < KD_SWEEP_N_METRICS; m++)
        put_stat (fp, &pt->student[m]);
      for (int m = 0; m < KD_SWEEP_N_METRICS; m++)
        put_stat (fp, &pt->baseline[m]);
      put_stat (fp, &pt->gain);
      fputc ('\n', fp);
    }
}

bool
kd_sweep_write_csv (const KdSweepResult *res, KdSweepTable table, FILE *fp)
{
  if (!res || !fp)
    return false;
  /* A GUI runs under the user's locale, where printf may write 0,93: switch this thread
   * alone to C number formatting while writing. */
  locale_t c_numeric = newlocale (LC_NUMERIC_MASK, "C", (locale_t)0);
  if (c_numeric == (locale_t)0)
    return false;
  locale_t old = uselocale (c_numeric);
  if (table == KD_SWEEP_TABLE_RUNS)
    write_runs (res, fp);
  else
    write_points (res, fp);
  uselocale (old);
  freelocale (c_numeric);
  return fflush (fp) == 0 && !ferror (fp);
}

KdStatus
kd_sweep_format_csv (
    const KdSweepResult *res, KdSweepTable table, char *buf, size_t size, size_t *length)
{
  if (!res || (size > 0 && !buf))
    return KD_ERR_INVALID;
  char *text = NULL;
  size_t len = 0;
  FILE *fp = open_memstream (&text, &len);
  if (!fp)
    return KD_ERR_NOMEM;
  bool ok = kd_sweep_write_csv (res, table, fp);
  ok &= fclose (fp) == 0;
  if (!ok)
    {
      free (text);
      return KD_ERR_NOMEM;
    }
  if (size > 0)
    {
      size_t n = len < size - 1 ? len : size - 1;
      memcpy (buf, text, n);
      buf[n] = '\0';
    }
  if (length)
    *length = len;
  free (text);
  return KD_OK;
}
