/* ds-samples-page.h — the test set as thumbnails, filtered by what the models make of them;
 * selecting one selects it for every page. */
#pragma once

#include "ds-page.h"

G_BEGIN_DECLS

#define DS_TYPE_SAMPLES_PAGE (ds_samples_page_get_type ())

G_DECLARE_FINAL_TYPE (DsSamplesPage, ds_samples_page, DS, SAMPLES_PAGE, DsPage)

GtkWidget *ds_samples_page_new (DsExperiment *experiment);

typedef enum
{
  DS_SAMPLE_FILTER_ALL,
  DS_SAMPLE_FILTER_DISAGREE,        /* teacher and distilled student predict differently */
  DS_SAMPLE_FILTER_TEACHER_RIGHT,   /* teacher right, distilled student wrong */
  DS_SAMPLE_FILTER_DISTILLED_RIGHT, /* distilled student right, baseline wrong */
  DS_SAMPLE_FILTER_UNCERTAIN,       /* highest teacher entropy first */
  DS_N_SAMPLE_FILTERS,
} DsSampleFilter;

void ds_samples_page_set_filter (DsSamplesPage *self, DsSampleFilter filter);
/* The samples the filter shows (-1 before the outputs are computed). */
int ds_samples_page_get_count (DsSamplesPage *self, DsSampleFilter filter);

G_END_DECLS
