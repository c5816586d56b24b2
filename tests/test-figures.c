/* test-figures.c — src/figures: tick arithmetic, colormaps, styles, golden images of every
 * painter, and export (PNG chunks, SVG, multi-page PDF, atomic writes, CSV).
 *
 * Golden images: each painter draws fixed data at 640 x 400 pixels, 96 dpi, light style, and
 * the result must match tests/data/golden/<name>.png within GOLDEN_MAX_DIFF on every channel
 * for at least GOLDEN_MIN_SHARE of the pixels (antialiasing may shift a little between
 * FreeType or pixman builds; a moved label or line changes far more pixels). Run with
 * DS_REGENERATE_GOLDEN=1 to rewrite them after an intended change, and look at them.
 * DS_FIGURE_GALLERY=<dir> writes every figure in every theme, at 300 dpi and as PDF, for
 * looking at. */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "figures.h"

#define GOLDEN_W 640
#define GOLDEN_H 400
#define GOLDEN_MAX_DIFF 8
#define GOLDEN_MIN_SHARE 0.995

#define K 10

static const char *const fashion_names[K]
    = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
        "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot" };
static const char *const fashion_names_zh[K]
    = { "T恤", "裤子", "套衫", "连衣裙", "外套", "凉鞋", "衬衫", "运动鞋", "包", "踝靴" };

/* Logits of one "Shirt" image: the teacher's dark knowledge ranks T-shirt, pullover and coat
 * close behind; the baseline is sharper and ranks them differently. */
static const double logits[FIG_N_MODEL_LOOKS][K] = {
  { 3.1, -2.0, 2.6, 0.4, 2.2, -4.0, 5.0, -4.5, -1.0, -4.2 },
  { 2.8, -1.5, 2.4, 0.6, 2.0, -3.5, 4.2, -4.0, -0.8, -3.9 },
  { 1.0, -3.5, 3.9, -0.5, 1.2, -6.0, 4.6, -6.5, -2.5, -6.0 },
};

static double
softmax_t (const double *z, int n, double T, float *p)
{
  double m = z[0], sum = 0, h = 0;
  for (int i = 1; i < n; i++)
    m = fmax (m, z[i]);
  for (int i = 0; i < n; i++)
    sum += exp ((z[i] - m) / T);
  for (int i = 0; i < n; i++)
    {
      p[i] = (float)(exp ((z[i] - m) / T) / sum);
      h -= p[i] > 0 ? p[i] * log (p[i]) : 0;
    }
  return h;
}

/* A deterministic wobble in [-0.5, 0.5). */
static double
noise (guint32 *state)
{
  *state = *state * 1664525u + 1013904223u;
  return (*state >> 8) / 16777216.0 - 0.5;
}

/* ---- fixtures ----------------------------------------------------------------------------- */

static void
history_point (KdHistoryPoint *p, long step, float epoch, KdPhase phase)
{
  memset (p, 0, sizeof *p);
  p->step = step;
  p->epoch = epoch;
  p->phase = phase;
  p->temperature = phase == KD_PHASE_TEACHER ? NAN : 4.0f;
  for (int m = 0; m < KD_N_MODELS; m++)
    p->loss[m] = p->train_acc[m] = p->test_acc[m] = NAN;
}

/* Offline: five teacher epochs, then five student epochs, ten points an epoch. */
static const KdHistory *
fixture_history (void)
{
  static KdHistoryPoint points[100];
  static KdHistory h = { 0, 100, points };
  guint32 seed = 7;
  h.n = 0;
  for (int phase = 0; phase < 2; phase++)
    for (int i = 1; i <= 50; i++)
      {
        KdHistoryPoint *p = &points[h.n++];
        float t = i / 10.0f;
        history_point (p, 50L * h.n, t, phase ? KD_PHASE_STUDENTS : KD_PHASE_TEACHER);
        bool eval = i % 10 == 0;
        if (phase == 0)
          {
            p->loss[KD_TEACHER] = (float)(2.3 * exp (-1.2 * t) + 0.08 + 0.02 * noise (&seed));
            p->train_acc[KD_TEACHER] = (float)(0.9 - 0.5 * exp (-t));
            if (eval)
              p->test_acc[KD_TEACHER] = (float)(0.80 + 0.1 * (1 - exp (-t)));
            continue;
          }
        p->loss[KD_STUDENT] = (float)(3.0 * exp (-t) + 0.35 + 0.03 * noise (&seed));
        p->loss[KD_BASELINE] = (float)(2.3 * exp (-t) + 0.25 + 0.03 * noise (&seed));
        p->train_acc[KD_STUDENT] = p->train_acc[KD_BASELINE] = (float)(0.88 - 0.5 * exp (-t));
        if (eval)
          {
            p->test_acc[KD_STUDENT] = (float)(0.78 + 0.1 * (1 - exp (-t)));
            p->test_acc[KD_BASELINE] = (float)(0.77 + 0.1 * (1 - exp (-t)));
          }
      }
  return &h;
}

static FigTrainingData training_data;

static const FigTrainingData *
fixture_training (FigTrainingX x)
{
  training_data = (FigTrainingData){ fixture_history (), x, NULL };
  return &training_data;
}

static float soft_probs[FIG_N_MODEL_LOOKS][K];
static FigSoftLabelsData soft_data;

static const FigSoftLabelsData *
fixture_softlabels (bool chinese)
{
  soft_data = (FigSoftLabelsData){ .n_classes = K,
                                   .class_names = chinese ? fashion_names_zh : fashion_names,
                                   .temperature = 4,
                                   .true_class = 6 };
  for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
    {
      soft_data.entropy[m] = softmax_t (logits[m], K, 4, soft_probs[m]);
      soft_data.probs[m] = soft_probs[m];
    }
  return &soft_data;
}

#define N_TEMPS 31
static double temps[N_TEMPS];
static float temp_probs[N_TEMPS * K], temp_entropy[N_TEMPS];
static FigTemperatureData temp_data;

static const FigTemperatureData *
fixture_temperature (void)
{
  for (int t = 0; t < N_TEMPS; t++)
    {
      temps[t] = 0.5 * pow (2, t / 5.0); /* 0.5 .. 32 */
      temp_entropy[t] = (float)softmax_t (logits[0], K, temps[t], temp_probs + t * K);
    }
  temp_data = (FigTemperatureData){ N_TEMPS,      temps, K, fashion_names, temp_probs,
                                    temp_entropy, 4.0,   6, NULL };
  return &temp_data;
}

/* Groups of look-alike Fashion-MNIST classes: tops (0 2 4 6) and shoes (5 7 9). */
static int
look_alike (int a, int b)
{
  static const int group[K] = { 1, 0, 1, 2, 1, 3, 1, 3, 4, 3 };
  return a != b && group[a] == group[b] && group[a] != 0;
}

static float heat_values[K * K];
static FigHeatmapData heat_data;

/* The mean soft label of each class: rows are true classes. */
static const FigHeatmapData *
fixture_similarity (void)
{
  guint32 seed = 11;
  for (int r = 0; r < K; r++)
    {
      double sum = 0;
      for (int c = 0; c < K; c++)
        {
          double v = r == c ? 6 : look_alike (r, c) ? 1.2 + 0.3 * noise (&seed) : 0.08;
          heat_values[r * K + c] = (float)v;
          sum += v;
        }
      for (int c = 0; c < K; c++)
        heat_values[r * K + c] /= (float)sum;
    }
  heat_data = (FigHeatmapData){ K,
                                K,
                                heat_values,
                                fashion_names,
                                fashion_names,
                                "True class",
                                "Soft label class",
                                "Mean probability",
                                NULL,
                                FIG_COLORMAP_VIRIDIS,
                                NAN,
                                NAN,
                                -1,
                                false };
  return &heat_data;
}

static const FigHeatmapData *
fixture_confusion (void)
{
  guint32 seed = 5;
  fixture_similarity ();
  for (int r = 0; r < K; r++)
    for (int c = 0; c < K; c++)
      heat_values[r * K + c] = r == c              ? 780 + floor (150 * (noise (&seed) + 0.5))
                               : look_alike (r, c) ? floor (40 + 60 * (noise (&seed) + 0.5))
                                                   : floor (4 * (noise (&seed) + 0.5));
  heat_data.value_label = "Test images";
  heat_data.col_label = "Predicted class";
  heat_data.colormap = FIG_COLORMAP_CIVIDIS;
  return &heat_data;
}

/* A signed matrix for the diverging map: teacher minus student similarity. */
static const FigHeatmapData *
fixture_difference (void)
{
  guint32 seed = 3;
  fixture_similarity ();
  for (int i = 0; i < K * K; i++)
    heat_values[i] = (float)(0.12 * noise (&seed) * (1 + 2 * (i % (K + 1) == 0)));
  heat_data.value_label = "Teacher − student";
  heat_data.colormap = FIG_COLORMAP_DIVERGING;
  return &heat_data;
}

static FigReliabilityBin rel_bins[FIG_N_MODEL_LOOKS][10];
static FigReliabilityData rel_data;

static const FigReliabilityData *
fixture_reliability (int n_models)
{
  static const double overconfidence[FIG_N_MODEL_LOOKS] = { 0.05, 0.02, 0.09 };
  rel_data = (FigReliabilityData){ .n_models = n_models, .show_counts = true };
  for (int m = 0; m < n_models; m++)
    {
      for (int b = 0; b < 10; b++)
        {
          FigReliabilityBin *bin = &rel_bins[m][b];
          bin->lo = b / 10.0;
          bin->hi = (b + 1) / 10.0;
          bin->count = b < 2 ? 0 : (int)(20 * exp (0.55 * b) + 40 * m);
          bin->confidence = bin->count ? bin->lo + 0.06 : NAN;
          bin->accuracy = bin->count ? bin->confidence - overconfidence[m] * (1.4 - b / 10.0) : NAN;
        }
      rel_data.models[m] = (FigReliabilityModel){ fig_model_name (m), m, 10, rel_bins[m], NAN };
    }
  return &rel_data;
}

#define N_SWEEP 5
static const double sweep_t[N_SWEEP] = { 1, 2, 4, 8, 16 };
static double sweep_y[6][N_SWEEP], sweep_err[6][N_SWEEP];
static FigLineSeries sweep_series[6];
static FigLinesPanel sweep_panels[3];
static FigLinesData lines_data;

/* Accuracy, agreement and KL of distilled and baseline students against T over seeds. */
static const FigLinesData *
fixture_lines (int n_panels)
{
  guint32 seed = 9;
  for (int i = 0; i < N_SWEEP; i++)
    {
      double lt = log2 (sweep_t[i]);
      sweep_y[0][i] = 86.4 - 0.55 * lt * lt + 0.2 * noise (&seed), sweep_err[0][i] = 0.35;
      sweep_y[1][i] = 85.6 + 0.2 * noise (&seed), sweep_err[1][i] = 0.4;
      sweep_y[2][i] = 91 - 0.4 * lt * lt, sweep_err[2][i] = 0.5;
      sweep_y[3][i] = 88.2, sweep_err[3][i] = 0.45;
      sweep_y[4][i] = 0.02 * pow (2.6, lt), sweep_err[4][i] = 0.2 * sweep_y[4][i];
      sweep_y[5][i] = 0.09 * pow (2.2, lt), sweep_err[5][i] = 0.15 * sweep_y[5][i];
    }
  for (int s = 0; s < 6; s++)
    sweep_series[s] = (FigLineSeries){
      s % 2 ? "Baseline student" : "Distilled student", N_SWEEP, sweep_t, sweep_y[s], sweep_err[s],
      s % 2 ? FIG_MODEL_BASELINE : FIG_MODEL_STUDENT
    };
  static const char *const ylabels[3]
      = { "Test accuracy (%)", "Agreement with teacher (%)", "KL(teacher ‖ student)" };
  for (int p = 0; p < 3; p++)
    sweep_panels[p] = (FigLinesPanel){ NULL, "Temperature T",      ylabels[p], true, p == 2,
                                       2,    &sweep_series[2 * p], NAN,        NULL };
  for (int p = 0; p < 3; p++)
    sweep_panels[p].x_ticks_at_data = true;
  sweep_panels[0].ref_y = 89.9;
  sweep_panels[0].ref_label = "Teacher 89.9 %";
  lines_data = (FigLinesData){ NULL, n_panels, sweep_panels };
  return &lines_data;
}

/* ---- the figures under test --------------------------------------------------------------- */

typedef struct
{
  const char *name;
  FigKind kind;
  const void *(*data) (void);
} Case;

static const void *
case_training (void)
{
  return fixture_training (FIG_TRAINING_X_STEP);
}
static const void *
case_training_epochs (void)
{
  return fixture_training (FIG_TRAINING_X_EPOCH);
}
static const void *
case_soft (void)
{
  return fixture_softlabels (false);
}
static const void *
case_soft_zh (void)
{
  return fixture_softlabels (true);
}
static const void *
case_temperature (void)
{
  return fixture_temperature ();
}
static const void *
case_similarity (void)
{
  return fixture_similarity ();
}
static const void *
case_confusion (void)
{
  return fixture_confusion ();
}
static const void *
case_difference (void)
{
  return fixture_difference ();
}
static const void *
case_reliability (void)
{
  return fixture_reliability (3);
}
static const void *
case_reliability_one (void)
{
  return fixture_reliability (1);
}
static const void *
case_lines (void)
{
  return fixture_lines (1);
}
static const void *
case_sweep (void)
{
  return fixture_lines (3);
}
static const void *
case_empty (void)
{
  return NULL;
}

static const Case cases[] = {
  { "training", FIG_KIND_TRAINING, case_training },
  { "training-epochs", FIG_KIND_TRAINING, case_training_epochs },
  { "soft-labels", FIG_KIND_SOFT_LABELS, case_soft },
  { "soft-labels-zh", FIG_KIND_SOFT_LABELS, case_soft_zh },
  { "temperature", FIG_KIND_TEMPERATURE, case_temperature },
  { "similarity", FIG_KIND_HEATMAP, case_similarity },
  { "confusion", FIG_KIND_HEATMAP, case_confusion },
  { "difference", FIG_KIND_HEATMAP, case_difference },
  { "reliability", FIG_KIND_RELIABILITY, case_reliability },
  { "reliability-one", FIG_KIND_RELIABILITY, case_reliability_one },
  { "lines", FIG_KIND_LINES, case_lines },
  { "lines-sweep", FIG_KIND_LINES, case_sweep },
  { "empty", FIG_KIND_TRAINING, case_empty },
};

static cairo_surface_t *
render_case (const Case *c, const FigStyle *style, int w, int h, double dpi)
{
  g_autoptr (GError) error = NULL;
  cairo_surface_t *s
      = fig_render_image (fig_registry_get (c->kind)->paint, c->data (), style, w, h, dpi, &error);
  g_assert_no_error (error);
  return s;
}

static char *
golden_path (const char *name)
{
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  return g_test_build_filename (G_TEST_DIST, "data", "golden", file, NULL);
}

/* Share of pixels whose R, G and B all lie within max_diff of the other image's. */
static double
share_within (cairo_surface_t *a, cairo_surface_t *b, int max_diff)
{
  int w = cairo_image_surface_get_width (a), h = cairo_image_surface_get_height (a);
  int sa = cairo_image_surface_get_stride (a), sb = cairo_image_surface_get_stride (b);
  const guint8 *da = cairo_image_surface_get_data (a), *db = cairo_image_surface_get_data (b);
  long ok = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 pa = ((const guint32 *)(da + (size_t)y * sa))[x];
        guint32 pb = ((const guint32 *)(db + (size_t)y * sb))[x];
        bool close = true;
        for (int shift = 0; shift < 24; shift += 8)
          close &= abs ((int)((pa >> shift) & 0xff) - (int)((pb >> shift) & 0xff)) <= max_diff;
        ok += close;
      }
  return (double)ok / ((double)w * h);
}

static void
write_png (const char *path, cairo_surface_t *image)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) png = fig_png_encode (image, 96, NULL, NULL, 0, &error);
  g_assert_no_error (error);
  gsize len;
  const char *bytes = g_bytes_get_data (png, &len);
  g_assert_true (g_file_set_contents (path, bytes, (gssize)len, &error));
}

static void
test_golden (gconstpointer user_data)
{
  const Case *c = user_data;
  cairo_surface_t *actual
      = render_case (c, fig_style_get (FIG_THEME_LIGHT), GOLDEN_W, GOLDEN_H, 96);
  g_autofree char *path = golden_path (c->name);
  if (g_strcmp0 (g_getenv ("DS_REGENERATE_GOLDEN"), "1") == 0)
    {
      write_png (path, actual);
      g_test_message ("rewrote %s", path);
      cairo_surface_destroy (actual);
      return;
    }
  cairo_surface_t *golden = cairo_image_surface_create_from_png (path);
  if (cairo_surface_status (golden) != CAIRO_STATUS_SUCCESS)
    g_error ("no golden image %s; run with DS_REGENERATE_GOLDEN=1", path);
  g_assert_cmpint (cairo_image_surface_get_width (golden), ==, GOLDEN_W);
  g_assert_cmpint (cairo_image_surface_get_height (golden), ==, GOLDEN_H);
  double share = share_within (actual, golden, GOLDEN_MAX_DIFF);
  if (share < GOLDEN_MIN_SHARE)
    {
      g_autofree char *file = g_strdup_printf ("%s-actual.png", c->name);
      g_autofree char *out = g_build_filename (g_get_tmp_dir (), file, NULL);
      write_png (out, actual);
      g_test_message ("%s differs from its golden image: only %.2f %% of pixels match; see %s",
                      c->name, 100 * share, out);
    }
  g_assert_cmpfloat (share, >=, GOLDEN_MIN_SHARE);
  cairo_surface_destroy (golden);
  cairo_surface_destroy (actual);
}

/* ---- ticks -------------------------------------------------------------------------------- */

static void
test_nice_step (void)
{
  static const double steps[][2] = {
    { 0.13, 0.2 }, { 1, 1 },     { 1.01, 2 },      { 2.1, 5 },       { 7, 10 },
    { 0.2, 0.2 },  { 0.3, 0.5 }, { 0.0003, 5e-4 }, { 42000, 50000 }, { 0.06, 0.1 },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (steps); i++)
    g_assert_cmpfloat_with_epsilon (fig_nice_step (steps[i][0]), steps[i][1], steps[i][1] * 1e-9);
  g_assert_cmpfloat_with_epsilon (fig_nice_step_below (1), 0.5, 1e-12);
  g_assert_cmpfloat_with_epsilon (fig_nice_step_below (0.5), 0.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (fig_nice_step_below (0.2), 0.1, 1e-12);
}

static void
assert_labels (const FigTicks *t, const char *const *expected, int n)
{
  int k = 0;
  for (int i = 0; i < t->n; i++)
    if (t->ticks[i].label[0])
      {
        g_assert_cmpint (k, <, n);
        g_assert_cmpstr (t->ticks[i].label, ==, expected[k]);
        k++;
      }
  g_assert_cmpint (k, ==, n);
}

static void
test_linear_ticks (void)
{
  FigTicks t;
  g_assert_cmpint (fig_ticks_linear (0, 1, 6, &t), ==, 6);
  assert_labels (&t, (const char *[]){ "0.0", "0.2", "0.4", "0.6", "0.8", "1.0" }, 6);
  /* A real minus sign and no "-0". */
  fig_ticks_linear (-1.04, 1.04, 3, &t);
  assert_labels (&t, (const char *[]){ "\u22121", "0", "1" }, 3);
  fig_ticks_linear (-1.04, 1.04, 5, &t);
  assert_labels (&t, (const char *[]){ "\u22121.0", "\u22120.5", "0.0", "0.5", "1.0" }, 5);
  /* Never fewer than two ticks, even in a narrow range. */
  g_assert_cmpint (fig_ticks_linear (0.12, 0.18, 2, &t), >=, 2);
  for (int i = 0; i < t.n; i++)
    g_assert_true (t.ticks[i].value >= 0.12 && t.ticks[i].value <= 0.18);
  /* Every tick inside the range, a multiple of the step, at most max_ticks. */
  for (int max = 2; max <= 10; max++)
    {
      int n = fig_ticks_linear (83.3, 90.4, max, &t);
      g_assert_cmpint (n, <=, max);
      g_assert_cmpint (n, >=, 2);
      for (int i = 0; i < n; i++)
        {
          double q = t.ticks[i].value / t.step;
          g_assert_cmpfloat (fabs (q - round (q)), <, 1e-9);
          g_assert_true (t.ticks[i].value >= 83.3 && t.ticks[i].value <= 90.4);
        }
    }
  /* Huge and tiny numbers get a power of ten. */
  fig_ticks_linear (0, 2.1e6, 3, &t);
  assert_labels (&t, (const char *[]){ "0", "1\u00d710\u2076", "2\u00d710\u2076" }, 3);
  fig_ticks_linear (0, 3e-5, 4, &t);
  g_assert_nonnull (strstr (t.ticks[1].label, "10\u207b\u2075"));
  g_assert_cmpint (fig_ticks_linear (1, 1, 5, &t), ==, 0);
  g_assert_cmpint (fig_ticks_linear (0, NAN, 5, &t), ==, 0);
}

static void
test_log_ticks (void)
{
  FigTicks t;
  fig_ticks_log (1, 1000, 8, &t);
  assert_labels (&t, (const char *[]){ "1", "10", "100", "1000" }, 4);
  int majors = 0;
  for (int i = 0; i < t.n; i++)
    majors += t.ticks[i].major;
  g_assert_cmpint (majors, ==, 4);
  g_assert_cmpint (t.n, ==, 4 + 3 * 8); /* 2..9 between decades */
  /* Less than three decades: 1-2-5 labels. */
  fig_ticks_log (0.5, 20, 8, &t);
  assert_labels (&t, (const char *[]){ "0.5", "1", "2", "5", "10", "20" }, 6);
  /* Many decades: powers of ten, every third when only three labels fit, no minor ticks. */
  fig_ticks_log (1e-6, 1, 3, &t);
  assert_labels (&t, (const char *[]){ "10\u207b\u2076", "10\u207b\u00b3", "10\u2070" }, 3);
  fig_ticks_log (1e-9, 1e3, 20, &t);
  g_assert_cmpint (t.n, ==, 13);
  /* Within one decade every multiple is labelled. */
  fig_ticks_log (2, 8, 10, &t);
  assert_labels (&t, (const char *[]){ "2", "3", "4", "5", "6", "7", "8" }, 7);
  g_assert_cmpint (fig_ticks_log (0, 10, 5, &t), ==, 0);
  g_assert_true (fig_ticks_thin (&t) == false);
  fig_ticks_log (0.5, 20, 8, &t);
  g_assert_true (fig_ticks_thin (&t));
  assert_labels (&t, (const char *[]){ "0.5", "2", "10" }, 3);
}

static void
test_format (void)
{
  char buf[FIG_TICK_LABEL_MAX];
  fig_format_tick (-0.0, 1, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0");
  fig_format_tick (-2.5, 0.5, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "\u22122.5");
  fig_format_number (0.0012345, 2, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "0.0012");
  fig_format_number (12345678, 3, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "1.23\u00d710\u2077");
  fig_format_number (NAN, 3, buf, sizeof buf);
  g_assert_cmpstr (buf, ==, "");
  double lo = 5, hi = 5;
  fig_range_pad (&lo, &hi, 0.05, false);
  g_assert_true (lo < 5 && hi > 5);
  lo = 1, hi = 100;
  fig_range_pad (&lo, &hi, 0.5, true);
  g_assert_cmpfloat_with_epsilon (lo, 0.1, 1e-12);
  g_assert_cmpfloat_with_epsilon (hi, 1000, 1e-9);
}

/* ---- colormaps and styles ----------------------------------------------------------------- */

static void
assert_rgb (FigRGBA c, double r, double g, double b)
{
  g_assert_cmpfloat_with_epsilon (c.r, r, 1e-6);
  g_assert_cmpfloat_with_epsilon (c.g, g, 1e-6);
  g_assert_cmpfloat_with_epsilon (c.b, b, 1e-6);
}

static void
test_colormaps (void)
{
  /* The published end points of viridis and cividis. */
  assert_rgb (fig_colormap_eval (FIG_COLORMAP_VIRIDIS, 0), 0.267004, 0.004874, 0.329415);
  assert_rgb (fig_colormap_eval (FIG_COLORMAP_VIRIDIS, 1), 0.993248, 0.906157, 0.143936);
  assert_rgb (fig_colormap_eval (FIG_COLORMAP_CIVIDIS, 0), 0.0, 0.135112, 0.304751);
  assert_rgb (fig_colormap_eval (FIG_COLORMAP_CIVIDIS, 1), 0.995737, 0.909344, 0.217772);
  /* Lightness rises monotonically through the sequential maps... */
  for (int m = FIG_COLORMAP_VIRIDIS; m <= FIG_COLORMAP_CIVIDIS; m++)
    {
      double prev = -1;
      for (int i = 0; i <= 100; i++)
        {
          double l = fig_rgba_luminance (fig_colormap_eval (m, i / 100.0));
          g_assert_cmpfloat (l, >, prev);
          prev = l;
        }
    }
  /* ...and the diverging map is blue below, near-white at the centre and red above. */
  FigRGBA lo = fig_colormap_eval (FIG_COLORMAP_DIVERGING, 0);
  FigRGBA mid = fig_colormap_eval (FIG_COLORMAP_DIVERGING, 0.5);
  FigRGBA hi = fig_colormap_eval (FIG_COLORMAP_DIVERGING, 1);
  g_assert_cmpfloat (lo.b, >, lo.r);
  g_assert_cmpfloat (hi.r, >, hi.b);
  g_assert_cmpfloat (fig_rgba_luminance (mid), >, 0.85);
  assert_rgb (hi, 0.403922, 0.0, 0.121569); /* ColorBrewer RdBu's darkest red */
  /* Out of range clamps, NaN is transparent. */
  assert_rgb (fig_colormap_eval (FIG_COLORMAP_VIRIDIS, -3), 0.267004, 0.004874, 0.329415);
  g_assert_cmpfloat (fig_colormap_eval (FIG_COLORMAP_VIRIDIS, NAN).a, ==, 0);
  FigColormap map;
  g_assert_true (fig_colormap_from_name ("cividis", &map) && map == FIG_COLORMAP_CIVIDIS);
  g_assert_false (fig_colormap_from_name ("jet", &map));
}

static void
test_styles (void)
{
  for (int t = 0; t < FIG_N_THEMES; t++)
    {
      const FigStyle *s = fig_style_get (t);
      g_assert_cmpfloat_with_epsilon (fig_style_scale (s), 96.0 / 72.0, 1e-12);
      FigTheme back;
      g_assert_true (fig_theme_from_name (fig_theme_name (t), &back) && back == (FigTheme)t);
      /* The three models differ in colour, dash and marker... */
      for (int a = 0; a < FIG_N_MODEL_LOOKS; a++)
        for (int b = a + 1; b < FIG_N_MODEL_LOOKS; b++)
          {
            FigSeriesLook la = fig_style_model_look (s, a), lb = fig_style_model_look (s, b);
            g_assert_cmpint (la.dash, !=, lb.dash);
            g_assert_cmpint (la.marker, !=, lb.marker);
            g_assert_true (la.color.r != lb.color.r || la.color.g != lb.color.g
                           || la.color.b != lb.color.b);
          }
      /* ...and every series stands out from the background. */
      double bg = fig_rgba_luminance (s->background);
      for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
        {
          double l = fig_rgba_luminance (fig_style_model_look (s, m).color);
          double contrast = (fmax (l, bg) + 0.05) / (fmin (l, bg) + 0.05);
          g_assert_cmpfloat (contrast, >=, 2.0);
        }
    }
  /* On paper the model colours stay apart in greyscale too. */
  const FigStyle *light = fig_style_get (FIG_THEME_LIGHT);
  double l[FIG_N_MODEL_LOOKS];
  for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
    l[m] = fig_rgba_luminance (light->model_colors[m]);
  g_assert_cmpfloat (fabs (l[0] - l[1]), >, 0.15);
  g_assert_cmpfloat (fabs (l[0] - l[2]), >, 0.08);
  g_assert_cmpfloat (fabs (l[1] - l[2]), >, 0.15);
  const FigStyle *pres = fig_style_get (FIG_THEME_PRESENTATION);
  g_assert_cmpfloat (pres->tick_size, >=, 1.5 * light->tick_size);
  g_assert_cmpfloat (pres->line_width, >, light->line_width);
}

/* ---- export ------------------------------------------------------------------------------- */

static const FigMetadata provenance[] = {
  { "Dataset", "fashion-mnist" }, { "Models", "teacher fc1200-fc1200, student fc32" },
  { "Temperature", "4" },         { "Seed", "42" },
  { "Classes", "T恤, 裤子" }, /* beyond Latin-1: must travel as iTXt */
};

static char *
tmp_dir (void)
{
  g_autoptr (GError) error = NULL;
  char *dir = g_dir_make_tmp ("test-figures-XXXXXX", &error);
  g_assert_no_error (error);
  return dir;
}

static void
remove_dir (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_remove (path);
    }
  if (d)
    g_dir_close (d);
  g_rmdir (dir);
}

/* Runs a tool; false (and the test skipped) when it is not installed. */
static gboolean
run_tool (const char *const *argv, char **out, int *status)
{
  g_autofree char *prog = g_find_program_in_path (argv[0]);
  if (!prog)
    {
      g_autofree char *msg = g_strdup_printf ("%s is not installed", argv[0]);
      g_test_skip (msg);
      return FALSE;
    }
  g_autoptr (GError) error = NULL;
  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, out, NULL, status,
                &error);
  g_assert_no_error (error);
  return TRUE;
}

static guint32
read_be32 (const guint8 *p)
{
  guint32 v;
  memcpy (&v, p, 4);
  return GUINT32_FROM_BE (v);
}

/* The text chunks (tEXt and uncompressed iTXt) and pHYs of a PNG file. */
static GHashTable *
png_chunks (const char *path, guint32 *ppm_x, guint8 *unit)
{
  g_autofree guint8 *buf = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, (char **)&buf, &len, NULL));
  g_assert_cmpmem (buf, 8, "\x89PNG\r\n\x1a\n", 8);
  GHashTable *text = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (gsize off = 8; off + 12 <= len;)
    {
      guint32 n = read_be32 (buf + off);
      const guint8 *type = buf + off + 4, *data = buf + off + 8;
      g_assert_cmpuint (off + 12 + n, <=, len);
      if (memcmp (type, "pHYs", 4) == 0)
        {
          *ppm_x = read_be32 (data);
          *unit = data[8];
        }
      const char *key = (const char *)data, *end = (const char *)data + n;
      const char *value = key + strlen (key) + 1;
      if (memcmp (type, "iTXt", 4) == 0)
        {
          value += 2;                  /* compression flag and method */
          value += strlen (value) + 1; /* language tag */
          value += strlen (value) + 1; /* translated keyword */
        }
      if (memcmp (type, "tEXt", 4) == 0 || memcmp (type, "iTXt", 4) == 0)
        g_hash_table_insert (text, g_strdup (key), g_strndup (value, end - value));
      off += 12 + n;
    }
  return text;
}

static void
export_case (const char *path, FigFormat format, const Case *c, int w, int h, double dpi)
{
  FigExportOptions o;
  fig_export_options_init (&o);
  o.width = w, o.height = h, o.dpi = dpi;
  o.title = "Training curves";
  o.metadata = provenance;
  o.n_metadata = G_N_ELEMENTS (provenance);
  g_autoptr (GError) error = NULL;
  gboolean ok = fig_export (path, format, &o, fig_registry_get (c->kind)->paint, c->data (),
                            fig_style_get (FIG_THEME_LIGHT), &error);
  g_assert_no_error (error);
  g_assert_true (ok);
}

static void
test_export_png (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "training.png", NULL);
  export_case (path, FIG_FORMAT_PNG, &cases[0], 2000, 1250, 300);
  guint32 ppm = 0;
  guint8 unit = 0;
  g_autoptr (GHashTable) text = png_chunks (path, &ppm, &unit);
  g_assert_cmpuint (ppm, ==, 11811); /* 300 / 0.0254, rounded */
  g_assert_cmpuint (unit, ==, 1);    /* per metre */
  g_assert_true (g_str_has_prefix (g_hash_table_lookup (text, "Software"), "Distillscope "));
  g_assert_cmpstr (g_hash_table_lookup (text, "Title"), ==, "Training curves");
  for (size_t i = 0; i < G_N_ELEMENTS (provenance); i++)
    g_assert_cmpstr (g_hash_table_lookup (text, provenance[i].key), ==, provenance[i].value);
  cairo_surface_t *back = cairo_image_surface_create_from_png (path);
  g_assert_cmpint (cairo_image_surface_get_width (back), ==, 2000);
  g_assert_cmpint (cairo_image_surface_get_height (back), ==, 1250);
  cairo_surface_destroy (back);
  g_autofree char *out = NULL;
  int status = -1;
  if (run_tool ((const char *[]){ "pngcheck", "-v", path, NULL }, &out, &status))
    {
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (out, "pHYs"));
      g_assert_nonnull (strstr (out, "11811 pixels/meter"));
      g_assert_nonnull (strstr (out, "Dataset"));
      g_assert_nonnull (strstr (out, "No errors detected"));
    }
  remove_dir (dir);
}

/* Opaque figures become RGB PNGs; a transparent background keeps its alpha (RGBA). */
static void
test_export_png_alpha (void)
{
  FigStyle clear = *fig_style_get (FIG_THEME_LIGHT);
  clear.background.a = 0;
  const FigStyle *styles[2] = { fig_style_get (FIG_THEME_LIGHT), &clear };
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (GError) error = NULL;
      cairo_surface_t *img = render_case (&cases[2], styles[i], 320, 200, 96);
      g_autoptr (GBytes) png = fig_png_encode (img, 96, NULL, NULL, 0, &error);
      g_assert_no_error (error);
      const guint8 *bytes = g_bytes_get_data (png, NULL);
      g_assert_cmpint (bytes[25], ==, i == 0 ? 2 : 6); /* IHDR colour type */
      cairo_surface_destroy (img);
    }
}

static void
test_export_svg (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *svg = g_build_filename (dir, "soft.svg", NULL);
  g_autofree char *png = g_build_filename (dir, "soft-rsvg.png", NULL);
  export_case (svg, FIG_FORMAT_SVG, &cases[3], 640, 400, 96);
  g_autofree char *head = NULL;
  g_assert_true (g_file_get_contents (svg, &head, NULL, NULL));
  g_assert_nonnull (strstr (head, "width=\"480pt\""));
  int status = -1;
  if (!run_tool ((const char *[]){ "rsvg-convert", "--dpi-x", "96", "--dpi-y", "96", "-o", png, svg,
                                   NULL },
                 NULL, &status))
    {
      remove_dir (dir);
      return;
    }
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  /* 480 x 300 pt at 96 dpi: the figure's own 640 x 400 pixels, looking like the PNG. */
  cairo_surface_t *img = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_image_surface_get_width (img), ==, 640);
  g_assert_cmpint (cairo_image_surface_get_height (img), ==, 400);
  cairo_surface_t *direct = render_case (&cases[3], fig_style_get (FIG_THEME_LIGHT), 640, 400, 96);
  g_assert_cmpfloat (share_within (img, direct, 64), >, 0.97);
  cairo_surface_destroy (direct);
  cairo_surface_destroy (img);
  remove_dir (dir);
}

static void
test_export_pdf_pages (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "all.pdf", NULL);
  /* One page per painter; their fixtures live in separate static storage, so all stay valid
   * together. */
  const Case *picks[] = { &cases[0], &cases[2], &cases[4], &cases[5], &cases[8], &cases[11] };
  FigPage pages[G_N_ELEMENTS (picks)];
  for (size_t i = 0; i < G_N_ELEMENTS (picks); i++)
    pages[i] = (FigPage){ fig_registry_get (picks[i]->kind)->paint, picks[i]->data () };
  FigExportOptions o;
  fig_export_options_init (&o);
  o.metadata = provenance;
  o.n_metadata = 2;
  g_autoptr (GError) error = NULL;
  g_assert_true (
      fig_export_pdf_pages (path, &o, pages, 6, fig_style_get (FIG_THEME_LIGHT), &error));
  g_assert_no_error (error);
  g_autofree char *out = NULL;
  int status = -1;
  if (run_tool ((const char *[]){ "pdfinfo", path, NULL }, &out, &status))
    {
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_true (g_regex_match_simple ("^Pages:\\s+6$", out, G_REGEX_MULTILINE, 0));
      g_assert_true (
          g_regex_match_simple ("^Page size:\\s+480 x 300 pts", out, G_REGEX_MULTILINE, 0));
      g_assert_true (g_regex_match_simple ("^Creator:\\s+Distillscope", out, G_REGEX_MULTILINE, 0));
      g_assert_nonnull (strstr (out, "Dataset: fashion-mnist"));
    }
  g_assert_false (fig_export_pdf_pages (path, &o, pages, 0, fig_style_get (0), &error));
  g_assert_error (error, FIG_ERROR, FIG_ERROR_INVALID);
  remove_dir (dir);
}

static void
broken_painter (cairo_t *cr, double w, double h, const void *data, const FigStyle *style)
{
  fig_training_paint (cr, w, h, data, style);
  cairo_restore (cr); /* one restore too many: the context goes into an error state */
}

static void
assert_contents (const char *path, const char *expected)
{
  g_autofree char *now = NULL;
  g_assert_true (g_file_get_contents (path, &now, NULL, NULL));
  g_assert_cmpstr (now, ==, expected);
}

static int
count_entries (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  int n = 0;
  while (g_dir_read_name (d))
    n++;
  g_dir_close (d);
  return n;
}

static void
test_export_bad_paths (void)
{
  g_autofree char *dir = tmp_dir ();
  FigExportOptions o;
  fig_export_options_init (&o);
  FigPaintFunc paint = fig_registry_get (FIG_KIND_TRAINING)->paint;
  const FigStyle *style = fig_style_get (FIG_THEME_LIGHT);
  g_autoptr (GError) error = NULL;
  /* A directory that does not exist, and a "directory" that is a file. */
  g_autofree char *missing = g_build_filename (dir, "no-such-dir", "fig.png", NULL);
  g_assert_false (fig_export (missing, FIG_FORMAT_PNG, &o, paint, case_training (), style, &error));
  g_assert_error (error, FIG_ERROR, FIG_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, "no-such-dir"));
  g_clear_error (&error);
  g_autofree char *file = g_build_filename (dir, "plain-file", NULL);
  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  g_autofree char *under_file = g_build_filename (file, "fig.pdf", NULL);
  g_assert_false (
      fig_export (under_file, FIG_FORMAT_PDF, &o, paint, case_training (), style, &error));
  g_assert_error (error, FIG_ERROR, FIG_ERROR_WRITE);
  remove_dir (dir);
}

static void
assert_export_fails (
    const char *path, const FigExportOptions *o, FigFormat f, FigPaintFunc paint, int code)
{
  g_autoptr (GError) error = NULL;
  g_assert_false (fig_export (path, f, o, paint, case_training (), fig_style_get (0), &error));
  g_assert_error (error, FIG_ERROR, code);
}

/* A failure at a valid path leaves the existing file as it was, and no temporary file. */
static void
test_export_keeps_old_file (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *target = g_build_filename (dir, "keep.png", NULL);
  g_assert_true (g_file_set_contents (target, "old contents", -1, NULL));
  FigPaintFunc good = fig_registry_get (FIG_KIND_TRAINING)->paint;
  FigExportOptions o;
  fig_export_options_init (&o);
  for (int f = FIG_FORMAT_PNG; f <= FIG_FORMAT_PDF; f++)
    assert_export_fails (target, &o, f, broken_painter, FIG_ERROR_RENDER);
  o.width = 0;
  assert_export_fails (target, &o, FIG_FORMAT_PNG, good, FIG_ERROR_INVALID);
  fig_export_options_init (&o);
  o.dpi = 0;
  assert_export_fails (target, &o, FIG_FORMAT_SVG, good, FIG_ERROR_INVALID);
  fig_export_options_init (&o);
  o.metadata = (const FigMetadata[]){ { " bad key", "x" } };
  o.n_metadata = 1;
  assert_export_fails (target, &o, FIG_FORMAT_PNG, good, FIG_ERROR_INVALID);
  assert_contents (target, "old contents");
  g_assert_cmpint (count_entries (dir), ==, 1);
  remove_dir (dir);
}

/* A full disk, simulated by a file-size limit: the write fails part-way, the old file stays. */
static void
test_export_disk_full (void)
{
  static char *dir, *target;
  if (g_test_subprocess ())
    {
      struct rlimit lim = { 4096, 4096 };
      signal (SIGXFSZ, SIG_IGN); /* write() then fails with EFBIG instead of killing us */
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &lim), ==, 0);
      FigExportOptions o;
      fig_export_options_init (&o);
      g_autoptr (GError) error = NULL;
      gboolean ok = fig_export (g_getenv ("FIG_TEST_TARGET"), FIG_FORMAT_PNG, &o,
                                fig_registry_get (FIG_KIND_TRAINING)->paint, case_training (),
                                fig_style_get (FIG_THEME_LIGHT), &error);
      g_assert_false (ok);
      g_assert_error (error, FIG_ERROR, FIG_ERROR_WRITE);
      g_printerr ("%s\n", error->message);
      return;
    }
  dir = tmp_dir ();
  target = g_build_filename (dir, "keep.png", NULL);
  g_assert_true (g_file_set_contents (target, "old contents", -1, NULL));
  g_setenv ("FIG_TEST_TARGET", target, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*Cannot write*keep.png*");
  assert_contents (target, "old contents");
  g_assert_cmpint (count_entries (dir), ==, 1);
  remove_dir (dir);
  g_clear_pointer (&dir, g_free);
  g_clear_pointer (&target, g_free);
}

static int
count_lines (const char *s)
{
  int n = 0;
  for (; *s; s++)
    n += *s == '\n';
  return n;
}

static void
test_csv (void)
{
  g_autoptr (GString) csv = g_string_new (NULL);
  fig_training_csv (case_training (), csv);
  g_assert_true (g_str_has_prefix (csv->str, "step,epoch,phase,temperature,teacher_loss,"));
  g_assert_cmpint (count_lines (csv->str), ==, 101);
  /* NaN cells are empty, so a teacher-phase row ends in empty student columns. */
  g_assert_nonnull (strstr (csv->str, "\n50,0.100000001,teacher,,"));

  g_string_truncate (csv, 0);
  fig_softlabels_csv (case_soft_zh (), csv);
  g_assert_true (g_str_has_prefix (csv->str, "class,teacher,student,baseline\nT恤,"));
  g_assert_nonnull (strstr (csv->str, "\nentropy_nats,"));

  /* Quoting per RFC 4180. */
  FigCsv w;
  g_string_truncate (csv, 0);
  fig_csv_init (&w, csv);
  fig_csv_text (&w, "a,b");
  fig_csv_text (&w, "say \"hi\"");
  fig_csv_number (&w, NAN);
  fig_csv_number (&w, 0.25);
  fig_csv_end_row (&w);
  g_assert_cmpstr (csv->str, ==, "\"a,b\",\"say \"\"hi\"\"\",,0.25\n");

  for (int k = 0; k < FIG_N_KINDS; k++)
    {
      g_string_truncate (csv, 0);
      fig_registry_get (k)->csv (NULL, csv); /* no data: at most a header, no crash */
    }
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "heat.csv", NULL);
  g_string_truncate (csv, 0);
  fig_heatmap_csv (case_confusion (), csv);
  g_autoptr (GError) error = NULL;
  g_assert_true (fig_export_text (path, csv->str, (gssize)csv->len, &error));
  assert_contents (path, csv->str);
  g_assert_cmpint (count_lines (csv->str), ==, K + 1);
  remove_dir (dir);
}

static void
test_registry (void)
{
  for (int k = 0; k < FIG_N_KINDS; k++)
    {
      const FigInfo *info = fig_registry_get (k);
      g_assert_nonnull (info);
      g_assert_true (fig_registry_find (info->name) == info);
    }
  g_assert_null (fig_registry_find ("pie-chart"));
  g_assert_null (fig_registry_get (FIG_N_KINDS));
  FigFormat f;
  g_assert_true (fig_format_from_path ("a/b.PDF", &f) && f == FIG_FORMAT_PDF);
  g_assert_false (fig_format_from_path ("a/b.jpg", &f));
}

/* Every painter survives missing and degenerate data and says so on the canvas. */
static void
test_empty (void)
{
  KdHistory none = { 0 };
  FigTrainingData training = { &none };
  FigSoftLabelsData soft = { .n_classes = 0 };
  FigTemperatureData temp = { 0 };
  float nan_value = NAN;
  FigHeatmapData heat = { .n_rows = 1, .n_cols = 1, .values = &nan_value };
  FigReliabilityData rel = { .n_models = 0 };
  FigLinesData lines = { .n_panels = 1, .panels = (FigLinesPanel[]){ { 0 } } };
  const void *empty[FIG_N_KINDS] = { &training, &soft, &temp, &heat, &rel, &lines };
  const FigStyle *style = fig_style_get (FIG_THEME_DARK);
  for (int k = 0; k < FIG_N_KINDS; k++)
    for (int pass = 0; pass < 2; pass++)
      {
        g_autoptr (GError) error = NULL;
        cairo_surface_t *s = fig_render_image (fig_registry_get (k)->paint, pass ? empty[k] : NULL,
                                               style, 200, 100, 96, &error);
        g_assert_no_error (error);
        /* The message is drawn: some pixels differ from the background. */
        cairo_surface_t *bg = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 200, 100);
        cairo_t *cr = cairo_create (bg);
        cairo_set_source_rgb (cr, style->background.r, style->background.g, style->background.b);
        cairo_paint (cr);
        cairo_destroy (cr);
        g_assert_cmpfloat (share_within (s, bg, 0), <, 0.99);
        cairo_surface_destroy (bg);
        cairo_surface_destroy (s);
      }
}

static cairo_surface_t *
shrink (cairo_surface_t *src, int factor)
{
  int w = cairo_image_surface_get_width (src) / factor;
  int h = cairo_image_surface_get_height (src) / factor;
  cairo_surface_t *dst = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, w, h);
  cairo_t *cr = cairo_create (dst);
  cairo_scale (cr, 1.0 / factor, 1.0 / factor);
  cairo_set_source_surface (cr, src, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_GOOD);
  cairo_paint (cr);
  cairo_destroy (cr);
  return dst;
}

/* The layout depends on size / dpi only: at 1280 x 800 and 192 dpi every figure is the 640 x 400
 * one at 96 dpi, only sharper. Compared at a quarter of the size, where whole-pixel snapping of
 * bar and cell edges no longer counts but a moved label or tick still would. */
static void
test_dpi_invariance (void)
{
  const FigStyle *style = fig_style_get (FIG_THEME_LIGHT);
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      cairo_surface_t *small = render_case (&cases[i], style, 640, 400, 96);
      cairo_surface_t *big = render_case (&cases[i], style, 1280, 800, 192);
      cairo_surface_t *a = shrink (small, 4), *b = shrink (big, 8);
      double share = share_within (a, b, 40);
      g_test_message ("%s: %.2f %% of pixels agree", cases[i].name, 100 * share);
      g_assert_cmpfloat (share, >=, 0.99);
      cairo_surface_destroy (a);
      cairo_surface_destroy (b);
      cairo_surface_destroy (small);
      cairo_surface_destroy (big);
    }
}

/* ---- gallery ------------------------------------------------------------------------------ */

static void
gallery_one (
    const char *dir, const Case *c, FigTheme theme, int w, int h, double dpi, const char *tag)
{
  g_autofree char *file = g_strdup_printf ("%s-%s.png", c->name, tag);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  FigExportOptions o;
  fig_export_options_init (&o);
  o.width = w, o.height = h, o.dpi = dpi;
  g_autoptr (GError) error = NULL;
  fig_export (path, FIG_FORMAT_PNG, &o, fig_registry_get (c->kind)->paint, c->data (),
              fig_style_get (theme), &error);
  g_assert_no_error (error);
}

static void
test_gallery (void)
{
  const char *dir = g_getenv ("DS_FIGURE_GALLERY");
  if (!dir)
    {
      g_test_skip ("set DS_FIGURE_GALLERY=<dir> to write every figure for inspection");
      return;
    }
  g_mkdir_with_parents (dir, 0755);
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      gallery_one (dir, c, FIG_THEME_LIGHT, 640, 400, 96, "light");
      gallery_one (dir, c, FIG_THEME_DARK, 640, 400, 96, "dark");
      gallery_one (dir, c, FIG_THEME_PRESENTATION, 640, 400, 96, "presentation");
      gallery_one (dir, c, FIG_THEME_PRESENTATION, 1280, 800, 96, "presentation-1280");
      gallery_one (dir, c, FIG_THEME_LIGHT, 2000, 1250, 300, "300dpi");
      gallery_one (dir, c, FIG_THEME_LIGHT, 420, 560, 96, "tall");
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/figures/ticks/nice-step", test_nice_step);
  g_test_add_func ("/figures/ticks/linear", test_linear_ticks);
  g_test_add_func ("/figures/ticks/log", test_log_ticks);
  g_test_add_func ("/figures/ticks/format", test_format);
  g_test_add_func ("/figures/colormap/tables", test_colormaps);
  g_test_add_func ("/figures/style/themes", test_styles);
  g_test_add_func ("/figures/registry", test_registry);
  g_test_add_func ("/figures/paint/empty", test_empty);
  g_test_add_func ("/figures/paint/dpi-invariance", test_dpi_invariance);
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/figures/golden/%s", cases[i].name);
      g_test_add_data_func (name, &cases[i], test_golden);
    }
  g_test_add_func ("/figures/export/png", test_export_png);
  g_test_add_func ("/figures/export/png-alpha", test_export_png_alpha);
  g_test_add_func ("/figures/export/svg", test_export_svg);
  g_test_add_func ("/figures/export/pdf-pages", test_export_pdf_pages);
  g_test_add_func ("/figures/export/bad-paths", test_export_bad_paths);
  g_test_add_func ("/figures/export/keeps-old-file", test_export_keeps_old_file);
  g_test_add_func ("/figures/export/disk-full", test_export_disk_full);
  g_test_add_func ("/figures/export/csv", test_csv);
  g_test_add_func ("/figures/gallery", test_gallery);
  return g_test_run ();
}
