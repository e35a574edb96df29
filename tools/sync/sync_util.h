/* sync_util.h — helpers shared by heard-sync's merge, export, report,
 * keygen and contacts: loading a survey, writing an output file atomically
 * while streaming, a progress bar, random numbers.
 */
#ifndef HD_SYNC_UTIL_H
#define HD_SYNC_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "core/survey.h"

/* Reads and validates the survey at path. On failure prints every problem
 * ("file:line:col: what") on stderr and returns 1; 0 on success. */
int sync_load_survey(const char *cmd, const char *path, hd_survey **out);

/* Fails with "unexpected argument" for anything in argv that is neither a
 * flag nor a flag's value. value_flags as for sync_check_args. */
int sync_no_positional(const char *cmd, int argc, char **argv, const char *const *value_flags,
                       const char *usage);

/* An output file written in place of a temporary one: nothing appears at
 * path until sync_out_commit() succeeds, and an existing file there is
 * replaced whole or not at all. */
typedef struct sync_out {
    char *path;
    char *tmp;
    FILE *f;
    hd_err err; /* first write error, sticky */
} sync_out;

/* Creates the temporary file beside path with the given mode (0644, or
 * 0600 for personal data). */
hd_err sync_out_open(sync_out *o, const char *path, unsigned mode);

/* An hd_csv_sink_fn writing to the sync_out in ctx. */
hd_err sync_out_sink(void *ctx, const void *data, size_t len);

/* fsync, close, rename over path, fsync the directory. */
hd_err sync_out_commit(sync_out *o);

/* Closes and deletes the temporary file (no-op after a commit). */
void sync_out_abort(sync_out *o);

/* A progress bar on stderr, drawn only when stderr is a terminal and the
 * job is large. */
typedef struct sync_progress {
    bool on;
    const char *label;
    int last_pct;
} sync_progress;

void sync_progress_start(sync_progress *p, const char *label, long total);
void sync_progress_update(sync_progress *p, long done, long total);
void sync_progress_end(sync_progress *p); /* clears the line */

/* Initialises libsodium; on failure prints why and returns 1. Call before
 * the random functions below. */
int sync_crypto_init(const char *cmd);

/* A uniformly random number below n (libsodium). */
uint32_t sync_random_below(uint32_t n);

/* Writes a random UUID v4 to out[37]. */
void sync_random_uuid(char out[37]);

/* 1234567 as "1,234,567" in buf (returns buf). */
const char *sync_thousands(long n, char buf[32]);

#endif
