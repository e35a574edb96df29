/* input.h — presses and releases in, taps and other actions out.
 *
 * Finger and mouse events become presses, moves and releases at a pixel;
 * this module turns them into hd_actions by hit-testing the display list that
 * was drawn, so what is seen is what is tapped:
 *
 *  - a tap is a press and a release on the same element; sliding off it
 *    (beyond a small tolerance) cancels the tap;
 *  - a press on the same element within HD_INPUT_BOUNCE_MS of its last tap is
 *    a bounce (shaky hand, worn panel) and is ignored;
 *  - a press that hits nothing resets the idle timer (HD_ACT_TOUCH);
 *  - a vertical drag that starts in the scrolling area scrolls it
 *    (HD_ACT_SCROLL) and cancels the tap;
 *  - holding the top-left corner (64 units, 1 unit = 1 px at 800x480)
 *    HD_INPUT_STAFF_MS opens staff mode (HD_ACT_STAFF_HOLD);
 *  - holding a keyboard key with variants HD_INPUT_LONG_MS shows them in a
 *    row above the key ("variant.<text>" elements); tapping one types it.
 *
 * The headless runner calls hd_input_press/release/tick directly; the kiosk
 * feeds SDL events through hd_input_sdl. Both go through the same code.
 */
#ifndef HD_INPUT_H
#define HD_INPUT_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/dlist.h"
#include "core/view.h"

#define HD_INPUT_BOUNCE_MS 150
#define HD_INPUT_LONG_MS 500
#define HD_INPUT_STAFF_MS 3000
#define HD_INPUT_MAX_VARIANTS 12

typedef struct hd_input {
    int w, h;        /* screen size in pixels */
    bool down;       /* a finger or the mouse button is down */
    bool is_mouse;
    SDL_FingerID finger;
    int x0, y0;      /* where the press began */
    int64_t down_ms;
    char pressed[HD_ID_MAX]; /* element under the press; "" when none or cancelled */
    bool in_clip;    /* the press began in the scrolling area */
    bool dragging;   /* the press became a scroll */
    int drag_y;      /* last y a scroll was reported at */
    bool corner;     /* the press began in the staff corner and stayed there */
    bool swallow;    /* this press only closes the variants row */
    bool long_done;  /* the long press of this press already fired */
    char last_tap[HD_ID_MAX];
    int64_t last_tap_ms;
    /* the variants row of a long-pressed key */
    bool variants_open;
    char variants_key[HD_ID_MAX];
    const char *const *variants;
} hd_input;

/* What a call produced. */
typedef enum hd_input_result {
    HD_INPUT_NOTHING = 0,
    HD_INPUT_REDRAW = 1, /* the pressed feedback or the variants row changed */
    HD_INPUT_ACTION = 2, /* *act holds an action to dispatch (redraw too) */
} hd_input_result;

/* Resets in for a screen of w x h pixels. */
void hd_input_init(hd_input *in, int w, int h);

/* The screen size changed: forget the press in progress. */
void hd_input_resize(hd_input *in, int w, int h);

/* A press, move or release at pixel (x, y) at time now (ms, the clock of the
 * actions). dl is the display list currently shown. When the result is
 * HD_INPUT_ACTION, *act holds the action (act->str valid until dl changes). */
hd_input_result hd_input_press(hd_input *in, const hd_dlist *dl, int x, int y, int64_t now,
                               hd_action *act);
hd_input_result hd_input_move(hd_input *in, const hd_dlist *dl, int x, int y, int64_t now,
                              hd_action *act);
hd_input_result hd_input_release(hd_input *in, const hd_dlist *dl, int x, int y, int64_t now,
                                 hd_action *act);

/* Time passed with the finger still down: fires long presses. */
hd_input_result hd_input_tick(hd_input *in, const hd_dlist *dl, int64_t now, hd_action *act);

/* When hd_input_tick next has something to do, or INT64_MAX. */
int64_t hd_input_deadline(const hd_input *in);

/* Maps one SDL event (finger or mouse; synthetic mouse events of a touch are
 * ignored) to the calls above. Other events give HD_INPUT_NOTHING. */
hd_input_result hd_input_sdl(hd_input *in, const hd_dlist *dl, const SDL_Event *ev, int64_t now,
                             hd_action *act);

/* Marks the pressed element HD_ELEM_PRESSED in a freshly laid-out dl and
 * appends the variants row when one is open (measured with m). Closes the
 * row when its key is no longer on screen. */
void hd_input_decorate(hd_input *in, hd_dlist *dl, const hd_metrics *m);

#endif
