/* sync_gen.c — writing heard databases fast, for tests and benchmarks.
 *
 * The kiosk commits every answer on its own (store.c); generating a million
 * sessions that way would take hours. This writes through the same schema
 * (the file is created by hd_store_open) but in one transaction with
 * synchronous off. Never used by the kiosk or by heard-sync's commands.
 */
#include <stdlib.h>
#include <string.h>

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
        rc = sqlite3_exec(g->db, "PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON; BEGIN", NULL,
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
