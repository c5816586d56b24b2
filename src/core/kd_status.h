/* kd_status.h — status codes of the numeric core.
 *
 * The core never prints or exits: every fallible function returns one of these and the
 * layers above turn it into a (translated) message.
 */
#pragma once

typedef enum
{
  KD_OK = 0,
  KD_ERR_NOMEM,     /* an allocation failed */
  KD_ERR_ARCH,      /* malformed architecture string */
  KD_ERR_SHAPE,     /* shapes that do not fit together (e.g. pooling a 1x1 map) */
  KD_ERR_INVALID,   /* an argument out of range */
  KD_ERR_DIVERGED,  /* NaN or Inf in a loss or in the weights */
  KD_ERR_CANCELLED, /* the caller asked the run to stop */
} KdStatus;

const char *kd_status_to_string (KdStatus status);
