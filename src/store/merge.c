/* merge.c — merging device databases into the coordinator's.
 *
 * A device file comes on a USB stick from a kiosk in a barber's shop: it is
 * untrusted input. So it is copied first to a private temporary directory
 * (the original may be on read-only media, and may not change under us
 * while we read), the copy is opened read-only with every defence SQLite
 * has (sync_common.c), quick_check must say "ok", and the schema must be
 * exactly the kiosk's: no view, no trigger, no virtual or generated
 * anything. Only our own plain SELECTs run on it, and every value read is
 * checked before it goes near the coordinator database.
 *
 * Sessions are keyed on their random id, so merging the same file twice adds
 * nothing. A session already present with other content (another copy of a
 * file taken mid-session, or a tampered one) is left exactly as it was and
 * reported as a conflict: the coordinator decides, nothing is overwritten.
 * Contacts are merged the same way by contact id. All of one file goes in
 * one transaction, so a bad row anywhere leaves the coordinator untouched.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/csv.h"
#include "core/i18n.h"
#include "store/store.h"
#include "store/sync_common.h"
#include "store/sync_store.h"

#define MAX_VALUE_BYTES 100000 /* longer than any answer the kiosk accepts */
#define MAX_SEALED 65536
#define SEAL_OVERHEAD 48 /* crypto_box_SEALBYTES */

enum { S_FIND, S_FIND_ANSWERS, S_INS_SESSION, S_SET_FLAG, S_INS_ANSWER, S_FIND_CONTACT,
       S_INS_CONTACT, N_STMT };

static const char *const stmt_sql[N_STMT] = {
    [S_FIND] = "SELECT device_id, survey_id, survey_version, language, tier, venue, mode, "
               "started_at, ended_at, status, flagged FROM session WHERE id = ?1",
    [S_FIND_ANSWERS] = "SELECT question_id, value, answered_at FROM answer "
                       "WHERE session_id = ?1 ORDER BY question_id",
    [S_INS_SESSION] = "INSERT INTO session(id, device_id, survey_id, survey_version, language, "
                      "tier, venue, mode, started_at, ended_at, status, flagged) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    [S_SET_FLAG] = "UPDATE session SET flagged = 1 WHERE id = ?1",
    [S_INS_ANSWER] = "INSERT INTO answer(session_id, question_id, value, answered_at) "
                     "VALUES (?1, ?2, ?3, ?4)",
    [S_FIND_CONTACT] = "SELECT survey_id, created_on, sealed FROM contact WHERE id = ?1",
    [S_INS_CONTACT] = "INSERT INTO contact(id, survey_id, created_on, sealed) "
                      "VALUES (?1, ?2, ?3, ?4)",
};

struct hd_merge {
    sqlite3 *db;
    char *path;
    sqlite3_stmt *st[N_STMT];
};

static int exec(sqlite3 *db, const char *sql) { return sqlite3_exec(db, sql, NULL, NULL, NULL); }

void hd_merge_close(hd_merge *m)
{
    if (!m)
        return;
    for (int i = 0; i < N_STMT; i++)
        sqlite3_finalize(m->st[i]);
    sqlite3_close(m->db);
    free(m->path);
    free(m);
}

/* Opens the raw connection and checks the file; *version gets its schema
 * version. */
static hd_err merge_connect(hd_merge *m, const char *path, int *version, char *why, size_t cap)
{
    int rc = sqlite3_open_v2(path, &m->db, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK)
        return hd_sync_why(why, cap, hd_sync_map_rc(rc), "cannot open %s: %s", path,
                           m->db ? sqlite3_errmsg(m->db) : sqlite3_errstr(rc));
    sqlite3_db_config(m->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    sqlite3_db_config(m->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    sqlite3_busy_timeout(m->db, 5000);
    /* Session ids are random, so every insert lands somewhere else in the
     * primary-key B-trees: with SQLite's default 2 MB cache a large merge
     * spends most of its time re-reading pages. 64 MB keeps them. Foreign
     * keys are off on this connection only: merge inserts a session's
     * answers right after the session itself, in the same transaction, so
     * the check (one index lookup per answer, 7% of the CPU time) could
     * never fail. */
    rc = exec(m->db, "PRAGMA foreign_keys=OFF; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536");
    if (rc != SQLITE_OK)
        return hd_sync_why(why, cap, HD_ESCHEMA, "%s: %s", path,
                           rc == SQLITE_NOTADB ? "not an SQLite database" : sqlite3_errmsg(m->db));
    return hd_sync_check_schema(m->db, path, false, version, why, cap);
}

hd_err hd_merge_open(const char *path, hd_merge **out, char *why, size_t cap)
{
    struct stat sb;
    bool exists = stat(path, &sb) == 0 && sb.st_size > 0;
    hd_merge *m = calloc(1, sizeof *m);
    if (!m)
        return HD_ENOMEM;
    m->path = strdup(path);
    if (!m->path) {
        free(m);
        return HD_ENOMEM;
    }
    int version = 0;
    hd_err err = HD_OK;
    if (exists) {
        err = merge_connect(m, path, &version, why, cap);
        if (err == HD_OK && version < HD_SCHEMA_VERSION) {
            /* An older coordinator database: the kiosk's own migrations
             * bring it up to date (they only ever add). */
            sqlite3_close(m->db);
            m->db = NULL;
            exists = false;
        }
    }
    if (err == HD_OK && !exists) {
        /* A new coordinator database gets exactly the kiosk's schema. */
        hd_store *st = NULL;
        char moved[4096];
        hd_err e = hd_store_open(path, &st, moved, sizeof moved);
        if (e != HD_OK)
            err = hd_sync_why(why, cap, e, "cannot %s %s: %s", version ? "update" : "create", path,
                              hd_strerror(e));
        else if (moved[0])
            err = hd_sync_why(why, cap, HD_ECORRUPT,
                              "%s was damaged: it has been moved to %s and an empty database "
                              "started in its place; nothing was merged (see docs/database.md, "
                              "\"A damaged file\")",
                              path, moved);
        hd_store_close(st);
        if (err == HD_OK)
            err = merge_connect(m, path, &version, why, cap);
    }
    for (int i = 0; i < N_STMT && err == HD_OK; i++) {
        int rc = sqlite3_prepare_v3(m->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &m->st[i],
                                    NULL);
        if (rc != SQLITE_OK)
            err = hd_sync_why(why, cap, hd_sync_map_rc(rc), "%s: %s", path, sqlite3_errmsg(m->db));
    }
    if (err != HD_OK) {
        hd_merge_close(m);
        return err;
    }
    *out = m;
    return HD_OK;
}

/* ---- the private copy -------------------------------------------------- */

typedef struct tmpcopy {
    char dir[512];
    char db[600];
} tmpcopy;

static hd_err copy_file(const char *from, const char *to, bool must_exist)
{
    int in = open(from, O_RDONLY);
    if (in < 0)
        return (errno == ENOENT && !must_exist) ? HD_OK : errno == ENOENT ? HD_ENOTFOUND : HD_EIO;
    int outfd = open(to, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (outfd < 0) {
        close(in);
        return HD_EIO;
    }
    hd_err err = HD_OK;
    char buf[1 << 16];
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            err = HD_EIO;
            break;
        }
        if (n == 0)
            break;
        for (ssize_t w = 0; w < n;) {
            ssize_t k = write(outfd, buf + w, (size_t)(n - w));
            if (k < 0) {
                if (errno == EINTR)
                    continue;
                err = errno == ENOSPC ? HD_EFULL : HD_EIO;
                break;
            }
            w += k;
        }
        if (err != HD_OK)
            break;
    }
    close(in);
    if (close(outfd) != 0 && err == HD_OK)
        err = HD_EIO;
    return err;
}

static void copy_remove(tmpcopy *t)
{
    static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char p[640];
    for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
        snprintf(p, sizeof p, "%s%s", t->db, suffix[i]);
        unlink(p);
    }
    rmdir(t->dir);
}

/* Copies device (and its -wal, which holds committed answers too) into a
 * new private directory. */
static hd_err copy_make(const char *device, tmpcopy *t, char *why, size_t cap)
{
    const char *base = getenv("TMPDIR");
    snprintf(t->dir, sizeof t->dir, "%s/heard-merge-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(t->dir))
        return hd_sync_why(why, cap, HD_EIO, "cannot make a temporary directory in %s: %s",
                           base && *base ? base : "/tmp", strerror(errno));
    snprintf(t->db, sizeof t->db, "%s/device.db", t->dir);
    hd_err e = copy_file(device, t->db, true);
    if (e == HD_OK) {
        char from[4200], to[640];
        snprintf(from, sizeof from, "%s-wal", device);
        snprintf(to, sizeof to, "%s-wal", t->db);
        e = copy_file(from, to, false);
    }
    if (e != HD_OK) {
        copy_remove(t);
        return hd_sync_why(why, cap, e, "%s: cannot read it: %s", device,
                           e == HD_ENOTFOUND ? "no such file" : hd_strerror(e));
    }
    return HD_OK;
}

/* ---- reading and checking one session ------------------------------------ */

enum { F_ID, F_DEVICE, F_SURVEY, F_VERSION, F_LANG, F_TIER, F_VENUE, F_MODE, F_STARTED,
       F_ENDED, F_STATUS, N_F };

static const char *const field_name[N_F] = {"id",     "device_id", "survey_id", "survey_version",
                                            "language", "tier",    "venue",     "mode",
                                            "started_at", "ended_at", "status"};

typedef struct answer_ref {
    size_t q, v, t; /* offsets into the answer buffer */
} answer_ref;

typedef struct sess {
    const char *f[N_F];
    int flagged; /* 0 or 1 */
    /* answers of the current session */
    char *buf;
    size_t len, cap;
    answer_ref *a;
    size_t n, acap;
} sess;

static int buf_add(sess *s, const char *text, size_t *off)
{
    size_t n = strlen(text) + 1;
    if (s->len + n > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4096;
        while (cap < s->len + n)
            cap *= 2;
        char *g = realloc(s->buf, cap);
        if (!g)
            return -1;
        s->buf = g;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, text, n);
    *off = s->len;
    s->len += n;
    return 0;
}

static const char *g_sort_buf;
static int cmp_answer(const void *pa, const void *pb)
{
    const answer_ref *a = pa, *b = pb;
    return strcmp(g_sort_buf + a->q, g_sort_buf + b->q);
}

/* Text of column i, checked to be TEXT (or NULL when nullable) with no NUL
 * inside; *ok cleared otherwise. */
static const char *col_text(sqlite3_stmt *s, int i, bool nullable, bool *ok)
{
    int type = sqlite3_column_type(s, i);
    if (type == SQLITE_NULL) {
        if (!nullable)
            *ok = false;
        return NULL;
    }
    if (type != SQLITE_TEXT) {
        *ok = false;
        return NULL;
    }
    const char *t = (const char *)sqlite3_column_text(s, i);
    if (!t || strlen(t) != (size_t)sqlite3_column_bytes(s, i)) {
        *ok = false;
        return NULL;
    }
    return t;
}

/* Names a record in messages: "session <id>" when the id is well formed,
 * otherwise nothing of the id (it could be anything, control characters
 * included). Rows are read in id order, so a row number would not help
 * anyone find it. */
static const char *who(const char *kind, const char *id, char *buf, size_t cap)
{
    if (id && hd_sync_is_uuid(id))
        snprintf(buf, cap, "%s %s", kind, id);
    else
        snprintf(buf, cap, "a %s with a malformed id", kind);
    return buf;
}

/* Checks the session's fields; why says which and where. */
static hd_err check_session(const sess *s, const char *name, char *why, size_t cap)
{
    const char *const *f = s->f;
    const char *bad = NULL;
    if (!hd_sync_is_uuid(f[F_ID]))
        bad = "id is not a UUID";
    else if (!hd_sync_is_uuid(f[F_DEVICE]))
        bad = "device_id is not a UUID";
    else if (!hd_sync_is_ident(f[F_SURVEY]))
        bad = "survey_id is not a survey id";
    else if (!hd_sync_is_label(f[F_VERSION], 100))
        bad = "survey_version is not a version";
    else if (!hd_sync_is_label(f[F_LANG], 35) || !hd_lang_code_valid(f[F_LANG]))
        bad = "language is not a language code";
    else if (f[F_TIER] && !hd_sync_is_ident(f[F_TIER]))
        bad = "tier is not a tier id";
    else if (f[F_VENUE] && !hd_sync_is_label(f[F_VENUE], 200))
        bad = "venue is not a venue name (1-200 bytes of UTF-8 text, no control characters)";
    else if (f[F_MODE] && strcmp(f[F_MODE], "self") != 0 && strcmp(f[F_MODE], "assisted") != 0)
        bad = "mode is not self or assisted";
    else if (!hd_sync_is_iso_time(f[F_STARTED]))
        bad = "started_at is not an ISO 8601 UTC time";
    else if (f[F_ENDED] && !hd_sync_is_iso_time(f[F_ENDED]))
        bad = "ended_at is not an ISO 8601 UTC time";
    else if (strcmp(f[F_STATUS], "in_progress") != 0 && strcmp(f[F_STATUS], "complete") != 0 &&
             strcmp(f[F_STATUS], "abandoned") != 0)
        bad = "status is not in_progress, complete or abandoned";
    if (!bad)
        return HD_OK;
    char w[80];
    return hd_sync_why(why, cap, HD_EPARSE, "%s: %s: %s", name, who("session", f[F_ID], w, sizeof w),
                       bad);
}

/* Reads the answers of session id from the device into s (sorted by
 * question id), checking each. */
static hd_err read_answers(sqlite3 *dev, sqlite3_stmt *q, sess *s, const char *name, char *why,
                           size_t cap)
{
    s->len = 0;
    s->n = 0;
    sqlite3_reset(q);
    sqlite3_bind_text(q, 1, s->f[F_ID], -1, SQLITE_TRANSIENT);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        bool ok = true;
        const char *qid = col_text(q, 0, false, &ok);
        const char *val = col_text(q, 1, false, &ok);
        const char *at = col_text(q, 2, false, &ok);
        const char *bad = NULL;
        if (!ok)
            bad = "a value that is not text";
        else if (!hd_sync_is_ident(qid))
            bad = "a question_id that is not a question id";
        else if (strlen(val) == 0 || strlen(val) > MAX_VALUE_BYTES ||
                 !hd_utf8_valid(val, strlen(val)))
            bad = "a value that is empty, too long or not UTF-8";
        else if (!hd_sync_is_iso_time(at))
            bad = "an answered_at that is not an ISO 8601 UTC time";
        if (bad) {
            sqlite3_reset(q);
            char w[80];
            return hd_sync_why(why, cap, HD_EPARSE, "%s: %s: an answer has %s", name,
                               who("session", s->f[F_ID], w, sizeof w), bad);
        }
        if (s->n == s->acap) {
            size_t c = s->acap ? s->acap * 2 : 32;
            answer_ref *g = realloc(s->a, c * sizeof *g);
            if (!g)
                return HD_ENOMEM;
            s->a = g;
            s->acap = c;
        }
        answer_ref *r = &s->a[s->n++];
        if (buf_add(s, qid, &r->q) != 0 || buf_add(s, val, &r->v) != 0 ||
            buf_add(s, at, &r->t) != 0)
            return HD_ENOMEM;
    }
    sqlite3_reset(q);
    if (rc != SQLITE_DONE)
        return hd_sync_why(why, cap, hd_sync_map_rc(rc), "%s: %s", name, sqlite3_errmsg(dev));
    g_sort_buf = s->buf;
    if (s->n > 1) /* a session without answers has no array at all */
        qsort(s->a, s->n, sizeof *s->a, cmp_answer);
    char w2[80];
    for (size_t i = 1; i < s->n; i++)
        if (strcmp(s->buf + s->a[i].q, s->buf + s->a[i - 1].q) == 0)
            return hd_sync_why(why, cap, HD_EPARSE,
                               "%s: %s: question \"%s\" is answered twice", name,
                               who("session", s->f[F_ID], w2, sizeof w2), s->buf + s->a[i].q);
    return HD_OK;
}

static bool same(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

/* Compares s with the coordinator's copy (S_FIND has a row). Writes the
 * fields that differ into what ("" when none). */
static hd_err compare(hd_merge *m, const sess *s, char *what, size_t cap)
{
    sqlite3_stmt *f = m->st[S_FIND];
    what[0] = '\0';
    size_t w = 0;
    for (int i = F_DEVICE; i < N_F; i++) {
        const char *mine = (const char *)sqlite3_column_text(f, i - 1);
        if (!same(mine, s->f[i]) && w + 32 < cap)
            w += (size_t)snprintf(what + w, cap - w, "%s%s", w ? ", " : "", field_name[i]);
    }
    sqlite3_stmt *a = m->st[S_FIND_ANSWERS];
    sqlite3_reset(a);
    sqlite3_bind_text(a, 1, s->f[F_ID], -1, SQLITE_TRANSIENT);
    size_t i = 0;
    bool differ = false;
    int rc;
    while ((rc = sqlite3_step(a)) == SQLITE_ROW) {
        const char *q = (const char *)sqlite3_column_text(a, 0);
        const char *v = (const char *)sqlite3_column_text(a, 1);
        const char *t = (const char *)sqlite3_column_text(a, 2);
        if (i >= s->n || !same(q, s->buf + s->a[i].q) || !same(v, s->buf + s->a[i].v) ||
            !same(t, s->buf + s->a[i].t))
            differ = true;
        i++;
    }
    sqlite3_reset(a);
    if (rc != SQLITE_DONE)
        return hd_sync_map_rc(rc);
    if (i != s->n)
        differ = true;
    if (differ && w + 16 < cap)
        snprintf(what + w, cap - w, "%sanswers", w ? ", " : "");
    return HD_OK;
}

static int bind_opt(sqlite3_stmt *st, int i, const char *v)
{
    return v ? sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
}

static hd_err insert_session(hd_merge *m, const sess *s)
{
    sqlite3_stmt *ins = m->st[S_INS_SESSION];
    int rc = SQLITE_OK;
    for (int i = 0; i < N_F && rc == SQLITE_OK; i++)
        rc = bind_opt(ins, i + 1, s->f[i]);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(ins, N_F + 1, s->flagged);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(ins);
    sqlite3_reset(ins);
    sqlite3_clear_bindings(ins);
    if (rc != SQLITE_DONE)
        return hd_sync_map_rc(rc);
    sqlite3_stmt *ia = m->st[S_INS_ANSWER];
    for (size_t i = 0; i < s->n; i++) {
        rc = sqlite3_bind_text(ia, 1, s->f[F_ID], -1, SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_text(ia, 2, s->buf + s->a[i].q, -1, SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_text(ia, 3, s->buf + s->a[i].v, -1, SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = sqlite3_bind_text(ia, 4, s->buf + s->a[i].t, -1, SQLITE_STATIC);
        if (rc == SQLITE_OK)
            rc = sqlite3_step(ia);
        sqlite3_reset(ia);
        if (rc != SQLITE_DONE)
            return hd_sync_map_rc(rc);
    }
    return HD_OK;
}

/* ---- one device file ---------------------------------------------------- */

typedef struct merge_run {
    hd_merge *m;
    sqlite3 *dev;
    int version; /* the device file's schema version */
    const char *name;
    hd_merge_stats *st;
    hd_merge_progress_fn progress;
    hd_merge_conflict_fn conflict;
    void *ctx;
    char *why;
    size_t cap;
} merge_run;

static hd_err single_long(sqlite3 *db, const char *sql, long *out)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        *out = (long)sqlite3_column_int64(s, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    return hd_sync_map_rc(rc);
}

static hd_err merge_sessions(merge_run *r)
{
    long total = 0;
    hd_err err = single_long(r->dev, "SELECT count(*) FROM session", &total);
    if (err != HD_OK)
        return hd_sync_why(r->why, r->cap, err, "%s: %s", r->name, sqlite3_errmsg(r->dev));
    err = single_long(r->dev,
                      "SELECT count(*) FROM answer WHERE session_id NOT IN (SELECT id FROM session)",
                      &r->st->orphan_answers);
    if (err != HD_OK)
        return hd_sync_why(r->why, r->cap, err, "%s: %s", r->name, sqlite3_errmsg(r->dev));
    sqlite3_stmt *ss = NULL, *qa = NULL;
    /* In id order: inserts into the coordinator's id indexes then arrive
     * in order too. Schema 1 files have no flagged column. */
    int rc = sqlite3_prepare_v2(r->dev,
                                r->version >= 2
                                    ? "SELECT id, device_id, survey_id, survey_version, language, "
                                      "tier, venue, mode, started_at, ended_at, status, flagged "
                                      "FROM session ORDER BY id"
                                    : "SELECT id, device_id, survey_id, survey_version, language, "
                                      "tier, venue, mode, started_at, ended_at, status, 0 "
                                      "FROM session ORDER BY id",
                                -1, &ss, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(r->dev,
                                "SELECT question_id, value, answered_at FROM answer "
                                "WHERE session_id = ?1",
                                -1, &qa, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(ss);
        return hd_sync_why(r->why, r->cap, hd_sync_map_rc(rc), "%s: %s", r->name,
                           sqlite3_errmsg(r->dev));
    }
    sess s = {0};
    long row = 0;
    hd_merge *m = r->m;
    while (err == HD_OK && (rc = sqlite3_step(ss)) == SQLITE_ROW) {
        row++;
        bool ok = true;
        char w[80];
        for (int i = 0; i < N_F; i++) {
            bool nullable = i == F_TIER || i == F_VENUE || i == F_MODE || i == F_ENDED;
            bool col_ok = true;
            s.f[i] = col_text(ss, i, nullable, &col_ok);
            if (!col_ok && ok) {
                ok = false;
                err = hd_sync_why(r->why, r->cap, HD_EPARSE,
                                  "%s: %s: %s is %s", r->name,
                                  who("session", i > F_ID ? s.f[F_ID] : NULL, w, sizeof w),
                                  field_name[i],
                                  sqlite3_column_type(ss, i) == SQLITE_NULL ? "missing"
                                                                            : "not text");
            }
        }
        if (err == HD_OK) {
            if (sqlite3_column_type(ss, N_F) != SQLITE_INTEGER ||
                (sqlite3_column_int64(ss, N_F) != 0 && sqlite3_column_int64(ss, N_F) != 1))
                err = hd_sync_why(r->why, r->cap, HD_EPARSE, "%s: %s: flagged is not 0 or 1",
                                  r->name, who("session", s.f[F_ID], w, sizeof w));
            s.flagged = (int)sqlite3_column_int64(ss, N_F);
        }
        if (err == HD_OK)
            err = check_session(&s, r->name, r->why, r->cap);
        if (err == HD_OK)
            err = read_answers(r->dev, qa, &s, r->name, r->why, r->cap);
        if (err != HD_OK)
            break;
        sqlite3_stmt *f = m->st[S_FIND];
        sqlite3_reset(f);
        sqlite3_bind_text(f, 1, s.f[F_ID], -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(f);
        if (rc == SQLITE_DONE) {
            sqlite3_reset(f);
            err = insert_session(m, &s);
            if (err != HD_OK) {
                err = hd_sync_why(r->why, r->cap, err, "%s: %s", m->path, sqlite3_errmsg(m->db));
                break;
            }
            r->st->sessions_new++;
            r->st->answers_new += (long)s.n;
        } else if (rc == SQLITE_ROW) {
            char what[200];
            bool coord_flagged = sqlite3_column_int(f, N_F - 1) != 0;
            err = compare(m, &s, what, sizeof what);
            sqlite3_reset(f);
            if (err != HD_OK) {
                err = hd_sync_why(r->why, r->cap, err, "%s: %s", m->path, sqlite3_errmsg(m->db));
                break;
            }
            if (what[0] == '\0') {
                r->st->sessions_present++;
                /* A flag is a mark, not content: a later copy of the device
                 * may have flagged the session since; it is added, never
                 * taken away. */
                if (s.flagged && !coord_flagged) {
                    sqlite3_stmt *u = m->st[S_SET_FLAG];
                    sqlite3_bind_text(u, 1, s.f[F_ID], -1, SQLITE_STATIC);
                    rc = sqlite3_step(u);
                    sqlite3_reset(u);
                    if (rc != SQLITE_DONE) {
                        err = hd_sync_why(r->why, r->cap, hd_sync_map_rc(rc), "%s: %s", m->path,
                                          sqlite3_errmsg(m->db));
                        break;
                    }
                    r->st->flags_added++;
                }
            } else {
                r->st->sessions_conflict++;
                if (r->conflict)
                    r->conflict(r->ctx, "session", s.f[F_ID], what);
            }
        } else {
            sqlite3_reset(f);
            err = hd_sync_why(r->why, r->cap, hd_sync_map_rc(rc), "%s: %s", m->path,
                              sqlite3_errmsg(m->db));
            break;
        }
        if (r->progress && row % 512 == 0)
            r->progress(r->ctx, row, total);
    }
    if (err == HD_OK && rc != SQLITE_DONE)
        err = hd_sync_why(r->why, r->cap, hd_sync_map_rc(rc), "%s: %s", r->name,
                          sqlite3_errmsg(r->dev));
    if (err == HD_OK && r->progress)
        r->progress(r->ctx, row, row);
    sqlite3_finalize(ss);
    sqlite3_finalize(qa);
    free(s.buf);
    free(s.a);
    return err;
}

static hd_err merge_contacts(merge_run *r)
{
    sqlite3_stmt *cs = NULL;
    int rc = sqlite3_prepare_v2(r->dev, "SELECT id, survey_id, created_on, sealed FROM contact", -1,
                                &cs, NULL);
    if (rc != SQLITE_OK)
        return hd_sync_why(r->why, r->cap, hd_sync_map_rc(rc), "%s: %s", r->name,
                           sqlite3_errmsg(r->dev));
    hd_merge *m = r->m;
    hd_err err = HD_OK;
    while (err == HD_OK && (rc = sqlite3_step(cs)) == SQLITE_ROW) {
        bool ok = true;
        const char *id = col_text(cs, 0, false, &ok);
        const char *sv = col_text(cs, 1, false, &ok);
        const char *on = col_text(cs, 2, false, &ok);
        int blob_type = sqlite3_column_type(cs, 3);
        const void *blob = sqlite3_column_blob(cs, 3);
        int blen = sqlite3_column_bytes(cs, 3);
        const char *bad = NULL;
        if (!ok)
            bad = "a field that is missing or not text";
        else if (!hd_sync_is_uuid(id))
            bad = "an id that is not a UUID";
        else if (!hd_sync_is_ident(sv))
            bad = "a survey_id that is not a survey id";
        else if (!hd_sync_is_date(on))
            bad = "a created_on that is not a date (YYYY-MM-DD)";
        else if (blob_type != SQLITE_BLOB || blen <= SEAL_OVERHEAD || blen > MAX_SEALED)
            bad = "a sealed field that is not a sealed box";
        if (bad) {
            char w[80];
            err = hd_sync_why(r->why, r->cap, HD_EPARSE, "%s: %s has %s", r->name,
                              who("contact", ok ? id : NULL, w, sizeof w), bad);
            break;
        }
        sqlite3_stmt *f = m->st[S_FIND_CONTACT];
        sqlite3_reset(f);
        sqlite3_bind_text(f, 1, id, -1, SQLITE_TRANSIENT);
        rc = sqlite3_step(f);
        if (rc == SQLITE_DONE) {
            sqlite3_stmt *ins = m->st[S_INS_CONTACT];
            rc = sqlite3_bind_text(ins, 1, id, -1, SQLITE_TRANSIENT);
            if (rc == SQLITE_OK)
                rc = sqlite3_bind_text(ins, 2, sv, -1, SQLITE_TRANSIENT);
            if (rc == SQLITE_OK)
                rc = sqlite3_bind_text(ins, 3, on, -1, SQLITE_TRANSIENT);
            if (rc == SQLITE_OK)
                rc = sqlite3_bind_blob(ins, 4, blob, blen, SQLITE_TRANSIENT);
            if (rc == SQLITE_OK)
                rc = sqlite3_step(ins);
            sqlite3_reset(ins);
            sqlite3_clear_bindings(ins);
            if (rc != SQLITE_DONE)
                err = hd_sync_why(r->why, r->cap, hd_sync_map_rc(rc), "%s: %s", m->path,
                                  sqlite3_errmsg(m->db));
            else
                r->st->contacts_new++;
        } else if (rc == SQLITE_ROW) {
            char what[64] = "";
            size_t w = 0;
            if (!same((const char *)sqlite3_column_text(f, 0), sv))
                w += (size_t)snprintf(what + w, sizeof what - w, "survey_id");
            if (!same((const char *)sqlite3_column_text(f, 1), on))
                w += (size_t)snprintf(what + w, sizeof what - w, "%screated_on", w ? ", " : "");
            if (sqlite3_column_bytes(f, 2) != blen ||
                memcmp(sqlite3_column_blob(f, 2), blob, (size_t)blen) != 0)
                snprintf(what + w, sizeof what - w, "%ssealed", w ? ", " : "");
            if (what[0] == '\0') {
                r->st->contacts_present++;
            } else {
                r->st->contacts_conflict++;
                if (r->conflict)
                    r->conflict(r->ctx, "contact", id, what);
            }
        } else {
            err = hd_sync_why(r->why, r->cap, hd_sync_map_rc(rc), "%s: %s", m->path,
                              sqlite3_errmsg(m->db));
        }
        sqlite3_reset(f);
    }
    if (err == HD_OK && rc != SQLITE_DONE)
        err = hd_sync_why(r->why, r->cap, hd_sync_map_rc(rc), "%s: %s", r->name,
                          sqlite3_errmsg(r->dev));
    sqlite3_finalize(cs);
    return err;
}

/* quick_check must return the single row "ok". */
static hd_err quick_check(sqlite3 *dev, const char *name, char *why, size_t cap)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(dev, "PRAGMA quick_check", -1, &s, NULL);
    char first[160] = "";
    bool ok = false;
    if (rc == SQLITE_OK) {
        int rows = 0;
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            const char *t = (const char *)sqlite3_column_text(s, 0);
            if (rows++ == 0) {
                snprintf(first, sizeof first, "%s", t ? t : "");
                ok = t && strcmp(t, "ok") == 0;
            } else {
                ok = false;
            }
        }
    }
    bool prepared = s != NULL;
    sqlite3_finalize(s);
    if (rc == SQLITE_NOTADB)
        return hd_sync_why(why, cap, HD_ESCHEMA, "%s: not an SQLite database", name);
    /* A plain error before the first step is SQLite refusing the file's own
     * header or schema ("unsupported file format", "malformed database
     * schema"): the file is not one heard can read, not a failing disk. */
    if (!prepared && rc == SQLITE_ERROR)
        return hd_sync_why(why, cap, HD_ESCHEMA, "%s: not a database heard can read (%s)", name,
                           sqlite3_errmsg(dev));
    if ((rc & 0xff) == SQLITE_CORRUPT || (rc == SQLITE_DONE && !ok))
        return hd_sync_why(why, cap, HD_ECORRUPT,
                           "%s: the database is damaged (quick_check: %s); nothing was merged",
                           name, first[0] ? first : sqlite3_errmsg(dev));
    if (rc != SQLITE_DONE)
        return hd_sync_why(why, cap, hd_sync_map_rc(rc), "%s: %s", name, sqlite3_errmsg(dev));
    return HD_OK;
}

/* The first bytes of every SQLite 3 file. Checked before SQLite sees the
 * file, for a message that says what the file is not. */
static hd_err check_header(const char *path, const char *name, char *why, size_t cap)
{
    static const char magic[16] = "SQLite format 3";
    unsigned char head[100];
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return hd_sync_why(why, cap, HD_EIO, "%s: cannot read it: %s", name, strerror(errno));
    ssize_t n = read(fd, head, sizeof head);
    close(fd);
    if (n == 0)
        return hd_sync_why(why, cap, HD_ESCHEMA, "%s: the file is empty", name);
    if (n < 16 || memcmp(head, magic, 16) != 0)
        return hd_sync_why(why, cap, HD_ESCHEMA, "%s: not an SQLite database", name);
    if (n < 100)
        return hd_sync_why(why, cap, HD_ECORRUPT, "%s: the database is truncated", name);
    return HD_OK;
}

hd_err hd_merge_device(hd_merge *m, const char *device_path, hd_merge_stats *st,
                       hd_merge_progress_fn progress, hd_merge_conflict_fn conflict, void *ctx,
                       char *why, size_t cap)
{
    memset(st, 0, sizeof *st);
    struct stat a, b;
    if (stat(device_path, &a) == 0 && stat(m->path, &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino)
        return hd_sync_why(why, cap, HD_EINVAL, "%s: this is the coordinator database itself",
                           device_path);
    tmpcopy t;
    hd_err err = copy_make(device_path, &t, why, cap);
    if (err != HD_OK)
        return err;
    err = check_header(t.db, device_path, why, cap);
    sqlite3 *dev = NULL;
    if (err == HD_OK)
        err = hd_sync_open_ro(t.db, device_path, &dev, why, cap);
    if (err == HD_OK)
        err = quick_check(dev, device_path, why, cap);
    int version = 0;
    if (err == HD_OK)
        err = hd_sync_check_schema(dev, device_path, true, &version, why, cap);
    bool in_tx = false;
    if (err == HD_OK) {
        int rc = exec(m->db, "BEGIN IMMEDIATE");
        if (rc != SQLITE_OK)
            err = hd_sync_why(why, cap, hd_sync_map_rc(rc), "%s: %s", m->path,
                              sqlite3_errmsg(m->db));
        else
            in_tx = true;
    }
    merge_run r = {m, dev, version, device_path, st, progress, conflict, ctx, why, cap};
    if (err == HD_OK)
        err = merge_sessions(&r);
    if (err == HD_OK)
        err = merge_contacts(&r);
    if (err == HD_OK) {
        int rc = exec(m->db, "COMMIT");
        if (rc != SQLITE_OK)
            err = hd_sync_why(why, cap, hd_sync_map_rc(rc), "%s: cannot commit: %s", m->path,
                              sqlite3_errmsg(m->db));
        else
            in_tx = false;
    }
    if (in_tx)
        exec(m->db, "ROLLBACK");
    if (err != HD_OK) {
        hd_merge_stats zero = {0};
        *st = zero;
    }
    sqlite3_close(dev);
    copy_remove(&t);
    return err;
}
