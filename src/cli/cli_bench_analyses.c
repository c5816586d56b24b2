/* distillscope-cli bench --analyses — the speed targets of the analyses, on the canonical
 * Fashion-MNIST-sized models: an fc1200-fc1200 teacher and fc32 students.
 *
 * Weights are random (timings do not depend on training) and inputs random 28x28 images, so
 * the benchmark needs no data set. Each figure is the best of several repeats: the machines
 * are shared, and the minimum is the most repeatable estimate of what the code costs.
 */
#include "config.h"

#include <stdio.h>

#include "cli.h"
#include "cli_bench.h"
#include "kd_blas.h"
#include "kd_cka.h"
#include "kd_eval.h"
#include "kd_json.h"
#include "kd_saliency.h"
#include "kd_softlabels.h"

typedef struct
{
  KdNet *nets[KD_N_MODELS];
  KdDataset *test;
} BenchSetup;

static KdNet *
random_net (const char *arch_text, int max_batch, guint64 seed)
{
  KdArch arch;
  KdNet *net = NULL;
  if (kd_arch_parse (arch_text, &arch, NULL) != KD_OK
      || kd_net_new (&arch, 1, 28, 28, 10, max_batch, &net) != KD_OK)
    return NULL;
  KdRng rng;
  kd_rng_seed (&rng, seed);
  kd_net_init_weights (net, &rng);
  return net;
}

static gboolean
setup (BenchSetup *s)
{
  s->nets[KD_TEACHER] = random_net ("fc1200-fc1200", 256, 1);
  s->nets[KD_STUDENT] = random_net ("fc32", 256, 2);
  s->nets[KD_BASELINE] = random_net ("fc32", 256, 3);
  s->test = cli_bench_random_images (10000, 11);
  return s->nets[0] && s->nets[1] && s->nets[2] && s->test;
}

static void
teardown (BenchSetup *s)
{
  for (int m = 0; m < KD_N_MODELS; m++)
    kd_net_free (s->nets[m]);
  kd_dataset_free (s->test);
}

typedef double (*BenchFunc) (BenchSetup *s);

/* Best wall time in seconds of `repeats` calls. */
static double
best_of (BenchFunc fn, BenchSetup *s, int repeats)
{
  double best = G_MAXDOUBLE;
  for (int r = 0; r < repeats; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      fn (s);
      best = MIN (best, (g_get_monotonic_time () - t0) / 1e6);
    }
  return best;
}

/* Soft labels of the 10,000 test images for the teacher at one T: forward passes plus one
 * softmax per row. */
static double
soft_labels_10k (BenchSetup *s)
{
  KdNet *t = s->nets[KD_TEACHER];
  g_autofree float *logits = g_new (float, (gsize)s->test->n * 10);
  kd_eval_logits (t, s->test, logits);
  kd_softlabels_from_logits (logits, s->test->n, 10, 4.0f, logits);
  return logits[0];
}

static double
ig_one_sample (BenchSetup *s)
{
  float x[784], map[784];
  int32_t idx = 0;
  kd_dataset_fill_batch (s->test, &idx, 1, x, NULL);
  KdSaliencyConfig cfg;
  kd_saliency_config_default (&cfg, KD_SALIENCY_INTEGRATED_GRADIENTS);
  cfg.steps = 32;
  for (int m = 0; m < KD_N_MODELS; m++)
    kd_saliency_compute (s->nets[m], x, s->test->labels[0], &cfg, map, NULL);
  return map[0];
}

static double
cka_2000 (BenchSetup *s)
{
  KdCkaResult *r = NULL;
  kd_cka_compare (s->nets, s->test, NULL, 2000, 0, NULL, &r);
  double v = r ? r->cka[KD_CKA_TEACHER_STUDENT][0] : 0.0;
  kd_cka_result_free (r);
  return v;
}

static double
display_sweep_50 (BenchSetup *s)
{
  float logits[10], temps[50], probs[500];
  double entropy[50];
  for (int k = 0; k < 10; k++)
    logits[k] = (float)k - 4.5f;
  kd_temperature_sweep (logits, 10, 0.5, 50.0, 50, temps, probs, entropy);
  return entropy[0];
}

static const struct
{
  const char *name, *what;
  BenchFunc fn;
  double target_s;
  int repeats;
} analyses[] = {
  { "softlabels_10k", "soft labels, 10,000 test images, teacher", soft_labels_10k, 0.5, 5 },
  { "ig32_three_models", "Integrated Gradients (32 steps), 1 sample, 3 models", ig_one_sample,
    0.030, 20 },
  { "cka_2000", "CKA, all layer pairs, 2,000 samples", cka_2000, 1.0, 5 },
  { "tsweep_50", "display sweep, 50 temperatures", display_sweep_50, 0.005, 50 },
};

int
cli_bench_analyses (int threads, const char *json)
{
  BenchSetup s = { 0 };
  kd_blas_set_threads (threads);
  if (!setup (&s))
    {
      teardown (&s);
      return cli_failure ("cannot set up the analysis benchmark");
    }
  double secs[G_N_ELEMENTS (analyses)];
  for (gsize i = 0; i < G_N_ELEMENTS (analyses); i++)
    secs[i] = best_of (analyses[i].fn, &s, analyses[i].repeats);
  teardown (&s);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "threads");
  json_builder_add_int_value (b, threads);
  for (gsize i = 0; i < G_N_ELEMENTS (analyses); i++)
    {
      json_builder_set_member_name (b, analyses[i].name);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "seconds");
      kd_json_add_double (b, secs[i]);
      json_builder_set_member_name (b, "target_seconds");
      kd_json_add_double (b, analyses[i].target_s);
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  if (json)
    {
      g_autoptr (JsonNode) root = json_builder_get_root (b);
      g_autoptr (GError) error = NULL;
      if (!cli_write_json (root, json, &error))
        return cli_failure ("%s", error->message);
      if (g_strcmp0 (json, "-") == 0)
        return CLI_EXIT_OK;
    }
  printf ("%-54s %12s %12s %7s %s\n", "analysis", "best", "target", "ratio", "met");
  for (gsize i = 0; i < G_N_ELEMENTS (analyses); i++)
    printf ("%-54s %9.2f ms %9.2f ms %6.2fx %s\n", analyses[i].what, secs[i] * 1e3,
            analyses[i].target_s * 1e3, analyses[i].target_s / secs[i],
            secs[i] <= analyses[i].target_s ? "yes" : "no");
  return CLI_EXIT_OK;
}
