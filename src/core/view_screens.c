/* view_screens.c — every screen but the question: welcome, consent, tiers,
 * review, thanks, support, still-there, and the two staff screens. */
#include <stdio.h>
#include <string.h>

#include "core/view_priv.h"

static hd_rect content_area(const vctx *c, int top, int bottom)
{
    return (hd_rect){c->margin, top + c->gap, c->w - 2 * c->margin, bottom - c->gap - top - c->gap};
}

/* Seconds left until deadline, and when that number next changes. */
static int countdown(vctx *c, int64_t total_ms, float *frac)
{
    int64_t end = c->fl->screen_since_ms + total_ms;
    int64_t left = end - c->now;
    if (left < 0)
        left = 0;
    int secs = (int)((left + 999) / 1000);
    *frac = total_ms > 0 ? (float)left / (float)total_ms : 0.0f;
    if (secs > 0) {
        int64_t change = end - (int64_t)(secs - 1) * 1000;
        if (change < c->dl->next_change_ms)
            c->dl->next_change_ms = change;
    }
    return secs;
}

/* "Back to the start in 7": the words of a countdown and the fraction of
 * its time left, for countdown_in. */
typedef struct vcount {
    const char *text;
    float frac;
} vcount;

static vcount countdown_text(vctx *c, const char *msgid, int64_t total)
{
    vcount k;
    int secs = countdown(c, total, &k.frac);
    char n[16];
    snprintf(n, sizeof n, "%d", secs);
    k.text = vc_subst2(c, msgid, "{n}", n, NULL, NULL);
    return k;
}

static int countdown_bar_h(const vctx *c) { return vc_u(c, 10); }

/* The height a countdown needs at width w, its text no smaller than the
 * floor size. */
static int countdown_need_h(vctx *c, const vcount *k, int w)
{
    int tw, th;
    vc_measure(c, k->text, c->px_floor, false, w, c->rtl, &tw, &th);
    return th + c->sgap + countdown_bar_h(c);
}

/* The countdown's words and a bar running down, fitted and centred in
 * band: outside the scrolling area so they are always in sight. */
static void countdown_in(vctx *c, hd_rect band, const vcount *k)
{
    int bh = countdown_bar_h(c);
    int px, tw, th;
    vc_fit(c, k->text, false, c->rtl, c->px_body, c->px_floor, band.w, band.h - bh - c->sgap,
           &px, &tw, &th);
    int y = band.y + (band.h - (th + c->sgap + bh)) / 2;
    hd_elem *e = vc_text(c, "countdown", band.x, y, band.w, k->text, px, false, HD_ALIGN_CENTER,
                         c->th->muted, c->rtl);
    y = e->rect.y + e->rect.h + c->sgap;
    int bw = band.w < vc_u(c, 320) ? band.w : vc_u(c, 320);
    hd_elem *bar = vc_add(c, "countdown.bar", HD_ROLE_NONE);
    bar->draw = HD_DRAW_BAR;
    bar->rect = (hd_rect){band.x + (band.w - bw) / 2, y, bw, bh};
    bar->fraction = k->frac;
    bar->fg = c->th->bar_fill;
    bar->bg = c->th->bar_track;
    bar->radius = bh / 2;
}

/* ---- welcome --------------------------------------------------------------
 * The survey's title, an invitation, and one big button per language, each
 * named in its own script with the English name beneath. While nobody
 * touches it, the invitation is shown in each language in turn (every 5 s)
 * and that language's button is highlighted: movement slow enough to be calm,
 * enough to say "this is for you too" to someone passing. */

#define ATTRACT_MS 5000

typedef struct welcome {
    int hl;      /* highlighted language */
    bool header; /* the title and the invitation */
    bool grid;   /* the language buttons */
} welcome;

static int welcome_body(vctx *c, hd_rect a, float s, void *arg)
{
    const welcome *wi = arg;
    const hd_survey *sv = c->sv;
    int y = a.y;
    if (wi->header) {
        hd_elem *e = vc_text(c, "title", a.x, y, a.w, vc_sv(c, "survey.title", sv->title),
                             vc_px(c, c->px_title, s), true, HD_ALIGN_CENTER, c->th->text,
                             c->rtl);
        y += e->rect.h + c->sgap;
        const char *hl_lang = wi->hl >= 0 ? sv->languages[wi->hl] : c->lang;
        const char *invite_id = HD_N_("Tell us what you think. It takes about 2 minutes.");
        int ipx = vc_px(c, c->px_head, s);
        /* The invitation takes turns in every language, and their heights
         * differ (Nastaliq is tall, German wraps): the space kept is the
         * tallest, so the language buttons below never move. A finger on its
         * button as the turn changes still taps it. */
        int room = 0;
        for (int i = 0; i < (wi->hl >= 0 ? sv->n_languages : 0); i++) {
            const char *l = sv->languages[i];
            const char *t = c->t ? hd_i18n_ui(c->t, l, invite_id) : invite_id;
            bool rtl = hd_lang_is_rtl(l);
            int tw, th;
            vc_measure(c, t, vc_word_px(c, t, ipx, false, rtl, a.w), false, a.w, rtl, &tw, &th);
            if (th > room)
                room = th;
        }
        const char *invite = c->t ? hd_i18n_ui(c->t, hl_lang, invite_id) : invite_id;
        e = vc_text(c, "invite", a.x, y, a.w, invite, ipx, false, HD_ALIGN_CENTER, c->th->text,
                    hd_lang_is_rtl(hl_lang));
        if (e->rect.h < room) {
            e->rect.y += (room - e->rect.h) / 2;
            e->text_rect = e->rect;
        }
        y += (e->rect.h > room ? e->rect.h : room) + c->gap;
    }

    int n = sv->n_languages;
    if (n < 1 || !wi->grid)
        return y - (wi->header ? c->gap : 0) - a.y;
    int maxcols = c->portrait ? 2 : 4;
    if (n == 1)
        maxcols = 1;
    int cols = n < maxcols ? n : maxcols;
    if (!c->portrait && n > 8)
        cols = 5;
    /* a column must hold each name on its line at least at the floor size */
    int minw = vc_u(c, 140);
    for (int i = 0; i < n; i++) {
        const hd_lang_info *li = hd_lang_info_get(sv->languages[i]);
        const char *names[2] = {li->native_name, li->english_name};
        for (int k = 0; k < 2; k++) {
            int tw, th;
            vc_measure(c, names[k], c->px_floor, false, 0, li->rtl, &tw, &th);
            if (tw + 2 * c->pad + 2 > minw)
                minw = tw + 2 * c->pad + 2;
        }
    }
    while (cols > 1 && (a.w - (cols - 1) * c->gap) / cols < minw)
        cols--;
    int cw = (a.w - (cols - 1) * c->gap) / cols;
    int cap = vc_u(c, 260);
    if (cw > cap)
        cw = cap;
    int rows = (n + cols - 1) / cols;
    int px = vc_px(c, c->px_head, s);
    vbtn b[32];
    char ids[32][HD_ID_MAX];
    int h = c->tap + c->tap / 4;
    for (int i = 0; i < n && i < 32; i++) {
        const hd_lang_info *li = hd_lang_info_get(sv->languages[i]);
        bool same = strcmp(li->native_name, li->english_name) == 0;
        snprintf(ids[i], sizeof ids[i], "lang.%s", sv->languages[i]);
        b[i] = (vbtn){.id = ids[i],
                      .text = same ? li->native_name
                                   : hd_dlist_printf(c->dl, "%s\n%s", li->native_name,
                                                     li->english_name),
                      .style = i == wi->hl ? VS_HIGHLIGHT : VS_PLAIN, .px = px,
                      .text_rtl_set = true, .text_rtl = li->rtl,
                      .action = vc_act(c, HD_ACT_LANG, 0, sv->languages[i])};
        int need = vc_button_need_h(c, &b[i], cw, px, h);
        if (need > h)
            h = need;
    }
    /* one size for every name: a calmer grid than each shrunk on its own */
    int common = px;
    for (int i = 0; i < n && i < 32; i++) {
        int fpx, tw, th;
        vc_fit(c, b[i].text, false, b[i].text_rtl, px, c->px_floor, cw - 2 * c->pad,
               h - 2 * vc_u(c, 6), &fpx, &tw, &th);
        if (fpx < common)
            common = fpx;
    }
    for (int i = 0; i < n && i < 32; i++)
        b[i].px = common;
    for (int r = 0; r < rows; r++) {
        int first = r * cols, m = n - first < cols ? n - first : cols;
        int roww = m * cw + (m - 1) * c->gap;
        int x = a.x + (a.w - roww) / 2;
        for (int j = 0; j < m && first + j < 32; j++)
            vc_button(c, &b[first + j], (hd_rect){x + j * (cw + c->gap), y, cw, h});
        y += h + c->gap;
    }
    y -= c->gap;
    return y - a.y;
}

/* "Assisted", discreetly in the top bar after the toggles, when a worker
 * holds the device: it matters to the data, not to the participant, so in
 * self mode nothing is shown. */
static void mode_marker(vctx *c)
{
    if (!c->ex->mode || strcmp(c->ex->mode, "assisted") != 0)
        return;
    const hd_elem *lt = hd_dlist_find(c->dl, "large-text");
    if (!lt)
        return;
    int x0 = lt->rect.x + lt->rect.w + c->gap;
    int x1 = c->rtl ? c->w - c->tap - c->gap : c->w - c->margin;
    /* not under the support button when it shares the row */
    const hd_elem *sup = hd_dlist_find(c->dl, "support");
    if (sup && sup->rect.y == lt->rect.y && sup->rect.x - c->gap < x1)
        x1 = sup->rect.x - c->gap;
    if (x1 - x0 < c->tap)
        return;
    const char *mode = vc_ui(c, HD_N_("Assisted"));
    int px, tw, th;
    if (!vc_fit(c, mode, false, c->rtl, c->px_floor, c->px_floor, x1 - x0, c->tap, &px, &tw,
                &th))
        return;
    hd_elem *e = vc_text(c, "mode", x0, 0, x1 - x0, mode, px, false, HD_ALIGN_START,
                         c->th->muted, c->rtl);
    e->rect.y = lt->rect.y + (lt->rect.h - e->rect.h) / 2;
    e->text_rect = e->rect;
}

/* ---- the news card: "You said, we did" and "What we've heard so far" ------
 * Below the languages on welcome, one item at a time, changing every 8 s:
 * the coordinator's updates (newest first), then the results of each
 * question marked show_results that has enough answers. Each is in the
 * language of the attract loop's highlight, like the invitation above it,
 * so a Polish speaker passing sees both in Polish. An item that does not
 * fit the room left is passed over. */

#define NEWS_MS 8000 /* each news item, and the attract step when there is news */

/* A vctx that translates into lang (elements still go to c's list). */
static vctx in_lang(const vctx *c, const char *lang)
{
    vctx l = *c;
    l.lang = lang;
    return l;
}

static int news_count(const vctx *c)
{
    int n = hd_updates_count(c->ex->updates);
    for (int i = 0; i < c->ex->n_results; i++)
        n += c->ex->results[i].r.shown && c->ex->results[i].r.n_bars > 0;
    return n;
}

/* The card box behind an item, with its heading (NULL: none); returns the
 * y below the heading, or -1 when the heading does not fit. */
static int news_card(vctx *c, hd_rect r, const char *heading, bool rtl, int *pad_out)
{
    int pad = vc_u(c, 12);
    *pad_out = pad;
    hd_elem *box = vc_add(c, NULL, HD_ROLE_NONE);
    box->draw = HD_DRAW_BOX;
    box->rect = r;
    box->radius = c->radius;
    vc_style(c, box, VS_CARD);
    if (!heading)
        return r.y + pad;
    int px, tw, th;
    if (!vc_fit(c, heading, true, rtl, c->px_floor, c->px_floor, r.w - 2 * pad, r.h - 2 * pad,
                &px, &tw, &th))
        return -1;
    vc_text(c, "news.title", r.x + pad, r.y + pad, r.w - 2 * pad, heading, px, true,
            HD_ALIGN_START, c->th->muted, rtl);
    return r.y + pad + th + vc_u(c, 4);
}

/* The card (the first element from mk) ends at bottom: as tall as what it
 * holds, not as the room it was given. */
static void card_end(vctx *c, vmark mk, int bottom)
{
    if (mk.n < c->dl->n && bottom > c->dl->elems[mk.n].rect.y)
        c->dl->elems[mk.n].rect.h = bottom - c->dl->elems[mk.n].rect.y;
}

/* One update in r; false when it does not fit. */
static bool news_update(vctx *c, hd_rect r, int i, const char *lang)
{
    const char *text_lang = NULL;
    const char *text = hd_updates_text(c->ex->updates, i, lang, &text_lang);
    if (!text)
        return false;
    const char *tl = text_lang ? text_lang : c->sv->source_language;
    bool rtl = hd_lang_is_rtl(tl);
    vctx lc = in_lang(c, lang);
    vmark mk = vc_mark(c);
    int pad;
    int y = news_card(c, r, vc_ui(&lc, HD_N_("You said, we did")), hd_lang_is_rtl(lang), &pad);
    int px, tw, th;
    if (y < 0 || !vc_fit(c, text, false, rtl, c->px_body, c->px_floor, r.w - 2 * pad,
                         r.y + r.h - pad - y, &px, &tw, &th)) {
        vc_rollback(c, mk);
        return false;
    }
    hd_elem *e = vc_text(c, "news.text", r.x + pad, y, r.w - 2 * pad, text, px, false,
                         HD_ALIGN_START, c->th->st[VS_CARD].fg, rtl);
    card_end(c, mk, e->rect.y + e->rect.h + pad);
    return true;
}

/* The label of result bar b of question q, in lc's language. */
static const char *bar_label(vctx *lc, const hd_question *q, const hd_result_bar *b)
{
    if (!b->value)
        return vc_ui(lc, HD_N_("Other answers"));
    if (b->choice >= 0 && b->choice < q->n_choices)
        return vc_svf(lc, q->choices[b->choice].text, "choice.%s.%s", q->id,
                      q->choices[b->choice].id);
    if (q->type == HD_Q_LIKERT5 && b->value[0] >= '1' && b->value[0] <= '5')
        return vc_likert_word(lc, b->value[0] - '0');
    if (strcmp(b->value, "yes") == 0)
        return vc_ui(lc, HD_N_("Yes"));
    if (strcmp(b->value, "no") == 0)
        return vc_ui(lc, HD_N_("No"));
    return b->value;
}

/* A share as a bar filling from the reading start of text in rtl. */
static void result_bar(vctx *c, hd_rect r, int percent, bool rtl)
{
    hd_elem *bar = vc_add(c, NULL, HD_ROLE_NONE);
    bar->draw = HD_DRAW_BAR;
    bar->rect = r;
    bar->fraction = (float)percent / 100.0f;
    bar->fg = c->th->bar_fill;
    bar->bg = c->th->bar_track;
    bar->radius = r.h / 2;
    bar->rtl = rtl;
}

/* One question's results in r: the question, then a bar per group with its
 * label and share, side by side when the cells are wide enough, else one
 * row each. False when it does not fit. */
static bool news_result_at(vctx *c, hd_rect r, const hd_view_result *vr, const char *lang,
                           int qpx, bool heading)
{
    const hd_question *q = &c->sv->questions[vr->question];
    bool rtl = hd_lang_is_rtl(lang);
    vctx lc = in_lang(c, lang);
    vmark mk = vc_mark(c);
    int pad;
    int y = news_card(c, r, heading ? vc_ui(&lc, HD_N_("What we've heard so far")) : NULL, rtl,
                      &pad);
    int iw = r.w - 2 * pad, bottom = r.y + r.h - pad;
    const char *qt = vc_svf(&lc, q->text, "question.%s", q->id);
    int px, tw, th;
    if (y < 0 || !vc_fit(c, qt, true, rtl, qpx, c->px_floor, iw, bottom - y, &px, &tw, &th))
        goto no;
    vc_text(c, "news.question", r.x + pad, y, iw, qt, px, true, HD_ALIGN_START,
            c->th->st[VS_CARD].fg, rtl);
    y += th + c->sgap;
    int n = vr->r.n_bars;
    int fpx = c->px_floor, bh = vc_u(c, 10);
    int line = fpx * 13 / 10 + 1;
    const char *labels[HD_RESULTS_MAX_GROUPS + 1];
    const char *pcts[HD_RESULTS_MAX_GROUPS + 1];
    for (int i = 0; i < n; i++) {
        char num[16];
        snprintf(num, sizeof num, "%d", vr->r.bar[i].percent);
        labels[i] = bar_label(&lc, q, &vr->r.bar[i]);
        pcts[i] = vc_subst2(&lc, HD_N_("{n}%"), "{n}", num, NULL, NULL);
    }
    /* side by side: in each cell the label with its share at the end of
     * its line (beneath it when the cell is narrow), and a bar under them */
    int cw = n > 0 ? (iw - (n - 1) * c->gap) / n : 0;
    bool cells = cw >= vc_u(c, 90);
    int spw = 0, sph = 0;
    for (int i = 0; i < n; i++) {
        int w, h;
        vc_measure(c, pcts[i], fpx, true, 0, rtl, &w, &h);
        spw = w > spw ? w : spw;
        sph = h > sph ? h : sph;
    }
    spw += vc_u(c, 6);
    bool beside = cw - spw - c->sgap >= vc_u(c, 48);
    int lw = beside ? cw - spw - c->sgap : cw;
    int lh = 0;
    for (int i = 0; cells && i < n; i++) {
        int p, w, h, w1, h1;
        vc_measure(c, labels[i], fpx, false, 0, rtl, &w1, &h1);
        cells = vc_fit(c, labels[i], false, rtl, fpx, fpx, lw, 2 * h1, &p, &w, &h);
        lh = h > lh ? h : lh;
    }
    int head = beside ? (lh > sph ? lh : sph) : lh + c->sgap + sph;
    if (cells && y + head + c->sgap + bh <= bottom) {
        for (int i = 0; i < n; i++) {
            int x = r.x + pad + i * (cw + c->gap);
            const char *v = vr->r.bar[i].value ? vr->r.bar[i].value : "other";
            char id[HD_ID_MAX];
            snprintf(id, sizeof id, "news.choice.%s", v);
            vc_text(c, id, x, y, lw, labels[i], fpx, false, HD_ALIGN_START,
                    c->th->st[VS_CARD].fg, rtl);
            snprintf(id, sizeof id, "news.pct.%s", v);
            if (beside)
                vc_text(c, id, x + cw - spw, y, spw, pcts[i], fpx, true, HD_ALIGN_END,
                        c->th->st[VS_CARD].fg, rtl);
            else
                vc_text(c, id, x, y + lh + c->sgap, cw, pcts[i], fpx, true, HD_ALIGN_START,
                        c->th->st[VS_CARD].fg, rtl);
            result_bar(c, (hd_rect){x, y + head + c->sgap, cw, bh}, vr->r.bar[i].percent, rtl);
        }
        card_end(c, mk, y + head + c->sgap + bh + pad);
        return true;
    }
    /* one row each: label, bar, share */
    int pw = 0;
    lw = iw * 2 / 5;
    for (int i = 0; i < n; i++) {
        int w, h;
        vc_measure(c, pcts[i], fpx, true, 0, rtl, &w, &h);
        pw = w > pw ? w : pw;
    }
    pw += vc_u(c, 6);
    int bw = iw - lw - pw - 2 * c->sgap;
    if (bw < vc_u(c, 40))
        goto no;
    int rows_h = 0;
    int rh[HD_RESULTS_MAX_GROUPS + 1];
    for (int i = 0; i < n; i++) {
        int p, w, h;
        if (!vc_fit(c, labels[i], false, rtl, fpx, fpx, lw, 3 * line, &p, &w, &h))
            goto no;
        rh[i] = h > bh ? h : bh;
        rows_h += rh[i] + (i ? vc_u(c, 4) : 0);
    }
    if (y + rows_h > bottom)
        goto no;
    for (int i = 0; i < n; i++) {
        const char *v = vr->r.bar[i].value ? vr->r.bar[i].value : "other";
        char id[HD_ID_MAX];
        snprintf(id, sizeof id, "news.choice.%s", v);
        int x = r.x + pad;
        vc_text(c, id, x, y, lw, labels[i], fpx, false, HD_ALIGN_START, c->th->st[VS_CARD].fg,
                rtl);
        result_bar(c, (hd_rect){x + lw + c->sgap, y + (rh[i] - bh) / 2, bw, bh},
                   vr->r.bar[i].percent, rtl);
        snprintf(id, sizeof id, "news.pct.%s", v);
        vc_text(c, id, x + iw - pw, y + (rh[i] - line) / 2, pw, pcts[i], fpx, true,
                HD_ALIGN_END, c->th->st[VS_CARD].fg, rtl);
        y += rh[i] + vc_u(c, 4);
    }
    card_end(c, mk, y - vc_u(c, 4) + pad);
    return true;
no:
    vc_rollback(c, mk);
    return false;
}

/* The question at body size, or at the floor when that leaves the bars too
 * little room, or even without the heading (scripts with tall lines, such
 * as Urdu's Nastaliq, on a low panel): the question and its shares say
 * enough on their own. */
static bool news_result(vctx *c, hd_rect r, const hd_view_result *vr, const char *lang)
{
    return news_result_at(c, r, vr, lang, c->px_body, true) ||
           news_result_at(c, r, vr, lang, c->px_floor, true) ||
           news_result_at(c, r, vr, lang, c->px_floor, false);
}

/* A results card (label, bar, share in a row) in a language whose
 * direction differs from the screen's is mirrored inside its box now, so that after the screen's own mirror (or
 * without one) it reads in its own direction. */
static void card_direction(vctx *c, vmark mk, hd_rect r, bool rtl)
{
    if (rtl == c->rtl)
        return;
    for (int i = mk.n; i < c->dl->n; i++) {
        hd_elem *e = &c->dl->elems[i];
        hd_rect *rs[3] = {&e->rect, &e->text_rect, &e->icon_rect};
        for (int k = 0; k < 3; k++)
            if (rs[k]->w || rs[k]->h)
                rs[k]->x = 2 * r.x + r.w - rs[k]->x - rs[k]->w;
    }
}

/* News item first (or the next one that fits r), in lang; false when none
 * fits. */
static bool news(vctx *c, hd_rect r, const char *lang, int first)
{
    int n = news_count(c);
    if (n == 0 || r.h < c->tap)
        return false;
    int nu = hd_updates_count(c->ex->updates);
    for (int k = 0; k < n; k++) {
        int item = (first + k) % n;
        if (item < nu) {
            /* each text aligns by its own direction: nothing to mirror */
            if (news_update(c, r, item, lang))
                return true;
            continue;
        }
        int j = item - nu;
        for (int i = 0; i < c->ex->n_results; i++) {
            const hd_view_result *vr = &c->ex->results[i];
            if (!vr->r.shown || vr->r.n_bars == 0)
                continue;
            if (j-- == 0) {
                vmark mk = vc_mark(c);
                if (news_result(c, r, vr, lang)) {
                    card_direction(c, mk, r, hd_lang_is_rtl(lang));
                    return true;
                }
                break;
            }
        }
    }
    return false;
}

void vc_screen_welcome(vctx *c)
{
    /* No support button here: nobody has been asked anything yet, and the
     * consent screen, one tap on, has it. */
    int top = vc_top_bar(c, 0);
    mode_marker(c);
    top = vc_banner(c, top, vc_flow_message(c));
    welcome wi = {.hl = -1, .header = true, .grid = true};
    int n = c->sv->n_languages;
    int64_t t = c->now < 0 ? 0 : c->now;
    bool news_on = news_count(c) > 0;
    /* With news the attract loop moves every 8 s instead of 5, so that the
     * highlight, the invitation and the news card change together. */
    int64_t step = news_on ? NEWS_MS : ATTRACT_MS;
    if (n > 1) {
        wi.hl = (int)((t / step) % n);
        c->dl->next_change_ms = (t / step + 1) * step;
    } else if (news_on) {
        c->dl->next_change_ms = (t / step + 1) * step;
    }
    hd_rect a = content_area(c, top, c->h - c->mtop + c->gap);
    if (!news_on) {
        vc_body(c, a, welcome_body, &wi);
        return;
    }
    const char *lang = wi.hl >= 0 ? c->sv->languages[wi.hl] : c->lang;
    int64_t slot = t / step;
    /* title and news take turns; the turn shifts by one every round of the
     * languages, so that with an even number of them each language gets
     * its news turn too */
    bool news_turn = (slot + slot / (n > 0 ? n : 1)) % 2 == 1;
    /* 1. Where there is the height (portrait): the news card below the
     * languages, the languages' text a little smaller if that makes room. */
    static const float scales[] = {1.0f, 0.92f, 0.84f};
    int want = vc_u(c, 150), cap = vc_u(c, 320);
    for (size_t i = 0; i < sizeof scales / sizeof *scales; i++) {
        vmark mk = vc_mark(c);
        int bh = welcome_body(c, a, scales[i], &wi);
        vc_rollback(c, mk);
        int room = a.h - bh - c->gap;
        if (room >= want) {
            vc_body(c, (hd_rect){a.x, a.y, a.w, bh}, welcome_body, &wi);
            news(c, (hd_rect){a.x, a.y + bh + c->gap, a.w, room > cap ? cap : room}, lang,
                 (int)(slot % news_count(c)));
            return;
        }
    }
    /* 2. Otherwise (landscape): the languages stay at the bottom, and the
     * space above them shows the title and invitation and a news item in
     * turn, 8 s each. */
    welcome grid = wi;
    grid.header = false;
    vmark mk = vc_mark(c);
    int gh = welcome_body(c, a, 1.0f, &grid);
    vc_rollback(c, mk);
    hd_rect ga = {a.x, a.y + a.h - gh, a.w, gh};
    hd_rect ha = {a.x, a.y, a.w, a.h - gh - c->gap};
    vc_body(c, ga, welcome_body, &grid);
    welcome head = wi;
    head.grid = false;
    mk = vc_mark(c);
    if (news_turn && news(c, ha, lang, (int)((slot / 2) % news_count(c))))
        return;
    vc_rollback(c, mk);
    vc_body(c, ha, welcome_body, &head);
}

/* ---- consent ---------------------------------------------------------------- */

static int consent_body(vctx *c, hd_rect a, float s, void *arg)
{
    (void)arg;
    hd_elem *e = vc_text(c, "title", a.x, a.y, a.w, vc_sv(c, "survey.title", c->sv->title),
                         vc_px(c, c->px_title, s), true, HD_ALIGN_START, c->th->text, c->rtl);
    int y = e->rect.y + e->rect.h + c->gap;
    e = vc_text(c, "consent", a.x, y, a.w, vc_sv(c, "survey.consent", c->sv->consent),
                vc_px(c, c->px_head, s), false, HD_ALIGN_START, c->th->text, c->rtl);
    return e->rect.y + e->rect.h - a.y;
}

void vc_screen_consent(vctx *c)
{
    int top = vc_top_bar(c, VT_LANGUAGE | VT_SUPPORT);
    top = vc_banner(c, top, vc_flow_message(c));
    vrow row = {.n_start = 1, .n_end = 1};
    row.start[0] = (vbtn){.id = "leave", .text = vc_ui(c, HD_N_("No thanks")),
                          .style = VS_QUIET, .action = vc_act(c, HD_ACT_LEAVE, 0, NULL)};
    row.end[0] = (vbtn){.id = "next", .text = vc_ui(c, HD_N_("Start")), .icon = HD_ICON_NEXT,
                        .style = VS_PRIMARY, .bold = true,
                        .action = vc_act(c, HD_ACT_NEXT, 0, NULL)};
    int bottom = vc_bottom_row(c, &row);
    vc_body(c, content_area(c, top, bottom), consent_body, NULL);
}

/* ---- tiers ------------------------------------------------------------------- */

typedef struct tiers {
    int idx[8];
    int n;
} tiers;

static int tier_card_h(vctx *c, int t, int w, int tpx, int bpx)
{
    const hd_tier *tr = &c->sv->tiers[t];
    int pad = vc_u(c, 16), tw, th, bw, bh;
    vc_measure(c, vc_svf(c, tr->title, "tier.%s.title", tr->id), tpx, true, w - 2 * pad, c->rtl,
               &tw, &th);
    vc_measure(c, vc_svf(c, tr->blurb, "tier.%s.blurb", tr->id), bpx, false, w - 2 * pad,
               c->rtl, &bw, &bh);
    return pad + th + (bh ? c->sgap + bh : 0) + pad;
}

static void tier_card(vctx *c, int t, hd_rect r, int tpx, int bpx)
{
    const hd_tier *tr = &c->sv->tiers[t];
    int pad = vc_u(c, 16);
    char id[HD_ID_MAX];
    snprintf(id, sizeof id, "tier.%s", tr->id);
    hd_elem *e = vc_add(c, id, HD_ROLE_BUTTON);
    e->draw = HD_DRAW_BOX;
    e->rect = r;
    e->radius = c->radius;
    vc_style(c, e, VS_CARD);
    e->action = vc_act(c, HD_ACT_TIER, t, NULL);
    e->text = vc_svf(c, tr->title, "tier.%s.title", tr->id);
    e->text_px = tpx;
    e->bold = true;
    e->align = HD_ALIGN_START;
    vc_measure(c, e->text, tpx, true, r.w - 2 * pad, c->rtl, &e->text_w, &e->text_h);
    e->text_rect = (hd_rect){r.x + pad, r.y + pad, r.w - 2 * pad, e->text_h};
    const char *blurb = vc_svf(c, tr->blurb, "tier.%s.blurb", tr->id);
    if (*blurb)
        vc_text(c, NULL, r.x + pad, r.y + pad + e->text_h + c->sgap, r.w - 2 * pad, blurb, bpx,
                false, HD_ALIGN_START, c->th->muted, c->rtl);
}

static int tiers_body(vctx *c, hd_rect a, float s, void *arg)
{
    const tiers *ti = arg;
    hd_elem *e = vc_text(c, "title", a.x, a.y, a.w,
                         vc_ui(c, HD_N_("How much would you like to do?")),
                         vc_px(c, c->px_title, s), true, HD_ALIGN_START, c->th->text, c->rtl);
    int y = e->rect.y + e->rect.h + c->gap;
    int tpx = vc_px(c, c->px_head, s), bpx = vc_px(c, c->px_body, s);
    int n = ti->n;
    if (n == 0)
        return y - c->gap - a.y;
    /* Side by side when each card gets 200u, else stacked. */
    int cols = c->portrait ? 1 : n;
    while (cols > 1 && (a.w - (cols - 1) * c->gap) / cols < vc_u(c, 200))
        cols--;
    int cw = (a.w - (cols - 1) * c->gap) / cols;
    if (cols == 1 && cw > vc_u(c, 640))
        cw = vc_u(c, 640);
    int ch = c->tap + c->tap / 2;
    for (int i = 0; i < n; i++) {
        int h = tier_card_h(c, ti->idx[i], cw, tpx, bpx);
        if (h > ch)
            ch = h;
    }
    for (int i = 0; i < n; i++) {
        int col = i % cols, row = i / cols;
        tier_card(c, ti->idx[i],
                  (hd_rect){a.x + col * (cw + c->gap), y + row * (ch + c->gap), cw, ch}, tpx, bpx);
    }
    int rows = (n + cols - 1) / cols;
    return y + rows * ch + (rows - 1) * c->gap - a.y;
}

void vc_screen_tiers(vctx *c)
{
    int top = vc_top_bar(c, VT_LANGUAGE | VT_SUPPORT);
    top = vc_banner(c, top, vc_flow_message(c));
    vrow row = {.n_start = 2};
    row.start[0] = (vbtn){.id = "back", .text = vc_ui(c, HD_N_("Back")), .icon = HD_ICON_BACK,
                          .style = VS_PLAIN, .action = vc_act(c, HD_ACT_BACK, 0, NULL)};
    row.start[1] = (vbtn){.id = "leave", .text = vc_ui(c, HD_N_("Leave")),
                          .style = VS_QUIET, .action = vc_act(c, HD_ACT_LEAVE, 0, NULL)};
    int bottom = vc_bottom_row(c, &row);
    tiers ti = {.n = 0};
    for (int i = 0; i < c->sv->n_tiers && ti.n < 8; i++) {
        /* The group tier collects contact details that must be sealed for a
         * coordinator: without their public key it is not offered. */
        if (strcmp(c->sv->tiers[i].id, "group") == 0 && !c->fl->cfg.group_allowed)
            continue;
        ti.idx[ti.n++] = i;
    }
    vc_body(c, content_area(c, top, bottom), tiers_body, &ti);
}

/* ---- review ------------------------------------------------------------------- */

const char *vc_answer_label(vctx *c, int q, bool *answered)
{
    const hd_question *qq = &c->sv->questions[q];
    const char *v = c->fl->answers[q].value;
    if (!v || !*v) {
        *answered = false;
        return vc_ui(c, HD_N_("Not answered"));
    }
    *answered = true;
    if (strcmp(v, HD_PREFER_NOT) == 0)
        return vc_ui(c, HD_N_("Prefer not to say"));
    switch (qq->type) {
    case HD_Q_SINGLE: {
        int i = hd_question_find_choice(qq, v);
        return i >= 0 ? vc_svf(c, qq->choices[i].text, "choice.%s.%s", qq->id, qq->choices[i].id)
                      : v;
    }
    case HD_Q_MULTI: {
        char buf[1024];
        size_t o = 0;
        buf[0] = '\0';
        for (const char *p = v; *p;) {
            const char *e = strchr(p, ' ');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            char cid[128];
            if (len < sizeof cid) {
                memcpy(cid, p, len);
                cid[len] = '\0';
                int i = hd_question_find_choice(qq, cid);
                const char *lab =
                    i >= 0 ? vc_svf(c, qq->choices[i].text, "choice.%s.%s", qq->id, cid) : cid;
                int n = snprintf(buf + o, sizeof buf - o, "%s%s", o ? ", " : "", lab);
                if (n < 0 || (size_t)n >= sizeof buf - o)
                    break;
                o += (size_t)n;
            }
            if (!e)
                break;
            p = e + 1;
        }
        return hd_dlist_strdup(c->dl, buf);
    }
    case HD_Q_LIKERT5:
        return v[0] >= '1' && v[0] <= '5' && !v[1] ? vc_likert_word(c, v[0] - '0') : v;
    case HD_Q_YESNO:
        return strcmp(v, "yes") == 0 ? vc_ui(c, HD_N_("Yes"))
               : strcmp(v, "no") == 0 ? vc_ui(c, HD_N_("No"))
                                      : v;
    default: {
        /* A long story is shown by its beginning: the row is for finding it. */
        size_t len = strlen(v), cut = 160;
        if (len <= cut)
            return v;
        while (cut > 0 && ((unsigned char)v[cut] & 0xC0) == 0x80)
            cut--;
        return hd_dlist_printf(c->dl, "%.*s\xE2\x80\xA6", (int)cut, v);
    }
    }
}

static int review_body(vctx *c, hd_rect a, float s, void *arg)
{
    (void)arg;
    hd_elem *e = vc_text(c, "title", a.x, a.y, a.w, vc_ui(c, HD_N_("Check your answers")),
                         vc_px(c, c->px_title, s), true, HD_ALIGN_START, c->th->text, c->rtl);
    int y = e->rect.y + e->rect.h + c->sgap;
    e = vc_text(c, "hint", a.x, y, a.w, vc_ui(c, HD_N_("Tap an answer to change it.")),
                vc_px(c, c->px_body, s), false, HD_ALIGN_START, c->th->muted, c->rtl);
    y = e->rect.y + e->rect.h + c->gap;
    int qpx = vc_px(c, c->px_body, s), apx = vc_px(c, c->px_body, s);
    int pad = vc_u(c, 12), w = a.w;
    for (int i = 0; i < c->fl->n_seq; i++) {
        int q = c->fl->seq[i];
        const hd_question *qq = &c->sv->questions[q];
        if (qq->type == HD_Q_INFO || !hd_flow_visible(c->fl, q))
            continue;
        bool answered;
        const char *ans = vc_answer_label(c, q, &answered);
        const char *qt = vc_svf(c, qq->text, "question.%s", qq->id);
        int qw, qh, aw, ah;
        vc_measure(c, qt, qpx, false, w - 2 * pad, c->rtl, &qw, &qh);
        vc_measure(c, ans, apx, answered, w - 2 * pad, c->rtl, &aw, &ah);
        int h = pad + qh + vc_u(c, 4) + ah + pad;
        if (h < c->tap)
            h = c->tap;
        char id[HD_ID_MAX];
        snprintf(id, sizeof id, "review.%s", qq->id);
        hd_elem *r = vc_add(c, id, HD_ROLE_BUTTON);
        r->draw = HD_DRAW_BOX;
        r->rect = (hd_rect){a.x, y, w, h};
        r->radius = c->radius;
        vc_style(c, r, VS_CARD);
        r->action = vc_act(c, HD_ACT_REVIEW_EDIT, q, NULL);
        r->text = qt;
        r->text_px = qpx;
        r->align = HD_ALIGN_START;
        r->text_w = qw;
        r->text_h = qh;
        r->text_rect = (hd_rect){a.x + pad, y + pad, w - 2 * pad, qh};
        vc_text(c, NULL, a.x + pad, y + pad + qh + vc_u(c, 4), w - 2 * pad, ans, apx, answered,
                HD_ALIGN_START, answered ? c->th->st[VS_CARD].fg : c->th->muted, c->rtl);
        y += h + c->sgap + vc_u(c, 4);
    }
    return y - c->sgap - vc_u(c, 4) - a.y;
}

void vc_screen_review(vctx *c)
{
    int top = vc_top_bar(c, VT_LANGUAGE | VT_SUPPORT);
    top = vc_banner(c, top, vc_flow_message(c));
    vrow row = {.n_start = 2, .n_end = 1};
    row.start[0] = (vbtn){.id = "back", .text = vc_ui(c, HD_N_("Back")), .icon = HD_ICON_BACK,
                          .style = VS_PLAIN, .action = vc_act(c, HD_ACT_BACK, 0, NULL)};
    row.start[1] = (vbtn){.id = "withdraw", .text = vc_ui(c, HD_N_("Delete my answers")),
                          .style = VS_QUIET, .action = vc_act(c, HD_ACT_WITHDRAW, 0, NULL)};
    row.end[0] = (vbtn){.id = "send", .text = vc_ui(c, HD_N_("Send my answers")),
                        .icon = HD_ICON_TICK, .style = VS_PRIMARY, .bold = true,
                        .action = vc_act(c, HD_ACT_SEND, 0, NULL)};
    int bottom = vc_bottom_row(c, &row);
    vc_body(c, content_area(c, top, bottom), review_body, NULL);
}

/* ---- thanks ---------------------------------------------------------------------- */

/* Height of the newest update's card on thanks at width w and text scale s
 * (its text at body size, shrunk with the rest of the screen); 0 if none. */
static int thanks_update_h(vctx *c, int w, float s)
{
    const char *tl = NULL;
    const char *text = hd_updates_text(c->ex->updates, 0, c->lang, &tl);
    if (!text)
        return 0;
    int pad = vc_u(c, 12), hw, hh, tw, th;
    vc_measure(c, vc_ui(c, HD_N_("You said, we did")), c->px_floor, true, w - 2 * pad, c->rtl,
               &hw, &hh);
    vc_measure(c, text, vc_px(c, c->px_body, s), false, w - 2 * pad,
               hd_lang_is_rtl(tl ? tl : c->sv->source_language), &tw, &th);
    return pad + hh + vc_u(c, 4) + th + pad;
}

static int thanks_body(vctx *c, hd_rect a, float s, void *arg)
{
    (void)arg;
    /* After the group tier there are no answers to speak of, only contact
     * details: the thank-you alone. After the others, what happens next. */
    bool group = c->fl->tier >= 0 && c->fl->tier < c->sv->n_tiers &&
                 strcmp(c->sv->tiers[c->fl->tier].id, "group") == 0;
    hd_elem *e = vc_text(c, "title", a.x, a.y, a.w, vc_ui(c, HD_N_("Thank you!")),
                         vc_px(c, c->px_title, s), true, HD_ALIGN_CENTER, c->th->text, c->rtl);
    int y = e->rect.y + e->rect.h + c->gap;
    if (!group) {
        e = vc_text(c, "thanks", a.x, y, a.w,
                    vc_ui(c, HD_N_("Your answers are saved. The people who run this service "
                                   "will read them, together with everyone else's, to make it "
                                   "better.")),
                    vc_px(c, c->px_head, s), false, HD_ALIGN_CENTER, c->th->text, c->rtl);
        y = e->rect.y + e->rect.h + c->gap;
    }
    int t = hd_flow_offer_tier(c->fl);
    if (t >= 0) {
        const char *id = c->sv->tiers[t].id;
        const char *offer = strcmp(id, "group") == 0
                                ? vc_ui(c, HD_N_("Would you like to help shape this service?"))
                                : vc_ui(c, HD_N_("Would you like to tell us more?"));
        char eid[HD_ID_MAX];
        snprintf(eid, sizeof eid, "more.%s", id);
        int px = vc_px(c, c->px_button, s);
        vbtn b = {.id = eid, .text = offer, .icon = HD_ICON_NEXT, .style = VS_PRIMARY,
                  .bold = true, .px = px, .action = vc_act(c, HD_ACT_TIER, t, NULL)};
        int bw = a.w < vc_u(c, 520) ? a.w : vc_u(c, 520);
        int bh = vc_button_need_h(c, &b, bw, px, c->tap);
        vc_button(c, &b, (hd_rect){a.x + (a.w - bw) / 2, y, bw, bh});
        y += bh + c->gap;
    }
    if (hd_updates_count(c->ex->updates) > 0) {
        /* The newest "You said, we did": what taking part has changed. */
        int uh = thanks_update_h(c, a.w, s);
        hd_rect r = {a.x, y, a.w, uh};
        if (uh > 0 && news_update(c, r, 0, c->lang))
            y += uh + c->gap;
    }
    return y - c->gap - a.y;
}

void vc_screen_thanks(vctx *c)
{
    int top = vc_top_bar(c, VT_SUPPORT);
    top = vc_banner(c, top, vc_flow_message(c));
    vrow row = {.n_end = 1};
    row.end[0] = (vbtn){.id = "home", .text = vc_ui(c, HD_N_("Finish now")), .style = VS_PLAIN,
                        .action = vc_act(c, HD_ACT_HOME, 0, NULL)};
    int bottom = vc_bottom_row(c, &row);
    /* The countdown stays in sight beside "Finish now", never scrolled away;
     * where its words need more lines than the button is high (Somali on a
     * portrait panel), across the width just above the button instead. */
    const hd_elem *home = hd_dlist_find(c->dl, "home");
    vcount k = countdown_text(c, HD_N_("Back to the start in {n}"), c->fl->cfg.thanks_ms);
    /* beside the button, down to a hair above the screen's edge */
    int side_h = c->h - vc_u(c, 4) - bottom;
    hd_rect side = {c->margin, bottom, home->rect.x - c->gap - c->margin,
                    side_h > home->rect.h ? side_h : home->rect.h};
    if (countdown_need_h(c, &k, side.w) <= side.h) {
        countdown_in(c, side, &k);
    } else {
        int w = c->w - 2 * c->margin;
        int need = countdown_need_h(c, &k, w);
        hd_rect above = {c->margin, bottom - c->gap - need, w, need};
        countdown_in(c, above, &k);
        bottom = above.y;
    }
    vc_body(c, content_area(c, top, bottom), thanks_body, NULL);
}

/* ---- still there ------------------------------------------------------------------ */

static int still_body(vctx *c, hd_rect a, float s, void *arg)
{
    (void)arg;
    hd_elem *e = vc_text(c, "title", a.x, a.y, a.w, vc_ui(c, HD_N_("Are you still there?")),
                         vc_px(c, c->px_title, s), true, HD_ALIGN_CENTER, c->th->text, c->rtl);
    int y = e->rect.y + e->rect.h + c->gap;
    int px = vc_px(c, c->px_head, s);
    vbtn b = {.id = "still-here", .text = vc_ui(c, HD_N_("I'm still here")), .icon = HD_ICON_TICK,
              .style = VS_PRIMARY, .bold = true, .px = px,
              .action = vc_act(c, HD_ACT_STILL_HERE, 0, NULL)};
    int bw = a.w < vc_u(c, 420) ? a.w : vc_u(c, 420);
    int bh = vc_button_need_h(c, &b, bw, px, 2 * c->tap);
    vc_button(c, &b, (hd_rect){a.x + (a.w - bw) / 2, y, bw, bh});
    y += bh + c->gap;
    e = vc_text(c, "message", a.x, y, a.w,
                vc_ui(c, HD_N_("If nobody taps, the answers so far are cleared for the next person.")),
                vc_px(c, c->px_body, s), false, HD_ALIGN_CENTER, c->th->text, c->rtl);
    return e->rect.y + e->rect.h - a.y;
}

void vc_screen_still_there(vctx *c)
{
    int top = vc_top_bar(c, 0);
    int bh = c->tap;
    int by = c->h - c->mtop - bh;
    vcount k = countdown_text(c, HD_N_("Clearing in {n}"), c->fl->cfg.reset_after_ms);
    countdown_in(c, (hd_rect){c->margin, by, c->w - 2 * c->margin, bh}, &k);
    vc_body(c, content_area(c, top, by), still_body, NULL);
}

/* ---- support ------------------------------------------------------------------------ */

static int support_body(vctx *c, hd_rect a, float s, void *arg)
{
    (void)arg;
    hd_elem *e = vc_text(c, "title", a.x, a.y, a.w, vc_ui(c, HD_N_("Need to talk to someone?")),
                         vc_px(c, c->px_title, s), true, HD_ALIGN_START, c->th->text, c->rtl);
    int y = e->rect.y + e->rect.h + c->gap;
    e = vc_text(c, "support.text", a.x, y, a.w, vc_sv(c, "survey.support", c->sv->support),
                vc_px(c, c->px_head, s), false, HD_ALIGN_START, c->th->text, c->rtl);
    return e->rect.y + e->rect.h - a.y;
}

void vc_screen_support(vctx *c)
{
    int top = vc_top_bar(c, VT_LANGUAGE);
    vrow row = {.n_start = 1};
    if (c->fl->support_auto) {
        /* shown by the flow after a section with sensitive questions: the
         * way on is forward, to where Next was going */
        row = (vrow){.n_end = 1};
        row.end[0] = (vbtn){.id = "next", .text = vc_ui(c, HD_N_("Continue")),
                            .icon = HD_ICON_NEXT, .style = VS_PRIMARY, .bold = true,
                            .action = vc_act(c, HD_ACT_NEXT, 0, NULL)};
    } else {
        row.start[0] = (vbtn){.id = "back", .text = vc_ui(c, HD_N_("Back")),
                              .icon = HD_ICON_BACK, .style = VS_PRIMARY, .bold = true,
                              .action = vc_act(c, HD_ACT_BACK, 0, NULL)};
    }
    int bottom = vc_bottom_row(c, &row);
    vc_body(c, content_area(c, top, bottom), support_body, NULL);
}
