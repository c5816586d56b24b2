/* ds-window-report.c — "Export Report": every figure the window's pages show, one per page of
 * a PDF, drawn by the very painters on screen.
 *
 * The pages come in the window's order (Training first, Metrics last), each page's figures in
 * its reading order. A report page takes its figure's own proportions (fig_natural_size) at the
 * export resolution, with a heading that names the page and the figure, also the page's entry
 * in the PDF's outline.
 *
 * From the menu (ds_window_export_report_async) the report holds every page's figures, not only
 * those of pages the user opened: pages are asked to compute as if shown (ds_page_set_reporting)
 * and the report is written when none is busy any more; the UI stays live meanwhile. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "ds-page.h"
#include "ds-window-private.h"
#include "kd_config_json.h"

/* Every page's figures, and a heading for each. */
static void
collect (DsWindow *self, GArray *figures, GPtrArray *headings)
{
  g_autoptr (GtkSelectionModel) pages = adw_view_stack_get_pages (self->stack);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (pages));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (AdwViewStackPage) stack_page = g_list_model_get_item (G_LIST_MODEL (pages), i);
      GtkWidget *child = adw_view_stack_page_get_child (stack_page);
      guint first = figures->len;

      if (!DS_IS_PAGE (child))
        continue;
      ds_page_add_report_figures (DS_PAGE (child), figures);
      for (guint k = first; k < figures->len; k++)
        {
          const char *title = g_array_index (figures, DsReportFigure, k).title;
          const char *page = ds_page_get_title (DS_PAGE (child));

          /* Translators: a report page's heading: the window's page, then the figure, e.g.
           * "Soft Labels — Teacher: class similarity" */
          g_ptr_array_add (headings,
                           title ? g_strdup_printf (_ ("%s — %s"), page, title) : g_strdup (page));
        }
    }
}

/* A page in the figure's proportions at dpi, headed. */
static FigPage
report_page (const DsReportFigure *figure, const char *heading, double dpi)
{
  FigPage page = { figure->paint, figure->data, 1280, 800, heading, TRUE };

  if (figure->kind < FIG_N_KINDS)
    fig_natural_size (figure->kind, figure->data, &page.width, &page.height);
  page.width = (int)lround (page.width * dpi / 96.0);
  page.height = (int)lround (page.height * dpi / 96.0);
  return page;
}

gboolean
ds_window_export_report (DsWindow *self, GFile *file, int *n_pages, GError **error)
{
  g_autoptr (GArray) figures = NULL;
  g_autoptr (GPtrArray) headings = NULL;
  g_autofree FigPage *pages = NULL;
  g_autofree char *path = NULL;
  g_autofree char *style_name = NULL;
  g_autofree char *config = NULL;
  FigTheme theme = FIG_THEME_LIGHT;
  FigExportOptions opts;
  FigMetadata metadata[2];

  g_return_val_if_fail (DS_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  figures = g_array_new (FALSE, TRUE, sizeof (DsReportFigure));
  headings = g_ptr_array_new_with_free_func (g_free);
  collect (self, figures, headings);
  if (n_pages)
    *n_pages = (int)figures->len;
  if (figures->len == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _ ("There are no figures yet: train a run or open a session, and "
                              "visit the pages whose figures the report should hold."));
      return FALSE;
    }
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           _ ("Figures can only be exported to local files"));
      return FALSE;
    }

  fig_export_options_init (&opts);
  opts.dpi = g_settings_get_int (self->settings, "export-dpi");
  opts.title = _ ("Distillscope report");
  style_name = g_settings_get_string (self->settings, "export-style");
  fig_theme_from_name (style_name, &theme);
  if (ds_experiment_get_snapshot (self->experiment) != NULL)
    {
      const char *spec = ds_experiment_get_run_data_spec (self->experiment);

      config = kd_train_config_to_json (ds_experiment_get_run_config (self->experiment));
      metadata[0] = (FigMetadata){ "Distillscope config", config };
      metadata[1] = (FigMetadata){ "Distillscope data", spec ? spec : "" };
      opts.metadata = metadata;
      opts.n_metadata = G_N_ELEMENTS (metadata);
    }
  pages = g_new0 (FigPage, figures->len);
  for (guint i = 0; i < figures->len; i++)
    pages[i]
        = report_page (&g_array_index (figures, DsReportFigure, i), headings->pdata[i], opts.dpi);
  return fig_export_pdf_pages (path, &opts, pages, (int)figures->len, fig_style_get (theme), error);
}

/* ---- the pages nobody opened ------------------------------------------------------------ */

/* The task has no source object: a report in the making must not keep a closed window alive,
 * whose dispose cancels it. */
typedef struct
{
  DsWindow *window;
  GFile *file;
  GPtrArray *pages; /* DsPage, computing for the report */
  guint check_idle; /* report_job_check, queued */
} ReportJob;

static void
report_job_free (gpointer data)
{
  ReportJob *job = data;

  g_object_unref (job->file);
  g_ptr_array_unref (job->pages);
  g_free (job);
}

/* Back to computing only what is shown. */
static void
report_job_stop (GTask *task)
{
  ReportJob *job = g_task_get_task_data (task);

  g_clear_handle_id (&job->check_idle, g_source_remove);
  for (guint i = 0; i < job->pages->len; i++)
    {
      g_signal_handlers_disconnect_by_data (job->pages->pdata[i], task);
      ds_page_set_reporting (job->pages->pdata[i], FALSE);
    }
  g_ptr_array_set_size (job->pages, 0);
  g_signal_handlers_disconnect_by_data (job->window->experiment, task);
  if (job->window->report_task == task)
    g_clear_object (&job->window->report_task);
}

/* Writes the report once no page computes any more, or at once while a run trains (the pages
 * then follow it at their own pace). */
static void
report_job_check (GTask *task)
{
  ReportJob *job = g_task_get_task_data (task);
  DsRunState state = ds_experiment_get_state (job->window->experiment);
  GError *error = NULL;
  int n_pages = 0;

  if (!ds_run_state_is_active (state))
    for (guint i = 0; i < job->pages->len; i++)
      if (ds_page_get_busy (job->pages->pdata[i]))
        return;
  g_object_ref (task);
  report_job_stop (task);
  if (ds_window_export_report (job->window, job->file, &n_pages, &error))
    g_task_return_int (task, n_pages);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

static gboolean
report_job_check_idle_cb (gpointer data)
{
  GTask *task = data;
  ReportJob *job = g_task_get_task_data (task);

  job->check_idle = 0;
  report_job_check (task);
  return G_SOURCE_REMOVE;
}

/* Checks once the signal that changed a page's business is over. The test outputs' "changed"
 * reaches the pages one after another, and each starts its own analysis of them then: checked
 * from the first page's notify::busy, the pages after it would look idle before their turn and
 * the report would go out without their figures. */
static void
report_job_queue_check (GTask *task)
{
  ReportJob *job = g_task_get_task_data (task);

  if (job->check_idle == 0)
    job->check_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, report_job_check_idle_cb,
                                       g_object_ref (task), g_object_unref);
}

void
ds_window_export_report_async (DsWindow *self,
                               GFile *file,
                               GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_autoptr (GtkSelectionModel) pages = NULL;
  ReportJob *job;
  GTask *task;

  g_return_if_fail (DS_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (self->report_task == NULL);

  task = g_task_new (NULL, NULL, callback, user_data);
  g_task_set_source_tag (task, ds_window_export_report_async);
  job = g_new0 (ReportJob, 1);
  job->window = self;
  job->file = g_object_ref (file);
  job->pages = g_ptr_array_new_with_free_func (g_object_unref);
  g_task_set_task_data (task, job, report_job_free);
  self->report_task = task;

  pages = adw_view_stack_get_pages (self->stack);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      g_autoptr (AdwViewStackPage) stack_page = g_list_model_get_item (G_LIST_MODEL (pages), i);
      GtkWidget *child = adw_view_stack_page_get_child (stack_page);

      if (!DS_IS_PAGE (child))
        continue;
      g_ptr_array_add (job->pages, g_object_ref (child));
      g_signal_connect_swapped (child, "notify::busy", G_CALLBACK (report_job_queue_check), task);
    }
  g_signal_connect_swapped (self->experiment, "notify::state", G_CALLBACK (report_job_queue_check),
                            task);
  if (ds_experiment_get_snapshot (self->experiment) != NULL
      && !ds_run_state_is_active (ds_experiment_get_state (self->experiment)))
    for (guint i = 0; i < job->pages->len; i++)
      ds_page_set_reporting (job->pages->pdata[i], TRUE);
  report_job_queue_check (task);
}

gboolean
ds_window_export_report_finish (DsWindow *self, GAsyncResult *result, int *n_pages, GError **error)
{
  gssize n;

  /* self is not used: the window may be gone (cancelled). */
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ds_window_export_report_async,
                        FALSE);

  n = g_task_propagate_int (G_TASK (result), error);
  if (n_pages)
    *n_pages = n < 0 ? 0 : (int)n;
  return n >= 0;
}

void
_ds_window_cancel_report (DsWindow *self)
{
  GTask *task = self->report_task;

  if (task == NULL)
    return;
  g_object_ref (task);
  report_job_stop (task);
  /* Never shown: the window is gone. */
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", "The window was closed");
  g_object_unref (task);
}
