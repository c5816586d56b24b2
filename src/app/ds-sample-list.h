/* ds-sample-list.h — a list model of test-sample indices, for the Samples page's grid.
 *
 * The items are DsSampleItem objects made on demand, so a filter over a large test set costs
 * an index array, not an object per sample. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define DS_TYPE_SAMPLE_ITEM (ds_sample_item_get_type ())

G_DECLARE_FINAL_TYPE (DsSampleItem, ds_sample_item, DS, SAMPLE_ITEM, GObject)

/* The sample's index in the test set. */
int ds_sample_item_get_index (DsSampleItem *self);

#define DS_TYPE_SAMPLE_LIST (ds_sample_list_get_type ())

G_DECLARE_FINAL_TYPE (DsSampleList, ds_sample_list, DS, SAMPLE_LIST, GObject)

DsSampleList *ds_sample_list_new (void);
/* Replaces the items with indices (n), copied; emits one items-changed. */
void ds_sample_list_set_indices (DsSampleList *self, const int *indices, guint n);
/* The position of a sample in the list, or G_MAXUINT when it is not in it. */
guint ds_sample_list_find (DsSampleList *self, int index);

G_END_DECLS
