/* test_golden.c — a few screens compared with stored pictures, with tolerance.
 *
 * The layout tests prove sizes and places from the display list; only
 * pixels show that the text itself came out right: Arabic letters joined
 * and read right to left with "1" and "20" in their place, Urdu in
 * Nastaliq, Bengali and Gurmukhi vowel signs where they belong. So the
 * welcome screen and one question screen in English, Arabic, Urdu, Bengali
 * and Punjabi are drawn by the headless kiosk at 800x480 and compared with
 * the PNGs in tests/golden/ (tools/screens --golden writes them again, after a
 * change meant to alter the pictures; look at them before committing).
 *
 * Anti-aliasing, hinting and advance rounding differ a little between
 * machines and font versions, so a pixel only counts as different when no
 * pixel within one pixel of it in the other picture is within CHANNEL_TOL
 * on every channel, and a picture matches when
 *   - at most MAX_SHARE of all its pixels differ, and
 *   - in each text element (from the layout dump), at most MAX_ELEM_SHARE
 *     of its ink (the pixels that are not its background, in either
 *     picture) differs: a word drawn wrongly (digits in the wrong order, a
 *     missing glyph, a mark in the wrong place) is a small part of the
 *     screen but a large part of its own ink. Swapping "1" and "20" in the
 *     Arabic hint changes 0.17 % of the screen and about two thirds of
 *     the hint's ink (test_swapped_numbers_noticed).
 * The test also proves the tolerance is not blind: the welcome screen one
 * attract step away (another button highlighted, the invitation in another
 * script) must not match.
 *
 * ImageMagick's convert (a dependency: tools/deps) turns both pictures into
 * plain PPM, so the test needs no image library.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/json.h"
#include "testutil.h"

#define CHANNEL_TOL 48
#define MAX_SHARE 0.005
#define MAX_ELEM_SHARE 0.15
#define SIZE "800x480"

static char tmp[512]; /* tu_tmpdir's buffers rotate: a copy */

static int setup(void **state)
{
    (void)state;
    snprintf(tmp, sizeof tmp, "%s", tu_tmpdir());
    return 0;
}

typedef struct image {
    int w, h;
    unsigned char *rgb; /* w * h * 3 */
} image;

static void image_free(image *im)
{
    free(im->rgb);
    im->rgb = NULL;
}

/* Any picture convert reads (BMP, PNG), as 8-bit RGB. */
static bool image_load(const char *path, image *im)
{
    static int n;
    const char *ppm = tu_fmt("%s/load-%d.ppm", tmp, n++);
    char *out = NULL;
    int rc = tu_run(tu_fmt("convert '%s' -alpha off -depth 8 'ppm:%s'", path, ppm), &out, 1);
    if (rc != 0) {
        print_error("convert %s failed (%d): %s\n", path, rc, out ? out : "");
        free(out);
        return false;
    }
    free(out);
    size_t len;
    char *data = tu_slurp(ppm, &len);
    if (!data)
        return false;
    int w, h, maxv, off = 0;
    if (sscanf(data, "P6 %d %d %d%n", &w, &h, &maxv, &off) != 3 || maxv != 255 || w < 1 ||
        h < 1 || (size_t)off + 1 + (size_t)w * (size_t)h * 3 > len) {
        print_error("%s: not an 8-bit PPM\n", ppm);
        free(data);
        return false;
    }
    im->w = w;
    im->h = h;
    im->rgb = malloc((size_t)w * (size_t)h * 3);
    assert_non_null(im->rgb);
    memcpy(im->rgb, data + off + 1, (size_t)w * (size_t)h * 3); /* one white space after 255 */
    free(data);
    return true;
}

static bool close_to(const image *a, size_t i, const image *b, size_t j)
{
    for (int k = 0; k < 3; k++) {
        int d = (int)a->rgb[i * 3 + (size_t)k] - (int)b->rgb[j * 3 + (size_t)k];
        if (d > CHANNEL_TOL || d < -CHANNEL_TOL)
            return false;
    }
    return true;
}

/* Whether a's pixel i has a close pixel in b at most one pixel away. */
static bool matched(const image *a, const image *b, size_t i)
{
    int x = (int)(i % (size_t)a->w), y = (int)(i / (size_t)a->w);
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++) {
            int xx = x + dx, yy = y + dy;
            if (xx >= 0 && yy >= 0 && xx < b->w && yy < b->h &&
                close_to(a, i, b, (size_t)yy * (size_t)b->w + (size_t)xx))
                return true;
        }
    return false;
}

/* A pixel differs when neither picture has a close pixel within one pixel
 * of it in the other: a glyph moved by a pixel (another FreeType rounds an
 * advance the other way) is not a difference, a different glyph is. */
static bool differs(const image *a, const image *b, size_t i)
{
    return !close_to(a, i, b, i) && (!matched(a, b, i) || !matched(b, a, i));
}

typedef struct verdict {
    double share;      /* of all pixels */
    double elem_share; /* the worst text element's */
    char elem[64];     /* its id */
} verdict;

static bool verdict_ok(const verdict *v)
{
    return v->share <= MAX_SHARE && v->elem_share <= MAX_ELEM_SHARE;
}

/* Compares shot with golden; the text elements' boxes come from the shot's
 * layout dump (json). Writes a picture of the differing pixels to diff
 * (red on grey) when diff is not NULL. */
static verdict compare(const image *shot, const image *golden, const char *json, const char *diff)
{
    verdict v = {1.0, 1.0, "(size)"};
    if (shot->w != golden->w || shot->h != golden->h)
        return v;
    size_t n = (size_t)shot->w * (size_t)shot->h, bad = 0;
    for (size_t i = 0; i < n; i++)
        bad += differs(shot, golden, i);
    v.share = (double)bad / (double)n;
    v.elem_share = 0;
    v.elem[0] = '\0';

    size_t len;
    char *js = tu_slurp(json, &len);
    assert_non_null(js);
    hd_json_doc *doc = NULL;
    hd_diag d;
    hd_diag_init(&d, json);
    assert_int_equal(hd_json_parse(js, len, &doc, &d), HD_OK);
    for (const hd_json *e = hd_json_get(hd_json_root(doc), "elements")->child; e; e = e->next) {
        const hd_json *t = hd_json_get(e, "text");
        if (!t || !t->string || !*t->string)
            continue;
        const hd_json *r = hd_json_get(e, "rect")->child;
        int x = (int)r->number, y = (int)r->next->number;
        int w = (int)r->next->next->number, h = (int)r->next->next->next->number;
        if (w * h < 400)
            continue; /* too small for a share to mean anything */
        /* the box's background: its commonest colour in the golden */
        static unsigned hist[4096];
        memset(hist, 0, sizeof hist);
        int x0 = x < 0 ? 0 : x, y0 = y < 0 ? 0 : y;
        int x1 = x + w < shot->w ? x + w : shot->w, y1 = y + h < shot->h ? y + h : shot->h;
        for (int yy = y0; yy < y1; yy++)
            for (int xx = x0; xx < x1; xx++) {
                const unsigned char *p = golden->rgb + ((size_t)yy * (size_t)shot->w + (size_t)xx) * 3;
                hist[(p[0] >> 4) << 8 | (p[1] >> 4) << 4 | p[2] >> 4]++;
            }
        unsigned mode = 0;
        for (unsigned k = 1; k < 4096; k++)
            if (hist[k] > hist[mode])
                mode = k;
        int bg[3] = {(int)(mode >> 8) * 16 + 8, (int)((mode >> 4) & 15) * 16 + 8,
                     (int)(mode & 15) * 16 + 8};
        /* of the pixels that are ink (not background) in either picture,
         * the share that differs */
        size_t eb = 0, ink = 0;
        for (int yy = y0; yy < y1; yy++)
            for (int xx = x0; xx < x1; xx++) {
                size_t i = (size_t)yy * (size_t)shot->w + (size_t)xx;
                bool is_ink = false;
                for (int k = 0; k < 3; k++) {
                    int dg = (int)golden->rgb[i * 3 + (size_t)k] - bg[k];
                    int ds = (int)shot->rgb[i * 3 + (size_t)k] - bg[k];
                    is_ink |= dg > CHANNEL_TOL || dg < -CHANNEL_TOL || ds > CHANNEL_TOL ||
                              ds < -CHANNEL_TOL;
                }
                ink += is_ink;
                eb += is_ink && differs(shot, golden, i);
            }
        double s = ink ? (double)eb / (double)ink : 0;
        if (s > v.elem_share) {
            v.elem_share = s;
            snprintf(v.elem, sizeof v.elem, "%s", hd_json_get(e, "id")->string);
        }
    }
    hd_json_free(doc);
    free(js);
    if (getenv("HD_GOLDEN_VERBOSE")) /* for choosing the tolerances */
        print_message("%s: %.4f%% of pixels, %.2f%% of %s\n", json, 100 * v.share,
                      100 * v.elem_share, v.elem);

    if (diff) {
        FILE *f = fopen(diff, "wb");
        assert_non_null(f);
        fprintf(f, "P6 %d %d 255\n", shot->w, shot->h);
        for (size_t i = 0; i < n; i++) {
            unsigned char px[3];
            if (differs(shot, golden, i)) {
                px[0] = 255;
                px[1] = px[2] = 0;
            } else {
                unsigned g = (shot->rgb[i * 3] + shot->rgb[i * 3 + 1] + shot->rgb[i * 3 + 2]) / 6 + 100;
                px[0] = px[1] = px[2] = (unsigned char)g;
            }
            fwrite(px, 1, 3, f);
        }
        fclose(f);
    }
    return v;
}

/* Runs the headless kiosk on tests/golden/<events> into tmp/<out>, with
 * the translations in trdir (NULL: the source tree's). */
static const char *run_events_tr(const char *events, const char *out, const char *trdir)
{
    char dir[1024];
    snprintf(dir, sizeof dir, "%s/%s", tmp, out);
    char *log = NULL;
    int rc = tu_run(tu_fmt("'%s' --headless --events '%s' --shots '%s' --size " SIZE
                           " --survey '%s' --translations '%s'",
                           tu_bin("heard"), tu_src(tu_fmt("tests/golden/%s", events)), dir,
                           tu_src("assets/surveys/example.json"),
                           trdir ? trdir : tu_src("translations")),
                    &log, 1);
    if (rc != 0)
        fail_msg("heard --headless on %s: exit %d\n%s", events, rc, log ? log : "");
    free(log);
    return tu_fmt("%s", dir);
}

static const char *run_events(const char *events, const char *out)
{
    return run_events_tr(events, out, NULL);
}

static void load_golden(const char *name, image *g)
{
    const char *path = tu_src(tu_fmt("tests/golden/%s.png", name));
    if (!image_load(path, g))
        fail_msg("no golden %s (tools/screens --golden writes them)", path);
}

static const char *const langs[] = {"en", "ar", "ur", "bn", "pa"};
#define N_LANGS (sizeof langs / sizeof langs[0])
#define N_WELCOME 10

static void test_welcome(void **state)
{
    (void)state;
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", run_events("welcome.events", "welcome"));
    image shots[N_WELCOME];
    for (int i = 0; i < N_WELCOME; i++)
        assert_true(image_load(tu_fmt("%s/welcome-%d.bmp", dir, i), &shots[i]));
    for (size_t l = 0; l < N_LANGS; l++) {
        image g;
        load_golden(tu_fmt("welcome-%s", langs[l]), &g);
        /* the attract step of this language is one of the ten shots */
        int best = -1, second = -1;
        verdict vb = {2, 2, ""}, vs = {2, 2, ""};
        for (int i = 0; i < N_WELCOME; i++) {
            verdict v = compare(&shots[i], &g, tu_fmt("%s/welcome-%d.json", dir, i), NULL);
            if (v.share < vb.share) {
                second = best;
                vs = vb;
                best = i;
                vb = v;
            } else if (v.share < vs.share) {
                second = i;
                vs = v;
            }
        }
        assert_true(best >= 0 && second >= 0);
        const char *bmp = tu_fmt("%s/welcome-%d.bmp", dir, best);
        compare(&shots[best], &g, tu_fmt("%s/welcome-%d.json", dir, best),
                tu_fmt("%s/welcome-%s-diff.ppm", tmp, langs[l]));
        if (!verdict_ok(&vb))
            fail_msg("welcome-%s: closest shot %s differs in %.3f%% of pixels (at most %.3f%%), "
                     "%.1f%% of %s (at most %.0f%%); see %s/welcome-%s-diff.ppm (HD_KEEP_TMP=1)",
                     langs[l], bmp, 100 * vb.share, 100 * MAX_SHARE, 100 * vb.elem_share,
                     vb.elem, 100 * MAX_ELEM_SHARE, tmp, langs[l]);
        /* the tolerance still tells one attract step from the next */
        if (verdict_ok(&vs))
            fail_msg("welcome-%s also matches shot %d (%.3f%%, %.1f%% of %s): the tolerance "
                     "is too loose to notice the attract step",
                     langs[l], second, 100 * vs.share, 100 * vs.elem_share, vs.elem);
        image_free(&g);
    }
    for (int i = 0; i < N_WELCOME; i++)
        image_free(&shots[i]);
}

static void test_questions(void **state)
{
    (void)state;
    image shots[N_LANGS];
    char json[N_LANGS][1024];
    for (size_t l = 0; l < N_LANGS; l++) {
        const char *dir = run_events(tu_fmt("question-%s.events", langs[l]), langs[l]);
        snprintf(json[l], sizeof json[l], "%s/question.json", dir);
        assert_true(image_load(tu_fmt("%s/question.bmp", dir), &shots[l]));
        image g;
        load_golden(tu_fmt("question-%s", langs[l]), &g);
        verdict v = compare(&shots[l], &g, json[l],
                            tu_fmt("%s/question-%s-diff.ppm", tmp, langs[l]));
        if (!verdict_ok(&v))
            fail_msg("question-%s differs in %.3f%% of pixels (at most %.3f%%), %.1f%% of %s "
                     "(at most %.0f%%); see %s/question-%s-diff.ppm (HD_KEEP_TMP=1)",
                     langs[l], 100 * v.share, 100 * MAX_SHARE, 100 * v.elem_share, v.elem,
                     100 * MAX_ELEM_SHARE, tmp, langs[l]);
        image_free(&g);
    }
    /* each shot matches its own golden only */
    for (size_t l = 0; l < N_LANGS; l++) {
        image g;
        load_golden(tu_fmt("question-%s", langs[(l + 1) % N_LANGS]), &g);
        verdict v = compare(&shots[l], &g, json[l], NULL);
        assert_false(verdict_ok(&v));
        image_free(&g);
    }
    for (size_t l = 0; l < N_LANGS; l++)
        image_free(&shots[l]);
}

/* The tolerance notices a small mistake in right-to-left text: the Arabic
 * hint with its two numbers swapped ("from 20 to 1") differs from the
 * golden in a sliver of the screen, but in most of the hint's ink. */
static void test_swapped_numbers_noticed(void **state)
{
    (void)state;
    char tr[1024];
    snprintf(tr, sizeof tr, "%s/swapped-translations", tmp);
    char *out = NULL;
    int rc = tu_run(tu_fmt("cp -r '%s' '%s' && sed -i "
                           "'s/^msgstr \"\\(.*\\){min}\\(.*\\){max}\\(.*\\)\"$/"
                           "msgstr \"\\1{max}\\2{min}\\3\"/' '%s/ui/ar.po'",
                           tu_src("translations"), tr, tr),
                    &out, 1);
    assert_int_equal(rc, 0);
    free(out);
    const char *dir = run_events_tr("question-ar.events", "swapped", tr);
    image shot, g;
    assert_true(image_load(tu_fmt("%s/question.bmp", dir), &shot));
    load_golden("question-ar", &g);
    verdict v = compare(&shot, &g, tu_fmt("%s/question.json", dir), NULL);
    assert_false(verdict_ok(&v));
    assert_true(v.share <= MAX_SHARE); /* the screen as a whole would pass... */
    assert_string_equal(v.elem, "hint"); /* ...the hint's ink does not */
    image_free(&shot);
    image_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_welcome),
        cmocka_unit_test(test_questions),
        cmocka_unit_test(test_swapped_numbers_noticed),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
