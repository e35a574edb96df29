/* dlist.c — the display list: element array, string arena, hit-testing.
 *
 * Everything is allocated once in hd_dlist_init(); a frame only resets the
 * counters. When the element array or the arena is full the frame still
 * completes (with a scratch element or an empty string) and `overflowed`
 * says so: a display list too small for a screen is a bug the caller logs,
 * never a crash in front of a participant.
 */
#include "core/dlist.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *hd_role_name(hd_role r)
{
    switch (r) {
    case HD_ROLE_BUTTON: return "button";
    case HD_ROLE_CHOICE: return "choice";
    case HD_ROLE_TEXT: return "text";
    case HD_ROLE_INPUT: return "input";
    case HD_ROLE_KEY: return "key";
    case HD_ROLE_NONE: break;
    }
    return "";
}

hd_err hd_dlist_init(hd_dlist *dl, int cap, size_t arena_cap)
{
    memset(dl, 0, sizeof *dl);
    if (cap < 1 || arena_cap < 1)
        return HD_EINVAL;
    /* One element more than cap: the scratch slot hd_dlist_add() hands out
     * when the list is full, so callers never need a NULL check. */
    dl->elems = calloc((size_t)cap + 1, sizeof *dl->elems);
    dl->arena = malloc(arena_cap);
    if (!dl->elems || !dl->arena) {
        hd_dlist_free(dl);
        return HD_ENOMEM;
    }
    dl->cap = cap;
    dl->arena_cap = arena_cap;
    hd_dlist_clear(dl);
    return HD_OK;
}

void hd_dlist_free(hd_dlist *dl)
{
    if (!dl)
        return;
    free(dl->elems);
    free(dl->arena);
    memset(dl, 0, sizeof *dl);
}

void hd_dlist_clear(hd_dlist *dl)
{
    dl->n = 0;
    dl->arena_used = 0;
    dl->clip = (hd_rect){0, 0, 0, 0};
    dl->rtl = false;
    dl->screen = NULL;
    dl->lang = NULL;
    dl->background = 0;
    dl->w = dl->h = 0;
    dl->overflowed = false;
    dl->next_change_ms = INT64_MAX;
}

hd_elem *hd_dlist_add(hd_dlist *dl)
{
    hd_elem *e;
    if (dl->n < dl->cap) {
        e = &dl->elems[dl->n++];
    } else {
        dl->overflowed = true;
        e = &dl->elems[dl->cap]; /* scratch: overwritten by the next add */
    }
    memset(e, 0, sizeof *e);
    return e;
}

const char *hd_dlist_strdup(hd_dlist *dl, const char *s)
{
    if (!s)
        s = "";
    size_t len = strlen(s);
    if (len + 1 > dl->arena_cap - dl->arena_used) {
        dl->overflowed = true;
        return "";
    }
    char *out = dl->arena + dl->arena_used;
    memcpy(out, s, len + 1);
    dl->arena_used += len + 1;
    return out;
}

const char *hd_dlist_printf(hd_dlist *dl, const char *fmt, ...)
{
    size_t room = dl->arena_cap - dl->arena_used;
    char *out = dl->arena + dl->arena_used;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(room ? out : NULL, room, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n + 1 > room) {
        dl->overflowed = true;
        if (room)
            out[0] = '\0'; /* leave nothing half-written in the arena */
        return "";
    }
    dl->arena_used += (size_t)n + 1;
    return out;
}

static bool rect_has(hd_rect r, int x, int y)
{
    return x >= r.x && y >= r.y && x < r.x + r.w && y < r.y + r.h;
}

const hd_elem *hd_dlist_hit(const hd_dlist *dl, int x, int y)
{
    /* Later elements are drawn over earlier ones, so the walk goes backwards:
     * the first tappable element found is the one the finger sees. */
    for (int i = dl->n - 1; i >= 0; i--) {
        const hd_elem *e = &dl->elems[i];
        if (e->action.kind == HD_ACT_NONE || (e->flags & HD_ELEM_DISABLED))
            continue;
        if (!rect_has(e->rect, x, y))
            continue;
        if ((e->flags & HD_ELEM_CLIP) && !rect_has(dl->clip, x, y))
            continue;
        return e;
    }
    return NULL;
}

const hd_elem *hd_dlist_find(const hd_dlist *dl, const char *id)
{
    if (!id || !*id)
        return NULL;
    /* Topmost first, like hit-testing. */
    for (int i = dl->n - 1; i >= 0; i--)
        if (strcmp(dl->elems[i].id, id) == 0)
            return &dl->elems[i];
    return NULL;
}
