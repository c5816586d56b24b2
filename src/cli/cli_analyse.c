/* distillscope-cli analyse — the analyses of a saved session (or of a fresh run) as JSON.
 *
 *   distillscope-cli analyse --session FILE --what LIST --json -
 *
 * LIST is comma-separated from softlabels, similarity, tsweep, saliency, agreement, sanity,
 * cka, pca, metrics, and boundary for 2-D data; the JSON has one top-level object per name.
 */
#include "config.h"

#include <string.h>

#include "cli_analyse.h"
#include "kd_eval.h"
#include "kd_json.h"
#include "kd_loader.h"

typedef struct
{
  const char *name;
  AnalyseSection run;
} SectionEntry;

static const SectionEntry sections[] = {
  { "softlabels", analyse_softlabels },
  { "similarity", analyse_similarity },
  { "tsweep", analyse_tsweep },
  { "saliency", analyse_saliency },
  { "agreement", analyse_agreement },
  { "sanity", analyse_sanity },
  { "cka", analyse_cka },
  { "pca", analyse_pca },
  { "boundary", analyse_boundary },
  { "metrics", analyse_metrics },
};

typedef struct
{
  CliTrainArgs train;
  char *session, *what, *json;
  char *sample, *samples, *temperature, *methods, *target, *ig_steps, *ig_baseline;
  char *smooth_n, *smooth_sigma, *topk, *t_min, *t_max, *t_points;
} AnalyseArgs;

static void
analyse_args_clear (AnalyseArgs *a)
{
  char **fields[]
      = { &a->session, &a->what,   &a->json,     &a->sample,      &a->samples,  &a->temperature,
          &a->methods, &a->target, &a->ig_steps, &a->ig_baseline, &a->smooth_n, &a->smooth_sigma,
          &a->topk,    &a->t_min,  &a->t_max,    &a->t_points };
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    g_clear_pointer (fields[i], g_free);
  cli_train_args_clear (&a->train);
}

static GOptionContext *
analyse_option_context (AnalyseArgs *a)
{
  const GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_FILENAME, &a->session,
      "Session file to analyse (without it, a run is trained first)", "FILE" },
    { "what", 'w', 0, G_OPTION_ARG_STRING, &a->what,
      "Comma-separated analyses: softlabels, similarity, tsweep, saliency, agreement, sanity, "
      "cka, pca, metrics, boundary (2-D data) (default metrics)",
      "LIST" },
    { "json", 0, 0, G_OPTION_ARG_FILENAME, &a->json, "Write JSON (- for stdout, the default)",
      "FILE" },
    { "sample", 0, 0, G_OPTION_ARG_STRING, &a->sample, "Test sample to look at (default 0)", "N" },
    { "samples", 0, 0, G_OPTION_ARG_STRING, &a->samples,
      "Test samples for dataset-level analyses (default 1000)", "N" },
    { "temperature", 'T', 0, G_OPTION_ARG_STRING, &a->temperature,
      "Temperature (default: the session's final one)", "T" },
    { "t-min", 0, 0, G_OPTION_ARG_STRING, &a->t_min, "Display sweep from (default 0.5)", "T" },
    { "t-max", 0, 0, G_OPTION_ARG_STRING, &a->t_max, "Display sweep to (default 50)", "T" },
    { "t-points", 0, 0, G_OPTION_ARG_STRING, &a->t_points, "Display sweep points (default 50)",
      "N" },
    { "methods", 0, 0, G_OPTION_ARG_STRING, &a->methods,
      "Saliency methods: gradient, gradxinput, smoothgrad, ig (default all)", "LIST" },
    { "target", 0, 0, G_OPTION_ARG_STRING, &a->target,
      "Saliency target class: true, pred or teacher (default true)", "WHICH" },
    { "ig-steps", 0, 0, G_OPTION_ARG_STRING, &a->ig_steps, "Integrated Gradients steps (32)", "N" },
    { "ig-baseline", 0, 0, G_OPTION_ARG_STRING, &a->ig_baseline,
      "Integrated Gradients baseline: zeros, mean or blur (default zeros)", "NAME" },
    { "smooth-n", 0, 0, G_OPTION_ARG_STRING, &a->smooth_n, "SmoothGrad samples (default 25)", "N" },
    { "smooth-sigma", 0, 0, G_OPTION_ARG_STRING, &a->smooth_sigma,
      "SmoothGrad noise, share of the input range (default 0.15)", "S" },
    { "topk", 0, 0, G_OPTION_ARG_STRING, &a->topk, "Top-k overlap share of pixels (default 0.1)",
      "P" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &a->train.quiet, "No progress bar while training", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new ("- analyse a session");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, cli_train_option_group (&a->train));
  return ctx;
}

static const SectionEntry *
find_section (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (sections); i++)
    if (strcmp (sections[i].name, name) == 0)
      return &sections[i];
  return NULL;
}

/* Splits and checks --what; every name must be known. */
static char **
parse_what (const char *what, char **msg)
{
  g_auto (GStrv) names = g_strsplit (what ? what : "metrics", ",", -1);
  for (char **p = names; *p; p++)
    {
      g_strstrip (*p);
      if (!find_section (*p))
        {
          g_autofree char *known = NULL;
          GString *list = g_string_new (NULL);
          for (gsize i = 0; i < G_N_ELEMENTS (sections); i++)
            g_string_append_printf (list, "%s%s", i ? ", " : "", sections[i].name);
          known = g_string_free (list, FALSE);
          *msg = g_strdup_printf ("--what: “%s” is not an analysis; expected %s", *p, known);
          return NULL;
        }
    }
  return g_steal_pointer (&names);
}

#define GET_INT(field, opt, lo, hi, dst, dflt)                                                     \
  do                                                                                               \
    {                                                                                              \
      long v_ = (dflt);                                                                            \
      if (a->field && !cli_parse_int (opt, a->field, lo, hi, &v_, msg))                            \
        return FALSE;                                                                              \
      dst = (int)v_;                                                                               \
    }                                                                                              \
  while (0)

#define GET_NUM(field, opt, lo, lo_open, hi, dst, dflt)                                            \
  do                                                                                               \
    {                                                                                              \
      double v_ = (dflt);                                                                          \
      if (a->field && !cli_parse_number (opt, a->field, lo, lo_open, hi, &v_, msg))                \
        return FALSE;                                                                              \
      dst = v_;                                                                                    \
    }                                                                                              \
  while (0)

static gboolean
check_choice (const char *opt, const char *value, const char *const *choices, char **msg)
{
  if (!value || g_strv_contains (choices, value))
    return TRUE;
  g_autofree char *list = g_strjoinv (", ", (char **)choices);
  *msg = g_strdup_printf ("%s: “%s” is not one of %s", opt, value, list);
  return FALSE;
}

/* Options that do not depend on the data. */
static gboolean
parse_analysis_options (const AnalyseArgs *a, AnalyseCtx *ctx, char **msg)
{
  static const char *const targets[] = { "true", "pred", "teacher", NULL };
  static const char *const baselines[] = { "zeros", "mean", "blur", NULL };
  static const char *const methods[] = { "gradient", "gradxinput", "smoothgrad", "ig", NULL };
  double T = 0.0;
  GET_INT (samples, "--samples", 2, 1000000, ctx->samples, 1000);
  GET_NUM (temperature, "--temperature", 0.0, TRUE, 1000.0, T, 0.0);
  ctx->T = (float)T;
  GET_NUM (t_min, "--t-min", 0.0, TRUE, 1000.0, ctx->t_min, 0.5);
  GET_NUM (t_max, "--t-max", 0.0, TRUE, 1000.0, ctx->t_max, 50.0);
  GET_INT (t_points, "--t-points", 1, 10000, ctx->t_points, 50);
  GET_INT (ig_steps, "--ig-steps", 1, 4096, ctx->ig_steps, 32);
  GET_INT (smooth_n, "--smooth-n", 1, 4096, ctx->smooth_n, 25);
  GET_NUM (smooth_sigma, "--smooth-sigma", 0.0, FALSE, 10.0, ctx->smooth_sigma, 0.15);
  GET_NUM (topk, "--topk", 0.0, TRUE, 1.0, ctx->topk, 0.1);
  if (ctx->t_min > ctx->t_max)
    {
      *msg = g_strdup_printf ("--t-min (%g) must not exceed --t-max (%g)", ctx->t_min, ctx->t_max);
      return FALSE;
    }
  if (!check_choice ("--target", a->target, targets, msg)
      || !check_choice ("--ig-baseline", a->ig_baseline, baselines, msg))
    return FALSE;
  ctx->target = g_strdup (a->target ? a->target : "true");
  ctx->ig_baseline = g_strdup (a->ig_baseline ? a->ig_baseline : "zeros");
  ctx->methods
      = g_strsplit (a->methods ? a->methods : "gradient,gradxinput,smoothgrad,ig", ",", -1);
  for (char **p = ctx->methods; *p; p++)
    if (!check_choice ("--methods", g_strstrip (*p), methods, msg))
      return FALSE;
  return TRUE;
}

void
cli_analyse_ctx_clear (AnalyseCtx *ctx)
{
  for (int m = 0; m < KD_N_MODELS; m++)
    g_free (ctx->logits[m]);
  g_clear_pointer (&ctx->session, kd_session_free);
  kd_dataset_free (ctx->train);
  kd_dataset_free (ctx->test);
  g_strfreev (ctx->methods);
  g_free (ctx->target);
  g_free (ctx->ig_baseline);
  g_free (ctx->mean_input);
  g_free (ctx->sweep_json);
}

/* The session's networks and data, either from `session` or from a fresh run. */
int
cli_analyse_ctx_load (AnalyseCtx *ctx, const char *session, const CliTrainArgs *train)
{
  if (!session)
    return cli_train_session (train, &ctx->session, &ctx->train, &ctx->test);
  g_autoptr (GError) error = NULL;
  ctx->session = kd_session_load (session, &error);
  if (!ctx->session)
    return cli_usage_error ("%s", error->message);
  const KdSession *s = ctx->session;
  if (!kd_loader_load (s->data_spec, s->config.seed, s->train_limit, s->test_limit, &ctx->train,
                       &ctx->test, &error))
    return cli_usage_error ("the data of “%s” cannot be loaded: %s", session, error->message);
  if (ctx->test->n_classes != s->nets[KD_TEACHER]->n_classes
      || kd_dataset_dim (ctx->test) != kd_net_in_dim (s->nets[KD_TEACHER]))
    return cli_usage_error ("the data “%s” no longer fits the networks of “%s”", s->data_spec,
                            session);
  return CLI_EXIT_OK;
}

/* Test-set logits of the three models, once: most analyses start from them. */
int
cli_analyse_ctx_logits (AnalyseCtx *ctx)
{
  ctx->K = ctx->test->n_classes;
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      ctx->nets[m] = ctx->session->nets[m];
      ctx->logits[m] = g_new (float, (gsize)ctx->test->n * ctx->K);
      if (kd_eval_logits (ctx->nets[m], ctx->test, ctx->logits[m]) != KD_OK)
        return cli_failure ("out of memory while evaluating the %s", kd_model_name (m));
    }
  return CLI_EXIT_OK;
}

int
cli_analyse_ctx_finish (AnalyseCtx *ctx, const char *sample_text)
{
  g_autofree char *msg = NULL;
  long sample = 0;
  if (sample_text && !cli_parse_int ("--sample", sample_text, 0, ctx->test->n - 1, &sample, &msg))
    return cli_usage_error ("%s", msg);
  ctx->sample = (int)sample;
  ctx->samples = MIN (ctx->samples, ctx->test->n);
  if (ctx->T <= 0.0f)
    ctx->T
        = ctx->session->have_results ? ctx->session->results.temperature : ctx->session->config.T1;
  ctx->seed = ctx->session->config.seed;
  return CLI_EXIT_OK;
}

static int
run_sections (AnalyseCtx *ctx, char **names, const char *json_path)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  for (char **p = names; *p; p++)
    {
      g_autoptr (GError) error = NULL;
      json_builder_set_member_name (b, *p);
      if (!find_section (*p)->run (ctx, b, &error))
        return cli_failure ("%s: %s", *p, error->message);
    }
  json_builder_end_object (b);
  g_autoptr (JsonNode) root = json_builder_get_root (b);
  g_autoptr (GError) error = NULL;
  if (!cli_write_json (root, json_path ? json_path : "-", &error))
    return cli_failure ("%s", error->message);
  return CLI_EXIT_OK;
}

int
cli_analyse (int argc, char **argv)
{
  AnalyseArgs a = { 0 };
  AnalyseCtx ctx = { 0 };
  g_autoptr (GOptionContext) octx = analyse_option_context (&a);
  g_autoptr (GError) error = NULL;
  g_autofree char *msg = NULL;
  g_auto (GStrv) names = NULL;
  int rc = CLI_EXIT_OK;
  if (!g_option_context_parse (octx, &argc, &argv, &error))
    rc = cli_usage_error ("%s", error->message);
  else if (argc > 1)
    rc = cli_usage_error ("unexpected argument “%s”", argv[1]);
  else if (!(names = parse_what (a.what, &msg)) || !parse_analysis_options (&a, &ctx, &msg)
           || !cli_check_output ("--json", a.json, &msg))
    rc = cli_usage_error ("%s", msg);
  if (rc == CLI_EXIT_OK)
    rc = cli_analyse_ctx_load (&ctx, a.session, &a.train);
  if (rc == CLI_EXIT_OK)
    rc = cli_analyse_ctx_finish (&ctx, a.sample);
  if (rc == CLI_EXIT_OK)
    rc = cli_analyse_ctx_logits (&ctx);
  if (rc == CLI_EXIT_OK)
    rc = run_sections (&ctx, names, a.json);
  cli_analyse_ctx_clear (&ctx);
  analyse_args_clear (&a);
  return rc;
}
