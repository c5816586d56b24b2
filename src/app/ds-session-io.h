/* ds-session-io.h — session files and the state the application holds: a snapshot, the
 * configuration it was trained with and the data it was trained on.
 *
 * Loading and saving run in GTask threads: a session holds megabytes of weights.
 */
#pragma once

#include <gio/gio.h>

#include "kd_session.h"

G_BEGIN_DECLS

/* The input the networks of a snapshot were built for. */
typedef struct
{
  int c, h, w;
  int n_classes;
} DsInputShape;

/* A finished-looking snapshot (reference 1) of a loaded session: its weights, history and
 * results. NULL when memory runs out. */
KdSnapshot *ds_snapshot_new_from_session (const KdSession *session);

/* A session from a snapshot and what produced it; fails only on a snapshot that does not fit
 * the architectures (a programming error) or when memory runs out. */
KdSession *ds_session_new_from_snapshot (const KdSnapshot *snapshot,
                                         const KdTrainConfig *config,
                                         const char *data_spec,
                                         int train_limit,
                                         int test_limit,
                                         const DsInputShape *shape,
                                         GError **error);

/* Takes ownership of session. */
void ds_session_save_async (KdSession *session,
                            GFile *file,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data);
gboolean ds_session_save_finish (GAsyncResult *result, GError **error);

void ds_session_load_async (GFile *file,
                            GCancellable *cancellable,
                            GAsyncReadyCallback callback,
                            gpointer user_data);
KdSession *ds_session_load_finish (GAsyncResult *result, GError **error);

G_END_DECLS
