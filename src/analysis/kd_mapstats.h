/* kd_mapstats.h — how much two saliency maps agree, per sample and over a dataset.
 *
 * Maps are flat float arrays of n values (any (C, H, W) map, read row-major). Scores are
 * NAN where they are undefined (a constant map has no ranks to correlate and a zero map no
 * direction), so that dataset summaries can skip such samples instead of inventing a value.
 * Non-finite map values are rejected with KD_ERR_INVALID.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "kd_status.h"

/* Spearman's rank correlation of a (n) and b (n), tied values getting their average rank;
 * with `absolute`, of |a| and |b| (importance regardless of sign, as Adebayo et al. 2018
 * compare maps). n >= 2. */
KdStatus kd_map_spearman (const float *a, const float *b, size_t n, bool absolute, double *rho);

/* Intersection over union of the top ceil(fraction * n) entries of a and of b by |value|
 * (fraction in (0, 1]). Ties at the cut are broken by the lower index, so both sets always
 * hold exactly that many entries and identical maps score 1. */
KdStatus kd_map_topk_iou (const float *a, const float *b, size_t n, double fraction, double *iou);

/* Cosine similarity of a and b (of |a| and |b| with `absolute`); NAN if either is zero. */
KdStatus kd_map_cosine (const float *a, const float *b, size_t n, bool absolute, double *cosine);

typedef struct
{
  double spearman; /* of |values| when computed with absolute, else signed */
  double topk_iou;
  double cosine;
} KdMapAgreement;

/* All three scores of a pair of maps. */
KdStatus kd_map_agreement (
    const float *a, const float *b, size_t n, double fraction, bool absolute, KdMapAgreement *out);

typedef struct
{
  size_t n;      /* finite values used */
  double mean;   /* NAN when n = 0 */
  double sd;     /* sample standard deviation (n - 1); NAN when n < 2 */
  double lo, hi; /* 95% interval of the mean; NAN when n < 2 */
} KdMeanCI;

/* Mean of values (n) with a two-sided 95% Student-t interval, mean +- t(0.975, n - 1) *
 * sd / sqrt(n): per-sample scores are few (tens of samples) and bounded, where a normal
 * interval would be too narrow. NaN values (undefined scores) are skipped. */
KdStatus kd_mean_ci95 (const double *values, size_t n, KdMeanCI *out);

/* The two-sided 97.5% quantile of Student's t with df >= 1 degrees of freedom. */
double kd_student_t975 (int df);

typedef struct
{
  size_t n;      /* samples with both similarities defined */
  double closer; /* samples where the teacher is closer to the distilled student, ties half */
  size_t ties;
  double share;  /* closer / n; 0.5 is chance; NAN when n = 0 */
  double lo, hi; /* 95% Wilson score interval of the share */
} KdCloserShare;

/* Ojha et al. (NeurIPS 2023): over n samples of d-value maps teacher, student, baseline
 * (each (n, d)), the share of samples whose teacher map has a higher cosine similarity to
 * the distilled student's map than to the baseline student's (of |values| with `absolute`).
 * Exact ties count half; samples where either similarity is undefined are left out. */
KdStatus kd_closer_share (const float *teacher,
                          const float *student,
                          const float *baseline,
                          size_t n,
                          size_t d,
                          bool absolute,
                          KdCloserShare *out);
