/* cli_options.c — the experiment's command-line options, shared by train and analyse. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "cli.h"

void
cli_train_args_clear (CliTrainArgs *a)
{
  char **fields[] = { &a->data,
                      &a->teacher,
                      &a->student,
                      &a->mode,
                      &a->optimizer,
                      &a->json,
                      &a->save,
                      &a->epochs,
                      &a->teacher_epochs,
                      &a->temperature,
                      &a->temperature_end,
                      &a->alpha,
                      &a->lr,
                      &a->momentum,
                      &a->weight_decay,
                      &a->batch,
                      &a->seed,
                      &a->threads,
                      &a->train_limit,
                      &a->test_limit,
                      &a->transfer_limit };
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    g_clear_pointer (fields[i], g_free);
}

/* Parses a finite number in [lo, hi] (open at an end when the flag says so). */
gboolean
cli_parse_number (const char *opt,
                  const char *text,
                  double lo,
                  gboolean lo_open,
                  double hi,
                  double *out,
                  char **msg)
{
  char *end = NULL;
  errno = 0;
  double v = g_ascii_strtod (text, &end);
  if (errno || end == text || *end != '\0' || !isfinite (v))
    {
      *msg = g_strdup_printf ("%s: “%s” is not a number", opt, text);
      return FALSE;
    }
  if ((lo_open ? v <= lo : v < lo) || v > hi)
    {
      *msg = g_strdup_printf ("%s: %s is out of range; expected %s %g and at most %g", opt, text,
                              lo_open ? "more than" : "at least", lo, hi);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

gboolean
cli_parse_int (const char *opt, const char *text, long lo, long hi, long *out, char **msg)
{
  char *end = NULL;
  errno = 0;
  long long v = g_ascii_strtoll (text, &end, 10);
  if (errno || end == text || *end != '\0')
    {
      *msg = g_strdup_printf ("%s: “%s” is not a whole number", opt, text);
      return FALSE;
    }
  if (v < lo || v > hi)
    {
      *msg = g_strdup_printf ("%s: %s is out of range; expected %ld to %ld", opt, text, lo, hi);
      return FALSE;
    }
  *out = (long)v;
  return TRUE;
}

#define NUM_OPT(field, name, lo, lo_open, hi, dst)                                                 \
  do                                                                                               \
    {                                                                                              \
      double v_;                                                                                   \
      if (a->field && !cli_parse_number (name, a->field, lo, lo_open, hi, &v_, msg))               \
        return FALSE;                                                                              \
      if (a->field)                                                                                \
        dst = (float)v_;                                                                           \
    }                                                                                              \
  while (0)

#define INT_OPT(field, name, lo, hi, dst)                                                          \
  do                                                                                               \
    {                                                                                              \
      long v_;                                                                                     \
      if (a->field && !cli_parse_int (name, a->field, lo, hi, &v_, msg))                           \
        return FALSE;                                                                              \
      if (a->field)                                                                                \
        dst = v_;                                                                                  \
    }                                                                                              \
  while (0)

static gboolean
parse_choices (const CliTrainArgs *a, KdTrainConfig *cfg, char **msg)
{
  if (a->mode && strcmp (a->mode, "offline") != 0 && strcmp (a->mode, "online") != 0)
    {
      *msg = g_strdup_printf ("--mode: “%s” is not a mode; expected offline or online", a->mode);
      return FALSE;
    }
  if (a->mode)
    cfg->mode = strcmp (a->mode, "online") == 0 ? KD_MODE_ONLINE : KD_MODE_OFFLINE;
  if (a->optimizer && strcmp (a->optimizer, "adam") != 0 && strcmp (a->optimizer, "sgd") != 0)
    {
      *msg = g_strdup_printf ("--optimizer: “%s” is not an optimizer; expected adam or sgd",
                              a->optimizer);
      return FALSE;
    }
  if (a->optimizer)
    kd_optim_config_default (&cfg->optim,
                             strcmp (a->optimizer, "sgd") == 0 ? KD_OPTIM_SGD : KD_OPTIM_ADAM);
  return TRUE;
}

static gboolean
check_arch (const char *opt, const char *text, char **msg)
{
  KdArch arch;
  KdArchError err;
  if (kd_arch_parse (text, &arch, &err) == KD_OK)
    return TRUE;
  *msg = g_strdup_printf ("%s “%s”: %s", opt, text, err.message);
  return FALSE;
}

gboolean
cli_train_config_from_args (const CliTrainArgs *a, KdTrainConfig *cfg, long *limits, char **msg)
{
  kd_train_config_default (cfg);
  if (!parse_choices (a, cfg, msg))
    return FALSE;
  if (a->teacher && !check_arch ("--teacher", a->teacher, msg))
    return FALSE;
  if (a->student && !check_arch ("--student", a->student, msg))
    return FALSE;
  if (a->teacher)
    g_strlcpy (cfg->teacher_arch, a->teacher, sizeof cfg->teacher_arch);
  if (a->student)
    g_strlcpy (cfg->student_arch, a->student, sizeof cfg->student_arch);
  long v = (long)cfg->seed;
  INT_OPT (epochs, "--epochs", 1, 10000, cfg->epochs);
  INT_OPT (teacher_epochs, "--teacher-epochs", 1, 10000, cfg->teacher_epochs);
  NUM_OPT (temperature, "--temperature", 0.0, TRUE, 1000.0, cfg->T0);
  cfg->T1 = cfg->T0;
  NUM_OPT (temperature_end, "--temperature-end", 0.0, TRUE, 1000.0, cfg->T1);
  NUM_OPT (alpha, "--alpha", 0.0, FALSE, 1.0, cfg->alpha);
  NUM_OPT (lr, "--lr", 0.0, TRUE, 10.0, cfg->optim.lr);
  NUM_OPT (momentum, "--momentum", 0.0, FALSE, 0.999, cfg->optim.momentum);
  NUM_OPT (weight_decay, "--weight-decay", 0.0, FALSE, 0.5, cfg->optim.weight_decay);
  INT_OPT (batch, "--batch", 1, 65536, cfg->batch);
  INT_OPT (threads, "--threads", 1, 256, cfg->threads);
  INT_OPT (seed, "--seed", 0, G_MAXINT32, v);
  cfg->seed = (uint64_t)v;
  INT_OPT (train_limit, "--train-limit", 1, G_MAXINT32, limits[0]);
  INT_OPT (test_limit, "--test-limit", 1, G_MAXINT32, limits[1]);
  INT_OPT (transfer_limit, "--transfer-limit", 1, G_MAXINT32, cfg->transfer_limit);
  char buf[256];
  if (kd_train_config_check (cfg, buf, sizeof buf) != KD_OK)
    {
      *msg = g_strdup (buf);
      return FALSE;
    }
  return TRUE;
}

GOptionGroup *
cli_train_option_group (CliTrainArgs *a)
{
  const GOptionEntry entries[] = {
    { "data", 'd', 0, G_OPTION_ARG_STRING, &a->data,
      "Dataset name or path (default synthetic-digits)", "NAME|PATH" },
    { "teacher", 0, 0, G_OPTION_ARG_STRING, &a->teacher, "Teacher architecture", "ARCH" },
    { "student", 0, 0, G_OPTION_ARG_STRING, &a->student, "Student architecture", "ARCH" },
    { "epochs", 'e', 0, G_OPTION_ARG_STRING, &a->epochs, "Student epochs", "N" },
    { "teacher-epochs", 0, 0, G_OPTION_ARG_STRING, &a->teacher_epochs,
      "Teacher epochs (offline mode)", "N" },
    { "temperature", 'T', 0, G_OPTION_ARG_STRING, &a->temperature, "Temperature (start)", "T" },
    { "temperature-end", 0, 0, G_OPTION_ARG_STRING, &a->temperature_end,
      "Anneal the temperature linearly to T1", "T1" },
    { "alpha", 'a', 0, G_OPTION_ARG_STRING, &a->alpha, "Weight of the soft loss, 0..1", "A" },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &a->mode, "offline or online", "MODE" },
    { "optimizer", 0, 0, G_OPTION_ARG_STRING, &a->optimizer, "adam or sgd", "NAME" },
    { "lr", 0, 0, G_OPTION_ARG_STRING, &a->lr, "Learning rate", "X" },
    { "momentum", 0, 0, G_OPTION_ARG_STRING, &a->momentum, "SGD momentum", "X" },
    { "weight-decay", 0, 0, G_OPTION_ARG_STRING, &a->weight_decay, "L2 weight decay", "X" },
    { "batch", 'b', 0, G_OPTION_ARG_STRING, &a->batch, "Mini-batch size", "N" },
    { "seed", 's', 0, G_OPTION_ARG_STRING, &a->seed, "Random seed", "S" },
    { "threads", 'j', 0, G_OPTION_ARG_STRING, &a->threads, "Threads", "N" },
    { "train-limit", 0, 0, G_OPTION_ARG_STRING, &a->train_limit, "Use the first N training samples",
      "N" },
    { "test-limit", 0, 0, G_OPTION_ARG_STRING, &a->test_limit, "Use the first N test samples",
      "N" },
    { "transfer-limit", 0, 0, G_OPTION_ARG_STRING, &a->transfer_limit,
      "Offline: the students learn from only the first N training samples (the teacher from all)",
      "N" },
    { NULL },
  };
  GOptionGroup *group = g_option_group_new (
      "training", "Experiment options:", "Show experiment options", NULL, NULL);
  g_option_group_add_entries (group, entries);
  return group;
}
