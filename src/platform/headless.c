/* headless.c — the app driven by an events file (see headless.h).
 *
 * Time is virtual: it starts at the real time of day (so ISO timestamps in
 * the database look real) and moves only when the script says so. A tap
 * takes HL_PRESS_MS between press and release and then HL_AFTER_MS before
 * the next command, like a brisk but human finger: long enough that two taps
 * on the same place are never taken for a bounce (input.h). Waiting delivers
 * a TICK at every deadline the app reports and at least every second, so
 * timers fire at the virtual time they would in the kiosk.
 */
#define _POSIX_C_SOURCE 200809L
#include "platform/headless.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/events.h"
#include "core/keyboard.h"
#include "sys/sys.h"

#define HL_PRESS_MS 100
#define HL_AFTER_MS 200
#define HL_TICK_MS 1000
#define HL_HOLD_STEP_MS 100

typedef struct hl {
    hd_app *app;
    SDL_Surface *surface;
    SDL_Renderer *renderer;
    const hd_headless_opts *o;
    int64_t now;
    uint64_t picks; /* wildcard picks so far (see pick_wildcard) */
} hl;

/* "events.txt:12: message" on stderr. */
static void fail_at(const hl *h, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail_at(const hl *h, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%d: ", h->o->events_path, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static const char *screen_id(const hl *h)
{
    return hd_screen_id(hd_app_flow(h->app)->screen);
}

/* Moves the virtual clock to target, ticking at every deadline and at least
 * every step ms. */
static void advance(hl *h, int64_t target, int64_t step)
{
    hd_app_tick(h->app, h->now);
    while (h->now < target) {
        int64_t next = h->now + step;
        int64_t d = hd_app_deadline(h->app);
        if (d > h->now && d < next)
            next = d;
        if (next > target)
            next = target;
        h->now = next;
        hd_app_tick(h->app, h->now);
    }
}

static void tap_at(hl *h, int x, int y)
{
    hd_app_press(h->app, x, y, h->now);
    advance(h, h->now + HL_PRESS_MS, HL_TICK_MS);
    hd_app_release(h->app, x, y, h->now);
    advance(h, h->now + HL_AFTER_MS, HL_TICK_MS);
}

/* The point a `tap @id` touches: the centre of the element's visible part.
 * Returns false (with a message) when the element is absent, scrolled out
 * of sight or covered by another tappable element. */
static bool element_point(const hl *h, int line, const char *id, int *x, int *y)
{
    const hd_dlist *dl = hd_app_dlist(h->app);
    const hd_elem *e = hd_dlist_find(dl, id);
    if (!e) {
        fail_at(h, line, "no element \"%s\" on screen \"%s\"", id, screen_id(h));
        return false;
    }
    hd_rect r = e->rect;
    if (e->flags & HD_ELEM_CLIP) {
        int x0 = r.x > dl->clip.x ? r.x : dl->clip.x;
        int y0 = r.y > dl->clip.y ? r.y : dl->clip.y;
        int x1 = r.x + r.w < dl->clip.x + dl->clip.w ? r.x + r.w : dl->clip.x + dl->clip.w;
        int y1 = r.y + r.h < dl->clip.y + dl->clip.h ? r.y + r.h : dl->clip.y + dl->clip.h;
        if (x1 <= x0 || y1 <= y0) {
            fail_at(h, line, "element \"%s\" on screen \"%s\" is scrolled out of sight", id,
                    screen_id(h));
            return false;
        }
        r = (hd_rect){x0, y0, x1 - x0, y1 - y0};
    }
    *x = r.x + r.w / 2;
    *y = r.y + r.h / 2;
    const hd_elem *top = hd_dlist_hit(dl, *x, *y);
    if (top && top != e && strcmp(top->id, e->id) != 0) {
        fail_at(h, line, "element \"%s\" on screen \"%s\" is covered by \"%s\"", id,
                screen_id(h), top->id[0] ? top->id : "an element without id");
        return false;
    }
    return true;
}

/* Where element id is with respect to the scrolling area: 0 fully in view
 * (or not scrolling), -1 above it, +1 below it, 2 absent (a long list only
 * lays out what is near the view, so it may be either way). */
static int scroll_side(const hl *h, const char *id)
{
    const hd_dlist *dl = hd_app_dlist(h->app);
    const hd_elem *e = hd_dlist_find(dl, id);
    if (!e)
        return 2;
    if (!(e->flags & HD_ELEM_CLIP))
        return 0;
    if (e->rect.y < dl->clip.y)
        return -1;
    if (e->rect.y + e->rect.h > dl->clip.y + dl->clip.h)
        return 1;
    return 0;
}

/* Scrolls the question area with its arrow buttons, as a person would,
 * until element id is wholly in view; gives up after 80 taps or when the
 * arrow it needs is gone (the list ends). An element not laid out at all is
 * looked for below the view first, then above it. */
static void scroll_into_view(hl *h, const char *id)
{
    bool below_done = false;
    for (int i = 0; i < 80; i++) {
        int side = scroll_side(h, id);
        if (side == 0)
            return;
        bool up = side < 0 || (side == 2 && below_done);
        const hd_elem *arrow = hd_dlist_find(hd_app_dlist(h->app), up ? "scroll.up" : "scroll.down");
        if (!arrow || (arrow->flags & HD_ELEM_DISABLED)) {
            if (side == 2 && !up) {
                below_done = true;
                continue;
            }
            return;
        }
        tap_at(h, arrow->rect.x + arrow->rect.w / 2, arrow->rect.y + arrow->rect.h / 2);
    }
}

/* `@PREFIX*`: one of the tappable elements on screen whose id starts with
 * PREFIX (`@*`: any), visible and not covered at the centre of its visible
 * part. Chosen by a stream seeded from the line number and the picks so
 * far, so a file always replays the same way. For random testing
 * (tests/unit/test_monkey.c): when nothing matches, *id is "" and the
 * command does nothing. */
static void pick_wildcard(hl *h, int line, const char *pattern, char *id, size_t cap)
{
    const hd_dlist *dl = hd_app_dlist(h->app);
    size_t plen = strlen(pattern) - 1;
    const hd_elem *cand[256];
    int n = 0;
    for (int i = 0; i < dl->n && n < (int)(sizeof cand / sizeof *cand); i++) {
        const hd_elem *e = &dl->elems[i];
        /* "Close the kiosk" ends the run: a wildcard never picks it (a
         * script names it to mean it) */
        if (!e->id[0] || strncmp(e->id, pattern, plen) != 0 || e->action.kind == HD_ACT_NONE ||
            e->action.kind == HD_ACT_QUIT || (e->flags & HD_ELEM_DISABLED))
            continue;
        hd_rect r = e->rect;
        if (e->flags & HD_ELEM_CLIP) {
            int x0 = r.x > dl->clip.x ? r.x : dl->clip.x;
            int y0 = r.y > dl->clip.y ? r.y : dl->clip.y;
            int x1 = r.x + r.w < dl->clip.x + dl->clip.w ? r.x + r.w : dl->clip.x + dl->clip.w;
            int y1 = r.y + r.h < dl->clip.y + dl->clip.h ? r.y + r.h : dl->clip.y + dl->clip.h;
            if (x1 <= x0 || y1 <= y0)
                continue;
            r = (hd_rect){x0, y0, x1 - x0, y1 - y0};
        }
        const hd_elem *top = hd_dlist_hit(dl, r.x + r.w / 2, r.y + r.h / 2);
        if (top && top != e && strcmp(top->id, e->id) != 0)
            continue;
        cand[n++] = e;
    }
    id[0] = '\0';
    if (n == 0)
        return;
    /* splitmix64 of the line and the pick count */
    uint64_t z = ((uint64_t)line << 32) + h->picks++ + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    snprintf(id, cap, "%s", cand[z % (uint64_t)n]->id);
}

static bool is_wildcard(const char *id)
{
    size_t n = strlen(id);
    return n > 0 && id[n - 1] == '*';
}

static bool tap_id(hl *h, int line, const char *id)
{
    int x, y;
    char picked[HD_ID_MAX];
    if (is_wildcard(id)) {
        pick_wildcard(h, line, id, picked, sizeof picked);
        if (!picked[0])
            return true;
        id = picked;
    }
    scroll_into_view(h, id);
    if (!element_point(h, line, id, &x, &y))
        return false;
    tap_at(h, x, y);
    return true;
}

static bool in_screen(const hl *h, int line, const char *cmd, int x, int y)
{
    if (x < h->o->w && y < h->o->h)
        return true;
    fail_at(h, line, "%s %d %d is outside the %dx%d screen", cmd, x, y, h->o->w, h->o->h);
    return false;
}

static bool hold(hl *h, const hd_event *ev)
{
    int x = ev->x, y = ev->y;
    const char *id = ev->id;
    char picked[HD_ID_MAX];
    if (id && is_wildcard(id)) {
        pick_wildcard(h, ev->line, id, picked, sizeof picked);
        if (!picked[0])
            return true;
        id = picked;
    }
    if (id)
        scroll_into_view(h, id);
    if (id ? !element_point(h, ev->line, id, &x, &y) : !in_screen(h, ev->line, "hold", x, y))
        return false;
    hd_app_press(h->app, x, y, h->now);
    advance(h, h->now + ev->ms, HL_HOLD_STEP_MS);
    hd_app_release(h->app, x, y, h->now);
    advance(h, h->now + HL_AFTER_MS, HL_TICK_MS);
    return true;
}

/* ---- type -------------------------------------------------------------------- */

/* Length of key text k when it is a prefix of s, else 0. */
static size_t prefix_len(const char *k, const char *s)
{
    size_t n = k ? strlen(k) : 0;
    return n > 0 && strncmp(k, s, n) == 0 ? n : 0;
}

/* The on-screen key that types the longest prefix of s; its length in *n. */
static const hd_elem *key_on_screen(const hd_dlist *dl, const char *s, size_t *n)
{
    const hd_elem *best = NULL;
    *n = 0;
    for (int i = 0; i < dl->n; i++) {
        const hd_elem *e = &dl->elems[i];
        if (e->action.kind != HD_ACT_KEY || strncmp(e->id, "key.", 4) != 0)
            continue;
        size_t m = prefix_len(e->action.str, s);
        if (m > *n) {
            *n = m;
            best = e;
        }
    }
    return best;
}

/* Does keyboard page kb type a prefix of s? */
static bool page_types(const hd_keyboard *kb, const char *s)
{
    for (int r = 0; r < kb->n_rows; r++)
        for (int k = 0; k < kb->rows[r].n; k++) {
            const hd_key *key = &kb->rows[r].keys[k];
            if (key->act == HD_ACT_KEY && prefix_len(key->text, s))
                return true;
        }
    return false;
}

/* The id of the page key to tap first on the shortest way from the current
 * keyboard page to one that types a prefix of s; NULL when none does. */
static const char *page_step(hl *h, hd_qtype t, bool pin, const char *s)
{
    const hd_flow *f = hd_app_flow(h->app);
    const char *first_id[HD_KB_PAGE_COUNT_];
    int queue[HD_KB_PAGE_COUNT_], nq = 0;
    bool seen[HD_KB_PAGE_COUNT_] = {false};
    int start = f->keyboard_page >= 0 && f->keyboard_page < HD_KB_PAGE_COUNT_ ? f->keyboard_page : 0;
    queue[nq++] = start;
    seen[start] = true;
    first_id[start] = NULL;
    for (int qi = 0; qi < nq; qi++) {
        int p = queue[qi];
        const hd_keyboard *kb = hd_keyboard_get(t, f->lang, p, pin);
        if (p != start && page_types(kb, s))
            return first_id[p];
        for (int r = 0; r < kb->n_rows; r++)
            for (int k = 0; k < kb->rows[r].n; k++) {
                const hd_key *key = &kb->rows[r].keys[k];
                if (key->act != HD_ACT_KEYBOARD_PAGE || key->page < 0 ||
                    key->page >= HD_KB_PAGE_COUNT_ || seen[key->page])
                    continue;
                seen[key->page] = true;
                first_id[key->page] = p == start ? key->id : first_id[p];
                queue[nq++] = key->page;
            }
    }
    return NULL;
}

static bool type_text(hl *h, const hd_event *ev)
{
    const hd_flow *f = hd_app_flow(h->app);
    const hd_survey *sv = hd_app_survey(h->app);
    hd_qtype t;
    bool pin = false;
    if (f->screen == HD_SCREEN_ADMIN_PIN) {
        t = HD_Q_NUMBER;
        pin = true;
    } else if (f->screen == HD_SCREEN_QUESTION && hd_flow_current_question(f) >= 0) {
        const hd_question *q = &sv->questions[hd_flow_current_question(f)];
        t = q->type;
        if (t != HD_Q_TEXT && t != HD_Q_PHONE && t != HD_Q_EMAIL && t != HD_Q_NUMBER) {
            fail_at(h, ev->line, "type: question \"%s\" is a %s question: it has no keyboard",
                    q->id, hd_qtype_name(t));
            return false;
        }
    } else if (f->screen == HD_SCREEN_ADMIN && f->venue_typing) {
        t = HD_Q_TEXT; /* staff typing a venue */
    } else {
        fail_at(h, ev->line, "type: there is no keyboard on screen \"%s\"", screen_id(h));
        return false;
    }
    const char *s = ev->text;
    while (*s) {
        size_t n;
        const hd_elem *key = NULL;
        /* Switch pages until a key for the next character shows (a few
         * steps at most: letters -> symbols -> accents ...). */
        for (int step = 0; step <= HD_KB_PAGE_COUNT_; step++) {
            key = key_on_screen(hd_app_dlist(h->app), s, &n);
            if (key)
                break;
            const char *via = page_step(h, t, pin, s);
            if (!via)
                break;
            char id[HD_ID_MAX];
            snprintf(id, sizeof id, "key.%s", via);
            if (!tap_id(h, ev->line, id))
                return false;
        }
        if (!key) {
            size_t cl = 1;
            while (s[cl] && ((unsigned char)s[cl] & 0xC0) == 0x80)
                cl++;
            fail_at(h, ev->line, "type: no key types \"%.*s\" on the %s keyboard of screen "
                    "\"%s\" (language %s)",
                    (int)cl, s, pin ? "PIN" : hd_qtype_name(t), screen_id(h), f->lang);
            return false;
        }
        char id[HD_ID_MAX];
        snprintf(id, sizeof id, "%s", key->id);
        if (!tap_id(h, ev->line, id))
            return false;
        s += n;
    }
    return true;
}

/* ---- shot -------------------------------------------------------------------- */

typedef struct sbuf {
    char *p;
    size_t n, cap;
    bool nomem;
} sbuf;

static void put(sbuf *b, const char *s, size_t n)
{
    if (b->nomem)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *grown = realloc(b->p, cap);
        if (!grown) {
            b->nomem = true;
            return;
        }
        b->p = grown;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void putf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(sbuf *b, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* A JSON string: quotes, backslashes and control characters escaped; the
 * UTF-8 passes through as it is. */
static void put_json_str(sbuf *b, const char *s)
{
    put(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"': put(b, "\\\"", 2); break;
        case '\\': put(b, "\\\\", 2); break;
        case '\n': put(b, "\\n", 2); break;
        case '\r': put(b, "\\r", 2); break;
        case '\t': put(b, "\\t", 2); break;
        case '\b': put(b, "\\b", 2); break;
        case '\f': put(b, "\\f", 2); break;
        default:
            if (*p < 0x20)
                putf(b, "\\u%04x", *p);
            else
                put(b, (const char *)p, 1);
        }
    }
    put(b, "\"", 1);
}

static void dump_layout(const hd_dlist *dl, sbuf *b)
{
    put(b, "{\"screen\": ", 11);
    put_json_str(b, dl->screen);
    put(b, ", \"lang\": ", 10);
    put_json_str(b, dl->lang);
    putf(b, ", \"dir\": \"%s\", \"size\": [%d, %d],\n \"elements\": [", dl->rtl ? "rtl" : "ltr",
         dl->w, dl->h);
    bool first = true;
    for (int i = 0; i < dl->n; i++) {
        const hd_elem *e = &dl->elems[i];
        if (!e->id[0])
            continue;
        put(b, first ? "\n  {\"id\": " : ",\n  {\"id\": ", first ? 10 : 11);
        first = false;
        put_json_str(b, e->id);
        put(b, ", \"role\": ", 10);
        put_json_str(b, hd_role_name(e->role));
        putf(b, ", \"rect\": [%d, %d, %d, %d], \"text\": ", e->rect.x, e->rect.y, e->rect.w,
             e->rect.h);
        put_json_str(b, e->text);
        putf(b, ", \"text_size\": [%d, %d], \"text_px\": %d", e->text_w, e->text_h, e->text_px);
        if (e->text_rect.w > 0)
            putf(b, ", \"text_rect\": [%d, %d, %d, %d]", e->text_rect.x, e->text_rect.y,
                 e->text_rect.w, e->text_rect.h);
        putf(b, ", \"tappable\": %s, \"selected\": %s, \"clipped\": %s}",
             e->action.kind != HD_ACT_NONE && !(e->flags & HD_ELEM_DISABLED) ? "true" : "false",
             e->flags & HD_ELEM_SELECTED ? "true" : "false",
             e->flags & HD_ELEM_CLIP ? "true" : "false");
    }
    put(b, "\n ]", 3);
    if (dl->clip.w > 0)
        putf(b, ",\n \"clip\": [%d, %d, %d, %d]", dl->clip.x, dl->clip.y, dl->clip.w, dl->clip.h);
    put(b, "}\n", 2);
}

static bool shot(hl *h, const hd_event *ev)
{
    const char *dir = h->o->shots_dir ? h->o->shots_dir : ".";
    hd_app_draw(h->app);
    SDL_RenderPresent(h->renderer);
    char path[4096];
    int n = snprintf(path, sizeof path, "%s/%s.bmp", dir, ev->text);
    if (n < 0 || (size_t)n >= sizeof path) {
        fail_at(h, ev->line, "shot: the path %s/%s is too long", dir, ev->text);
        return false;
    }
    if (SDL_SaveBMP(h->surface, path) != 0) {
        fail_at(h, ev->line, "shot: cannot write %s: %s", path, SDL_GetError());
        return false;
    }
    sbuf b = {0};
    dump_layout(hd_app_dlist(h->app), &b);
    snprintf(path + n - 4, sizeof path - (size_t)(n - 4), ".json");
    hd_err err = b.nomem ? HD_ENOMEM : hd_file_write_atomic(path, b.p, b.n);
    free(b.p);
    if (err != HD_OK) {
        fail_at(h, ev->line, "shot: cannot write %s: %s", path, hd_strerror(err));
        return false;
    }
    return true;
}

/* ---- the run ----------------------------------------------------------------- */

static int run_event(hl *h, const hd_event *ev)
{
    switch (ev->kind) {
    case HD_EV_TAP:
        if (ev->id)
            return tap_id(h, ev->line, ev->id) ? 0 : 1;
        if (!in_screen(h, ev->line, "tap", ev->x, ev->y))
            return 1;
        tap_at(h, ev->x, ev->y);
        return 0;
    case HD_EV_HOLD:
        return hold(h, ev) ? 0 : 1;
    case HD_EV_TYPE:
        return type_text(h, ev) ? 0 : 1;
    case HD_EV_WAIT:
        advance(h, h->now + ev->ms, HL_TICK_MS);
        return 0;
    case HD_EV_SHOT:
        return shot(h, ev) ? 0 : 1;
    case HD_EV_EXPECT_SCREEN:
        if (strcmp(screen_id(h), ev->text) != 0) {
            fail_at(h, ev->line, "expected screen %s, got %s", ev->text, screen_id(h));
            return 1;
        }
        return 0;
    }
    return 1;
}

/* mkdir -p: the shots directory and any missing parents. */
static bool make_dirs(const char *path)
{
    char buf[4096];
    int n = snprintf(buf, sizeof buf, "%s", path);
    if (n < 0 || (size_t)n >= sizeof buf) {
        errno = ENAMETOOLONG;
        return false;
    }
    for (char *p = buf + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return false;
        *p = c;
        if (c == '\0')
            return true;
    }
}

static int load_events(const hd_headless_opts *ho, hd_events *evs)
{
    char *text;
    size_t len;
    hd_err err = hd_file_read(ho->events_path, &text, &len);
    if (err != HD_OK) {
        fprintf(stderr, "%s: cannot read the events file: %s\n", ho->events_path,
                hd_strerror(err));
        return 2;
    }
    hd_diag *d = malloc(sizeof *d);
    if (!d) {
        free(text);
        return 1;
    }
    hd_diag_init(d, ho->events_path);
    err = hd_events_parse(text, len, ho->events_path, evs, d);
    free(text);
    int rc = 0;
    if (err != HD_OK) {
        char buf[HD_DIAG_MSG + 512];
        for (int i = 0; i < d->n; i++) {
            hd_diag_format(d, i, buf, sizeof buf);
            fprintf(stderr, "%s\n", buf);
        }
        rc = err == HD_EPARSE ? 2 : 1;
    }
    free(d);
    return rc;
}

int hd_headless_run(const hd_app_opts *ao, const hd_headless_opts *ho)
{
    hd_events evs = {0};
    int rc = load_events(ho, &evs);
    if (rc != 0)
        return rc;
    if (ho->shots_dir && !make_dirs(ho->shots_dir)) {
        fprintf(stderr, "heard: cannot create the shots directory %s: %s\n", ho->shots_dir,
                strerror(errno));
        hd_events_free(&evs);
        return 1;
    }
    /* No display: the dummy video driver, chosen before SDL starts. */
    SDL_SetHint(SDL_HINT_VIDEODRIVER, "dummy");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "heard: SDL could not start: %s\n", SDL_GetError());
        hd_events_free(&evs);
        return 1;
    }
    hl h = {.o = ho, .now = hd_wall_ms()};
    hd_err err = hd_app_open(ao, h.now, &h.app);
    if (err != HD_OK) {
        rc = err == HD_EPARSE ? 2 : 1;
        goto out;
    }
    h.surface = SDL_CreateRGBSurfaceWithFormat(0, ho->w, ho->h, 32, SDL_PIXELFORMAT_ARGB8888);
    h.renderer = h.surface ? SDL_CreateSoftwareRenderer(h.surface) : NULL;
    if (!h.renderer) {
        fprintf(stderr, "heard: cannot make a %dx%d software renderer: %s\n", ho->w, ho->h,
                SDL_GetError());
        rc = 1;
        goto out;
    }
    if (hd_app_attach(h.app, h.renderer, ho->w, ho->h) != HD_OK) {
        rc = 1;
        goto out;
    }
    for (int i = 0; i < evs.n && rc == 0; i++) {
        rc = run_event(&h, &evs.ev[i]);
        if (rc == 0 && hd_app_quit(h.app)) {
            fprintf(stderr, "%s:%d: the kiosk was told to quit; the rest of the file is not run\n",
                    ho->events_path, evs.ev[i].line);
            break;
        }
    }
out:
    hd_app_close(h.app);
    if (h.renderer)
        SDL_DestroyRenderer(h.renderer);
    if (h.surface)
        SDL_FreeSurface(h.surface);
    hd_events_free(&evs);
    SDL_Quit();
    return rc;
}
