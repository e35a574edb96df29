/* fuzz_events.c — hd_events_parse (the headless runner's events language)
 * on arbitrary bytes.
 *
 * A refused file comes with diagnostics and leaves the output untouched. An
 * accepted file gives events that keep events.h's promises (lines rising,
 * numbers in range, names and screen ids well formed), and writing those
 * events back as text (escaping what TYPE text needs) and parsing that again
 * gives the same events: the language can say everything it accepted.
 */
#include <stdbool.h>

#include "core/events.h"
#include "core/flow.h"
#include "fuzz.h"

typedef struct fuzz_ev_buf {
    char *p;
    size_t n, cap;
} fuzz_ev_buf;

static bool fuzz_ev_put(fuzz_ev_buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = (b->cap + n + 1) * 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return false;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
    return true;
}

static bool fuzz_ev_puts(fuzz_ev_buf *b, const char *s) { return fuzz_ev_put(b, s, strlen(s)); }

/* One event as a line of the language. */
static bool fuzz_ev_write(fuzz_ev_buf *b, const hd_event *e)
{
    char num[64];
    bool ok = fuzz_ev_puts(b, hd_ev_kind_name(e->kind));
    switch (e->kind) {
    case HD_EV_TAP:
    case HD_EV_HOLD:
        if (e->id)
            ok = ok && fuzz_ev_puts(b, " @") && fuzz_ev_puts(b, e->id);
        else {
            snprintf(num, sizeof num, " %d %d", e->x, e->y);
            ok = ok && fuzz_ev_puts(b, num);
        }
        if (e->kind == HD_EV_HOLD) {
            snprintf(num, sizeof num, " %lld", (long long)e->ms);
            ok = ok && fuzz_ev_puts(b, num);
        }
        break;
    case HD_EV_WAIT:
        snprintf(num, sizeof num, " %lld", (long long)e->ms);
        ok = ok && fuzz_ev_puts(b, num);
        break;
    case HD_EV_TYPE:
        ok = ok && fuzz_ev_puts(b, " ");
        for (const char *s = e->text; ok && *s; s++) {
            if (*s == ' ')
                ok = fuzz_ev_puts(b, "\\s");
            else if (*s == '#')
                ok = fuzz_ev_puts(b, "\\#");
            else if (*s == '\\')
                ok = fuzz_ev_puts(b, "\\\\");
            else
                ok = fuzz_ev_put(b, s, 1);
        }
        break;
    case HD_EV_SHOT:
        ok = ok && fuzz_ev_puts(b, " ") && fuzz_ev_puts(b, e->text);
        break;
    case HD_EV_EXPECT_SCREEN:
        ok = ok && fuzz_ev_puts(b, " screen ") && fuzz_ev_puts(b, e->text);
        break;
    }
    return ok && fuzz_ev_puts(b, "\n");
}

static bool fuzz_ev_is_screen(const char *s)
{
    for (int i = 0; i < HD_SCREEN_COUNT_; i++)
        if (strcmp(s, hd_screen_id((hd_screen)i)) == 0)
            return true;
    return false;
}

static void fuzz_ev_check(const hd_events *evs)
{
    HD_FUZZ_CHECK(evs->n >= 0 && (evs->n == 0 || evs->ev));
    int last_line = 0;
    for (int i = 0; i < evs->n; i++) {
        const hd_event *e = &evs->ev[i];
        HD_FUZZ_CHECK(e->line > last_line);
        last_line = e->line;
        switch (e->kind) {
        case HD_EV_HOLD:
            HD_FUZZ_CHECK(e->ms >= 0 && e->ms <= HD_EV_MAX_MS);
            /* fall through */
        case HD_EV_TAP:
            if (e->id)
                HD_FUZZ_CHECK(e->id[0] && !strpbrk(e->id, " \t"));
            else
                HD_FUZZ_CHECK(e->x >= 0 && e->y >= 0);
            HD_FUZZ_CHECK(!e->text);
            break;
        case HD_EV_WAIT:
            HD_FUZZ_CHECK(e->ms >= 0 && e->ms <= HD_EV_MAX_MS);
            HD_FUZZ_CHECK(!e->text && !e->id);
            break;
        case HD_EV_TYPE:
            HD_FUZZ_CHECK(e->text != NULL);
            break;
        case HD_EV_SHOT:
            HD_FUZZ_CHECK(e->text && e->text[0] && e->text[0] != '.' && strlen(e->text) <= 100);
            HD_FUZZ_CHECK(strspn(e->text, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                          "0123456789-_.") == strlen(e->text));
            break;
        case HD_EV_EXPECT_SCREEN:
            HD_FUZZ_CHECK(e->text && fuzz_ev_is_screen(e->text));
            break;
        default:
            HD_FUZZ_CHECK(!"unknown event kind");
        }
    }
}

static bool fuzz_ev_same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void fuzz_ev_roundtrip(const hd_events *evs, hd_diag *diag)
{
    fuzz_ev_buf b = {0};
    bool ok = true;
    for (int i = 0; ok && i < evs->n; i++)
        ok = fuzz_ev_write(&b, &evs->ev[i]);
    if (!ok) {
        free(b.p);
        return; /* out of memory */
    }
    hd_events again = {0};
    hd_diag_init(diag, "again.events");
    hd_err e = hd_events_parse(b.p ? b.p : "", b.n, "again.events", &again, diag);
    if (e == HD_EPARSE) {
        char msg[HD_DIAG_MSG + 128] = "";
        if (diag->n)
            hd_diag_format(diag, 0, msg, sizeof msg);
        fprintf(stderr, "rewritten events refused: %s\n", msg);
    }
    HD_FUZZ_CHECK(e == HD_OK || e == HD_ENOMEM);
    if (e == HD_OK) {
        HD_FUZZ_CHECK(again.n == evs->n);
        for (int i = 0; i < evs->n; i++) {
            const hd_event *x = &evs->ev[i], *y = &again.ev[i];
            HD_FUZZ_CHECK(y->line == i + 1);
            HD_FUZZ_CHECK(x->kind == y->kind && x->x == y->x && x->y == y->y && x->ms == y->ms);
            HD_FUZZ_CHECK(fuzz_ev_same_str(x->id, y->id));
            HD_FUZZ_CHECK(fuzz_ev_same_str(x->text, y->text));
        }
    }
    hd_events_free(&again);
    free(b.p);
}

int hd_fuzz_events(const uint8_t *data, size_t size)
{
    hd_diag *diag = malloc(sizeof *diag);
    if (!diag)
        return 0;
    hd_diag_init(diag, "fuzz.events");
    hd_events evs = {0};
    hd_err e = hd_events_parse((const char *)data, size, "fuzz.events", &evs, diag);
    if (e == HD_OK) {
        hd_fuzz_check_diag(diag, 0);
        fuzz_ev_check(&evs);
        fuzz_ev_roundtrip(&evs, diag);
    } else {
        HD_FUZZ_CHECK(e == HD_EPARSE || e == HD_ENOMEM);
        HD_FUZZ_CHECK(evs.ev == NULL && evs.n == 0 && evs.strings_ == NULL);
        if (e == HD_EPARSE)
            hd_fuzz_check_diag(diag, 1);
    }
    hd_events_free(&evs);
    free(diag);
    return 0;
}

HD_FUZZ_ENTRY(hd_fuzz_events)
