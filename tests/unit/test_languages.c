/* test_languages.c — the example survey walked through in every language.
 *
 * tests/ui/tour.events visits every screen and question type; here it is
 * run by the headless kiosk once per language of the example survey (the
 * language chosen on the welcome screen instead of English) at 800x480 and
 * 720x1280, and every layout dump is read back:
 *   - the screens of the session say the language chosen, "dir": "rtl" for
 *     Arabic and Urdu and "ltr" for the others;
 *   - their texts are the translations, not the English source: every
 *     element with text differs from the same element in the English walk
 *     (but for "A+", the typed answers and keyboard keys);
 *   - right-to-left screens are the English ones mirrored (keyboards keep
 *     their layout's order): elements side by side in English are side by
 *     side the other way round, one alone in its row keeps its distance
 *     from the edge it is laid out from; Next is on the left of Back,
 *     progress text on the right of its bar;
 *   - no text is larger than the box it is drawn in, no box sticks out of
 *     its element, nothing outside the scrolling area is off the screen.
 * The staff screens at the end of the tour are in the source language (the
 * welcome screen starts every visit afresh) and are only checked for
 * overflow.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/json.h"
#include "core/survey.h"
#include "testutil.h"

static char dir[512];
static hd_survey *sv;

/* The staff PIN 2468 and a coordinator key (so the tour reaches the group
 * tier and staff mode), written by heard-sync as a coordinator would. */
static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s", tu_tmpdir());
    char *out = NULL;
    int rc = tu_run(tu_fmt("'%s' keygen --public '%s/coordinator.pub' --secret "
                           "'%s/coordinator.sec' >/dev/null",
                           tu_bin("heard-sync"), dir, dir),
                    &out, 1);
    free(out);
    if (rc != 0)
        return -1;
    char *hash = NULL;
    rc = tu_run(tu_fmt("echo 2468 | '%s' pin-hash", tu_bin("heard-sync")), &hash, 0);
    if (rc != 0 || !hash)
        return -1;
    hash[strcspn(hash, "\n")] = '\0';
    tu_write(tu_fmt("%s/config.json", dir),
             tu_fmt("{\"coordinator_public_key\": \"coordinator.pub\", \"staff_pin_hash\": "
                    "\"%s\", \"venues\": [\"Test hall\"]}\n",
                    hash));
    free(hash);
    size_t len;
    char *json = tu_slurp(tu_src("assets/surveys/example.json"), &len);
    if (!json)
        return -1;
    hd_diag d;
    hd_err err = hd_survey_parse(json, len, "example.json", &sv, &d);
    free(json);
    return err == HD_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    hd_survey_free(sv);
    return 0;
}

/* ---- the tour, per language ------------------------------------------------ */

#define MAX_SHOTS 64

static char shots[MAX_SHOTS][64];
static int n_shots;

/* The tour with lang chosen instead of English; its shot names. */
static char *tour_for(const char *lang)
{
    char *src = tu_slurp(tu_src("tests/ui/tour.events"), NULL);
    assert_non_null(src);
    size_t cap = strlen(src) + 64;
    char *out = malloc(cap);
    assert_non_null(out);
    const char *at = strstr(src, "tap @lang.en\n");
    assert_non_null(at);
    snprintf(out, cap, "%.*stap @lang.%s\n%s", (int)(at - src), src, lang,
             at + strlen("tap @lang.en\n"));
    n_shots = 0;
    for (const char *p = src; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
        if (strncmp(p, "shot ", 5) == 0 && n_shots < MAX_SHOTS) {
            size_t n = strcspn(p + 5, " \t\n#");
            snprintf(shots[n_shots++], sizeof shots[0], "%.*s", (int)n, p + 5);
        }
    free(src);
    return out;
}

static void walk(const char *lang, const char *size)
{
    char *events = tour_for(lang);
    const char *ev = tu_fmt("%s/tour-%s.events", dir, lang);
    tu_write(ev, events);
    free(events);
    char *log = NULL;
    int rc = tu_run(tu_fmt("'%s' --headless --events '%s' --shots '%s/%s/%s' --size %s "
                           "--survey '%s' --translations '%s' --config '%s/config.json' "
                           ">/dev/null",
                           tu_bin("heard"), ev, dir, lang, size, size,
                           tu_src("assets/surveys/example.json"), tu_src("translations"), dir),
                    &log, 1);
    if (rc != 0)
        fail_msg("the tour in %s at %s: exit %d\n%s", lang, size, rc, log ? log : "");
    free(log);
}

/* ---- reading a dump ---------------------------------------------------------- */

typedef struct dump {
    hd_json_doc *doc;
    char *text;
    const hd_json *root, *elems;
    const char *screen, *lang, *dirn;
    int w, h;
} dump;

static void dump_open(dump *d, const char *lang, const char *size, const char *shot)
{
    size_t len;
    const char *path = tu_fmt("%s/%s/%s/%s.json", dir, lang, size, shot);
    d->text = tu_slurp(path, &len);
    if (!d->text)
        fail_msg("no layout dump %s", path);
    hd_diag dg;
    hd_diag_init(&dg, path);
    assert_int_equal(hd_json_parse(d->text, len, &d->doc, &dg), HD_OK);
    d->root = hd_json_root(d->doc);
    d->elems = hd_json_get(d->root, "elements");
    d->screen = hd_json_get(d->root, "screen")->string;
    d->lang = hd_json_get(d->root, "lang")->string;
    d->dirn = hd_json_get(d->root, "dir")->string;
    const hd_json *sz = hd_json_get(d->root, "size")->child;
    d->w = (int)sz->number;
    d->h = (int)sz->next->number;
}

static void dump_close(dump *d)
{
    hd_json_free(d->doc);
    free(d->text);
}

static const char *e_id(const hd_json *e) { return hd_json_get(e, "id")->string; }
static const char *e_text(const hd_json *e) { return hd_json_get(e, "text")->string; }
static const char *e_role(const hd_json *e) { return hd_json_get(e, "role")->string; }

static void e_rect(const hd_json *e, const char *key, int r[4])
{
    const hd_json *v = hd_json_get(e, key);
    if (!v) {
        r[0] = r[1] = r[2] = r[3] = 0;
        return;
    }
    const hd_json *c = v->child;
    for (int i = 0; i < 4; i++, c = c->next)
        r[i] = (int)c->number;
}

static const hd_json *find(const dump *d, const char *id)
{
    for (const hd_json *e = d->elems->child; e; e = e->next)
        if (strcmp(e_id(e), id) == 0)
            return e;
    return NULL;
}

/* ---- the checks ----------------------------------------------------------------- */

static int n_problems;

#define PROBLEM(...)                                                                               \
    do {                                                                                           \
        if (n_problems++ < 40)                                                                     \
            print_error(__VA_ARGS__);                                                              \
    } while (0)

static bool session_screen(const char *screen)
{
    return strcmp(screen, "welcome") != 0 && strcmp(screen, "admin-pin") != 0 &&
           strcmp(screen, "admin") != 0;
}

static void check_fit(const dump *d, const char *where)
{
    for (const hd_json *e = d->elems->child; e; e = e->next) {
        /* Outside the scrolling area, everything is on the screen: a
         * countdown in Somali once ran off the bottom of a portrait panel. */
        const hd_json *clipped = hd_json_get(e, "clipped");
        if (!(clipped && clipped->type == HD_JSON_BOOL && clipped->boolean)) {
            int b[4];
            e_rect(e, "rect", b);
            if (b[0] < 0 || b[1] < 0 || b[0] + b[2] > d->w || b[1] + b[3] > d->h)
                PROBLEM("%s: %s [%d %d %d %d] is not all on the %dx%d screen\n", where, e_id(e),
                        b[0], b[1], b[2], b[3], d->w, d->h);
        }
        const char *t = e_text(e);
        if (!t || !*t)
            continue;
        int r[4], tr[4], ts[2];
        e_rect(e, "rect", r);
        e_rect(e, "text_rect", tr);
        if (tr[2] == 0 && tr[3] == 0)
            memcpy(tr, r, sizeof tr);
        const hd_json *s = hd_json_get(e, "text_size")->child;
        ts[0] = (int)s->number;
        ts[1] = (int)s->next->number;
        if (ts[0] > tr[2] || ts[1] > tr[3])
            PROBLEM("%s: %s \"%s\" measures %dx%d in a box of %dx%d\n", where, e_id(e), t,
                    ts[0], ts[1], tr[2], tr[3]);
        if (tr[0] < r[0] || tr[1] < r[1] || tr[0] + tr[2] > r[0] + r[2] ||
            tr[1] + tr[3] > r[1] + r[3])
            PROBLEM("%s: %s's text box [%d %d %d %d] sticks out of [%d %d %d %d]\n", where,
                    e_id(e), tr[0], tr[1], tr[2], tr[3], r[0], r[1], r[2], r[3]);
    }
}

/* Texts that are the same in every language by design. */
static bool same_by_design(const hd_json *e)
{
    const char *id = e_id(e);
    return strcmp(e_role(e), "key") == 0 || strcmp(id, "large-text") == 0 ||
           strcmp(id, "input") == 0 || strncmp(id, "variant.", 8) == 0;
}

static void check_translated(const dump *d, const dump *en, const char *where, int *n_compared)
{
    for (const hd_json *e = d->elems->child; e; e = e->next) {
        const char *t = e_text(e);
        if (!t || !*t || same_by_design(e))
            continue;
        const hd_json *s = find(en, e_id(e));
        if (!s || !*e_text(s))
            continue;
        (*n_compared)++;
        if (strcmp(t, e_text(s)) == 0)
            PROBLEM("%s: %s is still the English \"%s\"\n", where, e_id(e), t);
    }
}

static int centre_x(const hd_json *e)
{
    int r[4];
    e_rect(e, "rect", r);
    return r[0] + r[2] / 2;
}

static bool mirror_candidate(const hd_json *e)
{
    const char *id = e_id(e);
    /* keyboards keep their layout's order; the caret follows the text */
    return id[0] && strcmp(e_role(e), "key") != 0 && strcmp(id, "input.caret") != 0 &&
           strncmp(id, "variant.", 8) != 0;
}

static bool rows_meet(const int a[4], const int b[4])
{
    return a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
}

/* Widths differ with the words, so mirroring is checked by order and by
 * edges: two elements side by side in English are side by side the other
 * way round; an element alone in its row keeps its distance from the edge
 * it is laid out from (the reading start, the end, or the centre). */
static void check_mirrored(const dump *d, const dump *en, const char *where, int *n_mirrored)
{
    int w = d->w;
    for (const hd_json *e = d->elems->child; e; e = e->next) {
        if (!mirror_candidate(e))
            continue;
        const hd_json *s = find(en, e_id(e));
        if (!s)
            continue;
        int a[4], b[4];
        e_rect(e, "rect", a);
        e_rect(s, "rect", b);
        bool mates = false;
        for (const hd_json *f = en->elems->child; f; f = f->next) {
            if (f == s || !mirror_candidate(f))
                continue;
            const hd_json *g = find(d, e_id(f));
            if (!g)
                continue;
            int fb[4], ga[4];
            e_rect(f, "rect", fb);
            e_rect(g, "rect", ga);
            if (!rows_meet(b, fb) || !rows_meet(a, ga))
                continue;
            if (b[0] + b[2] <= fb[0]) { /* s left of f in English */
                mates = true;
                (*n_mirrored)++;
                if (a[0] < ga[0] + ga[2])
                    PROBLEM("%s: %s is left of %s in English and still not right of it\n",
                            where, e_id(e), e_id(f));
            } else if (fb[0] + fb[2] <= b[0]) {
                mates = true;
            }
        }
        if (mates || a[1] < (d->w < d->h ? d->w : d->h) * 72 / 480)
            continue; /* the top bar: by order only */
        bool from_start = abs((w - a[0] - a[2]) - b[0]) <= 1;
        bool from_end = abs(a[0] - (w - b[0] - b[2])) <= 1;
        bool centred = abs((2 * a[0] + a[2]) - (2 * w - 2 * b[0] - b[2])) <= 2;
        (*n_mirrored)++;
        if (!from_start && !from_end && !centred)
            PROBLEM("%s: %s at [%d +%d] is not the mirror of English [%d +%d]\n", where,
                    e_id(e), a[0], a[2], b[0], b[2]);
    }
    const hd_json *next = find(d, "next"), *back = find(d, "back");
    if (next && back && !find(d, "confirm")) {
        int rn[4], rb[4];
        e_rect(next, "rect", rn);
        e_rect(back, "rect", rb);
        bool column = rn[0] == rb[0]; /* the buttons beside a keyboard */
        if (column ? rn[0] + rn[2] / 2 > d->w / 2 : rn[0] >= rb[0])
            PROBLEM("%s: Next (x %d) is not at the left of Back (x %d)\n", where, rn[0], rb[0]);
    }
    const hd_json *p = find(d, "progress"), *bar = find(d, "progress.bar");
    if (p && bar && centre_x(p) < centre_x(bar))
        PROBLEM("%s: progress text left of its bar\n", where);
}

static void check_language(const char *lang, const char *size, int *n_compared,
                           int *n_mirrored, int *n_session)
{
    bool rtl = strcmp(lang, "ar") == 0 || strcmp(lang, "ur") == 0;
    for (int i = 0; i < n_shots; i++) {
        dump d, en;
        dump_open(&d, lang, size, shots[i]);
        dump_open(&en, "en", size, shots[i]);
        const char *where = tu_fmt("%s %s %s", lang, size, shots[i]);
        check_fit(&d, where);
        if (strcmp(d.screen, en.screen) != 0)
            PROBLEM("%s: screen %s, in English %s\n", where, d.screen, en.screen);
        if (session_screen(d.screen)) {
            (*n_session)++;
            if (strcmp(d.lang, lang) != 0)
                PROBLEM("%s: \"lang\": \"%s\"\n", where, d.lang);
            if (strcmp(d.dirn, rtl ? "rtl" : "ltr") != 0)
                PROBLEM("%s: \"dir\": \"%s\"\n", where, d.dirn);
            if (strcmp(lang, "en") != 0)
                check_translated(&d, &en, where, n_compared);
            if (rtl)
                check_mirrored(&d, &en, where, n_mirrored);
        }
        dump_close(&d);
        dump_close(&en);
    }
}

static void walk_all(const char *size)
{
    walk("en", size);
    int n_compared = 0, n_mirrored = 0;
    n_problems = 0;
    for (int l = 0; l < sv->n_languages; l++) {
        const char *lang = sv->languages[l];
        if (strcmp(lang, "en") != 0)
            walk(lang, size);
        int n_session = 0;
        check_language(lang, size, &n_compared, &n_mirrored, &n_session);
        /* the walk really was a session in that language */
        assert_true(n_session >= 15);
    }
    print_message("%s: %d languages, %d shots each, %d texts compared with English, %d "
                  "elements checked as mirrored\n",
                  size, sv->n_languages, n_shots, n_compared, n_mirrored);
    assert_int_equal(sv->n_languages, 10);
    assert_true(n_compared > 1000); /* the comparison really compared */
    assert_true(n_mirrored > 100);
    if (n_problems)
        fail_msg("%d problems at %s (the first 40 above)", n_problems, size);
}

static void test_landscape(void **state)
{
    (void)state;
    walk_all("800x480");
}

static void test_portrait(void **state)
{
    (void)state;
    walk_all("720x1280");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_landscape),
        cmocka_unit_test(test_portrait),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
