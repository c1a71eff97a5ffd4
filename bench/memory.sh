#!/usr/bin/env bash
# Memory of `slotd serve` (VmRSS and VmHWM from /proc/PID/status, and the anonymous part,
# RssAnon: the memory slotd itself allocates; the rest is pages of mapped files, mostly shared
# libraries, shared with every process that maps them):
#   1. idle after start, SQLite (a new database with one tenant);
#   2. idle after start, PostgreSQL (a throwaway server, scripts/pg.sh);
#   3. after a burst: the demo clinic, wrk on GET /v1/slots and on the bookings list;
#   4. one tenant with BOOKINGS bookings (bench/bookings_db.sh, the database bench/copy.sh
#      makes) while wrk runs GET /v1/slots (one provider, 7 days) at c32: sampled every
#      second, the highest VmRSS, and VmHWM at the end.
# slotd runs on core 1 with its default threads (as many as cores), wrk on core 0.
# Usage: bench/memory.sh [build-dir] [seconds-per-run]   (build, 10)
# Environment: BOOKINGS (1000000), DB_DIR (/tmp), SLOTD_BIN (BUILD-DIR/slotd), SKIP_PG=1.
# Needs: wrk, sqlite3, PostgreSQL 15 (scripts/deps.sh test bench).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
. bench/bookings_db.sh
bench_args "$@"
bin=${SLOTD_BIN:-$build/slotd}
n=${BOOKINGS:-1000000}
[ -x "$bin" ] || { echo "build slotd first (cmake --build $build)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "needs wrk: scripts/deps.sh bench" >&2; exit 1; }

bench_workdir
private_copy bin
pgdir=
trap '[ -z "$pgdir" ] || { scripts/pg.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$pgdir"; }; bench_cleanup' EXIT

kb() { awk -v f="$1:" '$1 == f {print $2}' "/proc/$spid/status"; }
# report WHAT: one line of the running slotd's figures
report() {
  printf '%-44s VmRSS %6d KB  VmHWM %6d KB  RssAnon %6d KB  RssFile %6d KB  threads %s\n' \
    "$1" "$(kb VmRSS)" "$(kb VmHWM)" "$(kb RssAnon)" "$(kb RssFile)" "$(kb Threads)"
}
# report_big N: the largest mappings of the running slotd (smaps), N of them
report_big() {
  awk '/^[0-9a-f]+-[0-9a-f]+ / {name = $6 == "" ? "[anon]" : $6}
       /^Rss:/ {rss[name] += $2}
       END {for (k in rss) if (rss[k] >= 100) printf "%d %s\n", rss[k], k}' "/proc/$spid/smaps" |
    sort -rn | head -n "$1" | awk '{printf "    %6d KB %s\n", $1, $2}'
}
slotd_stop() { kill "$spid"; wait "$spid" 2>/dev/null || true; }

# 0. the floor: an empty program that loads slotd's shared libraries (the binary's NEEDED
# entries) and waits; its VmRSS is what mapping and initialising those libraries costs.
if command -v cc >/dev/null; then
  printf '#include <unistd.h>\nint main(void) { pause(); return 0; }\n' >"$work/floor.c"
  # shellcheck disable=SC2046
  cc -O2 -o "$work/floor" "$work/floor.c" -Wl,--no-as-needed \
    $(readelf -d "$bin" | awk -F'[][]' '/NEEDED/ {printf "-l:%s ", $2}')
  "$work/floor" &
  spid=$!
  pids+=("$spid")
  sleep 1
  report "floor: no code, slotd's libraries loaded"
  slotd_stop
fi

# 1. idle, SQLite
tenant_create
slotd_start -- --db "$db"
sleep 2
report "idle, SQLite, one tenant"
[ -z "${VERBOSE:-}" ] || report_big 25
slotd_stop

# 2. idle, PostgreSQL
if [ -z "${SKIP_PG:-}" ]; then
  pgdir=$(mktemp -d /tmp/slotd-benchpg.XXXXXX)
  pg=$(scripts/pg.sh start "$pgdir")
  "$bin" tenant create bench --db "$pg/postgres" >/dev/null
  slotd_start -- --db "$pg/postgres"
  sleep 2
  report "idle, PostgreSQL, one tenant"
  slotd_stop
fi

# 3. after a burst on the demo clinic (made by `slotd demo` first: its console users'
# Argon2id hashes take 64 MiB each while they are computed, which would count in VmHWM)
"$bin" demo --db "sqlite:$work/demo.db" >"$work/demo.out"
slotd_start -- --db "sqlite:$work/demo.db"
sleep 1
report "idle, SQLite, the demo clinic"
key=$("$bin" key create demo --role admin --db "sqlite:$work/demo.db" | tail -n 1)
read -r svc prv < <(curl -sf -H "Authorization: Bearer $key" "$api/services" | /usr/bin/python3 -c '
import json, sys
s = [x for x in json.load(sys.stdin)["data"] if x["name"] == "Follow-up visit"][0]
print(s["id"], s["provider_ids"][0])')
url="$api/slots?service_id=$svc&provider_id=$prv&from=$(date -u -d "+7 days" +%F)&to=$(date -u -d "+13 days" +%F)"
taskset -c 0 wrk -t1 -c32 -d"${secs}s" -H "Authorization: Bearer $key" "$url" >/dev/null 2>&1
taskset -c 0 wrk -t1 -c32 -d"${secs}s" -H "Authorization: Bearer $key" "$api/bookings?limit=100" >/dev/null 2>&1
sleep 1
report "after a burst (demo: slots, bookings list)"
slotd_stop

# 4. a million bookings, under slot queries
src="${DB_DIR:-/tmp}/slotd-bench-$n.db"
bookings_db "$n" "$src"
slotd_start -- --db "sqlite:$src"
sleep 2
report "idle, SQLite, $(sqlite3 "$src" 'SELECT count(*) FROM bookings') bookings"
key=$("$bin" key create demo --role admin --db "sqlite:$src" | tail -n 1)
read -r svc prv < <(curl -sf -H "Authorization: Bearer $key" "$api/services" | /usr/bin/python3 -c '
import json, sys
s = [x for x in json.load(sys.stdin)["data"] if x["name"] == "Follow-up visit"][0]
print(s["id"], s["provider_ids"][-1])')
from=$(date -u -d "+7 days" +%F); to=$(date -u -d "+13 days" +%F)
url="$api/slots?service_id=$svc&provider_id=$prv&from=$from&to=$to"
curl -sf -H "Authorization: Bearer $key" "$url" >"$work/slots.json"
peak=0
taskset -c 0 wrk -t1 -c32 -d"${secs}s" --latency -H "Authorization: Bearer $key" "$url" >"$work/wrk.out" 2>&1 &
wpid=$!
while kill -0 "$wpid" 2>/dev/null; do
  r=$(kb VmRSS); [ "$r" -le "$peak" ] || peak=$r
  sleep 1
done
wait "$wpid" || true
nslots=$(/usr/bin/python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["slots"]))' "$work/slots.json")
bad=$(awk '/Non-2xx/ {print $NF}' "$work/wrk.out")
echo "  wrk: $(awk '/Requests\/sec/ {print $2}' "$work/wrk.out") req/s, $nslots slots an answer, ${bad:-0} non-2xx"
report "under slot load ($n bookings), at the end"
printf '%-44s VmRSS %6d KB (sampled each second)\n' "under slot load, highest" "$peak"
[ -z "${VERBOSE:-}" ] || report_big 25
slotd_stop
