#!/usr/bin/env bash
# slotd on PostgreSQL over HTTP with wrk, each endpoint against pgbench running the same SQL in
# the same run:
#   - POST /v1/bookings, 201 path (a distinct start and Idempotency-Key per request, so the
#     exclusion constraint never fires) against bench/pg_booking.sql
#   - GET /v1/slots, 7 days, one service and provider (672 slots) against bench/pg_slots.sql
# The pgbench scripts replay, statement for statement, what slotd sends for one such request
# (the script checks this first: it turns on log_statement=all, sends one booking and one slot
# query through slotd, runs each pgbench script once, and compares the statements in the
# server log, parameter numbering aside). pgbench runs with -M prepared, as slotd prepares
# every statement once per connection, with -c equal to wrk's -c and -j 1 like wrk -t1.
# Pinning (2 cores): PostgreSQL (every backend, started under taskset) and slotd share core 1,
# wrk or pgbench runs alone on core 0; both sides get the same server core. A fresh throwaway
# server (scripts/pg.sh, fsync and synchronous_commit on), one database kept across runs: the
# bookings of slotd and pgbench go into the same table, one after another in time (15-minute
# bookings from 30 days ahead), so both see the same growing data. The slot window (days +1 to
# +7) holds one booking a day.
# 2 s warm-up per run; 3 interleaved rounds; medians reported. Builds nothing.
# Usage: bench/http_pg.sh [build-dir] [seconds-per-run]   (build, 10; in any order)
# Environment: ROUNDS (3), CONNS (wrk -c, pgbench -c: 32), THREADS (slotd --threads: CONNS;
#   slotd opens at most 32 database connections), SLOTD_BIN (BUILD-DIR/slotd),
#   SLOTD_PG_BIN (/usr/lib/postgresql/15/bin), PGBENCH_CORE (0), PGBENCH_REPORT=1: print pgbench's
#   per-statement latencies (-r) of every measured run.
# Needs: wrk, curl, PostgreSQL 15 with pgbench (scripts/deps.sh bench and test).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_args "$@"
rounds=${ROUNDS:-3}
conns=${CONNS:-32}
threads=${THREADS:-$conns}
pgcore=${PGBENCH_CORE:-0}
bin=${SLOTD_BIN:-$build/slotd}
pgbin=${SLOTD_PG_BIN:-/usr/lib/postgresql/15/bin}
lua=bench/bookings.lua
[ -x "$bin" ] || { echo "build slotd first (cmake --build $build)" >&2; exit 1; }
[ -x "$pgbin/pgbench" ] && [ -x "$pgbin/psql" ] || { echo "needs PostgreSQL with pgbench in $pgbin" >&2; exit 1; }
command -v wrk >/dev/null && command -v curl >/dev/null || { echo "needs wrk and curl: scripts/deps.sh bench" >&2; exit 1; }

bench_workdir
private_copy bin
# scripts/pg.sh hands its directory to the postgres user: not inside $work (mode 700)
pgdir=$(mktemp -d /tmp/slotd-pgbench.XXXXXX)
pg_cleanup() { scripts/pg.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$pgdir"; }
trap 'bench_cleanup; pg_cleanup' EXIT

# PostgreSQL on core 1: pg_ctl, the postmaster and every backend inherit the affinity
pgbase=$(SLOTD_PG_BIN=$pgbin taskset -c 1 scripts/pg.sh start "$pgdir")
"$pgbin/psql" -X -q "$pgbase/postgres" -c 'CREATE DATABASE slotd'
url="$pgbase/slotd"
sql() { "$pgbin/psql" -X -q -At "$url" -c "$1"; }
pgver=$(sql 'SHOW server_version')


# slotd: a tenant, real clock, on core 1
key=$(env -u SLOTD_TEST_CLOCK "$bin" tenant create bench --db "$url" | tail -n 1)
tenant=$(sql "SELECT id FROM tenants WHERE slug = 'bench'")
slotd_start -u SLOTD_TEST_CLOCK -- --db "$url" --threads "$threads"
auth="Authorization: Bearer $key"

# one provider open 00:00-24:00 every day (UTC); a 15-minute service, no notice, no max advance
prv=$(api_call POST /providers '{"name":"Bench provider","timezone":"UTC"}' | json_field id)
open_all_week "$prv"
svc=$(api_call POST /services "{\"name\":\"Bench 15 min\",\"duration_minutes\":15,\"min_notice_minutes\":0,\"provider_ids\":[\"$prv\"]}" | json_field id)

book() {  # book START KEY -> the response body in $work/book.json; exits unless 201
  local code
  code=$(curl -s -o "$work/book.json" -w '%{http_code}' -X POST -H "$auth" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: $2" --data \
    "{\"service_id\":\"$svc\",\"provider_id\":\"$prv\",\"start\":\"$1\",\"customer\":{\"name\":\"Bench Customer\",\"email\":\"bench@example.com\"}}" \
    "$api/bookings")
  [ "$code" = 201 ] || { echo "booking $1 got $code: $(cat "$work/book.json")" >&2; exit 1; }
}

# the slot query: the UTC dates +1 .. +7 days
today=$(( $(date -u +%s) / 86400 ))
from=$(date -u -d "@$(( (today + 1) * 86400 ))" +%F); to=$(date -u -d "@$(( (today + 7) * 86400 ))" +%F)
slots_url="$api/slots?service_id=$svc&provider_id=$prv&from=$from&to=$to"
# bookings of the runs: 15-minute starts from 30 days ahead, as an index in 900 s units; after
# a pgbench run (its transactions are all over when it exits) next = the latest start + 1,
# after a wrk run next + the number of requests wrk built + 1
next=$(( (today + 30) * 96 ))
advance() { next=$(sql "SELECT greatest(max(start_utc) / 900 + 1, $next) FROM bookings"); }

# --- which statements a request runs: log_statement=all for one booking and one slot query
logf="$pgdir/postgres.log"
sql "ALTER SYSTEM SET log_statement = 'all'" >/dev/null; sql 'SELECT pg_reload_conf()' >/dev/null; sleep 0.3
mark() { wc -l <"$logf"; }
since() { tail -n +"$(( $1 + 1 ))" "$logf" | grep ' slotd LOG:  ' || true; }
m=$(mark); book "$(date -u -d "@$(( (today + 1) * 86400 + 43200 ))" +%Y-%m-%dT%H:%M:%SZ)" setup-1; sleep 0.2
since "$m" >"$work/log_slotd_booking"
body=$(cat "$work/book.json")
for d in 2 3 4 5 6 7; do book "$(date -u -d "@$(( (today + d) * 86400 + 43200 ))" +%Y-%m-%dT%H:%M:%SZ)" "setup-$d"; done
# the statements of a warm query (the availability cache holds the provider after the first)
curl -sf -H "$auth" "$slots_url" >/dev/null
m=$(mark); curl -sf -H "$auth" "$slots_url" >"$work/slots.json"; sleep 0.2
since "$m" >"$work/log_slotd_slots"
nslots=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["slots"]))' "$work/slots.json")
size=$(stat -c %s "$work/slots.json")

hex() { printf '%s' "$1" | sha256sum | cut -c1-64; }
pgb_booking_vars=(-D "tenant=$tenant" -D "svc=$svc" -D "prv=$prv" -D "nclients=$conns" -D seq=0 -D lim=64
  -D "body=$body" -D "fp=$(hex fingerprint)" -D "mth=$(hex manage-token)" -D one=1 -D zero=0
  -D code=201 -D status=confirmed -D "cname=Bench Customer" -D cemail=bench@example.com
  -D actor=api -D reason=created)
pgb_slots_vars=(-D "tenant=$tenant" -D "svc=$svc" -D "prv=$prv"
  -D "from_day=$(( $(date -u -d "$from" +%s) / 86400 ))" -D "to_day=$(( $(date -u -d "$to" +%s) / 86400 ))")
advance
m=$(mark)
"$pgbin/pgbench" -n -M prepared -c 1 -t 1 -f bench/pg_booking.sql "${pgb_booking_vars[@]}" \
  -D "now=$(date +%s)" -D "base=$next" "$url" >"$work/pgb_check.out" 2>&1 ||
  { echo "pgbench bench/pg_booking.sql failed:" >&2; cat "$work/pgb_check.out" >&2; exit 1; }
sleep 0.2; since "$m" >"$work/log_pgb_booking"
m=$(mark)
"$pgbin/pgbench" -n -M prepared -c 1 -t 1 -f bench/pg_slots.sql "${pgb_slots_vars[@]}" \
  -D "now=$(date +%s)" "$url" >"$work/pgb_check.out" 2>&1 ||
  { echo "pgbench bench/pg_slots.sql failed:" >&2; cat "$work/pgb_check.out" >&2; exit 1; }
sleep 0.2; since "$m" >"$work/log_pgb_slots"
sql 'ALTER SYSTEM RESET log_statement' >/dev/null; sql 'SELECT pg_reload_conf()' >/dev/null
advance

# compare: statement texts, with $N, and the NULLs and '' of a VALUES list (pgbench has no NULL
# variable, nor an empty one) as "?"; prints "N|short list" for slotd's statements, a diff on stderr if they differ
compare_sql() {
  /usr/bin/python3 - "$1" "$2" "$3" <<'PY'
import re, sys, difflib
def stmts(path):
    out = []
    for line in open(path):
        m = re.search(r' LOG:  (?:statement|execute [^:]+): (.*)$', line)
        if m:
            s = re.sub(r'\$\d+', '?', m.group(1).strip().rstrip(';'))
            out.append(re.sub(r"(?<=[(,] )(?:NULL|'')(?=[,)])", '?', s))
    return out
def short(s):
    w = s.split()
    m = re.search(r'\b(?:FROM|INTO)\s+(\w+)', s)
    if w[0] == 'SELECT' and 'pg_advisory_xact_lock' in s: return 'SELECT pg_advisory_xact_lock'
    return w[0] + (' ' + m.group(1) if m and w[0] not in ('BEGIN', 'COMMIT') else '')
a, b = stmts(sys.argv[1]), stmts(sys.argv[2])
print('%d|%s' % (len(a), ', '.join(short(s) for s in a)))
if a != b:
    sys.stderr.write('warning: %s differs from what slotd sends (update it):\n' % sys.argv[3])
    sys.stderr.writelines(l + '\n' for l in difflib.unified_diff(a, b, 'slotd', 'pgbench', lineterm=''))
PY
}
IFS='|' read -r nbook lbook < <(compare_sql "$work/log_slotd_booking" "$work/log_pgb_booking" bench/pg_booking.sql)
IFS='|' read -r nslot lslot < <(compare_sql "$work/log_slotd_slots" "$work/log_pgb_slots" bench/pg_slots.sql)

echo "slotd on PostgreSQL $pgver: PostgreSQL + slotd (--threads $threads) on core 1, wrk/pgbench on core 0;" \
  "c=$conns, $rounds rounds of ${secs} s"
echo "POST /v1/bookings 201: $nbook statements, one round trip each: $lbook"
echo "GET /v1/slots (7 days, $nslots slots, $size bytes): $nslot statements: $lslot"

# --- the runs
tagn=0
# wrk_book DURATION [--latency]: slotd bookings; sets rps p50 p99 total st
wrk_book() {
  tagn=$((tagn + 1))
  taskset -c 0 wrk -t1 -c"$conns" -d"$1" ${2:-} -s "$lua" "http://127.0.0.1:$sport/v1/bookings" \
    -- new 0 "$next" 15 "$svc" "$prv" "$key" "r$$-$tagn" 1 >"$work/wrk.out" 2>&1
  local gen
  gen=$(awk '/^generated:/ {print $2}' "$work/wrk.out")
  [ -n "$gen" ] || { echo "wrk failed:" >&2; cat "$work/wrk.out" >&2; exit 1; }
  # not max(start): requests still in flight when wrk stops commit later
  next=$((next + gen + 1))
  wrk_socket_errors "bookings $1"
  read -r rps p50 p99 total st < <(awk "$wrk_to_ms"'
    /Requests\/sec/ {rps=$2}
    / requests in / {total=$1}
    $1=="50%" {p50=ms($2)}
    $1=="99%" {p99=ms($2)}
    /^statuses:/ {sub(/^statuses: */,""); gsub(/ /,","); st=$0}
    END {printf "%s %s %s %s %s\n", rps, p50, p99, total, (st==""?"none":st)}' "$work/wrk.out")
}
# pgb SCRIPT DURATION [log] VARS...: pgbench on core 0; sets tps, and p50 p99 (ms) with "log"
pgb() {
  local f=$1 dur=$2 log=() rc=0
  shift 2
  if [ "${1:-}" = log ]; then log=(-l --log-prefix="$work/pgblog"); shift; rm -f "$work"/pgblog.*; fi
  taskset -c "$pgcore" "$pgbin/pgbench" -n -M prepared -c "$conns" -j 1 -T "$dur" "${log[@]}" -f "$f" \
    ${PGBENCH_REPORT:+-r} "$@" -D "now=$(date +%s)" "$url" >"$work/pgb.out" 2>&1 || rc=$?
  [ -z "${PGBENCH_REPORT:-}" ] || [ ${#log[@]} = 0 ] || sed -n '/statement latencies/,$p' "$work/pgb.out" | cut -c1-110 >&2
  if [ "$rc" != 0 ] || grep -q 'aborted' "$work/pgb.out"; then
    echo "warning: pgbench $f: exit $rc: $(grep -m 3 -i 'error\|abort' "$work/pgb.out" | tr '\n' ' ')" >&2
  fi
  tps=$(awk '/^tps = / {print $3}' "$work/pgb.out")
  [ -n "$tps" ] || { echo "pgbench failed:" >&2; cat "$work/pgb.out" >&2; exit 1; }
  if [ ${#log[@]} != 0 ]; then
    read -r p50 p99 < <(cat "$work"/pgblog.* | awk '{print $3}' | sort -n |
      awk '{a[NR]=$1} END {i=int(NR*0.5); if (i<1) i=1; j=int(NR*0.99); if (j<1) j=1; printf "%.3f %.3f\n", a[i]/1000, a[j]/1000}')
    rm -f "$work"/pgblog.*
  fi
}

for f in rb pb qb rs ps qs wb50 wb99 gb50 gb99 ws50 ws99 gs50 gs99; do : >"$work/$f"; done
for r in $(seq "$rounds"); do
  # bookings: slotd, then pgbench
  wrk_book 2s
  c0=$(cpu_us)
  wrk_book "${secs}s" --latency
  cpu=$(echo "($(cpu_us) - $c0) / $total" | bc -l)
  [ "$st" = "201=$total" ] || echo "warning: the 201 run answered other statuses: $st (of $total)" >&2
  echo "$rps" >>"$work/rb"; echo "$p50" >>"$work/wb50"; echo "$p99" >>"$work/wb99"
  printf 'round %s  bookings slotd:   %8.0f req/s  p50 %7.3f ms  p99 %7.3f ms  (%s, slotd cpu %.0f us/req)\n' \
    "$r" "$rps" "$p50" "$p99" "$st" "$cpu"
  s_rps=$rps
  pgb bench/pg_booking.sql 2 "${pgb_booking_vars[@]}" -D "base=$next"; advance
  pgb bench/pg_booking.sql "$secs" log "${pgb_booking_vars[@]}" -D "base=$next"; advance
  echo "$tps" >>"$work/pb"; echo "$p50" >>"$work/gb50"; echo "$p99" >>"$work/gb99"
  echo "$s_rps / $tps" | bc -l >>"$work/qb"
  printf 'round %s  bookings pgbench: %8.0f tx/s   p50 %7.3f ms  p99 %7.3f ms   ratio slotd/pgbench %.2f\n' \
    "$r" "$tps" "$p50" "$p99" "$(tail -n 1 "$work/qb")"
  # slots: slotd, then pgbench
  read -r rps p50 p99 bad total cpu < <(wrk_get "$conns" "$slots_url" "$auth")
  [ "$bad" = 0 ] || echo "warning: $bad non-2xx responses from slotd" >&2
  echo "$rps" >>"$work/rs"; echo "$p50" >>"$work/ws50"; echo "$p99" >>"$work/ws99"
  printf 'round %s  slots slotd:      %8.0f req/s  p50 %7.3f ms  p99 %7.3f ms  (slotd cpu %.0f us/req)\n' \
    "$r" "$rps" "$p50" "$p99" "$cpu"
  s_rps=$rps
  pgb bench/pg_slots.sql 2 "${pgb_slots_vars[@]}"
  pgb bench/pg_slots.sql "$secs" log "${pgb_slots_vars[@]}"
  echo "$tps" >>"$work/ps"; echo "$p50" >>"$work/gs50"; echo "$p99" >>"$work/gs99"
  echo "$s_rps / $tps" | bc -l >>"$work/qs"
  printf 'round %s  slots pgbench:    %8.0f tx/s   p50 %7.3f ms  p99 %7.3f ms   ratio slotd/pgbench %.2f\n' \
    "$r" "$tps" "$p50" "$p99" "$(tail -n 1 "$work/qs")"
done

echo "medians:"
for w in b s; do
  s=$(median <"$work/r$w"); g=$(median <"$work/p$w")
  if [ $w = b ]; then what="POST /v1/bookings 201"; else what="GET /v1/slots 7 days "; fi
  printf '%s  slotd %8.0f req/s  p50 %7.3f ms  p99 %7.3f ms | pgbench %8.0f tx/s  p50 %7.3f ms  p99 %7.3f ms | ratio slotd/pgbench = %.2f (median of rounds %.2f; goal >= 0.5)\n' \
    "$what" "$s" "$(median <"$work/w${w}50")" "$(median <"$work/w${w}99")" \
    "$g" "$(median <"$work/g${w}50")" "$(median <"$work/g${w}99")" \
    "$(echo "$s / $g" | bc -l)" "$(median <"$work/q$w")"
done
echo "bookings stored: $(sql 'SELECT count(*) FROM bookings')"
