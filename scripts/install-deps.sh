#!/usr/bin/env bash
# Installs exactly what package-lock.json pins. `npm ci` first; where the registry serves no builds of
# other platforms' optional binaries (swc, msgpackr-extract), the lock cannot list them and `npm ci`
# refuses it, so fall back to `npm install`, which keeps the lock's versions and leaves the file as is.
set -uo pipefail
cd "$(dirname "$0")/.."
if npm ci --no-audit --no-fund 2>.npm-ci.err; then
  rm -f .npm-ci.err
  exit 0
fi
if grep -q 'Missing: .* from lock file' .npm-ci.err; then
  echo "install-deps: npm ci refused the lock (optional binaries of other platforms unavailable here); using npm install" >&2
  rm -f .npm-ci.err
  exec npm install --no-audit --no-fund
fi
cat .npm-ci.err >&2
rm -f .npm-ci.err
exit 1
