/* test-io-data.c — built-in generators (2-D toys, synthetic digits) and the dataset loader. */
#include <glib.h>
#include <glib/gstdio.h>
#include <math.h>
#include <png.h>
#include <string.h>

#include "kd_digits.h"
#include "kd_io_error.h"
#include "kd_loader.h"
#include "kd_toy.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KdDataset, kd_dataset_free)

static const KdToyKind all_kinds[] = {
  KD_TOY_SPIRALS, KD_TOY_MOONS, KD_TOY_BLOBS, KD_TOY_XOR, KD_TOY_RINGS,
};

static gboolean
same_dataset (const KdDataset *a, const KdDataset *b)
{
  size_t count = (size_t)a->n * kd_dataset_dim (a);
  if (a->n != b->n || kd_dataset_dim (a) != kd_dataset_dim (b)
      || memcmp (a->labels, b->labels, a->n) != 0)
    return FALSE;
  if (a->pixels)
    return b->pixels && memcmp (a->pixels, b->pixels, count) == 0;
  return b->features && memcmp (a->features, b->features, count * sizeof (float)) == 0;
}

static void
assert_balanced (const KdDataset *ds)
{
  int count[KD_MAX_CLASSES] = { 0 };
  for (int i = 0; i < ds->n; i++)
    {
      g_assert_cmpint (ds->labels[i], <, ds->n_classes);
      count[ds->labels[i]]++;
    }
  for (int k = 0; k < ds->n_classes; k++)
    {
      g_assert_cmpint (count[k], >=, ds->n / ds->n_classes);
      g_assert_cmpint (count[k], <=, ds->n / ds->n_classes + 1);
    }
}

/* ---- 2-D toys -------------------------------------------------------------------------- */

static void
test_toy_deterministic (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    {
      g_autoptr (KdDataset) a = kd_toy_generate (all_kinds[i], 600, 3, 0.15f, 42);
      g_autoptr (KdDataset) b = kd_toy_generate (all_kinds[i], 600, 3, 0.15f, 42);
      g_autoptr (KdDataset) c = kd_toy_generate (all_kinds[i], 600, 3, 0.15f, 43);
      g_assert_nonnull (a);
      g_assert_true (same_dataset (a, b));
      g_assert_false (same_dataset (a, c));
    }
}

static void
test_toy_shape (void)
{
  for (size_t i = 0; i < G_N_ELEMENTS (all_kinds); i++)
    {
      KdToyKind kind = all_kinds[i];
      g_autoptr (KdDataset) ds = kd_toy_generate (kind, 1001, 3, 0.1f, 7);
      g_assert_nonnull (ds);
      g_assert_cmpint (ds->n, ==, 1001);
      g_assert_cmpint (ds->c * ds->h * ds->w, ==, 2);
      g_assert_null (ds->pixels);
      g_assert_cmpint (ds->n_classes, ==, kind == KD_TOY_XOR ? 2 : 3);
      g_assert_cmpstr (ds->name, ==, kd_toy_name (kind));
      assert_balanced (ds);
      int bad = -1;
      g_assert_cmpint (kd_dataset_validate (ds, &bad), ==, KD_OK);
      /* Roughly [-1.5, 1.5]: a few noisy points may stray, none far. */
      int outside = 0;
      for (int j = 0; j < 2 * ds->n; j++)
        {
          g_assert_cmpfloat (fabsf (ds->features[j]), <, 2.5f);
          outside += fabsf (ds->features[j]) > 1.5f;
        }
      g_assert_cmpint (outside, <, ds->n / 50);
      for (int k = 0; k < ds->n_classes; k++)
        g_assert_cmpuint (strlen (ds->class_names[k]), >, 1);
    }
}

static void
test_toy_shuffled (void)
{
  /* Labels must not come in runs: the first 30 samples hold all three classes. */
  g_autoptr (KdDataset) ds = kd_toy_generate (KD_TOY_SPIRALS, 900, 3, 0.1f, 1);
  gboolean seen[3] = { FALSE, FALSE, FALSE };
  for (int i = 0; i < 30; i++)
    seen[ds->labels[i]] = TRUE;
  g_assert_true (seen[0] && seen[1] && seen[2]);
}

static void
test_toy_noise (void)
{
  /* Without noise, every ring point lies exactly on one of the rings; noise scales the
   * jitter around them. */
  double spread[2];
  for (int pass = 0; pass < 2; pass++)
    {
      g_autoptr (KdDataset) ds = kd_toy_generate (KD_TOY_RINGS, 300, 3, pass ? 0.2f : 0.0f, 5);
      double radius[3] = { 0 }, sum2 = 0;
      for (int i = 0; i < ds->n; i++)
        radius[ds->labels[i]] = hypot (ds->features[2 * i], ds->features[2 * i + 1]);
      for (int i = 0; i < ds->n; i++)
        {
          double r = hypot (ds->features[2 * i], ds->features[2 * i + 1]);
          sum2 += (r - radius[ds->labels[i]]) * (r - radius[ds->labels[i]]);
        }
      spread[pass] = sqrt (sum2 / ds->n);
    }
  g_assert_cmpfloat (spread[0], <, 1e-5);
  g_assert_cmpfloat (spread[1], >, 0.1);
}

static void
test_toy_invalid (void)
{
  g_assert_null (kd_toy_generate (KD_TOY_MOONS, 0, 2, 0.1f, 1));
  g_assert_null (kd_toy_generate (KD_TOY_MOONS, 10, 1, 0.1f, 1));
  g_assert_null (kd_toy_generate (KD_TOY_MOONS, 10, 11, 0.1f, 1));
  g_assert_null (kd_toy_generate (KD_TOY_MOONS, 10, 2, -0.1f, 1));
  g_assert_null (kd_toy_generate (KD_TOY_MOONS, 10, 2, NAN, 1));
  g_assert_null (kd_toy_generate ((KdToyKind)99, 10, 2, 0.1f, 1));
  g_assert_null (kd_toy_name ((KdToyKind)99));
}

/* ---- synthetic digits ------------------------------------------------------------------ */

static void
test_digits_deterministic (void)
{
  g_autoptr (KdDataset) a = kd_digits_generate (300, 11);
  g_autoptr (KdDataset) b = kd_digits_generate (300, 11);
  g_autoptr (KdDataset) c = kd_digits_generate (300, 12);
  g_assert_true (same_dataset (a, b));
  g_assert_false (same_dataset (a, c));
  g_assert_null (kd_digits_generate (0, 1));
}

static void
test_digits_shape (void)
{
  g_autoptr (KdDataset) ds = kd_digits_generate (1003, 3);
  g_assert_cmpint (ds->n, ==, 1003);
  g_assert_cmpint (ds->c, ==, 1);
  g_assert_cmpint (ds->h, ==, 28);
  g_assert_cmpint (ds->w, ==, 28);
  g_assert_cmpint (ds->n_classes, ==, 10);
  g_assert_nonnull (ds->pixels);
  g_assert_cmpstr (ds->name, ==, "synthetic-digits");
  for (int k = 0; k < 10; k++)
    {
      char want[2] = { (char)('0' + k), 0 };
      g_assert_cmpstr (ds->class_names[k], ==, want);
    }
  assert_balanced (ds);
}

static void
test_digits_pixels (void)
{
  /* Like MNIST: black background, strokes reaching full white, a fifth or less inked. */
  g_autoptr (KdDataset) ds = kd_digits_generate (500, 4);
  size_t count = (size_t)ds->n * 784, ink = 0, white = 0, border = 0;
  for (size_t i = 0; i < count; i++)
    {
      ink += ds->pixels[i] > 32;
      white += ds->pixels[i] >= 250;
    }
  for (int i = 0; i < ds->n; i++)
    for (int x = 0; x < 28; x++)
      border += ds->pixels[(size_t)i * 784 + x] > 128;
  g_assert_cmpfloat ((double)ink / count, >, 0.08);
  g_assert_cmpfloat ((double)ink / count, <, 0.3);
  g_assert_cmpuint (white, >, count / 100);
  /* The digit stays inside the frame: the top row is almost never inked. */
  g_assert_cmpuint (border, <, (size_t)ds->n);
  g_assert_cmpfloat (ds->mean, >, 0.05f);
  g_assert_cmpfloat (ds->mean, <, 0.3f);
  g_assert_cmpfloat (ds->std, >, 0.15f);
}

/* Class-mean images (10, 784) in [0, 1] and their pairwise L2 distances. */
static void
digit_mean_distances (const KdDataset *ds, double dist[10][10])
{
  g_autofree double *mean = g_new0 (double, 10 * 784);
  int count[10] = { 0 };
  for (int i = 0; i < ds->n; i++)
    {
      int k = ds->labels[i];
      count[k]++;
      for (int j = 0; j < 784; j++)
        mean[k * 784 + j] += ds->pixels[(size_t)i * 784 + j] / 255.0;
    }
  for (int k = 0; k < 10; k++)
    for (int j = 0; j < 784; j++)
      mean[k * 784 + j] /= count[k];
  for (int a = 0; a < 10; a++)
    for (int b = 0; b < 10; b++)
      {
        double d2 = 0;
        for (int j = 0; j < 784; j++)
          d2 += (mean[a * 784 + j] - mean[b * 784 + j]) * (mean[a * 784 + j] - mean[b * 784 + j]);
        dist[a][b] = sqrt (d2);
      }
}

/* The rank of class b among class a's neighbours (0 = nearest other class). */
static int
neighbour_rank (double dist[10][10], int a, int b)
{
  int rank = 0;
  for (int k = 0; k < 10; k++)
    rank += k != a && k != b && dist[a][k] < dist[a][b];
  return rank;
}

static void
test_digits_classes_differ (void)
{
  g_autoptr (KdDataset) ds = kd_digits_generate (3000, 5);
  double dist[10][10];
  digit_mean_distances (ds, dist);
  /* Every class has its own mean image: about 2.5 or more apart where a single digit's
   * strokes are 5 or so from another's. */
  for (int a = 0; a < 10; a++)
    for (int b = a + 1; b < 10; b++)
      g_assert_cmpfloat (dist[a][b], >, 2.0);
}

static void
test_digits_look_alikes (void)
{
  g_autoptr (KdDataset) ds = kd_digits_generate (3000, 6);
  double dist[10][10];
  digit_mean_distances (ds, dist);
  /* Look-alikes share strokes, so their mean images are closer to each other than either is
   * to digits of another build (controls). */
  static const struct
  {
    int a, b, controls[3];
  } pairs[] = {
    { 1, 7, { 0, 6, 8 } },
    { 4, 9, { 0, 2, 7 } },
    { 3, 8, { 0, 1, 4 } },
    { 5, 6, { 1, 2, 7 } },
  };
  for (size_t p = 0; p < G_N_ELEMENTS (pairs); p++)
    {
      int a = pairs[p].a, b = pairs[p].b;
      for (int i = 0; i < 3; i++)
        {
          int c = pairs[p].controls[i];
          g_test_message ("d(%d,%d) = %.2f; d(%d,%d) = %.2f, d(%d,%d) = %.2f", a, b, dist[a][b], a,
                          c, dist[a][c], b, c, dist[b][c]);
          g_assert_cmpfloat (dist[a][b] + 0.3, <, dist[a][c]);
          g_assert_cmpfloat (dist[a][b] + 0.3, <, dist[b][c]);
        }
    }
  /* And for most of them the look-alike is the nearest class of all (or the second). */
  g_assert_cmpint (neighbour_rank (dist, 1, 7), ==, 0);
  g_assert_cmpint (neighbour_rank (dist, 4, 9), ==, 0);
  g_assert_cmpint (neighbour_rank (dist, 5, 6), ==, 0);
  g_assert_cmpint (neighbour_rank (dist, 3, 8), <=, 1);
  g_assert_cmpint (neighbour_rank (dist, 8, 3), <=, 1);
}

/* ---- the loader ------------------------------------------------------------------------ */

static void
test_loader_builtin (void)
{
  const char *const *names = kd_loader_builtin_names ();
  int n_names = 0;
  for (; names[n_names]; n_names++)
    {
      const char *name = names[n_names];
      gboolean digits = g_str_equal (name, "synthetic-digits");
      g_autoptr (GError) error = NULL;
      g_autoptr (KdDataset) train = NULL;
      g_autoptr (KdDataset) test = NULL;
      g_assert_true (kd_loader_load (name, 3, 0, 0, &train, &test, &error));
      g_assert_no_error (error);
      g_assert_cmpint (train->n, ==, digits ? 12000 : 2000);
      g_assert_cmpint (test->n, ==, digits ? 2000 : 1000);
      g_assert_cmpstr (train->name, ==, name);
      g_assert_cmpint (train->n_classes, ==, test->n_classes);
      g_assert_cmpint (train->n_classes, >=, g_str_equal (name, "xor") ? 2 : 3);
      g_assert_cmpfloat (test->mean, ==, train->mean);
      g_assert_cmpfloat (test->std, ==, train->std);
      int bad = -1;
      g_assert_cmpint (kd_dataset_validate (train, &bad), ==, KD_OK);
      g_assert_cmpint (kd_dataset_validate (test, &bad), ==, KD_OK);
      /* The test set comes from another stream than the training set. */
      size_t dim = kd_dataset_dim (train);
      g_assert_true (train->pixels ? memcmp (train->pixels, test->pixels, dim * 10) != 0
                                   : memcmp (train->features, test->features, dim * 10 * 4) != 0);
    }
  g_assert_cmpint (n_names, ==, 6);
}

static void
test_loader_limits (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KdDataset) train = NULL;
  g_autoptr (KdDataset) test = NULL;
  g_autoptr (KdDataset) full_train = NULL;
  g_autoptr (KdDataset) full_test = NULL;
  g_assert_true (kd_loader_load ("moons", 9, 150, 40, &train, &test, &error));
  g_assert_no_error (error);
  g_assert_true (kd_loader_load ("moons", 9, 0, -1, &full_train, &full_test, &error));
  g_assert_cmpint (train->n, ==, 150);
  g_assert_cmpint (test->n, ==, 40);
  g_assert_cmpint (full_train->n, ==, 2000);
  g_assert_cmpint (full_test->n, ==, 1000);
  /* A limit takes the first samples of the same set. */
  g_assert_cmpmem (train->features, 150 * 2 * sizeof (float), full_train->features,
                   150 * 2 * sizeof (float));
  g_assert_cmpmem (test->labels, 40, full_test->labels, 40);
}

static void
test_loader_digits_limits (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KdDataset) train = NULL;
  g_autoptr (KdDataset) test = NULL;
  g_assert_true (kd_loader_load ("synthetic-digits", 2, 500, 100, &train, &test, &error));
  g_assert_no_error (error);
  g_assert_cmpint (train->n, ==, 500);
  g_assert_cmpint (test->n, ==, 100);
  /* Normalisation from the images trained on, shared by the test set. */
  KdDataset *copy = kd_dataset_head (train, 0);
  kd_dataset_compute_norm (copy);
  g_assert_cmpfloat (copy->mean, ==, train->mean);
  g_assert_cmpfloat (test->mean, ==, train->mean);
  kd_dataset_free (copy);
}

static void
test_loader_unknown (void)
{
  g_autoptr (GError) error = NULL;
  KdDataset *train = GINT_TO_POINTER (1), *test = GINT_TO_POINTER (2);
  g_assert_false (kd_loader_load ("no-such-dataset", 1, 0, 0, &train, &test, &error));
  g_assert_error (error, KD_IO_ERROR, KD_IO_ERROR_UNKNOWN);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "no-such-dataset"));
  for (const char *const *n = kd_loader_builtin_names (); *n; n++)
    g_assert_nonnull (strstr (error->message, *n));
  g_assert_nonnull (strstr (error->message, "fashion-mnist"));
  g_assert_true (train == GINT_TO_POINTER (1) && test == GINT_TO_POINTER (2));
}

static void
test_loader_fashion_missing (void)
{
  if (kd_loader_fashion_mnist_available ())
    {
      g_test_skip ("Fashion-MNIST is installed; its loading is tested in test-io-idx");
      return;
    }
  g_autoptr (GError) error = NULL;
  KdDataset *train = NULL, *test = NULL;
  g_assert_false (kd_loader_load ("fashion-mnist", 1, 0, 0, &train, &test, &error));
  g_assert_error (error, KD_IO_ERROR, KD_IO_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "apt-get install dataset-fashion-mnist"));
  g_assert_null (train);
}

/* ---- CSV ------------------------------------------------------------------------------- */

typedef struct
{
  char *dir;
} CsvFixture;

static void
csv_setup (CsvFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("test-io-data-XXXXXX", &error);
  g_assert_no_error (error);
}

static void
csv_teardown (CsvFixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static char *
csv_write (CsvFixture *f, const char *name, const char *text)
{
  char *path = g_build_filename (f->dir, name, NULL);
  g_autoptr (GError) error = NULL;
  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* 50 rows: label k in 0..2, features (k, 10 k + i / 10, 100). */
static char *
csv_good_text (const char *header, const char *newline)
{
  GString *s = g_string_new (header);
  for (int i = 0; i < 50; i++)
    g_string_append_printf (s, "%d, %d.5,%g,100%s", i % 3, i % 3, 10.0 * (i % 3) + i / 10.0,
                            newline);
  return g_string_free (s, FALSE);
}

static void
csv_assert_good (const char *path, int seed)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KdDataset) train = NULL;
  g_autoptr (KdDataset) test = NULL;
  g_assert_true (kd_loader_load (path, seed, 0, 0, &train, &test, &error));
  g_assert_no_error (error);
  g_assert_cmpint (train->n, ==, 40);
  g_assert_cmpint (test->n, ==, 10);
  g_assert_cmpint (kd_dataset_dim (train), ==, 3);
  g_assert_cmpint (train->n_classes, ==, 3);
  g_assert_null (train->pixels);
  /* Columns are standardised with the training split's statistics. */
  for (int j = 0; j < 3; j++)
    {
      double sum = 0, sum2 = 0;
      for (int i = 0; i < train->n; i++)
        {
          sum += train->features[i * 3 + j];
          sum2 += train->features[i * 3 + j] * train->features[i * 3 + j];
        }
      g_assert_cmpfloat (fabs (sum / train->n), <, 1e-4);
      g_assert_cmpfloat (sum2 / train->n, <, j == 2 ? 1e-6 : 1.0001); /* constant column */
    }
  /* The feature still tells the label: feature 0 is (label + 0.5) standardised. */
  for (int i = 1; i < test->n; i++)
    if (test->labels[i] > test->labels[0])
      g_assert_cmpfloat (test->features[i * 3], >, test->features[0]);
}

static void
test_csv_good (CsvFixture *f, gconstpointer data)
{
  g_autofree char *text = csv_good_text ("", "\n");
  g_autofree char *path = csv_write (f, "good.csv", text);
  csv_assert_good (path, 1);
  /* The split is seeded: the same seed gives the same split, another seed another. */
  g_autoptr (KdDataset) a = NULL;
  g_autoptr (KdDataset) b = NULL;
  g_autoptr (KdDataset) c = NULL;
  g_autoptr (KdDataset) ta = NULL;
  g_autoptr (KdDataset) tb = NULL;
  g_autoptr (KdDataset) tc = NULL;
  g_assert_true (kd_loader_load (path, 1, 0, 0, &a, &ta, NULL));
  g_assert_true (kd_loader_load (path, 1, 0, 0, &b, &tb, NULL));
  g_assert_true (kd_loader_load (path, 2, 0, 0, &c, &tc, NULL));
  g_assert_cmpmem (a->labels, a->n, b->labels, b->n);
  g_assert_true (memcmp (a->features, c->features, 40 * 3 * sizeof (float)) != 0);
  g_assert_cmpstr (a->name, ==, "good.csv");
}

static void
test_csv_header (CsvFixture *f, gconstpointer data)
{
  g_autofree char *text = csv_good_text ("label,width,height,depth\n\n", "\r\n");
  g_autofree char *path = csv_write (f, "header.csv", text);
  csv_assert_good (path, 3);
}

static void
csv_assert_fails (CsvFixture *f, const char *text, int code, const char *needle)
{
  g_autofree char *path = csv_write (f, "bad.csv", text);
  g_autoptr (GError) error = NULL;
  KdDataset *train = GINT_TO_POINTER (1), *test = GINT_TO_POINTER (2);
  g_assert_false (kd_loader_load (path, 1, 0, 0, &train, &test, &error));
  g_assert_error (error, KD_IO_ERROR, code);
  g_test_message ("%s", error->message);
  g_autofree char *show = g_filename_display_name (path);
  g_assert_nonnull (strstr (error->message, show));
  if (needle && !strstr (error->message, needle))
    g_error ("“%s” does not mention “%s”", error->message, needle);
  g_assert_true (train == GINT_TO_POINTER (1) && test == GINT_TO_POINTER (2));
}

static void
test_csv_nan (CsvFixture *f, gconstpointer data)
{
  csv_assert_fails (f, "0,1,2\n1,2,3\n0,1,nan\n1,2,3\n", KD_IO_ERROR_BAD_VALUE, "line 3, column 3");
  csv_assert_fails (f, "0,1,2\n1,inf,3\n", KD_IO_ERROR_BAD_VALUE, "line 2, column 2");
  csv_assert_fails (f, "0,1,2\n1,2,1e400\n", KD_IO_ERROR_BAD_VALUE, "line 2, column 3");
}

static void
test_csv_unparsable (CsvFixture *f, gconstpointer data)
{
  csv_assert_fails (f, "a,b,c\n0,1,2\n1,2,three\n", KD_IO_ERROR_BAD_VALUE, "line 3, column 3");
  csv_assert_fails (f, "0,1,2\n1,,3\n", KD_IO_ERROR_BAD_VALUE, "line 2, column 2");
}

static void
test_csv_ragged (CsvFixture *f, gconstpointer data)
{
  csv_assert_fails (f, "0,1,2\n1,2,3\n0,1\n", KD_IO_ERROR_BAD_SIZE, "line 3 has 2 columns");
  csv_assert_fails (f, "0\n1\n", KD_IO_ERROR_BAD_SIZE, "line 1");
}

static void
test_csv_empty (CsvFixture *f, gconstpointer data)
{
  csv_assert_fails (f, "", KD_IO_ERROR_EMPTY, NULL);
  csv_assert_fails (f, "label,x,y\n\n  \n", KD_IO_ERROR_EMPTY, NULL);
  csv_assert_fails (f, "1,2,3\n", KD_IO_ERROR_BAD_SIZE, NULL);
}

static void
test_csv_bad_label (CsvFixture *f, gconstpointer data)
{
  csv_assert_fails (f, "0,1,2\n-1,2,3\n", KD_IO_ERROR_LABEL_RANGE, "line 2");
  csv_assert_fails (f, "0,1,2\n256,2,3\n", KD_IO_ERROR_LABEL_RANGE, "line 2");
  csv_assert_fails (f, "0,1,2\n1.5,2,3\n", KD_IO_ERROR_BAD_VALUE, "line 2, column 1");
  csv_assert_fails (f, "0,1,2\ncat,2,3\n", KD_IO_ERROR_BAD_VALUE, "line 2, column 1");
}

static void
test_csv_binary (CsvFixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "bad.csv", NULL);
  const char bytes[] = { 0, 0, 8, 1, 0, 0, 0, 2, 3, 4 };
  g_assert_true (g_file_set_contents (path, bytes, sizeof bytes, NULL));
  g_autoptr (GError) error = NULL;
  KdDataset *train = NULL, *test = NULL;
  g_assert_false (kd_loader_load (path, 1, 0, 0, &train, &test, &error));
  g_assert_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_MAGIC);
  g_assert_null (train);
}

/* ---- PNG class folders ----------------------------------------------------------------- */

typedef struct
{
  char *dir;
} PngFixture;

static void
png_setup (PngFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  f->dir = g_dir_make_tmp ("test-io-png-XXXXXX", &error);
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
      g_rmdir (path);
    }
  else
    g_remove (path);
}

static void
png_teardown (PngFixture *f, gconstpointer data)
{
  remove_tree (f->dir);
  g_free (f->dir);
}

/* f->dir/cls/name, a w × h image of grey value v, as RGB when rgb. */
static char *
png_write (PngFixture *f, const char *cls, const char *name, int w, int h, int v, gboolean rgb)
{
  g_autofree char *sub = g_build_filename (f->dir, cls, NULL);
  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  char *path = g_build_filename (sub, name, NULL);
  png_image image;
  memset (&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = (png_uint_32)w;
  image.height = (png_uint_32)h;
  image.format = rgb ? PNG_FORMAT_RGB : PNG_FORMAT_GRAY;
  g_autofree guint8 *buf = g_malloc (PNG_IMAGE_SIZE (image));
  memset (buf, v, PNG_IMAGE_SIZE (image));
  if (!png_image_write_to_file (&image, path, 0, buf, 0, NULL))
    g_error ("cannot write %s: %s", path, image.message);
  return path;
}

/* Classes "bird" < "cat" < "dog" (written out of order), 5 images of 8 × 6 each, grey value
 * 40 k + 20 + i for class k; one of them RGB. Plus things the loader must ignore. */
static void
png_write_good (PngFixture *f)
{
  static const char *const classes[] = { "dog", "bird", "cat" };
  static const int label[] = { 2, 0, 1 };
  for (int c = 0; c < 3; c++)
    for (int i = 0; i < 5; i++)
      {
        g_autofree char *name = g_strdup_printf ("img%d.png", i);
        g_autofree char *path
            = png_write (f, classes[c], name, 8, 6, 40 * label[c] + 20 + i, c == 1 && i == 2);
      }
  g_autofree char *empty = g_build_filename (f->dir, "empty", NULL);
  g_assert_cmpint (g_mkdir (empty, 0700), ==, 0);
  g_autofree char *readme = g_build_filename (f->dir, "cat", "README.txt", NULL);
  g_assert_true (g_file_set_contents (readme, "not an image", -1, NULL));
  g_autofree char *top = g_build_filename (f->dir, "top.png", NULL);
  g_assert_true (g_file_set_contents (top, "ignored", -1, NULL));
}

static void
png_assert_split (const KdDataset *ds, int n)
{
  g_assert_cmpint (ds->n, ==, n);
  g_assert_cmpint (ds->c, ==, 1);
  g_assert_cmpint (ds->h, ==, 6);
  g_assert_cmpint (ds->w, ==, 8);
  g_assert_nonnull (ds->pixels);
  g_assert_null (ds->features);
  g_assert_cmpint (ds->n_classes, ==, 3);
  g_assert_cmpstr (ds->class_names[0], ==, "bird");
  g_assert_cmpstr (ds->class_names[1], ==, "cat");
  g_assert_cmpstr (ds->class_names[2], ==, "dog");
  int bad = -1;
  g_assert_cmpint (kd_dataset_validate (ds, &bad), ==, KD_OK);
  for (int i = 0; i < ds->n; i++)
    {
      const guint8 *p = ds->pixels + (size_t)i * 48;
      g_assert_cmpint (ds->labels[i], <, 3);
      /* Uniform images whose grey value tells the label, the RGB one included. */
      for (int j = 1; j < 48; j++)
        g_assert_cmpint (p[j], ==, p[0]);
      g_assert_cmpint ((p[0] - 20) / 40, ==, ds->labels[i]);
      g_assert_cmpint ((p[0] - 20) % 40, <, 5);
    }
}

static void
test_png_good (PngFixture *f, gconstpointer data)
{
  png_write_good (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (KdDataset) train = NULL;
  g_autoptr (KdDataset) test = NULL;
  g_assert_true (kd_loader_load (f->dir, 1, 0, 0, &train, &test, &error));
  g_assert_no_error (error);
  png_assert_split (train, 12);
  png_assert_split (test, 3);
  g_autofree char *base = g_path_get_basename (f->dir);
  g_assert_cmpstr (train->name, ==, base);
  g_assert_cmpstr (test->name, ==, base);
  g_assert_cmpfloat (test->mean, ==, train->mean);
  g_assert_cmpfloat (test->std, ==, train->std);
  g_assert_cmpfloat (train->std, >, 0);
  /* Every image lands in exactly one split. */
  int seen[3] = { 0 };
  for (int i = 0; i < train->n; i++)
    seen[train->labels[i]]++;
  for (int i = 0; i < test->n; i++)
    seen[test->labels[i]]++;
  for (int k = 0; k < 3; k++)
    g_assert_cmpint (seen[k], ==, 5);

  /* Seeded: the same seed gives the same split, another seed another. */
  g_autoptr (KdDataset) a = NULL;
  g_autoptr (KdDataset) ta = NULL;
  g_autoptr (KdDataset) b = NULL;
  g_autoptr (KdDataset) tb = NULL;
  g_assert_true (kd_loader_load (f->dir, 1, 0, 0, &a, &ta, NULL));
  g_assert_true (kd_loader_load (f->dir, 2, 0, 0, &b, &tb, NULL));
  g_assert_true (same_dataset (train, a) && same_dataset (test, ta));
  g_assert_false (same_dataset (train, b));

  /* Limits apply as elsewhere. */
  g_autoptr (KdDataset) c = NULL;
  g_autoptr (KdDataset) tc = NULL;
  g_assert_true (kd_loader_load (f->dir, 1, 5, 2, &c, &tc, NULL));
  g_assert_cmpint (c->n, ==, 5);
  g_assert_cmpint (tc->n, ==, 2);
  g_assert_cmpmem (c->pixels, 5 * 48, train->pixels, 5 * 48);
}

static void
png_assert_fails (PngFixture *f, int code, const char *name1, const char *name2)
{
  g_autoptr (GError) error = NULL;
  KdDataset *train = GINT_TO_POINTER (1), *test = GINT_TO_POINTER (2);
  g_assert_false (kd_loader_load (f->dir, 1, 0, 0, &train, &test, &error));
  g_assert_error (error, KD_IO_ERROR, code);
  g_test_message ("%s", error->message);
  const char *names[] = { name1, name2 };
  for (int i = 0; i < 2; i++)
    if (names[i])
      {
        g_autofree char *show = g_filename_display_name (names[i]);
        if (!strstr (error->message, show))
          g_error ("“%s” does not mention “%s”", error->message, show);
      }
  g_assert_true (train == GINT_TO_POINTER (1) && test == GINT_TO_POINTER (2));
}

static void
test_png_empty (PngFixture *f, gconstpointer data)
{
  png_assert_fails (f, KD_IO_ERROR_EMPTY, f->dir, NULL);
  /* Images directly in the folder, or sub-folders without PNGs, are no classes. */
  g_autofree char *top = g_build_filename (f->dir, "a.png", NULL);
  g_assert_true (g_file_set_contents (top, "x", -1, NULL));
  g_autofree char *sub = g_build_filename (f->dir, "cls", NULL);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  png_assert_fails (f, KD_IO_ERROR_EMPTY, f->dir, NULL);
}

static void
test_png_corrupt (PngFixture *f, gconstpointer data)
{
  png_write_good (f);
  g_autofree char *bad = g_build_filename (f->dir, "cat", "img9.png", NULL);
  g_assert_true (g_file_set_contents (bad, "this is not a PNG image\n", -1, NULL));
  png_assert_fails (f, KD_IO_ERROR_BAD_MAGIC, bad, NULL);

  /* A real PNG cut short: libpng's complaint. */
  g_autofree char *good = g_build_filename (f->dir, "cat", "img0.png", NULL);
  g_autofree char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (good, &bytes, &len, NULL));
  g_assert_true (g_file_set_contents (bad, bytes, (gssize)len - 20, NULL));
  png_assert_fails (f, KD_IO_ERROR_CORRUPT, bad, NULL);
}

static void
test_png_mismatch (PngFixture *f, gconstpointer data)
{
  png_write_good (f);
  g_autofree char *first = g_build_filename (f->dir, "bird", "img0.png", NULL);
  g_autofree char *odd = png_write (f, "dog", "odd.png", 7, 6, 9, FALSE);
  png_assert_fails (f, KD_IO_ERROR_BAD_SIZE, odd, first);
}

static void
test_png_single_class (PngFixture *f, gconstpointer data)
{
  for (int i = 0; i < 4; i++)
    {
      g_autofree char *name = g_strdup_printf ("%d.png", i);
      g_autofree char *path = png_write (f, "only", name, 4, 4, i, FALSE);
    }
  png_assert_fails (f, KD_IO_ERROR_BAD_SIZE, f->dir, "only");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/io/toy/deterministic", test_toy_deterministic);
  g_test_add_func ("/io/toy/shape", test_toy_shape);
  g_test_add_func ("/io/toy/shuffled", test_toy_shuffled);
  g_test_add_func ("/io/toy/noise", test_toy_noise);
  g_test_add_func ("/io/toy/invalid", test_toy_invalid);
  g_test_add_func ("/io/digits/deterministic", test_digits_deterministic);
  g_test_add_func ("/io/digits/shape", test_digits_shape);
  g_test_add_func ("/io/digits/pixels", test_digits_pixels);
  g_test_add_func ("/io/digits/classes-differ", test_digits_classes_differ);
  g_test_add_func ("/io/digits/look-alikes", test_digits_look_alikes);
  g_test_add_func ("/io/loader/builtin", test_loader_builtin);
  g_test_add_func ("/io/loader/limits", test_loader_limits);
  g_test_add_func ("/io/loader/digits-limits", test_loader_digits_limits);
  g_test_add_func ("/io/loader/unknown", test_loader_unknown);
  g_test_add_func ("/io/loader/fashion-missing", test_loader_fashion_missing);
#define ADD(path, func) g_test_add (path, CsvFixture, NULL, csv_setup, func, csv_teardown)
  ADD ("/io/loader/csv/good", test_csv_good);
  ADD ("/io/loader/csv/header", test_csv_header);
  ADD ("/io/loader/csv/nan", test_csv_nan);
  ADD ("/io/loader/csv/unparsable", test_csv_unparsable);
  ADD ("/io/loader/csv/ragged", test_csv_ragged);
  ADD ("/io/loader/csv/empty", test_csv_empty);
  ADD ("/io/loader/csv/bad-label", test_csv_bad_label);
  ADD ("/io/loader/csv/binary", test_csv_binary);
#undef ADD
#define ADD(path, func) g_test_add (path, PngFixture, NULL, png_setup, func, png_teardown)
  ADD ("/io/loader/png/good", test_png_good);
  ADD ("/io/loader/png/empty", test_png_empty);
  ADD ("/io/loader/png/corrupt", test_png_corrupt);
  ADD ("/io/loader/png/mismatch", test_png_mismatch);
  ADD ("/io/loader/png/single-class", test_png_single_class);
#undef ADD
  return g_test_run ();
}
