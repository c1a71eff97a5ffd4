#!/usr/bin/env bash
# Installs what is missing, builds, runs every fuzz target briefly over its seed corpus
# (clang's libFuzzer, about a minute and a half in all) and the concurrency API tests under
# ThreadSanitizer, the unit and API tests (SQLite and PostgreSQL) of an AddressSanitizer/UBSan
# build, then the unit tests and the browser tests of the web UI (Chromium) of the normal
# build. The API suite runs once, under the sanitizers: a second run on the normal build took
# a quarter of an hour and found nothing the first did not. Ends with ctest's summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
jobs=$(nproc)

CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLOTD_FUZZ=ON \
  -DSLOTD_TESTS=OFF -DSLOTD_BENCH=OFF -DSLOTD_WEB=OFF >/dev/null
cmake --build build-fuzz -j"$jobs" >/dev/null
scripts/fuzz.sh build-fuzz 10

# The fuzz and ThreadSanitizer builds leave the web UI out (-DSLOTD_WEB=OFF): their tests do
# not reach it. The browser tests run once, with the normal build's ctest.
# ThreadSanitizer over the concurrency tests (booking races, several processes on one
# PostgreSQL database, event order); any report fails the run. Only third-party code is
# suppressed (scripts/tsan-suppressions.txt).
cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLOTD_TSAN=ON -DSLOTD_TESTS=OFF \
  -DSLOTD_BENCH=OFF -DSLOTD_WEB=OFF >/dev/null
cmake --build build-tsan -j"$jobs" --target slotd >/dev/null
root=$(pwd)
rm -rf build-tsan/tsan-reports && mkdir build-tsan/tsan-reports
(cd tests/api &&
  TSAN_OPTIONS="suppressions=$root/scripts/tsan-suppressions.txt log_path=$root/build-tsan/tsan-reports/tsan" \
  SLOTD_BIN="$root/build-tsan/slotd" "$root/scripts/pg.sh" run /usr/bin/python3 -m pytest -q \
  -p no:cacheprovider test_booking_race.py test_scale_out.py test_event_order.py)
if ls build-tsan/tsan-reports/tsan.* >/dev/null 2>&1; then
  cat build-tsan/tsan-reports/tsan.*
  echo "test.sh: ThreadSanitizer reported data races (above)" >&2
  exit 1
fi

cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSLOTD_ASAN=ON -DSLOTD_TESTS=ON -DSLOTD_BENCH=OFF >/dev/null
cmake --build build-asan -j"$jobs" >/dev/null
# The SQLite and PostgreSQL API suites share nothing (each its own databases, servers and
# ports), so they run side by side: together they are most of this script's time.
ctest --test-dir build-asan --output-on-failure --no-tests=error -j"$jobs"

# SLOTD_TESTS=ON explicitly: ./scripts/run.sh configures the same build directory without tests.
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLOTD_TESTS=ON -DSLOTD_BROWSER_TESTS=ON >/dev/null
cmake --build build -j"$jobs" >/dev/null
ctest --test-dir build --output-on-failure --no-tests=error --exclude-regex '^api(_pg)?$'
