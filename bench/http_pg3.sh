#!/usr/bin/env bash
# One tenant's POST /v1/bookings across three slotd processes on one PostgreSQL server, every
# request naming a provider, the requests in flight at one moment naming distinct providers
# (the 201 path: distinct starts and Idempotency-Keys, so the exclusion constraint never
# fires). One wrk per process (-t1 -c CONNS), each over a provider set of its own
# (bench/bookings_providers.lua); bookings/s is the sum of the three.
# Same-run reference: with BASE_BIN (a slotd built from a revision whose bookings take the
# tenant's lock exclusive, e.g. before the provider locks), every round runs it on the same
# database and load right after this build; the ratio is printed per round and as a median.
# Each line also gives the mean number of the database's sessions waiting for one of the
# tenant's advisory locks and running a statement (pg_stat_activity sampled every 0.5 s): how
# much the locks serialize, apart from how fast the machine is; and the CPU time per booking of
# PostgreSQL (its backends, background workers and autovacuum) and of the three slotd: the
# machine's cores divided by their sum bound bookings/s whatever the locks allow. No pinning:
# PostgreSQL, the three slotd and the three wrk share the machine's cores, so the figures are
# for comparing within a run (noisy on a shared machine). A fresh throwaway server
# (scripts/pg.sh, fsync and synchronous_commit on). WARM_S (5) s of warm-up per run; ROUNDS
# interleaved rounds; medians reported. Builds nothing.
# Usage: bench/http_pg3.sh [build-dir] [seconds-per-run]   (build, 10; in any order)
# Environment: ROUNDS (3), CONNS (wrk -c per process: 8), PROVIDERS (per process: 2 x CONNS),
#   THREADS (slotd --threads: 2 x CONNS), SLOTD_BIN (BUILD-DIR/slotd), BASE_BIN (none),
#   SLOTD_PG_BIN (/usr/lib/postgresql/15/bin), PRIME_S (seconds of bookings and an ANALYZE
#   before the rounds: 10), WARM_S (warm-up seconds per run: 5), LOCKS_DEBUG=1: the lock waits by lock class,
#   SYNC_COMMIT=off: the server's synchronous_commit off (what the locks allow apart from
#   the disk's flush time; not a setting to run slotd with).
# Needs: wrk, curl, PostgreSQL (scripts/deps.sh bench and test).
# Measured on 2026-12-05 (Release, 2 rounds of 8 s, PRIME_S=5, this 2-core VM at load 7-11
# from other work, so compare within a run), this build / one before the idempotency purge
# used its index (BASE_BIN):
#   synchronous_commit on:  217-323 / 195-245 bookings/s; CPU ms a booking PostgreSQL
#                           4.2-5.4 / 4.6-5.5, slotd 1.2-1.5 / 1.2-1.4; waiting for a lock 3.2-4.9
#   synchronous_commit off: 211-233 / 196-212 bookings/s; PostgreSQL 4.4-4.9 / 5.2-5.3, slotd
#                           1.3-1.4 / 1.4-1.5; waiting for a lock 0.2-0.4
# The cores, not the locks or the WAL flush, bound these runs (about 2 cores / 6-7 ms).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_args "$@"
rounds=${ROUNDS:-3}
conns=${CONNS:-8}
nprov=${PROVIDERS:-$((2 * conns))}
threads=${THREADS:-$((2 * conns))}
bin=${SLOTD_BIN:-$build/slotd}
base_bin=${BASE_BIN:-}
pgbin=${SLOTD_PG_BIN:-/usr/lib/postgresql/15/bin}
lua=bench/bookings_providers.lua
[ -x "$bin" ] || { echo "build slotd first (cmake --build $build)" >&2; exit 1; }
[ -z "$base_bin" ] || [ -x "$base_bin" ] || { echo "BASE_BIN $base_bin is not executable" >&2; exit 1; }
[ -x "$pgbin/psql" ] || { echo "needs PostgreSQL in $pgbin" >&2; exit 1; }
command -v wrk >/dev/null && command -v curl >/dev/null || { echo "needs wrk and curl: scripts/deps.sh bench" >&2; exit 1; }

bench_workdir
private_copy bin
[ -z "$base_bin" ] || private_copy base_bin
pgdir=$(mktemp -d /tmp/slotd-pg3.XXXXXX)
pg_cleanup() { scripts/pg.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$pgdir"; }
trap 'bench_cleanup; pg_cleanup' EXIT

pgbase=$(SLOTD_PG_BIN=$pgbin scripts/pg.sh start "$pgdir")
"$pgbin/psql" -X -q "$pgbase/postgres" -c 'CREATE DATABASE slotd'
url="$pgbase/slotd"
sql() { "$pgbin/psql" -X -q -At "$url" -c "$1"; }
pgver=$(sql 'SHOW server_version')
# SYNC_COMMIT=off: commits do not wait for the WAL flush (not how slotd runs: for seeing
# what the locks allow apart from the disk's flush time)
if [ "${SYNC_COMMIT:-on}" = off ]; then
  sql "ALTER SYSTEM SET synchronous_commit = off" >/dev/null; sql 'SELECT pg_reload_conf()' >/dev/null
fi

key=$(env -u SLOTD_TEST_CLOCK "$bin" tenant create bench --db "$url" | tail -n 1)

# three processes of binary $1; sets ports[] and procs[]
start3() {
  local b=$1 i p
  ports=(); procs=()
  for i in 0 1 2; do
    p=$(free_port)
    env -u SLOTD_TEST_CLOCK SLOTD_RATE_LIMITS=off "$b" serve --listen "127.0.0.1:$p" --db "$url" \
      --threads "$threads" >"$work/slotd$i.out" 2>"$work/slotd$i.err" &
    procs+=($!); pids+=($!); ports+=("$p")
  done
  for i in 0 1 2; do
    for _ in $(seq 100); do grep -q listening "$work/slotd$i.out" 2>/dev/null && break; sleep 0.1; done
    grep -q listening "$work/slotd$i.out" || { echo "slotd did not start:" >&2; cat "$work/slotd$i.err" >&2; exit 1; }
  done
}
stop3() {
  local p
  for p in "${procs[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
}

# setup through process 0: 3 x PROVIDERS providers open all day, one 15-minute service of all
start3 "$bin"
api="http://127.0.0.1:${ports[0]}/v1"
ids=()
for i in $(seq $((3 * nprov))); do
  p=$(api_call POST /providers "{\"name\":\"Bench $i\",\"timezone\":\"UTC\"}" | json_field id)
  open_all_week "$p"
  ids+=("$p")
done
list=$(printf '"%s",' "${ids[@]}"); list=${list%,}
svc=$(api_call POST /services "{\"name\":\"Bench 15 min\",\"duration_minutes\":15,\"min_notice_minutes\":0,\"provider_ids\":[$list]}" | json_field id)
stop3
set_of() { local s=$(( $1 * nprov )); local IFS=,; echo "${ids[*]:$s:$nprov}"; }

base=$(( ($(date -u +%s) / 86400 + 1) * 86400 ))
offset=0    # in 15-minute steps from base, per provider; past every earlier run's starts
tagn=0

# run3 DURATION: the three wrk at once; sets rps (sum) and st (statuses of all three)
run3() {
  local i gen maxgen=0 w=()
  tagn=$((tagn + 1))
  for i in 0 1 2; do
    wrk -t1 -c"$conns" -d"$1" -s "$lua" "http://127.0.0.1:${ports[$i]}/v1/bookings" \
      -- "$base" "$offset" 15 "$svc" "$(set_of "$i")" "$key" "r$$-$tagn-$i" 1 >"$work/wrk$i.out" 2>&1 &
    w+=($!)
  done
  # meanwhile: how many of the database's sessions wait for an advisory (tenant, provider
  # or event) lock of the tenant and how many run a statement, sampled every 0.5 s (the
  # background duties' lock, tenant "", is left out: LOCKS_DEBUG=1 lists every class)
  : >"$work/samples"
  while kill -0 "${w[0]}" 2>/dev/null; do
    [ -z "${LOCKS_DEBUG:-}" ] || sql "SELECT classid || CASE WHEN objid::int = hashtext('') THEN ' (tenant \"\")' ELSE '' END || ' ' || mode, count(*) FROM pg_locks WHERE NOT granted AND locktype = 'advisory' GROUP BY 1" >>"$work/lockdbg" 2>/dev/null || true
    sql "SELECT (SELECT count(*) FROM pg_locks WHERE NOT granted AND locktype = 'advisory' AND objid::int <> hashtext('')), (SELECT count(*) FROM pg_stat_activity WHERE datname = 'slotd' AND state = 'active' AND wait_event IS DISTINCT FROM 'advisory') - 1" >>"$work/samples" 2>/dev/null || true
    sleep 0.5
  done
  for i in "${w[@]}"; do wait "$i" || true; done
  read -r lockw running < <(awk -F'|' '{w += $1; r += $2; n++} END {if (n) printf "%.1f %.1f\n", w / n, r / n; else print "- -"}' "$work/samples")
  rps=0; st=""
  for i in 0 1 2; do
    gen=$(awk '/^generated:/ {print $2}' "$work/wrk$i.out")
    [ -n "$gen" ] || { echo "wrk failed:" >&2; cat "$work/wrk$i.out" >&2; exit 1; }
    [ "$gen" -gt "$maxgen" ] && maxgen=$gen
    rps=$(echo "$rps + $(awk '/Requests\/sec/ {print $2}' "$work/wrk$i.out")" | bc -l)
    st="$st $(sed -n 's/^statuses: //p' "$work/wrk$i.out")"
  done
  offset=$(( offset + maxgen / nprov + 2 ))
}

# cpu_ticks PID...: user + system clock ticks the processes and their reaped children used
cpu_ticks() {
  local p t=0
  for p in "$@"; do
    [ -r "/proc/$p/stat" ] || continue
    t=$(( t + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13 + $14 + $15}' || echo 0) ))
  done
  echo "$t"
}

# measure BIN LABEL: three processes of BIN, warm-up, measured run; prints a line; sets rps.
# CPU per booking: the ticks PostgreSQL's processes (a backend that ends is counted in the
# postmaster's children) and the three slotd used during the measured run, over its 201s;
# what the machine's cores allow is then cores / (CPU per booking), locks apart.
measure() {
  local pg0 sd0 pg1 sd1 n hz
  start3 "$1"
  run3 "${WARM_S:-5}s"
  pg0=$(cpu_ticks $(pgrep -x postgres)); sd0=$(cpu_ticks "${procs[@]}")
  run3 "${secs}s"
  pg1=$(cpu_ticks $(pgrep -x postgres)); sd1=$(cpu_ticks "${procs[@]}")
  stop3
  local bad
  bad=$(echo "$st" | tr ' ' '\n' | grep -v '^201=' | grep -c . || true)
  [ "$bad" = 0 ] || echo "warning: $2 answered other statuses:$st" >&2
  n=$(echo "$st" | tr ' ' '\n' | sed -n 's/^201=//p' | awk '{s += $1} END {print s + 0}')
  hz=$(getconf CLK_TCK)
  cpu_pg=$(echo "($pg1 - $pg0) * 1000 / $hz / ($n + 0.0001)" | bc -l)
  cpu_sd=$(echo "($sd1 - $sd0) * 1000 / $hz / ($n + 0.0001)" | bc -l)
  printf 'round %s  %-10s %8.0f bookings/s  CPU ms per booking: PostgreSQL %.2f, slotd %.2f;' \
    "$r" "$2" "$rps" "$cpu_pg" "$cpu_sd"
  printf ' sessions waiting for a lock %4s, running %4s  (%s)\n' "$lockw" "$running" "$(echo $st)"
}

# A database in use has bookings and planner statistics. On tables just created, each
# connection's prepared statements would keep plans made for a near-empty table (an index on
# tenant_id with the rest as a filter), which then read every booking of the tenant: so the
# rounds start after PRIME_S seconds of bookings (default 10) and an ANALYZE.
start3 "$bin"
run3 "${PRIME_S:-10}s"
stop3
sql 'ANALYZE' >/dev/null

echo "slotd on PostgreSQL $pgver: one tenant, 3 processes (--threads $threads), wrk -t1 -c$conns" \
  "per process over $nprov providers each; $rounds rounds of ${secs} s; unpinned (noisy);" \
  "synchronous_commit ${SYNC_COMMIT:-on}"
: >"$work/new"; : >"$work/base"; : >"$work/ratio"
for r in $(seq "$rounds"); do
  measure "$bin" this
  echo "$rps" >>"$work/new"; n_rps=$rps
  if [ -n "$base_bin" ]; then
    measure "$base_bin" reference
    echo "$rps" >>"$work/base"
    echo "$n_rps / $rps" | bc -l >>"$work/ratio"
  fi
done
printf 'median: this %8.0f bookings/s' "$(median <"$work/new")"
if [ -n "$base_bin" ]; then
  printf ' | reference %8.0f bookings/s | ratio %.2f (median of rounds)' \
    "$(median <"$work/base")" "$(median <"$work/ratio")"
fi
echo
[ -z "${LOCKS_DEBUG:-}" ] || { echo "waits by lock class:"; awk -F'|' '{c[$1] += $2} END {for (k in c) print k, c[k]}' "$work/lockdbg"; }
echo "bookings stored: $(sql 'SELECT count(*) FROM bookings')," \
  "events: $(sql 'SELECT count(*) FROM events'), max seq: $(sql 'SELECT max(seq) FROM events')"
