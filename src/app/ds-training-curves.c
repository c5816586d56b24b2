/* ds-training-curves.c — a widget around fig_training_paint. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "ds-training-curves.h"

struct _DsTrainingCurves
{
  GtkWidget parent_instance;

  KdSnapshot *snapshot;
  FigTrainingX x_axis;
};

G_DEFINE_FINAL_TYPE (DsTrainingCurves, ds_training_curves, GTK_TYPE_WIDGET)

static void
ds_training_curves_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  DsTrainingCurves *self = DS_TRAINING_CURVES (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  gboolean dark = adw_style_manager_get_dark (adw_style_manager_get_default ());
  FigTrainingData data = { 0 };
  KdHistory empty = { 0 };
  FigStyle style;
  cairo_t *cr;

  if (width <= 0 || height <= 0)
    return;
  data.history = self->snapshot ? &self->snapshot->history : &empty;
  data.x_axis = self->x_axis;
  /* GTK scales for HiDPI underneath, so the figure is laid out at 96 dpi as on paper. */
  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  /* The card behind shows through, so the figure sits on the window's own colours. */
  style = *fig_style_get (dark ? FIG_THEME_DARK : FIG_THEME_LIGHT);
  style.background.a = 0.0;
  fig_training_paint (cr, width, height, &data, &style);
  cairo_destroy (cr);
}

static void
ds_training_curves_measure (GtkWidget *widget,
                            GtkOrientation orientation,
                            int for_size,
                            int *minimum,
                            int *natural,
                            int *minimum_baseline,
                            int *natural_baseline)
{
  /* Small enough for a narrow window, large enough for tick labels to fit. */
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 320 : 220;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 720 : 360;
}

static void
dark_changed_cb (DsTrainingCurves *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
update_description (DsTrainingCurves *self)
{
  const KdHistory *h = self->snapshot ? &self->snapshot->history : NULL;
  g_autofree char *text = NULL;

  if (h == NULL || h->n == 0)
    text = g_strdup (_ ("No training history yet"));
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d point of history up to step %ld",
                                         "%d points of history up to step %ld", h->n),
                            h->n, h->points[h->n - 1].step);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
}

void
ds_training_curves_set_snapshot (DsTrainingCurves *self, KdSnapshot *snapshot)
{
  g_return_if_fail (DS_IS_TRAINING_CURVES (self));

  if (snapshot == self->snapshot)
    return;
  g_clear_pointer (&self->snapshot, kd_snapshot_unref);
  self->snapshot = snapshot ? kd_snapshot_ref (snapshot) : NULL;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
ds_training_curves_set_x_axis (DsTrainingCurves *self, FigTrainingX x_axis)
{
  g_return_if_fail (DS_IS_TRAINING_CURVES (self));

  if (x_axis == self->x_axis)
    return;
  self->x_axis = x_axis;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

FigTrainingX
ds_training_curves_get_x_axis (DsTrainingCurves *self)
{
  g_return_val_if_fail (DS_IS_TRAINING_CURVES (self), FIG_TRAINING_X_EPOCH);

  return self->x_axis;
}

GtkWidget *
ds_training_curves_new (void)
{
  return g_object_new (DS_TYPE_TRAINING_CURVES, NULL);
}

static void
ds_training_curves_dispose (GObject *object)
{
  DsTrainingCurves *self = (DsTrainingCurves *)object;

  g_clear_pointer (&self->snapshot, kd_snapshot_unref);

  G_OBJECT_CLASS (ds_training_curves_parent_class)->dispose (object);
}

static void
ds_training_curves_class_init (DsTrainingCurvesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ds_training_curves_dispose;
  widget_class->snapshot = ds_training_curves_snapshot;
  widget_class->measure = ds_training_curves_measure;

  gtk_widget_class_set_css_name (widget_class, "trainingcurves");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
ds_training_curves_init (DsTrainingCurves *self)
{
  self->x_axis = FIG_TRAINING_X_EPOCH;
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Training curves: loss and test accuracy of the three models"),
                                  -1);
  update_description (self);
  g_signal_connect_object (adw_style_manager_get_default (), "notify::dark",
                           G_CALLBACK (dark_changed_cb), self, G_CONNECT_SWAPPED);
}
