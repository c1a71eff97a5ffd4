#!/usr/bin/env bash
# GET /v1/slots (7-day window) over HTTP with wrk, against nginx in the same run:
#   - nginx returning a fixed 100-byte JSON body (request overhead reference, the goal's base)
#   - nginx serving a static file as large as slotd's response (payload reference)
# Server on core 1, wrk on core 0; 2 s warm-up; 3 interleaved rounds; medians reported.
# Usage: bench/http_slots.sh [seconds-per-run] (default 10). Needs: wrk, nginx (scripts/deps.sh bench).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-10}
rounds=${ROUNDS:-3}
bin=${SLOTD_BIN:-build/slotd}
[ -x "$bin" ] || { echo "build slotd first (cmake --build build)" >&2; exit 1; }
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "needs wrk and nginx: scripts/deps.sh bench" >&2; exit 1; }

work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# slotd with the demo clinic
sport=$(free_port)
taskset -c 1 "$bin" serve --db "sqlite:$work/bench.db" --listen "127.0.0.1:$sport" --threads ${THREADS:-1} --demo \
  >"$work/slotd.out" 2>"$work/slotd.err" &
pids+=($!)
for _ in $(seq 50); do grep -q listening "$work/slotd.out" 2>/dev/null && break; sleep 0.1; done
key=$(awk '/admin API key/ {print $4}' "$work/slotd.out")
auth="Authorization: Bearer $key"
read -r svc prv < <(curl -sf -H "$auth" "http://127.0.0.1:$sport/v1/services" | /usr/bin/python3 -c '
import json,sys
d=json.load(sys.stdin)["data"]
s=[x for x in d if x["name"]=="Follow-up visit"][0]
print(s["id"], s["provider_ids"][0])')
from=$(date -u -d "+7 days" +%F); to=$(date -u -d "+13 days" +%F)
slots_url="http://127.0.0.1:$sport/v1/slots?service_id=$svc&provider_id=$prv&from=$from&to=$to"
curl -sf -H "$auth" "$slots_url" >"$work/slots.json"
nslots=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["slots"]))' "$work/slots.json")
size=$(stat -c %s "$work/slots.json")

# nginx: fixed 100-byte body and a static file of the response's size
nport=$(free_port)
body='{"status":"ok","service":"reference","padding":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}'
mkdir -p "$work/www"; cp "$work/slots.json" "$work/www/slots.json"
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx.pid;
error_log $work/nginx.err;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work;
  uwsgi_temp_path $work; scgi_temp_path $work;
  server {
    listen 127.0.0.1:$nport;
    location = /fixed { default_type application/json; return 200 '$body'; }
    location / { root $work/www; default_type application/json; }
  }
}
CONF
taskset -c 1 nginx -c "$work/nginx.conf" &
pids+=($!)
sleep 0.5

# run NAME CONNS URL [HEADER] -> "rps p99_ms"
run() {
  local conns=$2 url=$3 hdr=${4:-X-Bench: 1}
  taskset -c 0 wrk -t1 -c"$conns" -d2s -H "$hdr" "$url" >/dev/null 2>&1
  taskset -c 0 wrk -t1 -c"$conns" -d"${secs}s" --latency -H "$hdr" "$url" >"$work/wrk.out" 2>&1
  awk '
    /Requests\/sec/ {rps=$2}
    $1=="99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v=v*1000}; p99=v}
    /Non-2xx/ {bad=$NF}
    END {printf "%s %s %s\n", rps, p99, (bad==""?0:bad)}' "$work/wrk.out"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "slots response: $nslots slots, $size bytes (7-day window, one provider)"
for conns in 32 256; do
  : >"$work/r_slotd"; : >"$work/r_fixed"; : >"$work/r_file"; : >"$work/p_slotd"
  for r in $(seq "$rounds"); do
    read -r rps p99 bad < <(run slotd "$conns" "$slots_url" "$auth")
    [ "$bad" = 0 ] || echo "warning: $bad non-2xx responses from slotd" >&2
    echo "$rps" >>"$work/r_slotd"; echo "$p99" >>"$work/p_slotd"
    read -r rps _ _ < <(run fixed "$conns" "http://127.0.0.1:$nport/fixed"); echo "$rps" >>"$work/r_fixed"
    read -r rps _ _ < <(run file "$conns" "http://127.0.0.1:$nport/slots.json"); echo "$rps" >>"$work/r_file"
  done
  s=$(median <"$work/r_slotd"); f=$(median <"$work/r_fixed"); g=$(median <"$work/r_file"); p=$(median <"$work/p_slotd")
  printf 'c=%-3s slotd GET /v1/slots: %10.0f req/s  p99 %6.3f ms   (rounds: %s)\n' "$conns" "$s" "$p" "$(tr '\n' ' ' <"$work/r_slotd")"
  printf 'c=%-3s nginx fixed 100 B:   %10.0f req/s   ratio slotd/nginx = %.2f\n' "$conns" "$f" "$(echo "$s / $f" | bc -l)"
  printf 'c=%-3s nginx same-size file:%10.0f req/s   ratio slotd/nginx-file = %.2f\n' "$conns" "$g" "$(echo "$s / $g" | bc -l)"
done
