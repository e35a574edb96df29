/* test_keyboard.c — the keyboard layouts are well-formed, fit the screen,
 * and let every language type every letter it needs. */
#include <stdio.h>
#include <string.h>

#include "core/keyboard.h"
#include "testutil.h"

static const char *const LANGS[] = {"en", "cy", "pl", "ro", "pt", "so",
                                    "ar", "ur", "bn", "pa", "ur-PK", "xx"};
static const hd_qtype TYPES[] = {HD_Q_TEXT, HD_Q_EMAIL, HD_Q_PHONE, HD_Q_NUMBER};

static bool is_native_lang(const char *lang)
{
    return strncmp(lang, "ar", 2) == 0 || strncmp(lang, "ur", 2) == 0 ||
           strncmp(lang, "bn", 2) == 0 || strncmp(lang, "pa", 2) == 0;
}

/* Strict UTF-8: no overlongs, surrogates or code points past U+10FFFF. */
static bool valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned c = *p;
        int n;
        unsigned cp, min;
        if (c < 0x80) {
            p++;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            n = 1, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return false;
        }
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        p += n + 1;
    }
    return true;
}

static const hd_key *find_key(const hd_keyboard *kb, const char *id, int *row)
{
    for (int r = 0; r < kb->n_rows; r++)
        for (int k = 0; k < kb->rows[r].n; k++)
            if (strcmp(kb->rows[r].keys[k].id, id) == 0) {
                if (row)
                    *row = r;
                return &kb->rows[r].keys[k];
            }
    return NULL;
}

static void check_layout(const hd_keyboard *kb, const char *where)
{
    assert_non_null(kb);
    assert_non_null(kb->name);
    assert_true(kb->n_rows > 0 && kb->n_rows <= 5);
    const char *ids[128];
    int nids = 0;
    for (int r = 0; r < kb->n_rows; r++) {
        const hd_kb_row *row = &kb->rows[r];
        assert_true(row->n > 0);
        float units = 0;
        for (int k = 0; k < row->n; k++) {
            const hd_key *key = &row->keys[k];
            if (!key->id || !valid_utf8(key->id) || !key->id[0])
                fail_msg("%s: row %d key %d has a bad id", where, r, k);
            if (key->label && !valid_utf8(key->label))
                fail_msg("%s: key %s has a bad label", where, key->id);
            if (key->width <= 0)
                fail_msg("%s: key %s has width %g", where, key->id, (double)key->width);
            units += key->width;
            for (int i = 0; i < nids; i++)
                if (strcmp(ids[i], key->id) == 0)
                    fail_msg("%s (%s): key id \"%s\" repeated", where, kb->name, key->id);
            assert_true(nids < 128);
            ids[nids++] = key->id;
            switch (key->act) {
            case HD_ACT_KEY:
                if (!key->text || !key->text[0] || !valid_utf8(key->text))
                    fail_msg("%s: key %s types nothing valid", where, key->id);
                /* element ids are key.<what it types>, except the space bar */
                if (strcmp(key->id, "space") == 0)
                    assert_string_equal(key->text, " ");
                else
                    assert_string_equal(key->id, key->text);
                if (!key->label)
                    assert_string_equal(key->id, "space");
                break;
            case HD_ACT_KEY_BACKSPACE:
                assert_string_equal(key->id, "backspace");
                break;
            case HD_ACT_KEYBOARD_PAGE:
                assert_true(key->page >= 0 && key->page < HD_KB_PAGE_COUNT_);
                assert_true(strcmp(key->id, "shift") == 0 || strcmp(key->id, "globe") == 0 ||
                            strncmp(key->id, "page.", 5) == 0);
                break;
            default:
                fail_msg("%s: key %s has action %d", where, key->id, (int)key->act);
            }
        }
        if (units > 11.0f + 1e-4f)
            fail_msg("%s (%s): row %d is %.2f units wide", where, kb->name, r, (double)units);
    }
}

static void test_every_page_well_formed(void **state)
{
    (void)state;
    char where[96];
    for (size_t l = 0; l < sizeof LANGS / sizeof LANGS[0]; l++)
        for (size_t t = 0; t < sizeof TYPES / sizeof TYPES[0]; t++)
            for (int page = -1; page <= HD_KB_PAGE_COUNT_; page++)
                for (int pin = 0; pin < 2; pin++) {
                    snprintf(where, sizeof where, "%s type %d page %d%s", LANGS[l],
                             (int)TYPES[t], page, pin ? " pin" : "");
                    check_layout(hd_keyboard_get(TYPES[t], LANGS[l], page, pin), where);
                }
    check_layout(hd_keyboard_get(HD_Q_TEXT, NULL, HD_KB_NATIVE, false), "NULL lang");
    /* an unknown page is the native page */
    assert_ptr_equal(hd_keyboard_get(HD_Q_TEXT, "bn", 42, false),
                     hd_keyboard_get(HD_Q_TEXT, "bn", HD_KB_NATIVE, false));
    assert_ptr_equal(hd_keyboard_get(HD_Q_TEXT, "bn", -3, false),
                     hd_keyboard_get(HD_Q_TEXT, "bn", HD_KB_NATIVE, false));
}

/* Every page a page key names is reachable from the letters, and every
 * reachable page leads back to the letters. */
static void test_pages_connect(void **state)
{
    (void)state;
    for (size_t l = 0; l < sizeof LANGS / sizeof LANGS[0]; l++) {
        for (int ti = 0; ti < 2; ti++) {
            hd_qtype t = ti ? HD_Q_EMAIL : HD_Q_TEXT;
            bool seen[HD_KB_PAGE_COUNT_] = {false};
            int queue[HD_KB_PAGE_COUNT_], qn = 0;
            queue[qn++] = HD_KB_NATIVE;
            seen[HD_KB_NATIVE] = true;
            for (int qi = 0; qi < qn; qi++) {
                const hd_keyboard *kb = hd_keyboard_get(t, LANGS[l], queue[qi], false);
                bool back = false;
                for (int r = 0; r < kb->n_rows; r++)
                    for (int k = 0; k < kb->rows[r].n; k++) {
                        const hd_key *key = &kb->rows[r].keys[k];
                        if (key->act != HD_ACT_KEYBOARD_PAGE)
                            continue;
                        assert_ptr_not_equal(hd_keyboard_get(t, LANGS[l], key->page, false), kb);
                        if (key->page == HD_KB_NATIVE ||
                            (queue[qi] == HD_KB_LATIN_SHIFT && key->page == HD_KB_LATIN))
                            back = true;
                        if (!seen[key->page]) {
                            seen[key->page] = true;
                            queue[qn++] = key->page;
                        }
                    }
                if (queue[qi] != HD_KB_NATIVE && !back)
                    fail_msg("%s page %d has no way back", LANGS[l], queue[qi]);
            }
            bool native = is_native_lang(LANGS[l]) && t == HD_Q_TEXT;
            assert_true(seen[HD_KB_NATIVE_SHIFT] && seen[HD_KB_SYMBOLS]);
            assert_int_equal(seen[HD_KB_LATIN], native);        /* by the globe */
            assert_int_equal(seen[HD_KB_LATIN_SHIFT], native);
            assert_int_equal(seen[HD_KB_ACCENTS], !native && t == HD_Q_TEXT);
        }
    }
}

static void test_globe_and_accents_keys(void **state)
{
    (void)state;
    for (size_t l = 0; l < sizeof LANGS / sizeof LANGS[0]; l++) {
        const char *lang = LANGS[l];
        const hd_keyboard *native = hd_keyboard_get(HD_Q_TEXT, lang, HD_KB_NATIVE, false);
        const hd_key *globe = find_key(native, "globe", NULL);
        if (is_native_lang(lang)) {
            assert_non_null(globe);
            assert_int_equal(globe->page, HD_KB_LATIN);
            assert_null(find_key(native, "page.accents", NULL));
            const hd_keyboard *latin = hd_keyboard_get(HD_Q_TEXT, lang, HD_KB_LATIN, false);
            assert_non_null(find_key(latin, "q", NULL));
            const hd_key *back = find_key(latin, "globe", NULL);
            assert_non_null(back);
            assert_int_equal(back->page, HD_KB_NATIVE);
            assert_null(find_key(native, "q", NULL));
        } else {
            assert_null(globe);
            assert_non_null(find_key(native, "q", NULL));
            const hd_key *acc = find_key(native, "page.accents", NULL);
            assert_non_null(acc);
            assert_int_equal(acc->page, HD_KB_ACCENTS);
        }
        bool rtl = strncmp(lang, "ar", 2) == 0 || strncmp(lang, "ur", 2) == 0;
        assert_int_equal(native->rtl_script, rtl);
        assert_non_null(find_key(native, "space", NULL));
        assert_non_null(find_key(native, "backspace", NULL));
        assert_non_null(find_key(native, "shift", NULL));
        assert_non_null(find_key(native, "page.symbols", NULL));
        const hd_keyboard *shift = hd_keyboard_get(HD_Q_TEXT, lang, HD_KB_NATIVE_SHIFT, false);
        assert_int_equal(find_key(shift, "shift", NULL)->page, HD_KB_NATIVE);
    }
    /* the shift page of Latin has the capitals */
    const hd_keyboard *up = hd_keyboard_get(HD_Q_TEXT, "en", HD_KB_NATIVE_SHIFT, false);
    assert_non_null(find_key(up, "A", NULL));
    assert_null(find_key(up, "a", NULL));
    /* Somali's apostrophe is on the letters page */
    assert_non_null(find_key(hd_keyboard_get(HD_Q_TEXT, "so", HD_KB_NATIVE, false), "'", NULL));
}

static void test_keypads(void **state)
{
    (void)state;
    const char *digits[] = {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"};
    for (size_t l = 0; l < sizeof LANGS / sizeof LANGS[0]; l++) {
        const hd_keyboard *pin = hd_keyboard_get(HD_Q_NUMBER, LANGS[l], HD_KB_NATIVE, true);
        const hd_keyboard *pin_text = hd_keyboard_get(HD_Q_TEXT, LANGS[l], HD_KB_SYMBOLS, true);
        assert_ptr_equal(pin, pin_text);
        int n = 0;
        for (int r = 0; r < pin->n_rows; r++)
            n += pin->rows[r].n;
        assert_int_equal(n, 11); /* 0-9 and backspace, nothing else */
        for (int d = 0; d < 10; d++) {
            const hd_key *k = find_key(pin, digits[d], NULL);
            assert_non_null(k);
            assert_int_equal(k->act, HD_ACT_KEY);
        }
        assert_int_equal(find_key(pin, "backspace", NULL)->act, HD_ACT_KEY_BACKSPACE);

        const hd_keyboard *phone = hd_keyboard_get(HD_Q_PHONE, LANGS[l], HD_KB_NATIVE, false);
        const hd_keyboard *num = hd_keyboard_get(HD_Q_NUMBER, LANGS[l], HD_KB_ACCENTS, false);
        for (int d = 0; d < 10; d++) {
            assert_non_null(find_key(phone, digits[d], NULL));
            assert_non_null(find_key(num, digits[d], NULL));
        }
        assert_non_null(find_key(phone, "+", NULL));
        assert_non_null(find_key(phone, "space", NULL));
        assert_non_null(find_key(phone, "backspace", NULL));
        assert_null(find_key(phone, "a", NULL));
        assert_non_null(find_key(num, "-", NULL));
        assert_non_null(find_key(num, "backspace", NULL));
        assert_null(find_key(num, "+", NULL));
    }
}

static void test_email_has_at_and_dot_on_bottom_row(void **state)
{
    (void)state;
    int pages[] = {HD_KB_NATIVE, HD_KB_NATIVE_SHIFT, HD_KB_LATIN, HD_KB_LATIN_SHIFT};
    for (size_t l = 0; l < sizeof LANGS / sizeof LANGS[0]; l++)
        for (size_t p = 0; p < sizeof pages / sizeof pages[0]; p++) {
            const hd_keyboard *kb = hd_keyboard_get(HD_Q_EMAIL, LANGS[l], pages[p], false);
            int row_at = -1, row_dot = -1;
            assert_non_null(find_key(kb, "@", &row_at));
            assert_non_null(find_key(kb, ".", &row_dot));
            assert_int_equal(row_at, kb->n_rows - 1);
            assert_int_equal(row_dot, kb->n_rows - 1);
            /* addresses are Latin */
            assert_true(find_key(kb, "q", NULL) || find_key(kb, "Q", NULL));
        }
    /* the text keyboard has no "@" on its letters */
    assert_null(find_key(hd_keyboard_get(HD_Q_TEXT, "en", HD_KB_NATIVE, false), "@", NULL));
}

/* Can the letter s be typed on the text keyboard of lang, as a key on some
 * page or a long-press variant of one? */
static bool reachable(const char *lang, const char *s)
{
    for (int page = 0; page < HD_KB_PAGE_COUNT_; page++) {
        const hd_keyboard *kb = hd_keyboard_get(HD_Q_TEXT, lang, page, false);
        for (int r = 0; r < kb->n_rows; r++)
            for (int k = 0; k < kb->rows[r].n; k++) {
                const hd_key *key = &kb->rows[r].keys[k];
                if (key->act != HD_ACT_KEY)
                    continue;
                if (strcmp(key->text, s) == 0)
                    return true;
                const char *const *v = hd_keyboard_variants(key->id);
                for (; v && *v; v++) {
                    assert_true(valid_utf8(*v));
                    if (strcmp(*v, s) == 0)
                        return true;
                }
            }
    }
    return false;
}

static void assert_all_reachable(const char *lang, const char *letters)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", letters);
    for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save))
        if (!reachable(lang, tok))
            fail_msg("%s: \"%s\" cannot be typed", lang, tok);
}

static void test_every_diacritic_reachable(void **state)
{
    (void)state;
    const char *pl = "ą ć ę ł ń ó ś ź ż Ą Ć Ę Ł Ń Ó Ś Ź Ż";
    const char *cy = "â ê î ô û ŵ ŷ ä ë ï ö ü ẅ ÿ à è ì ò ù ẁ ỳ á é í ó ú ẃ ý "
                     "Â Ê Î Ô Û Ŵ Ŷ Ä Ë Ï Ö Ü Ẅ Ÿ À È Ì Ò Ù Ẁ Ỳ Á É Í Ó Ú Ẃ Ý";
    const char *ro = "ă â î ș ț Ă Â Î Ș Ț";
    const char *pt = "á à â ã é ê í ó ô õ ú ç Á À Â Ã É Ê Í Ó Ô Õ Ú Ç";
    const char *so = "a b c d e f g h i j k l m n o q r s t u w x y ' A B C D X";
    assert_all_reachable("pl", pl);
    assert_all_reachable("cy", cy);
    assert_all_reachable("ro", ro);
    assert_all_reachable("pt", pt);
    assert_all_reachable("so", so);
    /* and the accents page alone holds every lower-case one */
    const hd_keyboard *acc = hd_keyboard_get(HD_Q_TEXT, "pl", HD_KB_ACCENTS, false);
    const char *lower = "ą ć ę ł ń ó ś ź ż â ê î ô û ŵ ŷ ä ë ï ö ü ẅ ÿ à è ì ò ù ẁ ỳ á é í ú ẃ ý "
                        "ă ș ț ã õ ç";
    char buf[512];
    snprintf(buf, sizeof buf, "%s", lower);
    for (char *save = NULL, *tok = strtok_r(buf, " ", &save); tok;
         tok = strtok_r(NULL, " ", &save))
        if (!find_key(acc, tok, NULL))
            fail_msg("accents page lacks %s", tok);
    const char *const *v = hd_keyboard_variants("a");
    assert_non_null(v);
    assert_null(hd_keyboard_variants("q"));
    assert_null(hd_keyboard_variants(NULL));
    assert_null(hd_keyboard_variants("space"));
}

static void test_native_letters_reachable(void **state)
{
    (void)state;
    assert_all_reachable("ar", "ا ب ت ث ج ح خ د ذ ر ز س ش ص ض ط ظ ع غ ف ق ك ل م ن ه و ي "
                               "ء أ إ آ ؤ ئ ة ى لا ، ؟ ١ ٢");
    assert_all_reachable("ur", "ا ب پ ت ٹ ث ج چ ح خ د ڈ ذ ر ڑ ز ژ س ش ص ض ط ظ ع غ ف ق ک گ "
                               "ل م ن ں و ہ ھ ء ی ے آ ئ ؤ ۃ ۓ ، ۔ ؟");
    assert_all_reachable("bn", "অ আ ই ঈ উ ঊ ঋ এ ঐ ও ঔ ক খ গ ঘ ঙ চ ছ জ ঝ ঞ ট ঠ ড ঢ ণ ত থ দ "
                               "ধ ন প ফ ব ভ ম য র ল শ ষ স হ ড় ঢ় য় ৎ ং ঃ ঁ া ি ী ু ূ ৃ ে ৈ "
                               "ো ৌ ্ । ১ ২");
    assert_all_reachable("pa", "ਅ ਆ ਇ ਈ ਉ ਊ ਏ ਐ ਓ ਔ ਸ ਹ ਕ ਖ ਗ ਘ ਙ ਚ ਛ ਜ ਝ ਞ ਟ ਠ ਡ ਢ ਣ ਤ "
                               "ਥ ਦ ਧ ਨ ਪ ਫ ਬ ਭ ਮ ਯ ਰ ਲ ਵ ੜ ਸ਼ ਖ਼ ਗ਼ ਜ਼ ਫ਼ ਲ਼ ਾ ਿ ੀ ੁ ੂ ੇ ੈ "
                               "ੋ ੌ ਂ ੰ ੱ ਼ ੍ । ੧ ੨");
}

/* Keys type normalised (NFC) text: the precomposed nukta letters that NFC
 * decomposes must never be typed. */
static void test_keys_type_normalised_text(void **state)
{
    (void)state;
    const char *excluded[] = {"\u09DC", "\u09DD", "\u09DF", "\u0A33", "\u0A36",
                              "\u0A59", "\u0A5A", "\u0A5B", "\u0A5E"};
    for (size_t l = 0; l < sizeof LANGS / sizeof LANGS[0]; l++)
        for (int page = 0; page < HD_KB_PAGE_COUNT_; page++) {
            const hd_keyboard *kb = hd_keyboard_get(HD_Q_TEXT, LANGS[l], page, false);
            for (int r = 0; r < kb->n_rows; r++)
                for (int k = 0; k < kb->rows[r].n; k++) {
                    const hd_key *key = &kb->rows[r].keys[k];
                    for (size_t e = 0; e < sizeof excluded / sizeof excluded[0]; e++) {
                        if (key->text && strstr(key->text, excluded[e]))
                            fail_msg("key %s types a non-NFC letter", key->id);
                        for (const char *const *v = hd_keyboard_variants(key->id); v && *v; v++)
                            if (strstr(*v, excluded[e]))
                                fail_msg("variant %s of %s is not NFC", *v, key->id);
                    }
                }
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_page_well_formed),
        cmocka_unit_test(test_pages_connect),
        cmocka_unit_test(test_globe_and_accents_keys),
        cmocka_unit_test(test_keypads),
        cmocka_unit_test(test_email_has_at_and_dot_on_bottom_row),
        cmocka_unit_test(test_every_diacritic_reachable),
        cmocka_unit_test(test_native_letters_reachable),
        cmocka_unit_test(test_keys_type_normalised_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
