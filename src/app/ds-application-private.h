/* ds-application-private.h — shared by ds-application.c and its actions. */
#pragma once

#include "ds-application.h"

G_BEGIN_DECLS

struct _DsApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
};

void _ds_application_actions_init (DsApplication *self);

G_END_DECLS
