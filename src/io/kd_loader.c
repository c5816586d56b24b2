/* kd_loader.c — turns a dataset name or path into a train/test pair.
 *
 * Every source first builds a complete pair in locals; limits and normalisation follow, and
 * only a fully successful load is handed to the caller, so a failed load never disturbs the
 * datasets the application already has.
 */
#include "config.h"

#include "kd_loader.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "kd_digits.h"
#include "kd_idx.h"
#include "kd_io_error.h"
#include "kd_rng.h"
#include "kd_toy.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KdDataset, kd_dataset_free)

#define DIGITS_TRAIN 12000
#define DIGITS_TEST 2000
#define TOY_TRAIN 2000
#define TOY_TEST 1000
/* Larger CSV files are not a desktop workbench's job. */
#define CSV_MAX_BYTES ((goffset)1 << 30)

static const char *const builtin_names[] = {
  "synthetic-digits", "spirals", "moons", "blobs", "xor", "rings", NULL,
};

static const struct
{
  const char *name;
  KdToyKind kind;
  int n_classes;
  float noise; /* enough overlap that a small student visibly trails its teacher */
} toy_sets[] = {
  { "spirals", KD_TOY_SPIRALS, 3, 0.12f }, { "moons", KD_TOY_MOONS, 3, 0.12f },
  { "blobs", KD_TOY_BLOBS, 3, 0.2f },      { "xor", KD_TOY_XOR, 2, 0.1f },
  { "rings", KD_TOY_RINGS, 3, 0.1f },
};

static const char *const fashion_classes[] = {
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
  "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot",
};

/* The four files of an MNIST-style directory, in the order train images, train labels, test
 * images, test labels. */
static const char *const idx_stems[] = {
  "train-images-idx3-ubyte",
  "train-labels-idx1-ubyte",
  "t10k-images-idx3-ubyte",
  "t10k-labels-idx1-ubyte",
};

const char *const *
kd_loader_builtin_names (void)
{
  return builtin_names;
}

/* The test set is drawn from a different, but still seed-determined, stream than the
 * training set: the same seed must never give the same samples to both. */
static uint64_t
test_seed (uint64_t seed)
{
  KdRng rng;
  kd_rng_seed (&rng, seed ^ 0x74657374u); /* "test" */
  return kd_rng_next (&rng);
}

static gboolean
load_builtin (const char *spec, uint64_t seed, KdDataset **train, KdDataset **test)
{
  if (g_str_equal (spec, "synthetic-digits"))
    {
      *train = kd_digits_generate (DIGITS_TRAIN, seed);
      *test = kd_digits_generate (DIGITS_TEST, test_seed (seed));
      return TRUE;
    }
  for (size_t i = 0; i < G_N_ELEMENTS (toy_sets); i++)
    if (g_str_equal (spec, toy_sets[i].name))
      {
        *train = kd_toy_generate (toy_sets[i].kind, TOY_TRAIN, toy_sets[i].n_classes,
                                  toy_sets[i].noise, seed);
        *test = kd_toy_generate (toy_sets[i].kind, TOY_TEST, toy_sets[i].n_classes,
                                 toy_sets[i].noise, test_seed (seed));
        return TRUE;
      }
  return FALSE;
}

/* dir/stem, or dir/stem.gz; NULL when neither is a regular file. */
static char *
idx_find (const char *dir, const char *stem)
{
  g_autofree char *plain = g_build_filename (dir, stem, NULL);
  if (g_file_test (plain, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&plain);
  g_autofree char *gz = g_strconcat (plain, ".gz", NULL);
  if (g_file_test (gz, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&gz);
  return NULL;
}

static gboolean
idx_find_all (const char *dir, char **paths, GError **error)
{
  for (int i = 0; i < 4; i++)
    {
      paths[i] = idx_find (dir, idx_stems[i]);
      if (!paths[i])
        {
          g_autofree char *show = g_filename_display_name (dir);
          g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_OPEN,
                       "“%s”: no “%s” or “%s.gz”; an MNIST-style directory holds "
                       "{train,t10k}-images-idx3-ubyte[.gz] and "
                       "{train,t10k}-labels-idx1-ubyte[.gz]",
                       show, idx_stems[i], idx_stems[i]);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
kd_loader_fashion_mnist_available (void)
{
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *path = idx_find (FASHION_MNIST_DIR, idx_stems[i]);
      if (!path)
        return FALSE;
    }
  return TRUE;
}

/* Labels of an unknown IDX directory decide the class count: the largest label plus one,
 * over both sets, so train and test agree. */
static void
idx_shrink_classes (KdDataset *train, KdDataset *test)
{
  int max = 0;
  for (int i = 0; i < train->n; i++)
    max = MAX (max, train->labels[i]);
  for (int i = 0; i < test->n; i++)
    max = MAX (max, test->labels[i]);
  train->n_classes = test->n_classes = max + 1;
}

static gboolean
load_idx_dir (const char *dir, int n_classes, KdDataset **train, KdDataset **test, GError **error)
{
  g_auto (GStrv) paths = g_new0 (char *, 5);
  if (!idx_find_all (dir, paths, error))
    return FALSE;
  int classes = n_classes > 0 ? n_classes : KD_MAX_CLASSES;
  g_autoptr (KdDataset) tr = kd_idx_load_pair (paths[0], paths[1], classes, error);
  if (!tr)
    return FALSE;
  g_autoptr (KdDataset) te = kd_idx_load_pair (paths[2], paths[3], classes, error);
  if (!te)
    return FALSE;
  if (tr->h != te->h || tr->w != te->w)
    {
      g_autofree char *show = g_filename_display_name (paths[2]);
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_MISMATCH,
                   "“%s”: test images are %d × %d but the training images are %d × %d", show, te->h,
                   te->w, tr->h, tr->w);
      return FALSE;
    }
  if (n_classes <= 0)
    idx_shrink_classes (tr, te);
  g_autofree char *base = g_path_get_basename (dir);
  g_strlcpy (tr->name, base, sizeof tr->name);
  g_strlcpy (te->name, base, sizeof te->name);
  *train = g_steal_pointer (&tr);
  *test = g_steal_pointer (&te);
  return TRUE;
}

static gboolean
load_fashion_mnist (KdDataset **train, KdDataset **test, GError **error)
{
  if (!kd_loader_fashion_mnist_available ())
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_OPEN,
                   "Fashion-MNIST is not installed: “%s” does not hold its four IDX files; "
                   "install it with “apt-get install dataset-fashion-mnist”",
                   FASHION_MNIST_DIR);
      return FALSE;
    }
  if (!load_idx_dir (FASHION_MNIST_DIR, 10, train, test, error))
    return FALSE;
  for (int k = 0; k < 10; k++)
    {
      g_strlcpy ((*train)->class_names[k], fashion_classes[k], KD_CLASS_NAME_LEN);
      g_strlcpy ((*test)->class_names[k], fashion_classes[k], KD_CLASS_NAME_LEN);
    }
  g_strlcpy ((*train)->name, "fashion-mnist", sizeof (*train)->name);
  g_strlcpy ((*test)->name, "fashion-mnist", sizeof (*test)->name);
  return TRUE;
}

/* ---- CSV ----------------------------------------------------------------------------- */

typedef struct
{
  const char *display; /* file name for messages */
  int n_cols;          /* label + features, fixed by the first data row */
  int first_line;      /* the line that fixed n_cols */
  int max_label;
  GArray *features; /* float, row-major */
  GByteArray *labels;
} CsvTable;

static void
csv_table_clear (CsvTable *t)
{
  g_clear_pointer (&t->features, g_array_unref);
  g_clear_pointer (&t->labels, g_byte_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CsvTable, csv_table_clear)

static gboolean
csv_parse_number (const char *field, double *value)
{
  char *end = NULL;
  *value = g_ascii_strtod (field, &end);
  return end != field && *end == '\0';
}

static gboolean
csv_parse_label (CsvTable *t, const char *field, int line, GError **error)
{
  double v;
  if (!csv_parse_number (field, &v) || v != floor (v))
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_VALUE,
                   "“%s”: line %d, column 1: the label “%s” is not a whole number", t->display,
                   line, field);
      return FALSE;
    }
  if (v < 0 || v >= KD_MAX_CLASSES)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_LABEL_RANGE,
                   "“%s”: line %d, column 1: the label %s is outside 0..%d", t->display, line,
                   field, KD_MAX_CLASSES - 1);
      return FALSE;
    }
  guint8 label = (guint8)v;
  g_byte_array_append (t->labels, &label, 1);
  t->max_label = MAX (t->max_label, label);
  return TRUE;
}

static gboolean
csv_parse_feature (CsvTable *t, const char *field, int line, int col, GError **error)
{
  double v;
  const char *problem = NULL;
  if (!*field)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_VALUE,
                   "“%s”: line %d, column %d: empty field", t->display, line, col);
      return FALSE;
    }
  if (!csv_parse_number (field, &v))
    problem = "not a number";
  else if (!isfinite ((float)v))
    problem = "not a finite float";
  if (problem)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_VALUE, "“%s”: line %d, column %d: “%s”: %s",
                   t->display, line, col, field, problem);
      return FALSE;
    }
  float f = (float)v;
  g_array_append_val (t->features, f);
  return TRUE;
}

static gboolean
csv_check_columns (CsvTable *t, int n_fields, int line, GError **error)
{
  if (t->n_cols == 0)
    {
      t->n_cols = n_fields;
      t->first_line = line;
    }
  if (n_fields < 2)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_SIZE,
                   "“%s”: line %d has no feature columns after the label", t->display, line);
      return FALSE;
    }
  if (n_fields != t->n_cols)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_SIZE,
                   "“%s”: line %d has %d columns, but line %d has %d", t->display, line, n_fields,
                   t->first_line, t->n_cols);
      return FALSE;
    }
  return TRUE;
}

/* One non-blank line, already stripped. The first one is a header when its first field is
 * not a number; later lines must all be data. */
static gboolean
csv_parse_line (CsvTable *t, char *text, int line, gboolean first, GError **error)
{
  g_auto (GStrv) fields = g_strsplit (text, ",", -1);
  int n_fields = (int)g_strv_length (fields);
  for (int c = 0; c < n_fields; c++)
    g_strstrip (fields[c]);
  double unused;
  if (first && !csv_parse_number (fields[0], &unused))
    return TRUE;
  if (!csv_check_columns (t, n_fields, line, error) || !csv_parse_label (t, fields[0], line, error))
    return FALSE;
  for (int c = 1; c < n_fields; c++)
    if (!csv_parse_feature (t, fields[c], line, c + 1, error))
      return FALSE;
  return TRUE;
}

static gboolean
csv_parse (CsvTable *t, char *contents, gsize length, GError **error)
{
  if (memchr (contents, '\0', length))
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_MAGIC,
                   "“%s”: not a CSV text file (it holds binary data)", t->display);
      return FALSE;
    }
  char *p = contents;
  if (g_str_has_prefix (p, "\xEF\xBB\xBF")) /* a UTF-8 byte order mark, as spreadsheets write */
    p += 3;
  int line = 0;
  gboolean first = TRUE;
  while (p && *p)
    {
      char *next = strchr (p, '\n');
      if (next)
        *next++ = '\0';
      line++;
      g_strstrip (p);
      if (*p)
        {
          if (!csv_parse_line (t, p, line, first, error))
            return FALSE;
          first = FALSE;
        }
      p = next;
    }
  return TRUE;
}

static gboolean
csv_read (const char *path, const char *display, char **contents, gsize *length, GError **error)
{
  GStatBuf st;
  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_OPEN, "“%s”: cannot open: %s", display,
                   g_strerror (saved));
      return FALSE;
    }
  if (st.st_size > CSV_MAX_BYTES)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_TOO_LARGE,
                   "“%s”: too large: %" G_GINT64_FORMAT " bytes, the limit for CSV is 1 GiB",
                   display, (gint64)st.st_size);
      return FALSE;
    }
  g_autoptr (GError) local = NULL;
  if (!g_file_get_contents (path, contents, length, &local))
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_OPEN, "“%s”: cannot read: %s", display,
                   local->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
csv_load_table (const char *path, CsvTable *t, GError **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  if (!csv_read (path, t->display, &contents, &length, error))
    return FALSE;
  if (length == 0)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_EMPTY, "“%s”: empty file (0 bytes)", t->display);
      return FALSE;
    }
  if (!csv_parse (t, contents, length, error))
    return FALSE;
  if (t->labels->len == 0)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_EMPTY, "“%s”: empty: no data rows", t->display);
      return FALSE;
    }
  if (t->labels->len < 2)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_SIZE,
                   "“%s”: only one data row; a train/test split needs at least two", t->display);
      return FALSE;
    }
  return TRUE;
}

/* Rows order[from..to) of the table as a dataset. */
static KdDataset *
csv_take (const CsvTable *t, const int32_t *order, int from, int to)
{
  int d = t->n_cols - 1;
  KdDataset *ds = kd_dataset_new (to - from, 1, 1, d, t->max_label + 1, 0);
  if (!ds)
    return NULL;
  const float *src = (const float *)t->features->data;
  for (int i = from; i < to; i++)
    {
      memcpy (ds->features + (size_t)(i - from) * d, src + (size_t)order[i] * d,
              (size_t)d * sizeof (float));
      ds->labels[i - from] = t->labels->data[order[i]];
    }
  return ds;
}

/* An 80/20 split of the shuffled rows, seeded. */
static gboolean
load_csv (const char *path, uint64_t seed, KdDataset **train, KdDataset **test, GError **error)
{
  g_autofree char *display = g_filename_display_name (path);
  g_auto (CsvTable) t = { .display = display };
  t.features = g_array_new (FALSE, FALSE, sizeof (float));
  t.labels = g_byte_array_new ();
  if (!csv_load_table (path, &t, error))
    return FALSE;

  int n = (int)t.labels->len, n_test = MAX (1, (n + 2) / 5);
  g_autofree int32_t *order = g_new (int32_t, n);
  for (int i = 0; i < n; i++)
    order[i] = i;
  KdRng rng;
  kd_rng_seed (&rng, seed);
  kd_rng_shuffle (&rng, order, (size_t)n);
  g_autoptr (KdDataset) tr = csv_take (&t, order, 0, n - n_test);
  g_autoptr (KdDataset) te = csv_take (&t, order, n - n_test, n);
  if (!tr || !te)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_TOO_LARGE, "“%s”: too large: out of memory",
                   display);
      return FALSE;
    }
  g_autofree char *base = g_path_get_basename (path);
  g_strlcpy (tr->name, base, sizeof tr->name);
  g_strlcpy (te->name, base, sizeof te->name);
  *train = g_steal_pointer (&tr);
  *test = g_steal_pointer (&te);
  return TRUE;
}

/* ---- normalisation and the entry point ------------------------------------------------ */

/* CSV columns come in any unit; each is scaled to zero mean and unit variance with the
 * training set's statistics, which the test set reuses. A constant column is only centred. */
static void
standardise_features (KdDataset *train, KdDataset *test)
{
  size_t d = kd_dataset_dim (train);
  for (size_t j = 0; j < d; j++)
    {
      double sum = 0.0, sum2 = 0.0;
      for (int i = 0; i < train->n; i++)
        {
          double x = train->features[i * d + j];
          sum += x;
          sum2 += x * x;
        }
      double mean = sum / train->n, var = sum2 / train->n - mean * mean;
      double scale = var > 1e-12 ? 1.0 / sqrt (var) : 1.0;
      for (int i = 0; i < train->n; i++)
        train->features[i * d + j] = (float)((train->features[i * d + j] - mean) * scale);
      for (int i = 0; i < test->n; i++)
        test->features[i * d + j] = (float)((test->features[i * d + j] - mean) * scale);
    }
}

static gboolean
apply_limit (KdDataset **ds, int limit, GError **error)
{
  if (limit <= 0 || limit >= (*ds)->n)
    return TRUE;
  KdDataset *head = kd_dataset_head (*ds, limit);
  if (!head)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_TOO_LARGE, "“%s”: out of memory", (*ds)->name);
      return FALSE;
    }
  kd_dataset_free (*ds);
  *ds = head;
  return TRUE;
}

static gboolean
load_source (const char *spec,
             uint64_t seed,
             KdDataset **train,
             KdDataset **test,
             gboolean *from_csv,
             GError **error)
{
  *from_csv = FALSE;
  if (load_builtin (spec, seed, train, test))
    {
      if (*train && *test)
        return TRUE;
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_TOO_LARGE, "“%s”: out of memory", spec);
      return FALSE;
    }
  if (g_str_equal (spec, "fashion-mnist"))
    return load_fashion_mnist (train, test, error);
  if (g_file_test (spec, G_FILE_TEST_IS_DIR))
    return load_idx_dir (spec, 0, train, test, error);
  if (g_file_test (spec, G_FILE_TEST_IS_REGULAR))
    {
      *from_csv = TRUE;
      return load_csv (spec, seed, train, test, error);
    }

  g_autofree char *names = g_strjoinv (", ", (char **)builtin_names);
  g_autofree char *show = g_filename_display_name (spec);
  g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_UNKNOWN,
               "unknown dataset “%s”: not one of %s, fashion-mnist, nor an existing directory of "
               "IDX files or CSV file",
               show, names);
  return FALSE;
}

gboolean
kd_loader_load (const char *spec,
                uint64_t seed,
                int train_limit,
                int test_limit,
                KdDataset **train,
                KdDataset **test,
                GError **error)
{
  g_return_val_if_fail (spec != NULL && train != NULL && test != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_autoptr (KdDataset) tr = NULL;
  g_autoptr (KdDataset) te = NULL;
  gboolean from_csv;
  if (!load_source (spec, seed, &tr, &te, &from_csv, error)
      || !apply_limit (&tr, train_limit, error) || !apply_limit (&te, test_limit, error))
    return FALSE;
  /* Statistics of the samples actually trained on; the test set must not peek. */
  if (tr->pixels)
    {
      kd_dataset_compute_norm (tr);
      te->mean = tr->mean;
      te->std = tr->std;
    }
  else if (from_csv)
    standardise_features (tr, te);
  *train = g_steal_pointer (&tr);
  *test = g_steal_pointer (&te);
  return TRUE;
}
