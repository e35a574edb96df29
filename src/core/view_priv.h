/* view_priv.h — what the view's files share: the layout context and helpers.
 *
 * Not a public interface: only src/core/view*.c include it. The layout is
 * built left-to-right in a frame of reference where the staff corner is at
 * the top-left (or top-right for right-to-left screens, so that the final
 * mirror pass puts it back at the top-left), then mirrored when the
 * language is right-to-left. Sizes are in pixels; every design size is
 * written in units u = min(w, h) / 480 so an 800x480 panel has u = 1.
 */
#ifndef HD_VIEW_PRIV_H
#define HD_VIEW_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "core/keyboard.h"
#include "core/view.h"

/* Button looks; the theme gives each a colour triple. */
typedef enum vstyle {
    VS_PLAIN,     /* secondary button */
    VS_PRIMARY,   /* the main action */
    VS_CHOICE,    /* an answer, not chosen */
    VS_SELECTED,  /* an answer, chosen / a toggle that is on */
    VS_QUIET,     /* leave, prefer not to say: present but not loud */
    VS_DANGER,    /* delete answers */
    VS_KEY,       /* a letter key */
    VS_KEYFN,     /* shift, backspace, page keys */
    VS_CARD,      /* tier cards, review rows */
    VS_HIGHLIGHT, /* the welcome screen's attract highlight */
    VS_INPUT,     /* the box showing what is typed */
    VS_BANNER,    /* a message the participant should notice */
    VS_COUNT_
} vstyle;

typedef struct vcolors {
    uint32_t fg, bg, border;
} vcolors;

typedef struct vtheme {
    uint32_t bg;    /* screen */
    uint32_t text;  /* body text on bg */
    uint32_t muted; /* secondary text on bg (still >= 4.5:1) */
    uint32_t bar_fill, bar_track;
    uint32_t scrim; /* over the screen behind a modal */
    uint32_t panel; /* the modal's panel */
    vcolors st[VS_COUNT_];
} vtheme;

/* Which elements make up a keyboard block: they are moved, not mirrored, in
 * right-to-left layouts, so keys keep the order of the standard layout. */
typedef struct vkbblock {
    int first, end; /* element index range */
    hd_rect r;      /* the block's bounding box before mirroring */
} vkbblock;

typedef struct vctx {
    const hd_flow *fl;
    const hd_survey *sv;
    const hd_i18n *t;
    const hd_metrics *m;
    const hd_view_extra *ex;
    hd_dlist *dl;
    int64_t now;
    int w, h;
    float u;     /* min(w, h) / 480 */
    float ts;    /* text scale: 1, or 1.25 with large text */
    bool rtl;    /* the screen's language is right-to-left */
    bool portrait;
    const char *lang;
    const vtheme *th;

    /* design sizes in px (rounded up where they are minimums) */
    int tap;     /* 64u: the smallest touch target */
    int key;     /* 48u: the smallest keyboard key */
    int gap;     /* 12u between elements (the rule is >= 8u) */
    int sgap;    /* 8u between keys */
    int margin;  /* 16u at the screen's sides */
    int mtop;    /* 8u above the top bar and below the bottom row */
    int pad;     /* 12u inside buttons */
    int radius;

    /* font sizes in px, already multiplied by ts */
    int px_title, px_head, px_body, px_button, px_small, px_floor;

    vkbblock kb[2];
    int n_kb;
    bool kb_tight; /* the panel is too small for 48u keys: rows are not split */
} vctx;

/* ---- view.c: units, text and elements ---------------------------------- */

/* v design units in px, rounded up (for minimum sizes). */
int vc_u(const vctx *c, float v);
/* A font size: base * s, never below the floor. */
int vc_px(const vctx *c, int base, float s);

/* Kiosk string (translated), survey string (by msgctxt, translated). */
const char *vc_ui(const vctx *c, const char *msgid);
const char *vc_sv(const vctx *c, const char *ctx, const char *source);
/* A survey string whose msgctxt is printf-built ("question.%s"). */
const char *vc_svf(const vctx *c, const char *source, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* msgid translated, its printf conversions ("%ld", "%2$ld") filled with
 * the texts a1, a2 (in order, or by number) without printf; in the arena. */
const char *vc_fmt(const vctx *c, const char *msgid, const char *a1, const char *a2);
/* The flow's message in the screen's language (from message_id and its
 * arguments when the flow gives them), or NULL. */
const char *vc_flow_message(const vctx *c);

/* msgid translated, then every "{name}" k1/k2 replaced by v1/v2; the result
 * is in the arena. Safe whatever a translation holds. */
const char *vc_subst2(const vctx *c, const char *msgid, const char *k1, const char *v1,
                      const char *k2, const char *v2);

void vc_measure(const vctx *c, const char *s, int px, bool bold, int wrap, bool rtl, int *w,
                int *h);
/* Finds the largest size from base down to floor (in steps) at which s,
 * wrapped to bw, fits bw x bh. Returns false (with the floor's size) when
 * even the floor does not fit. */
bool vc_fit(const vctx *c, const char *s, bool bold, bool rtl, int base, int floor_px, int bw,
            int bh, int *px, int *tw, int *th);

/* px, or smaller (not below the floor) until no word of s is wider than bw. */
int vc_word_px(const vctx *c, const char *s, int px, bool bold, bool rtl, int bw);

/* A new element with id (may be NULL) and role. */
hd_elem *vc_add(vctx *c, const char *id, hd_role role);
void vc_style(const vctx *c, hd_elem *e, vstyle st);

/* A wrapped text element at x, y, width w: its height is the text's. */
hd_elem *vc_text(vctx *c, const char *id, int x, int y, int w, const char *s, int px, bool bold,
                 hd_align align, uint32_t fg, bool rtl);

/* How a button places its text and icon. */
typedef struct vbtn {
    const char *id;
    hd_role role;           /* HD_ROLE_BUTTON unless said */
    const char *text;
    hd_icon icon;
    bool icon_space;        /* keep room for an icon even when icon is NONE (choices) */
    bool icon_above;        /* icon over the text (tall tiles) instead of before it */
    vstyle style;
    hd_action action;
    int px;                 /* 0: px_button */
    bool bold;
    hd_align align;         /* HD_ALIGN_CENTER unless set with align_set */
    bool align_set;
    bool text_rtl_set;      /* text direction given (welcome's language buttons) */
    bool text_rtl;
} vbtn;

/* Height a button of width w needs for its text at px (at least min_h). */
int vc_button_need_h(const vctx *c, const vbtn *b, int w, int px, int min_h);
/* Emits the button in r, fitting its text (shrinking down to the floor). */
hd_elem *vc_button(vctx *c, const vbtn *b, hd_rect r);

/* An action value. */
hd_action vc_act(const vctx *c, hd_act_kind kind, int num, const char *str);

/* ---- view.c: screen furniture ------------------------------------------ */

enum {
    VT_LANGUAGE = 1, /* the language switcher */
    VT_SUPPORT = 2,  /* "Need to talk to someone?" */
    VT_PROGRESS = 4, /* "3 of 12" and the bar (question screen) */
    VT_COMPACT = 8,  /* keep to one row if possible: support as a heart alone */
};

/* The top bar with the toggles (and what flags ask for). Returns the y where
 * the screen's content may start. */
int vc_top_bar(vctx *c, unsigned flags);

/* A banner for store failures and flow messages (msg: already translated)
 * at y; returns the next y (y itself when there is nothing to show). */
int vc_banner(vctx *c, int y, const char *msg);

/* A row of buttons along the bottom: start items from the reading start, end
 * items from the reading end. Returns the row's top y. */
typedef struct vrow {
    vbtn start[3];
    int n_start;
    vbtn end[3];
    int n_end;
} vrow;
int vc_bottom_row(vctx *c, const vrow *row);
/* The same with the row's height capped at max_h for full-size text (the
 * text shrinks, to the floor, before the row grows past it). */
int vc_bottom_row_h(vctx *c, const vrow *row, int max_h);
/* Lays a row of buttons into the band y..y+h between x0 and x1 (used by
 * vc_bottom_row and the modal). Returns the row's height. */
int vc_button_row(vctx *c, const vrow *row, int x0, int x1, int y, int max_h);

/* A content area that shrinks its text, then scrolls. fn lays the content
 * into area at text scale s and returns its height. */
typedef int (*vbody_fn)(vctx *c, hd_rect area, float s, void *arg);
void vc_body(vctx *c, hd_rect area, vbody_fn fn, void *arg);

/* Rolls back elements and arena to a mark. */
typedef struct vmark {
    int n;
    size_t arena;
} vmark;
vmark vc_mark(const vctx *c);
void vc_rollback(vctx *c, vmark m);

/* ---- view_keys.c -------------------------------------------------------- */

/* Lays out keyboard kb inside area (top-aligned, centred), returns its
 * height; with emit false only measures. The keys' elements form a block
 * kept in key order when the screen is mirrored. keypad: digits pad (bigger
 * keys). */
int vc_keyboard(vctx *c, const hd_keyboard *kb, hd_rect area, bool emit, bool keypad);
/* The smallest height keyboard kb needs at width w. */
int vc_keyboard_min_h(const vctx *c, const hd_keyboard *kb, int w, bool keypad);
/* The narrowest width at which kb keeps every row whole (no row split)
 * with keys of the smallest size. */
int vc_keyboard_min_w(const vctx *c, const hd_keyboard *kb, bool keypad);
/* The most keys in one row of kb. */
int vc_keyboard_max_row(const hd_keyboard *kb);

/* ---- view_question.c / view_screens.c ------------------------------------ */

void vc_screen_question(vctx *c);
void vc_screen_welcome(vctx *c);
void vc_screen_consent(vctx *c);
void vc_screen_tiers(vctx *c);
void vc_screen_review(vctx *c);
void vc_screen_thanks(vctx *c);
void vc_screen_support(vctx *c);
void vc_screen_still_there(vctx *c);
void vc_screen_admin_pin(vctx *c);
void vc_screen_admin(vctx *c);
void vc_modal(vctx *c);

/* A question's answer as a label in the screen's language ("Good", "Bus,
 * Train", "Not answered"); *answered says whether there is one. */
const char *vc_answer_label(vctx *c, int q, bool *answered);
/* The face words. */
const char *vc_likert_word(const vctx *c, int v);

#endif
