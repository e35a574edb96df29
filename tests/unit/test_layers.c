/* test_layers.c — the architecture's layer rules hold in the source tree:
 * SDL only in src/platform, sqlite3.h only in src/store, and src/core free of
 * I/O, clocks and randomness (DESIGN §3). */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

/* Lists files under the given directories whose lines match the extended
 * regex, minus those under the allowed prefix. Returns the offending lines. */
static char *offenders(const char *dirs, const char *regex, const char *allowed)
{
    char *out = NULL;
    const char *cmd = tu_fmt("cd '%s' && grep -rnE '%s' %s --include='*.c' --include='*.h'"
                             " | grep -v '^%s' || true",
                             tu_source_dir(), regex, dirs, allowed);
    tu_run(cmd, &out, 1);
    return out;
}

static void check_none(const char *what, char *found)
{
    if (found[0] != '\0')
        fail_msg("%s:\n%s", what, found);
    free(found);
}

static void test_sdl_only_in_platform(void **state)
{
    (void)state;
    check_none("SDL included outside src/platform",
               offenders("src tools tests/unit", "#[[:space:]]*include[[:space:]]*[<\"]SDL",
                         "src/platform/\\|tests/unit/test_text\\|tests/unit/test_render"));
}

static void test_sqlite_only_in_store(void **state)
{
    (void)state;
    check_none("sqlite3.h included outside src/store",
               offenders("src tools tests/unit", "#[[:space:]]*include[[:space:]]*[<\"]sqlite3",
                         "src/store/"));
}

static void test_core_is_pure(void **state)
{
    (void)state;
    /* No stdio file access, clocks, randomness, sockets or sodium in the core. */
    check_none("I/O, clock or randomness in src/core",
               offenders("src/core",
                         "\\b(fopen|fread|fwrite|open|time|clock_gettime|gettimeofday|rand|"
                         "random|getenv|randombytes_[a-z]+)[[:space:]]*\\(|"
                         "#[[:space:]]*include[[:space:]]*<(sodium|unistd|fcntl|time)\\.h>",
                         "NONE"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sdl_only_in_platform),
        cmocka_unit_test(test_sqlite_only_in_store),
        cmocka_unit_test(test_core_is_pure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
