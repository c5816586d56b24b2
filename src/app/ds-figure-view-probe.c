/* ds-figure-view-probe.c — hit testing by painting probes: the figure's own painter draws
 * coded colours off screen, and the pixel under the pointer says what is there. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "ds-figure-view-private.h"

/* ---- probes --------------------------------------------------------------------------------- */

#define PROBE_BLUE 0x55
#define PROBE_RED_STEP 40

guint32
ds_figure_probe_code (DsProbeKind kind, int index)
{
  return 0xFF000000u | ((guint32)(kind * PROBE_RED_STEP) << 16) | ((guint32)(index & 0xFF) << 8)
         | PROBE_BLUE;
}

static FigRGBA
code_rgba (DsProbeKind kind, int index)
{
  guint32 code = ds_figure_probe_code (kind, index);

  return (FigRGBA){ ((code >> 16) & 0xFF) / 255.0, ((code >> 8) & 0xFF) / 255.0,
                    (code & 0xFF) / 255.0, 1.0 };
}

/* The unpremultiplied channels of a premultiplied ARGB32 pixel; FALSE when mostly transparent
 * (antialiased edges against nothing). */
static gboolean
unpremultiply (guint32 pixel, int rgb[3])
{
  int a = pixel >> 24;

  if (a < 0xC0)
    return FALSE;
  for (int i = 0; i < 3; i++)
    rgb[i] = (int)((((pixel >> (16 - 8 * i)) & 0xFF) * 255 + a / 2) / a);
  return TRUE;
}

gboolean
ds_figure_probe_decode (guint32 pixel, DsProbeKind *kind, int *index)
{
  int rgb[3], k;

  if (!unpremultiply (pixel, rgb) || ABS (rgb[2] - PROBE_BLUE) > 6)
    return FALSE;
  k = (rgb[0] + PROBE_RED_STEP / 2) / PROBE_RED_STEP;
  if (k < DS_PROBE_MODEL || k > DS_PROBE_ACCENT || ABS (rgb[0] - k * PROBE_RED_STEP) > 6)
    return FALSE;
  *kind = (DsProbeKind)k;
  *index = rgb[1];
  return TRUE;
}

void
ds_figure_probe_style_init (FigStyle *style,
                            const FigStyle *like,
                            gboolean keep_axis,
                            gboolean keep_accent)
{
  const FigRGBA none = { 0, 0, 0, 0 };

  g_return_if_fail (style != NULL);

  *style = like ? *like : *_ds_figure_view_screen_style ();
  style->background = style->text = style->text_muted = none;
  style->grid = style->grid_minor = style->legend_fill = style->warn = none;
  style->axis = keep_axis ? code_rgba (DS_PROBE_AXIS, 0) : none;
  style->accent = keep_accent ? code_rgba (DS_PROBE_ACCENT, 0) : none;
  for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
    style->model_colors[m] = code_rgba (DS_PROBE_MODEL, m);
  for (int i = 0; i < FIG_N_CLASS_COLORS; i++)
    style->class_colors[i] = code_rgba (DS_PROBE_CLASS, i);
}

cairo_surface_t *
ds_figure_view_get_probe (DsFigureView *self,
                          const char *key,
                          FigPaintFunc paint,
                          gconstpointer data,
                          const FigStyle *style)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self->area));
  int height = gtk_widget_get_height (GTK_WIDGET (self->area));
  cairo_surface_t *surface;
  cairo_t *cr;

  g_return_val_if_fail (DS_IS_FIGURE_VIEW (self), NULL);
  g_return_val_if_fail (key != NULL && paint != NULL && style != NULL, NULL);

  if (width <= 0 || height <= 0)
    return NULL;
  if (width != self->probe_width || height != self->probe_height)
    {
      _ds_figure_view_clear_probes (self);
      self->probe_width = width;
      self->probe_height = height;
    }
  surface = g_hash_table_lookup (self->probes, key);
  if (surface != NULL)
    return surface;
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (surface);
  paint (cr, width, height, data, style);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  g_hash_table_insert (self->probes, g_strdup (key), surface);
  return surface;
}

guint32
ds_figure_probe_pixel (cairo_surface_t *probe, double x, double y)
{
  int ix = (int)floor (x), iy = (int)floor (y);
  const guchar *data;

  if (probe == NULL || ix < 0 || iy < 0 || ix >= cairo_image_surface_get_width (probe)
      || iy >= cairo_image_surface_get_height (probe))
    return 0;
  data = cairo_image_surface_get_data (probe);
  return ((const guint32 *)(data + (gsize)iy * cairo_image_surface_get_stride (probe)))[ix];
}

static gboolean
is_code (cairo_surface_t *probe, int x, int y, DsProbeKind want)
{
  DsProbeKind kind;
  int index;

  return ds_figure_probe_decode (ds_figure_probe_pixel (probe, x, y), &kind, &index)
         && kind == want;
}

/* The tick marks below a spine: runs of axis pixels a few pixels under it. */
static void
find_ticks (cairo_surface_t *probe, DsProbeAxis *axis)
{
  int y = (int)axis->y + 3;
  int start = -1;

  axis->n_ticks = 0;
  for (int x = (int)axis->x0 - 2; x <= (int)axis->x1 + 2; x++)
    {
      gboolean on = is_code (probe, x, y, DS_PROBE_AXIS);

      if (on && start < 0)
        start = x;
      else if (!on && start >= 0)
        {
          if (axis->n_ticks < DS_PROBE_MAX_TICKS)
            axis->ticks[axis->n_ticks++] = (start + x) / 2.0;
          start = -1;
        }
    }
}

int
ds_figure_view_find_x_axes (DsFigureView *self, DsProbeAxis *axes, int max)
{
  cairo_surface_t *probe;
  FigStyle style;
  int width, height, n = 0;

  g_return_val_if_fail (DS_IS_FIGURE_VIEW (self), 0);

  if (!ds_figure_view_has_figure (self))
    return 0;
  ds_figure_probe_style_init (&style, NULL, TRUE, FALSE);
  probe = ds_figure_view_get_probe (self, "x-axes", self->paint, self->data, &style);
  if (probe == NULL)
    return 0;
  width = cairo_image_surface_get_width (probe);
  height = cairo_image_surface_get_height (probe);
  for (int y = 0; y < height - 4 && n < max; y++)
    for (int x = 0; x < width && n < max; x++)
      {
        int start = x;

        while (x < width && is_code (probe, x, y, DS_PROBE_AXIS))
          x++;
        /* A spine is a long horizontal run with ticks under it; the row below a spine two
         * pixels wide is the same spine again. */
        if (x - start < 40 || (y > 0 && is_code (probe, (start + x) / 2, y - 1, DS_PROBE_AXIS)))
          continue;
        axes[n] = (DsProbeAxis){ start, x, y, 0, { 0 } };
        find_ticks (probe, &axes[n]);
        if (axes[n].n_ticks > 0)
          n++;
      }
  return n;
}

double
ds_figure_view_find_accent_x (DsFigureView *self, const char *key, gconstpointer data)
{
  cairo_surface_t *probe;
  FigStyle style;
  int width, height;

  g_return_val_if_fail (DS_IS_FIGURE_VIEW (self), NAN);

  if (self->paint == NULL || data == NULL)
    return NAN;
  ds_figure_probe_style_init (&style, NULL, FALSE, TRUE);
  probe = ds_figure_view_get_probe (self, key, self->paint, data, &style);
  if (probe == NULL)
    return NAN;
  width = cairo_image_surface_get_width (probe);
  height = cairo_image_surface_get_height (probe);
  /* The marker (often dashed, and crossed by data lines) is the column with the most accent
   * pixels. */
  double best_x = NAN;
  int best = 4;
  for (int x = 0; x < width; x++)
    {
      int count = 0;

      for (int y = 0; y < height; y++)
        count += is_code (probe, x, y, DS_PROBE_ACCENT);
      if (count > best)
        best = count, best_x = x + 0.5;
    }
  return best_x;
}

/* The colour range fig_heatmap_paint uses for data (its value_range), so that a probe with
 * explicit vmin and vmax lays out its colour bar exactly as the figure does. */
static void
heatmap_range (const FigHeatmapData *d, double *lo, double *hi)
{
  gboolean any = FALSE;

  *lo = 0.0, *hi = 0.0;
  for (gsize i = 0; i < (gsize)d->n_rows * d->n_cols; i++)
    if (isfinite (d->values[i]))
      {
        *lo = any ? fmin (*lo, d->values[i]) : d->values[i];
        *hi = any ? fmax (*hi, d->values[i]) : d->values[i];
        any = TRUE;
      }
  if (fig_colormap_is_diverging (d->colormap))
    {
      double m = fmax (fabs (*lo), fabs (*hi));
      *lo = -m, *hi = m;
    }
  if (isfinite (d->vmin))
    *lo = d->vmin;
  if (isfinite (d->vmax))
    *hi = d->vmax;
  if (!(*hi > *lo))
    {
      double w = *lo == 0 ? 1 : fabs (*lo) * 0.5;
      *lo -= w, *hi += w;
    }
}

typedef enum
{
  PROBE_ROWS,
  PROBE_ROWS_SHIFTED,
  PROBE_COLS,
  N_HEATMAP_PROBES
} HeatmapProbe;

/* Which code a cell gets in a probe; spread over [0, n) of the axis it codes. */
static int
heatmap_code (HeatmapProbe probe, int r, int k, int n_rows)
{
  switch (probe)
    {
      case PROBE_ROWS:
        return r;
      case PROBE_ROWS_SHIFTED:
        return (r + 1) % n_rows;
      case PROBE_COLS:
      default:
        return k;
    }
}

static cairo_surface_t *
heatmap_probe (
    DsFigureView *self, const FigHeatmapData *d, HeatmapProbe probe, double lo, double hi)
{
  static const char *const keys[] = { "heatmap-rows", "heatmap-rows-shifted", "heatmap-cols" };
  int n = probe == PROBE_COLS ? d->n_cols : d->n_rows;
  gsize size = (gsize)d->n_rows * d->n_cols;
  g_autofree float *values = g_new (float, size);
  FigHeatmapData pd = *d;
  FigStyle style;

  /* The cells carry codes spread over the colour range the figure has, so the colour bar, the
   * only part of the layout that depends on values, is laid out as on screen. */
  for (int r = 0; r < d->n_rows; r++)
    for (int k = 0; k < d->n_cols; k++)
      {
        gsize i = (gsize)r * d->n_cols + k;
        int code = heatmap_code (probe, r, k, d->n_rows);

        values[i] = isfinite (d->values[i])
                        ? (float)(lo + (hi - lo) * (n > 1 ? (double)code / (n - 1) : 0.0))
                        : NAN;
      }
  pd.values = values;
  pd.vmin = lo;
  pd.vmax = hi;
  pd.hide_values = TRUE;
  ds_figure_probe_style_init (&style, NULL, FALSE, FALSE);
  return ds_figure_view_get_probe (self, keys[probe], self->paint, &pd, &style);
}

/* The code (0 .. n-1) whose colour is nearest to the probe's pixel, -1 for none. */
static int
heatmap_decode (const FigHeatmapData *d, guint32 pixel, int n)
{
  int rgb[3], best = -1;
  double best_dist = 12.0 * 12.0 * 3; /* beyond this the pixel is no cell's colour */

  if (!unpremultiply (pixel, rgb))
    return -1;
  for (int code = 0; code < n; code++)
    {
      unsigned char c[3];
      double dist = 0.0;

      fig_colormap_eval_u8 (d->colormap, n > 1 ? (double)code / (n - 1) : 0.0, c);
      for (int i = 0; i < 3; i++)
        dist += (double)(c[i] - rgb[i]) * (c[i] - rgb[i]);
      if (dist < best_dist)
        best_dist = dist, best = code;
    }
  return best;
}

gboolean
ds_figure_view_pick_heatmap_cell (
    DsFigureView *self, const FigHeatmapData *data, double x, double y, int *row, int *col)
{
  cairo_surface_t *probes[N_HEATMAP_PROBES];
  double lo, hi;
  int r, r_shifted, k;

  g_return_val_if_fail (DS_IS_FIGURE_VIEW (self), FALSE);
  g_return_val_if_fail (row != NULL && col != NULL, FALSE);

  if (data == NULL || data->values == NULL || data->n_rows < 1 || data->n_cols < 1
      || self->paint == NULL)
    return FALSE;
  heatmap_range (data, &lo, &hi);
  for (int p = 0; p < N_HEATMAP_PROBES; p++)
    if ((probes[p] = heatmap_probe (self, data, p, lo, hi)) == NULL)
      return FALSE;
  r = heatmap_decode (data, ds_figure_probe_pixel (probes[PROBE_ROWS], x, y), data->n_rows);
  r_shifted = heatmap_decode (data, ds_figure_probe_pixel (probes[PROBE_ROWS_SHIFTED], x, y),
                              data->n_rows);
  k = heatmap_decode (data, ds_figure_probe_pixel (probes[PROBE_COLS], x, y), data->n_cols);
  /* The colour bar looks the same in every probe; a cell changes code between the two row
   * probes, so only a cell passes this test. */
  if (r < 0 || k < 0 || (data->n_rows > 1 && r_shifted != (r + 1) % data->n_rows))
    return FALSE;
  *row = r;
  *col = k;
  return TRUE;
}
