/* sync_common.c — opening and checking databases heard-sync reads. */
#include "store/sync_common.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/csv.h"
#include "store/store.h"

hd_err hd_sync_why(char *why, size_t cap, hd_err err, const char *fmt, ...)
{
    if (why && cap > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(why, cap, fmt, ap);
        va_end(ap);
    }
    return err;
}

hd_err hd_sync_map_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE: return HD_OK;
    case SQLITE_NOMEM: return HD_ENOMEM;
    case SQLITE_FULL: return HD_EFULL;
    case SQLITE_READONLY: return HD_EREADONLY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return HD_ECORRUPT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return HD_EBUSY;
    case SQLITE_CANTOPEN: return HD_ENOTFOUND;
    case SQLITE_CONSTRAINT: return HD_ECONFLICT;
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH: return HD_EPARSE;
    default: return HD_EIO;
    }
}

hd_err hd_sync_open_ro(const char *path, const char *name, sqlite3 **out, char *why, size_t cap)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        hd_err e = hd_sync_why(why, cap, hd_sync_map_rc(rc), "%s: cannot open: %s", name,
                               db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return e;
    }
    /* Nothing in the file may run code or rewrite itself: its schema is not
     * trusted (functions in it are limited to innocuous ones), triggers and
     * views are switched off (and refused outright in device files), and
     * writable_schema tricks are blocked. */
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int *)NULL);
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, 1000000);
    sqlite3_busy_timeout(db, 5000);
    rc = sqlite3_exec(db, "PRAGMA trusted_schema=OFF", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        hd_err e = hd_sync_why(why, cap, hd_sync_map_rc(rc), "%s: %s", name,
                               rc == SQLITE_NOTADB ? "not an SQLite database"
                                                   : sqlite3_errmsg(db));
        sqlite3_close(db);
        return e;
    }
    *out = db;
    return HD_OK;
}

static int pragma_int(sqlite3 *db, const char *sql, long *out)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            *out = (long)sqlite3_column_int64(s, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(s);
    return rc;
}

typedef struct table_def {
    const char *name;
    const char *const *cols;
    bool required;
} table_def;

/* Schema version 1 (DESIGN §4), then 2, which added session.flagged
 * (docs/database.md). */
static const char *const session_cols_v1[] = {"id",       "device_id", "survey_id", "survey_version",
                                              "language", "tier",      "venue",     "mode",
                                              "started_at", "ended_at", "status",   NULL};
static const char *const session_cols_v2[] = {"id",       "device_id", "survey_id", "survey_version",
                                              "language", "tier",      "venue",     "mode",
                                              "started_at", "ended_at", "status",   "flagged",
                                              NULL};
static const char *const answer_cols[] = {"session_id", "question_id", "value", "answered_at",
                                          NULL};
static const char *const contact_cols[] = {"id", "survey_id", "created_on", "sealed", NULL};
static const char *const meta_cols[] = {"key", "value", NULL};
static const char *const kv_cols[] = {"key", "value", "updated_at", NULL};

static const table_def tables[] = {
    {"session", session_cols_v2, true}, {"answer", answer_cols, true},
    {"contact", contact_cols, true}, {"meta", meta_cols, false},
    {"kv", kv_cols, false},
};
#define N_TABLES (sizeof tables / sizeof tables[0])

static const table_def *find_table(const char *name)
{
    for (size_t i = 0; i < N_TABLES; i++)
        if (strcmp(tables[i].name, name) == 0)
            return &tables[i];
    return NULL;
}

/* Columns of t in db must be exactly def's, in order, none hidden or
 * generated (a generated column would compute values on SELECT). */
static hd_err check_columns(sqlite3 *db, const table_def *def, const char *name, char *why,
                            size_t cap)
{
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA table_xinfo(\"%s\")", def->name);
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    if (rc != SQLITE_OK)
        return hd_sync_why(why, cap, hd_sync_map_rc(rc), "%s: %s", name, sqlite3_errmsg(db));
    int i = 0;
    hd_err err = HD_OK;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(s, 1);
        int hidden = sqlite3_column_int(s, 6);
        if (!def->cols[i] || !col || strcmp(col, def->cols[i]) != 0) {
            err = hd_sync_why(why, cap, HD_ESCHEMA,
                              "%s: not a heard database (table \"%s\" has an unexpected column "
                              "\"%s\")",
                              name, def->name, col ? col : "");
            break;
        }
        if (hidden != 0) {
            err = hd_sync_why(why, cap, HD_ESCHEMA,
                              "%s: not a heard database (column \"%s\".\"%s\" is hidden or "
                              "generated)",
                              name, def->name, col);
            break;
        }
        i++;
    }
    if (err == HD_OK && rc != SQLITE_DONE)
        err = hd_sync_why(why, cap, hd_sync_map_rc(rc), "%s: %s", name, sqlite3_errmsg(db));
    if (err == HD_OK && def->cols[i])
        err = hd_sync_why(why, cap, HD_ESCHEMA,
                          "%s: not a heard database (table \"%s\" has no column \"%s\")", name,
                          def->name, def->cols[i]);
    sqlite3_finalize(s);
    return err;
}

hd_err hd_sync_check_schema(sqlite3 *db, const char *name, bool strict, int *version, char *why,
                            size_t cap)
{
    long app = 0, uv = 0;
    int rc = pragma_int(db, "PRAGMA application_id", &app);
    if (rc == SQLITE_OK)
        rc = pragma_int(db, "PRAGMA user_version", &uv);
    if (rc == SQLITE_NOTADB)
        return hd_sync_why(why, cap, HD_ESCHEMA, "%s: not an SQLite database", name);
    if (rc != SQLITE_OK)
        return hd_sync_why(why, cap, hd_sync_map_rc(rc), "%s: %s", name, sqlite3_errmsg(db));
    if (app != HD_SYNC_APP_ID)
        return hd_sync_why(why, cap, HD_ESCHEMA,
                           "%s: not a heard database (an SQLite file of some other program)",
                           name);
    if (uv > HD_SCHEMA_VERSION)
        return hd_sync_why(why, cap, HD_ESCHEMA,
                           "%s: written by a newer version of heard (schema version %ld; this "
                           "heard-sync reads version %d): update heard-sync",
                           name, uv, HD_SCHEMA_VERSION);
    if (uv < 1)
        return hd_sync_why(why, cap, HD_ESCHEMA,
                           "%s: not a heard database (schema version %ld)", name, uv);
    _Static_assert(HD_SCHEMA_VERSION == 2, "teach heard-sync the new schema version");
    *version = (int)uv;

    sqlite3_stmt *s = NULL;
    rc = sqlite3_prepare_v2(db, "SELECT type, name, tbl_name, sql FROM sqlite_schema", -1, &s,
                            NULL);
    if (rc != SQLITE_OK)
        return hd_sync_why(why, cap, hd_sync_map_rc(rc), "%s: %s", name, sqlite3_errmsg(db));
    bool seen[N_TABLES] = {false};
    hd_err err = HD_OK;
    while (err == HD_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *type = (const char *)sqlite3_column_text(s, 0);
        const char *obj = (const char *)sqlite3_column_text(s, 1);
        const char *tbl = (const char *)sqlite3_column_text(s, 2);
        const char *sql = (const char *)sqlite3_column_text(s, 3);
        type = type ? type : "";
        obj = obj ? obj : "";
        tbl = tbl ? tbl : "";
        if (strcmp(type, "table") == 0) {
            const table_def *def = find_table(obj);
            if (def) {
                seen[def - tables] = true;
                /* "CREATE VIRTUAL TABLE session USING ..." would hand reads to
                 * a module: only a plain table will do. */
                if (!sql || strncasecmp(sql, "CREATE TABLE", 12) != 0)
                    err = hd_sync_why(why, cap, HD_ESCHEMA,
                                      "%s: not a heard database (\"%s\" is not a plain table)",
                                      name, obj);
            } else if (strict && strncmp(obj, "sqlite_stat", 11) != 0) {
                err = hd_sync_why(why, cap, HD_ESCHEMA,
                                  "%s: not a heard database (it has a table \"%s\")", name, obj);
            }
        } else if (strcmp(type, "index") == 0) {
            if (strict && !find_table(tbl))
                err = hd_sync_why(why, cap, HD_ESCHEMA,
                                  "%s: not a heard database (it has an index \"%s\" on \"%s\")",
                                  name, obj, tbl);
        } else if (strict) {
            err = hd_sync_why(why, cap, HD_ESCHEMA, "%s: not a heard database (it has a %s \"%s\")",
                              name, type, obj);
        }
    }
    if (err == HD_OK && rc != SQLITE_DONE)
        err = hd_sync_why(why, cap, rc == SQLITE_NOTADB ? HD_ESCHEMA : hd_sync_map_rc(rc),
                          "%s: %s", name,
                          rc == SQLITE_NOTADB ? "not an SQLite database" : sqlite3_errmsg(db));
    sqlite3_finalize(s);
    for (size_t i = 0; i < N_TABLES && err == HD_OK; i++) {
        if (!seen[i]) {
            if (tables[i].required)
                err = hd_sync_why(why, cap, HD_ESCHEMA,
                                  "%s: not a heard database (no table \"%s\")", name,
                                  tables[i].name);
            continue;
        }
        if (strict || tables[i].required) {
            table_def def = tables[i];
            if (strcmp(def.name, "session") == 0 && *version == 1)
                def.cols = session_cols_v1;
            err = check_columns(db, &def, name, why, cap);
        }
    }
    return err;
}

/* ---- value checks --------------------------------------------------- */

static bool hex_lower(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool hd_sync_is_uuid(const char *s)
{
    if (!s || strlen(s) != HD_UUID_LEN)
        return false;
    for (int i = 0; i < HD_UUID_LEN; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return false;
        } else if (!hex_lower(s[i])) {
            return false;
        }
    }
    return true;
}

bool hd_sync_is_ident(const char *s)
{
    if (!s)
        return false;
    size_t n = strlen(s);
    if (n == 0 || n > 100)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
              c == '+'))
            return false;
    }
    return true;
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool hd_sync_is_date(const char *s)
{
    if (!s || strlen(s) < 10 || s[4] != '-' || s[7] != '-')
        return false;
    int y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
    if (y < 1970 || m < 1 || m > 12 || d < 1)
        return false;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap))
        return false;
    return s[10] == '\0';
}

bool hd_sync_is_iso_time(const char *s)
{
    if (!s || strlen(s) < 20)
        return false;
    char date[11];
    memcpy(date, s, 10);
    date[10] = '\0';
    if (!hd_sync_is_date(date) || s[10] != 'T' || s[13] != ':' || s[16] != ':')
        return false;
    int h = num(s + 11, 2), mi = num(s + 14, 2), se = num(s + 17, 2);
    if (h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60)
        return false;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        int d = 0;
        while (*p >= '0' && *p <= '9' && d < 9) {
            p++;
            d++;
        }
        if (d == 0)
            return false;
    }
    return p[0] == 'Z' && p[1] == '\0';
}

bool hd_sync_is_label(const char *s, size_t max)
{
    if (!s)
        return false;
    size_t n = strlen(s);
    if (n == 0 || n > max || !hd_utf8_valid(s, n))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            return false;
    }
    return true;
}
