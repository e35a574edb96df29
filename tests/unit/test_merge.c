/* test_merge.c — merging device databases, hostile ones included. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/survey.h"
#include "store/sync_store.h"
#include "sys/sys.h"
#include "testutil.h"

static hd_survey *g_sv;

static int setup(void **state)
{
    (void)state;
    char *json;
    size_t len;
    const char *path = tu_src("assets/surveys/example.json");
    assert_int_equal(hd_file_read(path, &json, &len), HD_OK);
    hd_diag d;
    hd_diag_init(&d, path);
    assert_int_equal(hd_survey_parse(json, len, path, &g_sv, &d), HD_OK);
    free(json);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hd_survey_free(g_sv);
    return 0;
}

/* A device database of n sessions (seed decides the ids), plus sql run on
 * it before it is closed (NULL for none). */
static void make_device(const char *path, long n, unsigned seed, const char *sql)
{
    hd_gen *g;
    assert_int_equal(hd_gen_open(path, &g), HD_OK);
    hd_gen_opts o = {.sessions = n, .seed = seed};
    assert_int_equal(hd_gen_survey(g, g_sv, &o), HD_OK);
    if (sql) {
        hd_err e = hd_gen_exec(g, sql);
        if (e != HD_OK)
            fail_msg("sql failed: %s", sql);
    }
    assert_int_equal(hd_gen_close(g), HD_OK);
}

static long complete_in(const char *db_path)
{
    hd_syncdb *db;
    char why[512];
    hd_err e = hd_syncdb_open(db_path, &db, why, sizeof why);
    if (e != HD_OK)
        fail_msg("%s", why);
    long n = -1;
    assert_int_equal(hd_syncdb_count_complete(db, g_sv->id, &n), HD_OK);
    hd_syncdb_close(db);
    return n;
}

typedef struct seen {
    int conflicts;
    char last_what[200];
    char last_kind[16];
    long progress_calls, last_done, last_total;
} seen;

static void on_conflict(void *ctx, const char *kind, const char *id, const char *what)
{
    (void)id;
    seen *s = ctx;
    s->conflicts++;
    snprintf(s->last_what, sizeof s->last_what, "%s", what);
    snprintf(s->last_kind, sizeof s->last_kind, "%s", kind);
}

static void on_progress(void *ctx, long done, long total)
{
    seen *s = ctx;
    s->progress_calls++;
    s->last_done = done;
    s->last_total = total;
}

static hd_err merge_one(const char *coord, const char *dev, hd_merge_stats *st, seen *s,
                        char *why, size_t cap)
{
    hd_merge *m;
    hd_err e = hd_merge_open(coord, &m, why, cap);
    if (e != HD_OK)
        return e;
    e = hd_merge_device(m, dev, st, on_progress, on_conflict, s, why, cap);
    hd_merge_close(m);
    return e;
}

static void test_idempotent(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir()); /* tu_tmpdir's buffer is reused */
    char dev_a[512], dev_b[512], coord[512];
    snprintf(dev_a, sizeof dev_a, "%s/device-a.db", dir);
    snprintf(dev_b, sizeof dev_b, "%s/device-b.db", dir);
    snprintf(coord, sizeof coord, "%s/coord.db", dir);
    make_device(dev_a, 1200, 1, NULL);
    make_device(dev_b, 30, 2, NULL);
    hd_merge_stats st;
    seen s = {0};
    char why[512];
    assert_int_equal(merge_one(coord, dev_a, &st, &s, why, sizeof why), HD_OK);
    assert_int_equal(st.sessions_new, 1200);
    assert_int_equal(st.sessions_present, 0);
    assert_int_equal(st.sessions_conflict, 0);
    assert_true(st.answers_new > 1200 * 5);
    assert_true(s.progress_calls >= 2); /* every 512 sessions and at the end */
    assert_int_equal(s.last_done, 1200);
    assert_int_equal(s.last_total, 1200);
    assert_int_equal(complete_in(coord), 1200);
    /* again: nothing new */
    assert_int_equal(merge_one(coord, dev_a, &st, &s, why, sizeof why), HD_OK);
    assert_int_equal(st.sessions_new, 0);
    assert_int_equal(st.sessions_present, 1200);
    assert_int_equal(st.answers_new, 0);
    assert_int_equal(merge_one(coord, dev_b, &st, &s, why, sizeof why), HD_OK);
    assert_int_equal(st.sessions_new, 30);
    assert_int_equal(complete_in(coord), 1230);
    assert_int_equal(s.conflicts, 0);
}

static void test_conflict_kept_as_it_was(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir()); /* tu_tmpdir's buffer is reused */
    char dev[512], changed[512], coord[512];
    snprintf(dev, sizeof dev, "%s/device.db", dir);
    snprintf(changed, sizeof changed, "%s/changed.db", dir);
    snprintf(coord, sizeof coord, "%s/coord.db", dir);
    make_device(dev, 40, 7, NULL);
    /* the same ids (same seed), two sessions changed */
    make_device(changed, 40, 7,
                "UPDATE session SET status = 'abandoned' WHERE rowid = 3;"
                "UPDATE answer SET value = 'changed' WHERE rowid = "
                "(SELECT min(rowid) FROM answer WHERE session_id = "
                "(SELECT id FROM session WHERE rowid = 5))");
    hd_merge_stats st;
    seen s = {0};
    char why[512];
    assert_int_equal(merge_one(coord, dev, &st, &s, why, sizeof why), HD_OK);
    assert_int_equal(merge_one(coord, changed, &st, &s, why, sizeof why), HD_OK);
    assert_int_equal(st.sessions_new, 0);
    assert_int_equal(st.sessions_present, 38);
    assert_int_equal(st.sessions_conflict, 2);
    assert_int_equal(s.conflicts, 2);
    assert_string_equal(s.last_kind, "session");
    /* the coordinator kept its copies: all 40 still complete, and the
     * original file still matches exactly */
    assert_int_equal(complete_in(coord), 40);
    assert_int_equal(merge_one(coord, dev, &st, &s, why, sizeof why), HD_OK);
    assert_int_equal(st.sessions_present, 40);
    assert_int_equal(st.sessions_conflict, 0);
}

static void test_contact_conflict(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir()); /* tu_tmpdir's buffer is reused */
    char a[512], b[512], coord[512];
    snprintf(a, sizeof a, "%s/a.db", dir);
    snprintf(b, sizeof b, "%s/b.db", dir);
    snprintf(coord, sizeof coord, "%s/coord.db", dir);
    const char *cid = "3f2a0c1e-0000-4000-8000-000000000001";
    unsigned char box1[80] = {1}, box2[80] = {2};
    hd_gen *g;
    assert_int_equal(hd_gen_open(a, &g), HD_OK);
    assert_int_equal(hd_gen_contact_add(g, cid, "local-health", "2026-11-22", box1, sizeof box1),
                     HD_OK);
    assert_int_equal(hd_gen_close(g), HD_OK);
    assert_int_equal(hd_gen_open(b, &g), HD_OK);
    assert_int_equal(hd_gen_contact_add(g, cid, "local-health", "2026-11-22", box2, sizeof box2),
                     HD_OK);
    assert_int_equal(hd_gen_close(g), HD_OK);
    hd_merge_stats st;
    seen s = {0};
    char why[512];
    assert_int_equal(merge_one(coord, a, &st, &s, why, sizeof why), HD_OK);
    assert_int_equal(st.contacts_new, 1);
    assert_int_equal(merge_one(coord, a, &st, &s, why, sizeof why), HD_OK);
    assert_int_equal(st.contacts_present, 1);
    assert_int_equal(merge_one(coord, b, &st, &s, why, sizeof why), HD_OK);
    assert_int_equal(st.contacts_conflict, 1);
    assert_string_equal(s.last_kind, "contact");
    assert_string_equal(s.last_what, "sealed");
}

/* Merging dev must fail with want in the message and leave the coordinator
 * (which holds 25 sessions) exactly as it was. */
static void expect_refused(const char *dir, const char *dev, const char *want)
{
    char coord[512], base[512];
    snprintf(coord, sizeof coord, "%s/coord.db", dir);
    snprintf(base, sizeof base, "%s/base.db", dir);
    if (access(coord, F_OK) != 0) {
        make_device(base, 25, 99, NULL);
        hd_merge_stats st;
        seen s = {0};
        char why[512];
        assert_int_equal(merge_one(coord, base, &st, &s, why, sizeof why), HD_OK);
    }
    hd_merge_stats st;
    seen s = {0};
    char why[512] = "";
    hd_err e = merge_one(coord, dev, &st, &s, why, sizeof why);
    if (e == HD_OK)
        fail_msg("%s was merged; wanted \"%s\"", dev, want);
    if (!strstr(why, want))
        fail_msg("got \"%s\", wanted \"%s\"", why, want);
    assert_int_equal(st.sessions_new, 0);
    assert_int_equal(complete_in(coord), 25);
}

static void copy_prefix(const char *from, const char *to, size_t n)
{
    size_t len;
    char *data = tu_slurp(from, &len);
    assert_non_null(data);
    FILE *f = fopen(to, "wb");
    assert_non_null(f);
    fwrite(data, 1, n < len ? n : len, f);
    fclose(f);
    free(data);
}

static void test_hostile_files(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir()); /* tu_tmpdir's buffer is reused */
    char p[512];
#define PATH(name) (snprintf(p, sizeof p, "%s/%s", dir, name), p)

    /* not SQLite at all, empty, missing */
    tu_write(PATH("notes.db"), "these are my notes, not a database\n");
    expect_refused(dir, p, "notes.db: not an SQLite database");
    tu_write(PATH("empty.db"), "");
    expect_refused(dir, p, "empty.db: the file is empty");
    expect_refused(dir, PATH("missing.db"), "missing.db: cannot read it: no such file");

    /* truncated: a real device database cut short */
    char full[512];
    snprintf(full, sizeof full, "%s/full.db", dir);
    make_device(full, 400, 5, NULL);
    struct stat sb;
    assert_int_equal(stat(full, &sb), 0);
    copy_prefix(full, PATH("truncated.db"), (size_t)sb.st_size / 2);
    expect_refused(dir, p, "truncated.db: the database is damaged");
    copy_prefix(full, PATH("stub.db"), 50);
    expect_refused(dir, p, "stub.db: the database is truncated");

    /* a schema format SQLite does not know (header byte 44 raised to 10):
     * found by fuzz_merge, once reported as an I/O error */
    {
        size_t len;
        char *data = tu_slurp(full, &len);
        assert_non_null(data);
        assert_true(len > 100);
        data[47] = 10;
        FILE *f = fopen(PATH("format.db"), "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(data, 1, len, f), len);
        fclose(f);
        free(data);
        hd_merge *m = NULL;
        char coord[512], why[512] = "";
        snprintf(coord, sizeof coord, "%s/coord.db", dir);
        assert_int_equal(hd_merge_open(coord, &m, why, sizeof why), HD_OK);
        hd_merge_stats st;
        assert_int_equal(hd_merge_device(m, p, &st, NULL, NULL, NULL, why, sizeof why),
                         HD_ESCHEMA);
        hd_merge_close(m);
        expect_refused(dir, p, "format.db: not a database heard can read (unsupported file format)");
    }

    /* another program's SQLite file */
    assert_int_equal(hd_gen_exec_file(PATH("other.db"), "CREATE TABLE notes(x TEXT)"), HD_OK);
    expect_refused(dir, p, "other.db: not a heard database (an SQLite file of some other program)");

    /* heard's id and version, but the wrong tables */
    assert_int_equal(hd_gen_exec_file(PATH("wrong.db"),
                                      "PRAGMA application_id = 1751474546; PRAGMA user_version = 1;"
                                      "CREATE TABLE session(id TEXT PRIMARY KEY)"),
                     HD_OK);
    expect_refused(dir, p, "wrong.db: not a heard database (table \"session\" has no column");

    /* a newer schema version */
    make_device(PATH("newer.db"), 5, 6, "PRAGMA user_version = 3");
    expect_refused(dir, p, "newer.db: written by a newer version of heard (schema version 3");

    /* a trigger, a view, an extra table, an extra column */
    make_device(PATH("device.db"), 5, 8,
                "CREATE TRIGGER x AFTER INSERT ON session BEGIN DELETE FROM answer; END");
    expect_refused(dir, p, "device.db: not a heard database (it has a trigger \"x\")");
    make_device(PATH("view.db"), 5, 9, "CREATE VIEW v AS SELECT * FROM session");
    expect_refused(dir, p, "view.db: not a heard database (it has a view \"v\")");
    make_device(PATH("extra.db"), 5, 10, "CREATE TABLE loot(x)");
    expect_refused(dir, p, "extra.db: not a heard database (it has a table \"loot\")");
    make_device(PATH("column.db"), 5, 11, "ALTER TABLE session ADD COLUMN extra TEXT");
    expect_refused(dir, p, "column.db: not a heard database (table \"session\" has an unexpected "
                           "column \"extra\")");

    /* a generated column would compute what we read */
    assert_int_equal(
        hd_gen_exec_file(PATH("generated.db"),
                         "PRAGMA application_id = 1751474546; PRAGMA user_version = 1;"
                         "CREATE TABLE session(id TEXT PRIMARY KEY, device_id TEXT, survey_id TEXT,"
                         " survey_version TEXT, language TEXT, tier TEXT, venue TEXT, mode TEXT,"
                         " started_at TEXT, ended_at TEXT,"
                         " status TEXT GENERATED ALWAYS AS ('complete'));"
                         "CREATE TABLE answer(session_id TEXT, question_id TEXT, value TEXT,"
                         " answered_at TEXT);"
                         "CREATE TABLE contact(id TEXT, survey_id TEXT, created_on TEXT,"
                         " sealed BLOB)"),
        HD_OK);
    expect_refused(dir, p, "generated.db: not a heard database (column \"session\".\"status\" is "
                           "hidden or generated)");

    /* a virtual table in place of a real one */
    assert_int_equal(
        hd_gen_exec_file(PATH("virtual.db"),
                         "PRAGMA application_id = 1751474546; PRAGMA user_version = 1;"
                         "CREATE VIRTUAL TABLE session USING fts5(id, device_id);"),
        HD_OK);
    expect_refused(dir, p, "virtual.db: not a heard database");
#undef PATH
}

static void test_bad_values_refuse_whole_file(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir()); /* tu_tmpdir's buffer is reused */
    char p[512];
    static const struct {
        const char *file, *sql, *want;
    } cases[] = {
        {"time.db", "UPDATE session SET started_at = 'yesterday' WHERE rowid = 30",
         "time.db: session "},
        {"time2.db", "UPDATE session SET started_at = 'yesterday' WHERE rowid = 30",
         "started_at is not an ISO 8601 UTC time"},
        {"status.db", "UPDATE session SET status = 'done' WHERE rowid = 12",
         "status is not in_progress, complete or abandoned"},
        {"uuid.db",
         "INSERT INTO session VALUES('../../etc', '3f2a0c1e-0000-4000-8000-000000000001', "
         "'local-health', 'v', 'en', NULL, NULL, NULL, '2026-11-22T10:04:05Z', NULL, 'complete', 0)",
         "uuid.db: a session with a malformed id: id is not a UUID"},
        {"type.db",
         "UPDATE answer SET value = x'41' WHERE rowid = (SELECT max(rowid) FROM answer)",
         "an answer has a value that is not text"},
        {"lang.db", "UPDATE session SET language = 'english!' WHERE rowid = 2",
         "language is not a language code"},
        {"venue.db", "UPDATE session SET venue = 'a' || char(10) || 'b' WHERE rowid = 2",
         "venue is not a venue name"},
        {"mode.db", "UPDATE session SET mode = 'robot' WHERE rowid = 2",
         "mode is not self or assisted"},
        {"flag.db", "UPDATE session SET flagged = 7 WHERE rowid = 2", "flagged is not 0 or 1"},
        {"flag2.db", "UPDATE session SET flagged = 'yes' WHERE rowid = 2",
         "flagged is not 0 or 1"},
        {"contact.db",
         "INSERT INTO contact VALUES('3f2a0c1e-0000-4000-8000-000000000001', 'local-health', "
         "'2026-11-22T10:00:00Z', x'00')",
         "contact 3f2a0c1e-0000-4000-8000-000000000001 has a created_on that is not a date"},
        {"sealed.db",
         "INSERT INTO contact VALUES('3f2a0c1e-0000-4000-8000-000000000001', 'local-health', "
         "'2026-11-22', 'not a box')",
         "has a sealed field that is not a sealed box"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, cases[i].file);
        make_device(p, 40, 20 + (unsigned)i, cases[i].sql);
        expect_refused(dir, p, cases[i].want);
    }
}

/* What a kiosk from before schema 2 wrote: no session.flagged. */
#define DOWNGRADE_TO_1                                                                         \
    "DROP INDEX session_counts; DROP INDEX session_by_device_end;"                             \
    "ALTER TABLE session DROP COLUMN flagged; PRAGMA user_version = 1"

static long flagged_in(const char *db_path)
{
    hd_syncdb *db;
    char why[512];
    assert_int_equal(hd_syncdb_open(db_path, &db, why, sizeof why), HD_OK);
    long n = -1;
    assert_int_equal(hd_syncdb_count_flagged(db, g_sv->id, &n), HD_OK);
    hd_syncdb_close(db);
    return n;
}

static void test_schema_versions_and_flags(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir()); /* tu_tmpdir's buffer is reused */
    char old_dev[512], new_dev[512], coord[512], old_coord[512];
    snprintf(old_dev, sizeof old_dev, "%s/kiosk-v1.db", dir);
    snprintf(new_dev, sizeof new_dev, "%s/kiosk-v2.db", dir);
    snprintf(coord, sizeof coord, "%s/coord.db", dir);
    snprintf(old_coord, sizeof old_coord, "%s/old-coord.db", dir);
    /* a schema 1 device file merges, its sessions unflagged */
    make_device(old_dev, 30, 21, DOWNGRADE_TO_1);
    hd_merge_stats st;
    seen s = {0};
    char why[512];
    hd_err e = merge_one(coord, old_dev, &st, &s, why, sizeof why);
    if (e != HD_OK)
        fail_msg("%s", why);
    assert_int_equal(st.sessions_new, 30);
    assert_int_equal(flagged_in(coord), 0);
    /* the same sessions from the upgraded kiosk, two of them flagged since:
     * present, not conflicts, and the flags are added */
    make_device(new_dev, 30, 21, "UPDATE session SET flagged = 1 WHERE rowid IN (4, 9)");
    assert_int_equal(merge_one(coord, new_dev, &st, &s, why, sizeof why), HD_OK);
    assert_int_equal(st.sessions_present, 30);
    assert_int_equal(st.sessions_conflict, 0);
    assert_int_equal(st.flags_added, 2);
    assert_int_equal(flagged_in(coord), 2);
    /* and never taken away by an older copy */
    assert_int_equal(merge_one(coord, old_dev, &st, &s, why, sizeof why), HD_OK);
    assert_int_equal(st.sessions_present, 30);
    assert_int_equal(st.flags_added, 0);
    assert_int_equal(flagged_in(coord), 2);
    /* a coordinator database of schema 1 is brought up to date first */
    make_device(old_coord, 10, 22, DOWNGRADE_TO_1);
    e = merge_one(old_coord, new_dev, &st, &s, why, sizeof why);
    if (e != HD_OK)
        fail_msg("%s", why);
    assert_int_equal(st.sessions_new, 30);
    assert_int_equal(complete_in(old_coord), 40);
    assert_int_equal(flagged_in(old_coord), 2);
}

static void test_device_file_untouched(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir()); /* tu_tmpdir's buffer is reused */
    char dev[512], coord[512], wal[520], shm[520];
    snprintf(dev, sizeof dev, "%s/device.db", dir);
    snprintf(coord, sizeof coord, "%s/coord.db", dir);
    make_device(dev, 60, 3, NULL);
    size_t before_len, after_len;
    char *before = tu_slurp(dev, &before_len);
    hd_merge_stats st;
    seen s = {0};
    char why[512];
    assert_int_equal(merge_one(coord, dev, &st, &s, why, sizeof why), HD_OK);
    char *after = tu_slurp(dev, &after_len);
    assert_int_equal(before_len, after_len);
    assert_memory_equal(before, after, before_len);
    snprintf(wal, sizeof wal, "%s-wal", dev);
    snprintf(shm, sizeof shm, "%s-shm", dev);
    assert_int_not_equal(access(wal, F_OK), 0);
    assert_int_not_equal(access(shm, F_OK), 0);
    free(before);
    free(after);
    /* merging the coordinator into itself is refused */
    assert_int_equal(merge_one(coord, coord, &st, &s, why, sizeof why), HD_EINVAL);
    assert_non_null(strstr(why, "coord.db: this is the coordinator database itself"));
    assert_int_equal(complete_in(coord), 60);
}

static void test_coordinator_refused(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir()); /* tu_tmpdir's buffer is reused */
    char coord[512];
    snprintf(coord, sizeof coord, "%s/coord.db", dir);
    tu_write(coord, "not a database, but someone's file\n");
    hd_merge *m = NULL;
    char why[512];
    assert_int_not_equal(hd_merge_open(coord, &m, why, sizeof why), HD_OK);
    assert_null(m);
    assert_non_null(strstr(why, "coord.db: not an SQLite database"));
    /* and it is left alone */
    char *text = tu_slurp(coord, NULL);
    assert_string_equal(text, "not a database, but someone's file\n");
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_idempotent),
        cmocka_unit_test(test_conflict_kept_as_it_was),
        cmocka_unit_test(test_contact_conflict),
        cmocka_unit_test(test_hostile_files),
        cmocka_unit_test(test_bad_values_refuse_whole_file),
        cmocka_unit_test(test_schema_versions_and_flags),
        cmocka_unit_test(test_device_file_untouched),
        cmocka_unit_test(test_coordinator_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
