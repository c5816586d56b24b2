/* analyse: representations — linear CKA between layers, PCA of the last hidden layer. */
#include "config.h"

#include "cli_analyse.h"
#include "kd_boundary.h"
#include "kd_cka.h"
#include "kd_json.h"
#include "kd_pca.h"

static const char *
pair_name (KdCkaPair pair)
{
  static const char *const names[KD_CKA_N_PAIRS]
      = { "teacher_student", "teacher_baseline", "student_baseline", "teacher_teacher" };
  return names[pair];
}

static void
add_layer_names (JsonBuilder *b, const KdCkaResult *r)
{
  cli_member (b, "layers");
  json_builder_begin_object (b);
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      cli_member (b, kd_model_name (m));
      json_builder_begin_array (b);
      for (int i = 0; i < r->n_layers[m]; i++)
        json_builder_add_string_value (b, r->layers[m][i].name);
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

gboolean
analyse_cka (AnalyseCtx *ctx, JsonBuilder *b, GError **error)
{
  KdCkaResult *r = NULL;
  KdStatus st = kd_cka_compare (ctx->nets, ctx->test, NULL, ctx->samples, 0, NULL, &r);
  if (st != KD_OK)
    return cli_analysis_failed (error, "CKA", st);
  json_builder_begin_object (b);
  cli_member (b, "samples");
  json_builder_add_int_value (b, r->n_samples);
  add_layer_names (b, r);
  for (int p = 0; p < KD_CKA_N_PAIRS; p++)
    {
      KdModelId rows, cols;
      kd_cka_pair_models (p, &rows, &cols);
      cli_member (b, pair_name (p));
      cli_json_add_double_matrix (b, r->cka[p], r->n_layers[rows], r->n_layers[cols]);
    }
  json_builder_end_object (b);
  kd_cka_result_free (r);
  return TRUE;
}

static gboolean
add_pca_model (AnalyseCtx *ctx, JsonBuilder *b, KdModelId m, int k, GError **error)
{
  int n = ctx->samples;
  g_autofree float *coords = g_new (float, (gsize)n *k);
  g_autofree uint8_t *labels = g_new (uint8_t, n);
  double ratio[KD_PCA_MAX_K];
  KdRepLayer layer;
  KdStatus st
      = kd_pca_net (ctx->nets[m], ctx->test, NULL, n, k, coords, ratio, labels, &layer, NULL);
  if (st != KD_OK)
    return cli_analysis_failed (error, "PCA", st);
  cli_member (b, kd_model_name (m));
  json_builder_begin_object (b);
  cli_member (b, "layer");
  json_builder_add_string_value (b, layer.name);
  cli_member (b, "explained_variance_ratio");
  cli_json_add_doubles (b, ratio, k);
  cli_member (b, "coords");
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    cli_json_add_floats (b, coords + (gsize)i * k, k);
  json_builder_end_array (b);
  cli_member (b, "labels");
  json_builder_begin_array (b);
  for (int i = 0; i < n; i++)
    json_builder_add_int_value (b, labels[i]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  return TRUE;
}

gboolean
analyse_pca (AnalyseCtx *ctx, JsonBuilder *b, GError **error)
{
  json_builder_begin_object (b);
  cli_member (b, "samples");
  json_builder_add_int_value (b, ctx->samples);
  cli_member (b, "class_names");
  cli_json_add_class_names (b, ctx->test);
  for (int k = 2; k <= 3; k++)
    {
      cli_member (b, k == 2 ? "components2" : "components3");
      json_builder_begin_object (b);
      for (int m = 0; m < KD_N_MODELS; m++)
        if (!add_pca_model (ctx, b, m, k, error))
          return FALSE;
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  return TRUE;
}

/* Decision-boundary grids, for 2-D data only. */
enum
{
  BOUNDARY_RES = 64,
  FIELD_RES = 16
};

static gboolean
add_boundary_model (
    AnalyseCtx *ctx, JsonBuilder *b, const KdBounds *bounds, KdModelId m, GError **error)
{
  int K = ctx->K;
  g_autofree float *probs = g_new (float, BOUNDARY_RES *BOUNDARY_RES *K);
  g_autofree uint8_t *classes = g_new (uint8_t, BOUNDARY_RES * BOUNDARY_RES);
  g_autofree float *field = g_new (float, FIELD_RES *FIELD_RES * 2);
  KdStatus st = kd_boundary_probs (ctx->nets[m], bounds, BOUNDARY_RES, probs, classes);
  if (st == KD_OK)
    st = kd_boundary_field (ctx->nets[m], bounds, FIELD_RES, KD_FIELD_PMAX, field);
  if (st != KD_OK)
    return cli_analysis_failed (error, "decision boundary", st);
  cli_member (b, kd_model_name (m));
  json_builder_begin_object (b);
  cli_member (b, "classes");
  json_builder_begin_array (b);
  for (int r = 0; r < BOUNDARY_RES; r++)
    {
      json_builder_begin_array (b);
      for (int c = 0; c < BOUNDARY_RES; c++)
        json_builder_add_int_value (b, classes[r * BOUNDARY_RES + c]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  cli_member (b, "probs");
  cli_json_add_floats (b, probs, BOUNDARY_RES * BOUNDARY_RES * K);
  cli_member (b, "gradient_field");
  cli_json_add_floats (b, field, FIELD_RES * FIELD_RES * 2);
  json_builder_end_object (b);
  return TRUE;
}

gboolean
analyse_boundary (AnalyseCtx *ctx, JsonBuilder *b, GError **error)
{
  if (kd_dataset_dim (ctx->test) != 2)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "decision boundaries need 2-D data; this data has %zu features",
                   kd_dataset_dim (ctx->test));
      return FALSE;
    }
  KdBounds bounds;
  kd_boundary_data_bounds (ctx->train, 0.1f, &bounds);
  json_builder_begin_object (b);
  cli_member (b, "bounds");
  json_builder_begin_array (b);
  kd_json_add_float (b, bounds.xmin);
  kd_json_add_float (b, bounds.xmax);
  kd_json_add_float (b, bounds.ymin);
  kd_json_add_float (b, bounds.ymax);
  json_builder_end_array (b);
  cli_member (b, "resolution");
  json_builder_add_int_value (b, BOUNDARY_RES);
  cli_member (b, "field_resolution");
  json_builder_add_int_value (b, FIELD_RES);
  cli_member (b, "layout");
  json_builder_add_string_value (b, "row 0 is ymin; probs (res, res, K); field (res, res, 2)");
  for (int m = 0; m < KD_N_MODELS; m++)
    if (!add_boundary_model (ctx, b, &bounds, m, error))
      return FALSE;
  json_builder_end_object (b);
  return TRUE;
}
