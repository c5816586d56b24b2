/* fig_names.h — internal to src/figures: category names with a fallback to indices. */
#pragma once

/* names when given, else "0", "1", ...; free the result with fig_names_free (n). */
const char **fig_names_dup (const char *const *names, int n);
void fig_names_free (const char **names, int n);
