/* export_rows.c — reading complete sessions and sealed contacts for
 * heard-sync export, report and contacts.
 *
 * Sessions are read with one LEFT JOIN of session and answer, in a single
 * pass: SQLite walks the sessions and, for each, its answers through the
 * answer primary key, so the rows of one session arrive together and are
 * pivoted here into one row with a value per requested question. Only that
 * one row is held in memory.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sync_common.h"
#include "store/sync_store.h"

struct hd_syncdb {
    sqlite3 *db;
    int version; /* schema version of the file */
};

hd_err hd_syncdb_open(const char *path, hd_syncdb **out, char *why, size_t cap)
{
    sqlite3 *db;
    hd_err err = hd_sync_open_ro(path, path, &db, why, cap);
    if (err != HD_OK)
        return err;
    int version = 0;
    err = hd_sync_check_schema(db, path, false, &version, why, cap);
    if (err != HD_OK) {
        sqlite3_close(db);
        return err;
    }
    hd_syncdb *h = malloc(sizeof *h);
    if (!h) {
        sqlite3_close(db);
        return HD_ENOMEM;
    }
    h->db = db;
    h->version = version;
    *out = h;
    return HD_OK;
}

void hd_syncdb_close(hd_syncdb *h)
{
    if (!h)
        return;
    sqlite3_close(h->db);
    free(h);
}

static hd_err count(hd_syncdb *h, const char *sql, const char *survey_id, long *out)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(h->db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(s, 1, survey_id, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *out = (long)sqlite3_column_int64(s, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    return hd_sync_map_rc(rc);
}

hd_err hd_syncdb_count_complete(hd_syncdb *h, const char *survey_id, long *out)
{
    return count(h, "SELECT count(*) FROM session WHERE survey_id = ?1 AND status = 'complete'",
                 survey_id, out);
}

hd_err hd_syncdb_count_flagged(hd_syncdb *h, const char *survey_id, long *out)
{
    if (h->version < 2) {
        *out = 0;
        return HD_OK;
    }
    return count(h,
                 "SELECT count(*) FROM session WHERE survey_id = ?1 AND status = 'complete' "
                 "AND flagged <> 0",
                 survey_id, out);
}

/* ---- sessions -------------------------------------------------------- */

struct hd_export_iter {
    sqlite3_stmt *s;
    int n;
    char **qids;
    uint32_t *slot; /* question id hash -> index + 1, 0 empty */
    size_t nslot;
    bool pending; /* the statement sits on the first row of the next session */
    bool done;
    /* the current row's strings, each in its own growable buffer */
    char *buf;
    size_t len, cap;
    size_t *off; /* 4 fixed fields + n values; SIZE_MAX for NULL */
    const char **vals;
};

static uint32_t str_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static int q_index(const hd_export_iter *it, const char *qid)
{
    size_t i = str_hash(qid) & (it->nslot - 1);
    while (it->slot[i]) {
        int q = (int)it->slot[i] - 1;
        if (strcmp(it->qids[q], qid) == 0)
            return q;
        i = (i + 1) & (it->nslot - 1);
    }
    return -1;
}

hd_err hd_export_begin(hd_syncdb *h, const char *survey_id, const char *const *question_ids,
                       int n, hd_export_iter **out)
{
    hd_export_iter *it = calloc(1, sizeof *it);
    if (!it)
        return HD_ENOMEM;
    it->n = n;
    it->nslot = 16;
    while (it->nslot < (size_t)n * 2 + 2)
        it->nslot *= 2;
    it->qids = calloc((size_t)n + 1, sizeof *it->qids);
    it->slot = calloc(it->nslot, sizeof *it->slot);
    it->off = malloc(((size_t)n + 4) * sizeof *it->off);
    it->vals = malloc(((size_t)n + 1) * sizeof *it->vals);
    it->cap = 4096;
    it->buf = malloc(it->cap);
    if (!it->qids || !it->slot || !it->off || !it->vals || !it->buf) {
        hd_export_end(it);
        return HD_ENOMEM;
    }
    for (int q = 0; q < n; q++) {
        it->qids[q] = strdup(question_ids[q]);
        if (!it->qids[q]) {
            hd_export_end(it);
            return HD_ENOMEM;
        }
        if (q_index(it, question_ids[q]) >= 0)
            continue; /* asked twice: the first one gets the value */
        size_t i = str_hash(question_ids[q]) & (it->nslot - 1);
        while (it->slot[i])
            i = (i + 1) & (it->nslot - 1);
        it->slot[i] = (uint32_t)q + 1;
    }
    /* A session comes first, then its answers (LEFT JOIN: a session with no
     * answer still gives one row, with NULL answer columns). */
    /* Schema 1 files have no flagged column. */
    int rc = sqlite3_prepare_v2(h->db,
                                h->version >= 2
                                    ? "SELECT s.id, s.started_at, s.language, s.tier, s.venue, "
                                      "a.question_id, a.value, s.flagged "
                                      "FROM session s LEFT JOIN answer a ON a.session_id = s.id "
                                      "WHERE s.survey_id = ?1 AND s.status = 'complete'"
                                    : "SELECT s.id, s.started_at, s.language, s.tier, s.venue, "
                                      "a.question_id, a.value, 0 "
                                      "FROM session s LEFT JOIN answer a ON a.session_id = s.id "
                                      "WHERE s.survey_id = ?1 AND s.status = 'complete'",
                                -1, &it->s, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(it->s, 1, survey_id, -1, SQLITE_TRANSIENT);
    if (rc != SQLITE_OK) {
        hd_export_end(it);
        return hd_sync_map_rc(rc);
    }
    *out = it;
    return HD_OK;
}

static int keep(hd_export_iter *it, int field, const unsigned char *s, int len)
{
    if (!s) {
        it->off[field] = SIZE_MAX;
        return 0;
    }
    if (it->len + (size_t)len + 1 > it->cap) {
        size_t cap = it->cap * 2;
        while (cap < it->len + (size_t)len + 1)
            cap *= 2;
        char *g = realloc(it->buf, cap);
        if (!g)
            return -1;
        it->buf = g;
        it->cap = cap;
    }
    it->off[field] = it->len;
    memcpy(it->buf + it->len, s, (size_t)len);
    it->len += (size_t)len;
    it->buf[it->len++] = '\0';
    return 0;
}

static const char *at(const hd_export_iter *it, int field)
{
    return it->off[field] == SIZE_MAX ? NULL : it->buf + it->off[field];
}

hd_err hd_export_next(hd_export_iter *it, hd_export_row *row)
{
    if (it->done)
        return HD_ENOTFOUND;
    int rc;
    if (!it->pending) {
        rc = sqlite3_step(it->s);
        if (rc == SQLITE_DONE) {
            it->done = true;
            return HD_ENOTFOUND;
        }
        if (rc != SQLITE_ROW)
            return hd_sync_map_rc(rc);
    }
    it->pending = false;
    it->len = 0;
    for (int q = 0; q < it->n; q++)
        it->off[4 + q] = SIZE_MAX;
    /* The session id is compared by value, in a small buffer of our own:
     * sqlite3_column_text's pointer does not survive the next step. */
    char sid[64];
    const unsigned char *id = sqlite3_column_text(it->s, 0);
    snprintf(sid, sizeof sid, "%s", id ? (const char *)id : "");
    bool flagged = sqlite3_column_int(it->s, 7) != 0;
    for (int f = 0; f < 4; f++)
        if (keep(it, f, sqlite3_column_text(it->s, 1 + f), sqlite3_column_bytes(it->s, 1 + f)) !=
            0)
            return HD_ENOMEM;
    for (;;) {
        const char *qid = (const char *)sqlite3_column_text(it->s, 5);
        if (qid) {
            int q = q_index(it, qid);
            if (q >= 0 && keep(it, 4 + q, sqlite3_column_text(it->s, 6),
                               sqlite3_column_bytes(it->s, 6)) != 0)
                return HD_ENOMEM;
        }
        rc = sqlite3_step(it->s);
        if (rc == SQLITE_DONE) {
            it->done = true;
            break;
        }
        if (rc != SQLITE_ROW)
            return hd_sync_map_rc(rc);
        const unsigned char *next = sqlite3_column_text(it->s, 0);
        if (!next || strcmp((const char *)next, sid) != 0) {
            it->pending = true;
            break;
        }
    }
    row->started_at = at(it, 0);
    row->language = at(it, 1);
    row->tier = at(it, 2);
    row->venue = at(it, 3);
    row->flagged = flagged;
    for (int q = 0; q < it->n; q++)
        it->vals[q] = at(it, 4 + q);
    row->values = it->vals;
    if (!row->started_at)
        row->started_at = "";
    if (!row->language)
        row->language = "";
    return HD_OK;
}

void hd_export_end(hd_export_iter *it)
{
    if (!it)
        return;
    sqlite3_finalize(it->s);
    if (it->qids)
        for (int q = 0; q < it->n; q++)
            free(it->qids[q]);
    free(it->qids);
    free(it->slot);
    free(it->off);
    free(it->vals);
    free(it->buf);
    free(it);
}

/* ---- contacts -------------------------------------------------------- */

struct hd_contact_iter {
    sqlite3_stmt *s;
};

hd_err hd_contacts_begin(hd_syncdb *h, hd_contact_iter **out)
{
    hd_contact_iter *it = calloc(1, sizeof *it);
    if (!it)
        return HD_ENOMEM;
    int rc = sqlite3_prepare_v2(h->db,
                                "SELECT id, survey_id, created_on, sealed FROM contact "
                                "ORDER BY created_on, id",
                                -1, &it->s, NULL);
    if (rc != SQLITE_OK) {
        free(it);
        return hd_sync_map_rc(rc);
    }
    *out = it;
    return HD_OK;
}

hd_err hd_contacts_next(hd_contact_iter *it, hd_contact_row *row)
{
    int rc = sqlite3_step(it->s);
    if (rc == SQLITE_DONE)
        return HD_ENOTFOUND;
    if (rc != SQLITE_ROW)
        return hd_sync_map_rc(rc);
    const char *id = (const char *)sqlite3_column_text(it->s, 0);
    const char *sv = (const char *)sqlite3_column_text(it->s, 1);
    const char *on = (const char *)sqlite3_column_text(it->s, 2);
    row->id = id ? id : "";
    row->survey_id = sv ? sv : "";
    row->created_on = on ? on : "";
    if (sqlite3_column_type(it->s, 3) == SQLITE_BLOB) {
        row->sealed = sqlite3_column_blob(it->s, 3);
        row->sealed_len = (size_t)sqlite3_column_bytes(it->s, 3);
    } else {
        row->sealed = NULL;
        row->sealed_len = 0;
    }
    return HD_OK;
}

void hd_contacts_end(hd_contact_iter *it)
{
    if (!it)
        return;
    sqlite3_finalize(it->s);
    free(it);
}
