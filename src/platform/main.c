/* main.c — heard's command line (DESIGN §5). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "platform/app.h"
#include "platform/headless.h"
#include "platform/loop.h"

static const char usage[] =
    "usage: heard [--survey FILE] [--db FILE] [--translations DIR] [--config FILE]\n"
    "             [--windowed] [--size WxH]\n"
    "       heard --headless --events FILE [--shots DIR] [--size WxH] [--survey FILE]\n"
    "             [--db FILE] [--translations DIR] [--config FILE]\n"
    "       heard --version | --help\n";

static const char help[] =
    "\n"
    "heard is an offline survey kiosk. Without --windowed it runs full-screen and\n"
    "cannot be closed from the keyboard; staff open staff mode by holding the\n"
    "top-left corner for 3 seconds.\n"
    "\n"
    "  --survey FILE        survey definition (default: the example survey)\n"
    "  --db FILE            database (default: $XDG_DATA_HOME/heard/heard.db,\n"
    "                       ~/.local/share/heard/heard.db; headless: in memory)\n"
    "  --translations DIR   PO files: DIR/ui/<lang>.po, DIR/<survey-id>/<lang>.po\n"
    "  --config FILE        kiosk configuration JSON (see docs/headless.md)\n"
    "  --windowed           development: a window; Escape, Ctrl+Q, Alt+F4 quit\n"
    "  --size WxH           window or headless screen size (default 800x480)\n"
    "  --headless           no display: run the --events FILE on a virtual clock\n"
    "  --events FILE        tap, hold, type, wait, shot, expect (docs/headless.md)\n"
    "  --shots DIR          where `shot NAME` writes NAME.bmp and NAME.json\n"
    "  --version            print the version\n"
    "  --help               print this help\n";

static int bad_usage(const char *fmt, const char *arg)
{
    fputs("heard: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    fputs(usage, stderr);
    return 2;
}

/* "800x480" -> 800, 480; sizes from 100 to 16384 pixels. */
static bool parse_size(const char *s, int *w, int *h)
{
    char *end;
    long a = strtol(s, &end, 10);
    if (end == s || (*end != 'x' && *end != 'X'))
        return false;
    const char *t = end + 1;
    long b = strtol(t, &end, 10);
    if (end == t || *end != '\0' || a < 100 || b < 100 || a > 16384 || b > 16384)
        return false;
    *w = (int)a;
    *h = (int)b;
    return true;
}

int main(int argc, char **argv)
{
    hd_app_opts ao = {0};
    hd_kiosk_opts ko = {.w = 800, .h = 480};
    hd_headless_opts ho = {.w = 800, .h = 480};
    bool headless = false;
    const char *size = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        /* --flag=value and --flag value are both accepted */
        const char *eq = strncmp(a, "--", 2) == 0 ? strchr(a, '=') : NULL;
        char name[32];
        size_t nl = eq ? (size_t)(eq - a) : strlen(a);
        if (nl >= sizeof name)
            return bad_usage("unknown option %s", a);
        memcpy(name, a, nl);
        name[nl] = '\0';
        const char **value = NULL;
        if (strcmp(name, "--survey") == 0)
            value = &ao.survey_path;
        else if (strcmp(name, "--db") == 0)
            value = &ao.db_path;
        else if (strcmp(name, "--translations") == 0)
            value = &ao.translations_dir;
        else if (strcmp(name, "--config") == 0)
            value = &ao.config_path;
        else if (strcmp(name, "--events") == 0)
            value = &ho.events_path;
        else if (strcmp(name, "--shots") == 0)
            value = &ho.shots_dir;
        else if (strcmp(name, "--size") == 0)
            value = &size;
        if (value) {
            if (eq) {
                *value = eq + 1;
            } else if (i + 1 < argc) {
                *value = argv[++i];
            } else {
                return bad_usage("%s needs a value", name);
            }
            if (!**value)
                return bad_usage("%s needs a value", name);
            continue;
        }
        if (eq)
            return bad_usage("%s takes no value", name);
        if (strcmp(a, "--windowed") == 0) {
            ko.windowed = true;
        } else if (strcmp(a, "--headless") == 0) {
            headless = true;
        } else if (strcmp(a, "--version") == 0) {
            printf("heard %s\n", HD_VERSION);
            return 0;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            fputs(help, stdout);
            return 0;
        } else {
            return bad_usage("unknown option %s", a);
        }
    }
    if (size && !parse_size(size, &ko.w, &ko.h))
        return bad_usage("--size wants WIDTHxHEIGHT in pixels (100 to 16384), e.g. 800x480, "
                         "not \"%s\"", size);
    ho.w = ko.w;
    ho.h = ko.h;
    if (headless) {
        if (!ho.events_path)
            return bad_usage("%s", "--headless needs --events FILE");
        if (ko.windowed)
            return bad_usage("%s", "--windowed makes no sense with --headless");
        ao.headless = true;
        return hd_headless_run(&ao, &ho);
    }
    if (ho.events_path || ho.shots_dir)
        return bad_usage("%s", "--events and --shots only work with --headless");
    return hd_kiosk_run(&ao, &ko);
}
