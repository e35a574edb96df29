/* i18n.c — PO parsing, catalogue lookup with fallback, language facts.
 *
 * A PO file is read line by line. Each line is a comment ("#..."), a keyword
 * with a string (msgctxt, msgid, msgid_plural, msgstr, msgstr[N]), a
 * continuation string, or blank. An entry is complete once it has a msgstr;
 * the next msgctxt/msgid or comment closes it. "#~" lines are obsolete entries
 * editors keep around: they are parsed with the same rules (so a broken one is
 * still reported, as msgfmt does) and flagged, and the kiosk ignores them.
 *
 * Loaded entries sit in one array per (catalogue kind, language), sorted by
 * (msgctxt, msgid), so a lookup is a binary search with no allocation: the
 * view calls hd_i18n_ui() for every string of every frame.
 */
#include "core/i18n.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Small helpers                                                        */

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static char *dup_s(const char *s) { return dup_n(s, strlen(s)); }

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

static int casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int d = lower((unsigned char)*a) - lower((unsigned char)*b);
        if (d || !*a)
            return d;
    }
}

/* A growable byte string. */
typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static bool sb_put(sbuf *b, char c)
{
    if (b->n + 2 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 64;
        char *p = realloc(b->p, cap);
        if (!p)
            return false;
        b->p = p;
        b->cap = cap;
    }
    b->p[b->n++] = c;
    b->p[b->n] = '\0';
    return true;
}

static void sb_clear(sbuf *b)
{
    b->n = 0;
    if (b->p)
        b->p[0] = '\0';
}

static const char *sb_str(const sbuf *b) { return b->p ? b->p : ""; }

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when it is not valid
 * (overlong forms, surrogates and values past U+10FFFF are refused). */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80)
        return 1;
    size_t len;
    uint32_t min, cp;
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2, min = 0x80, cp = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3, min = 0x800, cp = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4, min = 0x10000, cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* The byte length of the longest prefix of s no longer than max bytes that
 * does not split a character. */
static int utf8_cut(const char *s, int max)
{
    int n = 0;
    while (s[n] && n < max)
        n++;
    while (n > 0 && s[n] && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

/* ------------------------------------------------------------------ */
/* The PO parser                                                        */

typedef enum field { F_NONE, F_CTX, F_ID, F_PLURAL, F_STR, F_STRN } field;

typedef struct po_parser {
    const char *src;
    size_t len;
    const char *line;    /* start of the current line */
    size_t line_len;     /* without its newline */
    int lineno;
    hd_diag *diag;
    hd_po_visit visit;
    void *ud;

    /* the entry being read */
    bool open;           /* a msgctxt or msgid has been seen */
    bool has_ctx, has_id, has_plural, has_str;
    bool fuzzy, obsolete;
    int entry_line;
    int id_line;
    int nstr;            /* msgstr[N] seen so far */
    field cur;           /* which field a continuation string extends */
    sbuf ctx, id, plural, str, scratch;
    bool next_fuzzy;     /* "#, fuzzy" seen since the last entry */
    bool seen_header;
} po_parser;

/* Column (1-based, in characters) of byte p on the current line. */
static int col_of(const po_parser *ps, const char *p)
{
    int col = 1;
    for (const char *q = ps->line; q < p; q++)
        if (((unsigned char)*q & 0xC0) != 0x80)
            col++;
    return col;
}

static hd_err perr(po_parser *ps, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reports a syntax error at byte at of the current line; returns HD_EPARSE. */
static hd_err perr(po_parser *ps, const char *at, const char *fmt, ...)
{
    if (ps->diag) {
        char msg[HD_DIAG_MSG];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        hd_diag_add(ps->diag, ps->lineno, at ? col_of(ps, at) : 1, "%s", msg);
    }
    return HD_EPARSE;
}

static bool ascii_prefix(const char *p, const char *end, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(end - p) >= n && memcmp(p, word, n) == 0;
}

/* Checks the header's charset: heard reads UTF-8 only, and a file saved in
 * another charset would show as garbage on the kiosk. "CHARSET" is the
 * placeholder of a fresh template. */
static hd_err check_header(po_parser *ps, const char *str)
{
    const char *c = strstr(str, "charset=");
    if (!c)
        return HD_OK;
    c += 8;
    size_t n = 0;
    while (c[n] && c[n] != '\n' && c[n] != ' ' && c[n] != ';')
        n++;
    char cs[32];
    if (n >= sizeof cs)
        n = sizeof cs - 1;
    memcpy(cs, c, n);
    cs[n] = '\0';
    if (casecmp(cs, "UTF-8") == 0 || casecmp(cs, "UTF8") == 0 || strcmp(cs, "CHARSET") == 0 ||
        casecmp(cs, "ASCII") == 0 || casecmp(cs, "US-ASCII") == 0)
        return HD_OK;
    if (ps->diag)
        hd_diag_add(ps->diag, ps->entry_line, 1,
                    "the header says charset=%s; heard reads only UTF-8 (save the file as "
                    "UTF-8 and set charset=UTF-8)",
                    cs);
    return HD_EPARSE;
}

static void reset_entry(po_parser *ps)
{
    ps->open = ps->has_ctx = ps->has_id = ps->has_plural = ps->has_str = false;
    ps->fuzzy = ps->obsolete = false;
    ps->nstr = 0;
    ps->cur = F_NONE;
    sb_clear(&ps->ctx);
    sb_clear(&ps->id);
    sb_clear(&ps->plural);
    sb_clear(&ps->str);
}

/* Hands the finished entry to the visitor. */
static hd_err flush(po_parser *ps)
{
    if (!ps->open)
        return HD_OK;
    hd_po_entry e = {
        .ctx = ps->has_ctx ? sb_str(&ps->ctx) : NULL,
        .id = sb_str(&ps->id),
        .str = sb_str(&ps->str),
        .plural = ps->has_plural,
        .fuzzy = ps->fuzzy,
        .obsolete = ps->obsolete,
        .line = ps->entry_line,
    };
    if (!e.ctx && !e.id[0] && !e.obsolete) {
        if (ps->seen_header) {
            if (ps->diag)
                hd_diag_add(ps->diag, ps->entry_line, 1,
                            "a second header entry (msgid \"\" without msgctxt)");
            return HD_EPARSE;
        }
        ps->seen_header = true;
        hd_err err = check_header(ps, e.str);
        if (err)
            return err;
    }
    if (ps->visit)
        ps->visit(&e, ps->ud);
    reset_entry(ps);
    return HD_OK;
}

/* Reads a quoted string starting at *pp (which points at '"') into out,
 * unescaping it; leaves *pp after the closing quote. */
static hd_err read_string(po_parser *ps, const char **pp, const char *end, sbuf *out)
{
    const char *p = *pp;
    const char *open = p;
    p++;
    while (p < end && *p != '"') {
        char c = *p;
        if (c == '\\') {
            const char *esc = p;
            if (++p >= end)
                break;
            switch (*p) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case '"': c = '"'; break;
            case '\\': c = '\\'; break;
            case '\'': c = '\''; break;
            case '?': c = '?'; break;
            case 'a': c = '\a'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'v': c = '\v'; break;
            case 'x': {
                int v = 0, k = 0;
                for (; p + 1 < end && k < 2; k++) {
                    int d = lower((unsigned char)p[1]);
                    if (d >= '0' && d <= '9')
                        d -= '0';
                    else if (d >= 'a' && d <= 'f')
                        d -= 'a' - 10;
                    else
                        break;
                    v = v * 16 + d;
                    p++;
                }
                if (k == 0 || v == 0)
                    return perr(ps, esc, "\\x must be followed by hex digits, not 00");
                c = (char)v;
                break;
            }
            default:
                if (*p >= '0' && *p <= '7') {
                    int v = 0, k = 0;
                    while (k < 3 && p < end && *p >= '0' && *p <= '7')
                        v = v * 8 + (*p++ - '0'), k++;
                    p--;
                    if (v == 0 || v > 255)
                        return perr(ps, esc, "an octal escape must be between \\1 and \\377");
                    c = (char)v;
                    break;
                }
                {
                    char bad[3] = {'\\', *p, '\0'};
                    return perr(ps, esc,
                                "unknown escape %s (write \\\\ for a backslash, \\\" for a "
                                "quote, \\n for a new line)",
                                bad);
                }
            }
        } else if ((unsigned char)c < 0x20) {
            return perr(ps, p, "a control character inside a string (use \\t or \\n)");
        }
        if (!sb_put(out, c))
            return HD_ENOMEM;
        p++;
    }
    if (p >= end)
        return perr(ps, open, "this string is not closed with a \"");
    p++;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (p < end && *p == '"') {
        /* gettext reads strings as tokens: "a" "b" on one line is "ab" */
        *pp = p;
        return read_string(ps, pp, end, out);
    }
    if (p < end)
        return perr(ps, p, "unexpected text after the string");
    *pp = p;
    return HD_OK;
}

static sbuf *field_buf(po_parser *ps, field f)
{
    switch (f) {
    case F_CTX: return &ps->ctx;
    case F_ID: return &ps->id;
    case F_PLURAL: return &ps->plural;
    case F_STR: return &ps->str;
    case F_STRN: return ps->nstr == 1 ? &ps->str : &ps->scratch; /* only [0] is kept */
    default: return NULL;
    }
}

/* Starts a new entry if the current one is complete (or none is open). */
static hd_err begin_entry(po_parser *ps, bool obsolete)
{
    if (ps->open && ps->has_str) {
        hd_err err = flush(ps);
        if (err)
            return err;
    }
    if (!ps->open) {
        ps->open = true;
        ps->obsolete = obsolete;
        ps->fuzzy = ps->next_fuzzy;
        ps->next_fuzzy = false;
        ps->entry_line = ps->lineno;
    }
    return HD_OK;
}

/* A keyword line: keyword at p, the rest of the line up to end. */
static hd_err keyword_line(po_parser *ps, const char *p, const char *end, bool obsolete)
{
    const char *kw = p;
    while (p < end && ((*p >= 'a' && *p <= 'z') || *p == '_'))
        p++;
    size_t kwlen = (size_t)(p - kw);
    int index = -1;
    if (p < end && *p == '[') {
        const char *q = p + 1;
        index = 0;
        while (q < end && *q >= '0' && *q <= '9' && index < 1000)
            index = index * 10 + (*q++ - '0');
        if (q == p + 1 || q >= end || *q != ']')
            return perr(ps, p, "expected a number in brackets, as in msgstr[0]");
        p = q + 1;
    }
    const char *after_kw = p;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (p >= end || *p != '"')
        return perr(ps, p < end ? p : after_kw, "expected a string in double quotes here");
    const char *str_at = p;

#define KW(w) (kwlen == sizeof w - 1 && memcmp(kw, w, kwlen) == 0)
    hd_err err;
    field f;
    if (KW("msgctxt") && index < 0) {
        if (ps->open && !ps->has_str) {
            return perr(ps, kw,
                        ps->has_id ? "msgctxt before this entry's msgstr"
                                   : "a second msgctxt for the same entry");
        }
        if ((err = begin_entry(ps, obsolete)))
            return err;
        ps->has_ctx = true;
        f = F_CTX;
    } else if (KW("msgid") && index < 0) {
        if (ps->open && ps->has_id && !ps->has_str)
            return perr(ps, kw, "msgid before the previous entry's msgstr");
        if ((err = begin_entry(ps, obsolete)))
            return err;
        ps->has_id = true;
        ps->id_line = ps->lineno;
        f = F_ID;
    } else if (KW("msgid_plural") && index < 0) {
        if (!ps->open || !ps->has_id || ps->has_str || ps->has_plural)
            return perr(ps, kw, "msgid_plural must follow a msgid");
        ps->has_plural = true;
        f = F_PLURAL;
    } else if (KW("msgstr")) {
        if (!ps->open || !ps->has_id)
            return perr(ps, kw, "msgstr without a msgid before it");
        if (index < 0) {
            if (ps->has_plural)
                return perr(ps, kw, "a plural entry needs msgstr[0], msgstr[1], ...");
            if (ps->has_str)
                return perr(ps, kw, "a second msgstr for the same entry (is a msgid missing before it?)");
            f = F_STR;
        } else {
            if (!ps->has_plural)
                return perr(ps, kw, "msgstr[N] needs a msgid_plural before it");
            if (index != ps->nstr)
                return perr(ps, kw, "plural forms must be numbered in order from msgstr[0]");
            ps->nstr++;
            sb_clear(&ps->scratch);
            f = F_STRN;
        }
        ps->has_str = true;
    } else {
        char word[24];
        size_t n = kwlen < sizeof word - 1 ? kwlen : sizeof word - 1;
        memcpy(word, kw, n);
        word[n] = '\0';
        return perr(ps, kw,
                    "unknown keyword \"%s\" (expected msgctxt, msgid, msgid_plural or msgstr)",
                    word);
    }
#undef KW
    ps->cur = f;
    return read_string(ps, &str_at, end, field_buf(ps, f));
}

static hd_err parse_line(po_parser *ps)
{
    const char *p = ps->line;
    const char *end = ps->line + ps->line_len;
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (p >= end)
        return HD_OK; /* blank lines carry no meaning */
    bool obsolete = false;
    if (*p == '#') {
        if (p + 1 < end && p[1] == '~') {
            /* "#~ msgid ..." an obsolete entry; "#~| ..." its previous msgid */
            p += 2;
            if (p < end && *p == '|')
                return HD_OK;
            while (p < end && (*p == ' ' || *p == '\t'))
                p++;
            if (p >= end)
                return HD_OK;
            obsolete = true;
        } else {
            /* A comment closes a finished entry: comments belong to the next
             * one. Inside an entry, before its msgstr, msgfmt refuses it. */
            if (ps->open && !ps->has_str)
                return perr(ps, p, "a comment inside an entry, before its msgstr");
            if (ps->open && ps->has_str) {
                hd_err err = flush(ps);
                if (err)
                    return err;
            }
            if (p + 1 < end && p[1] == ',') {
                /* flags: "#, fuzzy, c-format" */
                for (const char *q = p + 2; q < end;) {
                    while (q < end && (*q == ' ' || *q == ',' || *q == '\t'))
                        q++;
                    const char *w = q;
                    while (q < end && *q != ',' && *q != ' ' && *q != '\t')
                        q++;
                    if (q - w == 5 && memcmp(w, "fuzzy", 5) == 0)
                        ps->next_fuzzy = true;
                }
            }
            return HD_OK;
        }
    }
    if (*p == '"') {
        if (!ps->open || ps->cur == F_NONE)
            return perr(ps, p, "a string with no msgid or msgstr before it");
        if (obsolete != ps->obsolete)
            return perr(ps, p,
                        obsolete ? "an obsolete (#~) string continues a current entry"
                                 : "a string continues an obsolete (#~) entry");
        return read_string(ps, &p, end, field_buf(ps, ps->cur));
    }
    if (ascii_prefix(p, end, "msg")) {
        if (ps->open && !ps->has_str && obsolete != ps->obsolete)
            return perr(ps, p, "an entry mixes obsolete (#~) and current lines");
        return keyword_line(ps, p, end, obsolete);
    }
    return perr(ps, p,
                "expected msgctxt, msgid, msgid_plural, msgstr, a \"string\" or a # "
                "comment");
}

hd_err hd_po_parse(const char *po, size_t len, const char *filename, hd_po_visit visit, void *ud,
                   hd_diag *diag)
{
    (void)filename; /* the caller's diag names the file */
    if (!po && len)
        return HD_EINVAL;
    po_parser ps = {.src = po, .len = len, .diag = diag, .visit = visit, .ud = ud};
    size_t i = 0;
    if (len >= 3 && memcmp(po, "\xEF\xBB\xBF", 3) == 0)
        i = 3; /* a byte-order mark some Windows editors add */

    /* The whole file must be UTF-8 before anything else: a file saved in a
     * legacy code page is the most likely mistake a translator makes. */
    int lineno = 1;
    const char *ls = po + i;
    for (size_t k = i; k < len;) {
        if (po[k] == '\n') {
            lineno++;
            ls = po + k + 1;
        }
        if (po[k] == '\0') {
            ps.lineno = lineno, ps.line = ls;
            return perr(&ps, po + k, "a NUL byte in the file");
        }
        size_t n = utf8_len((const unsigned char *)po + k, len - k);
        if (!n) {
            ps.lineno = lineno, ps.line = ls;
            return perr(&ps, po + k,
                        "this is not valid UTF-8 (save the file with UTF-8 encoding)");
        }
        k += n;
    }

    hd_err err = HD_OK;
    while (i < len && !err) {
        const char *nl = memchr(po + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - po) : len;
        ps.line = po + i;
        ps.line_len = end - i;
        if (ps.line_len && ps.line[ps.line_len - 1] == '\r')
            ps.line_len--;
        ps.lineno++;
        err = parse_line(&ps);
        i = end + 1;
    }
    if (!err && ps.open) {
        if (!ps.has_str) {
            if (diag)
                hd_diag_add(diag, ps.has_id ? ps.id_line : ps.entry_line, 1,
                            ps.has_id ? "this msgid has no msgstr after it"
                                      : "this msgctxt has no msgid and msgstr after it");
            err = HD_EPARSE;
        } else {
            err = flush(&ps);
        }
    }
    free(ps.ctx.p);
    free(ps.id.p);
    free(ps.plural.p);
    free(ps.str.p);
    free(ps.scratch.p);
    return err;
}

/* ------------------------------------------------------------------ */
/* Catalogues                                                           */

typedef struct entry {
    const char *ctx; /* NULL when none */
    const char *id;
    const char *str;
    int line;
    bool usable; /* not fuzzy and not empty: shown on the kiosk */
    char *mem;   /* the one allocation holding ctx, id and str */
} entry;

typedef struct catalog {
    hd_catalog cat;
    char *lang;
    entry *e;
    size_t n, cap;
} catalog;

struct hd_i18n {
    catalog *c;
    size_t n, cap;
};

static void catalog_free(catalog *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->e[i].mem);
    free(c->e);
    free(c->lang);
}

hd_err hd_i18n_open(hd_i18n **out)
{
    hd_i18n *t = calloc(1, sizeof *t);
    if (!t)
        return HD_ENOMEM;
    *out = t;
    return HD_OK;
}

void hd_i18n_close(hd_i18n *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        catalog_free(&t->c[i]);
    free(t->c);
    free(t);
}

/* Orders entries by (ctx, id); an entry without a context sorts first. The
 * context is given as a pointer and length so a lookup can pass a slice of
 * "ctx\004id" without copying. */
static int key_cmp(const char *actx, size_t actx_len, const char *aid, const entry *b)
{
    if (!actx != !b->ctx)
        return actx ? 1 : -1;
    if (actx) {
        size_t blen = strlen(b->ctx);
        size_t m = actx_len < blen ? actx_len : blen;
        int d = memcmp(actx, b->ctx, m);
        if (d)
            return d;
        if (actx_len != blen)
            return actx_len < blen ? -1 : 1;
    }
    return strcmp(aid, b->id);
}

static int entry_cmp(const void *a, const void *b)
{
    const entry *x = a, *y = b;
    return key_cmp(x->ctx, x->ctx ? strlen(x->ctx) : 0, x->id, y);
}

static const entry *find(const catalog *c, const char *ctx, size_t ctx_len, const char *id)
{
    size_t lo = 0, hi = c->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int d = key_cmp(ctx, ctx_len, id, &c->e[mid]);
        if (d == 0)
            return &c->e[mid];
        if (d < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

typedef struct load_ctx {
    catalog *c;
    hd_err err;
} load_ctx;

static void load_visit(const hd_po_entry *pe, void *ud)
{
    load_ctx *lc = ud;
    if (lc->err || pe->obsolete || (!pe->ctx && !pe->id[0]))
        return; /* obsolete entries and the header are not translations */
    catalog *c = lc->c;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        entry *e = realloc(c->e, cap * sizeof *e);
        if (!e) {
            lc->err = HD_ENOMEM;
            return;
        }
        c->e = e;
        c->cap = cap;
    }
    size_t cl = pe->ctx ? strlen(pe->ctx) + 1 : 0;
    size_t il = strlen(pe->id) + 1, sl = strlen(pe->str) + 1;
    char *mem = malloc(cl + il + sl);
    if (!mem) {
        lc->err = HD_ENOMEM;
        return;
    }
    entry *e = &c->e[c->n++];
    e->mem = mem;
    e->ctx = NULL;
    if (pe->ctx) {
        memcpy(mem, pe->ctx, cl);
        e->ctx = mem;
    }
    memcpy(mem + cl, pe->id, il);
    e->id = mem + cl;
    memcpy(mem + cl + il, pe->str, sl);
    e->str = mem + cl + il;
    e->line = pe->line;
    e->usable = !pe->fuzzy && pe->str[0] != '\0';
}

hd_err hd_i18n_load_po(hd_i18n *t, hd_catalog cat, const char *lang, const char *po,
                       size_t len, const char *filename, hd_diag *diag)
{
    if (!t || !lang || (!po && len))
        return HD_EINVAL;
    catalog c = {.cat = cat};
    load_ctx lc = {.c = &c};
    hd_err err = hd_po_parse(po, len, filename, load_visit, &lc, diag);
    if (!err)
        err = lc.err;
    if (!err && c.n) {
        qsort(c.e, c.n, sizeof *c.e, entry_cmp);
        for (size_t i = 1; i < c.n; i++) {
            if (entry_cmp(&c.e[i - 1], &c.e[i]) == 0) {
                const entry *a = &c.e[i - 1], *b = &c.e[i];
                const entry *later = a->line > b->line ? a : b;
                const entry *first = a->line > b->line ? b : a;
                if (diag) {
                    /* Long msgids are cut: the line number finds the entry. */
                    const char *what = later->ctx ? later->ctx : later->id;
                    int cut = utf8_cut(what, 60);
                    hd_diag_add(diag, later->line, 1,
                                "\"%.*s%s\" is translated twice (first at line %d); keep one",
                                cut, what, what[cut] ? "..." : "", first->line);
                }
                err = HD_EPARSE;
                break;
            }
        }
    }
    if (!err)
        c.lang = dup_s(lang);
    if (!err && !c.lang)
        err = HD_ENOMEM;
    if (!err && t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 8;
        catalog *nc = realloc(t->c, cap * sizeof *nc);
        if (!nc)
            err = HD_ENOMEM;
        else
            t->c = nc, t->cap = cap;
    }
    if (err) {
        catalog_free(&c);
        return err;
    }
    for (size_t i = 0; i < t->n; i++) {
        if (t->c[i].cat == cat && strcmp(t->c[i].lang, lang) == 0) {
            catalog_free(&t->c[i]);
            t->c[i] = c;
            return HD_OK;
        }
    }
    t->c[t->n++] = c;
    return HD_OK;
}

/* The catalogue of kind cat for lang; when lang has subtags ("pt-BR") and no
 * catalogue of its own, the one of its primary language ("pt"). */
static const catalog *catalog_for(const hd_i18n *t, hd_catalog cat, const char *lang)
{
    if (!t || !lang)
        return NULL;
    for (size_t i = 0; i < t->n; i++)
        if (t->c[i].cat == cat && strcmp(t->c[i].lang, lang) == 0)
            return &t->c[i];
    size_t primary = strcspn(lang, "-_");
    if (!lang[primary])
        return NULL;
    for (size_t i = 0; i < t->n; i++)
        if (t->c[i].cat == cat && strlen(t->c[i].lang) == primary &&
            memcmp(t->c[i].lang, lang, primary) == 0)
            return &t->c[i];
    return NULL;
}

/* msgid may carry a context the gettext way, "ctx\004text"; the fallback is
 * then the text after the separator. */
const char *hd_i18n_ui(const hd_i18n *t, const char *lang, const char *msgid)
{
    if (!msgid)
        return "";
    const char *sep = strchr(msgid, '\004');
    const char *id = sep ? sep + 1 : msgid;
    const catalog *c = catalog_for(t, HD_CAT_UI, lang);
    if (!c || !*id)
        return id;
    const entry *e = find(c, sep ? msgid : NULL, sep ? (size_t)(sep - msgid) : 0, id);
    return e && e->usable ? e->str : id;
}

/* An entry whose msgid is not today's source text was translated from an
 * older wording: showing it could say something the survey no longer asks,
 * so it counts as missing and the source is shown. */
const char *hd_i18n_survey(const hd_i18n *t, const char *lang, const char *ctx,
                           const char *source)
{
    if (!source)
        source = "";
    const catalog *c = catalog_for(t, HD_CAT_SURVEY, lang);
    if (!c || !ctx || !*source)
        return source;
    const entry *e = find(c, ctx, strlen(ctx), source);
    return e && e->usable ? e->str : source;
}

/* ------------------------------------------------------------------ */
/* Languages                                                            */

/* Native names are what the language's speakers call it, as they would
 * look for it on the picker. Full tags (with a script) come before the
 * primary-subtag entries they refine. */
static const hd_lang_info langs[] = {
    {"en", "English", "English", "Latn", false},
    {"cy", "Cymraeg", "Welsh", "Latn", false},
    {"pl", "Polski", "Polish", "Latn", false},
    {"ro", "Română", "Romanian", "Latn", false},
    {"pt", "Português", "Portuguese", "Latn", false},
    {"so", "Soomaali", "Somali", "Latn", false},
    {"ar", "العربية", "Arabic", "Arab", true},
    {"ur", "اردو", "Urdu", "Arab", true},
    {"bn", "বাংলা", "Bengali", "Beng", false},
    {"pa-Arab", "پنجابی", "Punjabi (Shahmukhi)", "Arab", true},
    {"pa", "ਪੰਜਾਬੀ", "Punjabi", "Guru", false},
    {"fa", "فارسی", "Persian", "Arab", true},
    {"prs", "دری", "Dari", "Arab", true},
    {"ps", "پښتو", "Pashto", "Arab", true},
    {"he", "עברית", "Hebrew", "Hebr", true},
    {"yi", "ייִדיש", "Yiddish", "Hebr", true},
    {"sd", "سنڌي", "Sindhi", "Arab", true},
    {"ku", "Kurdî", "Kurdish (Kurmanji)", "Latn", false},
    {"ckb", "کوردی", "Kurdish (Sorani)", "Arab", true},
    {"ti", "ትግርኛ", "Tigrinya", "Ethi", false},
    {"am", "አማርኛ", "Amharic", "Ethi", false},
    {"om", "Afaan Oromoo", "Oromo", "Latn", false},
    {"tr", "Türkçe", "Turkish", "Latn", false},
    {"es", "Español", "Spanish", "Latn", false},
    {"fr", "Français", "French", "Latn", false},
    {"it", "Italiano", "Italian", "Latn", false},
    {"de", "Deutsch", "German", "Latn", false},
    {"zh-Hant", "繁體中文", "Chinese (Traditional)", "Hant", false},
    {"zh", "中文", "Chinese", "Hans", false},
    {"uk", "Українська", "Ukrainian", "Cyrl", false},
    {"ru", "Русский", "Russian", "Cyrl", false},
    {"bg", "Български", "Bulgarian", "Cyrl", false},
    {"lt", "Lietuvių", "Lithuanian", "Latn", false},
    {"lv", "Latviešu", "Latvian", "Latn", false},
    {"sk", "Slovenčina", "Slovak", "Latn", false},
    {"cs", "Čeština", "Czech", "Latn", false},
    {"hu", "Magyar", "Hungarian", "Latn", false},
    {"sq", "Shqip", "Albanian", "Latn", false},
    {"ta", "தமிழ்", "Tamil", "Taml", false},
    {"gu", "ગુજરાતી", "Gujarati", "Gujr", false},
    {"hi", "हिन्दी", "Hindi", "Deva", false},
    {"ne", "नेपाली", "Nepali", "Deva", false},
    {"ml", "മലയാളം", "Malayalam", "Mlym", false},
    {"te", "తెలుగు", "Telugu", "Telu", false},
    {"vi", "Tiếng Việt", "Vietnamese", "Latn", false},
    {"yo", "Yorùbá", "Yoruba", "Latn", false},
    {"ig", "Igbo", "Igbo", "Latn", false},
    {"ha", "Hausa", "Hausa", "Latn", false},
    {"sw", "Kiswahili", "Swahili", "Latn", false},
    {"tw", "Twi", "Twi", "Latn", false},
};

/* Unknown codes get a generic entry named by the code itself. The entries
 * must outlive the call, and the picker may show several unknown codes at
 * once, so they are kept in a small table (the kiosk is single-threaded); a
 * code already there reuses its slot, so repeated calls every frame do not
 * churn it. */
#define HD_LANG_UNKNOWN_SLOTS 32
#define HD_LANG_CODE_MAX 36
static struct {
    char code[HD_LANG_CODE_MAX];
    hd_lang_info info;
} unknown[HD_LANG_UNKNOWN_SLOTS];
static int unknown_next;

static const hd_lang_info *lang_lookup(const char *code)
{
    if (!code)
        return NULL;
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++)
        if (casecmp(code, langs[i].code) == 0)
            return &langs[i];
    size_t primary = strcspn(code, "-_");
    if (!code[primary])
        return NULL;
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++) {
        const char *c = langs[i].code;
        if (strlen(c) != primary)
            continue;
        size_t k = 0;
        while (k < primary && lower((unsigned char)code[k]) == c[k])
            k++;
        if (k == primary)
            return &langs[i];
    }
    return NULL;
}

const hd_lang_info *hd_lang_info_get(const char *code)
{
    const hd_lang_info *l = lang_lookup(code);
    if (l)
        return l;
    if (!code)
        code = "";
    for (int i = 0; i < HD_LANG_UNKNOWN_SLOTS; i++)
        if (unknown[i].info.code && strcmp(unknown[i].code, code) == 0)
            return &unknown[i].info;
    int s = unknown_next;
    unknown_next = (unknown_next + 1) % HD_LANG_UNKNOWN_SLOTS;
    size_t n = strlen(code);
    if (n >= HD_LANG_CODE_MAX)
        n = HD_LANG_CODE_MAX - 1;
    memcpy(unknown[s].code, code, n);
    unknown[s].code[n] = '\0';
    unknown[s].info = (hd_lang_info){unknown[s].code, unknown[s].code, unknown[s].code,
                                     "Latn", false};
    return &unknown[s].info;
}

bool hd_lang_is_rtl(const char *code)
{
    const hd_lang_info *l = lang_lookup(code);
    if (l)
        return l->rtl;
    /* An unlisted language written in a right-to-left script: the script
     * subtag decides ("xx-Arab"). */
    const char *dash = code ? strchr(code, '-') : NULL;
    if (dash && strlen(dash + 1) >= 4) {
        static const char *const rtl_scripts[] = {"Arab", "Hebr", "Syrc", "Thaa", "Nkoo",
                                                  "Adlm", "Rohg"};
        for (size_t i = 0; i < sizeof rtl_scripts / sizeof rtl_scripts[0]; i++)
            if (strncmp(dash + 1, rtl_scripts[i], 4) == 0 &&
                (dash[5] == '\0' || dash[5] == '-'))
                return true;
    }
    return false;
}

static bool all(const char *s, size_t n, int (*pred)(int))
{
    for (size_t i = 0; i < n; i++)
        if (!pred((unsigned char)s[i]))
            return false;
    return true;
}

static int is_lower(int c) { return c >= 'a' && c <= 'z'; }
static int is_upper(int c) { return c >= 'A' && c <= 'Z'; }
static int is_digit(int c) { return c >= '0' && c <= '9'; }

/* Letter case as BCP 47 recommends (lowercase language, Title-case script,
 * uppercase region): the code names files and element ids ("lang.pa-Arab"),
 * so one spelling per language keeps them from drifting apart. */
bool hd_lang_code_valid(const char *code)
{
    if (!code)
        return false;
    const char *p = code;
    size_t n = strcspn(p, "-");
    if (n < 2 || n > 3 || !all(p, n, is_lower))
        return false;
    p += n;
    bool had_script = false, had_region = false;
    while (*p == '-') {
        p++;
        n = strcspn(p, "-");
        if (n == 4 && !had_script && !had_region && is_upper((unsigned char)p[0]) &&
            all(p + 1, 3, is_lower)) {
            had_script = true;
        } else if (!had_region && ((n == 2 && all(p, 2, is_upper)) ||
                                   (n == 3 && all(p, 3, is_digit)))) {
            had_region = true;
        } else {
            return false;
        }
        p += n;
    }
    return *p == '\0';
}
