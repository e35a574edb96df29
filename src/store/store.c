/* store.c — the kiosk's SQLite database: open and recovery, migrations,
 * sessions, answers, sealed contacts, meta and kv (DESIGN §4,
 * docs/database.md).
 *
 * Invariants:
 * - every statement is prepared once in hd_store_open() and reset, with its
 *   bindings cleared, straight after each use (stmt_done());
 * - every write is one BEGIN IMMEDIATE ... COMMIT; when any step fails the
 *   transaction is rolled back and the error returned, so HD_OK means
 *   committed and fsynced (WAL + synchronous=FULL), and nothing else does;
 * - a file whose quick_check fails is never written to: it is renamed aside
 *   with its -wal/-shm, and checkpoint-on-close stays off until the file has
 *   been accepted, so even closing it cannot change its bytes.
 */
#define _POSIX_C_SOURCE 200809L
#include "store/store.h"
#include "store/store_private.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/updates.h"
#include "sys/sys.h"

#ifndef HD_VERSION
#define HD_VERSION "unknown" /* CMake defines it; standalone builds may not */
#endif

/* PRAGMA application_id of a heard database: "hear" in ASCII. Lets open tell
 * an unrelated SQLite file from a heard database of a newer version. */
#define HD_APP_ID HD_STORE_APP_ID

/* How long a write waits for another connection (a coordinator's sqlite3
 * shell, say) before HD_EBUSY. */
#define HD_BUSY_MS 5000
/* How long the clean-up checkpoint after a withdrawal waits for readers. */
#define HD_WITHDRAW_CKPT_MS 500

/* ---- migrations ------------------------------------------------------- */

/* Version 1: DESIGN §4's three tables exactly, plus meta and kv. */
static const char schema_v1[] =
    "CREATE TABLE session("
    " id TEXT PRIMARY KEY,"
    " device_id TEXT NOT NULL,"
    " survey_id TEXT NOT NULL,"
    " survey_version TEXT NOT NULL,"
    " language TEXT NOT NULL,"
    " tier TEXT,"
    " venue TEXT,"
    " mode TEXT,"
    " started_at TEXT NOT NULL,"
    " ended_at TEXT,"
    " status TEXT NOT NULL);"
    "CREATE TABLE answer("
    " session_id TEXT NOT NULL REFERENCES session(id),"
    " question_id TEXT NOT NULL,"
    " value TEXT NOT NULL,"
    " answered_at TEXT NOT NULL,"
    " PRIMARY KEY (session_id, question_id));"
    "CREATE TABLE contact("
    " id TEXT PRIMARY KEY,"
    " survey_id TEXT NOT NULL,"
    " created_on TEXT NOT NULL,"
    " sealed BLOB NOT NULL);"
    "CREATE TABLE meta("
    " key TEXT PRIMARY KEY,"
    " value TEXT NOT NULL);"
    "CREATE TABLE kv("
    " key TEXT PRIMARY KEY,"
    " value TEXT NOT NULL,"
    " updated_at TEXT NOT NULL);"
    /* hd_store_count_sessions and the export both filter on these. */
    "CREATE INDEX session_by_survey ON session(survey_id, status, started_at);";

/* Version 2: the minimum gap between complete sessions (issue 6). A session
 * completed too soon after the previous one is kept but flagged.
 * session_by_device_end serves hd_store_session_end's look for that
 * previous session; session_counts covers the admin screen's and the
 * results' counts (with 20 000 sessions: tier counts 49 ms -> 3 ms). */
static const char schema_v2[] =
    "ALTER TABLE session ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0;"
    "CREATE INDEX session_by_device_end ON session(device_id, status, ended_at);"
    "CREATE INDEX session_counts ON session(survey_id, status, flagged, tier, started_at, id);";

typedef struct migration {
    int version;     /* user_version after this step */
    const char *sql; /* run inside the step's transaction */
} migration;

/* Append only: a released step is never edited, a change is a new step. */
static const migration migrations[] = {
    {1, schema_v1},
    {2, schema_v2},
};
#define N_MIGRATIONS (sizeof migrations / sizeof migrations[0])
_Static_assert(HD_SCHEMA_VERSION == 2, "add a migration step for the new HD_SCHEMA_VERSION");

/* ---- prepared statements ---------------------------------------------- */

enum {
    S_BEGIN,
    S_COMMIT,
    S_ROLLBACK,
    S_SESSION_INSERT,
    S_SESSION_LANG,
    S_SESSION_END,
    S_SESSION_DEL,
    S_SESSION_ANSWERS_DEL,
    S_ANSWER_SAVE,
    S_ANSWER_DEL,
    S_ANSWER_GET,
    S_CONTACT_INSERT,
    S_COUNT,
    S_TIER_COUNTS,
    S_FLAGGED_COUNT,
    S_VALUE_COUNTS,
    S_KV_GET,
    S_KV_SET,
    S_META_GET,
    S_META_SET,
    S_COUNT_
};

static const char *const stmt_sql[S_COUNT_] = {
    [S_BEGIN] = "BEGIN IMMEDIATE",
    [S_COMMIT] = "COMMIT",
    [S_ROLLBACK] = "ROLLBACK",
    [S_SESSION_INSERT] =
        "INSERT INTO session(id, device_id, survey_id, survey_version, language, tier,"
        " venue, mode, started_at, ended_at, status)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, NULL, 'in_progress')",
    [S_SESSION_LANG] = "UPDATE session SET language = ?2 WHERE id = ?1",
    /* flagged: another complete session of this device ended less than ?4
     * seconds before this one (at or after it is not "previous"). The range
     * on ended_at lets session_by_device_end find it; both sides are ISO
     * 8601 UTC text of one shape, so text order is time order. */
    [S_SESSION_END] =
        "UPDATE session SET status = ?2, ended_at = ?3,"
        " flagged = (?2 = 'complete' AND EXISTS (SELECT 1 FROM session p"
        "  WHERE p.device_id = session.device_id AND p.status = 'complete'"
        "  AND p.id <> session.id AND p.ended_at <= ?3"
        "  AND p.ended_at > strftime('%Y-%m-%dT%H:%M:%SZ', ?3, printf('-%d seconds', ?4))))"
        " WHERE id = ?1",
    [S_SESSION_DEL] = "DELETE FROM session WHERE id = ?1",
    [S_SESSION_ANSWERS_DEL] = "DELETE FROM answer WHERE session_id = ?1",
    [S_ANSWER_SAVE] =
        "INSERT INTO answer(session_id, question_id, value, answered_at) VALUES(?1, ?2, ?3, ?4)"
        " ON CONFLICT(session_id, question_id)"
        " DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at",
    [S_ANSWER_DEL] = "DELETE FROM answer WHERE session_id = ?1 AND question_id = ?2",
    [S_ANSWER_GET] = "SELECT value FROM answer WHERE session_id = ?1 AND question_id = ?2",
    [S_CONTACT_INSERT] =
        "INSERT INTO contact(id, survey_id, created_on, sealed) VALUES(?1, ?2, ?3, ?4)",
    [S_COUNT] = "SELECT count(*) FROM session WHERE survey_id = ?1"
                " AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR tier = ?3)"
                " AND (?4 IS NULL OR started_at >= ?4)",
    [S_TIER_COUNTS] = "SELECT tier, count(*) FROM session WHERE survey_id = ?1"
                      " AND status = 'complete' AND flagged = 0"
                      " AND (?2 IS NULL OR started_at >= ?2) GROUP BY tier",
    [S_FLAGGED_COUNT] = "SELECT count(*) FROM session WHERE survey_id = ?1"
                        " AND status = 'complete' AND flagged = 1"
                        " AND (?2 IS NULL OR started_at >= ?2)",
    [S_VALUE_COUNTS] = "SELECT a.value, count(*) FROM session s"
                       " JOIN answer a ON a.session_id = s.id AND a.question_id = ?2"
                       " WHERE s.survey_id = ?1 AND s.status = 'complete' AND s.flagged = 0"
                       " GROUP BY a.value ORDER BY a.value",
    [S_KV_GET] = "SELECT value FROM kv WHERE key = ?1",
    [S_KV_SET] = "INSERT INTO kv(key, value, updated_at) VALUES(?1, ?2, ?3)"
                 " ON CONFLICT(key) DO UPDATE SET value = excluded.value,"
                 " updated_at = excluded.updated_at",
    [S_META_GET] = "SELECT value FROM meta WHERE key = ?1",
    [S_META_SET] = "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)",
};

struct hd_store {
    sqlite3 *db;
    sqlite3_stmt *stmt[S_COUNT_];
    char device_id[HD_UUID_LEN + 1];
    int min_gap_s; /* hd_store_set_min_gap */
};

/* ---- result codes ----------------------------------------------------- */

/* True when errno-style e says the medium cannot be written. */
static int errno_readonly(int e) { return e == EROFS || e == EACCES || e == EPERM; }
static int errno_full(int e) { return e == ENOSPC || e == EDQUOT || e == EFBIG; }

static hd_err map_rc(sqlite3 *db, int rc, int writing)
{
    int sys = db ? sqlite3_system_errno(db) : 0;
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE: return HD_OK;
    case SQLITE_FULL: return HD_EFULL;
    case SQLITE_READONLY: return HD_EREADONLY;
    case SQLITE_CANTOPEN:
        if (writing || errno_readonly(sys))
            return HD_EREADONLY;
        return HD_EIO;
    case SQLITE_IOERR:
        /* SQLite reports ENOSPC as SQLITE_FULL itself. For other failed
         * writes it keeps errno when it still can: a quota or file-size
         * limit is a full disk to the person at the kiosk, a read-only
         * remount (EROFS) is read-only media. Otherwise it is plain I/O. */
        if (errno_full(sys))
            return HD_EFULL;
        if (sys == EROFS)
            return HD_EREADONLY;
        return HD_EIO;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return HD_ECORRUPT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return HD_EBUSY;
    case SQLITE_NOMEM: return HD_ENOMEM;
    case SQLITE_CONSTRAINT:
        if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
            return HD_ENOTFOUND; /* an answer for a session that is not there */
        if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE)
            return HD_ECONFLICT;
        return HD_EINVAL;
    case SQLITE_TOOBIG:
    case SQLITE_RANGE:
    case SQLITE_MISMATCH: return HD_EINVAL;
    default: return HD_EIO;
    }
}

hd_err hd_store_map_rc(hd_store *st, int rc, int writing)
{
    return map_rc(st ? st->db : NULL, rc, writing);
}

hd_err hd_store_map_conn_rc(struct sqlite3 *db, int rc, int writing)
{
    return map_rc(db, rc, writing);
}

struct sqlite3 *hd_store_sqlite(hd_store *st) { return st->db; }

/* ---- statement helpers ------------------------------------------------ */

static void stmt_done(sqlite3_stmt *s)
{
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
}

/* Binds a C string (NULL binds SQL NULL). The text is not copied: it must
 * live until stmt_done(), which every caller reaches before returning. */
static int bind_text(sqlite3_stmt *s, int i, const char *v)
{
    return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

/* Steps a statement that returns no rows, then resets it. */
static int step_done(sqlite3_stmt *s)
{
    int rc = sqlite3_step(s);
    stmt_done(s);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int tx_begin(hd_store *st) { return step_done(st->stmt[S_BEGIN]); }

/* Rolls back whatever is open; a failed COMMIT may or may not have ended the
 * transaction by itself, so ask SQLite rather than guess. */
static void tx_rollback(hd_store *st)
{
    if (!sqlite3_get_autocommit(st->db))
        step_done(st->stmt[S_ROLLBACK]);
}

/* Ends a write transaction begun by tx_begin: commits when rc is OK,
 * otherwise rolls back. Returns the mapped result. */
static hd_err tx_end(hd_store *st, int rc)
{
    if (rc == SQLITE_OK)
        rc = step_done(st->stmt[S_COMMIT]);
    if (rc != SQLITE_OK) {
        hd_err e = map_rc(st->db, rc, 1);
        tx_rollback(st);
        return e;
    }
    return HD_OK;
}

/* Copies column 0 of the row s is on into buf; HD_EINVAL when it does not
 * fit (buf is then ""). */
static hd_err copy_col(sqlite3_stmt *s, char *buf, size_t cap)
{
    const unsigned char *v = sqlite3_column_text(s, 0);
    size_t n = (size_t)sqlite3_column_bytes(s, 0);
    if (!v)
        v = (const unsigned char *)"";
    if (n + 1 > cap) {
        if (cap)
            buf[0] = '\0';
        return HD_EINVAL;
    }
    memcpy(buf, v, n + 1);
    return HD_OK;
}

/* Runs a one-row, one-column query already bound; HD_ENOTFOUND for no row. */
static hd_err query_text(hd_store *st, sqlite3_stmt *s, char *buf, size_t cap)
{
    int rc = sqlite3_step(s);
    hd_err e;
    if (rc == SQLITE_ROW)
        e = copy_col(s, buf, cap);
    else if (rc == SQLITE_DONE)
        e = HD_ENOTFOUND;
    else
        e = map_rc(st->db, rc, 0);
    stmt_done(s);
    if (e != HD_OK && cap)
        buf[0] = '\0';
    return e;
}

static void now_iso(char out[21]) { hd_iso8601(hd_wall_ms(), out); }

/* ---- UUIDs ------------------------------------------------------------ */

/* sodium_init() is safe to call again; the flag only saves the call. It
 * returns -1 only when no entropy source can be opened, which on Linux
 * (getrandom) does not happen after boot; hd_store_open reports it. */
static int sodium_ready(void)
{
    static int ready;
    if (!ready && sodium_init() >= 0)
        ready = 1;
    return ready;
}

void hd_uuid_v4(char out[HD_UUID_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    (void)sodium_ready();
    randombytes_buf(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* variant 10xx (RFC 4122) */
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 15];
    }
    *p = '\0';
}

/* ---- opening: files ---------------------------------------------------- */

static const char *const companions[] = {"-wal", "-shm", "-journal"};
#define N_COMPANIONS (sizeof companions / sizeof companions[0])

static int file_exists(const char *p)
{
    struct stat sb;
    return lstat(p, &sb) == 0;
}

/* The directory part of path into out (cap bytes): "." when there is none. */
static void dir_of(const char *path, char *out, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, cap, ".");
    else if (slash == path)
        snprintf(out, cap, "/");
    else
        snprintf(out, cap, "%.*s", (int)(slash - path), path);
}

/* Makes renames in dir durable: a rename is only a directory entry change
 * until the directory itself is fsynced. Best effort: on failure the rename
 * has still happened, and a flat battery now at worst undoes it. */
static void fsync_dir(const char *path)
{
    char dir[PATH_MAX];
    dir_of(path, dir, sizeof dir);
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* Why a database at path cannot be opened or created: read-only media when
 * the file or its directory refuses writes, otherwise the given fallback. */
static hd_err open_failure(const char *path, hd_err fallback)
{
    char dir[PATH_MAX];
    dir_of(path, dir, sizeof dir);
    if (access(dir, F_OK) != 0)
        return HD_ENOTFOUND;
    if (access(dir, W_OK) != 0 && errno_readonly(errno))
        return HD_EREADONLY;
    if (file_exists(path) && access(path, W_OK) != 0 && errno_readonly(errno))
        return HD_EREADONLY;
    return fallback;
}

/* Moves the damaged file at path, and those of its -wal/-shm/-journal that
 * existed before heard looked at it (had[i]), to "<path>.damaged-<n>" (plus
 * the same suffixes, so sqlite3 still finds the WAL beside it), n the first
 * number for which none of those names is taken. Companions the check itself
 * created are removed: they hold nothing of the damaged file. */
static hd_err move_aside(const char *path, const int had[N_COMPANIONS], char *moved_to,
                         size_t cap)
{
    size_t plen = strlen(path);
    size_t blen = plen + 32;
    char *base = malloc(blen);
    char *from = malloc(blen);
    char *to = malloc(blen);
    hd_err e = HD_OK;
    if (!base || !from || !to) {
        e = HD_ENOMEM;
        goto out;
    }
    int n = 1;
    for (;; n++) {
        if (n > 9999) {
            e = HD_EIO;
            goto out;
        }
        snprintf(base, blen, "%s.damaged-%d", path, n);
        int taken = file_exists(base);
        for (size_t i = 0; !taken && i < N_COMPANIONS; i++) {
            snprintf(to, blen, "%s%s", base, companions[i]);
            taken = file_exists(to);
        }
        if (!taken)
            break;
    }
    if (moved_to && strlen(base) + 1 > cap) {
        e = HD_EINVAL; /* the caller could not be told where it went */
        goto out;
    }
    /* Companions first: a -wal left at path would be replayed into the fresh
     * database created there next. */
    for (size_t i = 0; i < N_COMPANIONS; i++) {
        snprintf(from, blen, "%s%s", path, companions[i]);
        if (!file_exists(from))
            continue;
        if (!had[i]) {
            (void)unlink(from);
            continue;
        }
        snprintf(to, blen, "%s%s", base, companions[i]);
        if (rename(from, to) != 0) {
            e = errno_readonly(errno) ? HD_EREADONLY : HD_EIO;
            goto out;
        }
    }
    if (rename(path, base) != 0) {
        e = errno_readonly(errno) ? HD_EREADONLY : HD_EIO;
        goto out;
    }
    fsync_dir(path);
    if (moved_to)
        snprintf(moved_to, cap, "%s", base);
out:
    free(base);
    free(from);
    free(to);
    return e;
}

/* ---- opening: connection ------------------------------------------------ */

/* Opens a connection with checkpoint-on-close off: until the file has been
 * accepted, closing must not write the WAL back into it. */
static int conn_open(const char *path, sqlite3 **out)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_close(db);
        *out = NULL;
        return rc;
    }
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, HD_BUSY_MS);
    sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, (int *)NULL);
    /* Device databases travel to the coordinator's laptop: never let a
     * schema someone else wrote run functions or rewrite sqlite_master. */
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    *out = db;
    return SQLITE_OK;
}

/* Runs one PRAGMA returning an integer. */
static int pragma_int(sqlite3 *db, const char *sql, long *out)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            *out = (long)sqlite3_column_int64(s, 0);
            rc = SQLITE_OK;
        } else if (rc == SQLITE_DONE) {
            rc = SQLITE_ERROR;
        }
    }
    sqlite3_finalize(s);
    return rc;
}

/* PRAGMA quick_check: *damaged = 1 when it reports anything but "ok" or
 * fails because the file is not (or no longer) a database. Other failures
 * (busy, I/O, read-only) are returned: they say nothing about the file. */
static int quick_check(sqlite3 *db, int *damaged)
{
    sqlite3_stmt *s = NULL;
    *damaged = 0;
    int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &s, NULL);
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(s, 0);
        if (!v || strcmp((const char *)v, "ok") != 0)
            *damaged = 1;
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
    int prim = rc & 0xff;
    if (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB) {
        *damaged = 1;
        rc = SQLITE_OK;
    }
    return rc;
}

static int exec(sqlite3 *db, const char *sql) { return sqlite3_exec(db, sql, NULL, NULL, NULL); }

/* Per-connection settings. journal_mode=WAL is stored in the file; the rest
 * must be set on every connection. */
static hd_err configure(sqlite3 *db, int in_memory)
{
    int rc = exec(db, "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON; PRAGMA synchronous=FULL");
    if (rc != SQLITE_OK)
        return map_rc(db, rc, 1);
    sqlite3_stmt *s = NULL;
    rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &s, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    hd_err e = HD_OK;
    if (rc == SQLITE_ROW) {
        const char *mode = (const char *)sqlite3_column_text(s, 0);
        /* ":memory:" answers "memory"; a file that stays in another mode
         * could not be switched, which only read-only media causes. */
        if (!mode || (strcmp(mode, "wal") != 0 && !(in_memory && strcmp(mode, "memory") == 0)))
            e = HD_EREADONLY;
    } else {
        e = map_rc(db, rc, 1);
    }
    sqlite3_finalize(s);
    return e;
}

/* Brings the schema up to HD_SCHEMA_VERSION, one transaction per step. */
static hd_err migrate(hd_store *st)
{
    for (size_t i = 0; i < N_MIGRATIONS; i++) {
        const migration *m = &migrations[i];
        int rc = tx_begin(st);
        if (rc != SQLITE_OK)
            return map_rc(st->db, rc, 1);
        long uv = 0, objects = 0;
        /* Read inside the transaction: another process may have migrated
         * between our check and BEGIN IMMEDIATE. */
        rc = pragma_int(st->db, "PRAGMA user_version", &uv);
        if (rc == SQLITE_OK && uv >= m->version) {
            tx_rollback(st);
            continue;
        }
        if (rc == SQLITE_OK && uv == 0)
            rc = pragma_int(st->db, "SELECT count(*) FROM sqlite_schema", &objects);
        if (rc == SQLITE_OK && objects > 0) {
            tx_rollback(st); /* version 0 with tables: some other program's file */
            return HD_ESCHEMA;
        }
        if (rc == SQLITE_OK)
            rc = exec(st->db, m->sql);
        char sql[160], now[21], key[32];
        now_iso(now);
        if (rc == SQLITE_OK && m->version == 1) {
            char dev[HD_UUID_LEN + 1];
            hd_uuid_v4(dev);
            snprintf(sql, sizeof sql, "PRAGMA application_id=%d", HD_APP_ID);
            rc = exec(st->db, sql);
            /* meta is created by this very step, so its statements can only
             * be prepared now. */
            sqlite3_stmt *s = NULL;
            if (rc == SQLITE_OK)
                rc = sqlite3_prepare_v2(st->db, stmt_sql[S_META_SET], -1, &s, NULL);
            const char *rows[][2] = {{"device_id", dev},
                                     {"created_at", now},
                                     {"created_by", "heard " HD_VERSION}};
            for (size_t r = 0; rc == SQLITE_OK && r < sizeof rows / sizeof rows[0]; r++) {
                bind_text(s, 1, rows[r][0]);
                bind_text(s, 2, rows[r][1]);
                rc = step_done(s);
            }
            sqlite3_finalize(s);
        }
        if (rc == SQLITE_OK) {
            snprintf(key, sizeof key, "migration.%d", m->version);
            snprintf(sql, sizeof sql,
                     "INSERT OR REPLACE INTO meta(key, value) VALUES('%s', '%s')", key, now);
            rc = exec(st->db, sql);
        }
        if (rc == SQLITE_OK) {
            snprintf(sql, sizeof sql, "PRAGMA user_version=%d", m->version);
            rc = exec(st->db, sql);
        }
        hd_err e = tx_end(st, rc);
        if (e != HD_OK)
            return e;
    }
    return HD_OK;
}

static hd_err load_device_id(hd_store *st)
{
    sqlite3_stmt *s = st->stmt[S_META_GET];
    bind_text(s, 1, "device_id");
    hd_err e = query_text(st, s, st->device_id, sizeof st->device_id);
    if (e == HD_ENOTFOUND) {
        /* Someone deleted it by hand: the database still needs an id, and
         * a new one is right, since the old one cannot be known. */
        char dev[HD_UUID_LEN + 1];
        hd_uuid_v4(dev);
        int rc = tx_begin(st);
        if (rc != SQLITE_OK)
            return map_rc(st->db, rc, 1);
        s = st->stmt[S_META_SET];
        bind_text(s, 1, "device_id");
        bind_text(s, 2, dev);
        e = tx_end(st, step_done(s));
        if (e == HD_OK)
            memcpy(st->device_id, dev, sizeof dev);
        return e;
    }
    if (e == HD_EINVAL || (e == HD_OK && strlen(st->device_id) != HD_UUID_LEN))
        return HD_ESCHEMA;
    return e;
}

static void store_free(hd_store *st)
{
    for (int i = 0; i < S_COUNT_; i++)
        sqlite3_finalize(st->stmt[i]);
    sqlite3_close(st->db);
    free(st);
}

hd_err hd_store_open(const char *path, hd_store **out, char *moved_to, size_t cap)
{
    if (moved_to && cap)
        moved_to[0] = '\0';
    if (!path || !out || !*path)
        return HD_EINVAL;
    *out = NULL;
    if (!sodium_ready())
        return HD_EIO;
    int in_memory = strcmp(path, ":memory:") == 0;

    struct stat sb;
    int existed = !in_memory && stat(path, &sb) == 0 && sb.st_size > 0;
    int had[N_COMPANIONS] = {0};
    if (!in_memory) {
        char *cp = malloc(strlen(path) + 16);
        if (!cp)
            return HD_ENOMEM;
        for (size_t i = 0; i < N_COMPANIONS; i++) {
            sprintf(cp, "%s%s", path, companions[i]);
            had[i] = file_exists(cp);
        }
        free(cp);
    }

    hd_store *st = calloc(1, sizeof *st);
    if (!st)
        return HD_ENOMEM;
    st->min_gap_s = HD_MIN_GAP_DEFAULT_S;
    hd_err e = HD_OK;
    int rc = conn_open(path, &st->db);
    if (rc != SQLITE_OK) {
        e = open_failure(path, HD_EIO);
        goto fail;
    }

    if (existed) {
        int damaged = 0;
        rc = quick_check(st->db, &damaged);
        if (rc != SQLITE_OK) {
            e = open_failure(path, map_rc(st->db, rc, 0));
            goto fail;
        }
        if (damaged) {
            sqlite3_close(st->db);
            st->db = NULL;
            e = move_aside(path, had, moved_to, cap);
            if (e != HD_OK)
                goto fail;
            rc = conn_open(path, &st->db);
            if (rc != SQLITE_OK) {
                e = open_failure(path, HD_EIO);
                goto fail;
            }
        }
    }

    long app = 0, uv = 0;
    rc = pragma_int(st->db, "PRAGMA user_version", &uv);
    if (rc == SQLITE_OK)
        rc = pragma_int(st->db, "PRAGMA application_id", &app);
    if (rc != SQLITE_OK) {
        e = open_failure(path, map_rc(st->db, rc, 0));
        goto fail;
    }
    long objects = 0;
    if (uv == 0)
        rc = pragma_int(st->db, "SELECT count(*) FROM sqlite_schema", &objects);
    if (rc != SQLITE_OK) {
        e = open_failure(path, map_rc(st->db, rc, 0));
        goto fail;
    }
    /* Newer than this build, another program's versioned file, or another
     * program's unversioned file with tables in it: refuse before anything
     * (even journal_mode) is written. Closed below without a checkpoint. */
    if (uv > HD_SCHEMA_VERSION || (uv > 0 && app != HD_APP_ID) || objects > 0) {
        e = HD_ESCHEMA;
        goto fail;
    }
    if (sqlite3_db_readonly(st->db, "main") == 1) {
        e = HD_EREADONLY;
        goto fail;
    }

    e = configure(st->db, in_memory);
    if (e != HD_OK)
        goto fail;
    /* The transaction statements first: migrate() needs them, and the
     * others can only be prepared once the tables exist. */
    for (int i = S_BEGIN; i <= S_ROLLBACK; i++) {
        rc = sqlite3_prepare_v3(st->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                &st->stmt[i], NULL);
        if (rc != SQLITE_OK) {
            e = map_rc(st->db, rc, 0);
            goto fail;
        }
    }
    e = migrate(st);
    if (e != HD_OK)
        goto fail;
    for (int i = 0; i < S_COUNT_; i++) {
        if (st->stmt[i])
            continue;
        rc = sqlite3_prepare_v3(st->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                &st->stmt[i], NULL);
        if (rc != SQLITE_OK) {
            /* A v1 file whose tables were changed by hand. */
            e = (rc & 0xff) == SQLITE_ERROR ? HD_ESCHEMA : map_rc(st->db, rc, 0);
            goto fail;
        }
    }
    e = load_device_id(st);
    if (e != HD_OK)
        goto fail;
    /* SQLite syncs the directory for a new WAL but not for a new main
     * file: make the new file's name as durable as its contents. */
    if (!existed && !in_memory)
        fsync_dir(path);

    /* Accepted: from now on closing may fold the WAL back into the file. */
    sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, (int *)NULL);
    *out = st;
    return HD_OK;

fail:
    store_free(st);
    return e;
}

void hd_store_close(hd_store *st)
{
    if (st)
        store_free(st);
}

const char *hd_store_device_id(const hd_store *st) { return st->device_id; }

hd_err hd_store_pragma(hd_store *st, const char *name, char *buf, size_t cap)
{
    static const char *const allowed[] = {"journal_mode", "synchronous",   "foreign_keys",
                                          "secure_delete", "busy_timeout", "user_version",
                                          "application_id"};
    int ok = 0;
    for (size_t i = 0; name && i < sizeof allowed / sizeof allowed[0]; i++)
        ok |= strcmp(name, allowed[i]) == 0;
    if (!ok || !buf || !cap)
        return HD_EINVAL;
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA %s", name);
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(st->db, sql, -1, &s, NULL);
    hd_err e;
    if (rc != SQLITE_OK)
        e = map_rc(st->db, rc, 0);
    else if ((rc = sqlite3_step(s)) == SQLITE_ROW)
        e = copy_col(s, buf, cap);
    else
        e = rc == SQLITE_DONE ? HD_ENOTFOUND : map_rc(st->db, rc, 0);
    sqlite3_finalize(s);
    return e;
}

/* ---- sessions and answers ---------------------------------------------- */

static int nonempty(const char *s) { return s && *s; }

hd_err hd_store_session_start(hd_store *st, const hd_session_info *info,
                              char id_out[HD_UUID_LEN + 1])
{
    if (!st || !info || !id_out || !nonempty(info->survey_id) ||
        !nonempty(info->survey_version) || !nonempty(info->language) ||
        !nonempty(info->started_at))
        return HD_EINVAL;
    if (info->mode && strcmp(info->mode, "self") != 0 && strcmp(info->mode, "assisted") != 0)
        return HD_EINVAL;
    char id[HD_UUID_LEN + 1];
    hd_uuid_v4(id);
    int rc = tx_begin(st);
    if (rc != SQLITE_OK)
        return map_rc(st->db, rc, 1);
    sqlite3_stmt *s = st->stmt[S_SESSION_INSERT];
    bind_text(s, 1, id);
    bind_text(s, 2, st->device_id);
    bind_text(s, 3, info->survey_id);
    bind_text(s, 4, info->survey_version);
    bind_text(s, 5, info->language);
    bind_text(s, 6, info->tier);
    bind_text(s, 7, info->venue);
    bind_text(s, 8, info->mode);
    bind_text(s, 9, info->started_at);
    hd_err e = tx_end(st, step_done(s));
    if (e == HD_OK)
        memcpy(id_out, id, sizeof id);
    return e;
}

hd_err hd_store_answer_save(hd_store *st, const char *session_id, const char *question_id,
                            const char *value, const char *answered_at)
{
    if (!st || !nonempty(session_id) || !nonempty(question_id) || !value ||
        !nonempty(answered_at))
        return HD_EINVAL;
    int rc = tx_begin(st);
    if (rc != SQLITE_OK)
        return map_rc(st->db, rc, 1);
    sqlite3_stmt *s = st->stmt[S_ANSWER_SAVE];
    bind_text(s, 1, session_id);
    bind_text(s, 2, question_id);
    bind_text(s, 3, value);
    bind_text(s, 4, answered_at);
    return tx_end(st, step_done(s));
}

hd_err hd_store_answer_delete(hd_store *st, const char *session_id, const char *question_id)
{
    if (!st || !session_id || !question_id)
        return HD_EINVAL;
    int rc = tx_begin(st);
    if (rc != SQLITE_OK)
        return map_rc(st->db, rc, 1);
    sqlite3_stmt *s = st->stmt[S_ANSWER_DEL];
    bind_text(s, 1, session_id);
    bind_text(s, 2, question_id);
    return tx_end(st, step_done(s));
}

/* Runs an UPDATE of one session by id (?1) in its own transaction;
 * HD_ENOTFOUND when no session has that id. */
static hd_err session_update(hd_store *st, sqlite3_stmt *s)
{
    int rc = tx_begin(st);
    if (rc != SQLITE_OK) {
        stmt_done(s);
        return map_rc(st->db, rc, 1);
    }
    rc = step_done(s);
    int found = sqlite3_changes(st->db) > 0;
    hd_err e = tx_end(st, rc);
    return e == HD_OK && !found ? HD_ENOTFOUND : e;
}

hd_err hd_store_session_set_language(hd_store *st, const char *session_id, const char *lang)
{
    if (!st || !session_id || !nonempty(lang))
        return HD_EINVAL;
    sqlite3_stmt *s = st->stmt[S_SESSION_LANG];
    bind_text(s, 1, session_id);
    bind_text(s, 2, lang);
    return session_update(st, s);
}

hd_err hd_store_session_end(hd_store *st, const char *session_id, const char *status,
                            const char *ended_at)
{
    if (!st || !session_id || !status || !nonempty(ended_at) ||
        (strcmp(status, "complete") != 0 && strcmp(status, "abandoned") != 0))
        return HD_EINVAL;
    sqlite3_stmt *s = st->stmt[S_SESSION_END];
    bind_text(s, 1, session_id);
    bind_text(s, 2, status);
    bind_text(s, 3, ended_at);
    sqlite3_bind_int(s, 4, st->min_gap_s);
    return session_update(st, s);
}

hd_err hd_store_set_min_gap(hd_store *st, int seconds)
{
    if (!st || seconds < 0 || seconds > 86400)
        return HD_EINVAL;
    st->min_gap_s = seconds;
    return HD_OK;
}

hd_err hd_store_session_delete(hd_store *st, const char *session_id)
{
    if (!st || !session_id)
        return HD_EINVAL;
    int rc = tx_begin(st);
    if (rc != SQLITE_OK)
        return map_rc(st->db, rc, 1);
    sqlite3_stmt *s = st->stmt[S_SESSION_ANSWERS_DEL];
    bind_text(s, 1, session_id);
    rc = step_done(s);
    if (rc == SQLITE_OK) {
        s = st->stmt[S_SESSION_DEL];
        bind_text(s, 1, session_id);
        rc = step_done(s);
    }
    hd_err e = tx_end(st, rc);
    if (e != HD_OK)
        return e;
    /* secure_delete zeroed the rows in the pages the transaction wrote, but
     * the WAL still holds earlier frames of those pages with the answers in
     * them. Copy the zeroed pages into the database and truncate the WAL so
     * a withdrawal leaves nothing readable in either file. The withdrawal
     * itself is committed already: if a reader keeps the checkpoint from
     * finishing, the WAL is truncated at the latest when the kiosk closes
     * the database, so that is not reported as a failure, and the person
     * who withdrew is not kept waiting the full busy timeout for it. */
    sqlite3_busy_timeout(st->db, HD_WITHDRAW_CKPT_MS);
    (void)sqlite3_wal_checkpoint_v2(st->db, "main", SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    sqlite3_busy_timeout(st->db, HD_BUSY_MS);
    return HD_OK;
}

/* True for "YYYY-MM-DD": contacts must carry nothing finer than a date. */
static int is_date(const char *s)
{
    if (!s || strlen(s) != 10)
        return 0;
    for (int i = 0; i < 10; i++) {
        if (i == 4 || i == 7) {
            if (s[i] != '-')
                return 0;
        } else if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    return 1;
}

hd_err hd_store_contact_add(hd_store *st, const char *survey_id, const char *created_on,
                            const unsigned char *sealed, size_t len)
{
    if (!st || !nonempty(survey_id) || !is_date(created_on) || !sealed || len == 0 ||
        len > INT_MAX)
        return HD_EINVAL;
    char id[HD_UUID_LEN + 1];
    hd_uuid_v4(id);
    int rc = tx_begin(st);
    if (rc != SQLITE_OK)
        return map_rc(st->db, rc, 1);
    sqlite3_stmt *s = st->stmt[S_CONTACT_INSERT];
    bind_text(s, 1, id);
    bind_text(s, 2, survey_id);
    bind_text(s, 3, created_on);
    sqlite3_bind_blob(s, 4, sealed, (int)len, SQLITE_STATIC);
    return tx_end(st, step_done(s));
}

hd_err hd_store_answer_get(hd_store *st, const char *session_id, const char *question_id,
                           char *buf, size_t cap)
{
    if (!st || !session_id || !question_id || !buf || !cap)
        return HD_EINVAL;
    sqlite3_stmt *s = st->stmt[S_ANSWER_GET];
    bind_text(s, 1, session_id);
    bind_text(s, 2, question_id);
    return query_text(st, s, buf, cap);
}

hd_err hd_store_count_sessions(hd_store *st, const char *survey_id, const char *status,
                               const char *tier, const char *since, long *out)
{
    if (!st || !survey_id || !out)
        return HD_EINVAL;
    sqlite3_stmt *s = st->stmt[S_COUNT];
    bind_text(s, 1, survey_id);
    bind_text(s, 2, status);
    bind_text(s, 3, tier);
    bind_text(s, 4, since);
    int rc = sqlite3_step(s);
    hd_err e = HD_OK;
    if (rc == SQLITE_ROW)
        *out = (long)sqlite3_column_int64(s, 0);
    else
        e = map_rc(st->db, rc, 0);
    stmt_done(s);
    return e;
}

hd_err hd_store_tier_counts(hd_store *st, const char *survey_id, const char *since,
                            long counts_out[3])
{
    if (!st || !survey_id || !counts_out)
        return HD_EINVAL;
    static const char *const tiers[3] = {"quick", "story", "group"};
    long n[3] = {0, 0, 0};
    sqlite3_stmt *s = st->stmt[S_TIER_COUNTS];
    bind_text(s, 1, survey_id);
    bind_text(s, 2, since);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *tier = (const char *)sqlite3_column_text(s, 0);
        for (int i = 0; tier && i < 3; i++)
            if (strcmp(tier, tiers[i]) == 0)
                n[i] = (long)sqlite3_column_int64(s, 1);
    }
    hd_err e = rc == SQLITE_DONE ? HD_OK : map_rc(st->db, rc, 0);
    stmt_done(s);
    if (e == HD_OK)
        memcpy(counts_out, n, sizeof n);
    return e;
}

hd_err hd_store_flagged_count(hd_store *st, const char *survey_id, const char *since,
                              long *out)
{
    if (!st || !survey_id || !out)
        return HD_EINVAL;
    sqlite3_stmt *s = st->stmt[S_FLAGGED_COUNT];
    bind_text(s, 1, survey_id);
    bind_text(s, 2, since);
    int rc = sqlite3_step(s);
    hd_err e = HD_OK;
    if (rc == SQLITE_ROW)
        *out = (long)sqlite3_column_int64(s, 0);
    else
        e = map_rc(st->db, rc, 0);
    stmt_done(s);
    return e;
}

hd_err hd_store_value_counts(hd_store *st, const char *survey_id, const char *question_id,
                             hd_value_count_fn fn, void *ctx)
{
    if (!st || !survey_id || !question_id || !fn)
        return HD_EINVAL;
    sqlite3_stmt *s = st->stmt[S_VALUE_COUNTS];
    bind_text(s, 1, survey_id);
    bind_text(s, 2, question_id);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(s, 0);
        fn(ctx, v ? v : "", (long)sqlite3_column_int64(s, 1));
    }
    hd_err e = rc == SQLITE_DONE ? HD_OK : map_rc(st->db, rc, 0);
    stmt_done(s);
    return e;
}

#define UPDATES_KEY "updates.json"

hd_err hd_store_updates_set(hd_store *st, const char *json_text)
{
    if (!st || !json_text)
        return HD_EINVAL;
    /* Only a file the kiosk can show is kept: what is stored is always
     * what was last accepted. */
    hd_updates *u = NULL;
    hd_diag d;
    hd_err e = hd_updates_parse(json_text, strlen(json_text), UPDATES_KEY, &u, &d);
    hd_updates_free(u);
    if (e != HD_OK)
        return e;
    return hd_store_kv_set(st, UPDATES_KEY, json_text);
}

hd_err hd_store_updates_get(hd_store *st, char **out, size_t *len)
{
    if (!st || !out)
        return HD_EINVAL;
    *out = NULL;
    if (len)
        *len = 0;
    sqlite3_stmt *s = st->stmt[S_KV_GET];
    bind_text(s, 1, UPDATES_KEY);
    int rc = sqlite3_step(s);
    hd_err e = HD_OK;
    if (rc == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(s, 0);
        size_t n = (size_t)sqlite3_column_bytes(s, 0);
        char *copy = malloc(n + 1);
        if (!copy) {
            e = HD_ENOMEM;
        } else {
            if (n)
                memcpy(copy, v, n);
            copy[n] = '\0';
            *out = copy;
            if (len)
                *len = n;
        }
    } else {
        e = rc == SQLITE_DONE ? HD_ENOTFOUND : map_rc(st->db, rc, 0);
    }
    stmt_done(s);
    return e;
}

hd_err hd_store_kv_get(hd_store *st, const char *key, char *buf, size_t cap)
{
    if (!st || !key || !buf || !cap)
        return HD_EINVAL;
    sqlite3_stmt *s = st->stmt[S_KV_GET];
    bind_text(s, 1, key);
    return query_text(st, s, buf, cap);
}

hd_err hd_store_kv_set(hd_store *st, const char *key, const char *value)
{
    if (!st || !nonempty(key) || !value)
        return HD_EINVAL;
    char now[21];
    now_iso(now);
    int rc = tx_begin(st);
    if (rc != SQLITE_OK)
        return map_rc(st->db, rc, 1);
    sqlite3_stmt *s = st->stmt[S_KV_SET];
    bind_text(s, 1, key);
    bind_text(s, 2, value);
    bind_text(s, 3, now);
    return tx_end(st, step_done(s));
}
