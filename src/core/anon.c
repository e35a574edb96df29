/* anon.c — k-anonymity by greedy local suppression; ISO weeks; text scrub.
 *
 * The method. Rows with equal quasi-identifier tuples form a class. A class
 * with fewer than k rows violates k-anonymity. Every row of a violating
 * class needs at least one suppressed cell (a suppressed cell reads "*" and
 * "*" is a value of its own, so a row with no "*" can only ever share its
 * tuple with rows that were equal to begin with). The engine therefore
 * works on classes, never touches a class that is already large enough
 * unless nothing else is left, and tries to fix every violating row with a
 * single "*":
 *
 *   Round: for each violating class X and each column c not yet "*", the
 *   class would move to the key X[c := *]. Candidates are grouped by key;
 *   a key's total is the rows already there plus every violating class that
 *   can reach it with one more "*".
 *   1. pooling keys (no safe class there yet) whose total reaches k, largest
 *      total first: move every still-unmoved contributor there. This is
 *      "the suppression that fixes the most violating rows": a pooled key
 *      fixes its contributors and the rows already waiting there.
 *   2. keys that already hold a safe class (>= k rows), largest first:
 *      every class still unmoved that can reach one moves there.
 *   3. only when 1 and 2 moved nothing: every remaining violating class
 *      takes one more "*" anyway, towards the key with the largest total
 *      (ties: the column with more distinct values, which is what made the
 *      class rare), so small classes pool up for the next round.
 *   Each move adds a "*" to the rows that move, so the rounds end. What is
 *   left violating then is all "*"; if that class is still under k it takes
 *   the rows it lacks from the class that loses least (a large class with
 *   most "*" already), or as a last resort absorbs the smallest classes.
 *
 * Greedy is not optimal, and on a few small tables blanking whole columns
 * costs fewer cells; the engine computes that baseline too and publishes
 * whichever result blanks fewer cells.
 *
 * Classes are merged by forwarding (fwd[x] = the class x moved into); rows
 * keep their first class number and follow the forwards once at the end.
 */
#include "core/anon.h"

#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

enum { ST_OUT, ST_AVAIL, ST_STAY, ST_MOVED }; /* per-round class state */

struct hd_anon {
    int m;
    bool ran;
    /* classes */
    uint32_t *tup;   /* ncls * m */
    uint32_t *count; /* rows in the class now */
    uint32_t *orig;  /* rows added into the class (initial classes only) */
    uint32_t *fwd;   /* itself while alive */
    uint8_t *st;
    size_t ncls, clscap, ninit;
    /* tuple -> class (the newest class with that tuple) */
    uint32_t *slot;
    size_t nslot, used;
    /* rows */
    uint32_t *row;
    size_t nrows, rowcap;
    /* result */
    size_t supp[HD_ANON_MAX_COLS];
    uint32_t split_from, split_to, split_left;
    /* the whole-column baseline, once computed for base_k */
    int base_k;
    size_t base_cost;
    uint64_t base_mask;
};

/* ---- hashing ------------------------------------------------------- */

static uint64_t mix(uint64_t h, uint32_t v)
{
    h ^= v;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
    return h;
}

/* Hash of tuple t with column ov (-1: none) read as STAR and every column
 * in mask read as STAR. */
static uint64_t hash_tuple(const uint32_t *t, int m, int ov, uint64_t mask)
{
    uint64_t h = 0x9E3779B97F4A7C15ULL;
    for (int i = 0; i < m; i++)
        h = mix(h, (i == ov || (mask >> i & 1)) ? HD_ANON_STAR : t[i]);
    return h ^ (h >> 29);
}

static bool eq_tuple(const uint32_t *a, const uint32_t *b, int m, int ov, uint64_t mask)
{
    for (int i = 0; i < m; i++) {
        uint32_t va = (i == ov || (mask >> i & 1)) ? HD_ANON_STAR : a[i];
        uint32_t vb = (mask >> i & 1) ? HD_ANON_STAR : b[i];
        if (va != vb)
            return false;
    }
    return true;
}

static const uint32_t *tuple_of(const hd_anon *a, uint32_t c) { return a->tup + (size_t)c * a->m; }

static bool alive(const hd_anon *a, uint32_t c) { return a->fwd[c] == c; }

/* Slot index for tuple t[ov := STAR] (empty slot when absent). */
static size_t find_slot(const hd_anon *a, const uint32_t *t, int ov)
{
    size_t mask = a->nslot - 1;
    size_t i = (size_t)hash_tuple(t, a->m, ov, 0) & mask;
    while (a->slot[i] != NONE) {
        if (eq_tuple(t, tuple_of(a, a->slot[i]), a->m, ov, 0))
            return i;
        i = (i + 1) & mask;
    }
    return i;
}

static hd_err rehash(hd_anon *a, size_t nslot)
{
    uint32_t *old = a->slot;
    size_t oldn = a->nslot;
    a->slot = malloc(nslot * sizeof *a->slot);
    if (!a->slot) {
        a->slot = old;
        return HD_ENOMEM;
    }
    memset(a->slot, 0xFF, nslot * sizeof *a->slot);
    a->nslot = nslot;
    for (size_t i = 0; i < oldn; i++)
        if (old[i] != NONE)
            a->slot[find_slot(a, tuple_of(a, old[i]), -1)] = old[i];
    free(old);
    return HD_OK;
}

/* A new class with tuple t[ov := STAR], entered in the table (replacing a
 * dead class with the same tuple). Returns its number or NONE (no memory). */
static uint32_t new_class(hd_anon *a, const uint32_t *t, int ov)
{
    if (a->ncls == a->clscap) {
        size_t cap = a->clscap ? a->clscap * 2 : 1024;
        if (cap >= NONE)
            return NONE;
        uint32_t *tup = realloc(a->tup, cap * a->m * sizeof *tup);
        if (!tup)
            return NONE;
        a->tup = tup;
        uint32_t *count = realloc(a->count, cap * sizeof *count);
        if (!count)
            return NONE;
        a->count = count;
        uint32_t *orig = realloc(a->orig, cap * sizeof *orig);
        if (!orig)
            return NONE;
        a->orig = orig;
        uint32_t *fwd = realloc(a->fwd, cap * sizeof *fwd);
        if (!fwd)
            return NONE;
        a->fwd = fwd;
        uint8_t *st = realloc(a->st, cap);
        if (!st)
            return NONE;
        a->st = st;
        a->clscap = cap;
    }
    if ((a->used + 1) * 2 > a->nslot && rehash(a, a->nslot * 2) != HD_OK)
        return NONE;
    uint32_t c = (uint32_t)a->ncls++;
    uint32_t *dst = a->tup + (size_t)c * a->m;
    /* t may point into a->tup, which the realloc above may have moved: the
     * caller passes class numbers through tuple_of() after this returns. */
    memcpy(dst, t, a->m * sizeof *dst);
    if (ov >= 0)
        dst[ov] = HD_ANON_STAR;
    a->count[c] = 0;
    a->orig[c] = 0;
    a->fwd[c] = c;
    a->st[c] = ST_OUT;
    size_t s = find_slot(a, dst, -1);
    if (a->slot[s] == NONE)
        a->used++;
    a->slot[s] = c;
    return c;
}

/* The live class with tuple of class x with column ov starred, or NONE. */
static uint32_t lookup(const hd_anon *a, uint32_t x, int ov)
{
    size_t s = find_slot(a, tuple_of(a, x), ov);
    uint32_t c = a->slot[s];
    if (c == NONE || !alive(a, c))
        return NONE;
    return c;
}

/* Class for tuple of x with ov starred: existing live one, or a new one. */
static uint32_t class_for(hd_anon *a, uint32_t x, int ov)
{
    uint32_t c = lookup(a, x, ov);
    if (c != NONE)
        return c;
    /* Copy the tuple first: new_class may move a->tup. */
    uint32_t tmp[HD_ANON_MAX_COLS];
    memcpy(tmp, tuple_of(a, x), a->m * sizeof *tmp);
    return new_class(a, tmp, ov);
}

/* ---- public basics -------------------------------------------------- */

hd_err hd_anon_open(int n_cols, hd_anon **out)
{
    if (n_cols < 1 || n_cols > HD_ANON_MAX_COLS || !out)
        return HD_EINVAL;
    hd_anon *a = calloc(1, sizeof *a);
    if (!a)
        return HD_ENOMEM;
    a->m = n_cols;
    a->nslot = 1024;
    a->slot = malloc(a->nslot * sizeof *a->slot);
    if (!a->slot) {
        free(a);
        return HD_ENOMEM;
    }
    memset(a->slot, 0xFF, a->nslot * sizeof *a->slot);
    a->split_from = a->split_to = NONE;
    *out = a;
    return HD_OK;
}

void hd_anon_close(hd_anon *a)
{
    if (!a)
        return;
    free(a->tup);
    free(a->count);
    free(a->orig);
    free(a->fwd);
    free(a->st);
    free(a->slot);
    free(a->row);
    free(a);
}

size_t hd_anon_rows(const hd_anon *a) { return a->nrows; }
int hd_anon_cols(const hd_anon *a) { return a->m; }

hd_err hd_anon_add(hd_anon *a, const uint32_t *codes)
{
    if (a->ran)
        return HD_EINVAL;
    a->base_k = 0; /* the data changes: forget a baseline computed before */
    for (int i = 0; i < a->m; i++)
        if (codes[i] == HD_ANON_STAR)
            return HD_EINVAL;
    if (a->nrows == a->rowcap) {
        size_t cap = a->rowcap ? a->rowcap * 2 : 4096;
        if (cap >= NONE)
            return HD_ENOMEM;
        uint32_t *row = realloc(a->row, cap * sizeof *row);
        if (!row)
            return HD_ENOMEM;
        a->row = row;
        a->rowcap = cap;
    }
    size_t s = find_slot(a, codes, -1);
    uint32_t c = a->slot[s];
    if (c == NONE) {
        c = new_class(a, codes, -1);
        if (c == NONE)
            return HD_ENOMEM;
    }
    a->count[c]++;
    a->orig[c]++;
    a->row[a->nrows++] = c;
    return HD_OK;
}

uint32_t hd_anon_get(const hd_anon *a, size_t row, int col)
{
    if (row >= a->nrows || col < 0 || col >= a->m)
        return HD_ANON_STAR;
    return tuple_of(a, a->row[row])[col];
}

size_t hd_anon_suppressed(const hd_anon *a, int col)
{
    if (col < 0 || col >= a->m)
        return 0;
    return a->supp[col];
}

size_t hd_anon_unique_rows(const hd_anon *a, int k)
{
    size_t n = 0;
    size_t ninit = a->ran ? a->ninit : a->ncls;
    for (size_t c = 0; c < ninit; c++)
        if (a->orig[c] > 0 && a->orig[c] < (uint32_t)k)
            n += a->orig[c];
    return n;
}

/* ---- the rounds ----------------------------------------------------- */

typedef struct group {
    uint32_t rep; /* a member class; the key is its tuple with col starred */
    int col;
    uint32_t first; /* first member (index into cand arrays) */
    uint64_t sum;   /* rows of all members */
    uint64_t base;  /* rows already at the key when the round began */
    uint32_t distinct; /* distinct values of col, for ties */
} group;

typedef struct round {
    group *g;
    size_t ng, gcap;
    uint32_t *gslot; /* key -> group */
    size_t ngslot;
    uint32_t *cand_cls, *cand_next;
    size_t ncand, candcap;
} round;

static int cmp_total_desc(const void *pa, const void *pb)
{
    const group *a = pa, *b = pb;
    uint64_t ta = a->base + a->sum, tb = b->base + b->sum;
    if (ta != tb)
        return ta > tb ? -1 : 1;
    if (a->distinct != b->distinct)
        return a->distinct > b->distinct ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return a->rep < b->rep ? -1 : a->rep > b->rep;
}

static int cmp_base_desc(const void *pa, const void *pb)
{
    const group *a = pa, *b = pb;
    if (a->base != b->base)
        return a->base > b->base ? -1 : 1;
    return cmp_total_desc(pa, pb);
}

static hd_err add_cand(hd_anon *a, round *r, uint32_t x, int col, const uint32_t *distinct)
{
    if (r->ncand == r->candcap) {
        size_t cap = r->candcap ? r->candcap * 2 : 4096;
        uint32_t *cc = realloc(r->cand_cls, cap * sizeof *cc);
        if (!cc)
            return HD_ENOMEM;
        r->cand_cls = cc;
        uint32_t *cn = realloc(r->cand_next, cap * sizeof *cn);
        if (!cn)
            return HD_ENOMEM;
        r->cand_next = cn;
        r->candcap = cap;
    }
    const uint32_t *t = tuple_of(a, x);
    size_t mask = r->ngslot - 1;
    size_t i = (size_t)hash_tuple(t, a->m, col, 0) & mask;
    while (r->gslot[i] != NONE) {
        group *g = &r->g[r->gslot[i]];
        /* Key of g is rep's tuple with g->col starred; compare to ours. */
        const uint32_t *gt = tuple_of(a, g->rep);
        bool same = true;
        for (int j = 0; j < a->m && same; j++) {
            uint32_t va = j == col ? HD_ANON_STAR : t[j];
            uint32_t vb = j == g->col ? HD_ANON_STAR : gt[j];
            same = va == vb;
        }
        if (same)
            break;
        i = (i + 1) & mask;
    }
    uint32_t gi = r->gslot[i];
    if (gi == NONE) {
        if (r->ng == r->gcap) {
            size_t cap = r->gcap ? r->gcap * 2 : 1024;
            group *g = realloc(r->g, cap * sizeof *g);
            if (!g)
                return HD_ENOMEM;
            r->g = g;
            r->gcap = cap;
        }
        gi = (uint32_t)r->ng++;
        r->gslot[i] = gi;
        group *g = &r->g[gi];
        g->rep = x;
        g->col = col;
        g->first = NONE;
        g->sum = 0;
        uint32_t b = lookup(a, x, col);
        g->base = b == NONE ? 0 : a->count[b];
        g->distinct = distinct[col];
    }
    group *g = &r->g[gi];
    uint32_t ci = (uint32_t)r->ncand++;
    r->cand_cls[ci] = x;
    r->cand_next[ci] = g->first;
    g->first = ci;
    g->sum += a->count[x];
    return HD_OK;
}

/* Moves every still-available member of g to g's key, if at least one is
 * available and (when need_k) the key then holds k rows. Returns 1 when
 * something moved, 0 when not, -1 when out of memory. */
static int apply(hd_anon *a, const round *r, const group *g, int k, bool need_k)
{
    uint32_t b = lookup(a, g->rep, g->col);
    uint64_t base = b == NONE ? 0 : a->count[b];
    uint64_t avail = 0;
    for (uint32_t ci = g->first; ci != NONE; ci = r->cand_next[ci])
        if (a->st[r->cand_cls[ci]] == ST_AVAIL)
            avail += a->count[r->cand_cls[ci]];
    if (avail == 0 || (need_k && base + avail < (uint64_t)k))
        return 0;
    if (b == NONE) {
        b = class_for(a, g->rep, g->col);
        if (b == NONE)
            return -1;
    } else if (a->st[b] == ST_AVAIL) {
        a->st[b] = ST_STAY; /* rows are coming to it: it stays put this round */
    }
    for (uint32_t ci = g->first; ci != NONE; ci = r->cand_next[ci]) {
        uint32_t x = r->cand_cls[ci];
        if (a->st[x] != ST_AVAIL)
            continue;
        a->count[b] += a->count[x];
        a->count[x] = 0;
        a->fwd[x] = b;
        a->st[x] = ST_MOVED;
    }
    return 1;
}

static int stars(const hd_anon *a, uint32_t c)
{
    int n = 0;
    const uint32_t *t = tuple_of(a, c);
    for (int i = 0; i < a->m; i++)
        n += t[i] == HD_ANON_STAR;
    return n;
}

static int cmp_u32(const void *pa, const void *pb)
{
    uint32_t x = *(const uint32_t *)pa, y = *(const uint32_t *)pb;
    return x < y ? -1 : x > y;
}

/* Distinct values per column over the first n classes (the initial ones:
 * those made by hd_anon_add). */
static hd_err count_distinct(const hd_anon *a, size_t n, uint32_t *distinct)
{
    uint32_t *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return HD_ENOMEM;
    for (int col = 0; col < a->m; col++) {
        for (size_t c = 0; c < n; c++)
            v[c] = tuple_of(a, (uint32_t)c)[col];
        qsort(v, n, sizeof *v, cmp_u32);
        uint32_t d = 0;
        for (size_t c = 0; c < n; c++)
            if (c == 0 || v[c] != v[c - 1])
                d++;
        distinct[col] = d;
    }
    free(v);
    return HD_OK;
}

static void round_free(round *r)
{
    free(r->g);
    free(r->gslot);
    free(r->cand_cls);
    free(r->cand_next);
}

/* One round; *moved gets whether anything moved, *left the violating
 * classes that are not all "*". */
static hd_err run_round(hd_anon *a, int k, const uint32_t *distinct, bool *moved, size_t *left)
{
    round r = {0};
    hd_err err = HD_OK;
    size_t nv = 0;
    *moved = false;
    *left = 0;
    for (size_t c = 0; c < a->ncls; c++) {
        uint32_t x = (uint32_t)c;
        a->st[x] = ST_OUT;
        if (alive(a, x) && a->count[x] > 0 && a->count[x] < (uint32_t)k &&
            stars(a, x) < a->m) {
            a->st[x] = ST_AVAIL;
            nv++;
        }
    }
    *left = nv;
    if (nv == 0)
        return HD_OK;
    r.ngslot = 1024;
    while (r.ngslot < nv * a->m * 2)
        r.ngslot *= 2;
    r.gslot = malloc(r.ngslot * sizeof *r.gslot);
    if (!r.gslot)
        return HD_ENOMEM;
    memset(r.gslot, 0xFF, r.ngslot * sizeof *r.gslot);
    for (size_t c = 0; c < a->ncls && err == HD_OK; c++) {
        if (a->st[c] != ST_AVAIL)
            continue;
        const uint32_t *t = tuple_of(a, (uint32_t)c);
        for (int col = 0; col < a->m && err == HD_OK; col++)
            if (t[col] != HD_ANON_STAR)
                err = add_cand(a, &r, (uint32_t)c, col, distinct);
    }
    if (err != HD_OK) {
        round_free(&r);
        return err;
    }
    /* 1. pooling keys that reach k */
    group *order = malloc((r.ng ? r.ng : 1) * sizeof *order);
    if (!order) {
        round_free(&r);
        return HD_ENOMEM;
    }
    size_t n = 0;
    for (size_t i = 0; i < r.ng; i++)
        if (r.g[i].base < (uint64_t)k && r.g[i].base + r.g[i].sum >= (uint64_t)k)
            order[n++] = r.g[i];
    qsort(order, n, sizeof *order, cmp_total_desc);
    for (size_t i = 0; i < n && err == HD_OK; i++) {
        int rc = apply(a, &r, &order[i], k, true);
        if (rc < 0)
            err = HD_ENOMEM;
        else if (rc > 0)
            *moved = true;
    }
    /* 2. keys holding a safe class */
    n = 0;
    for (size_t i = 0; i < r.ng; i++)
        if (r.g[i].base >= (uint64_t)k)
            order[n++] = r.g[i];
    qsort(order, n, sizeof *order, cmp_base_desc);
    for (size_t i = 0; i < n && err == HD_OK; i++) {
        int rc = apply(a, &r, &order[i], k, false);
        if (rc < 0)
            err = HD_ENOMEM;
        else if (rc > 0)
            *moved = true;
    }
    /* 3. nothing fixable with one "*": everyone takes one step anyway */
    if (!*moved && err == HD_OK) {
        memcpy(order, r.g, r.ng * sizeof *order);
        qsort(order, r.ng, sizeof *order, cmp_total_desc);
        for (size_t i = 0; i < r.ng && err == HD_OK; i++) {
            int rc = apply(a, &r, &order[i], k, false);
            if (rc < 0)
                err = HD_ENOMEM;
            else if (rc > 0)
                *moved = true;
        }
    }
    free(order);
    round_free(&r);
    return err;
}

static uint32_t find_root(hd_anon *a, uint32_t c)
{
    uint32_t root = c;
    while (a->fwd[root] != root)
        root = a->fwd[root];
    while (a->fwd[c] != root) { /* path compression */
        uint32_t next = a->fwd[c];
        a->fwd[c] = root;
        c = next;
    }
    return root;
}

/* The all-"*" class is under k: give it the rows it lacks. */
static hd_err fill_star_class(hd_anon *a, uint32_t s, int k)
{
    uint32_t need = (uint32_t)k - a->count[s];
    /* A donor that stays at k or more and whose rows lose fewest cells. */
    uint32_t donor = NONE;
    int best_missing = a->m + 1;
    for (size_t c = 0; c < a->ncls; c++) {
        uint32_t y = (uint32_t)c;
        if (y == s || !alive(a, y) || a->count[y] < (uint64_t)k + need)
            continue;
        int missing = a->m - stars(a, y);
        if (missing < best_missing ||
            (missing == best_missing && a->count[y] > a->count[donor])) {
            donor = y;
            best_missing = missing;
        }
    }
    if (donor != NONE) {
        a->count[donor] -= need;
        a->count[s] += need;
        a->split_from = donor;
        a->split_to = s;
        a->split_left = need;
        return HD_OK;
    }
    /* No class can spare them: absorb whole classes, cheapest first. */
    while (a->count[s] < (uint32_t)k) {
        uint32_t pick = NONE;
        uint64_t best = UINT64_MAX;
        for (size_t c = 0; c < a->ncls; c++) {
            uint32_t y = (uint32_t)c;
            if (y == s || !alive(a, y) || a->count[y] == 0)
                continue;
            uint64_t cost = (uint64_t)a->count[y] * (uint64_t)(a->m - stars(a, y));
            if (cost < best) {
                best = cost;
                pick = y;
            }
        }
        if (pick == NONE)
            return HD_ETOOFEW; /* fewer than k rows in all: checked earlier */
        a->count[s] += a->count[pick];
        a->count[pick] = 0;
        a->fwd[pick] = s;
    }
    return HD_OK;
}

/* Moves every row to its initial tuple with the columns in mask blanked. */
static hd_err use_columns(hd_anon *a, uint64_t mask)
{
    uint32_t *map = malloc((a->ninit ? a->ninit : 1) * sizeof *map);
    if (!map)
        return HD_ENOMEM;
    for (size_t c = 0; c < a->ninit; c++) {
        uint32_t tmp[HD_ANON_MAX_COLS];
        memcpy(tmp, tuple_of(a, (uint32_t)c), a->m * sizeof *tmp);
        for (int i = 0; i < a->m; i++)
            if (mask >> i & 1)
                tmp[i] = HD_ANON_STAR;
        /* Any class with that tuple will do, alive or not: from here on a
         * class number only names a tuple. */
        uint32_t t = a->slot[find_slot(a, tmp, -1)];
        if (t == NONE)
            t = new_class(a, tmp, -1);
        if (t == NONE) {
            free(map);
            return HD_ENOMEM;
        }
        map[c] = t;
    }
    for (size_t i = 0; i < a->nrows; i++)
        a->row[i] = map[a->row[i]];
    free(map);
    return HD_OK;
}

hd_err hd_anon_run(hd_anon *a, int k)
{
    if (a->ran || k < 1)
        return HD_EINVAL;
    if (a->nrows > 0 && a->nrows < (size_t)k)
        return HD_ETOOFEW;
    a->ran = true;
    a->ninit = a->ncls;
    memset(a->supp, 0, sizeof a->supp);
    if (a->nrows == 0)
        return HD_OK;
    uint32_t distinct[HD_ANON_MAX_COLS];
    hd_err err = count_distinct(a, a->ninit, distinct);
    if (err != HD_OK)
        return err;
    /* Every move adds a "*" to the moving rows and at most m can be added;
     * the cap only guards against a mistake turning into an endless loop. */
    int max_rounds = 4 * a->m + 8;
    size_t left = 0;
    for (int round_no = 0; round_no < max_rounds; round_no++) {
        bool moved;
        err = run_round(a, k, distinct, &moved, &left);
        if (err != HD_OK)
            return err;
        if (left == 0 || !moved)
            break;
    }
    /* Whatever still violates (only after the cap) goes to all "*". */
    uint32_t all[HD_ANON_MAX_COLS];
    for (int i = 0; i < a->m; i++)
        all[i] = HD_ANON_STAR;
    size_t s_slot = find_slot(a, all, -1);
    uint32_t s = a->slot[s_slot];
    if (s != NONE && !alive(a, s))
        s = NONE;
    for (size_t c = 0; c < a->ncls; c++) {
        uint32_t x = (uint32_t)c;
        if (!alive(a, x) || a->count[x] == 0 || a->count[x] >= (uint32_t)k || x == s)
            continue;
        if (s == NONE) {
            s = new_class(a, all, -1);
            if (s == NONE)
                return HD_ENOMEM;
        }
        a->count[s] += a->count[x];
        a->count[x] = 0;
        a->fwd[x] = s;
    }
    if (s != NONE && a->count[s] > 0 && a->count[s] < (uint32_t)k) {
        err = fill_star_class(a, s, k);
        if (err != HD_OK)
            return err;
    }
    /* Greedy is not optimal: on some data blanking whole columns costs
     * fewer cells. Both are known here, so publish the cheaper one. */
    uint64_t local_cost = 0;
    for (size_t c = 0; c < a->ncls; c++)
        if (alive(a, (uint32_t)c))
            local_cost += (uint64_t)a->count[c] * (uint64_t)stars(a, (uint32_t)c);
    uint64_t mask = 0;
    size_t col_cost = hd_anon_column_baseline(a, k, &mask);
    if (col_cost != SIZE_MAX && col_cost < local_cost) {
        err = use_columns(a, mask);
        if (err != HD_OK)
            return err;
    } else {
        /* Rows follow the forwards to their final class. */
        for (size_t i = 0; i < a->nrows; i++) {
            uint32_t f = find_root(a, a->row[i]);
            if (f == a->split_from && a->split_left > 0) {
                f = a->split_to;
                a->split_left--;
            }
            a->row[i] = f;
        }
    }
    /* Count again from the rows themselves, not from the bookkeeping above,
     * and refuse to hand out a result that is not k-anonymous. */
    uint32_t *check = calloc(a->ncls, sizeof *check);
    if (!check)
        return HD_ENOMEM;
    for (size_t i = 0; i < a->nrows; i++)
        check[a->row[i]]++;
    for (size_t c = 0; c < a->ncls; c++) {
        if (check[c] == 0)
            continue;
        if (check[c] < (uint32_t)k) {
            free(check);
            return HD_EINVAL; /* a bug in this file: never publish it */
        }
        const uint32_t *t = tuple_of(a, (uint32_t)c);
        for (int col = 0; col < a->m; col++)
            if (t[col] == HD_ANON_STAR)
                a->supp[col] += check[c];
    }
    free(check);
    return HD_OK;
}

/* ---- whole-column baseline ------------------------------------------ */

/* True when blanking the columns in mask makes the initial data
 * k-anonymous. */
static int mask_ok(const hd_anon *a, size_t ninit, uint64_t mask, int k)
{
    size_t nslot = 1024;
    while (nslot < ninit * 2)
        nslot *= 2;
    uint32_t *slot = malloc(nslot * sizeof *slot);
    uint32_t *cnt = calloc(ninit ? ninit : 1, sizeof *cnt);
    if (!slot || !cnt) {
        free(slot);
        free(cnt);
        return -1;
    }
    memset(slot, 0xFF, nslot * sizeof *slot);
    for (size_t c = 0; c < ninit; c++) {
        if (a->orig[c] == 0)
            continue;
        const uint32_t *t = tuple_of(a, (uint32_t)c);
        size_t i = (size_t)hash_tuple(t, a->m, -1, mask) & (nslot - 1);
        while (slot[i] != NONE && !eq_tuple(t, tuple_of(a, slot[i]), a->m, -1, mask))
            i = (i + 1) & (nslot - 1);
        if (slot[i] == NONE)
            slot[i] = (uint32_t)c;
        cnt[slot[i]] += a->orig[c];
    }
    int ok = 1;
    for (size_t c = 0; c < ninit && ok; c++)
        if (cnt[c] > 0 && cnt[c] < (uint32_t)k)
            ok = 0;
    free(slot);
    free(cnt);
    return ok;
}

static size_t column_baseline(const hd_anon *a, int k, uint64_t *cols_mask);

size_t hd_anon_column_baseline(const hd_anon *a, int k, uint64_t *cols_mask)
{
    if (a->base_k == k) {
        if (cols_mask)
            *cols_mask = a->base_mask;
        return a->base_cost;
    }
    uint64_t mask = 0;
    size_t cost = column_baseline(a, k, &mask);
    if (cost != SIZE_MAX) {
        /* The data never changes after hd_anon_run, so the answer keeps:
         * a cache, not part of the table's meaning. */
        hd_anon *w = (hd_anon *)a;
        w->base_k = k;
        w->base_cost = cost;
        w->base_mask = mask;
    }
    if (cols_mask)
        *cols_mask = mask;
    return cost;
}

static size_t column_baseline(const hd_anon *a, int k, uint64_t *cols_mask)
{
    size_t ninit = a->ran ? a->ninit : a->ncls;
    uint64_t full = a->m == 64 ? UINT64_MAX : ((uint64_t)1 << a->m) - 1;
    if (cols_mask)
        *cols_mask = 0;
    if (a->nrows == 0)
        return 0;
    uint64_t found = full;
    /* Exhaustive search stops at the first feasible number of columns, but
     * can still test 2^m sets of every class: beyond a budget (about a
     * second of work) the greedy search below answers instead. */
    const double budget = 3e8;
    double work = 0;
    bool done = false;
    if (a->m <= 12) {
        for (int p = 0; p <= a->m && !done && work <= budget; p++)
            for (uint64_t mask = 0; mask <= full && !done && work <= budget; mask++) {
                if (__builtin_popcountll(mask) != p)
                    continue;
                work += (double)ninit;
                int ok = mask_ok(a, ninit, mask, k);
                if (ok < 0)
                    return SIZE_MAX;
                if (ok) {
                    found = mask;
                    done = true;
                }
            }
    }
    if (!done) {
        uint32_t distinct[HD_ANON_MAX_COLS];
        if (count_distinct(a, ninit, distinct) != HD_OK)
            return SIZE_MAX;
        uint64_t mask = 0;
        for (;;) {
            int ok = mask_ok(a, ninit, mask, k);
            if (ok < 0)
                return SIZE_MAX;
            if (ok)
                break;
            int best = -1;
            for (int c = 0; c < a->m; c++)
                if (!(mask >> c & 1) && (best < 0 || distinct[c] > distinct[best]))
                    best = c;
            if (best < 0)
                break; /* every column starred and still under k (fewer than k rows) */
            mask |= (uint64_t)1 << best;
        }
        found = mask;
    }
    if (cols_mask)
        *cols_mask = found;
    return a->nrows * (size_t)__builtin_popcountll(found);
}

/* ---- ISO week ------------------------------------------------------- */

static bool leap(long y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long days_from_civil(long y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* 1 = Monday .. 7 = Sunday */
static int weekday(long days)
{
    long w = (days + 3) % 7; /* 1970-01-01 was a Thursday (3 from Monday) */
    if (w < 0)
        w += 7;
    return (int)w + 1;
}

static int iso_weeks_in(long y)
{
    int jan1 = weekday(days_from_civil(y, 1, 1));
    return (jan1 == 4 || (leap(y) && jan1 == 3)) ? 53 : 52;
}

static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool hd_iso_week(const char *iso, char out[9])
{
    if (!iso || strlen(iso) < 10 || iso[4] != '-' || iso[7] != '-')
        return false;
    if (iso[10] != '\0' && iso[10] != 'T' && iso[10] != ' ')
        return false;
    int y = digits(iso, 4), m = digits(iso + 5, 2), d = digits(iso + 8, 2);
    if (y < 1 || m < 1 || m > 12 || d < 1)
        return false;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int dim = mdays[m - 1] + (m == 2 && leap(y));
    if (d > dim)
        return false;
    long days = days_from_civil(y, m, d);
    int doy = (int)(days - days_from_civil(y, 1, 1)) + 1;
    int wd = weekday(days);
    long wy = y;
    int week = (doy - wd + 10) / 7;
    if (week < 1) {
        wy = y - 1;
        week = iso_weeks_in(wy);
    } else if (week > iso_weeks_in(y)) {
        wy = y + 1;
        week = 1;
    }
    if (wy < 1 || wy > 9999)
        return false;
    out[0] = (char)('0' + wy / 1000);
    out[1] = (char)('0' + wy / 100 % 10);
    out[2] = (char)('0' + wy / 10 % 10);
    out[3] = (char)('0' + wy % 10);
    out[4] = '-';
    out[5] = 'W';
    out[6] = (char)('0' + week / 10);
    out[7] = (char)('0' + week % 10);
    out[8] = '\0';
    return true;
}

/* ---- scrubbing ------------------------------------------------------ */

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static bool is_alnum(char c) { return is_digit(c) || is_alpha(c); }

static bool email_local(char c) { return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-'; }
static bool email_domain(char c) { return is_alnum(c) || c == '.' || c == '-'; }

/* An email address around the '@' at s[at]: sets [*b, *e) and returns true. */
static bool match_email(const char *s, size_t n, size_t at, size_t *b, size_t *e)
{
    size_t i = at;
    while (i > 0 && email_local(s[i - 1]))
        i--;
    if (i == at)
        return false;
    size_t j = at + 1;
    while (j < n && email_domain(s[j]))
        j++;
    while (j > at + 1 && (s[j - 1] == '.' || s[j - 1] == '-'))
        j--; /* a sentence's full stop is not part of the address */
    /* The domain needs a dot followed by at least two letters. */
    size_t dot = j;
    for (size_t q = at + 1; q < j; q++)
        if (s[q] == '.')
            dot = q;
    if (dot == j || dot == at + 1 || j - dot - 1 < 2)
        return false;
    for (size_t q = dot + 1; q < j; q++)
        if (!is_alpha(s[q]))
            return false;
    *b = i;
    *e = j;
    return true;
}

static bool phone_sep(char c) { return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')'; }

/* A phone number starting at s[i] (a '+', '(' or digit with no letter or
 * digit just before): digits with at most two separators in a row. */
static bool match_phone(const char *s, size_t n, size_t i, size_t *e)
{
    size_t j = i;
    bool plus = false;
    if (s[j] == '+') {
        plus = true;
        j++;
    }
    int ndig = 0, seps = 0, open = 0, open_at_end = 0;
    size_t end = j;
    while (j < n) {
        if (is_digit(s[j])) {
            ndig++;
            j++;
            end = j;
            open_at_end = open;
            seps = 0;
        } else if (phone_sep(s[j]) && seps < 2 && (ndig > 0 || s[j] == '(')) {
            open += s[j] == '(' ? 1 : s[j] == ')' ? -1 : 0;
            seps++;
            j++;
        } else
            break;
    }
    if (ndig == 0)
        return false;
    if (end < n && s[end] == ')' && open_at_end > 0)
        end++; /* "(020 7946 0958)": the closing bracket goes with the number */
    if (end < n && is_alpha(s[end]))
        return false; /* "123456789abc" is some code, not a number to call */
    if (ndig >= 9 || (plus && ndig >= 7)) {
        *e = end;
        return true;
    }
    return false;
}

/* A full UK postcode at s[i]: outward (A9, A99, AA9, AA99, A9A, AA9A), up
 * to two spaces, inward (9AA), not inside a longer word. Either case. */
static bool match_postcode(const char *s, size_t n, size_t i, size_t *e)
{
    for (int letters = 1; letters <= 2; letters++) {
        size_t j = i;
        bool ok = true;
        for (int q = 0; q < letters; q++, j++)
            if (j >= n || !is_alpha(s[j]))
                ok = false;
        if (!ok || j >= n || !is_digit(s[j]))
            continue;
        j++;
        for (int extra = 1; extra >= 0; extra--) { /* A99 / A9A before A9 */
            size_t q = j;
            if (extra) {
                if (q >= n || !is_alnum(s[q]))
                    continue;
                q++;
            }
            size_t sp = q;
            while (sp < n && sp - q < 2 && s[sp] == ' ')
                sp++;
            if (sp + 3 <= n && is_digit(s[sp]) && is_alpha(s[sp + 1]) && is_alpha(s[sp + 2]) &&
                (sp + 3 == n || !is_alnum(s[sp + 3]))) {
                *e = sp + 3;
                return true;
            }
        }
    }
    return false;
}

hd_err hd_anon_scrub(const char *text, char **out, int *n_removed)
{
    size_t n = strlen(text);
    /* The mark (9 bytes) replaces matches of at least 5 bytes ("A99AA"), so
     * the result is less than twice as long. */
    char *o = malloc(2 * n + sizeof HD_SCRUB_MARK);
    if (!o)
        return HD_ENOMEM;
    size_t w = 0;
    int removed = 0;
    /* Email addresses are found first, around each '@', so that a phone
     * number or postcode look-alike inside one is not cut out of it. */
    size_t eb = SIZE_MAX, ee = 0; /* the next email span at or after i */
    size_t scan = 0;              /* where to look for the next '@' */
    size_t i = 0;
    while (i < n) {
        if (eb == SIZE_MAX || eb < i) {
            eb = SIZE_MAX;
            for (; scan < n; scan++) {
                size_t b, e;
                if (text[scan] == '@' && match_email(text, n, scan, &b, &e) && b >= i) {
                    eb = b;
                    ee = e;
                    scan = e;
                    break;
                }
            }
        }
        size_t e;
        bool word_start = i == 0 || !is_alnum(text[i - 1]);
        bool hit = false;
        if (i == eb) {
            e = ee;
            hit = true;
        } else if (word_start && (text[i] == '+' || text[i] == '(' || is_digit(text[i])) &&
                   match_phone(text, n, i, &e) && e <= eb) {
            hit = true;
        } else if (word_start && is_alpha(text[i]) && match_postcode(text, n, i, &e) && e <= eb) {
            hit = true;
        }
        if (hit) {
            memcpy(o + w, HD_SCRUB_MARK, sizeof HD_SCRUB_MARK - 1);
            w += sizeof HD_SCRUB_MARK - 1;
            removed++;
            i = e;
            continue;
        }
        o[w++] = text[i++];
    }
    o[w] = '\0';
    *out = o;
    if (n_removed)
        *n_removed = removed;
    return HD_OK;
}
