/* crashvfs.c — a power-loss simulating SQLite VFS shim, for tests
 * (crashvfs.h, docs/crash-testing.md).
 *
 * Model, in the terms of a POSIX file system on a medium that loses power:
 * - an inode has durable content (what its last fsync put on the medium)
 *   and, in order, the writes and truncates made since (in the page cache,
 *   which the real file on disk stands for while the program runs);
 * - a directory entry maps a path to an inode, or to none; its durable
 *   mapping is what the last fsync of the directory put on the medium.
 * fsync(file) makes the inode's content durable but not its name; only a
 * directory sync does that. The unix VFS syncs the directory exactly twice:
 * after the first xSync of a handle opened with SQLITE_OPEN_CREATE as a WAL,
 * main journal or super journal, and in xDelete when asked to. The shim does
 * the same at the same moments, and nothing else does.
 *
 * Invariants:
 * - the real files always hold everything written (so SQLite reads back its
 *   own writes, as from a page cache); the model only decides, at a power
 *   loss, what to put back;
 * - after the crash step nothing reaches the real files: every later write,
 *   truncate, sync, delete and open fails, as on a machine that is off, so
 *   nothing can be acknowledged after it either;
 * - every random choice comes from the seed given to hd_crashvfs_power_loss
 *   and the order of the tracked files, which a deterministic workload fixes:
 *   one (step, seed) pair always gives the same files.
 */
#define _POSIX_C_SOURCE 200809L
#include "store/crashvfs.h"
#include "store/store_private.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The granularity of tearing: the smallest unit a disk or SD card writes
 * whole. SQLite itself is told 4096 (the unix VFS default sector size);
 * tearing finer than that is the harsher test. */
#define CV_SECTOR 512

/* ---- deterministic randomness ------------------------------------------ */

/* splitmix64: tiny, good enough to spread choices, and reproducible. */
static uint64_t mix_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* A choice in [0, n). */
static unsigned pick(uint64_t *s, unsigned n) { return (unsigned)(mix_next(s) % n); }

static void fill_random(uint64_t *s, unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(mix_next(s) >> 56);
}

/* ---- the model ---------------------------------------------------------- */

enum { OP_WRITE, OP_TRUNCATE };

typedef struct cv_op {
    int kind;
    sqlite3_int64 off; /* write offset, or the new size of a truncate */
    size_t len;
    unsigned char *data; /* the bytes written (OP_WRITE) */
} cv_op;

typedef struct cv_inode {
    unsigned char *img; /* durable content */
    size_t len, cap;
    cv_op *ops; /* since the last sync, in order */
    size_t nops, capops;
    int type; /* hd_crashvfs_file */
    struct cv_inode *next;
} cv_inode;

typedef struct cv_entry {
    char *path;
    size_t dirlen;     /* path[0 .. dirlen) is its directory */
    cv_inode *cur;     /* what the directory holds now; NULL: no file */
    cv_inode *durable; /* what it holds on the medium */
    struct cv_entry *next;
} cv_entry;

typedef struct cv_file {
    sqlite3_file base;
    sqlite3_file *real; /* the wrapped VFS's file, allocated right after this */
    cv_inode *ino;      /* NULL: not tracked (temporary files) */
    int type;
    int dirsync; /* the unix VFS syncs the directory at this handle's first xSync */
} cv_file;

static struct {
    sqlite3_vfs vfs;
    sqlite3_vfs *real;
    int registered;
    cv_entry *entries, *entries_tail; /* in creation order: choices follow it */
    cv_inode *inodes;
    long steps, crash_at;
    int crashed, crash_file, crash_op;
    int open_files;
    int sector_size, devchar;
    int trace; /* print every step to stderr */
} g;

static int grow(void **p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 1;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q)
        return 0;
    *p = q;
    *cap = n;
    return 1;
}

/* Applies one write to a content buffer, growing it (with zeros) as needed. */
static int buf_write(unsigned char **b, size_t *len, size_t *cap, sqlite3_int64 off,
                     const unsigned char *data, size_t n)
{
    size_t end = (size_t)off + n;
    if (!grow((void **)b, cap, end ? end : 1, 1))
        return 0;
    if (end > *len) {
        memset(*b + *len, 0, end - *len);
        *len = end;
    }
    memcpy(*b + off, data, n);
    return 1;
}

static int buf_truncate(unsigned char **b, size_t *len, size_t *cap, sqlite3_int64 size)
{
    size_t n = (size_t)size;
    if (n > *len) {
        if (!grow((void **)b, cap, n, 1))
            return 0;
        memset(*b + *len, 0, n - *len);
    }
    *len = n;
    return 1;
}

static cv_inode *inode_new(int type)
{
    cv_inode *ino = calloc(1, sizeof *ino);
    if (!ino)
        return NULL;
    ino->type = type;
    ino->next = g.inodes;
    g.inodes = ino;
    return ino;
}

/* An inode for a file that was there before the shim saw it: its present
 * content counts as durable. */
static cv_inode *inode_from_disk(const char *path, int type)
{
    cv_inode *ino = inode_new(type);
    if (!ino)
        return NULL;
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return ino;
    unsigned char chunk[8192];
    ssize_t n;
    while ((n = read(fd, chunk, sizeof chunk)) > 0) {
        if (!buf_write(&ino->img, &ino->len, &ino->cap, (sqlite3_int64)ino->len, chunk,
                       (size_t)n))
            break;
    }
    close(fd);
    return ino;
}

static void inode_clear_ops(cv_inode *ino)
{
    for (size_t i = 0; i < ino->nops; i++)
        free(ino->ops[i].data);
    ino->nops = 0;
}

static int inode_record(cv_inode *ino, int kind, sqlite3_int64 off, const void *data,
                        size_t len)
{
    if (!grow((void **)&ino->ops, &ino->capops, ino->nops + 1, sizeof *ino->ops))
        return 0;
    cv_op *op = &ino->ops[ino->nops];
    op->kind = kind;
    op->off = off;
    op->len = len;
    op->data = NULL;
    if (kind == OP_WRITE) {
        op->data = malloc(len ? len : 1);
        if (!op->data)
            return 0;
        memcpy(op->data, data, len);
    }
    ino->nops++;
    return 1;
}

/* fsync(file): everything written so far becomes durable. */
static int inode_sync(cv_inode *ino)
{
    for (size_t i = 0; i < ino->nops; i++) {
        cv_op *op = &ino->ops[i];
        int ok = op->kind == OP_WRITE
                     ? buf_write(&ino->img, &ino->len, &ino->cap, op->off, op->data, op->len)
                     : buf_truncate(&ino->img, &ino->len, &ino->cap, op->off);
        if (!ok)
            return 0;
    }
    inode_clear_ops(ino);
    return 1;
}

static size_t dir_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) : 0;
}

static cv_entry *entry_find(const char *path)
{
    for (cv_entry *e = g.entries; e; e = e->next)
        if (strcmp(e->path, path) == 0)
            return e;
    return NULL;
}

static cv_entry *entry_add(const char *path)
{
    cv_entry *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->path = strdup(path);
    if (!e->path) {
        free(e);
        return NULL;
    }
    e->dirlen = dir_len(path);
    if (g.entries_tail)
        g.entries_tail->next = e;
    else
        g.entries = e;
    g.entries_tail = e;
    return e;
}

/* fsync(directory of path): every entry in it becomes durable as it is. */
static void dir_sync(const char *path)
{
    size_t dl = dir_len(path);
    for (cv_entry *e = g.entries; e; e = e->next)
        if (e->dirlen == dl && strncmp(e->path, path, dl) == 0)
            e->durable = e->cur;
}

static void model_reset(void)
{
    while (g.entries) {
        cv_entry *e = g.entries;
        g.entries = e->next;
        free(e->path);
        free(e);
    }
    g.entries_tail = NULL;
    while (g.inodes) {
        cv_inode *ino = g.inodes;
        g.inodes = ino->next;
        inode_clear_ops(ino);
        free(ino->ops);
        free(ino->img);
        free(ino);
    }
    g.steps = 0;
    g.crash_at = 0;
    g.crashed = 0;
    g.crash_file = g.crash_op = 0;
}

const char *hd_crashvfs_file_name(int f);
const char *hd_crashvfs_op_name(int op);

/* Counts one step; returns 1 when the machine is (now) off and the call must
 * fail without touching anything. */
static int step(int file, int op, const cv_inode *ino, sqlite3_int64 off, long len)
{
    if (g.crashed)
        return 1;
    g.steps++;
    if (g.trace) {
        const char *path = "?";
        for (const cv_entry *e = g.entries; e; e = e->next)
            if (ino && (e->cur == ino || e->durable == ino))
                path = e->path;
        fprintf(stderr, "crashvfs: step %ld: %s %s %s off %lld len %ld%s\n", g.steps,
                hd_crashvfs_op_name(op), hd_crashvfs_file_name(file),
                strrchr(path, '/') ? strrchr(path, '/') + 1 : path, (long long)off, len,
                g.crash_at > 0 && g.steps >= g.crash_at ? "  <- power lost" : "");
    }
    if (g.crash_at > 0 && g.steps >= g.crash_at) {
        g.crashed = 1;
        g.crash_file = file;
        g.crash_op = op;
        return 1;
    }
    return 0;
}

/* ---- io methods ----------------------------------------------------------- */

static int cv_close(sqlite3_file *pf)
{
    cv_file *f = (cv_file *)pf;
    int rc = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
    g.open_files--;
    return rc;
}

static int cv_read(sqlite3_file *pf, void *buf, int amt, sqlite3_int64 off)
{
    cv_file *f = (cv_file *)pf;
    return f->real->pMethods->xRead(f->real, buf, amt, off);
}

static int cv_write(sqlite3_file *pf, const void *buf, int amt, sqlite3_int64 off)
{
    cv_file *f = (cv_file *)pf;
    if (!f->ino)
        return f->real->pMethods->xWrite(f->real, buf, amt, off);
    if (step(f->type, HD_CVO_WRITE, f->ino, off, amt))
        return SQLITE_IOERR_WRITE;
    int rc = f->real->pMethods->xWrite(f->real, buf, amt, off);
    if (rc == SQLITE_OK && !inode_record(f->ino, OP_WRITE, off, buf, (size_t)amt))
        return SQLITE_IOERR_NOMEM;
    return rc;
}

static int cv_truncate(sqlite3_file *pf, sqlite3_int64 size)
{
    cv_file *f = (cv_file *)pf;
    if (!f->ino)
        return f->real->pMethods->xTruncate(f->real, size);
    if (step(f->type, HD_CVO_TRUNCATE, f->ino, size, 0))
        return SQLITE_IOERR_TRUNCATE;
    int rc = f->real->pMethods->xTruncate(f->real, size);
    if (rc == SQLITE_OK && !inode_record(f->ino, OP_TRUNCATE, size, NULL, 0))
        return SQLITE_IOERR_NOMEM;
    return rc;
}

/* No real fsync: durability is simulated, and skipping the real one keeps
 * thousands of runs fast. */
static int cv_sync(sqlite3_file *pf, int flags)
{
    cv_file *f = (cv_file *)pf;
    if (!f->ino)
        return f->real->pMethods->xSync(f->real, flags);
    if (step(f->type, HD_CVO_SYNC, f->ino, 0, 0))
        return SQLITE_IOERR_FSYNC;
    if (!inode_sync(f->ino))
        return SQLITE_IOERR_NOMEM;
    if (f->dirsync) {
        /* unixSync() syncs the directory after the file, once per handle. */
        if (step(f->type, HD_CVO_DIRSYNC, f->ino, 0, 0))
            return SQLITE_IOERR_DIR_FSYNC;
        for (cv_entry *e = g.entries; e; e = e->next)
            if (e->cur == f->ino) {
                dir_sync(e->path);
                break;
            }
        f->dirsync = 0;
    }
    return SQLITE_OK;
}

static int cv_file_size(sqlite3_file *pf, sqlite3_int64 *size)
{
    cv_file *f = (cv_file *)pf;
    return f->real->pMethods->xFileSize(f->real, size);
}

static int cv_lock(sqlite3_file *pf, int lock)
{
    cv_file *f = (cv_file *)pf;
    return f->real->pMethods->xLock(f->real, lock);
}

static int cv_unlock(sqlite3_file *pf, int lock)
{
    cv_file *f = (cv_file *)pf;
    return f->real->pMethods->xUnlock(f->real, lock);
}

static int cv_check_reserved(sqlite3_file *pf, int *out)
{
    cv_file *f = (cv_file *)pf;
    return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int cv_file_control(sqlite3_file *pf, int op, void *arg)
{
    cv_file *f = (cv_file *)pf;
    /* A size hint or chunk size would let the unix VFS grow the file behind
     * the model's back; SQLite treats "not found" as "no such feature". */
    if (f->ino && (op == SQLITE_FCNTL_SIZE_HINT || op == SQLITE_FCNTL_CHUNK_SIZE))
        return SQLITE_NOTFOUND;
    return f->real->pMethods->xFileControl(f->real, op, arg);
}

static int cv_sector_size(sqlite3_file *pf)
{
    cv_file *f = (cv_file *)pf;
    return f->real->pMethods->xSectorSize(f->real);
}

static int cv_device_characteristics(sqlite3_file *pf)
{
    cv_file *f = (cv_file *)pf;
    return f->real->pMethods->xDeviceCharacteristics(f->real);
}

/* Shared memory is never synced by SQLite and is rebuilt after a crash: it
 * passes straight through. */
static int cv_shm_map(sqlite3_file *pf, int pg, int pgsz, int extend, void volatile **pp)
{
    cv_file *f = (cv_file *)pf;
    return f->real->pMethods->xShmMap(f->real, pg, pgsz, extend, pp);
}

static int cv_shm_lock(sqlite3_file *pf, int offset, int n, int flags)
{
    cv_file *f = (cv_file *)pf;
    return f->real->pMethods->xShmLock(f->real, offset, n, flags);
}

static void cv_shm_barrier(sqlite3_file *pf)
{
    cv_file *f = (cv_file *)pf;
    f->real->pMethods->xShmBarrier(f->real);
}

static int cv_shm_unmap(sqlite3_file *pf, int delete_flag)
{
    cv_file *f = (cv_file *)pf;
    return f->real->pMethods->xShmUnmap(f->real, delete_flag);
}

/* Version 2: shared memory (WAL) but no memory-mapped I/O, so every write
 * goes through cv_write. */
static const sqlite3_io_methods cv_io = {
    2,
    cv_close,
    cv_read,
    cv_write,
    cv_truncate,
    cv_sync,
    cv_file_size,
    cv_lock,
    cv_unlock,
    cv_check_reserved,
    cv_file_control,
    cv_sector_size,
    cv_device_characteristics,
    cv_shm_map,
    cv_shm_lock,
    cv_shm_barrier,
    cv_shm_unmap,
    NULL,
    NULL,
};

/* ---- vfs methods -------------------------------------------------------- */

static int file_type(int flags)
{
    if (flags & SQLITE_OPEN_MAIN_DB)
        return HD_CVF_DB;
    if (flags & SQLITE_OPEN_WAL)
        return HD_CVF_WAL;
    if (flags & (SQLITE_OPEN_MAIN_JOURNAL | SQLITE_OPEN_SUPER_JOURNAL))
        return HD_CVF_JOURNAL;
    return HD_CVF_OTHER;
}

static int cv_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *pf, int flags,
                   int *out_flags)
{
    (void)vfs;
    cv_file *f = (cv_file *)pf;
    memset(f, 0, sizeof *f);
    f->real = (sqlite3_file *)(f + 1);
    if (g.crashed)
        return SQLITE_IOERR;
    int track = name && !(flags & SQLITE_OPEN_DELETEONCLOSE);
    struct stat sb;
    int existed = track && stat(name, &sb) == 0;
    int rc = g.real->xOpen(g.real, name, f->real, flags, out_flags);
    if (rc != SQLITE_OK || !f->real->pMethods) {
        f->base.pMethods = NULL;
        return rc != SQLITE_OK ? rc : SQLITE_CANTOPEN;
    }
    f->base.pMethods = &cv_io;
    g.open_files++;
    f->type = file_type(flags);
    if (f->type == HD_CVF_DB) {
        g.sector_size = f->real->pMethods->xSectorSize(f->real);
        g.devchar = f->real->pMethods->xDeviceCharacteristics(f->real);
    }
    if (!track)
        return SQLITE_OK;
    cv_entry *e = entry_find(name);
    if (!e) {
        e = entry_add(name);
        if (!e)
            goto nomem;
        if (existed) {
            e->cur = e->durable = inode_from_disk(name, f->type);
            if (!e->cur)
                goto nomem;
        }
    }
    if (!e->cur) {
        /* Created now (or again after a delete): only a directory sync makes
         * the new name durable. */
        e->cur = existed ? inode_from_disk(name, f->type) : inode_new(f->type);
        if (!e->cur)
            goto nomem;
    }
    f->ino = e->cur;
    f->dirsync = (flags & SQLITE_OPEN_CREATE) && f->type != HD_CVF_DB && f->type != HD_CVF_OTHER;
    return SQLITE_OK;
nomem:
    cv_close(pf);
    f->base.pMethods = NULL;
    return SQLITE_NOMEM;
}

static int cv_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    cv_entry *e = entry_find(name);
    int type = e && e->cur ? e->cur->type : HD_CVF_OTHER;
    if (step(type, HD_CVO_DELETE, e ? e->cur : NULL, 0, 0))
        return SQLITE_IOERR_DELETE;
    struct stat sb;
    if (!e && stat(name, &sb) == 0) {
        /* Never opened through the shim: what is there counts as durable. */
        e = entry_add(name);
        if (!e || !(e->cur = e->durable = inode_from_disk(name, HD_CVF_OTHER)))
            return SQLITE_IOERR_NOMEM;
    }
    int rc = g.real->xDelete(g.real, name, 0);
    if (rc != SQLITE_OK)
        return rc;
    if (e)
        e->cur = NULL;
    if (sync_dir & 1) {
        if (step(type, HD_CVO_DIRSYNC, NULL, 0, 0))
            return SQLITE_IOERR_DIR_FSYNC;
        dir_sync(name);
    }
    return SQLITE_OK;
}

static int cv_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    return g.real->xAccess(g.real, name, flags, out);
}

static int cv_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    return g.real->xFullPathname(g.real, name, n, out);
}

static void *cv_dlopen(sqlite3_vfs *vfs, const char *name)
{
    (void)vfs;
    return g.real->xDlOpen(g.real, name);
}

static void cv_dlerror(sqlite3_vfs *vfs, int n, char *msg)
{
    (void)vfs;
    g.real->xDlError(g.real, n, msg);
}

static void (*cv_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
    (void)vfs;
    return g.real->xDlSym(g.real, h, sym);
}

static void cv_dlclose(sqlite3_vfs *vfs, void *h)
{
    (void)vfs;
    g.real->xDlClose(g.real, h);
}

static int cv_randomness(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return g.real->xRandomness(g.real, n, out);
}

static int cv_sleep(sqlite3_vfs *vfs, int us)
{
    (void)vfs;
    return g.real->xSleep(g.real, us);
}

static int cv_current_time(sqlite3_vfs *vfs, double *out)
{
    (void)vfs;
    return g.real->xCurrentTime(g.real, out);
}

static int cv_last_error(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return g.real->xGetLastError ? g.real->xGetLastError(g.real, n, out) : 0;
}

static int cv_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    (void)vfs;
    if (g.real->iVersion >= 2 && g.real->xCurrentTimeInt64)
        return g.real->xCurrentTimeInt64(g.real, out);
    double d = 0;
    int rc = g.real->xCurrentTime(g.real, &d);
    *out = (sqlite3_int64)(d * 86400000.0);
    return rc;
}

/* ---- public --------------------------------------------------------------- */

hd_err hd_crashvfs_install(void)
{
    if (!g.registered) {
        sqlite3_vfs *real = sqlite3_vfs_find(NULL);
        if (!real)
            return HD_EIO;
        g.real = real;
        g.vfs.iVersion = 2;
        g.vfs.szOsFile = (int)sizeof(cv_file) + real->szOsFile;
        g.vfs.mxPathname = real->mxPathname;
        g.vfs.zName = "heard-crash";
        g.vfs.xOpen = cv_open;
        g.vfs.xDelete = cv_delete;
        g.vfs.xAccess = cv_access;
        g.vfs.xFullPathname = cv_full_pathname;
        g.vfs.xDlOpen = cv_dlopen;
        g.vfs.xDlError = cv_dlerror;
        g.vfs.xDlSym = cv_dlsym;
        g.vfs.xDlClose = cv_dlclose;
        g.vfs.xRandomness = cv_randomness;
        g.vfs.xSleep = cv_sleep;
        g.vfs.xCurrentTime = cv_current_time;
        g.vfs.xGetLastError = cv_last_error;
        g.vfs.xCurrentTimeInt64 = cv_current_time64;
        g.registered = 1;
    }
    return sqlite3_vfs_register(&g.vfs, 1) == SQLITE_OK ? HD_OK : HD_EIO;
}

void hd_crashvfs_uninstall(void)
{
    if (g.registered)
        sqlite3_vfs_register(g.real, 1);
}

void hd_crashvfs_arm(long crash_at)
{
    model_reset();
    g.crash_at = crash_at > 0 ? crash_at : 0;
}

void hd_crashvfs_trace(int on) { g.trace = on; }

int hd_crashvfs_crashed(void) { return g.crashed; }

long hd_crashvfs_steps(void) { return g.steps; }

void hd_crashvfs_device(int *sector_size, int *characteristics)
{
    if (sector_size)
        *sector_size = g.sector_size;
    if (characteristics)
        *characteristics = g.devchar;
}

const char *hd_crashvfs_file_name(int f)
{
    static const char *const names[HD_CVF_COUNT_] = {"db", "wal", "journal", "other"};
    return f >= 0 && f < HD_CVF_COUNT_ ? names[f] : "?";
}

const char *hd_crashvfs_op_name(int op)
{
    static const char *const names[HD_CVO_COUNT_] = {"write", "truncate", "sync", "dirsync",
                                                     "delete"};
    return op >= 0 && op < HD_CVO_COUNT_ ? names[op] : "?";
}

/* What of ino reaches the medium: its durable content, then each pending
 * operation in order, kept, dropped or (writes) torn. */
static int survive(cv_inode *ino, uint64_t *rng, hd_crashvfs_stats *s, unsigned char **out,
                   size_t *out_len)
{
    size_t len = ino->len, cap = ino->len ? ino->len : 1;
    unsigned char *b = malloc(cap);
    if (!b)
        return 0;
    if (ino->len)
        memcpy(b, ino->img, ino->len);
    for (size_t i = 0; i < ino->nops; i++) {
        cv_op *op = &ino->ops[i];
        int ok = 1;
        if (op->kind == OP_TRUNCATE) {
            if (pick(rng, 2)) {
                ok = buf_truncate(&b, &len, &cap, op->off);
                s->truncates_kept++;
            } else {
                s->truncates_dropped++;
            }
        } else {
            unsigned how = pick(rng, 3);
            if (how == 0) {
                ok = buf_write(&b, &len, &cap, op->off, op->data, op->len);
                s->writes_kept++;
            } else if (how == 1) {
                s->writes_dropped++;
            } else {
                /* Torn: the size change reached the medium (SQLite assumes a
                 * file may grow before its data arrives), the data did so
                 * sector by sector. Bytes outside the write never change:
                 * the unix VFS claims SQLITE_IOCAP_POWERSAFE_OVERWRITE. */
                s->writes_torn++;
                size_t end = (size_t)op->off + op->len;
                if (end > len)
                    ok = buf_truncate(&b, &len, &cap, (sqlite3_int64)end);
                size_t at = (size_t)op->off;
                while (ok && at < end) {
                    size_t next = (at / CV_SECTOR + 1) * CV_SECTOR;
                    if (next > end)
                        next = end;
                    unsigned r = pick(rng, 8);
                    if (r < 4) {
                        memcpy(b + at, op->data + (at - (size_t)op->off), next - at);
                    } else if (r == 7) {
                        fill_random(rng, b + at, next - at);
                        s->sectors_garbage++;
                    } /* else: the old bytes stay */
                    at = next;
                }
            }
        }
        if (!ok) {
            free(b);
            return 0;
        }
    }
    *out = b;
    *out_len = len;
    return 1;
}

static int write_whole(const char *path, const unsigned char *b, size_t n)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return 0;
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, b + done, n - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            close(fd);
            return 0;
        }
        done += (size_t)w;
    }
    return close(fd) == 0;
}

/* The -shm file holds nothing durable: after a power loss it may be gone,
 * stale, or garbage. The first connection after the crash must cope. */
static int shm_after_crash(const char *db_path, uint64_t *rng)
{
    char *shm = malloc(strlen(db_path) + 5);
    if (!shm)
        return 0;
    sprintf(shm, "%s-shm", db_path);
    struct stat sb;
    int ok = 1;
    if (stat(shm, &sb) == 0) {
        unsigned how = pick(rng, 3);
        if (how == 0) {
            unlink(shm);
        } else if (how == 1 && sb.st_size > 0) {
            unsigned char *junk = malloc((size_t)sb.st_size);
            ok = junk != NULL;
            if (ok) {
                fill_random(rng, junk, (size_t)sb.st_size);
                ok = write_whole(shm, junk, (size_t)sb.st_size);
            }
            free(junk);
        }
    }
    free(shm);
    return ok;
}

hd_err hd_crashvfs_power_loss(uint64_t seed, hd_crashvfs_stats *stats)
{
    if (g.open_files > 0)
        return HD_EBUSY;
    hd_crashvfs_stats s;
    memset(&s, 0, sizeof s);
    s.steps = g.crashed ? g.steps - 1 : g.steps;
    s.crashed = g.crashed;
    s.crash_file = g.crash_file;
    s.crash_op = g.crash_op;
    uint64_t rng = seed;
    hd_err e = HD_OK;
    for (cv_entry *en = g.entries; en && e == HD_OK; en = en->next) {
        cv_inode *keep = en->cur;
        if (en->durable != en->cur) {
            /* The directory changed since it was last synced: the medium
             * holds either state of it. */
            if (pick(&rng, 2)) {
                keep = en->durable;
                if (en->cur && !en->durable)
                    s.files_vanished++;
                if (!en->cur && en->durable)
                    s.files_resurrected++;
            }
        }
        if (!keep) {
            if (unlink(en->path) != 0 && errno != ENOENT)
                e = HD_EIO;
        } else {
            unsigned char *b = NULL;
            size_t n = 0;
            if (!survive(keep, &rng, &s, &b, &n))
                e = HD_ENOMEM;
            else if (!write_whole(en->path, b, n))
                e = HD_EIO;
            free(b);
        }
        if (e == HD_OK && keep && keep->type == HD_CVF_DB && !shm_after_crash(en->path, &rng))
            e = HD_EIO;
    }
    if (stats)
        *stats = s;
    model_reset();
    return e;
}

hd_err hd_crashvfs_tune(hd_store *st, int wal_autocheckpoint, int full)
{
    if (!st || wal_autocheckpoint < 0)
        return HD_EINVAL;
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA wal_autocheckpoint=%d; PRAGMA synchronous=%s",
             wal_autocheckpoint, full ? "FULL" : "NORMAL");
    sqlite3 *db = hd_store_sqlite(st);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    return hd_store_map_rc(st, rc, 1);
}

/* ---- deterministic random bytes ------------------------------------------ */

static uint64_t fake_state;

static const char *fake_name(void) { return "heard-crashvfs-fake"; }

static uint32_t fake_random(void) { return (uint32_t)(mix_next(&fake_state) >> 32); }

static void fake_buf(void *const buf, const size_t size)
{
    fill_random(&fake_state, buf, size);
}

static randombytes_implementation fake_impl = {
    fake_name, fake_random, NULL, NULL, fake_buf, NULL,
};

void hd_crashvfs_fake_random(uint64_t seed)
{
    static int set;
    if (!set) {
        randombytes_set_implementation(&fake_impl);
        /* sodium_init() draws its canary from the stream the first time:
         * done here, before the seed is set, every run starts alike. */
        int rc = sodium_init(); /* a failure shows in hd_store_open */
        (void)rc;
        set = 1;
    }
    fake_state = seed;
}
