/* test_coprod_e2e.c — the co-production features of issue 6, end to end:
 * build/heard --headless runs events scripts on a real database, which is
 * then read back with the sqlite3 tool and heard-sync.
 *
 *  - a group sign-up whose name, phone and email appear in no byte of the
 *    database files, and come back with heard-sync contacts;
 *  - a story typed, saved at a pause, then left: nothing of it stays;
 *  - the staff PIN lockout kept across a restart (two runs, one database,
 *    with wait on the virtual clock);
 *  - the admin screen: counts, venue (listed and typed) and mode recorded on
 *    sessions and kept across a restart, the "Assisted" marker;
 *  - copy to USB while another process writes sessions: a consistent,
 *    checked copy; and the messages when there is no stick;
 *  - updates.json: a good file shown on welcome and thanks, a malformed one
 *    refused with file:line:col on the staff screen and the old one kept;
 *  - "What we've heard so far" appearing once a question has 10 answers;
 *  - the minimum gap between complete sessions; no group tier without a key.
 */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/json.h"

#define PIN "2468"

static char dir[512];
static char pin_hash[crypto_pwhash_STRBYTES];
static int n_run;

static int setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    snprintf(dir, sizeof dir, "%s", tu_tmpdir());
    /* The coordinator's keys, as heard-sync keygen writes them. */
    if (tu_run(tu_fmt("'%s' keygen --public '%s/coord.pub' --secret '%s/coord.sec'",
                      tu_bin("heard-sync"), dir, dir),
               NULL, 1) != 0)
        return -1;
    /* Minimal Argon2 limits: the kiosk checks any argon2id string, and the
     * tests need not spend a second per PIN. */
    if (crypto_pwhash_str(pin_hash, PIN, strlen(PIN), crypto_pwhash_OPSLIMIT_MIN,
                          crypto_pwhash_MEMLIMIT_MIN) != 0)
        return -1;
    return 0;
}

/* A copy of s that outlives tu_fmt's rotating buffers (a ring of its own,
 * long enough for what one test holds at once). */
static const char *keep(const char *s)
{
    static char ring[32][1024];
    static int next;
    char *b = ring[next++ % 32];
    snprintf(b, sizeof ring[0], "%s", s);
    return b;
}

/* A config in its own file; extra is more JSON members (may be ""). */
static const char *config(const char *name, bool key, const char *extra)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%s.json", dir, name);
    tu_write(path, tu_fmt("{%s\"staff_pin_hash\": \"%s\",\n"
                          " \"venues\": [\"Test hall\", \"Barber's on King Street\"]%s%s}\n",
                          key ? "\"coordinator_public_key\": \"coord.pub\",\n" : "", pin_hash,
                          extra && *extra ? ",\n " : "", extra ? extra : ""));
    return keep(path);
}

typedef struct run {
    int rc;
    char *out;
    char *err;
} run;

static void run_free(run *r)
{
    free(r->out);
    free(r->err);
}

/* heard --headless on events, database db, config cfg; shots into shots
 * (may be NULL). */
static run heard(const char *events, const char *db_, const char *cfg_, const char *shots_)
{
    run r = {0};
    /* the arguments may sit in tu_fmt's buffers, which the calls below reuse */
    char db[1024], cfg[1024], shots_buf[1024];
    snprintf(db, sizeof db, "%s", db_);
    snprintf(cfg, sizeof cfg, "%s", cfg_);
    snprintf(shots_buf, sizeof shots_buf, "%s", shots_ ? shots_ : "");
    const char *shots = shots_ ? shots_buf : NULL;
    int k = ++n_run;
    const char *ev = tu_fmt("%s/events-%d.txt", dir, k);
    tu_write(ev, events);
    const char *errf = tu_fmt("%s/stderr-%d.txt", dir, k);
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "'%s' --headless --events '%s' --db '%s' --survey '%s' --translations '%s' "
             "--config '%s' %s%s%s 2>'%s'",
             tu_bin("heard"), ev, db, tu_src("assets/surveys/example.json"),
             tu_src("translations"), cfg, shots ? "--shots '" : "", shots ? shots : "",
             shots ? "'" : "", errf);
    r.rc = tu_run(cmd, &r.out, 0);
    r.err = tu_slurp(errf, NULL);
    if (!r.err)
        r.err = strdup("");
    return r;
}

static void assert_ok(const run *r)
{
    if (r->rc != 0)
        fail_msg("heard exited %d\nstderr:\n%s\nstdout:\n%s", r->rc, r->err, r->out);
}

static const char *db_path(const char *name) { return keep(tu_fmt("%s/%s.db", dir, name)); }

/* Output of one query through the sqlite3 tool. */
static char *sql(const char *db, const char *query)
{
    char *out = NULL;
    int rc = tu_run(tu_fmt("sqlite3 -batch -noheader '%s' \"%s\"", db, query), &out, 1);
    if (rc != 0)
        fail_msg("sqlite3 failed (%d): %s", rc, out);
    return out;
}

static void assert_sql(const char *db, const char *query, const char *want)
{
    char *got = sql(db, query);
    if (strcmp(got, want) != 0)
        fail_msg("%s\n--- got:\n%s--- want:\n%s", query, got, want);
    free(got);
}

static long sql_long(const char *db, const char *query)
{
    char *got = sql(db, query);
    long v = atol(got);
    free(got);
    return v;
}

/* The text of element id in a layout dump, or NULL when it is not there
 * (a copy to free). */
static char *shot_text(const char *json_path, const char *id)
{
    size_t n = 0;
    char *js = tu_slurp(json_path, &n);
    if (!js)
        fail_msg("no layout dump %s", json_path);
    hd_json_doc *doc = NULL;
    hd_diag d;
    hd_diag_init(&d, json_path);
    assert_int_equal(hd_json_parse(js, n, &doc, &d), HD_OK);
    char *text = NULL;
    for (const hd_json *e = hd_json_get(hd_json_root(doc), "elements")->child; e; e = e->next)
        if (strcmp(hd_json_get(e, "id")->string, id) == 0)
            text = strdup(hd_json_get(e, "text")->string);
    hd_json_free(doc);
    free(js);
    return text;
}

static void assert_shot_has(const char *json_path, const char *id, const char *needle)
{
    char *t = shot_text(json_path, id);
    if (!t)
        fail_msg("%s: no element \"%s\"", json_path, id);
    if (needle && !strstr(t, needle))
        fail_msg("%s: \"%s\" says \"%s\", not \"%s\"", json_path, id, t, needle);
    free(t);
}

static bool file_has(const char *path, const char *needle)
{
    size_t n = 0;
    unsigned char *b = (unsigned char *)tu_slurp(path, &n);
    if (!b)
        return false;
    size_t m = strlen(needle);
    bool found = false;
    for (size_t i = 0; i + m <= n && !found; i++)
        found = memcmp(b + i, needle, m) == 0;
    free(b);
    return found;
}

/* No byte of the database, its WAL, shm or journal holds needle. */
static void assert_nowhere(const char *db, const char *needle)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    for (int i = 0; i < 4; i++)
        if (file_has(tu_fmt("%s%s", db, suffix[i]), needle))
            fail_msg("\"%s\" found in %s%s", needle, db, suffix[i]);
}

/* Opening staff mode with the PIN. */
static const char staff[] = "hold 10 10 3000\n"
                            "expect screen admin-pin\n"
                            "type " PIN "\n"
                            "tap @next\n"
                            "expect screen admin\n";

/* A quick session to the end in lang: respect answered "5", the rest
 * skipped; home after the thanks unless stay. */
static const char *quick(const char *lang, bool stay);

static const char quick_session[] = "tap @lang.en\n"
                                    "tap @next\n"
                                    "tap @tier.quick\n"
                                    "tap @next\n"
                                    "tap @choice.doctor\n"
                                    "tap @next\n"
                                    "tap @face.5\n"
                                    "tap @next\n"
                                    "tap @face.5          # respect\n"
                                    "tap @next\n"
                                    "tap @skip\n"
                                    "tap @skip\n"
                                    "tap @skip\n"
                                    "tap @skip\n"
                                    "tap @skip\n"
                                    "tap @skip\n"
                                    "tap @skip\n"
                                    "tap @skip\n"
                                    "expect screen support  # after About you\n"
                                    "tap @next\n"
                                    "expect screen review\n"
                                    "tap @send\n"
                                    "expect screen thanks\n"
                                    "tap @home\n";

static const char *quick(const char *lang, bool stay)
{
    static char buf[2048];
    snprintf(buf, sizeof buf, "tap @lang.%s\n%s", lang,
             quick_session + strlen("tap @lang.en\n"));
    if (stay)
        buf[strlen(buf) - strlen("tap @home\n")] = '\0';
    return buf;
}

/* ---- group tier ------------------------------------------------------------ */

static void test_group_contacts_sealed_and_opened(void **state)
{
    (void)state;
    const char *db = db_path("group");
    run r = heard("tap @lang.en\n"
                  "tap @next\n"
                  "tap @tier.group\n"
                  "tap @next\n"
                  "type Zebedee Quimby\n"
                  "wait 3000\n"
                  "tap @next\n"
                  "type 07700 913579\n"
                  "tap @next\n"
                  "type zeb.quimby@example.org\n"
                  "tap @next\n"
                  "expect screen review\n"
                  "tap @send\n"
                  "expect screen thanks\n"
                  "wait 11000\n"
                  "expect screen welcome\n",
                  db, config("cfg-group", true, NULL), NULL);
    assert_ok(&r);
    assert_string_equal(r.out, ""); /* no answer saved in the clear */
    assert_sql(db, "SELECT count(*) FROM answer", "0\n");
    assert_sql(db, "SELECT count(*), length(created_on) FROM contact", "1|10\n");
    assert_sql(db, "SELECT tier, status FROM session", "group|complete\n");
    assert_nowhere(db, "Zebedee");
    assert_nowhere(db, "Quimby");
    assert_nowhere(db, "913579");
    assert_nowhere(db, "zeb.quimby");
    /* Only the coordinator's secret key gives them back. */
    const char *csv = keep(tu_fmt("%s/contacts.csv", dir));
    char *out = NULL;
    int rc = tu_run(tu_fmt("'%s' contacts --db '%s' --secret '%s/coord.sec' --out '%s'",
                           tu_bin("heard-sync"), db, dir, csv),
                    &out, 1);
    if (rc != 0)
        fail_msg("heard-sync contacts: %s", out);
    free(out);
    assert_true(file_has(csv, "Zebedee Quimby"));
    assert_true(file_has(csv, "07700 913579"));
    assert_true(file_has(csv, "zeb.quimby@example.org"));
    run_free(&r);
}

/* Without the coordinator's key the group tier is not offered, and the log
 * says why. */
static void test_no_key_no_group_tier(void **state)
{
    (void)state;
    const char *shots = keep(tu_fmt("%s/nokey", dir));
    run r = heard("tap @lang.en\n"
                  "tap @next\n"
                  "shot tiers\n",
                  db_path("nokey"), config("cfg-nokey", false, NULL), shots);
    assert_ok(&r);
    const char *js = keep(tu_fmt("%s/tiers.json", shots));
    assert_shot_has(js, "tier.quick", NULL);
    char *g = shot_text(js, "tier.group");
    assert_null(g);
    assert_non_null(strstr(r.err, "\"group\" tier is not offered"));
    assert_non_null(strstr(r.err, "coordinator_public_key"));
    run_free(&r);
}

/* ---- story tier ---------------------------------------------------------------- */

/* A story is saved at a pause in typing, and gone without trace once its
 * teller leaves. */
static void test_story_saved_then_left(void **state)
{
    (void)state;
    const char *db = db_path("story");
    run r = heard("tap @lang.en\n"
                  "tap @next\n"
                  "tap @tier.story\n"
                  "tap @next\n"
                  "tap @choice.doctor\n"
                  "tap @next\n"
                  "tap @face.5\n"
                  "tap @next\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "type My neighbour Ottoline\n"
                  "wait 2500\n"
                  "tap @leave\n"
                  "tap @confirm\n"
                  "expect screen welcome\n",
                  db, config("cfg-story", true, NULL), NULL);
    assert_ok(&r);
    assert_non_null(strstr(r.out, " what-happened\n")); /* it was saved at the pause */
    assert_sql(db, "SELECT count(*) FROM session", "0\n");
    assert_sql(db, "SELECT count(*) FROM answer", "0\n");
    assert_nowhere(db, "Ottoline");
    run_free(&r);
}

/* ---- staff PIN lockout ---------------------------------------------------------- */

static void test_pin_lockout_survives_restart(void **state)
{
    (void)state;
    const char *db = db_path("pin");
    const char *cfg = config("cfg-pin", true, NULL);
    const char *shots = keep(tu_fmt("%s/pin", dir));
    char wrong[1024] = "hold 10 10 3000\nexpect screen admin-pin\n";
    for (int i = 0; i < 5; i++)
        strcat(wrong, "type 1111\ntap @next\nexpect screen admin-pin\n");
    strcat(wrong, "shot locked\n");
    run r = heard(wrong, db, cfg, shots);
    assert_ok(&r);
    assert_shot_has(tu_fmt("%s/locked.json", shots), "message", "Try again in 0:");
    assert_shot_has(tu_fmt("%s/locked.json", shots), "key.5", NULL); /* the keypad stays */
    assert_sql(db, "SELECT substr(value, 1, 7) FROM kv WHERE key = 'staff.lockout'", "v1 0 1 \n");
    long until = sql_long(db, "SELECT substr(value, 8) FROM kv WHERE key = 'staff.lockout'");
    assert_true(until > 1700000000L);
    run_free(&r);

    /* A restart: the right PIN is still refused, and does not count. The
     * virtual clock starts again at the real time of day, a little before
     * where the last run's clock ended: the lockout then runs its 30 s
     * from now (a clock that went back restarts it, never lengthens it). */
    r = heard("hold 10 10 3000\n"
              "type " PIN "\n"
              "tap @next\n"
              "expect screen admin-pin\n"
              "shot still-locked\n"
              "wait 31000\n"
              "type " PIN "\n"
              "tap @next\n"
              "expect screen admin\n",
              db, cfg, shots);
    assert_ok(&r);
    assert_shot_has(tu_fmt("%s/still-locked.json", shots), "message", "Too many wrong PINs");
    assert_non_null(strstr(r.err, "staff PIN refused: locked out"));
    /* the right PIN after the lockout clears it all */
    assert_sql(db, "SELECT substr(value, 1, 7) FROM kv WHERE key = 'staff.lockout'", "v1 0 0 \n");
    run_free(&r);
}

/* ---- admin: counts, venue, mode --------------------------------------------------- */

static void test_admin_venue_mode_kept(void **state)
{
    (void)state;
    const char *db = db_path("venue");
    const char *cfg = config("cfg-venue", true, "\"min_gap_s\": 0");
    const char *shots = keep(tu_fmt("%s/venue", dir));
    char ev[8192];
    snprintf(ev, sizeof ev,
             "%s"                         /* a session at no venue, self */
             "%s"                         /* staff */
             "shot admin-1\n"
             "tap @admin.venue.1\n"
             "tap @admin.mode.assisted\n"
             "shot admin-2\n"
             "tap @admin.exit\n"
             "shot welcome\n"
             "%s"                         /* at the barber's, assisted */
             "%s"
             "tap @admin.venue.type\n"
             "type Caf\xc3\xa9 on the Hill\n"
             "tap @next\n"
             "tap @admin.mode.self\n"
             "tap @admin.exit\n",
             quick_session, staff, quick_session, staff);
    run r = heard(ev, db, cfg, shots);
    assert_ok(&r);
    assert_shot_has(tu_fmt("%s/admin-1.json", shots), "admin.count.quick", "1 today, 1 in total");
    assert_shot_has(tu_fmt("%s/admin-1.json", shots), "admin.venue", "No venue chosen");
    assert_shot_has(tu_fmt("%s/welcome.json", shots), "mode", "Assisted");
    assert_sql(db, "SELECT coalesce(venue, '-'), mode FROM session ORDER BY rowid",
               "-|self\nBarber's on King Street|assisted\n");
    run_free(&r);
    /* After a restart the typed venue and self mode hold. */
    r = heard(tu_fmt("%s%sshot admin-3\n", quick_session, staff), db, cfg, shots);
    assert_ok(&r);
    /* (by rowid: this run's virtual clock started at the real time of day,
     * before where the last run's had got to) */
    assert_sql(db, "SELECT venue, mode FROM session ORDER BY rowid DESC LIMIT 1",
               "Caf\xc3\xa9" " on the Hill|self\n");
    assert_shot_has(tu_fmt("%s/admin-3.json", shots), "admin.venue", " on the Hill");
    assert_shot_has(tu_fmt("%s/admin-3.json", shots), "admin.count.quick", "3 today, 3 in total");
    run_free(&r);
}

/* ---- the minimum gap ---------------------------------------------------------------- */

static void test_min_gap_flags_quick_repeats(void **state)
{
    (void)state;
    const char *db = db_path("gap");
    char ev[8192];
    snprintf(ev, sizeof ev, "%s%swait 21000\n%s", quick_session, quick_session, quick_session);
    run r = heard(ev, db, config("cfg-gap", true, "\"min_gap_s\": 20"), NULL);
    assert_ok(&r);
    assert_sql(db, "SELECT flagged FROM session ORDER BY ended_at", "0\n1\n0\n");
    run_free(&r);
    /* the staff screen counts only the unflagged ones, and says so */
    const char *shots = keep(tu_fmt("%s/gap", dir));
    r = heard(tu_fmt("%sshot admin\ntap @admin.flagged    # scrolled into view\nshot flagged\n",
                     staff),
              db, config("cfg-gap", true, "\"min_gap_s\": 20"), shots);
    assert_ok(&r);
    assert_shot_has(tu_fmt("%s/admin.json", shots), "admin.count.quick", "2 today, 2 in total");
    assert_shot_has(tu_fmt("%s/flagged.json", shots), "admin.flagged", "1 today, 1 in total");
    run_free(&r);
}

/* ---- USB copy ---------------------------------------------------------------------------- */

/* Sessions written into db by the sqlite3 tool: n complete ones with ids
 * <prefix>-<i>, in one transaction. */
static void add_sessions(const char *db, const char *prefix, int n, const char *date)
{
    char *q = malloc(512 * (size_t)n + 256);
    size_t o = 0;
    o += (size_t)sprintf(q + o, "BEGIN;");
    for (int i = 0; i < n; i++)
        o += (size_t)sprintf(q + o,
                             "INSERT INTO session(id, device_id, survey_id, survey_version, "
                             "language, tier, started_at, ended_at, status) SELECT '%s-%d', "
                             "value, 'local-health', '2026-11-a', 'en', 'quick', '%sT09:00:00Z', "
                             "'%sT09:01:00Z', 'complete' FROM meta WHERE key = 'device_id';",
                             prefix, i, date, date);
    sprintf(q + o, "COMMIT;");
    const char *file = keep(tu_fmt("%s/add.sql", dir));
    tu_write(file, q);
    free(q);
    char *out = NULL;
    if (tu_run(tu_fmt("sqlite3 -batch '%s' < '%s'", db, file), &out, 1) != 0)
        fail_msg("sqlite3: %s", out);
    free(out);
}

/* Copy to USB while another process keeps writing sessions: the copy
 * checks out, holds every session committed before the copy (and of the
 * writer's, a prefix: a consistent snapshot), and has no WAL beside it. */
static void test_usb_copy_while_writing(void **state)
{
    (void)state;
    const char *db = db_path("usb");
    const char *usb = keep(tu_fmt("%s/usb", dir));
    char usb_dir[700];
    snprintf(usb_dir, sizeof usb_dir, "%s", usb);
    assert_int_equal(mkdir(usb_dir, 0700), 0);
    const char *cfg = config("cfg-usb", true, tu_fmt("\"usb_dir\": \"%s\"", usb_dir));
    run r = heard("expect screen welcome\n", db, cfg, NULL);
    assert_ok(&r);
    run_free(&r);
    add_sessions(db, "old", 3000, "2026-10-01"); /* enough pages for many copy steps */
    /* the writer: 200 sessions, one transaction each */
    const char *script = keep(tu_fmt("%s/writer.sh", dir));
    tu_write(script,
             tu_fmt("#!/bin/sh\n"
                    "i=0\n"
                    "while [ $i -lt 200 ]; do\n"
                    "  sqlite3 '%s' \".timeout 5000\" \"INSERT INTO session(id, device_id, "
                    "survey_id, survey_version, language, tier, started_at, ended_at, status) "
                    "SELECT printf('w-%%04d', $i), value, 'local-health', '2026-11-a', 'en', "
                    "'quick', '2026-10-02T09:00:00Z', '2026-10-02T09:01:00Z', 'complete' FROM "
                    "meta WHERE key = 'device_id'\" || exit 1\n"
                    "  i=$((i + 1))\n"
                    "done\n",
                    db));
    const char *shots = keep(tu_fmt("%s/usbshots", dir));
    char ev[4096];
    snprintf(ev, sizeof ev, "%s%sshot admin\ntap @admin.usb.copy\nshot copied\n", quick_session,
             staff);
    char *wout = NULL;
    char cmd[2048];
    /* the writer in the background, then the kiosk, then wait for both */
    const char *done = keep(tu_fmt("%s/writer.done", dir));
    snprintf(cmd, sizeof cmd, "(sh '%s'; echo $? > '%s') >/dev/null 2>&1 &", script, done);
    assert_int_equal(tu_run(cmd, &wout, 1), 0);
    free(wout);
    r = heard(ev, db, cfg, shots);
    for (int i = 0; i < 600 && access(done, F_OK) != 0; i++)
        nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
    assert_ok(&r);
    char *st = tu_slurp(done, NULL);
    assert_non_null(st);
    assert_int_equal(atoi(st), 0);
    free(st);
    /* the file on the stick, named in the message */
    const char *js = keep(tu_fmt("%s/copied.json", shots));
    char *msg = shot_text(js, "admin.message");
    assert_non_null(msg);
    const char *name = strstr(msg, "heard-");
    if (!strstr(msg, "Copied and checked: ") || !name)
        fail_msg("admin.message says \"%s\"", msg);
    char copy[1024];
    snprintf(copy, sizeof copy, "%s/%s", usb_dir, name);
    free(msg);
    assert_int_equal(access(copy, F_OK), 0);
    assert_int_not_equal(access(tu_fmt("%s-wal", copy), F_OK), 0);
    assert_sql(copy, "PRAGMA integrity_check", "ok\n");
    /* everything committed before the copy: the 3000 and the kiosk's one */
    assert_sql(copy, "SELECT count(*) FROM session WHERE id LIKE 'old-%'", "3000\n");
    assert_sql(copy, "SELECT count(*) FROM session WHERE tier = 'quick' AND id NOT LIKE 'old-%' "
                     "AND id NOT LIKE 'w-%'",
               "1\n");
    /* its three answers: last-service, how-easy, respect */
    assert_sql(copy, "SELECT count(*) FROM answer", "3\n");
    /* of the writer's, exactly those before some point */
    long k = sql_long(copy, "SELECT count(*) FROM session WHERE id LIKE 'w-%'");
    if (k > 0)
        assert_int_equal(sql_long(copy, tu_fmt("SELECT count(*) FROM session WHERE id LIKE "
                                               "'w-%%' AND id <= printf('w-%%04d', %ld)",
                                               k - 1)),
                         k);
    /* and the kiosk's own database has them all */
    assert_sql(db, "SELECT count(*) FROM session WHERE id LIKE 'w-%'", "200\n");
    print_message("the copy held %ld of the writer's 200 sessions\n", k);
    run_free(&r);
}

/* No stick: a clear message, nothing else changes. */
static void test_usb_missing_stick(void **state)
{
    (void)state;
    const char *cfg = config("cfg-nostick", true, tu_fmt("\"usb_dir\": \"%s/no-such-stick\"", dir));
    const char *shots = keep(tu_fmt("%s/nostick", dir));
    run r = heard(tu_fmt("%stap @admin.usb.copy\nshot copy\ntap @admin.usb.updates\nshot upd\n",
                         staff),
                  db_path("nostick"), cfg, shots);
    assert_ok(&r);
    assert_shot_has(tu_fmt("%s/copy.json", shots), "admin.message", "No USB stick found");
    assert_shot_has(tu_fmt("%s/upd.json", shots), "admin.message", "No USB stick found");
    run_free(&r);
}

/* ---- updates ---------------------------------------------------------------------------- */

static void test_updates_loaded_and_malformed_refused(void **state)
{
    (void)state;
    const char *db = db_path("updates");
    char usb[700];
    snprintf(usb, sizeof usb, "%s/stick-u", dir);
    assert_int_equal(mkdir(usb, 0700), 0);
    const char *good = "[{\"date\": \"2026-11-20\",\n"
                       "  \"text\": \"You said the bus stop was too far. It has moved.\",\n"
                       "  \"translations\": {\"pl\": \"Przystanek jest teraz bli\xc5\xbc" "ej.\"}}]\n";
    tu_write(tu_fmt("%s/updates.json", usb), good);
    const char *cfg = config("cfg-upd", true, tu_fmt("\"usb_dir\": \"%s\"", usb));
    const char *shots = keep(tu_fmt("%s/upd", dir));
    run r = heard(tu_fmt("%s"
                         "tap @admin.usb.updates\n"
                         "shot loaded\n"
                         "tap @admin.exit\n",
                         staff),
                  db, cfg, shots);
    assert_ok(&r);
    assert_shot_has(tu_fmt("%s/loaded.json", shots), "admin.message",
                    "Updates loaded from the USB stick: 1");
    run_free(&r);
    /* now a malformed file: refused with where and what, the old one kept */
    tu_write(tu_fmt("%s/updates.json", usb), "[{\"date\": \"2026-02-30\", \"text\": \"x\"},\n"
                                             " {\"text\": \"no date\"}]\n");
    r = heard(tu_fmt("%s"
                     "tap @admin.usb.updates\n"
                     "shot refused\n"
                     "tap @admin.exit\n"
                     "wait 8000\n"
                     "shot welcome\n"
                     "%s"
                     "shot thanks\n",
                     staff, quick("pl", true)),
              db, cfg, shots);
    assert_ok(&r);
    const char *js = keep(tu_fmt("%s/refused.json", shots));
    assert_shot_has(js, "admin.message", "updates.json was not loaded");
    assert_shot_has(js, "admin.message.detail", "updates.json:1:11:");
    assert_shot_has(js, "admin.message.detail", "updates.json:2:2:");
    char *kept = sql(db, "SELECT value FROM kv WHERE key = 'updates.json'");
    assert_non_null(strstr(kept, "bus stop was too far"));
    free(kept);
    /* welcome shows it in turn with the title; thanks in the participant's language */
    char *w = shot_text(tu_fmt("%s/welcome.json", shots), "news.text");
    char *title = shot_text(tu_fmt("%s/welcome.json", shots), "title");
    /* (in the language highlighted then: English, or Polish's translation) */
    assert_true((w && (strstr(w, "bus stop") || strstr(w, "Przystanek"))) || title);
    free(w);
    free(title);
    assert_shot_has(tu_fmt("%s/thanks.json", shots), "news.text", "Przystanek");
    /* the updates survive a restart, and the rotation shows them */
    run_free(&r);
    r = heard("wait 8000\nshot w0\nwait 8000\nshot w1\nwait 8000\nshot w2\nwait 8000\nshot w3\n",
              db, cfg, shots);
    assert_ok(&r);
    int news_turns = 0, title_turns = 0;
    for (int i = 0; i < 4; i++) {
        char *t = shot_text(tu_fmt("%s/w%d.json", shots, i), "news.text");
        char *h = shot_text(tu_fmt("%s/w%d.json", shots, i), "title");
        if (t) {
            news_turns++;
            assert_true(strstr(t, "bus stop") || strstr(t, "Przystanek"));
        }
        title_turns += h != NULL;
        free(t);
        free(h);
    }
    assert_true(news_turns >= 1 && title_turns >= 1); /* they take turns */
    run_free(&r);
}

/* ---- what we've heard so far ---------------------------------------------------------------- */

/* Nine answers are not shown; the tenth, given in the kiosk, shows them. */
static void test_results_appear_at_ten(void **state)
{
    (void)state;
    const char *db = db_path("results");
    const char *cfg = config("cfg-res", true, NULL);
    run r = heard("expect screen welcome\n", db, cfg, NULL);
    assert_ok(&r);
    run_free(&r);
    add_sessions(db, "r", 9, "2026-10-01");
    char *out = sql(db, "INSERT INTO answer SELECT id, 'respect', '5', started_at FROM session");
    free(out);
    const char *shots = keep(tu_fmt("%s/res", dir));
    /* The news takes every other 8 s turn of the attract loop, in the
     * language it highlights then (one whose words do not fit gives its turn
     * to the title): six turns before, six after. */
    char ev[8192] = "";
    for (int i = 0; i < 6; i++)
        strcat(ev, tu_fmt("wait 8000\nshot a%d\n", i));
    strcat(ev, quick_session);
    for (int i = 0; i < 6; i++)
        strcat(ev, tu_fmt("wait 8000\nshot b%d\n", i));
    r = heard(ev, db, cfg, shots);
    assert_ok(&r);
    int shown = 0;
    for (int i = 0; i < 6; i++) {
        char *qa = shot_text(tu_fmt("%s/a%d.json", shots, i), "news.question");
        if (qa)
            fail_msg("results shown with 9 answers: %s", qa);
        char *qb = shot_text(tu_fmt("%s/b%d.json", shots, i), "news.question");
        if (qb) {
            shown++;
            /* in the highlighted language: the share is the sure part */
            assert_shot_has(tu_fmt("%s/b%d.json", shots, i), "news.pct.5", "100");
        }
        free(qb);
    }
    if (shown == 0)
        fail_msg("no results on welcome after the tenth answer");
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_group_contacts_sealed_and_opened),
        cmocka_unit_test(test_no_key_no_group_tier),
        cmocka_unit_test(test_story_saved_then_left),
        cmocka_unit_test(test_pin_lockout_survives_restart),
        cmocka_unit_test(test_admin_venue_mode_kept),
        cmocka_unit_test(test_min_gap_flags_quick_repeats),
        cmocka_unit_test(test_usb_copy_while_writing),
        cmocka_unit_test(test_usb_missing_stick),
        cmocka_unit_test(test_updates_loaded_and_malformed_refused),
        cmocka_unit_test(test_results_appear_at_ten),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
