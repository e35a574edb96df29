/* test_text.c — shaping, bidi, fallback, wrapping and the texture cache,
 * against the real Debian Noto fonts, drawn by SDL's software renderer into
 * a surface (no display needed).
 *
 * With HD_TEXT_SHOTS=DIR set, also writes sample BMPs there to look at.
 */
#define _POSIX_C_SOURCE 200809L
#include <SDL.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "platform/text.h"
#include "platform/text_internal.h"
#include "testutil.h"

#define W 800
#define H 480
#define MAXRUNS 256

static SDL_Surface *surf;
static SDL_Renderer *ren;
static hd_text *tx;
static hd_text_vrun runs[MAXRUNS];

static const char *EN = "How easy is it to get a GP appointment?";
static const char *AR = "عمري 25 سنة";
static const char *AR_LONG = "كم عمرك؟ عمري 25 سنة، وأسكن في هذا الحي منذ عام 2026. "
                             "هل من السهل أن تحصل على موعد مع الطبيب؟";
static const char *UR = "آپ کی عمر کیا ہے؟ میری عمر 25 سال ہے۔ ڈاکٹر سے ملاقات کتنی آسان ہے؟";
static const char *BN = "জিপি অ্যাপয়েন্টমেন্ট পাওয়া কতটা সহজ? আপনার বয়স কত? স্বাস্থ্যসেবা কেন্দ্র।";
static const char *PA = "ਜੀਪੀ ਦੀ ਮੁਲਾਕਾਤ ਲੈਣਾ ਕਿੰਨਾ ਆਸਾਨ ਹੈ? ਤੁਹਾਡੀ ਉਮਰ ਕਿੰਨੀ ਹੈ? ਸ੍ਰੀ ਪ੍ਰਕਾਸ਼";
static const char *MIXED = "أستخدم WhatsApp و Facebook كل يوم (تقريبا).";
static const char *LATIN_ACCENTS = "Zażółć gęślą jaźń. Ŵyt ti'n hapus? Țară, știință. Ação, não.";

static int setup(void **state)
{
    (void)state;
    setenv("SDL_VIDEODRIVER", "dummy", 0);
    if (SDL_Init(SDL_INIT_VIDEO) != 0)
        return -1;
    surf = SDL_CreateRGBSurfaceWithFormat(0, W, H, 32, SDL_PIXELFORMAT_ARGB8888);
    ren = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
    if (!ren)
        return -1;
    return hd_text_open(ren, NULL, &tx) == HD_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    hd_text_close(tx);
    SDL_DestroyRenderer(ren);
    SDL_FreeSurface(surf);
    SDL_Quit();
    return 0;
}

/* Decodes one UTF-8 code point (the texts here are valid). */
static uint32_t next_cp(const char **ps)
{
    const unsigned char *s = (const unsigned char *)*ps;
    uint32_t c = s[0];
    int n = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
    c &= n == 0 ? 0x7F : n == 1 ? 0x1F : n == 2 ? 0x0F : 0x07;
    for (int i = 1; i <= n; i++)
        c = (c << 6) | (s[i] & 0x3F);
    *ps += n + 1;
    return c;
}

static void clear(void)
{
    SDL_SetRenderDrawColor(ren, 0, 0, 0, 255);
    SDL_RenderClear(ren);
}

/* Pixels differing from black inside r, and their bounding box. */
static int lit(SDL_Rect r, SDL_Rect *bbox)
{
    int n = 0, x0 = INT32_MAX, y0 = INT32_MAX, x1 = -1, y1 = -1;
    SDL_LockSurface(surf);
    for (int y = r.y; y < r.y + r.h; y++) {
        const uint32_t *row = (const uint32_t *)((const uint8_t *)surf->pixels + y * surf->pitch);
        for (int x = r.x; x < r.x + r.w; x++) {
            if ((row[x] & 0x00FFFFFF) != 0) {
                n++;
                if (x < x0) x0 = x;
                if (x > x1) x1 = x;
                if (y < y0) y0 = y;
                if (y > y1) y1 = y;
            }
        }
    }
    SDL_UnlockSurface(surf);
    if (bbox)
        *bbox = (SDL_Rect){x0, y0, x1 - x0 + 1, y1 - y0 + 1};
    return n;
}

/* Every code point of every run is in the font chosen for that run. */
static void assert_all_glyphs(const char *text, int px, bool rtl)
{
    int n = hd_text_debug_runs(tx, text, px, false, 0, rtl, runs, MAXRUNS);
    assert_true(n > 0 && n <= MAXRUNS);
    for (int i = 0; i < n; i++) {
        const char *s = runs[i].text;
        while (*s) {
            uint32_t c = next_cp(&s);
            if (!TTF_GlyphIsProvided32(runs[i].font, c))
                fail_msg("U+%04X of \"%s\" is missing from %s", (unsigned)c, runs[i].text,
                         runs[i].font_file);
        }
    }
}

/* The font file chosen for the run containing needle. */
static const char *font_of(int n, const char *needle)
{
    for (int i = 0; i < n; i++)
        if (strstr(runs[i].text, needle))
            return runs[i].font_file;
    fail_msg("no run contains \"%s\"", needle);
    return NULL;
}

static void test_measures_every_script(void **state)
{
    (void)state;
    struct {
        const char *text, *lang, *font, *script;
        bool rtl;
    } cases[] = {
        {EN, "en", "NotoSans-Regular", "Latn", false},
        {AR, "ar", "NotoNaskhArabic-Regular", "Arab", true},
        {AR_LONG, "ar", "NotoNaskhArabic-Regular", "Arab", true},
        {UR, "ur", "NotoNastaliqUrdu-Regular", "Arab", true},
        {BN, "bn", "NotoSansBengali-Regular", "Beng", false},
        {PA, "pa", "NotoSansGurmukhi-Regular", "Guru", false},
        {LATIN_ACCENTS, "pl", "NotoSans-Regular", "Latn", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        hd_text_set_lang(tx, cases[i].lang);
        int w = 0, h = 0;
        hd_text_size(tx, cases[i].text, 28, false, 0, cases[i].rtl, &w, &h);
        assert_true(w > 100);
        assert_true(h >= 28);
        assert_all_glyphs(cases[i].text, 28, cases[i].rtl);
        int n = hd_text_debug_runs(tx, cases[i].text, 28, false, 0, cases[i].rtl, runs, MAXRUNS);
        bool seen = false;
        for (int r = 0; r < n; r++) {
            if (strcmp(runs[r].script, cases[i].script) == 0) {
                seen = true;
                assert_non_null(strstr(runs[r].font_file, cases[i].font));
            }
        }
        assert_true(seen);
        /* bold is measured with the bold face and is no narrower */
        int wb = 0, hb = 0;
        hd_text_size(tx, cases[i].text, 28, true, 0, cases[i].rtl, &wb, &hb);
        assert_true(wb >= w * 9 / 10 && hb > 0);
    }
    hd_text_set_lang(tx, "en");
}

/* "My age is 25 years", right to left: reading from the right, عمري then 25
 * then سنة, so from the left the runs are سنة, 25, عمري, and 25 itself is a
 * left-to-right run. Without bidi the digits would come out as 52. */
static void test_arabic_number_in_reading_order(void **state)
{
    (void)state;
    hd_text_set_lang(tx, "ar");
    int n = hd_text_debug_runs(tx, AR, 32, false, 0, true, runs, MAXRUNS);
    assert_int_equal(n, 3);
    assert_non_null(strstr(runs[0].text, "سنة"));
    assert_string_equal(runs[1].text, "25");
    assert_non_null(strstr(runs[2].text, "عمري"));
    assert_true(runs[0].level == 1 && runs[2].level == 1);
    assert_int_equal(runs[1].level, 2); /* even: shaped left to right */
    assert_true(runs[0].x < runs[1].x && runs[1].x < runs[2].x);

    /* the year in a longer sentence stays one left-to-right run, 2026 */
    n = hd_text_debug_runs(tx, AR_LONG, 32, false, 0, true, runs, MAXRUNS);
    int year = -1, age = -1;
    for (int i = 0; i < n; i++) {
        if (strcmp(runs[i].text, "2026") == 0)
            year = i;
        if (strcmp(runs[i].text, "25") == 0)
            age = i;
    }
    assert_true(year >= 0 && age >= 0);
    assert_true(year < age); /* the year comes later in reading, so further left */
    assert_int_equal(runs[year].level % 2, 0);

    /* In a left-to-right paragraph the number stays with the Arabic words it
     * follows: "Hello 25 عمري" from the left. */
    n = hd_text_debug_runs(tx, "Hello عمري 25", 32, false, 0, false, runs, MAXRUNS);
    assert_int_equal(n, 3);
    assert_string_equal(runs[0].text, "Hello ");
    assert_string_equal(runs[1].text, "25");
    assert_non_null(strstr(runs[2].text, "عمري"));
    hd_text_set_lang(tx, "en");
}

/* A paragraph with no letter of the UI's direction keeps its own: English
 * fallback text in the Urdu UI ends with its "?", still aligned right; an
 * Arabic name on the English screen has its "!" on the left. */
static void test_paragraph_without_ui_direction_letters(void **state)
{
    (void)state;
    int n = hd_text_debug_runs(tx, "How are you?", 28, false, 0, true, runs, MAXRUNS);
    assert_int_equal(n, 1);
    assert_string_equal(runs[0].text, "How are you?");
    assert_int_equal(runs[0].level % 2, 0);
    n = hd_text_debug_runs(tx, "مرحبا!", 28, false, 0, false, runs, MAXRUNS);
    assert_int_equal(n, 1);
    assert_int_equal(runs[0].level, 1);
    /* but one Latin word in an Urdu sentence does not flip it */
    n = hd_text_debug_runs(tx, "GP سے ملاقات؟", 28, false, 0, true, runs, MAXRUNS);
    assert_true(n >= 2);
    assert_non_null(strstr(runs[n - 1].text, "GP")); /* read first: rightmost */
    clear();
    SDL_Rect box = {20, 20, 760, 60}, bb;
    hd_text_draw(tx, "How are you?", 28, false, &box, 0, true, false, 0xFFFFFFFF);
    lit((SDL_Rect){0, 0, W, H}, &bb);
    assert_true(bb.x + bb.w > box.x + box.w - 10);
}

/* English inside Arabic: the Latin words get Noto Sans (Naskh has no Latin
 * letters) and a left-to-right level, in reading order. */
static void test_latin_inside_arabic(void **state)
{
    (void)state;
    hd_text_set_lang(tx, "ar");
    int n = hd_text_debug_runs(tx, MIXED, 28, false, 0, true, runs, MAXRUNS);
    assert_true(n >= 4);
    int wa = -1, fb = -1;
    for (int i = 0; i < n; i++) {
        if (strstr(runs[i].text, "WhatsApp"))
            wa = i;
        if (strstr(runs[i].text, "Facebook"))
            fb = i;
    }
    assert_true(wa >= 0 && fb >= 0);
    assert_true(fb < wa); /* WhatsApp is read first, so it is further right */
    assert_int_equal(runs[wa].level % 2, 0);
    assert_non_null(strstr(runs[wa].font_file, "NotoSans-"));
    assert_non_null(strstr(font_of(n, "كل"), "NotoNaskhArabic"));
    assert_all_glyphs(MIXED, 28, true);
    hd_text_set_lang(tx, "en");
}

static void test_arabic_font_follows_language(void **state)
{
    (void)state;
    const char *arabic = "مرحبا بكم";
    const char *urdu = "آپ کی رائے";
    hd_text_set_lang(tx, "ar");
    int n = hd_text_debug_runs(tx, arabic, 28, false, 0, true, runs, MAXRUNS);
    assert_non_null(strstr(font_of(n, "مرحبا"), "NotoNaskhArabic"));
    /* Urdu-only letters (ے) mean Urdu whatever the language setting */
    n = hd_text_debug_runs(tx, urdu, 28, false, 0, true, runs, MAXRUNS);
    assert_non_null(strstr(font_of(n, "رائے"), "NotoNastaliqUrdu"));
    hd_text_set_lang(tx, "ur");
    n = hd_text_debug_runs(tx, arabic, 28, false, 0, true, runs, MAXRUNS);
    assert_non_null(strstr(font_of(n, "مرحبا"), "NotoNastaliqUrdu"));
    /* Nastaliq lines are taller than Naskh lines */
    int wu, hu, wa, ha;
    hd_text_size(tx, arabic, 28, false, 0, true, &wu, &hu);
    hd_text_set_lang(tx, "ar");
    hd_text_size(tx, arabic, 28, false, 0, true, &wa, &ha);
    assert_true(hu > ha);
    hd_text_set_lang(tx, "en");
}

static void test_wrapping_never_exceeds_width(void **state)
{
    (void)state;
    const char *texts[] = {EN, AR_LONG, UR, BN, PA, MIXED, LATIN_ACCENTS};
    const char *langs[] = {"en", "ar", "ur", "bn", "pa", "ar", "pl"};
    const bool rtl[] = {false, true, true, false, false, true, false};
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        hd_text_set_lang(tx, langs[i]);
        int w1, h1;
        hd_text_size(tx, texts[i], 28, false, 0, rtl[i], &w1, &h1);
        for (int wrap = 90; wrap <= 700; wrap += 61) {
            int w, h;
            hd_text_size(tx, texts[i], 28, false, wrap, rtl[i], &w, &h);
            if (w > wrap)
                fail_msg("\"%s\" wrapped to %d is %d wide", texts[i], wrap, w);
            int n = hd_text_debug_runs(tx, texts[i], 28, false, wrap, rtl[i], runs, MAXRUNS);
            assert_true(n > 0 && n <= MAXRUNS);
            int lines = runs[n - 1].line + 1, sum_h = 0, max_w = 0, last = -1;
            for (int r = 0; r < n; r++) {
                assert_true(runs[r].x + runs[r].w <= runs[r].line_w);
                if (runs[r].line != last) {
                    sum_h += runs[r].line_h;
                    if (runs[r].line_w > max_w)
                        max_w = runs[r].line_w;
                    last = runs[r].line;
                }
            }
            /* the size is exactly the lines drawn */
            assert_int_equal(w, max_w);
            assert_int_equal(h, sum_h);
            if (w1 > wrap)
                assert_true(lines > 1);
            else
                assert_int_equal(lines, 1);
        }
    }
    hd_text_set_lang(tx, "en");
}

/* Marks, ZWJ/ZWNJ and anything after a virama never start a line. */
static bool starts_cluster(uint32_t c, uint32_t prev)
{
    bool mark = (c >= 0x0981 && c <= 0x0983) || c == 0x09BC || (c >= 0x09BE && c <= 0x09CD) ||
                c == 0x09D7 || c == 0x200C || c == 0x200D;
    return !mark && prev != 0x09CD;
}

static void test_long_bengali_word_breaks_between_clusters(void **state)
{
    (void)state;
    /* "health-service-centres" with conjuncts (স্ব, স্থ্য, ন্দ্র), run together */
    const char *word = "স্বাস্থ্যসেবাকেন্দ্রগুলোতেস্বাস্থ্যসেবাকেন্দ্রগুলোতেস্বাস্থ্যসেবাকেন্দ্র";
    hd_text_set_lang(tx, "bn");
    int wrap = 110;
    int n = hd_text_debug_runs(tx, word, 28, false, wrap, false, runs, MAXRUNS);
    assert_true(n > 0 && n <= MAXRUNS);
    int lines = runs[n - 1].line + 1;
    assert_true(lines >= 3);
    char joined[1024] = "";
    uint32_t prev = 0;
    for (int r = 0; r < n; r++) {
        assert_true(runs[r].line_w <= wrap);
        const char *s = runs[r].text;
        uint32_t first = next_cp(&s);
        if (r > 0 && runs[r].line != runs[r - 1].line && !starts_cluster(first, prev))
            fail_msg("line %d starts inside a cluster (U+%04X after U+%04X)", runs[r].line,
                     (unsigned)first, (unsigned)prev);
        s = runs[r].text;
        while (*s)
            prev = next_cp(&s);
        strcat(joined, runs[r].text);
    }
    assert_string_equal(joined, word); /* nothing lost or repeated at the cuts */
    hd_text_set_lang(tx, "en");
}

static void test_newlines_and_odd_input(void **state)
{
    (void)state;
    int w, h, w1, h1;
    hd_text_size(tx, "one", 24, false, 0, false, &w1, &h1);
    hd_text_size(tx, "one\ntwo", 24, false, 0, false, &w, &h);
    assert_int_equal(h, 2 * h1);
    hd_text_size(tx, "one\n\ntwo", 24, false, 0, false, &w, &h);
    assert_int_equal(h, 3 * h1);
    hd_text_size(tx, "", 24, false, 0, false, &w, &h);
    assert_true(w == 0 && h == 0);
    hd_text_size(tx, NULL, 24, false, 0, false, &w, &h);
    assert_true(w == 0 && h == 0);
    /* malformed UTF-8 is drawn as replacement characters, not a crash */
    hd_text_size(tx, "\xff\xfe abc \xc3", 24, false, 0, false, &w, &h);
    assert_true(w > 0 && h > 0);
    /* a typed trailing space counts when it fits (the caret moves) */
    int ws;
    hd_text_size(tx, "one ", 24, false, 400, false, &ws, &h);
    assert_true(ws > w1);
}

static void test_draws_pixels_where_aligned(void **state)
{
    (void)state;
    SDL_Rect box = {20, 20, 760, 120};
    clear();
    hd_text_draw(tx, EN, 28, false, &box, 0, false, true, 0xFFFFFFFF);
    SDL_Rect bb;
    int n = lit((SDL_Rect){0, 0, W, H}, &bb);
    assert_true(n > 500);
    int w, h;
    hd_text_size(tx, EN, 28, false, box.w, false, &w, &h);
    /* inside the measured box: start-aligned at the left, centred vertically */
    assert_true(bb.x >= box.x && bb.x < box.x + 10);
    assert_true(bb.x + bb.w <= box.x + w);
    assert_true(bb.y >= box.y + (box.h - h) / 2 && bb.y + bb.h <= box.y + (box.h + h) / 2);

    /* right to left: "start" is the right edge */
    hd_text_set_lang(tx, "ar");
    clear();
    hd_text_draw(tx, AR, 28, false, &box, 0, true, false, 0xFFFFFFFF);
    n = lit((SDL_Rect){0, 0, W, H}, &bb);
    assert_true(n > 200);
    assert_true(bb.x + bb.w > box.x + box.w - 10 && bb.x + bb.w <= box.x + box.w);
    assert_true(bb.x > box.x + box.w / 2);

    /* centred */
    clear();
    hd_text_draw(tx, AR, 28, false, &box, 1, true, false, 0xFFFFFFFF);
    lit((SDL_Rect){0, 0, W, H}, &bb);
    int mid = bb.x + bb.w / 2;
    assert_true(abs(mid - (box.x + box.w / 2)) < 20);

    /* alpha in fg: half-transparent text is dimmer */
    clear();
    hd_text_draw(tx, "Dim", 40, true, &box, 0, false, false, 0xFFFFFF80);
    uint32_t brightest = 0;
    SDL_LockSurface(surf);
    for (int y = box.y; y < box.y + 60; y++)
        for (int x = box.x; x < box.x + 100; x++) {
            uint32_t p = ((uint32_t *)((uint8_t *)surf->pixels + y * surf->pitch))[x] & 0xFF;
            if (p > brightest)
                brightest = p;
        }
    SDL_UnlockSurface(surf);
    assert_true(brightest > 100 && brightest < 160);
    hd_text_set_lang(tx, "en");
}

static void test_steady_redraw_shapes_nothing(void **state)
{
    (void)state;
    const char *texts[] = {EN, AR_LONG, UR, BN, PA, MIXED};
    const bool rtl[] = {false, true, true, false, false, true};
    SDL_Rect box = {10, 10, 600, 400};
    for (int frame = 0; frame < 3; frame++) {
        unsigned long before = hd_text_debug_shapes(tx);
        int entries_before;
        size_t bytes_before;
        hd_text_debug_cache(tx, &entries_before, &bytes_before);
        clear();
        for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
            int w, h;
            hd_text_size(tx, texts[i], 26, false, box.w, rtl[i], &w, &h);
            hd_text_draw(tx, texts[i], 26, false, &box, 0, rtl[i], false, 0xEEEEEEFF);
        }
        unsigned long shaped = hd_text_debug_shapes(tx) - before;
        int entries;
        size_t bytes;
        hd_text_debug_cache(tx, &entries, &bytes);
        if (frame == 0) {
            assert_true(shaped > 0);
        } else {
            assert_int_equal(shaped, 0);
            assert_int_equal(entries, entries_before);
            assert_int_equal(bytes, bytes_before);
        }
    }
    /* another colour is another texture, but the same size needs no shaping */
    unsigned long before = hd_text_debug_shapes(tx);
    int w, h;
    hd_text_size(tx, EN, 26, false, box.w, false, &w, &h);
    assert_int_equal(hd_text_debug_shapes(tx) - before, 0);
    hd_text_draw(tx, EN, 26, false, &box, 0, false, false, 0xFF0000FF);
    assert_true(hd_text_debug_shapes(tx) > before);

    hd_text_cache_clear(tx);
    int entries;
    size_t bytes;
    hd_text_debug_cache(tx, &entries, &bytes);
    assert_int_equal(entries, 0);
    assert_int_equal(bytes, 0);
}

static void test_cache_stays_within_budget(void **state)
{
    (void)state;
    char buf[64];
    SDL_Rect box = {0, 0, 800, 100};
    for (int i = 0; i < 600; i++) {
        snprintf(buf, sizeof buf, "Line number %d of many", i);
        hd_text_draw(tx, buf, 40, false, &box, 0, false, false, 0xFFFFFFFF);
    }
    int entries;
    size_t bytes;
    hd_text_debug_cache(tx, &entries, &bytes);
    assert_true(entries <= 256);
    assert_true(bytes <= (size_t)8 << 20);
    hd_text_cache_clear(tx);
}

static void test_missing_fonts(void **state)
{
    (void)state;
    hd_text *t2 = NULL;
    assert_int_equal(hd_text_open(NULL, "/nonexistent/fonts", &t2), HD_ENOTFOUND);
    assert_null(t2);
    /* only Noto Sans: every script falls back to it, measuring still works */
    const char *dir = tu_tmpdir();
    char link[600];
    snprintf(link, sizeof link, "%s/NotoSans-Regular.ttf", dir);
    assert_int_equal(symlink("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", link), 0);
    assert_int_equal(hd_text_open(NULL, dir, &t2), HD_OK);
    int w, h;
    hd_text_size(t2, BN, 24, true, 0, false, &w, &h);
    assert_true(w > 0 && h > 0);
    int n = hd_text_debug_runs(t2, AR, 24, false, 0, true, runs, MAXRUNS);
    assert_true(n > 0);
    assert_non_null(strstr(runs[0].font_file, "NotoSans-Regular"));
    hd_text_draw(t2, EN, 24, false, &(SDL_Rect){0, 0, 100, 100}, 0, false, false, 0xFFFFFFFF);
    hd_text_close(t2);
    /* the first handle still works after another one closed (TTF refcount) */
    hd_text_size(tx, EN, 24, false, 0, false, &w, &h);
    assert_true(w > 0);
}

/* Writes sample images to $HD_TEXT_SHOTS for a person to look at. */
static void test_sample_images(void **state)
{
    (void)state;
    const char *dir = getenv("HD_TEXT_SHOTS");
    if (!dir)
        skip();
    struct {
        const char *name, *lang, *text;
        bool rtl;
    } s[] = {
        {"arabic", "ar", AR_LONG, true},
        {"urdu", "ur", UR, true},
        {"bengali", "bn", BN, false},
        {"punjabi", "pa", PA, false},
        {"mixed", "ar", MIXED, true},
        {"latin", "pl", LATIN_ACCENTS, false},
    };
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++) {
        hd_text_set_lang(tx, s[i].lang);
        SDL_SetRenderDrawColor(ren, 250, 248, 240, 255);
        SDL_RenderClear(ren);
        SDL_Rect box = {20, 20, 440, 440};
        SDL_SetRenderDrawColor(ren, 200, 200, 230, 255);
        SDL_RenderDrawRect(ren, &box);
        hd_text_draw(tx, s[i].text, 30, false, &box, 0, s[i].rtl, false, 0x202020FF);
        SDL_Rect big = {480, 20, 300, 440};
        SDL_RenderDrawRect(ren, &big);
        hd_text_draw(tx, s[i].text, 22, true, &big, 1, s[i].rtl, true, 0x1040A0FF);
        SDL_RenderPresent(ren);
        assert_int_equal(SDL_SaveBMP(surf, tu_fmt("%s/%s.bmp", dir, s[i].name)), 0);
    }
    hd_text_set_lang(tx, "en");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_measures_every_script),
        cmocka_unit_test(test_arabic_number_in_reading_order),
        cmocka_unit_test(test_latin_inside_arabic),
        cmocka_unit_test(test_paragraph_without_ui_direction_letters),
        cmocka_unit_test(test_arabic_font_follows_language),
        cmocka_unit_test(test_wrapping_never_exceeds_width),
        cmocka_unit_test(test_long_bengali_word_breaks_between_clusters),
        cmocka_unit_test(test_newlines_and_odd_input),
        cmocka_unit_test(test_draws_pixels_where_aligned),
        cmocka_unit_test(test_steady_redraw_shapes_nothing),
        cmocka_unit_test(test_cache_stays_within_budget),
        cmocka_unit_test(test_missing_fonts),
        cmocka_unit_test(test_sample_images),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
