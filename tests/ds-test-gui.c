/* ds-test-gui.c — helpers shared by the GUI test programs; see ds-test-gui.h. */
#include "config.h"

#include "ds-test-gui.h"

#include <string.h>
#include <glib/gi18n.h>

#include "ds-experiment.h"

/* Runs the main loop until cond holds; FALSE after timeout seconds. */
gboolean
wait_for (Condition cond, gpointer data, double timeout)
{
  gint64 end = g_get_monotonic_time () + (gint64)(timeout * G_USEC_PER_SEC);

  while (!cond (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }
  return TRUE;
}

gboolean
always_false (gpointer data)
{
  return FALSE;
}

/* Lets the main loop run for a while (layout, drawing, idle callbacks). */
void
spin (double seconds)
{
  wait_for (always_false, NULL, seconds);
}

gboolean
is_null (gpointer pointer)
{
  return *(gpointer *)pointer == NULL;
}

/* Dispatches what is ready now (callbacks already queued), without waiting for more. */
void
drain (void)
{
  for (int i = 0; i < 100 && g_main_context_iteration (NULL, FALSE); i++)
    ;
}

/* The first widget below root (root included, depth first) that match accepts, or NULL. */
GtkWidget *
find_widget (GtkWidget *root, WidgetMatch match, gconstpointer data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);
      if (found != NULL)
        return found;
    }
  return NULL;
}

gboolean
match_row_title (GtkWidget *widget, gconstpointer title)
{
  return ADW_IS_PREFERENCES_ROW (widget)
         && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

/* type is a GType passed with GSIZE_TO_POINTER. */
gboolean
match_type (GtkWidget *widget, gconstpointer type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

gboolean
match_label_prefix (GtkWidget *widget, gconstpointer prefix)
{
  return GTK_IS_LABEL (widget)
         && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix);
}

gboolean
match_label_containing (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL;
}

/* The preferences row titled title below root; it must be there. */
GtkWidget *
find_row (GtkWidget *root, const char *title)
{
  GtkWidget *row = find_widget (root, match_row_title, title);

  g_assert_nonnull (row);
  return row;
}

/* The message dialog on screen, or NULL. */
AdwMessageDialog *
visible_message_dialog (void)
{
  GList *windows = gtk_window_list_toplevels ();
  AdwMessageDialog *found = NULL;

  for (GList *l = windows; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      found = l->data;
  g_list_free (windows);
  return found;
}

/* A message dialog is on screen, its body containing body_part (a string, or NULL for any). */
gboolean
message_dialog_shown (gpointer body_part)
{
  AdwMessageDialog *dialog = visible_message_dialog ();

  return dialog != NULL
         && (body_part == NULL || strstr (adw_message_dialog_get_body (dialog), body_part) != NULL);
}

static gboolean
match_button_label (GtkWidget *widget, gconstpointer label)
{
  return GTK_IS_BUTTON (widget)
         && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

/* Clicks the button of that response: the dialog closes, then emits it, and only it. */
void
respond (AdwMessageDialog *dialog, const char *response)
{
  const char *label = adw_message_dialog_get_response_label (dialog, response);
  GtkWidget *button = find_widget (GTK_WIDGET (dialog), match_button_label, label);

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
}

gboolean
data_loaded (gpointer experiment)
{
  return ds_experiment_get_data (experiment) != NULL;
}

gboolean
snapshot_replaced (gpointer snapshot_wait)
{
  SnapshotWait *w = snapshot_wait;
  KdSnapshot *snap = ds_experiment_get_snapshot (w->exp);

  return snap != NULL && snap != w->old;
}

/* A new window of app, shown. With width and height 0 it keeps the window's own default size:
 * the pages' tests ask for a given size so that their figures lay out (and screenshot) alike. */
DsWindow *
new_window (DsApplication *app, int width, int height)
{
  DsWindow *window = ds_window_new (GTK_APPLICATION (app));

  if (width > 0 && height > 0)
    gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_window_present (GTK_WINDOW (window));
  spin (0.2);
  return window;
}

/* Closes the window, discarding unsaved results when it asks. */
void
close_window (DsWindow *window)
{
  DsExperiment *exp = ds_window_get_experiment (window);
  gpointer gone = window;
  GList *windows;

  g_object_add_weak_pointer (G_OBJECT (exp), (gpointer *)&exp);
  g_object_add_weak_pointer (G_OBJECT (window), &gone);
  gtk_window_close (GTK_WINDOW (window));
  spin (0.1);
  /* Answers "Discard" to the question whether to save. */
  windows = gtk_window_list_toplevels ();
  for (GList *l = windows; l != NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      respond (l->data, "discard");
  g_list_free (windows);
  /* "Discard" closes the window from an idle callback, and tearing down every page takes a
   * while on a loaded machine: wait for the window itself to go, not for a fixed time. */
  g_assert_true (wait_for (is_null, &gone, 30));
  /* A data load the window cancelled lets go of the experiment in its callback, queued by now. */
  drain ();
  /* Nothing may keep the experiment (and its worker) alive after the window is gone: no page,
   * no analysis still computing, no sweep. */
  g_assert_null (exp);
}

/* ---- accessibility -------------------------------------------------------------------------- */

static void
collect_widgets (GtkWidget *widget, GPtrArray *widgets)
{
  g_ptr_array_add (widgets, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_widgets (child, widgets);
}

/* GTK 4.8 names a widget by its label property followed by the labels of its labelled-by
 * widgets, so a widget with both is read out twice ("Run Sweep Run Sweep"): a button is
 * labelled by its child, and a row's activatable widget by the row's title. */
void
assert_names_not_doubled (GtkWidget *root)
{
  g_autoptr (GPtrArray) widgets = g_ptr_array_new ();

  collect_widgets (root, widgets);
  for (guint i = 0; i < widgets->len; i++)
    {
      GtkAccessible *w = g_ptr_array_index (widgets, i);

      if (!gtk_test_accessible_has_property (w, GTK_ACCESSIBLE_PROPERTY_LABEL)
          || !gtk_test_accessible_has_relation (w, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
        continue;
      for (guint j = 0; j < widgets->len; j++)
        {
          GtkAccessible *by = g_ptr_array_index (widgets, j);
          g_autofree char *differs = NULL;

          if (by == w || !gtk_test_accessible_has_property (by, GTK_ACCESSIBLE_PROPERTY_LABEL))
            continue;
          differs = gtk_test_accessible_check_relation (w, GTK_ACCESSIBLE_RELATION_LABELLED_BY, by,
                                                        NULL);
          if (differs == NULL)
            g_error ("%s “%s” has an accessible label and is labelled by %s “%s” too",
                     G_OBJECT_TYPE_NAME (w), gtk_buildable_get_buildable_id (GTK_BUILDABLE (w)),
                     G_OBJECT_TYPE_NAME (by),
                     GTK_IS_LABEL (by) ? gtk_label_get_text (GTK_LABEL (by)) : "");
        }
    }
}

/* The labels with a mnemonic that scope shows together: its visible descendants, except those
 * in a popover of their own (a separate mnemonic scope). The pages a stack does not show have
 * their child-visible flag unset. */
static void
collect_mnemonics (GtkWidget *widget, GtkWidget *scope, GPtrArray *labels)
{
  if (widget != scope
      && (GTK_IS_NATIVE (widget) || !gtk_widget_get_visible (widget)
          || !gtk_widget_get_child_visible (widget)))
    return;
  if (GTK_IS_LABEL (widget)
      && gtk_label_get_mnemonic_keyval (GTK_LABEL (widget)) != GDK_KEY_VoidSymbol)
    g_ptr_array_add (labels, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_mnemonics (child, scope, labels);
}

static void
assert_unique_in_scope (GtkWidget *scope, const char *where)
{
  g_autoptr (GPtrArray) labels = g_ptr_array_new ();

  collect_mnemonics (scope, scope, labels);
  for (guint i = 0; i < labels->len; i++)
    for (guint j = i + 1; j < labels->len; j++)
      {
        GtkLabel *a = g_ptr_array_index (labels, i), *b = g_ptr_array_index (labels, j);
        guint ka = gdk_keyval_to_lower (gtk_label_get_mnemonic_keyval (a));

        /* An entry row's title shows in one of two labels, both for the same entry. */
        if (gtk_label_get_mnemonic_widget (a) != NULL
            && gtk_label_get_mnemonic_widget (a) == gtk_label_get_mnemonic_widget (b))
          continue;
        if (ka == gdk_keyval_to_lower (gtk_label_get_mnemonic_keyval (b)))
          g_error ("%s: “%s” and “%s” share the mnemonic %s", where, gtk_label_get_label (a),
                   gtk_label_get_label (b), gdk_keyval_name (ka));
      }
}

static void
check_popovers (GtkWidget *widget, const char *where)
{
  if (GTK_IS_POPOVER (widget))
    assert_unique_in_scope (widget, where);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    check_popovers (child, where);
}

/* No two mnemonics that root shows at once share a key, nor two in any of its popovers (menus,
 * a figure's export options), each of which is a scope of its own. */
void
assert_unique_mnemonics (GtkWidget *root, const char *where)
{
  assert_unique_in_scope (root, where);
  check_popovers (root, where);
}

/* Translations from the build's catalogues (TEST_LOCALEDIR) in language, "en" for none. C.UTF-8
 * needs no generated locale: glibc honours LANGUAGE in every locale but "C". FALSE when the
 * catalogue was not built. */
gboolean
use_language (const char *language)
{
  g_autofree char *mo
      = g_build_filename (TEST_LOCALEDIR, language, "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);

  if (!g_str_equal (language, "en") && !g_file_test (mo, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  g_setenv ("LANGUAGE", language, TRUE);
  bindtextdomain (GETTEXT_PACKAGE, TEST_LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  return TRUE;
}
