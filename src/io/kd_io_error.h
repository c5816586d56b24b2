/* kd_io_error.h — the GError domain of src/io. Messages always name the file. */
#pragma once

#include <glib.h>

#define KD_IO_ERROR (kd_io_error_quark ())

typedef enum
{
  KD_IO_ERROR_OPEN,        /* cannot open / read / stat */
  KD_IO_ERROR_IS_DIRECTORY,/* a directory where a file was expected */
  KD_IO_ERROR_EMPTY,       /* zero-length file */
  KD_IO_ERROR_TRUNCATED,   /* shorter than its header says */
  KD_IO_ERROR_BAD_MAGIC,   /* not the expected format */
  KD_IO_ERROR_BAD_SIZE,    /* header dimensions impossible or inconsistent with the data */
  KD_IO_ERROR_MISMATCH,    /* image and label counts (or shapes across files) differ */
  KD_IO_ERROR_LABEL_RANGE, /* a label outside [0, n_classes) */
  KD_IO_ERROR_BAD_VALUE,   /* NaN/Inf or unparsable number */
  KD_IO_ERROR_CORRUPT,     /* damaged compressed stream or checksum mismatch */
  KD_IO_ERROR_TOO_LARGE,   /* beyond the limits we accept */
  KD_IO_ERROR_UNKNOWN,     /* unknown dataset name */
  KD_IO_ERROR_VERSION,     /* a newer/unsupported format version */
  KD_IO_ERROR_WRITE,       /* cannot write / rename */
} KdIoError;

GQuark kd_io_error_quark (void);
