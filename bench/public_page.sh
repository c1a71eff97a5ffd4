#!/usr/bin/env bash
# The public booking page (issue 14) over HTTP with wrk: what one visit asks for.
#   - GET /v1/public/demo                     the page's tenant and service list
#   - GET /v1/public/demo/slots?…             one service ("Follow-up visit", any provider),
#                                             next calendar month, timezone Europe/Berlin
#   - GET /v1/slots?… with the admin key      the same query keyed: the reference for what
#                                             the slug and visitor resolution cost
#   - the public slots again with Accept-Encoding: gzip (as a browser asks)
#   - GET /assets/<main js> with Accept-Encoding: gzip, GET /book/demo (the HTML)
#   - same-run references: nginx's fixed 100-byte answer, nginx serving the gzipped js as a
#     static file (what serving the asset precompressed costs), and slotd's GET /healthz
# slotd (`serve --demo`, --threads 1, rate limits off) and nginx on core 1, wrk on core 0
# (-t1, CONNS connections, 2 s warm-up, then the measured run); ROUNDS rounds, every row once
# per round (public and keyed slots swap places every other round); medians reported, with
# the ratio public slots / keyed slots and the page's files' sizes (raw and gzip) as this
# slotd serves them (the web UI built into it).
# Usage: bench/public_page.sh [build-dir] [seconds-per-run]   (build-release, 3; any order)
#   A build dir without slotd is configured and built as Release first (several minutes).
# Environment: ROUNDS (3), CONNS (8), THREADS (slotd --threads, 1), SLOTD_BIN (a slotd to
# take instead of BUILD-DIR/slotd), PROFILE=FILE with PROFILE_ROW=NAME (a row name below,
# e.g. asset_js_gz) and PERF_OPTS (default -g) to `perf record` slotd during that row's first
# measured run; ONLY=NAME,NAME runs just those rows. Needs wrk, curl and nginx
# (scripts/deps.sh bench). About 2.5 minutes with the defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=bench/lib.sh
. bench/lib.sh

build="build-release"
secs=3
for a in "$@"; do
  if [[ "$a" =~ ^[0-9]+$ ]]; then secs=$a; else build=${a%/}; fi
done
rounds=${ROUNDS:-3}
conns=${CONNS:-8}
for c in wrk nginx curl; do
  command -v "$c" >/dev/null || { echo "needs wrk, curl and nginx: scripts/deps.sh bench" >&2; exit 1; }
done

if [ -n "${SLOTD_BIN:-}" ]; then
  bin=$SLOTD_BIN
else
  bin=$build/slotd
  if [ ! -x "$bin" ]; then
    echo "building a Release slotd in $build"
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DSLOTD_TESTS=OFF -DSLOTD_BENCH=OFF >/dev/null
    cmake --build "$build" -j2 --target slotd >/dev/null
  fi
  type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "$build/CMakeCache.txt" 2>/dev/null || true)
  [ "$type" = Release ] || echo "warning: $build is a ${type:-default} build, not Release" >&2
fi
[ -x "$bin" ] || { echo "no slotd at $bin" >&2; exit 1; }
src_bin=$bin

bench_workdir
private_copy bin

# --- slotd with the demo clinic --------------------------------------------------------------
slotd_start -- --db "sqlite:$work/bench.db" --threads "${THREADS:-1}" --demo
key=$(awk '/admin API key/ {print $4}' "$work/slotd.out")
base=${api%/v1}
# The first public call makes the tenant's link key (one write); done here, not under wrk.
curl -sf "$api/public/demo" >"$work/page.json"
svc=$(/usr/bin/python3 -c '
import json,sys
print([s["id"] for s in json.load(open(sys.argv[1]))["services"] if s["name"]=="Follow-up visit"][0])' \
  "$work/page.json")
from=$(date -u -d "$(date -u +%Y-%m-01) +1 month" +%F)
to=$(date -u -d "$from +1 month -1 day" +%F)
q="service_id=$svc&from=$from&to=$to&timezone=Europe/Berlin"
curl -sf "$api/public/demo/slots?$q" >"$work/pub_slots.json"
curl -sf -H "Authorization: Bearer $key" "$api/slots?$q" >"$work/key_slots.json"
cmp -s "$work/pub_slots.json" "$work/key_slots.json" ||
  echo "warning: public and keyed slots answers differ" >&2
nslots=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["slots"]))' \
  "$work/pub_slots.json")
[ "$nslots" -gt 0 ] || { echo "no slots in $from..$to: nothing to measure" >&2; exit 1; }

# The page's files, as slotd serves them: raw, and gzip with the Content-Encoding it says.
curl -sf "$base/book/demo" >"$work/index.html"
js=$(grep -o 'src="/assets/[^"]*\.js"' "$work/index.html" | head -n 1 | sed 's/^src="//; s/"$//')
[ -n "$js" ] || { echo "no script in /book/demo: is the web UI built into this slotd?" >&2; exit 1; }
assets=$(grep -o '\(src\|href\)="/assets/[^"]*"' "$work/index.html" | sed 's/^[a-z]*="//; s/"$//')
# fetch PATH NAME: $work/NAME.raw and $work/NAME.gz (the gzip answer, or the raw one again
# when slotd did not compress); prints "raw_bytes gzip_bytes encoding"
fetch() {
  local enc
  curl -sf "$base$1" -o "$work/$2.raw"
  enc=$(curl -sf -H 'Accept-Encoding: gzip' -D - "$base$1" -o "$work/$2.gz" |
    tr -d '\r' | awk -F': ' 'tolower($1)=="content-encoding" {print $2}')
  if [ "$enc" = gzip ]; then
    gunzip -c "$work/$2.gz" | cmp -s - "$work/$2.raw" || echo "warning: $1: gzip answer differs from raw" >&2
  fi
  echo "$(stat -c %s "$work/$2.raw") $(stat -c %s "$work/$2.gz") ${enc:-identity}"
}
echo "page files as served by slotd (gzip: Accept-Encoding: gzip; level 4, compressed per request):"
printf '  %-34s %9s %9s %6s  %s\n' file raw gzip gz/raw coding
total_raw=0 total_gz=0 i=0
for p in /book/demo $assets /embed.js; do
  i=$((i + 1))
  read -r r g c < <(fetch "$p" "f$i")
  printf '  %-34s %9d %9d %6.2f  %s\n' "$p" "$r" "$g" "$(echo "$g / $r" | bc -l)" "$c"
  if [ "$p" != /embed.js ]; then total_raw=$((total_raw + r)); total_gz=$((total_gz + g)); fi
done
printf '  %-34s %9d %9d %6.2f\n' "first load (html + assets)" "$total_raw" "$total_gz" \
  "$(echo "$total_gz / $total_raw" | bc -l)"
read -r r g c < <(fetch "/v1/public/demo/slots?$q" slots)
printf '  %-34s %9d %9d %6.2f  %s (%d slots)\n' "public slots, $from..$to" "$r" "$g" \
  "$(echo "$g / $r" | bc -l)" "$c" "$nslots"

# --- nginx references ------------------------------------------------------------------------
mkdir -p "$work/www"
js_no=$(grep -n -x -F "$js" <<<"$assets" | head -n 1 | cut -d: -f1)
cp "$work/f$((js_no + 1)).gz" "$work/www/asset.js.gz"   # f1 is /book/demo
body='{"status":"ok","service":"reference","padding":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"}'
nginx_start "location = /fixed { default_type application/json; return 200 '$body'; }"

# --- the rows: NAME KIND(slotd|nginx) URL HEADER ----------------------------------------------
gz='Accept-Encoding: gzip'
rows=(
  "nginx_fixed|nginx|http://127.0.0.1:$nport/fixed|X-Bench: 1"
  "nginx_js_gz_file|nginx|http://127.0.0.1:$nport/asset.js.gz|X-Bench: 1"
  "healthz|slotd|$base/healthz|X-Bench: 1"
  "page|slotd|$api/public/demo|X-Bench: 1"
  "public_slots|slotd|$api/public/demo/slots?$q|X-Bench: 1"
  "keyed_slots|slotd|$api/slots?$q|Authorization: Bearer $key"
  "public_slots_gz|slotd|$api/public/demo/slots?$q|$gz"
  "asset_js_gz|slotd|$base$js|$gz"
  "book_html|slotd|$base/book/demo|X-Bench: 1"
)
if [ -n "${ONLY:-}" ]; then   # ONLY=name,name: just those rows (for a profile)
  kept=()
  for row in "${rows[@]}"; do [[ ",$ONLY," != *",${row%%|*},"* ]] || kept+=("$row"); done
  rows=("${kept[@]}")
fi
for row in "${rows[@]}"; do : >"$work/r_${row%%|*}"; done

echo
echo "slotd $src_bin --threads ${THREADS:-1} (core 1), wrk -t1 -c$conns (core 0); $rounds rounds of ${secs} s (+2 s warm-up) per row"
echo "slots query: $q"
profiled=
for round in $(seq "$rounds"); do
  order=("${rows[@]}")
  if [ $((round % 2)) = 0 ]; then   # even rounds: keyed slots before public slots
    for i in "${!order[@]}"; do
      case ${order[$i]} in public_slots\|*) pi=$i ;; keyed_slots\|*) ki=$i ;; esac
    done
    if [ -n "${pi:-}" ] && [ -n "${ki:-}" ]; then
      t=${order[pi]} order[pi]=${order[ki]} order[ki]=$t
    fi
  fi
  for row in "${order[@]}"; do
    IFS='|' read -r name kind url hdr <<<"$row"
    profile_now=0   # read by wrk_get (lib.sh)
    # shellcheck disable=SC2034
    if [ -n "${PROFILE:-}" ] && [ "${PROFILE_ROW:-}" = "$name" ] && [ -z "$profiled" ]; then
      profile_now=1 profiled=1
    fi
    read -r rps p50 p99 bad total cpu < <(wrk_get "$conns" "$url" "$hdr")
    [ "$kind" = slotd ] || cpu=-
    [ "$bad" = 0 ] || echo "warning: $name: $bad non-2xx answers" >&2
    echo "$rps $p50 $p99 $bad $total $cpu" >>"$work/r_$name"
    printf 'round %d %-17s %9.0f req/s  p50 %7.3f ms  p99 %7.3f ms  slotd CPU %6s us/req\n' \
      "$round" "$name" "$rps" "$p50" "$p99" "$cpu"
  done
done

col() { awk -v c="$2" '{print $c}' "$work/r_$1" | median; }
has() { [ -s "$work/r_$1" ]; }
ref=
! has nginx_fixed || ref=$(col nginx_fixed 1)
echo
echo "medians ($rounds rounds; c=$conns; the machine is shared, see bench/README.md):"
printf '| %-17s | %9s | %8s | %8s | %11s | %9s | %7s |\n' row req/s "p50 ms" "p99 ms" "CPU us/req" "/ nginx" non-2xx
printf '| %-17s | %9s | %8s | %8s | %11s | %9s | %7s |\n' --- ---: ---: ---: ---: ---: ---:
for row in "${rows[@]}"; do
  name=${row%%|*}
  bad=$(awk '{s += $4} END {print s}' "$work/r_$name")
  vs=-
  [ -z "$ref" ] || vs=$(printf '%.3f' "$(echo "$(col "$name" 1) / $ref" | bc -l)")
  printf '| %-17s | %9.0f | %8.3f | %8.3f | %11s | %9s | %7s |\n' "$name" "$(col "$name" 1)" \
    "$(col "$name" 2)" "$(col "$name" 3)" "$(col "$name" 6)" "$vs" "$bad"
done
if has public_slots && has keyed_slots; then
  pub=$(col public_slots 1) keyd=$(col keyed_slots 1)
  per_round=$(paste -d' ' "$work/r_public_slots" "$work/r_keyed_slots" | awk '{print $1 / $7}' | median)
  printf '\npublic slots / keyed slots: %.3f (ratio of medians; median of per-round ratios %.3f)\n' \
    "$(echo "$pub / $keyd" | bc -l)" "$per_round"
  cp_=$(col public_slots 6) ck=$(col keyed_slots 6)
  printf 'slotd CPU per request: public %s us, keyed %s us (slug + visitor resolution: %+d us)\n' \
    "$cp_" "$ck" "$((cp_ - ck))"
fi
if has asset_js_gz && has nginx_js_gz_file; then
  printf 'asset js gzip: slotd %.0f req/s vs nginx serving the same gzip bytes as a file %.0f req/s (%.3f)\n' \
    "$(col asset_js_gz 1)" "$(col nginx_js_gz_file 1)" "$(echo "$(col asset_js_gz 1) / $(col nginx_js_gz_file 1)" | bc -l)"
fi
