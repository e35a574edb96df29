/* test_diskfull.c — the whole kiosk (build/heard --headless) on a disk that
 * fills up, and on media that are read-only.
 *
 * The medium is a small tmpfs in a private mount namespace when the test can
 * make one (root, or an unprivileged user namespace); otherwise a file-size
 * limit (RLIMIT_FSIZE, SIGXFSZ ignored, so writes fail with EFBIG as on a
 * full disk) and, for read-only, a directory without write permission.
 *
 * Disk full, in one kiosk process: the database's disk fills in the middle of
 * a story; the save that does not fit is not acknowledged, the kiosk says
 * "Please ask a member of staff" (layout dump), keeps the participant where
 * they were with their words; space comes back (the filler file deleted, or
 * the limit raised with prlimit) and the very same process saves the next
 * Next, with the words typed before and after. To do that at the right
 * moment the test holds the kiosk still: its stderr is a pipe the test keeps
 * full, so the kiosk stops inside write(2) as it logs the failure; the test
 * sees it there (/proc/PID/syscall or /proc/PID/wchan), makes room, and reads
 * the pipe. Where /proc cannot show that, the kiosk runs on with the disk
 * full and a second run, after room is made, must save.
 *
 * Read-only: the kiosk starts anyway, tells staff on the welcome screen,
 * refuses to start a session (no saved line, nothing written), lets staff in
 * with the PIN, never crashes; when the medium is writable again the next
 * session start opens the database and saves.
 */
#define _GNU_SOURCE
#include "testutil.h"

#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>

#include "kiosk_harness.h"

static char dir[1024];
static char config[1100];
static char survey[1100];
static bool namespaced; /* tmpfs mounts possible */
static const char *medium = "";

#define STEPS 30
#define FILL_BYTE '#'

/* ---- the medium --------------------------------------------------------------- */

static bool write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_TRUNC);
    if (fd < 0)
        return false;
    bool ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
    close(fd);
    return ok;
}

/* A private mount namespace: mounts made here vanish with the process and
 * are never seen outside it. As root, directly; otherwise as root of a new
 * user namespace, if the system allows unprivileged ones. */
static bool enter_namespace(void)
{
    if (geteuid() != 0) {
        uid_t uid = geteuid();
        gid_t gid = getegid();
        if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
            return false;
        write_file("/proc/self/setgroups", "deny");
        if (!write_file("/proc/self/uid_map", tu_fmt("0 %d 1", (int)uid)) ||
            !write_file("/proc/self/gid_map", tu_fmt("0 %d 1", (int)gid)))
            return false;
    } else if (unshare(CLONE_NEWNS) != 0) {
        return false;
    }
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        return false;
    const char *probe = tu_fmt("%s/probe", dir);
    mkdir(probe, 0755);
    if (mount("tmpfs", probe, "tmpfs", 0, "size=64k") != 0)
        return false;
    umount(probe);
    rmdir(probe);
    return true;
}

static void mount_tmpfs(const char *path, const char *size)
{
    mkdir(path, 0755);
    if (mount("tmpfs", path, "tmpfs", 0, tu_fmt("size=%s,mode=0755", size)) != 0)
        fail_msg("mount tmpfs on %s: %s", path, strerror(errno));
}

static void set_read_only(const char *path, bool ro)
{
    if (namespaced) {
        if (mount(NULL, path, NULL, MS_REMOUNT | (ro ? MS_RDONLY : 0), NULL) != 0)
            fail_msg("remount %s %s: %s", path, ro ? "ro" : "rw", strerror(errno));
        return;
    }
    /* Without mounts: no write permission on the directory and the file. */
    chmod(tu_fmt("%s/heard.db", path), ro ? 0444 : 0644);
    chmod(path, ro ? 0555 : 0755);
}

/* Fills the file system of path with path/filler, leaving room bytes free. */
static void fill_leaving(const char *filler, off_t room)
{
    int fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    static char block[65536];
    memset(block, 'f', sizeof block);
    off_t size = 0;
    for (;;) {
        ssize_t n = write(fd, block, sizeof block);
        if (n <= 0)
            break;
        size += n;
    }
    if (errno != ENOSPC)
        fail_msg("filling %s stopped with %s, not ENOSPC", filler, strerror(errno));
    assert_int_equal(ftruncate(fd, size > room ? size - room : 0), 0);
    close(fd);
}

/* ---- seeing the kiosk stopped in write(2) ----------------------------------------- */

/* A small /proc file (their size reads as 0, so tu_slurp cannot). */
static bool read_proc(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return false;
    ssize_t n = read(fd, buf, cap - 1);
    close(fd);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    return true;
}

/* True when process pid is blocked writing to fd: /proc/PID/syscall names
 * the call and its first argument; /proc/PID/wchan (where the first is not
 * readable) at least says a pipe write. */
static bool blocked_writing(pid_t pid, int fd)
{
    char s[256];
    if (read_proc(tu_fmt("/proc/%d/syscall", (int)pid), s, sizeof s)) {
        long nr = -1;
        unsigned long arg = 0;
        return sscanf(s, "%ld 0x%lx", &nr, &arg) == 2 && nr == SYS_write &&
               arg == (unsigned long)fd;
    }
    return read_proc(tu_fmt("/proc/%d/wchan", (int)pid), s, sizeof s) &&
           strstr(s, "pipe_write") != NULL;
}

/* A pipe of one page, filled up: the next write to it blocks. Returns the
 * read end; *wr gets the write end for the child; *filled the bytes put in. */
static int full_pipe(int *wr, size_t *filled)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    fcntl(p[1], F_SETPIPE_SZ, 4096);
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    size_t n = 0;
    char c = FILL_BYTE;
    while (write(p[1], &c, 1) == 1)
        n++;
    fcntl(p[1], F_SETFL, 0); /* blocking again, for the child */
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    *wr = p[1];
    *filled = n;
    return p[0];
}

/* Whether this system lets the test see a child blocked in write(2). */
static bool can_see_blocked_writes(void)
{
    int wr;
    size_t filled;
    int rd = full_pipe(&wr, &filled);
    pid_t pid = fork();
    if (pid == 0) {
        char c = 'x';
        _exit(write(wr, &c, 1) == 1 ? 0 : 1);
    }
    close(wr);
    bool seen = false;
    for (int i = 0; i < 200 && !seen; i++) {
        struct timespec ts = {0, 5 * 1000 * 1000};
        nanosleep(&ts, NULL);
        seen = blocked_writing(pid, wr);
    }
    char buf[8192];
    while (read(rd, buf, sizeof buf) > 0)
        ;
    close(rd);
    waitpid(pid, NULL, 0);
    return seen;
}

/* ---- stderr, read as it comes ------------------------------------------------------ */

typedef struct errbuf {
    int fd;
    size_t skip; /* filler bytes still to drop */
    kh_buf text;
} errbuf;

static void err_drain(errbuf *e)
{
    char buf[8192];
    ssize_t got = -1;
    while (e->fd >= 0 && (got = read(e->fd, buf, sizeof buf)) > 0) {
        size_t off = 0;
        if (e->skip) {
            off = (size_t)got < e->skip ? (size_t)got : e->skip;
            e->skip -= off;
        }
        if ((size_t)got > off)
            kh_putf(&e->text, "%.*s", (int)((size_t)got - off), buf + off);
    }
    if (e->fd >= 0 && got == 0) {
        close(e->fd);
        e->fd = -1;
    }
}

/* ---- saved lines ------------------------------------------------------------------- */

typedef struct saves {
    int n;
    char sid[STEPS + 8][40];
    char qid[STEPS + 8][48];
} saves;

static void on_saved(void *ctx, const char *line)
{
    saves *s = ctx;
    if (s->n >= STEPS + 8)
        fail_msg("too many saved lines");
    if (sscanf(line, "saved %39s %47s", s->sid[s->n], s->qid[s->n]) != 2)
        fail_msg("the kiosk printed \"%s\"", line);
    s->n++;
}

static void assert_sql(const char *db, const char *query, const char *want)
{
    char *got = kh_sql(db, query);
    if (strcmp(got, want) != 0)
        fail_msg("%s\n--- got:\n%s--- want:\n%s", query, got, want);
    free(got);
}

/* ---- fixtures ------------------------------------------------------------------------ */

/* A survey of STEPS + 2 text questions: whatever the step at which the disk
 * fills, the script's next lines (type, Next) still fit the screen the kiosk
 * shows, so one fixed script serves every outcome. */
static void write_survey(void)
{
    kh_buf b = {0};
    kh_putf(&b, "{\"heard_survey\": 1, \"id\": \"diskfull\", \"version\": \"1\",\n"
                " \"source_language\": \"en\", \"languages\": [\"en\", \"cy\"],\n"
                " \"title\": \"Stories\", \"consent\": \"You can stop at any time.\",\n"
                " \"support\": \"Ask a member of staff.\",\n"
                " \"tiers\": [{\"id\": \"story\", \"title\": \"Tell us\", \"blurb\": \"Type\","
                " \"sections\": [\"s\"]}],\n"
                " \"sections\": [{\"id\": \"s\", \"title\": \"Your story\", \"questions\": [\n");
    for (int i = 1; i <= STEPS + 2; i++)
        kh_putf(&b, "  {\"id\": \"t%02d\", \"type\": \"text\", \"text\": \"Part %d\", "
                    "\"max_length\": 4000}%s\n",
                i, i, i <= STEPS + 1 ? "," : "");
    kh_putf(&b, " ]}]}\n");
    snprintf(survey, sizeof survey, "%s/diskfull.json", dir);
    tu_write(survey, b.p);
    kh_buf_free(&b);
}

/* The words typed at step i: lowercase and spaces, about 150 characters,
 * different at every step. */
static const char *words(int i)
{
    static const char *const w[] = {"the", "bus", "was", "late", "again", "and", "nobody",
                                    "told", "us", "why", "we", "waited", "three", "hours",
                                    "in", "the", "cold", "for", "a", "nurse"};
    kh_buf b = {0};
    kh_putf(&b, "step %s", (const char *[]){"one", "two", "three", "four", "five", "six",
                                            "seven", "eight", "nine", "ten"}[i % 10]);
    for (int k = 0; b.n < 150; k++)
        kh_putf(&b, " %s", w[(i * 7 + k * 3) % 20]);
    const char *s = tu_fmt("%s", b.p);
    kh_buf_free(&b);
    return s;
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "%s", tu_tmpdir());
    snprintf(config, sizeof config, "%s", kh_write_config(dir, true, NULL));
    write_survey();
    /* HD_DISKFULL_MEDIUM=rlimit tries the fallback where mounts would work. */
    const char *m = getenv("HD_DISKFULL_MEDIUM");
    namespaced = !(m && strcmp(m, "rlimit") == 0) && enter_namespace();
    medium = namespaced ? "a small tmpfs in a private mount namespace"
                        : "RLIMIT_FSIZE and a directory without write permission";
    printf("[ diskfull ] medium: %s\n", medium);
    return 0;
}

/* Shots the test only reads the layout of: the image goes to /dev/null
 * (a file-size limit would refuse 1.5 MB of BMP, and nobody looks at it). */
static void prepare_shots(const char *shots, int from, int to)
{
    mkdir(shots, 0755);
    for (int i = from; i <= to; i++) {
        const char *link = tu_fmt("%s/step-%02d.bmp", shots, i);
        unlink(link);
        assert_int_equal(symlink("/dev/null", link), 0);
    }
}

static bool shows_staff_message(const char *json_path)
{
    char *js = tu_slurp(json_path, NULL);
    if (!js)
        fail_msg("no layout dump %s", json_path);
    const char *m = strstr(js, "\"id\": \"message\"");
    const char *end = m ? strchr(m, '}') : NULL;
    bool yes = m && end && memmem(m, (size_t)(end - m), "Please ask a member of staff", 28);
    free(js);
    return yes;
}

/* ---- disk full ------------------------------------------------------------------------ */

static void test_disk_fills_mid_story(void **state)
{
    (void)state;
    char media[1100], db[1200], filler[1200], shots[1200], ev[1200];
    snprintf(media, sizeof media, "%s/full", dir);
    snprintf(db, sizeof db, "%s/heard.db", media);
    snprintf(filler, sizeof filler, "%s/filler", media);
    snprintf(shots, sizeof shots, "%s/full-shots", dir);
    snprintf(ev, sizeof ev, "%s/full.events", dir);
    if (namespaced)
        mount_tmpfs(media, "2m");
    else
        mkdir(media, 0755);

    /* A first participant, on a roomy disk. */
    char first[1200];
    snprintf(first, sizeof first, "%s/first.events", dir);
    tu_write(first, "tap @lang.en\ntap @next\ntap @tier.story\n"
                    "type it was fine\ntap @next\ntype thank you\ntap @next\n");
    kh_kiosk k;
    saves before = {0};
    kh_kiosk_start(&k, &(kh_spawn_opts){.events = first, .db = db, .config = config,
                                        .err_fd = -1, .survey = survey});
    int st = kh_kiosk_finish(&k, on_saved, &before, NULL);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_int_equal(before.n, 2);

    /* The story: STEPS steps of typing, Next, and a layout dump. */
    kh_buf b = {0};
    kh_putf(&b, "tap @lang.en\nexpect screen consent\ntap @next\ntap @tier.story\n");
    for (int i = 1; i <= STEPS; i++)
        kh_putf(&b, "expect screen question\ntype %s\ntap @next\nshot step-%02d\n", words(i), i);
    tu_write(ev, b.p);
    kh_buf_free(&b);
    prepare_shots(shots, 1, STEPS);

    /* The disk, nearly full: room for the -shm (32 KiB) and a few commits. */
    rlim_t fsize = 0;
    if (namespaced)
        fill_leaving(filler, 32 * 1024 + 64 * 1024);
    else
        fsize = 40 * 1024; /* the WAL may not grow past it */

    /* HD_DISKFULL_HOLD=0 tries the two-run fallback. */
    bool hold = kh_env_long("HD_DISKFULL_HOLD", 1) != 0 && can_see_blocked_writes();
    errbuf e = {.fd = -1};
    int child_err = -1;
    size_t filled = 0;
    const char *errpath = tu_fmt("%s/full.err", dir);
    char errp[1200];
    snprintf(errp, sizeof errp, "%s", errpath);
    if (hold)
        e.fd = full_pipe(&child_err, &filled);
    e.skip = filled;
    saves s = {0};
    kh_kiosk_start(&k, &(kh_spawn_opts){.events = ev, .db = db, .config = config,
                                        .shots = shots, .survey = survey,
                                        .err_path = hold ? NULL : errp, .err_fd = child_err,
                                        .fsize = fsize});
    int failed_at = 0; /* the step whose save failed (1-based), when held */
    double t0 = kh_now_ms();
    while (kh_kiosk_read(&k, 5, on_saved, &s)) {
        if (hold && !failed_at && blocked_writing(k.pid, 2)) {
            /* Stopped while logging the failure: the save of step s.n + 1
             * did not fit. Space comes back, then the kiosk may go on. */
            failed_at = s.n + 1;
            if (namespaced) {
                assert_int_equal(unlink(filler), 0);
            } else {
                struct rlimit lim;
                assert_int_equal(prlimit(k.pid, RLIMIT_FSIZE, NULL, &lim), 0);
                lim.rlim_cur = lim.rlim_max;
                assert_int_equal(prlimit(k.pid, RLIMIT_FSIZE, &lim, NULL), 0);
            }
        }
        if (failed_at)
            err_drain(&e);
        if (kh_now_ms() - t0 > 120000)
            fail_msg("the kiosk is still running after 2 minutes");
    }
    st = kh_kiosk_finish(&k, on_saved, &s, NULL);
    err_drain(&e);
    if (!hold)
        e.text.p = tu_slurp(errp, NULL);
    const char *err = e.text.p ? e.text.p : "";
    if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
        fail_msg("the kiosk ended with %s:\n%s", kh_status_text(st), err);
    if (!strstr(err, "could not save answer"))
        fail_msg("the disk never filled (%d saved lines); stderr:\n%s", s.n, err);
    for (int i = 1; i < s.n; i++)
        assert_string_equal(s.sid[i], s.sid[0]);

    if (hold) {
        /* One failure, logged once; then the same process saved again:
         * t01..t29 in order, the failed answer with the words typed at its
         * step and at the next (the draft was kept; typing went on). */
        if (failed_at < 2 || failed_at > STEPS - 2)
            fail_msg("the disk filled at step %d: expected some saves before and after", failed_at);
        /* Under a file-size limit SQLite reports EFBIG as a plain I/O
         * error (its unix VFS reads errno only after later calls changed
         * it); on a real full disk it is SQLITE_FULL. */
        const char *want_err = tu_fmt("heard: could not save answer t%02d: the disk is full\n",
                                      failed_at);
        const char *or_err = tu_fmt("heard: could not save answer t%02d: input/output error\n",
                                    failed_at);
        if (strcmp(err, want_err) != 0 && (namespaced || strcmp(err, or_err) != 0))
            fail_msg("stderr:\n%s--- expected:\n%s", err, want_err);
        assert_int_equal(s.n, STEPS - 1);
        for (int i = 0; i < s.n; i++)
            assert_string_equal(s.qid[i], tu_fmt("t%02d", i + 1));
        kh_buf sql = {0};
        kh_putf(&sql, "SELECT question_id || '=' || value FROM answer WHERE session_id = '%s' "
                      "ORDER BY question_id",
                s.sid[0]);
        char *got = kh_sql(db, sql.p);
        kh_buf_free(&sql);
        kh_buf want = {0};
        for (int q = 1; q <= STEPS - 1; q++) {
            if (q < failed_at)
                kh_putf(&want, "t%02d=%s\n", q, words(q));
            else if (q == failed_at)
                kh_putf(&want, "t%02d=%s%s\n", q, words(q), words(q + 1));
            else
                kh_putf(&want, "t%02d=%s\n", q, words(q + 1));
        }
        if (strcmp(got, want.p) != 0)
            fail_msg("answers:\n%s--- expected:\n%s", got, want.p);
        free(got);
        kh_buf_free(&want);
        /* The layout after each step: the staff message exactly after the
         * step whose save failed. */
        for (int i = 1; i <= STEPS; i++) {
            bool msg = shows_staff_message(tu_fmt("%s/step-%02d.json", shots, i));
            if (msg != (i == failed_at))
                fail_msg("step %d: the staff message is %s", i, msg ? "shown" : "not shown");
        }
        printf("[ diskfull ] disk full at step %d of %d (%d answers saved before); the same "
               "process saved the next %d after room was made\n",
               failed_at, STEPS, failed_at - 1, STEPS - failed_at);
    } else {
        /* Nothing saw the kiosk stop: it ran on with the disk full. Every
         * saved line came before the failure, and from it on every step
         * shows the staff message. */
        int f = s.n + 1;
        for (int i = 0; i < s.n; i++)
            assert_string_equal(s.qid[i], tu_fmt("t%02d", i + 1));
        for (int i = 1; i <= STEPS; i++) {
            bool msg = shows_staff_message(tu_fmt("%s/step-%02d.json", shots, i));
            if (msg != (i >= f))
                fail_msg("step %d: the staff message is %s", i, msg ? "shown" : "not shown");
        }
        printf("[ diskfull ] disk full at step %d of %d; /proc cannot show a blocked write "
               "here, so room is made for a second run\n",
               f, STEPS);
        if (namespaced)
            assert_int_equal(unlink(filler), 0);
    }
    free(e.text.p);

    /* Nothing acknowledged is lost, the file is whole, and (again) a kiosk
     * on this disk saves: the next run, without any limit. */
    for (int i = 0; i < before.n; i++)
        assert_sql(db, tu_fmt("SELECT count(*) FROM answer WHERE session_id = '%s' AND "
                              "question_id = '%s'", before.sid[i], before.qid[i]), "1\n");
    for (int i = 0; i < s.n; i++)
        assert_sql(db, tu_fmt("SELECT count(*) FROM answer WHERE session_id = '%s' AND "
                              "question_id = '%s' AND length(value) > 0", s.sid[i], s.qid[i]),
                   "1\n");
    saves again = {0};
    kh_kiosk_start(&k, &(kh_spawn_opts){.events = first, .db = db, .config = config,
                                        .err_fd = -1, .survey = survey});
    st = kh_kiosk_finish(&k, on_saved, &again, NULL);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_int_equal(again.n, 2);
    assert_sql(db, "PRAGMA integrity_check", "ok\n");
    if (namespaced)
        umount2(media, MNT_DETACH);
}

/* ---- read-only media ---------------------------------------------------------------- */

static void test_read_only_media(void **state)
{
    (void)state;
    if (!namespaced && geteuid() == 0) {
        printf("[ diskfull ] read-only: root without mounts ignores permissions; skipped\n");
        skip();
    }
    char media[1100], db[1200], shots[1200], ev[1200];
    snprintf(media, sizeof media, "%s/ro", dir);
    snprintf(db, sizeof db, "%s/heard.db", media);
    snprintf(shots, sizeof shots, "%s/ro-shots", dir);
    snprintf(ev, sizeof ev, "%s/ro.events", dir);
    if (namespaced)
        mount_tmpfs(media, "4m");
    else
        mkdir(media, 0755);
    const char *first = tu_fmt("%s/ro-first.events", dir);
    char firstp[1200];
    snprintf(firstp, sizeof firstp, "%s", first);
    tu_write(firstp, "tap @lang.en\ntap @next\ntap @tier.story\n"
                     "type it was fine\ntap @next\ntype thank you\ntap @next\n");
    kh_kiosk k;
    saves before = {0};
    kh_kiosk_start(&k, &(kh_spawn_opts){.events = firstp, .db = db, .config = config,
                                        .err_fd = -1, .survey = survey});
    int st = kh_kiosk_finish(&k, on_saved, &before, NULL);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_int_equal(before.n, 2);
    struct stat sb0;
    assert_int_equal(stat(db, &sb0), 0);

    set_read_only(media, true);
    /* Welcome, a session refused twice, staff mode with the PIN, and back. */
    tu_write(ev, "shot welcome\n"
                 "tap @lang.en\ntap @next\ntap @tier.story\n"
                 "expect screen tiers\nshot tiers\n"
                 "tap @tier.story\nexpect screen tiers\n"
                 "tap @leave\nexpect screen welcome\n"
                 "hold 5 5 3000\nexpect screen admin-pin\ntype 2468\ntap @next\n"
                 "expect screen admin\nshot admin\ntap @admin.exit\nexpect screen welcome\n");
    mkdir(shots, 0755);
    const char *errpath = tu_fmt("%s/ro.err", dir);
    char errp[1200];
    snprintf(errp, sizeof errp, "%s", errpath);
    saves s = {0};
    kh_kiosk_start(&k, &(kh_spawn_opts){.events = ev, .db = db, .config = config, .shots = shots,
                                        .err_path = errp, .err_fd = -1, .survey = survey});
    st = kh_kiosk_finish(&k, on_saved, &s, NULL);
    char *err = tu_slurp(errp, NULL);
    if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
        fail_msg("on read-only media the kiosk ended with %s:\n%s", kh_status_text(st), err);
    assert_int_equal(s.n, 0); /* never pretends to save */
    if (!strstr(err, tu_fmt("cannot open the database %s: the storage is read-only", db)) ||
        !strstr(err, "could not start session: the storage is read-only"))
        fail_msg("stderr does not tell staff why:\n%s", err);
    free(err);
    assert_true(shows_staff_message(tu_fmt("%s/welcome.json", shots)));
    assert_true(shows_staff_message(tu_fmt("%s/tiers.json", shots)));
    struct stat sb1;
    assert_int_equal(stat(db, &sb1), 0);
    assert_true(sb1.st_size == sb0.st_size && sb1.st_mtime == sb0.st_mtime);

    /* Writable again: the next kiosk saves, and nothing was lost. */
    set_read_only(media, false);
    saves after = {0};
    kh_kiosk_start(&k, &(kh_spawn_opts){.events = firstp, .db = db, .config = config,
                                        .err_fd = -1, .survey = survey});
    st = kh_kiosk_finish(&k, on_saved, &after, NULL);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_int_equal(after.n, 2);
    assert_sql(db, "SELECT count(*) FROM answer", "4\n");
    assert_sql(db, "PRAGMA integrity_check", "ok\n");
    printf("[ diskfull ] read-only: the kiosk started, showed the staff message, refused 2 "
           "session starts, opened staff mode; writable again, the next run saved\n");
    if (namespaced)
        umount2(media, MNT_DETACH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_disk_fills_mid_story),
        cmocka_unit_test(test_read_only_media),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
