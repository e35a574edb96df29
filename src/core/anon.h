/* anon.h — anonymisation for the export (DESIGN §6): k-anonymity by local
 * suppression, ISO weeks, and scrubbing contact details out of free text.
 *
 * k-anonymity works on small integer codes, not strings: the caller maps
 * each quasi-identifier value (a week, a venue, a choice id, "" for skipped)
 * to a code per column and adds one row of codes per exported row. The
 * engine keeps one 4-byte class number per row plus one tuple per distinct
 * combination, so a million rows cost a few megabytes.
 *
 * After hd_anon_run() every row's tuple (with suppressed cells reading
 * HD_ANON_STAR, which counts as a value of its own) is shared by at least k
 * rows. The method (greedy local suppression, fewest cells first) is
 * described in anon.c and docs/sync.md.
 */
#ifndef HD_ANON_H
#define HD_ANON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

#define HD_ANON_STAR UINT32_MAX /* a suppressed cell; never a caller's code */
#define HD_ANON_MAX_COLS 64

typedef struct hd_anon hd_anon; /* opaque */

/* A new, empty table of n_cols (1..HD_ANON_MAX_COLS) quasi-identifier
 * columns. Release it with hd_anon_close(). */
hd_err hd_anon_open(int n_cols, hd_anon **out);
void hd_anon_close(hd_anon *a); /* NULL is a no-op */

/* Appends a row: codes[0..n_cols), none equal to HD_ANON_STAR (HD_EINVAL).
 * Not allowed after hd_anon_run(). */
hd_err hd_anon_add(hd_anon *a, const uint32_t *codes);

size_t hd_anon_rows(const hd_anon *a);
int hd_anon_cols(const hd_anon *a);

/* Suppresses cells until every combination is shared by at least k (>= 1)
 * rows. Rows that already are in a group of k or more are touched only when
 * the last few unique rows cannot be grouped any other way. Never blanks
 * more cells than hd_anon_column_baseline() would. HD_ETOOFEW when
 * there are fewer than k rows (nothing then changes; 0 rows is fine).
 * Runs once; later calls return HD_EINVAL. */
hd_err hd_anon_run(hd_anon *a, int k);

/* The code of row's cell in col: the caller's code, or HD_ANON_STAR when
 * hd_anon_run() suppressed it. */
uint32_t hd_anon_get(const hd_anon *a, size_t row, int col);

/* Cells suppressed in col (0 before hd_anon_run()). */
size_t hd_anon_suppressed(const hd_anon *a, int col);

/* Rows in groups smaller than k before suppression: each needs at least one
 * suppressed cell, so this is a lower bound for any local suppression. */
size_t hd_anon_unique_rows(const hd_anon *a, int k);

/* The baseline that local suppression is measured against: the fewest
 * whole columns that, blanked in every row, make the original data
 * k-anonymous. Returns the number of cells that costs (rows x columns) and
 * the columns in *cols_mask (bit i for column i). Exhaustive for up to 12
 * columns within a work budget, greedy (most distinct values first) beyond.
 * SIZE_MAX when out of memory. */
size_t hd_anon_column_baseline(const hd_anon *a, int k, uint64_t *cols_mask);

/* ---- time --------------------------------------------------------- */

/* The ISO 8601 week of the date that iso ("2026-11-22..." UTC) starts with,
 * as "2026-W47" in out[9], using the ISO week-numbering year (2027-01-01 is
 * in 2026-W53). False when iso does not start with a valid date. */
bool hd_iso_week(const char *iso, char out[9]);

/* ---- free text ---------------------------------------------------- */

#define HD_SCRUB_MARK "[removed]"

/* Copies text into a new string (*out, free it) with every email address,
 * phone number (UK and international forms: 9 or more digits, or a "+" and
 * 7 or more, with spaces, dots, dashes or brackets between) and full UK
 * postcode replaced by "[removed]". *n_removed (may be NULL) gets the number
 * of replacements. */
hd_err hd_anon_scrub(const char *text, char **out, int *n_removed);

#endif
