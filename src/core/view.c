/* view.c — layout entry point, theme, text fitting and the furniture every
 * screen shares (top bar, bottom row, banner, scrolling area, modal, mirror).
 *
 * How a frame is made (docs/ui.md has the reasoning):
 *   1. sizes: u = min(w, h) / 480; every size below is in u;
 *   2. the screen lays itself out left-to-right, measuring every text with
 *      the platform's shaper (hd_metrics) and fitting it: wrap, then shrink
 *      step by step to the floor, then (content areas only) scroll;
 *   3. a confirm question is drawn over it, and everything beneath loses its
 *      action;
 *   4. right-to-left languages mirror every x (keyboards are moved as a block
 *      but keep their key order).
 * Nothing is allocated: formatted strings go into the display list's arena.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/view_priv.h"

/* ---- theme ---------------------------------------------------------------
 * Calm: warm off-white, dark slate text, one blue for what matters. Every
 * text colour is at least 4.5:1 against the background it sits on
 * (tests/unit/test_view.c checks each element of every screen). High
 * contrast is black, white and yellow. */

#define RGB(x) (((uint32_t)(x) << 8) | 0xFFu)

static const vtheme theme_calm = {
    .bg = RGB(0xF6F3EE),
    .text = RGB(0x1E2A35),
    .muted = RGB(0x4A5663),
    .bar_fill = RGB(0x1F5F8B),
    .bar_track = RGB(0xD5DCE3),
    .scrim = 0x0F1A24A6u,
    .panel = RGB(0xFFFFFF),
    .st = {
        [VS_PLAIN] = {RGB(0x1E2A35), RGB(0xFFFFFF), RGB(0x6B7C8A)},
        [VS_PRIMARY] = {RGB(0xFFFFFF), RGB(0x1F5F8B), RGB(0x1F5F8B)},
        [VS_CHOICE] = {RGB(0x1E2A35), RGB(0xFFFFFF), RGB(0x7D8D9B)},
        [VS_SELECTED] = {RGB(0xFFFFFF), RGB(0x1F5F8B), RGB(0x12405F)},
        [VS_QUIET] = {RGB(0x3A4652), RGB(0xF6F3EE), RGB(0x8C99A5)},
        [VS_DANGER] = {RGB(0xFFFFFF), RGB(0xA33A2A), RGB(0xA33A2A)},
        [VS_KEY] = {RGB(0x1E2A35), RGB(0xFFFFFF), RGB(0xA9B5C0)},
        [VS_KEYFN] = {RGB(0x1E2A35), RGB(0xDDE3E8), RGB(0xA9B5C0)},
        [VS_CARD] = {RGB(0x1E2A35), RGB(0xFFFFFF), RGB(0x7D8D9B)},
        [VS_HIGHLIGHT] = {RGB(0x1E2A35), RGB(0xDCEBF5), RGB(0x1F5F8B)},
        [VS_INPUT] = {RGB(0x1E2A35), RGB(0xFFFFFF), RGB(0x1F5F8B)},
        [VS_BANNER] = {RGB(0x5A1E12), RGB(0xFBE3DC), RGB(0xA33A2A)},
    },
};

static const vtheme theme_contrast = {
    .bg = RGB(0x000000),
    .text = RGB(0xFFFFFF),
    .muted = RGB(0xE6E6E6),
    .bar_fill = RGB(0xFFE600),
    .bar_track = RGB(0x5A5A5A),
    .scrim = 0x000000CCu,
    .panel = RGB(0x000000),
    .st = {
        [VS_PLAIN] = {RGB(0xFFFFFF), RGB(0x000000), RGB(0xFFFFFF)},
        [VS_PRIMARY] = {RGB(0x000000), RGB(0xFFE600), RGB(0xFFE600)},
        [VS_CHOICE] = {RGB(0xFFFFFF), RGB(0x000000), RGB(0xFFFFFF)},
        [VS_SELECTED] = {RGB(0x000000), RGB(0xFFE600), RGB(0xFFFFFF)},
        [VS_QUIET] = {RGB(0xFFFFFF), RGB(0x000000), RGB(0xBBBBBB)},
        [VS_DANGER] = {RGB(0x000000), RGB(0xFF8A80), RGB(0xFFFFFF)},
        [VS_KEY] = {RGB(0xFFFFFF), RGB(0x000000), RGB(0xFFFFFF)},
        [VS_KEYFN] = {RGB(0xFFFFFF), RGB(0x262626), RGB(0xFFFFFF)},
        [VS_CARD] = {RGB(0xFFFFFF), RGB(0x000000), RGB(0xFFFFFF)},
        [VS_HIGHLIGHT] = {RGB(0x000000), RGB(0xFFE600), RGB(0xFFE600)},
        [VS_INPUT] = {RGB(0xFFFFFF), RGB(0x000000), RGB(0xFFE600)},
        [VS_BANNER] = {RGB(0x000000), RGB(0xFFE600), RGB(0xFFE600)},
    },
};

/* ---- units, strings, text ------------------------------------------------ */

int vc_u(const vctx *c, float v)
{
    /* Rounded up: these are minimums (a 64u target must not come out 63 px).
     * The small epsilon keeps exact products (64 * 1.0) from rounding up. */
    return (int)ceilf(v * c->u - 1e-3f);
}

int vc_px(const vctx *c, int base, float s)
{
    int px = (int)lroundf((float)base * s);
    return px < c->px_floor ? c->px_floor : px;
}

const char *vc_ui(const vctx *c, const char *msgid)
{
    return c->t ? hd_i18n_ui(c->t, c->lang, msgid) : msgid;
}

const char *vc_sv(const vctx *c, const char *ctx, const char *source)
{
    return c->t ? hd_i18n_survey(c->t, c->lang, ctx, source) : source;
}

const char *vc_svf(const vctx *c, const char *source, const char *fmt, ...)
{
    if (!c->t)
        return source;
    char ctx[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(ctx, sizeof ctx, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof ctx)
        return source; /* an id this long cannot be in a catalogue */
    return hd_i18n_survey(c->t, c->lang, ctx, source);
}

const char *vc_subst2(const vctx *c, const char *msgid, const char *k1, const char *v1,
                      const char *k2, const char *v2)
{
    /* Placeholders by name ("{n} of {total}"), never printf: a translation
     * is data from a file, may reorder them, and cannot crash the kiosk. A
     * placeholder the translation dropped is simply not shown. */
    const char *fmt = vc_ui(c, msgid);
    char out[512];
    size_t o = 0;
    for (const char *p = fmt; *p && o + 1 < sizeof out;) {
        const char *key = NULL, *val = NULL;
        if (k1 && strncmp(p, k1, strlen(k1)) == 0)
            key = k1, val = v1;
        else if (k2 && strncmp(p, k2, strlen(k2)) == 0)
            key = k2, val = v2;
        if (key) {
            size_t n = strlen(val);
            if (o + n >= sizeof out)
                n = sizeof out - 1 - o;
            memcpy(out + o, val, n);
            o += n;
            p += strlen(key);
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    return hd_dlist_strdup(c->dl, out);
}

const char *vc_fmt(const vctx *c, const char *msgid, const char *a1, const char *a2)
{
    /* For msgids with printf conversions ("%ld", "%2$ld", "%02d"), such as
     * the flow's messages. A translation is data from a file: it is never
     * handed to printf. Each conversion takes the next (or the numbered)
     * argument as text; one without an argument prints nothing. */
    const char *fmt = vc_ui(c, msgid);
    const char *args[2] = {a1, a2};
    char out[512];
    size_t o = 0;
    int next = 0;
    for (const char *p = fmt; *p && o + 1 < sizeof out;) {
        if (*p != '%') {
            out[o++] = *p++;
            continue;
        }
        p++;
        if (*p == '%') {
            out[o++] = *p++;
            continue;
        }
        int pos = -1, num = 0;
        const char *q = p;
        while (*q >= '0' && *q <= '9')
            num = num * 10 + (*q++ - '0');
        if (*q == '$' && q > p) {
            pos = num - 1;
            p = q + 1;
        }
        bool zero = false;
        while (*p == '0' || *p == '-' || *p == ' ' || *p == '+' || *p == '#')
            zero |= *p++ == '0';
        int width = 0;
        while (*p >= '0' && *p <= '9')
            width = width * 10 + (*p++ - '0');
        while (*p && strchr("hlLqjzt", *p))
            p++;
        if (!*p)
            break;
        p++; /* the conversion letter */
        int k = pos >= 0 ? pos : next++;
        const char *v = k >= 0 && k < 2 && args[k] ? args[k] : "";
        int len = (int)strlen(v);
        for (int i = len; zero && i < width && o + 1 < sizeof out; i++)
            out[o++] = '0';
        for (int i = 0; i < len && o + 1 < sizeof out; i++)
            out[o++] = v[i];
    }
    out[o] = '\0';
    return hd_dlist_strdup(c->dl, out);
}

const char *vc_flow_message(const vctx *c)
{
    if (c->fl->message_id) {
        char a[24], b[24];
        snprintf(a, sizeof a, "%ld", c->fl->message_args[0]);
        snprintf(b, sizeof b, "%ld", c->fl->message_args[1]);
        return vc_fmt(c, c->fl->message_id, a, b);
    }
    return c->fl->message ? vc_ui(c, c->fl->message) : NULL;
}

void vc_measure(const vctx *c, const char *s, int px, bool bold, int wrap, bool rtl, int *w,
                int *h)
{
    *w = *h = 0;
    if (!s || !*s)
        return;
    /* 0 means one line; a box squeezed to nothing still wraps (at 1 px) */
    c->m->text_size(c->m->ctx, s, px, bold, wrap < 0 ? 1 : wrap, rtl, w, h);
}

/* The shaper cuts a word wider than the line between two letters, so a
 * measured size can fit its box with a word broken in half. The longest
 * words (by code points; three, since letters differ in width) are measured
 * alone to catch that. */
typedef struct vwords {
    char w[3][128];
    int n;
} vwords;

static void longest_words(const char *s, vwords *lw)
{
    int cps[3] = {0, 0, 0};
    lw->n = 0;
    for (const char *p = s; p && *p;) {
        while (*p == ' ' || *p == '\n')
            p++;
        const char *e = p;
        int k = 0;
        while (*e && *e != ' ' && *e != '\n') {
            if (((unsigned char)*e & 0xC0) != 0x80)
                k++;
            e++;
        }
        if (k > 0) {
            int slot = -1;
            for (int i = 0; i < 3; i++)
                if (i >= lw->n || k > cps[i]) {
                    slot = i;
                    break;
                }
            if (slot >= 0) {
                for (int i = 2; i > slot; i--) {
                    cps[i] = cps[i - 1];
                    memcpy(lw->w[i], lw->w[i - 1], sizeof lw->w[i]);
                }
                size_t len = (size_t)(e - p) < sizeof lw->w[0] - 1 ? (size_t)(e - p)
                                                                  : sizeof lw->w[0] - 1;
                while (len > 0 && ((unsigned char)p[len] & 0xC0) == 0x80)
                    len--; /* never end inside a code point */
                memcpy(lw->w[slot], p, len);
                lw->w[slot][len] = '\0';
                cps[slot] = k;
                if (lw->n < 3)
                    lw->n++;
            }
        }
        p = e;
    }
}

static bool words_fit(const vctx *c, const vwords *lw, int px, bool bold, bool rtl, int bw)
{
    for (int i = 0; i < lw->n; i++) {
        int w, h;
        vc_measure(c, lw->w[i], px, bold, 0, rtl, &w, &h);
        if (w > bw)
            return false;
    }
    return true;
}

int vc_word_px(const vctx *c, const char *s, int px, bool bold, bool rtl, int bw)
{
    vwords lw;
    longest_words(s, &lw);
    while (px > c->px_floor && !words_fit(c, &lw, px, bold, rtl, bw)) {
        int step = px / 12 > 1 ? px / 12 : 1;
        px = px - step < c->px_floor ? c->px_floor : px - step;
    }
    return px;
}

bool vc_fit(const vctx *c, const char *s, bool bold, bool rtl, int base, int floor_px, int bw,
            int bh, int *px, int *tw, int *th)
{
    if (floor_px > base)
        floor_px = base;
    int p = base;
    vwords lw;
    longest_words(s, &lw);
    for (;;) {
        vc_measure(c, s, p, bold, bw, rtl, tw, th);
        if (*tw <= bw && *th <= bh && words_fit(c, &lw, p, bold, rtl, bw)) {
            *px = p;
            return true;
        }
        if (p <= floor_px)
            break;
        /* Steps of about 8 %: few enough measurements, fine enough that a
         * text is not shrunk much more than it has to be. */
        int step = p / 12 > 1 ? p / 12 : 1;
        p = p - step < floor_px ? floor_px : p - step;
    }
    *px = floor_px;
    return false;
}

/* ---- elements ------------------------------------------------------------ */

hd_action vc_act(const vctx *c, hd_act_kind kind, int num, const char *str)
{
    (void)c;
    /* now_ms is filled in by the platform when the tap happens. */
    return (hd_action){.kind = kind, .now_ms = 0, .num = num, .str = str};
}

hd_elem *vc_add(vctx *c, const char *id, hd_role role)
{
    hd_elem *e = hd_dlist_add(c->dl);
    if (id) {
        size_t n = strlen(id);
        if (n >= sizeof e->id) {
            /* Ids come from the survey, which the parser limits; a longer
             * one is a bug, reported like any other display list overflow. */
            c->dl->overflowed = true;
            n = sizeof e->id - 1;
        }
        memcpy(e->id, id, n);
        e->id[n] = '\0';
    }
    e->role = role;
    e->rtl = c->rtl;
    return e;
}

void vc_style(const vctx *c, hd_elem *e, vstyle st)
{
    e->fg = c->th->st[st].fg;
    e->bg = c->th->st[st].bg;
    e->border = c->th->st[st].border;
    if (st == VS_PRIMARY)
        e->flags |= HD_ELEM_PRIMARY;
    if (st == VS_DANGER)
        e->flags |= HD_ELEM_DANGER;
    if (st == VS_SELECTED)
        e->flags |= HD_ELEM_SELECTED;
}

hd_elem *vc_text(vctx *c, const char *id, int x, int y, int w, const char *s, int px, bool bold,
                 hd_align align, uint32_t fg, bool rtl)
{
    px = vc_word_px(c, s, px, bold, rtl, w); /* a word too long for the line: smaller */
    hd_elem *e = vc_add(c, id, HD_ROLE_TEXT);
    e->draw = HD_DRAW_TEXT;
    e->text = s;
    e->text_px = px;
    e->bold = bold;
    e->align = align;
    e->rtl = rtl;
    e->fg = fg;
    vc_measure(c, s, px, bold, w, rtl, &e->text_w, &e->text_h);
    e->rect = (hd_rect){x, y, w, e->text_h};
    e->text_rect = e->rect;
    return e;
}

/* Where a button's icon and text go inside r; with_icon false leaves the
 * icon out (a narrow button keeps its word rather than its picture). */
typedef struct vplace {
    hd_rect text, icon;
} vplace;

static bool btn_rtl(const vctx *c, const vbtn *b)
{
    return b->text_rtl_set ? b->text_rtl : c->rtl;
}

static int icon_size(const vctx *c, const vbtn *b)
{
    if (!b->text || !*b->text)
        return vc_u(c, 34);
    return (b->icon != HD_ICON_NONE || b->icon_space) ? vc_u(c, 30) : 0;
}

static vplace btn_place(const vctx *c, const vbtn *b, hd_rect r, bool with_icon)
{
    vplace pl = {{0}, {0}};
    int padx = c->pad, pady = vc_u(c, 6), igap = vc_u(c, 10);
    hd_rect in = {r.x + padx, r.y + pady, r.w - 2 * padx, r.h - 2 * pady};
    int isz = with_icon ? icon_size(c, b) : 0;
    if (!b->text || !*b->text) {
        int s = isz < in.w ? isz : in.w;
        s = s < in.h ? s : in.h;
        if (b->icon != HD_ICON_NONE)
            pl.icon = (hd_rect){r.x + (r.w - s) / 2, r.y + (r.h - s) / 2, s, s};
        return pl;
    }
    pl.text = in;
    if (!isz)
        return pl;
    if (b->icon_above) {
        pl.text.y += isz + igap;
        pl.text.h -= isz + igap;
        if (b->icon != HD_ICON_NONE)
            pl.icon = (hd_rect){r.x + (r.w - isz) / 2, in.y, isz, isz};
        return pl;
    }
    int s = isz < in.h ? isz : in.h;
    int iy = r.y + (r.h - s) / 2;
    pl.text.w -= s + igap;
    if (b->icon == HD_ICON_NEXT) { /* "Next ->": the arrow follows the word */
        pl.icon = (hd_rect){in.x + in.w - s, iy, s, s};
    } else {
        pl.text.x += s + igap;
        if (b->icon != HD_ICON_NONE)
            pl.icon = (hd_rect){in.x, iy, s, s};
    }
    return pl;
}

/* An icon beside the words may go when the words need the room; the tick
 * of a chosen answer (icon_space) and icons above text stay. */
static bool icon_droppable(const vbtn *b)
{
    return b->icon != HD_ICON_NONE && !b->icon_space && !b->icon_above && b->text && *b->text;
}

static int need_h_with(const vctx *c, const vbtn *b, int w, int px, bool with_icon)
{
    vplace pl = btn_place(c, b, (hd_rect){0, 0, w, 1 << 20}, with_icon);
    int tw, th;
    /* a word too wide at px asks for a smaller size, not for more lines */
    px = vc_word_px(c, b->text, px, b->bold, btn_rtl(c, b), pl.text.w);
    vc_measure(c, b->text, px, b->bold, pl.text.w, btn_rtl(c, b), &tw, &th);
    return (1 << 20) - pl.text.h + th;
}

int vc_button_need_h(const vctx *c, const vbtn *b, int w, int px, int min_h)
{
    if (!b->text || !*b->text)
        return min_h;
    int need = need_h_with(c, b, w, px, true);
    if (icon_droppable(b)) {
        int n2 = need_h_with(c, b, w, px, false);
        need = n2 < need ? n2 : need;
    }
    return need > min_h ? need : min_h;
}

hd_elem *vc_button(vctx *c, const vbtn *b, hd_rect r)
{
    hd_elem *e = vc_add(c, b->id, b->role ? b->role : HD_ROLE_BUTTON);
    e->draw = HD_DRAW_BOX;
    e->rect = r;
    e->radius = c->radius;
    e->icon = b->icon;
    e->action = b->action;
    e->bold = b->bold;
    e->align = b->align_set ? b->align : HD_ALIGN_CENTER;
    e->rtl = btn_rtl(c, b);
    vc_style(c, e, b->style);
    vplace pl = btn_place(c, b, r, true);
    e->icon_rect = pl.icon;
    if (!b->text || !*b->text)
        return e;
    e->text = b->text;
    e->text_rect = pl.text;
    int px = b->px ? b->px : c->px_button;
    bool ok = vc_fit(c, b->text, b->bold, e->rtl, px, c->px_floor, pl.text.w, pl.text.h,
                     &e->text_px, &e->text_w, &e->text_h);
    if ((!ok || e->text_px < px) && icon_droppable(b)) {
        vplace p2 = btn_place(c, b, r, false);
        int px2, tw2, th2;
        bool ok2 = vc_fit(c, b->text, b->bold, e->rtl, px, c->px_floor, p2.text.w, p2.text.h,
                          &px2, &tw2, &th2);
        /* Without the icon when that fits where the icon did not, fits
         * larger, or when neither fits (more room is the lesser harm). */
        if ((ok2 && !ok) || (ok2 && px2 > e->text_px) || (!ok && !ok2)) {
            e->icon = HD_ICON_NONE;
            e->icon_rect = (hd_rect){0, 0, 0, 0};
            e->text_rect = p2.text;
            e->text_px = px2;
            e->text_w = tw2;
            e->text_h = th2;
        }
    }
    return e;
}

vmark vc_mark(const vctx *c)
{
    return (vmark){c->dl->n, c->dl->arena_used};
}

void vc_rollback(vctx *c, vmark m)
{
    c->dl->n = m.n;
    c->dl->arena_used = m.arena;
}

/* ---- top bar ---------------------------------------------------------------
 * [staff corner] [language] [contrast] [A+]  [3 of 12 ====    ]  [♥ Need to talk?]
 * The 64u corner where staff hold their finger stays empty. When the row is
 * too narrow (portrait) progress and support move to a second row. */

/* Whether question q may still be shown to this participant. Its show_if
 * is decided once the question it depends on has been passed (lies before
 * the current position); until then it counts as shown. So the total only
 * ever goes down as answers are given ("3 of 14", then "4 of 13" when a
 * follow-up turns out not to apply), never up, which would read as the
 * survey growing longer under the participant's finger. */
static bool maybe_shown(const vctx *c, int q, int depth)
{
    const hd_flow *f = c->fl;
    int ctl = c->sv->questions[q].show_if.question;
    if (ctl < 0 || ctl >= c->sv->n_questions)
        return hd_flow_visible(f, q);
    int at = -1;
    for (int i = 0; i < f->n_seq; i++)
        if (f->seq[i] == ctl)
            at = i;
    if (at < 0 || at < f->pos || depth > 8)
        return hd_flow_visible(f, q); /* decided (or not in this tier) */
    return maybe_shown(c, ctl, depth + 1); /* still to be asked: undecided */
}

/* "n of total" for the question screen: questions up to the current one
 * that were shown, and those after it that may still be. */
static void progress_count(const vctx *c, int *idx, int *count)
{
    const hd_flow *f = c->fl;
    int n = 0, at = 0;
    for (int i = 0; i < f->n_seq; i++) {
        int q = f->seq[i];
        bool counted = i <= f->pos ? (i == f->pos || hd_flow_visible(f, q))
                                   : maybe_shown(c, q, 0);
        if (!counted)
            continue;
        n++;
        if (i <= f->pos)
            at = n;
    }
    *idx = at;
    *count = n;
}

static int progress_parts(vctx *c, const char **text, float *frac)
{
    int idx = 0, count = 0;
    progress_count(c, &idx, &count);
    if (count < 1)
        count = 1;
    if (idx < 1)
        idx = 1;
    if (idx > count)
        idx = count;
    char a[16], b[16];
    snprintf(a, sizeof a, "%d", idx);
    snprintf(b, sizeof b, "%d", count);
    *text = vc_subst2(c, HD_N_("{n} of {total}"), "{n}", a, "{total}", b);
    *frac = (float)idx / (float)count;
    int tw, th;
    vc_measure(c, *text, c->px_body, true, 0, c->rtl, &tw, &th);
    return tw;
}

static void progress_place(vctx *c, const char *text, float frac, int x, int y, int w, int h)
{
    int tw, th, px;
    int slack = vc_u(c, 6);
    int textw = w - vc_u(c, 72) - c->gap - slack;
    vc_fit(c, text, true, c->rtl, c->px_body, c->px_floor, textw, h, &px, &tw, &th);
    hd_elem *e = vc_add(c, "progress", HD_ROLE_TEXT);
    e->draw = HD_DRAW_TEXT;
    e->text = text;
    e->text_px = px;
    e->bold = true;
    e->fg = c->th->text;
    e->align = HD_ALIGN_START;
    e->text_w = tw;
    e->text_h = th;
    /* The box is a little wider than the measured line: the shaper wraps
     * at the box's width, and a box exactly as wide as the text is one
     * rounding away from a second line. */
    e->rect = (hd_rect){x, y + (h - th) / 2, tw + slack, th};
    e->text_rect = e->rect;
    int bx = x + tw + slack + c->gap, bh = vc_u(c, 14);
    hd_elem *bar = vc_add(c, "progress.bar", HD_ROLE_NONE);
    bar->draw = HD_DRAW_BAR;
    bar->rect = (hd_rect){bx, y + (h - bh) / 2, x + w - bx, bh};
    bar->fraction = frac;
    bar->fg = c->th->bar_fill;
    bar->bg = c->th->bar_track;
    bar->radius = bh / 2;
}

static int lang_index(const vctx *c)
{
    for (int i = 0; i < c->sv->n_languages; i++)
        if (strcmp(c->sv->languages[i], c->lang) == 0)
            return i;
    return -1;
}

int vc_top_bar(vctx *c, unsigned flags)
{
    int y = c->mtop, x0 = c->margin, x1 = c->w - c->margin;
    int corner = c->tap + c->gap;
    if (c->rtl)
        x1 = c->w - corner; /* mirrored later: the corner ends up top-left */
    else
        x0 = corner;
    int x = x0;
    /* The bar's height: 64u, or taller when the language's own name needs
     * it even at the floor (Nastaliq's lines are tall). */
    int bh = c->tap;

    if ((flags & VT_LANGUAGE) && c->sv->n_languages > 1) {
        int i = lang_index(c);
        const char *next = c->sv->languages[(i + 1) % c->sv->n_languages];
        const hd_lang_info *li = hd_lang_info_get(c->lang);
        vbtn b = {.id = "language", .text = li->native_name, .icon = HD_ICON_GLOBE,
                  .style = VS_PLAIN, .action = vc_act(c, HD_ACT_LANG, 0, next)};
        int tw, th;
        vc_measure(c, b.text, c->px_button, false, 0, c->rtl, &tw, &th);
        int lw = tw + 2 * c->pad + vc_u(c, 30) + vc_u(c, 10) + vc_u(c, 6);
        int lmax = vc_u(c, 200);
        lw = lw < c->tap ? c->tap : lw > lmax ? lmax : lw;
        /* what progress needs beside it in row 1 (measured again below) */
        int pneed = 0;
        if (flags & VT_PROGRESS) {
            const char *pt;
            float pf;
            vmark mk = vc_mark(c);
            pneed = progress_parts(c, &pt, &pf) + vc_u(c, 6) + c->gap + vc_u(c, 72) + c->gap;
            vc_rollback(c, mk);
        }
        if ((flags & VT_COMPACT) && x + lw + 3 * (c->tap + c->gap) + pneed > x1 &&
            x + c->tap + 3 * (c->tap + c->gap) + pneed <= x1) {
            /* compact: the globe alone when that keeps the bar to one row */
            b.text = NULL;
            lw = c->tap;
        } else if ((flags & VT_COMPACT) && x + lw + 3 * (c->tap + c->gap) > x1) {
            /* compact and narrow: the globe alone, so the row holds */
            b.text = NULL;
            lw = c->tap;
        }
        int need = vc_button_need_h(c, &b, lw, c->px_floor, c->tap);
        bh = need > bh ? need : bh;
        vc_button(c, &b, (hd_rect){x, y, lw, bh});
        x += lw + c->gap;
    }
    {
        vbtn b = {.id = "contrast", .icon = HD_ICON_CONTRAST,
                  .style = c->fl->high_contrast ? VS_SELECTED : VS_PLAIN,
                  .action = vc_act(c, HD_ACT_TOGGLE_CONTRAST, 0, NULL)};
        vc_button(c, &b, (hd_rect){x, y, c->tap, bh});
        x += c->tap + c->gap;
        /* "A+" is not translated: the letter is the convention for text size. */
        vbtn l = {.id = "large-text", .text = "A+", .bold = true, .px = vc_u(c, 26),
                  .style = c->fl->large_text ? VS_SELECTED : VS_PLAIN,
                  .action = vc_act(c, HD_ACT_TOGGLE_LARGE_TEXT, 0, NULL)};
        l.text_rtl_set = true; /* Latin letters, always left-to-right */
        vc_button(c, &l, (hd_rect){x, y, c->tap, bh});
        x += c->tap + c->gap;
    }
    int bottom = y + bh;

    /* What is left of the row: progress and support. */
    const char *ptext = NULL;
    float pfrac = 0;
    int pmin = 0;
    if (flags & VT_PROGRESS)
        pmin = progress_parts(c, &ptext, &pfrac) + vc_u(c, 6) + c->gap + vc_u(c, 72);
    vbtn sup = {.id = "support", .text = vc_ui(c, HD_N_("Need to talk to someone?")),
                .icon = HD_ICON_HEART, .style = VS_PLAIN,
                .action = vc_act(c, HD_ACT_SUPPORT, 0, NULL)};
    int snat = 0, scmp = 0, sfull = 0;
    if (flags & VT_SUPPORT) {
        int tw, th;
        vc_measure(c, sup.text, c->px_button, false, 0, c->rtl, &tw, &th);
        int extra = 2 * c->pad + vc_u(c, 30) + vc_u(c, 10) + vc_u(c, 6);
        snat = tw + extra;
        sfull = snat;
        if (snat > vc_u(c, 300))
            snat = vc_u(c, 300);
        scmp = snat;
        /* The narrowest width at which it still fits a 64u button at full
         * size (two lines), so the progress gets what room there is. */
        for (int k = 9; k >= 4; k--) {
            int wtry = tw * k / 10 + extra;
            if (wtry < 2 * c->tap)
                break;
            if (vc_button_need_h(c, &sup, wtry, c->px_button, 0) <= bh)
                scmp = wtry < scmp ? wtry : scmp;
            else
                break;
        }
    }
    int free_w = x1 - x;
    int need1 = (pmin ? pmin : 0) + (snat ? scmp : 0) + (pmin && snat ? c->gap : 0);
    int sw = 0;
    if (snat) {
        sw = free_w - (pmin ? pmin + c->gap : 0);
        sw = sw > snat ? snat : sw;
    }
    /* Row 1 only if support's words fit a 64u button there (at worst at the
     * floor size); large text often sends it to a row of its own. */
    bool row1 = need1 <= free_w &&
                (!snat || vc_button_need_h(c, &sup, sw, c->px_floor, 0) <= bh);
    bool icon_only = false;
    int sw_alone = snat && free_w < snat ? free_w : snat;
    if (!row1 && pmin && snat && !(flags & VT_COMPACT) &&
        vc_button_need_h(c, &sup, sw_alone, c->px_floor, 0) <= bh &&
        sw_alone >= 2 * c->tap) {
        /* Support keeps its words in row 1; progress gets a slim row. */
        icon_only = true; /* (row 2 is handled here) */
        vc_button(c, &sup, (hd_rect){x1 - sw_alone, y, sw_alone, bh});
        int ph = c->px_body * 13 / 10 + 2;
        int y2 = bottom + c->sgap;
        progress_place(c, ptext, pfrac, c->margin, y2, c->w - 2 * c->margin, ph);
        bottom = y2 + ph;
    } else if (!row1 && (flags & VT_COMPACT) && snat && x + c->tap <= x1) {
        /* Compact (keyboard screens): the heart alone keeps the bar to one
         * row; progress goes beside it or in a slim row below. */
        icon_only = true;
        sup.text = NULL;
        vc_button(c, &sup, (hd_rect){x1 - c->tap, y, c->tap, bh});
        if (pmin && x + pmin + c->gap + c->tap <= x1) {
            progress_place(c, ptext, pfrac, x, y, x1 - c->tap - c->gap - x, bh);
        } else if (pmin) {
            int ph = c->px_body * 13 / 10 + 2;
            int y2 = bottom + c->sgap;
            progress_place(c, ptext, pfrac, c->margin, y2, c->w - 2 * c->margin, ph);
            bottom = y2 + ph;
        }
    } else if (row1) {
        if (snat)
            vc_button(c, &sup, (hd_rect){x1 - sw, y, sw, bh});
        if (pmin)
            progress_place(c, ptext, pfrac, x, y, x1 - x - (sw ? sw + c->gap : 0), bh);
    }
    if (!row1 && !icon_only) {
        /* Second row, full width (below the staff corner, so no reserve). */
        int y2 = bottom + c->gap;
        int xa = c->margin, xb = c->w - c->margin;
        sw = 0;
        /* Support's words and a progress bar worth the name do not share
         * the row (a narrow portrait panel): support has it, at its
         * natural width, and progress gets a slim row of its own. */
        bool apart = pmin && snat && xb - xa < snat + c->gap + pmin + vc_u(c, 48);
        if (apart) {
            sw = sfull < xb - xa ? sfull : xb - xa; /* one line, heart kept, if it can */
            int sh = vc_button_need_h(c, &sup, sw, c->px_button, c->tap);
            int shf = vc_button_need_h(c, &sup, sw, c->px_floor, c->tap);
            if (sh > c->tap + c->tap / 2)
                sh = c->tap + c->tap / 2;
            if (sh < shf)
                sh = shf;
            vc_button(c, &sup, (hd_rect){xb - sw, y2, sw, sh});
            int ph = c->px_body * 13 / 10 + 2;
            int y3 = y2 + sh + c->sgap;
            progress_place(c, ptext, pfrac, xa, y3, xb - xa, ph);
            return y3 + ph;
        }
        if (snat) {
            /* progress keeps its natural width; support takes the rest and
             * may grow taller here */
            sw = xb - xa - (pmin ? pmin + c->gap : 0);
            sw = sw > snat ? snat : sw;
            if (sw < 2 * c->tap)
                sw = 2 * c->tap;
            int sh = vc_button_need_h(c, &sup, sw, c->px_button, c->tap);
            int shf = vc_button_need_h(c, &sup, sw, c->px_floor, c->tap);
            if (sh > c->tap + c->tap / 2)
                sh = c->tap + c->tap / 2;
            if (sh < shf)
                sh = shf;
            vc_button(c, &sup, (hd_rect){xb - sw, y2, sw, sh});
            bottom = y2 + sh;
        }
        if (pmin) {
            progress_place(c, ptext, pfrac, xa, y2, xb - xa - (sw ? sw + c->gap : 0), c->tap);
            if (y2 + c->tap > bottom)
                bottom = y2 + c->tap;
        }
    }
    return bottom;
}

/* ---- banner -------------------------------------------------------------- */

int vc_banner(vctx *c, int y, const char *msg)
{
    if (c->fl->store_failed)
        msg = vc_ui(c, HD_N_("Something went wrong. Please ask a member of staff."));
    if (!msg)
        return y;
    const char *s = msg;
    int w = c->w - 2 * c->margin, padx = c->pad, pady = vc_u(c, 8);
    int px, tw, th;
    vc_fit(c, s, true, c->rtl, c->px_body, c->px_floor, w - 2 * padx, c->h / 4, &px, &tw, &th);
    hd_elem *e = vc_add(c, "message", HD_ROLE_TEXT);
    e->draw = HD_DRAW_BOX;
    vc_style(c, e, VS_BANNER);
    e->radius = c->radius;
    e->text = s;
    e->text_px = px;
    e->bold = true;
    e->align = HD_ALIGN_CENTER;
    e->text_w = tw;
    e->text_h = th;
    e->rect = (hd_rect){c->margin, y + c->gap, w, th + 2 * pady};
    e->text_rect = (hd_rect){c->margin + padx, y + c->gap + pady, w - 2 * padx, th};
    return e->rect.y + e->rect.h;
}

/* ---- rows of buttons ----------------------------------------------------- */

/* Width button b needs to show its text on one line at px: with its icon,
 * or without it when the icon may go (with_icon false). */
static int one_line_w(const vctx *c, const vbtn *b, int px, bool with_icon)
{
    if (!b->text || !*b->text)
        return c->tap;
    int tw, th;
    vc_measure(c, b->text, px, b->bold, 0, btn_rtl(c, b), &tw, &th);
    int w = tw + 2 * c->pad + vc_u(c, 6);
    int isz = with_icon ? icon_size(c, b) : 0;
    if (isz && !b->icon_above)
        w += isz + vc_u(c, 10);
    return w > c->tap ? w : c->tap;
}

/* Width button b needs so that no word of its text is cut at px. */
static int word_w(const vctx *c, const vbtn *b, int px)
{
    if (!b->text || !*b->text)
        return c->tap;
    vwords lw;
    longest_words(b->text, &lw);
    int m = 0;
    for (int i = 0; i < lw.n; i++) {
        int tw, th;
        vc_measure(c, lw.w[i], px, b->bold, 0, btn_rtl(c, b), &tw, &th);
        m = tw > m ? tw : m;
    }
    int w = m + 2 * c->pad + vc_u(c, 6);
    if (b->icon_space)
        w += icon_size(c, b) + vc_u(c, 10);
    return w > c->tap ? w : c->tap;
}

/* Widths for the row's n buttons in avail px (gaps taken out): equal when
 * every text fits that way, else each what it needs on one line (then, in
 * turn: with words wrapped but none cut at full size, at the floor) and
 * the rest shared out. A longer word ("Seguinte", "Trimiteți") gets the
 * room a short one ("Sair") does not need. */
static void row_widths(const vctx *c, const vbtn *const *bs, int n, int avail, int cap, int *wd)
{
    int eq = avail / n < cap ? avail / n : cap;
    int need[6];
    for (int pass = 0; pass < 4; pass++) {
        int sum = 0, most = 0;
        for (int i = 0; i < n; i++) {
            const vbtn *b = bs[i];
            int px = b->px ? b->px : c->px_button;
            switch (pass) {
            case 0: need[i] = one_line_w(c, b, px, true); break;
            case 1: need[i] = one_line_w(c, b, px, !icon_droppable(b)); break;
            case 2: need[i] = word_w(c, b, px); break;
            default: need[i] = word_w(c, b, c->px_floor); break;
            }
            sum += need[i];
            most = need[i] > most ? need[i] : most;
        }
        if (most <= eq) {
            for (int i = 0; i < n; i++)
                wd[i] = eq;
            return;
        }
        if (sum <= avail) {
            int left = avail - sum;
            for (int i = 0; i < n; i++)
                wd[i] = need[i];
            /* Wrapped words: first whole lines again for the buttons that
             * need least to get one ("Ka bax" rather than "Ka / bax")... */
            for (bool more = pass >= 2; more;) {
                more = false;
                int best = -1, bd = 0;
                for (int i = 0; i < n; i++) {
                    const vbtn *b = bs[i];
                    int px = b->px ? b->px : c->px_button;
                    int d = one_line_w(c, b, px, !icon_droppable(b)) - wd[i];
                    if (d > 0 && d <= left && wd[i] + d <= cap && (best < 0 || d < bd))
                        best = i, bd = d;
                }
                if (best >= 0) {
                    wd[best] += bd;
                    left -= bd;
                    more = true;
                }
            }
            /* ...then what is left, shared so the narrowest grow first (the
             * row looks like one set), never past the cap */
            while (left > 0) {
                int lo = -1;
                for (int i = 0; i < n; i++)
                    if (wd[i] < cap && (lo < 0 || wd[i] < wd[lo]))
                        lo = i;
                if (lo < 0)
                    break;
                int next = cap;
                for (int i = 0; i < n; i++)
                    if (wd[i] > wd[lo] && wd[i] < next)
                        next = wd[i];
                int k = 0;
                for (int i = 0; i < n; i++)
                    k += wd[i] == wd[lo];
                int give = (next - wd[lo]) * k <= left ? next - wd[lo] : left / k;
                if (give <= 0)
                    break;
                int base = wd[lo];
                for (int i = 0; i < n; i++)
                    if (wd[i] == base) {
                        wd[i] += give;
                        left -= give;
                    }
            }
            return;
        }
    }
    for (int i = 0; i < n; i++)
        wd[i] = eq; /* nothing fits: equal, and the texts shrink */
}

int vc_button_row(vctx *c, const vrow *row, int x0, int x1, int y, int max_h)
{
    int n = row->n_start + row->n_end;
    if (n == 0)
        return 0;
    const vbtn *bs[6];
    for (int i = 0; i < n; i++)
        bs[i] = i < row->n_start ? &row->start[i] : &row->end[i - row->n_start];
    /* Equal widths read as one set of choices; capped so a wide screen does
     * not get 300 px buttons, and split between the two ends. */
    int cap = vc_u(c, n <= 2 ? 260 : 210);
    int wd[6];
    row_widths(c, bs, n, x1 - x0 - (n - 1) * c->gap, cap, wd);
    int h = c->tap;
    for (int i = 0; i < n; i++) {
        const vbtn *b = bs[i];
        int px = b->px ? b->px : c->px_button;
        int need = vc_button_need_h(c, b, wd[i], px, c->tap);
        int needf = vc_button_need_h(c, b, wd[i], c->px_floor, c->tap);
        if (need > max_h)
            need = max_h;
        if (need > h)
            h = need;
        if (needf > h)
            h = needf; /* never below the floor: the row grows instead */
    }
    int x = x0;
    for (int i = 0; i < row->n_start; i++) {
        vc_button(c, bs[i], (hd_rect){x, y, wd[i], h});
        x += wd[i] + c->gap;
    }
    x = x1; /* the last end item sits at the very end */
    for (int i = n - 1; i >= row->n_start; i--) {
        x -= wd[i];
        vc_button(c, bs[i], (hd_rect){x, y, wd[i], h});
        x -= c->gap;
    }
    return h;
}

int vc_bottom_row_h(vctx *c, const vrow *row, int max_h)
{
    /* Laid out once to learn its height, then again at the bottom. */
    vmark mk = vc_mark(c);
    int h = vc_button_row(c, row, c->margin, c->w - c->margin, 0, max_h);
    vc_rollback(c, mk);
    int y = c->h - c->mtop - h;
    vc_button_row(c, row, c->margin, c->w - c->margin, y, max_h);
    return y;
}

int vc_bottom_row(vctx *c, const vrow *row)
{
    return vc_bottom_row_h(c, row, c->tap + c->tap / 2);
}

/* ---- scrolling content area ---------------------------------------------- */

static bool rect_meets(hd_rect a, hd_rect b)
{
    return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

void vc_body(vctx *c, hd_rect area, vbody_fn fn, void *arg)
{
    if (area.h < 1 || area.w < 1)
        return;
    vmark mk = vc_mark(c);
    /* 1. full size; 2. shrink step by step until every text is at its floor */
    static const float scales[] = {1.0f, 0.92f, 0.84f, 0.76f, 0.68f, 0.6f};
    float s = 1.0f;
    for (size_t i = 0; i < sizeof scales / sizeof scales[0]; i++) {
        s = scales[i];
        int h = fn(c, area, s, arg);
        if (h <= area.h)
            return;
        vc_rollback(c, mk);
        if ((float)c->px_title * s < (float)c->px_floor)
            break; /* every size is at the floor now */
    }
    /* 3. scroll, with up/down buttons in a column at the reading end; an
     * area lower than a button (only on panels of unusual shape) clips
     * without them. The text stays at the smallest size tried (the floor,
     * or where every text reached it): it was shrunk to spare scrolling,
     * and at that size the least of it is out of sight. */
    hd_rect in = area;
    int col = c->tap + c->gap;
    bool buttons = area.h >= c->tap;
    if (buttons)
        in.w -= col;
    int ch = fn(c, in, s, arg);
    if (ch <= in.h)
        return; /* fitted after all (cannot happen: narrower is taller) */
    int max = ch - in.h;
    int scroll = c->fl->scroll < 0 ? 0 : c->fl->scroll > max ? max : c->fl->scroll;
    hd_dlist *dl = c->dl;
    int j = mk.n;
    for (int i = mk.n; i < dl->n; i++) {
        hd_elem e = dl->elems[i];
        e.rect.y -= scroll;
        e.text_rect.y -= scroll;
        e.icon_rect.y -= scroll;
        if (!rect_meets(e.rect, in))
            continue; /* wholly out of view: neither drawn nor tappable */
        e.flags |= HD_ELEM_CLIP;
        dl->elems[j++] = e;
    }
    dl->n = j;
    dl->clip = in;
    if (!buttons)
        return;

    /* The buttons move the area by most of its height; their num lands
     * exactly on a valid offset whatever the flow holds. */
    int step = in.h * 3 / 4;
    int up_to = scroll - step < 0 ? 0 : scroll - step;
    int dn_to = scroll + step > max ? max : scroll + step;
    int bx = area.x + area.w - c->tap;
    int bh = c->tap;
    bool stacked = area.h >= 2 * c->tap + c->gap;
    vbtn up = {.id = "scroll.up", .icon = HD_ICON_UP, .style = VS_PLAIN,
               .action = vc_act(c, HD_ACT_SCROLL, up_to - c->fl->scroll, NULL)};
    vbtn dn = {.id = "scroll.down", .icon = HD_ICON_DOWN, .style = VS_PLAIN,
               .action = vc_act(c, HD_ACT_SCROLL, dn_to - c->fl->scroll, NULL)};
    hd_elem *eu, *ed;
    if (stacked) {
        eu = vc_button(c, &up, (hd_rect){bx, area.y, c->tap, bh});
        ed = vc_button(c, &dn, (hd_rect){bx, area.y + area.h - bh, c->tap, bh});
    } else {
        /* too short a strip for a column: the two side by side, the content
         * narrower still */
        vc_rollback(c, mk);
        in.w = area.w - 2 * col;
        ch = fn(c, in, s, arg);
        max = ch > in.h ? ch - in.h : 0;
        scroll = c->fl->scroll < 0 ? 0 : c->fl->scroll > max ? max : c->fl->scroll;
        j = mk.n;
        for (int i = mk.n; i < dl->n; i++) {
            hd_elem e = dl->elems[i];
            e.rect.y -= scroll;
            e.text_rect.y -= scroll;
            e.icon_rect.y -= scroll;
            if (!rect_meets(e.rect, in))
                continue;
            e.flags |= HD_ELEM_CLIP;
            dl->elems[j++] = e;
        }
        dl->n = j;
        dl->clip = in;
        up_to = scroll - step < 0 ? 0 : scroll - step;
        dn_to = scroll + step > max ? max : scroll + step;
        up.action.num = up_to - c->fl->scroll;
        dn.action.num = dn_to - c->fl->scroll;
        eu = vc_button(c, &up, (hd_rect){area.x + area.w - 2 * c->tap - c->gap, area.y, c->tap,
                                         bh});
        ed = vc_button(c, &dn, (hd_rect){area.x + area.w - c->tap, area.y, c->tap, bh});
    }
    if (scroll <= 0) {
        eu->flags |= HD_ELEM_DISABLED;
        eu->action.kind = HD_ACT_NONE;
    }
    if (scroll >= max) {
        ed->flags |= HD_ELEM_DISABLED;
        ed->action.kind = HD_ACT_NONE;
    }
}

/* ---- modal ---------------------------------------------------------------- */

void vc_modal(vctx *c)
{
    hd_dlist *dl = c->dl;
    /* Beneath a confirm question nothing else may be tapped: the screen stays
     * visible but becomes decoration. */
    for (int i = 0; i < dl->n; i++) {
        dl->elems[i].action.kind = HD_ACT_NONE;
        dl->elems[i].role = HD_ROLE_NONE;
    }
    hd_elem *scrim = vc_add(c, NULL, HD_ROLE_NONE);
    scrim->draw = HD_DRAW_BOX;
    scrim->rect = (hd_rect){0, 0, c->w, c->h};
    scrim->bg = c->th->scrim;

    int pw = c->w - 2 * c->margin;
    if (pw > vc_u(c, 600))
        pw = vc_u(c, 600);
    int px0 = (c->w - pw) / 2, pad = vc_u(c, 24);
    int iw = pw - 2 * pad;
    const char *title = vc_ui(c, HD_N_("Delete your answers?"));
    const char *body =
        c->fl->confirm == HD_CONFIRM_WITHDRAW
            ? vc_ui(c, HD_N_("Everything you told us in this visit will be deleted. Nothing is kept."))
            : vc_ui(c, HD_N_("If you stop now, the answers you gave will be deleted. Nothing is kept."));
    vrow row = {.n_start = 1, .n_end = 1};
    row.start[0] = (vbtn){.id = "cancel", .text = vc_ui(c, HD_N_("No, go back")),
                          .style = VS_PLAIN, .action = vc_act(c, HD_ACT_CANCEL, 0, NULL)};
    row.end[0] = (vbtn){.id = "confirm", .text = vc_ui(c, HD_N_("Yes, delete them")),
                        .icon = HD_ICON_CROSS, .style = VS_DANGER, .bold = true,
                        .action = vc_act(c, HD_ACT_CONFIRM, 0, NULL)};
    /* Measure, then centre the panel vertically. */
    int tpx, tw, th, bpx, bw, bh;
    int maxh = c->h - 2 * c->mtop;
    vc_fit(c, title, true, c->rtl, c->px_head, c->px_floor, iw, maxh / 4, &tpx, &tw, &th);
    vc_fit(c, body, false, c->rtl, c->px_body, c->px_floor, iw, maxh / 3, &bpx, &bw, &bh);
    vmark mk = vc_mark(c);
    int rh = vc_button_row(c, &row, px0 + pad, px0 + pw - pad, 0, c->tap + c->tap / 2);
    vc_rollback(c, mk);
    int ph = pad + th + c->gap + bh + 2 * c->gap + rh + pad;
    int py = (c->h - ph) / 2;
    if (py < c->mtop)
        py = c->mtop;
    hd_elem *panel = vc_add(c, NULL, HD_ROLE_NONE);
    panel->draw = HD_DRAW_BOX;
    panel->rect = (hd_rect){px0, py, pw, ph};
    panel->bg = c->th->panel;
    panel->border = c->th->st[VS_CARD].border;
    panel->radius = c->radius * 2;
    int y = py + pad;
    hd_elem *e = vc_text(c, "confirm.title", px0 + pad, y, iw, title, tpx, true, HD_ALIGN_START,
                         c->th->st[VS_CARD].fg, c->rtl);
    y += e->rect.h + c->gap;
    e = vc_text(c, "confirm.body", px0 + pad, y, iw, body, bpx, false, HD_ALIGN_START,
                c->th->st[VS_CARD].fg, c->rtl);
    y += e->rect.h + 2 * c->gap;
    vc_button_row(c, &row, px0 + pad, px0 + pw - pad, y, c->tap + c->tap / 2);
}

/* ---- mirror ---------------------------------------------------------------- */

static void mirror_rect(int w, hd_rect *r)
{
    if (r->w == 0 && r->h == 0)
        return;
    r->x = w - r->x - r->w;
}

static void mirror(vctx *c)
{
    hd_dlist *dl = c->dl;
    for (int i = 0; i < dl->n; i++) {
        hd_elem *e = &dl->elems[i];
        const vkbblock *kb = NULL;
        for (int k = 0; k < c->n_kb; k++)
            if (i >= c->kb[k].first && i < c->kb[k].end)
                kb = &c->kb[k];
        if (kb) {
            /* The keyboard block moves to the mirrored place; inside it the
             * keys keep the standard layout's order, which people know from
             * physical keyboards (an Arabic keyboard's top row starts with
             * ض at the left too). */
            int dx = (c->w - kb->r.x - kb->r.w) - kb->r.x;
            e->rect.x += dx;
            if (e->text_rect.w)
                e->text_rect.x += dx;
            if (e->icon_rect.w)
                e->icon_rect.x += dx;
            continue;
        }
        mirror_rect(c->w, &e->rect);
        mirror_rect(c->w, &e->text_rect);
        mirror_rect(c->w, &e->icon_rect);
    }
    mirror_rect(c->w, &dl->clip);
}

/* ---- entry ------------------------------------------------------------------ */

void hd_view(const hd_flow *flow, const hd_i18n *t, const hd_metrics *m,
             const hd_view_extra *extra, int w, int h, hd_dlist *out)
{
    hd_dlist_clear(out);
    out->w = w;
    out->h = h;
    out->screen = hd_screen_id(flow->screen);
    out->lang = flow->lang;
    if (w < 1 || h < 1)
        return;

    vctx c = {0};
    static const hd_view_extra no_extra = {0};
    c.fl = flow;
    c.sv = flow->sv;
    c.t = t;
    c.m = m;
    c.ex = extra ? extra : &no_extra;
    c.now = c.ex->now_ms;
    c.dl = out;
    c.w = w;
    c.h = h;
    c.u = (float)(w < h ? w : h) / 480.0f;
    c.ts = flow->large_text ? 1.25f : 1.0f;
    c.lang = flow->lang;
    c.rtl = hd_lang_is_rtl(flow->lang);
    c.portrait = h > w;
    c.th = flow->high_contrast ? &theme_contrast : &theme_calm;

    c.tap = vc_u(&c, 64);
    c.key = vc_u(&c, 48);
    c.gap = vc_u(&c, 12);
    c.sgap = vc_u(&c, 8);
    c.margin = vc_u(&c, 16);
    c.mtop = vc_u(&c, 8);
    c.pad = vc_u(&c, 12);
    c.radius = vc_u(&c, 12);
    c.px_title = vc_u(&c, 34 * c.ts);
    c.px_head = vc_u(&c, 28 * c.ts);
    c.px_body = vc_u(&c, 24 * c.ts);
    c.px_button = vc_u(&c, 24 * c.ts);
    c.px_small = vc_u(&c, 24 * c.ts);
    /* The floor: 18u, a little higher with large text so that choosing
     * larger text never ends up smaller than the normal size shrunk. */
    c.px_floor = vc_u(&c, flow->large_text ? 22 : 18);

    out->rtl = c.rtl;
    out->background = c.th->bg;

    switch (flow->screen) {
    case HD_SCREEN_WELCOME: vc_screen_welcome(&c); break;
    case HD_SCREEN_CONSENT: vc_screen_consent(&c); break;
    case HD_SCREEN_TIERS: vc_screen_tiers(&c); break;
    case HD_SCREEN_QUESTION: vc_screen_question(&c); break;
    case HD_SCREEN_REVIEW: vc_screen_review(&c); break;
    case HD_SCREEN_THANKS: vc_screen_thanks(&c); break;
    case HD_SCREEN_SUPPORT: vc_screen_support(&c); break;
    case HD_SCREEN_STILL_THERE: vc_screen_still_there(&c); break;
    case HD_SCREEN_ADMIN_PIN: vc_screen_admin_pin(&c); break;
    case HD_SCREEN_ADMIN: vc_screen_admin(&c); break;
    case HD_SCREEN_COUNT_: break;
    }
    if (flow->confirm != HD_CONFIRM_NONE)
        vc_modal(&c);
    if (c.rtl)
        mirror(&c);
}
