/* export.c — heard-sync export: the anonymised CSV (DESIGN §6).
 *
 * One pass over the complete sessions (src/store/export_rows.c), in which
 * each row is split in two: its quasi-identifier cells go to the k-anonymity
 * engine as small integer codes (src/core/anon.c keeps 4 bytes per row plus
 * one tuple per distinct combination), and every other cell is appended to a
 * spool file that was unlinked as soon as it was made, so nothing of it can
 * outlive the process. Then the engine suppresses cells, the row order is
 * shuffled (Fisher-Yates with libsodium), and the output is written by
 * reading the spooled rows back in that order. Memory therefore grows by
 * about 16 bytes per row, not by the row's contents.
 *
 * Columns: response_id, week, language, tier, venue, then one per question
 * in survey order except info, text, phone, email and contact questions; a
 * multi question gives one 0/1 column per choice ("<q>.<choice>"), plus
 * "<q>.prefer_not_to_say" when it is sensitive. Values are ids; skipped is
 * empty; a stored value the current definition does not accept is left
 * empty too (and counted), so that nothing unexpected, like free text typed
 * into an old version's question, can slip into a column of ids.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/anon.h"
#include "core/csv.h"
#include "core/i18n.h"
#include "store/sync_store.h"
#include "sync.h"
#include "sync_util.h"
#include "sys/sys.h"

#define CMD "export"
#define USAGE                                                                                   \
    "export --db DB --survey FILE --out OUT.csv [--k 5] [--codebook CODEBOOK.csv] "             \
    "[--include-text TEXT.csv] [--translations DIR] [--without-flagged]"

/* ---- columns -------------------------------------------------------- */

typedef enum ckind { C_RESPONSE, C_WEEK, C_LANG, C_TIER, C_VENUE, C_VALUE, C_CHOICE, C_PNTS } ckind;

typedef struct column {
    char *name;
    ckind kind;
    int q;      /* survey question index (C_VALUE, C_CHOICE, C_PNTS) */
    int qi;     /* index in the list of questions read from the database */
    int choice; /* C_CHOICE */
    int anon;   /* quasi-identifier number, or -1 */
} column;

typedef struct plan {
    column *col;
    int ncol;
    int nanon;
    const char **qids; /* questions read: exported ones, then text ones */
    int *qidx;         /* their survey indices */
    int nq, nq_export;
} plan;

static bool exported(const hd_question *q)
{
    if (q->contact)
        return false;
    switch (q->type) {
    case HD_Q_INFO:
    case HD_Q_TEXT:
    case HD_Q_PHONE:
    case HD_Q_EMAIL: return false;
    default: return true;
    }
}

static char *dup_fmt2(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *s = malloc(n);
    if (s)
        snprintf(s, n, "%s%s%s", a, b[0] ? "." : "", b);
    return s;
}

static void plan_free(plan *p)
{
    for (int i = 0; i < p->ncol; i++)
        free(p->col[i].name);
    free(p->col);
    free(p->qids);
    free(p->qidx);
}

static int add_col(plan *p, const char *name, const char *sub, ckind kind, int q, int qi,
                   int choice, bool quasi)
{
    column *c = &p->col[p->ncol];
    c->name = dup_fmt2(name, sub);
    if (!c->name)
        return -1;
    c->kind = kind;
    c->q = q;
    c->qi = qi;
    c->choice = choice;
    c->anon = quasi ? p->nanon++ : -1;
    p->ncol++;
    return 0;
}

static int plan_make(plan *p, const hd_survey *sv, bool with_text)
{
    memset(p, 0, sizeof *p);
    int maxcol = 5;
    for (int q = 0; q < sv->n_questions; q++)
        maxcol += sv->questions[q].n_choices + 2;
    p->col = calloc((size_t)maxcol, sizeof *p->col);
    p->qids = calloc((size_t)sv->n_questions + 1, sizeof *p->qids);
    p->qidx = calloc((size_t)sv->n_questions + 1, sizeof *p->qidx);
    if (!p->col || !p->qids || !p->qidx)
        return -1;
    if (add_col(p, "response_id", "", C_RESPONSE, -1, -1, -1, false) ||
        add_col(p, "week", "", C_WEEK, -1, -1, -1, true) ||
        add_col(p, "language", "", C_LANG, -1, -1, -1, true) ||
        add_col(p, "tier", "", C_TIER, -1, -1, -1, false) ||
        add_col(p, "venue", "", C_VENUE, -1, -1, -1, true))
        return -1;
    for (int q = 0; q < sv->n_questions; q++) {
        const hd_question *qq = &sv->questions[q];
        if (!exported(qq))
            continue;
        int qi = p->nq++;
        p->qids[qi] = qq->id;
        p->qidx[qi] = q;
        bool quasi = qq->quasi_identifier;
        if (qq->type == HD_Q_MULTI) {
            for (int c = 0; c < qq->n_choices; c++)
                if (add_col(p, qq->id, qq->choices[c].id, C_CHOICE, q, qi, c, quasi))
                    return -1;
            if (qq->sensitive && add_col(p, qq->id, HD_PREFER_NOT, C_PNTS, q, qi, -1, quasi))
                return -1;
        } else if (add_col(p, qq->id, "", C_VALUE, q, qi, -1, quasi)) {
            return -1;
        }
    }
    p->nq_export = p->nq;
    if (with_text)
        for (int q = 0; q < sv->n_questions; q++) {
            const hd_question *qq = &sv->questions[q];
            if (qq->type == HD_Q_TEXT && !qq->contact) {
                p->qids[p->nq] = qq->id;
                p->qidx[p->nq] = q;
                p->nq++;
            }
        }
    return 0;
}

/* ---- interning quasi-identifier values ------------------------------------ */

typedef struct dict {
    char **str; /* code -> value */
    uint32_t n, cap;
    uint32_t *slot; /* hash -> code + 1 */
    size_t nslot;
} dict;

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The code of s in d (added when new); UINT32_MAX when out of memory. */
static uint32_t intern(dict *d, const char *s)
{
    if (d->nslot == 0 || (d->n + 1) * 2 > d->nslot) {
        size_t ns = d->nslot ? d->nslot * 2 : 64;
        uint32_t *slot = calloc(ns, sizeof *slot);
        if (!slot)
            return UINT32_MAX;
        for (uint32_t c = 0; c < d->n; c++) {
            size_t i = hash_str(d->str[c]) & (ns - 1);
            while (slot[i])
                i = (i + 1) & (ns - 1);
            slot[i] = c + 1;
        }
        free(d->slot);
        d->slot = slot;
        d->nslot = ns;
    }
    size_t i = hash_str(s) & (d->nslot - 1);
    while (d->slot[i]) {
        uint32_t c = d->slot[i] - 1;
        if (strcmp(d->str[c], s) == 0)
            return c;
        i = (i + 1) & (d->nslot - 1);
    }
    if (d->n == d->cap) {
        uint32_t cap = d->cap ? d->cap * 2 : 16;
        char **g = realloc(d->str, cap * sizeof *g);
        if (!g)
            return UINT32_MAX;
        d->str = g;
        d->cap = cap;
    }
    char *copy = strdup(s);
    if (!copy)
        return UINT32_MAX;
    d->str[d->n] = copy;
    d->slot[i] = d->n + 1;
    return d->n++;
}

static void dict_free(dict *d)
{
    for (uint32_t c = 0; c < d->n; c++)
        free(d->str[c]);
    free(d->str);
    free(d->slot);
}

/* ---- the spool ---------------------------------------------------------- */

/* Records written once, read back in any order. The file is unlinked as
 * soon as it exists; offsets live in memory. */
typedef struct spool {
    FILE *f;
    uint64_t *off; /* n + 1 */
    size_t n, cap;
    uint64_t end;
    char *rec; /* read buffer */
    size_t rcap;
} spool;

static hd_err spool_open(spool *s, const char *beside)
{
    memset(s, 0, sizeof *s);
    size_t n = strlen(beside) + 20;
    char *tmp = malloc(n);
    if (!tmp)
        return HD_ENOMEM;
    snprintf(tmp, n, "%s.spool-XXXXXX", beside);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        free(tmp);
        return errno == ENOENT ? HD_ENOTFOUND : HD_EIO;
    }
    unlink(tmp);
    free(tmp);
    s->f = fdopen(fd, "w+b");
    if (!s->f) {
        close(fd);
        return HD_ENOMEM;
    }
    setvbuf(s->f, NULL, _IOFBF, 1 << 16);
    s->cap = 1024;
    s->off = malloc(s->cap * sizeof *s->off);
    if (!s->off)
        return HD_ENOMEM;
    s->off[0] = 0;
    return HD_OK;
}

static hd_err spool_put(spool *s, const char *cell)
{
    size_t len = strlen(cell) + 1;
    if (fwrite(cell, 1, len, s->f) != len)
        return errno == ENOSPC ? HD_EFULL : HD_EIO;
    s->end += len;
    return HD_OK;
}

static hd_err spool_end_record(spool *s)
{
    if (s->n + 2 > s->cap) {
        size_t cap = s->cap * 2;
        uint64_t *g = realloc(s->off, cap * sizeof *g);
        if (!g)
            return HD_ENOMEM;
        s->off = g;
        s->cap = cap;
    }
    s->off[++s->n] = s->end;
    return HD_OK;
}

static hd_err spool_finish(spool *s)
{
    if (fflush(s->f) != 0)
        return errno == ENOSPC ? HD_EFULL : HD_EIO;
    return HD_OK;
}

/* Record i into s->rec; its cells follow each other, NUL-separated. */
static hd_err spool_get(spool *s, size_t i, const char **out)
{
    size_t len = (size_t)(s->off[i + 1] - s->off[i]);
    if (len + 1 > s->rcap) {
        size_t cap = s->rcap ? s->rcap : 4096;
        while (cap < len + 1)
            cap *= 2;
        char *g = realloc(s->rec, cap);
        if (!g)
            return HD_ENOMEM;
        s->rec = g;
        s->rcap = cap;
    }
    size_t got = 0;
    while (got < len) {
        ssize_t r = pread(fileno(s->f), s->rec + got, len - got, (off_t)(s->off[i] + got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return HD_EIO;
        got += (size_t)r;
    }
    s->rec[len] = '\0';
    *out = s->rec;
    return HD_OK;
}

static void spool_close(spool *s)
{
    if (s->f)
        fclose(s->f);
    free(s->off);
    free(s->rec);
    memset(s, 0, sizeof *s);
}

/* A random permutation of 0..n-1 (Fisher-Yates, libsodium's uniform
 * numbers: no modulo bias). */
static uint32_t *shuffled(size_t n)
{
    uint32_t *p = malloc((n ? n : 1) * sizeof *p);
    if (!p)
        return NULL;
    for (size_t i = 0; i < n; i++)
        p[i] = (uint32_t)i;
    for (size_t i = n; i > 1; i--) {
        uint32_t j = sync_random_below((uint32_t)i);
        uint32_t t = p[i - 1];
        p[i - 1] = p[j];
        p[j] = t;
    }
    return p;
}

/* ---- translations for the codebook ------------------------------------------ */

static int load_po(hd_i18n *t, hd_catalog cat, const char *lang, const char *path)
{
    char *text = NULL;
    size_t len = 0;
    hd_err e = hd_file_read(path, &text, &len);
    if (e == HD_ENOTFOUND)
        return 0; /* not translated yet: labels fall back to the source text */
    if (e != HD_OK)
        return sync_fail(CMD, "cannot read %s: %s", path, hd_strerror(e));
    hd_diag d;
    hd_diag_init(&d, path);
    e = hd_i18n_load_po(t, cat, lang, text, len, path, &d);
    free(text);
    if (e == HD_OK)
        return 0;
    char line[HD_DIAG_MSG + 512];
    if (d.n > 0) {
        hd_diag_format(&d, 0, line, sizeof line);
        return sync_fail(CMD, "%s", line);
    }
    return sync_fail(CMD, "%s: %s", path, hd_strerror(e));
}

static int load_translations(const hd_survey *sv, const char *dir, hd_i18n *t)
{
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return sync_fail(CMD, "--translations %s: no such directory", dir);
    for (int l = 0; l < sv->n_languages; l++) {
        const char *lang = sv->languages[l];
        char path[4096];
        snprintf(path, sizeof path, "%s/%s/%s.po", dir, sv->id, lang);
        if (load_po(t, HD_CAT_SURVEY, lang, path) != 0)
            return 1;
        snprintf(path, sizeof path, "%s/ui/%s.po", dir, lang);
        if (load_po(t, HD_CAT_UI, lang, path) != 0)
            return 1;
    }
    return 0;
}

/* ---- codebook ---------------------------------------------------------- */

typedef struct cb {
    hd_csv *w;
    const hd_survey *sv;
    const hd_i18n *t;
} cb;

static const char *const likert_words[5] = {HD_N_("Very bad"), HD_N_("Bad"), HD_N_("Okay"),
                                            HD_N_("Good"), HD_N_("Very good")};

typedef enum { L_NONE, L_SURVEY, L_UI, L_LANG } lkind;

static void cb_row(cb *c, const char *colname, const char *qid, const char *type,
                   const char *text, const char *choice, lkind lk, const char *key,
                   const char *source)
{
    hd_csv_cell(c->w, colname);
    hd_csv_cell(c->w, qid);
    hd_csv_cell(c->w, type);
    hd_csv_cell(c->w, text);
    hd_csv_cell(c->w, choice);
    for (int l = 0; l < c->sv->n_languages; l++) {
        const char *lang = c->sv->languages[l];
        const char *label = "";
        char buf[256];
        switch (lk) {
        case L_NONE: break;
        case L_SURVEY: label = hd_i18n_survey(c->t, lang, key, source); break;
        case L_UI: label = hd_i18n_ui(c->t, lang, source); break;
        case L_LANG: {
            const hd_lang_info *li = hd_lang_info_get(key);
            if (strcmp(li->native_name, li->english_name) == 0)
                snprintf(buf, sizeof buf, "%s", li->english_name);
            else
                snprintf(buf, sizeof buf, "%s (%s)", li->native_name, li->english_name);
            label = buf;
            break;
        }
        }
        hd_csv_cell(c->w, label);
    }
    hd_csv_end_row(c->w);
}

static hd_err write_codebook(const plan *p, const hd_survey *sv, const hd_i18n *t, sync_out *o)
{
    cb c = {.sv = sv, .t = t};
    hd_err err = hd_csv_open(sync_out_sink, o, &c.w);
    if (err != HD_OK)
        return err;
    const char *head[] = {"column", "question_id", "type", "question", "choice_id"};
    for (int i = 0; i < 5; i++)
        hd_csv_cell(c.w, head[i]);
    for (int l = 0; l < sv->n_languages; l++) {
        char h[64];
        snprintf(h, sizeof h, "label.%s", sv->languages[l]);
        hd_csv_cell(c.w, h);
    }
    hd_csv_end_row(c.w);
    char ctx[512];
    for (int i = 0; i < p->ncol; i++) {
        const column *col = &p->col[i];
        const hd_question *q = col->q >= 0 ? &sv->questions[col->q] : NULL;
        switch (col->kind) {
        case C_RESPONSE:
            cb_row(&c, col->name, "", "id",
                   "A random id for this row, made new by every export: it links to nothing", "",
                   L_NONE, NULL, NULL);
            break;
        case C_WEEK:
            cb_row(&c, col->name, "", "week",
                   "ISO 8601 week in which the session started (UTC), e.g. 2026-W47", "", L_NONE,
                   NULL, NULL);
            break;
        case C_LANG:
            cb_row(&c, col->name, "", "language", "Language the session was held in", "", L_NONE,
                   NULL, NULL);
            for (int l = 0; l < sv->n_languages; l++)
                cb_row(&c, col->name, "", "language", "", sv->languages[l], L_LANG,
                       sv->languages[l], NULL);
            break;
        case C_TIER:
            cb_row(&c, col->name, "", "tier", "Level of participation chosen", "", L_NONE, NULL,
                   NULL);
            for (int k = 0; k < sv->n_tiers; k++) {
                snprintf(ctx, sizeof ctx, "tier.%s.title", sv->tiers[k].id);
                cb_row(&c, col->name, "", "tier", "", sv->tiers[k].id, L_SURVEY, ctx,
                       sv->tiers[k].title);
            }
            break;
        case C_VENUE:
            cb_row(&c, col->name, "", "venue", "Where the session took place (the venue set on "
                                               "the kiosk)",
                   "", L_NONE, NULL, NULL);
            break;
        case C_VALUE: {
            const char *type = hd_qtype_name(q->type);
            snprintf(ctx, sizeof ctx, "question.%s", q->id);
            cb_row(&c, col->name, q->id, type, q->text, "", L_SURVEY, ctx, q->text);
            if (q->type == HD_Q_SINGLE)
                for (int k = 0; k < q->n_choices; k++) {
                    snprintf(ctx, sizeof ctx, "choice.%s.%s", q->id, q->choices[k].id);
                    cb_row(&c, col->name, q->id, type, q->text, q->choices[k].id, L_SURVEY, ctx,
                           q->choices[k].text);
                }
            if (q->type == HD_Q_LIKERT5)
                for (int k = 0; k < 5; k++) {
                    char v[2] = {(char)('1' + k), '\0'};
                    cb_row(&c, col->name, q->id, type, q->text, v, L_UI, NULL, likert_words[k]);
                }
            if (q->type == HD_Q_YESNO) {
                cb_row(&c, col->name, q->id, type, q->text, "yes", L_UI, NULL, HD_N_("Yes"));
                cb_row(&c, col->name, q->id, type, q->text, "no", L_UI, NULL, HD_N_("No"));
            }
            if (q->sensitive)
                cb_row(&c, col->name, q->id, type, q->text, HD_PREFER_NOT, L_UI, NULL,
                       HD_N_("Prefer not to say"));
            break;
        }
        case C_CHOICE:
            snprintf(ctx, sizeof ctx, "choice.%s.%s", q->id, q->choices[col->choice].id);
            cb_row(&c, col->name, q->id, "multi (1 = chosen, 0 = not chosen)", q->text,
                   q->choices[col->choice].id, L_SURVEY, ctx, q->choices[col->choice].text);
            break;
        case C_PNTS:
            cb_row(&c, col->name, q->id, "multi (1 = chosen, 0 = not chosen)", q->text,
                   HD_PREFER_NOT, L_UI, NULL, HD_N_("Prefer not to say"));
            break;
        }
    }
    cb_row(&c, "*", "", "withheld",
           "In a quasi-identifier column: the value was withheld so that every combination of "
           "week, language, venue and quasi-identifier answers is shared by at least k rows",
           "*", L_NONE, NULL, NULL);
    err = hd_csv_finish(c.w);
    hd_csv_close(c.w);
    return err;
}

/* ---- the export ---------------------------------------------------------- */

typedef struct exporter {
    const hd_survey *sv;
    plan p;
    hd_anon *anon;
    dict *dicts;
    spool rows;
    spool texts;
    bool with_text;
    bool without_flagged;
    long flagged; /* flagged sessions exported, or left out */
    long rejected; /* stored values the definition does not accept */
    long bad_week;
    long text_removed;
    bool *chosen;      /* scratch for multi */
} exporter;

/* Splits one session into anonymised codes and spooled cells. */
static hd_err take_row(exporter *x, const hd_export_row *row)
{
    const hd_survey *sv = x->sv;
    if (row->flagged) {
        x->flagged++;
        if (x->without_flagged)
            return HD_OK;
    }
    static char week_buf[9];
    const char *week = hd_iso_week(row->started_at, week_buf) ? week_buf : "";
    if (!week[0])
        x->bad_week++;
    const char *tier = row->tier && hd_survey_find_tier(sv, row->tier) >= 0 ? row->tier : "";
    if (row->tier && !tier[0])
        x->rejected++;
    uint32_t codes[HD_ANON_MAX_COLS];
    int last_q = -1;
    const char *v = NULL;
    bool declined = false;
    for (int i = 0; i < x->p.ncol; i++) {
        const column *col = &x->p.col[i];
        const char *cell = "";
        switch (col->kind) {
        case C_RESPONSE: cell = ""; break;
        case C_WEEK: cell = week; break;
        case C_LANG: cell = row->language; break;
        case C_TIER: cell = tier; break;
        case C_VENUE: cell = row->venue ? row->venue : ""; break;
        case C_VALUE:
        case C_CHOICE:
        case C_PNTS: {
            const hd_question *q = &sv->questions[col->q];
            if (col->q != last_q) {
                last_q = col->q;
                v = row->values[col->qi];
                if (v && !hd_question_accepts(q, v)) {
                    x->rejected++;
                    v = NULL;
                }
                declined = v && strcmp(v, HD_PREFER_NOT) == 0;
                if (q->type == HD_Q_MULTI && v && !declined) {
                    memset(x->chosen, 0, (size_t)q->n_choices);
                    const char *s = v;
                    while (*s) {
                        size_t len = strcspn(s, " ");
                        char id[256];
                        if (len < sizeof id) {
                            memcpy(id, s, len);
                            id[len] = '\0';
                            int c = hd_question_find_choice(q, id);
                            if (c >= 0)
                                x->chosen[c] = true;
                        }
                        s += len;
                        while (*s == ' ')
                            s++;
                    }
                }
            }
            if (col->kind == C_VALUE)
                cell = v ? v : "";
            else if (!v)
                cell = "";
            else if (col->kind == C_PNTS)
                cell = declined ? "1" : "0";
            else
                cell = declined ? "" : x->chosen[col->choice] ? "1" : "0";
            break;
        }
        }
        if (col->anon >= 0) {
            uint32_t code = intern(&x->dicts[col->anon], cell);
            if (code == UINT32_MAX)
                return HD_ENOMEM;
            codes[col->anon] = code;
        } else if (col->kind != C_RESPONSE) {
            hd_err e = spool_put(&x->rows, cell);
            if (e != HD_OK)
                return e;
        }
    }
    hd_err e = spool_end_record(&x->rows);
    if (e == HD_OK)
        e = hd_anon_add(x->anon, codes);
    if (e != HD_OK || !x->with_text)
        return e;
    for (int qi = x->p.nq_export; qi < x->p.nq; qi++) {
        const char *t = row->values[qi];
        if (!t || !t[0])
            continue;
        char *clean = NULL;
        int n = 0;
        e = hd_anon_scrub(t, &clean, &n);
        if (e != HD_OK)
            return e;
        x->text_removed += n;
        e = spool_put(&x->texts, x->p.qids[qi]);
        if (e == HD_OK)
            e = spool_put(&x->texts, clean);
        if (e == HD_OK)
            e = spool_end_record(&x->texts);
        free(clean);
        if (e != HD_OK)
            return e;
    }
    return HD_OK;
}

static hd_err write_rows(exporter *x, sync_out *o, const uint32_t *perm, size_t n)
{
    hd_csv *w;
    hd_err err = hd_csv_open(sync_out_sink, o, &w);
    if (err != HD_OK)
        return err;
    for (int i = 0; i < x->p.ncol; i++)
        hd_csv_cell(w, x->p.col[i].name);
    hd_csv_end_row(w);
    for (size_t k = 0; k < n && err == HD_OK; k++) {
        size_t r = perm[k];
        const char *rec;
        err = spool_get(&x->rows, r, &rec);
        if (err != HD_OK)
            break;
        for (int i = 0; i < x->p.ncol; i++) {
            const column *col = &x->p.col[i];
            if (col->kind == C_RESPONSE) {
                char id[37];
                sync_random_uuid(id);
                hd_csv_cell_n(w, id, 36);
            } else if (col->anon >= 0) {
                uint32_t code = hd_anon_get(x->anon, r, col->anon);
                hd_csv_cell(w, code == HD_ANON_STAR ? "*" : x->dicts[col->anon].str[code]);
            } else {
                size_t len = strlen(rec);
                hd_csv_cell_n(w, rec, len);
                rec += len + 1;
            }
        }
        err = hd_csv_end_row(w);
    }
    if (err == HD_OK)
        err = hd_csv_finish(w);
    hd_csv_close(w);
    return err;
}

static hd_err write_texts(exporter *x, sync_out *o)
{
    uint32_t *perm = shuffled(x->texts.n);
    if (!perm)
        return HD_ENOMEM;
    hd_csv *w;
    hd_err err = hd_csv_open(sync_out_sink, o, &w);
    if (err == HD_OK) {
        hd_csv_cell(w, "question_id");
        hd_csv_cell(w, "text");
        err = hd_csv_end_row(w);
        for (size_t k = 0; k < x->texts.n && err == HD_OK; k++) {
            const char *rec;
            err = spool_get(&x->texts, perm[k], &rec);
            if (err != HD_OK)
                break;
            hd_csv_cell(w, rec);
            hd_csv_cell(w, rec + strlen(rec) + 1);
            err = hd_csv_end_row(w);
        }
        if (err == HD_OK)
            err = hd_csv_finish(w);
        hd_csv_close(w);
    }
    free(perm);
    return err;
}

static void print_summary(const exporter *x, size_t n, int k, const char *out)
{
    char b1[32], b2[32];
    fprintf(stderr, "export: %s rows written to %s, k = %d\n", sync_thousands((long)n, b1),
            out, k);
    size_t total = 0;
    fprintf(stderr, "  suppressed cells (*):");
    for (int i = 0; i < x->p.ncol; i++) {
        const column *col = &x->p.col[i];
        if (col->anon < 0)
            continue;
        size_t s = hd_anon_suppressed(x->anon, col->anon);
        total += s;
        fprintf(stderr, " %s %s%s", col->name, sync_thousands((long)s, b1),
                col->anon + 1 < x->p.nanon ? "," : "");
    }
    fprintf(stderr, "\n  %s in all", sync_thousands((long)total, b1));
    uint64_t mask = 0;
    size_t base = hd_anon_column_baseline(x->anon, k, &mask);
    if (base != SIZE_MAX) {
        fprintf(stderr, "; blanking whole columns instead would cost %s",
                sync_thousands((long)base, b2));
        if (mask) {
            fprintf(stderr, " (");
            bool first = true;
            for (int i = 0; i < x->p.ncol; i++) {
                const column *col = &x->p.col[i];
                if (col->anon >= 0 && (mask >> col->anon & 1)) {
                    fprintf(stderr, "%s%s", first ? "" : ", ", col->name);
                    first = false;
                }
            }
            fprintf(stderr, ")");
        }
    }
    fprintf(stderr, "\n");
    if (x->rejected > 0)
        fprintf(stderr,
                "  %s stored values are not valid for this version of the survey and were "
                "left empty\n",
                sync_thousands(x->rejected, b1));
    if (x->bad_week > 0)
        fprintf(stderr, "  %s sessions have no valid start time: their week is empty\n",
                sync_thousands(x->bad_week, b1));
    if (x->flagged > 0 && x->without_flagged)
        fprintf(stderr, "  %s flagged sessions left out (--without-flagged)\n",
                sync_thousands(x->flagged, b1));
    else if (x->flagged > 0)
        fprintf(stderr,
                "  %s of the rows are flagged sessions (completed within the kiosk's minimum "
                "gap after another): --without-flagged leaves them out\n",
                sync_thousands(x->flagged, b1));
}

static bool same_file(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    if (strcmp(a, b) == 0)
        return true;
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int sync_export(int argc, char **argv)
{
    static const char *const value_flags[] = {"--db",           "--survey",       "--out", "--k",
                                              "--codebook",     "--include-text", "--translations",
                                              NULL};
    static const char *const bool_flags[] = {"--without-flagged", NULL};
    if (sync_check_args(CMD, argc, argv, value_flags, bool_flags) != 0 ||
        sync_no_positional(CMD, argc, argv, value_flags, USAGE) != 0)
        return 1;
    const char *db_path = sync_opt(argc, argv, "--db");
    const char *survey_path = sync_opt(argc, argv, "--survey");
    const char *out_path = sync_opt(argc, argv, "--out");
    const char *k_text = sync_opt(argc, argv, "--k");
    const char *codebook = sync_opt(argc, argv, "--codebook");
    const char *text_path = sync_opt(argc, argv, "--include-text");
    const char *tr_dir = sync_opt(argc, argv, "--translations");
    if (!db_path || !survey_path || !out_path)
        return sync_fail(CMD, "--db, --survey and --out are required (usage: heard-sync " USAGE
                              ")");
    int k = 5;
    if (k_text) {
        char *end;
        errno = 0;
        long v = strtol(k_text, &end, 10);
        if (errno || *end || end == k_text || v < 2 || v > 1000)
            return sync_fail(CMD, "--k must be a whole number from 2 to 1000, not \"%s\"", k_text);
        k = (int)v;
    }
    const char *outs[] = {out_path, codebook, text_path};
    for (int i = 0; i < 3; i++) {
        if (same_file(outs[i], db_path))
            return sync_fail(CMD, "%s is the database itself: choose another output file",
                             outs[i]);
        for (int j = i + 1; j < 3; j++)
            if (same_file(outs[i], outs[j]))
                return sync_fail(CMD, "%s is given for two outputs", outs[i]);
    }
    if (sync_crypto_init(CMD) != 0)
        return 1;
    hd_survey *sv = NULL;
    if (sync_load_survey(CMD, survey_path, &sv) != 0)
        return 1;
    int status = 1;
    hd_i18n *tr = NULL;
    hd_syncdb *db = NULL;
    hd_export_iter *it = NULL;
    uint32_t *perm = NULL;
    sync_out o_rows = {0}, o_cb = {0}, o_text = {0};
    exporter x = {.sv = sv,
                  .with_text = text_path != NULL,
                  .without_flagged = sync_has_flag(argc, argv, "--without-flagged")};
    char why[1024];
    hd_err err;
    if (hd_i18n_open(&tr) != HD_OK) {
        sync_fail(CMD, "out of memory");
        goto out;
    }
    if (codebook && tr_dir && load_translations(sv, tr_dir, tr) != 0)
        goto out;
    struct stat sb;
    if (stat(db_path, &sb) != 0) {
        sync_fail(CMD, "%s: no such database", db_path);
        goto out;
    }
    err = hd_syncdb_open(db_path, &db, why, sizeof why);
    if (err != HD_OK) {
        sync_fail(CMD, "%s", why);
        goto out;
    }
    long complete = 0, flagged = 0;
    err = hd_syncdb_count_complete(db, sv->id, &complete);
    if (err == HD_OK && x.without_flagged)
        err = hd_syncdb_count_flagged(db, sv->id, &flagged);
    if (err != HD_OK) {
        sync_fail(CMD, "%s: %s", db_path, hd_strerror(err));
        goto out;
    }
    complete -= flagged;
    if (complete < 2L * k) {
        sync_fail(CMD,
                  "%s holds %ld complete session%s of survey \"%s\"%s; sharing needs at least "
                  "%ld (2 x k, k = %d), so that no answer can be traced to a person. Nothing was "
                  "written.",
                  db_path, complete, complete == 1 ? "" : "s", sv->id,
                  x.without_flagged ? " that are not flagged" : "", 2L * k, k);
        goto out;
    }
    if (plan_make(&x.p, sv, x.with_text) != 0) {
        sync_fail(CMD, "out of memory");
        goto out;
    }
    if (x.p.nanon > HD_ANON_MAX_COLS) {
        sync_fail(CMD,
                  "%s: %d quasi-identifier columns; at most %d can be anonymised together "
                  "(mark fewer questions \"quasi_identifier\")",
                  survey_path, x.p.nanon, HD_ANON_MAX_COLS);
        goto out;
    }
    x.dicts = calloc((size_t)x.p.nanon, sizeof *x.dicts);
    int maxch = 1;
    for (int q = 0; q < sv->n_questions; q++)
        if (sv->questions[q].n_choices > maxch)
            maxch = sv->questions[q].n_choices;
    x.chosen = calloc((size_t)maxch, 1);
    if (!x.dicts || !x.chosen || hd_anon_open(x.p.nanon, &x.anon) != HD_OK) {
        sync_fail(CMD, "out of memory");
        goto out;
    }
    err = spool_open(&x.rows, out_path);
    if (err == HD_OK && x.with_text)
        err = spool_open(&x.texts, text_path);
    if (err != HD_OK) {
        sync_fail(CMD, "cannot write beside %s: %s", out_path, hd_strerror(err));
        goto out;
    }
    err = hd_export_begin(db, sv->id, x.p.qids, x.p.nq, &it);
    sync_progress bar;
    sync_progress_start(&bar, "reading", complete);
    long seen = 0;
    while (err == HD_OK) {
        hd_export_row row;
        err = hd_export_next(it, &row);
        if (err != HD_OK)
            break;
        err = take_row(&x, &row);
        if (++seen % 4096 == 0)
            sync_progress_update(&bar, seen, complete);
    }
    sync_progress_end(&bar);
    if (err != HD_ENOTFOUND) {
        sync_fail(CMD, "reading %s: %s", db_path, hd_strerror(err));
        goto out;
    }
    size_t n = hd_anon_rows(x.anon);
    if (n < 2 * (size_t)k) {
        sync_fail(CMD, "%s holds %zu complete sessions of survey \"%s\"; sharing needs at least %d",
                  db_path, n, sv->id, 2 * k);
        goto out;
    }
    err = spool_finish(&x.rows);
    if (err == HD_OK && x.with_text)
        err = spool_finish(&x.texts);
    if (err != HD_OK) {
        sync_fail(CMD, "cannot write beside %s: %s", out_path, hd_strerror(err));
        goto out;
    }
    err = hd_anon_run(x.anon, k);
    if (err != HD_OK) {
        sync_fail(CMD, "anonymising failed: %s; nothing was written", hd_strerror(err));
        goto out;
    }
    perm = shuffled(n);
    if (!perm) {
        sync_fail(CMD, "out of memory");
        goto out;
    }
    const char *failed = out_path;
    err = sync_out_open(&o_rows, out_path, 0644);
    if (err == HD_OK)
        err = write_rows(&x, &o_rows, perm, n);
    if (err == HD_OK && codebook) {
        failed = codebook;
        err = sync_out_open(&o_cb, codebook, 0644);
        if (err == HD_OK)
            err = write_codebook(&x.p, sv, tr, &o_cb);
    }
    if (err == HD_OK && text_path) {
        failed = text_path;
        /* Free text stays with the coordinator until they have read it. */
        err = sync_out_open(&o_text, text_path, 0600);
        if (err == HD_OK)
            err = write_texts(&x, &o_text);
    }
    /* Every file is complete before any of them replaces what was there. */
    if (err == HD_OK) {
        failed = out_path;
        err = sync_out_commit(&o_rows);
    }
    if (err == HD_OK && codebook) {
        failed = codebook;
        err = sync_out_commit(&o_cb);
    }
    if (err == HD_OK && text_path) {
        failed = text_path;
        err = sync_out_commit(&o_text);
    }
    if (err != HD_OK) {
        sync_fail(CMD, "cannot write %s: %s; nothing was written", failed, hd_strerror(err));
        goto out;
    }
    print_summary(&x, n, k, out_path);
    if (codebook)
        fprintf(stderr, "  codebook: %s\n", codebook);
    if (text_path) {
        char b1[32], b2[32];
        fprintf(stderr, "  free text: %s answers to %s, %s contact details removed\n",
                sync_thousands((long)x.texts.n, b1), text_path,
                sync_thousands(x.text_removed, b2));
    }
    status = 0;
out:
    sync_out_abort(&o_rows);
    sync_out_abort(&o_cb);
    sync_out_abort(&o_text);
    free(perm);
    hd_export_end(it);
    hd_syncdb_close(db);
    hd_i18n_close(tr);
    if (x.dicts)
        for (int i = 0; i < x.p.nanon; i++)
            dict_free(&x.dicts[i]);
    free(x.dicts);
    free(x.chosen);
    hd_anon_close(x.anon);
    spool_close(&x.rows);
    spool_close(&x.texts);
    plan_free(&x.p);
    hd_survey_free(sv);
    return status;
}
