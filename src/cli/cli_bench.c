/* distillscope-cli bench — training throughput of the canonical teachers.
 *
 * Times full training steps (batch fill, forward, cross-entropy, backward, Adam) on random
 * 28x28 images, and the OpenBLAS sgemm rate on exactly the GEMM shapes of the MLP's step, so
 * the share of the attainable GEMM rate can be read off one run. The GEMMs are timed twice:
 * on OpenBLAS's own threads, and split over Distillscope's pool as training runs them; the
 * reference is the faster of the two, so the share never gains from a slow reference (OpenBLAS's
 * spinning threads collapse when other processes load the cores).
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

typedef struct
{
  double samples_per_sec, gflops, step_ms;
  long steps;
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

static void
train_step (KdNet *net,
            KdOptim *opt,
            const KdDataset *ds,
            int32_t *idx,
            int B,
            int step,
            float *x,
            uint8_t *y,
            float *dlogits)
{
  for (int i = 0; i < B; i++)
    idx[i] = (step * B + i) % ds->n;
  kd_dataset_fill_batch (ds, idx, B, x, y);
  const float *logits = kd_net_forward (net, x, B);
  kd_cross_entropy (logits, y, B, net->n_classes, dlogits);
  kd_optim_backward_step (opt, net, dlogits, B);
}

static int
bench_model (const BenchModel *bm, int B, double seconds, BenchResult *res)
{
  KdArch arch;
  KdNet *net = NULL;
  KdOptim *opt = NULL;
  KdOptimConfig oc;
  kd_optim_config_default (&oc, KD_OPTIM_ADAM);
  if (kd_arch_parse (bm->arch, &arch, NULL) != KD_OK
      || kd_net_new (&arch, 1, 28, 28, 10, B, &net) != KD_OK
      || kd_optim_new (&oc, net->n_params, &opt) != KD_OK)
    {
      kd_net_free (net);
      return cli_failure ("cannot build the %s benchmark model", bm->name);
    }
  KdRng rng;
  kd_rng_seed (&rng, 1);
  kd_net_init_weights (net, &rng);
  net->training = true;
  KdDataset *ds = cli_bench_random_images (B * 16, 7);
  int32_t *idx = malloc ((size_t)B * sizeof *idx);
  float *x = malloc ((size_t)B * 784 * sizeof *x);
  float *dl = malloc ((size_t)B * 10 * sizeof *dl);
  uint8_t *y = malloc ((size_t)B);
  for (int s = 0; s < 3; s++)
    train_step (net, opt, ds, idx, B, s, x, y, dl);
  long steps = 0;
  gint64 t0 = g_get_monotonic_time (), t1;
  do
    train_step (net, opt, ds, idx, B, (int)steps++, x, y, dl);
  while ((t1 = g_get_monotonic_time ()) - t0 < (gint64)(seconds * 1e6));
  double dt = (t1 - t0) / 1e6;
  res->steps = steps;
  res->samples_per_sec = steps * B / dt;
  res->step_ms = dt / steps * 1e3;
  res->gflops = train_flops (net) * res->samples_per_sec / 1e9;
  free (idx), free (x), free (dl), free (y);
  kd_dataset_free (ds);
  kd_optim_free (opt);
  kd_net_free (net);
  return CLI_EXIT_OK;
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

static JsonNode *
bench_json (int threads,
            int B,
            const double sgemm[2],
            const BenchModel **models,
            const BenchResult *res,
            int n)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "threads");
  json_builder_add_int_value (b, threads);
  json_builder_set_member_name (b, "batch");
  json_builder_add_int_value (b, B);
  json_builder_set_member_name (b, "blas_core");
  json_builder_add_string_value (b, kd_blas_core_name ());
  json_builder_set_member_name (b, "sgemm_gflops");
  kd_json_add_double (b, fmax (sgemm[0], sgemm[1]));
  json_builder_set_member_name (b, "sgemm_openblas_gflops");
  kd_json_add_double (b, sgemm[0]);
  json_builder_set_member_name (b, "sgemm_split_gflops");
  kd_json_add_double (b, sgemm[1]);
  json_builder_set_member_name (b, "results");
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, models[i]->name);
      json_builder_set_member_name (b, "arch");
      json_builder_add_string_value (b, models[i]->arch);
      json_builder_set_member_name (b, "samples_per_sec");
      kd_json_add_double (b, res[i].samples_per_sec);
      json_builder_set_member_name (b, "step_ms");
      kd_json_add_double (b, res[i].step_ms);
      json_builder_set_member_name (b, "gflops");
      kd_json_add_double (b, res[i].gflops);
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
    { "seconds", 0, 0, G_OPTION_ARG_DOUBLE, &seconds, "Time per measurement (default 3)", "S" },
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
  double sgemm[2] = { sgemm_rate (B, seconds / 2, true), sgemm_rate (B, seconds / 2, false) };
  BenchResult res[G_N_ELEMENTS (bench_models)];
  for (int i = 0; i < n; i++)
    if (bench_model (models[i], B, seconds, &res[i]) != CLI_EXIT_OK)
      return CLI_EXIT_FAILURE;
  if (json)
    {
      g_autoptr (JsonNode) root = bench_json (threads, B, sgemm, models, res, n);
      if (!cli_write_json (root, json, &error))
        return cli_failure ("%s", error->message);
      if (strcmp (json, "-") == 0)
        return CLI_EXIT_OK;
    }
  double best = fmax (sgemm[0], sgemm[1]);
  printf ("threads %d, batch %d, OpenBLAS kernel %s; sgemm on the MLP step's shapes: %.1f "
          "GFLOP/s (OpenBLAS's threads %.1f, split over Distillscope's %.1f)\n",
          threads, B, kd_blas_core_name (), best, sgemm[0], sgemm[1]);
  printf ("%-5s %-32s %12s %10s %10s %8s\n", "model", "architecture", "samples/s", "ms/step",
          "GFLOP/s", "of sgemm");
  for (int i = 0; i < n; i++)
    printf ("%-5s %-32s %12.0f %10.2f %10.1f %7.0f%%\n", models[i]->name, models[i]->arch,
            res[i].samples_per_sec, res[i].step_ms, res[i].gflops, 100.0 * res[i].gflops / best);
  return CLI_EXIT_OK;
}
