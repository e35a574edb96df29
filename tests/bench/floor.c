/* floor.c — the floor for heard's launch time and memory: the least an SDL2 +
 * SDL_ttf program does to show a line of text. It opens a window, loads one
 * font, draws one line, presents the first frame and exits.
 *
 *   bench_floor [--size WxH] [--font FILE] [--shot FILE.bmp]
 *
 * tests/bench/run runs it beside `heard --headless` on the same machine, with
 * the same video driver (SDL's dummy driver), the same software renderer,
 * the same size and the same Noto font, and reports heard's launch time and
 * peak memory as multiples of this program's. --shot reads the frame back and
 * writes it as a BMP, as heard's `shot` does, so both pay for the same last
 * step. Prints nothing; exits non-zero with a message if any step fails.
 */
#include <SDL.h>
#include <SDL_ttf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLOOR_FONT "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"

static int fail(const char *what)
{
    fprintf(stderr, "bench_floor: %s: %s\n", what, SDL_GetError());
    return 1;
}

int main(int argc, char **argv)
{
    int w = 800, h = 480;
    const char *font_path = FLOOR_FONT, *shot = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
            if (sscanf(argv[++i], "%dx%d", &w, &h) != 2 || w < 100 || h < 100) {
                fprintf(stderr, "bench_floor: --size wants WxH, e.g. 800x480\n");
                return 2;
            }
        } else if (strcmp(argv[i], "--font") == 0 && i + 1 < argc) {
            font_path = argv[++i];
        } else if (strcmp(argv[i], "--shot") == 0 && i + 1 < argc) {
            shot = argv[++i];
        } else {
            fprintf(stderr, "usage: bench_floor [--size WxH] [--font FILE] [--shot FILE.bmp]\n");
            return 2;
        }
    }
    /* As heard does: the software renderer's frame stays a plain surface
     * rather than a GL texture (which would load Mesa). */
    SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0)
        return fail("SDL_Init");
    if (TTF_Init() != 0)
        return fail("TTF_Init");
    SDL_Window *win = SDL_CreateWindow("floor", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, w,
                                       h, SDL_WINDOW_SHOWN);
    if (!win)
        return fail("SDL_CreateWindow");
    SDL_Renderer *ren = SDL_CreateRenderer(win, -1, SDL_RENDERER_SOFTWARE);
    if (!ren)
        return fail("SDL_CreateRenderer");
    /* 24 px at 800x480 is heard's body text size. */
    TTF_Font *font = TTF_OpenFont(font_path, h / 20);
    if (!font)
        return fail(font_path);
    SDL_Color ink = {0x1a, 0x1a, 0x1a, 0xff};
    SDL_Surface *text = TTF_RenderUTF8_Blended(font, "Tell us what you think", ink);
    if (!text)
        return fail("TTF_RenderUTF8_Blended");
    SDL_Texture *tex = SDL_CreateTextureFromSurface(ren, text);
    if (!tex)
        return fail("SDL_CreateTextureFromSurface");
    SDL_SetRenderDrawColor(ren, 0xfa, 0xf7, 0xf0, 0xff);
    SDL_RenderClear(ren);
    SDL_Rect dst = {(w - text->w) / 2, (h - text->h) / 2, text->w, text->h};
    SDL_RenderCopy(ren, tex, NULL, &dst);
    SDL_RenderPresent(ren);
    int rc = 0;
    if (shot) {
        SDL_Surface *frame = SDL_CreateRGBSurfaceWithFormat(0, w, h, 32, SDL_PIXELFORMAT_ARGB8888);
        if (!frame || SDL_RenderReadPixels(ren, NULL, SDL_PIXELFORMAT_ARGB8888, frame->pixels,
                                           frame->pitch) != 0 ||
            SDL_SaveBMP(frame, shot) != 0)
            rc = fail(shot);
        SDL_FreeSurface(frame);
    }
    SDL_DestroyTexture(tex);
    SDL_FreeSurface(text);
    TTF_CloseFont(font);
    SDL_DestroyRenderer(ren);
    SDL_DestroyWindow(win);
    TTF_Quit();
    SDL_Quit();
    return rc;
}
