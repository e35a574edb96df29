/* test_e2e.c — the whole kiosk, headless: build/heard --headless runs events
 * scripts against the example survey, and the database it leaves is read
 * back with the sqlite3 command-line tool. Every tier, idle, back-then-skip,
 * leave, withdraw, sealed contacts, staff PIN, and the runner's own errors.
 */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <signal.h>
#include <sodium.h>
#include <sys/resource.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

static char dir[512];
static unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
static int n_db;

#define PIN "2468"

/* A coordinator key pair and a config that names it, the way heard-sync
 * keygen writes it: base64 (original alphabet) of the key and a newline. */
static int setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    snprintf(dir, sizeof dir, "%s", tu_tmpdir());
    crypto_box_keypair(pk, sk);
    char b64[sodium_base64_ENCODED_LEN(crypto_box_PUBLICKEYBYTES,
                                       sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof b64, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
    tu_write(tu_fmt("%s/coordinator.pub", dir), tu_fmt("%s\n", b64));
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, PIN, strlen(PIN), crypto_pwhash_OPSLIMIT_MIN,
                          crypto_pwhash_MEMLIMIT_MIN) != 0)
        return -1;
    /* The key path is relative: it is found beside the config file. */
    tu_write(tu_fmt("%s/config.json", dir),
             tu_fmt("{\"coordinator_public_key\": \"coordinator.pub\",\n"
                    " \"staff_pin_hash\": \"%s\",\n"
                    " \"venues\": [\"Test hall\"],\n"
                    " \"still_there_after_s\": 60, \"reset_after_s\": 30}\n",
                    hash));
    return 0;
}

typedef struct run {
    int rc;
    char *out;
    char *err;
    char db[600];
} run;

static void run_free(run *r)
{
    free(r->out);
    free(r->err);
}

/* Runs heard --headless on events with a fresh database (or r->db when set)
 * and the test config; extra goes on the command line. */
static run heard_ex(const char *events, const char *extra, const char *db)
{
    run r = {0};
    if (db)
        snprintf(r.db, sizeof r.db, "%s", db);
    else
        snprintf(r.db, sizeof r.db, "%s/heard-%d.db", dir, ++n_db);
    const char *ev = tu_fmt("%s/events-%d.txt", dir, n_db);
    tu_write(ev, events);
    const char *errf = tu_fmt("%s/stderr-%d.txt", dir, n_db);
    const char *cmd = tu_fmt("'%s' --headless --events '%s' --db '%s' --survey '%s' "
                             "--translations '%s' --config '%s/config.json' %s 2>'%s'",
                             tu_bin("heard"), ev, r.db, tu_src("assets/surveys/example.json"),
                             tu_src("translations"), dir, extra ? extra : "", errf);
    r.rc = tu_run(cmd, &r.out, 0);
    r.err = tu_slurp(errf, NULL);
    if (!r.err)
        r.err = strdup("");
    return r;
}

static run heard(const char *events) { return heard_ex(events, NULL, NULL); }

/* Output of one query through the sqlite3 tool ("a|b" rows, one a line). */
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

static void assert_ok(const run *r)
{
    if (r->rc != 0)
        fail_msg("heard exited %d\nstderr:\n%s\nstdout:\n%s", r->rc, r->err, r->out);
}

/* The one session's id. */
static char *session_id(const char *db)
{
    char *id = sql(db, "SELECT id FROM session");
    char *nl = strchr(id, '\n');
    if (nl)
        *nl = '\0';
    assert_int_equal(strlen(id), 36);
    return id;
}

/* Every "saved <session> <question>" line names the session and, in order,
 * exactly the questions listed (space-separated). */
static void assert_saved(const run *r, const char *sid, const char *qids)
{
    char want[4096] = "";
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", qids);
    for (char *q = strtok(buf, " "); q; q = strtok(NULL, " ")) {
        size_t n = strlen(want);
        snprintf(want + n, sizeof want - n, "saved %s %s\n", sid, q);
    }
    if (strcmp(r->out, want) != 0)
        fail_msg("--- stdout:\n%s--- want:\n%s", r->out, want);
}

static const char quick_walk[] = "tap @lang.en\n"
                                 "expect screen consent\n"
                                 "tap @next\n"
                                 "expect screen tiers\n"
                                 "tap @tier.quick\n"
                                 "expect screen question\n"
                                 "tap @next              # intro\n"
                                 "tap @choice.doctor\n"
                                 "tap @next\n"
                                 "tap @face.2\n"
                                 "tap @next\n"
                                 "tap @choice.travel\n"
                                 "tap @choice.language\n"
                                 "tap @next\n"
                                 "tap @face.4\n"
                                 "tap @next\n"
                                 "tap @choice.yes\n"
                                 "tap @next\n"
                                 "tap @choice.no\n"
                                 "tap @next\n"
                                 "tap @skip              # know-where\n"
                                 "tap @next              # about-intro\n"
                                 "tap @choice.25-34\n"
                                 "tap @next\n"
                                 "tap @choice.prefer_not_to_say\n"
                                 "tap @next\n"
                                 "tap @choice.asian\n"
                                 "tap @next\n"
                                 "type 3\n"
                                 "tap @next\n"
                                 "tap @choice.no\n"
                                 "tap @next\n"
                                 "expect screen support  # after About you\n"
                                 "tap @next\n"
                                 "expect screen review\n"
                                 "tap @send\n"
                                 "expect screen thanks\n";

static void test_quick_tier(void **state)
{
    (void)state;
    run r = heard(quick_walk);
    assert_ok(&r);
    assert_sql(r.db,
               "SELECT survey_id, survey_version, language, tier, venue, mode, status, "
               "started_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:"
               "[0-9][0-9]Z', ended_at >= started_at FROM session",
               "local-health|2026-11-a|en|quick|Test hall|self|complete|1|1\n");
    assert_sql(r.db, "SELECT question_id, value FROM answer ORDER BY question_id",
               "age|25-34\n"
               "ethnicity|asian\n"
               "gender|prefer_not_to_say\n"
               "got-interpreter|no\n"
               "how-easy|2\n"
               "last-service|doctor\n"
               "long-illness|no\n"
               "needed-interpreter|yes\n"
               "people-at-home|3\n"
               "respect|4\n"
               "what-was-hard|travel language\n");
    assert_sql(r.db, "SELECT count(*) FROM answer a JOIN session s ON s.id = a.session_id "
                     "WHERE a.answered_at < s.started_at OR a.answered_at > s.ended_at",
               "0\n");
    char *sid = session_id(r.db);
    assert_saved(&r, sid,
                 "last-service how-easy what-was-hard respect needed-interpreter got-interpreter "
                 "age gender ethnicity people-at-home long-illness");
    free(sid);
    assert_sql(r.db, "SELECT count(*) FROM contact", "0\n");
    run_free(&r);
}

/* tests/bench/run's one whole visit (tests/bench/survey.events) still walks
 * the example survey to the end, in a left-to-right and a right-to-left
 * language: the benchmark is not run by CI, so this keeps it from rotting. */
static void test_bench_visit_still_walks(void **state)
{
    (void)state;
    char *text = tu_slurp(tu_src("tests/bench/survey.events"), NULL);
    assert_non_null(text);
    static const char *const langs[] = {"en", "ar"};
    for (size_t i = 0; i < sizeof langs / sizeof *langs; i++) {
        /* @LANG@ in the language tap (the bench's sed replaces the one in
         * the comment too, which changes nothing) */
        const char *at = strstr(text, "tap @lang.@LANG@");
        assert_non_null(at);
        at += strlen("tap @lang.");
        assert_null(strstr(at + 6, "@LANG@"));
        size_t len = strlen(text) + 8;
        char *ev = malloc(len);
        assert_non_null(ev);
        snprintf(ev, len, "%.*s%s%s", (int)(at - text), text, langs[i], at + 6);
        run r = heard(ev);
        if (r.rc != 0)
            fail_msg("tests/bench/survey.events in %s: exit %d\n%s", langs[i], r.rc, r.err);
        assert_sql(r.db, "SELECT language, tier, status FROM session",
                   tu_fmt("%s|story|complete\n", langs[i]));
        run_free(&r);
        free(ev);
    }
    free(text);
}

static void test_story_tier_in_polish(void **state)
{
    (void)state;
    run r = heard("tap @lang.pl\n"
                  "tap @next\n"
                  "tap @tier.story\n"
                  "tap @next              # intro\n"
                  "tap @choice.pharmacy\n"
                  "tap @next\n"
                  "tap @face.5\n"
                  "tap @next              # very good: what-was-hard is not asked\n"
                  "tap @face.3\n"
                  "tap @next\n"
                  "tap @choice.no\n"
                  "tap @next              # no interpreter needed: got-interpreter not asked\n"
                  "tap @choice.yes\n"
                  "tap @next\n"
                  "type Czekałam trzy tygodnie.\n"
                  "tap @next\n"
                  "type Więcej tłumaczy, proszę!\n"
                  "tap @next\n"
                  "tap @next              # about-intro\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "expect screen support\n"
                  "tap @next\n"
                  "expect screen review\n"
                  "tap @send\n"
                  "expect screen thanks\n");
    assert_ok(&r);
    assert_sql(r.db, "SELECT language, tier, status FROM session", "pl|story|complete\n");
    assert_sql(r.db, "SELECT question_id, value FROM answer ORDER BY question_id",
               "how-easy|5\n"
               "know-where|yes\n"
               "last-service|pharmacy\n"
               "needed-interpreter|no\n"
               "one-change|Więcej tłumaczy, proszę!\n"
               "respect|3\n"
               "what-happened|Czekałam trzy tygodnie.\n");
    char *sid = session_id(r.db);
    assert_saved(&r, sid,
                 "last-service how-easy respect needed-interpreter know-where what-happened "
                 "one-change");
    free(sid);
    run_free(&r);
}

static bool contains(const unsigned char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return true;
    return false;
}

static void test_group_tier_contact_is_sealed(void **state)
{
    (void)state;
    run r = heard("tap @lang.en\n"
                  "tap @next\n"
                  "tap @tier.group\n"
                  "tap @next              # contact-intro\n"
                  "type Canary Zebedee\n"
                  "wait 5000              # a pause in typing must not store a contact answer\n"
                  "tap @next\n"
                  "type +44 7700 900123\n"
                  "tap @next\n"
                  "type canary.zebedee@example.org\n"
                  "tap @next\n"
                  "expect screen review\n"
                  "tap @send\n"
                  "expect screen thanks\n");
    assert_ok(&r);
    assert_string_equal(r.out, ""); /* nothing saved in the clear */
    assert_sql(r.db, "SELECT count(*) FROM answer", "0\n");
    assert_sql(r.db, "SELECT survey_id, created_on = date('now') OR created_on = "
                     "date('now', '-1 day'), length(sealed) > 48 FROM contact",
               "local-health|1|1\n");
    /* Only the coordinator's secret key opens it. */
    char *hex = sql(r.db, "SELECT hex(sealed) FROM contact");
    size_t hl = strcspn(hex, "\n");
    unsigned char *blob = malloc(hl / 2 + 1);
    size_t bl = 0;
    assert_int_equal(sodium_hex2bin(blob, hl / 2 + 1, hex, hl, NULL, &bl, NULL), 0);
    assert_true(bl > crypto_box_SEALBYTES);
    char *plain = calloc(1, bl - crypto_box_SEALBYTES + 1);
    assert_int_equal(crypto_box_seal_open((unsigned char *)plain, blob, bl, pk, sk), 0);
    hd_json_doc *doc = NULL;
    hd_diag d;
    hd_diag_init(&d, "contact");
    assert_int_equal(hd_json_parse(plain, strlen(plain), &doc, &d), HD_OK);
    const hd_json *root = hd_json_root(doc);
    assert_string_equal(hd_json_get(root, "name")->string, "Canary Zebedee");
    assert_string_equal(hd_json_get(root, "phone")->string, "+44 7700 900123");
    assert_string_equal(hd_json_get(root, "email")->string, "canary.zebedee@example.org");
    hd_json_free(doc);
    /* No plaintext anywhere in the database files. */
    const char *suffix[] = {"", "-wal", "-journal"};
    for (int i = 0; i < 3; i++) {
        size_t n = 0;
        unsigned char *bytes = (unsigned char *)tu_slurp(tu_fmt("%s%s", r.db, suffix[i]), &n);
        if (!bytes)
            continue;
        assert_false(contains(bytes, n, "Zebedee"));
        assert_false(contains(bytes, n, "900123"));
        free(bytes);
    }
    free(plain);
    free(blob);
    free(hex);
    run_free(&r);
}

static void test_thanks_offers_the_next_tier_unlinked(void **state)
{
    (void)state;
    run r = heard("tap @lang.en\n"
                  "tap @next\n"
                  "tap @tier.quick\n"
                  "tap @next\n"
                  "tap @choice.none\n"
                  "tap @next\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "tap @next\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "expect screen support\n"
                  "tap @next\n"
                  "expect screen review\n"
                  "tap @send\n"
                  "expect screen thanks\n"
                  "tap @more.story\n"
                  "expect screen question\n"
                  "tap @next\n"
                  "tap @choice.dentist\n"
                  "tap @next\n");
    assert_ok(&r);
    /* Two sessions: the finished quick one and a new story one; no link. */
    assert_sql(r.db, "SELECT tier, status FROM session ORDER BY tier",
               "quick|complete\nstory|in_progress\n");
    assert_sql(r.db, "SELECT s.tier, a.question_id, a.value FROM answer a JOIN session s ON "
                     "s.id = a.session_id ORDER BY s.tier",
               "quick|last-service|none\nstory|last-service|dentist\n");
    run_free(&r);
}

static void test_idle_abandons_and_drops_typed_answers(void **state)
{
    (void)state;
    run r = heard("tap @lang.en\n"
                  "tap @next\n"
                  "tap @tier.story\n"
                  "tap @next\n"
                  "tap @choice.doctor\n"
                  "tap @next\n"
                  "tap @face.1\n"
                  "tap @next\n"
                  "tap @choice.cost\n"
                  "tap @next\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "type A long story about my knee\n"
                  "tap @next\n"
                  "type More staff\n"
                  "wait 3000             # the draft is kept once typing pauses\n"
                  "wait 56000\n"
                  "expect screen question\n"
                  "wait 1000\n"
                  "expect screen still-there\n"
                  "wait 29000\n"
                  "expect screen still-there\n"
                  "wait 1000\n"
                  "expect screen welcome\n");
    assert_ok(&r);
    assert_sql(r.db, "SELECT tier, status, ended_at IS NOT NULL FROM session",
               "story|abandoned|1\n");
    assert_sql(r.db, "SELECT question_id, value FROM answer ORDER BY question_id",
               "how-easy|1\nlast-service|doctor\nwhat-was-hard|cost\n");
    char *sid = session_id(r.db);
    assert_saved(&r, sid, "last-service how-easy what-was-hard what-happened one-change");
    free(sid);
    run_free(&r);
}

static void test_still_there_touch_carries_on(void **state)
{
    (void)state;
    run r = heard("tap @lang.en\n"
                  "tap @next\n"
                  "tap @tier.quick\n"
                  "tap @next\n"
                  "tap @choice.hospital\n"
                  "wait 60000\n"
                  "expect screen still-there\n"
                  "tap @still-here\n"
                  "expect screen question\n"
                  "tap @next\n");
    assert_ok(&r);
    assert_sql(r.db, "SELECT status FROM session", "in_progress\n");
    assert_sql(r.db, "SELECT question_id, value FROM answer", "last-service|hospital\n");
    run_free(&r);
}

static void test_back_then_skip_deletes(void **state)
{
    (void)state;
    run r = heard("tap @lang.en\n"
                  "tap @next\n"
                  "tap @tier.quick\n"
                  "tap @next\n"
                  "tap @choice.doctor\n"
                  "tap @next\n"
                  "tap @face.4\n"
                  "tap @next\n"
                  "tap @back\n"
                  "tap @back\n"
                  "tap @skip             # last-service skipped now: its answer goes\n");
    assert_ok(&r);
    /* how-easy is no longer shown either (it depended on last-service). */
    assert_sql(r.db, "SELECT count(*) FROM answer", "0\n");
    assert_sql(r.db, "SELECT status FROM session", "in_progress\n");
    run_free(&r);
}

static void test_leave_keeps_nothing(void **state)
{
    (void)state;
    run r = heard("tap @lang.en\n"
                  "tap @next\n"
                  "tap @tier.quick\n"
                  "tap @next\n"
                  "tap @choice.doctor\n"
                  "tap @next\n"
                  "tap @leave\n"
                  "tap @confirm\n"
                  "expect screen welcome\n");
    assert_ok(&r);
    assert_sql(r.db, "SELECT count(*) FROM session", "0\n");
    assert_sql(r.db, "SELECT count(*) FROM answer", "0\n");
    run_free(&r);
}

static void test_withdraw_keeps_nothing(void **state)
{
    (void)state;
    run r = heard("tap @lang.en\n"
                  "tap @next\n"
                  "tap @tier.quick\n"
                  "tap @next\n"
                  "tap @choice.doctor\n"
                  "tap @next\n"
                  "tap @face.2\n"
                  "tap @next\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "tap @next\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "tap @skip\n"
                  "expect screen support\n"
                  "tap @next\n"
                  "expect screen review\n"
                  "tap @withdraw\n"
                  "tap @cancel\n"
                  "expect screen review\n"
                  "tap @withdraw\n"
                  "tap @confirm\n"
                  "expect screen welcome\n");
    assert_ok(&r);
    assert_sql(r.db, "SELECT count(*) FROM session", "0\n");
    assert_sql(r.db, "SELECT count(*) FROM answer", "0\n");
    run_free(&r);
}

static void test_staff_pin(void **state)
{
    (void)state;
    run r = heard("hold 10 10 3000        # the top-left corner\n"
                  "expect screen admin-pin\n"
                  "type 1111\n"
                  "tap @next\n"
                  "expect screen admin-pin\n"
                  "type " PIN "\n"
                  "tap @next\n"
                  "expect screen admin\n"
                  "tap @admin.exit\n"
                  "expect screen welcome\n"
                  "hold 10 10 2000        # too short\n"
                  "expect screen welcome\n");
    assert_ok(&r);
    run_free(&r);
}

static void test_shot_writes_image_and_layout(void **state)
{
    (void)state;
    const char *shots = tu_fmt("%s/shots", dir);
    run r = heard_ex("tap @lang.ar\n"
                     "shot consent-ar\n",
                     tu_fmt("--shots '%s' --size 1024x600", shots), NULL);
    assert_ok(&r);
    size_t n = 0;
    char *bmp = tu_slurp(tu_fmt("%s/consent-ar.bmp", shots), &n);
    assert_non_null(bmp);
    assert_true(n > 1024 * 600 * 3);
    assert_memory_equal(bmp, "BM", 2);
    free(bmp);
    char *js = tu_slurp(tu_fmt("%s/consent-ar.json", shots), &n);
    assert_non_null(js);
    hd_json_doc *doc = NULL;
    hd_diag d;
    hd_diag_init(&d, "consent-ar.json");
    assert_int_equal(hd_json_parse(js, n, &doc, &d), HD_OK);
    const hd_json *root = hd_json_root(doc);
    assert_string_equal(hd_json_get(root, "screen")->string, "consent");
    assert_string_equal(hd_json_get(root, "lang")->string, "ar");
    assert_string_equal(hd_json_get(root, "dir")->string, "rtl");
    const hd_json *size = hd_json_get(root, "size");
    assert_int_equal((int)size->child->number, 1024);
    assert_int_equal((int)size->child->next->number, 600);
    bool next_found = false;
    for (const hd_json *e = hd_json_get(root, "elements")->child; e; e = e->next) {
        assert_true(hd_json_get(e, "id")->string_len > 0);
        assert_int_equal(hd_json_get(e, "rect")->n_children, 4);
        assert_int_equal(hd_json_get(e, "text_size")->n_children, 2);
        assert_non_null(hd_json_get(e, "role"));
        assert_non_null(hd_json_get(e, "text"));
        if (strcmp(hd_json_get(e, "id")->string, "next") == 0) {
            next_found = true;
            assert_string_equal(hd_json_get(e, "role")->string, "button");
            assert_true(hd_json_get(e, "text")->string_len > 0);
        }
    }
    assert_true(next_found);
    hd_json_free(doc);
    free(js);
    run_free(&r);
}

/* tests/ui/tour.events visits every screen and question type; at each of
 * the five panel sizes every shot is written, shows the screen its name
 * says, and every tappable element lies inside the screen. */
static void test_tour_every_screen_every_size(void **state)
{
    (void)state;
    static const char *const sizes[] = {"800x480", "1024x600", "1280x720", "720x1280", "480x800"};
    static const char *const shots[] = {
        "welcome", "consent", "tiers", "question-info", "question-single", "question-likert5",
        "question-multi", "question-yesno", "question-text", "question-text-typed", "support",
        "question-number", "support-after-section", "review", "review-confirm", "still-there", "thanks",
        "question-contact-name", "question-phone", "question-email", "question-email-typed",
        "admin-pin", "admin"};
    char *events = tu_slurp(tu_src("tests/ui/tour.events"), NULL);
    assert_non_null(events);
    for (size_t si = 0; si < sizeof sizes / sizeof *sizes; si++) {
        char out[700]; /* tu_fmt's buffers rotate: keep a copy */
        snprintf(out, sizeof out, "%s/tour/%s", dir, sizes[si]);
        int w, h;
        assert_int_equal(sscanf(sizes[si], "%dx%d", &w, &h), 2);
        run r = heard_ex(events, tu_fmt("--shots '%s' --size %s", out, sizes[si]), NULL);
        assert_ok(&r);
        for (size_t k = 0; k < sizeof shots / sizeof *shots; k++) {
            size_t n;
            char *bmp = tu_slurp(tu_fmt("%s/%s.bmp", out, shots[k]), &n);
            if (!bmp)
                fail_msg("%s: no %s.bmp", sizes[si], shots[k]);
            assert_true(n > (size_t)(w * h * 3));
            free(bmp);
            char *js = tu_slurp(tu_fmt("%s/%s.json", out, shots[k]), &n);
            assert_non_null(js);
            hd_json_doc *doc = NULL;
            hd_diag d;
            hd_diag_init(&d, shots[k]);
            assert_int_equal(hd_json_parse(js, n, &doc, &d), HD_OK);
            const hd_json *root = hd_json_root(doc);
            const char *screen = hd_json_get(root, "screen")->string;
            if (strncmp(shots[k], screen, strlen(screen)) != 0)
                fail_msg("%s %s shows screen %s", sizes[si], shots[k], screen);
            for (const hd_json *e = hd_json_get(root, "elements")->child; e; e = e->next) {
                if (!hd_json_get(e, "tappable")->boolean || hd_json_get(e, "clipped")->boolean)
                    continue;
                const hd_json *c = hd_json_get(e, "rect")->child;
                int x = (int)c->number, y = (int)c->next->number;
                int ew = (int)c->next->next->number, eh = (int)c->next->next->next->number;
                if (x < 0 || y < 0 || x + ew > w || y + eh > h)
                    fail_msg("%s %s: %s [%d %d %d %d] is off the screen", sizes[si], shots[k],
                             hd_json_get(e, "id")->string, x, y, ew, eh);
            }
            hd_json_free(doc);
            free(js);
        }
        run_free(&r);
    }
    free(events);
}

/* A disk that fills up mid-survey (a file size limit here): the failing
 * answer is never acknowledged, the failure is logged, and every "saved"
 * line has its row. */
static void test_full_disk_acknowledges_only_committed(void **state)
{
    (void)state;
    run r = {0};
    snprintf(r.db, sizeof r.db, "%s/full.db", dir);
    const char *ev = tu_fmt("%s/full.events", dir);
    tu_write(ev, quick_walk);
    const char *errf = tu_fmt("%s/full.err", dir);
    const char *cmd = tu_fmt("'%s' --headless --events '%s' "
                             "--db '%s' --survey '%s' --translations '%s' 2>'%s'",
                             tu_bin("heard"), ev, r.db, tu_src("assets/surveys/example.json"),
                             tu_src("translations"), errf);
    /* 100 KiB of file for the child (inherited through exec), with SIGXFSZ
     * ignored so that writes past it fail with EFBIG like a full disk. */
    struct rlimit old, lim;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    lim = old;
    lim.rlim_cur = 100 * 1024;
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    r.rc = tu_run(cmd, &r.out, 0);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, old_handler);
    r.err = tu_slurp(errf, NULL);
    assert_non_null(r.err);
    if (!strstr(r.err, "heard: could not save answer"))
        fail_msg("no failed save logged:\n%s", r.err);
    assert_int_equal(r.rc, 1); /* the survey could not go on past the failed answer */
    char *rows = sql(r.db, "SELECT count(*) FROM answer");
    int n_rows = atoi(rows);
    free(rows);
    int n_saved = 0;
    for (const char *p = r.out; (p = strstr(p, "saved ")) != NULL; p++)
        n_saved++;
    assert_true(n_saved >= 1 && n_saved < 11);
    assert_int_equal(n_saved, n_rows);
    for (char *line = strtok(r.out, "\n"); line; line = strtok(NULL, "\n")) {
        char sid[64], qid[64];
        assert_int_equal(sscanf(line, "saved %63s %63s", sid, qid), 2);
        assert_sql(r.db,
                   tu_fmt("SELECT count(*) FROM answer WHERE session_id = '%s' AND "
                          "question_id = '%s'", sid, qid),
                   "1\n");
    }
    run_free(&r);
}

static void test_malformed_events_exit_2(void **state)
{
    (void)state;
    run r = heard("tap @lang.en\n"
                  "tap @next\n"
                  "frob 1 2\n"
                  "wait soon\n");
    assert_int_equal(r.rc, 2);
    assert_non_null(strstr(r.err, tu_fmt("events-%d.txt:3:1: unknown command \"frob\"", n_db)));
    assert_non_null(strstr(r.err, tu_fmt("events-%d.txt:4:6: wait needs", n_db)));
    /* Nothing ran: the file is checked before the first tap. */
    assert_sql(r.db, "SELECT count(*) FROM sqlite_master WHERE name = 'session'", "0\n");
    run_free(&r);
}

static void test_failed_expect_exits_1(void **state)
{
    (void)state;
    run r = heard("tap @lang.en\n"
                  "tap @next\n"
                  "\n"
                  "expect screen thanks\n"
                  "tap @tier.quick\n");
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.err, tu_fmt("events-%d.txt:4: expected screen thanks, got tiers", n_db)));
    assert_sql(r.db, "SELECT count(*) FROM session", "0\n"); /* stopped at line 4 */
    run_free(&r);
}

static void test_missing_element_exits_1(void **state)
{
    (void)state;
    run r = heard("# nothing to send on the welcome screen\n"
                  "tap @send\n");
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.err, tu_fmt("events-%d.txt:2: no element \"send\" on screen \"welcome\"", n_db)));
    run_free(&r);

    r = heard("tap @lang.en\ntap @next\ntap @tier.quick\ntype hello\n");
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.err, "type: question \"intro\" is a info question: it has no keyboard"));
    run_free(&r);

    r = heard("tap 900 10\n");
    assert_int_equal(r.rc, 1);
    assert_non_null(strstr(r.err, "tap 900 10 is outside the 800x480 screen"));
    run_free(&r);
}

static void test_broken_survey_exits_2(void **state)
{
    (void)state;
    const char *bad = tu_fmt("%s/bad.json", dir);
    tu_write(bad, "{\"heard_survey\": 1,\n \"id\": 5}\n");
    const char *ev = tu_fmt("%s/empty.events", dir);
    tu_write(ev, "");
    char *out = NULL;
    int rc = tu_run(tu_fmt("'%s' --headless --events '%s' --survey '%s' 2>&1", tu_bin("heard"), ev,
                           bad),
                    &out, 0);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(out, tu_fmt("%s:2:", bad)));
    free(out);
}

static void test_command_line(void **state)
{
    (void)state;
    char *out = NULL;
    assert_int_equal(tu_run(tu_fmt("'%s' --frobnicate", tu_bin("heard")), &out, 1), 2);
    assert_non_null(strstr(out, "unknown option --frobnicate"));
    assert_non_null(strstr(out, "usage: heard"));
    free(out);
    assert_int_equal(tu_run(tu_fmt("'%s' --headless", tu_bin("heard")), &out, 1), 2);
    assert_non_null(strstr(out, "--headless needs --events FILE"));
    free(out);
    assert_int_equal(tu_run(tu_fmt("'%s' --size 80", tu_bin("heard")), &out, 1), 2);
    assert_non_null(strstr(out, "--size wants WIDTHxHEIGHT"));
    free(out);
    assert_int_equal(tu_run(tu_fmt("'%s' --version", tu_bin("heard")), &out, 1), 0);
    assert_non_null(strstr(out, "heard "));
    free(out);
    assert_int_equal(tu_run(tu_fmt("'%s' --help", tu_bin("heard")), &out, 1), 0);
    assert_non_null(strstr(out, "--headless"));
    free(out);
}

static void test_bad_config_exits_2(void **state)
{
    (void)state;
    const char *cfg = tu_fmt("%s/bad-config.json", dir);
    tu_write(cfg, "{\n  \"reset_after_s\": -3\n}\n");
    const char *ev = tu_fmt("%s/empty2.events", dir);
    tu_write(ev, "");
    char *out = NULL;
    int rc = tu_run(tu_fmt("'%s' --headless --events '%s' --config '%s' 2>&1", tu_bin("heard"),
                           ev, cfg),
                    &out, 0);
    assert_int_equal(rc, 2);
    assert_non_null(strstr(out, tu_fmt("%s:2:20: \"reset_after_s\" must not be negative", cfg)));
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quick_tier),
        cmocka_unit_test(test_bench_visit_still_walks),
        cmocka_unit_test(test_story_tier_in_polish),
        cmocka_unit_test(test_group_tier_contact_is_sealed),
        cmocka_unit_test(test_thanks_offers_the_next_tier_unlinked),
        cmocka_unit_test(test_idle_abandons_and_drops_typed_answers),
        cmocka_unit_test(test_still_there_touch_carries_on),
        cmocka_unit_test(test_back_then_skip_deletes),
        cmocka_unit_test(test_leave_keeps_nothing),
        cmocka_unit_test(test_withdraw_keeps_nothing),
        cmocka_unit_test(test_staff_pin),
        cmocka_unit_test(test_shot_writes_image_and_layout),
        cmocka_unit_test(test_tour_every_screen_every_size),
        cmocka_unit_test(test_full_disk_acknowledges_only_committed),
        cmocka_unit_test(test_malformed_events_exit_2),
        cmocka_unit_test(test_failed_expect_exits_1),
        cmocka_unit_test(test_missing_element_exits_1),
        cmocka_unit_test(test_broken_survey_exits_2),
        cmocka_unit_test(test_command_line),
        cmocka_unit_test(test_bad_config_exits_2),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
