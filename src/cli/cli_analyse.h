/* cli_analyse.h — the analyse command's context, shared by its section writers. */
#pragma once

#include <json-glib/json-glib.h>

#include "cli.h"
#include "kd_session.h"

typedef struct
{
  KdSession *session;         /* the three networks (owned) */
  KdDataset *train, *test;    /* owned */
  KdNet *nets[KD_N_MODELS];   /* borrowed from session */
  float *logits[KD_N_MODELS]; /* (test->n, K) computed once, owned */
  int K;
  int sample;          /* --sample */
  int samples;         /* --samples: size of dataset-level analyses */
  float T;             /* --temperature */
  double t_min, t_max; /* display sweep */
  int t_points;
  char **methods; /* saliency methods (NULL-terminated, owned) */
  char *target;   /* true | pred | teacher */
  int ig_steps, smooth_n;
  double smooth_sigma, topk;
  char *ig_baseline; /* zeros | mean | blur */
  guint64 seed;
  char *sweep_json;       /* figure --sweep: results of `sweep --json`, owned */
  gboolean overlay;       /* figure saliency --overlay */
  gboolean per_map_scale; /* figure saliency --per-map-scale */
  float *mean_input;      /* (c, h, w) training-set mean, made on first use, owned */
} AnalyseCtx;

/* Opens the session at `session` (or trains one from `train` when NULL) with its data. */
int cli_analyse_ctx_load (AnalyseCtx *ctx, const char *session, const CliTrainArgs *train);
/* Checks --sample against the data and fills the defaults that depend on the session. */
int cli_analyse_ctx_finish (AnalyseCtx *ctx, const char *sample_text);
/* The three models' test-set logits. */
int cli_analyse_ctx_logits (AnalyseCtx *ctx);
void cli_analyse_ctx_clear (AnalyseCtx *ctx);

/* A section writer adds one top-level member's value to the builder, or fails with error. */
typedef gboolean (*AnalyseSection) (AnalyseCtx *ctx, JsonBuilder *b, GError **error);

gboolean analyse_softlabels (AnalyseCtx *ctx, JsonBuilder *b, GError **error);
gboolean analyse_similarity (AnalyseCtx *ctx, JsonBuilder *b, GError **error);
gboolean analyse_tsweep (AnalyseCtx *ctx, JsonBuilder *b, GError **error);
gboolean analyse_metrics (AnalyseCtx *ctx, JsonBuilder *b, GError **error);
gboolean analyse_saliency (AnalyseCtx *ctx, JsonBuilder *b, GError **error);
gboolean analyse_agreement (AnalyseCtx *ctx, JsonBuilder *b, GError **error);
gboolean analyse_sanity (AnalyseCtx *ctx, JsonBuilder *b, GError **error);
gboolean analyse_cka (AnalyseCtx *ctx, JsonBuilder *b, GError **error);
gboolean analyse_pca (AnalyseCtx *ctx, JsonBuilder *b, GError **error);
gboolean analyse_boundary (AnalyseCtx *ctx, JsonBuilder *b, GError **error);

/* Saliency as the options ask for it (cli_analyse_saliency.c). */
#include "kd_saliency.h"
KdSaliencyMethod cli_saliency_method (const char *name);
void
cli_saliency_config (AnalyseCtx *ctx, KdSaliencyMethod method, int index, KdSaliencyConfig *cfg);
/* x (c, h, w) = test sample `index`, normalised. */
void cli_test_input (AnalyseCtx *ctx, int index, float *x);
/* maps (3, n, dim): every model's map of the first n test samples. */
gboolean cli_saliency_dataset_maps (
    AnalyseCtx *ctx, KdSaliencyMethod method, int n, float *maps, GError **error);

/* A GError for a failed analysis, naming it (cli_analyse_soft.c). */
gboolean cli_analysis_failed (GError **error, const char *what, KdStatus st);

static inline void
cli_member (JsonBuilder *b, const char *name)
{
  json_builder_set_member_name (b, name);
}

/* JSON helpers for arrays of numbers. */
void cli_json_add_floats (JsonBuilder *b, const float *v, int n);
void cli_json_add_doubles (JsonBuilder *b, const double *v, int n);
void cli_json_add_double_matrix (JsonBuilder *b, const double *m, int rows, int cols);
void cli_json_add_int_matrix (JsonBuilder *b, const int *m, int rows, int cols);
void cli_json_add_class_names (JsonBuilder *b, const KdDataset *ds);
