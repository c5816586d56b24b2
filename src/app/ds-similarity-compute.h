/* ds-similarity-compute.h — the Soft labels page's class-similarity matrices, run by DsAnalysis
 * in a worker thread so that a temperature slider move only waits for the bars.
 *
 * The matrices need a softmax of every test sample of the three models at the slider's
 * temperature. The test logits are copied once per result into a shared, immutable
 * DsSimilarityLogits, so each job reads them without holding on to a DsTestResult (which the
 * main thread frees when the next snapshot's arrives).
 */
#pragma once

#include "ds-analysis.h"
#include "ds-test-outputs.h"
#include "kd_softlabels.h"

G_BEGIN_DECLS

typedef struct _DsSimilarityLogits DsSimilarityLogits;

/* A copy of r's logits and test labels. */
DsSimilarityLogits *ds_similarity_logits_new (const DsTestResult *r);
DsSimilarityLogits *ds_similarity_logits_ref (DsSimilarityLogits *logits);
void ds_similarity_logits_unref (DsSimilarityLogits *logits);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsSimilarityLogits, ds_similarity_logits_unref)

typedef struct
{
  DsSimilarityLogits *logits;
  guint generation; /* the caller's tag of logits, handed back in the result */
  float temperature;
} DsSimilarityInput;

typedef struct
{
  guint generation;
  float temperature; /* the matrices are at this T, whatever the slider says now */
  int K;
  double *sim[KD_N_MODELS];         /* (K, K) mean soft label per true class */
  KdSimilarityDistance distance[2]; /* of the distilled and the baseline student's to the
                                     * teacher's */
  gboolean distance_ok[2];
} DsSimilarityResult;

/* Takes a reference to logits. */
DsSimilarityInput *
ds_similarity_input_new (DsSimilarityLogits *logits, guint generation, float temperature);
void ds_similarity_input_free (gpointer input);

/* A DsAnalysisFunc: a DsSimilarityResult from a DsSimilarityInput. */
gpointer ds_similarity_compute (gconstpointer input, DsAnalysisJob *job, GError **error);
void ds_similarity_result_free (gpointer result);

G_END_DECLS
