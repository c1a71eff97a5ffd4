#!/usr/bin/env bash
# Two slotd builds on GET /v1/slots (one provider, 7 days, c32), interleaved in one run: BASE
# as it runs by default, NEW with every operations feature on — a metrics listener scraped
# every second, one JSON log line per request written to a file, and rate limits on (the
# per-key limit raised so the benchmark's single key is never refused, so every request still
# takes a token from its bucket). PAIRS rounds each; medians, their ratio NEW/BASE (goal
# >= 0.97) and nginx's fixed 100-byte answer as the same-run reference. Builds nothing.
# Usage: bench/compare_slots.sh BASE_BUILD_DIR NEW_BUILD_DIR [seconds-per-run]  (10)
# Environment: PAIRS (3), CONNS (32); NEW_OFF=1 runs NEW with request logs, metrics and
# limits off instead (what the rest of the change costs). Needs wrk and nginx
# (scripts/deps.sh bench).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
[ $# -ge 2 ] || { echo "usage: $0 BASE_BUILD_DIR NEW_BUILD_DIR [seconds-per-run]" >&2; exit 2; }
base_bin=$1/slotd new_bin=$2/slotd secs=${3:-10} pairs=${PAIRS:-3} conns=${CONNS:-32}
for b in "$base_bin" "$new_bin"; do [ -x "$b" ] || { echo "no $b" >&2; exit 1; }; done
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "needs wrk and nginx: scripts/deps.sh bench" >&2; exit 1; }
bench_workdir
cp "$base_bin" "$work/slotd-base"; cp "$new_bin" "$work/slotd-new"   # rebuilds do not matter
base_bin=$work/slotd-base new_bin=$work/slotd-new

n=0

nginx_start "location = /fixed { default_type application/json; return 200 '{\"status\":\"ok\",\"service\":\"reference\",\"padding\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}'; }"

# run WHICH: one measured round of that build on a fresh database with the demo clinic;
# appends "rps p99" to $work/WHICH
run() {
  local scraper= key url
  n=$((n + 1))
  rm -f "$work/slotd.out"   # slotd_start waits for "listening" in it
  if [ "$1" = base ]; then
    bin=$base_bin
    slotd_start -- --db "sqlite:$work/$n.db" --threads 1 --demo
  else
    bin=$new_bin
    if [ -n "${NEW_OFF:-}" ]; then
      slotd_start SLOTD_RATE_LIMITS=off -- --db "sqlite:$work/$n.db" --threads 1 --demo \
        --log-level warn
    else
      mport=$(free_port)
      slotd_start SLOTD_RATE_LIMITS=on -- --db "sqlite:$work/$n.db" --threads 1 --demo \
        --metrics-listen "127.0.0.1:$mport" --log-file "$work/requests.log" \
        --rate-limit-key 1000000000/1
      ( while sleep 1; do taskset -c 0 curl -sf "http://127.0.0.1:$mport/metrics" >/dev/null || true; done ) &
      scraper=$!
    fi
  fi
  url=$(demo_slots_url)
  key=$(awk '/admin API key/ {print $4}' "$work/slotd.out")
  read -r rps _ p99 bad _ _ < <(wrk_get "$conns" "$url" "Authorization: Bearer $key")
  [ "$bad" = 0 ] || { echo "$1: $bad non-2xx answers:" >&2; cat "$work/wrk.out" >&2; exit 1; }
  [ -z "$scraper" ] || { kill "$scraper"; wait "$scraper" 2>/dev/null || true; }
  kill "$spid"; wait "$spid" 2>/dev/null || true
  echo "$rps $p99" >>"$work/$1"
  printf '%-4s %8.0f req/s  p99 %6.3f ms\n' "$1" "$rps" "$p99"
}

: >"$work/base"; : >"$work/new"; : >"$work/fixed"
echo "GET /v1/slots c=$conns, $pairs interleaved pairs of ${secs} s: base $1, new $2 (metrics, request log, rate limits on)"
for i in $(seq "$pairs"); do
  if [ $((i % 2)) = 1 ]; then run base; run new; else run new; run base; fi
  spid=$$   # wrk_get samples the CPU time of $spid; slotd is not running now
  read -r f _ _ _ _ _ < <(wrk_get "$conns" "http://127.0.0.1:$nport/fixed"); echo "$f" >>"$work/fixed"
done
lines=$(grep -c '"msg":"request"' "$work/requests.log" 2>/dev/null || true)
b=$(awk '{print $1}' "$work/base" | median); n=$(awk '{print $1}' "$work/new" | median)
bp=$(awk '{print $2}' "$work/base" | median); np=$(awk '{print $2}' "$work/new" | median)
f=$(median <"$work/fixed")
echo "medians:"
printf 'base %8.0f req/s p99 %6.3f ms | new %8.0f req/s p99 %6.3f ms | new/base = %.3f (goal >= 0.97)\n' \
  "$b" "$bp" "$n" "$np" "$(echo "$n / $b" | bc -l)"
printf 'nginx fixed 100 B (reference): %8.0f req/s; new/nginx = %.2f; request log lines written by new: %s\n' \
  "$f" "$(echo "$n / $f" | bc -l)" "$lines"
