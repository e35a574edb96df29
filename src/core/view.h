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
#include "core/survey.h"

typedef struct hd_metrics {
    void *ctx;
    /* Size of utf8 drawn at px pixels, wrapped to wrap_w (0: one line), in
     * paragraph direction rtl. Writes *w (widest line) and *h (all lines). */
    void (*text_size)(void *ctx, const char *utf8, int px, bool bold, int wrap_w, bool rtl,
                      int *w, int *h);
} hd_metrics;

/* What the view shows beyond the flow: extra facts from outside the core. */
typedef struct hd_view_extra {
    const char *mode;   /* "self" or "assisted", shown discreetly; NULL: hidden */
    const char *venue;  /* shown on the admin screen; NULL: none */
    int64_t now_ms;     /* same clock as the flow's actions, for countdowns */
} hd_view_extra;

/* Lays out the current screen of flow at w x h pixels into out (cleared
 * first). t may be NULL (source language texts). Never allocates. */
void hd_view(const hd_flow *flow, const hd_i18n *t, const hd_metrics *m,
             const hd_view_extra *extra, int w, int h, hd_dlist *out);

#endif
