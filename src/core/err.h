/* err.h — heard's result codes and positioned diagnostics.
 *
 * Every fallible function returns an hd_err. The codes come from one X-macro
 * table so the enum and hd_strerror() cannot drift apart. Parsers of files a
 * person wrote (survey definitions, PO files, events files, config) also fill
 * an hd_diag with "file:line:column: what is wrong".
 */
#ifndef HD_ERR_H
#define HD_ERR_H

#include <stddef.h>

#define HD_ERRORS(X)                                                        \
    X(HD_OK, "ok")                                                          \
    X(HD_ENOMEM, "out of memory")                                           \
    X(HD_EIO, "input/output error")                                         \
    X(HD_EINVAL, "invalid argument")                                        \
    X(HD_EPARSE, "the file is not valid")                                   \
    X(HD_ENOTFOUND, "not found")                                            \
    X(HD_EFULL, "the disk is full")                                         \
    X(HD_EREADONLY, "the storage is read-only")                             \
    X(HD_ECORRUPT, "the database is damaged")                               \
    X(HD_ESCHEMA, "not a heard database, or an unknown schema version")    \
    X(HD_ECRYPTO, "encryption or decryption failed")                        \
    X(HD_ECONFLICT, "the same id holds different content")                  \
    X(HD_ETOOFEW, "too few records to share safely")                        \
    X(HD_EBUSY, "busy, try again")                                          \
    X(HD_ELOCKED, "locked out")

#define HD_ERR_ENUM_(name, text) name,
typedef enum { HD_ERRORS(HD_ERR_ENUM_) HD_ERR_COUNT_ } hd_err;
#undef HD_ERR_ENUM_

/* Returns a short English sentence fragment for err; never NULL. */
const char *hd_strerror(hd_err err);

/* Returns the enum's own name ("HD_EFULL"), for logs and tests; never NULL. */
const char *hd_err_name(hd_err err);

#define HD_DIAG_MAX 64
#define HD_DIAG_MSG 256

/* One diagnostic: a 1-based line and column (0 when not known) and a message
 * that names the offending id or value, e.g. "choice id \"bus\" repeated". */
typedef struct hd_diag_item {
    int line;
    int col;
    char msg[HD_DIAG_MSG];
} hd_diag_item;

/* A list of diagnostics about one file. file must outlive the hd_diag.
 * Diagnostics beyond HD_DIAG_MAX are counted in dropped, not stored. */
typedef struct hd_diag {
    const char *file;
    int n;
    int dropped;
    hd_diag_item item[HD_DIAG_MAX];
} hd_diag;

/* Empties d and names the file its diagnostics are about (copied pointer:
 * file must outlive d). */
void hd_diag_init(hd_diag *d, const char *file);

/* Appends a printf-formatted diagnostic at line:col. */
void hd_diag_add(hd_diag *d, int line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Writes item i as "file:line:col: msg" into buf (always NUL-terminated);
 * returns the length it would have had, like snprintf. */
int hd_diag_format(const hd_diag *d, int i, char *buf, size_t cap);

#endif
