/* store_private.h — what other src/store/ files (merge, export queries) and
 * the store's own tests may use beyond store.h. Not for the kiosk or core.
 *
 * Deliberately free of sqlite3.h, so that tests can include it: the
 * connection is handed out as struct sqlite3 *, which is the same type as
 * sqlite3.h's sqlite3.
 */
#ifndef HD_STORE_PRIVATE_H
#define HD_STORE_PRIVATE_H

#include <stddef.h>

#include "store/store.h"

struct sqlite3;

/* The connection behind st (still owned by st: do not close it). Statements
 * a caller prepares on it must be finalized before hd_store_close(). */
struct sqlite3 *hd_store_sqlite(hd_store *st);

/* Maps a SQLite result code from st's connection to hd_err, the same way the
 * store does (see docs/database.md). writing says whether the failed call
 * was a write: then SQLITE_CANTOPEN means read-only media. */
hd_err hd_store_map_rc(hd_store *st, int rc, int writing);

/* Like hd_store_map_rc, for any connection (the backup's destination, say):
 * uses db's saved errno to tell a full or read-only medium from other I/O. */
hd_err hd_store_map_conn_rc(struct sqlite3 *db, int rc, int writing);

/* PRAGMA application_id of every heard database ("hear"). */
#define HD_STORE_APP_ID 0x68656172

/* Reads the current value of a read-only-safe PRAGMA (journal_mode,
 * synchronous, foreign_keys, secure_delete, busy_timeout, user_version,
 * application_id) on st's own connection, as text, into buf (cap bytes).
 * HD_EINVAL for any other name or when buf is too small. For tests and
 * diagnostics: per-connection settings such as synchronous cannot be seen
 * from another connection. */
hd_err hd_store_pragma(hd_store *st, const char *name, char *buf, size_t cap);

/* Runs PRAGMA integrity_check (the full check, not quick_check) on st's
 * connection. HD_OK when it answers "ok"; HD_ECORRUPT when it reports
 * problems, with the first one copied into problem (cap bytes; may be NULL);
 * other failures mapped as by the store. For tests and diagnostics: it reads
 * the whole file. (src/store/check.c) */
hd_err hd_store_integrity_check(hd_store *st, char *problem, size_t cap);

#endif
