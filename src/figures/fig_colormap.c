/* fig_colormap.c — table lookup with linear interpolation. */
#include "fig_colormap.h"

#include <math.h>
#include <string.h>

/* The table as 256 * 3 floats. */
static const float *
table (FigColormap map)
{
  switch (map)
    {
      case FIG_COLORMAP_CIVIDIS:
        return &fig_colormap_cividis[0][0];
      case FIG_COLORMAP_DIVERGING:
        return &fig_colormap_rdbu[0][0];
      case FIG_COLORMAP_VIRIDIS:
      default:
        return &fig_colormap_viridis[0][0];
    }
}

FigRGBA
fig_colormap_eval (FigColormap map, double t)
{
  if (isnan (t))
    return (FigRGBA){ 0, 0, 0, 0 };
  const float *tab = table (map);
  double u = (t < 0 ? 0 : t > 1 ? 1 : t) * 255.0;
  int i = u >= 255.0 ? 254 : (int)u;
  double f = u - i;
  const float *a = tab + 3 * i, *b = a + 3;
  return (FigRGBA){ a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f,
                    1 };
}

void
fig_colormap_eval_u8 (FigColormap map, double t, unsigned char rgb[3])
{
  FigRGBA c = fig_colormap_eval (map, isnan (t) ? 0 : t);
  rgb[0] = (unsigned char)lround (c.r * 255.0);
  rgb[1] = (unsigned char)lround (c.g * 255.0);
  rgb[2] = (unsigned char)lround (c.b * 255.0);
}

static const char *const names[FIG_N_COLORMAPS] = { "viridis", "cividis", "diverging" };

const char *
fig_colormap_name (FigColormap map)
{
  return map >= 0 && map < FIG_N_COLORMAPS ? names[map] : names[0];
}

bool
fig_colormap_from_name (const char *name, FigColormap *map)
{
  for (int m = 0; name && m < FIG_N_COLORMAPS; m++)
    if (strcmp (name, names[m]) == 0)
      {
        *map = (FigColormap)m;
        return true;
      }
  if (name && strcmp (name, "rdbu") == 0)
    {
      *map = FIG_COLORMAP_DIVERGING;
      return true;
    }
  return false;
}

bool
fig_colormap_is_diverging (FigColormap map)
{
  return map == FIG_COLORMAP_DIVERGING;
}
