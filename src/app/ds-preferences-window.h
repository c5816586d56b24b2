/* ds-preferences-window.h — the preferences, stored in GSettings. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DS_TYPE_PREFERENCES_WINDOW (ds_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (
    DsPreferencesWindow, ds_preferences_window, DS, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *ds_preferences_window_new (GSettings *settings);

G_END_DECLS
