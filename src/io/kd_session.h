/* kd_session.h — session files: configuration, the three networks' weights and the results.
 *
 * The file is a valid safetensors file (so PyTorch users can load the weights with
 * safetensors.torch.load_file): an 8-byte little-endian header length, a JSON header, then the
 * raw little-endian float32 tensors. Distillscope's own data lives in the header's
 * "__metadata__" (string values only, per the safetensors spec) as named sections:
 *
 *   "format"            "distillscope-session"
 *   "format_version"    "1"
 *   "config"            JSON: the KdTrainConfig and the data spec / limits
 *   "model.<role>"      JSON: arch string, input shape, n_classes, layer list
 *   "history"           JSON: the loss/accuracy history
 *   "results"           JSON: accuracy / agreement / KL per model (absent if not finished)
 *   "crc32.<tensor>"    CRC-32 of each tensor's bytes, to refuse damaged files
 *   "metadata_crc32"    CRC-32 over the known sections above, so a damaged byte in the
 *                       configuration or history is refused too
 *
 * Tensors are named "<role>.<layer index>.weight" / ".bias" with PyTorch's shapes, roles
 * teacher, student, baseline. Readers ignore sections they do not know, so later versions can
 * add sections without breaking older files; a higher major format_version is refused.
 */
#pragma once

#include <glib.h>

#include "kd_config_json.h" /* the configuration's JSON, also used for the "config" section */
#include "kd_train.h"

#define KD_SESSION_FORMAT "distillscope-session"
#define KD_SESSION_VERSION 1

typedef struct
{
  KdTrainConfig config;
  char data_spec[1024]; /* name or path the data came from */
  int train_limit, test_limit;
  KdNet *nets[KD_N_MODELS]; /* owned; built with max_batch 256 on load */
  KdHistory history;        /* owned points */
  gboolean have_results;
  KdResults results;
} KdSession;

KdSession *kd_session_new (void);
void       kd_session_free (KdSession *session);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KdSession, kd_session_free)

/* Writes atomically: a temporary file in the same directory, fsync, then rename; an existing
 * file at `path` is untouched on any error. */
gboolean   kd_session_save (const KdSession *session, const char *path, GError **error);
/* Refuses foreign, truncated, damaged (CRC) or newer-version files with a message naming the
 * file and the problem. */
KdSession *kd_session_load (const char *path, GError **error);

/* Fills a session from a finished (or stopped) trainer: config, weights copies, history,
 * results. */
KdSession *kd_session_from_trainer (KdTrainer *trainer, const char *data_spec, int train_limit,
                                    int test_limit);
