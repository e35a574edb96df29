/* dlist.h — the display list: what is drawn and what is tappable, one list.
 *
 * hd_view() fills it; platform/render draws it; hit-testing walks it; the
 * headless runner dumps it as the layout JSON. Because all three read the
 * same elements, what is seen and what can be tapped cannot drift apart.
 *
 * Element texts point either at strings that outlive the list (survey,
 * translations, flow buffers until the next reduce) or into the list's own
 * string arena (hd_dlist_strdup / hd_dlist_printf). The arena and the element
 * array are allocated once (hd_dlist_init) and reused every frame.
 */
#ifndef HD_DLIST_H
#define HD_DLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/flow.h"

typedef struct hd_rect {
    int x, y, w, h;
} hd_rect;

typedef enum hd_role {
    HD_ROLE_NONE, /* decoration: drawn, not dumped, not tappable */
    HD_ROLE_BUTTON,
    HD_ROLE_CHOICE,
    HD_ROLE_TEXT,
    HD_ROLE_INPUT,
    HD_ROLE_KEY,
} hd_role;

/* "button", "choice", "text", "input", "key"; "" for HD_ROLE_NONE. */
const char *hd_role_name(hd_role r);

typedef enum hd_draw {
    HD_DRAW_BOX,   /* filled rounded rectangle with optional border, and text centred in it */
    HD_DRAW_TEXT,  /* text only, wrapped to rect.w, aligned per align */
    HD_DRAW_FACE,  /* a box like HD_DRAW_BOX whose icon_rect holds a drawn face (lines in fg,
                      no fill), icon = 1 (very unhappy) .. 5 (very happy) */
    HD_DRAW_ICON,  /* a drawn symbol (hd_icon) */
    HD_DRAW_BAR,   /* progress bar: fraction filled, from the reading start */
} hd_draw;

typedef enum hd_icon {
    HD_ICON_NONE,
    HD_ICON_TICK,
    HD_ICON_CROSS,
    HD_ICON_BACK,   /* arrow pointing to the reading start */
    HD_ICON_NEXT,   /* arrow pointing to the reading end */
    HD_ICON_GLOBE,
    HD_ICON_HEART,  /* support */
    HD_ICON_CONTRAST,
    HD_ICON_BACKSPACE,
    HD_ICON_SHIFT,
    HD_ICON_SPACE,  /* the space key: a bracket open at the top */
    HD_ICON_BOX,      /* an answer of several to choose: an empty square */
    HD_ICON_BOX_TICK, /* ... chosen: the square ticked */
    HD_ICON_UP,     /* scroll the question area up */
    HD_ICON_DOWN,   /* scroll the question area down */
} hd_icon;

typedef enum hd_align { HD_ALIGN_START, HD_ALIGN_CENTER, HD_ALIGN_END } hd_align;

#define HD_ELEM_SELECTED 0x1u /* chosen answer, toggled on */
#define HD_ELEM_PRESSED 0x2u  /* finger is down on it (set by the platform) */
#define HD_ELEM_DISABLED 0x4u
#define HD_ELEM_PRIMARY 0x8u  /* the main action on the screen */
#define HD_ELEM_DANGER 0x10u  /* destructive (delete answers) */
#define HD_ELEM_CLIP 0x20u    /* inside the scrolling question area: clip to hd_dlist.clip */

#define HD_ID_MAX 96

typedef struct hd_elem {
    char id[HD_ID_MAX]; /* "" for decorations */
    hd_role role;
    hd_draw draw;
    hd_rect rect;
    const char *text;   /* UTF-8 or NULL */
    int text_px;        /* font size in pixels */
    bool bold;
    hd_align align;
    bool rtl;           /* paragraph direction of text */
    int text_w, text_h; /* size of text as measured (wrapped to rect.w minus padding) */
    uint32_t fg, bg, border; /* 0xRRGGBBAA; alpha 0 means "none" */
    int radius;
    unsigned flags;     /* HD_ELEM_* */
    hd_icon icon;       /* HD_DRAW_ICON, or drawn before the text of a BOX */
    float fraction;     /* HD_DRAW_BAR */
    hd_action action;   /* what a tap does; kind HD_ACT_NONE: not tappable */
    /* Where the text and the icon go inside rect, decided by the view so that
     * what was measured is what is drawn: text is wrapped to text_rect.w,
     * aligned per align (start = right edge when rtl) and centred vertically
     * in text_rect; the icon (BOX) or face (FACE) fills icon_rect, a square.
     * A zero text_rect means rect; a zero icon_rect means no icon is drawn
     * for BOX/FACE (HD_DRAW_ICON always fills rect). */
    hd_rect text_rect;
    hd_rect icon_rect;
} hd_elem;

typedef struct hd_dlist {
    hd_elem *elems;
    int n, cap;
    char *arena;        /* string storage for texts made this frame */
    size_t arena_used, arena_cap;
    hd_rect clip;       /* the scrolling area; elements flagged HD_ELEM_CLIP are clipped to it */
    bool rtl;           /* the screen's direction */
    const char *screen; /* hd_screen_id() */
    const char *lang;
    uint32_t background;
    int w, h;
    bool overflowed;    /* cap or arena was too small this frame (a bug: logged) */
    int64_t next_change_ms; /* when the view will look different without input (a countdown
                               second, the attract loop); INT64_MAX: never. The loop sleeps
                               until then. */
} hd_dlist;

/* Allocates room for cap elements and arena_cap bytes of strings. */
hd_err hd_dlist_init(hd_dlist *dl, int cap, size_t arena_cap);
void hd_dlist_free(hd_dlist *dl);
void hd_dlist_clear(hd_dlist *dl);

/* Appends a zeroed element (alpha 0 colours, no action) and returns it; when
 * full, returns a scratch element that is not kept and sets overflowed. */
hd_elem *hd_dlist_add(hd_dlist *dl);

/* Copies s into the arena; returns the copy ("" and overflowed when full). */
const char *hd_dlist_strdup(hd_dlist *dl, const char *s);
const char *hd_dlist_printf(hd_dlist *dl, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The topmost tappable element containing (x, y), or NULL. Elements flagged
 * HD_ELEM_CLIP only count inside dl->clip. */
const hd_elem *hd_dlist_hit(const hd_dlist *dl, int x, int y);

/* The element with that id, or NULL. */
const hd_elem *hd_dlist_find(const hd_dlist *dl, const char *id);

#endif
