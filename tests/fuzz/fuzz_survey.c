/* fuzz_survey.c — hd_survey_parse on arbitrary bytes.
 *
 * A refused definition comes with diagnostics and leaves the output
 * untouched. An accepted one must be the model survey.h promises, because
 * the flow and the view index into it without checking: every index in
 * range, sections contiguous in document order, ids unique (each found by
 * its own lookup), every choice and every show_if value accepted by its
 * question, show_if pointing at an earlier question.
 */
#include <stdbool.h>

#include "core/survey.h"
#include "fuzz.h"

static void fuzz_survey_check_question(const hd_survey *sv, int qi)
{
    const hd_question *q = &sv->questions[qi];
    HD_FUZZ_CHECK(q->id && q->id[0] && q->text);
    HD_FUZZ_CHECK(hd_survey_find_question(sv, q->id) == qi);
    HD_FUZZ_CHECK(q->type >= 0 && q->type < HD_Q_TYPE_COUNT_);
    HD_FUZZ_CHECK(hd_qtype_name(q->type) != NULL);
    HD_FUZZ_CHECK(q->section >= 0 && q->section < sv->n_sections);
    const hd_section *s = &sv->sections[q->section];
    HD_FUZZ_CHECK(qi >= s->first && qi < s->first + s->n_questions);

    bool choosing = q->type == HD_Q_SINGLE || q->type == HD_Q_MULTI;
    HD_FUZZ_CHECK(choosing ? q->n_choices > 0 && q->choices : q->n_choices == 0);
    for (int c = 0; c < q->n_choices; c++) {
        HD_FUZZ_CHECK(q->choices[c].id && q->choices[c].id[0] && q->choices[c].text);
        HD_FUZZ_CHECK(hd_question_find_choice(q, q->choices[c].id) == c);
        HD_FUZZ_CHECK(hd_question_accepts(q, q->choices[c].id));
        HD_FUZZ_CHECK(q->choices[c].target <= 1.0);
    }
    switch (q->type) {
    case HD_Q_LIKERT5:
        HD_FUZZ_CHECK(hd_question_accepts(q, "3") && !hd_question_accepts(q, "6"));
        break;
    case HD_Q_YESNO:
        HD_FUZZ_CHECK(hd_question_accepts(q, "yes") && hd_question_accepts(q, "no"));
        break;
    case HD_Q_NUMBER:
        HD_FUZZ_CHECK(!(q->has_min && q->has_max) || q->min <= q->max);
        break;
    case HD_Q_TEXT:
    case HD_Q_PHONE:
    case HD_Q_EMAIL:
        HD_FUZZ_CHECK(hd_question_max_length(q) > 0);
        HD_FUZZ_CHECK(hd_question_accepts(q, "7"));
        break;
    case HD_Q_INFO:
        HD_FUZZ_CHECK(!hd_question_accepts(q, "x"));
        break;
    default:
        break;
    }

    const hd_show_if *si = &q->show_if;
    HD_FUZZ_CHECK(si->question >= -1 && si->question < qi);
    if (si->question >= 0) {
        const hd_question *tq = &sv->questions[si->question];
        HD_FUZZ_CHECK(si->n_any_of > 0 && si->any_of);
        for (int k = 0; k < si->n_any_of; k++)
            HD_FUZZ_CHECK(si->any_of[k] && hd_question_accepts(tq, si->any_of[k]));
    }
}

static void fuzz_survey_check(const hd_survey *sv)
{
    HD_FUZZ_CHECK(sv->id && sv->version && sv->source_language);
    HD_FUZZ_CHECK(sv->title && sv->consent && sv->support);
    bool has_source = false;
    for (int i = 0; i < sv->n_languages; i++) {
        HD_FUZZ_CHECK(sv->languages[i] != NULL);
        has_source = has_source || strcmp(sv->languages[i], sv->source_language) == 0;
    }
    HD_FUZZ_CHECK(has_source);

    HD_FUZZ_CHECK(sv->n_tiers > 0);
    for (int t = 0; t < sv->n_tiers; t++) {
        const hd_tier *tr = &sv->tiers[t];
        HD_FUZZ_CHECK(tr->id && tr->title && tr->blurb);
        HD_FUZZ_CHECK(strcmp(tr->id, "quick") == 0 || strcmp(tr->id, "story") == 0 ||
                      strcmp(tr->id, "group") == 0);
        HD_FUZZ_CHECK(hd_survey_find_tier(sv, tr->id) == t);
        for (int k = 0; k < tr->n_sections; k++)
            HD_FUZZ_CHECK(tr->sections[k] >= 0 && tr->sections[k] < sv->n_sections);
    }

    int next = 0;
    for (int s = 0; s < sv->n_sections; s++) {
        const hd_section *sc = &sv->sections[s];
        HD_FUZZ_CHECK(sc->id && sc->title);
        HD_FUZZ_CHECK(hd_survey_find_section(sv, sc->id) == s);
        HD_FUZZ_CHECK(sc->first == next && sc->n_questions >= 0);
        next += sc->n_questions;
    }
    HD_FUZZ_CHECK(next == sv->n_questions);
    for (int q = 0; q < sv->n_questions; q++)
        fuzz_survey_check_question(sv, q);
}

int hd_fuzz_survey(const uint8_t *data, size_t size)
{
    hd_diag *diag = malloc(sizeof *diag);
    if (!diag)
        return 0;
    hd_survey *sv = NULL;
    hd_err e = hd_survey_parse((const char *)data, size, "fuzz.json", &sv, diag);
    if (e == HD_OK) {
        HD_FUZZ_CHECK(sv != NULL);
        hd_fuzz_check_diag(diag, 0);
        fuzz_survey_check(sv);
    } else {
        HD_FUZZ_CHECK(e == HD_EPARSE || e == HD_ENOMEM);
        HD_FUZZ_CHECK(sv == NULL);
        hd_fuzz_check_diag(diag, 1);
    }
    hd_survey_free(sv);
    free(diag);
    return 0;
}

HD_FUZZ_ENTRY(hd_fuzz_survey)
