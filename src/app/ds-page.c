/* ds-page.c — the base class of the window's pages. */
#include "config.h"

#include <glib/gi18n.h>

#include "ds-figure-view.h"
#include "ds-page.h"
#include "ds-test-outputs.h"

typedef struct
{
  DsExperiment *experiment;
  GCallback refresh_outputs; /* see ds_page_follow_test_outputs() */
  gboolean reporting;
} DsPagePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (DsPage, ds_page, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_EXPERIMENT,
  PROP_TITLE,
  PROP_ICON_NAME,
  PROP_CAN_EXPORT,
  PROP_BUSY,
  PROP_REPORTING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static DsFigureView *
export_view (DsPage *self)
{
  DsPageClass *klass = DS_PAGE_GET_CLASS (self);

  return klass->get_export_view != NULL ? klass->get_export_view (self) : NULL;
}

static gboolean
ds_page_real_can_export (DsPage *self)
{
  return export_view (self) != NULL;
}

static char *
ds_page_real_get_export_name (DsPage *self)
{
  DsFigureView *view = export_view (self);

  return g_strdup (view != NULL ? ds_figure_view_get_export_name (view) : "figure");
}

/* Depth-first, so the figures come in the page's reading order. */
static void
add_views (GtkWidget *widget, GArray *figures)
{
  if (DS_IS_FIGURE_VIEW (widget) && ds_figure_view_has_figure (DS_FIGURE_VIEW (widget)))
    {
      DsFigureView *view = DS_FIGURE_VIEW (widget);
      DsReportFigure figure = { ds_figure_view_get_kind (view), ds_figure_view_get_painter (view),
                                ds_figure_view_get_data (view), ds_figure_view_get_title (view) };

      g_array_append_val (figures, figure);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    add_views (child, figures);
}

static void
ds_page_real_add_report_figures (DsPage *self, GArray *figures)
{
  add_views (GTK_WIDGET (self), figures);
}

static gboolean
ds_page_real_get_busy (DsPage *self)
{
  DsPagePrivate *priv = ds_page_get_instance_private (self);

  return priv->refresh_outputs != NULL
         && ds_test_outputs_get_busy (ds_test_outputs_get (priv->experiment));
}

static gboolean
ds_page_real_export (DsPage *self, GFile *file, DsExportFormat format, GError **error)
{
  DsFigureView *view = export_view (self);
  const char *message = DS_PAGE_GET_CLASS (self)->no_export_message;

  if (view == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           message != NULL ? _ (message) : _ ("This page has nothing to export"));
      return FALSE;
    }
  return ds_figure_view_export (view, file, format, NULL, error);
}

static void
ds_page_constructed (GObject *object)
{
  DsPage *self = DS_PAGE (object);
  DsPagePrivate *priv = ds_page_get_instance_private (self);

  G_OBJECT_CLASS (ds_page_parent_class)->constructed (object);

  g_assert (priv->experiment != NULL);
  if (DS_PAGE_GET_CLASS (self)->experiment_set != NULL)
    DS_PAGE_GET_CLASS (self)->experiment_set (self, priv->experiment);
}

static void
ds_page_dispose (GObject *object)
{
  DsPagePrivate *priv = ds_page_get_instance_private (DS_PAGE (object));

  g_clear_object (&priv->experiment);

  G_OBJECT_CLASS (ds_page_parent_class)->dispose (object);
}

static void
ds_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DsPage *self = DS_PAGE (object);

  switch (prop_id)
    {
      case PROP_EXPERIMENT:
        g_value_set_object (value, ds_page_get_experiment (self));
        break;
      case PROP_TITLE:
        g_value_set_string (value, ds_page_get_title (self));
        break;
      case PROP_ICON_NAME:
        g_value_set_string (value, ds_page_get_icon_name (self));
        break;
      case PROP_CAN_EXPORT:
        g_value_set_boolean (value, ds_page_can_export (self));
        break;
      case PROP_BUSY:
        g_value_set_boolean (value, ds_page_get_busy (self));
        break;
      case PROP_REPORTING:
        g_value_set_boolean (value, ds_page_get_reporting (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  DsPagePrivate *priv = ds_page_get_instance_private (DS_PAGE (object));

  switch (prop_id)
    {
      case PROP_EXPERIMENT:
        priv->experiment = g_value_dup_object (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_page_class_init (DsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = ds_page_constructed;
  object_class->dispose = ds_page_dispose;
  object_class->get_property = ds_page_get_property;
  object_class->set_property = ds_page_set_property;

  klass->can_export = ds_page_real_can_export;
  klass->get_export_name = ds_page_real_get_export_name;
  klass->export = ds_page_real_export;
  klass->add_report_figures = ds_page_real_add_report_figures;
  klass->get_busy = ds_page_real_get_busy;

  properties[PROP_EXPERIMENT]
      = g_param_spec_object ("experiment", NULL, NULL, DS_TYPE_EXPERIMENT,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE]
      = g_param_spec_string ("title", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ICON_NAME] = g_param_spec_string ("icon-name", NULL, NULL, NULL,
                                                    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CAN_EXPORT]
      = g_param_spec_boolean ("can-export", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY]
      = g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REPORTING]
      = g_param_spec_boolean ("reporting", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ds_page_init (DsPage *self)
{
}

DsExperiment *
ds_page_get_experiment (DsPage *self)
{
  DsPagePrivate *priv;

  g_return_val_if_fail (DS_IS_PAGE (self), NULL);

  priv = ds_page_get_instance_private (self);
  return priv->experiment;
}

const char *
ds_page_get_title (DsPage *self)
{
  const char *title;

  g_return_val_if_fail (DS_IS_PAGE (self), NULL);

  title = DS_PAGE_GET_CLASS (self)->title;
  return title != NULL ? _ (title) : NULL;
}

const char *
ds_page_get_icon_name (DsPage *self)
{
  g_return_val_if_fail (DS_IS_PAGE (self), NULL);

  return DS_PAGE_GET_CLASS (self)->icon_name;
}

gboolean
ds_page_can_export (DsPage *self)
{
  g_return_val_if_fail (DS_IS_PAGE (self), FALSE);

  return DS_PAGE_GET_CLASS (self)->can_export (self);
}

char *
ds_page_get_export_name (DsPage *self)
{
  g_return_val_if_fail (DS_IS_PAGE (self), NULL);

  return DS_PAGE_GET_CLASS (self)->get_export_name (self);
}

gboolean
ds_page_export (DsPage *self, GFile *file, DsExportFormat format, GError **error)
{
  g_return_val_if_fail (DS_IS_PAGE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  return DS_PAGE_GET_CLASS (self)->export(self, file, format, error);
}

void
ds_page_add_report_figures (DsPage *self, GArray *figures)
{
  g_return_if_fail (DS_IS_PAGE (self));
  g_return_if_fail (figures != NULL);

  DS_PAGE_GET_CLASS (self)->add_report_figures (self, figures);
}

static void refresh_outputs (DsPage *self, gboolean update);

void
ds_page_set_reporting (DsPage *self, gboolean reporting)
{
  DsPagePrivate *priv;

  g_return_if_fail (DS_IS_PAGE (self));

  priv = ds_page_get_instance_private (self);
  if (priv->reporting == !!reporting)
    return;
  priv->reporting = !!reporting;
  if (priv->reporting && priv->refresh_outputs != NULL)
    refresh_outputs (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPORTING]);
}

gboolean
ds_page_get_reporting (DsPage *self)
{
  DsPagePrivate *priv;

  g_return_val_if_fail (DS_IS_PAGE (self), FALSE);

  priv = ds_page_get_instance_private (self);
  return priv->reporting;
}

gboolean
ds_page_is_active (DsPage *self)
{
  g_return_val_if_fail (DS_IS_PAGE (self), FALSE);

  return gtk_widget_get_mapped (GTK_WIDGET (self)) || ds_page_get_reporting (self);
}

gboolean
ds_page_get_busy (DsPage *self)
{
  g_return_val_if_fail (DS_IS_PAGE (self), FALSE);

  return DS_PAGE_GET_CLASS (self)->get_busy (self);
}

void
ds_page_notify_busy (DsPage *self)
{
  g_return_if_fail (DS_IS_PAGE (self));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
ds_page_notify_can_export (DsPage *self)
{
  g_return_if_fail (DS_IS_PAGE (self));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_EXPORT]);
}

static void
refresh_outputs (DsPage *self, gboolean update)
{
  DsPagePrivate *priv = ds_page_get_instance_private (self);

  if (update)
    ds_test_outputs_update (ds_test_outputs_get (priv->experiment));
  ((void (*) (DsPage *))priv->refresh_outputs) (self);
}

static void
outputs_map_cb (DsPage *self)
{
  refresh_outputs (self, TRUE);
}

static void
outputs_snapshot_changed_cb (DsPage *self)
{
  /* A hidden page catches up when it is mapped. */
  refresh_outputs (self, ds_page_is_active (self));
}

void
ds_page_follow_test_outputs (DsPage *self, GCallback refresh)
{
  DsPagePrivate *priv;
  DsExperiment *experiment;

  g_return_if_fail (DS_IS_PAGE (self));
  g_return_if_fail (refresh != NULL);

  priv = ds_page_get_instance_private (self);
  experiment = priv->experiment;
  priv->refresh_outputs = refresh;
  g_signal_connect (self, "map", G_CALLBACK (outputs_map_cb), NULL);
  g_signal_connect_object (ds_test_outputs_get (experiment), "changed", refresh, self,
                           G_CONNECT_SWAPPED);
  /* After refresh, which may start the page's own work on the outputs. */
  g_signal_connect_object (ds_test_outputs_get (experiment), "changed",
                           G_CALLBACK (ds_page_notify_busy), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (experiment, "snapshot-changed", G_CALLBACK (outputs_snapshot_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (experiment, "notify::run-data", G_CALLBACK (outputs_snapshot_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (experiment, "notify::data-loading", refresh, self, G_CONNECT_SWAPPED);
}

void
ds_page_mark_invalid (GtkWidget *row, gboolean invalid)
{
  g_return_if_fail (GTK_IS_WIDGET (row));

  if (invalid)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
  gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID,
                               invalid ? GTK_ACCESSIBLE_INVALID_TRUE : GTK_ACCESSIBLE_INVALID_FALSE,
                               -1);
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
