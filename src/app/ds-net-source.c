/* ds-net-source.c — snapshots captured for analysis threads. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ds-format.h"
#include "ds-net-source.h"

DsSourceState
ds_net_source_state (DsExperiment *experiment)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (experiment), DS_SOURCE_NOTHING_TRAINED);

  if (ds_experiment_get_snapshot (experiment) == NULL
      || !ds_experiment_get_run_shape (experiment, NULL))
    return DS_SOURCE_NOTHING_TRAINED;
  if (ds_experiment_get_run_data (experiment) != NULL)
    return DS_SOURCE_READY;
  return ds_experiment_get_data_loading (experiment) ? DS_SOURCE_DATA_LOADING
                                                     : DS_SOURCE_DATA_MISSING;
}

DsNetSource *
ds_net_source_new (DsExperiment *experiment)
{
  const KdTrainConfig *cfg;
  DsNetSource *self;

  g_return_val_if_fail (DS_IS_EXPERIMENT (experiment), NULL);

  if (ds_net_source_state (experiment) != DS_SOURCE_READY)
    return NULL;
  cfg = ds_experiment_get_run_config (experiment);
  self = g_atomic_rc_box_new0 (DsNetSource);
  self->serial = ds_experiment_get_snapshot_serial (experiment);
  self->snapshot = kd_snapshot_ref (ds_experiment_get_snapshot (experiment));
  self->data = ds_data_ref (ds_experiment_get_run_data (experiment));
  ds_experiment_get_run_shape (experiment, &self->shape);
  self->temperature = cfg->T1 > 0.0f ? cfg->T1 : cfg->T0;
  self->running = ds_experiment_get_state (experiment) == DS_RUN_STATE_RUNNING;
  /* The configuration was checked before the run started, so these parse. */
  if (kd_arch_parse (cfg->teacher_arch, &self->arch[KD_TEACHER], NULL) != KD_OK
      || kd_arch_parse (cfg->student_arch, &self->arch[KD_STUDENT], NULL) != KD_OK)
    {
      ds_net_source_unref (self);
      return NULL;
    }
  self->arch[KD_BASELINE] = self->arch[KD_STUDENT];
  return self;
}

DsNetSource *
ds_net_source_ref (DsNetSource *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

static void
ds_net_source_clear (DsNetSource *self)
{
  g_clear_pointer (&self->snapshot, kd_snapshot_unref);
  g_clear_pointer (&self->data, ds_data_unref);
}

void
ds_net_source_unref (DsNetSource *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify)ds_net_source_clear);
}

KdNet *
ds_net_source_build_net (const DsNetSource *self, KdModelId id, int max_batch, GError **error)
{
  KdNet *net = NULL;
  KdStatus status;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (id >= 0 && id < KD_N_MODELS, NULL);

  status = kd_net_new (&self->arch[id], self->shape.c, self->shape.h, self->shape.w,
                       self->shape.n_classes, MAX (max_batch, 1), &net);
  if (status == KD_OK && net->n_params != self->snapshot->n_params[id])
    {
      kd_net_free (net);
      status = KD_ERR_SHAPE;
    }
  if (status != KD_OK)
    {
      ds_set_status_error (error, ds_model_title (id), status);
      return NULL;
    }
  memcpy (net->params, self->snapshot->params[id], net->n_params * sizeof (float));
  return net;
}

gboolean
ds_net_source_build_nets (const DsNetSource *self,
                          int max_batch,
                          KdNet *nets[KD_N_MODELS],
                          GError **error)
{
  for (int m = 0; m < KD_N_MODELS; m++)
    nets[m] = NULL;
  for (int m = 0; m < KD_N_MODELS; m++)
    if ((nets[m] = ds_net_source_build_net (self, m, max_batch, error)) == NULL)
      {
        ds_net_source_free_nets (nets);
        return FALSE;
      }
  return TRUE;
}

void
ds_net_source_free_nets (KdNet *nets[KD_N_MODELS])
{
  for (int m = 0; m < KD_N_MODELS; m++)
    g_clear_pointer (&nets[m], kd_net_free);
}

gboolean
ds_net_source_is_2d (const DsNetSource *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->shape.c == 1 && self->shape.h == 1 && self->shape.w == 2;
}

void
ds_spread_indices (int total, int n, int32_t *indices)
{
  g_return_if_fail (n <= total);

  for (int i = 0; i < n; i++)
    indices[i] = (int32_t)(((gint64)i * total) / n);
}

void
ds_set_status_error (GError **error, const char *what, KdStatus status)
{
  const char *reason;

  switch (status)
    {
      case KD_ERR_CANCELLED:
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _ ("Cancelled"));
        return;
      case KD_ERR_NOMEM:
        reason = _ ("not enough memory");
        break;
      case KD_ERR_SHAPE:
        reason = _ ("the network does not fit the data");
        break;
      case KD_ERR_DIVERGED:
        reason = _ ("the values are not finite");
        break;
      case KD_ERR_ARCH:
      case KD_ERR_INVALID:
      case KD_OK:
      default:
        reason = _ ("invalid settings");
        break;
    }
  /* Translators: "Integrated gradients: not enough memory" */
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _ ("%s: %s"), what, reason);
}

gboolean
ds_job_check_status (KdStatus status, const char *what, DsAnalysisJob *job, GError **error)
{
  if (status == KD_OK && !ds_analysis_job_cancelled (job))
    return TRUE;
  ds_set_status_error (error, what, ds_analysis_job_cancelled (job) ? KD_ERR_CANCELLED : status);
  return FALSE;
}
