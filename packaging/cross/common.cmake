# SPDX-License-Identifier: Apache-2.0
# Shared part of the Debian multiarch cross toolchain files (aarch64-linux-gnu.cmake,
# armhf-linux-gnu.cmake). The caller sets WIZFI250D_CROSS_TRIPLET, WIZFI250D_CROSS_PROCESSOR and
# WIZFI250D_CROSS_QEMU before including this file.
#
# Debian layout: the cross compilers come from crossbuild-essential-<arch>, the libraries and
# their headers from the multiarch -dev packages (libboost-dev:<arch>, libssl-dev:<arch>, ...),
# which install into /usr/lib/<triplet> and /usr/include(/<triplet>). Nothing is searched in
# the build machine's own /usr/lib/<build triplet>.

set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR ${WIZFI250D_CROSS_PROCESSOR})
set(CMAKE_LIBRARY_ARCHITECTURE ${WIZFI250D_CROSS_TRIPLET})

set(CMAKE_C_COMPILER ${WIZFI250D_CROSS_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${WIZFI250D_CROSS_TRIPLET}-g++)

# Search the target's sysroot (/usr/<triplet>) and the multiarch directories under /usr for
# headers, libraries and CMake packages; programs come from the build machine.
set(CMAKE_FIND_ROOT_PATH /usr/${WIZFI250D_CROSS_TRIPLET} /)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# pkg-config: only the target's .pc files (libmosquitto).
set(ENV{PKG_CONFIG_LIBDIR}
    "/usr/lib/${WIZFI250D_CROSS_TRIPLET}/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

# Test programs (GoogleTest discovery at build time, ctest) run under qemu-user. QEMU_LD_PREFIX
# is not needed: the multiarch libc6:<arch> puts the target's dynamic loader where the binaries
# look for it (/lib/ld-linux-*.so.*), and its libraries in /usr/lib/<triplet>.
find_program(WIZFI250D_QEMU NAMES ${WIZFI250D_CROSS_QEMU}-static ${WIZFI250D_CROSS_QEMU}
             NO_CMAKE_FIND_ROOT_PATH)
if(WIZFI250D_QEMU)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${WIZFI250D_QEMU})
endif()

# Debian's package names in the .deb CPack makes.
if(NOT CPACK_DEBIAN_PACKAGE_ARCHITECTURE)
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${WIZFI250D_CROSS_DEBIAN_ARCH})
endif()
