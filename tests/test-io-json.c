/* test-io-json.c — kd_json: valid, shortest-exact number text (compact and pretty) that
 * json-glib reads back as the same values, the NaN / infinity convention, and the getters. */
#include <float.h>
#include <glib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "kd_io_error.h"
#include "kd_json.h"

static const double sample_doubles[] = {
  1e-8, 0.7,    0.1 + 0.2, 1e300,   -0.0,   0.0,   3.0,        -2.5, 1e21,
  1e22, 1e-300, DBL_MAX,   DBL_MIN, 5e-324, -1e-8, 123456.789, G_PI, 1.0 / 3.0,
};

/* json-glib 1.6's bug: a ".0" glued after an exponent ("1e-08.0"); also no bare nan/inf. */
static void
assert_valid_number_text (const char *text)
{
  g_autoptr (GRegex) glued = g_regex_new ("[eE][+-]?[0-9]+\\.", 0, 0, NULL);
  g_autoptr (GRegex) bare = g_regex_new ("(^|[\\[,:\\s])-?(nan|inf)", 0, 0, NULL);
  gboolean invalid = g_regex_match (glued, text, 0, NULL) || g_regex_match (bare, text, 0, NULL);
  if (invalid)
    g_test_message ("invalid number in JSON text: %s", text);
  g_assert_false (invalid);
}

static JsonNode *
parse (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_assert_true (json_parser_load_from_data (parser, text, -1, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static void
assert_same_double (double got, double want)
{
  g_assert_cmpmem (&got, sizeof got, &want, sizeof want);
}

static gchar *
doubles_text (const double *v, gsize n, gboolean pretty)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
  for (gsize i = 0; i < n; i++)
    kd_json_add_double (b, v[i]);
  json_builder_end_array (b);
  return kd_json_builder_to_text (b, pretty);
}

/* Writes `v`, compact and pretty, and checks json-glib reads back the same bits. */
static void
check_doubles_roundtrip (const double *v, gsize n)
{
  for (int pretty = 0; pretty <= 1; pretty++)
    {
      g_autofree char *text = doubles_text (v, n, pretty);
      assert_valid_number_text (text);
      g_autoptr (JsonNode) root = parse (text);
      JsonArray *a = json_node_get_array (root);
      g_assert_cmpuint (json_array_get_length (a), ==, n);
      for (gsize i = 0; i < n; i++)
        {
          double d = NAN;
          g_assert_true (kd_json_node_to_double (json_array_get_element (a, (guint)i), &d));
          assert_same_double (d, v[i]);
        }
    }
}

static void
test_numbers_roundtrip (void)
{
  check_doubles_roundtrip (sample_doubles, G_N_ELEMENTS (sample_doubles));
}

/* Random bit patterns cover every exponent, subnormals included. */
static void
test_numbers_random (void)
{
  enum
  {
    N = 2000
  };
  g_autofree double *v = g_new (double, N);
  for (int i = 0; i < N; i++)
    {
      guint64 bits;
      do
        {
          bits = ((guint64)g_test_rand_int () << 32) | (guint32)g_test_rand_int ();
          memcpy (&v[i], &bits, sizeof bits);
        }
      while (!isfinite (v[i]));
    }
  check_doubles_roundtrip (v, N);
}

static void
test_numbers_shortest (void)
{
  const double v[] = { 1e-8, 0.7, 0.1 + 0.2, 1e300, -0.0, 3.0, 1e21, -2.5 };
  g_autofree char *text = doubles_text (v, G_N_ELEMENTS (v), FALSE);
  g_assert_cmpstr (text, ==, "[1e-08,0.7,0.30000000000000004,1e+300,-0.0,3.0,1e+21,-2.5]");
}

static void
test_non_finite (void)
{
  const double v[] = { NAN, INFINITY, -INFINITY };
  g_autofree char *text = doubles_text (v, G_N_ELEMENTS (v), FALSE);
  g_assert_cmpstr (text, ==, "[null,\"inf\",\"-inf\"]");

  g_autoptr (JsonNode) root = parse (text);
  JsonArray *a = json_node_get_array (root);
  double d = 0;
  g_assert_true (kd_json_node_to_double (json_array_get_element (a, 0), &d));
  g_assert_true (isnan (d));
  g_assert_true (kd_json_node_to_double (json_array_get_element (a, 1), &d));
  g_assert_true (isinf (d) && d > 0);
  g_assert_true (kd_json_node_to_double (json_array_get_element (a, 2), &d));
  g_assert_true (isinf (d) && d < 0);
}

/* Non-finite doubles added with json-glib's own call still give valid JSON. */
static void
test_non_finite_in_tree (void)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "nan");
  json_builder_add_double_value (b, NAN);
  json_builder_set_member_name (b, "inf");
  json_builder_add_double_value (b, INFINITY);
  json_builder_set_member_name (b, "minus_inf");
  json_builder_add_double_value (b, -INFINITY);
  json_builder_set_member_name (b, "flags");
  json_builder_begin_array (b);
  json_builder_add_boolean_value (b, TRUE);
  json_builder_add_boolean_value (b, FALSE);
  json_builder_add_null_value (b);
  json_builder_end_array (b);
  json_builder_end_object (b);
  g_autofree char *text = kd_json_builder_to_text (b, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"nan\":null,\"inf\":\"inf\",\"minus_inf\":\"-inf\","
                   "\"flags\":[true,false,null]}");
  g_autoptr (JsonNode) root = parse (text);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
}

static void
test_integers (void)
{
  const gint64 v[]
      = { 0, -1, 42, G_MAXINT32, (gint64)1 << 53, ((gint64)1 << 53) + 1, G_MAXINT64, G_MININT64 };
  for (int pretty = 0; pretty <= 1; pretty++)
    {
      g_autoptr (JsonBuilder) b = json_builder_new ();
      json_builder_begin_array (b);
      for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
        json_builder_add_int_value (b, v[i]);
      json_builder_end_array (b);
      g_autofree char *text = kd_json_builder_to_text (b, pretty);
      g_assert_nonnull (strstr (text, "9223372036854775807"));
      g_assert_nonnull (strstr (text, "-9223372036854775808"));
      g_autoptr (JsonNode) root = parse (text);
      JsonArray *a = json_node_get_array (root);
      for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
        {
          gint64 got = 0;
          g_assert_true (kd_json_node_to_int (json_array_get_element (a, (guint)i), &got));
          g_assert_cmpint (got, ==, v[i]);
        }
    }
}

/* Digits inside strings, keys included, are not numbers and stay as they are. */
static void
test_strings_untouched (void)
{
  static const char *const strings[]
      = { "1e-08.0", "0.69999999999999996", "quote \" 1.50 \\ 2.0e5", "-inf", "nan", "é 3.0" };
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  for (gsize i = 0; i < G_N_ELEMENTS (strings); i++)
    {
      json_builder_set_member_name (b, strings[i]);
      json_builder_add_string_value (b, strings[i]);
    }
  json_builder_end_object (b);
  for (int pretty = 0; pretty <= 1; pretty++)
    {
      g_autoptr (JsonNode) tree = json_builder_get_root (b);
      g_autofree char *text = kd_json_to_text (tree, pretty);
      g_autoptr (JsonNode) root = parse (text);
      JsonObject *o = json_node_get_object (root);
      g_assert_cmpuint (json_object_get_size (o), ==, G_N_ELEMENTS (strings));
      for (gsize i = 0; i < G_N_ELEMENTS (strings); i++)
        g_assert_cmpstr (json_object_get_string_member (o, strings[i]), ==, strings[i]);
    }
}

/* Pretty output is indented by two spaces and holds the same values as the compact one. */
static void
test_pretty (void)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "eps");
  kd_json_add_double (b, 1e-8);
  json_builder_set_member_name (b, "nested");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "values");
  json_builder_begin_array (b);
  for (gsize i = 0; i < G_N_ELEMENTS (sample_doubles); i++)
    kd_json_add_double (b, sample_doubles[i]);
  json_builder_add_int_value (b, G_MININT64);
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  g_autoptr (JsonNode) tree = json_builder_get_root (b);
  g_autofree char *compact = kd_json_to_text (tree, FALSE);
  g_autofree char *pretty = kd_json_to_text (tree, TRUE);
  assert_valid_number_text (compact);
  assert_valid_number_text (pretty);
  g_assert_null (strchr (compact, '\n'));
  g_assert_true (g_str_has_prefix (pretty, "{\n  \"eps\" : 1e-08,\n  \"nested\" : {\n    \""));

  /* Both read back to trees that print the same compact text. */
  g_autoptr (JsonNode) from_pretty = parse (pretty);
  g_autoptr (JsonNode) from_compact = parse (compact);
  g_autofree char *again = kd_json_to_text (from_pretty, FALSE);
  g_assert_cmpstr (again, ==, compact);
  g_assert_true (json_node_equal (from_pretty, from_compact));
}

static void
test_float (void)
{
  const float v[] = { 0.9f, 1e-8f, 0.1f, 4.0f, 0.001f, 0.999f, FLT_MAX, FLT_MIN, -3.25f, 1e-45f };
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    kd_json_add_float (b, v[i]);
  kd_json_add_float (b, NAN);
  json_builder_end_array (b);
  g_autofree char *text = kd_json_builder_to_text (b, FALSE);
  assert_valid_number_text (text);
  g_assert_true (g_str_has_prefix (text, "[0.9,1e-08,0.1,4.0,0.001,0.999,"));
  g_assert_true (g_str_has_suffix (text, ",null]"));
  g_autoptr (JsonNode) root = parse (text);
  JsonArray *a = json_node_get_array (root);
  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      double d = NAN;
      g_assert_true (kd_json_node_to_double (json_array_get_element (a, (guint)i), &d));
      g_assert_cmpmem (&(float){ (float)d }, sizeof (float), &v[i], sizeof (float));
    }
}

static JsonObject *
getters_object (JsonParser *parser)
{
  static const char text[] = "{\"i\": 7, \"big\": 9223372036854775807, \"f\": 0.5, \"n\": null,"
                             " \"inf\": \"-inf\", \"s\": \"hello\", \"a\": [1, 2], \"o\": {}}";
  g_autoptr (GError) error = NULL;
  JsonObject *o = kd_json_parse_object (parser, text, -1, "the test object", &error);
  g_assert_no_error (error);
  g_assert_nonnull (o);
  return o;
}

static void
assert_field_error (GError *error, const char *field)
{
  g_assert_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_VALUE);
  g_assert_nonnull (strstr (error->message, field));
}

static void
test_getters_numbers (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = getters_object (parser);
  g_autoptr (GError) error = NULL;
  gint64 i64 = -5;
  int i32 = -5;
  double d = -5;

  g_assert_true (kd_json_get_int (o, "absent", 0, 10, &i64, &error));
  g_assert_cmpint (i64, ==, -5);
  g_assert_true (kd_json_get_int (o, "big", 0, G_MAXINT64, &i64, &error));
  g_assert_cmpint (i64, ==, G_MAXINT64);
  g_assert_true (kd_json_get_int32 (o, "i", 0, 10, &i32, &error));
  g_assert_cmpint (i32, ==, 7);
  g_assert_no_error (error);
  g_assert_false (kd_json_get_int32 (o, "i", 0, 5, &i32, &error));
  assert_field_error (error, "“i” is out of range");
  g_clear_error (&error);
  g_assert_false (kd_json_get_int32 (o, "big", G_MININT, G_MAXINT, &i32, &error));
  assert_field_error (error, "“big”");
  g_clear_error (&error);
  g_assert_false (kd_json_get_int (o, "f", 0, 10, &i64, &error));
  assert_field_error (error, "“f” must be an integer");
  g_clear_error (&error);

  g_assert_true (kd_json_get_double (o, "f", TRUE, &d, &error));
  g_assert_cmpfloat (d, ==, 0.5);
  g_assert_true (kd_json_get_double (o, "i", TRUE, &d, &error));
  g_assert_cmpfloat (d, ==, 7.0);
  g_assert_true (kd_json_get_double (o, "n", FALSE, &d, &error));
  g_assert_true (isnan (d));
  g_assert_true (kd_json_get_double (o, "inf", FALSE, &d, &error));
  g_assert_true (isinf (d) && d < 0);
  g_assert_no_error (error);
  g_assert_false (kd_json_get_double (o, "n", TRUE, &d, &error));
  assert_field_error (error, "“n” must be a number");
  g_clear_error (&error);
  g_assert_false (kd_json_get_double (o, "s", FALSE, &d, &error));
  assert_field_error (error, "“s”");
}

static void
test_getters_structure (void)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = getters_object (parser);
  g_autoptr (GError) error = NULL;
  char buf[6] = "keep";
  char small[4] = "";

  g_assert_true (kd_json_get_string (o, "absent", buf, sizeof buf, &error));
  g_assert_cmpstr (buf, ==, "keep");
  g_assert_true (kd_json_get_string (o, "s", buf, sizeof buf, &error));
  g_assert_cmpstr (buf, ==, "hello");
  g_assert_no_error (error);
  g_assert_false (kd_json_get_string (o, "s", small, sizeof small, &error));
  assert_field_error (error, "“s” is too long");
  g_clear_error (&error);
  g_assert_false (kd_json_get_string (o, "i", buf, sizeof buf, &error));
  assert_field_error (error, "“i” must be a string");
  g_clear_error (&error);

  g_assert_nonnull (kd_json_get_array (o, "a", 2, &error));
  g_assert_nonnull (kd_json_get_array (o, "a", -1, &error));
  g_assert_nonnull (kd_json_get_object (o, "o", &error));
  g_assert_no_error (error);
  g_assert_null (kd_json_get_array (o, "a", 3, &error));
  assert_field_error (error, "“a” has the wrong length");
  g_clear_error (&error);
  g_assert_null (kd_json_get_array (o, "absent", -1, &error));
  assert_field_error (error, "“absent” must be an array");
  g_clear_error (&error);
  g_assert_null (kd_json_get_object (o, "a", &error));
  assert_field_error (error, "“a” must be an object");
}

static void
test_parse_object_errors (void)
{
  static const char *const not_json[] = { "", "{", "{\"a\": 1e-08.0}", "nan" };
  for (gsize i = 0; i < G_N_ELEMENTS (not_json); i++)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;
      g_assert_null (kd_json_parse_object (parser, not_json[i], -1, "the thing", &error));
      g_assert_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_VALUE);
      g_assert_true (g_str_has_prefix (error->message, "the thing is not"));
    }
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  g_assert_null (kd_json_parse_object (parser, "[1, 2]", -1, "the thing", &error));
  g_assert_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_VALUE);
  g_assert_cmpstr (error->message, ==, "the thing is not a JSON object");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/json/numbers/roundtrip", test_numbers_roundtrip);
  g_test_add_func ("/io/json/numbers/random", test_numbers_random);
  g_test_add_func ("/io/json/numbers/shortest", test_numbers_shortest);
  g_test_add_func ("/io/json/numbers/non-finite", test_non_finite);
  g_test_add_func ("/io/json/numbers/non-finite-in-tree", test_non_finite_in_tree);
  g_test_add_func ("/io/json/numbers/integers", test_integers);
  g_test_add_func ("/io/json/numbers/float", test_float);
  g_test_add_func ("/io/json/strings", test_strings_untouched);
  g_test_add_func ("/io/json/pretty", test_pretty);
  g_test_add_func ("/io/json/getters/numbers", test_getters_numbers);
  g_test_add_func ("/io/json/getters/structure", test_getters_structure);
  g_test_add_func ("/io/json/parse-object-errors", test_parse_object_errors);
  return g_test_run ();
}
