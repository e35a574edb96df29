/* view_keys.c — on-screen keyboards and keypads from hd_keyboard data.
 *
 * A keyboard row that cannot give every key 48u at this width (a 10-key
 * QWERTY row on a 480u-wide portrait panel) is split into two or more rows,
 * keeping the keys' order: smaller keys would be missed by the people this
 * kiosk is for, and a split row still reads in the familiar order. All keys
 * share one unit width so the columns line up.
 */
#include <stdio.h>
#include <string.h>

#include "core/view_priv.h"

#define VK_ROWS_MAX 24

typedef struct vspan {
    int row, first, n;
    float units;
    float sq; /* how much of their extra width wide keys keep */
} vspan;

int vc_keyboard_max_row(const hd_keyboard *kb)
{
    int m = 0;
    for (int r = 0; r < kb->n_rows; r++)
        if (kb->rows[r].n > m)
            m = kb->rows[r].n;
    return m;
}

/* A key's width in units; keys wider than one unit (space, shift) give up
 * their extra width by the factor sq before a row is split in two. */
static float key_w(const hd_key *k, float sq)
{
    float w = k->width > 0.1f ? k->width : 1.0f;
    return w > 1.0f ? 1.0f + (w - 1.0f) * sq : w;
}

/* Unit width that keys [first, first+n) of row allow at width w. */
static float span_unit(const vctx *c, const hd_kb_row *row, int first, int n, int w, float sq,
                       float *units, float *wmin)
{
    float u = 0, mn = 1e9f;
    for (int i = first; i < first + n; i++) {
        float kw = key_w(&row->keys[i], sq);
        u += kw;
        if (kw < mn)
            mn = kw;
    }
    *units = u;
    *wmin = mn;
    return ((float)w - (float)(n - 1) * (float)c->sgap) / u;
}

/* Cuts row r into parts pieces of about equal units; false when some key
 * would be narrower than minw. */
static bool split_row(const vctx *c, const hd_kb_row *row, int r, int parts, float sq, int w,
                      int minw, vspan *tmp, int *nt, float *lowest)
{
    float total = 0;
    for (int i = 0; i < row->n; i++)
        total += key_w(&row->keys[i], sq);
    int first = 0;
    float acc = 0;
    bool ok = true;
    *nt = 0;
    for (int p = 0; p < parts && first < row->n; p++) {
        /* take keys until this part holds its share of the units */
        float share = total * (float)(p + 1) / (float)parts;
        int end = first;
        while (end < row->n &&
               (end == first || acc + key_w(&row->keys[end], sq) / 2 <= share)) {
            acc += key_w(&row->keys[end], sq);
            end++;
        }
        if (p == parts - 1)
            while (end < row->n)
                acc += key_w(&row->keys[end++], sq);
        float units, wmin;
        float u = span_unit(c, row, first, end - first, w, sq, &units, &wmin);
        if (u * wmin < (float)minw)
            ok = false;
        if (u < *lowest)
            *lowest = u;
        if (*nt < VK_ROWS_MAX)
            tmp[(*nt)++] = (vspan){r, first, end - first, units, sq};
        first = end;
    }
    return ok;
}

/* Splits the keyboard's rows into spans that fit w; returns how many, and
 * the shared unit width in *ku.
 *
 * Each row is cut into the fewest parts whose keys can all be >= minw wide
 * when wide keys (space, shift) give up their extra width. The letters then
 * get the largest width every row allows, and each part's wide keys take
 * back as much of their width as still fits. */
static int layout_spans(const vctx *c, const hd_keyboard *kb, int w, bool keypad, vspan *sp,
                        float *ku)
{
    int minw = keypad ? c->tap : c->key;
    if (c->kb_tight)
        minw = vc_u(c, 24); /* only on panels of unusual shape (docs/ui.md) */
    float kumax = (float)vc_u(c, keypad ? 120 : 84);
    int ns = 0;
    float best = kumax;
    for (int r = 0; r < kb->n_rows; r++) {
        const hd_kb_row *row = &kb->rows[r];
        if (row->n < 1)
            continue;
        for (int parts = 1; parts <= row->n; parts++) {
            vspan tmp[VK_ROWS_MAX];
            int nt;
            float lowest = kumax;
            bool ok = split_row(c, row, r, parts, 0.0f, w, minw, tmp, &nt, &lowest);
            if (ok || parts == row->n) {
                for (int i = 0; i < nt && ns < VK_ROWS_MAX; i++)
                    sp[ns++] = tmp[i];
                if (lowest < best)
                    best = lowest;
                break;
            }
        }
    }
    static const float squeeze[] = {1.0f, 0.75f, 0.5f, 0.25f, 0.0f};
    for (int i = 0; i < ns; i++) {
        const hd_kb_row *row = &kb->rows[sp[i].row];
        for (size_t q = 0; q < sizeof squeeze / sizeof squeeze[0]; q++) {
            float units, wmin;
            span_unit(c, row, sp[i].first, sp[i].n, w, squeeze[q], &units, &wmin);
            if (best * units + (float)((sp[i].n - 1) * c->sgap) <= (float)w ||
                squeeze[q] == 0.0f) {
                sp[i].sq = squeeze[q];
                sp[i].units = units;
                break;
            }
        }
    }
    *ku = best;
    return ns;
}

int vc_keyboard_min_h(const vctx *c, const hd_keyboard *kb, int w, bool keypad)
{
    vspan sp[VK_ROWS_MAX];
    float ku;
    int ns = layout_spans(c, kb, w, keypad, sp, &ku);
    int kh = keypad && !c->kb_tight ? c->tap : c->key;
    return ns * kh + (ns > 0 ? (ns - 1) * c->sgap : 0);
}

int vc_keyboard_min_w(const vctx *c, const hd_keyboard *kb, bool keypad)
{
    int minw = keypad ? c->tap : c->key;
    int most = 0;
    for (int r = 0; r < kb->n_rows; r++) {
        const hd_kb_row *row = &kb->rows[r];
        if (row->n < 1)
            continue;
        /* wide keys may give up their extra width (layout_spans) */
        float units = 0, wmin = 1e9f;
        for (int i = 0; i < row->n; i++) {
            float kw = key_w(&row->keys[i], 0.0f);
            units += kw;
            wmin = kw < wmin ? kw : wmin;
        }
        int w = (int)(units * (float)minw / wmin + 0.999f) + (row->n - 1) * c->sgap;
        most = w > most ? w : most;
    }
    return most;
}

static bool is_shift_page(int page)
{
    return page == HD_KB_NATIVE_SHIFT || page == HD_KB_LATIN_SHIFT;
}

int vc_keyboard(vctx *c, const hd_keyboard *kb, hd_rect area, bool emit, bool keypad)
{
    vspan sp[VK_ROWS_MAX];
    float ku;
    int ns = layout_spans(c, kb, area.w, keypad, sp, &ku);
    if (ns == 0)
        return 0;
    /* keypad keys are 64u, or the 48u of any key on a panel too low */
    int kmin = keypad && !c->kb_tight ? c->tap : c->key;
    int kmax = vc_u(c, keypad ? 80 : 60);
    int kh = (area.h - (ns - 1) * c->sgap) / ns;
    kh = kh > kmax ? kmax : kh < kmin ? kmin : kh;
    int height = ns * kh + (ns - 1) * c->sgap;
    if (!emit)
        return height;

    vkbblock blk = {.first = c->dl->n, .r = {area.x, area.y, area.w, height}};
    int base_px = vc_u(c, (keypad ? 30.0f : 24.0f) * c->ts);
    for (int s = 0; s < ns; s++) {
        const hd_kb_row *row = &kb->rows[sp[s].row];
        /* rounding each key's width separately; the row is centred */
        int widths[64];
        int n = sp[s].n < 64 ? sp[s].n : 64;
        int roww = (n - 1) * c->sgap;
        for (int i = 0; i < n; i++) {
            widths[i] = (int)(ku * key_w(&row->keys[sp[s].first + i], sp[s].sq));
            roww += widths[i];
        }
        int x = area.x + (area.w - roww) / 2;
        int y = area.y + s * (kh + c->sgap);
        for (int i = 0; i < n; i++) {
            const hd_key *k = &row->keys[sp[s].first + i];
            char id[HD_ID_MAX];
            snprintf(id, sizeof id, "key.%s", k->id ? k->id : "");
            vbtn b = {.id = id, .role = HD_ROLE_KEY, .text = k->label, .px = base_px};
            /* Key labels are in the keyboard's own script whatever the
             * screen's language; direction from the layout. */
            b.text_rtl_set = true;
            b.text_rtl = kb->rtl_script && k->act == HD_ACT_KEY; /* "?123" reads LTR */
            if (!k->label && k->id) {
                if (strcmp(k->id, "backspace") == 0)
                    b.icon = HD_ICON_BACKSPACE;
                else if (strcmp(k->id, "shift") == 0)
                    b.icon = HD_ICON_SHIFT;
                else if (strcmp(k->id, "globe") == 0)
                    b.icon = HD_ICON_GLOBE;
            }
            /* a blank key says nothing to someone new to keyboards */
            if (k->id && strcmp(k->id, "space") == 0)
                b.icon = HD_ICON_SPACE;
            switch (k->act) {
            case HD_ACT_KEY:
                b.style = VS_KEY;
                b.action = vc_act(c, HD_ACT_KEY, 0, k->text);
                break;
            case HD_ACT_KEY_BACKSPACE:
                b.style = VS_KEYFN;
                b.action = vc_act(c, HD_ACT_KEY_BACKSPACE, 0, NULL);
                break;
            case HD_ACT_KEYBOARD_PAGE:
                b.style = VS_KEYFN;
                if (k->id && strcmp(k->id, "shift") == 0 && is_shift_page(c->fl->keyboard_page))
                    b.style = VS_SELECTED;
                b.action = vc_act(c, HD_ACT_KEYBOARD_PAGE, k->page, NULL);
                break;
            default:
                b.style = VS_KEYFN;
                b.action = vc_act(c, k->act, k->page, k->text);
                break;
            }
            hd_elem *e = vc_button(c, &b, (hd_rect){x, y, widths[i], kh});
            /* keys are small: less padding than other buttons */
            if (e->text) {
                /* No padding above and below: one letter's ink sits well
                 * inside its line, and Nastaliq's line is so tall that a
                 * padded key would show Urdu letters at the floor size. */
                int p = vc_u(c, 4);
                e->text_rect = (hd_rect){x + p, y, widths[i] - 2 * p, kh};
                /* Keys keep their size with large text, so their labels may
                 * go down to the normal floor (Urdu letters need it). */
                vc_fit(c, e->text, false, e->rtl, base_px, vc_u(c, 18), e->text_rect.w,
                       e->text_rect.h, &e->text_px, &e->text_w, &e->text_h);
            }
            x += widths[i] + c->sgap;
        }
    }
    blk.end = c->dl->n;
    if (c->n_kb < (int)(sizeof c->kb / sizeof c->kb[0]))
        c->kb[c->n_kb++] = blk;
    return height;
}
