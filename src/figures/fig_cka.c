/* fig_cka.c — heatmap settings for linear-CKA matrices. */
#include "fig_cka.h"

#include <string.h>

#include "fig_i18n.h"

static const char *
axis_title (FigModel model)
{
  static const char *const titles[FIG_N_MODEL_LOOKS]
      = { FIG_N_ ("Teacher layer"), FIG_N_ ("Distilled student layer"),
          FIG_N_ ("Baseline student layer") };
  return FIG_ (model >= 0 && model < FIG_N_MODEL_LOOKS ? titles[model] : FIG_N_ ("Layer"));
}

void
fig_cka_heatmap (FigHeatmapData *out,
                 int n_rows,
                 int n_cols,
                 const float *values,
                 const char *const *row_layers,
                 const char *const *col_layers,
                 FigModel row_model,
                 FigModel col_model)
{
  memset (out, 0, sizeof *out);
  out->n_rows = n_rows;
  out->n_cols = n_cols;
  out->values = values;
  out->row_names = row_layers;
  out->col_names = col_layers;
  out->row_label = axis_title (row_model);
  out->col_label = axis_title (col_model);
  out->value_label = FIG_ ("Linear CKA");
  out->colormap = FIG_COLORMAP_VIRIDIS;
  out->vmin = 0;
  out->vmax = 1;
  out->decimals = 2;
}
