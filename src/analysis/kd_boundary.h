/* kd_boundary.h — decision-boundary maps of models on 2-D data (input shape (1, 1, 2)).
 *
 * A grid of res x res cells covers [xmin, xmax] x [ymin, ymax]; cell (row j, column i) is
 * evaluated at its centre
 *
 *   x_i = xmin + (i + 1/2) (xmax - xmin) / res,   y_j = ymin + (j + 1/2) (ymax - ymin) / res,
 *
 * so row 0 is the *bottom* (ymin) of the plot: painters flip rows when drawing top-down.
 * The functions run on a caller-owned network (see kd_saliency.h) in inference mode.
 */
#pragma once

#include <stdint.h>

#include "kd_dataset.h"
#include "kd_net.h"
#include "kd_status.h"

typedef struct
{
  float xmin, xmax, ymin, ymax;
} KdBounds;

typedef enum
{
  KD_FIELD_LOGIT, /* gradient of the predicted class's logit */
  KD_FIELD_PMAX,  /* gradient of the predicted class's probability, p_max */
} KdFieldTarget;

/* The range of the dataset's two features, widened by pad_fraction of the span on every side
 * (0.1 is the usual choice); a feature without spread gets a span of 1. KD_ERR_SHAPE unless
 * the data is (1, 1, 2). */
KdStatus kd_boundary_data_bounds (const KdDataset *ds, float pad_fraction, KdBounds *bounds);

/* The centre of cell (row j, column i). */
void kd_boundary_cell_centre (const KdBounds *bounds, int res, int i, int j, float *x, float *y);

/* probs (res, res, K): the model's class probabilities at every cell centre; classes
 * (res, res), when not NULL, the top-1 class. */
KdStatus
kd_boundary_probs (KdNet *net, const KdBounds *bounds, int res, float *probs, uint8_t *classes);

/* field (res, res, 2): (d/dx, d/dy) of the target (see KdFieldTarget) at every cell centre,
 * for an arrow plot on a grid coarser than the probability map. */
KdStatus
kd_boundary_field (KdNet *net, const KdBounds *bounds, int res, KdFieldTarget target, float *field);
