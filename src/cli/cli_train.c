/* distillscope-cli train — the experiment from the command line. */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kd_json.h"
#include "kd_loader.h"
#include "kd_session.h"

static atomic_int interrupted;

static void
on_sigint (int sig)
{
  (void)sig;
  atomic_store (&interrupted, 1);
}

static const char *const train_summary
    = "Architectures are '-'-separated layers: fcN, convN[kK][sS][pP], pool[K], drop[P];\n"
      "e.g. fc1200-fc1200 or conv32-pool-conv64-pool-fc128. Built-in data: synthetic-digits,\n"
      "spirals, moons, blobs, xor, rings; fashion-mnist when installed; or an IDX directory or "
      "CSV file.";

static GOptionContext *
train_option_context (CliTrainArgs *a)
{
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &a->json, "Write results as JSON (- for stdout)",
      "FILE" },
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &a->save, "Write a session file", "FILE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &a->quiet, "No progress bar or table", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("- train teacher, distilled and baseline student");
  g_option_context_set_main_group (ctx, cli_train_option_group (a));
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_summary (ctx, train_summary);
  return ctx;
}

typedef struct
{
  CliProgress bar;
  gboolean quiet;
} RunState;

static void
on_progress (const KdProgress *p, void *user_data)
{
  RunState *rs = user_data;
  if (!rs->quiet)
    cli_progress_update (&rs->bar, p, FALSE);
}

static void
print_table (KdTrainer *tr, const KdResults *r, int n_train, double elapsed)
{
  printf ("%-9s %-32s %10s %9s %10s %10s\n", "model", "architecture", "params", "accuracy",
          "agreement", "KL");
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      KdNet *net = kd_trainer_get_net (tr, (KdModelId)m);
      char arch[256];
      kd_arch_to_string (&net->arch, arch, sizeof arch);
      printf ("%-9s %-32s %10zu %8.2f%% %9.2f%% %10.4f\n", kd_model_name ((KdModelId)m), arch,
              net->n_params, 100.0 * r->accuracy[m], 100.0 * r->agreement[m], r->kl[m]);
    }
  char dur[32];
  cli_format_duration (elapsed, dur, sizeof dur);
  printf ("KL = mean KL(teacher_T || model_T) on the test set at T = %g; agreement = top-1 "
          "agreement with the teacher. Trained in %s.\n",
          (double)r->temperature, dur);
  int transfer = kd_trainer_get_config (tr)->transfer_limit;
  if (transfer > 0 && transfer < n_train)
    printf ("The students learned from a transfer set of the first %d training samples; the "
            "teacher from all %d.\n",
            transfer, n_train);
}

static JsonNode *
model_json (KdTrainer *tr, const KdResults *r, KdModelId m)
{
  KdNet *net = kd_trainer_get_net (tr, m);
  char arch[256];
  kd_arch_to_string (&net->arch, arch, sizeof arch);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "architecture");
  json_builder_add_string_value (b, arch);
  json_builder_set_member_name (b, "parameters");
  json_builder_add_int_value (b, (gint64)net->n_params);
  json_builder_set_member_name (b, "accuracy");
  kd_json_add_double (b, r->accuracy[m]);
  json_builder_set_member_name (b, "agreement");
  kd_json_add_double (b, r->agreement[m]);
  json_builder_set_member_name (b, "kl");
  kd_json_add_double (b, r->kl[m]);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
data_json (const char *spec, const KdDataset *train, const KdDataset *test)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "spec");
  json_builder_add_string_value (b, spec);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, train->name);
  json_builder_set_member_name (b, "train_samples");
  json_builder_add_int_value (b, train->n);
  json_builder_set_member_name (b, "test_samples");
  json_builder_add_int_value (b, test->n);
  json_builder_set_member_name (b, "classes");
  json_builder_add_int_value (b, train->n_classes);
  json_builder_set_member_name (b, "shape");
  json_builder_begin_array (b);
  json_builder_add_int_value (b, train->c);
  json_builder_add_int_value (b, train->h);
  json_builder_add_int_value (b, train->w);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static JsonNode *
results_json (KdTrainer *tr,
              const KdResults *r,
              const char *spec,
              const KdDataset *train,
              const KdDataset *test,
              double elapsed)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "distillscope");
  json_builder_add_string_value (b, PACKAGE_VERSION);
  json_builder_set_member_name (b, "config");
  json_builder_begin_object (b);
  kd_train_config_add_members (b, kd_trainer_get_config (tr));
  json_builder_end_object (b);
  json_builder_set_member_name (b, "data");
  json_builder_add_value (b, data_json (spec, train, test));
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      json_builder_set_member_name (b, kd_model_name ((KdModelId)m));
      json_builder_add_value (b, model_json (tr, r, (KdModelId)m));
    }
  json_builder_set_member_name (b, "temperature");
  kd_json_add_double (b, r->temperature);
  json_builder_set_member_name (b, "elapsed_seconds");
  kd_json_add_double (b, elapsed);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static int
report_run_failure (KdTrainer *tr, KdStatus st)
{
  if (st == KD_ERR_CANCELLED)
    {
      fprintf (stderr, "distillscope-cli: interrupted\n");
      return CLI_EXIT_INTERRUPTED;
    }
  if (st == KD_ERR_DIVERGED)
    {
      KdModelId m;
      long step;
      kd_trainer_divergence (tr, &m, &step);
      return cli_failure ("training diverged: the %s's loss became NaN or infinite at step %ld; "
                          "the last good weights were restored (try a lower --lr)",
                          kd_model_name (m), step + 1);
    }
  return cli_failure ("training failed: %s", kd_status_to_string (st));
}

static int
write_outputs (const CliTrainArgs *a,
               KdTrainer *tr,
               const KdDataset *train,
               const KdDataset *test,
               const long *limits,
               double elapsed)
{
  const char *spec = a->data ? a->data : "synthetic-digits";
  KdResults r;
  if (kd_trainer_get_results (tr, &r) != KD_OK)
    return cli_failure ("out of memory while evaluating");
  if (!a->quiet && g_strcmp0 (a->json, "-") != 0)
    print_table (tr, &r, train->n, elapsed);
  g_autoptr (GError) error = NULL;
  if (a->json)
    {
      g_autoptr (JsonNode) root = results_json (tr, &r, spec, train, test, elapsed);
      if (!cli_write_json (root, a->json, &error))
        return cli_failure ("%s", error->message);
    }
  if (a->save)
    {
      g_autoptr (KdSession) session
          = kd_session_from_trainer (tr, spec, (int)limits[0], (int)limits[1]);
      if (!session || !kd_session_save (session, a->save, &error))
        return cli_failure ("%s", error ? error->message : "out of memory");
    }
  return CLI_EXIT_OK;
}

/* Loads the data and trains; on success *trainer holds the finished run. */
static int
train_run (const CliTrainArgs *a,
           const KdTrainConfig *cfg,
           const long *limits,
           KdTrainer **trainer,
           KdDataset **train,
           KdDataset **test,
           double *elapsed)
{
  g_autoptr (GError) error = NULL;
  const char *spec = a->data ? a->data : "synthetic-digits";
  if (!kd_loader_load (spec, cfg->seed, (int)limits[0], (int)limits[1], train, test, &error))
    return cli_usage_error ("%s", error->message);
  /* Only known once the data is loaded: a transfer set as large as the training set is no
   * transfer set, and silently training on everything would mislabel the results. */
  if (cfg->transfer_limit > 0 && cfg->transfer_limit >= (*train)->n)
    return cli_usage_error ("--transfer-limit %d is not below the %d training samples; leave it "
                            "out to train the students on all of them",
                            cfg->transfer_limit, (*train)->n);
  KdArchError arch_err = { 0 };
  KdStatus st = kd_trainer_new (cfg, *train, *test, trainer, &arch_err);
  if (st == KD_ERR_ARCH)
    return cli_usage_error ("architecture does not fit the %dx%dx%d input of “%s”: %s", (*train)->c,
                            (*train)->h, (*train)->w, spec, arch_err.message);
  if (st != KD_OK)
    return cli_failure ("cannot set up the experiment: %s", kd_status_to_string (st));
  RunState rs = { .quiet = a->quiet };
  cli_progress_init (&rs.bar);
  signal (SIGINT, on_sigint);
  gint64 t0 = g_get_monotonic_time ();
  st = kd_trainer_run (*trainer, &interrupted, on_progress, &rs);
  *elapsed = (g_get_monotonic_time () - t0) / 1e6;
  if (!a->quiet)
    cli_progress_finish (&rs.bar);
  return st == KD_OK ? CLI_EXIT_OK : report_run_failure (*trainer, st);
}

static int
run_experiment (const CliTrainArgs *a, const KdTrainConfig *cfg, const long *limits)
{
  KdDataset *train = NULL, *test = NULL;
  KdTrainer *tr = NULL;
  double elapsed = 0.0;
  int rc = train_run (a, cfg, limits, &tr, &train, &test, &elapsed);
  if (rc == CLI_EXIT_OK)
    rc = write_outputs (a, tr, train, test, limits, elapsed);
  kd_trainer_free (tr);
  kd_dataset_free (train);
  kd_dataset_free (test);
  return rc;
}

int
cli_train_session (const CliTrainArgs *a, KdSession **session, KdDataset **train, KdDataset **test)
{
  KdTrainConfig cfg;
  long limits[2] = { 0, 0 };
  g_autofree char *msg = NULL;
  if (!cli_train_config_from_args (a, &cfg, limits, &msg))
    return cli_usage_error ("%s", msg);
  KdTrainer *tr = NULL;
  double elapsed = 0.0;
  int rc = train_run (a, &cfg, limits, &tr, train, test, &elapsed);
  if (rc == CLI_EXIT_OK)
    {
      *session = kd_session_from_trainer (tr, a->data ? a->data : "synthetic-digits",
                                          (int)limits[0], (int)limits[1]);
      if (!*session)
        rc = cli_failure ("out of memory");
    }
  kd_trainer_free (tr);
  return rc;
}

int
cli_train (int argc, char **argv)
{
  CliTrainArgs a = { 0 };
  GOptionContext *ctx = train_option_context (&a);
  g_autoptr (GError) error = NULL;
  gboolean ok = g_option_context_parse (ctx, &argc, &argv, &error);
  g_option_context_free (ctx);
  int rc;
  KdTrainConfig cfg;
  long limits[2] = { 0, 0 };
  g_autofree char *msg = NULL;
  if (!ok)
    rc = cli_usage_error ("%s", error->message);
  else if (argc > 1)
    rc = cli_usage_error ("unexpected argument “%s”", argv[1]);
  else if (!cli_train_config_from_args (&a, &cfg, limits, &msg)
           || !cli_check_output ("--json", a.json, &msg)
           || !cli_check_output ("--save", a.save, &msg))
    rc = cli_usage_error ("%s", msg);
  else
    rc = run_experiment (&a, &cfg, limits);
  cli_train_args_clear (&a);
  return rc;
}
