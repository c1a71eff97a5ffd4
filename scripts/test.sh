#!/usr/bin/env bash
# Installs what is missing, builds, runs every fuzz target briefly over its seed corpus
# (clang's libFuzzer, about a minute in all), then the whole test suite twice: unit and API
# tests of an AddressSanitizer/UBSan build first, then of the normal build. Ends with ctest's
# summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
jobs=$(nproc)

CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLOTD_FUZZ=ON \
  -DSLOTD_TESTS=OFF -DSLOTD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j"$jobs" >/dev/null
scripts/fuzz.sh build-fuzz 10

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSLOTD_ASAN=ON -DSLOTD_BENCH=OFF >/dev/null
cmake --build build-asan -j"$jobs" >/dev/null
ctest --test-dir build-asan --output-on-failure

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs" >/dev/null
ctest --test-dir build --output-on-failure
