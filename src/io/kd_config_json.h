/* kd_config_json.h — the training configuration as JSON: the session file's "config" section
 * and the CLI's --json output.
 *
 * Float fields are written as the shortest decimal that restores them exactly (0.9, 1e-08);
 * seeds beyond the signed 64-bit range are written as strings. Reading starts from the
 * defaults: absent members keep them (for optimizer fields, the defaults of the optimizer the
 * object names), unknown members are ignored.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "kd_train.h"

/* The configuration as a compact JSON object. Free with g_free(). */
gchar *kd_train_config_to_json (const KdTrainConfig *cfg);
/* Fails with KD_IO_ERROR_BAD_VALUE for text that is not a JSON object, a member of the wrong
 * type, or a configuration kd_train_config_check() refuses; *cfg is untouched then. */
gboolean kd_train_config_from_json (const char *json, KdTrainConfig *cfg, GError **error);

/* Writes the configuration's members into the object `builder` has open, so a caller can add
 * members of its own next to them. */
void kd_train_config_add_members (JsonBuilder *builder, const KdTrainConfig *cfg);
/* kd_train_config_from_json() for an object already parsed. */
gboolean kd_train_config_from_object (JsonObject *o, KdTrainConfig *cfg, GError **error);
