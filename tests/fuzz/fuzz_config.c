/* fuzz_config.c — hd_config_parse (the kiosk's --config JSON) on arbitrary
 * bytes.
 *
 * A refused file comes with diagnostics and leaves the output exactly as it
 * was. An accepted one holds only what config.h allows: positive times,
 * a minimum gap of whole seconds from 0 to a day, non-empty unique venue names, a venue that is one of them, a mode of
 * "self" or "assisted", an argon2 PIN hash, a known renderer.
 */
#include <stdbool.h>

#include "core/config.h"
#include "fuzz.h"

static void fuzz_config_check(const hd_config *c)
{
    HD_FUZZ_CHECK(c->still_there_after_ms > 0 && c->reset_after_ms > 0 && c->thanks_ms > 0);
    /* whole seconds, 0 (no flagging) up to a day, as hd_store_set_min_gap takes them */
    HD_FUZZ_CHECK(c->min_gap_s >= 0 && c->min_gap_s <= 86400);
    HD_FUZZ_CHECK(c->n_venues >= 0 && (c->n_venues == 0 || c->venues));
    for (int i = 0; i < c->n_venues; i++) {
        HD_FUZZ_CHECK(c->venues[i] && c->venues[i][0]);
        for (int j = 0; j < i; j++)
            HD_FUZZ_CHECK(strcmp(c->venues[i], c->venues[j]) != 0);
    }
    if (c->venue && c->n_venues > 0) {
        bool found = false;
        for (int i = 0; i < c->n_venues; i++)
            found = found || strcmp(c->venues[i], c->venue) == 0;
        HD_FUZZ_CHECK(found);
    }
    if (c->mode)
        HD_FUZZ_CHECK(strcmp(c->mode, "self") == 0 || strcmp(c->mode, "assisted") == 0);
    if (c->staff_pin_hash)
        HD_FUZZ_CHECK(strncmp(c->staff_pin_hash, "$argon2", 7) == 0);
    HD_FUZZ_CHECK(c->renderer == HD_RENDERER_AUTO || c->renderer == HD_RENDERER_SOFTWARE ||
                  c->renderer == HD_RENDERER_ACCELERATED);
    const char *paths[] = {c->coordinator_public_key, c->usb_dir, c->font_dir, c->venue};
    for (size_t i = 0; i < sizeof paths / sizeof *paths; i++)
        HD_FUZZ_CHECK(!paths[i] || paths[i][0]);
}

/* Field by field: padding bytes are not part of "untouched". */
static bool fuzz_config_same(const hd_config *a, const hd_config *b)
{
    return a->coordinator_public_key == b->coordinator_public_key &&
           a->staff_pin_hash == b->staff_pin_hash && a->venues == b->venues &&
           a->n_venues == b->n_venues && a->venue == b->venue && a->mode == b->mode &&
           a->still_there_after_ms == b->still_there_after_ms &&
           a->reset_after_ms == b->reset_after_ms && a->thanks_ms == b->thanks_ms &&
           a->min_gap_s == b->min_gap_s && a->usb_dir == b->usb_dir && a->font_dir == b->font_dir && a->renderer == b->renderer;
}

int hd_fuzz_config(const uint8_t *data, size_t size)
{
    hd_diag *diag = malloc(sizeof *diag);
    if (!diag)
        return 0;
    hd_diag_init(diag, "fuzz-config.json");
    hd_config c, before;
    hd_config_default(&c);
    before = c;
    hd_err e = hd_config_parse((const char *)data, size, "fuzz-config.json", &c, diag);
    if (e == HD_OK) {
        hd_fuzz_check_diag(diag, 0);
        fuzz_config_check(&c);
    } else {
        HD_FUZZ_CHECK(e == HD_EPARSE || e == HD_ENOMEM);
        HD_FUZZ_CHECK(fuzz_config_same(&c, &before));
        if (e == HD_EPARSE)
            hd_fuzz_check_diag(diag, 1);
    }
    hd_config_clear(&c);
    free(diag);
    return 0;
}

HD_FUZZ_ENTRY(hd_fuzz_config)
