/* ds-data.c — loading a training/test pair off the UI thread. */
#include "config.h"

#include <glib/gi18n.h>

#include "ds-data.h"
#include "kd_loader.h"

G_DEFINE_BOXED_TYPE (DsData, ds_data, ds_data_ref, ds_data_unref)

static void
ds_data_clear (gpointer mem)
{
  DsData *data = mem;

  g_clear_pointer (&data->train, kd_dataset_free);
  g_clear_pointer (&data->test, kd_dataset_free);
  g_clear_pointer (&data->spec, g_free);
}

DsData *
ds_data_ref (DsData *data)
{
  g_return_val_if_fail (data != NULL, NULL);

  return g_atomic_rc_box_acquire (data);
}

void
ds_data_unref (DsData *data)
{
  g_return_if_fail (data != NULL);

  g_atomic_rc_box_release_full (data, ds_data_clear);
}

gboolean
ds_data_matches (
    const DsData *data, const char *spec, guint64 seed, int train_limit, int test_limit)
{
  return data != NULL && g_strcmp0 (data->spec, spec) == 0 && data->seed == seed
         && MAX (data->train_limit, 0) == MAX (train_limit, 0)
         && MAX (data->test_limit, 0) == MAX (test_limit, 0);
}

typedef struct
{
  char *spec;
  guint64 seed;
  int train_limit;
  int test_limit;
} LoadRequest;

static void
load_request_free (gpointer mem)
{
  LoadRequest *req = mem;

  g_free (req->spec);
  g_free (req);
}

static void
load_thread (GTask *task, gpointer source_object, gpointer task_data, GCancellable *cancellable)
{
  const LoadRequest *req = task_data;
  g_autoptr (GError) error = NULL;
  KdDataset *train = NULL;
  KdDataset *test = NULL;

  if (!kd_loader_load (req->spec, req->seed, req->train_limit, req->test_limit, &train, &test,
                       &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  DsData *data = g_atomic_rc_box_new0 (DsData);
  data->train = train;
  data->test = test;
  data->spec = g_strdup (req->spec);
  data->seed = req->seed;
  data->train_limit = MAX (req->train_limit, 0);
  data->test_limit = MAX (req->test_limit, 0);
  g_task_return_pointer (task, data, (GDestroyNotify)ds_data_unref);
}

void
ds_data_load_async (const char *spec,
                    guint64 seed,
                    int train_limit,
                    int test_limit,
                    GCancellable *cancellable,
                    GAsyncReadyCallback callback,
                    gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  LoadRequest *req;

  g_return_if_fail (spec != NULL);

  req = g_new0 (LoadRequest, 1);
  req->spec = g_strdup (spec);
  req->seed = seed;
  req->train_limit = train_limit;
  req->test_limit = test_limit;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ds_data_load_async);
  g_task_set_task_data (task, req, load_request_free);
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, load_thread);
}

DsData *
ds_data_load_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static char *
format_count (int n)
{
  /* Digit grouping follows the user's locale. */
  return g_strdup_printf ("%'d", n);
}

char *
ds_data_describe (const DsData *data)
{
  g_return_val_if_fail (data != NULL, NULL);

  const KdDataset *tr = data->train;
  g_autofree char *n_train = format_count (tr->n);
  g_autofree char *n_test = format_count (data->test->n);
  g_autofree char *classes = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%d class", "%d classes", tr->n_classes), tr->n_classes);

  if (tr->pixels != NULL)
    /* Translators: "12,000 training and 2,000 test images of 1×28×28, 10 classes" */
    return g_strdup_printf (_ ("%s training and %s test images of %d×%d×%d, %s"), n_train, n_test,
                            tr->c, tr->h, tr->w, classes);
  return g_strdup_printf (_ ("%s training and %s test samples of %d features, %s"), n_train, n_test,
                          (int)kd_dataset_dim (tr), classes);
}

char *
ds_data_spec_display_name (const char *spec)
{
  static const struct
  {
    const char *spec;
    const char *name;
  } names[] = {
    { "synthetic-digits", N_ ("Synthetic digits") },
    { "spirals", N_ ("Spirals") },
    { "moons", N_ ("Moons") },
    { "blobs", N_ ("Blobs") },
    { "xor", N_ ("XOR") },
    { "rings", N_ ("Rings") },
    { "fashion-mnist", N_ ("Fashion-MNIST") },
  };

  g_return_val_if_fail (spec != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (spec, names[i].spec))
      return g_strdup (_ (names[i].name));

  g_autofree char *base = g_path_get_basename (spec);
  return g_filename_display_name (base);
}
