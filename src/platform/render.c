/* render.c — draws a display list (see render.h).
 *
 * SDL2's renderer has no rounded shapes and no anti-aliasing, and pulling in
 * a vector library for a dozen boxes and icons would cost more memory than
 * the whole kiosk. Rounded rectangles are filled row by row: straight runs
 * become one rectangle, and only the pixels a curved edge crosses are drawn
 * one by one, with alpha from the area they cover. Strokes and polygons are
 * triangles in a fixed vertex buffer. Nothing here allocates.
 */
#include "platform/render.h"

#include <math.h>
#include <stdbool.h>

/* ---- colours -------------------------------------------------------------- */

static SDL_Color rgba(uint32_t c)
{
    SDL_Color s = {(Uint8)(c >> 24), (Uint8)(c >> 16), (Uint8)(c >> 8), (Uint8)c};
    return s;
}

static uint32_t mix(uint32_t a, uint32_t b, float t)
{
    uint32_t out = 0;
    for (int sh = 24; sh >= 0; sh -= 8) {
        float ca = (float)((a >> sh) & 0xFF), cb = (float)((b >> sh) & 0xFF);
        out |= (uint32_t)lroundf(ca + (cb - ca) * t) << sh;
    }
    return out;
}

/* The colour of a box while a finger is on it: visibly darker (lighter when
 * already dark), so the press is seen even by someone who cannot feel it. */
static uint32_t pressed_colour(uint32_t bg)
{
    int lum = (int)((bg >> 24) & 0xFF) * 3 + (int)((bg >> 16) & 0xFF) * 6 +
              (int)((bg >> 8) & 0xFF);
    uint32_t towards = lum > 600 ? 0x000000FFu : 0xFFFFFFFFu;
    return (mix(bg, towards, 0.22f) & 0xFFFFFF00u) | (bg & 0xFFu);
}

/* ---- anti-aliased rounded rectangles ---------------------------------------- */

typedef struct painter {
    SDL_Renderer *r;
    SDL_Color c;
} painter;

static void pixel(painter *p, int x, int y, float cov)
{
    if (cov <= 0.004f)
        return;
    SDL_SetRenderDrawColor(p->r, p->c.r, p->c.g, p->c.b, (Uint8)lroundf(p->c.a * fminf(cov, 1)));
    SDL_RenderDrawPoint(p->r, x, y);
}

static void span(painter *p, int x0, int x1, int y, int rows)
{
    if (x1 <= x0 || rows <= 0)
        return;
    SDL_SetRenderDrawColor(p->r, p->c.r, p->c.g, p->c.b, p->c.a);
    SDL_Rect rc = {x0, y, x1 - x0, rows};
    SDL_RenderFillRect(p->r, &rc);
}

/* How far the edge of a rounded corner of radius R is from the straight side,
 * yy pixels from the top (or bottom) edge. */
static float inset_at(float R, float yy)
{
    if (yy >= R)
        return 0;
    if (yy < 0)
        yy = 0;
    float d = R - yy;
    return R - sqrtf(fmaxf(0, R * R - d * d));
}

/* The left edge in row y of an h-tall rounded rectangle: it moves from a (the
 * end of the row nearer the corner) to b, a >= b. */
static void row_edge(float R, int h, int y, float *a, float *b)
{
    float ta = inset_at(R, (float)y), tb = inset_at(R, (float)y + 1);
    float ba = inset_at(R, (float)(h - y - 1)), bb = inset_at(R, (float)(h - y));
    if (ta >= ba) {
        *a = ta;
        *b = tb;
    } else {
        *a = ba;
        *b = bb;
    }
}

/* Share of pixel column i (from the left) that is inside the shape whose left
 * edge runs from a to b across the row. */
static float cover_left(float a, float b, int i)
{
    if (a - b < 1.0f) {
        float m = (a + b) * 0.5f;
        return fminf(1, fmaxf(0, (float)i + 1 - m));
    }
    return fminf(1, fmaxf(0, ((float)i + 0.5f - b) / (a - b)));
}

/* Draws pixels x0..x1-1 of row y, offset ox, with coverage cov(i); full runs
 * become one rectangle. */
typedef struct rowcov {
    float ao, bo; /* outer edge */
    float ai, bi; /* inner edge (ring), absolute; ai < 0: no inner edge */
    int w;
} rowcov;

static float cover_at(const rowcov *rc, int i)
{
    float l = cover_left(rc->ao, rc->bo, i), r = cover_left(rc->ao, rc->bo, rc->w - 1 - i);
    float c = fminf(l, r);
    if (rc->ai >= 0) {
        float il = cover_left(rc->ai, rc->bi, i), ir = cover_left(rc->ai, rc->bi, rc->w - 1 - i);
        c -= fminf(il, ir);
    }
    return c;
}

static void paint_run(painter *p, const rowcov *rc, int ox, int y, int x0, int x1)
{
    int run = -1;
    for (int i = x0; i < x1; i++) {
        float c = cover_at(rc, i);
        if (c >= 0.996f) {
            if (run < 0)
                run = i;
            continue;
        }
        if (run >= 0) {
            span(p, ox + run, ox + i, y, 1);
            run = -1;
        }
        pixel(p, ox + i, y, c);
    }
    if (run >= 0)
        span(p, ox + run, ox + x1, y, 1);
}

static void fill_row(painter *p, int X, int Y, int w, int h, float R, int y)
{
    float a, b;
    row_edge(R, h, y, &a, &b);
    rowcov rc = {a, b, -1, -1, w};
    int lf = (int)floorf(b), le = (int)ceilf(a);
    if (le * 2 < w) {
        paint_run(p, &rc, X, Y + y, lf, le);
        span(p, X + le, X + w - le, Y + y, 1);
        paint_run(p, &rc, X, Y + y, w - le, w - lf);
    } else {
        paint_run(p, &rc, X, Y + y, lf, w - lf);
    }
}

static void fill_rr(painter *p, int X, int Y, int w, int h, float R)
{
    if (w <= 0 || h <= 0)
        return;
    R = fminf(fmaxf(R, 0), (float)(w < h ? w : h) * 0.5f);
    int top = (int)ceilf(R);
    if (top * 2 > h)
        top = (h + 1) / 2;
    span(p, X, X + w, Y + top, h - 2 * top);
    for (int y = 0; y < top; y++) {
        fill_row(p, X, Y, w, h, R, y);
        if (h - 1 - y != y)
            fill_row(p, X, Y, w, h, R, h - 1 - y);
    }
}

static void ring_rr(painter *p, int X, int Y, int w, int h, float R, int t)
{
    if (w <= 0 || h <= 0)
        return;
    int shorter = w < h ? w : h;
    if (t * 2 >= shorter) {
        fill_rr(p, X, Y, w, h, R);
        return;
    }
    R = fminf(fmaxf(R, 0), (float)shorter * 0.5f);
    float Ri = fmaxf(0, R - (float)t);
    int wi = w - 2 * t, hi = h - 2 * t;
    int band0 = (int)ceilf(R), band1 = h - band0;
    if (band0 < t)
        band0 = t;
    if (band1 > h - t)
        band1 = h - t;
    for (int y = 0; y < h; y++) {
        if (y < t || y >= h - t) {
            fill_row(p, X, Y, w, h, R, y);
            continue;
        }
        if (y >= band0 && y < band1) {
            /* the straight sides: two rectangles for the whole band */
            span(p, X, X + t, Y + y, band1 - band0);
            span(p, X + w - t, X + w, Y + y, band1 - band0);
            y = band1 - 1;
            continue;
        }
        float ao, bo, ai, bi;
        row_edge(R, h, y, &ao, &bo);
        row_edge(Ri, hi, y - t, &ai, &bi);
        rowcov rc = {ao, bo, ai + (float)t, bi + (float)t, w};
        (void)wi;
        int lf = (int)floorf(bo), le = (int)ceilf(ai + (float)t);
        if (le * 2 < w) {
            paint_run(p, &rc, X, Y + y, lf, le);
            paint_run(p, &rc, X, Y + y, w - le, w - lf);
        } else {
            paint_run(p, &rc, X, Y + y, lf, w - lf);
        }
    }
}

void hd_render_round_rect(SDL_Renderer *r, const SDL_Rect *rect, int radius, int thickness,
                          uint32_t c)
{
    if ((c & 0xFF) == 0)
        return;
    painter p = {r, rgba(c)};
    if (thickness > 0)
        ring_rr(&p, rect->x, rect->y, rect->w, rect->h, (float)radius, thickness);
    else
        fill_rr(&p, rect->x, rect->y, rect->w, rect->h, (float)radius);
}

/* ---- triangles: strokes, discs, polygons ------------------------------------ */

#define VBUF 3072 /* a multiple of 3 */
static SDL_Vertex vbuf[VBUF];
static int vn;
static SDL_Renderer *vren;

static void flush(void)
{
    if (vn > 0 && vren)
        SDL_RenderGeometry(vren, NULL, vbuf, vn, NULL, 0);
    vn = 0;
}

static void tri(SDL_Color c, float x0, float y0, float x1, float y1, float x2, float y2)
{
    if (vn + 3 > VBUF)
        flush();
    SDL_Vertex *v = &vbuf[vn];
    v[0] = (SDL_Vertex){{x0, y0}, c, {0, 0}};
    v[1] = (SDL_Vertex){{x1, y1}, c, {0, 0}};
    v[2] = (SDL_Vertex){{x2, y2}, c, {0, 0}};
    vn += 3;
}

static void disc(SDL_Color c, float cx, float cy, float rad)
{
    int n = (int)(rad * 1.2f);
    n = n < 10 ? 10 : n > 40 ? 40 : n;
    float px = cx + rad, py = cy;
    for (int i = 1; i <= n; i++) {
        float ang = (float)i * 6.2831853f / (float)n;
        float qx = cx + rad * cosf(ang), qy = cy + rad * sinf(ang);
        tri(c, cx, cy, px, py, qx, qy);
        px = qx;
        py = qy;
    }
}

/* Half a disc: the side left of the vertical diameter when left is true. */
static void half_disc(SDL_Color c, float cx, float cy, float rad, bool left)
{
    int n = 20;
    float start = left ? 1.5707963f : -1.5707963f;
    float px = cx + rad * cosf(start), py = cy + rad * sinf(start);
    for (int i = 1; i <= n; i++) {
        float ang = start + (float)i * 3.1415926f / (float)n;
        float qx = cx + rad * cosf(ang), qy = cy + rad * sinf(ang);
        tri(c, cx, cy, px, py, qx, qy);
        px = qx;
        py = qy;
    }
}

static void line(SDL_Color c, float x0, float y0, float x1, float y1, float hw)
{
    float dx = x1 - x0, dy = y1 - y0, len = sqrtf(dx * dx + dy * dy);
    if (len < 0.001f)
        return;
    float nx = -dy / len * hw, ny = dx / len * hw;
    tri(c, x0 + nx, y0 + ny, x0 - nx, y0 - ny, x1 + nx, y1 + ny);
    tri(c, x0 - nx, y0 - ny, x1 - nx, y1 - ny, x1 + nx, y1 + ny);
}

/* A stroke through n points (closed: back to the first) with round joins. */
static void polyline(SDL_Color c, const float *pts, int n, float hw, bool closed)
{
    for (int i = 0; i + 1 < n; i++)
        line(c, pts[2 * i], pts[2 * i + 1], pts[2 * i + 2], pts[2 * i + 3], hw);
    if (closed && n > 2)
        line(c, pts[2 * (n - 1)], pts[2 * (n - 1) + 1], pts[0], pts[1], hw);
    for (int i = 0; i < n; i++)
        disc(c, pts[2 * i], pts[2 * i + 1], hw);
}

/* ---- faces and icons ------------------------------------------------------- */

void hd_render_face(SDL_Renderer *r, const SDL_Rect *rect, int mood, uint32_t fg, uint32_t bg,
                    uint32_t border)
{
    int s = rect->w < rect->h ? rect->w : rect->h;
    SDL_Rect sq = {rect->x + (rect->w - s) / 2, rect->y + (rect->h - s) / 2, s, s};
    float rad = (float)s * 0.5f, cx = (float)sq.x + rad, cy = (float)sq.y + rad;
    if ((bg & 0xFF) != 0)
        hd_render_round_rect(r, &sq, s / 2, 0, bg);
    if ((border & 0xFF) != 0)
        hd_render_round_rect(r, &sq, s / 2, s / 22 > 2 ? s / 22 : 2, border);
    if ((fg & 0xFF) == 0)
        fg = 0x000000FFu;
    SDL_Color c = rgba(fg);
    vren = r;
    disc(c, cx - 0.33f * rad, cy - 0.2f * rad, 0.1f * rad);
    disc(c, cx + 0.33f * rad, cy - 0.2f * rad, 0.1f * rad);
    float k = (float)((mood < 1 ? 1 : mood > 5 ? 5 : mood) - 3) * 0.5f;
    float pts[2 * 17];
    for (int i = 0; i <= 16; i++) {
        float u = (float)i / 8.0f - 1.0f;
        pts[2 * i] = cx + u * 0.45f * rad;
        pts[2 * i + 1] = cy + 0.38f * rad + k * 0.2f * rad * (1 - u * u) - k * 0.1f * rad;
    }
    polyline(c, pts, 17, fmaxf(1.5f, 0.065f * rad), false);
    flush();
}

/* Icon outlines in a unit box (-1..1, y down). */
static void icon_points(float *pts, const float *unit, int n, float cx, float cy, float s,
                        bool mirror)
{
    for (int i = 0; i < n; i++) {
        pts[2 * i] = cx + (mirror ? -unit[2 * i] : unit[2 * i]) * s;
        pts[2 * i + 1] = cy + unit[2 * i + 1] * s;
    }
}

void hd_render_icon(SDL_Renderer *r, const SDL_Rect *rect, hd_icon icon, uint32_t fg, bool rtl)
{
    float s = (float)(rect->w < rect->h ? rect->w : rect->h) * 0.45f;
    float cx = (float)rect->x + (float)rect->w * 0.5f, cy = (float)rect->y + (float)rect->h * 0.5f;
    float hw = fmaxf(1.2f, s * 0.11f);
    SDL_Color c = rgba(fg);
    float pts[2 * 12];
    vren = r;
    switch (icon) {
    case HD_ICON_NONE:
        break;
    case HD_ICON_TICK: {
        static const float u[] = {-0.7f, 0.05f, -0.22f, 0.55f, 0.75f, -0.55f};
        icon_points(pts, u, 3, cx, cy, s, false);
        polyline(c, pts, 3, hw * 1.2f, false);
        break;
    }
    case HD_ICON_CROSS:
        line(c, cx - 0.6f * s, cy - 0.6f * s, cx + 0.6f * s, cy + 0.6f * s, hw * 1.2f);
        line(c, cx - 0.6f * s, cy + 0.6f * s, cx + 0.6f * s, cy - 0.6f * s, hw * 1.2f);
        disc(c, cx - 0.6f * s, cy - 0.6f * s, hw * 1.2f);
        disc(c, cx + 0.6f * s, cy + 0.6f * s, hw * 1.2f);
        disc(c, cx - 0.6f * s, cy + 0.6f * s, hw * 1.2f);
        disc(c, cx + 0.6f * s, cy - 0.6f * s, hw * 1.2f);
        break;
    case HD_ICON_BACK:
    case HD_ICON_NEXT: {
        /* NEXT points to the reading end: right in LTR, left in RTL. */
        bool mirror = (icon == HD_ICON_BACK) != rtl;
        static const float shaft[] = {-0.75f, 0, 0.7f, 0};
        static const float head[] = {0.15f, -0.55f, 0.72f, 0, 0.15f, 0.55f};
        icon_points(pts, shaft, 2, cx, cy, s, mirror);
        polyline(c, pts, 2, hw, false);
        icon_points(pts, head, 3, cx, cy, s, mirror);
        polyline(c, pts, 3, hw, false);
        break;
    }
    case HD_ICON_GLOBE: {
        int d = (int)(1.7f * s);
        SDL_Rect o = {(int)(cx - 0.85f * s), (int)(cy - 0.85f * s), d, d};
        flush();
        hd_render_round_rect(r, &o, d / 2, (int)ceilf(hw * 1.6f), fg);
        float e[2 * 25];
        for (int i = 0; i <= 24; i++) {
            float ang = (float)i * 6.2831853f / 24.0f;
            e[2 * i] = cx + 0.36f * s * cosf(ang);
            e[2 * i + 1] = cy + 0.85f * s * sinf(ang);
        }
        polyline(c, e, 25, hw * 0.8f, false);
        line(c, cx - 0.85f * s, cy, cx + 0.85f * s, cy, hw * 0.8f);
        line(c, cx - 0.7f * s, cy - 0.45f * s, cx + 0.7f * s, cy - 0.45f * s, hw * 0.8f);
        line(c, cx - 0.7f * s, cy + 0.45f * s, cx + 0.7f * s, cy + 0.45f * s, hw * 0.8f);
        break;
    }
    case HD_ICON_HEART:
        disc(c, cx - 0.38f * s, cy - 0.28f * s, 0.42f * s);
        disc(c, cx + 0.38f * s, cy - 0.28f * s, 0.42f * s);
        tri(c, cx - 0.79f * s, cy - 0.15f * s, cx + 0.79f * s, cy - 0.15f * s, cx, cy + 0.8f * s);
        break;
    case HD_ICON_CONTRAST: {
        int d = (int)(1.7f * s);
        SDL_Rect o = {(int)(cx - 0.85f * s), (int)(cy - 0.85f * s), d, d};
        flush();
        hd_render_round_rect(r, &o, d / 2, (int)ceilf(hw * 1.4f), fg);
        half_disc(c, cx, cy, 0.85f * s - hw, !rtl);
        break;
    }
    case HD_ICON_BACKSPACE: {
        /* points to the reading start, like the key it deletes towards */
        static const float box[] = {-0.95f, 0, -0.45f, -0.6f, 0.9f, -0.6f, 0.9f, 0.6f, -0.45f, 0.6f};
        icon_points(pts, box, 5, cx, cy, s, rtl);
        polyline(c, pts, 5, hw * 0.9f, true);
        static const float x1[] = {-0.05f, -0.28f, 0.5f, 0.28f};
        static const float x2[] = {-0.05f, 0.28f, 0.5f, -0.28f};
        icon_points(pts, x1, 2, cx, cy, s, rtl);
        polyline(c, pts, 2, hw * 0.9f, false);
        icon_points(pts, x2, 2, cx, cy, s, rtl);
        polyline(c, pts, 2, hw * 0.9f, false);
        break;
    }
    case HD_ICON_UP:
    case HD_ICON_DOWN: {
        float d = icon == HD_ICON_UP ? 1.0f : -1.0f;
        line(c, cx, cy - 0.75f * s * d, cx, cy + 0.7f * s * d, hw);
        float head[6] = {cx - 0.55f * s, cy - 0.15f * s * d, cx, cy - 0.72f * s * d,
                         cx + 0.55f * s, cy - 0.15f * s * d};
        polyline(c, head, 3, hw, false);
        disc(c, cx, cy + 0.7f * s * d, hw);
        break;
    }
    case HD_ICON_SHIFT: {
        static const float arrow[] = {0,     -0.9f, 0.85f, 0,     0.38f, 0,    0.38f,
                                      0.8f,  -0.38f, 0.8f, -0.38f, 0,    -0.85f, 0};
        icon_points(pts, arrow, 7, cx, cy, s, false);
        polyline(c, pts, 7, hw * 0.9f, true);
        break;
    }
    case HD_ICON_BOX:
    case HD_ICON_BOX_TICK: {
        static const float box[] = {-0.8f, -0.8f, 0.8f, -0.8f, 0.8f, 0.8f, -0.8f, 0.8f};
        icon_points(pts, box, 4, cx, cy, s, false);
        polyline(c, pts, 4, hw * 0.9f, true);
        if (icon == HD_ICON_BOX_TICK) {
            static const float u[] = {-0.45f, 0.02f, -0.13f, 0.35f, 0.48f, -0.35f};
            icon_points(pts, u, 3, cx, cy, s, false);
            polyline(c, pts, 3, hw * 1.2f, false);
        }
        break;
    }
    case HD_ICON_SPACE: {
        static const float bracket[] = {-0.9f, -0.1f, -0.9f, 0.35f, 0.9f, 0.35f, 0.9f, -0.1f};
        icon_points(pts, bracket, 4, cx, cy, s, false);
        polyline(c, pts, 4, hw * 0.9f, false);
        break;
    }
    }
    flush();
}

/* ---- elements -------------------------------------------------------------- */

static SDL_Rect sdl_rect(hd_rect r)
{
    SDL_Rect s = {r.x, r.y, r.w, r.h};
    return s;
}

/* Fill and border of a box-like element, with the pressed feedback. */
static void draw_frame(SDL_Renderer *r, const hd_elem *e, const hd_dlist *dl)
{
    SDL_Rect rc = sdl_rect(e->rect);
    uint32_t bg = e->bg;
    bool pressed = (e->flags & HD_ELEM_PRESSED) != 0;
    if (pressed && (bg & 0xFF))
        bg = pressed_colour(bg);
    if (bg & 0xFF)
        hd_render_round_rect(r, &rc, e->radius, 0, bg);
    else if (pressed)
        hd_render_round_rect(r, &rc, e->radius, 0, (e->fg & 0xFFFFFF00u) | 0x30u);
    if (e->border & 0xFF) {
        /* 2 units (1 unit = 1 px at 800x480), twice that when selected:
         * the border scales with the screen, not with the box. */
        int shorter = dl->w < dl->h ? dl->w : dl->h;
        int t = (2 * shorter + 240) / 480;
        if (t < 2)
            t = 2;
        if (e->flags & HD_ELEM_SELECTED)
            t = t * 2;
        hd_render_round_rect(r, &rc, e->radius, t, e->border);
    }
}

static void draw_label(hd_text *tx, const hd_elem *e)
{
    if (!tx || !e->text || !e->text[0])
        return;
    hd_rect tr = e->text_rect.w > 0 && e->text_rect.h > 0 ? e->text_rect : e->rect;
    SDL_Rect rc = sdl_rect(tr);
    hd_text_draw(tx, e->text, e->text_px, e->bold, &rc, (int)e->align, e->rtl, true, e->fg);
}

static void draw_elem(SDL_Renderer *r, hd_text *tx, const hd_elem *e, const hd_dlist *dl)
{
    SDL_Rect rc = sdl_rect(e->rect);
    bool has_icon = e->icon_rect.w > 0 && e->icon_rect.h > 0;
    SDL_Rect ir = sdl_rect(e->icon_rect);
    switch (e->draw) {
    case HD_DRAW_BOX:
        draw_frame(r, e, dl);
        if (has_icon && e->icon != HD_ICON_NONE)
            hd_render_icon(r, &ir, e->icon, e->fg, dl->rtl);
        draw_label(tx, e);
        break;
    case HD_DRAW_TEXT:
        if (e->bg & 0xFF)
            hd_render_round_rect(r, &rc, e->radius, 0, e->bg);
        if (e->flags & HD_ELEM_PRESSED)
            hd_render_round_rect(r, &rc, e->radius, 0, (e->fg & 0xFFFFFF00u) | 0x30u);
        draw_label(tx, e);
        break;
    case HD_DRAW_FACE:
        draw_frame(r, e, dl);
        if (has_icon)
            hd_render_face(r, &ir, (int)e->icon, e->fg, 0, e->fg);
        draw_label(tx, e);
        break;
    case HD_DRAW_ICON:
        if (e->bg & 0xFF)
            hd_render_round_rect(r, &rc, e->radius, 0,
                                 (e->flags & HD_ELEM_PRESSED) ? pressed_colour(e->bg) : e->bg);
        else if (e->flags & HD_ELEM_PRESSED)
            hd_render_round_rect(r, &rc, e->radius, 0, (e->fg & 0xFFFFFF00u) | 0x30u);
        hd_render_icon(r, &rc, e->icon, e->fg, dl->rtl);
        break;
    case HD_DRAW_BAR: {
        int rad = rc.h / 2;
        hd_render_round_rect(r, &rc, rad, 0, e->bg);
        float f = e->fraction < 0 ? 0 : e->fraction > 1 ? 1 : e->fraction;
        int fw = (int)lroundf(f * (float)rc.w);
        if (fw > 0 && fw < rc.h)
            fw = rc.h; /* a sliver would not show its rounded ends */
        SDL_Rect fill = {e->rtl || dl->rtl ? rc.x + rc.w - fw : rc.x, rc.y, fw, rc.h};
        hd_render_round_rect(r, &fill, rad, 0, e->fg);
        break;
    }
    }
}

void hd_render_dlist(SDL_Renderer *r, hd_text *tx, const hd_dlist *dl)
{
    SDL_Color bg = rgba(dl->background);
    SDL_RenderSetClipRect(r, NULL);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_NONE);
    SDL_SetRenderDrawColor(r, bg.r, bg.g, bg.b, 0xFF);
    SDL_RenderClear(r);
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    SDL_Rect clip = {dl->clip.x, dl->clip.y, dl->clip.w, dl->clip.h};
    bool clipped = false;
    for (int i = 0; i < dl->n; i++) {
        const hd_elem *e = &dl->elems[i];
        bool want = (e->flags & HD_ELEM_CLIP) != 0;
        if (want) {
            SDL_Rect er = {e->rect.x, e->rect.y, e->rect.w, e->rect.h};
            if (!SDL_HasIntersection(&er, &clip))
                continue; /* scrolled out of sight */
        }
        if (want != clipped) {
            SDL_RenderSetClipRect(r, want ? &clip : NULL);
            clipped = want;
        }
        draw_elem(r, tx, e, dl);
    }
    if (clipped)
        SDL_RenderSetClipRect(r, NULL);
}
