/* backup.c — a verified copy of the database on a USB stick (backup.h).
 *
 * Why a read transaction held across every step: sqlite3_backup_step()
 * restarts from page 1 whenever another connection writes to the source
 * between two steps, so a kiosk taking answers could keep a plain chunked
 * backup from ever finishing. With its own read transaction open, the
 * source connection sees one fixed snapshot for the whole copy (WAL), the
 * backup never restarts, and the kiosk's writers are not blocked either.
 * Counting the sessions inside that same transaction gives the exact number
 * the copy must hold.
 */
#define _POSIX_C_SOURCE 200809L
#include "store/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store_private.h"
#include "sys/sys.h"

#define RETRY_MS 20      /* wait between tries while the source is locked */
#define RETRIES 250      /* 250 x 20 ms: the store's 5 s busy timeout */
#define MAX_SUFFIX 999   /* heard-...-999.db: more copies a day is a mistake */

/* errno of a failed file operation in the stick's directory as hd_err. */
static hd_err errno_err(int e)
{
    switch (e) {
    case ENOENT:
    case ENOTDIR: return HD_ENOTFOUND;
    case EROFS:
    case EACCES:
    case EPERM: return HD_EREADONLY;
    case ENOSPC:
    case EDQUOT:
    case EFBIG: return HD_EFULL;
    case ENOMEM: return HD_ENOMEM;
    default: return HD_EIO;
    }
}

static int exec(sqlite3 *db, const char *sql) { return sqlite3_exec(db, sql, NULL, NULL, NULL); }

/* Runs a query returning one integer. */
static int query_long(sqlite3 *db, const char *sql, long *out)
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

/* A copy read back must not run anything its schema might hold. */
static void harden(sqlite3 *db)
{
    sqlite3_extended_result_codes(db, 1);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
}

/* Removes the temporary copy and whatever SQLite may have left beside it. */
static void remove_tmp(const char *tmp)
{
    static const char *const sfx[] = {"", "-journal", "-wal", "-shm"};
    char p[PATH_MAX + 16];
    for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++) {
        snprintf(p, sizeof p, "%s%s", tmp, sfx[i]);
        (void)unlink(p);
    }
}

/* Pushes the file to the medium, then drops it from the page cache so that
 * verify() reads what is really on the stick, not what was meant to be. */
static hd_err flush_file(const char *path)
{
    int fd = open(path, O_RDWR);
    if (fd < 0)
        return errno_err(errno);
    hd_err e = HD_OK;
    if (fsync(fd) != 0)
        e = errno_err(errno);
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    if (close(fd) != 0 && e == HD_OK)
        e = errno_err(errno);
    return e;
}

/* Opens the copy read-only and checks it: integrity_check says exactly
 * "ok", it is a heard database of this schema in rollback-journal mode (one
 * file, nothing beside it), and it holds the counted sessions and answers. */
static hd_err verify(const char *path, long sessions, long answers)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_close(db);
        return HD_EIO;
    }
    harden(db);
    hd_err e = HD_OK;
    sqlite3_stmt *s = NULL;
    rc = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL);
    int rows = 0, ok = 0;
    while (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *v = sqlite3_column_text(s, 0);
        rows++;
        ok = rows == 1 && v && strcmp((const char *)v, "ok") == 0;
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE && rc != SQLITE_OK) {
        int prim = rc & 0xff;
        e = (prim == SQLITE_CORRUPT || prim == SQLITE_NOTADB) ? HD_ECORRUPT
                                                              : hd_store_map_conn_rc(db, rc, 0);
    } else if (!ok || rows != 1) {
        e = HD_ECORRUPT;
    }
    long app = 0, uv = 0, ns = -1, na = -1;
    if (e == HD_OK) {
        rc = query_long(db, "PRAGMA application_id", &app);
        if (rc == SQLITE_OK)
            rc = query_long(db, "PRAGMA user_version", &uv);
        if (rc == SQLITE_OK)
            rc = query_long(db, "SELECT count(*) FROM session", &ns);
        if (rc == SQLITE_OK)
            rc = query_long(db, "SELECT count(*) FROM answer", &na);
        if (rc != SQLITE_OK)
            e = HD_ECORRUPT;
        else if (app != HD_STORE_APP_ID || uv != HD_SCHEMA_VERSION || ns != sessions ||
                 na != answers)
            e = HD_ECORRUPT;
    }
    sqlite3_close(db);
    /* A WAL-mode copy would need its -wal and -shm beside it. */
    char wal[PATH_MAX + 8];
    snprintf(wal, sizeof wal, "%s-wal", path);
    if (e == HD_OK && access(wal, F_OK) == 0)
        e = HD_ECORRUPT;
    if (e == HD_OK) {
        unsigned char hdr[20];
        int fd = open(path, O_RDONLY);
        ssize_t n = fd >= 0 ? read(fd, hdr, sizeof hdr) : -1;
        if (fd >= 0)
            close(fd);
        if (n != (ssize_t)sizeof hdr)
            e = HD_EIO;
        else if (hdr[18] != 1 || hdr[19] != 1) /* file format 1: rollback journal */
            e = HD_ECORRUPT;
    }
    return e;
}

/* Copies the snapshot of src into the file at tmp, in steps. */
static hd_err copy_pages(sqlite3 *src, const char *tmp, int pages_per_step,
                         hd_backup_progress_fn progress, void *ctx)
{
    sqlite3 *dst = NULL;
    int rc = sqlite3_open_v2(tmp, &dst, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        hd_err e = hd_store_map_conn_rc(dst, rc, 1);
        sqlite3_close(dst);
        return e;
    }
    harden(dst);
    rc = exec(dst, "PRAGMA synchronous=FULL");
    sqlite3_backup *b = rc == SQLITE_OK ? sqlite3_backup_init(dst, "main", src, "main") : NULL;
    if (!b) {
        hd_err e = hd_store_map_conn_rc(dst, rc == SQLITE_OK ? sqlite3_errcode(dst) : rc, 1);
        sqlite3_close(dst);
        return e == HD_OK ? HD_EIO : e;
    }
    int tries = 0;
    for (;;) {
        rc = sqlite3_backup_step(b, pages_per_step);
        if (rc == SQLITE_OK || rc == SQLITE_DONE) {
            tries = 0;
            if (progress) {
                int total = sqlite3_backup_pagecount(b);
                progress(ctx, total - sqlite3_backup_remaining(b), total);
            }
            if (rc == SQLITE_DONE)
                break;
            continue;
        }
        int prim = rc & 0xff;
        if ((prim == SQLITE_BUSY || prim == SQLITE_LOCKED) && ++tries <= RETRIES) {
            sqlite3_sleep(RETRY_MS);
            continue;
        }
        break;
    }
    int frc = sqlite3_backup_finish(b);
    hd_err e = HD_OK;
    if (rc != SQLITE_DONE)
        e = hd_store_map_conn_rc(dst, rc, 1);
    else if (frc != SQLITE_OK)
        e = hd_store_map_conn_rc(dst, frc, 1);
    /* The pages came from a WAL database, header included: switch the copy
     * to a rollback journal so that it is one self-contained file. The
     * read first makes the connection notice the header it now has. */
    if (e == HD_OK) {
        rc = exec(dst, "SELECT count(*) FROM sqlite_schema; PRAGMA journal_mode=DELETE");
        if (rc != SQLITE_OK)
            e = hd_store_map_conn_rc(dst, rc, 1);
    }
    rc = sqlite3_close(dst);
    if (e == HD_OK && rc != SQLITE_OK)
        e = HD_EIO;
    return e;
}

hd_err hd_store_backup(hd_store *st, const char *dir, char *written, size_t cap)
{
    return hd_store_backup_ex(st, dir, HD_BACKUP_STEP_PAGES, NULL, NULL, written, cap);
}

hd_err hd_store_backup_ex(hd_store *st, const char *dir, int pages_per_step,
                          hd_backup_progress_fn progress, void *ctx, char *written, size_t cap)
{
    if (written && cap)
        written[0] = '\0';
    if (!st || !dir || !*dir || !written || cap == 0 || pages_per_step < 1)
        return HD_EINVAL;
    struct stat sb;
    if (stat(dir, &sb) != 0)
        return errno_err(errno) == HD_EREADONLY ? HD_EREADONLY : HD_ENOTFOUND;
    if (!S_ISDIR(sb.st_mode))
        return HD_ENOTFOUND;

    const char *dev = hd_store_device_id(st);
    char date[11];
    hd_iso_date(hd_wall_ms(), date);
    size_t dl = strlen(dir);
    const char *sep = dir[dl - 1] == '/' ? "" : "/";
    char name[PATH_MAX], tmp[PATH_MAX];
    /* The longest name this can give must fit, or nothing is started. */
    int longest = snprintf(NULL, 0, "%s%sheard-%.8s-%s-%d.db", dir, sep, dev, date, MAX_SUFFIX);
    if (longest < 0 || (size_t)longest >= cap || longest >= PATH_MAX)
        return HD_EINVAL;
    snprintf(tmp, sizeof tmp, "%s%s.heard-%.8s-XXXXXX", dir, sep, dev);
    int fd = mkstemp(tmp);
    if (fd < 0)
        return errno_err(errno);
    close(fd);

    /* The snapshot: a read-only connection of our own on the same file, so
     * the kiosk's connection stays free to write. A ":memory:" database has
     * no file another connection could open: use the store's own. */
    sqlite3 *own = NULL, *src = hd_store_sqlite(st);
    const char *path = sqlite3_db_filename(src, "main");
    hd_err e = HD_OK;
    int rc;
    if (path && *path) {
        rc = sqlite3_open_v2(path, &own, SQLITE_OPEN_READONLY, NULL);
        if (rc != SQLITE_OK) {
            e = hd_store_map_conn_rc(own, rc, 0);
            sqlite3_close(own);
            own = NULL;
        } else {
            harden(own);
            sqlite3_busy_timeout(own, RETRIES * RETRY_MS);
            src = own;
        }
    }
    long sessions = 0, answers = 0;
    int in_tx = 0;
    if (e == HD_OK) {
        rc = exec(src, "BEGIN");
        in_tx = rc == SQLITE_OK;
        /* The first read fixes the snapshot; both counts come from it. */
        if (rc == SQLITE_OK)
            rc = query_long(src, "SELECT count(*) FROM session", &sessions);
        if (rc == SQLITE_OK)
            rc = query_long(src, "SELECT count(*) FROM answer", &answers);
        if (rc != SQLITE_OK)
            e = hd_store_map_conn_rc(src, rc, 0);
    }
    if (e == HD_OK)
        e = copy_pages(src, tmp, pages_per_step, progress, ctx);
    if (in_tx)
        (void)exec(src, "ROLLBACK"); /* read only: nothing to commit */
    sqlite3_close(own);

    if (e == HD_OK)
        e = flush_file(tmp);
    if (e == HD_OK)
        e = verify(tmp, sessions, answers);
    if (e == HD_OK) {
        e = HD_EIO; /* every name taken */
        for (int n = 1; n <= MAX_SUFFIX; n++) {
            if (n == 1)
                snprintf(name, sizeof name, "%s%sheard-%.8s-%s.db", dir, sep, dev, date);
            else
                snprintf(name, sizeof name, "%s%sheard-%.8s-%s-%d.db", dir, sep, dev, date, n);
            struct stat nb;
            if (lstat(name, &nb) == 0)
                continue;
            /* FAT sticks have no hard links, so no link()-and-unlink: the
             * name was free a moment ago, and only this kiosk names files
             * with its own device id. */
            e = rename(tmp, name) == 0 ? HD_OK : errno_err(errno);
            break;
        }
    }
    if (e != HD_OK) {
        remove_tmp(tmp);
        return e;
    }
    /* The rename is only durable once the directory is. */
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        int sync_rc = fsync(dfd);
        int sync_errno = errno;
        close(dfd);
        if (sync_rc != 0 && sync_errno != EINVAL) { /* some filesystems cannot sync a dir */
            (void)unlink(name);
            return errno_err(sync_errno);
        }
    }
    snprintf(written, cap, "%s", name);
    return HD_OK;
}
