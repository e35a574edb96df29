/* lint_i18n.h — a survey's translatable strings, and how far each language
 * has translated them (heard-sync pot and heard-sync lint --translations).
 */
#ifndef HD_LINT_I18N_H
#define HD_LINT_I18N_H

#include <stdio.h>

#include "core/survey.h"

/* One translatable field of a survey. ctx is its msgctxt (DESIGN §4:
 * "survey.title", "question.gp-access", "choice.age.16-24", ...); source its
 * text in the source language, never empty; note a short hint for
 * translators ("an answer to question.age") or NULL. Valid during the call. */
typedef void (*sync_tr_visit)(const char *ctx, const char *source, const char *note, void *ud);

/* Calls visit for every translatable field of sv in reading order: survey
 * title, consent, support; each tier's title and blurb; each section's title
 * followed by its questions, each question followed by its choices. Fields
 * whose source text is empty are left out (an empty msgid is the PO
 * header). Returns 0, or -1 when out of memory. */
int sync_survey_strings(const hd_survey *sv, sync_tr_visit visit, void *ud);

/* Reports translation coverage of sv from the PO files in dir/<survey-id>/
 * (or in dir itself when it holds <lang>.po files directly): one line per
 * language with translated, fuzzy, missing and obsolete counts and the
 * coverage percentage, then the contexts still missing or fuzzy. Languages
 * the survey lists without a file count as 0%. The source language is
 * skipped. When dir/ui/heard.pot exists, the kiosk's own strings are
 * reported the same way. Writes the report to out; problems that stop a file
 * being read (unreadable, not valid PO) go to stderr as
 * "heard-sync: <cmd>: file:line:col: ...". Returns the number of such
 * problems (0 when every file could be read, however incomplete). */
int sync_lint_translations(const char *cmd, const hd_survey *sv, const char *dir, FILE *out);

#endif
