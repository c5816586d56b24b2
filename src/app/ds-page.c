/* ds-page.c — the page interface. */
#include "config.h"

#include <glib/gi18n.h>

#include "ds-page.h"

G_DEFINE_INTERFACE (DsPage, ds_page, GTK_TYPE_WIDGET)

static gboolean
ds_page_real_can_export (DsPage *self)
{
  return FALSE;
}

static char *
ds_page_real_get_export_name (DsPage *self)
{
  return g_strdup ("figure");
}

static gboolean
ds_page_real_export (DsPage *self, GFile *file, DsExportFormat format, GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _ ("This page has nothing to export"));
  return FALSE;
}

static void
ds_page_default_init (DsPageInterface *iface)
{
  iface->can_export = ds_page_real_can_export;
  iface->get_export_name = ds_page_real_get_export_name;
  iface->export = ds_page_real_export;

  g_object_interface_install_property (
      iface,
      g_param_spec_object ("experiment", NULL, NULL, DS_TYPE_EXPERIMENT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));
  g_object_interface_install_property (
      iface,
      g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_interface_install_property (
      iface, g_param_spec_string ("icon-name", NULL, NULL, NULL,
                                  G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  g_object_interface_install_property (
      iface,
      g_param_spec_boolean ("can-export", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
}

DsExperiment *
ds_page_get_experiment (DsPage *self)
{
  g_autoptr (DsExperiment) experiment = NULL;

  g_return_val_if_fail (DS_IS_PAGE (self), NULL);

  /* The page holds its own reference, so the borrowed pointer stays valid. */
  g_object_get (self, "experiment", &experiment, NULL);
  return experiment;
}

static const char *
string_property (DsPage *self, const char *name)
{
  GValue value = G_VALUE_INIT;
  const char *str;

  g_value_init (&value, G_TYPE_STRING);
  g_object_get_property (G_OBJECT (self), name, &value);
  /* Pages return static (interned) strings for title and icon name. */
  str = g_intern_string (g_value_get_string (&value));
  g_value_unset (&value);
  return str;
}

const char *
ds_page_get_title (DsPage *self)
{
  g_return_val_if_fail (DS_IS_PAGE (self), NULL);

  return string_property (self, "title");
}

const char *
ds_page_get_icon_name (DsPage *self)
{
  g_return_val_if_fail (DS_IS_PAGE (self), NULL);

  return string_property (self, "icon-name");
}

gboolean
ds_page_can_export (DsPage *self)
{
  g_return_val_if_fail (DS_IS_PAGE (self), FALSE);

  return DS_PAGE_GET_IFACE (self)->can_export (self);
}

char *
ds_page_get_export_name (DsPage *self)
{
  g_return_val_if_fail (DS_IS_PAGE (self), NULL);

  return DS_PAGE_GET_IFACE (self)->get_export_name (self);
}

gboolean
ds_page_export (DsPage *self, GFile *file, DsExportFormat format, GError **error)
{
  g_return_val_if_fail (DS_IS_PAGE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  return DS_PAGE_GET_IFACE (self)->export(self, file, format, error);
}

const char *
ds_export_format_extension (DsExportFormat format)
{
  switch (format)
    {
      case DS_EXPORT_SVG:
        return "svg";
      case DS_EXPORT_PDF:
        return "pdf";
      case DS_EXPORT_CSV:
        return "csv";
      case DS_EXPORT_PNG:
      default:
        return "png";
    }
}
