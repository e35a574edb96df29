/* test_results.c — "What we've heard so far" bars and the representation
 * figures (src/core/results.h), on questions parsed from a real definition. */
#include "testutil.h"

#include <string.h>

#include "core/results.h"
#include "core/survey.h"

static const char survey_json[] =
    "{\"heard_survey\": 1, \"id\": \"r\", \"version\": \"1\", \"source_language\": \"en\",\n"
    " \"languages\": [\"en\"], \"title\": \"T\", \"consent\": \"C\", \"support\": \"S\",\n"
    " \"tiers\": [{\"id\": \"quick\", \"title\": \"Q\", \"sections\": [\"s\"]}],\n"
    " \"sections\": [{\"id\": \"s\", \"title\": \"S\", \"questions\": [\n"
    "  {\"id\": \"eth\", \"type\": \"single\", \"text\": \"Group?\", \"sensitive\": true,\n"
    "   \"show_results\": true, \"targets\": {\"asian\": 0.22, \"black\": 0.09, \"mixed\": 0.05},\n"
    "   \"choices\": [{\"id\": \"asian\", \"text\": \"A\"}, {\"id\": \"black\", \"text\": \"B\"},\n"
    "                {\"id\": \"mixed\", \"text\": \"M\"}, {\"id\": \"white\", \"text\": \"W\"}]},\n"
    "  {\"id\": \"barriers\", \"type\": \"multi\", \"text\": \"Harder?\", \"show_results\": true,\n"
    "   \"targets\": {\"transport\": 0.3},\n"
    "   \"choices\": [{\"id\": \"transport\", \"text\": \"T\"}, {\"id\": \"language\", \"text\": "
    "\"L\"},\n"
    "                {\"id\": \"money\", \"text\": \"M\"}, {\"id\": \"time\", \"text\": \"Ti\"}]},\n"
    "  {\"id\": \"mood\", \"type\": \"likert5\", \"text\": \"Mood?\", \"show_results\": true},\n"
    "  {\"id\": \"helped\", \"type\": \"yesno\", \"text\": \"Helped?\", \"show_results\": true},\n"
    "  {\"id\": \"story\", \"type\": \"text\", \"text\": \"Story\"}\n"
    " ]}]}\n";

static hd_survey *sv;

static int setup(void **state)
{
    (void)state;
    hd_diag d;
    hd_diag_init(&d, "results.json");
    hd_err e = hd_survey_parse(survey_json, strlen(survey_json), "results.json", &sv, &d);
    if (e != HD_OK) {
        char buf[512];
        for (int i = 0; i < d.n; i++) {
            hd_diag_format(&d, i, buf, sizeof buf);
            print_error("%s\n", buf);
        }
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hd_survey_free(sv);
    return 0;
}

static const hd_question *question(const char *id)
{
    int i = hd_survey_find_question(sv, id);
    assert_true(i >= 0);
    return &sv->questions[i];
}

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void assert_bar(const hd_results *r, int i, const char *value, long count, int percent)
{
    assert_true(i < r->n_bars);
    if (value)
        assert_string_equal(r->bar[i].value, value);
    else
        assert_null(r->bar[i].value);
    assert_int_equal(r->bar[i].count, count);
    assert_int_equal(r->bar[i].percent, percent);
}

static void test_percent_rounding(void **state)
{
    (void)state;
    assert_int_equal(hd_results_percent(1, 8), 13);    /* 12.5 up */
    assert_int_equal(hd_results_percent(1, 200), 1);   /* 0.5 up */
    assert_int_equal(hd_results_percent(1, 201), 0);
    assert_int_equal(hd_results_percent(2, 3), 67);
    assert_int_equal(hd_results_percent(1, 3), 33);
    assert_int_equal(hd_results_percent(10, 10), 100);
    assert_int_equal(hd_results_percent(0, 0), 0);
    assert_int_equal(hd_results_percent(5, 0), 0);
}

static void test_nothing_shown_under_10_answers(void **state)
{
    (void)state;
    /* Nine people all chose the same: still nothing, not even 100%. */
    hd_value_count vc[] = {{"asian", 9}, {"prefer_not_to_say", 30}};
    hd_results r;
    assert_int_equal(hd_results_compute(question("eth"), vc, N(vc), &r), HD_OK);
    assert_false(r.shown);
    assert_int_equal(r.n_bars, 0);
    assert_int_equal(r.answered, 9);   /* "prefer not to say" is not an answer */
    assert_int_equal(r.declined, 30);
    /* The tenth person makes it shown. */
    vc[0].count = 10;
    assert_int_equal(hd_results_compute(question("eth"), vc, N(vc), &r), HD_OK);
    assert_true(r.shown);
    assert_int_equal(r.n_bars, 1);
    assert_bar(&r, 0, "asian", 10, 100);
    assert_int_equal(r.bar[0].choice, 0);
}

static void test_small_groups_merged_when_10(void **state)
{
    (void)state;
    hd_value_count vc[] = {{"white", 30}, {"asian", 12}, {"black", 6}, {"mixed", 5}};
    hd_results r;
    assert_int_equal(hd_results_compute(question("eth"), vc, N(vc), &r), HD_OK);
    assert_true(r.shown);
    assert_int_equal(r.answered, 53);
    assert_int_equal(r.n_bars, 3);
    /* The question's own order, then "other answers". */
    assert_bar(&r, 0, "asian", 12, 23); /* 22.6 */
    assert_bar(&r, 1, "white", 30, 57); /* 56.6 */
    assert_bar(&r, 2, NULL, 11, 21);    /* black + mixed: 20.8 */
    assert_int_equal(r.bar[1].choice, 3);
    assert_int_equal(r.bar[2].choice, -1);
}

static void test_small_groups_hidden_when_under_10(void **state)
{
    (void)state;
    hd_value_count vc[] = {{"white", 30}, {"asian", 12}, {"black", 6}, {"mixed", 3}};
    hd_results r;
    assert_int_equal(hd_results_compute(question("eth"), vc, N(vc), &r), HD_OK);
    assert_true(r.shown);
    assert_int_equal(r.n_bars, 2); /* 9 others: no bar for them */
    assert_bar(&r, 0, "asian", 12, 24);
    assert_bar(&r, 1, "white", 30, 59);
    for (int i = 0; i < r.n_bars; i++)
        assert_true(r.bar[i].count >= HD_RESULTS_MIN);
}

static void test_only_other_is_not_shown(void **state)
{
    (void)state;
    /* 12 answers, every group under 10: a lone "other answers 100%" says
     * nothing, so nothing is shown. */
    hd_value_count vc[] = {{"white", 3}, {"asian", 3}, {"black", 3}, {"mixed", 3}};
    hd_results r;
    assert_int_equal(hd_results_compute(question("eth"), vc, N(vc), &r), HD_OK);
    assert_int_equal(r.answered, 12);
    assert_false(r.shown);
    assert_int_equal(r.n_bars, 0);
}

static void test_unknown_values_and_repeats(void **state)
{
    (void)state;
    /* A value from an older version of the survey is no answer; the same
     * value twice adds up; zero and negative counts are ignored. */
    hd_value_count vc[] = {{"asian", 6},  {"retired-choice", 50}, {"asian", 5},
                           {"white", 0},  {"black", -4},          {"", 9},
                           {"white", 10}};
    hd_results r;
    assert_int_equal(hd_results_compute(question("eth"), vc, N(vc), &r), HD_OK);
    assert_int_equal(r.answered, 21);
    assert_int_equal(r.n_bars, 2);
    assert_bar(&r, 0, "asian", 11, 52);
    assert_bar(&r, 1, "white", 10, 48);
}

static void test_multi_counts_each_choice_and_other_counts_people(void **state)
{
    (void)state;
    hd_value_count vc[] = {
        {"transport", 12}, {"language", 10}, {"money", 5}, {"time", 3}, {"money time", 4},
    };
    hd_results r;
    assert_int_equal(hd_results_compute(question("barriers"), vc, N(vc), &r), HD_OK);
    assert_int_equal(r.answered, 34); /* people, not choices */
    assert_true(r.shown);
    assert_int_equal(r.n_bars, 3);
    assert_bar(&r, 0, "transport", 12, 35);
    assert_bar(&r, 1, "language", 10, 29);
    /* money 9 and time 7 are hidden; 12 people picked one of them (16
     * picks): the bar counts the people. */
    assert_bar(&r, 2, NULL, 12, 35);

    /* Combinations: shares of people may add up to more than 100. */
    hd_value_count both[] = {{"transport language", 10}, {"language transport", 2}};
    assert_int_equal(hd_results_compute(question("barriers"), both, N(both), &r), HD_OK);
    assert_int_equal(r.answered, 12);
    assert_int_equal(r.n_bars, 2);
    assert_bar(&r, 0, "transport", 12, 100);
    assert_bar(&r, 1, "language", 12, 100);

    /* A repeated id is not a valid multi answer. */
    hd_value_count bad[] = {{"transport transport", 20}};
    assert_int_equal(hd_results_compute(question("barriers"), bad, N(bad), &r), HD_OK);
    assert_int_equal(r.answered, 0);
    assert_false(r.shown);
}

static void test_likert_and_yesno(void **state)
{
    (void)state;
    hd_value_count mood[] = {{"5", 20}, {"1", 11}, {"3", 10}, {"2", 2}, {"6", 40}, {"4", 1}};
    hd_results r;
    assert_int_equal(hd_results_compute(question("mood"), mood, N(mood), &r), HD_OK);
    assert_int_equal(r.answered, 44);
    assert_int_equal(r.n_bars, 3); /* 2 and 4 hidden, 3 people: no "other" */
    assert_bar(&r, 0, "1", 11, 25);
    assert_bar(&r, 1, "3", 10, 23);
    assert_bar(&r, 2, "5", 20, 45);
    assert_int_equal(r.bar[0].choice, -1);

    hd_value_count yn[] = {{"no", 15}, {"yes", 45}, {"maybe", 9}};
    assert_int_equal(hd_results_compute(question("helped"), yn, N(yn), &r), HD_OK);
    assert_int_equal(r.n_bars, 2);
    assert_bar(&r, 0, "yes", 45, 75);
    assert_bar(&r, 1, "no", 15, 25);
    /* yesno is not sensitive here: "prefer_not_to_say" is not accepted. */
    hd_value_count pn[] = {{"yes", 10}, {"prefer_not_to_say", 5}};
    assert_int_equal(hd_results_compute(question("helped"), pn, N(pn), &r), HD_OK);
    assert_int_equal(r.declined, 0);
    assert_int_equal(r.answered, 10);
}

static void test_other_types_refused(void **state)
{
    (void)state;
    hd_value_count vc[] = {{"once upon a time", 30}};
    hd_results r;
    r.shown = true;
    r.n_bars = 5;
    assert_int_equal(hd_results_compute(question("story"), vc, N(vc), &r), HD_EINVAL);
    assert_false(r.shown);
    assert_int_equal(r.n_bars, 0);
    hd_representation rep;
    assert_int_equal(hd_results_representation(question("story"), vc, N(vc), &rep), HD_EINVAL);
    assert_int_equal(rep.n_rows, 0);
    /* No targets: no representation figures either. */
    assert_int_equal(hd_results_representation(question("mood"), vc, N(vc), &rep), HD_EINVAL);
}

static void test_representation(void **state)
{
    (void)state;
    hd_value_count vc[] = {
        {"white", 80}, {"asian", 15}, {"black", 5}, {"prefer_not_to_say", 7}, {"old-id", 3},
    };
    hd_representation rep;
    assert_int_equal(hd_results_representation(question("eth"), vc, N(vc), &rep), HD_OK);
    assert_int_equal(rep.answered, 100);
    assert_false(rep.answered_few);
    assert_int_equal(rep.declined, 7);
    assert_int_equal(rep.n_rows, 3); /* white has no target */

    const hd_rep_row *a = &rep.row[0];
    assert_int_equal(a->choice, 0);
    assert_int_equal(a->count, 15);
    assert_false(a->few);
    assert_int_equal(a->percent, 15);
    assert_int_equal(a->target_percent, 22);
    assert_int_equal(a->gap_points, -7);
    assert_true(a->under);
    assert_true(a->share > 0.149 && a->share < 0.151);

    const hd_rep_row *b = &rep.row[1]; /* 5: "fewer than 10" */
    assert_int_equal(b->choice, 1);
    assert_true(b->few);
    assert_int_equal(b->percent, -1);
    assert_int_equal(b->gap_points, 0);
    assert_int_equal(b->target_percent, 9);
    assert_true(b->under);

    const hd_rep_row *m = &rep.row[2]; /* nobody yet: 0 is not "fewer than 10" */
    assert_int_equal(m->choice, 2);
    assert_int_equal(m->count, 0);
    assert_false(m->few);
    assert_int_equal(m->percent, 0);
    assert_int_equal(m->gap_points, -5);
    assert_true(m->under);

    /* Over target is not under. */
    hd_value_count many[] = {{"asian", 30}, {"black", 10}, {"mixed", 10}, {"white", 50}};
    assert_int_equal(hd_results_representation(question("eth"), many, N(many), &rep), HD_OK);
    assert_false(rep.row[0].under);
    assert_int_equal(rep.row[0].gap_points, 8);
    assert_false(rep.row[1].under); /* exactly 10%: over 9% */
    assert_false(rep.row[2].under); /* 10% over 5% */
}

static void test_representation_empty_and_few(void **state)
{
    (void)state;
    hd_representation rep;
    assert_int_equal(hd_results_representation(question("eth"), NULL, 0, &rep), HD_OK);
    assert_int_equal(rep.answered, 0);
    assert_false(rep.answered_few);
    assert_int_equal(rep.n_rows, 3);
    for (int i = 0; i < rep.n_rows; i++) {
        assert_true(rep.row[i].under); /* nobody yet is under every target */
        assert_int_equal(rep.row[i].count, 0);
    }
    hd_value_count few[] = {{"asian", 4}, {"white", 2}};
    assert_int_equal(hd_results_representation(question("eth"), few, N(few), &rep), HD_OK);
    assert_true(rep.answered_few);
    assert_true(rep.row[0].few);

    /* Multi: shares of people, each choice counted. */
    hd_value_count multi[] = {{"transport money", 10}, {"language", 30}};
    assert_int_equal(hd_results_representation(question("barriers"), multi, N(multi), &rep),
                     HD_OK);
    assert_int_equal(rep.answered, 40);
    assert_int_equal(rep.n_rows, 1);
    assert_int_equal(rep.row[0].count, 10);
    assert_int_equal(rep.row[0].percent, 25);
    assert_int_equal(rep.row[0].gap_points, -5);
    assert_true(rep.row[0].under);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_percent_rounding),
        cmocka_unit_test(test_nothing_shown_under_10_answers),
        cmocka_unit_test(test_small_groups_merged_when_10),
        cmocka_unit_test(test_small_groups_hidden_when_under_10),
        cmocka_unit_test(test_only_other_is_not_shown),
        cmocka_unit_test(test_unknown_values_and_repeats),
        cmocka_unit_test(test_multi_counts_each_choice_and_other_counts_people),
        cmocka_unit_test(test_likert_and_yesno),
        cmocka_unit_test(test_other_types_refused),
        cmocka_unit_test(test_representation),
        cmocka_unit_test(test_representation_empty_and_few),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
