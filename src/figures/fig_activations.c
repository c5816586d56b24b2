/* fig_activations.c — per-layer activations of one sample, one column per model. */
#include "fig_activations.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fig_colorbar.h"
#include "fig_csv.h"
#include "fig_i18n.h"
#include "fig_raster.h"
#include "fig_series.h"

#define DEFAULT_MAX_MAPS 32
#define MAX_TILE_ZOOM                                                                              \
  6.0 /* a feature map is drawn at most this many times its size on a                              \
       * 96 dpi screen (0.75 pt a pixel) */

/* One layer's place in its column. */
typedef struct
{
  const FigActivationLayer *layer;
  bool maps;      /* feature maps (h * w > 1) rather than a strip of units */
  int shown;      /* maps drawn */
  double lo, hi;  /* the colour scale */
  bool constant;  /* every value the same (a dead ReLU layer): lo, and hi made up */
  double share;   /* figure pixels of height offered to the maps */
  int cols, rows; /* the grid of tiles, or of units in a strip */
  double tw, th;  /* a tile's (or a unit cell's) size */
  double height;  /* of the content, without the heading */
} Slot;

typedef struct
{
  const FigActivationModel *model;
  FigRect r;
  int n;
  Slot slots[FIG_ACTIVATIONS_MAX_LAYERS];
} Column;

static bool
layer_ok (const FigActivationLayer *l)
{
  return l->values && l->c > 0 && l->h > 0 && l->w > 0;
}

static bool
has_data (const FigActivationsData *d)
{
  if (!d || d->n_models < 1 || d->n_models > FIG_ACTIVATIONS_MAX_MODELS)
    return false;
  for (int m = 0; m < d->n_models; m++)
    for (int i = 0; d->models[m].layers && i < d->models[m].n_layers; i++)
      if (layer_ok (&d->models[m].layers[i]))
        return true;
  return false;
}

static void
layer_range (Slot *s)
{
  const FigActivationLayer *l = s->layer;
  double lo = 0, hi = -INFINITY;
  for (size_t i = 0; i < (size_t)l->c * l->h * l->w; i++)
    if (isfinite (l->values[i]))
      lo = fmin (lo, l->values[i]), hi = fmax (hi, l->values[i]);
  s->constant = !(hi > lo);
  s->lo = lo;
  s->hi = s->constant ? lo + 1 : hi;
}

/* ---- layout -------------------------------------------------------------------------------- */

static double
heading_height (FigCanvas *c)
{
  return fig_text_line_height (c, FIG_FONT_LABEL) + 0.25 * fig_pt (c, c->style->pad);
}

static double
gap (FigCanvas *c)
{
  return fmax (1, round (0.35 * fig_pt (c, c->style->pad)));
}

/* Units in rows at least 1.1 pt (1.5 screen pixels) a unit wide, as even as can be. */
static void
strip_layout (Slot *s, FigCanvas *c, double w)
{
  int units = s->layer->c * s->layer->h * s->layer->w;
  int rows = (int)ceil (units * fig_pt (c, 1.1) / fmax (w, 1));
  s->rows = rows < 1 ? 1 : rows;
  s->cols = (units + s->rows - 1) / s->rows;
  s->tw = w / s->cols;
  double em = fig_pt (c, c->style->label_size);
  s->th = s->rows == 1 ? 1.1 * em : fmax (0.6 * em / sqrt (s->rows), fmin (s->tw, 0.5 * em));
  s->height = s->rows * s->th;
}

/* The grid of the largest tiles that fits w x h. */
static void
grid_layout (Slot *s, FigCanvas *c, double w, double h)
{
  double g = gap (c), aspect = (double)s->layer->h / s->layer->w, best = -1;
  for (int cols = 1; cols <= s->shown; cols++)
    {
      int rows = (s->shown + cols - 1) / cols;
      double t = fmin ((w - (cols - 1) * g) / cols, (h - (rows - 1) * g) / rows / aspect);
      t = fmin (t, fig_pt (c, MAX_TILE_ZOOM * 0.75 * fmax (s->layer->w, 6)));
      if (t > best + 1e-9)
        best = t, s->cols = cols, s->rows = rows;
    }
  s->tw = fmax (best, 1);
  s->th = fmax (1, s->tw * aspect);
  s->height = s->rows * s->th + (s->rows - 1) * g;
}

static void
column_layout (Column *col, FigCanvas *c, int max_maps)
{
  double head = heading_height (c), pad = fig_pt (c, c->style->pad), fixed = 0;
  int n_maps = 0;
  for (int i = 0; i < col->n; i++)
    {
      Slot *s = &col->slots[i];
      fixed += head + (i > 0 ? pad : 0);
      if (s->maps)
        {
          s->shown = s->layer->c < max_maps ? s->layer->c : max_maps;
          n_maps++;
          continue;
        }
      strip_layout (s, c, col->r.w);
      fixed += s->height;
    }
  /* Equal shares of the rest for the map grids, then what a grid leaves unused goes to those
   * that were short of height. */
  double avail = fmax (col->r.h - fixed, 0), spare = 0;
  for (int i = 0; i < col->n; i++)
    if (col->slots[i].maps)
      {
        Slot *s = &col->slots[i];
        s->share = avail / n_maps;
        grid_layout (s, c, col->r.w, s->share);
        spare += s->share - s->height;
      }
  for (int pass = 0; pass < 2 && spare > 1; pass++)
    {
      int hungry = 0;
      for (int i = 0; i < col->n; i++)
        hungry += col->slots[i].maps && col->slots[i].share - col->slots[i].height < 1;
      if (hungry == 0)
        break;
      double give = spare / hungry;
      spare = 0;
      for (int i = 0; i < col->n; i++)
        {
          Slot *s = &col->slots[i];
          if (!s->maps)
            continue;
          if (s->share - s->height < 1) /* others' excess is already in what is given */
            {
              grid_layout (s, c, col->r.w, s->share + give);
              spare += fmax (s->share + give - s->height, 0);
            }
          s->share = s->height;
        }
    }
}

static void
column_init (Column *col, const FigActivationModel *m, FigRect r)
{
  memset (col, 0, sizeof *col);
  col->model = m;
  col->r = r;
  for (int i = 0; m->layers && i < m->n_layers && col->n < FIG_ACTIVATIONS_MAX_LAYERS; i++)
    {
      const FigActivationLayer *l = &m->layers[i];
      if (!layer_ok (l))
        continue;
      Slot *s = &col->slots[col->n++];
      s->layer = l;
      s->maps = l->h * l->w > 1;
      layer_range (s);
    }
}

/* ---- drawing ------------------------------------------------------------------------------- */

/* The layer's shape, with its range when `range`; a dead layer says so, rather than showing a
 * made-up range. */
static void
format_info (const Slot *s, bool range, char *buf, size_t len)
{
  char shape[48], lo[32], hi[32];
  if (s->maps)
    g_snprintf (shape, sizeof shape, "%d × %d × %d", s->layer->c, s->layer->h, s->layer->w);
  else
    {
      int units = s->layer->c * s->layer->h * s->layer->w;
      g_snprintf (shape, sizeof shape, FIG_NG_ ("%d unit", "%d units", units), units);
    }
  fig_format_number (s->lo, 2, lo, sizeof lo);
  fig_format_number (s->hi, 2, hi, sizeof hi);
  if (!range)
    g_snprintf (buf, len, "%s", shape);
  else if (s->constant)
    /* Translators: a layer's shape, then the one value every activation of the layer has */
    g_snprintf (buf, len, FIG_ ("%s  ·  all %s"), shape, lo);
  else
    /* Translators: a layer's shape, then the lowest and the highest activation of the layer */
    g_snprintf (buf, len, FIG_ ("%s  ·  %s to %s"), shape, lo, hi);
}

static void
draw_heading (FigCanvas *c, const Slot *s, double x, double y, double w)
{
  double pad = fig_pt (c, c->style->pad), name_w, more_w = 0;
  const char *name = s->layer->name ? s->layer->name : "";
  char info[96], more[32] = "";
  fig_text_size (c, FIG_FONT_LABEL, name, &name_w, NULL);
  fig_text_draw_opts (c, FIG_FONT_LABEL, c->style->text, name, x, y, &(FigTextOpts){ 0, 0, 0, w });
  if (s->maps && s->shown < s->layer->c)
    {
      int hidden = s->layer->c - s->shown;
      /* Translators: channels of a layer not drawn for want of room */
      g_snprintf (more, sizeof more, FIG_NG_ ("+%d more", "+%d more", hidden), hidden);
      fig_text_size (c, FIG_FONT_TICK, more, &more_w, NULL);
      fig_text_draw (c, FIG_FONT_TICK, c->style->text_muted, more, x + w, y + 0.1 * pad, 1, 0);
    }
  /* Shape and range, or the shape alone, or nothing: never a cut-off number. */
  double room = w - name_w - pad - (more_w > 0 ? more_w + pad : 0);
  for (int range = 1; range >= 0; range--)
    {
      double iw;
      format_info (s, range, info, sizeof info);
      fig_text_size (c, FIG_FONT_TICK, info, &iw, NULL);
      if (iw > room)
        continue;
      fig_text_draw (c, FIG_FONT_TICK, c->style->text_muted, info, x + name_w + pad, y + 0.1 * pad,
                     0, 0);
      break;
    }
}

/* All shown maps of a layer side by side in one image, a transparent pixel between them so
 * that no tile's edge samples its neighbour. */
static cairo_surface_t *
mosaic (const Slot *s)
{
  const FigActivationLayer *l = s->layer;
  int tw = l->w + 1, hw = l->h * l->w;
  uint32_t *px;
  int stride;
  cairo_surface_t *img = fig_raster_new (s->shown * tw, l->h, &px, &stride);
  memset (px, 0, (size_t)stride * 4 * l->h);
  for (int k = 0; k < s->shown; k++)
    for (int y = 0; y < l->h; y++)
      for (int x = 0; x < l->w; x++)
        {
          double v = l->values[(size_t)k * hw + y * l->w + x];
          unsigned char rgb[3];
          fig_colormap_eval_u8 (FIG_COLORMAP_VIRIDIS, (v - s->lo) / (s->hi - s->lo), rgb);
          px[(size_t)y * stride + k * tw + x]
              = isfinite (v) ? 0xffu << 24 | (uint32_t)rgb[0] << 16 | rgb[1] << 8 | rgb[2] : 0;
        }
  cairo_surface_mark_dirty (img);
  return img;
}

static void
draw_maps (FigCanvas *c, const Slot *s, double x, double y)
{
  cairo_surface_t *img = mosaic (s);
  double g = gap (c);
  for (int k = 0; k < s->shown; k++)
    {
      /* Whole-pixel edges, so that every gap between tiles is as wide as the others. */
      double x0 = x + (k % s->cols) * (s->tw + g), y0 = y + (k / s->cols) * (s->th + g);
      FigRect t = { round (x0), round (y0), round (x0 + s->tw) - round (x0),
                    round (y0 + s->th) - round (y0) };
      fig_raster_draw_tile (c, img, k * (s->layer->w + 1), 0, s->layer->w, s->layer->h, t);
    }
  cairo_surface_destroy (img);
}

static void
draw_strip (FigCanvas *c, const Slot *s, double x, double y)
{
  int units = s->layer->c * s->layer->h * s->layer->w;
  /* Units laid out row by row; cells past the last unit stay transparent. */
  float *grid = malloc ((size_t)s->rows * s->cols * sizeof *grid);
  if (!grid)
    return;
  for (int i = 0; i < s->rows * s->cols; i++)
    grid[i] = i < units ? s->layer->values[i] : NAN;
  cairo_surface_t *img
      = fig_raster_colormap (grid, s->cols, s->rows, FIG_COLORMAP_VIRIDIS, s->lo, s->hi, false);
  fig_raster_draw (c, img,
                   (FigRect){ round (x), round (y), round (x + s->cols * s->tw) - round (x),
                              round (y + s->height) - round (y) },
                   false);
  cairo_surface_destroy (img);
  free (grid);
}

static void
draw_column (FigCanvas *c, const Column *col)
{
  double head = heading_height (c), pad = fig_pt (c, c->style->pad), y = col->r.y;
  for (int i = 0; i < col->n; i++)
    {
      const Slot *s = &col->slots[i];
      draw_heading (c, s, col->r.x, y, col->r.w);
      y += head;
      if (s->maps)
        draw_maps (c, s, col->r.x, y);
      else
        draw_strip (c, s, col->r.x, y);
      y += s->height + pad;
    }
}

/* The model's name over its column, underlined in its colour as elsewhere. */
static double
draw_model_heading (FigCanvas *c, const FigActivationModel *m, FigRect r, bool draw)
{
  double h = fig_text_line_height (c, FIG_FONT_TITLE), rule = fig_pt (c, 1.5);
  double pad = fig_pt (c, c->style->pad);
  const char *name = m->name ? m->name : m->model >= 0 ? fig_model_name (m->model) : NULL;
  if (!name)
    return 0;
  if (draw)
    {
      double w;
      fig_text_size (c, FIG_FONT_TITLE, name, &w, NULL);
      fig_text_draw_opts (c, FIG_FONT_TITLE, c->style->text, name, r.x, r.y,
                          &(FigTextOpts){ 0, 0, 0, r.w });
      if (m->model >= 0 && m->model < FIG_N_MODEL_LOOKS)
        {
          fig_canvas_set_color (c, c->style->model_colors[m->model]);
          cairo_rectangle (c->cr, r.x, r.y + h + 0.15 * pad, fmin (w, r.w), rule);
          cairo_fill (c->cr);
        }
    }
  return h + rule + 0.9 * pad;
}

void
fig_activations_paint (
    cairo_t *cr, double width, double height, const FigActivationsData *data, const FigStyle *style)
{
  FigCanvas c;
  fig_canvas_begin (&c, cr, width, height, style);
  if (!has_data (data))
    {
      fig_draw_empty (&c, FIG_ ("No activations to show"));
      fig_canvas_end (&c);
      return;
    }
  FigRect r = fig_figure_title (&c, fig_canvas_content (&c), data->title);
  double pad = fig_pt (&c, style->pad), col_gap = 4 * pad;
  FigColorbar cb = { FIG_COLORMAP_VIRIDIS, 0, 1, FIG_ ("Activation (layer range)") };
  cb.fixed_ticks = (const double[]){ 0, 1 };
  cb.n_fixed_ticks = 2;
  double cbw = fig_colorbar_measure (&cb, &c, r.h * 0.6) + 2 * pad;
  int n = data->n_models;
  double w = (r.w - cbw - (n - 1) * col_gap) / n, top = 0;
  for (int m = 0; m < n; m++)
    top = fmax (top, draw_model_heading (&c, &data->models[m], r, false));
  int max_maps = data->max_maps > 0 ? data->max_maps : DEFAULT_MAX_MAPS;
  for (int m = 0; m < n; m++)
    {
      FigRect cr_m = { r.x + m * (w + col_gap), r.y, w, r.h };
      Column col;
      draw_model_heading (&c, &data->models[m], cr_m, true);
      column_init (&col, &data->models[m],
                   (FigRect){ cr_m.x, r.y + top, cr_m.w, fmax (r.h - top, 1) });
      column_layout (&col, &c, max_maps);
      draw_column (&c, &col);
    }
  double bar_h = fmin (r.h - top, 12 * fig_pt (&c, style->label_size));
  fig_colorbar_draw (&cb, &c,
                     (FigRect){ r.x + r.w - cbw + 2 * pad, r.y + top, cb.bar_w, fmax (bar_h, 1) });
  fig_canvas_end (&c);
}

void
fig_activations_csv (const FigActivationsData *data, GString *out)
{
  static const char *const head[] = { "model", "layer", "channel", "y", "x", "value" };
  FigCsv csv;
  fig_csv_init (&csv, out);
  for (int i = 0; i < 6; i++)
    fig_csv_text (&csv, head[i]);
  fig_csv_end_row (&csv);
  for (int m = 0; data && m < data->n_models && m < FIG_ACTIVATIONS_MAX_MODELS; m++)
    {
      const FigActivationModel *mo = &data->models[m];
      const char *name = mo->name ? mo->name : mo->model >= 0 ? fig_model_name (mo->model) : "";
      for (int i = 0; mo->layers && i < mo->n_layers; i++)
        {
          const FigActivationLayer *l = &mo->layers[i];
          for (int k = 0; layer_ok (l) && k < l->c; k++)
            for (int y = 0; y < l->h; y++)
              for (int x = 0; x < l->w; x++)
                {
                  fig_csv_text (&csv, name);
                  fig_csv_text (&csv, l->name ? l->name : "");
                  fig_csv_int (&csv, k);
                  fig_csv_int (&csv, y);
                  fig_csv_int (&csv, x);
                  fig_csv_number (&csv, l->values[((size_t)k * l->h + y) * l->w + x]);
                  fig_csv_end_row (&csv);
                }
        }
    }
}
