/* fig_saliency.h — saliency maps of the three models side by side, one row per method. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <stdbool.h>

#include "fig_style.h"

#define FIG_SALIENCY_MAX_ROWS 8

typedef enum
{
  FIG_SALIENCY_HEATMAP, /* the map alone */
  FIG_SALIENCY_OVERLAY, /* the map over the greyscale input, opacity rising with |value| */
} FigSaliencyMode;

typedef enum
{
  FIG_SALIENCY_SCALE_ROW, /* one colour scale per method: the three models compare directly */
  FIG_SALIENCY_SCALE_MAP, /* each map scaled to its own maximum: shapes compare, sizes do not */
} FigSaliencyScale;

/* How a map of C > 1 channels becomes one value per pixel. */
typedef enum
{
  FIG_SALIENCY_CHANNELS_SUM,   /* summed over channels: the pixel's total attribution (signed),
                                * or the sum of |value| over channels (absolute) */
  FIG_SALIENCY_CHANNELS_FIRST, /* channel 0 alone */
} FigSaliencyChannels;

typedef struct
{
  const char *name;                     /* the method: "Gradient", "Integrated gradients", ... */
  const float *maps[FIG_N_MODEL_LOOKS]; /* (C, H, W) per FigModel; NULL: not computed */
} FigSaliencyRow;

typedef struct
{
  int c, h, w;             /* the shape of the input and of every map, (C, H, W) */
  const float *input;      /* (C, H, W) the explained sample; NULL: no input column. Shown min-max
                            * normalised, so any input normalisation works; C = 3 in colour, other
                            * C as the mean over channels */
  const char *input_label; /* the input column's heading; NULL: "Input" */
  int n_rows;              /* 1 .. FIG_SALIENCY_MAX_ROWS */
  const FigSaliencyRow *rows;
  FigSaliencyMode mode;
  bool absolute; /* |map| on viridis; otherwise the signed map on the diverging map,
                  * symmetric about 0 */
  FigSaliencyScale scale;
  FigSaliencyChannels channels;
  double clip_quantile; /* a scale ends at this quantile of |values| (e.g. 0.99), so a few
                         * extreme pixels do not wash out the rest; values beyond saturate.
                         * 0 or >= 1: at the maximum */
  const char *title;    /* NULL for none */
} FigSaliencyData;

/* A grid of maps: rows are methods, columns the input and the models that have a map; a
 * colour bar per row (row scale) or one for all (map scale, in units of each map's maximum).
 * Maps are drawn pixel for pixel (no interpolation); NaN pixels stay blank. */
void fig_saliency_paint (
    cairo_t *cr, double width, double height, const FigSaliencyData *data, const FigStyle *style);

/* method, model, channel, y, x, value: one row per map value (the input as model "input"). */
void fig_saliency_csv (const FigSaliencyData *data, GString *out);
