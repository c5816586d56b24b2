/* test-core-fixture.c — the network and the losses against PyTorch.
 *
 * tests/data/make_fixture.py builds the same small MLP and CNN in PyTorch from fixed seeds
 * and stores parameters, inputs, labels, teacher logits, the logits, the CE and KD losses and
 * every gradient (parameters and input) of both losses. Here the core rebuilds each network
 * from its architecture string, loads the parameters into the flat buffer and has to
 * reproduce all of it within 1e-4 (absolute or relative). The file format is documented at
 * the top of make_fixture.py.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "kd-test-blas.h"

#include "kd_arch.h"
#include "kd_loss.h"
#include "kd_net.h"

#define FIXTURE_MAGIC "distillscope-fixture 1"
#define TOLERANCE 1e-4

typedef struct
{
  gboolean is_u8;
  gsize count;
  gpointer data; /* float (count) or uint8_t (count), aligned copy */
} FixtureArray;

typedef struct
{
  char *arch;
  int c, h, w;
  int n_classes;
  int batch;
  float temperature;
  float alpha;
  GHashTable *arrays; /* name -> FixtureArray */
  KdNet *net;
} Fixture;

static void
fixture_array_free (gpointer p)
{
  FixtureArray *a = p;

  g_free (a->data);
  g_free (a);
}

static const FixtureArray *
fixture_get (const Fixture *fx, const char *name)
{
  const FixtureArray *a = g_hash_table_lookup (fx->arrays, name);

  if (a == NULL)
    g_error ("fixture has no array \"%s\"", name);
  return a;
}

static const float *
fixture_floats (const Fixture *fx, const char *name, gsize count)
{
  const FixtureArray *a = fixture_get (fx, name);

  g_assert_false (a->is_u8);
  g_assert_cmpuint (a->count, ==, count);
  return a->data;
}

/* Parses one "array <name> <f32|u8> <ndim> <dims...>" line and takes its data at *offset. */
static void
parse_array (Fixture *fx, char **tok, const char *contents, gsize length, gsize *offset)
{
  FixtureArray *a = g_new0 (FixtureArray, 1);
  guint ndim = g_strv_length (tok);
  gsize elem;

  g_assert_cmpuint (ndim, >=, 4);
  g_assert_cmpuint (g_ascii_strtoull (tok[3], NULL, 10), ==, ndim - 4);
  a->is_u8 = g_str_equal (tok[2], "u8");
  g_assert_true (a->is_u8 || g_str_equal (tok[2], "f32"));
  a->count = 1;
  for (guint i = 4; i < ndim; i++)
    a->count *= g_ascii_strtoull (tok[i], NULL, 10);

  elem = a->is_u8 ? 1 : sizeof (float);
  g_assert_cmpuint (*offset + a->count * elem, <=, length);
  a->data = g_memdup2 (contents + *offset, a->count * elem);
  *offset += a->count * elem;
  g_hash_table_insert (fx->arrays, g_strdup (tok[1]), a);
}

static void
fixture_load (Fixture *fx, const char *basename)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "data", basename, NULL);
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *header = NULL;
  g_auto (GStrv) lines = NULL;
  const char *end;
  gsize length, offset;

  g_assert_true (G_BYTE_ORDER == G_LITTLE_ENDIAN);
  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  end = g_strstr_len (contents, length, "\nend\n");
  g_assert_nonnull (end);
  offset = (gsize)(end - contents) + strlen ("\nend\n");

  header = g_strndup (contents, end - contents);
  lines = g_strsplit (header, "\n", -1);
  g_assert_cmpstr (lines[0], ==, FIXTURE_MAGIC);
  fx->arrays = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, fixture_array_free);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto (GStrv) tok = g_strsplit (lines[i], " ", -1);

      if (g_strv_length (tok) < 2)
        g_error ("%s: malformed header line \"%s\"", path, lines[i]);
      if (g_str_equal (tok[0], "array"))
        parse_array (fx, tok, contents, length, &offset);
      else if (g_str_equal (tok[0], "arch"))
        fx->arch = g_strdup (tok[1]);
      else if (g_str_equal (tok[0], "input"))
        {
          fx->c = atoi (tok[1]);
          fx->h = atoi (tok[2]);
          fx->w = atoi (tok[3]);
        }
      else if (g_str_equal (tok[0], "classes"))
        fx->n_classes = atoi (tok[1]);
      else if (g_str_equal (tok[0], "batch"))
        fx->batch = atoi (tok[1]);
      else if (g_str_equal (tok[0], "temperature"))
        fx->temperature = g_ascii_strtod (tok[1], NULL);
      else if (g_str_equal (tok[0], "alpha"))
        fx->alpha = g_ascii_strtod (tok[1], NULL);
    }
  g_assert_cmpuint (offset, ==, length);
  g_assert_nonnull (fx->arch);
}

/* Copies p<k>.w / p<k>.b into the k-th dense or conv layer's slice of the flat buffer. */
static void
fixture_load_params (Fixture *fx)
{
  KdNet *net = fx->net;
  size_t total = 0;
  int k = 0;

  for (int i = 0; i < net->n_layers; i++)
    {
      const KdNetLayer *l = &net->layers[i];
      g_autofree char *wname = NULL, *bname = NULL;

      if (l->w_count == 0 && l->b_count == 0)
        continue;
      wname = g_strdup_printf ("p%d.w", k);
      bname = g_strdup_printf ("p%d.b", k);
      memcpy (net->params + l->w_offset, fixture_floats (fx, wname, l->w_count),
              l->w_count * sizeof (float));
      memcpy (net->params + l->b_offset, fixture_floats (fx, bname, l->b_count),
              l->b_count * sizeof (float));
      total += l->w_count + l->b_count;
      k++;
    }
  g_assert_cmpuint (total, ==, net->n_params);
  /* No parameter array of the file is left without a layer. */
  {
    g_autofree char *next = g_strdup_printf ("p%d.w", k);
    g_assert_false (g_hash_table_contains (fx->arrays, next));
  }
}

static void
fixture_setup (Fixture *fx, gconstpointer basename)
{
  KdArch arch;
  KdArchError err = { 0 };

  fixture_load (fx, basename);
  if (kd_arch_parse (fx->arch, &arch, &err) != KD_OK)
    g_error ("kd_arch_parse (\"%s\"): %s", fx->arch, err.message);
  g_assert_cmpint (kd_net_new (&arch, fx->c, fx->h, fx->w, fx->n_classes, fx->batch, &fx->net), ==,
                   KD_OK);
  fixture_load_params (fx);
}

static void
fixture_teardown (Fixture *fx, gconstpointer basename)
{
  kd_net_free (fx->net);
  g_hash_table_unref (fx->arrays);
  g_free (fx->arch);
}

/* The same on two threads: GEMMs split over the pool, conv batches split into two parts. */
static void
fixture_setup_2 (Fixture *fx, gconstpointer basename)
{
  kd_blas_set_threads (2);
  fixture_setup (fx, basename);
}

static void
fixture_teardown_2 (Fixture *fx, gconstpointer basename)
{
  fixture_teardown (fx, basename);
  kd_blas_set_threads (1);
}

static gboolean
close_enough (double got, double want)
{
  double err = fabs (got - want);

  return err <= TOLERANCE || err <= TOLERANCE * fabs (want);
}

/* Fails the test when any element is off by more than TOLERANCE both absolutely and
 * relatively; the test goes on, so that every mismatching array is named in the log. */
static void
assert_close (const char *name, const float *got, const float *want, gsize n)
{
  gsize n_bad = 0, worst = 0;
  double worst_err = -1.0;

  for (gsize i = 0; i < n; i++)
    {
      double err = fabs ((double)got[i] - want[i]);

      if (close_enough (got[i], want[i]))
        continue;
      n_bad++;
      if (!(err <= worst_err))
        {
          worst_err = err;
          worst = i;
        }
    }
  if (n_bad == 0)
    return;
  g_test_message ("%s: %" G_GSIZE_FORMAT " of %" G_GSIZE_FORMAT " elements differ; "
                  "worst [%" G_GSIZE_FORMAT "]: got %.8g, want %.8g",
                  name, n_bad, n, worst, got[worst], want[worst]);
  g_test_fail ();
}

static void
assert_close_scalar (const char *name, double got, double want)
{
  if (close_enough (got, want))
    return;
  g_test_message ("%s: got %.8g, want %.8g", name, got, want);
  g_test_fail ();
}

static const uint8_t *
fixture_labels (const Fixture *fx)
{
  const FixtureArray *a = fixture_get (fx, "labels");

  g_assert_true (a->is_u8);
  g_assert_cmpuint (a->count, ==, (gsize)fx->batch);
  return a->data;
}

static gsize
logits_count (const Fixture *fx)
{
  return (gsize)fx->batch * fx->n_classes;
}

static void
test_forward (Fixture *fx, gconstpointer basename)
{
  gsize n_in = (gsize)fx->batch * kd_net_in_dim (fx->net);
  const float *logits = kd_net_forward (fx->net, fixture_floats (fx, "input", n_in), fx->batch);

  assert_close ("logits", logits, fixture_floats (fx, "logits", logits_count (fx)),
                logits_count (fx));
}

/* The losses on PyTorch's logits, so that a failure here is the loss's own. */
static void
test_ce_loss (Fixture *fx, gconstpointer basename)
{
  gsize n = logits_count (fx);
  g_autofree float *dlogits = g_new (float, n);
  double ce = kd_cross_entropy (fixture_floats (fx, "logits", n), fixture_labels (fx), fx->batch,
                                fx->n_classes, dlogits);

  assert_close_scalar ("ce.loss", ce, fixture_floats (fx, "ce.loss", 1)[0]);
  assert_close ("ce.dlogits", dlogits, fixture_floats (fx, "ce.dlogits", n), n);
}

static void
test_kd_loss (Fixture *fx, gconstpointer basename)
{
  gsize n = logits_count (fx);
  g_autofree float *dlogits = g_new (float, n);
  KdLossParts parts = kd_distill_loss (
      fixture_floats (fx, "logits", n), fixture_floats (fx, "teacher", n), fixture_labels (fx),
      fx->batch, fx->n_classes, fx->temperature, fx->alpha, dlogits);

  assert_close_scalar ("kd.loss", parts.total, fixture_floats (fx, "kd.loss", 1)[0]);
  assert_close_scalar ("kd.kl", parts.kl, fixture_floats (fx, "kd.kl", 1)[0]);
  assert_close_scalar ("kd ce part", parts.ce, fixture_floats (fx, "ce.loss", 1)[0]);
  assert_close ("kd.dlogits", dlogits, fixture_floats (fx, "kd.dlogits", n), n);
}

/* Forward, loss gradient, backward; then every parameter gradient and the input gradient
 * against "<prefix>.grad.*". */
static void
check_grads (Fixture *fx, const char *prefix, gboolean distill)
{
  KdNet *net = fx->net;
  gsize n = logits_count (fx), n_in = (gsize)fx->batch * kd_net_in_dim (net);
  g_autofree float *dlogits = g_new (float, n);
  g_autofree float *dinput = g_new (float, n_in);
  g_autofree char *dinput_name = g_strdup_printf ("%s.grad.input", prefix);
  const float *logits;
  int k = 0;

  /* Garbage first: zero_grads must clear it and backward must overwrite dinput. */
  for (size_t i = 0; i < net->n_params; i++)
    net->grads[i] = NAN;
  for (gsize i = 0; i < n_in; i++)
    dinput[i] = NAN;
  kd_net_zero_grads (net);

  logits = kd_net_forward (net, fixture_floats (fx, "input", n_in), fx->batch);
  if (distill)
    kd_distill_loss (logits, fixture_floats (fx, "teacher", n), fixture_labels (fx), fx->batch,
                     fx->n_classes, fx->temperature, fx->alpha, dlogits);
  else
    kd_cross_entropy (logits, fixture_labels (fx), fx->batch, fx->n_classes, dlogits);
  kd_net_backward (net, dlogits, fx->batch, dinput);

  for (int i = 0; i < net->n_layers; i++)
    {
      const KdNetLayer *l = &net->layers[i];
      g_autofree char *wname = NULL, *bname = NULL;

      if (l->w_count == 0 && l->b_count == 0)
        continue;
      wname = g_strdup_printf ("%s.grad.p%d.w", prefix, k);
      bname = g_strdup_printf ("%s.grad.p%d.b", prefix, k);
      assert_close (wname, net->grads + l->w_offset, fixture_floats (fx, wname, l->w_count),
                    l->w_count);
      assert_close (bname, net->grads + l->b_offset, fixture_floats (fx, bname, l->b_count),
                    l->b_count);
      k++;
    }
  assert_close (dinput_name, dinput, fixture_floats (fx, dinput_name, n_in), n_in);
}

static void
test_ce_grads (Fixture *fx, gconstpointer basename)
{
  check_grads (fx, "ce", FALSE);
}

static void
test_kd_grads (Fixture *fx, gconstpointer basename)
{
  check_grads (fx, "kd", TRUE);
}

static void
add_fixture_tests (const char *name, const char *basename, int threads)
{
  static const struct
  {
    const char *suffix;
    void (*func) (Fixture *, gconstpointer);
  } cases[] = {
    { "forward", test_forward },   { "ce-loss", test_ce_loss },   { "kd-loss", test_kd_loss },
    { "ce-grads", test_ce_grads }, { "kd-grads", test_kd_grads },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/fixture/%s/%s", name, cases[i].suffix);

      if (threads == 2)
        g_test_add (path, Fixture, basename, fixture_setup_2, cases[i].func, fixture_teardown_2);
      else
        g_test_add (path, Fixture, basename, fixture_setup, cases[i].func, fixture_teardown);
    }
}

int
main (int argc, char **argv)
{
  kd_test_use_fast_blas (argv);
  g_test_init (&argc, &argv, NULL);

  add_fixture_tests ("mlp", "fixture-mlp.bin", 1);
  add_fixture_tests ("cnn", "fixture-cnn.bin", 1);
  add_fixture_tests ("mlp-2threads", "fixture-mlp.bin", 2);
  add_fixture_tests ("cnn-2threads", "fixture-cnn.bin", 2);

  return g_test_run ();
}
