/* test_events.c — the headless events language parser. */
#include "testutil.h"

#include <string.h>

#include "core/events.h"

static hd_err parse(const char *text, hd_events *ev, hd_diag *d)
{
    hd_diag_init(d, "events.txt");
    return hd_events_parse(text, strlen(text), "events.txt", ev, d);
}

/* Parses text, expecting exactly one diagnostic; returns it formatted. */
static const char *one_error(const char *text)
{
    static char buf[512];
    hd_events ev = {0};
    hd_diag d;
    assert_int_equal(parse(text, &ev, &d), HD_EPARSE);
    assert_null(ev.ev);
    assert_int_equal(d.n, 1);
    hd_diag_format(&d, 0, buf, sizeof buf);
    return buf;
}

static void test_every_command(void **state)
{
    (void)state;
    const char *text = "# a walk through the survey\n"
                       "\n"
                       "tap 400 240            # a touch\n"
                       "tap @lang.pl\n"
                       "hold 10 10 3000\n"
                       "hold @key.a 600\n"
                       "type Hello there       # typed on the keyboard\n"
                       "wait 90000\n"
                       "shot welcome-800x480\n"
                       "expect screen thanks\n"
                       "   \t\n";
    hd_events ev = {0};
    hd_diag d;
    assert_int_equal(parse(text, &ev, &d), HD_OK);
    assert_int_equal(d.n, 0);
    assert_int_equal(ev.n, 8);

    assert_int_equal(ev.ev[0].kind, HD_EV_TAP);
    assert_int_equal(ev.ev[0].line, 3);
    assert_null(ev.ev[0].id);
    assert_int_equal(ev.ev[0].x, 400);
    assert_int_equal(ev.ev[0].y, 240);

    assert_int_equal(ev.ev[1].kind, HD_EV_TAP);
    assert_string_equal(ev.ev[1].id, "lang.pl");
    assert_int_equal(ev.ev[1].line, 4);

    assert_int_equal(ev.ev[2].kind, HD_EV_HOLD);
    assert_null(ev.ev[2].id);
    assert_int_equal(ev.ev[2].x, 10);
    assert_int_equal(ev.ev[2].y, 10);
    assert_int_equal(ev.ev[2].ms, 3000);

    assert_int_equal(ev.ev[3].kind, HD_EV_HOLD);
    assert_string_equal(ev.ev[3].id, "key.a");
    assert_int_equal(ev.ev[3].ms, 600);

    assert_int_equal(ev.ev[4].kind, HD_EV_TYPE);
    assert_string_equal(ev.ev[4].text, "Hello there");

    assert_int_equal(ev.ev[5].kind, HD_EV_WAIT);
    assert_int_equal(ev.ev[5].ms, 90000);

    assert_int_equal(ev.ev[6].kind, HD_EV_SHOT);
    assert_string_equal(ev.ev[6].text, "welcome-800x480");

    assert_int_equal(ev.ev[7].kind, HD_EV_EXPECT_SCREEN);
    assert_string_equal(ev.ev[7].text, "thanks");
    assert_int_equal(ev.ev[7].line, 10);
    hd_events_free(&ev);
    assert_null(ev.ev);
}

static void test_type_text_is_utf8_and_escapes(void **state)
{
    (void)state;
    hd_events ev = {0};
    hd_diag d;
    assert_int_equal(parse("type Zażółć gęślą jaźń\r\n"
                           "type a#b \\# c\\\\d\n"
                           "type \\sleading and trailing\\s   # comment\n"
                           "type اردو\n"
                           "tap @key.ą\n",
                           &ev, &d),
                     HD_OK);
    assert_int_equal(ev.n, 5);
    assert_string_equal(ev.ev[0].text, "Zażółć gęślą jaźń");
    assert_string_equal(ev.ev[1].text, "a#b # c\\d");
    assert_string_equal(ev.ev[2].text, " leading and trailing ");
    assert_string_equal(ev.ev[3].text, "اردو");
    assert_string_equal(ev.ev[4].id, "key.ą");
    hd_events_free(&ev);
}

static void test_empty_file(void **state)
{
    (void)state;
    hd_events ev = {0};
    hd_diag d;
    assert_int_equal(parse("", &ev, &d), HD_OK);
    assert_int_equal(ev.n, 0);
    hd_events_free(&ev);
    assert_int_equal(parse("# only a comment", &ev, &d), HD_OK);
    assert_int_equal(ev.n, 0);
    hd_events_free(&ev);
}

static void test_errors_name_line_and_column(void **state)
{
    (void)state;
    assert_string_equal(one_error("tap 1 2\n  tapp 3 4\n"),
                        "events.txt:2:3: unknown command \"tapp\" (known: tap, hold, type, "
                        "wait, shot, expect)");
    assert_string_equal(one_error("tap 400\n"), "events.txt:1:8: tap needs y (pixels)");
    assert_string_equal(one_error("tap\n"),
                        "events.txt:1:4: tap needs a place: x y in pixels, or @element-id");
    assert_string_equal(one_error("tap 40x 3\n"),
                        "events.txt:1:5: tap needs x (pixels) (a whole number, 0 or more), "
                        "found \"40x\"");
    assert_string_equal(one_error("tap -5 3\n"),
                        "events.txt:1:5: tap needs x (pixels) (a whole number, 0 or more), "
                        "found \"-5\"");
    assert_string_equal(one_error("tap @\n"), "events.txt:1:5: bad element id: nothing after '@'");
    assert_string_equal(one_error("tap @next now\n"),
                        "events.txt:1:11: unexpected \"now\" after the tap command");
    assert_string_equal(one_error("hold 10 10\n"), "events.txt:1:11: hold needs a duration in ms");
    assert_string_equal(one_error("hold @corner\n"),
                        "events.txt:1:13: hold needs a duration in ms");
    assert_string_equal(one_error("wait soon\n"),
                        "events.txt:1:6: wait needs a duration in ms (a whole number, 0 or "
                        "more), found \"soon\"");
    assert_string_equal(one_error("wait 99999999999\n"),
                        "events.txt:1:6: wait: a duration in ms \"99999999999\" is too large "
                        "(at most 86400000)");
    assert_string_equal(one_error("type    # nothing\n"),
                        "events.txt:1:5: type needs the text to type");
    assert_string_equal(one_error("type a\\tb\n"),
                        "events.txt:1:7: unknown escape \"\\t\" in type text (use \\# for '#', "
                        "\\\\ for '\\', \\s for a space)");
    /* Found by fuzz_events: a CR left inside the text (the line ends CR CR LF)
     * and a NUL byte; no key types either. */
    assert_string_equal(one_error("type a\r\r\n"),
                        "events.txt:1:7: type text holds the control character 0x0d; write "
                        "only printable text (\\s for a space)");
    {
        hd_events ev = {0};
        hd_diag d;
        hd_diag_init(&d, "events.txt");
        assert_int_equal(hd_events_parse("type \0", 6, "events.txt", &ev, &d), HD_EPARSE);
        assert_null(ev.ev);
        assert_int_equal(d.n, 1);
        char buf[256];
        hd_diag_format(&d, 0, buf, sizeof buf);
        assert_string_equal(buf, "events.txt:1:6: type text holds the control character 0x00; "
                                 "write only printable text (\\s for a space)");
    }
    {
        hd_events ev = {0};
        hd_diag d;
        hd_diag_init(&d, "events.txt");
        assert_int_equal(hd_events_parse("tap @la\0ng.pl\n", 14, "events.txt", &ev, &d),
                         HD_EPARSE);
        assert_null(ev.ev);
        char buf[256];
        hd_diag_format(&d, 0, buf, sizeof buf);
        assert_string_equal(buf,
                            "events.txt:1:8: bad element id: it holds the control character 0x00");
    }
    assert_string_equal(one_error("shot ../etc\n"),
                        "events.txt:1:6: bad shot name \"../etc\": use up to 100 letters, "
                        "digits, '-', '_' or '.', not starting with '.'");
    assert_string_equal(one_error("shot\n"),
                        "events.txt:1:5: shot needs a name (letters, digits, '-', '_', '.')");
    assert_string_equal(one_error("expect thanks\n"),
                        "events.txt:1:8: cannot expect \"thanks\": only \"expect screen ID\" is "
                        "known");
    assert_string_equal(one_error("expect screen\n"),
                        "events.txt:1:14: expect screen needs a screen id");
    assert_string_equal(one_error("expect screen thank-you\n"),
                        "events.txt:1:15: unknown screen \"thank-you\" (known: welcome, consent, "
                        "tiers, question, review, thanks, support, still-there, admin-pin, "
                        "admin)");
    assert_string_equal(one_error("expect screen thanks please\n"),
                        "events.txt:1:22: unexpected \"please\" after the expect command");
    /* Columns count code points, so they match what an editor shows. */
    assert_string_equal(one_error("type ż\nżtap 1 2\n"),
                        "events.txt:2:1: unknown command \"żtap\" (known: tap, hold, type, "
                        "wait, shot, expect)");
    assert_string_equal(one_error("tap @ż 1\n"),
                        "events.txt:1:8: unexpected \"1\" after the tap command");
    assert_string_equal(one_error("type ab\xff\n"), "events.txt:1:8: invalid UTF-8");
}

static void test_every_bad_line_is_reported(void **state)
{
    (void)state;
    hd_events ev = {0};
    hd_diag d;
    assert_int_equal(parse("tap 1 2\nfoo\nwait 10\nwait\nshot ok\n", &ev, &d), HD_EPARSE);
    assert_int_equal(d.n, 2);
    assert_int_equal(d.item[0].line, 2);
    assert_int_equal(d.item[1].line, 4);
    assert_null(ev.ev);
}

static void test_not_nul_terminated(void **state)
{
    (void)state;
    const char buf[] = {'w', 'a', 'i', 't', ' ', '5', '0', '0', '1', '2'};
    hd_events ev = {0};
    hd_diag d;
    hd_diag_init(&d, "x");
    assert_int_equal(hd_events_parse(buf, 8, "x", &ev, &d), HD_OK);
    assert_int_equal(ev.n, 1);
    assert_int_equal(ev.ev[0].ms, 500);
    hd_events_free(&ev);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_command),
        cmocka_unit_test(test_type_text_is_utf8_and_escapes),
        cmocka_unit_test(test_empty_file),
        cmocka_unit_test(test_errors_name_line_and_column),
        cmocka_unit_test(test_every_bad_line_is_reported),
        cmocka_unit_test(test_not_nul_terminated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
