/* events.h — the headless runner's events language (DESIGN §5), parsed. Pure.
 *
 * One command a line; '#' at the start of a line or after white space starts
 * a comment; blank lines are ignored:
 *
 *   tap X Y            a touch at pixel X Y
 *   tap @ID            a touch at the centre of the element with that id
 *   hold X Y N         press, keep the finger down N ms, release (also hold @ID N)
 *   type TEXT          taps the on-screen keyboard keys for TEXT (rest of the line)
 *   wait N             advance the virtual clock by N ms
 *   shot NAME          write DIR/NAME.bmp and DIR/NAME.json
 *   expect screen ID   fail unless the current screen id is ID
 *
 * In TEXT, "\#" is a '#', "\\" a backslash and "\s" a space (for leading or
 * trailing spaces, which are otherwise trimmed). The parser only checks form:
 * whether an element or a key exists is known only when the script runs.
 */
#ifndef HD_EVENTS_H
#define HD_EVENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef enum hd_ev_kind {
    HD_EV_TAP,
    HD_EV_HOLD,
    HD_EV_TYPE,
    HD_EV_WAIT,
    HD_EV_SHOT,
    HD_EV_EXPECT_SCREEN,
} hd_ev_kind;

/* The longest duration a hold or wait may ask for: a day, in ms. */
#define HD_EV_MAX_MS (24LL * 3600 * 1000)

typedef struct hd_event {
    hd_ev_kind kind;
    int line;         /* 1-based line in the events file */
    int x, y;         /* TAP, HOLD at a point (id == NULL) */
    const char *id;   /* TAP, HOLD: element id after '@', or NULL for a point */
    int64_t ms;       /* HOLD: how long the finger stays down; WAIT: how long to wait */
    const char *text; /* TYPE: the text (escapes resolved); SHOT: the name;
                         EXPECT_SCREEN: the screen id. NULL otherwise. */
} hd_event;

/* A parsed events file. Every string points into memory the hd_events owns. */
typedef struct hd_events {
    hd_event *ev;
    int n;
    char *strings_; /* private: storage of every string above */
} hd_events;

/* The names of the commands, for messages: "tap", "hold", ... */
const char *hd_ev_kind_name(hd_ev_kind k);

/* Parses text[0..len) (need not be NUL-terminated); filename is only used in
 * diagnostics. On success returns HD_OK and fills *out (free it with
 * hd_events_free). On a malformed file returns HD_EPARSE, leaves *out
 * untouched and adds one diagnostic per malformed line to diag, each with the
 * line and column of the offending word ("unknown command \"tapp\"",
 * "hold needs a duration in ms", "bad element id", ...). HD_ENOMEM when memory
 * runs out. diag may not be NULL. */
hd_err hd_events_parse(const char *text, size_t len, const char *filename, hd_events *out,
                       hd_diag *diag);

/* Releases what hd_events_parse made; ev is left empty. NULL is a no-op. */
void hd_events_free(hd_events *ev);

#endif
