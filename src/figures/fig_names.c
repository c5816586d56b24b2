/* fig_names.c — category names with a fallback to indices. */
#include "fig_names.h"

#include <glib.h>

const char **
fig_names_dup (const char *const *names, int n)
{
  const char **out = g_new0 (const char *, n > 0 ? n : 1);
  for (int i = 0; i < n; i++)
    out[i] = names && names[i] ? g_strdup (names[i]) : g_strdup_printf ("%d", i);
  return out;
}

void
fig_names_free (const char **names, int n)
{
  for (int i = 0; names && i < n; i++)
    g_free ((char *)names[i]);
  g_free (names);
}
