/* testutil.h — helpers shared by the cmocka tests. */
#ifndef HD_TESTUTIL_H
#define HD_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* The source tree (HD_SOURCE_DIR env var, else the compile-time path). */
const char *tu_source_dir(void);
/* The build tree (HD_BUILD_DIR env var, else "."). */
const char *tu_build_dir(void);

/* path joined under the source tree, in a static rotating buffer. */
const char *tu_src(const char *rel);
/* path joined under the build tree, in a static rotating buffer. When the
 * environment sets HD_RUNNER (a cross build's tests under qemu) and the path
 * is a program, returns instead a script that runs it through HD_RUNNER. */
const char *tu_bin(const char *rel);

/* Makes a fresh empty temporary directory; returns its path (static rotating
 * buffer). Removed at exit unless HD_KEEP_TMP is set. */
const char *tu_tmpdir(void);

/* Runs a shell command; captures stdout (and stderr when err_too) into a new
 * malloc'ed string *out (may be NULL to discard). Returns the exit status
 * (or 128+signal). */
int tu_run(const char *cmd, char **out, int err_too);

/* Reads a whole file into a new string (NULL when absent). */
char *tu_slurp(const char *path, size_t *len);
/* Writes a string to a file; asserts on failure. */
void tu_write(const char *path, const char *text);

/* path itself, or, when the environment sets HD_RUNNER (e.g. "qemu-aarch64"
 * for a cross build) and path is a program, a script that runs it through
 * HD_RUNNER with the same arguments: for a test that spawns a program it
 * did not get from tu_bin(), such as itself through /proc/self/exe. */
const char *tu_runnable(const char *path);

/* printf into a static rotating buffer. */
const char *tu_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
