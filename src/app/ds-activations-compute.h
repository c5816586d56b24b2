/* ds-activations-compute.h — the Activations page's analyses, run by DsAnalysis in worker
 * threads: one sample's activations, linear CKA between the layers of the three models, PCA of
 * their last hidden layers, and one pair of layers side by side.
 *
 * The representation layers are those of kd_activations.h (ReLU outputs, pools, logits). The
 * samples of CKA and PCA are spread evenly over the test set (ds_spread_indices).
 */
#pragma once

#include "ds-analysis.h"
#include "ds-net-source.h"
#include "kd_activations.h"
#include "kd_cka.h"

G_BEGIN_DECLS

/* ---- one sample ----------------------------------------------------------------------------- */

typedef struct
{
  DsNetSource *source;
  int sample;
} DsActivationsInput;

typedef struct
{
  int n_layers;
  KdRepLayer layers[KD_ACT_MAX_LAYERS];
  float *values; /* (kd_activations_sample_size) every layer at layers[r].offset */
  int predicted;
} DsModelActivations;

typedef struct
{
  int sample;
  DsModelActivations models[KD_N_MODELS];
} DsActivationsResult;

gpointer ds_activations_compute (gconstpointer input, DsAnalysisJob *job, GError **error);
void ds_activations_input_free (gpointer input);
void ds_activations_result_free (gpointer result);

/* ---- many samples: CKA and PCA ------------------------------------------------------------ */

typedef struct
{
  DsNetSource *source;
  int n_samples;
} DsSamplesInput;

void ds_samples_input_free (gpointer input);

typedef struct
{
  KdCkaResult *cka;
  float *values[KD_CKA_N_PAIRS];         /* the matrices in float, for heat maps */
  const char **layer_names[KD_N_MODELS]; /* (n_layers + 1) into cka->layers */
} DsCkaResult;

gpointer ds_cka_compute (gconstpointer input, DsAnalysisJob *job, GError **error);
void ds_cka_result_free (gpointer result);

typedef struct
{
  int n;
  int32_t *indices;                /* (n) test samples */
  uint8_t *labels;                 /* (n) */
  uint8_t *predicted[KD_N_MODELS]; /* (n) each model's prediction */
  float *coords[KD_N_MODELS];      /* (n, 2) PC1, PC2 of the last hidden layer */
  double ratio[KD_N_MODELS][2];
  char layer[KD_N_MODELS][KD_ACT_NAME_LEN];
} DsPcaResult;

gpointer ds_pca_compute (gconstpointer input, DsAnalysisJob *job, GError **error);
void ds_pca_result_free (gpointer result);

/* ---- one pair of layers ----------------------------------------------------------------------
 */

typedef struct
{
  DsNetSource *source;
  int n_samples;
  KdModelId model[2];
  int layer[2]; /* indices into the models' representation layers */
} DsPairInput;

typedef struct
{
  int n;
  int32_t *indices; /* (n) test samples */
  uint8_t *labels;
  float *coords[2]; /* (n, 2) PC1, PC2 of each layer */
  double ratio[2][2];
  char layer[2][KD_ACT_NAME_LEN];
} DsPairResult;

gpointer ds_pair_compute (gconstpointer input, DsAnalysisJob *job, GError **error);
void ds_pair_input_free (gpointer input);
void ds_pair_result_free (gpointer result);

G_END_DECLS
