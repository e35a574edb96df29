/* render.h — draws a display list with an SDL_Renderer.
 *
 * Rounded boxes and circles are filled row by row with anti-aliased edges;
 * faces, icons and strokes are triangles (SDL_RenderGeometry) from fixed
 * buffers; text goes through hd_text_draw and its cache. Drawing a frame
 * allocates nothing.
 */
#ifndef HD_RENDER_H
#define HD_RENDER_H

#include <SDL.h>

#include "core/dlist.h"
#include "platform/text.h"

/* Clears the target to dl->background and draws every element in order,
 * clipping HD_ELEM_CLIP elements to dl->clip. Text goes in text_rect and
 * icons and faces in icon_rect, exactly where the view measured them. tx may
 * be NULL (no text). Does not present. */
void hd_render_dlist(SDL_Renderer *r, hd_text *tx, const hd_dlist *dl);

/* Draws one face (mood 1 very unhappy .. 5 very happy) filling the square
 * centred in rect: a circle filled with bg (alpha 0: none) and outlined in
 * border, eyes and a mouth in fg. */
void hd_render_face(SDL_Renderer *r, const SDL_Rect *rect, int mood, uint32_t fg, uint32_t bg,
                    uint32_t border);

/* Draws icon centred in rect in colour fg, pointing the reading way when rtl. */
void hd_render_icon(SDL_Renderer *r, const SDL_Rect *rect, hd_icon icon, uint32_t fg, bool rtl);

/* Fills a rounded rectangle (radius clamped to half the shorter side) with
 * anti-aliased corners; with thickness > 0 draws only a ring that wide. */
void hd_render_round_rect(SDL_Renderer *r, const SDL_Rect *rect, int radius, int thickness,
                          uint32_t rgba);

#endif
