# SPDX-License-Identifier: Apache-2.0
# CMake toolchain file: Debian armhf (ARMv7 hard-float: Raspberry Pi OS 32-bit on Pi 2/3/4,
# most OpenWrt-class ARM boards running Debian). Note: Raspberry Pi OS's own armhf is ARMv6 for
# the Pi 1/Zero; Debian's armhf toolchain builds ARMv7 code that those boards cannot run.
#   apt-get install crossbuild-essential-armhf qemu-user-static
#   dpkg --add-architecture armhf && apt-get update
#   apt-get install libboost-dev:armhf libssl-dev:armhf ...   (see scripts/check-cross.sh)
#   cmake -S . -B build-armhf -DCMAKE_TOOLCHAIN_FILE=packaging/cross/armhf-linux-gnu.cmake
set(WIZFI250D_CROSS_TRIPLET arm-linux-gnueabihf)
set(WIZFI250D_CROSS_PROCESSOR arm)
set(WIZFI250D_CROSS_DEBIAN_ARCH armhf)
set(WIZFI250D_CROSS_QEMU qemu-arm)
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
