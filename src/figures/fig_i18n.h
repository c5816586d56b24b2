/* fig_i18n.h — internal to src/figures: translations of the text drawn inside figures.
 *
 * Figures look their text up in the application's own catalogue (GETTEXT_PACKAGE) through
 * glibc's libintl, so the layer needs neither GLib's gi18n nor a textdomain() of its own. The
 * program decides the language: the app binds the domain and follows the user's locale, while
 * the CLI keeps LC_MESSAGES at "C" so that exported figures stay English unless asked. In the
 * C locale every lookup returns the English source text, which the golden images are made of.
 */
#pragma once

#include "config.h"

#include <libintl.h>

/* A translated string; evaluate it where the text is drawn, never once into a static. */
#define FIG_(s) dgettext (GETTEXT_PACKAGE, s)
/* Marks a string in a static table for xgettext; translate it with FIG_() where it is used. */
#define FIG_N_(s) (s)
/* The singular or plural form of a translated string for the count n. */
#define FIG_NG_(s, p, n) dngettext (GETTEXT_PACKAGE, s, p, n)
