/* fuzz_merge.c — a hostile device database merged into a fresh coordinator
 * database (hd_merge_device, src/store/merge.c).
 *
 * The input bytes are written as a device file in a private directory on
 * tmpfs (/dev/shm when there is one), the coordinator database beside it is
 * created anew for every input, and the device file is merged into it. The
 * merge must never crash, and must either refuse (a sentence in why, an
 * error that blames the file — HD_ESCHEMA, HD_ECORRUPT or HD_EPARSE, as
 * sync_store.h says — and nothing at all kept in the coordinator database)
 * or merge cleanly: the coordinator passes integrity_check and
 * foreign_key_check, holds exactly the rows the statistics counted as new,
 * and merging the same file again adds nothing (the merge is idempotent).
 * Whatever was merged holds only values of the documented shapes (UUID ids,
 * one of the three statuses, ISO 8601 UTC times, a BLOB seal, ...), checked
 * here in SQL, independently of merge.c's own checks.
 *
 * Two kinds of input:
 *   - bytes starting "SQLite format 3\0" are the device file itself
 *     (hostile structure: pages, b-trees, schema);
 *   - anything else is hostile *values* in a well-formed file: the rows are
 *     inserted into a copy of an empty kiosk database (the real schema, WAL
 *     mode, foreign keys off so orphans can exist). Rows are separated by
 *     0xFE; a row is a table letter ('s' session, 'a' answer, 'c' contact)
 *     and its columns in schema order separated by 0xFF. A column that is
 *     exactly 0xFD is NULL; one starting 0xFC is a BLOB of the rest, 0xFB
 *     an INTEGER, 0xFA a REAL; anything else is TEXT of those bytes (invalid
 *     UTF-8 and NUL included). Missing columns are NULL; a row the schema
 *     refuses (NOT NULL, a repeated key) is left out.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/sync_store.h"
#include "fuzz.h"

static char fuzz_merge_dir[512];
static char fuzz_merge_device[600];
static char fuzz_merge_coord[600];
static char *fuzz_merge_empty;      /* an empty kiosk database, as bytes */
static size_t fuzz_merge_empty_len;

static void fuzz_merge_unlink_db(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char p[700];
    for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

static void fuzz_merge_rm_tree(const char *path);

/* Removes the private directory (the fuzzer calls it at exit, the
 * regression test when it is done). */
static void hd_fuzz_merge_cleanup(void)
{
    if (!fuzz_merge_dir[0])
        return;
    fuzz_merge_rm_tree(fuzz_merge_dir);
    fuzz_merge_dir[0] = '\0';
    free(fuzz_merge_empty);
    fuzz_merge_empty = NULL;
}

static bool fuzz_merge_write(const char *path, const uint8_t *data, size_t size);

/* Reads a whole small file; NULL on error. */
static char *fuzz_merge_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            char *g = realloc(buf, cap);
            if (!g)
                break;
            buf = g;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0)
            break;
    }
    bool ok = !ferror(f) && buf;
    fclose(f);
    if (!ok) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* The empty kiosk database every values input starts from, made once
 * through the kiosk's own schema. */
static bool fuzz_merge_make_empty(void)
{
    hd_gen *g = NULL;
    if (hd_gen_open(fuzz_merge_device, &g) != HD_OK || hd_gen_close(g) != HD_OK)
        return false;
    fuzz_merge_empty = fuzz_merge_slurp(fuzz_merge_device, &fuzz_merge_empty_len);
    return fuzz_merge_empty != NULL;
}

/* Removes path and, when it is a directory, everything under it. */
static void fuzz_merge_rm_tree(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return;
    if (S_ISDIR(sb.st_mode)) {
        DIR *d = opendir(path);
        if (d) {
            for (struct dirent *e; (e = readdir(d));) {
                if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                    continue;
                char sub[1024];
                snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
                fuzz_merge_rm_tree(sub);
            }
            closedir(d);
        }
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* A crash, or libFuzzer's fork mode ending a child, skips the clean-up at
 * exit: remove the directories of harness processes that no longer run
 * (they are named after their process id). */
static void fuzz_merge_remove_stale(const char *base)
{
    DIR *d = opendir(base);
    if (!d)
        return;
    static const char prefix[] = "heard-fuzz-merge-";
    for (struct dirent *e; (e = readdir(d));) {
        if (strncmp(e->d_name, prefix, sizeof prefix - 1) != 0)
            continue;
        const char *digits = e->d_name + sizeof prefix - 1;
        char *end = NULL;
        long pid = strtol(digits, &end, 10);
        if (!*digits || *end || pid <= 0 || (pid_t)pid == getpid())
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* still running, or not ours to judge */
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", base, e->d_name);
        fuzz_merge_rm_tree(path);
    }
    closedir(d);
}

static bool fuzz_merge_setup(void)
{
    if (fuzz_merge_dir[0])
        return fuzz_merge_empty != NULL;
    struct stat sb;
    const char *base = getenv("TMPDIR");
    if (stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) && access("/dev/shm", W_OK) == 0)
        base = "/dev/shm";
    else if (!base || !*base)
        base = "/tmp";
    fuzz_merge_remove_stale(base);
    snprintf(fuzz_merge_dir, sizeof fuzz_merge_dir, "%s/heard-fuzz-merge-%ld", base,
             (long)getpid());
    fuzz_merge_rm_tree(fuzz_merge_dir);
    if (mkdir(fuzz_merge_dir, 0700) != 0) {
        perror(fuzz_merge_dir);
        fuzz_merge_dir[0] = '\0';
        return false;
    }
    snprintf(fuzz_merge_device, sizeof fuzz_merge_device, "%s/device.db", fuzz_merge_dir);
    snprintf(fuzz_merge_coord, sizeof fuzz_merge_coord, "%s/coord.db", fuzz_merge_dir);
    /* The merge copies the device file into a temporary directory of its
     * own under TMPDIR: keep that on tmpfs too. */
    setenv("TMPDIR", fuzz_merge_dir, 1);
#ifndef HD_FUZZ_NO_ENTRY
    atexit(hd_fuzz_merge_cleanup);
#endif
    return fuzz_merge_make_empty();
}

/* Binds one column as the values format says. */
static int fuzz_merge_bind(sqlite3_stmt *st, int i, const uint8_t *p, size_t n)
{
    if (n == 1 && p[0] == 0xFD)
        return sqlite3_bind_null(st, i);
    if (n >= 1 && (p[0] == 0xFB || p[0] == 0xFA)) {
        char num[64];
        size_t k = n - 1 < sizeof num - 1 ? n - 1 : sizeof num - 1;
        memcpy(num, p + 1, k);
        num[k] = '\0';
        return p[0] == 0xFB ? sqlite3_bind_int64(st, i, strtoll(num, NULL, 10))
                            : sqlite3_bind_double(st, i, strtod(num, NULL));
    }
    if (n >= 1 && p[0] == 0xFC)
        return sqlite3_bind_blob(st, i, p + 1, (int)(n - 1), SQLITE_TRANSIENT);
    return sqlite3_bind_text(st, i, (const char *)p, (int)n, SQLITE_TRANSIENT);
}

/* Writes the device file for a values input; false when it could not be
 * made (the harness then has nothing to merge). */
static bool fuzz_merge_values(const uint8_t *data, size_t size)
{
    static const char *const ins[3] = {
        "INSERT INTO session VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        "INSERT INTO answer VALUES (?1, ?2, ?3, ?4)",
        "INSERT INTO contact VALUES (?1, ?2, ?3, ?4)",
    };
    static const int cols[3] = {11, 4, 4};
    if (!fuzz_merge_write(fuzz_merge_device, (const uint8_t *)fuzz_merge_empty,
                          fuzz_merge_empty_len))
        return false;
    sqlite3 *db = NULL;
    sqlite3_stmt *st[3] = {NULL, NULL, NULL};
    bool ok = sqlite3_open_v2(fuzz_merge_device, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK &&
              sqlite3_exec(db, "PRAGMA foreign_keys=OFF; PRAGMA synchronous=OFF; BEGIN", NULL,
                           NULL, NULL) == SQLITE_OK;
    for (int t = 0; t < 3 && ok; t++)
        ok = sqlite3_prepare_v2(db, ins[t], -1, &st[t], NULL) == SQLITE_OK;
    const uint8_t *end = data + size;
    for (const uint8_t *row = data; ok && row < end;) {
        const uint8_t *row_end = memchr(row, 0xFE, (size_t)(end - row));
        if (!row_end)
            row_end = end;
        const char *kinds = "sac";
        const char *k = row < row_end && row[0] ? strchr(kinds, row[0]) : NULL;
        if (k) {
            sqlite3_stmt *s = st[k - kinds];
            const uint8_t *f = row + 1;
            for (int c = 1; c <= cols[k - kinds]; c++) {
                if (f > row_end) {
                    sqlite3_bind_null(s, c);
                    continue;
                }
                const uint8_t *f_end = memchr(f, 0xFF, (size_t)(row_end - f));
                if (!f_end)
                    f_end = row_end;
                fuzz_merge_bind(s, c, f, (size_t)(f_end - f));
                f = f_end + 1;
            }
            sqlite3_step(s); /* a row the schema refuses is left out */
            sqlite3_reset(s);
            sqlite3_clear_bindings(s);
        }
        row = row_end + 1;
    }
    for (int t = 0; t < 3; t++)
        sqlite3_finalize(st[t]);
    ok = ok && sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
    return sqlite3_close(db) == SQLITE_OK && ok;
}

static bool fuzz_merge_write(const char *path, const uint8_t *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0)
        return false;
    bool ok = true;
    for (size_t w = 0; w < size && ok;) {
        ssize_t k = write(fd, data + w, size - w);
        ok = k > 0;
        if (ok)
            w += (size_t)k;
    }
    return close(fd) == 0 && ok;
}

/* One integer from a query on the coordinator, -1 on error. */
static long fuzz_merge_count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* The coordinator database is sound and holds sessions/answers/contacts
 * rows. */
static void fuzz_merge_check_coord(long sessions, long answers, long contacts)
{
    sqlite3 *db = NULL;
    HD_FUZZ_CHECK(sqlite3_open_v2(fuzz_merge_coord, &db, SQLITE_OPEN_READONLY, NULL) ==
                  SQLITE_OK);
    sqlite3_stmt *st = NULL;
    HD_FUZZ_CHECK(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK);
    HD_FUZZ_CHECK(sqlite3_step(st) == SQLITE_ROW);
    HD_FUZZ_CHECK(strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0);
    sqlite3_finalize(st);
    HD_FUZZ_CHECK(fuzz_merge_count(db, "SELECT count(*) FROM pragma_foreign_key_check") == 0);
    HD_FUZZ_CHECK(fuzz_merge_count(db, "SELECT count(*) FROM session") == sessions);
    HD_FUZZ_CHECK(fuzz_merge_count(db, "SELECT count(*) FROM answer") == answers);
    HD_FUZZ_CHECK(fuzz_merge_count(db, "SELECT count(*) FROM contact") == contacts);
    /* Only documented shapes got in (checked in SQL, not with merge.c's
     * own validators). */
    static const char *const bad[] = {
        "SELECT count(*) FROM session WHERE"
        " typeof(id) <> 'text' OR length(id) <> 36 OR id GLOB '*[^0-9a-f-]*'"
        " OR typeof(device_id) <> 'text' OR length(device_id) <> 36"
        " OR typeof(survey_id) <> 'text' OR survey_id = '' OR survey_id GLOB '*[^a-z0-9_+-]*'"
        " OR typeof(survey_version) <> 'text' OR survey_version = ''"
        " OR typeof(language) <> 'text' OR language = ''"
        " OR (tier IS NOT NULL AND (typeof(tier) <> 'text' OR tier GLOB '*[^a-z0-9_+-]*'))"
        " OR (venue IS NOT NULL AND typeof(venue) <> 'text')"
        " OR (mode IS NOT NULL AND mode NOT IN ('self', 'assisted'))"
        " OR status NOT IN ('in_progress', 'complete', 'abandoned')"
        " OR started_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:*Z'"
        " OR (ended_at IS NOT NULL AND ended_at NOT GLOB"
        "     '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:*Z')",
        "SELECT count(*) FROM answer WHERE"
        " typeof(session_id) <> 'text' OR typeof(question_id) <> 'text'"
        " OR question_id = '' OR question_id GLOB '*[^a-z0-9_+-]*'"
        " OR typeof(value) <> 'text' OR value = ''"
        " OR answered_at NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:*Z'",
        "SELECT count(*) FROM contact WHERE"
        " typeof(id) <> 'text' OR length(id) <> 36 OR id GLOB '*[^0-9a-f-]*'"
        " OR typeof(sealed) <> 'blob' OR length(sealed) < 48"
        " OR created_on NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        HD_FUZZ_CHECK(fuzz_merge_count(db, bad[i]) == 0);
    sqlite3_close(db);
}

static void fuzz_merge_conflict(void *ctx, const char *kind, const char *id, const char *what)
{
    (void)ctx;
    HD_FUZZ_CHECK(kind && id && what && what[0]);
    HD_FUZZ_CHECK(strcmp(kind, "session") == 0 || strcmp(kind, "contact") == 0);
}

static void fuzz_merge_progress(void *ctx, long done, long total)
{
    (void)ctx;
    HD_FUZZ_CHECK(done >= 0 && total >= 0 && done <= total);
}

int hd_fuzz_merge(const uint8_t *data, size_t size)
{
    if (!fuzz_merge_setup())
        abort(); /* nowhere to write: the harness cannot run at all */
    fuzz_merge_unlink_db(fuzz_merge_device);
    fuzz_merge_unlink_db(fuzz_merge_coord);
    static const char magic[16] = "SQLite format 3";
    if (size >= 16 && memcmp(data, magic, 16) == 0)
        HD_FUZZ_CHECK(fuzz_merge_write(fuzz_merge_device, data, size));
    else if (!fuzz_merge_values(data, size))
        return 0; /* could not even make the file (out of memory) */

    char why[1024] = "";
    hd_merge *m = NULL;
    hd_err e = hd_merge_open(fuzz_merge_coord, &m, why, sizeof why);
    if (e != HD_OK)
        fprintf(stderr, "cannot make the coordinator database: %s\n", why);
    HD_FUZZ_CHECK(e == HD_OK);

    hd_merge_stats st;
    memset(&st, 0, sizeof st);
    e = hd_merge_device(m, fuzz_merge_device, &st, fuzz_merge_progress, fuzz_merge_conflict,
                        NULL, why, sizeof why);
    if (e == HD_OK) {
        HD_FUZZ_CHECK(st.sessions_new >= 0 && st.sessions_present >= 0 &&
                      st.sessions_conflict >= 0 && st.answers_new >= 0 && st.contacts_new >= 0 &&
                      st.contacts_present >= 0 && st.contacts_conflict >= 0 &&
                      st.orphan_answers >= 0);
        hd_merge_stats again;
        memset(&again, 0, sizeof again);
        hd_err e2 = hd_merge_device(m, fuzz_merge_device, &again, NULL, fuzz_merge_conflict,
                                    NULL, why, sizeof why);
        if (e2 != HD_OK)
            fprintf(stderr, "the second merge of the same file failed: %s\n", why);
        HD_FUZZ_CHECK(e2 == HD_OK);
        HD_FUZZ_CHECK(again.sessions_new == 0 && again.answers_new == 0 &&
                      again.contacts_new == 0);
        HD_FUZZ_CHECK(again.sessions_present + again.sessions_conflict ==
                      st.sessions_new + st.sessions_present + st.sessions_conflict);
        hd_merge_close(m);
        fuzz_merge_check_coord(st.sessions_new, st.answers_new, st.contacts_new);
    } else {
        if (e != HD_ESCHEMA && e != HD_ECORRUPT && e != HD_EPARSE && e != HD_ENOMEM)
            fprintf(stderr, "refused with %s: %s\n", hd_err_name(e), why);
        HD_FUZZ_CHECK(e == HD_ESCHEMA || e == HD_ECORRUPT || e == HD_EPARSE || e == HD_ENOMEM);
        HD_FUZZ_CHECK(why[0] != '\0');
        hd_merge_close(m);
        fuzz_merge_check_coord(0, 0, 0);
    }
    return 0;
}

HD_FUZZ_ENTRY(hd_fuzz_merge)
