/* store.h — the kiosk's database (DESIGN §4): the only code with sqlite3.h.
 *
 * Schema exactly as DESIGN §4, WAL, synchronous=FULL, foreign_keys=ON,
 * migrations through PRAGMA user_version. Statements are prepared once in
 * hd_store_open and reset after every use. Every write that acknowledges
 * something to a participant is its own committed transaction: when a
 * function returns HD_OK the change has been committed (fsynced).
 *
 * Failures map to hd_err: a full disk is HD_EFULL, read-only media
 * HD_EREADONLY, other I/O HD_EIO, a damaged file HD_ECORRUPT. After a failure
 * nothing already committed is lost, and the next call tries again.
 */
#ifndef HD_STORE_H
#define HD_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

typedef struct hd_store hd_store; /* opaque */

#define HD_UUID_LEN 36 /* "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" */
#define HD_SCHEMA_VERSION 2
#define HD_MIN_GAP_DEFAULT_S 20 /* see hd_store_set_min_gap */

/* Opens (creating if needed) the database at path; ":memory:" in tests.
 * Runs PRAGMA quick_check first: when it fails, the damaged file (and its
 * -wal/-shm) is left untouched under a new name "<path>.damaged-<n>", a fresh
 * database is started at path, and moved_to (if not NULL, cap bytes) receives
 * the new name of the damaged file (otherwise it is set to ""). A database
 * with an unknown (newer) schema version is refused with HD_ESCHEMA.
 * On success *out owns the handle: release it with hd_store_close(). */
hd_err hd_store_open(const char *path, hd_store **out, char *moved_to, size_t cap);
void hd_store_close(hd_store *st); /* NULL is a no-op */

/* The device id: a UUID v4 made once when the database was created. */
const char *hd_store_device_id(const hd_store *st);

/* Writes a new random UUID v4 (libsodium) into out[HD_UUID_LEN + 1]. */
void hd_uuid_v4(char out[HD_UUID_LEN + 1]);

typedef struct hd_session_info {
    const char *survey_id;
    const char *survey_version;
    const char *language;
    const char *tier;   /* may be NULL */
    const char *venue;  /* may be NULL */
    const char *mode;   /* "self" | "assisted", may be NULL */
    const char *started_at; /* ISO 8601 UTC, "2026-11-22T10:04:05Z" */
} hd_session_info;

/* Inserts a session (status in_progress) with a new random id, written to
 * id_out[HD_UUID_LEN + 1]. One committed transaction. */
hd_err hd_store_session_start(hd_store *st, const hd_session_info *info,
                              char id_out[HD_UUID_LEN + 1]);

/* Inserts or replaces one answer. One committed transaction. */
hd_err hd_store_answer_save(hd_store *st, const char *session_id, const char *question_id,
                            const char *value, const char *answered_at);

/* Deletes one answer (no error when there is none). */
hd_err hd_store_answer_delete(hd_store *st, const char *session_id, const char *question_id);

hd_err hd_store_session_set_language(hd_store *st, const char *session_id, const char *lang);

/* Sets status ("complete" / "abandoned") and ended_at. A session completed
 * less than the minimum gap (hd_store_set_min_gap) after another complete
 * session of this device ended is kept, with session.flagged = 1, so the
 * coordinator can tell repeated taps from real participants; the counts
 * below leave flagged sessions out. Otherwise flagged is set to 0. */
hd_err hd_store_session_end(hd_store *st, const char *session_id, const char *status,
                            const char *ended_at);

/* Sets the minimum gap, in seconds, between two complete sessions (default
 * HD_MIN_GAP_DEFAULT_S; 0 flags nothing). HD_EINVAL outside 0..86400. Not
 * stored in the database: the kiosk sets it from its config at start. */
hd_err hd_store_set_min_gap(hd_store *st, int seconds);

/* Deletes the session and all its answers, in one transaction (withdraw,
 * leave). */
hd_err hd_store_session_delete(hd_store *st, const char *session_id);

/* Ends every session still in_progress (left open by a crash or a power
 * cut: the person has gone) as "abandoned" at ended_at, keeping every answer
 * (each was acknowledged as saved). *count (may be NULL) receives how many
 * were ended. One committed transaction; called once when the kiosk starts. */
hd_err hd_store_abandon_open_sessions(hd_store *st, const char *ended_at, long *count);

/* Checkpoints and truncates the WAL so answers deleted since (an idle
 * reset's typed answers) are in neither file any more. Not part of an
 * acknowledgement: a failure here loses nothing. */
hd_err hd_store_scrub_wal(hd_store *st);

/* Stores a sealed contact record: no session id, only the date
 * ("2026-11-22"). */
hd_err hd_store_contact_add(hd_store *st, const char *survey_id, const char *created_on,
                            const unsigned char *sealed, size_t len);

/* Reads one answer value into buf (cap bytes); HD_ENOTFOUND when absent.
 * For tests and the admin screen. */
hd_err hd_store_answer_get(hd_store *st, const char *session_id, const char *question_id,
                           char *buf, size_t cap);

/* Counts sessions of survey_id with status, optionally tier (NULL: any) and
 * started on or after since (ISO prefix, NULL: any). */
hd_err hd_store_count_sessions(hd_store *st, const char *survey_id, const char *status,
                               const char *tier, const char *since, long *out);

/* Complete, unflagged sessions of survey_id per tier: counts_out[0] quick,
 * [1] story, [2] group. since (ISO 8601 prefix such as "2026-11-22", NULL:
 * all) keeps sessions started on or after it. For the admin screen. */
hd_err hd_store_tier_counts(hd_store *st, const char *survey_id, const char *since,
                            long counts_out[3]);

/* Complete sessions of survey_id with session.flagged = 1 (completed too
 * soon after another), started on or after since (NULL: all). */
hd_err hd_store_flagged_count(hd_store *st, const char *survey_id, const char *since,
                              long *out);

/* Called once per distinct stored value: how many complete, unflagged
 * sessions of the survey stored it. value is only valid during the call. */
typedef void (*hd_value_count_fn)(void *ctx, const char *value, long count);

/* Reports, through fn, every distinct value of question_id in complete,
 * unflagged sessions of survey_id, in byte order, as stored: a multi answer
 * is one value ("transport language"), and "prefer_not_to_say" is a value.
 * core/results.h turns these into bars (splitting multi answers, leaving
 * out values the question does not accept). Reads only. */
hd_err hd_store_value_counts(hd_store *st, const char *survey_id, const char *question_id,
                             hd_value_count_fn fn, void *ctx);

/* Keeps the updates.json text the staff loaded (kv key "updates.json") so
 * they survive a restart. The text is checked with hd_updates_parse first:
 * HD_EPARSE (nothing stored, the old text kept) when it is not valid. */
hd_err hd_store_updates_set(hd_store *st, const char *json_text);

/* The stored updates.json text into a new NUL-terminated buffer *out
 * (free() it), *len bytes (may be NULL). HD_ENOTFOUND when none was ever
 * loaded. */
hd_err hd_store_updates_get(hd_store *st, char **out, size_t *len);

/* A small key/value table for kiosk state that must survive a restart
 * (staff PIN lockout, ...). Documented in docs/database.md. */
hd_err hd_store_kv_get(hd_store *st, const char *key, char *buf, size_t cap);
hd_err hd_store_kv_set(hd_store *st, const char *key, const char *value);

#endif
