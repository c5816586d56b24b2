/* ds-window-private.h — shared by ds-window.c and ds-window-actions.c. */
#pragma once

#include "ds-window.h"

G_BEGIN_DECLS

/* Alt+1 ... Alt+8 show them; ui/help-overlay.ui lists each. */
#define DS_WINDOW_N_PAGES 8

struct _DsWindow
{
  AdwApplicationWindow parent_instance;

  DsExperiment *experiment;
  GSettings *settings;
  GtkFileChooserNative *chooser;
  GCancellable *cancellable; /* session load/save in flight */
  guint busy;
  guint close_confirmed : 1;  /* the user chose to close without saving */
  guint close_after_save : 1; /* a save started from the close dialog */

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

G_END_DECLS
