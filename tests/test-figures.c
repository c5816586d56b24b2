/* test-figures.c — src/figures: tick arithmetic, colormaps, styles, golden images of every
 * painter, and export (PNG chunks, SVG, multi-page PDF, atomic writes, CSV).
 *
 * Golden images: each painter draws fixed data at 640 x 400 pixels, 96 dpi, light style, and
 * the result must match tests/data/golden/<name>.png within GOLDEN_MAX_DIFF on every channel
 * for at least GOLDEN_MIN_SHARE of the pixels (antialiasing may shift a little between
 * FreeType or pixman builds; a moved label or line changes far more pixels). Run with
 * DS_REGENERATE_GOLDEN=1 to rewrite them after an intended change, and look at them.
 * DS_FIGURE_GALLERY=<dir> writes every figure in every theme, at 300 dpi and as PDF, for
 * looking at; add DS_FIGURE_GALLERY_LANGUAGE=zh_CN for them in Chinese. */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <libintl.h>
#include <locale.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "fig_debug.h"
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
  /* The distilled student underconfident, as students of a high temperature often are. */
  static const double overconfidence[FIG_N_MODEL_LOOKS] = { 0.05, -0.04, 0.09 };
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

/* ---- fixtures of the analysis figures ----------------------------------------------------- */

#define SAL 28
#define SAL_HW (SAL * SAL)

/* Distance from (x, y) to the segment (ax, ay)-(bx, by). */
static double
segment_distance (double x, double y, double ax, double ay, double bx, double by)
{
  double dx = bx - ax, dy = by - ay;
  double t = ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy);
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return hypot (x - ax - t * dx, y - ay - t * dy);
}

/* A handwritten "7" in [0, 1]: two strokes with soft edges, as MNIST digits look. */
static void
digit_seven (float *img)
{
  for (int y = 0; y < SAL; y++)
    for (int x = 0; x < SAL; x++)
      {
        double d = fmin (segment_distance (x, y, 6, 6.5, 21, 5.5),
                         segment_distance (x, y, 21, 5.5, 11, 23));
        img[y * SAL + x] = (float)exp (-d * d / (2 * 1.3 * 1.3));
      }
}

/* A model's smooth sensitivity: blobs at the top bar (+), the diagonal (+) and the empty
 * lower left where a "2" or "1" would differ (-); weights differ a little between models. */
static double
sensitivity (int model, double x, double y)
{
  static const double w[FIG_N_MODEL_LOOKS][4]
      = { { 1.0, 0.8, -0.7, 0.35 }, { 0.95, 0.75, -0.6, 0.3 }, { 0.55, 1.0, -0.25, -0.45 } };
  double bar = exp (-(pow (x - 14, 2) / 40 + pow (y - 6, 2) / 6));
  double diag = exp (-pow (segment_distance (x, y, 21, 5.5, 11, 23), 2) / 8);
  double hole = exp (-(pow (x - 8, 2) + pow (y - 20, 2)) / 14);
  double corner = exp (-(pow (x - 22, 2) + pow (y - 16, 2)) / 10);
  return w[model][0] * bar + w[model][1] * diag + w[model][2] * hole + w[model][3] * corner;
}

static float sal_input[SAL_HW], sal_maps[4][FIG_N_MODEL_LOOKS][SAL_HW];
static FigSaliencyRow sal_rows[4];
static FigSaliencyData sal_data;

/* Gradient, gradient x input, SmoothGrad and IG maps of the three models: vanilla gradients
 * carry pixel noise, SmoothGrad much less, and the input-weighted methods live on the ink. */
static const FigSaliencyData *
fixture_saliency (FigSaliencyMode mode, bool absolute)
{
  static const char *const names[4]
      = { "Gradient", "Gradient × input", "SmoothGrad", "Integrated gradients" };
  guint32 seed = 17;
  digit_seven (sal_input);
  for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
    for (int i = 0; i < SAL_HW; i++)
      {
        double s = 0.004 * sensitivity (m, i % SAL, i / SAL), x = sal_input[i];
        double n = (m == 2 ? 0.0045 : 0.003) * noise (&seed);
        sal_maps[0][m][i] = (float)(s + n);
        sal_maps[1][m][i] = (float)((s + n) * x);
        sal_maps[2][m][i] = (float)(s + 0.1 * n);
        sal_maps[3][m][i] = (float)(1.3 * s * x + 0.05 * n * x);
      }
  for (int r = 0; r < 4; r++)
    sal_rows[r] = (FigSaliencyRow){ names[r], { sal_maps[r][0], sal_maps[r][1], sal_maps[r][2] } };
  sal_data = (FigSaliencyData){ .c = 1,
                                .h = SAL,
                                .w = SAL,
                                .input = sal_input,
                                .input_label = "Input · 7",
                                .n_rows = 4,
                                .rows = sal_rows,
                                .mode = mode,
                                .absolute = absolute,
                                .scale = absolute ? FIG_SALIENCY_SCALE_MAP : FIG_SALIENCY_SCALE_ROW,
                                .clip_quantile = 0.99 };
  return &sal_data;
}

/* Roughly normal, mean 0 and standard deviation 1: a sum of four uniforms. */
static double
gauss (guint32 *state)
{
  double s = 0;
  for (int i = 0; i < 4; i++)
    s += noise (state);
  return s * sqrt (3.0);
}

#define AGREE_N 60
static double agree_v[4][2][AGREE_N];
static FigAgreementMethod agree_methods[4];
static FigAgreementData agree_data;

/* Spearman rank agreement of |maps| over 60 samples: every method's teacher maps follow the
 * distilled student's a little more than the baseline's, most clearly for SmoothGrad; a
 * per-sample difficulty moves both scores together, as real samples do. */
static const FigAgreementData *
fixture_agreement (void)
{
  static const char *const names[4]
      = { "Gradient", "Gradient × input", "SmoothGrad", "Integrated gradients" };
  static const double mean[4][2]
      = { { 0.52, 0.47 }, { 0.78, 0.75 }, { 0.71, 0.58 }, { 0.81, 0.77 } };
  static const double sd[4] = { 0.11, 0.07, 0.09, 0.06 };
  guint32 seed = 23;
  for (int m = 0; m < 4; m++)
    {
      for (int i = 0; i < AGREE_N; i++)
        {
          double common = gauss (&seed);
          for (int k = 0; k < 2; k++)
            agree_v[m][k][i]
                = fmin (0.99, mean[m][k] + sd[m] * (0.75 * common + 0.66 * gauss (&seed)));
        }
      agree_methods[m] = (FigAgreementMethod){ names[m], AGREE_N, agree_v[m][0], agree_v[m][1] };
    }
  agree_data = (FigAgreementData){ 4, agree_methods, "Spearman ρ with the teacher", NULL };
  return &agree_data;
}

#define SANITY_STAGES 5
static double sanity_rho[8][SANITY_STAGES], sanity_err[8][SANITY_STAGES];
static FigSanityLine sanity_lines[8];
static FigSanityData sanity_data;

/* Cascading randomisation of conv32-pool-conv64-pool-fc128 (teacher) and the distilled
 * student, mean |Spearman| over samples with 95 % intervals: gradients and SmoothGrad fall to
 * about 0 and pass; gradient x input stays near 0.75, the known failure (it keeps the input's
 * edges), and IG sits between. */
static const FigSanityData *
fixture_sanity (void)
{
  static const char *const stages[SANITY_STAGES]
      = { "original", "logits", "fc1", "conv2", "conv1" };
  static const char *const methods[4]
      = { "Gradient", "Gradient × input", "SmoothGrad", "Integrated gradients" };
  static const double rho[4][SANITY_STAGES] = { { 1, 0.35, 0.18, 0.08, 0.05 },
                                                { 1, 0.86, 0.81, 0.77, 0.74 },
                                                { 1, 0.45, 0.25, 0.12, 0.07 },
                                                { 1, 0.72, 0.60, 0.52, 0.48 } };
  guint32 seed = 31;
  for (int l = 0; l < 8; l++)
    {
      int m = l / 2, model = l % 2 ? FIG_MODEL_STUDENT : FIG_MODEL_TEACHER;
      for (int s = 0; s < SANITY_STAGES; s++)
        {
          sanity_rho[l][s] = s == 0 ? 1 : rho[m][s] + (l % 2) * 0.04 * (noise (&seed) + 0.3);
          sanity_err[l][s] = s == 0 ? 0 : 0.05 + 0.03 * noise (&seed);
        }
      sanity_lines[l] = (FigSanityLine){ methods[m], model, sanity_rho[l], sanity_err[l] };
    }
  sanity_data = (FigSanityData){ SANITY_STAGES, stages, 8, sanity_lines, NULL, NULL };
  return &sanity_data;
}

/* Activations of one "7" through conv-pool-conv-pool-fc nets, computed for real with small
 * deterministic filters: conv1 responds to oriented edges, conv2 mixes pooled conv1 maps, fc
 * units are sparse ReLU outputs, and the logits favour 7 (with 1 and 9 behind it). */
typedef struct
{
  float conv1[32 * SAL_HW], pool1[32 * 196], conv2[64 * 196], pool2[64 * 49], fc1[128], logits[K];
  FigActivationLayer layers[6];
} ActNet;

static ActNet act_nets[2];
static FigActivationsData act_data;

static void
act_pool (const float *in, int c, int h, int w, float *out)
{
  for (int k = 0; k < c; k++)
    for (int y = 0; y < h / 2; y++)
      for (int x = 0; x < w / 2; x++)
        {
          const float *p = in + ((size_t)k * h + 2 * y) * w + 2 * x;
          out[((size_t)k * (h / 2) + y) * (w / 2) + x]
              = fmaxf (fmaxf (p[0], p[1]), fmaxf (p[w], p[w + 1]));
        }
}

static void
act_net (ActNet *n, int c1, int c2, int units, guint32 seed)
{
  float img[SAL_HW];
  digit_seven (img);
  for (int k = 0; k < c1; k++) /* oriented derivatives, some with the opposite sign */
    {
      double a = G_PI * (k % 16) / 16, s = k < 16 ? 1 : -1, b = 0.05 * noise (&seed);
      for (int y = 0; y < SAL; y++)
        for (int x = 0; x < SAL; x++)
          {
            int x0 = x > 0 ? x - 1 : x, x1 = x < SAL - 1 ? x + 1 : x;
            int y0 = y > 0 ? y - 1 : y, y1 = y < SAL - 1 ? y + 1 : y;
            double gx = img[y * SAL + x1] - img[y * SAL + x0];
            double gy = img[y1 * SAL + x] - img[y0 * SAL + x];
            double v
                = s * (cos (a) * gx + sin (a) * gy) + b + (k % 5 == 0 ? 0.3 * img[y * SAL + x] : 0);
            n->conv1[(k * SAL + y) * SAL + x] = (float)fmax (0, 2.2 * v);
          }
    }
  act_pool (n->conv1, c1, SAL, SAL, n->pool1);
  for (int k = 0; k < c2; k++)
    {
      double w[32];
      for (int j = 0; j < c1; j++)
        w[j] = noise (&seed) * (j % 3 == k % 3 ? 1.6 : 0.4);
      for (int i = 0; i < 196; i++)
        {
          double v = -0.05;
          for (int j = 0; j < c1; j++)
            v += w[j] * n->pool1[j * 196 + i];
          n->conv2[k * 196 + i] = (float)fmax (0, v);
        }
    }
  act_pool (n->conv2, c2, 14, 14, n->pool2);
  for (int u = 0; u < units; u++)
    {
      double v = 0;
      for (int i = 0; i < c2 * 49; i += 7)
        v += noise (&seed) * n->pool2[i];
      n->fc1[u] = (float)fmax (0, 4 * v / sqrt (c2 * 7.0) + 0.4 * noise (&seed) - 0.05);
    }
  static const double z[K] = { -2.1, 3.2, -0.4, 0.8, -1.5, -0.9, -3.0, 7.4, -0.2, 2.6 };
  for (int i = 0; i < K; i++)
    n->logits[i] = (float)(z[i] + 0.6 * noise (&seed));
  FigActivationLayer *l = n->layers;
  l[0] = (FigActivationLayer){ "conv1", c1, SAL, SAL, n->conv1 };
  l[1] = (FigActivationLayer){ "pool1", c1, 14, 14, n->pool1 };
  l[2] = (FigActivationLayer){ "conv2", c2, 14, 14, n->conv2 };
  l[3] = (FigActivationLayer){ "pool2", c2, 7, 7, n->pool2 };
  l[4] = (FigActivationLayer){ "fc1", units, 1, 1, n->fc1 };
  l[5] = (FigActivationLayer){ "logits", K, 1, 1, n->logits };
}

/* The teacher conv32-pool-conv64-pool-fc128 beside the distilled student conv8-pool-conv16-
 * pool-fc32. */
static const FigActivationsData *
fixture_activations (void)
{
  act_net (&act_nets[0], 32, 64, 128, 41);
  act_net (&act_nets[1], 8, 16, 32, 43);
  act_data = (FigActivationsData){ .n_models = 2 };
  act_data.models[0] = (FigActivationModel){ FIG_MODEL_TEACHER, NULL, 6, act_nets[0].layers };
  act_data.models[1] = (FigActivationModel){ FIG_MODEL_STUDENT, NULL, 6, act_nets[1].layers };
  return &act_data;
}

#define PCA_N 2000
static float pca_coords[FIG_N_MODEL_LOOKS][PCA_N * 2];
static uint8_t pca_labels[PCA_N];
static FigPcaData pca_data;

/* 2000 Fashion-MNIST test images in the PCA plane of each model's last hidden layer: tops
 * (T-shirt, pullover, coat, shirt) overlap, the shoes form a second group, trousers and bags
 * stand apart; the baseline's clusters are looser than the teacher's and the student's. */
static const FigPcaData *
fixture_pca (void)
{
  static const double centre[K][2]
      = { { -2.6, 1.4 }, { 0.6, 4.2 },  { -3.4, 0.2 }, { -0.4, 2.8 }, { -3.2, -0.6 },
          { 3.8, -1.2 }, { -2.9, 0.8 }, { 4.6, 0.4 },  { 0.8, -3.4 }, { 5.2, -2.4 } };
  static const double spread[FIG_N_MODEL_LOOKS] = { 0.62, 0.66, 0.85 };
  static const double ratio[FIG_N_MODEL_LOOKS][2]
      = { { 0.312, 0.184 }, { 0.347, 0.162 }, { 0.276, 0.141 } };
  guint32 seed = 53;
  for (int i = 0; i < PCA_N; i++)
    pca_labels[i] = (uint8_t)((i * 7 + i / 13) % K);
  for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
    for (int i = 0; i < PCA_N; i++)
      {
        int k = pca_labels[i];
        double a = gauss (&seed) * spread[m] * 1.3, b = gauss (&seed) * spread[m] * 0.7;
        double turn = 0.5 + 0.2 * m;
        pca_coords[m][2 * i]
            = (float)(centre[k][0] * (1 - 0.1 * m) + a * cos (turn) - b * sin (turn));
        pca_coords[m][2 * i + 1] = (float)(centre[k][1] + a * sin (turn) + b * cos (turn));
      }
  pca_data = (FigPcaData){
    .n_panels = 3, .labels = pca_labels, .n_classes = K, .class_names = fashion_names_zh
  };
  for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
    pca_data.panels[m] = (FigPcaPanel){
      m, NULL, m == 0 ? "fc2" : "fc1", PCA_N, pca_coords[m], 2, { ratio[m][0], ratio[m][1] }
    };
  return &pca_data;
}

#define BND_RES 90
#define BND_FIELD 15
#define BND_K 3
#define BND_POINTS 300
static float bnd_probs[FIG_N_MODEL_LOOKS][BND_RES * BND_RES * BND_K];
static float bnd_field[FIG_N_MODEL_LOOKS][BND_FIELD * BND_FIELD * 2];
static float bnd_points[BND_POINTS * 2];
static uint8_t bnd_labels[BND_POINTS];
static FigBoundaryData bnd_data;

/* Model m's logit of spiral arm k at (x, y): high along the arm, sharper for the teacher, with
 * a warp that bends the baseline's boundaries off the data. */
static double
spiral_logit (int m, int k, double x, double y)
{
  static const double sharp[FIG_N_MODEL_LOOKS] = { 4.5, 3.6, 2.8 };
  static const double warp[FIG_N_MODEL_LOOKS] = { 0.0, 0.25, 0.7 };
  double r = hypot (x, y), th = atan2 (y, x) + warp[m] * sin (3 * x + 1.3 * y);
  return sharp[m] * cos (th - 4.2 * r - 2 * G_PI * k / BND_K);
}

static void
spiral_probs (int m, double x, double y, float *p)
{
  double z[BND_K], sum = 0;
  for (int k = 0; k < BND_K; k++)
    sum += z[k] = exp (spiral_logit (m, k, x, y));
  for (int k = 0; k < BND_K; k++)
    p[k] = (float)(z[k] / sum);
}

/* Three spiral arms of 100 points, each model's probability grid (row 0 at ymin) and the
 * gradient of its top logit on a coarser grid. */
static const FigBoundaryData *
fixture_boundary (void)
{
  static const char *const names[BND_K] = { "Arm A", "Arm B", "Arm C" };
  const double lo = -1.3, hi = 1.3, h = 1e-3;
  guint32 seed = 61;
  for (int i = 0; i < BND_POINTS; i++)
    {
      int k = i % BND_K;
      double t = 0.12 + 0.95 * (i / BND_K) / (BND_POINTS / BND_K - 1.0);
      double th = 2 * G_PI * k / BND_K + 4.2 * t + 0.25 * gauss (&seed) * 0.5;
      bnd_points[2 * i] = (float)(t * cos (th) + 0.03 * gauss (&seed));
      bnd_points[2 * i + 1] = (float)(t * sin (th) + 0.03 * gauss (&seed));
      bnd_labels[i] = (uint8_t)k;
    }
  for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
    {
      for (int j = 0; j < BND_RES; j++)
        for (int i = 0; i < BND_RES; i++)
          spiral_probs (m, lo + (i + 0.5) * (hi - lo) / BND_RES,
                        lo + (j + 0.5) * (hi - lo) / BND_RES,
                        bnd_probs[m] + (j * BND_RES + i) * BND_K);
      for (int j = 0; j < BND_FIELD; j++)
        for (int i = 0; i < BND_FIELD; i++)
          {
            double x = lo + (i + 0.5) * (hi - lo) / BND_FIELD,
                   y = lo + (j + 0.5) * (hi - lo) / BND_FIELD;
            float p[BND_K];
            spiral_probs (m, x, y, p);
            int top = p[1] > p[0] ? 1 : 0;
            top = p[2] > p[top] ? 2 : top;
            float *g = bnd_field[m] + (j * BND_FIELD + i) * 2;
            g[0] = (float)((spiral_logit (m, top, x + h, y) - spiral_logit (m, top, x - h, y))
                           / (2 * h));
            g[1] = (float)((spiral_logit (m, top, x, y + h) - spiral_logit (m, top, x, y - h))
                           / (2 * h));
          }
    }
  bnd_data = (FigBoundaryData){ .n_panels = 3,
                                .res = BND_RES,
                                .field_res = BND_FIELD,
                                .n_classes = BND_K,
                                .xmin = lo,
                                .xmax = hi,
                                .ymin = lo,
                                .ymax = hi,
                                .n_points = BND_POINTS,
                                .points = bnd_points,
                                .labels = bnd_labels,
                                .class_names = names };
  for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
    bnd_data.panels[m] = (FigBoundaryPanel){ m, NULL, bnd_probs[m], bnd_field[m] };
  return &bnd_data;
}

/* Linear CKA between the teacher's layers (conv32-pool-conv64-pool-fc128) and the distilled
 * student's (conv8-pool-fc32): high along the matching depth, low across, as measured on
 * Fashion-MNIST. */
static const FigHeatmapData *
fixture_cka (void)
{
  static const char *const rows[6] = { "conv1", "pool1", "conv2", "pool2", "fc1", "logits" };
  static const char *const cols[4] = { "conv1", "pool1", "fc1", "logits" };
  static const float cka[6 * 4] = {
    0.91f, 0.84f, 0.41f, 0.22f, /* conv1 */
    0.86f, 0.93f, 0.47f, 0.26f, /* pool1 */
    0.58f, 0.66f, 0.72f, 0.44f, /* conv2 */
    0.49f, 0.61f, 0.79f, 0.53f, /* pool2 */
    0.31f, 0.38f, 0.83f, 0.74f, /* fc1 */
    0.18f, 0.24f, 0.69f, 0.95f, /* logits */
  };
  fig_cka_heatmap (&heat_data, 6, 4, cka, rows, cols, FIG_MODEL_TEACHER, FIG_MODEL_STUDENT);
  return &heat_data;
}

static float sheet_sim_values[FIG_N_MODEL_LOOKS][K * K];
static FigHeatmapData sheet_sim[FIG_N_MODEL_LOOKS], sheet_cka;
static FigSaliencyData sheet_saliency;
static FigSheetData sheet_data;

/* One experiment on one page: the fixtures above, the similarity matrices of the three models
 * (the students' a little sharper than the teacher's, the baseline's most) and the metrics. */
static const FigSheetData *
fixture_sheet (bool empty)
{
  static const FigSheetMetrics metrics[FIG_N_MODEL_LOOKS] = {
    { FIG_MODEL_TEACHER, NULL, 0.899, NAN, NAN, 0.031 },
    { FIG_MODEL_STUDENT, NULL, 0.874, 0.912, 0.086, 0.013 },
    { FIG_MODEL_BASELINE, NULL, 0.868, 0.887, 0.142, 0.058 },
  };
  sheet_data = (FigSheetData){ .temperature = NAN, .alpha = NAN, .seed = -1 };
  if (empty)
    return &sheet_data;
  fixture_similarity ();
  for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
    {
      for (int r = 0; r < K; r++)
        {
          double sum = 0;
          for (int c = 0; c < K; c++)
            sum += sheet_sim_values[m][r * K + c]
                = (float)pow (heat_values[r * K + c], 1 + 0.25 * m);
          for (int c = 0; c < K; c++)
            sheet_sim_values[m][r * K + c] /= (float)sum;
        }
      sheet_sim[m] = heat_data;
      sheet_sim[m].values = sheet_sim_values[m];
      sheet_data.similarity[m] = &sheet_sim[m];
    }
  sheet_cka = *fixture_cka ();
  sheet_saliency = *fixture_saliency (FIG_SALIENCY_HEATMAP, false);
  sheet_saliency.rows = &sal_rows[2]; /* SmoothGrad and IG */
  sheet_saliency.n_rows = 2;
  sheet_data.dataset = "Fashion-MNIST";
  sheet_data.teacher_arch = "conv32-pool-conv64-pool-fc128";
  sheet_data.student_arch = "conv8-pool-fc32";
  sheet_data.temperature = 4;
  sheet_data.alpha = 0.9;
  sheet_data.seed = 42;
  sheet_data.training = fixture_training (FIG_TRAINING_X_EPOCH);
  sheet_data.soft_labels = fixture_softlabels (false);
  sheet_data.sweep = fixture_lines (1);
  sheet_data.saliency = &sheet_saliency;
  sheet_data.cka = &sheet_cka;
  sheet_data.reliability = fixture_reliability (3);
  sheet_data.n_metrics = FIG_N_MODEL_LOOKS;
  sheet_data.metrics = metrics;
  return &sheet_data;
}

/* ---- the figures under test --------------------------------------------------------------- */

typedef struct
{
  const char *name;
  FigKind kind;
  const void *(*data) (void);
  int width, height; /* of the golden image; 0: GOLDEN_W x GOLDEN_H (a page needs more) */
} Case;

static int
case_width (const Case *c)
{
  return c->width > 0 ? c->width : GOLDEN_W;
}

static int
case_height (const Case *c)
{
  return c->height > 0 ? c->height : GOLDEN_H;
}

/* Each case's data, made when the case runs: fixtures refill shared static storage, so two
 * cases of one fixture (training by step and by epoch, say) cannot both be made up front. */
#define CASE_DATA(fn, fixture)                                                                     \
  static const void *fn (void)                                                                     \
  {                                                                                                \
    return (fixture);                                                                              \
  }

CASE_DATA (case_training, fixture_training (FIG_TRAINING_X_STEP))
CASE_DATA (case_training_epochs, fixture_training (FIG_TRAINING_X_EPOCH))
CASE_DATA (case_soft, fixture_softlabels (false))
CASE_DATA (case_soft_zh, fixture_softlabels (true))
CASE_DATA (case_temperature, fixture_temperature ())
CASE_DATA (case_similarity, fixture_similarity ())
CASE_DATA (case_confusion, fixture_confusion ())
CASE_DATA (case_difference, fixture_difference ())
CASE_DATA (case_reliability, fixture_reliability (3))
CASE_DATA (case_reliability_one, fixture_reliability (1))
CASE_DATA (case_lines, fixture_lines (1))
CASE_DATA (case_sweep, fixture_lines (3))
CASE_DATA (case_saliency, fixture_saliency (FIG_SALIENCY_HEATMAP, false))
CASE_DATA (case_saliency_overlay, fixture_saliency (FIG_SALIENCY_OVERLAY, true))
CASE_DATA (case_agreement, fixture_agreement ())
CASE_DATA (case_sanity, fixture_sanity ())
CASE_DATA (case_activations, fixture_activations ())
CASE_DATA (case_pca, fixture_pca ())
CASE_DATA (case_boundary, fixture_boundary ())
CASE_DATA (case_cka, fixture_cka ())
CASE_DATA (case_sheet, fixture_sheet (false))
CASE_DATA (case_empty, NULL)

/* Degenerate data for the analysis painters: each must say "no data", not draw a broken plot. */
static FigSaliencyRow empty_saliency_rows[1] = { { "Gradient", { NULL, NULL, NULL } } };
static const double empty_nan_scores[2] = { NAN, NAN };
static FigAgreementMethod empty_agreement_methods[1]
    = { { "Gradient", 2, empty_nan_scores, empty_nan_scores } };
static FigSanityLine empty_sanity_lines[1] = { { "Gradient", -1, NULL, NULL } };
static FigActivationLayer empty_activation_layers[1] = { { "conv1", 8, 0, 0, NULL } };
static const FigSaliencyData empty_saliency
    = { .c = 1, .h = SAL, .w = SAL, .n_rows = 1, .rows = empty_saliency_rows };
static const FigAgreementData empty_agreement = { 1, empty_agreement_methods, NULL, NULL };
static const FigSanityData empty_sanity = { 1, NULL, 1, empty_sanity_lines, NULL, NULL };
static const FigActivationsData empty_activations
    = { .n_models = 1, .models = { { FIG_MODEL_TEACHER, NULL, 1, empty_activation_layers } } };
static const FigPcaData empty_pca
    = { .n_panels = 1, .panels = { { FIG_MODEL_TEACHER, NULL, NULL, 0, NULL } } };
static const FigBoundaryData empty_boundary
    = { .n_panels = 1, .res = 0, .n_classes = 3, .xmax = 1, .ymax = 1 };

CASE_DATA (case_empty_saliency, &empty_saliency)
CASE_DATA (case_empty_agreement, &empty_agreement)
CASE_DATA (case_empty_sanity, &empty_sanity)
CASE_DATA (case_empty_activations, &empty_activations)
CASE_DATA (case_empty_pca, &empty_pca)
CASE_DATA (case_empty_boundary, &empty_boundary)
CASE_DATA (case_empty_sheet, fixture_sheet (true))

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
  { "saliency", FIG_KIND_SALIENCY, case_saliency },
  { "saliency-overlay", FIG_KIND_SALIENCY, case_saliency_overlay },
  { "agreement", FIG_KIND_AGREEMENT, case_agreement },
  { "sanity", FIG_KIND_SANITY, case_sanity },
  { "activations", FIG_KIND_ACTIVATIONS, case_activations },
  { "pca", FIG_KIND_PCA, case_pca },
  { "boundary", FIG_KIND_BOUNDARY, case_boundary },
  { "cka", FIG_KIND_HEATMAP, case_cka },
  { "sheet", FIG_KIND_SHEET, case_sheet, 1600, 1000 },
  { "empty-saliency", FIG_KIND_SALIENCY, case_empty_saliency },
  { "empty-agreement", FIG_KIND_AGREEMENT, case_empty_agreement },
  { "empty-sanity", FIG_KIND_SANITY, case_empty_sanity },
  { "empty-activations", FIG_KIND_ACTIVATIONS, case_empty_activations },
  { "empty-pca", FIG_KIND_PCA, case_empty_pca },
  { "empty-boundary", FIG_KIND_BOUNDARY, case_empty_boundary },
  { "empty-sheet", FIG_KIND_SHEET, case_empty_sheet },
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

static const Case *
find_case (const char *name)
{
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    if (strcmp (cases[i].name, name) == 0)
      return &cases[i];
  g_error ("no case %s", name);
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
      = render_case (c, fig_style_get (FIG_THEME_LIGHT), case_width (c), case_height (c), 96);
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
  g_assert_cmpint (cairo_image_surface_get_width (golden), ==, case_width (c));
  g_assert_cmpint (cairo_image_surface_get_height (golden), ==, case_height (c));
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

/* ---- text that fits ---------------------------------------------------------------------- */

/* The sheet as `distillscope-cli report` makes it: one sample against temperature instead of a
 * sweep of trained students. */
static const void *
case_sheet_sample (void)
{
  FigSheetData *d = (FigSheetData *)fixture_sheet (false);
  d->sweep = NULL;
  d->temperature_sample = fixture_temperature ();
  return d;
}

typedef struct
{
  const char *name;
  FigKind kind;
  const void *(*data) (void);
  int width, height;
} FitCase;

/* Sizes figures are exported and shown at, where every label must be whole: the comparison
 * sheet on the report's page (1280 x 800), at its own default and on A4 landscape; the
 * Temperature page's figure in a 1280 x 800 window and smaller; the calibration figure on a
 * report page. */
static const FitCase fit_cases[] = {
  { "sheet", FIG_KIND_SHEET, case_sheet, 1280, 800 },
  { "sheet", FIG_KIND_SHEET, case_sheet, 1600, 1000 },
  { "sheet", FIG_KIND_SHEET, case_sheet, 1123, 794 },
  { "sheet-sample", FIG_KIND_SHEET, case_sheet_sample, 1280, 800 },
  { "sheet-sample", FIG_KIND_SHEET, case_sheet_sample, 1600, 1000 },
  { "sheet-sample", FIG_KIND_SHEET, case_sheet_sample, 1123, 794 },
  { "temperature", FIG_KIND_TEMPERATURE, case_temperature, 745, 330 },
  { "temperature", FIG_KIND_TEMPERATURE, case_temperature, 480, 300 },
  { "reliability", FIG_KIND_RELIABILITY, case_reliability, 1280, 560 },
};

static void
assert_fits (const char *name, FigKind kind, const void *data, int width, int height)
{
  FigTextStats stats;
  fig_text_stats_reset ();
  g_autoptr (GError) error = NULL;
  cairo_surface_t *image
      = fig_render_image (fig_registry_get (kind)->paint, data, fig_style_get (FIG_THEME_LIGHT),
                          width, height, 96, &error);
  g_assert_no_error (error);
  cairo_surface_destroy (image);
  fig_text_stats_get (&stats);
  if (stats.ellipsized || stats.clipped)
    g_test_message ("%s at %d x %d: %u labels ellipsized, %u cut off, the last \"%s\"", name, width,
                    height, stats.ellipsized, stats.clipped, stats.last);
  g_assert_cmpuint (stats.ellipsized, ==, 0);
  g_assert_cmpuint (stats.clipped, ==, 0);
}

static void
test_text_fits (void)
{
  /* Every golden figure at its golden size, then the sizes above. */
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_fits (cases[i].name, cases[i].kind, cases[i].data (), case_width (&cases[i]),
                 case_height (&cases[i]));
  for (size_t i = 0; i < G_N_ELEMENTS (fit_cases); i++)
    {
      const FitCase *f = &fit_cases[i];
      assert_fits (f->name, f->kind, f->data (), f->width, f->height);
    }
}

/* The counters see what they should: a label ellipsized to a width, one past the figure's edge. */
static void
test_text_stats (void)
{
  FigTextStats stats;
  const Case *c = find_case ("sheet");
  fig_text_stats_reset ();
  cairo_surface_destroy (render_case (c, fig_style_get (FIG_THEME_LIGHT), 480, 300, 96));
  fig_text_stats_get (&stats);
  g_assert_cmpuint (stats.ellipsized, >, 0);
  g_assert_cmpuint (stats.clipped, >, 0);
  g_assert_cmpstr (stats.last, !=, "");
  fig_text_stats_reset ();
  fig_text_stats_get (&stats);
  g_assert_cmpuint (stats.ellipsized + stats.clipped, ==, 0);
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
  export_case (path, FIG_FORMAT_PNG, find_case ("training"), 2000, 1250, 300);
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
      cairo_surface_t *img = render_case (find_case ("soft-labels"), styles[i], 320, 200, 96);
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
  export_case (svg, FIG_FORMAT_SVG, find_case ("soft-labels-zh"), 640, 400, 96);
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
  cairo_surface_t *direct
      = render_case (find_case ("soft-labels-zh"), fig_style_get (FIG_THEME_LIGHT), 640, 400, 96);
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
  static const char *const picks[]
      = { "training", "soft-labels", "temperature", "similarity", "reliability", "lines-sweep" };
  FigPage pages[G_N_ELEMENTS (picks)];
  for (size_t i = 0; i < G_N_ELEMENTS (picks); i++)
    {
      const Case *c = find_case (picks[i]);
      pages[i] = (FigPage){ fig_registry_get (c->kind)->paint, c->data () };
    }
  FigExportOptions o;
  fig_export_options_init (&o);
  o.metadata = provenance;
  o.n_metadata = 2;
  g_autoptr (GError) error = NULL;
  g_assert_true (fig_export_pdf_pages (path, &o, pages, G_N_ELEMENTS (pages),
                                       fig_style_get (FIG_THEME_LIGHT), &error));
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

/* A report's pages: each of its own size, with its title drawn above the figure (the band
 * adds to the page's height) and in the outline. */
static void
test_export_pdf_page_sizes (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "report.pdf", NULL);
  const Case *sim = find_case ("similarity"), *rel = find_case ("reliability");
  FigPage pages[3] = {
    { fig_registry_get (sim->kind)->paint, sim->data (), 0, 0, "Soft labels — Teacher", TRUE },
    { fig_registry_get (rel->kind)->paint, rel->data (), 0, 0, "Metrics: reliability", FALSE },
    { fig_registry_get (rel->kind)->paint, rel->data (), 0, 0, NULL, FALSE },
  };
  fig_natural_size (sim->kind, pages[0].data, &pages[0].width, &pages[0].height);
  fig_natural_size (rel->kind, pages[1].data, &pages[1].width, &pages[1].height);
  /* A 10 x 10 matrix is nearly square, three diagrams side by side wide and low. */
  g_assert_cmpint (abs (pages[0].width - pages[0].height), <, pages[0].height / 4);
  g_assert_cmpint (pages[1].width, >, 2 * pages[1].height);
  FigExportOptions o;
  fig_export_options_init (&o);
  g_autoptr (GError) error = NULL;
  g_assert_true (
      fig_export_pdf_pages (path, &o, pages, 3, fig_style_get (FIG_THEME_LIGHT), &error));
  g_assert_no_error (error);
  g_autofree char *info = NULL, *text = NULL;
  int status = -1;
  if (!run_tool ((const char *[]){ "pdfinfo", "-f", "1", "-l", "3", path, NULL }, &info, &status))
    return;
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_autofree char *second = g_strdup_printf ("Page    2 size:\\s+%g x %g pts",
                                             pages[1].width * 0.75, pages[1].height * 0.75);
  g_assert_true (g_regex_match_simple (second, info, 0, 0));
  g_assert_true (g_regex_match_simple ("Page    3 size:\\s+480 x 300 pts", info, 0, 0));
  /* The first page is taller than its figure by the heading's band, no wider. */
  g_autofree char *first = g_strdup_printf ("Page    1 size:\\s+%g x ", pages[0].width * 0.75);
  g_assert_true (g_regex_match_simple (first, info, 0, 0));
  g_autofree char *bare
      = g_strdup_printf ("%g x %g pts", pages[0].width * 0.75, pages[0].height * 0.75);
  g_assert_null (strstr (info, bare));
  if (!run_tool ((const char *[]){ "pdftotext", "-f", "1", "-l", "2", path, "-", NULL }, &text,
                 &status))
    return;
  g_assert_nonnull (strstr (text, "Soft labels — Teacher"));
  g_assert_null (strstr (text, "Metrics: reliability"));
  /* Only drawn titles are text on the page; every title is in the outline. */
  g_autofree char *pdf = NULL;
  gsize len;
  g_assert_true (g_file_get_contents (path, &pdf, &len, NULL));
  gboolean found = FALSE;
  for (gsize i = 0; i + 15 <= len && !found; i++)
    found = memcmp (pdf + i, "/Title (Metrics", 15) == 0;
  g_assert_true (found);
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

/* The painter draws something on a 200 x 100 canvas: its message at least, some pixels that
 * differ from the background. */
static bool
draws_something (FigKind kind, const void *data, const FigStyle *style)
{
  g_autoptr (GError) error = NULL;
  cairo_surface_t *s
      = fig_render_image (fig_registry_get (kind)->paint, data, style, 200, 100, 96, &error);
  g_assert_no_error (error);
  cairo_surface_t *bg = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 200, 100);
  cairo_t *cr = cairo_create (bg);
  cairo_set_source_rgb (cr, style->background.r, style->background.g, style->background.b);
  cairo_paint (cr);
  cairo_destroy (cr);
  bool drawn = share_within (s, bg, 0) < 0.99;
  cairo_surface_destroy (bg);
  cairo_surface_destroy (s);
  return drawn;
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
    {
      g_assert_true (draws_something (k, NULL, style));
      g_assert_true (draws_something (k, empty[k], style));
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
      int w = case_width (&cases[i]), h = case_height (&cases[i]);
      cairo_surface_t *small = render_case (&cases[i], style, w, h, 96);
      cairo_surface_t *big = render_case (&cases[i], style, 2 * w, 2 * h, 192);
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

/* ---- the analysis figures ------------------------------------------------------------------ */

/* More ways to have nothing to show: zero counts, out-of-range counts, missing arrays. Each
 * painter draws its message and leaves cairo in a good state. */
static void
test_analysis_empty (void)
{
  static const double nans[3] = { NAN, NAN, NAN };
  static const FigAgreementMethod no_samples[1] = { { "x", 0 } };
  static const FigSanityLine nan_line[1] = { { "x", -1, nans } };
  const struct
  {
    FigKind kind;
    const void *data;
  } nothing[] = {
    { FIG_KIND_SALIENCY, &(FigSaliencyData){ .n_rows = 0 } },
    { FIG_KIND_SALIENCY, &(FigSaliencyData){ .c = 1, .h = 0, .w = 28, .n_rows = 1 } },
    { FIG_KIND_SALIENCY, &(FigSaliencyData){ .c = 1, .h = 4, .w = 4, .n_rows = 99 } },
    { FIG_KIND_AGREEMENT, &(FigAgreementData){ 0, NULL, NULL, NULL } },
    { FIG_KIND_AGREEMENT, &(FigAgreementData){ 1, no_samples, NULL, NULL } },
    { FIG_KIND_SANITY, &(FigSanityData){ 0 } },
    { FIG_KIND_SANITY, &(FigSanityData){ 3, NULL, 1, nan_line } },
    { FIG_KIND_ACTIVATIONS, &(FigActivationsData){ 0 } },
    { FIG_KIND_ACTIVATIONS, &(FigActivationsData){ .n_models = 4 } },
    { FIG_KIND_PCA, &(FigPcaData){ 0 } },
    { FIG_KIND_PCA, &(FigPcaData){ .n_panels = 2 } },
    { FIG_KIND_BOUNDARY, &(FigBoundaryData){ 0 } },
    { FIG_KIND_BOUNDARY,
      &(FigBoundaryData){
          .n_panels = 1, .res = 8, .n_classes = 2, .xmin = 1, .xmax = 1, .ymax = 1 } },
    { FIG_KIND_SHEET, &(FigSheetData){ .seed = -1 } },
  };
  const FigStyle *style = fig_style_get (FIG_THEME_DARK);
  for (size_t i = 0; i < G_N_ELEMENTS (nothing); i++)
    g_assert_true (draws_something (nothing[i].kind, nothing[i].data, style));
}

static void
assert_csv_head (FigKind kind, const void *data, const char *head, int lines)
{
  g_autoptr (GString) csv = g_string_new (NULL);
  fig_registry_get (kind)->csv (data, csv);
  g_assert_true (g_str_has_prefix (csv->str, head));
  if (lines >= 0)
    g_assert_cmpint (count_lines (csv->str), ==, lines);
}

/* One row per value or point, with the numbers a reader needs to redraw the figure. */
static void
test_analysis_csv (void)
{
  /* input and 4 x 3 maps of 28 x 28, and the header */
  assert_csv_head (FIG_KIND_SALIENCY, case_saliency (), "method,model,channel,y,x,value\n",
                   13 * SAL_HW + 1);
  assert_csv_head (FIG_KIND_AGREEMENT, case_agreement (), "method,sample,vs_student,vs_baseline\n",
                   4 * (AGREE_N + 6) + 1);
  assert_csv_head (FIG_KIND_SANITY, case_sanity (), "method,model,stage,rho,err\n",
                   8 * SANITY_STAGES + 1);
  assert_csv_head (FIG_KIND_PCA, case_pca (), "panel,point,class,pc1,pc2\n", 3 * PCA_N + 1);
  assert_csv_head (FIG_KIND_BOUNDARY, case_boundary (), "panel,row,col,x,y,class,p_max\n",
                   3 * BND_RES * BND_RES + 1);
  assert_csv_head (FIG_KIND_ACTIVATIONS, case_activations (), "model,layer,channel,y,x,value\n",
                   -1);
  assert_csv_head (FIG_KIND_SHEET, case_sheet (), "model,accuracy,agreement,kl_nats,ece\n", 4);
  g_autoptr (GString) csv = g_string_new (NULL);
  fig_pca_csv (case_pca (), csv);
  g_assert_nonnull (strstr (csv->str, "\nTeacher,0,T恤,")); /* class names, not numbers */
  g_string_truncate (csv, 0);
  fig_sheet_csv (case_sheet (), csv);
  g_assert_nonnull (strstr (csv->str, "\nTeacher,0.899,,,0.031\n")); /* NaN cells are empty */

  /* Means with Student-t intervals and the closer share with a Wilson interval, computed
   * from the samples: 0.2, 0.4, 0.6 against a baseline of 0.3 throughout. */
  static const double st[3] = { 0.2, 0.4, 0.6 }, base[3] = { 0.3, 0.3, 0.3 };
  FigAgreementMethod m = { "m", 3, st, base };
  FigAgreementData d = { 1, &m, NULL, NULL };
  g_string_truncate (csv, 0);
  fig_agreement_csv (&d, csv);
  double half = 4.303 * 0.2 / sqrt (3), p = 2.0 / 3, z = 1.959963984540054, n = 3;
  double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
  double w = z * sqrt (p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
  g_autofree char *mean = g_strdup_printf ("\nm,mean,0.4");
  g_autofree char *lo = g_strdup_printf ("\nm,ci95_lo,%.9g,", 0.4 - half);
  g_autofree char *share = g_strdup_printf ("\nm,closer_share,%.9g,", p);
  g_autofree char *slo = g_strdup_printf ("\nm,closer_ci95_lo,%.9g,", centre - w);
  g_assert_nonnull (strstr (csv->str, mean));
  g_assert_nonnull (strstr (csv->str, lo));
  g_assert_nonnull (strstr (csv->str, share));
  g_assert_nonnull (strstr (csv->str, slo));
}

/* Dots blended straight into an image surface look like cairo's own circles: the PCA figure
 * drawn directly and through a recording surface (where the fast path cannot apply) agree. */
static void
test_dots_fast_path (void)
{
  const FigStyle *style = fig_style_get (FIG_THEME_LIGHT);
  for (int k = 0; k < 2; k++)
    {
      FigKind kind = k ? FIG_KIND_BOUNDARY : FIG_KIND_PCA;
      const void *data = k ? case_boundary () : case_pca ();
      cairo_surface_t *direct
          = render_case (&(Case){ "", kind, k ? case_boundary : case_pca }, style, 640, 400, 96);
      cairo_surface_t *rec = cairo_recording_surface_create (CAIRO_CONTENT_COLOR_ALPHA, NULL);
      cairo_t *cr = cairo_create (rec);
      fig_registry_get (kind)->paint (cr, 640, 400, data, style);
      cairo_destroy (cr);
      cairo_surface_t *img = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 640, 400);
      cr = cairo_create (img);
      cairo_set_source_surface (cr, rec, 0, 0);
      cairo_paint (cr);
      cairo_destroy (cr);
      double share = share_within (direct, img, 48);
      g_test_message ("%s: %.2f %% of pixels agree", k ? "boundary" : "pca", 100 * share);
      g_assert_cmpfloat (share, >, 0.98);
      cairo_surface_destroy (img);
      cairo_surface_destroy (rec);
      cairo_surface_destroy (direct);
    }
}

/* ---- calibration -------------------------------------------------------------------------- */

static FigReliabilityBin spread_bins[FIG_N_MODEL_LOOKS][10];

/* Model m with its samples spread evenly over the top `spread` of ten bins, each bin's accuracy
 * `gap` below its confidence. */
static void
spread_model (FigReliabilityData *d, int m, int spread, double gap)
{
  for (int b = 0; b < 10; b++)
    {
      FigReliabilityBin *bin = &spread_bins[m][b];
      bin->lo = b / 10.0, bin->hi = (b + 1) / 10.0;
      bin->count = b >= 10 - spread ? 100 : 0;
      bin->confidence = bin->count ? bin->lo + 0.05 : NAN;
      bin->accuracy = bin->count ? bin->confidence - gap : NAN;
    }
  d->models[m] = (FigReliabilityModel){ fig_model_name (m), m, 10, spread_bins[m], NAN };
}

/* The histograms under the diagrams share one scale: a model with its samples in one bin has
 * bars twice as tall as one with them in two, and four times one with them in four. Measured
 * in a style where only the models' colours are drawn: the histograms' bars are then the
 * pixels of a model's colour at their 55 % opacity. */
static void
test_reliability_shared_scale (void)
{
  FigReliabilityData d = { .n_models = 3, .show_counts = true };
  spread_model (&d, 0, 1, 0.02);
  spread_model (&d, 1, 2, 0.02);
  spread_model (&d, 2, 4, 0.02);
  FigStyle style = *fig_style_get (FIG_THEME_LIGHT);
  FigRGBA *hidden[]
      = { &style.background, &style.text,   &style.text_muted,  &style.axis, &style.grid,
          &style.grid_minor, &style.accent, &style.legend_fill, &style.warn };
  for (size_t i = 0; i < G_N_ELEMENTS (hidden); i++)
    hidden[i]->a = 0;
  enum
  {
    W = 960,
    H = 600
  };
  g_autoptr (GError) error = NULL;
  cairo_surface_t *img
      = fig_render_image ((FigPaintFunc)fig_reliability_paint, &d, &style, W, H, 96, &error);
  g_assert_no_error (error);
  cairo_surface_flush (img);
  static int column[FIG_N_MODEL_LOOKS][W];
  memset (column, 0, sizeof column);
  const guint8 *px = cairo_image_surface_get_data (img);
  int stride = cairo_image_surface_get_stride (img);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        guint32 p = ((const guint32 *)(px + (size_t)y * stride))[x];
        int a = p >> 24;
        if (a < 135 || a > 145) /* not antialiased edges, which are half covered */
          continue;
        double r = ((p >> 16) & 0xff) / (double)a, g = ((p >> 8) & 0xff) / (double)a,
               b = (p & 0xff) / (double)a;
        for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
          {
            FigRGBA c = style.model_colors[m];
            if (fabs (c.r - r) + fabs (c.g - g) + fabs (c.b - b) < 0.1)
              column[m][x]++;
          }
      }
  int height[FIG_N_MODEL_LOOKS] = { 0 };
  for (int m = 0; m < FIG_N_MODEL_LOOKS; m++)
    for (int x = 0; x < W; x++)
      height[m] = MAX (height[m], column[m][x]);
  g_test_message ("histogram bars %d, %d, %d pixels high", height[0], height[1], height[2]);
  g_assert_cmpint (height[0], >, 20);
  g_assert_cmpint (abs (2 * height[1] - height[0]), <=, 3);
  g_assert_cmpint (abs (4 * height[2] - height[0]), <=, 5);
  cairo_surface_destroy (img);
}

/* The legend keys each kind of gap drawn, and only those: the fixture's distilled student is
 * underconfident, its teacher overconfident. */
static void
test_reliability_legend (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "reliability.pdf", NULL);
  static const char *const names[] = { "reliability", "reliability-one" };
  for (size_t i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const Case *c = find_case (names[i]);
      FigExportOptions o;
      fig_export_options_init (&o);
      g_autoptr (GError) error = NULL;
      g_assert_true (fig_export (path, FIG_FORMAT_PDF, &o, fig_registry_get (c->kind)->paint,
                                 c->data (), fig_style_get (FIG_THEME_LIGHT), &error));
      g_autofree char *out = NULL;
      int status = -1;
      if (!run_tool ((const char *[]){ "pdftotext", path, "-", NULL }, &out, &status))
        break;
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (out, "Overconfidence"));
      g_assert_true ((strstr (out, "Underconfidence") != NULL) == (i == 0));
    }
  remove_dir (dir);
}

/* The comparison sheet as an A4-landscape PDF page. */
static void
test_sheet_pdf (void)
{
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "sheet.pdf", NULL);
  FigExportOptions o;
  fig_export_options_init (&o);
  o.width = 3508, o.height = 2480, o.dpi = 300; /* A4 at 300 dpi: 842 x 595 pt */
  g_autoptr (GError) error = NULL;
  g_assert_true (fig_export (path, FIG_FORMAT_PDF, &o, fig_registry_get (FIG_KIND_SHEET)->paint,
                             case_sheet (), fig_style_get (FIG_THEME_LIGHT), &error));
  g_assert_no_error (error);
  g_autofree char *out = NULL;
  int status = -1;
  if (run_tool ((const char *[]){ "pdfinfo", path, NULL }, &out, &status))
    {
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_assert_true (g_regex_match_simple ("^Page size:.*\\(A4\\)", out, G_REGEX_MULTILINE, 0));
    }
  remove_dir (dir);
}

/* ---- translations ------------------------------------------------------------------------- */

/* Switches the process to a language (such as "zh_CN") from this build's own catalogue.
 * C.UTF-8 with LANGUAGE needs no generated locale for it: glibc honours LANGUAGE in every
 * locale but "C" itself. FALSE, and the test skipped, when the catalogue was not built. */
static gboolean
use_language (const char *language)
{
  g_autofree char *mo
      = g_build_filename (TEST_LOCALEDIR, language, "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  if (!g_file_test (mo, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *msg = g_strdup_printf ("no compiled catalogue %s (gettext missing?)", mo);
      g_test_skip (msg);
      return FALSE;
    }
  g_assert_nonnull (setlocale (LC_ALL, "C.UTF-8"));
  g_setenv ("LANGUAGE", language, TRUE);
  bindtextdomain (GETTEXT_PACKAGE, TEST_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  return TRUE;
}

/* Back to the C locale of every other test, whose figures the golden images show. LANGUAGE
 * may stay: glibc ignores it in "C" (and unsetting it with threads about is not safe). */
static void
use_english (void)
{
  setlocale (LC_ALL, "C");
}

/* Text drawn inside figures follows the catalogue: the model names, and the axis titles and
 * legend of an exported training figure, read back from the PDF's text. */
static void
test_i18n_chinese (void)
{
  if (!use_language ("zh_CN"))
    return;
  g_assert_cmpstr (fig_model_name (FIG_MODEL_TEACHER), ==, "教师");
  g_assert_cmpstr (fig_model_name (FIG_MODEL_STUDENT), ==, "蒸馏学生");
  g_assert_cmpstr (fig_model_name (FIG_MODEL_BASELINE), ==, "基线学生");
  g_autofree char *dir = tmp_dir ();
  g_autofree char *path = g_build_filename (dir, "training.pdf", NULL);
  export_case (path, FIG_FORMAT_PDF, find_case ("training-epochs"), 640, 400, 96);
  g_autofree char *text = NULL;
  int status = -1;
  if (run_tool ((const char *[]){ "pdftotext", "-enc", "UTF-8", path, "-", NULL }, &text, &status))
    {
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      static const char *const expected[]
          = { "轮次", "训练损失", "测试准确率", "教师", "蒸馏学生", "基线学生" };
      for (size_t i = 0; i < G_N_ELEMENTS (expected); i++)
        if (!strstr (text, expected[i]))
          g_error ("“%s” is not in the figure's text:\n%s", expected[i], text);
      g_assert_null (strstr (text, "Epoch"));
    }
  remove_dir (dir);
  use_english ();
  g_assert_cmpstr (fig_model_name (FIG_MODEL_TEACHER), ==, "Teacher");
}

/* The figures' font family has Chinese glyphs (a CJK fallback after the Latin font), so
 * translated labels never come out as boxes. */
static void
test_i18n_cjk_glyphs (void)
{
  const FigStyle *style = fig_style_get (FIG_THEME_LIGHT);
  PangoFontMap *map = pango_cairo_font_map_get_default ();
  PangoContext *context = pango_font_map_create_context (map);
  PangoLayout *layout = pango_layout_new (context);
  PangoFontDescription *font = pango_font_description_from_string (style->font_family);
  pango_font_description_set_size (font, (int)(style->label_size * PANGO_SCALE));
  pango_layout_set_font_description (layout, font);
  pango_layout_set_text (layout, "教师 蒸馏学生 基线学生 · 轮次 · 测试准确率（%） · 熵（奈特）",
                         -1);
  g_assert_cmpint (pango_layout_get_unknown_glyphs_count (layout), ==, 0);
  pango_font_description_free (font);
  g_object_unref (layout);
  g_object_unref (context);
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
  /* DS_FIGURE_GALLERY_LANGUAGE=zh_CN: the figures in that language, to look at translations. */
  const char *language = g_getenv ("DS_FIGURE_GALLERY_LANGUAGE");
  if (language && !use_language (language))
    return;
  g_mkdir_with_parents (dir, 0755);
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const Case *c = &cases[i];
      int f = case_width (c) / GOLDEN_W; /* a page is several figures wide */
      gallery_one (dir, c, FIG_THEME_LIGHT, 640 * f, 400 * f, 96, "light");
      gallery_one (dir, c, FIG_THEME_DARK, 640 * f, 400 * f, 96, "dark");
      gallery_one (dir, c, FIG_THEME_PRESENTATION, 640 * f, 400 * f, 96, "presentation");
      gallery_one (dir, c, FIG_THEME_PRESENTATION, 1280 * f, 800 * f, 96, "presentation-1280");
      gallery_one (dir, c, FIG_THEME_LIGHT, 2000 * f, 1250 * f, 300, "300dpi");
      gallery_one (dir, c, FIG_THEME_LIGHT, 420 * f, 560 * f, 96, "tall");
    }
  use_english ();
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
  g_test_add_func ("/figures/export/pdf-page-sizes", test_export_pdf_page_sizes);
  g_test_add_func ("/figures/export/bad-paths", test_export_bad_paths);
  g_test_add_func ("/figures/export/keeps-old-file", test_export_keeps_old_file);
  g_test_add_func ("/figures/export/disk-full", test_export_disk_full);
  g_test_add_func ("/figures/export/csv", test_csv);
  g_test_add_func ("/figures/analysis/empty", test_analysis_empty);
  g_test_add_func ("/figures/analysis/csv", test_analysis_csv);
  g_test_add_func ("/figures/analysis/dots-fast-path", test_dots_fast_path);
  g_test_add_func ("/figures/analysis/sheet-pdf", test_sheet_pdf);
  g_test_add_func ("/figures/reliability/shared-scale", test_reliability_shared_scale);
  g_test_add_func ("/figures/reliability/legend", test_reliability_legend);
  g_test_add_func ("/figures/i18n/chinese", test_i18n_chinese);
  g_test_add_func ("/figures/i18n/cjk-glyphs", test_i18n_cjk_glyphs);
  g_test_add_func ("/figures/gallery", test_gallery);
  g_test_add_func ("/figures/text/stats", test_text_stats);
  g_test_add_func ("/figures/text/fits", test_text_fits);
  return g_test_run ();
}
