/* kd_config_json.c — KdTrainConfig to and from JSON.
 *
 * The numeric fields are listed once, with their offsets, so writing and reading cannot drift
 * apart; the string-valued choices (mode, optimizer) and the seed are handled on their own.
 */
#include "kd_config_json.h"

#include <math.h>
#include <stddef.h>

#include "kd_io_error.h"
#include "kd_json.h"

typedef enum
{
  FIELD_INT,
  FIELD_FLOAT,
} FieldKind;

static const struct
{
  const char *name;
  FieldKind kind;
  gsize offset;
} config_fields[] = {
  { "teacher_epochs", FIELD_INT, offsetof (KdTrainConfig, teacher_epochs) },
  { "epochs", FIELD_INT, offsetof (KdTrainConfig, epochs) },
  { "transfer_limit", FIELD_INT, offsetof (KdTrainConfig, transfer_limit) },
  { "T0", FIELD_FLOAT, offsetof (KdTrainConfig, T0) },
  { "T1", FIELD_FLOAT, offsetof (KdTrainConfig, T1) },
  { "alpha", FIELD_FLOAT, offsetof (KdTrainConfig, alpha) },
  { "lr", FIELD_FLOAT, offsetof (KdTrainConfig, optim.lr) },
  { "momentum", FIELD_FLOAT, offsetof (KdTrainConfig, optim.momentum) },
  { "weight_decay", FIELD_FLOAT, offsetof (KdTrainConfig, optim.weight_decay) },
  { "beta1", FIELD_FLOAT, offsetof (KdTrainConfig, optim.beta1) },
  { "beta2", FIELD_FLOAT, offsetof (KdTrainConfig, optim.beta2) },
  { "eps", FIELD_FLOAT, offsetof (KdTrainConfig, optim.eps) },
  { "batch", FIELD_INT, offsetof (KdTrainConfig, batch) },
  { "threads", FIELD_INT, offsetof (KdTrainConfig, threads) },
  { "eval_every_epochs", FIELD_INT, offsetof (KdTrainConfig, eval_every_epochs) },
  { "history_every", FIELD_INT, offsetof (KdTrainConfig, history_every) },
};

void
kd_train_config_add_members (JsonBuilder *b, const KdTrainConfig *cfg)
{
  g_return_if_fail (JSON_IS_BUILDER (b) && cfg != NULL);
  json_builder_set_member_name (b, "teacher_arch");
  json_builder_add_string_value (b, cfg->teacher_arch);
  json_builder_set_member_name (b, "student_arch");
  json_builder_add_string_value (b, cfg->student_arch);
  json_builder_set_member_name (b, "mode");
  json_builder_add_string_value (b, cfg->mode == KD_MODE_ONLINE ? "online" : "offline");
  json_builder_set_member_name (b, "optimizer");
  json_builder_add_string_value (b, cfg->optim.kind == KD_OPTIM_SGD ? "sgd" : "adam");
  for (gsize i = 0; i < G_N_ELEMENTS (config_fields); i++)
    {
      const char *field = (const char *)cfg + config_fields[i].offset;
      json_builder_set_member_name (b, config_fields[i].name);
      if (config_fields[i].kind == FIELD_INT)
        json_builder_add_int_value (b, *(const int *)field);
      else
        kd_json_add_float (b, *(const float *)field);
    }
  /* json-glib, like many readers, holds integers as signed 64-bit: larger seeds are strings. */
  json_builder_set_member_name (b, "seed");
  if (cfg->seed <= (guint64)G_MAXINT64)
    json_builder_add_int_value (b, (gint64)cfg->seed);
  else
    {
      g_autofree char *s = g_strdup_printf ("%" G_GUINT64_FORMAT, cfg->seed);
      json_builder_add_string_value (b, s);
    }
}

gchar *
kd_train_config_to_json (const KdTrainConfig *cfg)
{
  g_return_val_if_fail (cfg != NULL, NULL);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  json_builder_begin_object (b);
  kd_train_config_add_members (b, cfg);
  json_builder_end_object (b);
  return kd_json_builder_to_text (b, FALSE);
}

static gboolean
get_choice (JsonObject *o,
            const char *name,
            const char *first,
            const char *second,
            int *out,
            GError **error)
{
  char buf[16] = "";
  if (!kd_json_get_string (o, name, buf, sizeof buf, error))
    return FALSE;
  if (!json_object_has_member (o, name))
    return TRUE;
  if (!g_str_equal (buf, first) && !g_str_equal (buf, second))
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_VALUE, "field “%s” must be “%s” or “%s”",
                   name, first, second);
      return FALSE;
    }
  *out = g_str_equal (buf, second);
  return TRUE;
}

static gboolean
get_seed (JsonObject *o, guint64 *seed, GError **error)
{
  JsonNode *node = json_object_get_member (o, "seed");
  gint64 v;
  if (!node)
    return TRUE;
  if (kd_json_node_to_int (node, &v) && v >= 0)
    {
      *seed = (guint64)v;
      return TRUE;
    }
  if (kd_json_node_string (node)
      && g_ascii_string_to_unsigned (kd_json_node_string (node), 10, 0, G_MAXUINT64, seed, NULL))
    return TRUE;
  return kd_json_field_error (error, "seed", "must be a non-negative integer");
}

static gboolean
get_config_fields (JsonObject *o, KdTrainConfig *cfg, GError **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS (config_fields); i++)
    {
      char *field = (char *)cfg + config_fields[i].offset;
      const char *name = config_fields[i].name;
      if (config_fields[i].kind == FIELD_INT)
        {
          if (!kd_json_get_int32 (o, name, G_MININT, G_MAXINT, (int *)field, error))
            return FALSE;
          continue;
        }
      double v = *(float *)field;
      if (!kd_json_get_double (o, name, TRUE, &v, error))
        return FALSE;
      if (!isfinite ((float)v))
        return kd_json_field_error (error, name, "is out of range");
      *(float *)field = (float)v;
    }
  return TRUE;
}

gboolean
kd_train_config_from_object (JsonObject *o, KdTrainConfig *out, GError **error)
{
  g_return_val_if_fail (o != NULL && out != NULL, FALSE);
  KdTrainConfig cfg;
  int mode = KD_MODE_OFFLINE, sgd = 0;
  char msg[256];
  kd_train_config_default (&cfg);
  if (!kd_json_get_string (o, "teacher_arch", cfg.teacher_arch, sizeof cfg.teacher_arch, error)
      || !kd_json_get_string (o, "student_arch", cfg.student_arch, sizeof cfg.student_arch, error)
      || !get_choice (o, "mode", "offline", "online", &mode, error)
      || !get_choice (o, "optimizer", "adam", "sgd", &sgd, error))
    return FALSE;
  cfg.mode = mode ? KD_MODE_ONLINE : KD_MODE_OFFLINE;
  /* Unspecified optimizer fields take the defaults of the chosen optimizer, not Adam's. */
  if ((sgd ? KD_OPTIM_SGD : KD_OPTIM_ADAM) != cfg.optim.kind)
    kd_optim_config_default (&cfg.optim, sgd ? KD_OPTIM_SGD : KD_OPTIM_ADAM);
  if (!get_config_fields (o, &cfg, error) || !get_seed (o, &cfg.seed, error))
    return FALSE;
  if (kd_train_config_check (&cfg, msg, sizeof msg) != KD_OK)
    {
      g_set_error (error, KD_IO_ERROR, KD_IO_ERROR_BAD_VALUE, "configuration out of range: %s",
                   msg);
      return FALSE;
    }
  *out = cfg;
  return TRUE;
}

gboolean
kd_train_config_from_json (const char *json, KdTrainConfig *cfg, GError **error)
{
  g_return_val_if_fail (json != NULL && cfg != NULL, FALSE);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *o = kd_json_parse_object (parser, json, -1, "the configuration", error);
  return o && kd_train_config_from_object (o, cfg, error);
}
