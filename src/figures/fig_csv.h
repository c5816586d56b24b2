/* fig_csv.h — CSV for a figure's underlying numbers: RFC 4180 quoting, '\n' line ends, '.'
 * decimal point whatever the locale. */
#pragma once

#include <glib.h>
#include <stdbool.h>

typedef struct
{
  GString *out;
  bool row_started; /* a cell was written on the current line: the next needs a comma */
} FigCsv;

void fig_csv_init (FigCsv *csv, GString *out);
void fig_csv_text (FigCsv *csv, const char *text);
/* Full float precision ("%.9g"); NaN as an empty cell, infinities as inf / -inf. */
void fig_csv_number (FigCsv *csv, double value);
void fig_csv_int (FigCsv *csv, long value);
void fig_csv_end_row (FigCsv *csv);
