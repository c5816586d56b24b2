/* ds-similarity-compute.c — class-similarity matrices at one temperature, off the main thread. */
#include "config.h"

#include <glib/gi18n.h>

#include "ds-similarity-compute.h"

struct _DsSimilarityLogits
{
  int n, K;
  float *logits[KD_N_MODELS]; /* (n, K) */
  uint8_t *labels;            /* (n) */
};

static void
logits_clear (DsSimilarityLogits *self)
{
  for (int m = 0; m < KD_N_MODELS; m++)
    g_free (self->logits[m]);
  g_free (self->labels);
}

DsSimilarityLogits *
ds_similarity_logits_new (const DsTestResult *r)
{
  DsSimilarityLogits *self = g_atomic_rc_box_new0 (DsSimilarityLogits);
  gsize nK = (gsize)r->n * r->K;

  self->n = r->n;
  self->K = r->K;
  for (int m = 0; m < KD_N_MODELS; m++)
    self->logits[m] = g_memdup2 (r->logits[m], nK * sizeof (float));
  self->labels = g_memdup2 (r->data->test->labels, (gsize)r->n * sizeof (uint8_t));
  return self;
}

DsSimilarityLogits *
ds_similarity_logits_ref (DsSimilarityLogits *logits)
{
  return g_atomic_rc_box_acquire (logits);
}

void
ds_similarity_logits_unref (DsSimilarityLogits *logits)
{
  g_atomic_rc_box_release_full (logits, (GDestroyNotify)logits_clear);
}

DsSimilarityInput *
ds_similarity_input_new (DsSimilarityLogits *logits, guint generation, float temperature)
{
  DsSimilarityInput *input = g_new0 (DsSimilarityInput, 1);

  input->logits = ds_similarity_logits_ref (logits);
  input->generation = generation;
  input->temperature = temperature;
  return input;
}

void
ds_similarity_input_free (gpointer input)
{
  DsSimilarityInput *in = input;

  ds_similarity_logits_unref (in->logits);
  g_free (in);
}

void
ds_similarity_result_free (gpointer result)
{
  DsSimilarityResult *r = result;

  for (int m = 0; m < KD_N_MODELS; m++)
    g_free (r->sim[m]);
  g_free (r);
}

gpointer
ds_similarity_compute (gconstpointer input, DsAnalysisJob *job, GError **error)
{
  const DsSimilarityInput *in = input;
  const DsSimilarityLogits *z = in->logits;
  DsSimilarityResult *r = g_new0 (DsSimilarityResult, 1);

  r->generation = in->generation;
  r->temperature = in->temperature;
  r->K = z->K;
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      /* A newer temperature is wanted: this one would never be shown. */
      if (ds_analysis_job_cancelled (job))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
          ds_similarity_result_free (r);
          return NULL;
        }
      r->sim[m] = g_new0 (double, (gsize)z->K * z->K);
      if (kd_class_similarity (z->logits[m], z->labels, z->n, z->K, r->temperature, r->sim[m], NULL)
          != KD_OK)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               _ ("The class similarity cannot be computed from these outputs"));
          ds_similarity_result_free (r);
          return NULL;
        }
    }
  for (int i = 0; i < 2; i++)
    r->distance_ok[i] = kd_class_similarity_distance (r->sim[KD_TEACHER], r->sim[KD_STUDENT + i],
                                                      r->K, &r->distance[i])
                        == KD_OK;
  return r;
}
