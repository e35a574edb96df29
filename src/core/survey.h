/* survey.h — the survey definition: model, loader and validator.
 *
 * A survey is parsed once from JSON (DESIGN §4) and then only read. Its
 * structs are public plain values so the flow, the view and heard-sync can
 * walk them; all memory (every string, every array) belongs to the hd_survey
 * and lives until hd_survey_free(). Nothing in a parsed survey is ever NULL
 * where the definition requires a value; optional strings are "" when absent.
 *
 * Questions are stored once, flat, in document order (section by section);
 * sections and tiers refer to them by index. Every index below is into the
 * survey's own arrays.
 */
#ifndef HD_SURVEY_H
#define HD_SURVEY_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

typedef enum hd_qtype {
    HD_Q_SINGLE,
    HD_Q_MULTI,
    HD_Q_LIKERT5, /* stored "1".."5", drawn as faces with words */
    HD_Q_YESNO,   /* stored "yes" / "no" */
    HD_Q_NUMBER,  /* stored as the decimal integer typed, e.g. "42" */
    HD_Q_TEXT,
    HD_Q_PHONE,
    HD_Q_EMAIL,
    HD_Q_INFO, /* a statement; never has an answer */
    HD_Q_TYPE_COUNT_
} hd_qtype;

/* "single", "multi", ... as written in the JSON; NULL for an invalid value. */
const char *hd_qtype_name(hd_qtype t);

/* The stored value of "Prefer not to say" on a sensitive question. */
#define HD_PREFER_NOT "prefer_not_to_say"

typedef struct hd_choice {
    const char *id;
    const char *text;
    double target; /* share wanted, 0..1; < 0 when the question sets none */
} hd_choice;

typedef struct hd_show_if {
    int question;        /* index of an earlier question; -1 when no show_if */
    const char **any_of; /* stored values that make the question shown */
    int n_any_of;
} hd_show_if;

typedef struct hd_question {
    const char *id;
    hd_qtype type;
    const char *text;
    int section; /* index of the section holding it */
    hd_choice *choices; /* single and multi only */
    int n_choices;
    bool sensitive;        /* adds "Prefer not to say" */
    bool quasi_identifier; /* k-anonymised in the export */
    bool contact;          /* sealed, never exported with answers */
    bool show_results;     /* results so far may be shown on welcome */
    bool has_targets;      /* some choice has target >= 0 */
    bool has_min, has_max; /* number only */
    long min, max;
    int max_length; /* text/phone/email: code points; 0 means the default */
    hd_show_if show_if;
} hd_question;

typedef struct hd_section {
    const char *id;
    const char *title;
    int first;       /* index of its first question */
    int n_questions; /* its questions are first .. first + n_questions - 1 */
} hd_section;

typedef struct hd_tier {
    const char *id; /* "quick", "story" or "group" */
    const char *title;
    const char *blurb;
    int *sections; /* section indices, in the order the tier asks them */
    int n_sections;
} hd_tier;

typedef struct hd_survey {
    const char *id;
    const char *version;
    const char *source_language;
    const char **languages; /* BCP 47-like codes, source language included */
    int n_languages;
    const char *title;
    const char *consent;
    const char *support;
    hd_tier *tiers;
    int n_tiers;
    hd_section *sections;
    int n_sections;
    hd_question *questions;
    int n_questions;
} hd_survey;

/* Default max_length of text answers, and of phone and email answers. */
#define HD_TEXT_MAX_DEFAULT 2000
#define HD_SHORT_MAX_DEFAULT 100

/* Parses and validates a definition held in json[0..len) (need not be
 * NUL-terminated). filename is only used in diagnostics.
 * On success returns HD_OK and *out owns a new survey (free it with
 * hd_survey_free). On failure returns HD_EPARSE (or HD_ENOMEM), leaves *out
 * untouched and fills diag with every problem found, each with its line and
 * column and naming the offending id or value. diag may not be NULL. */
hd_err hd_survey_parse(const char *json, size_t len, const char *filename, hd_survey **out,
                       hd_diag *diag);

void hd_survey_free(hd_survey *sv); /* NULL is a no-op */

/* Index of the question / tier / section with that id, or -1. */
int hd_survey_find_question(const hd_survey *sv, const char *id);
int hd_survey_find_tier(const hd_survey *sv, const char *id);
int hd_survey_find_section(const hd_survey *sv, const char *id);

/* Index of the choice with that id within question q, or -1. */
int hd_question_find_choice(const hd_question *q, const char *choice_id);

/* The effective max_length of a text/phone/email question. */
int hd_question_max_length(const hd_question *q);

/* True when value is one that question q can store ("3" for likert5,
 * "yes"/"no", a choice id, space-joined choice ids for multi, an integer
 * within min..max, "prefer_not_to_say" when sensitive). Text-like types
 * accept any non-empty UTF-8 value no longer than max_length code points. */
bool hd_question_accepts(const hd_question *q, const char *value);

#endif
