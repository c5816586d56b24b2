/* main.c — Distillscope's desktop application. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "ds-application.h"
#include "kd_blas.h"

int
main (int argc, char **argv)
{
  g_autoptr (DsApplication) app = NULL;

  /* Before anything else: OpenBLAS picks its kernels when it is loaded. */
  kd_blas_restart_with_fast_kernel (argv);

  setlocale (LC_ALL, "");
  /* build-aux/dev run points this at the build's catalogues, so an uninstalled build speaks
   * the user's language too. */
  const char *localedir = g_getenv ("DISTILLSCOPE_LOCALEDIR");
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_application_name ("Distillscope");

  app = ds_application_new (G_APPLICATION_DEFAULT_FLAGS);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
