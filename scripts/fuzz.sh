#!/usr/bin/env bash
# Runs every fuzz target of a SLOTD_FUZZ build over its seed corpus (fuzz/corpus/<name>/) for
# a fixed time and prints executions and coverage per target; fails when any target finds a
# crash (the input is kept in BUILD_DIR/fuzz-artifacts/). New inputs go to a scratch
# directory, never into the committed corpus.
# Usage: fuzz.sh BUILD_DIR [seconds-per-target]   (default: 100 s shared by all targets)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [seconds-per-target]" >&2; exit 2; }
build=$(cd "$1" && pwd)
targets=()
for exe in "$build"/fuzz/fuzz_*; do
  [ -x "$exe" ] && targets+=("$exe")
done
[ ${#targets[@]} -gt 0 ] || { echo "fuzz.sh: no fuzz targets in $build/fuzz" >&2; exit 1; }
secs=${2:-$((100 / ${#targets[@]}))}
[ "$secs" -ge 1 ] || secs=1

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
artifacts="$build/fuzz-artifacts"
mkdir -p "$artifacts"
failed=0
for exe in "${targets[@]}"; do
  name=${exe##*/fuzz_}
  mkdir -p "$scratch/$name"
  log="$scratch/$name.log"
  rc=0
  "$exe" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/$name-" "$scratch/$name" "fuzz/corpus/$name" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(sed -n 's/^#[0-9]*.* cov: \([0-9]*\).*/\1/p' "$log" | tail -1)
  if [ "$rc" -eq 0 ]; then
    printf 'fuzz %-16s %10s executions  cov %s\n' "$name" "${execs:-?}" "${cov:-?}"
  else
    printf 'fuzz %-16s FAILED (exit %d); the last lines of its log:\n' "$name" "$rc"
    grep -v '^#[0-9]' "$log" | tail -30
    failed=1
  fi
done
exit $failed
