#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Benchmarks wizfi250d against socat and ser2net on this machine and writes docs/benchmarks.md
# and docs/benchmarks/*.png.
#
#   bench/run.sh                 full run (5 rounds, about 16 minutes on an idle 2-core machine,
#                                the Release build included)
#   bench/run.sh --smoke         seconds, tiny transfers, into a temporary directory: checks that
#                                everything still runs and the output parses; asserts nothing
#                                about speed; never touches docs/
#   bench/run.sh --binary PATH   use this wizfi250d instead of building build-release/
#   bench/run.sh --out DIR       keep the raw results in DIR (default build-release/bench/last-run)
#   bench/run.sh --wait-idle MIN wait up to MIN minutes for the 1-minute load average to drop
#                                below half the number of cores before measuring
#   bench/run.sh --report-only   no measuring: docs/benchmarks.md and the plots again from the
#                                last run's results (after editing bench/analysis.md)
#   bench/run.sh -- ARGS         passes ARGS to wizbench (e.g. -- --rounds 3 --no-ser2net)
#
# Needs: a C++17 compiler and cmake (scripts/install-deps.sh), socat; for the full run also
# ser2net and python3-matplotlib (apt-get install socat ser2net python3-matplotlib).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
smoke=0
binary=""
out=""
wait_idle=0
report_only=0
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --binary) binary=$2; shift ;;
    --out) out=$2; shift ;;
    --wait-idle) wait_idle=$2; shift ;;
    --report-only) report_only=1 ;;
    --) shift; extra=("$@"); break ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

note() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

# ---- what is needed -----------------------------------------------------------------------------
command -v c++ >/dev/null || die "no C++ compiler (scripts/install-deps.sh installs one)"
peer_args=()
if [ $report_only -eq 0 ]; then
  command -v socat >/dev/null || die "socat is missing (apt-get install socat)"
fi
if [ $report_only -eq 0 ] && ! command -v ser2net >/dev/null; then
  [ $smoke -eq 1 ] || die "ser2net is missing (apt-get install ser2net)"
  note "ser2net is not installed: the smoke run skips it"
  peer_args+=(--no-ser2net)
fi
python=""
for p in /usr/bin/python3 python3; do
  if command -v "$p" >/dev/null && "$p" -c 'import matplotlib' 2>/dev/null; then
    python=$p
    break
  fi
done
if [ -z "$python" ]; then
  [ $smoke -eq 1 ] || die "python3-matplotlib is missing (apt-get install python3-matplotlib)"
  note "python3-matplotlib is not installed: the smoke run draws no plots"
fi

# ---- build ----------------------------------------------------------------------------------------
build="$root/build-release"
if [ $report_only -eq 1 ]; then
  [ -n "$python" ] || die "python3-matplotlib is missing (apt-get install python3-matplotlib)"
  out=${out:-"$build/bench/last-run"}
  [ -f "$out/results.tsv" ] || die "no results in $out: run bench/run.sh first"
  wizbench="$build/bench/wizbench"
  if [ ! -x "$wizbench" ] || [ "$root/bench/wizbench.cpp" -nt "$wizbench" ]; then
    c++ -std=c++17 -O2 -Wall -Wextra -o "$wizbench" "$root/bench/wizbench.cpp" -lutil
  fi
  "$wizbench" report "$out" --append "$root/bench/analysis.md"
  "$python" "$root/bench/plot.py" "$out"
  "$wizbench" check "$out"
  mkdir -p "$root/docs/benchmarks"
  cp "$out/benchmarks.md" "$root/docs/benchmarks.md"
  cp "$out/benchmarks/throughput.png" "$out/benchmarks/latency.png" "$root/docs/benchmarks/"
  note "wrote docs/benchmarks.md and docs/benchmarks/*.png from $out"
  exit 0
fi
if [ -z "$binary" ]; then
  command -v cmake >/dev/null || die "cmake is missing (scripts/install-deps.sh)"
  note "building $build (Release)"
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DWIZFI250D_BUILD_TESTS=OFF >/dev/null
  cmake --build "$build" --target wizfi250d -j"$(nproc)" >/dev/null
  binary="$build/wizfi250d"
fi
[ -x "$binary" ] || die "$binary is not an executable"
mkdir -p "$build/bench"
wizbench="$build/bench/wizbench"
if [ ! -x "$wizbench" ] || [ "$root/bench/wizbench.cpp" -nt "$wizbench" ]; then
  note "building $wizbench"
  c++ -std=c++17 -O2 -Wall -Wextra -o "$wizbench" "$root/bench/wizbench.cpp" -lutil
fi

# ---- where the results go -------------------------------------------------------------------------
tmp=""
cleanup() { if [ -n "$tmp" ]; then rm -rf "$tmp"; fi; }
trap cleanup EXIT
if [ $smoke -eq 1 ]; then
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/wizfi250d-bench-smoke.XXXXXX")
  out="$tmp"
  mode_args=(--smoke)
else
  out=${out:-"$build/bench/last-run"}
  rm -rf "$out"
  mkdir -p "$out"
  mode_args=(--append "$root/bench/analysis.md")
fi

git_rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || true)
if [ -n "$git_rev" ] && [ -n "$(git -C "$root" status --porcelain -- src include daemon CMakeLists.txt 2>/dev/null)" ]; then
  git_rev="$git_rev + uncommitted changes"
fi

if [ $smoke -eq 0 ] && [ "$wait_idle" != 0 ]; then
  cores=$(nproc)
  deadline=$(( $(date +%s) + wait_idle * 60 ))
  while :; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    if awk -v l="$load" -v c="$cores" 'BEGIN { exit !(l < c / 2) }'; then break; fi
    if [ "$(date +%s)" -ge "$deadline" ]; then note "load is still $load; measuring anyway"; break; fi
    note "load average $load: waiting for the machine to calm down"
    sleep 20
  done
fi
load=$(cut -d' ' -f1 /proc/loadavg)
if [ $smoke -eq 0 ] && awk -v l="$load" -v c="$(nproc)" 'BEGIN { exit !(l >= c / 2) }'; then
  note "warning: load average $load on $(nproc) cores; other work will skew the numbers"
fi

# ---- measure ----------------------------------------------------------------------------------------
note "measuring into $out"
if ! "$wizbench" run --daemon "$binary" --out "$out" --git "$git_rev" \
  "${mode_args[@]}" "${peer_args[@]}" ${extra[@]+"${extra[@]}"}; then
  for log in "$out"/work/*/log; do
    [ -s "$log" ] || continue
    echo "---- $log (last lines)" >&2
    tail -n 20 "$log" >&2
  done
  die "the benchmark failed"
fi
if [ -n "$python" ]; then
  "$python" "$root/bench/plot.py" "$out"
fi
"$wizbench" check "$out"
rm -rf "$out/work"

if [ $smoke -eq 1 ]; then
  note "smoke run ok (numbers from a smoke run mean nothing)"
  exit 0
fi
mkdir -p "$root/docs/benchmarks"
cp "$out/benchmarks.md" "$root/docs/benchmarks.md"
cp "$out/benchmarks/throughput.png" "$out/benchmarks/latency.png" "$root/docs/benchmarks/"
note "wrote docs/benchmarks.md and docs/benchmarks/*.png; raw results in $out"
