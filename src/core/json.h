/* json.h — a strict JSON (RFC 8259) parser that remembers where every value is.
 *
 * One parser serves both syntax errors and meaning errors: every node carries
 * the 1-based line and column of its first character (and every object
 * member the position of its key), so a validator can say
 * "example.json:41:17: unknown question type \"slider\"".
 *
 * The whole tree lives in one allocation owned by hd_json_doc. Strings are
 * decoded (escapes resolved, \u surrogate pairs joined) to NUL-terminated
 * UTF-8; invalid UTF-8 in the input is a syntax error. Duplicate keys in one
 * object are a syntax error too (a coordinator's typo would otherwise be
 * silently lost).
 */
#ifndef HD_JSON_H
#define HD_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

typedef enum hd_json_type {
    HD_JSON_NULL,
    HD_JSON_BOOL,
    HD_JSON_NUMBER,
    HD_JSON_STRING,
    HD_JSON_ARRAY,
    HD_JSON_OBJECT
} hd_json_type;

typedef struct hd_json hd_json;
struct hd_json {
    hd_json_type type;
    int line, col;      /* where the value starts */
    int key_line, key_col; /* object members: where the key starts */
    const char *key;    /* object members: the key; NULL otherwise */
    bool boolean;
    double number;
    const char *number_text; /* the number as written, e.g. "0.22" */
    const char *string; /* HD_JSON_STRING: decoded UTF-8 */
    size_t string_len;  /* bytes, may contain no NUL (a \u0000 is refused) */
    hd_json *child;     /* first element / member */
    hd_json *next;      /* next sibling */
    int n_children;
};

typedef struct hd_json_doc hd_json_doc; /* opaque owner of a tree */

/* Parses text[0..len). On success *out owns the document. On a syntax error
 * returns HD_EPARSE with one diagnostic (line, column, what was expected) in
 * diag and leaves *out untouched. Nesting deeper than 64 levels is refused. */
hd_err hd_json_parse(const char *text, size_t len, hd_json_doc **out, hd_diag *diag);
void hd_json_free(hd_json_doc *doc); /* NULL is a no-op */

const hd_json *hd_json_root(const hd_json_doc *doc);

/* The member named key of object o, or NULL (also when o is not an object). */
const hd_json *hd_json_get(const hd_json *o, const char *key);

/* "null", "true or false", "a number", "a string", "a list", "an object" —
 * for messages such as "expected a string, found a number". */
const char *hd_json_type_phrase(hd_json_type t);

#endif
