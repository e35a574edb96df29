/* test_json.c — the strict JSON parser: syntax errors with exact positions
 * and messages, positions of every value and key, decoding, limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "testutil.h"

/* Parses text (NUL-terminated, or n bytes when n > 0), expecting failure
 * at line:col with exactly msg; checks *out is left untouched. */
static void expect_error_n(const char *text, size_t n, int line, int col, const char *msg)
{
    hd_diag d;
    hd_diag_init(&d, "t.json");
    hd_json_doc *sentinel = (hd_json_doc *)&d; /* any non-NULL marker */
    hd_json_doc *doc = sentinel;
    hd_err e = hd_json_parse(text, n ? n : strlen(text), &doc, &d);
    if (e != HD_EPARSE)
        fail_msg("parsing %s: expected HD_EPARSE, got %s", text, hd_err_name(e));
    assert_ptr_equal(doc, sentinel);
    assert_int_equal(d.n, 1);
    if (d.item[0].line != line || d.item[0].col != col || strcmp(d.item[0].msg, msg) != 0)
        fail_msg("parsing %s:\n  expected %d:%d: %s\n  got      %d:%d: %s", text, line, col, msg,
                 d.item[0].line, d.item[0].col, d.item[0].msg);
}

static void expect_error(const char *text, int line, int col, const char *msg)
{
    expect_error_n(text, 0, line, col, msg);
}

static hd_json_doc *parse_ok_n(const char *text, size_t n)
{
    hd_diag d;
    hd_diag_init(&d, "t.json");
    hd_json_doc *doc = NULL;
    hd_err e = hd_json_parse(text, n, &doc, &d);
    if (e != HD_OK)
        fail_msg("parsing %.60s: %s at %d:%d: %s", text, hd_err_name(e), d.item[0].line,
                 d.item[0].col, d.item[0].msg);
    assert_int_equal(d.n, 0);
    assert_non_null(doc);
    return doc;
}

static hd_json_doc *parse_ok(const char *text)
{
    return parse_ok_n(text, strlen(text));
}

/* ---- syntax errors -------------------------------------------------- */

static void test_empty(void **state)
{
    (void)state;
    expect_error("", 1, 1, "the file is empty: expected a JSON value");
    expect_error("  \n   ", 2, 4, "the file is empty: expected a JSON value");
}

static void test_trailing_commas(void **state)
{
    (void)state;
    expect_error("{\"a\": 1,}", 1, 8, "trailing ',' before '}' (remove it)");
    expect_error("[1, 2,\n]", 1, 6, "trailing ',' before ']' (remove it)");
}

static void test_missing_separators(void **state)
{
    (void)state;
    expect_error("{\n  \"a\": 1\n  \"b\": 2\n}", 3, 3, "expected ',' or '}' after object member");
    expect_error("[1 2]", 1, 4, "expected ',' or ']' after list element");
    expect_error("{\"a\" 1}", 1, 6, "expected ':' after key \"a\", found '1'");
    expect_error("{\"a\": }", 1, 7, "expected a value, found '}'");
}

static void test_comments(void **state)
{
    (void)state;
    expect_error("{\"a\": 1 // the answer\n}", 1, 9, "comments are not allowed in JSON");
    expect_error("/* survey */ {}", 1, 1, "comments are not allowed in JSON");
    expect_error("{} // end", 1, 4, "comments are not allowed in JSON");
    expect_error("[1, /* two */ 2]", 1, 5, "comments are not allowed in JSON");
}

static void test_duplicate_keys(void **state)
{
    (void)state;
    expect_error("{\n  \"q\": {\n    \"id\": 1,\n    \"x\": 2,\n    \"id\": 3\n  }\n}", 5, 5,
                 "duplicate key \"id\" (first at 3:5)");
    /* the same key in two different objects is fine */
    hd_json_doc *doc = parse_ok("[{\"id\": 1}, {\"id\": 2}, {\"a\": {\"id\": 3}, \"id\": 4}]");
    hd_json_free(doc);
}

static void test_duplicate_keys_many(void **state)
{
    (void)state;
    /* thousands of keys: the duplicate is found by hashing, not by
     * comparing every pair */
    size_t n = 20000;
    char *buf = malloc(n * 16 + 64);
    size_t k = 0;
    buf[k++] = '{';
    for (size_t i = 0; i < n; i++)
        k += (size_t)sprintf(buf + k, "%s\"k%zu\":%zu", i ? "," : "", i, i);
    buf[k++] = '}';
    buf[k] = '\0';
    hd_json_doc *doc = parse_ok(buf);
    assert_int_equal(hd_json_root(doc)->n_children, (int)n);
    assert_string_equal(hd_json_get(hd_json_root(doc), "k19999")->number_text, "19999");
    hd_json_free(doc);
    /* now repeat the key k7 at the end */
    k -= 1;
    k += (size_t)sprintf(buf + k, ",\"k7\":0}");
    hd_diag d;
    hd_diag_init(&d, "t.json");
    hd_json_doc *out = NULL;
    assert_int_equal(hd_json_parse(buf, k, &out, &d), HD_EPARSE);
    assert_null(out);
    assert_string_equal(d.item[0].msg, "duplicate key \"k7\" (first at 1:51)");
    free(buf);
}

static void test_depth(void **state)
{
    (void)state;
    char buf[200];
    /* 64 nested lists are allowed */
    memset(buf, '[', 64);
    memset(buf + 64, ']', 64);
    buf[128] = '\0';
    hd_json_free(parse_ok(buf));
    /* the 65th is refused, where it opens */
    memset(buf, '[', 65);
    memset(buf + 65, ']', 65);
    buf[130] = '\0';
    expect_error(buf, 1, 65, "lists and objects are nested more than 64 deep");
    /* objects count too */
    size_t k = 0;
    for (int i = 0; i < 65; i++)
        k += (size_t)sprintf(buf + k, "%s", i < 64 ? "[" : "{");
    strcpy(buf + k, "}");
    expect_error(buf, 1, 65, "lists and objects are nested more than 64 deep");
}

static void test_trailing_garbage(void **state)
{
    (void)state;
    expect_error("{} x", 1, 4, "expected the end of the file after the JSON value, found 'x'");
    expect_error("{}\n{}", 2, 1, "expected the end of the file after the JSON value, found '{'");
    expect_error("1 2", 1, 3, "expected the end of the file after the JSON value, found '2'");
}

static void test_unclosed(void **state)
{
    (void)state;
    expect_error("{\"a\": 1", 1, 8, "the file ends inside the object opened at 1:1 (missing '}')");
    expect_error("[\n  [1,\n  2", 3, 4,
                 "the file ends inside the list opened at 2:3 (missing ']')");
    expect_error("{\"a\":", 1, 6, "expected a value, found the end of the file");
    expect_error("{", 1, 2, "the file ends inside the object opened at 1:1 (missing '}')");
}

static void test_strings(void **state)
{
    (void)state;
    expect_error("[\"a\tb\"]", 1, 4,
                 "control character U+0009 inside a string (write it as an escape such as \\t)");
    expect_error("{\"t\": \"one\ntwo\"}", 1, 7,
                 "string not closed before the end of the line (write a line break inside a "
                 "text as \\n)");
    expect_error("\"abc", 1, 1, "string not closed: the file ends before its closing '\"'");
    expect_error("[\"a\\x\"]", 1, 4,
                 "invalid escape '\\' followed by 'x' in a string (valid escapes: \\\" \\\\ \\/ "
                 "\\b \\f \\n \\r \\t \\uXXXX)");
    expect_error("\"\\u12G4\"", 1, 2, "\\u must be followed by four hex digits");
    expect_error("\"ab\\u0000\"", 1, 4, "\\u0000 (a NUL character) is not allowed in a string");
    expect_error("\"\\ud83d x\"", 1, 2,
                 "lone high surrogate \\uD83D: it must be followed by a low surrogate \\uDC00 "
                 "to \\uDFFF");
    expect_error("\"\\udc00\"", 1, 2, "lone low surrogate \\uDC00: it must follow a high surrogate");
    expect_error("{'a': 1}", 1, 2, "keys must be in double quotes (\"...\"), not single quotes");
    expect_error("{a: 1}", 1, 2, "expected a key in double quotes, found 'a'");
    expect_error("['a']", 1, 2, "strings must be in double quotes (\"...\"), not single quotes");
    expect_error("{\"a\": \xe2\x80\x9cyes\xe2\x80\x9d}", 1, 7,
                 "expected a value, found a curly quote '\xe2\x80\x9c' (use straight quotes \")");
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    expect_error("[\"a\xff" "b\"]", 1, 4,
                 "invalid UTF-8 (byte 0xFF) in a string: save the file as UTF-8");
    /* Latin-1 é, as a file saved in the wrong encoding has it */
    expect_error("\"caf\xe9\"", 1, 5, "invalid UTF-8 (byte 0xE9) in a string: save the file as UTF-8");
    /* overlong "/" */
    expect_error("\"\xc0\xaf\"", 1, 2, "invalid UTF-8 (byte 0xC0) in a string: save the file as UTF-8");
    /* an encoded UTF-16 surrogate */
    expect_error("\"\xed\xa0\x80\"", 1, 2, "invalid UTF-8 (byte 0xED) in a string: save the file as UTF-8");
    /* above U+10FFFF */
    expect_error("\"\xf4\x90\x80\x80\"", 1, 2,
                 "invalid UTF-8 (byte 0xF4) in a string: save the file as UTF-8");
    /* truncated sequence at the end of the string */
    expect_error("\"ab\xe2\x80\"", 1, 4, "invalid UTF-8 (byte 0xE2) in a string: save the file as UTF-8");
    /* outside strings */
    expect_error("[1, \xff]", 1, 5,
                 "expected a value, found the byte 0xFF, which is not UTF-8 (save the file as "
                 "UTF-8)");
    /* a NUL byte in the text */
    expect_error_n("[1,\0 2]", 7, 1, 4, "expected a value, found the control character U+0000");
}

static void test_numbers(void **state)
{
    (void)state;
    expect_error("[01]", 1, 2, "a number may not start with 0 (found \"01\")");
    expect_error("[-007]", 1, 2, "a number may not start with 0 (found \"-007\")");
    expect_error("[1.]", 1, 4, "expected a digit after the decimal point");
    expect_error("[1e]", 1, 4, "expected a digit in the exponent of a number");
    expect_error("[1e+]", 1, 5, "expected a digit in the exponent of a number");
    expect_error("[-]", 1, 2, "expected a digit after '-'");
    expect_error("[+1]", 1, 2, "a number may not start with '+'");
    expect_error("[.5]", 1, 2, "a number must start with a digit (write 0.5, not .5)");
    expect_error("[1e999]", 1, 2, "the number 1e999 is too large");
    expect_error("[0x10]", 1, 3, "expected ',' or ']' after list element");
    expect_error("[NaN]", 1, 2,
                 "unknown word \"NaN\" (a value is a \"string\" in double quotes, a number, "
                 "true, false, null, a list or an object)");
}

static void test_literals(void **state)
{
    (void)state;
    expect_error("{\"a\": True}", 1, 7,
                 "unknown word \"True\" (a value is a \"string\" in double quotes, a number, "
                 "true, false, null, a list or an object)");
    expect_error("[nul]", 1, 2,
                 "unknown word \"nul\" (a value is a \"string\" in double quotes, a number, "
                 "true, false, null, a list or an object)");
    expect_error("[truex]", 1, 2,
                 "unknown word \"truex\" (a value is a \"string\" in double quotes, a number, "
                 "true, false, null, a list or an object)");
    expect_error("[yes]", 1, 2,
                 "unknown word \"yes\" (a value is a \"string\" in double quotes, a number, "
                 "true, false, null, a list or an object)");
}

static void test_columns_count_code_points(void **state)
{
    (void)state;
    /* "żółw" is 4 code points but 7 bytes: the error column is where an
     * editor shows it */
    expect_error("{\"ż\": \"żółw\", \"b\": tru}", 1, 20,
                 "unknown word \"tru\" (a value is a \"string\" in double quotes, a number, "
                 "true, false, null, a list or an object)");
    /* Urdu, right-to-left: still counted in logical order */
    expect_error("[\"اردو\" 1]", 1, 9, "expected ',' or ']' after list element");
}

/* ---- trees and positions -------------------------------------------- */

static void test_tree_positions(void **state)
{
    (void)state;
    const char *text = "{\n"
                       "  \"id\": \"mini\",\n"
                       "  \"n\": -12.5e1,\n"
                       "  \"list\": [true, false, null],\n"
                       "  \"o\": {}\n"
                       "}\n";
    hd_json_doc *doc = parse_ok(text);
    const hd_json *root = hd_json_root(doc);
    assert_int_equal(root->type, HD_JSON_OBJECT);
    assert_int_equal(root->line, 1);
    assert_int_equal(root->col, 1);
    assert_null(root->key);
    assert_int_equal(root->n_children, 4);

    const hd_json *id = hd_json_get(root, "id");
    assert_int_equal(id->type, HD_JSON_STRING);
    assert_string_equal(id->string, "mini");
    assert_int_equal(id->string_len, 4);
    assert_string_equal(id->key, "id");
    assert_int_equal(id->key_line, 2);
    assert_int_equal(id->key_col, 3);
    assert_int_equal(id->line, 2);
    assert_int_equal(id->col, 9);
    assert_null(id->number_text);

    const hd_json *n = hd_json_get(root, "n");
    assert_int_equal(n->type, HD_JSON_NUMBER);
    assert_string_equal(n->number_text, "-12.5e1");
    assert_true(n->number == -125.0);
    assert_int_equal(n->line, 3);
    assert_int_equal(n->col, 8);

    const hd_json *list = hd_json_get(root, "list");
    assert_int_equal(list->type, HD_JSON_ARRAY);
    assert_int_equal(list->n_children, 3);
    const hd_json *t = list->child, *f = t->next, *nl = f->next;
    assert_int_equal(t->type, HD_JSON_BOOL);
    assert_true(t->boolean);
    assert_int_equal(t->col, 12);
    assert_null(t->key);
    assert_int_equal(f->type, HD_JSON_BOOL);
    assert_false(f->boolean);
    assert_int_equal(f->col, 18);
    assert_int_equal(nl->type, HD_JSON_NULL);
    assert_int_equal(nl->col, 25);
    assert_null(nl->next);

    const hd_json *o = hd_json_get(root, "o");
    assert_int_equal(o->type, HD_JSON_OBJECT);
    assert_int_equal(o->n_children, 0);
    assert_null(o->child);
    assert_int_equal(o->key_line, 5);

    /* member order is document order */
    assert_string_equal(root->child->key, "id");
    assert_string_equal(root->child->next->next->next->key, "o");
    assert_null(hd_json_get(root, "missing"));
    assert_null(hd_json_get(list, "id")); /* not an object */
    assert_null(hd_json_get(NULL, "id"));
    hd_json_free(doc);
}

static void test_decoding(void **state)
{
    (void)state;
    hd_json_doc *doc =
        parse_ok("[\"\\u0041\\u00e9\\ud83d\\ude00\\n\\t\\/\\\\\\\"\", \"prosz\xc4\x99\", \"\"]");
    const hd_json *a = hd_json_root(doc)->child;
    assert_string_equal(a->string, "A\xc3\xa9\xf0\x9f\x98\x80\n\t/\\\"");
    assert_int_equal(a->string_len, strlen("A\xc3\xa9\xf0\x9f\x98\x80\n\t/\\\""));
    assert_string_equal(a->next->string, "prosz\xc4\x99");
    assert_string_equal(a->next->next->string, "");
    assert_int_equal(a->next->next->string_len, 0);
    hd_json_free(doc);
}

static void test_bom_and_line_ends(void **state)
{
    (void)state;
    /* a byte order mark takes no column */
    hd_json_doc *doc = parse_ok("\xef\xbb\xbf{\"a\": [1]}");
    const hd_json *a = hd_json_get(hd_json_root(doc), "a");
    assert_int_equal(hd_json_root(doc)->col, 1);
    assert_int_equal(a->key_col, 2);
    assert_int_equal(a->col, 7);
    hd_json_free(doc);
    /* CRLF and lone CR end lines once each */
    doc = parse_ok("{\r\n\"a\": 1,\r\"b\": 2}");
    assert_int_equal(hd_json_get(hd_json_root(doc), "a")->key_line, 2);
    assert_int_equal(hd_json_get(hd_json_root(doc), "b")->key_line, 3);
    assert_int_equal(hd_json_get(hd_json_root(doc), "b")->key_col, 1);
    hd_json_free(doc);
    /* a BOM anywhere else is not whitespace */
    expect_error("[1,\xef\xbb\xbf 2]", 1, 4, "expected a value, found '\xef\xbb\xbf' (U+FEFF)");
}

static void test_scalar_roots_and_no_nul_needed(void **state)
{
    (void)state;
    /* text need not be NUL-terminated: parse a prefix of a longer buffer */
    const char buf[] = "[1, 2]garbage";
    hd_json_doc *doc = parse_ok_n(buf, 6);
    assert_int_equal(hd_json_root(doc)->n_children, 2);
    hd_json_free(doc);
    doc = parse_ok("  42  ");
    assert_int_equal(hd_json_root(doc)->type, HD_JSON_NUMBER);
    assert_int_equal(hd_json_root(doc)->col, 3);
    hd_json_free(doc);
    /* a number ending exactly at the end of the text */
    doc = parse_ok_n("7", 1);
    assert_true(hd_json_root(doc)->number == 7);
    hd_json_free(doc);
}

static void test_long_single_line(void **state)
{
    (void)state;
    /* a minified file: positions must stay cheap on one very long line */
    size_t n = 200000;
    char *buf = malloc(n * 2 + 8);
    size_t k = 0;
    buf[k++] = '[';
    for (size_t i = 0; i < n; i++) {
        buf[k++] = i ? ',' : '0';
        if (i)
            buf[k++] = '0';
    }
    buf[k++] = ']';
    hd_json_doc *doc = parse_ok_n(buf, k);
    const hd_json *last = hd_json_root(doc)->child;
    while (last->next)
        last = last->next;
    assert_int_equal(last->line, 1);
    assert_int_equal(last->col, (int)(k - 1));
    hd_json_free(doc);
    free(buf);
}

static void test_type_phrase_and_null_handles(void **state)
{
    (void)state;
    assert_string_equal(hd_json_type_phrase(HD_JSON_NULL), "null");
    assert_string_equal(hd_json_type_phrase(HD_JSON_BOOL), "true or false");
    assert_string_equal(hd_json_type_phrase(HD_JSON_NUMBER), "a number");
    assert_string_equal(hd_json_type_phrase(HD_JSON_STRING), "a string");
    assert_string_equal(hd_json_type_phrase(HD_JSON_ARRAY), "a list");
    assert_string_equal(hd_json_type_phrase(HD_JSON_OBJECT), "an object");
    hd_json_free(NULL);
    assert_null(hd_json_root(NULL));
    hd_json_doc *doc = NULL;
    assert_int_equal(hd_json_parse(NULL, 0, &doc, NULL), HD_EINVAL);
    /* diag may be NULL: the error code alone */
    assert_int_equal(hd_json_parse("[", 1, &doc, NULL), HD_EPARSE);
    assert_null(doc);
}

static void test_diag_appends(void **state)
{
    (void)state;
    /* the parser adds to a diag the caller set up (and named) */
    hd_diag d;
    hd_diag_init(&d, "survey.json");
    hd_diag_add(&d, 0, 0, "earlier");
    hd_json_doc *doc = NULL;
    assert_int_equal(hd_json_parse("[1,]", 4, &doc, &d), HD_EPARSE);
    assert_int_equal(d.n, 2);
    char line[300];
    hd_diag_format(&d, 1, line, sizeof line);
    assert_string_equal(line, "survey.json:1:3: trailing ',' before ']' (remove it)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_trailing_commas),
        cmocka_unit_test(test_missing_separators),
        cmocka_unit_test(test_comments),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_duplicate_keys_many),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_trailing_garbage),
        cmocka_unit_test(test_unclosed),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_literals),
        cmocka_unit_test(test_columns_count_code_points),
        cmocka_unit_test(test_tree_positions),
        cmocka_unit_test(test_decoding),
        cmocka_unit_test(test_bom_and_line_ends),
        cmocka_unit_test(test_scalar_roots_and_no_nul_needed),
        cmocka_unit_test(test_long_single_line),
        cmocka_unit_test(test_type_phrase_and_null_handles),
        cmocka_unit_test(test_diag_appends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
