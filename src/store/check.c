/* check.c — a full integrity check of a store, for tests and diagnostics
 * (store_private.h). hd_store_open() itself runs only quick_check, which
 * skips the index-against-table comparisons that integrity_check makes. */
#include "store/store_private.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

hd_err hd_store_integrity_check(hd_store *st, char *problem, size_t cap)
{
    if (problem && cap)
        problem[0] = '\0';
    if (!st)
        return HD_EINVAL;
    sqlite3 *db = hd_store_sqlite(st);
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL);
    int rows = 0, bad = 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(s, 0);
        if (rows++ == 0 && v && strcmp(v, "ok") == 0)
            continue;
        if (!bad && problem && cap)
            snprintf(problem, cap, "%s", v ? v : "(null)");
        bad = 1;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE) {
        int prim = rc & 0xff;
        if (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB) {
            if (!bad && problem && cap)
                snprintf(problem, cap, "%s", sqlite3_errmsg(db));
            return HD_ECORRUPT;
        }
        return hd_store_map_rc(st, rc, 0);
    }
    if (rows == 0) {
        if (problem && cap)
            snprintf(problem, cap, "integrity_check returned no rows");
        return HD_ECORRUPT;
    }
    return bad ? HD_ECORRUPT : HD_OK;
}
