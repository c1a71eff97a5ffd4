#!/usr/bin/env bash
# GET /v1/analytics at the scale of issue 15: 100 providers, one year, 1,000,000 bookings; the
# goal is one year's monthly summary with a provider breakdown in <= 200 ms, on SQLite and on
# PostgreSQL. It prints, on one database:
#   - the data load: tenant, 100 providers (Europe/Berlin, America/New_York, Asia/Kolkata, UTC;
#     open 07:00-21:00 local every day), 3 services of 30 minutes and two tenant holidays made
#     through the API (slotd serve); slotd stopped; 1,000,000 bookings of 2025 inserted with SQL
#     (bench/analytics_data.py: per provider-day the 30-minute grid 07:00-20:30 local, 1000 of
#     every 1022 cells kept, so no two overlap; 70% completed, 12% cancelled, 5% no-show,
#     3% declined, 7% confirmed, 3% pending; EUR, USD for the New York providers; lead times
#     exponential, mean 120 h; fees on no-shows and half the late cancellations; policy '');
#   - the summary backfill: stats_backfill gets the tenant, and slotd's next start-up
#     summarises its bookings into booking_stats (store_stats_backfill) before it listens:
#     the time from start to listening, and a check that the summary holds every booking;
#   - the queries, each one warm-up then N sequential requests with keep-alive (slotd
#     --threads 1 on core 1, with PostgreSQL on --pg; the client on core 0), p50/p95/max ms,
#     the answer's size and slotd's CPU per request (/proc/PID/stat). Year = 2025-01-01..
#     2025-12-31:
#       month_prov_berlin  group_by=month&breakdown=provider&timezone=Europe/Berlin  (the goal)
#       month_prov_utc     the same in UTC (no boundary day is read from the bookings)
#       month_berlin       no breakdown
#       month_svc_berlin   service_id=<one service>: no open time (diagnostic: open time's share)
#       week_prov_berlin   group_by=week&breakdown=provider (53 boundary days read)
#       heatmap_berlin     view=heatmap (reads every booking of the year)
#       csv_month_prov_berlin  month_prov_berlin with Accept: text/csv
#   - same-run references on the same database: the naive
#     "SELECT provider_id, status, count(*), sum(end_utc - start_utc) FROM bookings WHERE
#     tenant_id = ? AND start_utc >= ? AND start_utc < ? GROUP BY 1, 2" over the Berlin year
#     (python sqlite3, or psql with \timing), N times after a warm-up, with the ratio
#     slotd p50 / naive p50; and the summary read alone (the '*' rows of booking_stats for the
#     year's days, the first thing the request reads);
#   - the write path: WRITES sequential POST /v1/bookings (Idempotency-Key, 30 minutes apart,
#     one new provider open all week, 2027) on the big database; and, with BASE_BIN, the same
#     on fresh databases with this slotd and with BASE_BIN (a slotd without the summary,
#     e.g. commit 120f99d), interleaved ROUNDS times: p50/p95/mean ms and slotd CPU per request.
# Every measurement runs ROUNDS times (default 2), interleaved with its references.
# Usage: bench/analytics.sh [--pg] [build-dir]        (default build-dir: build)
# Environment: N (20), ROUNDS (2), WRITES (300), SLOTD_BIN, BASE_BIN, SLOTD_PG_BIN
#   (/usr/lib/postgresql/15/bin), ONLY=row,row (just those query rows), PROFILE=FILE with
#   PROFILE_ROW=row and PERF_OPTS (default -g): perf record slotd during that row's first round;
#   KEEP=1 keeps the temp dir (SQLite database, logs; SQLite runs only); STATEMENTS=1 (--pg):
#   PostgreSQL's own time per statement of one month_prov_berlin and one month_prov_utc request.
#   WRITES_ONLY=1 (with BASE_BIN): only the write comparison on fresh databases (a minute).
# A base build:  git archive 120f99d | tar -x -C /tmp/base-src &&
#   cmake -S /tmp/base-src -B /tmp/base-build -DCMAKE_BUILD_TYPE=Release -DSLOTD_WEB=OFF &&
#   cmake --build /tmp/base-build -j2 --target slotd;  BASE_BIN=/tmp/base-build/slotd
# Needs python3 (standard library), curl, and for --pg PostgreSQL (scripts/deps.sh test).
# About 7 minutes on SQLite and on PostgreSQL; the data takes ~1 GB in the temp dir.
#
# Measured on 2026-12-03 (Release, this shared 2-core VM, 2 runs x 2 rounds per backend, p50 ms):
#   month_prov_berlin  SQLite 131-155 (p95 174-210)  PostgreSQL 245-438 (p95 303-515)
#   month_prov_utc     SQLite  83-93                 PostgreSQL 172-261
#   week_prov_berlin   SQLite 541-626                PostgreSQL 679-932
#   heatmap_berlin     SQLite 2,770-3,590            PostgreSQL 3,930-4,750 (past the 2 s budget)
#   naive GROUP BY     SQLite 1,640-2,320            PostgreSQL 410-550
#   backfill at start-up: SQLite 5.1-6.2 s, PostgreSQL 16.9-21.5 s; summary write cost
#   (3150b34 vs 78c9d0e, 1,000 bookings x 3 rounds): +30..+100 us CPU per booking on SQLite,
#   -50..+150 us on PostgreSQL, within the noise of the latency.
# Where month_prov_berlin's time goes: SQLite (perf, 166 ms CPU/request): 55% reading the
# bookings of the 13 UTC days the Berlin month boundaries cut (tx_stats_bookings, 32,725 rows
# through bookings_by_start and a primary-key lookup each), 26% the 36,500 summary rows
# (tx_stats_rows; 6% of it stats_lead_decode's strtoll), 9% JSON, 4% freeing, open time 1.6%.
# PostgreSQL (STATEMENTS=1, one request of 347 ms): the summary rows' execute 132 ms, the 13
# boundary-day reads 76 ms, the ~600 open-time statements ~17 ms; slotd's own CPU ~100-130 ms.
# The summary query is a sequential scan of all of booking_stats (146,078 rows, 40 MB, 92-105 ms
# in EXPLAIN ANALYZE); a covering index (tenant_id, service_id, day) INCLUDE (the other columns)
# made it an index-only scan of 29 ms and the request 25-35% faster in an interleaved trial.
# Reading only the shorter side of each cut day (the rest is the day's summary minus it: every
# figure is a count, a sum or a histogram) would read 925 bookings here instead of 32,725.
# Both are in since (3d82dd7: cut days by their shorter parts; 2c6842f: JSON written without a
# jansson tree; fa0711a: the covering index on PostgreSQL). Measured then on
# PostgreSQL (Release, 15 requests, 3 runs, p50 / p95 ms): month_prov_berlin 124/170,
# 121/176, 105/136; month_prov_utc 106-113; week_prov_berlin 150/163; naive GROUP BY 419-432
# (ratio 0.25-0.29); backfill 18.1 s; POST /v1/bookings on the 1M database p50 4.00 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

pg=0
build=build
for a in "$@"; do
  case $a in
    --pg) pg=1 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) if [ -d "$a" ]; then build=${a%/}; else echo "usage: $0 [--pg] [build-dir]" >&2; exit 2; fi ;;
  esac
done
n=${N:-20}
rounds=${ROUNDS:-2}
writes=${WRITES:-300}
bin=${SLOTD_BIN:-$build/slotd}
base_bin=${BASE_BIN:-}
pgbin=${SLOTD_PG_BIN:-/usr/lib/postgresql/15/bin}
py=/usr/bin/python3
helper=bench/analytics_data.py
[ -x "$bin" ] || { echo "build slotd first (cmake --build $build)" >&2; exit 1; }
[ -z "$base_bin" ] || [ -x "$base_bin" ] || { echo "BASE_BIN=$base_bin is not executable" >&2; exit 1; }
[ -z "${WRITES_ONLY:-}" ] || [ -n "$base_bin" ] || { echo "WRITES_ONLY needs BASE_BIN" >&2; exit 1; }
if [ $pg = 1 ]; then
  [ -x "$pgbin/psql" ] || { echo "needs PostgreSQL in $pgbin (scripts/deps.sh test)" >&2; exit 1; }
fi
type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$(dirname "$bin")/CMakeCache.txt" 2>/dev/null || true)
[ "$type" = Release ] || echo "warning: $bin is a ${type:-default} build, not Release" >&2

bench_workdir
if [ -n "${KEEP:-}" ]; then   # KEEP=1: leave the temp dir (databases, logs) for a look afterwards
  trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; echo "kept $work" >&2' EXIT
fi
src_bin=$bin
private_copy bin
if [ -n "$base_bin" ] && [ -z "${PROFILE:-}" ]; then cp "$base_bin" "$work/slotd-base"; base_bin=$work/slotd-base; fi
now_ms() { date +%s%3N; }
secs_since() { echo "scale=1; ($(now_ms) - $1) / 1000" | bc; }

if [ $pg = 1 ]; then
  # scripts/pg.sh hands its directory to the postgres user: not inside $work (mode 700)
  pgdir=$(mktemp -d /tmp/slotd-pgan.XXXXXX)
  pg_cleanup() { scripts/pg.sh stop "$pgdir" >/dev/null 2>&1 || true; rm -rf "$pgdir"; }
  trap 'bench_cleanup; pg_cleanup' EXIT
  # PostgreSQL on core 1 (with slotd): the postmaster and every backend inherit the affinity
  pgbase=$(SLOTD_PG_BIN=$pgbin taskset -c 1 scripts/pg.sh start "$pgdir")
  "$pgbin/psql" -X -q "$pgbase/postgres" -c 'CREATE DATABASE slotd'
  url="$pgbase/slotd"
  sql() { "$pgbin/psql" -X -q -At -v ON_ERROR_STOP=1 "$url" -c "$1"; }
  backend="PostgreSQL $(sql 'SHOW server_version')"
else
  url="sqlite:$work/slotd.db"
  sql() { $py -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
for r in db.execute(sys.argv[2]): print("|".join(map(str, r)))' "$work/slotd.db" "$1"; }
  backend="SQLite $($py -c 'import sqlite3; print(sqlite3.sqlite_version)') (python's; slotd: $(ldd "$bin" | awk '/libsqlite3/ {print $3}'))"
fi

# an_start BIN URL: slotd serve --threads 1 on core 1, waiting (up to 30 minutes: the summary
# backfill runs before it listens) until it listens; sets spid, api, and start_s (seconds).
an_start() {
  local t0
  sport=$(free_port)
  t0=$(now_ms)
  env -u SLOTD_TEST_CLOCK SLOTD_RATE_LIMITS=off taskset -c 1 "$1" serve --db "$2" \
    --listen "127.0.0.1:$sport" --threads 1 >"$work/slotd.out" 2>"$work/slotd.err" &
  spid=$!
  pids+=("$spid")
  for _ in $(seq 18000); do
    grep -q listening "$work/slotd.out" 2>/dev/null && break
    kill -0 "$spid" 2>/dev/null || break
    sleep 0.1
  done
  grep -q listening "$work/slotd.out" || { echo "slotd did not start:" >&2; cat "$work/slotd.err" >&2; exit 1; }
  start_s=$(secs_since "$t0")
  api="http://127.0.0.1:$sport/v1"
}
an_stop() { kill "$spid"; wait "$spid" 2>/dev/null || true; }

echo "slotd $src_bin on $backend; slotd --threads 1 (core 1$([ $pg = 1 ] && echo ', with PostgreSQL')), client core 0"

if [ -z "${WRITES_ONLY:-}" ]; then   # WRITES_ONLY=1: only the write comparison below
# --- the data --------------------------------------------------------------------------------
key=$(env -u SLOTD_TEST_CLOCK "$bin" tenant create bench --db "$url" | tail -n 1)
tenant=$(sql "SELECT id FROM tenants WHERE slug = 'bench'")
an_start "$bin" "$url"
t0=$(now_ms)
$py $helper setup "$api" "$key" >"$work/ids.json"
echo "setup through the API (100 providers, schedules, 3 services, 2 holidays): $(secs_since "$t0") s"
an_stop
t0=$(now_ms)
if [ $pg = 1 ]; then
  cols=$($py -c 'import sys; sys.path.insert(0, "bench"); import analytics_data as a; print(",".join(a.COLS))')
  $py $helper csv "$tenant" "$work/ids.json" |
    "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 "$url" \
      -c "\\copy bookings($cols) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (policy))"
  nb=$(sql "SELECT count(*) FROM bookings")
  echo "1,000,000 bookings by COPY: $(secs_since "$t0") s ($nb rows)"
  t0=$(now_ms)
  sql 'VACUUM ANALYZE bookings'
  echo "VACUUM ANALYZE bookings (what autovacuum does after a bulk insert): $(secs_since "$t0") s"
else
  nb=$($py $helper sqlite "$work/slotd.db" "$tenant" "$work/ids.json")
  echo "1,000,000 bookings by executemany, one transaction: $(secs_since "$t0") s ($nb rows)"
fi
[ "$nb" = 1000000 ] || { echo "expected 1000000 bookings, got $nb" >&2; exit 1; }
sql "INSERT INTO stats_backfill(tenant_id) VALUES ('$tenant')"
an_start "$bin" "$url"
echo "summary backfill: start-up to listening took $start_s s (store_stats_backfill of 1,000,000 bookings)"
read -r sb sr < <(sql "SELECT sum(bookings), count(*) FROM booking_stats WHERE tenant_id = '$tenant' AND service_id = '*'" | tr '|' ' ')
echo "booking_stats: $(sql "SELECT count(*) FROM booking_stats") rows; '*' rows: $sr, their bookings: $sb"
[ "$sb" = 1000000 ] || echo "warning: the summary holds $sb bookings, not 1000000" >&2
[ "$(sql "SELECT count(*) FROM stats_backfill")" = 0 ] || echo "warning: stats_backfill is not empty" >&2
if [ $pg = 1 ]; then
  t0=$(now_ms); sql 'VACUUM ANALYZE booking_stats'
  echo "VACUUM ANALYZE booking_stats: $(secs_since "$t0") s"
fi

# --- the queries -----------------------------------------------------------------------------
year="from=2025-01-01&to=2025-12-31"
svc=$($py -c 'import json,sys; print(json.load(open(sys.argv[1]))["services"][0]["id"])' "$work/ids.json")
rows=(
  "month_prov_berlin|$year&group_by=month&breakdown=provider&timezone=Europe/Berlin|"
  "month_prov_utc|$year&group_by=month&breakdown=provider&timezone=UTC|"
  "month_berlin|$year&group_by=month&timezone=Europe/Berlin|"
  "month_svc_berlin|$year&group_by=month&service_id=$svc&timezone=Europe/Berlin|"
  "week_prov_berlin|$year&group_by=week&breakdown=provider&timezone=Europe/Berlin|"
  "heatmap_berlin|$year&view=heatmap&timezone=Europe/Berlin|"
  "csv_month_prov_berlin|$year&group_by=month&breakdown=provider&timezone=Europe/Berlin|text/csv"
)
if [ -n "${ONLY:-}" ]; then
  kept=()
  for row in "${rows[@]}"; do [[ ",$ONLY," != *",${row%%|*},"* ]] || kept+=("$row"); done
  rows=("${kept[@]}")
fi
# the Berlin year as UTC instants, and as UTC days for the summary read
ya=$(TZ=Europe/Berlin date -d '2025-01-01 00:00' +%s)
yb=$(TZ=Europe/Berlin date -d '2026-01-01 00:00' +%s)
da=$((ya / 86400)) db=$(((yb - 1) / 86400))
naive="SELECT provider_id, status, count(*), sum(end_utc - start_utc) FROM bookings WHERE tenant_id = '$tenant' AND start_utc >= $ya AND start_utc < $yb GROUP BY 1, 2"
# the rows the request reads first (all its columns, added up in SQL so that the client's row
# handling is not measured)
summary="SELECT count(*), sum(bookings + pending + confirmed + declined + cancelled + cancelled_late + completed + no_show + reschedules + booked_sec + duration_sec + length(lead) + revenue + fees + waived + decimals + length(provider_id) + length(currency)) FROM booking_stats WHERE tenant_id = '$tenant' AND service_id = '*' AND day >= $da AND day <= $db"

# sql_times NAME QUERY: QUERY once, then N times; prints "p50 p95 max rows" (ms)
sql_times() {
  if [ $pg = 1 ]; then
    {
      echo '\o /dev/null'
      echo "$2;"
      echo '\timing on'
      for _ in $(seq "$n"); do echo "$2;"; done
    } | taskset -c 0 "$pgbin/psql" -X -q "$url" 2>&1 | awk '/^Time:/ {print $2}' >"$work/t_$1"
    local nr
    nr=$(sql "SELECT count(*) FROM ($2) q")
    sort -g "$work/t_$1" | awk -v nr="$nr" '{a[NR]=$1} END {i=int(NR*0.95+0.999999); printf "%.1f %.1f %.1f %s\n", a[int((NR+1)/2)], a[i], a[NR], nr}'
  else
    taskset -c 0 $py - "$work/slotd.db" "$2" "$n" <<'PY'
import sqlite3, sys, time
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
nr = len(db.execute(sys.argv[2]).fetchall())
t = []
for _ in range(int(sys.argv[3])):
    s = time.perf_counter(); db.execute(sys.argv[2]).fetchall(); t.append((time.perf_counter() - s) * 1000)
t.sort()
print("%.1f %.1f %.1f %d" % (t[(len(t) - 1) // 2], t[min(len(t) - 1, int(len(t) * 0.95 + 0.999999) - 1)], t[-1], nr))
PY
  fi
}

echo
echo "GET /v1/analytics?<query> ($year): one warm-up, then $n sequential requests; $rounds rounds"
printf '%-5s %-24s %9s %9s %9s %10s %11s\n' round row p50_ms p95_ms max_ms bytes cpu_us/req
for row in "${rows[@]}"; do : >"$work/p50_${row%%|*}"; done
: >"$work/p50_naive"; : >"$work/p50_summary"
for r in $(seq "$rounds"); do
  for row in "${rows[@]}"; do
    IFS='|' read -r name q accept <<<"$row"
    perfpid=
    if [ -n "${PROFILE:-}" ] && [ "${PROFILE_ROW:-}" = "$name" ] && [ "$r" = 1 ]; then
      perf record ${PERF_OPTS:--g} -p "$spid" -o "$PROFILE" >/dev/null 2>&1 &
      perfpid=$!
      sleep 0.5
    fi
    read -r p50 p95 mx bytes cpu < <(taskset -c 0 $py $helper get "$api/analytics?$q" "$key" "$n" "$accept" "$spid")
    [ -z "$perfpid" ] || { kill -INT "$perfpid"; wait "$perfpid" || true; }
    echo "$p50" >>"$work/p50_$name"
    printf '%-5s %-24s %9s %9s %9s %10s %11s\n' "$r" "$name" "$p50" "$p95" "$mx" "$bytes" "$cpu"
  done
  read -r p50 p95 mx nr < <(sql_times naive "$naive")
  echo "$p50" >>"$work/p50_naive"
  printf '%-5s %-24s %9s %9s %9s %10s   (%s rows; the reference)\n' "$r" naive_group_by "$p50" "$p95" "$mx" - "$nr"
  read -r p50 p95 mx nr < <(sql_times summary "$summary")
  echo "$p50" >>"$work/p50_summary"
  printf '%-5s %-24s %9s %9s %9s %10s   (%s rows of booking_stats)\n' "$r" summary_read_sql "$p50" "$p95" "$mx" - \
    "$(sql "SELECT count(*) FROM booking_stats WHERE tenant_id = '$tenant' AND service_id = '*' AND day >= $da AND day <= $db")"
done
echo
echo "p50 per round, and ratio slotd / naive GROUP BY of the same round (goal: month_prov_berlin <= 200 ms):"
for row in "${rows[@]}" naive_group_by summary_read_sql; do
  name=${row%%|*}
  f=$work/p50_$name
  [ "$name" = naive_group_by ] && f=$work/p50_naive
  [ "$name" = summary_read_sql ] && f=$work/p50_summary
  printf '  %-24s %-24s ratio %s\n' "$name" "$(paste -sd' ' "$f")" \
    "$(paste -d' ' "$f" "$work/p50_naive" | awk '{printf "%s%.2f", (NR>1?" ":""), $1/$2}')"
done

# --- PostgreSQL: the server's time per statement of one request ----------------------------
if [ $pg = 1 ] && [ -n "${STATEMENTS:-}" ]; then
  echo
  echo "PostgreSQL's own time per statement of one request (log_min_duration_statement = 0):"
  sql 'ALTER SYSTEM SET log_min_duration_statement = 0' >/dev/null; sql 'SELECT pg_reload_conf()' >/dev/null
  sleep 0.5
  for row in "${rows[@]}"; do
    IFS='|' read -r name q accept <<<"$row"
    case $name in month_prov_berlin | month_prov_utc) ;; *) continue ;; esac
    before=$(wc -l <"$pgdir/postgres.log")
    t0=$(now_ms)
    curl -sf -o /dev/null -H "Authorization: Bearer $key" "$api/analytics?$q"
    wall=$(( $(now_ms) - t0 ))
    sleep 0.5
    tail -n +"$((before + 1))" "$pgdir/postgres.log" >"$work/stmts_$name"
    echo "  $name (this request: $wall ms wall):"
    $py - "$work/stmts_$name" <<'PY'
import re, sys, collections
tot = collections.OrderedDict()
for line in open(sys.argv[1]):
    m = re.search(r'duration: ([0-9.]+) ms  (?:(parse|bind|execute) [^:]*|statement): (.*)', line)
    if not m:
        continue
    stmt = m.group(3)
    t = re.search(r'\b(?:FROM|INTO|UPDATE)\s+(\w+)', stmt)
    what = (stmt.split()[0] + " " + (t.group(1) if t else "")).strip()
    if "booking_stats" in stmt and "SELECT" in stmt: what = "SELECT booking_stats (summary rows)"
    elif re.search(r'FROM bookings WHERE tenant_id = \$1 AND start_utc >= \$2', stmt): what = "SELECT bookings (boundary days)"
    k = (what, m.group(2) or "simple")
    c = tot.setdefault(k, [0, 0.0])
    c[0] += 1; c[1] += float(m.group(1))
allms = sum(v[1] for v in tot.values())
for (what, phase), (n, ms) in sorted(tot.items(), key=lambda kv: -kv[1][1]):
    print("    %-40s %-8s %5d x  %8.1f ms" % (what, phase, n, ms))
print("    %-40s %-8s %5d x  %8.1f ms" % ("all statements", "", sum(v[0] for v in tot.values()), allms))
PY
  done
  sql 'ALTER SYSTEM RESET log_min_duration_statement' >/dev/null; sql 'SELECT pg_reload_conf()' >/dev/null
fi

# --- the write path --------------------------------------------------------------------------
echo
echo "POST /v1/bookings, $writes sequential 201s (p50 p95 mean ms, slotd cpu us/request):"
for r in $(seq "$rounds"); do
  read -r p50 p95 mean cpu < <(taskset -c 0 $py $helper write "$api" "$key" "$writes" 2027-01-04 "$spid")
  printf '  round %s  1M-booking database, this slotd:  p50 %6s  p95 %6s  mean %6s  cpu %5s\n' "$r" "$p50" "$p95" "$mean" "$cpu"
done
an_stop
fi
if [ -n "$base_bin" ]; then
  [ -z "${WRITES_ONLY:-}" ] || echo "POST /v1/bookings, $writes sequential 201s (p50 p95 mean ms, slotd cpu us/request):"
  # fresh databases, one per binary, kept across rounds
  if [ $pg = 1 ]; then
    "$pgbin/psql" -X -q "$pgbase/postgres" -c 'CREATE DATABASE wcur' -c 'CREATE DATABASE wbase'
    wcur="$pgbase/wcur" wbase="$pgbase/wbase"
  else
    wcur="sqlite:$work/wcur.db" wbase="sqlite:$work/wbase.db"
  fi
  kcur=$(env -u SLOTD_TEST_CLOCK "$bin" tenant create w --db "$wcur" | tail -n 1)
  kbase=$(env -u SLOTD_TEST_CLOCK "$base_bin" tenant create w --db "$wbase" | tail -n 1)
  : >"$work/wc"; : >"$work/wb"
  for r in $(seq "$rounds"); do
    for which in cur base; do
      if [ $which = cur ]; then an_start "$bin" "$wcur"; k=$kcur; else an_start "$base_bin" "$wbase"; k=$kbase; fi
      read -r p50 p95 mean cpu < <(taskset -c 0 $py $helper write "$api" "$k" "$writes" 2027-01-04 "$spid")
      an_stop
      echo "$mean $cpu" >>"$work/w${which:0:1}"
      printf '  round %s  fresh database, %-24s p50 %6s  p95 %6s  mean %6s  cpu %5s\n' "$r" \
        "$([ $which = cur ] && echo 'this slotd:' || echo 'BASE_BIN:')" "$p50" "$p95" "$mean" "$cpu"
    done
  done
  paste -d' ' "$work/wc" "$work/wb" | awk '{printf "  round %d  this / base: mean latency %.2f, cpu per request %.2f (+%.0f us)\n", NR, $1/$3, $2/$4, $2-$4}'
fi
