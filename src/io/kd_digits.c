/* kd_digits.c — "synthetic digits": 28x28 handwritten-looking digits drawn from strokes.
 *
 * Each digit is a few strokes of key points in a unit box (x right, y down, the digit's
 * height is 1). A stroke's key points are joined by Catmull-Rom splines, except at corners,
 * so one description gives both straight bars and round bowls. Look-alikes are built from
 * the same parts on purpose: 3 is the right half of 8's two loops, 5 is 6's bowl left open,
 * 9 is a loop on 4's stem, and 7 with a short bar is 1 with a flag.
 *
 * Per sample: the key points and arc parameters are jittered, then the whole glyph goes
 * through a random affine map (scale, aspect, slant, rotation, translation) into pixels and
 * is rendered with an anti-aliased distance-to-segment pen of random width, only over each
 * segment's bounding box, which keeps 60,000 digits well under a second.
 */
#include "kd_digits.h"

#include <glib.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "kd_rng.h"

#define DIG_SIDE 28
#define DIG_PIXELS (DIG_SIDE * DIG_SIDE)
#define DIG_MAX_STROKES 4
#define DIG_MAX_KEYS 28
#define DIG_MAX_POINTS 400
#define DEG (3.14159265358979f / 180.0f)

typedef struct
{
  float x, y;
} Pt;

typedef struct
{
  int n;
  bool closed;
  Pt key[DIG_MAX_KEYS];
  bool corner[DIG_MAX_KEYS]; /* the curve may turn sharply here */
} Stroke;

typedef struct
{
  KdRng *rng;
  float wobble; /* per-key jitter in unit-box lengths: the writer's sloppiness */
  int n;
  Stroke s[DIG_MAX_STROKES];
} Glyph;

static float
uni (KdRng *rng, float lo, float hi)
{
  return lo + (hi - lo) * kd_rng_uniform (rng);
}

static bool
chance (KdRng *rng, float p)
{
  return kd_rng_uniform (rng) < p;
}

static float
gauss (KdRng *rng, float sigma, float limit)
{
  float v = sigma * kd_rng_normal (rng);
  return CLAMP (v, -limit, limit);
}

static void
glyph_begin (Glyph *g)
{
  g_assert (g->n < DIG_MAX_STROKES);
  Stroke *s = &g->s[g->n++];
  s->n = 0;
  s->closed = false;
}

static void
glyph_pt (Glyph *g, float x, float y, bool corner)
{
  Stroke *s = &g->s[g->n - 1];
  g_assert (s->n < DIG_MAX_KEYS);
  s->key[s->n] = (Pt){ x + gauss (g->rng, g->wobble, 3 * g->wobble),
                       y + gauss (g->rng, g->wobble, 3 * g->wobble) };
  s->corner[s->n] = corner;
  s->n++;
}

static void
glyph_close (Glyph *g)
{
  g->s[g->n - 1].closed = true;
}

static void
glyph_corner_last (Glyph *g)
{
  Stroke *s = &g->s[g->n - 1];
  s->corner[s->n - 1] = true;
}

typedef struct
{
  float cx, cy, rx, ry;
} Ellipse;

/* Centre and radii jittered as a whole, so a bowl keeps its shape while its size and place
 * vary from writer to writer. */
static Ellipse
ellipse_jitter (KdRng *rng, float cx, float cy, float rx, float ry)
{
  return (Ellipse){ cx + gauss (rng, 0.02f, 0.06f), cy + gauss (rng, 0.02f, 0.06f),
                    rx * (1.0f + gauss (rng, 0.08f, 0.25f)),
                    ry * (1.0f + gauss (rng, 0.06f, 0.2f)) };
}

/* An elliptic arc from angle a0 to a1 (degrees; 0 is right, 90 is down, so increasing
 * angles run clockwise on screen), appended to the current stroke; its end angles are
 * jittered too. With corner_start the stroke may turn sharply where the arc begins. */
static void
glyph_arc (Glyph *g, float cx, float cy, float rx, float ry, float a0, float a1, bool corner_start)
{
  Ellipse e = ellipse_jitter (g->rng, cx, cy, rx, ry);
  a0 += gauss (g->rng, 10.0f, 25.0f);
  a1 += gauss (g->rng, 10.0f, 25.0f);
  int n = 2 + (int)(fabsf (a1 - a0) / 40.0f);
  for (int i = 0; i <= n; i++)
    {
      float a = (a0 + (a1 - a0) * i / n) * DEG;
      glyph_pt (g, e.cx + e.rx * cosf (a), e.cy + e.ry * sinf (a), corner_start && i == 0);
    }
}

/* A closed elliptic loop as its own stroke; no key is repeated, so the spline wraps
 * smoothly. */
static void
glyph_loop (Glyph *g, float cx, float cy, float rx, float ry)
{
  Ellipse e = ellipse_jitter (g->rng, cx, cy, rx, ry);
  float a0 = 360.0f * kd_rng_uniform (g->rng);
  glyph_begin (g);
  for (int i = 0; i < 9; i++)
    {
      float a = (a0 + 40.0f * i) * DEG;
      glyph_pt (g, e.cx + e.rx * cosf (a), e.cy + e.ry * sinf (a), false);
    }
  glyph_close (g);
}

/* ---- the ten digits ------------------------------------------------------------------ */

static void
draw_0 (Glyph *g)
{
  /* Started near the top and drawn counter-clockwise, with an overshoot or a small gap. */
  float start = uni (g->rng, -120.0f, -60.0f);
  float rx = uni (g->rng, 0.22f, 0.34f);
  glyph_begin (g);
  glyph_arc (g, 0.5f, 0.5f, rx, 0.47f, start, start - 360.0f - uni (g->rng, -15.0f, 30.0f), false);
}

static void
draw_1 (Glyph *g)
{
  KdRng *rng = g->rng;
  float top_x = uni (rng, 0.48f, 0.58f);
  glyph_begin (g);
  /* A European 1 has a flag, which is what makes it a 7 look-alike. */
  if (chance (rng, 0.45f))
    glyph_pt (g, top_x - uni (rng, 0.12f, 0.3f), uni (rng, 0.12f, 0.3f), true);
  glyph_pt (g, top_x, 0.0f, true);
  if (chance (rng, 0.3f))
    glyph_pt (g, 0.5f + uni (rng, -0.04f, 0.04f), 0.5f, false);
  glyph_pt (g, 0.46f, 1.0f, true);
  if (chance (rng, 0.15f))
    {
      glyph_begin (g);
      glyph_pt (g, 0.3f, 1.0f, true);
      glyph_pt (g, 0.64f, 1.0f, true);
    }
}

static void
draw_2 (Glyph *g)
{
  KdRng *rng = g->rng;
  glyph_begin (g);
  glyph_pt (g, 0.2f, 0.26f, false);
  glyph_pt (g, 0.36f, 0.04f, false);
  glyph_pt (g, 0.62f, 0.02f, false);
  glyph_pt (g, 0.78f, 0.2f, false);
  glyph_pt (g, 0.7f, 0.45f, false);
  if (chance (rng, 0.3f))
    {
      /* The curly 2 with a small loop at the bottom left. */
      glyph_pt (g, 0.3f, 0.86f, false);
      glyph_pt (g, 0.2f, 0.96f, false);
      glyph_pt (g, 0.3f, 0.9f, false);
      glyph_pt (g, 0.45f, 0.95f, false);
    }
  else
    glyph_pt (g, 0.18f, 0.98f, true);
  glyph_pt (g, uni (rng, 0.7f, 0.9f), 0.97f, true);
}

/* The two loops 3 and 8 share: the top loop (cx, 0.27) and the bottom loop (cx, 0.74). */
static void
draw_3 (Glyph *g)
{
  glyph_begin (g);
  glyph_arc (g, 0.48f, 0.27f, 0.25f, 0.24f, -160.0f, 90.0f, false);
  glyph_corner_last (g);
  glyph_arc (g, 0.46f, 0.74f, 0.29f, 0.25f, -90.0f, 150.0f, false);
}

static void
draw_4 (Glyph *g)
{
  KdRng *rng = g->rng;
  float stem_x = uni (rng, 0.6f, 0.7f);
  float bar_y = uni (rng, 0.55f, 0.68f);
  glyph_begin (g);
  float v = kd_rng_uniform (rng);
  if (v < 0.45f)
    glyph_pt (g, stem_x - 0.05f, 0.0f, true); /* closed 4: a triangle */
  else if (v < 0.75f)
    {
      glyph_pt (g, 0.24f, 0.0f, true); /* open 4 */
      glyph_pt (g, 0.2f, bar_y - 0.05f, true);
    }
  else
    {
      /* A rounded open 4: a 9 whose loop was left open. */
      glyph_pt (g, 0.26f, 0.02f, false);
      glyph_pt (g, 0.24f, bar_y - 0.2f, false);
      glyph_pt (g, 0.4f, bar_y - 0.02f, false);
    }
  glyph_pt (g, v < 0.45f ? 0.14f : 0.2f, bar_y, v < 0.75f);
  glyph_pt (g, uni (rng, 0.8f, 0.9f), bar_y - 0.02f, true);
  glyph_begin (g);
  glyph_pt (g, stem_x, v < 0.45f ? uni (rng, 0.0f, 0.3f) : 0.0f, true);
  glyph_pt (g, stem_x - 0.04f, 1.0f, true);
}

static void
draw_5 (Glyph *g)
{
  KdRng *rng = g->rng;
  bool bar_apart = chance (rng, 0.5f);
  float bar_end = uni (rng, 0.7f, 0.85f);
  glyph_begin (g);
  if (!bar_apart)
    glyph_pt (g, bar_end, 0.03f, true);
  glyph_pt (g, 0.32f, 0.04f, true);
  /* 6's bowl (below), left open at the top-left where 6 closes it. */
  glyph_arc (g, 0.48f, 0.68f, 0.27f, 0.29f, -140.0f, 150.0f, true);
  if (bar_apart)
    {
      glyph_begin (g);
      glyph_pt (g, 0.32f, 0.04f, true);
      glyph_pt (g, bar_end, 0.02f, true);
    }
}

static void
draw_6 (Glyph *g)
{
  glyph_begin (g);
  glyph_pt (g, uni (g->rng, 0.6f, 0.75f), 0.02f, false);
  glyph_pt (g, 0.42f, 0.14f, false);
  glyph_pt (g, 0.26f, 0.42f, false);
  glyph_arc (g, 0.48f, 0.7f, 0.26f, 0.27f, 180.0f, -150.0f, false);
}

static void
draw_8 (Glyph *g)
{
  if (chance (g->rng, 0.5f))
    {
      glyph_loop (g, 0.48f, 0.27f, 0.23f, 0.24f);
      glyph_loop (g, 0.46f, 0.74f, 0.29f, 0.25f);
      return;
    }
  /* One stroke: down the top loop's left, across, around the bottom, back up. */
  static const Pt eight[]
      = { { 0.7f, 0.12f }, { 0.48f, 0.02f }, { 0.27f, 0.14f }, { 0.32f, 0.36f },
          { 0.5f, 0.5f },  { 0.74f, 0.66f }, { 0.7f, 0.92f },  { 0.46f, 0.99f },
          { 0.2f, 0.88f }, { 0.22f, 0.64f }, { 0.5f, 0.5f },   { 0.68f, 0.34f } };
  glyph_begin (g);
  for (size_t i = 0; i < G_N_ELEMENTS (eight); i++)
    glyph_pt (g, eight[i].x, eight[i].y, false);
  glyph_close (g);
}

static void
draw_7 (Glyph *g)
{
  KdRng *rng = g->rng;
  glyph_begin (g);
  /* A short bar turns a 7 into a flagged 1. */
  float bar_start = chance (rng, 0.35f) ? uni (rng, 0.35f, 0.5f) : uni (rng, 0.12f, 0.3f);
  if (chance (rng, 0.15f))
    glyph_pt (g, bar_start - 0.02f, 0.14f, true);
  glyph_pt (g, bar_start, 0.03f, true);
  float corner_x = uni (rng, 0.7f, 0.82f);
  glyph_pt (g, corner_x, 0.02f, true);
  if (chance (rng, 0.35f))
    glyph_pt (g, corner_x - 0.18f, 0.5f, false);
  /* From a steep diagonal to an almost upright stem, the 1-like end of the range. */
  glyph_pt (g, uni (rng, 0.38f, 0.62f), 1.0f, true);
  if (chance (rng, 0.2f))
    {
      glyph_begin (g);
      glyph_pt (g, 0.36f, 0.55f, true);
      glyph_pt (g, 0.74f, 0.52f, true);
    }
}

static void
draw_9 (Glyph *g)
{
  KdRng *rng = g->rng;
  glyph_begin (g);
  /* The loop is drawn counter-clockwise from its right side and runs into 4's stem. */
  glyph_arc (g, 0.47f, 0.29f, 0.25f, 0.26f, -10.0f, -370.0f, false);
  glyph_corner_last (g);
  glyph_pt (g, 0.7f, 0.64f, false);
  if (chance (rng, 0.3f))
    {
      glyph_pt (g, 0.6f, 0.96f, false);
      glyph_pt (g, 0.38f, 0.98f, false);
    }
  else
    glyph_pt (g, 0.66f, 1.0f, true);
}

typedef void (*DrawFunc) (Glyph *g);

static const DrawFunc draw_digit[10]
    = { draw_0, draw_1, draw_2, draw_3, draw_4, draw_5, draw_6, draw_7, draw_8, draw_9 };

/* ---- geometry and rendering ---------------------------------------------------------- */

typedef struct
{
  float a, b, c, d, tx, ty; /* pixel = (a u + b v + tx, c u + d v + ty) */
} Affine;

static Affine
random_affine (KdRng *rng)
{
  float height = uni (rng, 16.5f, 21.0f);
  float width = height * uni (rng, 0.8f, 1.2f);
  /* x shift per unit of height, upwards: most hands lean forward, a few backward. */
  float slant = 0.08f + gauss (rng, 0.18f, 0.45f);
  float rot = gauss (rng, 6.0f, 15.0f) * DEG;
  float cr = cosf (rot), sr = sinf (rot);
  /* Unit box centred, scaled, slanted (x += slant * (0.5 - v)), then rotated. */
  float a = width, b = -slant * height, c = 0.0f, d = height;
  Affine m = { cr * a - sr * c, cr * b - sr * d, sr * a + cr * c, sr * b + cr * d, 0, 0 };
  m.tx = 14.0f + gauss (rng, 0.8f, 2.0f) - 0.5f * (m.a + m.b);
  m.ty = 14.0f + gauss (rng, 0.8f, 2.0f) - 0.5f * (m.c + m.d);
  return m;
}

/* A gentle low-frequency warp of the unit box: bends whole strokes the way a hand does,
 * which key jitter alone (independent per key) cannot. */
typedef struct
{
  float ax, ay, fx, fy, px, py;
} Warp;

static Warp
random_warp (KdRng *rng)
{
  return (Warp){ gauss (rng, 0.022f, 0.05f), gauss (rng, 0.022f, 0.05f), uni (rng, 0.5f, 1.5f),
                 uni (rng, 0.5f, 1.5f),      uni (rng, 0.0f, 6.2832f),   uni (rng, 0.0f, 6.2832f) };
}

static Pt
warp_apply (const Warp *w, Pt p)
{
  return (Pt){ p.x + w->ax * sinf (6.2832f * w->fy * p.y + w->px),
               p.y + w->ay * sinf (6.2832f * w->fx * p.x + w->py) };
}

static Pt
affine_apply (const Affine *m, Pt p)
{
  return (Pt){ m->a * p.x + m->b * p.y + m->tx, m->c * p.x + m->d * p.y + m->ty };
}

static Pt
catmull_rom (Pt p0, Pt p1, Pt p2, Pt p3, float t)
{
  float t2 = t * t, t3 = t2 * t;
  Pt q;
  q.x = 0.5f
        * (2 * p1.x + (p2.x - p0.x) * t + (2 * p0.x - 5 * p1.x + 4 * p2.x - p3.x) * t2
           + (3 * p1.x - p0.x - 3 * p2.x + p3.x) * t3);
  q.y = 0.5f
        * (2 * p1.y + (p2.y - p0.y) * t + (2 * p0.y - 5 * p1.y + 4 * p2.y - p3.y) * t2
           + (3 * p1.y - p0.y - 3 * p2.y + p3.y) * t3);
  return q;
}

/* Key i's neighbour at offset `step`, staying on this smooth run: past a corner or an open
 * end the key itself stands in, which makes the curve leave a corner straight. */
static int
neighbour (const Stroke *s, int i, int step)
{
  int j = i + step;
  if (s->closed)
    return (j + s->n) % s->n;
  if (j < 0 || j >= s->n || s->corner[i])
    return i;
  return j;
}

/* Samples the stroke (keys already in pixels) into a polyline with ~1 px segments. */
static int
stroke_flatten (const Stroke *s, const Pt *k, Pt *out)
{
  int spans = s->closed ? s->n : s->n - 1, n_out = 0;
  out[n_out++] = k[0];
  for (int i = 0; i < spans; i++)
    {
      int i1 = (i + 1) % s->n;
      Pt p0 = k[neighbour (s, i, -1)], p1 = k[i], p2 = k[i1], p3 = k[neighbour (s, i1, +1)];
      float len = hypotf (p2.x - p1.x, p2.y - p1.y);
      bool straight = (s->corner[i] || i == 0) && (s->corner[i1] || i1 == s->n - 1) && !s->closed;
      int m = straight ? 1 : 1 + (int)(len / 2.0f);
      for (int j = 1; j <= m && n_out < DIG_MAX_POINTS; j++)
        out[n_out++] = catmull_rom (p0, p1, p2, p3, (float)j / m);
    }
  return n_out;
}

/* Coverage of a pen of half-width hw with a soft edge of width `soft`, as the maximum over
 * segments (coverage falls with distance, so the maximum is the nearest segment's). */
static void
canvas_segment (float *canvas, Pt a, Pt b, float hw, float soft)
{
  float reach = hw + 0.5f * soft;
  int x0 = MAX (0, (int)floorf (MIN (a.x, b.x) - reach));
  int x1 = MIN (DIG_SIDE - 1, (int)ceilf (MAX (a.x, b.x) + reach));
  int y0 = MAX (0, (int)floorf (MIN (a.y, b.y) - reach));
  int y1 = MIN (DIG_SIDE - 1, (int)ceilf (MAX (a.y, b.y) + reach));
  float dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  float inv = len2 > 1e-8f ? 1.0f / len2 : 0.0f;
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      {
        float px = x + 0.5f - a.x, py = y + 0.5f - a.y;
        float t = CLAMP ((px * dx + py * dy) * inv, 0.0f, 1.0f);
        float ex = px - t * dx, ey = py - t * dy, d2 = ex * ex + ey * ey;
        if (d2 >= reach * reach)
          continue;
        float v = (hw - sqrtf (d2)) / soft + 0.5f;
        v = MIN (v, 1.0f);
        if (v > canvas[y * DIG_SIDE + x])
          canvas[y * DIG_SIDE + x] = v;
      }
}

static void
render_glyph (const Glyph *g, const Warp *wp, const Affine *m, KdRng *rng, float *canvas)
{
  float hw = uni (rng, 0.8f, 2.0f), soft = uni (rng, 1.0f, 1.8f);
  Pt keys[DIG_MAX_KEYS], line[DIG_MAX_POINTS];
  for (int s = 0; s < g->n; s++)
    {
      const Stroke *st = &g->s[s];
      for (int i = 0; i < st->n; i++)
        keys[i] = affine_apply (m, warp_apply (wp, st->key[i]));
      int n = stroke_flatten (st, keys, line);
      float w = hw * uni (rng, 0.85f, 1.15f);
      for (int i = 0; i + 1 < n; i++)
        canvas_segment (canvas, line[i], line[i + 1], w, soft);
    }
}

/* Ink intensity varies per digit and per pixel; the background stays black except for a
 * few faint specks, like scanned MNIST. */
static void
canvas_to_pixels (const float *canvas, KdRng *rng, uint8_t *out)
{
  float ink = uni (rng, 0.8f, 1.05f);
  for (int i = 0; i < DIG_PIXELS; i++)
    {
      float v = canvas[i];
      if (v > 0.0f)
        v = v * ink + 0.08f * (kd_rng_uniform (rng) - 0.5f);
      v = CLAMP (v, 0.0f, 1.0f);
      out[i] = (uint8_t)(v * 255.0f + 0.5f);
    }
  for (int specks = (int)kd_rng_below (rng, 4); specks > 0; specks--)
    {
      int i = (int)kd_rng_below (rng, DIG_PIXELS);
      if (out[i] == 0)
        out[i] = (uint8_t)(64.0f * kd_rng_uniform (rng));
    }
}

static void
digit_draw (int label, KdRng *rng, uint8_t *out)
{
  Glyph g = { .rng = rng, .wobble = uni (rng, 0.008f, 0.035f) };
  draw_digit[label](&g);
  Warp w = random_warp (rng);
  Affine m = random_affine (rng);
  float canvas[DIG_PIXELS] = { 0 };
  render_glyph (&g, &w, &m, rng, canvas);
  canvas_to_pixels (canvas, rng, out);
}

KdDataset *
kd_digits_generate (int n, uint64_t seed)
{
  if (n < 1)
    return NULL;
  KdDataset *ds = kd_dataset_new (n, 1, DIG_SIDE, DIG_SIDE, 10, 1);
  KdRng rng;
  kd_rng_seed (&rng, seed);
  int32_t *order = ds ? kd_rng_permutation (&rng, (size_t)n) : NULL;
  if (!ds || !order)
    {
      kd_dataset_free (ds);
      free (order);
      return NULL;
    }
  /* Sample i is of class i mod 10 and lands at a shuffled position: balanced classes,
   * and any prefix stays close to balanced. */
  for (int i = 0; i < n; i++)
    {
      int j = order[i];
      ds->labels[j] = (uint8_t)(i % 10);
      digit_draw (i % 10, &rng, ds->pixels + (size_t)j * DIG_PIXELS);
    }
  free (order);
  g_strlcpy (ds->name, "synthetic-digits", sizeof ds->name);
  kd_dataset_compute_norm (ds);
  return ds;
}
