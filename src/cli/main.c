/* distillscope-cli — headless training, sweeps, analyses and exports.
 *
 * Links no GTK: everything the desktop app computes can be scripted from here.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "cli.h"
#include "kd_blas.h"

static void
print_help (FILE *out)
{
  fprintf (out, "Usage: distillscope-cli COMMAND [OPTION…]\n"
                "\n"
                "Commands:\n"
                "  train     train a teacher, a distilled student and a baseline student\n"
                "  bench     measure training throughput of the canonical models\n"
                "  version   print the version\n"
                "\n"
                "Run “distillscope-cli COMMAND --help” for a command's options.\n");
}

/* Restarts the process with OPENBLAS_CORETYPE set when OpenBLAS fell back to its generic
 * kernel on a CPU it has fast kernels for (see kd_blas_better_coretype). A setting already in
 * the environment is always respected: some machines need a particular one to be correct. */
static void
use_fast_blas_kernels (char **argv)
{
  if (g_getenv ("OPENBLAS_CORETYPE"))
    return;
  const char *core = kd_blas_better_coretype ();
  if (!core)
    return;
  g_setenv ("OPENBLAS_CORETYPE", core, TRUE);
  execv ("/proc/self/exe", argv);
  /* exec failed: carry on with the slow kernel rather than not at all. */
  g_unsetenv ("OPENBLAS_CORETYPE");
}

int
main (int argc, char **argv)
{
  use_fast_blas_kernels (argv);
  setlocale (LC_ALL, "");
  /* Numbers in JSON, CSV and tables always use a '.' decimal point. */
  setlocale (LC_NUMERIC, "C");
  if (argc < 2)
    {
      print_help (stderr);
      return CLI_EXIT_USAGE;
    }
  const char *cmd = argv[1];
  if (strcmp (cmd, "train") == 0)
    return cli_train (argc - 1, argv + 1);
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
