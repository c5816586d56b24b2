/* fig_style.c — the three themes and the series palettes. */
#include "fig_style.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fig_i18n.h"

static FigRGBA
hex (uint32_t rgb)
{
  return (FigRGBA){ ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0, (rgb & 0xff) / 255.0,
                    1.0 };
}

/* Paul Tol's "muted" scheme (for light paper) and "light" scheme (for dark backgrounds), each
 * completed to ten with a neutral; both stay distinct under the common colour-vision
 * deficiencies. */
static const uint32_t tol_muted[FIG_N_CLASS_COLORS] = {
  0x332288, 0xCC6677, 0x117733, 0xDDCC77, 0x88CCEE,
  0x882255, 0x44AA99, 0x999933, 0xAA4499, 0x777777,
};
static const uint32_t tol_light[FIG_N_CLASS_COLORS] = {
  0x77AADD, 0xEE8866, 0x44BB99, 0xEEDD88, 0xFFAABB,
  0x99DDFF, 0xBBCC33, 0xAAAA00, 0xDDDDDD, 0xCC99DD,
};

static void
set_sizes (FigStyle *s, double scale)
{
  s->tick_size = 8.0 * scale;
  s->label_size = 9.0 * scale;
  s->title_size = 10.0 * scale;
  s->line_width = 1.5 * scale;
  s->axis_width = 0.8 * scale;
  s->grid_width = 0.6 * scale;
  s->marker_size = 5.0 * scale;
  s->tick_length = 3.5 * scale;
  s->pad = 4.0 * scale;
}

static void
set_light_colors (FigStyle *s)
{
  s->background = hex (0xFFFFFF);
  s->text = hex (0x1A1A1A);
  s->text_muted = hex (0x474747);
  s->axis = hex (0x3C3C3C);
  s->grid = hex (0xE3E3E3);
  s->grid_minor = hex (0xF1F1F1);
  s->legend_fill = (FigRGBA){ 1, 1, 1, 0.85 };
  /* Okabe-Ito blue and orange, and a dark neutral for the control: CIE L* 46, 71 and 27, so
   * even bars keep apart in greyscale. */
  s->model_colors[FIG_MODEL_TEACHER] = hex (0x0072B2);
  s->model_colors[FIG_MODEL_STUDENT] = hex (0xE69F00);
  s->model_colors[FIG_MODEL_BASELINE] = hex (0x404040);
  for (int i = 0; i < FIG_N_CLASS_COLORS; i++)
    s->class_colors[i] = hex (tol_muted[i]);
  s->accent = hex (0x7A7A7A);
  s->warn = hex (0xD55E00);
}

static void
set_dark_colors (FigStyle *s)
{
  s->background = hex (0x242424);
  s->text = hex (0xEEEEEE);
  s->text_muted = hex (0xC0C0C0);
  s->axis = hex (0xA8A8A8);
  s->grid = hex (0x3D3D3D);
  s->grid_minor = hex (0x2F2F2F);
  s->legend_fill = (FigRGBA){ 0.141, 0.141, 0.141, 0.85 };
  /* Okabe-Ito sky blue and orange, and a light neutral: readable on the dark background. */
  s->model_colors[FIG_MODEL_TEACHER] = hex (0x56B4E9);
  s->model_colors[FIG_MODEL_STUDENT] = hex (0xE69F00);
  s->model_colors[FIG_MODEL_BASELINE] = hex (0xD0D0D0);
  for (int i = 0; i < FIG_N_CLASS_COLORS; i++)
    s->class_colors[i] = hex (tol_light[i]);
  s->accent = hex (0x9A9A9A);
  s->warn = hex (0xFF8C5A);
}

void
fig_style_init (FigStyle *style, FigTheme theme)
{
  memset (style, 0, sizeof *style);
  style->theme = theme;
  style->dpi = 96.0;
  snprintf (style->font_family, sizeof style->font_family, "%s",
            "DejaVu Sans, WenQuanYi Micro Hei");
  if (theme == FIG_THEME_DARK)
    set_dark_colors (style);
  else
    set_light_colors (style);
  /* A projector needs type readable from the back of the room, not a denser figure. */
  set_sizes (style, theme == FIG_THEME_PRESENTATION ? 1.6 : 1.0);
}

static FigStyle shared_styles[FIG_N_THEMES];

static void
init_shared_styles (void)
{
  for (int t = 0; t < FIG_N_THEMES; t++)
    fig_style_init (&shared_styles[t], (FigTheme)t);
}

const FigStyle *
fig_style_get (FigTheme theme)
{
  /* GUI and export threads may ask first at the same time. */
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once (&once, init_shared_styles);
  if (theme < 0 || theme >= FIG_N_THEMES)
    theme = FIG_THEME_LIGHT;
  return &shared_styles[theme];
}

static const char *const theme_names[FIG_N_THEMES] = { "light", "dark", "presentation" };

const char *
fig_theme_name (FigTheme theme)
{
  return theme >= 0 && theme < FIG_N_THEMES ? theme_names[theme] : "light";
}

bool
fig_theme_from_name (const char *name, FigTheme *theme)
{
  for (int t = 0; name && t < FIG_N_THEMES; t++)
    if (strcmp (name, theme_names[t]) == 0)
      {
        *theme = (FigTheme)t;
        return true;
      }
  return false;
}

double
fig_style_scale (const FigStyle *style)
{
  return (style->dpi > 0 ? style->dpi : 96.0) / 72.0;
}

FigSeriesLook
fig_style_model_look (const FigStyle *style, FigModel model)
{
  static const FigDash dashes[FIG_N_MODEL_LOOKS]
      = { FIG_DASH_SOLID, FIG_DASH_DASHED, FIG_DASH_DOTTED };
  static const FigMarker markers[FIG_N_MODEL_LOOKS]
      = { FIG_MARKER_CIRCLE, FIG_MARKER_SQUARE, FIG_MARKER_TRIANGLE };
  int m = model >= 0 && model < FIG_N_MODEL_LOOKS ? (int)model : 0;
  return (FigSeriesLook){ style->model_colors[m], dashes[m], markers[m] };
}

FigSeriesLook
fig_style_class_look (const FigStyle *style, int index)
{
  static const FigMarker markers[] = { FIG_MARKER_CIRCLE, FIG_MARKER_SQUARE, FIG_MARKER_TRIANGLE,
                                       FIG_MARKER_DIAMOND, FIG_MARKER_TRIANGLE_DOWN };
  int i = index < 0 ? 0 : index;
  FigSeriesLook look;
  look.color = style->class_colors[i % FIG_N_CLASS_COLORS];
  look.dash = (i / FIG_N_CLASS_COLORS) % 2 ? FIG_DASH_DASHED : FIG_DASH_SOLID;
  look.marker = markers[i % 5];
  return look;
}

const char *
fig_model_name (FigModel model)
{
  static const char *const names[FIG_N_MODEL_LOOKS]
      = { FIG_N_ ("Teacher"), FIG_N_ ("Distilled student"), FIG_N_ ("Baseline student") };
  return model >= 0 && model < FIG_N_MODEL_LOOKS ? FIG_ (names[model]) : "";
}

const char *
fig_model_short_name (FigModel model)
{
  /* Translators: short model names for narrow panels; "Distilled" is the distilled student */
  static const char *const names[FIG_N_MODEL_LOOKS]
      = { FIG_N_ ("Teacher"), FIG_N_ ("Distilled"), FIG_N_ ("Baseline") };
  return model >= 0 && model < FIG_N_MODEL_LOOKS ? FIG_ (names[model]) : "";
}

static double
linear_channel (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

double
fig_rgba_luminance (FigRGBA c)
{
  return 0.2126 * linear_channel (c.r) + 0.7152 * linear_channel (c.g)
         + 0.0722 * linear_channel (c.b);
}

FigRGBA
fig_rgba_mix (FigRGBA a, FigRGBA b, double t)
{
  return (FigRGBA){ a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t,
                    a.a + (b.a - a.a) * t };
}
