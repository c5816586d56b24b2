/* ds-sample-list.c — test-sample indices as a GListModel.
 *
 * DsSampleItem lives here too: it is nothing but this model's item type (as GtkStringObject
 * is GtkStringList's). */
#include "config.h"

#include <string.h>

#include "ds-sample-list.h"

struct _DsSampleItem
{
  GObject parent_instance;

  int index;
};

G_DEFINE_FINAL_TYPE (DsSampleItem, ds_sample_item, G_TYPE_OBJECT)

static void
ds_sample_item_class_init (DsSampleItemClass *klass)
{
}

static void
ds_sample_item_init (DsSampleItem *self)
{
}

int
ds_sample_item_get_index (DsSampleItem *self)
{
  g_return_val_if_fail (DS_IS_SAMPLE_ITEM (self), -1);

  return self->index;
}

struct _DsSampleList
{
  GObject parent_instance;

  GArray *indices; /* of int */
};

static void ds_sample_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (DsSampleList,
                               ds_sample_list,
                               G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, ds_sample_list_model_init))

static GType
ds_sample_list_get_item_type (GListModel *model)
{
  return DS_TYPE_SAMPLE_ITEM;
}

static guint
ds_sample_list_get_n_items (GListModel *model)
{
  return DS_SAMPLE_LIST (model)->indices->len;
}

static gpointer
ds_sample_list_get_item (GListModel *model, guint position)
{
  DsSampleList *self = DS_SAMPLE_LIST (model);
  DsSampleItem *item;

  if (position >= self->indices->len)
    return NULL;
  item = g_object_new (DS_TYPE_SAMPLE_ITEM, NULL);
  item->index = g_array_index (self->indices, int, position);
  return item;
}

static void
ds_sample_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ds_sample_list_get_item_type;
  iface->get_n_items = ds_sample_list_get_n_items;
  iface->get_item = ds_sample_list_get_item;
}

DsSampleList *
ds_sample_list_new (void)
{
  return g_object_new (DS_TYPE_SAMPLE_LIST, NULL);
}

void
ds_sample_list_set_indices (DsSampleList *self, const int *indices, guint n)
{
  guint removed;

  g_return_if_fail (DS_IS_SAMPLE_LIST (self));
  g_return_if_fail (n == 0 || indices != NULL);

  removed = self->indices->len;
  /* The same samples (the filter of a newer snapshot): their cells are bound again with the
   * new outputs, but the grid keeps its place. */
  if (removed == n && n > 0 && memcmp (self->indices->data, indices, n * sizeof (int)) == 0)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), 0, n, n);
      return;
    }
  g_array_set_size (self->indices, 0);
  g_array_append_vals (self->indices, indices, n);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, n);
}

guint
ds_sample_list_find (DsSampleList *self, int index)
{
  g_return_val_if_fail (DS_IS_SAMPLE_LIST (self), G_MAXUINT);

  for (guint i = 0; i < self->indices->len; i++)
    if (g_array_index (self->indices, int, i) == index)
      return i;
  return G_MAXUINT;
}

static void
ds_sample_list_finalize (GObject *object)
{
  DsSampleList *self = (DsSampleList *)object;

  g_array_unref (self->indices);

  G_OBJECT_CLASS (ds_sample_list_parent_class)->finalize (object);
}

static void
ds_sample_list_class_init (DsSampleListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ds_sample_list_finalize;
}

static void
ds_sample_list_init (DsSampleList *self)
{
  self->indices = g_array_new (FALSE, FALSE, sizeof (int));
}
