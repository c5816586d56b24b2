/* ds-sample-row.h — a preferences row that picks the experiment's selected test sample.
 *
 * A spin button over the test set of the current run, bound both ways to the experiment's
 * "selected-sample"; the subtitle names the sample's true class. Analysis pages put it in
 * their side bar, so every page can change the sample the others show. */
#pragma once

#include <adwaita.h>

#include "ds-experiment.h"
#include "kd_dataset.h"

G_BEGIN_DECLS

#define DS_TYPE_SAMPLE_ROW (ds_sample_row_get_type ())

G_DECLARE_FINAL_TYPE (DsSampleRow, ds_sample_row, DS, SAMPLE_ROW, AdwActionRow)

GtkWidget *ds_sample_row_new (void);
void ds_sample_row_set_experiment (DsSampleRow *self, DsExperiment *experiment);

/* A dataset's name of class k, or its number when the data name none ("7"); interned. */
const char *ds_class_name (const KdDataset *ds, int k);
/* Every class name of ds (ds_class_name), NULL-terminated; free with g_free (the strings
 * are interned). */
const char **ds_class_names (const KdDataset *ds);
/* The same array, but interned like its strings: the same names give the same array, valid
 * for the life of the process, so figure data may point at it whatever happens to the data. */
const char *const *ds_class_names_interned (const KdDataset *ds);

G_END_DECLS
