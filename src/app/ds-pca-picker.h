/* ds-pca-picker.h — which dot of a PCA scatter (fig_pca) lies under the pointer.
 *
 * The painter keeps its layout to itself, so the picker learns each panel's data-to-pixel
 * mapping from probes (ds_figure_view_get_probe): the same figure, with each panel reduced to
 * two dots at the corners of its data range — same ranges, so the same layout — whose centres
 * give the mapping. The mapping is kept until the view's size or the data change; the nearest
 * dot within a few pixels of the pointer is the one picked.
 */
#pragma once

#include "ds-figure-view.h"
#include "fig_pca.h"

G_BEGIN_DECLS

typedef struct
{
  int width, height; /* the view's size the mappings belong to */
  gboolean mapped[FIG_PCA_MAX_PANELS];
  gboolean valid[FIG_PCA_MAX_PANELS];
  double x0[FIG_PCA_MAX_PANELS], sx[FIG_PCA_MAX_PANELS]; /* pixel = x0 + sx * value */
  double y0[FIG_PCA_MAX_PANELS], sy[FIG_PCA_MAX_PANELS];
} DsPcaPicker;

/* Forgets the mappings: call it whenever the data shown change. */
void ds_pca_picker_reset (DsPcaPicker *picker);

/* The dot of data (what view shows) under (x, y) in figure pixels: TRUE with its panel and
 * point index. */
gboolean ds_pca_picker_pick (DsPcaPicker *picker,
                             DsFigureView *view,
                             const FigPcaData *data,
                             double x,
                             double y,
                             int *panel,
                             int *point);

G_END_DECLS
