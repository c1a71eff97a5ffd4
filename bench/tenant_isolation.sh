#!/usr/bin/env bash
# Tenant isolation: tenant B's latency alone and while tenant A floods the most expensive
# slot query it can build (see tenant_isolation.py for the world and the figures printed).
# Usage: bench/tenant_isolation.sh [build-dir]           (default build)
# Environment: PROVIDERS (200), HOLIDAYS (500), RECURRING (5 per provider), FLOOD (4 clients),
# SAMPLES (200 requests of tenant B), SLOTD_BIN (BUILD-DIR/slotd). Under scripts/pg.sh run,
# the server uses PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
export SLOTD_BIN=${SLOTD_BIN:-$build/slotd}
[ -x "$SLOTD_BIN" ] || { echo "build slotd first (cmake --build $build)" >&2; exit 1; }
exec /usr/bin/python3 bench/tenant_isolation.py
