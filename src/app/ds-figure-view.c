/* ds-figure-view.c — a figure on screen through its painter, with hover, Export and Copy.
 *
 * One drawing path: the drawing area, the clipboard image, the exported files and the hit-test
 * probes are all drawn by the same painter; only the style and the surface differ.
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "ds-figure-view-private.h"

#define HOVER_OFFSET 14

G_DEFINE_FINAL_TYPE (DsFigureView, ds_figure_view, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_TITLE,
  PROP_DESCRIPTION,
  PROP_EXPORT_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* g_set_str() is GLib 2.76. */
static gboolean
set_str (char **field, const char *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* ---- drawing -------------------------------------------------------------------------------- */

const FigStyle *
_ds_figure_view_screen_style (void)
{
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  return fig_style_get (dark ? FIG_THEME_DARK : FIG_THEME_LIGHT);
}

static void
draw_cb (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  DsFigureView *self = user_data;
  FigStyle style;

  if (self->paint == NULL || self->data == NULL || width <= 0 || height <= 0)
    return;
  /* Transparent, so the figure sits on the card behind it; GTK scales for HiDPI underneath,
   * so the figure is laid out at 96 dpi as on paper. */
  style = *_ds_figure_view_screen_style ();
  style.background.a = 0.0;
  self->paint (cr, width, height, self->data, &style);
}

void
_ds_figure_view_clear_probes (DsFigureView *self)
{
  g_hash_table_remove_all (self->probes);
}

static void update_hover (DsFigureView *self);

static void
update_actions (DsFigureView *self)
{
  gboolean has = ds_figure_view_has_figure (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "figure.copy", has);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "figure.export", has);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "figure.export-data", has && self->csv != NULL);
  gtk_widget_set_sensitive (self->toolbar, has);
}

void
ds_figure_view_changed (DsFigureView *self)
{
  g_return_if_fail (DS_IS_FIGURE_VIEW (self));

  _ds_figure_view_clear_probes (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
  update_hover (self);
}

void
ds_figure_view_set_painter (DsFigureView *self,
                            FigPaintFunc paint,
                            FigCsvFunc csv,
                            gconstpointer data)
{
  g_return_if_fail (DS_IS_FIGURE_VIEW (self));

  self->paint = paint;
  self->csv = csv;
  self->data = data;
  self->kind = FIG_N_KINDS;
  update_actions (self);
  ds_figure_view_changed (self);
}

void
ds_figure_view_set_figure (DsFigureView *self, FigKind kind, gconstpointer data)
{
  const FigInfo *info;

  g_return_if_fail (DS_IS_FIGURE_VIEW (self));
  g_return_if_fail (kind >= 0 && kind < FIG_N_KINDS);

  info = fig_registry_get (kind);
  ds_figure_view_set_painter (self, info->paint, info->csv, data);
  self->kind = kind;
}

FigKind
ds_figure_view_get_kind (DsFigureView *self)
{
  g_return_val_if_fail (DS_IS_FIGURE_VIEW (self), FIG_N_KINDS);

  return self->kind;
}

gconstpointer
ds_figure_view_get_data (DsFigureView *self)
{
  g_return_val_if_fail (DS_IS_FIGURE_VIEW (self), NULL);

  return self->data;
}

FigPaintFunc
ds_figure_view_get_painter (DsFigureView *self)
{
  g_return_val_if_fail (DS_IS_FIGURE_VIEW (self), NULL);
  return self->paint;
}

gboolean
ds_figure_view_has_figure (DsFigureView *self)
{
  g_return_val_if_fail (DS_IS_FIGURE_VIEW (self), FALSE);

  return self->paint != NULL && self->data != NULL;
}

/* ---- properties ----------------------------------------------------------------------------- */

/* Screen readers meet several figures on a page: the buttons name theirs. */
static void
update_button_labels (DsFigureView *self)
{
  g_autofree char *copy = NULL;
  g_autofree char *export = NULL;

  if (self->title == NULL)
    return;
  /* Translators: accessible names of a figure's buttons, e.g. "Copy Figure “Soft labels”" */
  copy = g_strdup_printf (_ ("Copy Figure “%s”"), self->title);
  export = g_strdup_printf (_ ("Export Figure “%s”"), self->title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->copy_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  copy, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->export_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, export, -1);
}

void
ds_figure_view_set_title (DsFigureView *self, const char *title)
{
  g_return_if_fail (DS_IS_FIGURE_VIEW (self));

  if (!set_str (&self->title, title))
    return;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->area), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  title ? title : _ ("Figure"), -1);
  update_button_labels (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
ds_figure_view_get_title (DsFigureView *self)
{
  g_return_val_if_fail (DS_IS_FIGURE_VIEW (self), NULL);

  return self->title;
}

void
ds_figure_view_set_description (DsFigureView *self, const char *description)
{
  g_return_if_fail (DS_IS_FIGURE_VIEW (self));

  if (!set_str (&self->description, description))
    return;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->area), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description ? description : "", -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

void
ds_figure_view_set_export_name (DsFigureView *self, const char *name)
{
  g_return_if_fail (DS_IS_FIGURE_VIEW (self));

  if (set_str (&self->export_name, name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXPORT_NAME]);
}

const char *
ds_figure_view_get_export_name (DsFigureView *self)
{
  g_return_val_if_fail (DS_IS_FIGURE_VIEW (self), NULL);

  return self->export_name ? self->export_name : "figure";
}

void
ds_figure_view_set_experiment (DsFigureView *self, DsExperiment *experiment)
{
  g_return_if_fail (DS_IS_FIGURE_VIEW (self));
  g_return_if_fail (experiment == NULL || DS_IS_EXPERIMENT (experiment));

  g_set_object (&self->experiment, experiment);
}

void
ds_figure_view_set_hover_func (DsFigureView *self,
                               DsFigureHoverFunc func,
                               gpointer user_data,
                               GDestroyNotify destroy)
{
  g_return_if_fail (DS_IS_FIGURE_VIEW (self));

  if (self->hover_destroy != NULL)
    self->hover_destroy (self->hover_data);
  self->hover_func = func;
  self->hover_data = user_data;
  self->hover_destroy = destroy;
  update_hover (self);
}

/* ---- hover ---------------------------------------------------------------------------------- */

char *
ds_figure_view_get_hover_text (DsFigureView *self, double x, double y)
{
  g_return_val_if_fail (DS_IS_FIGURE_VIEW (self), NULL);

  if (self->hover_func == NULL || !ds_figure_view_has_figure (self))
    return NULL;
  return self->hover_func (self, x, y, self->hover_data);
}

static void
place_hover_label (DsFigureView *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self->area));
  int height = gtk_widget_get_height (GTK_WIDGET (self->area));
  int label_w, label_h;
  double x, y;

  gtk_widget_measure (GTK_WIDGET (self->hover_label), GTK_ORIENTATION_HORIZONTAL, -1, NULL,
                      &label_w, NULL, NULL);
  gtk_widget_measure (GTK_WIDGET (self->hover_label), GTK_ORIENTATION_VERTICAL, label_w, NULL,
                      &label_h, NULL, NULL);
  /* Below right of the pointer, flipped where it would leave the figure. */
  x = self->hover_x + HOVER_OFFSET;
  y = self->hover_y + HOVER_OFFSET;
  if (x + label_w > width)
    x = self->hover_x - HOVER_OFFSET / 2 - label_w;
  if (y + label_h > height)
    y = self->hover_y - HOVER_OFFSET / 2 - label_h;
  gtk_widget_set_margin_start (GTK_WIDGET (self->hover_label), (int)MAX (0, x));
  gtk_widget_set_margin_top (GTK_WIDGET (self->hover_label), (int)MAX (0, y));
}

static void
update_hover (DsFigureView *self)
{
  g_autofree char *text = NULL;

  if (self->pointer_inside)
    text = ds_figure_view_get_hover_text (self, self->hover_x, self->hover_y);
  if (text == NULL || *text == '\0')
    {
      gtk_widget_set_visible (GTK_WIDGET (self->hover_label), FALSE);
      return;
    }
  gtk_label_set_text (self->hover_label, text);
  place_hover_label (self);
  gtk_widget_set_visible (GTK_WIDGET (self->hover_label), TRUE);
}

static void
motion_cb (DsFigureView *self, double x, double y)
{
  self->pointer_inside = TRUE;
  self->hover_x = x;
  self->hover_y = y;
  update_hover (self);
}

static void
leave_cb (DsFigureView *self)
{
  self->pointer_inside = FALSE;
  update_hover (self);
}

static void
resize_cb (DsFigureView *self)
{
  _ds_figure_view_clear_probes (self);
}

static void
destroy_surface (gpointer surface)
{
  cairo_surface_destroy (surface);
}

/* ---- GObject -------------------------------------------------------------------------------- */

GtkWidget *
ds_figure_view_new (void)
{
  return g_object_new (DS_TYPE_FIGURE_VIEW, NULL);
}

static void
style_changed_cb (DsFigureView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self->area));
}

static void
ds_figure_view_dispose (GObject *object)
{
  DsFigureView *self = (DsFigureView *)object;
  GtkWidget *child;

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  if (self->hover_destroy != NULL)
    self->hover_destroy (self->hover_data);
  self->hover_func = NULL;
  self->hover_destroy = NULL;
  self->data = NULL;
  gtk_widget_dispose_template (GTK_WIDGET (self), DS_TYPE_FIGURE_VIEW);
  /* The overlay holding them is no bound child. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  _ds_figure_view_dispose_export (self);
  g_clear_pointer (&self->probes, g_hash_table_unref);
  g_clear_object (&self->experiment);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ds_figure_view_parent_class)->dispose (object);
}

static void
ds_figure_view_finalize (GObject *object)
{
  DsFigureView *self = (DsFigureView *)object;

  g_free (self->title);
  g_free (self->description);
  g_free (self->export_name);

  G_OBJECT_CLASS (ds_figure_view_parent_class)->finalize (object);
}

static void
ds_figure_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  DsFigureView *self = DS_FIGURE_VIEW (object);

  switch (prop_id)
    {
      case PROP_TITLE:
        g_value_set_string (value, self->title);
        break;
      case PROP_DESCRIPTION:
        g_value_set_string (value, self->description);
        break;
      case PROP_EXPORT_NAME:
        g_value_set_string (value, self->export_name);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_figure_view_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  DsFigureView *self = DS_FIGURE_VIEW (object);

  switch (prop_id)
    {
      case PROP_TITLE:
        ds_figure_view_set_title (self, g_value_get_string (value));
        break;
      case PROP_DESCRIPTION:
        ds_figure_view_set_description (self, g_value_get_string (value));
        break;
      case PROP_EXPORT_NAME:
        ds_figure_view_set_export_name (self, g_value_get_string (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ds_figure_view_class_init (DsFigureViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ds_figure_view_dispose;
  object_class->finalize = ds_figure_view_finalize;
  object_class->get_property = ds_figure_view_get_property;
  object_class->set_property = ds_figure_view_set_property;

  properties[PROP_TITLE]
      = g_param_spec_string ("title", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION]
      = g_param_spec_string ("description", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_EXPORT_NAME]
      = g_param_spec_string ("export-name", NULL, NULL, NULL,
                             G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/distillscope/Distillscope/ui/"
                                               "ds-figure-view.ui");
  gtk_widget_class_bind_template_child (widget_class, DsFigureView, area);
  gtk_widget_class_bind_template_child (widget_class, DsFigureView, hover_label);
  gtk_widget_class_bind_template_child (widget_class, DsFigureView, toolbar);
  gtk_widget_class_bind_template_child (widget_class, DsFigureView, copy_button);
  gtk_widget_class_bind_template_child (widget_class, DsFigureView, export_button);
  gtk_widget_class_bind_template_child (widget_class, DsFigureView, export_popover);
  gtk_widget_class_bind_template_child (widget_class, DsFigureView, format_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DsFigureView, style_dropdown);
  gtk_widget_class_bind_template_child (widget_class, DsFigureView, width_spin);
  gtk_widget_class_bind_template_child (widget_class, DsFigureView, height_spin);
  gtk_widget_class_bind_template_child (widget_class, DsFigureView, dpi_spin);
  gtk_widget_class_bind_template_child (widget_class, DsFigureView, size_hint);

  _ds_figure_view_class_init_export (widget_class);

  gtk_widget_class_set_css_name (widget_class, "figureview");
}

static void
ds_figure_view_init (DsFigureView *self)
{
  GtkEventController *motion;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->kind = FIG_N_KINDS;
  self->settings = g_settings_new (APPLICATION_ID);
  self->probes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, destroy_surface);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_drawing_area_set_draw_func (self->area, draw_cb, self, NULL);
  /* The figure takes the keyboard focus, so Ctrl+C copies it. */
  gtk_widget_set_focusable (GTK_WIDGET (self->area), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->area), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Figure"), -1);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect_object (motion, "motion", G_CALLBACK (motion_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (motion, "leave", G_CALLBACK (leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->area), motion);
  g_signal_connect_object (self->area, "resize", G_CALLBACK (resize_cb), self, G_CONNECT_SWAPPED);
  _ds_figure_view_init_export (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (style_changed_cb), self, G_CONNECT_SWAPPED);
  update_actions (self);
}
