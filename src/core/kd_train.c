#include "kd_train.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kd_blas.h"
#include "kd_eval.h"
#include "kd_loss.h"

/* Steps between copies of the last good (finite) weights, restored on divergence. */
#define KD_GOOD_EVERY 50

struct KdTrainer
{
  KdTrainConfig cfg;
  const KdDataset *train, *test;
  KdNet *net[KD_N_MODELS];
  KdOptim *opt[KD_N_MODELS];
  float *good[KD_N_MODELS]; /* last finite weights */
  KdRng order_rng;
  int32_t *order;  /* (train->n) sample order of the current epoch */
  int n_phase;     /* samples per epoch of the current phase (the transfer set for students) */
  float *dlogits;  /* (batch, K) */
  float *x;        /* (batch, c, h, w) the current batch */
  float *tl_batch; /* (batch, K) teacher logits for the current batch */
  float *tl_all;   /* (train->n, K) offline: the frozen teacher's logits */
  uint8_t *labels; /* (batch) */
  int K, n_batches;
  int n_student, student_batches; /* the students' transfer set and its batches per epoch */

  KdPhase phase;
  int epoch, batch_idx;
  long step, total_steps, student_step, student_steps;
  float temperature;

  /* Running sums for the next history point. */
  double loss_sum[KD_N_MODELS];
  long correct[KD_N_MODELS];
  long seen, acc_steps;
  float last_loss[KD_N_MODELS];
  KdHistory history;

  KdModelId div_model;
  long div_step;
  bool diverged;
  double started; /* monotonic seconds at the first step, 0 before */
  uint64_t version;
  bool have_results;
  KdResults results;
};

void
kd_train_config_default (KdTrainConfig *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  snprintf (cfg->teacher_arch, sizeof cfg->teacher_arch, "fc512-fc512");
  snprintf (cfg->student_arch, sizeof cfg->student_arch, "fc32");
  cfg->teacher_epochs = 4;
  cfg->epochs = 4;
  cfg->T0 = cfg->T1 = 4.0f;
  cfg->alpha = 0.9f;
  cfg->mode = KD_MODE_OFFLINE;
  kd_optim_config_default (&cfg->optim, KD_OPTIM_ADAM);
  cfg->batch = 128;
  cfg->seed = 1;
  cfg->threads = 2;
  cfg->eval_every_epochs = 1;
  cfg->history_every = 20;
}

static KdStatus
check_fail (char *msg, size_t len, const char *text)
{
  if (msg && len)
    snprintf (msg, len, "%s", text);
  return KD_ERR_INVALID;
}

KdStatus
kd_train_config_check (const KdTrainConfig *cfg, char *msg, size_t len)
{
  const KdOptimConfig *o = &cfg->optim;
  if (!(cfg->T0 > 0.0f && isfinite (cfg->T0)) || !(cfg->T1 > 0.0f && isfinite (cfg->T1)))
    return check_fail (msg, len, "temperature must be a finite number greater than 0");
  if (!(cfg->alpha >= 0.0f && cfg->alpha <= 1.0f))
    return check_fail (msg, len, "alpha must lie between 0 and 1");
  if (cfg->epochs < 1 || cfg->epochs > 10000)
    return check_fail (msg, len, "epochs must be between 1 and 10000");
  if (cfg->mode == KD_MODE_OFFLINE && (cfg->teacher_epochs < 1 || cfg->teacher_epochs > 10000))
    return check_fail (msg, len, "teacher epochs must be between 1 and 10000");
  if (!(o->lr > 0.0f && o->lr <= 10.0f))
    return check_fail (msg, len, "learning rate must be greater than 0 and at most 10");
  if (cfg->batch < 1 || cfg->batch > 65536)
    return check_fail (msg, len, "batch size must be between 1 and 65536");
  if (cfg->threads < 1 || cfg->threads > 256)
    return check_fail (msg, len, "threads must be between 1 and 256");
  if (!(o->momentum >= 0.0f && o->momentum < 1.0f))
    return check_fail (msg, len, "momentum must lie in [0, 1)");
  if (!(o->weight_decay >= 0.0f && o->weight_decay < 1.0f))
    return check_fail (msg, len, "weight decay must lie in [0, 1)");
  if (!(o->beta1 >= 0.0f && o->beta1 < 1.0f) || !(o->beta2 >= 0.0f && o->beta2 < 1.0f)
      || !(o->eps > 0.0f))
    return check_fail (msg, len, "Adam betas must lie in [0, 1) and eps must be positive");
  if (cfg->eval_every_epochs < 1 || cfg->history_every < 1)
    return check_fail (msg, len, "evaluation and history periods must be at least 1");
  if (cfg->transfer_limit < 0)
    return check_fail (msg, len, "the transfer set size must be 0 (all) or positive");
  if (cfg->transfer_limit > 0 && cfg->mode != KD_MODE_OFFLINE)
    return check_fail (msg, len,
                       "a separate transfer set needs offline mode (the teacher trains first)");
  return KD_OK;
}

const char *
kd_model_name (KdModelId id)
{
  static const char *const names[] = { "teacher", "student", "baseline" };
  return id >= 0 && id < KD_N_MODELS ? names[id] : "unknown";
}

static double
now_seconds (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static KdStatus
build_net (KdTrainer *tr, const char *arch_text, KdNet **out, KdArchError *err)
{
  KdArch arch;
  const KdDataset *ds = tr->train;
  KdStatus st = kd_arch_parse (arch_text, &arch, err);
  if (st == KD_OK)
    st = kd_arch_check_shape (&arch, ds->c, ds->h, ds->w, err);
  if (st == KD_OK)
    st = kd_net_new (&arch, ds->c, ds->h, ds->w, ds->n_classes, tr->cfg.batch, out);
  return st;
}

static KdStatus
alloc_models (KdTrainer *tr, KdArchError *err)
{
  const KdTrainConfig *c = &tr->cfg;
  KdStatus st = build_net (tr, c->teacher_arch, &tr->net[KD_TEACHER], err);
  if (st == KD_OK)
    st = build_net (tr, c->student_arch, &tr->net[KD_STUDENT], err);
  if (st == KD_OK)
    st = build_net (tr, c->student_arch, &tr->net[KD_BASELINE], err);
  for (int m = 0; st == KD_OK && m < KD_N_MODELS; m++)
    {
      st = kd_optim_new (&c->optim, tr->net[m]->n_params, &tr->opt[m]);
      tr->good[m] = malloc (tr->net[m]->n_params * sizeof (float) + 1);
      if (st == KD_OK && !tr->good[m])
        st = KD_ERR_NOMEM;
    }
  return st;
}

static KdStatus
alloc_buffers (KdTrainer *tr)
{
  size_t B = (size_t)tr->cfg.batch, K = (size_t)tr->K;
  tr->order = malloc ((size_t)tr->train->n * sizeof (int32_t));
  tr->dlogits = malloc (B * K * sizeof (float));
  tr->x = malloc (B * kd_dataset_dim (tr->train) * sizeof (float));
  tr->tl_batch = malloc (B * K * sizeof (float));
  if (tr->cfg.mode == KD_MODE_OFFLINE)
    tr->tl_all = malloc ((size_t)tr->train->n * K * sizeof (float));
  tr->labels = malloc (B);
  tr->history.cap = 256;
  tr->history.points = malloc ((size_t)tr->history.cap * sizeof (KdHistoryPoint));
  if (!tr->order || !tr->dlogits || !tr->x || !tr->tl_batch || !tr->labels || !tr->history.points
      || (tr->cfg.mode == KD_MODE_OFFLINE && !tr->tl_all))
    return KD_ERR_NOMEM;
  for (int i = 0; i < tr->train->n; i++)
    tr->order[i] = i;
  return KD_OK;
}

/* Weights from one seeded stream: teacher first, then the student; the baseline is a copy of
 * the student so that both students start from identical weights. Both students get the same
 * dropout stream, so they also see identical masks. */
static void
init_weights (KdTrainer *tr)
{
  KdRng rng, init;
  kd_rng_seed (&rng, tr->cfg.seed);
  kd_rng_fork (&rng, &init);
  kd_net_init_weights (tr->net[KD_TEACHER], &init);
  kd_net_init_weights (tr->net[KD_STUDENT], &init);
  memcpy (tr->net[KD_BASELINE]->params, tr->net[KD_STUDENT]->params,
          tr->net[KD_STUDENT]->n_params * sizeof (float));
  kd_rng_fork (&rng, &tr->order_rng);
  KdRng drop;
  kd_rng_fork (&rng, &drop);
  tr->net[KD_TEACHER]->drop_rng = drop;
  kd_rng_fork (&rng, &drop);
  tr->net[KD_STUDENT]->drop_rng = drop;
  tr->net[KD_BASELINE]->drop_rng = drop;
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      tr->net[m]->training = true;
      memcpy (tr->good[m], tr->net[m]->params, tr->net[m]->n_params * sizeof (float));
    }
}

static int
batches_of (const KdTrainer *tr, int n)
{
  return (n + tr->cfg.batch - 1) / tr->cfg.batch;
}

static void
plan_steps (KdTrainer *tr)
{
  const KdTrainConfig *c = &tr->cfg;
  int n = tr->train->n;
  tr->n_student = c->transfer_limit > 0 && c->transfer_limit < n ? c->transfer_limit : n;
  tr->student_batches = batches_of (tr, tr->n_student);
  tr->student_steps = (long)c->epochs * tr->student_batches;
  tr->total_steps = tr->student_steps;
  if (c->mode == KD_MODE_OFFLINE)
    tr->total_steps += (long)c->teacher_epochs * batches_of (tr, n);
  tr->phase = c->mode == KD_MODE_OFFLINE ? KD_PHASE_TEACHER : KD_PHASE_JOINT;
  tr->n_phase = c->mode == KD_MODE_OFFLINE ? n : tr->n_student;
  tr->n_batches = batches_of (tr, tr->n_phase);
  tr->temperature = c->T0;
}

/* The students' epochs run over the transfer set: the first n_student samples, in their
 * natural order before the first shuffle (as a fresh permutation of 0..n-1 would be). */
static void
begin_student_epochs (KdTrainer *tr)
{
  tr->phase = KD_PHASE_STUDENTS;
  tr->net[KD_TEACHER]->training = false;
  if (tr->n_student < tr->train->n)
    for (int i = 0; i < tr->n_student; i++)
      tr->order[i] = i;
  tr->n_phase = tr->n_student;
  tr->n_batches = tr->student_batches;
}

KdStatus
kd_trainer_new (const KdTrainConfig *cfg,
                const KdDataset *train,
                const KdDataset *test,
                KdTrainer **out,
                KdArchError *arch_err)
{
  *out = NULL;
  if (kd_train_config_check (cfg, NULL, 0) != KD_OK || !train || !test || train->n < 1
      || test->n < 1 || train->n_classes != test->n_classes
      || kd_dataset_dim (train) != kd_dataset_dim (test))
    return KD_ERR_INVALID;
  KdTrainer *tr = calloc (1, sizeof *tr);
  if (!tr)
    return KD_ERR_NOMEM;
  tr->cfg = *cfg;
  tr->train = train;
  tr->test = test;
  tr->K = train->n_classes;
  kd_blas_set_threads (cfg->threads);
  KdStatus st = alloc_models (tr, arch_err);
  if (st == KD_OK)
    st = alloc_buffers (tr);
  if (st != KD_OK)
    {
      kd_trainer_free (tr);
      return st;
    }
  init_weights (tr);
  plan_steps (tr);
  for (int m = 0; m < KD_N_MODELS; m++)
    tr->last_loss[m] = NAN;
  *out = tr;
  return KD_OK;
}

void
kd_trainer_free (KdTrainer *tr)
{
  if (!tr)
    return;
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      kd_net_free (tr->net[m]);
      kd_optim_free (tr->opt[m]);
      free (tr->good[m]);
    }
  free (tr->order);
  free (tr->dlogits);
  free (tr->x);
  free (tr->tl_batch);
  free (tr->tl_all);
  free (tr->labels);
  free (tr->history.points);
  free (tr);
}

/* ---- one step ------------------------------------------------------------------------- */

static bool
model_trains (const KdTrainer *tr, int m)
{
  if (tr->phase == KD_PHASE_JOINT)
    return true;
  if (tr->phase == KD_PHASE_TEACHER)
    return m == KD_TEACHER;
  return tr->phase == KD_PHASE_STUDENTS && m != KD_TEACHER;
}

static int
phase_epochs (const KdTrainer *tr)
{
  return tr->phase == KD_PHASE_TEACHER ? tr->cfg.teacher_epochs : tr->cfg.epochs;
}

/* Annealed linearly over the student steps; constant when T1 == T0. */
static float
temperature_at (const KdTrainer *tr, long student_step)
{
  const KdTrainConfig *c = &tr->cfg;
  long span = tr->student_steps > 1 ? tr->student_steps - 1 : 1;
  double f = (double)student_step / span;
  return (float)(c->T0 + (c->T1 - c->T0) * (f > 1.0 ? 1.0 : f));
}

static void
count_correct (KdTrainer *tr, int m, const float *logits, int b)
{
  for (int i = 0; i < b; i++)
    tr->correct[m] += kd_argmax (logits + (size_t)i * tr->K, tr->K) == tr->labels[i];
}

/* Forward, loss, backward and update of one model. teacher_logits (b, K) selects the
 * distillation loss; NULL means hard labels only. The update is skipped when the loss is not
 * finite, so the caller can stop with the weights of the previous step. */
static double
train_model (KdTrainer *tr, int m, int b, const float *teacher_logits)
{
  KdNet *net = tr->net[m];
  const float *logits = kd_net_forward (net, tr->x, b);
  double loss;
  if (teacher_logits)
    loss = kd_distill_loss (logits, teacher_logits, tr->labels, b, tr->K, tr->temperature,
                            tr->cfg.alpha, tr->dlogits)
               .total;
  else
    loss = kd_cross_entropy (logits, tr->labels, b, tr->K, tr->dlogits);
  if (!isfinite (loss))
    return loss;
  count_correct (tr, m, logits, b);
  /* Online: the students distil from the teacher's outputs on this batch, before its update
   * (detached, as PyTorch's teacher(x).detach()). */
  if (tr->phase == KD_PHASE_JOINT && m == KD_TEACHER)
    memcpy (tr->tl_batch, logits, (size_t)b * tr->K * sizeof (float));
  kd_optim_backward_step (tr->opt[m], net, tr->dlogits, b);
  return loss;
}

static KdStatus
history_push (KdHistory *h, const KdHistoryPoint *p)
{
  if (h->n == h->cap)
    {
      int cap = h->cap * 2;
      KdHistoryPoint *pts = realloc (h->points, (size_t)cap * sizeof *pts);
      if (!pts)
        return KD_ERR_NOMEM;
      h->points = pts;
      h->cap = cap;
    }
  h->points[h->n++] = *p;
  return KD_OK;
}

static void
fill_point_header (const KdTrainer *tr, KdHistoryPoint *p)
{
  p->step = tr->step;
  p->phase = tr->phase;
  p->epoch = tr->epoch + (float)tr->batch_idx / tr->n_batches;
  p->temperature = tr->phase == KD_PHASE_TEACHER ? NAN : tr->temperature;
  for (int m = 0; m < KD_N_MODELS; m++)
    p->loss[m] = p->train_acc[m] = p->test_acc[m] = NAN;
}

/* Closes the running sums into one history point (test accuracies are added at epoch ends). */
static KdStatus
record_point (KdTrainer *tr)
{
  if (tr->acc_steps == 0)
    return KD_OK;
  KdHistoryPoint p;
  fill_point_header (tr, &p);
  for (int m = 0; m < KD_N_MODELS; m++)
    if (model_trains (tr, m))
      {
        p.loss[m] = (float)(tr->loss_sum[m] / tr->acc_steps);
        p.train_acc[m] = (float)tr->correct[m] / (float)tr->seen;
      }
  memset (tr->loss_sum, 0, sizeof tr->loss_sum);
  memset (tr->correct, 0, sizeof tr->correct);
  tr->seen = tr->acc_steps = 0;
  return history_push (&tr->history, &p);
}

static KdStatus
evaluate_test_accuracy (KdTrainer *tr, float *acc)
{
  const KdDataset *test = tr->test;
  float *logits = malloc ((size_t)test->n * tr->K * sizeof (float));
  if (!logits)
    return KD_ERR_NOMEM;
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      acc[m] = NAN;
      if (!model_trains (tr, m))
        continue;
      kd_eval_logits (tr->net[m], test, logits);
      acc[m] = (float)kd_accuracy (logits, test->labels, test->n, tr->K);
    }
  free (logits);
  return KD_OK;
}

static void
save_good_weights (KdTrainer *tr)
{
  for (int m = 0; m < KD_N_MODELS; m++)
    if (!kd_net_params_finite (tr->net[m]))
      return;
  for (int m = 0; m < KD_N_MODELS; m++)
    memcpy (tr->good[m], tr->net[m]->params, tr->net[m]->n_params * sizeof (float));
}

static void
restore_good_weights (KdTrainer *tr)
{
  for (int m = 0; m < KD_N_MODELS; m++)
    memcpy (tr->net[m]->params, tr->good[m], tr->net[m]->n_params * sizeof (float));
}

/* Teacher logits for the whole training set, once, when the teacher is frozen. */
static KdStatus
enter_student_phase (KdTrainer *tr)
{
  begin_student_epochs (tr);
  return kd_eval_logits (tr->net[KD_TEACHER], tr->train, tr->tl_all);
}

static KdStatus
finish_epoch (KdTrainer *tr)
{
  KdStatus st = record_point (tr);
  tr->batch_idx = 0;
  tr->epoch++;
  bool last = tr->epoch == phase_epochs (tr);
  if (st == KD_OK && (last || tr->epoch % tr->cfg.eval_every_epochs == 0))
    {
      KdHistoryPoint *p = &tr->history.points[tr->history.n - 1];
      st = evaluate_test_accuracy (tr, p->test_acc);
    }
  save_good_weights (tr);
  if (st != KD_OK || !last)
    return st;
  tr->epoch = 0;
  if (tr->phase == KD_PHASE_TEACHER)
    return enter_student_phase (tr);
  tr->phase = KD_PHASE_DONE;
  return kd_trainer_get_results (tr, &tr->results);
}

static KdStatus
diverge (KdTrainer *tr, int m)
{
  tr->diverged = true;
  tr->div_model = (KdModelId)m;
  tr->div_step = tr->step;
  restore_good_weights (tr);
  return KD_ERR_DIVERGED;
}

static void
gather_teacher_logits (KdTrainer *tr, const int32_t *idx, int b)
{
  size_t K = (size_t)tr->K;
  for (int i = 0; i < b; i++)
    memcpy (tr->tl_batch + i * K, tr->tl_all + (size_t)idx[i] * K, K * sizeof (float));
}

/* Trains the models of the current phase on one batch; the teacher goes first online. */
static KdStatus
train_batch (KdTrainer *tr, const int32_t *idx, int b)
{
  if (tr->phase == KD_PHASE_STUDENTS)
    gather_teacher_logits (tr, idx, b);
  if (tr->phase != KD_PHASE_TEACHER)
    tr->temperature = temperature_at (tr, tr->student_step);
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      tr->last_loss[m] = NAN;
      if (!model_trains (tr, m))
        continue;
      double loss = train_model (tr, m, b, m == KD_STUDENT ? tr->tl_batch : NULL);
      if (!isfinite (loss))
        return diverge (tr, m);
      tr->last_loss[m] = (float)loss;
      tr->loss_sum[m] += loss;
    }
  return KD_OK;
}

KdStatus
kd_trainer_step (KdTrainer *tr)
{
  if (tr->diverged)
    return KD_ERR_DIVERGED;
  if (tr->phase == KD_PHASE_DONE)
    return KD_OK;
  if (tr->started == 0.0)
    tr->started = now_seconds ();
  if (tr->batch_idx == 0)
    kd_rng_shuffle (&tr->order_rng, tr->order, (size_t)tr->n_phase);
  int start = tr->batch_idx * tr->cfg.batch;
  int b = tr->n_phase - start < tr->cfg.batch ? tr->n_phase - start : tr->cfg.batch;
  const int32_t *idx = tr->order + start;
  kd_dataset_fill_batch (tr->train, idx, b, tr->x, tr->labels);
  KdStatus st = train_batch (tr, idx, b);
  if (st != KD_OK)
    return st;
  tr->seen += b;
  tr->acc_steps++;
  tr->step++;
  if (tr->phase != KD_PHASE_TEACHER)
    tr->student_step++;
  tr->batch_idx++;
  if (tr->batch_idx == tr->n_batches)
    return finish_epoch (tr);
  if (tr->step % KD_GOOD_EVERY == 0)
    save_good_weights (tr);
  if (tr->acc_steps >= tr->cfg.history_every)
    return record_point (tr);
  return KD_OK;
}

bool
kd_trainer_done (const KdTrainer *tr)
{
  return tr->phase == KD_PHASE_DONE;
}

KdStatus
kd_trainer_run (KdTrainer *tr, atomic_int *cancel, KdProgressFunc progress, void *user_data)
{
  while (!kd_trainer_done (tr))
    {
      if (cancel && atomic_load (cancel))
        return KD_ERR_CANCELLED;
      KdStatus st = kd_trainer_step (tr);
      if (progress)
        {
          KdProgress p;
          kd_trainer_get_progress (tr, &p);
          progress (&p, user_data);
        }
      if (st != KD_OK)
        return st;
    }
  return KD_OK;
}

/* ---- state for observers --------------------------------------------------------------- */

void
kd_trainer_get_progress (const KdTrainer *tr, KdProgress *p)
{
  memset (p, 0, sizeof *p);
  p->phase = tr->phase;
  p->step = tr->step;
  p->total_steps = tr->total_steps;
  p->epoch = tr->epoch;
  p->n_epochs = tr->phase == KD_PHASE_DONE ? 0 : phase_epochs (tr);
  p->batch = tr->batch_idx;
  p->n_batches = tr->n_batches;
  for (int m = 0; m < KD_N_MODELS; m++)
    p->loss[m] = tr->last_loss[m];
  p->temperature = tr->temperature;
  p->elapsed = tr->started > 0.0 ? now_seconds () - tr->started : 0.0;
  p->eta = -1.0;
  if (tr->step > 0 && tr->phase != KD_PHASE_DONE)
    p->eta = p->elapsed / tr->step * (double)(tr->total_steps - tr->step);
  else if (tr->phase == KD_PHASE_DONE)
    p->eta = 0.0;
}

const KdHistory *
kd_trainer_get_history (const KdTrainer *tr)
{
  return &tr->history;
}

KdStatus
kd_trainer_get_results (KdTrainer *tr, KdResults *r)
{
  const KdDataset *test = tr->test;
  size_t rows = (size_t)test->n * tr->K;
  float *logits = malloc (KD_N_MODELS * rows * sizeof (float));
  if (!logits)
    return KD_ERR_NOMEM;
  for (int m = 0; m < KD_N_MODELS; m++)
    kd_eval_logits (tr->net[m], test, logits + m * rows);
  r->temperature = tr->cfg.T1;
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      const float *l = logits + m * rows;
      r->accuracy[m] = kd_accuracy (l, test->labels, test->n, tr->K);
      r->agreement[m] = kd_agreement (logits, l, test->n, tr->K);
      r->kl[m] = kd_mean_kl (logits, l, test->n, tr->K, r->temperature);
    }
  free (logits);
  if (r == &tr->results || tr->phase == KD_PHASE_DONE)
    {
      tr->results = *r;
      tr->have_results = true;
    }
  return KD_OK;
}

KdNet *
kd_trainer_get_net (KdTrainer *tr, KdModelId id)
{
  return id >= 0 && id < KD_N_MODELS ? tr->net[id] : NULL;
}

const KdTrainConfig *
kd_trainer_get_config (const KdTrainer *tr)
{
  return &tr->cfg;
}

void
kd_trainer_divergence (const KdTrainer *tr, KdModelId *model, long *step)
{
  if (model)
    *model = tr->div_model;
  if (step)
    *step = tr->div_step;
}

/* ---- snapshots ------------------------------------------------------------------------- */

KdSnapshot *
kd_snapshot_ref (KdSnapshot *snap)
{
  atomic_fetch_add (&snap->ref, 1);
  return snap;
}

void
kd_snapshot_unref (KdSnapshot *snap)
{
  if (!snap || atomic_fetch_sub (&snap->ref, 1) != 1)
    return;
  for (int m = 0; m < KD_N_MODELS; m++)
    free (snap->params[m]);
  free (snap->history.points);
  free (snap);
}

KdSnapshot *
kd_trainer_snapshot (KdTrainer *tr)
{
  KdSnapshot *s = calloc (1, sizeof *s);
  if (!s)
    return NULL;
  atomic_init (&s->ref, 1);
  s->version = ++tr->version;
  kd_trainer_get_progress (tr, &s->progress);
  s->history.n = s->history.cap = tr->history.n;
  s->history.points = malloc ((size_t)(tr->history.n + 1) * sizeof (KdHistoryPoint));
  bool ok = s->history.points != NULL;
  for (int m = 0; ok && m < KD_N_MODELS; m++)
    {
      s->n_params[m] = tr->net[m]->n_params;
      s->params[m] = malloc (s->n_params[m] * sizeof (float) + 1);
      ok = s->params[m] != NULL;
      if (ok)
        memcpy (s->params[m], tr->net[m]->params, s->n_params[m] * sizeof (float));
    }
  if (!ok)
    {
      kd_snapshot_unref (s);
      return NULL;
    }
  memcpy (s->history.points, tr->history.points, (size_t)tr->history.n * sizeof (KdHistoryPoint));
  s->have_results = tr->have_results;
  s->results = tr->results;
  return s;
}

KdStatus
kd_trainer_set_teacher_outputs (KdTrainer *tr,
                                const float *params,
                                size_t n,
                                const float *train_logits)
{
  KdNet *teacher = tr->net[KD_TEACHER];
  if (tr->cfg.mode != KD_MODE_OFFLINE || tr->step != 0 || n != teacher->n_params)
    return KD_ERR_INVALID;
  memcpy (teacher->params, params, n * sizeof (float));
  memcpy (tr->good[KD_TEACHER], params, n * sizeof (float));
  tr->total_steps = tr->student_steps;
  if (!train_logits)
    return enter_student_phase (tr);
  begin_student_epochs (tr);
  memcpy (tr->tl_all, train_logits, (size_t)tr->train->n * tr->K * sizeof (float));
  return KD_OK;
}

KdStatus
kd_trainer_set_teacher (KdTrainer *tr, const float *params, size_t n)
{
  return kd_trainer_set_teacher_outputs (tr, params, n, NULL);
}
