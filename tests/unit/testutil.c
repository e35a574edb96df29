/* testutil.c — helpers shared by the cmocka tests. */
#define _GNU_SOURCE
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define TU_SLOTS 16
#define TU_LEN 4096
static char tu_buf[TU_SLOTS][TU_LEN];
static int tu_next;

static char *slot(void)
{
    char *s = tu_buf[tu_next];
    tu_next = (tu_next + 1) % TU_SLOTS;
    return s;
}

const char *tu_fmt(const char *fmt, ...)
{
    char *s = slot();
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(s, TU_LEN, fmt, ap);
    va_end(ap);
    if (n < 0 || n >= TU_LEN) {
        /* A cut command line runs something else: stop here instead. */
        fprintf(stderr, "tu_fmt: %d bytes do not fit in %d: %.80s...\n", n, TU_LEN, s);
        abort();
    }
    return s;
}

const char *tu_source_dir(void)
{
    const char *e = getenv("HD_SOURCE_DIR");
    return e && *e ? e : HD_SOURCE_DIR;
}

const char *tu_build_dir(void)
{
    const char *e = getenv("HD_BUILD_DIR");
    return e && *e ? e : ".";
}

const char *tu_src(const char *rel) { return tu_fmt("%s/%s", tu_source_dir(), rel); }

/* Under HD_RUNNER (e.g. "qemu-aarch64" for the arm64 cross build's tests), a
 * program of the build tree cannot be run directly. tu_bin() then hands out
 * a small shell script that runs it through HD_RUNNER instead, so every test
 * that spawns heard or heard-sync works unchanged: the script execs, so the
 * pid, the exit status and signals are the program's own. */
const char *tu_runnable(const char *path)
{
    const char *runner = getenv("HD_RUNNER");
    if (!runner || !*runner)
        return path;
    FILE *f = fopen(path, "rb");
    if (!f)
        return path;
    unsigned char magic[4] = {0};
    size_t got = fread(magic, 1, sizeof magic, f);
    fclose(f);
    if (got != 4 || memcmp(magic, "\x7f" "ELF", 4) != 0 || access(path, X_OK) != 0)
        return path;    /* not a program: a data file under the build tree */
    static char wrap_dir[TU_LEN];
    if (!wrap_dir[0])
        snprintf(wrap_dir, sizeof wrap_dir, "%s", tu_tmpdir());
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *script = tu_fmt("%s/%s", wrap_dir, base);
    if (access(script, X_OK) != 0) {
        tu_write(script, tu_fmt("#!/bin/sh\nexec %s '%s' \"$@\"\n", runner, path));
        if (chmod(script, 0755) != 0)
            fail_msg("chmod %s", script);
    }
    return script;
}

const char *tu_bin(const char *rel)
{
    return tu_runnable(tu_fmt("%s/%s", tu_build_dir(), rel));
}

static char tu_dirs[64][TU_LEN];
static int tu_ndirs;

static void cleanup(void)
{
    if (getenv("HD_KEEP_TMP"))
        return;
    for (int i = 0; i < tu_ndirs; i++) {
        if (system(tu_fmt("rm -rf '%s'", tu_dirs[i])) != 0)
            fprintf(stderr, "could not remove %s\n", tu_dirs[i]);
    }
}

const char *tu_tmpdir(void)
{
    char *s = slot();
    /* Memory-backed when there is one: the tests make thousands of small
     * databases, each commit an fsync; on a shared disk that is most of
     * their time. Durability itself is proven by test_powerloss. */
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(s, TU_LEN, "%s/heard-test-XXXXXX", base);
    if (!mkdtemp(s))
        fail_msg("mkdtemp failed");
    if (tu_ndirs == 0)
        atexit(cleanup);
    if (tu_ndirs < 64)
        memcpy(tu_dirs[tu_ndirs++], s, TU_LEN);
    return s;
}

int tu_run(const char *cmd, char **out, int err_too)
{
    char *full = NULL;
    if (asprintf(&full, "%s%s", cmd, err_too ? " 2>&1" : "") < 0)
        fail_msg("asprintf");
    FILE *p = popen(full, "r");
    free(full);
    if (!p)
        fail_msg("popen %s", cmd);
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, p)) > 0) {
        n += got;
        if (cap - n < 2) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    buf[n] = '\0';
    int st = pclose(p);
    if (out)
        *out = buf;
    else
        free(buf);
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    if (WIFSIGNALED(st))
        return 128 + WTERMSIG(st);
    return -1;
}

char *tu_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    size_t got = fread(buf, 1, (size_t)n, f);
    fclose(f);
    buf[got] = '\0';
    if (len)
        *len = got;
    return buf;
}

void tu_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot write %s", path);
    fputs(text, f);
    fclose(f);
}
