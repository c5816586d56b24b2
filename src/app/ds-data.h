/* ds-data.h — a loaded training/test pair, shared by reference.
 *
 * Immutable once loaded, so the UI, the training worker and analysis threads can hold it at
 * the same time; the datasets are freed with the last reference.
 */
#pragma once

#include <gio/gio.h>

#include "kd_dataset.h"

G_BEGIN_DECLS

#define DS_TYPE_DATA (ds_data_get_type ())

typedef struct _DsData DsData;

struct _DsData
{
  KdDataset *train;
  KdDataset *test;
  char *spec; /* what kd_loader_load was given: a built-in name or a path */
  guint64 seed;
  int train_limit; /* <= 0: all */
  int test_limit;
};

GType ds_data_get_type (void) G_GNUC_CONST;
DsData *ds_data_ref (DsData *data);
void ds_data_unref (DsData *data);

gboolean ds_data_matches (
    const DsData *data, const char *spec, guint64 seed, int train_limit, int test_limit);

/* Loads in a worker thread; the callback runs on the caller's main context. */
void ds_data_load_async (const char *spec,
                         guint64 seed,
                         int train_limit,
                         int test_limit,
                         GCancellable *cancellable,
                         GAsyncReadyCallback callback,
                         gpointer user_data);
DsData *ds_data_load_finish (GAsyncResult *result, GError **error);

/* A translated one-line summary: "12,000 training and 2,000 test samples of 28×28, 10 classes". */
char *ds_data_describe (const DsData *data);

/* A translated name for a data spec: "Synthetic digits", "Fashion-MNIST", or a file's name. */
char *ds_data_spec_display_name (const char *spec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DsData, ds_data_unref)

G_END_DECLS
