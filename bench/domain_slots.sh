#!/usr/bin/env bash
# What business hours and session types cost GET /v1/slots (one provider, 7 days, c32):
#   base   an earlier build (before them), on the demo clinic
#   new    this build, on the demo clinic (no business hours, no reserved intervals)
#   rules  this build with both in force on the queried provider: tenant business hours
#          Mon-Fri 08:00-18:00 in the provider's zone, and a week whose morning is reserved
#          for the queried service and whose afternoon for another one
# Interleaved rounds on fresh databases; medians of req/s, p99 and slotd CPU per request,
# the ratios to base, and nginx's fixed 100-byte answer as the same-run reference. The
# rules answer has fewer slots than the demo's, so compare CPU per request with that in mind.
# Usage: bench/domain_slots.sh BASE_BUILD_DIR NEW_BUILD_DIR [seconds-per-run]  (10)
# Environment: ROUNDS (3), CONNS (32). Needs wrk and nginx (scripts/deps.sh bench).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
[ $# -ge 2 ] || { echo "usage: $0 BASE_BUILD_DIR NEW_BUILD_DIR [seconds-per-run]" >&2; exit 2; }
base_bin=$1/slotd new_bin=$2/slotd secs=${3:-10} rounds=${ROUNDS:-3} conns=${CONNS:-32}
for b in "$base_bin" "$new_bin"; do [ -x "$b" ] || { echo "no $b" >&2; exit 1; }; done
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "needs wrk and nginx: scripts/deps.sh bench" >&2; exit 1; }
bench_workdir
cp "$base_bin" "$work/slotd-base"; cp "$new_bin" "$work/slotd-new"   # rebuilds do not matter
nginx_start "location = /fixed { default_type application/json; return 200 '{\"status\":\"ok\",\"service\":\"reference\",\"padding\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}'; }"

# rules URL: business hours and reserved intervals for the provider and service of URL
rules() {
  local svc prv tz other
  svc=$(sed 's/.*service_id=\([^&]*\).*/\1/' <<<"$1")
  prv=$(sed 's/.*provider_id=\([^&]*\).*/\1/' <<<"$1")
  tz=$(curl -sf -H "Authorization: Bearer $key" "$api/providers/$prv" | json_field timezone)
  other=$(curl -sf -H "Authorization: Bearer $key" "$api/services" | /usr/bin/python3 -c '
import json,sys
print([s["id"] for s in json.load(sys.stdin)["data"] if s["id"] != sys.argv[1]][0])' "$svc")
  local day="[{\"start\":\"09:00\",\"end\":\"12:00\",\"service_ids\":[\"$svc\"]},{\"start\":\"13:00\",\"end\":\"17:00\",\"service_ids\":[\"$other\"]},{\"start\":\"17:00\",\"end\":\"19:00\"}]"
  api_call PUT "/providers/$prv/schedule" \
    "{\"weekly\":{\"mon\":$day,\"tue\":$day,\"wed\":$day,\"thu\":$day,\"fri\":$day}}" >/dev/null
  local bh='[{"start":"08:00","end":"18:00"}]'
  api_call PUT /business-hours \
    "{\"timezone\":\"$tz\",\"weekly\":{\"mon\":$bh,\"tue\":$bh,\"wed\":$bh,\"thu\":$bh,\"fri\":$bh}}" >/dev/null
}

n=0
# run WHICH: one measured round; appends "rps p99 cpu_us_per_request slots" to $work/WHICH
run() {
  local url slots
  n=$((n + 1))
  rm -f "$work/slotd.out"
  if [ "$1" = base ]; then bin=$work/slotd-base; else bin=$work/slotd-new; fi
  slotd_start -- --db "sqlite:$work/$n.db" --threads 1 --demo --log-level warn
  url=$(demo_slots_url)
  key=$(awk '/admin API key/ {print $4}' "$work/slotd.out")
  [ "$1" != rules ] || rules "$url"
  slots=$(curl -sf -H "Authorization: Bearer $key" "$url" | /usr/bin/python3 -c '
import json,sys; print(len(json.load(sys.stdin)["slots"]))')
  read -r rps _ p99 bad _ cpu < <(wrk_get "$conns" "$url" "Authorization: Bearer $key")
  [ "$bad" = 0 ] || { echo "$1: $bad non-2xx answers:" >&2; cat "$work/wrk.out" >&2; exit 1; }
  kill "$spid"; wait "$spid" 2>/dev/null || true
  echo "$rps $p99 $cpu $slots" >>"$work/$1"
  printf '%-5s %8.0f req/s  p99 %6.3f ms  %5.0f us CPU/request  %3d slots\n' "$1" "$rps" "$p99" "$cpu" "$slots"
}

: >"$work/base"; : >"$work/new"; : >"$work/rules"; : >"$work/fixed"
echo "GET /v1/slots c=$conns, $rounds interleaved rounds of ${secs} s: base $1, new $2"
for i in $(seq "$rounds"); do
  if [ $((i % 2)) = 1 ]; then run base; run new; run rules; else run rules; run new; run base; fi
  spid=$$   # wrk_get samples the CPU time of $spid; slotd is not running now
  read -r f _ _ _ _ _ < <(wrk_get "$conns" "http://127.0.0.1:$nport/fixed"); echo "$f" >>"$work/fixed"
done
col() { awk -v c="$2" '{print $c}' "$work/$1" | median; }
f=$(median <"$work/fixed")
echo "medians:"
for w in base new rules; do
  printf '%-5s %8.0f req/s  p99 %6.3f ms  %5.0f us CPU/request  %s slots  req/s vs base %.3f  vs nginx %.2f\n' \
    "$w" "$(col "$w" 1)" "$(col "$w" 2)" "$(col "$w" 3)" "$(col "$w" 4)" \
    "$(echo "$(col "$w" 1) / $(col base 1)" | bc -l)" "$(echo "$(col "$w" 1) / $f" | bc -l)"
done
printf 'nginx fixed 100 B (reference): %8.0f req/s\n' "$f"
