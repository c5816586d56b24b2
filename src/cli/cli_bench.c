/* distillscope-cli bench — training throughput of the canonical teachers.
 *
 * Times full training steps (batch fill, forward, cross-entropy, backward, Adam) on random
 * 28x28 images, and the OpenBLAS sgemm rate on exactly the GEMM shapes of the MLP's step, so
 * the share of the attainable GEMM rate can be read off one run. The GEMMs are timed twice:
 * on OpenBLAS's own threads, and split over Distillscope's pool as training runs them; the
 * reference is the faster of the two, so the share never gains from a slow reference (OpenBLAS's
 * spinning threads collapse when other processes load the cores). Training and reference are
 * timed in alternating rounds, so that both see the same machine (bench_model).
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_bench.h"
#include "kd_blas.h"
#include "kd_json.h"
#include "kd_loss.h"

typedef struct
{
  const char *name;
  const char *arch;
} BenchModel;

static const BenchModel bench_models[] = {
  { "mlp", "fc1200-fc1200" },
  { "cnn", "conv32-pool-conv64-pool-fc128" },
};

/* A model's figures over all its rounds (see bench_model). */
typedef struct
{
  double samples_per_sec, gflops, step_ms;
  double sgemm_openblas, sgemm_split; /* medians over the rounds */
  double share, share_min, share_max; /* training GFLOP/s over the round's sgemm rate */
  int rounds;
} BenchResult;

KdDataset *
cli_bench_random_images (int n, guint64 seed)
{
  KdDataset *ds = kd_dataset_new (n, 1, 28, 28, 10, 1);
  KdRng rng;
  kd_rng_seed (&rng, seed);
  for (size_t i = 0; i < (size_t)n * 784; i++)
    ds->pixels[i] = (uint8_t)kd_rng_below (&rng, 256);
  for (int i = 0; i < n; i++)
    ds->labels[i] = (uint8_t)kd_rng_below (&rng, 10);
  kd_dataset_compute_norm (ds);
  return ds;
}

/* Training FLOPs per sample: forward, weight gradients and input gradients of every layer
 * but the first (which needs none). */
static double
train_flops (const KdNet *net)
{
  double fwd = kd_net_forward_flops (net);
  for (int i = 0; i < net->n_layers; i++)
    {
      const KdNetLayer *l = &net->layers[i];
      if (l->w_count)
        return 3.0 * fwd - 2.0 * (double)l->w_count * l->out_h * l->out_w;
    }
  return 3.0 * fwd;
}

/* A model being benchmarked: its network, optimizer and one batch's buffers. */
typedef struct
{
  KdNet *net;
  KdOptim *opt;
  KdDataset *ds;
  int32_t *idx;
  float *x, *dlogits;
  uint8_t *y;
  int B;
  long steps;
} BenchRun;

static void
bench_run_free (BenchRun *r)
{
  free (r->idx), free (r->x), free (r->dlogits), free (r->y);
  kd_dataset_free (r->ds);
  kd_optim_free (r->opt);
  kd_net_free (r->net);
}

/* One full training step: batch fill, forward, cross-entropy, backward and Adam. */
static void
bench_run_step (BenchRun *r)
{
  for (int i = 0; i < r->B; i++)
    r->idx[i] = (int32_t)((r->steps * r->B + i) % r->ds->n);
  r->steps++;
  kd_dataset_fill_batch (r->ds, r->idx, r->B, r->x, r->y);
  const float *logits = kd_net_forward (r->net, r->x, r->B);
  kd_cross_entropy (logits, r->y, r->B, r->net->n_classes, r->dlogits);
  kd_optim_backward_step (r->opt, r->net, r->dlogits, r->B);
}

static int
bench_run_init (BenchRun *r, const BenchModel *bm, int B)
{
  memset (r, 0, sizeof *r);
  KdArch arch;
  KdOptimConfig oc;
  kd_optim_config_default (&oc, KD_OPTIM_ADAM);
  if (kd_arch_parse (bm->arch, &arch, NULL) != KD_OK
      || kd_net_new (&arch, 1, 28, 28, 10, B, &r->net) != KD_OK
      || kd_optim_new (&oc, r->net->n_params, &r->opt) != KD_OK)
    {
      bench_run_free (r);
      return cli_failure ("cannot build the %s benchmark model", bm->name);
    }
  KdRng rng;
  kd_rng_seed (&rng, 1);
  kd_net_init_weights (r->net, &rng);
  r->net->training = true;
  r->B = B;
  r->ds = cli_bench_random_images (B * 16, 7);
  r->idx = malloc ((size_t)B * sizeof *r->idx);
  r->x = malloc ((size_t)B * 784 * sizeof *r->x);
  r->dlogits = malloc ((size_t)B * 10 * sizeof *r->dlogits);
  r->y = malloc ((size_t)B);
  for (int s = 0; s < 3; s++)
    bench_run_step (r);
  return CLI_EXIT_OK;
}

/* Trains for about `seconds`; returns the seconds it took (r->steps counts the steps). */
static double
bench_run_for (BenchRun *r, double seconds)
{
  gint64 t0 = g_get_monotonic_time (), t1;
  do
    bench_run_step (r);
  while ((t1 = g_get_monotonic_time ()) - t0 < (gint64)(seconds * 1e6));
  return (t1 - t0) / 1e6;
}

/* One training step's GEMMs of the MLP teacher 784-1200-1200-10 at batch B. */
static double
mlp_step_gemms (float *a, float *b, float *c, int B)
{
  static const int dims[] = { 784, 1200, 1200, 10 };
  double flops = 0.0;
  for (int l = 0; l < 3; l++)
    {
      int I = dims[l], O = dims[l + 1];
      kd_sgemm (false, true, B, O, I, 1.0f, a, I, b, I, 0.0f, c, O);
      kd_sgemm (true, false, O, I, B, 1e-6f, c, O, a, I, 1.0f, b, I);
      flops += 4.0 * B * I * O;
      if (l > 0)
        {
          kd_sgemm (false, false, B, I, O, 1.0f, c, O, b, I, 0.0f, a, I);
          flops += 2.0 * B * I * O;
        }
    }
  return flops;
}

static double
sgemm_rate (int B, double seconds, bool openblas_threads)
{
  kd_blas_use_openblas_threads (openblas_threads);
  size_t big = 1200 * 1200;
  float *a = calloc (big, sizeof (float)), *b = calloc (big, sizeof (float));
  float *c = calloc (big, sizeof (float));
  for (size_t i = 0; i < big; i++)
    a[i] = b[i] = c[i] = 1e-3f * (float)(i % 97);
  mlp_step_gemms (a, b, c, B);
  double flops = 0.0;
  gint64 t0 = g_get_monotonic_time (), t1;
  do
    flops += mlp_step_gemms (a, b, c, B);
  while ((t1 = g_get_monotonic_time ()) - t0 < (gint64)(seconds * 1e6));
  free (a), free (b), free (c);
  kd_blas_use_openblas_threads (false);
  /* OpenBLAS's idle threads spin (sched_yield) for about 0.1 s after their last GEMM; they
   * must not eat into the next measurement. */
  if (openblas_threads)
    g_usleep (300 * 1000);
  return flops / ((t1 - t0) / 1e6) / 1e9;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double
median (double *v, int n)
{
  qsort (v, (size_t)n, sizeof *v, compare_doubles);
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Length of one round: long enough for hundreds of MLP steps. */
#define BENCH_ROUND_SECONDS 0.5
#define BENCH_MAX_ROUNDS 64

/* Measures a model in rounds, each timing the sgemm reference (both ways) and then `seconds /
 * rounds` of training. On a shared machine the speed available to us drifts by tens of percent
 * within seconds; a share computed from a reference timed at another moment inherits that
 * drift, while each round's reference and training see nearly the same machine. The share is
 * the median over the rounds; throughput counts all training steps over all training time. */
static int
bench_model (const BenchModel *bm, int B, double seconds, BenchResult *res)
{
  BenchRun run;
  if (bench_run_init (&run, bm, B) != CLI_EXIT_OK)
    return CLI_EXIT_FAILURE;
  int rounds = (int)lround (seconds / BENCH_ROUND_SECONDS);
  rounds = rounds < 1 ? 1 : rounds > BENCH_MAX_ROUNDS ? BENCH_MAX_ROUNDS : rounds;
  double slice = seconds / rounds, flops = train_flops (run.net), train_s = 0.0;
  double share[BENCH_MAX_ROUNDS], own[BENCH_MAX_ROUNDS], split[BENCH_MAX_ROUNDS];
  long steps0 = run.steps;
  for (int i = 0; i < rounds; i++)
    {
      own[i] = sgemm_rate (B, slice / 2, true);
      split[i] = sgemm_rate (B, slice / 2, false);
      long before = run.steps;
      double dt = bench_run_for (&run, slice);
      train_s += dt;
      double gflops = flops * (double)(run.steps - before) * B / dt / 1e9;
      share[i] = gflops / fmax (own[i], split[i]);
    }
  long steps = run.steps - steps0;
  res->rounds = rounds;
  res->samples_per_sec = (double)steps * B / train_s;
  res->step_ms = train_s / (double)steps * 1e3;
  res->gflops = flops * res->samples_per_sec / 1e9;
  res->sgemm_openblas = median (own, rounds);
  res->sgemm_split = median (split, rounds);
  res->share = median (share, rounds); /* sorts share: min and max are its ends */
  res->share_min = share[0];
  res->share_max = share[rounds - 1];
  bench_run_free (&run);
  return CLI_EXIT_OK;
}

static void
add_double_member (JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name (b, name);
  kd_json_add_double (b, value);
}

static JsonNode *
bench_json (int threads, int B, const BenchModel **models, const BenchResult *res, int n)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "threads");
  json_builder_add_int_value (b, threads);
  json_builder_set_member_name (b, "batch");
  json_builder_add_int_value (b, B);
  json_builder_set_member_name (b, "blas_core");
  json_builder_add_string_value (b, kd_blas_core_name ());
  /* The first model's reference, for readers of the older single-reference report. */
  add_double_member (b, "sgemm_gflops", fmax (res[0].sgemm_openblas, res[0].sgemm_split));
  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    {
      const BenchResult *r = &res[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, models[i]->name);
      json_builder_set_member_name (b, "arch");
      json_builder_add_string_value (b, models[i]->arch);
      add_double_member (b, "samples_per_sec", r->samples_per_sec);
      add_double_member (b, "step_ms", r->step_ms);
      add_double_member (b, "gflops", r->gflops);
      json_builder_set_member_name (b, "rounds");
      json_builder_add_int_value (b, r->rounds);
      add_double_member (b, "sgemm_gflops", fmax (r->sgemm_openblas, r->sgemm_split));
      add_double_member (b, "sgemm_openblas_gflops", r->sgemm_openblas);
      add_double_member (b, "sgemm_split_gflops", r->sgemm_split);
      add_double_member (b, "sgemm_share", r->share);
      add_double_member (b, "sgemm_share_min", r->share_min);
      add_double_member (b, "sgemm_share_max", r->share_max);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static int
select_models (const char *which, const BenchModel **out)
{
  int n = 0;
  for (gsize i = 0; i < G_N_ELEMENTS (bench_models); i++)
    if (!which || strcmp (which, "all") == 0 || strcmp (which, bench_models[i].name) == 0)
      out[n++] = &bench_models[i];
  return n;
}

int
cli_bench (int argc, char **argv)
{
  int threads = 2, B = 128;
  gboolean analyses = FALSE, figures = FALSE;
  g_autofree char *session = NULL;
  double seconds = 3.0;
  g_autofree char *which = NULL, *json = NULL;
  const GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &which, "mlp, cnn or all (default)", "NAME" },
    { "threads", 'j', 0, G_OPTION_ARG_INT, &threads, "Threads (default 2)", "N" },
    { "batch", 'b', 0, G_OPTION_ARG_INT, &B, "Batch size (default 128)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds,
      "Training seconds per model, timed in rounds of 0.5 s (default 3)", "S" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &json, "Write JSON (- for stdout)", "FILE" },
    { "analyses", 0, 0, G_OPTION_ARG_NONE, &analyses,
      "Time the analyses (soft labels, Integrated Gradients, CKA, display sweep) instead", NULL },
    { "figures", 0, 0, G_OPTION_ARG_NONE, &figures,
      "Time every figure's painter at 1280x800 and the sheet's PDF export instead", NULL },
    { "session", 0, 0, G_OPTION_ARG_FILENAME, &session,
      "Session the figures show (default: a small run trained first)", "FILE" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- measure training throughput");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_autoptr (GError) error = NULL;
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    return cli_usage_error ("%s", error->message);
  if (threads < 1 || threads > 256 || B < 1 || B > 65536 || !(seconds > 0 && seconds <= 600))
    return cli_usage_error ("--threads must be 1..256, --batch 1..65536, --seconds in (0, 600]");
  if (analyses)
    return cli_bench_analyses (threads, json);
  if (figures)
    return cli_bench_figures (session, threads, json);
  const BenchModel *models[G_N_ELEMENTS (bench_models)];
  int n = select_models (which, models);
  if (n == 0)
    return cli_usage_error ("--model: “%s” is not mlp, cnn or all", which);
  kd_blas_set_threads (threads);
  BenchResult res[G_N_ELEMENTS (bench_models)];
  for (int i = 0; i < n; i++)
    if (bench_model (models[i], B, seconds, &res[i]) != CLI_EXIT_OK)
      return CLI_EXIT_FAILURE;
  if (json)
    {
      g_autoptr (JsonNode) root = bench_json (threads, B, models, res, n);
      if (!cli_write_json (root, json, &error))
        return cli_failure ("%s", error->message);
      if (strcmp (json, "-") == 0)
        return CLI_EXIT_OK;
    }
  printf ("threads %d, batch %d, OpenBLAS kernel %s; sgemm on the MLP step's shapes, timed in "
          "each round: OpenBLAS's threads vs split over Distillscope's\n",
          threads, B, kd_blas_core_name ());
  printf ("%-5s %-30s %10s %8s %8s %15s %7s %12s\n", "model", "architecture", "samples/s",
          "ms/step", "GFLOP/s", "sgemm own/split", "rounds", "of sgemm");
  for (int i = 0; i < n; i++)
    {
      const BenchResult *r = &res[i];
      printf ("%-5s %-30s %10.0f %8.2f %8.1f %7.1f/%-7.1f %7d %4.0f%% (%.0f-%.0f)\n",
              models[i]->name, models[i]->arch, r->samples_per_sec, r->step_ms, r->gflops,
              r->sgemm_openblas, r->sgemm_split, r->rounds, 100.0 * r->share, 100.0 * r->share_min,
              100.0 * r->share_max);
    }
  return CLI_EXIT_OK;
}
