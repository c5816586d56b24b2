#include "kd_status.h"

const char *
kd_status_to_string (KdStatus status)
{
  switch (status)
    {
      case KD_OK:
        return "success";
      case KD_ERR_NOMEM:
        return "out of memory";
      case KD_ERR_ARCH:
        return "malformed architecture string";
      case KD_ERR_SHAPE:
        return "layer shapes do not fit the input";
      case KD_ERR_INVALID:
        return "invalid argument";
      case KD_ERR_DIVERGED:
        return "training diverged (NaN or Inf)";
      case KD_ERR_CANCELLED:
        return "cancelled";
    }
  return "unknown status";
}
