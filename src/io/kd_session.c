/* kd_session.c — session files: a safetensors file whose "__metadata__" carries the run.
 *
 * Layout (see kd_session.h): u64 LE header length N, N bytes of JSON padded with spaces to a
 * multiple of 8 (as safetensors writes it, so the float data is aligned), then the tensors as
 * contiguous little-endian float32 in header order.
 *
 * Besides the per-tensor CRCs the writer stores "metadata_crc32", a CRC-32 over the sections
 * this version knows (key NUL value NUL, in the fixed order of `covered_sections`). Without it
 * a damaged byte in the header could silently change alpha or a history point; sections it
 * does not cover (added by later versions or by other tools) stay free to change.
 *
 * The loader validates the whole file before it hands anything out: every failure is a
 * KD_IO_ERROR naming the file and the problem, and nothing leaks.
 */
#include "kd_session.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "kd_io_error.h"
#include "kd_json.h"

/* safetensors refuses larger headers too; anything beyond is not one of our files. */
#define HEADER_MAX_BYTES ((guint64)100000000)
#define LOAD_MAX_BATCH 256
#define INPUT_MAX_DIM (1 << 24)

static const char *const role_names[KD_N_MODELS] = { "teacher", "student", "baseline" };
static const char *const phase_names[] = { "teacher", "students", "joint", "done" };

/* The sections metadata_crc32 covers, in the order they are hashed. */
static const char *const covered_sections[] = {
  "format",        "format_version", "config",  "model.teacher",
  "model.student", "model.baseline", "history", "results",
};

/* One tensor of the file, pointing into a network's flat parameters. */
typedef struct
{
  char name[48]; /* "<role>.<layer>.weight" or ".bias" */
  float *values; /* (count) */
  gsize count;
  int ndim;
  gint64 shape[4];
  gsize begin, end; /* byte offsets relative to the data start */
  guint32 crc;      /* of the little-endian bytes */
} TensorRef;

/* ---- small helpers --------------------------------------------------------------------- */

static gboolean fail (GError **error, KdIoError code, const char *format, ...) G_GNUC_PRINTF (3, 4);

/* Sets a KD_IO_ERROR and returns FALSE, so checks read `return fail (...)`. */
static gboolean
fail (GError **error, KdIoError code, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *msg = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, KD_IO_ERROR, code, msg);
  return FALSE;
}

static void
collect_layer (GArray *refs, const char *role, int index, KdNet *net, const KdNetLayer *l)
{
  TensorRef w = { 0 }, b = { 0 };
  g_snprintf (w.name, sizeof w.name, "%s.%d.weight", role, index);
  g_snprintf (b.name, sizeof b.name, "%s.%d.bias", role, index);
  w.values = net->params + l->w_offset;
  w.count = l->w_count;
  if (l->type == KD_LAYER_CONV2D)
    {
      w.ndim = 4;
      w.shape[0] = l->out_c, w.shape[1] = l->in_c, w.shape[2] = w.shape[3] = l->kernel;
    }
  else
    {
      w.ndim = 2;
      w.shape[0] = (gint64)l->b_count, w.shape[1] = (gint64)(l->w_count / l->b_count);
    }
  g_assert ((gsize)(w.shape[0] * w.shape[1] * (w.ndim == 4 ? w.shape[2] * w.shape[3] : 1))
            == w.count);
  b.values = net->params + l->b_offset;
  b.count = l->b_count;
  b.ndim = 1;
  b.shape[0] = (gint64)l->b_count;
  g_array_append_val (refs, w);
  g_array_append_val (refs, b);
}

/* The tensors of all three networks in file order: role, then layer. */
static GArray *
collect_tensors (KdNet *const nets[KD_N_MODELS])
{
  GArray *refs = g_array_new (FALSE, TRUE, sizeof (TensorRef));
  for (int m = 0; m < KD_N_MODELS; m++)
    for (int i = 0; i < nets[m]->n_layers; i++)
      if (nets[m]->layers[i].w_count > 0)
        collect_layer (refs, role_names[m], i, nets[m], &nets[m]->layers[i]);
  return refs;
}

static void
store_le (guint8 *dst, const float *src, gsize count)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  memcpy (dst, src, count * sizeof (float));
#else
  for (gsize i = 0; i < count; i++)
    {
      guint32 u;
      memcpy (&u, &src[i], 4);
      u = GUINT32_TO_LE (u);
      memcpy (dst + 4 * i, &u, 4);
    }
#endif
}

static void
load_le (float *dst, const guint8 *src, gsize count)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  memcpy (dst, src, count * sizeof (float));
#else
  for (gsize i = 0; i < count; i++)
    {
      guint32 u;
      memcpy (&u, src + 4 * i, 4);
      u = GUINT32_FROM_LE (u);
      memcpy (&dst[i], &u, 4);
    }
#endif
}

static guint32
crc_bytes (guint32 crc, const void *data, gsize len)
{
  return (guint32)crc32_z (crc, data, len);
}

static guint32
metadata_crc (JsonObject *meta)
{
  guint32 crc = crc_bytes (0, NULL, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (covered_sections); i++)
    {
      const char *key = covered_sections[i];
      const char *value = kd_json_node_string (json_object_get_member (meta, key));
      if (!value)
        continue;
      crc = crc_bytes (crc, key, strlen (key) + 1);
      crc = crc_bytes (crc, value, strlen (value) + 1);
    }
  return crc;
}

/* ---- session object -------------------------------------------------------------------- */

KdSession *
kd_session_new (void)
{
  KdSession *session = g_new0 (KdSession, 1);
  kd_train_config_default (&session->config);
  return session;
}

void
kd_session_free (KdSession *session)
{
  if (!session)
    return;
  for (int m = 0; m < KD_N_MODELS; m++)
    kd_net_free (session->nets[m]);
  g_free (session->history.points);
  g_free (session);
}

static KdNet *
copy_net (const KdNet *src)
{
  KdNet *net = NULL;
  if (kd_net_new (&src->arch, src->in_c, src->in_h, src->in_w, src->n_classes, LOAD_MAX_BATCH, &net)
      != KD_OK)
    return NULL;
  g_assert (net->n_params == src->n_params);
  memcpy (net->params, src->params, src->n_params * sizeof (float));
  return net;
}

/* The trainer must not be stepping meanwhile: its live networks are read directly. */
KdSession *
kd_session_from_trainer (KdTrainer *trainer, const char *data_spec, int train_limit, int test_limit)
{
  g_return_val_if_fail (trainer != NULL, NULL);
  g_autoptr (KdSession) session = kd_session_new ();
  const KdHistory *history = kd_trainer_get_history (trainer);
  session->config = *kd_trainer_get_config (trainer);
  g_strlcpy (session->data_spec, data_spec ? data_spec : "", sizeof session->data_spec);
  session->train_limit = train_limit;
  session->test_limit = test_limit;
  for (int m = 0; m < KD_N_MODELS; m++)
    if (!(session->nets[m] = copy_net (kd_trainer_get_net (trainer, (KdModelId)m))))
      return NULL;
  session->history.n = session->history.cap = history->n;
  session->history.points
      = g_memdup2 (history->points, (gsize)history->n * sizeof (KdHistoryPoint));
  /* Results exist only for a finished run (kd_session.h); a stopped one saves none. */
  session->have_results
      = kd_trainer_done (trainer) && kd_trainer_get_results (trainer, &session->results) == KD_OK;
  return g_steal_pointer (&session);
}

/* ---- writing --------------------------------------------------------------------------- */

static char *
config_section (const KdSession *s)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  kd_train_config_add_members (b, &s->config);
  json_builder_set_member_name (b, "data_spec");
  json_builder_add_string_value (b, s->data_spec);
  json_builder_set_member_name (b, "train_limit");
  json_builder_add_int_value (b, s->train_limit);
  json_builder_set_member_name (b, "test_limit");
  json_builder_add_int_value (b, s->test_limit);
  json_builder_end_object (b);
  return kd_json_builder_to_text (b, FALSE);
}

static void
add_int_member (JsonBuilder *b, const char *name, gint64 v)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

static void
add_layer_list (JsonBuilder *b, const char *role, const KdNet *net)
{
  json_builder_set_member_name (b, "layers");
  json_builder_begin_array (b);
  for (int i = 0; i < net->n_layers; i++)
    {
      const KdNetLayer *l = &net->layers[i];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, kd_layer_type_name (l->type));
      json_builder_set_member_name (b, "out");
      json_builder_begin_array (b);
      json_builder_add_int_value (b, l->out_c);
      json_builder_add_int_value (b, l->out_h);
      json_builder_add_int_value (b, l->out_w);
      json_builder_end_array (b);
      if (l->w_count > 0)
        {
          g_autofree char *w = g_strdup_printf ("%s.%d.weight", role, i);
          g_autofree char *bias = g_strdup_printf ("%s.%d.bias", role, i);
          json_builder_set_member_name (b, "weight");
          json_builder_add_string_value (b, w);
          json_builder_set_member_name (b, "bias");
          json_builder_add_string_value (b, bias);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static char *
model_section (const char *role, const KdNet *net)
{
  char arch[1024];
  g_autoptr (JsonBuilder) b = json_builder_new ();
  kd_arch_to_string (&net->arch, arch, sizeof arch);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "arch");
  json_builder_add_string_value (b, arch);
  add_int_member (b, "in_c", net->in_c);
  add_int_member (b, "in_h", net->in_h);
  add_int_member (b, "in_w", net->in_w);
  add_int_member (b, "n_classes", net->n_classes);
  add_int_member (b, "n_params", (gint64)net->n_params);
  add_layer_list (b, role, net);
  json_builder_end_object (b);
  return kd_json_builder_to_text (b, FALSE);
}

/* One array of a float field of every history point, read at byte `offset` of a point. */
static void
add_history_floats (JsonBuilder *b, const char *name, const KdHistory *h, gsize offset)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (int i = 0; i < h->n; i++)
    kd_json_add_float (b, *(const float *)((const char *)&h->points[i] + offset));
  json_builder_end_array (b);
}

static void
add_history_per_model (JsonBuilder *b, const char *name, const KdHistory *h, gsize offset)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  for (int m = 0; m < KD_N_MODELS; m++)
    add_history_floats (b, role_names[m], h, offset + (gsize)m * sizeof (float));
  json_builder_end_object (b);
}

static char *
history_section (const KdHistory *h)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "step");
  json_builder_begin_array (b);
  for (int i = 0; i < h->n; i++)
    json_builder_add_int_value (b, h->points[i].step);
  json_builder_end_array (b);
  add_history_floats (b, "epoch", h, offsetof (KdHistoryPoint, epoch));
  json_builder_set_member_name (b, "phase");
  json_builder_begin_array (b);
  for (int i = 0; i < h->n; i++)
    json_builder_add_string_value (b, phase_names[h->points[i].phase]);
  json_builder_end_array (b);
  add_history_floats (b, "temperature", h, offsetof (KdHistoryPoint, temperature));
  add_history_per_model (b, "loss", h, offsetof (KdHistoryPoint, loss));
  add_history_per_model (b, "train_acc", h, offsetof (KdHistoryPoint, train_acc));
  add_history_per_model (b, "test_acc", h, offsetof (KdHistoryPoint, test_acc));
  json_builder_end_object (b);
  return kd_json_builder_to_text (b, FALSE);
}

static void
add_results_per_model (JsonBuilder *b, const char *name, const double v[KD_N_MODELS])
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      json_builder_set_member_name (b, role_names[m]);
      kd_json_add_double (b, v[m]);
    }
  json_builder_end_object (b);
}

static char *
results_section (const KdResults *r)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "temperature");
  kd_json_add_float (b, r->temperature);
  add_results_per_model (b, "accuracy", r->accuracy);
  add_results_per_model (b, "agreement", r->agreement);
  add_results_per_model (b, "kl", r->kl);
  json_builder_end_object (b);
  return kd_json_builder_to_text (b, FALSE);
}

static void
set_string (JsonObject *meta, const char *key, char *value /* owned */)
{
  json_object_set_string_member (meta, key, value);
  g_free (value);
}

/* The "__metadata__" object: every section, then the checksums. */
static JsonObject *
build_metadata (const KdSession *s, GArray *refs)
{
  JsonObject *meta = json_object_new ();
  set_string (meta, "format", g_strdup (KD_SESSION_FORMAT));
  set_string (meta, "format_version", g_strdup_printf ("%d", KD_SESSION_VERSION));
  set_string (meta, "config", config_section (s));
  for (int m = 0; m < KD_N_MODELS; m++)
    set_string (meta, covered_sections[3 + m], model_section (role_names[m], s->nets[m]));
  set_string (meta, "history", history_section (&s->history));
  if (s->have_results)
    set_string (meta, "results", results_section (&s->results));
  for (guint i = 0; i < refs->len; i++)
    {
      const TensorRef *t = &g_array_index (refs, TensorRef, i);
      g_autofree char *key = g_strconcat ("crc32.", t->name, NULL);
      set_string (meta, key, g_strdup_printf ("%08x", t->crc));
    }
  set_string (meta, "metadata_crc32", g_strdup_printf ("%08x", metadata_crc (meta)));
  return meta;
}

/* Lays the tensors out back to back and fills in their offsets and checksums. */
static guint8 *
pack_tensors (GArray *refs, gsize *len)
{
  gsize total = 0;
  for (guint i = 0; i < refs->len; i++)
    total += g_array_index (refs, TensorRef, i).count * sizeof (float);
  guint8 *data = g_malloc (MAX (total, 1));
  gsize offset = 0;
  for (guint i = 0; i < refs->len; i++)
    {
      TensorRef *t = &g_array_index (refs, TensorRef, i);
      t->begin = offset;
      t->end = offset + t->count * sizeof (float);
      store_le (data + t->begin, t->values, t->count);
      t->crc = crc_bytes (crc_bytes (0, NULL, 0), data + t->begin, t->end - t->begin);
      offset = t->end;
    }
  *len = total;
  return data;
}

static JsonNode *
int_array (const gint64 *v, int n)
{
  JsonArray *a = json_array_sized_new ((guint)n);
  for (int i = 0; i < n; i++)
    json_array_add_int_element (a, v[i]);
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, a);
  return node;
}

static JsonObject *
tensor_entry (const TensorRef *t)
{
  const gint64 offsets[2] = { (gint64)t->begin, (gint64)t->end };
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "dtype", "F32");
  json_object_set_member (o, "shape", int_array (t->shape, t->ndim));
  json_object_set_member (o, "data_offsets", int_array (offsets, 2));
  return o;
}

/* The JSON header padded with spaces to a multiple of 8 bytes; *len is the padded length. */
static char *
build_header (const KdSession *s, GArray *refs, gsize *len)
{
  g_autoptr (JsonObject) root = json_object_new ();
  json_object_set_object_member (root, "__metadata__", build_metadata (s, refs));
  for (guint i = 0; i < refs->len; i++)
    {
      const TensorRef *t = &g_array_index (refs, TensorRef, i);
      json_object_set_object_member (root, t->name, tensor_entry (t));
    }
  g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), root);
  g_autofree char *text = kd_json_to_text (node, FALSE);
  gsize text_len = strlen (text);
  *len = (text_len + 7) & ~(gsize)7;
  char *header = g_malloc (*len);
  memcpy (header, text, text_len);
  memset (header + text_len, ' ', *len - text_len);
  return header;
}

/* Refuses what could not be loaded back: a file is only written if it will read. */
static gboolean
check_savable (const KdSession *s, GError **error)
{
  char msg[256];
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      if (!s->nets[m])
        return fail (error, KD_IO_ERROR_WRITE, "the %s network is missing", role_names[m]);
      if (!kd_net_params_finite (s->nets[m]))
        return fail (error, KD_IO_ERROR_WRITE, "the %s network has NaN or infinite weights",
                     role_names[m]);
    }
  if (kd_train_config_check (&s->config, msg, sizeof msg) != KD_OK)
    return fail (error, KD_IO_ERROR_WRITE, "invalid configuration: %s", msg);
  if (s->history.n < 0 || (s->history.n > 0 && !s->history.points))
    return fail (error, KD_IO_ERROR_WRITE, "invalid history");
  for (int i = 0; i < s->history.n; i++)
    if (s->history.points[i].phase < 0 || s->history.points[i].phase > KD_PHASE_DONE)
      return fail (error, KD_IO_ERROR_WRITE, "history point %d has an invalid phase", i);
  return TRUE;
}

/* The whole file in memory: it is written in one go so the atomic replace never exposes a
 * partial file. */
static guint8 *
build_file (const KdSession *s, gsize *len)
{
  g_autoptr (GArray) refs = collect_tensors ((KdNet *const *)s->nets);
  gsize data_len = 0, header_len = 0;
  g_autofree guint8 *data = pack_tensors (refs, &data_len);
  g_autofree char *header = build_header (s, refs, &header_len);
  guint64 n_le = GUINT64_TO_LE ((guint64)header_len);
  *len = 8 + header_len + data_len;
  guint8 *file = g_malloc (*len);
  memcpy (file, &n_le, 8);
  memcpy (file + 8, header, header_len);
  memcpy (file + 8 + header_len, data, data_len);
  return file;
}

gboolean
kd_session_save (const KdSession *session, const char *path, GError **error)
{
  g_return_val_if_fail (session != NULL && path != NULL, FALSE);
  g_autofree char *display = g_filename_display_name (path);
  g_autoptr (GError) local = NULL;
  if (!check_savable (session, error))
    {
      g_prefix_error (error, "Cannot save the session to “%s”: ", display);
      return FALSE;
    }
  gsize len = 0;
  g_autofree guint8 *file = build_file (session, &len);
  /* CONSISTENT: a temporary file renamed over the target, so a failure leaves the old file;
   * DURABLE: fsync before the rename, so a crash cannot leave an empty file either. */
  if (!g_file_set_contents_full (path, (const char *)file, (gssize)len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0644,
                                 &local))
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_WRITE, "Cannot save the session to “%s”: %s",
                   display, local->message);
      return FALSE;
    }
  return TRUE;
}

/* ---- reading --------------------------------------------------------------------------- */

/* What the loader knows about the file; every pointer is borrowed. */
typedef struct
{
  JsonObject *header;
  JsonObject *meta;
  const guint8 *data; /* the tensor data, after the header */
  gsize data_len;
} Reader;

/* Splits the file into its JSON header and the data that follows. */
static gboolean
split_file (const guint8 *file, gsize len, Reader *r, gsize *header_len, GError **error)
{
  guint64 n;
  if (len < 8)
    return fail (error, KD_IO_ERROR_TRUNCATED,
                 "truncated: %" G_GSIZE_FORMAT " bytes are too short for a session file", len);
  memcpy (&n, file, 8);
  n = GUINT64_FROM_LE (n);
  if (n > HEADER_MAX_BYTES)
    return fail (error, KD_IO_ERROR_BAD_MAGIC,
                 "not a Distillscope session file (header length %" G_GUINT64_FORMAT " is absurd)",
                 n);
  if (n > len - 8)
    return fail (error, KD_IO_ERROR_TRUNCATED,
                 "truncated: the header needs %" G_GUINT64_FORMAT " bytes but only %" G_GSIZE_FORMAT
                 " follow",
                 n, len - 8);
  if (n < 2 || file[8] != '{')
    return fail (error, KD_IO_ERROR_BAD_MAGIC, "not a Distillscope session file (no JSON header)");
  *header_len = (gsize)n;
  r->data = file + 8 + n;
  r->data_len = len - 8 - (gsize)n;
  return TRUE;
}

static gboolean
parse_header (JsonParser *parser, const guint8 *file, gsize len, Reader *r, GError **error)
{
  gsize header_len = 0;
  g_autoptr (GError) local = NULL;
  if (!split_file (file, len, r, &header_len, error))
    return FALSE;
  if (!json_parser_load_from_data (parser, (const char *)file + 8, (gssize)header_len, &local))
    return fail (error, KD_IO_ERROR_BAD_MAGIC, "the header is not valid JSON (%s)", local->message);
  JsonNode *root = json_parser_get_root (parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT (root))
    return fail (error, KD_IO_ERROR_BAD_MAGIC, "the header is not a JSON object");
  r->header = json_node_get_object (root);
  return TRUE;
}

static const char *
meta_string (const Reader *r, const char *key)
{
  return kd_json_node_string (json_object_get_member (r->meta, key));
}

static const char *
require_section (const Reader *r, const char *key, GError **error)
{
  const char *value = meta_string (r, key);
  if (!value)
    fail (error, KD_IO_ERROR_CORRUPT, "damaged or incomplete: section “%s” is missing", key);
  return value;
}

/* The format name, then the major version: "1" and "1.x" are ours, "2" is newer. */
static gboolean
check_format (Reader *r, GError **error)
{
  JsonNode *node = json_object_get_member (r->header, "__metadata__");
  r->meta = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  const char *format = r->meta ? meta_string (r, "format") : NULL;
  if (!format)
    return fail (error, KD_IO_ERROR_BAD_MAGIC,
                 "not a Distillscope session file (no format in metadata)");
  if (!g_str_equal (format, KD_SESSION_FORMAT))
    return fail (error, KD_IO_ERROR_BAD_MAGIC,
                 "not a Distillscope session file (its format is “%s”)", format);
  const char *version = meta_string (r, "format_version");
  guint64 major = 0;
  g_autofree char *head = version ? g_strndup (version, strcspn (version, ".")) : NULL;
  if (!head || !g_ascii_string_to_unsigned (head, 10, 1, G_MAXINT, &major, NULL))
    return fail (error, KD_IO_ERROR_VERSION, "unreadable session format version “%s”",
                 version ? version : "");
  if (major > KD_SESSION_VERSION)
    return fail (error, KD_IO_ERROR_VERSION,
                 "written by a newer Distillscope (session format %s; this version reads %d)",
                 version, KD_SESSION_VERSION);
  return TRUE;
}

static gboolean
parse_crc (const char *text, guint32 *out)
{
  guint64 v;
  if (!text || strlen (text) != 8
      || !g_ascii_string_to_unsigned (text, 16, 0, G_MAXUINT32, &v, NULL))
    return FALSE;
  *out = (guint32)v;
  return TRUE;
}

static gboolean
check_metadata_crc (const Reader *r, GError **error)
{
  guint32 want;
  if (!parse_crc (meta_string (r, "metadata_crc32"), &want))
    return fail (error, KD_IO_ERROR_CORRUPT, "data damaged: the metadata checksum is missing");
  if (metadata_crc (r->meta) != want)
    return fail (error, KD_IO_ERROR_CORRUPT, "data damaged: the metadata fails its checksum");
  return TRUE;
}

typedef struct
{
  const char *name;
  gint64 begin, end;
} Span;

static int
span_compare (gconstpointer a, gconstpointer b)
{
  const Span *x = a, *y = b;
  if (x->begin != y->begin)
    return x->begin < y->begin ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end;
}

static gboolean
entry_span (JsonObject *header, const char *name, Span *span)
{
  JsonNode *node = json_object_get_member (header, name);
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonNode *offsets = o ? json_object_get_member (o, "data_offsets") : NULL;
  JsonArray *a = offsets && JSON_NODE_HOLDS_ARRAY (offsets) ? json_node_get_array (offsets) : NULL;
  span->name = name;
  return a && json_array_get_length (a) == 2
         && kd_json_node_to_int (json_array_get_element (a, 0), &span->begin)
         && kd_json_node_to_int (json_array_get_element (a, 1), &span->end) && 0 <= span->begin
         && span->begin <= span->end;
}

/* Every tensor (ours and others') must tile the data exactly, as safetensors requires. */
static gboolean
check_spans (GArray *spans, gsize data_len, GError **error)
{
  gint64 at = 0;
  g_array_sort (spans, span_compare);
  for (guint i = 0; i < spans->len; i++)
    {
      const Span *s = &g_array_index (spans, Span, i);
      if (s->begin != at)
        return fail (error, KD_IO_ERROR_BAD_SIZE, "tensor %s %s the one before it", s->name,
                     s->begin < at ? "overlaps" : "leaves a gap after");
      at = s->end;
    }
  if ((guint64)at > data_len)
    return fail (error, KD_IO_ERROR_TRUNCATED,
                 "truncated: the tensors need %" G_GINT64_FORMAT
                 " bytes of data but only %" G_GSIZE_FORMAT " are present",
                 at, data_len);
  if ((guint64)at < data_len)
    return fail (error, KD_IO_ERROR_BAD_SIZE,
                 "%" G_GUINT64_FORMAT " unexpected bytes after the tensor data",
                 (guint64)(data_len - at));
  return TRUE;
}

static gboolean
check_layout (const Reader *r, GError **error)
{
  g_autoptr (GList) names = json_object_get_members (r->header);
  g_autoptr (GArray) spans = g_array_new (FALSE, FALSE, sizeof (Span));
  for (GList *l = names; l; l = l->next)
    {
      Span span;
      if (g_str_equal (l->data, "__metadata__"))
        continue;
      if (!entry_span (r->header, l->data, &span))
        return fail (error, KD_IO_ERROR_BAD_SIZE, "tensor %s has no valid data_offsets",
                     (const char *)l->data);
      g_array_append_val (spans, span);
    }
  return check_spans (spans, r->data_len, error);
}

/* The JSON object held (as a string) by metadata section `key`; owned by `parser`. */
static JsonObject *
section_object (const Reader *r, JsonParser *parser, const char *key, GError **error)
{
  const char *text = require_section (r, key, error);
  g_autofree char *what = g_strdup_printf ("section “%s”", key);
  return text ? kd_json_parse_object (parser, text, -1, what, error) : NULL;
}

static gboolean
section_failed (GError **error, const char *key)
{
  g_prefix_error (error, "section “%s”: ", key);
  return FALSE;
}

static gboolean
read_config (const Reader *r, KdSession *s, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = section_object (r, parser, "config", error);
  if (!o)
    return FALSE;
  if (!kd_train_config_from_object (o, &s->config, error)
      || !kd_json_get_string (o, "data_spec", s->data_spec, sizeof s->data_spec, error)
      || !kd_json_get_int32 (o, "train_limit", G_MININT, G_MAXINT, &s->train_limit, error)
      || !kd_json_get_int32 (o, "test_limit", G_MININT, G_MAXINT, &s->test_limit, error))
    return section_failed (error, "config");
  return TRUE;
}

typedef struct
{
  char arch[1024];
  int in_c, in_h, in_w, n_classes;
  gint64 n_params;
} ModelInfo;

static gboolean
parse_model_info (JsonObject *o, ModelInfo *info, GError **error)
{
  static const char *const required[] = { "arch", "in_c", "in_h", "in_w", "n_classes", "n_params" };
  for (gsize i = 0; i < G_N_ELEMENTS (required); i++)
    if (!json_object_has_member (o, required[i]))
      return kd_json_field_error (error, required[i], "is missing");
  if (!kd_json_get_string (o, "arch", info->arch, sizeof info->arch, error)
      || !kd_json_get_int32 (o, "in_c", 1, INPUT_MAX_DIM, &info->in_c, error)
      || !kd_json_get_int32 (o, "in_h", 1, INPUT_MAX_DIM, &info->in_h, error)
      || !kd_json_get_int32 (o, "in_w", 1, INPUT_MAX_DIM, &info->in_w, error)
      || !kd_json_get_int32 (o, "n_classes", 2, KD_MAX_CLASSES, &info->n_classes, error)
      || !kd_json_get_int (o, "n_params", 0, G_MAXINT64, &info->n_params, error))
    return FALSE;
  if ((gint64)info->in_c * info->in_h * info->in_w > INPUT_MAX_DIM)
    return fail (error, KD_IO_ERROR_TOO_LARGE, "the input shape is too large");
  return TRUE;
}

/* Rebuilds a network from its architecture string; its tensors are read later. */
static KdNet *
build_model (const ModelInfo *info, GError **error)
{
  KdArch arch;
  KdArchError arch_err = { 0 };
  KdNet *net = NULL;
  if (kd_arch_parse (info->arch, &arch, &arch_err) != KD_OK)
    {
      fail (error, KD_IO_ERROR_BAD_VALUE, "bad architecture “%s”: %s", info->arch,
            arch_err.message);
      return NULL;
    }
  KdStatus st = kd_net_new (&arch, info->in_c, info->in_h, info->in_w, info->n_classes,
                            LOAD_MAX_BATCH, &net);
  if (st != KD_OK)
    {
      fail (error, st == KD_ERR_NOMEM ? KD_IO_ERROR_TOO_LARGE : KD_IO_ERROR_BAD_SIZE,
            "architecture “%s” does not fit a %dx%dx%d input: %s", info->arch, info->in_c,
            info->in_h, info->in_w, kd_status_to_string (st));
      return NULL;
    }
  if ((gint64)net->n_params != info->n_params)
    {
      fail (error, KD_IO_ERROR_MISMATCH,
            "architecture “%s” has %" G_GSIZE_FORMAT
            " parameters but the file says %" G_GINT64_FORMAT,
            info->arch, net->n_params, info->n_params);
      kd_net_free (net);
      return NULL;
    }
  return net;
}

static gboolean
read_model (const Reader *r, KdModelId m, ModelInfo *info, KdSession *s, GError **error)
{
  g_autofree char *key = g_strconcat ("model.", role_names[m], NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = section_object (r, parser, key, error);
  if (!o)
    return FALSE;
  if (!parse_model_info (o, info, error) || !(s->nets[m] = build_model (info, error)))
    return section_failed (error, key);
  return TRUE;
}

static gboolean
read_models (const Reader *r, KdSession *s, GError **error)
{
  ModelInfo info[KD_N_MODELS] = { 0 };
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      if (!read_model (r, (KdModelId)m, &info[m], s, error))
        return FALSE;
      /* The three networks saw the same data: their inputs and outputs must agree. */
      if (info[m].in_c != info[0].in_c || info[m].in_h != info[0].in_h
          || info[m].in_w != info[0].in_w || info[m].n_classes != info[0].n_classes)
        return fail (error, KD_IO_ERROR_MISMATCH,
                     "the %s's input or class count differs from the teacher's", role_names[m]);
    }
  return TRUE;
}

static char *
shape_to_string (const gint64 *shape, int ndim)
{
  GString *s = g_string_new ("[");
  for (int i = 0; i < ndim; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? ", " : "", shape[i]);
  g_string_append_c (s, ']');
  return g_string_free (s, FALSE);
}

static gboolean
check_shape (JsonObject *entry, const TensorRef *t, GError **error)
{
  JsonNode *node = json_object_get_member (entry, "shape");
  JsonArray *a = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  gint64 shape[4];
  int n = a ? (int)json_array_get_length (a) : -1;
  gboolean same = n == t->ndim;
  for (int i = 0; same && i < n; i++)
    same = kd_json_node_to_int (json_array_get_element (a, (guint)i), &shape[i])
           && shape[i] == t->shape[i];
  if (!same)
    {
      g_autofree char *want = shape_to_string (t->shape, t->ndim);
      return fail (error, KD_IO_ERROR_MISMATCH,
                   "tensor %s does not have the shape %s its architecture needs", t->name, want);
    }
  return TRUE;
}

/* Checks one tensor against its network and copies it in. */
static gboolean
read_tensor (const Reader *r, const TensorRef *t, GError **error)
{
  JsonNode *node = json_object_get_member (r->header, t->name);
  Span span;
  guint32 want;
  if (!node || !JSON_NODE_HOLDS_OBJECT (node))
    return fail (error, KD_IO_ERROR_MISMATCH, "tensor %s is missing", t->name);
  JsonObject *entry = json_node_get_object (node);
  const char *dtype = kd_json_node_string (json_object_get_member (entry, "dtype"));
  if (!dtype)
    return fail (error, KD_IO_ERROR_BAD_VALUE, "tensor %s has no valid dtype", t->name);
  if (!g_str_equal (dtype, "F32"))
    return fail (error, KD_IO_ERROR_BAD_VALUE, "tensor %s has dtype “%s”; only F32 is supported",
                 t->name, dtype);
  if (!check_shape (entry, t, error))
    return FALSE;
  entry_span (r->header, t->name, &span); /* already validated by check_layout */
  if ((guint64)(span.end - span.begin) != t->count * sizeof (float))
    return fail (error, KD_IO_ERROR_BAD_SIZE, "tensor %s has the wrong number of bytes", t->name);
  g_autofree char *key = g_strconcat ("crc32.", t->name, NULL);
  const guint8 *bytes = r->data + span.begin;
  if (!parse_crc (meta_string (r, key), &want))
    return fail (error, KD_IO_ERROR_CORRUPT, "data damaged: tensor %s has no checksum", t->name);
  if (crc_bytes (crc_bytes (0, NULL, 0), bytes, t->count * sizeof (float)) != want)
    return fail (error, KD_IO_ERROR_CORRUPT, "data damaged: tensor %s fails its checksum", t->name);
  load_le (t->values, bytes, t->count);
  for (gsize i = 0; i < t->count; i++)
    if (!isfinite (t->values[i]))
      return fail (error, KD_IO_ERROR_BAD_VALUE, "tensor %s contains NaN or infinite values",
                   t->name);
  return TRUE;
}

static gboolean
read_tensors (const Reader *r, KdSession *s, GError **error)
{
  g_autoptr (GArray) refs = collect_tensors (s->nets);
  for (guint i = 0; i < refs->len; i++)
    if (!read_tensor (r, &g_array_index (refs, TensorRef, i), error))
      return FALSE;
  return TRUE;
}

static gboolean
read_history_floats (JsonObject *o, const char *name, KdHistory *h, gsize offset, GError **error)
{
  JsonArray *a = kd_json_get_array (o, name, h->n, error);
  for (int i = 0; a && i < h->n; i++)
    {
      double v;
      if (!kd_json_node_to_double (json_array_get_element (a, (guint)i), &v))
        return kd_json_field_error (error, name, "must hold numbers");
      *(float *)((char *)&h->points[i] + offset) = (float)v;
    }
  return a != NULL;
}

static gboolean
read_history_per_model (JsonObject *o, const char *name, KdHistory *h, gsize offset, GError **error)
{
  JsonObject *per_model = kd_json_get_object (o, name, error);
  for (int m = 0; per_model && m < KD_N_MODELS; m++)
    if (!read_history_floats (per_model, role_names[m], h, offset + (gsize)m * sizeof (float),
                              error))
      {
        g_prefix_error (error, "%s: ", name);
        return FALSE;
      }
  return per_model != NULL;
}

static int
phase_from_name (const char *name)
{
  for (int k = 0; name && k < (int)G_N_ELEMENTS (phase_names); k++)
    if (g_str_equal (name, phase_names[k]))
      return k;
  return -1;
}

static gboolean
read_history_steps (JsonObject *o, KdHistory *h, GError **error)
{
  JsonArray *steps = kd_json_get_array (o, "step", h->n, error);
  JsonArray *phases = steps ? kd_json_get_array (o, "phase", h->n, error) : NULL;
  for (int i = 0; phases && i < h->n; i++)
    {
      gint64 step;
      int phase = phase_from_name (kd_json_node_string (json_array_get_element (phases, (guint)i)));
      if (!kd_json_node_to_int (json_array_get_element (steps, (guint)i), &step) || step < 0)
        return kd_json_field_error (error, "step", "must hold non-negative integers");
      if (phase < 0)
        return kd_json_field_error (error, "phase", "holds an unknown phase");
      h->points[i].step = (long)step;
      h->points[i].phase = (KdPhase)phase;
    }
  return phases != NULL;
}

static gboolean
parse_history (JsonObject *o, KdHistory *out, GError **error)
{
  JsonArray *steps = kd_json_get_array (o, "step", -1, error);
  if (!steps)
    return FALSE;
  KdHistory h = { .n = (int)MIN (json_array_get_length (steps), (guint)G_MAXINT) };
  g_autofree KdHistoryPoint *points = g_new0 (KdHistoryPoint, MAX (h.n, 1));
  h.cap = h.n;
  h.points = points;
  if (!read_history_steps (o, &h, error)
      || !read_history_floats (o, "epoch", &h, offsetof (KdHistoryPoint, epoch), error)
      || !read_history_floats (o, "temperature", &h, offsetof (KdHistoryPoint, temperature), error)
      || !read_history_per_model (o, "loss", &h, offsetof (KdHistoryPoint, loss), error)
      || !read_history_per_model (o, "train_acc", &h, offsetof (KdHistoryPoint, train_acc), error)
      || !read_history_per_model (o, "test_acc", &h, offsetof (KdHistoryPoint, test_acc), error))
    return FALSE;
  h.points = g_steal_pointer (&points);
  *out = h;
  return TRUE;
}

static gboolean
read_results_per_model (JsonObject *o, const char *name, double v[KD_N_MODELS], GError **error)
{
  JsonObject *per_model = kd_json_get_object (o, name, error);
  for (int m = 0; per_model && m < KD_N_MODELS; m++)
    {
      JsonNode *node = json_object_get_member (per_model, role_names[m]);
      if (!node || !kd_json_node_to_double (node, &v[m]))
        return kd_json_field_error (error, name, "must hold a number per model");
    }
  return per_model != NULL;
}

static gboolean
parse_results (JsonObject *o, KdResults *out, GError **error)
{
  KdResults res = { 0 };
  double t = NAN;
  if (!json_object_has_member (o, "temperature"))
    return kd_json_field_error (error, "temperature", "is missing");
  if (!kd_json_get_double (o, "temperature", FALSE, &t, error)
      || !read_results_per_model (o, "accuracy", res.accuracy, error)
      || !read_results_per_model (o, "agreement", res.agreement, error)
      || !read_results_per_model (o, "kl", res.kl, error))
    return FALSE;
  res.temperature = (float)t;
  *out = res;
  return TRUE;
}

static gboolean
read_history (const Reader *r, KdSession *s, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = section_object (r, parser, "history", error);
  if (!o)
    return FALSE;
  return parse_history (o, &s->history, error) || section_failed (error, "history");
}

/* Results are optional: a run saved before it finished has none. */
static gboolean
read_results (const Reader *r, KdSession *s, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  s->have_results = meta_string (r, "results") != NULL;
  if (!s->have_results)
    return TRUE;
  JsonObject *o = section_object (r, parser, "results", error);
  if (!o)
    return FALSE;
  return parse_results (o, &s->results, error) || section_failed (error, "results");
}

static KdSession *
parse_session (const guint8 *file, gsize len, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (KdSession) s = kd_session_new ();
  Reader r = { 0 };
  if (!parse_header (parser, file, len, &r, error) || !check_format (&r, error)
      || !check_metadata_crc (&r, error) || !check_layout (&r, error) || !read_config (&r, s, error)
      || !read_models (&r, s, error) || !read_tensors (&r, s, error) || !read_history (&r, s, error)
      || !read_results (&r, s, error))
    return NULL;
  return g_steal_pointer (&s);
}

/* The whole file, refusing directories and devices (reading /dev/zero would never end). */
static char *
read_file (const char *path, const char *display, gsize *len, GError **error)
{
  GStatBuf st;
  char *contents = NULL;
  g_autoptr (GError) local = NULL;
  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      fail (error, KD_IO_ERROR_OPEN, "“%s”: %s", display, g_strerror (saved));
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      fail (error, S_ISDIR (st.st_mode) ? KD_IO_ERROR_IS_DIRECTORY : KD_IO_ERROR_OPEN,
            "“%s”: %s, not a session file", display,
            S_ISDIR (st.st_mode) ? "a directory" : "a device or pipe");
      return NULL;
    }
  /* GLib's message already names the file. */
  if (!g_file_get_contents (path, &contents, len, &local))
    fail (error, KD_IO_ERROR_OPEN, "%s", local->message);
  else if (*len == 0)
    fail (error, KD_IO_ERROR_EMPTY, "“%s”: the file is empty", display);
  else
    return contents;
  g_free (contents);
  return NULL;
}

KdSession *
kd_session_load (const char *path, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autofree char *display = g_filename_display_name (path);
  gsize len = 0;
  g_autofree char *contents = read_file (path, display, &len, error);
  if (!contents)
    return NULL;
  KdSession *session = parse_session ((const guint8 *)contents, len, error);
  if (!session)
    g_prefix_error (error, "“%s”: ", display);
  return session;
}
