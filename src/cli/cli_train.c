/* distillscope-cli train — the experiment from the command line. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kd_json.h"
#include "kd_loader.h"
#include "kd_session.h"

typedef struct
{
  char *data, *teacher, *student, *mode, *optimizer, *json, *save;
  char *epochs, *teacher_epochs, *temperature, *temperature_end, *alpha, *lr, *momentum;
  char *weight_decay, *batch, *seed, *threads, *train_limit, *test_limit;
  gboolean quiet;
} TrainArgs;

static atomic_int interrupted;

static void
on_sigint (int sig)
{
  (void)sig;
  atomic_store (&interrupted, 1);
}

static void
train_args_clear (TrainArgs *a)
{
  char **fields[] = { &a->data,
                      &a->teacher,
                      &a->student,
                      &a->mode,
                      &a->optimizer,
                      &a->json,
                      &a->save,
                      &a->epochs,
                      &a->teacher_epochs,
                      &a->temperature,
                      &a->temperature_end,
                      &a->alpha,
                      &a->lr,
                      &a->momentum,
                      &a->weight_decay,
                      &a->batch,
                      &a->seed,
                      &a->threads,
                      &a->train_limit,
                      &a->test_limit };
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    g_clear_pointer (fields[i], g_free);
}

/* Parses a finite number in [lo, hi] (open at an end when the flag says so). */
static gboolean
parse_number (const char *opt,
              const char *text,
              double lo,
              gboolean lo_open,
              double hi,
              double *out,
              char **msg)
{
  char *end = NULL;
  errno = 0;
  double v = g_ascii_strtod (text, &end);
  if (errno || end == text || *end != '\0' || !isfinite (v))
    {
      *msg = g_strdup_printf ("%s: “%s” is not a number", opt, text);
      return FALSE;
    }
  if ((lo_open ? v <= lo : v < lo) || v > hi)
    {
      *msg = g_strdup_printf ("%s: %s is out of range; expected %s %g and at most %g", opt, text,
                              lo_open ? "more than" : "at least", lo, hi);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static gboolean
parse_int (const char *opt, const char *text, long lo, long hi, long *out, char **msg)
{
  char *end = NULL;
  errno = 0;
  long long v = g_ascii_strtoll (text, &end, 10);
  if (errno || end == text || *end != '\0')
    {
      *msg = g_strdup_printf ("%s: “%s” is not a whole number", opt, text);
      return FALSE;
    }
  if (v < lo || v > hi)
    {
      *msg = g_strdup_printf ("%s: %s is out of range; expected %ld to %ld", opt, text, lo, hi);
      return FALSE;
    }
  *out = (long)v;
  return TRUE;
}

#define NUM_OPT(field, name, lo, lo_open, hi, dst)                                                 \
  do                                                                                               \
    {                                                                                              \
      double v_;                                                                                   \
      if (a->field && !parse_number (name, a->field, lo, lo_open, hi, &v_, msg))                   \
        return FALSE;                                                                              \
      if (a->field)                                                                                \
        dst = (float)v_;                                                                           \
    }                                                                                              \
  while (0)

#define INT_OPT(field, name, lo, hi, dst)                                                          \
  do                                                                                               \
    {                                                                                              \
      long v_;                                                                                     \
      if (a->field && !parse_int (name, a->field, lo, hi, &v_, msg))                               \
        return FALSE;                                                                              \
      if (a->field)                                                                                \
        dst = v_;                                                                                  \
    }                                                                                              \
  while (0)

static gboolean
parse_choices (const TrainArgs *a, KdTrainConfig *cfg, char **msg)
{
  if (a->mode && strcmp (a->mode, "offline") != 0 && strcmp (a->mode, "online") != 0)
    {
      *msg = g_strdup_printf ("--mode: “%s” is not a mode; expected offline or online", a->mode);
      return FALSE;
    }
  if (a->mode)
    cfg->mode = strcmp (a->mode, "online") == 0 ? KD_MODE_ONLINE : KD_MODE_OFFLINE;
  if (a->optimizer && strcmp (a->optimizer, "adam") != 0 && strcmp (a->optimizer, "sgd") != 0)
    {
      *msg = g_strdup_printf ("--optimizer: “%s” is not an optimizer; expected adam or sgd",
                              a->optimizer);
      return FALSE;
    }
  if (a->optimizer)
    kd_optim_config_default (&cfg->optim,
                             strcmp (a->optimizer, "sgd") == 0 ? KD_OPTIM_SGD : KD_OPTIM_ADAM);
  return TRUE;
}

static gboolean
check_arch (const char *opt, const char *text, char **msg)
{
  KdArch arch;
  KdArchError err;
  if (kd_arch_parse (text, &arch, &err) == KD_OK)
    return TRUE;
  *msg = g_strdup_printf ("%s “%s”: %s", opt, text, err.message);
  return FALSE;
}

static gboolean
config_from_args (const TrainArgs *a, KdTrainConfig *cfg, long *limits, char **msg)
{
  kd_train_config_default (cfg);
  if (!parse_choices (a, cfg, msg))
    return FALSE;
  if (a->teacher && !check_arch ("--teacher", a->teacher, msg))
    return FALSE;
  if (a->student && !check_arch ("--student", a->student, msg))
    return FALSE;
  if (a->teacher)
    g_strlcpy (cfg->teacher_arch, a->teacher, sizeof cfg->teacher_arch);
  if (a->student)
    g_strlcpy (cfg->student_arch, a->student, sizeof cfg->student_arch);
  long v = (long)cfg->seed;
  INT_OPT (epochs, "--epochs", 1, 10000, cfg->epochs);
  INT_OPT (teacher_epochs, "--teacher-epochs", 1, 10000, cfg->teacher_epochs);
  NUM_OPT (temperature, "--temperature", 0.0, TRUE, 1000.0, cfg->T0);
  cfg->T1 = cfg->T0;
  NUM_OPT (temperature_end, "--temperature-end", 0.0, TRUE, 1000.0, cfg->T1);
  NUM_OPT (alpha, "--alpha", 0.0, FALSE, 1.0, cfg->alpha);
  NUM_OPT (lr, "--lr", 0.0, TRUE, 10.0, cfg->optim.lr);
  NUM_OPT (momentum, "--momentum", 0.0, FALSE, 0.999, cfg->optim.momentum);
  NUM_OPT (weight_decay, "--weight-decay", 0.0, FALSE, 0.5, cfg->optim.weight_decay);
  INT_OPT (batch, "--batch", 1, 65536, cfg->batch);
  INT_OPT (threads, "--threads", 1, 256, cfg->threads);
  INT_OPT (seed, "--seed", 0, G_MAXINT32, v);
  cfg->seed = (uint64_t)v;
  INT_OPT (train_limit, "--train-limit", 1, G_MAXINT32, limits[0]);
  INT_OPT (test_limit, "--test-limit", 1, G_MAXINT32, limits[1]);
  char buf[256];
  if (kd_train_config_check (cfg, buf, sizeof buf) != KD_OK)
    {
      *msg = g_strdup (buf);
      return FALSE;
    }
  return TRUE;
}

static GOptionContext *
train_option_context (TrainArgs *a)
{
  const GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_STRING, &a->data,
      "Dataset name or path (default synthetic-digits)", "NAME|PATH" },
    { "teacher", 0, 0, G_OPTION_ARG_STRING, &a->teacher, "Teacher architecture", "ARCH" },
    { "student", 0, 0, G_OPTION_ARG_STRING, &a->student, "Student architecture", "ARCH" },
    { "epochs", 'e', 0, G_OPTION_ARG_STRING, &a->epochs, "Student epochs", "N" },
    { "teacher-epochs", 0, 0, G_OPTION_ARG_STRING, &a->teacher_epochs,
      "Teacher epochs (offline mode)", "N" },
    { "temperature", 'T', 0, G_OPTION_ARG_STRING, &a->temperature, "Temperature (start)", "T" },
    { "temperature-end", 0, 0, G_OPTION_ARG_STRING, &a->temperature_end,
      "Anneal the temperature linearly to T1", "T1" },
    { "alpha", 'a', 0, G_OPTION_ARG_STRING, &a->alpha, "Weight of the soft loss, 0..1", "A" },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &a->mode, "offline or online", "MODE" },
    { "optimizer", 0, 0, G_OPTION_ARG_STRING, &a->optimizer, "adam or sgd", "NAME" },
    { "lr", 0, 0, G_OPTION_ARG_STRING, &a->lr, "Learning rate", "X" },
    { "momentum", 0, 0, G_OPTION_ARG_STRING, &a->momentum, "SGD momentum", "X" },
    { "weight-decay", 0, 0, G_OPTION_ARG_STRING, &a->weight_decay, "L2 weight decay", "X" },
    { "batch", 'b', 0, G_OPTION_ARG_STRING, &a->batch, "Mini-batch size", "N" },
    { "seed", 's', 0, G_OPTION_ARG_STRING, &a->seed, "Random seed", "S" },
    { "threads", 'j', 0, G_OPTION_ARG_STRING, &a->threads, "Threads", "N" },
    { "train-limit", 0, 0, G_OPTION_ARG_STRING, &a->train_limit, "Use the first N training samples",
      "N" },
    { "test-limit", 0, 0, G_OPTION_ARG_STRING, &a->test_limit, "Use the first N test samples",
      "N" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &a->json, "Write results as JSON (- for stdout)",
      "FILE" },
    { "save", 0, 0, G_OPTION_ARG_FILENAME, &a->save, "Write a session file", "FILE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &a->quiet, "No progress bar or table", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("- train teacher, distilled and baseline student");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_set_summary (
      ctx, "Architectures are '-'-separated layers: fcN, convN[kK][sS][pP], pool[K], drop[P];\n"
           "e.g. fc1200-fc1200 or conv32-pool-conv64-pool-fc128. Built-in data: "
           "synthetic-digits,\nspirals, moons, blobs, xor, rings; fashion-mnist when installed; "
           "or an IDX directory / CSV file.");
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
print_table (KdTrainer *tr, const KdResults *r, double elapsed)
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
write_outputs (const TrainArgs *a,
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
    print_table (tr, &r, elapsed);
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

static int
run_experiment (const TrainArgs *a, const KdTrainConfig *cfg, const long *limits)
{
  KdDataset *train = NULL, *test = NULL;
  g_autoptr (GError) error = NULL;
  const char *spec = a->data ? a->data : "synthetic-digits";
  if (!kd_loader_load (spec, cfg->seed, (int)limits[0], (int)limits[1], &train, &test, &error))
    return cli_usage_error ("%s", error->message);
  KdTrainer *tr = NULL;
  KdArchError arch_err = { 0 };
  KdStatus st = kd_trainer_new (cfg, train, test, &tr, &arch_err);
  int rc;
  if (st == KD_ERR_ARCH)
    rc = cli_usage_error ("architecture does not fit the %dx%dx%d input of “%s”: %s", train->c,
                          train->h, train->w, spec, arch_err.message);
  else if (st != KD_OK)
    rc = cli_failure ("cannot set up the experiment: %s", kd_status_to_string (st));
  else
    {
      RunState rs = { .quiet = a->quiet };
      cli_progress_init (&rs.bar);
      signal (SIGINT, on_sigint);
      gint64 t0 = g_get_monotonic_time ();
      st = kd_trainer_run (tr, &interrupted, on_progress, &rs);
      double elapsed = (g_get_monotonic_time () - t0) / 1e6;
      if (!a->quiet)
        cli_progress_finish (&rs.bar);
      rc = st == KD_OK ? write_outputs (a, tr, train, test, limits, elapsed)
                       : report_run_failure (tr, st);
    }
  kd_trainer_free (tr);
  kd_dataset_free (train);
  kd_dataset_free (test);
  return rc;
}

int
cli_train (int argc, char **argv)
{
  TrainArgs a = { 0 };
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
  else if (!config_from_args (&a, &cfg, limits, &msg))
    rc = cli_usage_error ("%s", msg);
  else
    rc = run_experiment (&a, &cfg, limits);
  train_args_clear (&a);
  return rc;
}
