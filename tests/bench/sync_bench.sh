#!/bin/sh
# tests/bench/sync_bench.sh [BUILD_DIR] — heard-sync export and merge at scale.
#
# 1. Generates 1,000,000 complete sessions x 15 answers (tests/bench/bench-survey.json)
#    with sync_gen_db, into one coordinator-sized database.
# 2. Times `heard-sync export` on it, with its peak memory (/usr/bin/time), and
#    `sqlite3 -csv` dumping the same joined rows (session LEFT JOIN answer, complete
#    sessions of the survey) on the same file, to the same disk. Goal: export within 2x.
# 3. Generates 10 device files of 100,000 sessions and times merging them all into a
#    new coordinator database.
# Prints one `name value unit` line per figure. Work files go to BENCH_DIR (default: a
# new directory under TMPDIR, removed at the end unless KEEP=1).
#
# Environment: SESSIONS (default 1000000), DEVICES (10), DEVICE_SESSIONS (100000).
set -eu
cd "$(dirname "$0")/../.."
build=${1:-build}
for bin in heard-sync sync_gen_db; do
    if [ ! -x "$build/$bin" ]; then
        echo "sync_bench: $build/$bin is missing: cmake --build $build --target $bin" >&2
        exit 2
    fi
done
command -v sqlite3 >/dev/null || { echo "sync_bench: the sqlite3 command is missing" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "sync_bench: /usr/bin/time is missing (Debian package: time)" >&2; exit 2; }

sessions=${SESSIONS:-1000000}
devices=${DEVICES:-10}
per_device=${DEVICE_SESSIONS:-100000}
survey=$PWD/tests/bench/bench-survey.json
hs=$PWD/$build/heard-sync
gen=$PWD/$build/sync_gen_db
dir=${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/heard-sync-bench-XXXXXX")}
mkdir -p "$dir"
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$dir"' EXIT

# `time -f` writes "elapsed_s max_rss_kb user_s sys_s" as the last line of the file it is
# given. CPU time (user + sys, children included) is printed too: on a shared machine it
# varies much less than the wall clock.
timed() { out=$1; shift; /usr/bin/time -f "%e %M %U %S" -o "$out" "$@"; }
secs() { tail -n 1 "$1" | cut -d' ' -f1; }
cpu() { tail -n 1 "$1" | awk '{ printf "%.2f", $3 + $4 }'; }
rss_mib() { tail -n 1 "$1" | awk '{ printf "%.1f", $2 / 1024 }'; }

timed "$dir/gen.time" "$gen" --survey "$survey" --out "$dir/coord.db" --sessions "$sessions" \
    --seed 1 --skip-pct -1
echo "generate_sessions $sessions sessions"
echo "generate_time $(secs "$dir/gen.time") s"
echo "database_size $(du -m "$dir/coord.db" | cut -f1) MiB"

# Both read the same file once beforehand, so neither pays for a cold page cache.
cat "$dir/coord.db" >/dev/null

timed "$dir/export.time" "$hs" export --db "$dir/coord.db" --survey "$survey" \
    --out "$dir/export.csv" 2>"$dir/export.err"
timed "$dir/sqlite.time" sh -c "sqlite3 -csv '$dir/coord.db' \"SELECT s.id, s.started_at, \
s.language, s.tier, s.venue, a.question_id, a.value FROM session s LEFT JOIN answer a \
ON a.session_id = s.id WHERE s.survey_id = 'bench' AND s.status = 'complete'\" > '$dir/dump.csv'"
e=$(secs "$dir/export.time")
s=$(secs "$dir/sqlite.time")
echo "export_time $e s"
echo "export_cpu $(cpu "$dir/export.time") s"
echo "export_peak_rss $(rss_mib "$dir/export.time") MiB"
echo "export_rows $(($(wc -l <"$dir/export.csv") - 1)) rows"
echo "export_size $(du -m "$dir/export.csv" | cut -f1) MiB"
echo "sqlite3_csv_time $s s"
echo "sqlite3_csv_cpu $(cpu "$dir/sqlite.time") s"
echo "sqlite3_csv_rows $(wc -l <"$dir/dump.csv") rows"
echo "export_vs_sqlite3 $(awk -v e="$e" -v s="$s" 'BEGIN { printf "%.2f", e / s }') x"
echo "export_vs_sqlite3_cpu $(awk -v e="$(cpu "$dir/export.time")" -v s="$(cpu "$dir/sqlite.time")" \
    'BEGIN { printf "%.2f", e / s }') x"
# The summary says how many cells were blanked, and what whole columns would cost.
supp=$(sed -n 's/^  \([0-9,]*\) in all.*/\1/p' "$dir/export.err" | tr -d ,)
base=$(sed -n 's/.*would cost \([0-9,]*\).*/\1/p' "$dir/export.err" | tr -d ,)
echo "suppressed_cells_local ${supp:-?} cells"
echo "suppressed_cells_whole_columns ${base:-?} cells"

i=1
while [ "$i" -le "$devices" ]; do
    "$gen" --survey "$survey" --out "$dir/device-$i.db" --sessions "$per_device" --seed $((100 + i)) \
        --skip-pct -1
    i=$((i + 1))
done
timed "$dir/merge.time" "$hs" merge --into "$dir/merged.db" $(ls "$dir"/device-*.db) >"$dir/merge.out"
m=$(secs "$dir/merge.time")
echo "merge_files $devices files"
echo "merge_sessions $((devices * per_device)) sessions"
echo "merge_time $m s"
echo "merge_cpu $(cpu "$dir/merge.time") s"
echo "merge_rate $(awk -v m="$m" -v n=$((devices * per_device)) 'BEGIN { printf "%.0f", n / m }') sessions/s"
echo "merge_peak_rss $(rss_mib "$dir/merge.time") MiB"
timed "$dir/remerge.time" "$hs" merge --into "$dir/merged.db" "$dir/device-1.db" >/dev/null
echo "remerge_one_file_time $(secs "$dir/remerge.time") s"
