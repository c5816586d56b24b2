/* distillscope-cli bench --figures — draw time of every painter at 1280x800 (the GUI redraws
 * them on every slider move; target 8 ms) and the comparison sheet's PDF export (target 1 s).
 * The figures show a session (--session) or a small run trained first. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>

#include "cli.h"
#include "cli_bench.h"
#include "cli_figure.h"
#include "kd_blas.h"
#include "kd_json.h"

#define PAINT_TARGET_MS 8.0
#define SHEET_PDF_TARGET_MS 1000.0

/* Best of `repeats` paints of fig at 1280x800 on an image surface, in milliseconds. */
static double
paint_ms (const CliFigure *fig, const FigStyle *style, int repeats)
{
  const FigInfo *info = fig_registry_get (fig->kind);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 1280, 800);
  double best = G_MAXDOUBLE;
  for (int r = 0; r < repeats + 1; r++)
    {
      cairo_t *cr = cairo_create (surface);
      gint64 t0 = g_get_monotonic_time ();
      info->paint (cr, 1280, 800, &fig->data, style);
      cairo_surface_flush (surface);
      double ms = (g_get_monotonic_time () - t0) / 1e3;
      cairo_destroy (cr);
      if (r > 0) /* the first paint loads fonts */
        best = MIN (best, ms);
    }
  cairo_surface_destroy (surface);
  return best;
}

static double
sheet_pdf_ms (const CliFigure *sheet, const FigStyle *style)
{
  g_autofree char *dir = g_dir_make_tmp ("distillscope-bench-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir ? dir : g_get_tmp_dir (), "sheet.pdf", NULL);
  FigExportOptions opts;
  fig_export_options_init (&opts);
  opts.width = 1600, opts.height = 1000;
  gint64 t0 = g_get_monotonic_time ();
  gboolean ok = fig_export (path, FIG_FORMAT_PDF, &opts, fig_registry_get (FIG_KIND_SHEET)->paint,
                            &sheet->data, style, NULL);
  double ms = (g_get_monotonic_time () - t0) / 1e3;
  g_unlink (path);
  if (dir)
    g_rmdir (dir);
  return ok ? ms : -1.0;
}

static int
open_bench_session (const char *session, AnalyseCtx *ctx)
{
  CliTrainArgs train = { .data = g_strdup ("synthetic-digits"),
                         .train_limit = g_strdup ("3000"),
                         .test_limit = g_strdup ("1000"),
                         .epochs = g_strdup ("1"),
                         .teacher_epochs = g_strdup ("1"),
                         .quiet = TRUE };
  cli_figure_ctx_defaults (ctx);
  ctx->samples = 300;
  int rc = cli_analyse_ctx_load (ctx, session, &train);
  cli_train_args_clear (&train);
  if (rc == CLI_EXIT_OK)
    rc = cli_analyse_ctx_finish (ctx, NULL);
  if (rc == CLI_EXIT_OK)
    rc = cli_analyse_ctx_logits (ctx);
  return rc;
}

static void
print_row (const char *name, double ms, double target)
{
  printf ("%-14s %9.2f ms %9.0f ms  %s\n", name, ms, target,
          ms >= 0 && ms <= target ? "yes" : "no");
}

int
cli_bench_figures (const char *session, int threads, const char *json)
{
  AnalyseCtx ctx = { 0 };
  kd_blas_set_threads (threads);
  int rc = open_bench_session (session, &ctx), n = 0;
  const CliFigureEntry *entries = cli_figure_entries (&n);
  const FigStyle *style = fig_style_get (FIG_THEME_LIGHT);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  if (rc == CLI_EXIT_OK && !json)
    printf ("%-14s %12s %12s  %s\n", "figure", "paint", "target", "met");
  for (int i = 0; rc == CLI_EXIT_OK && i < n; i++)
    {
      CliFigure fig = { 0 };
      if (!cli_figure_build (&entries[i], &ctx, &fig, NULL))
        {
          cli_figure_clear (&fig); /* e.g. boundaries of image data: nothing to time */
          continue;
        }
      double ms = paint_ms (&fig, style, 20);
      json_builder_set_member_name (b, entries[i].name);
      kd_json_add_double (b, ms);
      if (!json)
        print_row (entries[i].name, ms, PAINT_TARGET_MS);
      if (g_str_equal (entries[i].name, "sheet"))
        {
          double pdf = sheet_pdf_ms (&fig, style);
          json_builder_set_member_name (b, "sheet_pdf");
          kd_json_add_double (b, pdf);
          if (!json)
            print_row ("sheet (PDF)", pdf, SHEET_PDF_TARGET_MS);
        }
      cli_figure_clear (&fig);
    }
  json_builder_end_object (b);
  cli_analyse_ctx_clear (&ctx);
  if (rc == CLI_EXIT_OK && json)
    {
      g_autoptr (JsonNode) root = json_builder_get_root (b);
      g_autoptr (GError) error = NULL;
      if (!cli_write_json (root, json, &error))
        rc = cli_failure ("%s", error->message);
    }
  return rc;
}
