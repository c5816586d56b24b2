#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kd_io_error.h"
#include "kd_json.h"

static void
vreport (const char *fmt, va_list ap)
{
  g_autofree char *msg = g_strdup_vprintf (fmt, ap);
  fprintf (stderr, "distillscope-cli: %s\n", msg);
}

int
cli_usage_error (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vreport (fmt, ap);
  va_end (ap);
  return CLI_EXIT_USAGE;
}

int
cli_failure (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vreport (fmt, ap);
  va_end (ap);
  return CLI_EXIT_FAILURE;
}

gboolean
cli_check_output (const char *option, const char *path, char **msg)
{
  if (!path || strcmp (path, "-") == 0)
    return TRUE;
  g_autofree char *display = g_filename_display_name (path);
  if (!*path || g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      *msg = g_strdup_printf ("%s: “%s” is a folder, not a file name", option, display);
      return FALSE;
    }
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *dir_display = g_filename_display_name (dir);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      *msg = g_strdup_printf ("%s: the folder “%s” does not exist", option, dir_display);
      return FALSE;
    }
  /* The file is written as a temporary beside it and renamed, so the folder must be writable. */
  if (access (dir, W_OK | X_OK) != 0)
    {
      *msg = g_strdup_printf ("%s: cannot write in the folder “%s”: %s", option, dir_display,
                              g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
cli_write_json (JsonNode *root, const char *path, GError **error)
{
  /* Not json_generator directly: json-glib 1.6 writes 1e-08 as "1e-08.0", which is not JSON. */
  g_autofree char *text = kd_json_to_text (root, TRUE);
  gsize len = strlen (text);
  if (g_strcmp0 (path, "-") == 0)
    {
      fwrite (text, 1, len, stdout);
      fputc ('\n', stdout);
      fflush (stdout);
      return TRUE;
    }
  g_autofree char *with_nl = g_strconcat (text, "\n", NULL);
  g_autoptr (GError) local = NULL;
  if (!g_file_set_contents_full (path, with_nl, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, &local))
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_WRITE, "cannot write “%s”: %s", path,
                   local->message);
      return FALSE;
    }
  return TRUE;
}

void
cli_format_duration (double seconds, char *buf, gsize len)
{
  long s = seconds < 0 ? 0 : (long)(seconds + 0.5);
  if (seconds < 9.95)
    g_snprintf (buf, len, "%.1fs", seconds < 0 ? 0.0 : seconds);
  else if (s >= 3600)
    g_snprintf (buf, len, "%ldh%02ldm", s / 3600, (s / 60) % 60);
  else if (s >= 60)
    g_snprintf (buf, len, "%ldm%02lds", s / 60, s % 60);
  else
    g_snprintf (buf, len, "%lds", s);
}

void
cli_progress_init (CliProgress *bar)
{
  bar->enabled = isatty (STDERR_FILENO);
  bar->last_draw_us = 0;
}

static const char *
phase_label (KdPhase phase)
{
  switch (phase)
    {
      case KD_PHASE_TEACHER:
        return "teacher ";
      case KD_PHASE_STUDENTS:
        return "students";
      case KD_PHASE_JOINT:
        return "online  ";
      case KD_PHASE_DONE:
        return "done    ";
    }
  return "";
}

void
cli_progress_update (CliProgress *bar, const KdProgress *p, gboolean force)
{
  if (!bar->enabled)
    return;
  gint64 now = g_get_monotonic_time ();
  /* Ten redraws a second are smooth enough and cost nothing next to training. */
  if (!force && now - bar->last_draw_us < 100000)
    return;
  bar->last_draw_us = now;
  enum
  {
    WIDTH = 28
  };
  double frac = p->total_steps > 0 ? (double)p->step / p->total_steps : 0.0;
  char cells[WIDTH + 1];
  int filled = (int)(frac * WIDTH);
  for (int i = 0; i < WIDTH; i++)
    cells[i] = i < filled ? '#' : '.';
  cells[WIDTH] = '\0';
  char eta[32] = "--";
  if (p->eta >= 0)
    cli_format_duration (p->eta, eta, sizeof eta);
  fprintf (stderr, "\r%s epoch %d/%d [%s] %3.0f%%  ETA %-8s", phase_label (p->phase),
           p->epoch + 1 > p->n_epochs ? p->n_epochs : p->epoch + 1, p->n_epochs, cells,
           frac * 100.0, eta);
  fflush (stderr);
}

void
cli_progress_finish (CliProgress *bar)
{
  if (bar->enabled)
    fprintf (stderr, "\r%*s\r", 72, "");
}
