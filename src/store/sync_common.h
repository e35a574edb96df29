/* sync_common.h — pieces shared by merge.c and export_rows.c (src/store
 * only): opening a file that may be hostile, checking it is a heard
 * database, and the value checks applied to everything read from one.
 */
#ifndef HD_SYNC_COMMON_H
#define HD_SYNC_COMMON_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* PRAGMA application_id of a heard database ("hear"; docs/database.md). */
#define HD_SYNC_APP_ID 0x68656172

/* Opens path read-only with the defences every file heard-sync reads gets:
 * SQLITE_DBCONFIG_DEFENSIVE, trusted_schema off, triggers and views
 * disabled, a 1 MB limit on any value. why names the file on failure. */
hd_err hd_sync_open_ro(const char *path, const char *name, sqlite3 **out, char *why,
                       size_t cap);

/* Checks db is a heard database of schema version 1 .. HD_SCHEMA_VERSION:
 * application id, user version (a newer one is refused with "update
 * heard-sync"), and the three DESIGN §4 tables with exactly the columns of
 * that version (2 added session.flagged), no hidden or generated ones.
 * strict (device files): also no view, no trigger, no table beyond session,
 * answer, contact, meta, kv (and SQLite's own sqlite_stat*), every table a
 * plain CREATE TABLE. name is how the file is named in why; *version gets
 * the schema version. */
hd_err hd_sync_check_schema(sqlite3 *db, const char *name, bool strict, int *version, char *why,
                            size_t cap);

/* Maps a SQLite result code to hd_err. */
hd_err hd_sync_map_rc(int rc);

/* Value checks for everything read from a device file. */
bool hd_sync_is_uuid(const char *s);       /* 8-4-4-4-12 lowercase hex */
bool hd_sync_is_ident(const char *s);      /* a-z 0-9 _ - +, 1..100 bytes */
bool hd_sync_is_iso_time(const char *s);   /* 2026-11-22T10:04:05Z, optional .fff */
bool hd_sync_is_date(const char *s);       /* 2026-11-22 */
bool hd_sync_is_label(const char *s, size_t max); /* UTF-8, no control chars, 1..max bytes */

/* printf into why (always NUL-terminated); returns err. */
hd_err hd_sync_why(char *why, size_t cap, hd_err err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
