/* fig_agreement.h — how closely each student's saliency maps follow the teacher's: the
 * distribution of per-sample agreement, and the share of samples where the distilled student
 * is the closer one (Ojha et al. 2023). */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <stdbool.h>

#include "fig_style.h"

#define FIG_AGREEMENT_MAX_METHODS 8

/* A mean or share with its 95 % interval. Zero-initialised, known is false and the painter
 * computes it from the samples. */
typedef struct
{
  bool known;
  double value, lo, hi;
} FigEstimate;

typedef struct
{
  const char *name;          /* the saliency method: "Gradient", ... */
  int n;                     /* samples */
  const double *vs_student;  /* (n) agreement of the teacher's map with the distilled
                              * student's, per sample; NaN: undefined, left out */
  const double *vs_baseline; /* (n) ... with the baseline student's */
  /* Means with Student-t intervals, and the share of samples whose teacher map is closer to the
   * distilled student's than to the baseline's (ties half) with a Wilson interval; computed from
   * the two arrays unless known (e.g. kd_closer_share's, which compares cosine similarities). */
  FigEstimate mean_student, mean_baseline, closer;
} FigAgreementMethod;

typedef struct
{
  int n_methods; /* 1 .. FIG_AGREEMENT_MAX_METHODS */
  const FigAgreementMethod *methods;
  const char *score_label; /* the y axis: "Spearman ρ of |maps|"; NULL: "Agreement with teacher" */
  const char *title;       /* NULL for none */
} FigAgreementData;

/* Two panels sharing the methods along x: per method, violins and jittered points of the
 * per-sample agreement teacher-vs-distilled (student colour) and teacher-vs-baseline (baseline
 * colour), each with its mean and 95 % interval; beside them, the closer-to-teacher share as
 * a bar with its interval against the 50 % chance line. */
void fig_agreement_paint (
    cairo_t *cr, double width, double height, const FigAgreementData *data, const FigStyle *style);

/* method, sample, vs_student, vs_baseline: one row per sample; then, per method, a summary
 * row (sample "mean", "ci_lo", "ci_hi", "closer_share", ...). */
void fig_agreement_csv (const FigAgreementData *data, GString *out);
