/* kd_toy.c — built-in 2-D datasets, deterministic for a seed.
 *
 * Each generator draws sample i of class k from one RNG stream in class order, so a seed
 * fixes every point; the samples are then shuffled with the same stream so that a prefix
 * (kd_dataset_head) keeps the classes balanced. Features stay roughly within [-1.5, 1.5],
 * the scale the networks' default initialisation expects.
 */
#include "kd_toy.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "kd_rng.h"

#define TWO_PI 6.28318530717958647692f

typedef void (*ToyPointFunc) (KdRng *rng, int k, int n_classes, float noise, float *x, float *y);

static void
toy_spiral (KdRng *rng, int k, int n_classes, float noise, float *x, float *y)
{
  /* One and a quarter turns per arm; jitter grows a little with the radius, as in the
   * classic CS231n spirals, so the centre stays readable. */
  float t = kd_rng_uniform (rng);
  float r = 0.15f + 1.25f * t;
  float a = TWO_PI * (1.25f * t + (float)k / n_classes);
  float s = noise * (0.25f + 0.5f * t);
  *x = r * cosf (a) + s * kd_rng_normal (rng);
  *y = r * sinf (a) + s * kd_rng_normal (rng);
}

static void
toy_moon (KdRng *rng, int k, int n_classes, float noise, float *x, float *y)
{
  /* Two classes give scikit-learn's interleaved half-moons (centred); more classes rotate
   * that pair's geometry around the origin so each arc hooks into its neighbour. */
  float d = TWO_PI * 0.25f + TWO_PI * k / n_classes; /* direction of the arc's bulge */
  float dx = cosf (d), dy = sinf (d);
  float cx = -0.25f * dx - 0.5f * dy, cy = -0.25f * dy + 0.5f * dx;
  float a = d - TWO_PI * 0.25f + 0.5f * TWO_PI * kd_rng_uniform (rng);
  *x = 0.85f * (cx + cosf (a)) + noise * kd_rng_normal (rng);
  *y = 0.85f * (cy + sinf (a)) + noise * kd_rng_normal (rng);
}

static void
toy_blob (KdRng *rng, int k, int n_classes, float noise, float *x, float *y)
{
  /* A blob is never a single point: noise widens a base spread. */
  float a = TWO_PI * k / n_classes + 0.5f;
  float s = 0.1f + noise;
  *x = 0.85f * cosf (a) + s * kd_rng_normal (rng);
  *y = 0.85f * sinf (a) + s * kd_rng_normal (rng);
}

static void
toy_xor (KdRng *rng, int k, int n_classes, float noise, float *x, float *y)
{
  /* Class 0: both coordinates of one sign; class 1: opposite signs. The quadrant is drawn,
   * not the label, so the classes stay exactly balanced. */
  float sx = kd_rng_below (rng, 2) ? 1.0f : -1.0f;
  float sy = k == 0 ? sx : -sx;
  *x = sx * (0.05f + 0.95f * kd_rng_uniform (rng)) + noise * kd_rng_normal (rng);
  *y = sy * (0.05f + 0.95f * kd_rng_uniform (rng)) + noise * kd_rng_normal (rng);
}

static void
toy_ring (KdRng *rng, int k, int n_classes, float noise, float *x, float *y)
{
  float r = 0.2f + 1.0f * k / (n_classes - 1);
  float a = TWO_PI * kd_rng_uniform (rng);
  *x = r * cosf (a) + noise * kd_rng_normal (rng);
  *y = r * sinf (a) + noise * kd_rng_normal (rng);
}

static const struct
{
  const char *name;
  const char *class_prefix;
  ToyPointFunc point;
} toy_kinds[] = {
  [KD_TOY_SPIRALS] = { "spirals", "arm", toy_spiral },
  [KD_TOY_MOONS] = { "moons", "moon", toy_moon },
  [KD_TOY_BLOBS] = { "blobs", "blob", toy_blob },
  [KD_TOY_XOR] = { "xor", NULL, toy_xor },
  [KD_TOY_RINGS] = { "rings", "ring", toy_ring },
};

const char *
kd_toy_name (KdToyKind kind)
{
  if ((unsigned)kind >= G_N_ELEMENTS (toy_kinds))
    return NULL;
  return toy_kinds[kind].name;
}

static void
toy_name_classes (KdDataset *ds, KdToyKind kind)
{
  if (kind == KD_TOY_XOR)
    {
      snprintf (ds->class_names[0], KD_CLASS_NAME_LEN, "same sign");
      snprintf (ds->class_names[1], KD_CLASS_NAME_LEN, "opposite signs");
      return;
    }
  for (int k = 0; k < ds->n_classes; k++)
    snprintf (ds->class_names[k], KD_CLASS_NAME_LEN, "%s %d", toy_kinds[kind].class_prefix, k + 1);
}

KdDataset *
kd_toy_generate (KdToyKind kind, int n, int n_classes, float noise, uint64_t seed)
{
  if ((unsigned)kind >= G_N_ELEMENTS (toy_kinds) || n < 1 || n_classes < 2 || n_classes > 10
      || !(noise >= 0.0f) || !isfinite (noise))
    return NULL;
  if (kind == KD_TOY_XOR)
    n_classes = 2;
  KdDataset *ds = kd_dataset_new (n, 1, 1, 2, n_classes, 0);
  KdRng rng;
  kd_rng_seed (&rng, seed);
  int32_t *order = ds ? kd_rng_permutation (&rng, (size_t)n) : NULL;
  if (!ds || !order)
    {
      kd_dataset_free (ds);
      free (order);
      return NULL;
    }
  /* Sample i is of class i mod n_classes and lands at a shuffled position. */
  for (int i = 0; i < n; i++)
    {
      int k = i % n_classes, j = order[i];
      toy_kinds[kind].point (&rng, k, n_classes, noise, &ds->features[2 * j],
                             &ds->features[2 * j + 1]);
      ds->labels[j] = (uint8_t)k;
    }
  free (order);
  snprintf (ds->name, sizeof ds->name, "%s", toy_kinds[kind].name);
  toy_name_classes (ds, kind);
  return ds;
}
