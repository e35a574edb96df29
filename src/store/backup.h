/* backup.h — a verified copy of the kiosk's database on a USB stick, taken
 * while the kiosk keeps working (staff mode, docs/staff-mode.md).
 *
 * The copy is a consistent snapshot: every session committed before the
 * copy began is in it, none that was half-written. It is made with SQLite's
 * online backup API from a separate read-only connection that holds one
 * read transaction (in WAL mode a reader never blocks the kiosk's writes),
 * written to a temporary file in the directory, turned into a single
 * self-contained file (rollback journal mode, no -wal beside it), fsynced,
 * read back from the medium and checked, and only then given its name:
 *
 *   heard-<first 8 characters of the device id>-<YYYY-MM-DD>.db
 *   heard-<...>-<YYYY-MM-DD>-2.db, -3, ... when that name is taken
 *
 * The date is the UTC date, as in every timestamp in the database.
 */
#ifndef HD_BACKUP_H
#define HD_BACKUP_H

#include <stddef.h>

#include "store/store.h"

#define HD_BACKUP_STEP_PAGES 64 /* pages copied per step: 256 KiB at 4 KiB pages */

/* Told after every step: pages copied so far of total. A single-threaded
 * kiosk can draw a progress bar and handle events here. Writes may go on
 * through the kiosk's own hd_store meanwhile (not for a ":memory:" store,
 * whose snapshot is held on its own connection). */
typedef void (*hd_backup_progress_fn)(void *ctx, int done_pages, int total_pages);

/* Copies st's database into dir (which must exist), as described above, and
 * writes the path of the new file into written (cap bytes). On any failure
 * nothing is left in dir (the temporary file is removed) and written is "":
 *   HD_ENOTFOUND  dir does not exist or is not a directory (no stick)
 *   HD_EREADONLY  dir cannot be written (a locked or read-only stick)
 *   HD_EFULL      the stick is full
 *   HD_EIO        reading or writing failed (a stick pulled out, say)
 *   HD_ECORRUPT   the copy did not check out when read back (integrity_check
 *                 failed, or it does not hold the sessions it should)
 *   HD_EBUSY      the database stayed locked for over 5 s
 *   HD_EINVAL     a NULL argument, or written too small for the name
 *   HD_ENOMEM     out of memory */
hd_err hd_store_backup(hd_store *st, const char *dir, char *written, size_t cap);

/* hd_store_backup with pages_per_step (>= 1) and a progress callback (may
 * be NULL, ctx is passed to it). */
hd_err hd_store_backup_ex(hd_store *st, const char *dir, int pages_per_step,
                          hd_backup_progress_fn progress, void *ctx, char *written, size_t cap);

#endif
