/* fig_sanity.h — the model-randomisation sanity check (Adebayo et al. 2018): does a saliency
 * map change when the model's weights are destroyed, layer by layer from the output down? */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "fig_style.h"

typedef struct
{
  const char *method; /* "Gradient", ...: lines of one method share a colour and marker */
  int model;          /* a FigModel for the dash (teacher solid, distilled dashed, baseline
                       * dotted), or -1 when the figure shows one model */
  const double *rho;  /* (n_stages) rank correlation with the original map, usually of |maps|
                       * (1 at stage 0); NaN: missing */
  const double *err;  /* (n_stages) half-width of a band around rho (e.g. a 95 % interval over
                       * samples); NULL for none */
} FigSanityLine;

#define FIG_SANITY_MAX_LINES 24

typedef struct
{
  int n_stages;
  const char *const *stages; /* (n_stages) "original", "logits", "fc2", ...: randomised from the
                              * output down, cumulatively */
  int n_lines;               /* 1 .. FIG_SANITY_MAX_LINES */
  const FigSanityLine *lines;
  const char *y_label; /* NULL: "Spearman ρ with original map" */
  const char *title;   /* NULL for none */
} FigSanityData;

/* One line per method (and model) across the stages, on a fixed axis from −0.2 to 1 (wider
 * only if the data are) with a reference line at 0, so that a method that passes falls towards
 * 0 while one that fails — it explains the input, not the model — visibly stays high. */
void fig_sanity_paint (
    cairo_t *cr, double width, double height, const FigSanityData *data, const FigStyle *style);

/* method, model, stage, rho, err: one row per point. */
void fig_sanity_csv (const FigSanityData *data, GString *out);
