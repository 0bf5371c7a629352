#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets (tests/fuzz) in the `asan` preset's directory (build-asan/:
# clang, AddressSanitizer, UndefinedBehaviorSanitizer, the core library with coverage) and runs
# each one for a bounded time (default 15 s each), starting from the seed corpora in
# tests/fuzz/corpus/. Fails on any crash, leak, timeout or out-of-memory; the input that did it
# is kept in build-asan/fuzz-artifacts/ and its path printed.
#
#   scripts/check-fuzz.sh            # 15 s per target (scripts/test.sh gives 10)
#   scripts/check-fuzz.sh 600        # the longer run of docs/reliability.md
#   FUZZ_TARGETS="fuzz_profile fuzz_frame" scripts/check-fuzz.sh 60
#   FUZZ_ARGS="-detect_leaks=0" scripts/check-fuzz.sh 600  # extra libFuzzer flags, all targets
#
# New inputs that fuzzing finds go to build-asan/fuzz-corpus/<target>/, not into the
# repository. A summary (executions per target) is printed and written to
# build-asan/fuzz-summary.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-15}"
build="build-asan"
all_targets=(fuzz_module fuzz_at_parser fuzz_data_pump fuzz_profile fuzz_wpa_parser fuzz_frame fuzz_web fuzz_mqtt)
read -r -a targets <<<"${FUZZ_TARGETS:-${all_targets[*]}}"

scripts/install-deps.sh --test
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$(JOB_MIB=900 scripts/build-jobs.sh)" --target fuzz_targets

mkdir -p "$build/fuzz-artifacts" "$build/fuzz-logs"
summary="$build/fuzz-summary.txt"
printf '%-16s %8s %12s %10s %8s %s\n' target seconds executions exec/s corpus result >"$summary"
failed=()
for target in "${targets[@]}"; do
  work="$build/fuzz-corpus/$target"
  mkdir -p "$work"
  log="$build/fuzz-logs/$target.log"
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096
    -print_final_stats=1 -artifact_prefix="$build/fuzz-artifacts/$target-")
  case "$target" in
    fuzz_module | fuzz_at_parser) options+=(-dict=tests/fuzz/at.dict) ;;
  esac
  read -r -a extra <<<"${FUZZ_ARGS:-}"
  options+=("${extra[@]}")
  echo "== $target: ${seconds} s"
  status=0
  ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:${ASAN_OPTIONS:-}" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}" \
    "$build/fuzz/$target" "${options[@]}" "$work" "tests/fuzz/corpus/$target" >"$log" 2>&1 ||
    status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  corpus=$(find "$work" -type f | wc -l)
  if [ "$status" -eq 0 ]; then
    result=ok
  else
    result="FAILED (exit $status)"
    failed+=("$target")
    echo "---- $target: last lines of $log ----"
    tail -60 "$log"
    grep -h 'Test unit written to' "$log" || true
  fi
  printf '%-16s %8s %12s %10s %8s %s\n' "$target" "$seconds" "${execs:-?}" "${rate:-?}" \
    "$corpus" "$result" | tee -a "$summary"
done

echo
cat "$summary"
if [ ${#failed[@]} -gt 0 ]; then
  echo "check-fuzz: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "check-fuzz: all ${#targets[@]} targets ran ${seconds} s each without a finding"
