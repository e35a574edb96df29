/* lint.c — heard-sync lint: checks a survey definition before it goes on a
 * kiosk.
 *
 *   heard-sync lint --survey FILE [--translations DIR]
 *
 * Every problem is printed as "FILE:LINE:COL: what is wrong" on stderr (the
 * form editors jump to), and the exit status is 1. A clean definition gets
 * a one-line summary on stdout and status 0.
 *
 * The work is split so each kind of check is one function taking the
 * parsed survey: lint_definition() today; translation coverage and hard
 * words plug in beside it as lint_translations(), called from sync_lint().
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/survey.h"
#include "lint_i18n.h"
#include "sync.h"
#include "sys/sys.h"

static const char *const CMD = "lint";

/* Prints every diagnostic of d on stderr as "file:line:col: msg". */
static void print_diag(const hd_diag *d)
{
    char line[HD_DIAG_MSG + 512];
    for (int i = 0; i < d->n; i++) {
        hd_diag_format(d, i, line, sizeof line);
        fprintf(stderr, "%s\n", line);
    }
    if (d->dropped > 0)
        fprintf(stderr, "%s: ... and %d more problem%s\n", d->file, d->dropped,
                d->dropped == 1 ? "" : "s");
}

/* Reads and validates the definition at path. On success *out owns the
 * survey and 0 is returned; otherwise the problems are printed and the exit
 * status (1) returned. */
static int lint_definition(const char *path, hd_survey **out)
{
    char *text = NULL;
    size_t len = 0;
    hd_err e = hd_file_read(path, &text, &len);
    if (e != HD_OK)
        return sync_fail(CMD, "cannot read %s: %s", path, hd_strerror(e));
    hd_diag d;
    e = hd_survey_parse(text, len, path, out, &d);
    free(text);
    if (e == HD_OK)
        return 0;
    if (d.n == 0)
        return sync_fail(CMD, "%s: %s", path, hd_strerror(e));
    print_diag(&d);
    return 1;
}

int sync_lint(int argc, char **argv)
{
    static const char *const value_flags[] = {"--survey", "--translations", NULL};
    if (sync_check_args(CMD, argc, argv, value_flags, NULL) != 0)
        return 1;
    for (int i = 0; i < argc; i++)
        if (argv[i][0] != '-' && (i == 0 || argv[i - 1][0] != '-'))
            return sync_fail(CMD, "unexpected argument \"%s\" (usage: heard-sync lint --survey "
                                  "FILE [--translations DIR])",
                             argv[i]);
    const char *path = sync_opt(argc, argv, "--survey");
    if (!path)
        return sync_fail(CMD, "--survey FILE is required");
    const char *tr_dir = sync_opt(argc, argv, "--translations");

    hd_survey *sv = NULL;
    int status = lint_definition(path, &sv);
    if (status != 0)
        return status;

    printf("%s: ok \xe2\x80\x94 %d question%s in %d section%s, %d tier%s, %d language%s\n", path,
           sv->n_questions, sv->n_questions == 1 ? "" : "s", sv->n_sections,
           sv->n_sections == 1 ? "" : "s", sv->n_tiers, sv->n_tiers == 1 ? "" : "s",
           sv->n_languages, sv->n_languages == 1 ? "" : "s");
    /* Missing translations are reported, not failed: the kiosk falls back
     * to the source text. Only files that cannot be read fail the lint. */
    if (tr_dir && sync_lint_translations(CMD, sv, tr_dir, stdout) != 0)
        status = 1;
    hd_survey_free(sv);
    return status;
}
