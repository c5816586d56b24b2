/* distillscope-cli — headless training, sweeps, analyses and exports.
 *
 * Links no GTK: everything the desktop app computes can be scripted from here.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "cli.h"
#include "kd_blas.h"

static void
print_help (FILE *out)
{
  fprintf (out,
           "Usage: distillscope-cli COMMAND [OPTION…]\n"
           "\n"
           "Commands:\n"
           "  train     train a teacher, a distilled student and a baseline student\n"
           "  analyse   soft labels, similarity, temperature sweeps, saliency, CKA, PCA, metrics\n"
           "  figure    draw one figure of a session as PNG, SVG or PDF (--list names them)\n"
           "  report    write every figure of a session into one multi-page PDF\n"
           "  sweep     train students over a grid of temperatures, alphas and seeds\n"
           "  bench     measure training throughput of the canonical models\n"
           "  version   print the version\n"
           "\n"
           "Run “distillscope-cli COMMAND --help” for a command's options.\n");
}

int
main (int argc, char **argv)
{
  /* Before anything else: OpenBLAS picks its kernels when it is loaded. */
  kd_blas_restart_with_fast_kernel (argv);
  setlocale (LC_ALL, "");
  /* Numbers in JSON, CSV and tables always use a '.' decimal point. */
  setlocale (LC_NUMERIC, "C");
  /* Messages stay English whatever the user's language: the CLI's own text is not translated,
   * and the figures it exports (for papers, for scripts that compare files) draw their labels
   * through the app's catalogue, which an installed copy would otherwise pick up. */
  setlocale (LC_MESSAGES, "C");
  if (argc < 2)
    {
      print_help (stderr);
      return CLI_EXIT_USAGE;
    }
  const char *cmd = argv[1];
  if (strcmp (cmd, "train") == 0)
    return cli_train (argc - 1, argv + 1);
  if (strcmp (cmd, "analyse") == 0 || strcmp (cmd, "analyze") == 0)
    return cli_analyse (argc - 1, argv + 1);
  if (strcmp (cmd, "figure") == 0)
    return cli_figure (argc - 1, argv + 1);
  if (strcmp (cmd, "report") == 0)
    return cli_report (argc - 1, argv + 1);
  if (strcmp (cmd, "sweep") == 0)
    return cli_sweep (argc - 1, argv + 1);
  if (strcmp (cmd, "bench") == 0)
    return cli_bench (argc - 1, argv + 1);
  if (strcmp (cmd, "version") == 0 || strcmp (cmd, "--version") == 0)
    {
      printf ("distillscope-cli %s\n", PACKAGE_VERSION);
      return CLI_EXIT_OK;
    }
  if (strcmp (cmd, "help") == 0 || strcmp (cmd, "--help") == 0 || strcmp (cmd, "-h") == 0)
    {
      print_help (stdout);
      return CLI_EXIT_OK;
    }
  return cli_usage_error ("unknown command “%s” (try --help)", cmd);
}
