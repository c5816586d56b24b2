/* ds-experiment.c — the window's shared model. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ds-experiment.h"

struct _DsExperiment
{
  GObject parent_instance;

  /* The experiment being edited, and its data. */
  KdTrainConfig config;
  char *data_spec;
  int train_limit;
  int test_limit;
  DsData *data;
  GCancellable *data_cancellable;
  char *data_error;

  /* The current run, or the snapshot a session brought. */
  DsTrainingRun *run;
  DsRunState loaded_state; /* the state while there is no run object */
  KdSnapshot *snapshot;
  guint64 serial;
  KdTrainConfig run_config;
  char *run_data_spec;
  int run_train_limit;
  int run_test_limit;
  DsData *run_data;
  DsInputShape run_shape;
  gboolean have_run_shape;

  GFile *file;
  gboolean unsaved;
  int selected_sample;
};

G_DEFINE_FINAL_TYPE (DsExperiment, ds_experiment, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_DATA,
  PROP_DATA_LOADING,
  PROP_DATA_ERROR,
  PROP_STATE,
  PROP_RUN_DATA,
  PROP_RUN_OUTDATED,
  PROP_FILE,
  PROP_UNSAVED,
  PROP_SELECTED_SAMPLE,
  N_PROPS
};

enum
{
  CONFIG_CHANGED,
  SNAPSHOT_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Process-wide, so a cache keyed by serial never confuses two experiments. */
static guint64 last_serial;

static void load_data (DsExperiment *self);

static void
notify (DsExperiment *self, guint prop)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
}

static void
set_unsaved (DsExperiment *self, gboolean unsaved)
{
  if (self->unsaved == unsaved)
    return;
  self->unsaved = unsaved;
  notify (self, PROP_UNSAVED);
}

static void
set_snapshot (DsExperiment *self, KdSnapshot *snapshot)
{
  if (snapshot == self->snapshot)
    return;
  g_clear_pointer (&self->snapshot, kd_snapshot_unref);
  self->snapshot = snapshot ? kd_snapshot_ref (snapshot) : NULL;
  self->serial = ++last_serial;
  g_signal_emit (self, signals[SNAPSHOT_CHANGED], 0);
}

static void
set_run_data (DsExperiment *self, DsData *data)
{
  if (data == self->run_data)
    return;
  g_clear_pointer (&self->run_data, ds_data_unref);
  self->run_data = data ? ds_data_ref (data) : NULL;
  self->selected_sample = data ? 0 : -1;
  notify (self, PROP_RUN_DATA);
  notify (self, PROP_SELECTED_SAMPLE);
}

/* ---- data loading ----------------------------------------------------------------------- */

static gboolean
data_depends_on_seed (const char *spec)
{
  /* Built-in sets are generated from the seed and CSV files split by it; IDX sets are not. */
  return g_strcmp0 (spec, "fashion-mnist") != 0 && !g_file_test (spec, G_FILE_TEST_IS_DIR);
}

static gboolean
data_matches_run (DsExperiment *self, DsData *data)
{
  return self->snapshot != NULL && self->run_data_spec != NULL
         && ds_data_matches (data, self->run_data_spec, self->run_config.seed,
                             self->run_train_limit, self->run_test_limit);
}

static void
load_data_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DsExperiment) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (DsData) data = ds_data_load_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->data_cancellable);
  if (data == NULL)
    self->data_error = g_strdup (error->message);
  else
    self->data = ds_data_ref (data);
  if (data != NULL && self->run_data == NULL && data_matches_run (self, data))
    set_run_data (self, data);
  notify (self, PROP_DATA);
  notify (self, PROP_DATA_ERROR);
  notify (self, PROP_DATA_LOADING);
}

static void
load_data (DsExperiment *self)
{
  g_cancellable_cancel (self->data_cancellable);
  g_clear_object (&self->data_cancellable);
  g_clear_pointer (&self->data, ds_data_unref);
  g_clear_pointer (&self->data_error, g_free);

  self->data_cancellable = g_cancellable_new ();
  ds_data_load_async (self->data_spec, self->config.seed, self->train_limit, self->test_limit,
                      self->data_cancellable, load_data_cb, g_object_ref (self));
  notify (self, PROP_DATA);
  notify (self, PROP_DATA_ERROR);
  notify (self, PROP_DATA_LOADING);
}

/* ---- the edited experiment -------------------------------------------------------------- */

const KdTrainConfig *
ds_experiment_get_config (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), NULL);

  return &self->config;
}

void
ds_experiment_set_config (DsExperiment *self, const KdTrainConfig *config)
{
  gboolean reload;

  g_return_if_fail (DS_IS_EXPERIMENT (self));
  g_return_if_fail (config != NULL);

  if (memcmp (&self->config, config, sizeof *config) == 0)
    return;
  reload = config->seed != self->config.seed && data_depends_on_seed (self->data_spec);
  self->config = *config;
  if (reload)
    load_data (self);
  g_signal_emit (self, signals[CONFIG_CHANGED], 0);
  notify (self, PROP_RUN_OUTDATED);
}

const char *
ds_experiment_get_data_spec (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), NULL);

  return self->data_spec;
}

int
ds_experiment_get_train_limit (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), 0);

  return self->train_limit;
}

int
ds_experiment_get_test_limit (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), 0);

  return self->test_limit;
}

void
ds_experiment_set_data_spec (DsExperiment *self, const char *spec, int train_limit, int test_limit)
{
  g_return_if_fail (DS_IS_EXPERIMENT (self));
  g_return_if_fail (spec != NULL);

  train_limit = MAX (train_limit, 0);
  test_limit = MAX (test_limit, 0);
  if (g_strcmp0 (spec, self->data_spec) == 0 && train_limit == self->train_limit
      && test_limit == self->test_limit && (self->data || self->data_cancellable))
    return;
  g_free (self->data_spec);
  self->data_spec = g_strdup (spec);
  self->train_limit = train_limit;
  self->test_limit = test_limit;
  load_data (self);
  g_signal_emit (self, signals[CONFIG_CHANGED], 0);
  notify (self, PROP_RUN_OUTDATED);
}

DsData *
ds_experiment_get_data (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), NULL);

  return self->data;
}

gboolean
ds_experiment_get_data_loading (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), FALSE);

  return self->data_cancellable != NULL;
}

const char *
ds_experiment_get_data_error (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), NULL);

  return self->data_error;
}

gboolean
ds_experiment_check (DsExperiment *self, DsConfigField *field, char **message)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), FALSE);

  if (self->data == NULL)
    {
      *field = DS_FIELD_DATA;
      if (self->data_error != NULL)
        *message = g_strdup_printf (_ ("The data set cannot be loaded: %s"), self->data_error);
      else
        *message = g_strdup (_ ("The data set is still loading…"));
      return FALSE;
    }
  return ds_config_check (&self->config, self->data, field, message);
}

/* ---- the run ------------------------------------------------------------------------------ */

DsRunState
ds_experiment_get_state (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), DS_RUN_STATE_EMPTY);

  return self->run ? ds_training_run_get_state (self->run) : self->loaded_state;
}

KdSnapshot *
ds_experiment_get_snapshot (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), NULL);

  return self->snapshot;
}

guint64
ds_experiment_get_snapshot_serial (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), 0);

  return self->serial;
}

const KdTrainConfig *
ds_experiment_get_run_config (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), NULL);

  return &self->run_config;
}

const char *
ds_experiment_get_run_data_spec (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), NULL);

  return self->run_data_spec;
}

DsData *
ds_experiment_get_run_data (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), NULL);

  return self->run_data;
}

gboolean
ds_experiment_get_run_shape (DsExperiment *self, DsInputShape *shape)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), FALSE);

  if (self->have_run_shape && shape)
    *shape = self->run_shape;
  return self->have_run_shape;
}

char *
ds_experiment_describe_transfer_set (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), NULL);

  const KdTrainConfig *cfg = ds_experiment_get_run_config (self);
  if (!cfg || cfg->mode != KD_MODE_OFFLINE || cfg->transfer_limit <= 0)
    return NULL;
  int n = self->run_data && self->run_data->train ? self->run_data->train->n : 0;
  if (n > 0 && cfg->transfer_limit >= n)
    return NULL;
  if (n == 0)
    return g_strdup_printf (_ ("The students learned from a transfer set, the first %'d "
                               "training samples; the teacher from all of them."),
                            cfg->transfer_limit);
  return g_strdup_printf (_ ("The students learned from a transfer set, the first %'d of the "
                             "%'d training samples; the teacher from all %'d."),
                          cfg->transfer_limit, n, n);
}

gboolean
ds_experiment_get_run_outdated (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), FALSE);

  return self->snapshot != NULL
         && (memcmp (&self->config, &self->run_config, sizeof self->config) != 0
             || g_strcmp0 (self->data_spec, self->run_data_spec) != 0
             || self->train_limit != self->run_train_limit
             || self->test_limit != self->run_test_limit);
}

double
ds_experiment_get_eta (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), -1.0);

  return self->run ? ds_training_run_get_eta (self->run) : -1.0;
}

const char *
ds_experiment_get_message (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), NULL);

  return self->run ? ds_training_run_get_message (self->run) : NULL;
}

static void
run_updated_cb (DsExperiment *self, DsTrainingRun *run)
{
  set_snapshot (self, ds_training_run_get_snapshot (run));
  set_unsaved (self, TRUE);
}

static void
run_state_cb (DsExperiment *self, GParamSpec *pspec, DsTrainingRun *run)
{
  notify (self, PROP_STATE);
}

static void
clear_run (DsExperiment *self)
{
  if (self->run == NULL)
    return;
  ds_training_run_shutdown (self->run);
  self->loaded_state = ds_training_run_get_state (self->run);
  g_signal_handlers_disconnect_by_data (self->run, self);
  g_clear_object (&self->run);
}

static gboolean
start_run (DsExperiment *self, gboolean paused, GError **error)
{
  DsConfigField field;
  g_autofree char *message = NULL;

  if (!ds_experiment_check (self, &field, &message))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, message);
      return FALSE;
    }
  clear_run (self);

  self->run_config = self->config;
  g_free (self->run_data_spec);
  self->run_data_spec = g_strdup (self->data_spec);
  self->run_train_limit = self->train_limit;
  self->run_test_limit = self->test_limit;
  self->run_shape = (DsInputShape){ self->data->train->c, self->data->train->h,
                                    self->data->train->w, self->data->train->n_classes };
  self->have_run_shape = TRUE;
  set_run_data (self, self->data);

  self->run = ds_training_run_new (&self->config, self->data);
  g_signal_connect_object (self->run, "updated", G_CALLBACK (run_updated_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->run, "notify::state", G_CALLBACK (run_state_cb), self,
                           G_CONNECT_SWAPPED);
  ds_training_run_start (self->run, paused);
  notify (self, PROP_RUN_OUTDATED);
  notify (self, PROP_STATE);
  return TRUE;
}

gboolean
ds_experiment_start (DsExperiment *self, GError **error)
{
  DsRunState state;

  g_return_val_if_fail (DS_IS_EXPERIMENT (self), FALSE);

  state = ds_experiment_get_state (self);
  if (state == DS_RUN_STATE_RUNNING)
    return TRUE;
  if (state == DS_RUN_STATE_PAUSED || state == DS_RUN_STATE_DIVERGED)
    {
      ds_training_run_resume (self->run);
      return TRUE;
    }
  return start_run (self, FALSE, error);
}

void
ds_experiment_pause (DsExperiment *self)
{
  g_return_if_fail (DS_IS_EXPERIMENT (self));

  if (ds_experiment_get_state (self) == DS_RUN_STATE_RUNNING)
    ds_training_run_pause (self->run);
}

gboolean
ds_experiment_step (DsExperiment *self, GError **error)
{
  DsRunState state;

  g_return_val_if_fail (DS_IS_EXPERIMENT (self), FALSE);

  state = ds_experiment_get_state (self);
  if (state == DS_RUN_STATE_RUNNING)
    return TRUE;
  if (!ds_run_state_is_active (state) && !start_run (self, TRUE, error))
    return FALSE;
  ds_training_run_step (self->run);
  return TRUE;
}

void
ds_experiment_stop (DsExperiment *self)
{
  g_return_if_fail (DS_IS_EXPERIMENT (self));

  if (self->run != NULL && ds_run_state_is_active (ds_training_run_get_state (self->run)))
    ds_training_run_stop (self->run);
}

void
ds_experiment_shutdown (DsExperiment *self)
{
  g_return_if_fail (DS_IS_EXPERIMENT (self));

  if (self->run != NULL)
    ds_training_run_shutdown (self->run);
  g_cancellable_cancel (self->data_cancellable);
}

/* ---- sessions --------------------------------------------------------------------------- */

GFile *
ds_experiment_get_file (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), NULL);

  return self->file;
}

gboolean
ds_experiment_get_unsaved (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), FALSE);

  return self->unsaved;
}

gboolean
ds_experiment_can_save (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), FALSE);

  return self->snapshot != NULL && self->have_run_shape;
}

KdSession *
ds_experiment_build_session (DsExperiment *self, GError **error)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), NULL);

  if (!ds_experiment_can_save (self))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _ ("There is nothing to save yet: train the experiment first"));
      return NULL;
    }
  return ds_session_new_from_snapshot (self->snapshot, &self->run_config, self->run_data_spec,
                                       self->run_train_limit, self->run_test_limit,
                                       &self->run_shape, error);
}

static void
set_file (DsExperiment *self, GFile *file)
{
  if (file == self->file || (file && self->file && g_file_equal (file, self->file)))
    return;
  g_set_object (&self->file, file);
  notify (self, PROP_FILE);
}

void
ds_experiment_saved (DsExperiment *self, GFile *file)
{
  g_return_if_fail (DS_IS_EXPERIMENT (self));
  g_return_if_fail (G_IS_FILE (file));

  set_file (self, file);
  set_unsaved (self, FALSE);
}

gboolean
ds_experiment_load_session (DsExperiment *self, KdSession *session, GFile *file, GError **error)
{
  g_autoptr (KdSession) owned = session;
  KdSnapshot *snapshot;
  const KdNet *teacher;

  g_return_val_if_fail (DS_IS_EXPERIMENT (self), FALSE);
  g_return_val_if_fail (session != NULL, FALSE);

  snapshot = ds_snapshot_new_from_session (session);
  if (snapshot == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _ ("Not enough memory to open this session"));
      return FALSE;
    }
  clear_run (self);

  teacher = session->nets[KD_TEACHER];
  self->config = self->run_config = session->config;
  g_free (self->run_data_spec);
  self->run_data_spec = g_strdup (session->data_spec);
  self->run_train_limit = MAX (session->train_limit, 0);
  self->run_test_limit = MAX (session->test_limit, 0);
  self->run_shape
      = (DsInputShape){ teacher->in_c, teacher->in_h, teacher->in_w, teacher->n_classes };
  self->have_run_shape = TRUE;
  self->loaded_state = session->have_results ? DS_RUN_STATE_FINISHED : DS_RUN_STATE_STOPPED;
  set_run_data (self, NULL);
  set_snapshot (self, snapshot);
  kd_snapshot_unref (snapshot);

  g_free (self->data_spec);
  self->data_spec = g_strdup (session->data_spec);
  self->train_limit = self->run_train_limit;
  self->test_limit = self->run_test_limit;
  load_data (self);

  set_file (self, file);
  set_unsaved (self, FALSE);
  g_signal_emit (self, signals[CONFIG_CHANGED], 0);
  notify (self, PROP_STATE);
  notify (self, PROP_RUN_OUTDATED);
  return TRUE;
}

/* ---- for analysis pages ----------------------------------------------------------------- */

int
ds_experiment_get_selected_sample (DsExperiment *self)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (self), -1);

  return self->selected_sample;
}

void
ds_experiment_set_selected_sample (DsExperiment *self, int index)
{
  g_return_if_fail (DS_IS_EXPERIMENT (self));
  g_return_if_fail (index >= -1);

  if (self->run_data != NULL && index >= self->run_data->test->n)
    index = self->run_data->test->n - 1;
  if (index == self->selected_sample)
    return;
  self->selected_sample = index;
  notify (self, PROP_SELECTED_SAMPLE);
}

KdNet *
ds_experiment_build_net (DsExperiment *self, KdModelId id, int max_batch, GError **error)
{
  KdArch arch;
  KdNet *net = NULL;
  const char *text;

  g_return_val_if_fail (DS_IS_EXPERIMENT (self), NULL);
  g_return_val_if_fail (id >= 0 && id < KD_N_MODELS, NULL);
  g_return_val_if_fail (max_batch > 0, NULL);

  text = id == KD_TEACHER ? self->run_config.teacher_arch : self->run_config.student_arch;
  if (self->snapshot == NULL || !self->have_run_shape || kd_arch_parse (text, &arch, NULL) != KD_OK
      || kd_net_new (&arch, self->run_shape.c, self->run_shape.h, self->run_shape.w,
                     self->run_shape.n_classes, max_batch, &net)
             != KD_OK)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _ ("No trained network is available"));
      return NULL;
    }
  g_assert (net->n_params == self->snapshot->n_params[id]);
  memcpy (net->params, self->snapshot->params[id], net->n_params * sizeof (float));
  return net;
}

/* ---- GObject -------------------------------------------------------------------------------- */

DsExperiment *
ds_experiment_new (void)
{
  return g_object_new (DS_TYPE_EXPERIMENT, NULL);
}

static void
ds_experiment_constructed (GObject *object)
{
  G_OBJECT_CLASS (ds_experiment_parent_class)->constructed (object);

  load_data (DS_EXPERIMENT (object));
}

static void
ds_experiment_dispose (GObject *object)
{
  DsExperiment *self = (DsExperiment *)object;

  if (self->run != NULL)
    {
      ds_training_run_shutdown (self->run);
      g_signal_handlers_disconnect_by_data (self->run, self);
      g_clear_object (&self->run);
    }
  g_cancellable_cancel (self->data_cancellable);
  g_clear_object (&self->data_cancellable);
  g_clear_pointer (&self->data, ds_data_unref);
  g_clear_pointer (&self->run_data, ds_data_unref);
  g_clear_pointer (&self->snapshot, kd_snapshot_unref);
  g_clear_object (&self->file);

  G_OBJECT_CLASS (ds_experiment_parent_class)->dispose (object);
}

static void
ds_experiment_finalize (GObject *object)
{
  DsExperiment *self = (DsExperiment *)object;

  g_clear_pointer (&self->data_spec, g_free);
  g_clear_pointer (&self->data_error, g_free);
  g_clear_pointer (&self->run_data_spec, g_free);

  G_OBJECT_CLASS (ds_experiment_parent_class)->finalize (object);
}

static void
ds_experiment_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DsExperiment *self = DS_EXPERIMENT (object);

  switch (prop_id)
    {
      case PROP_DATA:
        g_value_set_boxed (value, self->data);
        break;
      case PROP_DATA_LOADING:
        g_value_set_boolean (value, ds_experiment_get_data_loading (self));
        break;
      case PROP_DATA_ERROR:
        g_value_set_string (value, self->data_error);
        break;
      case PROP_STATE:
        g_value_set_enum (value, ds_experiment_get_state (self));
        break;
      case PROP_RUN_DATA:
        g_value_set_boxed (value, self->run_data);
        break;
      case PROP_RUN_OUTDATED:
        g_value_set_boolean (value, ds_experiment_get_run_outdated (self));
        break;
      case PROP_FILE:
        g_value_set_object (value, self->file);
        break;
      case PROP_UNSAVED:
        g_value_set_boolean (value, self->unsaved);
        break;
      case PROP_SELECTED_SAMPLE:
        g_value_set_int (value, self->selected_sample);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_experiment_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  DsExperiment *self = DS_EXPERIMENT (object);

  switch (prop_id)
    {
      case PROP_SELECTED_SAMPLE:
        ds_experiment_set_selected_sample (self, g_value_get_int (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_experiment_class_init (DsExperimentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->constructed = ds_experiment_constructed;
  object_class->dispose = ds_experiment_dispose;
  object_class->finalize = ds_experiment_finalize;
  object_class->get_property = ds_experiment_get_property;
  object_class->set_property = ds_experiment_set_property;

  properties[PROP_DATA] = g_param_spec_boxed ("data", NULL, NULL, DS_TYPE_DATA, ro);
  properties[PROP_DATA_LOADING] = g_param_spec_boolean ("data-loading", NULL, NULL, FALSE, ro);
  properties[PROP_DATA_ERROR] = g_param_spec_string ("data-error", NULL, NULL, NULL, ro);
  properties[PROP_STATE]
      = g_param_spec_enum ("state", NULL, NULL, DS_TYPE_RUN_STATE, DS_RUN_STATE_EMPTY, ro);
  properties[PROP_RUN_DATA] = g_param_spec_boxed ("run-data", NULL, NULL, DS_TYPE_DATA, ro);
  properties[PROP_RUN_OUTDATED] = g_param_spec_boolean ("run-outdated", NULL, NULL, FALSE, ro);
  properties[PROP_FILE] = g_param_spec_object ("file", NULL, NULL, G_TYPE_FILE, ro);
  properties[PROP_UNSAVED] = g_param_spec_boolean ("unsaved", NULL, NULL, FALSE, ro);
  properties[PROP_SELECTED_SAMPLE]
      = g_param_spec_int ("selected-sample", NULL, NULL, -1, G_MAXINT, -1,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CONFIG_CHANGED] = g_signal_new ("config-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SNAPSHOT_CHANGED] = g_signal_new ("snapshot-changed", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ds_experiment_init (DsExperiment *self)
{
  kd_train_config_default (&self->config);
  self->run_config = self->config;
  self->data_spec = g_strdup ("synthetic-digits");
  self->selected_sample = -1;
}
