/* distillscope-cli figure / report — any figure of a session as PNG, SVG or PDF (with its
 * numbers as CSV), and a multi-page PDF report of all of them. The painters are the very ones
 * the desktop app draws on screen. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli_figure.h"

typedef struct
{
  CliTrainArgs train;
  char *session, *output, *format, *width, *height, *dpi, *style, *sample, *temperature;
  char *model, *pair, *csv, *samples, *sweep;
  gboolean list, overlay, per_map_scale;
} FigureArgs;

static void
figure_args_clear (FigureArgs *a)
{
  char **fields[]
      = { &a->session, &a->output, &a->format, &a->width, &a->height,      &a->dpi,     &a->style,
          &a->sample,  &a->model,  &a->pair,   &a->csv,   &a->temperature, &a->samples, &a->sweep };
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    g_clear_pointer (fields[i], g_free);
  cli_train_args_clear (&a->train);
}

static GOptionContext *
figure_option_context (FigureArgs *a, gboolean report)
{
  const GOptionEntry entries[] = {
    { "session", 0, 0, G_OPTION_ARG_FILENAME, &a->session,
      "Session to draw (without it, a run is trained first)", "FILE" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &a->output, "Output file", "FILE" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &a->format,
      "png, svg or pdf (default: from the file name)", "FORMAT" },
    { "width", 0, 0, G_OPTION_ARG_STRING, &a->width,
      report ? "Width of every page in pixels (default: each figure's own shape)"
             : "Width in pixels (default 1280)",
      "W" },
    { "height", 0, 0, G_OPTION_ARG_STRING, &a->height,
      report ? "Height of every page in pixels (default: each figure's own shape)"
             : "Height in pixels (default 800)",
      "H" },
    { "dpi", 0, 0, G_OPTION_ARG_STRING, &a->dpi,
      "Pixels per inch (default 96; same layout at any dpi)", "DPI" },
    { "style", 0, 0, G_OPTION_ARG_STRING, &a->style, "light, dark or presentation", "STYLE" },
    { "sample", 0, 0, G_OPTION_ARG_STRING, &a->sample, "Test sample (default 0)", "N" },
    { "samples", 0, 0, G_OPTION_ARG_STRING, &a->samples,
      "Test samples for dataset-level figures (default 300)", "N" },
    { "temperature", 'T', 0, G_OPTION_ARG_STRING, &a->temperature,
      "Temperature (default: the session's)", "T" },
    { "model", 0, 0, G_OPTION_ARG_STRING, &a->model,
      "teacher, student or baseline, for per-model figures", "MODEL" },
    { "pair", 0, 0, G_OPTION_ARG_STRING, &a->pair,
      "CKA pair: teacher_student, teacher_baseline, student_baseline, teacher_teacher", "PAIR" },
    { "csv", 0, 0, G_OPTION_ARG_FILENAME, &a->csv, "Also write the figure's numbers as CSV",
      "FILE" },
    { "sweep", 0, 0, G_OPTION_ARG_FILENAME, &a->sweep,
      "Results of `sweep --json`, for the sweep figure and the sheet", "FILE" },
    { "overlay", 0, 0, G_OPTION_ARG_NONE, &a->overlay,
      "Saliency maps over the input instead of beside it", NULL },
    { "per-map-scale", 0, 0, G_OPTION_ARG_NONE, &a->per_map_scale,
      "Scale each saliency map on its own instead of one scale per method", NULL },
    { "list", 'l', 0, G_OPTION_ARG_NONE, &a->list, "List the figures", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &a->train.quiet, "No progress bar while training", NULL },
    { NULL },
  };
  GOptionContext *ctx = g_option_context_new (report ? "- write every figure of a session "
                                                       "into one PDF"
                                                     : "NAME - draw one figure of a session");
  g_option_context_add_main_entries (ctx, entries, NULL);
  g_option_context_add_group (ctx, cli_train_option_group (&a->train));
  return ctx;
}

static void
print_list (void)
{
  int n;
  const CliFigureEntry *e = cli_figure_entries (&n);
  for (int i = 0; i < n; i++)
    printf ("%-14s %s\n", e[i].name, e[i].description);
}

static gboolean
check_choice (const char *opt, const char *value, const char *const *choices, char **msg)
{
  if (!value || g_strv_contains (choices, value))
    return TRUE;
  g_autofree char *list = g_strjoinv (", ", (char **)choices);
  *msg = g_strdup_printf ("%s: “%s” is not one of %s", opt, value, list);
  return FALSE;
}

typedef struct
{
  FigExportOptions opts;
  FigStyle style;
  FigFormat format;
} Output;

static gboolean
parse_output (const FigureArgs *a, Output *out, gboolean need_path, char **msg)
{
  static const char *const models[] = { "teacher", "student", "baseline", NULL };
  static const char *const pairs[]
      = { "teacher_student", "teacher_baseline", "student_baseline", "teacher_teacher", NULL };
  static const char *const formats[] = { "png", "svg", "pdf", NULL };
  long w = 1280, h = 800;
  double dpi = 96.0;
  if ((a->width && !cli_parse_int ("--width", a->width, 16, 16384, &w, msg))
      || (a->height && !cli_parse_int ("--height", a->height, 16, 16384, &h, msg))
      || (a->dpi && !cli_parse_number ("--dpi", a->dpi, 10.0, FALSE, 2400.0, &dpi, msg))
      || !check_choice ("--model", a->model, models, msg)
      || !check_choice ("--pair", a->pair, pairs, msg)
      || !check_choice ("--format", a->format, formats, msg))
    return FALSE;
  FigTheme theme = FIG_THEME_LIGHT;
  if (a->style && !fig_theme_from_name (a->style, &theme))
    {
      *msg = g_strdup_printf ("--style: “%s” is not one of light, dark, presentation", a->style);
      return FALSE;
    }
  fig_style_init (&out->style, theme);
  fig_export_options_init (&out->opts);
  out->opts.width = (int)w, out->opts.height = (int)h, out->opts.dpi = dpi;
  if (need_path && !a->output)
    {
      *msg = g_strdup ("no output file; give one with -o FILE");
      return FALSE;
    }
  if (!cli_check_output ("-o", a->output, msg) || !cli_check_output ("--csv", a->csv, msg))
    return FALSE;
  out->format = FIG_FORMAT_PDF;
  if (a->format)
    out->format = g_str_equal (a->format, "png")   ? FIG_FORMAT_PNG
                  : g_str_equal (a->format, "svg") ? FIG_FORMAT_SVG
                                                   : FIG_FORMAT_PDF;
  else if (a->output && !fig_format_from_path (a->output, &out->format))
    {
      *msg = g_strdup_printf ("“%s”: cannot tell the format from the name; end it in .png, "
                              ".svg or .pdf, or give --format",
                              a->output);
      return FALSE;
    }
  return TRUE;
}

/* Provenance in the PNG text chunks and PDF keywords: what was drawn, from what. */
typedef struct
{
  FigMetadata items[6];
  char *values[6];
} Provenance;

static void
provenance_init (Provenance *p, const AnalyseCtx *ctx)
{
  const KdTrainConfig *c = &ctx->session->config;
  const char *keys[] = { "Dataset", "Teacher", "Student", "Temperature", "Alpha", "Seed" };
  p->values[0] = g_strdup (ctx->session->data_spec);
  p->values[1] = g_strdup (c->teacher_arch);
  p->values[2] = g_strdup (c->student_arch);
  p->values[3] = g_strdup_printf ("%g", (double)ctx->T);
  p->values[4] = g_strdup_printf ("%g", (double)c->alpha);
  p->values[5] = g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64)c->seed);
  for (int i = 0; i < 6; i++)
    p->items[i] = (FigMetadata){ keys[i], p->values[i] };
}

static void
provenance_clear (Provenance *p)
{
  for (int i = 0; i < 6; i++)
    g_free (p->values[i]);
}

static int
open_session (const FigureArgs *a, AnalyseCtx *ctx)
{
  g_autofree char *msg = NULL;
  double T = 0.0;
  if (a->temperature
      && !cli_parse_number ("--temperature", a->temperature, 0.0, TRUE, 1000.0, &T, &msg))
    return cli_usage_error ("%s", msg);
  long samples = 300;
  if (a->samples && !cli_parse_int ("--samples", a->samples, 2, 1000000, &samples, &msg))
    return cli_usage_error ("%s", msg);
  cli_figure_ctx_defaults (ctx);
  ctx->T = (float)T;
  ctx->samples = (int)samples;
  ctx->sweep_json = g_strdup (a->sweep);
  ctx->overlay = a->overlay;
  ctx->per_map_scale = a->per_map_scale;
  int rc = cli_analyse_ctx_load (ctx, a->session, &a->train);
  if (rc == CLI_EXIT_OK)
    rc = cli_analyse_ctx_finish (ctx, a->sample);
  if (rc == CLI_EXIT_OK)
    rc = cli_analyse_ctx_logits (ctx);
  return rc;
}

static int
write_figure (const FigureArgs *a, AnalyseCtx *ctx, const CliFigureEntry *entry, Output *out)
{
  CliFigure fig = { .model = a->model, .pair = a->pair };
  g_autoptr (GError) error = NULL;
  int rc = CLI_EXIT_OK;
  if (!cli_figure_build (entry, ctx, &fig, &error))
    rc = cli_failure ("%s: %s", entry->name, error->message);
  const FigInfo *info = rc == CLI_EXIT_OK ? fig_registry_get (fig.kind) : NULL;
  Provenance prov;
  provenance_init (&prov, ctx);
  out->opts.metadata = prov.items;
  out->opts.n_metadata = 6;
  out->opts.title = entry->name;
  if (info
      && !fig_export (a->output, out->format, &out->opts, info->paint, &fig.data, &out->style,
                      &error))
    rc = cli_failure ("%s", error->message);
  if (info && rc == CLI_EXIT_OK && a->csv)
    {
      g_autoptr (GString) text = g_string_new (NULL);
      info->csv (&fig.data, text);
      if (!fig_export_text (a->csv, text->str, (gssize)text->len, &error))
        rc = cli_failure ("%s", error->message);
    }
  provenance_clear (&prov);
  cli_figure_clear (&fig);
  return rc;
}

int
cli_figure (int argc, char **argv)
{
  FigureArgs a = { 0 };
  AnalyseCtx ctx = { 0 };
  g_autoptr (GOptionContext) octx = figure_option_context (&a, FALSE);
  g_autoptr (GError) error = NULL;
  g_autofree char *msg = NULL;
  Output out;
  const CliFigureEntry *entry = NULL;
  int rc = CLI_EXIT_OK;
  if (!g_option_context_parse (octx, &argc, &argv, &error))
    rc = cli_usage_error ("%s", error->message);
  else if (a.list)
    print_list ();
  else if (argc != 2)
    rc = cli_usage_error (argc < 2 ? "which figure? give a NAME (see --list)"
                                   : "one figure at a time (unexpected “%s”)",
                          argc < 2 ? "" : argv[2]);
  else if (!(entry = cli_figure_find (argv[1])))
    rc = cli_usage_error ("“%s” is not a figure (see --list)", argv[1]);
  else if (!parse_output (&a, &out, TRUE, &msg))
    rc = cli_usage_error ("%s", msg);
  else if ((rc = open_session (&a, &ctx)) == CLI_EXIT_OK)
    {
      /* The comparison sheet holds eight panels: give it a page's room unless told. */
      if (g_str_equal (entry->name, "sheet") && !a.width && !a.height)
        out.opts.width = 1600, out.opts.height = 1000;
      rc = write_figure (&a, &ctx, entry, &out);
    }
  cli_analyse_ctx_clear (&ctx);
  figure_args_clear (&a);
  return rc;
}

/* ---- report ------------------------------------------------------------------------------ */

typedef struct
{
  const char *name, *model, *pair;
  const char *title; /* the page's entry in the PDF's outline */
} ReportPage;

static const ReportPage report_pages[] = {
  { "training", NULL, NULL, "Training curves" },
  { "soft-labels", NULL, NULL, "Soft labels" },
  { "temperature", "teacher", NULL, "Against temperature: teacher" },
  { "temperature", "student", NULL, "Against temperature: distilled student" },
  { "temperature", "baseline", NULL, "Against temperature: baseline student" },
  { "similarity", "teacher", NULL, "Class similarity: teacher" },
  { "similarity", "student", NULL, "Class similarity: distilled student" },
  { "similarity", "baseline", NULL, "Class similarity: baseline student" },
  { "confusion", "teacher", NULL, "Confusion matrix: teacher" },
  { "confusion", "student", NULL, "Confusion matrix: distilled student" },
  { "confusion", "baseline", NULL, "Confusion matrix: baseline student" },
  { "reliability", NULL, NULL, "Reliability diagrams" },
  { "cka", NULL, "teacher_student", "Linear CKA: teacher and distilled student" },
  { "cka", NULL, "teacher_baseline", "Linear CKA: teacher and baseline student" },
  { "saliency", NULL, NULL, "Saliency maps" },
  { "agreement", NULL, NULL, "Saliency agreement" },
  { "sanity", "teacher", NULL, "Saliency sanity check: teacher" },
  { "sanity", "student", NULL, "Saliency sanity check: distilled student" },
  { "activations", NULL, NULL, "Activations" },
  { "pca", NULL, NULL, "PCA of the last hidden layer" },
  { "boundary", NULL, NULL, "Decision boundaries" },
  { "sweep", NULL, NULL, "Temperature sweep" },
  { "sheet", NULL, NULL, "Comparison sheet" },
};

static int
write_report (const FigureArgs *a, AnalyseCtx *ctx, Output *out)
{
  enum
  {
    N = G_N_ELEMENTS (report_pages)
  };
  CliFigure figs[N] = { { 0 } };
  FigPage pages[N];
  int n = 0, rc = CLI_EXIT_OK;
  g_autoptr (GError) error = NULL;
  for (int i = 0; i < N && rc == CLI_EXIT_OK; i++)
    {
      const ReportPage *p = &report_pages[i];
      figs[n].model = p->model, figs[n].pair = p->pair;
      if (!cli_figure_build (cli_figure_find (p->name), ctx, &figs[n], &error))
        {
          /* A session without history has no training page; the rest still make a report. */
          g_clear_error (&error);
          continue;
        }
      /* Each page in its figure's proportions, unless a size was asked for. */
      pages[n] = (FigPage){ fig_registry_get (figs[n].kind)->paint, &figs[n].data };
      pages[n].title = p->title;
      if (!a->width && !a->height)
        {
          fig_natural_size (figs[n].kind, &figs[n].data, &pages[n].width, &pages[n].height);
          pages[n].width = (int)lround (pages[n].width * out->opts.dpi / 96.0);
          pages[n].height = (int)lround (pages[n].height * out->opts.dpi / 96.0);
        }
      n++;
    }
  Provenance prov;
  provenance_init (&prov, ctx);
  out->opts.metadata = prov.items;
  out->opts.n_metadata = 6;
  out->opts.title = "Distillscope report";
  if (!fig_export_pdf_pages (a->output, &out->opts, pages, n, &out->style, &error))
    rc = cli_failure ("%s", error->message);
  provenance_clear (&prov);
  for (int i = 0; i < N; i++)
    cli_figure_clear (&figs[i]);
  return rc;
}

int
cli_report (int argc, char **argv)
{
  FigureArgs a = { 0 };
  AnalyseCtx ctx = { 0 };
  g_autoptr (GOptionContext) octx = figure_option_context (&a, TRUE);
  g_autoptr (GError) error = NULL;
  g_autofree char *msg = NULL;
  Output out;
  int rc = CLI_EXIT_OK;
  if (!g_option_context_parse (octx, &argc, &argv, &error))
    rc = cli_usage_error ("%s", error->message);
  else if (argc > 1)
    rc = cli_usage_error ("unexpected argument “%s”", argv[1]);
  else if (!parse_output (&a, &out, TRUE, &msg))
    rc = cli_usage_error ("%s", msg);
  else if (out.format != FIG_FORMAT_PDF)
    rc = cli_usage_error ("a report is a PDF; name it *.pdf");
  else if ((rc = open_session (&a, &ctx)) == CLI_EXIT_OK)
    rc = write_report (&a, &ctx, &out);
  cli_analyse_ctx_clear (&ctx);
  figure_args_clear (&a);
  return rc;
}
