/* fig_ticks.h — where ticks go and what they say. Pure arithmetic, no drawing. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define FIG_TICKS_MAX 64
#define FIG_TICK_LABEL_MAX 32

typedef struct
{
  double value;
  bool major;                     /* false: a short, unlabelled minor tick (log axes) */
  char label[FIG_TICK_LABEL_MAX]; /* UTF-8; empty for no label */
} FigTick;

typedef struct
{
  int n;
  double step; /* linear: the spacing; log: the factor between labelled ticks */
  FigTick ticks[FIG_TICKS_MAX];
} FigTicks;

/* The smallest 1, 2 or 5 times a power of ten that is >= raw (raw > 0). */
double fig_nice_step (double raw);
/* The next smaller 1-2-5 step below step. */
double fig_nice_step_below (double step);

/* Major ticks on multiples of a 1-2-5 step inside [lo, hi]: at most max_ticks of them, unless
 * that would leave fewer than two, then the step shrinks until two fit. Labels carry as many
 * decimals as the step needs, a real minus sign, and a common power of ten for very large or
 * small numbers. Returns the number of ticks (0 for an empty or non-finite range). */
int fig_ticks_linear (double lo, double hi, int max_ticks, FigTicks *out);

/* Ticks for a log axis over [lo, hi] (0 < lo < hi): decades as major ticks, 2..9 times a
 * decade as minor ticks. Labels go on decades, every k-th decade when they would exceed
 * max_labels, and also on 2 and 5 (or on every multiple) when the range is too short to show
 * three decades. Values between 0.001 and 10000 are written out ("0.5", "20"), others as
 * powers of ten ("10⁻⁵"). Returns the number of ticks. */
int fig_ticks_log (double lo, double hi, int max_labels, FigTicks *out);

/* Ticks at given values (those inside [lo, hi], up to FIG_TICKS_MAX), labelled with up to four
 * significant digits: for sweeps, whose x values are the settings tried. */
int fig_ticks_fixed (const double *values, int n, double lo, double hi, FigTicks *out);

/* Drops every other label (keeping the first) to make room; returns false when fewer than
 * two labels would remain. */
bool fig_ticks_thin (FigTicks *ticks);
int fig_ticks_n_labels (const FigTicks *ticks);

/* One number the way a linear axis with this step writes it. */
void fig_format_tick (double value, double step, char *buf, size_t len);
/* A number written compactly with `digits` significant digits ("0.0012", "1.2×10⁵"), for
 * annotations such as colour-bar ends and cell values. */
void fig_format_number (double value, int digits, char *buf, size_t len);

/* Widens [lo, hi] by frac of its span on each side (in log space for log axes), and gives a
 * degenerate or empty range a sensible width. */
void fig_range_pad (double *lo, double *hi, double frac, bool log);
