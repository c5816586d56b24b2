/* ds-config-check.c — translated, field-naming messages for a configuration.
 *
 * The core reports architecture problems in English with the token's position; the messages
 * here are rebuilt from that position so that every word the user reads is translatable.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ds-config-check.h"
#include "kd_net.h"

static char *
token_text (const char *text, int position, int length)
{
  if (position < 0 || length <= 0 || (size_t)(position + length) > strlen (text))
    return NULL;
  return g_strndup (text + position, length);
}

static char *
parse_message (const char *text, const KdArchError *err)
{
  g_autofree char *token = token_text (text, err->position, err->length);

  if (token == NULL)
    return g_strdup_printf (
        _ ("Empty layer at character %d: two “-” in a row, or a “-” at either end"),
        err->position + 1);
  if (g_str_has_prefix (err->message, "too many"))
    return g_strdup_printf (_ ("Too many layers: at most %d, activations included"),
                            KD_ARCH_MAX_LAYERS);
  return g_strdup_printf (_ ("“%s” at character %d is not a layer. Use fcN, convN (optionally "
                             "with kK, sS, pP), pool or poolK, drop or dropP, or linear."),
                          token, err->position + 1);
}

static const KdLayerSpec *
spec_at (const KdArch *arch, int position)
{
  for (int i = 0; i < arch->n_specs; i++)
    if (arch->specs[i].text_pos == position)
      return &arch->specs[i];
  return NULL;
}

static char *
shape_message (const char *text, const KdArch *arch, const KdArchError *err, const KdDataset *ds)
{
  g_autofree char *token = token_text (text, err->position, err->length);
  const KdLayerSpec *spec = spec_at (arch, err->position);
  int k = spec ? spec->kernel : 0;

  if (ds->h == 1)
    return g_strdup_printf (_ ("“%s” at character %d needs images, but this data set has %d "
                               "features per sample; use fc layers"),
                            token ? token : "?", err->position + 1, (int)kd_dataset_dim (ds));
  return g_strdup_printf (_ ("“%s” at character %d does not fit: the feature map is smaller than "
                             "its %d×%d window there (the images are %d×%d). Use fewer pool "
                             "layers or a smaller kernel."),
                          token ? token : "?", err->position + 1, k, k, ds->h, ds->w);
}

static gboolean
count_params (const KdArch *arch, const KdDataset *ds, size_t *n_params)
{
  KdNet *net = NULL;

  if (kd_net_new (arch, ds->c, ds->h, ds->w, ds->n_classes, 1, &net) != KD_OK)
    return FALSE;
  *n_params = net->n_params;
  kd_net_free (net);
  return TRUE;
}

gboolean
ds_arch_check (const char *text, const DsData *data, DsArchProblem *problem, char **message)
{
  KdArch arch;
  KdArchError err = { 0 };

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (problem != NULL, FALSE);
  g_return_val_if_fail (message != NULL, FALSE);

  *message = NULL;
  problem->position = -1;
  problem->length = 0;
  problem->n_params = 0;

  if (kd_arch_parse (text, &arch, &err) != KD_OK)
    {
      problem->position = err.position;
      problem->length = err.length;
      *message = parse_message (text, &err);
      return FALSE;
    }
  if (data == NULL)
    return TRUE;

  const KdDataset *ds = data->train;
  if (kd_arch_check_shape (&arch, ds->c, ds->h, ds->w, &err) != KD_OK)
    {
      problem->position = err.position;
      problem->length = err.length;
      *message = shape_message (text, &arch, &err, ds);
      return FALSE;
    }
  if (!count_params (&arch, ds, &problem->n_params) || problem->n_params > DS_MAX_PARAMS)
    {
      *message = g_strdup_printf (_ ("The network is too large: at most %'zu parameters are "
                                     "supported"),
                                  DS_MAX_PARAMS);
      return FALSE;
    }
  return TRUE;
}

gboolean
ds_parse_learning_rate (const char *text, float *value)
{
  g_autofree char *copy = NULL;
  char *end = NULL;
  double v;

  g_return_val_if_fail (text != NULL, FALSE);

  copy = g_strstrip (g_strdelimit (g_strdup (text), ",", '.'));
  if (*copy == '\0')
    return FALSE;
  v = g_ascii_strtod (copy, &end);
  if (end == copy || *end != '\0' || !isfinite (v) || v <= 0.0 || v > 10.0)
    return FALSE;
  if (value)
    *value = (float)v;
  return TRUE;
}

static gboolean
fail (DsConfigField field, DsConfigField *out_field, char **message, char *text)
{
  *out_field = field;
  *message = text;
  return FALSE;
}

static gboolean
check_architectures (const KdTrainConfig *cfg,
                     const DsData *data,
                     DsConfigField *field,
                     char **message)
{
  DsArchProblem problem;
  g_autofree char *msg = NULL;

  if (!ds_arch_check (cfg->teacher_arch, data, &problem, &msg))
    return fail (DS_FIELD_TEACHER, field, message,
                 g_strdup_printf (_ ("Teacher architecture: %s"), msg));
  g_clear_pointer (&msg, g_free);
  if (!ds_arch_check (cfg->student_arch, data, &problem, &msg))
    return fail (DS_FIELD_STUDENT, field, message,
                 g_strdup_printf (_ ("Student architecture: %s"), msg));
  return TRUE;
}

static gboolean
check_numbers (const KdTrainConfig *cfg, DsConfigField *field, char **message)
{
  if (!(cfg->T0 > 0.0f && isfinite (cfg->T0)))
    return fail (DS_FIELD_TEMPERATURE, field, message,
                 g_strdup (_ ("The temperature must be greater than 0")));
  if (!(cfg->T1 > 0.0f && isfinite (cfg->T1)))
    return fail (DS_FIELD_FINAL_TEMPERATURE, field, message,
                 g_strdup (_ ("The final temperature must be greater than 0")));
  if (!(cfg->alpha >= 0.0f && cfg->alpha <= 1.0f))
    return fail (DS_FIELD_ALPHA, field, message, g_strdup (_ ("Alpha must lie between 0 and 1")));
  if (!(cfg->optim.lr > 0.0f && cfg->optim.lr <= 10.0f))
    return fail (DS_FIELD_LEARNING_RATE, field, message,
                 g_strdup (_ ("The learning rate must be a number greater than 0 and at most 10, "
                              "such as 0.001 or 1e-3")));
  if (cfg->optim.kind == KD_OPTIM_SGD
      && !(cfg->optim.momentum >= 0.0f && cfg->optim.momentum < 1.0f))
    return fail (DS_FIELD_MOMENTUM, field, message,
                 g_strdup (_ ("The momentum must lie in [0, 1)")));
  if (cfg->epochs < 1 || cfg->epochs > 10000)
    return fail (DS_FIELD_EPOCHS, field, message,
                 g_strdup (_ ("Student epochs must be between 1 and 10,000")));
  if (cfg->mode == KD_MODE_OFFLINE && (cfg->teacher_epochs < 1 || cfg->teacher_epochs > 10000))
    return fail (DS_FIELD_TEACHER_EPOCHS, field, message,
                 g_strdup (_ ("Teacher epochs must be between 1 and 10,000")));
  if (cfg->threads < 1 || cfg->threads > 256)
    return fail (DS_FIELD_THREADS, field, message,
                 g_strdup (_ ("Threads must be between 1 and 256")));
  return TRUE;
}

gboolean
ds_config_check (const KdTrainConfig *config,
                 const DsData *data,
                 DsConfigField *field,
                 char **message)
{
  char core_msg[160] = "";

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (message != NULL, FALSE);

  *field = DS_FIELD_NONE;
  *message = NULL;

  if (!check_architectures (config, data, field, message)
      || !check_numbers (config, field, message))
    return FALSE;
  if (data == NULL)
    return fail (DS_FIELD_DATA, field, message, g_strdup (_ ("No data set is loaded yet")));
  if (config->batch < 1 || config->batch > data->train->n)
    return fail (DS_FIELD_BATCH, field, message,
                 g_strdup_printf (_ ("The batch size must be between 1 and the number of training "
                                     "samples (%'d)"),
                                  data->train->n));
  /* A transfer set as large as the training set is none; training on everything while the
   * captions speak of a transfer set would mislead. */
  if (config->mode == KD_MODE_OFFLINE && config->transfer_limit >= data->train->n)
    return fail (DS_FIELD_TRANSFER_LIMIT, field, message,
                 g_strdup_printf (_ ("The students’ transfer set (%'d samples) must be smaller "
                                     "than the training set (%'d samples); set it to All to "
                                     "train the students on every sample"),
                                  config->transfer_limit, data->train->n));
  /* Whatever the fields above do not cover (Adam's betas from a session file, say). */
  if (kd_train_config_check (config, core_msg, sizeof core_msg) != KD_OK)
    return fail (DS_FIELD_NONE, field, message,
                 g_strdup_printf (_ ("Invalid setting: %s"), core_msg));
  return TRUE;
}
