/* flow.h — the session state machine, as a pure reducer.
 *
 *   effects = hd_flow_reduce(flow, action)
 *
 * No I/O, no clock, no randomness: time arrives in every action (now_ms, a
 * monotonic millisecond count chosen by the caller), and everything that
 * must happen outside (save an answer, end a session, seal a contact) comes
 * back as data in hd_effects, in the order it must be carried out. The caller
 * carries the effects out before drawing the next screen; when one fails it
 * reduces HD_ACT_STORE_FAILED, and the flow shows the "ask a member of staff"
 * state without pretending anything was saved.
 *
 * The struct is public so the view can read it; only the reducer writes it.
 * All buffers are allocated once in hd_flow_open(); reducing never allocates.
 */
#ifndef HD_FLOW_H
#define HD_FLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "core/survey.h"

typedef enum hd_screen {
    HD_SCREEN_WELCOME,
    HD_SCREEN_CONSENT,
    HD_SCREEN_TIERS,
    HD_SCREEN_QUESTION,
    HD_SCREEN_REVIEW,
    HD_SCREEN_THANKS,
    HD_SCREEN_SUPPORT,
    HD_SCREEN_STILL_THERE,
    HD_SCREEN_ADMIN_PIN,
    HD_SCREEN_ADMIN,
    HD_SCREEN_COUNT_
} hd_screen;

/* The DESIGN §5 screen id: "welcome", "still-there", "admin-pin", ... */
const char *hd_screen_id(hd_screen s);

/* A modal question over the current screen ("Delete your answers?"). */
typedef enum hd_confirm { HD_CONFIRM_NONE, HD_CONFIRM_LEAVE, HD_CONFIRM_WITHDRAW } hd_confirm;

typedef enum hd_act_kind {
    HD_ACT_NONE,
    HD_ACT_TICK,       /* time passed; no touch */
    HD_ACT_TOUCH,      /* a touch that hit nothing: only resets the idle timer */
    HD_ACT_LANG,       /* str: language code. On welcome it also starts (-> consent) */
    HD_ACT_NEXT,       /* welcome/consent "Start", question "Next" */
    HD_ACT_BACK,
    HD_ACT_SKIP,
    HD_ACT_LEAVE,      /* asks HD_CONFIRM_LEAVE when a session holds answers */
    HD_ACT_CONFIRM,
    HD_ACT_CANCEL,     /* closes a confirm; on admin-pin goes back */
    HD_ACT_TIER,       /* num: tier index (tiers screen, or thanks: next tier up) */
    HD_ACT_CHOOSE,     /* str: value: choice id, "1".."5", "yes", "no", prefer_not_to_say;
                          multi toggles it; single/likert/yesno select it (tap again: unselect) */
    HD_ACT_KEY,        /* str: UTF-8 text a key types (keyboard and number pad) */
    HD_ACT_KEY_BACKSPACE, /* removes the last code point; combining marks at the end
                             go together with the character they sit on */
    HD_ACT_KEYBOARD_PAGE, /* num: keyboard page to show (letters, shift, digits, symbols, accents) */
    HD_ACT_REVIEW_EDIT, /* num: question index to change from review */
    HD_ACT_SEND,
    HD_ACT_WITHDRAW,    /* asks HD_CONFIRM_WITHDRAW */
    HD_ACT_SUPPORT,     /* show the support screen; back returns */
    HD_ACT_STILL_HERE,
    HD_ACT_HOME,        /* thanks: "Finish now" */
    HD_ACT_STAFF_HOLD,  /* the top-left corner was held 3 s */
    HD_ACT_PIN_RESULT,  /* num: 1 the PIN was right, 0 wrong; str: NULL */
    HD_ACT_ADMIN_EXIT,  /* leave staff mode back to welcome */
    HD_ACT_QUIT,        /* staff: exit to desktop */
    HD_ACT_STORE_FAILED, /* the caller could not carry out an effect; num: how many
                            effects of the last list were carried out before it (0 if unknown) */
    HD_ACT_TOGGLE_CONTRAST,
    HD_ACT_TOGGLE_LARGE_TEXT,
    HD_ACT_SCROLL,      /* num: pixels to scroll the question area (+ down) */
    HD_ACT_ADMIN_VENUE, /* admin: str: the venue chosen from the config's list;
                           str NULL: open the keyboard to type one */
    HD_ACT_ADMIN_MODE,  /* admin: str: "self" or "assisted" */
    HD_ACT_USB_COPY,    /* admin: copy the database to the USB stick */
    HD_ACT_USB_UPDATES, /* admin: load updates.json from the USB stick */
    HD_ACT_KIND_COUNT_
} hd_act_kind;

typedef struct hd_action {
    hd_act_kind kind;
    int64_t now_ms; /* monotonic time of the action */
    int num;
    const char *str; /* copied by the reducer when it keeps it */
} hd_action;

typedef enum hd_fx_kind {
    HD_FX_START_SESSION,   /* new session: tier, lang (from the flow); caller makes the id */
    HD_FX_SAVE_ANSWER,     /* question, value: insert or replace, own transaction */
    HD_FX_DELETE_ANSWER,   /* question */
    HD_FX_SET_LANGUAGE,    /* lang: the session's language changed */
    HD_FX_END_SESSION,     /* status: HD_STATUS_COMPLETE or HD_STATUS_ABANDONED */
    HD_FX_DELETE_SESSION,  /* leave or withdraw: the session and its answers go */
    HD_FX_SEAL_CONTACT,    /* value: JSON object of the contact answers, to seal and store */
    HD_FX_CHECK_PIN,       /* value: the PIN typed; reply with HD_ACT_PIN_RESULT */
    HD_FX_QUIT,            /* exit to desktop */
    HD_FX_SET_VENUE,       /* value: the venue for the sessions from now on (staff) */
    HD_FX_SET_MODE,        /* value: "self" or "assisted" for the sessions from now on */
    HD_FX_USB_COPY,        /* copy the database to the USB stick; the caller shows how it went */
    HD_FX_LOAD_UPDATES,    /* load updates.json from the USB stick; the caller shows how it went */
    HD_FX_KIND_COUNT_
} hd_fx_kind;

typedef enum hd_status { HD_STATUS_IN_PROGRESS, HD_STATUS_COMPLETE, HD_STATUS_ABANDONED } hd_status;

/* "in_progress", "complete", "abandoned". */
const char *hd_status_name(hd_status s);

typedef struct hd_effect {
    hd_fx_kind kind;
    int question;      /* index, for SAVE/DELETE_ANSWER; -1 otherwise */
    const char *value; /* SAVE_ANSWER, SEAL_CONTACT, CHECK_PIN, SET_VENUE, SET_MODE:
                          valid until the next reduce */
    hd_status status;  /* END_SESSION */
} hd_effect;

#define HD_FX_MAX 64

typedef struct hd_effects {
    int n;
    hd_effect fx[HD_FX_MAX];
} hd_effects;

typedef struct hd_flow_config {
    int64_t still_there_after_ms; /* default 60000 */
    int64_t reset_after_ms;       /* default 30000, counted from still-there */
    int64_t thanks_ms;            /* default 10000 */
    int64_t text_save_pause_ms;   /* default 2000: text drafts saved after this pause */
    bool group_allowed;           /* a coordinator public key is configured */
    bool staff_allowed;           /* a staff PIN hash is configured */
} hd_flow_config;

/* Fills cfg with the defaults above (group and staff not allowed). */
void hd_flow_config_default(hd_flow_config *cfg);

/* One question's answer as the flow holds it. */
typedef struct hd_answer {
    char *value;   /* draft, NUL-terminated; "" means no answer; capacity cap */
    int cap;
    bool stored;   /* a row for it exists in the database */
    bool dirty;    /* value differs from what is stored */
} hd_answer;

#define HD_LANG_MAX 16
#define HD_PIN_MAX 12
#define HD_VENUE_CHARS 80 /* code points a typed venue may have */
#define HD_VENUE_MAX (HD_VENUE_CHARS * 4 + 1)

typedef struct hd_flow {
    const hd_survey *sv; /* must outlive the flow */
    hd_flow_config cfg;

    hd_screen screen;
    hd_screen return_to; /* where support / still-there go back to */
    hd_confirm confirm;
    char lang[HD_LANG_MAX];
    bool high_contrast;
    bool large_text;

    bool in_session; /* a START_SESSION was emitted and not yet ended/deleted */
    int tier;        /* index into sv->tiers, -1 before a tier is chosen */
    int *seq;        /* the tier's question indices, in order (capacity n_questions) */
    int n_seq;
    int pos;         /* index into seq of the current question */
    bool from_review; /* editing from review: Next returns to review */
    int scroll;      /* question area scroll offset, px */
    int keyboard_page;

    hd_answer *answers; /* one per survey question, indexed like sv->questions */

    int64_t last_input_ms; /* last touch, for the idle timer */
    int64_t screen_since_ms; /* when the current screen (or still-there) began */
    int64_t last_key_ms;   /* last keyboard input, for saving text drafts */

    char pin[HD_PIN_MAX + 1];
    bool pin_checking;
    bool pin_wrong; /* the last PIN was refused */
    bool store_failed; /* an effect failed: show "Please ask a member of staff" */
    const char *message; /* a short UI message (English source) to show, or NULL */

    /* scratch for effect values that are not answer drafts (contact JSON) */
    char *scratch;
    int scratch_cap;

    /* message as the kiosk msgid it was made from (may hold printf "%ld"s,
     * filled from message_args in order), so the view can translate it:
     * message is that msgid formatted in English. NULL when message is. */
    const char *message_id;
    long message_args[2];

    /* The support screen was put in by the flow after a section holding a
     * sensitive question (its button carries on rather than goes back). */
    bool support_auto;
    /* seq position after which that happened last this session (-1: none),
     * so that going back and forward again does not show it twice. */
    int support_mark;

    /* Staff typing a venue on the admin screen's keyboard. */
    bool venue_typing;
    char venue_draft[HD_VENUE_MAX];
} hd_flow;

/* Sets up a flow for sv (which must outlive it) on the welcome screen with
 * language sv->source_language. cfg NULL means the defaults. Allocates every
 * buffer the flow will ever use; *out owns the flow (hd_flow_close). */
hd_err hd_flow_open(const hd_survey *sv, const hd_flow_config *cfg, int64_t now_ms,
                    hd_flow **out);
void hd_flow_close(hd_flow *flow); /* NULL is a no-op; zeroes every answer buffer */

/* Applies act and returns what must be done outside, in order. */
hd_effects hd_flow_reduce(hd_flow *flow, const hd_action *act);

/* Tells the flow that every effect of the last reduce was carried out. What
 * it kept only for a retry (the drafts of a participant who has just left,
 * withdrawn or sent, the contact JSON) is zeroed now, rather than at the
 * next reduce, so nothing of theirs stays in memory a moment longer. */
void hd_flow_effects_done(hd_flow *flow);

/* The question shown on the question screen (index into sv->questions), or -1. */
int hd_flow_current_question(const hd_flow *flow);

/* 1-based position of the current question among those the participant will
 * see given the answers so far, and how many that is (for "3 of 12"). */
void hd_flow_progress(const hd_flow *flow, int *index, int *count);

/* True when question q's show_if holds for the current answers. */
bool hd_flow_visible(const hd_flow *flow, int q);

/* True when the multi/single draft of question q holds choice value v. */
bool hd_flow_has_value(const hd_flow *flow, int q, const char *v);

/* On the thanks screen: the tier to offer next ("tell us more": quick ->
 * story, story -> group when allowed), as an index into sv->tiers; -1 when
 * there is none or another screen is shown. HD_ACT_TIER with that index
 * starts a new, unlinked session. */
int hd_flow_offer_tier(const hd_flow *flow);

#endif
