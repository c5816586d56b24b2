#include "kd_pca.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kd_blas.h"
#include "kd_rng.h"

/* Subspace iteration: extra basis vectors beyond k (convergence goes as (l_{p+1} / l_k)^it,
 * so a wider block pays for itself). Iterations run in float through sgemm, the cheap part,
 * until the Ritz residuals reach what float allows, then a few in double polish the result.
 * Both phases are capped: only nearly tied eigenvalues reach the caps, and then the values
 * have converged while the directions within the tie are arbitrary (but deterministic). */
#define SUBSPACE_EXTRA 12
#define SUBSPACE_FLOAT_TOL 1e-5
#define SUBSPACE_FLOAT_MAX_ITER 300
#define SUBSPACE_TOL 1e-10
#define SUBSPACE_MAX_ITER 20

/* Jacobi: a sweep rotates every off-diagonal entry that is not negligible; the iteration
 * ends after a sweep with no rotation. */
#define JACOBI_MAX_SWEEPS 60

/* Flips v (d) so that its entry of largest magnitude (the first on ties) is positive. */
static void
orient (double *v, int d)
{
  int best = 0;
  for (int j = 1; j < d; j++)
    if (fabs (v[j]) > fabs (v[best]))
      best = j;
  if (v[best] < 0.0)
    for (int j = 0; j < d; j++)
      v[j] = -v[j];
}

/* ---- Jacobi ------------------------------------------------------------------------------ */

/* Rotates rows/columns p and q of the symmetric a (d, d) so that a[p][q] becomes 0, and rows
 * p and q of vt (d, d) with them (Golub & Van Loan, sym.schur2). Rows are updated in place
 * and copied to the columns, so the inner loops run over contiguous memory. */
static void
jacobi_rotate (double *a, double *vt, int d, int p, int q)
{
  double *ap = a + (size_t)p * d, *aq = a + (size_t)q * d;
  double apq = ap[q], app = ap[p], aqq = aq[q];
  double theta = (aqq - app) / (2.0 * apq);
  double t = fabs (theta) > 1e150
                 ? 0.5 / theta
                 : copysign (1.0, theta) / (fabs (theta) + sqrt (theta * theta + 1.0));
  double c = 1.0 / sqrt (t * t + 1.0), s = t * c;
  for (int k = 0; k < d; k++)
    {
      double x = ap[k], y = aq[k];
      ap[k] = c * x - s * y;
      aq[k] = s * x + c * y;
    }
  ap[p] = app - t * apq;
  aq[q] = aqq + t * apq;
  ap[q] = aq[p] = 0.0;
  for (int k = 0; k < d; k++)
    if (k != p && k != q)
      {
        a[(size_t)k * d + p] = ap[k];
        a[(size_t)k * d + q] = aq[k];
      }
  double *vp = vt + (size_t)p * d, *vq = vt + (size_t)q * d;
  for (int k = 0; k < d; k++)
    {
      double x = vp[k], y = vq[k];
      vp[k] = c * x - s * y;
      vq[k] = s * x + c * y;
    }
}

/* An entry below eps sqrt (|a_pp a_qq|) changes no eigenvalue by more than its own rounding
 * (Demmel & Veselic); the absolute floor stops rotations among underflowing entries. */
static bool
negligible (const double *a, int d, int p, int q, double floor)
{
  double apq = fabs (a[(size_t)p * d + q]);
  return apq <= DBL_EPSILON * sqrt (fabs (a[(size_t)p * d + p] * a[(size_t)q * d + q]))
         || apq <= floor;
}

/* Diagonalises the full symmetric a (d, d) in place: afterwards its diagonal holds the
 * eigenvalues and the rows of vt (d, d) the eigenvectors. */
static void
jacobi (double *a, int d, double *vt)
{
  double norm2 = 0.0;
  for (size_t i = 0; i < (size_t)d * d; i++)
    norm2 += a[i] * a[i];
  double floor = DBL_MIN / DBL_EPSILON + DBL_EPSILON * DBL_EPSILON * sqrt (norm2);
  memset (vt, 0, (size_t)d * d * sizeof (double));
  for (int i = 0; i < d; i++)
    vt[(size_t)i * d + i] = 1.0;
  for (int sweep = 0; sweep < JACOBI_MAX_SWEEPS; sweep++)
    {
      int rotations = 0;
      for (int p = 0; p < d; p++)
        for (int q = p + 1; q < d; q++)
          {
            if (negligible (a, d, p, q, floor))
              {
                a[(size_t)p * d + q] = a[(size_t)q * d + p] = 0.0;
                continue;
              }
            jacobi_rotate (a, vt, d, p, q);
            rotations++;
          }
      if (!rotations)
        return;
    }
}

/* order (d) = indices of diag sorted by descending value, ties by index. */
static void
sort_desc (const double *a, int d, int *order)
{
  for (int i = 0; i < d; i++)
    {
      int j = i;
      double x = a[(size_t)i * d + i];
      for (; j > 0 && a[(size_t)order[j - 1] * d + order[j - 1]] < x; j--)
        order[j] = order[j - 1];
      order[j] = i;
    }
}

/* Top k eigenpairs of the full symmetric a (d, d), destroyed. */
static KdStatus
eigen_jacobi (double *a, int d, int k, double *values, double *vectors)
{
  double *v = malloc ((size_t)d * d * sizeof (double));
  int *order = malloc ((size_t)d * sizeof (int));
  if (!v || !order)
    {
      free (v);
      free (order);
      return KD_ERR_NOMEM;
    }
  jacobi (a, d, v);
  sort_desc (a, d, order);
  for (int r = 0; r < k; r++)
    {
      int row = order[r];
      values[r] = a[(size_t)row * d + row];
      memcpy (vectors + (size_t)r * d, v + (size_t)row * d, (size_t)d * sizeof (double));
    }
  free (v);
  free (order);
  return KD_OK;
}

/* ---- subspace iteration ------------------------------------------------------------------ */

/* Orthonormalises the p columns of v (d, p) by modified Gram-Schmidt, twice ("twice is
 * enough", Parlett). A column that vanishes (a rank-deficient matrix maps the block into a
 * smaller space) is replaced by a fresh pseudo-random one. */
static void
orthonormalise (double *v, int d, int p, KdRng *rng)
{
  for (int r = 0; r < p; r++)
    for (int attempt = 0; attempt < 4; attempt++)
      {
        double before = 0.0, norm = 0.0;
        for (int i = 0; i < d; i++)
          before += v[(size_t)i * p + r] * v[(size_t)i * p + r];
        for (int twice = 0; twice < 2; twice++)
          for (int s = 0; s < r; s++)
            {
              double dot = 0.0;
              for (int i = 0; i < d; i++)
                dot += v[(size_t)i * p + s] * v[(size_t)i * p + r];
              for (int i = 0; i < d; i++)
                v[(size_t)i * p + r] -= dot * v[(size_t)i * p + s];
            }
        for (int i = 0; i < d; i++)
          norm += v[(size_t)i * p + r] * v[(size_t)i * p + r];
        if (norm > 1e-20 * before && norm > DBL_MIN)
          {
            double inv = 1.0 / sqrt (norm);
            for (int i = 0; i < d; i++)
              v[(size_t)i * p + r] *= inv;
            break;
          }
        for (int i = 0; i < d; i++)
          v[(size_t)i * p + r] = kd_rng_normal (rng);
      }
}

/* w (d, p) = a (d, d) v (d, p) in double; the inner loop runs along the block so it
 * vectorises. */
static void
mul_block (const double *a, const double *v, int d, int p, double *w)
{
  memset (w, 0, (size_t)d * p * sizeof (double));
  for (int i = 0; i < d; i++)
    {
      double *wi = w + (size_t)i * p;
      for (int j = 0; j < d; j++)
        {
          double aij = a[(size_t)i * d + j];
          const double *vj = v + (size_t)j * p;
          for (int r = 0; r < p; r++)
            wi[r] += aij * vj[r];
        }
    }
}

/* out (d, p) = x (d, p) q (p, p). */
static void
mul_small (const double *x, const double *q, int d, int p, double *out)
{
  for (int i = 0; i < d; i++)
    for (int c = 0; c < p; c++)
      {
        double s = 0.0;
        for (int r = 0; r < p; r++)
          s += x[(size_t)i * p + r] * q[(size_t)r * p + c];
        out[(size_t)i * p + c] = s;
      }
}

typedef struct
{
  int d, p;
  const double *a;        /* (d, d) */
  float *af, *vf, *wf;    /* (d, d), (d, p), (d, p): the float phase's copies */
  double *v, *w, *y, *ay; /* (d, p) basis, a v, Ritz vectors, a times them */
  double *h, *q;          /* (p, p) projected matrix, its eigenvectors as columns */
  double *theta;          /* (p) Ritz values, descending */
  KdRng rng;
} Subspace;

static void
subspace_free (Subspace *s)
{
  free (s->af);
  free (s->vf);
  free (s->wf);
  free (s->v);
  free (s->w);
  free (s->y);
  free (s->ay);
  free (s->h);
  free (s->q);
  free (s->theta);
}

static KdStatus
subspace_init (Subspace *s, const double *a, int d, int p)
{
  size_t dp = (size_t)d * p;
  *s = (Subspace){ .d = d, .p = p, .a = a };
  s->af = malloc ((size_t)d * d * sizeof (float));
  s->vf = malloc (dp * sizeof (float));
  s->wf = malloc (dp * sizeof (float));
  s->v = malloc (dp * sizeof (double));
  s->w = malloc (dp * sizeof (double));
  s->y = malloc (dp * sizeof (double));
  s->ay = malloc (dp * sizeof (double));
  s->h = malloc ((size_t)p * p * sizeof (double));
  s->q = malloc ((size_t)p * p * sizeof (double));
  s->theta = malloc ((size_t)p * sizeof (double));
  if (!s->af || !s->vf || !s->wf || !s->v || !s->w || !s->y || !s->ay || !s->h || !s->q
      || !s->theta)
    return KD_ERR_NOMEM;
  for (size_t i = 0; i < (size_t)d * d; i++)
    s->af[i] = (float)a[i];
  /* A fixed seed keeps the result a function of the matrix alone. */
  kd_rng_seed (&s->rng, 0x5eed1e55ULL);
  for (size_t i = 0; i < dp; i++)
    s->v[i] = kd_rng_normal (&s->rng);
  orthonormalise (s->v, d, p, &s->rng);
  return KD_OK;
}

/* w = a v, in float by sgemm or in double. */
static void
apply (Subspace *s, bool in_double)
{
  size_t dp = (size_t)s->d * s->p;
  if (in_double)
    {
      mul_block (s->a, s->v, s->d, s->p, s->w);
      return;
    }
  for (size_t i = 0; i < dp; i++)
    s->vf[i] = (float)s->v[i];
  kd_sgemm (false, false, s->d, s->p, s->d, 1.0f, s->af, s->d, s->vf, s->p, 0.0f, s->wf, s->p);
  for (size_t i = 0; i < dp; i++)
    s->w[i] = s->wf[i];
}

/* Rayleigh-Ritz on the block: y = v q and ay = w q with q the eigenvectors of v^T w sorted by
 * descending Ritz value theta. */
static KdStatus
rayleigh_ritz (Subspace *s)
{
  int d = s->d, p = s->p;
  for (int r = 0; r < p; r++)
    for (int c = 0; c <= r; c++)
      {
        double dot = 0.0;
        for (int i = 0; i < d; i++)
          dot += s->v[(size_t)i * p + r] * s->w[(size_t)i * p + c];
        s->h[(size_t)r * p + c] = s->h[(size_t)c * p + r] = dot;
      }
  double *rows = malloc ((size_t)p * p * sizeof (double));
  if (!rows)
    return KD_ERR_NOMEM;
  KdStatus st = eigen_jacobi (s->h, p, p, s->theta, rows);
  for (int r = 0; r < p; r++)
    for (int c = 0; c < p; c++)
      s->q[(size_t)r * p + c] = rows[(size_t)c * p + r];
  free (rows);
  mul_small (s->v, s->q, d, p, s->y);
  mul_small (s->w, s->q, d, p, s->ay);
  return st;
}

/* Largest ||a y - theta y|| of the k leading Ritz pairs, relative to |theta_0|. */
static double
residual (const Subspace *s, int k)
{
  double worst = 0.0;
  for (int r = 0; r < k; r++)
    {
      double res = 0.0;
      for (int i = 0; i < s->d; i++)
        {
          double e = s->ay[(size_t)i * s->p + r] - s->theta[r] * s->y[(size_t)i * s->p + r];
          res += e * e;
        }
      worst = fmax (worst, sqrt (res));
    }
  return s->theta[0] != 0.0 ? worst / fabs (s->theta[0]) : 0.0;
}

/* Subspace iterations until the residual reaches tol, stops shrinking (in double, where
 * each step costs a full pass over a) or max_iter runs out. */
static KdStatus
iterate (Subspace *s, int k, bool in_double, double tol, int max_iter)
{
  double last = INFINITY;
  for (int it = 0; it < max_iter; it++)
    {
      if (it > 0 || in_double)
        {
          memcpy (s->v, s->ay, (size_t)s->d * s->p * sizeof (double));
          orthonormalise (s->v, s->d, s->p, &s->rng);
        }
      apply (s, in_double);
      KdStatus st = rayleigh_ritz (s);
      double res = residual (s, k);
      if (st != KD_OK || res <= tol || (in_double && res > 0.5 * last))
        return st;
      last = res;
    }
  return KD_OK;
}

/* Top k eigenpairs of the full symmetric positive semi-definite a (d, d). */
static KdStatus
eigen_subspace (const double *a, int d, int k, double *values, double *vectors)
{
  int p = k + SUBSPACE_EXTRA < d ? k + SUBSPACE_EXTRA : d;
  Subspace s;
  KdStatus st = subspace_init (&s, a, d, p);
  if (st == KD_OK)
    st = iterate (&s, k, false, SUBSPACE_FLOAT_TOL, SUBSPACE_FLOAT_MAX_ITER);
  if (st == KD_OK)
    st = iterate (&s, k, true, SUBSPACE_TOL, SUBSPACE_MAX_ITER);
  for (int r = 0; st == KD_OK && r < k; r++)
    {
      double norm = 0.0;
      values[r] = s.theta[r];
      for (int i = 0; i < d; i++)
        norm += s.y[(size_t)i * p + r] * s.y[(size_t)i * p + r];
      for (int i = 0; i < d; i++)
        vectors[(size_t)r * d + i] = s.y[(size_t)i * p + r] / sqrt (norm);
    }
  subspace_free (&s);
  return st;
}

KdStatus
kd_sym_eigen (const double *a, int d, int k, double *values, double *vectors)
{
  if (!a || !values || !vectors || d < 1 || k < 1 || k > d || k > KD_PCA_MAX_K)
    return KD_ERR_INVALID;
  double *full = malloc ((size_t)d * d * sizeof (double));
  if (!full)
    return KD_ERR_NOMEM;
  for (int i = 0; i < d; i++)
    for (int j = 0; j <= i; j++)
      full[(size_t)i * d + j] = full[(size_t)j * d + i] = a[(size_t)i * d + j];
  KdStatus st = d <= KD_PCA_JACOBI_MAX ? eigen_jacobi (full, d, k, values, vectors)
                                       : eigen_subspace (full, d, k, values, vectors);
  free (full);
  for (int r = 0; st == KD_OK && r < k; r++)
    orient (vectors + (size_t)r * d, d);
  return st;
}

/* ---- PCA --------------------------------------------------------------------------------- */

/* xc (n, d) = x centred, mean (d) in double; returns the total variance (sum of squares). */
static double
centre (const float *x, int n, int d, double *mean, float *xc)
{
  double total = 0.0;
  memset (mean, 0, (size_t)d * sizeof (double));
  for (int i = 0; i < n; i++)
    for (int j = 0; j < d; j++)
      mean[j] += x[(size_t)i * d + j];
  for (int j = 0; j < d; j++)
    mean[j] /= n;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < d; j++)
      {
        double c = x[(size_t)i * d + j] - mean[j];
        xc[(size_t)i * d + j] = (float)c;
        total += c * c;
      }
  return total;
}

/* comps (k, d) = the unit principal axes of xc (n, d), values (k) their sums of squares. The
 * eigenproblem is solved on the smaller of xc^T xc (d, d) and xc xc^T (n, n); in the second
 * case the axes are xc^T u, normalised. */
static KdStatus
principal_axes (const float *xc, int n, int d, int k, double *values, double *comps)
{
  int m = d <= n ? d : n;
  double *c = malloc ((size_t)m * m * sizeof (double));
  double *u = d <= n ? comps : malloc ((size_t)k * n * sizeof (double));
  KdStatus st = c && u ? KD_OK : KD_ERR_NOMEM;
  if (st == KD_OK)
    st = d <= n ? kd_activations_gemm_dacc (true, false, d, d, n, xc, d, xc, d, c, d, 0)
                : kd_activations_gemm_dacc (false, true, n, n, d, xc, d, xc, d, c, n, 0);
  if (st == KD_OK)
    st = kd_sym_eigen (c, m, k, values, u);
  for (int r = 0; st == KD_OK && d > n && r < k; r++)
    {
      double *axis = comps + (size_t)r * d, norm = 0.0;
      memset (axis, 0, (size_t)d * sizeof (double));
      for (int i = 0; i < n; i++)
        for (int j = 0; j < d; j++)
          axis[j] += xc[(size_t)i * d + j] * u[(size_t)r * n + i];
      for (int j = 0; j < d; j++)
        norm += axis[j] * axis[j];
      for (int j = 0; norm > 0.0 && j < d; j++)
        axis[j] /= sqrt (norm);
      orient (axis, d);
    }
  free (c);
  if (u != comps)
    free (u);
  return st;
}

static void
project (
    const float *x, int n, int d, int k, const double *mean, const double *comps, float *coords)
{
  for (int i = 0; i < n; i++)
    for (int r = 0; r < k; r++)
      {
        double s = 0.0;
        for (int j = 0; j < d; j++)
          s += (x[(size_t)i * d + j] - mean[j]) * comps[(size_t)r * d + j];
        coords[(size_t)i * k + r] = (float)s;
      }
}

KdStatus
kd_pca (const float *x, int n, int d, int k, float *coords, double *ratio, double *components)
{
  if (!x || !coords || !ratio || n < 2 || d < 1 || k < 1 || k > KD_PCA_MAX_K || k > n || k > d)
    return KD_ERR_INVALID;
  double values[KD_PCA_MAX_K] = { 0 }, total = 0.0;
  double *mean = malloc ((size_t)d * sizeof (double));
  double *comps = components ? components : malloc ((size_t)k * d * sizeof (double));
  float *xc = malloc ((size_t)n * d * sizeof (float));
  KdStatus st = mean && comps && xc ? KD_OK : KD_ERR_NOMEM;
  if (st == KD_OK)
    total = centre (x, n, d, mean, xc);
  /* Constant data has no axes: components 0, so coordinates and ratios are 0 too. */
  if (st == KD_OK && total > 0.0)
    st = principal_axes (xc, n, d, k, values, comps);
  else if (st == KD_OK)
    memset (comps, 0, (size_t)k * d * sizeof (double));
  if (st == KD_OK)
    {
      project (x, n, d, k, mean, comps, coords);
      for (int r = 0; r < k; r++)
        ratio[r] = total > 0.0 && values[r] > 0.0 ? fmin (values[r] / total, 1.0) : 0.0;
    }
  free (mean);
  free (xc);
  if (comps != components)
    free (comps);
  return st;
}

KdStatus
kd_pca_net (KdNet *net,
            const KdDataset *ds,
            const int32_t *idx,
            int n,
            int k,
            float *coords,
            double *ratio,
            uint8_t *labels,
            KdRepLayer *layer,
            atomic_int *cancel)
{
  KdRepLayer layers[KD_ACT_MAX_LAYERS];
  int n_layers = 0;
  if (!net || n < 2)
    return KD_ERR_INVALID;
  KdStatus st = kd_activations_layers (net, KD_ACT_REPRESENTATIONS, layers, &n_layers);
  if (st != KD_OK)
    return st;
  const KdRepLayer *last = &layers[kd_activations_last_hidden (layers, n_layers)];
  float *x = malloc ((size_t)n * last->dim * sizeof (float));
  if (!x)
    return KD_ERR_NOMEM;
  st = kd_activations_capture (net, ds, idx, n, last, x, labels, cancel);
  if (st == KD_OK)
    st = kd_pca (x, n, (int)last->dim, k, coords, ratio, NULL);
  if (st == KD_OK && layer)
    *layer = *last;
  free (x);
  return st;
}
