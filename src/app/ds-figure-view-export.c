/* ds-figure-view-export.c — Export (a popover with format, size, dpi and style, then a save
 * dialog), Export Data (CSV) and Copy, all through fig_export and the figure's painter. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <math.h>

#include "ds-figure-view-private.h"
#include "kd_config_json.h"

#define COPY_SCALE 2 /* the clipboard image is twice the on-screen size, at 192 dpi */

/* ---- export --------------------------------------------------------------------------------- */

void
ds_figure_view_get_export_options (DsFigureView *self, DsFigureExportOptions *opts)
{
  int width, height;
  g_autofree char *style_name = NULL;

  g_return_if_fail (DS_IS_FIGURE_VIEW (self));
  g_return_if_fail (opts != NULL);

  opts->dpi = g_settings_get_int (self->settings, "export-dpi");
  style_name = g_settings_get_string (self->settings, "export-style");
  opts->theme = FIG_THEME_LIGHT;
  fig_theme_from_name (style_name, &opts->theme);
  width = gtk_widget_get_width (GTK_WIDGET (self->area));
  height = gtk_widget_get_height (GTK_WIDGET (self->area));
  if (width < 160 || height < 120)
    width = DS_FIGURE_FALLBACK_WIDTH, height = DS_FIGURE_FALLBACK_HEIGHT;
  /* What is on screen, at the export resolution: the same layout, only sharper. */
  opts->width = CLAMP ((int)lround (width * opts->dpi / 96.0), 1, 16384);
  opts->height = CLAMP ((int)lround (height * opts->dpi / 96.0), 1, 16384);
}

static gboolean
no_figure_error (DsFigureView *self, GError **error)
{
  if (ds_figure_view_has_figure (self))
    return FALSE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                       _ ("There is no figure to export"));
  return TRUE;
}

static gboolean
export_csv (DsFigureView *self, const char *path, GError **error)
{
  g_autoptr (GString) csv = g_string_new (NULL);

  if (self->csv == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _ ("This figure has no data to export"));
      return FALSE;
    }
  self->csv (self->data, csv);
  return fig_export_text (path, csv->str, (gssize)csv->len, error);
}

gboolean
ds_figure_view_export (DsFigureView *self,
                       GFile *file,
                       DsExportFormat format,
                       const DsFigureExportOptions *opts,
                       GError **error)
{
  g_autofree char *path = NULL;
  g_autofree char *config = NULL;
  DsFigureExportOptions defaults;
  FigExportOptions fo;
  FigMetadata metadata[2];
  const char *spec = NULL;

  g_return_val_if_fail (DS_IS_FIGURE_VIEW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (no_figure_error (self, error))
    return FALSE;
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _ ("Figures can only be exported to local files"));
      return FALSE;
    }
  if (format == DS_EXPORT_CSV)
    return export_csv (self, path, error);
  if (opts == NULL)
    {
      ds_figure_view_get_export_options (self, &defaults);
      opts = &defaults;
    }

  fig_export_options_init (&fo);
  fo.width = opts->width;
  fo.height = opts->height;
  fo.dpi = opts->dpi;
  fo.title = self->title;
  if (self->experiment != NULL && ds_experiment_get_snapshot (self->experiment) != NULL)
    {
      config = kd_train_config_to_json (ds_experiment_get_run_config (self->experiment));
      spec = ds_experiment_get_run_data_spec (self->experiment);
      metadata[0] = (FigMetadata){ "Distillscope config", config };
      metadata[1] = (FigMetadata){ "Distillscope data", spec ? spec : "" };
      fo.metadata = metadata;
      fo.n_metadata = G_N_ELEMENTS (metadata);
    }
  return fig_export (path,
                     format == DS_EXPORT_SVG   ? FIG_FORMAT_SVG
                     : format == DS_EXPORT_PDF ? FIG_FORMAT_PDF
                                               : FIG_FORMAT_PNG,
                     &fo, self->paint, self->data, fig_style_get (opts->theme), error);
}

static void
free_surface (gpointer surface)
{
  cairo_surface_destroy (surface);
}

GdkTexture *
ds_figure_view_render_texture (
    DsFigureView *self, int width, int height, double dpi, FigTheme theme, GError **error)
{
  cairo_surface_t *image;
  GBytes *bytes;
  GdkTexture *texture;
  int stride;

  g_return_val_if_fail (DS_IS_FIGURE_VIEW (self), NULL);

  if (no_figure_error (self, error))
    return NULL;
  image = fig_render_image (self->paint, self->data, fig_style_get (theme), width, height, dpi,
                            error);
  if (image == NULL)
    return NULL;
  cairo_surface_flush (image);
  stride = cairo_image_surface_get_stride (image);
  /* Cairo's ARGB32 is premultiplied BGRA in memory on little-endian machines, which is what
   * GDK_MEMORY_DEFAULT names on every byte order. */
  bytes = g_bytes_new_with_free_func (cairo_image_surface_get_data (image), (gsize)stride * height,
                                      free_surface, image);
  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes, stride);
  g_bytes_unref (bytes);
  return texture;
}

/* ---- user interface: toasts, errors, the export popover and dialog -------------------------- */

static void
show_toast (DsFigureView *self, const char *text)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), adw_toast_new (text));
}

static void
show_error (DsFigureView *self, const char *heading, const char *body)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog
      = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
update_size_hint (DsFigureView *self)
{
  double dpi = gtk_spin_button_get_value (self->dpi_spin);
  int width = gtk_spin_button_get_value_as_int (self->width_spin);
  int height = gtk_spin_button_get_value_as_int (self->height_spin);
  g_autofree char *text = NULL;

  /* Translators: the export's layout in on-screen pixels, e.g. "Laid out like 640 × 400 on
   * screen, 5.3 × 3.3 inches" */
  text = g_strdup_printf (_ ("Laid out like %d × %d on screen, %.1f × %.1f inches"),
                          (int)lround (width * 96.0 / dpi), (int)lround (height * 96.0 / dpi),
                          width / dpi, height / dpi);
  gtk_label_set_text (self->size_hint, text);
}

static void
dpi_changed_cb (DsFigureView *self)
{
  double dpi = gtk_spin_button_get_value (self->dpi_spin);
  double ratio = self->shown_dpi > 0 ? dpi / self->shown_dpi : 1.0;

  /* A new resolution keeps the layout: the pixel size follows. */
  self->shown_dpi = dpi;
  gtk_spin_button_set_value (self->width_spin,
                             lround (gtk_spin_button_get_value (self->width_spin) * ratio));
  gtk_spin_button_set_value (self->height_spin,
                             lround (gtk_spin_button_get_value (self->height_spin) * ratio));
  update_size_hint (self);
}

static void
popover_show_cb (DsFigureView *self)
{
  DsFigureExportOptions opts;

  ds_figure_view_get_export_options (self, &opts);
  if (!self->popover_initialised)
    {
      /* Format and style are remembered while the view lives; the size follows the view. */
      gtk_drop_down_set_selected (self->style_dropdown, (guint)opts.theme);
      self->shown_dpi = opts.dpi;
      gtk_spin_button_set_value (self->dpi_spin, opts.dpi);
      self->popover_initialised = TRUE;
    }
  else
    {
      double dpi = gtk_spin_button_get_value (self->dpi_spin);
      opts.width = (int)lround (opts.width * dpi / opts.dpi);
      opts.height = (int)lround (opts.height * dpi / opts.dpi);
    }
  gtk_spin_button_set_value (self->width_spin, opts.width);
  gtk_spin_button_set_value (self->height_spin, opts.height);
  update_size_hint (self);
}

/* Appends ".ext" unless the name already ends so. */
static GFile *
with_extension (GFile *file, const char *ext)
{
  g_autofree char *base = g_file_get_basename (file);
  g_autofree char *lower = g_ascii_strdown (base, -1);
  g_autofree char *suffix = g_strconcat (".", ext, NULL);
  g_autoptr (GFile) parent = NULL;
  g_autofree char *name = NULL;

  if (g_str_has_suffix (lower, suffix))
    return g_object_ref (file);
  parent = g_file_get_parent (file);
  name = g_strconcat (base, suffix, NULL);
  return g_file_get_child (parent, name);
}

static void
chooser_response_cb (DsFigureView *self, int response, GtkFileChooserNative *chooser)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GFile) target = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *toast = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL)
    return;
  target = with_extension (file, ds_export_format_extension (self->pending_format));
  if (!ds_figure_view_export (self, target, self->pending_format, &self->pending, &error))
    {
      show_error (self, _ ("Could Not Export the Figure"), error->message);
      return;
    }
  base = g_file_get_basename (target);
  toast = g_strdup_printf (_ ("Exported “%s”"), base);
  show_toast (self, toast);
}

static void
run_chooser (DsFigureView *self, DsExportFormat format)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  const char *ext = ds_export_format_extension (format);
  g_autofree char *pattern = g_strconcat ("*.", ext, NULL);
  g_autofree char *name = g_strconcat (ds_figure_view_get_export_name (self), ".", ext, NULL);

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  self->pending_format = format;
  self->chooser = gtk_file_chooser_native_new (
      format == DS_EXPORT_CSV ? _ ("Export Data") : _ ("Export Figure"),
      GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Export"),
      _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, format == DS_EXPORT_CSV ? _ ("CSV data") : ext);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
export_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DsFigureView *self = DS_FIGURE_VIEW (widget);
  static const DsExportFormat formats[] = { DS_EXPORT_PNG, DS_EXPORT_SVG, DS_EXPORT_PDF };
  guint format = gtk_drop_down_get_selected (self->format_dropdown);
  guint theme = gtk_drop_down_get_selected (self->style_dropdown);

  self->pending.width = gtk_spin_button_get_value_as_int (self->width_spin);
  self->pending.height = gtk_spin_button_get_value_as_int (self->height_spin);
  self->pending.dpi = gtk_spin_button_get_value (self->dpi_spin);
  self->pending.theme = theme < FIG_N_THEMES ? (FigTheme)theme : FIG_THEME_LIGHT;
  gtk_popover_popdown (self->export_popover);
  run_chooser (self, formats[format < G_N_ELEMENTS (formats) ? format : 0]);
}

static void
export_data_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DsFigureView *self = DS_FIGURE_VIEW (widget);

  gtk_popover_popdown (self->export_popover);
  run_chooser (self, DS_EXPORT_CSV);
}

static void
copy_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  DsFigureView *self = DS_FIGURE_VIEW (widget);
  g_autoptr (GdkTexture) texture = NULL;
  g_autoptr (GError) error = NULL;
  DsFigureExportOptions opts;
  int width = gtk_widget_get_width (GTK_WIDGET (self->area));
  int height = gtk_widget_get_height (GTK_WIDGET (self->area));

  ds_figure_view_get_export_options (self, &opts);
  if (width < 160 || height < 120)
    width = DS_FIGURE_FALLBACK_WIDTH, height = DS_FIGURE_FALLBACK_HEIGHT;
  texture = ds_figure_view_render_texture (self, width * COPY_SCALE, height * COPY_SCALE,
                                           96.0 * COPY_SCALE, opts.theme, &error);
  if (texture == NULL)
    {
      show_error (self, _ ("Could Not Copy the Figure"), error->message);
      return;
    }
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (widget), texture);
  show_toast (self, _ ("Figure copied"));
}

/* ---- the popover of a figure out of sight ----------------------------------------------------
 *
 * GtkMenuButton pops its popover up at once, next to where its button was last laid out. For a
 * figure scrolled out of sight (its Export activated by a screen reader, say) that is off the
 * window, where GDK finds no monitor: GTK criticals and a popover of negative width. So the
 * button holds the popover only while it is in sight; otherwise the figure scrolls into sight
 * first and the popover pops up after the next frame's layout.
 */

static GtkScrolledWindow *
scrolled_ancestor (DsFigureView *self)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_SCROLLED_WINDOW);

  return scrolled ? GTK_SCROLLED_WINDOW (scrolled) : NULL;
}

static gboolean
button_in_sight (DsFigureView *self)
{
  GtkScrolledWindow *scrolled = scrolled_ancestor (self);
  graphene_rect_t b;

  if (!gtk_widget_get_mapped (self->export_button))
    return FALSE;
  if (scrolled == NULL)
    return TRUE;
  return gtk_widget_compute_bounds (self->export_button, GTK_WIDGET (scrolled), &b)
         && b.origin.x >= 0 && b.origin.y >= 0
         && b.origin.x + b.size.width <= gtk_widget_get_width (GTK_WIDGET (scrolled))
         && b.origin.y + b.size.height <= gtk_widget_get_height (GTK_WIDGET (scrolled));
}

/* Scrolls by the least that shows start..end (view coordinates), its start if it is longer. */
static void
bring_into_page (GtkAdjustment *adjustment, double start, double end)
{
  double value = gtk_adjustment_get_value (adjustment);
  double page = gtk_adjustment_get_page_size (adjustment);
  double target = value;

  if (end > page)
    target = value + end - page;
  if (start < target - value)
    target = value + start;
  gtk_adjustment_set_value (adjustment, target);
}

static void
scroll_into_sight (DsFigureView *self)
{
  GtkScrolledWindow *scrolled = scrolled_ancestor (self);
  graphene_rect_t b;

  if (scrolled == NULL || !gtk_widget_compute_bounds (GTK_WIDGET (self), GTK_WIDGET (scrolled), &b))
    return;
  bring_into_page (gtk_scrolled_window_get_vadjustment (scrolled), b.origin.y,
                   b.origin.y + b.size.height);
  bring_into_page (gtk_scrolled_window_get_hadjustment (scrolled), b.origin.x,
                   b.origin.x + b.size.width);
}

static void
cancel_popup (DsFigureView *self)
{
  if (self->popup_clock != NULL)
    g_clear_signal_handler (&self->popup_handler, self->popup_clock);
  g_clear_object (&self->popup_clock);
}

static void
laid_out_cb (GdkFrameClock *clock, DsFigureView *self)
{
  cancel_popup (self);
  if (!button_in_sight (self))
    {
      /* The page went, say: the button comes up again. */
      gtk_menu_button_popdown (GTK_MENU_BUTTON (self->export_button));
      return;
    }
  gtk_menu_button_set_popover (GTK_MENU_BUTTON (self->export_button), self->popover);
  gtk_popover_popup (GTK_POPOVER (self->popover));
}

/* Called as the button goes down, before it pops up the popover it holds, if any. */
static void
create_popup_cb (GtkMenuButton *button, gpointer user_data)
{
  DsFigureView *self = user_data;
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (button_in_sight (self) || clock == NULL)
    {
      if (gtk_menu_button_get_popover (button) == NULL)
        gtk_menu_button_set_popover (button, self->popover);
      return;
    }
  gtk_menu_button_set_popover (button, NULL);
  scroll_into_sight (self);
  cancel_popup (self);
  self->popup_clock = g_object_ref (clock);
  self->popup_handler = g_signal_connect (clock, "after-paint", G_CALLBACK (laid_out_cb), self);
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_LAYOUT);
}

void
_ds_figure_view_class_init_export (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "figure.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "figure.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "figure.export-data", NULL, export_data_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_c, GDK_CONTROL_MASK, "figure.copy",
                                       NULL);
}

void
_ds_figure_view_init_export (DsFigureView *self)
{
  self->popover = g_object_ref (GTK_WIDGET (self->export_popover));
  gtk_menu_button_set_create_popup_func (GTK_MENU_BUTTON (self->export_button), create_popup_cb,
                                         self, NULL);
  g_signal_connect_object (self->export_popover, "show", G_CALLBACK (popover_show_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->dpi_spin, "value-changed", G_CALLBACK (dpi_changed_cb), self,
                           G_CONNECT_SWAPPED);
}

void
_ds_figure_view_dispose_export (DsFigureView *self)
{
  cancel_popup (self);
  g_clear_object (&self->popover);
}
