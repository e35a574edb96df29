/* fuzz.h — what every harness in tests/fuzz/ shares.
 *
 * Each harness fuzz_<name>.c defines one function
 *
 *     int hd_fuzz_<name>(const uint8_t *data, size_t size);
 *
 * that feeds the bytes to a real parser entry point, checks what came back
 * and frees everything. Built by tools/fuzz, the file also defines
 * LLVMFuzzerTestOneInput() calling it. tests/unit/test_fuzz_regressions.c
 * defines HD_FUZZ_NO_ENTRY and HD_FUZZ_CHECK (as a cmocka failure) and
 * #includes every harness, so a saved crash is replayed through exactly the
 * code the fuzzer ran.
 *
 * HD_FUZZ_CHECK states a property the harness expects of the parser's
 * answer (not just "it did not crash"): under the fuzzer a failed check
 * aborts, which libFuzzer reports as a crash and saves the input.
 */
#ifndef HD_FUZZ_H
#define HD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"

#ifndef HD_FUZZ_CHECK
#define HD_FUZZ_CHECK(cond)                                                                \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            abort();                                                                       \
        }                                                                                  \
    } while (0)
#endif

/* Defines LLVMFuzzerTestOneInput for one harness unless the file is being
 * #included by the regression test. */
#ifndef HD_FUZZ_NO_ENTRY
#define HD_FUZZ_ENTRY(fn)                                            \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);    \
    int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)     \
    {                                                                \
        return fn(data, size);                                       \
    }
#else
#define HD_FUZZ_ENTRY(fn)
#endif

/* A parser that refused its input must say why: at least one diagnostic
 * (or one counted as dropped), each with a non-empty message, no negative
 * position, and formatting to "file:line:col: message". A parser that
 * accepted its input must have said nothing. */
static inline void hd_fuzz_check_diag(const hd_diag *d, int refused)
{
    HD_FUZZ_CHECK(d->n >= 0 && d->n <= HD_DIAG_MAX && d->dropped >= 0);
    if (!refused) {
        HD_FUZZ_CHECK(d->n == 0 && d->dropped == 0);
        return;
    }
    HD_FUZZ_CHECK(d->n + d->dropped > 0);
    for (int i = 0; i < d->n; i++) {
        char buf[HD_DIAG_MSG + 128];
        HD_FUZZ_CHECK(d->item[i].line >= 0 && d->item[i].col >= 0);
        HD_FUZZ_CHECK(memchr(d->item[i].msg, 0, sizeof d->item[i].msg) != NULL);
        HD_FUZZ_CHECK(d->item[i].msg[0] != '\0');
        HD_FUZZ_CHECK(hd_diag_format(d, i, buf, sizeof buf) > 0);
    }
}

#endif
