/* fuzz_updates.c — hd_updates_parse ("You said, we did": updates.json) on
 * arbitrary bytes.
 *
 * A refused file comes with diagnostics and leaves the output untouched. An
 * accepted one is checked against the same bytes read independently with
 * hd_json_parse: as many messages as the list holds (at most
 * HD_UPDATES_MAX), newest date first with messages of one date in file
 * order, real YYYY-MM-DD dates, and for each of several languages the text
 * updates.h promises (the translation for the language, else for its
 * primary subtag, else the source text, with text_lang naming the one
 * used), every text non-empty, valid UTF-8, at most HD_UPDATE_MAX_CHARS
 * code points and free of control characters other than a line break.
 */
#include <stdbool.h>

#include "core/csv.h"
#include "core/json.h"
#include "core/updates.h"
#include "fuzz.h"

static bool fuzz_up_real_date(const char *d)
{
    if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
            return false;
    int y = atoi(d), m = atoi(d + 5), day = atoi(d + 8);
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || day < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return day <= mdays[m - 1] + (m == 2 && leap);
}

static void fuzz_up_check_text(const char *t)
{
    HD_FUZZ_CHECK(t && t[0]);
    size_t n = strlen(t);
    HD_FUZZ_CHECK(hd_utf8_valid(t, n));
    size_t chars = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)t[i];
        chars += (c & 0xC0) != 0x80;
        HD_FUZZ_CHECK(c == '\n' || (c >= 0x20 && c != 0x7F));
    }
    HD_FUZZ_CHECK(chars <= HD_UPDATE_MAX_CHARS);
}

/* The message list of the document: the root list, or root.updates. */
static const hd_json *fuzz_up_list(const hd_json *root)
{
    if (root->type == HD_JSON_ARRAY)
        return root;
    const hd_json *l = hd_json_get(root, "updates");
    return l && l->type == HD_JSON_ARRAY ? l : NULL;
}

/* What hd_updates_text must give for item in lang, by updates.h's rule. */
static const char *fuzz_up_expect(const hd_json *item, const char *lang, const char **used)
{
    const hd_json *tr = hd_json_get(item, "translations");
    const hd_json *t = tr ? hd_json_get(tr, lang) : NULL;
    if (t) {
        *used = t->key;
        return t->string;
    }
    char primary[16];
    size_t p = strcspn(lang, "-_");
    if (lang[p] && p < sizeof primary) {
        memcpy(primary, lang, p);
        primary[p] = '\0';
        t = tr ? hd_json_get(tr, primary) : NULL;
        if (t) {
            *used = t->key;
            return t->string;
        }
    }
    *used = NULL;
    return hd_json_get(item, "text")->string;
}

static void fuzz_up_check(const hd_updates *u, const uint8_t *data, size_t size)
{
    int n = hd_updates_count(u);
    HD_FUZZ_CHECK(n >= 0 && n <= HD_UPDATES_MAX);
    HD_FUZZ_CHECK(hd_updates_date(u, n) == NULL && hd_updates_date(u, -1) == NULL);
    HD_FUZZ_CHECK(hd_updates_text(u, n, "en", NULL) == NULL);

    hd_diag *d = malloc(sizeof *d);
    hd_json_doc *doc = NULL;
    if (!d)
        return;
    hd_diag_init(d, "updates.json");
    hd_err e = hd_json_parse((const char *)data, size, &doc, d);
    free(d);
    HD_FUZZ_CHECK(e == HD_OK || e == HD_ENOMEM); /* updates.json is JSON */
    if (e != HD_OK)
        return;
    const hd_json *list = fuzz_up_list(hd_json_root(doc));
    HD_FUZZ_CHECK(list != NULL && list->n_children == n);

    /* The order updates.h promises: a stable sort on the date, newest first. */
    const hd_json *items[HD_UPDATES_MAX];
    int k = 0;
    for (const hd_json *it = list->child; it && k < HD_UPDATES_MAX; it = it->next)
        items[k++] = it;
    for (int i = 1; i < k; i++) {
        const hd_json *x = items[i];
        int j = i;
        while (j > 0 && strcmp(hd_json_get(items[j - 1], "date")->string,
                               hd_json_get(x, "date")->string) < 0) {
            items[j] = items[j - 1];
            j--;
        }
        items[j] = x;
    }

    static const char *const langs[] = {"en", "pl", "pl-PL", "pt-BR", "ur", "zz", "sr-Latn"};
    for (int i = 0; i < n; i++) {
        const char *date = hd_updates_date(u, i);
        HD_FUZZ_CHECK(date && fuzz_up_real_date(date));
        HD_FUZZ_CHECK(strcmp(date, hd_json_get(items[i], "date")->string) == 0);
        for (size_t l = 0; l < sizeof langs / sizeof *langs; l++) {
            const char *used = "?", *want_used = NULL;
            const char *t = hd_updates_text(u, i, langs[l], &used);
            fuzz_up_check_text(t);
            const char *want = fuzz_up_expect(items[i], langs[l], &want_used);
            HD_FUZZ_CHECK(strcmp(t, want) == 0);
            HD_FUZZ_CHECK((!used && !want_used) ||
                          (used && want_used && strcmp(used, want_used) == 0));
        }
    }
    hd_json_free(doc);
}

int hd_fuzz_updates(const uint8_t *data, size_t size)
{
    hd_diag *diag = malloc(sizeof *diag);
    if (!diag)
        return 0;
    hd_updates *u = NULL;
    hd_err e = hd_updates_parse((const char *)data, size, "updates.json", &u, diag);
    if (e == HD_OK) {
        HD_FUZZ_CHECK(u != NULL);
        hd_fuzz_check_diag(diag, 0);
        fuzz_up_check(u, data, size);
    } else {
        HD_FUZZ_CHECK(e == HD_EPARSE || e == HD_ENOMEM);
        HD_FUZZ_CHECK(u == NULL);
        hd_fuzz_check_diag(diag, 1);
    }
    hd_updates_free(u);
    free(diag);
    return 0;
}

HD_FUZZ_ENTRY(hd_fuzz_updates)
