#!/usr/bin/env bash
# GET /v1/calendar (one month, 50 providers) over HTTP with wrk, against nginx serving a static
# file as large as slotd's response (payload reference) in the same run.
# Data: 50 providers in five US zones, Mon-Fri 09:00-17:00, three bookings a week from
# 2026-02-02 to 2026-04-30, two recurring entries each, one afternoon off each, a monthly
# tenant-wide holiday and a monthly override each (both by RRULE). slotd (--threads 1, fresh
# SQLite db, SLOTD_TEST_CLOCK=1 so the setup can book dates that are past now) on core 1,
# wrk on core 0; 2 s warm-up per wrk run; 3 interleaved rounds; medians reported.
# Builds nothing.
# Usage: bench/http_calendar.sh [build-dir] [seconds-per-run]   (build, 10; in any order; a
#   relative build dir is taken from the repository root)
# Environment: ROUNDS (3), CONNS ("1 8"), THREADS (slotd --threads, 1), SLOTD_BIN
#   (BUILD-DIR/slotd), NO_NGINX=1 to skip the reference, PROFILE=FILE: perf record slotd
#   during the first measured run into FILE (options: PERF_OPTS, default -g).
# Needs wrk, curl, python3 with requests (scripts/deps.sh bench); nginx for the reference.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_args "$@"
rounds=${ROUNDS:-3}
conns_list=${CONNS:-1 8}
bin=${SLOTD_BIN:-$build/slotd}
[ -x "$bin" ] || { echo "build slotd first (cmake --build $build)" >&2; exit 1; }
command -v wrk >/dev/null && command -v curl >/dev/null || { echo "needs wrk and curl: scripts/deps.sh bench" >&2; exit 1; }
/usr/bin/python3 -c 'import requests, zoneinfo' 2>/dev/null || { echo "needs python3 with requests: scripts/deps.sh bench" >&2; exit 1; }
use_nginx=1
if [ -n "${NO_NGINX:-}" ] || ! command -v nginx >/dev/null; then
  use_nginx=0
  [ -n "${NO_NGINX:-}" ] || echo "note: nginx not found, no reference (scripts/deps.sh bench)" >&2
fi

bench_workdir
private_copy bin

# slotd: fresh db, a tenant, the test clock (the setup sends X-Test-Now; wrk does not)
tenant_create
slotd_start SLOTD_TEST_CLOCK=1 -- --db "$db" --threads "${THREADS:-1}"
auth="Authorization: Bearer $key"

# the data, over the API; prints the provider ids comma-separated on its last line
t0=$(date +%s.%N)
taskset -c 0 /usr/bin/python3 - "$api" "$key" >"$work/setup.out" <<'PY'
import datetime as dt, sys, zoneinfo
import requests

api, key = sys.argv[1], sys.argv[2]
s = requests.Session()
s.headers.update({"Authorization": "Bearer " + key, "X-Test-Now": "2026-01-15T12:00:00Z"})
counts = {}

def post(path, body, method="POST", headers=None):
    r = s.request(method, api + path, json=body, headers=headers)
    if r.status_code not in (200, 201):
        sys.exit(f"{method} {path} {body}: {r.status_code} {r.text}")
    parts = path.strip("/").split("/")
    what = parts[-1] if len(parts) > 1 else parts[0]   # providers/ID/schedule -> schedule
    counts[what] = counts.get(what, 0) + 1
    return r.json()

def at(zone, day, hh, mm=0):
    return dt.datetime(day.year, day.month, day.day, hh, mm, tzinfo=zoneinfo.ZoneInfo(zone)).isoformat()

zones = ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Phoenix"]
hours = [{"start": "09:00", "end": "17:00"}]
weekly = {d: hours for d in ("mon", "tue", "wed", "thu", "fri")}
pids = []
for i in range(50):
    z = zones[i % len(zones)]
    p = post("/providers", {"name": f"Provider {i:02d}", "timezone": z})
    pids.append((p["id"], z))
    post(f"/providers/{p['id']}/schedule", {"weekly": weekly}, method="PUT")
svc = post("/services", {"name": "Visit 30 min", "duration_minutes": 30,
                         "provider_ids": [p for p, _ in pids]})["id"]

# tenant-wide: closed the first Monday of every month
post("/holidays", {"name": "Team day", "date": "2026-01-05", "rrule": "FREQ=MONTHLY;BYDAY=1MO"})

n = 0
for i, (pid, z) in enumerate(pids):
    # short hours on the last Friday of every month
    post(f"/providers/{pid}/overrides", {"date": "2026-01-30", "rrule": "FREQ=MONTHLY;BYDAY=-1FR",
                                         "intervals": [{"start": "10:00", "end": "14:00"}],
                                         "note": "Inventory"})
    # an afternoon off on a Monday in March (2nd, 3rd or 4th)
    off = dt.date(2026, 3, 9 + 7 * (i % 3))
    post(f"/providers/{pid}/time-off", {"start": at(z, off, 13), "end": at(z, off, 17),
                                        "reason": "Training"})
    # three bookings a week (Tue, Wed, Thu), 2026-02-02 .. 2026-04-30
    week = dt.date(2026, 2, 2)
    while week <= dt.date(2026, 4, 27):
        for wd, hh in ((1, 10 + i % 3), (2, 11 + i % 4), (3, 13 + i % 3)):
            day = week + dt.timedelta(days=wd)
            n += 1
            post("/bookings", {"service_id": svc, "provider_id": pid, "start": at(z, day, hh),
                               "customer": {"name": f"Customer {n}", "email": f"c{n}@example.com"}},
                 headers={"Idempotency-Key": f"bench-{n}"})
        week += dt.timedelta(days=7)
    # two recurring entries: Mon/Wed/Fri 08:00-08:30 and every other Thursday 16:00-17:00
    post("/entries", {"title": "Morning huddle", "start": at(z, dt.date(2026, 1, 5), 8),
                      "end": at(z, dt.date(2026, 1, 5), 8, 30), "timezone": z,
                      "assignee_ids": [pid], "rrule": "FREQ=WEEKLY;BYDAY=MO,WE,FR"})
    post("/entries", {"title": "Team sync", "start": at(z, dt.date(2026, 1, 8), 16),
                      "end": at(z, dt.date(2026, 1, 8), 17), "timezone": z,
                      "assignee_ids": [pid], "rrule": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"})
print("created: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
print(",".join(p for p, _ in pids))
PY
t1=$(date +%s.%N)
ids=$(tail -n 1 "$work/setup.out")
echo "$(head -n 1 "$work/setup.out") (setup $(printf '%.1f' "$(echo "$t1 - $t0" | bc -l)") s)"

url="$api/calendar?from=2026-03-01&to=2026-03-31&provider_ids=$ids&timezone=America/New_York"
code=$(curl -s -o "$work/calendar.json" -w '%{http_code}' -H "$auth" "$url")
[ "$code" = 200 ] || { echo "GET /v1/calendar got $code: $(head -c 500 "$work/calendar.json")" >&2; exit 1; }
size=$(stat -c %s "$work/calendar.json")
/usr/bin/python3 - "$work/calendar.json" "$size" <<'PY'
import collections, json, sys
d = json.load(open(sys.argv[1]))
k = collections.Counter(x["kind"] for x in d["items"])
print(f"calendar response: {len(d['items'])} items ({', '.join(f'{n} {v}' for n, v in sorted(k.items()))}),"
      f" {int(sys.argv[2])} bytes, {len({x['provider_id'] for x in d['items']})} providers,"
      f" {d['from']} .. {d['to']}")
PY

# nginx: a static file of the response's size
if [ "$use_nginx" = 1 ]; then
  mkdir -p "$work/www"; cp "$work/calendar.json" "$work/www/calendar.json"
  nginx_start
fi

echo "GET /v1/calendar: one month (2026-03-01..31, shown in America/New_York), 50 providers;" \
  "$rounds rounds of ${secs} s, slotd --threads ${THREADS:-1} on core 1, wrk -t1 on core 0"
for conns in $conns_list; do
  for f in r_slotd p50_slotd p99_slotd cpu_slotd r_file p99_file; do : >"$work/$f"; done
  for r in $(seq "$rounds"); do
    profile_now=0
    if [ -n "${PROFILE:-}" ] && [ "$r" = 1 ] && [ "$conns" = "${conns_list%% *}" ]; then profile_now=1; fi
    read -r rps p50 p99 bad total cpu < <(wrk_get "$conns" "$url" "$auth")
    profile_now=0
    [ "$bad" = 0 ] || echo "warning: $bad non-2xx responses from slotd" >&2
    echo "$rps" >>"$work/r_slotd"; echo "$p50" >>"$work/p50_slotd"; echo "$p99" >>"$work/p99_slotd"
    line=$(printf 'c=%-2s round %s  slotd: %7.1f req/s  p50 %7.3f ms  p99 %7.3f ms  %s responses, non-2xx %s, slotd cpu %s us/req' \
      "$conns" "$r" "$rps" "$p50" "$p99" "$total" "$bad" "$cpu")
    if [ "$use_nginx" = 1 ]; then
      read -r frps _ fp99 _ _ _ < <(wrk_get "$conns" "http://127.0.0.1:$nport/calendar.json")
      echo "$frps" >>"$work/r_file"; echo "$fp99" >>"$work/p99_file"
      line=$(printf '%s   nginx file: %8.0f req/s  p99 %6.3f ms' "$line" "$frps" "$fp99")
    fi
    echo "$line"
  done
  s=$(median <"$work/r_slotd")
  printf 'c=%-2s median slotd GET /v1/calendar: %7.1f req/s  p50 %7.3f ms  p99 %7.3f ms  (%.1f MB/s of JSON)\n' \
    "$conns" "$s" "$(median <"$work/p50_slotd")" "$(median <"$work/p99_slotd")" "$(echo "$s * $size / 1000000" | bc -l)"
  if [ "$use_nginx" = 1 ]; then
    g=$(median <"$work/r_file")
    printf 'c=%-2s median nginx same-size file:   %7.0f req/s  p99 %7.3f ms   ratio slotd/nginx-file = %.3f\n' \
      "$conns" "$g" "$(median <"$work/p99_file")" "$(echo "$s / $g" | bc -l)"
  fi
done
