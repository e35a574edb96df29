/* fuzz_csv.c — the CSV writer and the strict reader (src/core/csv.c).
 *
 * Two properties on every input:
 *
 * 1. Round trip through the writer. The input is cut into cells: the first
 *    byte gives the number of columns (1 to 8), the rest is split at every
 *    0xFF byte (never part of UTF-8, so any other byte can be in a cell,
 *    invalid sequences and NUL included) and laid out row by row, the last
 *    row padded with empty cells. Written with hd_csv_cell/_cell_n and read
 *    back with hd_csv_parse, every cell must come back as written, except
 *    that a cell starting with = + - @ tab or CR gains a leading "'" and
 *    each byte that does not begin a valid UTF-8 sequence (NUL included)
 *    becomes U+FFFD, as csv.h says.
 *
 * 2. The strict reader on the raw bytes, as a hostile file. It must refuse
 *    with a diagnostic or give a rectangular table of valid UTF-8; what it
 *    accepted, written again and read again, gives the same table (guarded
 *    cells gaining their "'").
 */
#include <stdbool.h>

#include "core/csv.h"
#include "fuzz.h"

#define FUZZ_CSV_SEP 0xFF
#define FUZZ_CSV_FFFD "\xEF\xBF\xBD"

typedef struct fuzz_csv_cell {
    const char *s;
    size_t n;
} fuzz_csv_cell;

/* Length of the UTF-8 sequence that the lead byte c announces; 0 for a
 * byte that cannot start one. */
static size_t fuzz_csv_lead_len(unsigned char c)
{
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0)
        return 2;
    if ((c & 0xF0) == 0xE0)
        return 3;
    if ((c & 0xF8) == 0xF0)
        return 4;
    return 0;
}

/* What csv.h says a written cell reads back as, into a new string. */
static char *fuzz_csv_expect(const char *s, size_t n, size_t *out_len)
{
    char *e = malloc(n * 3 + 2), *o = e;
    if (!e)
        return NULL;
    if (hd_csv_needs_guard(s, n))
        *o++ = '\'';
    for (size_t i = 0; i < n;) {
        size_t l = fuzz_csv_lead_len((unsigned char)s[i]);
        if (l && l <= n - i && hd_utf8_valid(s + i, l)) {
            memcpy(o, s + i, l);
            o += l;
            i += l;
        } else {
            memcpy(o, FUZZ_CSV_FFFD, 3);
            o += 3;
            i++;
        }
    }
    *o = '\0';
    *out_len = (size_t)(o - e);
    return e;
}

/* Writes cells[0..n) as rows of cols through the writer; how each cell is
 * handed over varies with mode (hd_csv_cell or _cell_n, NULL for empty). */
static char *fuzz_csv_write(const fuzz_csv_cell *cells, size_t n, size_t cols, unsigned mode,
                            size_t *out_len)
{
    hd_csv_membuf mb = {0};
    hd_csv *w = NULL;
    if (hd_csv_open(hd_csv_membuf_sink, &mb, &w) != HD_OK)
        return NULL;
    hd_err err = HD_OK;
    for (size_t i = 0; i < n && !err; i++) {
        const fuzz_csv_cell *c = &cells[i];
        if (c->n == 0 && (mode & 1))
            err = hd_csv_cell(w, NULL);
        else if ((mode & 2) && !memchr(c->s, 0, c->n)) {
            char *z = malloc(c->n + 1);
            if (!z) {
                err = HD_ENOMEM;
                break;
            }
            memcpy(z, c->s, c->n);
            z[c->n] = '\0';
            err = hd_csv_cell(w, z);
            free(z);
        } else {
            err = hd_csv_cell_n(w, c->s, c->n);
        }
        if (!err && (i + 1) % cols == 0)
            err = hd_csv_end_row(w);
    }
    if (!err)
        err = hd_csv_finish(w);
    HD_FUZZ_CHECK(err == HD_OK || err == HD_ENOMEM);
    if (!err)
        HD_FUZZ_CHECK(hd_csv_bytes(w) == mb.len);
    hd_csv_close(w);
    if (err) {
        free(mb.data);
        return NULL;
    }
    *out_len = mb.len;
    return mb.data ? mb.data : calloc(1, 1);
}

static hd_csv_table *fuzz_csv_read(const char *s, size_t n, hd_diag *diag)
{
    hd_csv_table *t = NULL;
    hd_diag_init(diag, "fuzz.csv");
    hd_err e = hd_csv_parse(s, n, &t, diag);
    if (e == HD_EPARSE) {
        char msg[HD_DIAG_MSG + 128] = "";
        if (diag->n)
            hd_diag_format(diag, 0, msg, sizeof msg);
        fprintf(stderr, "the reader refused what the writer wrote: %s\n", msg);
    }
    HD_FUZZ_CHECK(e == HD_OK || e == HD_ENOMEM);
    return e == HD_OK ? t : NULL;
}

static void fuzz_csv_roundtrip(const fuzz_csv_cell *cells, size_t n, size_t cols,
                               unsigned mode, hd_diag *diag)
{
    size_t len = 0;
    char *out = fuzz_csv_write(cells, n, cols, mode, &len);
    if (!out)
        return;
    HD_FUZZ_CHECK(len >= 3 && memcmp(out, "\xEF\xBB\xBF", 3) == 0);
    HD_FUZZ_CHECK(hd_utf8_valid(out, len));
    HD_FUZZ_CHECK(n == 0 || (len >= 5 && memcmp(out + len - 2, "\r\n", 2) == 0));
    hd_csv_table *t = fuzz_csv_read(out, len, diag);
    if (t) {
        HD_FUZZ_CHECK(hd_csv_table_rows(t) == n / cols);
        HD_FUZZ_CHECK(n == 0 || hd_csv_table_cols(t) == cols);
        for (size_t i = 0; i < n; i++) {
            size_t want_len = 0;
            char *want = fuzz_csv_expect(cells[i].s, cells[i].n, &want_len);
            if (!want)
                break;
            const char *got = hd_csv_table_cell(t, i / cols, i % cols);
            if (strlen(got) != want_len || memcmp(got, want, want_len) != 0)
                fprintf(stderr, "cell %zu: wrote %zu bytes, read back \"%s\"\n", i, cells[i].n,
                        got);
            HD_FUZZ_CHECK(strlen(got) == want_len && memcmp(got, want, want_len) == 0);
            free(want);
        }
        for (size_t c = 0; n > 0 && c < cols; c++) {
            long k = hd_csv_table_find_col(t, hd_csv_table_cell(t, 0, c));
            HD_FUZZ_CHECK(k >= 0 && (size_t)k <= c);
            HD_FUZZ_CHECK(strcmp(hd_csv_table_cell(t, 0, (size_t)k), hd_csv_table_cell(t, 0, c)) ==
                          0);
        }
    }
    hd_csv_table_free(t);
    free(out);
}

/* The reader on hostile bytes, then what it accepted written and read again. */
static void fuzz_csv_hostile(const char *s, size_t n, hd_diag *diag)
{
    hd_csv_table *t = NULL;
    hd_diag_init(diag, "hostile.csv");
    hd_err e = hd_csv_parse(s, n, &t, diag);
    if (e != HD_OK) {
        HD_FUZZ_CHECK(e == HD_EPARSE || e == HD_ENOMEM);
        HD_FUZZ_CHECK(t == NULL);
        if (e == HD_EPARSE)
            hd_fuzz_check_diag(diag, 1);
        return;
    }
    size_t rows = hd_csv_table_rows(t), cols = hd_csv_table_cols(t);
    HD_FUZZ_CHECK(rows == 0 || cols >= 1);
    HD_FUZZ_CHECK(rows == 0 || rows <= n / 2); /* every record ends with CRLF */
    fuzz_csv_cell *cells = calloc(rows * cols + 1, sizeof *cells);
    if (cells) {
        for (size_t r = 0; r < rows; r++) {
            for (size_t c = 0; c < cols; c++) {
                const char *v = hd_csv_table_cell(t, r, c);
                HD_FUZZ_CHECK(v && hd_utf8_valid(v, strlen(v)));
                cells[r * cols + c] = (fuzz_csv_cell){v, strlen(v)};
            }
        }
        HD_FUZZ_CHECK(hd_csv_table_cell(t, rows, 0)[0] == '\0');
        HD_FUZZ_CHECK(hd_csv_table_cell(t, 0, cols)[0] == '\0');
        if (rows > 0)
            fuzz_csv_roundtrip(cells, rows * cols, cols, 0, diag);
        free(cells);
    }
    hd_csv_table_free(t);
}

int hd_fuzz_csv(const uint8_t *data, size_t size)
{
    hd_diag *diag = malloc(sizeof *diag);
    if (!diag)
        return 0;
    fuzz_csv_hostile((const char *)data, size, diag);

    if (size > 0) {
        size_t cols = 1 + data[0] % 8;
        unsigned mode = data[0] >> 3;
        const char *p = (const char *)data + 1, *end = (const char *)data + size;
        size_t n = 1;
        for (const char *q = p; q < end; q++)
            n += (unsigned char)*q == FUZZ_CSV_SEP;
        size_t total = (n + cols - 1) / cols * cols;
        fuzz_csv_cell *cells = calloc(total, sizeof *cells);
        if (cells) {
            size_t i = 0;
            for (const char *q = p;; q++) {
                if (q == end || (unsigned char)*q == FUZZ_CSV_SEP) {
                    cells[i++] = (fuzz_csv_cell){p, (size_t)(q - p)};
                    p = q + 1;
                    if (q == end)
                        break;
                }
            }
            for (; i < total; i++)
                cells[i] = (fuzz_csv_cell){"", 0};
            fuzz_csv_roundtrip(cells, total, cols, mode, diag);
            free(cells);
        }
    }
    free(diag);
    return 0;
}

HD_FUZZ_ENTRY(hd_fuzz_csv)
