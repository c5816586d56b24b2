/* ds-pca-picker.c — hit testing of PCA scatters by probes. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "ds-pca-picker.h"

/* The anchor dots are classes 1 and 2; class 0 is invisible in the probe. */
#define ANCHOR_LO 1
#define ANCHOR_HI 2
/* How far from a dot's centre the pointer still picks it, in pixels. */
#define PICK_RADIUS 6.0

void
ds_pca_picker_reset (DsPcaPicker *picker)
{
  memset (picker, 0, sizeof *picker);
}

static int
dims_of (const FigPcaPanel *p)
{
  return p->dims >= 2 ? p->dims : 2;
}

static gboolean
panel_range (const FigPcaPanel *p, float lo[2], float hi[2])
{
  gboolean any = FALSE;

  for (int i = 0; p->coords != NULL && i < p->n; i++)
    {
      const float *c = p->coords + (gsize)i * dims_of (p);

      if (!isfinite (c[0]) || !isfinite (c[1]))
        continue;
      for (int a = 0; a < 2; a++)
        {
          lo[a] = any ? MIN (lo[a], c[a]) : c[a];
          hi[a] = any ? MAX (hi[a], c[a]) : c[a];
        }
      any = TRUE;
    }
  return any;
}

/* The centre of the lowest blob of probe pixels of class `cls`: the anchor dot, below the
 * legend's swatch of the same colour (the legend sits above every panel). */
static gboolean
find_anchor (cairo_surface_t *probe, int cls, double *cx, double *cy)
{
  int w = cairo_image_surface_get_width (probe), h = cairo_image_surface_get_height (probe);
  int stride = cairo_image_surface_get_stride (probe) / 4;
  const guint32 *px = (const guint32 *)cairo_image_surface_get_data (probe);
  int low_x = -1, low_y = -1, count = 0;
  double sx = 0.0, sy = 0.0;
  DsProbeKind kind;
  int index;

  for (int y = h - 1; y >= 0 && low_y < 0; y--)
    for (int x = 0; x < w; x++)
      if (ds_figure_probe_decode (px[y * stride + x], &kind, &index) && kind == DS_PROBE_CLASS
          && index == cls)
        {
          low_x = x, low_y = y;
          break;
        }
  if (low_y < 0)
    return FALSE;
  for (int y = MAX (low_y - 16, 0); y <= low_y; y++)
    for (int x = MAX (low_x - 16, 0); x < MIN (low_x + 17, w); x++)
      if (ds_figure_probe_decode (px[y * stride + x], &kind, &index) && kind == DS_PROBE_CLASS
          && index == cls)
        sx += x + 0.5, sy += y + 0.5, count++;
  *cx = sx / count;
  *cy = sy / count;
  return TRUE;
}

/* Learns panel p's mapping from a probe of the figure with two dots per panel. */
static void
map_panel (DsPcaPicker *picker, DsFigureView *view, const FigPcaData *data, int p)
{
  float lo[FIG_PCA_MAX_PANELS][2], hi[FIG_PCA_MAX_PANELS][2];
  float anchors[FIG_PCA_MAX_PANELS][4];
  uint8_t labels[FIG_PCA_MAX_PANELS][2];
  FigPcaData probe_data = *data;
  g_autofree char *key = g_strdup_printf ("ds-pca-anchors-%d", p);
  cairo_surface_t *probe;
  FigStyle style;
  double cx[2], cy[2];

  picker->valid[p] = FALSE;
  picker->mapped[p] = TRUE;
  for (int i = 0; i < data->n_panels; i++)
    {
      if (!panel_range (&data->panels[i], lo[i], hi[i]))
        return;
      anchors[i][0] = lo[i][0], anchors[i][1] = lo[i][1];
      anchors[i][2] = hi[i][0], anchors[i][3] = hi[i][1];
      labels[i][0] = i == p ? ANCHOR_LO : 0;
      labels[i][1] = i == p ? ANCHOR_HI : 0;
      probe_data.panels[i].n = 2;
      probe_data.panels[i].coords = anchors[i];
      probe_data.panels[i].dims = 2;
      probe_data.panels[i].labels = labels[i];
    }
  /* Two classes at least, so that the anchors have colours of their own. */
  probe_data.n_classes = MAX (data->n_classes, ANCHOR_HI + 1);
  ds_figure_probe_style_init (&style, NULL, FALSE, FALSE);
  style.class_colors[0].a = 0.0;
  probe = ds_figure_view_get_probe (view, key, (FigPaintFunc)fig_pca_paint, &probe_data, &style);
  picker->mapped[p] = TRUE;
  if (probe == NULL || hi[p][0] <= lo[p][0] || hi[p][1] <= lo[p][1]
      || !find_anchor (probe, ANCHOR_LO, &cx[0], &cy[0])
      || !find_anchor (probe, ANCHOR_HI, &cx[1], &cy[1]))
    return;
  picker->sx[p] = (cx[1] - cx[0]) / (hi[p][0] - lo[p][0]);
  picker->sy[p] = (cy[1] - cy[0]) / (hi[p][1] - lo[p][1]);
  picker->x0[p] = cx[0] - picker->sx[p] * lo[p][0];
  picker->y0[p] = cy[0] - picker->sy[p] * lo[p][1];
  picker->valid[p] = TRUE;
}

gboolean
ds_pca_picker_pick (DsPcaPicker *picker,
                    DsFigureView *view,
                    const FigPcaData *data,
                    double x,
                    double y,
                    int *panel,
                    int *point)
{
  double best = PICK_RADIUS * PICK_RADIUS;
  gboolean found = FALSE;

  int width = gtk_widget_get_width (GTK_WIDGET (view));
  int height = gtk_widget_get_height (GTK_WIDGET (view));

  if (data == NULL || data->n_panels < 1 || data->n_panels > FIG_PCA_MAX_PANELS)
    return FALSE;
  if (width != picker->width || height != picker->height)
    {
      ds_pca_picker_reset (picker);
      picker->width = width;
      picker->height = height;
    }
  for (int p = 0; p < data->n_panels; p++)
    {
      const FigPcaPanel *src = &data->panels[p];

      if (!picker->mapped[p])
        map_panel (picker, view, data, p);
      if (!picker->valid[p])
        continue;
      for (int i = 0; src->coords != NULL && i < src->n; i++)
        {
          const float *c = src->coords + (gsize)i * dims_of (src);
          double dx = picker->x0[p] + picker->sx[p] * c[0] - x;
          double dy = picker->y0[p] + picker->sy[p] * c[1] - y;

          if (dx * dx + dy * dy <= best)
            {
              best = dx * dx + dy * dy;
              *panel = p;
              *point = i;
              found = TRUE;
            }
        }
    }
  return found;
}
