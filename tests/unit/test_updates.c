/* test_updates.c — updates.json parsing, ordering and language fallback
 * (src/core/updates.h), on the files in tests/unit/updates/. */
#include "testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/updates.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Parses tests/unit/updates/<rel>; the text is returned in *text (free it). */
static hd_err parse_file(const char *rel, hd_updates **out, hd_diag *d, char **text)
{
    size_t len = 0;
    *text = tu_slurp(tu_src(tu_fmt("tests/unit/updates/%s", rel)), &len);
    if (!*text)
        fail_msg("cannot read tests/unit/updates/%s", rel);
    return hd_updates_parse(*text, len, rel, out, d);
}

static void print_diag(const hd_diag *d)
{
    char buf[512];
    for (int i = 0; i < d->n; i++) {
        hd_diag_format(d, i, buf, sizeof buf);
        print_message("  %s\n", buf);
    }
}

/* One expected diagnostic: where, and words its message must contain. */
typedef struct expect {
    int line, col;
    const char *says;
} expect;

typedef struct bad_case {
    const char *file;
    expect want[4];
} bad_case;

static const bad_case bad_cases[] = {
    {"bad/syntax.json", {{2, 62, "trailing ',' before '}'"}}},
    {"bad/not-a-list.json", {{1, 1, "expected a list of updates (or {\"updates\": [...]}), "
                                    "found a string"}}},
    {"bad/missing-date.json", {{3, 3, "update 2 has no \"date\" (YYYY-MM-DD)"}}},
    {"bad/impossible-date.json",
     {{2, 12, "\"date\" of update 1 is \"2026-02-29\": not a real date in the form YYYY-MM-DD"}}},
    {"bad/date-format.json",
     {{2, 12, "\"date\" of update 1 is \"20/11/2026\": not a real date"}}},
    {"bad/date-number.json",
     {{2, 12, "\"date\" of update 1 must be a string like \"2026-11-20\", found a number"}}},
    {"bad/empty-text.json", {{4, 12, "\"text\" of update 2 is empty"}}},
    {"bad/missing-text.json", {{2, 3, "update 1 has no \"text\""}}},
    {"bad/unknown-key.json",
     {{3, 4, "unknown key \"txt\" in update 1 (known: \"date\", \"text\", \"translations\")"},
      {2, 3, "update 1 has no \"text\""}}},
    {"bad/bad-language.json",
     {{5, 6, "\"Polish\" in the translations of update 1 is not a language code"}}},
    {"bad/too-long.json",
     {{3, 12, "\"text\" of update 1 is 281 characters long: an update is a short message of "
              "at most 280"}}},
    {"bad/too-long-translation.json",
     {{4, 27, "the \"ur\" translation of update 1 is 281 characters long"}}},
    {"bad/extra-top-key.json",
     {{4, 2, "unknown key \"version\" (the file holds only \"updates\""}}},
    {"bad/updates-not-list.json",
     {{2, 3, "\"updates\" must be a list of messages, found an object"}}},
    {"bad/control-character.json",
     {{2, 34, "\"text\" of update 1 contains a control character (code 7)"}}},
    {"bad/not-an-object.json",
     {{2, 3, "update 1 must be an object with \"date\" and \"text\", found a string"}}},
    {"bad/duplicate-key.json", {{3, 4, "date"}}},
    {"bad/translations-list.json",
     {{3, 20, "\"translations\" of update 1 must be an object like {\"pl\": \"...\"}, found a "
              "list"}}},
    {"bad/many-problems.json",
     {{2, 12, "\"date\" of update 1 is \"2026-13-01\""},
      {2, 34, "\"text\" of update 1 is empty"},
      {3, 25, "unknown key \"colour\" in update 2"},
      {4, 65, "the \"pl\" translation of update 3 is empty"}}},
};

static void test_broken_files_refused_with_place_and_reason(void **state)
{
    (void)state;
    for (size_t i = 0; i < N(bad_cases); i++) {
        const bad_case *c = &bad_cases[i];
        hd_updates *u = (hd_updates *)0x1; /* must stay untouched */
        hd_diag d;
        char *text = NULL;
        hd_err e = parse_file(c->file, &u, &d, &text);
        if (e != HD_EPARSE) {
            fail_msg("%s: expected HD_EPARSE, got %s", c->file, hd_err_name(e));
        }
        assert_ptr_equal(u, (hd_updates *)0x1);
        int wanted = 0;
        for (size_t w = 0; w < N(c->want) && c->want[w].says; w++) {
            wanted++;
            const expect *x = &c->want[w];
            bool found = false;
            for (int k = 0; k < d.n && !found; k++)
                found = d.item[k].line == x->line && d.item[k].col == x->col &&
                        strstr(d.item[k].msg, x->says) != NULL;
            if (!found) {
                print_diag(&d);
                fail_msg("%s: no diagnostic %d:%d containing \"%s\"", c->file, x->line, x->col,
                         x->says);
            }
        }
        /* Nothing reported twice or beyond what is wrong (the "many"
         * file's "update 2 has no date" is its fifth problem). */
        if (strcmp(c->file, "bad/many-problems.json") == 0)
            assert_int_equal(d.n, 5);
        else
            assert_int_equal(d.n, wanted);
        /* The formatted form names the file. */
        char buf[512];
        hd_diag_format(&d, 0, buf, sizeof buf);
        assert_non_null(strstr(buf, c->file));
        assert_non_null(strstr(buf, tu_fmt("%s:%d:%d: ", c->file, d.item[0].line,
                                           d.item[0].col)));
        free(text);
    }
}

static void test_good_file_sorted_newest_first(void **state)
{
    (void)state;
    hd_updates *u = NULL;
    hd_diag d;
    char *text = NULL;
    hd_err e = parse_file("good/list.json", &u, &d, &text);
    if (e != HD_OK)
        print_diag(&d);
    assert_int_equal(e, HD_OK);
    assert_int_equal(d.n, 0);
    /* The source text may be freed: the updates keep their own copy. */
    memset(text, 'x', strlen(text));
    free(text);
    assert_int_equal(hd_updates_count(u), 3);
    assert_string_equal(hd_updates_date(u, 0), "2026-11-20");
    assert_string_equal(hd_updates_date(u, 1), "2026-10-02");
    assert_string_equal(hd_updates_date(u, 2), "2026-10-02");
    assert_null(hd_updates_date(u, 3));
    assert_null(hd_updates_date(u, -1));
    /* Same date: the file's order. */
    assert_non_null(strstr(hd_updates_text(u, 1, "en", NULL), "heaters"));
    assert_non_null(strstr(hd_updates_text(u, 2, "en", NULL), "Saturday"));
    hd_updates_free(u);
}

static void test_language_fallback(void **state)
{
    (void)state;
    hd_updates *u = NULL;
    hd_diag d;
    char *text = NULL;
    assert_int_equal(parse_file("good/list.json", &u, &d, &text), HD_OK);
    free(text);
    const char *tl = "junk";
    /* Exact translation. */
    const char *pl = hd_updates_text(u, 0, "pl", &tl);
    assert_string_equal(pl, "Mówiliście, że przystanek jest za daleko.\nAutobus 14 zatrzymuje "
                            "się teraz przed wejściem.");
    assert_string_equal(tl, "pl");
    /* A region falls back to the language. */
    assert_non_null(strstr(hd_updates_text(u, 0, "pt-BR", &tl), "paragem"));
    assert_string_equal(tl, "pt");
    /* Exactly 280 characters (in more than 280 bytes) is allowed. */
    const char *ur = hd_updates_text(u, 0, "ur", &tl);
    assert_string_equal(tl, "ur");
    assert_true(strlen(ur) > 280);
    /* No translation: the source text, and text_lang says so. */
    const char *cy = hd_updates_text(u, 0, "cy", &tl);
    assert_string_equal(cy, "You said the bus stop was too far.\nThe 14 now stops outside.");
    assert_null(tl);
    assert_string_equal(hd_updates_text(u, 1, "pl", &tl),
                        "You said the waiting room was cold. It has new heaters.");
    assert_null(tl);
    assert_string_equal(hd_updates_text(u, 0, NULL, NULL), cy);
    assert_string_equal(hd_updates_text(u, 0, "", NULL), cy);
    /* "p" is not a prefix match for "pl" or "pt". */
    assert_string_equal(hd_updates_text(u, 0, "p", NULL), cy);
    assert_null(hd_updates_text(u, 3, "pl", &tl));
    assert_null(hd_updates_text(NULL, 0, "pl", &tl));
    assert_int_equal(hd_updates_count(NULL), 0);
    hd_updates_free(u);
    hd_updates_free(NULL);
}

static void test_empty_list_is_no_updates(void **state)
{
    (void)state;
    hd_updates *u = NULL;
    hd_diag d;
    char *text = NULL;
    assert_int_equal(parse_file("good/object.json", &u, &d, &text), HD_OK);
    free(text);
    assert_int_equal(hd_updates_count(u), 0);
    assert_null(hd_updates_text(u, 0, "en", NULL));
    hd_updates_free(u);
    assert_int_equal(hd_updates_parse("[]", 2, "inline.json", &u, &d), HD_OK);
    assert_int_equal(hd_updates_count(u), 0);
    hd_updates_free(u);
}

static void test_limits(void **state)
{
    (void)state;
    /* HD_UPDATES_MAX messages are fine, one more is refused at its place. */
    size_t cap = 64 * (HD_UPDATES_MAX + 2);
    char *json = malloc(cap);
    assert_non_null(json);
    for (int n = HD_UPDATES_MAX; n <= HD_UPDATES_MAX + 1; n++) {
        size_t len = 0;
        len += (size_t)snprintf(json + len, cap - len, "[\n");
        for (int i = 0; i < n; i++)
            len += (size_t)snprintf(json + len, cap - len,
                                    "{\"date\": \"2026-01-%02d\", \"text\": \"Message %d\"}%s\n",
                                    1 + i % 28, i, i + 1 < n ? "," : "");
        len += (size_t)snprintf(json + len, cap - len, "]\n");
        hd_updates *u = NULL;
        hd_diag d;
        hd_err e = hd_updates_parse(json, len, "many.json", &u, &d);
        if (n == HD_UPDATES_MAX) {
            assert_int_equal(e, HD_OK);
            assert_int_equal(hd_updates_count(u), HD_UPDATES_MAX);
            /* Sorted: dates never increase. */
            for (int i = 1; i < hd_updates_count(u); i++)
                assert_true(strcmp(hd_updates_date(u, i - 1), hd_updates_date(u, i)) >= 0);
            hd_updates_free(u);
        } else {
            assert_int_equal(e, HD_EPARSE);
            assert_int_equal(d.n, 1);
            assert_int_equal(d.item[0].line, HD_UPDATES_MAX + 2);
            assert_non_null(strstr(d.item[0].msg, "update 51 is one too many"));
        }
    }
    free(json);

    /* A file larger than HD_UPDATES_MAX_BYTES is refused before parsing. */
    size_t big = (size_t)HD_UPDATES_MAX_BYTES + 1;
    char *huge = malloc(big);
    assert_non_null(huge);
    memset(huge, ' ', big);
    huge[0] = '[';
    huge[big - 1] = ']';
    hd_updates *u = NULL;
    hd_diag d;
    assert_int_equal(hd_updates_parse(huge, big, "huge.json", &u, &d), HD_EPARSE);
    assert_null(u);
    assert_non_null(strstr(d.item[0].msg, "may be at most"));
    free(huge);

    /* Not NUL-terminated: only len bytes are read. */
    const char *s = "[]garbage";
    assert_int_equal(hd_updates_parse(s, 2, "slice.json", &u, &d), HD_OK);
    hd_updates_free(u);
}

static void test_example_file_in_assets_is_valid(void **state)
{
    (void)state;
    size_t len = 0;
    char *text = tu_slurp(tu_src("assets/updates.example.json"), &len);
    assert_non_null(text);
    hd_updates *u = NULL;
    hd_diag d;
    hd_err e = hd_updates_parse(text, len, "updates.example.json", &u, &d);
    if (e != HD_OK)
        print_diag(&d);
    assert_int_equal(e, HD_OK);
    assert_true(hd_updates_count(u) >= 3);
    free(text);
    hd_updates_free(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_broken_files_refused_with_place_and_reason),
        cmocka_unit_test(test_good_file_sorted_newest_first),
        cmocka_unit_test(test_language_fallback),
        cmocka_unit_test(test_empty_list_is_no_updates),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_example_file_in_assets_is_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
