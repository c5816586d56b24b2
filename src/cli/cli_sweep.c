/* distillscope-cli sweep — students distilled over a grid of temperatures (and alphas) and
 * seeds from one trained teacher, as in Hinton et al.'s temperature experiments.
 *
 *   distillscope-cli sweep --session FILE --temperatures 1,2,4,8 --seeds 1,2,3 --json -
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "kd_json.h"
#include "kd_loader.h"
#include "kd_sweep.h"

typedef struct
{
  CliTrainArgs train;
  char *session, *temperatures, *alphas, *seeds, *workers, *json, *csv, *points_csv;
  char *sweep_epochs;
} SweepArgs;

static atomic_int sweep_interrupted;

static void
on_sweep_sigint (int sig)
{
  (void)sig;
  atomic_store (&sweep_interrupted, 1);
}

static void
sweep_args_clear (SweepArgs *a)
{
  char **fields[] = { &a->session, &a->temperatures, &a->alphas,     &a->seeds,       &a->workers,
                      &a->json,    &a->csv,          &a->points_csv, &a->sweep_epochs };
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    g_clear_pointer (fields[i], g_free);
  cli_train_args_clear (&a->train);
}

static GOptionContext *
sweep_option_context (SweepArgs *a)
{
  const GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_FILENAME, &a->session,
      "Take the teacher, data and settings from this session (without it, a run is trained "
      "first)",
      "FILE" },
    { "temperatures", 0, 0, G_OPTION_ARG_STRING, &a->temperatures,
      "Comma-separated temperatures (default 1,2,4,8,16)", "LIST" },
    { "alphas", 0, 0, G_OPTION_ARG_STRING, &a->alphas,
      "Comma-separated alphas (default: the session's alpha)", "LIST" },
    { "seeds", 0, 0, G_OPTION_ARG_STRING, &a->seeds, "Comma-separated seeds (default 1,2,3)",
      "LIST" },
    { "sweep-epochs", 0, 0, G_OPTION_ARG_STRING, &a->sweep_epochs,
      "Student epochs per run (default: the session's)", "N" },
    { "workers", 0, 0, G_OPTION_ARG_STRING, &a->workers, "Runs at once (default 2)", "N" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &a->json, "Write JSON (- for stdout)", "FILE" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &a->csv, "Write one CSV row per run", "FILE" },
    { "points-csv", 0, 0, G_OPTION_ARG_FILENAME, &a->points_csv,
      "Write one CSV row per grid point (mean, std, min, max)", "FILE" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &a->train.quiet, "No progress bar", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("- train students over a temperature grid");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, cli_train_option_group (&a->train));
  return ctx;
}

/* Parses "a,b,c" into at most KD_SWEEP_MAX_VALUES numbers in [lo, hi]. */
static gboolean
parse_list (const char *opt,
            const char *text,
            double lo,
            gboolean lo_open,
            double hi,
            double *out,
            int *n,
            char **msg)
{
  g_auto (GStrv) parts = g_strsplit (text, ",", -1);
  *n = 0;
  for (char **p = parts; *p; p++)
    {
      if (*n == KD_SWEEP_MAX_VALUES)
        {
          *msg = g_strdup_printf ("%s: at most %d values", opt, KD_SWEEP_MAX_VALUES);
          return FALSE;
        }
      if (!cli_parse_number (opt, g_strstrip (*p), lo, lo_open, hi, &out[(*n)++], msg))
        return FALSE;
    }
  return TRUE;
}

static gboolean
grid_from_args (const SweepArgs *a, KdSweepConfig *cfg, char **msg)
{
  double v[KD_SWEEP_MAX_VALUES];
  int n = 0;
  if (a->temperatures)
    {
      if (!parse_list ("--temperatures", a->temperatures, 0.0, TRUE, 1000.0, v, &n, msg))
        return FALSE;
      cfg->n_temperatures = n;
      for (int i = 0; i < n; i++)
        cfg->temperatures[i] = (float)v[i];
    }
  if (a->alphas)
    {
      if (!parse_list ("--alphas", a->alphas, 0.0, FALSE, 1.0, v, &n, msg))
        return FALSE;
      cfg->n_alphas = n;
      for (int i = 0; i < n; i++)
        cfg->alphas[i] = (float)v[i];
    }
  if (a->seeds)
    {
      if (!parse_list ("--seeds", a->seeds, 0.0, FALSE, G_MAXINT32, v, &n, msg))
        return FALSE;
      cfg->n_seeds = n;
      for (int i = 0; i < n; i++)
        cfg->seeds[i] = (uint64_t)v[i];
    }
  long w = cfg->workers, e = cfg->train.epochs;
  if (a->workers && !cli_parse_int ("--workers", a->workers, 1, 64, &w, msg))
    return FALSE;
  if (a->sweep_epochs && !cli_parse_int ("--sweep-epochs", a->sweep_epochs, 1, 10000, &e, msg))
    return FALSE;
  cfg->workers = (int)w;
  cfg->train.epochs = (int)e;
  char buf[256];
  if (kd_sweep_config_check (cfg, buf, sizeof buf) != KD_OK)
    {
      *msg = g_strdup (buf);
      return FALSE;
    }
  return TRUE;
}

/* The teacher, data and shared settings: from --session, or from a fresh run. */
static int
load_teacher (const SweepArgs *a, KdSession **session, KdDataset **train, KdDataset **test)
{
  if (!a->session)
    return cli_train_session (&a->train, session, train, test);
  g_autoptr (GError) error = NULL;
  *session = kd_session_load (a->session, &error);
  if (!*session)
    return cli_usage_error ("%s", error->message);
  const KdSession *s = *session;
  if (!kd_loader_load (s->data_spec, s->config.seed, s->train_limit, s->test_limit, train, test,
                       &error))
    return cli_usage_error ("the data of “%s” cannot be loaded: %s", a->session, error->message);
  return CLI_EXIT_OK;
}

typedef struct
{
  gboolean enabled;
  gint64 last_us;
} SweepBar;

static void
on_sweep_progress (const KdSweepProgress *p, void *user_data)
{
  SweepBar *bar = user_data;
  gint64 now = g_get_monotonic_time ();
  gboolean last = p->runs_finished == p->runs_total;
  if (!bar->enabled || (!last && now - bar->last_us < 100000))
    return;
  bar->last_us = now;
  double frac = p->steps_total > 0 ? (double)p->steps_done / p->steps_total : 0.0;
  char eta[32] = "--";
  if (frac > 0.0)
    cli_format_duration (p->elapsed / frac * (1.0 - frac), eta, sizeof eta);
  char cells[29];
  for (int i = 0; i < 28; i++)
    cells[i] = i < (int)(frac * 28) ? '#' : '.';
  cells[28] = '\0';
  fprintf (stderr, "\rsweep: %d/%d runs [%s] %3.0f%%  ETA %-8s", p->runs_finished, p->runs_total,
           cells, 100.0 * frac, eta);
  fflush (stderr);
}

static void
add_stat (JsonBuilder *b, const KdSweepStat *s)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "mean");
  kd_json_add_double (b, s->mean);
  json_builder_set_member_name (b, "std");
  kd_json_add_double (b, s->std);
  json_builder_set_member_name (b, "min");
  kd_json_add_double (b, s->min);
  json_builder_set_member_name (b, "max");
  kd_json_add_double (b, s->max);
  json_builder_end_object (b);
}

static void
add_metric_stats (JsonBuilder *b, const char *name, const KdSweepStat *stats)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  for (int k = 0; k < KD_SWEEP_N_METRICS; k++)
    {
      json_builder_set_member_name (b, kd_sweep_metric_name (k));
      add_stat (b, &stats[k]);
    }
  json_builder_end_object (b);
}

static void
add_metric_values (JsonBuilder *b, const char *name, const double *v)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  for (int k = 0; k < KD_SWEEP_N_METRICS; k++)
    {
      json_builder_set_member_name (b, kd_sweep_metric_name (k));
      kd_json_add_double (b, v[k]);
    }
  json_builder_end_object (b);
}

static void
add_points (JsonBuilder *b, const KdSweepResult *r)
{
  json_builder_set_member_name (b, "points");
  json_builder_begin_array (b);
  for (int i = 0; i < r->n_points; i++)
    {
      const KdSweepPoint *p = &r->points[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "temperature");
      kd_json_add_float (b, p->temperature);
      json_builder_set_member_name (b, "alpha");
      kd_json_add_float (b, p->alpha);
      json_builder_set_member_name (b, "runs");
      json_builder_add_int_value (b, p->n);
      add_metric_stats (b, "student", p->student);
      add_metric_stats (b, "baseline", p->baseline);
      json_builder_set_member_name (b, "gain");
      add_stat (b, &p->gain);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_runs (JsonBuilder *b, const KdSweepResult *r)
{
  json_builder_set_member_name (b, "runs");
  json_builder_begin_array (b);
  for (int i = 0; i < r->n_runs; i++)
    {
      const KdSweepRun *run = &r->runs[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "temperature");
      kd_json_add_float (b, run->temperature);
      json_builder_set_member_name (b, "alpha");
      kd_json_add_float (b, run->alpha);
      json_builder_set_member_name (b, "seed");
      json_builder_add_int_value (b, (gint64)run->seed);
      json_builder_set_member_name (b, "state");
      json_builder_add_string_value (b, kd_sweep_run_state_name (run->state));
      add_metric_values (b, "student", run->student);
      add_metric_values (b, "baseline", run->baseline);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static JsonNode *
sweep_json (const KdSweepResult *r)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "student_arch");
  json_builder_add_string_value (b, r->config.train.student_arch);
  json_builder_set_member_name (b, "teacher_arch");
  json_builder_add_string_value (b, r->config.train.teacher_arch);
  json_builder_set_member_name (b, "epochs");
  json_builder_add_int_value (b, r->config.train.epochs);
  json_builder_set_member_name (b, "complete");
  json_builder_add_boolean_value (b, !r->cancelled);
  add_metric_values (b, "teacher", r->teacher);
  add_points (b, r);
  add_runs (b, r);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static gboolean
write_csv (const KdSweepResult *r, KdSweepTable table, const char *path, GError **error)
{
  size_t len = 0;
  kd_sweep_format_csv (r, table, NULL, 0, &len);
  g_autofree char *text = g_malloc (len + 1);
  kd_sweep_format_csv (r, table, text, len + 1, &len);
  if (g_strcmp0 (path, "-") == 0)
    {
      fwrite (text, 1, len, stdout);
      return TRUE;
    }
  if (g_file_set_contents_full (path, text, (gssize)len, G_FILE_SET_CONTENTS_CONSISTENT, 0644,
                                error))
    return TRUE;
  g_prefix_error (error, "cannot write “%s”: ", path);
  return FALSE;
}

static void
print_summary (const KdSweepResult *r)
{
  printf ("%8s %6s %5s  %-17s %-17s %-17s %-9s\n", "T", "alpha", "runs", "student accuracy",
          "baseline accuracy", "agreement", "KL");
  for (int i = 0; i < r->n_points; i++)
    {
      const KdSweepPoint *p = &r->points[i];
      printf ("%8g %6g %5d  %6.2f%% ± %5.2f   %6.2f%% ± %5.2f   %6.2f%% ± %5.2f   %.4f\n",
              (double)p->temperature, (double)p->alpha, p->n,
              100 * p->student[KD_SWEEP_ACCURACY].mean, 100 * p->student[KD_SWEEP_ACCURACY].std,
              100 * p->baseline[KD_SWEEP_ACCURACY].mean, 100 * p->baseline[KD_SWEEP_ACCURACY].std,
              100 * p->student[KD_SWEEP_AGREEMENT].mean, 100 * p->student[KD_SWEEP_AGREEMENT].std,
              p->student[KD_SWEEP_KL].mean);
    }
  printf ("Teacher accuracy %.2f%%. ± is the standard deviation over seeds.\n",
          100 * r->teacher[KD_SWEEP_ACCURACY]);
}

static int
write_sweep_outputs (const SweepArgs *a, const KdSweepResult *r)
{
  g_autoptr (GError) error = NULL;
  if (!a->train.quiet && g_strcmp0 (a->json, "-") != 0 && g_strcmp0 (a->csv, "-") != 0)
    print_summary (r);
  if (a->json)
    {
      g_autoptr (JsonNode) root = sweep_json (r);
      if (!cli_write_json (root, a->json, &error))
        return cli_failure ("%s", error->message);
    }
  if (a->csv && !write_csv (r, KD_SWEEP_TABLE_RUNS, a->csv, &error))
    return cli_failure ("%s", error->message);
  if (a->points_csv && !write_csv (r, KD_SWEEP_TABLE_POINTS, a->points_csv, &error))
    return cli_failure ("%s", error->message);
  return CLI_EXIT_OK;
}

static int
run_sweep (const SweepArgs *a, KdSession *s, const KdDataset *train, const KdDataset *test)
{
  KdSweepConfig cfg;
  kd_sweep_config_default (&cfg);
  cfg.train = s->config;
  cfg.train.alpha = s->config.alpha;
  g_autofree char *msg = NULL;
  if (!grid_from_args (a, &cfg, &msg))
    return cli_usage_error ("%s", msg);
  SweepBar bar = { .enabled = !a->train.quiet && isatty (fileno (stderr)) };
  KdSweepResult *res = NULL;
  const KdNet *teacher = s->nets[KD_TEACHER];
  signal (SIGINT, on_sweep_sigint);
  KdStatus st = kd_sweep_run (&cfg, train, test, teacher->params, teacher->n_params,
                              on_sweep_progress, &bar, &sweep_interrupted, &res);
  if (bar.enabled)
    fprintf (stderr, "\r%*s\r", 72, "");
  if (st != KD_OK && st != KD_ERR_CANCELLED)
    return cli_failure ("the sweep failed: %s", kd_status_to_string (st));
  int rc = write_sweep_outputs (a, res);
  if (st == KD_ERR_CANCELLED && rc == CLI_EXIT_OK)
    {
      fprintf (stderr, "distillscope-cli: interrupted; %d of %d runs finished\n", res->n_done,
               res->n_runs);
      rc = CLI_EXIT_INTERRUPTED;
    }
  kd_sweep_result_free (res);
  return rc;
}

int
cli_sweep (int argc, char **argv)
{
  SweepArgs a = { 0 };
  g_autoptr (GOptionContext) octx = sweep_option_context (&a);
  g_autoptr (GError) error = NULL;
  KdSession *session = NULL;
  KdDataset *train = NULL, *test = NULL;
  g_autofree char *msg = NULL;
  int rc;
  if (!g_option_context_parse (octx, &argc, &argv, &error))
    rc = cli_usage_error ("%s", error->message);
  else if (argc > 1)
    rc = cli_usage_error ("unexpected argument “%s”", argv[1]);
  else if (!cli_check_output ("--json", a.json, &msg) || !cli_check_output ("--csv", a.csv, &msg)
           || !cli_check_output ("--points-csv", a.points_csv, &msg))
    rc = cli_usage_error ("%s", msg);
  else
    rc = load_teacher (&a, &session, &train, &test);
  if (rc == CLI_EXIT_OK)
    rc = run_sweep (&a, session, train, test);
  g_clear_pointer (&session, kd_session_free);
  kd_dataset_free (train);
  kd_dataset_free (test);
  sweep_args_clear (&a);
  return rc;
}
