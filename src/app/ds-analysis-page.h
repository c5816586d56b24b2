/* ds-analysis-page.h — what the analysis pages (Saliency, Activations, Metrics) share: which
 * snapshot they look at, their empty states, and exporting whichever of their figures the
 * user worked with last.
 *
 * Snapshots. A page adopts the experiment's latest snapshot (as a DsNetSource) when it is
 * shown and whenever a new one arrives, except while training runs and one of its analyses
 * is still computing, or the last snapshot was adopted less than DS_LIVE_INTERVAL_MS ago:
 * then the new snapshot waits (the page's retry function is called when it may be adopted),
 * so a page keeps up with a live run at the pace of its analyses, never restarts them at
 * every snapshot, and leaves the training most of the processor.
 */
#pragma once

#include <adwaita.h>

#include "ds-analysis.h"
#include "ds-figure-view.h"
#include "ds-net-source.h"
#include "ds-page.h"

G_BEGIN_DECLS

#define DS_LIVE_INTERVAL_MS 2000

typedef struct
{
  DsNetSource *source; /* adopted, or NULL */
  gboolean pending;    /* a newer snapshot waits */
  gint64 adopted_at;   /* monotonic time of the adoption */
  guint retry_source;
  GSourceFunc retry; /* called (once) when a waiting snapshot may be adopted */
  gpointer retry_data;
} DsSourceTracker;

/* retry(retry_data) is called when a snapshot that had to wait may be adopted. */
void ds_source_tracker_init (DsSourceTracker *tracker, GSourceFunc retry, gpointer retry_data);

/* Adopts the experiment's current snapshot unless it is already adopted or must wait (busy:
 * one of the page's analyses computes). TRUE when the source changed. */
gboolean
ds_source_tracker_update (DsSourceTracker *tracker, DsExperiment *experiment, gboolean busy);
void ds_source_tracker_clear (DsSourceTracker *tracker);

/* The child of an analysis page's stack for a state: "content", "empty", "loading", "missing";
 * sets the description of the "missing" status page from the experiment's data error. */
const char *ds_analysis_page_show_state (GtkStack *stack,
                                         AdwStatusPage *missing,
                                         DsExperiment *experiment,
                                         DsSourceState state);

/* Remembers in *current the figure view the user last pointed at or focused. */
void ds_analysis_page_track_view (DsFigureView *view, DsFigureView **current);

/* The view to export: *current when it has a figure, else the first of views (NULL-terminated)
 * that has one; NULL when none has. */
DsFigureView *ds_analysis_page_export_view (DsFigureView *const *views, DsFigureView *current);

/* Shows the state of an analysis next to its figure: the view dimmed while its result is not
 * the one asked for, the error label (may be NULL) with the failure. */
void ds_analysis_page_show_analysis (DsAnalysis *analysis, DsFigureView *view, GtkLabel *error);

/* "Computing… 37 %" for the busiest of analyses (NULL-terminated), or "" when none is busy;
 * spinner spins while any is. */
void ds_analysis_page_show_busy (DsAnalysis *const *analyses, GtkSpinner *spinner, GtkLabel *label);

G_END_DECLS
