/* test_flow.c — the session state machine: every transition, with the exact
 * effects it asks for. The survey is tests/unit/flow_fixture.h. */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/flow.h"
#include "flow_fixture.h"

/* ---------------------------------------------------------------- harness */

static hd_flow *F;
static hd_effects E;
static int64_t T;

/* Most tests follow the questions alone: the fixture's support text is
 * taken away, so no support screen comes after its sensitive sections.
 * The support tests (setup_support) put it back. */
static int open_support(bool group, bool staff, bool support)
{
    fx_survey.support = support ? "You can talk to someone." : NULL;
    hd_flow_config cfg;
    hd_flow_config_default(&cfg);
    cfg.group_allowed = group;
    cfg.staff_allowed = staff;
    T = 1000000;
    F = NULL;
    memset(&E, 0, sizeof E);
    return hd_flow_open(&fx_survey, &cfg, T, &F) == HD_OK ? 0 : -1;
}

static int open_with(bool group, bool staff) { return open_support(group, staff, false); }

static int setup(void **state)
{
    (void)state;
    return open_with(false, false);
}

static int setup_all(void **state)
{
    (void)state;
    return open_with(true, true);
}

static int setup_support(void **state)
{
    (void)state;
    return open_support(true, true, true);
}

static int teardown(void **state)
{
    (void)state;
    hd_flow_close(F);
    F = NULL;
    return 0;
}

/* Reduces one action at the current time T. */
static void act(hd_act_kind k, int num, const char *str)
{
    hd_action a = {.kind = k, .now_ms = T, .num = num, .str = str};
    E = hd_flow_reduce(F, &a);
}

static void tap(hd_act_kind k) { act(k, 0, NULL); }
static void choose(const char *v) { act(HD_ACT_CHOOSE, 0, v); }
static void key(const char *s) { act(HD_ACT_KEY, 0, s); }
static void tick_after(int64_t ms)
{
    T += ms;
    act(HD_ACT_TICK, 0, NULL);
}

/* Asserts the effect list has n entries. */
#define FX_N(count) assert_int_equal(E.n, (count))

/* Asserts effect i: kind, question id (NULL: none), value (NULL: none). */
static void fx_is(int i, hd_fx_kind kind, const char *qid, const char *value)
{
    assert_true(i < E.n);
    const hd_effect *x = &E.fx[i];
    assert_int_equal(x->kind, kind);
    if (qid) {
        assert_true(x->question >= 0);
        assert_string_equal(fx_survey.questions[x->question].id, qid);
    } else {
        assert_int_equal(x->question, -1);
    }
    if (value) {
        assert_non_null(x->value);
        assert_string_equal(x->value, value);
    } else {
        assert_null(x->value);
    }
}

static void fx_end(int i, hd_status st)
{
    fx_is(i, HD_FX_END_SESSION, NULL, NULL);
    assert_int_equal(E.fx[i].status, st);
}

static void screen_is(hd_screen s)
{
    assert_string_equal(hd_screen_id(F->screen), hd_screen_id(s));
}

static void at_question(int q)
{
    screen_is(HD_SCREEN_QUESTION);
    assert_int_equal(hd_flow_current_question(F), q);
}

static const char *draft(int q) { return F->answers[q].value; }

/* True when every byte of question q's buffer is zero. */
static bool zeroed(int q)
{
    for (int i = 0; i < F->answers[q].cap; i++)
        if (F->answers[q].value[i])
            return false;
    return true;
}

/* welcome -> consent -> tiers -> tier t: the first question. */
static void start(int t)
{
    tap(HD_ACT_NEXT);
    tap(HD_ACT_NEXT);
    screen_is(HD_SCREEN_TIERS);
    act(HD_ACT_TIER, t, NULL);
    FX_N(1);
    fx_is(0, HD_FX_START_SESSION, NULL, NULL);
    assert_true(F->in_session);
}

/* Quick tier, gp-access answered "4" and saved: on the age question. */
static void quick_to_age(void)
{
    start(FX_QUICK);
    choose("4");
    tap(HD_ACT_NEXT);
    FX_N(1);
    at_question(FX_AGE);
}

/* ---------------------------------------------------------------- names and opening */

static void test_names_and_defaults(void **state)
{
    (void)state;
    assert_string_equal(hd_screen_id(HD_SCREEN_WELCOME), "welcome");
    assert_string_equal(hd_screen_id(HD_SCREEN_STILL_THERE), "still-there");
    assert_string_equal(hd_screen_id(HD_SCREEN_ADMIN_PIN), "admin-pin");
    assert_string_equal(hd_screen_id(HD_SCREEN_ADMIN), "admin");
    assert_string_equal(hd_screen_id(HD_SCREEN_COUNT_), "?");
    assert_string_equal(hd_status_name(HD_STATUS_IN_PROGRESS), "in_progress");
    assert_string_equal(hd_status_name(HD_STATUS_COMPLETE), "complete");
    assert_string_equal(hd_status_name(HD_STATUS_ABANDONED), "abandoned");
    hd_flow_config c;
    hd_flow_config_default(&c);
    assert_int_equal(c.still_there_after_ms, 60000);
    assert_int_equal(c.reset_after_ms, 30000);
    assert_int_equal(c.thanks_ms, 10000);
    assert_int_equal(c.text_save_pause_ms, 2000);
    assert_false(c.group_allowed);
    assert_false(c.staff_allowed);

    screen_is(HD_SCREEN_WELCOME);
    assert_string_equal(F->lang, "en");
    assert_int_equal(F->tier, -1);
    assert_false(F->in_session);
    assert_int_equal(hd_flow_current_question(F), -1);
    assert_int_equal(F->answers[FX_STORY].cap, 41); /* 10 code points of up to 4 bytes */
}

static void test_open_refuses_bad_arguments(void **state)
{
    (void)state;
    hd_flow *f = NULL;
    assert_int_equal(hd_flow_open(NULL, NULL, 0, &f), HD_EINVAL);
    assert_int_equal(hd_flow_open(&fx_survey, NULL, 0, NULL), HD_EINVAL);
    assert_null(f);
    assert_int_equal(hd_flow_open(&fx_survey, NULL, 5, &f), HD_OK); /* NULL cfg: defaults */
    assert_int_equal(f->cfg.still_there_after_ms, 60000);
    hd_flow_close(f);
    hd_flow_close(NULL);
}

/* ---------------------------------------------------------------- welcome, consent, tiers */

static void test_welcome_lang_goes_to_consent(void **state)
{
    (void)state;
    act(HD_ACT_LANG, 0, "xx"); /* not a language of the survey */
    screen_is(HD_SCREEN_WELCOME);
    act(HD_ACT_LANG, 0, "pl");
    FX_N(0);
    screen_is(HD_SCREEN_CONSENT);
    assert_string_equal(F->lang, "pl");
}

static void test_welcome_next_keeps_language(void **state)
{
    (void)state;
    tap(HD_ACT_NEXT);
    FX_N(0);
    screen_is(HD_SCREEN_CONSENT);
    assert_string_equal(F->lang, "en");
}

static void test_consent_no_thanks_goes_home(void **state)
{
    (void)state;
    act(HD_ACT_LANG, 0, "cy");
    tap(HD_ACT_LEAVE);
    FX_N(0);
    screen_is(HD_SCREEN_WELCOME);
    assert_int_equal(F->confirm, HD_CONFIRM_NONE);
    assert_string_equal(F->lang, "en");
}

static void test_consent_start_then_back(void **state)
{
    (void)state;
    tap(HD_ACT_NEXT);
    tap(HD_ACT_NEXT);
    screen_is(HD_SCREEN_TIERS);
    tap(HD_ACT_BACK);
    screen_is(HD_SCREEN_CONSENT);
    tap(HD_ACT_NEXT);
    tap(HD_ACT_LEAVE); /* no session yet: straight home */
    FX_N(0);
    screen_is(HD_SCREEN_WELCOME);
}

static void test_group_tier_refused_unless_allowed(void **state)
{
    (void)state;
    tap(HD_ACT_NEXT);
    tap(HD_ACT_NEXT);
    act(HD_ACT_TIER, FX_GROUP, NULL);
    FX_N(0);
    screen_is(HD_SCREEN_TIERS);
    assert_false(F->in_session);
    act(HD_ACT_TIER, 7, NULL); /* no such tier */
    act(HD_ACT_TIER, -1, NULL);
    FX_N(0);
    screen_is(HD_SCREEN_TIERS);
}

static void test_group_tier_allowed(void **state)
{
    (void)state;
    start(FX_GROUP);
    at_question(FX_NAME);
    assert_int_equal(F->tier, FX_GROUP);
}

static void test_tier_starts_session_at_first_visible(void **state)
{
    (void)state;
    start(FX_QUICK);
    at_question(FX_GP);
    assert_int_equal(F->n_seq, 6);
    int i, n;
    hd_flow_progress(F, &i, &n);
    assert_int_equal(i, 1);
    assert_int_equal(n, 5); /* barriers hidden until gp-access is 1 or 2 */
}

static void test_story_sequence_order(void **state)
{
    (void)state;
    start(FX_STORYT);
    int want[] = {FX_GP, FX_BARRIERS, FX_STORY, FX_AGE, FX_YEARS, FX_CARER, FX_NOTE};
    assert_int_equal(F->n_seq, 7);
    for (int i = 0; i < 7; i++)
        assert_int_equal(F->seq[i], want[i]);
}

/* ---------------------------------------------------------------- walk-through */

static void test_quick_walk_through(void **state)
{
    (void)state;
    start(FX_QUICK);
    choose("2");
    FX_N(0); /* choosing never moves on or saves */
    at_question(FX_GP);
    int i, n;
    hd_flow_progress(F, &i, &n);
    assert_int_equal(n, 6);
    tap(HD_ACT_NEXT);
    FX_N(1);
    fx_is(0, HD_FX_SAVE_ANSWER, "gp-access", "2");
    at_question(FX_BARRIERS);
    hd_flow_progress(F, &i, &n);
    assert_int_equal(i, 2);
    choose("language");
    choose("transport");
    tap(HD_ACT_NEXT);
    FX_N(1);
    fx_is(0, HD_FX_SAVE_ANSWER, "barriers", "transport language");
    at_question(FX_AGE);
    choose("65+");
    tap(HD_ACT_NEXT);
    fx_is(0, HD_FX_SAVE_ANSWER, "age", "65+");
    key("4");
    key("2");
    tap(HD_ACT_NEXT);
    FX_N(1);
    fx_is(0, HD_FX_SAVE_ANSWER, "years", "42");
    choose("yes");
    tap(HD_ACT_NEXT);
    fx_is(0, HD_FX_SAVE_ANSWER, "carer", "yes");
    at_question(FX_NOTE);
    tap(HD_ACT_NEXT);
    FX_N(0); /* info: no answer */
    screen_is(HD_SCREEN_REVIEW);
    tap(HD_ACT_SEND);
    FX_N(1);
    fx_end(0, HD_STATUS_COMPLETE);
    screen_is(HD_SCREEN_THANKS);
    assert_false(F->in_session);
    assert_int_equal(F->screen_since_ms, T);
    assert_int_equal(hd_flow_offer_tier(F), FX_STORYT);
    /* the drafts go at the next reduce, once the effects are carried out */
    tick_after(10);
    for (int q = 0; q < FX_NQ; q++) {
        assert_true(zeroed(q));
        assert_false(F->answers[q].stored);
    }
}

static void test_choose_again_clears(void **state)
{
    (void)state;
    start(FX_QUICK);
    choose("3");
    assert_string_equal(draft(FX_GP), "3");
    assert_true(hd_flow_has_value(F, FX_GP, "3"));
    choose("3");
    assert_string_equal(draft(FX_GP), "");
    tap(HD_ACT_NEXT);
    FX_N(0); /* nothing stored, nothing to delete */
    at_question(FX_AGE);
}

static void test_choose_invalid_ignored(void **state)
{
    (void)state;
    start(FX_QUICK);
    choose("6");
    choose("0");
    choose("33");
    choose(HD_PREFER_NOT); /* gp-access is not sensitive */
    choose(NULL);
    assert_string_equal(draft(FX_GP), "");
    assert_false(F->answers[FX_GP].dirty);
    key("5"); /* no keys on a likert question */
    assert_string_equal(draft(FX_GP), "");
    choose("4");
    tap(HD_ACT_NEXT);
    choose("nope");
    choose("yes");
    assert_string_equal(draft(FX_AGE), "");
    choose(HD_PREFER_NOT);
    assert_string_equal(draft(FX_AGE), HD_PREFER_NOT);
    tap(HD_ACT_NEXT);
    fx_is(0, HD_FX_SAVE_ANSWER, "age", HD_PREFER_NOT);
}

static void test_multi_order_and_prefer_exclusive(void **state)
{
    (void)state;
    start(FX_QUICK);
    choose("1");
    tap(HD_ACT_NEXT);
    at_question(FX_BARRIERS);
    choose("cost");
    choose("transport");
    assert_string_equal(draft(FX_BARRIERS), "transport cost");
    choose("language");
    assert_string_equal(draft(FX_BARRIERS), "transport language cost");
    assert_true(hd_flow_has_value(F, FX_BARRIERS, "language"));
    assert_false(hd_flow_has_value(F, FX_BARRIERS, "lang"));
    choose("language");
    assert_string_equal(draft(FX_BARRIERS), "transport cost");
    choose(HD_PREFER_NOT);
    assert_string_equal(draft(FX_BARRIERS), HD_PREFER_NOT);
    choose("cost");
    assert_string_equal(draft(FX_BARRIERS), "cost");
    choose("bogus");
    assert_string_equal(draft(FX_BARRIERS), "cost");
    choose("cost");
    assert_string_equal(draft(FX_BARRIERS), "");
    choose(HD_PREFER_NOT);
    choose(HD_PREFER_NOT); /* a second tap takes it back */
    assert_string_equal(draft(FX_BARRIERS), "");
}

static void test_show_if_skips(void **state)
{
    (void)state;
    quick_to_age(); /* gp-access 4: barriers is not asked */
    fx_is(0, HD_FX_SAVE_ANSWER, "gp-access", "4");
    assert_false(hd_flow_visible(F, FX_BARRIERS));
    int i, n;
    hd_flow_progress(F, &i, &n);
    assert_int_equal(i, 2);
    assert_int_equal(n, 5);
    tap(HD_ACT_BACK);
    FX_N(0);
    at_question(FX_GP); /* back also skips it */
}

static void test_show_if_delete_when_it_stops_holding(void **state)
{
    (void)state;
    start(FX_QUICK);
    choose("1");
    tap(HD_ACT_NEXT);
    choose("transport");
    tap(HD_ACT_NEXT);
    fx_is(0, HD_FX_SAVE_ANSWER, "barriers", "transport");
    at_question(FX_AGE);
    tap(HD_ACT_BACK);
    FX_N(0);
    at_question(FX_BARRIERS);
    tap(HD_ACT_BACK);
    at_question(FX_GP);
    choose("5");
    assert_false(hd_flow_visible(F, FX_BARRIERS));
    tap(HD_ACT_NEXT);
    FX_N(2);
    fx_is(0, HD_FX_SAVE_ANSWER, "gp-access", "5");
    fx_is(1, HD_FX_DELETE_ANSWER, "barriers", NULL);
    at_question(FX_AGE);
    assert_true(zeroed(FX_BARRIERS));
    assert_false(F->answers[FX_BARRIERS].stored);
    /* shown again: the old answer does not come back */
    tap(HD_ACT_BACK);
    choose("2");
    tap(HD_ACT_NEXT);
    FX_N(1);
    at_question(FX_BARRIERS);
    assert_string_equal(draft(FX_BARRIERS), "");
}

static void test_back_then_skip_deletes(void **state)
{
    (void)state;
    quick_to_age();
    tap(HD_ACT_BACK);
    at_question(FX_GP);
    assert_string_equal(draft(FX_GP), "4");
    tap(HD_ACT_SKIP);
    FX_N(1);
    fx_is(0, HD_FX_DELETE_ANSWER, "gp-access", NULL);
    at_question(FX_AGE);
    assert_string_equal(draft(FX_GP), "");
    assert_false(F->answers[FX_GP].stored);
}

static void test_skip_unsaved_draft_saves_nothing(void **state)
{
    (void)state;
    start(FX_QUICK);
    choose("3");
    tap(HD_ACT_SKIP);
    FX_N(0);
    at_question(FX_AGE);
    assert_string_equal(draft(FX_GP), "");
    tap(HD_ACT_SKIP); /* skipping an unanswered question is silent too */
    FX_N(0);
    at_question(FX_YEARS);
}

static void test_back_unsaved_change_saves(void **state)
{
    (void)state;
    quick_to_age();
    choose("16-24");
    tap(HD_ACT_BACK);
    FX_N(1);
    fx_is(0, HD_FX_SAVE_ANSWER, "age", "16-24");
    at_question(FX_GP);
}

static void test_back_on_first_question_without_answers(void **state)
{
    (void)state;
    start(FX_QUICK);
    tap(HD_ACT_BACK);
    FX_N(1);
    fx_is(0, HD_FX_DELETE_SESSION, NULL, NULL);
    screen_is(HD_SCREEN_TIERS);
    assert_false(F->in_session);
    assert_int_equal(F->tier, -1);
    act(HD_ACT_TIER, FX_STORYT, NULL); /* a fresh choice */
    FX_N(1);
    fx_is(0, HD_FX_START_SESSION, NULL, NULL);
    assert_int_equal(F->tier, FX_STORYT);
}

static void test_back_on_first_question_with_answers_stays(void **state)
{
    (void)state;
    start(FX_QUICK);
    choose("3");
    tap(HD_ACT_BACK);
    FX_N(1);
    fx_is(0, HD_FX_SAVE_ANSWER, "gp-access", "3");
    at_question(FX_GP);
    assert_true(F->in_session);
    tap(HD_ACT_BACK);
    FX_N(0);
    at_question(FX_GP);
}

static void test_next_after_last_goes_to_review(void **state)
{
    (void)state;
    quick_to_age();
    tap(HD_ACT_SKIP);
    tap(HD_ACT_SKIP);
    tap(HD_ACT_SKIP);
    at_question(FX_NOTE);
    tap(HD_ACT_SKIP);
    FX_N(0);
    screen_is(HD_SCREEN_REVIEW);
    assert_int_equal(hd_flow_current_question(F), -1);
    tap(HD_ACT_BACK);
    at_question(FX_NOTE); /* review: back to the last shown question */
}

static void test_review_edit_returns_to_review(void **state)
{
    (void)state;
    quick_to_age();
    for (int i = 0; i < 4; i++)
        tap(HD_ACT_NEXT);
    screen_is(HD_SCREEN_REVIEW);
    act(HD_ACT_REVIEW_EDIT, FX_BARRIERS, NULL); /* hidden: not editable */
    screen_is(HD_SCREEN_REVIEW);
    act(HD_ACT_REVIEW_EDIT, FX_STORY, NULL); /* not in this tier */
    screen_is(HD_SCREEN_REVIEW);
    act(HD_ACT_REVIEW_EDIT, FX_GP, NULL);
    at_question(FX_GP);
    assert_true(F->from_review);
    choose("3");
    tap(HD_ACT_NEXT);
    FX_N(1);
    fx_is(0, HD_FX_SAVE_ANSWER, "gp-access", "3");
    screen_is(HD_SCREEN_REVIEW);
    assert_false(F->from_review);
    act(HD_ACT_REVIEW_EDIT, FX_GP, NULL);
    tap(HD_ACT_SKIP);
    FX_N(1);
    fx_is(0, HD_FX_DELETE_ANSWER, "gp-access", NULL);
    screen_is(HD_SCREEN_REVIEW);
    act(HD_ACT_REVIEW_EDIT, FX_AGE, NULL);
    tap(HD_ACT_BACK); /* back from a review edit is back to review */
    FX_N(0);
    screen_is(HD_SCREEN_REVIEW);
}

static void test_review_edit_can_reveal_a_question(void **state)
{
    (void)state;
    quick_to_age();
    for (int i = 0; i < 4; i++)
        tap(HD_ACT_NEXT);
    act(HD_ACT_REVIEW_EDIT, FX_GP, NULL);
    choose("1");
    tap(HD_ACT_NEXT);
    screen_is(HD_SCREEN_REVIEW);
    assert_true(hd_flow_visible(F, FX_BARRIERS));
    act(HD_ACT_REVIEW_EDIT, FX_BARRIERS, NULL);
    at_question(FX_BARRIERS);
}

static void test_info_question_has_no_answer(void **state)
{
    (void)state;
    quick_to_age();
    for (int i = 0; i < 3; i++)
        tap(HD_ACT_SKIP);
    at_question(FX_NOTE);
    choose("yes");
    key("x");
    assert_string_equal(draft(FX_NOTE), "");
    tap(HD_ACT_BACK);
    FX_N(0);
    at_question(FX_CARER);
}

/* ---------------------------------------------------------------- leave, withdraw */

static void test_leave_confirm_cancel(void **state)
{
    (void)state;
    quick_to_age();
    choose("25-64");
    tap(HD_ACT_LEAVE);
    FX_N(0);
    assert_int_equal(F->confirm, HD_CONFIRM_LEAVE);
    tap(HD_ACT_NEXT); /* the question is modal */
    choose("65+");
    FX_N(0);
    at_question(FX_AGE);
    assert_string_equal(draft(FX_AGE), "25-64");
    tap(HD_ACT_CANCEL);
    assert_int_equal(F->confirm, HD_CONFIRM_NONE);
    at_question(FX_AGE);
    assert_true(F->in_session);
}

static void test_leave_confirm_deletes_everything(void **state)
{
    (void)state;
    quick_to_age();
    choose("25-64");
    act(HD_ACT_LANG, 0, "pl");
    tap(HD_ACT_TOGGLE_CONTRAST);
    tap(HD_ACT_LEAVE);
    tap(HD_ACT_CONFIRM);
    FX_N(1);
    fx_is(0, HD_FX_DELETE_SESSION, NULL, NULL);
    screen_is(HD_SCREEN_WELCOME);
    assert_int_equal(F->confirm, HD_CONFIRM_NONE);
    assert_false(F->in_session);
    assert_int_equal(F->tier, -1);
    assert_int_equal(F->n_seq, 0);
    assert_string_equal(F->lang, "en");
    assert_false(F->high_contrast);
    tick_after(16);
    FX_N(0);
    for (int q = 0; q < FX_NQ; q++) {
        assert_true(zeroed(q));
        assert_false(F->answers[q].stored);
        assert_false(F->answers[q].dirty);
    }
}

static void test_leave_with_nothing_held_needs_no_confirm(void **state)
{
    (void)state;
    start(FX_QUICK);
    tap(HD_ACT_LEAVE);
    FX_N(1);
    fx_is(0, HD_FX_DELETE_SESSION, NULL, NULL);
    screen_is(HD_SCREEN_WELCOME);
    assert_int_equal(F->confirm, HD_CONFIRM_NONE);
}

static void test_withdraw(void **state)
{
    (void)state;
    quick_to_age();
    for (int i = 0; i < 4; i++)
        tap(HD_ACT_SKIP);
    screen_is(HD_SCREEN_REVIEW);
    tap(HD_ACT_WITHDRAW);
    FX_N(0);
    assert_int_equal(F->confirm, HD_CONFIRM_WITHDRAW);
    tap(HD_ACT_SEND); /* modal */
    FX_N(0);
    tap(HD_ACT_CANCEL);
    assert_int_equal(F->confirm, HD_CONFIRM_NONE);
    screen_is(HD_SCREEN_REVIEW);
    tap(HD_ACT_WITHDRAW);
    tap(HD_ACT_CONFIRM);
    FX_N(1);
    fx_is(0, HD_FX_DELETE_SESSION, NULL, NULL);
    screen_is(HD_SCREEN_WELCOME);
    assert_false(F->in_session);
}

static void test_leave_from_review_asks(void **state)
{
    (void)state;
    quick_to_age();
    for (int i = 0; i < 4; i++)
        tap(HD_ACT_NEXT);
    tap(HD_ACT_LEAVE);
    assert_int_equal(F->confirm, HD_CONFIRM_LEAVE);
    tap(HD_ACT_CONFIRM);
    fx_is(0, HD_FX_DELETE_SESSION, NULL, NULL);
    screen_is(HD_SCREEN_WELCOME);
}

/* ---------------------------------------------------------------- idle */

static void test_idle_still_there_then_reset_deletes_text(void **state)
{
    (void)state;
    start(FX_STORYT);
    choose("3");
    tap(HD_ACT_NEXT);
    at_question(FX_STORY);
    key("Hello");
    tick_after(1999);
    FX_N(0);
    tick_after(1);
    FX_N(1);
    fx_is(0, HD_FX_SAVE_ANSWER, "story", "Hello");
    tick_after(60000 - 2001);
    screen_is(HD_SCREEN_QUESTION);
    tick_after(1); /* 60 s after the last key */
    FX_N(0);
    screen_is(HD_SCREEN_STILL_THERE);
    assert_int_equal(F->return_to, HD_SCREEN_QUESTION);
    assert_int_equal(F->screen_since_ms, T);
    tick_after(29999);
    screen_is(HD_SCREEN_STILL_THERE);
    tick_after(1);
    FX_N(2);
    fx_is(0, HD_FX_DELETE_ANSWER, "story", NULL);
    fx_end(1, HD_STATUS_ABANDONED);
    screen_is(HD_SCREEN_WELCOME);
    assert_false(F->in_session);
    for (int q = 0; q < FX_NQ; q++)
        assert_true(zeroed(q)); /* at once: no effect points at a draft */
    tick_after(3600000); /* welcome never times out */
    FX_N(0);
    screen_is(HD_SCREEN_WELCOME);
}

static void test_still_here_returns(void **state)
{
    (void)state;
    quick_to_age();
    choose("65+");
    tick_after(60000);
    screen_is(HD_SCREEN_STILL_THERE);
    tap(HD_ACT_STILL_HERE);
    FX_N(0);
    at_question(FX_AGE);
    assert_string_equal(draft(FX_AGE), "65+");
    tick_after(59999);
    at_question(FX_AGE);
    tick_after(1);
    screen_is(HD_SCREEN_STILL_THERE);
    tap(HD_ACT_TOUCH); /* a touch anywhere will do, and does nothing else */
    at_question(FX_AGE);
    tick_after(60000);
    act(HD_ACT_CHOOSE, 0, "16-24");
    at_question(FX_AGE);
    assert_string_equal(draft(FX_AGE), "65+");
}

static void test_idle_without_session(void **state)
{
    (void)state;
    act(HD_ACT_LANG, 0, "ur");
    tick_after(60000);
    screen_is(HD_SCREEN_STILL_THERE);
    assert_int_equal(F->return_to, HD_SCREEN_CONSENT);
    tick_after(30000);
    FX_N(0);
    screen_is(HD_SCREEN_WELCOME);
    assert_string_equal(F->lang, "en");
}

static void test_idle_quick_keeps_choice_answers(void **state)
{
    (void)state;
    quick_to_age();
    tick_after(90000); /* one tick far on: still-there first */
    screen_is(HD_SCREEN_STILL_THERE);
    tick_after(30000);
    FX_N(1);
    fx_end(0, HD_STATUS_ABANDONED);
}

static void test_idle_during_confirm(void **state)
{
    (void)state;
    quick_to_age();
    tap(HD_ACT_LEAVE);
    tick_after(60000);
    screen_is(HD_SCREEN_STILL_THERE);
    tap(HD_ACT_STILL_HERE);
    at_question(FX_AGE);
    assert_int_equal(F->confirm, HD_CONFIRM_LEAVE);
    tick_after(60000);
    tick_after(30000);
    fx_end(0, HD_STATUS_ABANDONED);
    assert_int_equal(F->confirm, HD_CONFIRM_NONE);
}

static void test_thanks_timeout_and_home(void **state)
{
    (void)state;
    quick_to_age();
    for (int i = 0; i < 4; i++)
        tap(HD_ACT_NEXT);
    tap(HD_ACT_SEND);
    screen_is(HD_SCREEN_THANKS);
    tick_after(9999);
    screen_is(HD_SCREEN_THANKS);
    tick_after(1);
    FX_N(0);
    screen_is(HD_SCREEN_WELCOME);
    assert_int_equal(F->tier, -1);

    quick_to_age();
    for (int i = 0; i < 4; i++)
        tap(HD_ACT_NEXT);
    tap(HD_ACT_SEND);
    tap(HD_ACT_HOME);
    FX_N(0);
    screen_is(HD_SCREEN_WELCOME);
}

/* ---------------------------------------------------------------- group */

static void test_group_sealing_exact(void **state)
{
    (void)state;
    start(FX_GROUP);
    act(HD_ACT_LANG, 0, "cy");
    fx_is(0, HD_FX_SET_LANGUAGE, NULL, NULL);
    key("Sam \"O\\");
    key("\n");
    key("Ł");
    tick_after(5000); /* contact drafts are never saved on a pause */
    FX_N(0);
    tap(HD_ACT_NEXT);
    FX_N(0);
    at_question(FX_PHONE);
    key("+44 7700-900(123)");
    assert_string_equal(draft(FX_PHONE), "+44 7700900123");
    tap(HD_ACT_NEXT);
    FX_N(0);
    tap(HD_ACT_SKIP);
    FX_N(0);
    screen_is(HD_SCREEN_REVIEW);
    tap(HD_ACT_SEND);
    FX_N(2);
    fx_is(0, HD_FX_SEAL_CONTACT, NULL,
          "{\"language\": \"cy\", \"name\": \"Sam \\\"O\\\\\\n\xc5\x81\", "
          "\"phone\": \"+44 7700900123\", \"answers\": {\"name\": \"Sam \\\"O\\\\\\n\xc5\x81\", "
          "\"phone\": \"+44 7700900123\"}}");
    fx_end(1, HD_STATUS_COMPLETE);
    screen_is(HD_SCREEN_THANKS);
    assert_int_equal(hd_flow_offer_tier(F), -1); /* nothing above group */
    tick_after(1);
    assert_true(zeroed(FX_NAME));
    assert_true(zeroed(FX_PHONE));
    for (int i = 0; i < F->scratch_cap; i++)
        assert_int_equal(F->scratch[i], 0);
}

static void test_group_without_answers_seals_nothing(void **state)
{
    (void)state;
    start(FX_GROUP);
    tap(HD_ACT_SKIP);
    tap(HD_ACT_SKIP);
    tap(HD_ACT_SKIP);
    tap(HD_ACT_SEND);
    FX_N(1);
    fx_end(0, HD_STATUS_COMPLETE);
}

static void test_group_reset_discards_contacts(void **state)
{
    (void)state;
    start(FX_GROUP);
    key("Sam");
    tap(HD_ACT_NEXT);
    key("0123");
    tick_after(60000);
    tick_after(30000);
    FX_N(1);
    fx_end(0, HD_STATUS_ABANDONED);
    assert_true(zeroed(FX_NAME));
    assert_true(zeroed(FX_PHONE));
}

static void test_group_leave_discards_contacts(void **state)
{
    (void)state;
    start(FX_GROUP);
    key("Sam");
    tap(HD_ACT_NEXT);
    FX_N(0);
    tap(HD_ACT_LEAVE);
    assert_int_equal(F->confirm, HD_CONFIRM_LEAVE);
    tap(HD_ACT_CONFIRM);
    FX_N(1);
    fx_is(0, HD_FX_DELETE_SESSION, NULL, NULL);
    tick_after(1);
    assert_true(zeroed(FX_NAME));
}

/* ---------------------------------------------------------------- language */

static void test_language_switch(void **state)
{
    (void)state;
    act(HD_ACT_LANG, 0, "pl");
    act(HD_ACT_LANG, 0, "cy"); /* consent: no session yet */
    FX_N(0);
    assert_string_equal(F->lang, "cy");
    tap(HD_ACT_NEXT);
    act(HD_ACT_TIER, FX_QUICK, NULL);
    choose("2");
    act(HD_ACT_LANG, 0, "ur");
    FX_N(1);
    fx_is(0, HD_FX_SET_LANGUAGE, NULL, NULL);
    assert_string_equal(F->lang, "ur");
    at_question(FX_GP);
    assert_string_equal(draft(FX_GP), "2");
    act(HD_ACT_LANG, 0, "ur"); /* the same one again */
    FX_N(0);
    act(HD_ACT_LANG, 0, "de");
    act(HD_ACT_LANG, 0, "a-very-long-language-code");
    act(HD_ACT_LANG, 0, NULL);
    FX_N(0);
    assert_string_equal(F->lang, "ur");
}

/* ---------------------------------------------------------------- store failures */

static void test_store_failed_keeps_draft(void **state)
{
    (void)state;
    start(FX_QUICK);
    choose("4");
    tap(HD_ACT_NEXT);
    fx_is(0, HD_FX_SAVE_ANSWER, "gp-access", "4");
    at_question(FX_AGE);
    act(HD_ACT_STORE_FAILED, 0, NULL);
    FX_N(0);
    at_question(FX_GP);
    assert_true(F->store_failed);
    assert_string_equal(F->message, "Something went wrong. Please ask a member of staff.");
    assert_string_equal(F->message_id, F->message);
    assert_string_equal(draft(FX_GP), "4");
    assert_true(F->answers[FX_GP].dirty);
    tick_after(5000);
    assert_true(F->store_failed);
    assert_non_null(F->message);
    tap(HD_ACT_NEXT);
    FX_N(1);
    fx_is(0, HD_FX_SAVE_ANSWER, "gp-access", "4");
    at_question(FX_AGE);
    assert_false(F->store_failed);
    assert_null(F->message);
}

static void test_store_failed_on_skip_repeats_delete(void **state)
{
    (void)state;
    quick_to_age();
    tap(HD_ACT_BACK);
    tap(HD_ACT_SKIP);
    fx_is(0, HD_FX_DELETE_ANSWER, "gp-access", NULL);
    act(HD_ACT_STORE_FAILED, 0, NULL);
    at_question(FX_GP);
    tap(HD_ACT_NEXT);
    FX_N(1);
    fx_is(0, HD_FX_DELETE_ANSWER, "gp-access", NULL);
}

static void test_store_failed_on_start(void **state)
{
    (void)state;
    start(FX_QUICK);
    act(HD_ACT_STORE_FAILED, 0, NULL);
    screen_is(HD_SCREEN_TIERS);
    assert_false(F->in_session);
    assert_int_equal(F->tier, -1);
    assert_int_equal(F->n_seq, 0);
    act(HD_ACT_TIER, FX_QUICK, NULL);
    fx_is(0, HD_FX_START_SESSION, NULL, NULL);
    assert_false(F->store_failed);
}

static void test_store_failed_on_send_keeps_contacts(void **state)
{
    (void)state;
    start(FX_GROUP);
    key("Ann");
    tap(HD_ACT_NEXT);
    tap(HD_ACT_NEXT);
    tap(HD_ACT_NEXT);
    tap(HD_ACT_SEND);
    FX_N(2);
    act(HD_ACT_STORE_FAILED, 0, NULL); /* nothing known to be done */
    screen_is(HD_SCREEN_REVIEW);
    assert_true(F->in_session);
    assert_string_equal(draft(FX_NAME), "Ann");
    tap(HD_ACT_SEND);
    FX_N(2);
    fx_is(0, HD_FX_SEAL_CONTACT, NULL,
          "{\"language\": \"en\", \"name\": \"Ann\", \"answers\": {\"name\": \"Ann\"}}");
    act(HD_ACT_STORE_FAILED, 1, NULL); /* sealed, then END failed */
    screen_is(HD_SCREEN_REVIEW);
    tap(HD_ACT_SEND);
    FX_N(1); /* not sealed twice */
    fx_end(0, HD_STATUS_COMPLETE);
    screen_is(HD_SCREEN_THANKS);
}

static void test_store_failed_on_leave_confirm(void **state)
{
    (void)state;
    quick_to_age();
    choose("65+");
    tap(HD_ACT_LEAVE);
    tap(HD_ACT_CONFIRM);
    fx_is(0, HD_FX_DELETE_SESSION, NULL, NULL);
    act(HD_ACT_STORE_FAILED, 0, NULL);
    at_question(FX_AGE);
    assert_int_equal(F->confirm, HD_CONFIRM_LEAVE);
    assert_true(F->in_session);
    assert_string_equal(draft(FX_AGE), "65+");
    assert_string_equal(draft(FX_GP), "4");
    tap(HD_ACT_CONFIRM);
    fx_is(0, HD_FX_DELETE_SESSION, NULL, NULL);
    screen_is(HD_SCREEN_WELCOME);
}

static void test_store_failed_after_reset_stays_home(void **state)
{
    (void)state;
    start(FX_STORYT);
    tap(HD_ACT_SKIP);
    key("secret");
    tick_after(2000);
    fx_is(0, HD_FX_SAVE_ANSWER, "story", "secret");
    tick_after(60000);
    tick_after(30000);
    FX_N(2);
    act(HD_ACT_STORE_FAILED, 0, NULL);
    screen_is(HD_SCREEN_WELCOME); /* never puts a participant's answers back */
    assert_true(zeroed(FX_STORY));
    assert_true(F->store_failed);
    assert_non_null(F->message);
    tap(HD_ACT_NEXT); /* the message stays until a write is tried again */
    assert_true(F->store_failed);
    tap(HD_ACT_NEXT);
    act(HD_ACT_TIER, FX_QUICK, NULL);
    assert_false(F->store_failed);
}

static void test_text_autosave_paused_after_failure(void **state)
{
    (void)state;
    start(FX_STORYT);
    tap(HD_ACT_SKIP);
    key("abc");
    tick_after(2000);
    FX_N(1);
    act(HD_ACT_STORE_FAILED, 0, NULL);
    tick_after(2000);
    FX_N(0); /* no retry storm: only NEXT tries again */
    tap(HD_ACT_NEXT);
    FX_N(1);
    fx_is(0, HD_FX_SAVE_ANSWER, "story", "abc");
}

/* ---------------------------------------------------------------- next tier */

static void test_next_tier_offer(void **state)
{
    (void)state;
    quick_to_age();
    for (int i = 0; i < 4; i++)
        tap(HD_ACT_NEXT);
    tap(HD_ACT_SEND);
    assert_int_equal(hd_flow_offer_tier(F), FX_STORYT);
    act(HD_ACT_TIER, FX_QUICK, NULL); /* only the offered tier */
    act(HD_ACT_TIER, FX_GROUP, NULL);
    FX_N(0);
    screen_is(HD_SCREEN_THANKS);
    act(HD_ACT_TIER, FX_STORYT, NULL);
    FX_N(1);
    fx_is(0, HD_FX_START_SESSION, NULL, NULL);
    at_question(FX_GP);
    assert_int_equal(F->tier, FX_STORYT);
    assert_string_equal(draft(FX_GP), ""); /* unlinked: nothing carried over */
    assert_false(F->answers[FX_GP].stored);
    for (int i = 0; i < 7; i++)
        tap(HD_ACT_SKIP);
    screen_is(HD_SCREEN_REVIEW);
    tap(HD_ACT_SEND);
    assert_int_equal(hd_flow_offer_tier(F), -1); /* group not allowed */
    act(HD_ACT_TIER, FX_GROUP, NULL);
    FX_N(0);
}

static void test_next_tier_story_to_group(void **state)
{
    (void)state;
    start(FX_STORYT);
    for (int i = 0; i < 6; i++)
        tap(HD_ACT_SKIP);
    tap(HD_ACT_SEND);
    assert_int_equal(hd_flow_offer_tier(F), FX_GROUP);
    act(HD_ACT_TIER, FX_GROUP, NULL);
    fx_is(0, HD_FX_START_SESSION, NULL, NULL);
    at_question(FX_NAME);
}

/* ---------------------------------------------------------------- staff */

static void test_staff_not_allowed(void **state)
{
    (void)state;
    tap(HD_ACT_STAFF_HOLD);
    screen_is(HD_SCREEN_WELCOME);
}

static void test_staff_pin_flow(void **state)
{
    (void)state;
    tap(HD_ACT_STAFF_HOLD);
    screen_is(HD_SCREEN_ADMIN_PIN);
    key("1");
    key("2");
    key("a");
    key("3");
    tap(HD_ACT_KEY_BACKSPACE);
    key("4");
    assert_string_equal(F->pin, "124");
    tap(HD_ACT_NEXT);
    FX_N(1);
    fx_is(0, HD_FX_CHECK_PIN, NULL, "124");
    assert_true(F->pin_checking);
    key("9"); /* not while checking */
    act(HD_ACT_PIN_RESULT, 0, NULL);
    screen_is(HD_SCREEN_ADMIN_PIN);
    assert_true(F->pin_wrong);
    assert_false(F->pin_checking);
    assert_string_equal(F->pin, "");
    act(HD_ACT_PIN_RESULT, 1, NULL); /* nobody asked */
    screen_is(HD_SCREEN_ADMIN_PIN);
    tap(HD_ACT_NEXT); /* empty pin: nothing to check */
    FX_N(0);
    key("12345678901234");
    assert_string_equal(F->pin, "123456789012");
    assert_false(F->pin_wrong);
    tap(HD_ACT_NEXT);
    fx_is(0, HD_FX_CHECK_PIN, NULL, "123456789012");
    act(HD_ACT_PIN_RESULT, 1, NULL);
    screen_is(HD_SCREEN_ADMIN);
    assert_string_equal(F->pin, "");
    tap(HD_ACT_QUIT);
    FX_N(1);
    fx_is(0, HD_FX_QUIT, NULL, NULL);
    tap(HD_ACT_ADMIN_EXIT);
    FX_N(0);
    screen_is(HD_SCREEN_WELCOME);
}

static void test_staff_cancel_returns(void **state)
{
    (void)state;
    tap(HD_ACT_NEXT);
    tap(HD_ACT_STAFF_HOLD);
    screen_is(HD_SCREEN_ADMIN_PIN);
    key("77");
    tap(HD_ACT_CANCEL);
    screen_is(HD_SCREEN_CONSENT);
    assert_string_equal(F->pin, "");
    tap(HD_ACT_LEAVE);
    tap(HD_ACT_STAFF_HOLD);
    tap(HD_ACT_CANCEL);
    screen_is(HD_SCREEN_WELCOME);
}

static void test_staff_refused_in_session(void **state)
{
    (void)state;
    quick_to_age();
    tap(HD_ACT_STAFF_HOLD);
    at_question(FX_AGE);
    for (int i = 0; i < 4; i++)
        tap(HD_ACT_NEXT);
    tap(HD_ACT_STAFF_HOLD);
    screen_is(HD_SCREEN_REVIEW);
    tap(HD_ACT_SEND);
    tap(HD_ACT_STAFF_HOLD); /* thanks: the session is over */
    screen_is(HD_SCREEN_ADMIN_PIN);
    tap(HD_ACT_CANCEL);
    screen_is(HD_SCREEN_WELCOME);
}

static void test_staff_idle(void **state)
{
    (void)state;
    tap(HD_ACT_STAFF_HOLD);
    key("5");
    tick_after(60000);
    screen_is(HD_SCREEN_STILL_THERE);
    tap(HD_ACT_STILL_HERE);
    screen_is(HD_SCREEN_ADMIN_PIN);
    assert_string_equal(F->pin, "5");
    tick_after(60000);
    tick_after(30000);
    screen_is(HD_SCREEN_WELCOME);
    assert_string_equal(F->pin, "");
}

static void test_pin_result_while_still_there(void **state)
{
    (void)state;
    tap(HD_ACT_STAFF_HOLD);
    key("42");
    tap(HD_ACT_NEXT);
    fx_is(0, HD_FX_CHECK_PIN, NULL, "42");
    tick_after(60000);
    screen_is(HD_SCREEN_STILL_THERE);
    act(HD_ACT_PIN_RESULT, 1, NULL);
    screen_is(HD_SCREEN_STILL_THERE);
    assert_false(F->pin_checking);
    assert_string_equal(F->pin, "");
    tap(HD_ACT_STILL_HERE);
    screen_is(HD_SCREEN_ADMIN);
}

/* ---------------------------------------------------------------- typing */

static void test_text_max_length_in_code_points(void **state)
{
    (void)state;
    start(FX_STORYT);
    tap(HD_ACT_SKIP);
    at_question(FX_STORY);
    key("abcdefghijkl");
    assert_string_equal(draft(FX_STORY), "abcdefghij");
    for (int i = 0; i < 10; i++)
        tap(HD_ACT_KEY_BACKSPACE);
    assert_string_equal(draft(FX_STORY), "");
    tap(HD_ACT_KEY_BACKSPACE); /* nothing left: harmless */
    key("\xd8\xb3\xd9\x84\xd8\xa7\xd9\x85 \xe0\xa6\x95\xe0\xa6\xbf \xf0\x9f\x98\x80 \xc3\xa9\xc3\xa9");
    /* سلام কি 😀 éé: 4+1+2+1+1+1+2 = 12 code points, cut at 10 */
    assert_int_equal(strlen(draft(FX_STORY)), 8 + 1 + 6 + 1 + 4 + 1);
    key("\x01");
    key("\x7f");
    assert_int_equal(strlen(draft(FX_STORY)), 21);
}

static void test_backspace_whole_characters(void **state)
{
    (void)state;
    start(FX_STORYT);
    tap(HD_ACT_SKIP);
    key("a\xc3\xa9"); /* a é (precomposed) */
    tap(HD_ACT_KEY_BACKSPACE);
    assert_string_equal(draft(FX_STORY), "a");
    key("e\xcc\x81"); /* e + combining acute */
    tap(HD_ACT_KEY_BACKSPACE);
    assert_string_equal(draft(FX_STORY), "a"); /* the mark goes with its base */
    key("b\xcc\x81\xcc\xa3"); /* b + two marks */
    tap(HD_ACT_KEY_BACKSPACE);
    assert_string_equal(draft(FX_STORY), "a");
    key("\xf0\x9f\x98\x80"); /* a four-byte emoji */
    tap(HD_ACT_KEY_BACKSPACE);
    assert_string_equal(draft(FX_STORY), "a");
    key("\xe0\xa6\x95\xe0\xa6\xbf"); /* Bengali ka + vowel sign i */
    tap(HD_ACT_KEY_BACKSPACE);
    assert_string_equal(draft(FX_STORY), "a");
    tap(HD_ACT_KEY_BACKSPACE);
    assert_string_equal(draft(FX_STORY), "");
    assert_true(zeroed(FX_STORY)); /* removed bytes are zeroed, not just cut */
}

static void test_key_invalid_utf8_ignored(void **state)
{
    (void)state;
    start(FX_STORYT);
    tap(HD_ACT_SKIP);
    key("ok\xff");
    key("\xc3");           /* truncated */
    key("\xc0\xaf");       /* overlong '/' */
    key("\xed\xa0\x80");   /* a surrogate */
    key("\xf4\x90\x80\x80"); /* past U+10FFFF */
    assert_string_equal(draft(FX_STORY), "");
    assert_false(F->answers[FX_STORY].dirty);
}

static void test_phone_and_email_filters(void **state)
{
    (void)state;
    start(FX_GROUP);
    tap(HD_ACT_NEXT);
    at_question(FX_PHONE);
    key("+44 (0)7700 900 123 456 789");
    assert_string_equal(draft(FX_PHONE), "+44 07700 900 1"); /* 15 code points */
    tap(HD_ACT_NEXT);
    key("a b@c.d\te");
    assert_string_equal(draft(FX_EMAIL), "ab@c.de");
}

static void test_number_keys_and_range(void **state)
{
    (void)state;
    quick_to_age();
    tap(HD_ACT_NEXT);
    at_question(FX_YEARS);
    key("-");
    key("x");
    assert_string_equal(draft(FX_YEARS), ""); /* min is 0: no minus */
    key("1234");
    assert_string_equal(draft(FX_YEARS), "123"); /* 120 has three digits */
    tap(HD_ACT_NEXT);
    FX_N(0);
    at_question(FX_YEARS);
    assert_string_equal(F->message, "Please enter a number from 0 to 120");
    assert_string_equal(F->message_id, "Please enter a number from %ld to %ld");
    assert_int_equal(F->message_args[0], 0);
    assert_int_equal(F->message_args[1], 120);
    tap(HD_ACT_BACK); /* nothing out of range is saved either way */
    FX_N(0);
    at_question(FX_YEARS);
    tap(HD_ACT_KEY_BACKSPACE);
    assert_null(F->message);
    assert_null(F->message_id);
    tap(HD_ACT_NEXT);
    FX_N(1);
    fx_is(0, HD_FX_SAVE_ANSWER, "years", "12");
    tap(HD_ACT_BACK);
    tap(HD_ACT_KEY_BACKSPACE);
    tap(HD_ACT_KEY_BACKSPACE);
    key("007");
    tap(HD_ACT_NEXT);
    fx_is(0, HD_FX_SAVE_ANSWER, "years", "7"); /* written canonically */
    tap(HD_ACT_BACK);
    tap(HD_ACT_SKIP);
    fx_is(0, HD_FX_DELETE_ANSWER, "years", NULL);
}

static void test_number_negative_and_unbounded(void **state)
{
    (void)state;
    hd_question saved = fx_questions[FX_YEARS];
    fx_questions[FX_YEARS].min = -40;
    fx_questions[FX_YEARS].max = 50;
    quick_to_age();
    tap(HD_ACT_NEXT);
    key("5-");
    assert_string_equal(draft(FX_YEARS), "5"); /* minus only first */
    tap(HD_ACT_KEY_BACKSPACE);
    key("-");
    tap(HD_ACT_NEXT);
    FX_N(0);
    assert_string_equal(F->message, "Please enter a number from -40 to 50");
    assert_int_equal(F->message_args[0], -40);
    key("41");
    tap(HD_ACT_NEXT);
    FX_N(0);
    tap(HD_ACT_KEY_BACKSPACE);
    tap(HD_ACT_NEXT);
    fx_is(0, HD_FX_SAVE_ANSWER, "years", "-4");
    fx_questions[FX_YEARS] = saved;

    hd_flow_close(F);
    fx_questions[FX_YEARS].has_min = false;
    fx_questions[FX_YEARS].has_max = false;
    assert_int_equal(open_with(false, false), 0);
    quick_to_age();
    tap(HD_ACT_NEXT);
    key("-");
    tap(HD_ACT_NEXT);
    assert_string_equal(F->message, "Please enter a whole number");
    assert_string_equal(F->message_id, "Please enter a whole number");
    key("99999999999999999999999");
    assert_int_equal(strlen(draft(FX_YEARS)), 19);
    tap(HD_ACT_NEXT);
    fx_is(0, HD_FX_SAVE_ANSWER, "years", "-999999999999999999");
    fx_questions[FX_YEARS] = saved;
}

static void test_prefer_not_on_typed_question(void **state)
{
    (void)state;
    fx_questions[FX_STORY].sensitive = true;
    start(FX_STORYT);
    tap(HD_ACT_SKIP);
    key("abc");
    choose(HD_PREFER_NOT);
    assert_string_equal(draft(FX_STORY), HD_PREFER_NOT);
    tap(HD_ACT_KEY_BACKSPACE);
    assert_string_equal(draft(FX_STORY), HD_PREFER_NOT);
    key("x"); /* typing replaces it */
    assert_string_equal(draft(FX_STORY), "x");
    choose(HD_PREFER_NOT);
    tap(HD_ACT_NEXT);
    fx_is(0, HD_FX_SAVE_ANSWER, "story", HD_PREFER_NOT);
    fx_questions[FX_STORY].sensitive = false;
}

static void test_text_autosave_on_pause(void **state)
{
    (void)state;
    start(FX_STORYT);
    tap(HD_ACT_SKIP);
    key("ab");
    tick_after(1000);
    key("c");
    tick_after(1999);
    FX_N(0);
    tick_after(1);
    FX_N(1);
    fx_is(0, HD_FX_SAVE_ANSWER, "story", "abc");
    tick_after(5000);
    FX_N(0); /* saved: not again */
    tap(HD_ACT_NEXT);
    FX_N(0);
    tap(HD_ACT_BACK);
    tap(HD_ACT_KEY_BACKSPACE);
    tap(HD_ACT_KEY_BACKSPACE);
    tap(HD_ACT_KEY_BACKSPACE);
    tick_after(2000);
    FX_N(1);
    fx_is(0, HD_FX_DELETE_ANSWER, "story", NULL);
}

static void test_show_if_chain(void **state)
{
    (void)state;
    static const char *cost[] = {"cost"};
    hd_show_if saved = fx_questions[FX_CARER].show_if;
    fx_questions[FX_CARER].show_if = (hd_show_if){FX_BARRIERS, cost, 1};
    start(FX_QUICK);
    choose("1");
    tap(HD_ACT_NEXT);
    choose("cost");
    assert_true(hd_flow_visible(F, FX_CARER));
    tap(HD_ACT_NEXT);
    tap(HD_ACT_NEXT);
    tap(HD_ACT_NEXT);
    at_question(FX_CARER);
    choose("no");
    tap(HD_ACT_NEXT);
    fx_is(0, HD_FX_SAVE_ANSWER, "carer", "no");
    act(HD_ACT_REVIEW_EDIT, FX_GP, NULL); /* not on review yet: ignored */
    at_question(FX_NOTE);
    tap(HD_ACT_NEXT);
    act(HD_ACT_REVIEW_EDIT, FX_GP, NULL);
    choose("3"); /* barriers hidden, so carer is hidden too */
    assert_false(hd_flow_visible(F, FX_BARRIERS));
    assert_false(hd_flow_visible(F, FX_CARER));
    int i, n;
    hd_flow_progress(F, &i, &n);
    assert_int_equal(i, 1);
    assert_int_equal(n, 4);
    tap(HD_ACT_NEXT);
    FX_N(3);
    fx_is(0, HD_FX_SAVE_ANSWER, "gp-access", "3");
    fx_is(1, HD_FX_DELETE_ANSWER, "barriers", NULL);
    fx_is(2, HD_FX_DELETE_ANSWER, "carer", NULL);
    screen_is(HD_SCREEN_REVIEW);
    hd_flow_progress(F, &i, &n);
    assert_int_equal(i, 0); /* not on a question */
    assert_int_equal(n, 4);
    fx_questions[FX_CARER].show_if = saved;
}

/* ---------------------------------------------------------------- support, toggles */

static void test_support_returns(void **state)
{
    (void)state;
    quick_to_age();
    tap(HD_ACT_SUPPORT);
    screen_is(HD_SCREEN_SUPPORT);
    assert_int_equal(F->return_to, HD_SCREEN_QUESTION);
    tap(HD_ACT_NEXT);
    at_question(FX_AGE);
    tap(HD_ACT_SUPPORT);
    tick_after(60000);
    screen_is(HD_SCREEN_STILL_THERE);
    tap(HD_ACT_STILL_HERE);
    screen_is(HD_SCREEN_SUPPORT);
    tap(HD_ACT_BACK);
    FX_N(0);
    at_question(FX_AGE);
    tap(HD_ACT_BACK);
    at_question(FX_GP);
}

static void test_support_from_welcome(void **state)
{
    (void)state;
    tap(HD_ACT_SUPPORT);
    screen_is(HD_SCREEN_SUPPORT);
    tap(HD_ACT_CANCEL);
    screen_is(HD_SCREEN_WELCOME);
}

static void test_toggles_scroll_keyboard(void **state)
{
    (void)state;
    tap(HD_ACT_TOGGLE_CONTRAST);
    tap(HD_ACT_TOGGLE_LARGE_TEXT);
    assert_true(F->high_contrast);
    assert_true(F->large_text);
    tap(HD_ACT_TOGGLE_CONTRAST);
    assert_false(F->high_contrast);
    start(FX_QUICK);
    assert_true(F->large_text); /* kept through the session */
    act(HD_ACT_SCROLL, -50, NULL);
    assert_int_equal(F->scroll, 0);
    act(HD_ACT_SCROLL, 120, NULL);
    act(HD_ACT_SCROLL, -20, NULL);
    assert_int_equal(F->scroll, 100);
    act(HD_ACT_KEYBOARD_PAGE, 2, NULL);
    assert_int_equal(F->keyboard_page, 2);
    choose("4");
    tap(HD_ACT_NEXT);
    assert_int_equal(F->scroll, 0); /* a new question starts at the top */
    assert_int_equal(F->keyboard_page, 0);
}

static void test_every_touch_resets_idle(void **state)
{
    (void)state;
    quick_to_age();
    tick_after(59000);
    act(HD_ACT_SCROLL, 10, NULL);
    tick_after(59000);
    at_question(FX_AGE);
    act(HD_ACT_PIN_RESULT, 1, NULL); /* replies from outside are not touches */
    tick_after(1000);
    screen_is(HD_SCREEN_STILL_THERE);
}

/* Drives a long random walk: nothing crashes, drafts stay valid UTF-8 that
 * fits, every effect value is a NUL-terminated string (ASan checks the
 * memory behind them). */
static void test_random_walk(void **state)
{
    (void)state;
    static const char *const words[] = {"1",   "2",    "yes",  "no",      "transport",
                                        "65+", "cost", "\xc3\xa9", HD_PREFER_NOT, "e\xcc\x81",
                                        "7",   "-",    "ab",   "pl",      "cy"};
    unsigned seed = 12345;
    for (int i = 0; i < 20000; i++) {
        seed = seed * 1103515245u + 12345u;
        hd_act_kind k = (hd_act_kind)((seed >> 8) % HD_ACT_KIND_COUNT_);
        seed = seed * 1103515245u + 12345u;
        int num = (int)((seed >> 8) % 12) - 1;
        const char *str = words[(seed >> 16) % (sizeof words / sizeof words[0])];
        T += (seed >> 4) % 5000;
        act(k, num, str);
        for (int j = 0; j < E.n; j++)
            if (E.fx[j].value)
                assert_true(strlen(E.fx[j].value) < 4096);
        for (int q = 0; q < FX_NQ; q++)
            assert_true((int)strlen(F->answers[q].value) < F->answers[q].cap);
        assert_true(F->pos >= 0 && (F->n_seq == 0 || F->pos < F->n_seq));
        if (F->screen == HD_SCREEN_QUESTION)
            assert_true(hd_flow_current_question(F) >= 0);
    }
}

/* ---------------------------------------------------------------- the example survey */

/* assets/surveys/example.json, parsed by the real parser. */
static hd_survey *EX;

static int setup_example(void **state)
{
    (void)state;
    size_t len = 0;
    char *json = tu_slurp(tu_src("assets/surveys/example.json"), &len);
    if (!json)
        return -1;
    hd_diag d;
    hd_diag_init(&d, "example.json");
    hd_err err = hd_survey_parse(json, len, "example.json", &EX, &d);
    free(json);
    if (err != HD_OK)
        return -1;
    hd_flow_config cfg;
    hd_flow_config_default(&cfg);
    cfg.group_allowed = cfg.staff_allowed = true;
    T = 1000000;
    return hd_flow_open(EX, &cfg, T, &F) == HD_OK ? 0 : -1;
}

static int teardown_example(void **state)
{
    (void)state;
    hd_flow_close(F);
    hd_survey_free(EX);
    F = NULL;
    EX = NULL;
    return 0;
}

static int qi(const char *id)
{
    int q = hd_survey_find_question(EX, id);
    assert_true(q >= 0);
    return q;
}

static void ex_fx(int i, hd_fx_kind kind, const char *qid, const char *value)
{
    assert_true(i < E.n);
    assert_int_equal(E.fx[i].kind, kind);
    assert_int_equal(E.fx[i].question, qid ? qi(qid) : -1);
    if (value)
        assert_string_equal(E.fx[i].value, value);
    else
        assert_null(E.fx[i].value);
}

static void ex_at(const char *id)
{
    screen_is(HD_SCREEN_QUESTION);
    assert_string_equal(EX->questions[hd_flow_current_question(F)].id, id);
}

static void ex_count(int want)
{
    int i, n;
    hd_flow_progress(F, &i, &n);
    assert_int_equal(n, want);
}

static void test_example_quick_walk_through(void **state)
{
    (void)state;
    start(hd_survey_find_tier(EX, "quick"));
    ex_at("intro");
    ex_count(11); /* how-easy, what-was-hard, got-interpreter hidden */
    tap(HD_ACT_NEXT);
    FX_N(0);
    ex_at("last-service");
    choose("doctor");
    ex_count(12);
    tap(HD_ACT_NEXT);
    FX_N(1);
    ex_fx(0, HD_FX_SAVE_ANSWER, "last-service", "doctor");
    ex_at("how-easy");
    choose("2");
    ex_count(13);
    tap(HD_ACT_NEXT);
    ex_fx(0, HD_FX_SAVE_ANSWER, "how-easy", "2");
    ex_at("what-was-hard");
    choose("travel");
    choose("appointment");
    choose("cost");
    tap(HD_ACT_NEXT);
    ex_fx(0, HD_FX_SAVE_ANSWER, "what-was-hard", "appointment travel cost");
    choose("4");
    tap(HD_ACT_NEXT);
    ex_fx(0, HD_FX_SAVE_ANSWER, "respect", "4");
    choose("yes");
    tap(HD_ACT_NEXT);
    ex_fx(0, HD_FX_SAVE_ANSWER, "needed-interpreter", "yes");
    ex_at("got-interpreter");
    choose("no");
    tap(HD_ACT_NEXT);
    ex_fx(0, HD_FX_SAVE_ANSWER, "got-interpreter", "no");
    tap(HD_ACT_SKIP);
    FX_N(0);
    ex_at("about-intro");
    tap(HD_ACT_NEXT);
    choose("25-34");
    tap(HD_ACT_NEXT);
    ex_fx(0, HD_FX_SAVE_ANSWER, "age", "25-34");
    choose(HD_PREFER_NOT);
    tap(HD_ACT_NEXT);
    ex_fx(0, HD_FX_SAVE_ANSWER, "gender", HD_PREFER_NOT);
    tap(HD_ACT_SKIP);
    ex_at("people-at-home");
    key("25");
    tap(HD_ACT_NEXT);
    FX_N(0);
    assert_string_equal(F->message, "Please enter a number from 1 to 20");
    tap(HD_ACT_KEY_BACKSPACE);
    tap(HD_ACT_NEXT);
    ex_fx(0, HD_FX_SAVE_ANSWER, "people-at-home", "2");
    choose(HD_PREFER_NOT);
    tap(HD_ACT_NEXT);
    ex_fx(0, HD_FX_SAVE_ANSWER, "long-illness", HD_PREFER_NOT);
    /* "About you" held sensitive questions: the support text comes next,
     * once, and carries on to review */
    screen_is(HD_SCREEN_SUPPORT);
    assert_true(F->support_auto);
    tap(HD_ACT_NEXT);
    FX_N(0);
    screen_is(HD_SCREEN_REVIEW);
    assert_false(F->support_auto);

    /* changing the first answer hides a chain of two questions */
    act(HD_ACT_REVIEW_EDIT, qi("last-service"), NULL);
    ex_at("last-service");
    choose("none");
    assert_false(hd_flow_visible(F, qi("how-easy")));
    assert_false(hd_flow_visible(F, qi("what-was-hard")));
    tap(HD_ACT_NEXT);
    FX_N(3);
    ex_fx(0, HD_FX_SAVE_ANSWER, "last-service", "none");
    ex_fx(1, HD_FX_DELETE_ANSWER, "how-easy", NULL);
    ex_fx(2, HD_FX_DELETE_ANSWER, "what-was-hard", NULL);
    screen_is(HD_SCREEN_REVIEW);
    tap(HD_ACT_SEND);
    FX_N(1);
    ex_fx(0, HD_FX_END_SESSION, NULL, NULL);
    assert_int_equal(E.fx[0].status, HD_STATUS_COMPLETE);
    assert_int_equal(hd_flow_offer_tier(F), hd_survey_find_tier(EX, "story"));
}

static void test_example_story_then_group(void **state)
{
    (void)state;
    start(hd_survey_find_tier(EX, "story"));
    act(HD_ACT_LANG, 0, "bn");
    ex_fx(0, HD_FX_SET_LANGUAGE, NULL, NULL);
    while (hd_flow_current_question(F) != qi("what-happened"))
        tap(HD_ACT_SKIP);
    key("\xe0\xa6\x86\xe0\xa6\xae\xe0\xa6\xbf"); /* আমি */
    tick_after(2000);
    ex_fx(0, HD_FX_SAVE_ANSWER, "what-happened", "\xe0\xa6\x86\xe0\xa6\xae\xe0\xa6\xbf");
    tap(HD_ACT_NEXT);
    FX_N(0); /* already saved */
    key("Open later");
    tap(HD_ACT_NEXT);
    ex_fx(0, HD_FX_SAVE_ANSWER, "one-change", "Open later");
    while (F->screen == HD_SCREEN_QUESTION)
        tap(HD_ACT_SKIP);
    screen_is(HD_SCREEN_SUPPORT); /* after "About you", skipped or not */
    tap(HD_ACT_BACK);             /* "Back" carries on too */
    screen_is(HD_SCREEN_REVIEW);
    tap(HD_ACT_SEND);
    ex_fx(0, HD_FX_END_SESSION, NULL, NULL);
    int group = hd_survey_find_tier(EX, "group");
    assert_int_equal(hd_flow_offer_tier(F), group);
    act(HD_ACT_TIER, group, NULL);
    ex_fx(0, HD_FX_START_SESSION, NULL, NULL);
    assert_string_equal(F->lang, "bn"); /* the language carries on; answers do not */
    assert_string_equal(F->answers[qi("what-happened")].value, "");
    ex_at("contact-intro");
    tap(HD_ACT_NEXT);
    key("Rina");
    tap(HD_ACT_NEXT);
    key("07700 900123");
    tap(HD_ACT_NEXT);
    key("rina@example.org");
    tap(HD_ACT_NEXT);
    FX_N(0);
    screen_is(HD_SCREEN_REVIEW);
    tap(HD_ACT_SEND);
    FX_N(2);
    ex_fx(0, HD_FX_SEAL_CONTACT, NULL,
          "{\"language\": \"bn\", \"name\": \"Rina\", \"phone\": \"07700 900123\", "
          "\"email\": \"rina@example.org\", \"answers\": {\"name\": \"Rina\", "
          "\"phone\": \"07700 900123\", \"email\": \"rina@example.org\"}}");
    ex_fx(1, HD_FX_END_SESSION, NULL, NULL);
}

/* A long random walk over the real survey: every value saved is one the
 * survey accepts, contact answers never reach SAVE/DELETE, and no draft
 * outgrows its buffer. Under ASan this also checks every effect value. */
static void test_example_random_walk(void **state)
{
    (void)state;
    static const char *const words[] = {"1", "2", "3", "yes", "no", "doctor", "none",
                                        "travel", "cost", "16-24", "woman", HD_PREFER_NOT,
                                        "7", "25", "-", "Hi", "\xc3\xa9", "ar", "pl", "en"};
    unsigned seed = 777;
    int saves = 0;
    for (int i = 0; i < 30000; i++) {
        seed = seed * 1103515245u + 12345u;
        /* mostly what a participant does; now and then anything at all */
        static const hd_act_kind usual[] = {HD_ACT_CHOOSE, HD_ACT_CHOOSE, HD_ACT_NEXT,
                                            HD_ACT_NEXT,   HD_ACT_KEY,    HD_ACT_SKIP,
                                            HD_ACT_BACK,   HD_ACT_TIER,   HD_ACT_SEND};
        hd_act_kind k = (seed >> 20) % 3
                            ? usual[(seed >> 8) % (sizeof usual / sizeof usual[0])]
                            : (hd_act_kind)((seed >> 8) % HD_ACT_KIND_COUNT_);
        seed = seed * 1103515245u + 12345u;
        int num = k == HD_ACT_TIER ? (int)((seed >> 8) % 3)
                                   : (int)((seed >> 8) % (unsigned)(EX->n_questions + 2)) - 1;
        const char *str = words[(seed >> 16) % (sizeof words / sizeof words[0])];
        if (k == HD_ACT_STORE_FAILED && (seed & 0x300))
            k = HD_ACT_NEXT; /* failures, but not too many */
        int cur = hd_flow_current_question(F);
        if (k == HD_ACT_CHOOSE && cur >= 0 && (seed & 0x400)) {
            /* mostly a value this question offers */
            static const char *const likert[] = {"1", "2", "3", "4", "5"};
            const hd_question *q = &EX->questions[cur];
            unsigned r = seed >> 12;
            if (q->n_choices > 0)
                str = q->choices[r % (unsigned)q->n_choices].id;
            else if (q->type == HD_Q_LIKERT5)
                str = likert[r % 5];
            else if (q->type == HD_Q_YESNO)
                str = r % 2 ? "yes" : "no";
        }
        T += (seed >> 4) % 4000;
        act(k, num, str);
        for (int j = 0; j < E.n; j++) {
            const hd_effect *x = &E.fx[j];
            if (x->kind == HD_FX_SAVE_ANSWER || x->kind == HD_FX_DELETE_ANSWER) {
                assert_true(x->question >= 0 && x->question < EX->n_questions);
                assert_false(EX->questions[x->question].contact);
            }
            if (x->kind == HD_FX_SAVE_ANSWER) {
                saves++;
                if (!hd_question_accepts(&EX->questions[x->question], x->value))
                    fail_msg("saved \"%s\" for %s", x->value, EX->questions[x->question].id);
            }
        }
        for (int q = 0; q < EX->n_questions; q++)
            assert_true((int)strlen(F->answers[q].value) < F->answers[q].cap);
    }
    if (saves < 150) /* the walk did reach the questions (295 with this seed) */
        fail_msg("only %d saves", saves);
    print_message("%d answers saved\n", saves);
}


/* ---------------------------------------------------------------- support after sensitive sections */

/* Quick tier with the support text: gp-access "1" shows barriers (sensitive),
 * so leaving "experience" puts the support screen in, once. */
static void test_support_after_sensitive_section(void **state)
{
    (void)state;
    start(FX_QUICK);
    choose("1");
    tap(HD_ACT_NEXT);
    at_question(FX_BARRIERS);
    assert_false(F->support_auto);
    choose("cost");
    tap(HD_ACT_NEXT);
    FX_N(1); /* the answer is saved first */
    fx_is(0, HD_FX_SAVE_ANSWER, "barriers", "cost");
    screen_is(HD_SCREEN_SUPPORT);
    assert_true(F->support_auto);
    assert_int_equal(F->return_to, HD_SCREEN_QUESTION);
    assert_int_equal(hd_flow_current_question(F), -1); /* support covers it */
    assert_int_equal(F->seq[F->pos], FX_AGE);          /* ... and Next goes on there */
    tap(HD_ACT_NEXT);
    FX_N(0);
    at_question(FX_AGE);
    assert_false(F->support_auto);
    /* back into "experience" and forward again: not a second time */
    tap(HD_ACT_BACK);
    at_question(FX_BARRIERS);
    tap(HD_ACT_NEXT);
    at_question(FX_AGE);
    /* the end of "about-you" (age is sensitive): support, then review */
    tap(HD_ACT_SKIP);
    tap(HD_ACT_SKIP);
    tap(HD_ACT_SKIP);
    at_question(FX_NOTE);
    tap(HD_ACT_NEXT);
    screen_is(HD_SCREEN_SUPPORT);
    assert_true(F->support_auto);
    tap(HD_ACT_BACK); /* Back carries on as well: it never undoes the Next */
    screen_is(HD_SCREEN_REVIEW);
    /* from review, editing a question of a sensitive section: no support */
    act(HD_ACT_REVIEW_EDIT, FX_NOTE, NULL);
    at_question(FX_NOTE);
    tap(HD_ACT_NEXT);
    screen_is(HD_SCREEN_REVIEW);
}

/* A sensitive question that was never shown does not bring the screen. */
static void test_support_not_after_hidden_sensitive(void **state)
{
    (void)state;
    start(FX_QUICK);
    choose("4"); /* barriers stays hidden */
    tap(HD_ACT_NEXT);
    at_question(FX_AGE);
    assert_false(F->support_auto);
}

/* Without a support text in the survey there is nothing to show. */
static void test_support_needs_a_text(void **state)
{
    (void)state;
    start(FX_QUICK);
    choose("1");
    tap(HD_ACT_NEXT);
    tap(HD_ACT_NEXT);
    at_question(FX_AGE);
}

/* The participant's own tap on "Need to talk to someone?" is not the
 * automatic one; idle over the automatic one comes back to it. */
static void test_support_auto_idle_and_manual(void **state)
{
    (void)state;
    start(FX_QUICK);
    choose("2");
    tap(HD_ACT_NEXT);
    tap(HD_ACT_NEXT);
    screen_is(HD_SCREEN_SUPPORT);
    tick_after(60000);
    screen_is(HD_SCREEN_STILL_THERE);
    tap(HD_ACT_STILL_HERE);
    screen_is(HD_SCREEN_SUPPORT);
    assert_true(F->support_auto);
    tap(HD_ACT_NEXT);
    at_question(FX_AGE);
    tap(HD_ACT_SUPPORT);
    screen_is(HD_SCREEN_SUPPORT);
    assert_false(F->support_auto);
    tap(HD_ACT_BACK);
    at_question(FX_AGE);
}

/* A failed save on the Next that would show support: back on the question,
 * and Next again shows it (it was not marked shown). */
static void test_support_after_store_failure(void **state)
{
    (void)state;
    start(FX_QUICK);
    choose("1");
    tap(HD_ACT_NEXT);
    choose("cost");
    tap(HD_ACT_NEXT);
    screen_is(HD_SCREEN_SUPPORT);
    act(HD_ACT_STORE_FAILED, 0, NULL);
    at_question(FX_BARRIERS);
    assert_false(F->support_auto);
    assert_int_equal(F->support_mark, -1);
    tap(HD_ACT_NEXT);
    fx_is(0, HD_FX_SAVE_ANSWER, "barriers", "cost");
    screen_is(HD_SCREEN_SUPPORT);
    assert_true(F->support_auto);
}

/* A new session (the next tier up) shows it again. */
static void test_support_once_per_session(void **state)
{
    (void)state;
    start(FX_QUICK);
    choose("1");
    tap(HD_ACT_NEXT);
    tap(HD_ACT_NEXT);
    screen_is(HD_SCREEN_SUPPORT);
    tap(HD_ACT_NEXT);
    while (F->screen == HD_SCREEN_QUESTION)
        tap(HD_ACT_SKIP);
    screen_is(HD_SCREEN_SUPPORT);
    tap(HD_ACT_NEXT);
    tap(HD_ACT_SEND);
    screen_is(HD_SCREEN_THANKS);
    act(HD_ACT_TIER, hd_flow_offer_tier(F), NULL);
    at_question(FX_GP);
    assert_int_equal(F->support_mark, -1);
    choose("1");
    tap(HD_ACT_NEXT);
    tap(HD_ACT_NEXT);
    screen_is(HD_SCREEN_SUPPORT);
}

/* ---------------------------------------------------------------- nothing left behind */

/* Leave: once the effects are done, every draft is zero at once, not at
 * the next tick. */
static void test_effects_done_wipes_at_once(void **state)
{
    (void)state;
    start(FX_STORYT);
    choose("4");
    tap(HD_ACT_NEXT);
    at_question(FX_STORY);
    key("secret");
    tap(HD_ACT_LEAVE);
    tap(HD_ACT_CONFIRM);
    fx_is(0, HD_FX_DELETE_SESSION, NULL, NULL);
    assert_false(zeroed(FX_STORY)); /* kept until the delete is known done */
    hd_flow_effects_done(F);
    for (int q = 0; q < FX_NQ; q++)
        assert_true(zeroed(q));
    hd_flow_effects_done(NULL); /* a no-op */
}

/* SEND in the group tier: the contact JSON and the drafts go once sealed. */
static void test_effects_done_wipes_contacts(void **state)
{
    (void)state;
    start(FX_GROUP);
    key("Rina");
    tap(HD_ACT_NEXT);
    key("0770");
    tap(HD_ACT_NEXT);
    tap(HD_ACT_NEXT);
    tap(HD_ACT_SEND);
    assert_int_equal(E.fx[0].kind, HD_FX_SEAL_CONTACT);
    assert_non_null(strstr(E.fx[0].value, "Rina"));
    hd_flow_effects_done(F);
    assert_true(zeroed(FX_NAME));
    assert_true(zeroed(FX_PHONE));
    for (int i = 0; i < F->scratch_cap; i++)
        assert_int_equal(F->scratch[i], 0);
}

/* The next person sees nothing of the last: no keyboard page, no scroll,
 * no confirm, no way back into the finished session. */
static void test_next_person_sees_nothing(void **state)
{
    (void)state;
    start(FX_STORYT);
    choose("4");
    tap(HD_ACT_NEXT);
    key("abc");
    act(HD_ACT_KEYBOARD_PAGE, 2, NULL);
    act(HD_ACT_SCROLL, 120, NULL);
    tap(HD_ACT_NEXT);
    while (F->screen == HD_SCREEN_QUESTION)
        tap(HD_ACT_SKIP);
    tap(HD_ACT_SEND);
    screen_is(HD_SCREEN_THANKS);
    hd_flow_effects_done(F);
    for (int q = 0; q < FX_NQ; q++)
        assert_true(zeroed(q));
    tap(HD_ACT_BACK); /* thanks has no way back */
    screen_is(HD_SCREEN_THANKS);
    tap(HD_ACT_HOME);
    screen_is(HD_SCREEN_WELCOME);
    assert_int_equal(F->keyboard_page, 0);
    assert_int_equal(F->scroll, 0);
    assert_int_equal(F->tier, -1);
    assert_int_equal(F->n_seq, 0);
    assert_false(F->in_session);
    tap(HD_ACT_BACK);
    screen_is(HD_SCREEN_WELCOME);
    act(HD_ACT_REVIEW_EDIT, FX_STORY, NULL);
    screen_is(HD_SCREEN_WELCOME);
    tap(HD_ACT_SEND);
    FX_N(0);
    screen_is(HD_SCREEN_WELCOME);
    /* the next person's story tier starts empty, at page 0 */
    start(FX_STORYT);
    assert_int_equal(F->keyboard_page, 0);
    assert_string_equal(draft(FX_STORY), "");
}

/* ---------------------------------------------------------------- the admin screen */

static void to_admin(void)
{
    tap(HD_ACT_STAFF_HOLD);
    key("1234");
    tap(HD_ACT_NEXT);
    act(HD_ACT_PIN_RESULT, 1, NULL);
    screen_is(HD_SCREEN_ADMIN);
}

static void test_admin_venue_mode_usb(void **state)
{
    (void)state;
    to_admin();
    act(HD_ACT_ADMIN_VENUE, 0, "St Mary's hall");
    FX_N(1);
    fx_is(0, HD_FX_SET_VENUE, NULL, "St Mary's hall");
    act(HD_ACT_ADMIN_VENUE, 0, "");
    FX_N(0);
    act(HD_ACT_ADMIN_VENUE, 0, "bad\xff");
    FX_N(0);
    act(HD_ACT_ADMIN_MODE, 0, "assisted");
    fx_is(0, HD_FX_SET_MODE, NULL, "assisted");
    act(HD_ACT_ADMIN_MODE, 0, "self");
    fx_is(0, HD_FX_SET_MODE, NULL, "self");
    act(HD_ACT_ADMIN_MODE, 0, "kiosk");
    FX_N(0);
    act(HD_ACT_ADMIN_MODE, 0, NULL);
    FX_N(0);
    tap(HD_ACT_USB_COPY);
    FX_N(1);
    fx_is(0, HD_FX_USB_COPY, NULL, NULL);
    tap(HD_ACT_USB_UPDATES);
    FX_N(1);
    fx_is(0, HD_FX_LOAD_UPDATES, NULL, NULL);
    screen_is(HD_SCREEN_ADMIN);
    /* not outside the admin screen */
    tap(HD_ACT_ADMIN_EXIT);
    screen_is(HD_SCREEN_WELCOME);
    tap(HD_ACT_USB_COPY);
    act(HD_ACT_ADMIN_MODE, 0, "assisted");
    act(HD_ACT_ADMIN_VENUE, 0, "Elsewhere");
    FX_N(0);
}

static void test_admin_typed_venue(void **state)
{
    (void)state;
    to_admin();
    act(HD_ACT_ADMIN_VENUE, 0, NULL);
    assert_true(F->venue_typing);
    tap(HD_ACT_NEXT); /* nothing typed: nothing saved */
    FX_N(0);
    assert_true(F->venue_typing);
    key(" ");  /* no leading space */
    key("Caf\xc3\xa9");
    key("\n\t");
    key("  on  Hill");
    tap(HD_ACT_KEY_BACKSPACE);
    assert_string_equal(F->venue_draft, "Caf\xc3\xa9 on Hil");
    key("l ");
    act(HD_ACT_KEYBOARD_PAGE, 1, NULL);
    assert_int_equal(F->keyboard_page, 1);
    tap(HD_ACT_NEXT);
    FX_N(1);
    fx_is(0, HD_FX_SET_VENUE, NULL, "Caf\xc3\xa9 on Hill"); /* the trailing space goes */
    assert_false(F->venue_typing);
    /* a failed save puts the keyboard back with what was typed */
    act(HD_ACT_STORE_FAILED, 0, NULL);
    assert_true(F->venue_typing);
    assert_string_equal(F->venue_draft, "Caf\xc3\xa9 on Hill ");
    tap(HD_ACT_CANCEL);
    assert_false(F->venue_typing);
    assert_string_equal(F->venue_draft, "");
    screen_is(HD_SCREEN_ADMIN);
    /* at most HD_VENUE_CHARS code points */
    act(HD_ACT_ADMIN_VENUE, 0, NULL);
    for (int i = 0; i < HD_VENUE_CHARS + 5; i++)
        key("\xc5\x82"); /* ł */
    assert_int_equal((int)strlen(F->venue_draft), 2 * HD_VENUE_CHARS);
    /* leaving staff mode from the keyboard forgets it */
    tap(HD_ACT_ADMIN_EXIT);
    screen_is(HD_SCREEN_WELCOME);
    assert_false(F->venue_typing);
    assert_string_equal(F->venue_draft, "");
}

int main(void)
{
#define T_(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
#define TA_(f) cmocka_unit_test_setup_teardown(f, setup_all, teardown)
    const struct CMUnitTest tests[] = {
        T_(test_names_and_defaults),
        cmocka_unit_test_setup_teardown(test_support_after_sensitive_section, setup_support,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_support_not_after_hidden_sensitive, setup_support,
                                        teardown),
        T_(test_support_needs_a_text),
        cmocka_unit_test_setup_teardown(test_support_auto_idle_and_manual, setup_support,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_support_after_store_failure, setup_support,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_support_once_per_session, setup_support, teardown),
        T_(test_effects_done_wipes_at_once),
        TA_(test_effects_done_wipes_contacts),
        T_(test_next_person_sees_nothing),
        TA_(test_admin_venue_mode_usb),
        TA_(test_admin_typed_venue),
        T_(test_open_refuses_bad_arguments),
        T_(test_welcome_lang_goes_to_consent),
        T_(test_welcome_next_keeps_language),
        T_(test_consent_no_thanks_goes_home),
        T_(test_consent_start_then_back),
        T_(test_group_tier_refused_unless_allowed),
        TA_(test_group_tier_allowed),
        T_(test_tier_starts_session_at_first_visible),
        T_(test_story_sequence_order),
        T_(test_quick_walk_through),
        T_(test_choose_again_clears),
        T_(test_choose_invalid_ignored),
        T_(test_multi_order_and_prefer_exclusive),
        T_(test_show_if_skips),
        T_(test_show_if_delete_when_it_stops_holding),
        T_(test_back_then_skip_deletes),
        T_(test_skip_unsaved_draft_saves_nothing),
        T_(test_back_unsaved_change_saves),
        T_(test_back_on_first_question_without_answers),
        T_(test_back_on_first_question_with_answers_stays),
        T_(test_next_after_last_goes_to_review),
        T_(test_review_edit_returns_to_review),
        T_(test_review_edit_can_reveal_a_question),
        T_(test_info_question_has_no_answer),
        T_(test_leave_confirm_cancel),
        T_(test_leave_confirm_deletes_everything),
        T_(test_leave_with_nothing_held_needs_no_confirm),
        T_(test_withdraw),
        T_(test_leave_from_review_asks),
        T_(test_idle_still_there_then_reset_deletes_text),
        T_(test_still_here_returns),
        T_(test_idle_without_session),
        T_(test_idle_quick_keeps_choice_answers),
        T_(test_idle_during_confirm),
        T_(test_thanks_timeout_and_home),
        TA_(test_group_sealing_exact),
        TA_(test_group_without_answers_seals_nothing),
        TA_(test_group_reset_discards_contacts),
        TA_(test_group_leave_discards_contacts),
        T_(test_language_switch),
        T_(test_store_failed_keeps_draft),
        T_(test_store_failed_on_skip_repeats_delete),
        T_(test_store_failed_on_start),
        TA_(test_store_failed_on_send_keeps_contacts),
        T_(test_store_failed_on_leave_confirm),
        T_(test_store_failed_after_reset_stays_home),
        T_(test_text_autosave_paused_after_failure),
        T_(test_next_tier_offer),
        TA_(test_next_tier_story_to_group),
        T_(test_staff_not_allowed),
        TA_(test_staff_pin_flow),
        TA_(test_staff_cancel_returns),
        TA_(test_staff_refused_in_session),
        TA_(test_staff_idle),
        TA_(test_pin_result_while_still_there),
        T_(test_show_if_chain),
        T_(test_text_max_length_in_code_points),
        T_(test_backspace_whole_characters),
        T_(test_key_invalid_utf8_ignored),
        TA_(test_phone_and_email_filters),
        T_(test_number_keys_and_range),
        T_(test_number_negative_and_unbounded),
        T_(test_prefer_not_on_typed_question),
        T_(test_text_autosave_on_pause),
        T_(test_support_returns),
        T_(test_support_from_welcome),
        T_(test_toggles_scroll_keyboard),
        T_(test_every_touch_resets_idle),
        TA_(test_random_walk),
        cmocka_unit_test_setup_teardown(test_example_quick_walk_through, setup_example,
                                        teardown_example),
        cmocka_unit_test_setup_teardown(test_example_story_then_group, setup_example,
                                        teardown_example),
        cmocka_unit_test_setup_teardown(test_example_random_walk, setup_example,
                                        teardown_example),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
