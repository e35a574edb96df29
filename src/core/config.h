/* config.h — the kiosk's --config JSON (DESIGN §5), parsed and checked. Pure.
 *
 *   {
 *     "coordinator_public_key": "/etc/heard/coordinator.pub",
 *     "staff_pin_hash": "$argon2id$v=19$m=65536,t=2,p=1$...",
 *     "venues": ["Barber's on King Street", "St Mary's hall"],
 *     "venue": "St Mary's hall",
 *     "mode": "self",
 *     "still_there_after_s": 60,
 *     "reset_after_s": 30,
 *     "thanks_s": 10,
 *     "min_gap_s": 20,
 *     "usb_dir": "/media/usb",
 *     "font_dir": "/usr/share/fonts/truetype/noto",
 *     "renderer": "auto"
 *   }
 *
 * Every key is optional. The DESIGN keys keep their meaning; the additions
 * (venue, mode, thanks_s, min_gap_s, font_dir, renderer) are documented in
 * docs/headless.md. Paths are kept as written: the caller resolves relative
 * ones against the config file's directory (no I/O here).
 */
#ifndef HD_CONFIG_H
#define HD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef enum hd_renderer_pref {
    HD_RENDERER_AUTO,        /* hardware where a real GPU driver exists, else software */
    HD_RENDERER_SOFTWARE,    /* always SDL's software renderer */
    HD_RENDERER_ACCELERATED, /* always try the hardware renderer first */
} hd_renderer_pref;

/* The parsed configuration. Strings are NULL when the key is absent; all
 * memory belongs to the struct until hd_config_clear(). */
typedef struct hd_config {
    char *coordinator_public_key; /* path of the file heard-sync keygen wrote */
    char *staff_pin_hash;         /* crypto_pwhash_str() output from heard-sync pin-hash */
    char **venues;                /* names the staff can choose from */
    int n_venues;
    char *venue;                  /* where the device is now: one of venues */
    char *mode;                   /* "self" or "assisted" (default "self") */
    int64_t still_there_after_ms; /* from still_there_after_s, default 60000 */
    int64_t reset_after_ms;       /* from reset_after_s, default 30000 */
    int64_t thanks_ms;            /* from thanks_s, default 10000 */
    int min_gap_s;                /* seconds between two complete sessions below which
                                     the later one is flagged (hd_store_set_min_gap);
                                     default 20, 0 flags nothing */
    char *usb_dir;                /* where staff mode copies the database */
    char *font_dir;               /* fonts to use instead of Debian's Noto locations */
    hd_renderer_pref renderer;    /* "auto" | "software" | "accelerated" */
} hd_config;

/* Fills c with the defaults: no key, no PIN, no venues, mode "self" (as
 * NULL: the caller treats NULL as "self"), 60 s, 30 s, 10 s, a minimum gap of
 * 20 s, auto renderer. */
void hd_config_default(hd_config *c);

/* Parses json[0..len); filename is only used in diagnostics. On success
 * returns HD_OK and fills *out (which it overwrites without freeing: pass a
 * defaulted or cleared struct). On failure returns HD_EPARSE (or HD_ENOMEM),
 * leaves *out untouched and adds to diag every problem found, each with line
 * and column: JSON syntax, unknown keys, wrong types, times that are not
 * positive, a min_gap_s that is not a whole number from 0 to 86400, empty or
 * repeated venues, a venue that is not in venues, a mode
 * other than self/assisted, a PIN hash that is not an argon2 string. */
hd_err hd_config_parse(const char *json, size_t len, const char *filename, hd_config *out,
                       hd_diag *diag);

/* Frees what c holds and sets it back to the defaults. */
void hd_config_clear(hd_config *c);

#endif
