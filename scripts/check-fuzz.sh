#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang into build-fuzz/ and runs each one for a
# bounded time (default 20 s each), starting from the seed corpora in tests/fuzz/corpus/.
# Fails on any crash, leak, timeout or out-of-memory; the input that did it is kept in
# build-fuzz/artifacts/ and its path printed.
#
#   scripts/check-fuzz.sh            # 20 s per target (CI)
#   scripts/check-fuzz.sh 600        # the longer run of docs/reliability.md
#   FUZZ_TARGETS="fuzz_profile fuzz_frame" scripts/check-fuzz.sh 60
#
# New inputs that fuzzing finds go to build-fuzz/corpus/<target>/, not into the repository.
# A summary (executions per target) is printed and written to build-fuzz/fuzz-summary.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-20}"
build="build-fuzz"
all_targets=(fuzz_module fuzz_at_parser fuzz_data_pump fuzz_profile fuzz_wpa_parser fuzz_frame)
read -r -a targets <<<"${FUZZ_TARGETS:-${all_targets[*]}}"

# clang and its libFuzzer/sanitizer runtimes (Debian: clang, libclang-rt-14-dev).
fuzzer_links() {
  command -v clang++ >/dev/null || return 1
  local tmp rc=0
  tmp=$(mktemp -d)
  printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' \
    >"$tmp/t.cpp"
  clang++ -fsanitize=fuzzer,address,undefined "$tmp/t.cpp" -o "$tmp/t" >/dev/null 2>&1 || rc=$?
  rm -rf "$tmp"
  return "$rc"
}
if ! fuzzer_links; then
  echo "check-fuzz: installing clang and libclang-rt-14-dev"
  sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  if ! "${sudo[@]}" apt-get install -y --no-install-recommends clang libclang-rt-14-dev; then
    "${sudo[@]}" apt-get update
    "${sudo[@]}" apt-get install -y --no-install-recommends clang libclang-rt-14-dev
  fi
fi

configure=(-S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++
  -DCMAKE_C_COMPILER=clang -DWIZFI250D_BUILD_TESTS=OFF -DWIZFI250D_FUZZ=ON)
# Until the top CMakeLists.txt adds tests/fuzz itself, a project include adds it.
if ! grep -q 'tests/fuzz' CMakeLists.txt; then
  configure+=("-DCMAKE_PROJECT_wizfi250d_INCLUDE=$PWD/tests/fuzz/standalone.cmake")
fi
cmake "${configure[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_targets

mkdir -p "$build/artifacts" "$build/logs"
summary="$build/fuzz-summary.txt"
printf '%-16s %8s %12s %10s %8s %s\n' target seconds executions exec/s corpus result >"$summary"
failed=()
for target in "${targets[@]}"; do
  work="$build/corpus/$target"
  mkdir -p "$work"
  log="$build/logs/$target.log"
  options=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=4096
    -print_final_stats=1 -artifact_prefix="$build/artifacts/$target-")
  case "$target" in
    fuzz_module | fuzz_at_parser) options+=(-dict=tests/fuzz/at.dict) ;;
  esac
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
