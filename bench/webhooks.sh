#!/usr/bin/env bash
# Webhook delivery (src/notify) to a local receiver: nginx answering 200 to POST /h/* and
# logging "$msec $http_webhook_id $uri" for each request; dead endpoints are a socket that
# accepts connections and never answers.
#   - reference: the receiver's own rate for the same request (wrk POST, 8 connections, the
#     per-endpoint limit), measured in the same run
#   - throughput, one endpoint: EVENTS provider.created events are written with the worker
#     off (slotd --notify off), then slotd restarts with it on; deliveries/s from the first to
#     the last delivery in nginx's log
#   - throughput, 50 endpoints of which 10 are dead: EVENTS/40 events, each to all 50;
#     deliveries/s of the 40 healthy ones
#   - lag from commit to delivery (p50/p99): providers created at RATE/s for $secs s, each
#     write's answer to nginx's log of its webhook; with one endpoint, then with the 50 of
#     which 10 are dead (lag of the healthy ones)
# slotd on core 1, nginx and wrk on core 0. Rounds: ROUNDS (3), medians reported.
# Usage: bench/webhooks.sh [build-dir] [seconds-per-run]   (build, 10; in any order)
# Environment: ROUNDS (3), EVENTS (20000), RATE (200), SLOTD_BIN (BUILD-DIR/slotd)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
bench_args "$@"
rounds=${ROUNDS:-3}
events=${EVENTS:-20000}
rate=${RATE:-200}
bin=${SLOTD_BIN:-$build/slotd}
[ -x "$bin" ] || { echo "build slotd first (cmake --build $build)" >&2; exit 1; }
command -v wrk >/dev/null && command -v nginx >/dev/null ||
  { echo "needs wrk and nginx: scripts/deps.sh bench" >&2; exit 1; }
helper="/usr/bin/python3 bench/webhooks.py"

bench_workdir
private_copy bin

# --- the receiver --------------------------------------------------------------------------
nport=$(free_port)
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 4096; }
http {
  log_format hook '\$msec \$http_webhook_id \$uri';
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work;
  uwsgi_temp_path $work; scgi_temp_path $work;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nport;
    location /h/ { access_log $work/hook.log hook buffer=256k flush=100ms; return 200 '{"ok":true}'; }
    location / { access_log off; return 404; }
  }
}
CONF
taskset -c 0 nginx -c "$work/nginx.conf" &
pids+=($!)
dport=$(free_port)
/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4096)
while True: time.sleep(3600)' "$dport" &
pids+=($!)
sleep 0.5
hook="http://127.0.0.1:$nport/h"
dead="http://127.0.0.1:$dport/dead"

body='{"type":"provider.created","timestamp":"2026-12-03T12:00:00Z","data":{"id":"prv_01m8xvkh4t5tnatw66vq","name":"Dr A","timezone":"UTC","email":null,"auto_confirm":true,"max_per_day":null,"metadata":{},"created_at":"2026-12-03T12:00:00Z","updated_at":"2026-12-03T12:00:00Z","version":1}}'
cat >"$work/ref.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["webhook-id"] = "evt_reference"
LUA
cat >"$work/providers.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"name":"Bench provider","timezone":"UTC"}'
wrk.headers["Content-Type"] = "application/json"
LUA

reference() {
  taskset -c 1 wrk -t1 -c8 -d"$secs" -s "$work/ref.lua" "$hook/ref" \
    >"$work/wrk.out" 2>&1 || true
  awk '/Requests\/sec/ {printf "%.0f", $2}' "$work/wrk.out"
}

# fresh N: a fresh database with tenant "bench" and N queued provider.created events (the
# worker off while they are written); endpoints as ENDPOINT_URLS says.
fresh() {
  local n=$1
  rm -f "$work"/slotd.db*
  tenant_create
  slotd_start SLOTD_WEBHOOK_ALLOW_PRIVATE=1 -- --db "$db" --notify off
  # shellcheck disable=SC2086
  $helper endpoints "$api" "$key" $ENDPOINT_URLS
  taskset -c 0 wrk -t1 -c8 -d60s -s "$work/providers.lua" -H "Authorization: Bearer $key" \
    "$api/providers" >"$work/gen.out" 2>&1 &
  local w=$!
  until [ "$(queued_events)" -ge "$n" ]; do
    sleep 0.2
  done
  kill "$w" 2>/dev/null; wait "$w" 2>/dev/null || true
  kill "$spid"; wait "$spid" 2>/dev/null || true
  queued=$(queued_events)
}
queued_events() {
  sqlite3 "$work/slotd.db" "SELECT count(*) FROM notify_queue q JOIN events e ON
    e.tenant_id = q.tenant_id AND e.seq = q.seq WHERE e.type = 'provider.created'" \
    2>/dev/null || echo 0
}

# deliver PREFIXES N: slotd with the worker on until nginx logged N requests on PREFIXES;
# prints "deliveries_per_s"
deliver() {
  : >"$work/hook.log"
  slotd_start SLOTD_WEBHOOK_ALLOW_PRIVATE=1 -- --db "$db"
  $helper rate "$work/hook.log" "$2" $1 | awk '{print $1}'
  kill "$spid"; wait "$spid" 2>/dev/null || true
}

one_ep="$hook/one"
healthy=""
for i in $(seq 40); do healthy="$healthy $hook/e$i"; done
many=$healthy
for i in $(seq 10); do many="$many $dead/$i"; done
small=$((events / 40))

declare -a ref one fifty lag1 lag40 lag50
for r in $(seq "$rounds"); do
  ref+=("$(reference)")
  ENDPOINT_URLS=$one_ep fresh "$events"
  one+=("$(deliver /h/one "$queued")")
  ENDPOINT_URLS=$many fresh "$small"
  fifty+=("$(deliver /h/e "$((queued * 40))")")
  # lag: one endpoint
  : >"$work/hook.log"
  rm -f "$work"/slotd.db*
  tenant_create
  slotd_start SLOTD_WEBHOOK_ALLOW_PRIVATE=1 -- --db "$db"
  $helper endpoints "$api" "$key" "$hook/lag"
  lag1+=("$($helper lag "$api" "$key" "$work/hook.log" "$rate" "$secs" /h/lag)")
  kill "$spid"; wait "$spid" 2>/dev/null || true
  # lag: 40 healthy, then 40 healthy + 10 dead, measured on one healthy endpoint
  for set in healthy many; do
    : >"$work/hook.log"
    rm -f "$work"/slotd.db*
    tenant_create
    slotd_start SLOTD_WEBHOOK_ALLOW_PRIVATE=1 -- --db "$db"
    # shellcheck disable=SC2086
    $helper endpoints "$api" "$key" ${!set}
    v=$($helper lag "$api" "$key" "$work/hook.log" "$((rate / 10))" "$secs" /h/e1)
    if [ $set = healthy ]; then lag40+=("$v"); else lag50+=("$v"); fi
    kill "$spid"; wait "$spid" 2>/dev/null || true
  done
  echo "round $r: reference ${ref[-1]} req/s; one endpoint ${one[-1]} deliveries/s;" \
       "50 (10 dead) ${fifty[-1]} healthy deliveries/s; lag p50/p99/max ms: one" \
       "${lag1[-1]% *}, 40 ${lag40[-1]% *}, 40+10 dead ${lag50[-1]% *}" >&2
done

med() { printf '%s\n' "$@" | median; }
col() { local i=$1; shift; for x in "$@"; do echo "$x" | awk -v i="$i" '{print $i}'; done | median; }
echo "webhooks (medians of $rounds rounds; slotd on core 1, nginx and wrk on core 0)"
printf '  receiver reference (wrk POST, 8 conns):     %8s req/s\n' "$(med "${ref[@]}")"
printf '  one endpoint, %6s events:               %8s deliveries/s (%.2fx the reference)\n' \
  "$events" "$(med "${one[@]}")" "$(echo "$(med "${one[@]}") $(med "${ref[@]}")" | awk '{print $1/$2}')"
printf '  50 endpoints (10 dead), %5s events:      %8s healthy deliveries/s\n' \
  "$small" "$(med "${fifty[@]}")"
printf '  lag commit->delivery, one endpoint, %s/s:  p50 %s ms  p99 %s ms\n' "$rate" \
  "$(col 1 "${lag1[@]}")" "$(col 2 "${lag1[@]}")"
printf '  lag, 40 healthy endpoints, %s/s x 40:        p50 %s ms  p99 %s ms\n' "$((rate / 10))" \
  "$(col 1 "${lag40[@]}")" "$(col 2 "${lag40[@]}")"
printf '  lag, 40 healthy + 10 dead, %s/s x 50:       p50 %s ms  p99 %s ms (a healthy one)\n' \
  "$((rate / 10))" "$(col 1 "${lag50[@]}")" "$(col 2 "${lag50[@]}")"
