/* view_staff.c — the two staff screens: the PIN keypad (admin-pin) and the
 * admin screen (figures, venue, mode, USB stick), with its venue keyboard.
 *
 * Staff read these, not participants, but they stand at the same kiosk:
 * the same big targets, and every word translated. The figures come in
 * hd_view_admin, filled by the caller when the screen is entered or an
 * action changes them. docs/staff-mode.md says what each part means.
 */
#include <stdio.h>
#include <string.h>

#include "core/view_priv.h"

static hd_rect content_area(const vctx *c, int top, int bottom)
{
    return (hd_rect){c->margin, top + c->gap, c->w - 2 * c->margin, bottom - c->gap - top - c->gap};
}

/* ---- admin-pin -------------------------------------------------------------
 * While the lockout runs the keypad stays, every PIN is refused (the caller
 * does that) and the time left is shown, changing every second. */

/* Seconds of the lockout left, or 0; sets when the number next changes. */
static int64_t lock_left(vctx *c)
{
    int64_t until = c->ex->pin_locked_until_ms;
    if (until <= c->now)
        return 0;
    int64_t left = (until - c->now + 999) / 1000;
    int64_t change = until - (left - 1) * 1000;
    if (change < c->dl->next_change_ms)
        c->dl->next_change_ms = change;
    return left;
}

static int pin_body(vctx *c, hd_rect a, float s, void *arg)
{
    (void)arg;
    hd_elem *e = vc_text(c, "title", a.x, a.y, a.w, vc_ui(c, HD_N_("Staff PIN")),
                         vc_px(c, c->px_title, s), true, HD_ALIGN_START, c->th->text, c->rtl);
    int y = e->rect.y + e->rect.h + c->gap;
    /* The PIN as dots: how many were typed, never which. */
    char dots[HD_PIN_MAX * 4 + 1];
    size_t n = strlen(c->fl->pin), o = 0;
    for (size_t i = 0; i < n && o + 4 < sizeof dots; i++) {
        memcpy(dots + o, i ? " \xE2\x80\xA2" : "\xE2\x80\xA2", i ? 4 : 3);
        o += i ? 4 : 3;
    }
    dots[o] = '\0';
    int dh = vc_u(c, 64);
    hd_elem *d = vc_add(c, "pin", HD_ROLE_INPUT);
    d->draw = HD_DRAW_BOX;
    d->rect = (hd_rect){a.x, y, a.w, dh};
    d->radius = c->radius;
    vc_style(c, d, VS_INPUT);
    d->rtl = false;
    d->align = HD_ALIGN_CENTER;
    d->text = hd_dlist_strdup(c->dl, dots);
    d->text_rect = (hd_rect){a.x + c->pad, y + vc_u(c, 6), a.w - 2 * c->pad, dh - vc_u(c, 12)};
    vc_fit(c, d->text, true, false, vc_u(c, 36), c->px_floor, d->text_rect.w, d->text_rect.h,
           &d->text_px, &d->text_w, &d->text_h);
    d->bold = true;
    y += dh + c->gap;
    const char *msg = NULL;
    int64_t left = lock_left(c);
    if (left > 0) {
        char t[32];
        snprintf(t, sizeof t, "%d:%02d", (int)(left / 60), (int)(left % 60));
        msg = vc_subst2(c, HD_N_("Too many wrong PINs. Try again in {time}."), "{time}", t,
                        NULL, NULL);
    } else if (c->fl->message) {
        msg = vc_flow_message(c);
    } else if (c->fl->pin_wrong) {
        msg = vc_ui(c, HD_N_("Wrong PIN. Please try again."));
    }
    if (msg) {
        e = vc_text(c, "message", a.x, y, a.w, msg, vc_px(c, c->px_body, s), true,
                    HD_ALIGN_START, c->th->text, c->rtl);
        y = e->rect.y + e->rect.h + c->gap;
    }
    return y - c->gap - a.y;
}

void vc_screen_admin_pin(vctx *c)
{
    int top = vc_top_bar(c, 0);
    if (c->fl->store_failed)
        top = vc_banner(c, top, NULL);
    vrow row = {.n_start = 1, .n_end = 1};
    row.start[0] = (vbtn){.id = "cancel", .text = vc_ui(c, HD_N_("Cancel")), .style = VS_PLAIN,
                          .action = vc_act(c, HD_ACT_CANCEL, 0, NULL)};
    row.end[0] = (vbtn){.id = "next", .text = vc_ui(c, HD_N_("OK")), .icon = HD_ICON_NEXT,
                        .style = VS_PRIMARY, .bold = true,
                        .action = vc_act(c, HD_ACT_NEXT, 0, NULL)};
    int bottom = vc_bottom_row(c, &row);
    hd_rect a = content_area(c, top, bottom);
    const hd_keyboard *kb = hd_keyboard_get(HD_Q_NUMBER, c->lang, 0, true);
    if (!c->portrait) {
        int kw = a.w * 9 / 20;
        if (kw > vc_u(c, 360))
            kw = vc_u(c, 360);
        hd_rect kr = {a.x + a.w - kw, a.y, kw, a.h};
        int kh = vc_keyboard(c, kb, kr, false, true);
        kr.y = a.y + (a.h - kh) / 2;
        kr.h = kh;
        vc_keyboard(c, kb, kr, true, true);
        vc_body(c, (hd_rect){a.x, a.y, a.w - kw - 2 * c->gap, a.h}, pin_body, NULL);
    } else {
        int kmin = vc_keyboard_min_h(c, kb, a.w, true);
        int room = a.h - c->gap - vc_u(c, 200);
        int kh = vc_keyboard(c, kb, (hd_rect){a.x, 0, a.w, room < kmin ? kmin : room}, false, true);
        vc_keyboard(c, kb, (hd_rect){a.x, a.y + a.h - kh, a.w, kh}, true, true);
        vc_body(c, (hd_rect){a.x, a.y, a.w, a.h - kh - c->gap}, pin_body, NULL);
    }
}

/* ---- admin: the figures ------------------------------------------------------ */

static const char *const tier_ids[3] = {"quick", "story", "group"};

/* A heading inside a column. */
static int heading(vctx *c, const char *id, int x, int y, int w, const char *text, float s)
{
    hd_elem *e = vc_text(c, id, x, y, w, text, vc_px(c, c->px_head, s), true, HD_ALIGN_START,
                         c->th->text, c->rtl);
    return e->rect.y + e->rect.h + c->sgap;
}

/* Two texts on one line: name at the start, value at the end (the value
 * wraps under the name when the line is too narrow for both). */
static int pair(vctx *c, const char *id1, const char *id2, int x, int y, int w, const char *name,
                const char *value, int px, bool bold_value)
{
    int nw, nh, vw, vh;
    vc_measure(c, name, px, false, 0, c->rtl, &nw, &nh);
    vc_measure(c, value, px, bold_value, 0, c->rtl, &vw, &vh);
    int slack = vc_u(c, 6);
    if (nw + vw + c->gap + 2 * slack <= w) {
        vc_text(c, id1, x, y, nw + slack, name, px, false, HD_ALIGN_START, c->th->text, c->rtl);
        vc_text(c, id2, x + w - vw - slack, y, vw + slack, value, px, bold_value, HD_ALIGN_END,
                c->th->text, c->rtl);
        return y + (nh > vh ? nh : vh) + vc_u(c, 4);
    }
    hd_elem *e = vc_text(c, id1, x, y, w, name, px, false, HD_ALIGN_START, c->th->text, c->rtl);
    y = e->rect.y + e->rect.h;
    e = vc_text(c, id2, x, y, w, value, px, bold_value, HD_ALIGN_START, c->th->text, c->rtl);
    return e->rect.y + e->rect.h + vc_u(c, 4);
}

static const char *num(vctx *c, long n) { return hd_dlist_printf(c->dl, "%ld", n); }

/* Sessions today and in total per tier, and the flagged ones. */
static int counts(vctx *c, int x, int y, int w, float s)
{
    const hd_view_admin *ad = c->ex->admin;
    int px = vc_px(c, c->px_body, s);
    y = heading(c, "admin.sessions", x, y, w, vc_ui(c, HD_N_("Sessions completed")), s);
    for (int k = 0; k < 3; k++) {
        int t = hd_survey_find_tier(c->sv, tier_ids[k]);
        if (t < 0)
            continue;
        const hd_tier *tr = &c->sv->tiers[t];
        char id1[HD_ID_MAX], id2[HD_ID_MAX];
        snprintf(id1, sizeof id1, "admin.tier.%s", tr->id);
        snprintf(id2, sizeof id2, "admin.count.%s", tr->id);
        const char *v = vc_subst2(c, HD_N_("{today} today, {total} in total"), "{today}",
                                  num(c, ad->today[k]), "{total}", num(c, ad->total[k]));
        y = pair(c, id1, id2, x, y, w, vc_svf(c, tr->title, "tier.%s.title", tr->id), v, px,
                 true);
    }
    if (ad->flagged_total > 0) {
        const char *v = vc_subst2(c, HD_N_("{today} today, {total} in total"), "{today}",
                                  num(c, ad->flagged_today), "{total}",
                                  num(c, ad->flagged_total));
        y = pair(c, "admin.flagged.name", "admin.flagged", x, y, w,
                 vc_ui(c, HD_N_("Not counted: finished too soon after another")), v, px, false);
    }
    return y;
}

/* Who is missing: each target group's share against its target. */
static int representation(vctx *c, int x, int y, int w, float s)
{
    const hd_view_admin *ad = c->ex->admin;
    if (ad->n_rep == 0)
        return y;
    y += c->gap;
    y = heading(c, "admin.missing", x, y, w, vc_ui(c, HD_N_("Who is missing")), s);
    int px = vc_px(c, c->px_body, s), fpx = c->px_floor;
    int bh = vc_u(c, 10);
    for (int i = 0; i < ad->n_rep; i++) {
        const hd_view_rep *vr = &ad->rep[i];
        const hd_question *q = &c->sv->questions[vr->question];
        const hd_representation *rp = &vr->rep;
        char id[HD_ID_MAX];
        snprintf(id, sizeof id, "admin.rep.%s", q->id);
        hd_elem *e = vc_text(c, id, x, y, w, vc_svf(c, q->text, "question.%s", q->id), px, true,
                             HD_ALIGN_START, c->th->text, c->rtl);
        y = e->rect.y + e->rect.h;
        const char *answered =
            rp->answered_few ? vc_ui(c, HD_N_("Fewer than 10 people answered"))
            : rp->answered == 0
                ? vc_ui(c, HD_N_("Nobody has answered yet"))
                : vc_subst2(c, HD_N_("Answered: {n}"), "{n}", num(c, rp->answered), NULL,
                            NULL);
        snprintf(id, sizeof id, "admin.rep.%s.answered", q->id);
        e = vc_text(c, id, x, y, w, answered, fpx, false, HD_ALIGN_START, c->th->muted, c->rtl);
        y = e->rect.y + e->rect.h + vc_u(c, 6);
        for (int r = 0; r < rp->n_rows; r++) {
            const hd_rep_row *row = &rp->row[r];
            const hd_choice *ch = &q->choices[row->choice];
            const char *label = vc_svf(c, ch->text, "choice.%s.%s", q->id, ch->id);
            char tgt[16], shr[16];
            snprintf(tgt, sizeof tgt, "%d", row->target_percent);
            snprintf(shr, sizeof shr, "%d", row->percent);
            const char *fig =
                row->few ? vc_subst2(c, HD_N_("fewer than 10 (target {target}%)"), "{target}",
                                     tgt, NULL, NULL)
                : row->under
                    ? vc_subst2(c, HD_N_("{share}% (target {target}%): under target"),
                                "{share}", shr, "{target}", tgt)
                    : vc_subst2(c, HD_N_("{share}% (target {target}%)"), "{share}", shr,
                                "{target}", tgt);
            char id1[HD_ID_MAX], id2[HD_ID_MAX];
            snprintf(id1, sizeof id1, "admin.rep.%s.%s.name", q->id, ch->id);
            snprintf(id2, sizeof id2, "admin.rep.%s.%s", q->id, ch->id);
            y = pair(c, id1, id2, x, y, w, label, fig, fpx, row->under);
            /* the share as a bar, the target as a mark across it */
            hd_elem *bar = vc_add(c, NULL, HD_ROLE_NONE);
            bar->draw = HD_DRAW_BAR;
            bar->rect = (hd_rect){x, y, w, bh};
            bar->fraction = row->few ? 0.0f : (float)row->share;
            bar->fg = c->th->bar_fill;
            bar->bg = c->th->bar_track;
            bar->radius = bh / 2;
            int tx = x + (int)((double)w * (row->target < 0 ? 0 : row->target > 1 ? 1 : row->target));
            int mw = vc_u(c, 3);
            hd_elem *mark = vc_add(c, NULL, HD_ROLE_NONE);
            mark->draw = HD_DRAW_BOX;
            mark->rect = (hd_rect){tx - mw / 2 < x ? x : tx + mw > x + w ? x + w - mw : tx - mw / 2,
                                   y - vc_u(c, 4), mw, bh + vc_u(c, 8)};
            mark->bg = c->th->text;
            y += bh + vc_u(c, 10);
        }
        y += c->sgap;
    }
    return y;
}

/* ---- admin: the settings ------------------------------------------------------ */

static int wide_button(vctx *c, const vbtn *b, int x, int y, int w)
{
    int px = b->px ? b->px : c->px_button;
    int h = vc_button_need_h(c, b, w, px, c->tap);
    int hf = vc_button_need_h(c, b, w, c->px_floor, c->tap);
    if (h > c->tap + c->tap / 2)
        h = c->tap + c->tap / 2 > hf ? c->tap + c->tap / 2 : hf;
    vc_button(c, b, (hd_rect){x, y, w, h});
    return y + h + c->gap;
}

static int settings(vctx *c, int x, int y, int w, float s)
{
    const hd_view_admin *ad = c->ex->admin;
    int px = vc_px(c, c->px_body, s);
    /* Venue: the config's list, or typed */
    y = heading(c, "admin.venue.title", x, y, w, vc_ui(c, HD_N_("Venue")), s);
    const char *cur = c->ex->venue && *c->ex->venue
                          ? vc_subst2(c, HD_N_("Sessions are recorded at: {venue}"), "{venue}",
                                      c->ex->venue, NULL, NULL)
                          : vc_ui(c, HD_N_("No venue chosen: sessions are recorded without one."));
    hd_elem *e = vc_text(c, "admin.venue", x, y, w, cur, px, false, HD_ALIGN_START, c->th->text,
                         c->rtl);
    y = e->rect.y + e->rect.h + c->sgap;
    int nv = ad ? ad->n_venues : 0;
    for (int i = 0; i < nv; i++) {
        char id[HD_ID_MAX];
        snprintf(id, sizeof id, "admin.venue.%d", i);
        bool on = c->ex->venue && strcmp(c->ex->venue, ad->venues[i]) == 0;
        vbtn b = {.id = id, .text = ad->venues[i], .style = on ? VS_SELECTED : VS_CHOICE,
                  .icon = on ? HD_ICON_TICK : HD_ICON_NONE, .icon_space = true,
                  .align = HD_ALIGN_START, .align_set = true,
                  .action = vc_act(c, HD_ACT_ADMIN_VENUE, i, ad->venues[i])};
        y = wide_button(c, &b, x, y, w);
    }
    vbtn t = {.id = "admin.venue.type", .text = vc_ui(c, HD_N_("Type a venue")),
              .style = VS_PLAIN, .action = vc_act(c, HD_ACT_ADMIN_VENUE, -1, NULL)};
    y = wide_button(c, &t, x, y, w);

    /* Self or assisted */
    y = heading(c, "admin.mode.title", x, y, w, vc_ui(c, HD_N_("How the kiosk is used")), s);
    bool assisted = c->ex->mode && strcmp(c->ex->mode, "assisted") == 0;
    vbtn ms = {.id = "admin.mode.self", .text = vc_ui(c, HD_N_("Participants on their own")),
               .style = assisted ? VS_CHOICE : VS_SELECTED,
               .icon = assisted ? HD_ICON_NONE : HD_ICON_TICK, .icon_space = true,
               .action = vc_act(c, HD_ACT_ADMIN_MODE, 0, "self")};
    vbtn ma = {.id = "admin.mode.assisted", .text = vc_ui(c, HD_N_("A worker helps them")),
               .style = assisted ? VS_SELECTED : VS_CHOICE,
               .icon = assisted ? HD_ICON_TICK : HD_ICON_NONE, .icon_space = true,
               .action = vc_act(c, HD_ACT_ADMIN_MODE, 0, "assisted")};
    int hw = (w - c->gap) / 2;
    if (hw >= vc_u(c, 240)) {
        int h1 = vc_button_need_h(c, &ms, hw, c->px_button, c->tap);
        int h2 = vc_button_need_h(c, &ma, hw, c->px_button, c->tap);
        int h = h1 > h2 ? h1 : h2;
        vc_button(c, &ms, (hd_rect){x, y, hw, h});
        vc_button(c, &ma, (hd_rect){x + w - hw, y, hw, h});
        y += h + c->gap;
    } else {
        y = wide_button(c, &ms, x, y, w);
        y = wide_button(c, &ma, x, y, w);
    }

    /* The USB stick */
    y = heading(c, "admin.usb.title", x, y, w, vc_ui(c, HD_N_("USB stick")), s);
    vbtn cp = {.id = "admin.usb.copy", .text = vc_ui(c, HD_N_("Copy data to USB")),
               .style = VS_PLAIN, .action = vc_act(c, HD_ACT_USB_COPY, 0, NULL)};
    vbtn up = {.id = "admin.usb.updates", .text = vc_ui(c, HD_N_("Load updates from USB")),
               .style = VS_PLAIN, .action = vc_act(c, HD_ACT_USB_UPDATES, 0, NULL)};
    y = wide_button(c, &cp, x, y, w);
    y = wide_button(c, &up, x, y, w);
    return y - c->gap;
}

static int admin_body(vctx *c, hd_rect a, float s, void *arg)
{
    (void)arg;
    /* Staff can scroll: the figures keep a readable size rather than all
     * shrink to the floor to spare it. */
    if (s < 0.84f)
        s = 0.84f;
    hd_elem *e = vc_text(c, "title", a.x, a.y, a.w, vc_ui(c, HD_N_("Staff mode")),
                         vc_px(c, c->px_title, s), true, HD_ALIGN_START, c->th->text, c->rtl);
    int y = e->rect.y + e->rect.h + c->sgap;
    e = vc_text(c, "admin.survey", a.x, y, a.w,
                hd_dlist_printf(c->dl, "%s (%s %s)", vc_sv(c, "survey.title", c->sv->title),
                                c->sv->id, c->sv->version),
                vc_px(c, c->px_body, s), false, HD_ALIGN_START, c->th->muted, c->rtl);
    y = e->rect.y + e->rect.h + c->gap;
    /* Two columns when there is the width: figures, then what staff set. */
    int colw = (a.w - 2 * c->gap) / 2;
    if (colw >= vc_u(c, 300)) {
        int y1 = y, y2 = y;
        if (c->ex->admin) {
            y1 = counts(c, a.x, y1, colw, s);
            y1 = representation(c, a.x, y1, colw, s);
        }
        y2 = settings(c, a.x + a.w - colw, y2, colw, s);
        return (y1 > y2 ? y1 : y2) - a.y;
    }
    y = settings(c, a.x, y, a.w, s) + c->gap;
    if (c->ex->admin) {
        y = counts(c, a.x, y, a.w, s);
        y = representation(c, a.x, y, a.w, s);
    }
    return y - a.y;
}

/* What became of the last USB action, in words staff can act on. */
static const char *usb_message(vctx *c, bool *error)
{
    const hd_view_admin *ad = c->ex->admin;
    *error = false;
    if (!ad || ad->op == HD_USB_NONE)
        return NULL;
    if (ad->op == HD_USB_COPY && ad->progress_pct >= 0) {
        char n[16];
        snprintf(n, sizeof n, "%d", ad->progress_pct);
        return vc_subst2(c, HD_N_("Copying to the USB stick: {n}%"), "{n}", n, NULL, NULL);
    }
    if (ad->op_err == HD_OK) {
        if (ad->op == HD_USB_COPY)
            return vc_subst2(c, HD_N_("Copied and checked: {file}"), "{file}",
                             ad->op_file ? ad->op_file : "", NULL, NULL);
        char n[16];
        snprintf(n, sizeof n, "%d", ad->op_count);
        return vc_subst2(c, HD_N_("Updates loaded from the USB stick: {n}"), "{n}", n, NULL,
                         NULL);
    }
    *error = true;
    switch (ad->op_err) {
    case HD_ENOTFOUND:
        if (ad->op == HD_USB_UPDATES && ad->op_file)
            return vc_ui(c, HD_N_("There is no updates.json on the USB stick. The updates "
                                  "shown are unchanged."));
        return vc_ui(c, HD_N_("No USB stick found. Plug it in, wait a few seconds and try "
                              "again."));
    case HD_EPARSE:
        return vc_ui(c, HD_N_("updates.json was not loaded: it has mistakes. The updates "
                              "shown are unchanged."));
    case HD_EREADONLY:
        return vc_ui(c, HD_N_("The USB stick cannot be written. Slide its lock switch off, or "
                              "use another stick."));
    case HD_EFULL:
        return vc_ui(c, HD_N_("The USB stick is full. Delete old copies from it, or use "
                              "another stick."));
    case HD_ECORRUPT:
        return vc_ui(c, HD_N_("The copy did not check out. Try again with another stick."));
    case HD_EBUSY: return vc_ui(c, HD_N_("The kiosk is busy. Try again in a moment."));
    case HD_EIO:
    default:
        return ad->op == HD_USB_COPY
                   ? vc_ui(c, HD_N_("Writing to the USB stick failed. Plug it in again, or "
                                    "use another stick."))
                   : vc_ui(c, HD_N_("Reading the USB stick failed. Plug it in again, or use "
                                    "another stick."));
    }
}

/* The USB result under the top bar, outside the scrolling area so it is
 * seen wherever the buttons were; returns the next y. */
static int usb_box(vctx *c, int y)
{
    bool error;
    const char *msg = usb_message(c, &error);
    if (!msg)
        return y;
    const hd_view_admin *ad = c->ex->admin;
    int w = c->w - 2 * c->margin, pad = c->pad, padv = vc_u(c, 8);
    int iw = w - 2 * pad;
    int px, tw, th;
    vc_fit(c, msg, true, c->rtl, c->px_body, c->px_floor, iw, c->h / 6, &px, &tw, &th);
    const char *detail = error && ad->op_detail && *ad->op_detail ? ad->op_detail : NULL;
    int dpx = c->px_floor, dw = 0, dh = 0;
    if (detail) {
        /* the problems as the parser wrote them, file:line:col; as many
         * lines as the room takes, at the smallest size */
        vc_measure(c, detail, dpx, false, iw, false, &dw, &dh);
        int room = c->h / 3 - th - vc_u(c, 4);
        if (dh > room)
            detail = NULL; /* rather the sentence alone than a cut list */
    }
    bool progress = ad->op == HD_USB_COPY && ad->progress_pct >= 0;
    int bh = vc_u(c, 10);
    int h = padv + th + (detail ? vc_u(c, 4) + dh : 0) + (progress ? c->sgap + bh : 0) + padv;
    hd_elem *box = vc_add(c, "admin.message", HD_ROLE_TEXT);
    box->draw = HD_DRAW_BOX;
    vc_style(c, box, error ? VS_BANNER : VS_HIGHLIGHT);
    box->radius = c->radius;
    box->rect = (hd_rect){c->margin, y + c->gap, w, h};
    box->text = msg;
    box->text_px = px;
    box->bold = true;
    box->align = HD_ALIGN_START;
    box->text_w = tw;
    box->text_h = th;
    box->text_rect = (hd_rect){c->margin + pad, y + c->gap + padv, iw, th};
    int yy = y + c->gap + padv + th;
    if (detail) {
        hd_elem *d = vc_text(c, "admin.message.detail", c->margin + pad, yy + vc_u(c, 4), iw,
                             detail, dpx, false, HD_ALIGN_START, box->fg, false);
        yy = d->rect.y + d->rect.h;
    }
    if (progress) {
        hd_elem *bar = vc_add(c, "admin.progress", HD_ROLE_NONE);
        bar->draw = HD_DRAW_BAR;
        bar->rect = (hd_rect){c->margin + pad, yy + c->sgap, iw, bh};
        bar->fraction = (float)ad->progress_pct / 100.0f;
        bar->fg = c->th->bar_fill;
        bar->bg = c->th->bar_track;
        bar->radius = bh / 2;
    }
    return box->rect.y + box->rect.h;
}

/* ---- admin: typing a venue ------------------------------------------------------ */

/* The draft in the input box on one line, as large as the box allows; a
 * draft too long for it shows its end after "…" (the end is what is being
 * typed). */
static void venue_input(vctx *c, hd_rect r)
{
    const char *draft = c->fl->venue_draft;
    hd_elem *e = vc_add(c, "input", HD_ROLE_INPUT);
    e->draw = HD_DRAW_BOX;
    e->rect = r;
    e->radius = c->radius;
    vc_style(c, e, VS_INPUT);
    e->align = HD_ALIGN_START;
    e->rtl = c->rtl;
    int p = vc_u(c, 8);
    e->text_rect = (hd_rect){r.x + c->pad, r.y + p, r.w - 2 * c->pad, r.h - 2 * p};
    hd_rect tr = e->text_rect;
    if (!*draft)
        return; /* the title above the keys says what it is for */
    /* the largest size whose line fits the box's height */
    int px = c->px_body, tw, th;
    for (;;) {
        vc_measure(c, "M", px, false, 0, c->rtl, &tw, &th);
        if (th <= tr.h || px <= c->px_floor)
            break;
        px -= px / 12 > 1 ? px / 12 : 1;
        if (px < c->px_floor)
            px = c->px_floor;
    }
    for (size_t start = 0; draft[start];) {
        const char *s = start ? hd_dlist_printf(c->dl, "\xE2\x80\xA6%s", draft + start) : draft;
        vc_measure(c, s, px, false, 0, c->rtl, &tw, &th);
        if (tw <= tr.w && th <= tr.h) {
            e->text = s;
            e->text_px = px;
            vc_measure(c, s, px, false, tr.w, c->rtl, &e->text_w, &e->text_h);
            return;
        }
        do
            start++;
        while (((unsigned char)draft[start] & 0xC0) == 0x80);
    }
}

static void admin_venue_keyboard(vctx *c)
{
    /* No toggles here: the input and its two buttons take the top row
     * (the staff corner stays empty), the keyboard all the rest. */
    int corner = c->tap + c->gap;
    int x0 = c->rtl ? c->margin : corner, x1 = c->rtl ? c->w - corner : c->w - c->margin;
    int y = c->mtop;
    vrow row = {.n_start = 1, .n_end = 1};
    row.start[0] = (vbtn){.id = "cancel", .text = vc_ui(c, HD_N_("Cancel")), .style = VS_PLAIN,
                          .action = vc_act(c, HD_ACT_CANCEL, 0, NULL)};
    row.end[0] = (vbtn){.id = "next", .text = vc_ui(c, HD_N_("Save")), .icon = HD_ICON_TICK,
                        .style = VS_PRIMARY, .bold = true,
                        .action = vc_act(c, HD_ACT_NEXT, 0, NULL)};
    int bw = vc_u(c, 150);
    int bh = c->tap;
    int iw = x1 - x0 - 2 * (bw + c->gap);
    int top;
    if (iw >= vc_u(c, 200)) {
        venue_input(c, (hd_rect){x0, y, iw, bh});
        bh = vc_button_row(c, &row, x0 + iw + c->gap, x1, y, c->tap + c->tap / 2);
        top = y + bh;
    } else {
        /* narrow: the input on its own row, the buttons beneath */
        venue_input(c, (hd_rect){x0, y, x1 - x0, bh});
        bh = vc_button_row(c, &row, c->margin, c->w - c->margin, y + bh + c->gap,
                           c->tap + c->tap / 2);
        top = y + c->tap + c->gap + bh;
    }
    const hd_keyboard *kb = hd_keyboard_get(HD_Q_TEXT, c->lang, c->fl->keyboard_page, false);
    int kx = c->mtop, kw = c->w - 2 * c->mtop;
    int avail = c->h - c->mtop - (top + c->gap);
    if (vc_keyboard_min_h(c, kb, kw, false) > avail)
        c->kb_tight = true;
    int kh = vc_keyboard(c, kb, (hd_rect){kx, 0, kw, avail}, false, false);
    int ky = c->h - c->mtop - kh;
    vc_keyboard(c, kb, (hd_rect){kx, ky, kw, kh}, true, false);
    /* what the box is for, in the room between it and the keys */
    const char *title = vc_ui(c, HD_N_("Type the name of the venue"));
    int room = ky - c->gap - (top + c->gap);
    int px, tw, th;
    if (room > 0 && vc_fit(c, title, true, c->rtl, c->px_head, c->px_floor, c->w - 2 * c->margin,
                           room, &px, &tw, &th))
        vc_text(c, "title", c->margin, top + c->gap + (room - th) / 2, c->w - 2 * c->margin,
                title, px, true, HD_ALIGN_CENTER, c->th->text, c->rtl);
}

void vc_screen_admin(vctx *c)
{
    if (c->fl->venue_typing) {
        admin_venue_keyboard(c);
        return;
    }
    int top = vc_top_bar(c, 0);
    top = vc_banner(c, top, vc_flow_message(c));
    top = usb_box(c, top);
    vrow row = {.n_start = 1, .n_end = 1};
    row.start[0] = (vbtn){.id = "admin.quit", .text = vc_ui(c, HD_N_("Close the kiosk")),
                          .style = VS_DANGER, .action = vc_act(c, HD_ACT_QUIT, 0, NULL)};
    row.end[0] = (vbtn){.id = "admin.exit", .text = vc_ui(c, HD_N_("Back to the survey")),
                        .icon = HD_ICON_NEXT, .style = VS_PRIMARY, .bold = true,
                        .action = vc_act(c, HD_ACT_ADMIN_EXIT, 0, NULL)};
    int bottom = vc_bottom_row(c, &row);
    vc_body(c, content_area(c, top, bottom), admin_body, NULL);
}
