/* sys.c — POSIX helpers: files, clock, log. */
#define _POSIX_C_SOURCE 200809L
#include "sys/sys.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static hd_err err_from_errno(int e)
{
    switch (e) {
    case ENOENT: return HD_ENOTFOUND;
    case ENOSPC:
    case EDQUOT:
    case EFBIG: return HD_EFULL;
    case EROFS:
    case EACCES:
    case EPERM: return HD_EREADONLY;
    case ENOMEM: return HD_ENOMEM;
    default: return HD_EIO;
    }
}

hd_err hd_file_read(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_from_errno(errno);
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return HD_ENOMEM;
    }
    for (;;) {
        if (cap - n < 2) {
            char *grown = realloc(buf, cap * 2);
            if (!grown) {
                free(buf);
                fclose(f);
                return HD_ENOMEM;
            }
            buf = grown;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        return HD_EIO;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return HD_OK;
}

hd_err hd_file_write_atomic(const char *path, const void *data, size_t len)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    char *dir = strdup(path);
    if (!tmp || !dir) {
        free(tmp);
        free(dir);
        return HD_ENOMEM;
    }
    snprintf(tmp, plen + 16, "%s.tmp-XXXXXX", path);
    hd_err err = HD_OK;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        err = err_from_errno(errno);
        goto out;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            err = err_from_errno(errno);
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    if (err == HD_OK && fsync(fd) != 0)
        err = err_from_errno(errno);
    if (close(fd) != 0 && err == HD_OK)
        err = err_from_errno(errno);
    if (err == HD_OK && rename(tmp, path) != 0)
        err = err_from_errno(errno);
    if (err != HD_OK) {
        unlink(tmp);
        goto out;
    }
    int dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
out:
    free(tmp);
    free(dir);
    return err;
}

int64_t hd_wall_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void utc(int64_t epoch_ms, struct tm *tm)
{
    time_t t = (time_t)(epoch_ms / 1000);
    gmtime_r(&t, tm);
}

void hd_iso8601(int64_t epoch_ms, char out[21])
{
    struct tm tm;
    utc(epoch_ms, &tm);
    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void hd_iso_date(int64_t epoch_ms, char out[11])
{
    struct tm tm;
    utc(epoch_ms, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

void hd_log(const char *fmt, ...)
{
    /* One write for the whole line: the journal (or a test reading the
     * pipe) never sees half a line from a kiosk killed while logging. */
    char line[1024];
    int n = snprintf(line, sizeof line, "heard: ");
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof line - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        m = 0;
    size_t len = (size_t)n + (size_t)m;
    if (len > sizeof line - 2)
        len = sizeof line - 2; /* a longer message is cut, never lost */
    line[len++] = '\n';
    for (size_t off = 0; off < len;) {
        ssize_t w = write(STDERR_FILENO, line + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
}
