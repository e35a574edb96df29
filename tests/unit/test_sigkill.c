/* test_sigkill.c — the headless kiosk killed with SIGKILL at random moments.
 *
 * A kiosk gets unplugged, crashes or is killed by the watchdog in the middle
 * of anything. What it told a participant was saved must still be there, and
 * the database must be whole. Here build/heard --headless runs a generated
 * script of real sessions (every tier, every language, typing, pauses that
 * save a typed draft, "are you still there?", sessions abandoned by the idle
 * reset, answers changed by going back, the next tier taken from the thank-you
 * screen) with its stdout on a pipe, and the test kills it with SIGKILL after
 * a random delay. Then:
 *
 *  - the process died of the kill (or had already finished cleanly);
 *  - PRAGMA integrity_check is "ok" (sqlite3 tool, read-only, so the WAL the
 *    kill left is recovered by the next kiosk, not by the check);
 *  - every (session, question) of a `saved` line the kiosk printed, in this
 *    run or any earlier one, has its row with a value;
 *  - the next kiosk opens the same database without calling it damaged and
 *    without a failed save (its stderr is checked).
 *
 * The database is reused across kills: it grows, and every start recovers
 * the WAL and the in-progress session the last kill left.
 *
 * HD_SIGKILL_RUNS (default 300) kills, HD_SIGKILL_SEED (default: from the
 * clock, printed) the seed, HD_SIGKILL_DIR where the files go (default
 * /dev/shm), HD_SIGKILL_VERBOSE=1 a line per kill. See docs/robustness.md.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include "kiosk_harness.h"

#include "core/survey.h"

#define MAX_Q 64
#define VAL_CAP 128

static const char *const sizes[] = {"800x480", "1024x600", "1280x720", "720x1280", "480x800"};
#define N_SIZES ((int)(sizeof sizes / sizeof *sizes))

static hd_survey *sv;
static char dir[1024];
static char config[1100];

/* ---- the script generator ------------------------------------------------------ */

/* Walks the example survey the way a person would, writing events that the
 * kiosk must follow exactly (`expect screen` lines check the model). It
 * never deletes an acknowledged answer: no leave, no withdraw, no skip of an
 * answered question, no change of a question others depend on, and no idle
 * reset once a typed answer is saved (the reset deletes typed answers by
 * design, docs/flow.md). Those are covered by test_e2e and test_powerloss. */
typedef struct walker {
    kh_rng *r;
    kh_buf *b;
    int events;
    char value[MAX_Q][VAL_CAP]; /* the current answer of each question ("" none) */
    bool typed_saved;           /* a typed answer of this session is stored */
    bool support_shown;         /* the support screen came after a sensitive section */
    int sessions, abandoned, completed;
    int saves; /* saved lines the script should print (at least) */
} walker;

static void emit(walker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(walker *w, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    kh_putf(w->b, "%s\n", line);
    w->events++;
}

static bool is_source(int q)
{
    for (int i = 0; i < sv->n_questions; i++)
        if (sv->questions[i].show_if.question == q)
            return true;
    return false;
}

/* True when value (space-joined for multi) holds one of any_of. */
static bool any_of(const char *value, const hd_show_if *si)
{
    char buf[VAL_CAP];
    snprintf(buf, sizeof buf, "%s", value);
    char *save = NULL;
    for (char *t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
        for (int i = 0; i < si->n_any_of; i++)
            if (strcmp(t, si->any_of[i]) == 0)
                return true;
    return false;
}

static bool shown(const walker *w, int q)
{
    const hd_show_if *si = &sv->questions[q].show_if;
    if (si->question < 0)
        return true;
    return shown(w, si->question) && any_of(w->value[si->question], si);
}

static const char *const words[] = {
    "waited", "three", "weeks", "the", "doctor", "was", "kind", "but", "nobody",
    "answered", "phone", "bus", "late", "interpreter", "helped", "my", "mum", "form",
    "letter", "again", "pharmacy", "closed", "Saturday", "2", "hours", "thank", "you"};

/* Taps one value of a choice-like question, different from avoid. */
static void choose(walker *w, int q, const char *avoid)
{
    const hd_question *qq = &sv->questions[q];
    char v[VAL_CAP];
    for (int tries = 0; tries < 20; tries++) {
        if (qq->sensitive && kh_chance(w->r, 0.15))
            snprintf(v, sizeof v, "%s", HD_PREFER_NOT);
        else if (qq->type == HD_Q_LIKERT5)
            snprintf(v, sizeof v, "%d", kh_range(w->r, 1, 5));
        else if (qq->type == HD_Q_YESNO)
            snprintf(v, sizeof v, "%s", kh_chance(w->r, 0.5) ? "yes" : "no");
        else
            snprintf(v, sizeof v, "%s", qq->choices[kh_below(w->r, qq->n_choices)].id);
        if (!avoid || strcmp(v, avoid) != 0)
            break;
    }
    if (qq->type == HD_Q_LIKERT5 && strcmp(v, HD_PREFER_NOT) != 0)
        emit(w, "tap @face.%s", v);
    else
        emit(w, "tap @choice.%s", v);
    snprintf(w->value[q], VAL_CAP, "%s", v);
}

/* Answers (or skips) the question on screen and moves on with next. */
static void answer(walker *w, int q)
{
    const hd_question *qq = &sv->questions[q];
    if (qq->type == HD_Q_INFO) {
        emit(w, "tap @next");
        return;
    }
    if (kh_chance(w->r, 0.12)) {
        emit(w, "tap @skip");
        w->value[q][0] = '\0';
        return;
    }
    switch (qq->type) {
    case HD_Q_SINGLE:
    case HD_Q_LIKERT5:
    case HD_Q_YESNO: choose(w, q, NULL); break;
    case HD_Q_MULTI: {
        bool on[64] = {false};
        int k = kh_range(w->r, 1, 3);
        for (int i = 0; i < k; i++) {
            int c = kh_below(w->r, qq->n_choices);
            if (on[c])
                continue;
            on[c] = true;
            emit(w, "tap @choice.%s", qq->choices[c].id);
        }
        kh_buf v = {0};
        for (int c = 0; c < qq->n_choices; c++)
            if (on[c])
                kh_putf(&v, "%s%s", v.n ? " " : "", qq->choices[c].id);
        snprintf(w->value[q], VAL_CAP, "%s", v.p);
        kh_buf_free(&v);
        break;
    }
    case HD_Q_NUMBER: {
        long lo = qq->has_min ? qq->min : 0, hi = qq->has_max ? qq->max : 99;
        long n = lo + kh_below(w->r, (int)(hi - lo + 1));
        emit(w, "type %ld", n);
        snprintf(w->value[q], VAL_CAP, "%ld", n);
        break;
    }
    case HD_Q_TEXT:
    case HD_Q_PHONE:
    case HD_Q_EMAIL: {
        kh_buf t = {0};
        if (qq->type == HD_Q_PHONE) {
            kh_putf(&t, "07700 900%03d", kh_below(w->r, 1000));
        } else if (qq->type == HD_Q_EMAIL) {
            kh_putf(&t, "person%d@example.org", kh_below(w->r, 1000));
        } else {
            int n = kh_range(w->r, 1, 8);
            for (int i = 0; i < n; i++)
                kh_putf(&t, "%s%s", i ? " " : "", words[kh_below(w->r, (int)(sizeof words / sizeof *words))]);
        }
        emit(w, "type %s", t.p);
        snprintf(w->value[q], VAL_CAP, "%s", t.p);
        kh_buf_free(&t);
        /* A pause in the typing saves the draft: a saved line before Next. */
        if (kh_chance(w->r, 0.4))
            emit(w, "wait %d", kh_range(w->r, 2100, 4000));
        if (!qq->contact)
            w->typed_saved = true;
        break;
    }
    case HD_Q_INFO:
    case HD_Q_TYPE_COUNT_: break;
    }
    if (!qq->contact)
        w->saves++;
    emit(w, "tap @next");
}

/* True when Next from q leaves section sec for the first time this session
 * with a sensitive question of it shown: the flow then shows support. */
static bool support_follows(const walker *w, const hd_section *sec, int q)
{
    if (w->support_shown || !sv->support || !sv->support[0])
        return false;
    for (int n = q + 1; n < sec->first + sec->n_questions; n++)
        if (shown(w, n))
            return false; /* not the section's last shown question */
    for (int n = sec->first; n <= q; n++)
        if (sv->questions[n].sensitive && shown(w, n))
            return true;
    return false;
}

/* One session of tier t, started from welcome (or, when from_offer, from the
 * thank-you screen's offer). Ends on welcome, or on thanks when it returns
 * true (completed). */
static bool session(walker *w, int t, bool from_offer)
{
    const hd_tier *tier = &sv->tiers[t];
    if (from_offer) {
        emit(w, "tap @more.%s", tier->id);
    } else {
        emit(w, "tap @lang.%s", sv->languages[kh_below(w->r, sv->n_languages)]);
        emit(w, "expect screen consent");
        emit(w, "tap @next");
        emit(w, "expect screen tiers");
        emit(w, "tap @tier.%s", tier->id);
    }
    w->sessions++;
    for (int q = 0; q < sv->n_questions; q++)
        w->value[q][0] = '\0';
    w->typed_saved = false;
    w->support_shown = false;
    int abandon_at = kh_chance(w->r, 0.08) ? kh_below(w->r, 12) : -1;
    int nth = 0;
    for (int s = 0; s < tier->n_sections; s++) {
        const hd_section *sec = &sv->sections[tier->sections[s]];
        for (int q = sec->first; q < sec->first + sec->n_questions; q++) {
            if (!shown(w, q))
                continue;
            emit(w, "expect screen question");
            if (nth++ == abandon_at && !w->typed_saved) {
                /* The participant walks away: still-there, then the reset. */
                emit(w, "wait %d", kh_range(w->r, 60100, 80000));
                emit(w, "expect screen still-there");
                emit(w, "wait 31000");
                emit(w, "expect screen welcome");
                w->abandoned++;
                return false;
            }
            if (kh_chance(w->r, 0.03)) {
                emit(w, "wait %d", kh_range(w->r, 60100, 85000));
                emit(w, "expect screen still-there");
                emit(w, "tap @still-here");
                emit(w, "expect screen question");
            }
            answer(w, q);
            if (support_follows(w, sec, q)) {
                /* Leaving a section with a sensitive question the person was
                 * shown: the support text comes once (docs/flow.md). */
                emit(w, "expect screen support");
                emit(w, "tap @next");
                w->support_shown = true;
                continue;
            }
            const hd_question *qq = &sv->questions[q];
            if ((qq->type == HD_Q_SINGLE || qq->type == HD_Q_LIKERT5 || qq->type == HD_Q_YESNO) &&
                w->value[q][0] && !is_source(q) && kh_chance(w->r, 0.06)) {
                /* Back to it, another answer (saved again), on again. */
                char old[VAL_CAP];
                snprintf(old, sizeof old, "%s", w->value[q]);
                emit(w, "tap @back");
                emit(w, "expect screen question");
                choose(w, q, old);
                emit(w, "tap @next");
            }
        }
    }
    emit(w, "expect screen review");
    emit(w, "tap @send");
    emit(w, "expect screen thanks");
    w->completed++;
    return true;
}

/* The tier the thank-you screen offers after tier t (docs/flow.md), -1 none. */
static int offered(int t)
{
    const char *id = sv->tiers[t].id;
    const char *next = strcmp(id, "quick") == 0 ? "story" : strcmp(id, "story") == 0 ? "group" : NULL;
    return next ? hd_survey_find_tier(sv, next) : -1;
}

/* A script of n_sessions sessions (more when the next tier is taken). */
static void script(walker *w, int n_sessions)
{
    emit(w, "expect screen welcome");
    for (int i = 0; i < n_sessions; i++) {
        int t = kh_below(w->r, sv->n_tiers);
        bool done = session(w, t, false);
        while (done) {
            int o = offered(t);
            if (o >= 0 && kh_chance(w->r, 0.3)) {
                t = o;
                done = session(w, t, true);
                continue;
            }
            if (kh_chance(w->r, 0.5)) {
                emit(w, "tap @home");
            } else {
                emit(w, "wait %d", kh_range(w->r, 10100, 20000));
            }
            emit(w, "expect screen welcome");
            break;
        }
        if (kh_chance(w->r, 0.3))
            emit(w, "wait %d", kh_range(w->r, 1, 120000)); /* nobody there: welcome stays */
    }
}

/* ---- reading the kiosk's stdout ------------------------------------------------- */

typedef struct pair {
    char s[40], q[48];
} pair;

typedef struct acks {
    pair *p;
    size_t n, cap;
    size_t new_from;    /* pairs from this index on are not checked yet */
    size_t before_kill; /* lines read while the kiosk was alive */
    bool killed;
    char bad[256]; /* a line that is not a saved line */
} acks;

static void on_line(void *ctx, const char *line)
{
    acks *a = ctx;
    pair p;
    if (sscanf(line, "saved %39s %47s", p.s, p.q) != 2 || strlen(p.s) != 36) {
        snprintf(a->bad, sizeof a->bad, "%s", line);
        return;
    }
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 1024;
        a->p = realloc(a->p, a->cap * sizeof *a->p);
        assert_non_null(a->p);
    }
    a->p[a->n++] = p;
    if (!a->killed)
        a->before_kill++;
}

/* integrity_check is ok and every pair from index from on has its row with
 * a value. Returns how many pairs were checked. */
static size_t check_db(const char *db, const acks *a, size_t from, const char *what)
{
    struct stat sb;
    if (stat(db, &sb) != 0) {
        /* Killed before it made the file: then it cannot have saved. */
        if (a->n > 0)
            fail_msg("%s: the database is gone, and %zu answers were acknowledged", what, a->n);
        return 0;
    }
    kh_buf sql = {0};
    kh_putf(&sql, "PRAGMA integrity_check;\n");
    /* Nothing acknowledged yet: a kiosk killed while it started may have
     * left the file before its tables, which the next one must cope with. */
    if (a->n > 0) {
        kh_putf(&sql, "CREATE TEMP TABLE acked(s TEXT, q TEXT);\n");
        for (size_t i = from; i < a->n; i++)
            kh_putf(&sql, "INSERT INTO acked VALUES('%s','%s');\n", a->p[i].s, a->p[i].q);
        kh_putf(&sql, "SELECT 'missing ' || s || ' ' || q FROM (SELECT s, q FROM acked EXCEPT "
                      "SELECT session_id, question_id FROM answer WHERE length(value) > 0);\n");
    }
    const char *path = tu_fmt("%s/check.sql", dir);
    tu_write(path, sql.p);
    kh_buf_free(&sql);
    char *out = kh_sql_file(db, path, true);
    if (strcmp(out, "ok\n") != 0)
        fail_msg("%s: the database fails its check or lost acknowledged answers:\n%s", what, out);
    free(out);
    return a->n > from ? a->n - from : 0;
}

/* ---- setup ------------------------------------------------------------------------ */

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s", kh_tmpdir("HD_SIGKILL_DIR"));
    snprintf(config, sizeof config, "%s", kh_write_config(dir, false, NULL));
    size_t len;
    char *json = tu_slurp(tu_src("assets/surveys/example.json"), &len);
    if (!json)
        return -1;
    hd_diag *d = malloc(sizeof *d);
    hd_diag_init(d, "example.json");
    hd_err err = hd_survey_parse(json, len, "example.json", &sv, d);
    free(d);
    free(json);
    if (err != HD_OK || sv->n_questions > MAX_Q)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hd_survey_free(sv);
    return 0;
}

/* When to kill: after_ms after the start, or (when after_line > 0) after_us
 * microseconds after the kiosk printed its after_line-th saved line, which
 * puts the kill in the middle of whatever follows a commit. after_ms < 0 and
 * after_line 0: let it run to the end. */
typedef struct moment {
    double after_ms;
    int after_line;
    int after_us;
} moment;

/* Runs the kiosk on events with the database db, killing it at the moment m.
 * Returns the wait status; *ms the time it ran. */
static int run_kiosk(const char *events, const char *db, const char *size, moment m, acks *a,
                     double *ms)
{
    const char *errp = tu_fmt("%s/stderr.txt", dir);
    char errpath[1100];
    snprintf(errpath, sizeof errpath, "%s", errp);
    kh_kiosk k;
    kh_kiosk_start(&k, &(kh_spawn_opts){.events = events, .db = db, .config = config,
                                        .size = size, .err_path = errpath, .err_fd = -1});
    double t0 = kh_now_ms();
    a->killed = false;
    size_t first = a->n;
    bool kill_it = m.after_line > 0 || m.after_ms >= 0;
    /* A kiosk that stops making progress is a failure too, not a hung test:
     * no script here needs more than a few seconds. */
    const double hang_ms = 120000;
    for (;;) {
        double now = kh_now_ms();
        if (now - t0 > hang_ms) {
            kill(k.pid, SIGKILL);
            kh_kiosk_finish(&k, NULL, NULL, NULL);
            fail_msg("the kiosk made no progress for %.0f s (script %s)", hang_ms / 1000, events);
        }
        if (m.after_line > 0 && a->n - first >= (size_t)m.after_line) {
            struct timespec ts = {0, (long)m.after_us * 1000};
            nanosleep(&ts, NULL);
            break;
        }
        double left = m.after_line > 0 || m.after_ms < 0 ? 1000 : t0 + m.after_ms - now;
        if (left <= 0)
            break;
        if (!kh_kiosk_read(&k, (int)(left < 1000 ? left + 1 : 1000), on_line, a))
            break; /* it finished (first) */
    }
    if (kill_it && !k.eof) {
        kill(k.pid, SIGKILL);
        a->killed = true;
    }
    int st = kh_kiosk_finish(&k, on_line, a, NULL);
    *ms = kh_now_ms() - t0;
    char *err = tu_slurp(errpath, NULL);
    if (a->bad[0])
        fail_msg("the kiosk printed \"%s\"; only saved lines were expected", a->bad);
    /* Nothing the kiosk logs is expected but the line saying it closed the
     * session the last kill left open: a damaged database moved aside or a
     * failed save after a kill would be a failure of recovery. */
    if (err && err[0]) {
        static const char closed[] = "left open by a crash or power cut were kept as abandoned";
        char *rest = err;
        for (char *line = strtok_r(err, "\n", &rest); line; line = strtok_r(NULL, "\n", &rest)) {
            if (strstr(line, closed))
                continue;
            /* Under ASan, a kiosk killed while LeakSanitizer checks it at
             * exit leaves the checker's thread to complain that the threads
             * it was reading are gone: the kill's doing, not the kiosk's. */
            if (a->killed && line[0] == '=' && line[1] == '=' &&
                (strstr(line, "Unable to get registers from thread") ||
                 strstr(line, "LeakSanitizer has encountered a fatal error")))
                continue;
            if (a->killed && strncmp(line, "HINT: ", 6) == 0 && strstr(line, "LSAN_OPTIONS"))
                continue;
            if (a->killed && strstr(line, "LeakSanitizer does not work under ptrace"))
                continue;
            fail_msg("the kiosk (%s) wrote on stderr:\n%s", kh_status_text(st), line);
        }
    }
    free(err);
    if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0) && !(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL))
        fail_msg("the kiosk ended with %s (script %s)", kh_status_text(st), events);
    return st;
}

/* Every script the generator writes is one the kiosk follows to the end:
 * at each panel size a few hundred events run to exit 0, and the database
 * holds exactly the answers of the saved lines, the sessions the script
 * completed and abandoned, and nothing else. This is what makes a kill
 * meaningful: a script that went astray would stop saving early. */
static void test_scripts_run_to_the_end(void **state)
{
    (void)state;
    uint64_t seed = kh_seed("HD_SIGKILL_SEED");
    kh_rng r = {seed ^ 0x5eed};
    for (int si = 0; si < N_SIZES; si++) {
        const char *db = tu_fmt("%s/control-%d.db", dir, si);
        char dbp[1100];
        snprintf(dbp, sizeof dbp, "%s", db);
        kh_buf b = {0};
        walker w = {.r = &r, .b = &b};
        script(&w, 6);
        const char *ev = tu_fmt("%s/control-%d.events", dir, si);
        char evp[1100];
        snprintf(evp, sizeof evp, "%s", ev);
        tu_write(evp, b.p);
        kh_buf_free(&b);
        acks a = {0};
        double ms;
        int st = run_kiosk(evp, dbp, sizes[si], (moment){-1, 0, 0}, &a, &ms);
        assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
        /* a seed may draw sessions that save nothing (group sign-ups, skips) */
        assert_true(a.n > 0 || w.saves == 0);
        check_db(dbp, &a, 0, sizes[si]);
        /* And the other way round: no answer row without its saved line. */
        char *rows = kh_sql(dbp, "SELECT count(*) FROM answer");
        kh_buf sql = {0};
        kh_putf(&sql, "SELECT count(*) FROM (SELECT DISTINCT session_id, question_id FROM answer "
                      "WHERE (session_id || ' ' || question_id) IN (");
        for (size_t i = 0; i < a.n; i++)
            kh_putf(&sql, "%s'%s %s'", i ? "," : "", a.p[i].s, a.p[i].q);
        kh_putf(&sql, "));\n");
        /* Through a file: a long session makes a query longer than any
         * command line the harness builds (tu_fmt truncates). */
        const char *qf = tu_fmt("%s/control-%d.sql", dir, si);
        char qpath[1100];
        snprintf(qpath, sizeof qpath, "%s", qf);
        tu_write(qpath, sql.p);
        kh_buf_free(&sql);
        char *matched = kh_sql_file(dbp, qpath, true);
        if (strcmp(rows, matched) != 0)
            fail_msg("%s: %s rows in answer, %s of them with a saved line", sizes[si], rows,
                     matched);
        free(rows);
        free(matched);
        char *ended = kh_sql(dbp, "SELECT count(*) FILTER (WHERE status = 'complete'), "
                                  "count(*) FILTER (WHERE status = 'abandoned'), "
                                  "count(*) FILTER (WHERE status = 'in_progress') FROM session");
        const char *want = tu_fmt("%d|%d|0\n", w.completed, w.abandoned);
        if (strcmp(ended, want) != 0)
            fail_msg("%s: sessions complete|abandoned|in_progress %s, the script made %s",
                     sizes[si], ended, want);
        free(ended);
        printf("[ sigkill ] control %-8s %4d events, %2d sessions (%d complete, %d abandoned), "
               "%3zu saved lines, %.0f ms\n",
               sizes[si], w.events, w.sessions, w.completed, w.abandoned, a.n, ms);
        free(a.p);
    }
}

static void test_kill_at_random_moments(void **state)
{
    (void)state;
    long runs = kh_env_long("HD_SIGKILL_RUNS", 300);
    bool verbose = kh_env_long("HD_SIGKILL_VERBOSE", 0) != 0;
    uint64_t seed = kh_seed("HD_SIGKILL_SEED");
    printf("[ sigkill ] %ld kills, HD_SIGKILL_SEED=0x%016llx, files in %s\n", runs,
           (unsigned long long)seed, dir);
    kh_rng r = {seed};
    char db[1100], ev[1100];
    snprintf(db, sizeof db, "%s/heard.db", dir);
    snprintf(ev, sizeof ev, "%s/run.events", dir);
    acks a = {0};
    /* How long a run of n events takes, learnt from the runs that finish
     * before their kill: the delay is drawn over the whole expected run, so
     * kills land in start-up (opening, recovery, quick_check), in sessions
     * and in commits alike. */
    double ms_per_event = 2.0, start_ms = 40.0;
    long killed = 0, finished = 0, events_total = 0, after_line = 0;
    size_t checked = 0, full_checks = 0;
    double min_delay = 1e9, max_delay = 0, t_begin = kh_now_ms();
    for (long k = 0; k < runs; k++) {
        kh_buf b = {0};
        walker w = {.r = &r, .b = &b};
        script(&w, kh_range(&r, 1, 3));
        tu_write(ev, b.p);
        kh_buf_free(&b);
        events_total += w.events;
        /* Two kinds of moment, half each: a delay drawn over the whole
         * expected run, or a few microseconds after a saved line. */
        double expect = start_ms + ms_per_event * w.events;
        moment m = {-1, 0, 0};
        if (k % 2 == 0 || w.saves == 0) {
            m.after_ms = (double)kh_below(&r, (int)(expect * 1.1) + 1);
        } else {
            m.after_line = kh_range(&r, 1, w.saves);
            m.after_us = kh_below(&r, 2000);
        }
        const char *size = sizes[kh_below(&r, N_SIZES)];
        size_t before = a.n;
        double ms;
        int st = run_kiosk(ev, db, size, m, &a, &ms);
        bool was_killed = WIFSIGNALED(st);
        if (was_killed) {
            killed++;
            if (m.after_line) {
                after_line++;
            } else {
                if (m.after_ms < min_delay)
                    min_delay = m.after_ms;
                if (m.after_ms > max_delay)
                    max_delay = m.after_ms;
            }
        } else {
            finished++;
            ms_per_event = 0.7 * ms_per_event + 0.3 * ((ms - start_ms) / w.events);
            if (ms_per_event < 0.05)
                ms_per_event = 0.05;
        }
        const char *when = m.after_line ? tu_fmt("%d us after saved line %d", m.after_us,
                                                 m.after_line)
                                        : tu_fmt("at %.0f ms", m.after_ms);
        char when_s[64];
        snprintf(when_s, sizeof when_s, "%s", when);
        if (verbose)
            printf("[ sigkill ] %5ld %-8s %3d events, %s %s (ran %4.0f ms), %2zu saved\n", k + 1,
                   size, w.events, was_killed ? "killed" : "finished", when_s, ms, a.n - before);
        /* The new pairs at every kill; all of them now and then and at the
         * end (an answer once there must stay there). */
        const char *what = tu_fmt("kill %ld (HD_SIGKILL_SEED=0x%016llx, %s, %s, events %s)",
                                  k + 1, (unsigned long long)seed, size, when_s, ev);
        bool full = (k + 1) % 25 == 0 || k + 1 == runs;
        checked += check_db(db, &a, full ? 0 : a.new_from, what);
        full_checks += full;
        a.new_from = a.n;
    }
    /* One more kiosk on the grown database, to the end: it opens what the
     * last kill left and saves again. */
    kh_buf b = {0};
    walker w = {.r = &r, .b = &b};
    script(&w, 2);
    tu_write(ev, b.p);
    kh_buf_free(&b);
    size_t before = a.n;
    double ms;
    int st = run_kiosk(ev, db, "800x480", (moment){-1, 0, 0}, &a, &ms);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    /* the script may draw sessions that save nothing (sign-ups, skips) */
    assert_true(a.n > before || w.saves == 0);
    checked += check_db(db, &a, 0, "the last run");
    char *stats = kh_sql(db, "SELECT count(*), count(*) FILTER (WHERE status = 'in_progress'), "
                             "(SELECT count(*) FROM answer) FROM session");
    long n_sessions = 0, n_open = 0, n_answers = 0;
    sscanf(stats, "%ld|%ld|%ld", &n_sessions, &n_open, &n_answers);
    free(stats);
    struct stat sb;
    long long bytes = stat(db, &sb) == 0 ? (long long)sb.st_size : -1;
    printf("[ sigkill ] %ld kills (%ld after a delay of %.0f-%.0f ms, %ld just after a saved "
           "line) and %ld runs that finished first; %ld events in %.1f s\n",
           killed, killed - after_line, min_delay, max_delay, after_line, finished, events_total,
           (kh_now_ms() - t_begin) / 1000);
    printf("[ sigkill ] %zu saved lines: %zu read before the kill, %zu drained from the pipe "
           "after it; %zu (session, question) checks in %ld checks (%zu of all lines so far), "
           "0 missing\n",
           a.n, a.before_kill, a.n - a.before_kill, checked, runs + 1, full_checks + 1);
    printf("[ sigkill ] database: %ld sessions (%ld left in_progress by kills), %ld answers, "
           "%lld bytes; integrity_check ok after every kill\n",
           n_sessions, n_open, n_answers, bytes);
    assert_true(killed >= runs * 2 / 3); /* most runs really were killed */
    free(a.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scripts_run_to_the_end),
        cmocka_unit_test(test_kill_at_random_moments),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
