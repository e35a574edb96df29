/* events.c — parser of the headless events language (see events.h). */
#include "core/events.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/dlist.h"
#include "core/flow.h"

const char *hd_ev_kind_name(hd_ev_kind k)
{
    switch (k) {
    case HD_EV_TAP: return "tap";
    case HD_EV_HOLD: return "hold";
    case HD_EV_TYPE: return "type";
    case HD_EV_WAIT: return "wait";
    case HD_EV_SHOT: return "shot";
    case HD_EV_EXPECT_SCREEN: return "expect";
    }
    return "?";
}

/* One line being parsed: its bytes, where it sits, and the output string
 * storage. */
typedef struct line_ctx {
    const char *s; /* start of the line */
    size_t len;    /* bytes, comment and trailing white space removed */
    int line;
    hd_diag *diag;
    char **strings; /* next free byte of the string storage */
} line_ctx;

static bool is_space(char c) { return c == ' ' || c == '\t'; }

/* 1-based column of byte offset off in the line, counted in code points so a
 * line with Polish or Arabic text points at what an editor shows. */
static int col_of(const line_ctx *lc, size_t off)
{
    int col = 1;
    for (size_t i = 0; i < off && i < lc->len; i++)
        if (((unsigned char)lc->s[i] & 0xC0) != 0x80)
            col++;
    if (off > lc->len)
        col += (int)(off - lc->len);
    return col;
}

/* Length of a valid UTF-8 sequence starting at s[0..n), or 0 when invalid
 * (overlong forms, surrogates and code points above U+10FFFF included). */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    size_t need;
    unsigned cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < need)
        return 0;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((need == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (need == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return need;
}

/* A word: [start, end) byte offsets within the line. */
typedef struct word {
    size_t start, end;
} word;

/* Finds the next word at or after *pos; false at the end of the line. */
static bool next_word(const line_ctx *lc, size_t *pos, word *w)
{
    size_t i = *pos;
    while (i < lc->len && is_space(lc->s[i]))
        i++;
    if (i >= lc->len)
        return false;
    w->start = i;
    while (i < lc->len && !is_space(lc->s[i]))
        i++;
    w->end = i;
    *pos = i;
    return true;
}

static bool word_is(const line_ctx *lc, const word *w, const char *lit)
{
    size_t n = strlen(lit);
    return w->end - w->start == n && memcmp(lc->s + w->start, lit, n) == 0;
}

/* Copies the word into the string storage and returns it. */
static const char *keep(line_ctx *lc, size_t start, size_t end)
{
    char *out = *lc->strings;
    memcpy(out, lc->s + start, end - start);
    out[end - start] = '\0';
    *lc->strings = out + (end - start) + 1;
    return out;
}

/* Parses a non-negative decimal integer no larger than max. what names it in
 * messages ("x", "a duration in ms"). */
static bool parse_num(line_ctx *lc, size_t *pos, const char *cmd, const char *what, int64_t max,
                      int64_t *out)
{
    word w;
    if (!next_word(lc, pos, &w)) {
        hd_diag_add(lc->diag, lc->line, col_of(lc, lc->len), "%s needs %s", cmd, what);
        return false;
    }
    int64_t v = 0;
    for (size_t i = w.start; i < w.end; i++) {
        char c = lc->s[i];
        if (c < '0' || c > '9') {
            hd_diag_add(lc->diag, lc->line, col_of(lc, w.start),
                        "%s needs %s (a whole number, 0 or more), found \"%.*s\"", cmd, what,
                        (int)(w.end - w.start), lc->s + w.start);
            return false;
        }
        v = v * 10 + (c - '0');
        if (v > max) {
            hd_diag_add(lc->diag, lc->line, col_of(lc, w.start),
                        "%s: %s \"%.*s\" is too large (at most %lld)", cmd, what,
                        (int)(w.end - w.start), lc->s + w.start, (long long)max);
            return false;
        }
    }
    *out = v;
    return true;
}

/* Nothing may follow a complete command. */
static bool at_end(line_ctx *lc, size_t pos, const char *cmd)
{
    word w;
    if (!next_word(lc, &pos, &w))
        return true;
    hd_diag_add(lc->diag, lc->line, col_of(lc, w.start), "unexpected \"%.*s\" after the %s command",
                (int)(w.end - w.start), lc->s + w.start, cmd);
    return false;
}

/* The first control character (below 0x20, or DEL) in the line's bytes
 * [from, to), or to when there is none. */
static size_t control_at(const line_ctx *lc, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        unsigned char b = (unsigned char)lc->s[i];
        if (b < 0x20 || b == 0x7f)
            return i;
    }
    return to;
}

/* The target of tap/hold: "@id" or "x y". */
static bool parse_target(line_ctx *lc, size_t *pos, const char *cmd, hd_event *ev)
{
    size_t save = *pos;
    word w;
    if (!next_word(lc, &save, &w)) {
        hd_diag_add(lc->diag, lc->line, col_of(lc, lc->len),
                    "%s needs a place: x y in pixels, or @element-id", cmd);
        return false;
    }
    if (lc->s[w.start] == '@') {
        size_t n = w.end - w.start - 1;
        if (n == 0) {
            hd_diag_add(lc->diag, lc->line, col_of(lc, w.start),
                        "bad element id: nothing after '@'");
            return false;
        }
        if (n >= HD_ID_MAX) {
            hd_diag_add(lc->diag, lc->line, col_of(lc, w.start),
                        "bad element id: longer than %d bytes", HD_ID_MAX - 1);
            return false;
        }
        size_t bad = control_at(lc, w.start + 1, w.end);
        if (bad < w.end) {
            hd_diag_add(lc->diag, lc->line, col_of(lc, bad),
                        "bad element id: it holds the control character 0x%02x",
                        (unsigned)(unsigned char)lc->s[bad]);
            return false;
        }
        ev->id = keep(lc, w.start + 1, w.end);
        *pos = save;
        return true;
    }
    int64_t x, y;
    if (!parse_num(lc, pos, cmd, "x (pixels)", 100000, &x) ||
        !parse_num(lc, pos, cmd, "y (pixels)", 100000, &y))
        return false;
    ev->x = (int)x;
    ev->y = (int)y;
    return true;
}

/* type TEXT: the rest of the line, escapes resolved. */
static bool parse_type(line_ctx *lc, size_t pos, hd_event *ev)
{
    while (pos < lc->len && is_space(lc->s[pos]))
        pos++;
    if (pos >= lc->len) {
        hd_diag_add(lc->diag, lc->line, col_of(lc, lc->len), "type needs the text to type");
        return false;
    }
    /* No key types a control character; a CR or NUL would also not survive
     * being written back as a line. */
    size_t bad = control_at(lc, pos, lc->len);
    if (bad < lc->len) {
        hd_diag_add(lc->diag, lc->line, col_of(lc, bad),
                    "type text holds the control character 0x%02x; write only printable text "
                    "(\\s for a space)",
                    (unsigned)(unsigned char)lc->s[bad]);
        return false;
    }
    char *out = *lc->strings, *o = out;
    for (size_t i = pos; i < lc->len; i++) {
        char c = lc->s[i];
        if (c != '\\') {
            *o++ = c;
            continue;
        }
        char e = i + 1 < lc->len ? lc->s[i + 1] : '\0';
        if (e == '#' || e == '\\') {
            *o++ = e;
        } else if (e == 's') {
            *o++ = ' ';
        } else {
            hd_diag_add(lc->diag, lc->line, col_of(lc, i),
                        "unknown escape \"\\%c\" in type text (use \\# for '#', \\\\ for '\\', "
                        "\\s for a space)",
                        e ? e : ' ');
            return false;
        }
        i++;
    }
    *o = '\0';
    *lc->strings = o + 1;
    ev->text = out;
    return true;
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '_' || c == '.';
}

static bool parse_shot(line_ctx *lc, size_t pos, hd_event *ev)
{
    word w;
    if (!next_word(lc, &pos, &w)) {
        hd_diag_add(lc->diag, lc->line, col_of(lc, lc->len),
                    "shot needs a name (letters, digits, '-', '_', '.')");
        return false;
    }
    bool ok = lc->s[w.start] != '.' && w.end - w.start <= 100;
    for (size_t i = w.start; ok && i < w.end; i++)
        ok = name_char(lc->s[i]);
    if (!ok) {
        hd_diag_add(lc->diag, lc->line, col_of(lc, w.start),
                    "bad shot name \"%.*s\": use up to 100 letters, digits, '-', '_' or '.', "
                    "not starting with '.'",
                    (int)(w.end - w.start), lc->s + w.start);
        return false;
    }
    ev->text = keep(lc, w.start, w.end);
    return at_end(lc, pos, "shot");
}

static bool parse_expect(line_ctx *lc, size_t pos, hd_event *ev)
{
    word w;
    if (!next_word(lc, &pos, &w)) {
        hd_diag_add(lc->diag, lc->line, col_of(lc, lc->len),
                    "expect needs what to check: \"expect screen ID\"");
        return false;
    }
    if (!word_is(lc, &w, "screen")) {
        hd_diag_add(lc->diag, lc->line, col_of(lc, w.start),
                    "cannot expect \"%.*s\": only \"expect screen ID\" is known",
                    (int)(w.end - w.start), lc->s + w.start);
        return false;
    }
    if (!next_word(lc, &pos, &w)) {
        hd_diag_add(lc->diag, lc->line, col_of(lc, lc->len), "expect screen needs a screen id");
        return false;
    }
    for (int s = 0; s < HD_SCREEN_COUNT_; s++) {
        if (word_is(lc, &w, hd_screen_id((hd_screen)s))) {
            ev->text = keep(lc, w.start, w.end);
            return at_end(lc, pos, "expect");
        }
    }
    char known[256];
    size_t k = 0;
    known[0] = '\0';
    for (int s = 0; s < HD_SCREEN_COUNT_ && k < sizeof known; s++) {
        size_t n = strlen(hd_screen_id((hd_screen)s));
        if (k + n + 3 >= sizeof known)
            break;
        if (k) {
            memcpy(known + k, ", ", 2);
            k += 2;
        }
        memcpy(known + k, hd_screen_id((hd_screen)s), n + 1);
        k += n;
    }
    hd_diag_add(lc->diag, lc->line, col_of(lc, w.start), "unknown screen \"%.*s\" (known: %s)",
                (int)(w.end - w.start), lc->s + w.start, known);
    return false;
}

/* Parses one line (comment already removed); false when it is malformed.
 * *has is set when it holds a command. */
static bool parse_line(line_ctx *lc, hd_event *ev, bool *has)
{
    *has = false;
    for (size_t i = 0; i < lc->len;) {
        size_t n = utf8_seq((const unsigned char *)lc->s + i, lc->len - i);
        if (n == 0) {
            hd_diag_add(lc->diag, lc->line, col_of(lc, i), "invalid UTF-8");
            return false;
        }
        i += n;
    }
    size_t pos = 0;
    word cmd;
    if (!next_word(lc, &pos, &cmd))
        return true;
    *has = true;
    memset(ev, 0, sizeof *ev);
    ev->line = lc->line;
    if (word_is(lc, &cmd, "tap")) {
        ev->kind = HD_EV_TAP;
        return parse_target(lc, &pos, "tap", ev) && at_end(lc, pos, "tap");
    }
    if (word_is(lc, &cmd, "hold")) {
        ev->kind = HD_EV_HOLD;
        return parse_target(lc, &pos, "hold", ev) &&
               parse_num(lc, &pos, "hold", "a duration in ms", HD_EV_MAX_MS, &ev->ms) &&
               at_end(lc, pos, "hold");
    }
    if (word_is(lc, &cmd, "wait")) {
        ev->kind = HD_EV_WAIT;
        return parse_num(lc, &pos, "wait", "a duration in ms", HD_EV_MAX_MS, &ev->ms) &&
               at_end(lc, pos, "wait");
    }
    if (word_is(lc, &cmd, "type")) {
        ev->kind = HD_EV_TYPE;
        return parse_type(lc, pos, ev);
    }
    if (word_is(lc, &cmd, "shot")) {
        ev->kind = HD_EV_SHOT;
        return parse_shot(lc, pos, ev);
    }
    if (word_is(lc, &cmd, "expect")) {
        ev->kind = HD_EV_EXPECT_SCREEN;
        return parse_expect(lc, pos, ev);
    }
    hd_diag_add(lc->diag, lc->line, col_of(lc, cmd.start),
                "unknown command \"%.*s\" (known: tap, hold, type, wait, shot, expect)",
                (int)(cmd.end - cmd.start), lc->s + cmd.start);
    return false;
}

hd_err hd_events_parse(const char *text, size_t len, const char *filename, hd_events *out,
                       hd_diag *diag)
{
    (void)filename; /* diag->file names the file; kept for symmetry with other parsers */
    size_t n_lines = 1;
    for (size_t i = 0; i < len; i++)
        n_lines += text[i] == '\n';
    /* Every line yields at most one string no longer than the line, plus its
     * NUL: len + n_lines bytes always suffice. */
    hd_event *evs = calloc(n_lines, sizeof *evs);
    char *strings = malloc(len + n_lines + 1);
    if (!evs || !strings) {
        free(evs);
        free(strings);
        return HD_ENOMEM;
    }
    char *next = strings;
    int n = 0, errors = 0;
    size_t i = 0;
    for (int line = 1;; line++) {
        const char *s = text + i;
        size_t end = i;
        while (end < len && text[end] != '\n')
            end++;
        size_t ll = end - i;
        if (ll > 0 && s[ll - 1] == '\r')
            ll--;
        /* '#' at the start or after white space starts a comment. */
        for (size_t k = 0; k < ll; k++) {
            if (s[k] == '#' && (k == 0 || is_space(s[k - 1]))) {
                ll = k;
                break;
            }
        }
        while (ll > 0 && is_space(s[ll - 1]))
            ll--;
        line_ctx lc = {.s = s, .len = ll, .line = line, .diag = diag, .strings = &next};
        bool has;
        if (!parse_line(&lc, &evs[n], &has))
            errors++;
        else if (has)
            n++;
        if (end >= len)
            break;
        i = end + 1;
    }
    if (errors) {
        free(evs);
        free(strings);
        return HD_EPARSE;
    }
    out->ev = evs;
    out->n = n;
    out->strings_ = strings;
    return HD_OK;
}

void hd_events_free(hd_events *ev)
{
    if (!ev)
        return;
    free(ev->ev);
    free(ev->strings_);
    ev->ev = NULL;
    ev->strings_ = NULL;
    ev->n = 0;
}
