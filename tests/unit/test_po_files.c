/* test_po_files.c — the translation files in translations/: gettext accepts
 * them, the kiosk loads them, they cover the code's strings and the example
 * survey, no translation loses a printf placeholder; and heard-sync pot /
 * lint --translations against them. */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/i18n.h"
#include "core/survey.h"
#include "testutil.h"

/* ------------------------------------------------------------------ */
/* Finding the files                                                    */

typedef struct po_file {
    char path[1024];
    char dir[128];  /* "ui" or the survey id */
    char lang[64];  /* file name without ".po" */
} po_file;

#define MAX_PO 256
static po_file files[MAX_PO];
static int n_files;

static int scan(void **state)
{
    (void)state;
    n_files = 0;
    const char *root = tu_src("translations");
    DIR *top = opendir(root);
    if (!top)
        fail_msg("no translations directory at %s", root);
    struct dirent *d;
    while ((d = readdir(top))) {
        if (d->d_name[0] == '.')
            continue;
        char sub[1024];
        snprintf(sub, sizeof sub, "%.*s/%.*s", 700, root, 200, d->d_name);
        DIR *dd = opendir(sub);
        if (!dd)
            continue;
        struct dirent *f;
        while ((f = readdir(dd))) {
            size_t n = strlen(f->d_name);
            if (n < 4 || strcmp(f->d_name + n - 3, ".po") != 0 || n_files >= MAX_PO)
                continue;
            po_file *p = &files[n_files++];
            if (strlen(sub) + n + 2 > sizeof p->path || strlen(d->d_name) >= sizeof p->dir)
                fail_msg("path too long: %s/%s", sub, f->d_name);
            snprintf(p->path, sizeof p->path, "%.*s/%s", 900, sub, f->d_name);
            snprintf(p->dir, sizeof p->dir, "%.*s", 100, d->d_name);
            snprintf(p->lang, sizeof p->lang, "%.*s", (int)(n - 3), f->d_name);
        }
        closedir(dd);
    }
    closedir(top);
    return 0;
}

/* ------------------------------------------------------------------ */
/* Reading PO entries into a list                                       */

typedef struct ent {
    char *ctx, *id, *str;
    bool fuzzy, obsolete;
    int line;
} ent;

typedef struct ents {
    ent *v;
    int n, cap;
    char *header;
} ents;

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

static void collect(const hd_po_entry *e, void *ud)
{
    ents *l = ud;
    if (!e->ctx && !e->id[0] && !e->obsolete) {
        free(l->header);
        l->header = strdup(e->str);
        return;
    }
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = realloc(l->v, (size_t)l->cap * sizeof *l->v);
    }
    l->v[l->n++] = (ent){dup_or_null(e->ctx), strdup(e->id), strdup(e->str), e->fuzzy,
                         e->obsolete, e->line};
}

static void ents_free(ents *l)
{
    for (int i = 0; i < l->n; i++) {
        free(l->v[i].ctx);
        free(l->v[i].id);
        free(l->v[i].str);
    }
    free(l->v);
    free(l->header);
    memset(l, 0, sizeof *l);
}

static void read_po(const char *path, ents *out)
{
    size_t len;
    char *po = tu_slurp(path, &len);
    if (!po)
        fail_msg("cannot read %s", path);
    hd_diag d;
    hd_diag_init(&d, path);
    memset(out, 0, sizeof *out);
    hd_err err = hd_po_parse(po, len, path, collect, out, &d);
    free(po);
    if (err) {
        char msg[512] = "";
        if (d.n)
            hd_diag_format(&d, 0, msg, sizeof msg);
        fail_msg("%s does not parse: %s", path, msg);
    }
}

static const ent *find(const ents *l, const char *ctx, const char *id)
{
    for (int i = 0; i < l->n; i++) {
        const ent *e = &l->v[i];
        if (e->obsolete || !e->ctx != !ctx || (ctx && strcmp(e->ctx, ctx) != 0))
            continue;
        if (!id || strcmp(e->id, id) == 0)
            return e;
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Every file: msgfmt, the kiosk's loader, the header                   */

static void msgfmt_accepts_every_file(void **state)
{
    (void)state;
    assert_true(n_files >= 19); /* 10 UI + 9 survey languages at least */
    for (int i = 0; i < n_files; i++) {
        char *out = NULL;
        int rc = tu_run(tu_fmt("msgfmt --check -o /dev/null '%s'", files[i].path), &out, 1);
        if (rc != 0)
            fail_msg("msgfmt --check %s failed (%d):\n%s", files[i].path, rc, out);
        free(out);
    }
}

static void kiosk_loads_every_file(void **state)
{
    (void)state;
    hd_i18n *t;
    assert_int_equal(hd_i18n_open(&t), HD_OK);
    for (int i = 0; i < n_files; i++) {
        const po_file *f = &files[i];
        if (!hd_lang_code_valid(f->lang))
            fail_msg("%s: \"%s\" is not a language code", f->path, f->lang);
        size_t len;
        char *po = tu_slurp(f->path, &len);
        assert_non_null(po);
        hd_diag d;
        hd_diag_init(&d, f->path);
        hd_catalog cat = strcmp(f->dir, "ui") == 0 ? HD_CAT_UI : HD_CAT_SURVEY;
        hd_err err = hd_i18n_load_po(t, cat, f->lang, po, len, f->path, &d);
        if (err) {
            char msg[512] = "";
            if (d.n)
                hd_diag_format(&d, 0, msg, sizeof msg);
            fail_msg("%s does not load: %s %s", f->path, hd_err_name(err), msg);
        }
        free(po);
    }
    /* a loaded translation is really used */
    assert_string_not_equal(hd_i18n_ui(t, "pl", "Next"), "Next");
    assert_string_equal(hd_i18n_ui(t, "en", "Next"), "Next");
    hd_i18n_close(t);
}

static void headers_say_language_charset_plurals_review(void **state)
{
    (void)state;
    for (int i = 0; i < n_files; i++) {
        const po_file *f = &files[i];
        ents l;
        read_po(f->path, &l);
        if (!l.header)
            fail_msg("%s has no header entry", f->path);
        const char *want_lang = tu_fmt("Language: %s\n", f->lang);
        if (!strstr(l.header, want_lang))
            fail_msg("%s: header lacks \"%.*s\"", f->path, (int)strlen(want_lang) - 1, want_lang);
        if (!strstr(l.header, "charset=UTF-8"))
            fail_msg("%s: header must say charset=UTF-8", f->path);
        if (!strstr(l.header, "Plural-Forms: nplurals="))
            fail_msg("%s: header lacks Plural-Forms", f->path);
        const char *review = strstr(l.header, "X-Heard-Review: ");
        if (!review)
            fail_msg("%s: header lacks X-Heard-Review", f->path);
        if (strncmp(review, "X-Heard-Review: needed\n", 23) == 0) {
            char *text = tu_slurp(f->path, NULL);
            bool marked = strstr(text, "NEEDS REVIEW by a native speaker") != NULL;
            free(text);
            if (!marked)
                fail_msg("%s: needs review but has no NEEDS REVIEW comment", f->path);
        }
        ents_free(&l);
    }
}

/* ------------------------------------------------------------------ */
/* printf placeholders                                                  */

/* Appends every placeholder in s to out as a space-separated sorted list, so
 * two strings can be compared as multisets: printf conversions ("%d",
 * "%02d", "%ld", "%s"; a positional "%2$d" counts as "%d") and the view's
 * named ones ("{n}", "{total}"), which the translation may reorder but must
 * keep. */
static void conversions(const char *s, char *out, size_t cap)
{
    char specs[32][16];
    int n = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '{') {
            size_t k = 1;
            while ((p[k] >= 'a' && p[k] <= 'z') || p[k] == '_')
                k++;
            if (p[k] == '}' && k > 1 && k < 14 && n < 32) {
                snprintf(specs[n++], sizeof specs[0], "%.*s", (int)k + 1, p);
                p += k;
            }
            continue;
        }
        if (*p != '%')
            continue;
        if (p[1] == '%') {
            p++;
            continue;
        }
        const char *q = p + 1;
        const char *digits = q;
        while (*q >= '0' && *q <= '9')
            q++;
        if (*q == '$' && q > digits)
            q++; /* positional argument: the position is not part of the type */
        else
            q = digits;
        char spec[16];
        size_t k = 0;
        spec[k++] = '%';
        while (*q && strchr("-+ #0123456789.", *q) && k < 10)
            spec[k++] = *q++;
        while (*q && strchr("hlLqjzt", *q) && k < 13)
            spec[k++] = *q++;
        if (*q)
            spec[k++] = *q;
        spec[k] = '\0';
        if (n < 32)
            snprintf(specs[n++], sizeof specs[0], "%s", spec);
        p = *q ? q : q - 1;
    }
    qsort(specs, (size_t)n, sizeof specs[0], (int (*)(const void *, const void *))strcmp);
    out[0] = '\0';
    for (int i = 0; i < n; i++) {
        strncat(out, specs[i], cap - strlen(out) - 1);
        strncat(out, " ", cap - strlen(out) - 1);
    }
}

static void conversions_are_counted(void **state)
{
    (void)state;
    char a[256];
    conversions("%d of %d", a, sizeof a);
    assert_string_equal(a, "%d %d ");
    conversions("%2$d از %1$d, 100%% %s %02d %ld", a, sizeof a);
    assert_string_equal(a, "%02d %d %d %ld %s ");
    conversions("{total} میں سے {n} {not a placeholder} {}", a, sizeof a);
    assert_string_equal(a, "{n} {total} ");
    conversions("no placeholders", a, sizeof a);
    assert_string_equal(a, "");
}

static void no_translation_drops_a_placeholder(void **state)
{
    (void)state;
    int checked = 0;
    for (int i = 0; i < n_files; i++) {
        ents l;
        read_po(files[i].path, &l);
        for (int k = 0; k < l.n; k++) {
            const ent *e = &l.v[k];
            if (e->obsolete || !e->str[0])
                continue;
            char want[256], got[256];
            conversions(e->id, want, sizeof want);
            conversions(e->str, got, sizeof got);
            if (strcmp(want, got) != 0)
                fail_msg("%s:%d: \"%s\" has placeholders [%s] but its translation \"%s\" has "
                         "[%s]",
                         files[i].path, e->line, e->id, want, e->str, got);
            if (want[0])
                checked++;
        }
        ents_free(&l);
    }
    assert_true(checked > 0); /* the UI files do hold strings with placeholders */
}

/* ------------------------------------------------------------------ */
/* The UI template covers the code                                      */

static void every_ui_string_in_the_code_is_in_the_template(void **state)
{
    (void)state;
    const char *tmp = tu_tmpdir();
    char *out = NULL;
    int rc = tu_run(tu_fmt("cd '%s' && xgettext --keyword=HD_N_ --from-code=UTF-8 --add-comments "
                           "--language=C --force-po -o '%s/code.pot' src/core/*.c",
                           tu_source_dir(), tmp),
                    &out, 1);
    if (rc != 0)
        fail_msg("xgettext failed (%d):\n%s", rc, out);
    free(out);
    ents code, pot;
    read_po(tu_fmt("%s/code.pot", tmp), &code);
    read_po(tu_src("translations/ui/heard.pot"), &pot);
    for (int i = 0; i < code.n; i++)
        if (!find(&pot, code.v[i].ctx, code.v[i].id))
            fail_msg("\"%s\" is used in the code but not in translations/ui/heard.pot: run "
                     "tools/update-translations",
                     code.v[i].id);
    /* and every UI file has been merged with the template */
    for (int f = 0; f < n_files; f++) {
        if (strcmp(files[f].dir, "ui") != 0)
            continue;
        ents po;
        read_po(files[f].path, &po);
        for (int i = 0; i < pot.n; i++)
            if (!find(&po, pot.v[i].ctx, pot.v[i].id))
                fail_msg("%s lacks \"%s\" from heard.pot: run tools/update-translations",
                         files[f].path, pot.v[i].id);
        ents_free(&po);
    }
    assert_true(pot.n >= 40);
    ents_free(&code);
    ents_free(&pot);
}

/* ------------------------------------------------------------------ */
/* The example survey is translated into every language it lists        */

typedef struct field {
    char ctx[160];
    const char *source;
} field;

/* The DESIGN §4 contexts of sv, built here independently of heard-sync. */
static int survey_fields(const hd_survey *sv, field *out, int cap)
{
    int n = 0;
#define ADD(src, ...)                                                                    \
    do {                                                                                 \
        if ((src) && *(src) && n < cap) {                                                \
            snprintf(out[n].ctx, sizeof out[n].ctx, __VA_ARGS__);                        \
            out[n++].source = (src);                                                     \
        }                                                                                \
    } while (0)
    ADD(sv->title, "survey.title");
    ADD(sv->consent, "survey.consent");
    ADD(sv->support, "survey.support");
    for (int i = 0; i < sv->n_tiers; i++) {
        ADD(sv->tiers[i].title, "tier.%s.title", sv->tiers[i].id);
        ADD(sv->tiers[i].blurb, "tier.%s.blurb", sv->tiers[i].id);
    }
    for (int i = 0; i < sv->n_sections; i++)
        ADD(sv->sections[i].title, "section.%s.title", sv->sections[i].id);
    for (int i = 0; i < sv->n_questions; i++) {
        const hd_question *q = &sv->questions[i];
        ADD(q->text, "question.%s", q->id);
        for (int c = 0; c < q->n_choices; c++)
            ADD(q->choices[c].text, "choice.%s.%s", q->id, q->choices[c].id);
    }
#undef ADD
    return n;
}

static hd_survey *load_example(void)
{
    size_t len;
    const char *path = tu_src("assets/surveys/example.json");
    char *json = tu_slurp(path, &len);
    if (!json)
        fail_msg("cannot read %s", path);
    hd_diag d;
    hd_diag_init(&d, path);
    hd_survey *sv = NULL;
    if (hd_survey_parse(json, len, path, &sv, &d) != HD_OK)
        fail_msg("the example survey does not parse");
    free(json);
    return sv;
}

static void example_survey_translated_into_every_language(void **state)
{
    (void)state;
    hd_survey *sv = load_example();
    static field fields[512];
    int nf = survey_fields(sv, fields, 512);
    assert_true(nf > 20);
    int langs = 0;
    for (int l = 0; l < sv->n_languages; l++) {
        const char *lang = sv->languages[l];
        if (strcmp(lang, sv->source_language) == 0)
            continue;
        langs++;
        const char *path = tu_src(tu_fmt("translations/%s/%s.po", sv->id, lang));
        struct stat st;
        if (stat(path, &st) != 0)
            fail_msg("the example survey lists %s but %s is missing", lang, path);
        ents po;
        read_po(path, &po);
        for (int i = 0; i < nf; i++) {
            const ent *e = find(&po, fields[i].ctx, NULL);
            if (!e)
                fail_msg("%s: no entry for %s", path, fields[i].ctx);
            if (strcmp(e->id, fields[i].source) != 0)
                fail_msg("%s:%d: %s translates an older text; run tools/update-translations "
                         "and review it",
                         path, e->line, fields[i].ctx);
            if (!e->str[0] || e->fuzzy)
                fail_msg("%s:%d: %s is %s", path, e->line, fields[i].ctx,
                         e->fuzzy ? "fuzzy" : "not translated");
        }
        ents_free(&po);
    }
    assert_true(langs >= 9);
    /* the kiosk's lookup gives the translation, in a right-to-left language too */
    hd_i18n *t;
    assert_int_equal(hd_i18n_open(&t), HD_OK);
    size_t len;
    const char *path = tu_src(tu_fmt("translations/%s/ur.po", sv->id));
    char *po = tu_slurp(path, &len);
    assert_non_null(po);
    hd_diag d;
    hd_diag_init(&d, path);
    assert_int_equal(hd_i18n_load_po(t, HD_CAT_SURVEY, "ur", po, len, path, &d), HD_OK);
    free(po);
    const char *ur = hd_i18n_survey(t, "ur", "survey.title", sv->title);
    assert_string_not_equal(ur, sv->title);
    assert_true((unsigned char)ur[0] >= 0xD8 && (unsigned char)ur[0] <= 0xDB); /* Arabic block */
    hd_i18n_close(t);
    hd_survey_free(sv);
}

/* ------------------------------------------------------------------ */
/* heard-sync pot and lint --translations                               */

/* The heard-sync binary, or skip when this build has none yet. */
static const char *heard_sync(void)
{
    static char hs[1024]; /* tu_bin's buffer is reused by later tu_fmt calls */
    snprintf(hs, sizeof hs, "%s", tu_bin("heard-sync"));
    struct stat st;
    if (stat(hs, &st) != 0) {
        print_message("heard-sync is not built in %s; skipping\n", tu_build_dir());
        skip();
    }
    return hs;
}

static void pot_matches_the_committed_template(void **state)
{
    (void)state;
    const char *hs = heard_sync();
    char *out = NULL;
    int rc = tu_run(tu_fmt("cd '%s' && '%s' pot --survey assets/surveys/example.json",
                           tu_source_dir(), hs),
                    &out, 0);
    assert_int_equal(rc, 0);
    char *committed = tu_slurp(tu_src("translations/local-health/local-health.pot"), NULL);
    assert_non_null(committed);
    if (strcmp(out, committed) != 0)
        fail_msg("translations/local-health/local-health.pot is out of date: run "
                 "tools/update-translations");
    free(committed);
    free(out);
}

static void pot_is_what_gettext_writes(void **state)
{
    (void)state;
    const char *hs = heard_sync();
    char dir[512]; /* tu_tmpdir's buffer is reused by later tu_fmt calls */
    snprintf(dir, sizeof dir, "%s", tu_tmpdir());
    /* escapes, a long line, new lines, non-ASCII, an info question */
    tu_write(tu_fmt("%s/s.json", dir),
             "{\"heard_survey\": 1, \"id\": \"t\", \"version\": \"1\", \"source_language\": "
             "\"en\",\n"
             " \"languages\": [\"en\", \"pl\"], \"title\": \"A \\\"quoted\\\" \\\\ title\",\n"
             " \"consent\": \"Line one\\nLine two is long enough that gettext has to wrap it "
             "somewhere around the seventy-ninth column, surely\\n\\\\ żółć\",\n"
             " \"support\": \"Ask us.\",\n"
             " \"tiers\": [{\"id\": \"quick\", \"title\": \"Quick\", \"blurb\": \"Fast\", "
             "\"sections\": [\"s\"]}],\n"
             " \"sections\": [{\"id\": \"s\", \"title\": \"S\", \"questions\": [\n"
             "  {\"id\": \"q\", \"type\": \"single\", \"text\": \"Pick\",\n"
             "   \"choices\": [{\"id\": \"a\", \"text\": \"A\"}, {\"id\": \"b\", \"text\": "
             "\"B\"}]},\n"
             "  {\"id\": \"i\", \"type\": \"info\", \"text\": \"Info\"}]}]}\n");
    char *out = NULL;
    int rc = tu_run(tu_fmt("cd '%s' && '%s' pot --survey s.json > t.pot && "
                           "{ msgfmt --check -o /dev/null t.pot 2>msgfmt.err || "
                           "{ cat msgfmt.err; exit 1; }; } && msgcat t.pot | cmp - t.pot",
                           dir, hs),
                    &out, 1);
    if (rc != 0)
        fail_msg("the template is not in gettext's own format (%d):\n%s", rc, out);
    free(out);
    char *pot = tu_slurp(tu_fmt("%s/t.pot", dir), NULL);
    assert_non_null(strstr(pot, "#: s.json:2\nmsgctxt \"survey.title\"\n"
                                "msgid \"A \\\"quoted\\\" \\\\ title\"\n"));
    assert_non_null(strstr(pot, "msgctxt \"choice.q.b\"\nmsgid \"B\"\nmsgstr \"\"\n"));
    assert_non_null(strstr(pot, "msgctxt \"question.i\"\n"));
    assert_non_null(strstr(pot, "msgctxt \"section.s.title\"\n"));
    assert_non_null(strstr(pot, "msgctxt \"tier.quick.blurb\"\nmsgid \"Fast\"\n"));
    assert_non_null(strstr(pot, "\"Line one\\n\"\n"));
    free(pot);

    rc = tu_run(tu_fmt("'%s' pot", hs), &out, 1);
    assert_int_not_equal(rc, 0);
    assert_non_null(strstr(out, "heard-sync: pot: --survey FILE is required"));
    free(out);
    rc = tu_run(tu_fmt("'%s' pot --survey '%s/missing.json'", hs, dir), &out, 1);
    assert_int_not_equal(rc, 0);
    assert_non_null(strstr(out, "heard-sync: pot: "));
    free(out);
}

static void lint_reports_coverage(void **state)
{
    (void)state;
    const char *hs = heard_sync();
    char *out = NULL;
    int rc = tu_run(tu_fmt("cd '%s' && '%s' lint --survey assets/surveys/example.json "
                           "--translations translations",
                           tu_source_dir(), hs),
                    &out, 1);
    if (rc != 0)
        fail_msg("lint failed (%d):\n%s", rc, out);
    static const char *const langs[] = {"cy", "pl", "ro", "pt", "so", "ar", "ur", "bn", "pa"};
    for (size_t i = 0; i < sizeof langs / sizeof langs[0]; i++)
        if (!strstr(out, tu_fmt("  %-7s 100.0%%", langs[i])))
            fail_msg("no full coverage line for %s in:\n%s", langs[i], out);
    free(out);

    /* a partly translated copy: one fuzzy, one missing (emptied), one obsolete */
    char dir[512]; /* tu_tmpdir's buffer is reused by later tu_fmt calls */
    snprintf(dir, sizeof dir, "%s", tu_tmpdir());
    rc = tu_run(tu_fmt("mkdir -p '%s/local-health' && "
                       "sed -e 's/^msgctxt \"question.age\"/#, fuzzy\\n&/' "
                       "-e '/^msgctxt \"question.gender\"/,/^$/s/^msgstr .*/msgstr \"\"/' '%s' > "
                       "'%s/local-health/pl.po' && printf '\\nmsgctxt \"question.gone\"\\nmsgid "
                       "\"Gone\"\\nmsgstr \"Nie ma\"\\n' >> '%s/local-health/pl.po'",
                       dir, tu_src("translations/local-health/pl.po"), dir, dir),
                &out, 1);
    assert_int_equal(rc, 0);
    free(out);
    rc = tu_run(tu_fmt("cd '%s' && '%s' lint --survey assets/surveys/example.json "
                       "--translations '%s'",
                       tu_source_dir(), hs, dir),
                &out, 1);
    if (rc != 0)
        fail_msg("lint failed (%d):\n%s", rc, out);
    if (!strstr(out, "  pl       96.8%  61 translated, 1 fuzzy, 1 missing, 1 obsolete\n") ||
        !strstr(out, "      fuzzy:   question.age\n") ||
        !strstr(out, "      missing: question.gender\n") || !strstr(out, "  ur        0.0%  no file"))
        fail_msg("unexpected coverage report:\n%s", out);
    free(out);

    /* a broken file is an error, with its position */
    tu_write(tu_fmt("%s/local-health/cy.po", dir), "msgid \"a\"\nmsgstr \"b\n");
    rc = tu_run(tu_fmt("cd '%s' && '%s' lint --survey assets/surveys/example.json "
                       "--translations '%s'",
                       tu_source_dir(), hs, dir),
                &out, 1);
    assert_int_not_equal(rc, 0);
    if (!strstr(out, "heard-sync: lint: ") || !strstr(out, "local-health/cy.po:2:8: "))
        fail_msg("the broken file is not reported with its position:\n%s", out);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(msgfmt_accepts_every_file),
        cmocka_unit_test(kiosk_loads_every_file),
        cmocka_unit_test(headers_say_language_charset_plurals_review),
        cmocka_unit_test(conversions_are_counted),
        cmocka_unit_test(no_translation_drops_a_placeholder),
        cmocka_unit_test(every_ui_string_in_the_code_is_in_the_template),
        cmocka_unit_test(example_survey_translated_into_every_language),
        cmocka_unit_test(pot_matches_the_committed_template),
        cmocka_unit_test(pot_is_what_gettext_writes),
        cmocka_unit_test(lint_reports_coverage),
    };
    return cmocka_run_group_tests(tests, scan, NULL);
}
