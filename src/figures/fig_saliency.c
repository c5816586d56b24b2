/* fig_saliency.c — a grid of saliency maps: methods down, input and models across. */
#include "fig_saliency.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fig_colorbar.h"
#include "fig_csv.h"
#include "fig_i18n.h"
#include "fig_raster.h"
#include "fig_series.h"

#define MAX_COLS (1 + FIG_N_MODEL_LOOKS)
#define OVERLAY_ALPHA 0.85   /* the opacity of a map at the end of its scale over the input */
#define OVERLAY_GREY_LO 0.35 /* the input's range of grey under an overlay */
#define OVERLAY_GREY_HI 0.95

typedef struct
{
  const FigSaliencyData *d;
  int hw;                                                 /* H * W */
  float *buf;                                             /* owns every plane below */
  float *plane[FIG_SALIENCY_MAX_ROWS][FIG_N_MODEL_LOOKS]; /* (H, W) reduced maps or NULL */
  double scale[FIG_SALIENCY_MAX_ROWS][FIG_N_MODEL_LOOKS]; /* |value| at the scale's end */
  int n_cols, col_model[MAX_COLS];                        /* -1 for the input column */
  /* layout, figure pixels */
  double cw, ch, gap, input_gap, label_w, header_h, x0, y0;
  FigColorbar bars[FIG_SALIENCY_MAX_ROWS];
  double bar_ticks[FIG_SALIENCY_MAX_ROWS][3];
  FigFont header_font;
  bool short_names; /* "Distilled" for "Distilled student": the columns are that narrow */
  double bar_x, bar_w, bar_label_x;
} Grid;

static bool
has_data (const FigSaliencyData *d)
{
  if (!d || d->n_rows < 1 || d->n_rows > FIG_SALIENCY_MAX_ROWS || !d->rows || d->c < 1 || d->h < 1
      || d->w < 1)
    return false;
  for (int r = 0; r < d->n_rows; r++)
    for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
      if (d->rows[r].maps[m])
        return true;
  return false;
}

/* One value per pixel from a (C, H, W) map, absolute or signed. */
static void
reduce (const FigSaliencyData *d, const float *map, int hw, float *out)
{
  int nc = d->channels == FIG_SALIENCY_CHANNELS_FIRST ? 1 : d->c;
  for (int i = 0; i < hw; i++)
    {
      double v = 0;
      for (int k = 0; k < nc; k++)
        v += d->absolute ? fabsf (map[(size_t)k * hw + i]) : map[(size_t)k * hw + i];
      out[i] = (float)v;
    }
}

/* The clip quantile of |values| over n planes of hw values (to 1/4096 of the maximum, from a
 * histogram: exact enough for a colour scale, linear in the pixels); 1 when all are zero. */
static double
scale_of (const FigSaliencyData *d, float *const *planes, int n, int hw)
{
  enum
  {
    BINS = 4096
  };
  double top = 0, q = d->clip_quantile;
  size_t total = 0;
  for (int p = 0; p < n; p++)
    for (int i = 0; i < hw; i++)
      if (isfinite (planes[p][i]))
        top = fmax (top, fabsf (planes[p][i])), total++;
  if (!(top > 0))
    return 1;
  if (!(q > 0 && q < 1))
    return top;
  unsigned *hist = calloc (BINS, sizeof *hist);
  if (!hist)
    return top;
  for (int p = 0; p < n; p++)
    for (int i = 0; i < hw; i++)
      if (isfinite (planes[p][i]))
        hist[(int)fmin (BINS - 1, fabsf (planes[p][i]) / top * BINS)]++;
  size_t want = (size_t)ceil (q * total), seen = 0;
  int b = 0;
  for (; b < BINS - 1 && (seen += hist[b]) < want; b++)
    ;
  free (hist);
  return top * (b + 1) / BINS;
}

static bool
grid_init (Grid *g, const FigSaliencyData *d)
{
  memset (g, 0, sizeof *g);
  g->d = d;
  g->hw = d->h * d->w;
  g->buf = malloc ((size_t)d->n_rows * FIG_N_MODEL_LOOKS * g->hw * sizeof *g->buf);
  if (!g->buf)
    return false;
  bool present[FIG_N_MODEL_LOOKS] = { false };
  for (int r = 0; r < d->n_rows; r++)
    {
      float *row[FIG_N_MODEL_LOOKS];
      int n = 0;
      for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
        {
          if (!d->rows[r].maps[m])
            continue;
          g->plane[r][m] = g->buf + ((size_t)r * FIG_N_MODEL_LOOKS + m) * g->hw;
          reduce (d, d->rows[r].maps[m], g->hw, g->plane[r][m]);
          row[n++] = g->plane[r][m];
          present[m] = true;
        }
      double shared = n > 0 ? scale_of (d, row, n, g->hw) : 1;
      for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
        g->scale[r][m] = d->scale == FIG_SALIENCY_SCALE_MAP && g->plane[r][m]
                             ? scale_of (d, &g->plane[r][m], 1, g->hw)
                             : shared;
    }
  if (d->input)
    g->col_model[g->n_cols++] = -1;
  for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
    if (present[m])
      g->col_model[g->n_cols++] = m;
  return true;
}

static const char *
column_name (const Grid *g, int col)
{
  int m = g->col_model[col];
  if (m >= 0)
    return g->short_names ? fig_model_short_name (m) : fig_model_name (m);
  return g->d->input_label ? g->d->input_label : FIG_ ("Input");
}

static FigColormap
colormap (const FigSaliencyData *d)
{
  return d->absolute ? FIG_COLORMAP_VIRIDIS : FIG_COLORMAP_DIVERGING;
}

/* ---- layout -------------------------------------------------------------------------------- */

/* The widest word of text in font. */
static double
widest_word (FigCanvas *c, FigFont font, const char *text)
{
  double widest = 0;
  char **words = g_strsplit (text, " ", -1);
  for (int i = 0; words[i]; i++)
    {
      double w;
      fig_text_size (c, font, words[i], &w, NULL);
      widest = fmax (widest, w);
    }
  g_strfreev (words);
  return widest;
}

/* Headings wrap between words; when a word alone is wider than its column, the smaller tick
 * font keeps neighbours apart. */
static double
header_height (Grid *g, FigCanvas *c, double width)
{
  double h = 0;
  /* The label font, else the tick font, else the tick font with short model names. */
  g->header_font = FIG_FONT_LABEL;
  g->short_names = false;
  for (int level = 0; level < 2; level++)
    for (int k = 0; k < g->n_cols; k++)
      if (widest_word (c, g->header_font, column_name (g, k)) > width)
        {
          g->short_names = level == 1;
          g->header_font = FIG_FONT_TICK;
        }
  for (int k = 0; k < g->n_cols; k++)
    {
      double th;
      fig_text_size_wrapped (c, g->header_font, column_name (g, k), width, NULL, &th);
      h = fmax (h, th);
    }
  /* The coloured rule under a model's name, and a gap above the maps. */
  return h + fig_pt (c, 2.5 + c->style->pad * 0.5);
}

static double
label_width (Grid *g, FigCanvas *c, double cap)
{
  double w = 0;
  for (int r = 0; r < g->d->n_rows; r++)
    {
      double tw;
      fig_text_size (c, FIG_FONT_LABEL, g->d->rows[r].name ? g->d->rows[r].name : "", &tw, NULL);
      w = fmax (w, tw);
    }
  return fmin (w, cap);
}

/* A row's bar is too short for automatic ticks: it gets the largest one-digit number inside
 * its scale, its negative for signed maps, and 0 when there is room. */
static void
row_bar_ticks (Grid *g, int r, double s, bool room)
{
  double e = pow (10, floor (log10 (s))), n = floor (s / e * (1 + 1e-9)) * e;
  double *t = g->bar_ticks[r];
  int k = 0;
  if (!g->d->absolute)
    t[k++] = -n;
  if (room || g->d->absolute)
    t[k++] = 0;
  t[k++] = n;
  g->bars[r].fixed_ticks = t;
  g->bars[r].n_fixed_ticks = k;
}

static void
setup_bars (Grid *g, bool room)
{
  const FigSaliencyData *d = g->d;
  int n = d->scale == FIG_SALIENCY_SCALE_ROW ? d->n_rows : 1;
  for (int r = 0; r < n; r++)
    {
      double s = d->scale == FIG_SALIENCY_SCALE_ROW ? g->scale[r][g->col_model[g->n_cols - 1]] : 1;
      g->bars[r] = (FigColorbar){ colormap (d), d->absolute ? 0 : -s, s, NULL };
      if (d->scale == FIG_SALIENCY_SCALE_ROW)
        row_bar_ticks (g, r, s, room);
      if (d->mode == FIG_SALIENCY_OVERLAY && d->input)
        {
          double grey = (OVERLAY_GREY_LO + OVERLAY_GREY_HI) / 2;
          g->bars[r].fade = OVERLAY_ALPHA;
          g->bars[r].under = (FigRGBA){ grey, grey, grey, 1 };
        }
    }
  if (d->scale == FIG_SALIENCY_SCALE_MAP)
    /* Translators: colour bar titles: attributions divided by the largest one of their map */
    g->bars[0].label
        = d->absolute ? FIG_ ("|Attribution| ÷ map maximum") : FIG_ ("Attribution ÷ map maximum");
}

/* The widest colour bar with its labels for bars of height h, including the shared title of
 * per-row bars. */
static double
bars_width (Grid *g, FigCanvas *c, double h)
{
  const FigSaliencyData *d = g->d;
  double pad = fig_pt (c, c->style->pad), w = 0;
  if (d->scale == FIG_SALIENCY_SCALE_MAP)
    return 2 * pad + fig_colorbar_measure (&g->bars[0], c, h * d->n_rows);
  for (int r = 0; r < d->n_rows; r++)
    w = fmax (w, fig_colorbar_measure (&g->bars[r], c, h));
  return 2 * pad + w + pad + fig_text_line_height (c, FIG_FONT_LABEL);
}

static void
layout (Grid *g, FigCanvas *c, FigRect r)
{
  const FigSaliencyData *d = g->d;
  double pad = fig_pt (c, c->style->pad), aspect = (double)d->h / d->w;
  /* Per-row colour bars need room between rows for their end labels. */
  g->gap = d->scale == FIG_SALIENCY_SCALE_ROW
               ? fmax (1.25 * pad, 1.1 * fig_text_line_height (c, FIG_FONT_TICK))
               : 0.75 * pad;
  g->input_gap = d->input && g->n_cols > 1 ? 2.5 * pad : 0;
  g->label_w = label_width (g, c, 0.2 * r.w);
  double cw = r.w / (g->n_cols + 2), th = fig_text_line_height (c, FIG_FONT_TICK);
  for (int pass = 0; pass < 3; pass++)
    {
      setup_bars (g, cw * aspect > 4.5 * th);
      g->header_h = header_height (g, c, cw + 0.5 * g->gap);
      double fixed_w = g->label_w + 1.5 * pad + bars_width (g, c, cw * aspect)
                       + (g->n_cols - 1) * g->gap + g->input_gap;
      double by_w = (r.w - fixed_w) / g->n_cols;
      double by_h = (r.h - g->header_h - (d->n_rows - 1) * g->gap) / (d->n_rows * aspect);
      cw = fmax (fmin (by_w, by_h), 4);
    }
  g->cw = cw;
  g->ch = cw * aspect;
  setup_bars (g, g->ch > 4.5 * th);
  double grid_w = g->n_cols * g->cw + (g->n_cols - 1) * g->gap + g->input_gap;
  double total_w = g->label_w + 1.5 * pad + grid_w + bars_width (g, c, g->ch);
  double total_h = g->header_h + d->n_rows * g->ch + (d->n_rows - 1) * g->gap;
  g->x0 = r.x + fmax (0, (r.w - total_w) / 2) + g->label_w + 1.5 * pad;
  g->y0 = r.y + fmax (0, (r.h - total_h) / 2) + g->header_h;
  g->bar_x = g->x0 + grid_w + 2 * pad;
  g->bar_w = fig_pt (c, c->style->label_size * 1.1);
  g->bar_label_x = r.x + fmax (0, (r.w - total_w) / 2) + total_w;
}

static FigRect
cell_rect (const Grid *g, int row, int col)
{
  double x = g->x0 + col * (g->cw + g->gap) + (col > 0 && g->col_model[0] < 0 ? g->input_gap : 0);
  double y = g->y0 + row * (g->ch + g->gap);
  /* Whole-pixel edges: a map's pixels stay sharp squares and its frame a crisp line. */
  return (FigRect){ round (x), round (y), round (x + g->cw) - round (x),
                    round (y + g->ch) - round (y) };
}

/* ---- images -------------------------------------------------------------------------------- */

/* The input as display values in [0, 1]: (H, W) grey, or (3, H, W) colour when C = 3. */
static void
input_display (const FigSaliencyData *d, float *out)
{
  int hw = d->h * d->w, n = d->c * hw;
  double lo = INFINITY, hi = -INFINITY;
  for (int i = 0; i < n; i++)
    if (isfinite (d->input[i]))
      lo = fmin (lo, d->input[i]), hi = fmax (hi, d->input[i]);
  double span = hi > lo ? hi - lo : 1;
  int planes = d->c == 3 ? 3 : 1;
  for (int p = 0; p < planes; p++)
    for (int i = 0; i < hw; i++)
      {
        double v = 0;
        for (int k = (planes == 3 ? p : 0); k < (planes == 3 ? p + 1 : d->c); k++)
          v += d->input[(size_t)k * hw + i];
        v = planes == 3 ? v : v / d->c;
        out[(size_t)p * hw + i] = isfinite (v) ? (float)((v - lo) / span) : 0.5f;
      }
}

static FigRGBA
input_pixel (const FigSaliencyData *d, const float *disp, int i, bool dim)
{
  int hw = d->h * d->w;
  FigRGBA p = { disp[i], disp[i], disp[i], 1 };
  if (d->c == 3)
    p.g = disp[hw + i], p.b = disp[2 * hw + i];
  if (dim) /* greyscale, lifted off black so that dark ends of a colormap on top still read */
    {
      double y = OVERLAY_GREY_LO
                 + (OVERLAY_GREY_HI - OVERLAY_GREY_LO) * (0.299 * p.r + 0.587 * p.g + 0.114 * p.b);
      p = (FigRGBA){ y, y, y, 1 };
    }
  return p;
}

static cairo_surface_t *
map_image (const Grid *g, const float *plane, double s, const float *disp)
{
  const FigSaliencyData *d = g->d;
  uint32_t *px;
  int stride;
  cairo_surface_t *img = fig_raster_new (d->w, d->h, &px, &stride);
  bool overlay = d->mode == FIG_SALIENCY_OVERLAY && disp;
  for (int y = 0; y < d->h; y++)
    for (int x = 0; x < d->w; x++)
      {
        int i = y * d->w + x;
        double v = plane ? plane[i] / s : NAN;
        double t = d->absolute ? v : 0.5 + 0.5 * v;
        FigRGBA col = fig_colormap_eval (colormap (d), t);
        if (overlay)
          {
            double a = isfinite (v) ? OVERLAY_ALPHA * fmin (fabs (v), 1) : 0;
            col = fig_rgba_mix (input_pixel (d, disp, i, true), (FigRGBA){ col.r, col.g, col.b, 1 },
                                a);
          }
        px[(size_t)y * stride + x] = isfinite (v) || !plane ? fig_argb (col) : 0;
      }
  cairo_surface_mark_dirty (img);
  return img;
}

static cairo_surface_t *
input_image (const FigSaliencyData *d, const float *disp)
{
  uint32_t *px;
  int stride;
  cairo_surface_t *img = fig_raster_new (d->w, d->h, &px, &stride);
  for (int y = 0; y < d->h; y++)
    for (int x = 0; x < d->w; x++)
      px[(size_t)y * stride + x] = fig_argb (input_pixel (d, disp, y * d->w + x, false));
  cairo_surface_mark_dirty (img);
  return img;
}

/* ---- drawing ------------------------------------------------------------------------------- */

static void
frame (FigCanvas *c, FigRect r)
{
  double lw = fig_pt (c, 0.6);
  cairo_set_line_width (c->cr, lw);
  cairo_set_dash (c->cr, NULL, 0, 0);
  fig_canvas_set_color (c, c->style->grid);
  cairo_rectangle (c->cr, r.x - lw / 2, r.y - lw / 2, r.w + lw, r.h + lw);
  cairo_stroke (c->cr);
}

static void
draw_headers (Grid *g, FigCanvas *c)
{
  double rule = fig_pt (c, 1.5), below = g->y0 - fig_pt (c, c->style->pad * 0.5);
  for (int k = 0; k < g->n_cols; k++)
    {
      FigRect cell = cell_rect (g, 0, k);
      double cx = cell.x + cell.w / 2, tw;
      const char *name = column_name (g, k);
      fig_text_size_wrapped (c, g->header_font, name, cell.w + 0.5 * g->gap, &tw, NULL);
      fig_text_draw_wrapped (c, g->header_font, c->style->text, name, cx, below - 2 * rule,
                             cell.w + 0.5 * g->gap, 0.5, 1);
      if (g->col_model[k] < 0)
        continue;
      /* The model's colour, as in every other figure, ties the column to its curves. */
      fig_canvas_set_color (c, c->style->model_colors[g->col_model[k]]);
      cairo_rectangle (c->cr, cx - fmin (tw, cell.w) / 2, below - rule, fmin (tw, cell.w), rule);
      cairo_fill (c->cr);
    }
}

static void
draw_row_labels (Grid *g, FigCanvas *c)
{
  double pad = fig_pt (c, c->style->pad);
  for (int r = 0; r < g->d->n_rows; r++)
    {
      FigRect cell = cell_rect (g, r, 0);
      fig_text_draw_wrapped (c, FIG_FONT_LABEL, c->style->text, g->d->rows[r].name,
                             cell.x - 1.5 * pad, cell.y + cell.h / 2, g->label_w, 1, 0.5);
    }
}

static void
draw_missing (FigCanvas *c, FigRect r)
{
  frame (c, r);
  fig_text_draw (c, FIG_FONT_TICK, c->style->text_muted, "—", r.x + r.w / 2, r.y + r.h / 2, 0.5,
                 0.5);
}

static void
draw_cells (Grid *g, FigCanvas *c, const float *disp)
{
  const FigSaliencyData *d = g->d;
  cairo_surface_t *in = disp ? input_image (d, disp) : NULL;
  for (int r = 0; r < d->n_rows; r++)
    for (int k = 0; k < g->n_cols; k++)
      {
        int m = g->col_model[k];
        FigRect cell = cell_rect (g, r, k);
        if (m < 0)
          {
            /* The sample once, at the top: the rows explain this one input. */
            if (r == 0)
              {
                fig_raster_draw (c, in, cell, false);
                frame (c, cell);
              }
            continue;
          }
        if (!g->plane[r][m])
          {
            draw_missing (c, cell);
            continue;
          }
        cairo_surface_t *img = map_image (g, g->plane[r][m], g->scale[r][m], disp);
        fig_raster_draw (c, img, cell, false);
        cairo_surface_destroy (img);
        frame (c, cell);
      }
  if (in)
    cairo_surface_destroy (in);
}

static void
draw_bars (Grid *g, FigCanvas *c)
{
  const FigSaliencyData *d = g->d;
  if (d->scale == FIG_SALIENCY_SCALE_MAP)
    {
      FigRect top = cell_rect (g, 0, 0), bottom = cell_rect (g, d->n_rows - 1, 0);
      fig_colorbar_draw (&g->bars[0], c,
                         (FigRect){ g->bar_x, top.y, g->bar_w, bottom.y + bottom.h - top.y });
      return;
    }
  for (int r = 0; r < d->n_rows; r++)
    {
      FigRect cell = cell_rect (g, r, 0);
      fig_colorbar_draw (&g->bars[r], c, (FigRect){ g->bar_x, cell.y, g->bar_w, cell.h });
    }
  double top = cell_rect (g, 0, 0).y, h = d->n_rows * g->ch + (d->n_rows - 1) * g->gap;
  fig_text_draw_opts (c, FIG_FONT_LABEL, c->style->text,
                      d->absolute ? FIG_ ("|Attribution|") : FIG_ ("Attribution"), g->bar_label_x,
                      top + h / 2, &(FigTextOpts){ 0.5, 1, -G_PI / 2, h });
}

void
fig_saliency_paint (
    cairo_t *cr, double width, double height, const FigSaliencyData *data, const FigStyle *style)
{
  FigCanvas c;
  fig_canvas_begin (&c, cr, width, height, style);
  Grid g;
  if (!has_data (data) || !grid_init (&g, data))
    {
      fig_draw_empty (&c, FIG_ ("No saliency maps to show"));
      fig_canvas_end (&c);
      return;
    }
  float *disp = data->input ? malloc ((size_t)3 * g.hw * sizeof *disp) : NULL;
  if (disp)
    input_display (data, disp);
  FigRect r = fig_figure_title (&c, fig_canvas_content (&c), data->title);
  layout (&g, &c, r);
  draw_headers (&g, &c);
  draw_row_labels (&g, &c);
  draw_cells (&g, &c, disp);
  draw_bars (&g, &c);
  free (disp);
  free (g.buf);
  fig_canvas_end (&c);
}

static void
csv_plane (
    FigCsv *csv, const FigSaliencyData *d, const char *method, const char *model, const float *v)
{
  for (int k = 0; k < d->c; k++)
    for (int y = 0; y < d->h; y++)
      for (int x = 0; x < d->w; x++)
        {
          fig_csv_text (csv, method);
          fig_csv_text (csv, model);
          fig_csv_int (csv, k);
          fig_csv_int (csv, y);
          fig_csv_int (csv, x);
          fig_csv_number (csv, v[((size_t)k * d->h + y) * d->w + x]);
          fig_csv_end_row (csv);
        }
}

void
fig_saliency_csv (const FigSaliencyData *data, GString *out)
{
  static const char *const models[FIG_N_MODEL_LOOKS] = { "teacher", "student", "baseline" };
  static const char *const head[] = { "method", "model", "channel", "y", "x", "value" };
  FigCsv csv;
  fig_csv_init (&csv, out);
  for (int i = 0; i < 6; i++)
    fig_csv_text (&csv, head[i]);
  fig_csv_end_row (&csv);
  if (!data || data->c < 1 || data->h < 1 || data->w < 1)
    return;
  if (data->input)
    csv_plane (&csv, data, "", "input", data->input);
  for (int r = 0; data->rows && r < data->n_rows && r < FIG_SALIENCY_MAX_ROWS; r++)
    for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
      if (data->rows[r].maps[m])
        csv_plane (&csv, data, data->rows[r].name ? data->rows[r].name : "", models[m],
                   data->rows[r].maps[m]);
}
