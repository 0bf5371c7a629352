#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what is missing, builds with warnings as errors, and runs every test (unit,
# conformance, integration, browser, and the uart and radio groups inside a VM); then the bench
# smoke and the data path's cost ceiling, the suite again under AddressSanitizer +
# UndefinedBehaviorSanitizer, each fuzz target for a bounded time, the README's quick start on a
# pristine Debian root, the packaging checks and the arm64 cross unit tests. Extra arguments go
# to both ctest runs (for example -R '^unit\.').
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
scripts/build.sh --werror
status=0
(cd build && ctest --output-on-failure --timeout 300 -j2 "$@") || status=$?
# ctest names skipped tests but not why: their reasons, from the tests' own output.
scripts/ctest-skips.sh build
[ "$status" -eq 0 ] || exit "$status"
# The benchmark still runs and its output parses (nothing about speed is asserted).
bench/run.sh --smoke --binary build/wizfi250d
# The data path's instructions per MiB under callgrind stay below bench/datapath-cost-ceiling.txt.
scripts/check-datapath-cost.sh --binary build/wizfi250d
# clang, ASan + UBSan, build-asan/: the whole suite again, then the libFuzzer targets.
scripts/check-sanitizers.sh "$@"
scripts/check-fuzz.sh 10
# The README's quick start on a fresh Debian 12 root made by debootstrap (a chroot: root only).
if [ "$(id -u)" -eq 0 ]; then scripts/check-quickstart.sh; else echo "skip scripts/check-quickstart.sh: debootstrap and chroot need root"; fi
# Packaging: the OpenWrt UCI conversion, then the .deb made from build/ (nothing compiled
# again), lintian, installed, reinstalled, removed and purged on this machine.
scripts/check-openwrt-uci.sh
if [ "$(id -u)" -eq 0 ]; then
  scripts/check-package.sh --build-dir build
else
  echo "skip scripts/check-package.sh: it installs the package with dpkg, which needs root"
fi
# The Raspberry Pi's 64-bit build: the core library and the unit tests cross-compiled for arm64
# and run under qemu-user (scripts/check-cross.sh all builds armhf too, and everything). Only on
# an amd64 machine: on a Pi the suite above already ran natively.
if [ "$(dpkg --print-architecture)" = amd64 ]; then
  scripts/check-cross.sh --unit-only arm64
else
  echo "skip scripts/check-cross.sh: the cross build runs on amd64 hosts; this is $(dpkg --print-architecture), where the tests above ran natively"
fi
