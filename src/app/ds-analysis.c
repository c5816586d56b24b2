/* ds-analysis.c — cached, cancellable analyses in GTask threads. */
#include "config.h"

#include "ds-analysis.h"

/* One computation at a time in the whole process: analyses, the training worker and OpenBLAS
 * share the same few cores, and two analyses at once would only halve each other's speed. */
static GMutex compute_lock;

struct _DsAnalysisJob
{
  GCancellable *cancellable;
  gulong cancel_handler;
  atomic_int cancel;
  atomic_int progress; /* per mille */
  char *key;
  gpointer input;
  GDestroyNotify input_free;
  DsAnalysisFunc func;
};

/* A cached result, shared by the cache and the result shown. */
typedef struct
{
  char *key;
  gpointer result;
  GDestroyNotify result_free;
} Entry;

struct _DsAnalysis
{
  GObject parent_instance;

  DsAnalysisFunc func;
  GDestroyNotify result_free;
  guint cache_size;

  GQueue cache; /* of Entry *, most recently used first */
  Entry *shown;
  char *wanted; /* the key last asked for, NULL after cancel */
  DsAnalysisJob *job;
  GError *error;
  guint progress_source;
};

G_DEFINE_FINAL_TYPE (DsAnalysis, ds_analysis, G_TYPE_OBJECT)

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

/* ---- jobs ------------------------------------------------------------------------------- */

gboolean
ds_analysis_job_cancelled (DsAnalysisJob *job)
{
  return atomic_load (&job->cancel) != 0;
}

atomic_int *
ds_analysis_job_cancel_flag (DsAnalysisJob *job)
{
  return &job->cancel;
}

void
ds_analysis_job_progress (DsAnalysisJob *job, double fraction)
{
  atomic_store (&job->progress, (int)(CLAMP (fraction, 0.0, 1.0) * 1000.0));
}

static void
job_cancelled_cb (GCancellable *cancellable, DsAnalysisJob *job)
{
  atomic_store (&job->cancel, 1);
}

static DsAnalysisJob *
job_new (DsAnalysis *self, const char *key, gpointer input, GDestroyNotify input_free)
{
  DsAnalysisJob *job = g_new0 (DsAnalysisJob, 1);

  job->cancellable = g_cancellable_new ();
  job->cancel_handler
      = g_cancellable_connect (job->cancellable, G_CALLBACK (job_cancelled_cb), job, NULL);
  job->key = g_strdup (key);
  job->input = input;
  job->input_free = input_free;
  job->func = self->func;
  return job;
}

static void
job_free (DsAnalysisJob *job)
{
  g_cancellable_disconnect (job->cancellable, job->cancel_handler);
  g_object_unref (job->cancellable);
  if (job->input_free != NULL)
    job->input_free (job->input);
  g_free (job->key);
  g_free (job);
}

static void
job_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  DsAnalysisJob *job = task_data;
  GError *error = NULL;
  gpointer result = NULL;

  g_mutex_lock (&compute_lock);
  if (!ds_analysis_job_cancelled (job))
    result = job->func (job->input, job, &error);
  g_mutex_unlock (&compute_lock);

  if (result == NULL && error == NULL)
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, DS_ANALYSIS (source)->result_free);
}

/* ---- cache ------------------------------------------------------------------------------ */

static Entry *
entry_new (DsAnalysis *self, const char *key, gpointer result)
{
  Entry *entry = g_rc_box_new0 (Entry);

  entry->key = g_strdup (key);
  entry->result = result;
  entry->result_free = self->result_free;
  return entry;
}

static void
entry_clear (Entry *entry)
{
  if (entry->result != NULL)
    entry->result_free (entry->result);
  g_free (entry->key);
}

static void
entry_unref (Entry *entry)
{
  g_rc_box_release_full (entry, (GDestroyNotify)entry_clear);
}

static Entry *
cache_lookup (DsAnalysis *self, const char *key)
{
  for (GList *l = self->cache.head; l != NULL; l = l->next)
    {
      Entry *entry = l->data;

      if (g_str_equal (entry->key, key))
        {
          /* Most recently used first. */
          g_queue_unlink (&self->cache, l);
          g_queue_push_head_link (&self->cache, l);
          return entry;
        }
    }
  return NULL;
}

static void
cache_insert (DsAnalysis *self, Entry *entry)
{
  g_queue_push_head (&self->cache, g_rc_box_acquire (entry));
  while (self->cache.length > self->cache_size)
    entry_unref (g_queue_pop_tail (&self->cache));
}

static void
show (DsAnalysis *self, Entry *entry)
{
  if (entry == self->shown)
    return;
  g_clear_pointer (&self->shown, entry_unref);
  self->shown = entry ? g_rc_box_acquire (entry) : NULL;
}

/* ---- progress --------------------------------------------------------------------------- */

static gboolean
progress_tick_cb (gpointer user_data)
{
  g_object_notify_by_pspec (G_OBJECT (user_data), properties[PROP_PROGRESS]);
  return G_SOURCE_CONTINUE;
}

static void
update_progress_source (DsAnalysis *self)
{
  if (self->job != NULL && self->progress_source == 0)
    self->progress_source = g_timeout_add (150, progress_tick_cb, self);
  else if (self->job == NULL && self->progress_source != 0)
    {
      g_clear_handle_id (&self->progress_source, g_source_remove);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
}

/* ---- requests --------------------------------------------------------------------------- */

static void
job_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  DsAnalysisJob *job = user_data;
  g_autoptr (GError) error = NULL;
  gpointer value = g_task_propagate_pointer (G_TASK (result), &error);
  DsAnalysis *self = DS_ANALYSIS (object);
  gboolean mine = self->job == job;

  if (mine)
    self->job = NULL;
  if (value != NULL)
    {
      Entry *entry = entry_new (self, job->key, value);

      cache_insert (self, entry);
      if (g_strcmp0 (job->key, self->wanted) == 0)
        {
          show (self, entry);
          g_clear_error (&self->error);
        }
      entry_unref (entry);
    }
  else if (mine && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&self->error);
      self->error = g_steal_pointer (&error);
    }
  job_free (job);
  if (mine)
    {
      update_progress_source (self);
      g_signal_emit (self, signals[CHANGED], 0);
    }
}

static void
cancel_job (DsAnalysis *self)
{
  if (self->job == NULL)
    return;
  /* The task keeps the job until it returns; its result is then dropped as not wanted. */
  g_cancellable_cancel (self->job->cancellable);
  self->job = NULL;
}

void
ds_analysis_request (DsAnalysis *self, const char *key, gpointer input, GDestroyNotify input_free)
{
  g_autoptr (GTask) task = NULL;
  Entry *entry;

  g_return_if_fail (DS_IS_ANALYSIS (self));
  g_return_if_fail (key != NULL);

  if (g_strcmp0 (key, self->wanted) == 0
      && (self->job != NULL || self->error != NULL
          || (self->shown && g_str_equal (self->shown->key, key))))
    {
      if (input_free != NULL)
        input_free (input);
      return;
    }
  g_free (self->wanted);
  self->wanted = g_strdup (key);
  g_clear_error (&self->error);
  cancel_job (self);

  if ((entry = cache_lookup (self, key)) != NULL)
    {
      if (input_free != NULL)
        input_free (input);
      show (self, entry);
    }
  else
    {
      self->job = job_new (self, key, input, input_free);
      task = g_task_new (self, self->job->cancellable, job_done_cb, self->job);
      g_task_set_source_tag (task, ds_analysis_request);
      g_task_set_task_data (task, self->job, NULL);
      /* The callback gets the job back even after cancellation: check_cancellable off. */
      g_task_set_check_cancellable (task, FALSE);
      g_task_run_in_thread (task, job_thread);
    }
  update_progress_source (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
ds_analysis_release (DsAnalysis **analysis, gpointer listener)
{
  if (*analysis == NULL)
    return;
  g_signal_handlers_disconnect_by_data (*analysis, listener);
  ds_analysis_cancel (*analysis);
  g_clear_object (analysis);
}

void
ds_analysis_cancel (DsAnalysis *self)
{
  g_return_if_fail (DS_IS_ANALYSIS (self));

  g_clear_pointer (&self->wanted, g_free);
  if (self->job == NULL)
    return;
  cancel_job (self);
  update_progress_source (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
ds_analysis_reset (DsAnalysis *self)
{
  g_return_if_fail (DS_IS_ANALYSIS (self));

  g_clear_pointer (&self->wanted, g_free);
  cancel_job (self);
  update_progress_source (self);
  g_clear_error (&self->error);
  g_queue_clear_full (&self->cache, (GDestroyNotify)entry_unref);
  show (self, NULL);
  g_signal_emit (self, signals[CHANGED], 0);
}

gpointer
ds_analysis_get_result (DsAnalysis *self)
{
  g_return_val_if_fail (DS_IS_ANALYSIS (self), NULL);

  return self->shown ? self->shown->result : NULL;
}

gboolean
ds_analysis_is_current (DsAnalysis *self)
{
  g_return_val_if_fail (DS_IS_ANALYSIS (self), FALSE);

  return self->shown != NULL && g_strcmp0 (self->shown->key, self->wanted) == 0;
}

gboolean
ds_analysis_get_busy (DsAnalysis *self)
{
  g_return_val_if_fail (DS_IS_ANALYSIS (self), FALSE);

  return self->job != NULL;
}

const GError *
ds_analysis_get_error (DsAnalysis *self)
{
  g_return_val_if_fail (DS_IS_ANALYSIS (self), NULL);

  return self->error;
}

double
ds_analysis_get_progress (DsAnalysis *self)
{
  g_return_val_if_fail (DS_IS_ANALYSIS (self), 0.0);

  return self->job ? atomic_load (&self->job->progress) / 1000.0 : 0.0;
}

/* ---- GObject ---------------------------------------------------------------------------- */

DsAnalysis *
ds_analysis_new (DsAnalysisFunc func, GDestroyNotify result_free, guint cache_size)
{
  DsAnalysis *self;

  g_return_val_if_fail (func != NULL, NULL);
  g_return_val_if_fail (result_free != NULL, NULL);

  self = g_object_new (DS_TYPE_ANALYSIS, NULL);
  self->func = func;
  self->result_free = result_free;
  self->cache_size = MAX (cache_size, 1);
  return self;
}

static void
ds_analysis_dispose (GObject *object)
{
  DsAnalysis *self = (DsAnalysis *)object;

  cancel_job (self);
  g_clear_handle_id (&self->progress_source, g_source_remove);
  g_queue_clear_full (&self->cache, (GDestroyNotify)entry_unref);
  show (self, NULL);

  G_OBJECT_CLASS (ds_analysis_parent_class)->dispose (object);
}

static void
ds_analysis_finalize (GObject *object)
{
  DsAnalysis *self = (DsAnalysis *)object;

  g_clear_pointer (&self->wanted, g_free);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (ds_analysis_parent_class)->finalize (object);
}

static void
ds_analysis_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DsAnalysis *self = DS_ANALYSIS (object);

  switch (prop_id)
    {
      case PROP_PROGRESS:
        g_value_set_double (value, ds_analysis_get_progress (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_analysis_class_init (DsAnalysisClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ds_analysis_dispose;
  object_class->finalize = ds_analysis_finalize;
  object_class->get_property = ds_analysis_get_property;

  properties[PROP_PROGRESS]
      = g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                             G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                   NULL, NULL, G_TYPE_NONE, 0);
}

static void
ds_analysis_init (DsAnalysis *self)
{
  g_queue_init (&self->cache);
}
