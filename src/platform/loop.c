/* loop.c — the kiosk window and event loop (see loop.h).
 *
 * Two costs decide the shape of this file.
 *
 * Memory: with the software renderer SDL would by default put the window's
 * framebuffer in a GL texture, which loads Mesa (about 90 MB) for nothing.
 * SDL_HINT_FRAMEBUFFER_ACCELERATION=0 keeps it a plain surface. A hardware
 * renderer is used only where a real GPU driver exists: tried first on
 * KMSDRM and Wayland (the Raspberry Pi's V3D driver under cage or on the
 * console) and kept only if the GL renderer is not a software rasteriser
 * (llvmpipe, softpipe, swrast). On X11 the software renderer is the default
 * (a laptop in an outreach worker's bag); the config's "renderer" key
 * overrides both ways.
 *
 * Idle CPU: nothing is drawn unless an action or a deadline changed the
 * screen. Between events the process sleeps until the next deadline the app
 * reports (a flow timer, a countdown second, a long press). Under X11 and
 * Wayland SDL_WaitEventTimeout really blocks. Under KMSDRM, and the dummy
 * and offscreen drivers, SDL has no blocking wait (it polls every
 * millisecond), so the loop polls and sleeps with SDL_Delay itself: 100 ms
 * chunks when nobody is touching the screen, 8 ms while a finger is down or
 * was lifted within the last two seconds.
 */
#include "platform/loop.h"

#include <stdio.h>
#include <string.h>

#include "sys/sys.h"

#define IDLE_CHUNK_MS 100
#define ACTIVE_CHUNK_MS 8
#define ACTIVE_AFTER_INPUT_MS 2000
#define GL_RENDERER_ENUM 0x1F01

typedef const unsigned char *(*gl_get_string_fn)(unsigned int);

static bool driver_is(const char *name)
{
    const char *d = SDL_GetCurrentVideoDriver();
    return d && SDL_strcasecmp(d, name) == 0;
}

/* True when r renders through GL on a software rasteriser. */
static bool gl_is_software(SDL_Renderer *r)
{
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(r, &info) != 0 || !info.name || strncmp(info.name, "opengl", 6) != 0)
        return false;
    gl_get_string_fn get = (gl_get_string_fn)(uintptr_t)SDL_GL_GetProcAddress("glGetString");
    const char *name = get ? (const char *)get(GL_RENDERER_ENUM) : NULL;
    if (!name)
        return false;
    hd_log("GL renderer: %s", name);
    return strstr(name, "llvmpipe") || strstr(name, "softpipe") || strstr(name, "swrast") ||
           strstr(name, "Software");
}

static SDL_Window *make_window(const hd_kiosk_opts *ko)
{
    Uint32 flags = ko->windowed ? SDL_WINDOW_RESIZABLE : SDL_WINDOW_FULLSCREEN_DESKTOP;
    return SDL_CreateWindow("heard", SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, ko->w, ko->h,
                            flags | SDL_WINDOW_SHOWN);
}

/* Makes the window and the renderer the config and the hardware allow. */
static bool make_output(const hd_config *cfg, const hd_kiosk_opts *ko, SDL_Window **win,
                        SDL_Renderer **ren)
{
    bool want_hw = cfg->renderer == HD_RENDERER_ACCELERATED ||
                   (cfg->renderer == HD_RENDERER_AUTO &&
                    (driver_is("KMSDRM") || driver_is("wayland")));
    if (want_hw) {
        *win = make_window(ko);
        *ren = *win ? SDL_CreateRenderer(*win, -1, SDL_RENDERER_ACCELERATED) : NULL;
        if (*ren && (cfg->renderer == HD_RENDERER_ACCELERATED || !gl_is_software(*ren)))
            return true;
        hd_log("no hardware renderer%s%s: using the software renderer", *ren ? "" : ": ",
               *ren ? "" : SDL_GetError());
        if (*ren)
            SDL_DestroyRenderer(*ren);
        if (*win)
            SDL_DestroyWindow(*win);
        *ren = NULL;
        *win = NULL;
    }
    /* KMSDRM has no plain window surface: SDL can only show a software
     * frame through GL there, so the hint must stay at its default. */
    if (!driver_is("KMSDRM"))
        SDL_SetHint(SDL_HINT_FRAMEBUFFER_ACCELERATION, "0");
    *win = make_window(ko);
    if (!*win) {
        hd_log("cannot open a window: %s", SDL_GetError());
        return false;
    }
    *ren = SDL_CreateRenderer(*win, -1, SDL_RENDERER_SOFTWARE);
    if (!*ren) {
        hd_log("cannot make a renderer: %s", SDL_GetError());
        return false;
    }
    return true;
}

static bool quit_key(const SDL_KeyboardEvent *k)
{
    SDL_Keycode sym = k->keysym.sym;
    Uint16 mod = k->keysym.mod;
    return sym == SDLK_ESCAPE || (sym == SDLK_q && (mod & KMOD_CTRL)) ||
           (sym == SDLK_F4 && (mod & KMOD_ALT));
}

typedef struct loop {
    hd_app *app;
    SDL_Renderer *ren;
    const hd_kiosk_opts *ko;
    bool quit;
    bool force_draw;
    int64_t last_input;
} loop;

static int64_t now_ms(void) { return (int64_t)SDL_GetTicks64(); }

static void handle(loop *l, const SDL_Event *ev)
{
    int64_t now = now_ms();
    switch (ev->type) {
    case SDL_QUIT:
        /* Window close (and Alt+F4 through the window manager) ends only a
         * development session; a kiosk must not be closable by a visitor. */
        if (l->ko->windowed)
            l->quit = true;
        break;
    case SDL_KEYDOWN:
        if (l->ko->windowed && quit_key(&ev->key))
            l->quit = true;
        break;
    case SDL_WINDOWEVENT:
        if (ev->window.event == SDL_WINDOWEVENT_SIZE_CHANGED ||
            ev->window.event == SDL_WINDOWEVENT_RESIZED) {
            int w, h;
            if (SDL_GetRendererOutputSize(l->ren, &w, &h) == 0)
                hd_app_resize(l->app, w, h);
        }
        l->force_draw = true;
        break;
    case SDL_RENDER_TARGETS_RESET:
    case SDL_RENDER_DEVICE_RESET:
        l->force_draw = true;
        break;
    case SDL_MOUSEBUTTONDOWN:
    case SDL_MOUSEBUTTONUP:
    case SDL_MOUSEMOTION:
    case SDL_FINGERDOWN:
    case SDL_FINGERUP:
    case SDL_FINGERMOTION:
        l->last_input = now;
        hd_app_sdl_event(l->app, ev, now);
        break;
    default:
        break;
    }
}

static void run(loop *l)
{
    bool can_wait = driver_is("x11") || driver_is("wayland") || driver_is("windows") ||
                    driver_is("cocoa");
    SDL_Event ev;
    while (!l->quit && !hd_app_quit(l->app)) {
        int64_t now = now_ms();
        hd_app_tick(l->app, now);
        if (hd_app_dirty(l->app) || l->force_draw) {
            hd_app_draw(l->app);
            SDL_RenderPresent(l->ren);
            l->force_draw = false;
        }
        int64_t deadline = hd_app_deadline(l->app);
        int64_t wait = deadline == INT64_MAX ? -1 : deadline - now;
        if (wait < 0 && deadline != INT64_MAX)
            wait = 0;
        if (can_wait) {
            int ms = wait < 0 || wait > 0x7FFFFFFF ? -1 : (int)wait;
            if (SDL_WaitEventTimeout(&ev, ms) == 0)
                continue; /* timed out: the deadline has come */
            handle(l, &ev);
            while (SDL_PollEvent(&ev))
                handle(l, &ev);
            continue;
        }
        if (SDL_PollEvent(&ev)) {
            handle(l, &ev);
            while (SDL_PollEvent(&ev))
                handle(l, &ev);
            continue;
        }
        bool active = now - l->last_input < ACTIVE_AFTER_INPUT_MS;
        int64_t chunk = active ? ACTIVE_CHUNK_MS : IDLE_CHUNK_MS;
        if (wait >= 0 && wait < chunk)
            chunk = wait;
        if (chunk > 0)
            SDL_Delay((Uint32)chunk);
    }
}

int hd_kiosk_run(const hd_app_opts *ao, const hd_kiosk_opts *ko)
{
    /* A touch must not also arrive as a mouse click (input.c ignores them
     * too, in case a driver sends them anyway). */
    SDL_SetHint(SDL_HINT_TOUCH_MOUSE_EVENTS, "0");
    SDL_SetHint(SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS, "0");
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        hd_log("SDL could not start: %s", SDL_GetError());
        return 1;
    }
    hd_app *app = NULL;
    hd_err err = hd_app_open(ao, now_ms(), &app);
    if (err != HD_OK) {
        SDL_Quit();
        return err == HD_EPARSE ? 2 : 1;
    }
    SDL_Window *win = NULL;
    SDL_Renderer *ren = NULL;
    int rc = 1;
    if (!make_output(hd_app_config(app), ko, &win, &ren))
        goto out;
    SDL_RendererInfo info;
    if (SDL_GetRendererInfo(ren, &info) == 0)
        hd_log("video driver %s, renderer %s", SDL_GetCurrentVideoDriver(), info.name);
    if (!ko->windowed)
        SDL_ShowCursor(SDL_DISABLE); /* a touch kiosk shows no pointer */
    int w, h;
    if (SDL_GetRendererOutputSize(ren, &w, &h) != 0) {
        hd_log("cannot read the screen size: %s", SDL_GetError());
        goto out;
    }
    if (hd_app_attach(app, ren, w, h) != HD_OK)
        goto out;
    loop l = {.app = app, .ren = ren, .ko = ko, .force_draw = true, .last_input = now_ms()};
    run(&l);
    rc = 0;
out:
    hd_app_close(app);
    if (ren)
        SDL_DestroyRenderer(ren);
    if (win)
        SDL_DestroyWindow(win);
    SDL_Quit();
    return rc;
}
