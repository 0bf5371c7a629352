#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The browser test of the web configuration pages: headless Chromium (Debian's chromium)
# driven by playwright-core, which is installed from the npm registry into
# tests/browser/node_modules (exactly the version of package-lock.json) when it is missing.
#
#   tests/browser/run.sh build/wizfi250d
#
# Exits 77 (a skip for ctest) with the reason when chromium or node is missing;
# scripts/install-deps.sh --test installs both.
set -euo pipefail
binary=$(realpath "$1")
cd "$(dirname "$0")"
chromium=${WIZFI250D_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
  echo "skip: $chromium is missing (scripts/install-deps.sh --test installs chromium)"
  exit 77
fi
if ! command -v node >/dev/null; then
  echo "skip: node is missing (scripts/install-deps.sh --test installs nodejs)"
  exit 77
fi
if [ ! -f node_modules/playwright-core/package.json ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
exec node web_flow.mjs "$binary"
