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
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <fcntl.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/sync_store.h"
#include "fuzz.h"

static char fuzz_merge_dir[512];
static char fuzz_merge_device[600];
static char fuzz_merge_coord[600];

static void fuzz_merge_unlink_db(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char p[700];
    for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

/* Removes the private directory (the fuzzer calls it at exit, the
 * regression test when it is done). */
static void hd_fuzz_merge_cleanup(void)
{
    if (!fuzz_merge_dir[0])
        return;
    fuzz_merge_unlink_db(fuzz_merge_device);
    fuzz_merge_unlink_db(fuzz_merge_coord);
    rmdir(fuzz_merge_dir);
    fuzz_merge_dir[0] = '\0';
}

static bool fuzz_merge_setup(void)
{
    if (fuzz_merge_dir[0])
        return true;
    struct stat sb;
    const char *base = getenv("TMPDIR");
    if (stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) && access("/dev/shm", W_OK) == 0)
        base = "/dev/shm";
    else if (!base || !*base)
        base = "/tmp";
    snprintf(fuzz_merge_dir, sizeof fuzz_merge_dir, "%s/heard-fuzz-merge-XXXXXX", base);
    if (!mkdtemp(fuzz_merge_dir)) {
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
    return true;
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
    HD_FUZZ_CHECK(fuzz_merge_write(fuzz_merge_device, data, size));

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
