#include "kd_cka.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* What one layer keeps of the n samples: either its centred activations (n, dim) or, for
 * layers wider than n, its centred Gram matrix (n, n); the smaller of the two. */
typedef struct
{
  bool gram;
  float *x;    /* (n, dim) centred activations, when !gram */
  float *g;    /* (n, n) centred Gram matrix, when gram */
  double self; /* <K, K>_F, the layer's own HSIC (unnormalised) */
} Factor;

struct KdCkaModel
{
  int n;
  int n_layers;
  int passes;
  KdRepLayer layers[KD_ACT_MAX_LAYERS];
  Factor f[KD_ACT_MAX_LAYERS];
};

/* Feature terms summed in float per sgemm for Gram matrices of wide layers: conv maps have
 * tens of thousands of features, and per-call overhead of short blocks would dominate; the
 * activations are shifted near zero mean first, so 1,024-term float sums lose ~1e-6. */
#define KD_CKA_GRAM_BLOCK 1024

static bool
is_wide (size_t dim, int n)
{
  return dim > (size_t)n;
}

/* ---- HSIC between two factors ------------------------------------------------------------ */

/* ||a^T b||_F^2 = <a a^T, b b^T>_F for a (n, da), b (n, db). */
static KdStatus
hsic_ff (const float *a, int da, const float *b, int db, int n, double *out)
{
  double *c = malloc ((size_t)da * db * sizeof (double));
  if (!c)
    return KD_ERR_NOMEM;
  KdStatus st = kd_activations_gemm_dacc (true, false, da, db, n, a, da, b, db, c, db, 0);
  double sum = 0.0;
  for (size_t i = 0; i < (size_t)da * db; i++)
    sum += c[i] * c[i];
  free (c);
  *out = sum;
  return st;
}

/* <g, x x^T>_F = sum of (g x) o x for g (n, n), x (n, d). */
static KdStatus
hsic_gf (const float *g, const float *x, int d, int n, double *out)
{
  double *t = malloc ((size_t)n * d * sizeof (double));
  if (!t)
    return KD_ERR_NOMEM;
  KdStatus st = kd_activations_gemm_dacc (false, false, n, d, n, g, n, x, d, t, d, 0);
  double sum = 0.0;
  for (size_t i = 0; i < (size_t)n * d; i++)
    sum += t[i] * x[i];
  free (t);
  *out = sum;
  return st;
}

static double
hsic_gg (const float *a, const float *b, int n)
{
  double sum = 0.0;
  for (size_t i = 0; i < (size_t)n * n; i++)
    sum += (double)a[i] * b[i];
  return sum;
}

static KdStatus
hsic (const Factor *a, size_t da, const Factor *b, size_t db, int n, double *out)
{
  if (a->gram && b->gram)
    {
      *out = hsic_gg (a->g, b->g, n);
      return KD_OK;
    }
  if (a->gram)
    return hsic_gf (a->g, b->x, (int)db, n, out);
  if (b->gram)
    return hsic_gf (b->g, a->x, (int)da, n, out);
  return hsic_ff (a->x, (int)da, b->x, (int)db, n, out);
}

/* The ratio is in [0, 1] in exact arithmetic; rounding may step past either end by an ulp,
 * which figures and tests should not have to care about. A constant layer (self = 0) shares
 * no structure with anything: 0. */
static double
cka_ratio (double xy, double xx, double yy)
{
  if (!(xx > 0.0) || !(yy > 0.0))
    return 0.0;
  /* sqrt (xx * yy) rather than sqrt (xx) * sqrt (yy): for xx == yy it is exactly xx, so a
   * layer compared with itself gives exactly 1. */
  double r = xy / sqrt (xx * yy);
  return r < 0.0 ? 0.0 : r > 1.0 ? 1.0 : r;
}

/* ---- building a model: one streaming pass per block of cached samples -------------------- */

typedef struct
{
  KdCkaModel *m;
  bool first_pass;
  int block0, block_len; /* the cached block I = [block0, block0 + block_len) */
  int max_batch;
  float *cache[KD_ACT_MAX_LAYERS];  /* wide layers: (block rows, dim) shifted activations */
  double *shift[KD_ACT_MAX_LAYERS]; /* wide layers: (dim) mean of the first batch */
  float *z;                         /* (max_batch, widest dim) a later batch, shifted */
  double *rows;                     /* (max_batch, block rows) one strip of K in double */
} Builder;

static void
batch_mean (const float *x, int b, size_t dim, double *mean)
{
  memset (mean, 0, dim * sizeof (double));
  for (int i = 0; i < b; i++)
    for (size_t j = 0; j < dim; j++)
      mean[j] += x[(size_t)i * dim + j];
  for (size_t j = 0; j < dim; j++)
    mean[j] /= b;
}

static void
shift_rows (const float *x, int b, size_t dim, const double *shift, float *out)
{
  for (int i = 0; i < b; i++)
    for (size_t j = 0; j < dim; j++)
      out[(size_t)i * dim + j] = (float)(x[(size_t)i * dim + j] - shift[j]);
}

/* K[row0 .. row0 + b, block0 .. block0 + len] of wide layer r = z (b, dim) times the first
 * len cached rows transposed, accumulated in double and stored in float. Each block of K is
 * written exactly once, so only one strip at a time needs double storage. */
static KdStatus
gram_strip (Builder *bd, int r, const float *z, int b, int row0, int len)
{
  int n = bd->m->n, d = (int)bd->m->layers[r].dim;
  KdStatus st = kd_activations_gemm_dacc (false, true, b, len, d, z, d, bd->cache[r], d, bd->rows,
                                          len, KD_CKA_GRAM_BLOCK);
  float *k = bd->m->f[r].g + (size_t)row0 * n + bd->block0;
  for (int i = 0; st == KD_OK && i < b; i++)
    for (int j = 0; j < len; j++)
      k[(size_t)i * n + j] = (float)bd->rows[(size_t)i * len + j];
  return st;
}

/* Adds one batch of wide layer r to its Gram matrix: into the cache while the batch lies in
 * block I (and K[I, I] once the block is complete), else as K[J, I] against the cache. */
static KdStatus
gram_batch (Builder *bd, int r, const float *x, int offset, int b)
{
  size_t dim = bd->m->layers[r].dim;
  if (offset == 0)
    batch_mean (x, b, dim, bd->shift[r]);
  int block_end = bd->block0 + bd->block_len;
  if (offset >= block_end)
    {
      shift_rows (x, b, dim, bd->shift[r], bd->z);
      return gram_strip (bd, r, bd->z, b, offset, bd->block_len);
    }
  shift_rows (x, b, dim, bd->shift[r], bd->cache[r] + (size_t)(offset - bd->block0) * dim);
  /* The complete block's lower triangle K[I, I], strip by strip; symmetrise fills the rest. */
  KdStatus st = KD_OK;
  for (int s = 0; offset + b == block_end && s < bd->block_len && st == KD_OK; s += bd->max_batch)
    {
      int rows = bd->block_len - s < bd->max_batch ? bd->block_len - s : bd->max_batch;
      st = gram_strip (bd, r, bd->cache[r] + (size_t)s * dim, rows, bd->block0 + s, s + rows);
    }
  return st;
}

static KdStatus
build_batch (const float *const *acts, int offset, int b, void *user_data)
{
  Builder *bd = user_data;
  KdCkaModel *m = bd->m;
  KdStatus st = KD_OK;
  for (int r = 0; r < m->n_layers && st == KD_OK; r++)
    {
      size_t dim = m->layers[r].dim;
      if (m->f[r].gram)
        st = gram_batch (bd, r, acts[r], offset, b);
      else if (bd->first_pass)
        memcpy (m->f[r].x + (size_t)offset * dim, acts[r], (size_t)b * dim * sizeof (float));
    }
  return st;
}

/* Centres the columns of x (n, dim) in place; means in double. */
static KdStatus
centre_columns (float *x, int n, size_t dim)
{
  double *mean = calloc (dim, sizeof (double));
  if (!mean)
    return KD_ERR_NOMEM;
  for (int i = 0; i < n; i++)
    for (size_t j = 0; j < dim; j++)
      mean[j] += x[(size_t)i * dim + j];
  for (size_t j = 0; j < dim; j++)
    mean[j] /= n;
  for (int i = 0; i < n; i++)
    for (size_t j = 0; j < dim; j++)
      x[(size_t)i * dim + j] = (float)(x[(size_t)i * dim + j] - mean[j]);
  free (mean);
  return KD_OK;
}

/* Mirrors the lower triangle of k (n, n) into the upper one (the strips computed part of it
 * too, but sgemm need not make the two bitwise equal, and exact symmetry keeps row and
 * column means identical). Tiled so that both triangles stay in cache. */
static void
symmetrise (float *k, int n)
{
  enum
  {
    TILE = 64
  };
  for (int i0 = 0; i0 < n; i0 += TILE)
    for (int j0 = 0; j0 <= i0; j0 += TILE)
      for (int i = i0; i < n && i < i0 + TILE; i++)
        for (int j = j0; j < i && j < j0 + TILE; j++)
          k[(size_t)j * n + i] = k[(size_t)i * n + j];
}

/* Turns the Gram matrix k (n, n) of shifted activations into the centred H K H, in place;
 * means in double. The shift made K nearly centred already, so rounding K to float lost no
 * more than rounding the centred result does. */
static KdStatus
centre_gram (float *k, int n)
{
  symmetrise (k, n);
  double *mean = malloc ((size_t)n * sizeof (double));
  if (!mean)
    return KD_ERR_NOMEM;
  double grand = 0.0;
  for (int i = 0; i < n; i++)
    {
      double s = 0.0;
      for (int j = 0; j < n; j++)
        s += k[(size_t)i * n + j];
      mean[i] = s / n;
      grand += mean[i];
    }
  grand /= n;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      {
        size_t at = (size_t)i * n + j;
        k[at] = (float)(k[at] - mean[i] - mean[j] + grand);
      }
  free (mean);
  return KD_OK;
}

static void
builder_free (Builder *bd)
{
  for (int r = 0; r < KD_ACT_MAX_LAYERS; r++)
    {
      free (bd->cache[r]);
      free (bd->shift[r]);
    }
  free (bd->z);
  free (bd->rows);
}

/* Rows of the cached block: as many samples of all wide layers (wide_dims floats a sample) as
 * cache_bytes holds, a whole number of batches (so that batches never straddle a block), at
 * least one batch. */
static int
block_rows (size_t wide_dims, int n, int max_batch, size_t cache_bytes)
{
  if (!cache_bytes)
    cache_bytes = KD_CKA_DEFAULT_CACHE_BYTES;
  if (wide_dims == 0)
    return n;
  size_t rows = cache_bytes / (wide_dims * sizeof (float)) / (size_t)max_batch * (size_t)max_batch;
  if (rows < (size_t)max_batch)
    rows = (size_t)max_batch;
  return rows >= (size_t)n ? n : (int)rows;
}

static size_t
wide_dims (const KdRepLayer *layers, int n_layers, int n)
{
  size_t sum = 0;
  for (int r = 0; r < n_layers; r++)
    sum += is_wide (layers[r].dim, n) ? layers[r].dim : 0;
  return sum;
}

static KdStatus
builder_init (Builder *bd, KdCkaModel *m, int max_batch, size_t cache_bytes)
{
  int rows = block_rows (wide_dims (m->layers, m->n_layers, m->n), m->n, max_batch, cache_bytes);
  size_t widest = 0;
  bd->m = m;
  bd->max_batch = max_batch;
  bd->block_len = rows;
  for (int r = 0; r < m->n_layers; r++)
    {
      size_t dim = m->layers[r].dim;
      Factor *f = &m->f[r];
      f->gram = is_wide (dim, m->n);
      if (!f->gram)
        {
          if (!(f->x = malloc ((size_t)m->n * dim * sizeof (float))))
            return KD_ERR_NOMEM;
          continue;
        }
      widest = dim > widest ? dim : widest;
      f->g = malloc ((size_t)m->n * m->n * sizeof (float));
      bd->cache[r] = malloc ((size_t)rows * dim * sizeof (float));
      bd->shift[r] = malloc (dim * sizeof (double));
      if (!f->g || !bd->cache[r] || !bd->shift[r])
        return KD_ERR_NOMEM;
    }
  if (!widest)
    return KD_OK;
  bd->z = malloc ((size_t)max_batch * widest * sizeof (float));
  bd->rows = malloc ((size_t)max_batch * rows * sizeof (double));
  return bd->z && bd->rows ? KD_OK : KD_ERR_NOMEM;
}

static KdStatus
builder_run (
    Builder *bd, KdNet *net, const KdDataset *ds, const int32_t *idx, int n, atomic_int *cancel)
{
  KdCkaModel *m = bd->m;
  int rows = bd->block_len;
  bool any_wide = bd->z != NULL;
  KdStatus st = KD_OK;
  bd->first_pass = true;
  for (int b0 = 0; b0 < n && st == KD_OK; b0 += rows)
    {
      bd->block0 = b0;
      bd->block_len = n - b0 < rows ? n - b0 : rows;
      st = kd_activations_stream (net, ds, idx, b0, n, m->layers, m->n_layers, build_batch, bd,
                                  cancel);
      m->passes++;
      bd->first_pass = false;
      if (!any_wide)
        break;
    }
  return st;
}

/* Centres every factor and computes its self-HSIC. */
static KdStatus
finish_factors (KdCkaModel *m)
{
  KdStatus st = KD_OK;
  for (int r = 0; r < m->n_layers && st == KD_OK; r++)
    {
      Factor *f = &m->f[r];
      size_t dim = m->layers[r].dim;
      st = f->gram ? centre_gram (f->g, m->n) : centre_columns (f->x, m->n, dim);
      if (st == KD_OK)
        st = hsic (f, dim, f, dim, m->n, &f->self);
    }
  return st;
}

KdStatus
kd_cka_model_new (KdNet *net,
                  const KdDataset *ds,
                  const int32_t *idx,
                  int n,
                  size_t cache_bytes,
                  atomic_int *cancel,
                  KdCkaModel **out)
{
  if (!net || !ds || !out || n < 2 || net->max_batch < 1)
    return KD_ERR_INVALID;
  *out = NULL;
  KdCkaModel *m = calloc (1, sizeof *m);
  if (!m)
    return KD_ERR_NOMEM;
  m->n = n;
  KdStatus st = kd_activations_layers (net, KD_ACT_REPRESENTATIONS, m->layers, &m->n_layers);
  Builder bd = { 0 };
  if (st == KD_OK)
    st = builder_init (&bd, m, net->max_batch, cache_bytes);
  if (st == KD_OK)
    st = builder_run (&bd, net, ds, idx, n, cancel);
  builder_free (&bd);
  if (st == KD_OK)
    st = finish_factors (m);
  if (st != KD_OK)
    {
      kd_cka_model_free (m);
      return st;
    }
  *out = m;
  return KD_OK;
}

void
kd_cka_model_free (KdCkaModel *model)
{
  if (!model)
    return;
  for (int r = 0; r < model->n_layers; r++)
    {
      free (model->f[r].x);
      free (model->f[r].g);
    }
  free (model);
}

int
kd_cka_model_n_layers (const KdCkaModel *model)
{
  return model ? model->n_layers : 0;
}

const KdRepLayer *
kd_cka_model_layer (const KdCkaModel *model, int r)
{
  return model && r >= 0 && r < model->n_layers ? &model->layers[r] : NULL;
}

int
kd_cka_model_passes (const KdCkaModel *model)
{
  return model ? model->passes : 0;
}

size_t
kd_cka_model_memory (const KdNet *net, int n, size_t cache_bytes)
{
  KdRepLayer layers[KD_ACT_MAX_LAYERS];
  int n_layers = 0;
  if (!net || n < 1 || kd_activations_layers (net, KD_ACT_REPRESENTATIONS, layers, &n_layers))
    return 0;
  size_t kept = sizeof (KdCkaModel), finishing = (size_t)n * sizeof (double), widest = 0;
  for (int r = 0; r < n_layers; r++)
    {
      size_t dim = layers[r].dim;
      kept += (size_t)n * (is_wide (dim, n) ? (size_t)n : dim) * sizeof (float);
      widest = is_wide (dim, n) && dim > widest ? dim : widest;
      /* hsic_ff's (dim, dim) product in double plus its float partial, and column means. */
      size_t self = is_wide (dim, n) ? 0 : dim * dim * (sizeof (double) + sizeof (float)) + dim * 8;
      finishing = self > finishing ? self : finishing;
    }
  size_t wide = wide_dims (layers, n_layers, n), batch = (size_t)net->max_batch;
  size_t rows = (size_t)block_rows (wide, n, net->max_batch, cache_bytes), building = 0;
  /* Cache and shifts of every wide layer, one shifted batch, one K strip in double and its
   * float partial. */
  if (wide)
    building = rows * wide * sizeof (float) + wide * sizeof (double)
               + batch * widest * sizeof (float) + batch * rows * (sizeof (double) + sizeof (float))
               + batch * sizeof (int32_t);
  return kept + (building > finishing ? building : finishing);
}

/* ---- comparing models -------------------------------------------------------------------- */

static KdStatus
cka_entry (const KdCkaModel *a, int i, const KdCkaModel *b, int j, double *out)
{
  const Factor *fa = &a->f[i], *fb = &b->f[j];
  double xy = fa->self;
  KdStatus st = KD_OK;
  if (a != b || i != j)
    st = hsic (fa, a->layers[i].dim, fb, b->layers[j].dim, a->n, &xy);
  *out = cka_ratio (xy, fa->self, fb->self);
  return st;
}

KdStatus
kd_cka_matrix (const KdCkaModel *a, const KdCkaModel *b, double *cka)
{
  if (!a || !b || !cka)
    return KD_ERR_INVALID;
  if (a->n != b->n)
    return KD_ERR_SHAPE;
  KdStatus st = KD_OK;
  int nb = b->n_layers;
  for (int i = 0; i < a->n_layers && st == KD_OK; i++)
    for (int j = a == b ? i : 0; j < nb && st == KD_OK; j++)
      {
        st = cka_entry (a, i, b, j, &cka[(size_t)i * nb + j]);
        if (a == b)
          cka[(size_t)j * nb + i] = cka[(size_t)i * nb + j];
      }
  return st;
}

/* ---- the three models of an experiment ---------------------------------------------------- */

void
kd_cka_pair_models (KdCkaPair pair, KdModelId *rows, KdModelId *cols)
{
  static const KdModelId table[KD_CKA_N_PAIRS][2] = {
    [KD_CKA_TEACHER_STUDENT] = { KD_TEACHER, KD_STUDENT },
    [KD_CKA_TEACHER_BASELINE] = { KD_TEACHER, KD_BASELINE },
    [KD_CKA_STUDENT_BASELINE] = { KD_STUDENT, KD_BASELINE },
    [KD_CKA_TEACHER_TEACHER] = { KD_TEACHER, KD_TEACHER },
  };
  *rows = table[pair][0];
  *cols = table[pair][1];
}

static KdStatus
compare_pairs (KdCkaModel *const *models, KdCkaResult *res)
{
  KdStatus st = KD_OK;
  for (int p = 0; p < KD_CKA_N_PAIRS && st == KD_OK; p++)
    {
      KdModelId a, b;
      kd_cka_pair_models (p, &a, &b);
      if (!models[a] || !models[b])
        continue;
      res->cka[p] = malloc ((size_t)res->n_layers[a] * res->n_layers[b] * sizeof (double));
      st = res->cka[p] ? kd_cka_matrix (models[a], models[b], res->cka[p]) : KD_ERR_NOMEM;
    }
  return st;
}

KdStatus
kd_cka_compare (KdNet *const *nets,
                const KdDataset *ds,
                const int32_t *idx,
                int n,
                size_t cache_bytes,
                atomic_int *cancel,
                KdCkaResult **out)
{
  if (!nets || !out)
    return KD_ERR_INVALID;
  *out = NULL;
  KdCkaResult *res = calloc (1, sizeof *res);
  KdCkaModel *models[KD_N_MODELS] = { NULL };
  KdStatus st = res ? KD_OK : KD_ERR_NOMEM;
  for (int i = 0; i < KD_N_MODELS && st == KD_OK; i++)
    {
      if (!nets[i])
        continue;
      st = kd_cka_model_new (nets[i], ds, idx, n, cache_bytes, cancel, &models[i]);
      if (st != KD_OK)
        break;
      res->n_layers[i] = models[i]->n_layers;
      memcpy (res->layers[i], models[i]->layers, sizeof res->layers[i]);
    }
  if (st == KD_OK)
    {
      res->n_samples = n;
      st = compare_pairs (models, res);
    }
  for (int i = 0; i < KD_N_MODELS; i++)
    kd_cka_model_free (models[i]);
  if (st != KD_OK)
    {
      kd_cka_result_free (res);
      return st;
    }
  *out = res;
  return KD_OK;
}

void
kd_cka_result_free (KdCkaResult *result)
{
  if (!result)
    return;
  for (int p = 0; p < KD_CKA_N_PAIRS; p++)
    free (result->cka[p]);
  free (result);
}

/* ---- direct reference -------------------------------------------------------------------- */

static double *
centred_copy (const float *x, int n, int d)
{
  double *c = malloc ((size_t)n * d * sizeof (double));
  if (!c)
    return NULL;
  for (int j = 0; j < d; j++)
    {
      double s = 0.0;
      for (int i = 0; i < n; i++)
        s += x[(size_t)i * d + j];
      for (int i = 0; i < n; i++)
        c[(size_t)i * d + j] = x[(size_t)i * d + j] - s / n;
    }
  return c;
}

/* ||a^T b||_F^2 for a (n, da), b (n, db), in double. */
static double
cross_norm2 (const double *a, int da, const double *b, int db, int n)
{
  double *c = calloc ((size_t)da * db, sizeof (double));
  double sum = 0.0;
  if (!c)
    return NAN;
  for (int s = 0; s < n; s++)
    for (int i = 0; i < da; i++)
      {
        double ai = a[(size_t)s * da + i];
        for (int j = 0; j < db; j++)
          c[(size_t)i * db + j] += ai * b[(size_t)s * db + j];
      }
  for (size_t i = 0; i < (size_t)da * db; i++)
    sum += c[i] * c[i];
  free (c);
  return sum;
}

/* k (n, n) = a a^T for a (n, d), in double. */
static double *
gram (const double *a, int d, int n)
{
  double *k = malloc ((size_t)n * n * sizeof (double));
  if (!k)
    return NULL;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      {
        double s = 0.0;
        for (int p = 0; p < d; p++)
          s += a[(size_t)i * d + p] * a[(size_t)j * d + p];
        k[(size_t)i * n + j] = s;
      }
  return k;
}

static double
frobenius_dot (const double *a, const double *b, size_t len)
{
  double s = 0.0;
  for (size_t i = 0; i < len; i++)
    s += a[i] * b[i];
  return s;
}

static KdStatus
cka_direct (const double *xc, int dx, const double *yc, int dy, int n, double *cka)
{
  double dxy = (double)dx * dy, cost_features = dxy + (double)dx * dx + (double)dy * dy;
  if (cost_features <= (double)n * (dx + dy))
    {
      double xy = cross_norm2 (xc, dx, yc, dy, n);
      double xx = cross_norm2 (xc, dx, xc, dx, n), yy = cross_norm2 (yc, dy, yc, dy, n);
      if (isnan (xy) || isnan (xx) || isnan (yy))
        return KD_ERR_NOMEM;
      *cka = cka_ratio (xy, xx, yy);
      return KD_OK;
    }
  double *kx = gram (xc, dx, n), *ky = gram (yc, dy, n);
  KdStatus st = kx && ky ? KD_OK : KD_ERR_NOMEM;
  size_t nn = (size_t)n * n;
  if (st == KD_OK)
    *cka = cka_ratio (frobenius_dot (kx, ky, nn), frobenius_dot (kx, kx, nn),
                      frobenius_dot (ky, ky, nn));
  free (kx);
  free (ky);
  return st;
}

KdStatus
kd_cka_linear (const float *x, int dx, const float *y, int dy, int n, double *cka)
{
  if (!x || !y || !cka || dx < 1 || dy < 1 || n < 2)
    return KD_ERR_INVALID;
  double *xc = centred_copy (x, n, dx), *yc = centred_copy (y, n, dy);
  KdStatus st = xc && yc ? cka_direct (xc, dx, yc, dy, n, cka) : KD_ERR_NOMEM;
  free (xc);
  free (yc);
  return st;
}
