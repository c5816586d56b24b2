/* The experiment loop: determinism, divergence, cancellation, snapshots, schedules. */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "kd-test-blas.h"
#include "kd_blas.h"
#include "kd_eval.h"
#include "kd_train.h"

/* Four Gaussian blobs in 8 dimensions: learnable in a few epochs, cheap to train. */
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

/* 8x8 single-channel "images" for the conv path. */
static KdDataset *
make_images (int n, guint64 seed)
{
  KdDataset *ds = kd_dataset_new (n, 1, 8, 8, 3, 1);
  KdRng rng;
  kd_rng_seed (&rng, seed);
  for (int i = 0; i < n; i++)
    {
      int k = i % 3;
      ds->labels[i] = (uint8_t)k;
      for (int p = 0; p < 64; p++)
        {
          int row = p / 8, col = p % 8;
          int on = (k == 0 && row == col) || (k == 1 && col == 3) || (k == 2 && row == 4);
          ds->pixels[i * 64 + p] = (uint8_t)(on ? 200 : kd_rng_below (&rng, 60));
        }
    }
  kd_dataset_compute_norm (ds);
  return ds;
}

typedef struct
{
  KdDataset *train, *test;
  KdTrainConfig cfg;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  (void)data;
  f->train = make_blobs (512, 1);
  f->test = make_blobs (256, 2);
  kd_train_config_default (&f->cfg);
  g_strlcpy (f->cfg.teacher_arch, "fc64-fc64", sizeof f->cfg.teacher_arch);
  g_strlcpy (f->cfg.student_arch, "fc8", sizeof f->cfg.student_arch);
  f->cfg.teacher_epochs = 3;
  f->cfg.epochs = 3;
  f->cfg.batch = 32;
  f->cfg.threads = 1;
  f->cfg.optim.lr = 0.01f;
  f->cfg.history_every = 4;
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  (void)data;
  kd_dataset_free (f->train);
  kd_dataset_free (f->test);
}

static KdTrainer *
new_trainer (Fixture *f)
{
  KdTrainer *tr = NULL;
  g_assert_cmpint (kd_trainer_new (&f->cfg, f->train, f->test, &tr, NULL), ==, KD_OK);
  return tr;
}

static void
run_to_end (KdTrainer *tr)
{
  g_assert_cmpint (kd_trainer_run (tr, NULL, NULL, NULL), ==, KD_OK);
  g_assert_true (kd_trainer_done (tr));
}

static void
assert_same_weights (KdTrainer *a, KdTrainer *b)
{
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      KdNet *na = kd_trainer_get_net (a, m), *nb = kd_trainer_get_net (b, m);
      g_assert_cmpuint (na->n_params, ==, nb->n_params);
      g_assert_cmpmem (na->params, na->n_params * sizeof (float), nb->params,
                       nb->n_params * sizeof (float));
    }
}

static void
test_learns (Fixture *f, gconstpointer data)
{
  KdTrainer *tr = new_trainer (f);
  run_to_end (tr);
  KdResults r;
  g_assert_cmpint (kd_trainer_get_results (tr, &r), ==, KD_OK);
  for (int m = 0; m < KD_N_MODELS; m++)
    g_assert_cmpfloat (r.accuracy[m], >, 0.85);
  g_assert_cmpfloat (r.agreement[KD_TEACHER], ==, 1.0);
  g_assert_cmpfloat (r.kl[KD_TEACHER], ==, 0.0);
  g_assert_cmpfloat (r.kl[KD_STUDENT], >, 0.0);
  kd_trainer_free (tr);
}

static void
test_determinism (Fixture *f, gconstpointer data)
{
  for (int threads = 1; threads <= 2; threads++)
    {
      f->cfg.threads = threads;
      g_strlcpy (f->cfg.student_arch, "fc16-drop0.3", sizeof f->cfg.student_arch);
      KdTrainer *a = new_trainer (f), *b = new_trainer (f);
      run_to_end (a);
      run_to_end (b);
      assert_same_weights (a, b);
      kd_trainer_free (a);
      kd_trainer_free (b);
    }
  /* A different seed gives different weights. */
  KdTrainer *a = new_trainer (f);
  f->cfg.seed = 99;
  KdTrainer *b = new_trainer (f);
  KdNet *na = kd_trainer_get_net (a, KD_STUDENT), *nb = kd_trainer_get_net (b, KD_STUDENT);
  g_assert_true (memcmp (na->params, nb->params, na->n_params * sizeof (float)) != 0);
  kd_trainer_free (a);
  kd_trainer_free (b);
}

static void
test_determinism_conv (Fixture *f, gconstpointer data)
{
  KdDataset *train = make_images (96, 3), *test = make_images (48, 4);
  g_strlcpy (f->cfg.teacher_arch, "conv4-pool-fc16", sizeof f->cfg.teacher_arch);
  g_strlcpy (f->cfg.student_arch, "conv2-pool", sizeof f->cfg.student_arch);
  f->cfg.threads = 2;
  f->cfg.teacher_epochs = f->cfg.epochs = 2;
  KdTrainer *a = NULL, *b = NULL;
  g_assert_cmpint (kd_trainer_new (&f->cfg, train, test, &a, NULL), ==, KD_OK);
  g_assert_cmpint (kd_trainer_new (&f->cfg, train, test, &b, NULL), ==, KD_OK);
  run_to_end (a);
  run_to_end (b);
  assert_same_weights (a, b);
  kd_trainer_free (a);
  kd_trainer_free (b);
  kd_dataset_free (train);
  kd_dataset_free (test);
}

static void
test_same_init (Fixture *f, gconstpointer data)
{
  KdTrainer *tr = new_trainer (f);
  KdNet *s = kd_trainer_get_net (tr, KD_STUDENT), *b = kd_trainer_get_net (tr, KD_BASELINE);
  g_assert_cmpmem (s->params, s->n_params * 4, b->params, b->n_params * 4);
  /* Offline: after the teacher phase the students are still identical... */
  while (kd_trainer_get_history (tr)->n == 0
         || kd_trainer_get_history (tr)->points[kd_trainer_get_history (tr)->n - 1].phase
                == KD_PHASE_TEACHER)
    g_assert_cmpint (kd_trainer_step (tr), ==, KD_OK);
  /* ...and with alpha = 0 they would stay so; with alpha > 0 they part ways. */
  g_assert_true (memcmp (s->params, b->params, s->n_params * 4) != 0);
  kd_trainer_free (tr);
}

static void
test_alpha_zero_equals_baseline (Fixture *f, gconstpointer data)
{
  /* With alpha = 0 the distilled student sees exactly the baseline's loss, batches and
   * dropout masks: the two must end bitwise equal. */
  f->cfg.alpha = 0.0f;
  g_strlcpy (f->cfg.student_arch, "fc16-drop0.3", sizeof f->cfg.student_arch);
  KdTrainer *tr = new_trainer (f);
  run_to_end (tr);
  KdNet *s = kd_trainer_get_net (tr, KD_STUDENT), *b = kd_trainer_get_net (tr, KD_BASELINE);
  g_assert_cmpmem (s->params, s->n_params * 4, b->params, b->n_params * 4);
  kd_trainer_free (tr);
}

static void
test_divergence (Fixture *f, gconstpointer data)
{
  /* An absurd learning rate: the loss must turn non-finite, the run stop at once and every
   * model hold finite weights from before the blow-up. */
  kd_optim_config_default (&f->cfg.optim, KD_OPTIM_SGD);
  f->cfg.optim.lr = 10.0f;
  f->cfg.optim.momentum = 0.99f;
  KdTrainer *tr = new_trainer (f);
  KdStatus st = kd_trainer_run (tr, NULL, NULL, NULL);
  g_assert_cmpint (st, ==, KD_ERR_DIVERGED);
  KdModelId model;
  long step;
  kd_trainer_divergence (tr, &model, &step);
  g_assert_cmpint (model, ==, KD_TEACHER);
  g_assert_cmpint (step, >=, 0);
  for (int m = 0; m < KD_N_MODELS; m++)
    g_assert_true (kd_net_params_finite (kd_trainer_get_net (tr, m)));
  /* Sticky: further steps refuse to run on. */
  g_assert_cmpint (kd_trainer_step (tr), ==, KD_ERR_DIVERGED);
  g_assert_false (kd_trainer_done (tr));
  kd_trainer_free (tr);
}

typedef struct
{
  atomic_int *cancel;
  int calls;
} CancelState;

static void
cancel_after_five (const KdProgress *p, void *user_data)
{
  CancelState *cs = user_data;
  if (++cs->calls == 5)
    atomic_store (cs->cancel, 1);
}

static void
test_cancel (Fixture *f, gconstpointer data)
{
  atomic_int cancel = 0;
  CancelState cs = { &cancel, 0 };
  KdTrainer *tr = new_trainer (f);
  g_assert_cmpint (kd_trainer_run (tr, &cancel, cancel_after_five, &cs), ==, KD_ERR_CANCELLED);
  KdProgress p;
  kd_trainer_get_progress (tr, &p);
  g_assert_cmpint (p.step, ==, 5);
  g_assert_false (kd_trainer_done (tr));
  /* A cancelled run can be resumed and finishes like an uninterrupted one. */
  atomic_store (&cancel, 0);
  g_assert_cmpint (kd_trainer_run (tr, &cancel, NULL, NULL), ==, KD_OK);
  KdTrainer *ref = new_trainer (f);
  run_to_end (ref);
  assert_same_weights (tr, ref);
  kd_trainer_free (tr);
  kd_trainer_free (ref);
}

static void
test_snapshot (Fixture *f, gconstpointer data)
{
  KdTrainer *tr = new_trainer (f);
  for (int i = 0; i < 10; i++)
    g_assert_cmpint (kd_trainer_step (tr), ==, KD_OK);
  KdSnapshot *snap = kd_trainer_snapshot (tr);
  g_assert_nonnull (snap);
  KdNet *t = kd_trainer_get_net (tr, KD_TEACHER);
  g_assert_cmpmem (snap->params[KD_TEACHER], snap->n_params[KD_TEACHER] * 4, t->params,
                   t->n_params * 4);
  g_assert_cmpint (snap->progress.step, ==, 10);
  g_assert_cmpint (snap->history.n, ==, kd_trainer_get_history (tr)->n);
  float before = snap->params[KD_TEACHER][0];
  for (int i = 0; i < 10; i++)
    kd_trainer_step (tr);
  g_assert_cmpfloat (snap->params[KD_TEACHER][0], ==, before);
  KdSnapshot *next = kd_trainer_snapshot (tr);
  g_assert_cmpuint (next->version, >, snap->version);
  kd_snapshot_ref (snap);
  kd_snapshot_unref (snap);
  kd_snapshot_unref (snap);
  kd_snapshot_unref (next);
  kd_trainer_free (tr);
}

static void
test_online (Fixture *f, gconstpointer data)
{
  f->cfg.mode = KD_MODE_ONLINE;
  KdTrainer *tr = new_trainer (f);
  KdProgress p;
  kd_trainer_get_progress (tr, &p);
  g_assert_cmpint (p.phase, ==, KD_PHASE_JOINT);
  g_assert_cmpint (p.total_steps, ==, 3 * (512 / 32));
  run_to_end (tr);
  KdResults r;
  kd_trainer_get_results (tr, &r);
  for (int m = 0; m < KD_N_MODELS; m++)
    g_assert_cmpfloat (r.accuracy[m], >, 0.8);
  /* Every history point of an online run has a loss for all three models. */
  const KdHistory *h = kd_trainer_get_history (tr);
  for (int i = 0; i < h->n; i++)
    for (int m = 0; m < KD_N_MODELS; m++)
      g_assert_false (isnan (h->points[i].loss[m]));
  kd_trainer_free (tr);
}

static void
test_history_and_anneal (Fixture *f, gconstpointer data)
{
  f->cfg.T0 = 8.0f;
  f->cfg.T1 = 2.0f;
  KdTrainer *tr = new_trainer (f);
  run_to_end (tr);
  const KdHistory *h = kd_trainer_get_history (tr);
  int teacher_pts = 0, evals = 0;
  float first_t = NAN, last_t = NAN;
  for (int i = 0; i < h->n; i++)
    {
      const KdHistoryPoint *p = &h->points[i];
      if (p->phase == KD_PHASE_TEACHER)
        {
          teacher_pts++;
          g_assert_true (isnan (p->loss[KD_STUDENT]) && !isnan (p->loss[KD_TEACHER]));
        }
      else
        {
          g_assert_true (isnan (p->loss[KD_TEACHER]) && !isnan (p->loss[KD_STUDENT]));
          if (isnan (first_t))
            first_t = p->temperature;
          last_t = p->temperature;
        }
      evals += !isnan (p->test_acc[p->phase == KD_PHASE_TEACHER ? KD_TEACHER : KD_BASELINE]);
    }
  g_assert_cmpint (teacher_pts, >, 0);
  g_assert_cmpint (evals, ==, 6); /* one per epoch of each phase */
  /* Temperature falls from near T0 to exactly T1 at the last student step. */
  g_assert_cmpfloat (first_t, >, 7.0f);
  g_assert_cmpfloat (first_t, <=, 8.0f);
  g_assert_cmpfloat_with_epsilon (last_t, 2.0f, 1e-6);
  KdResults r;
  kd_trainer_get_results (tr, &r);
  g_assert_cmpfloat (r.temperature, ==, 2.0f);
  kd_trainer_free (tr);
}

static void
test_config_check (void)
{
  KdTrainConfig cfg;
  char msg[256];
  kd_train_config_default (&cfg);
  g_assert_cmpint (kd_train_config_check (&cfg, msg, sizeof msg), ==, KD_OK);
  cfg.T0 = 0.0f;
  g_assert_cmpint (kd_train_config_check (&cfg, msg, sizeof msg), ==, KD_ERR_INVALID);
  g_assert_nonnull (strstr (msg, "temperature"));
  kd_train_config_default (&cfg);
  cfg.T1 = NAN;
  g_assert_cmpint (kd_train_config_check (&cfg, msg, sizeof msg), ==, KD_ERR_INVALID);
  kd_train_config_default (&cfg);
  cfg.alpha = 1.5f;
  g_assert_cmpint (kd_train_config_check (&cfg, msg, sizeof msg), ==, KD_ERR_INVALID);
  g_assert_nonnull (strstr (msg, "alpha"));
  kd_train_config_default (&cfg);
  cfg.optim.lr = -1.0f;
  g_assert_cmpint (kd_train_config_check (&cfg, msg, sizeof msg), ==, KD_ERR_INVALID);
  g_assert_nonnull (strstr (msg, "learning rate"));
  kd_train_config_default (&cfg);
  cfg.batch = 0;
  g_assert_cmpint (kd_train_config_check (&cfg, msg, sizeof msg), ==, KD_ERR_INVALID);
  g_assert_nonnull (strstr (msg, "batch"));
  kd_train_config_default (&cfg);
  cfg.epochs = 0;
  g_assert_cmpint (kd_train_config_check (&cfg, msg, sizeof msg), ==, KD_ERR_INVALID);
  g_assert_nonnull (strstr (msg, "epochs"));
  kd_train_config_default (&cfg);
  cfg.transfer_limit = -1;
  g_assert_cmpint (kd_train_config_check (&cfg, msg, sizeof msg), ==, KD_ERR_INVALID);
  g_assert_nonnull (strstr (msg, "transfer"));
  cfg.transfer_limit = 1000;
  cfg.mode = KD_MODE_ONLINE;
  g_assert_cmpint (kd_train_config_check (&cfg, msg, sizeof msg), ==, KD_ERR_INVALID);
  g_assert_nonnull (strstr (msg, "offline"));
}

static void
test_bad_arch (Fixture *f, gconstpointer data)
{
  KdTrainer *tr = NULL;
  KdArchError err = { 0 };
  g_strlcpy (f->cfg.student_arch, "fc8-fq", sizeof f->cfg.student_arch);
  g_assert_cmpint (kd_trainer_new (&f->cfg, f->train, f->test, &tr, &err), ==, KD_ERR_ARCH);
  g_assert_null (tr);
  g_assert_cmpint (err.position, ==, 4);
  /* Pooling 1x8 feature vectors cannot work: the error names the pool. */
  g_strlcpy (f->cfg.student_arch, "pool", sizeof f->cfg.student_arch);
  g_assert_cmpint (kd_trainer_new (&f->cfg, f->train, f->test, &tr, &err), ==, KD_ERR_ARCH);
  g_assert_nonnull (strstr (err.message, "pool"));
}

static void
test_set_teacher (Fixture *f, gconstpointer data)
{
  KdTrainer *first = new_trainer (f);
  run_to_end (first);
  KdNet *trained = kd_trainer_get_net (first, KD_TEACHER);
  KdTrainer *tr = new_trainer (f);
  g_assert_cmpint (kd_trainer_set_teacher (tr, trained->params, trained->n_params - 1), ==,
                   KD_ERR_INVALID);
  g_assert_cmpint (kd_trainer_set_teacher (tr, trained->params, trained->n_params), ==, KD_OK);
  KdProgress p;
  kd_trainer_get_progress (tr, &p);
  g_assert_cmpint (p.phase, ==, KD_PHASE_STUDENTS);
  g_assert_cmpint (p.total_steps, ==, 3 * (512 / 32));
  run_to_end (tr);
  KdNet *kept = kd_trainer_get_net (tr, KD_TEACHER);
  g_assert_cmpmem (kept->params, kept->n_params * 4, trained->params, trained->n_params * 4);
  KdResults r;
  kd_trainer_get_results (tr, &r);
  g_assert_cmpfloat (r.accuracy[KD_STUDENT], >, 0.85);
  /* Too late once steps were taken. */
  KdTrainer *late = new_trainer (f);
  kd_trainer_step (late);
  g_assert_cmpint (kd_trainer_set_teacher (late, trained->params, trained->n_params), ==,
                   KD_ERR_INVALID);
  kd_trainer_free (late);
  kd_trainer_free (tr);
  kd_trainer_free (first);
}

static void
test_net_clone (Fixture *f, gconstpointer data)
{
  KdTrainer *tr = new_trainer (f);
  KdNet *net = kd_trainer_get_net (tr, KD_TEACHER), *copy = NULL;
  g_assert_cmpint (kd_net_clone (net, 7, &copy), ==, KD_OK);
  g_assert_cmpint (copy->max_batch, ==, 7);
  g_assert_cmpmem (copy->params, copy->n_params * 4, net->params, net->n_params * 4);
  copy->params[0] += 1.0f;
  g_assert_cmpfloat (copy->params[0], !=, net->params[0]);
  kd_net_free (copy);
  kd_trainer_free (tr);
}

/* Students on a transfer set of the first 100 samples learn exactly what students given only
 * those 100 samples learn, from the same frozen teacher; the teacher still sees all 512. */
static void
test_transfer_set (Fixture *f, gconstpointer data)
{
  f->cfg.transfer_limit = 100;
  KdTrainer *first = new_trainer (f);
  KdProgress p;
  kd_trainer_get_progress (first, &p);
  g_assert_cmpint (p.total_steps, ==, 3 * (512 / 32) + 3 * 4);
  run_to_end (first);
  KdNet *teacher = kd_trainer_get_net (first, KD_TEACHER);
  float *logits = g_new (float, 512 * 4);
  kd_eval_logits (teacher, f->train, logits);

  KdTrainer *limited = new_trainer (f);
  g_assert_cmpint (
      kd_trainer_set_teacher_outputs (limited, teacher->params, teacher->n_params, logits), ==,
      KD_OK);
  kd_trainer_get_progress (limited, &p);
  g_assert_cmpint (p.n_batches, ==, 4);
  run_to_end (limited);

  KdDataset *small = make_blobs (100, 1);
  f->cfg.transfer_limit = 0;
  KdTrainer *alone = NULL;
  g_assert_cmpint (kd_trainer_new (&f->cfg, small, f->test, &alone, NULL), ==, KD_OK);
  g_assert_cmpint (
      kd_trainer_set_teacher_outputs (alone, teacher->params, teacher->n_params, logits), ==,
      KD_OK);
  run_to_end (alone);
  assert_same_weights (limited, alone);

  kd_trainer_free (alone);
  kd_dataset_free (small);
  kd_trainer_free (limited);
  kd_trainer_free (first);
  g_free (logits);
}

#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_setup, fn, fixture_teardown)

int
main (int argc, char **argv)
{
  kd_test_use_fast_blas (argv);
  g_test_init (&argc, &argv, NULL);
  ADD ("/core/train/learns", test_learns);
  ADD ("/core/train/determinism", test_determinism);
  ADD ("/core/train/determinism-conv", test_determinism_conv);
  ADD ("/core/train/same-init", test_same_init);
  ADD ("/core/train/alpha-zero", test_alpha_zero_equals_baseline);
  ADD ("/core/train/divergence", test_divergence);
  ADD ("/core/train/cancel", test_cancel);
  ADD ("/core/train/snapshot", test_snapshot);
  ADD ("/core/train/online", test_online);
  ADD ("/core/train/history-anneal", test_history_and_anneal);
  ADD ("/core/train/bad-arch", test_bad_arch);
  ADD ("/core/train/set-teacher", test_set_teacher);
  ADD ("/core/train/net-clone", test_net_clone);
  ADD ("/core/train/transfer-set", test_transfer_set);
  g_test_add_func ("/core/train/config-check", test_config_check);
  return g_test_run ();
}
