/* kd_io_error.c — the GError domain of src/io. */
#include "kd_io_error.h"

G_DEFINE_QUARK (kd - io - error - quark, kd_io_error)
