/* test_i18n.c — PO parsing, lookup with fallback, language facts. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"

static const char *const HEADER = "# NEEDS REVIEW by a native speaker\n"
                                  "msgid \"\"\n"
                                  "msgstr \"\"\n"
                                  "\"Language: pl\\n\"\n"
                                  "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
                                  "\n";

/* Loads text (after the standard header when with_header) as cat/lang; returns the result and
 * leaves the first diagnostic, formatted, in msg. */
static hd_err load(hd_i18n *t, hd_catalog cat, const char *lang, const char *text,
                   bool with_header, char *msg, size_t cap)
{
    char *buf = malloc(strlen(HEADER) + strlen(text) + 1);
    strcpy(buf, with_header ? HEADER : "");
    strcat(buf, text);
    hd_diag d;
    hd_diag_init(&d, "pl.po");
    hd_err err = hd_i18n_load_po(t, cat, lang, buf, strlen(buf), "pl.po", &d);
    if (msg) {
        msg[0] = '\0';
        if (d.n)
            hd_diag_format(&d, 0, msg, cap);
    }
    free(buf);
    return err;
}

static void ui_lookup_and_fallback(void **state)
{
    (void)state;
    hd_i18n *t;
    assert_int_equal(hd_i18n_open(&t), HD_OK);
    const char *po = "#: src/core/view.c:10\n"
                     "msgid \"Start\"\n"
                     "msgstr \"Zacznij\"\n"
                     "\n"
                     "msgid \"Next\"\n"
                     "msgstr \"\"\n"
                     "\n"
                     "#, fuzzy\n"
                     "msgid \"Back\"\n"
                     "msgstr \"Wstecz\"\n"
                     "\n"
                     "#, c-format\n"
                     "msgid \"%d of %d\"\n"
                     "msgstr \"%d z %d\"\n";
    char msg[256];
    assert_int_equal(load(t, HD_CAT_UI, "pl", po, true, msg, sizeof msg), HD_OK);
    assert_string_equal(hd_i18n_ui(t, "pl", "Start"), "Zacznij");
    assert_string_equal(hd_i18n_ui(t, "pl", "%d of %d"), "%d z %d");
    /* empty and fuzzy translations fall back to the source */
    assert_string_equal(hd_i18n_ui(t, "pl", "Next"), "Next");
    assert_string_equal(hd_i18n_ui(t, "pl", "Back"), "Back");
    /* missing string, language not loaded, region subtag of a loaded language */
    assert_string_equal(hd_i18n_ui(t, "pl", "Leave"), "Leave");
    assert_string_equal(hd_i18n_ui(t, "cy", "Start"), "Start");
    assert_string_equal(hd_i18n_ui(t, "pl-PL", "Start"), "Zacznij");
    /* the header entry is not a translation of "" */
    assert_string_equal(hd_i18n_ui(t, "pl", ""), "");
    /* the same pointer comes back for the source (no copy) */
    const char *src = "Leave";
    assert_ptr_equal(hd_i18n_ui(t, "pl", src), src);
    /* a survey lookup does not see the UI catalogue */
    assert_string_equal(hd_i18n_survey(t, "pl", "question.x", "Start"), "Start");
    hd_i18n_close(t);
    hd_i18n_close(NULL);
}

static void ui_context(void **state)
{
    (void)state;
    hd_i18n *t;
    assert_int_equal(hd_i18n_open(&t), HD_OK);
    const char *po = "msgctxt \"keyboard\"\n"
                     "msgid \"Space\"\n"
                     "msgstr \"Spacja\"\n"
                     "\n"
                     "msgid \"Space\"\n"
                     "msgstr \"Miejsce\"\n";
    assert_int_equal(load(t, HD_CAT_UI, "pl", po, true, NULL, 0), HD_OK);
    assert_string_equal(hd_i18n_ui(t, "pl", "Space"), "Miejsce");
    assert_string_equal(hd_i18n_ui(t, "pl", "keyboard\004Space"), "Spacja");
    /* untranslated with a context: the fallback is the text, not the context */
    assert_string_equal(hd_i18n_ui(t, "pl", "keyboard\004Enter"), "Enter");
    hd_i18n_close(t);
}

static void survey_lookup(void **state)
{
    (void)state;
    hd_i18n *t;
    assert_int_equal(hd_i18n_open(&t), HD_OK);
    const char *po = "msgctxt \"survey.title\"\n"
                     "msgid \"Your local health services\"\n"
                     "msgstr \"Twoje lokalne usługi zdrowotne\"\n"
                     "\n"
                     "msgctxt \"question.gp-access\"\n"
                     "msgid \"How easy is it to get a GP appointment?\"\n"
                     "msgstr \"Jak łatwo jest umówić się do lekarza?\"\n"
                     "\n"
                     "#, fuzzy\n"
                     "msgctxt \"choice.barriers.transport\"\n"
                     "msgid \"Getting there\"\n"
                     "msgstr \"Dojazd\"\n"
                     "\n"
                     "msgctxt \"choice.barriers.language\"\n"
                     "msgid \"Language\"\n"
                     "msgstr \"\"\n";
    assert_int_equal(load(t, HD_CAT_SURVEY, "pl", po, true, NULL, 0), HD_OK);
    assert_string_equal(hd_i18n_survey(t, "pl", "survey.title", "Your local health services"),
                        "Twoje lokalne usługi zdrowotne");
    assert_string_equal(hd_i18n_survey(t, "pl", "question.gp-access",
                                       "How easy is it to get a GP appointment?"),
                        "Jak łatwo jest umówić się do lekarza?");
    /* the source changed since translation: the old translation is not shown */
    assert_string_equal(hd_i18n_survey(t, "pl", "question.gp-access",
                                       "How easy is it to see a GP?"),
                        "How easy is it to see a GP?");
    /* fuzzy, empty, missing context, unknown language */
    assert_string_equal(hd_i18n_survey(t, "pl", "choice.barriers.transport", "Getting there"),
                        "Getting there");
    assert_string_equal(hd_i18n_survey(t, "pl", "choice.barriers.language", "Language"),
                        "Language");
    assert_string_equal(hd_i18n_survey(t, "pl", "section.x.title", "About you"), "About you");
    assert_string_equal(hd_i18n_survey(t, "ur", "survey.title", "Your local health services"),
                        "Your local health services");
    /* the UI lookup does not see survey strings */
    assert_string_equal(hd_i18n_ui(t, "pl", "Your local health services"),
                        "Your local health services");
    hd_i18n_close(t);
}

static void multiline_escapes_plural(void **state)
{
    (void)state;
    hd_i18n *t;
    assert_int_equal(hd_i18n_open(&t), HD_OK);
    const char *po = "# translator comment\n"
                     "#. extracted comment\n"
                     "#| msgid \"Old\"\n"
                     "msgid \"\"\n"
                     "\"Line one\\n\"\n"
                     "\"Line \\\"two\\\"\\t\\\\end\"\n"
                     "msgstr \"\"\n"
                     "\"Linia pierwsza\\n\"\n"
                     "  \"Linia \\\"druga\\\"\\t\\\\koniec\"\n"
                     "\n"
                     "msgid \"%d answer\"\n"
                     "msgid_plural \"%d answers\"\n"
                     "msgstr[0] \"%d odpowiedź\"\n"
                     "msgstr[1] \"%d odpowiedzi\"\n"
                     "msgstr[2] \"%d odpowiedzi\"\r\n"
                     "\r\n"
                     "#~ msgid \"Gone\"\n"
                     "#~ msgstr \"Nie ma\"\n"
                     "msgid \"Octal\\101\" \"\\x42\"\n"
                     "msgstr \"Ósemkowo\"";
    char msg[256];
    assert_int_equal(load(t, HD_CAT_UI, "pl", po, true, msg, sizeof msg), HD_OK);
    assert_string_equal(hd_i18n_ui(t, "pl", "Line one\nLine \"two\"\t\\end"),
                        "Linia pierwsza\nLinia \"druga\"\t\\koniec");
    assert_string_equal(hd_i18n_ui(t, "pl", "%d answer"), "%d odpowiedź");
    /* obsolete entries are not translations */
    assert_string_equal(hd_i18n_ui(t, "pl", "Gone"), "Gone");
    assert_string_equal(hd_i18n_ui(t, "pl", "OctalAB"), "Ósemkowo");
    hd_i18n_close(t);
}

typedef struct err_case {
    const char *po;
    const char *want; /* expected "file:line:col" prefix */
    const char *words;/* a word the message must contain */
} err_case;

static void syntax_errors(void **state)
{
    (void)state;
    static const err_case cases[] = {
        {"msgid \"a\"\nmsgstr \"b\"\nmsgstr \"c\"\n", "pl.po:9:1:", "second msgstr"},
        {"msgid \"a\nmsgstr \"b\"\n", "pl.po:7:7:", "not closed"},
        {"msgid \"a\"\nmsgstr \"b\\q\"\n", "pl.po:8:10:", "unknown escape"},
        {"msgid \"a\"\nmsgstr \"b\" x\n", "pl.po:8:12:", "after the string"},
        {"msgid \"a\"\nmsgtsr \"b\"\n", "pl.po:8:1:", "msgtsr"},
        {"msgid \"a\"\n\nmsgid \"b\"\nmsgstr \"c\"\n", "pl.po:9:1:", "msgstr"},
        {"# note\n\"orphan\"\n", "pl.po:8:1:", "no msgid"},
        {"msgstr \"x\"\n", "pl.po:7:1:", "msgid missing"},
        {"msgid \"a\"\n", "pl.po:7:1:", "no msgstr"},
        {"msgid \"a\"\nmsgstr \"b\"\n\nmsgid \"a\"\nmsgstr \"c\"\n", "pl.po:10:1:",
         "translated twice"},
        {"msgid \"a\"\nmsgid_plural \"as\"\nmsgstr \"b\"\n", "pl.po:9:1:", "msgstr[0]"},
        {"msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[1] \"b\"\n", "pl.po:9:1:", "in order"},
        {"msgid \"a\"\nmsgstr \"\xc5\xbc\xff\"\n", "pl.po:8:10:", "UTF-8"},
        {"  msgid \"ż\" \"x\" y\nmsgstr \"\"\n", "pl.po:7:17:", "after the string"},
        {"msgid \"a\"\n# note\nmsgstr \"\"\n", "pl.po:8:1:", "comment inside"},
        {"msgid \"a\"\nmsgstr \"\\xZ\"\n", "pl.po:8:9:", "hex"},
        {"hello\n", "pl.po:7:1:", "expected"},
        {"msgid\nmsgstr \"\"\n", "pl.po:7:6:", "double quotes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hd_i18n *t;
        assert_int_equal(hd_i18n_open(&t), HD_OK);
        /* a good catalogue is already loaded: a broken reload must not touch it */
        assert_int_equal(load(t, HD_CAT_UI, "pl", "msgid \"a\"\nmsgstr \"A\"\n", true, NULL, 0),
                         HD_OK);
        char msg[256];
        hd_err err = load(t, HD_CAT_UI, "pl", cases[i].po, true, msg, sizeof msg);
        if (err != HD_EPARSE || strncmp(msg, cases[i].want, strlen(cases[i].want)) != 0 ||
            !strstr(msg, cases[i].words))
            fail_msg("case %zu: got %s \"%s\", want %s ... %s", i, hd_err_name(err), msg,
                     cases[i].want, cases[i].words);
        assert_string_equal(hd_i18n_ui(t, "pl", "a"), "A");
        hd_i18n_close(t);
    }
}

static void nothing_kept_from_a_broken_file(void **state)
{
    (void)state;
    hd_i18n *t;
    assert_int_equal(hd_i18n_open(&t), HD_OK);
    /* good entries before the error are not kept either */
    const char *po = "msgid \"Start\"\nmsgstr \"Zacznij\"\n\nmsgid \"Next\"\nmsgstr \"Dalej\n";
    char msg[256];
    assert_int_equal(load(t, HD_CAT_UI, "pl", po, true, msg, sizeof msg), HD_EPARSE);
    assert_non_null(strstr(msg, "pl.po:11:"));
    assert_string_equal(hd_i18n_ui(t, "pl", "Start"), "Start");
    hd_i18n_close(t);
}

static void charset_and_reload(void **state)
{
    (void)state;
    hd_i18n *t;
    assert_int_equal(hd_i18n_open(&t), HD_OK);
    const char *latin2 = "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; "
                         "charset=ISO-8859-2\\n\"\n\nmsgid \"a\"\nmsgstr \"b\"\n";
    char msg[256];
    assert_int_equal(load(t, HD_CAT_UI, "pl", latin2, false, msg, sizeof msg), HD_EPARSE);
    assert_non_null(strstr(msg, "pl.po:1:1:"));
    assert_non_null(strstr(msg, "ISO-8859-2"));
    /* a byte-order mark and no header at all are fine */
    assert_int_equal(load(t, HD_CAT_UI, "pl", "\xEF\xBB\xBFmsgid \"a\"\nmsgstr \"b\"\n", false,
                          msg, sizeof msg),
                     HD_OK);
    assert_string_equal(hd_i18n_ui(t, "pl", "a"), "b");
    /* loading (UI, pl) again replaces the earlier catalogue */
    assert_int_equal(load(t, HD_CAT_UI, "pl", "msgid \"c\"\nmsgstr \"d\"\n", true, NULL, 0),
                     HD_OK);
    assert_string_equal(hd_i18n_ui(t, "pl", "a"), "a");
    assert_string_equal(hd_i18n_ui(t, "pl", "c"), "d");
    /* an empty file is an empty catalogue */
    assert_int_equal(load(t, HD_CAT_UI, "cy", "", false, NULL, 0), HD_OK);
    assert_string_equal(hd_i18n_ui(t, "cy", "c"), "c");
    hd_i18n_close(t);
}

static void many_entries(void **state)
{
    (void)state;
    /* enough entries that the binary search and the array growth are exercised */
    size_t cap = 400 * 64, n = 0;
    char *po = malloc(cap);
    for (int i = 0; i < 400; i++)
        n += (size_t)snprintf(po + n, cap - n, "msgid \"s%03d\"\nmsgstr \"t%03d\"\n\n",
                              (i * 7919) % 400, (i * 7919) % 400);
    hd_i18n *t;
    assert_int_equal(hd_i18n_open(&t), HD_OK);
    hd_diag d;
    hd_diag_init(&d, "big.po");
    assert_int_equal(hd_i18n_load_po(t, HD_CAT_UI, "so", po, n, "big.po", &d), HD_OK);
    for (int i = 0; i < 400; i++)
        assert_string_equal(hd_i18n_ui(t, "so", tu_fmt("s%03d", i)), tu_fmt("t%03d", i));
    assert_string_equal(hd_i18n_ui(t, "so", "s400"), "s400");
    free(po);
    hd_i18n_close(t);
}

typedef struct counts {
    int n, fuzzy, obsolete, header, plural;
    char last_ctx[64];
} counts;

static void count_visit(const hd_po_entry *e, void *ud)
{
    counts *c = ud;
    c->n++;
    c->fuzzy += e->fuzzy;
    c->obsolete += e->obsolete;
    c->plural += e->plural;
    if (!e->ctx && !e->id[0])
        c->header++;
    if (e->ctx)
        snprintf(c->last_ctx, sizeof c->last_ctx, "%s", e->ctx);
}

static void visitor_sees_everything(void **state)
{
    (void)state;
    const char *po = "#, fuzzy\nmsgid \"\"\nmsgstr \"Language: so\\n\"\n\n"
                     "#, fuzzy, c-format\nmsgid \"%d x\"\nmsgstr \"%d y\"\n\n"
                     "msgid \"a\"\nmsgid_plural \"as\"\nmsgstr[0] \"b\"\nmsgstr[1] \"bs\"\n\n"
                     "#~ msgctxt \"question.old\"\n#~ msgid \"Old\"\n#~ msgstr \"Hore\"\n";
    counts c = {0};
    hd_diag d;
    hd_diag_init(&d, "so.po");
    assert_int_equal(hd_po_parse(po, strlen(po), "so.po", count_visit, &c, &d), HD_OK);
    assert_int_equal(c.n, 4);
    assert_int_equal(c.header, 1);
    assert_int_equal(c.fuzzy, 2);
    assert_int_equal(c.obsolete, 1);
    assert_int_equal(c.plural, 1);
    assert_string_equal(c.last_ctx, "question.old");
}

static void language_facts(void **state)
{
    (void)state;
    static const struct {
        const char *code, *native, *script;
        bool rtl;
    } want[] = {
        {"en", "English", "Latn", false},   {"cy", "Cymraeg", "Latn", false},
        {"pl", "Polski", "Latn", false},    {"ro", "Română", "Latn", false},
        {"pt", "Português", "Latn", false}, {"so", "Soomaali", "Latn", false},
        {"ar", "العربية", "Arab", true},    {"ur", "اردو", "Arab", true},
        {"bn", "বাংলা", "Beng", false},     {"pa", "ਪੰਜਾਬੀ", "Guru", false},
        {"fa", "فارسی", "Arab", true},      {"ps", "پښتو", "Arab", true},
        {"he", "עברית", "Hebr", true},      {"ckb", "کوردی", "Arab", true},
        {"ti", "ትግርኛ", "Ethi", false},     {"am", "አማርኛ", "Ethi", false},
        {"zh", "中文", "Hans", false},      {"uk", "Українська", "Cyrl", false},
        {"ta", "தமிழ்", "Taml", false},     {"gu", "ગુજરાતી", "Gujr", false},
        {"hi", "हिन्दी", "Deva", false},     {"sd", "سنڌي", "Arab", true},
        {"yi", "ייִדיש", "Hebr", true},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const hd_lang_info *l = hd_lang_info_get(want[i].code);
        assert_non_null(l);
        assert_string_equal(l->code, want[i].code);
        assert_string_equal(l->native_name, want[i].native);
        assert_string_equal(l->script, want[i].script);
        assert_int_equal(l->rtl, want[i].rtl);
        assert_int_equal(hd_lang_is_rtl(want[i].code), want[i].rtl);
        assert_true(hd_lang_code_valid(want[i].code));
    }
    static const char *const others[] = {"ku", "tr", "es", "fr", "ru", "lt", "lv", "sq",
                                         "yo", "ig", "tw"};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        const hd_lang_info *l = hd_lang_info_get(others[i]);
        assert_string_equal(l->code, others[i]);
        assert_string_not_equal(l->native_name, others[i]); /* a real entry, not generic */
        assert_false(l->rtl);
    }
    assert_string_equal(hd_lang_info_get("ur")->english_name, "Urdu");
    assert_string_equal(hd_lang_info_get("pa")->english_name, "Punjabi");
    /* region subtags: the primary subtag decides; a listed script variant wins */
    assert_string_equal(hd_lang_info_get("pt-BR")->native_name, "Português");
    assert_true(hd_lang_is_rtl("ar-EG"));
    assert_true(hd_lang_is_rtl("pa-Arab"));
    assert_false(hd_lang_is_rtl("pa"));
    assert_true(hd_lang_is_rtl("xx-Arab"));
    assert_false(hd_lang_is_rtl("xx"));
    /* unknown: generic Latin, left to right, named by the code; stable across calls */
    const hd_lang_info *x = hd_lang_info_get("xyz");
    assert_string_equal(x->code, "xyz");
    assert_string_equal(x->native_name, "xyz");
    assert_string_equal(x->english_name, "xyz");
    assert_string_equal(x->script, "Latn");
    assert_false(x->rtl);
    const hd_lang_info *y = hd_lang_info_get("qqq");
    assert_ptr_equal(hd_lang_info_get("xyz"), x);
    assert_string_equal(x->code, "xyz");
    assert_string_equal(y->code, "qqq");
    assert_non_null(hd_lang_info_get(NULL));
}

static void code_validity(void **state)
{
    (void)state;
    static const char *const good[] = {"en", "ckb", "pa-Arab", "pt-BR", "es-419",
                                       "zh-Hant-TW", "sr-Latn-RS"};
    static const char *const bad[] = {"",      "e",     "engl",    "EN",     "en-gb",
                                      "pa-arab", "pa-ARAB", "en_GB", "en-",   "-en",
                                      "en-GB-US", "en-1234", "en-Latn-Cyrl", "e1", "en-GB-Latn"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (!hd_lang_code_valid(good[i]))
            fail_msg("%s should be valid", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (hd_lang_code_valid(bad[i]))
            fail_msg("\"%s\" should be invalid", bad[i]);
    assert_false(hd_lang_code_valid(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ui_lookup_and_fallback),
        cmocka_unit_test(ui_context),
        cmocka_unit_test(survey_lookup),
        cmocka_unit_test(multiline_escapes_plural),
        cmocka_unit_test(syntax_errors),
        cmocka_unit_test(nothing_kept_from_a_broken_file),
        cmocka_unit_test(charset_and_reload),
        cmocka_unit_test(many_entries),
        cmocka_unit_test(visitor_sees_everything),
        cmocka_unit_test(language_facts),
        cmocka_unit_test(code_validity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
