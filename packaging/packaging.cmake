# SPDX-License-Identifier: Apache-2.0
# Install rules and the Debian package (CPack DEB). Included from the top CMakeLists.txt.
#
# The .deb (see packaging/debian/build-deb.sh, which also sets Debian's hardening flags):
#   cmake -S . -B build-deb -DCMAKE_INSTALL_PREFIX=/usr -DWIZFI250D_BUILD_TESTS=OFF
#   cmake --build build-deb --target package      # build-deb/wizfi250d_<version>_<arch>.deb
#
# What goes where (prefix /usr):
#   /usr/sbin/wizfi250d                          the daemon (install rule in CMakeLists.txt)
#   /lib/systemd/system/wizfi250d@.service       WIZFI250D_SYSTEMD_UNIT_DIR
#   /etc/wizfi250d/wizfi250d.conf                conffile (GNUInstallDirs: /etc for prefix /usr)
#   /usr/share/man/man8/wizfi250d.8.gz           packaging/man/, gzipped at build time
#   /usr/share/man/man5/wizfi250d.conf.5.gz
#   /usr/share/doc/wizfi250d/{copyright,changelog.gz}
#   /usr/share/lintian/overrides/wizfi250d       tags explained in packaging/debian-lintian.md

set(WIZFI250D_SYSTEMD_UNIT_DIR "/lib/systemd/system" CACHE PATH
    "Where the systemd unit goes (Debian 12 and Raspberry Pi OS: /lib/systemd/system)")

set(_wizfi250d_pkg "${CMAKE_CURRENT_LIST_DIR}")
set(_wizfi250d_gen "${CMAKE_CURRENT_BINARY_DIR}/packaging")

install(FILES "${PROJECT_SOURCE_DIR}/systemd/wizfi250d@.service"
        DESTINATION "${WIZFI250D_SYSTEMD_UNIT_DIR}"
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
install(FILES "${PROJECT_SOURCE_DIR}/config/wizfi250d.conf"
        DESTINATION "${CMAKE_INSTALL_FULL_SYSCONFDIR}/wizfi250d"
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)

# Manual pages and the changelog, compressed the way Debian wants them (gzip -9n: no name, no
# time stamp, so the package is reproducible).
find_program(WIZFI250D_GZIP gzip REQUIRED)
set(_wizfi250d_gz_outputs)
foreach(_src IN ITEMS man/wizfi250d.8 man/wizfi250d.conf.5 debian/changelog)
  get_filename_component(_name "${_src}" NAME)
  set(_out "${_wizfi250d_gen}/${_name}.gz")
  add_custom_command(
    OUTPUT "${_out}"
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${_wizfi250d_gen}"
    COMMAND "${WIZFI250D_GZIP}" -9n -c "${_wizfi250d_pkg}/${_src}" > "${_out}"
    DEPENDS "${_wizfi250d_pkg}/${_src}"
    COMMENT "gzip ${_src}"
    VERBATIM)
  list(APPEND _wizfi250d_gz_outputs "${_out}")
endforeach()
add_custom_target(wizfi250d_packaging_files ALL DEPENDS ${_wizfi250d_gz_outputs})

install(FILES "${_wizfi250d_gen}/wizfi250d.8.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man8")
install(FILES "${_wizfi250d_gen}/wizfi250d.conf.5.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man5")
# A native Debian package: the Debian changelog is the upstream one (changelog.gz).
install(FILES "${_wizfi250d_gen}/changelog.gz" "${_wizfi250d_pkg}/debian/copyright"
        DESTINATION "${CMAKE_INSTALL_DOCDIR}")

# Tags lintian reports on purpose, each explained in packaging/debian-lintian.md.
install(FILES "${_wizfi250d_pkg}/debian/lintian-overrides"
        DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides" RENAME wizfi250d)

# The version in packaging/debian/changelog must be the project's.
file(STRINGS "${_wizfi250d_pkg}/debian/changelog" _changelog_head LIMIT_COUNT 1)
if(NOT _changelog_head MATCHES "^wizfi250d \\(${PROJECT_VERSION}\\) ")
  message(WARNING "packaging/debian/changelog does not start with version ${PROJECT_VERSION}: "
                  "add an entry (dch -v ${PROJECT_VERSION} -c packaging/debian/changelog)")
endif()

# --- CPack: the Debian package --------------------------------------------------------------
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "wizfi250d")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_CONTACT
    "The wizfi250d project <wizfi250d@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "WIZnet WizFi250 serial-to-Wi-Fi module emulation")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
# Strip as dh_strip does (CPACK_STRIP_FILES would keep the .comment section lintian flags).
configure_file("${_wizfi250d_pkg}/debian/strip.cmake.in" "${_wizfi250d_gen}/strip.cmake" @ONLY)
set(CPACK_PRE_BUILD_SCRIPTS "${_wizfi250d_gen}/strip.cmake")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
# CPack indents the description's lines itself; "." marks a paragraph break.
# CPack puts CPACK_PACKAGE_DESCRIPTION_SUMMARY on the first line, then this text.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "wizfi250d makes a Linux board (a Raspberry Pi, any Debian machine) behave,
on a serial port, like a WIZnet WizFi250 serial-to-Wi-Fi module running
firmware 1.0.5.2. A host written for the real module (a microcontroller, a
PC program, the module's Arduino or mbed driver) sends AT commands to the
board's UART and gets the module's answers byte for byte, while its TCP,
UDP and TLS sockets are real sockets of the board.
.
Wi-Fi comes either from the network as it is configured or from
wpa_supplicant, which the daemon drives through its control socket. One
systemd service instance runs per serial port (wizfi250d@serial0); nothing
is enabled or started when the package is installed.")
# Depends: the shared libraries the binary links (dpkg-shlibdeps), and adduser for postinst.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
# Wi-Fi through wpa_supplicant (wifi = wpa_supplicant) and a DHCP client the daemon can run
# (it takes whichever of dhcpcd, dhclient and udhcpc is installed).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS
    "wpasupplicant, dhcpcd-base | isc-dhcp-client | udhcpc | dhcpcd5")
# Maintainer scripts and the conffile list; strict permissions: scripts 0755, lists 0644.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${_wizfi250d_pkg}/debian/postinst;${_wizfi250d_pkg}/debian/prerm;${_wizfi250d_pkg}/debian/postrm;${_wizfi250d_pkg}/debian/conffiles")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# Cross builds set CPACK_DEBIAN_PACKAGE_ARCHITECTURE in their toolchain file
# (packaging/cross/); a native build asks dpkg.
# Only the files above: no source package, no component split.
set(CPACK_SOURCE_GENERATOR "")
# The paths above are computed from CMAKE_INSTALL_PREFIX (e.g. /etc for /usr): a package made
# from a build tree with another prefix would put the settings in the wrong place.
set(CPACK_PROJECT_CONFIG_FILE "${_wizfi250d_gen}/cpack-check.cmake")
file(WRITE "${CPACK_PROJECT_CONFIG_FILE}"
     "if(NOT \"${CMAKE_INSTALL_PREFIX}\" STREQUAL \"/usr\")\n"
     "  message(FATAL_ERROR \"wizfi250d: configure with -DCMAKE_INSTALL_PREFIX=/usr to make the "
     "package (this tree uses ${CMAKE_INSTALL_PREFIX})\")\n"
     "endif()\n")
include(CPack)
