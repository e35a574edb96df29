/* csv.h — RFC 4180 CSV: a streaming writer for heard-sync's exports and a
 * strict reader that the tests use to parse them back.
 *
 * What the writer produces (DESIGN §6), always:
 *   - UTF-8 with a byte order mark (spreadsheet programs need it to guess
 *     the encoding), invalid UTF-8 replaced by U+FFFD;
 *   - CRLF after every record, the last one included;
 *   - a field quoted only when it holds a comma, a double quote, CR or LF,
 *     quotes inside doubled;
 *   - a field starting with '=', '+', '-', '@', tab or CR prefixed with a
 *     single quote, so that a spreadsheet shows it as text instead of running
 *     it as a formula ("formula injection": answers are written by strangers).
 *
 * The writer does no I/O itself: bytes go to a sink function the caller
 * provides (a file, a memory buffer), in chunks of up to 64 KiB.
 */
#ifndef HD_CSV_H
#define HD_CSV_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* Receives len bytes of output. Returns HD_OK, or an error that the writer
 * then returns from every later call. */
typedef hd_err (*hd_csv_sink_fn)(void *ctx, const void *data, size_t len);

typedef struct hd_csv hd_csv; /* opaque writer */

/* Starts a CSV document that goes to sink(ctx, ...); the BOM is written
 * first. ctx must outlive the writer. On success *out owns the writer:
 * finish it with hd_csv_finish() and release it with hd_csv_close(). */
hd_err hd_csv_open(hd_csv_sink_fn sink, void *ctx, hd_csv **out);

/* Appends one field to the current record. NULL is an empty field.
 * Errors are sticky: after a sink failure every call returns that error. */
hd_err hd_csv_cell(hd_csv *w, const char *s);

/* Appends one field of n bytes (need not be NUL-terminated; a NUL byte
 * inside is written as U+FFFD). */
hd_err hd_csv_cell_n(hd_csv *w, const char *s, size_t n);

/* Ends the current record with CRLF. A record with no field is written as
 * one empty field. */
hd_err hd_csv_end_row(hd_csv *w);

/* Hands everything still buffered to the sink. The document is complete
 * when this returns HD_OK. */
hd_err hd_csv_finish(hd_csv *w);

void hd_csv_close(hd_csv *w); /* NULL is a no-op; does not flush */

/* Bytes handed to the sink so far (BOM included). */
size_t hd_csv_bytes(const hd_csv *w);

/* True when a field with these bytes is written with a leading "'" (it
 * starts with = + - @ tab or CR). */
bool hd_csv_needs_guard(const char *s, size_t n);

/* True when s[0..n) is valid UTF-8 with no NUL byte (overlong forms,
 * surrogates and code points past U+10FFFF refused). */
bool hd_utf8_valid(const char *s, size_t n);

/* A sink that appends to a growing malloc'ed buffer (ctx is an
 * hd_csv_membuf, zero-initialised; free data when done). */
typedef struct hd_csv_membuf {
    char *data;
    size_t len, cap;
} hd_csv_membuf;
hd_err hd_csv_membuf_sink(void *ctx, const void *data, size_t len);

/* ---- strict reader -------------------------------------------------- */

typedef struct hd_csv_table hd_csv_table; /* opaque: parsed rows */

/* Parses data[0..len) strictly as the writer's dialect: a UTF-8 BOM first,
 * every record ended by CRLF, quotes only around a whole field, no bare CR
 * or LF outside quotes, valid UTF-8, every record with the same number of
 * fields. On success *out owns the table (hd_csv_table_free). On failure
 * returns HD_EPARSE with "file:line:col: what" in diag (file from diag). */
hd_err hd_csv_parse(const char *data, size_t len, hd_csv_table **out, hd_diag *diag);
void hd_csv_table_free(hd_csv_table *t); /* NULL is a no-op */

size_t hd_csv_table_rows(const hd_csv_table *t); /* header included */
size_t hd_csv_table_cols(const hd_csv_table *t);

/* The decoded field at row r, column c ("" when out of range); lives as long
 * as t. */
const char *hd_csv_table_cell(const hd_csv_table *t, size_t r, size_t c);

/* Index of the column whose header (row 0) is name, or -1. */
long hd_csv_table_find_col(const hd_csv_table *t, const char *name);

#endif
