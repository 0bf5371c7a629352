#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Configures and builds wizfi250d into build/ (the binary is build/wizfi250d).
#   scripts/build.sh [--werror] [cmake --build options, e.g. --target wizfi250d]
# --werror turns compiler warnings into errors (the project's own checks); a plain build never
# fails on a warning. The tests are built when GoogleTest is installed (scripts/install-deps.sh
# --test). Compiler jobs: as many as cores and memory allow (scripts/build-jobs.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
configure=(-DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}")
if [ "${1:-}" = "--werror" ]; then
  configure+=(-DWIZFI250D_WERROR=ON)
  shift
fi
jobs=$(scripts/build-jobs.sh)
available_mib=$(awk '/^MemAvailable:/ { print int($2 / 1024) }' /proc/meminfo)
if [ "$available_mib" -lt 640 ] && "${CXX:-c++}" --version 2>/dev/null | grep -q 'Free Software'; then
  # Less memory than one job of the usual build needs (a 512 MB board): no debug information,
  # and g++ collects its garbage more often. That lowers the peak of the largest file from
  # about 470 MiB to about 260-300 MiB, at some cost in time.
  configure=(-DCMAKE_BUILD_TYPE=Release
    -DCMAKE_CXX_FLAGS="--param ggc-min-expand=10 --param ggc-min-heapsize=32768" "${configure[@]:1}")
  echo "build: ${available_mib} MiB available: one compiler job, Release build with a smaller heap" >&2
fi
cmake -S . -B build "${configure[@]}" >/dev/null
cmake --build build -j"$jobs" "$@"
