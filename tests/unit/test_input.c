/* test_input.c — presses and releases into actions: taps, slide-off,
 * bounces, touches on nothing, scroll drags, the staff corner and the key
 * variants row, on a hand-made display list. */
#include "testutil.h"

#include <string.h>

#include "core/dlist.h"
#include "platform/input.h"

static hd_dlist dl;
static hd_input in;

static hd_elem *button(const char *id, int x, int y, int w, int h, hd_act_kind k)
{
    hd_elem *e = hd_dlist_add(&dl);
    snprintf(e->id, sizeof e->id, "%s", id);
    e->role = HD_ROLE_BUTTON;
    e->rect = (hd_rect){x, y, w, h};
    e->action.kind = k;
    return e;
}

static int setup(void **state)
{
    (void)state;
    if (hd_dlist_init(&dl, 64, 4096) != HD_OK)
        return -1;
    dl.w = 800;
    dl.h = 480;
    dl.next_change_ms = INT64_MAX;
    button("next", 600, 400, 184, 64, HD_ACT_NEXT);
    button("back", 16, 400, 184, 64, HD_ACT_BACK);
    hd_elem *k = button("key.a", 300, 300, 60, 60, HD_ACT_KEY);
    k->role = HD_ROLE_KEY;
    k->action.str = "a";
    k->text = "a";
    hd_elem *c = button("choice.x", 100, 100, 300, 64, HD_ACT_CHOOSE);
    c->flags |= HD_ELEM_CLIP;
    c->action.str = "x";
    dl.clip = (hd_rect){0, 80, 800, 300};
    hd_input_init(&in, 800, 480);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    hd_dlist_free(&dl);
    return 0;
}

static void test_tap(void **state)
{
    (void)state;
    hd_input_init(&in, 800, 480);
    hd_action a = {0};
    assert_int_equal(hd_input_press(&in, &dl, 700, 430, 1000, &a), HD_INPUT_REDRAW);
    assert_string_equal(in.pressed, "next");
    assert_int_equal(hd_input_release(&in, &dl, 705, 432, 1080, &a), HD_INPUT_ACTION);
    assert_int_equal(a.kind, HD_ACT_NEXT);
    assert_int_equal(a.now_ms, 1080);
}

static void test_pressed_feedback(void **state)
{
    (void)state;
    hd_input_init(&in, 800, 480);
    hd_action a;
    hd_input_press(&in, &dl, 50, 420, 0, &a);
    hd_input_decorate(&in, &dl, NULL);
    assert_true(hd_dlist_find(&dl, "back")->flags & HD_ELEM_PRESSED);
    assert_false(hd_dlist_find(&dl, "next")->flags & HD_ELEM_PRESSED);
    hd_input_release(&in, &dl, 50, 420, 50, &a);
    dl.elems[1].flags = 0;
}

static void test_slide_off_cancels(void **state)
{
    (void)state;
    hd_input_init(&in, 800, 480);
    hd_action a = {0};
    hd_input_press(&in, &dl, 700, 430, 0, &a);
    assert_int_equal(hd_input_move(&in, &dl, 500, 430, 40, &a), HD_INPUT_REDRAW);
    assert_string_equal(in.pressed, "");
    /* coming back does not revive it */
    hd_input_move(&in, &dl, 700, 430, 60, &a);
    assert_int_equal(hd_input_release(&in, &dl, 700, 430, 80, &a), HD_INPUT_NOTHING);
    /* a small wobble past the edge is not sliding off */
    hd_input_press(&in, &dl, 605, 430, 1000, &a);
    hd_input_move(&in, &dl, 596, 430, 1020, &a);
    assert_int_equal(hd_input_release(&in, &dl, 602, 430, 1050, &a), HD_INPUT_ACTION);
    assert_int_equal(a.kind, HD_ACT_NEXT);
}

static void test_bounce_is_ignored(void **state)
{
    (void)state;
    hd_input_init(&in, 800, 480);
    hd_action a = {0};
    hd_input_press(&in, &dl, 700, 430, 0, &a);
    assert_int_equal(hd_input_release(&in, &dl, 700, 430, 60, &a), HD_INPUT_ACTION);
    /* 100 ms later on the same element: a bounce */
    hd_input_press(&in, &dl, 700, 430, 160, &a);
    assert_int_equal(hd_input_release(&in, &dl, 700, 430, 200, &a), HD_INPUT_NOTHING);
    /* another element at once is a real tap */
    hd_input_press(&in, &dl, 50, 430, 210, &a);
    assert_int_equal(hd_input_release(&in, &dl, 50, 430, 250, &a), HD_INPUT_ACTION);
    assert_int_equal(a.kind, HD_ACT_BACK);
    /* and the first one again after 150 ms */
    hd_input_press(&in, &dl, 700, 430, 500, &a);
    assert_int_equal(hd_input_release(&in, &dl, 700, 430, 550, &a), HD_INPUT_ACTION);
    assert_int_equal(a.kind, HD_ACT_NEXT);
}

static void test_touch_on_nothing(void **state)
{
    (void)state;
    hd_input_init(&in, 800, 480);
    hd_action a = {0};
    assert_int_equal(hd_input_press(&in, &dl, 500, 20, 7, &a), HD_INPUT_ACTION);
    assert_int_equal(a.kind, HD_ACT_TOUCH);
    assert_int_equal(a.now_ms, 7);
    assert_int_equal(hd_input_release(&in, &dl, 500, 20, 30, &a), HD_INPUT_NOTHING);
}

static void test_drag_scrolls_and_cancels_the_tap(void **state)
{
    (void)state;
    hd_input_init(&in, 800, 480);
    hd_action a = {0};
    hd_input_press(&in, &dl, 200, 130, 0, &a);
    assert_string_equal(in.pressed, "choice.x");
    assert_int_equal(hd_input_move(&in, &dl, 200, 125, 10, &a), HD_INPUT_NOTHING);
    assert_int_equal(hd_input_move(&in, &dl, 200, 100, 20, &a), HD_INPUT_ACTION);
    assert_int_equal(a.kind, HD_ACT_SCROLL);
    assert_int_equal(a.num, 30); /* finger up 30 px: the content moves down 30 px */
    assert_int_equal(hd_input_move(&in, &dl, 200, 110, 30, &a), HD_INPUT_ACTION);
    assert_int_equal(a.num, -10);
    assert_int_equal(hd_input_release(&in, &dl, 200, 110, 40, &a), HD_INPUT_NOTHING);
}

static void test_staff_corner(void **state)
{
    (void)state;
    hd_input_init(&in, 800, 480);
    hd_action a = {0};
    hd_input_press(&in, &dl, 10, 10, 0, &a);
    assert_int_equal(hd_input_deadline(&in), 3000);
    assert_int_equal(hd_input_tick(&in, &dl, 2999, &a), HD_INPUT_NOTHING);
    assert_int_equal(hd_input_tick(&in, &dl, 3000, &a), HD_INPUT_ACTION);
    assert_int_equal(a.kind, HD_ACT_STAFF_HOLD);
    assert_int_equal(hd_input_tick(&in, &dl, 4000, &a), HD_INPUT_NOTHING);
    assert_int_equal(hd_input_release(&in, &dl, 10, 10, 4100, &a), HD_INPUT_NOTHING);
    /* leaving the corner while holding does not count */
    hd_input_press(&in, &dl, 10, 10, 5000, &a);
    hd_input_move(&in, &dl, 200, 10, 5100, &a);
    assert_int_equal(hd_input_tick(&in, &dl, 9000, &a), HD_INPUT_NOTHING);
    hd_input_release(&in, &dl, 200, 10, 9100, &a);
}

static void test_long_press_variants(void **state)
{
    (void)state;
    hd_input_init(&in, 800, 480);
    hd_action a = {0};
    int n0 = dl.n;
    hd_input_press(&in, &dl, 330, 330, 0, &a);
    assert_int_equal(hd_input_deadline(&in), HD_INPUT_LONG_MS);
    assert_int_equal(hd_input_tick(&in, &dl, HD_INPUT_LONG_MS, &a), HD_INPUT_REDRAW);
    assert_true(in.variants_open);
    hd_input_decorate(&in, &dl, NULL);
    assert_true(dl.n > n0 + 1);
    const hd_elem *v = hd_dlist_find(&dl, "variant.ą");
    assert_non_null(v);
    assert_int_equal(v->role, HD_ROLE_KEY);
    assert_true(v->rect.y + v->rect.h <= 300); /* above the key */
    /* lifting on the key itself types nothing; the row stays */
    assert_int_equal(hd_input_release(&in, &dl, 330, 330, 700, &a), HD_INPUT_REDRAW);
    assert_true(in.variants_open);
    /* tapping a variant types it and closes the row */
    int vx = v->rect.x + v->rect.w / 2, vy = v->rect.y + v->rect.h / 2;
    hd_input_press(&in, &dl, vx, vy, 1000, &a);
    assert_int_equal(hd_input_release(&in, &dl, vx, vy, 1050, &a), HD_INPUT_ACTION);
    assert_int_equal(a.kind, HD_ACT_KEY);
    assert_string_equal(a.str, "ą");
    assert_false(in.variants_open);
    dl.n = n0;
    /* a touch beside an open row only closes it */
    hd_input_press(&in, &dl, 330, 330, 2000, &a);
    hd_input_tick(&in, &dl, 2600, &a);
    hd_input_release(&in, &dl, 330, 330, 2700, &a);
    hd_input_decorate(&in, &dl, NULL);
    assert_int_equal(hd_input_press(&in, &dl, 700, 430, 3000, &a), HD_INPUT_REDRAW);
    assert_int_equal(hd_input_release(&in, &dl, 700, 430, 3050, &a), HD_INPUT_NOTHING);
    assert_false(in.variants_open);
    dl.n = n0;
}

static void test_sdl_events(void **state)
{
    (void)state;
    hd_input_init(&in, 800, 480);
    hd_action a = {0};
    SDL_Event ev = {0};
    /* a touch's synthetic mouse events are ignored */
    ev.type = SDL_MOUSEBUTTONDOWN;
    ev.button.which = SDL_TOUCH_MOUSEID;
    ev.button.button = SDL_BUTTON_LEFT;
    ev.button.x = 700;
    ev.button.y = 430;
    assert_int_equal(hd_input_sdl(&in, &dl, &ev, 0, &a), HD_INPUT_NOTHING);
    assert_false(in.down);
    /* a finger: normalised coordinates */
    ev.type = SDL_FINGERDOWN;
    ev.tfinger.fingerId = 3;
    ev.tfinger.x = 700.0f / 800;
    ev.tfinger.y = 430.0f / 480;
    assert_int_equal(hd_input_sdl(&in, &dl, &ev, 0, &a), HD_INPUT_REDRAW);
    /* a second finger is ignored */
    ev.tfinger.fingerId = 4;
    ev.tfinger.x = 50.0f / 800;
    assert_int_equal(hd_input_sdl(&in, &dl, &ev, 10, &a), HD_INPUT_NOTHING);
    ev.type = SDL_FINGERUP;
    assert_int_equal(hd_input_sdl(&in, &dl, &ev, 20, &a), HD_INPUT_NOTHING);
    ev.tfinger.fingerId = 3;
    ev.tfinger.x = 700.0f / 800;
    assert_int_equal(hd_input_sdl(&in, &dl, &ev, 60, &a), HD_INPUT_ACTION);
    assert_int_equal(a.kind, HD_ACT_NEXT);
    /* a real mouse */
    ev = (SDL_Event){0};
    ev.type = SDL_MOUSEBUTTONDOWN;
    ev.button.which = 0;
    ev.button.button = SDL_BUTTON_LEFT;
    ev.button.x = 50;
    ev.button.y = 430;
    assert_int_equal(hd_input_sdl(&in, &dl, &ev, 1000, &a), HD_INPUT_REDRAW);
    ev.type = SDL_MOUSEBUTTONUP;
    assert_int_equal(hd_input_sdl(&in, &dl, &ev, 1050, &a), HD_INPUT_ACTION);
    assert_int_equal(a.kind, HD_ACT_BACK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tap),
        cmocka_unit_test(test_pressed_feedback),
        cmocka_unit_test(test_slide_off_cancels),
        cmocka_unit_test(test_bounce_is_ignored),
        cmocka_unit_test(test_touch_on_nothing),
        cmocka_unit_test(test_drag_scrolls_and_cancels_the_tap),
        cmocka_unit_test(test_staff_corner),
        cmocka_unit_test(test_long_press_variants),
        cmocka_unit_test(test_sdl_events),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
