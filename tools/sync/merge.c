/* merge.c — heard-sync merge --into COORD.db DEVICE.db...
 *
 * Each device file is merged in its own transaction (src/store/merge.c does
 * the work and the checking); one bad file is reported and the others still
 * go in. Per file: "device-a.db: 120 new, 3 already present, 0 conflicts".
 * Exit status 1 when any file was refused or had conflicts.
 */
#include <stdio.h>
#include <string.h>

#include "store/sync_store.h"
#include "sync.h"
#include "sync_util.h"

#define CMD "merge"
#define USAGE "merge --into COORD.db DEVICE.db..."
#define MAX_CONFLICT_LINES 20

typedef struct merge_ui {
    const char *file;
    sync_progress bar;
    bool started;
    long conflicts_shown;
} merge_ui;

static void on_progress(void *ctx, long done, long total)
{
    merge_ui *ui = ctx;
    if (!ui->started) {
        sync_progress_start(&ui->bar, ui->file, total);
        ui->started = true;
    }
    sync_progress_update(&ui->bar, done, total);
}

static void on_conflict(void *ctx, const char *kind, const char *id, const char *what)
{
    merge_ui *ui = ctx;
    if (ui->started)
        sync_progress_end(&ui->bar);
    if (ui->conflicts_shown++ < MAX_CONFLICT_LINES)
        printf("%s: conflict: %s %s differs from the copy already merged (%s); kept the merged "
               "copy\n",
               ui->file, kind, id, what);
}

int sync_merge(int argc, char **argv)
{
    static const char *const value_flags[] = {"--into", NULL};
    if (sync_check_args(CMD, argc, argv, value_flags, NULL) != 0)
        return 1;
    const char *into = sync_opt(argc, argv, "--into");
    if (!into)
        return sync_fail(CMD, "--into COORD.db is required (usage: heard-sync " USAGE ")");
    int ndev = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--into") == 0) {
            i++;
            continue;
        }
        ndev++;
    }
    if (ndev == 0)
        return sync_fail(CMD, "no device database given (usage: heard-sync " USAGE ")");
    char why[1024];
    hd_merge *m = NULL;
    hd_err err = hd_merge_open(into, &m, why, sizeof why);
    if (err != HD_OK)
        return sync_fail(CMD, "%s", why);
    int status = 0;
    long total_new = 0, total_present = 0, total_conflict = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--into") == 0) {
            i++;
            continue;
        }
        merge_ui ui = {.file = argv[i]};
        hd_merge_stats st;
        err = hd_merge_device(m, argv[i], &st, on_progress, on_conflict, &ui, why, sizeof why);
        if (ui.started)
            sync_progress_end(&ui.bar);
        if (err != HD_OK) {
            sync_fail(CMD, "%s; nothing from it was merged", why);
            status = 1;
            continue;
        }
        printf("%s: %ld new, %ld already present, %ld conflict%s\n", argv[i], st.sessions_new,
               st.sessions_present, st.sessions_conflict, st.sessions_conflict == 1 ? "" : "s");
        if (st.contacts_new || st.contacts_present || st.contacts_conflict)
            printf("%s: contacts: %ld new, %ld already present, %ld conflict%s\n", argv[i],
                   st.contacts_new, st.contacts_present, st.contacts_conflict,
                   st.contacts_conflict == 1 ? "" : "s");
        if (ui.conflicts_shown > MAX_CONFLICT_LINES)
            printf("%s: ... and %ld more conflicts\n", argv[i],
                   ui.conflicts_shown - MAX_CONFLICT_LINES);
        if (st.flags_added > 0)
            printf("%s: %ld sessions already present are now flagged (completed within the "
                   "kiosk's minimum gap)\n",
                   argv[i], st.flags_added);
        if (st.orphan_answers > 0)
            printf("%s: %ld answers belong to no session in the file and were ignored\n", argv[i],
                   st.orphan_answers);
        fflush(stdout);
        total_new += st.sessions_new;
        total_present += st.sessions_present;
        total_conflict += st.sessions_conflict + st.contacts_conflict;
        if (st.sessions_conflict || st.contacts_conflict)
            status = 1;
    }
    hd_merge_close(m);
    if (ndev > 1)
        printf("%s: %ld new, %ld already present, %ld conflict%s in all\n", into, total_new,
               total_present, total_conflict, total_conflict == 1 ? "" : "s");
    return status;
}
