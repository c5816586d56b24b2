/* ds-activations-compute.c — activations, CKA, PCA and layer pairs off the main thread. */
#include "config.h"

#include <glib/gi18n.h>

#include "ds-activations-compute.h"
#include "ds-format.h"
#include "kd_eval.h"
#include "kd_pca.h"

/* Samples per forward pass of the streamed analyses. */
#define STREAM_BATCH 128

/* ---- one sample ----------------------------------------------------------------------------- */

void
ds_activations_input_free (gpointer input)
{
  DsActivationsInput *in = input;

  g_clear_pointer (&in->source, ds_net_source_unref);
  g_free (in);
}

void
ds_activations_result_free (gpointer result)
{
  DsActivationsResult *r = result;

  for (int m = 0; m < KD_N_MODELS; m++)
    g_free (r->models[m].values);
  g_free (r);
}

static gboolean
model_activations (const DsActivationsInput *in,
                   KdModelId id,
                   DsModelActivations *out,
                   DsAnalysisJob *job,
                   GError **error)
{
  const KdDataset *test = in->source->data->test;
  KdNet *net = ds_net_source_build_net (in->source, id, 1, error);
  KdStatus st;

  if (net == NULL)
    return FALSE;
  st = kd_activations_layers (net, KD_ACT_REPRESENTATIONS, out->layers, &out->n_layers);
  if (st == KD_OK)
    {
      out->values = g_new (float, kd_activations_sample_size (out->layers, out->n_layers));
      st = kd_activations_sample (net, test, in->sample, out->layers, out->n_layers, out->values);
    }
  /* The logits are the last layer's output of that same forward pass. */
  if (st == KD_OK)
    out->predicted = kd_argmax (net->acts[net->n_layers], net->n_classes);
  kd_net_free (net);
  return ds_job_check_status (st, ds_model_title (id), job, error);
}

gpointer
ds_activations_compute (gconstpointer input, DsAnalysisJob *job, GError **error)
{
  const DsActivationsInput *in = input;
  DsActivationsResult *r = g_new0 (DsActivationsResult, 1);

  r->sample = in->sample;
  for (int m = 0; m < KD_N_MODELS; m++)
    if (!model_activations (in, m, &r->models[m], job, error))
      {
        ds_activations_result_free (r);
        return NULL;
      }
  return r;
}

/* ---- CKA ------------------------------------------------------------------------------------ */

void
ds_samples_input_free (gpointer input)
{
  DsSamplesInput *in = input;

  g_clear_pointer (&in->source, ds_net_source_unref);
  g_free (in);
}

void
ds_cka_result_free (gpointer result)
{
  DsCkaResult *r = result;

  for (int p = 0; p < KD_CKA_N_PAIRS; p++)
    g_free (r->values[p]);
  for (int m = 0; m < KD_N_MODELS; m++)
    g_free (r->layer_names[m]);
  g_clear_pointer (&r->cka, kd_cka_result_free);
  g_free (r);
}

static void
cka_to_float (DsCkaResult *r)
{
  for (int p = 0; p < KD_CKA_N_PAIRS; p++)
    {
      KdModelId rows, cols;
      int n;

      kd_cka_pair_models (p, &rows, &cols);
      if (r->cka->cka[p] == NULL)
        continue;
      n = r->cka->n_layers[rows] * r->cka->n_layers[cols];
      r->values[p] = g_new (float, n);
      for (int i = 0; i < n; i++)
        r->values[p][i] = (float)r->cka->cka[p][i];
    }
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      r->layer_names[m] = g_new0 (const char *, r->cka->n_layers[m] + 1);
      for (int i = 0; i < r->cka->n_layers[m]; i++)
        r->layer_names[m][i] = r->cka->layers[m][i].name;
    }
}

gpointer
ds_cka_compute (gconstpointer input, DsAnalysisJob *job, GError **error)
{
  const DsSamplesInput *in = input;
  const KdDataset *test = in->source->data->test;
  int n = CLAMP (in->n_samples, 2, test->n);
  g_autofree int32_t *idx = g_new (int32_t, n);
  KdNet *nets[KD_N_MODELS];
  DsCkaResult *r = g_new0 (DsCkaResult, 1);
  KdStatus st;

  if (!ds_net_source_build_nets (in->source, STREAM_BATCH, nets, error))
    {
      g_free (r);
      return NULL;
    }
  ds_spread_indices (test->n, n, idx);
  ds_analysis_job_progress (job, 0.05);
  /* Cancelling sets the flag kd_cka_compare polls between batches. */
  st = kd_cka_compare (nets, test, idx, n, 0, ds_analysis_job_cancel_flag (job), &r->cka);
  ds_net_source_free_nets (nets);
  if (!ds_job_check_status (st, _ ("Linear CKA"), job, error))
    {
      ds_cka_result_free (r);
      return NULL;
    }
  cka_to_float (r);
  return r;
}

/* ---- PCA ------------------------------------------------------------------------------------ */

void
ds_pca_result_free (gpointer result)
{
  DsPcaResult *r = result;

  g_free (r->indices);
  g_free (r->labels);
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      g_free (r->predicted[m]);
      g_free (r->coords[m]);
    }
  g_free (r);
}

/* predicted (n) = the net's top class for the selected samples. */
static void
predict_samples (KdNet *net, const KdDataset *ds, const int32_t *idx, int n, uint8_t *predicted)
{
  g_autofree float *x = g_new (float, (gsize)net->max_batch *kd_net_in_dim (net));

  for (int start = 0; start < n; start += net->max_batch)
    {
      int b = MIN (net->max_batch, n - start);
      const float *logits;

      kd_dataset_fill_batch (ds, idx + start, b, x, NULL);
      logits = kd_net_forward (net, x, b);
      for (int i = 0; i < b; i++)
        predicted[start + i]
            = (uint8_t)kd_argmax (logits + (gsize)i * net->n_classes, net->n_classes);
    }
}

static gboolean
pca_model (
    const DsSamplesInput *in, DsPcaResult *r, KdModelId m, DsAnalysisJob *job, GError **error)
{
  const KdDataset *test = in->source->data->test;
  KdNet *net = ds_net_source_build_net (in->source, m, STREAM_BATCH, error);
  KdRepLayer layer;
  KdStatus st;

  if (net == NULL)
    return FALSE;
  r->coords[m] = g_new (float, (gsize)r->n * 2);
  r->predicted[m] = g_new (uint8_t, r->n);
  st = kd_pca_net (net, test, r->indices, r->n, 2, r->coords[m], r->ratio[m], r->labels, &layer,
                   ds_analysis_job_cancel_flag (job));
  if (st == KD_OK)
    {
      g_strlcpy (r->layer[m], layer.name, sizeof r->layer[m]);
      predict_samples (net, test, r->indices, r->n, r->predicted[m]);
    }
  kd_net_free (net);
  return ds_job_check_status (st, _ ("PCA"), job, error);
}

gpointer
ds_pca_compute (gconstpointer input, DsAnalysisJob *job, GError **error)
{
  const DsSamplesInput *in = input;
  const KdDataset *test = in->source->data->test;
  DsPcaResult *r = g_new0 (DsPcaResult, 1);

  r->n = CLAMP (in->n_samples, 2, test->n);
  r->indices = g_new (int32_t, r->n);
  r->labels = g_new (uint8_t, r->n);
  ds_spread_indices (test->n, r->n, r->indices);
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      if (!pca_model (in, r, m, job, error))
        {
          ds_pca_result_free (r);
          return NULL;
        }
      ds_analysis_job_progress (job, (m + 1) / 3.0);
    }
  return r;
}

/* ---- one pair of layers ----------------------------------------------------------------------
 */

void
ds_pair_input_free (gpointer input)
{
  DsPairInput *in = input;

  g_clear_pointer (&in->source, ds_net_source_unref);
  g_free (in);
}

void
ds_pair_result_free (gpointer result)
{
  DsPairResult *r = result;

  g_free (r->indices);
  g_free (r->labels);
  g_free (r->coords[0]);
  g_free (r->coords[1]);
  g_free (r);
}

/* coords (n, 1) in place to (n, 2) with a zero PC2. */
static void
spread_single_component (float *coords, int n, double *ratio)
{
  for (int i = n - 1; i >= 0; i--)
    {
      coords[2 * i] = coords[i];
      coords[2 * i + 1] = 0.0f;
    }
  ratio[1] = 0.0;
}

/* PCA of one representation layer of one model on the samples idx (r->n). */
static gboolean
pair_side (const DsPairInput *in,
           const int32_t *idx,
           int side,
           DsPairResult *r,
           DsAnalysisJob *job,
           GError **error)
{
  const KdDataset *test = in->source->data->test;
  KdNet *net = ds_net_source_build_net (in->source, in->model[side], STREAM_BATCH, error);
  KdRepLayer layers[KD_ACT_MAX_LAYERS];
  g_autofree float *acts = NULL;
  int n_layers = 0;
  KdStatus st;

  if (net == NULL)
    return FALSE;
  st = kd_activations_layers (net, KD_ACT_REPRESENTATIONS, layers, &n_layers);
  if (st == KD_OK && (in->layer[side] < 0 || in->layer[side] >= n_layers))
    st = KD_ERR_INVALID;
  if (st == KD_OK)
    {
      const KdRepLayer *layer = &layers[in->layer[side]];

      g_strlcpy (r->layer[side], layer->name, sizeof r->layer[side]);
      acts = g_try_new (float, (gsize)r->n * layer->dim);
      st = acts == NULL ? KD_ERR_NOMEM
                        : kd_activations_capture (net, test, idx, r->n, layer, acts, r->labels,
                                                  ds_analysis_job_cancel_flag (job));
      if (st == KD_OK)
        st = kd_pca (acts, r->n, (int)layer->dim, MIN (2, (int)layer->dim), r->coords[side],
                     r->ratio[side], NULL);
      if (st == KD_OK && layer->dim == 1)
        spread_single_component (r->coords[side], r->n, r->ratio[side]);
    }
  kd_net_free (net);
  return ds_job_check_status (st, ds_model_title (in->model[side]), job, error);
}

gpointer
ds_pair_compute (gconstpointer input, DsAnalysisJob *job, GError **error)
{
  const DsPairInput *in = input;
  const KdDataset *test = in->source->data->test;
  DsPairResult *r = g_new0 (DsPairResult, 1);

  r->n = CLAMP (in->n_samples, 2, test->n);
  r->indices = g_new (int32_t, r->n);
  ds_spread_indices (test->n, r->n, r->indices);
  r->labels = g_new (uint8_t, r->n);
  for (int side = 0; side < 2; side++)
    {
      /* Zeros as the second coordinate of a one-unit layer. */
      r->coords[side] = g_new0 (float, (gsize)r->n * 2);
      if (!pair_side (in, r->indices, side, r, job, error))
        {
          ds_pair_result_free (r);
          return NULL;
        }
      ds_analysis_job_progress (job, (side + 1) / 2.0);
    }
  return r;
}
