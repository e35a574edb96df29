/* sync_store.h — what heard-sync needs from SQLite: merging device files
 * into a coordinator database, reading complete sessions and sealed
 * contacts out of one, and (for tests and benchmarks only) writing
 * databases fast. Free of sqlite3.h: tools/ includes this, never SQLite.
 *
 * Error text. Functions that can fail for a reason a coordinator must act on
 * fill why[0..cap) with a sentence naming the file and the problem
 * ("device-a.db: not a heard database (it has a trigger \"x\")"); the
 * caller prefixes "heard-sync: <command>: ".
 */
#ifndef HD_SYNC_STORE_H
#define HD_SYNC_STORE_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* ---- reading a database ------------------------------------------------ */

typedef struct hd_syncdb hd_syncdb; /* opaque: one read-only connection */

/* Opens an existing heard database read-only (never created, never
 * written; SQLITE_DBCONFIG_DEFENSIVE, trusted_schema off). Refuses a file
 * that is missing (HD_ENOTFOUND), not SQLite or not heard's (HD_ESCHEMA),
 * or of a newer schema version (HD_ESCHEMA), with the reason in why. On
 * success *out owns the handle. */
hd_err hd_syncdb_open(const char *path, hd_syncdb **out, char *why, size_t cap);
void hd_syncdb_close(hd_syncdb *db); /* NULL is a no-op */

/* Sessions of survey_id with status "complete"; and how many of those are
 * flagged (always 0 in a schema 1 file). */
hd_err hd_syncdb_count_complete(hd_syncdb *db, const char *survey_id, long *out);
hd_err hd_syncdb_count_flagged(hd_syncdb *db, const char *survey_id, long *out);

/* One complete session, as the export and the report read it. Strings live
 * until the next hd_export_next() / hd_export_end(). */
typedef struct hd_export_row {
    const char *started_at; /* ISO 8601 UTC as stored */
    const char *language;
    const char *tier;  /* NULL when not recorded */
    const char *venue; /* NULL when not recorded */
    bool flagged;      /* completed within the kiosk's minimum gap after the
                          device's previous complete session (schema 2) */
    /* values[i]: the stored answer to question_ids[i], NULL when skipped */
    const char *const *values;
} hd_export_row;

typedef struct hd_export_iter hd_export_iter; /* opaque */

/* Starts reading the complete sessions of survey_id, each with its answers
 * to question_ids[0..n) (copied). One pass over the database; memory does
 * not grow with the number of sessions. */
hd_err hd_export_begin(hd_syncdb *db, const char *survey_id, const char *const *question_ids,
                       int n, hd_export_iter **out);

/* The next session: HD_OK with *row filled, HD_ENOTFOUND after the last,
 * another error when reading failed. */
hd_err hd_export_next(hd_export_iter *it, hd_export_row *row);
void hd_export_end(hd_export_iter *it); /* NULL is a no-op */

/* One sealed contact record. Valid until the next call. */
typedef struct hd_contact_row {
    const char *id;
    const char *survey_id;
    const char *created_on; /* "2026-11-22" */
    const unsigned char *sealed;
    size_t sealed_len;
} hd_contact_row;

typedef struct hd_contact_iter hd_contact_iter; /* opaque */

/* Reads every contact row (any survey), oldest date first. */
hd_err hd_contacts_begin(hd_syncdb *db, hd_contact_iter **out);
/* HD_OK with *row filled, HD_ENOTFOUND after the last. */
hd_err hd_contacts_next(hd_contact_iter *it, hd_contact_row *row);
void hd_contacts_end(hd_contact_iter *it); /* NULL is a no-op */

/* ---- merging device files ------------------------------------------------ */

typedef struct hd_merge hd_merge; /* opaque: the coordinator database */

/* Opens the coordinator database at path for merging, creating it with the
 * kiosk's own schema (hd_store_open) when it does not exist. An existing
 * file must be a heard database of a known schema version; an older one is
 * brought up to date by hd_store_open's migrations first. */
hd_err hd_merge_open(const char *path, hd_merge **out, char *why, size_t cap);
void hd_merge_close(hd_merge *m); /* NULL is a no-op */

typedef struct hd_merge_stats {
    long sessions_new, sessions_present, sessions_conflict;
    long flags_added; /* present sessions the device has flagged since */
    long answers_new;
    long contacts_new, contacts_present, contacts_conflict;
    long orphan_answers; /* answers whose session is not in the file: ignored */
} hd_merge_stats;

/* Called every few hundred sessions and once at the end (done == total). */
typedef void (*hd_merge_progress_fn)(void *ctx, long done, long total);

/* Called for each conflict: kind is "session" or "contact", what says which
 * fields differ ("status, answers"). */
typedef void (*hd_merge_conflict_fn)(void *ctx, const char *kind, const char *id,
                                     const char *what);

/* Merges one device file, which is untrusted input: it is copied to a
 * private temporary directory and the copy opened read-only, defensive, with
 * trusted_schema off; quick_check must say "ok"; the application id, schema
 * version (1 or 2), tables and columns must be exactly heard's, with no view or
 * trigger; only plain SELECTs run on it and every value is checked (ids are
 * UUIDs, status one of three, times ISO 8601 UTC, ...) before it is
 * inserted. Sessions are keyed on id: one already present with the same
 * content is counted as present, with different content it is kept as it
 * was and reported as a conflict. session.flagged is not content but a
 * mark: it can be added by a later copy (counted in flags_added), never
 * taken away. Contacts likewise by contact id.
 * Everything from one file is one transaction: on any error nothing of it is
 * kept, and why says what and where (HD_ESCHEMA / HD_ECORRUPT / HD_EPARSE
 * for the file's fault, others for the coordinator's). progress and
 * conflict may be NULL. */
hd_err hd_merge_device(hd_merge *m, const char *device_path, hd_merge_stats *st,
                       hd_merge_progress_fn progress, hd_merge_conflict_fn conflict, void *ctx,
                       char *why, size_t cap);

/* ---- writing databases for tests and benchmarks ---------------------------- */

typedef struct hd_gen hd_gen; /* opaque */

/* Creates path as a kiosk database (hd_store_open: the real schema), then
 * opens it for bulk writing: one transaction, no fsync until hd_gen_close.
 * Not for the kiosk: nothing is committed before hd_gen_close. */
hd_err hd_gen_open(const char *path, hd_gen **out);

typedef struct hd_gen_session {
    const char *id, *device_id, *survey_id, *survey_version, *language;
    const char *tier, *venue, *mode; /* may be NULL */
    const char *started_at, *ended_at; /* ended_at may be NULL */
    const char *status;
} hd_gen_session;

hd_err hd_gen_session_add(hd_gen *g, const hd_gen_session *s);
hd_err hd_gen_answer_add(hd_gen *g, const char *session_id, const char *question_id,
                         const char *value, const char *answered_at);
hd_err hd_gen_contact_add(hd_gen *g, const char *id, const char *survey_id,
                          const char *created_on, const void *sealed, size_t len);

/* What hd_gen_survey() makes. Zero values mean the defaults in brackets. */
typedef struct hd_gen_opts {
    long sessions;          /* how many sessions */
    unsigned seed;          /* same seed, same database (ids included) [1] */
    int complete_pct;       /* share that is complete, the rest abandoned [100] */
    int skip_pct;           /* chance that a question is skipped [10]; < 0: never */
    const char *const *venues; /* venue names [a built-in list of 6] */
    int n_venues;
    int days;               /* sessions spread over this many days [120] */
    const char *start;      /* first day, "2026-09-01" [that] */
    const char *canary;     /* put into every text answer, with an email
                               address, a phone number and a postcode (NULL:
                               plain text) */
    const unsigned char *contact_pk; /* 32-byte public key: also seal one
                               contact per tenth session (NULL: none) */
    const char *contact_canary; /* put into every contact's name */
    const char *device_id;  /* [made from the seed] */
} hd_gen_opts;

/* Adds sessions of survey sv with plausible answers: skewed choices (a few
 * rare combinations, many common ones), sensitive questions sometimes
 * "prefer_not_to_say", multi answers as space-joined choice ids. The
 * survey's id, version and languages are used; tiers other than "group"
 * are chosen. */
struct hd_survey;
hd_err hd_gen_survey(hd_gen *g, const struct hd_survey *sv, const hd_gen_opts *o);

/* Runs raw SQL inside the open transaction (hostile test files: views,
 * triggers, odd values, PRAGMA user_version). */
hd_err hd_gen_exec(hd_gen *g, const char *sql);

/* Commits and closes (folding the WAL into the file). */
hd_err hd_gen_close(hd_gen *g);

/* Runs raw SQL on any file, creating it: files that are SQLite but not
 * heard's. Tests only. */
hd_err hd_gen_exec_file(const char *path, const char *sql);

#endif
