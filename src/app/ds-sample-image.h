/* ds-sample-image.h — what a test sample looks like on screen.
 *
 * Images (uint8 pixels) become textures scaled up by whole factors with nearest-neighbour, so
 * a 28 x 28 digit stays sharp; 2-D points become a small scatter of the whole test set with
 * the sample ringed; other tabular samples are shown as their feature values. */
#pragma once

#include <gtk/gtk.h>

#include "kd_dataset.h"

G_BEGIN_DECLS

/* TRUE when the samples are images (uint8 pixels). */
gboolean ds_sample_is_image (const KdDataset *ds);
/* TRUE when the samples are 2-D points. */
gboolean ds_sample_is_point (const KdDataset *ds);

/* The scatter of every point of a 2-D ds on a size x size square, coloured by class: the
 * background ds_sample_texture() rings a point on. Free with cairo_surface_destroy(). */
cairo_surface_t *ds_sample_scatter_new (const KdDataset *ds, int size);

/* Sample index of ds as a texture about size pixels across: the image, or for 2-D points the
 * scatter (made by ds_sample_scatter_new() at this size) with the sample ringed; NULL for other
 * data. */
GdkTexture *ds_sample_texture (const KdDataset *ds, int index, int size, cairo_surface_t *scatter);

/* The first max feature values of a tabular sample, "x₁ = 0.31, x₂ = −1.20, …". */
char *ds_sample_features_text (const KdDataset *ds, int index, int max);

G_END_DECLS
