/* test_export.c — heard-sync export, checked from the outside.
 *
 * Every check here reads the files heard-sync wrote with the strict CSV
 * reader and compares them with what the database holds, using its own
 * code: k is counted by sorting tuples, expected cells are pivoted here,
 * stored ids are found by scanning the database file's bytes.
 */
#define _POSIX_C_SOURCE 200809L
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/csv.h"
#include "core/survey.h"
#include "store/sync_store.h"
#include "sys/sys.h"
#include "testutil.h"

/* A survey with what makes exports go wrong: a negative number (a cell
 * starting with '-'), choice ids starting with '+' and '-', a
 * quasi-identifier multi question with "prefer not to say", free text. */
static const char nasty_json[] =
    "{\"heard_survey\": 1, \"id\": \"nasty\", \"version\": \"3\", \"source_language\": \"en\","
    " \"languages\": [\"en\", \"ar\", \"pl\"], \"title\": \"T\", \"consent\": \"C\", \"support\": \"S\","
    " \"tiers\": [{\"id\": \"quick\", \"title\": \"Q\", \"sections\": [\"a\", \"b\"]},"
    "  {\"id\": \"story\", \"title\": \"S\", \"sections\": [\"a\", \"t\", \"b\"]}],"
    " \"sections\": ["
    "  {\"id\": \"a\", \"title\": \"A\", \"questions\": ["
    "   {\"id\": \"temp\", \"type\": \"number\", \"text\": \"How cold?\", \"min\": -5, \"max\": 5},"
    "   {\"id\": \"side\", \"type\": \"single\", \"text\": \"Side?\", \"choices\": ["
    "     {\"id\": \"+1\", \"text\": \"Plus\"}, {\"id\": \"-1\", \"text\": \"Minus\"},"
    "     {\"id\": \"zero\", \"text\": \"Zero\"}]},"
    "   {\"id\": \"ok\", \"type\": \"yesno\", \"text\": \"OK?\", \"sensitive\": true}]},"
    "  {\"id\": \"t\", \"title\": \"T\", \"questions\": ["
    "   {\"id\": \"story\", \"type\": \"text\", \"text\": \"Tell us\"}]},"
    "  {\"id\": \"b\", \"title\": \"B\", \"questions\": ["
    "   {\"id\": \"helps\", \"type\": \"multi\", \"text\": \"What helps?\", \"quasi_identifier\": true,"
    "    \"sensitive\": true, \"choices\": [{\"id\": \"x\", \"text\": \"X\"},"
    "     {\"id\": \"y\", \"text\": \"Y\"}]},"
    "   {\"id\": \"age\", \"type\": \"single\", \"text\": \"Age?\", \"quasi_identifier\": true,"
    "    \"choices\": [{\"id\": \"young\", \"text\": \"Young\"}, {\"id\": \"old\", \"text\": \"Old\"},"
    "     {\"id\": \"older\", \"text\": \"Older\"}]}]}]}";

static hd_survey *g_example, *g_nasty;
static char g_example_path[512], g_nasty_path[512];

static hd_survey *parse(const char *path)
{
    char *json;
    size_t len;
    assert_int_equal(hd_file_read(path, &json, &len), HD_OK);
    hd_diag d;
    hd_diag_init(&d, path);
    hd_survey *sv = NULL;
    if (hd_survey_parse(json, len, path, &sv, &d) != HD_OK) {
        char msg[600];
        hd_diag_format(&d, 0, msg, sizeof msg);
        fail_msg("%s", msg);
    }
    free(json);
    return sv;
}

static int setup(void **state)
{
    (void)state;
    if (sodium_init() < 0)
        return -1;
    snprintf(g_example_path, sizeof g_example_path, "%s", tu_src("assets/surveys/example.json"));
    g_example = parse(g_example_path);
    snprintf(g_nasty_path, sizeof g_nasty_path, "%s/nasty.json", tu_tmpdir());
    tu_write(g_nasty_path, nasty_json);
    g_nasty = parse(g_nasty_path);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hd_survey_free(g_example);
    hd_survey_free(g_nasty);
    return 0;
}

static const char *sync_bin(void) { return tu_bin("heard-sync"); }

/* ---- the database, read independently ----------------------------------- */

/* Expected export of one database, pivoted here. */
typedef struct expected {
    size_t rows;
    char **nonqi_rows; /* per session: non-quasi-identifier cells joined by \x1f */
    char ***qi;        /* per quasi-identifier column: its value per session */
    int nqi;
    char **qi_names;
    char **texts; /* free text answers */
    size_t ntexts;
} expected;

static bool exported(const hd_question *q)
{
    return !q->contact && q->type != HD_Q_INFO && q->type != HD_Q_TEXT &&
           q->type != HD_Q_PHONE && q->type != HD_Q_EMAIL;
}

/* The header DESIGN §6 asks for, built from the survey. */
static int expected_header(const hd_survey *sv, char **names, bool *quasi)
{
    int n = 0;
    const char *fixed[] = {"response_id", "week", "language", "tier", "venue"};
    bool fixed_q[] = {false, true, true, false, true};
    for (int i = 0; i < 5; i++) {
        names[n] = strdup(fixed[i]);
        quasi[n++] = fixed_q[i];
    }
    for (int q = 0; q < sv->n_questions; q++) {
        const hd_question *qq = &sv->questions[q];
        if (!exported(qq))
            continue;
        if (qq->type == HD_Q_MULTI) {
            for (int c = 0; c < qq->n_choices; c++) {
                names[n] = strdup(tu_fmt("%s.%s", qq->id, qq->choices[c].id));
                quasi[n++] = qq->quasi_identifier;
            }
            if (qq->sensitive) {
                names[n] = strdup(tu_fmt("%s.prefer_not_to_say", qq->id));
                quasi[n++] = qq->quasi_identifier;
            }
        } else {
            names[n] = strdup(qq->id);
            quasi[n++] = qq->quasi_identifier;
        }
    }
    return n;
}

static char *iso_week_of(const char *iso)
{
    /* Independent of anon.c: Zeller-free, via days since a known Monday. */
    int y, m, d;
    sscanf(iso, "%d-%d-%d", &y, &m, &d);
    static const int cum[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    int doy = cum[m - 1] + d + (leap && m > 2);
    /* weekday of Jan 1 (Mon=1) by Gauss's algorithm */
    int yy = y - 1;
    int jan1 = (1 + 5 * (yy % 4) + 4 * (yy % 100) + 6 * (yy % 400)) % 7; /* 0 = Sunday */
    int wd_jan1 = jan1 == 0 ? 7 : jan1;
    int wd = (wd_jan1 - 1 + doy - 1) % 7 + 1;
    int week = (doy - wd + 10) / 7;
    int wy = y;
    if (week < 1) {
        wy = y - 1;
        int py = wy - 1;
        int pj = (1 + 5 * (py % 4) + 4 * (py % 100) + 6 * (py % 400)) % 7;
        pj = pj == 0 ? 7 : pj;
        bool pleap = (wy % 4 == 0 && wy % 100 != 0) || wy % 400 == 0;
        week = (pj == 4 || (pleap && pj == 3)) ? 53 : 52;
    } else {
        bool long_year = wd_jan1 == 4 || (leap && wd_jan1 == 3);
        if (week > (long_year ? 53 : 52)) {
            wy = y + 1;
            week = 1;
        }
    }
    return strdup(tu_fmt("%04d-W%02d", wy, week));
}

static void read_expected(const char *db_path, const hd_survey *sv, expected *e)
{
    memset(e, 0, sizeof *e);
    char *names[256];
    bool quasi[256];
    int ncol = expected_header(sv, names, quasi);
    for (int i = 0; i < ncol; i++)
        if (quasi[i])
            e->nqi++;
    e->qi_names = calloc((size_t)e->nqi, sizeof *e->qi_names);
    e->qi = calloc((size_t)e->nqi, sizeof *e->qi);
    for (int i = 0, j = 0; i < ncol; i++)
        if (quasi[i])
            e->qi_names[j++] = strdup(names[i]);
    const char *qids[64];
    int qidx[64], nq = 0, ntext_q = 0;
    for (int q = 0; q < sv->n_questions; q++)
        if (exported(&sv->questions[q])) {
            qidx[nq] = q;
            qids[nq++] = sv->questions[q].id;
        }
    int first_text = nq;
    for (int q = 0; q < sv->n_questions; q++)
        if (sv->questions[q].type == HD_Q_TEXT && !sv->questions[q].contact) {
            qidx[nq] = q;
            qids[nq++] = sv->questions[q].id;
            ntext_q++;
        }
    hd_syncdb *db;
    char why[512];
    assert_int_equal(hd_syncdb_open(db_path, &db, why, sizeof why), HD_OK);
    hd_export_iter *it;
    assert_int_equal(hd_export_begin(db, sv->id, qids, nq, &it), HD_OK);
    size_t cap = 64;
    e->nonqi_rows = malloc(cap * sizeof *e->nonqi_rows);
    for (int j = 0; j < e->nqi; j++)
        e->qi[j] = malloc(cap * sizeof **e->qi);
    size_t tcap = 64;
    e->texts = malloc(tcap * sizeof *e->texts);
    hd_export_row row;
    while (hd_export_next(it, &row) == HD_OK) {
        if (e->rows == cap) {
            cap *= 2;
            e->nonqi_rows = realloc(e->nonqi_rows, cap * sizeof *e->nonqi_rows);
            for (int j = 0; j < e->nqi; j++)
                e->qi[j] = realloc(e->qi[j], cap * sizeof **e->qi);
        }
        char line[8192] = "";
        size_t w = 0;
        int qj = 0;
        int col = 0;
        /* fixed columns */
        const char *fixed[5] = {NULL, NULL, row.language, row.tier ? row.tier : "",
                                row.venue ? row.venue : ""};
        char *week = iso_week_of(row.started_at);
        fixed[1] = week;
        for (int i = 1; i < 5; i++, col++) {
            (void)col;
            if (quasi[i])
                e->qi[qj++][e->rows] = strdup(fixed[i]);
            else
                w += (size_t)snprintf(line + w, sizeof line - w, "%s\x1f", fixed[i]);
        }
        free(week);
        int ci = 5;
        for (int k = 0; k < first_text; k++) {
            const hd_question *q = &sv->questions[qidx[k]];
            const char *v = row.values[k];
            if (q->type == HD_Q_MULTI) {
                bool pnts = v && strcmp(v, "prefer_not_to_say") == 0;
                int ncols = q->n_choices + (q->sensitive ? 1 : 0);
                for (int c = 0; c < ncols; c++, ci++) {
                    const char *cell;
                    if (!v)
                        cell = "";
                    else if (c == q->n_choices)
                        cell = pnts ? "1" : "0";
                    else if (pnts)
                        cell = "";
                    else {
                        char padded[1024];
                        snprintf(padded, sizeof padded, " %s ", v);
                        cell = strstr(padded, tu_fmt(" %s ", q->choices[c].id)) ? "1" : "0";
                    }
                    if (quasi[ci])
                        e->qi[qj++][e->rows] = strdup(cell);
                    else
                        w += (size_t)snprintf(line + w, sizeof line - w, "%s\x1f", cell);
                }
            } else {
                const char *cell = v ? v : "";
                if (quasi[ci])
                    e->qi[qj++][e->rows] = strdup(cell);
                else
                    w += (size_t)snprintf(line + w, sizeof line - w, "%s\x1f", cell);
                ci++;
            }
        }
        e->nonqi_rows[e->rows++] = strdup(line);
        for (int k = first_text; k < nq; k++) {
            if (!row.values[k])
                continue;
            if (e->ntexts == tcap) {
                tcap *= 2;
                e->texts = realloc(e->texts, tcap * sizeof *e->texts);
            }
            e->texts[e->ntexts++] = strdup(row.values[k]);
        }
    }
    hd_export_end(it);
    hd_syncdb_close(db);
    for (int i = 0; i < ncol; i++)
        free(names[i]);
}

static void expected_free(expected *e)
{
    for (size_t r = 0; r < e->rows; r++) {
        free(e->nonqi_rows[r]);
        for (int j = 0; j < e->nqi; j++)
            free(e->qi[j][r]);
    }
    for (int j = 0; j < e->nqi; j++) {
        free(e->qi[j]);
        free(e->qi_names[j]);
    }
    for (size_t i = 0; i < e->ntexts; i++)
        free(e->texts[i]);
    free(e->texts);
    free(e->qi);
    free(e->qi_names);
    free(e->nonqi_rows);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every 36-character UUID stored in the database file, as raw bytes. */
static size_t stored_ids(const char *db_path, char ***out)
{
    size_t len;
    char *data = tu_slurp(db_path, &len);
    assert_non_null(data);
    size_t n = 0, cap = 256;
    char **ids = malloc(cap * sizeof *ids);
    for (size_t i = 0; i + 36 <= len; i++) {
        bool ok = true;
        for (size_t j = 0; j < 36 && ok; j++) {
            char c = data[i + j];
            if (j == 8 || j == 13 || j == 18 || j == 23)
                ok = c == '-';
            else
                ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        }
        if (!ok)
            continue;
        if (n == cap) {
            cap *= 2;
            ids = realloc(ids, cap * sizeof *ids);
        }
        ids[n] = malloc(37);
        memcpy(ids[n], data + i, 36);
        ids[n][36] = '\0';
        n++;
        i += 35;
    }
    free(data);
    *out = ids;
    return n;
}

/* ---- the checks ---------------------------------------------------------- */

static hd_csv_table *parse_file(const char *path)
{
    size_t len;
    char *data = tu_slurp(path, &len);
    if (!data)
        fail_msg("%s was not written", path);
    hd_csv_table *t = NULL;
    hd_diag d;
    hd_diag_init(&d, path);
    if (hd_csv_parse(data, len, &t, &d) != HD_OK) {
        char msg[600];
        hd_diag_format(&d, 0, msg, sizeof msg);
        fail_msg("not strict RFC 4180: %s", msg);
    }
    free(data);
    return t;
}

/* A cell as the writer guards it. */
static const char *unguard(const char *cell)
{
    if (cell[0] == '\'' && hd_csv_needs_guard(cell + 1, strlen(cell + 1)))
        return cell + 1;
    return cell;
}

static void check_export(const char *db_path, const hd_survey *sv, const char *out, int k,
                         const char *canary, const char *text_path)
{
    expected e;
    read_expected(db_path, sv, &e);
    hd_csv_table *t = parse_file(out);
    /* columns exact */
    char *names[256];
    bool quasi[256];
    int ncol = expected_header(sv, names, quasi);
    assert_int_equal(hd_csv_table_cols(t), (size_t)ncol);
    for (int i = 0; i < ncol; i++) {
        assert_string_equal(hd_csv_table_cell(t, 0, (size_t)i), names[i]);
        free(names[i]);
    }
    size_t rows = hd_csv_table_rows(t) - 1;
    assert_int_equal(rows, e.rows);
    /* no formula survives, response ids unique */
    char **rid = malloc(rows * sizeof *rid);
    for (size_t r = 1; r <= rows; r++) {
        for (int c = 0; c < ncol; c++) {
            const char *cell = hd_csv_table_cell(t, r, (size_t)c);
            assert_false(hd_csv_needs_guard(cell, strlen(cell)));
        }
        rid[r - 1] = (char *)hd_csv_table_cell(t, r, 0);
        assert_int_equal(strlen(rid[r - 1]), 36);
    }
    qsort(rid, rows, sizeof *rid, cmp_str);
    for (size_t r = 1; r < rows; r++)
        assert_string_not_equal(rid[r], rid[r - 1]);
    /* k-anonymity over the quasi-identifier columns, counted here */
    char **tuples = malloc(rows * sizeof *tuples);
    for (size_t r = 1; r <= rows; r++) {
        char buf[4096] = "";
        size_t w = 0;
        for (int c = 0; c < ncol; c++)
            if (quasi[c])
                w += (size_t)snprintf(buf + w, sizeof buf - w, "%s\x1f",
                                      hd_csv_table_cell(t, r, (size_t)c));
        tuples[r - 1] = strdup(buf);
    }
    qsort(tuples, rows, sizeof *tuples, cmp_str);
    size_t run = 1;
    for (size_t r = 1; r <= rows; r++) {
        if (r < rows && strcmp(tuples[r], tuples[r - 1]) == 0) {
            run++;
            continue;
        }
        if (run < (size_t)k)
            fail_msg("%s: a combination of quasi-identifiers shared by %zu < k = %d rows", out,
                     run, k);
        run = 1;
    }
    for (size_t r = 0; r < rows; r++)
        free(tuples[r]);
    free(tuples);
    /* the same cells: non-quasi-identifier rows are exactly the database's
     * (as multisets of whole rows); each quasi-identifier column holds the
     * database's values or "*" */
    char **got = malloc(rows * sizeof *got);
    for (size_t r = 1; r <= rows; r++) {
        char buf[8192] = "";
        size_t w = 0;
        for (int c = 1; c < ncol; c++)
            if (!quasi[c])
                w += (size_t)snprintf(buf + w, sizeof buf - w, "%s\x1f",
                                      unguard(hd_csv_table_cell(t, r, (size_t)c)));
        got[r - 1] = strdup(buf);
    }
    qsort(got, rows, sizeof *got, cmp_str);
    qsort(e.nonqi_rows, rows, sizeof *e.nonqi_rows, cmp_str);
    for (size_t r = 0; r < rows; r++) {
        if (strcmp(got[r], e.nonqi_rows[r]) != 0)
            fail_msg("row cells differ:\n got  %s\n want %s", got[r], e.nonqi_rows[r]);
        free(got[r]);
    }
    free(got);
    for (int j = 0, c = 0; c < ncol; c++) {
        if (!quasi[c])
            continue;
        char **col = malloc(rows * sizeof *col);
        size_t stars = 0, n = 0;
        for (size_t r = 1; r <= rows; r++) {
            const char *cell = unguard(hd_csv_table_cell(t, r, (size_t)c));
            if (strcmp(cell, "*") == 0)
                stars++;
            else
                col[n++] = (char *)cell;
        }
        qsort(col, n, sizeof *col, cmp_str);
        qsort(e.qi[j], rows, sizeof *e.qi[j], cmp_str);
        /* every published value is one of the database's, no more often */
        size_t a = 0;
        for (size_t b = 0; b < rows && a < n; b++)
            if (strcmp(col[a], e.qi[j][b]) == 0)
                a++;
        if (a != n)
            fail_msg("column %s holds a value the database does not", e.qi_names[j]);
        assert_int_equal(n + stars, rows);
        free(col);
        j++;
    }
    /* nothing that identifies: no stored id, no free text, no contact */
    char **ids;
    size_t nids = stored_ids(db_path, &ids);
    assert_true(nids >= e.rows);
    char *raw = tu_slurp(out, NULL);
    for (size_t i = 0; i < nids; i++) {
        if (strstr(raw, ids[i]))
            fail_msg("stored id %s appears in the export", ids[i]);
        free(ids[i]);
    }
    free(ids);
    if (canary)
        assert_null(strstr(raw, canary));
    assert_null(strstr(raw, "CONTACTCANARY"));
    assert_null(strstr(raw, "T09:")); /* no time of day */
    free(raw);
    free(rid);
    hd_csv_table_free(t);
    /* the free text: scrubbed, nothing linking it to the export */
    if (text_path) {
        hd_csv_table *tt = parse_file(text_path);
        assert_int_equal(hd_csv_table_cols(tt), 2);
        assert_string_equal(hd_csv_table_cell(tt, 0, 0), "question_id");
        assert_string_equal(hd_csv_table_cell(tt, 0, 1), "text");
        assert_int_equal(hd_csv_table_rows(tt) - 1, e.ntexts);
        char *traw = tu_slurp(text_path, NULL);
        assert_null(strstr(traw, "07700 900"));
        assert_null(strstr(traw, "@example.org"));
        assert_null(strstr(traw, "SW1A 1AA"));
        if (canary && e.ntexts > 0) {
            assert_non_null(strstr(traw, canary)); /* the story itself is kept */
            assert_non_null(strstr(traw, "[removed]"));
        }
        free(traw);
        hd_csv_table_free(tt);
    }
    expected_free(&e);
}

static void gen_db(const char *path, const hd_survey *sv, const hd_gen_opts *o)
{
    hd_gen *g;
    assert_int_equal(hd_gen_open(path, &g), HD_OK);
    hd_err e = hd_gen_survey(g, sv, o);
    if (e != HD_OK)
        fail_msg("generating %s: %s", path, hd_err_name(e));
    assert_int_equal(hd_gen_close(g), HD_OK);
}

static unsigned rnd(unsigned *s)
{
    unsigned x = *s ? *s : 1;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

/* ---- tests ------------------------------------------------------------- */

static void test_export_example(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir()); /* tu_tmpdir's buffer is reused */
    char db[512], out[512], cb[512], text[512], pk_file[512];
    snprintf(db, sizeof db, "%s/coord.db", dir);
    snprintf(out, sizeof out, "%s/out.csv", dir);
    snprintf(cb, sizeof cb, "%s/codebook.csv", dir);
    snprintf(text, sizeof text, "%s/text.csv", dir);
    snprintf(pk_file, sizeof pk_file, "%s/pk", dir);
    unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
    crypto_box_keypair(pk, sk);
    hd_gen_opts o = {.sessions = 800, .seed = 4, .complete_pct = 85, .canary = "CANARY42",
                     .contact_pk = pk, .contact_canary = "CONTACTCANARY"};
    gen_db(db, g_example, &o);
    char *msg;
    int rc = tu_run(tu_fmt("%s export --db %s --survey %s --out %s --codebook %s "
                           "--include-text %s",
                           sync_bin(), db, g_example_path, out, cb, text),
                    &msg, 1);
    if (rc != 0)
        fail_msg("export failed: %s", msg);
    assert_non_null(strstr(msg, "rows written to"));
    assert_non_null(strstr(msg, "k = 5"));
    assert_non_null(strstr(msg, "suppressed cells (*): week "));
    assert_non_null(strstr(msg, "blanking whole columns instead would cost"));
    free(msg);
    check_export(db, g_example, out, 5, "CANARY42", text);
    /* codebook: every export column, every language */
    hd_csv_table *c = parse_file(cb);
    hd_csv_table *t = parse_file(out);
    assert_int_equal(hd_csv_table_cols(c), 5 + (size_t)g_example->n_languages);
    assert_string_equal(hd_csv_table_cell(c, 0, 0), "column");
    assert_string_equal(hd_csv_table_cell(c, 0, 4), "choice_id");
    assert_string_equal(hd_csv_table_cell(c, 0, 5), "label.en");
    for (size_t col = 0; col < hd_csv_table_cols(t); col++) {
        const char *name = hd_csv_table_cell(t, 0, col);
        bool found = false;
        for (size_t r = 1; r < hd_csv_table_rows(c) && !found; r++)
            found = strcmp(hd_csv_table_cell(c, r, 0), name) == 0;
        if (!found)
            fail_msg("column %s is not in the codebook", name);
    }
    bool age_choice = false;
    for (size_t r = 1; r < hd_csv_table_rows(c); r++)
        if (strcmp(hd_csv_table_cell(c, r, 0), "age") == 0 &&
            strcmp(hd_csv_table_cell(c, r, 4), "65-plus") == 0)
            age_choice = true;
    assert_true(age_choice);
    hd_csv_table_free(c);
    /* a second export: fresh response ids, another order */
    char out2[512];
    snprintf(out2, sizeof out2, "%s/out2.csv", dir);
    rc = tu_run(tu_fmt("%s export --db %s --survey %s --out %s", sync_bin(), db, g_example_path,
                       out2),
                &msg, 1);
    if (rc != 0)
        fail_msg("second export failed: %s", msg);
    free(msg);
    hd_csv_table *t2 = parse_file(out2);
    assert_int_equal(hd_csv_table_rows(t2), hd_csv_table_rows(t));
    int same_id = 0, same_row = 0;
    for (size_t r = 1; r < hd_csv_table_rows(t); r++) {
        same_id += strcmp(hd_csv_table_cell(t, r, 0), hd_csv_table_cell(t2, r, 0)) == 0;
        bool eq = true;
        for (size_t col = 1; col < hd_csv_table_cols(t) && eq; col++)
            eq = strcmp(hd_csv_table_cell(t, r, col), hd_csv_table_cell(t2, r, col)) == 0;
        same_row += eq;
    }
    assert_int_equal(same_id, 0);
    assert_true(same_row < (int)hd_csv_table_rows(t) / 2);
    hd_csv_table_free(t);
    hd_csv_table_free(t2);
    sodium_memzero(sk, sizeof sk);
}

/* The property test: many small generated databases, each exported and
 * checked from the outside. */
static void test_property_many_datasets(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir()); /* tu_tmpdir's buffer is reused */
    static const char *const hostile_venues[] = {"=HYPERLINK(\"http://x\")", "+44 shop", "-minus",
                                                 "@home", "\tTabbed", "Mosque, \"Al-Noor\"",
                                                 "caf\xC3\xA9 \xD8\xA7\xD9\x84\xD9\x86\xD9\x88\xD8\xB1",
                                                 "Library"};
    unsigned seed = 777;
    const int datasets = 1000;
    for (int i = 0; i < datasets; i++) {
        const hd_survey *sv = i % 2 ? g_nasty : g_example;
        const char *sv_path = i % 2 ? g_nasty_path : g_example_path;
        int k = 2 + (int)(rnd(&seed) % 6);
        char db[512], out[512], text[512];
        snprintf(db, sizeof db, "%s/d%d.db", dir, i);
        snprintf(out, sizeof out, "%s/d%d.csv", dir, i);
        snprintf(text, sizeof text, "%s/d%d.txt.csv", dir, i);
        hd_gen_opts o = {.sessions = 2 * k + (long)(rnd(&seed) % 120),
                         .seed = rnd(&seed),
                         .complete_pct = 70 + (int)(rnd(&seed) % 31),
                         .skip_pct = 1 + (int)(rnd(&seed) % 50),
                         .venues = hostile_venues,
                         .n_venues = 1 + (int)(rnd(&seed) % 8),
                         .days = 1 + (int)(rnd(&seed) % 400),
                         .start = i % 3 ? "2026-12-20" : "2020-12-25", /* across ISO years */
                         .canary = "CANARY42"};
        gen_db(db, sv, &o);
        char *msg;
        int rc = tu_run(tu_fmt("%s export --db %s --survey %s --out %s --k %d --include-text %s",
                               sync_bin(), db, sv_path, out, k, text),
                        &msg, 1);
        expected e;
        read_expected(db, sv, &e);
        size_t complete = e.rows;
        expected_free(&e);
        if (complete < 2 * (size_t)k) {
            /* too few complete sessions: refused, nothing written */
            assert_int_equal(rc, 1);
            assert_non_null(strstr(msg, "heard-sync: export: "));
            assert_int_not_equal(access(out, F_OK), 0);
        } else {
            if (rc != 0)
                fail_msg("dataset %d: %s", i, msg);
            check_export(db, sv, out, k, "CANARY42", text);
        }
        free(msg);
        unlink(db);
        unlink(out);
        unlink(text);
    }
}

static void test_refuses_too_few(void **state)
{
    (void)state;
    char dir[256];
    snprintf(dir, sizeof dir, "%s", tu_tmpdir()); /* tu_tmpdir's buffer is reused */
    char db[512], out[512];
    snprintf(db, sizeof db, "%s/few.db", dir);
    snprintf(out, sizeof out, "%s/out.csv", dir);
    hd_gen_opts o = {.sessions = 9, .seed = 3};
    gen_db(db, g_example, &o);
    tu_write(out, "an earlier export\r\n");
    char *msg;
    int rc = tu_run(tu_fmt("%s export --db %s --survey %s --out %s", sync_bin(), db,
                           g_example_path, out),
                    &msg, 1);
    assert_int_equal(rc, 1);
    if (!strstr(msg, "heard-sync: export: ") || !strstr(msg, "holds 9 complete sessions") ||
        !strstr(msg, "at least 10"))
        fail_msg("unexpected message: %s", msg);
    free(msg);
    /* what was there is untouched, and no temporary file is left */
    char *text = tu_slurp(out, NULL);
    assert_string_equal(text, "an earlier export\r\n");
    free(text);
    assert_int_equal(tu_run(tu_fmt("ls %s | grep -c tmp", dir), &msg, 0), 1);
    free(msg);
    /* with k = 2 the same 9 sessions are enough */
    assert_int_equal(tu_run(tu_fmt("%s export --db %s --survey %s --out %s --k 2", sync_bin(),
                                   db, g_example_path, out),
                            NULL, 1),
                     0);
    check_export(db, g_example, out, 2, NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export_example),
        cmocka_unit_test(test_refuses_too_few),
        cmocka_unit_test(test_property_many_datasets),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
