/* kd_arch.h — architecture strings.
 *
 * An architecture is a '-'-separated list of hidden layers; the input shape and the final
 * dense layer to n_classes come from the dataset. Tokens:
 *
 *   fcN            dense layer with N outputs, followed by ReLU
 *   convN          conv2d with N output channels, 3x3, stride 1, "same" padding, then ReLU
 *   convNkKsSpP    the same with kernel K, stride S, padding P (each suffix optional)
 *   pool, poolK    max-pool with a KxK window and stride K (default 2)
 *   drop, dropP    dropout with probability P in (0, 1) (default 0.5)
 *
 * A flatten is inserted before the first fc after a conv/pool. The empty string and
 * "linear" mean no hidden layer (multinomial logistic regression).
 */
#pragma once

#include <stddef.h>

#include "kd_status.h"

#define KD_ARCH_MAX_LAYERS 64

typedef enum
{
  KD_LAYER_DENSE,
  KD_LAYER_CONV2D,
  KD_LAYER_MAXPOOL,
  KD_LAYER_RELU,
  KD_LAYER_DROPOUT,
  KD_LAYER_FLATTEN,
} KdLayerType;

typedef struct
{
  KdLayerType type;
  int units;    /* dense outputs or conv output channels */
  int kernel;   /* conv / pool window */
  int stride;   /* conv / pool stride */
  int pad;      /* conv padding; -1 means "same" (kernel / 2) */
  float drop_p; /* dropout probability */
  int text_pos; /* where the token stood in the parsed string (for shape errors), or -1 */
  int text_len;
} KdLayerSpec;

typedef struct
{
  int n_specs;
  KdLayerSpec specs[KD_ARCH_MAX_LAYERS]; /* hidden layers only, activations included */
} KdArch;

typedef struct
{
  int position; /* byte offset of the offending token in the string */
  int length;   /* its length */
  char message[256];
} KdArchError;

/* Parses `text`. On failure fills `err` (if not NULL) with a message that names the token
 * and returns KD_ERR_ARCH. */
KdStatus kd_arch_parse (const char *text, KdArch *arch, KdArchError *err);

/* Canonical string for `arch` (round-trips through kd_arch_parse). */
void kd_arch_to_string (const KdArch *arch, char *buf, size_t len);

/* Follows the shapes through the layers for an input of (c, h, w); fails with KD_ERR_SHAPE and
 * a message naming the token when a layer does not fit (e.g. pooling a 1x1 map). */
KdStatus kd_arch_check_shape (const KdArch *arch, int c, int h, int w, KdArchError *err);

const char *kd_layer_type_name (KdLayerType type);
