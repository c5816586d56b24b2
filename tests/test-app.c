/* test-app.c — the desktop application driven as a user would: real windows under Xvfb (see
 * test-app.sh), real widgets, real training runs on the worker thread, real session files.
 *
 * GTest makes every GLib/GTK warning and critical fatal, so any one fails the run.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "ds-application.h"
#include "ds-config-check.h"
#include "ds-experiment.h"
#include "ds-format.h"
#include "ds-figure-view.h"
#include "ds-page.h"
#include "ds-presets.h"
#include "ds-test-gui.h"
#include "ds-window.h"

static DsApplication *app;
static char *tmp_dir;

/* ---- helpers ------------------------------------------------------------------------------ */

static gboolean
match_button_action (GtkWidget *widget, gconstpointer action)
{
  return GTK_IS_BUTTON (widget)
         && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0;
}

static DsExperiment *
ready_experiment (DsWindow *window)
{
  DsExperiment *exp = ds_window_get_experiment (window);

  g_assert_true (wait_for (data_loaded, exp, 60));
  return exp;
}

/* A tiny experiment that finishes in a second or two. */
static void
set_tiny (DsExperiment *exp, const char *spec, int epochs)
{
  KdTrainConfig cfg = *ds_experiment_get_config (exp);

  ds_experiment_set_data_spec (exp, spec, 600, 300);
  g_strlcpy (cfg.teacher_arch, "fc32-fc32", sizeof cfg.teacher_arch);
  g_strlcpy (cfg.student_arch, "fc8", sizeof cfg.student_arch);
  cfg.epochs = cfg.teacher_epochs = epochs;
  cfg.batch = 16;
  cfg.threads = 1;
  cfg.history_every = 5;
  ds_experiment_set_config (exp, &cfg);
  g_assert_true (wait_for (data_loaded, exp, 60));
}

typedef struct
{
  DsExperiment *exp;
  DsRunState state;
} StateWait;

static gboolean
state_is (gpointer data)
{
  StateWait *w = data;
  return ds_experiment_get_state (w->exp) == w->state;
}

static void
wait_state (DsExperiment *exp, DsRunState state, double timeout)
{
  StateWait w = { exp, state };

  if (!wait_for (state_is, &w, timeout))
    g_error ("state %d, waited for %d", ds_experiment_get_state (exp), state);
}

static void
activate (DsWindow *window, const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), action, NULL));
  spin (0.05);
}

static gboolean
button_sensitive (DsWindow *window, const char *page, const char *action)
{
  GtkWidget *button = find_widget (ds_window_get_page (window, page), match_button_action, action);

  g_assert_nonnull (button);
  return gtk_widget_is_sensitive (button);
}

/* Part of the body of the question asked before a new run would replace unsaved results. */
#define NEW_RUN_QUESTION "A new run replaces them"

/* The question whose body contains body_part is on screen: gives it response. */
static void
answer (const char *body_part, const char *response)
{
  AdwMessageDialog *dialog;

  if (!wait_for (message_dialog_shown, (gpointer)body_part, 10))
    {
      dialog = visible_message_dialog ();
      g_error ("no question “…%s…”; on screen: %s", body_part,
               dialog ? adw_message_dialog_get_body (dialog) : "nothing");
    }
  respond (visible_message_dialog (), response);
  spin (0.05);
}

/* ---- tests ----------------------------------------------------------------------------------- */

static void
test_pages (void)
{
  DsWindow *window = new_window (app, 0, 0);
  const char *names[] = { "experiment", "training" };

  ready_experiment (window);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      GtkWidget *page = ds_window_get_page (window, names[i]);

      g_assert_true (DS_IS_PAGE (page));
      g_assert_nonnull (ds_page_get_title (DS_PAGE (page)));
      g_assert_nonnull (ds_page_get_icon_name (DS_PAGE (page)));
      g_assert_true (ds_page_get_experiment (DS_PAGE (page)) == ds_window_get_experiment (window));
      ds_window_show_page (window, names[i]);
      spin (0.1);
      g_assert_true (gtk_widget_get_mapped (page));
    }
  /* Alt+1 goes back to the first page. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "i", 0));
  spin (0.1);
  g_assert_true (gtk_widget_get_mapped (ds_window_get_page (window, "experiment")));
  /* The default experiment is ready to train. */
  g_assert_true (button_sensitive (window, "experiment", "win.start"));
  close_window (window);
}

static void
test_validation (void)
{
  DsWindow *window = new_window (app, 0, 0);
  GtkWidget *page = ds_window_get_page (window, "experiment");
  GtkWidget *teacher, *lr, *message;

  ready_experiment (window);
  teacher = find_row (page, "Teacher architecture");
  lr = find_row (page, "Learning rate");

  gtk_editable_set_text (GTK_EDITABLE (teacher), "fc64-fx32");
  spin (0.05);
  g_assert_true (gtk_widget_has_css_class (teacher, "error"));
  g_assert_false (button_sensitive (window, "experiment", "win.start"));
  message = find_widget (page, match_label_prefix, "Teacher architecture: ");
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (message)), "“fx32” at character 6"));

  /* A shape that does not fit: pooling 2-D points. */
  gtk_editable_set_text (GTK_EDITABLE (teacher), "conv8-pool");
  spin (0.05);
  g_assert_false (gtk_widget_has_css_class (teacher, "error"));
  ds_experiment_set_data_spec (ds_window_get_experiment (window), "spirals", 0, 0);
  g_assert_true (wait_for (data_loaded, ds_window_get_experiment (window), 30));
  spin (0.05);
  g_assert_true (gtk_widget_has_css_class (teacher, "error"));
  message = find_widget (page, match_label_prefix, "Teacher architecture: ");
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (message)), "needs images"));

  gtk_editable_set_text (GTK_EDITABLE (teacher), "fc64-fc64");
  spin (0.05);
  g_assert_false (gtk_widget_has_css_class (teacher, "error"));
  g_assert_true (button_sensitive (window, "experiment", "win.start"));

  gtk_editable_set_text (GTK_EDITABLE (lr), "fast");
  spin (0.05);
  g_assert_true (gtk_widget_has_css_class (lr, "error"));
  g_assert_false (button_sensitive (window, "experiment", "win.start"));
  g_assert_nonnull (find_widget (page, match_label_prefix, "The learning rate must be"));
  gtk_editable_set_text (GTK_EDITABLE (lr), "3e-3");
  spin (0.05);
  g_assert_cmpfloat (ds_experiment_get_config (ds_window_get_experiment (window))->optim.lr, ==,
                     3e-3f);
  g_assert_true (button_sensitive (window, "experiment", "win.start"));
  close_window (window);
}

/* Durations as the status line shows them: tenths below ten seconds, so a tiny run does not
 * read "in 0 s". */
static void
test_format_duration (void)
{
  static const struct
  {
    double seconds;
    const char *text;
  } cases[] = {
    { 0.04, "0.0 s" }, { 0.4, "0.4 s" },       { 9.94, "9.9 s" },        { 9.96, "10 s" },
    { 59.4, "59 s" },  { 61.0, "1 min 01 s" }, { 3725.0, "1 h 02 min" }, { -1.0, "–" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = ds_format_duration (cases[i].seconds);
      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_config_check (void)
{
  KdTrainConfig cfg;
  DsConfigField field;
  g_autofree char *message = NULL;
  guint n;
  const DsPreset *presets = ds_presets_get (&n);
  float lr;

  kd_train_config_default (&cfg);
  g_assert_false (ds_config_check (&cfg, NULL, &field, &message));
  g_assert_cmpint (field, ==, DS_FIELD_DATA);
  g_clear_pointer (&message, g_free);

  g_strlcpy (cfg.student_arch, "fc8--fc8", sizeof cfg.student_arch);
  g_assert_false (ds_config_check (&cfg, NULL, &field, &message));
  g_assert_cmpint (field, ==, DS_FIELD_STUDENT);
  g_assert_nonnull (strstr (message, "Empty layer"));

  /* A transfer set must be smaller than the training set; 0 means none. */
  {
    DsData data = { .train = kd_dataset_new (1000, 1, 28, 28, 10, 1) };
    kd_train_config_default (&cfg);
    cfg.transfer_limit = 1000;
    g_assert_false (ds_config_check (&cfg, &data, &field, &message));
    g_assert_cmpint (field, ==, DS_FIELD_TRANSFER_LIMIT);
    g_assert_nonnull (strstr (message, "transfer set"));
    g_clear_pointer (&message, g_free);
    cfg.transfer_limit = 999;
    g_assert_true (ds_config_check (&cfg, &data, &field, &message));
    cfg.transfer_limit = 0;
    g_assert_true (ds_config_check (&cfg, &data, &field, &message));
    kd_dataset_free (data.train);
  }

  g_assert_true (ds_parse_learning_rate ("1e-3", &lr) && lr == 1e-3f);
  g_assert_true (ds_parse_learning_rate (" 0,01 ", &lr) && lr == 0.01f);
  g_assert_false (ds_parse_learning_rate ("0", NULL));
  g_assert_false (ds_parse_learning_rate ("11", NULL));
  g_assert_false (ds_parse_learning_rate ("nan", NULL));

  /* Every preset is a valid configuration. */
  g_assert_cmpuint (n, >=, 3);
  for (guint i = 0; i < n; i++)
    {
      KdTrainConfig p;
      char core[160];

      kd_train_config_default (&p);
      ds_preset_apply (&presets[i], &p);
      g_assert_cmpint (kd_train_config_check (&p, core, sizeof core), ==, KD_OK);
      g_assert_true (
          ds_preset_matches (&presets[i], &p, presets[i].data_spec, presets[i].train_limit));
    }
}

typedef struct
{
  guint emissions;
} Counter;

static void
count_cb (Counter *counter)
{
  counter->emissions++;
}

static gboolean
window_idle (gpointer window)
{
  return !ds_window_get_busy (window);
}

/* The window's session has been read (the load runs off the main thread and may not have
 * begun when the window first reports itself idle). */
static gboolean
window_has_snapshot (gpointer window)
{
  return !ds_window_get_busy (window)
         && ds_experiment_get_snapshot (ds_window_get_experiment (window)) != NULL;
}

static void
check_finished_page (DsWindow *window)
{
  GtkWidget *page = ds_window_get_page (window, "training");
  GtkWidget *stack = find_widget (page, match_type, GSIZE_TO_POINTER (GTK_TYPE_STACK));
  GtkWidget *bar = find_widget (page, match_type, GSIZE_TO_POINTER (GTK_TYPE_PROGRESS_BAR));

  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (stack)), ==, "curves");
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (bar)), ==, 1.0);
  g_assert_nonnull (find_widget (page, match_label_prefix, "Finished"));
  g_assert_true (ds_page_can_export (DS_PAGE (page)));
}

static char *
metrics_text (DsWindow *window)
{
  GtkWidget *page = ds_window_get_page (window, "training");
  GtkWidget *grid = find_widget (page, match_type, GSIZE_TO_POINTER (GTK_TYPE_GRID));
  GString *text = g_string_new (NULL);

  for (GtkWidget *c = gtk_widget_get_first_child (grid); c; c = gtk_widget_get_next_sibling (c))
    g_string_append_printf (text, "%s|", gtk_label_get_text (GTK_LABEL (c)));
  return g_string_free (text, FALSE);
}

static void
assert_same_snapshot (const KdSnapshot *a, const KdSnapshot *b)
{
  g_assert_cmpint (a->history.n, ==, b->history.n);
  g_assert_cmpmem (a->history.points, a->history.n * sizeof (KdHistoryPoint), b->history.points,
                   b->history.n * sizeof (KdHistoryPoint));
  g_assert_true (a->have_results && b->have_results);
  g_assert_cmpmem (&a->results, sizeof a->results, &b->results, sizeof b->results);
  for (int m = 0; m < KD_N_MODELS; m++)
    g_assert_cmpmem (a->params[m], a->n_params[m] * sizeof (float), b->params[m],
                     b->n_params[m] * sizeof (float));
}

typedef struct
{
  DsWindow *window;
  int announced; /* times FINISHED was announced */
  int complete;  /* ... with the results and Save already there */
} FinishedCheck;

/* Whoever reacts to FINISHED (a page, or the user looking at the header bar) must find the
 * final results and an enabled Save already: checked when the state is announced, not later. */
static void
finished_announced_cb (DsExperiment *exp, GParamSpec *pspec, FinishedCheck *check)
{
  KdSnapshot *snap = ds_experiment_get_snapshot (exp);

  if (ds_experiment_get_state (exp) != DS_RUN_STATE_FINISHED)
    return;
  check->announced++;
  if (snap != NULL && snap->have_results && snap->progress.phase == KD_PHASE_DONE
      && ds_experiment_get_unsaved (exp)
      && gtk_widget_is_sensitive (
          find_widget (GTK_WIDGET (check->window), match_button_action, "win.save")))
    check->complete++;
}

static void
test_run_save_reopen (void)
{
  DsWindow *window = new_window (app, 0, 0);
  DsExperiment *exp = ready_experiment (window);
  g_autofree char *path = g_build_filename (tmp_dir, "run.dss", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  Counter counter = { 0 };
  FinishedCheck finished = { window, 0, 0 };
  gulong finished_handler;
  g_autofree char *metrics = NULL;
  KdSnapshot *snap;
  DsWindow *second;
  DsExperiment *exp2;

  set_tiny (exp, "blobs", 3);
  g_signal_connect_swapped (exp, "snapshot-changed", G_CALLBACK (count_cb), &counter);
  finished_handler
      = g_signal_connect (exp, "notify::state", G_CALLBACK (finished_announced_cb), &finished);
  g_assert_false (
      gtk_widget_is_sensitive (find_widget (GTK_WIDGET (window), match_button_action, "win.save")));
  activate (window, "win.start");
  wait_state (exp, DS_RUN_STATE_FINISHED, 120);
  g_signal_handler_disconnect (exp, finished_handler);
  g_assert_cmpint (finished.announced, ==, 1);
  g_assert_cmpint (finished.complete, ==, 1);
  g_assert_true (
      gtk_widget_is_sensitive (find_widget (GTK_WIDGET (window), match_button_action, "win.save")));
  snap = ds_experiment_get_snapshot (exp);
  g_assert_nonnull (snap);
  g_assert_true (snap->have_results);
  g_assert_cmpint (snap->progress.phase, ==, KD_PHASE_DONE);
  /* Coalesced: far fewer UI updates than steps. */
  g_assert_cmpint (counter.emissions, <, snap->progress.step / 4);
  g_assert_cmpint (counter.emissions, >=, 1);
  spin (0.2);
  check_finished_page (window);
  metrics = metrics_text (window);
  g_assert_null (strstr (metrics, "Distilled student|fc8|–"));

  /* Save, then open in a second window: everything comes back without training. */
  ds_window_save_to_file (window, file);
  g_assert_true (wait_for (window_idle, window, 30));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_false (ds_experiment_get_unsaved (exp));
  g_assert_true (g_file_equal (ds_experiment_get_file (exp), file));
  {
    g_autofree char *uri = g_file_get_uri (file);
    g_assert_true (gtk_recent_manager_has_item (gtk_recent_manager_get_default (), uri));
  }

  second = new_window (app, 0, 0);
  exp2 = ds_window_get_experiment (second);
  ds_window_open_file (second, file);
  g_assert_true (wait_for (window_has_snapshot, second, 30));
  g_assert_cmpint (ds_experiment_get_state (exp2), ==, DS_RUN_STATE_FINISHED);
  g_assert_cmpmem (ds_experiment_get_config (exp2), sizeof (KdTrainConfig),
                   ds_experiment_get_run_config (exp), sizeof (KdTrainConfig));
  g_assert_cmpstr (ds_experiment_get_data_spec (exp2), ==, "blobs");
  g_assert_cmpint (ds_experiment_get_train_limit (exp2), ==, 600);
  assert_same_snapshot (ds_experiment_get_snapshot (exp2), snap);
  spin (0.2);
  check_finished_page (second);
  {
    g_autofree char *metrics2 = metrics_text (second);
    g_assert_cmpstr (metrics2, ==, metrics);
  }
  /* The session's data come back too, for the pages that need samples. */
  g_assert_true (wait_for (data_loaded, exp2, 30));
  g_assert_nonnull (ds_experiment_get_run_data (exp2));
  g_assert_false (ds_experiment_get_run_outdated (exp2));

  /* The network of a snapshot, for analyses. */
  {
    g_autoptr (GError) error = NULL;
    KdNet *net = ds_experiment_build_net (exp2, KD_STUDENT, 4, &error);
    g_assert_no_error (error);
    g_assert_cmpmem (net->params, net->n_params * sizeof (float), snap->params[KD_STUDENT],
                     snap->n_params[KD_STUDENT] * sizeof (float));
    kd_net_free (net);
  }

  /* Exports of the training page, in every format. */
  {
    const char *ext[] = { "png", "svg", "pdf", "csv" };
    GtkWidget *page = ds_window_get_page (second, "training");

    for (int f = 0; f < 4; f++)
      {
        g_autoptr (GError) error = NULL;
        g_autofree char *name = g_strdup_printf ("curves.%s", ext[f]);
        g_autofree char *out = g_build_filename (tmp_dir, name, NULL);
        g_autoptr (GFile) target = g_file_new_for_path (out);
        g_autofree char *contents = NULL;
        gsize len = 0;

        g_assert_true (ds_page_export (DS_PAGE (page), target, (DsExportFormat)f, &error));
        g_assert_no_error (error);
        g_assert_true (g_file_get_contents (out, &contents, &len, NULL));
        g_assert_cmpuint (len, >, 100);
        if (f == DS_EXPORT_PNG)
          g_assert_cmpmem (contents, 4, "\x89PNG", 4);
        if (f == DS_EXPORT_PDF)
          g_assert_cmpmem (contents, 4, "%PDF", 4);
      }
  }
  close_window (second);
  close_window (window);
}

typedef struct
{
  long step;
  DsExperiment *exp;
} StepWait;

static gboolean
step_reached (gpointer data)
{
  StepWait *w = data;
  KdSnapshot *snap = ds_experiment_get_snapshot (w->exp);
  return snap != NULL && snap->progress.step >= w->step;
}

static gboolean
step_exact (gpointer data)
{
  StepWait *w = data;
  KdSnapshot *snap = ds_experiment_get_snapshot (w->exp);
  return snap != NULL && snap->progress.step == w->step;
}

static void
test_pause_step_stop (void)
{
  DsWindow *window = new_window (app, 0, 0);
  DsExperiment *exp = ready_experiment (window);
  StepWait w = { 0, exp };
  long paused_at;

  set_tiny (exp, "spirals", 200);

  /* Step before any run: a paused run with exactly one step. */
  activate (window, "win.step");
  w.step = 1;
  g_assert_true (wait_for (step_exact, &w, 30));
  g_assert_cmpint (ds_experiment_get_state (exp), ==, DS_RUN_STATE_PAUSED);
  g_assert_true (button_sensitive (window, "training", "win.start"));
  g_assert_false (button_sensitive (window, "training", "win.pause"));

  activate (window, "win.start");
  g_assert_cmpint (ds_experiment_get_state (exp), ==, DS_RUN_STATE_RUNNING);
  w.step = 50;
  g_assert_true (wait_for (step_reached, &w, 60));
  activate (window, "win.pause");
  g_assert_cmpint (ds_experiment_get_state (exp), ==, DS_RUN_STATE_PAUSED);
  /* The worker publishes where it stopped, then nothing more. */
  spin (0.5);
  paused_at = ds_experiment_get_snapshot (exp)->progress.step;
  spin (0.3);
  g_assert_cmpint (ds_experiment_get_snapshot (exp)->progress.step, ==, paused_at);

  activate (window, "win.step");
  w.step = paused_at + 1;
  g_assert_true (wait_for (step_exact, &w, 30));
  activate (window, "win.step");
  activate (window, "win.step");
  w.step = paused_at + 3;
  g_assert_true (wait_for (step_exact, &w, 30));
  spin (0.2);
  g_assert_cmpint (ds_experiment_get_snapshot (exp)->progress.step, ==, paused_at + 3);

  activate (window, "win.start");
  w.step = paused_at + 40;
  g_assert_true (wait_for (step_reached, &w, 60));
  activate (window, "win.stop");
  wait_state (exp, DS_RUN_STATE_STOPPED, 30);
  g_assert_false (ds_experiment_get_snapshot (exp)->have_results);
  g_assert_true (ds_experiment_can_save (exp));

  /* A new run after a stopped one, once the user lets the stopped one go; then the window
   * closes mid-run. */
  activate (window, "win.start");
  answer (NEW_RUN_QUESTION, "discard");
  wait_state (exp, DS_RUN_STATE_RUNNING, 30);
  w.step = 10;
  g_assert_true (wait_for (step_reached, &w, 60));
  close_window (window);
}

static void
test_divergence (void)
{
  DsWindow *window = new_window (app, 0, 0);
  DsExperiment *exp = ready_experiment (window);
  KdTrainConfig cfg;
  GtkWidget *page = ds_window_get_page (window, "training");
  GtkWidget *revealer;

  set_tiny (exp, "blobs", 20);
  cfg = *ds_experiment_get_config (exp);
  kd_optim_config_default (&cfg.optim, KD_OPTIM_SGD);
  cfg.optim.lr = 10.0f;
  cfg.optim.momentum = 0.99f;
  g_strlcpy (cfg.teacher_arch, "fc256-fc256-fc256", sizeof cfg.teacher_arch);
  ds_experiment_set_config (exp, &cfg);
  activate (window, "win.start");
  wait_state (exp, DS_RUN_STATE_DIVERGED, 60);
  spin (0.3);
  g_assert_nonnull (ds_experiment_get_message (exp));
  g_assert_nonnull (strstr (ds_experiment_get_message (exp), "NaN or infinite"));
  revealer = find_widget (page, match_type, GSIZE_TO_POINTER (GTK_TYPE_REVEALER));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  /* The restored weights are finite. */
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      KdSnapshot *snap = ds_experiment_get_snapshot (exp);
      for (size_t i = 0; i < snap->n_params[m]; i++)
        g_assert_true (isfinite (snap->params[m][i]));
    }
  activate (window, "win.stop");
  wait_state (exp, DS_RUN_STATE_STOPPED, 30);
  close_window (window);
}

static void
close_dialogs (void)
{
  GList *windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data))
      gtk_window_destroy (l->data);
  g_list_free (windows);
  spin (0.1);
}

static gboolean
menu_has_target (GMenuModel *menu, const char *target)
{
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autoptr (GVariant) value = g_menu_model_get_item_attribute_value (
          menu, i, G_MENU_ATTRIBUTE_TARGET, G_VARIANT_TYPE_STRING);
      g_autoptr (GMenuModel) section = g_menu_model_get_item_link (menu, i, G_MENU_LINK_SECTION);

      if ((value != NULL && g_str_equal (g_variant_get_string (value, NULL), target))
          || (section != NULL && menu_has_target (section, target)))
        return TRUE;
    }
  return FALSE;
}

typedef struct
{
  DsWindow *window;
  const char *uri;
} RecentWait;

/* Whether the Open button's menu offers the session at uri. */
static gboolean
recent_menu_has (gpointer data)
{
  RecentWait *w = data;
  GtkWidget *open
      = find_widget (GTK_WIDGET (w->window), match_type, GSIZE_TO_POINTER (ADW_TYPE_SPLIT_BUTTON));

  return menu_has_target (adw_split_button_get_menu_model (ADW_SPLIT_BUTTON (open)), w->uri);
}

static gboolean
recent_has_item (gpointer uri)
{
  return gtk_recent_manager_has_item (gtk_recent_manager_get_default (), uri);
}

static void
test_refuse_damaged (void)
{
  DsWindow *window = new_window (app, 0, 0);
  DsExperiment *exp = ready_experiment (window);
  g_autofree char *good = g_build_filename (tmp_dir, "good.dss", NULL);
  g_autofree char *junk = g_build_filename (tmp_dir, "junk.dss", NULL);
  g_autofree char *flipped = g_build_filename (tmp_dir, "flipped.dss", NULL);
  g_autoptr (GFile) good_file = g_file_new_for_path (good);
  g_autofree char *good_uri = g_file_get_uri (good_file);
  g_autofree char *good2 = g_build_filename (tmp_dir, "good2.dss", NULL);
  g_autoptr (GFile) good2_file = g_file_new_for_path (good2);
  g_autofree char *good2_uri = g_file_get_uri (good2_file);
  g_autofree char *contents = NULL;
  gsize len;
  guint64 serial;

  set_tiny (exp, "xor", 2);
  activate (window, "win.start");
  wait_state (exp, DS_RUN_STATE_FINISHED, 60);
  ds_window_save_to_file (window, good_file);
  g_assert_true (wait_for (window_idle, window, 30));
  g_assert_true (wait_for (recent_menu_has, &(RecentWait){ window, good_uri }, 10));
  serial = ds_experiment_get_snapshot_serial (exp);

  g_assert_true (g_file_set_contents (junk, "this is not a session", -1, NULL));
  g_assert_true (g_file_get_contents (good, &contents, &len, NULL));
  contents[len - 5] ^= 0x40; /* a damaged weight */
  g_assert_true (g_file_set_contents (flipped, contents, len, NULL));

  for (int i = 0; i < 2; i++)
    {
      g_autoptr (GFile) bad = g_file_new_for_path (i == 0 ? junk : flipped);
      g_autofree char *bad_uri = g_file_get_uri (bad);

      /* What the file chooser does with the file it returns, before the window reads it. */
      gtk_recent_manager_add_item (gtk_recent_manager_get_default (), bad_uri);
      g_assert_true (wait_for (recent_has_item, bad_uri, 10));
      ds_window_open_file (window, bad);
      g_assert_true (wait_for (window_idle, window, 30));
      g_assert_true (wait_for (message_dialog_shown, i == 0 ? "junk.dss" : "flipped.dss", 10));
      close_dialogs ();
      /* A file that did not open is no recent session. */
      g_assert_false (recent_has_item (bad_uri));
      /* The current session is untouched. */
      g_assert_cmpuint (ds_experiment_get_snapshot_serial (exp), ==, serial);
      g_assert_true (g_file_equal (ds_experiment_get_file (exp), good_file));
      g_assert_cmpint (ds_experiment_get_state (exp), ==, DS_RUN_STATE_FINISHED);
    }
  /* Once the menu shows a later save, it shows neither damaged file. */
  ds_window_save_to_file (window, good2_file);
  g_assert_true (wait_for (window_idle, window, 30));
  g_assert_true (wait_for (recent_menu_has, &(RecentWait){ window, good2_uri }, 10));
  g_assert_true (recent_menu_has (&(RecentWait){ window, good_uri }));
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (GFile) bad = g_file_new_for_path (i == 0 ? junk : flipped);
      g_autofree char *bad_uri = g_file_get_uri (bad);

      g_assert_false (recent_menu_has (&(RecentWait){ window, bad_uri }));
    }
  close_window (window);
}

static gboolean
find_toplevel_of_type (gpointer type)
{
  GList *windows = gtk_window_list_toplevels ();
  gboolean found = FALSE;

  for (GList *l = windows; l != NULL; l = l->next)
    found |= G_TYPE_CHECK_INSTANCE_TYPE (l->data, GPOINTER_TO_SIZE (type))
             && gtk_widget_get_visible (l->data);
  g_list_free (windows);
  return found;
}

static void
destroy_toplevels_of_type (GType type)
{
  GList *windows = gtk_window_list_toplevels ();

  for (GList *l = windows; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type))
      gtk_window_destroy (l->data);
  g_list_free (windows);
  spin (0.1);
}

static void
test_preferences_and_dialogs (void)
{
  DsWindow *window = new_window (app, 0, 0);
  GSettings *settings = ds_application_get_settings (app);
  AdwStyleManager *style = adw_style_manager_get_default ();

  ready_experiment (window);
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (
      wait_for (find_toplevel_of_type, GSIZE_TO_POINTER (ADW_TYPE_PREFERENCES_WINDOW), 5));
  g_settings_set_string (settings, "style-variant", "dark");
  spin (0.2);
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (adw_style_manager_get_dark (style));
  g_settings_set_string (settings, "style-variant", "light");
  spin (0.2);
  g_assert_false (adw_style_manager_get_dark (style));
  g_settings_set_string (settings, "style-variant", "system");
  spin (0.1);
  g_assert_cmpint (adw_style_manager_get_color_scheme (style), ==, ADW_COLOR_SCHEME_DEFAULT);
  destroy_toplevels_of_type (ADW_TYPE_PREFERENCES_WINDOW);

  /* Default threads apply to new windows. */
  g_settings_set_int (settings, "default-threads", 1);
  {
    DsWindow *other = new_window (app, 0, 0);
    g_assert_cmpint (ds_experiment_get_config (ds_window_get_experiment (other))->threads, ==, 1);
    ready_experiment (other);
    close_window (other);
  }
  g_settings_reset (settings, "default-threads");

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  g_assert_true (wait_for (find_toplevel_of_type, GSIZE_TO_POINTER (ADW_TYPE_ABOUT_WINDOW), 5));
  destroy_toplevels_of_type (ADW_TYPE_ABOUT_WINDOW);

  activate (window, "win.show-help-overlay");
  g_assert_true (wait_for (find_toplevel_of_type, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), 5));
  destroy_toplevels_of_type (GTK_TYPE_SHORTCUTS_WINDOW);
  close_window (window);
}

/* Screen readers read every name once: the window with its popovers, and the preferences. */
static void
test_accessible_names (void)
{
  DsWindow *window = new_window (app, 0, 0);
  GList *windows;

  ready_experiment (window);
  assert_names_not_doubled (GTK_WIDGET (window));
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (
      wait_for (find_toplevel_of_type, GSIZE_TO_POINTER (ADW_TYPE_PREFERENCES_WINDOW), 5));
  windows = gtk_window_list_toplevels ();
  for (GList *l = windows; l != NULL; l = l->next)
    if (ADW_IS_PREFERENCES_WINDOW (l->data))
      assert_names_not_doubled (l->data);
  g_list_free (windows);
  destroy_toplevels_of_type (ADW_TYPE_PREFERENCES_WINDOW);
  close_window (window);
}

typedef struct
{
  guint keyval;
  GdkModifierType mods;
} Accel;

static Accel
parse_accel (const char *accelerator)
{
  Accel a = { 0, 0 };

  g_assert_true (gtk_accelerator_parse (accelerator, &a.keyval, &a.mods));
  a.keyval = gdk_keyval_to_lower (a.keyval);
  return a;
}

static gboolean
has_accel (GArray *accels, Accel a)
{
  for (guint i = 0; i < accels->len; i++)
    if (g_array_index (accels, Accel, i).keyval == a.keyval
        && g_array_index (accels, Accel, i).mods == a.mods)
      return TRUE;
  return FALSE;
}

/* The key bindings a widget's class gives its own actions (win.*, figure.*), not GTK's. */
static void
add_class_shortcuts (GtkWidget *widget, GArray *accels)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          const char *name;
          Accel a;

          if (!GTK_IS_NAMED_ACTION (action) || !GTK_IS_KEYVAL_TRIGGER (trigger))
            continue;
          name = gtk_named_action_get_action_name (GTK_NAMED_ACTION (action));
          if (!g_str_has_prefix (name, "win.") && !g_str_has_prefix (name, "figure."))
            continue;
          a.keyval
              = gdk_keyval_to_lower (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)));
          a.mods = gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger));
          g_array_append_val (accels, a);
        }
    }
}

/* The keyboard shortcuts window lists every shortcut the application binds, and only those;
 * Alt+1, Alt+2, ... under the titles of the pages they show. */
static void
test_shortcuts_listed (void)
{
  static const char *pages[] = { "experiment",  "training", "samples",     "soft-labels",
                                 "temperature", "saliency", "activations", "metrics" };
  DsWindow *window = new_window (app, 0, 0);
  g_autoptr (GtkBuilder) builder
      = gtk_builder_new_from_resource ("/io/github/distillscope/Distillscope/gtk/help-overlay.ui");
  g_autoptr (GArray) listed = g_array_new (FALSE, FALSE, sizeof (Accel));
  g_autoptr (GArray) bound = g_array_new (FALSE, FALSE, sizeof (Accel));
  g_auto (GStrv) actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  GSList *objects = gtk_builder_get_objects (builder);
  int n_pages = 0;

  ready_experiment (window);
  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *accelerator = NULL;
      g_autofree char *title = NULL;
      g_auto (GStrv) each = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;
      g_object_get (l->data, "accelerator", &accelerator, "title", &title, NULL);
      each = g_strsplit (accelerator, " ", -1);
      for (int i = 0; each[i] != NULL; i++)
        {
          Accel a = parse_accel (each[i]);

          g_array_append_val (listed, a);
          if (a.mods == GDK_ALT_MASK && a.keyval >= GDK_KEY_1 && a.keyval <= GDK_KEY_9)
            {
              guint page = a.keyval - GDK_KEY_1;

              g_assert_cmpuint (page, <, G_N_ELEMENTS (pages));
              g_assert_cmpstr (
                  title, ==,
                  ds_page_get_title (DS_PAGE (ds_window_get_page (window, pages[page]))));
              n_pages++;
            }
        }
    }
  g_slist_free (objects);
  gtk_window_destroy (GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay")));
  g_assert_cmpint (n_pages, ==, G_N_ELEMENTS (pages));

  for (int i = 0; actions[i] != NULL; i++)
    {
      g_auto (GStrv) accels
          = gtk_application_get_accels_for_action (GTK_APPLICATION (app), actions[i]);

      for (int j = 0; accels[j] != NULL; j++)
        {
          Accel a = parse_accel (accels[j]);
          g_array_append_val (bound, a);
        }
    }
  add_class_shortcuts (GTK_WIDGET (window), bound);
  add_class_shortcuts (
      find_widget (GTK_WIDGET (window), match_type, GSIZE_TO_POINTER (DS_TYPE_FIGURE_VIEW)), bound);

  for (guint i = 0; i < bound->len; i++)
    if (!has_accel (listed, g_array_index (bound, Accel, i)))
      g_error ("%s is bound but not listed",
               gtk_accelerator_name (g_array_index (bound, Accel, i).keyval,
                                     g_array_index (bound, Accel, i).mods));
  /* F10 opens the primary menu: GTK's, for the menu button marked primary. */
  g_array_append_val (bound, ((Accel){ GDK_KEY_F10, 0 }));
  for (guint i = 0; i < listed->len; i++)
    if (!has_accel (bound, g_array_index (listed, Accel, i)))
      g_error ("%s is listed but not bound",
               gtk_accelerator_name (g_array_index (listed, Accel, i).keyval,
                                     g_array_index (listed, Accel, i).mods));
  close_window (window);
}

static gboolean
no_windows (gpointer data)
{
  return gtk_application_get_windows (GTK_APPLICATION (app)) == NULL;
}

static void
test_close_asks (void)
{
  DsWindow *window = new_window (app, 0, 0);
  DsExperiment *exp = ready_experiment (window);
  g_autofree char *path = g_build_filename (tmp_dir, "close.dss", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  AdwMessageDialog *dialog;

  /* Nothing trained: closes at once. */
  g_assert_false (ds_experiment_get_unsaved (exp));

  set_tiny (exp, "moons", 2);
  activate (window, "win.start");
  wait_state (exp, DS_RUN_STATE_FINISHED, 60);
  ds_window_save_to_file (window, file);
  g_assert_true (wait_for (window_idle, window, 30));

  /* A second run is not saved yet: closing asks, and Cancel keeps the window. */
  activate (window, "win.start");
  wait_state (exp, DS_RUN_STATE_FINISHED, 60);
  g_assert_true (ds_experiment_get_unsaved (exp));
  gtk_window_close (GTK_WINDOW (window));
  spin (0.1);
  dialog = visible_message_dialog ();
  g_assert_nonnull (dialog);
  respond (dialog, "cancel");
  spin (0.1);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  /* Save writes the session, then the window closes. */
  g_object_add_weak_pointer (G_OBJECT (exp), (gpointer *)&exp);
  gtk_window_close (GTK_WINDOW (window));
  spin (0.1);
  dialog = visible_message_dialog ();
  g_assert_nonnull (dialog);
  respond (dialog, "save");
  g_assert_true (wait_for (no_windows, NULL, 30));
  spin (0.1);
  g_assert_null (exp);
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (KdSession) session = kd_session_load (path, &error);
    g_assert_no_error (error);
    g_assert_true (session->have_results);
  }
}

/* The file chooser on screen (GTK's own dialog: no portal under the test wrapper), or NULL. */
static GtkWidget *
visible_file_chooser (void)
{
  GList *windows = gtk_window_list_toplevels ();
  GtkWidget *found = NULL;

  for (GList *l = windows; l != NULL; l = l->next)
    if (GTK_IS_FILE_CHOOSER_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (windows);
  return found;
}

static gboolean
file_chooser_shown (gpointer data)
{
  return visible_file_chooser () != NULL;
}

/* Answers the Save As dialog: NULL cancels it, a name saves under it in tmp_dir. */
static void
answer_save_as (const char *name)
{
  GtkWidget *chooser;

  g_assert_true (wait_for (file_chooser_shown, NULL, 10));
  chooser = visible_file_chooser ();
  if (name != NULL)
    {
      g_autoptr (GFile) folder = g_file_new_for_path (tmp_dir);
      g_autoptr (GError) error = NULL;

      g_assert_true (
          gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, &error));
      g_assert_no_error (error);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
    }
  gtk_dialog_response (GTK_DIALOG (chooser), name ? GTK_RESPONSE_ACCEPT : GTK_RESPONSE_CANCEL);
}

/* The session file at path holds the run of snap. */
static void
assert_saved (const char *path, const KdSnapshot *snap)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (KdSession) session = kd_session_load (path, &error);
  const KdNet *student;

  g_assert_no_error (error);
  g_assert_true (session->have_results);
  g_assert_cmpint (session->history.n, ==, snap->history.n);
  g_assert_cmpmem (session->history.points, session->history.n * sizeof (KdHistoryPoint),
                   snap->history.points, snap->history.n * sizeof (KdHistoryPoint));
  student = session->nets[KD_STUDENT];
  g_assert_cmpmem (student->params, student->n_params * sizeof (float), snap->params[KD_STUDENT],
                   snap->n_params[KD_STUDENT] * sizeof (float));
}

/* A new run from Start or Step (F5, F7) over results not saved asks first; resuming does not. */
static void
test_new_run_asks (void)
{
  DsWindow *window = new_window (app, 0, 0);
  DsExperiment *exp = ready_experiment (window);
  g_autofree char *path = g_build_filename (tmp_dir, "new-run.dss", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  StepWait w = { 0, exp };
  SnapshotWait replaced = { exp, NULL };
  KdSnapshot *kept;
  guint64 serial;

  /* Nothing trained yet: Start trains at once. */
  set_tiny (exp, "moons", 2);
  activate (window, "win.start");
  g_assert_null (visible_message_dialog ());
  wait_state (exp, DS_RUN_STATE_FINISHED, 60);
  g_assert_true (ds_experiment_get_unsaved (exp));

  /* Start and Step ask, and Cancel keeps the run; so does Save when Save As is cancelled. */
  serial = ds_experiment_get_snapshot_serial (exp);
  for (int i = 0; i < 3; i++)
    {
      activate (window, i == 1 ? "win.step" : "win.start");
      answer (NEW_RUN_QUESTION, i == 2 ? "save" : "cancel");
      if (i == 2)
        answer_save_as (NULL);
      spin (0.1);
      g_assert_null (visible_message_dialog ());
      g_assert_cmpint (ds_experiment_get_state (exp), ==, DS_RUN_STATE_FINISHED);
      g_assert_cmpuint (ds_experiment_get_snapshot_serial (exp), ==, serial);
      g_assert_true (ds_experiment_get_unsaved (exp));
      g_assert_null (ds_experiment_get_file (exp));
    }

  /* Discard: Step begins a new run, paused after one step. Step and Start then go on with it
   * without asking, though its results are not saved either. */
  activate (window, "win.step");
  answer (NEW_RUN_QUESTION, "discard");
  w.step = 1;
  g_assert_true (wait_for (step_exact, &w, 30));
  g_assert_cmpint (ds_experiment_get_state (exp), ==, DS_RUN_STATE_PAUSED);
  g_assert_true (ds_experiment_get_unsaved (exp));
  activate (window, "win.step");
  g_assert_null (visible_message_dialog ());
  w.step = 2;
  g_assert_true (wait_for (step_exact, &w, 30));
  activate (window, "win.start");
  g_assert_null (visible_message_dialog ());
  wait_state (exp, DS_RUN_STATE_FINISHED, 60);

  /* Save with no file yet: Save As, then the new run starts; the file holds the old run. */
  kept = kd_snapshot_ref (ds_experiment_get_snapshot (exp));
  activate (window, "win.start");
  answer (NEW_RUN_QUESTION, "save");
  answer_save_as ("new-run.dss");
  replaced.old = kept;
  g_assert_true (wait_for (snapshot_replaced, &replaced, 30));
  g_assert_null (visible_message_dialog ());
  g_assert_true (g_file_equal (ds_experiment_get_file (exp), file));
  assert_saved (path, kept);
  kd_snapshot_unref (kept);
  wait_state (exp, DS_RUN_STATE_FINISHED, 60);

  /* Save to the session's file, then the new run starts. */
  kept = kd_snapshot_ref (ds_experiment_get_snapshot (exp));
  activate (window, "win.start");
  answer (NEW_RUN_QUESTION, "save");
  replaced.old = kept;
  g_assert_true (wait_for (snapshot_replaced, &replaced, 30));
  assert_saved (path, kept);
  kd_snapshot_unref (kept);
  wait_state (exp, DS_RUN_STATE_FINISHED, 60);

  /* Nothing unsaved: a new run starts without asking. */
  ds_window_save_to_file (window, file);
  g_assert_true (wait_for (window_idle, window, 30));
  g_assert_false (ds_experiment_get_unsaved (exp));
  serial = ds_experiment_get_snapshot_serial (exp);
  activate (window, "win.start");
  g_assert_null (visible_message_dialog ());
  g_assert_true (ds_run_state_is_active (ds_experiment_get_state (exp))
                 || ds_experiment_get_snapshot_serial (exp) != serial);
  wait_state (exp, DS_RUN_STATE_FINISHED, 60);
  close_window (window);
}

typedef struct
{
  DsWindow *window;
  GFile *file;
} OpenWait;

/* The window is done opening file. */
static gboolean
opened (gpointer data)
{
  OpenWait *w = data;
  GFile *current = ds_experiment_get_file (ds_window_get_experiment (w->window));

  return !ds_window_get_busy (w->window) && current != NULL && g_file_equal (current, w->file);
}

static void
assert_same_history (const KdSnapshot *a, const KdSnapshot *b)
{
  g_assert_cmpint (a->history.n, ==, b->history.n);
  g_assert_cmpmem (a->history.points, a->history.n * sizeof (KdHistoryPoint), b->history.points,
                   b->history.n * sizeof (KdHistoryPoint));
}

/* Opening a session (Open, a recent session) over results not saved asks first. */
static void
test_open_asks (void)
{
  DsWindow *window = new_window (app, 0, 0);
  DsExperiment *exp = ready_experiment (window);
  g_autofree char *path_a = g_build_filename (tmp_dir, "open-a.dss", NULL);
  g_autofree char *path_b = g_build_filename (tmp_dir, "open-b.dss", NULL);
  g_autoptr (GFile) file_a = g_file_new_for_path (path_a);
  g_autoptr (GFile) file_b = g_file_new_for_path (path_b);
  g_autofree char *uri_a = g_file_get_uri (file_a);
  OpenWait to_a = { window, file_a }, to_b = { window, file_b };
  SnapshotWait replaced = { exp, NULL };
  KdSnapshot *run1, *run2;
  KdTrainConfig cfg;
  guint64 serial;

  /* Two files of the same first run. */
  set_tiny (exp, "xor", 2);
  activate (window, "win.start");
  wait_state (exp, DS_RUN_STATE_FINISHED, 60);
  run1 = kd_snapshot_ref (ds_experiment_get_snapshot (exp));
  ds_window_save_to_file (window, file_a);
  g_assert_true (wait_for (window_idle, window, 30));
  g_assert_true (g_file_copy (file_a, file_b, G_FILE_COPY_NONE, NULL, NULL, NULL, NULL));

  /* Nothing unsaved: opening does not ask. */
  ds_window_open_file (window, file_b);
  g_assert_null (visible_message_dialog ());
  g_assert_true (wait_for (opened, &to_b, 30));

  /* A second run, not saved: opening asks, from Open and from the recent sessions alike, and
   * Cancel keeps the run. */
  ready_experiment (window);
  replaced.old = kd_snapshot_ref (ds_experiment_get_snapshot (exp));
  activate (window, "win.start");
  g_assert_null (visible_message_dialog ());
  g_assert_true (wait_for (snapshot_replaced, &replaced, 30));
  kd_snapshot_unref (replaced.old);
  wait_state (exp, DS_RUN_STATE_FINISHED, 60);
  run2 = kd_snapshot_ref (ds_experiment_get_snapshot (exp));
  serial = ds_experiment_get_snapshot_serial (exp);
  for (int i = 0; i < 2; i++)
    {
      if (i == 0)
        ds_window_open_file (window, file_a);
      else
        g_assert_true (
            gtk_widget_activate_action (GTK_WIDGET (window), "win.open-recent", "s", uri_a));
      answer ("If you open another session without saving", "cancel");
      spin (0.1);
      g_assert_false (ds_window_get_busy (window));
      g_assert_cmpuint (ds_experiment_get_snapshot_serial (exp), ==, serial);
      g_assert_true (ds_experiment_get_unsaved (exp));
      g_assert_true (g_file_equal (ds_experiment_get_file (exp), file_b));
    }

  /* Save writes the second run to its file, then the other session opens. */
  ds_window_open_file (window, file_a);
  answer ("If you open another session without saving", "save");
  g_assert_true (wait_for (opened, &to_a, 30));
  assert_saved (path_b, run2);
  assert_same_history (ds_experiment_get_snapshot (exp), run1);
  g_assert_false (ds_experiment_get_unsaved (exp));

  /* A run in progress: opening asks, Cancel lets it train on, Discard stops it and opens. */
  ready_experiment (window);
  cfg = *ds_experiment_get_config (exp);
  cfg.epochs = cfg.teacher_epochs = 10000;
  ds_experiment_set_config (exp, &cfg);
  replaced.old = kd_snapshot_ref (ds_experiment_get_snapshot (exp));
  activate (window, "win.start");
  /* Ten thousand epochs: still training long after its first snapshot. */
  g_assert_true (wait_for (snapshot_replaced, &replaced, 60));
  kd_snapshot_unref (replaced.old);
  g_assert_cmpint (ds_experiment_get_state (exp), ==, DS_RUN_STATE_RUNNING);
  ds_window_open_file (window, file_b);
  answer ("Training is still running. Opening a session stops it", "cancel");
  g_assert_cmpint (ds_experiment_get_state (exp), ==, DS_RUN_STATE_RUNNING);
  ds_window_open_file (window, file_b);
  answer ("Training is still running. Opening a session stops it", "discard");
  g_assert_true (wait_for (opened, &to_b, 30));
  g_assert_cmpint (ds_experiment_get_state (exp), ==, DS_RUN_STATE_FINISHED);
  assert_same_history (ds_experiment_get_snapshot (exp), run2);
  g_assert_false (ds_experiment_get_unsaved (exp));

  kd_snapshot_unref (run1);
  kd_snapshot_unref (run2);
  close_window (window);
}

static void
test_presets_ui (void)
{
  DsWindow *window = new_window (app, 0, 0);
  DsExperiment *exp = ready_experiment (window);
  GtkWidget *page = ds_window_get_page (window, "experiment");
  AdwComboRow *preset_row = ADW_COMBO_ROW (find_row (page, "Experiment"));
  guint n;
  const DsPreset *presets = ds_presets_get (&n);

  /* The first launch shows the quick demo. */
  g_assert_cmpuint (adw_combo_row_get_selected (preset_row), ==, 1);
  for (guint i = 0; i < n; i++)
    {
      adw_combo_row_set_selected (preset_row, i + 1);
      spin (0.05);
      g_assert_true (ds_preset_matches (&presets[i], ds_experiment_get_config (exp),
                                        ds_experiment_get_data_spec (exp),
                                        ds_experiment_get_train_limit (exp)));
      g_assert_cmpstr (
          gtk_editable_get_text (GTK_EDITABLE (find_row (page, "Teacher architecture"))), ==,
          presets[i].teacher_arch);
    }
  /* Editing a field turns the preset into "Custom". */
  adw_combo_row_set_selected (preset_row, 1);
  spin (0.05);
  gtk_editable_set_text (
      GTK_EDITABLE (find_row (page, "Student architecture (distilled and baseline)")), "fc16");
  spin (0.05);
  g_assert_cmpuint (adw_combo_row_get_selected (preset_row), ==, 0);
  g_assert_true (wait_for (data_loaded, exp, 60));
  close_window (window);
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  adw_init ();

  tmp_dir = g_dir_make_tmp ("distillscope-test-XXXXXX", &error);
  g_assert_no_error (error);

  app = ds_application_new (G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  /* Keep the application alive between windows. */
  g_application_hold (G_APPLICATION (app));

  g_test_add_func ("/app/config/check", test_config_check);
  g_test_add_func ("/app/format/duration", test_format_duration);
  g_test_add_func ("/app/window/pages", test_pages);
  g_test_add_func ("/app/experiment/validation", test_validation);
  g_test_add_func ("/app/experiment/presets", test_presets_ui);
  g_test_add_func ("/app/training/run-save-reopen", test_run_save_reopen);
  g_test_add_func ("/app/training/pause-step-stop", test_pause_step_stop);
  g_test_add_func ("/app/training/divergence", test_divergence);
  g_test_add_func ("/app/session/refuse-damaged", test_refuse_damaged);
  g_test_add_func ("/app/window/close-asks", test_close_asks);
  g_test_add_func ("/app/window/new-run-asks", test_new_run_asks);
  g_test_add_func ("/app/window/open-asks", test_open_asks);
  g_test_add_func ("/app/preferences-and-dialogs", test_preferences_and_dialogs);
  g_test_add_func ("/app/window/accessible-names", test_accessible_names);
  g_test_add_func ("/app/window/shortcuts-listed", test_shortcuts_listed);

  status = g_test_run ();

  g_application_release (G_APPLICATION (app));
  g_clear_object (&app);
  /* tmp_dir lives in the wrapper's TMPDIR, which it removes. */
  g_free (tmp_dir);
  return status;
}
