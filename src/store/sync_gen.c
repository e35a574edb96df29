/* sync_gen.c — writing heard databases fast, for tests and benchmarks.
 *
 * The kiosk commits every answer on its own (store.c); generating a million
 * sessions that way would take hours. This writes through the same schema
 * (the file is created by hd_store_open) but in one transaction with
 * synchronous off. Never used by the kiosk or by heard-sync's commands.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/survey.h"

#include "store/store.h"
#include "store/sync_common.h"
#include "store/sync_store.h"

enum { G_SESSION, G_ANSWER, G_CONTACT, N_G };

struct hd_gen {
    sqlite3 *db;
    sqlite3_stmt *st[N_G];
};

static const char *const gen_sql[N_G] = {
    [G_SESSION] = "INSERT INTO session(id, device_id, survey_id, survey_version, language, tier, "
                  "venue, mode, started_at, ended_at, status) "
                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    [G_ANSWER] = "INSERT INTO answer(session_id, question_id, value, answered_at) "
                 "VALUES (?1, ?2, ?3, ?4)",
    [G_CONTACT] = "INSERT INTO contact(id, survey_id, created_on, sealed) VALUES (?1, ?2, ?3, ?4)",
};

static void gen_free(hd_gen *g)
{
    for (int i = 0; i < N_G; i++)
        sqlite3_finalize(g->st[i]);
    sqlite3_close(g->db);
    free(g);
}

hd_err hd_gen_open(const char *path, hd_gen **out)
{
    hd_store *st = NULL;
    char moved[16];
    hd_err e = hd_store_open(path, &st, moved, sizeof moved);
    if (e != HD_OK)
        return e;
    hd_store_close(st);
    hd_gen *g = calloc(1, sizeof *g);
    if (!g)
        return HD_ENOMEM;
    int rc = sqlite3_open_v2(path, &g->db, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(g->db, "PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON; PRAGMA cache_size=-262144; BEGIN", NULL,
                          NULL, NULL);
    for (int i = 0; i < N_G && rc == SQLITE_OK; i++)
        rc = sqlite3_prepare_v2(g->db, gen_sql[i], -1, &g->st[i], NULL);
    if (rc != SQLITE_OK) {
        gen_free(g);
        return hd_sync_map_rc(rc);
    }
    *out = g;
    return HD_OK;
}

static int bind(sqlite3_stmt *s, int i, const char *v)
{
    return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

static hd_err run(sqlite3_stmt *s, int rc)
{
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return rc == SQLITE_DONE ? HD_OK : hd_sync_map_rc(rc);
}

hd_err hd_gen_session_add(hd_gen *g, const hd_gen_session *x)
{
    sqlite3_stmt *s = g->st[G_SESSION];
    const char *v[] = {x->id,    x->device_id, x->survey_id,  x->survey_version,
                       x->language, x->tier,   x->venue,      x->mode,
                       x->started_at, x->ended_at, x->status};
    int rc = SQLITE_OK;
    for (int i = 0; i < 11 && rc == SQLITE_OK; i++)
        rc = bind(s, i + 1, v[i]);
    return run(s, rc);
}

hd_err hd_gen_answer_add(hd_gen *g, const char *session_id, const char *question_id,
                         const char *value, const char *answered_at)
{
    sqlite3_stmt *s = g->st[G_ANSWER];
    int rc = bind(s, 1, session_id);
    if (rc == SQLITE_OK)
        rc = bind(s, 2, question_id);
    if (rc == SQLITE_OK)
        rc = bind(s, 3, value);
    if (rc == SQLITE_OK)
        rc = bind(s, 4, answered_at);
    return run(s, rc);
}

hd_err hd_gen_contact_add(hd_gen *g, const char *id, const char *survey_id,
                          const char *created_on, const void *sealed, size_t len)
{
    sqlite3_stmt *s = g->st[G_CONTACT];
    int rc = bind(s, 1, id);
    if (rc == SQLITE_OK)
        rc = bind(s, 2, survey_id);
    if (rc == SQLITE_OK)
        rc = bind(s, 3, created_on);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_blob(s, 4, sealed, (int)len, SQLITE_STATIC);
    return run(s, rc);
}

/* ---- survey-shaped data ---------------------------------------------- */

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *r)
{
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 2685821657736338717ULL;
}

static int below(rng *r, int n) { return n <= 1 ? 0 : (int)(next(r) % (uint64_t)n); }

/* Small values common, large ones rare: the shape that makes some
 * combinations unique and most not. */
static int skewed(rng *r, int n)
{
    int a = below(r, n), b = below(r, n);
    return a < b ? a : b;
}

static void uuid_from(rng *r, char out[HD_UUID_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    uint64_t x = next(r), y = next(r);
    memcpy(b, &x, 8);
    memcpy(b + 8, &y, 8);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 15];
    }
    *p = '\0';
}

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* The date day days after y-m-d, as "YYYY-MM-DD" in out[11]. */
static void add_days(int y, int m, int d, int days, char out[16])
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    d += days;
    for (;;) {
        int dim = mdays[m - 1] + (m == 2 && is_leap(y));
        if (d <= dim)
            break;
        d -= dim;
        if (++m > 12) {
            m = 1;
            y++;
        }
    }
    snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
}

static const char *const default_venues[] = {"Barbers on King Street", "St Mary's hall",
                                             "Food bank",              "Library",
                                             "Mosque community room",  "Home visit"};

static const char *const words[] = {"the", "doctor", "waited", "phone", "appointment", "bus",
                                    "letter", "nobody", "listened", "my", "daughter", "helped",
                                    "interpreter", "weeks", "pharmacy", "kind", "=SUM(A1)",
                                    "\"quoted\"", "comma, here", "@home", "-minus", "+plus"};

hd_err hd_gen_survey(hd_gen *g, const hd_survey *sv, const hd_gen_opts *o)
{
    rng r = {(uint64_t)(o->seed ? o->seed : 1) * 0x9E3779B97F4A7C15ULL | 1};
    for (int i = 0; i < 8; i++)
        next(&r);
    const char *const *venues = o->venues ? o->venues : default_venues;
    int n_venues = o->venues ? o->n_venues : (int)(sizeof default_venues / sizeof *default_venues);
    int complete_pct = o->complete_pct ? o->complete_pct : 100;
    int skip_pct = o->skip_pct < 0 ? 0 : o->skip_pct ? o->skip_pct : 10;
    int days = o->days ? o->days : 120;
    int y = 2026, mo = 9, d = 1;
    if (o->start && sscanf(o->start, "%d-%d-%d", &y, &mo, &d) != 3)
        return HD_EINVAL;
    char device[HD_UUID_LEN + 1];
    if (o->device_id)
        snprintf(device, sizeof device, "%s", o->device_id);
    else
        uuid_from(&r, device);
    int tiers[8], ntiers = 0;
    for (int t = 0; t < sv->n_tiers && ntiers < 8; t++)
        if (strcmp(sv->tiers[t].id, "group") != 0)
            tiers[ntiers++] = t;
    char id[HD_UUID_LEN + 1], day[16], started[40], ended[40], value[4096];
    for (long n = 0; n < o->sessions; n++) {
        uuid_from(&r, id);
        add_days(y, mo, d, below(&r, days), day);
        int h = 9 + below(&r, 11), mi = below(&r, 60), se = below(&r, 60);
        snprintf(started, sizeof started, "%sT%02d:%02d:%02dZ", day, h, mi, se);
        snprintf(ended, sizeof ended, "%sT%02d:%02d:%02dZ", day, h, mi + below(&r, 60 - mi), se);
        int lang = below(&r, 2) == 0 ? 0 : skewed(&r, sv->n_languages);
        int tier = ntiers ? tiers[skewed(&r, ntiers)] : -1;
        bool complete = below(&r, 100) < complete_pct;
        hd_gen_session s = {
            .id = id,
            .device_id = device,
            .survey_id = sv->id,
            .survey_version = sv->version,
            .language = sv->languages[lang],
            .tier = tier >= 0 ? sv->tiers[tier].id : NULL,
            .venue = venues[skewed(&r, n_venues)],
            .mode = below(&r, 3) == 0 ? "assisted" : "self",
            .started_at = started,
            .ended_at = ended,
            .status = complete ? "complete" : "abandoned",
        };
        hd_err err = hd_gen_session_add(g, &s);
        if (err != HD_OK)
            return err;
        if (tier < 0)
            continue;
        const hd_tier *t = &sv->tiers[tier];
        for (int si = 0; si < t->n_sections; si++) {
            const hd_section *sec = &sv->sections[t->sections[si]];
            for (int q = sec->first; q < sec->first + sec->n_questions; q++) {
                const hd_question *qq = &sv->questions[q];
                if (qq->type == HD_Q_INFO || qq->contact || below(&r, 100) < skip_pct)
                    continue;
                if (qq->sensitive && below(&r, 20) == 0) {
                    snprintf(value, sizeof value, "%s", HD_PREFER_NOT);
                } else {
                    switch (qq->type) {
                    case HD_Q_SINGLE:
                        snprintf(value, sizeof value, "%s",
                                 qq->choices[skewed(&r, qq->n_choices)].id);
                        break;
                    case HD_Q_MULTI: {
                        size_t w = 0;
                        for (int c = 0; c < qq->n_choices; c++)
                            if (below(&r, 3) == 0 && w + strlen(qq->choices[c].id) + 2 < sizeof value)
                                w += (size_t)snprintf(value + w, sizeof value - w, "%s%s",
                                                      w ? " " : "", qq->choices[c].id);
                        if (w == 0)
                            snprintf(value, sizeof value, "%s", qq->choices[0].id);
                        break;
                    }
                    case HD_Q_LIKERT5:
                        snprintf(value, sizeof value, "%d", 1 + skewed(&r, 5));
                        break;
                    case HD_Q_YESNO: snprintf(value, sizeof value, "%s", below(&r, 2) ? "yes" : "no"); break;
                    case HD_Q_NUMBER: {
                        long lo = qq->has_min ? qq->min : 0, hi = qq->has_max ? qq->max : 12;
                        long span = hi - lo + 1;
                        snprintf(value, sizeof value, "%ld",
                                 lo + (span > 0 ? (long)skewed(&r, span > 1000 ? 1000 : (int)span) : 0));
                        break;
                    }
                    default: {
                        size_t w = 0;
                        int nw = 3 + below(&r, 12);
                        for (int k = 0; k < nw; k++)
                            w += (size_t)snprintf(value + w, sizeof value - w, "%s%s", k ? " " : "",
                                                  words[below(&r, (int)(sizeof words / sizeof *words))]);
                        if (o->canary)
                            snprintf(value + w, sizeof value - w,
                                     " %s call 07700 900%03d or mail jo%d@example.org, SW1A 1AA",
                                     o->canary, below(&r, 1000), below(&r, 100));
                    }
                    }
                }
                err = hd_gen_answer_add(g, id, qq->id, value, started);
                if (err != HD_OK)
                    return err;
            }
        }
        if (o->contact_pk && n % 10 == 0) {
            char json[512], cid[HD_UUID_LEN + 1];
            unsigned char sealed[512 + crypto_box_SEALBYTES];
            int len = snprintf(json, sizeof json,
                               "{\"name\": \"%s Person %ld\", \"phone\": \"07700 900%03ld\", "
                               "\"language\": \"%s\"}",
                               o->contact_canary ? o->contact_canary : "", n, n % 1000,
                               sv->languages[lang]);
            if (crypto_box_seal(sealed, (const unsigned char *)json, (unsigned long long)len,
                                o->contact_pk) != 0)
                return HD_ECRYPTO;
            uuid_from(&r, cid);
            err = hd_gen_contact_add(g, cid, sv->id, day, sealed, (size_t)len + crypto_box_SEALBYTES);
            if (err != HD_OK)
                return err;
        }
    }
    return HD_OK;
}

hd_err hd_gen_exec(hd_gen *g, const char *sql)
{
    return hd_sync_map_rc(sqlite3_exec(g->db, sql, NULL, NULL, NULL));
}

hd_err hd_gen_close(hd_gen *g)
{
    if (!g)
        return HD_OK;
    for (int i = 0; i < N_G; i++) {
        sqlite3_finalize(g->st[i]);
        g->st[i] = NULL;
    }
    int rc = sqlite3_exec(g->db, "COMMIT; PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
    gen_free(g);
    return hd_sync_map_rc(rc);
}

hd_err hd_gen_exec_file(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return hd_sync_map_rc(rc);
}
