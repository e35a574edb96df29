/* results.c — results-so-far bars and representation figures (results.h).
 *
 * Both work in two steps over the stored values: tally them into the
 * question's groups, then decide what may be shown. The "other answers" bar
 * needs a second look at the stored values: for a multi question it is the
 * people who picked at least one hidden choice, which the per-choice tally
 * cannot tell (one person may have picked several).
 */
#include "core/results.h"

#include <stdint.h>
#include <string.h>

static const char *const likert_values[] = {"1", "2", "3", "4", "5"};
static const char *const yesno_values[] = {"yes", "no"};

/* The groups of q: their stored values come from group_value(). */
static int group_count(const hd_question *q)
{
    switch (q->type) {
    case HD_Q_SINGLE:
    case HD_Q_MULTI: return q->n_choices;
    case HD_Q_LIKERT5: return 5;
    case HD_Q_YESNO: return 2;
    default: return -1;
    }
}

static const char *group_value(const hd_question *q, int g)
{
    switch (q->type) {
    case HD_Q_LIKERT5: return likert_values[g];
    case HD_Q_YESNO: return yesno_values[g];
    default: return q->choices[g].id;
    }
}

/* The set of groups (bit g) one accepted, non-declined value belongs to. */
static uint64_t groups_of(const hd_question *q, int n_groups, const char *value)
{
    uint64_t set = 0;
    if (q->type != HD_Q_MULTI) {
        for (int g = 0; g < n_groups; g++)
            if (strcmp(group_value(q, g), value) == 0)
                return (uint64_t)1 << g;
        return 0;
    }
    /* hd_question_accepts has checked: ids joined by single spaces, each a
     * choice, none repeated. */
    const char *p = value;
    while (*p) {
        size_t len = strcspn(p, " ");
        for (int g = 0; g < n_groups; g++) {
            const char *id = q->choices[g].id;
            if (strlen(id) == len && memcmp(id, p, len) == 0)
                set |= (uint64_t)1 << g;
        }
        p += len;
        if (*p == ' ')
            p++;
    }
    return set;
}

typedef struct tally {
    int n_groups;
    long count[HD_RESULTS_MAX_GROUPS];
    long answered, declined;
} tally;

static hd_err tally_up(const hd_question *q, const hd_value_count *vc, int n, tally *t)
{
    memset(t, 0, sizeof *t);
    t->n_groups = group_count(q);
    if (t->n_groups < 0 || t->n_groups > HD_RESULTS_MAX_GROUPS || q->contact)
        return HD_EINVAL;
    for (int i = 0; i < n; i++) {
        const char *v = vc[i].value;
        long c = vc[i].count;
        if (c <= 0 || !hd_question_accepts(q, v))
            continue; /* not an answer this question can give */
        if (strcmp(v, HD_PREFER_NOT) == 0) {
            t->declined += c;
            continue;
        }
        t->answered += c;
        uint64_t set = groups_of(q, t->n_groups, v);
        for (int g = 0; g < t->n_groups; g++)
            if (set & ((uint64_t)1 << g))
                t->count[g] += c;
    }
    return HD_OK;
}

int hd_results_percent(long part, long whole)
{
    if (whole <= 0 || part <= 0)
        return 0;
    /* Integer half-up rounding: no floating-point surprises at x.5. */
    return (int)((part * 200 / whole + 1) / 2);
}

hd_err hd_results_compute(const hd_question *q, const hd_value_count *vc, int n,
                          hd_results *out)
{
    out->shown = false;
    out->n_bars = 0;
    out->answered = out->declined = 0;
    tally t;
    hd_err e = tally_up(q, vc, n, &t);
    if (e != HD_OK)
        return e;
    out->answered = t.answered;
    out->declined = t.declined;
    if (t.answered < HD_RESULTS_MIN)
        return HD_OK;

    uint64_t hidden = 0;
    for (int g = 0; g < t.n_groups; g++)
        if (t.count[g] < HD_RESULTS_MIN)
            hidden |= (uint64_t)1 << g;
    /* People with at least one answer in a hidden group. */
    long other = 0;
    for (int i = 0; i < n; i++) {
        const char *v = vc[i].value;
        if (vc[i].count <= 0 || !hd_question_accepts(q, v) || strcmp(v, HD_PREFER_NOT) == 0)
            continue;
        if (groups_of(q, t.n_groups, v) & hidden)
            other += vc[i].count;
    }

    for (int g = 0; g < t.n_groups; g++) {
        if (hidden & ((uint64_t)1 << g))
            continue;
        hd_result_bar *b = &out->bar[out->n_bars++];
        b->value = group_value(q, g);
        b->choice = (q->type == HD_Q_SINGLE || q->type == HD_Q_MULTI) ? g : -1;
        b->count = t.count[g];
        b->percent = hd_results_percent(t.count[g], t.answered);
    }
    if (out->n_bars == 0)
        return HD_OK; /* only "other answers" would be left: nothing to say */
    if (other >= HD_RESULTS_MIN) {
        hd_result_bar *b = &out->bar[out->n_bars++];
        b->value = NULL;
        b->choice = -1;
        b->count = other;
        b->percent = hd_results_percent(other, t.answered);
    }
    out->shown = true;
    return HD_OK;
}

hd_err hd_results_representation(const hd_question *q, const hd_value_count *vc, int n,
                                 hd_representation *out)
{
    out->n_rows = 0;
    out->answered = out->declined = 0;
    out->answered_few = false;
    if (!q->has_targets || (q->type != HD_Q_SINGLE && q->type != HD_Q_MULTI))
        return HD_EINVAL;
    tally t;
    hd_err e = tally_up(q, vc, n, &t);
    if (e != HD_OK)
        return e;
    out->answered = t.answered;
    out->declined = t.declined;
    out->answered_few = t.answered > 0 && t.answered < HD_RESULTS_MIN;
    for (int c = 0; c < q->n_choices; c++) {
        if (q->choices[c].target < 0)
            continue;
        hd_rep_row *r = &out->row[out->n_rows++];
        r->choice = c;
        r->count = t.count[c];
        r->few = r->count > 0 && r->count < HD_RESULTS_MIN;
        r->share = t.answered > 0 ? (double)r->count / (double)t.answered : 0.0;
        r->target = q->choices[c].target;
        r->target_percent = (int)(r->target * 100.0 + 0.5);
        r->percent = r->few ? -1 : hd_results_percent(r->count, t.answered);
        r->gap_points = r->few ? 0 : r->percent - r->target_percent;
        r->under = t.answered == 0 || r->share < r->target;
    }
    return HD_OK;
}
