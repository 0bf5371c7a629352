#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Tests the OpenWrt package's UCI → wizfi250d.conf conversion
# (packaging/openwrt/wizfi250d/files/uci-to-conf.sh) on the cases in packaging/openwrt/tests/:
# the generated daemon settings must equal <case>/expected.conf byte for byte, and a bad value
# must be refused with <case>/expected.err, status 1 and the previous file left as it was.
# OpenWrt's uci is not packaged for Debian: packaging/openwrt/tests/uci-standin.sh stands in
# for it. Also checks that the conversion knows every key the daemon knows
# (src/module/daemon_config.cpp), and shellcheck on the package's shell scripts when installed.
# No root needed; everything happens in a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."

tests=packaging/openwrt/tests
convert=$PWD/packaging/openwrt/wizfi250d/files/uci-to-conf.sh
export UCI=$PWD/$tests/uci-standin.sh
work=$(mktemp -d /tmp/check-openwrt-uci.XXXXXX)
trap 'rm -rf "$work"' EXIT

failures=0
pass() { echo "ok   $*"; }
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

for case_dir in "$tests"/*/; do
  name=$(basename "$case_dir")
  confdir=$case_dir
  if [ "$name" = default ]; then
    # The shipped UCI defaults.
    confdir=$work/default-config
    mkdir -p "$confdir"
    cp packaging/openwrt/wizfi250d/files/wizfi250d.config "$confdir/wizfi250d"
  fi
  outdir=$work/out-$name
  mkdir -p "$outdir"
  out=$outdir/wizfi250d.conf
  echo "previous" >"$out"
  status=0
  UCI_CONFIG_DIR=$confdir "$convert" "$out" 2>"$work/$name.err" || status=$?

  if [ -f "$case_dir/expected.conf" ]; then
    if [ "$status" -eq 0 ] && cmp -s "$out" "$case_dir/expected.conf"; then
      pass "$name: wizfi250d.conf as expected"
    else
      fail "$name: status $status"
      cat "$work/$name.err"
      diff -u "$case_dir/expected.conf" "$out" || true
    fi
    mode=$(stat -c %a "$out")
    if [ "$mode" = 644 ]; then pass "$name: mode 644"; else fail "$name: mode $mode, not 644"; fi
  elif [ -f "$case_dir/expected.err" ]; then
    if [ "$status" -eq 1 ] && cmp -s "$work/$name.err" "$case_dir/expected.err"; then
      pass "$name: refused with the expected message"
    else
      fail "$name: status $status (expected 1), message:"
      diff -u "$case_dir/expected.err" "$work/$name.err" || true
    fi
    if [ "$(cat "$out")" = previous ]; then
      pass "$name: the previous file left as it was"
    else
      fail "$name: the previous file was changed"
    fi
  else
    fail "$name: neither expected.conf nor expected.err"
    continue
  fi
  # Atomic replacement leaves no temporary file behind.
  leftovers=$(find "$outdir" -type f ! -name wizfi250d.conf)
  if [ -z "$leftovers" ]; then
    pass "$name: no temporary file left"
  else
    fail "$name: left $leftovers"
  fi
done

# One UCI option per daemon key: the conversion's table and the daemon's must agree.
daemon_keys=$(sed -n 's/^ *{"\([a-z_0-9]*\)",.*/\1/p' src/module/daemon_config.cpp | sort -u)
uci_keys=$(sed -n "/^keys='/,/'\$/p" "$convert" | sed "s/^keys='//; s/'\$//" | awk '{print $1}' |
  sort -u)
if [ -n "$daemon_keys" ] && [ "$daemon_keys" = "$uci_keys" ]; then
  pass "uci-to-conf.sh converts every daemon key ($(echo "$daemon_keys" | wc -l))"
else
  fail "uci-to-conf.sh and src/module/daemon_config.cpp disagree on the keys:"
  diff <(echo "$daemon_keys") <(echo "$uci_keys") || true
fi

if command -v shellcheck >/dev/null; then
  # Each file names its dialect: #!/bin/sh, or "shell=dash" (busybox ash) for the init script.
  if shellcheck "$convert" packaging/openwrt/wizfi250d/files/wizfi250d.init \
    "$tests/uci-standin.sh"; then
    pass "shellcheck: uci-to-conf.sh, wizfi250d.init, uci-standin.sh"
  else
    fail "shellcheck"
  fi
else
  echo "skip shellcheck (not installed)"
fi

if [ "$failures" -ne 0 ]; then
  echo "check-openwrt-uci: $failures check(s) failed"
  exit 1
fi
echo "check-openwrt-uci: all checks passed"
