/* flow.c — the session state machine as a pure reducer.
 *
 * docs/flow.md holds the state table this file carries out. The shape:
 *
 *  - hd_flow_open() allocates every buffer the flow will ever use (one draft
 *    per question sized for the longest value that question can hold, the
 *    sequence, the contact JSON scratch, a choice bitmap); hd_flow_reduce()
 *    only writes into them.
 *  - The public hd_flow is the first member of a private flow_impl, which
 *    adds what only the reducer needs: a snapshot of the state before the
 *    last reduce and that reduce's effects, so that HD_ACT_STORE_FAILED can
 *    put the flow back where the participant can try again.
 *  - Effect values point into flow buffers (drafts, scratch, pin). Buffers an
 *    effect may still point at, or that a failed effect may need again, are
 *    never wiped in the reduce that emitted the effect: the wipe is deferred
 *    to the start of the next reduce (unless that one is STORE_FAILED).
 */
#include "core/flow.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"

#define FLOW_MSG_MAX 128

static const char STORE_MSG[] = HD_N_("Something went wrong. Please ask a member of staff.");

typedef struct flow_impl {
    hd_flow pub; /* first, so hd_flow * and flow_impl * convert */

    /* Where the screen that still-there (or support) covers goes back to:
     * covering a screen moves its return_to here, uncovering restores it. */
    hd_screen under;

    /* State before the last reduce, and what that reduce asked for. */
    hd_flow snap;
    hd_screen snap_under;
    hd_effects last;
    bool last_reset; /* the last reduce was an idle reset: never put back */

    bool wipe_pending;   /* answers to zero at the start of the next reduce */
    bool contact_sealed; /* SEAL_CONTACT of this session is known to be done */

    unsigned char *sel; /* one flag per choice, for multi toggles */
    int sel_cap;

    char msg[FLOW_MSG_MAX]; /* formatted flow->message */
} flow_impl;

static flow_impl *impl(hd_flow *f) { return (flow_impl *)f; }

/* memset through a volatile pointer: a wipe right before free() must not be
 * optimised away (C11 has no memset_s everywhere). */
static void *(*const volatile wipe_mem)(void *, int, size_t) = memset;

/* ---------------------------------------------------------------- names */

static const char *const screen_ids[HD_SCREEN_COUNT_] = {
    "welcome", "consent", "tiers",       "question",  "review",
    "thanks",  "support", "still-there", "admin-pin", "admin",
};

const char *hd_screen_id(hd_screen s)
{
    if ((int)s < 0 || s >= HD_SCREEN_COUNT_)
        return "?";
    return screen_ids[s];
}

const char *hd_status_name(hd_status s)
{
    switch (s) {
    case HD_STATUS_IN_PROGRESS: return "in_progress";
    case HD_STATUS_COMPLETE: return "complete";
    case HD_STATUS_ABANDONED: return "abandoned";
    }
    return "?";
}

void hd_flow_config_default(hd_flow_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->still_there_after_ms = 60000;
    cfg->reset_after_ms = 30000;
    cfg->thanks_ms = 10000;
    cfg->text_save_pause_ms = 2000;
}

/* ---------------------------------------------------------------- UTF-8 */

/* Decodes one code point at s[0..n); returns its length, or 0 when the bytes
 * are not well-formed UTF-8 (overlong forms, surrogates and values past
 * U+10FFFF are refused, so nothing the flow stores is ever invalid). */
static int utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
    if (n == 0)
        return 0;
    unsigned c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int len;
    unsigned min;
    if ((c & 0xE0) == 0xC0) {
        len = 2, min = 0x80, c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3, min = 0x800, c &= 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4, min = 0x10000, c &= 0x07;
    } else {
        return 0;
    }
    if ((size_t)len > n)
        return 0;
    for (int i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

static int utf8_count(const char *s)
{
    int n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

/* Marks and joiners that belong to the character before them, for the
 * scripts the kiosk is offered in (Latin, Cyrillic, Hebrew, Arabic, the
 * Indic scripts, emoji modifiers). Not the whole Unicode table: a mark
 * missing here only means backspace removes it on its own. */
static bool is_combining(unsigned cp)
{
    static const unsigned ranges[][2] = {
        {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05BF},
        {0x05C1, 0x05C2}, {0x05C4, 0x05C5}, {0x05C7, 0x05C7}, {0x0610, 0x061A},
        {0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06DC}, {0x06DF, 0x06E4},
        {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x0900, 0x0903}, {0x093A, 0x093C},
        {0x093E, 0x094F}, {0x0951, 0x0957}, {0x0962, 0x0963}, {0x0981, 0x0983},
        {0x09BC, 0x09BC}, {0x09BE, 0x09CD}, {0x09D7, 0x09D7}, {0x09E2, 0x09E3},
        {0x0A01, 0x0A03}, {0x0A3C, 0x0A51}, {0x0A70, 0x0A71}, {0x0A75, 0x0A75},
        {0x0A81, 0x0A83}, {0x0ABC, 0x0ABC}, {0x0ABE, 0x0ACD}, {0x0AE2, 0x0AE3},
        {0x0B01, 0x0B03}, {0x0B3C, 0x0B3C}, {0x0B3E, 0x0B57}, {0x0B82, 0x0B82},
        {0x0BBE, 0x0BCD}, {0x0BD7, 0x0BD7}, {0x0C00, 0x0C04}, {0x0C3E, 0x0C56},
        {0x0C81, 0x0C83}, {0x0CBC, 0x0CBC}, {0x0CBE, 0x0CD6}, {0x0D00, 0x0D03},
        {0x0D3E, 0x0D4D}, {0x0D57, 0x0D57}, {0x0DCA, 0x0DDF}, {0x0E31, 0x0E31},
        {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
        {0x200C, 0x200D}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F},
        {0x1F3FB, 0x1F3FF}, {0xE0100, 0xE01EF},
    };
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (cp >= ranges[i][0] && cp <= ranges[i][1])
            return true;
    return false;
}

/* ---------------------------------------------------------------- survey helpers */

/* Code points a typed answer may hold (number drafts are bounded by digits
 * instead, see number_digits). */
static int max_len(const hd_question *q)
{
    int n = hd_question_max_length(q);
    return n > 0 ? n : HD_SHORT_MAX_DEFAULT;
}

static bool is_typed(hd_qtype t)
{
    return t == HD_Q_TEXT || t == HD_Q_PHONE || t == HD_Q_EMAIL || t == HD_Q_NUMBER;
}

static int find_choice(const hd_question *q, const char *id)
{
    for (int i = 0; i < q->n_choices; i++)
        if (strcmp(q->choices[i].id, id) == 0)
            return i;
    return -1;
}

/* Bytes a draft of q can need, NUL included. */
static size_t answer_cap(const hd_question *q)
{
    size_t n = 0;
    switch (q->type) {
    case HD_Q_SINGLE:
        for (int i = 0; i < q->n_choices; i++)
            if (strlen(q->choices[i].id) > n)
                n = strlen(q->choices[i].id);
        break;
    case HD_Q_MULTI:
        for (int i = 0; i < q->n_choices; i++)
            n += strlen(q->choices[i].id) + 1;
        break;
    case HD_Q_LIKERT5: n = 1; break;
    case HD_Q_YESNO: n = 3; break;
    case HD_Q_NUMBER: n = 24; break; /* "-9223372036854775808" */
    case HD_Q_TEXT:
    case HD_Q_PHONE:
    case HD_Q_EMAIL: n = (size_t)max_len(q) * 4; break;
    case HD_Q_INFO:
    case HD_Q_TYPE_COUNT_: n = 0; break;
    }
    if (q->type != HD_Q_INFO && n < sizeof HD_PREFER_NOT - 1)
        n = sizeof HD_PREFER_NOT - 1;
    return n + 1;
}

static const hd_question *question(const hd_flow *f, int q) { return &f->sv->questions[q]; }

static const char *tier_id(const hd_flow *f, int t)
{
    return t >= 0 && t < f->sv->n_tiers ? f->sv->tiers[t].id : "";
}

static bool tier_allowed(const hd_flow *f, int t)
{
    if (t < 0 || t >= f->sv->n_tiers)
        return false;
    return strcmp(tier_id(f, t), "group") != 0 || f->cfg.group_allowed;
}

static int tier_rank(const char *id)
{
    if (strcmp(id, "quick") == 0)
        return 0;
    if (strcmp(id, "story") == 0)
        return 1;
    if (strcmp(id, "group") == 0)
        return 2;
    return -1;
}

int hd_flow_offer_tier(const hd_flow *flow)
{
    if (!flow || flow->screen != HD_SCREEN_THANKS || flow->tier < 0)
        return -1;
    int r = tier_rank(tier_id(flow, flow->tier));
    if (r < 0)
        return -1;
    for (int want = r + 1; want <= 2; want++)
        for (int t = 0; t < flow->sv->n_tiers; t++)
            if (tier_rank(flow->sv->tiers[t].id) == want && tier_allowed(flow, t))
                return t;
    return -1;
}

/* ---------------------------------------------------------------- drafts */

static void draft_clear(hd_answer *a)
{
    memset(a->value, 0, (size_t)a->cap);
}

static void draft_set(hd_answer *a, const char *v)
{
    size_t n = strlen(v);
    if ((int)n >= a->cap)
        return; /* cannot happen: caps are sized from the survey */
    memset(a->value, 0, (size_t)a->cap);
    memcpy(a->value, v, n);
}

/* True when the space-joined list s holds token v. */
static bool has_token(const char *s, const char *v)
{
    size_t n = strlen(v);
    if (n == 0)
        return false;
    while (*s) {
        const char *end = strchr(s, ' ');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        if (len == n && memcmp(s, v, n) == 0)
            return true;
        if (!end)
            break;
        s = end + 1;
    }
    return false;
}

bool hd_flow_has_value(const hd_flow *flow, int q, const char *v)
{
    if (!flow || !v || !*v || q < 0 || q >= flow->sv->n_questions)
        return false;
    const char *d = flow->answers[q].value;
    if (question(flow, q)->type == HD_Q_MULTI)
        return has_token(d, v);
    return strcmp(d, v) == 0;
}

bool hd_flow_visible(const hd_flow *flow, int q)
{
    if (!flow || q < 0 || q >= flow->sv->n_questions)
        return false;
    const hd_show_if *s = &question(flow, q)->show_if;
    if (s->question < 0)
        return true;
    int c = s->question;
    if (c >= flow->sv->n_questions)
        return false;
    /* A hidden question's answer does not count; show_if only ever points
     * back (the validator checks it), which bounds the recursion. */
    if (c < q && !hd_flow_visible(flow, c))
        return false;
    for (int i = 0; i < s->n_any_of; i++)
        if (hd_flow_has_value(flow, c, s->any_of[i]))
            return true;
    return false;
}

/* ---------------------------------------------------------------- open / close */

static void wipe_answers(flow_impl *im)
{
    hd_flow *f = &im->pub;
    for (int q = 0; q < f->sv->n_questions; q++) {
        draft_clear(&f->answers[q]);
        f->answers[q].stored = false;
        f->answers[q].dirty = false;
    }
    memset(f->scratch, 0, (size_t)f->scratch_cap);
    im->wipe_pending = false;
}

void hd_flow_close(hd_flow *flow)
{
    if (!flow)
        return;
    flow_impl *im = impl(flow);
    if (flow->answers) {
        for (int q = 0; q < flow->sv->n_questions; q++) {
            if (flow->answers[q].value) {
                wipe_mem(flow->answers[q].value, 0, (size_t)flow->answers[q].cap);
                free(flow->answers[q].value);
            }
        }
        free(flow->answers);
    }
    if (flow->scratch) {
        wipe_mem(flow->scratch, 0, (size_t)flow->scratch_cap);
        free(flow->scratch);
    }
    free(flow->seq);
    free(im->sel);
    wipe_mem(im, 0, sizeof *im); /* the pin and the snapshot too */
    free(im);
}

static bool lang_ok(const hd_survey *sv, const char *code)
{
    if (!code || !*code || strlen(code) >= HD_LANG_MAX)
        return false;
    for (int i = 0; i < sv->n_languages; i++)
        if (strcmp(sv->languages[i], code) == 0)
            return true;
    return strcmp(sv->source_language, code) == 0;
}

hd_err hd_flow_open(const hd_survey *sv, const hd_flow_config *cfg, int64_t now_ms,
                    hd_flow **out)
{
    if (!sv || !out || !sv->source_language || strlen(sv->source_language) >= HD_LANG_MAX ||
        sv->n_questions < 0)
        return HD_EINVAL;
    flow_impl *im = calloc(1, sizeof *im);
    if (!im)
        return HD_ENOMEM;
    hd_flow *f = &im->pub;
    f->sv = sv;
    if (cfg)
        f->cfg = *cfg;
    else
        hd_flow_config_default(&f->cfg);

    int nq = sv->n_questions;
    f->seq = calloc((size_t)(nq > 0 ? nq : 1), sizeof *f->seq);
    f->answers = calloc((size_t)(nq > 0 ? nq : 1), sizeof *f->answers);
    if (!f->seq || !f->answers)
        goto nomem;

    /* Contact JSON: every byte of an id or a value may need \u00XX (6). */
    size_t scratch = 64 + 6 * HD_LANG_MAX;
    int max_choices = 1;
    for (int q = 0; q < nq; q++) {
        const hd_question *qq = &sv->questions[q];
        size_t cap = answer_cap(qq);
        if (cap > INT_MAX / 8)
            goto inval;
        f->answers[q].cap = (int)cap;
        f->answers[q].value = calloc(cap, 1);
        if (!f->answers[q].value)
            goto nomem;
        if (qq->contact)
            scratch += 24 + 12 * (strlen(qq->id) + cap); /* twice: field and answers */
        if (qq->n_choices > max_choices)
            max_choices = qq->n_choices;
    }
    if (scratch > INT_MAX / 2)
        goto inval;
    f->scratch_cap = (int)scratch;
    f->scratch = calloc(scratch, 1);
    im->sel_cap = max_choices;
    im->sel = calloc((size_t)max_choices, 1);
    if (!f->scratch || !im->sel)
        goto nomem;

    f->screen = f->return_to = im->under = HD_SCREEN_WELCOME;
    snprintf(f->lang, sizeof f->lang, "%s", sv->source_language);
    f->tier = -1;
    f->support_mark = -1;
    f->last_input_ms = f->screen_since_ms = f->last_key_ms = now_ms;
    *out = f;
    return HD_OK;

nomem:
    hd_flow_close(f);
    return HD_ENOMEM;
inval:
    hd_flow_close(f);
    return HD_EINVAL;
}

/* ---------------------------------------------------------------- queries */

int hd_flow_current_question(const hd_flow *flow)
{
    if (!flow || flow->screen != HD_SCREEN_QUESTION || flow->pos < 0 || flow->pos >= flow->n_seq)
        return -1;
    return flow->seq[flow->pos];
}

void hd_flow_progress(const hd_flow *flow, int *index, int *count)
{
    int idx = 0, n = 0;
    int cur = hd_flow_current_question(flow);
    if (flow) {
        for (int i = 0; i < flow->n_seq; i++) {
            if (!hd_flow_visible(flow, flow->seq[i]))
                continue;
            n++;
            if (cur >= 0 && i <= flow->pos)
                idx = n;
        }
    }
    if (index)
        *index = idx;
    if (count)
        *count = n;
}

/* ---------------------------------------------------------------- effects */

static bool push(hd_effects *e, hd_fx_kind k, int q, const char *v, hd_status st)
{
    if (e->n >= HD_FX_MAX)
        return false;
    hd_effect *x = &e->fx[e->n++];
    x->kind = k;
    x->question = q;
    x->value = v;
    x->status = st;
    return true;
}

static bool room(const hd_effects *e, int n) { return e->n + n <= HD_FX_MAX; }

/* Writes question q's draft to the store if it changed. Contact answers stay
 * in memory (sealed at SEND); info questions have none. */
static bool save_answer(hd_flow *f, hd_effects *e, int q)
{
    hd_answer *a = &f->answers[q];
    const hd_question *qq = question(f, q);
    if (qq->contact || qq->type == HD_Q_INFO || !a->dirty)
        return true;
    if (a->value[0]) {
        if (!push(e, HD_FX_SAVE_ANSWER, q, a->value, HD_STATUS_IN_PROGRESS))
            return false;
        a->stored = true;
    } else if (a->stored) {
        if (!push(e, HD_FX_DELETE_ANSWER, q, NULL, HD_STATUS_IN_PROGRESS))
            return false;
        a->stored = false;
    }
    a->dirty = false;
    return true;
}

/* Answers to questions that are no longer shown go: from the store when they
 * were saved, and from memory in any case. A delete that does not fit in the
 * effect list stays marked stored, so the next cascade emits it. */
static void cascade(hd_flow *f, hd_effects *e)
{
    for (int i = 0; i < f->n_seq; i++) {
        int q = f->seq[i];
        hd_answer *a = &f->answers[q];
        if (hd_flow_visible(f, q) || (!a->value[0] && !a->stored))
            continue;
        draft_clear(a);
        a->dirty = false;
        if (a->stored && !question(f, q)->contact) {
            if (push(e, HD_FX_DELETE_ANSWER, q, NULL, HD_STATUS_IN_PROGRESS))
                a->stored = false;
            else
                a->dirty = true;
        }
    }
}

static bool any_held(const hd_flow *f)
{
    for (int i = 0; i < f->n_seq; i++) {
        const hd_answer *a = &f->answers[f->seq[i]];
        if (a->stored || a->value[0])
            return true;
    }
    return false;
}

/* ---------------------------------------------------------------- navigation */

static void go(hd_flow *f, hd_screen s, int64_t now)
{
    f->screen = s;
    f->screen_since_ms = now;
    f->scroll = 0;
}

static void build_seq(hd_flow *f)
{
    f->n_seq = 0;
    if (f->tier < 0 || f->tier >= f->sv->n_tiers)
        return;
    const hd_tier *t = &f->sv->tiers[f->tier];
    for (int s = 0; s < t->n_sections; s++) {
        int si = t->sections[s];
        if (si < 0 || si >= f->sv->n_sections)
            continue;
        const hd_section *sec = &f->sv->sections[si];
        for (int k = 0; k < sec->n_questions; k++) {
            int q = sec->first + k;
            bool dup = false;
            for (int j = 0; j < f->n_seq && !dup; j++)
                dup = f->seq[j] == q;
            if (!dup && q >= 0 && q < f->sv->n_questions && f->n_seq < f->sv->n_questions)
                f->seq[f->n_seq++] = q;
        }
    }
}

static int next_visible(const hd_flow *f, int from)
{
    for (int i = from; i < f->n_seq; i++)
        if (hd_flow_visible(f, f->seq[i]))
            return i;
    return -1;
}

static int prev_visible(const hd_flow *f, int before)
{
    for (int i = before - 1; i >= 0; i--)
        if (hd_flow_visible(f, f->seq[i]))
            return i;
    return -1;
}

static void show_question(hd_flow *f, int pos, bool from_review, int64_t now)
{
    f->pos = pos;
    f->from_review = from_review;
    f->keyboard_page = 0;
    go(f, HD_SCREEN_QUESTION, now);
}

/* Back to the welcome screen as if nobody had been here. wipe_now is false
 * when an effect of this reduce may still point at a draft, or a failed
 * effect may need the drafts back: the wipe then happens at the start of
 * the next reduce. */
static void clear_all(flow_impl *im, bool wipe_now, int64_t now)
{
    hd_flow *f = &im->pub;
    go(f, HD_SCREEN_WELCOME, now);
    f->return_to = im->under = HD_SCREEN_WELCOME;
    f->confirm = HD_CONFIRM_NONE;
    snprintf(f->lang, sizeof f->lang, "%s", f->sv->source_language);
    f->high_contrast = f->large_text = false;
    f->in_session = false;
    f->tier = -1;
    f->n_seq = f->pos = 0;
    f->from_review = false;
    f->keyboard_page = 0;
    memset(f->pin, 0, sizeof f->pin);
    f->pin_checking = f->pin_wrong = false;
    f->support_auto = false;
    f->support_mark = -1;
    f->venue_typing = false;
    memset(f->venue_draft, 0, sizeof f->venue_draft);
    im->contact_sealed = false;
    if (wipe_now)
        wipe_answers(im);
    else
        im->wipe_pending = true;
}

static void start_session(flow_impl *im, int t, hd_effects *e, int64_t now)
{
    hd_flow *f = &im->pub;
    wipe_answers(im); /* a new session never sees the last one's answers */
    f->tier = t;
    build_seq(f);
    f->in_session = true;
    f->support_mark = -1;
    f->support_auto = false;
    im->contact_sealed = false;
    push(e, HD_FX_START_SESSION, -1, NULL, HD_STATUS_IN_PROGRESS);
    int p = next_visible(f, 0);
    if (p >= 0)
        show_question(f, p, false, now);
    else {
        f->pos = 0;
        go(f, HD_SCREEN_REVIEW, now);
    }
}

/* Idle reset: the participant has gone. Typed answers of an unfinished
 * session may identify them, so they are deleted; the session is closed as
 * abandoned; contact drafts are dropped unsealed. Never put back. */
static void idle_reset(flow_impl *im, hd_effects *e, int64_t now)
{
    hd_flow *f = &im->pub;
    if (f->in_session) {
        for (int i = 0; i < f->n_seq && room(e, 2); i++) {
            int q = f->seq[i];
            const hd_question *qq = question(f, q);
            if (f->answers[q].stored && !qq->contact &&
                (qq->type == HD_Q_TEXT || qq->type == HD_Q_PHONE || qq->type == HD_Q_EMAIL))
                push(e, HD_FX_DELETE_ANSWER, q, NULL, HD_STATUS_IN_PROGRESS);
        }
        push(e, HD_FX_END_SESSION, -1, NULL, HD_STATUS_ABANDONED);
    }
    clear_all(im, true, now);
    im->last_reset = true;
}

/* ---------------------------------------------------------------- answering */

static void choose(flow_impl *im, const char *v)
{
    hd_flow *f = &im->pub;
    int q = hd_flow_current_question(f);
    if (q < 0 || !v)
        return;
    const hd_question *qq = question(f, q);
    hd_answer *a = &f->answers[q];
    if (qq->type == HD_Q_INFO)
        return;
    bool prefer = qq->sensitive && strcmp(v, HD_PREFER_NOT) == 0;
    bool ok = prefer;
    switch (qq->type) {
    case HD_Q_SINGLE: ok = ok || find_choice(qq, v) >= 0; break;
    case HD_Q_LIKERT5: ok = ok || (v[0] >= '1' && v[0] <= '5' && v[1] == '\0'); break;
    case HD_Q_YESNO: ok = ok || strcmp(v, "yes") == 0 || strcmp(v, "no") == 0; break;
    case HD_Q_MULTI: {
        int c = find_choice(qq, v);
        if (c < 0 && !prefer)
            return;
        if (prefer) {
            /* exclusive: it replaces every other choice, and goes on a second tap */
            if (strcmp(a->value, HD_PREFER_NOT) == 0)
                draft_clear(a);
            else
                draft_set(a, HD_PREFER_NOT);
        } else {
            /* rebuilt in survey order; any other choice drops "prefer not" */
            for (int i = 0; i < qq->n_choices; i++)
                im->sel[i] = has_token(a->value, qq->choices[i].id) ? 1 : 0;
            im->sel[c] ^= 1;
            draft_clear(a);
            size_t n = 0;
            for (int i = 0; i < qq->n_choices; i++) {
                if (!im->sel[i])
                    continue;
                size_t len = strlen(qq->choices[i].id);
                if (n + len + (n ? 1 : 0) >= (size_t)a->cap)
                    break;
                if (n)
                    a->value[n++] = ' ';
                memcpy(a->value + n, qq->choices[i].id, len);
                n += len;
            }
        }
        a->dirty = true;
        return;
    }
    default: break; /* typed answers: only "prefer not to say" is a choice */
    }
    if (!ok)
        return;
    if (strcmp(a->value, v) == 0)
        draft_clear(a);
    else
        draft_set(a, v);
    a->dirty = true;
}

static int count_digits(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s >= '0' && *s <= '9';
    return n;
}

/* Decimal digits of the largest magnitude a number question allows. */
static int number_digits(const hd_question *q)
{
    if (!q->has_min || !q->has_max)
        return 18;
    unsigned long a = q->min < 0 ? 0UL - (unsigned long)q->min : (unsigned long)q->min;
    unsigned long b = q->max < 0 ? 0UL - (unsigned long)q->max : (unsigned long)q->max;
    unsigned long m = a > b ? a : b;
    int d = 1;
    while (m >= 10) {
        m /= 10;
        d++;
    }
    return d;
}

static void type_text(hd_flow *f, const char *s, int64_t now)
{
    int q = hd_flow_current_question(f);
    if (q < 0 || !s)
        return;
    const hd_question *qq = question(f, q);
    if (!is_typed(qq->type))
        return;
    hd_answer *a = &f->answers[q];
    /* the whole key text must be valid UTF-8, or nothing of it is typed */
    size_t slen = strlen(s);
    for (size_t i = 0; i < slen;) {
        unsigned cp;
        int k = utf8_decode((const unsigned char *)s + i, slen - i, &cp);
        if (k == 0)
            return;
        i += (size_t)k;
    }
    bool changed = false;
    if (strcmp(a->value, HD_PREFER_NOT) == 0) {
        draft_clear(a); /* typing replaces "prefer not to say" */
        changed = true;
    }
    size_t len = strlen(a->value);
    int cps = utf8_count(a->value);
    int limit = qq->type == HD_Q_NUMBER ? INT_MAX : max_len(qq);
    for (size_t i = 0; i < slen;) {
        unsigned cp;
        int k = utf8_decode((const unsigned char *)s + i, slen - i, &cp);
        const char *bytes = s + i;
        i += (size_t)k;
        bool keep;
        switch (qq->type) {
        case HD_Q_PHONE: keep = (cp >= '0' && cp <= '9') || cp == ' ' || cp == '+'; break;
        case HD_Q_NUMBER:
            if (cp == '-')
                keep = len == 0 && (!qq->has_min || qq->min < 0);
            else
                keep = cp >= '0' && cp <= '9' && count_digits(a->value) < number_digits(qq);
            break;
        case HD_Q_EMAIL: keep = cp > 0x20 && cp != 0x7F; break;
        default: keep = (cp >= 0x20 && cp != 0x7F) || cp == '\n'; break;
        }
        if (!keep)
            continue;
        if (cps >= limit || len + (size_t)k >= (size_t)a->cap)
            break;
        memcpy(a->value + len, bytes, (size_t)k);
        len += (size_t)k;
        a->value[len] = '\0';
        cps++;
        changed = true;
    }
    if (changed) {
        a->dirty = true;
        f->last_key_ms = now;
    }
}

static void backspace(hd_flow *f, int64_t now)
{
    if (f->screen == HD_SCREEN_ADMIN_PIN) {
        size_t n = strlen(f->pin);
        if (n && !f->pin_checking)
            f->pin[n - 1] = '\0';
        return;
    }
    int q = hd_flow_current_question(f);
    if (q < 0 || !is_typed(question(f, q)->type))
        return;
    hd_answer *a = &f->answers[q];
    size_t len = strlen(a->value);
    if (len == 0 || strcmp(a->value, HD_PREFER_NOT) == 0)
        return;
    /* Remove whole code points; marks at the end go together with the
     * character they sit on, so no stray accent is left behind. */
    while (len > 0) {
        size_t i = len - 1;
        while (i > 0 && ((unsigned char)a->value[i] & 0xC0) == 0x80)
            i--;
        unsigned cp = 0;
        utf8_decode((const unsigned char *)a->value + i, len - i, &cp);
        memset(a->value + i, 0, len - i);
        len = i;
        if (!is_combining(cp))
            break;
    }
    a->dirty = true;
    f->last_key_ms = now;
}

/* Sets message_id and its numbers (message itself is set by the caller). */
static void set_message(hd_flow *f, const char *id, long a1, long a2)
{
    f->message_id = id;
    f->message_args[0] = a1;
    f->message_args[1] = a2;
}

/* Checks a number draft at NEXT. Returns false (and sets the message) when
 * it is not a whole number within range; otherwise writes it canonically. */
static bool number_ok(flow_impl *im, int q)
{
    hd_flow *f = &im->pub;
    const hd_question *qq = question(f, q);
    hd_answer *a = &f->answers[q];
    const char *s = a->value;
    if (qq->type != HD_Q_NUMBER || !s[0] || strcmp(s, HD_PREFER_NOT) == 0)
        return true;
    bool neg = *s == '-';
    const char *p = s + neg;
    bool ok = *p != '\0';
    unsigned long long mag = 0;
    for (; *p && ok; p++) {
        if (*p < '0' || *p > '9' || mag > (unsigned long long)LONG_MAX / 10)
            ok = false;
        else
            mag = mag * 10 + (unsigned long long)(*p - '0');
    }
    if (ok && mag > (unsigned long long)LONG_MAX)
        ok = false;
    long v = ok ? (neg ? -(long)mag : (long)mag) : 0;
    if (ok && ((qq->has_min && v < qq->min) || (qq->has_max && v > qq->max)))
        ok = false;
    if (!ok) {
        /* the msgid for the view to translate, and the English text */
        char *m = im->msg;
        size_t mc = sizeof im->msg;
        if (qq->has_min && qq->has_max) {
            set_message(f, HD_N_("Please enter a number from %ld to %ld"), qq->min, qq->max);
            snprintf(m, mc, "Please enter a number from %ld to %ld", qq->min, qq->max);
        } else if (qq->has_min) {
            set_message(f, HD_N_("Please enter a number of %ld or more"), qq->min, 0);
            snprintf(m, mc, "Please enter a number of %ld or more", qq->min);
        } else if (qq->has_max) {
            set_message(f, HD_N_("Please enter a number of %ld or less"), qq->max, 0);
            snprintf(m, mc, "Please enter a number of %ld or less", qq->max);
        } else {
            set_message(f, HD_N_("Please enter a whole number"), 0, 0);
            snprintf(m, mc, "%s", f->message_id);
        }
        f->message = im->msg;
        return false;
    }
    char canon[24];
    snprintf(canon, sizeof canon, "%ld", v);
    if (strcmp(canon, s) != 0) {
        draft_set(a, canon);
        a->dirty = true;
    }
    return true;
}

/* ---------------------------------------------------------------- question screen moves */

/* True when moving on from seq position from to p (-1: review) leaves a
 * section that holds a sensitive question the participant was shown, for
 * the first time this session, and the survey has a support text: then the
 * support screen comes next (docs/flow.md, "Support after a sensitive
 * section"). */
static bool support_after(const hd_flow *f, int from, int p)
{
    if (from <= f->support_mark || !f->sv->support || !f->sv->support[0])
        return false;
    int sec = question(f, f->seq[from])->section;
    if (p >= 0 && question(f, f->seq[p])->section == sec)
        return false;
    for (int i = 0; i <= from; i++) {
        int q = f->seq[i];
        if (question(f, q)->section == sec && question(f, q)->sensitive && hd_flow_visible(f, q))
            return true;
    }
    return false;
}

enum move { MOVE_NEXT, MOVE_BACK, MOVE_SKIP };

static void leave_question(flow_impl *im, enum move how, hd_effects *e, int64_t now)
{
    hd_flow *f = &im->pub;
    int q = hd_flow_current_question(f);
    if (q < 0)
        return;
    hd_answer *a = &f->answers[q];
    if (how == MOVE_SKIP && question(f, q)->type != HD_Q_INFO) {
        if (a->value[0] || a->stored)
            a->dirty = true;
        draft_clear(a);
    }
    if (how != MOVE_SKIP && !number_ok(im, q))
        return; /* stay: the message says what is wanted; nothing invalid is saved */

    if (how == MOVE_BACK && !f->from_review && prev_visible(f, f->pos) < 0 && !any_held(f)) {
        /* Back from the first question with nothing answered: the session
         * holds nothing, so it goes and the tier can be chosen again. */
        a->dirty = false;
        push(e, HD_FX_DELETE_SESSION, -1, NULL, HD_STATUS_IN_PROGRESS);
        f->in_session = false;
        f->tier = -1;
        f->n_seq = f->pos = 0;
        go(f, HD_SCREEN_TIERS, now);
        return;
    }

    save_answer(f, e, q);
    cascade(f, e);

    if (f->from_review) {
        f->from_review = false;
        go(f, HD_SCREEN_REVIEW, now);
        return;
    }
    if (how == MOVE_BACK) {
        int p = prev_visible(f, f->pos);
        if (p >= 0)
            show_question(f, p, false, now);
        /* else: the first question, answers held — stay (docs/flow.md) */
        return;
    }
    int from = f->pos;
    int p = next_visible(f, f->pos + 1);
    bool support = support_after(f, from, p);
    if (p >= 0)
        show_question(f, p, false, now);
    else
        go(f, HD_SCREEN_REVIEW, now);
    if (support) {
        /* The survey's support text, once, over wherever Next led: it
         * carries on there. */
        f->support_mark = from;
        im->under = f->return_to;
        f->return_to = f->screen;
        go(f, HD_SCREEN_SUPPORT, now);
        f->support_auto = true;
    }
}

/* ---------------------------------------------------------------- send */

/* Appends s to the scratch JSON, escaped, without quotes. */
static bool json_esc(hd_flow *f, size_t *n, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t cap = (size_t)f->scratch_cap;
    char *b = f->scratch;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc = 0;
        switch (*p) {
        case '"': esc = '"'; break;
        case '\\': esc = '\\'; break;
        case '\n': esc = 'n'; break;
        case '\r': esc = 'r'; break;
        case '\t': esc = 't'; break;
        case '\b': esc = 'b'; break;
        case '\f': esc = 'f'; break;
        default: break;
        }
        if (esc) {
            if (*n + 2 >= cap)
                return false;
            b[(*n)++] = '\\';
            b[(*n)++] = esc;
        } else if (*p < 0x20) {
            if (*n + 6 >= cap)
                return false;
            memcpy(b + *n, "\\u00", 4);
            b[*n + 4] = hex[*p >> 4];
            b[*n + 5] = hex[*p & 15];
            *n += 6;
        } else {
            if (*n + 1 >= cap)
                return false;
            b[(*n)++] = (char)*p;
        }
    }
    b[*n] = '\0';
    return true;
}

static bool json_raw(hd_flow *f, size_t *n, const char *s);

/* Appends s as a quoted JSON string. */
static bool json_str(hd_flow *f, size_t *n, const char *s)
{
    return json_raw(f, n, "\"") && json_esc(f, n, s) && json_raw(f, n, "\"");
}

static bool json_raw(hd_flow *f, size_t *n, const char *s)
{
    size_t len = strlen(s);
    if (*n + len >= (size_t)f->scratch_cap)
        return false;
    memcpy(f->scratch + *n, s, len + 1);
    *n += len;
    return true;
}

/* Appends the shown, non-empty contact answers of type t (HD_Q_TYPE_COUNT_:
 * every type) as JSON members: `"<key>": "<value>"`, where key is the
 * question id, or field when given (several answers then join with a space
 * into one member). Returns false when the scratch is too small. */
static bool contact_members(hd_flow *f, size_t *n, hd_qtype t, const char *field, bool *any)
{
    bool opened = false;
    for (int i = 0; i < f->n_seq; i++) {
        int q = f->seq[i];
        const hd_question *qq = question(f, q);
        if (!qq->contact || !f->answers[q].value[0] || !hd_flow_visible(f, q))
            continue;
        if (t != HD_Q_TYPE_COUNT_ && qq->type != t)
            continue;
        bool ok;
        if (field && opened) {
            /* join into the string just written: reopen it before its closing quote */
            (*n)--;
            ok = json_raw(f, n, " ") && json_esc(f, n, f->answers[q].value) &&
                 json_raw(f, n, "\"");
        } else {
            ok = (!*any || json_raw(f, n, ", ")) && json_str(f, n, field ? field : qq->id) &&
                 json_raw(f, n, ": ") && json_str(f, n, f->answers[q].value);
        }
        if (!ok)
            return false;
        *any = true;
        opened = true;
    }
    return true;
}

/* Builds the contact record heard-sync contacts reads (docs/sync.md):
 *   {"language": "<lang>", "name": "...", "phone": "...", "email": "...",
 *    "answers": {"<question-id>": "<answer>", ...}}
 * name joins the text answers, phone and email take those types; members
 * without an answer are left out. Returns false when there are no answers. */
static bool contact_json(hd_flow *f)
{
    size_t n = 0;
    bool any = false, any_answer = false;
    memset(f->scratch, 0, (size_t)f->scratch_cap);
    bool ok = json_raw(f, &n, "{") && json_str(f, &n, "language") && json_raw(f, &n, ": ") &&
              json_str(f, &n, f->lang);
    any = true;
    ok = ok && contact_members(f, &n, HD_Q_TEXT, "name", &any) &&
         contact_members(f, &n, HD_Q_PHONE, "phone", &any) &&
         contact_members(f, &n, HD_Q_EMAIL, "email", &any) &&
         json_raw(f, &n, ", \"answers\": {") &&
         contact_members(f, &n, HD_Q_TYPE_COUNT_, NULL, &any_answer) && json_raw(f, &n, "}}");
    return any_answer && ok; /* the scratch is sized so that ok always holds */
}

static void send(flow_impl *im, hd_effects *e, int64_t now)
{
    hd_flow *f = &im->pub;
    if (!f->in_session)
        return;
    for (int i = 0; i < f->n_seq; i++) {
        int q = f->seq[i];
        if (hd_flow_visible(f, q) && (!room(e, 3) || !save_answer(f, e, q)))
            return; /* more unsaved answers than one list holds: SEND again */
    }
    cascade(f, e);
    if (!room(e, 2))
        return;
    if (!im->contact_sealed && contact_json(f))
        push(e, HD_FX_SEAL_CONTACT, -1, f->scratch, HD_STATUS_IN_PROGRESS);
    push(e, HD_FX_END_SESSION, -1, NULL, HD_STATUS_COMPLETE);
    f->in_session = false;
    f->confirm = HD_CONFIRM_NONE;
    f->from_review = false;
    go(f, HD_SCREEN_THANKS, now);
    /* drafts (contact ones included) are zeroed at the next reduce: the
     * effects above point into them until then */
    im->wipe_pending = true;
}

/* ---------------------------------------------------------------- store failure */

/* Effects that write the kiosk's database (a failure is a STORE_FAILED).
 * The USB effects report their own outcome on the admin screen. */
static bool is_store_fx(hd_fx_kind k)
{
    return k != HD_FX_CHECK_PIN && k != HD_FX_QUIT && k != HD_FX_USB_COPY &&
           k != HD_FX_LOAD_UPDATES;
}

static void store_failed(flow_impl *im, const hd_action *act)
{
    hd_flow *f = &im->pub;
    const hd_effects *last = &im->last;
    if (last->n > 0 && !im->last_reset) {
        /* Put the flow back as it was before the reduce whose effects
         * failed. Drafts were not wiped (wipes are deferred), so only the
         * navigation is restored; answers keep their current drafts. */
        int64_t last_input = f->last_input_ms;
        *f = im->snap;
        im->under = im->snap_under;
        f->last_input_ms = last_input;
        im->wipe_pending = false;
        build_seq(f);
        /* act->num: how many effects were carried out before the failure
         * (0 when the caller does not say). Those not known to be done may
         * or may not have reached the disk: mark them stored-and-dirty, so
         * the next save rewrites the value or repeats the delete. */
        int done = act->num < 0 ? 0 : act->num > last->n ? last->n : act->num;
        for (int i = 0; i < last->n; i++) {
            const hd_effect *x = &last->fx[i];
            if (i < done) {
                if (x->kind == HD_FX_SEAL_CONTACT)
                    im->contact_sealed = true;
                continue;
            }
            if ((x->kind == HD_FX_SAVE_ANSWER || x->kind == HD_FX_DELETE_ANSWER) &&
                x->question >= 0 && x->question < f->sv->n_questions) {
                f->answers[x->question].stored = true;
                f->answers[x->question].dirty = true;
            }
        }
    }
    im->last.n = 0;
    f->store_failed = true;
    f->message = STORE_MSG;
    set_message(f, STORE_MSG, 0, 0);
}

/* ---------------------------------------------------------------- reduce */

static bool idle_screen(hd_screen s)
{
    return s == HD_SCREEN_CONSENT || s == HD_SCREEN_TIERS || s == HD_SCREEN_QUESTION ||
           s == HD_SCREEN_REVIEW || s == HD_SCREEN_SUPPORT || s == HD_SCREEN_ADMIN_PIN ||
           s == HD_SCREEN_ADMIN;
}

static void tick(flow_impl *im, hd_effects *e, int64_t now)
{
    hd_flow *f = &im->pub;
    switch (f->screen) {
    case HD_SCREEN_THANKS:
        if (now - f->screen_since_ms >= f->cfg.thanks_ms)
            clear_all(im, true, now);
        return;
    case HD_SCREEN_STILL_THERE:
        if (now - f->screen_since_ms >= f->cfg.reset_after_ms)
            idle_reset(im, e, now);
        return;
    case HD_SCREEN_QUESTION: {
        /* A typed answer is kept once the typing pauses, so a long story is
         * not lost to a flat battery. Not after a failure: NEXT retries. */
        int q = hd_flow_current_question(f);
        const hd_question *qq = q >= 0 ? question(f, q) : NULL;
        if (qq && !qq->contact && f->answers[q].dirty && !f->store_failed &&
            (qq->type == HD_Q_TEXT || qq->type == HD_Q_PHONE || qq->type == HD_Q_EMAIL) &&
            now - f->last_key_ms >= f->cfg.text_save_pause_ms) {
            save_answer(f, e, q);
            cascade(f, e);
        }
        break;
    }
    default: break;
    }
    if (idle_screen(f->screen) && now - f->last_input_ms >= f->cfg.still_there_after_ms) {
        im->under = f->return_to;
        f->return_to = f->screen;
        go(f, HD_SCREEN_STILL_THERE, now);
    }
}

/* Actions that mean nobody is touching the screen. */
static bool is_reply(hd_act_kind k)
{
    return k == HD_ACT_NONE || k == HD_ACT_TICK || k == HD_ACT_PIN_RESULT ||
           k == HD_ACT_STORE_FAILED;
}

static void set_language(hd_flow *f, const char *code, hd_effects *e)
{
    if (!lang_ok(f->sv, code) || strcmp(code, f->lang) == 0)
        return;
    snprintf(f->lang, sizeof f->lang, "%s", code);
    if (f->in_session)
        push(e, HD_FX_SET_LANGUAGE, -1, NULL, HD_STATUS_IN_PROGRESS);
}

static void return_from_cover(flow_impl *im, int64_t now)
{
    hd_flow *f = &im->pub;
    hd_screen back = f->return_to;
    f->return_to = im->under;
    im->under = HD_SCREEN_WELCOME;
    go(f, back, now);
}

static void on_question(flow_impl *im, const hd_action *act, hd_effects *e)
{
    hd_flow *f = &im->pub;
    int64_t now = act->now_ms;
    switch (act->kind) {
    case HD_ACT_CHOOSE: choose(im, act->str); break;
    case HD_ACT_KEY: type_text(f, act->str, now); break;
    case HD_ACT_KEY_BACKSPACE: backspace(f, now); break;
    case HD_ACT_NEXT: leave_question(im, MOVE_NEXT, e, now); break;
    case HD_ACT_BACK: leave_question(im, MOVE_BACK, e, now); break;
    case HD_ACT_SKIP: leave_question(im, MOVE_SKIP, e, now); break;
    default: break;
    }
}

static void on_leave(flow_impl *im, hd_effects *e, int64_t now)
{
    hd_flow *f = &im->pub;
    if (f->in_session && any_held(f)) {
        f->confirm = HD_CONFIRM_LEAVE;
    } else {
        /* nothing of theirs is held: no need to ask */
        if (f->in_session)
            push(e, HD_FX_DELETE_SESSION, -1, NULL, HD_STATUS_IN_PROGRESS);
        clear_all(im, e->n == 0, now);
    }
}

static void on_confirm(flow_impl *im, const hd_action *act, hd_effects *e)
{
    hd_flow *f = &im->pub;
    if (act->kind == HD_ACT_CANCEL) {
        f->confirm = HD_CONFIRM_NONE;
        return;
    }
    if (act->kind != HD_ACT_CONFIRM)
        return; /* the question is modal */
    if (f->in_session)
        push(e, HD_FX_DELETE_SESSION, -1, NULL, HD_STATUS_IN_PROGRESS);
    /* deferred wipe: if the delete fails the participant must be able to
     * try again, with their answers still there to delete */
    clear_all(im, e->n == 0, act->now_ms);
}

/* ---------------------------------------------------------------- staff */

/* Appends the typed key text s to the venue draft: printable characters
 * only (a venue is one line), valid UTF-8 as a whole, at most
 * HD_VENUE_CHARS code points. */
static void venue_type(hd_flow *f, const char *s)
{
    size_t slen = strlen(s);
    for (size_t i = 0; i < slen;) {
        unsigned cp;
        int k = utf8_decode((const unsigned char *)s + i, slen - i, &cp);
        if (k == 0)
            return;
        i += (size_t)k;
    }
    size_t len = strlen(f->venue_draft);
    int cps = utf8_count(f->venue_draft);
    for (size_t i = 0; i < slen;) {
        unsigned cp;
        int k = utf8_decode((const unsigned char *)s + i, slen - i, &cp);
        const char *bytes = s + i;
        i += (size_t)k;
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
            continue;
        if (cps >= HD_VENUE_CHARS || len + (size_t)k >= sizeof f->venue_draft)
            break;
        if (cp == ' ' && (len == 0 || f->venue_draft[len - 1] == ' '))
            continue; /* no leading or doubled spaces: "St  Mary's" is not a new venue */
        memcpy(f->venue_draft + len, bytes, (size_t)k);
        len += (size_t)k;
        f->venue_draft[len] = '\0';
        cps++;
    }
}

/* Removes the last code point of the venue draft (marks with their letter). */
static void venue_backspace(hd_flow *f)
{
    size_t len = strlen(f->venue_draft);
    while (len > 0) {
        size_t i = len - 1;
        while (i > 0 && ((unsigned char)f->venue_draft[i] & 0xC0) == 0x80)
            i--;
        unsigned cp = 0;
        utf8_decode((const unsigned char *)f->venue_draft + i, len - i, &cp);
        memset(f->venue_draft + i, 0, len - i);
        len = i;
        if (!is_combining(cp))
            break;
    }
}

/* Sets the venue to name (copied into the draft, which the effect points
 * at until the next reduce). Names that are empty, too long or not valid
 * UTF-8 are ignored. */
static void set_venue(hd_flow *f, const char *name, hd_effects *e)
{
    memset(f->venue_draft, 0, sizeof f->venue_draft);
    venue_type(f, name);
    size_t len = strlen(f->venue_draft);
    while (len > 0 && f->venue_draft[len - 1] == ' ')
        f->venue_draft[--len] = '\0';
    if (len == 0 || strcmp(f->venue_draft, name) != 0) {
        memset(f->venue_draft, 0, sizeof f->venue_draft);
        return;
    }
    push(e, HD_FX_SET_VENUE, -1, f->venue_draft, HD_STATUS_IN_PROGRESS);
}

static void on_admin(flow_impl *im, const hd_action *act, hd_effects *e)
{
    hd_flow *f = &im->pub;
    hd_act_kind k = act->kind;
    if (k == HD_ACT_ADMIN_EXIT) {
        clear_all(im, true, act->now_ms);
        return;
    }
    if (f->venue_typing) {
        if (k == HD_ACT_KEY && act->str) {
            venue_type(f, act->str);
        } else if (k == HD_ACT_KEY_BACKSPACE) {
            venue_backspace(f);
        } else if (k == HD_ACT_NEXT) {
            size_t len = strlen(f->venue_draft);
            while (len > 0 && f->venue_draft[len - 1] == ' ')
                f->venue_draft[--len] = '\0';
            if (len > 0) {
                f->venue_typing = false;
                push(e, HD_FX_SET_VENUE, -1, f->venue_draft, HD_STATUS_IN_PROGRESS);
            }
        } else if (k == HD_ACT_CANCEL || k == HD_ACT_BACK) {
            f->venue_typing = false;
            memset(f->venue_draft, 0, sizeof f->venue_draft);
        }
        return;
    }
    switch (k) {
    case HD_ACT_BACK:
    case HD_ACT_CANCEL: clear_all(im, true, act->now_ms); break;
    case HD_ACT_QUIT: push(e, HD_FX_QUIT, -1, NULL, HD_STATUS_IN_PROGRESS); break;
    case HD_ACT_ADMIN_VENUE:
        if (act->str) {
            set_venue(f, act->str, e);
        } else {
            f->venue_typing = true;
            f->keyboard_page = 0;
            memset(f->venue_draft, 0, sizeof f->venue_draft);
        }
        break;
    case HD_ACT_ADMIN_MODE:
        if (act->str && strcmp(act->str, "self") == 0)
            push(e, HD_FX_SET_MODE, -1, "self", HD_STATUS_IN_PROGRESS);
        else if (act->str && strcmp(act->str, "assisted") == 0)
            push(e, HD_FX_SET_MODE, -1, "assisted", HD_STATUS_IN_PROGRESS);
        break;
    case HD_ACT_USB_COPY: push(e, HD_FX_USB_COPY, -1, NULL, HD_STATUS_IN_PROGRESS); break;
    case HD_ACT_USB_UPDATES: push(e, HD_FX_LOAD_UPDATES, -1, NULL, HD_STATUS_IN_PROGRESS); break;
    default: break;
    }
}

static void dispatch(flow_impl *im, const hd_action *act, hd_effects *e)
{
    hd_flow *f = &im->pub;
    int64_t now = act->now_ms;
    hd_act_kind k = act->kind;

    if (k == HD_ACT_TICK) {
        tick(im, e, now);
        return;
    }
    if (k == HD_ACT_PIN_RESULT) {
        /* may arrive while still-there covers the keypad: then it is
         * where still-there goes back to that changes */
        if (!f->pin_checking)
            return;
        f->pin_checking = false;
        memset(f->pin, 0, sizeof f->pin);
        f->pin_wrong = act->num != 1;
        if (act->num == 1 && f->screen == HD_SCREEN_ADMIN_PIN)
            go(f, HD_SCREEN_ADMIN, now);
        else if (act->num == 1 && f->screen == HD_SCREEN_STILL_THERE &&
                 f->return_to == HD_SCREEN_ADMIN_PIN)
            f->return_to = HD_SCREEN_ADMIN;
        return;
    }
    if (f->screen == HD_SCREEN_STILL_THERE) {
        if (!is_reply(k))
            return_from_cover(im, now); /* any touch means someone is here */
        return;
    }
    /* accessibility toggles work everywhere, even under a confirm */
    if (k == HD_ACT_TOGGLE_CONTRAST) {
        f->high_contrast = !f->high_contrast;
        return;
    }
    if (k == HD_ACT_TOGGLE_LARGE_TEXT) {
        f->large_text = !f->large_text;
        return;
    }
    if (k == HD_ACT_SCROLL) {
        long s = (long)f->scroll + act->num;
        f->scroll = s < 0 ? 0 : s > INT_MAX ? INT_MAX : (int)s;
        return;
    }
    if (k == HD_ACT_KEYBOARD_PAGE) {
        f->keyboard_page = act->num < 0 ? 0 : act->num;
        return;
    }
    if (f->confirm != HD_CONFIRM_NONE) {
        on_confirm(im, act, e);
        return;
    }
    if (k == HD_ACT_SUPPORT) {
        if (f->screen != HD_SCREEN_SUPPORT) {
            im->under = f->return_to;
            f->return_to = f->screen;
            go(f, HD_SCREEN_SUPPORT, now);
            f->support_auto = false;
        }
        return;
    }
    if (k == HD_ACT_LANG && f->screen != HD_SCREEN_WELCOME) {
        set_language(f, act->str, e);
        return;
    }
    if (k == HD_ACT_STAFF_HOLD) {
        /* Never in a session: staff must not see a participant's answers. */
        hd_screen s = f->screen;
        if (f->cfg.staff_allowed && !f->in_session &&
            (s == HD_SCREEN_WELCOME || s == HD_SCREEN_CONSENT || s == HD_SCREEN_TIERS ||
             s == HD_SCREEN_THANKS)) {
            f->return_to = s == HD_SCREEN_THANKS ? HD_SCREEN_WELCOME : s;
            memset(f->pin, 0, sizeof f->pin);
            f->pin_wrong = f->pin_checking = false;
            go(f, HD_SCREEN_ADMIN_PIN, now);
        }
        return;
    }

    switch (f->screen) {
    case HD_SCREEN_WELCOME:
        if (k == HD_ACT_LANG && lang_ok(f->sv, act->str)) {
            snprintf(f->lang, sizeof f->lang, "%s", act->str);
            go(f, HD_SCREEN_CONSENT, now);
        } else if (k == HD_ACT_NEXT) {
            go(f, HD_SCREEN_CONSENT, now);
        }
        break;
    case HD_SCREEN_CONSENT:
        if (k == HD_ACT_NEXT)
            go(f, HD_SCREEN_TIERS, now);
        else if (k == HD_ACT_LEAVE || k == HD_ACT_BACK)
            clear_all(im, true, now);
        break;
    case HD_SCREEN_TIERS:
        if (k == HD_ACT_TIER && !f->in_session && tier_allowed(f, act->num))
            start_session(im, act->num, e, now);
        else if (k == HD_ACT_BACK && !f->in_session)
            go(f, HD_SCREEN_CONSENT, now);
        else if (k == HD_ACT_LEAVE)
            on_leave(im, e, now);
        break;
    case HD_SCREEN_QUESTION:
        if (k == HD_ACT_LEAVE)
            on_leave(im, e, now);
        else
            on_question(im, act, e);
        break;
    case HD_SCREEN_REVIEW:
        if (k == HD_ACT_BACK) {
            int p = prev_visible(f, f->n_seq);
            if (p >= 0)
                show_question(f, p, false, now);
        } else if (k == HD_ACT_REVIEW_EDIT) {
            for (int i = 0; i < f->n_seq; i++)
                if (f->seq[i] == act->num && hd_flow_visible(f, act->num))
                    show_question(f, i, true, now);
        } else if (k == HD_ACT_SEND) {
            send(im, e, now);
        } else if (k == HD_ACT_WITHDRAW) {
            f->confirm = HD_CONFIRM_WITHDRAW;
        } else if (k == HD_ACT_LEAVE) {
            on_leave(im, e, now);
        }
        break;
    case HD_SCREEN_THANKS:
        if (k == HD_ACT_HOME || k == HD_ACT_LEAVE) {
            clear_all(im, true, now);
        } else if (k == HD_ACT_TIER && act->num >= 0 && act->num == hd_flow_offer_tier(f)) {
            start_session(im, act->num, e, now);
        }
        break;
    case HD_SCREEN_SUPPORT:
        if (k == HD_ACT_BACK || k == HD_ACT_NEXT || k == HD_ACT_CANCEL) {
            f->support_auto = false;
            return_from_cover(im, now);
        }
        break;
    case HD_SCREEN_ADMIN_PIN:
        if (k == HD_ACT_KEY && act->str && !f->pin_checking) {
            for (const char *p = act->str; *p; p++) {
                size_t n = strlen(f->pin);
                if (*p < '0' || *p > '9' || n >= HD_PIN_MAX)
                    break;
                f->pin[n] = *p;
                f->pin_wrong = false;
            }
        } else if (k == HD_ACT_KEY_BACKSPACE) {
            backspace(f, now);
        } else if (k == HD_ACT_NEXT && f->pin[0] && !f->pin_checking) {
            f->pin_checking = true;
            f->pin_wrong = false;
            push(e, HD_FX_CHECK_PIN, -1, f->pin, HD_STATUS_IN_PROGRESS);
        } else if (k == HD_ACT_CANCEL || k == HD_ACT_BACK) {
            hd_screen back = f->return_to;
            memset(f->pin, 0, sizeof f->pin);
            f->pin_checking = f->pin_wrong = false;
            f->return_to = HD_SCREEN_WELCOME;
            if (back == HD_SCREEN_CONSENT || back == HD_SCREEN_TIERS)
                go(f, back, now);
            else
                clear_all(im, true, now);
        }
        break;
    case HD_SCREEN_ADMIN:
        on_admin(im, act, e);
        break;
    default: break;
    }
}

void hd_flow_effects_done(hd_flow *flow)
{
    if (!flow)
        return;
    flow_impl *im = impl(flow);
    if (im->wipe_pending)
        wipe_answers(im);
}

hd_effects hd_flow_reduce(hd_flow *flow, const hd_action *act)
{
    hd_effects e;
    e.n = 0;
    if (!flow || !act)
        return e;
    flow_impl *im = impl(flow);
    if (act->kind == HD_ACT_STORE_FAILED) {
        store_failed(im, act);
        return e;
    }
    if (im->wipe_pending)
        wipe_answers(im);
    im->snap = *flow;
    memset(im->snap.pin, 0, sizeof im->snap.pin); /* no second copy of a PIN */
    im->snap_under = im->under;
    im->last_reset = false;
    if (!is_reply(act->kind)) {
        flow->last_input_ms = act->now_ms;
        flow->message = NULL; /* a message answers the last touch only */
        set_message(flow, NULL, 0, 0);
    }

    dispatch(im, act, &e);

    bool wrote = false;
    for (int i = 0; i < e.n; i++)
        wrote = wrote || is_store_fx(e.fx[i].kind);
    if (wrote)
        flow->store_failed = false; /* a new attempt; a failure reports again */
    if (flow->store_failed && !flow->message) {
        flow->message = STORE_MSG;
        set_message(flow, STORE_MSG, 0, 0);
    }
    im->last = e;
    return e;
}
