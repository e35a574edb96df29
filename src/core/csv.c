/* csv.c — RFC 4180 writer (streaming, formula-guarded) and strict reader. */
#include "core/csv.h"

#include <stdlib.h>
#include <string.h>

#define CSV_BUF (64 * 1024)

struct hd_csv {
    hd_csv_sink_fn sink;
    void *ctx;
    hd_err err;       /* sticky */
    size_t n;         /* bytes in buf */
    size_t total;     /* bytes handed to the sink */
    int cells_in_row; /* fields written in the current record */
    char buf[CSV_BUF];
};

static const unsigned char utf8_bom[3] = {0xEF, 0xBB, 0xBF};
static const unsigned char replacement[3] = {0xEF, 0xBF, 0xBD}; /* U+FFFD */

static hd_err flush(hd_csv *w)
{
    if (w->err != HD_OK)
        return w->err;
    if (w->n > 0) {
        w->err = w->sink(w->ctx, w->buf, w->n);
        if (w->err == HD_OK)
            w->total += w->n;
        w->n = 0;
    }
    return w->err;
}

static void put(hd_csv *w, const void *p, size_t len)
{
    const char *s = p;
    while (len > 0 && w->err == HD_OK) {
        if (w->n == CSV_BUF)
            flush(w);
        size_t room = CSV_BUF - w->n;
        size_t take = len < room ? len : room;
        memcpy(w->buf + w->n, s, take);
        w->n += take;
        s += take;
        len -= take;
    }
}

static void putc1(hd_csv *w, char c)
{
    if (w->n == CSV_BUF && flush(w) != HD_OK)
        return;
    w->buf[w->n++] = c;
}

hd_err hd_csv_open(hd_csv_sink_fn sink, void *ctx, hd_csv **out)
{
    if (!sink || !out)
        return HD_EINVAL;
    hd_csv *w = malloc(sizeof *w);
    if (!w)
        return HD_ENOMEM;
    w->sink = sink;
    w->ctx = ctx;
    w->err = HD_OK;
    w->n = 0;
    w->total = 0;
    w->cells_in_row = 0;
    put(w, utf8_bom, sizeof utf8_bom);
    *out = w;
    return HD_OK;
}

void hd_csv_close(hd_csv *w) { free(w); }

size_t hd_csv_bytes(const hd_csv *w) { return w->total; }

bool hd_csv_needs_guard(const char *s, size_t n)
{
    if (n == 0)
        return false;
    switch (s[0]) {
    case '=':
    case '+':
    case '-':
    case '@':
    case '\t':
    case '\r': return true;
    default: return false;
    }
}

/* Length of the valid UTF-8 sequence starting at s[0] (n bytes left), or 0
 * when the bytes there are not valid UTF-8 (overlong forms, surrogates and
 * code points past U+10FFFF included). NUL counts as invalid: it cannot
 * travel through C strings and has no business in a spreadsheet. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    unsigned char c = s[0];
    if (c == 0)
        return 0;
    if (c < 0x80)
        return 1;
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        need = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < need + 1)
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i <= need; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return need + 1;
}

bool hd_utf8_valid(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        if (u[i] >= 0x01 && u[i] < 0x80) {
            i++;
            continue;
        }
        size_t l = utf8_len(u + i, n - i);
        if (l == 0)
            return false;
        i += l;
    }
    return true;
}

hd_err hd_csv_cell_n(hd_csv *w, const char *s, size_t n)
{
    if (w->err != HD_OK)
        return w->err;
    if (!s)
        n = 0;
    if (w->cells_in_row++ > 0)
        putc1(w, ',');
    bool quote = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == ',' || c == '"' || c == '\r' || c == '\n') {
            quote = true;
            break;
        }
    }
    if (quote)
        putc1(w, '"');
    if (hd_csv_needs_guard(s, n))
        putc1(w, '\'');
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n && w->err == HD_OK) {
        /* Copy the longest run of plain ASCII at once: the common case. */
        size_t j = i;
        while (j < n && u[j] >= 0x01 && u[j] < 0x80 && u[j] != '"')
            j++;
        if (j > i) {
            put(w, u + i, j - i);
            i = j;
            continue;
        }
        if (u[i] == '"') {
            put(w, "\"\"", 2);
            i++;
            continue;
        }
        size_t len = utf8_len(u + i, n - i);
        if (len == 0) {
            put(w, replacement, sizeof replacement);
            i++;
        } else {
            put(w, u + i, len);
            i += len;
        }
    }
    if (quote)
        putc1(w, '"');
    return w->err;
}

hd_err hd_csv_cell(hd_csv *w, const char *s) { return hd_csv_cell_n(w, s, s ? strlen(s) : 0); }

hd_err hd_csv_end_row(hd_csv *w)
{
    if (w->err != HD_OK)
        return w->err;
    put(w, "\r\n", 2);
    w->cells_in_row = 0;
    return w->err;
}

hd_err hd_csv_finish(hd_csv *w) { return flush(w); }

hd_err hd_csv_membuf_sink(void *ctx, const void *data, size_t len)
{
    hd_csv_membuf *m = ctx;
    if (m->len + len + 1 > m->cap) {
        size_t cap = m->cap ? m->cap : 4096;
        while (cap < m->len + len + 1)
            cap *= 2;
        char *grown = realloc(m->data, cap);
        if (!grown)
            return HD_ENOMEM;
        m->data = grown;
        m->cap = cap;
    }
    memcpy(m->data + m->len, data, len);
    m->len += len;
    m->data[m->len] = '\0';
    return HD_OK;
}

/* ---- strict reader -------------------------------------------------- */

struct hd_csv_table {
    size_t rows, cols;
    size_t *off; /* rows * cols offsets into text */
    char *text;  /* decoded fields, each NUL-terminated */
};

typedef struct reader {
    const char *p;
    size_t len, pos;
    int line;
    size_t line_start;
    hd_diag *diag;
    /* output */
    char *text;
    size_t tlen, tcap;
    size_t *off;
    size_t noff, offcap;
} reader;

static int col_of(const reader *r, size_t pos) { return (int)(pos - r->line_start) + 1; }

static hd_err bad(reader *r, size_t pos, const char *what)
{
    hd_diag_add(r->diag, r->line, col_of(r, pos), "%s", what);
    return HD_EPARSE;
}

static int text_add(reader *r, char c)
{
    if (r->tlen + 1 > r->tcap) {
        size_t cap = r->tcap ? r->tcap * 2 : 4096;
        char *g = realloc(r->text, cap);
        if (!g)
            return -1;
        r->text = g;
        r->tcap = cap;
    }
    r->text[r->tlen++] = c;
    return 0;
}

static int off_add(reader *r, size_t o)
{
    if (r->noff + 1 > r->offcap) {
        size_t cap = r->offcap ? r->offcap * 2 : 256;
        size_t *g = realloc(r->off, cap * sizeof *g);
        if (!g)
            return -1;
        r->off = g;
        r->offcap = cap;
    }
    r->off[r->noff++] = o;
    return 0;
}

/* Reads one field at r->pos; leaves r->pos on the byte after it. */
static hd_err read_field(reader *r)
{
    if (off_add(r, r->tlen) != 0)
        return HD_ENOMEM;
    if (r->pos < r->len && r->p[r->pos] == '"') {
        size_t open = r->pos;
        int open_line = r->line, open_col = col_of(r, open);
        r->pos++;
        for (;;) {
            if (r->pos >= r->len) {
                hd_diag_add(r->diag, open_line, open_col,
                            "quoted field is never closed (no matching '\"')");
                return HD_EPARSE;
            }
            char c = r->p[r->pos];
            if (c == '"') {
                if (r->pos + 1 < r->len && r->p[r->pos + 1] == '"') {
                    if (text_add(r, '"') != 0)
                        return HD_ENOMEM;
                    r->pos += 2;
                    continue;
                }
                r->pos++;
                break;
            }
            if (text_add(r, c) != 0)
                return HD_ENOMEM;
            r->pos++;
            if (c == '\n') {
                r->line++;
                r->line_start = r->pos;
            }
        }
        if (r->pos < r->len && r->p[r->pos] != ',' && r->p[r->pos] != '\r')
            return bad(r, r->pos, "expected ',' or the end of the record after a closing quote");
    } else {
        while (r->pos < r->len) {
            char c = r->p[r->pos];
            if (c == ',' || c == '\r')
                break;
            if (c == '"')
                return bad(r, r->pos, "'\"' inside a field that is not quoted");
            if (c == '\n')
                return bad(r, r->pos, "line feed without carriage return (records end with CRLF)");
            if (text_add(r, c) != 0)
                return HD_ENOMEM;
            r->pos++;
        }
    }
    if (text_add(r, '\0') != 0)
        return HD_ENOMEM;
    return HD_OK;
}

hd_err hd_csv_parse(const char *data, size_t len, hd_csv_table **out, hd_diag *diag)
{
    reader r = {.p = data, .len = len, .line = 1, .diag = diag};
    const unsigned char *u = (const unsigned char *)data;
    if (len < 3 || memcmp(data, utf8_bom, 3) != 0) {
        hd_diag_add(diag, 1, 1, "no UTF-8 byte order mark at the start");
        return HD_EPARSE;
    }
    /* UTF-8 first, so that the field loop only deals with structure. */
    {
        int line = 1;
        size_t ls = 3;
        for (size_t i = 3; i < len;) {
            size_t l = utf8_len(u + i, len - i);
            if (l == 0) {
                hd_diag_add(diag, line, (int)(i - ls) + 1, "invalid UTF-8 (byte 0x%02X)", u[i]);
                return HD_EPARSE;
            }
            if (u[i] == '\n') {
                line++;
                ls = i + 1;
            }
            i += l;
        }
    }
    r.pos = 3;
    r.line_start = 3;
    size_t cols = 0, rows = 0;
    hd_err err = HD_OK;
    while (r.pos < len && err == HD_OK) {
        size_t fields = 0;
        int rec_line = r.line;
        for (;;) {
            err = read_field(&r);
            if (err != HD_OK)
                break;
            fields++;
            if (r.pos >= len) {
                err = bad(&r, r.pos, "the last record does not end with CRLF");
                break;
            }
            if (r.p[r.pos] == ',') {
                r.pos++;
                continue;
            }
            /* r.p[r.pos] == '\r' */
            if (r.pos + 1 >= len || r.p[r.pos + 1] != '\n') {
                err = bad(&r, r.pos, "carriage return without line feed outside quotes");
                break;
            }
            r.pos += 2;
            r.line++;
            r.line_start = r.pos;
            break;
        }
        if (err != HD_OK)
            break;
        if (rows == 0)
            cols = fields;
        else if (fields != cols) {
            hd_diag_add(diag, rec_line, 1, "record has %zu fields, the first record has %zu", fields, cols);
            err = HD_EPARSE;
            break;
        }
        rows++;
    }
    if (err != HD_OK) {
        free(r.text);
        free(r.off);
        return err;
    }
    hd_csv_table *t = malloc(sizeof *t);
    if (!t) {
        free(r.text);
        free(r.off);
        return HD_ENOMEM;
    }
    t->rows = rows;
    t->cols = cols;
    t->off = r.off;
    t->text = r.text;
    *out = t;
    return HD_OK;
}

void hd_csv_table_free(hd_csv_table *t)
{
    if (!t)
        return;
    free(t->off);
    free(t->text);
    free(t);
}

size_t hd_csv_table_rows(const hd_csv_table *t) { return t->rows; }
size_t hd_csv_table_cols(const hd_csv_table *t) { return t->cols; }

const char *hd_csv_table_cell(const hd_csv_table *t, size_t r, size_t c)
{
    if (r >= t->rows || c >= t->cols)
        return "";
    return t->text + t->off[r * t->cols + c];
}

long hd_csv_table_find_col(const hd_csv_table *t, const char *name)
{
    if (t->rows == 0)
        return -1;
    for (size_t c = 0; c < t->cols; c++)
        if (strcmp(hd_csv_table_cell(t, 0, c), name) == 0)
            return (long)c;
    return -1;
}
