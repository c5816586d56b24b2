#include "kd_mapstats.h"

#include <math.h>
#include <stdlib.h>

/* z(0.975), for the normal limit and the Wilson interval. */
#define Z975 1.959963984540054

typedef struct
{
  float v;
  size_t i;
} Entry;

static bool
all_finite (const float *a, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!isfinite (a[i]))
      return false;
  return true;
}

static int
cmp_ascending (const void *pa, const void *pb)
{
  const Entry *a = pa, *b = pb;
  if (a->v != b->v)
    return a->v < b->v ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

/* Largest |value| first; among equals the lower index first (see kd_map_topk_iou). */
static int
cmp_magnitude_desc (const void *pa, const void *pb)
{
  const Entry *a = pa, *b = pb;
  if (a->v != b->v)
    return a->v > b->v ? -1 : 1;
  return a->i < b->i ? -1 : a->i > b->i;
}

static void
fill_entries (Entry *e, const float *x, size_t n, bool absolute)
{
  for (size_t i = 0; i < n; i++)
    e[i] = (Entry){ .v = absolute ? fabsf (x[i]) : x[i], .i = i };
}

/* rank (n): 1-based ranks of x, each run of equal values sharing its average rank. */
static void
average_ranks (const float *x, size_t n, bool absolute, Entry *e, double *rank)
{
  fill_entries (e, x, n, absolute);
  qsort (e, n, sizeof *e, cmp_ascending);
  for (size_t lo = 0; lo < n;)
    {
      size_t hi = lo + 1;
      while (hi < n && e[hi].v == e[lo].v)
        hi++;
      double r = 0.5 * (double)(lo + 1 + hi); /* mean of ranks lo + 1 .. hi */
      for (size_t k = lo; k < hi; k++)
        rank[e[k].i] = r;
      lo = hi;
    }
}

static double
pearson (const double *a, const double *b, size_t n)
{
  double ma = 0.0, mb = 0.0;
  for (size_t i = 0; i < n; i++)
    ma += a[i], mb += b[i];
  ma /= n, mb /= n;
  double sab = 0.0, saa = 0.0, sbb = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
  if (saa == 0.0 || sbb == 0.0)
    return NAN;
  double r = sab / sqrt (saa * sbb);
  return r > 1.0 ? 1.0 : r < -1.0 ? -1.0 : r;
}

KdStatus
kd_map_spearman (const float *a, const float *b, size_t n, bool absolute, double *rho)
{
  *rho = NAN;
  if (n < 2 || !all_finite (a, n) || !all_finite (b, n))
    return KD_ERR_INVALID;
  Entry *e = malloc (n * sizeof *e);
  double *ra = malloc (n * sizeof *ra), *rb = malloc (n * sizeof *rb);
  if (!e || !ra || !rb)
    {
      free (e), free (ra), free (rb);
      return KD_ERR_NOMEM;
    }
  average_ranks (a, n, absolute, e, ra);
  average_ranks (b, n, absolute, e, rb);
  *rho = pearson (ra, rb, n);
  free (e), free (ra), free (rb);
  return KD_OK;
}

/* Marks the top m entries of x by |value| in sel (n). */
static void
mark_top (const float *x, size_t n, size_t m, Entry *e, unsigned char *sel)
{
  fill_entries (e, x, n, true);
  qsort (e, n, sizeof *e, cmp_magnitude_desc);
  for (size_t k = 0; k < n; k++)
    sel[e[k].i] = k < m;
}

KdStatus
kd_map_topk_iou (const float *a, const float *b, size_t n, double fraction, double *iou)
{
  *iou = NAN;
  if (n < 1 || !(fraction > 0.0 && fraction <= 1.0) || !all_finite (a, n) || !all_finite (b, n))
    return KD_ERR_INVALID;
  /* The small slack keeps 0.3 * 10 from becoming 4 through rounding. */
  size_t m = (size_t)ceil (fraction * (double)n - 1e-9);
  m = m < 1 ? 1 : m > n ? n : m;
  Entry *e = malloc (n * sizeof *e);
  unsigned char *sa = malloc (n), *sb = malloc (n);
  if (!e || !sa || !sb)
    {
      free (e), free (sa), free (sb);
      return KD_ERR_NOMEM;
    }
  mark_top (a, n, m, e, sa);
  mark_top (b, n, m, e, sb);
  size_t inter = 0;
  for (size_t i = 0; i < n; i++)
    inter += sa[i] && sb[i];
  *iou = (double)inter / (double)(2 * m - inter);
  free (e), free (sa), free (sb);
  return KD_OK;
}

static double
cosine (const float *a, const float *b, size_t n, bool absolute)
{
  double ab = 0.0, aa = 0.0, bb = 0.0;
  for (size_t i = 0; i < n; i++)
    {
      double x = absolute ? fabsf (a[i]) : a[i], y = absolute ? fabsf (b[i]) : b[i];
      ab += x * y, aa += x * x, bb += y * y;
    }
  if (aa == 0.0 || bb == 0.0)
    return NAN;
  double c = ab / sqrt (aa * bb);
  return c > 1.0 ? 1.0 : c < -1.0 ? -1.0 : c;
}

KdStatus
kd_map_cosine (const float *a, const float *b, size_t n, bool absolute, double *out)
{
  *out = NAN;
  if (n < 1 || !all_finite (a, n) || !all_finite (b, n))
    return KD_ERR_INVALID;
  *out = cosine (a, b, n, absolute);
  return KD_OK;
}

KdStatus
kd_map_agreement (
    const float *a, const float *b, size_t n, double fraction, bool absolute, KdMapAgreement *out)
{
  KdStatus st = kd_map_spearman (a, b, n, absolute, &out->spearman);
  if (st == KD_OK)
    st = kd_map_topk_iou (a, b, n, fraction, &out->topk_iou);
  if (st == KD_OK)
    st = kd_map_cosine (a, b, n, absolute, &out->cosine);
  return st;
}

double
kd_student_t975 (int df)
{
  static const double table[30] = {
    12.7062047364, 4.3026527299, 3.1824463053, 2.7764451052, 2.5705818366, 2.4469118488,
    2.3646242510,  2.3060041350, 2.2621571627, 2.2281388520, 2.2009851601, 2.1788128297,
    2.1603686565,  2.1447866879, 2.1314495456, 2.1199052992, 2.1098155778, 2.1009220402,
    2.0930240544,  2.0859634473, 2.0796138447, 2.0738730679, 2.0686576104, 2.0638985616,
    2.0595385528,  2.0555294386, 2.0518305165, 2.0484071418, 2.0452296421, 2.0422724563,
  };
  if (df < 1)
    return NAN;
  if (df <= 30)
    return table[df - 1];
  /* Cornish-Fisher expansion in 1/df (Abramowitz & Stegun 26.7.5); about 1e-8 relative
   * error at df = 31 and less above. */
  double z = Z975, z2 = z * z, v = df;
  double g1 = (z2 + 1.0) * z / 4.0;
  double g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
  double g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
  double g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
  return z + (g1 + (g2 + (g3 + g4 / v) / v) / v) / v;
}

KdStatus
kd_mean_ci95 (const double *values, size_t n, KdMeanCI *out)
{
  *out = (KdMeanCI){ .n = 0, .mean = NAN, .sd = NAN, .lo = NAN, .hi = NAN };
  double sum = 0.0;
  for (size_t i = 0; i < n; i++)
    if (!isnan (values[i]))
      {
        if (!isfinite (values[i]))
          return KD_ERR_INVALID;
        sum += values[i], out->n++;
      }
  if (out->n == 0)
    return KD_OK;
  out->mean = sum / out->n;
  if (out->n < 2)
    return KD_OK;
  double ss = 0.0;
  for (size_t i = 0; i < n; i++)
    if (!isnan (values[i]))
      ss += (values[i] - out->mean) * (values[i] - out->mean);
  out->sd = sqrt (ss / (double)(out->n - 1));
  double half = kd_student_t975 ((int)(out->n - 1)) * out->sd / sqrt ((double)out->n);
  out->lo = out->mean - half;
  out->hi = out->mean + half;
  return KD_OK;
}

/* Wilson's score interval: unlike mean +- z * se it stays inside [0, 1] and does not
 * collapse to a point when every sample agrees. */
static void
wilson95 (double p, double n, double *lo, double *hi)
{
  double z2 = Z975 * Z975;
  double denom = 1.0 + z2 / n;
  double centre = (p + z2 / (2.0 * n)) / denom;
  double half = Z975 * sqrt (p * (1.0 - p) / n + z2 / (4.0 * n * n)) / denom;
  *lo = centre - half > 0.0 ? centre - half : 0.0;
  *hi = centre + half < 1.0 ? centre + half : 1.0;
}

KdStatus
kd_closer_share (const float *teacher,
                 const float *student,
                 const float *baseline,
                 size_t n,
                 size_t d,
                 bool absolute,
                 KdCloserShare *out)
{
  *out = (KdCloserShare){ .share = NAN, .lo = NAN, .hi = NAN };
  if (d < 1)
    return KD_ERR_INVALID;
  for (size_t s = 0; s < n; s++)
    {
      const float *t = teacher + s * d;
      if (!all_finite (t, d) || !all_finite (student + s * d, d)
          || !all_finite (baseline + s * d, d))
        return KD_ERR_INVALID;
      double cs = cosine (t, student + s * d, d, absolute);
      double cb = cosine (t, baseline + s * d, d, absolute);
      if (isnan (cs) || isnan (cb))
        continue;
      out->n++;
      out->closer += cs > cb ? 1.0 : cs == cb ? 0.5 : 0.0;
      out->ties += cs == cb;
    }
  if (out->n == 0)
    return KD_OK;
  out->share = out->closer / out->n;
  wilson95 (out->share, (double)out->n, &out->lo, &out->hi);
  return KD_OK;
}
