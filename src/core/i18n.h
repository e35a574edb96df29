/* i18n.h — translations: PO catalogues, lookup with fallback, language facts.
 *
 * Two kinds of catalogue (DESIGN §4): the kiosk's own strings
 * (translations/ui/<lang>.po, looked up by msgid, msgctxt optional) and one
 * survey's strings (translations/<survey-id>/<lang>.po, looked up by msgctxt
 * such as "question.gp-access"). A missing, empty or fuzzy translation falls
 * back to the source text. No I/O here: the caller reads files and hands in
 * their bytes.
 */
#ifndef HD_I18N_H
#define HD_I18N_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

typedef struct hd_i18n hd_i18n; /* opaque: every loaded catalogue */

hd_err hd_i18n_open(hd_i18n **out);
void hd_i18n_close(hd_i18n *t); /* NULL is a no-op */

typedef enum hd_catalog { HD_CAT_UI, HD_CAT_SURVEY } hd_catalog;

/* Parses a PO file's bytes po[0..len) as the catalogue of kind cat for lang
 * (copied). Strings are copied. On a syntax error returns HD_EPARSE with
 * file:line:col in diag and keeps nothing of this file. Loading the same
 * (cat, lang) twice replaces the earlier one. */
hd_err hd_i18n_load_po(hd_i18n *t, hd_catalog cat, const char *lang, const char *po,
                       size_t len, const char *filename, hd_diag *diag);

/* The kiosk string msgid in lang; msgid itself when not translated. The
 * result lives as long as t (or msgid). */
const char *hd_i18n_ui(const hd_i18n *t, const char *lang, const char *msgid);

/* The survey string with msgctxt ctx in lang; source when not translated. */
const char *hd_i18n_survey(const hd_i18n *t, const char *lang, const char *ctx,
                           const char *source);

/* One entry of a PO file, as hd_po_parse() hands it to its visitor. The
 * strings are unescaped, NUL-terminated and valid only during the call. */
typedef struct hd_po_entry {
    const char *ctx; /* msgctxt; NULL when the entry has none */
    const char *id;  /* msgid; "" (with ctx NULL) is the header entry */
    const char *str; /* msgstr, or msgstr[0] of a plural entry */
    bool plural;     /* the entry had msgid_plural */
    bool fuzzy;      /* "#, fuzzy": a draft the kiosk does not show */
    bool obsolete;   /* a "#~" entry: kept by editors, ignored by the kiosk */
    int line;        /* 1-based line of its msgid (or msgctxt) */
} hd_po_entry;

/* Parses PO bytes po[0..len) and calls visit(entry, ud) for each entry, in
 * file order, header and obsolete entries included. On a syntax error returns
 * HD_EPARSE with file:line:col in diag; entries before the error have
 * already been visited. hd_i18n_load_po() is built on this; tools use it to
 * count fuzzy, obsolete and missing entries. */
typedef void (*hd_po_visit)(const hd_po_entry *e, void *ud);
hd_err hd_po_parse(const char *po, size_t len, const char *filename, hd_po_visit visit, void *ud,
                   hd_diag *diag);

/* Marks a kiosk string literal for the UI template (tools extract HD_N_("...")). */
#define HD_N_(s) (s)

/* Facts about a language code (BCP 47 primary subtag decides). */
typedef struct hd_lang_info {
    const char *code;         /* "ur" */
    const char *native_name;  /* "اردو" */
    const char *english_name; /* "Urdu" */
    const char *script;       /* ISO 15924: "Arab", "Latn", "Beng", "Guru" */
    bool rtl;
} hd_lang_info;

/* The facts for code; for an unknown code a generic Latin, left-to-right
 * entry whose names are the code itself. Never NULL. */
const hd_lang_info *hd_lang_info_get(const char *code);

/* True for right-to-left languages (ar, ur, fa, he, ps, sd, ckb, yi, ...). */
bool hd_lang_is_rtl(const char *code);

/* True when code looks like a BCP 47 tag: 2-3 letter primary subtag,
 * optional script (4 letters) and region (2 letters or 3 digits) subtags. */
bool hd_lang_code_valid(const char *code);

#endif
