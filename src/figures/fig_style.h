/* fig_style.h — how a figure looks: type, line weights, colours, series looks.
 *
 * Units. A painter draws in the user space of the cairo_t it is given, whose unit we call a
 * *figure pixel*; width and height are in figure pixels. style->dpi says how many figure
 * pixels make an inch, and every size in FigStyle is in typographic points (1/72 inch), so a
 * painter multiplies them by fig_style_scale() = dpi / 72. On screen the GUI passes the
 * widget's logical size and dpi 96 (GTK handles HiDPI under it); an export of W x H pixels at
 * D dpi draws W x H figure pixels with dpi = D. So a 1920 x 1200 export at 288 dpi has exactly
 * the layout of a 640 x 400 figure on screen at 96 dpi, only sharper, and an SVG or PDF page
 * is W * 72 / D by H * 72 / D points with the same layout again.
 */
#pragma once

#include <stdbool.h>

typedef struct
{
  double r, g, b, a; /* sRGB, 0..1, not premultiplied */
} FigRGBA;

typedef enum
{
  FIG_THEME_LIGHT,        /* white paper, for papers and the light desktop */
  FIG_THEME_DARK,         /* for the dark desktop */
  FIG_THEME_PRESENTATION, /* light, large type and heavy lines for a projector */
  FIG_N_THEMES,
} FigTheme;

typedef enum
{
  FIG_MARKER_NONE,
  FIG_MARKER_CIRCLE,
  FIG_MARKER_SQUARE,
  FIG_MARKER_TRIANGLE,
  FIG_MARKER_DIAMOND,
  FIG_MARKER_TRIANGLE_DOWN,
} FigMarker;

typedef enum
{
  FIG_DASH_SOLID,
  FIG_DASH_DASHED,
  FIG_DASH_DOTTED,
  FIG_DASH_DASHDOT,
} FigDash;

/* How one series is told apart: colour for most readers, dash and marker for the rest and for
 * greyscale print. */
typedef struct
{
  FigRGBA color;
  FigDash dash;
  FigMarker marker;
} FigSeriesLook;

/* The three models of an experiment, in KdModelId order. */
typedef enum
{
  FIG_MODEL_TEACHER = 0,
  FIG_MODEL_STUDENT = 1, /* distilled */
  FIG_MODEL_BASELINE = 2,
  FIG_N_MODEL_LOOKS = 3,
} FigModel;

#define FIG_N_CLASS_COLORS 10

typedef struct
{
  FigTheme theme;
  double dpi;           /* figure pixels per inch; see the top of this file */
  char font_family[96]; /* a Pango family list: Latin first, then a CJK fallback */
  double tick_size;     /* pt: tick labels, cell values */
  double label_size;    /* pt: axis labels, legend */
  double title_size;    /* pt: panel and figure titles */
  double line_width;    /* pt: data lines */
  double axis_width;    /* pt: spines and ticks */
  double grid_width;    /* pt */
  double marker_size;   /* pt: marker diameter */
  double tick_length;   /* pt */
  double pad;           /* pt: the basic gap between text and lines */
  FigRGBA background;   /* alpha 0 for a transparent export */
  FigRGBA text;         /* titles, labels, legend */
  FigRGBA text_muted;   /* tick labels, "no data" */
  FigRGBA axis;         /* spines, ticks */
  FigRGBA grid;         /* major grid lines */
  FigRGBA grid_minor;   /* minor grid lines of log axes */
  FigRGBA legend_fill;  /* the legend box over data */
  FigRGBA model_colors[FIG_N_MODEL_LOOKS];
  FigRGBA class_colors[FIG_N_CLASS_COLORS];
  FigRGBA accent; /* reference lines: the diagonal, the current temperature */
  FigRGBA warn;   /* calibration gaps */
} FigStyle;

/* The theme's style at 96 dpi. */
void fig_style_init (FigStyle *style, FigTheme theme);
/* A shared, read-only instance of each theme at 96 dpi. */
const FigStyle *fig_style_get (FigTheme theme);
const char *fig_theme_name (FigTheme theme);
/* "light", "dark", "presentation"; false for an unknown name. */
bool fig_theme_from_name (const char *name, FigTheme *theme);

/* Figure pixels per point. */
double fig_style_scale (const FigStyle *style);

/* Teacher, distilled student, baseline: Okabe-Ito colours (blue, orange, and a neutral for
 * the control) whose lightness differs too, plus solid / dashed / dotted lines and circle /
 * square / triangle markers. */
FigSeriesLook fig_style_model_look (const FigStyle *style, FigModel model);
/* Class i's look: Paul Tol's colour-blind-safe "muted" (light) or "light" (dark) scheme; past
 * its ten colours the colours repeat with a dashed line and another marker. */
FigSeriesLook fig_style_class_look (const FigStyle *style, int index);
/* "Teacher", "Distilled student", "Baseline student", in the language of LC_MESSAGES. */
const char *fig_model_name (FigModel model);
/* "Distilled" for "Distilled student", for panels too narrow for the full name; translated. */
const char *fig_model_short_name (FigModel model);

/* Relative luminance (WCAG), to pick black or white text over a colour. */
double fig_rgba_luminance (FigRGBA c);
FigRGBA fig_rgba_mix (FigRGBA a, FigRGBA b, double t);
