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
# The same runs count the daemon's functions that ran but lie outside the block of hot
# functions at the start of its code (daemon/hot-functions.txt, daemon/link.cmake): each one
# keeps up to 64 KB more of the executable resident. That count has a ceiling too; when new
# code on the start-up or data path exceeds it, --update-hot-functions rewrites the list from
# these runs and from the benchmark's transfers under callgrind (give every --binary whose names
# it should hold: the test command's build and the benchmark's Release build inline
# differently).
#
#   scripts/check-datapath-cost.sh [--binary PATH]...   (default build/wizfi250d)
#   scripts/check-datapath-cost.sh --update-hot-functions [--binary PATH]...
#
# Needs valgrind and a C++17 compiler (scripts/install-deps.sh --test). Takes about 6 s (once
# wizbench is built).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
binaries=()
update=false
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binaries+=("$2"); shift 2 ;;
    --update-hot-functions) update=true; shift ;;
    *) echo "check-datapath-cost: unknown option $1" >&2; exit 2 ;;
  esac
done
[ ${#binaries[@]} -gt 0 ] || binaries=("$root/build/wizfi250d")
for binary in "${binaries[@]}"; do
  [ -x "$binary" ] || { echo "check-datapath-cost: no $binary (build first)" >&2; exit 1; }
done
for tool in valgrind c++ nm readelf; do
  command -v "$tool" >/dev/null || { echo "check-datapath-cost: $tool is missing" >&2; exit 1; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/wizfi250d-cost.XXXXXX")
trap 'rm -rf "$work"' EXIT
wizbench="$root/build/bench/wizbench"
if [ ! -x "$wizbench" ] || [ "$root/bench/wizbench.cpp" -nt "$wizbench" ]; then
  mkdir -p "$(dirname "$wizbench")"
  c++ -std=c++17 -O2 -Wall -Wextra -o "$wizbench" "$root/bench/wizbench.cpp" -lutil
fi

# The mangled names of the functions of the executable BINARY that ran, from callgrind's output
# files (in each file, a name is written once, then referred to by its number). valgrind counts
# code outside the .text section as an unknown object ("???"), so the block of hot functions
# is there: names are taken from both and kept if BINARY has them. A complete-object
# constructor or destructor (C1, D1) is an alias of the base-object one (C2, D2), whose name
# its section has.
executed_functions() {
  local binary=$1
  shift
  awk '
    match($0, /^c?ob=\([0-9]+\)/) {
      id = FILENAME SUBSEP substr($0, 5 + ($0 ~ /^cob/), RLENGTH - 5 - ($0 ~ /^cob/))
      if (length($0) > RLENGTH) object[id] = substr($0, RLENGTH + 2)
      if ($0 ~ /^ob=/) daemon = object[id] ~ /(\/wizfi250d[^\/]*|\?\?\?)$/
      next
    }
    match($0, /^c?fn=\([0-9]+\)/) {
      id = FILENAME SUBSEP substr($0, 5 + ($0 ~ /^cfn/), RLENGTH - 5 - ($0 ~ /^cfn/))
      if (length($0) > RLENGTH) name[id] = substr($0, RLENGTH + 2)
      if ($0 ~ /^fn=/ && daemon) ran[id] = 1
    }
    END { for (id in ran) print name[id] }
  ' "$@" | sed "s/'.*//" | grep -E '^[A-Za-z_][A-Za-z0-9_.$]*$' |
    sed -e 'p' -e 's/C1E/C2E/; s/D1E/D2E/' | sort -u |
    awk 'FILENAME != "-" { known[$3] = 1; next } $1 in known' <(nm "$binary") -
}

status=0
round=0
for binary in "${binaries[@]}"; do
  round=$((round + 1))
  out="$work/$round"
  mkdir -p "$out"
  VALGRIND_OPTS="--demangle=no" "$wizbench" cost --daemon "$binary" --out "$out" \
    --targets wiz-timer,wiz-8sock --tests s2t,t2s,cmd8 --cost-mib 2,6 --callgrind-only \
    >"$out/figures" 2>"$out/log" || { cat "$out/log" >&2; exit 1; }
  if $update; then
    # The list also takes what runs in the benchmark's transfers of pseudo-random bytes (the
    # path that watches for "+++"), with the daemon under callgrind through a wrapper.
    mkdir -p "$out/transfers"
    printf '#!/bin/sh\nexec valgrind --tool=callgrind --demangle=no --callgrind-out-file=%s/cg.%%p %s "$@"\n' \
      "$out/transfers" "$(realpath "$binary")" >"$out/daemon-under-callgrind"
    chmod +x "$out/daemon-under-callgrind"
    "$wizbench" run --daemon "$out/daemon-under-callgrind" --out "$out/run" \
      --targets wiz-timer,wiz-immediate --tests s2t,t2s,both --rounds 1 --periods 200 \
      --no-costs --no-socat --no-ser2net >"$out/run.log" 2>&1 || { cat "$out/run.log" >&2; exit 1; }
    executed_functions "$binary" "$out"/work/*/callgrind.out "$out"/transfers/cg.* >"$out/executed"
    continue
  fi
  executed_functions "$binary" "$out"/work/*/callgrind.out >"$out/executed"

  # Functions that ran outside the hot block: their symbols' addresses (nm's 16 hex digits,
  # compared as strings) are not in its section.
  read -r hot_start hot_size < <(readelf -SW "$binary" |
    sed -n 's/.* \.text\.hot_functions  *PROGBITS  *\([0-9a-f]*\) [0-9a-f]* \([0-9a-f]*\) .*/\1 \2/p')
  hot_end=$(printf '%016x' $((16#${hot_start:-0} + 16#${hot_size:-0})))
  hot_start=$(printf '%016x' $((16#${hot_start:-0})))
  nm "$binary" | awk -v start="x$hot_start" -v end="x$hot_end" '
    FILENAME == ARGV[1] { ran[$1] = 1; next }
    ($3 in ran) && $2 ~ /^[tTwW]$/ && (("x" $1) < start || ("x" $1) >= end) { print $3 }
  ' "$out/executed" - | sort -u >"$out/outside"
  echo "hot_functions_outside $(wc -l <"$out/outside")" >>"$out/figures"

  while read -r metric ceiling; do
    case "$metric" in ''|'#'*) continue ;; esac
    value=$(awk -v m="$metric" '$2 == m { print $3 } $1 == m { print $2 }' "$out/figures")
    if [ -z "$value" ]; then
      echo "check-datapath-cost: no $metric measured" >&2
      status=1
    elif [ "${value%.*}" -gt "$ceiling" ]; then
      echo "check-datapath-cost: $metric = $value, above the ceiling $ceiling" >&2
      [ "$metric" = hot_functions_outside ] && {
        echo "check-datapath-cost: these ran outside the hot block (--update-hot-functions):" >&2
        c++filt <"$out/outside" | sed 's/^/  /' >&2
      }
      status=1
    else
      echo "check-datapath-cost: $metric = $value (ceiling $ceiling)"
    fi
  done <"$root/bench/datapath-cost-ceiling.txt"
done

if $update; then
  list="$root/daemon/hot-functions.txt"
  {
    sed -n '/^#/p' "$list"
    sort -u "$work"/*/executed
  } >"$list.new"
  mv "$list.new" "$list"
  echo "check-datapath-cost: $(grep -vc '^#' "$list") functions in $list"
fi
exit $status
