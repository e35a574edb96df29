/* test_powerloss.c — power loss at thousands of points of a kiosk's
 * workload, through the crash VFS shim (src/store/crashvfs.h,
 * docs/crash-testing.md).
 *
 * Each run: a fresh store opened through the shim, a workload of sessions,
 * answers (some replaced, some deleted), a withdrawal and a kiosk restart,
 * with WAL checkpoints every 10 pages; power is lost at one numbered step;
 * what survives is reopened with the normal VFS (hd_store_open). Checked:
 * the store opens without moving the file aside, PRAGMA integrity_check is
 * ok, every answer whose save returned HD_OK is there with its value, and
 * every answer whose delete (or withdrawal) returned HD_OK stays gone. The
 * only other value allowed for an answer is the one of the call that was in
 * flight when the power went. And once a withdrawal was acknowledged, its
 * answers are not readable in the files after recovery and a clean close.
 *
 * The negative control runs the same with synchronous=NORMAL, which in WAL
 * mode does not sync on commit: it must lose acknowledged answers, or the
 * harness cannot see what it claims to check.
 *
 * Environment:
 *   HD_POWERLOSS_POINTS          crash points with synchronous=FULL (2000)
 *   HD_POWERLOSS_CONTROL_POINTS  crash points of the control (400)
 *   HD_POWERLOSS_SEED            base seed of every choice (1)
 *   HD_POWERLOSS_DIR             where the files go (/dev/shm when there)
 *   HD_POWERLOSS_ONLY            "step:seed[:normal]": run one scenario,
 *                                as printed by a failure, and report it
 *                                with every step traced on stderr
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/crashvfs.h"
#include "store/store.h"
#include "store/store_private.h"

#define N_SESS 6
#define N_Q 8
#define STORY_Q 5     /* the question with a long free-text answer */
#define RESTART_AT 3  /* the kiosk restarts before this session */
#define WITHDRAW_AT 2 /* this session is withdrawn */
#define VAL_CAP 4096
#define WORKLOAD_SEED 0x68656172 /* fixes every session id: runs replay exactly */

/* ---- what was acknowledged -------------------------------------------- */

typedef struct key_state {
    int present; /* as last acknowledged */
    char val[VAL_CAP];
    int inflight; /* a change to this answer was in flight when the power went */
    int inflight_present;
    char inflight_val[VAL_CAP];
} key_state;

typedef struct sess_state {
    int started; /* the session's start was acknowledged */
    char id[HD_UUID_LEN + 1];
    key_state q[N_Q];
} sess_state;

typedef struct world {
    sess_state s[N_SESS];
    long transactions; /* store calls that returned HD_OK */
    int withdrawn;     /* the withdrawal returned HD_OK */
    int stopped;       /* a store call failed: the power is off */
    char failure[1024]; /* a failure the crash does not explain */
} world;

/* The value of answer q of session s, version v: short choice ids, and one
 * long story that spills onto overflow pages (several WAL frames a commit). */
static void value_of(int s, int q, int v, char out[VAL_CAP])
{
    if (q == STORY_Q) {
        int n = snprintf(out, VAL_CAP, "story s%d v%d:", s, v);
        int len = 900 + 650 * s + 300 * v;
        for (int i = n; i < len && i < VAL_CAP - 1; i++)
            out[i] = (char)('a' + (i * 7 + s * 3 + v) % 26);
        out[len < VAL_CAP - 1 ? len : VAL_CAP - 1] = '\0';
    } else {
        static const char *const choices[] = {"1", "2", "3", "4", "5", "yes", "no",
                                              "transport language", "prefer_not_to_say"};
        snprintf(out, VAL_CAP, "%s#%d.%d.%d", choices[(s + q + v) % 9], s, q, v);
    }
}

/* ---- the workload ------------------------------------------------------- */

/* Notes the outcome of one store call: HD_OK acknowledges, anything else
 * must be the crash (otherwise the harness itself is wrong). */
static int outcome(world *w, hd_err e, const char *what)
{
    if (e == HD_OK) {
        w->transactions++;
        return 1;
    }
    if (!hd_crashvfs_crashed() && !w->failure[0])
        snprintf(w->failure, sizeof w->failure, "%s failed before any crash: %s", what,
                 hd_err_name(e));
    w->stopped = 1;
    return 0;
}

static hd_store *open_tuned(world *w, const char *path, int full)
{
    hd_store *st = NULL;
    char moved[512];
    hd_err e = hd_store_open(path, &st, moved, sizeof moved);
    if (!outcome(w, e, "hd_store_open"))
        return NULL;
    if (moved[0] && !w->failure[0])
        snprintf(w->failure, sizeof w->failure, "workload open moved the file to %s", moved);
    e = hd_crashvfs_tune(st, 10, full);
    if (!outcome(w, e, "tune")) {
        hd_store_close(st);
        return NULL;
    }
    return st;
}

static int save(world *w, hd_store *st, int s, int q, int v)
{
    key_state *k = &w->s[s].q[q];
    k->inflight = 1;
    k->inflight_present = 1;
    value_of(s, q, v, k->inflight_val);
    hd_err e = hd_store_answer_save(st, w->s[s].id, tu_fmt("q%d", q), k->inflight_val,
                                    "2026-11-22T10:04:05Z");
    if (!outcome(w, e, "hd_store_answer_save"))
        return 0;
    k->inflight = 0;
    k->present = 1;
    memcpy(k->val, k->inflight_val, sizeof k->val);
    return 1;
}

static int delete_answer(world *w, hd_store *st, int s, int q)
{
    key_state *k = &w->s[s].q[q];
    k->inflight = 1;
    k->inflight_present = 0;
    if (!outcome(w, hd_store_answer_delete(st, w->s[s].id, tu_fmt("q%d", q)),
                 "hd_store_answer_delete"))
        return 0;
    k->inflight = 0;
    k->present = 0;
    return 1;
}

static int withdraw(world *w, hd_store *st, int s)
{
    for (int q = 0; q < N_Q; q++) {
        w->s[s].q[q].inflight = 1;
        w->s[s].q[q].inflight_present = 0;
    }
    if (!outcome(w, hd_store_session_delete(st, w->s[s].id), "hd_store_session_delete"))
        return 0;
    for (int q = 0; q < N_Q; q++) {
        w->s[s].q[q].inflight = 0;
        w->s[s].q[q].present = 0;
    }
    w->withdrawn = 1;
    return 1;
}

/* A day at the kiosk, compressed: runs until done or until the power goes.
 * Every transaction is one of the store's acknowledged writes. */
static void workload(world *w, const char *path, int full)
{
    hd_store *st = open_tuned(w, path, full);
    if (!st)
        return;
    static const hd_session_info info = {"local-health", "2026-11-a", "en", "story",
                                         "Church hall", "self", "2026-11-22T10:00:00Z"};
    for (int s = 0; s < N_SESS && !w->stopped; s++) {
        if (s == RESTART_AT) {
            /* Closing checkpoints and deletes the WAL; the next open makes a
             * new one: crash points in that, too. */
            hd_store_close(st);
            st = open_tuned(w, path, full);
            if (!st)
                return;
        }
        char id[HD_UUID_LEN + 1];
        if (!outcome(w, hd_store_session_start(st, &info, id), "hd_store_session_start"))
            break;
        memcpy(w->s[s].id, id, sizeof id);
        w->s[s].started = 1;
        int ok = 1;
        for (int q = 0; ok && q < N_Q; q++)
            ok = save(w, st, s, q, 0);
        ok = ok && save(w, st, s, 2, 1) && save(w, st, s, STORY_Q, 1); /* changed minds */
        ok = ok && delete_answer(w, st, s, 3);                          /* skipped after all */
        if (ok && s == WITHDRAW_AT)
            ok = withdraw(w, st, s);
        else if (ok)
            ok = outcome(w,
                         hd_store_session_end(st, w->s[s].id, "complete",
                                              "2026-11-22T10:09:00Z"),
                         "hd_store_session_end");
    }
    hd_store_close(st);
}

/* ---- one run -------------------------------------------------------------- */

typedef struct run_result {
    hd_crashvfs_stats vfs;
    long acked_present; /* acknowledged answers that had to be there */
    long acked_absent;  /* acknowledged deletions that had to stay */
    long lost;          /* acknowledged answers missing or wrong */
    long resurrected;   /* acknowledged deletions undone */
    int integrity;      /* 1: the file was damaged (check failed, moved aside, unopenable) */
    int withdrawn_acked; /* the withdrawal was acknowledged */
    int withdrawn_left;  /* ...and its story was still readable in a file after recovery */
    char detail[1024];
} run_result;

static void clean_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("opendir %s: %s", dir, strerror(errno));
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (unlink(p) != 0)
            fail_msg("unlink %s: %s", p, strerror(errno));
    }
    closedir(d);
}

/* Keeps the first thing that went wrong in a run, for the report. */
static void note(run_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(run_result *r, const char *fmt, ...)
{
    if (r->detail[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->detail, sizeof r->detail, fmt, ap);
    va_end(ap);
}

/* Reopens what survived with the normal VFS and checks it against w. */
static void verify(const world *w, const char *path, run_result *r)
{
    hd_store *st = NULL;
    char moved[512];
    hd_err e = hd_store_open(path, &st, moved, sizeof moved);
    if (e != HD_OK) {
        r->integrity = 1;
        note(r, "reopen failed: %s", hd_err_name(e));
        return;
    }
    if (moved[0]) {
        r->integrity = 1;
        note(r, "reopen found the file damaged and moved it to %s", moved);
    }
    char problem[256];
    e = hd_store_integrity_check(st, problem, sizeof problem);
    if (e != HD_OK) {
        r->integrity = 1;
        note(r, "integrity_check: %s: %s", hd_err_name(e), problem);
    }
    static char got[VAL_CAP];
    for (int s = 0; s < N_SESS; s++) {
        if (!w->s[s].started)
            continue;
        for (int q = 0; q < N_Q; q++) {
            const key_state *k = &w->s[s].q[q];
            e = hd_store_answer_get(st, w->s[s].id, tu_fmt("q%d", q), got, sizeof got);
            if (e != HD_OK && e != HD_ENOTFOUND)
                fail_msg("reading answer back: %s", hd_err_name(e));
            int present = e == HD_OK;
            int ok = present == k->present && (!present || strcmp(got, k->val) == 0);
            if (!ok && k->inflight)
                ok = present == k->inflight_present &&
                     (!present || strcmp(got, k->inflight_val) == 0);
            if (k->present)
                r->acked_present++;
            else
                r->acked_absent++;
            if (ok)
                continue;
            if (k->present) {
                r->lost++;
                note(r, "session %s q%d: acknowledged answer %s", w->s[s].id, q,
                     present ? "has a wrong value" : "is missing");
            } else {
                r->resurrected++;
                note(r, "session %s q%d: acknowledged deletion undone", w->s[s].id, q);
            }
        }
    }
    hd_store_close(st);

    /* The store promises a withdrawal leaves nothing readable in the files
     * (secure_delete and a WAL truncation): after recovery and a clean
     * close, look for the withdrawn story's bytes. */
    r->withdrawn_acked = w->withdrawn;
    if (r->withdrawn_acked) {
        static const char *const suffix[] = {"", "-wal", "-journal"};
        char marker[32];
        snprintf(marker, sizeof marker, "story s%d v", WITHDRAW_AT);
        for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
            size_t n = 0;
            char *b = tu_slurp(tu_fmt("%s%s", path, suffix[i]), &n);
            if (b && memmem(b, n, marker, strlen(marker)))
                r->withdrawn_left = 1;
            free(b);
        }
    }
}

/* The workload of the latest run (static: it is large). */
static world last_world;

static void one_run(const char *dir, long crash_at, uint64_t seed, int full, run_result *r)
{
    memset(r, 0, sizeof *r);
    char path[1024];
    snprintf(path, sizeof path, "%s/heard.db", dir);
    clean_dir(dir);
    hd_crashvfs_fake_random(WORKLOAD_SEED);
    if (hd_crashvfs_install() != HD_OK)
        fail_msg("cannot install the crash VFS");
    hd_crashvfs_arm(crash_at);
    world *w = &last_world;
    memset(w, 0, sizeof *w);
    workload(w, path, full);
    if (w->failure[0])
        fail_msg("step %ld seed %" PRIx64 ": %s", crash_at, seed, w->failure);
    hd_err e = hd_crashvfs_power_loss(seed, &r->vfs);
    hd_crashvfs_uninstall();
    if (e != HD_OK)
        fail_msg("power loss: %s", hd_err_name(e));
    verify(w, path, r);
}

/* ---- many runs -------------------------------------------------------------- */

static long env_long(const char *name, long dflt)
{
    const char *v = getenv(name);
    if (!v || !*v)
        return dflt;
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || n < 0)
        fail_msg("%s=%s: expected a non-negative number", name, v);
    return n;
}

static uint64_t env_seed(void)
{
    const char *v = getenv("HD_POWERLOSS_SEED");
    return v && *v ? strtoull(v, NULL, 0) : 1;
}

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

static long gcd(long a, long b) { return b ? gcd(b, a % b) : a; }

typedef struct totals {
    long points, by_file[HD_CVF_COUNT_], by_op[HD_CVO_COUNT_], after_end;
    long kept, dropped, torn, garbage, trunc_kept, trunc_dropped, vanished, resurrected_files;
    long acked_present, acked_absent, lost, resurrected, integrity, runs_losing;
    long withdrawn, withdrawn_left;
    char first_bad[1400];
} totals;

static long workload_steps(const char *dir, int full)
{
    run_result r;
    one_run(dir, 0, 0, full, &r);
    if (r.lost || r.resurrected || r.integrity)
        fail_msg("with power lost only after the whole workload the harness already fails: %s", r.detail);
    return r.vfs.steps;
}

/* Runs `points` crash points spread over steps 1..T+1 (T+1: power lost after
 * the workload ended), each with its own seed. */
static void campaign(const char *dir, int full, long points, totals *t)
{
    memset(t, 0, sizeof *t);
    long T = workload_steps(dir, full);
    long T2 = workload_steps(dir, full);
    if (T != T2 || T < 50)
        fail_msg("the workload is not deterministic (%ld then %ld steps)", T, T2);
    long span = T + 1;
    long stride = 7919; /* visits every step in turn, in a scattered order */
    while (gcd(stride, span) != 1)
        stride++;
    uint64_t base = env_seed();
    for (long i = 0; i < points; i++) {
        long at = 1 + (long)(((uint64_t)i * (uint64_t)stride) % (uint64_t)span);
        uint64_t seed = mix(base ^ mix((uint64_t)i + (full ? 0 : 0x5eed0000ULL)));
        run_result r;
        one_run(dir, at, seed, full, &r);
        t->points++;
        if (r.vfs.crashed) {
            t->by_file[r.vfs.crash_file]++;
            t->by_op[r.vfs.crash_op]++;
        } else {
            t->after_end++;
        }
        t->kept += r.vfs.writes_kept;
        t->dropped += r.vfs.writes_dropped;
        t->torn += r.vfs.writes_torn;
        t->garbage += r.vfs.sectors_garbage;
        t->trunc_kept += r.vfs.truncates_kept;
        t->trunc_dropped += r.vfs.truncates_dropped;
        t->vanished += r.vfs.files_vanished;
        t->resurrected_files += r.vfs.files_resurrected;
        t->acked_present += r.acked_present;
        t->acked_absent += r.acked_absent;
        t->lost += r.lost;
        t->resurrected += r.resurrected;
        t->integrity += r.integrity;
        t->withdrawn += r.withdrawn_acked;
        t->withdrawn_left += r.withdrawn_left;
        if (r.lost || r.resurrected || r.integrity) {
            t->runs_losing++;
            if (!t->first_bad[0])
                snprintf(t->first_bad, sizeof t->first_bad,
                         "%s (replay: HD_POWERLOSS_ONLY=%ld:0x%" PRIx64 "%s)", r.detail, at,
                         seed, full ? "" : ":normal");
        }
    }
    printf("powerloss: synchronous=%s: workload of %ld steps; %ld crash points "
           "(in wal: %ld, in db: %ld, in journal: %ld, after the end: %ld; "
           "writes %ld, syncs %ld, dirsyncs %ld, truncates %ld, deletes %ld)\n",
           full ? "FULL" : "NORMAL", T, t->points, t->by_file[HD_CVF_WAL],
           t->by_file[HD_CVF_DB], t->by_file[HD_CVF_JOURNAL], t->after_end,
           t->by_op[HD_CVO_WRITE], t->by_op[HD_CVO_SYNC], t->by_op[HD_CVO_DIRSYNC],
           t->by_op[HD_CVO_TRUNCATE], t->by_op[HD_CVO_DELETE]);
    printf("powerloss: synchronous=%s: unsynced writes kept %ld, dropped %ld, torn %ld "
           "(%ld sectors garbage); truncates kept %ld, dropped %ld; new files vanished %ld, "
           "deleted files back %ld\n",
           full ? "FULL" : "NORMAL", t->kept, t->dropped, t->torn, t->garbage, t->trunc_kept,
           t->trunc_dropped, t->vanished, t->resurrected_files);
    printf("powerloss: synchronous=%s: checked %ld acknowledged answers and %ld acknowledged "
           "deletions: lost %ld, deletions undone %ld, integrity errors %ld (runs with a "
           "loss: %ld)\n",
           full ? "FULL" : "NORMAL", t->acked_present, t->acked_absent, t->lost,
           t->resurrected, t->integrity, t->runs_losing);
    printf("powerloss: synchronous=%s: withdrawals acknowledged %ld; withdrawn story still "
           "readable in the files after recovery and a clean close: %ld\n",
           full ? "FULL" : "NORMAL", t->withdrawn, t->withdrawn_left);
    if (t->first_bad[0])
        printf("powerloss: synchronous=%s: first: %s\n", full ? "FULL" : "NORMAL",
               t->first_bad);
    fflush(stdout);
}

/* ---- tests ----------------------------------------------------------------- */

static char run_dir[600];
static char own_dir[512]; /* made here, not by tu_tmpdir: removed at exit */

static void remove_own_dir(void)
{
    if (!own_dir[0] || getenv("HD_KEEP_TMP"))
        return;
    clean_dir(run_dir);
    rmdir(run_dir);
    rmdir(own_dir);
}

/* The files' real durability plays no part (the shim simulates it), but the
 * reopen after each power loss uses the normal VFS, whose fsyncs cost real
 * time on a busy disk: tmpfs when there is one (HD_POWERLOSS_DIR to choose). */
static void make_run_dir(void)
{
    if (run_dir[0])
        return;
    const char *base = getenv("HD_POWERLOSS_DIR");
    struct stat sb;
    if ((!base || !*base) && stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) &&
        access("/dev/shm", W_OK) == 0)
        base = "/dev/shm";
    if (base && *base) {
        snprintf(own_dir, sizeof own_dir, "%s/heard-powerloss-XXXXXX", base);
        if (!mkdtemp(own_dir))
            fail_msg("mkdtemp %s: %s", own_dir, strerror(errno));
        atexit(remove_own_dir);
        snprintf(run_dir, sizeof run_dir, "%s/run", own_dir);
    } else {
        snprintf(run_dir, sizeof run_dir, "%s/run", tu_tmpdir());
    }
    if (mkdir(run_dir, 0700) != 0)
        fail_msg("mkdir %s: %s", run_dir, strerror(errno));
}

static void test_device_as_sqlite_sees_it(void **state)
{
    (void)state;
    make_run_dir();
    run_result r;
    one_run(run_dir, 0, 0, 1, &r);
    /* The first run of a process and a later one must be the same run, or
     * a printed replay would replay something else. */
    char ids[N_SESS][HD_UUID_LEN + 1];
    for (int s = 0; s < N_SESS; s++)
        memcpy(ids[s], last_world.s[s].id, sizeof ids[s]);
    run_result again;
    one_run(run_dir, 0, 0, 1, &again);
    assert_int_equal(r.vfs.steps, again.vfs.steps);
    for (int s = 0; s < N_SESS; s++)
        assert_string_equal(ids[s], last_world.s[s].id);
    int sector = 0, chars = 0;
    hd_crashvfs_device(&sector, &chars);
    printf("powerloss: unix VFS reports sector size %d, device characteristics 0x%x%s\n",
           sector, (unsigned)chars, (chars & 0x1000) ? " (POWERSAFE_OVERWRITE)" : "");
    assert_true(sector > 0);
    /* No crash: everything acknowledged is there, and the check itself can
     * see answers (a harness that read nothing would pass anything). */
    assert_int_equal(r.lost + r.resurrected + r.integrity, 0);
    assert_true(r.acked_present >= (N_SESS - 1) * (N_Q - 1));
    assert_true(r.acked_absent >= N_Q);
}

static void test_crash_at_the_first_step(void **state)
{
    (void)state;
    make_run_dir();
    /* Crash at the very first step: the database never became durable. The
     * run must report nothing lost (nothing was acknowledged)... */
    run_result r;
    one_run(run_dir, 1, 42, 1, &r);
    assert_true(r.vfs.crashed);
    assert_int_equal(r.acked_present, 0);
    assert_int_equal(r.lost + r.integrity, 0);
}

static void test_powerloss_full_sync(void **state)
{
    (void)state;
    make_run_dir();
    long points = env_long("HD_POWERLOSS_POINTS", 2000);
    time_t t0 = time(NULL);
    totals t;
    campaign(run_dir, 1, points, &t);
    printf("powerloss: synchronous=FULL: %ld crash points in %lds\n", t.points,
           (long)(time(NULL) - t0));
    assert_int_equal(t.points, points);
    if (points >= 500) {
        /* The points must land in commits and in checkpoints alike. */
        assert_true(t.by_file[HD_CVF_WAL] >= points / 10);
        assert_true(t.by_file[HD_CVF_DB] >= points / 20);
        assert_true(t.torn > 0 && t.dropped > 0 && t.kept > 0);
    }
    if (t.lost || t.resurrected || t.integrity)
        fail_msg("synchronous=FULL lost %ld acknowledged answers, undid %ld deletions, "
                 "%ld integrity errors; first: %s",
                 t.lost, t.resurrected, t.integrity, t.first_bad);
    /* A withdrawal that was acknowledged leaves nothing readable, crash or
     * not (the store's promise, docs/database.md). */
    if (t.withdrawn_left)
        fail_msg("%ld acknowledged withdrawals left the story readable in the files after "
                 "recovery",
                 t.withdrawn_left);
}

static void test_negative_control_normal_sync(void **state)
{
    (void)state;
    make_run_dir();
    long points = env_long("HD_POWERLOSS_CONTROL_POINTS", 400);
    totals t;
    campaign(run_dir, 0, points, &t);
    if (points > 0 && t.lost == 0)
        fail_msg("harness is broken: synchronous=NORMAL lost no acknowledged answer in %ld "
                 "crash points",
                 points);
    /* NORMAL gives up durability, never consistency. */
    if (t.integrity)
        fail_msg("synchronous=NORMAL damaged the file: %s", t.first_bad);
}

/* HD_POWERLOSS_ONLY=step:seed[:normal] replays one run and reports it. */
static int replay_only(const char *spec)
{
    long at = 0;
    uint64_t seed = 0;
    char mode[16] = "";
    if (sscanf(spec, "%ld:%" SCNx64 ":%15s", &at, &seed, mode) < 2) {
        fprintf(stderr, "HD_POWERLOSS_ONLY=%s: expected step:seed[:normal]\n", spec);
        return 2;
    }
    make_run_dir();
    int full = strcmp(mode, "normal") != 0;
    hd_crashvfs_trace(1);
    run_result r;
    one_run(run_dir, at, seed, full, &r);
    printf("step %ld seed 0x%" PRIx64 " synchronous=%s: crashed %d in %s %s after %ld steps; "
           "writes kept %ld dropped %ld torn %ld; files vanished %ld back %ld; "
           "lost %ld, undone %ld, integrity %d %s\n",
           at, seed, full ? "FULL" : "NORMAL", r.vfs.crashed,
           hd_crashvfs_file_name(r.vfs.crash_file), hd_crashvfs_op_name(r.vfs.crash_op),
           r.vfs.steps, r.vfs.writes_kept, r.vfs.writes_dropped, r.vfs.writes_torn,
           r.vfs.files_vanished, r.vfs.files_resurrected, r.lost, r.resurrected, r.integrity,
           r.detail);
    return r.lost || r.resurrected || r.integrity ? 1 : 0;
}

int main(void)
{
    const char *only = getenv("HD_POWERLOSS_ONLY");
    if (only && *only)
        return replay_only(only);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_device_as_sqlite_sees_it),
        cmocka_unit_test(test_crash_at_the_first_step),
        cmocka_unit_test(test_powerloss_full_sync),
        cmocka_unit_test(test_negative_control_normal_sync),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
