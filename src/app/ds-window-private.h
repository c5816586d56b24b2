/* ds-window-private.h — shared by ds-window.c, ds-window-actions.c and ds-window-unsaved.c. */
#pragma once

#include "ds-window.h"

G_BEGIN_DECLS

/* What would drop the unsaved results; the question names it. */
typedef enum
{
  DS_DISCARD_CLOSE,   /* closing the window */
  DS_DISCARD_OPEN,    /* opening a session in this window */
  DS_DISCARD_NEW_RUN, /* Start or Step beginning a new run */
} DsDiscardReason;

/* Goes on with what the question interrupted; file is the session to open, or NULL. */
typedef void (*DsWindowProceed) (DsWindow *self, GFile *file);

/* Alt+1 ... Alt+8 show them; ui/help-overlay.ui lists each. */
#define DS_WINDOW_N_PAGES 8

struct _DsWindow
{
  AdwApplicationWindow parent_instance;

  DsExperiment *experiment;
  GSettings *settings;
  GtkFileChooserNative *chooser;
  GCancellable *cancellable; /* session load/save in flight */
  GTask *report_task;        /* Export Report waiting for pages to compute */
  guint busy;
  guint close_confirmed : 1; /* the user chose to close without saving */
  /* What waits on the save-or-discard question, or on the save the user chose there. */
  DsWindowProceed pending;
  GFile *pending_file;
  GtkWidget *question; /* that question while it is on screen (weak) */

  /* Template children */
  GMenu *recent_section;
  AdwToastOverlay *toast_overlay;
  AdwSplitButton *open_button;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewStack *stack;
};

void _ds_window_class_actions_init (DsWindowClass *klass);
void _ds_window_actions_update (DsWindow *self);
void _ds_window_show_error (DsWindow *self, const char *heading, const char *body);
void _ds_window_update_recent (DsWindow *self);
void _ds_window_save_as (DsWindow *self);
/* Cancels an Export Report that waits for pages (ds-window-report.c). */
void _ds_window_cancel_report (DsWindow *self);

/* ds-window-unsaved.c */
gboolean _ds_window_has_unsaved_results (DsWindow *self);
void _ds_window_confirm_discard (DsWindow *self,
                                 DsDiscardReason reason,
                                 DsWindowProceed proceed,
                                 GFile *file);
/* The save chosen in the question succeeded: goes on with what it asked about. */
void _ds_window_run_pending (DsWindow *self);
/* ... or failed, or was cancelled: forgets it. */
void _ds_window_drop_pending (DsWindow *self);
/* The window goes: stops watching the question. */
void _ds_window_forget_question (DsWindow *self);

G_END_DECLS
