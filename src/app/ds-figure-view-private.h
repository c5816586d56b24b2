/* ds-figure-view-private.h — shared by ds-figure-view.c, ds-figure-view-probe.c (hit testing)
 * and ds-figure-view-export.c (Export, Copy and their popover). */
#pragma once

#include "ds-figure-view.h"

G_BEGIN_DECLS

#define DS_FIGURE_FALLBACK_WIDTH 720 /* the export layout of a view that is not shown */
#define DS_FIGURE_FALLBACK_HEIGHT 450

struct _DsFigureView
{
  GtkWidget parent_instance;

  FigPaintFunc paint;
  FigCsvFunc csv;
  FigKind kind;       /* FIG_N_KINDS for a painter outside the registry */
  gconstpointer data; /* borrowed from the page */
  char *title;
  char *description;
  char *export_name;
  DsExperiment *experiment;

  DsFigureHoverFunc hover_func;
  gpointer hover_data;
  GDestroyNotify hover_destroy;
  double hover_x, hover_y;
  gboolean pointer_inside;

  GHashTable *probes; /* key -> cairo_surface_t, at probe_width x probe_height */
  int probe_width, probe_height;

  GSettings *settings;
  GtkFileChooserNative *chooser;
  DsFigureExportOptions pending; /* what the chooser's file is exported with */
  DsExportFormat pending_format;
  double shown_dpi; /* the dpi the popover's width and height belong to */
  gboolean popover_initialised;
  GtkWidget *popover;         /* export_popover, kept while the button does not hold it */
  GdkFrameClock *popup_clock; /* a popup waiting for the figure to scroll into sight */
  gulong popup_handler;

  /* Template children */
  GtkDrawingArea *area;
  GtkLabel *hover_label;
  GtkWidget *toolbar;
  GtkWidget *copy_button;
  GtkWidget *export_button;
  GtkPopover *export_popover;
  GtkDropDown *format_dropdown;
  GtkDropDown *style_dropdown;
  GtkSpinButton *width_spin;
  GtkSpinButton *height_spin;
  GtkSpinButton *dpi_spin;
  GtkLabel *size_hint;
};

/* The figure style of the desktop's light or dark appearance. */
const FigStyle *_ds_figure_view_screen_style (void);
void _ds_figure_view_clear_probes (DsFigureView *self);
void _ds_figure_view_class_init_export (GtkWidgetClass *widget_class);
void _ds_figure_view_init_export (DsFigureView *self);
void _ds_figure_view_dispose_export (DsFigureView *self);

G_END_DECLS
