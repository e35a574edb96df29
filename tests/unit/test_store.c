/* test_store.c — the SQLite store against real files (DESIGN §4,
 * docs/database.md). The files are inspected with the sqlite3 command-line
 * tool, as a coordinator would: tests do not include sqlite3.h. */
#define _GNU_SOURCE
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/store.h"
#include "store/store_private.h"

/* ---- helpers ------------------------------------------------------------ */

/* tu_fmt() and tu_tmpdir() return rotating buffers that later calls reuse:
 * every path a test keeps is copied into its own array. */
#define PATH(var, ...)                                                      \
    char var[512];                                                          \
    if (snprintf(var, sizeof var, __VA_ARGS__) >= (int)sizeof var)          \
    fail_msg("path too long: %s", var)

/* Runs one SQL text through the sqlite3 shell on path; returns its stdout
 * (and stderr) as a new string. Fails the test when the shell fails. */
static char *sql(const char *path, const char *query)
{
    char qfile[4096];
    snprintf(qfile, sizeof qfile, "%s.query.sql", path);
    tu_write(qfile, query);
    char *out = NULL;
    int rc = tu_run(tu_fmt("sqlite3 -batch '%s' < '%s'", path, qfile), &out, 1);
    unlink(qfile);
    if (rc != 0)
        fail_msg("sqlite3 %s: %s -> %d: %s", path, query, rc, out);
    return out;
}

/* Asserts that the shell's answer to query on path is exactly expect. */
static void sql_is(const char *path, const char *query, const char *expect)
{
    char *out = sql(path, query);
    if (strcmp(out, expect) != 0)
        fail_msg("%s\n  expected: [%s]\n  got:      [%s]", query, expect, out);
    free(out);
}

static hd_store *open_ok(const char *path)
{
    hd_store *st = NULL;
    char moved[512];
    hd_err e = hd_store_open(path, &st, moved, sizeof moved);
    if (e != HD_OK)
        fail_msg("hd_store_open(%s): %s", path, hd_err_name(e));
    assert_string_equal(moved, "");
    return st;
}

static const hd_session_info demo_info = {
    .survey_id = "local-health",
    .survey_version = "2026-11-a",
    .language = "en",
    .tier = "quick",
    .venue = "Barber on King St",
    .mode = "self",
    .started_at = "2026-11-22T10:04:05Z",
};

static void start(hd_store *st, char id[HD_UUID_LEN + 1])
{
    assert_int_equal(hd_store_session_start(st, &demo_info, id), HD_OK);
}

static void expect_answer(hd_store *st, const char *sid, const char *qid, const char *value)
{
    char buf[8192];
    hd_err e = hd_store_answer_get(st, sid, qid, buf, sizeof buf);
    if (e != HD_OK)
        fail_msg("answer %s: %s", qid, hd_err_name(e));
    assert_string_equal(buf, value);
}

static int is_uuid_v4(const char *s)
{
    if (strlen(s) != HD_UUID_LEN)
        return 0;
    for (int i = 0; i < HD_UUID_LEN; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 0;
        } else if (!strchr("0123456789abcdef", s[i])) {
            return 0;
        }
    }
    return s[14] == '4' && strchr("89ab", s[19]) != NULL;
}

/* Deterministic garbage that cannot start with SQLite's magic string. */
static void garbage(unsigned char *buf, size_t n, unsigned seed)
{
    unsigned x = seed * 2654435761u + 1;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (unsigned char)(x >> 16);
    }
    buf[0] = 0xA5;
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

static int exists(const char *path) { return access(path, F_OK) == 0; }

static void assert_same_bytes(const char *path, const char *expect, size_t n)
{
    size_t got_n = 0;
    char *got = tu_slurp(path, &got_n);
    if (!got)
        fail_msg("%s is missing", path);
    assert_int_equal(got_n, n);
    assert_memory_equal(got, expect, n);
    free(got);
}

/* True when the bytes of path contain needle. */
static int file_contains(const char *path, const char *needle)
{
    size_t n = 0;
    char *data = tu_slurp(path, &n);
    if (!data)
        return 0;
    int found = memmem(data, n, needle, strlen(needle)) != NULL;
    free(data);
    return found;
}

/* ---- identity ----------------------------------------------------------- */

static void test_uuid_v4(void **state)
{
    (void)state;
    char a[HD_UUID_LEN + 1], b[HD_UUID_LEN + 1];
    for (int i = 0; i < 200; i++) {
        hd_uuid_v4(a);
        assert_true(is_uuid_v4(a));
    }
    hd_uuid_v4(b);
    assert_string_not_equal(a, b);
}

static void test_device_id_kept_across_reopen(void **state)
{
    (void)state;
    PATH(dir, "%s", tu_tmpdir());
    PATH(path, "%s/heard.db", dir);
    hd_store *st = open_ok(path);
    char dev[HD_UUID_LEN + 1];
    snprintf(dev, sizeof dev, "%s", hd_store_device_id(st));
    assert_true(is_uuid_v4(dev));
    char sid[HD_UUID_LEN + 1];
    start(st, sid);
    hd_store_close(st);

    st = open_ok(path);
    assert_string_equal(hd_store_device_id(st), dev);
    hd_store_close(st);
    sql_is(path, "SELECT value FROM meta WHERE key = 'device_id';", tu_fmt("%s\n", dev));
    sql_is(path, "SELECT device_id = (SELECT value FROM meta WHERE key = 'device_id') FROM session;",
           "1\n");

    hd_store *other = open_ok(tu_fmt("%s/other.db", dir));
    assert_string_not_equal(hd_store_device_id(other), dev);
    hd_store_close(other);
}

/* ---- schema and settings ------------------------------------------------ */

static void test_schema_exactly_as_design(void **state)
{
    (void)state;
    PATH(path, "%s/heard.db", tu_tmpdir());
    hd_store_close(open_ok(path));
    /* cid|name|type|notnull|default|pk */
    sql_is(path, "PRAGMA table_info(session);",
           "0|id|TEXT|0||1\n"
           "1|device_id|TEXT|1||0\n"
           "2|survey_id|TEXT|1||0\n"
           "3|survey_version|TEXT|1||0\n"
           "4|language|TEXT|1||0\n"
           "5|tier|TEXT|0||0\n"
           "6|venue|TEXT|0||0\n"
           "7|mode|TEXT|0||0\n"
           "8|started_at|TEXT|1||0\n"
           "9|ended_at|TEXT|0||0\n"
           "10|status|TEXT|1||0\n"
           "11|flagged|INTEGER|1|0|0\n");
    sql_is(path, "PRAGMA table_info(answer);",
           "0|session_id|TEXT|1||1\n"
           "1|question_id|TEXT|1||2\n"
           "2|value|TEXT|1||0\n"
           "3|answered_at|TEXT|1||0\n");
    sql_is(path, "SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('answer');",
           "session|session_id|id\n");
    sql_is(path, "PRAGMA table_info(contact);",
           "0|id|TEXT|0||1\n"
           "1|survey_id|TEXT|1||0\n"
           "2|created_on|TEXT|1||0\n"
           "3|sealed|BLOB|1||0\n");
    sql_is(path, "PRAGMA table_info(meta);", "0|key|TEXT|0||1\n1|value|TEXT|1||0\n");
    sql_is(path, "PRAGMA table_info(kv);",
           "0|key|TEXT|0||1\n1|value|TEXT|1||0\n2|updated_at|TEXT|1||0\n");
    sql_is(path, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name;",
           "answer\ncontact\nkv\nmeta\nsession\n");
    sql_is(path, "PRAGMA user_version;", tu_fmt("%d\n", HD_SCHEMA_VERSION));
    sql_is(path, "PRAGMA application_id;", "1751474546\n"); /* "hear" */
}

static void test_wal_and_full_sync_in_effect(void **state)
{
    (void)state;
    PATH(path, "%s/heard.db", tu_tmpdir());
    hd_store *st = open_ok(path);
    /* Stored in the file: another connection sees it. */
    sql_is(path, "PRAGMA journal_mode;", "wal\n");
    /* Per connection: asked on the store's own connection. */
    char buf[32];
    assert_int_equal(hd_store_pragma(st, "journal_mode", buf, sizeof buf), HD_OK);
    assert_string_equal(buf, "wal");
    assert_int_equal(hd_store_pragma(st, "synchronous", buf, sizeof buf), HD_OK);
    assert_string_equal(buf, "2"); /* FULL */
    assert_int_equal(hd_store_pragma(st, "foreign_keys", buf, sizeof buf), HD_OK);
    assert_string_equal(buf, "1");
    assert_int_equal(hd_store_pragma(st, "secure_delete", buf, sizeof buf), HD_OK);
    assert_string_equal(buf, "1");
    assert_int_equal(hd_store_pragma(st, "busy_timeout", buf, sizeof buf), HD_OK);
    assert_true(atoi(buf) >= 1000);
    assert_int_equal(hd_store_pragma(st, "wal_checkpoint", buf, sizeof buf), HD_EINVAL);
    /* A committed answer is in the WAL before the call returns. */
    char sid[HD_UUID_LEN + 1];
    start(st, sid);
    assert_int_equal(hd_store_answer_save(st, sid, "gp-access", "WALPROBE-4", "2026-11-22T10:05:00Z"),
                     HD_OK);
    assert_true(file_contains(tu_fmt("%s-wal", path), "WALPROBE-4"));
    sql_is(path, "SELECT value FROM answer;", "WALPROBE-4\n");
    hd_store_close(st);
}

static void test_memory_database(void **state)
{
    (void)state;
    hd_store *st = open_ok(":memory:");
    char sid[HD_UUID_LEN + 1];
    start(st, sid);
    assert_int_equal(hd_store_answer_save(st, sid, "age", "16-24", "2026-11-22T10:05:00Z"), HD_OK);
    expect_answer(st, sid, "age", "16-24");
    hd_store_close(st);
    hd_store_close(NULL);
}

/* ---- sessions and answers ----------------------------------------------- */

static void test_answer_save_replace_delete(void **state)
{
    (void)state;
    PATH(path, "%s/heard.db", tu_tmpdir());
    hd_store *st = open_ok(path);
    char sid[HD_UUID_LEN + 1];
    start(st, sid);
    assert_true(is_uuid_v4(sid));

    assert_int_equal(hd_store_answer_save(st, sid, "gp-access", "2", "2026-11-22T10:05:00Z"), HD_OK);
    assert_int_equal(hd_store_answer_save(st, sid, "barriers", "transport language",
                                          "2026-11-22T10:05:10Z"),
                     HD_OK);
    expect_answer(st, sid, "gp-access", "2");
    expect_answer(st, sid, "barriers", "transport language");

    /* Replacing keeps one row, with the new value and time. */
    assert_int_equal(hd_store_answer_save(st, sid, "gp-access", "4", "2026-11-22T10:06:00Z"), HD_OK);
    expect_answer(st, sid, "gp-access", "4");
    sql_is(path, "SELECT question_id, value, answered_at FROM answer ORDER BY question_id;",
           "barriers|transport language|2026-11-22T10:05:10Z\n"
           "gp-access|4|2026-11-22T10:06:00Z\n");

    /* Unicode survives unchanged. */
    assert_int_equal(hd_store_answer_save(st, sid, "story", "میں نے انتظار کیا — Zażółć",
                                          "2026-11-22T10:07:00Z"),
                     HD_OK);
    expect_answer(st, sid, "story", "میں نے انتظار کیا — Zażółć");

    /* Skipping after answering removes the row; deleting nothing is fine. */
    assert_int_equal(hd_store_answer_delete(st, sid, "barriers"), HD_OK);
    char buf[64] = "x";
    assert_int_equal(hd_store_answer_get(st, sid, "barriers", buf, sizeof buf), HD_ENOTFOUND);
    assert_string_equal(buf, "");
    assert_int_equal(hd_store_answer_delete(st, sid, "barriers"), HD_OK);

    /* A buffer too small is an error, never a silently cut answer. */
    char tiny[4];
    assert_int_equal(hd_store_answer_get(st, sid, "story", tiny, sizeof tiny), HD_EINVAL);
    assert_string_equal(tiny, "");

    /* The foreign key: no answer without its session. */
    assert_int_equal(hd_store_answer_save(st, "00000000-0000-4000-8000-000000000000", "age",
                                          "16-24", "2026-11-22T10:05:00Z"),
                     HD_ENOTFOUND);
    sql_is(path, "SELECT count(*) FROM answer WHERE question_id = 'age';", "0\n");

    /* Bad arguments change nothing. */
    assert_int_equal(hd_store_answer_save(st, sid, NULL, "1", "2026-11-22T10:05:00Z"), HD_EINVAL);
    assert_int_equal(hd_store_answer_save(st, sid, "q", NULL, "2026-11-22T10:05:00Z"), HD_EINVAL);
    assert_int_equal(hd_store_answer_save(st, sid, "q", "1", NULL), HD_EINVAL);
    sql_is(path, "SELECT count(*) FROM answer;", "2\n");
    hd_store_close(st);
}

static void test_session_start_end_language(void **state)
{
    (void)state;
    PATH(path, "%s/heard.db", tu_tmpdir());
    hd_store *st = open_ok(path);
    char sid[HD_UUID_LEN + 1];
    start(st, sid);
    sql_is(path,
           "SELECT survey_id, survey_version, language, tier, venue, mode, started_at,"
           " ended_at IS NULL, status FROM session;",
           "local-health|2026-11-a|en|quick|Barber on King St|self|2026-11-22T10:04:05Z|1|in_progress\n");
    assert_int_equal(hd_store_session_set_language(st, sid, "cy"), HD_OK);
    assert_int_equal(hd_store_session_end(st, sid, "complete", "2026-11-22T10:09:00Z"), HD_OK);
    sql_is(path, "SELECT language, status, ended_at FROM session;",
           "cy|complete|2026-11-22T10:09:00Z\n");

    /* Optional fields may be NULL; status and mode are checked. */
    hd_session_info bare = {.survey_id = "local-health", .survey_version = "v",
                            .language = "pl", .started_at = "2026-11-22T11:00:00Z"};
    char sid2[HD_UUID_LEN + 1];
    assert_int_equal(hd_store_session_start(st, &bare, sid2), HD_OK);
    assert_string_not_equal(sid, sid2);
    sql_is(path, tu_fmt("SELECT tier IS NULL, venue IS NULL, mode IS NULL FROM session"
                        " WHERE id = '%s';", sid2),
           "1|1|1\n");
    assert_int_equal(hd_store_session_end(st, sid2, "finished", "2026-11-22T11:01:00Z"), HD_EINVAL);
    hd_session_info badmode = bare;
    badmode.mode = "robot";
    assert_int_equal(hd_store_session_start(st, &badmode, sid2), HD_EINVAL);
    hd_session_info nolang = bare;
    nolang.language = NULL;
    assert_int_equal(hd_store_session_start(st, &nolang, sid2), HD_EINVAL);
    assert_int_equal(hd_store_session_end(st, sid2, "abandoned", "2026-11-22T11:01:00Z"), HD_OK);

    /* Recording something about a session that is not there is reported. */
    const char *ghost = "00000000-0000-4000-8000-000000000000";
    assert_int_equal(hd_store_session_end(st, ghost, "complete", "2026-11-22T11:01:00Z"),
                     HD_ENOTFOUND);
    assert_int_equal(hd_store_session_set_language(st, ghost, "en"), HD_ENOTFOUND);
    sql_is(path, "SELECT count(*) FROM session;", "2\n");
    hd_store_close(st);
}

static void test_session_delete_takes_its_answers(void **state)
{
    (void)state;
    PATH(path, "%s/heard.db", tu_tmpdir());
    hd_store *st = open_ok(path);
    char gone[HD_UUID_LEN + 1], kept[HD_UUID_LEN + 1];
    start(st, gone);
    start(st, kept);
    const char *q[] = {"gp-access", "barriers", "age", "ethnicity"};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(hd_store_answer_save(st, gone, q[i], "1", "2026-11-22T10:05:00Z"), HD_OK);
        assert_int_equal(hd_store_answer_save(st, kept, q[i], "2", "2026-11-22T10:05:00Z"), HD_OK);
    }
    assert_int_equal(hd_store_session_delete(st, gone), HD_OK);
    sql_is(path, tu_fmt("SELECT count(*) FROM answer WHERE session_id = '%s';", gone), "0\n");
    sql_is(path, tu_fmt("SELECT count(*) FROM session WHERE id = '%s';", gone), "0\n");
    sql_is(path, tu_fmt("SELECT count(*) FROM answer WHERE session_id = '%s';", kept), "4\n");
    sql_is(path, "PRAGMA foreign_key_check;", "");
    /* Withdrawing twice (a retried tap) is not an error. */
    assert_int_equal(hd_store_session_delete(st, gone), HD_OK);
    /* The deleted session cannot take answers any more. */
    assert_int_equal(hd_store_answer_save(st, gone, "age", "1", "2026-11-22T10:05:00Z"),
                     HD_ENOTFOUND);
    hd_store_close(st);
}

static void test_withdrawn_answer_not_left_in_files(void **state)
{
    (void)state;
    PATH(path, "%s/heard.db", tu_tmpdir());
    PATH(wal, "%s-wal", path);
    const char *canary = "CANARY-the-clinic-on-Elm-Road-7f3a";
    hd_store *st = open_ok(path);
    char sid[HD_UUID_LEN + 1], other[HD_UUID_LEN + 1];
    start(st, other);
    assert_int_equal(hd_store_answer_save(st, other, "story", "kept answer", "2026-11-22T10:05:00Z"),
                     HD_OK);
    start(st, sid);
    assert_int_equal(hd_store_answer_save(st, sid, "story", canary, "2026-11-22T10:05:00Z"), HD_OK);
    hd_store_close(st); /* checkpoint: the canary is now in the database file */
    assert_true(file_contains(path, canary)); /* so this test can see it */

    st = open_ok(path);
    /* Rewrite it once more so an older copy sits in the WAL too. */
    assert_int_equal(hd_store_answer_save(st, sid, "story", canary, "2026-11-22T10:06:00Z"), HD_OK);
    assert_true(file_contains(wal, canary));
    assert_int_equal(hd_store_session_delete(st, sid), HD_OK);
    /* While the kiosk still has the file open. */
    assert_false(file_contains(path, canary));
    assert_false(file_contains(wal, canary));
    expect_answer(st, other, "story", "kept answer");
    hd_store_close(st);
    assert_false(file_contains(path, canary));
    assert_false(file_contains(wal, canary));
    assert_true(file_contains(path, "kept answer"));
}

/* An idle reset deletes typed answers and ends the session: after
 * hd_store_scrub_wal they are in neither file, while the kiosk runs on. */
static void test_deleted_answer_scrubbed_from_wal(void **state)
{
    (void)state;
    PATH(path, "%s/heard.db", tu_tmpdir());
    PATH(wal, "%s-wal", path);
    const char *canary = "CANARY-my-knee-story-91c2";
    hd_store *st = open_ok(path);
    char sid[HD_UUID_LEN + 1];
    start(st, sid);
    assert_int_equal(hd_store_answer_save(st, sid, "age", "25-34", "2026-11-22T10:05:00Z"), HD_OK);
    assert_int_equal(hd_store_answer_save(st, sid, "story", canary, "2026-11-22T10:05:00Z"), HD_OK);
    assert_true(file_contains(wal, canary));
    assert_int_equal(hd_store_answer_delete(st, sid, "story"), HD_OK);
    assert_int_equal(hd_store_session_end(st, sid, "abandoned", "2026-11-22T10:07:00Z"), HD_OK);
    assert_true(file_contains(wal, canary)); /* older WAL frames still hold it */
    assert_int_equal(hd_store_scrub_wal(st), HD_OK);
    assert_false(file_contains(path, canary));
    assert_false(file_contains(wal, canary));
    expect_answer(st, sid, "age", "25-34");
    hd_store_close(st);
    assert_false(file_contains(path, canary));
}

static void test_count_sessions(void **state)
{
    (void)state;
    hd_store *st = open_ok(tu_fmt("%s/heard.db", tu_tmpdir()));
    struct {
        const char *survey, *tier, *started, *status;
    } rows[] = {
        {"local-health", "quick", "2026-11-20T09:00:00Z", "complete"},
        {"local-health", "quick", "2026-11-22T09:00:00Z", "complete"},
        {"local-health", "story", "2026-11-22T10:00:00Z", "complete"},
        {"local-health", "quick", "2026-11-22T11:00:00Z", "abandoned"},
        {"local-health", NULL, "2026-11-23T08:00:00Z", NULL},
        {"transport", "quick", "2026-11-22T09:00:00Z", "complete"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        hd_session_info in = demo_info;
        in.survey_id = rows[i].survey;
        in.tier = rows[i].tier;
        in.started_at = rows[i].started;
        char sid[HD_UUID_LEN + 1];
        assert_int_equal(hd_store_session_start(st, &in, sid), HD_OK);
        if (rows[i].status)
            assert_int_equal(hd_store_session_end(st, sid, rows[i].status, rows[i].started), HD_OK);
    }
    long n = -1;
    assert_int_equal(hd_store_count_sessions(st, "local-health", "complete", NULL, NULL, &n), HD_OK);
    assert_int_equal(n, 3);
    assert_int_equal(hd_store_count_sessions(st, "local-health", "complete", "quick", NULL, &n),
                     HD_OK);
    assert_int_equal(n, 2);
    assert_int_equal(
        hd_store_count_sessions(st, "local-health", "complete", NULL, "2026-11-22", &n), HD_OK);
    assert_int_equal(n, 2);
    assert_int_equal(
        hd_store_count_sessions(st, "local-health", "complete", "quick", "2026-11-22", &n), HD_OK);
    assert_int_equal(n, 1);
    assert_int_equal(hd_store_count_sessions(st, "local-health", "in_progress", NULL, NULL, &n),
                     HD_OK);
    assert_int_equal(n, 1);
    assert_int_equal(hd_store_count_sessions(st, "local-health", NULL, NULL, NULL, &n), HD_OK);
    assert_int_equal(n, 5);
    assert_int_equal(hd_store_count_sessions(st, "nothing", "complete", NULL, NULL, &n), HD_OK);
    assert_int_equal(n, 0);
    hd_store_close(st);
}

static void test_contact_has_no_link_to_answers(void **state)
{
    (void)state;
    PATH(path, "%s/heard.db", tu_tmpdir());
    hd_store *st = open_ok(path);
    const unsigned char sealed[] = {0x00, 0x01, 0xfe, 0xff, 'x', 0x00, 0x7f};
    assert_int_equal(hd_store_contact_add(st, "local-health", "2026-11-22", sealed, sizeof sealed),
                     HD_OK);
    assert_int_equal(hd_store_contact_add(st, "local-health", "2026-11-22", sealed, sizeof sealed),
                     HD_OK);
    /* Only a date: anything finer could link a contact to a session. */
    assert_int_equal(hd_store_contact_add(st, "local-health", "2026-11-22T10:04:05Z", sealed,
                                          sizeof sealed),
                     HD_EINVAL);
    assert_int_equal(hd_store_contact_add(st, "local-health", "22/11/2026", sealed, sizeof sealed),
                     HD_EINVAL);
    assert_int_equal(hd_store_contact_add(st, "local-health", "2026-11-22", sealed, 0), HD_EINVAL);
    hd_store_close(st);
    sql_is(path, "SELECT survey_id, created_on, hex(sealed), typeof(sealed) FROM contact;",
           "local-health|2026-11-22|0001FEFF78007F|blob\n"
           "local-health|2026-11-22|0001FEFF78007F|blob\n");
    char *ids = sql(path, "SELECT id FROM contact;");
    char a[64], b[64];
    assert_int_equal(sscanf(ids, "%63s %63s", a, b), 2);
    assert_true(is_uuid_v4(a));
    assert_true(is_uuid_v4(b));
    assert_string_not_equal(a, b);
    free(ids);
}

static void test_kv(void **state)
{
    (void)state;
    PATH(path, "%s/heard.db", tu_tmpdir());
    hd_store *st = open_ok(path);
    char buf[64] = "x";
    assert_int_equal(hd_store_kv_get(st, "pin.failures", buf, sizeof buf), HD_ENOTFOUND);
    assert_string_equal(buf, "");
    assert_int_equal(hd_store_kv_set(st, "pin.failures", "2"), HD_OK);
    assert_int_equal(hd_store_kv_set(st, "pin.locked_until", "1764000000000"), HD_OK);
    assert_int_equal(hd_store_kv_set(st, "pin.failures", "3"), HD_OK);
    assert_int_equal(hd_store_kv_get(st, "pin.failures", buf, sizeof buf), HD_OK);
    assert_string_equal(buf, "3");
    char tiny[4];
    assert_int_equal(hd_store_kv_get(st, "pin.locked_until", tiny, sizeof tiny), HD_EINVAL);
    assert_int_equal(hd_store_kv_set(st, "", "1"), HD_EINVAL);
    hd_store_close(st);

    st = open_ok(path);
    assert_int_equal(hd_store_kv_get(st, "pin.locked_until", buf, sizeof buf), HD_OK);
    assert_string_equal(buf, "1764000000000");
    hd_store_close(st);
    sql_is(path, "SELECT key, value, length(updated_at) FROM kv ORDER BY key;",
           "pin.failures|3|20\npin.locked_until|1764000000000|20\n");
}


/* ---- schema 2: the minimum gap, counts, updates ------------------------ */

/* Starts a session of survey/tier at started and ends it with status at
 * ended (status NULL: left in progress); the new id goes to sid. */
/* Sessions a crash left open are ended as abandoned at start-up with every
 * acknowledged answer kept; finished sessions are untouched. */
static void test_open_sessions_abandoned_after_crash(void **state)
{
    (void)state;
    const char *path = tu_fmt("%s/crash.db", tu_tmpdir());
    hd_store *st = open_ok(path);
    char open1[HD_UUID_LEN + 1], done[HD_UUID_LEN + 1];
    start(st, open1);
    start(st, done);
    assert_int_equal(hd_store_answer_save(st, open1, "age", "25-34", "2026-11-22T10:05:00Z"), HD_OK);
    assert_int_equal(hd_store_answer_save(st, open1, "story", "it hurt", "2026-11-22T10:06:00Z"), HD_OK);
    assert_int_equal(hd_store_answer_save(st, done, "story", "kept", "2026-11-22T10:06:00Z"), HD_OK);
    assert_int_equal(hd_store_session_end(st, done, "complete", "2026-11-22T10:07:00Z"), HD_OK);
    hd_store_close(st);

    st = open_ok(path); /* the "restart" */
    long n = -1;
    assert_int_equal(hd_store_abandon_open_sessions(st, "2026-11-22T11:00:00Z", &n), HD_OK);
    assert_int_equal(n, 1);
    assert_int_equal(hd_store_abandon_open_sessions(st, "2026-11-22T11:00:01Z", &n), HD_OK);
    assert_int_equal(n, 0); /* nothing left open: a second start changes nothing */
    hd_store_close(st);
    sql_is(path, tu_fmt("SELECT status, ended_at FROM session WHERE id = '%s';", open1),
           "abandoned|2026-11-22T11:00:00Z\n");
    sql_is(path,
           tu_fmt("SELECT question_id, value FROM answer WHERE session_id = '%s' ORDER BY 1;",
                  open1),
           "age|25-34\nstory|it hurt\n");
    sql_is(path, tu_fmt("SELECT status, ended_at FROM session WHERE id = '%s';", done),
           "complete|2026-11-22T10:07:00Z\n");
    sql_is(path, tu_fmt("SELECT value FROM answer WHERE session_id = '%s';", done), "kept\n");
}

static void session_at(hd_store *st, const char *survey, const char *tier, const char *started,
                       const char *status, const char *ended, char sid[HD_UUID_LEN + 1])
{
    hd_session_info in = demo_info;
    in.survey_id = survey;
    in.tier = tier;
    in.started_at = started;
    assert_int_equal(hd_store_session_start(st, &in, sid), HD_OK);
    if (status)
        assert_int_equal(hd_store_session_end(st, sid, status, ended), HD_OK);
}

static void expect_flagged(const char *path, const char *sid, int flagged)
{
    sql_is(path, tu_fmt("SELECT flagged FROM session WHERE id = '%s';", sid),
           tu_fmt("%d\n", flagged));
}

static void test_sessions_inside_min_gap_are_flagged_and_kept(void **state)
{
    (void)state;
    PATH(path, "%s/heard.db", tu_tmpdir());
    hd_store *st = open_ok(path);
    char a[HD_UUID_LEN + 1], b[HD_UUID_LEN + 1], c[HD_UUID_LEN + 1], d[HD_UUID_LEN + 1],
        e[HD_UUID_LEN + 1], f[HD_UUID_LEN + 1], g[HD_UUID_LEN + 1];
    const char *lh = "local-health";
    session_at(st, lh, "quick", "2026-11-22T10:00:00Z", "complete", "2026-11-22T10:01:00Z", a);
    /* 19 s after a: inside the default 20 s. Its answers are kept. */
    session_at(st, lh, "quick", "2026-11-22T10:01:05Z", NULL, NULL, b);
    assert_int_equal(hd_store_answer_save(st, b, "age", "16-24", "2026-11-22T10:01:10Z"), HD_OK);
    assert_int_equal(hd_store_session_end(st, b, "complete", "2026-11-22T10:01:19Z"), HD_OK);
    /* Exactly 20 s after b: not inside the gap. b counts as previous
     * although it is flagged itself. */
    session_at(st, lh, "quick", "2026-11-22T10:01:20Z", "complete", "2026-11-22T10:01:39Z", c);
    /* An abandoned session is never flagged, and is nobody's previous. */
    session_at(st, lh, "quick", "2026-11-22T10:01:40Z", "abandoned", "2026-11-22T10:01:45Z", d);
    session_at(st, lh, "story", "2026-11-22T10:01:46Z", "complete", "2026-11-22T10:02:00Z", e);
    /* The gap is per device, across surveys: 3 s after e, other survey. */
    session_at(st, "transport", "quick", "2026-11-22T10:02:01Z", "complete",
               "2026-11-22T10:02:03Z", f);
    expect_flagged(path, a, 0);
    expect_flagged(path, b, 1);
    expect_flagged(path, c, 0);
    expect_flagged(path, d, 0);
    expect_flagged(path, e, 0); /* 21 s after c */
    expect_flagged(path, f, 1);
    sql_is(path, tu_fmt("SELECT value FROM answer WHERE session_id = '%s';", b), "16-24\n");

    /* A session of another device (a merged copy) is not this one's
     * previous; one ending later than this one is not "previous" either. */
    free(sql(path, "INSERT INTO session(id, device_id, survey_id, survey_version, language,"
                   " started_at, ended_at, status) VALUES('other', 'dev-2', 'local-health', '1',"
                   " 'en', '2026-11-22T11:00:00Z', '2026-11-22T11:00:05Z', 'complete'),"
                   " ('later', (SELECT value FROM meta WHERE key = 'device_id'),"
                   " 'local-health', '1', 'en', '2026-11-22T11:00:00Z', '2026-11-22T11:00:20Z',"
                   " 'complete');"));
    session_at(st, lh, "quick", "2026-11-22T11:00:00Z", "complete", "2026-11-22T11:00:10Z", g);
    expect_flagged(path, g, 0);

    /* The gap is configurable; 0 flags nothing. */
    assert_int_equal(hd_store_set_min_gap(st, -1), HD_EINVAL);
    assert_int_equal(hd_store_set_min_gap(st, 86401), HD_EINVAL);
    assert_int_equal(hd_store_set_min_gap(NULL, 5), HD_EINVAL);
    assert_int_equal(hd_store_set_min_gap(st, 0), HD_OK);
    session_at(st, lh, "quick", "2026-11-22T12:00:00Z", "complete", "2026-11-22T12:01:00Z", a);
    session_at(st, lh, "quick", "2026-11-22T12:01:00Z", "complete", "2026-11-22T12:01:00Z", b);
    expect_flagged(path, b, 0);
    assert_int_equal(hd_store_set_min_gap(st, 120), HD_OK);
    session_at(st, lh, "quick", "2026-11-22T12:02:00Z", "complete", "2026-11-22T12:02:59Z", c);
    expect_flagged(path, c, 1); /* 119 s */
    /* Ending it again as abandoned clears the flag. */
    assert_int_equal(hd_store_session_end(st, c, "abandoned", "2026-11-22T12:03:00Z"), HD_OK);
    expect_flagged(path, c, 0);
    hd_store_close(st);
    /* Every session is kept, flagged or not. */
    sql_is(path, "SELECT count(*), sum(flagged) FROM session;", "12|2\n");
}

static void test_tier_and_flagged_counts(void **state)
{
    (void)state;
    hd_store *st = open_ok(tu_fmt("%s/heard.db", tu_tmpdir()));
    char sid[HD_UUID_LEN + 1];
    const char *lh = "local-health";
    struct {
        const char *survey, *tier, *at, *status;
    } rows[] = {
        {lh, "quick", "2026-11-21T09:00:00Z", "complete"},
        {lh, "quick", "2026-11-22T09:00:00Z", "complete"},
        {lh, "quick", "2026-11-22T09:00:05Z", "complete"}, /* flagged */
        {lh, "story", "2026-11-22T10:00:00Z", "complete"},
        {lh, "story", "2026-11-22T11:00:00Z", "abandoned"},
        {lh, "group", "2026-11-21T12:00:00Z", "complete"},
        {lh, "group", "2026-11-22T13:00:00Z", NULL},
        {lh, NULL, "2026-11-22T14:00:00Z", "complete"}, /* no tier: in no count */
        {"transport", "quick", "2026-11-22T15:00:00Z", "complete"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        session_at(st, rows[i].survey, rows[i].tier, rows[i].at, rows[i].status, rows[i].at,
                   sid);
    long n[3] = {-1, -1, -1};
    assert_int_equal(hd_store_tier_counts(st, lh, NULL, n), HD_OK);
    assert_int_equal(n[0], 2);
    assert_int_equal(n[1], 1);
    assert_int_equal(n[2], 1);
    assert_int_equal(hd_store_tier_counts(st, lh, "2026-11-22", n), HD_OK);
    assert_int_equal(n[0], 1);
    assert_int_equal(n[1], 1);
    assert_int_equal(n[2], 0);
    assert_int_equal(hd_store_tier_counts(st, "nothing", NULL, n), HD_OK);
    assert_int_equal(n[0] + n[1] + n[2], 0);
    assert_int_equal(hd_store_tier_counts(st, NULL, NULL, n), HD_EINVAL);
    long flagged = -1;
    assert_int_equal(hd_store_flagged_count(st, lh, NULL, &flagged), HD_OK);
    assert_int_equal(flagged, 1);
    assert_int_equal(hd_store_flagged_count(st, lh, "2026-11-23", &flagged), HD_OK);
    assert_int_equal(flagged, 0);
    /* hd_store_count_sessions still counts every complete session. */
    long all = 0;
    assert_int_equal(hd_store_count_sessions(st, lh, "complete", "quick", NULL, &all), HD_OK);
    assert_int_equal(all, 3);
    hd_store_close(st);
}

typedef struct collected {
    int n;
    char value[16][64];
    long count[16];
} collected;

static void collect(void *ctx, const char *value, long count)
{
    collected *c = ctx;
    assert_true(c->n < 16);
    snprintf(c->value[c->n], sizeof c->value[0], "%s", value);
    c->count[c->n++] = count;
}

static void test_value_counts(void **state)
{
    (void)state;
    hd_store *st = open_ok(tu_fmt("%s/heard.db", tu_tmpdir()));
    assert_int_equal(hd_store_set_min_gap(st, 0), HD_OK);
    struct {
        const char *survey, *status, *value;
    } rows[] = {
        {"local-health", "complete", "transport language"},
        {"local-health", "complete", "transport language"},
        {"local-health", "complete", "transport"},
        {"local-health", "complete", "prefer_not_to_say"},
        {"local-health", "abandoned", "transport"},
        {"local-health", NULL, "language"},
        {"transport", "complete", "language"},
    };
    char sid[HD_UUID_LEN + 1];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        session_at(st, rows[i].survey, "quick", "2026-11-22T09:00:00Z", NULL, NULL, sid);
        assert_int_equal(
            hd_store_answer_save(st, sid, "barriers", rows[i].value, "2026-11-22T09:01:00Z"),
            HD_OK);
        assert_int_equal(hd_store_answer_save(st, sid, "age", "16-24", "2026-11-22T09:01:00Z"),
                         HD_OK);
        if (rows[i].status)
            assert_int_equal(hd_store_session_end(st, sid, rows[i].status, "2026-11-22T09:02:00Z"),
                             HD_OK);
    }
    collected c = {0};
    assert_int_equal(hd_store_value_counts(st, "local-health", "barriers", collect, &c), HD_OK);
    assert_int_equal(c.n, 3);
    assert_string_equal(c.value[0], "prefer_not_to_say");
    assert_int_equal(c.count[0], 1);
    assert_string_equal(c.value[1], "transport");
    assert_int_equal(c.count[1], 1);
    assert_string_equal(c.value[2], "transport language");
    assert_int_equal(c.count[2], 2);

    /* A flagged session's answers are not counted. */
    assert_int_equal(hd_store_set_min_gap(st, 20), HD_OK);
    session_at(st, "local-health", "quick", "2026-11-22T09:00:00Z", NULL, NULL, sid);
    assert_int_equal(hd_store_answer_save(st, sid, "barriers", "transport", "2026-11-22T09:01:00Z"),
                     HD_OK);
    assert_int_equal(hd_store_session_end(st, sid, "complete", "2026-11-22T09:02:10Z"), HD_OK);
    memset(&c, 0, sizeof c);
    assert_int_equal(hd_store_value_counts(st, "local-health", "barriers", collect, &c), HD_OK);
    assert_int_equal(c.count[1], 1);

    memset(&c, 0, sizeof c);
    assert_int_equal(hd_store_value_counts(st, "local-health", "nothing", collect, &c), HD_OK);
    assert_int_equal(c.n, 0);
    assert_int_equal(hd_store_value_counts(st, "local-health", "barriers", NULL, &c), HD_EINVAL);
    hd_store_close(st);
}

static void test_updates_kept_across_restart(void **state)
{
    (void)state;
    PATH(path, "%s/heard.db", tu_tmpdir());
    hd_store *st = open_ok(path);
    char *text = (char *)"junk";
    size_t len = 99;
    assert_int_equal(hd_store_updates_get(st, &text, &len), HD_ENOTFOUND);
    assert_null(text);
    assert_int_equal(len, 0);
    const char *good = "[{\"date\": \"2026-11-20\", \"text\": \"The 14 now stops outside.\","
                       " \"translations\": {\"pl\": \"Autobus 14 zatrzymuje się przed wejściem.\"}}]";
    assert_int_equal(hd_store_updates_set(st, good), HD_OK);
    /* A broken file is refused and the loaded updates stay. */
    assert_int_equal(hd_store_updates_set(st, "[{\"date\": \"2026-11-20\"}]"), HD_EPARSE);
    assert_int_equal(hd_store_updates_set(st, "not json"), HD_EPARSE);
    assert_int_equal(hd_store_updates_set(st, NULL), HD_EINVAL);
    hd_store_close(st);

    st = open_ok(path);
    assert_int_equal(hd_store_updates_get(st, &text, &len), HD_OK);
    assert_string_equal(text, good);
    assert_int_equal(len, strlen(good));
    free(text);
    /* An empty list replaces them: no updates. */
    assert_int_equal(hd_store_updates_set(st, "[]"), HD_OK);
    assert_int_equal(hd_store_updates_get(st, &text, NULL), HD_OK);
    assert_string_equal(text, "[]");
    free(text);
    hd_store_close(st);
    sql_is(path, "SELECT key FROM kv;", "updates.json\n");
}

/* The version 1 schema exactly as released, for the migration test. */
static const char schema_v1_sql[] =
    "CREATE TABLE session(id TEXT PRIMARY KEY, device_id TEXT NOT NULL, survey_id TEXT NOT NULL,"
    " survey_version TEXT NOT NULL, language TEXT NOT NULL, tier TEXT, venue TEXT, mode TEXT,"
    " started_at TEXT NOT NULL, ended_at TEXT, status TEXT NOT NULL);"
    "CREATE TABLE answer(session_id TEXT NOT NULL REFERENCES session(id), question_id TEXT NOT"
    " NULL, value TEXT NOT NULL, answered_at TEXT NOT NULL, PRIMARY KEY (session_id,"
    " question_id));"
    "CREATE TABLE contact(id TEXT PRIMARY KEY, survey_id TEXT NOT NULL, created_on TEXT NOT"
    " NULL, sealed BLOB NOT NULL);"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE kv(key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL);"
    "CREATE INDEX session_by_survey ON session(survey_id, status, started_at);"
    "PRAGMA application_id = 1751474546; PRAGMA user_version = 1; PRAGMA journal_mode = WAL;"
    "INSERT INTO meta VALUES('device_id', '0b5e6d1c-93c2-4a57-9a43-1f2a4c9d0e11'),"
    " ('created_at', '2026-11-01T08:00:00Z'), ('created_by', 'heard 0.1.0'),"
    " ('migration.1', '2026-11-01T08:00:00Z');"
    "INSERT INTO session VALUES('s1', '0b5e6d1c-93c2-4a57-9a43-1f2a4c9d0e11', 'local-health',"
    " '1', 'en', 'quick', NULL, 'self', '2026-11-01T09:00:00Z', '2026-11-01T09:03:00Z',"
    " 'complete');"
    "INSERT INTO answer VALUES('s1', 'age', '16-24', '2026-11-01T09:01:00Z');";

static void test_migrates_v1_file(void **state)
{
    (void)state;
    PATH(path, "%s/v1.db", tu_tmpdir());
    free(sql(path, schema_v1_sql));
    sql_is(path, "PRAGMA user_version;", "1\n");
    hd_store *st = open_ok(path);
    assert_string_equal(hd_store_device_id(st), "0b5e6d1c-93c2-4a57-9a43-1f2a4c9d0e11");
    expect_answer(st, "s1", "age", "16-24");
    long n[3];
    assert_int_equal(hd_store_tier_counts(st, "local-health", NULL, n), HD_OK);
    assert_int_equal(n[0], 1); /* the old session is not flagged */
    /* The new column works on the migrated file: 10 s after s1. */
    char sid[HD_UUID_LEN + 1];
    session_at(st, "local-health", "quick", "2026-11-01T09:03:01Z", "complete",
               "2026-11-01T09:03:10Z", sid);
    hd_store_close(st);
    sql_is(path, "PRAGMA user_version;", "2\n");
    sql_is(path, "SELECT id, flagged FROM session ORDER BY started_at;",
           tu_fmt("s1|0\n%s|1\n", sid));
    sql_is(path, "SELECT key FROM meta WHERE key LIKE 'migration.%' ORDER BY key;",
           "migration.1\nmigration.2\n");
    sql_is(path, "SELECT value FROM meta WHERE key = 'migration.1';", "2026-11-01T08:00:00Z\n");
    sql_is(path, "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL"
                 " ORDER BY name;",
           "session_by_device_end\nsession_by_survey\nsession_counts\n");
    /* Opening again changes nothing more. */
    st = open_ok(path);
    hd_store_close(st);
    sql_is(path, "SELECT count(*) FROM meta WHERE key LIKE 'migration.%';", "2\n");
}

/* ---- migrations ------------------------------------------------------- */

static void test_migrates_empty_v0_files(void **state)
{
    (void)state;
    PATH(dir, "%s", tu_tmpdir());
    /* A zero-byte file, and an SQLite file with nothing in it. */
    PATH(zero, "%s/zero.db", dir);
    PATH(empty, "%s/empty.db", dir);
    write_bytes(zero, "", 0);
    free(sql(empty, "CREATE TABLE t(x); DROP TABLE t; VACUUM;"));
    sql_is(empty, "PRAGMA user_version; PRAGMA journal_mode;", "0\ndelete\n");
    const char *files[] = {zero, empty};
    for (int i = 0; i < 2; i++) {
        hd_store *st = open_ok(files[i]);
        char sid[HD_UUID_LEN + 1];
        start(st, sid);
        assert_int_equal(hd_store_answer_save(st, sid, "age", "16-24", "2026-11-22T10:05:00Z"),
                         HD_OK);
        hd_store_close(st);
        sql_is(files[i], "PRAGMA user_version; PRAGMA journal_mode;", "2\nwal\n");
        sql_is(files[i], "SELECT key FROM meta ORDER BY key;",
               "created_at\ncreated_by\ndevice_id\nmigration.1\nmigration.2\n");
        sql_is(files[i], "SELECT value FROM answer;", "16-24\n");
    }
}

static void test_refuses_unknown_files_untouched(void **state)
{
    (void)state;
    PATH(dir, "%s", tu_tmpdir());
    /* A heard database from a newer release. */
    PATH(newer, "%s/newer.db", dir);
    hd_store *st = open_ok(newer);
    hd_store_close(st);
    free(sql(newer, tu_fmt("PRAGMA user_version = %d;", HD_SCHEMA_VERSION + 1)));
    assert_false(exists(tu_fmt("%s-wal", newer)));
    /* Some other program's SQLite file: version 0 with tables, and a
     * versioned one without heard's application id. */
    PATH(foreign0, "%s/foreign0.db", dir);
    PATH(foreign7, "%s/foreign7.db", dir);
    free(sql(foreign0, "CREATE TABLE session(who TEXT); INSERT INTO session VALUES('x');"));
    free(sql(foreign7, "CREATE TABLE t(x); PRAGMA user_version = 7;"));

    const char *files[] = {newer, foreign0, foreign7};
    for (int i = 0; i < 3; i++) {
        size_t n = 0;
        char *before = tu_slurp(files[i], &n);
        assert_non_null(before);
        st = (hd_store *)1;
        char moved[512] = "junk";
        assert_int_equal(hd_store_open(files[i], &st, moved, sizeof moved), HD_ESCHEMA);
        assert_null(st);
        assert_string_equal(moved, "");
        assert_same_bytes(files[i], before, n);
        assert_false(exists(tu_fmt("%s.damaged-1", files[i])));
        /* Refused again, just the same, the next time. */
        assert_int_equal(hd_store_open(files[i], &st, NULL, 0), HD_ESCHEMA);
        assert_same_bytes(files[i], before, n);
        free(before);
    }
    sql_is(newer, "PRAGMA user_version;", tu_fmt("%d\n", HD_SCHEMA_VERSION + 1));
}

/* ---- damaged files ------------------------------------------------------ */

/* Opens path expecting it to be moved aside to want_moved; checks the moved
 * bytes are exactly before[n] and a working database now sits at path. */
static void expect_moved_aside(const char *path, const char *want_moved, const char *before,
                               size_t n)
{
    PATH(want, "%s", want_moved); /* the caller's may be a tu_fmt buffer */
    hd_store *st = NULL;
    char moved[512] = "junk";
    hd_err e = hd_store_open(path, &st, moved, sizeof moved);
    if (e != HD_OK)
        fail_msg("hd_store_open(%s): %s", path, hd_err_name(e));
    assert_string_equal(moved, want);
    assert_same_bytes(want, before, n);
    assert_true(is_uuid_v4(hd_store_device_id(st)));
    char sid[HD_UUID_LEN + 1];
    start(st, sid);
    assert_int_equal(hd_store_answer_save(st, sid, "age", "65+", "2026-11-22T10:05:00Z"), HD_OK);
    hd_store_close(st);
    sql_is(path, "PRAGMA quick_check; SELECT count(*) FROM answer;", "ok\n1\n");
    assert_same_bytes(want, before, n); /* still untouched */
}

static void test_garbage_file_moved_aside(void **state)
{
    (void)state;
    PATH(path, "%s/heard.db", tu_tmpdir());
    unsigned char junk[8192];
    garbage(junk, sizeof junk, 1);
    write_bytes(path, junk, sizeof junk);
    expect_moved_aside(path, tu_fmt("%s.damaged-1", path), (const char *)junk, sizeof junk);
    assert_false(exists(tu_fmt("%s.damaged-1-wal", path)));
    assert_false(exists(tu_fmt("%s.damaged-1-shm", path)));
}

static void test_text_file_moved_aside(void **state)
{
    (void)state;
    PATH(path, "%s/heard.db", tu_tmpdir());
    const char *text = "These are my shopping notes, not a database.\nmilk\nbread\n";
    tu_write(path, text);
    expect_moved_aside(path, tu_fmt("%s.damaged-1", path), text, strlen(text));
    /* Damaged twice: the second one gets the next free number. */
    tu_write(path, "hello");
    expect_moved_aside(path, tu_fmt("%s.damaged-2", path), "hello", 5);
    assert_same_bytes(tu_fmt("%s.damaged-1", path), text, strlen(text));
}

static void test_overwritten_page_moved_aside_with_wal(void **state)
{
    (void)state;
    PATH(path, "%s/heard.db", tu_tmpdir());
    hd_store *st = open_ok(path);
    char sid[HD_UUID_LEN + 1];
    start(st, sid);
    for (int i = 0; i < 20; i++)
        assert_int_equal(hd_store_answer_save(st, sid, tu_fmt("q%d", i), "some answer text",
                                              "2026-11-22T10:05:00Z"),
                         HD_OK);
    hd_store_close(st);
    assert_false(exists(tu_fmt("%s-wal", path)));

    char *root = sql(path, "SELECT rootpage FROM sqlite_schema WHERE name = 'answer';");
    char *psz = sql(path, "PRAGMA page_size;");
    long page = atol(root), size = atol(psz);
    free(root);
    free(psz);
    assert_true(page > 1 && size >= 512);
    size_t n = 0;
    char *bytes = tu_slurp(path, &n);
    assert_true((size_t)(page * size) <= n);
    garbage((unsigned char *)bytes + (page - 1) * size, (size_t)size, 7);
    write_bytes(path, bytes, n);
    /* A WAL that was beside it (here: not a valid one) goes with it, and
     * "damaged-1" is already taken by an earlier incident. */
    unsigned char walbytes[600];
    garbage(walbytes, sizeof walbytes, 9);
    write_bytes(tu_fmt("%s-wal", path), walbytes, sizeof walbytes);
    tu_write(tu_fmt("%s.damaged-1", path), "an earlier one");

    expect_moved_aside(path, tu_fmt("%s.damaged-2", path), bytes, n);
    assert_same_bytes(tu_fmt("%s.damaged-2-wal", path), (const char *)walbytes, sizeof walbytes);
    assert_same_bytes(tu_fmt("%s.damaged-1", path), "an earlier one", 14);
    free(bytes);
}

static void test_moved_to_too_small_changes_nothing(void **state)
{
    (void)state;
    PATH(path, "%s/heard.db", tu_tmpdir());
    tu_write(path, "not a database at all, and rather long for sqlite");
    hd_store *st = NULL;
    char moved[8];
    assert_int_equal(hd_store_open(path, &st, moved, sizeof moved), HD_EINVAL);
    assert_null(st);
    assert_same_bytes(path, "not a database at all, and rather long for sqlite", 49);
    assert_false(exists(tu_fmt("%s.damaged-1", path)));
    /* Without a buffer the caller just is not told the name. */
    assert_int_equal(hd_store_open(path, &st, NULL, 0), HD_OK);
    hd_store_close(st);
    assert_true(exists(tu_fmt("%s.damaged-1", path)));
}

/* ---- failing media ------------------------------------------------------ */

#define BIG 2000

/* The child of test_full_disk_never_acknowledged: runs with a file-size
 * limit so the disk "fills". Reports through fd; exit status says which
 * expectation failed. */
static void full_disk_child(const char *path, const char *sid, int fd)
{
    signal(SIGXFSZ, SIG_IGN);
    hd_store *st = NULL;
    if (hd_store_open(path, &st, NULL, 0) != HD_OK)
        _exit(10);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 256 * 1024;
    if (setrlimit(RLIMIT_FSIZE, &lim) != 0)
        _exit(11);
    char value[BIG + 16];
    int failed_at = -1;
    hd_err err = HD_OK;
    for (int i = 1; i < 1000 && failed_at < 0; i++) {
        memset(value, 'a' + i % 26, BIG);
        snprintf(value + BIG, 16, "#%d", i);
        err = hd_store_answer_save(st, sid, tu_fmt("q%d", i), value, "2026-11-22T10:05:00Z");
        if (err != HD_OK)
            failed_at = i;
    }
    if (failed_at < 0)
        _exit(12);
    if (err != HD_EFULL && err != HD_EIO)
        _exit(13);
    /* Still full: refused again, and reads still work. */
    if (hd_store_answer_save(st, sid, "never", "never saved", "2026-11-22T10:05:00Z") == HD_OK)
        _exit(14);
    char buf[64];
    if (hd_store_answer_get(st, sid, "q0", buf, sizeof buf) != HD_OK || strcmp(buf, "first") != 0)
        _exit(15);
    /* Space again: the same handle writes again. */
    if (setrlimit(RLIMIT_FSIZE, &old) != 0)
        _exit(16);
    if (hd_store_answer_save(st, sid, "after", "after the disk had room again",
                             "2026-11-22T10:06:00Z") != HD_OK)
        _exit(17);
    hd_store_close(st);
    if (write(fd, &failed_at, sizeof failed_at) != sizeof failed_at)
        _exit(18);
    _exit(0);
}

static void test_full_disk_never_acknowledged(void **state)
{
    (void)state;
    PATH(path, "%s/heard.db", tu_tmpdir());
    hd_store *st = open_ok(path);
    char sid[HD_UUID_LEN + 1];
    start(st, sid);
    assert_int_equal(hd_store_answer_save(st, sid, "q0", "first", "2026-11-22T10:05:00Z"), HD_OK);
    hd_store_close(st);

    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(p[0]);
        full_disk_child(path, sid, p[1]);
    }
    close(p[1]);
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail_msg("full-disk child failed: status %d (see full_disk_child)",
                 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    int failed_at = -1;
    assert_int_equal(read(p[0], &failed_at, sizeof failed_at), sizeof failed_at);
    close(p[0]);
    assert_true(failed_at > 1); /* some writes fitted before the "disk" filled */

    /* Everything acknowledged is there; nothing refused is. */
    st = open_ok(path);
    expect_answer(st, sid, "q0", "first");
    char value[BIG + 16];
    for (int i = 1; i < failed_at; i++) {
        memset(value, 'a' + i % 26, BIG);
        snprintf(value + BIG, 16, "#%d", i);
        expect_answer(st, sid, tu_fmt("q%d", i), value);
    }
    char buf[64];
    assert_int_equal(hd_store_answer_get(st, sid, tu_fmt("q%d", failed_at), buf, sizeof buf),
                     HD_ENOTFOUND);
    assert_int_equal(hd_store_answer_get(st, sid, "never", buf, sizeof buf), HD_ENOTFOUND);
    expect_answer(st, sid, "after", "after the disk had room again");
    /* A new process without the limit writes as usual. */
    assert_int_equal(hd_store_answer_save(st, sid, "later", "fine", "2026-11-22T10:07:00Z"), HD_OK);
    hd_store_close(st);
    sql_is(path, "PRAGMA quick_check;", "ok\n");
}

/* The read-only expectations, run either here (chmod works) or in a child
 * re-executed in a mount namespace with dir bind-mounted read-only (root,
 * for whom chmod does not stop writes). Returns 0 or which one failed. */
static int readonly_expectations(const char *dir)
{
    hd_store *st = NULL;
    hd_err e = hd_store_open(tu_fmt("%s/heard.db", dir), &st, NULL, 0);
    if (e != HD_EREADONLY) {
        fprintf(stderr, "existing database on read-only media: %s\n", hd_err_name(e));
        hd_store_close(st);
        return 41;
    }
    e = hd_store_open(tu_fmt("%s/new.db", dir), &st, NULL, 0);
    if (e != HD_EREADONLY) {
        fprintf(stderr, "new database on read-only media: %s\n", hd_err_name(e));
        hd_store_close(st);
        return 42;
    }
    return 0;
}

static void test_readonly_media(void **state)
{
    (void)state;
    PATH(dir, "%s", tu_tmpdir());
    PATH(path, "%s/heard.db", dir);
    hd_store *st = open_ok(path);
    char sid[HD_UUID_LEN + 1];
    start(st, sid);
    assert_int_equal(hd_store_answer_save(st, sid, "age", "16-24", "2026-11-22T10:05:00Z"), HD_OK);
    hd_store_close(st);
    size_t n = 0;
    char *before = tu_slurp(path, &n);

    assert_int_equal(chmod(path, 0444), 0);
    assert_int_equal(chmod(dir, 0555), 0);
    int probe = open(tu_fmt("%s/probe", dir), O_CREAT | O_WRONLY, 0600);
    if (probe < 0) {
        assert_int_equal(readonly_expectations(dir), 0);
        assert_int_equal(chmod(dir, 0755), 0);
        assert_int_equal(chmod(path, 0644), 0);
    } else {
        /* Privileged: permissions do not stop us. Use a read-only bind mount
         * in a private mount namespace instead. */
        close(probe);
        unlink(tu_fmt("%s/probe", dir));
        assert_int_equal(chmod(dir, 0755), 0);
        assert_int_equal(chmod(path, 0644), 0);
        char self[1024];
        ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
        assert_true(len > 0);
        self[len] = '\0';
        char *out = NULL;
        int rc = tu_run(tu_fmt("unshare -m sh -c \"mount --bind '%s' '%s' && "
                               "mount -o remount,bind,ro '%s' || exit 99; "
                               "exec '%s' --readonly-check '%s'\"",
                               dir, dir, dir, tu_runnable(self), dir),
                        &out, 1);
        if (rc != 0 && rc < 40) {
            free(out);
            free(before);
            skip(); /* running privileged, and no mount namespace to make a
                       read-only filesystem in: cannot make media read-only */
        }
        if (rc != 0)
            fail_msg("read-only check failed (%d): %s", rc, out);
        free(out);
    }
    /* Untouched, and fine again once writable. */
    assert_same_bytes(path, before, n);
    free(before);
    st = open_ok(path);
    expect_answer(st, sid, "age", "16-24");
    assert_int_equal(hd_store_answer_save(st, sid, "ethnicity", "prefer_not_to_say",
                                          "2026-11-22T10:06:00Z"),
                     HD_OK);
    hd_store_close(st);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--readonly-check") == 0)
        return readonly_expectations(argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uuid_v4),
        cmocka_unit_test(test_device_id_kept_across_reopen),
        cmocka_unit_test(test_schema_exactly_as_design),
        cmocka_unit_test(test_wal_and_full_sync_in_effect),
        cmocka_unit_test(test_memory_database),
        cmocka_unit_test(test_answer_save_replace_delete),
        cmocka_unit_test(test_session_start_end_language),
        cmocka_unit_test(test_session_delete_takes_its_answers),
        cmocka_unit_test(test_withdrawn_answer_not_left_in_files),
        cmocka_unit_test(test_count_sessions),
        cmocka_unit_test(test_contact_has_no_link_to_answers),
        cmocka_unit_test(test_kv),
        cmocka_unit_test(test_deleted_answer_scrubbed_from_wal),
        cmocka_unit_test(test_open_sessions_abandoned_after_crash),
        cmocka_unit_test(test_sessions_inside_min_gap_are_flagged_and_kept),
        cmocka_unit_test(test_tier_and_flagged_counts),
        cmocka_unit_test(test_value_counts),
        cmocka_unit_test(test_updates_kept_across_restart),
        cmocka_unit_test(test_migrates_v1_file),
        cmocka_unit_test(test_migrates_empty_v0_files),
        cmocka_unit_test(test_refuses_unknown_files_untouched),
        cmocka_unit_test(test_garbage_file_moved_aside),
        cmocka_unit_test(test_text_file_moved_aside),
        cmocka_unit_test(test_overwritten_page_moved_aside_with_wal),
        cmocka_unit_test(test_moved_to_too_small_changes_nothing),
        cmocka_unit_test(test_full_disk_never_acknowledged),
        cmocka_unit_test(test_readonly_media),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
