/* Training sweeps: completeness, worker-count independence, aggregates, cancellation,
 * progress, CSV and config checks. */
#include <glib.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kd-test-blas.h"
#include "kd_blas.h"
#include "kd_eval.h"
#include "kd_loss.h"
#include "kd_sweep.h"
#include "kd_train.h"

/* Four Gaussian blobs in 8 dimensions, as in test-core-train: learnable in a few epochs. */
static KdDataset *
make_blobs (int n, guint64 seed)
{
  KdDataset *ds = kd_dataset_new (n, 1, 1, 8, 4, 0);
  KdRng rng;
  kd_rng_seed (&rng, seed);
  for (int i = 0; i < n; i++)
    {
      int k = i % 4;
      ds->labels[i] = (uint8_t)k;
      for (int j = 0; j < 8; j++)
        ds->features[i * 8 + j] = (j % 4 == k ? 1.5f : 0.0f) + 0.7f * kd_rng_normal (&rng);
    }
  return ds;
}

/* One teacher for every test, trained by the trainer itself. */
static struct
{
  KdDataset *train, *test;
  float *teacher;
  size_t n_teacher;
} data;

static void
base_train_config (KdTrainConfig *tc)
{
  kd_train_config_default (tc);
  g_strlcpy (tc->teacher_arch, "fc64-fc64", sizeof tc->teacher_arch);
  g_strlcpy (tc->student_arch, "fc8-drop0.2", sizeof tc->student_arch);
  tc->teacher_epochs = 2;
  tc->epochs = 2;
  tc->batch = 32;
  tc->threads = 1;
  tc->optim.lr = 0.01f;
}

static void
train_teacher (void)
{
  data.train = make_blobs (512, 1);
  data.test = make_blobs (256, 2);
  KdTrainConfig tc;
  base_train_config (&tc);
  tc.seed = 7;
  KdTrainer *tr = NULL;
  g_assert_cmpint (kd_trainer_new (&tc, data.train, data.test, &tr, NULL), ==, KD_OK);
  g_assert_cmpint (kd_trainer_run (tr, NULL, NULL, NULL), ==, KD_OK);
  KdNet *t = kd_trainer_get_net (tr, KD_TEACHER);
  data.n_teacher = t->n_params;
  data.teacher = g_memdup2 (t->params, t->n_params * sizeof (float));
  kd_trainer_free (tr);
}

/* 3 temperatures x 2 seeds at one alpha. */
static void
grid_config (KdSweepConfig *cfg, int workers)
{
  kd_sweep_config_default (cfg);
  base_train_config (&cfg->train);
  const float temps[] = { 1.0f, 4.0f, 10.0f };
  cfg->n_temperatures = 3;
  memcpy (cfg->temperatures, temps, sizeof temps);
  cfg->n_alphas = 0;
  cfg->train.alpha = 0.9f;
  cfg->n_seeds = 2;
  cfg->seeds[0] = 11;
  cfg->seeds[1] = 12;
  cfg->workers = workers;
}

static KdSweepResult *
run_sweep (const KdSweepConfig *cfg,
           KdSweepProgressFunc progress,
           void *user,
           atomic_int *cancel,
           KdStatus expect)
{
  KdSweepResult *res = NULL;
  KdStatus st = kd_sweep_run (cfg, data.train, data.test, data.teacher, data.n_teacher, progress,
                              user, cancel, &res);
  g_assert_cmpint (st, ==, expect);
  g_assert_nonnull (res);
  return res;
}

static long
run_steps (const KdSweepConfig *cfg)
{
  return (long)cfg->train.epochs * ((data.train->n + cfg->train.batch - 1) / cfg->train.batch);
}

/* ---- runs -------------------------------------------------------------------------------- */

static void
assert_metrics_sane (const double *m)
{
  g_assert_cmpfloat (m[KD_SWEEP_ACCURACY], >, 0.5);
  g_assert_cmpfloat (m[KD_SWEEP_ACCURACY], <=, 1.0);
  g_assert_cmpfloat (m[KD_SWEEP_AGREEMENT], >, 0.5);
  g_assert_cmpfloat (m[KD_SWEEP_AGREEMENT], <=, 1.0);
  g_assert_cmpfloat (m[KD_SWEEP_KL], >, 0.0);
  g_assert_cmpfloat (m[KD_SWEEP_ECE], >=, 0.0);
  g_assert_cmpfloat (m[KD_SWEEP_ECE], <=, 1.0);
}

static void
test_runs_complete (void)
{
  KdSweepConfig cfg;
  grid_config (&cfg, 1);
  kd_blas_set_threads (2);
  KdSweepResult *res = run_sweep (&cfg, NULL, NULL, NULL, KD_OK);
  /* The sweep gives the BLAS budget back. */
  g_assert_cmpint (kd_blas_get_threads (), ==, 2);
  kd_blas_set_threads (1);
  g_assert_cmpint (res->n_points, ==, 3);
  g_assert_cmpint (res->n_runs, ==, 6);
  g_assert_cmpint (res->n_done, ==, 6);
  g_assert_false (res->cancelled);
  g_assert_cmpint (res->config.n_alphas, ==, 1);
  g_assert_cmpfloat (res->teacher[KD_SWEEP_AGREEMENT], ==, 1.0);
  g_assert_cmpfloat (res->teacher[KD_SWEEP_KL], ==, 0.0);
  g_assert_cmpfloat (res->teacher[KD_SWEEP_ACCURACY], >, 0.85);
  for (int r = 0; r < res->n_runs; r++)
    {
      const KdSweepRun *run = &res->runs[r];
      g_assert_cmpint (run->state, ==, KD_SWEEP_RUN_DONE);
      g_assert_cmpint (run->point, ==, r / 2);
      g_assert_cmpint (run->seed_index, ==, r % 2);
      g_assert_cmpuint (run->seed, ==, cfg.seeds[r % 2]);
      g_assert_cmpfloat (run->temperature, ==, cfg.temperatures[r / 2]);
      g_assert_cmpfloat (run->alpha, ==, 0.9f);
      g_assert_cmpint (run->steps, ==, run_steps (&cfg));
      assert_metrics_sane (run->student);
      assert_metrics_sane (run->baseline);
      /* The baseline ignores T and alpha: every run of a seed trains the same one. */
      const KdSweepRun *first = &res->runs[r % 2];
      g_assert_cmpmem (run->baseline, sizeof (double) * 2, first->baseline, sizeof (double) * 2);
      g_assert_cmpfloat (run->baseline[KD_SWEEP_ECE], ==, first->baseline[KD_SWEEP_ECE]);
    }
  /* The KL is taken at each run's T, so it falls as T rises for the same baseline. */
  g_assert_cmpfloat (res->runs[4].baseline[KD_SWEEP_KL], <, res->runs[0].baseline[KD_SWEEP_KL]);
  for (int s = 0; s < 2; s++)
    {
      g_assert_cmpint (res->baselines[s].run, ==, s);
      g_assert_cmpuint (res->baselines[s].seed, ==, cfg.seeds[s]);
      g_assert_cmpfloat (res->baselines[s].metrics[KD_SWEEP_ACCURACY], ==,
                         res->runs[s].baseline[KD_SWEEP_ACCURACY]);
      g_assert_true (isnan (res->baselines[s].metrics[KD_SWEEP_KL]));
    }
  kd_sweep_result_free (res);
}

/* A run equals the same experiment on a trainer of its own, bitwise. */
static void
test_matches_trainer (void)
{
  KdSweepConfig cfg;
  grid_config (&cfg, 2);
  KdSweepResult *res = run_sweep (&cfg, NULL, NULL, NULL, KD_OK);
  const KdSweepRun *run = &res->runs[3]; /* T = 4, second seed */
  KdTrainConfig tc = cfg.train;
  tc.T0 = tc.T1 = run->temperature;
  tc.alpha = run->alpha;
  tc.seed = run->seed;
  KdTrainer *tr = NULL;
  g_assert_cmpint (kd_trainer_new (&tc, data.train, data.test, &tr, NULL), ==, KD_OK);
  g_assert_cmpint (kd_trainer_set_teacher (tr, data.teacher, data.n_teacher), ==, KD_OK);
  g_assert_cmpint (kd_trainer_run (tr, NULL, NULL, NULL), ==, KD_OK);
  KdResults r;
  g_assert_cmpint (kd_trainer_get_results (tr, &r), ==, KD_OK);
  g_assert_cmpfloat (run->student[KD_SWEEP_ACCURACY], ==, r.accuracy[KD_STUDENT]);
  g_assert_cmpfloat (run->student[KD_SWEEP_AGREEMENT], ==, r.agreement[KD_STUDENT]);
  g_assert_cmpfloat (run->student[KD_SWEEP_KL], ==, r.kl[KD_STUDENT]);
  g_assert_cmpfloat (run->baseline[KD_SWEEP_ACCURACY], ==, r.accuracy[KD_BASELINE]);
  g_assert_cmpfloat (run->baseline[KD_SWEEP_KL], ==, r.kl[KD_BASELINE]);
  g_assert_cmpfloat (res->teacher[KD_SWEEP_ACCURACY], ==, r.accuracy[KD_TEACHER]);
  kd_trainer_free (tr);
  kd_sweep_result_free (res);
}

/* Reference ECE written differently from the library's: explicit softmax, bins by bounds. */
static double
reference_ece (const float *logits, const uint8_t *labels, int n, int K)
{
  double err = 0.0;
  float p[KD_MAX_CLASSES];
  for (int b = 0; b < KD_SWEEP_ECE_BINS; b++)
    {
      double lo = (double)b / KD_SWEEP_ECE_BINS, hi = (double)(b + 1) / KD_SWEEP_ECE_BINS;
      double conf = 0.0, acc = 0.0;
      int count = 0;
      for (int i = 0; i < n; i++)
        {
          kd_softmax (p, logits + (size_t)i * K, K, 1.0f);
          int top = kd_argmax (p, K);
          if (p[top] > lo && p[top] <= hi)
            {
              conf += p[top];
              acc += top == labels[i];
              count++;
            }
        }
      if (count)
        err += (double)count / n * fabs (acc / count - conf / count);
    }
  return err;
}

static void
test_ece (void)
{
  KdSweepConfig cfg;
  grid_config (&cfg, 1);
  cfg.n_temperatures = 1;
  cfg.n_seeds = 1;
  KdSweepResult *res = run_sweep (&cfg, NULL, NULL, NULL, KD_OK);
  KdArch arch;
  KdNet *net = NULL;
  g_assert_cmpint (kd_arch_parse (cfg.train.teacher_arch, &arch, NULL), ==, KD_OK);
  g_assert_cmpint (kd_net_new (&arch, 1, 1, 8, 4, 64, &net), ==, KD_OK);
  memcpy (net->params, data.teacher, data.n_teacher * sizeof (float));
  float *logits = g_new (float, (gsize)data.test->n * 4);
  g_assert_cmpint (kd_eval_logits (net, data.test, logits), ==, KD_OK);
  double ref = reference_ece (logits, data.test->labels, data.test->n, 4);
  g_assert_cmpfloat_with_epsilon (res->teacher[KD_SWEEP_ECE], ref, 1e-6);
  g_assert_cmpfloat (res->teacher[KD_SWEEP_ECE], >, 0.0);
  g_free (logits);
  kd_net_free (net);
  kd_sweep_result_free (res);
}

/* ---- worker-count independence and alphas ---------------------------------------------- */

static void
assert_same_runs (const KdSweepResult *a, const KdSweepResult *b)
{
  g_assert_cmpint (a->n_runs, ==, b->n_runs);
  for (int r = 0; r < a->n_runs; r++)
    {
      g_assert_cmpint (a->runs[r].state, ==, b->runs[r].state);
      g_assert_cmpint (a->runs[r].steps, ==, b->runs[r].steps);
      g_assert_cmpmem (a->runs[r].student, sizeof a->runs[r].student, b->runs[r].student,
                       sizeof b->runs[r].student);
      g_assert_cmpmem (a->runs[r].baseline, sizeof a->runs[r].baseline, b->runs[r].baseline,
                       sizeof b->runs[r].baseline);
    }
  g_assert_cmpmem (a->points, a->n_points * sizeof *a->points, b->points,
                   b->n_points * sizeof *b->points);
  g_assert_cmpmem (a->teacher, sizeof a->teacher, b->teacher, sizeof b->teacher);
}

static char *
csv_of (const KdSweepResult *res, KdSweepTable table)
{
  size_t len = 0;
  g_assert_cmpint (kd_sweep_format_csv (res, table, NULL, 0, &len), ==, KD_OK);
  char *buf = g_malloc (len + 1);
  g_assert_cmpint (kd_sweep_format_csv (res, table, buf, len + 1, NULL), ==, KD_OK);
  g_assert_cmpuint (strlen (buf), ==, len);
  return buf;
}

static void
test_workers_identical (void)
{
  KdSweepConfig cfg;
  grid_config (&cfg, 1);
  KdSweepResult *one = run_sweep (&cfg, NULL, NULL, NULL, KD_OK);
  cfg.workers = 2;
  KdSweepResult *two = run_sweep (&cfg, NULL, NULL, NULL, KD_OK);
  /* More workers than runs is allowed and clamps. */
  cfg.workers = 9;
  KdSweepResult *many = run_sweep (&cfg, NULL, NULL, NULL, KD_OK);
  assert_same_runs (one, two);
  assert_same_runs (one, many);
  g_test_message ("3 T x 2 seeds: %.3f s on 1 worker, %.3f s on 2, %.3f s on 9", one->seconds,
                  two->seconds, many->seconds);
  for (int t = 0; t < 2; t++)
    {
      g_autofree char *a = csv_of (one, t), *b = csv_of (two, t);
      g_assert_cmpstr (a, ==, b);
    }
  kd_sweep_result_free (one);
  kd_sweep_result_free (two);
  kd_sweep_result_free (many);
}

static void
test_alpha_grid (void)
{
  KdSweepConfig cfg;
  grid_config (&cfg, 2);
  cfg.n_temperatures = 2;
  cfg.n_seeds = 1;
  cfg.n_alphas = 2;
  cfg.alphas[0] = 0.0f;
  cfg.alphas[1] = 0.9f;
  KdSweepResult *res = run_sweep (&cfg, NULL, NULL, NULL, KD_OK);
  g_assert_cmpint (res->n_points, ==, 4);
  for (int p = 0; p < 4; p++)
    {
      g_assert_cmpfloat (res->points[p].alpha, ==, cfg.alphas[p / 2]);
      g_assert_cmpfloat (res->points[p].temperature, ==, cfg.temperatures[p % 2]);
    }
  /* alpha = 0 is the baseline's own loss: the two students end identical... */
  for (int r = 0; r < 2; r++)
    g_assert_cmpmem (res->runs[r].student, sizeof res->runs[r].student, res->runs[r].baseline,
                     sizeof res->runs[r].baseline);
  g_assert_cmpfloat (res->points[0].gain.mean, ==, 0.0);
  /* ...and the soft targets change the student at alpha = 0.9. */
  g_assert_cmpfloat (res->runs[2].student[KD_SWEEP_KL], !=, res->runs[2].baseline[KD_SWEEP_KL]);
  kd_sweep_result_free (res);
}

/* ---- aggregates --------------------------------------------------------------------------- */

static void
assert_stat (const KdSweepStat *s, const double *x, int n)
{
  double mean = 0.0, lo = INFINITY, hi = -INFINITY;
  for (int i = 0; i < n; i++)
    {
      mean += x[i] / n;
      lo = fmin (lo, x[i]);
      hi = fmax (hi, x[i]);
    }
  double var = 0.0;
  for (int i = 0; i < n; i++)
    var += (x[i] - mean) * (x[i] - mean) / (n - 1);
  g_assert_cmpfloat_with_epsilon (s->mean, mean, 1e-12);
  g_assert_cmpfloat_with_epsilon (s->std, sqrt (var), 1e-12);
  g_assert_cmpfloat (s->min, ==, lo);
  g_assert_cmpfloat (s->max, ==, hi);
}

static void
test_aggregates (void)
{
  KdSweepConfig cfg;
  grid_config (&cfg, 2);
  cfg.n_seeds = 3;
  cfg.seeds[2] = 13;
  KdSweepResult *res = run_sweep (&cfg, NULL, NULL, NULL, KD_OK);
  for (int p = 0; p < res->n_points; p++)
    {
      const KdSweepPoint *pt = &res->points[p];
      const KdSweepRun *runs = &res->runs[p * 3];
      g_assert_cmpint (pt->n, ==, 3);
      for (int m = 0; m < KD_SWEEP_N_METRICS; m++)
        {
          double s[3], b[3];
          for (int i = 0; i < 3; i++)
            {
              s[i] = runs[i].student[m];
              b[i] = runs[i].baseline[m];
            }
          assert_stat (&pt->student[m], s, 3);
          assert_stat (&pt->baseline[m], b, 3);
        }
      double gain[3];
      for (int i = 0; i < 3; i++)
        gain[i] = runs[i].student[KD_SWEEP_ACCURACY] - runs[i].baseline[KD_SWEEP_ACCURACY];
      assert_stat (&pt->gain, gain, 3);
    }
  kd_sweep_result_free (res);
  /* One seed: no spread, not NaN. */
  grid_config (&cfg, 1);
  cfg.n_seeds = 1;
  res = run_sweep (&cfg, NULL, NULL, NULL, KD_OK);
  g_assert_cmpfloat (res->points[0].student[KD_SWEEP_ACCURACY].std, ==, 0.0);
  g_assert_cmpfloat (res->points[0].student[KD_SWEEP_ACCURACY].mean, ==,
                     res->runs[0].student[KD_SWEEP_ACCURACY]);
  kd_sweep_result_free (res);
}

/* ---- cancellation and progress ---------------------------------------------------------- */

typedef struct
{
  atomic_int *cancel;
  long cancel_at;   /* steps_done at which to cancel, or 0 */
  long cancel_seen; /* steps_done when it did */
  atomic_int busy;  /* detects overlapping calls */
  int calls;
  KdSweepProgress last;
  gboolean backwards, overlapped;
} Watch;

static void
watch_progress (const KdSweepProgress *p, void *user)
{
  Watch *w = user;
  if (atomic_fetch_add (&w->busy, 1) != 0)
    w->overlapped = TRUE;
  if (w->calls > 0
      && (p->steps_done < w->last.steps_done || p->runs_finished < w->last.runs_finished))
    w->backwards = TRUE;
  w->calls++;
  w->last = *p;
  if (w->cancel && w->cancel_at > 0 && p->steps_done >= w->cancel_at && !atomic_load (w->cancel))
    {
      w->cancel_seen = p->steps_done;
      atomic_store (w->cancel, 1);
    }
  g_usleep (20); /* widen the window in which another worker could overlap */
  atomic_fetch_sub (&w->busy, 1);
}

static void
test_progress (void)
{
  for (int workers = 1; workers <= 2; workers++)
    {
      KdSweepConfig cfg;
      grid_config (&cfg, workers);
      Watch w = { 0 };
      KdSweepResult *res = run_sweep (&cfg, watch_progress, &w, NULL, KD_OK);
      g_assert_false (w.overlapped);
      g_assert_false (w.backwards);
      g_assert_cmpint (w.calls, >=, res->n_runs);
      g_assert_cmpint (w.last.runs_total, ==, 6);
      g_assert_cmpint (w.last.runs_finished, ==, 6);
      g_assert_cmpint (w.last.steps_total, ==, 6 * run_steps (&cfg));
      g_assert_cmpint (w.last.steps_done, ==, w.last.steps_total);
      g_assert_cmpint (w.last.run_step, ==, w.last.run_steps);
      kd_sweep_result_free (res);
    }
}

static void
assert_partial (const KdSweepResult *res)
{
  int done = 0;
  g_assert_true (res->cancelled);
  for (int r = 0; r < res->n_runs; r++)
    {
      const KdSweepRun *run = &res->runs[r];
      if (run->state == KD_SWEEP_RUN_DONE)
        {
          done++;
          assert_metrics_sane (run->student);
          continue;
        }
      g_assert_true (run->state == KD_SWEEP_RUN_CANCELLED || run->state == KD_SWEEP_RUN_PENDING);
      g_assert_true (isnan (run->student[KD_SWEEP_ACCURACY]));
      g_assert_true (isnan (run->baseline[KD_SWEEP_ECE]));
      if (run->state == KD_SWEEP_RUN_PENDING)
        g_assert_cmpint (run->steps, ==, 0);
    }
  g_assert_cmpint (done, ==, res->n_done);
  g_assert_cmpint (done, <, res->n_runs);
  for (int p = 0; p < res->n_points; p++)
    {
      int n = 0;
      for (int s = 0; s < res->config.n_seeds; s++)
        n += res->runs[p * res->config.n_seeds + s].state == KD_SWEEP_RUN_DONE;
      g_assert_cmpint (res->points[p].n, ==, n);
      if (n == 0)
        g_assert_true (isnan (res->points[p].student[KD_SWEEP_ACCURACY].mean));
    }
}

static void
test_cancel (void)
{
  for (int workers = 1; workers <= 2; workers++)
    {
      KdSweepConfig cfg;
      grid_config (&cfg, workers);
      atomic_int cancel = 0;
      /* Part-way through the second run of the first worker. */
      Watch w = { .cancel = &cancel, .cancel_at = run_steps (&cfg) + 5 };
      KdSweepResult *res = run_sweep (&cfg, watch_progress, &w, &cancel, KD_ERR_CANCELLED);
      assert_partial (res);
      int cancelled = 0, pending = 0;
      for (int r = 0; r < res->n_runs; r++)
        {
          cancelled += res->runs[r].state == KD_SWEEP_RUN_CANCELLED;
          pending += res->runs[r].state == KD_SWEEP_RUN_PENDING;
        }
      if (workers == 1)
        {
          /* One worker is deterministic: run 0 done, run 1 stopped at its 5th step. */
          g_assert_cmpint (res->n_done, ==, 1);
          g_assert_cmpint (cancelled, ==, 1);
          g_assert_cmpint (res->runs[1].steps, ==, 5);
        }
      else
        {
          /* Two: how far the other worker got before the flag was seen depends on timing
           * (reports it makes while a report is in progress are dropped), but the sweep
           * stops early and never before the flag. */
          long total = 0;
          for (int r = 0; r < res->n_runs; r++)
            total += res->runs[r].steps;
          g_assert_cmpint (total, >=, w.cancel_seen);
          g_assert_cmpint (total, <, 6 * run_steps (&cfg));
          g_assert_cmpint (pending, >=, 1);
          g_assert_cmpint (cancelled, <=, 2);
        }
      /* Finished runs are the same as in a full sweep. */
      cfg.workers = 1;
      KdSweepResult *full = run_sweep (&cfg, NULL, NULL, NULL, KD_OK);
      for (int r = 0; r < res->n_runs; r++)
        if (res->runs[r].state == KD_SWEEP_RUN_DONE)
          g_assert_cmpmem (res->runs[r].student, sizeof res->runs[r].student, full->runs[r].student,
                           sizeof full->runs[r].student);
      g_autofree char *csv = csv_of (res, KD_SWEEP_TABLE_RUNS);
      g_assert_nonnull (strstr (csv, ",pending,"));
      g_assert_true ((strstr (csv, ",cancelled,") != NULL) == (cancelled > 0));
      kd_sweep_result_free (full);
      kd_sweep_result_free (res);
    }
  /* Cancelled before it starts: every run pending, nothing aggregated. */
  KdSweepConfig cfg;
  grid_config (&cfg, 2);
  atomic_int cancel = 1;
  KdSweepResult *res = run_sweep (&cfg, NULL, NULL, &cancel, KD_ERR_CANCELLED);
  assert_partial (res);
  g_assert_cmpint (res->n_done, ==, 0);
  for (int r = 0; r < res->n_runs; r++)
    g_assert_cmpint (res->runs[r].state, ==, KD_SWEEP_RUN_PENDING);
  g_assert_cmpint (res->baselines[0].run, ==, -1);
  kd_sweep_result_free (res);
}

/* ---- CSV ---------------------------------------------------------------------------------- */

static int
count_char (const char *s, char c)
{
  int n = 0;
  for (; *s; s++)
    n += *s == c;
  return n;
}

/* Every line ends in '\n' and has as many fields as the header. */
static void
assert_table (const char *csv, const char *first_field, int rows, int columns)
{
  g_auto (GStrv) lines = g_strsplit (csv, "\n", -1);
  g_assert_cmpint (g_strv_length (lines), ==, rows + 2); /* header, rows, "" after the last */
  g_assert_cmpstr (lines[rows + 1], ==, "");
  g_assert_true (g_str_has_prefix (lines[0], first_field));
  for (int i = 0; i <= rows; i++)
    g_assert_cmpint (count_char (lines[i], ','), ==, columns - 1);
}

static void
test_csv (void)
{
  KdSweepConfig cfg;
  grid_config (&cfg, 2);
  KdSweepResult *res = run_sweep (&cfg, NULL, NULL, NULL, KD_OK);
  g_autofree char *runs = csv_of (res, KD_SWEEP_TABLE_RUNS);
  g_autofree char *points = csv_of (res, KD_SWEEP_TABLE_POINTS);
  assert_table (runs, "run,point,temperature,alpha,seed,state,steps,student_accuracy,", 6,
                7 + 2 * KD_SWEEP_N_METRICS);
  assert_table (points, "temperature,alpha,n,student_accuracy_mean,student_accuracy_std,", 3,
                3 + 4 * (2 * KD_SWEEP_N_METRICS + 1));
  g_assert_nonnull (strstr (runs, "\n3,1,4,0.9,12,done,32,"));
  g_assert_nonnull (strstr (points, "\n10,0.9,2,"));

  /* The FILE* writer gives the same bytes. */
  FILE *fp = tmpfile ();
  g_assert_nonnull (fp);
  g_assert_true (kd_sweep_write_csv (res, KD_SWEEP_TABLE_POINTS, fp));
  long size = ftell (fp);
  g_assert_cmpint (size, ==, (long)strlen (points));
  rewind (fp);
  g_autofree char *back = g_malloc0 ((gsize)size + 1);
  g_assert_cmpuint (fread (back, 1, (size_t)size, fp), ==, (size_t)size);
  g_assert_cmpstr (back, ==, points);
  fclose (fp);

  /* A short buffer is truncated and terminated, and still told the full length. */
  char small[16];
  size_t len = 0;
  g_assert_cmpint (kd_sweep_format_csv (res, KD_SWEEP_TABLE_RUNS, small, sizeof small, &len), ==,
                   KD_OK);
  g_assert_cmpuint (len, ==, strlen (runs));
  g_assert_cmpuint (strlen (small), ==, 15);
  g_assert_true (strncmp (small, runs, 15) == 0);

  /* Under a locale with a decimal comma the numbers keep their '.'. */
  const char *comma[] = { "de_DE.UTF-8", "fr_FR.UTF-8", "de_DE.utf8", "fr_FR.utf8" };
  gboolean tried = FALSE;
  for (size_t i = 0; i < G_N_ELEMENTS (comma) && !tried; i++)
    if (setlocale (LC_NUMERIC, comma[i]))
      {
        tried = TRUE;
        g_autofree char *again = csv_of (res, KD_SWEEP_TABLE_POINTS);
        setlocale (LC_NUMERIC, "C");
        g_assert_cmpstr (again, ==, points);
      }
  if (!tried)
    g_test_message ("no decimal-comma locale installed; locale check skipped");
  kd_sweep_result_free (res);
}

/* ---- invalid input ------------------------------------------------------------------------ */

/* by_check: the config check alone already refuses it (with a message). */
static void
assert_rejected (const KdSweepConfig *cfg, KdStatus expect, gboolean by_check)
{
  char msg[128] = "";
  if (by_check)
    {
      g_assert_cmpint (kd_sweep_config_check (cfg, msg, sizeof msg), ==, KD_ERR_INVALID);
      g_assert_cmpstr (msg, !=, "");
    }
  else
    g_assert_cmpint (kd_sweep_config_check (cfg, NULL, 0), ==, KD_OK);
  KdSweepResult sentinel, *res = &sentinel; /* must come back NULL */
  KdStatus st = kd_sweep_run (cfg, data.train, data.test, data.teacher, data.n_teacher, NULL, NULL,
                              NULL, &res);
  g_assert_cmpint (st, ==, expect);
  g_assert_null (res);
}

static void
test_invalid (void)
{
  KdSweepConfig cfg, base;
  grid_config (&base, 2);
  g_assert_cmpint (kd_sweep_config_check (&base, NULL, 0), ==, KD_OK);

  cfg = base, cfg.n_temperatures = 0;
  assert_rejected (&cfg, KD_ERR_INVALID, TRUE);
  cfg = base, cfg.n_seeds = 0;
  assert_rejected (&cfg, KD_ERR_INVALID, TRUE);
  cfg = base, cfg.n_temperatures = KD_SWEEP_MAX_VALUES + 1;
  assert_rejected (&cfg, KD_ERR_INVALID, TRUE);
  const float bad_t[] = { 0.0f, -1.0f, NAN, INFINITY };
  for (size_t i = 0; i < G_N_ELEMENTS (bad_t); i++)
    {
      cfg = base, cfg.temperatures[1] = bad_t[i];
      assert_rejected (&cfg, KD_ERR_INVALID, TRUE);
    }
  const float bad_alpha[] = { -0.1f, 1.1f, NAN };
  for (size_t i = 0; i < G_N_ELEMENTS (bad_alpha); i++)
    {
      cfg = base, cfg.n_alphas = 2, cfg.alphas[0] = 0.5f, cfg.alphas[1] = bad_alpha[i];
      assert_rejected (&cfg, KD_ERR_INVALID, TRUE);
      cfg = base, cfg.train.alpha = bad_alpha[i]; /* the default alpha when none is listed */
      assert_rejected (&cfg, KD_ERR_INVALID, TRUE);
    }
  cfg = base, cfg.workers = 0;
  assert_rejected (&cfg, KD_ERR_INVALID, TRUE);
  cfg = base, cfg.train.epochs = 0;
  assert_rejected (&cfg, KD_ERR_INVALID, TRUE);

  cfg = base;
  g_strlcpy (cfg.train.student_arch, "fc8-bogus", sizeof cfg.train.student_arch);
  assert_rejected (&cfg, KD_ERR_ARCH, FALSE);
  cfg = base;
  g_strlcpy (cfg.train.teacher_arch, "fc32", sizeof cfg.train.teacher_arch);
  assert_rejected (&cfg, KD_ERR_INVALID, FALSE); /* the parameters are a fc64-fc64's */

  KdSweepResult *res = NULL;
  g_assert_cmpint (kd_sweep_run (&base, data.train, data.test, data.teacher, data.n_teacher - 1,
                                 NULL, NULL, NULL, &res),
                   ==, KD_ERR_INVALID);
  KdDataset *other = kd_dataset_new (16, 1, 1, 6, 4, 0);
  g_assert_cmpint (
      kd_sweep_run (&base, data.train, other, data.teacher, data.n_teacher, NULL, NULL, NULL, &res),
      ==, KD_ERR_INVALID);
  g_assert_null (res);
  kd_dataset_free (other);
  kd_sweep_result_free (NULL);
}

int
main (int argc, char **argv)
{
  kd_test_use_fast_blas (argv);
  g_test_init (&argc, &argv, NULL);
  kd_blas_set_threads (1);
  train_teacher ();
  g_test_add_func ("/analysis/sweep/runs-complete", test_runs_complete);
  g_test_add_func ("/analysis/sweep/matches-trainer", test_matches_trainer);
  g_test_add_func ("/analysis/sweep/ece", test_ece);
  g_test_add_func ("/analysis/sweep/workers-identical", test_workers_identical);
  g_test_add_func ("/analysis/sweep/alpha-grid", test_alpha_grid);
  g_test_add_func ("/analysis/sweep/aggregates", test_aggregates);
  g_test_add_func ("/analysis/sweep/progress", test_progress);
  g_test_add_func ("/analysis/sweep/cancel", test_cancel);
  g_test_add_func ("/analysis/sweep/csv", test_csv);
  g_test_add_func ("/analysis/sweep/invalid", test_invalid);
  int status = g_test_run ();
  g_free (data.teacher);
  kd_dataset_free (data.train);
  kd_dataset_free (data.test);
  return status;
}
