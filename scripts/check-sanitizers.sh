#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer (the `asan` preset of
# CMakePresets.json: Debug, build-asan/) and runs the whole ctest suite under them. The
# conformance tests spawn the asan-built daemon, which inherits the options below: a leak at its
# shutdown makes it abort, and the harness reports that as a failed stop.
#
#   scripts/check-sanitizers.sh                     # unit, conformance, integration (root)
#   scripts/check-sanitizers.sh -E '^integration\.' # extra arguments go to ctest
#
# tests/sanitizers/suppressions.txt (LeakSanitizer) lists third-party false positives only,
# each with its reason.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test
start=$(date +%s)
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$(nproc)"
built=$(date +%s)

suppressions="$PWD/tests/sanitizers/suppressions.txt"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
if [ -s "$suppressions" ]; then
  export LSAN_OPTIONS="suppressions=$suppressions:print_suppressions=0"
fi

status=0
(cd build-asan && ctest --output-on-failure --timeout 600 -j2 "$@") || status=$?
end=$(date +%s)
echo "check-sanitizers: build $((built - start)) s, tests $((end - built)) s"
if [ "$status" -ne 0 ]; then
  echo "check-sanitizers: FAILED (ctest exit $status): see the sanitizer reports above" >&2
fi
exit "$status"
