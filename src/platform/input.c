/* input.c — presses and releases into actions (see input.h). */
#include "platform/input.h"

#include <stdio.h>
#include <string.h>

#include "core/keyboard.h"

/* Sizes are in units of the shorter screen side / 480, like the layout. */
static int units(const hd_input *in, int u)
{
    int shorter = in->w < in->h ? in->w : in->h;
    int px = u * shorter / 480;
    return px < 1 ? 1 : px;
}

static bool inside(const hd_rect *r, int x, int y, int margin)
{
    return x >= r->x - margin && x < r->x + r->w + margin && y >= r->y - margin &&
           y < r->y + r->h + margin;
}

static void copy_id(char dst[HD_ID_MAX], const char *src)
{
    snprintf(dst, HD_ID_MAX, "%s", src);
}

void hd_input_init(hd_input *in, int w, int h)
{
    memset(in, 0, sizeof *in);
    in->w = w;
    in->h = h;
    in->last_tap_ms = INT64_MIN / 2;
}

void hd_input_resize(hd_input *in, int w, int h)
{
    int64_t last = in->last_tap_ms;
    char last_id[HD_ID_MAX];
    copy_id(last_id, in->last_tap);
    hd_input_init(in, w, h);
    in->last_tap_ms = last;
    copy_id(in->last_tap, last_id);
}

/* The element a press may tap: the pressed id, looked up again because the
 * list may have been laid out anew since the press. */
static const hd_elem *pressed_elem(const hd_input *in, const hd_dlist *dl)
{
    if (!in->pressed[0])
        return NULL;
    return hd_dlist_find(dl, in->pressed);
}

static bool has_variants(const hd_elem *e)
{
    return e && e->role == HD_ROLE_KEY && strncmp(e->id, "key.", 4) == 0 &&
           hd_keyboard_variants(e->id + 4) != NULL;
}

hd_input_result hd_input_press(hd_input *in, const hd_dlist *dl, int x, int y, int64_t now,
                               hd_action *act)
{
    if (in->down)
        return HD_INPUT_NOTHING; /* a second finger: the first one decides */
    in->down = true;
    in->x0 = x;
    in->y0 = y;
    in->down_ms = now;
    in->pressed[0] = '\0';
    in->dragging = false;
    in->swallow = false;
    in->long_done = false;
    in->corner = x < units(in, 64) && y < units(in, 64);
    in->in_clip = dl->clip.w > 0 && dl->clip.h > 0 && inside(&dl->clip, x, y, 0);

    const hd_elem *e = hd_dlist_hit(dl, x, y);
    if (in->variants_open && (!e || strncmp(e->id, "variant.", 8) != 0)) {
        /* A touch beside the variants row only closes it. */
        in->variants_open = false;
        in->swallow = true;
        return HD_INPUT_REDRAW;
    }
    if (!e) {
        *act = (hd_action){.kind = HD_ACT_TOUCH, .now_ms = now};
        return HD_INPUT_ACTION;
    }
    if (e->id[0] && strcmp(e->id, in->last_tap) == 0 && now - in->last_tap_ms < HD_INPUT_BOUNCE_MS) {
        in->swallow = true; /* a bounce of the last tap */
        return HD_INPUT_NOTHING;
    }
    copy_id(in->pressed, e->id);
    return HD_INPUT_REDRAW;
}

hd_input_result hd_input_move(hd_input *in, const hd_dlist *dl, int x, int y, int64_t now,
                              hd_action *act)
{
    if (!in->down)
        return HD_INPUT_NOTHING;
    hd_input_result res = HD_INPUT_NOTHING;
    int slop = units(in, 12);
    if (in->corner && (x >= units(in, 64) + slop || y >= units(in, 64) + slop))
        in->corner = false;
    if (!in->dragging && in->in_clip && !in->swallow && !in->long_done &&
        (y - in->y0 > slop || in->y0 - y > slop)) {
        in->dragging = true;
        in->drag_y = in->y0;
        if (in->pressed[0]) {
            in->pressed[0] = '\0';
            res = HD_INPUT_REDRAW;
        }
    }
    if (in->dragging) {
        int dy = y - in->drag_y;
        if (dy == 0)
            return res;
        in->drag_y = y;
        *act = (hd_action){.kind = HD_ACT_SCROLL, .now_ms = now, .num = -dy};
        return HD_INPUT_ACTION;
    }
    const hd_elem *e = pressed_elem(in, dl);
    if (e && !inside(&e->rect, x, y, slop)) {
        in->pressed[0] = '\0'; /* slid off: the tap is cancelled */
        return HD_INPUT_REDRAW;
    }
    return res;
}

hd_input_result hd_input_release(hd_input *in, const hd_dlist *dl, int x, int y, int64_t now,
                                 hd_action *act)
{
    if (!in->down)
        return HD_INPUT_NOTHING;
    in->down = false;
    bool had = in->pressed[0] != '\0';
    if (in->swallow || in->dragging || (in->long_done && !in->variants_open)) {
        in->pressed[0] = '\0';
        return had ? HD_INPUT_REDRAW : HD_INPUT_NOTHING;
    }
    const hd_elem *e = pressed_elem(in, dl);
    char id[HD_ID_MAX];
    copy_id(id, in->pressed);
    in->pressed[0] = '\0';
    if (in->long_done) {
        /* The finger lifts after opening the variants row: the row stays, and
         * lifting on one of its keys types it. */
        const hd_elem *v = hd_dlist_hit(dl, x, y);
        if (!v || strncmp(v->id, "variant.", 8) != 0)
            return HD_INPUT_REDRAW;
        e = v;
        copy_id(id, v->id);
    }
    if (!e || e->action.kind == HD_ACT_NONE || !inside(&e->rect, x, y, units(in, 12)))
        return had ? HD_INPUT_REDRAW : HD_INPUT_NOTHING;
    copy_id(in->last_tap, id);
    in->last_tap_ms = now;
    *act = e->action;
    act->now_ms = now;
    if (strncmp(id, "variant.", 8) == 0)
        in->variants_open = false;
    return HD_INPUT_ACTION;
}

hd_input_result hd_input_tick(hd_input *in, const hd_dlist *dl, int64_t now, hd_action *act)
{
    if (!in->down || in->swallow || in->dragging)
        return HD_INPUT_NOTHING;
    if (in->corner && now - in->down_ms >= HD_INPUT_STAFF_MS) {
        in->corner = false;
        in->swallow = true; /* the release after a staff hold taps nothing */
        in->pressed[0] = '\0';
        *act = (hd_action){.kind = HD_ACT_STAFF_HOLD, .now_ms = now};
        return HD_INPUT_ACTION;
    }
    if (!in->long_done && now - in->down_ms >= HD_INPUT_LONG_MS) {
        const hd_elem *e = pressed_elem(in, dl);
        if (has_variants(e)) {
            in->long_done = true;
            in->variants_open = true;
            copy_id(in->variants_key, e->id);
            in->variants = hd_keyboard_variants(e->id + 4);
            return HD_INPUT_REDRAW;
        }
    }
    return HD_INPUT_NOTHING;
}

int64_t hd_input_deadline(const hd_input *in)
{
    if (!in->down || in->swallow || in->dragging)
        return INT64_MAX;
    int64_t t = INT64_MAX;
    if (in->corner)
        t = in->down_ms + HD_INPUT_STAFF_MS;
    if (!in->long_done && in->pressed[0] && strncmp(in->pressed, "key.", 4) == 0 &&
        in->down_ms + HD_INPUT_LONG_MS < t)
        t = in->down_ms + HD_INPUT_LONG_MS;
    return t;
}

hd_input_result hd_input_sdl(hd_input *in, const hd_dlist *dl, const SDL_Event *ev, int64_t now,
                             hd_action *act)
{
    switch (ev->type) {
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
        /* A touch also arrives as a synthetic mouse event; the finger event
         * already counted it. */
        if (ev->button.which == SDL_TOUCH_MOUSEID || ev->button.button != SDL_BUTTON_LEFT)
            return HD_INPUT_NOTHING;
        if (ev->type == SDL_MOUSEBUTTONDOWN) {
            if (in->down)
                return HD_INPUT_NOTHING;
            hd_input_result r = hd_input_press(in, dl, ev->button.x, ev->button.y, now, act);
            in->is_mouse = true;
            return r;
        }
        if (!in->down || !in->is_mouse)
            return HD_INPUT_NOTHING;
        return hd_input_release(in, dl, ev->button.x, ev->button.y, now, act);
    case SDL_MOUSEMOTION:
        if (ev->motion.which == SDL_TOUCH_MOUSEID || !in->down || !in->is_mouse)
            return HD_INPUT_NOTHING;
        return hd_input_move(in, dl, ev->motion.x, ev->motion.y, now, act);
    case SDL_FINGERDOWN:
    case SDL_FINGERMOTION:
    case SDL_FINGERUP: {
        /* Finger positions are normalised to the window: 0..1. */
        int x = (int)(ev->tfinger.x * (float)in->w), y = (int)(ev->tfinger.y * (float)in->h);
        if (ev->type == SDL_FINGERDOWN) {
            if (in->down)
                return HD_INPUT_NOTHING;
            hd_input_result r = hd_input_press(in, dl, x, y, now, act);
            in->is_mouse = false;
            in->finger = ev->tfinger.fingerId;
            return r;
        }
        if (!in->down || in->is_mouse || ev->tfinger.fingerId != in->finger)
            return HD_INPUT_NOTHING;
        if (ev->type == SDL_FINGERMOTION)
            return hd_input_move(in, dl, x, y, now, act);
        return hd_input_release(in, dl, x, y, now, act);
    }
    default:
        return HD_INPUT_NOTHING;
    }
}

void hd_input_decorate(hd_input *in, hd_dlist *dl, const hd_metrics *m)
{
    if (in->pressed[0] && !in->dragging) {
        for (int i = 0; i < dl->n; i++) {
            if (strcmp(dl->elems[i].id, in->pressed) == 0) {
                dl->elems[i].flags |= HD_ELEM_PRESSED;
                break;
            }
        }
    }
    if (!in->variants_open)
        return;
    const hd_elem *key = hd_dlist_find(dl, in->variants_key);
    if (!key || !in->variants) {
        in->variants_open = false;
        return;
    }
    hd_elem k = *key; /* copied: adding elements may not move it, but be safe */
    int n = 0;
    while (n < HD_INPUT_MAX_VARIANTS && in->variants[n])
        n++;
    if (n == 0) {
        in->variants_open = false;
        return;
    }
    int gap = units(in, 8), pad = units(in, 8);
    int kw = k.rect.w, kh = k.rect.h;
    int row_w = n * kw + (n - 1) * gap + 2 * pad;
    if (row_w > dl->w) {
        kw = (dl->w - 2 * pad - (n - 1) * gap) / n;
        row_w = n * kw + (n - 1) * gap + 2 * pad;
    }
    int rx = k.rect.x + k.rect.w / 2 - row_w / 2;
    if (rx + row_w > dl->w)
        rx = dl->w - row_w;
    if (rx < 0)
        rx = 0;
    int ry = k.rect.y - kh - 2 * pad - gap;
    if (ry < 0)
        ry = k.rect.y + kh + gap;
    hd_elem *panel = hd_dlist_add(dl);
    panel->role = HD_ROLE_NONE;
    panel->draw = HD_DRAW_BOX;
    panel->rect = (hd_rect){rx, ry, row_w, kh + 2 * pad};
    panel->bg = dl->background;
    panel->border = k.fg;
    panel->radius = k.radius + pad / 2;
    for (int i = 0; i < n; i++) {
        hd_elem *v = hd_dlist_add(dl);
        char id[HD_ID_MAX];
        snprintf(id, sizeof id, "variant.%s", in->variants[i]);
        copy_id(v->id, id);
        v->role = HD_ROLE_KEY;
        v->draw = HD_DRAW_BOX;
        v->rect = (hd_rect){rx + pad + i * (kw + gap), ry + pad, kw, kh};
        v->text = in->variants[i];
        v->text_px = k.text_px;
        v->bold = k.bold;
        v->align = HD_ALIGN_CENTER;
        v->fg = k.fg;
        v->bg = k.bg;
        v->border = k.border;
        v->radius = k.radius;
        v->action = (hd_action){.kind = HD_ACT_KEY, .str = in->variants[i]};
        if (m && m->text_size)
            m->text_size(m->ctx, v->text, v->text_px, v->bold, 0, false, &v->text_w, &v->text_h);
        if (in->pressed[0] && strcmp(in->pressed, v->id) == 0)
            v->flags |= HD_ELEM_PRESSED;
    }
}
