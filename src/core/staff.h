/* staff.h — the staff PIN lockout policy (DESIGN §5, docs/staff-mode.md). Pure.
 *
 * After HD_STAFF_MAX_FAILURES wrong PINs in a row the keypad locks for
 * 30 s; each further lockout doubles that, up to 15 min. A correct PIN
 * (entered while not locked) clears everything. The state is three numbers,
 * serialised to a short string the kiosk keeps with hd_store_kv_set under
 * HD_STAFF_KV_KEY, so switching the kiosk off and on does not reset it.
 *
 * Time is passed in (whole seconds since the Unix epoch, from the wall
 * clock: a lockout must outlast a restart, which a monotonic clock does not).
 * Checking the PIN itself (Argon2id) happens outside the core.
 */
#ifndef HD_STAFF_H
#define HD_STAFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define HD_STAFF_MAX_FAILURES 5  /* wrong PINs that start a lockout */
#define HD_STAFF_LOCK_FIRST_S 30 /* the first lockout */
#define HD_STAFF_LOCK_MAX_S 900  /* no lockout is longer (15 min) */
#define HD_STAFF_KV_KEY "staff.lockout"
#define HD_STAFF_STATE_MAX 48 /* bytes hd_staff_format needs, NUL included */

typedef struct hd_staff_lock {
    int failures;           /* wrong PINs since the last lockout or success, 0..4 */
    int lockouts;           /* lockouts since the last success */
    int64_t locked_until_s; /* epoch seconds the current lockout ends; 0: none yet */
} hd_staff_lock;

/* Sets s to "no failures, never locked". */
void hd_staff_init(hd_staff_lock *s);

/* How long lockout number n (1-based) lasts: 30, 60, 120, ... capped at
 * HD_STAFF_LOCK_MAX_S. 0 for n < 1. */
int hd_staff_lock_seconds(int n);

/* True while s is locked at now_s; *seconds_left (may be NULL) gets the
 * whole seconds still to wait, rounded up (0 when not locked).
 * If the wall clock has gone back since the lockout began (a Raspberry Pi
 * without a real-time clock can boot with an old time), the lockout is
 * restarted from now_s rather than lasting longer than its length: then s
 * changes and the caller should save it. */
bool hd_staff_locked(hd_staff_lock *s, int64_t now_s, int64_t *seconds_left);

/* Records a wrong PIN at now_s. A PIN tried while locked is refused without
 * counting (the lockout neither grows nor restarts). The fifth failure
 * starts the next lockout. Returns true when s is locked after the call.
 * The caller saves s (hd_staff_format + hd_store_kv_set) before showing the
 * result, so pulling the plug cannot undo the failure. */
bool hd_staff_record_failure(hd_staff_lock *s, int64_t now_s);

/* Records a correct PIN: failures and lockouts back to zero. Only call it
 * when hd_staff_locked() said not locked (while locked every PIN is refused). */
void hd_staff_record_success(hd_staff_lock *s);

/* Writes s as "v1 <failures> <lockouts> <locked_until_s>" into buf (cap
 * bytes, HD_STAFF_STATE_MAX is always enough). HD_EINVAL when it does not
 * fit (buf is then ""). */
hd_err hd_staff_format(const hd_staff_lock *s, char *buf, size_t cap);

/* Parses what hd_staff_format wrote. Anything else (another version, a
 * number out of range, extra text) gives HD_EPARSE and leaves *out
 * untouched: the caller logs it and starts from hd_staff_init. */
hd_err hd_staff_parse(const char *text, hd_staff_lock *out);

#endif
