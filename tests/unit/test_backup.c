/* test_backup.c — the USB copy (src/store/backup.h) and finding the stick
 * (src/sys/usb.h). Copies are checked with the sqlite3 command-line tool,
 * as a coordinator would. Full and read-only sticks, and real mount points,
 * are made in a private mount namespace when the test may (root with
 * unshare); otherwise those cases are skipped. */
#define _GNU_SOURCE
#include "testutil.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/backup.h"
#include "store/store.h"
#include "sys/sys.h"
#include "sys/usb.h"

#define PATH(var, ...)                                                      \
    char var[512];                                                          \
    if (snprintf(var, sizeof var, __VA_ARGS__) >= (int)sizeof var)          \
    fail_msg("path too long: %s", var)

/* ---- helpers ------------------------------------------------------------ */

static char *sql(const char *path, const char *query)
{
    char qfile[600];
    snprintf(qfile, sizeof qfile, "%s.query.sql", path);
    tu_write(qfile, query);
    char *out = NULL;
    int rc = tu_run(tu_fmt("sqlite3 -batch '%s' < '%s'", path, qfile), &out, 1);
    unlink(qfile);
    if (rc != 0)
        fail_msg("sqlite3 %s: %.200s -> %d: %s", path, query, rc, out);
    return out;
}

static void sql_is(const char *path, const char *query, const char *expect)
{
    char *out = sql(path, query);
    if (strcmp(out, expect) != 0)
        fail_msg("%s\n  expected: [%s]\n  got:      [%s]", query, expect, out);
    free(out);
}

static long sql_long(const char *path, const char *query)
{
    char *out = sql(path, query);
    long v = strtol(out, NULL, 10);
    free(out);
    return v;
}

static hd_store *open_ok(const char *path)
{
    hd_store *st = NULL;
    hd_err e = hd_store_open(path, &st, NULL, 0);
    if (e != HD_OK)
        fail_msg("hd_store_open(%s): %s", path, hd_err_name(e));
    return st;
}

/* Makes a database at path holding n complete sessions with an answer of
 * about 200 bytes each (written in one go by the shell: quick). */
static void make_db(const char *path, int n)
{
    hd_store_close(open_ok(path));
    free(sql(path,
             tu_fmt("WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %d)"
                    " INSERT INTO session(id, device_id, survey_id, survey_version, language,"
                    " tier, started_at, ended_at, status)"
                    " SELECT printf('bulk-%%06d', i), (SELECT value FROM meta WHERE key ="
                    " 'device_id'), 'local-health', '1', 'en', 'quick', '2026-11-01T09:00:00Z',"
                    " '2026-11-01T09:05:00Z', 'complete' FROM k;"
                    " INSERT INTO answer SELECT id, 'story', hex(randomblob(100)), started_at"
                    " FROM session;",
                    n)));
}

/* Names in dir other than . and .. */
static int count_entries(const char *dir, char *first, size_t cap)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (n++ == 0 && first)
            snprintf(first, cap, "%s", e->d_name);
    }
    closedir(d);
    return n;
}

/* dir/heard-<device id first 8>-<today, UTC><suffix>.db */
static const char *expected_name(const char *dir, hd_store *st, const char *suffix)
{
    char date[11];
    hd_iso_date(hd_wall_ms(), date);
    return tu_fmt("%s/heard-%.8s-%s%s.db", dir, hd_store_device_id(st), date, suffix);
}

/* The checks a coordinator would make on the copy. */
static void assert_good_copy(const char *copy, long sessions)
{
    sql_is(copy, "PRAGMA integrity_check;", "ok\n");
    sql_is(copy, "PRAGMA journal_mode;", "delete\n");
    sql_is(copy, "PRAGMA application_id; PRAGMA user_version;",
           tu_fmt("1751474546\n%d\n", HD_SCHEMA_VERSION));
    if (sessions >= 0)
        assert_int_equal(sql_long(copy, "SELECT count(*) FROM session;"), sessions);
    /* One file: bytes 18 and 19 of the header say "rollback journal". */
    size_t n = 0;
    char *bytes = tu_slurp(copy, &n);
    assert_non_null(bytes);
    assert_true(n > 100);
    assert_int_equal(bytes[18], 1);
    assert_int_equal(bytes[19], 1);
    free(bytes);
    assert_int_equal(access(tu_fmt("%s-wal", copy), F_OK), -1);
}

/* ---- the copy ------------------------------------------------------------ */

static void test_copy_named_verified_and_numbered(void **state)
{
    (void)state;
    PATH(dir, "%s", tu_tmpdir());
    PATH(db, "%s/heard.db", dir);
    PATH(stick, "%s/stick", dir);
    assert_int_equal(mkdir(stick, 0755), 0);
    make_db(db, 300);
    hd_store *st = open_ok(db);
    char sid[HD_UUID_LEN + 1];
    hd_session_info in = {.survey_id = "local-health", .survey_version = "1", .language = "pl",
                          .tier = "story", .started_at = "2026-11-22T10:00:00Z"};
    assert_int_equal(hd_store_session_start(st, &in, sid), HD_OK);
    assert_int_equal(hd_store_answer_save(st, sid, "age", "16-24", "2026-11-22T10:01:00Z"), HD_OK);

    char written[512];
    assert_int_equal(hd_store_backup(st, stick, written, sizeof written), HD_OK);
    PATH(first, "%s", expected_name(stick, st, ""));
    assert_string_equal(written, first);
    assert_good_copy(written, 301);
    /* The session still in progress is in it, with its answer. */
    sql_is(written, tu_fmt("SELECT status, language FROM session WHERE id = '%s';", sid),
           "in_progress|pl\n");
    sql_is(written, tu_fmt("SELECT value FROM answer WHERE session_id = '%s';", sid), "16-24\n");
    assert_int_equal(count_entries(stick, NULL, 0), 1); /* no temporary file left */

    /* The same day again: -2, then -3; a trailing slash is fine. */
    assert_int_equal(hd_store_session_end(st, sid, "complete", "2026-11-22T10:02:00Z"), HD_OK);
    assert_int_equal(hd_store_backup(st, tu_fmt("%s/", stick), written, sizeof written), HD_OK);
    assert_string_equal(written, expected_name(stick, st, "-2"));
    sql_is(written, tu_fmt("SELECT status FROM session WHERE id = '%s';", sid), "complete\n");
    assert_int_equal(hd_store_backup(st, stick, written, sizeof written), HD_OK);
    assert_string_equal(written, expected_name(stick, st, "-3"));
    assert_good_copy(written, 301);
    assert_int_equal(count_entries(stick, NULL, 0), 3);
    /* The first copy was not touched by the later ones. */
    sql_is(first, tu_fmt("SELECT status FROM session WHERE id = '%s';", sid), "in_progress\n");
    /* The kiosk's own database goes on as before. */
    assert_int_equal(hd_store_answer_save(st, sid, "gp", "4", "2026-11-22T10:03:00Z"), HD_OK);
    hd_store_close(st);
    sql_is(db, "PRAGMA journal_mode;", "wal\n");
}

static void test_existing_file_never_overwritten(void **state)
{
    (void)state;
    PATH(dir, "%s", tu_tmpdir());
    PATH(db, "%s/heard.db", dir);
    hd_store *st = open_ok(db);
    PATH(taken, "%s", expected_name(dir, st, ""));
    tu_write(taken, "precious");
    char written[512];
    assert_int_equal(hd_store_backup(st, dir, written, sizeof written), HD_OK);
    assert_string_equal(written, expected_name(dir, st, "-2"));
    char *kept = tu_slurp(taken, NULL);
    assert_string_equal(kept, "precious");
    free(kept);
    assert_good_copy(written, 0);
    hd_store_close(st);
}

static void test_memory_database(void **state)
{
    (void)state;
    PATH(dir, "%s", tu_tmpdir());
    hd_store *st = open_ok(":memory:");
    char sid[HD_UUID_LEN + 1];
    hd_session_info in = {.survey_id = "s", .survey_version = "1", .language = "en",
                          .started_at = "2026-11-22T10:00:00Z"};
    assert_int_equal(hd_store_session_start(st, &in, sid), HD_OK);
    char written[512];
    assert_int_equal(hd_store_backup(st, dir, written, sizeof written), HD_OK);
    assert_good_copy(written, 1);
    /* The store works on after the copy. */
    assert_int_equal(hd_store_answer_save(st, sid, "q", "v", "2026-11-22T10:00:01Z"), HD_OK);
    hd_store_close(st);
}

static void test_refusals_leave_nothing(void **state)
{
    (void)state;
    PATH(dir, "%s", tu_tmpdir());
    PATH(db, "%s/heard.db", dir);
    PATH(stick, "%s/stick", dir);
    assert_int_equal(mkdir(stick, 0755), 0);
    hd_store *st = open_ok(db);
    char written[512] = "junk";
    assert_int_equal(hd_store_backup(st, tu_fmt("%s/absent", dir), written, sizeof written),
                     HD_ENOTFOUND);
    assert_string_equal(written, "");
    assert_int_equal(hd_store_backup(st, db, written, sizeof written), HD_ENOTFOUND); /* a file */
    char tiny[24] = "junk";
    assert_int_equal(hd_store_backup(st, stick, tiny, sizeof tiny), HD_EINVAL);
    assert_string_equal(tiny, "");
    assert_int_equal(hd_store_backup(st, "", written, sizeof written), HD_EINVAL);
    assert_int_equal(hd_store_backup(NULL, stick, written, sizeof written), HD_EINVAL);
    assert_int_equal(hd_store_backup(st, stick, NULL, 10), HD_EINVAL);
    assert_int_equal(hd_store_backup_ex(st, stick, 0, NULL, NULL, written, sizeof written),
                     HD_EINVAL);
    assert_int_equal(count_entries(stick, NULL, 0), 0);
    hd_store_close(st);
}

static void test_damaged_source_is_not_passed_off(void **state)
{
    (void)state;
    PATH(dir, "%s", tu_tmpdir());
    PATH(db, "%s/heard.db", dir);
    PATH(stick, "%s/stick", dir);
    assert_int_equal(mkdir(stick, 0755), 0);
    make_db(db, 2000);
    hd_store *st = open_ok(db); /* passes quick_check: not damaged yet */
    /* Now a page in the middle goes bad under the running kiosk. */
    struct stat sb;
    assert_int_equal(stat(db, &sb), 0);
    long pages = (long)sb.st_size / 4096;
    assert_true(pages > 20);
    int fd = open(db, O_WRONLY);
    assert_true(fd >= 0);
    char junk[4096];
    memset(junk, 0xA5, sizeof junk);
    assert_int_equal(pwrite(fd, junk, sizeof junk, (off_t)(pages / 2) * 4096), 4096);
    close(fd);
    char written[512] = "junk";
    assert_int_equal(hd_store_backup(st, stick, written, sizeof written), HD_ECORRUPT);
    assert_string_equal(written, "");
    assert_int_equal(count_entries(stick, NULL, 0), 0);
    hd_store_close(st);
}

/* ---- copying while the kiosk writes ---------------------------------------- */

#define MAX_WRITES 20000

typedef struct writer {
    const char *path;
    atomic_int stop;
    atomic_long committed; /* sessions fully written: ids[0 .. committed) */
    char ids[MAX_WRITES][HD_UUID_LEN + 1];
    hd_err failed;
} writer;

/* The kiosk: session after session, each start, answer and end its own
 * committed transaction, on its own connection. */
static void *write_sessions(void *arg)
{
    writer *w = arg;
    hd_store *st = NULL;
    w->failed = hd_store_open(w->path, &st, NULL, 0);
    hd_session_info in = {.survey_id = "local-health", .survey_version = "1", .language = "en",
                          .tier = "quick", .started_at = "2026-11-22T10:00:00Z"};
    while (w->failed == HD_OK && !atomic_load(&w->stop)) {
        long k = atomic_load(&w->committed);
        if (k >= MAX_WRITES)
            break;
        char *id = w->ids[k];
        w->failed = hd_store_session_start(st, &in, id);
        if (w->failed == HD_OK)
            w->failed = hd_store_answer_save(st, id, "age", "16-24", "2026-11-22T10:00:01Z");
        if (w->failed == HD_OK)
            w->failed = hd_store_session_end(st, id, "complete", "2026-11-22T10:00:02Z");
        if (w->failed == HD_OK)
            atomic_store(&w->committed, k + 1);
    }
    hd_store_close(st);
    return NULL;
}

typedef struct progress {
    writer *w;
    int calls;
    long seen;
    int last_done, last_total;
} progress;

/* After every step, wait until the kiosk has committed another session:
 * the copy and the writes really interleave, step by step. */
static void on_step(void *ctx, int done, int total)
{
    progress *p = ctx;
    p->calls++;
    assert_true(done > p->last_done);
    p->last_done = done;
    p->last_total = total;
    struct timespec tick = {0, 1000000};
    for (int i = 0; i < 10000 && atomic_load(&p->w->committed) <= p->seen; i++)
        nanosleep(&tick, NULL);
    long now = atomic_load(&p->w->committed);
    if (now <= p->seen)
        fail_msg("the writer stopped during the copy (%s)", hd_err_name(p->w->failed));
    p->seen = now;
}

static void test_copy_while_sessions_are_written(void **state)
{
    (void)state;
    PATH(dir, "%s", tu_tmpdir());
    PATH(db, "%s/heard.db", dir);
    PATH(stick, "%s/stick", dir);
    assert_int_equal(mkdir(stick, 0755), 0);
    make_db(db, 2000);
    hd_store *st = open_ok(db);

    writer *w = calloc(1, sizeof *w);
    assert_non_null(w);
    w->path = db;
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, write_sessions, w), 0);
    struct timespec tick = {0, 1000000};
    for (int i = 0; i < 10000 && atomic_load(&w->committed) < 20; i++)
        nanosleep(&tick, NULL);

    long before = atomic_load(&w->committed);
    assert_true(before >= 20);
    progress p = {.w = w, .seen = before};
    char written[512];
    int64_t t0 = hd_wall_ms();
    hd_err e = hd_store_backup_ex(st, stick, 8, on_step, &p, written, sizeof written);
    int64_t took = hd_wall_ms() - t0;
    long after = atomic_load(&w->committed);
    atomic_store(&w->stop, 1);
    pthread_join(t, NULL);
    assert_int_equal(w->failed, HD_OK);
    assert_int_equal(e, HD_OK);

    /* It took many steps, and the kiosk committed sessions during every one. */
    assert_true(p.calls >= 10);
    assert_int_equal(p.last_done, p.last_total);
    assert_true(after - before >= p.calls);
    print_message("copy of %d pages in %d steps took %lld ms; %ld sessions committed meanwhile\n",
                  p.last_total, p.calls, (long long)took, after - before);

    assert_good_copy(written, -1);
    /* Every session committed before the copy began is in it, complete and
     * with its answer; none committed after the copy ended. */
    long in_copy = sql_long(written, "SELECT count(*) FROM session WHERE id NOT LIKE 'bulk-%';");
    assert_true(in_copy >= before);
    assert_true(in_copy <= after);
    size_t cap = (size_t)before * 40 + 256;
    char *q = malloc(cap);
    assert_non_null(q);
    size_t len = (size_t)snprintf(q, cap, "SELECT count(*) FROM session s JOIN answer a ON"
                                          " a.session_id = s.id WHERE s.status = 'complete'"
                                          " AND s.id IN (");
    for (long i = 0; i < before; i++)
        len += (size_t)snprintf(q + len, cap - len, "%s'%s'", i ? "," : "", w->ids[i]);
    snprintf(q + len, cap - len, ");");
    assert_int_equal(sql_long(written, q), before);
    free(q);
    assert_int_equal(sql_long(written, "SELECT count(*) FROM session WHERE id LIKE 'bulk-%';"),
                     2000);
    /* A snapshot: no session without its answer, none half-ended. */
    sql_is(written, "SELECT count(*) FROM session s WHERE s.id NOT LIKE 'bulk-%' AND NOT EXISTS"
                    " (SELECT 1 FROM answer a WHERE a.session_id = s.id)"
                    " AND s.status = 'complete';",
           "0\n");
    free(w);
    hd_store_close(st);
}

/* ---- finding the stick ------------------------------------------------------ */

static bool fake_mount(const char *dir, const char *parent)
{
    (void)parent;
    const char *base = strrchr(dir, '/');
    return base && strncmp(base + 1, "STICK", 5) == 0;
}

static void test_usb_configured_dir(void **state)
{
    (void)state;
    PATH(dir, "%s", tu_tmpdir());
    char out[512] = "junk";
    assert_int_equal(hd_usb_find_dir(dir, out, sizeof out), HD_OK);
    assert_string_equal(out, dir);
    assert_int_equal(hd_usb_find_dir(tu_fmt("%s/not-plugged-in", dir), out, sizeof out),
                     HD_ENOTFOUND);
    assert_string_equal(out, "");
    PATH(file, "%s/file", dir);
    tu_write(file, "x");
    assert_int_equal(hd_usb_find_dir(file, out, sizeof out), HD_ENOTFOUND);
    char tiny[4];
    assert_int_equal(hd_usb_find_dir(dir, tiny, sizeof tiny), HD_EINVAL);
    assert_string_equal(tiny, "");
    assert_int_equal(hd_usb_find_dir(dir, NULL, 0), HD_EINVAL);
}

static void test_usb_scan_order(void **state)
{
    (void)state;
    PATH(root, "%s", tu_tmpdir());
    char out[512];
    assert_int_equal(hd_usb_scan(root, fake_mount, out, sizeof out), HD_ENOTFOUND);
    assert_int_equal(hd_usb_scan(tu_fmt("%s/none", root), fake_mount, out, sizeof out),
                     HD_ENOTFOUND);
    /* /media/<user>/<label>, as Raspberry Pi OS mounts sticks. */
    assert_int_equal(mkdir(tu_fmt("%s/pi", root), 0755), 0);
    assert_int_equal(mkdir(tu_fmt("%s/pi/not-mounted", root), 0755), 0);
    assert_int_equal(mkdir(tu_fmt("%s/pi/STICK-B", root), 0755), 0);
    assert_int_equal(hd_usb_scan(root, fake_mount, out, sizeof out), HD_OK);
    assert_string_equal(out, tu_fmt("%s/pi/STICK-B", root));
    /* Hidden names, files and deeper levels are not sticks. */
    assert_int_equal(mkdir(tu_fmt("%s/.STICK-hidden", root), 0755), 0);
    tu_write(tu_fmt("%s/STICK-file", root), "x");
    assert_int_equal(mkdir(tu_fmt("%s/pi/not-mounted/deep", root), 0755), 0);
    assert_int_equal(mkdir(tu_fmt("%s/pi/not-mounted/deep/STICK-deep", root), 0755), 0);
    assert_int_equal(hd_usb_scan(root, fake_mount, out, sizeof out), HD_OK);
    assert_string_equal(out, tu_fmt("%s/pi/STICK-B", root));
    /* /media/<label>, in name order with the users' directories. */
    assert_int_equal(mkdir(tu_fmt("%s/STICK-A", root), 0755), 0);
    assert_int_equal(hd_usb_scan(root, fake_mount, out, sizeof out), HD_OK);
    assert_string_equal(out, tu_fmt("%s/STICK-A", root));
    char tiny[8];
    assert_int_equal(hd_usb_scan(root, fake_mount, tiny, sizeof tiny), HD_EINVAL);
}

/* ---- real sticks: full, read-only, mounted (in a mount namespace) ---------- */

/* Runs inside the namespace the parent made: root R holds A-RO (read-only
 * tmpfs) and pi/USB (tmpfs), F is a 64 KiB tmpfs. Returns 0 when all is as
 * expected, else prints why and returns 40+. */
static int namespace_checks(const char *r, const char *f, const char *db)
{
    char out[512], written[512];
    hd_err e = hd_usb_scan(r, NULL, out, sizeof out);
    char want[600];
    snprintf(want, sizeof want, "%s/pi/USB", r);
    if (e != HD_OK || strcmp(out, want) != 0) {
        fprintf(stderr, "scan: %s \"%s\", expected %s\n", hd_err_name(e), out, want);
        return 40;
    }
    hd_store *st = NULL;
    if (hd_store_open(db, &st, NULL, 0) != HD_OK)
        return 41;
    snprintf(want, sizeof want, "%s/A-RO", r);
    e = hd_store_backup(st, want, written, sizeof written);
    if (e != HD_EREADONLY) {
        fprintf(stderr, "read-only stick: %s\n", hd_err_name(e));
        return 42;
    }
    e = hd_usb_find_dir(want, out, sizeof out);
    if (e != HD_EREADONLY) {
        fprintf(stderr, "configured read-only dir: %s\n", hd_err_name(e));
        return 43;
    }
    e = hd_store_backup(st, f, written, sizeof written);
    if (e != HD_EFULL || written[0]) {
        fprintf(stderr, "full stick: %s \"%s\"\n", hd_err_name(e), written);
        return 44;
    }
    DIR *d = opendir(f);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0) {
            fprintf(stderr, "left on the full stick: %s\n", de->d_name);
            closedir(d);
            return 45;
        }
    }
    if (d)
        closedir(d);
    snprintf(want, sizeof want, "%s/pi/USB", r);
    e = hd_store_backup(st, want, written, sizeof written);
    if (e != HD_OK) {
        fprintf(stderr, "good stick: %s\n", hd_err_name(e));
        return 46;
    }
    hd_store_close(st);
    printf("%s\n", written);
    return 0;
}

static void test_real_sticks(void **state)
{
    (void)state;
    PATH(dir, "%s", tu_tmpdir());
    PATH(db, "%s/heard.db", dir);
    make_db(db, 600); /* well over 64 KiB */
    PATH(r, "%s/media", dir);
    PATH(f, "%s/full", dir);
    assert_int_equal(mkdir(r, 0755), 0);
    assert_int_equal(mkdir(f, 0755), 0);
    assert_int_equal(mkdir(tu_fmt("%s/A-RO", r), 0755), 0);
    assert_int_equal(mkdir(tu_fmt("%s/pi", r), 0755), 0);
    assert_int_equal(mkdir(tu_fmt("%s/pi/USB", r), 0755), 0);
    char self[1024];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    assert_true(len > 0);
    self[len] = '\0';
    char me[1024]; /* under qemu, through HD_RUNNER */
    snprintf(me, sizeof me, "%s", tu_runnable(self));
    char *out = NULL;
    int rc = tu_run(tu_fmt("unshare -m sh -c \"mount -t tmpfs -o size=1m tmpfs '%s/pi/USB' &&"
                           " mount -t tmpfs -o ro,size=1m tmpfs '%s/A-RO' &&"
                           " mount -t tmpfs -o size=64k tmpfs '%s' || exit 99;"
                           " exec '%s' --namespace-checks '%s' '%s' '%s'\"",
                           r, r, f, me, r, f, db),
                    &out, 1);
    if (rc == 99 || (rc != 0 && rc < 40)) {
        free(out);
        skip(); /* no mount namespace here: cannot make real sticks */
    }
    if (rc != 0)
        fail_msg("namespace checks failed (%d): %s", rc, out);
    free(out);
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "--namespace-checks") == 0)
        return namespace_checks(argv[2], argv[3], argv[4]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_named_verified_and_numbered),
        cmocka_unit_test(test_existing_file_never_overwritten),
        cmocka_unit_test(test_memory_database),
        cmocka_unit_test(test_refusals_leave_nothing),
        cmocka_unit_test(test_damaged_source_is_not_passed_off),
        cmocka_unit_test(test_copy_while_sessions_are_written),
        cmocka_unit_test(test_usb_configured_dir),
        cmocka_unit_test(test_usb_scan_order),
        cmocka_unit_test(test_real_sticks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
