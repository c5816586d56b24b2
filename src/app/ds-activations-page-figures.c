/* ds-activations-page-figures.c — the Activations page's layer pickers, its figures drawn
 * from the analyses' results, and what hovering and clicking them does. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ds-activations-page-private.h"
#include "ds-format.h"

/* ---- layer pickers ---------------------------------------------------------------------------
 */

static const char *
selected_name (AdwComboRow *row)
{
  GObject *item = adw_combo_row_get_selected_item (row);

  return item ? gtk_string_object_get_string (GTK_STRING_OBJECT (item)) : NULL;
}

/* Fills row with names (n), first `all` when not NULL, keeping the selected name when it is
 * still there and selecting `fallback` otherwise; FALSE when it already held those names. */
static gboolean
fill_row (AdwComboRow *row, const char *all, const KdRepLayer *layers, int n, int fallback)
{
  g_autofree char *keep = g_strdup (selected_name (row));
  g_autoptr (GtkStringList) list = gtk_string_list_new (NULL);
  GListModel *old = adw_combo_row_get_model (row);
  guint select = fallback >= 0 ? (guint)fallback : 0;
  guint offset = all ? 1 : 0;
  gboolean same = old != NULL && g_list_model_get_n_items (old) == (guint)n + offset;

  if (all)
    gtk_string_list_append (list, all);
  for (int i = 0; i < n; i++)
    {
      gtk_string_list_append (list, layers[i].name);
      same = same
             && g_strcmp0 (gtk_string_list_get_string (GTK_STRING_LIST (old), i + offset),
                           layers[i].name)
                    == 0;
    }
  if (same)
    return FALSE;
  for (guint i = 0; keep != NULL && i < (guint)n + offset; i++)
    if (g_strcmp0 (gtk_string_list_get_string (list, i), keep) == 0)
      select = i;
  adw_combo_row_set_model (row, G_LIST_MODEL (list));
  if (n + offset > 0)
    adw_combo_row_set_selected (row, MIN (select, (guint)n + offset - 1));
  return TRUE;
}

/* Fills the layer pickers from the latest result; a new pair of layers is asked for at once. */
void
_ds_activations_page_update_layer_rows (DsActivationsPage *self)
{
  KdModelId rows, cols;
  const KdRepLayer *layers;
  gboolean pair_changed;
  int n;

  self->updating_rows = TRUE;
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      layers = _ds_activations_page_model_layers (self, m, &n);
      fill_row (_ds_activations_page_layer_row (self, m), _ ("All layers"), layers, n, 0);
    }
  _ds_activations_page_pair_models (self, &rows, &cols);
  layers = _ds_activations_page_model_layers (self, rows, &n);
  pair_changed
      = fill_row (self->row_layer_row, NULL, layers, n, kd_activations_last_hidden (layers, n));
  layers = _ds_activations_page_model_layers (self, cols, &n);
  pair_changed
      |= fill_row (self->col_layer_row, NULL, layers, n, kd_activations_last_hidden (layers, n));
  self->updating_rows = FALSE;
  if (pair_changed && n > 0)
    _ds_activations_page_refresh (self);
}

/* ---- activation maps ---------------------------------------------------------------------- */

static void
fill_acts_model (DsActivationsPage *self, const DsModelActivations *a, KdModelId m)
{
  guint pick = adw_combo_row_get_selected (_ds_activations_page_layer_row (self, m));
  FigActivationModel *out = &self->acts_data.models[m];
  int n = 0;

  for (int i = 0; i < a->n_layers && n < FIG_ACTIVATIONS_MAX_LAYERS; i++)
    {
      const KdRepLayer *l = &a->layers[i];

      /* 0 is "All layers". */
      if (pick != 0 && pick != GTK_INVALID_LIST_POSITION && (guint)i + 1 != pick)
        continue;
      self->act_layers[m][n++] = (FigActivationLayer){
        .name = l->name, .c = l->c, .h = l->h, .w = l->w, .values = a->values + l->offset
      };
    }
  *out = (FigActivationModel){ .model = m, .n_layers = n, .layers = self->act_layers[m] };
}

/* A height for the figure that gives feature maps room to be seen and strips no more than
 * they need: the tallest of the model columns. */
static int
acts_height (const FigActivationsData *data)
{
  int tallest = 0;

  for (int m = 0; m < data->n_models; m++)
    {
      int h = 0;

      for (int i = 0; i < data->models[m].n_layers; i++)
        h += data->models[m].layers[i].h * data->models[m].layers[i].w > 1 ? 150 : 44;
      tallest = MAX (tallest, h);
    }
  return CLAMP (70 + tallest, 220, 1100);
}

void
_ds_activations_page_show_activations (DsActivationsPage *self)
{
  DsActivationsResult *r = ds_analysis_get_result (self->acts);
  const KdDataset *test;

  ds_analysis_page_show_analysis (self->acts, self->maps_view, self->maps_error);
  _ds_activations_page_update_layer_rows (self);
  if (r == NULL || self->tracker.source == NULL)
    {
      ds_figure_view_set_figure (self->maps_view, FIG_KIND_ACTIVATIONS, NULL);
      gtk_label_set_text (self->maps_caption, "");
      ds_page_notify_can_export (DS_PAGE (self));
      return;
    }
  test = self->tracker.source->data->test;
  /* Translators: "Activations · test sample 17" */
  _ds_activations_page_set_title (self, 0,
                                  g_strdup_printf (_ ("Activations · test sample %d"), r->sample));
  self->acts_data = (FigActivationsData){
    .n_models = KD_N_MODELS,
    .max_maps = gtk_spin_button_get_value_as_int (self->max_maps_spin),
    .title = self->titles[0],
  };
  for (int m = 0; m < KD_N_MODELS; m++)
    fill_acts_model (self, &r->models[m], m);
  gtk_widget_set_size_request (GTK_WIDGET (self->maps_view), -1, acts_height (&self->acts_data));
  ds_figure_view_set_figure (self->maps_view, FIG_KIND_ACTIVATIONS, &self->acts_data);
  {
    g_autofree char *caption = g_strdup_printf (
        _ ("Predictions — teacher: %s, distilled student: %s, baseline student: %s. Every layer "
           "has its own colour scale, shared by its feature maps, from 0 (or its lowest value) "
           "to its highest."),
        ds_class_name (test, r->models[KD_TEACHER].predicted),
        ds_class_name (test, r->models[KD_STUDENT].predicted),
        ds_class_name (test, r->models[KD_BASELINE].predicted));
    gtk_label_set_text (self->maps_caption, caption);
  }
  ds_figure_view_set_description (self->maps_view, self->titles[0]);
  ds_page_notify_can_export (DS_PAGE (self));
}

/* ---- CKA ---------------------------------------------------------------------------------------
 */

void
_ds_activations_page_show_cka (DsActivationsPage *self)
{
  DsCkaResult *r = ds_analysis_get_result (self->cka);
  KdCkaPair pair = (KdCkaPair)adw_combo_row_get_selected (self->pair_row);
  KdModelId rows, cols;

  ds_analysis_page_show_analysis (self->cka, self->cka_view, self->cka_error);
  if (ds_analysis_get_result (self->acts) == NULL)
    _ds_activations_page_update_layer_rows (self);
  if (r == NULL || r->values[pair] == NULL)
    {
      ds_figure_view_set_figure (self->cka_view, FIG_KIND_HEATMAP, NULL);
      gtk_label_set_text (self->cka_caption, "");
      ds_page_notify_can_export (DS_PAGE (self));
      return;
    }
  kd_cka_pair_models (pair, &rows, &cols);
  fig_cka_heatmap (&self->cka_data, r->cka->n_layers[rows], r->cka->n_layers[cols], r->values[pair],
                   r->layer_names[rows], r->layer_names[cols], (FigModel)rows, (FigModel)cols);
  /* Translators: "Linear CKA · 500 test samples" */
  _ds_activations_page_set_title (
      self, 1, g_strdup_printf (_ ("Linear CKA · %d test samples"), r->cka->n_samples));
  self->cka_data.title = self->titles[1];
  ds_figure_view_set_figure (self->cka_view, FIG_KIND_HEATMAP, &self->cka_data);
  {
    g_autofree char *caption = g_strdup_printf (
        /* Translators: "Rows: Teacher layers; columns: Distilled student layers. ..." */
        _ ("Rows: %s layers; columns: %s layers. Click a cell to see those two layers side by "
           "side below."),
        ds_model_title (rows), ds_model_title (cols));
    gtk_label_set_text (self->cka_caption, caption);
  }
  ds_figure_view_set_description (self->cka_view, self->titles[1]);
  ds_page_notify_can_export (DS_PAGE (self));
}

char *
_ds_activations_page_cka_hover (DsFigureView *view, double x, double y, gpointer user_data)
{
  DsActivationsPage *self = user_data;
  KdModelId rows, cols;
  int row, col;

  if (!ds_figure_view_has_figure (view)
      || !ds_figure_view_pick_heatmap_cell (view, &self->cka_data, x, y, &row, &col))
    return NULL;
  _ds_activations_page_pair_models (self, &rows, &cols);
  /* Translators: "conv1 (Teacher) × fc1 (Distilled student): CKA 0.83" */
  return g_strdup_printf (_ ("%s (%s) × %s (%s): CKA %.3f"), self->cka_data.row_names[row],
                          ds_model_title (rows), self->cka_data.col_names[col],
                          ds_model_title (cols),
                          self->cka_data.values[row * self->cka_data.n_cols + col]);
}

void
_ds_activations_page_cka_pressed (DsActivationsPage *self, int n_press, double x, double y)
{
  int row, col;

  if (!ds_figure_view_has_figure (self->cka_view)
      || !ds_figure_view_pick_heatmap_cell (self->cka_view, &self->cka_data, x, y, &row, &col))
    return;
  self->updating_rows = TRUE;
  adw_combo_row_set_selected (self->row_layer_row, row);
  adw_combo_row_set_selected (self->col_layer_row, col);
  self->updating_rows = FALSE;
  _ds_activations_page_refresh (self);
}

/* ---- scatters ------------------------------------------------------------------------------- */

void
_ds_activations_page_show_pca (DsActivationsPage *self)
{
  DsPcaResult *r = ds_analysis_get_result (self->pca);

  ds_analysis_page_show_analysis (self->pca, self->pca_view, self->pca_error);
  ds_pca_picker_reset (&self->pca_picker);
  if (r == NULL || self->tracker.source == NULL)
    {
      ds_figure_view_set_figure (self->pca_view, FIG_KIND_PCA, NULL);
      gtk_widget_set_visible (self->pca_preview, FALSE);
      gtk_label_set_text (self->pca_caption, "");
      ds_page_notify_can_export (DS_PAGE (self));
      return;
    }
  /* Translators: "Last hidden layer · 500 test samples" */
  _ds_activations_page_set_title (
      self, 3, g_strdup_printf (_ ("Last hidden layer · %d test samples"), r->n));
  self->pca_data = (FigPcaData){
    .n_panels = KD_N_MODELS,
    .labels = r->labels,
    .n_classes = self->tracker.source->shape.n_classes,
    .class_names = self->class_names,
    .title = self->titles[3],
  };
  for (int m = 0; m < KD_N_MODELS; m++)
    self->pca_data.panels[m] = (FigPcaPanel){
      .model = m,
      .layer = r->layer[m],
      .n = r->n,
      .coords = r->coords[m],
      .dims = 2,
      .ratio = { r->ratio[m][0], r->ratio[m][1] },
    };
  ds_figure_view_set_figure (self->pca_view, FIG_KIND_PCA, &self->pca_data);
  {
    g_autofree char *caption = g_strdup_printf (
        _ ("Each model’s last hidden layer on %d test samples, projected on its first two "
           "principal components and coloured by true class. Point at a dot to see its sample, "
           "click it to select it."),
        r->n);
    gtk_label_set_text (self->pca_caption, caption);
    ds_figure_view_set_description (self->pca_view, caption);
  }
  ds_page_notify_can_export (DS_PAGE (self));
}

static double
pair_cka (DsActivationsPage *self, int *n)
{
  DsCkaResult *r = ds_analysis_get_result (self->cka);
  KdCkaPair pair = (KdCkaPair)adw_combo_row_get_selected (self->pair_row);
  guint row = adw_combo_row_get_selected (self->row_layer_row);
  guint col = adw_combo_row_get_selected (self->col_layer_row);
  KdModelId rows, cols;

  kd_cka_pair_models (pair, &rows, &cols);
  if (r == NULL || r->values[pair] == NULL || row >= (guint)r->cka->n_layers[rows]
      || col >= (guint)r->cka->n_layers[cols])
    return NAN;
  *n = r->cka->n_samples;
  return r->cka->cka[pair][row * r->cka->n_layers[cols] + col];
}

void
_ds_activations_page_show_pair (DsActivationsPage *self)
{
  DsPairResult *r = ds_analysis_get_result (self->pair);
  KdModelId rows, cols;
  int n_cka = 0;
  double cka;

  ds_analysis_page_show_analysis (self->pair, self->pair_view, self->pair_error);
  ds_pca_picker_reset (&self->pair_picker);
  if (r == NULL || self->tracker.source == NULL)
    {
      ds_figure_view_set_figure (self->pair_view, FIG_KIND_PCA, NULL);
      gtk_label_set_text (self->pair_caption, "");
      ds_page_notify_can_export (DS_PAGE (self));
      return;
    }
  _ds_activations_page_pair_models (self, &rows, &cols);
  /* Translators: "Layer pair: conv1 and fc1" */
  _ds_activations_page_set_title (
      self, 2, g_strdup_printf (_ ("Layer pair: %s and %s"), r->layer[0], r->layer[1]));
  self->pair_data = (FigPcaData){
    .n_panels = 2,
    .labels = r->labels,
    .n_classes = self->tracker.source->shape.n_classes,
    .class_names = self->class_names,
    .title = self->titles[2],
  };
  for (int side = 0; side < 2; side++)
    self->pair_data.panels[side] = (FigPcaPanel){
      .model = side == 0 ? rows : cols,
      .layer = r->layer[side],
      .n = r->n,
      .coords = r->coords[side],
      .dims = 2,
      .ratio = { r->ratio[side][0], r->ratio[side][1] },
    };
  ds_figure_view_set_figure (self->pair_view, FIG_KIND_PCA, &self->pair_data);
  cka = pair_cka (self, &n_cka);
  {
    g_autofree char *cka_text
        = isfinite (cka)
              ? g_strdup_printf (_ ("Their linear CKA is %.3f (on %d samples)."), cka, n_cka)
              : g_strdup ("");
    g_autofree char *caption = g_strdup_printf (
        /* Translators: "fc1 (Teacher) and fc1 (Distilled student), each projected ..." */
        _ ("%s (%s) and %s (%s), each projected on its own first two principal components, %d "
           "test samples. %s Similar arrangements of the classes mean similar "
           "representations."),
        r->layer[0], ds_model_title (rows), r->layer[1], ds_model_title (cols), r->n, cka_text);
    gtk_label_set_text (self->pair_caption, caption);
    ds_figure_view_set_description (self->pair_view, caption);
  }
  ds_page_notify_can_export (DS_PAGE (self));
}

/* The dataset sample a dot stands for, or -1. */
static int
picked_sample (
    DsActivationsPage *self, DsFigureView *view, double x, double y, int *panel, int *point)
{
  if (view == self->pca_view)
    {
      DsPcaResult *r = ds_analysis_get_result (self->pca);

      if (r == NULL
          || !ds_pca_picker_pick (&self->pca_picker, view, &self->pca_data, x, y, panel, point))
        return -1;
      return r->indices[*point];
    }
  else
    {
      DsPairResult *r = ds_analysis_get_result (self->pair);

      if (r == NULL
          || !ds_pca_picker_pick (&self->pair_picker, view, &self->pair_data, x, y, panel, point))
        return -1;
      return r->indices[*point];
    }
}

/* The sample as a small image, THUMBNAIL_SCALE pixels per pixel; NULL for data that are no
 * images. */
static GdkTexture *
sample_thumbnail (const KdDataset *ds, int index)
{
  int s = THUMBNAIL_SCALE, w = ds->w * s, h = ds->h * s;
  const uint8_t *src;
  g_autoptr (GBytes) bytes = NULL;
  guint8 *rgb;

  if (ds->pixels == NULL || ds->h < 2 || ds->w < 2 || (ds->c != 1 && ds->c != 3))
    return NULL;
  src = ds->pixels + (gsize)index * kd_dataset_dim (ds);
  rgb = g_malloc ((gsize)w * h * 3);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int k = 0; k < 3; k++)
        {
          int c = ds->c == 3 ? k : 0;
          rgb[((gsize)y * w + x) * 3 + k] = src[((gsize)c * ds->h + y / s) * ds->w + x / s];
        }
  bytes = g_bytes_new_take (rgb, (gsize)w * h * 3);
  return gdk_memory_texture_new (w, h, GDK_MEMORY_R8G8B8, bytes, (gsize)w * 3);
}

/* The hovered dot of the PCA figure under it: the sample's image and what each model makes
 * of it. Stays until another dot is hovered. */
static void
show_preview (DsActivationsPage *self, const DsPcaResult *r, int point)
{
  const KdDataset *test = self->tracker.source->data->test;
  int sample = r->indices[point];
  g_autoptr (GdkTexture) texture = sample_thumbnail (test, sample);
  g_autofree char *text = g_strdup_printf (
      /* Translators: "Test sample 462, true class 7. Predictions — teacher: 7, distilled
       * student: 7, baseline student: 9. Click the dot to show this sample everywhere." */
      _ ("Test sample %d, true class %s. Predictions — teacher: %s, distilled student: %s, "
         "baseline student: %s. Click the dot to show this sample on every page."),
      sample, ds_class_name (test, test->labels[sample]),
      ds_class_name (test, r->predicted[KD_TEACHER][point]),
      ds_class_name (test, r->predicted[KD_STUDENT][point]),
      ds_class_name (test, r->predicted[KD_BASELINE][point]));

  gtk_picture_set_paintable (self->pca_thumbnail, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (self->pca_thumbnail), texture != NULL);
  gtk_label_set_text (self->pca_preview_label, text);
  gtk_widget_set_visible (self->pca_preview, TRUE);
}

char *
_ds_activations_page_scatter_hover (DsFigureView *view, double x, double y, gpointer user_data)
{
  DsActivationsPage *self = user_data;
  const KdDataset *test;
  int panel, point, sample;

  if (self->tracker.source == NULL
      || (sample = picked_sample (self, view, x, y, &panel, &point)) < 0)
    return NULL;
  test = self->tracker.source->data->test;
  if (view == self->pca_view)
    {
      DsPcaResult *r = ds_analysis_get_result (self->pca);
      KdModelId m = (KdModelId)panel;

      show_preview (self, r, point);
      /* Translators: hover text of a PCA dot, e.g.
       * "Test sample 17 · true class Sneaker\nDistilled student predicts Sandal" */
      return g_strdup_printf (_ ("Test sample %d · true class %s\n%s predicts %s"), sample,
                              ds_class_name (test, test->labels[sample]), ds_model_title (m),
                              ds_class_name (test, r->predicted[m][point]));
    }
  return g_strdup_printf (_ ("Test sample %d · true class %s"), sample,
                          ds_class_name (test, test->labels[sample]));
}

void
_ds_activations_page_scatter_pressed (
    GtkGestureClick *click, int n_press, double x, double y, DsActivationsPage *self)
{
  DsFigureView *view
      = DS_FIGURE_VIEW (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (click)));
  int panel, point, sample;

  if (self->tracker.source != NULL
      && (sample = picked_sample (self, view, x, y, &panel, &point)) >= 0)
    ds_experiment_set_selected_sample (ds_page_get_experiment (DS_PAGE (self)), sample);
}
