/* figures.h — the public API of src/figures: painters, their data, styles and export. */
#pragma once

#include "fig_colormap.h"
#include "fig_csv.h"
#include "fig_export.h"
#include "fig_heatmap.h"
#include "fig_lines.h"
#include "fig_registry.h"
#include "fig_reliability.h"
#include "fig_softlabels.h"
#include "fig_style.h"
#include "fig_temperature.h"
#include "fig_ticks.h"
#include "fig_training.h"
