#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Builds the wizfi250d Debian package with CPack.
#
#   packaging/debian/build-deb.sh [arm64|armhf]     native (default) or cross
#
# Native: build-deb/wizfi250d_<version>_<arch>.deb. Cross: build-deb-<arch>/..., with the
# toolchain file of packaging/cross/ (scripts/check-cross.sh installs the cross toolchain and the
# multiarch libraries first). Debian's hardening flags (dpkg-buildflags, hardening=+all), prefix
# /usr, no tests. Needs cmake, dpkg-dev, and the -dev packages of scripts/install-deps.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

arch=${1:-}
cmake_args=()
case "$arch" in
  "") build_dir=build-deb ;;
  arm64) build_dir=build-deb-arm64
    cmake_args+=(-DCMAKE_TOOLCHAIN_FILE=packaging/cross/aarch64-linux-gnu.cmake) ;;
  armhf) build_dir=build-deb-armhf
    cmake_args+=(-DCMAKE_TOOLCHAIN_FILE=packaging/cross/armhf-linux-gnu.cmake) ;;
  *) echo "usage: $0 [arm64|armhf]" >&2; exit 2 ;;
esac
if [ -n "$arch" ]; then
  # dpkg-buildflags and dpkg-shlibdeps (run by CPack) then work for the target architecture.
  export DEB_HOST_ARCH="$arch"
fi

# Debian's flags (-O2, hardening), without -g: the package is stripped and ships no debug
# symbols, so debug information would only cost build time. NDEBUG as in the project's
# default RelWithDebInfo build, which the tests run.
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
export DEB_CXXFLAGS_MAINT_STRIP=-g
cxxflags="$(dpkg-buildflags --get CXXFLAGS) $(dpkg-buildflags --get CPPFLAGS)"
ldflags=$(dpkg-buildflags --get LDFLAGS)

cmake -S . -B "$build_dir" "${cmake_args[@]}" \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE=-DNDEBUG \
  -DCMAKE_INSTALL_PREFIX=/usr \
  -DWIZFI250D_BUILD_TESTS=OFF \
  -DCMAKE_CXX_FLAGS="$cxxflags" \
  -DCMAKE_EXE_LINKER_FLAGS="$ldflags" >/dev/null
cmake --build "$build_dir" -j"$(scripts/build-jobs.sh)" --target wizfi250d wizfi250d_packaging_files
(cd "$build_dir" && cpack -G DEB >/dev/null)
ls "$build_dir"/wizfi250d_*.deb
