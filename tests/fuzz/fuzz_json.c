/* fuzz_json.c — hd_json_parse on arbitrary bytes.
 *
 * Beyond "no crash, no leak": a refused text comes with a diagnostic and
 * leaves the output untouched; an accepted one gives a tree that keeps the
 * promises of json.h (positions from 1, child counts right, keys unique and
 * found by hd_json_get, strings valid UTF-8 without NUL, numbers finite,
 * nesting at most 64 deep).
 */
#include <math.h>
#include <stdbool.h>

#include "core/csv.h"
#include "core/json.h"
#include "fuzz.h"

static void fuzz_json_walk(const hd_json *v, int depth)
{
    HD_FUZZ_CHECK(depth <= 65); /* 64 nested containers, then their scalars */
    HD_FUZZ_CHECK(v->line >= 1 && v->col >= 1);
    HD_FUZZ_CHECK(hd_json_type_phrase(v->type) != NULL);
    switch (v->type) {
    case HD_JSON_NUMBER:
        HD_FUZZ_CHECK(isfinite(v->number));
        HD_FUZZ_CHECK(v->number_text && v->number_text[0]);
        break;
    case HD_JSON_STRING:
        HD_FUZZ_CHECK(v->string && strlen(v->string) == v->string_len);
        HD_FUZZ_CHECK(hd_utf8_valid(v->string, v->string_len));
        break;
    case HD_JSON_ARRAY:
    case HD_JSON_OBJECT: {
        int n = 0;
        for (const hd_json *c = v->child; c; c = c->next) {
            n++;
            if (v->type == HD_JSON_OBJECT) {
                HD_FUZZ_CHECK(c->key != NULL);
                HD_FUZZ_CHECK(hd_utf8_valid(c->key, strlen(c->key)));
                HD_FUZZ_CHECK(c->key_line >= 1 && c->key_col >= 1);
                /* Duplicate keys are refused, so every key finds its own member. */
                HD_FUZZ_CHECK(hd_json_get(v, c->key) == c);
            } else {
                HD_FUZZ_CHECK(c->key == NULL);
            }
            fuzz_json_walk(c, depth + 1);
        }
        HD_FUZZ_CHECK(n == v->n_children);
        break;
    }
    case HD_JSON_NULL:
    case HD_JSON_BOOL:
        break;
    default:
        HD_FUZZ_CHECK(!"unknown node type");
    }
}

int hd_fuzz_json(const uint8_t *data, size_t size)
{
    hd_diag *diag = malloc(sizeof *diag);
    if (!diag)
        return 0;
    hd_diag_init(diag, "fuzz.json");
    hd_json_doc *doc = NULL;
    hd_err e = hd_json_parse((const char *)data, size, &doc, diag);
    if (e == HD_OK) {
        HD_FUZZ_CHECK(doc != NULL);
        const hd_json *root = hd_json_root(doc);
        HD_FUZZ_CHECK(root != NULL);
        fuzz_json_walk(root, 1);
        hd_fuzz_check_diag(diag, 0);
    } else {
        HD_FUZZ_CHECK(e == HD_EPARSE || e == HD_ENOMEM);
        HD_FUZZ_CHECK(doc == NULL);
        if (e == HD_EPARSE)
            hd_fuzz_check_diag(diag, 1);
    }
    hd_json_free(doc);
    free(diag);
    return 0;
}

HD_FUZZ_ENTRY(hd_fuzz_json)
