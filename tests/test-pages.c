/* test-pages.c — the Saliency, Activations and Metrics pages on tiny trained sessions, under
 * Xvfb (see test-app.sh): real windows, real training, analyses in their threads, exports.
 *
 * GTest makes every GLib/GTK warning and critical fatal, so any one fails the run. With
 * DS_SCREENSHOT_DIR set, every page is also rendered to PNG there, in light and dark.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "ds-application.h"
#include "ds-experiment.h"
#include "ds-figure-view.h"
#include "ds-format.h"
#include "ds-page.h"
#include "ds-pca-picker.h"
#include "ds-test-gui.h"
#include "ds-window.h"
#include "fig_activations.h"
#include "fig_heatmap.h"
#include "fig_pca.h"
#include "fig_saliency.h"
#include "kd_saliency.h"

static DsApplication *app;
static char *tmp_dir;

/* ---- helpers ------------------------------------------------------------------------------ */

static void
collect (GtkWidget *root, WidgetMatch match, gconstpointer data, GPtrArray *out)
{
  if (match (root, data))
    g_ptr_array_add (out, root);
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    collect (c, match, data, out);
}

static gboolean
match_mapped_view (GtkWidget *widget, gconstpointer data)
{
  return DS_IS_FIGURE_VIEW (widget) && gtk_widget_get_mapped (widget);
}

static gboolean
match_busy_spinner (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_SPINNER (widget) && gtk_widget_get_mapped (widget)
         && gtk_spinner_get_spinning (GTK_SPINNER (widget));
}

static gboolean
match_spin (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_SPIN_BUTTON (widget);
}

static gboolean
match_stack (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_STACK (widget);
}

static gboolean
match_view_title (GtkWidget *widget, gconstpointer title)
{
  return DS_IS_FIGURE_VIEW (widget)
         && g_strcmp0 (ds_figure_view_get_title (DS_FIGURE_VIEW (widget)), title) == 0;
}

static DsFigureView *
find_view (GtkWidget *page, const char *title)
{
  GtkWidget *view = find_widget (page, match_view_title, title);

  g_assert_nonnull (view);
  return DS_FIGURE_VIEW (view);
}

static gboolean
finished (gpointer experiment)
{
  return ds_experiment_get_state (experiment) == DS_RUN_STATE_FINISHED;
}

/* Trains a tiny experiment to the end. */
static DsExperiment *
train (DsWindow *window, const char *spec, const char *teacher, const char *student, int epochs)
{
  DsExperiment *exp = ds_window_get_experiment (window);
  KdTrainConfig cfg = *ds_experiment_get_config (exp);

  ds_experiment_set_data_spec (exp, spec, 800, 300);
  g_strlcpy (cfg.teacher_arch, teacher, sizeof cfg.teacher_arch);
  g_strlcpy (cfg.student_arch, student, sizeof cfg.student_arch);
  cfg.epochs = cfg.teacher_epochs = epochs;
  cfg.batch = 32;
  cfg.threads = 1;
  ds_experiment_set_config (exp, &cfg);
  g_assert_true (wait_for (data_loaded, exp, 60));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_true (wait_for (finished, exp, 180));
  return exp;
}

/* A page is ready when nothing computes and every figure it shows has its data. */
static gboolean
page_ready (gpointer page)
{
  g_autoptr (GPtrArray) views = g_ptr_array_new ();

  if (find_widget (page, match_busy_spinner, NULL) != NULL)
    return FALSE;
  collect (page, match_mapped_view, NULL, views);
  for (guint i = 0; i < views->len; i++)
    if (!ds_figure_view_has_figure (g_ptr_array_index (views, i))
        || gtk_widget_get_opacity (g_ptr_array_index (views, i)) < 1.0)
      return FALSE;
  return views->len > 0 && ds_page_can_export (page);
}

static GtkWidget *
show_page (DsWindow *window, const char *name)
{
  GtkWidget *page = ds_window_get_page (window, name);

  g_assert_nonnull (page);
  ds_window_show_page (window, name);
  spin (0.05);
  if (!wait_for (page_ready, page, 240))
    g_error ("the %s page did not finish its analyses", name);
  return page;
}

static void
check_png (const char *path, int min_width)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 2000);
  g_assert_cmpmem (contents, 8, "\x89PNG\r\n\x1a\n", 8);
  /* IHDR: width, big-endian, at byte 16. */
  g_assert_cmpint (GUINT32_FROM_BE (*(guint32 *)(contents + 16)), >=, min_width);
}

/* Exports every figure of the page to PNG, each through its view, and the page's current one
 * through DsPage. */
static void
export_all (GtkWidget *page, const char *name)
{
  g_autoptr (GPtrArray) views = g_ptr_array_new ();

  collect (page, match_mapped_view, NULL, views);
  for (guint i = 0; i < views->len; i++)
    {
      DsFigureView *view = g_ptr_array_index (views, i);
      g_autofree char *file_name
          = g_strdup_printf ("%s-%s.png", name, ds_figure_view_get_export_name (view));
      g_autofree char *path = g_build_filename (tmp_dir, file_name, NULL);
      g_autoptr (GFile) file = g_file_new_for_path (path);
      g_autoptr (GError) error = NULL;

      g_assert_true (ds_figure_view_export (view, file, DS_EXPORT_PNG, NULL, &error));
      g_assert_no_error (error);
      check_png (path, 200);
    }
  {
    g_autofree char *stem = ds_page_get_export_name (DS_PAGE (page));
    g_autofree char *file_name = g_strdup_printf ("%s-page.png", stem);
    g_autofree char *path = g_build_filename (tmp_dir, file_name, NULL);
    g_autofree char *csv_path = g_strconcat (path, ".csv", NULL);
    g_autoptr (GFile) file = g_file_new_for_path (path);
    g_autoptr (GFile) csv = g_file_new_for_path (csv_path);
    g_autoptr (GError) error = NULL;

    g_assert_true (ds_page_export (DS_PAGE (page), file, DS_EXPORT_PNG, &error));
    g_assert_no_error (error);
    check_png (path, 200);
    g_assert_true (ds_page_export (DS_PAGE (page), csv, DS_EXPORT_CSV, &error));
    g_assert_no_error (error);
  }
}

/* ---- screenshots --------------------------------------------------------------------------- */

static void
render_window (DsWindow *window, const char *name)
{
  const char *dir = g_getenv ("DS_SCREENSHOT_DIR");
  GtkWidget *widget = GTK_WIDGET (window);
  int w = gtk_widget_get_width (widget), h = gtk_widget_get_height (widget);
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  GtkSnapshot *snapshot;
  GskRenderNode *node;

  if (dir == NULL)
    return;
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_free_to_node (snapshot);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, w, h));
  gsk_render_node_unref (node);
  path = g_strdup_printf ("%s/%s.png", dir, name);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* The page as it looks, in light and in dark. */
static void
screenshot (DsWindow *window, GtkWidget *page, const char *name)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  g_autofree char *light = g_strdup_printf ("%s-light", name);
  g_autofree char *dark = g_strdup_printf ("%s-dark", name);

  if (g_getenv ("DS_SCREENSHOT_DIR") == NULL)
    return;
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  spin (0.3);
  render_window (window, light);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  spin (0.3);
  render_window (window, dark);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  spin (0.1);
}

/* ---- tests ---------------------------------------------------------------------------------- */

static const char *const my_pages[] = { "saliency", "activations", "metrics" };

static void
test_empty (void)
{
  DsWindow *window = new_window (app, 1100, 760);

  for (guint i = 0; i < G_N_ELEMENTS (my_pages); i++)
    {
      GtkWidget *page = ds_window_get_page (window, my_pages[i]);
      GtkWidget *stack;

      ds_window_show_page (window, my_pages[i]);
      spin (0.1);
      g_assert_true (gtk_widget_get_mapped (page));
      stack = find_widget (page, match_stack, NULL);
      g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "empty");
      g_assert_false (ds_page_can_export (DS_PAGE (page)));
      if (i == 0)
        screenshot (window, page, "empty");
    }
  close_window (window);
}

static const char *
view_title_text (DsFigureView *view)
{
  const FigSaliencyData *data = ds_figure_view_get_data (view);

  return data ? data->title : NULL;
}

static void
check_saliency (DsWindow *window, DsExperiment *exp)
{
  GtkWidget *page = show_page (window, "saliency");
  DsFigureView *maps = find_view (page, "Saliency maps");

  g_assert_nonnull (strstr (view_title_text (maps), "test sample 0"));
  screenshot (window, page, "saliency");
  export_all (page, "saliency");

  /* Another method, then another sample: recomputed, and what is shown says so. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (page, "_Method")), KD_SALIENCY_GRADIENT);
  g_assert_true (wait_for (page_ready, page, 120));
  g_assert_true (g_str_has_prefix (view_title_text (maps), "Gradient"));
  ds_experiment_set_selected_sample (exp, 7);
  g_assert_true (wait_for (page_ready, page, 120));
  g_assert_nonnull (strstr (view_title_text (maps), "test sample 7"));
  /* Back to a cached result: delivered at once, without computing. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (page, "_Method")),
                              KD_SALIENCY_INTEGRATED_GRADIENTS);
  ds_experiment_set_selected_sample (exp, 0);
  g_assert_true (page_ready (page));
  g_assert_nonnull (strstr (view_title_text (maps), "test sample 0"));
}

/* Somewhere over the scatter the picker finds a dot, the same one again there, and the dot
 * really lies there: the figure drawn with coded class colours has that dot's class at the
 * dot's centre (unless a later dot covers it). */
static void
check_pca_picker (DsFigureView *view)
{
  const FigPcaData *data = ds_figure_view_get_data (view);
  int w = gtk_widget_get_width (GTK_WIDGET (view)), h = gtk_widget_get_height (GTK_WIDGET (view));
  cairo_surface_t *probe;
  DsPcaPicker picker;
  FigStyle style;
  int hits = 0, right = 0;

  ds_figure_probe_style_init (&style, NULL, FALSE, FALSE);
  probe
      = ds_figure_view_get_probe (view, "test-classes", (FigPaintFunc)fig_pca_paint, data, &style);
  g_assert_nonnull (probe);
  ds_pca_picker_reset (&picker);
  for (int y = 0; y < h; y += 4)
    for (int x = 0; x < w; x += 4)
      {
        int panel, point, panel2, point2, cls;
        const float *c;
        const uint8_t *labels;
        DsProbeKind kind;

        if (!ds_pca_picker_pick (&picker, view, data, x, y, &panel, &point))
          continue;
        hits++;
        g_assert_true (ds_pca_picker_pick (&picker, view, data, x, y, &panel2, &point2));
        g_assert_cmpint (panel, ==, panel2);
        g_assert_cmpint (point, ==, point2);
        g_assert_cmpint (point, <, data->panels[panel].n);
        c = data->panels[panel].coords + 2 * point;
        labels = data->panels[panel].labels ? data->panels[panel].labels : data->labels;
        if (ds_figure_probe_decode (
                ds_figure_probe_pixel (probe, picker.x0[panel] + picker.sx[panel] * c[0],
                                       picker.y0[panel] + picker.sy[panel] * c[1]),
                &kind, &cls)
            && kind == DS_PROBE_CLASS && cls == labels[point] % FIG_N_CLASS_COLORS)
          right++;
      }
  g_test_message ("%d of %d picked dots confirmed by the coded figure", right, hits);
  g_assert_cmpint (hits, >, 20);
  g_assert_cmpint (right, >=, hits * 6 / 10);
}

static void
check_activations (DsWindow *window)
{
  GtkWidget *page = show_page (window, "activations");
  DsFigureView *cka = find_view (page, "Linear CKA between layers");
  DsFigureView *pair = find_view (page, "A pair of layers");
  const FigHeatmapData *matrix = ds_figure_view_get_data (cka);
  const FigPcaData *pair_data;

  g_assert_cmpint (matrix->n_rows, >=, 3); /* conv, pool, fc, logits of the teacher */
  for (int i = 0; i < matrix->n_rows * matrix->n_cols; i++)
    g_assert_true (matrix->values[i] >= -1e-6f && matrix->values[i] <= 1.0f + 1e-6f);
  screenshot (window, page, "activations");
  export_all (page, "activations");
  check_pca_picker (find_view (page, "PCA of the last hidden layers"));

  /* Another pair of layers: the pair figure follows. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (page, "_Row layer")), 0);
  g_assert_true (wait_for (page_ready, page, 120));
  pair_data = ds_figure_view_get_data (pair);
  g_assert_cmpstr (pair_data->panels[0].layer, ==, matrix->row_names[0]);
  check_pca_picker (pair);

  /* Only one layer of the teacher in the activation maps. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (find_row (page, "_Teacher layers")), 1);
  spin (0.05);
  {
    const FigActivationsData *acts = ds_figure_view_get_data (find_view (page, "Activation maps"));
    g_assert_cmpint (acts->models[KD_TEACHER].n_layers, ==, 1);
    g_assert_cmpstr (acts->models[KD_TEACHER].layers[0].name, ==, matrix->row_names[0]);
  }
}

static gboolean
match_label_text (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

static gboolean
match_button_label (GtkWidget *widget, gconstpointer label)
{
  return (GTK_IS_BUTTON (widget)
          && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
         || (GTK_IS_CHECK_BUTTON (widget)
             && g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)), label) == 0);
}

static void
check_metrics (DsWindow *window, DsExperiment *exp)
{
  GtkWidget *page = show_page (window, "metrics");
  KdSnapshot *snap = ds_experiment_get_snapshot (exp);

  g_assert_true (snap->have_results);
  /* The trainer's own test accuracy, recomputed from the snapshot's weights by the page. */
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      g_autofree char *accuracy = ds_format_percent (snap->results.accuracy[m]);
      g_assert_nonnull (find_widget (page, match_label_text, accuracy));
    }
  screenshot (window, page, "metrics");
  export_all (page, "metrics");

  /* The distilled student's confusion matrix as shares of each true class. */
  {
    DsFigureView *view = find_view (page, "Confusion matrix");
    const FigHeatmapData *confusion;

    gtk_toggle_button_set_active (
        GTK_TOGGLE_BUTTON (find_widget (page, match_button_label, "Distilled student")), TRUE);
    gtk_check_button_set_active (
        GTK_CHECK_BUTTON (find_widget (page, match_button_label, "Show row shares")), TRUE);
    confusion = ds_figure_view_get_data (view);
    g_assert_nonnull (strstr (confusion->title, "Distilled student"));
    for (int row = 0; row < confusion->n_rows; row++)
      {
        double sum = 0.0;

        for (int col = 0; col < confusion->n_cols; col++)
          sum += confusion->values[row * confusion->n_cols + col];
        g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-5);
      }
  }
}

static void
test_images (void)
{
  DsWindow *window = new_window (app, 1280, 2200);
  DsExperiment *exp = train (window, "synthetic-digits", "conv4-pool-fc24", "fc12", 1);

  check_saliency (window, exp);
  check_activations (window);
  check_metrics (window, exp);
  close_window (window);
}

static gboolean
match_visible_view_title (GtkWidget *widget, gconstpointer title)
{
  return match_view_title (widget, title) && gtk_widget_get_mapped (widget);
}

static void
test_two_d (void)
{
  DsWindow *window = new_window (app, 1280, 1400);
  DsExperiment *exp = train (window, "spirals", "fc32-fc32", "fc8", 6);
  GtkWidget *page = show_page (window, "saliency");

  /* Decision boundaries instead of saliency maps. */
  g_assert_nonnull (find_widget (page, match_visible_view_title, "Decision boundaries"));
  g_assert_null (find_widget (page, match_visible_view_title, "Saliency maps"));
  screenshot (window, page, "boundary");
  export_all (page, "boundary");
  page = show_page (window, "activations");
  screenshot (window, page, "activations-2d");
  g_assert_nonnull (exp);
  close_window (window);
}

static gboolean
has_snapshot (gpointer exp)
{
  KdSnapshot *snap = ds_experiment_get_snapshot (exp);

  return snap != NULL && snap->progress.step > 20;
}

static gboolean
any_busy (gpointer page)
{
  return find_widget (page, match_busy_spinner, NULL) != NULL;
}

/* Analyses keep up with a live run, and closing the window mid-analysis is clean. */
static void
test_live_and_close (void)
{
  DsWindow *window = new_window (app, 1100, 760);
  DsExperiment *exp = ds_window_get_experiment (window);
  KdTrainConfig cfg = *ds_experiment_get_config (exp);
  GtkWidget *page;

  ds_experiment_set_data_spec (exp, "synthetic-digits", 2000, 500);
  g_strlcpy (cfg.teacher_arch, "fc64", sizeof cfg.teacher_arch);
  g_strlcpy (cfg.student_arch, "fc16", sizeof cfg.student_arch);
  cfg.epochs = cfg.teacher_epochs = 40;
  cfg.batch = 32;
  cfg.threads = 1;
  ds_experiment_set_config (exp, &cfg);
  g_assert_true (wait_for (data_loaded, exp, 60));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  g_assert_true (wait_for (has_snapshot, exp, 60));

  page = ds_window_get_page (window, "metrics");
  ds_window_show_page (window, "metrics");
  /* Results arrive while the weights keep changing. */
  g_assert_true (wait_for (page_ready, page, 120));
  g_assert_cmpint (ds_experiment_get_state (exp), ==, DS_RUN_STATE_RUNNING);

  /* A long analysis in flight when the window goes. */
  page = ds_window_get_page (window, "saliency");
  ds_window_show_page (window, "saliency");
  gtk_spin_button_set_value (
      GTK_SPIN_BUTTON (find_widget (find_row (page, "Test sam_ples"), match_spin, NULL)), 1000);
  g_assert_true (wait_for (any_busy, page, 10));
  close_window (window);
}

/* Every page in another language, for looking at the translations (DS_TEST_LOCALEDIR holds
 * the compiled catalogues; run with DS_SCREENSHOT_DIR and a LANGUAGE). */
static void
test_translated (void)
{
  DsWindow *window = new_window (app, 1280, 2200);
  DsExperiment *exp = train (window, "synthetic-digits", "conv4-pool-fc24", "fc12", 1);

  for (guint i = 0; i < G_N_ELEMENTS (my_pages); i++)
    {
      g_autofree char *name = g_strdup_printf ("translated-%s", my_pages[i]);

      screenshot (window, show_page (window, my_pages[i]), name);
    }
  g_assert_nonnull (exp);
  close_window (window);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  adw_init ();

  tmp_dir = g_dir_make_tmp ("distillscope-pages-XXXXXX", &error);
  g_assert_no_error (error);

  app = ds_application_new (G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_hold (G_APPLICATION (app));

  if (g_getenv ("DS_TEST_LOCALEDIR") != NULL)
    {
      setlocale (LC_ALL, "");
      bindtextdomain (GETTEXT_PACKAGE, g_getenv ("DS_TEST_LOCALEDIR"));
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
      g_test_add_func ("/pages/translated", test_translated);
    }
  else
    {
      g_test_add_func ("/pages/empty", test_empty);
      g_test_add_func ("/pages/images", test_images);
      g_test_add_func ("/pages/two-d", test_two_d);
      g_test_add_func ("/pages/live-and-close", test_live_and_close);
    }

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  g_free (tmp_dir);
  return status;
}
