/* test-app-pages.c — the Samples, Soft labels and Temperature pages and DsFigureView, driven
 * as a user would on a tiny trained session: real windows under Xvfb (test-app.sh), real
 * training, real analysis threads, real files.
 *
 * GTest makes every GLib/GTK warning and critical fatal, so any one fails the run.
 */
#include "config.h"

#include <adwaita.h>
#include <math.h>
#include <string.h>

#include "ds-application.h"
#include "ds-experiment.h"
#include "ds-figure-view.h"
#include "ds-page.h"
#include "ds-sample-list.h"
#include "ds-sample-row.h"
#include "ds-samples-page.h"
#include "ds-soft-labels-page.h"
#include "ds-temperature-page.h"
#include "ds-test-outputs.h"
#include "ds-test-gui.h"
#include "ds-window.h"
#include "fig_softlabels.h"
#include "fig_temperature.h"
#include "kd_loader.h"
#include "kd_softlabels.h"

static DsApplication *app;
static char *tmp_dir;

/* ---- helpers ------------------------------------------------------------------------------ */

static GtkWidget *
find_type (GtkWidget *root, GType type)
{
  GtkWidget *found = find_widget (root, match_type, GSIZE_TO_POINTER (type));

  g_assert_nonnull (found);
  return found;
}

static gboolean
finished (gpointer experiment)
{
  return ds_experiment_get_state (experiment) == DS_RUN_STATE_FINISHED;
}

/* Trains a tiny experiment on spec (600 training samples) to the end; the students learn from
 * the first transfer_limit samples when it is above 0. */
static DsExperiment *
train_tiny (DsWindow *window, const char *spec, int transfer_limit)
{
  DsExperiment *exp = ds_window_get_experiment (window);
  KdTrainConfig cfg = *ds_experiment_get_config (exp);
  SnapshotWait replaced = { exp, NULL };

  g_assert_true (wait_for (data_loaded, exp, 60));
  ds_experiment_set_data_spec (exp, spec, 600, 240);
  g_strlcpy (cfg.teacher_arch, "fc32", sizeof cfg.teacher_arch);
  g_strlcpy (cfg.student_arch, "fc8", sizeof cfg.student_arch);
  cfg.epochs = cfg.teacher_epochs = 2;
  cfg.batch = 32;
  cfg.threads = 1;
  cfg.T0 = cfg.T1 = 4.0f;
  cfg.mode = KD_MODE_OFFLINE;
  cfg.transfer_limit = transfer_limit;
  ds_experiment_set_config (exp, &cfg);
  g_assert_true (wait_for (data_loaded, exp, 60));
  replaced.old = ds_experiment_get_snapshot (exp);
  if (replaced.old != NULL)
    kd_snapshot_ref (replaced.old);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.start", NULL));
  /* A new run over results not saved asks first. */
  if (ds_experiment_get_unsaved (exp))
    {
      g_assert_true (wait_for (message_dialog_shown, NULL, 10));
      respond (visible_message_dialog (), "discard");
    }
  g_assert_true (wait_for (snapshot_replaced, &replaced, 60));
  g_clear_pointer (&replaced.old, kd_snapshot_unref);
  g_assert_true (wait_for (finished, exp, 120));
  spin (0.2);
  return exp;
}

static gboolean
outputs_current (gpointer experiment)
{
  DsTestOutputs *outputs = ds_test_outputs_get (experiment);

  return ds_test_outputs_is_current (outputs) && !ds_test_outputs_get_busy (outputs);
}

static GtkWidget *
show_page (DsWindow *window, const char *name)
{
  GtkWidget *page = ds_window_get_page (window, name);

  g_assert_true (DS_IS_PAGE (page));
  ds_window_show_page (window, name);
  spin (0.1);
  g_assert_true (wait_for (outputs_current, ds_window_get_experiment (window), 60));
  spin (0.3);
  return page;
}

static const char *
stack_child (GtkWidget *page)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (gtk_widget_get_first_child (page)));
}

/* Exports a page's figure and checks the file. */
static void
check_export (GtkWidget *page, const char *name, DsExportFormat format, const char *magic)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (ds_page_can_export (DS_PAGE (page)));
  g_assert_true (ds_page_export (DS_PAGE (page), file, format, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_cmpuint (len, >, 200);
  g_assert_cmpmem (contents, strlen (magic), magic, strlen (magic));
}

static guint32
png_u32 (const char *p)
{
  return ((guint32)(guchar)p[0] << 24) | ((guint32)(guchar)p[1] << 16)
         | ((guint32)(guchar)p[2] << 8) | (guint32)(guchar)p[3];
}

/* ---- tests ----------------------------------------------------------------------------------- */

static void
test_empty_states (void)
{
  DsWindow *window = new_window (app, 1280, 800);
  const char *names[] = { "samples", "soft-labels", "temperature" };

  g_assert_true (wait_for (data_loaded, ds_window_get_experiment (window), 60));
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GtkWidget *page = ds_window_get_page (window, names[i]);
      GtkWidget *status;

      ds_window_show_page (window, names[i]);
      spin (0.1);
      /* Nothing trained: an explanation with a way forward, not an empty view. */
      g_assert_cmpstr (stack_child (page), ==, "status");
      status = find_type (page, ADW_TYPE_STATUS_PAGE);
      g_assert_cmpstr (adw_status_page_get_title (ADW_STATUS_PAGE (status)), ==,
                       "Nothing Trained Yet");
      g_assert_false (ds_page_can_export (DS_PAGE (page)));
    }
  close_window (window);
}

static int
item_index (GtkSelectionModel *model, guint position)
{
  g_autoptr (DsSampleItem) item = g_list_model_get_item (G_LIST_MODEL (model), position);

  g_assert_nonnull (item);
  return ds_sample_item_get_index (item);
}

static gboolean
match_detail_title (GtkWidget *widget, gconstpointer data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "title-4");
}

/* The title of the Samples page's detail pane: "Sample 12", or "No Sample". */
static const char *
detail_title (GtkWidget *page)
{
  GtkWidget *label = find_widget (page, match_detail_title, NULL);

  g_assert_nonnull (label);
  g_assert_true (gtk_widget_get_mapped (label));
  return gtk_label_get_text (GTK_LABEL (label));
}

/* A filter that leaves the selected sample out shows its own first sample; an empty one none,
 * and says why. */
static void
check_samples_detail (DsSamplesPage *samples, DsExperiment *exp, GtkSelectionModel *model)
{
  const DsTestResult *r = ds_test_outputs_get_result (ds_test_outputs_get (exp));
  g_autofree gboolean *uncertain = g_new0 (gboolean, r->n);
  g_autofree char *title = NULL;
  int outside = -1;

  ds_samples_page_set_filter (samples, DS_SAMPLE_FILTER_UNCERTAIN);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (model)); i++)
    uncertain[item_index (model, i)] = TRUE;
  for (int i = 0; i < r->n && outside < 0; i++)
    if (!uncertain[i])
      outside = i;
  g_assert_cmpint (outside, >=, 0);
  ds_samples_page_set_filter (samples, DS_SAMPLE_FILTER_ALL);
  ds_experiment_set_selected_sample (exp, outside);
  title = g_strdup_printf ("Sample %d", outside);
  g_assert_cmpstr (detail_title (GTK_WIDGET (samples)), ==, title);

  ds_samples_page_set_filter (samples, DS_SAMPLE_FILTER_UNCERTAIN);
  g_assert_cmpint (ds_experiment_get_selected_sample (exp), ==, item_index (model, 0));
  g_clear_pointer (&title, g_free);
  title = g_strdup_printf ("Sample %d", item_index (model, 0));
  g_assert_cmpstr (detail_title (GTK_WIDGET (samples)), ==, title);
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (model)), ==, 0);

  /* A sample the filter shows stays selected. */
  ds_experiment_set_selected_sample (exp, item_index (model, 5));
  ds_samples_page_set_filter (samples, DS_SAMPLE_FILTER_ALL);
  ds_samples_page_set_filter (samples, DS_SAMPLE_FILTER_UNCERTAIN);
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (model)), ==, 5);

  for (DsSampleFilter f = 0; f < DS_N_SAMPLE_FILTERS; f++)
    if (ds_samples_page_get_count (samples, f) == 0)
      {
        int selected = ds_experiment_get_selected_sample (exp);

        ds_samples_page_set_filter (samples, f);
        g_assert_cmpstr (detail_title (GTK_WIDGET (samples)), ==, "No Sample");
        g_assert_nonnull (find_widget (GTK_WIDGET (samples), match_label_prefix, "No test sample"));
        /* The other pages keep the sample. */
        g_assert_cmpint (ds_experiment_get_selected_sample (exp), ==, selected);
      }
  ds_samples_page_set_filter (samples, DS_SAMPLE_FILTER_ALL);
}

static void
check_samples (DsWindow *window, DsExperiment *exp)
{
  GtkWidget *page = show_page (window, "samples");
  DsSamplesPage *samples = DS_SAMPLES_PAGE (page);
  const DsTestResult *r = ds_test_outputs_get_result (ds_test_outputs_get (exp));
  GtkGridView *grid = GTK_GRID_VIEW (find_type (page, GTK_TYPE_GRID_VIEW));
  GtkSelectionModel *model = gtk_grid_view_get_model (grid);
  int disagree = 0, rescued = 0;
  guint n;

  g_assert_cmpstr (stack_child (page), ==, "content");
  g_assert_cmpint (r->n, ==, 240);
  g_assert_cmpint (ds_samples_page_get_count (samples, DS_SAMPLE_FILTER_ALL), ==, r->n);
  for (int i = 0; i < r->n; i++)
    {
      int y = r->data->test->labels[i];
      disagree += r->predicted[KD_TEACHER][i] != r->predicted[KD_STUDENT][i];
      rescued += r->predicted[KD_STUDENT][i] == y && r->predicted[KD_BASELINE][i] != y;
    }
  g_assert_cmpint (ds_samples_page_get_count (samples, DS_SAMPLE_FILTER_DISAGREE), ==, disagree);
  g_assert_cmpint (ds_samples_page_get_count (samples, DS_SAMPLE_FILTER_DISTILLED_RIGHT), ==,
                   rescued);
  g_assert_cmpint (ds_samples_page_get_count (samples, DS_SAMPLE_FILTER_UNCERTAIN), ==, 100);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, r->n);

  /* The most uncertain, highest teacher entropy first. */
  ds_samples_page_set_filter (samples, DS_SAMPLE_FILTER_UNCERTAIN);
  spin (0.2);
  n = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (n, ==, 100);
  for (guint i = 1; i < n; i++)
    g_assert_cmpfloat (r->teacher_entropy[item_index (model, i - 1)], >=,
                       r->teacher_entropy[item_index (model, i)]);

  check_samples_detail (samples, exp, model);
  ds_samples_page_set_filter (samples, DS_SAMPLE_FILTER_UNCERTAIN);

  /* Selecting a thumbnail selects the sample for every page. */
  g_assert_true (gtk_selection_model_select_item (model, 3, TRUE));
  spin (0.1);
  g_assert_cmpint (ds_experiment_get_selected_sample (exp), ==, item_index (model, 3));

  /* And a sample picked elsewhere is selected here. */
  ds_samples_page_set_filter (samples, DS_SAMPLE_FILTER_ALL);
  spin (0.2);
  ds_experiment_set_selected_sample (exp, 7);
  spin (0.1);
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (model)), ==, 7);
  /* A grid of thumbnails is not a figure. */
  g_assert_false (ds_page_can_export (DS_PAGE (page)));
}

static double
sum (const float *p, int n)
{
  double s = 0.0;

  for (int i = 0; i < n; i++)
    s += p[i];
  return s;
}

/* The text of the similarity matrices' title. */
static const char *
similarity_title (GtkWidget *page)
{
  GtkWidget *label = find_widget (page, match_label_prefix, "Class Similarity at T = ");

  return label ? gtk_label_get_text (GTK_LABEL (label)) : "";
}

typedef struct
{
  GtkWidget *page;
  const char *title;
} TitleWait;

static gboolean
similarity_title_is (gpointer data)
{
  TitleWait *w = data;

  return g_strcmp0 (similarity_title (w->page), w->title) == 0;
}

/* The teacher's heat map shows kd_class_similarity at T (the diagonal may be hidden). */
static void
check_similarity_values (GtkWidget *heat_view, const DsTestResult *r, float T)
{
  const FigHeatmapData *heat = ds_figure_view_get_data (DS_FIGURE_VIEW (heat_view));
  g_autofree double *expected = g_new0 (double, (gsize)r->K * r->K);
  int shown = 0;

  g_assert_nonnull (heat);
  g_assert_cmpint (heat->n_rows, ==, r->K);
  g_assert_cmpint (kd_class_similarity (r->logits[KD_TEACHER], r->data->test->labels, r->n, r->K, T,
                                        expected, NULL),
                   ==, KD_OK);
  for (int i = 0; i < r->K * r->K; i++)
    if (isfinite (heat->values[i]))
      {
        g_assert_cmpfloat_with_epsilon (heat->values[i], expected[i], 1e-6);
        shown++;
      }
  g_assert_cmpint (shown, >=, r->K * (r->K - 1));
}

/* The page's temperature, and what the slider tells assistive technology: T itself, with its
 * text, between 0.5 and 50. */
static void
check_temperature_slider (GtkWidget *page, GtkRange *scale, double T, const char *text)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (scale);
  g_autofree char *now = NULL;
  g_autofree char *value_text = NULL;
  g_autofree char *min = NULL;
  g_autofree char *max = NULL;

  g_assert_cmpfloat_with_epsilon (ds_soft_labels_page_get_temperature (DS_SOFT_LABELS_PAGE (page)),
                                  T, 1e-9);
  now = gtk_test_accessible_check_property (accessible, GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, T);
  g_assert_null (now);
  value_text
      = gtk_test_accessible_check_property (accessible, GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text);
  g_assert_null (value_text);
  min = gtk_test_accessible_check_property (accessible, GTK_ACCESSIBLE_PROPERTY_VALUE_MIN, 0.5);
  g_assert_null (min);
  max = gtk_test_accessible_check_property (accessible, GTK_ACCESSIBLE_PROPERTY_VALUE_MAX, 50.0);
  g_assert_null (max);
}

typedef struct
{
  GtkWidget *widget;
  GtkWidget *scrolled;
} SightWait;

static gboolean
in_sight (gpointer data)
{
  SightWait *w = data;
  graphene_rect_t b;

  g_assert_true (gtk_widget_compute_bounds (w->widget, w->scrolled, &b));
  return b.origin.y >= 0 && b.origin.y + b.size.height <= gtk_widget_get_height (w->scrolled);
}

static gboolean
out_of_sight (gpointer data)
{
  return !in_sight (data);
}

static gboolean
popover_shown (gpointer button)
{
  GtkPopover *popover = gtk_menu_button_get_popover (button);

  return popover != NULL && gtk_widget_get_mapped (GTK_WIDGET (popover));
}

static gboolean
popover_hidden (gpointer button)
{
  return !popover_shown (button);
}

/* Export on a figure scrolled out of sight, as the keyboard or a screen reader reach it: the
 * figure scrolls into sight and the options pop up by its button (GDK's criticals of a popover
 * off the window are fatal here). */
static void
check_export_out_of_sight (GtkWidget *view)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (view, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *button = find_type (view, GTK_TYPE_MENU_BUTTON);
  SightWait sight = { button, scrolled };

  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)),
                            0.0);
  g_assert_true (wait_for (out_of_sight, &sight, 10));
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  g_assert_true (wait_for (popover_shown, button, 10));
  g_assert_true (in_sight (&sight));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  g_assert_true (wait_for (popover_hidden, button, 10));
  /* And again, now in sight. */
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  g_assert_true (popover_shown (button));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  /* No focus left behind: a page exports the figure the focus was in last. */
  gtk_root_set_focus (gtk_widget_get_root (view), NULL);
}

static void
check_soft_labels (DsWindow *window, DsExperiment *exp)
{
  GtkWidget *page = show_page (window, "soft-labels");
  GtkRange *scale = GTK_RANGE (find_type (page, GTK_TYPE_SCALE));
  GtkWidget *views[4];
  const FigSoftLabelsData *data;
  double entropy_t1, entropy_t8;
  int n_views = 0;

  g_assert_cmpstr (stack_child (page), ==, "content");
  for (GtkWidget *w = find_type (page, DS_TYPE_FIGURE_VIEW); w != NULL && n_views < 4;)
    {
      views[n_views++] = w;
      /* The next figure view in the tree after w. */
      GtkWidget *next = NULL;
      for (GtkWidget *up = w; up != NULL && next == NULL; up = gtk_widget_get_parent (up))
        for (GtkWidget *sib = gtk_widget_get_next_sibling (up); sib != NULL && next == NULL;
             sib = gtk_widget_get_next_sibling (sib))
          next = find_widget (sib, match_type, GSIZE_TO_POINTER (DS_TYPE_FIGURE_VIEW));
      w = next;
    }
  g_assert_cmpint (n_views, ==, 4);

  /* A value set on the slider, as a screen reader does, is T; the slider's own moves are on a
   * log axis. */
  gtk_range_set_value (scale, 1.0);
  spin (0.1);
  check_temperature_slider (page, scale, 1.0, "T = 1");
  g_assert_cmpfloat_with_epsilon (ds_soft_labels_page_get_temperature (DS_SOFT_LABELS_PAGE (page)),
                                  1.0, 1e-9);
  data = ds_figure_view_get_data (DS_FIGURE_VIEW (views[0]));
  g_assert_nonnull (data);
  g_assert_cmpint (data->true_class, ==,
                   ds_test_outputs_get_result (ds_test_outputs_get (exp))
                       ->data->test->labels[ds_experiment_get_selected_sample (exp)]);
  entropy_t1 = data->entropy[KD_TEACHER];
  /* The matrices follow from a worker thread, titled with the temperature they are at. */
  g_assert_true (
      wait_for (similarity_title_is, &(TitleWait){ page, "Class Similarity at T = 1.00" }, 30));
  check_similarity_values (views[1], ds_test_outputs_get_result (ds_test_outputs_get (exp)), 1.0f);
  gtk_range_set_value (scale, 8.0);
  check_temperature_slider (page, scale, 8.0, "T = 8");
  /* The bars move at once; the matrices of T = 1 never claim the new temperature. */
  data = ds_figure_view_get_data (DS_FIGURE_VIEW (views[0]));
  g_assert_cmpfloat (data->temperature, ==, 8.0);
  g_assert_cmpstr (similarity_title (page), ==, "Class Similarity at T = 1.00");
  g_assert_true (
      wait_for (similarity_title_is, &(TitleWait){ page, "Class Similarity at T = 8.00" }, 30));
  check_similarity_values (views[1], ds_test_outputs_get_result (ds_test_outputs_get (exp)), 8.0f);
  spin (0.1);
  g_assert_cmpfloat_with_epsilon (ds_soft_labels_page_get_temperature (DS_SOFT_LABELS_PAGE (page)),
                                  8.0, 1e-9);
  data = ds_figure_view_get_data (DS_FIGURE_VIEW (views[0]));
  g_assert_cmpfloat (data->temperature, ==, 8.0);
  g_assert_cmpfloat_with_epsilon (sum (data->probs[KD_STUDENT], data->n_classes), 1.0, 1e-4);
  entropy_t8 = data->entropy[KD_TEACHER];
  /* Softer at a higher temperature. */
  g_assert_cmpfloat (entropy_t8, >, entropy_t1);

  /* The whole range is in reach of a screen reader (log2 T once made 20 mean 50); a key press
   * multiplies T by 2^(1/20), a page by 2^(1/2), up to 50. */
  gtk_range_set_value (scale, 20.0);
  check_temperature_slider (page, scale, 20.0, "T = 20");
  g_signal_emit_by_name (scale, "move-slider", GTK_SCROLL_STEP_RIGHT);
  check_temperature_slider (page, scale, 20.71, "T = 20.71");
  for (int i = 0; i < 6; i++)
    g_signal_emit_by_name (scale, "move-slider", GTK_SCROLL_PAGE_RIGHT);
  check_temperature_slider (page, scale, 50.0, "T = 50");
  g_signal_emit_by_name (scale, "move-slider", GTK_SCROLL_PAGE_LEFT);
  check_temperature_slider (page, scale, 35.36, "T = 35.36");
  gtk_range_set_value (scale, 8.0);
  check_temperature_slider (page, scale, 8.0, "T = 8");

  /* Hover: a class of the bars, a cell of a similarity matrix. */
  {
    int w = gtk_widget_get_width (views[0]), h = gtk_widget_get_height (views[0]);
    int hw = gtk_widget_get_width (views[1]), hh = gtk_widget_get_height (views[1]);
    g_autofree char *bar = NULL;
    g_autofree char *cell = NULL;

    g_assert_cmpint (w, >, 100);
    for (int x = w / 4; bar == NULL && x < w; x += 4)
      bar = ds_figure_view_get_hover_text (DS_FIGURE_VIEW (views[0]), x, h * 0.6);
    g_assert_nonnull (bar);
    g_assert_nonnull (strstr (bar, "Teacher:"));
    for (int y = hh / 3; cell == NULL && y < hh; y += 3)
      for (int x = hw / 5; cell == NULL && x < hw; x += 3)
        cell = ds_figure_view_get_hover_text (DS_FIGURE_VIEW (views[1]), x, y);
    g_assert_nonnull (cell);
    g_assert_nonnull (strstr (cell, "seen as"));
    g_assert_nonnull (strstr (cell, "T = 8.00"));
    g_assert_null (ds_figure_view_get_hover_text (DS_FIGURE_VIEW (views[1]), 1, 1));
  }

  /* Copy puts the figure on the clipboard as an image. */
  g_assert_true (gtk_widget_activate_action (views[0], "figure.copy", NULL));
  spin (0.1);
  g_assert_true (gdk_content_formats_contain_gtype (
      gdk_clipboard_get_formats (gtk_widget_get_clipboard (views[0])), GDK_TYPE_TEXTURE));

  /* Export: the page's figure through the window's action, and a chosen size. */
  check_export (page, "soft-labels.png", DS_EXPORT_PNG, "\x89PNG");
  check_export (page, "soft-labels.csv", DS_EXPORT_CSV, "class,");
  {
    DsFigureExportOptions opts = { 800, 500, 192.0, FIG_THEME_PRESENTATION };
    g_autoptr (GError) error = NULL;
    g_autofree char *path = g_build_filename (tmp_dir, "similarity.png", NULL);
    g_autoptr (GFile) file = g_file_new_for_path (path);
    g_autofree char *png = NULL;
    gsize len;

    g_assert_true (
        ds_figure_view_export (DS_FIGURE_VIEW (views[1]), file, DS_EXPORT_PNG, &opts, &error));
    g_assert_no_error (error);
    g_assert_true (g_file_get_contents (path, &png, &len, NULL));
    g_assert_cmpuint (len, >, 33);
    g_assert_cmpmem (png + 12, 4, "IHDR", 4);
    g_assert_cmpuint (png_u32 (png + 16), ==, 800);
    g_assert_cmpuint (png_u32 (png + 20), ==, 500);
  }

  /* The baseline's matrix is below the others, out of sight from the top of the page. */
  check_export_out_of_sight (views[3]);
}

static gboolean
not_sweeping (gpointer page)
{
  return !ds_temperature_page_get_sweeping (page);
}

static void
set_row_text (GtkWidget *page, const char *title, const char *text)
{
  GtkWidget *row = find_widget (page, match_row_title, title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
check_temperature (DsWindow *window, DsExperiment *exp)
{
  GtkWidget *page = show_page (window, "temperature");
  DsTemperaturePage *temperature = DS_TEMPERATURE_PAGE (page);
  DsFigureView *sample_view = DS_FIGURE_VIEW (find_type (page, DS_TYPE_FIGURE_VIEW));
  const FigTemperatureData *data = ds_figure_view_get_data (sample_view);
  g_autoptr (GError) error = NULL;
  const KdSweepResult *res;
  g_autofree char *hover = NULL;

  g_assert_cmpstr (stack_child (page), ==, "content");
  g_assert_nonnull (data);
  g_assert_cmpint (data->n_temperatures, ==, KD_SWEEP_N_T);
  g_assert_cmpfloat_with_epsilon (data->current_temperature, 4.0, 1e-6);
  /* Hover over the plot tells the temperature under the pointer. */
  for (int x = gtk_widget_get_width (GTK_WIDGET (sample_view)) / 3; hover == NULL; x += 5)
    hover = ds_figure_view_get_hover_text (sample_view, x,
                                           gtk_widget_get_height (GTK_WIDGET (sample_view)) / 2);
  g_assert_true (g_str_has_prefix (hover, "T = "));

  /* A bad grid is refused with the reason, and every bad row is marked at once. */
  set_row_text (page, "_Temperatures", "1, x, -2");
  set_row_text (page, "_Alphas (weight of the soft loss)", "1.5");
  g_assert_false (ds_temperature_page_run_sweep (temperature, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "Temperatures: “x” is not a number\n"));
  g_assert_nonnull (strstr (error->message, "Alphas: “1.5” must lie between 0 and 1"));
  g_clear_error (&error);
  g_assert_true (gtk_widget_has_css_class (find_row (page, "_Temperatures"), "error"));
  g_assert_true (
      gtk_widget_has_css_class (find_row (page, "_Alphas (weight of the soft loss)"), "error"));
  g_assert_false (gtk_widget_has_css_class (find_row (page, "_Seeds"), "error"));
  /* Screen readers hear it too. */
  g_assert_null (gtk_test_accessible_check_state (GTK_ACCESSIBLE (find_row (page, "_Temperatures")),
                                                  GTK_ACCESSIBLE_STATE_INVALID,
                                                  GTK_ACCESSIBLE_INVALID_TRUE));
  g_assert_null (gtk_test_accessible_check_state (GTK_ACCESSIBLE (find_row (page, "_Seeds")),
                                                  GTK_ACCESSIBLE_STATE_INVALID,
                                                  GTK_ACCESSIBLE_INVALID_FALSE));
  set_row_text (page, "_Temperatures", "1, -2");
  g_assert_false (ds_temperature_page_run_sweep (temperature, &error));
  g_assert_nonnull (strstr (error->message, "“-2” must be greater than 0"));
  g_clear_error (&error);

  /* A tiny sweep, then a cancelled one. */
  set_row_text (page, "_Temperatures", "1, 4");
  set_row_text (page, "_Alphas (weight of the soft loss)", "0.9");
  set_row_text (page, "_Seeds", "1, 2");
  gtk_spin_button_set_value (
      GTK_SPIN_BUTTON (
          find_type (find_widget (page, match_row_title, "_Epochs"), GTK_TYPE_SPIN_BUTTON)),
      1);
  g_assert_true (ds_temperature_page_run_sweep (temperature, &error));
  g_assert_no_error (error);
  g_assert_true (ds_temperature_page_get_sweeping (temperature));
  g_assert_true (wait_for (not_sweeping, page, 300));
  res = ds_temperature_page_get_sweep_result (temperature);
  g_assert_nonnull (res);
  g_assert_cmpint (res->n_runs, ==, 4);
  g_assert_cmpint (res->n_done, ==, 4);
  spin (0.3);
  check_export (page, "sweep.png", DS_EXPORT_PNG, "\x89PNG");
  check_export (page, "sweep.svg", DS_EXPORT_SVG, "<?xml");
  check_export (page, "sweep.pdf", DS_EXPORT_PDF, "%PDF");
  check_export (page, "sweep.csv", DS_EXPORT_CSV, "panel");
  {
    /* Accuracy in percent, as on every other page: the first row is the baseline student's
     * mean test accuracy at the first temperature. */
    g_autofree char *path = g_build_filename (tmp_dir, "sweep.csv", NULL);
    g_autofree char *csv = NULL;
    g_assert_true (g_file_get_contents (path, &csv, NULL, NULL));
    g_auto (GStrv) lines = g_strsplit (csv, "\n", 3);
    g_auto (GStrv) fields = g_strsplit (lines[1], ",", -1);
    g_assert_cmpuint (g_strv_length (fields), ==, 5);
    g_assert_cmpfloat_with_epsilon (g_ascii_strtod (fields[3], NULL),
                                    100.0 * res->points[0].baseline[KD_SWEEP_ACCURACY].mean, 1e-4);
  }

  set_row_text (page, "_Seeds", "1, 2, 3, 4, 5, 6, 7, 8");
  g_assert_true (ds_temperature_page_run_sweep (temperature, &error));
  spin (0.05);
  ds_temperature_page_cancel_sweep (temperature);
  g_assert_true (wait_for (not_sweeping, page, 120));
  res = ds_temperature_page_get_sweep_result (temperature);
  g_assert_nonnull (res);
  g_assert_true (res->cancelled);
}

/* What a poppler tool says about a PDF, or NULL when poppler-utils are not installed. */
static char *
run_pdf_tool (const char *tool, const char *path, int first, int last)
{
  g_autofree char *prog = g_find_program_in_path (tool);
  g_autofree char *f = g_strdup_printf ("%d", first);
  g_autofree char *l = g_strdup_printf ("%d", last);
  const char *argv[]
      = { prog, "-f", f, "-l", l, path, g_str_equal (tool, "pdftotext") ? "-" : NULL, NULL };
  g_autoptr (GError) error = NULL;
  char *out = NULL;
  int status;

  if (prog == NULL)
    return NULL;
  g_spawn_sync (NULL, (char **)argv, NULL, 0, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

/* Writes the report; returns its path, with its number of pages in *n_pages. */
static char *
export_report (DsWindow *window, const char *name, int *n_pages)
{
  char *path = g_build_filename (tmp_dir, name, NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autoptr (GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len = 0;

  g_assert_true (ds_window_export_report (window, file, n_pages, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_assert_true (len > 1000 && g_str_has_prefix (contents, "%PDF"));
  return path;
}

/* Export Report right after a run, before any other page was shown: the training curves. */
static void
check_report_after_run (DsWindow *window)
{
  int n_pages = 0;
  g_autofree char *path = export_report (window, "report-run.pdf", &n_pages);
  g_autofree char *text = NULL;

  g_assert_cmpint (n_pages, >=, 1);
  text = run_pdf_tool ("pdftotext", path, 1, 1);
  if (text != NULL)
    g_assert_nonnull (strstr (text, "Training — Training curves"));
}

typedef struct
{
  DsWindow *window;
  gboolean done, ok;
  int n_pages;
  GError *error;
} ReportResult;

static void
report_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ReportResult *r = user_data;

  r->ok = ds_window_export_report_finish (r->window, result, &r->n_pages, &r->error);
  r->done = TRUE;
}

static gboolean
report_done (gpointer data)
{
  return ((ReportResult *)data)->done;
}

/* Export Report as the menu does it: the pages nobody opened compute their figures first, and
 * every page's are in the report, though the window still shows the Training page. */
static void
check_report_every_page (DsWindow *window)
{
  g_autofree char *path = g_build_filename (tmp_dir, "report-all.pdf", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *text = NULL;
  ReportResult r = { window };
  static const char *const headings[] = { "Training — Training curves",
                                          "Soft Labels — Baseline student: class similarity",
                                          "Temperature — Soft labels against temperature",
                                          "Saliency — Saliency maps",
                                          "Activations — Linear CKA between layers",
                                          "Metrics — Reliability diagrams" };

  ds_window_show_page (window, "training");
  ds_window_export_report_async (window, file, report_done_cb, &r);
  g_assert_true (wait_for (report_done, &r, 300));
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_cmpint (r.n_pages, >=, 12);
  g_assert_true (gtk_widget_get_mapped (ds_window_get_page (window, "training")));
  g_assert_false (gtk_widget_get_mapped (ds_window_get_page (window, "saliency")));
  text = run_pdf_tool ("pdftotext", path, 1, r.n_pages);
  for (gsize i = 0; text != NULL && i < G_N_ELEMENTS (headings); i++)
    if (strstr (text, headings[i]) == NULL)
      g_error ("the report (%d pages) lacks “%s”:\n%s", r.n_pages, headings[i], text);
}

/* Export Report: every figure shown so far, a PDF page each in its figure's proportions,
 * headed with its page and figure; the training curves first. */
static void
check_report (DsWindow *window)
{
  int n_pages = 0;
  g_autofree char *path = export_report (window, "report.pdf", &n_pages);
  g_autofree char *text = NULL;
  g_autofree char *info = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GHashTable) sizes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_assert_cmpint (n_pages, >=, 6);
  text = run_pdf_tool ("pdftotext", path, 1, n_pages);
  if (text == NULL)
    return;
  g_assert_true (strstr (text, "Training — Training curves") < strstr (text, "Soft Labels — "));
  g_assert_nonnull (strstr (text, "Soft Labels — Distilled student: class similarity"));
  g_assert_nonnull (strstr (text, "Temperature — Soft labels against temperature"));
  info = run_pdf_tool ("pdfinfo", path, 1, n_pages);
  lines = g_strsplit (info, "\n", -1);
  for (char **l = lines; *l; l++)
    if (g_str_has_prefix (*l, "Page ") && strstr (*l, " size:"))
      g_hash_table_add (sizes, g_strdup (strstr (*l, " size:")));
  g_assert_cmpuint (g_hash_table_size (sizes), >=, 3);
}

static void
test_pages_on_images (void)
{
  DsWindow *window = new_window (app, 1280, 800);
  DsExperiment *exp = train_tiny (window, "synthetic-digits", 0);

  check_report_after_run (window);
  check_report_every_page (window);
  check_samples (window, exp);
  check_soft_labels (window, exp);
  check_temperature (window, exp);
  check_report (window);
  close_window (window);
}

/* 2-D points: thumbnails are scatter plots; everything else works the same. */
static void
test_pages_on_points (void)
{
  DsWindow *window = new_window (app, 1280, 800);
  DsExperiment *exp = train_tiny (window, "spirals", 0);
  GtkWidget *page = show_page (window, "samples");
  GtkWidget *picture = find_type (page, GTK_TYPE_PICTURE);

  g_assert_cmpstr (stack_child (page), ==, "content");
  g_assert_nonnull (gtk_picture_get_paintable (GTK_PICTURE (picture)));
  page = show_page (window, "soft-labels");
  check_export (page, "spirals-soft-labels.png", DS_EXPORT_PNG, "\x89PNG");
  page = show_page (window, "temperature");
  g_assert_nonnull (
      ds_figure_view_get_data (DS_FIGURE_VIEW (find_type (page, DS_TYPE_FIGURE_VIEW))));
  (void)exp;
  close_window (window);
}

typedef struct
{
  GtkWidget *root;
  const char *text;
} LabelSearch;

static gboolean
label_shown (gpointer data)
{
  const LabelSearch *search = data;
  return find_widget (search->root, match_label_containing, search->text) != NULL;
}

static gboolean
label_gone (gpointer data)
{
  return !label_shown (data);
}

/* Shows the named page and waits until a label below it contains text. */
static gboolean
wait_for_label (DsWindow *window, const char *page, const char *text)
{
  LabelSearch search = { ds_window_get_page (window, page), text };
  ds_window_show_page (window, page);
  return wait_for (label_shown, &search, 60);
}

/* Captions of the measures say when the students learned from fewer samples than the teacher,
 * and say nothing of it otherwise. */
static void
test_transfer_set_captions (void)
{
  static const char sentence[] = "the first 100 of the 600 training samples; the teacher from all";
  DsWindow *window = new_window (app, 1280, 800);

  train_tiny (window, "synthetic-digits", 100);
  g_assert_true (wait_for_label (window, "training", sentence));
  g_assert_true (wait_for_label (window, "metrics", sentence));

  /* Settings that cannot be trained: the note on the Training page says why Start is off. */
  {
    DsExperiment *exp = ds_window_get_experiment (window);
    KdTrainConfig cfg = *ds_experiment_get_config (exp);

    cfg.transfer_limit = 600;
    ds_experiment_set_config (exp, &cfg);
    g_assert_true (wait_for_label (window, "training",
                                   "cannot be trained. The students’ transfer set (600 samples)"));
    cfg.transfer_limit = 100;
    ds_experiment_set_config (exp, &cfg);
  }

  DsExperiment *exp = train_tiny (window, "synthetic-digits", 0);
  g_assert_cmpint (ds_experiment_get_run_config (exp)->transfer_limit, ==, 0);
  /* The metrics of the new run replace the caption; the Training page's follows the run. */
  g_assert_true (wait_for_label (window, "metrics", "On 240 test samples"));
  LabelSearch old = { ds_window_get_page (window, "metrics"), "transfer set" };
  g_assert_true (wait_for (label_gone, &old, 60));
  old.root = ds_window_get_page (window, "training");
  g_assert_false (label_shown (&old));
  close_window (window);
}

/* On blobs the distilled student fixes none of the baseline's errors: a filter that shows
 * nothing, beside the others. */
static void
test_samples_filters (void)
{
  DsWindow *window = new_window (app, 1280, 800);
  DsExperiment *exp = train_tiny (window, "blobs", 0);
  GtkWidget *page = show_page (window, "samples");
  GtkSelectionModel *model
      = gtk_grid_view_get_model (GTK_GRID_VIEW (find_type (page, GTK_TYPE_GRID_VIEW)));

  g_assert_cmpint (
      ds_samples_page_get_count (DS_SAMPLES_PAGE (page), DS_SAMPLE_FILTER_DISTILLED_RIGHT), ==, 0);
  check_samples_detail (DS_SAMPLES_PAGE (page), exp, model);
  close_window (window);
}

typedef struct
{
  GPtrArray *labels;
  const KdDataset *test;
} CaptionSearch;

/* The mapped labels of the Samples grid that show a class name. */
static void
collect_class_labels (GtkWidget *widget, CaptionSearch *search)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget))
    for (int k = 0; k < search->test->n_classes; k++)
      if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), ds_class_name (search->test, k)) == 0)
        g_ptr_array_add (search->labels, widget);
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c; c = gtk_widget_get_next_sibling (c))
    collect_class_labels (c, search);
}

/* Fashion-MNIST's longest class names ("T-shirt/top", "Ankle boot") fit under the thumbnails,
 * and a thumbnail's tooltip tells its sample and class. */
static void
test_thumbnail_captions (void)
{
  DsWindow *window;
  DsExperiment *exp;
  GtkWidget *page;
  g_autoptr (GPtrArray) labels = g_ptr_array_new ();
  CaptionSearch search = { labels, NULL };
  gboolean long_name = FALSE;

  if (!kd_loader_fashion_mnist_available ())
    {
      g_test_skip ("Fashion-MNIST is not installed");
      return;
    }
  window = new_window (app, 1280, 800);
  exp = train_tiny (window, "fashion-mnist", 0);
  page = show_page (window, "samples");
  search.test = ds_test_outputs_get_result (ds_test_outputs_get (exp))->data->test;
  collect_class_labels (find_type (page, GTK_TYPE_GRID_VIEW), &search);
  g_assert_cmpuint (labels->len, >=, 20);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkWidget *label = g_ptr_array_index (labels, i);
      const char *tooltip = gtk_widget_get_tooltip_text (gtk_widget_get_parent (label));

      g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));
      g_assert_nonnull (tooltip);
      g_assert_true (g_str_has_prefix (tooltip, "Sample "));
      g_assert_nonnull (strstr (tooltip, gtk_label_get_text (GTK_LABEL (label))));
      long_name |= g_str_equal (gtk_label_get_text (GTK_LABEL (label)), "T-shirt/top");
    }
  g_assert_true (long_name);
  close_window (window);
}

/* Closing the window while a sweep trains stops it cleanly. */
static void
test_close_mid_sweep (void)
{
  DsWindow *window = new_window (app, 1280, 800);
  GtkWidget *page;
  g_autoptr (GError) error = NULL;

  train_tiny (window, "blobs", 0);
  page = show_page (window, "temperature");
  set_row_text (page, "_Seeds", "1, 2, 3, 4, 5, 6, 7, 8, 9, 10");
  /* Long enough to be still training when the window goes, however fast the machine. */
  gtk_spin_button_set_value (
      GTK_SPIN_BUTTON (
          find_type (find_widget (page, match_row_title, "_Epochs"), GTK_TYPE_SPIN_BUTTON)),
      100);
  g_assert_true (ds_temperature_page_run_sweep (DS_TEMPERATURE_PAGE (page), &error));
  g_assert_no_error (error);
  spin (0.1);
  g_assert_true (ds_temperature_page_get_sweeping (DS_TEMPERATURE_PAGE (page)));
  close_window (window);
}

/* The window going while Export Report waits for the pages cancels it cleanly: no file, and no
 * page or analysis left holding the window or the experiment. Destroyed at once, so that no
 * analysis can finish before. */
static void
test_report_closed_window (void)
{
  DsWindow *window = new_window (app, 1280, 800);
  g_autofree char *path = g_build_filename (tmp_dir, "report-closed.pdf", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  gpointer exp, gone = window;
  ReportResult r = { window };

  exp = train_tiny (window, "synthetic-digits", 0);
  g_object_add_weak_pointer (G_OBJECT (exp), &exp);
  g_object_add_weak_pointer (G_OBJECT (window), &gone);
  ds_window_show_page (window, "training");
  /* The Saliency page starts its analyses at once; they run in threads. */
  ds_window_export_report_async (window, file, report_done_cb, &r);
  g_assert_true (ds_page_get_busy (DS_PAGE (ds_window_get_page (window, "saliency"))));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (wait_for (report_done, &r, 30));
  g_assert_false (r.ok);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_true (wait_for (is_null, &gone, 30));
  drain ();
  g_assert_null (exp);
}

static gboolean
page_mapped (gpointer page)
{
  return gtk_widget_get_mapped (page);
}

/* Every page as the window shows it: no two of its mnemonics (the header bar's and the page's)
 * share a key, nor two in one of its popovers. */
static void
check_mnemonics (DsWindow *window, const char *language, gboolean trained)
{
  static const char *pages[] = { "experiment",  "training", "samples",     "soft-labels",
                                 "temperature", "saliency", "activations", "metrics" };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *where = g_strdup_printf ("%s, %s page, %s", language, pages[i],
                                                trained ? "trained" : "nothing trained");

      ds_window_show_page (window, pages[i]);
      g_assert_true (wait_for (page_mapped, ds_window_get_page (window, pages[i]), 10));
      /* The pages that show the test outputs (from the third on), once they have them. */
      if (trained && i >= 2)
        show_page (window, pages[i]);
      drain ();
      assert_unique_mnemonics (GTK_WIDGET (window), where);
    }
}

/* In English and in Chinese, before and after a run. */
static void
test_mnemonics (void)
{
  static const char *languages[] = { "en", "zh_CN" };

  for (guint l = 0; l < G_N_ELEMENTS (languages); l++)
    {
      DsWindow *window;

      if (!use_language (languages[l]))
        {
          g_test_skip ("the zh_CN catalogue was not built");
          break;
        }
      window = new_window (app, 1280, 800);
      g_assert_true (wait_for (data_loaded, ds_window_get_experiment (window), 60));
      check_mnemonics (window, languages[l], FALSE);
      train_tiny (window, "synthetic-digits", 0);
      check_mnemonics (window, languages[l], TRUE);
      close_window (window);
    }
  use_language ("en");
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

  g_test_add_func ("/app/pages/empty-states", test_empty_states);
  g_test_add_func ("/app/pages/images", test_pages_on_images);
  g_test_add_func ("/app/pages/points", test_pages_on_points);
  g_test_add_func ("/app/pages/close-mid-sweep", test_close_mid_sweep);
  g_test_add_func ("/app/pages/samples-filters", test_samples_filters);
  g_test_add_func ("/app/pages/thumbnail-captions", test_thumbnail_captions);
  g_test_add_func ("/app/pages/transfer-set-captions", test_transfer_set_captions);
  g_test_add_func ("/app/pages/report-closed-window", test_report_closed_window);
  g_test_add_func ("/app/pages/mnemonics", test_mnemonics);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  g_free (tmp_dir);
  return status;
}
