/* test-io-session.c — session files: round trips, the safetensors layout, and refusal of
 * truncated, damaged, foreign, newer and inconsistent files. */
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <zlib.h>

#include "kd_io_error.h"
#include "kd_session.h"

static char *tmp_dir;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmp_dir, name, NULL);
}

static KdNet *
make_net (const char *arch_text, guint64 seed)
{
  KdArch arch;
  KdNet *net = NULL;
  KdRng rng;
  g_assert_cmpint (kd_arch_parse (arch_text, &arch, NULL), ==, KD_OK);
  g_assert_cmpint (kd_net_new (&arch, 1, 8, 8, 4, 16, &net), ==, KD_OK);
  kd_rng_seed (&rng, seed);
  kd_net_init_weights (net, &rng);
  return net;
}

static void
fill_history (KdHistory *h, int n)
{
  h->n = h->cap = n;
  h->points = g_new0 (KdHistoryPoint, n);
  for (int i = 0; i < n; i++)
    {
      KdHistoryPoint *p = &h->points[i];
      p->step = 20L * (i + 1);
      p->epoch = 0.25f * (float)(i + 1) / 3.0f;
      p->phase = (KdPhase)(i % 4);
      p->temperature = 4.0f - 0.1f * (float)i;
      for (int m = 0; m < KD_N_MODELS; m++)
        {
          p->loss[m] = 1.0f / (float)(i + m + 1);
          p->train_acc[m] = 0.1f * (float)m + 0.01f * (float)i;
          p->test_acc[m] = i % 2 ? NAN : 0.7f + 0.001f * (float)i;
        }
    }
  if (n > 2)
    {
      h->points[1].loss[KD_STUDENT] = INFINITY;
      h->points[2].loss[KD_TEACHER] = -0.0f;
      h->points[2].loss[KD_BASELINE] = 1e-30f;
    }
}

static KdSession *
make_session (int history_points)
{
  KdSession *s = kd_session_new ();
  g_strlcpy (s->config.teacher_arch, "conv4-pool-fc16", sizeof s->config.teacher_arch);
  g_strlcpy (s->config.student_arch, "fc8", sizeof s->config.student_arch);
  s->config.mode = KD_MODE_ONLINE;
  kd_optim_config_default (&s->config.optim, KD_OPTIM_SGD);
  s->config.optim.momentum = 0.9f;
  s->config.alpha = 0.7f;
  s->config.T0 = 8.0f, s->config.T1 = 1.5f;
  s->config.seed = G_MAXUINT64 - 5; /* beyond JSON integers: exercises the string form */
  g_strlcpy (s->data_spec, "digits:seed=3 “quoted” \\ path", sizeof s->data_spec);
  s->train_limit = 3000, s->test_limit = -1;
  s->nets[KD_TEACHER] = make_net ("conv4-pool-fc16", 1);
  s->nets[KD_STUDENT] = make_net ("fc8", 2);
  s->nets[KD_BASELINE] = make_net ("fc8", 3);
  fill_history (&s->history, history_points);
  s->have_results = TRUE;
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      s->results.accuracy[m] = 0.9 - 0.05 * m;
      s->results.agreement[m] = m ? 0.8 + 0.01 * m : 1.0;
      s->results.kl[m] = m ? 0.1 * m : 0.0;
    }
  s->results.kl[KD_BASELINE] = NAN;
  s->results.temperature = 1.5f;
  return s;
}

static void
assert_same_float (float a, float b)
{
  guint32 x, y;
  memcpy (&x, &a, 4);
  memcpy (&y, &b, 4);
  if (isnan (a))
    g_assert_true (isnan (b));
  else
    g_assert_cmphex (x, ==, y);
}

static void
assert_same_double (double a, double b)
{
  if (isnan (a))
    g_assert_true (isnan (b));
  else
    g_assert_cmpfloat (a, ==, b);
}

static void
assert_same_net (const KdNet *a, const KdNet *b)
{
  char sa[512], sb[512];
  kd_arch_to_string (&a->arch, sa, sizeof sa);
  kd_arch_to_string (&b->arch, sb, sizeof sb);
  g_assert_cmpstr (sa, ==, sb);
  g_assert_cmpint (a->in_c, ==, b->in_c);
  g_assert_cmpint (a->in_h, ==, b->in_h);
  g_assert_cmpint (a->in_w, ==, b->in_w);
  g_assert_cmpint (a->n_classes, ==, b->n_classes);
  g_assert_cmpuint (a->n_params, ==, b->n_params);
  g_assert_cmpmem (a->params, a->n_params * sizeof (float), b->params,
                   b->n_params * sizeof (float));
}

static void
assert_same_history (const KdHistory *a, const KdHistory *b)
{
  g_assert_cmpint (a->n, ==, b->n);
  for (int i = 0; i < a->n; i++)
    {
      const KdHistoryPoint *p = &a->points[i], *q = &b->points[i];
      g_assert_cmpint (p->step, ==, q->step);
      g_assert_cmpint (p->phase, ==, q->phase);
      assert_same_float (p->epoch, q->epoch);
      assert_same_float (p->temperature, q->temperature);
      for (int m = 0; m < KD_N_MODELS; m++)
        {
          assert_same_float (p->loss[m], q->loss[m]);
          assert_same_float (p->train_acc[m], q->train_acc[m]);
          assert_same_float (p->test_acc[m], q->test_acc[m]);
        }
    }
}

static void
assert_same_config (const KdTrainConfig *a, const KdTrainConfig *b)
{
  g_assert_cmpstr (a->teacher_arch, ==, b->teacher_arch);
  g_assert_cmpstr (a->student_arch, ==, b->student_arch);
  g_assert_cmpint (a->teacher_epochs, ==, b->teacher_epochs);
  g_assert_cmpint (a->epochs, ==, b->epochs);
  assert_same_float (a->T0, b->T0);
  assert_same_float (a->T1, b->T1);
  assert_same_float (a->alpha, b->alpha);
  g_assert_cmpint (a->mode, ==, b->mode);
  g_assert_cmpint (a->optim.kind, ==, b->optim.kind);
  assert_same_float (a->optim.lr, b->optim.lr);
  assert_same_float (a->optim.momentum, b->optim.momentum);
  assert_same_float (a->optim.weight_decay, b->optim.weight_decay);
  assert_same_float (a->optim.beta1, b->optim.beta1);
  assert_same_float (a->optim.beta2, b->optim.beta2);
  assert_same_float (a->optim.eps, b->optim.eps);
  g_assert_cmpint (a->batch, ==, b->batch);
  g_assert_cmpuint (a->seed, ==, b->seed);
  g_assert_cmpint (a->threads, ==, b->threads);
  g_assert_cmpint (a->eval_every_epochs, ==, b->eval_every_epochs);
  g_assert_cmpint (a->history_every, ==, b->history_every);
}

static void
assert_same_session (const KdSession *a, const KdSession *b)
{
  assert_same_config (&a->config, &b->config);
  g_assert_cmpstr (a->data_spec, ==, b->data_spec);
  g_assert_cmpint (a->train_limit, ==, b->train_limit);
  g_assert_cmpint (a->test_limit, ==, b->test_limit);
  for (int m = 0; m < KD_N_MODELS; m++)
    assert_same_net (a->nets[m], b->nets[m]);
  assert_same_history (&a->history, &b->history);
  g_assert_cmpint (a->have_results, ==, b->have_results);
  if (!a->have_results)
    return;
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      assert_same_double (a->results.accuracy[m], b->results.accuracy[m]);
      assert_same_double (a->results.agreement[m], b->results.agreement[m]);
      assert_same_double (a->results.kl[m], b->results.kl[m]);
    }
  assert_same_float (a->results.temperature, b->results.temperature);
}

static GBytes *
read_bytes (const char *path)
{
  char *contents = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  return g_bytes_new_take (contents, len);
}

/* Plain stdio, without g_file_set_contents's fsync: the damage tests write thousands of
 * files. */
static void
write_bytes (const char *path, const void *data, gsize len)
{
  /* Unlinking first avoids ext4's flush on truncating an existing file. */
  g_unlink (path);
  FILE *fp = g_fopen (path, "wb");
  g_assert_nonnull (fp);
  g_assert_cmpuint (fwrite (data, 1, len, fp), ==, len);
  g_assert_cmpint (fclose (fp), ==, 0);
}

/* Saves a fresh session to `name` in the temporary directory; returns the path. */
static char *
save_session (const char *name, int history_points)
{
  g_autoptr (KdSession) s = make_session (history_points);
  g_autoptr (GError) error = NULL;
  char *path = tmp_path (name);
  g_assert_true (kd_session_save (s, path, &error));
  g_assert_no_error (error);
  return path;
}

static void
assert_refused (const char *path, KdIoError code, const char *fragment)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KdSession) s = kd_session_load (path, &error);
  g_autofree char *display = g_filename_display_name (path);
  g_assert_null (s);
  g_test_message ("refused: %s", error->message);
  g_assert_error (error, KD_IO_ERROR, (int)code);
  if (!strstr (error->message, display) || (fragment && !strstr (error->message, fragment)))
    g_error ("message “%s” should name the file and contain “%s”", error->message,
             fragment ? fragment : "");
}

/* ---- a safetensors header, parsed independently of kd_session.c ------------------------ */

typedef struct
{
  guint64 header_len;
  JsonParser *parser;
  JsonObject *header;
  JsonObject *meta; /* may be NULL */
  const guint8 *data;
  gsize data_len;
} Parsed;

static void
parsed_clear (Parsed *p)
{
  g_clear_object (&p->parser);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Parsed, parsed_clear)

static void
parse_file (GBytes *bytes, Parsed *p)
{
  gsize len;
  const guint8 *file = g_bytes_get_data (bytes, &len);
  g_assert_cmpuint (len, >=, 8);
  memcpy (&p->header_len, file, 8);
  p->header_len = GUINT64_FROM_LE (p->header_len);
  g_assert_cmpuint (p->header_len, <=, len - 8);
  p->parser = json_parser_new ();
  g_assert_true (
      json_parser_load_from_data (p->parser, (const char *)file + 8, (gssize)p->header_len, NULL));
  p->header = json_node_get_object (json_parser_get_root (p->parser));
  JsonNode *meta = json_object_get_member (p->header, "__metadata__");
  p->meta = meta ? json_node_get_object (meta) : NULL;
  p->data = file + 8 + p->header_len;
  p->data_len = len - 8 - p->header_len;
}

/* The documented rule: CRC-32 of key NUL value NUL over the v1 sections, in this order. */
static guint32
metadata_crc (JsonObject *meta)
{
  static const char *const keys[] = { "format",        "format_version", "config",  "model.teacher",
                                      "model.student", "model.baseline", "history", "results" };
  uLong crc = crc32 (0, NULL, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    if (json_object_has_member (meta, keys[i]))
      {
        const char *v = json_object_get_string_member (meta, keys[i]);
        crc = crc32 (crc, (const Bytef *)keys[i], (uInt)strlen (keys[i]) + 1);
        crc = crc32 (crc, (const Bytef *)v, (uInt)strlen (v) + 1);
      }
  return (guint32)crc;
}

/* Writes header + data as a safetensors file, padding the header as safetensors does. */
static void
write_safetensors (const char *path, JsonObject *header, const void *data, gsize data_len)
{
  g_autoptr (JsonNode) root = json_node_init_object (json_node_alloc (), header);
  g_autofree char *text = json_to_string (root, FALSE);
  gsize n = (strlen (text) + 7) & ~(gsize)7;
  g_autoptr (GByteArray) out = g_byte_array_new ();
  guint64 n_le = GUINT64_TO_LE ((guint64)n);
  g_byte_array_append (out, (const guint8 *)&n_le, 8);
  g_byte_array_append (out, (const guint8 *)text, (guint)strlen (text));
  for (gsize i = strlen (text); i < n; i++)
    g_byte_array_append (out, (const guint8 *)" ", 1);
  g_byte_array_append (out, data, (guint)data_len);
  write_bytes (path, out->data, out->len);
}

typedef void (*EditFunc) (JsonObject *header, JsonObject *meta, GByteArray *data);

/* Rewrites a saved session through `edit`; fix_crc re-signs the metadata afterwards, so
 * the edit itself (not the metadata checksum) is what the loader judges. */
static void
rewrite (const char *src, const char *dst, EditFunc edit, gboolean fix_crc)
{
  g_autoptr (GBytes) bytes = read_bytes (src);
  g_auto (Parsed) p = { 0 };
  parse_file (bytes, &p);
  g_autoptr (GByteArray) data = g_byte_array_new ();
  g_byte_array_append (data, p.data, (guint)p.data_len);
  edit (p.header, p.meta, data);
  if (fix_crc)
    {
      g_autofree char *crc = g_strdup_printf ("%08x", metadata_crc (p.meta));
      json_object_set_string_member (p.meta, "metadata_crc32", crc);
    }
  write_safetensors (dst, p.header, data->data, data->len);
}

/* ---- tests ----------------------------------------------------------------------------- */

static void
test_roundtrip (void)
{
  g_autoptr (KdSession) s = make_session (7);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = tmp_path ("roundtrip.safetensors");
  g_autofree char *again = tmp_path ("roundtrip-again.safetensors");
  g_assert_true (kd_session_save (s, path, &error));
  g_autoptr (KdSession) loaded = kd_session_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  assert_same_session (s, loaded);
  for (int m = 0; m < KD_N_MODELS; m++)
    g_assert_cmpint (loaded->nets[m]->max_batch, ==, 256);

  /* Saving what was loaded gives the same bytes: nothing drifts through a round trip. */
  g_assert_true (kd_session_save (loaded, again, &error));
  g_autoptr (GBytes) a = read_bytes (path);
  g_autoptr (GBytes) b = read_bytes (again);
  g_assert_true (g_bytes_equal (a, b));

  /* Without results and with an empty history. */
  g_clear_pointer (&s->history.points, g_free);
  s->history.n = s->history.cap = 0;
  s->have_results = FALSE;
  g_assert_true (kd_session_save (s, path, &error));
  g_autoptr (KdSession) bare = kd_session_load (path, &error);
  g_assert_no_error (error);
  assert_same_session (s, bare);
}

static int
span_compare (gconstpointer a, gconstpointer b)
{
  const gint64 *x = a, *y = b;
  return (x[0] > y[0]) - (x[0] < y[0]);
}

/* Checks a tensor entry as a safetensors reader would and returns its [begin, end). */
static void
check_entry (JsonObject *entry, gint64 span[2])
{
  g_assert_cmpstr (json_object_get_string_member (entry, "dtype"), ==, "F32");
  JsonArray *shape = json_object_get_array_member (entry, "shape");
  JsonArray *offsets = json_object_get_array_member (entry, "data_offsets");
  gint64 numel = 1;
  for (guint i = 0; i < json_array_get_length (shape); i++)
    numel *= json_array_get_int_element (shape, i);
  g_assert_cmpuint (json_array_get_length (offsets), ==, 2);
  span[0] = json_array_get_int_element (offsets, 0);
  span[1] = json_array_get_int_element (offsets, 1);
  g_assert_cmpint (span[1] - span[0], ==, numel * 4);
}

static void
test_safetensors_layout (void)
{
  g_autofree char *path = save_session ("layout.safetensors", 5);
  g_autoptr (GBytes) bytes = read_bytes (path);
  g_auto (Parsed) p = { 0 };
  parse_file (bytes, &p);
  g_assert_cmpuint (p.header_len % 8, ==, 0);
  g_assert_nonnull (p.meta);

  g_autoptr (GList) names = json_object_get_members (p.header);
  g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, 2 * sizeof (gint64));
  for (GList *l = names; l; l = l->next)
    {
      gint64 span[2];
      if (g_str_equal (l->data, "__metadata__"))
        continue;
      check_entry (json_object_get_object_member (p.header, l->data), span);
      g_array_append_vals (spans, span, 1);
      g_autofree char *key = g_strconcat ("crc32.", l->data, NULL);
      guint32 crc = (guint32)crc32 (0, p.data + span[0], (uInt)(span[1] - span[0]));
      g_autofree char *hex = g_strdup_printf ("%08x", crc);
      g_assert_cmpstr (json_object_get_string_member (p.meta, key), ==, hex);
    }
  /* Contiguous, in order, covering exactly the data. */
  gint64 at = 0;
  g_array_sort (spans, span_compare);
  for (guint i = 0; i < spans->len; i++)
    {
      const gint64 *span = &g_array_index (spans, gint64, 2 * i);
      g_assert_cmpint (span[0], ==, at);
      at = span[1];
    }
  g_assert_cmpint (at, ==, (gint64)p.data_len);

  /* PyTorch's shapes: conv (Co, Ci, K, K), dense (O, I), bias (O). */
  JsonArray *conv = json_object_get_array_member (
      json_object_get_object_member (p.header, "teacher.0.weight"), "shape");
  g_assert_cmpuint (json_array_get_length (conv), ==, 4);
  g_assert_cmpint (json_array_get_int_element (conv, 0), ==, 4);
  g_assert_cmpint (json_array_get_int_element (conv, 1), ==, 1);
  g_assert_cmpint (json_array_get_int_element (conv, 2), ==, 3);
  g_assert_true (json_object_has_member (p.header, "student.0.bias"));
  g_assert_true (json_object_has_member (p.header, "baseline.2.weight"));

  /* Metadata: strings only, sections readable as JSON by anyone. */
  g_assert_cmpstr (json_object_get_string_member (p.meta, "format"), ==, "distillscope-session");
  g_assert_cmpstr (json_object_get_string_member (p.meta, "format_version"), ==, "1");
  const char *config = json_object_get_string_member (p.meta, "config");
  g_assert_nonnull (strstr (config, "\"mode\":\"online\""));
  g_assert_nonnull (strstr (config, "\"optimizer\":\"sgd\""));
  g_assert_nonnull (strstr (config, "\"alpha\":0.7,")); /* shortest form, not 0.6999… */
  g_assert_nonnull (strstr (json_object_get_string_member (p.meta, "history"), "null"));
  g_assert_nonnull (strstr (json_object_get_string_member (p.meta, "model.teacher"),
                            "\"arch\":\"conv4-pool-fc16\""));
  g_assert_true (json_object_has_member (p.meta, "results"));
  g_autofree char *crc = g_strdup_printf ("%08x", metadata_crc (p.meta));
  g_assert_cmpstr (json_object_get_string_member (p.meta, "metadata_crc32"), ==, crc);
}

static void
test_truncated (void)
{
  g_autofree char *path = save_session ("whole.safetensors", 3);
  g_autofree char *cut = tmp_path ("cut.safetensors");
  g_autoptr (GBytes) bytes = read_bytes (path);
  g_auto (Parsed) p = { 0 };
  parse_file (bytes, &p);
  gsize len = g_bytes_get_size (bytes), n = p.header_len;
  const gsize cuts[]
      = { 1, 7, 8, 9, 8 + n / 2, 8 + n - 1, 8 + n, 8 + n + 4, len / 2 + n / 2, len - 1 };
  for (gsize i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      write_bytes (cut, g_bytes_get_data (bytes, NULL), cuts[i]);
      assert_refused (cut, KD_IO_ERROR_TRUNCATED, "truncated");
    }
  write_bytes (cut, g_bytes_get_data (bytes, NULL), 0);
  assert_refused (cut, KD_IO_ERROR_EMPTY, NULL);
}

static void
test_damaged_data (void)
{
  g_autofree char *path = save_session ("data.safetensors", 3);
  g_autofree char *bad = tmp_path ("data-bad.safetensors");
  g_autoptr (GBytes) bytes = read_bytes (path);
  g_auto (Parsed) p = { 0 };
  parse_file (bytes, &p);
  gsize len = g_bytes_get_size (bytes);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), len);
  gsize data_start = 8 + p.header_len;
  JsonArray *offsets = json_object_get_array_member (
      json_object_get_object_member (p.header, "student.0.weight"), "data_offsets");
  gsize at = data_start + (gsize)json_array_get_int_element (offsets, 0) + 13;
  copy[at] ^= 0x10;
  write_bytes (bad, copy, len);
  assert_refused (bad, KD_IO_ERROR_CORRUPT,
                  "data damaged: tensor student.0.weight fails its checksum");
  copy[at] ^= 0x10;

  /* Any single flipped bit anywhere in the data is caught. */
  for (gsize i = data_start; i < len; i += 37)
    {
      copy[i] ^= 0x01;
      write_bytes (bad, copy, len);
      assert_refused (bad, KD_IO_ERROR_CORRUPT, "fails its checksum");
      copy[i] ^= 0x01;
    }
}

static void
test_damaged_header (void)
{
  g_autofree char *path = save_session ("header.safetensors", 2);
  g_autofree char *bad = tmp_path ("header-bad.safetensors");
  g_autoptr (GBytes) bytes = read_bytes (path);
  g_auto (Parsed) p = { 0 };
  parse_file (bytes, &p);
  gsize len = g_bytes_get_size (bytes);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (bytes, NULL), len);
  const guint8 masks[] = { 0x01, 0x80 };
  const gsize strides[] = { 1, 13 };
  /* Every byte of the length and the header with its low bit flipped (a valid character
   * becomes another one), and a sample with the high bit flipped: never silently accepted. */
  for (gsize m = 0; m < G_N_ELEMENTS (masks); m++)
    for (gsize i = 0; i < 8 + p.header_len; i += strides[m])
      {
        g_autoptr (GError) error = NULL;
        copy[i] ^= masks[m];
        write_bytes (bad, copy, len);
        g_autoptr (KdSession) s = kd_session_load (bad, &error);
        if (s)
          g_error ("byte %" G_GSIZE_FORMAT " ^ 0x%02x was accepted", i, masks[m]);
        g_assert_true (error->domain == KD_IO_ERROR);
        copy[i] ^= masks[m];
      }
}

static void
test_foreign (void)
{
  g_autofree char *path = tmp_path ("foreign");
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                'I',  'H', 'D', 'R', 0,    0,    0,    1,    0, 0, 0, 1 };
  guint8 noise[4096];
  KdRng rng;
  kd_rng_seed (&rng, 42);
  for (gsize i = 0; i < sizeof noise; i++)
    noise[i] = (guint8)kd_rng_next (&rng);
  write_bytes (path, noise, sizeof noise);
  assert_refused (path, KD_IO_ERROR_BAD_MAGIC, "not a Distillscope session file");
  write_bytes (path, png, sizeof png);
  assert_refused (path, KD_IO_ERROR_BAD_MAGIC, "not a Distillscope session file");
  write_bytes (path, "{\"format\": \"distillscope-session\"}\n", 35);
  assert_refused (path, KD_IO_ERROR_BAD_MAGIC, NULL);
  write_bytes (path, "abc", 3);
  assert_refused (path, KD_IO_ERROR_TRUNCATED, "too short");
  write_bytes (path, "", 0);
  assert_refused (path, KD_IO_ERROR_EMPTY, NULL);
  assert_refused (tmp_dir, KD_IO_ERROR_IS_DIRECTORY, NULL);
  g_autofree char *missing = tmp_path ("no-such-file");
  assert_refused (missing, KD_IO_ERROR_OPEN, "No such file");
  assert_refused ("/dev/zero", KD_IO_ERROR_OPEN, "not a session file");

  /* A valid safetensors file of someone else's, with and without metadata. */
  const float w[2] = { 1.0f, 2.0f };
  g_autoptr (JsonObject) header = json_object_new ();
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (
      parser, "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", -1, NULL));
  json_object_set_member (header, "w", json_node_copy (json_parser_get_root (parser)));
  write_safetensors (path, header, w, sizeof w);
  assert_refused (path, KD_IO_ERROR_BAD_MAGIC,
                  "not a Distillscope session file (no format in metadata)");
  JsonObject *meta = json_object_new ();
  json_object_set_string_member (meta, "format", "pt");
  json_object_set_object_member (header, "__metadata__", meta);
  write_safetensors (path, header, w, sizeof w);
  assert_refused (path, KD_IO_ERROR_BAD_MAGIC, "“pt”");
}

static void
set_version_2 (JsonObject *header, JsonObject *meta, GByteArray *data)
{
  json_object_set_string_member (meta, "format_version", "2");
}

static void
set_version_1_4 (JsonObject *header, JsonObject *meta, GByteArray *data)
{
  json_object_set_string_member (meta, "format_version", "1.4");
}

static void
test_newer_version (void)
{
  g_autofree char *path = save_session ("v1.safetensors", 2);
  g_autofree char *newer = tmp_path ("v2.safetensors");
  rewrite (path, newer, set_version_2, TRUE);
  assert_refused (newer, KD_IO_ERROR_VERSION, "newer");
  rewrite (path, newer, set_version_2, FALSE);
  assert_refused (newer, KD_IO_ERROR_VERSION, "newer");

  /* A later minor version only adds sections: still readable. */
  g_autoptr (GError) error = NULL;
  rewrite (path, newer, set_version_1_4, TRUE);
  g_autoptr (KdSession) s = kd_session_load (newer, &error);
  g_assert_no_error (error);
  g_assert_nonnull (s);
}

/* What a later version or another tool might add: a section and two tensors. */
static void
add_extras (JsonObject *header, JsonObject *meta, GByteArray *data)
{
  const float extra[3] = { 0.5f, -1.0f, 2.0f };
  const gint64 index[2] = { 7, 9 };
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree char *f32 = g_strdup_printf (
      "{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[%u,%u]}", data->len, data->len + 12);
  g_autofree char *i64 = g_strdup_printf (
      "{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[%u,%u]}", data->len + 12, data->len + 28);
  json_object_set_string_member (meta, "notes", "{\"text\":\"hello from a later version\"}");
  json_object_set_string_member (meta, "crc32.extra.scale", "deadbeef");
  g_assert_true (json_parser_load_from_data (parser, f32, -1, NULL));
  json_object_set_member (header, "extra.scale", json_node_copy (json_parser_get_root (parser)));
  g_assert_true (json_parser_load_from_data (parser, i64, -1, NULL));
  json_object_set_member (header, "extra.index", json_node_copy (json_parser_get_root (parser)));
  g_byte_array_append (data, (const guint8 *)extra, sizeof extra);
  g_byte_array_append (data, (const guint8 *)index, sizeof index);
}

static void
test_forward_compatible (void)
{
  g_autoptr (KdSession) s = make_session (4);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = tmp_path ("plain.safetensors");
  g_autofree char *extended = tmp_path ("extended.safetensors");
  g_assert_true (kd_session_save (s, path, &error));
  rewrite (path, extended, add_extras, FALSE);
  g_autoptr (KdSession) loaded = kd_session_load (extended, &error);
  g_assert_no_error (error);
  assert_same_session (s, loaded);
}

static void
set_student_arch (JsonObject *meta, const char *arch, gint64 n_params)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (
      parser, json_object_get_string_member (meta, "model.student"), -1, NULL));
  JsonObject *model = json_node_get_object (json_parser_get_root (parser));
  json_object_set_string_member (model, "arch", arch);
  if (n_params >= 0)
    json_object_set_int_member (model, "n_params", n_params);
  g_autofree char *text = json_to_string (json_parser_get_root (parser), FALSE);
  json_object_set_string_member (meta, "model.student", text);
}

static void
edit_arch (JsonObject *header, JsonObject *meta, GByteArray *data)
{
  set_student_arch (meta, "fc9", -1);
}

/* The parameter count agrees with the new architecture, the tensors' shapes do not. */
static void
edit_arch_and_count (JsonObject *header, JsonObject *meta, GByteArray *data)
{
  KdNet *net = make_net ("fc9", 1);
  set_student_arch (meta, "fc9", (gint64)net->n_params);
  kd_net_free (net);
}

static void
edit_alpha (JsonObject *header, JsonObject *meta, GByteArray *data)
{
  g_autofree char *config = g_strdup (json_object_get_string_member (meta, "config"));
  char *alpha = strstr (config, "\"alpha\":0.7");
  g_assert_nonnull (alpha);
  alpha[strlen ("\"alpha\":")] = '3';
  json_object_set_string_member (meta, "config", config);
}

static void
edit_drop_model (JsonObject *header, JsonObject *meta, GByteArray *data)
{
  json_object_remove_member (meta, "model.baseline");
}

static void
edit_dtype (JsonObject *header, JsonObject *meta, GByteArray *data)
{
  JsonObject *entry = json_object_get_object_member (header, "teacher.0.bias");
  json_object_set_string_member (entry, "dtype", "F16");
}

static void
edit_drop_tensor (JsonObject *header, JsonObject *meta, GByteArray *data)
{
  json_object_remove_member (header, "teacher.0.bias");
}

static void
edit_offsets (JsonObject *header, JsonObject *meta, GByteArray *data)
{
  JsonArray *offsets = json_object_get_array_member (
      json_object_get_object_member (header, "baseline.2.bias"), "data_offsets");
  json_array_remove_element (offsets, 1);
  json_array_add_int_element (offsets, (gint64)data->len + 4096);
}

/* A NaN weight with a matching checksum: not damaged, but not usable either. */
static void
edit_nan (JsonObject *header, JsonObject *meta, GByteArray *data)
{
  JsonArray *offsets = json_object_get_array_member (
      json_object_get_object_member (header, "student.0.bias"), "data_offsets");
  gint64 begin = json_array_get_int_element (offsets, 0);
  gint64 end = json_array_get_int_element (offsets, 1);
  const float nan = NAN;
  memcpy (data->data + begin, &nan, 4);
  guint32 crc = (guint32)crc32 (0, data->data + begin, (uInt)(end - begin));
  g_autofree char *hex = g_strdup_printf ("%08x", crc);
  json_object_set_string_member (meta, "crc32.student.0.bias", hex);
}

static void
edit_history (JsonObject *header, JsonObject *meta, GByteArray *data)
{
  json_object_set_string_member (meta, "history", "{\"step\":[1,2],\"epoch\":[0.5]}");
}

/* Values of the wrong JSON type, where json-glib's own getters would only warn. */
static void
edit_dtype_type (JsonObject *header, JsonObject *meta, GByteArray *data)
{
  json_object_set_int_member (json_object_get_object_member (header, "student.2.bias"), "dtype",
                              32);
}

static void
edit_shape_type (JsonObject *header, JsonObject *meta, GByteArray *data)
{
  json_object_set_string_member (json_object_get_object_member (header, "student.2.weight"),
                                 "shape", "[4, 8]");
}

static void
edit_phase_type (JsonObject *header, JsonObject *meta, GByteArray *data)
{
  g_autofree char *history = g_strdup (json_object_get_string_member (meta, "history"));
  char *phase = strstr (history, "\"phase\":[\"teacher\"");
  g_assert_nonnull (phase);
  memcpy (phase + strlen ("\"phase\":["), "123456789", 9);
  json_object_set_string_member (meta, "history", history);
}

static void
edit_format_type (JsonObject *header, JsonObject *meta, GByteArray *data)
{
  json_object_set_object_member (meta, "format", json_object_new ());
}

static void
edit_config_type (JsonObject *header, JsonObject *meta, GByteArray *data)
{
  json_object_set_int_member (meta, "config", 5);
}

static void
test_inconsistent (void)
{
  static const struct
  {
    EditFunc edit;
    KdIoError code;
    const char *fragment;
    gboolean sign; /* re-sign the metadata after the edit */
  } cases[] = {
    { edit_arch, KD_IO_ERROR_MISMATCH, "parameters", TRUE },
    { edit_arch_and_count, KD_IO_ERROR_MISMATCH, "tensor student.0.weight", TRUE },
    { edit_alpha, KD_IO_ERROR_BAD_VALUE, "alpha", TRUE },
    { edit_drop_model, KD_IO_ERROR_CORRUPT, "model.baseline", TRUE },
    { edit_dtype, KD_IO_ERROR_BAD_VALUE, "F16", TRUE },
    { edit_drop_tensor, KD_IO_ERROR_BAD_SIZE, NULL, TRUE },
    { edit_offsets, KD_IO_ERROR_TRUNCATED, NULL, TRUE },
    { edit_nan, KD_IO_ERROR_BAD_VALUE, "NaN", TRUE },
    { edit_history, KD_IO_ERROR_BAD_VALUE, "history", TRUE },
    { edit_dtype_type, KD_IO_ERROR_BAD_VALUE, "no valid dtype", TRUE },
    { edit_shape_type, KD_IO_ERROR_MISMATCH, "shape", TRUE },
    { edit_phase_type, KD_IO_ERROR_BAD_VALUE, "phase", TRUE },
    { edit_format_type, KD_IO_ERROR_BAD_MAGIC, "no format in metadata", FALSE },
    { edit_config_type, KD_IO_ERROR_CORRUPT, "checksum", FALSE },
    { edit_alpha, KD_IO_ERROR_CORRUPT, "metadata fails its checksum", FALSE },
  };
  g_autofree char *path = save_session ("good.safetensors", 3);
  g_autofree char *bad = tmp_path ("inconsistent.safetensors");
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      rewrite (path, bad, cases[i].edit, cases[i].sign);
      assert_refused (bad, cases[i].code, cases[i].fragment);
    }
}

static gboolean
dir_is_only (const char *dir, const char *name)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  const char *entry;
  int n = 0;
  gboolean found = FALSE;
  while ((entry = g_dir_read_name (d)))
    {
      n++;
      found |= g_str_equal (entry, name);
    }
  return n == 1 && found;
}

static void
test_save_errors (void)
{
  g_autoptr (KdSession) s = make_session (3);
  g_autoptr (GError) error = NULL;
  g_autofree char *nowhere = g_build_filename (tmp_dir, "no-such-dir", "x.safetensors", NULL);
  g_assert_false (kd_session_save (s, nowhere, &error));
  g_assert_error (error, KD_IO_ERROR, KD_IO_ERROR_WRITE);
  g_assert_nonnull (strstr (error->message, "x.safetensors"));
  g_clear_error (&error);

  /* A directory in the way: refused, and the directory keeps its contents. */
  g_autofree char *dir = tmp_path ("a-directory");
  g_autofree char *inside = g_build_filename (dir, "keep.txt", NULL);
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  write_bytes (inside, "keep", 4);
  g_assert_false (kd_session_save (s, dir, &error));
  g_assert_error (error, KD_IO_ERROR, KD_IO_ERROR_WRITE);
  g_clear_error (&error);
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  g_assert_true (dir_is_only (dir, "keep.txt"));

  /* A session that cannot be saved leaves the good file where it was. */
  g_autofree char *good = save_session ("keep.safetensors", 3);
  g_autoptr (GBytes) before = read_bytes (good);
  g_autoptr (KdSession) broken = make_session (1);
  broken->config.alpha = 2.0f;
  g_assert_false (kd_session_save (broken, good, &error));
  g_assert_error (error, KD_IO_ERROR, KD_IO_ERROR_WRITE);
  g_clear_error (&error);
  broken->config.alpha = 0.5f;
  broken->nets[KD_STUDENT]->params[3] = NAN; /* it could be saved but never loaded */
  g_assert_false (kd_session_save (broken, good, &error));
  g_assert_error (error, KD_IO_ERROR, KD_IO_ERROR_WRITE);
  g_clear_error (&error);
  g_clear_pointer (&broken->nets[KD_BASELINE], kd_net_free);
  g_assert_false (kd_session_save (broken, good, &error));
  g_assert_error (error, KD_IO_ERROR, KD_IO_ERROR_WRITE);
  g_autoptr (GBytes) after = read_bytes (good);
  g_assert_true (g_bytes_equal (before, after));
}

/* A write that fails half way (file size limit, as a full disk would): the old file survives
 * and no temporary file is left behind. Run in a child so the limit stays there. */
static void
test_save_interrupted (void)
{
  g_autofree char *dir = tmp_path ("interrupted");
  g_autofree char *path = g_build_filename (dir, "s.safetensors", NULL);
  if (g_test_subprocess ())
    {
      g_autoptr (KdSession) s = make_session (3000);
      g_autoptr (GError) error = NULL;
      g_autoptr (GBytes) before = read_bytes (path);
      struct rlimit limit = { 4096, 4096 };
      signal (SIGXFSZ, SIG_IGN);
      g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &limit), ==, 0);
      g_assert_false (kd_session_save (s, path, &error));
      g_assert_error (error, KD_IO_ERROR, KD_IO_ERROR_WRITE);
      g_autoptr (GBytes) after = read_bytes (path);
      g_assert_true (g_bytes_equal (before, after));
      g_assert_true (dir_is_only (dir, "s.safetensors"));
      return;
    }
  g_autoptr (KdSession) s = make_session (0);
  g_assert_cmpint (g_mkdir (dir, 0755), ==, 0);
  g_assert_true (kd_session_save (s, path, NULL));
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
}

static void
test_config_json (void)
{
  KdTrainConfig cfg, back;
  g_autoptr (GError) error = NULL;
  kd_train_config_default (&cfg);
  cfg.seed = 12345678901234ULL;
  cfg.optim.eps = 1e-8f;
  g_autofree char *json = kd_train_config_to_json (&cfg);
  g_assert_null (strstr (json, "e-08.0")); /* json-glib 1.6 writes that invalid JSON */
  g_assert_nonnull (strstr (json, "\"eps\":1e-08,"));
  g_assert_true (kd_train_config_from_json (json, &back, &error));
  g_assert_no_error (error);
  assert_same_config (&cfg, &back);

  /* Missing fields take the defaults, those of the chosen optimizer included. */
  KdTrainConfig def, sgd;
  kd_train_config_default (&def);
  g_assert_true (kd_train_config_from_json ("{}", &back, &error));
  assert_same_config (&def, &back);
  g_assert_true (kd_train_config_from_json ("{\"optimizer\":\"sgd\",\"epochs\":3}", &back, &error));
  sgd = def;
  sgd.epochs = 3;
  kd_optim_config_default (&sgd.optim, KD_OPTIM_SGD);
  assert_same_config (&sgd, &back);

  static const char *const bad[] = {
    "not json",
    "[1,2]",
    "{\"epochs\":\"5\"}",
    "{\"epochs\":2.5}",
    "{\"alpha\":1.5}",
    "{\"alpha\":\"x\"}",
    "{\"mode\":\"sideways\"}",
    "{\"seed\":-1}",
    "{\"lr\":1e60}",
    "{\"batch\":99999999999}",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      KdTrainConfig untouched = back;
      g_assert_false (kd_train_config_from_json (bad[i], &back, &error));
      g_assert_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_VALUE);
      g_clear_error (&error);
      assert_same_config (&untouched, &back);
    }
  g_assert_true (kd_train_config_from_json ("{\"seed\":\"18446744073709551615\"}", &back, &error));
  g_assert_cmpuint (back.seed, ==, G_MAXUINT64);
}

static KdDataset *
tiny_dataset (int n, guint64 seed)
{
  KdDataset *ds = kd_dataset_new (n, 1, 4, 4, 3, 0);
  KdRng rng;
  kd_rng_seed (&rng, seed);
  for (int i = 0; i < n; i++)
    {
      ds->labels[i] = (uint8_t)(i % 3);
      for (int j = 0; j < 16; j++)
        ds->features[i * 16 + j] = kd_rng_normal (&rng) + (j % 3 == i % 3 ? 1.5f : 0.0f);
    }
  return ds;
}

static void
test_from_trainer (void)
{
  g_autoptr (GError) error = NULL;
  KdDataset *train = tiny_dataset (96, 1), *test = tiny_dataset (30, 2);
  KdTrainer *tr = NULL;
  KdTrainConfig cfg;
  atomic_int cancel = 0;
  kd_train_config_default (&cfg);
  g_strlcpy (cfg.teacher_arch, "fc16", sizeof cfg.teacher_arch);
  g_strlcpy (cfg.student_arch, "fc4", sizeof cfg.student_arch);
  cfg.teacher_epochs = cfg.epochs = 2;
  cfg.batch = 16, cfg.threads = 1, cfg.history_every = 2;
  g_assert_cmpint (kd_trainer_new (&cfg, train, test, &tr, NULL), ==, KD_OK);
  g_assert_cmpint (kd_trainer_run (tr, &cancel, NULL, NULL), ==, KD_OK);

  g_autoptr (KdSession) s = kd_session_from_trainer (tr, "toy:blobs", 96, 30);
  g_assert_nonnull (s);
  g_assert_true (s->have_results);
  g_assert_cmpint (s->history.n, ==, kd_trainer_get_history (tr)->n);
  g_assert_cmpint (s->history.n, >, 0);
  for (int m = 0; m < KD_N_MODELS; m++)
    assert_same_net (kd_trainer_get_net (tr, (KdModelId)m), s->nets[m]);
  g_autofree char *path = tmp_path ("trained.safetensors");
  g_assert_true (kd_session_save (s, path, &error));
  g_autoptr (KdSession) loaded = kd_session_load (path, &error);
  g_assert_no_error (error);
  assert_same_session (s, loaded);
  g_assert_cmpstr (loaded->data_spec, ==, "toy:blobs");
  kd_trainer_free (tr);
  kd_dataset_free (train);
  kd_dataset_free (test);
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
      const char *name;
      while (d && (name = g_dir_read_name (d)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_unlink (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Subprocesses share the parent's directory so they can see its files. */
  if (g_test_subprocess ())
    tmp_dir = g_strdup (g_getenv ("KD_SESSION_TEST_DIR"));
  else
    {
      tmp_dir = g_dir_make_tmp ("test-io-session-XXXXXX", NULL);
      g_setenv ("KD_SESSION_TEST_DIR", tmp_dir, TRUE);
    }
  g_assert_nonnull (tmp_dir);
  g_test_add_func ("/io/session/roundtrip", test_roundtrip);
  g_test_add_func ("/io/session/safetensors-layout", test_safetensors_layout);
  g_test_add_func ("/io/session/truncated", test_truncated);
  g_test_add_func ("/io/session/damaged-data", test_damaged_data);
  g_test_add_func ("/io/session/damaged-header", test_damaged_header);
  g_test_add_func ("/io/session/foreign", test_foreign);
  g_test_add_func ("/io/session/newer-version", test_newer_version);
  g_test_add_func ("/io/session/forward-compatible", test_forward_compatible);
  g_test_add_func ("/io/session/inconsistent", test_inconsistent);
  g_test_add_func ("/io/session/save-errors", test_save_errors);
  g_test_add_func ("/io/session/save-interrupted", test_save_interrupted);
  g_test_add_func ("/io/session/config-json", test_config_json);
  g_test_add_func ("/io/session/from-trainer", test_from_trainer);
  int status = g_test_run ();
  if (!g_test_subprocess ())
    remove_tree (tmp_dir);
  g_free (tmp_dir);
  return status;
}
