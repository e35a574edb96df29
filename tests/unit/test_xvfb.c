/* test_xvfb.c — the kiosk in a real window: heard runs full-screen (kiosk
 * mode, no --windowed) on an 800x480 Xvfb server, xdotool clicks through the
 * welcome and consent screens and the tier choice into the first question,
 * and after every click a screenshot of the whole screen (`import -window
 * root`) proves the screen changed. Each screenshot must also match, within a
 * tolerance, what `heard --headless` draws for that screen at the same size
 * (the welcome screen more loosely: its highlighted language changes by the clock):
 * the real window shows the screen the clicks should have led to, and the
 * database holds the session they started.
 *
 * Skipped, with the reason, only when Xvfb, xdotool or ImageMagick's import
 * and compare are not installed (tools/deps installs them).
 */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define W 800
#define H 480
/* RMSE (0..1) between two pictures of the same screen: only anti-aliasing of
 * the pointerless software renderer's output and PNG/BMP rounding differ. */
#define SAME_SCREEN 0.02
/* The welcome screen highlights its languages in turn, one every few seconds
 * by the clock, so the kiosk's may show another language highlighted than
 * the headless picture; that differs by about 0.06. A blank or unfinished
 * window differs by far more. */
#define SAME_WELCOME 0.1
/* Two different screens differ by far more than this. */
#define CHANGED 0.05
/* How long a screen may take to appear: longer under an emulator (HD_RUNNER,
 * qemu for the arm64 build), where the kiosk starts ten times slower. */
#define WAIT_MS (getenv("HD_RUNNER") && *getenv("HD_RUNNER") ? 90000 : 20000)

static char dir[512];
static pid_t xvfb_pid = -1, heard_pid = -1;
static int display = -1;

static bool have(const char *prog)
{
    return tu_run(tu_fmt("command -v %s >/dev/null 2>&1", prog), NULL, 0) == 0;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

static void stop(pid_t *pid, int sig)
{
    if (*pid > 0) {
        kill(*pid, sig);
        waitpid(*pid, NULL, 0);
        *pid = -1;
    }
}

/* Starts Xvfb on a free display (it picks one and writes its number to
 * -displayfd once it accepts connections). */
static void start_xvfb(void)
{
    int p[2];
    assert_int_equal(pipe(p), 0);
    xvfb_pid = fork();
    assert_true(xvfb_pid >= 0);
    if (xvfb_pid == 0) {
        close(p[0]);
        char fd[16];
        snprintf(fd, sizeof fd, "%d", p[1]);
        execlp("Xvfb", "Xvfb", "-displayfd", fd, "-screen", "0", "800x480x24", "-nolisten", "tcp",
               (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    /* Read up to the newline: Xvfb writes the number and the newline
     * separately, and dies if the pipe is closed between the two. */
    struct pollfd pf = {.fd = p[0], .events = POLLIN};
    char buf[32] = "";
    size_t n = 0;
    while (n < sizeof buf - 1 && !strchr(buf, '\n') && poll(&pf, 1, WAIT_MS) == 1) {
        ssize_t got = read(p[0], buf + n, sizeof buf - 1 - n);
        if (got <= 0)
            break;
        n += (size_t)got;
        buf[n] = '\0';
    }
    close(p[0]);
    if (!strchr(buf, '\n'))
        fail_msg("Xvfb did not start within %d ms", WAIT_MS);
    display = atoi(buf);
}

/* The rect of element id in a layout dump; fails when it is not there. */
static void rect_of(const char *json_path, const char *id, int r[4])
{
    char *json = tu_slurp(json_path, NULL);
    assert_non_null(json);
    const char *at = strstr(json, tu_fmt("\"id\": \"%s\"", id));
    if (!at)
        fail_msg("%s has no element %s", json_path, id);
    const char *rect = strstr(at, "\"rect\": [");
    assert_non_null(rect);
    assert_int_equal(sscanf(rect, "\"rect\": [%d, %d, %d, %d]", &r[0], &r[1], &r[2], &r[3]), 4);
    free(json);
}

/* RMSE of two pictures, normalised to 0..1, from ImageMagick's compare. */
static double difference(const char *a, const char *b)
{
    char *out = NULL;
    int rc = tu_run(tu_fmt("compare -metric RMSE '%s' '%s' null:", a, b), &out, 1);
    const char *paren = strchr(out, '(');
    double d = -1;
    if (rc > 1 || !paren || sscanf(paren, "(%lf)", &d) != 1)
        fail_msg("compare %s %s failed (%d): %s", a, b, rc, out);
    free(out);
    return d;
}

static void screenshot(const char *path)
{
    char *out = NULL;
    int rc = tu_run(tu_fmt("DISPLAY=:%d import -window root '%s'", display, path), &out, 1);
    if (rc != 0)
        fail_msg("import -window root failed (%d): %s", rc, out);
    free(out);
}

/* Takes screenshots until one matches the headless picture of the screen
 * (or the time is up); returns how far the last one is from it. */
static double wait_for_screen(const char *name, double tolerance)
{
    /* Own copies: tu_fmt's buffers are reused by the calls below. */
    char shot[600], want[600];
    snprintf(shot, sizeof shot, "%s/x-%s.png", dir, name);
    snprintf(want, sizeof want, "%s/want/%s.bmp", dir, name);
    double d = 1;
    for (int waited = 0; waited < WAIT_MS; waited += 200) {
        int status = 0;
        if (waitpid(heard_pid, &status, WNOHANG) == heard_pid) {
            heard_pid = -1;
            fail_msg("heard exited (status %d) before showing %s; its log: %s/heard.log", status,
                     name, dir);
        }
        screenshot(shot);
        d = difference(shot, want);
        if (d <= tolerance)
            break;
        sleep_ms(200);
    }
    if (d > tolerance) {
        /* the test's directory goes at exit: what the kiosk said goes to the log */
        char *log = tu_slurp(tu_fmt("%s/heard.log", dir), NULL);
        print_message("%s not seen within %d ms; heard.log:\n%s\n", name, WAIT_MS,
                      log ? log : "(none)");
        free(log);
    }
    return d;
}

static void click(const char *screen, const char *id)
{
    int r[4];
    rect_of(tu_fmt("%s/want/%s.json", dir, screen), id, r);
    int rc = tu_run(tu_fmt("DISPLAY=:%d xdotool mousemove %d %d click 1", display, r[0] + r[2] / 2,
                           r[1] + r[3] / 2),
                    NULL, 0);
    assert_int_equal(rc, 0);
}

static void test_kiosk_clicks_into_first_question(void **state)
{
    (void)state;
    const char *missing = !have("Xvfb")      ? "Xvfb (Debian package xvfb)"
                          : !have("xdotool") ? "xdotool"
                          : !have("import")  ? "import (Debian package imagemagick)"
                          : !have("compare") ? "compare (Debian package imagemagick)"
                                             : NULL;
    if (missing) {
        print_message("skipped: %s is not installed; tools/deps installs it\n", missing);
        skip();
    }
    snprintf(dir, sizeof dir, "%s", tu_tmpdir());
    char heard[1024], common[2048], db[600];
    snprintf(heard, sizeof heard, "%s", tu_bin("heard"));
    snprintf(common, sizeof common, "--survey '%s' --translations '%s'",
             tu_src("assets/surveys/example.json"), tu_src("translations"));
    snprintf(db, sizeof db, "%s/kiosk.db", dir);

    /* What each screen should look like, and where its buttons are. */
    const char *events = tu_fmt("%s/walk.events", dir);
    tu_write(events, "shot welcome\ntap @lang.en\nshot consent\ntap @next\nshot tiers\n"
                     "tap @tier.quick\nshot question\n");
    char *out = NULL;
    int rc = tu_run(tu_fmt("'%s' --headless --events '%s' --shots '%s/want' --size %dx%d %s "
                           "--db '%s/headless.db'",
                           heard, events, dir, W, H, common, dir),
                    &out, 1);
    if (rc != 0)
        fail_msg("heard --headless failed (%d): %s", rc, out);
    free(out);

    start_xvfb();
    const char *cmd = tu_fmt("exec '%s' %s --db '%s' >'%s/heard.log' 2>&1", heard, common, db, dir);
    heard_pid = fork();
    assert_true(heard_pid >= 0);
    if (heard_pid == 0) {
        char disp[16];
        snprintf(disp, sizeof disp, ":%d", display);
        setenv("DISPLAY", disp, 1);
        setenv("SDL_VIDEODRIVER", "x11", 1); /* ctest sets dummy for the other tests */
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }

    static const struct {
        const char *screen, *tap, *next;
    } walk[] = {
        {"welcome", "lang.en", "consent"},
        {"consent", "next", "tiers"},
        {"tiers", "tier.quick", "question"},
    };
    double d = wait_for_screen("welcome", SAME_WELCOME);
    if (d > SAME_WELCOME)
        fail_msg("the kiosk's window does not show the welcome screen full-screen: RMSE %.4f "
                 "against the headless picture (see %s)",
                 d, dir);
    for (size_t i = 0; i < sizeof walk / sizeof walk[0]; i++) {
        click(walk[i].screen, walk[i].tap);
        d = wait_for_screen(walk[i].next, SAME_SCREEN);
        if (d > SAME_SCREEN)
            fail_msg("after clicking %s on %s the screen is not %s: RMSE %.4f (see %s)",
                     walk[i].tap, walk[i].screen, walk[i].next, d, dir);
        char before[600], after[600];
        snprintf(before, sizeof before, "%s/x-%s.png", dir, walk[i].screen);
        snprintf(after, sizeof after, "%s/x-%s.png", dir, walk[i].next);
        double changed = difference(before, after);
        print_message("%s -> %s: the screen changed by RMSE %.3f; matches headless within %.4f\n",
                      walk[i].screen, walk[i].next, changed, d);
        assert_true(changed > CHANGED);
    }

    /* The clicks reached the kiosk's logic, not only its pixels. */
    rc = tu_run(tu_fmt("sqlite3 -batch '%s' \"SELECT language, tier, status FROM session\"", db),
                &out, 1);
    assert_int_equal(rc, 0);
    assert_string_equal(out, "en|quick|in_progress\n");
    free(out);

    /* A kiosk ignores SIGTERM's quit request and window-close by design:
     * SIGKILL, which is also what a power cut looks like to it. */
    stop(&heard_pid, SIGKILL);
    stop(&xvfb_pid, SIGTERM);
}

static int teardown(void **state)
{
    (void)state;
    stop(&heard_pid, SIGKILL);
    stop(&xvfb_pid, SIGTERM);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_kiosk_clicks_into_first_question, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
