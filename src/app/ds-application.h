/* ds-application.h — the application: windows, preferences, about. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define DS_TYPE_APPLICATION (ds_application_get_type ())

G_DECLARE_FINAL_TYPE (DsApplication, ds_application, DS, APPLICATION, AdwApplication)

DsApplication *ds_application_new (GApplicationFlags flags);
GSettings *ds_application_get_settings (DsApplication *self);

G_END_DECLS
