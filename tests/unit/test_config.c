/* test_config.c — the kiosk's --config JSON. */
#include "testutil.h"

#include <string.h>

#include "core/config.h"

#define HASH "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"

static hd_err parse(const char *text, hd_config *c, hd_diag *d)
{
    hd_diag_init(d, "config.json");
    return hd_config_parse(text, strlen(text), "config.json", c, d);
}

/* Parses text expecting failure with exactly one diagnostic; returns it. */
static const char *one_error(const char *text)
{
    static char buf[600];
    hd_config c;
    hd_config_default(&c);
    hd_diag d;
    assert_int_equal(parse(text, &c, &d), HD_EPARSE);
    if (d.n != 1) {
        for (int i = 0; i < d.n; i++) {
            hd_diag_format(&d, i, buf, sizeof buf);
            print_message("%s\n", buf);
        }
    }
    assert_int_equal(d.n, 1);
    /* Untouched on failure. */
    assert_null(c.venues);
    assert_int_equal(c.still_there_after_ms, 60000);
    hd_diag_format(&d, 0, buf, sizeof buf);
    return buf;
}

static void test_defaults(void **state)
{
    (void)state;
    hd_config c;
    hd_diag d;
    hd_config_default(&c);
    assert_int_equal(parse("{}", &c, &d), HD_OK);
    assert_null(c.coordinator_public_key);
    assert_null(c.staff_pin_hash);
    assert_null(c.venue);
    assert_null(c.mode);
    assert_int_equal(c.n_venues, 0);
    assert_int_equal(c.still_there_after_ms, 60000);
    assert_int_equal(c.reset_after_ms, 30000);
    assert_int_equal(c.thanks_ms, 10000);
    assert_int_equal(c.min_gap_s, 20);
    assert_int_equal(c.renderer, HD_RENDERER_AUTO);
    hd_config_clear(&c);
}

static void test_every_key(void **state)
{
    (void)state;
    const char *text = "{\n"
                       "  \"coordinator_public_key\": \"keys/coordinator.pub\",\n"
                       "  \"staff_pin_hash\": \"" HASH "\",\n"
                       "  \"venues\": [\"Barber's on King Street\", \"St Mary's hall\"],\n"
                       "  \"venue\": \"St Mary's hall\",\n"
                       "  \"mode\": \"assisted\",\n"
                       "  \"still_there_after_s\": 45,\n"
                       "  \"reset_after_s\": 12.5,\n"
                       "  \"thanks_s\": 8,\n"
                       "  \"min_gap_s\": 45,\n"
                       "  \"usb_dir\": \"/media/usb\",\n"
                       "  \"font_dir\": \"/usr/share/fonts/truetype/noto\",\n"
                       "  \"renderer\": \"software\"\n"
                       "}\n";
    hd_config c;
    hd_diag d;
    hd_config_default(&c);
    assert_int_equal(parse(text, &c, &d), HD_OK);
    assert_string_equal(c.coordinator_public_key, "keys/coordinator.pub");
    assert_string_equal(c.staff_pin_hash, HASH);
    assert_int_equal(c.n_venues, 2);
    assert_string_equal(c.venues[0], "Barber's on King Street");
    assert_string_equal(c.venues[1], "St Mary's hall");
    assert_string_equal(c.venue, "St Mary's hall");
    assert_string_equal(c.mode, "assisted");
    assert_int_equal(c.still_there_after_ms, 45000);
    assert_int_equal(c.reset_after_ms, 12500);
    assert_int_equal(c.thanks_ms, 8000);
    assert_int_equal(c.min_gap_s, 45);
    assert_string_equal(c.usb_dir, "/media/usb");
    assert_string_equal(c.font_dir, "/usr/share/fonts/truetype/noto");
    assert_int_equal(c.renderer, HD_RENDERER_SOFTWARE);
    hd_config_clear(&c);
    assert_null(c.venues);
    assert_int_equal(c.n_venues, 0);
}

/* 0 is a valid gap: it turns the flagging of quick repeats off. */
static void test_min_gap_zero(void **state)
{
    (void)state;
    hd_config c;
    hd_diag d;
    hd_config_default(&c);
    assert_int_equal(parse("{\"min_gap_s\": 0}", &c, &d), HD_OK);
    assert_int_equal(c.min_gap_s, 0);
    hd_config_clear(&c);
    assert_int_equal(c.min_gap_s, 20);
}

static void test_errors(void **state)
{
    (void)state;
    assert_string_equal(one_error("{\n  \"venu\": \"x\"\n}"),
                        "config.json:2:3: unknown key \"venu\" (known: coordinator_public_key, "
                        "staff_pin_hash, venues, venue, mode, still_there_after_s, reset_after_s, "
                        "thanks_s, min_gap_s, usb_dir, font_dir, renderer)");
    assert_string_equal(one_error("{\"still_there_after_s\": -5}"),
                        "config.json:1:25: \"still_there_after_s\" must not be negative, found -5");
    assert_string_equal(one_error("{\"reset_after_s\": \"30\"}"),
                        "config.json:1:19: \"reset_after_s\" must be a number of seconds, found "
                        "a string");
    assert_string_equal(one_error("{\"thanks_s\": 0}"),
                        "config.json:1:14: \"thanks_s\" must be between 1 and 86400 seconds, "
                        "found 0");
    assert_string_equal(one_error("{\"min_gap_s\": 2.5}"),
                        "config.json:1:15: \"min_gap_s\" must be a whole number of seconds from 0 "
                        "to 86400, found 2.5");
    assert_string_equal(one_error("{\"min_gap_s\": -1}"),
                        "config.json:1:15: \"min_gap_s\" must be a whole number of seconds from 0 "
                        "to 86400, found -1");
    assert_string_equal(one_error("{\"min_gap_s\": \"20\"}"),
                        "config.json:1:15: \"min_gap_s\" must be a number of seconds, found a "
                        "string");
    assert_string_equal(one_error("{\"venues\": \"hall\"}"),
                        "config.json:1:12: \"venues\" must be a list of names, found a string");
    assert_string_equal(one_error("{\"venues\": [\"a\",\n 3]}"),
                        "config.json:2:2: \"venues\" must be a string, found a number");
    assert_string_equal(one_error("{\"venues\": [\"a\", \"b\", \"a\"]}"),
                        "config.json:1:23: venue \"a\" is listed twice");
    assert_string_equal(one_error("{\"venues\": [\"a\", \"\"]}"),
                        "config.json:1:18: \"venues\" must not be empty");
    assert_string_equal(one_error("{\"venues\": [\"a\"], \"venue\": \"b\"}"),
                        "config.json:1:28: venue \"b\" is not one of \"venues\"");
    assert_string_equal(one_error("{\"mode\": \"kiosk\"}"),
                        "config.json:1:10: \"mode\" must be \"self\" or \"assisted\", found "
                        "\"kiosk\"");
    assert_string_equal(one_error("{\"staff_pin_hash\": \"1234\"}"),
                        "config.json:1:20: \"staff_pin_hash\" is not a PIN hash (it starts with "
                        "\"$argon2id$\"): make one with heard-sync pin-hash");
    assert_string_equal(one_error("{\"coordinator_public_key\": true}"),
                        "config.json:1:28: \"coordinator_public_key\" must be a string, found "
                        "true or false");
    assert_string_equal(one_error("{\"renderer\": \"gpu\"}"),
                        "config.json:1:14: \"renderer\" must be \"auto\", \"software\" or "
                        "\"accelerated\", found \"gpu\"");
    assert_string_equal(one_error("[1]"),
                        "config.json:1:1: the configuration must be a JSON object, found a list");
}

static void test_syntax_error_has_position(void **state)
{
    (void)state;
    hd_config c;
    hd_diag d;
    hd_config_default(&c);
    assert_int_equal(parse("{\n  \"venues\": [\"a\",]\n}", &c, &d), HD_EPARSE);
    assert_true(d.n >= 1);
    assert_int_equal(d.item[0].line, 2);
    assert_null(c.venues);
}

static void test_all_problems_reported(void **state)
{
    (void)state;
    hd_config c;
    hd_diag d;
    hd_config_default(&c);
    assert_int_equal(parse("{\"thanks_s\": -1,\n \"mode\": 3,\n \"x\": 1}", &c, &d), HD_EPARSE);
    assert_int_equal(d.n, 3);
    assert_int_equal(d.item[0].line, 1);
    assert_int_equal(d.item[1].line, 2);
    assert_int_equal(d.item[2].line, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_every_key),
        cmocka_unit_test(test_min_gap_zero),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_syntax_error_has_position),
        cmocka_unit_test(test_all_problems_reported),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
