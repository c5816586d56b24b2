/* kd_json.c — JSON text without json-glib 1.6's number bugs, and getters that name the field.
 *
 * json-glib prints a double with g_ascii_dtostr() (17 significant digits) and appends ".0"
 * whenever the result has no '.', even after an exponent or to "nan" / "inf". Rather than
 * re-implement the generator, kd_json_to_text() lets it run and then rewrites the numbers of
 * its output: strings are copied untouched, integers too, and every other number is printed
 * again with the fewest digits that read back as the same double.
 */
#include "kd_json.h"

#include <math.h>
#include <string.h>

#include "kd_io_error.h"

/* ---- writing ---------------------------------------------------------------------------- */

/* Copies the string literal at p (escapes included); returns the position after it. */
static const char *
copy_string_literal (GString *out, const char *p)
{
  const char *q = p + 1;
  while (*q && *q != '"')
    q += (q[0] == '\\' && q[1]) ? 2 : 1;
  q += *q == '"';
  g_string_append_len (out, p, q - p);
  return q;
}

/* Copies the number at p, a fractional one in its shortest exact form. */
static const char *
copy_number (GString *out, const char *p)
{
  static const char *const formats[]
      = { "%.1g",  "%.2g",  "%.3g",  "%.4g",  "%.5g",  "%.6g",  "%.7g",  "%.8g", "%.9g",
          "%.10g", "%.11g", "%.12g", "%.13g", "%.14g", "%.15g", "%.16g", "%.17g" };
  gsize len = strspn (p, "0123456789+-.eE");
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (!memchr (p, '.', len) && !memchr (p, 'e', len) && !memchr (p, 'E', len))
    {
      g_string_append_len (out, p, (gssize)len);
      return p + len;
    }
  double d = g_ascii_strtod (p, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    if (g_ascii_strtod (g_ascii_formatd (buf, sizeof buf, formats[i], d), NULL) == d)
      break;
  g_string_append (out, buf);
  /* Keeps a whole double a double ("3.0", "-0.0") when it is read back. */
  if (!strpbrk (buf, ".e"))
    g_string_append (out, ".0");
  return p + len;
}

static gboolean
word_is (const char *w, gsize len, const char *word)
{
  return strlen (word) == len && memcmp (w, word, len) == 0;
}

/* Copies the bare word at p: true, false or null. Any other word is a non-finite double that
 * reached the tree without kd_json_add_double() ("nan.0", "-inf.0"); it is written the way
 * that function would have. */
static const char *
copy_word (GString *out, const char *p)
{
  gboolean negative = *p == '-';
  const char *w = p + negative;
  gsize len = 0;
  while (g_ascii_isalpha (w[len]))
    len++;
  if (!negative
      && (word_is (w, len, "true") || word_is (w, len, "false") || word_is (w, len, "null")))
    {
      g_string_append_len (out, w, (gssize)len);
      return w + len;
    }
  if (word_is (w, len, "inf"))
    g_string_append (out, negative ? "\"-inf\"" : "\"inf\"");
  else
    g_string_append (out, "null");
  w += len;
  return w + strspn (w, "0123456789.");
}

/* Rewrites every number of json-glib's output; whitespace and punctuation pass through, so
 * compact and pretty output are handled alike. */
static char *
tidy_numbers (const char *text)
{
  GString *out = g_string_sized_new (strlen (text));
  const char *p = text;
  while (*p)
    {
      if (*p == '"')
        p = copy_string_literal (out, p);
      else if (g_ascii_isalpha (*p) || (*p == '-' && g_ascii_isalpha (p[1])))
        p = copy_word (out, p);
      else if (*p == '-' || g_ascii_isdigit (*p))
        p = copy_number (out, p);
      else
        g_string_append_c (out, *p++);
    }
  return g_string_free (out, FALSE);
}

gchar *
kd_json_to_text (JsonNode *root, gboolean pretty)
{
  g_return_val_if_fail (root != NULL, NULL);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  json_generator_set_pretty (gen, pretty);
  json_generator_set_indent (gen, 2);
  json_generator_set_indent_char (gen, ' ');
  json_generator_set_root (gen, root);
  g_autofree char *text = json_generator_to_data (gen, NULL);
  return tidy_numbers (text);
}

gchar *
kd_json_builder_to_text (JsonBuilder *builder, gboolean pretty)
{
  g_return_val_if_fail (JSON_IS_BUILDER (builder), NULL);
  g_autoptr (JsonNode) root = json_builder_get_root (builder);
  g_return_val_if_fail (root != NULL, NULL);
  return kd_json_to_text (root, pretty);
}

void
kd_json_add_double (JsonBuilder *builder, double v)
{
  g_return_if_fail (JSON_IS_BUILDER (builder));
  if (isnan (v))
    json_builder_add_null_value (builder);
  else if (isinf (v))
    json_builder_add_string_value (builder, v > 0 ? "inf" : "-inf");
  else
    json_builder_add_double_value (builder, v);
}

/* The double closest to the shortest decimal that reads back as f; it restores f bit for
 * bit. */
static double
float_as_decimal (float f)
{
  static const char *const formats[] = { "%.6g", "%.7g", "%.8g", "%.9g" };
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  if (!isfinite (f))
    return f;
  for (gsize i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      double d = g_ascii_strtod (g_ascii_formatd (buf, sizeof buf, formats[i], f), NULL);
      if ((float)d == f)
        return d;
    }
  return f;
}

void
kd_json_add_float (JsonBuilder *builder, float f)
{
  kd_json_add_double (builder, float_as_decimal (f));
}

/* ---- reading ---------------------------------------------------------------------------- */

const char *
kd_json_node_string (JsonNode *node)
{
  if (!node || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gboolean
kd_json_node_to_double (JsonNode *node, double *out)
{
  g_return_val_if_fail (out != NULL, FALSE);
  if (!node)
    return FALSE;
  if (JSON_NODE_HOLDS_NULL (node))
    {
      *out = NAN;
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  GType type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
    {
      *out = json_node_get_double (node);
      return TRUE;
    }
  const char *s = kd_json_node_string (node);
  if (s && (g_str_equal (s, "inf") || g_str_equal (s, "-inf")))
    {
      *out = s[0] == '-' ? -INFINITY : INFINITY;
      return TRUE;
    }
  return FALSE;
}

gboolean
kd_json_node_to_int (JsonNode *node, gint64 *out)
{
  g_return_val_if_fail (out != NULL, FALSE);
  if (!node || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_int (node);
  return TRUE;
}

gboolean
kd_json_field_error (GError **error, const char *name, const char *problem)
{
  g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_VALUE, "field “%s” %s", name, problem);
  return FALSE;
}

gboolean
kd_json_get_int (JsonObject *o, const char *name, gint64 lo, gint64 hi, gint64 *out, GError **error)
{
  JsonNode *node = json_object_get_member (o, name);
  gint64 v;
  if (!node)
    return TRUE;
  if (!kd_json_node_to_int (node, &v))
    return kd_json_field_error (error, name, "must be an integer");
  if (v < lo || v > hi)
    return kd_json_field_error (error, name, "is out of range");
  *out = v;
  return TRUE;
}

gboolean
kd_json_get_int32 (JsonObject *o, const char *name, int lo, int hi, int *out, GError **error)
{
  gint64 v = *out;
  if (!kd_json_get_int (o, name, lo, hi, &v, error))
    return FALSE;
  *out = (int)v;
  return TRUE;
}

gboolean
kd_json_get_double (JsonObject *o, const char *name, gboolean finite, double *out, GError **error)
{
  JsonNode *node = json_object_get_member (o, name);
  double v;
  if (!node)
    return TRUE;
  if (!kd_json_node_to_double (node, &v) || (finite && !isfinite (v)))
    return kd_json_field_error (error, name, "must be a number");
  *out = v;
  return TRUE;
}

gboolean
kd_json_get_string (JsonObject *o, const char *name, char *buf, gsize len, GError **error)
{
  JsonNode *node = json_object_get_member (o, name);
  if (!node)
    return TRUE;
  if (!kd_json_node_string (node))
    return kd_json_field_error (error, name, "must be a string");
  if (g_strlcpy (buf, kd_json_node_string (node), len) >= len)
    return kd_json_field_error (error, name, "is too long");
  return TRUE;
}

JsonArray *
kd_json_get_array (JsonObject *o, const char *name, gint64 n, GError **error)
{
  JsonNode *node = o ? json_object_get_member (o, name) : NULL;
  JsonArray *a = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  if (!a)
    kd_json_field_error (error, name, "must be an array");
  else if (n >= 0 && json_array_get_length (a) != (guint)n)
    {
      kd_json_field_error (error, name, "has the wrong length");
      return NULL;
    }
  return a;
}

JsonObject *
kd_json_get_object (JsonObject *o, const char *name, GError **error)
{
  JsonNode *node = json_object_get_member (o, name);
  if (!node || !JSON_NODE_HOLDS_OBJECT (node))
    {
      kd_json_field_error (error, name, "must be an object");
      return NULL;
    }
  return json_node_get_object (node);
}

JsonObject *
kd_json_parse_object (
    JsonParser *parser, const char *text, gssize len, const char *what, GError **error)
{
  g_autoptr (GError) local = NULL;
  if (!json_parser_load_from_data (parser, text, len, &local))
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_VALUE, "%s is not JSON (%s)", what,
                   local->message);
      return NULL;
    }
  JsonNode *root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_VALUE, "%s is not a JSON object", what);
      return NULL;
    }
  return json_node_get_object (root);
}
