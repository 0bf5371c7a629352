#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Cross-builds wizfi250d with Debian's cross toolchains and runs the unit tests under qemu-user.
#
#   scripts/check-cross.sh [--unit-only] [arm64|armhf|all]      (default: arm64)
#
# For each architecture: adds it to dpkg (dpkg --add-architecture), installs what is missing
# (crossbuild-essential-<arch>, qemu-user-static, the multiarch -dev packages), configures
# build-<arch>/ with packaging/cross/<triplet>.cmake, builds the daemon and the unit tests, and
# runs `ctest -R '^unit\.'` (each test binary runs through qemu-<cpu>-static, the toolchain's
# CMAKE_CROSSCOMPILING_EMULATOR; binfmt_misc is not needed). Needs root or sudo for the package
# installs only. The build uses the native build's optimisation (RelWithDebInfo's -O2) without
# debug information, to save time. Environment: CTEST_ARGS (extra ctest options).
#
# --unit-only: the shorter check for a CI run. Only the core library and the unit tests, at -O1
# (about two thirds of -O2's compile time; -O0 halves it, but the slower code under emulation
# makes the unit tests' timing windows fail more often), in build-<arch>-unit/ so that the full
# build's settings stay as they are.
#
# Under qemu-user the three tests of line settings on a pty skip, saying why: Debian 12's
# qemu-user (7.2) does not implement the termios2 ioctls (TCGETS2/TCSETS2). They run natively.
set -euo pipefail
cd "$(dirname "$0")/.."

# The multiarch packages the core library and the unit tests need (the same list as
# scripts/install-deps.sh, for the target architecture).
target_packages=(
  libboost-dev libssl-dev libspdlog-dev
  libmosquitto-dev
  libgtest-dev libgmock-dev
)
build_packages=(cmake make pkg-config qemu-user-static)

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "Run as root or install sudo." >&2; exit 1; }
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
# Another apt-get (a colleague's install, unattended-upgrades) holds the lock: wait for it.
apt_get=(apt-get -o DPkg::Lock::Timeout=600)

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# Installs the missing packages among "$@" (names may carry :arch).
install_missing() {
  local missing=() p
  for p in "$@"; do
    installed "$p" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing: ${missing[*]}"
  # A new architecture (or a fresh machine) has no package lists yet. A source that cannot be
  # reached only warns; the install below says whether what we need was found.
  if ! "${sudo[@]}" "${apt_get[@]}" install -y --no-install-recommends "${missing[@]}"; then
    apt_update
    "${sudo[@]}" "${apt_get[@]}" install -y --no-install-recommends "${missing[@]}"
  fi
}

# apt-get update, tried again when an index fails (a mirror in the middle of a sync serves a
# Packages file of the wrong size; without the security index of the new architecture, its
# libraries cannot match the build machine's versions). Unreachable sources only warn.
apt_update() {
  local try
  for try in 1 2 3; do
    if "${sudo[@]}" "${apt_get[@]}" update; then
      return 0
    fi
    echo "apt-get update reported errors (try $try of 3)" >&2
    [ "$try" -eq 3 ] || sleep 30
  done
  echo "apt-get update still reports errors; trying anyway" >&2
}

cross_one() {
  local arch=$1 unit_only=$2 triplet toolchain
  case "$arch" in
    arm64) triplet=aarch64-linux-gnu; toolchain=packaging/cross/aarch64-linux-gnu.cmake ;;
    armhf) triplet=arm-linux-gnueabihf; toolchain=packaging/cross/armhf-linux-gnu.cmake ;;
    *) echo "unknown architecture: $arch (arm64 or armhf)" >&2; return 2 ;;
  esac
  local start=$SECONDS

  local added_arch=0
  if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    echo "dpkg --add-architecture $arch"
    "${sudo[@]}" dpkg --add-architecture "$arch"
    added_arch=1
    apt_update
  fi
  local packages=("${build_packages[@]}" "crossbuild-essential-$arch") p
  for p in "${target_packages[@]}"; do
    packages+=("$p:$arch")
  done
  if ! install_missing "${packages[@]}"; then
    # Leave no half-set-up architecture behind: its indexes would make every later
    # "apt-get update" on this machine fail the same way.
    if [ "$added_arch" -eq 1 ] && ! dpkg -l | awk '$4 == "'"$arch"'"' | grep -q .; then
      echo "dpkg --remove-architecture $arch (nothing of it could be installed)" >&2
      "${sudo[@]}" dpkg --remove-architecture "$arch"
    fi
    return 1
  fi
  local installed_at=$SECONDS

  local build_dir="build-$arch" optimisation=-O2 targets=(wizfi250d unit_tests)
  if [ "$unit_only" -eq 1 ]; then
    build_dir="build-$arch-unit"
    optimisation=-O1
    targets=(unit_tests)
  fi
  cmake -S . -B "$build_dir" -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$optimisation -DNDEBUG" -DWIZFI250D_WERROR=ON >/dev/null
  cmake --build "$build_dir" -j"$(scripts/build-jobs.sh)" --target "${targets[@]}"
  local built_at=$SECONDS

  # The binaries really are for the target.
  file "$build_dir/tests/unit_tests" 2>/dev/null || true
  local -a ctest_args=()
  read -r -a ctest_args <<<"${CTEST_ARGS:-}"
  # A test that fails is run once more: under emulation everything is several times slower,
  # and a test with a short time window may miss it once (ctest names each retried test).
  local status=0
  (cd "$build_dir" &&
    ctest -R '^unit\.' --output-on-failure --timeout 300 --repeat until-pass:2 -j"$(nproc)" \
      "${ctest_args[@]}") || status=$?
  local end=$SECONDS
  echo "check-cross $arch ($triplet): packages $((installed_at - start)) s," \
    "build $((built_at - installed_at)) s, unit tests $((end - built_at)) s," \
    "total $((end - start)) s"
  return "$status"
}

usage() {
  echo "usage: $0 [--unit-only] [arm64|armhf|all]" >&2
  exit 2
}
unit_only=0
target=arm64
for arg in "$@"; do
  case "$arg" in
    --unit-only) unit_only=1 ;;
    arm64 | armhf | all) target=$arg ;;
    *) usage ;;
  esac
done
case "$target" in
  all)
    # Each architecture in its own process (a failure in one does not stop the other, and
    # set -e keeps working inside it).
    overall=0
    options=()
    [ "$unit_only" -eq 0 ] || options+=(--unit-only)
    for a in arm64 armhf; do
      "$0" "${options[@]}" "$a" || overall=1
    done
    exit "$overall"
    ;;
  *) cross_one "$target" "$unit_only" ;;
esac
