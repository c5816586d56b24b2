/* ds-session-io.c — converting between sessions and snapshots; threaded load and save.
 *
 * KdSnapshot is the core's public, malloc()-owned struct (kd_snapshot_unref frees it with
 * free()), so a snapshot built here for a loaded session uses the same allocator.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ds-session-io.h"
#include "kd_io_error.h"

#define SESSION_MAX_BATCH 256

static void
progress_from_history (KdProgress *p, const KdSession *session)
{
  const KdHistory *h = &session->history;
  const KdHistoryPoint *last = h->n > 0 ? &h->points[h->n - 1] : NULL;

  memset (p, 0, sizeof *p);
  p->phase = session->have_results ? KD_PHASE_DONE : (last ? last->phase : KD_PHASE_TEACHER);
  p->step = last ? last->step : 0;
  p->total_steps = p->step;
  p->temperature = last ? last->temperature : session->config.T1;
  for (int m = 0; m < KD_N_MODELS; m++)
    p->loss[m] = last ? last->loss[m] : NAN;
  p->eta = session->have_results ? 0.0 : -1.0;
}

KdSnapshot *
ds_snapshot_new_from_session (const KdSession *session)
{
  KdSnapshot *s;

  g_return_val_if_fail (session != NULL, NULL);

  s = calloc (1, sizeof *s);
  if (s == NULL)
    return NULL;
  atomic_init (&s->ref, 1);
  s->version = 1;
  progress_from_history (&s->progress, session);
  s->history.n = s->history.cap = session->history.n;
  s->history.points = malloc ((size_t)(session->history.n + 1) * sizeof (KdHistoryPoint));
  if (s->history.points == NULL)
    goto fail;
  memcpy (s->history.points, session->history.points,
          (size_t)session->history.n * sizeof (KdHistoryPoint));
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      const KdNet *net = session->nets[m];

      s->n_params[m] = net->n_params;
      s->params[m] = malloc (net->n_params * sizeof (float) + 1);
      if (s->params[m] == NULL)
        goto fail;
      memcpy (s->params[m], net->params, net->n_params * sizeof (float));
    }
  s->have_results = session->have_results;
  s->results = session->results;
  return s;

fail:
  kd_snapshot_unref (s);
  return NULL;
}

static KdNet *
net_from_params (const char *arch_text,
                 const DsInputShape *shape,
                 const float *params,
                 size_t n_params,
                 GError **error)
{
  KdArch arch;
  KdArchError arch_err = { 0 };
  KdNet *net = NULL;

  if (kd_arch_parse (arch_text, &arch, &arch_err) != KD_OK
      || kd_net_new (&arch, shape->c, shape->h, shape->w, shape->n_classes, SESSION_MAX_BATCH, &net)
             != KD_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _ ("Cannot rebuild the network “%s” for saving"), arch_text);
      return NULL;
    }
  if (net->n_params != n_params)
    {
      kd_net_free (net);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _ ("The weights do not fit the architecture “%s”"), arch_text);
      return NULL;
    }
  memcpy (net->params, params, n_params * sizeof (float));
  return net;
}

KdSession *
ds_session_new_from_snapshot (const KdSnapshot *snapshot,
                              const KdTrainConfig *config,
                              const char *data_spec,
                              int train_limit,
                              int test_limit,
                              const DsInputShape *shape,
                              GError **error)
{
  g_autoptr (KdSession) session = NULL;

  g_return_val_if_fail (snapshot != NULL, NULL);
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (shape != NULL, NULL);

  session = kd_session_new ();
  session->config = *config;
  g_strlcpy (session->data_spec, data_spec ? data_spec : "", sizeof session->data_spec);
  session->train_limit = train_limit;
  session->test_limit = test_limit;
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      const char *arch = m == KD_TEACHER ? config->teacher_arch : config->student_arch;

      session->nets[m]
          = net_from_params (arch, shape, snapshot->params[m], snapshot->n_params[m], error);
      if (session->nets[m] == NULL)
        return NULL;
    }
  session->history.n = session->history.cap = snapshot->history.n;
  session->history.points
      = g_memdup2 (snapshot->history.points, (gsize)snapshot->history.n * sizeof (KdHistoryPoint));
  session->have_results = snapshot->have_results;
  session->results = snapshot->results;
  return g_steal_pointer (&session);
}

static void
save_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  const KdSession *session = task_data;
  GFile *file = source_object;
  g_autofree char *path = g_file_get_path (file);
  g_autoptr (GError) error = NULL;

  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _ ("Sessions can only be saved to local files"));
      return;
    }
  if (!kd_session_save (session, path, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
ds_session_save_async (KdSession *session,
                       GFile *file,
                       GCancellable *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (session != NULL);
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (file, cancellable, callback, user_data);
  g_task_set_source_tag (task, ds_session_save_async);
  g_task_set_task_data (task, session, (GDestroyNotify)kd_session_free);
  g_task_run_in_thread (task, save_thread);
}

gboolean
ds_session_save_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
load_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  GFile *file = source_object;
  g_autofree char *path = g_file_get_path (file);
  g_autoptr (GError) error = NULL;
  KdSession *session;

  if (path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _ ("Sessions can only be opened from local files"));
      return;
    }
  session = kd_session_load (path, &error);
  if (session == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, session, (GDestroyNotify)kd_session_free);
}

void
ds_session_load_async (GFile *file,
                       GCancellable *cancellable,
                       GAsyncReadyCallback callback,
                       gpointer user_data)
{
  g_autoptr (GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (file, cancellable, callback, user_data);
  g_task_set_source_tag (task, ds_session_load_async);
  g_task_run_in_thread (task, load_thread);
}

KdSession *
ds_session_load_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
