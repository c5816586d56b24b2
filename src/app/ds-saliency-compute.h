/* ds-saliency-compute.h — the Saliency page's analyses, run by DsAnalysis in worker threads:
 * one sample's maps and their agreement, agreement over many samples, the randomisation
 * sanity check, and decision boundaries on 2-D data.
 *
 * Inputs hold a DsNetSource and build their own networks from it, so they never touch weights
 * another thread trains. Every result is immutable once returned.
 */
#pragma once

#include "ds-analysis.h"
#include "ds-net-source.h"
#include "kd_boundary.h"
#include "kd_mapstats.h"
#include "kd_saliency.h"

G_BEGIN_DECLS

/* Which class's logit every model explains. */
typedef enum
{
  DS_TARGET_LABEL,     /* the sample's true label */
  DS_TARGET_PREDICTED, /* each model's own prediction */
  DS_TARGET_TEACHER,   /* the teacher's prediction, for all three */
} DsTarget;

typedef struct
{
  KdSaliencyMethod method;
  DsTarget target;
  int ig_steps;
  KdBaselineKind ig_baseline;
  int smooth_n;
  double smooth_sigma; /* fraction of the input range */
  double topk;         /* the share of pixels compared by top-k IoU, in (0, 1] */
} DsSaliencyParams;

void ds_saliency_params_init (DsSaliencyParams *params);
/* The parameters that change a map of `method`, for cache keys. */
char *ds_saliency_params_key (const DsSaliencyParams *params, KdSaliencyMethod method);
/* "Gradient", "Gradient × input", "SmoothGrad", "Integrated gradients" (translated). */
const char *ds_saliency_method_title (KdSaliencyMethod method);

/* ---- one sample ------------------------------------------------------------------------- */

typedef struct
{
  DsNetSource *source;
  int sample; /* test-set index */
  DsSaliencyParams params;
} DsSampleInput;

typedef struct
{
  int sample, label;
  int c, h, w;
  gsize dim;
  float *input;             /* (c, h, w) normalised */
  float *maps[KD_N_MODELS]; /* (c, h, w) per model */
  KdSaliencyInfo info[KD_N_MODELS];
  int predicted[KD_N_MODELS];
  KdMapAgreement teacher_student; /* of |maps| */
  KdMapAgreement teacher_baseline;
  KdMapAgreement student_baseline;
} DsSaliencyMaps;

gpointer ds_saliency_maps_compute (gconstpointer input, DsAnalysisJob *job, GError **error);
void ds_saliency_maps_free (gpointer maps);

/* The sanity check of one model on one sample, for all four methods. */
typedef struct
{
  int n_stages;
  char **stage_names;                 /* (n_stages + 1), NULL-terminated */
  double *rho[KD_SALIENCY_N_METHODS]; /* (n_stages) Spearman of |map| with the original */
} DsSanityResult;

typedef struct
{
  DsNetSource *source;
  int sample;
  KdModelId model;
  DsSaliencyParams params;
} DsSanityInput;

gpointer ds_sanity_compute (gconstpointer input, DsAnalysisJob *job, GError **error);
void ds_sanity_result_free (gpointer result);

void ds_sample_input_free (gpointer input);
void ds_sanity_input_free (gpointer input);

/* ---- many samples ----------------------------------------------------------------------- */

typedef enum
{
  DS_SCORE_SPEARMAN,
  DS_SCORE_TOPK_IOU,
  DS_SCORE_COSINE,
  DS_N_SCORES,
} DsScore;

typedef struct
{
  DsNetSource *source;
  int n_samples;
  DsSaliencyParams params;
} DsAgreementInput;

typedef struct
{
  int n;
  int32_t *indices;                /* (n) the test samples used */
  double *vs_student[DS_N_SCORES]; /* (n) teacher's map against the distilled student's */
  double *vs_baseline[DS_N_SCORES];
  KdCloserShare closer; /* cosine of |maps|, Ojha et al. */
} DsAgreementResult;

gpointer ds_agreement_compute (gconstpointer input, DsAnalysisJob *job, GError **error);
void ds_agreement_input_free (gpointer input);
void ds_agreement_result_free (gpointer result);

/* ---- 2-D data ----------------------------------------------------------------------------- */

typedef struct
{
  DsNetSource *source;
  int res, field_res;
} DsBoundaryInput;

typedef struct
{
  KdBounds bounds;
  int res, field_res, n_classes;
  float *probs[KD_N_MODELS]; /* (res, res, K) */
  float *field[KD_N_MODELS]; /* (field_res, field_res, 2), gradient of p_max */
  int n_points;
  float *points; /* (n_points, 2) training points */
  uint8_t *labels;
  double accuracy[KD_N_MODELS]; /* on the test set */
} DsBoundaryResult;

gpointer ds_boundary_compute (gconstpointer input, DsAnalysisJob *job, GError **error);
void ds_boundary_input_free (gpointer input);
void ds_boundary_result_free (gpointer result);

G_END_DECLS
