#!/usr/bin/env bash
# POST /v1/bookings over HTTP with wrk, against the raw SQLite transaction rate measured in the
# same run (bench_sqlite_booking: BEGIN IMMEDIATE, overlap probe, INSERT, COMMIT, WAL +
# synchronous=FULL, one booking per transaction, same schema and data shape):
#   - 201 path: distinct Idempotency-Keys, a distinct start per request
#   - 409 path: distinct Idempotency-Keys, every request asks for one already-booked start
# slotd (--threads 32, fresh db) and bench_sqlite_booking on core 1, wrk on core 0; 2 s warm-up
# per wrk run; 3 interleaved rounds; medians reported. Builds nothing. Each 201 run also
# prints the writes per COMMIT (group commit: bookings waiting for the writer share one).
# Usage: bench/http_bookings.sh [build-dir] [seconds-per-run]   (build, 10; in any order)
# Environment: ROUNDS (3), CONNS (32), STRIDE (minutes between consecutive starts, 60),
#   THREADS (slotd --threads, CONNS), SLOTD_ARGS (more serve options, e.g. "--group-commit off"),
#   SLOTD_BIN (BUILD-DIR/slotd), RAW_BIN (BUILD-DIR/bench/bench_sqlite_booking),
#   PROFILE=FILE: perf record slotd during the first measured 201 run into FILE (options:
#   PERF_OPTS, default -g; "--call-graph dwarf" gives callers inside SQLite and libc).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_args "$@"
rounds=${ROUNDS:-3}
conns=${CONNS:-32}
stride=${STRIDE:-60}
threads=${THREADS:-$conns}
bin=${SLOTD_BIN:-$build/slotd}
raw=${RAW_BIN:-$build/bench/bench_sqlite_booking}
lua=bench/bookings.lua
[ -x "$bin" ] || { echo "build slotd first (cmake --build $build)" >&2; exit 1; }
[ -x "$raw" ] || { echo "build the raw SQLite benchmark first (make -C $build bench_sqlite_booking)" >&2; exit 1; }
command -v wrk >/dev/null && command -v curl >/dev/null || { echo "needs wrk and curl: scripts/deps.sh bench" >&2; exit 1; }

bench_workdir
private_copy bin raw


# slotd: fresh db, a tenant, real clock
tenant_create -u SLOTD_TEST_CLOCK
mport=$(free_port)
# shellcheck disable=SC2086 # SLOTD_ARGS is a list of options
slotd_start -u SLOTD_TEST_CLOCK -- --db "$db" --threads "$threads" \
  --metrics-listen "127.0.0.1:$mport" ${SLOTD_ARGS:-}
auth="Authorization: Bearer $key"

# one provider open 00:00-24:00 every day; a 1-minute service, step 1, no max advance, no notice
prv=$(api_call POST /providers '{"name":"Bench provider","timezone":"UTC"}' | json_field id)
open_all_week "$prv"
svc=$(api_call POST /services "{\"name\":\"Bench 1 min\",\"duration_minutes\":1,\"slot_step_minutes\":1,\"min_notice_minutes\":0,\"provider_ids\":[\"$prv\"]}" | json_field id)

# minute 0 = tomorrow 00:00 UTC, booked now: the start every request of the 409 runs asks for
base=$(( ($(date -u +%s) / 86400 + 1) * 86400 ))
first=$(date -u -d "@$base" +%Y-%m-%dT%H:%M:%SZ)
code=$(curl -s -o "$work/first.json" -w '%{http_code}' -X POST -H "$auth" -H 'Content-Type: application/json' \
  -H 'Idempotency-Key: bench-first' --data \
  "{\"service_id\":\"$svc\",\"provider_id\":\"$prv\",\"start\":\"$first\",\"customer\":{\"name\":\"Bench Customer\",\"email\":\"bench@example.com\"}}" \
  "$api/bookings")
[ "$code" = 201 ] || { echo "the first booking got $code: $(cat "$work/first.json")" >&2; exit 1; }
next=1   # next free start index (minutes * STRIDE from base)
tagn=0

# commit_counts: "COMMITs writes" from slotd's metrics ("? ?" when it does not count them)
commit_counts() {
  curl -s "http://127.0.0.1:$mport/metrics" | awk '
    $1=="slotd_store_commits_total" {c=$2} $1=="slotd_store_writes_committed_total" {w=$2}
    END {print (c==""?"?":c), (w==""?"?":w)}'
}

# wrk_run MODE DURATION [--latency]: sets rps p99 (ms) bad (non-2xx) total st (statuses);
# MODE new advances $next past every start it may have booked. Not to be run in a subshell.
wrk_run() {
  local mode=$1 dur=$2 lat=${3:-} off
  tagn=$((tagn + 1))
  if [ "$mode" = new ]; then off=$next; else off=0; fi
  taskset -c 0 wrk -t1 -c"$conns" -d"$dur" $lat -s "$lua" "http://127.0.0.1:$sport/v1/bookings" \
    -- "$mode" "$base" "$off" "$stride" "$svc" "$prv" "$key" "r$$-$tagn" 1 >"$work/wrk.out" 2>&1
  local gen
  gen=$(awk '/^generated:/ {print $2}' "$work/wrk.out")
  [ -n "$gen" ] || { echo "wrk failed:" >&2; cat "$work/wrk.out" >&2; exit 1; }
  if [ "$mode" = new ]; then next=$((next + gen + 1)); fi
  wrk_socket_errors "$mode $dur"
  read -r rps p99 bad total st < <(awk "$wrk_to_ms"'
    /Requests\/sec/ {rps=$2}
    / requests in / {total=$1}
    $1=="99%" {p99=ms($2)}
    /Non-2xx/ {bad=$NF}
    /^statuses:/ {sub(/^statuses: */,""); gsub(/ /,","); st=$0}
    END {printf "%s %s %s %s %s\n", rps, p99, (bad==""?0:bad), total, (st==""?"none":st)}' "$work/wrk.out")
}

echo "POST /v1/bookings: c=$conns, slotd --threads $threads ${SLOTD_ARGS:-}, $rounds rounds of ${secs} s," \
  "one provider, 1-minute service, a new start every $stride min from $first"
for f in r_new p_new r_taken p_taken r_commit r_reject r_sync q_new q_taken; do : >"$work/$f"; done
bad_new=0; bad_taken=0
for r in $(seq "$rounds"); do
  # 201 path
  wrk_run new 2s
  if [ -n "${PROFILE:-}" ] && [ "$r" = 1 ]; then
    perf record ${PERF_OPTS:--g} -p "$spid" -o "$PROFILE" -- sleep "$secs" >/dev/null 2>&1 &
    perfpid=$!
  fi
  c0=$(cpu_us)
  read -r k0 w0 < <(commit_counts)
  wrk_run new "${secs}s" --latency
  cpu_new=$(echo "($(cpu_us) - $c0) / $total" | bc -l)
  read -r k1 w1 < <(commit_counts)
  if [ "$k0" != "?" ] && [ "$k1" != "$k0" ]; then
    per=$(echo "($w1 - $w0) / ($k1 - $k0)" | bc -l)
  else
    per=0
  fi
  [ -n "${perfpid:-}" ] && { wait "$perfpid" || true; perfpid=; }
  echo "$rps" >>"$work/r_new"; echo "$p99" >>"$work/p_new"
  bad_new=$((bad_new + bad))
  printf 'round %s  slotd 201 path: %8.0f req/s  p99 %7.3f ms  %s responses, non-2xx %s (statuses %s), slotd cpu %.0f us/req, %.1f writes/commit\n' \
    "$r" "$rps" "$p99" "$total" "$bad" "$st" "$cpu_new" "$per"
  # 409 path
  wrk_run taken 2s
  c0=$(cpu_us)
  wrk_run taken "${secs}s" --latency
  cpu_taken=$(echo "($(cpu_us) - $c0) / $total" | bc -l)
  echo "$rps" >>"$work/r_taken"; echo "$p99" >>"$work/p_taken"
  if [ "$st" != "409=$total" ]; then
    echo "warning: the 409 run answered other statuses: $st (of $total)" >&2
    bad_taken=$((bad_taken + 1))
  fi
  printf 'round %s  slotd 409 path: %8.0f req/s  p99 %7.3f ms  %s responses (statuses %s), slotd cpu %.0f us/req\n' \
    "$r" "$rps" "$p99" "$total" "$st" "$cpu_taken"
  # raw SQLite, same core, same filesystem, its db kept across rounds like slotd's
  taskset -c 1 "$raw" "$secs" --runs 1 --stride "$stride" --db "$work/raw.db" >"$work/raw.out"
  awk -v r="$r" '$1=="commit"||$1=="reject"||$1=="fdatasync" {printf "round %s  raw %-9s %8.0f /s   cpu %s us  p99 %s us\n", r, $1, $2, $7, $10}' "$work/raw.out"
  awk '$1=="commit" {print $2}' "$work/raw.out" >>"$work/r_commit"
  awk '$1=="reject" {print $2}' "$work/raw.out" >>"$work/r_reject"
  awk '$1=="fdatasync" {print $2}' "$work/raw.out" >>"$work/r_sync"
  rc=$(tail -n 1 "$work/r_commit"); rj=$(tail -n 1 "$work/r_reject")
  echo "$(tail -n 1 "$work/r_new") / $rc" | bc -l >>"$work/q_new"
  echo "$(tail -n 1 "$work/r_taken") / $rj" | bc -l >>"$work/q_taken"
  printf 'round %s  ratios: 201/raw-commit %.2f, 409/raw-reject %.2f, 409/raw-commit %.2f\n' "$r" \
    "$(tail -n 1 "$work/q_new")" "$(tail -n 1 "$work/q_taken")" "$(echo "$(tail -n 1 "$work/r_taken") / $rc" | bc -l)"
done

n=$(median <"$work/r_new"); pn=$(median <"$work/p_new")
t=$(median <"$work/r_taken"); pt=$(median <"$work/p_taken")
c=$(median <"$work/r_commit"); j=$(median <"$work/r_reject"); y=$(median <"$work/r_sync")
echo "medians:"
printf 'slotd POST /v1/bookings 201: %8.0f req/s  p99 %7.3f ms   ratio slotd/raw-commit = %.2f (median of rounds %.2f)  (goal >= 1.0, p99 <= 20 ms)\n' \
  "$n" "$pn" "$(echo "$n / $c" | bc -l)" "$(median <"$work/q_new")"
printf 'slotd POST /v1/bookings 409: %8.0f req/s  p99 %7.3f ms   ratio to raw reject = %.2f (median of rounds %.2f), to raw commit = %.2f\n' \
  "$t" "$pt" "$(echo "$t / $j" | bc -l)" "$(median <"$work/q_taken")" "$(echo "$t / $c" | bc -l)"
printf 'raw SQLite commit:           %8.0f tx/s   (BEGIN IMMEDIATE, probe, INSERT, COMMIT; synchronous=FULL)\n' "$c"
printf 'raw SQLite reject:           %8.0f tx/s   (BEGIN IMMEDIATE, probe finds a booking, ROLLBACK)\n' "$j"
printf 'fdatasync 4 KiB:             %8.0f /s\n' "$y"
printf 'non-2xx in the 201 runs: %s; 409 runs with another status: %s\n' "$bad_new" "$bad_taken"
if command -v sqlite3 >/dev/null; then
  printf 'bookings stored: slotd %s, raw %s\n' \
    "$(sqlite3 "file:$work/slotd.db?mode=ro" 'SELECT count(*) FROM bookings' 2>/dev/null || echo '?')" \
    "$(sqlite3 "file:$work/raw.db?mode=ro" 'SELECT count(*) FROM bookings' 2>/dev/null || echo '?')"
fi
