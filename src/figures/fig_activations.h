/* fig_activations.h — what each layer computes for one sample: feature maps of conv and pool
 * layers as small images, dense layers as a strip of unit activations. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "fig_style.h"

typedef struct
{
  const char *name;    /* "conv1", "pool1", "fc1", "logits" */
  int c, h, w;         /* per-sample shape; dense layers are (units, 1, 1) */
  const float *values; /* (c, h, w) */
} FigActivationLayer;

#define FIG_ACTIVATIONS_MAX_MODELS 3
#define FIG_ACTIVATIONS_MAX_LAYERS 16

typedef struct
{
  int model;        /* a FigModel, for the heading and its colour; -1 for none */
  const char *name; /* the heading; NULL: the model's name */
  int n_layers;     /* 0 .. FIG_ACTIVATIONS_MAX_LAYERS, in forward order */
  const FigActivationLayer *layers;
} FigActivationModel;

typedef struct
{
  int n_models; /* 1 .. 3 columns side by side */
  FigActivationModel models[FIG_ACTIVATIONS_MAX_MODELS];
  int max_maps;      /* feature maps shown per layer, the first ones in channel order; the rest
                      * are counted in a "+N more" note. 0: 32 */
  const char *title; /* NULL for none */
} FigActivationsData;

/* Per model a column of layers, top to bottom in forward order, each headed by its name, shape
 * and value range. Layers with h * w > 1 show their feature maps as a grid of viridis tiles,
 * others their units as a strip (wrapped into rows when there are more units than the column
 * has room for). Every layer has its own colour scale from min(0, lowest value) to its highest
 * value, shared by all its maps so that busy and quiet channels show as such. */
void fig_activations_paint (cairo_t *cr,
                            double width,
                            double height,
                            const FigActivationsData *data,
                            const FigStyle *style);

/* model, layer, channel, y, x, value: one row per value. */
void fig_activations_csv (const FigActivationsData *data, GString *out);
