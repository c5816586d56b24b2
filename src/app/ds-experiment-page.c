/* ds-experiment-page.c — the Experiment page.
 *
 * Every edit goes straight into the window's DsExperiment (an invalid learning rate as NaN, an
 * invalid architecture as typed), so the experiment's own check is what enables Start and
 * explains why not; the page adds per-field marks: a red row and the offending token
 * underlined.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "ds-experiment-page-private.h"
#include "ds-presets.h"
#include "kd_loader.h"

G_DEFINE_FINAL_TYPE (DsExperimentPage, ds_experiment_page, DS_TYPE_PAGE)

/* ---- list models ---------------------------------------------------------------------------- */

static void
fill_lists (DsExperimentPage *self)
{
  g_autoptr (GtkStringList) presets = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) modes = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) optimizers = gtk_string_list_new (NULL);
  const char *const *builtins = kd_loader_builtin_names ();
  guint n_presets;
  const DsPreset *p = ds_presets_get (&n_presets);

  gtk_string_list_append (presets, _ ("Custom"));
  for (guint i = 0; i < n_presets; i++)
    gtk_string_list_append (presets, _ (p[i].title));
  adw_combo_row_set_model (self->preset_row, G_LIST_MODEL (presets));

  self->data_names = gtk_string_list_new (NULL);
  self->data_specs = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; builtins[i] != NULL; i++)
    {
      g_autofree char *name = ds_data_spec_display_name (builtins[i]);

      gtk_string_list_append (self->data_names, name);
      g_ptr_array_add (self->data_specs, g_strdup (builtins[i]));
    }
  gtk_string_list_append (self->data_names, kd_loader_fashion_mnist_available ()
                                                ? _ ("Fashion-MNIST")
                                                : _ ("Fashion-MNIST (not installed)"));
  g_ptr_array_add (self->data_specs, g_strdup ("fashion-mnist"));
  adw_combo_row_set_model (self->data_row, G_LIST_MODEL (self->data_names));

  gtk_string_list_append (modes, _ ("Offline: teacher first, then frozen"));
  gtk_string_list_append (modes, _ ("Online: all three learn together"));
  adw_combo_row_set_model (self->mode_row, G_LIST_MODEL (modes));

  /* In KdOptimKind order. */
  gtk_string_list_append (optimizers, _ ("Adam"));
  gtk_string_list_append (optimizers, _ ("SGD with momentum"));
  adw_combo_row_set_model (self->optimizer_row, G_LIST_MODEL (optimizers));
}

static guint
data_index (DsExperimentPage *self, const char *spec)
{
  for (guint i = 0; i < self->data_specs->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->data_specs, i), spec) == 0)
      return i;

  g_autofree char *name = ds_data_spec_display_name (spec);
  /* A spec that names a folder is a set of class folders of PNGs or IDX files, not a file. */
  g_autofree char *label = g_strdup_printf (
      g_file_test (spec, G_FILE_TEST_IS_DIR) ? _ ("%s (folder)") : _ ("%s (from file)"), name);
  gtk_string_list_append (self->data_names, label);
  g_ptr_array_add (self->data_specs, g_strdup (spec));
  return self->data_specs->len - 1;
}

/* ---- widgets <-> experiment -------------------------------------------------------------------
 */

static void
set_spin (GtkSpinButton *spin, double value)
{
  if (gtk_spin_button_get_value (spin) != value)
    gtk_spin_button_set_value (spin, value);
}

static void
set_entry (AdwEntryRow *row, const char *text)
{
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (row)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
update_preset_row (DsExperimentPage *self)
{
  DsExperiment *experiment = ds_page_get_experiment (DS_PAGE (self));
  const KdTrainConfig *cfg = ds_experiment_get_config (experiment);
  const char *spec = ds_experiment_get_data_spec (experiment);
  int limit = ds_experiment_get_train_limit (experiment);
  guint n_presets;
  const DsPreset *presets = ds_presets_get (&n_presets);
  guint selected = 0;

  for (guint i = 0; i < n_presets && selected == 0; i++)
    if (ds_preset_matches (&presets[i], cfg, spec, limit))
      selected = i + 1;
  adw_combo_row_set_selected (self->preset_row, selected);
  adw_preferences_group_set_description (self->preset_group,
                                         selected ? _ (presets[selected - 1].description)
                                                  : _ ("Your own settings. Pick a preset to start "
                                                       "from a known experiment."));
}

static void
update_visibility (DsExperimentPage *self)
{
  const KdTrainConfig *cfg = ds_experiment_get_config (ds_page_get_experiment (DS_PAGE (self)));

  gtk_widget_set_sensitive (GTK_WIDGET (self->final_temperature_row),
                            gtk_switch_get_active (self->anneal_switch));
  gtk_widget_set_sensitive (GTK_WIDGET (self->teacher_epochs_row), cfg->mode == KD_MODE_OFFLINE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->transfer_limit_row), cfg->mode == KD_MODE_OFFLINE);
  gtk_widget_set_visible (GTK_WIDGET (self->momentum_row), cfg->optim.kind == KD_OPTIM_SGD);
}

static void validate (DsExperimentPage *self);

static void
load_from_experiment (DsExperimentPage *self)
{
  DsExperiment *experiment = ds_page_get_experiment (DS_PAGE (self));
  const KdTrainConfig *cfg = ds_experiment_get_config (experiment);
  float lr;

  if (self->updating)
    return;
  self->updating = TRUE;
  adw_combo_row_set_selected (self->data_row,
                              data_index (self, ds_experiment_get_data_spec (experiment)));
  set_spin (self->train_limit_spin, ds_experiment_get_train_limit (experiment));
  set_spin (self->test_limit_spin, ds_experiment_get_test_limit (experiment));
  set_entry (self->teacher_row, cfg->teacher_arch);
  set_entry (self->student_row, cfg->student_arch);
  adw_combo_row_set_selected (self->mode_row, cfg->mode);
  set_spin (self->temperature_spin, cfg->T0);
  gtk_switch_set_active (self->anneal_switch, cfg->T1 != cfg->T0);
  set_spin (self->final_temperature_spin, cfg->T1);
  set_spin (self->alpha_spin, cfg->alpha);
  adw_combo_row_set_selected (self->optimizer_row, cfg->optim.kind);
  if (isfinite (cfg->optim.lr)
      && !(ds_parse_learning_rate (gtk_editable_get_text (GTK_EDITABLE (self->lr_row)), &lr)
           && lr == cfg->optim.lr))
    {
      g_autofree char *text = g_strdup_printf ("%g", (double)cfg->optim.lr);
      set_entry (self->lr_row, text);
    }
  set_spin (self->momentum_spin, cfg->optim.momentum);
  set_spin (self->batch_spin, cfg->batch);
  set_spin (self->teacher_epochs_spin, cfg->teacher_epochs);
  set_spin (self->epochs_spin, cfg->epochs);
  /* Online, the field keeps what the user typed for offline (the run ignores it). */
  if (cfg->mode == KD_MODE_OFFLINE)
    set_spin (self->transfer_limit_spin, cfg->transfer_limit);
  set_spin (self->seed_spin, (double)cfg->seed);
  set_spin (self->threads_spin, cfg->threads);
  update_preset_row (self);
  update_visibility (self);
  self->updating = FALSE;
  validate (self);
}

/* An architecture as typed, without the spaces around it. */
static char *
arch_text (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
}

static void
read_config (DsExperimentPage *self, KdTrainConfig *cfg)
{
  KdOptimKind kind = adw_combo_row_get_selected (self->optimizer_row) == KD_OPTIM_SGD
                         ? KD_OPTIM_SGD
                         : KD_OPTIM_ADAM;
  float lr;

  g_autofree char *teacher = arch_text (self->teacher_row);
  g_autofree char *student = arch_text (self->student_row);

  g_strlcpy (cfg->teacher_arch, teacher, sizeof cfg->teacher_arch);
  g_strlcpy (cfg->student_arch, student, sizeof cfg->student_arch);
  cfg->mode = adw_combo_row_get_selected (self->mode_row) == 1 ? KD_MODE_ONLINE : KD_MODE_OFFLINE;
  cfg->T0 = (float)gtk_spin_button_get_value (self->temperature_spin);
  cfg->T1 = gtk_switch_get_active (self->anneal_switch)
                ? (float)gtk_spin_button_get_value (self->final_temperature_spin)
                : cfg->T0;
  cfg->alpha = (float)gtk_spin_button_get_value (self->alpha_spin);
  if (kind != cfg->optim.kind)
    kd_optim_config_default (&cfg->optim, kind);
  /* NaN makes the experiment's check refuse it with the learning rate's message. */
  cfg->optim.lr = ds_parse_learning_rate (gtk_editable_get_text (GTK_EDITABLE (self->lr_row)), &lr)
                      ? lr
                      : NAN;
  if (kind == KD_OPTIM_SGD)
    cfg->optim.momentum = (float)gtk_spin_button_get_value (self->momentum_spin);
  cfg->batch = gtk_spin_button_get_value_as_int (self->batch_spin);
  cfg->teacher_epochs = gtk_spin_button_get_value_as_int (self->teacher_epochs_spin);
  cfg->epochs = gtk_spin_button_get_value_as_int (self->epochs_spin);
  /* A separate transfer set needs a teacher trained first: online runs use all samples. */
  cfg->transfer_limit = cfg->mode == KD_MODE_OFFLINE
                            ? gtk_spin_button_get_value_as_int (self->transfer_limit_spin)
                            : 0;
  cfg->seed = (guint64)gtk_spin_button_get_value (self->seed_spin);
  cfg->threads = gtk_spin_button_get_value_as_int (self->threads_spin);
}

static void
commit (DsExperimentPage *self)
{
  DsExperiment *experiment = ds_page_get_experiment (DS_PAGE (self));
  KdTrainConfig cfg;
  guint data = adw_combo_row_get_selected (self->data_row);

  if (self->updating || experiment == NULL)
    return;
  cfg = *ds_experiment_get_config (experiment);
  read_config (self, &cfg);

  self->updating = TRUE;
  if (data < self->data_specs->len)
    ds_experiment_set_data_spec (experiment, g_ptr_array_index (self->data_specs, data),
                                 gtk_spin_button_get_value_as_int (self->train_limit_spin),
                                 gtk_spin_button_get_value_as_int (self->test_limit_spin));
  ds_experiment_set_config (experiment, &cfg);
  update_preset_row (self);
  update_visibility (self);
  self->updating = FALSE;
  validate (self);
}

static void
preset_selected_cb (DsExperimentPage *self)
{
  DsExperiment *experiment = ds_page_get_experiment (DS_PAGE (self));
  guint index = adw_combo_row_get_selected (self->preset_row);
  const DsPreset *preset;
  KdTrainConfig cfg;

  if (self->updating || index == 0 || index == GTK_INVALID_LIST_POSITION)
    return;
  preset = &ds_presets_get (NULL)[index - 1];
  cfg = *ds_experiment_get_config (experiment);
  ds_preset_apply (preset, &cfg);
  ds_experiment_set_data_spec (experiment, preset->data_spec, preset->train_limit, 0);
  ds_experiment_set_config (experiment, &cfg);
  load_from_experiment (self);
}

/* ---- checking ---------------------------------------------------------------------------------
 */

/* Checks one architecture row; returns its message (NULL when fine). */
static char *
check_arch_row (AdwEntryRow *row, const DsData *data, size_t *n_params)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  g_autofree char *stripped = arch_text (row);
  int lead = (int)(strstr (text, stripped) - text);
  g_autoptr (PangoAttrList) attrs = pango_attr_list_new ();
  DsArchProblem problem;
  char *message = NULL;
  gboolean ok = ds_arch_check (stripped, data, &problem, &message);

  if (!ok && problem.position >= 0 && problem.length > 0)
    {
      PangoAttribute *underline = pango_attr_underline_new (PANGO_UNDERLINE_ERROR);
      PangoAttribute *weight = pango_attr_weight_new (PANGO_WEIGHT_BOLD);

      underline->start_index = weight->start_index = lead + problem.position;
      underline->end_index = weight->end_index = lead + problem.position + problem.length;
      pango_attr_list_insert (attrs, underline);
      pango_attr_list_insert (attrs, weight);
    }
  adw_entry_row_set_attributes (row, attrs);
  ds_page_mark_invalid (GTK_WIDGET (row), !ok);
  gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_INVALID,
                               ok ? GTK_ACCESSIBLE_INVALID_FALSE : GTK_ACCESSIBLE_INVALID_TRUE, -1);
  *n_params = problem.n_params;
  return message;
}

static void
validate_architectures (DsExperimentPage *self, const DsData *data)
{
  size_t teacher_params = 0, student_params = 0;
  g_autofree char *teacher = check_arch_row (self->teacher_row, data, &teacher_params);
  g_autofree char *student = check_arch_row (self->student_row, data, &student_params);
  g_autofree char *text = NULL;

  if (teacher || student)
    text = g_strdup_printf ("%s%s%s%s%s", teacher ? _ ("Teacher: ") : "", teacher ? teacher : "",
                            teacher && student ? "\n" : "", student ? _ ("Student: ") : "",
                            student ? student : "");
  else if (data != NULL)
    text = g_strdup_printf (_ ("Teacher: %'zu parameters. Each student: %'zu parameters."),
                            teacher_params, student_params);
  gtk_label_set_text (self->arch_message, text ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->arch_message), text != NULL);
  if (teacher || student)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->arch_message), "error");
      gtk_widget_remove_css_class (GTK_WIDGET (self->arch_message), "dim-label");
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->arch_message), "error");
      gtk_widget_add_css_class (GTK_WIDGET (self->arch_message), "dim-label");
    }
}

static void
validate_data (DsExperimentPage *self)
{
  DsExperiment *experiment = ds_page_get_experiment (DS_PAGE (self));
  DsData *data = ds_experiment_get_data (experiment);
  const char *error = ds_experiment_get_data_error (experiment);
  g_autofree char *title = NULL;
  const char *page = "ok";

  if (data != NULL)
    title = ds_data_describe (data);
  else if (error != NULL)
    {
      title = g_strdup (error);
      page = "error";
    }
  else
    {
      g_autofree char *name = ds_data_spec_display_name (ds_experiment_get_data_spec (experiment));
      title = g_strdup_printf (_ ("Loading “%s”…"), name);
      page = "loading";
    }
  gtk_spinner_set_spinning (self->data_spinner, g_str_equal (page, "loading"));
  gtk_stack_set_visible_child_name (self->data_status_stack, page);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->data_status_row), title);
  ds_page_mark_invalid (GTK_WIDGET (self->data_row), error != NULL);
}

static long
total_steps (const KdTrainConfig *cfg, const DsData *data)
{
  int n = data->train->n;
  int n_student = cfg->transfer_limit > 0 && cfg->transfer_limit < n ? cfg->transfer_limit : n;
  long batches = (n + cfg->batch - 1) / cfg->batch;
  long student_batches = (n_student + cfg->batch - 1) / cfg->batch;

  if (cfg->mode == KD_MODE_ONLINE)
    return batches * cfg->epochs;
  return batches * cfg->teacher_epochs + student_batches * cfg->epochs;
}

static void
set_check (DsExperimentPage *self, const char *icon, const char *css, const char *text)
{
  gtk_image_set_from_icon_name (self->check_icon, icon);
  gtk_widget_remove_css_class (GTK_WIDGET (self->check_icon), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (self->check_icon), "warning");
  gtk_widget_add_css_class (GTK_WIDGET (self->check_icon), css);
  gtk_label_set_text (self->check_label, text);
}

static void
validate (DsExperimentPage *self)
{
  DsExperiment *experiment = ds_page_get_experiment (DS_PAGE (self));
  DsRunState state = ds_experiment_get_state (experiment);
  DsData *data = ds_experiment_get_data (experiment);
  g_autofree char *message = NULL;
  DsConfigField field;
  float lr;

  if (self->updating)
    return;
  validate_data (self);
  validate_architectures (self, data);
  ds_page_mark_invalid (
      GTK_WIDGET (self->lr_row),
      !ds_parse_learning_rate (gtk_editable_get_text (GTK_EDITABLE (self->lr_row)), &lr));
  gtk_widget_set_sensitive (GTK_WIDGET (self->form), !ds_run_state_is_active (state));

  if (ds_run_state_is_active (state))
    set_check (self, "media-playback-start-symbolic", "success",
               _ ("A run is in progress. Stop it on the Training page to change the experiment."));
  else if (!ds_experiment_check (experiment, &field, &message))
    set_check (self, "dialog-warning-symbolic", "warning", message);
  else
    {
      const KdTrainConfig *cfg = ds_experiment_get_config (experiment);
      g_autofree char *ready = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "Ready: %'ld training step in all.",
                       "Ready: %'ld training steps in all.", total_steps (cfg, data)),
          total_steps (cfg, data));
      set_check (self, "object-select-symbolic", "success", ready);
    }
  ds_page_mark_invalid (GTK_WIDGET (self->transfer_limit_row),
                        message != NULL && field == DS_FIELD_TRANSFER_LIMIT);
}

/* ---- sample limits: 0 shows as "All" ------------------------------------------------------ */

static gboolean
limit_output_cb (GtkSpinButton *spin)
{
  if (gtk_spin_button_get_value_as_int (spin) != 0)
    return FALSE;
  gtk_editable_set_text (GTK_EDITABLE (spin), _ ("All"));
  return TRUE;
}

static int
limit_input_cb (GtkSpinButton *spin, double *value)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (spin))));
  g_autofree char *all = g_utf8_casefold (_ ("All"), -1);
  g_autofree char *typed = g_utf8_casefold (text, -1);

  if (*text == '\0' || g_str_equal (typed, all))
    {
      *value = 0.0;
      return TRUE;
    }
  return FALSE;
}

/* ---- public ------------------------------------------------------------------------------------
 */

void
ds_experiment_page_select_data (DsExperimentPage *self, const char *spec)
{
  g_return_if_fail (DS_IS_EXPERIMENT_PAGE (self));
  g_return_if_fail (spec != NULL);

  adw_combo_row_set_selected (self->data_row, data_index (self, spec));
  commit (self);
}

GtkWidget *
ds_experiment_page_new (DsExperiment *experiment)
{
  g_return_val_if_fail (DS_IS_EXPERIMENT (experiment), NULL);

  return g_object_new (DS_TYPE_EXPERIMENT_PAGE, "experiment", experiment, NULL);
}

/* ---- GObject ------------------------------------------------------------------------------------
 */

static void
ds_experiment_page_experiment_set (DsPage *page, DsExperiment *experiment)
{
  DsExperimentPage *self = DS_EXPERIMENT_PAGE (page);

  g_signal_connect_object (experiment, "config-changed", G_CALLBACK (load_from_experiment), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (experiment, "notify::data", G_CALLBACK (validate), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (experiment, "notify::data-error", G_CALLBACK (validate), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (experiment, "notify::state", G_CALLBACK (validate), self,
                           G_CONNECT_SWAPPED);
  load_from_experiment (self);
}

static void
ds_experiment_page_dispose (GObject *object)
{
  DsExperimentPage *self = (DsExperimentPage *)object;
  GtkWidget *child;

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), DS_TYPE_EXPERIMENT_PAGE);
  /* Children the template does not bind. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->data_names);
  g_clear_pointer (&self->data_specs, g_ptr_array_unref);

  G_OBJECT_CLASS (ds_experiment_page_parent_class)->dispose (object);
}

#define BIND(name) gtk_widget_class_bind_template_child (widget_class, DsExperimentPage, name)

static void
ds_experiment_page_class_init (DsExperimentPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  DsPageClass *page_class = DS_PAGE_CLASS (klass);

  object_class->dispose = ds_experiment_page_dispose;

  page_class->title = N_ ("Experiment");
  page_class->icon_name = "ds-experiment-symbolic";
  page_class->experiment_set = ds_experiment_page_experiment_set;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/distillscope/Distillscope/ui/"
                                               "ds-experiment-page.ui");
  BIND (form);
  BIND (preset_group);
  BIND (preset_row);
  BIND (data_row);
  BIND (train_limit_spin);
  BIND (test_limit_spin);
  BIND (data_status_row);
  BIND (data_status_stack);
  BIND (data_spinner);
  BIND (models_group);
  BIND (teacher_row);
  BIND (student_row);
  BIND (arch_message);
  BIND (mode_row);
  BIND (temperature_spin);
  BIND (anneal_switch);
  BIND (final_temperature_row);
  BIND (final_temperature_spin);
  BIND (alpha_spin);
  BIND (optimizer_row);
  BIND (lr_row);
  BIND (momentum_row);
  BIND (momentum_spin);
  BIND (batch_spin);
  BIND (teacher_epochs_row);
  BIND (teacher_epochs_spin);
  BIND (epochs_spin);
  BIND (transfer_limit_row);
  BIND (transfer_limit_spin);
  BIND (seed_spin);
  BIND (threads_spin);
  BIND (check_icon);
  BIND (check_label);

  gtk_widget_class_bind_template_callback (widget_class, limit_output_cb);
  gtk_widget_class_bind_template_callback (widget_class, limit_input_cb);

  _ds_experiment_page_class_actions_init (klass);
}

#undef BIND

static void
connect_changed (DsExperimentPage *self, gpointer widget, const char *signal)
{
  g_signal_connect_object (widget, signal, G_CALLBACK (commit), self, G_CONNECT_SWAPPED);
}

static void
limit_entries (AdwEntryRow *row)
{
  GtkEditable *text = gtk_editable_get_delegate (GTK_EDITABLE (row));

  /* KdTrainConfig holds architecture strings of up to 255 bytes. */
  if (GTK_IS_TEXT (text))
    gtk_text_set_max_length (GTK_TEXT (text), 255);
}

static void
ds_experiment_page_init (DsExperimentPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fill_lists (self);
  limit_entries (self->teacher_row);
  limit_entries (self->student_row);

  g_signal_connect_object (self->preset_row, "notify::selected", G_CALLBACK (preset_selected_cb),
                           self, G_CONNECT_SWAPPED);
  connect_changed (self, self->data_row, "notify::selected");
  connect_changed (self, self->mode_row, "notify::selected");
  connect_changed (self, self->optimizer_row, "notify::selected");
  connect_changed (self, self->teacher_row, "changed");
  connect_changed (self, self->student_row, "changed");
  connect_changed (self, self->lr_row, "changed");
  connect_changed (self, self->anneal_switch, "notify::active");
  connect_changed (self, self->train_limit_spin, "value-changed");
  connect_changed (self, self->test_limit_spin, "value-changed");
  connect_changed (self, self->temperature_spin, "value-changed");
  connect_changed (self, self->final_temperature_spin, "value-changed");
  connect_changed (self, self->alpha_spin, "value-changed");
  connect_changed (self, self->momentum_spin, "value-changed");
  connect_changed (self, self->batch_spin, "value-changed");
  connect_changed (self, self->teacher_epochs_spin, "value-changed");
  connect_changed (self, self->epochs_spin, "value-changed");
  connect_changed (self, self->transfer_limit_spin, "value-changed");
  connect_changed (self, self->seed_spin, "value-changed");
  connect_changed (self, self->threads_spin, "value-changed");
}
