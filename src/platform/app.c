/* app.c — the kiosk application (see app.h). */
#define _POSIX_C_SOURCE 200809L
#include "platform/app.h"

#include <dirent.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <SDL_ttf.h>

#include "core/i18n.h"
#include "core/results.h"
#include "core/staff.h"
#include "core/updates.h"
#include "core/view.h"
#include "platform/input.h"
#include "platform/render.h"
#include "store/backup.h"
#include "store/store.h"
#include "sys/sys.h"
#include "sys/usb.h"

#define DLIST_CAP 1024
#define DLIST_ARENA (64 * 1024)
#define PATH_CAP 4096
#define KV_VENUE "kiosk.venue"
#define KV_MODE "kiosk.mode"
#define UPDATES_FILE "updates.json"
#define DETAIL_LINES 4 /* problems of a refused updates.json shown on the admin screen */

/* Answer counts read from the store for one question: the values are only
 * valid during the store's callback, so they are copied into text. */
typedef struct counts {
    hd_value_count *vc;
    size_t *off; /* where each value starts in text */
    int n, cap;
    char *text;
    size_t used, text_cap;
    bool nomem;
} counts;

struct hd_app {
    hd_app_opts opts;
    hd_config cfg;
    char config_dir[PATH_CAP];
    char db_path[PATH_CAP];
    hd_survey *sv;
    hd_i18n *i18n;
    hd_store *st;
    hd_flow *flow;
    unsigned char public_key[crypto_box_PUBLICKEYBYTES];
    bool have_key;
    const char *venue;        /* NULL: none; else venue_buf or a config venue */
    char venue_buf[HD_VENUE_MAX];
    char mode[16];            /* "self" or "assisted", recorded on every session */
    hd_staff_lock lock;       /* the staff PIN lockout, as kept in kv */

    hd_updates *updates;      /* "You said, we did", as loaded by staff */
    hd_view_result *results;  /* "What we've heard so far", one per show_results question */
    int n_results;
    hd_view_rep *rep;         /* the admin screen's representation figures */
    int n_rep;
    hd_view_admin admin;      /* the admin screen's figures and USB outcome */
    char admin_file[256];
    char admin_detail[DETAIL_LINES * (HD_DIAG_MSG + 64)];
    counts cnt;               /* scratch for hd_store_value_counts */
    hd_screen last_screen;    /* to notice the admin screen being entered */

    SDL_Renderer *renderer;
    hd_text *text;
    hd_metrics metrics;
    hd_dlist dl;
    bool dl_ready;
    int w, h;
    hd_input in;
    bool dirty;

    int64_t now_ms;
    int64_t last_tick_ms; /* deadlines at or before this were already ticked */
    char session[HD_UUID_LEN + 1];
    unsigned char *sealed; /* room for one sealed contact record */
    size_t sealed_cap;
    bool quit;
    bool logged_overflow;
};

/* ---- clock ----------------------------------------------------------------- */

/* Wall-clock time for ISO timestamps: the real clock in the kiosk; in a
 * headless run the virtual clock, which started at the real time of day. */
static int64_t wall_ms(const hd_app *a)
{
    return a->opts.headless ? a->now_ms : hd_wall_ms();
}

/* ---- loading ----------------------------------------------------------------- */

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* dir/name into out; false (and a log line) when it does not fit. */
static bool path_join(char *out, size_t cap, const char *dir, const char *name)
{
    int n = dir ? snprintf(out, cap, "%s/%s", dir, name) : snprintf(out, cap, "%s", name);
    if (n < 0 || (size_t)n >= cap) {
        hd_log("path too long: %s/%s", dir ? dir : "", name);
        return false;
    }
    return true;
}

/* A path from the config, relative to the config file's directory. */
static void resolve(const hd_app *a, const char *path, char *out, size_t cap)
{
    bool absolute = path[0] == '/' || !a->config_dir[0];
    if (!path_join(out, cap, absolute ? NULL : a->config_dir, path))
        out[0] = '\0';
}

static void print_diag(const hd_diag *d)
{
    char buf[HD_DIAG_MSG + 512];
    for (int i = 0; i < d->n; i++) {
        hd_diag_format(d, i, buf, sizeof buf);
        fprintf(stderr, "%s\n", buf);
    }
    if (d->dropped)
        fprintf(stderr, "%s: %d more problems not shown\n", d->file ? d->file : "", d->dropped);
}

static hd_err load_config(hd_app *a)
{
    hd_config_default(&a->cfg);
    const char *path = a->opts.config_path;
    if (!path)
        return HD_OK;
    const char *slash = strrchr(path, '/');
    if (slash)
        snprintf(a->config_dir, sizeof a->config_dir, "%.*s", (int)(slash - path), path);
    if (slash == path)
        snprintf(a->config_dir, sizeof a->config_dir, "/");
    char *text;
    size_t len;
    hd_err err = hd_file_read(path, &text, &len);
    if (err != HD_OK) {
        fprintf(stderr, "%s: cannot read the configuration: %s\n", path, hd_strerror(err));
        return err == HD_ENOMEM ? err : HD_EPARSE;
    }
    hd_diag d;
    hd_diag_init(&d, path);
    err = hd_config_parse(text, len, path, &a->cfg, &d);
    free(text);
    if (err != HD_OK) {
        print_diag(&d);
        if (d.n == 0)
            fprintf(stderr, "%s: %s\n", path, hd_strerror(err));
        return err;
    }
    return HD_OK;
}

/* The coordinator's public key: the file heard-sync keygen wrote, base64
 * (original alphabet, with padding) of the 32-byte key and a newline. */
static hd_err load_public_key(hd_app *a)
{
    if (!a->cfg.coordinator_public_key)
        return HD_OK;
    char path[PATH_CAP];
    resolve(a, a->cfg.coordinator_public_key, path, sizeof path);
    char *text;
    size_t len;
    hd_err err = hd_file_read(path, &text, &len);
    if (err != HD_OK) {
        fprintf(stderr, "%s: coordinator_public_key: cannot read %s: %s\n",
                a->opts.config_path, path, hd_strerror(err));
        return HD_EPARSE;
    }
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
        len--;
    size_t bin_len = 0;
    int rc = sodium_base642bin(a->public_key, sizeof a->public_key, text, len, NULL, &bin_len,
                               NULL, sodium_base64_VARIANT_ORIGINAL);
    free(text);
    if (rc != 0 || bin_len != crypto_box_PUBLICKEYBYTES) {
        fprintf(stderr,
                "%s: coordinator_public_key: %s is not a public key written by heard-sync "
                "keygen (base64 of %d bytes)\n",
                a->opts.config_path, path, crypto_box_PUBLICKEYBYTES);
        return HD_EPARSE;
    }
    a->have_key = true;
    return HD_OK;
}

static const char *default_survey(char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/surveys/example.json", HD_DATADIR);
    if (file_exists(buf))
        return buf;
    snprintf(buf, cap, "%s/assets/surveys/example.json", HD_SOURCE_DIR);
    return buf;
}

static const char *default_translations(char *buf, size_t cap)
{
    snprintf(buf, cap, "%s/translations", HD_DATADIR);
    if (file_exists(buf))
        return buf;
    snprintf(buf, cap, "%s/translations", HD_SOURCE_DIR);
    return buf;
}

static hd_err load_survey(hd_app *a)
{
    char def[PATH_CAP];
    const char *path = a->opts.survey_path ? a->opts.survey_path : default_survey(def, sizeof def);
    char *text;
    size_t len;
    hd_err err = hd_file_read(path, &text, &len);
    if (err != HD_OK) {
        fprintf(stderr, "%s: cannot read the survey: %s\n", path, hd_strerror(err));
        return err == HD_ENOMEM ? err : HD_EPARSE;
    }
    hd_diag *d = malloc(sizeof *d);
    if (!d) {
        free(text);
        return HD_ENOMEM;
    }
    hd_diag_init(d, path);
    err = hd_survey_parse(text, len, path, &a->sv, d);
    free(text);
    if (err != HD_OK) {
        print_diag(d);
        if (d->n == 0)
            fprintf(stderr, "%s: %s\n", path, hd_strerror(err));
    }
    free(d);
    return err;
}

/* Loads every <lang>.po in dir as a catalogue of kind cat. A broken file is
 * logged with its position and skipped: the kiosk still runs, in the source
 * language where a translation is missing. */
static void load_po_dir(hd_app *a, const char *dir, hd_catalog cat)
{
    DIR *dp = opendir(dir);
    if (!dp) {
        if (errno != ENOENT)
            hd_log("cannot read translations in %s: %s", dir, strerror(errno));
        return;
    }
    hd_diag *d = malloc(sizeof *d);
    struct dirent *de;
    while (d && (de = readdir(dp)) != NULL) {
        size_t n = strlen(de->d_name);
        if (n <= 3 || strcmp(de->d_name + n - 3, ".po") != 0)
            continue;
        char lang[HD_LANG_MAX];
        if (n - 3 >= sizeof lang)
            continue;
        memcpy(lang, de->d_name, n - 3);
        lang[n - 3] = '\0';
        char path[PATH_CAP];
        if (!path_join(path, sizeof path, dir, de->d_name))
            continue;
        if (!hd_lang_code_valid(lang)) {
            hd_log("%s: skipped: \"%s\" is not a language code", path, lang);
            continue;
        }
        char *text;
        size_t len;
        hd_err err = hd_file_read(path, &text, &len);
        if (err != HD_OK) {
            hd_log("%s: skipped: %s", path, hd_strerror(err));
            continue;
        }
        hd_diag_init(d, path);
        err = hd_i18n_load_po(a->i18n, cat, lang, text, len, path, d);
        free(text);
        if (err != HD_OK) {
            char buf[HD_DIAG_MSG + 512];
            for (int i = 0; i < d->n; i++) {
                hd_diag_format(d, i, buf, sizeof buf);
                hd_log("%s", buf);
            }
            hd_log("%s: skipped (%s); the kiosk shows the source text instead", path,
                   hd_strerror(err));
        }
    }
    free(d);
    closedir(dp);
}

static hd_err load_translations(hd_app *a)
{
    hd_err err = hd_i18n_open(&a->i18n);
    if (err != HD_OK)
        return err;
    char def[PATH_CAP];
    const char *dir = a->opts.translations_dir ? a->opts.translations_dir
                                               : default_translations(def, sizeof def);
    if (!file_exists(dir)) {
        hd_log("translations directory %s not found: showing the source language only", dir);
        return HD_OK;
    }
    char sub[PATH_CAP];
    if (path_join(sub, sizeof sub, dir, "ui"))
        load_po_dir(a, sub, HD_CAT_UI);
    if (path_join(sub, sizeof sub, dir, a->sv->id))
        load_po_dir(a, sub, HD_CAT_SURVEY);
    return HD_OK;
}

/* mkdir -p of the directory part of path. */
static void make_parent_dirs(const char *path)
{
    char buf[PATH_CAP];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0700) != 0 && errno != EEXIST)
            hd_log("cannot create %s: %s", buf, strerror(errno));
        *p = '/';
    }
}

/* Where the database is: --db, else in memory (headless), else under
 * $XDG_DATA_HOME or ~/.local/share (the directory is created). */
static void resolve_db_path(hd_app *a)
{
    if (a->opts.db_path) {
        snprintf(a->db_path, sizeof a->db_path, "%s", a->opts.db_path);
    } else if (a->opts.headless) {
        snprintf(a->db_path, sizeof a->db_path, ":memory:");
    } else {
        const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
        if (xdg && xdg[0] == '/')
            snprintf(a->db_path, sizeof a->db_path, "%s/heard/heard.db", xdg);
        else
            snprintf(a->db_path, sizeof a->db_path, "%s/.local/share/heard/heard.db",
                     home && *home ? home : ".");
        make_parent_dirs(a->db_path);
    }
}

/* Opens the database at a->db_path. A database that cannot be opened
 * (read-only or full media, a missing directory, a file of another program
 * or a newer heard) does not stop the kiosk: hd_app_open goes on without
 * one, the flow shows "Please ask a member of staff", and the next session
 * start tries again, so remounting the medium or freeing space is enough.
 * Restarting would not help, and a kiosk that exits is restarted by systemd
 * in a loop with nothing on the screen. */
static hd_err open_store(hd_app *a)
{
    char moved[PATH_CAP];
    moved[0] = '\0';
    hd_err err = hd_store_open(a->db_path, &a->st, moved, sizeof moved);
    if (err != HD_OK) {
        a->st = NULL;
        hd_log("cannot open the database %s: %s", a->db_path, hd_strerror(err));
        return err;
    }
    if (moved[0])
        hd_log("the database %s was damaged: it was left untouched as %s and a new database "
               "was started at %s",
               a->db_path, moved, a->db_path);
    return HD_OK;
}

/* Sessions a crash or power cut left in_progress belong to nobody now: they
 * are ended as abandoned, keeping every answer the participant was told was
 * saved. */
static void close_open_sessions(hd_app *a)
{
    if (!a->st)
        return;
    char at[21];
    hd_iso8601(wall_ms(a), at);
    long ended = 0;
    hd_err err = hd_store_abandon_open_sessions(a->st, at, &ended);
    if (err != HD_OK)
        hd_log("cannot close the sessions left open by the last run: %s", hd_strerror(err));
    else if (ended > 0)
        hd_log("%ld session(s) left open by a crash or power cut were kept as abandoned", ended);
}

/* Where the device is, for every new session: the venue staff last chose
 * in staff mode (kept in kv, so a restart keeps it), else the configured
 * venue, else the only one listed, else none. */
static void choose_venue(hd_app *a)
{
    a->venue = NULL;
    if (hd_store_kv_get(a->st, KV_VENUE, a->venue_buf, sizeof a->venue_buf) == HD_OK &&
        a->venue_buf[0]) {
        a->venue = a->venue_buf;
        return;
    }
    if (a->cfg.venue)
        a->venue = a->cfg.venue;
    else if (a->cfg.n_venues == 1)
        a->venue = a->cfg.venues[0];
}

/* Self or assisted, for every new session: the last choice in staff mode,
 * else the config's, else self. */
static void choose_mode(hd_app *a)
{
    char buf[16];
    if (hd_store_kv_get(a->st, KV_MODE, buf, sizeof buf) == HD_OK &&
        (strcmp(buf, "self") == 0 || strcmp(buf, "assisted") == 0)) {
        snprintf(a->mode, sizeof a->mode, "%s", buf);
        return;
    }
    snprintf(a->mode, sizeof a->mode, "%s", a->cfg.mode ? a->cfg.mode : "self");
}

/* The staff PIN lockout as kept in kv; unreadable state is logged and
 * forgotten (docs/staff-mode.md). */
static void load_lock(hd_app *a)
{
    hd_staff_init(&a->lock);
    char buf[HD_STAFF_STATE_MAX];
    hd_err err = hd_store_kv_get(a->st, HD_STAFF_KV_KEY, buf, sizeof buf);
    if (err == HD_OK && hd_staff_parse(buf, &a->lock) != HD_OK)
        hd_log("the stored staff PIN lockout \"%s\" cannot be read: starting from none", buf);
    else if (err != HD_OK && err != HD_ENOTFOUND)
        hd_log("cannot read the staff PIN lockout: %s", hd_strerror(err));
}

/* Saves the lockout; false when it could not be (logged). */
static bool save_lock(hd_app *a)
{
    char buf[HD_STAFF_STATE_MAX];
    hd_err err = hd_staff_format(&a->lock, buf, sizeof buf);
    if (err == HD_OK)
        err = hd_store_kv_set(a->st, HD_STAFF_KV_KEY, buf);
    if (err != HD_OK)
        hd_log("cannot save the staff PIN lockout: %s", hd_strerror(err));
    return err == HD_OK;
}

/* The updates staff loaded last time, from the database. */
static void load_updates(hd_app *a)
{
    char *text = NULL;
    size_t len = 0;
    hd_err err = hd_store_updates_get(a->st, &text, &len);
    if (err == HD_ENOTFOUND)
        return;
    if (err != HD_OK) {
        hd_log("cannot read the stored updates: %s", hd_strerror(err));
        return;
    }
    hd_diag *d = malloc(sizeof *d);
    if (d) {
        hd_diag_init(d, UPDATES_FILE);
        if (hd_updates_parse(text, len, UPDATES_FILE, &a->updates, d) != HD_OK)
            hd_log("the stored updates no longer parse: none are shown");
    }
    free(d);
    free(text);
}

/* What an open database brings: the sessions the last run left open closed,
 * the minimum gap between sessions, the staff PIN lockout and the updates
 * staff loaded. At start-up, or when a database that could not be opened
 * is there at last (a kiosk without one logs that once, not every read). */
static void store_opened(hd_app *a)
{
    close_open_sessions(a);
    if (hd_store_set_min_gap(a->st, a->cfg.min_gap_s) != HD_OK)
        hd_log("min_gap_s %d was refused: keeping %d s", a->cfg.min_gap_s, HD_MIN_GAP_DEFAULT_S);
    /* attempts made while there was no database still count */
    if (a->lock.failures == 0 && a->lock.lockouts == 0)
        load_lock(a);
    if (!a->updates)
        load_updates(a);
}

/* ---- counting ---------------------------------------------------------------- */

static void count_value(void *ctx, const char *value, long n)
{
    counts *c = ctx;
    if (c->nomem)
        return;
    size_t len = strlen(value) + 1;
    if (c->n == c->cap) {
        int cap = c->cap ? c->cap * 2 : 32;
        hd_value_count *vc = realloc(c->vc, (size_t)cap * sizeof *vc);
        if (vc)
            c->vc = vc;
        size_t *off = vc ? realloc(c->off, (size_t)cap * sizeof *off) : NULL;
        if (!vc || !off) {
            c->nomem = true;
            return;
        }
        c->off = off;
        c->cap = cap;
    }
    if (c->used + len > c->text_cap) {
        size_t cap = c->text_cap ? c->text_cap * 2 : 1024;
        while (cap < c->used + len)
            cap *= 2;
        char *t = realloc(c->text, cap);
        if (!t) {
            c->nomem = true;
            return;
        }
        c->text = t;
        c->text_cap = cap;
    }
    memcpy(c->text + c->used, value, len);
    c->off[c->n] = c->used;
    c->vc[c->n].count = n;
    c->n++;
    c->used += len;
}

/* Reads question q's answer counts into a->cnt; false (logged) on failure. */
static bool read_counts(hd_app *a, int q)
{
    counts *c = &a->cnt;
    c->n = 0;
    c->used = 0;
    c->nomem = false;
    hd_err err = hd_store_value_counts(a->st, a->sv->id, a->sv->questions[q].id, count_value, c);
    if (err == HD_OK && c->nomem)
        err = HD_ENOMEM;
    if (err != HD_OK) {
        hd_log("cannot count the answers to %s: %s", a->sv->questions[q].id, hd_strerror(err));
        return false;
    }
    for (int i = 0; i < c->n; i++)
        c->vc[i].value = c->text + c->off[i];
    return true;
}

/* "What we've heard so far": the bars of every show_results question.
 * Counted when the kiosk starts and after each completed session, never
 * per frame. */
static void compute_results(hd_app *a)
{
    for (int i = 0; i < a->n_results; i++) {
        hd_view_result *r = &a->results[i];
        r->r.shown = false;
        r->r.n_bars = 0;
        if (read_counts(a, r->question))
            hd_results_compute(&a->sv->questions[r->question], a->cnt.vc, a->cnt.n, &r->r);
    }
}

/* The admin screen's figures: sessions per tier today and in total, the
 * flagged ones, and the representation against the survey's targets. */
static void refresh_admin(hd_app *a)
{
    hd_view_admin *ad = &a->admin;
    char today[11];
    hd_iso_date(wall_ms(a), today);
    hd_err err = hd_store_tier_counts(a->st, a->sv->id, today, ad->today);
    if (err == HD_OK)
        err = hd_store_tier_counts(a->st, a->sv->id, NULL, ad->total);
    if (err == HD_OK)
        err = hd_store_flagged_count(a->st, a->sv->id, today, &ad->flagged_today);
    if (err == HD_OK)
        err = hd_store_flagged_count(a->st, a->sv->id, NULL, &ad->flagged_total);
    if (err != HD_OK)
        hd_log("cannot count the sessions for the staff screen: %s", hd_strerror(err));
    for (int i = 0; i < a->n_rep; i++) {
        hd_view_rep *r = &a->rep[i];
        r->rep.n_rows = 0;
        r->rep.answered = 0;
        r->rep.answered_few = false;
        if (read_counts(a, r->question))
            hd_results_representation(&a->sv->questions[r->question], a->cnt.vc, a->cnt.n,
                                      &r->rep);
    }
    ad->rep = a->rep;
    ad->n_rep = a->n_rep;
    ad->venues = (const char *const *)a->cfg.venues;
    ad->n_venues = a->cfg.n_venues;
}

/* Room for the questions that show results and those with targets. */
static hd_err setup_figures(hd_app *a)
{
    int nr = 0, nt = 0;
    for (int q = 0; q < a->sv->n_questions; q++) {
        const hd_question *qq = &a->sv->questions[q];
        bool countable = qq->type == HD_Q_SINGLE || qq->type == HD_Q_MULTI ||
                         qq->type == HD_Q_LIKERT5 || qq->type == HD_Q_YESNO;
        nr += qq->show_results && countable;
        nt += qq->has_targets && (qq->type == HD_Q_SINGLE || qq->type == HD_Q_MULTI);
    }
    a->results = calloc((size_t)(nr ? nr : 1), sizeof *a->results);
    a->rep = calloc((size_t)(nt ? nt : 1), sizeof *a->rep);
    if (!a->results || !a->rep)
        return HD_ENOMEM;
    for (int q = 0; q < a->sv->n_questions; q++) {
        const hd_question *qq = &a->sv->questions[q];
        bool countable = qq->type == HD_Q_SINGLE || qq->type == HD_Q_MULTI ||
                         qq->type == HD_Q_LIKERT5 || qq->type == HD_Q_YESNO;
        if (qq->show_results && countable)
            a->results[a->n_results++].question = q;
        if (qq->has_targets && (qq->type == HD_Q_SINGLE || qq->type == HD_Q_MULTI))
            a->rep[a->n_rep++].question = q;
    }
    a->admin.progress_pct = -1;
    return HD_OK;
}

hd_err hd_app_open(const hd_app_opts *o, int64_t now_ms, hd_app **out)
{
    if (sodium_init() < 0) {
        hd_log("libsodium could not start");
        return HD_ECRYPTO;
    }
    hd_app *a = calloc(1, sizeof *a);
    if (!a)
        return HD_ENOMEM;
    a->opts = *o;
    a->now_ms = now_ms;
    a->last_tick_ms = now_ms;
    hd_err err = load_config(a);
    if (err == HD_OK)
        err = load_public_key(a);
    if (err == HD_OK)
        err = load_survey(a);
    if (err == HD_OK)
        err = load_translations(a);
    if (err == HD_OK) {
        resolve_db_path(a);
        if (open_store(a) == HD_ENOMEM)
            err = HD_ENOMEM; /* any other failure: on without a database (open_store) */
    }
    if (err == HD_OK) {
        hd_staff_init(&a->lock);
        if (a->st)
            store_opened(a);
        choose_venue(a);
        choose_mode(a);
        if (hd_survey_find_tier(a->sv, "group") >= 0 && !a->have_key)
            hd_log("the \"group\" tier is not offered: the config names no "
                   "coordinator_public_key to seal contact details with");
        err = setup_figures(a);
    }
    if (err == HD_OK) {
        if (a->st)
            compute_results(a);
        hd_flow_config fc;
        hd_flow_config_default(&fc);
        fc.still_there_after_ms = a->cfg.still_there_after_ms;
        fc.reset_after_ms = a->cfg.reset_after_ms;
        fc.thanks_ms = a->cfg.thanks_ms;
        fc.group_allowed = a->have_key;
        fc.staff_allowed = a->cfg.staff_pin_hash != NULL;
        err = hd_flow_open(a->sv, &fc, now_ms, &a->flow);
    }
    if (err == HD_OK) {
        a->sealed_cap = (size_t)a->flow->scratch_cap + crypto_box_SEALBYTES + 1;
        a->sealed = malloc(a->sealed_cap);
        if (!a->sealed)
            err = HD_ENOMEM;
    }
    if (err == HD_OK)
        err = hd_dlist_init(&a->dl, DLIST_CAP, DLIST_ARENA);
    if (err != HD_OK) {
        hd_app_close(a);
        return err;
    }
    if (!a->st) {
        /* The welcome screen shows "Please ask a member of staff" at once. */
        hd_action failed = {.kind = HD_ACT_STORE_FAILED, .now_ms = now_ms, .num = 0};
        hd_flow_reduce(a->flow, &failed);
    }
    a->dl_ready = true;
    *out = a;
    return HD_OK;
}

void hd_app_close(hd_app *a)
{
    if (!a)
        return;
    hd_text_close(a->text);
    if (a->dl_ready)
        hd_dlist_free(&a->dl);
    hd_flow_close(a->flow);
    hd_store_close(a->st);
    hd_updates_free(a->updates);
    free(a->results);
    free(a->rep);
    free(a->cnt.vc);
    free(a->cnt.off);
    free(a->cnt.text);
    hd_i18n_close(a->i18n);
    hd_survey_free(a->sv);
    hd_config_clear(&a->cfg);
    free(a->sealed);
    sodium_memzero(a->public_key, sizeof a->public_key);
    free(a);
}

const hd_config *hd_app_config(const hd_app *a) { return &a->cfg; }
const hd_dlist *hd_app_dlist(const hd_app *a) { return &a->dl; }
const hd_flow *hd_app_flow(const hd_app *a) { return a->flow; }
const hd_survey *hd_app_survey(const hd_app *a) { return a->sv; }
bool hd_app_quit(const hd_app *a) { return a->quit; }
bool hd_app_dirty(const hd_app *a) { return a->dirty; }

/* ---- layout ---------------------------------------------------------------- */

/* When the PIN lockout ends, on the actions' clock (0: not locked). */
static int64_t lock_until(const hd_app *a)
{
    if (a->flow->screen != HD_SCREEN_ADMIN_PIN && a->flow->return_to != HD_SCREEN_ADMIN_PIN)
        return 0;
    hd_staff_lock l = a->lock; /* a copy: looking must not change what is stored */
    int64_t wall = wall_ms(a), left = 0;
    if (!hd_staff_locked(&l, wall / 1000, &left))
        return 0;
    return a->now_ms + (l.locked_until_s * 1000 - wall);
}

static void layout(hd_app *a)
{
    if (!a->text)
        return;
    hd_view_extra extra = {.mode = a->mode,
                           .venue = a->venue,
                           .now_ms = a->now_ms,
                           .pin_locked_until_ms = lock_until(a),
                           .updates = a->updates,
                           .results = a->results,
                           .n_results = a->n_results,
                           .admin = &a->admin};
    hd_text_set_lang(a->text, a->flow->lang);
    hd_view(a->flow, a->i18n, &a->metrics, &extra, a->w, a->h, &a->dl);
    hd_input_decorate(&a->in, &a->dl, &a->metrics);
    if (a->dl.overflowed && !a->logged_overflow) {
        hd_log("the display list overflowed on screen %s: some elements are missing (a bug)",
               a->dl.screen ? a->dl.screen : "?");
        a->logged_overflow = true;
    }
    a->dirty = true;
}

hd_err hd_app_attach(hd_app *a, SDL_Renderer *r, int w, int h)
{
    if (TTF_WasInit() == 0 && TTF_Init() != 0) {
        hd_log("SDL_ttf could not start: %s", TTF_GetError());
        return HD_EIO;
    }
    char fonts[PATH_CAP];
    const char *font_dir = NULL;
    if (a->cfg.font_dir) {
        resolve(a, a->cfg.font_dir, fonts, sizeof fonts);
        font_dir = fonts;
    }
    hd_err err = hd_text_open(r, font_dir, &a->text);
    if (err != HD_OK) {
        hd_log("cannot open the fonts%s%s: %s", font_dir ? " in " : "", font_dir ? font_dir : "",
               hd_strerror(err));
        return err;
    }
    a->renderer = r;
    a->metrics = (hd_metrics){.ctx = a->text, .text_size = hd_text_size};
    a->w = w;
    a->h = h;
    hd_input_init(&a->in, w, h);
    layout(a);
    return HD_OK;
}

void hd_app_resize(hd_app *a, int w, int h)
{
    if (w == a->w && h == a->h)
        return;
    a->w = w;
    a->h = h;
    hd_input_resize(&a->in, w, h);
    layout(a);
}

void hd_app_draw(hd_app *a)
{
    if (a->renderer)
        hd_render_dlist(a->renderer, a->text, &a->dl);
    a->dirty = false;
}

/* ---- effects ----------------------------------------------------------------- */

static const char *question_id(const hd_app *a, int q)
{
    return q >= 0 && q < a->sv->n_questions ? a->sv->questions[q].id : "?";
}

/* The staff PIN (docs/staff-mode.md): refused without a look while the
 * lockout runs; otherwise checked against the configured Argon2id hash. A
 * wrong PIN is counted, and the lockout saved, before the answer goes back
 * (so before "Wrong PIN" is shown): pulling the plug cannot undo it. The
 * lockout counts on the wall clock, which a restart does not reset. */
static bool check_pin(hd_app *a, const char *pin)
{
    int64_t now_s = wall_ms(a) / 1000, left = 0;
    hd_staff_lock before = a->lock;
    bool locked = hd_staff_locked(&a->lock, now_s, &left);
    if (memcmp(&before, &a->lock, sizeof before) != 0)
        save_lock(a); /* the clock went back: the lockout restarted from now */
    if (locked) {
        hd_log("staff PIN refused: locked out for %lld s more", (long long)left);
        return false;
    }
    bool ok = a->cfg.staff_pin_hash && pin &&
              crypto_pwhash_str_verify(a->cfg.staff_pin_hash, pin, strlen(pin)) == 0;
    if (ok) {
        bool had = a->lock.failures || a->lock.lockouts;
        hd_staff_record_success(&a->lock);
        if (had)
            save_lock(a);
        return true;
    }
    if (hd_staff_record_failure(&a->lock, now_s))
        hd_log("staff PIN wrong %d times: locked out for %d s", HD_STAFF_MAX_FAILURES,
               hd_staff_lock_seconds(a->lock.lockouts));
    save_lock(a);
    return false;
}

/* ---- the USB stick ------------------------------------------------------------ */

/* The stick's directory: usb_dir from the config (relative to it), else the
 * first stick mounted under /media or /run/media. */
static hd_err usb_dir(hd_app *a, char *out, size_t cap)
{
    char conf[PATH_CAP];
    conf[0] = '\0';
    if (a->cfg.usb_dir)
        resolve(a, a->cfg.usb_dir, conf, sizeof conf);
    return hd_usb_find_dir(conf[0] ? conf : NULL, out, cap);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Progress of a copy: the admin screen's bar, drawn at once on a kiosk
 * (the loop does not run while the copy does). */
static void copy_progress(void *ctx, int done, int total)
{
    hd_app *a = ctx;
    int pct = total > 0 ? (int)((long long)done * 100 / total) : 0;
    if (pct == a->admin.progress_pct)
        return;
    a->admin.progress_pct = pct;
    if (!a->renderer || a->opts.headless)
        return;
    layout(a);
    hd_app_draw(a);
    SDL_RenderPresent(a->renderer);
    SDL_PumpEvents(); /* keep the window answering the compositor */
}

static void usb_copy(hd_app *a)
{
    hd_view_admin *ad = &a->admin;
    ad->op = HD_USB_COPY;
    ad->op_file = NULL;
    ad->op_detail = NULL;
    ad->progress_pct = -1;
    char dir[PATH_CAP], written[PATH_CAP];
    hd_err err = usb_dir(a, dir, sizeof dir);
    if (err == HD_OK) {
        ad->progress_pct = 0;
        err = hd_store_backup_ex(a->st, dir, HD_BACKUP_STEP_PAGES, copy_progress, a, written,
                                 sizeof written);
        ad->progress_pct = -1;
    }
    ad->op_err = err;
    if (err == HD_OK) {
        snprintf(a->admin_file, sizeof a->admin_file, "%.*s", (int)sizeof a->admin_file - 1,
                 base_name(written));
        ad->op_file = a->admin_file;
        hd_log("copied the database to %s (checked)", written);
    } else {
        hd_log("copy to USB failed: %s", hd_strerror(err));
    }
}

/* Loads updates.json from the stick: the whole file is checked first; a
 * file with any problem changes nothing, and its problems are shown. */
static void usb_updates(hd_app *a)
{
    hd_view_admin *ad = &a->admin;
    ad->op = HD_USB_UPDATES;
    ad->op_file = NULL;
    ad->op_detail = NULL;
    ad->op_count = 0;
    ad->progress_pct = -1;
    char dir[PATH_CAP], path[PATH_CAP];
    hd_err err = usb_dir(a, dir, sizeof dir);
    if (err != HD_OK) {
        ad->op_err = err;
        hd_log("loading updates: no USB stick: %s", hd_strerror(err));
        return;
    }
    ad->op_file = UPDATES_FILE;
    if (!path_join(path, sizeof path, dir, UPDATES_FILE)) {
        ad->op_err = HD_EINVAL;
        return;
    }
    char *text = NULL;
    size_t len = 0;
    err = hd_file_read(path, &text, &len);
    if (err != HD_OK) {
        ad->op_err = err;
        hd_log("cannot read %s: %s", path, hd_strerror(err));
        return;
    }
    hd_diag *d = malloc(sizeof *d);
    hd_updates *u = NULL;
    if (!d) {
        free(text);
        ad->op_err = HD_ENOMEM;
        return;
    }
    hd_diag_init(d, UPDATES_FILE);
    err = hd_updates_parse(text, len, UPDATES_FILE, &u, d);
    if (err == HD_OK) {
        err = hd_store_updates_set(a->st, text);
        if (err != HD_OK) {
            hd_log("cannot keep the updates: %s", hd_strerror(err));
            hd_updates_free(u);
        }
    } else if (err == HD_EPARSE) {
        /* every problem to the log, the first few to the screen */
        size_t o = 0;
        a->admin_detail[0] = '\0';
        for (int i = 0; i < d->n; i++) {
            char line[HD_DIAG_MSG + 512];
            hd_diag_format(d, i, line, sizeof line);
            hd_log("%s: %s", dir, line);
            if (i < DETAIL_LINES) {
                int w = snprintf(a->admin_detail + o, sizeof a->admin_detail - o, "%s%s",
                                 i ? "\n" : "", line);
                if (w > 0 && (size_t)w < sizeof a->admin_detail - o)
                    o += (size_t)w;
            }
        }
        if (d->n > DETAIL_LINES || d->dropped) {
            int w = snprintf(a->admin_detail + o, sizeof a->admin_detail - o,
                             "\n(+%d, in the log)", d->n - DETAIL_LINES + d->dropped);
            if (w > 0 && (size_t)w < sizeof a->admin_detail - o)
                o += (size_t)w;
        }
        ad->op_detail = a->admin_detail;
    }
    free(d);
    free(text);
    ad->op_err = err;
    if (err == HD_OK) {
        hd_updates_free(a->updates);
        a->updates = u;
        ad->op_count = hd_updates_count(u);
        hd_log("loaded %d updates from %s", ad->op_count, path);
    }
}

static hd_err seal_contact(hd_app *a, const char *json)
{
    if (!a->have_key) {
        hd_log("a contact record came without a coordinator public key configured");
        return HD_ECRYPTO;
    }
    size_t len = strlen(json);
    size_t need = len + crypto_box_SEALBYTES;
    if (need > a->sealed_cap) {
        unsigned char *grown = realloc(a->sealed, need);
        if (!grown)
            return HD_ENOMEM;
        a->sealed = grown;
        a->sealed_cap = need;
    }
    if (crypto_box_seal(a->sealed, (const unsigned char *)json, len, a->public_key) != 0)
        return HD_ECRYPTO;
    char date[11];
    hd_iso_date(wall_ms(a), date);
    hd_err err = hd_store_contact_add(a->st, a->sv->id, date, a->sealed, need);
    /* The plaintext lives in the flow's scratch buffer: wipe it now that the
     * sealed copy is stored (or failed to be), so no contact detail lingers. */
    if (a->flow->scratch && (const char *)a->flow->scratch == json)
        sodium_memzero(a->flow->scratch, (size_t)a->flow->scratch_cap);
    return err;
}

/* Carries out one effect. *follow receives an action to reduce afterwards
 * (the PIN result). */
static hd_err run_effect(hd_app *a, const hd_effect *fx, hd_action *follow)
{
    char at[21];
    hd_iso8601(wall_ms(a), at);
    switch (fx->kind) {
    case HD_FX_START_SESSION: {
        if (!a->st) {
            hd_err err = open_store(a); /* see open_store: the medium may be back */
            if (err != HD_OK)
                return err;
            hd_log("the database %s is open now", a->db_path);
            store_opened(a);
            compute_results(a);
            if (!a->venue)
                choose_venue(a);
        }
        const hd_flow *f = a->flow;
        hd_session_info info = {
            .survey_id = a->sv->id,
            .survey_version = a->sv->version,
            .language = f->lang,
            .tier = f->tier >= 0 && f->tier < a->sv->n_tiers ? a->sv->tiers[f->tier].id : NULL,
            .venue = a->venue,
            .mode = a->mode,
            .started_at = at,
        };
        return hd_store_session_start(a->st, &info, a->session);
    }
    case HD_FX_SAVE_ANSWER: {
        const char *qid = question_id(a, fx->question);
        if (!a->session[0]) {
            hd_log("an answer to %s came with no session open (a bug)", qid);
            return HD_EINVAL;
        }
        if (fx->question >= 0 && fx->question < a->sv->n_questions &&
            a->sv->questions[fx->question].contact) {
            /* Contact answers are only ever stored sealed. */
            hd_log("refused to store the contact answer %s in plain text (a bug)", qid);
            return HD_EINVAL;
        }
        hd_err err = hd_store_answer_save(a->st, a->session, qid, fx->value ? fx->value : "", at);
        if (err == HD_OK && a->opts.headless) {
            printf("saved %s %s\n", a->session, qid);
            fflush(stdout);
        }
        return err;
    }
    case HD_FX_DELETE_ANSWER:
        if (!a->session[0])
            return HD_OK;
        return hd_store_answer_delete(a->st, a->session, question_id(a, fx->question));
    case HD_FX_SET_LANGUAGE:
        if (a->text)
            hd_text_cache_clear(a->text);
        if (!a->session[0])
            return HD_OK;
        return hd_store_session_set_language(a->st, a->session, a->flow->lang);
    case HD_FX_END_SESSION: {
        if (!a->session[0])
            return HD_OK;
        hd_err err = hd_store_session_end(a->st, a->session, hd_status_name(fx->status), at);
        if (err == HD_OK) {
            a->session[0] = '\0';
            if (fx->status == HD_STATUS_COMPLETE)
                compute_results(a); /* "What we've heard so far" has one more */
            else if (hd_store_scrub_wal(a->st) != HD_OK)
                hd_log("the typed answers of an abandoned session may stay in the "
                       "database's WAL file until the kiosk closes it");
        }
        return err;
    }
    case HD_FX_DELETE_SESSION: {
        if (!a->session[0])
            return HD_OK;
        hd_err err = hd_store_session_delete(a->st, a->session);
        if (err == HD_OK)
            a->session[0] = '\0';
        return err;
    }
    case HD_FX_SEAL_CONTACT:
        return seal_contact(a, fx->value ? fx->value : "{}");
    case HD_FX_CHECK_PIN:
        *follow = (hd_action){.kind = HD_ACT_PIN_RESULT,
                              .now_ms = a->now_ms,
                              .num = check_pin(a, fx->value) ? 1 : 0};
        return HD_OK;
    case HD_FX_QUIT:
        a->quit = true;
        return HD_OK;
    case HD_FX_SET_VENUE: {
        if (!fx->value || !*fx->value)
            return HD_EINVAL;
        hd_err err = hd_store_kv_set(a->st, KV_VENUE, fx->value);
        if (err == HD_OK) {
            snprintf(a->venue_buf, sizeof a->venue_buf, "%s", fx->value);
            a->venue = a->venue_buf;
            hd_log("venue set to \"%s\"", a->venue);
        }
        return err;
    }
    case HD_FX_SET_MODE: {
        if (!fx->value || (strcmp(fx->value, "self") != 0 && strcmp(fx->value, "assisted") != 0))
            return HD_EINVAL;
        hd_err err = hd_store_kv_set(a->st, KV_MODE, fx->value);
        if (err == HD_OK) {
            snprintf(a->mode, sizeof a->mode, "%s", fx->value);
            hd_log("mode set to %s", a->mode);
        }
        return err;
    }
    case HD_FX_USB_COPY:
        usb_copy(a);
        return HD_OK; /* the outcome is on the admin screen */
    case HD_FX_LOAD_UPDATES:
        usb_updates(a);
        return HD_OK;
    case HD_FX_KIND_COUNT_:
        break;
    }
    return HD_EINVAL;
}

static const char *fx_name(hd_fx_kind k)
{
    static const char *const names[] = {"start session", "save answer",  "delete answer",
                                        "set language",  "end session",  "delete session",
                                        "seal contact",  "check PIN",    "quit",
                                        "set the venue", "set the mode", "copy to USB",
                                        "load updates"};
    _Static_assert(sizeof names / sizeof *names == HD_FX_KIND_COUNT_, "a name per effect");
    return (int)k >= 0 && k < HD_FX_KIND_COUNT_ ? names[k] : "?";
}

void hd_app_dispatch(hd_app *a, const hd_action *act)
{
    hd_action queue[4];
    int nq = 0;
    queue[nq++] = *act;
    bool failed_once = false;
    for (int qi = 0; qi < nq; qi++) {
        hd_action cur = queue[qi];
        if (cur.now_ms > a->now_ms)
            a->now_ms = cur.now_ms;
        hd_effects fx = hd_flow_reduce(a->flow, &cur);
        bool all_done = true;
        for (int i = 0; i < fx.n; i++) {
            hd_action follow = {.kind = HD_ACT_NONE};
            hd_err err = run_effect(a, &fx.fx[i], &follow);
            if (err != HD_OK) {
                hd_log("could not %s%s%s: %s", fx_name(fx.fx[i].kind),
                       fx.fx[i].question >= 0 ? " " : "",
                       fx.fx[i].question >= 0 ? question_id(a, fx.fx[i].question) : "",
                       hd_strerror(err));
                if (!failed_once && nq < 4) {
                    /* Stop here: the flow shows "ask a member of staff" and
                     * nothing after the failure is pretended done. */
                    failed_once = true;
                    queue[nq++] = (hd_action){
                        .kind = HD_ACT_STORE_FAILED, .now_ms = a->now_ms, .num = i};
                }
                all_done = false;
                break;
            }
            if (follow.kind != HD_ACT_NONE && nq < 4)
                queue[nq++] = follow;
        }
        /* Everything done: a participant who just left, withdrew or sent
         * leaves nothing in memory a moment longer. */
        if (all_done && cur.kind != HD_ACT_STORE_FAILED)
            hd_flow_effects_done(a->flow);
    }
    hd_screen s = a->flow->screen;
    if (s == HD_SCREEN_ADMIN && a->last_screen != HD_SCREEN_ADMIN) {
        /* a new visit to staff mode starts without the last one's message */
        if (a->last_screen == HD_SCREEN_ADMIN_PIN)
            a->admin.op = HD_USB_NONE;
        refresh_admin(a);
    }
    a->last_screen = s;
    layout(a);
}

/* ---- input and time --------------------------------------------------------- */

static void input_result(hd_app *a, hd_input_result r, const hd_action *act)
{
    if (r == HD_INPUT_ACTION)
        hd_app_dispatch(a, act);
    else if (r == HD_INPUT_REDRAW)
        layout(a);
}

void hd_app_press(hd_app *a, int x, int y, int64_t now)
{
    hd_action act;
    a->now_ms = now > a->now_ms ? now : a->now_ms;
    input_result(a, hd_input_press(&a->in, &a->dl, x, y, now, &act), &act);
}

void hd_app_move(hd_app *a, int x, int y, int64_t now)
{
    hd_action act;
    a->now_ms = now > a->now_ms ? now : a->now_ms;
    input_result(a, hd_input_move(&a->in, &a->dl, x, y, now, &act), &act);
}

void hd_app_release(hd_app *a, int x, int y, int64_t now)
{
    hd_action act;
    a->now_ms = now > a->now_ms ? now : a->now_ms;
    input_result(a, hd_input_release(&a->in, &a->dl, x, y, now, &act), &act);
}

void hd_app_sdl_event(hd_app *a, const SDL_Event *ev, int64_t now)
{
    hd_action act;
    a->now_ms = now > a->now_ms ? now : a->now_ms;
    input_result(a, hd_input_sdl(&a->in, &a->dl, ev, now, &act), &act);
}

/* When the flow's timers next fire, read from its public state. A deadline
 * that has passed without the flow acting (not its rule after all) is
 * ignored once ticked, so a guess can never make the loop spin. */
static int64_t flow_deadline(const hd_app *a)
{
    const hd_flow *f = a->flow;
    const hd_flow_config *c = &f->cfg;
    int64_t t = INT64_MAX;
#define CANDIDATE(v)                                                                         \
    do {                                                                                     \
        int64_t v_ = (v);                                                                    \
        if (v_ > a->last_tick_ms && v_ < t)                                                  \
            t = v_;                                                                          \
    } while (0)
    /* The rules of flow.c's tick(): thanks and still-there count from when
     * the screen began; the working screens from the last touch. */
    switch (f->screen) {
    case HD_SCREEN_STILL_THERE:
        CANDIDATE(f->screen_since_ms + c->reset_after_ms);
        break;
    case HD_SCREEN_THANKS:
        CANDIDATE(f->screen_since_ms + c->thanks_ms);
        break;
    case HD_SCREEN_WELCOME:
        break;
    default:
        CANDIDATE(f->last_input_ms + c->still_there_after_ms);
        break;
    }
    int q = hd_flow_current_question(f);
    if (q >= 0 && f->answers && f->answers[q].dirty && !f->store_failed)
        CANDIDATE(f->last_key_ms + c->text_save_pause_ms);
    if (a->dl.next_change_ms != INT64_MAX)
        CANDIDATE(a->dl.next_change_ms);
#undef CANDIDATE
    return t;
}

int64_t hd_app_deadline(const hd_app *a)
{
    int64_t t = flow_deadline(a);
    int64_t in = hd_input_deadline(&a->in);
    return in < t ? in : t;
}

void hd_app_tick(hd_app *a, int64_t now)
{
    if (now > a->now_ms)
        a->now_ms = now;
    hd_action act;
    hd_input_result r = hd_input_tick(&a->in, &a->dl, now, &act);
    if (r != HD_INPUT_NOTHING)
        input_result(a, r, &act);
    if (flow_deadline(a) <= now) {
        a->last_tick_ms = now;
        hd_action tick = {.kind = HD_ACT_TICK, .now_ms = now};
        hd_app_dispatch(a, &tick);
    }
}
