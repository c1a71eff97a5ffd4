#!/usr/bin/env bash
# Installs what is missing, builds, and starts slotd on the embedded SQLite default with the
# demo clinic loaded. Extra arguments go to `slotd serve` (e.g. --listen 0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh build
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLOTD_TESTS=OFF -DSLOTD_BENCH=OFF >/dev/null
cmake --build build -j"$(nproc)" --target slotd >/dev/null
exec ./build/slotd serve --demo "$@"
