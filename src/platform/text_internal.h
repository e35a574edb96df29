/* text_internal.h — what text.c exposes to its own tests: the visual runs of a
 * laid-out paragraph and a count of shaping calls. Not for other modules.
 */
#ifndef HD_TEXT_INTERNAL_H
#define HD_TEXT_INTERNAL_H

#include <SDL_ttf.h>
#include <stdbool.h>

#include "platform/text.h"

#define HD_TEXT_VRUN_TEXT 256

/* One run as drawn: one script, one bidi level, one font, on one line. */
typedef struct hd_text_vrun {
    int line;                     /* 0-based line index */
    char text[HD_TEXT_VRUN_TEXT]; /* the run's UTF-8, logical order (truncated if longer) */
    char script[5];               /* ISO 15924 tag handed to HarfBuzz: "Latn", "Arab", ... */
    int level;                    /* bidi embedding level; odd is drawn right to left */
    int x, w;                     /* left edge and width inside the line box, in pixels */
    int line_w, line_h;           /* the whole line's box */
    TTF_Font *font;               /* the font chosen (owned by tx; valid until the next call) */
    const char *font_file;        /* path of that font's file (owned by tx) */
} hd_text_vrun;

/* Lays out utf8 exactly as hd_text_size()/hd_text_draw() do and copies the
 * runs in visual order (line by line, left to right) into out, at most max
 * of them. Returns how many runs there are (may exceed max); -1 when out of
 * memory. */
int hd_text_debug_runs(hd_text *tx, const char *utf8, int px, bool bold, int wrap_w, bool rtl,
                       hd_text_vrun *out, int max);

/* How many times text was shaped (TTF_SizeUTF8 or TTF_RenderUTF8_Blended
 * called) since hd_text_open(). A steady redraw must not change it. */
unsigned long hd_text_debug_shapes(const hd_text *tx);

/* How many textures the cache holds, and their total size in bytes. */
void hd_text_debug_cache(const hd_text *tx, int *entries, size_t *bytes);

#endif
