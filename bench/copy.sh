#!/usr/bin/env bash
# slotd copy of one tenant with many bookings from SQLite into a throwaway PostgreSQL: wall
# time, rows/s and peak RSS of the copy (/usr/bin/time -v), against PostgreSQL taking the same
# rows of the four big tables (bookings, events, booking_history, reminders) with psql \copy
# from CSV into tables LIKE them (same indexes and constraints, no foreign keys) in the same
# run: what the server itself needs for those rows.
# Usage: bench/copy.sh [build-dir]   (default build)
# Environment: BOOKINGS (1000000), DB_DIR (/tmp: the generated SQLite database
# DB_DIR/slotd-bench-BOOKINGS.db is kept and reused, see bench/bookings_db.sh),
# SLOTD_BIN (BUILD-DIR/slotd), SLOTD_COPY_PAGE (rows per page, 2000).
# Needs: sqlite3, psql and PostgreSQL 15 (scripts/deps.sh test).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
. bench/bookings_db.sh
bench_args "$@"
bin=${SLOTD_BIN:-$build/slotd}
n=${BOOKINGS:-1000000}
[ -x "$bin" ] || { echo "build slotd first (cmake --build $build)" >&2; exit 1; }
command -v sqlite3 >/dev/null && command -v psql >/dev/null || { echo "needs sqlite3 and psql" >&2; exit 1; }

bench_workdir
private_copy bin
pgdir=$(mktemp -d /tmp/slotd-benchpg.XXXXXX)
trap 'scripts/pg.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$pgdir"; bench_cleanup' EXIT

src="${DB_DIR:-/tmp}/slotd-bench-$n.db"
bookings_db "$n" "$src"
pg=$(scripts/pg.sh start "$pgdir")
psql -q "$pg/postgres" -c "CREATE DATABASE copied" -c "CREATE DATABASE reference"

# The copy, timed; the destination's schema is made first (slotd opens it: migrations), so
# that the time is the copy's.
"$bin" tenant create schema-only --db "$pg/copied" >/dev/null
/usr/bin/time -v "$bin" copy --from "sqlite:$src" --to "$pg/copied" --tenant demo \
  >"$work/copy.out" 2>"$work/copy.time" || { cat "$work/copy.out" "$work/copy.time" >&2; exit 1; }
rows=$(awk '/^copied / {print $2}' "$work/copy.out")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$work/copy.time")
rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/copy.time")
cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {print u + s}' "$work/copy.time")

# The reference: the same rows of the big tables through psql \copy (CSV exported first,
# untimed), into tables LIKE the copied ones.
ref_rows=0; ref_secs=0
for t in bookings events booking_history reminders; do
  cols=$(sqlite3 "$src" "SELECT group_concat(name, ', ') FROM pragma_table_info('$t')")
  sqlite3 -csv "$src" "SELECT $cols FROM $t" >"$work/$t.csv"
done
# The reference database gets slotd's schema too, then empty LIKE copies of the tables.
"$bin" tenant create schema-only --db "$pg/reference" >/dev/null
for t in bookings events booking_history reminders; do
  cols=$(sqlite3 "$src" "SELECT group_concat(name, ', ') FROM pragma_table_info('$t')")
  psql -q "$pg/reference" -c "CREATE TABLE ref_$t (LIKE $t INCLUDING ALL)"
  t0=$(date +%s.%N)
  psql -q "$pg/reference" -c "\\copy ref_$t($cols) FROM '$work/$t.csv' CSV"
  t1=$(date +%s.%N)
  printf 'reference: psql \\copy %-16s %9d rows in %6.1f s\n' "$t" "$(psql -At "$pg/reference" -c "SELECT count(*) FROM ref_$t")" "$(echo "$t1 - $t0" | bc -l)"
  ref_rows=$((ref_rows + $(psql -At "$pg/reference" -c "SELECT count(*) FROM ref_$t")))
  ref_secs=$(echo "$ref_secs + $t1 - $t0" | bc -l)
done

big=$(awk '$1 ~ /^(bookings|events|booking_history|reminders)$/ {s += $2} END {print s}' "$work/copy.out")
echo "source: $src ($(sqlite3 "$src" 'SELECT count(*) FROM bookings') bookings)"
grep -E '^(bookings|events|booking_history|reminders|booking_stats) ' "$work/copy.out" | sed 's/^/  copied /'
printf 'slotd copy:        %9d rows in %6.1f s = %8.0f rows/s, CPU %.1f s, peak RSS %d KB\n' \
  "$rows" "$wall" "$(echo "$rows / $wall" | bc -l)" "$cpu" "$rss"
printf 'psql \\copy (ref):  %9d rows in %6.1f s = %8.0f rows/s (bookings, events, history, reminders)\n' \
  "$ref_rows" "$ref_secs" "$(echo "$ref_rows / $ref_secs" | bc -l)"
printf 'rows/s slotd copy / psql \\copy = %.2f (the copy: every table, %d of its rows in those four)\n' \
  "$(echo "($rows / $wall) / ($ref_rows / $ref_secs)" | bc -l)" "$big"
