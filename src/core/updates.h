/* updates.h — "You said, we did": the coordinator's updates.json. Pure.
 *
 * The file is a list of short messages (or an object {"updates": [...]}):
 *
 *   [
 *     {"date": "2026-11-20",
 *      "text": "You said the bus stop was too far. The 14 now stops outside.",
 *      "translations": {"pl": "...", "ur": "..."}}
 *   ]
 *
 * "date" (YYYY-MM-DD, a real date) and "text" (in the survey's source
 * language) are required; "translations" maps language codes to the same
 * message in that language. Every text is non-empty, at most
 * HD_UPDATE_MAX_CHARS characters (code points), without control characters
 * other than a line break. docs/staff-mode.md describes the format.
 *
 * A file with any problem is refused as a whole, with every problem listed
 * as file:line:col, so the kiosk keeps the updates it had.
 */
#ifndef HD_UPDATES_H
#define HD_UPDATES_H

#include <stddef.h>

#include "core/err.h"

#define HD_UPDATE_MAX_CHARS 280          /* characters in one message */
#define HD_UPDATES_MAX 50                /* messages in one file */
#define HD_UPDATES_MAX_BYTES (1 << 20)   /* size of the file */

typedef struct hd_updates hd_updates; /* opaque */

/* Parses and checks json[0..len) (need not be NUL-terminated); filename is
 * only used in diagnostics. On success *out owns the updates (free them with
 * hd_updates_free), newest first; messages of the same date keep the file's
 * order. diag (not NULL) is emptied and named filename (which must outlive
 * it). On failure returns HD_EPARSE (or HD_ENOMEM), leaves *out untouched
 * and fills diag with every problem found, each with its line and column.
 * An empty list is valid: no updates. */
hd_err hd_updates_parse(const char *json, size_t len, const char *filename, hd_updates **out,
                        hd_diag *diag);

void hd_updates_free(hd_updates *u); /* NULL is a no-op */

/* How many messages u holds (0 for NULL). */
int hd_updates_count(const hd_updates *u);

/* The date of message i (0 = newest), "2026-11-20"; NULL when i is out of
 * range. Lives as long as u. */
const char *hd_updates_date(const hd_updates *u, int i);

/* The text of message i in lang: its translation for lang, else for lang's
 * primary subtag ("pt" for "pt-BR"), else the source text. *text_lang (may
 * be NULL) gets the code of the translation used, or NULL when the source
 * text is returned (then it is in the survey's source language: lay it out
 * in that language's direction). NULL when i is out of range. Does not
 * allocate; the text lives as long as u. */
const char *hd_updates_text(const hd_updates *u, int i, const char *lang, const char **text_lang);

#endif
