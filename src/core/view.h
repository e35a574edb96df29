/* view.h — layout: flow state in, display list out. Pure.
 *
 * Text is measured through hd_metrics, a function pointer the platform
 * fills with its real shaper (and tests with a fake), so the layout here and
 * the pixels drawn later agree on every size.
 */
#ifndef HD_VIEW_H
#define HD_VIEW_H

#include <stdint.h>

#include "core/dlist.h"
#include "core/flow.h"
#include "core/i18n.h"
#include "core/results.h"
#include "core/survey.h"
#include "core/updates.h"

typedef struct hd_metrics {
    void *ctx;
    /* Size of utf8 drawn at px pixels, wrapped to wrap_w (0: one line), in
     * paragraph direction rtl. Writes *w (widest line) and *h (all lines). */
    void (*text_size)(void *ctx, const char *utf8, int px, bool bold, int wrap_w, bool rtl,
                      int *w, int *h);
} hd_metrics;

/* "What we've heard so far" for one question (welcome's attract loop). */
typedef struct hd_view_result {
    int question; /* index into sv->questions */
    hd_results r; /* hd_results_compute; not shown unless r.shown */
} hd_view_result;

/* The representation figures of one question with targets (admin). */
typedef struct hd_view_rep {
    int question;
    hd_representation rep;
} hd_view_rep;

/* The last thing staff asked of the USB stick, and how it went. */
typedef enum hd_usb_op { HD_USB_NONE, HD_USB_COPY, HD_USB_UPDATES } hd_usb_op;

/* What the admin screen shows: filled by the caller when the screen is
 * entered and when an action changes it, not every frame. */
typedef struct hd_view_admin {
    long today[3], total[3];    /* complete, unflagged sessions: quick, story, group */
    long flagged_today, flagged_total; /* completed too soon after another */
    const hd_view_rep *rep;     /* questions with targets, in survey order */
    int n_rep;
    const char *const *venues;  /* the config's list (admin.venue.<n>) */
    int n_venues;
    hd_usb_op op;               /* the last USB action; HD_USB_NONE: none yet */
    hd_err op_err;              /* its result */
    const char *op_file;        /* COPY done: the new file's name (no directory) */
    int op_count;               /* UPDATES done: how many were loaded */
    const char *op_detail;      /* UPDATES refused: the problems, one "updates.json:
                                   line:col: what" a line (English, for staff) */
    int progress_pct;           /* 0..100 while a copy runs, else -1 */
} hd_view_admin;

/* What the view shows beyond the flow: extra facts from outside the core. */
typedef struct hd_view_extra {
    const char *mode;   /* "self" or "assisted"; "assisted" is shown discreetly; NULL: self */
    const char *venue;  /* shown on the admin screen; NULL: none */
    int64_t now_ms;     /* same clock as the flow's actions, for countdowns */
    int64_t pin_locked_until_ms; /* admin-pin: every PIN is refused until then (same
                                    clock); 0 or past: not locked */
    const hd_updates *updates;   /* "You said, we did": welcome rotates them, thanks
                                    shows the newest; NULL: none */
    const hd_view_result *results; /* welcome's "What we've heard so far" */
    int n_results;
    const hd_view_admin *admin;  /* the admin screen's figures; NULL: not known */
} hd_view_extra;

/* Lays out the current screen of flow at w x h pixels into out (cleared
 * first). t may be NULL (source language texts). Never allocates. */
void hd_view(const hd_flow *flow, const hd_i18n *t, const hd_metrics *m,
             const hd_view_extra *extra, int w, int h, hd_dlist *out);

#endif
