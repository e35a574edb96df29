/* results.h — "What we've heard so far" bars and the representation
 * figures, from answer counts. Pure: the counts come from the store
 * (hd_store_value_counts), the question from the survey.
 *
 * Counting follows heard-sync report, so the kiosk and the coordinator's
 * report never disagree: only complete sessions count (the store's job); a
 * stored value the question does not accept (an old survey version's
 * choice, say) counts as no answer; "prefer not to say" is counted apart and
 * is outside every share; shares are of the people who gave an answer; a
 * multi answer counts once for each choice in it.
 *
 * Small numbers are never shown (docs/staff-mode.md, "What we've heard so
 * far"): a question's results only once HD_RESULTS_MIN people answered it,
 * no group under HD_RESULTS_MIN, and those hidden groups together as
 * "other answers" only when that is itself at least HD_RESULTS_MIN people.
 */
#ifndef HD_RESULTS_H
#define HD_RESULTS_H

#include <stdbool.h>

#include "core/err.h"
#include "core/survey.h"

#define HD_RESULTS_MIN 10        /* fewest people a shown number may stand for */
#define HD_RESULTS_MAX_GROUPS 64 /* choices a question may have to get results */

/* One stored value and how many complete sessions stored it, exactly as in
 * the answer table ("transport language" for a multi answer). */
typedef struct hd_value_count {
    const char *value;
    long count;
} hd_value_count;

/* One bar of "What we've heard so far". */
typedef struct hd_result_bar {
    const char *value; /* stored value of the group: a choice id, "1".."5", "yes",
                          "no"; NULL for the "other answers" bar. Points into the
                          question or static storage: lives as long as the survey. */
    int choice;        /* single/multi: index into q->choices; otherwise -1 */
    long count;        /* people in this group (>= HD_RESULTS_MIN) */
    int percent;       /* count of answered, rounded to a whole percent (half up) */
} hd_result_bar;

typedef struct hd_results {
    bool shown;     /* false: show nothing for this question (too few answers,
                       or no group large enough); then n_bars is 0 */
    long answered;  /* people who gave an answer ("prefer not to say" not counted) */
    long declined;  /* people who chose "prefer not to say" */
    int n_bars;     /* groups in the question's own order, "other answers" last */
    hd_result_bar bar[HD_RESULTS_MAX_GROUPS + 1];
} hd_results;

/* Computes the bars of question q from vc[0..n) (any order; a value may
 * appear more than once, its counts add up). HD_EINVAL (out->shown false)
 * when q is not single, multi, likert5 or yesno, or has more than
 * HD_RESULTS_MAX_GROUPS choices. Does not allocate. */
hd_err hd_results_compute(const hd_question *q, const hd_value_count *vc, int n,
                          hd_results *out);

/* One target group of the representation figures (admin screen). */
typedef struct hd_rep_row {
    int choice;         /* index into q->choices */
    long count;         /* people in the group */
    bool few;           /* 1..HD_RESULTS_MIN-1: say "fewer than 10", and show no
                           count, share or gap (a share would give the count back) */
    double share;       /* count / answered, 0..1 (0 when nobody answered) */
    int percent;        /* share as a whole percent (half up); -1 when few */
    double target;      /* the survey's target share, 0..1 */
    int target_percent; /* target as a whole percent (half up) */
    int gap_points;     /* percent - target_percent; 0 when few */
    bool under;         /* share below target, or nobody answered yet (as
                           heard-sync report decides it) */
} hd_rep_row;

typedef struct hd_representation {
    long answered;  /* people who gave an answer */
    bool answered_few; /* 1..9 answered: say "fewer than 10" */
    long declined;  /* "prefer not to say" */
    int n_rows;     /* one per choice with a target, in the question's order */
    hd_rep_row row[HD_RESULTS_MAX_GROUPS];
} hd_representation;

/* Computes the representation figures of question q (single or multi with
 * targets) from vc[0..n). HD_EINVAL (out->n_rows 0) when q has no targets,
 * is another type, or has more than HD_RESULTS_MAX_GROUPS choices. */
hd_err hd_results_representation(const hd_question *q, const hd_value_count *vc, int n,
                                 hd_representation *out);

/* Whole percent of part in whole, rounded half up; 0 when whole <= 0. */
int hd_results_percent(long part, long whole);

#endif
