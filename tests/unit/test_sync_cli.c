/* test_sync_cli.c — heard-sync merge, export, report, keygen, pin-hash and
 * contacts as a coordinator runs them: messages, exit statuses, files.
 */
#define _POSIX_C_SOURCE 200809L
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/csv.h"
#include "core/survey.h"
#include "store/sync_store.h"
#include "sys/sys.h"
#include "testutil.h"

static hd_survey *g_sv;
static char g_survey[512];

static int setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    snprintf(g_survey, sizeof g_survey, "%s", tu_src("assets/surveys/example.json"));
    char *json;
    size_t len;
    assert_int_equal(hd_file_read(g_survey, &json, &len), HD_OK);
    hd_diag d;
    hd_diag_init(&d, g_survey);
    assert_int_equal(hd_survey_parse(json, len, g_survey, &g_sv, &d), HD_OK);
    free(json);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hd_survey_free(g_sv);
    return 0;
}

/* Runs heard-sync with args (in dir when not NULL); returns the status and
 * the combined output in *out. */
static int hs(const char *dir, const char *args, char **out)
{
    char bin[2048];
    const char *rel = tu_bin("heard-sync");
    if (rel[0] != '/') {
        char cwd[1024];
        if (!getcwd(cwd, sizeof cwd))
            fail_msg("getcwd");
        snprintf(bin, sizeof bin, "%s/%s", cwd, rel);
    } else {
        snprintf(bin, sizeof bin, "%s", rel);
    }
    return tu_run(tu_fmt("%s%s%s%s %s", dir ? "cd " : "", dir ? dir : "", dir ? " && " : "", bin,
                         args),
                  out, 1);
}

static void expect(const char *dir, const char *args, int status, const char *want)
{
    char *out;
    int rc = hs(dir, args, &out);
    if (rc != status || !strstr(out, want))
        fail_msg("heard-sync %s: status %d (wanted %d), output:\n%s\nwanted: %s", args, rc,
                 status, out, want);
    free(out);
}

static void gen(const char *path, long n, unsigned seed)
{
    hd_gen *g;
    assert_int_equal(hd_gen_open(path, &g), HD_OK);
    hd_gen_opts o = {.sessions = n, .seed = seed};
    assert_int_equal(hd_gen_survey(g, g_sv, &o), HD_OK);
    assert_int_equal(hd_gen_close(g), HD_OK);
}

static void test_usage_errors(void **state)
{
    (void)state;
    expect(NULL, "export", 1, "heard-sync: export: --db, --survey and --out are required");
    expect(NULL, "export --db a --survey b --out c --bogus 1", 1,
           "heard-sync: export: unknown option --bogus");
    expect(NULL, "export --db a --survey b --out c extra", 1,
           "heard-sync: export: unexpected argument \"extra\"");
    expect(NULL, "export --db a --survey b --out c --k 1", 1,
           "heard-sync: export: --k must be a whole number from 2 to 1000, not \"1\"");
    expect(NULL, "export --db a --survey b --out c --k five", 1, "not \"five\"");
    expect(NULL, "export --db a --survey b --out a", 1,
           "heard-sync: export: a is the database itself");
    expect(NULL, "report", 1, "heard-sync: report: --db and --survey are required");
    expect(NULL, "merge", 1, "heard-sync: merge: --into COORD.db is required");
    expect(NULL, "merge --into c.db", 1, "heard-sync: merge: no device database given");
    expect(NULL, "keygen --public a", 1, "heard-sync: keygen: --public FILE and --secret FILE");
    expect(NULL, "contacts --db a", 1, "heard-sync: contacts: --db, --secret and --out are required");
    expect(NULL, "pin-hash 1234", 1, "heard-sync: pin-hash: unexpected argument \"1234\"");
}

static void test_export_errors(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir()); /* tu_tmpdir's buffer is reused */
    char db[512], notdb[512], badsv[512];
    snprintf(db, sizeof db, "%s/coord.db", dir);
    snprintf(notdb, sizeof notdb, "%s/notes.db", dir);
    snprintf(badsv, sizeof badsv, "%s/bad.json", dir);
    gen(db, 40, 1);
    tu_write(notdb, "not a database\n");
    tu_write(badsv, "{\"heard_survey\": 1,\n  \"id\": 7}\n");
    expect(NULL, tu_fmt("export --db %s/none.db --survey %s --out %s/o.csv", dir, g_survey, dir),
           1, "none.db: no such database");
    expect(NULL, tu_fmt("export --db %s --survey %s --out %s/o.csv", notdb, g_survey, dir), 1,
           "notes.db: not an SQLite database");
    expect(NULL, tu_fmt("export --db %s --survey %s --out %s/o.csv", db, badsv, dir), 1,
           "heard-sync: export: ");
    expect(NULL, tu_fmt("export --db %s --survey %s --out %s/o.csv", db, badsv, dir), 1,
           "bad.json:2:");
    expect(NULL, tu_fmt("export --db %s --survey %s --out %s/no/such/dir/o.csv", db, g_survey, dir),
           1, "heard-sync: export: cannot write");
    expect(NULL, tu_fmt("export --db %s --survey %s --out %s/o.csv --translations %s/nope "
                        "--codebook %s/cb.csv",
                        db, g_survey, dir, dir, dir),
           1, "heard-sync: export: --translations");
    /* nothing half-written anywhere */
    char *out;
    assert_int_equal(tu_run(tu_fmt("ls %s", dir), &out, 0), 0);
    assert_null(strstr(out, "o.csv"));
    assert_null(strstr(out, "tmp"));
    assert_null(strstr(out, "spool"));
    free(out);
}

static void test_export_codebook_translated(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir());
    char db[512];
    snprintf(db, sizeof db, "%s/coord.db", dir);
    gen(db, 60, 2);
    char tr[512];
    snprintf(tr, sizeof tr, "%s", tu_src("translations"));
    char *out;
    int rc = hs(NULL,
                tu_fmt("export --db %s --survey %s --out %s/o.csv --codebook %s/cb.csv "
                       "--translations %s",
                       db, g_survey, dir, dir, tr),
                &out);
    if (rc != 0)
        fail_msg("%s", out);
    free(out);
    size_t len;
    char *data = tu_slurp(tu_fmt("%s/cb.csv", dir), &len);
    hd_csv_table *t;
    hd_diag d;
    hd_diag_init(&d, "cb.csv");
    assert_int_equal(hd_csv_parse(data, len, &t, &d), HD_OK);
    long cy = hd_csv_table_find_col(t, "label.cy");
    long en = hd_csv_table_find_col(t, "label.en");
    assert_true(cy > 0 && en > 0);
    bool checked = false;
    for (size_t r = 1; r < hd_csv_table_rows(t); r++)
        if (strcmp(hd_csv_table_cell(t, r, 0), "age") == 0 &&
            strcmp(hd_csv_table_cell(t, r, 4), "") == 0) {
            assert_string_equal(hd_csv_table_cell(t, r, (size_t)en), "How old are you?");
            /* the Welsh catalogue translates it: whatever it says, not English */
            assert_string_not_equal(hd_csv_table_cell(t, r, (size_t)cy), "How old are you?");
            assert_true(strlen(hd_csv_table_cell(t, r, (size_t)cy)) > 0);
            checked = true;
        }
    assert_true(checked);
    hd_csv_table_free(t);
    free(data);
}

static void test_flagged_sessions(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir());
    hd_gen *g;
    assert_int_equal(hd_gen_open(tu_fmt("%s/coord.db", dir), &g), HD_OK);
    hd_gen_opts o = {.sessions = 60, .seed = 31};
    assert_int_equal(hd_gen_survey(g, g_sv, &o), HD_OK);
    assert_int_equal(hd_gen_exec(g, "UPDATE session SET flagged = 1 WHERE rowid <= 7"), HD_OK);
    assert_int_equal(hd_gen_close(g), HD_OK);
    char *out;
    int rc = hs(dir, tu_fmt("export --db coord.db --survey %s --out all.csv", g_survey), &out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "export: 60 rows written to all.csv"));
    assert_non_null(strstr(out, "7 of the rows are flagged sessions"));
    free(out);
    rc = hs(dir, tu_fmt("export --db coord.db --survey %s --out some.csv --without-flagged",
                        g_survey),
            &out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "export: 53 rows written to some.csv"));
    assert_non_null(strstr(out, "7 flagged sessions left out (--without-flagged)"));
    free(out);
    rc = hs(dir, tu_fmt("report --db coord.db --survey %s --without-flagged", g_survey), &out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "Complete sessions: 53\n"));
    assert_non_null(strstr(out, "Flagged sessions (completed within the kiosk's minimum gap after "
                                "another): 7, left out"));
    free(out);
}

static void test_merge_cli(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir());
    gen(tu_fmt("%s/device-a.db", dir), 120, 11);
    gen(tu_fmt("%s/device-b.db", dir), 30, 12);
    tu_write(tu_fmt("%s/photo.db", dir), "JFIF not a database");
    char *out;
    int rc = hs(dir, "merge --into coord.db device-a.db photo.db device-b.db", &out);
    assert_int_equal(rc, 1); /* one file refused */
    assert_non_null(strstr(out, "device-a.db: 120 new, 0 already present, 0 conflicts\n"));
    assert_non_null(strstr(out, "heard-sync: merge: photo.db: not an SQLite database; nothing "
                                "from it was merged\n"));
    assert_non_null(strstr(out, "device-b.db: 30 new, 0 already present, 0 conflicts\n"));
    free(out);
    rc = hs(dir, "merge --into coord.db device-a.db", &out);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(out, "device-a.db: 0 new, 120 already present, 0 conflicts\n"));
    free(out);
    /* a copy with one session changed: reported, exit 1, kept */
    hd_gen *g;
    assert_int_equal(hd_gen_open(tu_fmt("%s/device-c.db", dir), &g), HD_OK);
    hd_gen_opts o = {.sessions = 120, .seed = 11};
    assert_int_equal(hd_gen_survey(g, g_sv, &o), HD_OK);
    assert_int_equal(hd_gen_exec(g, "UPDATE session SET venue = 'Elsewhere' WHERE rowid = 1"),
                     HD_OK);
    assert_int_equal(hd_gen_close(g), HD_OK);
    rc = hs(dir, "merge --into coord.db device-c.db", &out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "device-c.db: 0 new, 119 already present, 1 conflict\n"));
    assert_non_null(strstr(out, "device-c.db: conflict: session "));
    assert_non_null(strstr(out, "differs from the copy already merged (venue); kept the merged "
                                "copy"));
    free(out);
}

static void test_keygen(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir());
    expect(dir, "keygen --public coord.pub --secret coord.key", 0, "coord.pub");
    struct stat sb;
    assert_int_equal(stat(tu_fmt("%s/coord.key", dir), &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    char *pub = tu_slurp(tu_fmt("%s/coord.pub", dir), NULL);
    char *sec = tu_slurp(tu_fmt("%s/coord.key", dir), NULL);
    assert_int_equal(strlen(pub), 45); /* 44 base64 characters and a newline */
    assert_int_equal(pub[44], '\n');
    unsigned char pk[32], sk[32], derived[32];
    size_t got;
    assert_int_equal(sodium_base642bin(pk, 32, pub, 44, NULL, &got, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    assert_int_equal(got, 32);
    assert_int_equal(sodium_base642bin(sk, 32, sec, 44, NULL, &got, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    crypto_scalarmult_base(derived, sk);
    assert_memory_equal(derived, pk, 32);
    /* never overwrites */
    expect(dir, "keygen --public other.pub --secret coord.key", 1,
           "heard-sync: keygen: coord.key already exists; keygen never replaces a key file");
    char *sec2 = tu_slurp(tu_fmt("%s/coord.key", dir), NULL);
    assert_string_equal(sec, sec2);
    assert_int_not_equal(access(tu_fmt("%s/other.pub", dir), F_OK), 0);
    free(pub);
    free(sec);
    free(sec2);
}

static void test_pin_hash(void **state)
{
    (void)state;
    char *out;
    char bin[512];
    snprintf(bin, sizeof bin, "%s", tu_bin("heard-sync"));
    int rc = tu_run(tu_fmt("echo 4821 | %s pin-hash", bin), &out, 0);
    assert_int_equal(rc, 0);
    assert_int_equal(strncmp(out, "$argon2id$", 10), 0);
    char *nl = strchr(out, '\n');
    assert_non_null(nl);
    *nl = '\0';
    assert_int_equal(crypto_pwhash_str_verify(out, "4821", 4), 0);
    assert_int_not_equal(crypto_pwhash_str_verify(out, "4822", 4), 0);
    free(out);
    static const struct {
        const char *in, *want;
    } bad[] = {
        {"123", "a PIN has 4 to 12 digits"},
        {"1234567890123", "a PIN has 4 to 12 digits"},
        {"12a4", "a PIN has digits only"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        rc = tu_run(tu_fmt("echo %s | %s pin-hash", bad[i].in, bin), &out, 1);
        assert_int_equal(rc, 1);
        assert_non_null(strstr(out, "heard-sync: pin-hash: "));
        assert_non_null(strstr(out, bad[i].want));
        assert_null(strstr(out, "$argon2"));
        free(out);
    }
    rc = tu_run(tu_fmt("%s pin-hash < /dev/null", bin), &out, 1);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "heard-sync: pin-hash: no PIN on standard input"));
    free(out);
}

static void seal_into(hd_gen *g, const char *id, const char *json, const unsigned char *pk)
{
    unsigned char box[1024];
    size_t n = strlen(json);
    assert_int_equal(crypto_box_seal(box, (const unsigned char *)json, n, pk), 0);
    assert_int_equal(hd_gen_contact_add(g, id, "local-health", "2026-11-22", box,
                                        n + crypto_box_SEALBYTES),
                     HD_OK);
}

static void test_contacts(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir());
    expect(dir, "keygen --public k.pub --secret k.key", 0, "k.key");
    char *pub = tu_slurp(tu_fmt("%s/k.pub", dir), NULL);
    unsigned char pk[32], other_pk[32], other_sk[32];
    size_t got;
    assert_int_equal(sodium_base642bin(pk, 32, pub, 44, NULL, &got, NULL,
                                       sodium_base64_VARIANT_ORIGINAL),
                     0);
    free(pub);
    crypto_box_keypair(other_pk, other_sk);
    hd_gen *g;
    assert_int_equal(hd_gen_open(tu_fmt("%s/coord.db", dir), &g), HD_OK);
    /* the shape the brief describes */
    seal_into(g, "3f2a0c1e-0000-4000-8000-000000000001",
              "{\"language\":\"ur\",\"name\":\"Amina\",\"phone\":\"07700 900123\","
              "\"answers\":{\"best-time\":\"evenings\"}}",
              pk);
    /* the flat shape the kiosk writes, with a formula in the name */
    seal_into(g, "3f2a0c1e-0000-4000-8000-000000000002",
              "{\"name\": \"=Bob\", \"email\": \"bob@example.org\", \"language\": \"pl\"}", pk);
    /* sealed for another key */
    seal_into(g, "9b1d0c1e-0000-4000-8000-000000000003", "{\"name\": \"Eve\"}", other_pk);
    /* opens, but is not JSON */
    seal_into(g, "7c4e0c1e-0000-4000-8000-000000000004", "not json at all", pk);
    assert_int_equal(hd_gen_close(g), HD_OK);
    char *out;
    int rc = hs(dir, "contacts --db coord.db --secret k.key --out contacts.csv", &out);
    assert_int_equal(rc, 1);
    assert_non_null(strstr(out, "heard-sync: contacts: contact 9b1d0c1e\xE2\x80\xA6: cannot be "
                                "opened with this key\n"));
    assert_non_null(strstr(out, "heard-sync: contacts: contact 7c4e0c1e\xE2\x80\xA6: opened, but "
                                "what is inside is damaged"));
    assert_non_null(strstr(out, "2 contacts written to contacts.csv; 2 could not be read"));
    assert_null(strstr(out, "Eve"));
    free(out);
    struct stat sb;
    assert_int_equal(stat(tu_fmt("%s/contacts.csv", dir), &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0600);
    size_t len;
    char *data = tu_slurp(tu_fmt("%s/contacts.csv", dir), &len);
    hd_csv_table *t;
    hd_diag d;
    hd_diag_init(&d, "contacts.csv");
    assert_int_equal(hd_csv_parse(data, len, &t, &d), HD_OK);
    assert_int_equal(hd_csv_table_rows(t), 3);
    const char *head[] = {"name", "phone", "email", "language", "date", "survey", "other"};
    for (size_t c = 0; c < 7; c++)
        assert_string_equal(hd_csv_table_cell(t, 0, c), head[c]);
    /* rows are in date, then id order */
    assert_string_equal(hd_csv_table_cell(t, 1, 0), "Amina");
    assert_string_equal(hd_csv_table_cell(t, 1, 1), "07700 900123");
    assert_string_equal(hd_csv_table_cell(t, 1, 3), "ur");
    assert_string_equal(hd_csv_table_cell(t, 1, 4), "2026-11-22");
    assert_string_equal(hd_csv_table_cell(t, 1, 6), "best-time: evenings");
    assert_string_equal(hd_csv_table_cell(t, 2, 0), "'=Bob");
    assert_string_equal(hd_csv_table_cell(t, 2, 2), "bob@example.org");
    assert_string_equal(hd_csv_table_cell(t, 2, 3), "pl");
    hd_csv_table_free(t);
    free(data);
    /* a file that is not a key */
    tu_write(tu_fmt("%s/bad.key", dir), "hello\n");
    expect(dir, "contacts --db coord.db --secret bad.key --out c2.csv", 1,
           "heard-sync: contacts: bad.key is not a secret key file");
    assert_int_not_equal(access(tu_fmt("%s/c2.csv", dir), F_OK), 0);
    sodium_memzero(other_sk, sizeof other_sk);
}

static void test_report(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir());
    gen(tu_fmt("%s/coord.db", dir), 150, 5);
    char *out;
    int rc = hs(dir, tu_fmt("report --db coord.db --survey %s --out r.html", g_survey), &out);
    if (rc != 0)
        fail_msg("%s", out);
    assert_non_null(strstr(out, "Complete sessions: 150"));
    assert_non_null(strstr(out, "age: How old are you?"));
    assert_non_null(strstr(out, "ethnicity: What is your ethnic group?"));
    assert_non_null(strstr(out, "under target"));
    assert_non_null(strstr(out, "fewer than 10"));
    assert_non_null(strstr(out, "Sessions per venue"));
    assert_non_null(strstr(out, "Sessions per language"));
    assert_non_null(strstr(out, "Sessions per tier"));
    assert_non_null(strstr(out, "Sessions per week"));
    /* a count under 10 never shows its share */
    for (char *at = out; (at = strstr(at, "fewer than 10")); at++) {
        const char *next = at + strlen("fewer than 10");
        while (*next == ' ')
            next++;
        /* the share column follows: "-", or the line ends (breakdowns) */
        if (*next != '-' && *next != '\n' && *next != '(')
            fail_msg("a share shown next to a small count: %.60s", at);
    }
    free(out);
    char *html = tu_slurp(tu_fmt("%s/r.html", dir), NULL);
    assert_non_null(html);
    assert_int_equal(strncmp(html, "<!DOCTYPE html>", 15), 0);
    assert_non_null(strstr(html, "<svg"));
    assert_non_null(strstr(html, "@page{size:A4"));
    assert_non_null(strstr(html, "under target"));
    assert_non_null(strstr(html, "St Mary&#39;s hall")); /* escaped */
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "src="));
    assert_null(strstr(html, "href="));
    assert_null(strstr(html, "url("));
    free(html);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usage_errors),
        cmocka_unit_test(test_export_errors),
        cmocka_unit_test(test_export_codebook_translated),
        cmocka_unit_test(test_merge_cli),
        cmocka_unit_test(test_flagged_sessions),
        cmocka_unit_test(test_keygen),
        cmocka_unit_test(test_pin_hash),
        cmocka_unit_test(test_contacts),
        cmocka_unit_test(test_report),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
