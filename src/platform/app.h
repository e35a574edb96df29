/* app.h — the kiosk application: everything a running heard holds, and the
 * one place where actions become effects and effects reach the database.
 *
 * The app owns the survey, the configuration, the translations, the store,
 * the flow, the text shaper and the display list (allocated once). Input
 * comes in as presses/releases (hd_app_press...) or SDL events; each action
 * is reduced by the flow, its effects are carried out in order through the
 * store (nothing is acknowledged that was not committed), and the screen is
 * laid out again. The kiosk loop (loop.c) and the headless runner
 * (headless.c) drive the same app, so what is tested is what runs.
 */
#ifndef HD_APP_H
#define HD_APP_H

#include <SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/config.h"
#include "core/dlist.h"
#include "core/flow.h"
#include "core/survey.h"
#include "platform/text.h"

typedef struct hd_app_opts {
    const char *survey_path;      /* NULL: the example survey (installed, else source tree) */
    const char *db_path;          /* NULL: $XDG_DATA_HOME/heard/heard.db (headless: ":memory:") */
    const char *translations_dir; /* NULL: the installed translations/, else the source tree's */
    const char *config_path;      /* NULL: defaults */
    bool headless;                /* virtual clock; "saved" lines on stdout */
} hd_app_opts;

typedef struct hd_app hd_app; /* opaque */

/* Reads the configuration, the survey and the translations and opens the
 * store and the flow. now_ms is the clock of the actions (monotonic in the
 * kiosk, virtual in headless runs). Problems in the config or the survey are
 * printed to stderr as file:line:col and give HD_EPARSE (exit status 2); a
 * broken PO file is logged and skipped. A database that cannot be opened is
 * logged and the app starts without one, showing the staff message; each
 * session start tries to open it again. On success *out owns the app. */
hd_err hd_app_open(const hd_app_opts *o, int64_t now_ms, hd_app **out);
void hd_app_close(hd_app *a); /* NULL is a no-op */

const hd_config *hd_app_config(const hd_app *a);

/* Opens the text shaper on renderer r (fonts from the config's font_dir)
 * and lays out the first screen at w x h. */
hd_err hd_app_attach(hd_app *a, SDL_Renderer *r, int w, int h);

/* The drawing area changed size: lays out again. */
void hd_app_resize(hd_app *a, int w, int h);

/* Reduces act (act->now_ms is its time), carries out the effects, lays out
 * the next screen. */
void hd_app_dispatch(hd_app *a, const hd_action *act);

/* A press, move or release at pixel (x, y) at time now: hit-tests the
 * display list on screen and dispatches the resulting action. */
void hd_app_press(hd_app *a, int x, int y, int64_t now);
void hd_app_move(hd_app *a, int x, int y, int64_t now);
void hd_app_release(hd_app *a, int x, int y, int64_t now);

/* Feeds one SDL input event (finger or mouse). */
void hd_app_sdl_event(hd_app *a, const SDL_Event *ev, int64_t now);

/* The next time (same clock) something will happen without input: a flow
 * timer (still-there, reset, thanks countdown, text draft save), a change of
 * the view (countdown second), or a long press. INT64_MAX: nothing. */
int64_t hd_app_deadline(const hd_app *a);

/* Time is now: fires long presses, and reduces HD_ACT_TICK when a deadline
 * of the flow or the view has come. */
void hd_app_tick(hd_app *a, int64_t now);

/* Draws the current display list (does not present) and clears the dirty
 * mark. */
void hd_app_draw(hd_app *a);

/* True when the screen changed since the last hd_app_draw. */
bool hd_app_dirty(const hd_app *a);

/* The display list on screen, the flow and the survey (read only). */
const hd_dlist *hd_app_dlist(const hd_app *a);
const hd_flow *hd_app_flow(const hd_app *a);
const hd_survey *hd_app_survey(const hd_app *a);

/* True after staff chose "exit to desktop" (HD_FX_QUIT). */
bool hd_app_quit(const hd_app *a);

#endif
