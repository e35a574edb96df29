/* main.c — heard-sync: the coordinator's tool (DESIGN §5). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sync.h"

static const struct {
    const char *name;
    int (*run)(int, char **);
    const char *usage;
} commands[] = {
    {"merge", sync_merge, "merge --into COORD.db DEVICE.db..."},
    {"export", sync_export,
     "export --db DB --survey FILE --out OUT.csv [--k 5] [--codebook CODEBOOK.csv] "
     "[--include-text TEXT.csv]"},
    {"report", sync_report, "report --db DB --survey FILE [--out REPORT.html]"},
    {"keygen", sync_keygen, "keygen --public FILE --secret FILE"},
    {"pin-hash", sync_pin_hash, "pin-hash   (reads the PIN on standard input)"},
    {"contacts", sync_contacts, "contacts --db DB --secret FILE --out CONTACTS.csv"},
    {"pot", sync_pot, "pot --survey FILE"},
    {"lint", sync_lint, "lint --survey FILE [--translations DIR]"},
};

int sync_fail(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "heard-sync: %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

const char *sync_opt(int argc, char **argv, const char *name)
{
    for (int i = 0; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return argv[i + 1];
    return NULL;
}

int sync_has_flag(int argc, char **argv, const char *name)
{
    for (int i = 0; i < argc; i++)
        if (strcmp(argv[i], name) == 0)
            return 1;
    return 0;
}

static int in_list(const char *s, const char *const *list)
{
    for (; list && *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

int sync_check_args(const char *cmd, int argc, char **argv, const char *const *value_flags,
                    const char *const *bool_flags)
{
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "--", 2) != 0)
            continue;
        if (in_list(argv[i], bool_flags))
            continue;
        if (!in_list(argv[i], value_flags))
            return sync_fail(cmd, "unknown option %s (see heard-sync --help)", argv[i]);
        if (i + 1 >= argc || strncmp(argv[i + 1], "--", 2) == 0)
            return sync_fail(cmd, "%s needs a value", argv[i]);
        i++;
    }
    return 0;
}

static void usage(FILE *f)
{
    fputs("usage: heard-sync COMMAND [options]\n\n", f);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  heard-sync %s\n", commands[i].usage);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("heard-sync %s\n", HD_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    fprintf(stderr, "heard-sync: unknown command \"%s\"\n", argv[1]);
    usage(stderr);
    return 2;
}
