#!/usr/bin/env bash
# Two slotd builds on POST /v1/bookings, interleaved in one run: bench/http_bookings.sh (one
# round each, same settings) alternates between BASE and NEW, PAIRS times, and the medians
# and their ratio NEW/BASE are printed for the 201 and the 409 path, with each run's raw
# SQLite commit rate as the same-run reference. Builds nothing.
# Usage: bench/compare_bookings.sh BASE_BUILD_DIR NEW_BUILD_DIR [seconds-per-run]  (10)
# Environment: PAIRS (3), and what http_bookings.sh reads (CONNS, STRIDE).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: $0 BASE_BUILD_DIR NEW_BUILD_DIR [seconds-per-run]" >&2; exit 2; }
base=$1 new=$2 secs=${3:-10} pairs=${PAIRS:-3}
for b in "$base" "$new"; do
  [ -x "$b/slotd" ] || { echo "no slotd in $b" >&2; exit 1; }
done
[ -x "$new/bench/bench_sqlite_booking" ] || { echo "no bench_sqlite_booking in $new" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# run WHICH BUILD: one round of http_bookings.sh; appends "201 409 raw" to $out/WHICH
run() {
  ROUNDS=1 SLOTD_BIN="$2/slotd" RAW_BIN="$new/bench/bench_sqlite_booking" \
    bench/http_bookings.sh "$new" "$secs" >"$out/last" 2>"$out/last.err" ||
    { cat "$out/last" "$out/last.err" >&2; exit 1; }
  awk '/^slotd POST \/v1\/bookings 201:/ {a=$5} /^slotd POST \/v1\/bookings 409:/ {b=$5}
       /^raw SQLite commit:/ {c=$4} END {print a, b, c}' "$out/last" >>"$out/$1"
  printf '%-4s %s\n' "$1" "$(tail -n 1 "$out/$1" | awk '{printf "201: %6.0f req/s   409: %6.0f req/s   raw commit: %6.0f tx/s", $1, $2, $3}')"
}

median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "POST /v1/bookings, $pairs interleaved pairs of ${secs} s rounds: base $base, new $new"
for i in $(seq "$pairs"); do
  if [ $((i % 2)) = 1 ]; then run base "$base"; run new "$new"; else run new "$new"; run base "$base"; fi
done
b201=$(awk '{print $1}' "$out/base" | median); n201=$(awk '{print $1}' "$out/new" | median)
b409=$(awk '{print $2}' "$out/base" | median); n409=$(awk '{print $2}' "$out/new" | median)
raw=$(cat "$out/base" "$out/new" | awk '{print $3}' | median)
echo "medians:"
printf '201 path: base %6.0f req/s, new %6.0f req/s, new/base = %.3f  (goal >= 0.97)\n' \
  "$b201" "$n201" "$(echo "$n201 / $b201" | bc -l)"
printf '409 path: base %6.0f req/s, new %6.0f req/s, new/base = %.3f\n' \
  "$b409" "$n409" "$(echo "$n409 / $b409" | bc -l)"
printf 'raw SQLite commit (reference, all runs): %6.0f tx/s\n' "$raw"
