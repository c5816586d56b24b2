/* ds-temperature-page-sweep.c — the Temperature page's training sweeps: the grid in the side
 * bar, the run in a DsSweepJob thread with its progress, and the results as a figure and a
 * table. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ds-analysis-page.h"
#include "ds-format.h"
#include "ds-sweep-job.h"
#include "ds-temperature-page-private.h"

static const KdSweepMetric panel_metrics[N_PANELS]
    = { KD_SWEEP_ACCURACY, KD_SWEEP_AGREEMENT, KD_SWEEP_KL };

/* Accuracy and agreement are shown in percent, as on every other page; KL in nats. */
static gboolean
metric_in_percent (KdSweepMetric metric)
{
  return metric == KD_SWEEP_ACCURACY || metric == KD_SWEEP_AGREEMENT;
}

/* ---- the sweep grid -------------------------------------------------------------------------- */

/* One of the grid's fields: its row, its name in messages, and the values it accepts. */
typedef struct
{
  AdwEntryRow *row;
  const char *what;
  double lo, hi;
  gboolean lo_open, whole, required;
} GridField;

static gboolean
value_fits (const GridField *f, double v)
{
  if (!isfinite (v) || (f->lo_open ? v <= f->lo : v < f->lo) || v > f->hi)
    return FALSE;
  return !f->whole || v == floor (v);
}

/* Why v does not fit f, for the message. */
static char *
range_text (const GridField *f)
{
  if (f->whole)
    return g_strdup (_ ("must be a whole number of 0 or more"));
  if (f->lo_open)
    return g_strdup_printf (_ ("must be greater than %g and at most %g"), f->lo, f->hi);
  return g_strdup_printf (_ ("must lie between %g and %g"), f->lo, f->hi);
}

/* Numbers separated by commas, semicolons or spaces, each within the field's range; FALSE with
 * a message naming the field and the first bad value otherwise. */
static gboolean
parse_field (const GridField *f, double *values, int *n, GError **error)
{
  g_auto (GStrv) parts
      = g_strsplit_set (gtk_editable_get_text (GTK_EDITABLE (f->row)), ",; \t", -1);

  *n = 0;
  for (char **part = parts; *part != NULL; part++)
    {
      char *end;
      double v;

      if (**part == '\0')
        continue;
      v = g_ascii_strtod (*part, &end);
      if (*end != '\0' || !isfinite (v))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       /* Translators: "Temperatures: “abc” is not a number" */
                       _ ("%s: “%s” is not a number"), f->what, *part);
          return FALSE;
        }
      if (!value_fits (f, v))
        {
          g_autofree char *range = range_text (f);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       /* Translators: "Alphas: “1.5” must lie between 0 and 1" */
                       _ ("%s: “%s” %s"), f->what, *part, range);
          return FALSE;
        }
      if (*n == KD_SWEEP_MAX_VALUES)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _ ("%s: at most %d values"),
                       f->what, KD_SWEEP_MAX_VALUES);
          return FALSE;
        }
      values[(*n)++] = v;
    }
  if (*n == 0 && f->required)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _ ("%s: give at least one value"), f->what);
      return FALSE;
    }
  return TRUE;
}

/* Reads the three fields into cfg. Every field is checked and marked, so that all bad rows
 * show at once; *error names each bad field's first problem, one line each. */
static gboolean
read_grid (DsTemperaturePage *self, KdSweepConfig *cfg, GError **error)
{
  const KdTrainConfig *run = ds_experiment_get_run_config (ds_page_get_experiment (DS_PAGE (self)));
  const GridField fields[3] = {
    { self->temperatures_row, _ ("Temperatures"), 0.0, 1000.0, TRUE, FALSE, TRUE },
    { self->alphas_row, _ ("Alphas"), 0.0, 1.0, FALSE, FALSE, FALSE },
    { self->seeds_row, _ ("Seeds"), 0.0, 9007199254740992.0, FALSE, TRUE, TRUE },
  };
  double values[3][KD_SWEEP_MAX_VALUES];
  int n[3];
  char message[256];
  gboolean ok = TRUE;

  kd_sweep_config_default (cfg);
  cfg->train = *run;
  cfg->train.epochs = gtk_spin_button_get_value_as_int (self->epochs_spin);
  cfg->workers = CLAMP (run->threads, 1, (int)g_get_num_processors ());

  g_autoptr (GString) problems = g_string_new (NULL);
  for (int f = 0; f < 3; f++)
    {
      g_autoptr (GError) local = NULL;
      gboolean field_ok = parse_field (&fields[f], values[f], &n[f], &local);
      ds_page_mark_invalid (GTK_WIDGET (fields[f].row), !field_ok);
      if (!field_ok)
        g_string_append_printf (problems, "%s%s", problems->len ? "\n" : "", local->message);
      ok = ok && field_ok;
    }
  if (!ok)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, problems->str);
      return FALSE;
    }
  cfg->n_temperatures = n[0];
  for (int i = 0; i < n[0]; i++)
    cfg->temperatures[i] = (float)values[0][i];
  cfg->n_alphas = n[1];
  for (int i = 0; i < n[1]; i++)
    cfg->alphas[i] = (float)values[1][i];
  cfg->n_seeds = n[2];
  for (int i = 0; i < n[2]; i++)
    cfg->seeds[i] = (guint64)values[2][i];
  if (kd_sweep_config_check (cfg, message, sizeof message) != KD_OK)
    {
      /* The analysis layer names the problem in English; say which setting it is about. */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, _ ("Invalid sweep: %s"),
                   message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
can_sweep_now (DsTemperaturePage *self, GError **error)
{
  if (self->sweep_cancellable != NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BUSY, _ ("A sweep is already running"));
      return FALSE;
    }
  if (ds_run_state_is_active (ds_experiment_get_state (ds_page_get_experiment (DS_PAGE (self)))))
    {
      g_set_error_literal (
          error, G_IO_ERROR, G_IO_ERROR_BUSY,
          _ ("Stop or finish the training run first: a sweep needs the processor to itself."));
      return FALSE;
    }
  if (_ds_temperature_page_current_result (self) == NULL)
    {
      /* Right after a session opens, the teacher is there but its outputs are on their way. */
      gboolean computing
          = ds_experiment_get_snapshot (ds_page_get_experiment (DS_PAGE (self))) != NULL
            && ds_test_outputs_get_busy (self->outputs);

      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           computing ? _ ("Computing the teacher’s outputs on the test set…")
                                     : _ ("There is no trained teacher to distil from yet"));
      return FALSE;
    }
  return TRUE;
}

/* "15 runs (5 temperatures × 1 alpha × 3 seeds), 2 epochs each, 2 at a time." */
static char *
runs_text (const KdSweepConfig *cfg, int total)
{
  int n_alphas = MAX (cfg->n_alphas, 1);
  g_autofree char *temperatures = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%d temperature", "%d temperatures", cfg->n_temperatures),
      cfg->n_temperatures);
  g_autofree char *alphas = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%d alpha", "%d alphas", n_alphas), n_alphas);
  g_autofree char *seeds = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%d seed", "%d seeds", cfg->n_seeds), cfg->n_seeds);
  g_autofree char *epochs = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%d epoch", "%d epochs", cfg->train.epochs), cfg->train.epochs);
  g_autofree char *runs
      = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d run", "%d runs", total), total);

  /* Translators: "15 runs (5 temperatures × 1 alpha × 3 seeds), 2 epochs each, 2 at a time." */
  return g_strdup_printf (_ ("%s (%s × %s × %s), %s each, %d at a time."), runs, temperatures,
                          alphas, seeds, epochs, cfg->workers);
}

void
_ds_temperature_page_update_form (DsTemperaturePage *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *runs = NULL;
  KdSweepConfig cfg;
  gboolean valid = read_grid (self, &cfg, &error);
  gboolean sweeping = self->sweep_cancellable != NULL;
  int total = cfg.n_temperatures * MAX (cfg.n_alphas, 1) * cfg.n_seeds;

  gtk_widget_set_visible (GTK_WIDGET (self->form_error), !valid);
  gtk_label_set_text (self->form_error, valid ? "" : error->message);
  if (valid)
    {
      g_clear_error (&error);
      can_sweep_now (self, &error);
      runs = runs_text (&cfg, total);
      if (error != NULL && !sweeping)
        {
          g_autofree char *both = g_strdup_printf ("%s %s", runs, error->message);
          g_free (runs);
          runs = g_steal_pointer (&both);
        }
    }
  gtk_label_set_text (self->runs_label, runs ? runs : "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->run_button), valid && error == NULL && !sweeping);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), sweeping);
}

/* ---- the sweep's results -----------------------------------------------------------------------
 */

static const char *
series_label (DsTemperaturePage *self, const char *format, double alpha)
{
  char *label = g_strdup_printf (format, alpha);

  g_ptr_array_add (self->sweep_labels, label);
  return label;
}

/* Fills a series of n points of one metric: the distilled student at alpha a, or the baseline
 * (a < 0). */
static void
fill_series (
    DsTemperaturePage *self, FigLineSeries *s, int a, KdSweepMetric metric, double *y, double *err)
{
  const KdSweepResult *res = self->sweep;
  int n_t = res->config.n_temperatures;
  double scale = metric_in_percent (metric) ? 100.0 : 1.0;

  for (int t = 0; t < n_t; t++)
    {
      const KdSweepPoint *point = &res->points[MAX (a, 0) * n_t + t];
      const KdSweepStat *stat = a >= 0 ? &point->student[metric] : &point->baseline[metric];

      y[t] = scale * stat->mean;
      err[t] = point->n > 1 ? scale * stat->std : NAN;
    }
  s->n = n_t;
  s->x = self->sweep_x;
  s->y = y;
  s->err = err;
}

static void
build_lines (DsTemperaturePage *self)
{
  static const char *const titles[N_PANELS]
      = { N_ ("Test accuracy"), N_ ("Agreement with the teacher"), N_ ("KL to the teacher") };
  static const char *const y_labels[N_PANELS]
      = { N_ ("Accuracy (%)"), N_ ("Top-1 agreement (%)"), N_ ("KL (nats) at the run’s T") };
  const KdSweepResult *res = self->sweep;
  int n_t = res->config.n_temperatures, n_a = res->config.n_alphas, n_s = n_a + 1;
  double *y;

  g_ptr_array_set_size (self->sweep_labels, 0);
  g_free (self->sweep_values);
  self->sweep_values = y = g_new (double, (gsize)N_PANELS *n_s *n_t * 2);
  for (int t = 0; t < n_t; t++)
    self->sweep_x[t] = res->config.temperatures[t];
  for (int p = 0; p < N_PANELS; p++)
    {
      for (int a = -1; a < n_a; a++)
        {
          FigLineSeries *s = &self->series[p][a + 1];

          fill_series (self, s, a, panel_metrics[p], y, y + n_t);
          y += 2 * n_t;
          s->look = a < 0 ? FIG_MODEL_BASELINE : n_a == 1 ? FIG_MODEL_STUDENT : FIG_LOOK_CLASS + a;
          s->label = a < 0 ? _ ("Baseline student")
                     : n_a == 1
                         ? _ ("Distilled student")
                         : series_label (self, _ ("Distilled, α = %g"), res->config.alphas[a]);
        }
      self->panels[p] = (FigLinesPanel){
        .title = _ (titles[p]),
        .x_label = _ ("Temperature T"),
        .y_label = _ (y_labels[p]),
        .log_x = TRUE,
        .n_series = n_s,
        .series = self->series[p],
        .ref_y = p == 0 ? 100.0 * res->teacher[KD_SWEEP_ACCURACY] : NAN,
        .ref_label = p == 0 ? _ ("Teacher") : NULL,
        .x_ticks_at_data = TRUE,
      };
    }
  g_free (self->lines_title);
  /* Translators: the sweep figure's title, e.g. "Students distilled at each temperature,
   * 3 seeds" */
  self->lines_title = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "Students distilled at each temperature, %d seed",
                   "Students distilled at each temperature, %d seeds", res->config.n_seeds),
      res->config.n_seeds);
  self->lines
      = (FigLinesData){ .title = self->lines_title, .n_panels = N_PANELS, .panels = self->panels };
}

static GtkLabel *
table_label (DsTemperaturePage *self, const char *text, int col, int row, gboolean header)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 1.0f);
  if (header)
    gtk_widget_add_css_class (label, "heading");
  else
    {
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "numeric");
    }
  gtk_grid_attach (self->sweep_grid, label, col, row, 1, 1);
  return GTK_LABEL (label);
}

static char *
format_stat (const KdSweepStat *s, gboolean percent, int n)
{
  double scale = percent ? 100.0 : 1.0;

  if (!isfinite (s->mean))
    return g_strdup ("–");
  if (n < 2)
    return g_strdup_printf (percent ? "%.2f%%" : "%.4f", scale * s->mean);
  return g_strdup_printf (percent ? "%.2f%% ± %.2f" : "%.4f ± %.4f", scale * s->mean,
                          scale * s->std);
}

static void
build_table (DsTemperaturePage *self)
{
  const char *headers[] = { _ ("T"),         _ ("α"),        _ ("Runs"),
                            _ ("Distilled"), _ ("Baseline"), _ ("Gain (points)"),
                            _ ("Agreement"), _ ("KL") };
  const KdSweepResult *res = self->sweep;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sweep_grid))) != NULL)
    gtk_grid_remove (self->sweep_grid, child);
  for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
    table_label (self, headers[c], c, 0, TRUE);
  for (int i = 0; i < res->n_points; i++)
    {
      const KdSweepPoint *p = &res->points[i];
      char *cells[] = {
        g_strdup_printf ("%g", (double)p->temperature),
        g_strdup_printf ("%g", (double)p->alpha),
        g_strdup_printf ("%d", p->n),
        format_stat (&p->student[KD_SWEEP_ACCURACY], TRUE, p->n),
        format_stat (&p->baseline[KD_SWEEP_ACCURACY], TRUE, p->n),
        isfinite (p->gain.mean) ? g_strdup_printf ("%+.2f", 100.0 * p->gain.mean) : g_strdup ("–"),
        format_stat (&p->student[KD_SWEEP_AGREEMENT], TRUE, p->n),
        format_stat (&p->student[KD_SWEEP_KL], FALSE, p->n),
      };

      for (guint c = 0; c < G_N_ELEMENTS (cells); c++)
        {
          table_label (self, cells[c], c, i + 1, FALSE);
          g_free (cells[c]);
        }
    }
}

void
_ds_temperature_page_update_sweep_caption (DsTemperaturePage *self)
{
  const KdSweepResult *res = self->sweep;
  g_autofree char *took
      = res->seconds >= 1.0 ? ds_format_duration (res->seconds) : g_strdup (_ ("under a second"));
  g_autofree char *teacher = ds_format_percent (res->teacher[KD_SWEEP_ACCURACY]);
  GString *text = g_string_new (NULL);

  g_string_append_printf (
      text,
      _ ("%d of %d runs finished in %s. Means over seeds with ± one standard deviation; the "
         "teacher’s test accuracy is %s. Gain is the distilled student’s accuracy minus the "
         "baseline’s of the same seed. Agreement and KL are measured on the test set, KL at each "
         "run’s own temperature."),
      res->n_done, res->n_runs, took, teacher);
  if (self->sweep_message != NULL)
    g_string_append_printf (text, " %s", self->sweep_message);
  if (self->sweep_serial
      != ds_experiment_get_snapshot_serial (ds_page_get_experiment (DS_PAGE (self))))
    g_string_append_printf (text, " %s",
                            _ ("The teacher has changed since: these students were distilled "
                               "from an earlier one."));
  gtk_label_set_text (self->sweep_caption, text->str);
  g_string_free (text, TRUE);
}

static void
show_sweep (DsTemperaturePage *self)
{
  if (self->sweep == NULL || self->sweep->n_done == 0)
    {
      gtk_stack_set_visible_child_name (self->sweep_stack, "none");
      ds_figure_view_set_figure (self->sweep_view, FIG_KIND_LINES, NULL);
      ds_page_notify_can_export (DS_PAGE (self));
      return;
    }
  build_lines (self);
  build_table (self);
  _ds_temperature_page_update_sweep_caption (self);
  ds_figure_view_set_figure (self->sweep_view, FIG_KIND_LINES, &self->lines);
  gtk_stack_set_visible_child_name (self->sweep_stack, "results");
  ds_page_notify_can_export (DS_PAGE (self));
}

char *
_ds_temperature_page_sweep_hover (DsFigureView *view, double x, double y, gpointer user_data)
{
  DsTemperaturePage *self = user_data;
  DsProbeAxis axes[N_PANELS + 1];
  int n_axes = ds_figure_view_find_x_axes (view, axes, G_N_ELEMENTS (axes));
  int n_t = self->sweep ? self->sweep->config.n_temperatures : 0;
  GString *text;

  for (int p = 0; p < MIN (n_axes, N_PANELS); p++)
    {
      const FigLinesPanel *panel = &self->panels[p];
      int best = 0;

      /* x_ticks_at_data puts one tick at each temperature of the sweep. */
      if (x < axes[p].x0 - 8 || x > axes[p].x1 + 8 || axes[p].n_ticks != n_t || y > axes[p].y)
        continue;
      for (int t = 1; t < n_t; t++)
        if (fabs (axes[p].ticks[t] - x) < fabs (axes[p].ticks[best] - x))
          best = t;
      text = g_string_new (NULL);
      g_string_append_printf (text, "%s · T = %g", panel->title, self->sweep_x[best]);
      for (int s = 0; s < panel->n_series; s++)
        {
          const FigLineSeries *series = &panel->series[s];
          double err = series->err ? series->err[best] : NAN;

          const char *unit = metric_in_percent (panel_metrics[p]) ? "%" : "";

          g_string_append_printf (text, "\n%s: %.4g%s", series->label, series->y[best], unit);
          if (isfinite (err))
            g_string_append_printf (text, " ± %.2g%s", err, unit);
        }
      return g_string_free (text, FALSE);
    }
  return NULL;
}

/* ---- running a sweep
 * ----------------------------------------------------------------------------- */

static void
sweep_progress_cb (GObject *owner, const KdSweepProgress *p)
{
  DsTemperaturePage *self = DS_TEMPERATURE_PAGE (owner);
  double fraction = p->steps_total > 0 ? (double)p->steps_done / (double)p->steps_total : 0.0;
  g_autofree char *text = NULL;

  if (self->sweep_cancellable == NULL)
    return;
  if (fraction > 0.01)
    {
      g_autofree char *left = ds_format_duration (p->elapsed * (1.0 - fraction) / fraction);
      /* Translators: "4 of 15 runs · 37% · about 2 min 10 s left" */
      text = g_strdup_printf (_ ("%d of %d runs · %d%% · about %s left"), p->runs_finished,
                              p->runs_total, (int)(100.0 * fraction), left);
    }
  else
    text = g_strdup_printf (_ ("%d of %d runs · %d%%"), p->runs_finished, p->runs_total,
                            (int)(100.0 * fraction));
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (fraction, 0.0, 1.0));
  gtk_progress_bar_set_text (self->progress_bar, text);
}

static void
sweep_done_cb (GObject *object, GAsyncResult *result, gpointer user_data)
{
  DsTemperaturePage *self = DS_TEMPERATURE_PAGE (object);
  g_autoptr (GError) error = NULL;
  KdSweepResult *res = ds_sweep_job_run_finish (result, &error);
  guint64 serial = GPOINTER_TO_SIZE (user_data);

  /* Disposed meanwhile: nothing to show it in. */
  if (ds_page_get_experiment (DS_PAGE (self)) == NULL)
    {
      g_clear_pointer (&res, kd_sweep_result_free);
      return;
    }
  g_clear_object (&self->sweep_cancellable);
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), FALSE);
  if (res == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->form_error), TRUE);
      gtk_label_set_text (self->form_error, error->message);
      _ds_temperature_page_update_form (self);
      return;
    }
  g_clear_pointer (&self->sweep, kd_sweep_result_free);
  self->sweep = res;
  self->sweep_serial = serial;
  if (res->cancelled && self->sweep_message == NULL)
    self->sweep_message = g_strdup (_ ("The sweep was cancelled; unfinished runs are left out."));
  show_sweep (self);
  _ds_temperature_page_update_form (self);
}

gboolean
ds_temperature_page_run_sweep (DsTemperaturePage *self, GError **error)
{
  DsExperiment *experiment = ds_page_get_experiment (DS_PAGE (self));
  KdSweepConfig cfg;
  DsData *data;
  KdSnapshot *snapshot;

  g_return_val_if_fail (DS_IS_TEMPERATURE_PAGE (self), FALSE);

  if (!can_sweep_now (self, error) || !read_grid (self, &cfg, error))
    return FALSE;
  /* The newest teacher, on the data it was trained on. */
  data = ds_experiment_get_run_data (experiment);
  snapshot = ds_experiment_get_snapshot (experiment);
  if (data == NULL || snapshot == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_INITIALIZED,
                           _ ("There is no trained teacher to distil from yet"));
      return FALSE;
    }
  g_clear_pointer (&self->sweep_message, g_free);
  self->sweep_cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_progress_bar_set_text (self->progress_bar, _ ("Starting…"));
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), TRUE);
  ds_sweep_job_run_async (G_OBJECT (self), &cfg, data, snapshot, sweep_progress_cb,
                          self->sweep_cancellable, sweep_done_cb,
                          GSIZE_TO_POINTER (ds_experiment_get_snapshot_serial (experiment)));
  _ds_temperature_page_update_form (self);
  return TRUE;
}

void
ds_temperature_page_cancel_sweep (DsTemperaturePage *self)
{
  g_return_if_fail (DS_IS_TEMPERATURE_PAGE (self));

  if (self->sweep_cancellable != NULL)
    {
      g_cancellable_cancel (self->sweep_cancellable);
      gtk_progress_bar_set_text (self->progress_bar, _ ("Cancelling…"));
    }
}

gboolean
ds_temperature_page_get_sweeping (DsTemperaturePage *self)
{
  g_return_val_if_fail (DS_IS_TEMPERATURE_PAGE (self), FALSE);

  return self->sweep_cancellable != NULL;
}

const KdSweepResult *
ds_temperature_page_get_sweep_result (DsTemperaturePage *self)
{
  g_return_val_if_fail (DS_IS_TEMPERATURE_PAGE (self), NULL);

  return self->sweep;
}

void
_ds_temperature_page_run_clicked (DsTemperaturePage *self)
{
  g_autoptr (GError) error = NULL;

  if (!ds_temperature_page_run_sweep (self, &error))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->form_error), TRUE);
      gtk_label_set_text (self->form_error, error->message);
    }
}

void
_ds_temperature_page_state_changed (DsTemperaturePage *self)
{
  /* Training and a sweep would fight over the same cores and the BLAS thread budget. */
  if (self->sweep_cancellable != NULL
      && ds_experiment_get_state (ds_page_get_experiment (DS_PAGE (self))) == DS_RUN_STATE_RUNNING)
    {
      g_free (self->sweep_message);
      self->sweep_message = g_strdup (_ ("Training started, so the sweep was stopped."));
      ds_temperature_page_cancel_sweep (self);
    }
  _ds_temperature_page_update_form (self);
}
