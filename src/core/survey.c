/* survey.c — survey definitions: load, validate, look up (DESIGN §4).
 *
 * The JSON tree is kept alive inside the survey: every string of the model
 * points into it, so loading copies no text. The validator never stops at
 * the first problem. It builds as much of the model as it can, because the
 * cross-references (a tier naming a section, a show_if naming a question)
 * can only be checked against the whole, and a coordinator fixing a file
 * wants every problem in one run, in file order.
 */
#include "core/survey.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

/* The survey handed out is the first member, so hd_survey_free() can find
 * the JSON document its strings live in. */
typedef struct survey_box {
    hd_survey sv;
    hd_json_doc *doc;
} survey_box;

/* NULL-terminated, so it is also a word list for messages. */
static const char *const qtype_names[HD_Q_TYPE_COUNT_ + 1] = {
    "single", "multi", "likert5", "yesno", "number", "text", "phone", "email", "info", NULL};

const char *hd_qtype_name(hd_qtype t)
{
    if ((int)t < 0 || t >= HD_Q_TYPE_COUNT_)
        return NULL;
    return qtype_names[t];
}

/* ---- limits and key lists ------------------------------------------- */

#define ID_MAX 64          /* ids become CSV column names: keep them short */
#define MAX_LENGTH_MAX 10000
#define NUMBER_LIMIT 1000000000L /* min/max beyond this are surely a typo */

static const char *const top_keys[] = {"heard_survey", "id",      "version", "source_language",
                                       "languages",    "title",   "consent", "support",
                                       "tiers",        "sections", NULL};
static const char *const tier_keys[] = {"id", "title", "blurb", "sections", NULL};
static const char *const section_keys[] = {"id", "title", "questions", NULL};
static const char *const question_keys[] = {
    "id",      "type",         "text",    "choices", "sensitive",  "quasi_identifier",
    "contact", "show_results", "targets", "min",     "max",        "max_length",
    "show_if", NULL};
static const char *const choice_keys[] = {"id", "text", NULL};
static const char *const show_if_keys[] = {"question", "any_of", NULL};
static const char *const tier_ids[] = {"quick", "story", "group", NULL};
/* The anonymised export's own leading columns (DESIGN §6): a question id
 * equal to one of them would give the CSV two columns of that name. */
static const char *const export_columns[] = {"response_id", "week", "language", "tier",
                                             "venue", NULL};

/* ---- small string helpers ------------------------------------------- */

/* Number of code points in a valid UTF-8 string, or -1 when s is not valid
 * UTF-8 (overlong forms, surrogates, above U+10FFFF). */
static long utf8_count(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    long n = 0;
    while (*p) {
        unsigned char c = *p;
        int len;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c < 0x80)
            len = 1;
        else if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0;
            if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90;
            if (c == 0xF4)
                hi = 0x8F;
        } else
            return -1;
        for (int i = 1; i < len; i++) {
            unsigned char b = p[i];
            if (i == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80)
                return -1;
        }
        p += len;
        n++;
    }
    return n;
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

/* Optimal string alignment distance (edits, with transpositions), case
 * folded; a large value for long words, which get no suggestion. */
static int distance(const char *a, const char *b)
{
    enum { N = 48 };
    size_t la = strlen(a), lb = strlen(b);
    if (la >= N || lb >= N)
        return 99;
    int d[N][N];
    for (size_t i = 0; i <= la; i++)
        d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            int cost = lower(a[i - 1]) != lower(b[j - 1]);
            int best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < best)
                best = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
                lower(a[i - 2]) == lower(b[j - 1]) && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

/* The candidate closest to word, or NULL when none is close enough to be a
 * likely typo. Candidates are n records of `stride` bytes whose first member
 * is a const char * (key lists, and hd_question, hd_section, hd_choice,
 * hd_tier, which all start with their id). NULL entries are skipped. */
static const char *closest(const char *word, const void *base, size_t n, size_t stride)
{
    size_t wl = strlen(word);
    int allowed = wl <= 4 ? 1 : wl <= 8 ? 2 : 3;
    const char *best = NULL;
    int best_d = allowed + 1;
    for (size_t i = 0; i < n; i++) {
        const char *c = *(const char *const *)((const char *)base + i * stride);
        if (!c || !*c || strcmp(c, word) == 0)
            continue;
        int dd = distance(word, c);
        if (dd < best_d && (size_t)dd < wl) {
            best_d = dd;
            best = c;
        }
    }
    return best;
}

static size_t list_len(const char *const *list)
{
    size_t n = 0;
    while (list[n])
        n++;
    return n;
}

static bool in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

/* Joins a key list as "a, b, c" into buf. */
static const char *join(const char *const *list, char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; list[i] && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%s%s", i ? ", " : "", list[i]);
    return buf;
}

/* BCP 47-like: a 2-3 letter lower-case language, then optionally a script
 * ("Hant") and a region ("BR" or "419"), joined by '-'. This mirrors the rule
 * documented for hd_lang_code_valid() in i18n.h, kept local so the survey
 * module does not depend on the translation module. */
static bool lang_code_ok(const char *c)
{
    size_t n = 0;
    while (c[n] >= 'a' && c[n] <= 'z')
        n++;
    if (n < 2 || n > 3)
        return false;
    c += n;
    bool script = false, region = false;
    while (*c == '-') {
        c++;
        size_t m = 0;
        while ((c[m] >= 'a' && c[m] <= 'z') || (c[m] >= 'A' && c[m] <= 'Z') ||
               (c[m] >= '0' && c[m] <= '9'))
            m++;
        bool upper2 = m == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z';
        bool digits3 = m == 3 && c[0] >= '0' && c[0] <= '9' && c[1] >= '0' && c[1] <= '9' &&
                       c[2] >= '0' && c[2] <= '9';
        bool title4 = m == 4 && c[0] >= 'A' && c[0] <= 'Z';
        for (size_t i = 1; title4 && i < 4; i++)
            title4 = c[i] >= 'a' && c[i] <= 'z';
        if (title4 && !script && !region)
            script = true;
        else if ((upper2 || digits3) && !region)
            region = true;
        else
            return false;
        c += m;
    }
    return *c == '\0';
}

/* A decimal integer: optional '-', 1 to 18 digits. */
static bool parse_integer(const char *s, long *out)
{
    const char *p = s;
    if (*p == '-')
        p++;
    size_t n = strspn(p, "0123456789");
    if (n == 0 || n > 18 || p[n] != '\0')
        return false;
    errno = 0;
    long v = strtol(s, NULL, 10);
    if (errno)
        return false;
    *out = v;
    return true;
}

/* ---- the validator -------------------------------------------------- */

typedef struct V {
    hd_diag *d;
    hd_survey *sv;
    bool nomem;
    /* the JSON object behind each model element, for positions in
     * cross-reference messages */
    const hd_json **qnode, **snode, **tnode;
    bool *qtype_ok; /* the question's type is known (type checks ran) */
    bool *qchoices_ok; /* single/multi: its choices parsed without fault */
} V;

static void err_at(V *v, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void err_at(V *v, int line, int col, const char *fmt, ...)
{
    char msg[HD_DIAG_MSG];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    hd_diag_add(v->d, line, col, "%s", msg);
}

#define AT(n) (n)->line, (n)->col         /* where a value starts */
#define KEY_AT(n) (n)->key_line, (n)->key_col /* where a member's key starts */

static void *xcalloc(V *v, size_t n, size_t size)
{
    if (n == 0)
        return NULL;
    void *p = calloc(n, size);
    if (!p)
        v->nomem = true;
    return p;
}

/* Reports every member of o not in known, suggesting the nearest known key.
 * whose: "a question's", for the message listing the known keys. */
static void check_keys(V *v, const hd_json *o, const char *const *known, const char *whose)
{
    for (const hd_json *m = o->child; m; m = m->next) {
        if (in_list(m->key, known))
            continue;
        const char *near = closest(m->key, known, list_len(known), sizeof known[0]);
        char buf[200];
        if (near)
            err_at(v, KEY_AT(m), "unknown key \"%s\" (did you mean \"%s\"?)", m->key, near);
        else
            err_at(v, KEY_AT(m), "unknown key \"%s\" (%s keys are: %s)", m->key, whose,
                   join(known, buf, sizeof buf));
    }
}

/* The member key of o if it has the type wanted. Reports a missing required
 * member (at the object) and a wrong type (at the value). ctx names the
 * object: "question \"age\"". */
static const hd_json *member(V *v, const hd_json *o, const char *key, hd_json_type want,
                             bool required, const char *ctx)
{
    const hd_json *m = hd_json_get(o, key);
    if (!m) {
        if (required)
            err_at(v, AT(o), "missing key \"%s\" in %s", key, ctx);
        return NULL;
    }
    if (m->type != want) {
        err_at(v, AT(m), "\"%s\" in %s must be %s, found %s", key, ctx,
               hd_json_type_phrase(want), hd_json_type_phrase(m->type));
        return NULL;
    }
    return m;
}

/* Checks a person-facing text value: not empty, not blank, no spaces at its
 * ends (translations are matched on the exact text), no control characters
 * but line breaks where paragraphs make sense. */
static void check_text_value(V *v, const hd_json *m, const char *key, const char *ctx,
                             bool multiline)
{
    const char *s = m->string;
    if (m->string_len == 0) {
        err_at(v, AT(m), "\"%s\" in %s is empty", key, ctx);
        return;
    }
    size_t n = m->string_len, i = 0;
    while (i < n && is_space(s[i]))
        i++;
    if (i == n) {
        err_at(v, AT(m), "\"%s\" in %s is blank", key, ctx);
        return;
    }
    if (is_space(s[0]) || is_space(s[n - 1])) {
        err_at(v, AT(m),
               "\"%s\" in %s %s with a space or line break; remove it (translations match "
               "the text exactly)",
               key, ctx, is_space(s[0]) ? "starts" : "ends");
        return;
    }
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' && !multiline) {
            err_at(v, AT(m), "\"%s\" in %s contains a line break; keep it on one line", key,
                   ctx);
            return;
        }
        if ((c < 0x20 && c != '\n') || c == 0x7F) {
            err_at(v, AT(m), "\"%s\" in %s contains the control character U+%04X", key, ctx,
                   c);
            return;
        }
    }
}

/* A text member; "" when absent or wrong (problems reported). */
static const char *text_field(V *v, const hd_json *o, const char *key, bool required,
                              bool multiline, const char *ctx)
{
    const hd_json *m = member(v, o, key, HD_JSON_STRING, required, ctx);
    if (!m)
        return "";
    check_text_value(v, m, key, ctx, multiline);
    return m->string;
}

/* Checks an id value. what: "question", "choice"... allow_plus: choice ids
 * may hold '+' ("65+"), which is safe in CSV cells and PO contexts. */
static void check_id_value(V *v, const hd_json *m, const char *what, bool allow_plus)
{
    const char *s = m->string;
    if (m->string_len == 0) {
        err_at(v, AT(m), "%s id is empty", what);
        return;
    }
    if (m->string_len > ID_MAX) {
        err_at(v, AT(m), "%s id \"%.40s...\" is longer than %d characters", what, s, ID_MAX);
        return;
    }
    const char *ok = allow_plus ? "abcdefghijklmnopqrstuvwxyz0123456789_-+"
                                : "abcdefghijklmnopqrstuvwxyz0123456789_-";
    if (strspn(s, ok) == m->string_len)
        return;
    /* Suggest the id a coordinator most likely meant: lower case, spaces
     * turned into '-', anything else dropped. */
    char sug[ID_MAX + 1];
    size_t n = 0;
    for (const char *p = s; *p && n < ID_MAX; p++) {
        char c = lower(*p);
        if (c == ' ' || c == '.')
            c = '-';
        if (strchr(ok, c))
            sug[n++] = c;
    }
    sug[n] = '\0';
    char hint[ID_MAX + 16] = "";
    if (n > 0)
        snprintf(hint, sizeof hint, " (try \"%s\")", sug);
    err_at(v, AT(m),
           "%s id \"%s\" may only use a-z, 0-9, '_'%s and '-', because ids become CSV "
           "columns and translation contexts%s",
           what, s, allow_plus ? ", '+'" : "", hint);
}

/* An id member; NULL when absent or not a string (reported). */
static const char *id_field(V *v, const hd_json *o, const char *what, bool allow_plus,
                            const char *ctx)
{
    const hd_json *m = member(v, o, "id", HD_JSON_STRING, true, ctx);
    if (!m)
        return NULL;
    check_id_value(v, m, what, allow_plus);
    return m->string;
}

static bool bool_field(V *v, const hd_json *o, const char *key, const char *ctx)
{
    const hd_json *m = member(v, o, key, HD_JSON_BOOL, false, ctx);
    return m && m->boolean;
}

/* A whole-number member; false when absent or wrong (reported). */
static bool integer_field(V *v, const hd_json *o, const char *key, const char *ctx,
                          long *out)
{
    const hd_json *m = member(v, o, key, HD_JSON_NUMBER, false, ctx);
    if (!m)
        return false;
    long x;
    if (!parse_integer(m->number_text, &x)) {
        if (strpbrk(m->number_text, ".eE"))
            err_at(v, AT(m), "\"%s\" in %s must be a whole number, found %s", key, ctx,
                   m->number_text);
        else
            err_at(v, AT(m), "\"%s\" in %s is too large: %s", key, ctx, m->number_text);
        return false;
    }
    *out = x;
    return true;
}

static const hd_json *id_node(const hd_json *o)
{
    const hd_json *m = hd_json_get(o, "id");
    return m && m->type == HD_JSON_STRING ? m : o;
}

/* ---- top level ------------------------------------------------------ */

static void parse_languages(V *v, const hd_json *root)
{
    hd_survey *sv = v->sv;
    const hd_json *langs = member(v, root, "languages", HD_JSON_ARRAY, true, "the survey");
    if (langs && langs->n_children == 0)
        err_at(v, AT(langs), "\"languages\" is empty: list at least the source language");
    if (langs && langs->n_children > 0) {
        sv->languages = xcalloc(v, (size_t)langs->n_children, sizeof *sv->languages);
        if (!sv->languages)
            return;
        for (const hd_json *l = langs->child; l; l = l->next) {
            if (l->type != HD_JSON_STRING) {
                err_at(v, AT(l), "a language in \"languages\" must be a string such as "
                                 "\"pl\", found %s",
                       hd_json_type_phrase(l->type));
                continue;
            }
            if (!lang_code_ok(l->string)) {
                err_at(v, AT(l),
                       "language code \"%s\" is not valid: write a BCP 47 code such as "
                       "\"en\", \"pt-BR\" or \"zh-Hant\"",
                       l->string);
                continue;
            }
            const hd_json *dup = NULL;
            for (const hd_json *e = langs->child; e != l; e = e->next)
                if (e->type == HD_JSON_STRING && strcmp(e->string, l->string) == 0) {
                    dup = e;
                    break;
                }
            if (dup) {
                err_at(v, AT(l), "language \"%s\" is listed twice (first at %d:%d)", l->string,
                       dup->line, dup->col);
                continue;
            }
            sv->languages[sv->n_languages++] = l->string;
        }
    }
    const hd_json *src =
        member(v, root, "source_language", HD_JSON_STRING, true, "the survey");
    if (!src)
        return;
    sv->source_language = src->string;
    if (!lang_code_ok(src->string)) {
        err_at(v, AT(src),
               "source language \"%s\" is not valid: write a BCP 47 code such as \"en\", "
               "\"pt-BR\" or \"zh-Hant\"",
               src->string);
        return;
    }
    bool listed = false;
    for (int i = 0; i < sv->n_languages; i++)
        listed |= strcmp(sv->languages[i], src->string) == 0;
    if (langs && !listed)
        err_at(v, AT(src), "source language \"%s\" is not in \"languages\"", src->string);
}

/* ---- questions ------------------------------------------------------ */

static void parse_choices(V *v, int qi, const hd_json *arr, const char *ctx)
{
    hd_question *q = &v->sv->questions[qi];
    v->qchoices_ok[qi] = false;
    if (arr->n_children == 0) {
        err_at(v, AT(arr), "\"choices\" in %s is empty", ctx);
        return;
    }
    if (q->type == HD_Q_SINGLE && arr->n_children < 2) {
        err_at(v, AT(arr), "single %s needs at least two choices", ctx);
        return;
    }
    q->choices = xcalloc(v, (size_t)arr->n_children, sizeof *q->choices);
    if (!q->choices)
        return;
    bool ok = true;
    const hd_json **where = xcalloc(v, (size_t)arr->n_children, sizeof *where);
    if (!where)
        return;
    int k = 0;
    for (const hd_json *c = arr->child; c; c = c->next, k++) {
        char cctx[160];
        if (c->type != HD_JSON_OBJECT) {
            err_at(v, AT(c), "choice %d of %s must be an object such as {\"id\": \"bus\", "
                             "\"text\": \"By bus\"}, found %s",
                   k + 1, ctx, hd_json_type_phrase(c->type));
            ok = false;
            continue;
        }
        check_keys(v, c, choice_keys, "a choice's");
        const hd_json *idm = hd_json_get(c, "id");
        if (idm && idm->type == HD_JSON_STRING && idm->string_len > 0)
            snprintf(cctx, sizeof cctx, "choice \"%.40s\" of %.100s", idm->string, ctx);
        else
            snprintf(cctx, sizeof cctx, "choice %d of %.100s", k + 1, ctx);
        const char *id = id_field(v, c, "choice", true, cctx);
        const char *text = text_field(v, c, "text", true, false, cctx);
        if (!id) {
            ok = false;
            continue;
        }
        if (strcmp(id, HD_PREFER_NOT) == 0) {
            err_at(v, AT(idm),
                   "choice id \"%s\" is reserved: \"sensitive\": true adds \"Prefer not to "
                   "say\" by itself",
                   id);
            ok = false;
            continue;
        }
        int dup = -1;
        for (int j = 0; j < q->n_choices; j++)
            if (strcmp(q->choices[j].id, id) == 0)
                dup = j;
        if (dup >= 0) {
            err_at(v, AT(idm), "duplicate choice id \"%s\" in %s (first at %d:%d)", id, ctx,
                   where[dup]->line, where[dup]->col);
            ok = false;
            continue;
        }
        where[q->n_choices] = idm;
        hd_choice *ch = &q->choices[q->n_choices++];
        ch->id = id;
        ch->text = text;
        ch->target = -1;
    }
    free(where);
    v->qchoices_ok[qi] = ok;
}

static void parse_targets(V *v, int qi, const hd_json *t, const char *ctx)
{
    hd_question *q = &v->sv->questions[qi];
    if (t->n_children == 0) {
        err_at(v, AT(t), "\"targets\" in %s is empty: name a share for at least one choice, "
                         "or remove it",
               ctx);
        return;
    }
    double sum = 0;
    for (const hd_json *m = t->child; m; m = m->next) {
        int c = hd_question_find_choice(q, m->key);
        if (c < 0) {
            if (!v->qchoices_ok[qi])
                continue; /* the choices themselves are wrong: said already */
            const char *near =
                closest(m->key, q->choices, (size_t)q->n_choices, sizeof q->choices[0]);
            if (near)
                err_at(v, KEY_AT(m),
                       "target \"%s\" is not a choice of %s (did you mean \"%s\"?)", m->key,
                       ctx, near);
            else
                err_at(v, KEY_AT(m), "target \"%s\" is not a choice of %s", m->key, ctx);
            continue;
        }
        if (m->type != HD_JSON_NUMBER) {
            err_at(v, AT(m), "target for \"%s\" in %s must be a number from 0 to 1, found %s",
                   m->key, ctx, hd_json_type_phrase(m->type));
            continue;
        }
        if (!(m->number >= 0 && m->number <= 1)) {
            err_at(v, AT(m),
                   "target for \"%s\" in %s must be a share from 0 to 1 (22%% is 0.22), "
                   "found %s",
                   m->key, ctx, m->number_text);
            continue;
        }
        q->choices[c].target = m->number;
        q->has_targets = true;
        sum += m->number;
    }
    /* Each person gives one answer to a single question, so the shares
     * wanted cannot add up to more than everyone. (Multi: one person may
     * tick several, so each share stands alone.) A little slack for
     * decimal fractions that binary doubles cannot hold exactly. */
    if (q->type == HD_Q_SINGLE && sum > 1 + 1e-9)
        err_at(v, AT(t),
               "targets of %s add up to %.4g, more than 1 (everyone); each person gives one "
               "answer",
               ctx, sum);
}

static void parse_show_if_shape(V *v, const hd_json *s, const char *ctx)
{
    check_keys(v, s, show_if_keys, "show_if's");
    member(v, s, "question", HD_JSON_STRING, true, ctx);
    const hd_json *any = member(v, s, "any_of", HD_JSON_ARRAY, true, ctx);
    if (any && any->n_children == 0)
        err_at(v, AT(any), "\"any_of\" in %s is empty: list the answers that show the "
                           "question",
               ctx);
    if (any)
        for (const hd_json *e = any->child; e; e = e->next)
            if (e->type != HD_JSON_STRING)
                err_at(v, AT(e),
                       "answers in \"any_of\" are strings: write \"%s\", found %s",
                       e->type == HD_JSON_NUMBER ? e->number_text : "...",
                       hd_json_type_phrase(e->type));
}

static bool takes_prefer_not(hd_qtype t)
{
    return t == HD_Q_SINGLE || t == HD_Q_MULTI || t == HD_Q_LIKERT5 || t == HD_Q_YESNO ||
           t == HD_Q_NUMBER;
}

static void parse_question(V *v, const hd_json *o, int sec, int k, const char *sec_ctx)
{
    hd_survey *sv = v->sv;
    int qi = sv->n_questions++;
    hd_question *q = &sv->questions[qi];
    v->qnode[qi] = o;
    q->id = "";
    q->text = "";
    q->section = sec;
    q->show_if.question = -1;

    const hd_json *idm = hd_json_get(o, "id");
    char ctx[160];
    if (idm && idm->type == HD_JSON_STRING && idm->string_len > 0)
        snprintf(ctx, sizeof ctx, "question \"%.64s\"", idm->string);
    else
        snprintf(ctx, sizeof ctx, "question %d of %.96s", k + 1, sec_ctx);

    check_keys(v, o, question_keys, "a question's");
    const char *id = id_field(v, o, "question", false, ctx);
    if (id) {
        q->id = id;
        for (int j = 0; j < qi; j++)
            if (strcmp(sv->questions[j].id, id) == 0) {
                const hd_json *first = id_node(v->qnode[j]);
                err_at(v, AT(idm), "duplicate question id \"%s\" (first at %d:%d)", id,
                       first->line, first->col);
                break;
            }
        if (in_list(id, export_columns))
            err_at(v, AT(idm),
                   "question id \"%s\" is the name of a column the export always writes "
                   "(response_id, week, language, tier, venue); choose another",
                   id);
    }
    q->text = text_field(v, o, "text", true, true, ctx);

    const hd_json *tm = member(v, o, "type", HD_JSON_STRING, true, ctx);
    bool type_ok = false;
    if (tm) {
        for (int t = 0; t < HD_Q_TYPE_COUNT_; t++)
            if (strcmp(tm->string, qtype_names[t]) == 0) {
                q->type = (hd_qtype)t;
                type_ok = true;
            }
        if (!type_ok) {
            const char *near =
                closest(tm->string, qtype_names, HD_Q_TYPE_COUNT_, sizeof qtype_names[0]);
            char buf[160];
            if (near)
                err_at(v, AT(tm), "unknown question type \"%s\" (did you mean \"%s\"?)",
                       tm->string, near);
            else
                err_at(v, AT(tm), "unknown question type \"%s\" (types are: %s)", tm->string,
                       join(qtype_names, buf, sizeof buf));
        }
    }
    v->qtype_ok[qi] = type_ok;

    q->sensitive = bool_field(v, o, "sensitive", ctx);
    q->quasi_identifier = bool_field(v, o, "quasi_identifier", ctx);
    q->contact = bool_field(v, o, "contact", ctx);
    q->show_results = bool_field(v, o, "show_results", ctx);

    const hd_json *show_if = member(v, o, "show_if", HD_JSON_OBJECT, false, ctx);
    if (show_if)
        parse_show_if_shape(v, show_if, ctx);

    if (!type_ok) {
        v->qchoices_ok[qi] = false;
        return; /* every check below depends on the type */
    }
    hd_qtype t = q->type;
    const char *tn = qtype_names[t];
    bool choice_type = t == HD_Q_SINGLE || t == HD_Q_MULTI;
    bool text_like = t == HD_Q_TEXT || t == HD_Q_PHONE || t == HD_Q_EMAIL;

    /* choices */
    const hd_json *cm = hd_json_get(o, "choices");
    v->qchoices_ok[qi] = choice_type;
    if (choice_type) {
        if (!cm) {
            err_at(v, AT(o), "%s %s has no \"choices\"", tn, ctx);
            v->qchoices_ok[qi] = false;
        } else if ((cm = member(v, o, "choices", HD_JSON_ARRAY, true, ctx)) != NULL) {
            parse_choices(v, qi, cm, ctx);
        } else {
            v->qchoices_ok[qi] = false;
        }
    } else if (cm) {
        const char *why = t == HD_Q_LIKERT5 ? "its answers are the five faces"
                          : t == HD_Q_YESNO ? "its answers are yes and no"
                          : t == HD_Q_INFO  ? "it has no answer"
                                            : "it takes typed answers";
        err_at(v, KEY_AT(cm), "\"choices\" on %s %s: %s, so it takes no choices", tn, ctx,
               why);
    }

    /* min / max */
    const hd_json *minm = hd_json_get(o, "min"), *maxm = hd_json_get(o, "max");
    if (t == HD_Q_NUMBER) {
        q->has_min = integer_field(v, o, "min", ctx, &q->min);
        q->has_max = integer_field(v, o, "max", ctx, &q->max);
        if (q->has_min && labs(q->min) > NUMBER_LIMIT) {
            err_at(v, AT(minm), "\"min\" in %s is too large: %ld", ctx, q->min);
            q->has_min = false;
        }
        if (q->has_max && labs(q->max) > NUMBER_LIMIT) {
            err_at(v, AT(maxm), "\"max\" in %s is too large: %ld", ctx, q->max);
            q->has_max = false;
        }
        if (q->has_min && q->has_max && q->min > q->max)
            err_at(v, AT(minm), "\"min\" (%ld) is greater than \"max\" (%ld) in %s", q->min,
                   q->max, ctx);
    } else {
        if (minm)
            err_at(v, KEY_AT(minm), "\"min\" only applies to number questions; %s is %s", ctx,
                   tn);
        if (maxm)
            err_at(v, KEY_AT(maxm), "\"max\" only applies to number questions; %s is %s", ctx,
                   tn);
    }

    /* max_length */
    const hd_json *mlm = hd_json_get(o, "max_length");
    if (mlm && !text_like) {
        err_at(v, KEY_AT(mlm),
               "\"max_length\" only applies to text, phone and email questions; %s is %s", ctx,
               tn);
    } else if (mlm) {
        long ml;
        if (integer_field(v, o, "max_length", ctx, &ml)) {
            if (ml < 1 || ml > MAX_LENGTH_MAX)
                err_at(v, AT(mlm), "\"max_length\" in %s must be from 1 to %d, found %ld", ctx,
                       MAX_LENGTH_MAX, ml);
            else
                q->max_length = (int)ml;
        }
    }

    /* targets (after choices: they name them) */
    const hd_json *tgm = hd_json_get(o, "targets");
    if (tgm && !choice_type) {
        err_at(v, KEY_AT(tgm), "\"targets\" only apply to single and multi questions; %s is %s",
               ctx, tn);
    } else if (tgm && q->contact) {
        err_at(v, KEY_AT(tgm),
               "%s is a contact question, so it cannot have targets: contact answers are "
               "sealed and never counted",
               ctx);
    } else if (tgm && (tgm = member(v, o, "targets", HD_JSON_OBJECT, false, ctx)) != NULL) {
        parse_targets(v, qi, tgm, ctx);
    }

    /* flags that only make sense for some types */
    const hd_json *fm;
    if (q->sensitive && !takes_prefer_not(t) && (fm = hd_json_get(o, "sensitive")))
        err_at(v, AT(fm),
               "\"sensitive\" does not apply to %s %s: it adds \"Prefer not to say\" to set "
               "answers, and a %s question can simply be skipped",
               tn, ctx, tn);
    if (q->quasi_identifier && (fm = hd_json_get(o, "quasi_identifier"))) {
        if (q->contact)
            err_at(v, AT(fm),
                   "%s is a contact question, so it cannot be a quasi_identifier: contact "
                   "answers are sealed and never exported",
                   ctx);
        else if (!takes_prefer_not(t))
            err_at(v, AT(fm),
                   "\"quasi_identifier\" does not apply to %s %s: only single, multi, likert5, "
                   "yesno and number answers are exported in columns",
                   tn, ctx);
    }
    if (q->contact && t == HD_Q_INFO && (fm = hd_json_get(o, "contact")))
        err_at(v, AT(fm), "\"contact\" does not apply to info %s: it has no answer", ctx);
    if (q->show_results && (fm = hd_json_get(o, "show_results"))) {
        if (q->contact)
            err_at(v, AT(fm),
                   "%s is a contact question, so its results cannot be shown: contact answers "
                   "are sealed",
                   ctx);
        else if (!(choice_type || t == HD_Q_LIKERT5 || t == HD_Q_YESNO))
            err_at(v, AT(fm),
                   "\"show_results\" does not apply to %s %s: results can be shown for single, "
                   "multi, likert5 and yesno questions",
                   tn, ctx);
    }
}

/* ---- sections ------------------------------------------------------- */

static void parse_sections(V *v, const hd_json *root)
{
    hd_survey *sv = v->sv;
    const hd_json *arr = member(v, root, "sections", HD_JSON_ARRAY, true, "the survey");
    if (!arr)
        return;
    if (arr->n_children == 0) {
        err_at(v, AT(arr), "\"sections\" is empty: a survey needs at least one section");
        return;
    }
    /* Size the flat arrays first: questions are stored once, in document
     * order, section by section. */
    size_t n_sec = 0, n_q = 0;
    for (const hd_json *s = arr->child; s; s = s->next) {
        if (s->type != HD_JSON_OBJECT)
            continue;
        n_sec++;
        const hd_json *qs = hd_json_get(s, "questions");
        if (qs && qs->type == HD_JSON_ARRAY)
            for (const hd_json *q = qs->child; q; q = q->next)
                n_q += q->type == HD_JSON_OBJECT;
    }
    sv->sections = xcalloc(v, n_sec, sizeof *sv->sections);
    v->snode = xcalloc(v, n_sec, sizeof *v->snode);
    sv->questions = xcalloc(v, n_q, sizeof *sv->questions);
    v->qnode = xcalloc(v, n_q, sizeof *v->qnode);
    v->qtype_ok = xcalloc(v, n_q, sizeof *v->qtype_ok);
    v->qchoices_ok = xcalloc(v, n_q, sizeof *v->qchoices_ok);
    if (v->nomem)
        return;

    int k = 0;
    for (const hd_json *s = arr->child; s; s = s->next, k++) {
        if (s->type != HD_JSON_OBJECT) {
            err_at(v, AT(s), "section %d must be an object ({\"id\": ..., \"title\": ..., "
                             "\"questions\": [...]}), found %s",
                   k + 1, hd_json_type_phrase(s->type));
            continue;
        }
        int si = sv->n_sections++;
        hd_section *sec = &sv->sections[si];
        v->snode[si] = s;
        sec->id = "";
        const hd_json *idm = hd_json_get(s, "id");
        char ctx[160];
        if (idm && idm->type == HD_JSON_STRING && idm->string_len > 0)
            snprintf(ctx, sizeof ctx, "section \"%.64s\"", idm->string);
        else
            snprintf(ctx, sizeof ctx, "section %d", k + 1);
        check_keys(v, s, section_keys, "a section's");
        const char *id = id_field(v, s, "section", false, ctx);
        if (id) {
            sec->id = id;
            for (int j = 0; j < si; j++)
                if (strcmp(sv->sections[j].id, id) == 0) {
                    const hd_json *first = id_node(v->snode[j]);
                    err_at(v, AT(idm), "duplicate section id \"%s\" (first at %d:%d)", id,
                           first->line, first->col);
                    break;
                }
        }
        sec->title = text_field(v, s, "title", true, false, ctx);
        sec->first = sv->n_questions;
        const hd_json *qs = member(v, s, "questions", HD_JSON_ARRAY, true, ctx);
        if (qs && qs->n_children == 0)
            err_at(v, AT(qs), "%s has no questions", ctx);
        int qk = 0;
        if (qs)
            for (const hd_json *q = qs->child; q; q = q->next, qk++) {
                if (q->type != HD_JSON_OBJECT) {
                    err_at(v, AT(q), "question %d of %s must be an object, found %s", qk + 1,
                           ctx, hd_json_type_phrase(q->type));
                    continue;
                }
                parse_question(v, q, si, qk, ctx);
            }
        sec->n_questions = sv->n_questions - sec->first;
    }
}

/* ---- tiers ---------------------------------------------------------- */

static int tier_rank(const char *id)
{
    for (int i = 0; tier_ids[i]; i++)
        if (strcmp(id, tier_ids[i]) == 0)
            return i;
    return -1;
}

static void parse_tiers(V *v, const hd_json *root)
{
    hd_survey *sv = v->sv;
    const hd_json *arr = member(v, root, "tiers", HD_JSON_ARRAY, true, "the survey");
    if (!arr)
        return;
    if (arr->n_children == 0) {
        err_at(v, AT(arr), "\"tiers\" is empty: offer at least one of quick, story and group");
        return;
    }
    sv->tiers = xcalloc(v, (size_t)arr->n_children, sizeof *sv->tiers);
    v->tnode = xcalloc(v, (size_t)arr->n_children, sizeof *v->tnode);
    if (v->nomem)
        return;
    int k = 0, last_rank = -1;
    const char *last_id = NULL;
    for (const hd_json *t = arr->child; t; t = t->next, k++) {
        if (t->type != HD_JSON_OBJECT) {
            err_at(v, AT(t), "tier %d must be an object ({\"id\": \"quick\", ...}), found %s",
                   k + 1, hd_json_type_phrase(t->type));
            continue;
        }
        int ti = sv->n_tiers++;
        hd_tier *tier = &sv->tiers[ti];
        v->tnode[ti] = t;
        tier->id = "";
        const hd_json *idm = hd_json_get(t, "id");
        char ctx[160];
        if (idm && idm->type == HD_JSON_STRING && idm->string_len > 0)
            snprintf(ctx, sizeof ctx, "tier \"%.64s\"", idm->string);
        else
            snprintf(ctx, sizeof ctx, "tier %d", k + 1);
        check_keys(v, t, tier_keys, "a tier's");
        idm = member(v, t, "id", HD_JSON_STRING, true, ctx);
        if (idm) {
            tier->id = idm->string;
            int rank = tier_rank(idm->string);
            int dup = -1;
            for (int j = 0; j < ti; j++)
                if (strcmp(sv->tiers[j].id, idm->string) == 0)
                    dup = j;
            if (rank < 0) {
                const char *near = closest(idm->string, tier_ids, 3, sizeof tier_ids[0]);
                if (near)
                    err_at(v, AT(idm), "unknown tier id \"%s\" (did you mean \"%s\"?)",
                           idm->string, near);
                else
                    err_at(v, AT(idm),
                           "unknown tier id \"%s\" (tier ids are quick, story and group)",
                           idm->string);
            } else if (dup >= 0) {
                const hd_json *first = id_node(v->tnode[dup]);
                err_at(v, AT(idm), "duplicate tier id \"%s\" (first at %d:%d)", idm->string,
                       first->line, first->col);
            } else if (rank < last_rank) {
                /* The kiosk offers "the next tier up" after a session, so
                 * the list order is the order of commitment. */
                err_at(v, AT(idm),
                       "tier \"%s\" is listed after tier \"%s\": list tiers in the order "
                       "quick, story, group",
                       idm->string, last_id);
            } else {
                last_rank = rank;
                last_id = idm->string;
            }
        }
        tier->title = text_field(v, t, "title", true, false, ctx);
        tier->blurb = text_field(v, t, "blurb", false, false, ctx);

        const hd_json *secs = member(v, t, "sections", HD_JSON_ARRAY, true, ctx);
        if (!secs)
            continue;
        if (secs->n_children == 0) {
            err_at(v, AT(secs), "%s has no sections, so it would ask nothing", ctx);
            continue;
        }
        tier->sections = xcalloc(v, (size_t)secs->n_children, sizeof *tier->sections);
        if (!tier->sections)
            return;
        for (const hd_json *s = secs->child; s; s = s->next) {
            if (s->type != HD_JSON_STRING) {
                err_at(v, AT(s), "sections of %s are named by id, as strings; found %s", ctx,
                       hd_json_type_phrase(s->type));
                continue;
            }
            int si = hd_survey_find_section(sv, s->string);
            if (si < 0) {
                const char *near = closest(s->string, sv->sections, (size_t)sv->n_sections,
                                           sizeof sv->sections[0]);
                if (near)
                    err_at(v, AT(s), "%s names unknown section \"%s\" (did you mean \"%s\"?)",
                           ctx, s->string, near);
                else
                    err_at(v, AT(s), "%s names unknown section \"%s\"", ctx, s->string);
                continue;
            }
            const hd_json *dup = NULL;
            for (const hd_json *e = secs->child; e != s; e = e->next)
                if (e->type == HD_JSON_STRING && strcmp(e->string, s->string) == 0) {
                    dup = e;
                    break;
                }
            if (dup) {
                err_at(v, AT(s), "%s names section \"%s\" twice (first at %d:%d)", ctx,
                       s->string, dup->line, dup->col);
                continue;
            }
            tier->sections[tier->n_sections++] = si;
        }
    }
}

/* ---- checks across the whole survey --------------------------------- */

/* A value a show_if may name on question tq, or the reason it may not. */
static void check_show_if_value(V *v, const hd_question *tq, const hd_json *e, const char *ctx)
{
    const char *s = e->string;
    char buf[200];
    if (tq->type == HD_Q_MULTI && strchr(s, ' ')) {
        err_at(v, AT(e),
               "show_if answer \"%s\" of %s: name one choice per entry; the question is "
               "shown when any of them is chosen",
               s, ctx);
        return;
    }
    if (tq->type == HD_Q_NUMBER && strcmp(s, HD_PREFER_NOT) != 0) {
        /* Stored numbers are written plainly ("5"); "05" would never match. */
        long x;
        char canon[32];
        if (parse_integer(s, &x)) {
            snprintf(canon, sizeof canon, "%ld", x);
            if (strcmp(canon, s) != 0) {
                err_at(v, AT(e), "show_if answer \"%s\" for number question \"%s\": write "
                                 "it as \"%s\"",
                       s, tq->id, canon);
                return;
            }
        }
    }
    if (hd_question_accepts(tq, s))
        return;
    if (strcmp(s, HD_PREFER_NOT) == 0) {
        err_at(v, AT(e),
               "show_if answer \"%s\" cannot happen: question \"%s\" is not marked "
               "\"sensitive\"",
               s, tq->id);
        return;
    }
    switch (tq->type) {
    case HD_Q_SINGLE:
    case HD_Q_MULTI: {
        const char *near =
            closest(s, tq->choices, (size_t)tq->n_choices, sizeof tq->choices[0]);
        if (near) {
            err_at(v, AT(e), "show_if answer \"%s\" is not a choice of question \"%s\" (did "
                             "you mean \"%s\"?)",
                   s, tq->id, near);
        } else {
            size_t n = 0;
            buf[0] = '\0';
            for (int i = 0; i < tq->n_choices && n < sizeof buf; i++)
                n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", i ? ", " : "",
                                      tq->choices[i].id);
            err_at(v, AT(e), "show_if answer \"%s\" is not a choice of question \"%s\" (its "
                             "choices are: %s)",
                   s, tq->id, buf);
        }
        return;
    }
    case HD_Q_LIKERT5:
        err_at(v, AT(e), "show_if answer \"%s\" is not an answer of likert5 question \"%s\" "
                         "(its answers are \"1\" to \"5\")",
               s, tq->id);
        return;
    case HD_Q_YESNO:
        err_at(v, AT(e), "show_if answer \"%s\" is not an answer of yesno question \"%s\" "
                         "(its answers are \"yes\" and \"no\")",
               s, tq->id);
        return;
    case HD_Q_NUMBER:
        if (tq->has_min && tq->has_max)
            snprintf(buf, sizeof buf, "a whole number from %ld to %ld", tq->min, tq->max);
        else if (tq->has_min)
            snprintf(buf, sizeof buf, "a whole number, at least %ld", tq->min);
        else if (tq->has_max)
            snprintf(buf, sizeof buf, "a whole number, at most %ld", tq->max);
        else
            snprintf(buf, sizeof buf, "a whole number");
        err_at(v, AT(e), "show_if answer \"%s\" is not an answer of number question \"%s\" "
                         "(its answers are %s)",
               s, tq->id, buf);
        return;
    default:
        return; /* text-like targets are refused before values are checked */
    }
}

/* "tier \"quick\"", "tiers \"quick\" and \"story\"", ... into buf. */
static const char *tier_list(const hd_survey *sv, const int *t, int n, char *buf, size_t cap)
{
    size_t k = (size_t)snprintf(buf, cap, "tier%s", n > 1 ? "s" : "");
    for (int i = 0; i < n && k < cap; i++)
        k += (size_t)snprintf(buf + k, cap - k, "%s\"%.20s\"",
                              i == 0 ? " " : i == n - 1 ? " and " : ", ", sv->tiers[t[i]].id);
    return buf;
}

/* pos[t * n_questions + q]: where tier t asks question q, or -1. */
static void check_show_if(V *v, int qi, const int *pos)
{
    hd_survey *sv = v->sv;
    hd_question *q = &sv->questions[qi];
    const hd_json *s = hd_json_get(v->qnode[qi], "show_if");
    if (!s || s->type != HD_JSON_OBJECT)
        return;
    const hd_json *qm = hd_json_get(s, "question");
    const hd_json *any = hd_json_get(s, "any_of");
    char ctx[160];
    snprintf(ctx, sizeof ctx, "question \"%.64s\"", q->id);
    if (!qm || qm->type != HD_JSON_STRING)
        return;
    int ti = hd_survey_find_question(sv, qm->string);
    if (ti < 0) {
        const char *near =
            closest(qm->string, sv->questions, (size_t)sv->n_questions, sizeof *sv->questions);
        if (near)
            err_at(v, AT(qm), "show_if of %s names unknown question \"%s\" (did you mean "
                              "\"%s\"?)",
                   ctx, qm->string, near);
        else
            err_at(v, AT(qm), "show_if of %s names unknown question \"%s\"", ctx, qm->string);
        return;
    }
    if (ti == qi) {
        err_at(v, AT(qm), "show_if of %s names the question itself", ctx);
        return;
    }
    const hd_question *tq = &sv->questions[ti];
    q->show_if.question = ti;
    if (!v->qtype_ok[ti])
        return;
    if (tq->contact) {
        err_at(v, AT(qm),
               "show_if of %s names \"%s\", a contact question: contact answers are sealed "
               "and may not steer other questions",
               ctx, tq->id);
        return;
    }
    if (tq->type == HD_Q_TEXT || tq->type == HD_Q_PHONE || tq->type == HD_Q_EMAIL ||
        tq->type == HD_Q_INFO) {
        err_at(v, AT(qm),
               "show_if of %s names \"%s\", %s %s question: %s; name a single, multi, likert5, "
               "yesno or number question",
               ctx, tq->id, tq->type == HD_Q_INFO ? "an" : "a", qtype_names[tq->type],
               tq->type == HD_Q_INFO ? "it has no answer" : "typed answers cannot be matched");
        return;
    }
    /* The flow decides visibility from answers already given, so the
     * question it depends on must come first wherever both are asked. */
    int missing[8], late[8], n_missing = 0, n_late = 0;
    for (int t = 0; t < sv->n_tiers; t++) {
        int me = pos[t * sv->n_questions + qi];
        if (me < 0)
            continue;
        int it = pos[t * sv->n_questions + ti];
        if (it < 0 && n_missing < 8)
            missing[n_missing++] = t;
        else if (it > me && n_late < 8)
            late[n_late++] = t;
    }
    char tiers[120];
    if (n_missing)
        err_at(v, AT(qm), "show_if of %s names \"%s\", which %s %s not ask", ctx, tq->id,
               tier_list(sv, missing, n_missing, tiers, sizeof tiers),
               n_missing > 1 ? "do" : "does");
    if (n_late)
        err_at(v, AT(qm), "show_if of %s names \"%s\", which %s %s after it", ctx, tq->id,
               tier_list(sv, late, n_late, tiers, sizeof tiers), n_late > 1 ? "ask" : "asks");
    if (!any || any->type != HD_JSON_ARRAY || any->n_children == 0)
        return;
    if (!v->qchoices_ok[ti] && (tq->type == HD_Q_SINGLE || tq->type == HD_Q_MULTI))
        return; /* its choices are wrong: said already */
    q->show_if.any_of = xcalloc(v, (size_t)any->n_children, sizeof *q->show_if.any_of);
    if (!q->show_if.any_of)
        return;
    for (const hd_json *e = any->child; e; e = e->next) {
        if (e->type != HD_JSON_STRING)
            continue; /* said in parse_show_if_shape */
        const hd_json *dup = NULL;
        for (const hd_json *f = any->child; f != e; f = f->next)
            if (f->type == HD_JSON_STRING && strcmp(f->string, e->string) == 0) {
                dup = f;
                break;
            }
        if (dup) {
            err_at(v, AT(e), "show_if answer \"%s\" is listed twice (first at %d:%d)",
                   e->string, dup->line, dup->col);
            continue;
        }
        int before = v->d->n + v->d->dropped;
        check_show_if_value(v, tq, e, ctx);
        if (v->d->n + v->d->dropped == before)
            q->show_if.any_of[q->show_if.n_any_of++] = e->string;
    }
}

static void cross_checks(V *v)
{
    hd_survey *sv = v->sv;
    int nq = sv->n_questions;
    int *pos = xcalloc(v, (size_t)(sv->n_tiers > 0 ? sv->n_tiers : 1) * (size_t)(nq ? nq : 1),
                       sizeof *pos);
    bool *in_tier = xcalloc(v, (size_t)(sv->n_sections ? sv->n_sections : 1), sizeof *in_tier);
    int *contact_tier = xcalloc(v, (size_t)(nq ? nq : 1), sizeof *contact_tier);
    if (v->nomem)
        goto out;
    for (int i = 0; i < sv->n_tiers * nq; i++)
        pos[i] = -1;
    for (int i = 0; i < nq; i++)
        contact_tier[i] = -1;

    for (int t = 0; t < sv->n_tiers; t++) {
        const hd_tier *tier = &sv->tiers[t];
        bool group = strcmp(tier->id, "group") == 0;
        int n = 0, answerable = 0, contacts = 0;
        for (int k = 0; k < tier->n_sections; k++) {
            const hd_section *sec = &sv->sections[tier->sections[k]];
            in_tier[tier->sections[k]] = true;
            for (int qi = sec->first; qi < sec->first + sec->n_questions; qi++) {
                pos[t * nq + qi] = n++;
                const hd_question *q = &sv->questions[qi];
                answerable += q->type != HD_Q_INFO || !v->qtype_ok[qi];
                contacts += q->contact;
                if (q->contact && !group && contact_tier[qi] < 0)
                    contact_tier[qi] = t;
            }
        }
        const hd_json *at = id_node(v->tnode[t]);
        if (n > 0 && answerable == 0)
            err_at(v, AT(at), "tier \"%s\" asks nothing that can be answered (only info "
                              "questions)",
                   tier->id);
        if (group && n > 0 && contacts == 0)
            err_at(v, AT(at),
                   "tier \"group\" asks no contact question: mark the questions that ask for "
                   "contact details \"contact\": true");
    }

    for (int s = 0; s < sv->n_sections; s++)
        if (!in_tier[s] && sv->n_tiers > 0)
            err_at(v, AT(id_node(v->snode[s])),
                   "section \"%s\" is in no tier, so its questions would never be asked",
                   sv->sections[s].id);

    for (int qi = 0; qi < nq; qi++) {
        if (contact_tier[qi] >= 0) {
            const hd_json *cm = hd_json_get(v->qnode[qi], "contact");
            err_at(v, AT(cm),
                   "contact question \"%s\" is asked in tier \"%s\": contact questions belong "
                   "only in sections of the group tier, so answers and contact details stay "
                   "apart",
                   sv->questions[qi].id, sv->tiers[contact_tier[qi]].id);
        }
        check_show_if(v, qi, pos);
    }
out:
    free(pos);
    free(in_tier);
    free(contact_tier);
}

/* ---- entry points --------------------------------------------------- */

static void free_model(hd_survey *sv)
{
    for (int i = 0; i < sv->n_questions; i++) {
        free(sv->questions[i].choices);
        free(sv->questions[i].show_if.any_of);
    }
    for (int i = 0; i < sv->n_tiers; i++)
        free(sv->tiers[i].sections);
    free(sv->questions);
    free(sv->sections);
    free(sv->tiers);
    free(sv->languages);
}

void hd_survey_free(hd_survey *sv)
{
    if (!sv)
        return;
    survey_box *box = (survey_box *)sv;
    free_model(sv);
    hd_json_free(box->doc);
    free(box);
}

/* Orders diagnostics by position (stable), so a coordinator reads them in
 * file order whatever pass found them. */
static void sort_diag(hd_diag *d)
{
    for (int i = 1; i < d->n; i++) {
        hd_diag_item it = d->item[i];
        int j = i;
        while (j > 0 && (d->item[j - 1].line > it.line ||
                         (d->item[j - 1].line == it.line && d->item[j - 1].col > it.col))) {
            d->item[j] = d->item[j - 1];
            j--;
        }
        d->item[j] = it;
    }
}

static void validate(V *v, const hd_json *root)
{
    hd_survey *sv = v->sv;
    if (root->type != HD_JSON_OBJECT) {
        err_at(v, AT(root), "a survey definition is a JSON object ({ ... }), found %s",
               hd_json_type_phrase(root->type));
        return;
    }
    check_keys(v, root, top_keys, "the survey's");
    const hd_json *fmt = hd_json_get(root, "heard_survey");
    if (!fmt)
        err_at(v, AT(root), "missing key \"heard_survey\" (the format version: write "
                            "\"heard_survey\": 1)");
    else if (fmt->type != HD_JSON_NUMBER || strcmp(fmt->number_text, "1") != 0)
        err_at(v, AT(fmt), "\"heard_survey\" must be 1 (the only format version this heard "
                           "reads), found %s",
               fmt->type == HD_JSON_NUMBER ? fmt->number_text : hd_json_type_phrase(fmt->type));

    const char *id = id_field(v, root, "survey", false, "the survey");
    sv->id = id ? id : "";
    sv->version = text_field(v, root, "version", true, false, "the survey");
    parse_languages(v, root);
    sv->title = text_field(v, root, "title", true, false, "the survey");
    sv->consent = text_field(v, root, "consent", true, true, "the survey");
    sv->support = text_field(v, root, "support", true, true, "the survey");
    parse_sections(v, root);
    if (v->nomem)
        return;
    parse_tiers(v, root);
    if (v->nomem)
        return;
    cross_checks(v);
}

hd_err hd_survey_parse(const char *json, size_t len, const char *filename, hd_survey **out,
                       hd_diag *diag)
{
    hd_diag_init(diag, filename);
    if (!json || !out)
        return HD_EINVAL;
    hd_json_doc *doc = NULL;
    hd_err e = hd_json_parse(json, len, &doc, diag);
    if (e != HD_OK)
        return e;
    survey_box *box = calloc(1, sizeof *box);
    if (!box) {
        hd_json_free(doc);
        hd_diag_add(diag, 0, 0, "out of memory while reading the survey");
        return HD_ENOMEM;
    }
    box->doc = doc;
    hd_survey *sv = &box->sv;
    sv->id = sv->version = sv->source_language = sv->title = sv->consent = sv->support = "";
    V v = {.d = diag, .sv = sv};
    validate(&v, hd_json_root(doc));
    free(v.qnode);
    free(v.snode);
    free(v.tnode);
    free(v.qtype_ok);
    free(v.qchoices_ok);
    if (v.nomem) {
        hd_survey_free(sv);
        hd_diag_add(diag, 0, 0, "out of memory while reading the survey");
        return HD_ENOMEM;
    }
    if (diag->n > 0 || diag->dropped > 0) {
        sort_diag(diag);
        hd_survey_free(sv);
        return HD_EPARSE;
    }
    *out = sv;
    return HD_OK;
}

/* ---- look-ups ------------------------------------------------------- */

int hd_survey_find_question(const hd_survey *sv, const char *id)
{
    if (!sv || !id || !*id)
        return -1;
    for (int i = 0; i < sv->n_questions; i++)
        if (strcmp(sv->questions[i].id, id) == 0)
            return i;
    return -1;
}

int hd_survey_find_tier(const hd_survey *sv, const char *id)
{
    if (!sv || !id || !*id)
        return -1;
    for (int i = 0; i < sv->n_tiers; i++)
        if (strcmp(sv->tiers[i].id, id) == 0)
            return i;
    return -1;
}

int hd_survey_find_section(const hd_survey *sv, const char *id)
{
    if (!sv || !id || !*id)
        return -1;
    for (int i = 0; i < sv->n_sections; i++)
        if (strcmp(sv->sections[i].id, id) == 0)
            return i;
    return -1;
}

int hd_question_find_choice(const hd_question *q, const char *choice_id)
{
    if (!q || !choice_id || !*choice_id)
        return -1;
    for (int i = 0; i < q->n_choices; i++)
        if (strcmp(q->choices[i].id, choice_id) == 0)
            return i;
    return -1;
}

int hd_question_max_length(const hd_question *q)
{
    if (!q)
        return 0;
    switch (q->type) {
    case HD_Q_TEXT: return q->max_length > 0 ? q->max_length : HD_TEXT_MAX_DEFAULT;
    case HD_Q_PHONE:
    case HD_Q_EMAIL: return q->max_length > 0 ? q->max_length : HD_SHORT_MAX_DEFAULT;
    default: return 0;
    }
}

/* multi: choice ids joined by single spaces, each at most once. */
static bool multi_accepts(const hd_question *q, const char *value)
{
    int seen = 0;
    const char *p = value;
    for (;;) {
        const char *sp = strchr(p, ' ');
        size_t n = sp ? (size_t)(sp - p) : strlen(p);
        if (n == 0 || ++seen > q->n_choices)
            return false; /* empty token, or more ids than choices: a repeat */
        int found = -1;
        for (int i = 0; i < q->n_choices; i++)
            if (strlen(q->choices[i].id) == n && memcmp(q->choices[i].id, p, n) == 0)
                found = i;
        if (found < 0)
            return false;
        /* distinct: the same id may not appear earlier in value */
        for (const char *r = value; r < p;) {
            const char *rs = strchr(r, ' ');
            if ((size_t)(rs - r) == n && memcmp(r, p, n) == 0)
                return false;
            r = rs + 1;
        }
        if (!sp)
            return true;
        p = sp + 1;
    }
}

bool hd_question_accepts(const hd_question *q, const char *value)
{
    if (!q || !value || !*value)
        return false;
    if (q->sensitive && takes_prefer_not(q->type) && strcmp(value, HD_PREFER_NOT) == 0)
        return true;
    switch (q->type) {
    case HD_Q_SINGLE: return hd_question_find_choice(q, value) >= 0;
    case HD_Q_MULTI: return multi_accepts(q, value);
    case HD_Q_LIKERT5: return value[0] >= '1' && value[0] <= '5' && value[1] == '\0';
    case HD_Q_YESNO: return strcmp(value, "yes") == 0 || strcmp(value, "no") == 0;
    case HD_Q_NUMBER: {
        long x;
        if (!parse_integer(value, &x))
            return false;
        return (!q->has_min || x >= q->min) && (!q->has_max || x <= q->max);
    }
    case HD_Q_TEXT:
    case HD_Q_PHONE:
    case HD_Q_EMAIL: {
        long n = utf8_count(value);
        return n > 0 && n <= hd_question_max_length(q);
    }
    default: return false;
    }
}
