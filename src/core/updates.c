/* updates.c — updates.json, "You said, we did" (see updates.h).
 *
 * The parsed JSON document is kept: messages point into it, and a
 * translation is looked up by walking the message's "translations" object
 * (a handful of members), so reading a message never allocates.
 */
#include "core/updates.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"
#include "core/json.h"

typedef struct update {
    const char *date;
    const char *text;
    const hd_json *translations; /* NULL when the message has none */
} update;

struct hd_updates {
    hd_json_doc *doc;
    int n;
    update item[HD_UPDATES_MAX];
};

typedef struct ctx {
    hd_diag *diag;
    int errors;
} ctx;

#define BAD_AT(cx, line, col, ...)                                                           \
    do {                                                                                     \
        hd_diag_add((cx)->diag, (line), (col), __VA_ARGS__);                                 \
        (cx)->errors++;                                                                      \
    } while (0)
#define BAD(cx, node, ...) BAD_AT(cx, (node)->line, (node)->col, __VA_ARGS__)

static const char *const item_keys[] = {"date", "text", "translations", NULL};

/* ---- values ----------------------------------------------------------- */

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* "YYYY-MM-DD" naming a day that exists (2026-02-29 does not). */
static bool real_date(const char *s, size_t len)
{
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 2000 || m < 1 || m > 12 || d < 1)
        return false;
    return d <= days[m - 1] + (m == 2 && is_leap(y));
}

/* Code points in valid UTF-8 (the JSON parser has checked it). */
static size_t utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* Checks one message text (the source or a translation); what names it in
 * diagnostics ("text of update 2", "\"pl\" translation of update 2"). */
static void check_text(ctx *cx, const hd_json *v, const char *what)
{
    if (v->type != HD_JSON_STRING) {
        BAD(cx, v, "%s must be a string, found %s", what, hd_json_type_phrase(v->type));
        return;
    }
    bool blank = true;
    for (size_t i = 0; i < v->string_len; i++) {
        unsigned char c = (unsigned char)v->string[i];
        if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
            blank = false;
        /* A line break is fine; other control characters draw as boxes. */
        if ((c < 0x20 && c != '\n') || c == 0x7f) {
            BAD(cx, v, "%s contains a control character (code %d): only line breaks are allowed",
                what, c);
            return;
        }
    }
    if (blank) {
        BAD(cx, v, "%s is empty", what);
        return;
    }
    size_t chars = utf8_chars(v->string, v->string_len);
    if (chars > HD_UPDATE_MAX_CHARS)
        BAD(cx, v, "%s is %zu characters long: an update is a short message of at most %d", what,
            chars, HD_UPDATE_MAX_CHARS);
}

static void check_translations(ctx *cx, const hd_json *t, int num)
{
    if (t->type != HD_JSON_OBJECT) {
        BAD(cx, t, "\"translations\" of update %d must be an object like {\"pl\": \"...\"}, "
                   "found %s",
            num, hd_json_type_phrase(t->type));
        return;
    }
    for (const hd_json *m = t->child; m; m = m->next) {
        if (!hd_lang_code_valid(m->key)) {
            BAD_AT(cx, m->key_line, m->key_col,
                   "\"%s\" in the translations of update %d is not a language code (like "
                   "\"pl\", \"pt-BR\" or \"sr-Latn\")",
                   m->key, num);
            continue;
        }
        char what[64];
        snprintf(what, sizeof what, "the \"%s\" translation of update %d", m->key, num);
        check_text(cx, m, what);
    }
}

static void check_item(ctx *cx, const hd_json *o, int num, update *u)
{
    if (o->type != HD_JSON_OBJECT) {
        BAD(cx, o, "update %d must be an object with \"date\" and \"text\", found %s", num,
            hd_json_type_phrase(o->type));
        return;
    }
    for (const hd_json *m = o->child; m; m = m->next) {
        bool known = false;
        for (int k = 0; item_keys[k]; k++)
            known |= strcmp(m->key, item_keys[k]) == 0;
        if (!known)
            BAD_AT(cx, m->key_line, m->key_col,
                   "unknown key \"%s\" in update %d (known: \"date\", \"text\", "
                   "\"translations\")",
                   m->key, num);
    }
    const hd_json *date = hd_json_get(o, "date");
    if (!date)
        BAD(cx, o, "update %d has no \"date\" (YYYY-MM-DD)", num);
    else if (date->type != HD_JSON_STRING)
        BAD(cx, date, "\"date\" of update %d must be a string like \"2026-11-20\", found %s", num,
            hd_json_type_phrase(date->type));
    else if (!real_date(date->string, date->string_len))
        BAD(cx, date, "\"date\" of update %d is \"%.40s\": not a real date in the form YYYY-MM-DD",
            num, date->string);
    else
        u->date = date->string;

    const hd_json *text = hd_json_get(o, "text");
    if (!text) {
        BAD(cx, o, "update %d has no \"text\"", num);
    } else {
        char what[32];
        snprintf(what, sizeof what, "\"text\" of update %d", num);
        int before = cx->errors;
        check_text(cx, text, what);
        if (cx->errors == before)
            u->text = text->string;
    }
    const hd_json *tr = hd_json_get(o, "translations");
    if (tr) {
        check_translations(cx, tr, num);
        u->translations = tr;
    }
}

/* ---- parse ------------------------------------------------------------ */

hd_err hd_updates_parse(const char *json, size_t len, const char *filename, hd_updates **out,
                        hd_diag *diag)
{
    hd_diag_init(diag, filename);
    if (len > HD_UPDATES_MAX_BYTES) {
        hd_diag_add(diag, 1, 1, "the file is %zu bytes: updates.json may be at most %d", len,
                    HD_UPDATES_MAX_BYTES);
        return HD_EPARSE;
    }
    hd_json_doc *doc = NULL;
    hd_err e = hd_json_parse(json, len, &doc, diag);
    if (e != HD_OK)
        return e;
    ctx cx = {.diag = diag, .errors = 0};
    const hd_json *root = hd_json_root(doc);
    const hd_json *list = NULL;
    if (root->type == HD_JSON_ARRAY) {
        list = root;
    } else if (root->type == HD_JSON_OBJECT) {
        for (const hd_json *m = root->child; m; m = m->next)
            if (strcmp(m->key, "updates") != 0)
                BAD_AT(&cx, m->key_line, m->key_col,
                       "unknown key \"%s\" (the file holds only \"updates\": a list of messages)",
                       m->key);
        list = hd_json_get(root, "updates");
        if (!list)
            BAD(&cx, root, "no \"updates\": expected {\"updates\": [...]} or a list of updates");
        else if (list->type != HD_JSON_ARRAY) {
            BAD(&cx, list, "\"updates\" must be a list of messages, found %s",
                hd_json_type_phrase(list->type));
            list = NULL;
        }
    } else {
        BAD(&cx, root, "expected a list of updates (or {\"updates\": [...]}), found %s",
            hd_json_type_phrase(root->type));
    }

    hd_updates *u = calloc(1, sizeof *u);
    if (!u) {
        hd_json_free(doc);
        return HD_ENOMEM;
    }
    int num = 0;
    for (const hd_json *it = list ? list->child : NULL; it; it = it->next) {
        num++;
        if (num > HD_UPDATES_MAX) {
            BAD(&cx, it, "update %d is one too many: a file holds at most %d updates (remove "
                         "old ones)",
                num, HD_UPDATES_MAX);
            break;
        }
        update tmp = {0};
        check_item(&cx, it, num, &tmp);
        u->item[u->n++] = tmp;
    }
    if (cx.errors > 0) {
        free(u);
        hd_json_free(doc);
        return HD_EPARSE;
    }
    /* Newest first; insertion sort keeps the file's order within a date. */
    for (int i = 1; i < u->n; i++) {
        update x = u->item[i];
        int j = i;
        while (j > 0 && strcmp(u->item[j - 1].date, x.date) < 0) {
            u->item[j] = u->item[j - 1];
            j--;
        }
        u->item[j] = x;
    }
    u->doc = doc;
    *out = u;
    return HD_OK;
}

void hd_updates_free(hd_updates *u)
{
    if (!u)
        return;
    hd_json_free(u->doc);
    free(u);
}

int hd_updates_count(const hd_updates *u) { return u ? u->n : 0; }

const char *hd_updates_date(const hd_updates *u, int i)
{
    return u && i >= 0 && i < u->n ? u->item[i].date : NULL;
}

/* The translation keyed exactly code, or NULL. */
static const hd_json *translation(const hd_json *tr, const char *code, size_t len)
{
    for (const hd_json *m = tr ? tr->child : NULL; m; m = m->next)
        if (strlen(m->key) == len && strncmp(m->key, code, len) == 0)
            return m;
    return NULL;
}

const char *hd_updates_text(const hd_updates *u, int i, const char *lang, const char **text_lang)
{
    if (text_lang)
        *text_lang = NULL;
    if (!u || i < 0 || i >= u->n)
        return NULL;
    const update *it = &u->item[i];
    if (lang && *lang) {
        const hd_json *m = translation(it->translations, lang, strlen(lang));
        if (!m) /* "pt-BR" falls back to "pt" */
            m = translation(it->translations, lang, strcspn(lang, "-"));
        if (m) {
            if (text_lang)
                *text_lang = m->key;
            return m->string;
        }
    }
    return it->text;
}
