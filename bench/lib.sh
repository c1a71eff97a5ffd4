# shellcheck shell=bash disable=SC2034
# (sourced: the variables it sets are read by the scripts)
# Shared steps of the HTTP benchmarks (http_slots.sh, http_bookings.sh, http_calendar.sh),
# sourced after `cd` to the repository root. Conventions: slotd and nginx run on core 1, wrk
# on core 0; the scripts' own state lives in these globals:
#   build, secs  the arguments (bench_args)          work, pids  temp dir, background jobs
#   bin          the slotd binary                    sport, spid, api  slotd (slotd_start)
#   db, key      the database and tenant API key     nport  nginx (nginx_start)

# bench_args ARG...: [build-dir] [seconds-per-run], in any order (defaults: build, 10); a
# relative build dir is taken from the repository root. Sets build and secs.
bench_args() {
  build=build
  secs=10
  local a
  for a in "$@"; do
    if [ -d "$a" ]; then build=${a%/}
    elif [[ "$a" =~ ^[0-9]+$ ]]; then secs=$a
    else echo "usage: $0 [build-dir] [seconds-per-run]" >&2; exit 2; fi
  done
}

# bench_workdir: a temp dir $work, removed on exit with every job listed in $pids killed.
bench_workdir() {
  work=$(mktemp -d)
  pids=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}
bench_cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}

# private_copy VAR...: copies the binary each VAR names into $work and points VAR at the copy,
# so that a rebuild during the run does not change what is measured. Not when PROFILE is set:
# perf report needs the binary where it ran.
private_copy() {
  local v
  [ -z "${PROFILE:-}" ] || return 0
  for v in "$@"; do
    cp "${!v}" "$work/$(basename "${!v}")"
    printf -v "$v" '%s' "$work/$(basename "${!v}")"
  done
}

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# tenant_create [ENV...]: a fresh database $work/slotd.db with tenant "bench"; ENV: env(1)
# operands for `slotd tenant create` (-u NAME, NAME=VALUE). Sets db and key.
tenant_create() {
  db="sqlite:$work/slotd.db"
  key=$(env "$@" "$bin" tenant create bench --db "$db" | tail -n 1)
}

# slotd_start [ENV...] -- SERVE_OPTION...: `slotd serve` on core 1 on a free port, with the env(1)
# operands ENV (rate limits are off unless ENV says SLOTD_RATE_LIMITS=on), output in
# $work/slotd.{out,err}; waits until it listens (5 s at most, else exits). Sets sport, spid
# and api (http://127.0.0.1:PORT/v1).
slotd_start() {
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  # One key sends every request: rate limits off unless ENV sets them (after env's options).
  [[ " ${envs[*]} " == *" SLOTD_RATE_LIMITS="* ]] || envs+=(SLOTD_RATE_LIMITS=off)
  sport=$(free_port)
  env "${envs[@]}" taskset -c 1 "$bin" serve --listen "127.0.0.1:$sport" "$@" \
    >"$work/slotd.out" 2>"$work/slotd.err" &
  spid=$!
  pids+=("$spid")
  for _ in $(seq 50); do grep -q listening "$work/slotd.out" 2>/dev/null && break; sleep 0.1; done
  grep -q listening "$work/slotd.out" || { echo "slotd did not start:" >&2; cat "$work/slotd.err" >&2; exit 1; }
  api="http://127.0.0.1:$sport/v1"
}

# demo_slots_url: after slotd_start with --demo, prints the URL of a 7-day GET /v1/slots
# for the demo's "Follow-up visit" and its first provider, a week from today.
demo_slots_url() {
  local key svc prv from to
  key=$(awk '/admin API key/ {print $4}' "$work/slotd.out")
  read -r svc prv < <(curl -sf -H "Authorization: Bearer $key" "$api/services" | /usr/bin/python3 -c '
import json,sys
s=[x for x in json.load(sys.stdin)["data"] if x["name"]=="Follow-up visit"][0]
print(s["id"], s["provider_ids"][0])')
  from=$(date -u -d "+7 days" +%F); to=$(date -u -d "+13 days" +%F)
  echo "$api/slots?service_id=$svc&provider_id=$prv&from=$from&to=$to"
}

# json_field NAME: a top-level field of the JSON document on stdin
json_field() { /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# api_call METHOD PATH BODY: a JSON request to slotd with the admin key ($api, $key); prints
# the answer, fails on an error status.
api_call() {
  curl -sf -X "$1" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    --data "$3" "$api$2"
}

# open_all_week PROVIDER_ID: weekly hours 00:00-24:00 every day.
open_all_week() {
  local day='[{"start":"00:00","end":"24:00"}]'
  api_call PUT "/providers/$1/schedule" \
    "{\"weekly\":{\"mon\":$day,\"tue\":$day,\"wed\":$day,\"thu\":$day,\"fri\":$day,\"sat\":$day,\"sun\":$day}}" >/dev/null
}

# CPU time of slotd so far, in microseconds (user + system, all its threads)
cpu_us() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) * 1000000 / hz}' "/proc/$spid/stat"; }

# nginx_start [LOCATION...]: nginx (one worker, core 1) on a free port serving $work/www
# (create it and put the files in first) as application/json, with the extra location blocks
# LOCATION (one line each) before it. Sets nport.
nginx_start() {
  local locations=
  nport=$(free_port)
  [ $# = 0 ] || locations=$(printf '    %s\n' "$@")
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
${locations}
    location / { root $work/www; default_type application/json; }
  }
}
CONF
  taskset -c 1 nginx -c "$work/nginx.conf" &
  pids+=($!)
  sleep 0.5
}

# An awk function: wrk's latency ("812.00us", "1.23ms", "2.01s") in milliseconds.
wrk_to_ms='function ms(v) { if (v ~ /us$/) {sub(/us/,"",v); return v/1000} if (v ~ /ms$/) {sub(/ms/,"",v); return v+0} if (v ~ /s$/) {sub(/s/,"",v); return v*1000} return v }'

# wrk_socket_errors WHAT: a warning on stderr when the wrk run in $work/wrk.out had socket errors.
wrk_socket_errors() {
  if grep -q 'Socket errors' "$work/wrk.out"; then
    echo "warning: wrk $1: $(grep 'Socket errors' "$work/wrk.out" | sed 's/^ *//')" >&2
  fi
}

# wrk_get CONNS URL [HEADER] -> "rps p50_ms p99_ms non2xx requests slotd_cpu_us_per_request":
# wrk -t1 on core 0, 2 s warm-up, then $secs s with --latency. PROFILE=FILE: perf records
# slotd during the measured run when $profile_now is 1.
wrk_get() {
  local conns=$1 url=$2 hdr=${3:-X-Bench: 1}
  local c0 c1 perfpid=
  taskset -c 0 wrk -t1 -c"$conns" -d2s -H "$hdr" "$url" >/dev/null 2>&1
  if [ "${profile_now:-0}" = 1 ]; then
    perf record ${PERF_OPTS:--g} -p "$spid" -o "$PROFILE" -- sleep "$secs" >/dev/null 2>&1 &
    perfpid=$!
  fi
  c0=$(cpu_us)
  taskset -c 0 wrk -t1 -c"$conns" -d"${secs}s" --latency -H "$hdr" "$url" >"$work/wrk.out" 2>&1
  c1=$(cpu_us)
  [ -z "$perfpid" ] || wait "$perfpid" || true
  wrk_socket_errors "c=$conns"
  awk -v cpu="$(echo "$c1 - $c0" | bc -l)" "$wrk_to_ms"'
    /Requests\/sec/ {rps=$2}
    / requests in / {total=$1}
    $1=="50%" {p50=ms($2)}
    $1=="99%" {p99=ms($2)}
    /Non-2xx/ {bad=$NF}
    END {printf "%s %s %s %s %s %.0f\n", rps, p50, p99, (bad==""?0:bad), total, (total>0?cpu/total:0)}' "$work/wrk.out"
}
