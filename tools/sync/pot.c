/* pot.c — heard-sync pot --survey FILE: the survey's translation template.
 *
 * The list of fields comes from the parsed survey (sync_survey_strings, the
 * same list lint counts against), so the template and the coverage report
 * cannot disagree. The JSON is parsed a second time only to find the line of
 * each source text for the "#:" reference, which Poedit shows translators and
 * which lets a coordinator jump to the text.
 *
 * The output is deterministic (no creation date): running
 * tools/update-translations twice leaves no diff.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "core/survey.h"
#include "lint_i18n.h"
#include "sync.h"
#include "sys/sys.h"

#define CMD "pot"
#define PO_WIDTH 79 /* gettext's default page width */

/* ------------------------------------------------------------------ */
/* Where each source text is in the JSON                                */

typedef struct pos {
    char *ctx;
    int line;
} pos_entry;

typedef struct pos_list {
    pos_entry *v;
    size_t n, cap;
    bool oom;
} pos_list;

static void pos_add(pos_list *l, const hd_json *node, const char *fmt, const char *a,
                    const char *b)
{
    if (!node || node->type != HD_JSON_STRING || l->oom)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        pos_entry *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            l->oom = true;
            return;
        }
        l->v = v;
        l->cap = cap;
    }
    int n = snprintf(NULL, 0, fmt, a, b);
    char *ctx = malloc((size_t)n + 1);
    if (!ctx) {
        l->oom = true;
        return;
    }
    snprintf(ctx, (size_t)n + 1, fmt, a, b);
    l->v[l->n].ctx = ctx;
    l->v[l->n].line = node->line;
    l->n++;
}

static const char *id_of(const hd_json *o)
{
    const hd_json *id = hd_json_get(o, "id");
    return id && id->type == HD_JSON_STRING ? id->string : NULL;
}

/* Records the position of every translatable string, keyed by the context
 * it will have. Only shape is followed here; the survey parser has already
 * refused anything malformed. */
static void collect_positions(const hd_json *root, pos_list *l)
{
    pos_add(l, hd_json_get(root, "title"), "survey.title%s%s", "", "");
    pos_add(l, hd_json_get(root, "consent"), "survey.consent%s%s", "", "");
    pos_add(l, hd_json_get(root, "support"), "survey.support%s%s", "", "");
    const hd_json *tiers = hd_json_get(root, "tiers");
    for (const hd_json *t = tiers && tiers->type == HD_JSON_ARRAY ? tiers->child : NULL; t;
         t = t->next) {
        const char *id = id_of(t);
        if (!id)
            continue;
        pos_add(l, hd_json_get(t, "title"), "tier.%s.title%s", id, "");
        pos_add(l, hd_json_get(t, "blurb"), "tier.%s.blurb%s", id, "");
    }
    const hd_json *secs = hd_json_get(root, "sections");
    for (const hd_json *s = secs && secs->type == HD_JSON_ARRAY ? secs->child : NULL; s;
         s = s->next) {
        const char *sid = id_of(s);
        if (sid)
            pos_add(l, hd_json_get(s, "title"), "section.%s.title%s", sid, "");
        const hd_json *qs = hd_json_get(s, "questions");
        for (const hd_json *q = qs && qs->type == HD_JSON_ARRAY ? qs->child : NULL; q;
             q = q->next) {
            const char *qid = id_of(q);
            if (!qid)
                continue;
            pos_add(l, hd_json_get(q, "text"), "question.%s%s", qid, "");
            const hd_json *cs = hd_json_get(q, "choices");
            for (const hd_json *c = cs && cs->type == HD_JSON_ARRAY ? cs->child : NULL; c;
                 c = c->next) {
                const char *cid = id_of(c);
                if (cid)
                    pos_add(l, hd_json_get(c, "text"), "choice.%s.%s", qid, cid);
            }
        }
    }
}

static int pos_line(const pos_list *l, const char *ctx)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].ctx, ctx) == 0)
            return l->v[i].line;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Writing PO strings the way gettext does                              */

/* Display width in columns, counting one per character (code point). */
static size_t cols(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

/* s with PO escapes, as a new string. */
static char *po_escape(const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += 4;
    char *out = malloc(n + 1), *o = out;
    if (!out)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '\n': *o++ = '\\', *o++ = 'n'; break;
        case '\t': *o++ = '\\', *o++ = 't'; break;
        case '\r': *o++ = '\\', *o++ = 'r'; break;
        case '"': *o++ = '\\', *o++ = '"'; break;
        case '\\': *o++ = '\\', *o++ = '\\'; break;
        default:
            if (*p < 0x20)
                o += sprintf(o, "\\%03o", *p);
            else
                *o++ = (char)*p;
        }
    }
    *o = '\0';
    return out;
}

/* Writes one greedy-wrapped segment: lines of at most width columns of
 * content, broken after spaces; a word longer than a line stays whole. */
static void wrap_segment(FILE *out, const char *seg, size_t len, size_t width)
{
    size_t start = 0;
    while (start < len) {
        size_t end = start, last_break = 0;
        while (end < len) {
            if (cols(seg + start, end + 1 - start) > width && last_break)
                break;
            if (seg[end] == ' ')
                last_break = end + 1;
            end++;
        }
        if (end < len && last_break)
            end = last_break;
        /* never split an escape sequence or a UTF-8 character */
        fprintf(out, "\"%.*s\"\n", (int)(end - start), seg + start);
        start = end;
    }
}

/* Writes `keyword "text"`, wrapped like xgettext and msgmerge wrap it:
 * on one line if it fits and has no inner new line; otherwise an empty first
 * string, then one line per "\n" segment, each filled up to the page width. */
static int write_field(FILE *out, const char *keyword, const char *text)
{
    char *esc = po_escape(text);
    if (!esc)
        return -1;
    size_t n = strlen(esc);
    const char *nl = strstr(esc, "\\n");
    bool inner_nl = nl && (size_t)(nl - esc) + 2 < n;
    if (!inner_nl && strlen(keyword) + 3 + cols(esc, n) <= PO_WIDTH) {
        fprintf(out, "%s \"%s\"\n", keyword, esc);
        free(esc);
        return 0;
    }
    fprintf(out, "%s \"\"\n", keyword);
    size_t start = 0;
    while (start < n) {
        /* a segment runs up to and including the next "\n" escape */
        size_t end = start;
        while (end < n) {
            if (esc[end] == '\\') {
                end += 2;
                if (esc[end - 1] == 'n')
                    break;
                continue;
            }
            end++;
        }
        if (end > n)
            end = n;
        wrap_segment(out, esc + start, end - start, PO_WIDTH - 2);
        start = end;
    }
    free(esc);
    return 0;
}

/* ------------------------------------------------------------------ */

typedef struct pot_ctx {
    FILE *out;
    const char *file;
    const pos_list *pos;
    int err;
} pot_ctx;

static void write_entry(const char *ctx, const char *source, const char *note, void *ud)
{
    pot_ctx *pc = ud;
    fputc('\n', pc->out);
    if (note)
        fprintf(pc->out, "#. %s\n", note);
    int line = pos_line(pc->pos, ctx);
    if (line)
        fprintf(pc->out, "#: %s:%d\n", pc->file, line);
    if (write_field(pc->out, "msgctxt", ctx) || write_field(pc->out, "msgid", source) ||
        write_field(pc->out, "msgstr", ""))
        pc->err = -1;
}

static void write_header(FILE *out, const hd_survey *sv, const char *file)
{
    fprintf(out,
            "# Translation template for the survey \"%s\"\n"
            "# (id %s, version %s), made by heard-sync pot from %s.\n"
            "# Do not edit it: change the survey, then run tools/update-translations\n"
            "# to bring every PO file up to date. docs/translating.md tells translators\n"
            "# how to work on a PO file.\n",
            sv->title, sv->id, sv->version, file);
    fputs("#\n"
          "#, fuzzy\n"
          "msgid \"\"\n"
          "msgstr \"\"\n",
          out);
    char *pid = NULL;
    size_t n = strlen(sv->id) + strlen(sv->version) + 2;
    pid = malloc(n);
    if (pid) {
        snprintf(pid, n, "%s %s", sv->id, sv->version);
        char *esc = po_escape(pid);
        if (esc)
            fprintf(out, "\"Project-Id-Version: %s\\n\"\n", esc);
        free(esc);
        free(pid);
    }
    fputs("\"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n\"\n"
          "\"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n\"\n"
          "\"Language-Team: LANGUAGE\\n\"\n"
          "\"Language: \\n\"\n"
          "\"MIME-Version: 1.0\\n\"\n"
          "\"Content-Type: text/plain; charset=UTF-8\\n\"\n"
          "\"Content-Transfer-Encoding: 8bit\\n\"\n",
          out);
}

static int usage_fail(const char *what)
{
    return sync_fail(CMD, "%s (usage: heard-sync pot --survey FILE > TEMPLATE.pot)", what);
}

int sync_pot(int argc, char **argv)
{
    static const char *const value_flags[] = {"--survey", NULL};
    if (sync_check_args(CMD, argc, argv, value_flags, NULL))
        return 1;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) == 0) {
            i++;
            continue;
        }
        return usage_fail("unexpected argument");
    }
    const char *file = sync_opt(argc, argv, "--survey");
    if (!file)
        return usage_fail("--survey FILE is required");

    char *json = NULL;
    size_t len = 0;
    hd_err err = hd_file_read(file, &json, &len);
    if (err)
        return sync_fail(CMD, "%s: cannot read it: %s", file, hd_strerror(err));

    hd_diag *d = malloc(sizeof *d);
    if (!d) {
        free(json);
        return sync_fail(CMD, "out of memory");
    }
    hd_diag_init(d, file);
    hd_survey *sv = NULL;
    err = hd_survey_parse(json, len, file, &sv, d);
    if (err) {
        char buf[HD_DIAG_MSG + 512];
        for (int i = 0; i < d->n; i++) {
            hd_diag_format(d, i, buf, sizeof buf);
            sync_fail(CMD, "%s", buf);
        }
        if (d->dropped)
            sync_fail(CMD, "%s: and %d more problems", file, d->dropped);
        if (!d->n)
            sync_fail(CMD, "%s: %s", file, hd_strerror(err));
        free(d);
        free(json);
        return 1;
    }
    hd_diag_init(d, file);
    hd_json_doc *doc = NULL;
    pos_list pos = {0};
    if (hd_json_parse(json, len, &doc, d) == HD_OK)
        collect_positions(hd_json_root(doc), &pos);
    hd_json_free(doc);
    free(json);
    free(d);

    /* Written into memory first: on any failure nothing reaches stdout. */
    char *buf = NULL;
    size_t blen = 0;
    FILE *mem = open_memstream(&buf, &blen);
    int rc = 0;
    if (!mem || pos.oom) {
        rc = sync_fail(CMD, "out of memory");
    } else {
        write_header(mem, sv, file);
        pot_ctx pc = {.out = mem, .file = file, .pos = &pos};
        if (sync_survey_strings(sv, write_entry, &pc) != 0 || pc.err)
            rc = sync_fail(CMD, "out of memory");
    }
    if (mem && fclose(mem) != 0 && !rc)
        rc = sync_fail(CMD, "out of memory");
    if (!rc && (fwrite(buf, 1, blen, stdout) != blen || fflush(stdout) != 0))
        rc = sync_fail(CMD, "cannot write the template to standard output");
    free(buf);
    for (size_t i = 0; i < pos.n; i++)
        free(pos.v[i].ctx);
    free(pos.v);
    hd_survey_free(sv);
    return rc;
}
