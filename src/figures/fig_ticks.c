/* fig_ticks.c — 1-2-5 linear ticks and decade log ticks, after Heckbert's "nice numbers"
 * (Graphics Gems, 1990) and matplotlib's MaxNLocator / LogLocator. */
#include "fig_ticks.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define MINUS "\u2212" /* typographic minus, as wide as a plus */

double
fig_nice_step (double raw)
{
  if (!(raw > 0) || !isfinite (raw))
    return 1.0;
  double e = floor (log10 (raw));
  double base = pow (10.0, e);
  double f = raw / base;
  /* The 1e-9 slack keeps 0.2 from becoming 0.5 because 0.2 / 0.1 = 2.0000000000000004. */
  double m = f <= 1 + 1e-9 ? 1 : f <= 2 + 1e-9 ? 2 : f <= 5 + 1e-9 ? 5 : 10;
  return m * base;
}

double
fig_nice_step_below (double step)
{
  double e = floor (log10 (step) + 1e-9);
  double base = pow (10.0, e);
  double m = step / base;
  return m > 4.5 ? 2 * base : m > 1.5 ? base : 0.5 * base;
}

static void
superscript (int e, char *buf, size_t len)
{
  static const char *const digits[10] = { "\u2070", "\u00b9", "\u00b2", "\u00b3", "\u2074",
                                          "\u2075", "\u2076", "\u2077", "\u2078", "\u2079" };
  char tmp[16];
  size_t used = 0;
  snprintf (tmp, sizeof tmp, "%d", e);
  buf[0] = '\0';
  for (const char *p = tmp; *p && used + 4 < len; p++)
    {
      const char *s = *p == '-' ? "\u207b" : digits[*p - '0'];
      strcpy (buf + used, s);
      used += strlen (s);
    }
}

/* "1.5" with a typographic minus; never "-0". */
static void
format_fixed (double value, int decimals, char *buf, size_t len)
{
  char tmp[FIG_TICK_LABEL_MAX];
  snprintf (tmp, sizeof tmp, "%.*f", decimals, fabs (value));
  bool zero = strspn (tmp, "0.") == strlen (tmp);
  snprintf (buf, len, "%s%s", value < 0 && !zero ? MINUS : "", tmp);
}

static int
step_decimals (double step)
{
  int d = (int)-floor (log10 (step) + 1e-9);
  return d < 0 ? 0 : d;
}

void
fig_format_tick (double value, double step, char *buf, size_t len)
{
  double mag = fabs (value) > step ? fabs (value) : step;
  int decimals = step_decimals (step);
  if (mag < 1e6 && decimals <= 4)
    {
      format_fixed (value, decimals, buf, len);
      return;
    }
  /* Very large or small numbers: a mantissa with the step's precision times a power of ten. */
  int e = (int)floor (log10 (mag) + 1e-9);
  double scale = pow (10.0, e);
  char mant[FIG_TICK_LABEL_MAX], sup[24];
  if (fabs (value) < step * 1e-9)
    {
      snprintf (buf, len, "0");
      return;
    }
  format_fixed (value / scale, step_decimals (step / scale), mant, sizeof mant);
  superscript (e, sup, sizeof sup);
  snprintf (buf, len, "%s\u00d710%s", mant, sup);
}

void
fig_format_number (double value, int digits, char *buf, size_t len)
{
  if (!isfinite (value))
    {
      snprintf (buf, len, "%s", isnan (value) ? "" : value > 0 ? "\u221e" : MINUS "\u221e");
      return;
    }
  if (value == 0)
    {
      snprintf (buf, len, "0");
      return;
    }
  int e = (int)floor (log10 (fabs (value)));
  if (e >= -3 && e < 6)
    {
      int decimals = digits - 1 - e;
      format_fixed (value, decimals < 0 ? 0 : decimals, buf, len);
      return;
    }
  char mant[FIG_TICK_LABEL_MAX], sup[24];
  format_fixed (value / pow (10.0, e), digits > 1 ? digits - 1 : 0, mant, sizeof mant);
  superscript (e, sup, sizeof sup);
  snprintf (buf, len, "%s\u00d710%s", mant, sup);
}

static int
count_multiples (double lo, double hi, double step)
{
  return (int)(floor (hi / step + 1e-9) - ceil (lo / step - 1e-9)) + 1;
}

int
fig_ticks_linear (double lo, double hi, int max_ticks, FigTicks *out)
{
  out->n = 0;
  if (!isfinite (lo) || !isfinite (hi) || !(hi > lo))
    return 0;
  if (max_ticks < 2)
    max_ticks = 2;
  double step = fig_nice_step ((hi - lo) / (max_ticks - 1));
  /* The bound above assumes the worst alignment; a finer step often still fits. */
  while (count_multiples (lo, hi, fig_nice_step_below (step)) <= max_ticks)
    step = fig_nice_step_below (step);
  while (count_multiples (lo, hi, step) < 2)
    step = fig_nice_step_below (step);
  out->step = step;
  long k0 = (long)ceil (lo / step - 1e-9), k1 = (long)floor (hi / step + 1e-9);
  for (long k = k0; k <= k1 && out->n < FIG_TICKS_MAX; k++)
    {
      FigTick *t = &out->ticks[out->n++];
      /* k * step, not a running sum, so 0.1 * 3 stays 0.3 on the label. */
      t->value = fabs (k * step) < step * 1e-9 ? 0.0 : k * step;
      t->major = true;
      fig_format_tick (t->value, step, t->label, sizeof t->label);
    }
  return out->n;
}

/* Which multiples of a decade carry labels: decades alone, 1-2-5, or all nine. */
static const int label_sets[3][10] = {
  { 1, 0 },
  { 1, 2, 5, 0 },
  { 1, 2, 3, 4, 5, 6, 7, 8, 9, 0 },
};

static bool
in_set (int set, int m)
{
  for (const int *p = label_sets[set]; *p; p++)
    if (*p == m)
      return true;
  return false;
}

static bool
in_range (double v, double lo, double hi)
{
  return v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
}

static int
count_log_labels (double lo, double hi, int set)
{
  int n = 0;
  for (int e = (int)floor (log10 (lo)); e <= (int)floor (log10 (hi) + 1e-9); e++)
    for (int m = 1; m <= 9; m++)
      n += in_set (set, m) && in_range (m * pow (10.0, e), lo, hi);
  return n;
}

/* The densest label set that still fits, preferring the sparsest that shows three labels. */
static int
choose_log_set (double lo, double hi, int max_labels)
{
  for (int set = 0; set < 3; set++)
    {
      int n = count_log_labels (lo, hi, set);
      if (set > 0 && n > max_labels)
        return set - 1;
      if (n >= 3)
        return set;
    }
  return 2;
}

static void
format_log_label (double v, int e, int m, bool plain, char *buf, size_t len)
{
  char sup[24];
  if (plain)
    {
      snprintf (buf, len, "%.6g", v);
      return;
    }
  superscript (e, sup, sizeof sup);
  if (m == 1)
    snprintf (buf, len, "10%s", sup);
  else
    snprintf (buf, len, "%d\u00d710%s", m, sup);
}

static void
add_log_tick (FigTicks *out, double v, int e, int m, bool label, bool plain)
{
  if (out->n >= FIG_TICKS_MAX)
    return;
  FigTick *t = &out->ticks[out->n++];
  t->value = v;
  t->major = m == 1 || label;
  t->label[0] = '\0';
  if (label)
    format_log_label (v, e, m, plain, t->label, sizeof t->label);
}

int
fig_ticks_log (double lo, double hi, int max_labels, FigTicks *out)
{
  out->n = 0;
  if (!(lo > 0) || !(hi > lo) || !isfinite (hi))
    return 0;
  if (max_labels < 2)
    max_labels = 2;
  int e0 = (int)floor (log10 (lo) + 1e-9), e1 = (int)floor (log10 (hi) + 1e-9);
  int set = choose_log_set (lo, hi, max_labels);
  int n_decades = count_log_labels (lo, hi, 0);
  int stride = set == 0 && n_decades > max_labels ? (n_decades + max_labels - 1) / max_labels : 1;
  /* Minor ticks only while they stay sparse enough to read as a log scale. */
  bool minors = e1 - e0 <= 8;
  bool plain = lo >= 1e-3 * (1 - 1e-9) && hi < 1e5;
  out->step = pow (10.0, stride);
  for (int e = e0; e <= e1; e++)
    for (int m = 1; m <= 9; m++)
      {
        double v = m * pow (10.0, e);
        if (!in_range (v, lo, hi) || (m > 1 && !minors && !in_set (set, m)))
          continue;
        bool label = in_set (set, m) && (m > 1 || (e % stride) == 0);
        add_log_tick (out, v, e, m, label, plain);
      }
  return out->n;
}

int
fig_ticks_fixed (const double *values, int n, double lo, double hi, FigTicks *out)
{
  out->n = 0;
  out->step = 0;
  for (int i = 0; i < n && out->n < FIG_TICKS_MAX; i++)
    {
      double v = values[i];
      if (!isfinite (v) || v < lo || v > hi)
        continue;
      FigTick *t = &out->ticks[out->n++];
      char tmp[24];
      t->value = v;
      t->major = true;
      snprintf (tmp, sizeof tmp, "%.4g", fabs (v));
      if (strchr (tmp, 'e')) /* "1e-05" is no way to label an axis */
        fig_format_number (fabs (v), 2, tmp, sizeof tmp);
      snprintf (t->label, sizeof t->label, "%s%s", v < 0 ? MINUS : "", tmp);
    }
  return out->n;
}

bool
fig_ticks_thin (FigTicks *ticks)
{
  if (fig_ticks_n_labels (ticks) < 4)
    return false;
  int k = 0;
  for (int i = 0; i < ticks->n; i++)
    if (ticks->ticks[i].label[0] && (k++ % 2) == 1)
      ticks->ticks[i].label[0] = '\0';
  return true;
}

int
fig_ticks_n_labels (const FigTicks *ticks)
{
  int n = 0;
  for (int i = 0; i < ticks->n; i++)
    n += ticks->ticks[i].label[0] != '\0';
  return n;
}

void
fig_range_pad (double *lo, double *hi, double frac, bool log)
{
  if (log)
    {
      if (!(*lo > 0) || !(*hi >= *lo))
        {
          *lo = 1, *hi = 10;
          return;
        }
      if (*hi == *lo)
        *lo /= 2, *hi *= 2;
      double f = pow (*hi / *lo, frac);
      *lo /= f, *hi *= f;
      return;
    }
  if (!isfinite (*lo) || !isfinite (*hi) || *hi < *lo)
    {
      *lo = 0, *hi = 1;
      return;
    }
  if (*hi == *lo)
    {
      double w = *lo == 0 ? 1 : fabs (*lo) * 0.1;
      *lo -= w, *hi += w;
      return;
    }
  double w = (*hi - *lo) * frac;
  *lo -= w, *hi += w;
}
