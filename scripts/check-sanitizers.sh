#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds everything with clang, AddressSanitizer and UndefinedBehaviorSanitizer (the `asan`
# preset of CMakePresets.json, build-asan/; the libFuzzer targets are built there too) and runs
# the whole ctest suite under them. The conformance and integration tests spawn the asan-built
# daemon, which inherits the options below: a leak at its exit makes it abort, and the harness
# reports that as a failed stop with the LeakSanitizer report from the daemon's log.
#
#   scripts/check-sanitizers.sh                      # unit, conformance, integration (root)
#   scripts/check-sanitizers.sh -R '^conformance\.'  # extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test
start=$(date +%s)
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$(JOB_MIB=900 scripts/build-jobs.sh)"
built=$(date +%s)

export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"

status=0
(cd build-asan && ctest --output-on-failure --timeout 600 -j2 "$@") || status=$?
end=$(date +%s)
echo "check-sanitizers: build $((built - start)) s, tests $((end - built)) s"
if [ "$status" -ne 0 ]; then
  echo "check-sanitizers: FAILED (ctest exit $status): see the sanitizer reports above" >&2
fi
exit "$status"
