# SPDX-License-Identifier: Apache-2.0
# CMake toolchain file: Debian arm64 (Raspberry Pi OS 64-bit, Pi 3/4/5, Zero 2 W).
#   apt-get install crossbuild-essential-arm64 qemu-user-static
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install libboost-dev:arm64 libssl-dev:arm64 ...   (see scripts/check-cross.sh)
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=packaging/cross/aarch64-linux-gnu.cmake
set(WIZFI250D_CROSS_TRIPLET aarch64-linux-gnu)
set(WIZFI250D_CROSS_PROCESSOR aarch64)
set(WIZFI250D_CROSS_DEBIAN_ARCH arm64)
set(WIZFI250D_CROSS_QEMU qemu-aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
