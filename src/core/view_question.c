/* view_question.c — the question screen, one layout per question type.
 *
 *   [top bar: language, contrast, A+, "3 of 12" ====, support]
 *   [question text                                          ]
 *   [answers: choices / faces / yes-no / input + keyboard   ]
 *   [Back] [Leave]                              [Skip] [Next]
 *
 * The question and its answers sit in an area that shrinks its text and
 * then scrolls; keyboards and the bottom row never move.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/view_priv.h"

static const char *const face_value[6] = {"", "1", "2", "3", "4", "5"};

const char *vc_likert_word(const vctx *c, int v)
{
    /* Kind, plain words under the faces: never only numbers. */
    switch (v) {
    case 1: return vc_ui(c, HD_N_("Very bad"));
    case 2: return vc_ui(c, HD_N_("Bad"));
    case 3: return vc_ui(c, HD_N_("Okay"));
    case 4: return vc_ui(c, HD_N_("Good"));
    case 5: return vc_ui(c, HD_N_("Very good"));
    default: return "";
    }
}

/* True when the draft of question q holds v (multi: among its ids). */
static bool has_value(const vctx *c, int q, const char *v)
{
    const hd_answer *a = &c->fl->answers[q];
    if (!a->value || !*a->value)
        return false;
    if (c->sv->questions[q].type != HD_Q_MULTI)
        return strcmp(a->value, v) == 0;
    size_t n = strlen(v);
    for (const char *p = a->value; *p;) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, v, n) == 0)
            return true;
        if (!e)
            break;
        p = e + 1;
    }
    return false;
}

typedef struct qinfo {
    int q;
    const hd_question *qq;
    const char *text;
} qinfo;

static int choices(vctx *c, const qinfo *qi, hd_rect a, int y, float s)
{
    const hd_question *qq = qi->qq;
    int n = qq->n_choices;
    /* Portrait: one column, read top to bottom. Landscape: two columns once
     * there are four or more, so they fit without scrolling. */
    int cols = (!c->portrait && n >= 4) ? 2 : 1;
    int cw = (a.w - (cols - 1) * c->gap) / cols;
    int px = vc_px(c, c->px_button, s);
    for (int i = 0; i < n; i += cols) {
        vbtn b[2];
        char id[2][HD_ID_MAX];
        int rh = c->tap;
        int m = n - i < cols ? n - i : cols;
        for (int j = 0; j < m; j++) {
            const hd_choice *ch = &qq->choices[i + j];
            snprintf(id[j], sizeof id[j], "choice.%s", ch->id);
            bool sel = has_value(c, qi->q, ch->id);
            /* Several may be chosen: each answer shows its box, empty or
             * ticked, so it is plain that a second tap adds, not replaces. */
            hd_icon icon = qq->type == HD_Q_MULTI ? (sel ? HD_ICON_BOX_TICK : HD_ICON_BOX)
                                                  : (sel ? HD_ICON_TICK : HD_ICON_NONE);
            b[j] = (vbtn){.id = id[j], .role = HD_ROLE_CHOICE,
                          .text = vc_svf(c, ch->text, "choice.%s.%s", qq->id, ch->id),
                          .icon = icon, .icon_space = true,
                          .style = sel ? VS_SELECTED : VS_CHOICE, .px = px,
                          .align = HD_ALIGN_START, .align_set = true,
                          .action = vc_act(c, HD_ACT_CHOOSE, 0, ch->id)};
            int need = vc_button_need_h(c, &b[j], cw, px, c->tap);
            if (need > rh)
                rh = need;
        }
        for (int j = 0; j < m; j++)
            vc_button(c, &b[j], (hd_rect){a.x + j * (cw + c->gap), y, cw, rh});
        y += rh + c->gap;
    }
    return y - c->gap;
}

static int faces(vctx *c, const qinfo *qi, hd_rect a, int y, float s)
{
    int cw = (a.w - 4 * c->gap) / 5;
    int cap = vc_u(c, 150);
    if (cw > cap)
        cw = cap;
    int x0 = a.x + (a.w - (5 * cw + 4 * c->gap)) / 2;
    int padx = vc_u(c, 6), pady = vc_u(c, 8), igap = vc_u(c, 6);
    int fs = cw - 2 * pady;
    int fmax = vc_u(c, 96 * s);
    if (fs > fmax)
        fs = fmax;
    int px = vc_px(c, c->px_body, s);
    int wh = 0;
    for (int v = 1; v <= 5; v++) {
        int tw, th;
        vc_measure(c, vc_likert_word(c, v), px, false, cw - 2 * padx, c->rtl, &tw, &th);
        if (th > wh)
            wh = th;
    }
    int ch = pady + fs + igap + wh + pady;
    if (ch < c->tap)
        ch = c->tap;
    for (int v = 1; v <= 5; v++) {
        char id[8];
        snprintf(id, sizeof id, "face.%d", v);
        bool sel = has_value(c, qi->q, face_value[v]);
        hd_elem *e = vc_add(c, id, HD_ROLE_CHOICE);
        e->draw = HD_DRAW_FACE;
        int x = x0 + (v - 1) * (cw + c->gap);
        e->rect = (hd_rect){x, y, cw, ch};
        e->radius = c->radius;
        vc_style(c, e, sel ? VS_SELECTED : VS_CHOICE);
        e->icon = (hd_icon)v;
        e->icon_rect = (hd_rect){x + (cw - fs) / 2, y + pady, fs, fs};
        e->text = vc_likert_word(c, v);
        e->align = HD_ALIGN_CENTER;
        e->text_rect = (hd_rect){x + padx, y + pady + fs + igap, cw - 2 * padx, ch - 2 * pady - fs - igap};
        vc_fit(c, e->text, false, c->rtl, px, c->px_floor, e->text_rect.w, e->text_rect.h,
               &e->text_px, &e->text_w, &e->text_h);
        e->action = vc_act(c, HD_ACT_CHOOSE, 0, face_value[v]);
    }
    return y + ch;
}

static int yesno(vctx *c, const qinfo *qi, hd_rect a, int y, float s)
{
    int bw = (a.w - c->gap) / 2;
    int cap = vc_u(c, 300);
    if (bw > cap)
        bw = cap;
    int px = vc_px(c, c->px_head, s);
    static const char *const val[2] = {"yes", "no"};
    const char *label[2] = {vc_ui(c, HD_N_("Yes")), vc_ui(c, HD_N_("No"))};
    vbtn b[2];
    int h = c->tap + c->tap / 2; /* big: 96u */
    for (int i = 0; i < 2; i++) {
        bool sel = has_value(c, qi->q, val[i]);
        b[i] = (vbtn){.id = i == 0 ? "choice.yes" : "choice.no", .role = HD_ROLE_CHOICE,
                      .text = label[i], .icon = i == 0 ? HD_ICON_TICK : HD_ICON_CROSS,
                      .style = sel ? VS_SELECTED : VS_CHOICE, .px = px, .bold = true,
                      .action = vc_act(c, HD_ACT_CHOOSE, 0, val[i])};
        int need = vc_button_need_h(c, &b[i], bw, px, h);
        if (need > h)
            h = need;
    }
    for (int i = 0; i < 2; i++)
        vc_button(c, &b[i], (hd_rect){a.x + i * (bw + c->gap), y, bw, h});
    return y + h;
}

static int prefer_not(vctx *c, const qinfo *qi, hd_rect a, int y, float s)
{
    bool sel = has_value(c, qi->q, HD_PREFER_NOT);
    int px = vc_px(c, c->px_button, s);
    vbtn b = {.id = "choice." HD_PREFER_NOT, .role = HD_ROLE_CHOICE,
              .text = vc_ui(c, HD_N_("Prefer not to say")),
              .icon = sel ? HD_ICON_TICK : HD_ICON_NONE, .icon_space = true,
              .style = sel ? VS_SELECTED : VS_QUIET, .px = px, .align = HD_ALIGN_START,
              .align_set = true, .action = vc_act(c, HD_ACT_CHOOSE, 0, HD_PREFER_NOT)};
    int w = c->portrait ? a.w : (a.w - c->gap) / 2;
    int h = vc_button_need_h(c, &b, w, px, c->tap);
    vc_button(c, &b, (hd_rect){a.x, y, w, h});
    return y + h;
}

/* Whether text holds the words of hint, without the mark that ends hint's
 * sentence (".", "!", "।", "۔", "。"...). */
static bool says_hint(const char *text, const char *hint)
{
    char words[256];
    snprintf(words, sizeof words, "%s", hint);
    size_t n = strlen(words);
    for (;;) {
        while (n > 0 && (words[n - 1] == '.' || words[n - 1] == '!' || words[n - 1] == ' '))
            n--;
        /* a sentence mark outside ASCII: the Devanagari danda (also used in
         * Bengali and Gurmukhi), the Urdu full stop, the ideographic stop */
        static const char *const marks[] = {"\xe0\xa5\xa4", "\xdb\x94", "\xe3\x80\x82"};
        bool cut = false;
        for (size_t i = 0; i < sizeof marks / sizeof *marks; i++) {
            size_t m = strlen(marks[i]);
            if (n >= m && memcmp(words + n - m, marks[i], m) == 0) {
                n -= m;
                cut = true;
            }
        }
        if (!cut)
            break;
    }
    words[n] = '\0';
    return n > 0 && strstr(text, words) != NULL;
}

/* The question text and its answers (or, for typed answers, the text only). */
static int q_body(vctx *c, hd_rect a, float s, void *arg)
{
    const qinfo *qi = arg;
    const hd_question *qq = qi->qq;
    char id[HD_ID_MAX];
    snprintf(id, sizeof id, "question.%s", qq->id);
    int px = vc_px(c, qq->type == HD_Q_INFO ? c->px_title : c->px_head, s);
    hd_elem *e = vc_text(c, id, a.x, a.y, a.w, qi->text, px, true, HD_ALIGN_START, c->th->text,
                         c->rtl);
    int y = e->rect.y + e->rect.h;
    switch (qq->type) {
    case HD_Q_SINGLE:
    case HD_Q_MULTI:
        if (qq->type == HD_Q_MULTI) {
            /* the hint, unless the question says so itself (its words,
             * whatever ends the sentence: "... pasujące odpowiedzi.") */
            const char *hint = vc_ui(c, HD_N_("Choose all that apply."));
            if (!says_hint(qi->text, hint)) {
                e = vc_text(c, "hint", a.x, y + c->sgap, a.w, hint, vc_px(c, c->px_body, s),
                            false, HD_ALIGN_START, c->th->muted, c->rtl);
                y = e->rect.y + e->rect.h;
            }
        }
        y = choices(c, qi, a, y + c->gap, s);
        break;
    case HD_Q_LIKERT5: y = faces(c, qi, a, y + c->gap, s); break;
    case HD_Q_YESNO: y = yesno(c, qi, a, y + c->gap, s); break;
    case HD_Q_NUMBER:
        if (qq->has_min && qq->has_max) {
            char lo[24], hi[24];
            snprintf(lo, sizeof lo, "%ld", qq->min);
            snprintf(hi, sizeof hi, "%ld", qq->max);
            const char *h = vc_subst2(c, HD_N_("A number from {min} to {max}"), "{min}", lo,
                                      "{max}", hi);
            e = vc_text(c, "hint", a.x, y + c->sgap, a.w, h, vc_px(c, c->px_body, s), false,
                        HD_ALIGN_START, c->th->muted, c->rtl);
            y = e->rect.y + e->rect.h;
        }
        break;
    default: break;
    }
    if (qq->sensitive && qq->type != HD_Q_INFO)
        y = prefer_not(c, qi, a, y + c->gap, s);
    return y - a.y;
}

static bool typed_rtl(const char *s, bool fallback)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        int n;
        if (*p < 0x80) {
            cp = *p;
            n = 1;
        } else if ((*p & 0xE0) == 0xC0 && p[1]) {
            cp = ((uint32_t)(*p & 0x1F) << 6) | (p[1] & 0x3F);
            n = 2;
        } else if ((*p & 0xF0) == 0xE0 && p[1] && p[2]) {
            cp = ((uint32_t)(*p & 0x0F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) | (p[2] & 0x3F);
            n = 3;
        } else {
            p++;
            continue;
        }
        p += n;
        if ((cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) ||
            (cp >= 0xFE70 && cp <= 0xFEFF))
            return true; /* Hebrew, Arabic, Syriac, Thaana, NKo ... */
        if ((cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || (cp >= 0xC0 && cp <= 0x24F) ||
            (cp >= 0x0900 && cp <= 0x0DFF) || (cp >= 0x0370 && cp <= 0x052F))
            return false; /* Latin, Greek, Cyrillic, Indic */
    }
    return fallback;
}


/* ---- typed answers ---------------------------------------------------------
 * A story needs room: the question, then an answer box across the width that
 * shows two or three lines (the newest words, with a caret where the next
 * letter goes), then the keyboard. On a landscape panel a keyboard and two
 * rows of 64u buttons leave too little height for that, so there the four
 * buttons stand in a column at the reading end instead of a row beneath
 * (Next stays in the bottom corner, where it is on every other screen). */

/* The height of one line of typed text at px: the taller of Latin and the
 * screen's own script (the placeholder is in it; Nastaliq is tall). */
static int line_height(const vctx *c, int px)
{
    int w, h1, h2;
    vc_measure(c, "Mg", px, false, 0, false, &w, &h1);
    vc_measure(c, vc_ui(c, HD_N_("Type your answer here")), px, false, 0, c->rtl, &w, &h2);
    return h1 > h2 ? h1 : h2;
}

/* How much of the draft fits the input box: the whole text, or its end
 * after an ellipsis (what was typed last is what matters while typing),
 * starting at a word when one starts close by. */
static void input_text(vctx *c, hd_elem *e, const char *draft, int px)
{
    hd_rect tr = e->text_rect;
    int tw, th;
    /* the largest size at which one line fits the box (a low box only in
     * the band beside a keyboard on panels of unusual shape) */
    for (;;) {
        /* (down to the normal floor even with large text: the box is low
         * only on panels of unusual shape) */
        int floor_px = vc_u(c, 18);
        vc_measure(c, "M", px, false, 0, e->rtl, &tw, &th);
        if (th <= tr.h || px <= floor_px)
            break;
        px -= px / 12 > 1 ? px / 12 : 1;
        if (px < floor_px)
            px = floor_px;
    }
    e->text_px = px;
    vc_measure(c, draft, px, false, tr.w, e->rtl, &tw, &th);
    if (th <= tr.h && tw <= tr.w) {
        e->text = draft;
        e->text_w = tw;
        e->text_h = th;
        return;
    }
    /* The smallest start offset whose tail, wrapped a little narrower to
     * leave room for "…" on its first line, fits. */
    int ew, eh;
    vc_measure(c, "\xE2\x80\xA6", px, false, 0, e->rtl, &ew, &eh);
    size_t lo = 0, hi = strlen(draft);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        while (mid < hi && ((unsigned char)draft[mid] & 0xC0) == 0x80)
            mid++; /* a code point's start */
        if (mid >= hi)
            break;
        vc_measure(c, draft + mid, px, false, tr.w - ew, e->rtl, &tw, &th);
        if (th <= tr.h && tw <= tr.w - ew)
            hi = mid;
        else
            lo = mid + 1;
    }
    while (draft[hi] && ((unsigned char)draft[hi] & 0xC0) == 0x80)
        hi++;
    for (size_t k = hi; k < hi + 24 && draft[k]; k++)
        if (draft[k] == ' ' && draft[k + 1] && draft[k + 1] != ' ') {
            hi = k + 1; /* "…three weeks", not "…eeks" */
            break;
        }
    e->text = hd_dlist_printf(c->dl, "\xE2\x80\xA6%s", draft + hi);
    vc_measure(c, e->text, px, false, tr.w, e->rtl, &e->text_w, &e->text_h);
}

/* The width and height of the last line of e's text as it is wrapped. The
 * first word of the last line is the first word whose prefix, wrapped,
 * already takes as many lines as the whole text (wrapping is greedy, so
 * more words never mean fewer lines). */
static void last_line(const vctx *c, const hd_elem *e, int line_h, int *lw, int *lh)
{
    const char *s = e->text;
    int w = e->text_rect.w;
    *lw = e->text_w;
    *lh = e->text_h;
    size_t n = strlen(s);
    if (e->text_h < line_h * 3 / 2 || n >= 2048)
        return; /* one line (or beyond what is ever shown): its width */
    int starts[512], ns = 0;
    for (size_t i = 0; i < n && ns < 512; i++)
        if (s[i] != ' ' && (i == 0 || s[i - 1] == ' '))
            starts[ns++] = (int)i;
    if (ns == 0)
        return; /* only spaces: no word to start a line (found by clang-tidy) */
    char buf[2048];
    int lo = 0, hi = ns - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        size_t end = (size_t)starts[mid];
        while (end < n && s[end] != ' ')
            end++;
        memcpy(buf, s, end);
        buf[end] = '\0';
        int pw, ph;
        vc_measure(c, buf, e->text_px, e->bold, w, e->rtl, &pw, &ph);
        if (ph > e->text_h - line_h / 2)
            hi = mid;
        else
            lo = mid + 1;
    }
    vc_measure(c, s + starts[lo], e->text_px, e->bold, 0, e->rtl, lw, lh);
    if (*lw > w)
        *lw = w;
}

/* A caret after the last letter typed (before the first, in an empty box),
 * so it is plain where the next letter will go. It does not blink: nothing
 * on the kiosk moves by itself, and a still frame costs no power. */
static void caret(vctx *c, const hd_elem *e, int line_h)
{
    hd_rect tr = e->text_rect;
    int cw = vc_u(c, 3), lw = 0, lh = line_h;
    bool empty = !e->text || !*e->text;
    if (!empty)
        last_line(c, e, line_h, &lw, &lh);
    /* The layout is mirrored afterwards for right-to-left screens: in this
     * frame a text starts at the left when its direction is the screen's. */
    bool start_left = e->rtl == c->rtl;
    int x;
    if (e->align == HD_ALIGN_CENTER && !empty) {
        int cx = tr.x + tr.w / 2;
        x = start_left ? cx + lw / 2 + vc_u(c, 2) : cx - lw / 2 - cw - vc_u(c, 2);
    } else {
        x = start_left ? tr.x + lw + vc_u(c, 1) : tr.x + tr.w - lw - cw - vc_u(c, 1);
    }
    x = x < tr.x ? tr.x : x > tr.x + tr.w - cw ? tr.x + tr.w - cw : x;
    int ch = lh * 4 / 5 > line_h ? line_h : lh * 4 / 5;
    int y = (empty ? tr.y : tr.y + (e->text_h > lh ? e->text_h - lh : 0)) + (lh - ch) / 2;
    hd_elem *k = vc_add(c, "input.caret", HD_ROLE_NONE);
    k->draw = HD_DRAW_BOX;
    k->rect = (hd_rect){x, y, cw, ch};
    k->bg = c->th->st[VS_INPUT].border;
}

static void input_box(vctx *c, const qinfo *qi, hd_rect r)
{
    const char *draft = c->fl->answers[qi->q].value;
    if (!draft)
        draft = "";
    bool number = qi->qq->type == HD_Q_NUMBER;
    hd_elem *e = vc_add(c, "input", HD_ROLE_INPUT);
    e->draw = HD_DRAW_BOX;
    e->rect = r;
    e->radius = c->radius;
    vc_style(c, e, VS_INPUT);
    /* Typed phone numbers, emails and numbers are left-to-right even in
     * Arabic or Urdu; free text follows what was typed. */
    bool ltr_field = number || qi->qq->type == HD_Q_PHONE || qi->qq->type == HD_Q_EMAIL;
    e->rtl = ltr_field ? false : typed_rtl(draft, c->rtl);
    e->align = number ? HD_ALIGN_CENTER : HD_ALIGN_START;
    int base = number ? vc_u(c, 40 * c->ts) : c->px_body;
    int line_h = line_height(c, number ? c->px_body : base);
    int p = vc_u(c, 10);
    if (!number && r.h - 2 * p < line_h)
        p = (r.h - line_h) / 2 > vc_u(c, 4) ? (r.h - line_h) / 2 : vc_u(c, 4);
    e->text_rect = (hd_rect){r.x + c->pad, r.y + p, r.w - 2 * c->pad, r.h - 2 * p};
    hd_elem *ph_e = NULL;
    if (!*draft) {
        /* An empty box says what it is for; the hint is decoration, so the
         * layout dump shows the input as empty. */
        const char *ph =
            vc_ui(c, number ? HD_N_("Type a number") : HD_N_("Type your answer here"));
        int px, tw, th;
        hd_rect hr = e->text_rect;
        int room = vc_u(c, 10); /* for the caret at the start */
        bool caret_left = e->rtl == c->rtl;
        if (!number) {
            hr.w -= room;
            if (caret_left)
                hr.x += room;
        }
        if (vc_fit(c, ph, false, c->rtl, c->px_body, c->px_floor, hr.w, hr.h, &px, &tw, &th)) {
            ph_e = vc_add(c, NULL, HD_ROLE_NONE);
            ph_e->draw = HD_DRAW_TEXT;
            ph_e->text = ph;
            ph_e->text_px = px;
            ph_e->text_w = tw;
            ph_e->text_h = th;
            ph_e->fg = c->th->muted;
            ph_e->rtl = c->rtl;
            ph_e->align = number ? HD_ALIGN_CENTER : HD_ALIGN_START;
            /* on the first line, like the text that will replace it */
            if (!number && hr.h > th)
                hr.h = th;
            ph_e->rect = hr;
            ph_e->text_rect = hr;
        }
        if (!number)
            e->text_rect.h = line_h < e->text_rect.h ? line_h : e->text_rect.h;
        if (!number || !ph_e)
            caret(c, e, line_h);
        return;
    }
    if (number) {
        vc_fit(c, draft, true, false, base, c->px_floor, e->text_rect.w, e->text_rect.h,
               &e->text_px, &e->text_w, &e->text_h);
        e->text = draft;
        e->bold = true;
    } else {
        input_text(c, e, draft, base);
        /* from the top, as a page is written (the renderer centres text
         * in its box: the box is made as tall as the text) */
        if (e->text_h < e->text_rect.h)
            e->text_rect.h = e->text_h;
    }
    caret(c, e, line_h);
}

/* The flow's gentle "Please enter a number ..." in the screen's language.
 * A flow that gives no msgid for it: with both limits it is said again
 * from "A number from {min} to {max}", else the flow's words are shown. */
static const char *number_message(vctx *c, const hd_question *qq)
{
    if (!c->fl->message_id && qq->has_min && qq->has_max) {
        char lo[24], hi[24];
        snprintf(lo, sizeof lo, "%ld", qq->min);
        snprintf(hi, sizeof hi, "%ld", qq->max);
        return vc_subst2(c, HD_N_("A number from {min} to {max}"), "{min}", lo, "{max}", hi);
    }
    return vc_flow_message(c);
}

/* The question (and its hint) at full size across width w: its natural
 * height, measured by laying it out and taking it back. */
static int body_natural_h(vctx *c, const qinfo *qi, int x, int w)
{
    vmark mk = vc_mark(c);
    int h = q_body(c, (hd_rect){x, 0, w, 1 << 20}, 1.0f, (void *)qi);
    vc_rollback(c, mk);
    return h;
}

/* Heights of the answer box: the least and the most worth giving. */
static void input_heights(vctx *c, const qinfo *qi, int *in_lo, int *in_hi)
{
    hd_qtype t = qi->qq->type;
    if (t == HD_Q_NUMBER) {
        *in_lo = vc_u(c, 64);
        *in_hi = vc_u(c, 72);
        return;
    }
    int line = line_height(c, c->px_body);
    int p2 = 2 * vc_u(c, 10);
    /* a phone number or an email address is one line; a story two or three */
    *in_lo = (t == HD_Q_TEXT ? 2 : 1) * line + p2;
    *in_hi = (t == HD_Q_TEXT ? 3 : 1) * line + p2;
}

/* Question, answer box and keyboard stacked in a (the keyboard spanning
 * kx..kx+kw at the bottom), with any message between box and keyboard. */
static void stack(vctx *c, const qinfo *qi, const hd_keyboard *kb, bool keypad, hd_rect a,
                  int kx, int kw, const char *msg)
{
    int msg_h = 0;
    if (msg) {
        int tw, th;
        vc_measure(c, msg, c->px_body, false, a.w, c->rtl, &tw, &th);
        msg_h = th + c->sgap;
    }
    /* Heights, by priority: the keyboard's smallest keys, the answer box's
     * least, room for the question (at least the scroll buttons); what is
     * left goes to the question at full size, then a taller answer box,
     * then bigger keys, then the question again. */
    int kmin = vc_keyboard_min_h(c, kb, kw, keypad);
    int in_lo, in_hi;
    input_heights(c, qi, &in_lo, &in_hi);
    int in_one = line_height(c, c->px_body) + 2 * vc_u(c, 10);
    int body_min = c->tap;
    int body_pref = body_natural_h(c, qi, a.x, a.w);
    int room = a.h - msg_h - c->sgap - c->gap;
    if (room - kmin - in_lo < body_min && in_lo > in_one)
        in_lo = in_one; /* a low panel: one line of answer before none of the question */
    bool band_mode = !c->portrait && !keypad && room < kmin + in_lo + body_min;
    if ((band_mode && a.h - kmin - c->gap < body_min) ||
        (!band_mode && room < kmin + in_lo + body_min)) {
        /* A panel of unusual shape: keys narrower than 48u rather than a
         * keyboard that does not fit. */
        c->kb_tight = true;
        kmin = vc_keyboard_min_h(c, kb, kw, keypad);
        band_mode = !c->portrait && !keypad && room < kmin + in_lo + body_min;
    }
    int khmax = vc_keyboard(c, kb, (hd_rect){kx, 0, kw, 1 << 20}, false, keypad);
    if (band_mode) {
        /* Landscape, a full keyboard, little height and no room for a
         * column of buttons: question and answer box share one band. */
        int band = a.h - kmin - c->gap;
        int kh = vc_keyboard(c, kb, (hd_rect){kx, 0, kw, kmin}, false, false);
        vc_keyboard(c, kb, (hd_rect){kx, a.y + a.h - kh, kw, kh}, true, false);
        int iw = (a.w - c->gap) * 2 / 5;
        input_box(c, qi, (hd_rect){a.x + a.w - iw, a.y, iw, band});
        vc_body(c, (hd_rect){a.x, a.y, a.w - iw - c->gap, band}, q_body, (void *)qi);
        return;
    }
    int kh = kmin, in_h = in_lo, body = room - kh - in_h;
    if (body > body_pref) {
        int d = body - body_pref < in_hi - in_h ? body - body_pref : in_hi - in_h;
        in_h += d;
        body -= d;
    }
    if (body > body_pref) {
        int d = body - body_pref < khmax - kh ? body - body_pref : khmax - kh;
        kh += d;
        body -= d;
    }
    kh = vc_keyboard(c, kb, (hd_rect){kx, 0, kw, kh}, false, keypad);
    int ky = a.y + a.h - kh;
    vc_keyboard(c, kb, (hd_rect){kx, ky, kw, kh}, true, keypad);
    int y = ky - c->sgap;
    if (msg) {
        hd_elem *m = vc_text(c, "message", a.x, 0, a.w, msg, c->px_body, false, HD_ALIGN_START,
                             c->th->text, c->rtl);
        m->rect.y = y - m->rect.h;
        m->text_rect = m->rect;
        y = m->rect.y - c->sgap;
    }
    input_box(c, qi, (hd_rect){a.x, y - in_h, a.w, in_h});
    y -= in_h + c->gap;
    vc_body(c, (hd_rect){a.x, a.y, a.w, y - a.y}, q_body, (void *)qi);
}

/* Typed answers with a keypad in landscape: the question, the display and
 * any message at the reading start, the keypad at the end, full height. */
static void keypad_beside(vctx *c, const qinfo *qi, const hd_keyboard *kb, hd_rect a,
                          const char *msg)
{
    int kw = a.w * 9 / 20;
    int kcap = vc_u(c, 360);
    if (kw > kcap)
        kw = kcap;
    /* wide enough that no row of the keypad is split (a split row would
     * make it taller than the screen) */
    int kmin = vc_keyboard_min_w(c, kb, true);
    int kmost = a.w - 2 * c->gap - 2 * c->tap; /* the question keeps 128u */
    if (kw < kmin)
        kw = kmin < kmost ? kmin : kmost;
    hd_rect kr = {a.x + a.w - kw, a.y, kw, a.h};
    int kh = vc_keyboard(c, kb, kr, false, true);
    if (kh > a.h) {
        /* a panel of unusual shape (square): 48u keys, as on keyboards */
        c->kb_tight = true;
        kh = vc_keyboard(c, kb, kr, false, true);
    }
    kr.y = a.y + (a.h - kh) / 2;
    kr.h = kh;
    vc_keyboard(c, kb, kr, true, true);
    int lw = a.w - kw - 2 * c->gap;
    int dh = vc_u(c, 72);
    int y1 = a.y + a.h;
    if (msg) {
        hd_elem *m = vc_text(c, "message", a.x, 0, lw, msg, c->px_body, false, HD_ALIGN_START,
                             c->th->text, c->rtl);
        m->rect.y = y1 - m->rect.h;
        m->text_rect = m->rect;
        y1 = m->rect.y - c->sgap;
    }
    input_box(c, qi, (hd_rect){a.x, y1 - dh, lw, dh});
    y1 -= dh + c->gap;
    vc_body(c, (hd_rect){a.x, a.y, lw, y1 - a.y}, q_body, (void *)qi);
}

/* The landscape keyboard screen with the buttons in a column at the reading
 * end, when the usual row beneath would leave the answer box less than it
 * needs. Lays everything out and returns true, or returns false (nothing
 * laid) when the row beneath does fine or the column does not fit. */
static bool column_layout(vctx *c, const qinfo *qi, const hd_keyboard *kb, const vrow *row,
                          int top)
{
    if (c->portrait)
        return false;
    int ybot = c->h - c->mtop, ytop = top + c->gap;
    /* the row beneath: is there room for the question and a full box? */
    vmark mk = vc_mark(c);
    int rh = vc_button_row(c, row, c->margin, c->w - c->margin, 0, c->tap + c->tap / 2);
    vc_rollback(c, mk);
    int aw = c->w - 2 * c->margin;
    int kw_full = c->w - 2 * c->mtop;
    int in_lo, in_hi;
    input_heights(c, qi, &in_lo, &in_hi);
    int stacked_room = (ybot - rh - c->gap) - ytop - c->sgap - c->gap -
                       vc_keyboard_min_h(c, kb, kw_full, false);
    if (stacked_room >= in_lo + body_natural_h(c, qi, c->margin, aw))
        return false;

    /* The column: as wide as its widest word needs (with icons when they
     * fit), no wider than the keyboard leaves. */
    const vbtn *bs[4] = {&row->start[0], &row->start[1], &row->end[0], &row->end[1]};
    int colw = 2 * c->tap;
    for (int i = 0; i < 4; i++) {
        int tw, th;
        vc_measure(c, bs[i]->text, c->px_button, bs[i]->bold, 0, c->rtl, &tw, &th);
        int w = tw + 2 * c->pad + vc_u(c, 6) +
                (bs[i]->icon != HD_ICON_NONE ? vc_u(c, 30) + vc_u(c, 10) : 0);
        colw = w > colw ? w : colw;
    }
    int colmax = c->w - c->margin - c->gap - c->mtop - vc_keyboard_min_w(c, kb, false);
    if (colmax < 2 * c->tap)
        return false;
    if (colw > colmax)
        colw = colmax;
    int hs[4], sum = 0;
    for (int i = 0; i < 4; i++) {
        int px = bs[i]->px ? bs[i]->px : c->px_button;
        int need = vc_button_need_h(c, bs[i], colw, px, c->tap);
        int needf = vc_button_need_h(c, bs[i], colw, c->px_floor, c->tap);
        hs[i] = need > c->tap + c->tap / 2 ? c->tap + c->tap / 2 : need;
        hs[i] = needf > hs[i] ? needf : hs[i];
        sum += hs[i];
    }
    if (sum + 2 * c->gap + 2 * c->tap / 2 > ybot - ytop)
        return false; /* a short panel with tall words: the row beneath */

    /* Back and Leave at the top of the column, Skip and Next at its foot. */
    int cx = c->w - c->margin - colw;
    vc_button(c, bs[0], (hd_rect){cx, ytop, colw, hs[0]});
    vc_button(c, bs[1], (hd_rect){cx, ytop + hs[0] + c->gap, colw, hs[1]});
    vc_button(c, bs[3], (hd_rect){cx, ybot - hs[3], colw, hs[3]});
    vc_button(c, bs[2], (hd_rect){cx, ybot - hs[3] - c->gap - hs[2], colw, hs[2]});

    hd_rect a = {c->margin, ytop, cx - c->gap - c->margin, ybot - ytop};
    stack(c, qi, kb, false, a, c->mtop, cx - c->gap - c->mtop, NULL);
    return true;
}

static vrow question_row(vctx *c)
{
    vrow row = {.n_start = 2, .n_end = 2};
    row.start[0] = (vbtn){.id = "back", .text = vc_ui(c, HD_N_("Back")), .icon = HD_ICON_BACK,
                          .style = VS_PLAIN, .action = vc_act(c, HD_ACT_BACK, 0, NULL)};
    row.start[1] = (vbtn){.id = "leave", .text = vc_ui(c, HD_N_("Leave")),
                          .style = VS_QUIET, .action = vc_act(c, HD_ACT_LEAVE, 0, NULL)};
    row.end[0] = (vbtn){.id = "skip", .text = vc_ui(c, HD_N_("Skip")), .style = VS_PLAIN,
                        .action = vc_act(c, HD_ACT_SKIP, 0, NULL)};
    row.end[1] = (vbtn){.id = "next", .text = vc_ui(c, HD_N_("Next")), .icon = HD_ICON_NEXT,
                        .style = VS_PRIMARY, .bold = true,
                        .action = vc_act(c, HD_ACT_NEXT, 0, NULL)};
    return row;
}

void vc_screen_question(vctx *c)
{
    int q = hd_flow_current_question(c->fl);
    const hd_question *qq = q >= 0 && q < c->sv->n_questions ? &c->sv->questions[q] : NULL;
    bool number = qq && qq->type == HD_Q_NUMBER;
    bool typed_q = qq && (number || qq->type == HD_Q_TEXT || qq->type == HD_Q_PHONE ||
                          qq->type == HD_Q_EMAIL);
    /* A keyboard needs the height: the top bar keeps to one row. */
    int top = vc_top_bar(c, VT_LANGUAGE | VT_SUPPORT | VT_PROGRESS | (typed_q ? VT_COMPACT : 0));
    top = vc_banner(c, top, number ? NULL : vc_flow_message(c));
    vrow row = question_row(c);
    if (!qq) {
        vc_bottom_row(c, &row);
        return;
    }
    qinfo qi = {.q = q, .qq = qq, .text = vc_svf(c, qq->text, "question.%s", qq->id)};
    if (!typed_q) {
        int bottom = vc_bottom_row(c, &row);
        hd_rect a = {c->margin, top + c->gap, c->w - 2 * c->margin,
                     bottom - c->gap - top - c->gap};
        vc_body(c, a, q_body, &qi);
        return;
    }
    const hd_keyboard *kb = hd_keyboard_get(qq->type, c->lang, c->fl->keyboard_page, false);
    bool keypad = vc_keyboard_max_row(kb) <= 4;
    if (!keypad && column_layout(c, &qi, kb, &row, top))
        return;
    /* landscape: every unit of height goes to the keys and the answer */
    int bottom = vc_bottom_row_h(c, &row, c->portrait ? c->tap + c->tap / 2 : c->tap);
    hd_rect a = {c->margin, top + c->gap, c->w - 2 * c->margin, bottom - c->gap - top - c->gap};
    const char *msg = number && c->fl->message && !c->fl->store_failed ? number_message(c, qq)
                                                                       : NULL;
    if (keypad && !c->portrait) {
        keypad_beside(c, &qi, kb, a, msg);
        return;
    }
    /* A full keyboard spans the screen but for 8u each side: every unit of
     * width is key width. */
    int kx = keypad ? a.x : c->mtop, kw = keypad ? a.w : c->w - 2 * c->mtop;
    stack(c, &qi, kb, keypad, a, kx, kw, msg);
}
