/* ds-test-outputs.c — whole-test-set logits of the three models, shared by the pages. */
#include "config.h"

#include <glib/gi18n.h>

#include "ds-analysis.h"
#include "ds-format.h"
#include "ds-net-source.h"
#include "ds-test-outputs.h"
#include "kd_eval.h"
#include "kd_softlabels.h"

#define EVAL_BATCH 256
#define DATA_KEY "ds-test-outputs"

struct _DsTestOutputs
{
  GObject parent_instance;

  DsExperiment *experiment; /* weak: the experiment owns this object */
  DsAnalysis *analysis;
  gboolean pending; /* a newer snapshot waits for the job in flight */
};

G_DEFINE_FINAL_TYPE (DsTestOutputs, ds_test_outputs, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PROGRESS,
  N_PROPS
};

enum
{
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* ---- the job (analysis thread) ----------------------------------------------------------- */

static void
result_free (gpointer data)
{
  DsTestResult *r = data;

  for (int m = 0; m < KD_N_MODELS; m++)
    {
      g_free (r->logits[m]);
      g_free (r->predicted[m]);
    }
  g_free (r->teacher_entropy);
  g_clear_pointer (&r->data, ds_data_unref);
  g_free (r);
}

static gboolean
eval_model (const DsNetSource *source, KdModelId m, DsTestResult *r, GError **error)
{
  const KdDataset *test = source->data->test;
  KdNet *net = ds_net_source_build_net (source, m, MIN (EVAL_BATCH, MAX (test->n, 1)), error);
  KdStatus status;

  if (net == NULL)
    return FALSE;
  r->logits[m] = g_new (float, (gsize)r->n * r->K);
  status = kd_eval_logits (net, test, r->logits[m]);
  kd_net_free (net);
  if (status != KD_OK)
    {
      ds_set_status_error (error, ds_model_title (m), status);
      return FALSE;
    }
  r->predicted[m] = g_new (int, r->n);
  for (int i = 0; i < r->n; i++)
    r->predicted[m][i] = kd_argmax (r->logits[m] + (gsize)i * r->K, r->K);
  r->accuracy[m] = kd_accuracy (r->logits[m], test->labels, r->n, r->K);
  return TRUE;
}

static gpointer
compute (gconstpointer input, DsAnalysisJob *job, GError **error)
{
  const DsNetSource *source = input;
  DsTestResult *r = g_new0 (DsTestResult, 1);

  r->serial = source->serial;
  r->data = ds_data_ref (source->data);
  r->n = source->data->test->n;
  r->K = source->shape.n_classes;
  r->temperature = source->temperature;
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      if (ds_analysis_job_cancelled (job))
        {
          /* Never shown: cancelled results are dropped. */
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
          result_free (r);
          return NULL;
        }
      if (!eval_model (source, m, r, error))
        {
          result_free (r);
          return NULL;
        }
      ds_analysis_job_progress (job, (m + 1.0) / (KD_N_MODELS + 1.0));
    }
  r->teacher_entropy = g_new (double, MAX (r->n, 1));
  kd_entropy_rows (r->logits[KD_TEACHER], r->n, r->K, 1.0f, 0, r->teacher_entropy);
  return r;
}

/* ---- requests ------------------------------------------------------------------------------ */

static void
request_current (DsTestOutputs *self)
{
  DsNetSource *source = ds_net_source_new (self->experiment);
  char key[32];

  self->pending = FALSE;
  if (source == NULL)
    {
      ds_analysis_reset (self->analysis);
      return;
    }
  g_snprintf (key, sizeof key, "%" G_GUINT64_FORMAT, source->serial);
  ds_analysis_request (self->analysis, key, source, (GDestroyNotify)ds_net_source_unref);
}

void
ds_test_outputs_update (DsTestOutputs *self)
{
  g_return_if_fail (DS_IS_TEST_OUTPUTS (self));

  if (self->experiment == NULL)
    return;
  /* Snapshots come faster than a test set is evaluated while training runs: let the job in
   * flight finish, then compute the newest snapshot. */
  if (ds_analysis_get_busy (self->analysis)
      && ds_experiment_get_state (self->experiment) == DS_RUN_STATE_RUNNING)
    {
      self->pending = TRUE;
      return;
    }
  request_current (self);
}

static void
analysis_changed_cb (DsTestOutputs *self)
{
  if (self->pending && !ds_analysis_get_busy (self->analysis))
    {
      request_current (self);
      return;
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
progress_cb (DsTestOutputs *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

const DsTestResult *
ds_test_outputs_get_result (DsTestOutputs *self)
{
  g_return_val_if_fail (DS_IS_TEST_OUTPUTS (self), NULL);

  return ds_analysis_get_result (self->analysis);
}

gboolean
ds_test_outputs_is_current (DsTestOutputs *self)
{
  const DsTestResult *r;

  g_return_val_if_fail (DS_IS_TEST_OUTPUTS (self), FALSE);

  r = ds_analysis_get_result (self->analysis);
  return r != NULL && self->experiment != NULL
         && r->serial == ds_experiment_get_snapshot_serial (self->experiment);
}

gboolean
ds_test_outputs_get_busy (DsTestOutputs *self)
{
  g_return_val_if_fail (DS_IS_TEST_OUTPUTS (self), FALSE);

  return ds_analysis_get_busy (self->analysis) || self->pending;
}

double
ds_test_outputs_get_progress (DsTestOutputs *self)
{
  g_return_val_if_fail (DS_IS_TEST_OUTPUTS (self), 0.0);

  return ds_analysis_get_progress (self->analysis);
}

const GError *
ds_test_outputs_get_error (DsTestOutputs *self)
{
  g_return_val_if_fail (DS_IS_TEST_OUTPUTS (self), NULL);

  return ds_analysis_get_error (self->analysis);
}

/* ---- GObject --------------------------------------------------------------------------------- */

static void
no_snapshot_cb (DsTestOutputs *self)
{
  /* A new experiment or session: nothing computed so far belongs to it any more. */
  if (ds_experiment_get_snapshot (self->experiment) == NULL)
    ds_analysis_reset (self->analysis);
}

DsTestOutputs *
ds_test_outputs_get (DsExperiment *experiment)
{
  DsTestOutputs *self;

  g_return_val_if_fail (DS_IS_EXPERIMENT (experiment), NULL);

  self = g_object_get_data (G_OBJECT (experiment), DATA_KEY);
  if (self != NULL)
    return self;
  self = g_object_new (DS_TYPE_TEST_OUTPUTS, NULL);
  self->experiment = experiment;
  g_object_add_weak_pointer (G_OBJECT (experiment), (gpointer *)&self->experiment);
  g_signal_connect_object (experiment, "snapshot-changed", G_CALLBACK (no_snapshot_cb), self,
                           G_CONNECT_SWAPPED);
  g_object_set_data_full (G_OBJECT (experiment), DATA_KEY, self, g_object_unref);
  return self;
}

static void
ds_test_outputs_dispose (GObject *object)
{
  DsTestOutputs *self = (DsTestOutputs *)object;

  if (self->experiment != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->experiment), (gpointer *)&self->experiment);
  self->experiment = NULL;
  if (self->analysis != NULL)
    ds_analysis_reset (self->analysis);
  g_clear_object (&self->analysis);

  G_OBJECT_CLASS (ds_test_outputs_parent_class)->dispose (object);
}

static void
ds_test_outputs_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DsTestOutputs *self = DS_TEST_OUTPUTS (object);

  switch (prop_id)
    {
      case PROP_PROGRESS:
        g_value_set_double (value, ds_test_outputs_get_progress (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_test_outputs_class_init (DsTestOutputsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ds_test_outputs_dispose;
  object_class->get_property = ds_test_outputs_get_property;

  properties[PROP_PROGRESS] = g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
}

static void
ds_test_outputs_init (DsTestOutputs *self)
{
  /* Two entries: the current snapshot's and the one before, shown while it is computed. */
  self->analysis = ds_analysis_new (compute, result_free, 2);
  g_signal_connect_object (self->analysis, "changed", G_CALLBACK (analysis_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->analysis, "notify::progress", G_CALLBACK (progress_cb), self,
                           G_CONNECT_SWAPPED);
}
