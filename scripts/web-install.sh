#!/bin/sh
# Installs the web UI's locked npm packages into web/node_modules (npm ci), unless they are
# already installed from the current lockfile: npm ci empties node_modules first, which would
# pull it from under another build or a browser test running at the same moment.
set -eu
cd "$(dirname "$0")/../web"
if [ -f node_modules/.package-lock.json ] && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  exit 0
fi
exec npm ci --no-audit --no-fund --loglevel=error
