/* fig_colorbar.h — internal to src/figures: a vertical colour bar with ticks and a title. */
#pragma once

#include "fig_axis.h"
#include "fig_colormap.h"

typedef struct
{
  FigColormap map;
  double lo, hi;     /* the values at the bottom and top */
  const char *label; /* NULL for none */
  FigTicks ticks;
  double bar_w; /* figure pixels, after measuring */
} FigColorbar;

/* The width the bar, its tick labels and its title need next to a plot of height h. */
double fig_colorbar_measure (FigColorbar *cb, FigCanvas *c, double h);
/* Draws the bar in rect (its gradient strip); labels go to its right. */
void fig_colorbar_draw (FigColorbar *cb, FigCanvas *c, FigRect bar);
