#include "kd_dataset.h"

#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

KdDataset *
kd_dataset_new (int n, int c, int h, int w, int n_classes, int use_pixels)
{
  if (n < 0 || c < 1 || h < 1 || w < 1 || n_classes < 1 || n_classes > KD_MAX_CLASSES)
    return NULL;
  KdDataset *ds = calloc (1, sizeof *ds);
  if (!ds)
    return NULL;
  ds->n = n;
  ds->c = c;
  ds->h = h;
  ds->w = w;
  ds->n_classes = n_classes;
  ds->mean = 0.0f;
  ds->std = 1.0f;
  size_t count = (size_t)n * c * h * w;
  if (use_pixels)
    ds->pixels = calloc (count ? count : 1, 1);
  else
    ds->features = calloc (count ? count : 1, sizeof (float));
  ds->labels = calloc (n ? n : 1, 1);
  if ((use_pixels ? (void *)ds->pixels : (void *)ds->features) == NULL || !ds->labels)
    {
      kd_dataset_free (ds);
      return NULL;
    }
  for (int k = 0; k < n_classes; k++)
    snprintf (ds->class_names[k], KD_CLASS_NAME_LEN, "%d", k);
  return ds;
}

void
kd_dataset_free (KdDataset *ds)
{
  if (!ds)
    return;
  free (ds->pixels);
  free (ds->features);
  free (ds->labels);
  free (ds);
}

void
kd_dataset_fill_batch (const KdDataset *ds, const int32_t *idx, int b, float *out, uint8_t *labels)
{
  size_t dim = kd_dataset_dim (ds);
  if (ds->pixels)
    {
      /* x = (p / 255 - mean) / std folded into one multiply-add per pixel. */
      float scale = 1.0f / (255.0f * ds->std);
      float shift = -ds->mean / ds->std;
      for (int i = 0; i < b; i++)
        {
          const uint8_t *src = ds->pixels + (size_t)idx[i] * dim;
          float *dst = out + (size_t)i * dim;
          for (size_t j = 0; j < dim; j++)
            dst[j] = (float)src[j] * scale + shift;
        }
    }
  else
    {
      for (int i = 0; i < b; i++)
        memcpy (out + (size_t)i * dim, ds->features + (size_t)idx[i] * dim, dim * sizeof (float));
    }
  if (labels)
    for (int i = 0; i < b; i++)
      labels[i] = ds->labels[idx[i]];
}

KdDataset *
kd_dataset_head (const KdDataset *ds, int limit)
{
  int n = (limit <= 0 || limit >= ds->n) ? ds->n : limit;
  KdDataset *out = kd_dataset_new (n, ds->c, ds->h, ds->w, ds->n_classes, ds->pixels != NULL);
  if (!out)
    return NULL;
  size_t dim = kd_dataset_dim (ds);
  if (ds->pixels)
    memcpy (out->pixels, ds->pixels, (size_t)n * dim);
  else
    memcpy (out->features, ds->features, (size_t)n * dim * sizeof (float));
  memcpy (out->labels, ds->labels, (size_t)n);
  out->mean = ds->mean;
  out->std = ds->std;
  memcpy (out->name, ds->name, sizeof out->name);
  memcpy (out->class_names, ds->class_names, sizeof out->class_names);
  return out;
}

void
kd_dataset_compute_norm (KdDataset *ds)
{
  if (!ds->pixels || ds->n == 0)
    return;
  size_t count = (size_t)ds->n * kd_dataset_dim (ds);
  double sum = 0.0, sum2 = 0.0;
  for (size_t i = 0; i < count; i++)
    {
      double x = ds->pixels[i] / 255.0;
      sum += x;
      sum2 += x * x;
    }
  double mean = sum / count;
  double var = sum2 / count - mean * mean;
  ds->mean = (float)mean;
  /* A constant image set would give std 0; keep the scale finite. */
  ds->std = var > 1e-12 ? (float)sqrt (var) : 1.0f;
}

KdStatus
kd_dataset_validate (const KdDataset *ds, int *bad_index)
{
  for (int i = 0; i < ds->n; i++)
    if (ds->labels[i] >= ds->n_classes)
      {
        if (bad_index)
          *bad_index = i;
        return KD_ERR_INVALID;
      }
  if (ds->features)
    {
      size_t dim = kd_dataset_dim (ds);
      for (size_t i = 0; i < (size_t)ds->n * dim; i++)
        if (!isfinite (ds->features[i]))
          {
            if (bad_index)
              *bad_index = (int)(i / dim);
            return KD_ERR_INVALID;
          }
    }
  return KD_OK;
}
