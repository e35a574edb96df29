/* test_monkey.c — random taps, holds, typing and waits on the headless kiosk,
 * at every panel size, in every language of the example survey.
 *
 * Nobody reads the screen: the events are random, but aimed where people
 * aim. Before the run the test takes the layout dumps of every screen
 * (tests/ui/tour.events, in English and in Arabic for the mirrored layouts)
 * at that panel size, and draws most taps inside the rectangles of their
 * tappable elements: languages, tiers, answers, keyboard keys, Next, Back,
 * Leave, Confirm, the offers on the thank-you screen. The rest are taps
 * anywhere, holds (long presses on keys, the staff corner), bursts of key
 * taps (typing), now and then the staff PIN typed on the PIN pad's keys,
 * waits long and short (still-there, the idle reset, the thank-you
 * countdown, the PIN lockout running out) and shots (which draw the frame:
 * the renderer and the text cache run, not just the layout).
 *
 * Checked, for every size: the kiosk ran every event and exited 0; it logged
 * no failed save and no "(a bug)"; under AddressSanitizer, no error and no
 * leak (LeakSanitizer runs at its exit); the database passes
 * integrity_check; and the peak RSS, read at 10%, 50% and 100% of the
 * events, stops growing after warm-up (see the rule below). Over the five
 * sizes the monkey must have started sessions in every language and every
 * tier, or it would not have been much of a test.
 *
 * HD_MONKEY_EVENTS events per size (default 4,000, 20,000 in all;
 * docs/robustness.md has the 100,000-per-size run under ASan), HD_MONKEY_SEED the seed (default: from the
 * clock, printed), HD_MONKEY_SIZES a subset ("800x480,480x800"),
 * HD_MONKEY_JOBS how many sizes run at once (default 2).
 */
#define _GNU_SOURCE
#include "testutil.h"

#include "kiosk_harness.h"

#include "core/json.h"

#define MAX_SCREENS 64
#define MAX_ELEMS 160

typedef struct rect {
    int x, y, w, h;
    char id[40];
} rect;

typedef struct screen {
    char name[48];
    rect el[MAX_ELEMS];
    int n;
    bool keys; /* has keyboard or keypad keys */
} screen;

typedef struct layouts {
    int w, h;
    screen s[MAX_SCREENS];
    int n;
} layouts;

static const char *const all_sizes[] = {"800x480", "1024x600", "1280x720", "720x1280", "480x800"};
#define N_SIZES ((int)(sizeof all_sizes / sizeof *all_sizes))

static char dir[1024];
static char config[1100];
static char tour_events[2][1100]; /* English, Arabic */

static const char *const tour_shots[] = {
    "welcome", "consent", "tiers", "question-info", "question-single", "question-likert5",
    "question-multi", "question-yesno", "question-text", "question-text-typed", "support",
    "question-number", "review", "review-confirm", "still-there", "thanks",
    "question-contact-name", "question-phone", "question-email", "question-email-typed",
    "admin-pin", "admin"};
#define N_TOUR ((int)(sizeof tour_shots / sizeof *tour_shots))

/* ---- the layouts people aim at ------------------------------------------------ */

static void add_screen(layouts *L, const char *path, const char *name)
{
    size_t n;
    char *js = tu_slurp(path, &n);
    if (!js)
        fail_msg("no layout dump %s", path);
    hd_json_doc *doc = NULL;
    hd_diag *d = malloc(sizeof *d);
    hd_diag_init(d, path);
    if (hd_json_parse(js, n, &doc, d) != HD_OK)
        fail_msg("%s does not parse", path);
    free(d);
    if (L->n == MAX_SCREENS)
        fail_msg("too many screens");
    screen *s = &L->s[L->n++];
    *s = (screen){0};
    snprintf(s->name, sizeof s->name, "%s", name);
    for (const hd_json *e = hd_json_get(hd_json_root(doc), "elements")->child; e; e = e->next) {
        const hd_json *tap = hd_json_get(e, "tappable");
        const hd_json *clip = hd_json_get(e, "clipped");
        const char *id = hd_json_get(e, "id")->string;
        /* "Exit to desktop" would end the run; staff never tap it by chance
         * (and the admin screen is rare), so it is left out. */
        if (!tap || !tap->boolean || (clip && clip->boolean) || strcmp(id, "admin.quit") == 0 ||
            s->n == MAX_ELEMS)
            continue;
        const hd_json *c = hd_json_get(e, "rect")->child;
        rect r = {(int)c->number, (int)c->next->number, (int)c->next->next->number,
                  (int)c->next->next->next->number, ""};
        snprintf(r.id, sizeof r.id, "%s", id);
        if (r.w <= 0 || r.h <= 0 || r.x < 0 || r.y < 0 || r.x + r.w > L->w || r.y + r.h > L->h)
            continue;
        if (strncmp(id, "key.", 4) == 0)
            s->keys = true;
        s->el[s->n++] = r;
    }
    hd_json_free(doc);
    free(js);
}

static void harvest(layouts *L, const char *size)
{
    *L = (layouts){0};
    assert_int_equal(sscanf(size, "%dx%d", &L->w, &L->h), 2);
    for (int lang = 0; lang < 2; lang++) {
        char shots[1200], db[1200];
        snprintf(shots, sizeof shots, "%s/layouts-%s-%d", dir, size, lang);
        snprintf(db, sizeof db, "%s/layouts-%s-%d.db", dir, size, lang);
        kh_kiosk k;
        kh_kiosk_start(&k, &(kh_spawn_opts){.events = tour_events[lang], .db = db,
                                            .config = config, .size = size, .shots = shots,
                                            .err_fd = -1});
        int st = kh_kiosk_finish(&k, NULL, NULL, NULL);
        if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
            fail_msg("the tour at %s ended with %s", size, kh_status_text(st));
        for (int i = 0; i < N_TOUR; i++)
            add_screen(L, tu_fmt("%s/%s.json", shots, tour_shots[i]), tour_shots[i]);
    }
}

static const rect *find(const layouts *L, const char *screen_name, const char *id)
{
    for (int i = 0; i < L->n; i++) {
        if (strcmp(L->s[i].name, screen_name) != 0)
            continue;
        for (int k = 0; k < L->s[i].n; k++)
            if (strcmp(L->s[i].el[k].id, id) == 0)
                return &L->s[i].el[k];
    }
    return NULL;
}

/* ---- the monkey ---------------------------------------------------------------- */

typedef struct monkey {
    kh_rng *r;
    const layouts *L;
    kh_buf b;
    long n, max;
    long taps, aimed, holds, keys, waits, shots, pins;
} monkey;

static void ev(monkey *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void ev(monkey *m, const char *fmt, ...)
{
    if (m->n >= m->max)
        return;
    char line[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    kh_putf(&m->b, "%s\n", line);
    m->n++;
}

static void tap_in(monkey *m, const rect *r)
{
    /* Anywhere inside, a finger's width from the edge when there is room. */
    int mx = r->w > 8 ? 2 : 0, my = r->h > 8 ? 2 : 0;
    ev(m, "tap %d %d", r->x + mx + kh_below(m->r, r->w - 2 * mx),
       r->y + my + kh_below(m->r, r->h - 2 * my));
    m->taps++;
    m->aimed++;
}

static const rect *any_element(monkey *m, bool keys_only)
{
    for (int tries = 0; tries < 50; tries++) {
        const screen *s = &m->L->s[kh_below(m->r, m->L->n)];
        if (s->n == 0 || (keys_only && !s->keys))
            continue;
        const rect *r = &s->el[kh_below(m->r, s->n)];
        if (keys_only && strncmp(r->id, "key.", 4) != 0)
            continue;
        return r;
    }
    return &m->L->s[0].el[0];
}

static void step(monkey *m)
{
    int w = m->L->w, h = m->L->h;
    int roll = kh_below(m->r, 1000);
    if (roll < 330) { /* a tap on something on this screen (the runner picks) */
        ev(m, "tap @*");
        m->taps++;
        m->aimed++;
    } else if (roll < 440) { /* a participant who means it: answer, go on */
        static const char *const purpose[] = {"next*", "next*", "next*", "choice.*", "face.*",
                                              "lang.*", "tier.*", "send*", "more.*",
                                              "still-here*"};
        ev(m, "tap @%s", purpose[kh_below(m->r, (int)(sizeof purpose / sizeof *purpose))]);
        m->taps++;
        m->aimed++;
    } else if (roll < 520) { /* a tap where something is on some screen */
        tap_in(m, any_element(m, false));
    } else if (roll < 600) { /* a tap anywhere */
        ev(m, "tap %d %d", kh_below(m->r, w), kh_below(m->r, h));
        m->taps++;
    } else if (roll < 700) { /* typing: a burst of keys, when there is a keyboard */
        int n = kh_range(m->r, 2, 12);
        for (int i = 0; i < n; i++) {
            ev(m, "tap @key.*");
            m->keys++;
        }
    } else if (roll < 740) { /* a long press on something (key variants at 500 ms) */
        ev(m, "hold @* %d", kh_range(m->r, 50, 2500));
        m->holds++;
    } else if (roll < 750) { /* a long press anywhere */
        ev(m, "hold %d %d %d", kh_below(m->r, w), kh_below(m->r, h), kh_range(m->r, 50, 2500));
        m->holds++;
    } else if (roll < 760) { /* the staff corner, mostly with the right PIN */
        ev(m, "hold %d %d %d", kh_below(m->r, 40), kh_below(m->r, 40), kh_range(m->r, 3000, 4000));
        m->holds++;
        if (kh_chance(m->r, 0.6)) {
            static const char *const pin[] = {"key.2", "key.4", "key.6", "key.8", "next"};
            for (int i = 0; i < 5; i++) {
                const rect *r = find(m->L, "admin-pin", pin[i]);
                if (r)
                    tap_in(m, r);
            }
            /* In staff mode (when the PIN went in), out again before a
             * random tap finds "Exit to desktop" (nothing when not there). */
            ev(m, "tap @admin.exit*");
            m->pins++;
        }
    } else if (roll < 940) { /* a pause */
        ev(m, "wait %d", kh_range(m->r, 20, 5000));
        m->waits++;
    } else if (roll < 950) { /* walked away: still-there, the reset */
        ev(m, "wait %d", kh_range(m->r, 55000, 100000));
        m->waits++;
    } else if (roll < 960) { /* a long while (lockout over, countdown done) */
        ev(m, "wait %d", kh_range(m->r, 100000, 400000));
        m->waits++;
    } else { /* the frame drawn */
        ev(m, "shot m");
        m->shots++;
    }
}

/* ---- a run ------------------------------------------------------------------------ */

/* Peak RSS is read at these fractions of the events, from one process: the
 * script writes a layout dump "rss-<n>" there, and the test, watching the
 * shots directory, reads /proc/PID/status the moment it appears. */
#define N_MARKS 3
static const int mark_pct[N_MARKS] = {10, 50, 100};

typedef struct run {
    const char *size;
    char events[1200], db[1200], shots[1200], errp[1200];
    long mark_at[N_MARKS];
    long hwm_kb[N_MARKS]; /* VmHWM at each mark */
    long maxrss_kb;       /* at exit (wait4) */
    long saved;
    double seconds, t0;
    int status;
    int next_mark;
    char *err;
    kh_kiosk k;
    monkey stats;
} run;

static void count_saved(void *ctx, const char *line)
{
    long *n = ctx;
    if (strncmp(line, "saved ", 6) != 0)
        fail_msg("the kiosk printed \"%s\"", line);
    (*n)++;
}

static bool sanitized(void)
{
    /* The test and the kiosk are built alike (HD_SANITIZE). */
#if defined(__SANITIZE_ADDRESS__)
    return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return true;
#else
    return false;
#endif
#else
    return false;
#endif
}

/* VmHWM of pid in KiB, or -1. */
static long vm_hwm(pid_t pid)
{
    char buf[4096];
    int fd = open(tu_fmt("/proc/%d/status", (int)pid), O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    const char *h = strstr(buf, "VmHWM:");
    return h ? strtol(h + 6, NULL, 10) : -1;
}

static void watch_marks(run *r)
{
    while (r->next_mark < N_MARKS) {
        struct stat sb;
        if (stat(tu_fmt("%s/rss-%ld.json", r->shots, r->mark_at[r->next_mark]), &sb) != 0)
            return;
        long kb = vm_hwm(r->k.pid);
        if (kb <= 0)
            return; /* exiting: the last mark is read at exit */
        r->hwm_kb[r->next_mark++] = kb;
    }
}

static void run_start(run *r)
{
    snprintf(r->errp, sizeof r->errp, "%s.err", r->events);
    r->t0 = kh_now_ms();
    kh_kiosk_start(&r->k, &(kh_spawn_opts){.events = r->events, .db = r->db, .config = config,
                                           .size = r->size, .shots = r->shots,
                                           .err_path = r->errp, .err_fd = -1});
}

static void run_finish(run *r)
{
    struct rusage ru;
    r->status = kh_kiosk_finish(&r->k, count_saved, &r->saved, &ru);
    r->maxrss_kb = ru.ru_maxrss;
    /* The last mark comes just before the exit: the peak of the whole run. */
    if (r->next_mark == N_MARKS - 1)
        r->hwm_kb[r->next_mark++] = r->maxrss_kb;
    r->seconds = (kh_now_ms() - r->t0) / 1000;
    r->err = tu_slurp(r->errp, NULL);
}

static void check_run(const run *r)
{
    const char *err = r->err ? r->err : "";
    if (!(WIFEXITED(r->status) && WEXITSTATUS(r->status) == 0))
        fail_msg("%s: the kiosk ended with %s (events %s):\n%.4000s", r->size,
                 kh_status_text(r->status), r->events, err);
    static const char *const bad[] = {"AddressSanitizer", "LeakSanitizer", "runtime error:",
                                      "(a bug)", "could not", "cannot", "told to quit"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (strstr(err, bad[i]))
            fail_msg("%s: the kiosk logged \"%s\" (events %s):\n%.4000s", r->size, bad[i],
                     r->events, err);
    for (int i = 0; i < N_MARKS; i++)
        if (r->hwm_kb[i] <= 0)
            fail_msg("%s: no memory reading at mark %d", r->size, i);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s", kh_tmpdir("HD_MONKEY_DIR"));
    snprintf(config, sizeof config, "%s", kh_write_config(dir, true, NULL));
    char *tour = tu_slurp(tu_src("tests/ui/tour.events"), NULL);
    if (!tour)
        return -1;
    snprintf(tour_events[0], sizeof tour_events[0], "%s/tour-en.events", dir);
    tu_write(tour_events[0], tour);
    char *at = strstr(tour, "tap @lang.en");
    if (!at)
        return -1;
    memcpy(at, "tap @lang.ar", 12);
    snprintf(tour_events[1], sizeof tour_events[1], "%s/tour-ar.events", dir);
    tu_write(tour_events[1], tour);
    free(tour);
    return 0;
}

static void test_monkey(void **state)
{
    (void)state;
    long n_events = kh_env_long("HD_MONKEY_EVENTS", 4000);
    long jobs = kh_env_long("HD_MONKEY_JOBS", 2);
    uint64_t seed = kh_seed("HD_MONKEY_SEED");
    const char *only = getenv("HD_MONKEY_SIZES");
    static run runs[N_SIZES];
    int n_sizes = 0;
    for (int i = 0; i < N_SIZES; i++)
        if (!only || !*only || strstr(only, all_sizes[i]))
            runs[n_sizes++] = (run){.size = all_sizes[i]};
    assert_true(n_sizes > 0 && n_events >= 100);
    printf("[ monkey ] %ld events at each of %d panel sizes, HD_MONKEY_SEED=0x%016llx%s\n",
           n_events, n_sizes, (unsigned long long)seed, sanitized() ? ", AddressSanitizer" : "");

    double t_begin = kh_now_ms();
    for (int si = 0; si < n_sizes; si++) {
        run *r = &runs[si];
        layouts *L = malloc(sizeof *L);
        harvest(L, r->size);
        kh_rng mix = {seed ^ ((uint64_t)(si + 1) << 56)};
        kh_rng rng = {kh_next(&mix)}; /* a stream of its own for each size */
        monkey m = {.r = &rng, .L = L};
        snprintf(r->shots, sizeof r->shots, "%s/monkey-%s", dir, r->size);
        mkdir(r->shots, 0755);
        /* Images are drawn, then thrown away: 1.5 MB a shot adds up. */
        unlink(tu_fmt("%s/m.bmp", r->shots));
        assert_int_equal(symlink("/dev/null", tu_fmt("%s/m.bmp", r->shots)), 0);
        for (int k = 0; k < N_MARKS; k++) {
            r->mark_at[k] = n_events * mark_pct[k] / 100;
            m.max = r->mark_at[k];
            while (m.n < m.max)
                step(&m);
            kh_putf(&m.b, "shot rss-%ld\n", r->mark_at[k]); /* not counted as an event */
            unlink(tu_fmt("%s/rss-%ld.bmp", r->shots, r->mark_at[k]));
            assert_int_equal(symlink("/dev/null", tu_fmt("%s/rss-%ld.bmp", r->shots,
                                                         r->mark_at[k])),
                             0);
        }
        snprintf(r->events, sizeof r->events, "%s/monkey-%s.events", dir, r->size);
        snprintf(r->db, sizeof r->db, "%s/monkey-%s.db", dir, r->size);
        tu_write(r->events, m.b.p);
        kh_buf_free(&m.b);
        m.L = NULL;
        r->stats = m;
        free(L);
    }

    /* Run them, a few at a time. */
    if (jobs < 1)
        jobs = 1;
    int running[N_SIZES], n_run = 0, next = 0;
    while (next < n_sizes || n_run > 0) {
        while (n_run < jobs && next < n_sizes) {
            run_start(&runs[next]);
            running[n_run++] = next++;
        }
        for (int i = 0; i < n_run; i++) {
            run *r = &runs[running[i]];
            kh_kiosk_read(&r->k, 10, count_saved, &r->saved);
            watch_marks(r);
            if (r->k.eof) {
                run_finish(r);
                running[i--] = running[--n_run];
            }
        }
    }

    long sum_saved = 0;
    for (int si = 0; si < n_sizes; si++) {
        run *r = &runs[si];
        check_run(r);
        sum_saved += r->saved;
        char *ic = kh_sql(r->db, "PRAGMA integrity_check");
        if (strcmp(ic, "ok\n") != 0)
            fail_msg("%s: integrity_check: %s", r->size, ic);
        free(ic);
        char *db_stats = kh_sql(r->db,
                                "SELECT count(*), count(*) FILTER (WHERE status = 'complete'), "
                                "count(*) FILTER (WHERE status = 'abandoned'), "
                                "count(DISTINCT language), (SELECT count(*) FROM answer), "
                                "(SELECT count(*) FROM contact) FROM session");
        long ns = 0, nc = 0, na = 0, nl = 0, nans = 0, ncon = 0;
        sscanf(db_stats, "%ld|%ld|%ld|%ld|%ld|%ld", &ns, &nc, &na, &nl, &nans, &ncon);
        free(db_stats);
        const monkey *m = &r->stats;
        printf("[ monkey ] %-8s %ld events: %ld taps (%ld on an element), %ld keys, %ld holds, "
               "%ld PINs, %ld waits, %ld shots; %.1f s\n",
               r->size, m->n, m->taps, m->aimed, m->keys, m->holds, m->pins, m->waits, m->shots,
               r->seconds);
        printf("[ monkey ] %-8s %ld sessions (%ld complete, %ld abandoned), %ld languages, "
               "%ld answers, %ld sealed contacts\n",
               r->size, ns, nc, na, nl, nans, ncon);
        printf("[ monkey ] %-8s peak RSS %ld KiB at %ld events, %ld KiB at %ld, %ld KiB at %ld "
               "(%+.1f%% after the first tenth)\n",
               r->size, r->hwm_kb[0], r->mark_at[0], r->hwm_kb[1], r->mark_at[1], r->hwm_kb[2],
               r->mark_at[2], 100.0 * (double)(r->hwm_kb[2] - r->hwm_kb[0]) / (double)r->hwm_kb[0]);
        /* Flat after warm-up: whatever still grows after the first tenth
         * must slow down. Caches are bounded (the text cache's 8 MiB of
         * rendered lines, SQLite's 2 MiB of pages, font slots), so they
         * fill and stop; under ASan the 256 MiB quarantine of freed blocks
         * fills and recycles. A leak grows at the same rate throughout: the
         * last half of the events would add more than the 40% before it.
         * So: growth over the last half <= half the growth over the 40%
         * before + 4 MiB (a leak of ~140 bytes an event fails at 100,000).
         * A short run (under 20,000 events) may end before the caches are
         * full: there the slack is what they can still take, 12 MiB.
         * LeakSanitizer (under ASan) finds what was never freed. */
        long g1 = r->hwm_kb[1] - r->hwm_kb[0], g2 = r->hwm_kb[2] - r->hwm_kb[1];
        long allowed = (g1 > 0 ? g1 / 2 : 0) + (n_events >= 20000 ? 4096 : 12288);
        if (g2 > allowed)
            fail_msg("%s: peak RSS still growing: %ld KiB at %ld events, %ld at %ld, %ld at %ld "
                     "(+%ld KiB in the last half, at most %ld allowed)",
                     r->size, r->hwm_kb[0], r->mark_at[0], r->hwm_kb[1], r->mark_at[1],
                     r->hwm_kb[2], r->mark_at[2], g2, allowed);
    }
    /* Every language and every tier was reached, over all sizes. */
    kh_buf script = {0};
    for (int si = 0; si < n_sizes; si++)
        kh_putf(&script, "ATTACH '%s' AS m%d;\n", runs[si].db, si);
    kh_putf(&script, "SELECT count(DISTINCT language), count(DISTINCT tier) FROM (");
    for (int si = 0; si < n_sizes; si++)
        kh_putf(&script, "%sSELECT language, tier FROM m%d.session", si ? " UNION ALL " : "", si);
    kh_putf(&script, ");\n");
    const char *sp = tu_fmt("%s/cover.sql", dir);
    tu_write(sp, script.p);
    kh_buf_free(&script);
    char *cover = kh_sql_file(":memory:", sp, false);
    long langs = 0, tiers = 0;
    sscanf(cover, "%ld|%ld", &langs, &tiers);
    free(cover);
    printf("[ monkey ] %ld events in all, %ld saved lines, sessions in %ld languages and %ld "
           "tiers, %.1f s\n",
           n_events * n_sizes, sum_saved, langs, tiers, (kh_now_ms() - t_begin) / 1000);
    if (n_events * n_sizes >= 20000) {
        assert_int_equal(langs, 10);
        assert_int_equal(tiers, 3);
    }
    for (int si = 0; si < n_sizes; si++)
        free(runs[si].err);
}

/* The runner's `tap @PREFIX*`, which the monkey leans on: it taps one of
 * the matching elements on screen, does nothing when none matches, and a
 * file replays the same way every time. */
static void test_wildcard_taps(void **state)
{
    (void)state;
    const char *ev = tu_fmt("%s/wild.events", dir);
    char evp[1200];
    snprintf(evp, sizeof evp, "%s", ev);
    tu_write(evp, "tap @nothing.here*\n"
                  "expect screen welcome\n"
                  "tap @lang.*\n"
                  "expect screen consent\n"
                  "tap @next*\n"
                  "expect screen tiers\n"
                  "tap @tier.q*\n"
                  "expect screen question\n"
                  "tap @next*\n"
                  "tap @choice.*\n"
                  "tap @next*\n"
                  "shot wild\n");
    char out[2][1200];
    for (int i = 0; i < 2; i++) {
        char db[1200], shots[1200];
        snprintf(db, sizeof db, "%s/wild-%d.db", dir, i);
        snprintf(shots, sizeof shots, "%s/wild-%d", dir, i);
        kh_kiosk k;
        long saved = 0;
        kh_kiosk_start(&k, &(kh_spawn_opts){.events = evp, .db = db, .config = config,
                                            .shots = shots, .err_fd = -1});
        int st = kh_kiosk_finish(&k, count_saved, &saved, NULL);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        assert_int_equal(saved, 1); /* the choice tapped was saved */
        char *v = kh_sql(db, "SELECT s.language || ' ' || a.question_id || ' ' || a.value "
                             "FROM answer a JOIN session s ON s.id = a.session_id");
        snprintf(out[i], sizeof out[i], "%s", v);
        free(v);
        char *js = tu_slurp(tu_fmt("%s/wild.json", shots), NULL);
        assert_non_null(js);
        assert_non_null(strstr(js, "\"screen\": \"question\""));
        free(js);
    }
    assert_string_equal(out[0], out[1]); /* the same language and choice both times */
    assert_non_null(strstr(out[0], " last-service "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_wildcard_taps),
        cmocka_unit_test(test_monkey),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
