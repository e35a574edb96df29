/* test_survey.c — survey definitions: every rule a coordinator can break is
 * refused with the exact line, column and words; good definitions load into
 * the model the rest of heard reads.
 *
 * Most broken definitions are tests/unit/surveys/good/minimal.json with one
 * or two pieces of text replaced (the replacement keeps the line layout, so
 * the positions below are read off that file's line numbers). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/survey.h"
#include "testutil.h"

static char *load(const char *rel)
{
    char *text = tu_slurp(tu_src(rel), NULL);
    if (!text)
        fail_msg("cannot read %s", rel);
    return text;
}

/* text with the single occurrence of from replaced by to (asserts that
 * from occurs exactly once, so a fixture edit cannot silently miss). */
static char *replace(char *text, const char *from, const char *to)
{
    char *at = strstr(text, from);
    if (!at)
        fail_msg("fixture text not found: %s", from);
    if (strstr(at + 1, from))
        fail_msg("fixture text found twice: %s", from);
    size_t n = strlen(text), nf = strlen(from), nt = strlen(to);
    char *out = malloc(n - nf + nt + 1);
    memcpy(out, text, (size_t)(at - text));
    memcpy(out + (at - text), to, nt);
    strcpy(out + (at - text) + nt, at + nf);
    free(text);
    return out;
}

typedef struct expect {
    int line, col;
    const char *msg;
} expect;

typedef struct bad_case {
    const char *name;
    const char *from[2], *to[2]; /* up to two replacements in minimal.json */
    expect want[3];              /* every diagnostic, in order */
} bad_case;

/* Parses text expecting exactly the diagnostics in want (msg NULL ends). */
static void expect_diags(const char *name, const char *text, const expect *want, int n_want)
{
    hd_diag d;
    hd_survey *sentinel = (hd_survey *)&d;
    hd_survey *sv = sentinel;
    hd_err e = hd_survey_parse(text, strlen(text), "mini.json", &sv, &d);
    if (e != HD_EPARSE)
        fail_msg("%s: expected HD_EPARSE, got %s", name, hd_err_name(e));
    assert_ptr_equal(sv, sentinel); /* *out untouched on failure */
    char got[4096] = "";
    size_t k = 0;
    for (int i = 0; i < d.n && k < sizeof got; i++)
        k += (size_t)snprintf(got + k, sizeof got - k, "\n    %d:%d: %s", d.item[i].line,
                              d.item[i].col, d.item[i].msg);
    if (d.n != n_want)
        fail_msg("%s: expected %d diagnostic(s), got %d:%s", name, n_want, d.n, got);
    for (int i = 0; i < n_want; i++)
        if (d.item[i].line != want[i].line || d.item[i].col != want[i].col ||
            strcmp(d.item[i].msg, want[i].msg) != 0)
            fail_msg("%s: diagnostic %d:\n  expected %d:%d: %s\n  got:%s", name, i,
                     want[i].line, want[i].col, want[i].msg, got);
    assert_string_equal(d.file, "mini.json");
}

static const bad_case bad_cases[] = {
    /* -- the top level -- */
    {"format version",
     {"\"heard_survey\": 1,"},
     {"\"heard_survey\": 2,"},
     {{2, 19, "\"heard_survey\" must be 1 (the only format version this heard reads), found 2"}}},
    {"missing version",
     {"  \"version\": \"1\",\n"},
     {""},
     {{1, 1, "missing key \"version\" in the survey"}}},
    {"unknown top-level key, with suggestion",
     {"\"title\": \"A short survey\""},
     {"\"titel\": \"A short survey\""},
     {{1, 1, "missing key \"title\" in the survey"},
      {7, 3, "unknown key \"titel\" (did you mean \"title\"?)"}}},
    {"survey id with capitals and a space",
     {"\"id\": \"mini\""},
     {"\"id\": \"Mini Survey\""},
     {{3, 9,
       "survey id \"Mini Survey\" may only use a-z, 0-9, '_' and '-', because ids become CSV "
       "columns and translation contexts (try \"mini-survey\")"}}},
    {"source language not listed",
     {"\"source_language\": \"en\""},
     {"\"source_language\": \"cy\""},
     {{5, 22, "source language \"cy\" is not in \"languages\""}}},
    {"language code not BCP 47",
     {"[\"en\", \"pl\", \"ur\"]"},
     {"[\"en\", \"PL\", \"ur\"]"},
     {{6, 23,
       "language code \"PL\" is not valid: write a BCP 47 code such as \"en\", \"pt-BR\" or "
       "\"zh-Hant\""}}},
    {"language listed twice",
     {"[\"en\", \"pl\", \"ur\"]"},
     {"[\"en\", \"pl\", \"en\"]"},
     {{6, 29, "language \"en\" is listed twice (first at 6:17)"}}},
    {"empty consent",
     {"\"consent\": \"Your answers are anonymous.\""},
     {"\"consent\": \"\""},
     {{8, 14, "\"consent\" in the survey is empty"}}},
    {"blank title",
     {"\"title\": \"A short survey\""},
     {"\"title\": \"   \""},
     {{7, 12, "\"title\" in the survey is blank"}}},
    {"support text ending in a space",
     {"\"Ask the staff here.\""},
     {"\"Ask the staff here. \""},
     {{9, 14,
       "\"support\" in the survey ends with a space or line break; remove it (translations "
       "match the text exactly)"}}},
    {"line break in a title",
     {"\"title\": \"A short survey\""},
     {"\"title\": \"A short\\nsurvey\""},
     {{7, 12, "\"title\" in the survey contains a line break; keep it on one line"}}},

    /* -- tiers -- */
    {"unknown tier id",
     {"\"id\": \"quick\""},
     {"\"id\": \"quik\""},
     {{12, 13, "unknown tier id \"quik\" (did you mean \"quick\"?)"}}},
    {"tier listed twice",
     {"\"id\": \"story\",\n      \"title\": \"Story\""},
     {"\"id\": \"quick\",\n      \"title\": \"Story\""},
     {{17, 13, "duplicate tier id \"quick\" (first at 12:13)"}}},
    {"tiers out of order",
     {"\"id\": \"quick\"", "\"id\": \"story\",\n      \"title\": \"Story\""},
     {"\"id\": \"story\"", "\"id\": \"quick\",\n      \"title\": \"Story\""},
     {{17, 13,
       "tier \"quick\" is listed after tier \"story\": list tiers in the order quick, story, "
       "group"}}},
    {"tier names an unknown section",
     {"[\"feel\", \"about\"]"},
     {"[\"feel\", \"abuot\"]"},
     {{14, 28, "tier \"quick\" names unknown section \"abuot\" (did you mean \"about\"?)"}}},
    {"tier names a section twice",
     {"[\"feel\", \"about\"]"},
     {"[\"feel\", \"feel\"]"},
     {{14, 28, "tier \"quick\" names section \"feel\" twice (first at 14:20)"}}},
    {"tier with no sections",
     {"[\"contact\"]"},
     {"[]"},
     {{25, 19, "tier \"group\" has no sections, so it would ask nothing"},
      {99, 13, "section \"contact\" is in no tier, so its questions would never be asked"}}},
    {"section in no tier",
     {"[\"feel\", \"words\", \"about\"]"},
     {"[\"feel\", \"about\"]"},
     {{57, 13, "section \"words\" is in no tier, so its questions would never be asked"}}},
    {"group tier without contact questions",
     {"[\"contact\"]"},
     {"[\"words\"]"},
     {{23, 13,
       "tier \"group\" asks no contact question: mark the questions that ask for contact "
       "details \"contact\": true"},
      {99, 13, "section \"contact\" is in no tier, so its questions would never be asked"}}},

    /* -- questions: keys, ids, types -- */
    {"unknown question type",
     {"\"type\": \"likert5\""},
     {"\"type\": \"slider\""},
     {{35, 19,
       "unknown question type \"slider\" (types are: single, multi, likert5, yesno, number, "
       "text, phone, email, info)"}}},
    {"question type typo",
     {"\"type\": \"single\""},
     {"\"type\": \"singel\""},
     {{74, 19, "unknown question type \"singel\" (did you mean \"single\"?)"}}},
    {"misspelt choices",
     {"\"choices\": [\n            {\"id\": \"work\""},
     {"\"choises\": [\n            {\"id\": \"work\""},
     {{38, 9, "multi question \"why\" has no \"choices\""},
      {43, 11, "unknown key \"choises\" (did you mean \"choices\"?)"}}},
    {"unknown question key",
     {"\"show_results\": true"},
     {"\"colour\": true"},
     {{52, 11,
       "unknown key \"colour\" (a question's keys are: id, type, text, choices, sensitive, "
       "quasi_identifier, contact, show_results, targets, min, max, max_length, show_if)"}}},
    {"flag of the wrong type",
     {"\"sensitive\": true"},
     {"\"sensitive\": \"yes\""},
     {{89, 24, "\"sensitive\" in question \"people\" must be true or false, found a string"}}},
    {"question without text",
     {"\"type\": \"likert5\",\n          \"text\": \"How do you feel?\""},
     {"\"type\": \"likert5\""},
     {{33, 9, "missing key \"text\" in question \"mood\""}}},
    {"question id with capitals",
     {"\"id\": \"helped\""},
     {"\"id\": \"Helped Out\""},
     {{49, 17,
       "question id \"Helped Out\" may only use a-z, 0-9, '_' and '-', because ids become "
       "CSV columns and translation contexts (try \"helped-out\")"}}},
    {"empty question id",
     {"\"id\": \"helped\""},
     {"\"id\": \"\""},
     {{49, 17, "question id is empty"}}},
    {"duplicate question id",
     {"\"id\": \"helped\""},
     {"\"id\": \"mood\""},
     {{49, 17, "duplicate question id \"mood\" (first at 34:17)"}}},
    {"question id that is an export column",
     {"\"id\": \"helped\""},
     {"\"id\": \"venue\""},
     {{49, 17,
       "question id \"venue\" is the name of a column the export always writes (response_id, "
       "week, language, tier, venue); choose another"}}},

    /* -- choices -- */
    {"duplicate choice id",
     {"{\"id\": \"home\", \"text\": \"Home\"}"},
     {"{\"id\": \"work\", \"text\": \"Home\"}"},
     {{45, 20, "duplicate choice id \"work\" in question \"why\" (first at 44:20)"}}},
    {"reserved choice id",
     {"{\"id\": \"home\", \"text\": \"Home\"}"},
     {"{\"id\": \"prefer_not_to_say\", \"text\": \"Home\"}"},
     {{45, 20,
       "choice id \"prefer_not_to_say\" is reserved: \"sensitive\": true adds \"Prefer not to "
       "say\" by itself"}}},
    {"choices on a likert5 question",
     {"\"text\": \"How do you feel?\""},
     {"\"text\": \"How do you feel?\", \"choices\": []"},
     {{36, 39,
       "\"choices\" on likert5 question \"mood\": its answers are the five faces, so it takes "
       "no choices"}}},
    {"choices on a yesno question",
     {"\"show_results\": true"},
     {"\"show_results\": true, \"choices\": [{\"id\": \"y\", \"text\": \"Y\"}]"},
     {{52, 33,
       "\"choices\" on yesno question \"helped\": its answers are yes and no, so it takes no "
       "choices"}}},
    {"empty choices",
     {"\"choices\": [\n            {\"id\": \"work\", \"text\": \"Work\"},\n            {\"id\": "
      "\"home\", \"text\": \"Home\"}\n          ]"},
     {"\"choices\": []\n\n\n"},
     {{43, 22, "\"choices\" in question \"why\" is empty"}}},
    {"single question with one choice",
     {",\n            {\"id\": \"old\", \"text\": \"50 or over\"}", "\"young\": 0.4, \"old\": 0.6"},
     {"\n", "\"young\": 0.4"},
     {{78, 22, "single question \"age\" needs at least two choices"}}},
    {"choice without text",
     {"{\"id\": \"home\", \"text\": \"Home\"}"},
     {"{\"id\": \"home\"}"},
     {{45, 13, "missing key \"text\" in choice \"home\" of question \"why\""}}},

    /* -- number, text -- */
    {"min above max",
     {"\"min\": 0,"},
     {"\"min\": 30,"},
     {{87, 18, "\"min\" (30) is greater than \"max\" (20) in question \"people\""}}},
    {"min not a whole number",
     {"\"min\": 0,"},
     {"\"min\": 0.5,"},
     {{87, 18, "\"min\" in question \"people\" must be a whole number, found 0.5"}}},
    {"min on a text question",
     {"\"max_length\": 500"},
     {"\"min\": 500"},
     {{64, 11, "\"min\" only applies to number questions; question \"story\" is text"}}},
    {"max_length on a number question",
     {"\"max\": 20,"},
     {"\"max_length\": 20,"},
     {{88, 11,
       "\"max_length\" only applies to text, phone and email questions; question \"people\" "
       "is number"}}},
    {"max_length too large",
     {"\"max_length\": 500"},
     {"\"max_length\": 20000"},
     {{64, 25, "\"max_length\" in question \"story\" must be from 1 to 10000, found 20000"}}},
    {"max_length zero",
     {"\"max_length\": 500"},
     {"\"max_length\": 0"},
     {{64, 25, "\"max_length\" in question \"story\" must be from 1 to 10000, found 0"}}},

    /* -- targets -- */
    {"targets on a yesno question",
     {"\"show_results\": true"},
     {"\"targets\": {\"yes\": 0.5}"},
     {{52, 11, "\"targets\" only apply to single and multi questions; question \"helped\" is "
               "yesno"}}},
    {"target naming no choice",
     {"{\"young\": 0.4, \"old\": 0.6}"},
     {"{\"yuong\": 0.4, \"old\": 0.6}"},
     {{77, 23, "target \"yuong\" is not a choice of question \"age\" (did you mean \"young\"?)"}}},
    {"target outside 0..1",
     {"{\"young\": 0.4, \"old\": 0.6}"},
     {"{\"young\": 40, \"old\": 0.6}"},
     {{77, 32,
       "target for \"young\" in question \"age\" must be a share from 0 to 1 (22% is 0.22), "
       "found 40"}}},
    {"targets adding up to more than 1",
     {"{\"young\": 0.4, \"old\": 0.6}"},
     {"{\"young\": 0.5, \"old\": 0.6}"},
     {{77, 22,
       "targets of question \"age\" add up to 1.1, more than 1 (everyone); each person gives "
       "one answer"}}},

    /* -- sensitive, quasi_identifier, contact, show_results -- */
    {"contact question in the story tier",
     {"\"max_length\": 500"},
     {"\"max_length\": 500, \"contact\": true"},
     {{64, 41,
       "contact question \"story\" is asked in tier \"story\": contact questions belong only "
       "in sections of the group tier, so answers and contact details stay apart"}}},
    {"contact and quasi_identifier",
     {"\"text\": \"Your name\",\n          \"contact\": true"},
     {"\"text\": \"Your name\",\n          \"contact\": true, \"quasi_identifier\": true"},
     {{106, 48,
       "question \"name\" is a contact question, so it cannot be a quasi_identifier: contact "
       "answers are sealed and never exported"}}},
    {"contact and show_results",
     {"\"text\": \"Your name\",\n          \"contact\": true"},
     {"\"text\": \"Your name\",\n          \"contact\": true, \"show_results\": true"},
     {{106, 44,
       "question \"name\" is a contact question, so its results cannot be shown: contact "
       "answers are sealed"}}},
    {"sensitive text question",
     {"\"max_length\": 500"},
     {"\"max_length\": 500, \"sensitive\": true"},
     {{64, 43,
       "\"sensitive\" does not apply to text question \"story\": it adds \"Prefer not to say\" "
       "to set answers, and a text question can simply be skipped"}}},
    {"quasi_identifier on text",
     {"\"max_length\": 500"},
     {"\"max_length\": 500, \"quasi_identifier\": true"},
     {{64, 50,
       "\"quasi_identifier\" does not apply to text question \"story\": only single, multi, "
       "likert5, yesno and number answers are exported in columns"}}},
    {"show_results on a number question",
     {"\"sensitive\": true"},
     {"\"show_results\": true"},
     {{89, 27,
       "\"show_results\" does not apply to number question \"people\": results can be shown "
       "for single, multi, likert5 and yesno questions"}}},

    /* -- show_if -- */
    {"show_if naming an unknown question",
     {"{\"question\": \"mood\""},
     {"{\"question\": \"mod\""},
     {{42, 35, "show_if of question \"why\" names unknown question \"mod\" (did you mean "
               "\"mood\"?)"}}},
    {"show_if naming itself",
     {"{\"question\": \"mood\""},
     {"{\"question\": \"why\""},
     {{42, 35, "show_if of question \"why\" names the question itself"}}},
    {"show_if naming a later question",
     {"\"question\": \"mood\", \"any_of\": [\"1\", \"2\"]"},
     {"\"question\": \"helped\", \"any_of\": [\"yes\"]"},
     {{42, 35, "show_if of question \"why\" names \"helped\", which tiers \"quick\" and "
               "\"story\" ask after it"}}},
    {"show_if naming a question one tier does not ask",
     {"[\"feel\", \"about\"]", "\"quasi_identifier\": true,"},
     {"[\"about\"]", "\"quasi_identifier\": true, \"show_if\": {\"question\": \"helped\", "
                     "\"any_of\": [\"yes\"]},"},
     {{76, 61, "show_if of question \"age\" names \"helped\", which tier \"quick\" does not "
               "ask"}}},
    {"show_if naming a text question",
     {"\"question\": \"mood\", \"any_of\": [\"1\", \"2\"]"},
     {"\"question\": \"story\", \"any_of\": [\"x\"]"},
     {{42, 35,
       "show_if of question \"why\" names \"story\", a text question: typed answers cannot be "
       "matched; name a single, multi, likert5, yesno or number question"}}},
    {"show_if naming a contact question",
     {"\"text\": \"Your phone number\","},
     {"\"text\": \"Your phone number\", \"show_if\": {\"question\": \"name\", \"any_of\": "
      "[\"x\"]},"},
     {{111, 64,
       "show_if of question \"phone\" names \"name\", a contact question: contact answers are "
       "sealed and may not steer other questions"}}},
    {"show_if answer a likert5 cannot take",
     {"[\"1\", \"2\"]"},
     {"[\"1\", \"6\"]"},
     {{42, 59, "show_if answer \"6\" is not an answer of likert5 question \"mood\" (its answers "
               "are \"1\" to \"5\")"}}},
    {"show_if on prefer-not-to-say of a question that is not sensitive",
     {"[\"1\", \"2\"]"},
     {"[\"1\", \"prefer_not_to_say\"]"},
     {{42, 59, "show_if answer \"prefer_not_to_say\" cannot happen: question \"mood\" is not "
               "marked \"sensitive\""}}},
    {"show_if answer listed twice",
     {"[\"1\", \"2\"]"},
     {"[\"1\", \"1\"]"},
     {{42, 59, "show_if answer \"1\" is listed twice (first at 42:54)"}}},
    {"show_if answer written as a number",
     {"[\"1\", \"2\"]"},
     {"[\"1\", 2]"},
     {{42, 59, "answers in \"any_of\" are strings: write \"2\", found a number"}}},
    {"show_if answer outside a number's range",
     {"\"text\": \"Thank you.\""},
     {"\"text\": \"Thank you.\", \"show_if\": {\"question\": \"people\", \"any_of\": [\"0\", "
      "\"21\"]}"},
     {{94, 83, "show_if answer \"21\" is not an answer of number question \"people\" (its "
               "answers are a whole number from 0 to 20)"}}},
    {"show_if answer misspelling a choice",
     {"\"show_results\": true"},
     {"\"show_if\": {\"question\": \"why\", \"any_of\": [\"wrok\"]}"},
     {{52, 53, "show_if answer \"wrok\" is not a choice of question \"why\" (did you mean "
               "\"work\"?)"}}},
    {"show_if without any_of",
     {", \"any_of\": [\"1\", \"2\"]}"},
     {"}"},
     {{42, 22, "missing key \"any_of\" in question \"why\""}}},
};

static void run_bad_case(void **state)
{
    const bad_case *c = *state;
    char *text = load("tests/unit/surveys/good/minimal.json");
    for (int i = 0; i < 2 && c->from[i]; i++)
        text = replace(text, c->from[i], c->to[i]);
    int n = 0;
    while (n < 3 && c->want[n].msg)
        n++;
    expect_diags(c->name, text, c->want, n);
    free(text);
}

/* ---- whole files ---------------------------------------------------- */

static void test_example_parses(void **state)
{
    (void)state;
    char *text = load("assets/surveys/example.json");
    hd_diag d;
    hd_survey *sv = NULL;
    hd_err e = hd_survey_parse(text, strlen(text), "example.json", &sv, &d);
    if (e != HD_OK) {
        char line[400];
        for (int i = 0; i < d.n; i++) {
            hd_diag_format(&d, i, line, sizeof line);
            print_error("%s\n", line);
        }
        fail_msg("example.json refused");
    }
    free(text); /* the survey owns copies of what it needs */
    assert_string_equal(sv->id, "local-health");
    assert_string_equal(sv->source_language, "en");
    assert_int_equal(sv->n_languages, 10);
    assert_int_equal(sv->n_tiers, 3);
    assert_true(sv->n_questions >= 12 && sv->n_questions <= 20);

    /* every question type is used */
    bool used[HD_Q_TYPE_COUNT_] = {false};
    int shows = 0, contact = 0;
    for (int i = 0; i < sv->n_questions; i++) {
        used[sv->questions[i].type] = true;
        shows += sv->questions[i].show_results;
        contact += sv->questions[i].contact;
    }
    for (int t = 0; t < HD_Q_TYPE_COUNT_; t++)
        if (!used[t])
            fail_msg("example.json has no %s question", hd_qtype_name((hd_qtype)t));
    assert_true(shows >= 1 && shows <= 2);
    assert_int_equal(contact, 3);

    /* the group tier asks only the contact section; the others never
     * ask a contact question */
    int g = hd_survey_find_tier(sv, "group");
    assert_true(g >= 0);
    assert_int_equal(sv->tiers[g].n_sections, 1);
    for (int t = 0; t < sv->n_tiers; t++)
        for (int k = 0; k < sv->tiers[t].n_sections; k++) {
            const hd_section *s = &sv->sections[sv->tiers[t].sections[k]];
            for (int q = s->first; q < s->first + s->n_questions; q++)
                if (sv->questions[q].contact)
                    assert_int_equal(t, g);
        }

    const hd_question *eth = &sv->questions[hd_survey_find_question(sv, "ethnicity")];
    assert_true(eth->sensitive && eth->quasi_identifier && eth->has_targets);
    assert_true(hd_question_accepts(eth, HD_PREFER_NOT));
    const hd_question *age = &sv->questions[hd_survey_find_question(sv, "age")];
    assert_true(age->quasi_identifier && age->has_targets);
    double sum = 0;
    for (int i = 0; i < age->n_choices; i++)
        sum += age->choices[i].target > 0 ? age->choices[i].target : 0;
    assert_true(sum <= 1 + 1e-9);
    hd_survey_free(sv);
}

static void test_design_example_parses(void **state)
{
    (void)state;
    /* the definition printed in DESIGN §4, verbatim */
    char *text = load("tests/unit/surveys/good/design.json");
    hd_diag d;
    hd_survey *sv = NULL;
    assert_int_equal(hd_survey_parse(text, strlen(text), "design.json", &sv, &d), HD_OK);
    assert_int_equal(sv->n_questions, 7);
    /* "65+" is a choice id there: '+' is allowed in choice ids */
    const hd_question *age = &sv->questions[hd_survey_find_question(sv, "age")];
    assert_int_equal(hd_question_find_choice(age, "65+"), 1);
    hd_survey_free(sv);
    free(text);
}

static void test_model(void **state)
{
    (void)state;
    char *text = load("tests/unit/surveys/good/minimal.json");
    hd_diag d;
    hd_survey *sv = NULL;
    assert_int_equal(hd_survey_parse(text, strlen(text), "mini.json", &sv, &d), HD_OK);
    assert_int_equal(d.n, 0);
    free(text);

    assert_string_equal(sv->id, "mini");
    assert_string_equal(sv->version, "1");
    assert_string_equal(sv->title, "A short survey");
    assert_string_equal(sv->consent, "Your answers are anonymous.");
    assert_string_equal(sv->support, "Ask the staff here.");
    assert_int_equal(sv->n_languages, 3);
    assert_string_equal(sv->languages[2], "ur");

    /* tiers, in order, with their sections by index */
    assert_int_equal(sv->n_tiers, 3);
    assert_string_equal(sv->tiers[0].id, "quick");
    assert_string_equal(sv->tiers[0].blurb, ""); /* optional: "" when absent */
    assert_string_equal(sv->tiers[1].blurb, "As long as you like");
    assert_int_equal(sv->tiers[1].n_sections, 3);
    assert_int_equal(sv->tiers[1].sections[1], hd_survey_find_section(sv, "words"));
    assert_int_equal(hd_survey_find_tier(sv, "group"), 2);
    assert_int_equal(hd_survey_find_tier(sv, "long"), -1);

    /* sections hold runs of the flat question array */
    assert_int_equal(sv->n_sections, 4);
    assert_int_equal(hd_survey_find_section(sv, "about"), 2);
    assert_int_equal(hd_survey_find_section(sv, "nope"), -1);
    const hd_section *about = &sv->sections[2];
    assert_string_equal(about->title, "About you");
    assert_int_equal(about->first, 4);
    assert_int_equal(about->n_questions, 3);
    assert_int_equal(sv->n_questions, 10);
    assert_int_equal(hd_survey_find_question(sv, "age"), 4);
    assert_int_equal(hd_survey_find_question(sv, "nope"), -1);
    assert_int_equal(hd_survey_find_question(sv, ""), -1);
    assert_int_equal(hd_survey_find_question(NULL, "age"), -1);
    for (int i = 0; i < sv->n_questions; i++) {
        const hd_question *q = &sv->questions[i];
        const hd_section *s = &sv->sections[q->section];
        assert_true(i >= s->first && i < s->first + s->n_questions);
    }

    /* question fields */
    const hd_question *why = &sv->questions[1];
    assert_string_equal(why->id, "why");
    assert_int_equal(why->type, HD_Q_MULTI);
    assert_string_equal(why->text, "Why?");
    assert_int_equal(why->n_choices, 2);
    assert_string_equal(why->choices[1].id, "home");
    assert_string_equal(why->choices[1].text, "Home");
    assert_true(why->choices[0].target < 0);
    assert_false(why->has_targets);
    assert_int_equal(why->show_if.question, 0);
    assert_int_equal(why->show_if.n_any_of, 2);
    assert_string_equal(why->show_if.any_of[1], "2");
    assert_int_equal(sv->questions[0].show_if.question, -1);
    assert_true(sv->questions[2].show_results);

    const hd_question *age = &sv->questions[4];
    assert_true(age->quasi_identifier);
    assert_true(age->has_targets);
    assert_true(age->choices[0].target == 0.4);
    assert_true(age->choices[1].target == 0.6);
    assert_int_equal(hd_question_find_choice(age, "old"), 1);
    assert_int_equal(hd_question_find_choice(age, "young"), 0);
    assert_int_equal(hd_question_find_choice(age, "middle"), -1);
    assert_int_equal(hd_question_find_choice(age, NULL), -1);

    const hd_question *people = &sv->questions[5];
    assert_int_equal(people->type, HD_Q_NUMBER);
    assert_true(people->has_min && people->has_max);
    assert_int_equal(people->min, 0);
    assert_int_equal(people->max, 20);
    assert_true(people->sensitive);

    const hd_question *name = &sv->questions[7];
    assert_true(name->contact);
    assert_int_equal(name->section, 3);

    /* max_length: set, and the defaults */
    assert_int_equal(hd_question_max_length(&sv->questions[3]), 500);
    assert_int_equal(hd_question_max_length(name), HD_TEXT_MAX_DEFAULT);
    assert_int_equal(hd_question_max_length(&sv->questions[8]), HD_SHORT_MAX_DEFAULT);
    assert_int_equal(hd_question_max_length(&sv->questions[9]), HD_SHORT_MAX_DEFAULT);
    assert_int_equal(hd_question_max_length(age), 0);
    hd_survey_free(sv);
    hd_survey_free(NULL);
}

static void test_accepts(void **state)
{
    (void)state;
    char *text = load("tests/unit/surveys/good/minimal.json");
    hd_diag d;
    hd_survey *sv = NULL;
    assert_int_equal(hd_survey_parse(text, strlen(text), "mini.json", &sv, &d), HD_OK);
    free(text);
    const hd_question *mood = &sv->questions[0], *why = &sv->questions[1],
                      *helped = &sv->questions[2], *story = &sv->questions[3],
                      *age = &sv->questions[4], *people = &sv->questions[5],
                      *note = &sv->questions[6], *phone = &sv->questions[8];

    for (const char *v = "12345"; *v; v++) {
        char s[2] = {*v, 0};
        assert_true(hd_question_accepts(mood, s));
    }
    assert_false(hd_question_accepts(mood, "0"));
    assert_false(hd_question_accepts(mood, "6"));
    assert_false(hd_question_accepts(mood, "11"));
    assert_false(hd_question_accepts(mood, ""));
    assert_false(hd_question_accepts(mood, NULL));
    assert_false(hd_question_accepts(mood, HD_PREFER_NOT)); /* not sensitive */

    assert_true(hd_question_accepts(why, "work"));
    assert_true(hd_question_accepts(why, "home work"));
    assert_true(hd_question_accepts(why, "work home"));
    assert_false(hd_question_accepts(why, "work work"));
    assert_false(hd_question_accepts(why, "work  home"));
    assert_false(hd_question_accepts(why, " work"));
    assert_false(hd_question_accepts(why, "work "));
    assert_false(hd_question_accepts(why, "school"));
    assert_false(hd_question_accepts(why, "work school"));

    assert_true(hd_question_accepts(helped, "yes"));
    assert_true(hd_question_accepts(helped, "no"));
    assert_false(hd_question_accepts(helped, "Yes"));
    assert_false(hd_question_accepts(helped, "maybe"));

    assert_true(hd_question_accepts(age, "young"));
    assert_false(hd_question_accepts(age, "young old"));
    assert_false(hd_question_accepts(age, HD_PREFER_NOT));

    assert_true(hd_question_accepts(people, "0"));
    assert_true(hd_question_accepts(people, "20"));
    assert_true(hd_question_accepts(people, "7"));
    assert_false(hd_question_accepts(people, "21"));
    assert_false(hd_question_accepts(people, "-1"));
    assert_false(hd_question_accepts(people, "3.5"));
    assert_false(hd_question_accepts(people, "seven"));
    assert_false(hd_question_accepts(people, "-"));
    assert_false(hd_question_accepts(people, "99999999999999999999999"));
    assert_true(hd_question_accepts(people, HD_PREFER_NOT)); /* sensitive */

    /* text-like: non-empty UTF-8, at most max_length code points */
    char buf[1100];
    memset(buf, 'a', 500);
    buf[500] = '\0';
    assert_true(hd_question_accepts(story, buf));
    buf[500] = 'a';
    buf[501] = '\0';
    assert_false(hd_question_accepts(story, buf));
    /* 500 two-byte letters are 500 code points, not 1000 */
    for (int i = 0; i < 500; i++)
        memcpy(buf + 2 * i, "\xc5\x82", 2); /* ł */
    buf[1000] = '\0';
    assert_true(hd_question_accepts(story, buf));
    assert_false(hd_question_accepts(story, "\xff\xfe"));
    assert_false(hd_question_accepts(story, ""));
    assert_true(hd_question_accepts(phone, "07700 900123"));
    assert_false(hd_question_accepts(note, "anything"));
    assert_false(hd_question_accepts(NULL, "x"));
    hd_survey_free(sv);
}

static void test_all_problems_at_once(void **state)
{
    (void)state;
    char *text = load("tests/unit/surveys/good/minimal.json");
    text = replace(text, "\"heard_survey\": 1,", "\"heard_survey\": 2,");
    text = replace(text, "\"type\": \"single\"", "\"type\": \"singel\"");
    text = replace(text, "[\"1\", \"2\"]", "[\"1\", \"6\"]");
    text = replace(text, "\"min\": 0,", "\"min\": 30,");
    text = replace(text, "\"id\": \"helped\"", "\"id\": \"mood\"");
    const expect want[] = {
        {2, 19, "\"heard_survey\" must be 1 (the only format version this heard reads), found 2"},
        {42, 59, "show_if answer \"6\" is not an answer of likert5 question \"mood\" (its "
                 "answers are \"1\" to \"5\")"},
        {49, 17, "duplicate question id \"mood\" (first at 34:17)"},
        {74, 19, "unknown question type \"singel\" (did you mean \"single\"?)"},
        {87, 18, "\"min\" (30) is greater than \"max\" (20) in question \"people\""},
    };
    expect_diags("five problems", text, want, 5);
    free(text);
}

static void test_bad_files(void **state)
{
    (void)state;
    /* fixtures on disk: JSON syntax errors come through the survey loader
     * with their positions, and a file that is not an object at all */
    static const struct {
        const char *file;
        expect want;
    } files[] = {
        {"trailing-comma.json", {6, 33, "trailing ',' before ']' (remove it)"}},
        {"duplicate-key.json", {5, 3, "duplicate key \"id\" (first at 3:3)"}},
        {"not-an-object.json", {1, 1, "a survey definition is a JSON object ({ ... }), found a list"}},
        {"comment.json", {2, 3, "comments are not allowed in JSON"}},
    };
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char rel[200];
        snprintf(rel, sizeof rel, "tests/unit/surveys/bad/%s", files[i].file);
        char *text = load(rel);
        expect_diags(files[i].file, text, &files[i].want, 1);
        free(text);
    }
}

static void test_empty_object(void **state)
{
    (void)state;
    /* every required key is reported, not just the first */
    const expect want[] = {
        {1, 1, "missing key \"heard_survey\" (the format version: write \"heard_survey\": 1)"},
        {1, 1, "missing key \"id\" in the survey"},
        {1, 1, "missing key \"version\" in the survey"},
        {1, 1, "missing key \"languages\" in the survey"},
        {1, 1, "missing key \"source_language\" in the survey"},
        {1, 1, "missing key \"title\" in the survey"},
        {1, 1, "missing key \"consent\" in the survey"},
        {1, 1, "missing key \"support\" in the survey"},
        {1, 1, "missing key \"sections\" in the survey"},
        {1, 1, "missing key \"tiers\" in the survey"},
    };
    expect_diags("empty object", "{}", want, 10);
}

static void test_qtype_names(void **state)
{
    (void)state;
    static const char *const names[] = {"single", "multi", "likert5", "yesno", "number",
                                        "text",   "phone", "email",   "info"};
    for (int t = 0; t < HD_Q_TYPE_COUNT_; t++)
        assert_string_equal(hd_qtype_name((hd_qtype)t), names[t]);
    assert_null(hd_qtype_name(HD_Q_TYPE_COUNT_));
    assert_null(hd_qtype_name((hd_qtype)-1));
}

static void test_many_problems_are_counted(void **state)
{
    (void)state;
    /* more problems than the list holds: the rest are counted */
    char *text = malloc(100000);
    size_t k = (size_t)sprintf(text, "{\"heard_survey\": 1, ");
    for (int i = 0; i < 100; i++)
        k += (size_t)sprintf(text + k, "\"bad%d\": 1, ", i);
    sprintf(text + k, "\"x\": 0}");
    hd_diag d;
    hd_survey *sv = NULL;
    assert_int_equal(hd_survey_parse(text, strlen(text), "m.json", &sv, &d), HD_EPARSE);
    assert_null(sv);
    assert_int_equal(d.n, HD_DIAG_MAX);
    assert_true(d.dropped > 0);
    free(text);
}

int main(void)
{
    enum { N_BAD = sizeof bad_cases / sizeof bad_cases[0] };
    static struct CMUnitTest tests[N_BAD + 16];
    int n = 0;
    for (int i = 0; i < N_BAD; i++) {
        tests[n].name = bad_cases[i].name;
        tests[n].test_func = run_bad_case;
        tests[n].initial_state = (void *)&bad_cases[i];
        n++;
    }
#define ADD(f) tests[n++] = (struct CMUnitTest)cmocka_unit_test(f)
    ADD(test_example_parses);
    ADD(test_design_example_parses);
    ADD(test_model);
    ADD(test_accepts);
    ADD(test_all_problems_at_once);
    ADD(test_bad_files);
    ADD(test_empty_object);
    ADD(test_qtype_names);
    ADD(test_many_problems_are_counted);
#undef ADD
    return _cmocka_run_group_tests("survey", tests, (size_t)n, NULL, NULL);
}
