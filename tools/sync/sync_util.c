/* sync_util.c — helpers shared by heard-sync's commands. */
#define _POSIX_C_SOURCE 200809L
#include "sync_util.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sync.h"
#include "sys/sys.h"

int sync_load_survey(const char *cmd, const char *path, hd_survey **out)
{
    char *text = NULL;
    size_t len = 0;
    hd_err e = hd_file_read(path, &text, &len);
    if (e != HD_OK)
        return sync_fail(cmd, "cannot read %s: %s", path,
                         e == HD_ENOTFOUND ? "no such file" : hd_strerror(e));
    hd_diag d;
    hd_diag_init(&d, path);
    e = hd_survey_parse(text, len, path, out, &d);
    free(text);
    if (e == HD_OK)
        return 0;
    if (d.n == 0)
        return sync_fail(cmd, "%s: %s", path, hd_strerror(e));
    for (int i = 0; i < d.n; i++) {
        char line[HD_DIAG_MSG + 512];
        hd_diag_format(&d, i, line, sizeof line);
        fprintf(stderr, "heard-sync: %s: %s\n", cmd, line);
    }
    if (d.dropped > 0)
        fprintf(stderr, "heard-sync: %s: %s: ... and %d more problems\n", cmd, path, d.dropped);
    return 1;
}

static bool in_list(const char *s, const char *const *list)
{
    for (; list && *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

int sync_no_positional(const char *cmd, int argc, char **argv, const char *const *value_flags,
                       const char *usage)
{
    for (int i = 0; i < argc; i++) {
        if (in_list(argv[i], value_flags)) {
            i++;
            continue;
        }
        if (strncmp(argv[i], "--", 2) != 0)
            return sync_fail(cmd, "unexpected argument \"%s\" (usage: heard-sync %s)", argv[i],
                             usage);
    }
    return 0;
}

hd_err sync_out_open(sync_out *o, const char *path, unsigned mode)
{
    /* "heard-sync export ... 2>&1 | head" must not be killed by SIGPIPE in
     * the middle of writing, which would leave the temporary file behind:
     * a closed pipe becomes an ordinary write error on that stream. */
    signal(SIGPIPE, SIG_IGN);
    memset(o, 0, sizeof *o);
    size_t n = strlen(path);
    o->path = strdup(path);
    o->tmp = malloc(n + 16);
    if (!o->path || !o->tmp) {
        free(o->path);
        free(o->tmp);
        return HD_ENOMEM;
    }
    snprintf(o->tmp, n + 16, "%s.tmp-XXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        hd_err e = errno == ENOENT ? HD_ENOTFOUND : errno == ENOSPC ? HD_EFULL
                                                   : (errno == EACCES || errno == EROFS)
                                                       ? HD_EREADONLY
                                                       : HD_EIO;
        free(o->path);
        free(o->tmp);
        o->path = o->tmp = NULL;
        return e;
    }
    fchmod(fd, (mode_t)mode);
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        close(fd);
        unlink(o->tmp);
        free(o->path);
        free(o->tmp);
        o->path = o->tmp = NULL;
        return HD_ENOMEM;
    }
    setvbuf(o->f, NULL, _IOFBF, 1 << 16);
    return HD_OK;
}

hd_err sync_out_sink(void *ctx, const void *data, size_t len)
{
    sync_out *o = ctx;
    if (o->err != HD_OK)
        return o->err;
    if (fwrite(data, 1, len, o->f) != len)
        o->err = errno == ENOSPC ? HD_EFULL : HD_EIO;
    return o->err;
}

hd_err sync_out_commit(sync_out *o)
{
    if (!o->f)
        return HD_EINVAL;
    hd_err err = o->err;
    if (err == HD_OK && fflush(o->f) != 0)
        err = errno == ENOSPC ? HD_EFULL : HD_EIO;
    if (err == HD_OK && fsync(fileno(o->f)) != 0)
        err = HD_EIO;
    if (fclose(o->f) != 0 && err == HD_OK)
        err = HD_EIO;
    o->f = NULL;
    if (err == HD_OK && rename(o->tmp, o->path) != 0)
        err = HD_EIO;
    if (err != HD_OK) {
        unlink(o->tmp);
    } else {
        char *dir = strdup(o->path);
        if (dir) {
            int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY);
            if (dfd >= 0) {
                fsync(dfd);
                close(dfd);
            }
            free(dir);
        }
    }
    free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
    return err;
}

void sync_out_abort(sync_out *o)
{
    if (o->f) {
        fclose(o->f);
        o->f = NULL;
    }
    if (o->tmp)
        unlink(o->tmp);
    free(o->path);
    free(o->tmp);
    o->path = o->tmp = NULL;
}

void sync_progress_start(sync_progress *p, const char *label, long total)
{
    p->on = total >= 2000 && isatty(2);
    p->label = label;
    p->last_pct = -1;
}

void sync_progress_update(sync_progress *p, long done, long total)
{
    if (!p->on || total <= 0)
        return;
    int pct = (int)(done * 100 / total);
    if (pct == p->last_pct)
        return;
    p->last_pct = pct;
    char bar[31];
    int fill = pct * 30 / 100;
    for (int i = 0; i < 30; i++)
        bar[i] = i < fill ? '#' : '.';
    bar[30] = '\0';
    fprintf(stderr, "\r%s [%s] %3d%%", p->label, bar, pct);
    fflush(stderr);
}

void sync_progress_end(sync_progress *p)
{
    if (p->on && p->last_pct >= 0)
        fprintf(stderr, "\r\033[K");
    p->last_pct = -1;
}

int sync_crypto_init(const char *cmd)
{
    if (sodium_init() < 0)
        return sync_fail(cmd, "cannot initialise libsodium (no source of random numbers?)");
    return 0;
}

uint32_t sync_random_below(uint32_t n) { return randombytes_uniform(n); }

void sync_random_uuid(char out[37])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    randombytes_buf(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 15];
    }
    *p = '\0';
}

const char *sync_thousands(long n, char buf[32])
{
    char tmp[32];
    snprintf(tmp, sizeof tmp, "%ld", n < 0 ? -n : n);
    size_t len = strlen(tmp), w = 0;
    if (n < 0)
        buf[w++] = '-';
    for (size_t i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            buf[w++] = ',';
        buf[w++] = tmp[i];
    }
    buf[w] = '\0';
    return buf;
}
