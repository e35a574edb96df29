/* fuzz_po.c — hd_i18n_load_po (and hd_po_parse under it) on arbitrary bytes.
 *
 * The bytes are loaded as the kiosk catalogue and as a survey catalogue for
 * "pl". A refused file comes with a diagnostic and leaves the catalogues as
 * they were (lookups fall back to the source text). An accepted file must
 * translate what it says it translates: for every entry hd_po_parse visited,
 * the lookup gives its msgstr when usable (not fuzzy, not empty, not
 * obsolete) and the source text otherwise.
 */
#include <stdbool.h>

#include "core/i18n.h"
#include "fuzz.h"

#define FUZZ_PO_MAX_ENTRIES 4096

typedef struct fuzz_po_entry {
    char *ctx, *id, *str;
    bool usable;
} fuzz_po_entry;

typedef struct fuzz_po_seen {
    fuzz_po_entry *e;
    int n;
    bool full; /* more entries than are kept */
} fuzz_po_seen;

static char *fuzz_po_dup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static void fuzz_po_visit(const hd_po_entry *pe, void *ud)
{
    fuzz_po_seen *seen = ud;
    HD_FUZZ_CHECK(pe->id && pe->str && pe->line >= 1);
    if (pe->obsolete || (!pe->ctx && !pe->id[0]))
        return; /* not translations */
    if (seen->n == FUZZ_PO_MAX_ENTRIES) {
        seen->full = true;
        return;
    }
    fuzz_po_entry *e = &seen->e[seen->n];
    e->ctx = pe->ctx ? fuzz_po_dup(pe->ctx) : NULL;
    e->id = fuzz_po_dup(pe->id);
    e->str = fuzz_po_dup(pe->str);
    e->usable = !pe->fuzzy && pe->str[0] != '\0';
    if ((pe->ctx && !e->ctx) || !e->id || !e->str) {
        free(e->ctx), free(e->id), free(e->str);
        seen->full = true;
        return;
    }
    seen->n++;
}

/* The UI lookup takes a context as "ctx\004id"; NULL when that key cannot
 * be written that way (a context holding \004). */
static char *fuzz_po_ui_key(const fuzz_po_entry *e)
{
    if (!e->ctx)
        return fuzz_po_dup(e->id);
    if (strchr(e->ctx, '\004'))
        return NULL;
    size_t cl = strlen(e->ctx), il = strlen(e->id);
    char *k = malloc(cl + il + 2);
    if (k) {
        memcpy(k, e->ctx, cl);
        k[cl] = '\004';
        memcpy(k + cl + 1, e->id, il + 1);
    }
    return k;
}

static void fuzz_po_check_lookups(const hd_i18n *t, const fuzz_po_seen *seen)
{
    for (int i = 0; i < seen->n; i++) {
        const fuzz_po_entry *e = &seen->e[i];
        if (!e->id[0])
            continue; /* an empty source text is never looked up */
        const char *want_ui = e->usable ? e->str : e->id;
        char *key = fuzz_po_ui_key(e);
        if (key && !strchr(e->id, '\004')) {
            const char *got = hd_i18n_ui(t, "pl", key);
            HD_FUZZ_CHECK(strcmp(got, want_ui) == 0);
            /* pl-PL has no catalogue of its own: pl's answers. */
            HD_FUZZ_CHECK(strcmp(hd_i18n_ui(t, "pl-PL", key), want_ui) == 0);
        }
        free(key);
        if (e->ctx) {
            const char *got = hd_i18n_survey(t, "pl", e->ctx, e->id);
            HD_FUZZ_CHECK(strcmp(got, want_ui) == 0);
        }
    }
}

/* Lookups that must fall back whatever was loaded. */
static void fuzz_po_check_fallback(const hd_i18n *t)
{
    HD_FUZZ_CHECK(strcmp(hd_i18n_ui(t, "cy", "Start"), "Start") == 0);
    HD_FUZZ_CHECK(strcmp(hd_i18n_survey(t, "so", "survey.title", "Title"), "Title") == 0);
    HD_FUZZ_CHECK(strcmp(hd_i18n_survey(t, "pl", NULL, "Title"), "Title") == 0);
    HD_FUZZ_CHECK(strcmp(hd_i18n_ui(t, "pl", ""), "") == 0);
    HD_FUZZ_CHECK(strcmp(hd_i18n_ui(t, NULL, "Start"), "Start") == 0);
}

int hd_fuzz_po(const uint8_t *data, size_t size)
{
    hd_diag *diag = malloc(sizeof *diag);
    fuzz_po_seen seen = {.e = malloc(FUZZ_PO_MAX_ENTRIES * sizeof *seen.e)};
    hd_i18n *t = NULL;
    if (!diag || !seen.e || hd_i18n_open(&t) != HD_OK) {
        free(diag), free(seen.e);
        return 0;
    }
    const char *po = (const char *)data;

    hd_diag_init(diag, "pl.po");
    hd_err parsed = hd_po_parse(po, size, "pl.po", fuzz_po_visit, &seen, diag);
    HD_FUZZ_CHECK(parsed == HD_OK || parsed == HD_EPARSE || parsed == HD_ENOMEM);
    if (parsed == HD_EPARSE)
        hd_fuzz_check_diag(diag, 1);

    hd_diag_init(diag, "ui/pl.po");
    hd_err ui = hd_i18n_load_po(t, HD_CAT_UI, "pl", po, size, "ui/pl.po", diag);
    if (ui == HD_EPARSE)
        hd_fuzz_check_diag(diag, 1);
    hd_diag_init(diag, "local-health/pl.po");
    hd_err sv = hd_i18n_load_po(t, HD_CAT_SURVEY, "pl", po, size, "local-health/pl.po", diag);
    if (sv == HD_EPARSE)
        hd_fuzz_check_diag(diag, 1);

    /* Both loads read the same bytes: they agree, and refuse what the parser
     * refused (they may also refuse a key translated twice). */
    HD_FUZZ_CHECK(ui == sv || ui == HD_ENOMEM || sv == HD_ENOMEM);
    if (parsed == HD_EPARSE)
        HD_FUZZ_CHECK(ui == HD_EPARSE);
    if (ui == HD_OK && sv == HD_OK && parsed == HD_OK && !seen.full)
        fuzz_po_check_lookups(t, &seen);
    if (ui != HD_OK) {
        /* Nothing of a refused file is kept. */
        for (int i = 0; i < seen.n; i++)
            if (!seen.e[i].ctx && seen.e[i].id[0] && !strchr(seen.e[i].id, '\004'))
                HD_FUZZ_CHECK(strcmp(hd_i18n_ui(t, "pl", seen.e[i].id), seen.e[i].id) == 0);
    }
    fuzz_po_check_fallback(t);

    /* Loading again replaces the catalogue; closing frees both copies. */
    hd_diag_init(diag, "ui/pl.po");
    hd_err again = hd_i18n_load_po(t, HD_CAT_UI, "pl", po, size, "ui/pl.po", diag);
    HD_FUZZ_CHECK(again == ui || again == HD_ENOMEM || ui == HD_ENOMEM);

    for (int i = 0; i < seen.n; i++)
        free(seen.e[i].ctx), free(seen.e[i].id), free(seen.e[i].str);
    free(seen.e);
    hd_i18n_close(t);
    free(diag);
    return 0;
}

HD_FUZZ_ENTRY(hd_fuzz_po)
