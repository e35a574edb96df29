/* headless.h — `heard --headless`: the app driven by an events file on a
 * virtual clock, drawn by SDL's software renderer into memory (DESIGN §5,
 * docs/headless.md).
 */
#ifndef HD_HEADLESS_H
#define HD_HEADLESS_H

#include "platform/app.h"

typedef struct hd_headless_opts {
    const char *events_path; /* the events file (required) */
    const char *shots_dir;   /* where `shot` writes; NULL: the current directory */
    int w, h;                /* screen size in pixels */
} hd_headless_opts;

/* Runs the events file against an app opened with ao (ao->headless must be
 * true). Returns the process exit status: 0 when every command ran, 1 when
 * an expectation failed or a command could not be carried out (no such
 * element, a character no key types, ...), 2 when the events file, the
 * survey or the config is malformed. Messages go to stderr as
 * "events.txt:12: what went wrong". */
int hd_headless_run(const hd_app_opts *ao, const hd_headless_opts *ho);

#endif
