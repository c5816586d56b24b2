#include "kd_arch.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KD_MAX_UNITS 65536
#define KD_MAX_KERNEL 64

static const char *const token_help
    = "expected fcN, convN[kK][sS][pP], pool[K] or drop[P] (or “linear” alone for no hidden "
      "layer)";

static KdStatus
arch_fail (KdArchError *err, int pos, int len, const char *fmt, ...)
{
  if (err)
    {
      va_list ap;
      va_start (ap, fmt);
      vsnprintf (err->message, sizeof err->message, fmt, ap);
      va_end (ap);
      err->position = pos;
      err->length = len;
    }
  return KD_ERR_ARCH;
}

/* Reads a positive decimal integer at *p; returns -1 when there is none or it is too large. */
static long
read_uint (const char **p)
{
  if (!isdigit ((unsigned char)**p))
    return -1;
  long v = 0;
  while (isdigit ((unsigned char)**p))
    {
      v = v * 10 + (**p - '0');
      if (v > 100000000L)
        return -1;
      (*p)++;
    }
  return v;
}

static bool
parse_conv_suffixes (const char *p, const char *end, KdLayerSpec *spec)
{
  while (p < end)
    {
      char key = *p++;
      long v = read_uint (&p);
      if (v < 0 || p > end)
        return false;
      if (key == 'k' && v >= 1 && v <= KD_MAX_KERNEL)
        spec->kernel = (int)v;
      else if (key == 's' && v >= 1 && v <= KD_MAX_KERNEL)
        spec->stride = (int)v;
      else if (key == 'p' && v <= KD_MAX_KERNEL)
        spec->pad = (int)v;
      else
        return false;
    }
  return true;
}

static bool
parse_drop (const char *p, const char *end, KdLayerSpec *spec)
{
  spec->drop_p = 0.5f;
  if (p == end)
    return true;
  char buf[32];
  size_t n = (size_t)(end - p);
  if (n >= sizeof buf)
    return false;
  memcpy (buf, p, n);
  buf[n] = '\0';
  char *stop = NULL;
  errno = 0;
  double v = strtod (buf, &stop);
  if (errno || stop != buf + n || !(v > 0.0 && v < 1.0))
    return false;
  spec->drop_p = (float)v;
  return true;
}

static bool
starts_with (const char *p, const char *end, const char *prefix)
{
  size_t n = strlen (prefix);
  return (size_t)(end - p) >= n && strncmp (p, prefix, n) == 0;
}

/* Parses one token [p, end) into spec; false when malformed. */
static bool
parse_token (const char *p, const char *end, KdLayerSpec *spec)
{
  memset (spec, 0, sizeof *spec);
  spec->pad = -1;
  spec->stride = 1;
  if (starts_with (p, end, "fc"))
    {
      const char *q = p + 2;
      long v = read_uint (&q);
      spec->type = KD_LAYER_DENSE;
      spec->units = (int)v;
      return q == end && v >= 1 && v <= KD_MAX_UNITS;
    }
  if (starts_with (p, end, "conv"))
    {
      const char *q = p + 4;
      long v = read_uint (&q);
      spec->type = KD_LAYER_CONV2D;
      spec->units = (int)v;
      spec->kernel = 3;
      return v >= 1 && v <= KD_MAX_UNITS && q <= end && parse_conv_suffixes (q, end, spec);
    }
  if (starts_with (p, end, "pool"))
    {
      const char *q = p + 4;
      long v = q == end ? 2 : read_uint (&q);
      spec->type = KD_LAYER_MAXPOOL;
      spec->kernel = (int)v;
      spec->stride = (int)v;
      return q == end && v >= 1 && v <= KD_MAX_KERNEL;
    }
  if (starts_with (p, end, "dropout"))
    {
      spec->type = KD_LAYER_DROPOUT;
      return parse_drop (p + 7, end, spec);
    }
  if (starts_with (p, end, "drop"))
    {
      spec->type = KD_LAYER_DROPOUT;
      return parse_drop (p + 4, end, spec);
    }
  return false;
}

static KdStatus
push_spec (KdArch *arch, const KdLayerSpec *spec, KdArchError *err)
{
  if (arch->n_specs >= KD_ARCH_MAX_LAYERS)
    return arch_fail (err, spec->text_pos, spec->text_len,
                      "too many layers (at most %d including activations)", KD_ARCH_MAX_LAYERS);
  arch->specs[arch->n_specs++] = *spec;
  return KD_OK;
}

static KdStatus
add_token (KdArch *arch, const KdLayerSpec *spec, KdArchError *err)
{
  KdStatus st = push_spec (arch, spec, err);
  if (st == KD_OK && (spec->type == KD_LAYER_DENSE || spec->type == KD_LAYER_CONV2D))
    {
      /* Every hidden fc/conv is followed by a ReLU. */
      KdLayerSpec relu = { .type = KD_LAYER_RELU, .text_pos = -1 };
      st = push_spec (arch, &relu, err);
    }
  return st;
}

static bool
is_blank (const char *text)
{
  for (const char *p = text; *p; p++)
    if (!isspace ((unsigned char)*p))
      return false;
  return true;
}

KdStatus
kd_arch_parse (const char *text, KdArch *arch, KdArchError *err)
{
  memset (arch, 0, sizeof *arch);
  if (text == NULL || is_blank (text) || strcmp (text, "linear") == 0)
    return KD_OK;
  const char *p = text;
  for (;;)
    {
      const char *end = strchr (p, '-');
      if (!end)
        end = p + strlen (p);
      int pos = (int)(p - text), len = (int)(end - p);
      if (len == 0)
        return arch_fail (err, pos, 0,
                          "empty layer at position %d (two “-” in a row, or a "
                          "“-” at an end)",
                          pos + 1);
      KdLayerSpec spec;
      if (!parse_token (p, end, &spec))
        return arch_fail (err, pos, len, "bad layer “%.*s” at position %d: %s", len, p, pos + 1,
                          token_help);
      spec.text_pos = pos;
      spec.text_len = len;
      KdStatus st = add_token (arch, &spec, err);
      if (st != KD_OK)
        return st;
      if (*end == '\0')
        return KD_OK;
      p = end + 1;
    }
}

static int
append (char *buf, size_t len, size_t used, const char *fmt, ...)
{
  if (used >= len)
    return 0;
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (buf + used, len - used, fmt, ap);
  va_end (ap);
  return n < 0 ? 0 : n;
}

static int
format_spec (const KdLayerSpec *s, char *buf, size_t len, size_t used)
{
  int n = 0;
  switch (s->type)
    {
      case KD_LAYER_DENSE:
        return append (buf, len, used, "fc%d", s->units);
      case KD_LAYER_CONV2D:
        n = append (buf, len, used, "conv%d", s->units);
        if (s->kernel != 3)
          n += append (buf, len, used + n, "k%d", s->kernel);
        if (s->stride != 1)
          n += append (buf, len, used + n, "s%d", s->stride);
        if (s->pad >= 0 && s->pad != s->kernel / 2)
          n += append (buf, len, used + n, "p%d", s->pad);
        return n;
      case KD_LAYER_MAXPOOL:
        return s->kernel == 2 ? append (buf, len, used, "pool")
                              : append (buf, len, used, "pool%d", s->kernel);
      case KD_LAYER_DROPOUT:
        return s->drop_p == 0.5f ? append (buf, len, used, "drop")
                                 : append (buf, len, used, "drop%g", (double)s->drop_p);
      case KD_LAYER_RELU:
      case KD_LAYER_FLATTEN:
        break;
    }
  return 0;
}

void
kd_arch_to_string (const KdArch *arch, char *buf, size_t len)
{
  size_t used = 0;
  if (len == 0)
    return;
  buf[0] = '\0';
  for (int i = 0; i < arch->n_specs; i++)
    {
      const KdLayerSpec *s = &arch->specs[i];
      if (s->type == KD_LAYER_RELU || s->type == KD_LAYER_FLATTEN)
        continue;
      if (used > 0)
        used += append (buf, len, used, "-");
      used += format_spec (s, buf, len, used);
    }
  if (used == 0)
    snprintf (buf, len, "linear");
}

static int
conv_out (int size, int k, int stride, int pad)
{
  int span = size + 2 * pad - k;
  return span < 0 ? 0 : span / stride + 1;
}

KdStatus
kd_arch_check_shape (const KdArch *arch, int c, int h, int w, KdArchError *err)
{
  for (int i = 0; i < arch->n_specs; i++)
    {
      const KdLayerSpec *s = &arch->specs[i];
      if (s->type == KD_LAYER_CONV2D)
        {
          int pad = s->pad < 0 ? s->kernel / 2 : s->pad;
          int oh = conv_out (h, s->kernel, s->stride, pad);
          int ow = conv_out (w, s->kernel, s->stride, pad);
          if (oh < 1 || ow < 1 || h == 0)
            return arch_fail (err, s->text_pos, s->text_len,
                              "conv layer at position %d (kernel %d, stride %d, padding %d) "
                              "does not fit its %dx%d input",
                              s->text_pos + 1, s->kernel, s->stride, pad, h, w);
          c = s->units, h = oh, w = ow;
        }
      else if (s->type == KD_LAYER_MAXPOOL)
        {
          if (h < s->kernel || w < s->kernel)
            return arch_fail (err, s->text_pos, s->text_len,
                              "pool window %dx%d at position %d is larger than its %dx%d input",
                              s->kernel, s->kernel, s->text_pos + 1, h, w);
          h = (h - s->kernel) / s->stride + 1;
          w = (w - s->kernel) / s->stride + 1;
        }
      else if (s->type == KD_LAYER_DENSE)
        c = s->units, h = 1, w = 1;
    }
  (void)c;
  return KD_OK;
}

const char *
kd_layer_type_name (KdLayerType type)
{
  switch (type)
    {
      case KD_LAYER_DENSE:
        return "dense";
      case KD_LAYER_CONV2D:
        return "conv2d";
      case KD_LAYER_MAXPOOL:
        return "maxpool";
      case KD_LAYER_RELU:
        return "relu";
      case KD_LAYER_DROPOUT:
        return "dropout";
      case KD_LAYER_FLATTEN:
        return "flatten";
    }
  return "unknown";
}
