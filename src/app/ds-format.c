/* ds-format.c — formatting for labels. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ds-format.h"

char *
ds_format_duration (double seconds)
{
  long s;

  if (!isfinite (seconds) || seconds < 0.0)
    return g_strdup ("–");
  /* Tiny runs finish in under a second: "0 s" would read as nothing happened. */
  if (seconds < 9.95)
    /* Translators: a duration under ten seconds, with one decimal */
    return g_strdup_printf (_ ("%.1f s"), seconds);
  s = lround (seconds);
  if (s < 60)
    /* Translators: a duration in seconds */
    return g_strdup_printf (_ ("%ld s"), s);
  if (s < 3600)
    /* Translators: a duration in minutes and seconds */
    return g_strdup_printf (_ ("%ld min %02ld s"), s / 60, s % 60);
  /* Translators: a duration in hours and minutes */
  return g_strdup_printf (_ ("%ld h %02ld min"), s / 3600, (s % 3600) / 60);
}

char *
ds_format_percent (double fraction)
{
  if (!isfinite (fraction))
    return g_strdup ("–");
  return g_strdup_printf ("%.2f%%", 100.0 * fraction);
}

char *
ds_format_number (double value)
{
  if (!isfinite (value))
    return g_strdup ("–");
  return g_strdup_printf ("%.4g", value);
}

const char *
ds_model_title (KdModelId id)
{
  switch (id)
    {
      case KD_TEACHER:
        return _ ("Teacher");
      case KD_STUDENT:
        return _ ("Distilled student");
      case KD_BASELINE:
      case KD_N_MODELS:
      default:
        return _ ("Baseline student");
    }
}

const char *
ds_phase_title (KdPhase phase)
{
  switch (phase)
    {
      case KD_PHASE_TEACHER:
        return _ ("Training the teacher");
      case KD_PHASE_STUDENTS:
        return _ ("Training both students");
      case KD_PHASE_JOINT:
        return _ ("Training all three together");
      case KD_PHASE_DONE:
      default:
        return _ ("Finished");
    }
}
