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
#include "core/view.h"
#include "platform/input.h"
#include "platform/render.h"
#include "store/store.h"
#include "sys/sys.h"

#define DLIST_CAP 1024
#define DLIST_ARENA (64 * 1024)
#define PIN_MAX_FAILS 5
#define PIN_LOCK_MS (5 * 60 * 1000)
#define PATH_CAP 4096

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
    const char *venue;
    char venue_buf[256];

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
    /* The PIN lockout as last written, for when the database cannot keep
     * it (full or read-only media): a failing write must not lift it. */
    long long pin_fails, pin_locked_until;
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

/* Where the device is: the configured venue, else the last one staff chose,
 * else the only one listed. */
static void choose_venue(hd_app *a)
{
    if (a->cfg.venue) {
        a->venue = a->cfg.venue;
        return;
    }
    if (hd_store_kv_get(a->st, "venue", a->venue_buf, sizeof a->venue_buf) == HD_OK &&
        a->venue_buf[0]) {
        for (int i = 0; i < a->cfg.n_venues; i++)
            if (strcmp(a->cfg.venues[i], a->venue_buf) == 0)
                a->venue = a->venue_buf;
        if (a->venue)
            return;
    }
    if (a->cfg.n_venues == 1)
        a->venue = a->cfg.venues[0];
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
        choose_venue(a);
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

static void layout(hd_app *a)
{
    if (!a->text)
        return;
    hd_view_extra extra = {.mode = a->cfg.mode, .venue = a->venue, .now_ms = a->now_ms};
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

/* The staff PIN: checked against the configured hash; after PIN_MAX_FAILS
 * wrong PINs in a row every PIN is refused for PIN_LOCK_MS, counted on the
 * wall clock and kept in the database so a restart does not lift it. The
 * app keeps its own copy too: when the database cannot be written (or was
 * never opened) the lockout still holds, counting the larger of the two. */
static bool check_pin(hd_app *a, const char *pin)
{
    char buf[32];
    int64_t now = wall_ms(a);
    long long locked_until = a->pin_locked_until, fails = a->pin_fails;
    if (hd_store_kv_get(a->st, "pin_locked_until_ms", buf, sizeof buf) == HD_OK &&
        atoll(buf) > locked_until)
        locked_until = atoll(buf);
    if (hd_store_kv_get(a->st, "pin_failures", buf, sizeof buf) == HD_OK && atoll(buf) > fails)
        fails = atoll(buf);
    if (now < locked_until) {
        hd_log("staff PIN refused: locked out for %lld s more",
               (long long)(locked_until - now + 999) / 1000);
        return false;
    }
    bool ok = a->cfg.staff_pin_hash && pin &&
              crypto_pwhash_str_verify(a->cfg.staff_pin_hash, pin, strlen(pin)) == 0;
    if (ok) {
        a->pin_fails = 0;
        hd_store_kv_set(a->st, "pin_failures", "0");
        return true;
    }
    fails++;
    a->pin_fails = fails >= PIN_MAX_FAILS ? 0 : fails;
    snprintf(buf, sizeof buf, "%lld", a->pin_fails);
    hd_store_kv_set(a->st, "pin_failures", buf);
    if (fails >= PIN_MAX_FAILS) {
        a->pin_locked_until = (long long)(now + PIN_LOCK_MS);
        snprintf(buf, sizeof buf, "%lld", a->pin_locked_until);
        hd_store_kv_set(a->st, "pin_locked_until_ms", buf);
        hd_log("staff PIN wrong %d times: locked out for %d minutes", PIN_MAX_FAILS,
               PIN_LOCK_MS / 60000);
    }
    return false;
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
            .mode = a->cfg.mode ? a->cfg.mode : "self",
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
        if (err == HD_OK)
            a->session[0] = '\0';
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
    case HD_FX_KIND_COUNT_:
        break;
    }
    return HD_EINVAL;
}

static const char *fx_name(hd_fx_kind k)
{
    static const char *const names[] = {"start session", "save answer",  "delete answer",
                                        "set language",  "end session",  "delete session",
                                        "seal contact",  "check PIN",    "quit"};
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
                break;
            }
            if (follow.kind != HD_ACT_NONE && nq < 4)
                queue[nq++] = follow;
        }
    }
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
