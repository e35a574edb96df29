/* json.c — a strict RFC 8259 parser that keeps the position of every value.
 *
 * Recursive descent over the bytes, one pass. Nodes and decoded strings are
 * carved from one arena (a short chain of large blocks owned by the
 * hd_json_doc), so freeing a tree is freeing a handful of blocks, and a
 * survey of a few kilobytes lives in a single block.
 *
 * Positions: lines are 1-based; a line ends at "\n", "\r\n" or a lone "\r".
 * Columns are 1-based and count code points, not bytes, so a column matches
 * what an editor shows on a line of Polish or Urdu text. A UTF-8 byte order
 * mark at the very start is skipped and takes no column.
 *
 * The parser stops at the first syntax error: after one, the rest of the
 * text cannot be read reliably, and a second message would be a guess.
 */
#include "core/json.h"

#include <locale.h>
#include <stdarg.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 64

/* ---- arena ---------------------------------------------------------- */

typedef struct arena_block {
    struct arena_block *next;
    size_t cap, used;
    max_align_t data[]; /* cap bytes */
} arena_block;

struct hd_json_doc {
    arena_block *blocks; /* newest first */
    hd_json *root;
};

static void *arena_alloc(hd_json_doc *doc, size_t n, size_t hint)
{
    const size_t align = _Alignof(max_align_t);
    n = (n + align - 1) / align * align;
    arena_block *b = doc->blocks;
    if (!b || b->cap - b->used < n) {
        size_t cap = b ? b->cap * 2 : hint;
        if (cap < n)
            cap = n;
        arena_block *nb = malloc(sizeof *nb + cap);
        if (!nb)
            return NULL;
        nb->cap = cap;
        nb->used = 0;
        nb->next = doc->blocks;
        doc->blocks = nb;
        b = nb;
    }
    void *p = (char *)b->data + b->used;
    b->used += n;
    return p;
}

void hd_json_free(hd_json_doc *doc)
{
    if (!doc)
        return;
    arena_block *b = doc->blocks;
    while (b) {
        arena_block *next = b->next;
        free(b);
        b = next;
    }
    free(doc);
}

/* ---- parser state --------------------------------------------------- */

typedef struct dup_slot {
    const hd_json *member; /* NULL: empty slot */
    unsigned object;       /* serial number of the object holding it */
    unsigned hash;
} dup_slot;

typedef struct parser {
    const char *start; /* first byte after an optional BOM */
    const char *end;
    const char *p;
    /* position cache: line/col of pos_at, so positions are found in
     * amortised linear time even on a file written on one line */
    const char *pos_at;
    int pos_line, pos_col;
    hd_json_doc *doc;
    hd_diag *diag;
    hd_err err; /* HD_OK until the first error */
    /* every object member seen, to refuse duplicate keys in O(1) each */
    dup_slot *dup;
    size_t dup_cap, dup_n;
    unsigned object_serial;
} parser;

static void where(parser *ps, const char *at, int *line, int *col)
{
    if (at < ps->pos_at) {
        ps->pos_at = ps->start;
        ps->pos_line = 1;
        ps->pos_col = 1;
    }
    const char *q = ps->pos_at;
    int l = ps->pos_line, c = ps->pos_col;
    for (; q < at; q++) {
        unsigned char ch = (unsigned char)*q;
        if (ch == '\n') {
            l++;
            c = 1;
        } else if (ch == '\r') {
            if (q + 1 < ps->end && q[1] == '\n')
                continue; /* the "\n" of "\r\n" ends the line */
            l++;
            c = 1;
        } else if ((ch & 0xC0) != 0x80) {
            c++; /* continuation bytes belong to the previous code point */
        }
    }
    ps->pos_at = at;
    ps->pos_line = l;
    ps->pos_col = c;
    *line = l;
    *col = c;
}

static void fail(parser *ps, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(parser *ps, const char *at, const char *fmt, ...)
{
    if (ps->err != HD_OK)
        return;
    ps->err = HD_EPARSE;
    if (!ps->diag)
        return;
    int line, col;
    where(ps, at, &line, &col);
    char msg[HD_DIAG_MSG];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    hd_diag_add(ps->diag, line, col, "%s", msg);
}

static void fail_nomem(parser *ps)
{
    if (ps->err != HD_OK)
        return;
    ps->err = HD_ENOMEM;
    if (ps->diag)
        hd_diag_add(ps->diag, 0, 0, "out of memory while reading the file");
}

/* Length of the valid UTF-8 sequence at s (at most n bytes available), or 0
 * when it is not valid (overlong forms, surrogates and values above
 * U+10FFFF are invalid); *cp receives the code point. */
static int utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0)
        return 0;
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    int len;
    uint32_t v;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        v = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        v = c & 0x0F;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        if (c == 0xED)
            hi = 0x9F; /* UTF-16 surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        v = c & 0x07;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        if (c == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0;
    }
    if ((size_t)len > n)
        return 0;
    for (int i = 1; i < len; i++) {
        unsigned char b = s[i];
        if (i == 1 ? (b < lo || b > hi) : (b & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (b & 0x3F);
    }
    *cp = v;
    return len;
}

/* Describes the character at p for "found ..." in a message. */
static const char *describe(const parser *ps, const char *p, char buf[96])
{
    if (p >= ps->end)
        return "the end of the file";
    unsigned char c = (unsigned char)*p;
    if (c == '\n' || c == '\r')
        return "the end of the line";
    if (c == '\t')
        return "a tab";
    if (c >= 0x21 && c < 0x7F) {
        snprintf(buf, 96, "'%c'", c);
        return buf;
    }
    if (c == ' ')
        return "a space";
    uint32_t cp;
    int n = utf8_seq((const unsigned char *)p, (size_t)(ps->end - p), &cp);
    if (n == 0) {
        snprintf(buf, 96, "the byte 0x%02X, which is not UTF-8 (save the file as UTF-8)", c);
        return buf;
    }
    if (cp < 0x20 || cp == 0x7F) {
        snprintf(buf, 96, "the control character U+%04X", (unsigned)cp);
        return buf;
    }
    if (cp == 0x201C || cp == 0x201D || cp == 0x2018 || cp == 0x2019) {
        snprintf(buf, 96, "a curly quote '%.*s' (use straight quotes \")", n, p);
        return buf;
    }
    snprintf(buf, 96, "'%.*s' (U+%04X)", n, p, (unsigned)cp);
    return buf;
}

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end &&
           (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static bool at_comment(const parser *ps)
{
    return ps->p + 1 < ps->end && ps->p[0] == '/' && (ps->p[1] == '/' || ps->p[1] == '*');
}

static hd_json *new_node(parser *ps, hd_json_type t, const char *at)
{
    hd_json *n = arena_alloc(ps->doc, sizeof *n, 0);
    if (!n) {
        fail_nomem(ps);
        return NULL;
    }
    memset(n, 0, sizeof *n);
    n->type = t;
    where(ps, at, &n->line, &n->col);
    return n;
}

/* ---- strings -------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads 4 hex digits at p; -1 when they are not there. */
static long hex4(const parser *ps, const char *p)
{
    if (ps->end - p < 4)
        return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0)
            return -1;
        v = v * 16 + h;
    }
    return v;
}

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Parses the string starting at ps->p (a '"'). On success returns the
 * decoded NUL-terminated text in the arena and its length in *len. */
static char *parse_string(parser *ps, size_t *len)
{
    const char *open = ps->p;
    /* Find the closing quote first, so the decoded text (never longer
     * than the raw text) can be allocated once. */
    const char *q = open + 1;
    while (q < ps->end && *q != '"' && *q != '\n' && *q != '\r') {
        if (*q == '\\' && q + 1 < ps->end && q[1] != '\n' && q[1] != '\r')
            q++;
        q++;
    }
    if (q >= ps->end || *q != '"') {
        fail(ps, open,
             q >= ps->end ? "string not closed: the file ends before its closing '\"'"
                          : "string not closed before the end of the line (write a line "
                            "break inside a text as \\n)");
        return NULL;
    }
    const char *close = q;
    char *out = arena_alloc(ps->doc, (size_t)(close - open), 0);
    if (!out) {
        fail_nomem(ps);
        return NULL;
    }
    char *o = out;
    const char *p = open + 1;
    char dbuf[96];
    while (p < close) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20) {
            fail(ps, p,
                 "control character U+%04X inside a string (write it as an escape such as "
                 "\\t)",
                 c);
            return NULL;
        }
        if (c == '\\') {
            char e = p[1];
            switch (e) {
            case '"': *o++ = '"'; p += 2; continue;
            case '\\': *o++ = '\\'; p += 2; continue;
            case '/': *o++ = '/'; p += 2; continue;
            case 'b': *o++ = '\b'; p += 2; continue;
            case 'f': *o++ = '\f'; p += 2; continue;
            case 'n': *o++ = '\n'; p += 2; continue;
            case 'r': *o++ = '\r'; p += 2; continue;
            case 't': *o++ = '\t'; p += 2; continue;
            case 'u': break;
            default:
                fail(ps, p,
                     "invalid escape '\\' followed by %s in a string (valid escapes: \\\" "
                     "\\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
                     describe(ps, p + 1, dbuf));
                return NULL;
            }
            long u = hex4(ps, p + 2);
            if (u < 0 || p + 6 > close) {
                fail(ps, p, "\\u must be followed by four hex digits");
                return NULL;
            }
            uint32_t cp = (uint32_t)u;
            const char *esc = p;
            p += 6;
            if (cp == 0) {
                fail(ps, esc, "\\u0000 (a NUL character) is not allowed in a string");
                return NULL;
            }
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
                fail(ps, esc, "lone low surrogate \\u%04lX: it must follow a high surrogate",
                     u);
                return NULL;
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                long lo = (p + 6 <= close && p[0] == '\\' && p[1] == 'u') ? hex4(ps, p + 2) : -1;
                if (lo < 0xDC00 || lo > 0xDFFF) {
                    fail(ps, esc,
                         "lone high surrogate \\u%04lX: it must be followed by a low "
                         "surrogate \\uDC00 to \\uDFFF",
                         u);
                    return NULL;
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
                p += 6;
            }
            o += put_utf8(o, cp);
            continue;
        }
        if (c < 0x80) {
            *o++ = (char)c;
            p++;
            continue;
        }
        uint32_t cp;
        int n = utf8_seq((const unsigned char *)p, (size_t)(close - p), &cp);
        if (n == 0) {
            fail(ps, p,
                 "invalid UTF-8 (byte 0x%02X) in a string: save the file as UTF-8", c);
            return NULL;
        }
        memcpy(o, p, (size_t)n);
        o += n;
        p += n;
    }
    *o = '\0';
    *len = (size_t)(o - out);
    ps->p = close + 1;
    return out;
}

/* ---- duplicate keys ------------------------------------------------- */

static unsigned hash_key(unsigned object, const char *k)
{
    uint32_t h = 2166136261u ^ object;
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 16777619u;
    h ^= object * 2654435761u;
    return h;
}

/* Remembers member m of object `object`; returns the earlier member with the
 * same key, or NULL. */
static const hd_json *dup_check(parser *ps, unsigned object, const hd_json *m)
{
    if (ps->dup_n * 2 >= ps->dup_cap) {
        size_t cap = ps->dup_cap ? ps->dup_cap * 2 : 64;
        dup_slot *t = calloc(cap, sizeof *t);
        if (!t) {
            fail_nomem(ps);
            return NULL;
        }
        for (size_t i = 0; i < ps->dup_cap; i++) {
            if (!ps->dup[i].member)
                continue;
            size_t j = ps->dup[i].hash & (cap - 1);
            while (t[j].member)
                j = (j + 1) & (cap - 1);
            t[j] = ps->dup[i];
        }
        free(ps->dup);
        ps->dup = t;
        ps->dup_cap = cap;
    }
    unsigned h = hash_key(object, m->key);
    size_t j = h & (ps->dup_cap - 1);
    while (ps->dup[j].member) {
        if (ps->dup[j].hash == h && ps->dup[j].object == object &&
            strcmp(ps->dup[j].member->key, m->key) == 0)
            return ps->dup[j].member;
        j = (j + 1) & (ps->dup_cap - 1);
    }
    ps->dup[j].member = m;
    ps->dup[j].object = object;
    ps->dup[j].hash = h;
    ps->dup_n++;
    return NULL;
}

/* ---- values --------------------------------------------------------- */

static hd_json *parse_value(parser *ps, int depth);

static void fail_expected_value(parser *ps)
{
    char dbuf[96];
    const char *p = ps->p;
    if (p >= ps->end) {
        fail(ps, p, "expected a value, found the end of the file");
    } else if (at_comment(ps)) {
        fail(ps, p, "comments are not allowed in JSON");
    } else if (*p == '\'') {
        fail(ps, p, "strings must be in double quotes (\"...\"), not single quotes");
    } else if (*p == '+') {
        fail(ps, p, "a number may not start with '+'");
    } else if (*p == '.') {
        fail(ps, p, "a number must start with a digit (write 0.5, not .5)");
    } else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
        const char *w = p;
        while (w < ps->end && ((*w >= 'a' && *w <= 'z') || (*w >= 'A' && *w <= 'Z')))
            w++;
        fail(ps, p,
             "unknown word \"%.*s\" (a value is a \"string\" in double quotes, a number, "
             "true, false, null, a list or an object)",
             (int)(w - p > 40 ? 40 : w - p), p);
    } else {
        fail(ps, p, "expected a value, found %s", describe(ps, p, dbuf));
    }
}

static hd_json *parse_literal(parser *ps)
{
    static const struct {
        const char *word;
        hd_json_type type;
        bool value;
    } lits[] = {{"true", HD_JSON_BOOL, true},
                {"false", HD_JSON_BOOL, false},
                {"null", HD_JSON_NULL, false}};
    const char *p = ps->p;
    size_t avail = (size_t)(ps->end - p);
    for (size_t i = 0; i < sizeof lits / sizeof lits[0]; i++) {
        size_t n = strlen(lits[i].word);
        if (avail >= n && memcmp(p, lits[i].word, n) == 0 &&
            !(avail > n && ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
                            (p[n] >= '0' && p[n] <= '9') || p[n] == '_'))) {
            hd_json *v = new_node(ps, lits[i].type, p);
            if (!v)
                return NULL;
            v->boolean = lits[i].value;
            ps->p += n;
            return v;
        }
    }
    fail_expected_value(ps);
    return NULL;
}

static bool is_digit(const parser *ps, const char *p)
{
    return p < ps->end && *p >= '0' && *p <= '9';
}

static hd_json *parse_number(parser *ps)
{
    const char *s = ps->p, *p = s;
    if (*p == '-')
        p++;
    if (!is_digit(ps, p)) {
        fail(ps, s, "expected a digit after '-'");
        return NULL;
    }
    if (*p == '0' && is_digit(ps, p + 1)) {
        const char *e = p;
        while (is_digit(ps, e))
            e++;
        fail(ps, s, "a number may not start with 0 (found \"%.*s\")", (int)(e - s), s);
        return NULL;
    }
    while (is_digit(ps, p))
        p++;
    if (p < ps->end && *p == '.') {
        p++;
        if (!is_digit(ps, p)) {
            fail(ps, p, "expected a digit after the decimal point");
            return NULL;
        }
        while (is_digit(ps, p))
            p++;
    }
    if (p < ps->end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < ps->end && (*p == '+' || *p == '-'))
            p++;
        if (!is_digit(ps, p)) {
            fail(ps, p, "expected a digit in the exponent of a number");
            return NULL;
        }
        while (is_digit(ps, p))
            p++;
    }
    size_t n = (size_t)(p - s);
    hd_json *v = new_node(ps, HD_JSON_NUMBER, s);
    char *text = v ? arena_alloc(ps->doc, n + 1, 0) : NULL;
    if (!text) {
        fail_nomem(ps);
        return NULL;
    }
    memcpy(text, s, n);
    text[n] = '\0';
    v->number_text = text;
    /* strtod follows the C locale's decimal point; the host program may
     * have set another, so convert through a copy using that one. */
    char tmp[512];
    const char *conv = text;
    const char *dp = localeconv()->decimal_point;
    if (dp && strcmp(dp, ".") != 0 && strlen(dp) == 1 && n < sizeof tmp) {
        memcpy(tmp, text, n + 1);
        char *dot = strchr(tmp, '.');
        if (dot)
            *dot = dp[0];
        conv = tmp;
    }
    v->number = strtod(conv, NULL);
    if (isinf(v->number)) {
        fail(ps, s, "the number %.40s is too large", text);
        return NULL;
    }
    ps->p = p;
    return v;
}

static void append(hd_json *parent, hd_json **tail, hd_json *child)
{
    if (*tail)
        (*tail)->next = child;
    else
        parent->child = child;
    *tail = child;
    parent->n_children++;
}

static hd_json *parse_array(parser *ps, int depth)
{
    const char *open = ps->p;
    if (depth > JSON_MAX_DEPTH) {
        fail(ps, open, "lists and objects are nested more than %d deep", JSON_MAX_DEPTH);
        return NULL;
    }
    hd_json *arr = new_node(ps, HD_JSON_ARRAY, open);
    if (!arr)
        return NULL;
    hd_json *tail = NULL;
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ']') {
        ps->p++;
        return arr;
    }
    for (;;) {
        skip_ws(ps);
        hd_json *v = parse_value(ps, depth + 1);
        if (!v)
            return NULL;
        append(arr, &tail, v);
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ']') {
            ps->p++;
            return arr;
        }
        if (ps->p < ps->end && *ps->p == ',') {
            const char *comma = ps->p++;
            skip_ws(ps);
            if (ps->p < ps->end && *ps->p == ']') {
                fail(ps, comma, "trailing ',' before ']' (remove it)");
                return NULL;
            }
            continue;
        }
        if (ps->p >= ps->end) {
            fail(ps, ps->p, "the file ends inside the list opened at %d:%d (missing ']')",
                 arr->line, arr->col);
        } else if (at_comment(ps)) {
            fail(ps, ps->p, "comments are not allowed in JSON");
        } else {
            fail(ps, ps->p, "expected ',' or ']' after list element");
        }
        return NULL;
    }
}

static hd_json *parse_object(parser *ps, int depth)
{
    const char *open = ps->p;
    if (depth > JSON_MAX_DEPTH) {
        fail(ps, open, "lists and objects are nested more than %d deep", JSON_MAX_DEPTH);
        return NULL;
    }
    hd_json *obj = new_node(ps, HD_JSON_OBJECT, open);
    if (!obj)
        return NULL;
    unsigned serial = ++ps->object_serial;
    hd_json *tail = NULL;
    ps->p++;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == '}') {
        ps->p++;
        return obj;
    }
    char dbuf[96];
    for (;;) {
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != '"') {
            if (ps->p >= ps->end)
                fail(ps, ps->p,
                     "the file ends inside the object opened at %d:%d (missing '}')",
                     obj->line, obj->col);
            else if (at_comment(ps))
                fail(ps, ps->p, "comments are not allowed in JSON");
            else if (*ps->p == '\'')
                fail(ps, ps->p, "keys must be in double quotes (\"...\"), not single quotes");
            else
                fail(ps, ps->p, "expected a key in double quotes, found %s",
                     describe(ps, ps->p, dbuf));
            return NULL;
        }
        const char *kat = ps->p;
        int kline, kcol;
        where(ps, kat, &kline, &kcol); /* before the value moves the position cache on */
        size_t klen;
        char *key = parse_string(ps, &klen);
        if (!key)
            return NULL;
        skip_ws(ps);
        if (ps->p >= ps->end || *ps->p != ':') {
            fail(ps, ps->p, "expected ':' after key \"%.60s\", found %s", key,
                 describe(ps, ps->p, dbuf));
            return NULL;
        }
        ps->p++;
        skip_ws(ps);
        hd_json *v = parse_value(ps, depth + 1);
        if (!v)
            return NULL;
        v->key = key;
        v->key_line = kline;
        v->key_col = kcol;
        const hd_json *first = dup_check(ps, serial, v);
        if (ps->err != HD_OK)
            return NULL;
        if (first) {
            fail(ps, kat, "duplicate key \"%.60s\" (first at %d:%d)", key, first->key_line,
                 first->key_col);
            return NULL;
        }
        append(obj, &tail, v);
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == '}') {
            ps->p++;
            return obj;
        }
        if (ps->p < ps->end && *ps->p == ',') {
            const char *comma = ps->p++;
            skip_ws(ps);
            if (ps->p < ps->end && *ps->p == '}') {
                fail(ps, comma, "trailing ',' before '}' (remove it)");
                return NULL;
            }
            continue;
        }
        if (ps->p >= ps->end)
            fail(ps, ps->p, "the file ends inside the object opened at %d:%d (missing '}')",
                 obj->line, obj->col);
        else if (at_comment(ps))
            fail(ps, ps->p, "comments are not allowed in JSON");
        else
            fail(ps, ps->p, "expected ',' or '}' after object member");
        return NULL;
    }
}

static hd_json *parse_value(parser *ps, int depth)
{
    if (ps->p >= ps->end) {
        fail_expected_value(ps);
        return NULL;
    }
    switch (*ps->p) {
    case '{': return parse_object(ps, depth);
    case '[': return parse_array(ps, depth);
    case '"': {
        const char *at = ps->p;
        size_t len;
        char *s = parse_string(ps, &len);
        if (!s)
            return NULL;
        hd_json *v = new_node(ps, HD_JSON_STRING, at);
        if (!v)
            return NULL;
        v->string = s;
        v->string_len = len;
        return v;
    }
    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        return parse_number(ps);
    case 't':
    case 'f':
    case 'n':
        return parse_literal(ps);
    default:
        fail_expected_value(ps);
        return NULL;
    }
}

hd_err hd_json_parse(const char *text, size_t len, hd_json_doc **out, hd_diag *diag)
{
    if (!text || !out)
        return HD_EINVAL;
    parser ps;
    memset(&ps, 0, sizeof ps);
    ps.start = text;
    ps.end = text + len;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        ps.start += 3;
    ps.p = ps.start;
    ps.pos_at = ps.start;
    ps.pos_line = ps.pos_col = 1;
    ps.diag = diag;
    ps.doc = calloc(1, sizeof *ps.doc);
    if (!ps.doc) {
        fail_nomem(&ps);
        return ps.err;
    }
    /* Open the first block, sized so a typical file needs no second one
     * (nodes take about eight times the bytes of the text they describe). */
    size_t hint = len < ((size_t)1 << 19) ? len * 8 + 1024 : (size_t)4 << 20;
    if (!arena_alloc(ps.doc, 0, hint)) {
        fail_nomem(&ps);
    } else {
        skip_ws(&ps);
        if (ps.p >= ps.end) {
            fail(&ps, ps.p, "the file is empty: expected a JSON value");
        } else {
            hd_json *root = parse_value(&ps, 1);
            if (root) {
                skip_ws(&ps);
                char dbuf[96];
                if (ps.p < ps.end && at_comment(&ps))
                    fail(&ps, ps.p, "comments are not allowed in JSON");
                else if (ps.p < ps.end)
                    fail(&ps, ps.p,
                         "expected the end of the file after the JSON value, found %s",
                         describe(&ps, ps.p, dbuf));
                ps.doc->root = root;
            }
        }
    }
    free(ps.dup);
    if (ps.err != HD_OK) {
        hd_json_free(ps.doc);
        return ps.err;
    }
    *out = ps.doc;
    return HD_OK;
}

const hd_json *hd_json_root(const hd_json_doc *doc)
{
    return doc ? doc->root : NULL;
}

const hd_json *hd_json_get(const hd_json *o, const char *key)
{
    if (!o || o->type != HD_JSON_OBJECT || !key)
        return NULL;
    for (const hd_json *m = o->child; m; m = m->next)
        if (strcmp(m->key, key) == 0)
            return m;
    return NULL;
}

const char *hd_json_type_phrase(hd_json_type t)
{
    switch (t) {
    case HD_JSON_NULL: return "null";
    case HD_JSON_BOOL: return "true or false";
    case HD_JSON_NUMBER: return "a number";
    case HD_JSON_STRING: return "a string";
    case HD_JSON_ARRAY: return "a list";
    case HD_JSON_OBJECT: return "an object";
    }
    return "a value";
}
