/* test_anon.c — k-anonymity by local suppression, ISO weeks, text scrub. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/anon.h"
#include "testutil.h"

static unsigned rnd(unsigned *s)
{
    unsigned x = *s ? *s : 1;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

/* Independent of anon.c: sorts the row tuples and checks every run of equal
 * tuples is at least k long. */
static size_t g_m;
static int cmp_rows(const void *a, const void *b)
{
    return memcmp(a, b, g_m * sizeof(uint32_t));
}

static int smallest_group(const uint32_t *rows, size_t n, size_t m)
{
    uint32_t *copy = malloc(n * m * sizeof *copy);
    memcpy(copy, rows, n * m * sizeof *copy);
    g_m = m;
    qsort(copy, n, m * sizeof *copy, cmp_rows);
    size_t best = n, run = 1;
    for (size_t i = 1; i <= n; i++) {
        if (i < n && memcmp(copy + i * m, copy + (i - 1) * m, m * sizeof *copy) == 0) {
            run++;
            continue;
        }
        if (run < best)
            best = run;
        run = 1;
    }
    free(copy);
    return (int)best;
}

/* One generated dataset: skewed values so there are both big groups and
 * rare combinations. Returns the total suppressed cells; *base gets the
 * whole-column baseline and *lower the unique-row lower bound. */
static size_t one_dataset(unsigned *seed, size_t *base, size_t *lower)
{
    int k = 2 + (int)(rnd(seed) % 9);
    size_t m = 1 + rnd(seed) % 6;
    size_t n = (size_t)(2 * k) + rnd(seed) % 400;
    unsigned card[8];
    for (size_t c = 0; c < m; c++)
        card[c] = 1 + rnd(seed) % 12;
    uint32_t *orig = malloc(n * m * sizeof *orig);
    uint32_t *out = malloc(n * m * sizeof *out);
    hd_anon *a;
    assert_int_equal(hd_anon_open((int)m, &a), HD_OK);
    for (size_t r = 0; r < n; r++) {
        for (size_t c = 0; c < m; c++) {
            /* min of two draws: small codes common, large ones rare */
            unsigned x = rnd(seed) % card[c], y = rnd(seed) % card[c];
            orig[r * m + c] = (x < y ? x : y) * 7 + 3; /* arbitrary codes */
        }
        assert_int_equal(hd_anon_add(a, orig + r * m), HD_OK);
    }
    *lower = hd_anon_unique_rows(a, k);
    uint64_t mask;
    *base = hd_anon_column_baseline(a, k, &mask);
    assert_int_equal(hd_anon_run(a, k), HD_OK);
    size_t total = 0, per_col[8] = {0};
    for (size_t r = 0; r < n; r++)
        for (size_t c = 0; c < m; c++) {
            uint32_t v = hd_anon_get(a, r, (int)c);
            out[r * m + c] = v;
            if (v == HD_ANON_STAR) {
                per_col[c]++;
                total++;
            } else {
                /* a cell that is not suppressed keeps its own value */
                assert_int_equal(v, orig[r * m + c]);
            }
        }
    for (size_t c = 0; c < m; c++)
        assert_int_equal(hd_anon_suppressed(a, (int)c), per_col[c]);
    int smallest = smallest_group(out, n, m);
    if (smallest < k)
        fail_msg("dataset n=%zu m=%zu k=%d: a group of %d", n, m, k, smallest);
    /* every row that was in a small group needed at least one "*" */
    assert_true(total >= *lower);
    /* the baseline is itself k-anonymous: check it independently */
    for (size_t r = 0; r < n; r++)
        for (size_t c = 0; c < m; c++)
            out[r * m + c] = (mask >> c & 1) ? HD_ANON_STAR : orig[r * m + c];
    assert_true(smallest_group(out, n, m) >= k);
    assert_int_equal(*base, n * (size_t)__builtin_popcountll(mask));
    hd_anon_close(a);
    free(orig);
    free(out);
    return total;
}

static void test_property_1000_datasets(void **state)
{
    (void)state;
    unsigned seed = 20261122;
    size_t local = 0, base = 0, lower = 0;
    int worse = 0;
    for (int i = 0; i < 1500; i++) {
        size_t b, l;
        size_t t = one_dataset(&seed, &b, &l);
        local += t;
        base += b;
        lower += l;
        worse += t > b;
        assert_true(t <= b); /* never worse than blanking whole columns */
    }
    printf("1500 datasets: local suppression %zu cells, whole columns %zu cells, "
           "lower bound %zu; local worse than columns in %d\n",
           local, base, lower, worse);
    assert_true(local < base);
    assert_true(local * 100 <= base * 60); /* far fewer, not just a little */
}

static void test_already_anonymous_untouched(void **state)
{
    (void)state;
    hd_anon *a;
    assert_int_equal(hd_anon_open(2, &a), HD_OK);
    for (int i = 0; i < 30; i++) {
        uint32_t row[2] = {(uint32_t)(i % 3), (uint32_t)(i % 2)};
        assert_int_equal(hd_anon_add(a, row), HD_OK);
    }
    assert_int_equal(hd_anon_run(a, 5), HD_OK);
    assert_int_equal(hd_anon_suppressed(a, 0) + hd_anon_suppressed(a, 1), 0);
    assert_int_equal(hd_anon_run(a, 5), HD_EINVAL); /* once only */
    hd_anon_close(a);
}

static void test_one_star_when_possible(void **state)
{
    (void)state;
    /* 10 rows (week 1, venue A) and one row (week 1, venue B): the lone row
     * cannot join with one "*" (no (1,*) group exists) unless ... it takes
     * the venue "*" and the 10 keep theirs: then (1,*) has 1 row. So the
     * best is to give it company: k=2 needs a second row. Add another lone
     * row (1, C): both become (1,*) with one "*" each. */
    hd_anon *a;
    assert_int_equal(hd_anon_open(2, &a), HD_OK);
    for (int i = 0; i < 10; i++)
        assert_int_equal(hd_anon_add(a, (uint32_t[]){1, 100}), HD_OK);
    assert_int_equal(hd_anon_add(a, (uint32_t[]){1, 200}), HD_OK);
    assert_int_equal(hd_anon_add(a, (uint32_t[]){1, 300}), HD_OK);
    assert_int_equal(hd_anon_run(a, 2), HD_OK);
    assert_int_equal(hd_anon_suppressed(a, 0), 0);
    assert_int_equal(hd_anon_suppressed(a, 1), 2);
    assert_int_equal(hd_anon_get(a, 0, 1), 100);
    assert_int_equal(hd_anon_get(a, 10, 1), HD_ANON_STAR);
    assert_int_equal(hd_anon_get(a, 11, 0), 1);
    hd_anon_close(a);
}

static void test_all_unique(void **state)
{
    (void)state;
    /* Every row unique in every column: the only answer is all "*". */
    hd_anon *a;
    assert_int_equal(hd_anon_open(3, &a), HD_OK);
    for (uint32_t i = 0; i < 10; i++)
        assert_int_equal(hd_anon_add(a, (uint32_t[]){i, i + 50, i + 90}), HD_OK);
    assert_int_equal(hd_anon_run(a, 5), HD_OK);
    uint32_t rows[30];
    for (size_t r = 0; r < 10; r++)
        for (int c = 0; c < 3; c++)
            rows[r * 3 + c] = hd_anon_get(a, r, c);
    assert_true(smallest_group(rows, 10, 3) >= 5);
    hd_anon_close(a);
}

static void test_star_class_borrows(void **state)
{
    (void)state;
    /* 20 equal rows and 2 rows unlike anything: the 2 end up all "*" and
     * need 3 more rows, taken from the big group (which keeps 17). */
    hd_anon *a;
    assert_int_equal(hd_anon_open(2, &a), HD_OK);
    for (int i = 0; i < 20; i++)
        assert_int_equal(hd_anon_add(a, (uint32_t[]){1, 1}), HD_OK);
    assert_int_equal(hd_anon_add(a, (uint32_t[]){2, 2}), HD_OK);
    assert_int_equal(hd_anon_add(a, (uint32_t[]){3, 3}), HD_OK);
    assert_int_equal(hd_anon_run(a, 5), HD_OK);
    uint32_t rows[44];
    for (size_t r = 0; r < 22; r++)
        for (int c = 0; c < 2; c++)
            rows[r * 2 + c] = hd_anon_get(a, r, c);
    assert_true(smallest_group(rows, 22, 2) >= 5);
    assert_int_equal(hd_anon_suppressed(a, 0), 5);
    assert_int_equal(hd_anon_suppressed(a, 1), 5);
    hd_anon_close(a);
}

static void test_errors(void **state)
{
    (void)state;
    hd_anon *a;
    assert_int_equal(hd_anon_open(0, &a), HD_EINVAL);
    assert_int_equal(hd_anon_open(HD_ANON_MAX_COLS + 1, &a), HD_EINVAL);
    assert_int_equal(hd_anon_open(1, &a), HD_OK);
    assert_int_equal(hd_anon_add(a, (uint32_t[]){HD_ANON_STAR}), HD_EINVAL);
    assert_int_equal(hd_anon_add(a, (uint32_t[]){4}), HD_OK);
    assert_int_equal(hd_anon_run(a, 2), HD_ETOOFEW);
    hd_anon_close(a);
    assert_int_equal(hd_anon_open(1, &a), HD_OK);
    assert_int_equal(hd_anon_run(a, 5), HD_OK); /* nothing to do */
    hd_anon_close(a);
}

static void test_iso_week(void **state)
{
    (void)state;
    static const struct {
        const char *date, *week;
    } cases[] = {
        {"2026-11-22T10:04:05Z", "2026-W47"}, {"2027-01-01", "2026-W53"},
        {"2026-12-31T23:59:59Z", "2026-W53"}, {"2024-12-30T00:00:00Z", "2025-W01"},
        {"2021-01-03", "2020-W53"},           {"2021-01-04", "2021-W01"},
        {"2008-12-29", "2009-W01"},           {"2010-01-03", "2009-W53"},
        {"2024-02-29", "2024-W09"},           {"2000-01-01", "1999-W52"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char w[9];
        assert_true(hd_iso_week(cases[i].date, w));
        assert_string_equal(w, cases[i].week);
    }
    char w[9];
    assert_false(hd_iso_week("2026-02-29", w));
    assert_false(hd_iso_week("2026-13-01", w));
    assert_false(hd_iso_week("2026-00-10", w));
    assert_false(hd_iso_week("20261122", w));
    assert_false(hd_iso_week("2026-11-22X", w));
    assert_false(hd_iso_week("", w));
}

static void scrub_is(const char *in, const char *want, int n_want)
{
    char *out;
    int n;
    assert_int_equal(hd_anon_scrub(in, &out, &n), HD_OK);
    if (strcmp(out, want) != 0)
        fail_msg("scrub(\"%s\") = \"%s\", wanted \"%s\"", in, out, want);
    assert_int_equal(n, n_want);
    free(out);
}

static void test_scrub(void **state)
{
    (void)state;
    scrub_is("nothing to hide here", "nothing to hide here", 0);
    scrub_is("mail me at jo.bloggs+nhs@example.co.uk.", "mail me at [removed].", 1);
    scrub_is("ring 07700 900123 after 6", "ring [removed] after 6", 1);
    scrub_is("or +44 (0)20 7946 0958!", "or [removed]!", 1);
    scrub_is("call (020) 7946-0958 now", "call [removed] now", 1);
    scrub_is("abroad +33 1 23 45 67 89", "abroad [removed]", 1);
    scrub_is("I live at SW1A 1AA, near M1 1AE and B33 alone", "I live at [removed], near [removed] and B33 alone", 2);
    scrub_is("postcode ec1a1bb ok", "postcode [removed] ok", 1);
    scrub_is("waited 3 hours, 45 minutes in 2024", "waited 3 hours, 45 minutes in 2024", 0);
    scrub_is("ref ABC123456789XYZ", "ref ABC123456789XYZ", 0);
    scrub_is("07700900123@example.com", "[removed]", 1);
    /* non-ASCII text around a number stays as it is */
    scrub_is("\xD9\x81\xD9\x88\xD9\x86 07700900123 \xD8\xB4\xDA\xA9\xD8\xB1\xDB\x8C\xDB\x81",
             "\xD9\x81\xD9\x88\xD9\x86 [removed] \xD8\xB4\xDA\xA9\xD8\xB1\xDB\x8C\xDB\x81", 1);
    scrub_is("", "", 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_property_1000_datasets),
        cmocka_unit_test(test_already_anonymous_untouched),
        cmocka_unit_test(test_one_star_when_possible),
        cmocka_unit_test(test_all_unique),
        cmocka_unit_test(test_star_class_borrows),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_iso_week),
        cmocka_unit_test(test_scrub),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
