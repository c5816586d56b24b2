/* cli.h — shared pieces of distillscope-cli's subcommands. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "kd_train.h"

/* Exit codes: 2 for anything the user typed wrong (bad option, value or input file), 1 for
 * failures while running, 130 when interrupted. */
enum
{
  CLI_EXIT_OK = 0,
  CLI_EXIT_FAILURE = 1,
  CLI_EXIT_USAGE = 2,
  CLI_EXIT_INTERRUPTED = 130,
};

int cli_train (int argc, char **argv);
int cli_bench (int argc, char **argv);

/* Prints "distillscope-cli: <message>" on stderr and returns CLI_EXIT_USAGE. */
int cli_usage_error (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
/* Prints "distillscope-cli: <message>" on stderr and returns CLI_EXIT_FAILURE. */
int cli_failure (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

/* Writes `root` as pretty JSON to path ("-" for stdout), atomically for files. */
gboolean cli_write_json (JsonNode *root, const char *path, GError **error);

/* Terminal progress bar with ETA on stderr; silent when stderr is not a terminal. */
typedef struct
{
  gboolean enabled;
  gint64 last_draw_us;
} CliProgress;

void cli_progress_init (CliProgress *bar);
void cli_progress_update (CliProgress *bar, const KdProgress *p, gboolean force);
void cli_progress_finish (CliProgress *bar);

/* "1h02m", "3m05s", "12s" */
void cli_format_duration (double seconds, char *buf, gsize len);
