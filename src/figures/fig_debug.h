/* fig_debug.h — what the painters' text helper saw that a reader would not: labels it had to
 * ellipsize, and labels that reached past the clip (the figure's edge, or the part of a page a
 * panel was given) and were cut. A figure laid out well at a size shows neither, so tests
 * paint at the sizes users export and check the counts; nothing here changes what is drawn.
 *
 * The counts are per thread (painters may run on several), from the last reset. */
#pragma once

typedef struct
{
  unsigned ellipsized; /* labels shortened with "…" to fit a width */
  unsigned clipped;    /* labels whose ink crossed the clip, so part of them is not drawn */
  char last[128];      /* the last such label (UTF-8, may be cut), for a test's message */
} FigTextStats;

void fig_text_stats_reset (void);
/* The counts since the last reset on this thread. */
void fig_text_stats_get (FigTextStats *stats);
