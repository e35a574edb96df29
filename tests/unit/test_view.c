/* test_view.c — the layout, checked on every screen of the example survey.
 *
 * A fake shaper measures text (0.55 px wide per code point and pixel size,
 * 1.3 lines, greedy wrapping at spaces; a word wider than the line sticks
 * out, which the layout must avoid by shrinking). The example survey is
 * walked through the real reducer in English and Arabic, with and without
 * high contrast and large text, and every frame is laid out at the panel
 * sizes of DESIGN §7 and a few between; each layout must keep the rules of
 * docs/ui.md:
 *   - every tappable element has an id and a role, and lies on the screen;
 *   - targets are >= 64u (keys >= 48u) and >= 8u apart, none overlap;
 *   - the staff corner (64u x 64u, top-left) holds no target;
 *   - no text is wider or taller than its box, or below the 18u floor, and
 *     text_w/text_h are what the shaper measured;
 *   - every text is >= 4.5:1 against what it is drawn on;
 *   - hit-testing finds each target at its centre;
 *   - a confirm leaves only confirm and cancel tappable;
 *   - right-to-left screens are the mirror image of left-to-right ones,
 *     keyboards keeping their key order;
 *   - the ids DESIGN §5 names are there.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/dlist.h"
#include "core/flow.h"
#include "core/i18n.h"
#include "core/keyboard.h"
#include "core/survey.h"
#include "core/view.h"
#include "testutil.h"

/* ---- fake metrics --------------------------------------------------------- */

static int n_measures;

static double cp_count(const char *s, size_t n)
{
    double k = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            k++;
    return k;
}

static void fake_size(void *ctx, const char *s, int px, bool bold, int wrap, bool rtl, int *w,
                      int *h)
{
    (void)ctx;
    (void)rtl;
    n_measures++;
    double cw = 0.55 * px * (bold ? 1.05 : 1.0);
    int lines = 0;
    double maxw = 0;
    const char *p = s;
    for (;;) { /* paragraphs */
        const char *end = strchr(p, '\n');
        size_t plen = end ? (size_t)(end - p) : strlen(p);
        lines++;
        double line = -1;
        size_t i = 0;
        while (i <= plen) { /* words */
            size_t j = i;
            while (j < plen && p[j] != ' ')
                j++;
            double ww = cp_count(p + i, j - i) * cw;
            if (wrap > 0 && ww > wrap) {
                /* like the real shaper: a word wider than the line is cut
                 * between letters, so the size fits but the word breaks;
                 * check_layout() looks for that separately */
                if (line >= 0) {
                    if (line > maxw)
                        maxw = line;
                    lines++;
                }
                double per = floor(wrap / cw);
                if (per < 1)
                    per = 1;
                double k = cp_count(p + i, j - i);
                while (k > per) {
                    if (per * cw > maxw)
                        maxw = per * cw;
                    lines++;
                    k -= per;
                }
                ww = k * cw;
                line = -1;
            }
            if (line < 0) {
                line = ww;
            } else if (wrap > 0 && line + cw + ww > wrap) {
                if (line > maxw)
                    maxw = line;
                lines++;
                line = ww;
            } else {
                line += cw + ww;
            }
            i = j + 1;
        }
        if (line > maxw)
            maxw = line;
        if (!end)
            break;
        p = end + 1;
    }
    *w = (int)ceil(maxw);
    *h = (int)ceil(lines * 1.3 * px);
}

static const hd_metrics fake = {NULL, fake_size};

/* ---- colours ---------------------------------------------------------------- */

static double chan(uint32_t c, int shift)
{
    double v = (double)((c >> shift) & 0xFF) / 255.0;
    return v <= 0.03928 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

static double luminance(uint32_t rgba)
{
    return 0.2126 * chan(rgba, 24) + 0.7152 * chan(rgba, 16) + 0.0722 * chan(rgba, 8);
}

/* WCAG 2 contrast ratio of two opaque colours. */
static double contrast(uint32_t a, uint32_t b)
{
    double la = luminance(a), lb = luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

static void test_contrast_helper(void **state)
{
    (void)state;
    assert_true(fabs(contrast(0x000000FFu, 0xFFFFFFFFu) - 21.0) < 0.01);
    assert_true(fabs(contrast(0x777777FFu, 0xFFFFFFFFu) - 4.48) < 0.01);
    assert_true(fabs(contrast(0x123456FFu, 0x123456FFu) - 1.0) < 1e-9);
}

/* ---- fixture -------------------------------------------------------------------- */

static hd_survey *sv;
static hd_flow *fl;
static hd_dlist dl;
static int64_t now;
static hd_effects last_fx;
static long n_layouts;
static bool loose_keys;
static long n_elems;

/* HD_DUMP_LAYOUT=1: every layout on stderr, for looking at. */
static void dump_layout(void)
{
    fprintf(stderr, "== %s %dx%d %s clip %d,%d %dx%d\n", dl.screen, dl.w, dl.h, dl.lang,
            dl.clip.x, dl.clip.y, dl.clip.w, dl.clip.h);
    for (int i = 0; i < dl.n; i++) {
        const hd_elem *e = &dl.elems[i];
        fprintf(stderr, "  %-28s r%d %4d,%4d %4dx%-4d px%-3d %s\n", e->id, e->role, e->rect.x,
                e->rect.y, e->rect.w, e->rect.h, e->text_px, e->text ? e->text : "");
    }
} /* unusual panel shapes: keys may be 24u wide */

static int setup(void **state)
{
    (void)state;
    size_t len;
    char *json = tu_slurp(tu_src("assets/surveys/example.json"), &len);
    if (!json)
        return -1;
    hd_diag d;
    hd_err err = hd_survey_parse(json, len, "example.json", &sv, &d);
    free(json);
    if (err != HD_OK)
        return -1;
    return hd_dlist_init(&dl, 1024, 1 << 16) == HD_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    hd_dlist_free(&dl);
    hd_survey_free(sv);
    return 0;
}

static void open_flow(const char *lang, bool hc, bool large)
{
    hd_flow_close(fl);
    hd_flow_config cfg;
    hd_flow_config_default(&cfg);
    cfg.group_allowed = true;
    cfg.staff_allowed = true;
    now = 1000000;
    assert_int_equal(hd_flow_open(sv, &cfg, now, &fl), HD_OK);
    (void)lang;
    if (hc)
        fl->high_contrast = true; /* as HD_ACT_TOGGLE_CONTRAST would */
    if (large)
        fl->large_text = true;
}

static void act(hd_act_kind k, int num, const char *str)
{
    now += 1000;
    hd_action a = {.kind = k, .now_ms = now, .num = num, .str = str};
    last_fx = hd_flow_reduce(fl, &a);
}

static void layout(int w, int h)
{
    hd_view_extra ex = {.mode = "self", .venue = "Town hall", .now_ms = now};
    hd_view(fl, NULL, &fake, &ex, w, h, &dl);
    n_layouts++;
    n_elems += dl.n;
    if (getenv("HD_DUMP_LAYOUT"))
        dump_layout();
}

/* ---- the rules ------------------------------------------------------------------- */

static bool tappable(const hd_elem *e)
{
    return e->action.kind != HD_ACT_NONE ||
           ((e->flags & HD_ELEM_DISABLED) && e->role != HD_ROLE_NONE);
}

static hd_rect isect(hd_rect a, hd_rect b)
{
    int x0 = a.x > b.x ? a.x : b.x, y0 = a.y > b.y ? a.y : b.y;
    int x1 = a.x + a.w < b.x + b.w ? a.x + a.w : b.x + b.w;
    int y1 = a.y + a.h < b.y + b.h ? a.y + a.h : b.y + b.h;
    return (hd_rect){x0, y0, x1 > x0 ? x1 - x0 : 0, y1 > y0 ? y1 - y0 : 0};
}

static hd_rect visible(const hd_elem *e)
{
    return (e->flags & HD_ELEM_CLIP) ? isect(e->rect, dl.clip) : e->rect;
}

static bool inside(hd_rect in, hd_rect out)
{
    return in.x >= out.x && in.y >= out.y && in.x + in.w <= out.x + out.w &&
           in.y + in.h <= out.y + out.h;
}

static const char *where(const hd_elem *e)
{
    return tu_fmt("%s %dx%d %s%s%s [%s] at %d,%d %dx%d", dl.screen, dl.w, dl.h, dl.lang,
                  fl->large_text ? " large" : "", fl->high_contrast ? " hc" : "", e->id,
                  e->rect.x, e->rect.y, e->rect.w, e->rect.h);
}

#define CHECK(cond, e, ...)                                                                  \
    do {                                                                                     \
        if (!(cond)) {                                                                       \
            print_error("%s: ", where(e));                                                   \
            print_error(__VA_ARGS__);                                                        \
            print_error("\n");                                                               \
            fail();                                                                          \
        }                                                                                    \
    } while (0)

/* The colour a text element is drawn on: its own box, else the topmost
 * opaque box beneath its centre, else the screen. */
static uint32_t backdrop(int i)
{
    const hd_elem *e = &dl.elems[i];
    if ((e->draw == HD_DRAW_BOX || e->draw == HD_DRAW_FACE) && (e->bg & 0xFF) == 0xFF)
        return e->bg;
    hd_rect tr = e->text_rect.w ? e->text_rect : e->rect;
    int cx = tr.x + tr.w / 2, cy = tr.y + tr.h / 2;
    for (int j = i - 1; j >= 0; j--) {
        const hd_elem *b = &dl.elems[j];
        if ((b->draw == HD_DRAW_BOX || b->draw == HD_DRAW_FACE) && (b->bg & 0xFF) == 0xFF &&
            cx >= b->rect.x && cx < b->rect.x + b->rect.w && cy >= b->rect.y &&
            cy < b->rect.y + b->rect.h)
            return b->bg;
    }
    return dl.background;
}

/* Index of the modal's scrim, or -1. */
static int scrim_index(void)
{
    for (int i = 0; i < dl.n; i++) {
        const hd_elem *e = &dl.elems[i];
        if (e->rect.x == 0 && e->rect.y == 0 && e->rect.w == dl.w && e->rect.h == dl.h &&
            (e->bg & 0xFF) != 0 && (e->bg & 0xFF) != 0xFF)
            return i;
    }
    return -1;
}

static void check_layout(void)
{
    int w = dl.w, h = dl.h;
    double u = (w < h ? w : h) / 480.0;
    hd_rect screen = {0, 0, w, h};
    hd_rect corner = {0, 0, (int)ceil(64 * u), (int)ceil(64 * u)};
    assert_false(dl.overflowed);
    assert_string_equal(dl.screen, hd_screen_id(fl->screen));
    assert_string_equal(dl.lang, fl->lang);
    assert_true(dl.rtl == hd_lang_is_rtl(fl->lang));
    int first = 0;
    int scrim = scrim_index();
    if (fl->confirm != HD_CONFIRM_NONE) {
        assert_true(scrim >= 0);
        first = scrim;
    }
    int n_tap = 0;
    for (int i = 0; i < dl.n; i++) {
        const hd_elem *e = &dl.elems[i];
        if (e->flags & HD_ELEM_CLIP)
            CHECK(inside(dl.clip, screen), e, "clip area off screen");
        if (tappable(e)) {
            n_tap++;
            hd_rect v = visible(e);
            CHECK(e->id[0], e, "tappable element without id");
            CHECK(e->role != HD_ROLE_NONE, e, "tappable element without role");
            CHECK(inside(v, screen), e, "off screen");
            double min = e->role == HD_ROLE_KEY ? 48 * u : 64 * u;
            double minw = e->role == HD_ROLE_KEY && loose_keys ? 24 * u : min;
            CHECK(e->rect.w >= minw - 1e-6 && e->rect.h >= min - 1e-6, e, "smaller than %.0f",
                  min);
            CHECK(isect(v, corner).w == 0 || isect(v, corner).h == 0, e, "in the staff corner");
            if (v.w > 0 && v.h > 0 && e->action.kind != HD_ACT_NONE) {
                const hd_elem *hit = hd_dlist_hit(&dl, v.x + v.w / 2, v.y + v.h / 2);
                CHECK(hit == e, e, "hit-test at its centre finds %s", hit ? hit->id : "nothing");
            }
            for (int j = i + 1; j < dl.n; j++) {
                const hd_elem *f = &dl.elems[j];
                if (!tappable(f))
                    continue;
                hd_rect a = v, b = visible(f);
                if (a.w == 0 || b.w == 0 || a.h == 0 || b.h == 0)
                    continue;
                int gx = a.x < b.x ? b.x - (a.x + a.w) : a.x - (b.x + b.w);
                int gy = a.y < b.y ? b.y - (a.y + a.h) : a.y - (b.y + b.h);
                int g = gx > gy ? gx : gy;
                CHECK(g >= (int)floor(8 * u), e, "only %d px from %s", g, f->id);
            }
        }
        if (e->text && *e->text) {
            hd_rect tr = e->text_rect.w ? e->text_rect : e->rect;
            CHECK(inside(tr, e->rect), e, "text box outside the element");
            CHECK(e->text_w <= tr.w && e->text_h <= tr.h, e, "text %dx%d overflows %dx%d (%s)",
                  e->text_w, e->text_h, tr.w, tr.h, e->text);
            CHECK(e->text_px >= (int)floor(18 * u), e, "text at %d px", e->text_px);
            int mw, mh;
            fake_size(NULL, e->text, e->text_px, e->bold, tr.w, e->rtl, &mw, &mh);
            /* no word is cut: each fits the box's width on its own */
            for (const char *p = e->text; *p;) {
                size_t n = strcspn(p, " \n");
                if (n > 0) {
                    char word[256];
                    snprintf(word, sizeof word, "%.*s", (int)n, p);
                    int ww, wh;
                    fake_size(NULL, word, e->text_px, e->bold, 0, e->rtl, &ww, &wh);
                    CHECK(ww <= tr.w, e, "word \"%s\" (%d px) wider than its box (%d)", word, ww,
                          tr.w);
                }
                p += n;
                while (*p == ' ' || *p == '\n')
                    p++;
            }
            CHECK(mw == e->text_w && mh == e->text_h, e, "measured %dx%d, says %dx%d", mw, mh,
                  e->text_w, e->text_h);
            if (i >= first) {
                double cr = contrast(e->fg, backdrop(i));
                CHECK(cr >= 4.5, e, "contrast %.2f (%08x on %08x)", cr, e->fg, backdrop(i));
            }
            if (e->draw != HD_DRAW_TEXT || e->role != HD_ROLE_NONE)
                CHECK(e->role != HD_ROLE_NONE || i < first, e, "text element without role");
        }
        if (e->icon_rect.w)
            CHECK(inside(e->icon_rect, e->rect), e, "icon outside its element");
        if (e->role == HD_ROLE_TEXT || e->role == HD_ROLE_INPUT)
            CHECK(inside(e->rect, screen) || (e->flags & HD_ELEM_CLIP), e, "off screen");
    }
    if (fl->confirm != HD_CONFIRM_NONE) {
        /* only the modal's two buttons */
        assert_int_equal(n_tap, 2);
        const hd_elem *c = hd_dlist_find(&dl, "confirm");
        const hd_elem *x = hd_dlist_find(&dl, "cancel");
        assert_non_null(c);
        assert_non_null(x);
        assert_int_equal(c->action.kind, HD_ACT_CONFIRM);
        assert_int_equal(x->action.kind, HD_ACT_CANCEL);
        for (int i = 0; i < scrim; i++)
            assert_int_equal(dl.elems[i].action.kind, HD_ACT_NONE);
    }
}

static void need(const char *id)
{
    const hd_elem *e = hd_dlist_find(&dl, id);
    if (!e) {
        print_error("%s %dx%d %s: no element \"%s\"\n", dl.screen, dl.w, dl.h, dl.lang, id);
        fail();
    }
}

/* Scrolls the question area until id shows (it must, by scrolling down). */
static void need_scrolled(int w, int h, const char *id)
{
    layout(w, h);
    for (int k = 0; k < 40 && !hd_dlist_find(&dl, id); k++) {
        const hd_elem *d = hd_dlist_find(&dl, "scroll.down");
        if (!d || d->action.kind != HD_ACT_SCROLL) {
            print_error("%s %dx%d: \"%s\" missing and cannot scroll to it\n", dl.screen, w, h,
                        id);
            fail();
        }
        act(HD_ACT_SCROLL, d->action.num, NULL);
        layout(w, h);
        check_layout();
    }
    need(id);
    act(HD_ACT_SCROLL, -1000000, NULL);
}

/* The ids a screen must have (beyond what the walk checks itself). */
static void need_screen_ids(int w, int h)
{
    if (fl->confirm != HD_CONFIRM_NONE) {
        need("confirm");
        need("cancel");
        return;
    }
    need("contrast");
    need("large-text");
    switch (fl->screen) {
    case HD_SCREEN_WELCOME:
        for (int i = 0; i < sv->n_languages; i++)
            need_scrolled(w, h, tu_fmt("lang.%s", sv->languages[i]));
        break;
    case HD_SCREEN_CONSENT:
        need("next");
        need("leave");
        need("language");
        need("support");
        break;
    case HD_SCREEN_TIERS:
        for (int i = 0; i < sv->n_tiers; i++)
            need_scrolled(w, h, tu_fmt("tier.%s", sv->tiers[i].id));
        need("back");
        break;
    case HD_SCREEN_QUESTION: {
        need("back");
        need("skip");
        need("leave");
        need("next");
        need("support");
        need("language");
        need("progress");
        int q = hd_flow_current_question(fl);
        const hd_question *qq = &sv->questions[q];
        need_scrolled(w, h, tu_fmt("question.%s", qq->id));
        for (int i = 0; i < qq->n_choices; i++)
            need_scrolled(w, h, tu_fmt("choice.%s", qq->choices[i].id));
        if (qq->type == HD_Q_LIKERT5)
            for (int v = 1; v <= 5; v++)
                need_scrolled(w, h, tu_fmt("face.%d", v));
        if (qq->type == HD_Q_YESNO) {
            need_scrolled(w, h, "choice.yes");
            need_scrolled(w, h, "choice.no");
        }
        if (qq->sensitive && qq->type != HD_Q_INFO)
            need_scrolled(w, h, "choice.prefer_not_to_say");
        if (qq->type == HD_Q_NUMBER || qq->type == HD_Q_PHONE) {
            need("input");
            for (int d = 0; d <= 9; d++)
                need(tu_fmt("key.%d", d));
        }
        if (qq->type == HD_Q_TEXT || qq->type == HD_Q_EMAIL)
            need("input");
        break;
    }
    case HD_SCREEN_REVIEW:
        need("send");
        need("withdraw");
        need("back");
        break;
    case HD_SCREEN_THANKS:
        need("home");
        need("countdown");
        break;
    case HD_SCREEN_SUPPORT: need(fl->support_auto ? "next" : "back"); break;
    case HD_SCREEN_STILL_THERE:
        need("still-here");
        need("countdown");
        break;
    case HD_SCREEN_ADMIN_PIN:
        need("next");
        need("cancel");
        need("pin");
        for (int d = 0; d <= 9; d++)
            need(tu_fmt("key.%d", d));
        break;
    case HD_SCREEN_ADMIN:
        need("admin.exit");
        need("admin.quit");
        break;
    default: break;
    }
    layout(w, h);
}

/* In a right-to-left language the screen is the mirror image of the same
 * screen left-to-right (the language button's row aside: its label is the
 * language's own name). Keys keep their order. */
static hd_elem ltr_elems[1024];
static int ltr_n;

static void check_mirror(int w, int h)
{
    char lang[HD_LANG_MAX];
    memcpy(lang, fl->lang, sizeof lang);
    snprintf(fl->lang, sizeof fl->lang, "%s", "en");
    layout(w, h);
    ltr_n = dl.n;
    memcpy(ltr_elems, dl.elems, sizeof(hd_elem) * (size_t)dl.n);
    memcpy(fl->lang, lang, sizeof lang);
    layout(w, h);
    double u = (w < h ? w : h) / 480.0;
    int row1 = (int)ceil(8 * u) + (int)ceil(64 * u);
    int matched = 0;
    /* keys keep the order of their layout: left to right as listed */
    for (int i = 0; i + 1 < dl.n; i++) {
        const hd_elem *e = &dl.elems[i], *n = &dl.elems[i + 1];
        if (e->role == HD_ROLE_KEY && n->role == HD_ROLE_KEY && n->rect.y == e->rect.y)
            CHECK(n->rect.x > e->rect.x, e, "keyboard order changed");
    }
    /* With a keyboard of the language's own script the two layouts differ
     * in their keys; compare the rest of such screens by the rules below. */
    int q = fl->screen == HD_SCREEN_QUESTION ? hd_flow_current_question(fl) : -1;
    bool own_kb = q >= 0 && hd_keyboard_get(sv->questions[q].type, "en", fl->keyboard_page,
                                            false) !=
                                hd_keyboard_get(sv->questions[q].type, fl->lang,
                                                fl->keyboard_page, false);
    for (int i = 0; i < dl.n && !own_kb; i++) {
        const hd_elem *e = &dl.elems[i];
        /* the caret follows the typed text's direction, not the screen's */
        if (!e->id[0] || e->rect.y < row1 || strcmp(e->id, "input.caret") == 0)
            continue;
        for (int j = 0; j < ltr_n; j++) {
            const hd_elem *l = &ltr_elems[j];
            if (strcmp(l->id, e->id) != 0)
                continue;
            CHECK(e->rect.y == l->rect.y && e->rect.w == l->rect.w, e, "moved vertically");
            if (e->role == HD_ROLE_KEY) {
                /* the block moved, the order kept: same offset as its row's first key */
            } else {
                CHECK(e->rect.x == w - l->rect.x - l->rect.w, e, "not mirrored (ltr x %d)",
                      l->rect.x);
            }
            matched++;
            break;
        }
    }
    assert_true(matched > 0 || own_kb);
    const hd_elem *next = hd_dlist_find(&dl, "next"), *back = hd_dlist_find(&dl, "back");
    if (next && back && fl->confirm == HD_CONFIRM_NONE) {
        if (next->rect.x == back->rect.x) /* the column beside a keyboard: at the left */
            assert_true(next->rect.y > back->rect.y && next->rect.x < w / 2);
        else
            assert_true(next->rect.x < back->rect.x);
    }
    const hd_elem *f1 = hd_dlist_find(&dl, "face.1"), *f5 = hd_dlist_find(&dl, "face.5");
    if (f1 && f5)
        assert_true(f1->rect.x > f5->rect.x);
    const hd_elem *bar = hd_dlist_find(&dl, "progress.bar");
    if (bar)
        assert_true(bar->rtl);
    /* the staff corner is top-left in every direction */
    for (int i = 0; i < dl.n; i++)
        if (tappable(&dl.elems[i]))
            CHECK(dl.elems[i].rect.x >= (int)ceil(64 * u) ||
                      dl.elems[i].rect.y >= (int)ceil(64 * u),
                  &dl.elems[i], "in the staff corner");
}

static const int sizes[][2] = {
    {800, 480}, {1024, 600}, {1280, 720}, {720, 1280}, {480, 800},
    {900, 540}, {1280, 800}, {600, 1000}, {1366, 768},
};
#define N_SIZES (int)(sizeof sizes / sizeof sizes[0])

static int n_checked[HD_SCREEN_COUNT_];

/* Lays out the current state at every size and checks it. */
static void frame(void)
{
    for (int s = 0; s < N_SIZES; s++) {
        int w = sizes[s][0], h = sizes[s][1];
        layout(w, h);
        check_layout();
        need_screen_ids(w, h);
        if (hd_lang_is_rtl(fl->lang))
            check_mirror(w, h);
    }
    n_checked[fl->screen]++;
}

/* Answers the current question the way that shows the most questions. */
static void answer(void)
{
    int q = hd_flow_current_question(fl);
    const hd_question *qq = &sv->questions[q];
    switch (qq->type) {
    case HD_Q_SINGLE: act(HD_ACT_CHOOSE, 0, qq->choices[0].id); break;
    case HD_Q_MULTI:
        act(HD_ACT_CHOOSE, 0, qq->choices[0].id);
        act(HD_ACT_CHOOSE, 0, qq->choices[2].id);
        break;
    case HD_Q_LIKERT5: act(HD_ACT_CHOOSE, 0, "2"); break;
    case HD_Q_YESNO: act(HD_ACT_CHOOSE, 0, "yes"); break;
    case HD_Q_NUMBER:
        /* out of range first: the gentle message */
        act(HD_ACT_KEY, 0, "9");
        act(HD_ACT_KEY, 0, "9");
        act(HD_ACT_NEXT, 0, NULL);
        frame();
        act(HD_ACT_KEY_BACKSPACE, 0, NULL);
        act(HD_ACT_KEY_BACKSPACE, 0, NULL);
        act(HD_ACT_KEY, 0, "4");
        break;
    case HD_Q_PHONE:
        for (const char *d = "07700 900123"; *d; d++) {
            char k[2] = {*d, 0};
            act(HD_ACT_KEY, 0, *d == ' ' ? " " : tu_fmt("%s", k));
        }
        break;
    case HD_Q_EMAIL: act(HD_ACT_KEY, 0, "sam@example.org"); break;
    case HD_Q_TEXT:
        /* long enough that the box shows only its end */
        for (int i = 0; i < 30; i++)
            act(HD_ACT_KEY, 0, "The bus stopped running so I walked an hour. ");
        break;
    default: break;
    }
}

static void walk_questions(bool side_trips)
{
    bool tripped = !side_trips;
    for (int guard = 0; guard < 60 && fl->screen == HD_SCREEN_QUESTION; guard++) {
        frame();
        int q = hd_flow_current_question(fl);
        if (!tripped && sv->questions[q].type != HD_Q_INFO) {
            tripped = true;
            act(HD_ACT_SUPPORT, 0, NULL);
            assert_int_equal(fl->screen, HD_SCREEN_SUPPORT);
            frame();
            act(HD_ACT_BACK, 0, NULL);
            assert_int_equal(fl->screen, HD_SCREEN_QUESTION);
            now += fl->cfg.still_there_after_ms;
            act(HD_ACT_TICK, 0, NULL);
            assert_int_equal(fl->screen, HD_SCREEN_STILL_THERE);
            frame();
            act(HD_ACT_STILL_HERE, 0, NULL);
            assert_int_equal(fl->screen, HD_SCREEN_QUESTION);
        }
        answer();
        frame();
        if (side_trips && sv->questions[q].type == HD_Q_SINGLE && fl->confirm == HD_CONFIRM_NONE) {
            act(HD_ACT_LEAVE, 0, NULL); /* with an answer: asks */
            assert_int_equal(fl->confirm, HD_CONFIRM_LEAVE);
            frame();
            act(HD_ACT_CANCEL, 0, NULL);
            side_trips = false;
        }
        act(HD_ACT_NEXT, 0, NULL);
        if (fl->screen == HD_SCREEN_SUPPORT && fl->support_auto) {
            frame(); /* the support text, after a section with sensitive questions */
            act(HD_ACT_NEXT, 0, NULL);
        }
    }
}

static void walk(const char *lang, bool hc, bool large)
{
    open_flow(lang, hc, large);
    frame(); /* welcome */
    act(HD_ACT_LANG, 0, lang);
    assert_int_equal(fl->screen, HD_SCREEN_CONSENT);
    frame();
    act(HD_ACT_NEXT, 0, NULL);
    assert_int_equal(fl->screen, HD_SCREEN_TIERS);
    frame();
    act(HD_ACT_TIER, hd_survey_find_tier(sv, "story"), NULL);
    assert_int_equal(fl->screen, HD_SCREEN_QUESTION);
    walk_questions(true);
    assert_int_equal(fl->screen, HD_SCREEN_REVIEW);
    frame();
    act(HD_ACT_WITHDRAW, 0, NULL);
    assert_int_equal(fl->confirm, HD_CONFIRM_WITHDRAW);
    frame();
    act(HD_ACT_CANCEL, 0, NULL);
    act(HD_ACT_SEND, 0, NULL);
    assert_int_equal(fl->screen, HD_SCREEN_THANKS);
    frame();
    layout(800, 480);
    need("more.group");
    const hd_elem *more = hd_dlist_find(&dl, "more.group");
    act(more->action.kind, more->action.num, more->action.str);
    assert_int_equal(fl->screen, HD_SCREEN_QUESTION);
    walk_questions(false);
    assert_int_equal(fl->screen, HD_SCREEN_REVIEW);
    frame();
    act(HD_ACT_SEND, 0, NULL);
    assert_int_equal(fl->screen, HD_SCREEN_THANKS);
    frame();
    act(HD_ACT_HOME, 0, NULL);
    assert_int_equal(fl->screen, HD_SCREEN_WELCOME);
    /* staff */
    act(HD_ACT_STAFF_HOLD, 0, NULL);
    assert_int_equal(fl->screen, HD_SCREEN_ADMIN_PIN);
    frame();
    act(HD_ACT_KEY, 0, "1");
    act(HD_ACT_KEY, 0, "2");
    act(HD_ACT_KEY, 0, "3");
    frame();
    act(HD_ACT_NEXT, 0, NULL);
    act(HD_ACT_PIN_RESULT, 0, NULL);
    assert_true(fl->pin_wrong);
    frame();
    act(HD_ACT_KEY, 0, "4");
    act(HD_ACT_NEXT, 0, NULL);
    act(HD_ACT_PIN_RESULT, 1, NULL);
    assert_int_equal(fl->screen, HD_SCREEN_ADMIN);
    frame();
    act(HD_ACT_ADMIN_EXIT, 0, NULL);
    hd_flow_close(fl);
    fl = NULL;
}

static void test_walk_en(void **state)
{
    (void)state;
    memset(n_checked, 0, sizeof n_checked);
    walk("en", false, false);
    for (int s = 0; s < HD_SCREEN_COUNT_; s++)
        if (n_checked[s] == 0) {
            print_error("screen %s never laid out\n", hd_screen_id((hd_screen)s));
            fail();
        }
}

static void test_walk_ar(void **state)
{
    (void)state;
    walk("ar", false, false);
}

static void test_walk_contrast_large(void **state)
{
    (void)state;
    walk("en", true, true);
    walk("ur", true, false);
    walk("pl", false, true);
}

/* ---- specific behaviour ------------------------------------------------------------------ */

/* Goes to the question with that id in tier story, answering on the way. */
static void goto_question(const char *id)
{
    open_flow("en", false, false);
    act(HD_ACT_LANG, 0, "en");
    act(HD_ACT_NEXT, 0, NULL);
    act(HD_ACT_TIER, hd_survey_find_tier(sv, "story"), NULL);
    for (int g = 0; g < 40 && fl->screen == HD_SCREEN_QUESTION; g++) {
        int q = hd_flow_current_question(fl);
        if (strcmp(sv->questions[q].id, id) == 0)
            return;
        const hd_question *qq = &sv->questions[q];
        if (qq->type == HD_Q_SINGLE)
            act(HD_ACT_CHOOSE, 0, qq->choices[0].id);
        if (qq->type == HD_Q_LIKERT5)
            act(HD_ACT_CHOOSE, 0, "1");
        act(HD_ACT_NEXT, 0, NULL);
    }
    fail_msg("question %s not reached", id);
}

static void test_faces_and_words(void **state)
{
    (void)state;
    goto_question("how-easy");
    layout(800, 480);
    check_layout();
    for (int v = 1; v <= 5; v++) {
        const hd_elem *e = hd_dlist_find(&dl, tu_fmt("face.%d", v));
        assert_non_null(e);
        assert_int_equal(e->draw, HD_DRAW_FACE);
        assert_int_equal((int)e->icon, v);
        assert_int_equal(e->action.kind, HD_ACT_CHOOSE);
        assert_string_equal(e->action.str, tu_fmt("%d", v));
        assert_non_null(e->text);
        assert_true(strlen(e->text) > 1); /* a word, never only a number */
        if (v > 1)
            assert_true(e->rect.x > hd_dlist_find(&dl, tu_fmt("face.%d", v - 1))->rect.x);
    }
    assert_string_equal(hd_dlist_find(&dl, "face.1")->text, "Very bad");
    assert_string_equal(hd_dlist_find(&dl, "face.5")->text, "Very good");
    act(HD_ACT_CHOOSE, 0, "4");
    layout(800, 480);
    assert_true(hd_dlist_find(&dl, "face.4")->flags & HD_ELEM_SELECTED);
    assert_false(hd_dlist_find(&dl, "face.3")->flags & HD_ELEM_SELECTED);
    hd_flow_close(fl);
    fl = NULL;
}

static void test_multi_ticks(void **state)
{
    (void)state;
    goto_question("what-was-hard");
    act(HD_ACT_CHOOSE, 0, "waiting");
    act(HD_ACT_CHOOSE, 0, "cost");
    layout(1280, 720);
    check_layout();
    const hd_elem *w = hd_dlist_find(&dl, "choice.waiting");
    const hd_elem *a = hd_dlist_find(&dl, "choice.appointment");
    assert_non_null(w);
    assert_non_null(a);
    /* several may be chosen: every answer has its box, ticked or empty */
    assert_int_equal(w->icon, HD_ICON_BOX_TICK);
    assert_true(w->flags & HD_ELEM_SELECTED);
    assert_int_equal(a->icon, HD_ICON_BOX);
    assert_false(a->flags & HD_ELEM_SELECTED);
    /* landscape with eight choices: two columns */
    const hd_elem *t = hd_dlist_find(&dl, "choice.travel");
    assert_true(w->rect.x != a->rect.x || t->rect.x != a->rect.x);
    /* portrait: one column */
    layout(720, 1280);
    check_layout();
    a = hd_dlist_find(&dl, "choice.appointment");
    w = hd_dlist_find(&dl, "choice.waiting");
    assert_int_equal(a->rect.x, w->rect.x);
    assert_true(w->rect.y > a->rect.y);
    hd_flow_close(fl);
    fl = NULL;
}

static void test_progress_and_yesno(void **state)
{
    (void)state;
    goto_question("needed-interpreter");
    layout(800, 480);
    const hd_elem *p = hd_dlist_find(&dl, "progress");
    assert_non_null(p);
    int idx, count;
    assert_int_equal(sscanf(p->text, "%d of %d", &idx, &count), 2);
    assert_true(idx >= 1 && idx <= count);
    const hd_elem *bar = hd_dlist_find(&dl, "progress.bar");
    assert_non_null(bar);
    assert_int_equal(bar->draw, HD_DRAW_BAR);
    assert_true(fabsf(bar->fraction - (float)idx / (float)count) < 1e-4f);
    const hd_elem *y = hd_dlist_find(&dl, "choice.yes"), *n = hd_dlist_find(&dl, "choice.no");
    assert_int_equal(y->icon, HD_ICON_TICK);
    assert_int_equal(n->icon, HD_ICON_CROSS);
    assert_string_equal(y->action.str, "yes");
    assert_string_equal(n->action.str, "no");
    assert_true(hd_dlist_find(&dl, "next")->flags & HD_ELEM_PRIMARY);
    hd_flow_close(fl);
    fl = NULL;
}

/* The progress of one walk through tier story, choosing answers with
 * pick(): the count may drop when a follow-up turns out not to apply, never
 * grow; the position goes up one a question and ends on the count. */
static void progress_walk(const char *(*pick)(const hd_question *qq))
{
    open_flow("en", false, false);
    act(HD_ACT_LANG, 0, "en");
    act(HD_ACT_NEXT, 0, NULL);
    act(HD_ACT_TIER, hd_survey_find_tier(sv, "story"), NULL);
    int last_idx = 0, last_count = 1 << 30, first_count = -1, steps = 0;
    while (fl->screen == HD_SCREEN_QUESTION && steps < 60) {
        layout(800, 480);
        int idx, count;
        const hd_elem *p = hd_dlist_find(&dl, "progress");
        assert_non_null(p);
        assert_int_equal(sscanf(p->text, "%d of %d", &idx, &count), 2);
        if (first_count < 0) {
            first_count = count;
            /* at the start every question of the tier may still come */
            assert_int_equal(count, fl->n_seq);
        }
        assert_int_equal(idx, last_idx + 1);
        if (count > last_count)
            fail_msg("progress grew from %d to %d at %s", last_count, count,
                     sv->questions[hd_flow_current_question(fl)].id);
        assert_true(fabsf(hd_dlist_find(&dl, "progress.bar")->fraction -
                          (float)idx / (float)count) < 1e-4f);
        last_idx = idx;
        last_count = count;
        const hd_question *qq = &sv->questions[hd_flow_current_question(fl)];
        const char *v = pick(qq);
        if (v)
            act(HD_ACT_CHOOSE, 0, v);
        act(HD_ACT_NEXT, 0, NULL);
        if (fl->screen == HD_SCREEN_SUPPORT)
            act(HD_ACT_NEXT, 0, NULL); /* the support text after "About you" */
        steps++;
    }
    assert_int_equal(fl->screen, HD_SCREEN_REVIEW);
    assert_int_equal(last_idx, last_count); /* the last question said "n of n" */
    assert_int_equal(steps, last_count);
    /* and it agrees with the flow's own count of what was shown */
    int fi, fc;
    hd_flow_progress(fl, &fi, &fc);
    assert_int_equal(fc, steps);
    hd_flow_close(fl);
    fl = NULL;
}

static const char *pick_all_follow_ups(const hd_question *qq)
{
    switch (qq->type) {
    case HD_Q_SINGLE: return qq->choices[0].id;
    case HD_Q_LIKERT5: return "1";
    case HD_Q_YESNO: return "yes";
    default: return NULL;
    }
}

static const char *pick_no_follow_ups(const hd_question *qq)
{
    switch (qq->type) {
    case HD_Q_SINGLE: return qq->choices[qq->n_choices - 1].id; /* "None of these" */
    case HD_Q_LIKERT5: return "5";
    case HD_Q_YESNO: return "no";
    default: return NULL;
    }
}

static const char *pick_nothing(const hd_question *qq)
{
    (void)qq;
    return NULL; /* every question skipped with Next */
}

static void test_progress_never_grows(void **state)
{
    (void)state;
    progress_walk(pick_all_follow_ups);
    progress_walk(pick_no_follow_ups);
    progress_walk(pick_nothing);
}

/* The answer box of a story: across the width under the question, two
 * lines or more, the newest words in view and the caret after them (before
 * them in a right-to-left text). */
static void test_story_box_and_caret(void **state)
{
    (void)state;
    static const int sz[][2] = {{800, 480}, {1024, 600}, {1280, 720}, {720, 1280}, {480, 800}};
    goto_question("what-happened");
    for (size_t k = 0; k < sizeof sz / sizeof sz[0]; k++) {
        int w = sz[k][0], h = sz[k][1];
        double u = (w < h ? w : h) / 480.0;
        layout(w, h);
        const hd_elem *in = hd_dlist_find(&dl, "input");
        const hd_elem *qt = hd_dlist_find(&dl, "question.what-happened");
        const hd_elem *ca = hd_dlist_find(&dl, "input.caret");
        const hd_elem *key = hd_dlist_find(&dl, "key.q");
        assert_non_null(in);
        assert_non_null(qt);
        assert_non_null(ca);
        assert_non_null(key);
        /* under the question, above the keys, as wide as the question */
        assert_true(in->rect.y >= qt->rect.y + qt->rect.h);
        assert_true(in->rect.y + in->rect.h <= key->rect.y);
        assert_int_equal(in->rect.x, qt->rect.x);
        assert_int_equal(in->rect.w, qt->rect.w);
        assert_true(in->rect.w >= w / 2);
        /* room for two lines of 24u text (the fake shaper: 1.3 px a px) */
        assert_true(in->rect.h >= (int)(2 * 1.3 * 24 * u));
        /* empty: the caret at the start */
        assert_true(ca->rect.x <= in->text_rect.x + (int)ceil(4 * u));
    }
    /* a long story: its end is shown, on more than one line, caret after it */
    for (int i = 0; i < 12; i++)
        act(HD_ACT_KEY, 0, "We waited three weeks for the letter. ");
    act(HD_ACT_KEY, 0, "THE END");
    layout(800, 480);
    const hd_elem *in = hd_dlist_find(&dl, "input");
    const hd_elem *ca = hd_dlist_find(&dl, "input.caret");
    assert_true(strncmp(in->text, "\xE2\x80\xA6", 3) == 0);
    size_t n = strlen(in->text);
    assert_string_equal(in->text + n - 7, "THE END");
    assert_true(in->text_h >= 2 * (int)(1.3 * in->text_px));
    int endw, endh;
    fake_size(NULL, "THE END", in->text_px, false, 0, false, &endw, &endh);
    /* the last line ends with "THE END": the caret sits right after it */
    assert_true(ca->rect.x >= in->text_rect.x + endw);
    assert_true(ca->rect.x <= in->text_rect.x + in->text_rect.w);
    assert_true(ca->rect.y + ca->rect.h <= in->text_rect.y + in->text_rect.h + 1);
    assert_true(ca->rect.y >= in->text_rect.y + in->text_h - (int)(1.3 * in->text_px) - 1);
    /* Arabic typed on an Arabic screen: the caret at the left of the line */
    goto_question("what-happened"); /* (closes the flow before) */
    act(HD_ACT_LANG, 0, "ar");
    act(HD_ACT_KEY, 0, "\u0633\u0644\u0627\u0645");
    layout(800, 480);
    in = hd_dlist_find(&dl, "input");
    ca = hd_dlist_find(&dl, "input.caret");
    assert_true(in->rtl);
    assert_true(ca->rect.x + ca->rect.w <= in->text_rect.x + in->text_rect.w - in->text_w);
    /* Latin on the Arabic screen reads left to right: caret after it */
    goto_question("what-happened"); /* (closes the flow before) */
    act(HD_ACT_LANG, 0, "ar");
    act(HD_ACT_KEY, 0, "Sam");
    layout(800, 480);
    in = hd_dlist_find(&dl, "input");
    ca = hd_dlist_find(&dl, "input.caret");
    assert_false(in->rtl);
    assert_true(ca->rect.x >= in->text_rect.x + in->text_w);
    hd_flow_close(fl);
    fl = NULL;
}

static void test_scrolling(void **state)
{
    (void)state;
    goto_question("ethnicity");
    /* a short landscape panel: the seven long choices and "prefer not to say" need scrolling */
    layout(800, 480);
    check_layout();
    const hd_elem *down = hd_dlist_find(&dl, "scroll.down");
    const hd_elem *up = hd_dlist_find(&dl, "scroll.up");
    if (!down) {
        /* it fitted by shrinking: make the text large, which must then scroll */
        act(HD_ACT_TOGGLE_LARGE_TEXT, 0, NULL);
        layout(800, 480);
        check_layout();
        down = hd_dlist_find(&dl, "scroll.down");
        up = hd_dlist_find(&dl, "scroll.up");
    }
    assert_non_null(down);
    assert_non_null(up);
    assert_true(up->flags & HD_ELEM_DISABLED); /* at the top already */
    assert_int_equal(down->action.kind, HD_ACT_SCROLL);
    assert_true(down->action.num > 0);
    assert_true(dl.clip.h > 0);
    const hd_elem *q = hd_dlist_find(&dl, "question.ethnicity");
    assert_true(q->flags & HD_ELEM_CLIP);
    int qy = q->rect.y;
    /* scroll to the end: the last choice shows and down is disabled */
    for (int k = 0; k < 20; k++) {
        down = hd_dlist_find(&dl, "scroll.down");
        if (down->action.kind != HD_ACT_SCROLL)
            break;
        act(HD_ACT_SCROLL, down->action.num, NULL);
        layout(800, 480);
        check_layout();
    }
    assert_true(hd_dlist_find(&dl, "scroll.down")->flags & HD_ELEM_DISABLED);
    need("choice.prefer_not_to_say");
    q = hd_dlist_find(&dl, "question.ethnicity");
    assert_true(!q || q->rect.y < qy);
    /* a flow scroll far beyond the end is clamped by the view, and "up"
     * lands on a real offset */
    act(HD_ACT_SCROLL, 100000, NULL);
    layout(800, 480);
    check_layout();
    up = hd_dlist_find(&dl, "scroll.up");
    assert_int_equal(up->action.kind, HD_ACT_SCROLL);
    act(HD_ACT_SCROLL, up->action.num, NULL);
    layout(800, 480);
    assert_int_equal(hd_dlist_find(&dl, "scroll.down")->action.kind, HD_ACT_SCROLL);
    hd_flow_close(fl);
    fl = NULL;
}

static void test_large_text_is_larger(void **state)
{
    (void)state;
    goto_question("respect");
    layout(1280, 720);
    int small = hd_dlist_find(&dl, "question.respect")->text_px;
    int nsmall = hd_dlist_find(&dl, "next")->text_px;
    act(HD_ACT_TOGGLE_LARGE_TEXT, 0, NULL);
    layout(1280, 720);
    check_layout();
    assert_true(hd_dlist_find(&dl, "question.respect")->text_px > small);
    assert_true(hd_dlist_find(&dl, "next")->text_px > nsmall);
    assert_int_equal(hd_dlist_find(&dl, "large-text")->flags & HD_ELEM_SELECTED,
                     HD_ELEM_SELECTED);
    act(HD_ACT_TOGGLE_CONTRAST, 0, NULL);
    layout(1280, 720);
    check_layout();
    assert_int_equal(dl.background, 0x000000FFu);
    hd_flow_close(fl);
    fl = NULL;
}

static void test_welcome_attract(void **state)
{
    (void)state;
    open_flow("en", false, false);
    now = 5000 * 1000 + 1234;
    layout(800, 480);
    check_layout();
    assert_true(dl.next_change_ms > now && dl.next_change_ms <= now + 5000);
    int hl = -1;
    for (int i = 0; i < sv->n_languages; i++) {
        const hd_elem *e = hd_dlist_find(&dl, tu_fmt("lang.%s", sv->languages[i]));
        assert_non_null(e);
        assert_int_equal(e->action.kind, HD_ACT_LANG);
        assert_string_equal(e->action.str, sv->languages[i]);
        const hd_lang_info *li = hd_lang_info_get(sv->languages[i]);
        assert_non_null(strstr(e->text, li->native_name));
        assert_non_null(strstr(e->text, li->english_name));
        assert_true(e->rtl == li->rtl);
        if (e->bg != hd_dlist_find(&dl, "lang.en")->bg || i == 0)
            hl = hl < 0 ? i : hl;
    }
    /* the highlight moves on after five seconds */
    uint32_t bg[16];
    for (int i = 0; i < sv->n_languages; i++)
        bg[i] = hd_dlist_find(&dl, tu_fmt("lang.%s", sv->languages[i]))->bg;
    now = dl.next_change_ms;
    layout(800, 480);
    int changed = 0;
    for (int i = 0; i < sv->n_languages; i++)
        changed += bg[i] != hd_dlist_find(&dl, tu_fmt("lang.%s", sv->languages[i]))->bg;
    assert_int_equal(changed, 2);
    /* no language switcher on welcome: the buttons are the switcher */
    assert_null(hd_dlist_find(&dl, "language"));
    hd_flow_close(fl);
    fl = NULL;
}

/* The header every PO text below starts with. */
#define PO_HEAD "msgid \"\"\nmsgstr \"Content-Type: text/plain; charset=UTF-8\\n\"\n\n"

/* Loads a PO text (a string literal) into t's catalogue cat for lang. */
#define LOAD_PO(t, cat, lang, po)                                                                  \
    do {                                                                                           \
        hd_diag d_;                                                                                \
        assert_int_equal(hd_i18n_load_po(t, cat, lang, po, sizeof po - 1, lang ".po", &d_),        \
                         HD_OK);                                                                   \
    } while (0)

/* The invitation above the language buttons takes turns in every language;
 * however tall each one is, the buttons stay where they are. Found by
 * test_sigkill: a tap held across a turn was lost when the buttons moved. */
static void test_welcome_buttons_stay(void **state)
{
    (void)state;
    static const char ui_pl[] =
        PO_HEAD
        "msgid \"Tell us what you think. It takes about 2 minutes.\"\n"
        "msgstr \"Powiedz nam, co myślisz o usługach w okolicy, o tym, co działa, a co nie, "
        "i o tym, czego potrzebujesz. To zajmie około dwóch minut i możesz pominąć każde "
        "pytanie, na które nie chcesz odpowiadać.\"\n";
    static const char ui_ar[] =
        PO_HEAD
        "msgid \"Tell us what you think. It takes about 2 minutes.\"\n"
        "msgstr \"قل لنا رأيك.\"\n";
    hd_i18n *t;
    assert_int_equal(hd_i18n_open(&t), HD_OK);
    LOAD_PO(t, HD_CAT_UI, "pl", ui_pl);
    LOAD_PO(t, HD_CAT_UI, "ar", ui_ar);
    open_flow("en", false, false);
    int n = sv->n_languages;
    assert_true(n > 2 && n <= 16);
    for (int s = 0; s < N_SIZES; s++) {
        int w = sizes[s][0], h = sizes[s][1];
        hd_rect first[16];
        int invite_h[2] = {INT_MAX, 0};
        for (int k = 0; k < n; k++) {
            hd_view_extra ex = {.mode = "self", .now_ms = (int64_t)k * 5000 + 100};
            hd_view(fl, t, &fake, &ex, w, h, &dl);
            check_layout();
            const hd_elem *inv = hd_dlist_find(&dl, "invite");
            assert_non_null(inv);
            if (inv->text_h < invite_h[0])
                invite_h[0] = inv->text_h;
            if (inv->text_h > invite_h[1])
                invite_h[1] = inv->text_h;
            for (int i = 0; i < n; i++) {
                const hd_elem *e = hd_dlist_find(&dl, tu_fmt("lang.%s", sv->languages[i]));
                assert_non_null(e);
                if (k == 0)
                    first[i] = e->rect;
                else if (memcmp(&first[i], &e->rect, sizeof e->rect) != 0)
                    fail_msg("%dx%d: lang.%s moved at turn %d (%s): y %d -> %d", w, h,
                             sv->languages[i], k, sv->languages[k], first[i].y, e->rect.y);
            }
        }
        /* the texts really did differ in height: the test tests something */
        assert_true(invite_h[1] > invite_h[0]);
    }
    hd_i18n_close(t);
    hd_flow_close(fl);
    fl = NULL;
}

/* "Choose all that apply." is shown under a multiple-choice question unless
 * the question says so itself, whatever mark ends the hint's sentence. */
static void test_multi_hint(void **state)
{
    (void)state;
    static const char ui_pl[] = PO_HEAD "msgid \"Choose all that apply.\"\n"
                                        "msgstr \"Wybierz wszystkie pasujące.\"\n";
    static const char sv_pl[] = PO_HEAD "msgctxt \"question.what-was-hard\"\n"
                                        "msgid \"What made it hard? Choose all that apply.\"\n"
                                        "msgstr \"Co to utrudniało? Wybierz wszystkie pasujące "
                                        "odpowiedzi.\"\n";
    static const char ui_pt[] = PO_HEAD "msgid \"Choose all that apply.\"\n"
                                        "msgstr \"Escolha todas as que se aplicam.\"\n";
    static const char sv_pt[] = PO_HEAD "msgctxt \"question.what-was-hard\"\n"
                                        "msgid \"What made it hard? Choose all that apply.\"\n"
                                        "msgstr \"O que tornou difícil?\"\n";
    hd_i18n *t;
    assert_int_equal(hd_i18n_open(&t), HD_OK);
    LOAD_PO(t, HD_CAT_UI, "pl", ui_pl);
    LOAD_PO(t, HD_CAT_SURVEY, "pl", sv_pl);
    LOAD_PO(t, HD_CAT_UI, "pt", ui_pt);
    LOAD_PO(t, HD_CAT_SURVEY, "pt", sv_pt);
    goto_question("what-was-hard");
    hd_view_extra ex = {.now_ms = now};
    static const struct {
        const char *lang;
        bool hint;
    } want[] = {{"en", false}, {"pl", false}, {"pt", true}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        act(HD_ACT_LANG, 0, want[i].lang);
        hd_view(fl, t, &fake, &ex, 800, 480, &dl);
        check_layout();
        const hd_elem *h = hd_dlist_find(&dl, "hint");
        if ((h != NULL) != want[i].hint)
            fail_msg("%s: hint %s, wanted %s", want[i].lang, h ? h->text : "absent",
                     want[i].hint ? "shown" : "absent");
    }
    assert_string_equal(hd_dlist_find(&dl, "hint")->text, "Escolha todas as que se aplicam.");
    hd_i18n_close(t);
    hd_flow_close(fl);
    fl = NULL;
}

static void test_thanks_countdown(void **state)
{
    (void)state;
    goto_question("intro");
    while (fl->screen == HD_SCREEN_QUESTION)
        act(HD_ACT_SKIP, 0, NULL);
    if (fl->screen == HD_SCREEN_SUPPORT)
        act(HD_ACT_NEXT, 0, NULL); /* the support text after "About you" */
    act(HD_ACT_SEND, 0, NULL);
    assert_int_equal(fl->screen, HD_SCREEN_THANKS);
    int64_t since = fl->screen_since_ms;
    now = since + 2500;
    layout(800, 480);
    const hd_elem *c = hd_dlist_find(&dl, "countdown");
    assert_non_null(c);
    assert_non_null(strstr(c->text, "8")); /* 7.5 s left shows 8 */
    assert_true(dl.next_change_ms == since + 3000);
    now = since + 3000;
    layout(800, 480);
    assert_non_null(strstr(hd_dlist_find(&dl, "countdown")->text, "7"));
    assert_true(dl.next_change_ms == since + 4000);
    hd_flow_close(fl);
    fl = NULL;
}

static void test_review_rows(void **state)
{
    (void)state;
    goto_question("intro");
    act(HD_ACT_NEXT, 0, NULL);
    act(HD_ACT_CHOOSE, 0, "pharmacy");
    act(HD_ACT_NEXT, 0, NULL);
    while (fl->screen == HD_SCREEN_QUESTION)
        act(HD_ACT_SKIP, 0, NULL);
    if (fl->screen == HD_SCREEN_SUPPORT)
        act(HD_ACT_NEXT, 0, NULL); /* the support text after "About you" */
    assert_int_equal(fl->screen, HD_SCREEN_REVIEW);
    layout(720, 1280);
    check_layout();
    const hd_elem *r = hd_dlist_find(&dl, "review.last-service");
    assert_non_null(r);
    assert_int_equal(r->action.kind, HD_ACT_REVIEW_EDIT);
    assert_int_equal(r->action.num, hd_survey_find_question(sv, "last-service"));
    /* its answer label is drawn inside the row */
    bool found = false;
    for (int i = 0; i < dl.n; i++)
        if (dl.elems[i].text && strcmp(dl.elems[i].text, "A chemist or pharmacy") == 0 &&
            inside(dl.elems[i].rect, r->rect))
            found = true;
    assert_true(found);
    assert_null(hd_dlist_find(&dl, "review.intro")); /* info has no answer */
    act(r->action.kind, r->action.num, NULL);
    assert_int_equal(fl->screen, HD_SCREEN_QUESTION);
    hd_flow_close(fl);
    fl = NULL;
}

static void test_modal_blocks(void **state)
{
    (void)state;
    goto_question("last-service");
    act(HD_ACT_CHOOSE, 0, "doctor");
    layout(800, 480);
    const hd_elem *next = hd_dlist_find(&dl, "next");
    int nx = next->rect.x + next->rect.w / 2, ny = next->rect.y + next->rect.h / 2;
    act(HD_ACT_LEAVE, 0, NULL);
    assert_int_equal(fl->confirm, HD_CONFIRM_LEAVE);
    layout(800, 480);
    check_layout();
    const hd_elem *hit = hd_dlist_hit(&dl, nx, ny);
    assert_true(hit == NULL || strcmp(hit->id, "confirm") == 0 || strcmp(hit->id, "cancel") == 0);
    assert_true(hd_dlist_find(&dl, "confirm")->flags & HD_ELEM_DANGER);
    hd_flow_close(fl);
    fl = NULL;
}

static void test_store_failed_banner(void **state)
{
    (void)state;
    goto_question("respect");
    act(HD_ACT_STORE_FAILED, 0, NULL);
    layout(800, 480);
    check_layout();
    const hd_elem *m = hd_dlist_find(&dl, "message");
    assert_non_null(m);
    assert_string_equal(m->text, "Something went wrong. Please ask a member of staff.");
    hd_flow_close(fl);
    fl = NULL;
}

static void test_odd_sizes(void **state)
{
    (void)state;
    /* Every size between the panels (landscape 16:10 to 16:9 and wider,
     * and their portrait twins): the rules hold, keyboards included. */
    static const char *const qs[] = {"what-was-hard", "ethnicity", "what-happened",
                                     "people-at-home"};
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        goto_question(qs[k]);
        for (int large = 0; large < 2; large++) {
            fl->large_text = large;
            for (int w = 800; w <= 1400; w += 40)
                for (int h = 480; h <= 880; h += 24) {
                    if (h * 16 > w * 10)
                        continue;
                    layout(w, h);
                    check_layout();
                    layout(h, w); /* the portrait twin */
                    check_layout();
                }
        }
        hd_flow_close(fl);
        fl = NULL;
    }
}

static void test_unusual_shapes(void **state)
{
    (void)state;
    /* Square-ish panels: a full keyboard cannot have 48u keys there; keys
     * get narrower (never below 24u) and nothing overlaps or overflows. */
    static const int odd[][2] = {{600, 600}, {800, 600}, {600, 800}, {1024, 768}, {768, 1024}};
    goto_question("what-happened");
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        loose_keys = true;
        layout(odd[i][0], odd[i][1]);
        check_layout();
        loose_keys = false;
    }
    hd_flow_close(fl);
    fl = NULL;
    goto_question("ethnicity");
    for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
        layout(odd[i][0], odd[i][1]);
        check_layout();
    }
    hd_flow_close(fl);
    fl = NULL;
}

static void test_translated(void **state)
{
    (void)state;
    /* With catalogues loaded, kiosk and survey strings come out translated,
     * and "{n} of {total}" keeps its numbers in the translated order. */
    static const char ui_ar[] = PO_HEAD
                                "msgid \"Next\"\nmsgstr \"التالي\"\n\n"
                                "msgid \"{n} of {total}\"\nmsgstr \"{total} / {n}\"\n\n"
                                "msgid \"Very good\"\nmsgstr \"جيد جدا\"\n";
    static const char sv_ar[] = PO_HEAD
                                "msgctxt \"question.how-easy\"\n"
                                "msgid \"How easy was it to get help?\"\n"
                                "msgstr \"ما مدى سهولة الحصول على المساعدة؟\"\n";
    hd_i18n *t;
    assert_int_equal(hd_i18n_open(&t), HD_OK);
    LOAD_PO(t, HD_CAT_UI, "ar", ui_ar);
    LOAD_PO(t, HD_CAT_SURVEY, "ar", sv_ar);
    goto_question("how-easy");
    layout(800, 480);
    int idx, count;
    assert_int_equal(sscanf(hd_dlist_find(&dl, "progress")->text, "%d of %d", &idx, &count), 2);
    act(HD_ACT_LANG, 0, "ar");
    assert_string_equal(fl->lang, "ar");
    hd_view_extra ex = {.now_ms = now};
    hd_view(fl, t, &fake, &ex, 800, 480, &dl);
    check_layout();
    assert_true(dl.rtl);
    assert_string_equal(hd_dlist_find(&dl, "next")->text, "التالي");
    assert_string_equal(hd_dlist_find(&dl, "question.how-easy")->text,
                        "ما مدى سهولة الحصول على المساعدة؟");
    assert_string_equal(hd_dlist_find(&dl, "face.5")->text, "جيد جدا");
    assert_string_equal(hd_dlist_find(&dl, "face.1")->text, "Very bad"); /* untranslated */
    /* placeholders by name: the translation put the total first */
    assert_string_equal(hd_dlist_find(&dl, "progress")->text, tu_fmt("%d / %d", count, idx));
    assert_true(hd_dlist_find(&dl, "next")->rtl);
    /* the language button names the language in use and offers the next */
    const hd_elem *lb = hd_dlist_find(&dl, "language");
    assert_string_equal(lb->text, hd_lang_info_get("ar")->native_name);
    assert_int_equal(lb->action.kind, HD_ACT_LANG);
    assert_string_equal(lb->action.str, "ur");
    /* a hostile translation is only text: never handed to printf */
    static const char ui_pl[] = PO_HEAD
                                "msgid \"{n} of {total}\"\nmsgstr \"{n}{n}{total}%s%n{x} {\"\n";
    LOAD_PO(t, HD_CAT_UI, "pl", ui_pl);
    act(HD_ACT_LANG, 0, "pl");
    hd_view(fl, t, &fake, &ex, 800, 480, &dl);
    check_layout();
    assert_string_equal(hd_dlist_find(&dl, "progress")->text,
                        tu_fmt("%d%d%d%%s%%n{x} {", idx, idx, count));
    hd_i18n_close(t);
    hd_flow_close(fl);
    fl = NULL;
}

static void test_number_message(void **state)
{
    (void)state;
    goto_question("people-at-home");
    act(HD_ACT_KEY, 0, "4");
    act(HD_ACT_KEY, 0, "0");
    act(HD_ACT_NEXT, 0, NULL);
    assert_non_null(fl->message);
    for (int s = 0; s < N_SIZES; s++) {
        layout(sizes[s][0], sizes[s][1]);
        check_layout();
        const hd_elem *m = hd_dlist_find(&dl, "message");
        assert_non_null(m);
        assert_string_equal(m->text, "Please enter a number from 1 to 20");
        const hd_elem *in = hd_dlist_find(&dl, "input");
        assert_string_equal(in->text, "40");
        assert_int_equal(in->role, HD_ROLE_INPUT);
    }
    /* translated from the flow's msgid, the limits filled in without printf */
    static const char po[] = PO_HEAD
                             "msgid \"Please enter a number from %ld to %ld\"\n"
                             "msgstr \"Wpisz liczbę od %ld do %ld\"\n";
    hd_i18n *t;
    hd_diag d;
    assert_int_equal(hd_i18n_open(&t), HD_OK);
    assert_int_equal(hd_i18n_load_po(t, HD_CAT_UI, "pl", po, sizeof po - 1, "pl.po", &d), HD_OK);
    snprintf(fl->lang, sizeof fl->lang, "%s", "pl"); /* keeps the message, as a view of it */
    hd_view_extra ex = {.now_ms = now};
    hd_view(fl, t, &fake, &ex, 800, 480, &dl);
    check_layout();
    assert_string_equal(hd_dlist_find(&dl, "message")->text, "Wpisz liczbę od 1 do 20");
    hd_i18n_close(t);
    hd_flow_close(fl);
    fl = NULL;
}

static void test_no_allocation_needed(void **state)
{
    (void)state;
    /* a list that is too small reports it instead of failing */
    hd_dlist small;
    assert_int_equal(hd_dlist_init(&small, 4, 64), HD_OK);
    goto_question("what-was-hard");
    hd_view_extra ex = {.now_ms = now};
    hd_view(fl, NULL, &fake, &ex, 800, 480, &small);
    assert_true(small.overflowed);
    assert_int_equal(small.n, 4);
    hd_dlist_free(&small);
    hd_flow_close(fl);
    fl = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_contrast_helper),
        cmocka_unit_test(test_walk_en),
        cmocka_unit_test(test_walk_ar),
        cmocka_unit_test(test_walk_contrast_large),
        cmocka_unit_test(test_faces_and_words),
        cmocka_unit_test(test_multi_ticks),
        cmocka_unit_test(test_progress_and_yesno),
        cmocka_unit_test(test_progress_never_grows),
        cmocka_unit_test(test_story_box_and_caret),
        cmocka_unit_test(test_scrolling),
        cmocka_unit_test(test_large_text_is_larger),
        cmocka_unit_test(test_welcome_attract),
        cmocka_unit_test(test_welcome_buttons_stay),
        cmocka_unit_test(test_multi_hint),
        cmocka_unit_test(test_thanks_countdown),
        cmocka_unit_test(test_review_rows),
        cmocka_unit_test(test_modal_blocks),
        cmocka_unit_test(test_store_failed_banner),
        cmocka_unit_test(test_odd_sizes),
        cmocka_unit_test(test_unusual_shapes),
        cmocka_unit_test(test_translated),
        cmocka_unit_test(test_number_message),
        cmocka_unit_test(test_no_allocation_needed),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    fprintf(stderr, "test_view: %ld layouts (%ld elements) checked, %d measurements\n",
            n_layouts, n_elems, n_measures);
    return rc;
}
