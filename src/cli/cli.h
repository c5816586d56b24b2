/* cli.h — shared pieces of distillscope-cli's subcommands. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "kd_session.h"
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
int cli_analyse (int argc, char **argv);
int cli_sweep (int argc, char **argv);
int cli_figure (int argc, char **argv);
int cli_report (int argc, char **argv);

/* The experiment's options as typed: strings, checked by cli_train_config_from_args so that
 * every message names the option. */
typedef struct
{
  char *data, *teacher, *student, *mode, *optimizer, *json, *save;
  char *epochs, *teacher_epochs, *temperature, *temperature_end, *alpha, *lr, *momentum;
  char *weight_decay, *batch, *seed, *threads, *train_limit, *test_limit;
  char *transfer_limit;
  gboolean quiet;
} CliTrainArgs;

GOptionGroup *cli_train_option_group (CliTrainArgs *a);
void cli_train_args_clear (CliTrainArgs *a);
/* limits (2): train and test sample limits (0 = all). On failure *msg names the option. */
gboolean
cli_train_config_from_args (const CliTrainArgs *a, KdTrainConfig *cfg, long *limits, char **msg);

/* Trains the experiment the options describe (progress on a terminal unless quiet) and
 * returns it as a session with the data it used; an exit status on failure, already
 * reported. */
int
cli_train_session (const CliTrainArgs *a, KdSession **session, KdDataset **train, KdDataset **test);

/* A finite number in [lo, hi] (open at lo when lo_open), or a whole number in [lo, hi]; on
 * failure *msg names the option and the problem. */
gboolean cli_parse_number (const char *opt,
                           const char *text,
                           double lo,
                           gboolean lo_open,
                           double hi,
                           double *out,
                           char **msg);
gboolean cli_parse_int (const char *opt, const char *text, long lo, long hi, long *out, char **msg);
int cli_bench (int argc, char **argv);

/* Prints "distillscope-cli: <message>" on stderr and returns CLI_EXIT_USAGE. */
int cli_usage_error (const char *fmt, ...) G_GNUC_PRINTF (1, 2);
/* Prints "distillscope-cli: <message>" on stderr and returns CLI_EXIT_FAILURE. */
int cli_failure (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

/* Checks before any work that `path` (an output file given with `option`; NULL and "-" are
 * fine) can be created: its folder exists and is writable and the path is not a folder.
 * Otherwise sets *msg, naming the option and the path, and returns FALSE. A run of minutes must
 * not end in "cannot write". */
gboolean cli_check_output (const char *option, const char *path, char **msg);

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
