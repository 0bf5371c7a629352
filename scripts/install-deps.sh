#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages wizfi250d needs to build (and, with --test, to run its tests).
# Only what is missing is installed. Needs root, or sudo.
set -euo pipefail

build_packages=(
  build-essential cmake pkg-config
  libboost-dev libssl-dev libspdlog-dev
  libmosquitto-dev
)
test_packages=(
  googletest libgtest-dev libgmock-dev
  socat openssl iproute2
  wpasupplicant hostapd
  dnsmasq-base busybox-static udhcpc dhcpcd-base isc-dhcp-client
  systemd-container
  # The radio tests (inside the VM): iw, and the regulatory database AT+WREG's country needs.
  iw wireless-regdb
  # The radio test of the web pages: an HTTP client in the AP's namespace, and the HTTP proxy
  # there that the host's browser reaches the module through (the binary alone, no service).
  curl tinyproxy-bin
  # The VM those tests run in (scripts/vm/run-in-vm.sh): qemu, the initramfs's static busybox,
  # depmod and modprobe for Debian's kernel, and ping inside it.
  qemu-system-x86 kmod cpio xz-utils iputils-ping
  # The MQTT broker of the AT+MQTTCON tests.
  mosquitto
  clang libclang-rt-14-dev
  # The packaging checks: the .deb (lintian, and adduser for its postinst) and the OpenWrt
  # package's shell scripts.
  lintian adduser shellcheck
  # The browser test of the web pages: headless Chromium driven by playwright-core (npm).
  chromium nodejs
  # The quick start on a fresh Debian root (scripts/check-quickstart.sh).
  debootstrap python3
  # The data path's cost check (callgrind, strace) and the benchmark's peers.
  valgrind strace ser2net
)

packages=("${build_packages[@]}")
if [ "${1:-}" = "--test" ]; then
  packages+=("${test_packages[@]}")
fi

# Debian's nodejs comes without npm; a nodejs from elsewhere may bring its own.
if [ "${1:-}" = "--test" ] && ! command -v npm >/dev/null; then
  packages+=(npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Run as root or install sudo." >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet.
if ! "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"; then
  "${sudo[@]}" apt-get update
  "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
