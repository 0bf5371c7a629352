#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The browser tests of the web configuration pages: headless Chromium (Debian's chromium)
# driven by playwright-core, which is installed from the npm registry into
# tests/browser/node_modules (exactly the version of package-lock.json) when it is missing.
#
#   tests/browser/run.sh web_flow.mjs build/wizfi250d                  (on loopback)
#   tests/browser/run.sh radio_flow.mjs scripts/vm/run-in-vm.sh build/tests/radio/radio_tests
#                                                                      (through the VM's radio)
#
# Exits 77 (a skip for ctest) with the reason when chromium or node is missing;
# scripts/install-deps.sh --test installs both.
set -euo pipefail
flow=$1
shift
# Paths given relative to the caller's directory still name the same files from here.
args=()
for arg in "$@"; do
  if [ -e "$arg" ]; then args+=("$(realpath "$arg")"); else args+=("$arg"); fi
done
cd "$(dirname "$0")"
chromium=${WIZFI250D_CHROMIUM:-/usr/bin/chromium}
# A skip in the form scripts/ctest-skips.sh reads (GoogleTest's), then ctest's skip code.
skip() {
  printf '%s: Skipped\n%s\n[  SKIPPED ] %s\n' "$flow" "$1" "$flow"
  exit 77
}
[ -x "$chromium" ] || skip "$chromium is missing (scripts/install-deps.sh --test installs chromium)"
command -v node >/dev/null || skip "node is missing (scripts/install-deps.sh --test installs nodejs)"
if [ ! -f node_modules/playwright-core/package.json ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
exec node "$flow" "${args[@]}"
