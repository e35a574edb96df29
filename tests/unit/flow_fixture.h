/* flow_fixture.h — a small survey built by hand, for the flow tests.
 *
 * It mirrors DESIGN §4's example in shape (three tiers, a show_if, a
 * sensitive question, contact questions) without needing the parser:
 *
 *   section experience:  0 gp-access  likert5
 *                        1 barriers   multi (transport language cost), sensitive,
 *                                     show_if gp-access any_of 1 2
 *   section about-you:   2 age        single (16-24 25-64 65+), sensitive
 *                        3 years      number 0..120
 *                        4 carer      yesno
 *                        5 about-note info
 *   section your-story:  6 story      text, max_length 10
 *   section contact:     7 name       text, contact
 *                        8 phone      phone, contact, max_length 15
 *                        9 email      email, contact
 *
 *   tiers: quick = experience about-you; story = experience your-story
 *          about-you; group = contact
 */
#ifndef HD_FLOW_FIXTURE_H
#define HD_FLOW_FIXTURE_H

#include "core/survey.h"

enum {
    FX_GP, FX_BARRIERS, FX_AGE, FX_YEARS, FX_CARER, FX_NOTE, FX_STORY, FX_NAME, FX_PHONE, FX_EMAIL,
    FX_NQ
};
enum { FX_QUICK, FX_STORYT, FX_GROUP };

static hd_choice fx_barrier_choices[] = {
    {"transport", "Getting there", -1},
    {"language", "Language", -1},
    {"cost", "Cost", -1},
};
static hd_choice fx_age_choices[] = {
    {"16-24", "16 to 24", -1},
    {"25-64", "25 to 64", -1},
    {"65+", "65 or over", -1},
};
static const char *fx_barriers_if[] = {"1", "2"};

#define FX_NO_IF {-1, NULL, 0}

static hd_question fx_questions[FX_NQ] = {
    {.id = "gp-access", .type = HD_Q_LIKERT5, .text = "How easy is it to get a GP appointment?",
     .section = 0, .show_if = FX_NO_IF},
    {.id = "barriers", .type = HD_Q_MULTI, .text = "What makes it harder?", .section = 0,
     .choices = fx_barrier_choices, .n_choices = 3, .sensitive = true,
     .show_if = {FX_GP, fx_barriers_if, 2}},
    {.id = "age", .type = HD_Q_SINGLE, .text = "How old are you?", .section = 1,
     .choices = fx_age_choices, .n_choices = 3, .sensitive = true, .quasi_identifier = true,
     .show_if = FX_NO_IF},
    {.id = "years", .type = HD_Q_NUMBER, .text = "How many years have you lived here?",
     .section = 1, .has_min = true, .has_max = true, .min = 0, .max = 120, .show_if = FX_NO_IF},
    {.id = "carer", .type = HD_Q_YESNO, .text = "Do you care for someone?", .section = 1,
     .show_if = FX_NO_IF},
    {.id = "about-note", .type = HD_Q_INFO, .text = "Thank you.", .section = 1,
     .show_if = FX_NO_IF},
    {.id = "story", .type = HD_Q_TEXT, .text = "Tell us what happened", .section = 2,
     .max_length = 10, .show_if = FX_NO_IF},
    {.id = "name", .type = HD_Q_TEXT, .text = "What should we call you?", .section = 3,
     .contact = true, .show_if = FX_NO_IF},
    {.id = "phone", .type = HD_Q_PHONE, .text = "Phone number", .section = 3, .contact = true,
     .max_length = 15, .show_if = FX_NO_IF},
    {.id = "email", .type = HD_Q_EMAIL, .text = "Email", .section = 3, .contact = true,
     .show_if = FX_NO_IF},
};

static hd_section fx_sections[] = {
    {"experience", "Your experience", 0, 2},
    {"about-you", "About you", 2, 4},
    {"your-story", "Your story", 6, 1},
    {"contact", "Stay in touch", 7, 3},
};

static int fx_quick_sections[] = {0, 1};
static int fx_story_sections[] = {0, 2, 1};
static int fx_group_sections[] = {3};

static hd_tier fx_tiers[] = {
    {"quick", "Quick survey", "About 3 minutes", fx_quick_sections, 2},
    {"story", "Tell us your story", "As long as you like", fx_story_sections, 3},
    {"group", "Join our working group", "Meet us a few times a month", fx_group_sections, 1},
};

static const char *fx_languages[] = {"en", "cy", "pl", "ur"};

static hd_survey fx_survey = {
    .id = "local-health",
    .version = "2026-11-a",
    .source_language = "en",
    .languages = fx_languages,
    .n_languages = 4,
    .title = "Your local health services",
    .consent = "Your answers are anonymous.",
    .support = "You can talk to someone.",
    .tiers = fx_tiers,
    .n_tiers = 3,
    .sections = fx_sections,
    .n_sections = 4,
    .questions = fx_questions,
    .n_questions = FX_NQ,
};

#endif
