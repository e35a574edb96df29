/* keyboard.c — the on-screen keyboard layouts, as constant data.
 *
 * Why these layouts (docs/text.md says more):
 * - Latin: QWERTY, because every phone in the UK uses it; an apostrophe on
 *   the letters page for Somali (ba'an) and Welsh (ti'n).
 * - Accents: one page with every diacritic letter Polish, Welsh, Romanian
 *   and Portuguese use, in alphabetical order of the base letter, for people
 *   who do not know long-press; long-press variants on the base letters for
 *   those who do (and for capitals, which the page leaves out).
 * - Arabic: the rows of the standard Arabic (101) layout as phones shorten
 *   it to 11 keys; hamza forms, lam-alef, harakat and Arabic-Indic digits on
 *   the shift page.
 * - Urdu: the CRULP phonetic layout (letters on the QWERTY key of their
 *   sound), the most common Urdu layout in Pakistan and the UK.
 * - Bengali and Gurmukhi: InScript, India's standard, unshifted and shifted
 *   keys where InScript has them; conjuncts by typing the virama (্ / ੍).
 * Rows are at most 11 units wide, so a key is at least 48 px at 800 px.
 * Nukta letters (য় ড় ঢ় ਸ਼ ਖ਼ ...) type base + nukta, which is their
 * normalised (NFC) form.
 */
#include "core/keyboard.h"

#include <stddef.h>
#include <string.h>

/* A key that types s, labelled s. */
#define K(s) {s, s, HD_ACT_KEY, s, 0, 1.0f}
/* A key that types s with another label (a lone mark on a tatweel). */
#define KL(s, label) {s, label, HD_ACT_KEY, s, 0, 1.0f}
#define KW(s, w) {s, s, HD_ACT_KEY, s, 0, w}
#define SPACE(w) {"space", NULL, HD_ACT_KEY, " ", 0, w}
#define BACKSPACE(w) {"backspace", NULL, HD_ACT_KEY_BACKSPACE, NULL, 0, w}
#define SHIFT(pg, w) {"shift", NULL, HD_ACT_KEYBOARD_PAGE, NULL, pg, w}
#define GLOBE(pg, w) {"globe", NULL, HD_ACT_KEYBOARD_PAGE, NULL, pg, w}
#define SYMBOLS(w) {"page.symbols", "?123", HD_ACT_KEYBOARD_PAGE, NULL, HD_KB_SYMBOLS, w}
#define ACCENTS(w) {"page.accents", "àé", HD_ACT_KEYBOARD_PAGE, NULL, HD_KB_ACCENTS, w}
#define LETTERS(label, pg, w) {"page.letters", label, HD_ACT_KEYBOARD_PAGE, NULL, pg, w}

#define ROW(a) {a, (int)(sizeof a / sizeof a[0])}
#define LAYOUT(name, rows, rtl) {name, rows, (int)(sizeof rows / sizeof rows[0]), rtl}

/* ---- Latin ------------------------------------------------------------ */

static const hd_key lat_r1[] = {K("q"), K("w"), K("e"), K("r"), K("t"),
                                K("y"), K("u"), K("i"), K("o"), K("p")};
static const hd_key lat_r2[] = {K("a"), K("s"), K("d"), K("f"), K("g"),
                                K("h"), K("j"), K("k"), K("l"), K("'")};
static const hd_key lat_r3_native[] = {SHIFT(HD_KB_NATIVE_SHIFT, 1.5f), K("z"), K("x"), K("c"),
                                       K("v"), K("b"), K("n"), K("m"), BACKSPACE(1.5f)};
static const hd_key lat_r3_latin[] = {SHIFT(HD_KB_LATIN_SHIFT, 1.5f), K("z"), K("x"), K("c"),
                                      K("v"), K("b"), K("n"), K("m"), BACKSPACE(1.5f)};

static const hd_key up_r1[] = {K("Q"), K("W"), K("E"), K("R"), K("T"),
                               K("Y"), K("U"), K("I"), K("O"), K("P")};
static const hd_key up_r2[] = {K("A"), K("S"), K("D"), K("F"), K("G"),
                               K("H"), K("J"), K("K"), K("L"), K("'")};
static const hd_key up_r3_native[] = {SHIFT(HD_KB_NATIVE, 1.5f), K("Z"), K("X"), K("C"),
                                      K("V"), K("B"), K("N"), K("M"), BACKSPACE(1.5f)};
static const hd_key up_r3_latin[] = {SHIFT(HD_KB_LATIN, 1.5f), K("Z"), K("X"), K("C"),
                                     K("V"), K("B"), K("N"), K("M"), BACKSPACE(1.5f)};

/* bottom rows: Latin languages get the accents page; others the globe */
static const hd_key lat_r4_accents[] = {SYMBOLS(1.5f), ACCENTS(1.5f), K(","), SPACE(5.0f),
                                        K(".")};
static const hd_key lat_r4_globe[] = {SYMBOLS(1.5f), GLOBE(HD_KB_NATIVE, 1.5f), K(","),
                                      SPACE(5.0f), K(".")};
/* email: "@" and "." big, no space (addresses have none) */
static const hd_key email_r4[] = {SYMBOLS(1.5f), K("-"), K("_"), KW("@", 2.0f), KW(".", 2.0f)};

static const hd_kb_row latin_rows[] = {ROW(lat_r1), ROW(lat_r2), ROW(lat_r3_native),
                                       ROW(lat_r4_accents)};
static const hd_kb_row latin_shift_rows[] = {ROW(up_r1), ROW(up_r2), ROW(up_r3_native),
                                             ROW(lat_r4_accents)};
static const hd_kb_row latin_g_rows[] = {ROW(lat_r1), ROW(lat_r2), ROW(lat_r3_latin),
                                         ROW(lat_r4_globe)};
static const hd_kb_row latin_g_shift_rows[] = {ROW(up_r1), ROW(up_r2), ROW(up_r3_latin),
                                               ROW(lat_r4_globe)};
static const hd_kb_row email_rows[] = {ROW(lat_r1), ROW(lat_r2), ROW(lat_r3_native),
                                       ROW(email_r4)};
static const hd_kb_row email_shift_rows[] = {ROW(up_r1), ROW(up_r2), ROW(up_r3_native),
                                             ROW(email_r4)};

static const hd_keyboard kb_latin = LAYOUT("latin", latin_rows, false);
static const hd_keyboard kb_latin_shift = LAYOUT("latin-shift", latin_shift_rows, false);
static const hd_keyboard kb_latin_g = LAYOUT("latin", latin_g_rows, false);
static const hd_keyboard kb_latin_g_shift = LAYOUT("latin-shift", latin_g_shift_rows, false);
static const hd_keyboard kb_email = LAYOUT("email", email_rows, false);
static const hd_keyboard kb_email_shift = LAYOUT("email-shift", email_shift_rows, false);

/* ---- accents ---------------------------------------------------------- */

/* All 42 lower-case letters with diacritics of Polish (ą ć ę ł ń ó ś ź ż),
 * Welsh (â ê î ô û ŵ ŷ, ä ë ï ö ü ẅ ÿ, à è ì ò ù ẁ ỳ, á é í ó ú ẃ ý),
 * Romanian (ă â î ș ț) and Portuguese (á à â ã é ê í ó ô õ ú ç). */
static const hd_key acc_r1[] = {K("à"), K("á"), K("â"), K("ä"), K("ã"), K("ą"),
                                K("ă"), K("ç"), K("ć"), K("è"), K("é")};
static const hd_key acc_r2[] = {K("ê"), K("ë"), K("ę"), K("ì"), K("í"), K("î"),
                                K("ï"), K("ł"), K("ń"), K("ò"), K("ó")};
static const hd_key acc_r3[] = {K("ô"), K("ö"), K("õ"), K("ś"), K("ș"), K("ț"),
                                K("ù"), K("ú"), K("û"), K("ü"), K("ź")};
static const hd_key acc_r4[] = {LETTERS("abc", HD_KB_NATIVE, 1.0f), K("ż"), K("ẁ"), K("ẃ"),
                                K("ŵ"), K("ẅ"), K("ỳ"), K("ý"), K("ŷ"), K("ÿ"),
                                BACKSPACE(1.0f)};
static const hd_kb_row accents_rows[] = {ROW(acc_r1), ROW(acc_r2), ROW(acc_r3), ROW(acc_r4)};
static const hd_keyboard kb_accents = LAYOUT("accents", accents_rows, false);

/* ---- digits and symbols ----------------------------------------------- */

static const hd_key sym_r1[] = {K("1"), K("2"), K("3"), K("4"), K("5"),
                                K("6"), K("7"), K("8"), K("9"), K("0")};
static const hd_key sym_r2[] = {K("@"), K("#"), K("£"), K("€"), K("&"),
                                K("-"), K("+"), K("("), K(")"), K("/")};
static const hd_key sym_r3[] = {K("*"), K("\""), K("'"), K(":"), K(";"),
                                K("!"), K("?"), K("%"), K("_"), BACKSPACE(1.5f)};
/* page.letters goes back to the participant's own letters, labelled in them */
static const hd_key sym_r4_latin[] = {LETTERS("abc", HD_KB_NATIVE, 2.0f), K(","), SPACE(5.0f),
                                      K(".")};
static const hd_key sym_r4_arabic[] = {LETTERS("أ ب ت", HD_KB_NATIVE, 2.0f), K(","),
                                       SPACE(5.0f), K(".")};
static const hd_key sym_r4_urdu[] = {LETTERS("ا ب پ", HD_KB_NATIVE, 2.0f), K(","), SPACE(5.0f),
                                     K(".")};
static const hd_key sym_r4_bengali[] = {LETTERS("অআ", HD_KB_NATIVE, 2.0f), K(","), SPACE(5.0f),
                                        K(".")};
static const hd_key sym_r4_gurmukhi[] = {LETTERS("ਅਆ", HD_KB_NATIVE, 2.0f), K(","),
                                         SPACE(5.0f), K(".")};
static const hd_kb_row sym_latin_rows[] = {ROW(sym_r1), ROW(sym_r2), ROW(sym_r3),
                                           ROW(sym_r4_latin)};
static const hd_kb_row sym_arabic_rows[] = {ROW(sym_r1), ROW(sym_r2), ROW(sym_r3),
                                            ROW(sym_r4_arabic)};
static const hd_kb_row sym_urdu_rows[] = {ROW(sym_r1), ROW(sym_r2), ROW(sym_r3),
                                          ROW(sym_r4_urdu)};
static const hd_kb_row sym_bengali_rows[] = {ROW(sym_r1), ROW(sym_r2), ROW(sym_r3),
                                             ROW(sym_r4_bengali)};
static const hd_kb_row sym_gurmukhi_rows[] = {ROW(sym_r1), ROW(sym_r2), ROW(sym_r3),
                                              ROW(sym_r4_gurmukhi)};
static const hd_keyboard kb_sym_latin = LAYOUT("symbols", sym_latin_rows, false);
static const hd_keyboard kb_sym_arabic = LAYOUT("symbols", sym_arabic_rows, false);
static const hd_keyboard kb_sym_urdu = LAYOUT("symbols", sym_urdu_rows, false);
static const hd_keyboard kb_sym_bengali = LAYOUT("symbols", sym_bengali_rows, false);
static const hd_keyboard kb_sym_gurmukhi = LAYOUT("symbols", sym_gurmukhi_rows, false);

/* ---- Arabic ------------------------------------------------------------ */

static const hd_key ar_r1[] = {K("ض"), K("ص"), K("ث"), K("ق"), K("ف"), K("غ"),
                               K("ع"), K("ه"), K("خ"), K("ح"), K("ج")};
static const hd_key ar_r2[] = {K("ش"), K("س"), K("ي"), K("ب"), K("ل"), K("ا"),
                               K("ت"), K("ن"), K("م"), K("ك"), K("ط")};
static const hd_key ar_r3[] = {K("ذ"), K("ء"), K("ؤ"), K("ر"), K("ى"), K("ة"),
                               K("و"), K("ز"), K("ظ"), K("د"), BACKSPACE(1.0f)};
static const hd_key ar_r4[] = {SYMBOLS(1.5f), SHIFT(HD_KB_NATIVE_SHIFT, 1.5f),
                               GLOBE(HD_KB_LATIN, 1.0f), K("،"), SPACE(3.0f), K("."), K("؟")};
/* harakat (fatha, fathatan, damma, dammatan, kasra, kasratan, sukun, shadda)
 * shown on a tatweel so the lone mark is visible; tatweel itself */
static const hd_key ar_s1[] = {KL(u8"\u064E", u8"\u0640\u064E"), KL(u8"\u064B", u8"\u0640\u064B"),
                               KL(u8"\u064F", u8"\u0640\u064F"), KL(u8"\u064C", u8"\u0640\u064C"),
                               KL(u8"\u0650", u8"\u0640\u0650"), KL(u8"\u064D", u8"\u0640\u064D"),
                               KL(u8"\u0652", u8"\u0640\u0652"), KL(u8"\u0651", u8"\u0640\u0651"),
                               K("ـ")};
static const hd_key ar_s2[] = {K("أ"), K("إ"), K("آ"), K("ئ"), K("لا"),
                               K("لأ"), K("لإ"), K("لآ"), K("؛"), K("«"), K("»")};
static const hd_key ar_s3[] = {K("٠"), K("١"), K("٢"), K("٣"), K("٤"), K("٥"),
                               K("٦"), K("٧"), K("٨"), K("٩"), BACKSPACE(1.0f)};
static const hd_key ar_s4[] = {SYMBOLS(1.5f), SHIFT(HD_KB_NATIVE, 1.5f), GLOBE(HD_KB_LATIN, 1.0f),
                               K("،"), SPACE(3.0f), K("."), K("؟")};
static const hd_kb_row arabic_rows[] = {ROW(ar_r1), ROW(ar_r2), ROW(ar_r3), ROW(ar_r4)};
static const hd_kb_row arabic_shift_rows[] = {ROW(ar_s1), ROW(ar_s2), ROW(ar_s3), ROW(ar_s4)};
static const hd_keyboard kb_arabic = LAYOUT("arabic", arabic_rows, true);
static const hd_keyboard kb_arabic_shift = LAYOUT("arabic-shift", arabic_shift_rows, true);

/* ---- Urdu (CRULP phonetic) ---------------------------------------------- */

/* q w e r t y u i o p / a s d f g h j k l / z x c v b n m */
static const hd_key ur_r1[] = {K("ق"), K("و"), K("ع"), K("ر"), K("ت"),
                               K("ے"), K("ء"), K("ی"), K("ہ"), K("پ")};
static const hd_key ur_r2[] = {K("ا"), K("س"), K("د"), K("ف"), K("گ"),
                               K("ح"), K("ج"), K("ک"), K("ل")};
static const hd_key ur_r3[] = {SHIFT(HD_KB_NATIVE_SHIFT, 1.5f), K("ز"), K("ش"), K("چ"),
                               K("ط"), K("ب"), K("ن"), K("م"), BACKSPACE(1.5f)};
static const hd_key ur_r4[] = {SYMBOLS(1.5f), GLOBE(HD_KB_LATIN, 1.5f), K("،"), SPACE(4.0f),
                               K("۔"), K("؟")};
/* Q: sukun, W: shadda, E: superscript alef, R ڑ, T ٹ, Y: zabar, U ئ,
 * I: zer, O ۃ, P: pesh */
static const hd_key ur_s1[] = {KL(u8"\u0652", u8"\u0640\u0652"), KL(u8"\u0651", u8"\u0640\u0651"),
                               KL(u8"\u0670", u8"\u0640\u0670"), K("ڑ"), K("ٹ"),
                               KL(u8"\u064E", u8"\u0640\u064E"), K("ئ"),
                               KL(u8"\u0650", u8"\u0640\u0650"), K("ۃ"),
                               KL(u8"\u064F", u8"\u0640\u064F")};
/* A آ, S ص, D ڈ, F ؤ, G غ, H ھ, J ض, K خ, L: hamza above */
static const hd_key ur_s2[] = {K("آ"), K("ص"), K("ڈ"), K("ؤ"), K("غ"), K("ھ"),
                               K("ض"), K("خ"), KL(u8"\u0654", u8"\u0640\u0654")};
/* Z ذ, X ژ, C ث, V ظ, B ۓ, N ں, M: fathatan (فوراً) */
static const hd_key ur_s3[] = {SHIFT(HD_KB_NATIVE, 1.5f), K("ذ"), K("ژ"), K("ث"), K("ظ"),
                               K("ۓ"), K("ں"), KL(u8"\u064B", u8"\u0640\u064B"),
                               BACKSPACE(1.5f)};
static const hd_kb_row urdu_rows[] = {ROW(ur_r1), ROW(ur_r2), ROW(ur_r3), ROW(ur_r4)};
static const hd_kb_row urdu_shift_rows[] = {ROW(ur_s1), ROW(ur_s2), ROW(ur_s3), ROW(ur_r4)};
static const hd_keyboard kb_urdu = LAYOUT("urdu-phonetic", urdu_rows, true);
static const hd_keyboard kb_urdu_shift = LAYOUT("urdu-phonetic-shift", urdu_shift_rows, true);

/* ---- Bengali InScript ---------------------------------------------------- */

/* q..[ : ৌ ৈ া ী ূ ব হ গ দ জ ড ; a..' : ো ে ্ ি ু প র ক ত চ ট ;
 * x..m, /, ], = : ং ম ন ল স য ় ৃ (b is ব again in Bengali: left out) */
static const hd_key bn_r1[] = {K("ৌ"), K("ৈ"), K("া"), K("ী"), K("ূ"), K("ব"),
                               K("হ"), K("গ"), K("দ"), K("জ"), K("ড")};
static const hd_key bn_r2[] = {K("ো"), K("ে"), K("্"), K("ি"), K("ু"), K("প"),
                               K("র"), K("ক"), K("ত"), K("চ"), K("ট")};
static const hd_key bn_r3[] = {SHIFT(HD_KB_NATIVE_SHIFT, 1.0f), K("ং"), K("ম"), K("ন"), K("ল"),
                               K("স"), K("য"), K("়"), K("ৃ"), BACKSPACE(1.5f)};
static const hd_key bn_r4[] = {SYMBOLS(1.5f), GLOBE(HD_KB_LATIN, 1.5f), K(","), SPACE(4.0f),
                               K("।"), K("?")};
/* shifted: Q..{ ঔ ঐ আ ঈ ঊ ভ ঙ ঘ ধ ঝ ঢ ; A.." ও এ অ ই উ ফ (J: ঋ) খ থ ছ ঠ ;
 * X ঁ, C ণ, M শ, < ষ, ? য়, } ঞ, _ ঃ, and khanda ta */
static const hd_key bn_s1[] = {K("ঔ"), K("ঐ"), K("আ"), K("ঈ"), K("ঊ"), K("ভ"),
                               K("ঙ"), K("ঘ"), K("ধ"), K("ঝ"), K("ঢ")};
static const hd_key bn_s2[] = {K("ও"), K("এ"), K("অ"), K("ই"), K("উ"), K("ফ"),
                               K("ঋ"), K("খ"), K("থ"), K("ছ"), K("ঠ")};
static const hd_key bn_s3[] = {SHIFT(HD_KB_NATIVE, 1.0f), K("ঁ"), K("ণ"), K("শ"), K("ষ"),
                               K("য়"), K("ঞ"), K("ঃ"), K("ৎ"), BACKSPACE(1.5f)};
static const hd_kb_row bengali_rows[] = {ROW(bn_r1), ROW(bn_r2), ROW(bn_r3), ROW(bn_r4)};
static const hd_kb_row bengali_shift_rows[] = {ROW(bn_s1), ROW(bn_s2), ROW(bn_s3), ROW(bn_r4)};
static const hd_keyboard kb_bengali = LAYOUT("bengali-inscript", bengali_rows, false);
static const hd_keyboard kb_bengali_shift =
    LAYOUT("bengali-inscript-shift", bengali_shift_rows, false);

/* ---- Gurmukhi InScript --------------------------------------------------- */

static const hd_key pa_r1[] = {K("ੌ"), K("ੈ"), K("ਾ"), K("ੀ"), K("ੂ"), K("ਬ"),
                               K("ਹ"), K("ਗ"), K("ਦ"), K("ਜ"), K("ਡ")};
static const hd_key pa_r2[] = {K("ੋ"), K("ੇ"), K("੍"), K("ਿ"), K("ੁ"), K("ਪ"),
                               K("ਰ"), K("ਕ"), K("ਤ"), K("ਚ"), K("ਟ")};
static const hd_key pa_r3[] = {SHIFT(HD_KB_NATIVE_SHIFT, 1.0f), K("ੰ"), K("ਮ"), K("ਨ"), K("ਵ"),
                               K("ਲ"), K("ਸ"), K("ਯ"), K("਼"), BACKSPACE(1.5f)};
static const hd_key pa_r4[] = {SYMBOLS(1.5f), GLOBE(HD_KB_LATIN, 1.5f), K(","), SPACE(4.0f),
                               K("।"), K("?")};
/* shifted: ਔ ਐ ਆ ਈ ਊ ਭ ਙ ਘ ਧ ਝ ਢ ; ਓ ਏ ਅ ਇ ਉ ਫ (J: ੜ) ਖ ਥ ਛ ਠ ;
 * X ਂ, C ਣ, addak, } ਞ, and the nukta letters as base + nukta */
static const hd_key pa_s1[] = {K("ਔ"), K("ਐ"), K("ਆ"), K("ਈ"), K("ਊ"), K("ਭ"),
                               K("ਙ"), K("ਘ"), K("ਧ"), K("ਝ"), K("ਢ")};
static const hd_key pa_s2[] = {K("ਓ"), K("ਏ"), K("ਅ"), K("ਇ"), K("ਉ"), K("ਫ"),
                               K("ੜ"), K("ਖ"), K("ਥ"), K("ਛ"), K("ਠ")};
static const hd_key pa_s3[] = {SHIFT(HD_KB_NATIVE, 1.0f), K("ਂ"), K("ਣ"), K("ੱ"), K("ਞ"),
                               K("ਸ਼"), K("ਖ਼"), K("ਗ਼"), K("ਜ਼"), K("ਫ਼"),
                               BACKSPACE(1.0f)};
static const hd_kb_row gurmukhi_rows[] = {ROW(pa_r1), ROW(pa_r2), ROW(pa_r3), ROW(pa_r4)};
static const hd_kb_row gurmukhi_shift_rows[] = {ROW(pa_s1), ROW(pa_s2), ROW(pa_s3), ROW(pa_r4)};
static const hd_keyboard kb_gurmukhi = LAYOUT("gurmukhi-inscript", gurmukhi_rows, false);
static const hd_keyboard kb_gurmukhi_shift =
    LAYOUT("gurmukhi-inscript-shift", gurmukhi_shift_rows, false);

/* ---- keypads ------------------------------------------------------------- */

static const hd_key pad_r1[] = {K("1"), K("2"), K("3")};
static const hd_key pad_r2[] = {K("4"), K("5"), K("6")};
static const hd_key pad_r3[] = {K("7"), K("8"), K("9")};
static const hd_key phone_r4[] = {KW("+", 0.75f), KW("0", 0.75f), SPACE(0.75f),
                                  BACKSPACE(0.75f)};
static const hd_key number_r4[] = {K("-"), K("0"), BACKSPACE(1.0f)};
static const hd_key pin_r4[] = {KW("0", 2.0f), BACKSPACE(1.0f)};
static const hd_kb_row phone_rows[] = {ROW(pad_r1), ROW(pad_r2), ROW(pad_r3), ROW(phone_r4)};
static const hd_kb_row number_rows[] = {ROW(pad_r1), ROW(pad_r2), ROW(pad_r3), ROW(number_r4)};
static const hd_kb_row pin_rows[] = {ROW(pad_r1), ROW(pad_r2), ROW(pad_r3), ROW(pin_r4)};
static const hd_keyboard kb_phone = LAYOUT("phone", phone_rows, false);
static const hd_keyboard kb_number = LAYOUT("number", number_rows, false);
static const hd_keyboard kb_pin = LAYOUT("pin", pin_rows, false);

/* ---- lookup -------------------------------------------------------------- */

typedef struct script_pages {
    const char *lang;
    const hd_keyboard *native, *native_shift, *symbols;
} script_pages;

static const script_pages natives[] = {
    {"ar", &kb_arabic, &kb_arabic_shift, &kb_sym_arabic},
    {"ur", &kb_urdu, &kb_urdu_shift, &kb_sym_urdu},
    {"bn", &kb_bengali, &kb_bengali_shift, &kb_sym_bengali},
    {"pa", &kb_gurmukhi, &kb_gurmukhi_shift, &kb_sym_gurmukhi},
};

/* The native pages of lang ("ur", "ur-PK", "pa_IN"), NULL for Latin. */
static const script_pages *native_of(const char *lang)
{
    if (!lang)
        return NULL;
    for (size_t i = 0; i < sizeof natives / sizeof natives[0]; i++) {
        size_t n = strlen(natives[i].lang);
        if (strncmp(lang, natives[i].lang, n) == 0 &&
            (lang[n] == '\0' || lang[n] == '-' || lang[n] == '_'))
            return &natives[i];
    }
    return NULL;
}

const hd_keyboard *hd_keyboard_get(hd_qtype t, const char *lang, int page, bool pin)
{
    if (pin)
        return &kb_pin;
    if (t == HD_Q_NUMBER)
        return &kb_number;
    if (t == HD_Q_PHONE)
        return &kb_phone;
    if (page < 0 || page >= HD_KB_PAGE_COUNT_)
        page = HD_KB_NATIVE;
    const script_pages *sp = native_of(lang);
    if (t == HD_Q_EMAIL) {
        /* addresses are Latin whatever the language: no globe, no accents */
        switch (page) {
        case HD_KB_NATIVE_SHIFT:
        case HD_KB_LATIN_SHIFT: return &kb_email_shift;
        case HD_KB_SYMBOLS: return &kb_sym_latin; /* its "abc" leads back here */
        default: return &kb_email;
        }
    }
    if (!sp) {
        switch (page) {
        case HD_KB_NATIVE_SHIFT:
        case HD_KB_LATIN_SHIFT: return &kb_latin_shift;
        case HD_KB_SYMBOLS: return &kb_sym_latin;
        case HD_KB_ACCENTS: return &kb_accents;
        default: return &kb_latin;
        }
    }
    switch (page) {
    case HD_KB_NATIVE_SHIFT: return sp->native_shift;
    case HD_KB_LATIN: return &kb_latin_g;
    case HD_KB_LATIN_SHIFT: return &kb_latin_g_shift;
    case HD_KB_SYMBOLS: return sp->symbols;
    case HD_KB_ACCENTS: return &kb_accents;
    default: return sp->native;
    }
}

/* ---- long-press variants ------------------------------------------------- */

typedef struct variant {
    const char *key;
    const char *const list[9]; /* NULL-terminated */
} variant;

static const variant variants[] = {
    {"a", {"à", "á", "â", "ä", "ã", "ą", "ă", NULL}},
    {"c", {"ç", "ć", NULL}},
    {"e", {"è", "é", "ê", "ë", "ę", NULL}},
    {"i", {"ì", "í", "î", "ï", NULL}},
    {"l", {"ł", NULL}},
    {"n", {"ń", NULL}},
    {"o", {"ò", "ó", "ô", "ö", "õ", NULL}},
    {"s", {"ś", "ș", NULL}},
    {"t", {"ț", NULL}},
    {"u", {"ù", "ú", "û", "ü", NULL}},
    {"w", {"ẁ", "ẃ", "ŵ", "ẅ", NULL}},
    {"y", {"ỳ", "ý", "ŷ", "ÿ", NULL}},
    {"z", {"ź", "ż", NULL}},
    {"A", {"À", "Á", "Â", "Ä", "Ã", "Ą", "Ă", NULL}},
    {"C", {"Ç", "Ć", NULL}},
    {"E", {"È", "É", "Ê", "Ë", "Ę", NULL}},
    {"I", {"Ì", "Í", "Î", "Ï", NULL}},
    {"L", {"Ł", NULL}},
    {"N", {"Ń", NULL}},
    {"O", {"Ò", "Ó", "Ô", "Ö", "Õ", NULL}},
    {"S", {"Ś", "Ș", NULL}},
    {"T", {"Ț", NULL}},
    {"U", {"Ù", "Ú", "Û", "Ü", NULL}},
    {"W", {"Ẁ", "Ẃ", "Ŵ", "Ẅ", NULL}},
    {"Y", {"Ỳ", "Ý", "Ŷ", "Ÿ", NULL}},
    {"Z", {"Ź", "Ż", NULL}},
    {"'", {"’", NULL}},
    /* digits in the participant's own script: Arabic-Indic, Urdu
     * (extended Arabic-Indic), Bengali, Gurmukhi */
    {"0", {"٠", "۰", "০", "੦", NULL}},
    {"1", {"١", "۱", "১", "੧", NULL}},
    {"2", {"٢", "۲", "২", "੨", NULL}},
    {"3", {"٣", "۳", "৩", "੩", NULL}},
    {"4", {"٤", "۴", "৪", "੪", NULL}},
    {"5", {"٥", "۵", "৫", "੫", NULL}},
    {"6", {"٦", "۶", "৬", "੬", NULL}},
    {"7", {"٧", "۷", "৭", "੭", NULL}},
    {"8", {"٨", "۸", "৮", "੮", NULL}},
    {"9", {"٩", "۹", "৯", "੯", NULL}},
    /* Arabic and Urdu letter forms */
    {"ا", {"أ", "إ", "آ", NULL}},
    {"ي", {"ئ", "ى", NULL}},
    {"ی", {"ئ", "ے", "ۓ", NULL}},
    {"و", {"ؤ", NULL}},
    {"ه", {"ة", NULL}},
    {"ہ", {"ۃ", "ھ", NULL}},
    {"ل", {"لا", NULL}},
    /* nukta letters, as base + nukta */
    {"ড", {"ড়", NULL}},
    {"ঢ", {"ঢ়", NULL}},
    {"য", {"য়", NULL}},
    {"ত", {"ৎ", NULL}},
    {"ਸ", {"ਸ਼", NULL}},
    {"ਲ", {"ਲ਼", NULL}},
    {"ਖ", {"ਖ਼", NULL}},
    {"ਗ", {"ਗ਼", NULL}},
    {"ਜ", {"ਜ਼", NULL}},
    {"ਫ", {"ਫ਼", NULL}},
};

const char *const *hd_keyboard_variants(const char *key_id)
{
    if (!key_id)
        return NULL;
    for (size_t i = 0; i < sizeof variants / sizeof variants[0]; i++)
        if (strcmp(variants[i].key, key_id) == 0)
            return variants[i].list;
    return NULL;
}
