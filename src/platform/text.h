/* text.h — text that is right in every script: shaping, bidi, font fallback,
 * wrapping, and a cache of rendered lines.
 *
 * SDL_ttf (with HarfBuzz) shapes one run at a time; this module splits a
 * paragraph into runs of one script and one direction (FriBidi for the
 * paragraph direction and visual reordering), picks the font that covers each
 * run (Noto Sans, Noto Naskh Arabic, Noto Nastaliq Urdu, Noto Sans Bengali,
 * Noto Sans Gurmukhi, ...), sets TTF_SetFontScriptName/TTF_SetFontDirection per
 * run, breaks lines only between grapheme clusters (at spaces where it can),
 * and caches rendered textures so a steady redraw shapes nothing.
 *
 * hd_text_size() is what the core's hd_metrics.text_size calls, so layout and
 * drawing measure the same way.
 */
#ifndef HD_TEXT_H
#define HD_TEXT_H

#include <SDL.h>
#include <stdbool.h>

#include "core/err.h"

typedef struct hd_text hd_text; /* opaque: fonts, cache */

/* Opens the fonts found under font_dir (NULL: the Debian Noto locations).
 * renderer may be NULL for measuring only. *out owns the handle. A missing
 * script font is logged and falls back to Noto Sans; a missing Noto Sans is
 * HD_ENOTFOUND. */
hd_err hd_text_open(SDL_Renderer *renderer, const char *font_dir, hd_text **out);
void hd_text_close(hd_text *tx); /* NULL is a no-op */

/* hd_metrics.text_size: the size of utf8 at px pixels wrapped to wrap_w
 * (0: no wrapping) in paragraph direction rtl. ctx is the hd_text. *w is the
 * widest line, *h the sum of the line heights; NULL or "" gives 0 x 0. */
void hd_text_size(void *ctx, const char *utf8, int px, bool bold, int wrap_w, bool rtl, int *w,
                  int *h);

/* Draws utf8 inside rect, wrapped to rect->w, aligned (0 start, 1 centre,
 * 2 end, where start is the right edge when rtl), vertically centred when
 * vcenter, in colour fg (0xRRGGBBAA). Uses the cache. */
void hd_text_draw(hd_text *tx, const char *utf8, int px, bool bold, const SDL_Rect *rect,
                  int align, bool rtl, bool vcenter, uint32_t fg);

/* Sets the language whose text is drawn (a BCP 47 code such as "ur", "ar",
 * "en"; copied). It decides the Arabic-script font: "ur" uses Noto Nastaliq
 * Urdu, every other language Noto Naskh Arabic, except that Arabic-script
 * text containing letters only Urdu uses (ٹ ڈ ڑ ں ھ ہ ے) is always drawn in
 * Nastaliq, so Urdu words shown under another language still look Urdu. NULL is
 * treated as "en". Cached sizes and textures stay valid: the font choice is
 * part of their key. */
void hd_text_set_lang(hd_text *tx, const char *lang);

/* Drops cached textures (e.g. after a language switch). */
void hd_text_cache_clear(hd_text *tx);

#endif
