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
# A skip in the form scripts/ctest-skips.sh reads (GoogleTest's), then ctest's skip code.
skip() {
  printf 'browser.web_config: Skipped\n%s\n[  SKIPPED ] browser.web_config\n' "$1"
  exit 77
}
[ -x "$chromium" ] || skip "$chromium is missing (scripts/install-deps.sh --test installs chromium)"
command -v node >/dev/null || skip "node is missing (scripts/install-deps.sh --test installs nodejs)"
if [ ! -f node_modules/playwright-core/package.json ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
exec node web_flow.mjs "$binary"
