/* fig_csv.c — CSV cells. */
#include "fig_csv.h"

#include <math.h>
#include <string.h>

void
fig_csv_init (FigCsv *csv, GString *out)
{
  csv->out = out;
  csv->row_started = false;
}

static void
separate (FigCsv *csv)
{
  if (csv->row_started)
    g_string_append_c (csv->out, ',');
  csv->row_started = true;
}

void
fig_csv_text (FigCsv *csv, const char *text)
{
  separate (csv);
  if (!text)
    return;
  if (!strpbrk (text, ",\"\r\n"))
    {
      g_string_append (csv->out, text);
      return;
    }
  g_string_append_c (csv->out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (csv->out, '"');
      g_string_append_c (csv->out, *p);
    }
  g_string_append_c (csv->out, '"');
}

void
fig_csv_number (FigCsv *csv, double value)
{
  separate (csv);
  if (isnan (value))
    return;
  if (isinf (value))
    {
      g_string_append (csv->out, value > 0 ? "inf" : "-inf");
      return;
    }
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append (csv->out, g_ascii_formatd (buf, sizeof buf, "%.9g", value));
}

void
fig_csv_int (FigCsv *csv, long value)
{
  separate (csv);
  g_string_append_printf (csv->out, "%ld", value);
}

void
fig_csv_end_row (FigCsv *csv)
{
  g_string_append_c (csv->out, '\n');
  csv->row_started = false;
}
