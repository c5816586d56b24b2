/* ds-config-check.h — every setting of an experiment checked against its data, with a
 * translated message that names the field and says what to do. */
#pragma once

#include <glib.h>

#include "ds-data.h"
#include "kd_train.h"

G_BEGIN_DECLS

typedef enum
{
  DS_FIELD_NONE,
  DS_FIELD_DATA,
  DS_FIELD_TEACHER,
  DS_FIELD_STUDENT,
  DS_FIELD_TEMPERATURE,
  DS_FIELD_FINAL_TEMPERATURE,
  DS_FIELD_ALPHA,
  DS_FIELD_LEARNING_RATE,
  DS_FIELD_MOMENTUM,
  DS_FIELD_BATCH,
  DS_FIELD_EPOCHS,
  DS_FIELD_TEACHER_EPOCHS,
  DS_FIELD_THREADS,
  DS_FIELD_TRANSFER_LIMIT,
} DsConfigField;

/* The largest network the workbench agrees to train. */
#define DS_MAX_PARAMS ((size_t)100000000)

typedef struct
{
  int position; /* byte offset of the offending token, -1 when the whole string is at fault */
  int length;
  size_t n_params; /* on success with data: the network's parameter count */
} DsArchProblem;

/* Checks an architecture string, and when data is not NULL that it fits the data's input.
 * On failure returns FALSE with a translated message naming the token. */
gboolean
ds_arch_check (const char *text, const DsData *data, DsArchProblem *problem, char **message);

/* The first problem of the whole configuration for these data (NULL: not loaded yet). */
gboolean ds_config_check (const KdTrainConfig *config,
                          const DsData *data,
                          DsConfigField *field,
                          char **message);

/* Parses a learning rate as typed ("0.001", "1e-3", "0,001"); FALSE when it is not a number in
 * (0, 10]. */
gboolean ds_parse_learning_rate (const char *text, float *value);

G_END_DECLS
