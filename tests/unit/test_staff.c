/* test_staff.c — the staff PIN lockout policy (src/core/staff.h). */
#include "testutil.h"

#include <string.h>

#include "core/staff.h"

#define T0 INT64_C(1764000000) /* 2025-11-24T16:00:00Z */

/* Fails n PINs at now_s, asserting none of them locks. */
static void fail_unlocked(hd_staff_lock *s, int n, int64_t now_s)
{
    for (int i = 0; i < n; i++)
        assert_false(hd_staff_record_failure(s, now_s));
}

/* Round-trips s through its stored form, as a restart does. */
static hd_staff_lock restart(const hd_staff_lock *s)
{
    char buf[HD_STAFF_STATE_MAX];
    assert_int_equal(hd_staff_format(s, buf, sizeof buf), HD_OK);
    hd_staff_lock back;
    hd_staff_init(&back);
    assert_int_equal(hd_staff_parse(buf, &back), HD_OK);
    assert_int_equal(back.failures, s->failures);
    assert_int_equal(back.lockouts, s->lockouts);
    assert_true(back.locked_until_s == s->locked_until_s);
    return back;
}

static void test_lock_lengths(void **state)
{
    (void)state;
    assert_int_equal(hd_staff_lock_seconds(0), 0);
    assert_int_equal(hd_staff_lock_seconds(1), 30);
    assert_int_equal(hd_staff_lock_seconds(2), 60);
    assert_int_equal(hd_staff_lock_seconds(3), 120);
    assert_int_equal(hd_staff_lock_seconds(4), 240);
    assert_int_equal(hd_staff_lock_seconds(5), 480);
    assert_int_equal(hd_staff_lock_seconds(6), 900); /* 960 capped */
    assert_int_equal(hd_staff_lock_seconds(7), 900);
    assert_int_equal(hd_staff_lock_seconds(1000000), 900);
}

static void test_five_failures_lock_for_30s(void **state)
{
    (void)state;
    hd_staff_lock s;
    hd_staff_init(&s);
    int64_t left = -1;
    assert_false(hd_staff_locked(&s, T0, &left));
    assert_int_equal(left, 0);
    fail_unlocked(&s, 4, T0);
    assert_int_equal(s.failures, 4);
    assert_false(hd_staff_locked(&s, T0, &left));
    assert_true(hd_staff_record_failure(&s, T0 + 5)); /* the fifth */
    assert_true(hd_staff_locked(&s, T0 + 5, &left));
    assert_int_equal(left, 30);
    assert_true(hd_staff_locked(&s, T0 + 34, &left));
    assert_int_equal(left, 1);
    assert_false(hd_staff_locked(&s, T0 + 35, &left));
    assert_int_equal(left, 0);
}

static void test_pins_while_locked_are_not_counted(void **state)
{
    (void)state;
    hd_staff_lock s;
    hd_staff_init(&s);
    fail_unlocked(&s, 4, T0);
    assert_true(hd_staff_record_failure(&s, T0));
    for (int i = 0; i < 20; i++)
        assert_true(hd_staff_record_failure(&s, T0 + 10));
    int64_t left = 0;
    assert_true(hd_staff_locked(&s, T0 + 10, &left));
    assert_int_equal(left, 20); /* neither longer nor restarted */
    assert_int_equal(s.lockouts, 1);
    assert_int_equal(s.failures, 0);
}

static void test_each_lockout_doubles_up_to_15_min(void **state)
{
    (void)state;
    hd_staff_lock s;
    hd_staff_init(&s);
    int64_t now = T0;
    const int expect[] = {30, 60, 120, 240, 480, 900, 900, 900};
    for (size_t k = 0; k < sizeof expect / sizeof expect[0]; k++) {
        fail_unlocked(&s, 4, now);
        assert_true(hd_staff_record_failure(&s, now));
        int64_t left = 0;
        assert_true(hd_staff_locked(&s, now, &left));
        assert_int_equal(left, expect[k]);
        assert_int_equal(s.lockouts, (int)k + 1);
        now += left; /* wait it out */
        assert_false(hd_staff_locked(&s, now, &left));
    }
}

static void test_success_clears_everything(void **state)
{
    (void)state;
    hd_staff_lock s;
    hd_staff_init(&s);
    fail_unlocked(&s, 4, T0);
    assert_true(hd_staff_record_failure(&s, T0));
    int64_t now = T0 + 30;
    fail_unlocked(&s, 3, now);
    hd_staff_record_success(&s);
    assert_int_equal(s.failures, 0);
    assert_int_equal(s.lockouts, 0);
    /* The next lockout is a first one again: 30 s, not 60 s. */
    fail_unlocked(&s, 4, now);
    assert_true(hd_staff_record_failure(&s, now));
    int64_t left = 0;
    assert_true(hd_staff_locked(&s, now, &left));
    assert_int_equal(left, 30);
}

static void test_lockout_survives_restart(void **state)
{
    (void)state;
    hd_staff_lock s;
    hd_staff_init(&s);
    /* Three wrong PINs, then the power goes. */
    fail_unlocked(&s, 3, T0);
    hd_staff_lock after = restart(&s);
    /* Two more after the restart are enough: the three still count. */
    fail_unlocked(&after, 1, T0 + 60);
    assert_true(hd_staff_record_failure(&after, T0 + 61));
    /* Restart in the middle of the lockout: still locked, same end. */
    hd_staff_lock again = restart(&after);
    int64_t left = 0;
    assert_true(hd_staff_locked(&again, T0 + 71, &left));
    assert_int_equal(left, 20);
    /* And the second lockout after a restart is still 60 s. */
    int64_t now = T0 + 91;
    assert_false(hd_staff_locked(&again, now, &left));
    fail_unlocked(&again, 4, now);
    assert_true(hd_staff_record_failure(&again, now));
    hd_staff_lock third = restart(&again);
    assert_true(hd_staff_locked(&third, now, &left));
    assert_int_equal(left, 60);
}

static void test_clock_going_back_restarts_not_extends(void **state)
{
    (void)state;
    hd_staff_lock s;
    hd_staff_init(&s);
    fail_unlocked(&s, 4, T0);
    assert_true(hd_staff_record_failure(&s, T0));
    /* The kiosk reboots with a clock a day behind. */
    int64_t behind = T0 - 86400;
    int64_t left = 0;
    assert_true(hd_staff_locked(&s, behind, &left));
    assert_int_equal(left, 30);
    assert_true(s.locked_until_s == behind + 30);
    assert_false(hd_staff_locked(&s, behind + 30, &left));
}

static void test_format(void **state)
{
    (void)state;
    hd_staff_lock s = {.failures = 3, .lockouts = 2, .locked_until_s = T0 + 60};
    char buf[HD_STAFF_STATE_MAX];
    assert_int_equal(hd_staff_format(&s, buf, sizeof buf), HD_OK);
    assert_string_equal(buf, "v1 3 2 1764000060");
    char tiny[8] = "junk";
    assert_int_equal(hd_staff_format(&s, tiny, sizeof tiny), HD_EINVAL);
    assert_string_equal(tiny, "");
    hd_staff_lock big = {.failures = 4, .lockouts = 1000000, .locked_until_s = 253402300799};
    assert_int_equal(hd_staff_format(&big, buf, sizeof buf), HD_OK);
    restart(&big);
}

static void test_parse_refuses_anything_else(void **state)
{
    (void)state;
    const char *bad[] = {
        "",
        "v1",
        "v1 0 0",
        "v2 0 0 0",
        "V1 0 0 0",
        "v1 5 0 0",           /* five failures always become a lockout */
        "v1 0 0 1764000000",  /* an end without a lockout */
        "v1 -1 0 0",
        "v1 0 -1 0",
        "v1 0 1 -5",
        "v1 01 0 0",          /* one spelling per state */
        "v1 0 0 0 ",
        "v1 0 0 0\n",
        "v1  0 0 0",
        "v1 0 0 0x10",
        "v1 0 1 999999999999", /* beyond the year 9999 */
        "v1 0 1000001 1",
        "v1 0 1 1234567890123",
        "garbage",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        hd_staff_lock s = {.failures = 2, .lockouts = 7, .locked_until_s = 99};
        if (hd_staff_parse(bad[i], &s) != HD_EPARSE)
            fail_msg("accepted \"%s\"", bad[i]);
        assert_int_equal(s.failures, 2); /* untouched */
        assert_int_equal(s.lockouts, 7);
        assert_true(s.locked_until_s == 99);
    }
    hd_staff_lock s;
    assert_int_equal(hd_staff_parse(NULL, &s), HD_EPARSE);
    assert_int_equal(hd_staff_parse("v1 0 0 0", &s), HD_OK);
    assert_int_equal(s.lockouts, 0);
    assert_int_equal(hd_staff_parse("v1 4 3 1764000120", &s), HD_OK);
    assert_int_equal(s.failures, 4);
    assert_int_equal(s.lockouts, 3);
    assert_true(s.locked_until_s == 1764000120);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lock_lengths),
        cmocka_unit_test(test_five_failures_lock_for_30s),
        cmocka_unit_test(test_pins_while_locked_are_not_counted),
        cmocka_unit_test(test_each_lockout_doubles_up_to_15_min),
        cmocka_unit_test(test_success_clears_everything),
        cmocka_unit_test(test_lockout_survives_restart),
        cmocka_unit_test(test_clock_going_back_restarts_not_extends),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_parse_refuses_anything_else),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
