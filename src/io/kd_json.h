/* kd_json.h — JSON writing and reading helpers shared by src/io and the CLI.
 *
 * json-glib 1.6 prints doubles with 17 digits (0.7 as 0.69999999999999996) and exponents with
 * a stray ".0" ("1e-08.0", "nan.0"), which no other JSON reader accepts. Everything written
 * here goes through kd_json_to_text(), which prints every fractional number in its shortest
 * exact form, so the text is valid JSON and reads back as the same doubles.
 *
 * JSON has no NaN or infinity. The convention throughout: NaN is null, infinities are the
 * strings "inf" and "-inf"; kd_json_add_double() writes them so and kd_json_node_to_double()
 * reads them back.
 *
 * The getters report problems as KD_IO_ERROR_BAD_VALUE naming the field; members they treat
 * as optional leave *out untouched when absent, so callers preset defaults.
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

/* ---- writing ---------------------------------------------------------------------------- */

/* `root` as valid JSON text: compact, or indented by two spaces when `pretty`. Fractional
 * numbers are printed shortest-exact (0.7, 1e-08, -0.0), integers as they are; a non-finite
 * double left in the tree is written as null or "inf" / "-inf". Free with g_free(). */
gchar *kd_json_to_text (JsonNode *root, gboolean pretty);
/* The same for the root `builder` has built (its objects and arrays closed). */
gchar *kd_json_builder_to_text (JsonBuilder *builder, gboolean pretty);

/* Adds a double value: NaN as null, infinities as "inf" / "-inf". */
void kd_json_add_double (JsonBuilder *builder, double v);
/* Adds a float as the shortest decimal that reads back as the same float, so that 0.9f is
 * written 0.9 rather than 0.899999976158142 (the float widened to double). */
void kd_json_add_float (JsonBuilder *builder, float f);

/* ---- reading ---------------------------------------------------------------------------- */

/* The string `node` holds, or NULL for a missing node or anything else (json-glib's own
 * getters warn instead). */
const char *kd_json_node_string (JsonNode *node);
/* A number, null (NaN) or "inf" / "-inf" in *out; FALSE for anything else. */
gboolean kd_json_node_to_double (JsonNode *node, double *out);
/* An integer (not a fractional number) in *out; FALSE for anything else. */
gboolean kd_json_node_to_int (JsonNode *node, gint64 *out);

/* Sets KD_IO_ERROR_BAD_VALUE "field “name” problem" and returns FALSE. */
gboolean kd_json_field_error (GError **error, const char *name, const char *problem);

/* Optional integer member within [lo, hi]. */
gboolean kd_json_get_int (
    JsonObject *o, const char *name, gint64 lo, gint64 hi, gint64 *out, GError **error);
gboolean
kd_json_get_int32 (JsonObject *o, const char *name, int lo, int hi, int *out, GError **error);
/* Optional number member; null and "inf" / "-inf" are accepted unless `finite`. */
gboolean
kd_json_get_double (JsonObject *o, const char *name, gboolean finite, double *out, GError **error);
/* Optional string member, copied into buf[len]; one that does not fit is an error. */
gboolean kd_json_get_string (JsonObject *o, const char *name, char *buf, gsize len, GError **error);
/* Required array member with exactly n elements (any length when n < 0); NULL (error set) if
 * it is missing, not an array, of the wrong length, or `o` is NULL. Owned by `o`. */
JsonArray *kd_json_get_array (JsonObject *o, const char *name, gint64 n, GError **error);
/* Required object member; NULL (error set) if it is missing or not an object. Owned by `o`. */
JsonObject *kd_json_get_object (JsonObject *o, const char *name, GError **error);

/* Parses `text` (len bytes, or NUL-terminated when len < 0) into `parser` and returns its root
 * object, owned by `parser`; NULL with KD_IO_ERROR_BAD_VALUE "<what> is not JSON (...)" or
 * "<what> is not a JSON object" otherwise. */
JsonObject *kd_json_parse_object (
    JsonParser *parser, const char *text, gssize len, const char *what, GError **error);
