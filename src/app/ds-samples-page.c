/* ds-samples-page.c — the Samples page.
 *
 * The filters come from the three models' test-set outputs (DsTestOutputs, computed off the
 * main thread and shared with the other pages); the thumbnails are drawn from the samples
 * themselves when their cells are bound, so only the visible ones cost anything.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ds-format.h"
#include "ds-output-status.h"
#include "ds-sample-image.h"
#include "ds-sample-list.h"
#include "ds-sample-row.h"
#include "ds-samples-page.h"
#include "ds-test-outputs.h"
#include "ds-window.h"

#define THUMB_SIZE 84
#define DETAIL_SIZE 168
#define MAX_UNCERTAIN 100

struct _DsSamplesPage
{
  DsPage parent_instance;

  DsTestOutputs *outputs;

  GArray *filtered[DS_N_SAMPLE_FILTERS]; /* of int: test indices per filter */
  DsSampleFilter filter;
  guint64 shown_serial;
  gconstpointer shown_result;
  DsSampleList *list;
  GtkSingleSelection *selection;
  cairo_surface_t *scatter; /* the 2-D test set behind point thumbnails */
  cairo_surface_t *detail_scatter;
  DsData *scatter_data;
  gboolean syncing;
  GtkToggleButton *filter_buttons[DS_N_SAMPLE_FILTERS];
  GtkLabel *detail_cells[KD_N_MODELS + 1][2];

  /* Template children */
  GtkStack *stack;
  DsOutputStatus *status;
  GtkBox *filter_box;
  GtkSpinner *busy_spinner;
  GtkLabel *filter_caption;
  GtkStack *grid_stack;
  GtkGridView *grid;
  AdwStatusPage *empty_status;
  GtkBox *detail_box;
  GtkLabel *detail_title;
  GtkPicture *detail_picture;
  GtkLabel *detail_features;
  GtkGrid *detail_grid;
  GtkLabel *detail_caption;
  GtkButton *soft_labels_button;
  GtkButton *temperature_button;
};

G_DEFINE_FINAL_TYPE (DsSamplesPage, ds_samples_page, DS_TYPE_PAGE)

typedef struct
{
  const char *label;
  const char *tooltip;
  const char *empty; /* the empty grid's explanation */
} FilterInfo;

static const FilterInfo filters[DS_N_SAMPLE_FILTERS] = {
  { N_ ("All"), N_ ("Every test sample, in order"), N_ ("The test set is empty.") },
  { N_ ("Teacher ≠ distilled"),
    N_ ("Samples on which the teacher and the distilled student predict different classes"),
    N_ ("The teacher and the distilled student agree on every test sample.") },
  { N_ ("Teacher ✓ distilled ✗"),
    N_ ("Samples the teacher classifies correctly and the distilled student does not"),
    N_ ("The distilled student is right wherever the teacher is.") },
  { N_ ("Distilled ✓ baseline ✗"),
    N_ ("What distillation fixed: samples the distilled student gets right and the baseline "
        "student, trained on hard labels alone, gets wrong"),
    N_ ("The distilled student is right on no sample the baseline gets wrong.") },
  { N_ ("Most uncertain"),
    N_ ("The samples on which the teacher is least sure (the highest entropy of its output), "
        "most uncertain first"),
    N_ ("The test set is empty.") },
};

/* ---- filters ------------------------------------------------------------------------------ */

static int
compare_entropy_desc (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const double *entropy = user_data;
  double ea = entropy[*(const int *)a], eb = entropy[*(const int *)b];

  return (ea < eb) - (ea > eb);
}

static gboolean
filter_matches (const DsTestResult *r, DsSampleFilter filter, int i)
{
  int y = r->data->test->labels[i];
  int t = r->predicted[KD_TEACHER][i];
  int s = r->predicted[KD_STUDENT][i];
  int b = r->predicted[KD_BASELINE][i];

  switch (filter)
    {
      case DS_SAMPLE_FILTER_DISAGREE:
        return t != s;
      case DS_SAMPLE_FILTER_TEACHER_RIGHT:
        return t == y && s != y;
      case DS_SAMPLE_FILTER_DISTILLED_RIGHT:
        return s == y && b != y;
      case DS_SAMPLE_FILTER_ALL:
      case DS_SAMPLE_FILTER_UNCERTAIN:
      case DS_N_SAMPLE_FILTERS:
      default:
        return TRUE;
    }
}

static void
build_filters (DsSamplesPage *self, const DsTestResult *r)
{
  GArray *uncertain = self->filtered[DS_SAMPLE_FILTER_UNCERTAIN];

  for (int f = 0; f < DS_N_SAMPLE_FILTERS; f++)
    g_array_set_size (self->filtered[f], 0);
  for (int i = 0; i < r->n; i++)
    for (int f = 0; f < DS_N_SAMPLE_FILTERS; f++)
      if (filter_matches (r, f, i))
        g_array_append_val (self->filtered[f], i);
  g_array_sort_with_data (uncertain, compare_entropy_desc, r->teacher_entropy);
  g_array_set_size (uncertain, MIN (uncertain->len, MAX_UNCERTAIN));
}

static void
update_filter_labels (DsSamplesPage *self)
{
  for (int f = 0; f < DS_N_SAMPLE_FILTERS; f++)
    {
      /* Translators: a filter and how many samples it shows, e.g. "All (2,000)" */
      g_autofree char *label
          = g_strdup_printf (_ ("%s (%'u)"), _ (filters[f].label), self->filtered[f]->len);
      gtk_button_set_label (GTK_BUTTON (self->filter_buttons[f]), label);
    }
}

static void
update_caption (DsSamplesPage *self)
{
  const DsTestResult *r = ds_test_outputs_get_result (self->outputs);
  guint n = self->filtered[self->filter]->len;
  g_autofree char *text = NULL;

  if (r == NULL)
    return;
  if (self->filter == DS_SAMPLE_FILTER_ALL)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "The %'u test sample, in order.",
                                         "All %'u test samples, in order.", n),
                            n);
  else if (self->filter == DS_SAMPLE_FILTER_UNCERTAIN)
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The %'u test sample the teacher is least sure about.",
                                         "The %'u test samples the teacher is least sure about, "
                                         "most uncertain first.",
                                         n),
                            n);
  else
    /* Translators: "143 of 2,000 test samples (7.2%): Samples on which ..." */
    text = g_strdup_printf (_ ("%'u of %'d test samples (%.1f%%). %s."), n, r->n,
                            r->n > 0 ? 100.0 * n / r->n : 0.0, _ (filters[self->filter].tooltip));
  gtk_label_set_text (self->filter_caption, text);
}

static void sync_selection (DsSamplesPage *self);

static void
show_filter (DsSamplesPage *self)
{
  GArray *indices = self->filtered[self->filter];

  self->syncing = TRUE;
  ds_sample_list_set_indices (self->list, (const int *)indices->data, indices->len);
  self->syncing = FALSE;
  adw_status_page_set_title (self->empty_status, _ ("No Such Samples"));
  adw_status_page_set_description (self->empty_status, _ (filters[self->filter].empty));
  gtk_stack_set_visible_child_name (self->grid_stack, indices->len > 0 ? "grid" : "empty");
  update_caption (self);
  sync_selection (self);
}

/* A filter the user picks shows its first sample unless the selected one is among its own. */
static void
pick_filter (DsSamplesPage *self, DsSampleFilter filter)
{
  DsExperiment *experiment = ds_page_get_experiment (DS_PAGE (self));
  GArray *indices = self->filtered[filter];

  self->filter = filter;
  show_filter (self);
  if (indices->len > 0
      && ds_sample_list_find (self->list, ds_experiment_get_selected_sample (experiment))
             == G_MAXUINT)
    ds_experiment_set_selected_sample (experiment, g_array_index (indices, int, 0));
}

void
ds_samples_page_set_filter (DsSamplesPage *self, DsSampleFilter filter)
{
  g_return_if_fail (DS_IS_SAMPLES_PAGE (self));
  g_return_if_fail (filter < DS_N_SAMPLE_FILTERS);

  if (!gtk_toggle_button_get_active (self->filter_buttons[filter]))
    {
      /* The toggle's handler shows it. */
      gtk_toggle_button_set_active (self->filter_buttons[filter], TRUE);
      return;
    }
  pick_filter (self, filter);
}

int
ds_samples_page_get_count (DsSamplesPage *self, DsSampleFilter filter)
{
  g_return_val_if_fail (DS_IS_SAMPLES_PAGE (self), -1);
  g_return_val_if_fail (filter < DS_N_SAMPLE_FILTERS, -1);

  if (ds_test_outputs_get_result (self->outputs) == NULL)
    return -1;
  return (int)self->filtered[filter]->len;
}

static void
filter_toggled_cb (GtkToggleButton *button, DsSamplesPage *self)
{
  if (!gtk_toggle_button_get_active (button))
    return;
  for (int f = 0; f < DS_N_SAMPLE_FILTERS; f++)
    if (self->filter_buttons[f] == button)
      pick_filter (self, f);
}

static void
build_filter_buttons (DsSamplesPage *self)
{
  for (int f = 0; f < DS_N_SAMPLE_FILTERS; f++)
    {
      GtkWidget *button = gtk_toggle_button_new_with_label (_ (filters[f].label));

      gtk_widget_set_tooltip_text (button, _ (filters[f].tooltip));
      if (f > 0)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), self->filter_buttons[0]);
      self->filter_buttons[f] = GTK_TOGGLE_BUTTON (button);
      gtk_box_append (self->filter_box, button);
    }
  gtk_toggle_button_set_active (self->filter_buttons[DS_SAMPLE_FILTER_ALL], TRUE);
  for (int f = 0; f < DS_N_SAMPLE_FILTERS; f++)
    g_signal_connect (self->filter_buttons[f], "toggled", G_CALLBACK (filter_toggled_cb), self);
}

/* ---- thumbnails ----------------------------------------------------------------------------- */

static void
ensure_scatter (DsSamplesPage *self, DsData *data)
{
  if (self->scatter_data == data)
    return;
  g_clear_pointer (&self->scatter, cairo_surface_destroy);
  g_clear_pointer (&self->detail_scatter, cairo_surface_destroy);
  g_clear_pointer (&self->scatter_data, ds_data_unref);
  self->scatter_data = ds_data_ref (data);
  if (ds_sample_is_point (data->test))
    {
      self->scatter = ds_sample_scatter_new (data->test, THUMB_SIZE);
      self->detail_scatter = ds_sample_scatter_new (data->test, DETAIL_SIZE);
    }
}

/* "T ✓  D ✓  B ✗": each model's verdict on the sample, told apart by shape, not colour. */
static char *
verdicts (const DsTestResult *r, int index)
{
  /* Translators: one-letter abbreviations of teacher, distilled student, baseline student */
  const char *initials[KD_N_MODELS] = { C_ ("model", "T"), C_ ("model", "D"), C_ ("model", "B") };
  int y = r->data->test->labels[index];

  return g_strdup_printf ("%s %s  %s %s  %s %s", initials[0],
                          r->predicted[0][index] == y ? "✓" : "✗", initials[1],
                          r->predicted[1][index] == y ? "✓" : "✗", initials[2],
                          r->predicted[2][index] == y ? "✓" : "✗");
}

/* A cell: the thumbnail (a picture, or the features as text) with the sample's number over its
 * corner, the true class on a line of its own so that names like "T-shirt/top" fit, and the
 * three models' verdicts. */
static void
setup_cb (GtkSignalListItemFactory *factory, GtkListItem *item, DsSamplesPage *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *thumb = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *features = gtk_label_new (NULL);
  GtkWidget *number = gtk_label_new (NULL);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *marks = gtk_label_new (NULL);

  gtk_widget_set_size_request (picture, THUMB_SIZE, THUMB_SIZE);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_widget_set_size_request (features, THUMB_SIZE, THUMB_SIZE);
  /* Below the number. */
  gtk_label_set_yalign (GTK_LABEL (features), 1.0f);
  gtk_widget_add_css_class (features, "caption");
  gtk_widget_add_css_class (features, "numeric");
  gtk_widget_set_halign (number, GTK_ALIGN_START);
  gtk_widget_set_valign (number, GTK_ALIGN_START);
  gtk_widget_set_can_target (number, FALSE);
  gtk_widget_add_css_class (number, "caption");
  gtk_widget_add_css_class (number, "numeric");
  gtk_widget_add_css_class (number, "ds-sample-number");
  /* A class name longer than the thumbnail is cut, and told in full by the tooltip. */
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (name), 12);
  gtk_widget_add_css_class (name, "caption");
  gtk_widget_add_css_class (marks, "caption");
  gtk_widget_add_css_class (marks, "dim-label");
  gtk_box_append (GTK_BOX (thumb), picture);
  gtk_box_append (GTK_BOX (thumb), features);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), thumb);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), number);
  gtk_box_append (GTK_BOX (box), overlay);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), marks);
  gtk_list_item_set_child (item, box);
}

static void
bind_cb (GtkSignalListItemFactory *factory, GtkListItem *item, DsSamplesPage *self)
{
  const DsTestResult *r = ds_test_outputs_get_result (self->outputs);
  int index = ds_sample_item_get_index (gtk_list_item_get_item (item));
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *overlay = gtk_widget_get_first_child (box);
  GtkWidget *picture = gtk_widget_get_first_child (gtk_overlay_get_child (GTK_OVERLAY (overlay)));
  GtkWidget *features = gtk_widget_get_next_sibling (picture);
  GtkWidget *number = gtk_widget_get_last_child (overlay);
  GtkWidget *name = gtk_widget_get_next_sibling (overlay);
  GtkWidget *marks = gtk_widget_get_next_sibling (name);
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *number_text = NULL;
  g_autofree char *verdict = NULL;
  g_autofree char *accessible = NULL;
  const KdDataset *test;
  const char *class_name;

  if (r == NULL || index < 0 || index >= r->n)
    return;
  test = r->data->test;
  ensure_scatter (self, r->data);
  texture = ds_sample_texture (test, index, THUMB_SIZE, self->scatter);
  gtk_picture_set_paintable (GTK_PICTURE (picture), GDK_PAINTABLE (texture));
  gtk_widget_set_visible (picture, texture != NULL);
  gtk_widget_set_visible (features, texture == NULL);
  if (texture == NULL)
    {
      g_autofree char *text = ds_sample_features_text (test, index, 4);
      gtk_label_set_text (GTK_LABEL (features), text);
    }
  number_text = g_strdup_printf ("#%d", index);
  gtk_label_set_text (GTK_LABEL (number), number_text);
  class_name = ds_class_name (test, test->labels[index]);
  gtk_label_set_text (GTK_LABEL (name), class_name);
  verdict = verdicts (r, index);
  gtk_label_set_text (GTK_LABEL (marks), verdict);
  /* Translators: a thumbnail for screen readers: "Sample 12, true class Sneaker, T ✓ D ✓ B ✗" */
  accessible = g_strdup_printf (_ ("Sample %d, true class %s, %s"), index, class_name, verdict);
  gtk_accessible_update_property (GTK_ACCESSIBLE (picture), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
  gtk_widget_set_tooltip_text (box, accessible);
}

/* ---- the selected sample -------------------------------------------------------------------- */

static double
confidence (const float *logits, int K, int k)
{
  double max = logits[0], sum = 0.0;

  for (int j = 1; j < K; j++)
    max = fmax (max, logits[j]);
  for (int j = 0; j < K; j++)
    sum += exp (logits[j] - max);
  return exp (logits[k] - max) / sum;
}

static void
build_detail_grid (DsSamplesPage *self)
{
  for (int row = 0; row <= KD_N_MODELS; row++)
    for (int col = 0; col < 2; col++)
      {
        GtkWidget *label = gtk_label_new (NULL);

        gtk_label_set_xalign (GTK_LABEL (label), 0.0f);
        gtk_label_set_selectable (GTK_LABEL (label), col == 1);
        if (col == 0)
          gtk_widget_add_css_class (label, "dim-label");
        else
          gtk_widget_add_css_class (label, "numeric");
        gtk_label_set_text (GTK_LABEL (label), col == 1   ? ""
                                               : row == 0 ? _ ("True class")
                                                          : ds_model_title (row - 1));
        gtk_grid_attach (self->detail_grid, label, col, row, 1, 1);
        self->detail_cells[row][col] = GTK_LABEL (label);
      }
}

/* Everything of the detail but its title and caption, which stay for the hint of an empty
 * filter. */
static void
show_sample_widgets (DsSamplesPage *self, gboolean show)
{
  gtk_widget_set_visible (GTK_WIDGET (self->detail_grid), show);
  gtk_widget_set_visible (GTK_WIDGET (self->soft_labels_button), show);
  gtk_widget_set_visible (GTK_WIDGET (self->temperature_button), show);
  if (!show)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->detail_picture), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->detail_features), FALSE);
    }
}

static void
update_detail (DsSamplesPage *self)
{
  const DsTestResult *r = ds_test_outputs_get_result (self->outputs);
  int index = ds_experiment_get_selected_sample (ds_page_get_experiment (DS_PAGE (self)));
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *title = NULL;
  g_autofree char *caption = NULL;
  gboolean none = r != NULL && self->filtered[self->filter]->len == 0;
  const KdDataset *test;
  int y;

  gtk_widget_set_visible (GTK_WIDGET (self->detail_box),
                          none || (r != NULL && index >= 0 && index < r->n));
  if (!gtk_widget_get_visible (GTK_WIDGET (self->detail_box)))
    return;
  show_sample_widgets (self, !none);
  if (none)
    {
      /* The selected sample stays for the other pages, but it is none of these. */
      gtk_label_set_text (self->detail_title, _ ("No Sample"));
      gtk_label_set_text (self->detail_caption,
                          _ ("No test sample passes this filter. Pick another to see one here."));
      return;
    }
  test = r->data->test;
  y = test->labels[index];
  ensure_scatter (self, r->data);
  title = g_strdup_printf (_ ("Sample %d"), index);
  gtk_label_set_text (self->detail_title, title);
  texture = ds_sample_texture (test, index, DETAIL_SIZE, self->detail_scatter);
  gtk_picture_set_paintable (self->detail_picture, GDK_PAINTABLE (texture));
  gtk_widget_set_visible (GTK_WIDGET (self->detail_picture), texture != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_features), texture == NULL);
  if (texture == NULL)
    {
      g_autofree char *text = ds_sample_features_text (test, index, 12);
      gtk_label_set_text (self->detail_features, text);
    }
  gtk_label_set_text (self->detail_cells[0][1], ds_class_name (test, y));
  for (int m = 0; m < KD_N_MODELS; m++)
    {
      int k = r->predicted[m][index];
      double p = confidence (r->logits[m] + (gsize)index * r->K, r->K, k);
      /* Translators: a prediction, e.g. "Sneaker · 97.2% ✓" (✓ right, ✗ wrong) */
      g_autofree char *text = g_strdup_printf (_ ("%s · %.1f%% %s"), ds_class_name (test, k),
                                               100.0 * p, k == y ? "✓" : "✗");
      gtk_label_set_text (self->detail_cells[m + 1][1], text);
    }
  caption = g_strdup_printf (
      _ ("Percentages are each model’s confidence in its prediction. The teacher’s entropy is "
         "%.3f nats of at most %.3f (log K)."),
      r->teacher_entropy[index], log (MAX (r->K, 1)));
  gtk_label_set_text (self->detail_caption, caption);
}

static void
sync_selection (DsSamplesPage *self)
{
  int index = ds_experiment_get_selected_sample (ds_page_get_experiment (DS_PAGE (self)));
  guint position = ds_sample_list_find (self->list, index);

  self->syncing = TRUE;
  gtk_single_selection_set_selected (self->selection,
                                     position != G_MAXUINT ? position : GTK_INVALID_LIST_POSITION);
  self->syncing = FALSE;
  if (position != G_MAXUINT && gtk_widget_get_mapped (GTK_WIDGET (self->grid)))
    gtk_widget_activate_action (GTK_WIDGET (self->grid), "list.scroll-to-item", "u", position);
  update_detail (self);
}

static void
selection_changed_cb (DsSamplesPage *self)
{
  DsSampleItem *item;

  if (self->syncing)
    return;
  item = gtk_single_selection_get_selected_item (self->selection);
  if (item != NULL)
    ds_experiment_set_selected_sample (ds_page_get_experiment (DS_PAGE (self)),
                                       ds_sample_item_get_index (item));
}

static void
show_page (DsSamplesPage *self, const char *name)
{
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (self), DS_TYPE_WINDOW);

  if (window != NULL)
    ds_window_show_page (DS_WINDOW (window), name);
}

static void
soft_labels_clicked_cb (DsSamplesPage *self)
{
  show_page (self, "soft-labels");
}

static void
temperature_clicked_cb (DsSamplesPage *self)
{
  show_page (self, "temperature");
}

/* ---- state ---------------------------------------------------------------------------------- */

static void
refresh (DsSamplesPage *self)
{
  const DsTestResult *r;

  if (!ds_output_status_update (self->status, ds_page_get_experiment (DS_PAGE (self)),
                                self->outputs))
    {
      gtk_stack_set_visible_child_name (self->stack, "status");
      return;
    }
  r = ds_test_outputs_get_result (self->outputs);
  gtk_stack_set_visible_child_name (self->stack, "content");
  gtk_spinner_set_spinning (self->busy_spinner, !ds_test_outputs_is_current (self->outputs));
  gtk_widget_set_visible (GTK_WIDGET (self->busy_spinner),
                          !ds_test_outputs_is_current (self->outputs));
  if (r->serial == self->shown_serial && (gconstpointer)r == self->shown_result)
    return;
  self->shown_serial = r->serial;
  self->shown_result = r;
  build_filters (self, r);
  update_filter_labels (self);
  show_filter (self);
}

/* ---- GObject ----------------------------------------------------------------------------------
 */

GtkWidget *
ds_samples_page_new (DsExperiment *experiment)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (experiment), NULL);

  return g_object_new (DS_TYPE_SAMPLES_PAGE, "experiment", experiment, NULL);
}

static void
ds_samples_page_experiment_set (DsPage *page, DsExperiment *experiment)
{
  DsSamplesPage *self = DS_SAMPLES_PAGE (page);

  self->outputs = g_object_ref (ds_test_outputs_get (experiment));
  ds_page_follow_test_outputs (page, G_CALLBACK (refresh));
  g_signal_connect_object (experiment, "notify::selected-sample", G_CALLBACK (sync_selection), self,
                           G_CONNECT_SWAPPED);
  refresh (self);
}

static void
ds_samples_page_dispose (GObject *object)
{
  DsSamplesPage *self = (DsSamplesPage *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), DS_TYPE_SAMPLES_PAGE);
  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  g_clear_pointer (&self->scatter, cairo_surface_destroy);
  g_clear_pointer (&self->detail_scatter, cairo_surface_destroy);
  g_clear_pointer (&self->scatter_data, ds_data_unref);
  g_clear_object (&self->outputs);

  G_OBJECT_CLASS (ds_samples_page_parent_class)->dispose (object);
}

static void
ds_samples_page_finalize (GObject *object)
{
  DsSamplesPage *self = (DsSamplesPage *)object;

  for (int f = 0; f < DS_N_SAMPLE_FILTERS; f++)
    g_array_unref (self->filtered[f]);

  G_OBJECT_CLASS (ds_samples_page_parent_class)->finalize (object);
}

static void
ds_samples_page_class_init (DsSamplesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DsPageClass *page_class = DS_PAGE_CLASS (klass);

  object_class->dispose = ds_samples_page_dispose;
  object_class->finalize = ds_samples_page_finalize;

  /* A grid of samples is no figure: the defaults (nothing to export) hold. */
  page_class->title = N_ ("Samples");
  page_class->icon_name = "ds-samples-symbolic";
  page_class->experiment_set = ds_samples_page_experiment_set;

  g_type_ensure (DS_TYPE_OUTPUT_STATUS);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/distillscope/Distillscope/ui/"
                                               "ds-samples-page.ui");
  gtk_widget_class_bind_template_child (widget_class, DsSamplesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, DsSamplesPage, status);
  gtk_widget_class_bind_template_child (widget_class, DsSamplesPage, filter_box);
  gtk_widget_class_bind_template_child (widget_class, DsSamplesPage, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, DsSamplesPage, filter_caption);
  gtk_widget_class_bind_template_child (widget_class, DsSamplesPage, grid_stack);
  gtk_widget_class_bind_template_child (widget_class, DsSamplesPage, grid);
  gtk_widget_class_bind_template_child (widget_class, DsSamplesPage, empty_status);
  gtk_widget_class_bind_template_child (widget_class, DsSamplesPage, detail_box);
  gtk_widget_class_bind_template_child (widget_class, DsSamplesPage, detail_title);
  gtk_widget_class_bind_template_child (widget_class, DsSamplesPage, detail_picture);
  gtk_widget_class_bind_template_child (widget_class, DsSamplesPage, detail_features);
  gtk_widget_class_bind_template_child (widget_class, DsSamplesPage, detail_grid);
  gtk_widget_class_bind_template_child (widget_class, DsSamplesPage, detail_caption);
  gtk_widget_class_bind_template_child (widget_class, DsSamplesPage, soft_labels_button);
  gtk_widget_class_bind_template_child (widget_class, DsSamplesPage, temperature_button);
}

static void
ds_samples_page_init (DsSamplesPage *self)
{
  g_autoptr (GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  for (int f = 0; f < DS_N_SAMPLE_FILTERS; f++)
    self->filtered[f] = g_array_new (FALSE, FALSE, sizeof (int));
  ds_output_status_set_icon_name (self->status, "ds-samples-symbolic");
  build_filter_buttons (self);
  build_detail_grid (self);

  self->list = ds_sample_list_new ();
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->list)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), self);
  gtk_grid_view_set_factory (self->grid, factory);
  gtk_grid_view_set_model (self->grid, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_object (self->selection, "notify::selected", G_CALLBACK (selection_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->soft_labels_button, "clicked", G_CALLBACK (soft_labels_clicked_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->temperature_button, "clicked", G_CALLBACK (temperature_clicked_cb),
                           self, G_CONNECT_SWAPPED);
}
