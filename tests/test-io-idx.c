/* test-io-idx.c — IDX reading: good files, plain and gzip, and one test per bad input. */
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <zlib.h>

#include "kd_idx.h"
#include "kd_io_error.h"
#include "kd_loader.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KdDataset, kd_dataset_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (KdIdxArray, kd_idx_array_clear)

#define N_IMAGES 5
#define ROWS 3
#define COLS 4

typedef struct
{
  char *dir;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("test-io-idx-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir && (name = g_dir_read_name (dir)))
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
    }
  g_remove (path);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  remove_tree (f->dir);
  g_free (f->dir);
}

/* An IDX image: big-endian header, then the payload. */
static GByteArray *
idx_bytes (guint8 type, int n_dims, const guint32 *dims, const guint8 *payload, gsize size)
{
  GByteArray *b = g_byte_array_new ();
  guint8 magic[4] = { 0, 0, type, (guint8)n_dims };
  g_byte_array_append (b, magic, 4);
  for (int i = 0; i < n_dims; i++)
    {
      guint32 be = GUINT32_TO_BE (dims[i]);
      g_byte_array_append (b, (const guint8 *)&be, 4);
    }
  if (payload)
    g_byte_array_append (b, payload, (guint)size);
  return b;
}

static char *
write_file (Fixture *f, const char *name, const guint8 *data, gsize len)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_file_set_contents (path, (const char *)data, (gssize)len, &error);
  g_assert_no_error (error);
  return path;
}

static GByteArray *
gzip_bytes (const guint8 *data, gsize len)
{
  z_stream zs = { 0 };
  g_assert_cmpint (deflateInit2 (&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), ==, Z_OK);
  GByteArray *out = g_byte_array_sized_new ((guint)deflateBound (&zs, len));
  g_byte_array_set_size (out, (guint)deflateBound (&zs, len));
  zs.next_in = (Bytef *)data;
  zs.avail_in = (uInt)len;
  zs.next_out = out->data;
  zs.avail_out = out->len;
  g_assert_cmpint (deflate (&zs, Z_FINISH), ==, Z_STREAM_END);
  g_byte_array_set_size (out, (guint)zs.total_out);
  deflateEnd (&zs);
  return out;
}

static GByteArray *
images_bytes (int n, int rows, int cols)
{
  guint32 dims[3] = { (guint32)n, (guint32)rows, (guint32)cols };
  gsize size = (gsize)n * rows * cols;
  g_autofree guint8 *pixels = g_malloc (size);
  for (gsize i = 0; i < size; i++)
    pixels[i] = (guint8)(i * 37 + 11);
  return idx_bytes (0x08, 3, dims, pixels, size);
}

static GByteArray *
labels_bytes (int n, guint8 first)
{
  guint32 dims[1] = { (guint32)n };
  g_autofree guint8 *labels = g_malloc (n);
  for (int i = 0; i < n; i++)
    labels[i] = (guint8)((first + i) % 10);
  return idx_bytes (0x08, 1, dims, labels, n);
}

static char *
write_bytes (Fixture *f, const char *name, GByteArray *b)
{
  return write_file (f, name, b->data, b->len);
}

/* Asserts the code and that the message names the file. */
static void
assert_io_error (const GError *error, int code, const char *path)
{
  g_assert_error (error, KD_IO_ERROR, code);
  g_test_message ("%s", error->message);
  g_autofree char *show = g_filename_display_name (path);
  if (!strstr (error->message, show))
    g_error ("message “%s” does not name “%s”", error->message, show);
}

static void
assert_read_fails (const char *path, int code)
{
  g_autoptr (GError) error = NULL;
  KdIdxArray arr = { 0 };
  g_assert_false (kd_idx_read (path, &arr, &error));
  assert_io_error (error, code, path);
  /* Nothing half-loaded. */
  g_assert_null (arr.data);
  g_assert_cmpint (arr.n_dims, ==, 0);
}

static void
assert_images_ok (const KdIdxArray *arr, int n)
{
  g_assert_cmpint (arr->n_dims, ==, 3);
  g_assert_cmpuint (arr->dims[0], ==, n);
  g_assert_cmpuint (arr->dims[1], ==, ROWS);
  g_assert_cmpuint (arr->dims[2], ==, COLS);
  g_assert_cmpuint (arr->size, ==, (gsize)n * ROWS * COLS);
  for (gsize i = 0; i < arr->size; i++)
    g_assert_cmpuint (arr->data[i], ==, (guint8)(i * 37 + 11));
}

/* ---- good files ------------------------------------------------------------------------ */

static void
test_plain_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr (GByteArray) b = images_bytes (N_IMAGES, ROWS, COLS);
  g_autofree char *path = write_bytes (f, "images-idx3-ubyte", b);
  g_autoptr (GError) error = NULL;
  g_auto (KdIdxArray) arr = { 0 };
  g_assert_true (kd_idx_read (path, &arr, &error));
  g_assert_no_error (error);
  assert_images_ok (&arr, N_IMAGES);
}

static void
test_gzip_round_trip (Fixture *f, gconstpointer data)
{
  /* Large enough to span many read and inflate chunks; named without .gz on purpose:
   * compression is recognised by content. */
  g_autoptr (GByteArray) b = images_bytes (2000, ROWS, COLS * 10);
  g_autoptr (GByteArray) gz = gzip_bytes (b->data, b->len);
  g_autofree char *path = write_bytes (f, "images-idx3-ubyte", gz);
  g_autoptr (GError) error = NULL;
  g_auto (KdIdxArray) arr = { 0 };
  g_assert_true (kd_idx_read (path, &arr, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (arr.dims[0], ==, 2000);
  g_assert_cmpuint (arr.size, ==, b->len - 16);
  g_assert_cmpmem (arr.data, arr.size, b->data + 16, b->len - 16);
}

static void
test_gzip_multi_member (Fixture *f, gconstpointer data)
{
  /* `cat a.gz b.gz` is a valid gzip file of a's and b's content. */
  g_autoptr (GByteArray) b = images_bytes (N_IMAGES, ROWS, COLS);
  guint half = b->len / 2;
  g_autoptr (GByteArray) gz = gzip_bytes (b->data, half);
  g_autoptr (GByteArray) gz2 = gzip_bytes (b->data + half, b->len - half);
  g_byte_array_append (gz, gz2->data, gz2->len);
  g_autofree char *path = write_bytes (f, "images.gz", gz);
  g_autoptr (GError) error = NULL;
  g_auto (KdIdxArray) arr = { 0 };
  g_assert_true (kd_idx_read (path, &arr, &error));
  g_assert_no_error (error);
  assert_images_ok (&arr, N_IMAGES);
}

static void
test_pair_good (Fixture *f, gconstpointer data)
{
  g_autoptr (GByteArray) ib = images_bytes (N_IMAGES, ROWS, COLS);
  g_autoptr (GByteArray) lb = labels_bytes (N_IMAGES, 3);
  g_autoptr (GByteArray) lgz = gzip_bytes (lb->data, lb->len);
  g_autofree char *ipath = write_bytes (f, "train-images-idx3-ubyte", ib);
  g_autofree char *lpath = write_bytes (f, "train-labels-idx1-ubyte.gz", lgz);
  g_autoptr (GError) error = NULL;
  g_autoptr (KdDataset) ds = kd_idx_load_pair (ipath, lpath, 10, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ds);
  g_assert_cmpint (ds->n, ==, N_IMAGES);
  g_assert_cmpint (ds->c, ==, 1);
  g_assert_cmpint (ds->h, ==, ROWS);
  g_assert_cmpint (ds->w, ==, COLS);
  g_assert_cmpint (ds->n_classes, ==, 10);
  g_assert_nonnull (ds->pixels);
  g_assert_null (ds->features);
  g_assert_cmpmem (ds->pixels, N_IMAGES * ROWS * COLS, ib->data + 16, ib->len - 16);
  for (int i = 0; i < N_IMAGES; i++)
    g_assert_cmpint (ds->labels[i], ==, (3 + i) % 10);
  g_assert_cmpfloat (ds->std, >, 0.0f);
  g_assert_cmpfloat (ds->mean, >, 0.0f);
}

/* ---- bad files, one test per case ------------------------------------------------------ */

static void
test_truncated (Fixture *f, gconstpointer data)
{
  g_autoptr (GByteArray) b = images_bytes (N_IMAGES, ROWS, COLS);
  g_byte_array_set_size (b, 16 + 30);
  g_autofree char *path = write_bytes (f, "train-images-idx3-ubyte", b);
  g_autoptr (GError) error = NULL;
  KdIdxArray arr = { 0 };
  g_assert_false (kd_idx_read (path, &arr, &error));
  assert_io_error (error, KD_IO_ERROR_TRUNCATED, path);
  g_assert_nonnull (strstr (error->message, "header promises 60 bytes of pixels, file holds 30"));
}

static void
test_truncated_header (Fixture *f, gconstpointer data)
{
  g_autoptr (GByteArray) b = images_bytes (N_IMAGES, ROWS, COLS);
  g_byte_array_set_size (b, 10); /* 3 dimensions promised, 1.5 present */
  g_autofree char *path = write_bytes (f, "images", b);
  assert_read_fails (path, KD_IO_ERROR_TRUNCATED);
}

static void
test_wrong_magic (Fixture *f, gconstpointer data)
{
  const guint8 zip[] = { 'P', 'K', 3, 4, 20, 0, 0, 0, 8, 0, 1, 2, 3, 4, 5, 6 };
  g_autofree char *path = write_file (f, "images.zip", zip, sizeof zip);
  assert_read_fails (path, KD_IO_ERROR_BAD_MAGIC);
}

static void
test_wrong_type (Fixture *f, gconstpointer data)
{
  guint32 dims[1] = { 2 };
  const guint8 floats[8] = { 0 };
  g_autoptr (GByteArray) b = idx_bytes (0x0D, 1, dims, floats, sizeof floats);
  g_autofree char *path = write_bytes (f, "floats-idx1", b);
  g_autoptr (GError) error = NULL;
  KdIdxArray arr = { 0 };
  g_assert_false (kd_idx_read (path, &arr, &error));
  assert_io_error (error, KD_IO_ERROR_BAD_MAGIC, path);
  g_assert_nonnull (strstr (error->message, "0x0d"));
}

static void
test_bad_dim_count (Fixture *f, gconstpointer data)
{
  guint32 dims[5] = { 1, 1, 1, 1, 1 };
  const guint8 one = 7;
  g_autoptr (GByteArray) five = idx_bytes (0x08, 5, dims, &one, 1);
  g_autofree char *path5 = write_bytes (f, "five-dims", five);
  assert_read_fails (path5, KD_IO_ERROR_BAD_MAGIC);
  g_autoptr (GByteArray) zero = idx_bytes (0x08, 0, dims, &one, 1);
  g_autofree char *path0 = write_bytes (f, "zero-dims", zero);
  assert_read_fails (path0, KD_IO_ERROR_BAD_MAGIC);
}

static void
test_trailing_bytes (Fixture *f, gconstpointer data)
{
  g_autoptr (GByteArray) b = images_bytes (N_IMAGES, ROWS, COLS);
  const guint8 extra[5] = { 1, 2, 3, 4, 5 };
  g_byte_array_append (b, extra, sizeof extra);
  g_autofree char *path = write_bytes (f, "images", b);
  g_autoptr (GError) error = NULL;
  KdIdxArray arr = { 0 };
  g_assert_false (kd_idx_read (path, &arr, &error));
  assert_io_error (error, KD_IO_ERROR_BAD_SIZE, path);
  g_assert_nonnull (strstr (error->message, "5 trailing bytes"));
}

static void
test_size_mismatch (Fixture *f, gconstpointer data)
{
  /* The header says 3 × 4 images but the payload was written as 4 × 4: the sizes disagree
   * and the file is refused, not reinterpreted. */
  g_autoptr (GByteArray) b = images_bytes (N_IMAGES, 4, COLS);
  guint32 rows_be = GUINT32_TO_BE (ROWS);
  memcpy (b->data + 8, &rows_be, 4);
  g_autofree char *path = write_bytes (f, "images", b);
  assert_read_fails (path, KD_IO_ERROR_BAD_SIZE);
}

static void
test_zero_dim (Fixture *f, gconstpointer data)
{
  guint32 dims[3] = { 0, 28, 28 };
  g_autoptr (GByteArray) b = idx_bytes (0x08, 3, dims, NULL, 0);
  g_autofree char *path = write_bytes (f, "images", b);
  assert_read_fails (path, KD_IO_ERROR_BAD_SIZE);
}

static void
test_huge_dims (Fixture *f, gconstpointer data)
{
  /* 60000 × 28000 × 28000 is 47 TB: refused from the header, before any allocation. */
  guint32 dims[3] = { 60000, 28000, 28000 };
  g_autoptr (GByteArray) b = idx_bytes (0x08, 3, dims, (const guint8 *)"abc", 3);
  g_autofree char *path = write_bytes (f, "huge", b);
  assert_read_fails (path, KD_IO_ERROR_TOO_LARGE);
}

static void
test_overflow_dims (Fixture *f, gconstpointer data)
{
  /* The product of these wraps around to a small number in 64-bit arithmetic. */
  guint32 dims[4] = { 0x80000000u, 0x80000000u, 4, 1 };
  g_autoptr (GByteArray) b = idx_bytes (0x08, 4, dims, NULL, 0);
  g_autofree char *path = write_bytes (f, "overflow", b);
  assert_read_fails (path, KD_IO_ERROR_TOO_LARGE);
}

static void
test_empty (Fixture *f, gconstpointer data)
{
  g_autofree char *path = write_file (f, "empty-idx3-ubyte", (const guint8 *)"", 0);
  assert_read_fails (path, KD_IO_ERROR_EMPTY);
}

static void
test_directory (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "train-images-idx3-ubyte", NULL);
  g_assert_cmpint (g_mkdir (path, 0700), ==, 0);
  assert_read_fails (path, KD_IO_ERROR_IS_DIRECTORY);
}

static void
test_missing (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "no-such-file-idx3-ubyte", NULL);
  assert_read_fails (path, KD_IO_ERROR_OPEN);
}

static void
test_gzip_corrupt (Fixture *f, gconstpointer data)
{
  g_autoptr (GByteArray) b = images_bytes (200, ROWS, COLS);
  g_autoptr (GByteArray) gz = gzip_bytes (b->data, b->len);
  /* Damage the deflate data after the 10-byte gzip header. */
  for (guint i = 12; i < gz->len - 8; i += 3)
    gz->data[i] ^= 0x5a;
  g_autofree char *path = write_bytes (f, "images.gz", gz);
  assert_read_fails (path, KD_IO_ERROR_CORRUPT);
}

static void
test_gzip_bad_crc (Fixture *f, gconstpointer data)
{
  g_autoptr (GByteArray) b = images_bytes (N_IMAGES, ROWS, COLS);
  g_autoptr (GByteArray) gz = gzip_bytes (b->data, b->len);
  gz->data[gz->len - 8] ^= 0xff; /* the CRC-32 in the trailer */
  g_autofree char *path = write_bytes (f, "images.gz", gz);
  assert_read_fails (path, KD_IO_ERROR_CORRUPT);
}

static void
test_gzip_truncated (Fixture *f, gconstpointer data)
{
  g_autoptr (GByteArray) b = images_bytes (200, ROWS, COLS);
  g_autoptr (GByteArray) gz = gzip_bytes (b->data, b->len);
  g_byte_array_set_size (gz, gz->len / 2);
  g_autofree char *path = write_bytes (f, "images.gz", gz);
  assert_read_fails (path, KD_IO_ERROR_TRUNCATED);
}

static void
test_gzip_truncated_payload (Fixture *f, gconstpointer data)
{
  /* An intact gzip stream whose IDX content is short. */
  g_autoptr (GByteArray) b = images_bytes (N_IMAGES, ROWS, COLS);
  g_byte_array_set_size (b, b->len - 7);
  g_autoptr (GByteArray) gz = gzip_bytes (b->data, b->len);
  g_autofree char *path = write_bytes (f, "images.gz", gz);
  g_autoptr (GError) error = NULL;
  KdIdxArray arr = { 0 };
  g_assert_false (kd_idx_read (path, &arr, &error));
  assert_io_error (error, KD_IO_ERROR_TRUNCATED, path);
  g_assert_nonnull (strstr (error->message, "header promises 60 bytes of pixels"));
}

static void
test_gzip_trailing_garbage (Fixture *f, gconstpointer data)
{
  g_autoptr (GByteArray) b = images_bytes (N_IMAGES, ROWS, COLS);
  g_autoptr (GByteArray) gz = gzip_bytes (b->data, b->len);
  g_byte_array_append (gz, (const guint8 *)"junk", 4);
  g_autofree char *path = write_bytes (f, "images.gz", gz);
  assert_read_fails (path, KD_IO_ERROR_CORRUPT);
}

static void
assert_pair_fails (const char *ipath, const char *lpath, int n_classes, int code, const char *named)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KdDataset) ds = kd_idx_load_pair (ipath, lpath, n_classes, &error);
  g_assert_null (ds);
  assert_io_error (error, code, named);
}

static void
test_pair_count_mismatch (Fixture *f, gconstpointer data)
{
  g_autoptr (GByteArray) ib = images_bytes (N_IMAGES, ROWS, COLS);
  g_autoptr (GByteArray) lb = labels_bytes (N_IMAGES - 1, 0);
  g_autofree char *ipath = write_bytes (f, "images", ib);
  g_autofree char *lpath = write_bytes (f, "labels", lb);
  g_autoptr (GError) error = NULL;
  g_autoptr (KdDataset) ds = kd_idx_load_pair (ipath, lpath, 10, &error);
  g_assert_null (ds);
  assert_io_error (error, KD_IO_ERROR_MISMATCH, ipath);
  assert_io_error (error, KD_IO_ERROR_MISMATCH, lpath);
  g_assert_nonnull (strstr (error->message, "5 images"));
  g_assert_nonnull (strstr (error->message, "4 labels"));
}

static void
test_pair_label_range (Fixture *f, gconstpointer data)
{
  g_autoptr (GByteArray) ib = images_bytes (N_IMAGES, ROWS, COLS);
  g_autoptr (GByteArray) lb = labels_bytes (N_IMAGES, 0);
  lb->data[8 + 3] = 12; /* sample 3 */
  g_autofree char *ipath = write_bytes (f, "images", ib);
  g_autofree char *lpath = write_bytes (f, "labels", lb);
  g_autoptr (GError) error = NULL;
  g_autoptr (KdDataset) ds = kd_idx_load_pair (ipath, lpath, 10, &error);
  g_assert_null (ds);
  assert_io_error (error, KD_IO_ERROR_LABEL_RANGE, lpath);
  g_assert_nonnull (strstr (error->message, "label 12 at index 3"));
}

static void
test_pair_images_not_3d (Fixture *f, gconstpointer data)
{
  g_autoptr (GByteArray) lb = labels_bytes (N_IMAGES, 0);
  g_autofree char *ipath = write_bytes (f, "images", lb);
  g_autofree char *lpath = write_bytes (f, "labels", lb);
  assert_pair_fails (ipath, lpath, 10, KD_IO_ERROR_BAD_SIZE, ipath);
}

static void
test_pair_labels_not_1d (Fixture *f, gconstpointer data)
{
  g_autoptr (GByteArray) ib = images_bytes (N_IMAGES, ROWS, COLS);
  g_autofree char *ipath = write_bytes (f, "images", ib);
  g_autofree char *lpath = write_bytes (f, "labels", ib);
  assert_pair_fails (ipath, lpath, 10, KD_IO_ERROR_BAD_SIZE, lpath);
}

/* ---- directories through the loader ---------------------------------------------------- */

static void
write_mnist_dir (Fixture *f, gboolean gz_train)
{
  g_autoptr (GByteArray) ti = images_bytes (12, ROWS, COLS);
  g_autoptr (GByteArray) tl = labels_bytes (12, 0);
  g_autoptr (GByteArray) si = images_bytes (6, ROWS, COLS);
  g_autoptr (GByteArray) sl = labels_bytes (6, 4);
  g_autoptr (GByteArray) tigz = gzip_bytes (ti->data, ti->len);
  g_autofree char *a = gz_train ? write_bytes (f, "train-images-idx3-ubyte.gz", tigz)
                                : write_bytes (f, "train-images-idx3-ubyte", ti);
  g_autofree char *b = write_bytes (f, "train-labels-idx1-ubyte", tl);
  g_autofree char *c = write_bytes (f, "t10k-images-idx3-ubyte", si);
  g_autofree char *d = write_bytes (f, "t10k-labels-idx1-ubyte", sl);
}

static void
test_loader_directory (Fixture *f, gconstpointer data)
{
  write_mnist_dir (f, TRUE);
  g_autoptr (GError) error = NULL;
  g_autoptr (KdDataset) train = NULL;
  g_autoptr (KdDataset) test = NULL;
  g_assert_true (kd_loader_load (f->dir, 1, 0, 0, &train, &test, &error));
  g_assert_no_error (error);
  g_assert_cmpint (train->n, ==, 12);
  g_assert_cmpint (test->n, ==, 6);
  g_assert_cmpint (train->h, ==, ROWS);
  g_assert_cmpint (train->w, ==, COLS);
  /* Labels 0..9 in train, 4..9 and 0..1 in test: ten classes found. */
  g_assert_cmpint (train->n_classes, ==, 10);
  g_assert_cmpint (test->n_classes, ==, 10);
  g_assert_cmpfloat (test->mean, ==, train->mean);
  g_assert_cmpfloat (test->std, ==, train->std);
}

static void
test_loader_directory_incomplete (Fixture *f, gconstpointer data)
{
  write_mnist_dir (f, FALSE);
  g_autofree char *gone = g_build_filename (f->dir, "t10k-labels-idx1-ubyte", NULL);
  g_assert_cmpint (g_remove (gone), ==, 0);
  g_autoptr (GError) error = NULL;
  KdDataset *train = GINT_TO_POINTER (1), *test = GINT_TO_POINTER (2);
  g_assert_false (kd_loader_load (f->dir, 1, 0, 0, &train, &test, &error));
  assert_io_error (error, KD_IO_ERROR_OPEN, f->dir);
  g_assert_nonnull (strstr (error->message, "t10k-labels-idx1-ubyte"));
  g_assert_true (train == GINT_TO_POINTER (1) && test == GINT_TO_POINTER (2));
}

static void
test_loader_directory_bad_file (Fixture *f, gconstpointer data)
{
  write_mnist_dir (f, FALSE);
  g_autoptr (GByteArray) bad = images_bytes (6, ROWS, COLS);
  g_byte_array_set_size (bad, 20);
  g_autofree char *path = write_bytes (f, "t10k-images-idx3-ubyte", bad);
  g_autoptr (GError) error = NULL;
  KdDataset *train = GINT_TO_POINTER (1), *test = GINT_TO_POINTER (2);
  g_assert_false (kd_loader_load (f->dir, 1, 0, 0, &train, &test, &error));
  assert_io_error (error, KD_IO_ERROR_TRUNCATED, path);
  g_assert_true (train == GINT_TO_POINTER (1) && test == GINT_TO_POINTER (2));
}

static void
test_fashion_mnist (void)
{
  if (!kd_loader_fashion_mnist_available ())
    {
      g_test_skip ("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)");
      return;
    }
  g_autoptr (GError) error = NULL;
  g_autoptr (KdDataset) train = NULL;
  g_autoptr (KdDataset) test = NULL;
  g_assert_true (kd_loader_load ("fashion-mnist", 1, 0, 0, &train, &test, &error));
  g_assert_no_error (error);
  g_assert_cmpint (train->n, ==, 60000);
  g_assert_cmpint (test->n, ==, 10000);
  g_assert_cmpint (train->h, ==, 28);
  g_assert_cmpint (train->w, ==, 28);
  g_assert_cmpint (train->n_classes, ==, 10);
  g_assert_cmpstr (train->class_names[0], ==, "T-shirt/top");
  g_assert_cmpstr (train->class_names[9], ==, "Ankle boot");
  g_assert_cmpstr (train->name, ==, "fashion-mnist");
  int count[10] = { 0 };
  for (int i = 0; i < train->n; i++)
    count[train->labels[i]]++;
  for (int k = 0; k < 10; k++)
    g_assert_cmpint (count[k], ==, 6000);
  /* Fashion-MNIST's pixel mean is about 0.286 and its std about 0.353. */
  g_assert_cmpfloat_with_epsilon (train->mean, 0.286, 0.01);
  g_assert_cmpfloat_with_epsilon (train->std, 0.353, 0.01);
  g_assert_cmpfloat (test->mean, ==, train->mean);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/io/idx/plain/round-trip", test_plain_round_trip);
  ADD ("/io/idx/gzip/round-trip", test_gzip_round_trip);
  ADD ("/io/idx/gzip/multi-member", test_gzip_multi_member);
  ADD ("/io/idx/pair/good", test_pair_good);
  ADD ("/io/idx/truncated", test_truncated);
  ADD ("/io/idx/truncated-header", test_truncated_header);
  ADD ("/io/idx/wrong-magic", test_wrong_magic);
  ADD ("/io/idx/wrong-type", test_wrong_type);
  ADD ("/io/idx/bad-dim-count", test_bad_dim_count);
  ADD ("/io/idx/size-mismatch", test_size_mismatch);
  ADD ("/io/idx/trailing-bytes", test_trailing_bytes);
  ADD ("/io/idx/zero-dim", test_zero_dim);
  ADD ("/io/idx/huge-dims", test_huge_dims);
  ADD ("/io/idx/overflow-dims", test_overflow_dims);
  ADD ("/io/idx/empty", test_empty);
  ADD ("/io/idx/directory", test_directory);
  ADD ("/io/idx/missing", test_missing);
  ADD ("/io/idx/gzip/corrupt", test_gzip_corrupt);
  ADD ("/io/idx/gzip/bad-crc", test_gzip_bad_crc);
  ADD ("/io/idx/gzip/truncated", test_gzip_truncated);
  ADD ("/io/idx/gzip/truncated-payload", test_gzip_truncated_payload);
  ADD ("/io/idx/gzip/trailing-garbage", test_gzip_trailing_garbage);
  ADD ("/io/idx/pair/count-mismatch", test_pair_count_mismatch);
  ADD ("/io/idx/pair/label-range", test_pair_label_range);
  ADD ("/io/idx/pair/images-not-3d", test_pair_images_not_3d);
  ADD ("/io/idx/pair/labels-not-1d", test_pair_labels_not_1d);
  ADD ("/io/idx/loader/directory", test_loader_directory);
  ADD ("/io/idx/loader/directory-incomplete", test_loader_directory_incomplete);
  ADD ("/io/idx/loader/directory-bad-file", test_loader_directory_bad_file);
#undef ADD
  g_test_add_func ("/io/idx/fashion-mnist", test_fashion_mnist);
  return g_test_run ();
}
