/* fig_training.c — loss and test-accuracy curves from a KdHistory. */
#include "fig_training.h"

#include <math.h>
#include <stdlib.h>

#include "fig_csv.h"
#include "fig_i18n.h"
#include "fig_series.h"

/* The history as plottable columns; one allocation. */
typedef struct
{
  int n;
  double *x;                 /* (n) */
  double *loss[KD_N_MODELS]; /* (n) */
  double *acc[KD_N_MODELS];  /* (n) test accuracy in percent */
  bool present[KD_N_MODELS]; /* any finite loss or accuracy */
  double boundary;           /* x where the students' phase starts; NaN for none */
  double *buf;
} Curves;

/* Epochs restart in each phase; on the plot the students' continue from the teacher's. */
static double
teacher_epochs (const KdHistory *h)
{
  double e = 0;
  for (int i = 0; i < h->n; i++)
    if (h->points[i].phase == KD_PHASE_TEACHER)
      e = fmax (e, h->points[i].epoch);
  return e;
}

static double
point_x (const KdHistoryPoint *pt, FigTrainingX mode, double offset)
{
  if (mode == FIG_TRAINING_X_STEP)
    return (double)pt->step;
  return pt->phase == KD_PHASE_STUDENTS ? offset + pt->epoch : pt->epoch;
}

static void
find_boundary (const KdHistory *h, Curves *cv)
{
  int last_teacher = -1;
  bool students = false;
  for (int i = 0; i < h->n; i++)
    {
      if (h->points[i].phase == KD_PHASE_TEACHER)
        last_teacher = i;
      students |= h->points[i].phase == KD_PHASE_STUDENTS;
    }
  cv->boundary = last_teacher >= 0 && students ? cv->x[last_teacher] : NAN;
}

static bool
curves_build (const KdHistory *h, FigTrainingX mode, Curves *cv)
{
  cv->n = h->n;
  cv->buf = malloc ((size_t)h->n * (1 + 2 * KD_N_MODELS) * sizeof (double));
  if (!cv->buf)
    return false;
  cv->x = cv->buf;
  double offset = teacher_epochs (h);
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      cv->loss[m] = cv->buf + (size_t)h->n * (1 + 2 * m);
      cv->acc[m] = cv->loss[m] + h->n;
      cv->present[m] = false;
    }
  for (int i = 0; i < h->n; i++)
    {
      const KdHistoryPoint *pt = &h->points[i];
      cv->x[i] = point_x (pt, mode, offset);
      for (int m = 0; m < KD_N_MODELS; m++)
        {
          cv->loss[m][i] = pt->loss[m];
          cv->acc[m][i] = 100.0 * pt->test_acc[m];
          cv->present[m] |= isfinite (pt->loss[m]) || isfinite (pt->test_acc[m]);
        }
    }
  find_boundary (h, cv);
  return true;
}

/* The range over every model's column; false when nothing is finite. */
static bool
columns_range (Curves *cv, double *const cols[KD_N_MODELS], bool positive, double *lo, double *hi)
{
  bool any = false;
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      double a, b;
      if (!fig_data_range (cols[m], NULL, cv->n, positive, &a, &b))
        continue;
      *lo = any ? fmin (*lo, a) : a;
      *hi = any ? fmax (*hi, b) : b;
      any = true;
    }
  return any;
}

static void
setup_axes (Curves *cv, FigTrainingX mode, FigPanel *loss, FigPanel *acc, bool *have_acc)
{
  /* Translators: x axis titles: training steps (mini-batches) or epochs */
  const char *xlabel = mode == FIG_TRAINING_X_STEP ? FIG_ ("Step") : FIG_ ("Epoch");
  double x0 = 0, x1 = 1;
  fig_data_range (cv->x, NULL, cv->n, false, &x0, &x1);
  x0 = fmin (x0, 0);
  fig_range_pad (&x0, &x1, 0.02, false);
  *loss = (FigPanel){ 0 };
  *acc = (FigPanel){ 0 };
  fig_axis_linear (&loss->x, x0, x1, xlabel);
  fig_axis_linear (&acc->x, x0, x1, xlabel);

  double lo = 0.1, hi = 1;
  bool any = columns_range (cv, cv->loss, true, &lo, &hi);
  /* Log once the loss spans more than a decade and a half: early steps would flatten the
   * rest of a linear plot. */
  bool log = any && hi / lo > 30;
  if (!log && any)
    columns_range (cv, cv->loss, false, &lo, &hi);
  fig_range_pad (&lo, &hi, 0.05, log);
  if (log)
    fig_axis_log (&loss->y, lo, hi, FIG_ ("Training loss"));
  else
    fig_axis_linear (&loss->y, lo, hi, FIG_ ("Training loss"));

  *have_acc = columns_range (cv, cv->acc, false, &lo, &hi);
  if (!*have_acc)
    lo = 0, hi = 100;
  fig_range_pad (&lo, &hi, 0.06, false);
  fig_axis_linear (&acc->y, fmax (lo, 0), fmin (hi, 100.5), FIG_ ("Test accuracy (%)"));
}

static void
draw_boundary (FigCanvas *c, const FigPanel *p, double x)
{
  if (!isfinite (x))
    return;
  double px = fig_snap (c, fig_panel_x (p, x), fig_set_ref_line (c, FIG_DASH_DASHED));
  fig_line (c, px, p->area.y, px, p->area.y + p->area.h);
  /* Above the area, where no curve can run under them. */
  double pad = fig_pt (c, c->style->pad), y = p->area.y - 0.25 * pad;
  /* Translators: either side of the line where offline training moves from the teacher to the
   * students */
  fig_text_draw (c, FIG_FONT_TICK, c->style->text_muted, FIG_ ("teacher"), px - 0.5 * pad, y, 1, 1);
  fig_text_draw (c, FIG_FONT_TICK, c->style->text_muted, FIG_ ("students"), px + 0.5 * pad, y, 0,
                 1);
}

static void
draw_curves (FigCanvas *c, FigPanel *p, Curves *cv, double *const cols[KD_N_MODELS], bool eval)
{
  /* The distilled student, the figure's subject, is drawn last, on top. */
  static const int order[KD_N_MODELS] = { KD_TEACHER, KD_BASELINE, KD_STUDENT };
  fig_panel_draw_grid (p, c);
  draw_boundary (c, p, cv->boundary);
  fig_panel_clip (p, c, c->style->marker_size);
  for (int k = 0; k < KD_N_MODELS; k++)
    {
      int m = order[k], n_finite = 0;
      for (int i = 0; i < cv->n; i++)
        n_finite += isfinite (cols[m][i]);
      FigSeriesOpts opts = { .line = true, .markers = n_finite <= (eval ? 40 : 25) };
      fig_series_draw (c, p, cv->x, cols[m], cv->n, fig_style_model_look (c->style, m), &opts);
    }
  cairo_restore (c->cr);
  fig_panel_draw_axes (p, c);
}

static void
panel_rects (FigRect r, FigCanvas *c, FigRect out[2])
{
  double gap = fig_pt (c, c->style->pad) * 3;
  if (r.w >= 1.25 * r.h) /* wide: side by side */
    {
      double w = (r.w - gap) / 2;
      out[0] = (FigRect){ r.x, r.y, w, r.h };
      out[1] = (FigRect){ r.x + w + gap, r.y, w, r.h };
    }
  else
    {
      double h = (r.h - gap) / 2;
      out[0] = (FigRect){ r.x, r.y, r.w, h };
      out[1] = (FigRect){ r.x, r.y + h + gap, r.w, h };
    }
}

void
fig_training_paint (
    cairo_t *cr, double width, double height, const FigTrainingData *data, const FigStyle *style)
{
  FigCanvas c;
  Curves cv = { 0 };
  fig_canvas_begin (&c, cr, width, height, style);
  const KdHistory *h = data ? data->history : NULL;
  if (!h || h->n == 0 || !curves_build (h, data->x_axis, &cv)
      || !(cv.present[0] || cv.present[1] || cv.present[2]))
    {
      fig_draw_empty (&c, FIG_ ("No training history yet"));
      goto out;
    }
  FigPanel loss, acc;
  bool have_acc;
  setup_axes (&cv, data->x_axis, &loss, &acc, &have_acc);
  FigRect r = fig_figure_title (&c, fig_canvas_content (&c), data->title);
  FigLegend legend;
  fig_legend_init (&legend);
  for (int m = 0; m < KD_N_MODELS; m++)
    if (cv.present[m])
      fig_legend_add (&legend, fig_model_name (m), fig_style_model_look (style, m), FIG_KEY_LINE,
                      true);
  r = fig_legend_above (&legend, &c, r);
  FigRect rects[2];
  panel_rects (r, &c, rects);
  if (isfinite (cv.boundary))
    loss.top_extra = acc.top_extra
        = fig_text_line_height (&c, FIG_FONT_TICK) + 0.5 * fig_pt (&c, style->pad);
  fig_panels_layout ((FigPanel *[]){ &loss, &acc }, rects, 2, &c);
  draw_curves (&c, &loss, &cv, cv.loss, false);
  draw_curves (&c, &acc, &cv, cv.acc, true);
  if (!have_acc)
    fig_text_draw (&c, FIG_FONT_LABEL, style->text_muted, FIG_ ("Not evaluated yet"),
                   acc.area.x + acc.area.w / 2, acc.area.y + acc.area.h / 2, 0.5, 0.5);
out:
  free (cv.buf);
  fig_canvas_end (&c);
}

void
fig_training_csv (const FigTrainingData *data, GString *out)
{
  static const char *const phases[] = { "teacher", "students", "joint", "done" };
  static const char *const models[KD_N_MODELS] = { "teacher", "student", "baseline" };
  static const char *const columns[] = { "loss", "train_acc", "test_acc" };
  FigCsv csv;
  fig_csv_init (&csv, out);
  fig_csv_text (&csv, "step");
  fig_csv_text (&csv, "epoch");
  fig_csv_text (&csv, "phase");
  fig_csv_text (&csv, "temperature");
  for (int k = 0; k < 3; k++)
    for (int m = 0; m < KD_N_MODELS; m++)
      {
        char name[32];
        g_snprintf (name, sizeof name, "%s_%s", models[m], columns[k]);
        fig_csv_text (&csv, name);
      }
  fig_csv_end_row (&csv);
  const KdHistory *h = data ? data->history : NULL;
  for (int i = 0; h && i < h->n; i++)
    {
      const KdHistoryPoint *pt = &h->points[i];
      fig_csv_int (&csv, pt->step);
      fig_csv_number (&csv, pt->epoch);
      fig_csv_text (&csv, pt->phase >= 0 && pt->phase <= KD_PHASE_DONE ? phases[pt->phase] : "");
      fig_csv_number (&csv, pt->temperature);
      for (int m = 0; m < KD_N_MODELS; m++)
        fig_csv_number (&csv, pt->loss[m]);
      for (int m = 0; m < KD_N_MODELS; m++)
        fig_csv_number (&csv, pt->train_acc[m]);
      for (int m = 0; m < KD_N_MODELS; m++)
        fig_csv_number (&csv, pt->test_acc[m]);
      fig_csv_end_row (&csv);
    }
}
