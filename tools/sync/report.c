/* report.c — heard-sync report: whose voices are missing.
 *
 * For every question with targets: each group's count, its share of the
 * people who answered, the target, the gap, and whether it is under target;
 * then complete sessions per venue, language, tier and week. As a table on
 * stdout and, with --out, as one self-contained HTML page (inline CSS and
 * SVG, no script, nothing fetched) that prints on A4.
 *
 * Counts. Only complete sessions count, as in the export. A share is of the
 * people who gave an answer: skipped and "prefer not to say" are shown as
 * counts of their own, outside the shares. Any count from 1 to 9 is shown as
 * "fewer than 10", and its share and gap are not shown either (a share
 * would give the count back).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/anon.h"
#include "store/sync_store.h"
#include "sync.h"
#include "sync_util.h"

#define CMD "report"
#define USAGE "report --db DB --survey FILE [--out REPORT.html] [--without-flagged]"
#define SMALL 10

/* ---- counting by string ----------------------------------------------- */

typedef struct tally {
    char **key;
    long *n;
    size_t len, cap;
    uint32_t *slot; /* index + 1 */
    size_t nslot;
} tally;

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static int tally_add(tally *t, const char *key)
{
    if (t->nslot == 0 || (t->len + 1) * 2 > t->nslot) {
        size_t ns = t->nslot ? t->nslot * 2 : 64;
        uint32_t *slot = calloc(ns, sizeof *slot);
        if (!slot)
            return -1;
        for (size_t i = 0; i < t->len; i++) {
            size_t j = hash_str(t->key[i]) & (ns - 1);
            while (slot[j])
                j = (j + 1) & (ns - 1);
            slot[j] = (uint32_t)i + 1;
        }
        free(t->slot);
        t->slot = slot;
        t->nslot = ns;
    }
    size_t j = hash_str(key) & (t->nslot - 1);
    while (t->slot[j]) {
        size_t i = t->slot[j] - 1;
        if (strcmp(t->key[i], key) == 0) {
            t->n[i]++;
            return 0;
        }
        j = (j + 1) & (t->nslot - 1);
    }
    if (t->len == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        char **k = realloc(t->key, cap * sizeof *k);
        if (!k)
            return -1;
        t->key = k;
        long *n = realloc(t->n, cap * sizeof *n);
        if (!n)
            return -1;
        t->n = n;
        t->cap = cap;
    }
    t->key[t->len] = strdup(key);
    if (!t->key[t->len])
        return -1;
    t->n[t->len] = 1;
    t->slot[j] = (uint32_t)t->len + 1;
    t->len++;
    return 0;
}

static void tally_free(tally *t)
{
    for (size_t i = 0; i < t->len; i++)
        free(t->key[i]);
    free(t->key);
    free(t->n);
    free(t->slot);
}

/* Order of rows in a breakdown: by count (largest first) or by key. */
static const tally *g_sort;
static int by_count(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    if (g_sort->n[a] != g_sort->n[b])
        return g_sort->n[a] > g_sort->n[b] ? -1 : 1;
    return strcmp(g_sort->key[a], g_sort->key[b]);
}
static int by_key(const void *pa, const void *pb)
{
    size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
    return strcmp(g_sort->key[a], g_sort->key[b]);
}

/* ---- the numbers ---------------------------------------------------------- */

typedef struct target_q {
    int q;        /* survey index */
    long *chosen; /* per choice */
    long answered, declined, skipped;
} target_q;

typedef struct report {
    const hd_survey *sv;
    long sessions;
    long flagged; /* counted in, or (without_flagged) left out */
    bool without_flagged;
    target_q *tq;
    int ntq;
    tally venue, lang, tier, week;
} report;

static int count_row(report *r, const hd_export_row *row)
{
    if (row->flagged) {
        r->flagged++;
        if (r->without_flagged)
            return 0;
    }
    r->sessions++;
    char wk[9];
    if (tally_add(&r->venue, row->venue ? row->venue : "(none)") ||
        tally_add(&r->lang, row->language) || tally_add(&r->tier, row->tier ? row->tier : "(none)") ||
        tally_add(&r->week, hd_iso_week(row->started_at, wk) ? wk : "(unknown)"))
        return -1;
    for (int i = 0; i < r->ntq; i++) {
        target_q *t = &r->tq[i];
        const hd_question *q = &r->sv->questions[t->q];
        const char *v = row->values[i];
        if (!v || !hd_question_accepts(q, v)) {
            t->skipped++;
            continue;
        }
        if (strcmp(v, HD_PREFER_NOT) == 0) {
            t->declined++;
            continue;
        }
        t->answered++;
        if (q->type == HD_Q_MULTI) {
            const char *s = v;
            while (*s) {
                size_t len = strcspn(s, " ");
                for (int c = 0; c < q->n_choices; c++)
                    if (strlen(q->choices[c].id) == len && strncmp(q->choices[c].id, s, len) == 0)
                        t->chosen[c]++;
                s += len;
                while (*s == ' ')
                    s++;
            }
        } else {
            int c = hd_question_find_choice(q, v);
            if (c >= 0)
                t->chosen[c]++;
        }
    }
    return 0;
}

static void count_text(long n, char *buf, size_t cap)
{
    if (n > 0 && n < SMALL)
        snprintf(buf, cap, "fewer than %d", SMALL);
    else {
        char b[32];
        snprintf(buf, cap, "%s", sync_thousands(n, b));
    }
}

/* ---- stdout ---------------------------------------------------------------- */

static void print_breakdown(const char *title, const tally *t, bool sort_by_key)
{
    printf("\nSessions per %s\n", title);
    size_t *order = malloc((t->len ? t->len : 1) * sizeof *order);
    if (!order)
        return;
    for (size_t i = 0; i < t->len; i++)
        order[i] = i;
    g_sort = t;
    qsort(order, t->len, sizeof *order, sort_by_key ? by_key : by_count);
    for (size_t i = 0; i < t->len; i++) {
        char c[32];
        count_text(t->n[order[i]], c, sizeof c);
        printf("  %-32s %14s\n", t->key[order[i]], c);
    }
    free(order);
}

static void print_text(const report *r)
{
    char b[32];
    printf("Representation report: %s (%s)\n", r->sv->title, r->sv->id);
    printf("Complete sessions: %s\n", sync_thousands(r->sessions, b));
    if (r->flagged > 0)
        printf("Flagged sessions (completed within the kiosk's minimum gap after another): %s, "
               "%s\n",
               sync_thousands(r->flagged, b),
               r->without_flagged ? "left out" : "counted in (--without-flagged leaves them out)");
    for (int i = 0; i < r->ntq; i++) {
        const target_q *t = &r->tq[i];
        const hd_question *q = &r->sv->questions[t->q];
        printf("\n%s: %s\n", q->id, q->text);
        char ans[32];
        count_text(t->answered, ans, sizeof ans);
        printf("  answered by %s (shares are of these)\n", ans);
        printf("  %-32s %14s %7s %7s %8s\n", "group", "count", "share", "target", "gap");
        for (int c = 0; c < q->n_choices; c++) {
            const hd_choice *ch = &q->choices[c];
            long n = t->chosen[c];
            char cnt[32], share[16] = "-", target[16] = "-", gap[16] = "-";
            count_text(n, cnt, sizeof cnt);
            bool hidden = n > 0 && n < SMALL;
            double s = t->answered > 0 ? (double)n / (double)t->answered : 0;
            if (!hidden && t->answered > 0)
                snprintf(share, sizeof share, "%.1f%%", 100 * s);
            if (ch->target >= 0) {
                snprintf(target, sizeof target, "%.1f%%", 100 * ch->target);
                if (!hidden && t->answered > 0)
                    snprintf(gap, sizeof gap, "%+.1f", 100 * (s - ch->target));
            }
            bool under = ch->target >= 0 && (t->answered == 0 || s < ch->target);
            printf("  %-32.32s %14s %7s %7s %8s%s\n", ch->id, cnt, share, target, gap,
                   under ? "  under target" : "");
        }
        char d[32], sk[32];
        count_text(t->declined, d, sizeof d);
        count_text(t->skipped, sk, sizeof sk);
        if (q->sensitive)
            printf("  %-32s %14s\n", "(prefer not to say)", d);
        printf("  %-32s %14s\n", "(skipped)", sk);
    }
    print_breakdown("venue", &r->venue, false);
    print_breakdown("language", &r->lang, false);
    print_breakdown("tier", &r->tier, false);
    print_breakdown("week", &r->week, true);
}

/* ---- HTML ------------------------------------------------------------------- */

static void html_esc(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default: fputc(*s, f);
        }
    }
}

static const char css[] =
    "body{font-family:'Noto Sans',Arial,sans-serif;color:#1a1a1a;margin:2em auto;max-width:"
    "46em;padding:0 1em;line-height:1.4}"
    "h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin:1.6em 0 .3em;"
    "break-after:avoid}"
    "p.sub{color:#555;margin-top:0}"
    "table{border-collapse:collapse;width:100%;margin:.4em 0 1em;break-inside:avoid}"
    "th,td{text-align:left;padding:.25em .5em;border-bottom:1px solid #ddd;vertical-align:middle}"
    "th{font-size:.85em;color:#444;border-bottom:2px solid #999}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
    ".under{color:#a00000;font-weight:bold}"
    "svg{display:block}"
    ".legend{font-size:.85em;color:#444}"
    "section{break-inside:avoid}"
    "@page{size:A4;margin:15mm}"
    "@media print{body{margin:0;max-width:none;font-size:10.5pt}a{color:inherit}}";

/* A bar for share s (0..1) with the target t (< 0: none) marked. */
static void svg_bar(FILE *f, double s, double t, bool hidden, bool under)
{
    const int w = 160, h = 14;
    fprintf(f, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\"><title>", w, h, w,
            h);
    /* what the bar shows, for screen readers and for a mouse hovering it */
    if (hidden)
        fputs("fewer than 10", f);
    else
        fprintf(f, "%.1f%%", 100 * s);
    if (t >= 0)
        fprintf(f, " (target %.1f%%)", 100 * t);
    fputs("</title>", f);
    fprintf(f, "<rect x=\"0\" y=\"2\" width=\"%d\" height=\"%d\" fill=\"#eee\"/>", w, h - 4);
    if (!hidden && s > 0)
        fprintf(f, "<rect x=\"0\" y=\"2\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>",
                s * w > w ? (double)w : s * w, h - 4, under ? "#c0504d" : "#4f81bd");
    if (t >= 0)
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" "
                "stroke-width=\"2\"/>",
                t * w, t * w, h);
    fputs("</svg>", f);
}

static void html_breakdown(FILE *f, const char *title, const tally *t, long total, bool by_k)
{
    fprintf(f, "<section><h2>Sessions per %s</h2><table><tr><th>%s</th><th>sessions</th>"
               "<th></th></tr>",
            title, title);
    size_t *order = malloc((t->len ? t->len : 1) * sizeof *order);
    if (!order)
        return;
    for (size_t i = 0; i < t->len; i++)
        order[i] = i;
    g_sort = t;
    qsort(order, t->len, sizeof *order, by_k ? by_key : by_count);
    for (size_t i = 0; i < t->len; i++) {
        long n = t->n[order[i]];
        char c[32];
        count_text(n, c, sizeof c);
        fputs("<tr><td>", f);
        html_esc(f, t->key[order[i]]);
        fprintf(f, "</td><td class=\"n\">%s</td><td>", c);
        svg_bar(f, total > 0 ? (double)n / (double)total : 0, -1, n < SMALL, false);
        fputs("</td></tr>", f);
    }
    fputs("</table></section>\n", f);
    free(order);
}

static void write_html(FILE *f, const report *r)
{
    char b[32];
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
          "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
          "<title>Who is missing: ",
          f);
    html_esc(f, r->sv->title);
    fprintf(f, "</title><style>%s</style></head><body>\n<h1>Who is missing</h1>"
               "<p class=\"sub\">",
            css);
    html_esc(f, r->sv->title);
    fputs(" (", f);
    html_esc(f, r->sv->id);
    fprintf(f, ") &middot; %s complete sessions", sync_thousands(r->sessions, b));
    if (r->flagged > 0)
        fprintf(f, " &middot; %s flagged sessions %s", sync_thousands(r->flagged, b),
                r->without_flagged ? "left out" : "counted in");
    fputs("</p>\n", f);
    fprintf(f, "<p class=\"legend\">Bars show each group's share of the people who answered; "
               "the black line is the target. Counts from 1 to 9 are shown as &ldquo;fewer "
               "than %d&rdquo;, without share or gap.</p>\n",
            SMALL);
    for (int i = 0; i < r->ntq; i++) {
        const target_q *t = &r->tq[i];
        const hd_question *q = &r->sv->questions[t->q];
        fputs("<section><h2>", f);
        html_esc(f, q->text);
        char ans[32];
        count_text(t->answered, ans, sizeof ans);
        fprintf(f, "</h2><p class=\"sub\">Question <code>");
        html_esc(f, q->id);
        fprintf(f, "</code>, answered by %s</p>\n<table><tr><th>group</th><th>count</th>"
                   "<th>share</th><th>target</th><th>gap</th><th></th><th></th></tr>",
                ans);
        for (int c = 0; c < q->n_choices; c++) {
            const hd_choice *ch = &q->choices[c];
            long n = t->chosen[c];
            bool hidden = n > 0 && n < SMALL;
            double s = t->answered > 0 ? (double)n / (double)t->answered : 0;
            bool under = ch->target >= 0 && (t->answered == 0 || s < ch->target);
            char cnt[32];
            count_text(n, cnt, sizeof cnt);
            fputs("<tr><td>", f);
            html_esc(f, ch->text);
            fprintf(f, "</td><td class=\"n\">%s</td>", cnt);
            if (!hidden && t->answered > 0)
                fprintf(f, "<td class=\"n\">%.1f%%</td>", 100 * s);
            else
                fputs("<td class=\"n\">&ndash;</td>", f);
            if (ch->target >= 0)
                fprintf(f, "<td class=\"n\">%.1f%%</td>", 100 * ch->target);
            else
                fputs("<td class=\"n\">&ndash;</td>", f);
            if (ch->target >= 0 && !hidden && t->answered > 0)
                fprintf(f, "<td class=\"n\">%+.1f</td>", 100 * (s - ch->target));
            else
                fputs("<td class=\"n\">&ndash;</td>", f);
            fputs("<td>", f);
            svg_bar(f, s, ch->target, hidden, under);
            fprintf(f, "</td><td>%s</td></tr>", under ? "<span class=\"under\">under target</span>"
                                                      : "");
        }
        char d[32], sk[32];
        count_text(t->declined, d, sizeof d);
        count_text(t->skipped, sk, sizeof sk);
        if (q->sensitive)
            fprintf(f, "<tr><td><i>prefer not to say</i></td><td class=\"n\">%s</td>"
                       "<td colspan=\"5\"></td></tr>",
                    d);
        fprintf(f, "<tr><td><i>skipped</i></td><td class=\"n\">%s</td><td colspan=\"5\"></td>"
                   "</tr></table></section>\n",
                sk);
    }
    html_breakdown(f, "venue", &r->venue, r->sessions, false);
    html_breakdown(f, "language", &r->lang, r->sessions, false);
    html_breakdown(f, "tier", &r->tier, r->sessions, false);
    html_breakdown(f, "week", &r->week, r->sessions, true);
    fputs("</body></html>\n", f);
}

int sync_report(int argc, char **argv)
{
    static const char *const value_flags[] = {"--db", "--survey", "--out", NULL};
    static const char *const bool_flags[] = {"--without-flagged", NULL};
    if (sync_check_args(CMD, argc, argv, value_flags, bool_flags) != 0 ||
        sync_no_positional(CMD, argc, argv, value_flags, USAGE) != 0)
        return 1;
    const char *db_path = sync_opt(argc, argv, "--db");
    const char *survey_path = sync_opt(argc, argv, "--survey");
    const char *out_path = sync_opt(argc, argv, "--out");
    if (!db_path || !survey_path)
        return sync_fail(CMD, "--db and --survey are required (usage: heard-sync " USAGE ")");
    struct stat sb;
    if (stat(db_path, &sb) != 0)
        return sync_fail(CMD, "%s: no such database", db_path);
    hd_survey *sv = NULL;
    if (sync_load_survey(CMD, survey_path, &sv) != 0)
        return 1;
    report r = {.sv = sv, .without_flagged = sync_has_flag(argc, argv, "--without-flagged")};
    int status = 1;
    hd_syncdb *db = NULL;
    hd_export_iter *it = NULL;
    const char **qids = calloc((size_t)sv->n_questions + 1, sizeof *qids);
    r.tq = calloc((size_t)sv->n_questions + 1, sizeof *r.tq);
    char why[1024];
    if (!qids || !r.tq) {
        sync_fail(CMD, "out of memory");
        goto out;
    }
    for (int q = 0; q < sv->n_questions; q++)
        if (sv->questions[q].has_targets) {
            target_q *t = &r.tq[r.ntq];
            t->q = q;
            t->chosen = calloc((size_t)sv->questions[q].n_choices + 1, sizeof *t->chosen);
            if (!t->chosen) {
                sync_fail(CMD, "out of memory");
                goto out;
            }
            qids[r.ntq++] = sv->questions[q].id;
        }
    hd_err err = hd_syncdb_open(db_path, &db, why, sizeof why);
    if (err != HD_OK) {
        sync_fail(CMD, "%s", why);
        goto out;
    }
    err = hd_export_begin(db, sv->id, qids, r.ntq, &it);
    while (err == HD_OK) {
        hd_export_row row;
        err = hd_export_next(it, &row);
        if (err == HD_OK && count_row(&r, &row) != 0)
            err = HD_ENOMEM;
    }
    if (err != HD_ENOTFOUND) {
        sync_fail(CMD, "reading %s: %s", db_path, hd_strerror(err));
        goto out;
    }
    if (r.ntq == 0)
        fprintf(stderr, "heard-sync: report: %s sets no targets: only the breakdowns are shown\n",
                survey_path);
    if (out_path) {
        sync_out o;
        err = sync_out_open(&o, out_path, 0644);
        if (err == HD_OK) {
            write_html(o.f, &r);
            if (ferror(o.f))
                o.err = HD_EIO;
            err = sync_out_commit(&o);
        }
        if (err != HD_OK) {
            sync_fail(CMD, "cannot write %s: %s", out_path, hd_strerror(err));
            goto out;
        }
    }
    print_text(&r);
    if (out_path)
        fprintf(stderr, "report: written to %s\n", out_path);
    status = 0;
out:
    hd_export_end(it);
    hd_syncdb_close(db);
    for (int i = 0; i < r.ntq; i++)
        free(r.tq[i].chosen);
    free(r.tq);
    free(qids);
    tally_free(&r.venue);
    tally_free(&r.lang);
    tally_free(&r.tier);
    tally_free(&r.week);
    hd_survey_free(sv);
    return status;
}
