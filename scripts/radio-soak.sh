#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Soak on a real radio (not in CI): the daemon on a mac80211_hwsim radio inside the VM of
# scripts/vm/run-in-vm.sh, eight TCP sockets to an echo server over the air, random payloads
# (every byte checked), random AT commands, and the AP going away and coming back at random
# (tests/radio/soak_test.cpp). Prints "rss <seconds> <kB>" samples of the daemon's VmRSS and a
# summary; exit status 0 only when every byte matched and the daemon lived.
#
#   scripts/radio-soak.sh 10                    # build/, 10 minutes
#   BUILD_DIR=build-asan scripts/radio-soak.sh 5
set -euo pipefail
cd "$(dirname "$0")/.."

minutes="${1:?usage: scripts/radio-soak.sh MINUTES}"
build="${BUILD_DIR:-build}"
binary="$build/tests/radio/radio_tests"
[ -x "$binary" ] || { echo "radio-soak: $binary not found; build the radio_tests target" >&2; exit 2; }
timeout_s=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 + 240 }')
exec scripts/vm/run-in-vm.sh --radios 4 --timeout "$timeout_s" \
  --env WIZFI250D_SOAK_MINUTES="$minutes" --env WIZFI250D_RADIO_REQUIRED=1 \
  -- "$PWD/$binary" --gtest_also_run_disabled_tests --gtest_filter='RadioSoak.*'
