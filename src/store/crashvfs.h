/* crashvfs.h — a power-loss simulating SQLite VFS, for tests only
 * (docs/crash-testing.md).
 *
 * The approach of SQLite's own crash tests: a shim over the default (unix)
 * VFS passes every call through, so the running program sees its files as
 * an operating system's page cache would show them, and meanwhile remembers
 * what a power cut could still take away:
 * - per file, the content made durable by the last xSync, and the writes and
 *   truncates made since then (in memory, in order);
 * - per directory entry, which file (or none) the directory holds on the
 *   medium: a file created or deleted since the directory was last synced
 *   may come back as it was.
 * xSync itself only moves that line (no real fsync: durability is
 * simulated, which keeps thousands of runs fast).
 *
 * Every xWrite, xTruncate, xSync, directory sync and xDelete is one numbered
 * "step". hd_crashvfs_arm(n) makes step n the moment power is lost: that
 * step and every later one fails with SQLITE_IOERR and changes nothing.
 * Once the program has closed its connections, hd_crashvfs_power_loss()
 * writes to disk what survives: each directory entry keeps its synced or its
 * current file, and each pending write is, independently and reproducibly
 * from a seed, dropped, kept, or torn (each 512-byte sector of it new, old,
 * or garbage). Then a normal connection can open the files.
 *
 * Process-wide and single-threaded: one crash scenario at a time. Only files
 * opened by name are tracked; the -shm file (never synced by SQLite, rebuilt
 * by the first connection after a crash) is removed, kept or filled with
 * garbage at a power loss.
 *
 * Deliberately free of sqlite3.h (tests include it).
 */
#ifndef HD_CRASHVFS_H
#define HD_CRASHVFS_H

#include <stdint.h>

#include "core/err.h"
#include "store/store.h"

/* Where a step went, for the figures: which kind of file, which call. */
typedef enum hd_crashvfs_file {
    HD_CVF_DB,      /* the main database file: in WAL mode only checkpoints write it */
    HD_CVF_WAL,     /* the -wal file: commits */
    HD_CVF_JOURNAL, /* a rollback or super journal */
    HD_CVF_OTHER,
    HD_CVF_COUNT_
} hd_crashvfs_file;

typedef enum hd_crashvfs_op {
    HD_CVO_WRITE,
    HD_CVO_TRUNCATE,
    HD_CVO_SYNC,
    HD_CVO_DIRSYNC, /* the directory fsync the unix VFS does after a new journal's first sync */
    HD_CVO_DELETE,
    HD_CVO_COUNT_
} hd_crashvfs_op;

/* What one power loss did. */
typedef struct hd_crashvfs_stats {
    long steps;            /* steps counted before the crash (or in all, without one) */
    int crashed;           /* 1 when the armed step was reached */
    int crash_file;        /* hd_crashvfs_file of the step that crashed */
    int crash_op;          /* hd_crashvfs_op of the step that crashed */
    long writes_kept;      /* pending writes that reached the medium whole */
    long writes_dropped;   /* pending writes lost whole */
    long writes_torn;      /* pending writes of which only some sectors arrived */
    long sectors_garbage;  /* 512-byte sectors of torn writes left as garbage */
    long truncates_kept;
    long truncates_dropped;
    long files_vanished;   /* created since the last directory sync, gone after */
    long files_resurrected; /* deleted since the last directory sync, back after */
} hd_crashvfs_stats;

/* Registers the shim over the current default VFS and makes it the default,
 * so that hd_store_open() goes through it. Idempotent. */
hd_err hd_crashvfs_install(void);

/* Makes the VFS the shim wraps the default again (a normal hd_store_open()
 * after a power loss). The shim stays registered, unused. */
void hd_crashvfs_uninstall(void);

/* Forgets every tracked file, resets the step count and arms a crash at
 * step crash_at (1 = the first step; 0 = never). Call before the workload
 * of one run, with no connection open through the shim. */
void hd_crashvfs_arm(long crash_at);

/* on: print every step (number, call, file, offset, length) to stderr,
 * to follow one replayed run. */
void hd_crashvfs_trace(int on);

/* 1 once the armed step has been reached. */
int hd_crashvfs_crashed(void);

/* Steps counted since hd_crashvfs_arm(). */
long hd_crashvfs_steps(void);

/* Loses power now (if the armed step was not reached, at this point): writes
 * to disk what survives, as described above, with every choice drawn from
 * seed; fills *stats (may be NULL); then forgets every tracked file and
 * disarms. HD_EBUSY when a file is still open through the shim (close the
 * store first), HD_EIO when a file cannot be rewritten. */
hd_err hd_crashvfs_power_loss(uint64_t seed, hd_crashvfs_stats *stats);

/* What the wrapped VFS reports for the last main database file opened
 * through the shim: xSectorSize and xDeviceCharacteristics (SQLITE_IOCAP_*
 * bits). Both 0 before any open. SQLite's journal and WAL code depends on
 * them, so the tests print them. */
void hd_crashvfs_device(int *sector_size, int *characteristics);

/* Short names for reports: "db", "wal", ...; "write", "sync", ... */
const char *hd_crashvfs_file_name(int f);
const char *hd_crashvfs_op_name(int op);

/* Test tuning of an open store's own connection: PRAGMA wal_autocheckpoint
 * (pages; makes checkpoints happen inside a short workload) and PRAGMA
 * synchronous (full: 1 for FULL as the store sets it, 0 for NORMAL, the
 * negative control). */
hd_err hd_crashvfs_tune(hd_store *st, int wal_autocheckpoint, int full);

/* Makes libsodium's random bytes (hence hd_uuid_v4 and every session id) a
 * deterministic stream from seed, so that one run's steps can be replayed
 * exactly. Tests only: never in the kiosk. Call again to reseed. */
void hd_crashvfs_fake_random(uint64_t seed);

#endif
