/* sys.h — small POSIX helpers shared by the kiosk and heard-sync: whole-file
 * reads, atomic writes, wall-clock formatting and logging. No SDL, no SQLite.
 */
#ifndef HD_SYS_H
#define HD_SYS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Reads the whole file at path into a new NUL-terminated buffer (*out, free()
 * it) of *len bytes (NUL not counted). HD_ENOTFOUND, HD_EIO, HD_ENOMEM. */
hd_err hd_file_read(const char *path, char **out, size_t *len);

/* Writes data to path atomically: a temporary file beside it, fsync, rename,
 * fsync of the directory. On failure path is untouched. */
hd_err hd_file_write_atomic(const char *path, const void *data, size_t len);

/* Milliseconds since the Unix epoch, from the real clock. */
int64_t hd_wall_ms(void);

/* Formats epoch milliseconds as ISO 8601 UTC "2026-11-22T10:04:05Z" (21 bytes
 * with NUL) and as the date "2026-11-22" (11 bytes). */
void hd_iso8601(int64_t epoch_ms, char out[21]);
void hd_iso_date(int64_t epoch_ms, char out[11]);

/* Writes "heard: <message>\n" to stderr (printf format). */
void hd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
