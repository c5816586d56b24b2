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
  /* For colours laid over an image with an opacity that rises with the value's distance from
   * the map's neutral point (its start, or the centre of a diverging map): > 0 draws the bar
   * the same way, over `under`, reaching opacity `fade` at the ends. 0: opaque. */
  double fade;
  FigRGBA under;
  const double *fixed_ticks; /* (n_fixed_ticks) ticks at these values instead of nice ones */
  int n_fixed_ticks;
} FigColorbar;

/* The width the bar, its tick labels and its title need next to a plot of height h. */
double fig_colorbar_measure (FigColorbar *cb, FigCanvas *c, double h);
/* Draws the bar in rect (its gradient strip); labels go to its right. */
void fig_colorbar_draw (FigColorbar *cb, FigCanvas *c, FigRect bar);
