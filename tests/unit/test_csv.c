/* test_csv.c — the RFC 4180 writer and the strict reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "testutil.h"

/* A small deterministic generator (xorshift), so failures can be replayed. */
static int rand_r_(unsigned *s)
{
    unsigned x = *s ? *s : 1;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return (int)(x & 0x7fffffff);
}

/* Writes rows (NULL-terminated arrays of cells, the list ended by NULL)
 * and returns the bytes (caller frees). */
static char *write_rows(const char *const *const *rows, size_t *len)
{
    hd_csv_membuf mb = {0};
    hd_csv *w;
    assert_int_equal(hd_csv_open(hd_csv_membuf_sink, &mb, &w), HD_OK);
    for (size_t r = 0; rows[r]; r++) {
        for (size_t c = 0; rows[r][c]; c++)
            assert_int_equal(hd_csv_cell(w, rows[r][c]), HD_OK);
        assert_int_equal(hd_csv_end_row(w), HD_OK);
    }
    assert_int_equal(hd_csv_finish(w), HD_OK);
    assert_int_equal(hd_csv_bytes(w), mb.len);
    hd_csv_close(w);
    *len = mb.len;
    return mb.data;
}

static void test_plain_and_quoted(void **state)
{
    (void)state;
    const char *r0[] = {"a", "b c", "", NULL};
    const char *r1[] = {"x,y", "say \"hi\"", "two\r\nlines", NULL};
    const char *const *rows[] = {r0, r1, NULL};
    size_t len;
    char *out = write_rows(rows, &len);
    const char *want = "\xEF\xBB\xBF"
                       "a,b c,\r\n"
                       "\"x,y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n";
    assert_int_equal(len, strlen(want));
    assert_memory_equal(out, want, len);
    free(out);
}

static void test_formula_guard(void **state)
{
    (void)state;
    const char *r0[] = {"=1+1", "+44", "-3", "@SUM(A1)", "\tx", "\rx", "a=b", "'", NULL};
    const char *const *rows[] = {r0, NULL};
    size_t len;
    char *out = write_rows(rows, &len);
    const char *want = "\xEF\xBB\xBF"
                       "'=1+1,'+44,'-3,'@SUM(A1),'\tx,\"'\rx\",a=b,'\r\n";
    assert_int_equal(len, strlen(want));
    assert_memory_equal(out, want, len);
    assert_true(hd_csv_needs_guard("=", 1));
    assert_false(hd_csv_needs_guard("", 0));
    assert_false(hd_csv_needs_guard("*", 1));
    free(out);
}

static void test_invalid_utf8_replaced(void **state)
{
    (void)state;
    hd_csv_membuf mb = {0};
    hd_csv *w;
    assert_int_equal(hd_csv_open(hd_csv_membuf_sink, &mb, &w), HD_OK);
    /* a lone continuation byte, an overlong '/', a surrogate, a NUL, then
     * valid Urdu and an emoji */
    const char cell[] = "a\x80" "b\xC0\xAF" "c\xED\xA0\x80" "d\0e\xD8\xA7\xF0\x9F\x99\x82";
    assert_int_equal(hd_csv_cell_n(w, cell, sizeof cell - 1), HD_OK);
    assert_int_equal(hd_csv_end_row(w), HD_OK);
    assert_int_equal(hd_csv_finish(w), HD_OK);
    hd_csv_close(w);
    const char *want = "\xEF\xBB\xBF"
                       "a\xEF\xBF\xBD"
                       "b\xEF\xBF\xBD\xEF\xBF\xBD"
                       "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
                       "d\xEF\xBF\xBD"
                       "e\xD8\xA7\xF0\x9F\x99\x82\r\n";
    assert_int_equal(mb.len, strlen(want));
    assert_memory_equal(mb.data, want, mb.len);
    hd_csv_table *t;
    hd_diag d;
    hd_diag_init(&d, "t.csv");
    assert_int_equal(hd_csv_parse(mb.data, mb.len, &t, &d), HD_OK);
    hd_csv_table_free(t);
    free(mb.data);
}

static hd_err failing_sink(void *ctx, const void *data, size_t len)
{
    (void)data;
    int *calls = ctx;
    (*calls)++;
    return len > 0 ? HD_EFULL : HD_OK;
}

static void test_sink_error_sticky(void **state)
{
    (void)state;
    int calls = 0;
    hd_csv *w;
    assert_int_equal(hd_csv_open(failing_sink, &calls, &w), HD_OK);
    assert_int_equal(hd_csv_cell(w, "a"), HD_OK); /* buffered */
    assert_int_equal(hd_csv_finish(w), HD_EFULL);
    assert_int_equal(hd_csv_cell(w, "b"), HD_EFULL);
    assert_int_equal(hd_csv_end_row(w), HD_EFULL);
    assert_int_equal(hd_csv_finish(w), HD_EFULL);
    assert_int_equal(calls, 1);
    hd_csv_close(w);
}

/* A random cell from an alphabet rich in the characters that matter. */
static char *random_cell(unsigned *seed)
{
    static const char *const atoms[] = {"a", "Z", "0", "7", " ", ",", "\"", "\r", "\n", "\r\n",
                                        "=", "+", "-", "@", "\t", "'", "*", "\xC3\xA9",
                                        "\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85", "\xE0\xA6\x95",
                                        "\xF0\x9F\x98\x80", ";", "\\"};
    size_t natoms = sizeof atoms / sizeof atoms[0];
    int n = rand_r_(seed) % 12;
    char *s = malloc(12 * 8 + 1);
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        const char *a = atoms[rand_r_(seed) % natoms];
        memcpy(s + len, a, strlen(a));
        len += strlen(a);
    }
    s[len] = '\0';
    return s;
}

static void test_round_trip_random(void **state)
{
    (void)state;
    unsigned seed = 12345;
    for (int trial = 0; trial < 500; trial++) {
        size_t rows = 1 + (size_t)(rand_r_(&seed) % 20), cols = 1 + (size_t)(rand_r_(&seed) % 8);
        char **cells = calloc(rows * cols, sizeof *cells);
        hd_csv_membuf mb = {0};
        hd_csv *w;
        assert_int_equal(hd_csv_open(hd_csv_membuf_sink, &mb, &w), HD_OK);
        for (size_t r = 0; r < rows; r++) {
            for (size_t c = 0; c < cols; c++) {
                cells[r * cols + c] = random_cell(&seed);
                assert_int_equal(hd_csv_cell(w, cells[r * cols + c]), HD_OK);
            }
            assert_int_equal(hd_csv_end_row(w), HD_OK);
        }
        assert_int_equal(hd_csv_finish(w), HD_OK);
        hd_csv_close(w);
        hd_csv_table *t;
        hd_diag d;
        hd_diag_init(&d, "round.csv");
        hd_err err = hd_csv_parse(mb.data, mb.len, &t, &d);
        if (err != HD_OK) {
            char msg[300];
            hd_diag_format(&d, 0, msg, sizeof msg);
            fail_msg("trial %d: %s", trial, msg);
        }
        assert_int_equal(hd_csv_table_rows(t), rows);
        assert_int_equal(hd_csv_table_cols(t), cols);
        for (size_t r = 0; r < rows; r++)
            for (size_t c = 0; c < cols; c++) {
                const char *orig = cells[r * cols + c];
                const char *got = hd_csv_table_cell(t, r, c);
                if (hd_csv_needs_guard(orig, strlen(orig))) {
                    assert_int_equal(got[0], '\'');
                    assert_string_equal(got + 1, orig);
                } else {
                    assert_string_equal(got, orig);
                }
                /* Nothing a spreadsheet would run survives. */
                assert_false(hd_csv_needs_guard(got, strlen(got)));
            }
        hd_csv_table_free(t);
        for (size_t i = 0; i < rows * cols; i++)
            free(cells[i]);
        free(cells);
        free(mb.data);
    }
}

static void test_big_cell(void **state)
{
    (void)state;
    size_t n = 200000;
    char *big = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        big[i] = (char)('a' + i % 26);
    big[n / 2] = '"';
    big[n] = '\0';
    const char *r0[] = {big, "end", NULL};
    const char *const *rows[] = {r0, NULL};
    size_t len;
    char *out = write_rows(rows, &len);
    hd_csv_table *t;
    hd_diag d;
    hd_diag_init(&d, "big.csv");
    assert_int_equal(hd_csv_parse(out, len, &t, &d), HD_OK);
    assert_string_equal(hd_csv_table_cell(t, 0, 0), big);
    assert_string_equal(hd_csv_table_cell(t, 0, 1), "end");
    hd_csv_table_free(t);
    free(out);
    free(big);
}

static void expect_reject(const char *data, const char *want)
{
    hd_csv_table *t = NULL;
    hd_diag d;
    hd_diag_init(&d, "bad.csv");
    assert_int_equal(hd_csv_parse(data, strlen(data), &t, &d), HD_EPARSE);
    assert_null(t);
    assert_int_equal(d.n, 1);
    char msg[300];
    hd_diag_format(&d, 0, msg, sizeof msg);
    if (!strstr(msg, want))
        fail_msg("got \"%s\", wanted \"%s\"", msg, want);
}

static void test_strict_reader_rejects(void **state)
{
    (void)state;
    expect_reject("a,b\r\n", "bad.csv:1:1: no UTF-8 byte order mark");
    expect_reject("\xEF\xBB\xBF" "a,b\n", "bad.csv:1:4: line feed without carriage return");
    expect_reject("\xEF\xBB\xBF" "a,b\r\nc", "bad.csv:2:2: the last record does not end with CRLF");
    expect_reject("\xEF\xBB\xBF" "a,b\"c\r\n", "bad.csv:1:4: '\"' inside a field that is not quoted");
    expect_reject("\xEF\xBB\xBF" "a,\"b\r\n", "bad.csv:1:3: quoted field is never closed");
    expect_reject("\xEF\xBB\xBF" "\"a\"b\r\n", "bad.csv:1:4: expected ',' or the end of the record");
    expect_reject("\xEF\xBB\xBF" "a,b\r\nc\r\n", "bad.csv:2:1: record has 1 fields, the first record has 2");
    expect_reject("\xEF\xBB\xBF" "a\rb\r\n", "bad.csv:1:2: carriage return without line feed");
    expect_reject("\xEF\xBB\xBF" "a,\xFF\r\n", "bad.csv:1:3: invalid UTF-8 (byte 0xFF)");
}

static void test_reader_accepts_and_finds(void **state)
{
    (void)state;
    const char *data = "\xEF\xBB\xBF" "id,\"na,me\"\r\n1,\"x\r\ny\"\r\n";
    hd_csv_table *t;
    hd_diag d;
    hd_diag_init(&d, "ok.csv");
    assert_int_equal(hd_csv_parse(data, strlen(data), &t, &d), HD_OK);
    assert_int_equal(hd_csv_table_rows(t), 2);
    assert_int_equal(hd_csv_table_find_col(t, "na,me"), 1);
    assert_int_equal(hd_csv_table_find_col(t, "nope"), -1);
    assert_string_equal(hd_csv_table_cell(t, 1, 1), "x\r\ny");
    assert_string_equal(hd_csv_table_cell(t, 5, 5), "");
    hd_csv_table_free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_quoted),
        cmocka_unit_test(test_formula_guard),
        cmocka_unit_test(test_invalid_utf8_replaced),
        cmocka_unit_test(test_sink_error_sticky),
        cmocka_unit_test(test_round_trip_random),
        cmocka_unit_test(test_big_cell),
        cmocka_unit_test(test_strict_reader_rejects),
        cmocka_unit_test(test_reader_accepts_and_finds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
