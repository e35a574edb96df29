/* kiosk_harness.h — what the robustness tests (test_sigkill, test_monkey,
 * test_diskfull) share: a seeded random stream, a growable text buffer, a
 * kiosk configuration with a coordinator key and a staff PIN, and starting
 * build/heard --headless as a child whose stdout the test reads as it comes.
 *
 * Header-only (static inline), since CMake builds each tests/unit/test_*.c
 * with testutil.c alone. Include after testutil.h and the system headers
 * that need _POSIX_C_SOURCE / _GNU_SOURCE.
 */
#ifndef HD_KIOSK_HARNESS_H
#define HD_KIOSK_HARNESS_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- random -------------------------------------------------------------- */

/* splitmix64: tiny, seedable, good enough to pick taps and moments. */
typedef struct kh_rng {
    uint64_t s;
} kh_rng;

static inline uint64_t kh_next(kh_rng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A whole number in [0, n); 0 when n <= 0. */
static inline int kh_below(kh_rng *r, int n)
{
    return n <= 0 ? 0 : (int)(kh_next(r) % (uint64_t)n);
}

/* A whole number in [lo, hi]. */
static inline int kh_range(kh_rng *r, int lo, int hi) { return lo + kh_below(r, hi - lo + 1); }

/* True with probability p. */
static inline bool kh_chance(kh_rng *r, double p)
{
    return (double)(kh_next(r) >> 11) * 0x1.0p-53 < p;
}

/* A seed from the environment variable name (decimal or 0x hex), else from
 * the clock: each run explores other moments, and prints the seed to replay. */
static inline uint64_t kh_seed(const char *name)
{
    const char *e = getenv(name);
    if (e && *e)
        return strtoull(e, NULL, 0);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return ((uint64_t)ts.tv_sec * 1000000007ULL) ^ (uint64_t)ts.tv_nsec ^
           ((uint64_t)getpid() << 32);
}

/* A whole number from the environment, else def. */
static inline long kh_env_long(const char *name, long def)
{
    const char *e = getenv(name);
    return e && *e ? strtol(e, NULL, 10) : def;
}

/* ---- text buffer ----------------------------------------------------------- */

typedef struct kh_buf {
    char *p;
    size_t n, cap;
} kh_buf;

static inline void kh_putf(kh_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void kh_putf(kh_buf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->p ? b->p + b->n : NULL, b->p ? b->cap - b->n : 0, fmt, ap);
        va_end(ap);
        if (n < 0)
            fail_msg("vsnprintf");
        if (b->p && b->n + (size_t)n < b->cap) {
            b->n += (size_t)n;
            return;
        }
        size_t cap = b->cap ? b->cap : 4096;
        while (cap <= b->n + (size_t)n)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            fail_msg("out of memory");
        b->p = p;
        b->cap = cap;
        b->p[b->n] = '\0';
    }
}

static inline void kh_buf_free(kh_buf *b)
{
    free(b->p);
    *b = (kh_buf){0};
}

/* ---- files ---------------------------------------------------------------- */

/* A fresh temporary directory, on tmpfs (/dev/shm) when there is one and
 * env_dir does not name another base: the kiosk's fsyncs are real, and on
 * a busy disk they, not the kiosk, would set the pace. Neither a process
 * kill nor the memory checks care whether the page cache reaches a disk. */
static inline const char *kh_tmpdir(const char *env_dir)
{
    const char *base = env_dir ? getenv(env_dir) : NULL;
    struct stat sb;
    if (!(base && *base) && stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) &&
        access("/dev/shm", W_OK) == 0)
        base = "/dev/shm";
    const char *old = getenv("TMPDIR");
    char saved[1024] = "";
    bool had = old != NULL;
    if (had)
        snprintf(saved, sizeof saved, "%s", old);
    if (base && *base)
        setenv("TMPDIR", base, 1);
    const char *d = tu_tmpdir(); /* removed at exit unless HD_KEEP_TMP */
    if (had)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    return d;
}

/* Writes a coordinator public key (the keygen format: base64 and a newline)
 * and dir/config.json naming it, with a staff PIN ("2468", hashed with the
 * cheapest argon2 settings: these tests are not about the hash) when
 * with_pin. Returns the config path (static rotating buffer). */
static inline const char *kh_write_config(const char *dir, bool with_pin, const char *extra)
{
    if (sodium_init() < 0)
        fail_msg("libsodium could not start");
    unsigned char pk[crypto_box_PUBLICKEYBYTES], sk[crypto_box_SECRETKEYBYTES];
    crypto_box_keypair(pk, sk);
    sodium_memzero(sk, sizeof sk);
    char b64[sodium_base64_ENCODED_LEN(crypto_box_PUBLICKEYBYTES,
                                       sodium_base64_VARIANT_ORIGINAL)];
    sodium_bin2base64(b64, sizeof b64, pk, sizeof pk, sodium_base64_VARIANT_ORIGINAL);
    tu_write(tu_fmt("%s/coordinator.pub", dir), tu_fmt("%s\n", b64));
    char hash[crypto_pwhash_STRBYTES] = "";
    if (with_pin && crypto_pwhash_str(hash, "2468", 4, crypto_pwhash_OPSLIMIT_MIN,
                                      crypto_pwhash_MEMLIMIT_MIN) != 0)
        fail_msg("crypto_pwhash_str");
    const char *path = tu_fmt("%s/config.json", dir);
    tu_write(path, tu_fmt("{\"coordinator_public_key\": \"coordinator.pub\",%s%s%s\n"
                          " \"venues\": [\"Test hall\"]%s}\n",
                          with_pin ? "\n \"staff_pin_hash\": \"" : "", with_pin ? hash : "",
                          with_pin ? "\"," : "", extra ? extra : ""));
    return path;
}

/* ---- the kiosk as a child process ---------------------------------------------- */

typedef struct kh_kiosk {
    pid_t pid;
    int out;          /* read end of the child's stdout, non-blocking */
    char line[512];   /* a partial line carried to the next read */
    size_t line_n;
    bool eof;
} kh_kiosk;

typedef struct kh_spawn_opts {
    const char *events, *db, *config, *size, *shots;
    const char *survey;   /* default: the example survey */
    const char *err_path; /* stderr to this file (else err_fd, else inherited) */
    int err_fd;           /* -1: not used */
    rlim_t fsize;         /* RLIMIT_FSIZE for the child (0: unchanged); SIGXFSZ ignored */
} kh_spawn_opts;

/* Starts build/heard --headless with the example survey and the source
 * tree's translations. Its stdout is a pipe the caller reads with
 * kh_kiosk_read(). */
static inline void kh_kiosk_start(kh_kiosk *k, const kh_spawn_opts *o)
{
    int pfd[2];
    if (pipe(pfd) != 0)
        fail_msg("pipe: %s", strerror(errno));
    char heard[1024], survey[1024], tr[1024];
    snprintf(heard, sizeof heard, "%s", tu_bin("heard"));
    snprintf(survey, sizeof survey, "%s",
             o->survey ? o->survey : tu_src("assets/surveys/example.json"));
    snprintf(tr, sizeof tr, "%s", tu_src("translations"));
    const char *argv[20];
    int n = 0;
    argv[n++] = heard;
    argv[n++] = "--headless";
    argv[n++] = "--events";
    argv[n++] = o->events;
    argv[n++] = "--db";
    argv[n++] = o->db;
    argv[n++] = "--survey";
    argv[n++] = survey;
    argv[n++] = "--translations";
    argv[n++] = tr;
    if (o->config) {
        argv[n++] = "--config";
        argv[n++] = o->config;
    }
    if (o->size) {
        argv[n++] = "--size";
        argv[n++] = o->size;
    }
    if (o->shots) {
        argv[n++] = "--shots";
        argv[n++] = o->shots;
    }
    argv[n] = NULL;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        fail_msg("fork: %s", strerror(errno));
    if (pid == 0) {
        dup2(pfd[1], 1);
        close(pfd[0]);
        close(pfd[1]);
        if (o->err_path) {
            int fd = open(o->err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (fd >= 0) {
                dup2(fd, 2);
                close(fd);
            }
        } else if (o->err_fd >= 0) {
            dup2(o->err_fd, 2);
            close(o->err_fd);
        }
        if (o->fsize) {
            /* Like a full disk: writes past the limit fail with EFBIG
             * instead of killing the process with SIGXFSZ. */
            signal(SIGXFSZ, SIG_IGN);
            struct rlimit lim;
            getrlimit(RLIMIT_FSIZE, &lim);
            lim.rlim_cur = o->fsize;
            setrlimit(RLIMIT_FSIZE, &lim);
        }
        setenv("SDL_VIDEODRIVER", "dummy", 1);
        execv(heard, (char *const *)argv);
        _exit(127);
    }
    close(pfd[1]);
    if (o->err_fd >= 0)
        close(o->err_fd);
    fcntl(pfd[0], F_SETFL, fcntl(pfd[0], F_GETFL) | O_NONBLOCK);
    *k = (kh_kiosk){.pid = pid, .out = pfd[0]};
}

/* Reads whatever the child has written, handing each complete line to
 * on_line (NULL: dropped). Waits at most timeout_ms for something to arrive (0: just
 * look; -1: until something comes or the pipe closes). Returns false once the
 * pipe is closed and drained. */
static inline bool kh_kiosk_read(kh_kiosk *k, int timeout_ms,
                                 void (*on_line)(void *ctx, const char *line), void *ctx)
{
    if (k->eof)
        return false;
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(k->out, &rd);
    int r = select(k->out + 1, &rd, NULL, NULL, timeout_ms < 0 ? NULL : &tv);
    if (r < 0 && errno != EINTR)
        fail_msg("select: %s", strerror(errno));
    if (r <= 0)
        return true;
    char buf[8192];
    ssize_t got;
    while ((got = read(k->out, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < got; i++) {
            if (buf[i] == '\n') {
                k->line[k->line_n] = '\0';
                if (on_line)
                    on_line(ctx, k->line);
                k->line_n = 0;
            } else if (k->line_n + 1 < sizeof k->line) {
                k->line[k->line_n++] = buf[i];
            }
        }
    }
    if (got == 0) {
        k->eof = true;
        close(k->out);
        k->out = -1;
        return false;
    }
    return true;
}

/* Reads until the pipe closes, then reaps the child. Returns its wait
 * status; *ru (if not NULL) gets its resource usage (ru_maxrss: peak RSS). */
static inline int kh_kiosk_finish(kh_kiosk *k, void (*on_line)(void *ctx, const char *line),
                                  void *ctx, struct rusage *ru)
{
    while (kh_kiosk_read(k, -1, on_line, ctx))
        ;
    int st = 0;
    struct rusage r;
    while (wait4(k->pid, &st, 0, &r) < 0) {
        if (errno != EINTR)
            fail_msg("wait4: %s", strerror(errno));
    }
    if (ru)
        *ru = r;
    return st;
}

/* "exit 1", "killed by signal 9": for messages. */
static inline const char *kh_status_text(int st)
{
    if (WIFEXITED(st))
        return tu_fmt("exit %d", WEXITSTATUS(st));
    if (WIFSIGNALED(st))
        return tu_fmt("killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
    return "stopped";
}

/* Milliseconds on the monotonic clock. */
static inline double kh_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- sqlite3 command-line tool --------------------------------------------------- */

/* Runs the SQL in script against db through the sqlite3 tool, read-only so
 * that the check neither checkpoints nor removes the WAL a killed kiosk
 * left: recovering it is the next kiosk's job. Returns its output (free it). */
static inline char *kh_sql_file(const char *db, const char *script_path, bool readonly)
{
    char *out = NULL;
    int rc = tu_run(tu_fmt("sqlite3 -batch -noheader %s '%s' < '%s'", readonly ? "-readonly" : "",
                           db, script_path),
                    &out, 1);
    if (rc != 0)
        fail_msg("sqlite3 on %s failed (%d): %s", db, rc, out ? out : "");
    return out;
}

static inline char *kh_sql(const char *db, const char *query)
{
    char *out = NULL;
    int rc = tu_run(tu_fmt("sqlite3 -batch -noheader -readonly '%s' \"%s\"", db, query), &out, 1);
    if (rc != 0)
        fail_msg("sqlite3 failed (%d): %s\n%s", rc, query, out ? out : "");
    return out;
}

#endif
