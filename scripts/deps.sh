#!/usr/bin/env bash
# Installs the Debian 12 packages slotd needs that are missing. Usage: deps.sh [build|test|bench]
set -euo pipefail

if [ "${1:-}" = "--check-node" ]; then
  # Vite 7 and playwright-core need Node.js 20.19 or later.
  v=$(node -p 'process.versions.node')
  IFS=. read -r major minor _ <<<"$v"
  if [ "$major" -lt 20 ] || { [ "$major" -eq 20 ] && [ "$minor" -lt 19 ]; }; then
    echo "deps.sh: the web UI needs Node.js 20.19 or later; this machine has $v (Debian 12's" \
         "own nodejs is 18). Install Node.js 20 or later (e.g. NodeSource's nodejs package), or" \
         "build without the web UI: cmake -DSLOTD_WEB=OFF" >&2
    exit 1
  fi
  exit 0
fi

build_pkgs=(build-essential cmake pkg-config libmicrohttpd-dev libjansson-dev libical-dev
            libsqlite3-dev libpq-dev libsodium-dev zlib1g-dev libcurl4-openssl-dev tzdata
            libxml2-dev)  # libxml2: the CalDAV servers' XML answers (external calendars)
test_pkgs=(libcmocka-dev python3 python3-pytest python3-requests python3-jsonschema postgresql)
test_pkgs+=(clang)    # libFuzzer, for the fuzz targets (scripts/fuzz.sh)
test_pkgs+=(openssl)  # the TLS tests make a self-signed certificate
test_pkgs+=(prometheus)  # promtool checks what GET /metrics renders
test_pkgs+=(python3-aiosmtpd python3-icalendar)  # the mail receiver; invitations parsed
test_pkgs+=(chromium fonts-dejavu-core)  # the browser tests of the web UI (web/tests)
test_pkgs+=(radicale)  # a real CalDAV server for the external-calendar tests
bench_pkgs=(wrk nginx-light)

want=("${build_pkgs[@]}")
case "${1:-build}" in
  build) ;;
  test) want+=("${test_pkgs[@]}") ;;
  bench) want+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
  *) echo "usage: $0 [build|test|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# The web UI is built with Node.js and npm (web/package-lock.json). A machine that already
# has them (Debian's packages or another build of Node.js) keeps its own.
command -v node >/dev/null && command -v npm >/dev/null || missing+=(nodejs npm)
[ ${#missing[@]} -eq 0 ] && exec "$0" --check-node

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "deps.sh: run as root to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
exec "$0" --check-node
