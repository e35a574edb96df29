/* commit_latency.c — how long one answer takes to be committed (fsynced) on
 * this disk: the time the participant waits between "Next" and the next
 * screen (DESIGN §4: an answer is committed before the next screen).
 *
 * Build from the top of the source tree (no CMake target needed):
 *
 *   gcc -std=c11 -O2 -Wall -Wextra -Isrc -DHD_VERSION='"bench"' \
 *       tests/bench/commit_latency.c src/store/store.c src/sys/sys.c src/core/err.c \
 *       $(pkg-config --cflags --libs sqlite3 libsodium) -o build/commit_latency
 *
 * Run:  build/commit_latency [DIR] [N]
 *   DIR  where the temporary database goes (default "."): put it on the disk
 *        you want to measure, e.g. the kiosk's data partition.
 *   N    number of commits (default 1000).
 *
 * Prints `name value unit` lines (median, p90, p99, max, mean) and removes
 * its database. Each commit is hd_store_answer_save() on a fresh question
 * id, as a session of many questions does, inside one session row.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The value at quantile q (0..1) of sorted v[n], nearest rank. */
static double quantile(const double *v, int n, double q)
{
    int i = (int)(q * n + 0.999999) - 1;
    if (i < 0)
        i = 0;
    if (i >= n)
        i = n - 1;
    return v[i];
}

static void remove_db(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm"};
    char p[4200];
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : ".";
    int n = argc > 2 ? atoi(argv[2]) : 1000;
    if (n < 1 || n > 1000000) {
        fprintf(stderr, "commit_latency: N must be 1..1000000\n");
        return 2;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/commit-latency-%ld.db", dir, (long)getpid());

    hd_store *st = NULL;
    hd_err e = hd_store_open(path, &st, NULL, 0);
    if (e != HD_OK) {
        fprintf(stderr, "commit_latency: cannot open %s: %s\n", path, hd_strerror(e));
        return 1;
    }
    hd_session_info info = {.survey_id = "local-health", .survey_version = "2026-11-a",
                            .language = "en", .tier = "story", .mode = "self",
                            .started_at = "2026-11-22T10:04:05Z"};
    char sid[HD_UUID_LEN + 1];
    e = hd_store_session_start(st, &info, sid);
    double *ms = malloc(sizeof *ms * (size_t)n);
    if (e != HD_OK || !ms) {
        fprintf(stderr, "commit_latency: %s\n", hd_strerror(e != HD_OK ? e : HD_ENOMEM));
        hd_store_close(st);
        remove_db(path);
        return 1;
    }
    /* A realistic mix: mostly short choice ids, every tenth a paragraph. */
    char story[601];
    memset(story, 'w', 600);
    story[600] = '\0';
    char qid[32];
    for (int i = 0; i < n; i++) {
        snprintf(qid, sizeof qid, "q%d", i);
        const char *value = i % 10 == 9 ? story : "2";
        double t0 = now_ms();
        e = hd_store_answer_save(st, sid, qid, value, "2026-11-22T10:05:00Z");
        ms[i] = now_ms() - t0;
        if (e != HD_OK) {
            fprintf(stderr, "commit_latency: commit %d failed: %s\n", i, hd_strerror(e));
            hd_store_close(st);
            remove_db(path);
            free(ms);
            return 1;
        }
    }
    hd_store_close(st);
    remove_db(path);

    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += ms[i];
    qsort(ms, (size_t)n, sizeof *ms, cmp_double);
    printf("commits %d count\n", n);
    printf("commit_median %.3f ms\n", quantile(ms, n, 0.50));
    printf("commit_p90 %.3f ms\n", quantile(ms, n, 0.90));
    printf("commit_p99 %.3f ms\n", quantile(ms, n, 0.99));
    printf("commit_max %.3f ms\n", ms[n - 1]);
    printf("commit_mean %.3f ms\n", sum / n);
    free(ms);
    return 0;
}
