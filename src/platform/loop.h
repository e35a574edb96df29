/* loop.h — the kiosk: a window (full-screen unless --windowed), a renderer,
 * and an event loop that draws only when something changed and otherwise
 * sleeps until the next deadline (docs/headless.md, "The kiosk loop").
 */
#ifndef HD_LOOP_H
#define HD_LOOP_H

#include <stdbool.h>

#include "platform/app.h"

typedef struct hd_kiosk_opts {
    bool windowed; /* development: a resizable window; Escape, Ctrl+Q, Alt+F4 and close quit */
    int w, h;      /* window size when windowed (full-screen uses the display's) */
} hd_kiosk_opts;

/* Runs the kiosk until staff quit (or, windowed, the window is closed).
 * Returns the process exit status: 0, 1 when SDL, the window or the
 * database cannot start, 2 when the survey or the config is malformed. */
int hd_kiosk_run(const hd_app_opts *ao, const hd_kiosk_opts *ko);

#endif
