/* recover.c — sessions a crash or power cut left open.
 *
 * A session still in_progress when the kiosk starts belonged to someone who
 * has gone: the kiosk was unplugged or crashed under them. It is ended as
 * abandoned, with every answer it holds: each of them was acknowledged as
 * saved, and a crash must not take back what the participant was told was
 * kept. (An idle reset, where the person walked away, drops the typed
 * answers: docs/flow.md.) Runs once at start-up; not per answer.
 */
#include <sqlite3.h>
#include <string.h>

#include "store/store.h"
#include "store/store_private.h"

hd_err hd_store_abandon_open_sessions(hd_store *st, const char *ended_at, long *count)
{
    if (count)
        *count = 0;
    if (!st || !ended_at)
        return HD_EINVAL;
    sqlite3 *db = hd_store_sqlite(st);
    sqlite3_stmt *end = NULL;
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return hd_store_map_rc(st, rc, 1);
    rc = sqlite3_prepare_v2(db,
                                "UPDATE session SET status = 'abandoned', ended_at = ?1 "
                                "WHERE status = 'in_progress'",
                                -1, &end, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(end, 1, ended_at, -1, SQLITE_STATIC);
        rc = sqlite3_step(end) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
    }
    if (rc == SQLITE_OK && count)
        *count = (long)sqlite3_changes(db);
    sqlite3_finalize(end);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        hd_err e = hd_store_map_rc(st, rc, 1);
        sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        if (count)
            *count = 0;
        return e;
    }
    return HD_OK;
}

hd_err hd_store_scrub_wal(hd_store *st)
{
    if (!st)
        return HD_EINVAL;
    sqlite3 *db = hd_store_sqlite(st);
    /* secure_delete zeroed the deleted rows in the pages last written, but
     * older frames of those pages in the WAL still hold them: copy the pages
     * back and truncate the WAL. A reader holding it back only delays this
     * until the kiosk closes the database, so waiting is kept short. */
    sqlite3_busy_timeout(db, 500);
    int rc = sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    sqlite3_busy_timeout(db, 5000);
    return rc == SQLITE_OK ? HD_OK : hd_store_map_rc(st, rc, 1);
}
