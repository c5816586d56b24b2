/* ds-test-gui.h — helpers shared by the GUI test programs (test-app, test-app-pages,
 * test-pages): running the main loop until something holds, finding widgets, and opening and
 * closing windows as a user would.
 */
#pragma once

#include <adwaita.h>

#include "ds-application.h"
#include "ds-window.h"

G_BEGIN_DECLS

typedef gboolean (*Condition) (gpointer data);
typedef gboolean (*WidgetMatch) (GtkWidget *widget, gconstpointer data);

gboolean wait_for (Condition cond, gpointer data, double timeout);
gboolean always_false (gpointer data);
void spin (double seconds);
gboolean is_null (gpointer pointer);
void drain (void);

GtkWidget *find_widget (GtkWidget *root, WidgetMatch match, gconstpointer data);
gboolean match_row_title (GtkWidget *widget, gconstpointer title);
gboolean match_type (GtkWidget *widget, gconstpointer type);
gboolean match_label_prefix (GtkWidget *widget, gconstpointer prefix);
gboolean match_label_containing (GtkWidget *widget, gconstpointer text);
GtkWidget *find_row (GtkWidget *root, const char *title);

AdwMessageDialog *visible_message_dialog (void);
gboolean message_dialog_shown (gpointer body_part);
void respond (AdwMessageDialog *dialog, const char *response);
void assert_names_not_doubled (GtkWidget *root);
void assert_unique_mnemonics (GtkWidget *root, const char *where);
gboolean use_language (const char *language);

gboolean data_loaded (gpointer experiment);

/* For waiting until the experiment shows a snapshot other than old (a new run's). */
typedef struct
{
  DsExperiment *exp;
  KdSnapshot *old; /* held by the caller, or NULL */
} SnapshotWait;

gboolean snapshot_replaced (gpointer snapshot_wait);

DsWindow *new_window (DsApplication *app, int width, int height);
void close_window (DsWindow *window);

G_END_DECLS
