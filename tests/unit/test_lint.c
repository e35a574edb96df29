/* test_lint.c — `heard-sync lint` as a coordinator runs it: exit status,
 * the one-line summary, and "file:line:col: message" for every problem.
 * heard-sync is only built once all its commands exist; until then these
 * tests are skipped (and say so). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

static const char *sync_bin(void)
{
    const char *bin = tu_bin("heard-sync");
    if (access(bin, X_OK) != 0) {
        print_message("heard-sync is not built yet: skipping\n");
        skip();
    }
    return bin;
}

static void test_ok_summary(void **state)
{
    (void)state;
    const char *bin = sync_bin();
    char *out = NULL;
    int st = tu_run(tu_fmt("cd '%s' && '%s' lint --survey assets/surveys/example.json "
                           "--translations translations",
                           tu_source_dir(), bin),
                    &out, 0);
    assert_int_equal(st, 0);
    /* the summary first, then the translation coverage of --translations */
    const char *summary = "assets/surveys/example.json: ok \xe2\x80\x94 20 questions in 4 "
                          "sections, 3 tiers, 10 languages\n";
    assert_memory_equal(out, summary, strlen(summary));
    assert_non_null(strstr(out, "translations of local-health"));
    assert_non_null(strstr(out, "\n  ur  "));
    free(out);
}

static void test_every_problem_listed(void **state)
{
    (void)state;
    const char *bin = sync_bin();
    const char *dir = tu_tmpdir();
    const char *path = tu_fmt("%s/broken.json", dir);
    char *text = tu_slurp(tu_src("tests/unit/surveys/good/minimal.json"), NULL);
    assert_non_null(text);
    /* two mistakes, far apart */
    char *p = strstr(text, "\"heard_survey\": 1");
    p[16] = '3';
    p = strstr(text, "\"type\": \"single\"");
    memcpy(p + 9, "singel", 6);
    tu_write(path, text);
    free(text);
    char *out = NULL;
    int st = tu_run(tu_fmt("'%s' lint --survey '%s' 2>&1 >/dev/null", bin, path), &out, 0);
    assert_int_equal(st, 1);
    const char *want = tu_fmt(
        "%s:2:19: \"heard_survey\" must be 1 (the only format version this heard reads), "
        "found 3\n"
        "%s:74:19: unknown question type \"singel\" (did you mean \"single\"?)\n",
        path, path);
    assert_string_equal(out, want);
    free(out);
}

static void test_usage_errors(void **state)
{
    (void)state;
    const char *bin = sync_bin();
    char *out = NULL;
    assert_int_equal(tu_run(tu_fmt("'%s' lint", bin), &out, 1), 1);
    assert_string_equal(out, "heard-sync: lint: --survey FILE is required\n");
    free(out);
    assert_int_equal(tu_run(tu_fmt("'%s' lint --survey /nonexistent/s.json", bin), &out, 1), 1);
    assert_string_equal(out, "heard-sync: lint: cannot read /nonexistent/s.json: not found\n");
    free(out);
    assert_int_equal(tu_run(tu_fmt("'%s' lint --survey x.json --colour", bin), &out, 1), 1);
    assert_string_equal(out, "heard-sync: lint: unknown option --colour (see heard-sync --help)\n");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ok_summary),
        cmocka_unit_test(test_every_problem_listed),
        cmocka_unit_test(test_usage_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
