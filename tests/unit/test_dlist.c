/* test_dlist.c — the display list: arena, overflow, hit-testing, lookup. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/dlist.h"
#include "testutil.h"

static hd_elem *add_box(hd_dlist *dl, const char *id, int x, int y, int w, int h,
                        hd_act_kind kind)
{
    hd_elem *e = hd_dlist_add(dl);
    snprintf(e->id, sizeof e->id, "%s", id);
    e->role = kind ? HD_ROLE_BUTTON : HD_ROLE_NONE;
    e->rect = (hd_rect){x, y, w, h};
    e->action.kind = kind;
    return e;
}

static void test_init_clear(void **state)
{
    (void)state;
    hd_dlist dl;
    assert_int_equal(hd_dlist_init(&dl, 4, 64), HD_OK);
    assert_int_equal(dl.n, 0);
    assert_int_equal(dl.cap, 4);
    assert_true(dl.next_change_ms == INT64_MAX);
    add_box(&dl, "a", 0, 0, 10, 10, HD_ACT_NEXT);
    hd_dlist_strdup(&dl, "hello");
    dl.next_change_ms = 5;
    dl.overflowed = true;
    hd_dlist_clear(&dl);
    assert_int_equal(dl.n, 0);
    assert_int_equal((int)dl.arena_used, 0);
    assert_false(dl.overflowed);
    assert_true(dl.next_change_ms == INT64_MAX);
    hd_dlist_free(&dl);
    hd_dlist_free(&dl); /* a freed list can be freed again */
    assert_int_equal(hd_dlist_init(&dl, 0, 64), HD_EINVAL);
}

static void test_add_overflow(void **state)
{
    (void)state;
    hd_dlist dl;
    assert_int_equal(hd_dlist_init(&dl, 2, 64), HD_OK);
    hd_elem *a = hd_dlist_add(&dl);
    a->rect.w = 7;
    hd_elem *b = hd_dlist_add(&dl);
    assert_ptr_not_equal(a, b);
    assert_false(dl.overflowed);
    hd_elem *c = hd_dlist_add(&dl); /* full: a scratch element, not kept */
    assert_non_null(c);
    c->rect.w = 99;
    assert_true(dl.overflowed);
    assert_int_equal(dl.n, 2);
    assert_int_equal(dl.elems[0].rect.w, 7);
    /* the new element comes zeroed */
    hd_elem *d = hd_dlist_add(&dl);
    assert_int_equal(d->rect.w, 0);
    assert_int_equal(d->action.kind, HD_ACT_NONE);
    hd_dlist_free(&dl);
}

static void test_arena(void **state)
{
    (void)state;
    hd_dlist dl;
    assert_int_equal(hd_dlist_init(&dl, 2, 16), HD_OK);
    const char *s = hd_dlist_strdup(&dl, "abc");
    assert_string_equal(s, "abc");
    const char *p = hd_dlist_printf(&dl, "%d of %d", 3, 12);
    assert_string_equal(p, "3 of 12");
    assert_string_equal(s, "abc"); /* earlier strings stay put */
    assert_false(dl.overflowed);
    size_t used = dl.arena_used;
    const char *big = hd_dlist_printf(&dl, "%s", "much too long for what is left");
    assert_string_equal(big, "");
    assert_true(dl.overflowed);
    assert_int_equal((int)dl.arena_used, (int)used);
    const char *q = hd_dlist_strdup(&dl, "0123456789abcdef");
    assert_string_equal(q, "");
    assert_string_equal(hd_dlist_strdup(&dl, NULL), "");
    hd_dlist_free(&dl);
}

static void test_hit_topmost(void **state)
{
    (void)state;
    hd_dlist dl;
    assert_int_equal(hd_dlist_init(&dl, 8, 64), HD_OK);
    add_box(&dl, "under", 0, 0, 100, 100, HD_ACT_NEXT);
    add_box(&dl, "over", 50, 50, 100, 100, HD_ACT_BACK);
    add_box(&dl, "deco", 0, 0, 20, 20, HD_ACT_NONE); /* not tappable */
    const hd_elem *e = hd_dlist_hit(&dl, 60, 60);
    assert_non_null(e);
    assert_string_equal(e->id, "over");
    e = hd_dlist_hit(&dl, 10, 10);
    assert_non_null(e);
    assert_string_equal(e->id, "under"); /* decoration on top does not catch taps */
    assert_null(hd_dlist_hit(&dl, 200, 200));
    /* edges: x + w is outside */
    assert_null(hd_dlist_hit(&dl, 150, 60));
    assert_string_equal(hd_dlist_hit(&dl, 149, 149)->id, "over");
    /* disabled elements are skipped */
    dl.elems[1].flags |= HD_ELEM_DISABLED;
    assert_string_equal(hd_dlist_hit(&dl, 60, 60)->id, "under");
    hd_dlist_free(&dl);
}

static void test_hit_clip(void **state)
{
    (void)state;
    hd_dlist dl;
    assert_int_equal(hd_dlist_init(&dl, 8, 64), HD_OK);
    dl.clip = (hd_rect){0, 100, 200, 100};
    hd_elem *e = add_box(&dl, "choice.a", 0, 80, 200, 64, HD_ACT_CHOOSE);
    e->flags |= HD_ELEM_CLIP;
    /* the part scrolled out of the area is not tappable */
    assert_null(hd_dlist_hit(&dl, 10, 90));
    assert_non_null(hd_dlist_hit(&dl, 10, 110));
    hd_dlist_free(&dl);
}

static void test_find_and_roles(void **state)
{
    (void)state;
    hd_dlist dl;
    assert_int_equal(hd_dlist_init(&dl, 8, 64), HD_OK);
    add_box(&dl, "next", 0, 0, 10, 10, HD_ACT_NEXT);
    add_box(&dl, "back", 20, 0, 10, 10, HD_ACT_BACK);
    add_box(&dl, "next", 40, 0, 10, 10, HD_ACT_NEXT);
    const hd_elem *e = hd_dlist_find(&dl, "next");
    assert_non_null(e);
    assert_int_equal(e->rect.x, 40); /* the topmost of the same id */
    assert_null(hd_dlist_find(&dl, "skip"));
    assert_null(hd_dlist_find(&dl, ""));
    assert_string_equal(hd_role_name(HD_ROLE_BUTTON), "button");
    assert_string_equal(hd_role_name(HD_ROLE_CHOICE), "choice");
    assert_string_equal(hd_role_name(HD_ROLE_TEXT), "text");
    assert_string_equal(hd_role_name(HD_ROLE_INPUT), "input");
    assert_string_equal(hd_role_name(HD_ROLE_KEY), "key");
    assert_string_equal(hd_role_name(HD_ROLE_NONE), "");
    hd_dlist_free(&dl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_clear),   cmocka_unit_test(test_add_overflow),
        cmocka_unit_test(test_arena),        cmocka_unit_test(test_hit_topmost),
        cmocka_unit_test(test_hit_clip),     cmocka_unit_test(test_find_and_roles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
