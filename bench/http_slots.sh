#!/usr/bin/env bash
# GET /v1/slots (7-day window) over HTTP with wrk, against nginx in the same run:
#   - nginx returning a fixed 100-byte JSON body (request overhead reference, the goal's base)
#   - nginx serving a static file as large as slotd's response (payload reference)
# Server on core 1, wrk on core 0; 2 s warm-up; 3 interleaved rounds; medians reported.
# Usage: bench/http_slots.sh [build-dir] [seconds-per-run]   (build, 10; in any order)
# Environment: ROUNDS (3), THREADS (slotd --threads, 1), SLOTD_BIN (BUILD-DIR/slotd).
# Needs: wrk, nginx (scripts/deps.sh bench).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_args "$@"
rounds=${ROUNDS:-3}
bin=${SLOTD_BIN:-$build/slotd}
[ -x "$bin" ] || { echo "build slotd first (cmake --build $build)" >&2; exit 1; }
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "needs wrk and nginx: scripts/deps.sh bench" >&2; exit 1; }

bench_workdir

# slotd with the demo clinic
slotd_start -- --db "sqlite:$work/bench.db" --threads "${THREADS:-1}" --demo
slots_url=$(demo_slots_url)
key=$(awk '/admin API key/ {print $4}' "$work/slotd.out")
auth="Authorization: Bearer $key"
curl -sf -H "$auth" "$slots_url" >"$work/slots.json"
nslots=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["slots"]))' "$work/slots.json")
size=$(stat -c %s "$work/slots.json")

# nginx: fixed 100-byte body and a static file of the response's size
body='{"status":"ok","service":"reference","padding":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}'
mkdir -p "$work/www"; cp "$work/slots.json" "$work/www/slots.json"
nginx_start "location = /fixed { default_type application/json; return 200 '$body'; }"

echo "slots response: $nslots slots, $size bytes (7-day window, one provider)"
for conns in 32 256; do
  : >"$work/r_slotd"; : >"$work/r_fixed"; : >"$work/r_file"; : >"$work/p_slotd"; : >"$work/u_slotd"
  for r in $(seq "$rounds"); do
    read -r rps _ p99 bad _ cpu < <(wrk_get "$conns" "$slots_url" "$auth")
    [ "$bad" = 0 ] || echo "warning: $bad non-2xx responses from slotd" >&2
    echo "$rps" >>"$work/r_slotd"; echo "$p99" >>"$work/p_slotd"; echo "$cpu" >>"$work/u_slotd"
    read -r rps _ _ _ _ _ < <(wrk_get "$conns" "http://127.0.0.1:$nport/fixed"); echo "$rps" >>"$work/r_fixed"
    read -r rps _ _ _ _ _ < <(wrk_get "$conns" "http://127.0.0.1:$nport/slots.json"); echo "$rps" >>"$work/r_file"
  done
  s=$(median <"$work/r_slotd"); f=$(median <"$work/r_fixed"); g=$(median <"$work/r_file"); p=$(median <"$work/p_slotd"); u=$(median <"$work/u_slotd")
  printf 'c=%-3s slotd GET /v1/slots: %10.0f req/s  p99 %6.3f ms  slotd CPU %4.0f us/request   (rounds: %s)\n' "$conns" "$s" "$p" "$u" "$(tr '\n' ' ' <"$work/r_slotd")"
  printf 'c=%-3s nginx fixed 100 B:   %10.0f req/s   ratio slotd/nginx = %.2f\n' "$conns" "$f" "$(echo "$s / $f" | bc -l)"
  printf 'c=%-3s nginx same-size file:%10.0f req/s   ratio slotd/nginx-file = %.2f\n' "$conns" "$g" "$(echo "$s / $g" | bc -l)"
done
