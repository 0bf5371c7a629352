#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Lists the tests of the last ctest run in BUILD_DIR that skipped, each with the reason it gave
# (GTEST_SKIP() << "..."), read from ctest's log of the tests' output. ctest itself only names
# them. Prints nothing when nothing skipped.
#   scripts/ctest-skips.sh [BUILD_DIR]        default: build
set -euo pipefail
log="${1:-build}/Testing/Temporary/LastTest.log"
[ -f "$log" ] || exit 0
awk '
  # Each test in the log: "N/M Test: NAME", then its output up to "<end of output>".
  / Test: / { name = $NF; reason = ""; in_reason = 0; next }
  /: Skipped$/ { in_reason = 1; next }
  /^\[  SKIPPED \]/ {
    if (name != "") {
      sub(/\n$/, "", reason)
      printf "  %s: %s\n", name, (reason == "" ? "(no reason given)" : reason)
      skipped++
      name = ""
    }
    in_reason = 0
    next
  }
  in_reason { reason = reason (reason == "" ? "" : " / ") $0; next }
  END { if (skipped > 0) printf "%d test(s) skipped (reasons above)\n", skipped }
' "$log" | { out=$(cat); [ -z "$out" ] || printf 'Skipped tests and why:\n%s\n' "$out"; }
