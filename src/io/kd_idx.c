/* kd_idx.c — MNIST-format IDX files, plain or gzip, validated before anything is kept.
 *
 * The file is read through a small reader that hides the compression: plain files are read
 * with stdio, gzip files (recognised by their magic bytes, not by their name) are inflated
 * with zlib as a stream, so a 47 MB image file never needs its compressed copy in memory.
 * Every failure names the file and says what is wrong with it.
 */
#include "kd_idx.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "kd_io_error.h"

/* A header asking for more is damaged, or not a dataset this workbench can hold in memory. */
#define IDX_MAX_BYTES ((guint64)1 << 30)
#define IDX_TYPE_UBYTE 0x08
#define READ_CHUNK 65536
/* Gzip payloads grow their buffer as data arrives: a lying header cannot make us allocate
 * a gigabyte for a file of a few bytes. */
#define GZIP_FIRST_ALLOC ((gsize)1 << 20)

typedef struct
{
  FILE *fp;
  char *display; /* the file name as shown to the user */
  guint64 file_size;
  gboolean gzip;
  gboolean z_ready; /* inflateInit2 succeeded */
  gboolean z_end;   /* the last gzip member ended cleanly */
  gboolean failed;  /* the compressed stream is damaged; reading on is pointless */
  z_stream zs;
  guint8 in[READ_CHUNK];
} IdxReader;

static void
idx_reader_free (IdxReader *r)
{
  if (r->z_ready)
    inflateEnd (&r->zs);
  if (r->fp)
    fclose (r->fp);
  g_free (r->display);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (IdxReader, idx_reader_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KdIdxArray, kd_idx_array_clear)

static gboolean
idx_reader_start_gzip (IdxReader *r, GError **error)
{
  guint8 magic[2] = { 0, 0 };
  gsize got = fread (magic, 1, 2, r->fp);
  rewind (r->fp);
  if (got < 2 || magic[0] != 0x1f || magic[1] != 0x8b)
    return TRUE;
  r->gzip = TRUE;
  /* 15 + 16: the largest window, and expect a gzip (not zlib) wrapper with its CRC. */
  if (inflateInit2 (&r->zs, 15 + 16) != Z_OK)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_OPEN, "“%s”: cannot start gzip decompression",
                   r->display);
      return FALSE;
    }
  r->z_ready = TRUE;
  return TRUE;
}

static IdxReader *
idx_reader_open (const char *path, GError **error)
{
  g_autoptr (IdxReader) r = g_new0 (IdxReader, 1);
  r->display = g_filename_display_name (path);
  r->fp = g_fopen (path, "rb");
  if (!r->fp)
    {
      int saved = errno;
      g_set_error (error, KD_IO_ERROR,
                   saved == EISDIR ? KD_IO_ERROR_IS_DIRECTORY : KD_IO_ERROR_OPEN,
                   "“%s”: cannot open: %s", r->display, g_strerror (saved));
      return NULL;
    }
  /* fopen() happily opens a directory for reading on Linux; only the first read would fail
   * with a less helpful message. */
  GStatBuf st;
  if (fstat (fileno (r->fp), &st) != 0)
    {
      int saved = errno;
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_OPEN, "“%s”: cannot read: %s", r->display,
                   g_strerror (saved));
      return NULL;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_IS_DIRECTORY,
                   "“%s”: is a directory, not an IDX file", r->display);
      return NULL;
    }
  if (st.st_size == 0)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_EMPTY, "“%s”: empty file (0 bytes)", r->display);
      return NULL;
    }
  r->file_size = (guint64)st.st_size;
  if (!idx_reader_start_gzip (r, error))
    return NULL;
  return g_steal_pointer (&r);
}

static gboolean
idx_reader_fill (IdxReader *r, GError **error)
{
  /* Keep unread input (the start of a next gzip member) at the front of the buffer. */
  if (r->zs.avail_in > 0 && r->zs.next_in != r->in)
    memmove (r->in, r->zs.next_in, r->zs.avail_in);
  r->zs.next_in = r->in;
  gsize got = fread (r->in + r->zs.avail_in, 1, READ_CHUNK - r->zs.avail_in, r->fp);
  if (ferror (r->fp))
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_OPEN, "“%s”: read error: %s", r->display,
                   g_strerror (errno));
      return FALSE;
    }
  r->zs.avail_in += (uInt)got;
  return TRUE;
}

/* After the end of a gzip member: either the file ends, another member follows (what
 * `cat a.gz b.gz` produces, and gzip accepts), or there is garbage. */
static gboolean
idx_reader_after_member (IdxReader *r, GError **error)
{
  if (r->zs.avail_in < 2 && !idx_reader_fill (r, error))
    return FALSE;
  if (r->zs.avail_in == 0)
    {
      r->z_end = TRUE;
      return TRUE;
    }
  if (r->zs.avail_in >= 2 && r->zs.next_in[0] == 0x1f && r->zs.next_in[1] == 0x8b)
    {
      inflateReset (&r->zs);
      return TRUE;
    }
  g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_CORRUPT,
               "“%s”: corrupt gzip file: unexpected data after the end of the compressed stream",
               r->display);
  return FALSE;
}

static gboolean
idx_reader_inflate (IdxReader *r, guint8 *buf, gsize n, gsize *got, GError **error)
{
  *got = 0;
  while (*got < n && !r->z_end)
    {
      if (r->zs.avail_in == 0 && !idx_reader_fill (r, error))
        return FALSE;
      if (r->zs.avail_in == 0)
        {
          g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_TRUNCATED,
                       "“%s”: truncated gzip file: the compressed stream ends before its end "
                       "marker",
                       r->display);
          return FALSE;
        }
      gsize want = MIN (n - *got, (gsize)G_MAXUINT32);
      r->zs.next_out = buf + *got;
      r->zs.avail_out = (uInt)want;
      int ret = inflate (&r->zs, Z_NO_FLUSH);
      *got += want - r->zs.avail_out;
      if (ret == Z_STREAM_END && !idx_reader_after_member (r, error))
        return FALSE;
      if (ret != Z_OK && ret != Z_STREAM_END && ret != Z_BUF_ERROR)
        {
          g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_CORRUPT, "“%s”: corrupt gzip data (%s)",
                       r->display, r->zs.msg ? r->zs.msg : zError (ret));
          return FALSE;
        }
    }
  return TRUE;
}

/* Reads up to n bytes; fewer only at the end of the data. */
static gboolean
idx_reader_read (IdxReader *r, guint8 *buf, gsize n, gsize *got, GError **error)
{
  if (r->gzip)
    {
      r->failed = r->failed || !idx_reader_inflate (r, buf, n, got, error);
      return !r->failed;
    }
  *got = fread (buf, 1, n, r->fp);
  if (ferror (r->fp))
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_OPEN, "“%s”: read error: %s", r->display,
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

static const char *
idx_type_name (guint8 type)
{
  switch (type)
    {
      case 0x08:
        return "unsigned byte";
      case 0x09:
        return "signed byte";
      case 0x0B:
        return "16-bit integer";
      case 0x0C:
        return "32-bit integer";
      case 0x0D:
        return "float";
      case 0x0E:
        return "double";
      default:
        return "unknown type";
    }
}

static gboolean
idx_check_magic (IdxReader *r, const guint8 *magic, gsize got, GError **error)
{
  if (got >= 2 && (magic[0] != 0 || magic[1] != 0))
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_MAGIC,
                   "“%s”: not an IDX file: it starts with bytes %02x %02x, expected 00 00",
                   r->display, magic[0], magic[1]);
      return FALSE;
    }
  if (got < 4)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_TRUNCATED,
                   "“%s”: truncated: the file holds %" G_GSIZE_FORMAT
                   " bytes, fewer than the 4-byte IDX magic number",
                   r->display, got);
      return FALSE;
    }
  if (magic[2] != IDX_TYPE_UBYTE)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_MAGIC,
                   "“%s”: unsupported IDX element type 0x%02x (%s); only 0x08 (unsigned byte) "
                   "is supported",
                   r->display, magic[2], idx_type_name (magic[2]));
      return FALSE;
    }
  if (magic[3] < 1 || magic[3] > KD_IDX_MAX_DIMS)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_MAGIC,
                   "“%s”: bad IDX header: %u dimensions, expected 1 to %d", r->display, magic[3],
                   KD_IDX_MAX_DIMS);
      return FALSE;
    }
  return TRUE;
}

static char *
idx_dims_string (const KdIdxArray *a)
{
  GString *s = g_string_new (NULL);
  for (int i = 0; i < a->n_dims; i++)
    g_string_append_printf (s, "%s%u", i ? " × " : "", a->dims[i]);
  return g_string_free (s, FALSE);
}

/* Reads and checks the dimensions; on success a->size is the payload size in bytes. */
static gboolean
idx_read_dims (IdxReader *r, KdIdxArray *a, GError **error)
{
  guint8 raw[4 * KD_IDX_MAX_DIMS];
  gsize want = 4 * (gsize)a->n_dims, got;
  if (!idx_reader_read (r, raw, want, &got, error))
    return FALSE;
  if (got < want)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_TRUNCATED,
                   "“%s”: truncated: the header promises %d dimensions but the file ends after "
                   "%" G_GSIZE_FORMAT " bytes",
                   r->display, a->n_dims, 4 + got);
      return FALSE;
    }
  for (int i = 0; i < a->n_dims; i++)
    a->dims[i] = (guint32)raw[4 * i] << 24 | (guint32)raw[4 * i + 1] << 16
                 | (guint32)raw[4 * i + 2] << 8 | raw[4 * i + 3];
  guint64 product = 1;
  gboolean too_large = FALSE;
  /* Stopping at the limit keeps the product below 2^62: it cannot overflow. */
  for (int i = 0; i < a->n_dims && !too_large; i++)
    {
      product *= a->dims[i];
      too_large = product > IDX_MAX_BYTES;
    }
  if (too_large)
    {
      g_autofree char *dims = idx_dims_string (a);
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_TOO_LARGE,
                   "“%s”: too large: the header's dimensions %s exceed the limit of 1 GiB",
                   r->display, dims);
      return FALSE;
    }
  if (product == 0)
    {
      g_autofree char *dims = idx_dims_string (a);
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_SIZE,
                   "“%s”: bad size: the header's dimensions %s hold no data", r->display, dims);
      return FALSE;
    }
  a->size = (gsize)product;
  return TRUE;
}

static const char *
idx_payload_noun (const KdIdxArray *a)
{
  return a->n_dims == 3 ? "pixels" : a->n_dims == 1 ? "labels" : "data";
}

static gboolean
idx_error_short (IdxReader *r, const KdIdxArray *a, guint64 held, GError **error)
{
  g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_TRUNCATED,
               "“%s”: truncated: header promises %" G_GSIZE_FORMAT
               " bytes of %s, %s holds %" G_GUINT64_FORMAT,
               r->display, a->size, idx_payload_noun (a),
               r->gzip ? "the decompressed file" : "file", held);
  return FALSE;
}

static gboolean
idx_error_trailing (IdxReader *r, const KdIdxArray *a, guint64 extra, GError **error)
{
  g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_SIZE,
               "“%s”: bad size: %" G_GUINT64_FORMAT " trailing bytes after the %" G_GSIZE_FORMAT
               " bytes of %s the header promises",
               r->display, extra, a->size, idx_payload_noun (a));
  return FALSE;
}

/* Plain files: compare the header with the file size before allocating anything. */
static gboolean
idx_check_plain_size (IdxReader *r, const KdIdxArray *a, GError **error)
{
  guint64 header = 4 + 4 * (guint64)a->n_dims;
  guint64 held = r->file_size > header ? r->file_size - header : 0;
  if (held < a->size)
    return idx_error_short (r, a, held, error);
  if (held > a->size)
    return idx_error_trailing (r, a, held - a->size, error);
  return TRUE;
}

static gboolean
idx_read_payload (IdxReader *r, KdIdxArray *a, GError **error)
{
  gsize cap = r->gzip ? MIN (a->size, GZIP_FIRST_ALLOC) : a->size, held = 0;
  g_autofree guint8 *data = g_try_malloc (cap);
  while (data && held < a->size)
    {
      gsize got;
      if (!idx_reader_read (r, data + held, cap - held, &got, error))
        return FALSE;
      held += got;
      if (held < cap)
        break; /* end of data */
      if (held < a->size)
        {
          cap = MIN (a->size, 2 * cap);
          guint8 *grown = g_try_realloc (data, cap);
          if (!grown)
            break;
          data = grown;
        }
    }
  if (!data || (held == cap && held < a->size))
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_TOO_LARGE,
                   "“%s”: too large: cannot allocate %" G_GSIZE_FORMAT " bytes", r->display,
                   a->size);
      return FALSE;
    }
  if (held < a->size)
    return idx_error_short (r, a, held, error);
  a->data = g_steal_pointer (&data);
  return TRUE;
}

/* A gzip file's trailing bytes are only known after inflating to the end, which also
 * verifies the CRC of the whole stream. */
static gboolean
idx_check_no_trailing (IdxReader *r, const KdIdxArray *a, GError **error)
{
  g_autofree guint8 *scratch = g_malloc (READ_CHUNK);
  guint64 extra = 0;
  gsize got;
  do
    {
      if (!idx_reader_read (r, scratch, READ_CHUNK, &got, error))
        return FALSE;
      extra += got;
    }
  while (got == READ_CHUNK);
  return extra == 0 || idx_error_trailing (r, a, extra, error);
}

/* A damaged gzip stream can inflate to plausible garbage that fails a later check (magic,
 * sizes) before zlib notices the damage; the damage is the real problem, so look for it
 * by inflating on (bounded, without keeping the output). */
static void
idx_prefer_stream_error (IdxReader *r, GError **error)
{
  if (!r->gzip || r->failed)
    return;
  g_autofree guint8 *scratch = g_malloc (READ_CHUNK);
  GError *damage = NULL;
  guint64 total = 0;
  gsize got;
  do
    {
      if (!idx_reader_read (r, scratch, READ_CHUNK, &got, &damage))
        {
          g_clear_error (error);
          g_propagate_error (error, damage);
          return;
        }
      total += got;
    }
  while (got == READ_CHUNK && total < 2 * IDX_MAX_BYTES);
}

static gboolean
idx_read_all (IdxReader *r, KdIdxArray *a, GError **error)
{
  guint8 magic[4];
  gsize got;
  if (!idx_reader_read (r, magic, 4, &got, error) || !idx_check_magic (r, magic, got, error))
    return FALSE;
  a->n_dims = magic[3];
  if (!idx_read_dims (r, a, error))
    return FALSE;
  if (!r->gzip && !idx_check_plain_size (r, a, error))
    return FALSE;
  return idx_read_payload (r, a, error) && idx_check_no_trailing (r, a, error);
}

gboolean
kd_idx_read (const char *path, KdIdxArray *out, GError **error)
{
  g_return_val_if_fail (path != NULL && out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_autoptr (IdxReader) r = idx_reader_open (path, error);
  if (!r)
    return FALSE;
  g_auto (KdIdxArray) a = { 0 };
  g_autoptr (GError) local = NULL;
  if (!idx_read_all (r, &a, &local))
    {
      idx_prefer_stream_error (r, &local);
      g_propagate_error (error, g_steal_pointer (&local));
      return FALSE;
    }
  *out = a;
  memset (&a, 0, sizeof a);
  return TRUE;
}

void
kd_idx_array_clear (KdIdxArray *arr)
{
  if (!arr)
    return;
  g_clear_pointer (&arr->data, g_free);
  memset (arr, 0, sizeof *arr);
}

static gboolean
idx_check_pair_shapes (const KdIdxArray *images,
                       const char *images_path,
                       const KdIdxArray *labels,
                       const char *labels_path,
                       GError **error)
{
  g_autofree char *ishow = g_filename_display_name (images_path);
  g_autofree char *lshow = g_filename_display_name (labels_path);
  if (images->n_dims != 3)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_SIZE,
                   "“%s”: bad size: an images file has 3 dimensions (count, rows, columns), "
                   "this one has %d",
                   ishow, images->n_dims);
      return FALSE;
    }
  if (labels->n_dims != 1)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_SIZE,
                   "“%s”: bad size: a labels file has 1 dimension, this one has %d", lshow,
                   labels->n_dims);
      return FALSE;
    }
  if (images->dims[0] != labels->dims[0])
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_MISMATCH,
                   "“%s” holds %u images but “%s” holds %u labels", ishow, images->dims[0], lshow,
                   labels->dims[0]);
      return FALSE;
    }
  return TRUE;
}

static gboolean
idx_check_labels (const KdIdxArray *labels, const char *labels_path, int n_classes, GError **error)
{
  for (gsize i = 0; i < labels->size; i++)
    if (labels->data[i] >= n_classes)
      {
        g_autofree char *show = g_filename_display_name (labels_path);
        g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_LABEL_RANGE,
                     "“%s”: label %u at index %" G_GSIZE_FORMAT " is outside 0..%d", show,
                     labels->data[i], i, n_classes - 1);
        return FALSE;
      }
  return TRUE;
}

KdDataset *
kd_idx_load_pair (const char *images_path, const char *labels_path, int n_classes, GError **error)
{
  g_return_val_if_fail (images_path != NULL && labels_path != NULL, NULL);
  g_return_val_if_fail (n_classes >= 1 && n_classes <= KD_MAX_CLASSES, NULL);

  g_auto (KdIdxArray) images = { 0 };
  g_auto (KdIdxArray) labels = { 0 };
  if (!kd_idx_read (images_path, &images, error) || !kd_idx_read (labels_path, &labels, error)
      || !idx_check_pair_shapes (&images, images_path, &labels, labels_path, error)
      || !idx_check_labels (&labels, labels_path, n_classes, error))
    return NULL;

  int n = (int)images.dims[0], h = (int)images.dims[1], w = (int)images.dims[2];
  KdDataset *ds = kd_dataset_new (n, 1, h, w, n_classes, 1);
  if (!ds)
    {
      g_autofree char *show = g_filename_display_name (images_path);
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_TOO_LARGE,
                   "“%s”: too large: cannot allocate %d images of %d × %d", show, n, h, w);
      return NULL;
    }
  memcpy (ds->pixels, images.data, images.size);
  memcpy (ds->labels, labels.data, labels.size);
  g_autofree char *base = g_path_get_basename (images_path);
  g_strlcpy (ds->name, base, sizeof ds->name);
  kd_dataset_compute_norm (ds);
  return ds;
}
