/* ds-analysis.h — one kind of result a page shows, computed in a GTask thread and cached.
 *
 * A page asks for the result of a key (the snapshot serial and every parameter that changes
 * the result, e.g. "17|sample 3|ig|32") with ds_analysis_request(). A cached result is
 * delivered at once; otherwise the job in flight, if any, is cancelled and a new one starts.
 * A job that finishes for a key that is no longer wanted is dropped. "changed" is emitted
 * whenever the result, the busy flag or the error changes; "notify::progress" while a job
 * reports progress.
 *
 * The result shown stays valid (and is kept alive) until the next "changed", also while a
 * new one is computed, so a page keeps its figures on screen behind a spinner. Only one job
 * of all DsAnalysis objects computes at a time: the process shares two cores with training.
 */
#pragma once

#include <gio/gio.h>
#include <stdatomic.h>

G_BEGIN_DECLS

/* What a running job can see of itself. */
typedef struct _DsAnalysisJob DsAnalysisJob;

gboolean ds_analysis_job_cancelled (DsAnalysisJob *job);
/* A flag that becomes non-zero on cancellation, for the analysis layer's `cancel` arguments. */
atomic_int *ds_analysis_job_cancel_flag (DsAnalysisJob *job);
/* fraction in [0, 1] of the work done. */
void ds_analysis_job_progress (DsAnalysisJob *job, double fraction);

/* Runs in a worker thread: computes the result of input, or sets error (G_IO_ERROR_CANCELLED
 * once cancelled) and returns NULL. */
typedef gpointer (*DsAnalysisFunc) (gconstpointer input, DsAnalysisJob *job, GError **error);

#define DS_TYPE_ANALYSIS (ds_analysis_get_type ())

G_DECLARE_FINAL_TYPE (DsAnalysis, ds_analysis, DS, ANALYSIS, GObject)

/* Results are freed with result_free; up to cache_size of them are kept. */
DsAnalysis *ds_analysis_new (DsAnalysisFunc func, GDestroyNotify result_free, guint cache_size);

/* Asks for the result of key; input (taken, freed with input_free) is what func computes it
 * from, and is dropped unused when the result is cached or already being computed. */
void
ds_analysis_request (DsAnalysis *self, const char *key, gpointer input, GDestroyNotify input_free);
/* Forgets the wanted key and cancels the job in flight; the result shown stays. */
void ds_analysis_cancel (DsAnalysis *self);
/* Cancels, drops the result shown and empties the cache (e.g. no snapshot any more). */
void ds_analysis_reset (DsAnalysis *self);
/* What an owner does when it goes: disconnects listener's handlers, cancels the job in flight
 * and drops *analysis (NULL afterwards; nothing when it already is). */
void ds_analysis_release (DsAnalysis **analysis, gpointer listener);

/* The result shown, or NULL: borrowed until the next "changed". */
gpointer ds_analysis_get_result (DsAnalysis *self);
/* TRUE when the result shown is the one last asked for. */
gboolean ds_analysis_is_current (DsAnalysis *self);
gboolean ds_analysis_get_busy (DsAnalysis *self);
/* The failure of the job last asked for, or NULL. */
const GError *ds_analysis_get_error (DsAnalysis *self);
/* The job's progress in [0, 1]; 0 when idle. */
double ds_analysis_get_progress (DsAnalysis *self);

G_END_DECLS
