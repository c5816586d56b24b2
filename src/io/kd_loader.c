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
#include <png.h>
#include <stdio.h>
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
/* Nor are larger PNG folders: images, and bytes of greyscale pixels over all of them. */
#define PNG_MAX_IMAGES 1000000
#define PNG_MAX_BYTES ((guint64)1 << 30)

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

/* A seeded shuffle of 0..n-1 for an 80/20 split (n >= 2): order[0..n - *n_test) trains,
 * the rest tests. */
static int32_t *
split_order (int n, uint64_t seed, int *n_test)
{
  int32_t *order = g_new (int32_t, n);
  for (int i = 0; i < n; i++)
    order[i] = i;
  KdRng rng;
  kd_rng_seed (&rng, seed);
  kd_rng_shuffle (&rng, order, (size_t)n);
  *n_test = MAX (1, (n + 2) / 5);
  return order;
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

  int n = (int)t.labels->len, n_test;
  g_autofree int32_t *order = split_order (n, seed, &n_test);
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

/* ---- PNG folders --------------------------------------------------------------------- */

/* One class: a sub-folder and its *.png files, both sorted. */
typedef struct
{
  char *name;       /* the sub-folder's name (file name encoding) */
  GPtrArray *files; /* full paths */
} PngClass;

static void
png_class_free (PngClass *c)
{
  g_free (c->name);
  g_ptr_array_unref (c->files);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PngClass, png_class_free)

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

static int
compare_classes (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(PngClass *const *)a)->name, (*(PngClass *const *)b)->name);
}

static gboolean
png_is_png_name (const char *name)
{
  size_t len = strlen (name);
  return len > 4 && g_ascii_strcasecmp (name + len - 4, ".png") == 0;
}

/* The class sub-folders of dir that hold at least one *.png file, sorted by name, and the
 * total number of images. Hidden entries are skipped. */
static GPtrArray *
png_list_classes (const char *dir, const char *display, int *n_images, GError **error)
{
  g_autoptr (GError) local = NULL;
  g_autoptr (GDir) d = g_dir_open (dir, 0, &local);
  if (!d)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_OPEN, "“%s”: cannot read: %s", display,
                   local->message);
      return NULL;
    }
  g_autoptr (GPtrArray) classes = g_ptr_array_new_with_free_func ((GDestroyNotify)png_class_free);
  guint64 total = 0;
  const char *name;
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *sub = g_build_filename (dir, name, NULL);
      if (name[0] == '.' || !g_file_test (sub, G_FILE_TEST_IS_DIR))
        continue;
      g_autoptr (GDir) sd = g_dir_open (sub, 0, NULL);
      if (!sd)
        continue;
      g_autoptr (PngClass) c = g_new0 (PngClass, 1);
      c->name = g_strdup (name);
      c->files = g_ptr_array_new_with_free_func (g_free);
      const char *file;
      while ((file = g_dir_read_name (sd)))
        {
          if (file[0] == '.' || !png_is_png_name (file))
            continue;
          char *path = g_build_filename (sub, file, NULL);
          if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
            {
              g_free (path);
              continue;
            }
          g_ptr_array_add (c->files, path);
          if (++total > PNG_MAX_IMAGES)
            {
              g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_TOO_LARGE,
                           "“%s”: too large: more than %d PNG images", display, PNG_MAX_IMAGES);
              return NULL;
            }
        }
      if (c->files->len == 0)
        continue;
      g_ptr_array_sort (c->files, compare_strings);
      g_ptr_array_add (classes, g_steal_pointer (&c));
    }
  if (classes->len == 0)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_EMPTY,
                   "“%s”: no MNIST-style IDX files and no class sub-folders holding *.png images",
                   display);
      return NULL;
    }
  if (classes->len > KD_MAX_CLASSES)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_TOO_LARGE,
                   "“%s”: too large: %u class sub-folders hold PNG images, at most %d are allowed",
                   display, classes->len, KD_MAX_CLASSES);
      return NULL;
    }
  g_ptr_array_sort (classes, compare_classes);
  if (classes->len < 2)
    {
      g_autofree char *only = g_filename_display_name (((PngClass *)classes->pdata[0])->name);
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_SIZE,
                   "“%s”: only one class sub-folder (“%s”) holds PNG images; at least two "
                   "classes are needed",
                   display, only);
      return NULL;
    }
  *n_images = (int)total;
  return g_steal_pointer (&classes);
}

/* Decodes path as greyscale into a new w × h buffer. When *w > 0 the image must be *w × *h;
 * otherwise *w, *h are set from it. */
static guint8 *
png_read_gray (const char *path, int *w, int *h, const char *first, GError **error)
{
  g_autofree char *display = g_filename_display_name (path);
  FILE *fp = g_fopen (path, "rb");
  if (!fp)
    {
      int saved = errno;
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_OPEN, "“%s”: cannot open: %s", display,
                   g_strerror (saved));
      return NULL;
    }
  png_byte sig[8];
  size_t got = fread (sig, 1, sizeof sig, fp);
  if (got < sizeof sig || png_sig_cmp (sig, 0, sizeof sig) != 0 || fseek (fp, 0, SEEK_SET) != 0)
    {
      fclose (fp);
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_MAGIC, "“%s”: not a PNG file", display);
      return NULL;
    }
  png_image image;
  memset (&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  guint8 *pixels = NULL;
  if (!png_image_begin_read_from_stdio (&image, fp))
    goto corrupt;
  if (*w > 0 && ((int)image.width != *w || (int)image.height != *h))
    {
      g_autofree char *show_first = g_filename_display_name (first);
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_SIZE,
                   "“%s”: the image is %u × %u pixels, but “%s” is %d × %d; all images must "
                   "have the same size",
                   display, image.width, image.height, show_first, *w, *h);
      png_image_free (&image);
      fclose (fp);
      return NULL;
    }
  if ((guint64)image.width * image.height * 2 > PNG_MAX_BYTES)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_TOO_LARGE, "“%s”: too large: %u × %u pixels",
                   display, image.width, image.height);
      png_image_free (&image);
      fclose (fp);
      return NULL;
    }
  image.format = PNG_FORMAT_GRAY;
  /* Zeroed, so alpha is composited onto black whichever way libpng reads a NULL background. */
  pixels = g_malloc0 (PNG_IMAGE_SIZE (image));
  if (!png_image_finish_read (&image, NULL, pixels, 0, NULL))
    goto corrupt;
  fclose (fp);
  *w = (int)image.width;
  *h = (int)image.height;
  return pixels;

corrupt:
  g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_CORRUPT, "“%s”: damaged PNG: %s", display,
               image.message);
  png_image_free (&image);
  fclose (fp);
  g_free (pixels);
  return NULL;
}

static KdDataset *
png_new_dataset (int n, int h, int w, const GPtrArray *classes)
{
  KdDataset *ds = kd_dataset_new (n, 1, h, w, (int)classes->len, 1);
  if (!ds)
    return NULL;
  for (guint k = 0; k < classes->len; k++)
    {
      g_autofree char *show = g_filename_display_name (((PngClass *)classes->pdata[k])->name);
      g_strlcpy (ds->class_names[k], show, KD_CLASS_NAME_LEN);
    }
  return ds;
}

/* Class sub-folders of PNG images, one class per sub-folder in name order; an 80/20 split of
 * the shuffled images, seeded like CSV. */
static gboolean
load_png_dir (const char *dir, uint64_t seed, KdDataset **train, KdDataset **test, GError **error)
{
  g_autofree char *display = g_filename_display_name (dir);
  int n = 0;
  g_autoptr (GPtrArray) classes = png_list_classes (dir, display, &n, error);
  if (!classes)
    return FALSE;

  int n_test;
  g_autofree int32_t *order = split_order (n, seed, &n_test);
  int n_train = n - n_test;
  g_autofree int32_t *slot = g_new (int32_t, n); /* listing index -> shuffled position */
  for (int i = 0; i < n; i++)
    slot[order[i]] = i;

  g_autoptr (KdDataset) tr = NULL;
  g_autoptr (KdDataset) te = NULL;
  int w = 0, h = 0, s = 0;
  const char *first = NULL;
  for (guint k = 0; k < classes->len; k++)
    {
      const PngClass *c = classes->pdata[k];
      for (guint j = 0; j < c->files->len; j++, s++)
        {
          const char *path = c->files->pdata[j];
          g_autofree guint8 *pixels = png_read_gray (path, &w, &h, first, error);
          if (!pixels)
            return FALSE;
          if (!first)
            {
              first = path;
              if ((guint64)n * w * h > PNG_MAX_BYTES)
                {
                  g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_TOO_LARGE,
                               "“%s”: too large: %d images of %d × %d pixels", display, n, w, h);
                  return FALSE;
                }
              tr = png_new_dataset (n_train, h, w, classes);
              te = png_new_dataset (n_test, h, w, classes);
              if (!tr || !te)
                {
                  g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_TOO_LARGE,
                               "“%s”: too large: out of memory", display);
                  return FALSE;
                }
            }
          KdDataset *ds = slot[s] < n_train ? tr : te;
          int i = slot[s] < n_train ? slot[s] : slot[s] - n_train;
          memcpy (ds->pixels + (size_t)i * w * h, pixels, (size_t)w * h);
          ds->labels[i] = (uint8_t)k;
        }
    }
  g_autofree char *base = g_path_get_basename (dir);
  g_strlcpy (tr->name, base, sizeof tr->name);
  g_strlcpy (te->name, base, sizeof te->name);
  *train = g_steal_pointer (&tr);
  *test = g_steal_pointer (&te);
  return TRUE;
}

/* A directory holding any of the IDX files is an MNIST-style directory (and an incomplete one
 * an error); otherwise it is a folder of PNG class sub-folders. */
static gboolean
load_dir (const char *dir, uint64_t seed, KdDataset **train, KdDataset **test, GError **error)
{
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *path = idx_find (dir, idx_stems[i]);
      if (path)
        return load_idx_dir (dir, 0, train, test, error);
    }
  return load_png_dir (dir, seed, train, test, error);
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
    return load_dir (spec, seed, train, test, error);
  if (g_file_test (spec, G_FILE_TEST_IS_REGULAR))
    {
      *from_csv = TRUE;
      return load_csv (spec, seed, train, test, error);
    }

  g_autofree char *names = g_strjoinv (", ", (char **)builtin_names);
  g_autofree char *show = g_filename_display_name (spec);
  g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_UNKNOWN,
               "unknown dataset “%s”: not one of %s, fashion-mnist, nor an existing directory of "
               "IDX files or of PNG class sub-folders, or CSV file",
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
