#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The data path's cost as a count, not a timing: wizfi250d runs under callgrind in data mode
# (data_flush = timer, bulk bytes without '+') and moves 2 MiB, then 6 MiB, serial -> TCP and
# TCP -> serial, and in command mode eight sockets send 2 MiB, then 6 MiB, in all to the serial
# side as receive frames; the difference over 4 MiB is the user-space instructions per MiB of
# each. Each must stay under its ceiling in bench/datapath-cost-ceiling.txt (the figure
# measured when the ceiling was set, plus a margin for the pty's and TCP's varying read sizes).
# A change that makes every byte dearer fails here; one that makes it cheaper may lower the
# ceiling.
#
#   scripts/check-datapath-cost.sh [--binary PATH]   (default build/wizfi250d)
#
# Needs valgrind and a C++17 compiler (scripts/install-deps.sh --test). Takes about 6 s (once
# wizbench is built).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binary="$root/build/wizfi250d"
if [ "${1:-}" = "--binary" ]; then binary=$2; fi
[ -x "$binary" ] || { echo "check-datapath-cost: no $binary (build first)" >&2; exit 1; }
for tool in valgrind c++; do
  command -v "$tool" >/dev/null || { echo "check-datapath-cost: $tool is missing" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/wizfi250d-cost.XXXXXX")
trap 'rm -rf "$work"' EXIT
wizbench="$root/build/bench/wizbench"
if [ ! -x "$wizbench" ] || [ "$root/bench/wizbench.cpp" -nt "$wizbench" ]; then
  mkdir -p "$(dirname "$wizbench")"
  c++ -std=c++17 -O2 -Wall -Wextra -o "$wizbench" "$root/bench/wizbench.cpp" -lutil
fi
"$wizbench" cost --daemon "$binary" --out "$work" --targets wiz-timer,wiz-8sock \
  --tests s2t,t2s,cmd8 --cost-mib 2,6 --callgrind-only >"$work/figures" 2>"$work/log" || { cat "$work/log" >&2; exit 1; }

status=0
while read -r metric ceiling; do
  case "$metric" in ''|'#'*) continue ;; esac
  value=$(awk -v m="$metric" '$2 == m { print $3 }' "$work/figures")
  if [ -z "$value" ]; then
    echo "check-datapath-cost: no $metric measured" >&2
    status=1
  elif [ "$value" -gt "$ceiling" ]; then
    echo "check-datapath-cost: $metric = $value, above the ceiling $ceiling" >&2
    status=1
  else
    echo "check-datapath-cost: $metric = $value (ceiling $ceiling)"
  fi
done <"$root/bench/datapath-cost-ceiling.txt"
exit $status
