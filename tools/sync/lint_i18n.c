/* lint_i18n.c — a survey's translatable strings and per-language coverage.
 *
 * Coverage is counted against what the kiosk would actually show: an entry
 * only counts as translated when hd_i18n_survey() would use it (same msgctxt,
 * msgid equal to today's source, not fuzzy, not empty). A translation of an
 * older wording is reported as fuzzy, since that is what msgmerge turns it
 * into and what a translator has to do about it: review it.
 */
#define _POSIX_C_SOURCE 200809L
#include "lint_i18n.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/i18n.h"
#include "sync.h"
#include "sys/sys.h"

/* ------------------------------------------------------------------ */
/* The survey's fields                                                  */

static int emit(sync_tr_visit visit, void *ud, const char *source, const char *note,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Formats the context and calls visit, unless the source text is empty. */
static int emit(sync_tr_visit visit, void *ud, const char *source, const char *note,
                const char *fmt, ...)
{
    if (!source || !*source)
        return 0;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *ctx = malloc((size_t)n + 1);
    if (!ctx)
        return -1;
    va_start(ap, fmt);
    vsnprintf(ctx, (size_t)n + 1, fmt, ap);
    va_end(ap);
    visit(ctx, source, note, ud);
    free(ctx);
    return 0;
}

int sync_survey_strings(const hd_survey *sv, sync_tr_visit visit, void *ud)
{
    int r = 0;
    r |= emit(visit, ud, sv->title, "The survey's name, on the welcome screen", "survey.title");
    r |= emit(visit, ud, sv->consent, "Shown before the first question", "survey.consent");
    r |= emit(visit, ud, sv->support, "Where to get help, shown on the support screen",
              "survey.support");
    for (int i = 0; i < sv->n_tiers; i++) {
        const hd_tier *t = &sv->tiers[i];
        r |= emit(visit, ud, t->title, "A way to take part, on a big button", "tier.%s.title",
                  t->id);
        r |= emit(visit, ud, t->blurb, "Under the tier's title: how long or how much",
                  "tier.%s.blurb", t->id);
    }
    for (int s = 0; s < sv->n_sections; s++) {
        const hd_section *sec = &sv->sections[s];
        r |= emit(visit, ud, sec->title, "A heading above a group of questions",
                  "section.%s.title", sec->id);
        for (int k = 0; k < sec->n_questions; k++) {
            const hd_question *q = &sv->questions[sec->first + k];
            const char *note = q->type == HD_Q_INFO ? "A statement, not a question" : NULL;
            r |= emit(visit, ud, q->text, note, "question.%s", q->id);
            for (int c = 0; c < q->n_choices; c++) {
                char hint[160];
                snprintf(hint, sizeof hint, "An answer to question.%s", q->id);
                r |= emit(visit, ud, q->choices[c].text, hint, "choice.%s.%s", q->id,
                          q->choices[c].id);
            }
        }
    }
    return r ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* Expected strings and their state in one language                    */

typedef enum state { S_MISSING, S_FUZZY, S_TRANSLATED } state;

typedef struct item {
    char *ctx; /* NULL for UI strings without a context */
    char *id;
    state st;
} item;

typedef struct expected {
    item *v;
    size_t n, cap;
    bool by_ctx; /* survey: matched by context alone; UI: by context and msgid */
    int obsolete;
} expected;

static int add_item(expected *e, const char *ctx, const char *id)
{
    if (e->n == e->cap) {
        size_t cap = e->cap ? e->cap * 2 : 64;
        item *v = realloc(e->v, cap * sizeof *v);
        if (!v)
            return -1;
        e->v = v;
        e->cap = cap;
    }
    item *it = &e->v[e->n];
    it->ctx = ctx ? strdup(ctx) : NULL;
    it->id = strdup(id);
    it->st = S_MISSING;
    if ((ctx && !it->ctx) || !it->id) {
        free(it->ctx);
        free(it->id);
        return -1;
    }
    e->n++;
    return 0;
}

static void expected_free(expected *e)
{
    for (size_t i = 0; i < e->n; i++) {
        free(e->v[i].ctx);
        free(e->v[i].id);
    }
    free(e->v);
}

static void add_survey_item(const char *ctx, const char *source, const char *note, void *ud)
{
    (void)note;
    expected *e = ud;
    if (add_item(e, ctx, source) != 0)
        e->obsolete = -1; /* flags out of memory to the caller */
}

static item *match(expected *e, const char *ctx, const char *id, bool *same_id)
{
    for (size_t i = 0; i < e->n; i++) {
        item *it = &e->v[i];
        if (!it->ctx != !ctx || (ctx && strcmp(it->ctx, ctx) != 0))
            continue;
        if (e->by_ctx) {
            *same_id = strcmp(it->id, id) == 0;
            return it;
        }
        if (strcmp(it->id, id) == 0) {
            *same_id = true;
            return it;
        }
    }
    return NULL;
}

static void count_visit(const hd_po_entry *pe, void *ud)
{
    expected *e = ud;
    if (!pe->ctx && !pe->id[0])
        return; /* the header */
    if (pe->obsolete) {
        e->obsolete++;
        return;
    }
    bool same_id = false;
    item *it = match(e, pe->ctx, pe->id, &same_id);
    if (!it) {
        e->obsolete++;
        return;
    }
    if (!pe->str[0])
        return; /* still missing */
    state st = (same_id && !pe->fuzzy) ? S_TRANSLATED : S_FUZZY;
    if (st > it->st)
        it->st = st;
}

/* ------------------------------------------------------------------ */
/* Reading files                                                        */

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The language codes with a <code>.po in dir, sorted (new strings). */
static char **po_langs(const char *dir, int *n_out)
{
    *n_out = 0;
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char **v = NULL;
    int n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 4 || strcmp(de->d_name + len - 3, ".po") != 0 || de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nv = realloc(v, (size_t)cap * sizeof *nv);
            if (!nv)
                break;
            v = nv;
        }
        v[n] = strndup(de->d_name, len - 3);
        if (v[n])
            n++;
    }
    closedir(d);
    if (n)
        qsort(v, (size_t)n, sizeof *v, name_cmp);
    *n_out = n;
    return v;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void print_diag(const char *cmd, const hd_diag *d)
{
    char buf[HD_DIAG_MSG + 512];
    for (int i = 0; i < d->n; i++) {
        hd_diag_format(d, i, buf, sizeof buf);
        sync_fail(cmd, "%s", buf);
    }
}

/* Reads path, checks it loads as a catalogue (duplicates included) and
 * counts its entries into e. Returns 0, or 1 after reporting a problem. */
static int count_file(const char *cmd, const char *path, const char *lang, expected *e)
{
    char *po = NULL;
    size_t len = 0;
    hd_err err = hd_file_read(path, &po, &len);
    if (err) {
        sync_fail(cmd, "%s: cannot read it: %s", path, hd_strerror(err));
        return 1;
    }
    hd_diag d;
    hd_diag_init(&d, path);
    hd_i18n *t = NULL;
    err = hd_i18n_open(&t);
    if (!err)
        err = hd_i18n_load_po(t, e->by_ctx ? HD_CAT_SURVEY : HD_CAT_UI, lang, po, len, path, &d);
    hd_i18n_close(t);
    if (!err)
        err = hd_po_parse(po, len, path, count_visit, e, &d);
    free(po);
    if (err) {
        if (d.n)
            print_diag(cmd, &d);
        else
            sync_fail(cmd, "%s: %s", path, hd_strerror(err));
        return 1;
    }
    return 0;
}

static void print_string(FILE *out, const item *it, bool by_ctx)
{
    if (by_ctx) {
        fputs(it->ctx, out);
        return;
    }
    if (it->ctx)
        fprintf(out, "[%s] ", it->ctx);
    fputc('"', out);
    for (const char *p = it->id; *p; p++) {
        if (*p == '\n')
            fputs("\\n", out);
        else if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

/* Reports every language in langs[] (sorted, unique) against the strings in
 * base; returns the number of problems. */
static int report(const char *cmd, FILE *out, const char *title, const expected *base,
                  const char *dir, char **langs, int n_langs, const char *source_lang)
{
    int problems = 0;
    fprintf(out, "%s: %zu strings to translate\n", title, base->n);
    for (int l = 0; l < n_langs; l++) {
        const char *lang = langs[l];
        if (source_lang && strcmp(lang, source_lang) == 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.po", dir, lang);
        if (!hd_lang_code_valid(lang)) {
            sync_fail(cmd, "%s: \"%s\" is not a language code (BCP 47, e.g. pt or pt-BR); the "
                           "kiosk will not use this file",
                      path, lang);
            problems++;
            continue;
        }
        /* A fresh copy of the expected strings for this language. */
        expected e = {.v = base->v, .n = base->n, .by_ctx = base->by_ctx};
        item *copy = base->n ? malloc(base->n * sizeof *copy) : NULL;
        if (base->n && !copy) {
            problems += sync_fail(cmd, "out of memory");
            break;
        }
        if (base->n)
            memcpy(copy, base->v, base->n * sizeof *copy);
        e.v = copy;
        struct stat st;
        if (stat(path, &st) != 0) {
            fprintf(out, "  %-7s %5.1f%%  no file (%s)\n", lang, base->n ? 0.0 : 100.0, path);
            free(copy);
            continue;
        }
        if (count_file(cmd, path, lang, &e) != 0) {
            problems++;
            free(copy);
            continue;
        }
        int tr = 0, fz = 0, ms = 0;
        for (size_t i = 0; i < e.n; i++) {
            tr += e.v[i].st == S_TRANSLATED;
            fz += e.v[i].st == S_FUZZY;
            ms += e.v[i].st == S_MISSING;
        }
        double pct = e.n ? 100.0 * tr / (double)e.n : 100.0;
        /* 99.96% must not print as 100.0% while something is missing. */
        if (tr < (int)e.n && pct > 99.9)
            pct = 99.9;
        fprintf(out, "  %-7s %5.1f%%  %d translated, %d fuzzy, %d missing, %d obsolete\n", lang,
                pct, tr, fz, ms, e.obsolete);
        for (size_t i = 0; i < e.n; i++) {
            if (e.v[i].st == S_TRANSLATED)
                continue;
            fputs(e.v[i].st == S_FUZZY ? "      fuzzy:   " : "      missing: ", out);
            print_string(out, &e.v[i], e.by_ctx);
            fputc('\n', out);
        }
        free(copy);
    }
    return problems;
}

/* Adds code to the sorted unique list langs unless it is already there. */
static char **add_lang(char **langs, int *n, const char *code)
{
    for (int i = 0; i < *n; i++)
        if (strcmp(langs[i], code) == 0)
            return langs;
    char **nv = realloc(langs, (size_t)(*n + 1) * sizeof *nv);
    if (!nv)
        return langs;
    nv[*n] = strdup(code);
    if (nv[*n])
        (*n)++;
    qsort(nv, (size_t)*n, sizeof *nv, name_cmp);
    return nv;
}

static void free_langs(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void add_ui_item(const hd_po_entry *pe, void *ud)
{
    expected *e = ud;
    if ((!pe->ctx && !pe->id[0]) || pe->obsolete)
        return;
    if (add_item(e, pe->ctx, pe->id) != 0)
        e->obsolete = -1;
}

int sync_lint_translations(const char *cmd, const hd_survey *sv, const char *dir, FILE *out)
{
    int problems = 0;
    char path[4096];

    /* The survey's strings: dir/<survey-id>/, or dir itself when it holds
     * the PO files directly (heard-sync lint --translations translations/local-health). */
    snprintf(path, sizeof path, "%s/%s", dir, sv->id);
    const char *sdir = path;
    int n_langs = 0;
    char **langs = NULL;
    if (is_dir(path)) {
        langs = po_langs(path, &n_langs);
    } else {
        langs = po_langs(dir, &n_langs);
        if (n_langs)
            sdir = dir;
    }
    for (int i = 0; i < sv->n_languages; i++)
        langs = add_lang(langs, &n_langs, sv->languages[i]);

    expected base = {.by_ctx = true};
    if (sync_survey_strings(sv, add_survey_item, &base) != 0 || base.obsolete < 0) {
        expected_free(&base);
        free_langs(langs, n_langs);
        return sync_fail(cmd, "out of memory");
    }
    char title[4300];
    snprintf(title, sizeof title, "translations of %s (%s)", sv->id, sdir);
    problems += report(cmd, out, title, &base, sdir, langs, n_langs, sv->source_language);
    expected_free(&base);
    free_langs(langs, n_langs);

    /* The kiosk's own strings, when dir is the whole translations tree. */
    char ui[4096], pot[4200];
    snprintf(ui, sizeof ui, "%s/ui", dir);
    snprintf(pot, sizeof pot, "%s/heard.pot", ui);
    struct stat st;
    if (stat(pot, &st) != 0)
        return problems;
    char *text = NULL;
    size_t len = 0;
    hd_err err = hd_file_read(pot, &text, &len);
    if (err)
        return problems + sync_fail(cmd, "%s: cannot read it: %s", pot, hd_strerror(err));
    expected uib = {.by_ctx = false};
    hd_diag d;
    hd_diag_init(&d, pot);
    err = hd_po_parse(text, len, pot, add_ui_item, &uib, &d);
    free(text);
    if (err || uib.obsolete < 0) {
        if (d.n)
            print_diag(cmd, &d);
        else
            sync_fail(cmd, "%s: %s", pot, hd_strerror(err ? err : HD_ENOMEM));
        expected_free(&uib);
        return problems + 1;
    }
    langs = po_langs(ui, &n_langs);
    problems += report(cmd, out, "kiosk strings (ui)", &uib, ui, langs, n_langs, "en");
    expected_free(&uib);
    free_langs(langs, n_langs);
    return problems;
}
