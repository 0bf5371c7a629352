# SPDX-License-Identifier: Apache-2.0
# How the daemon is linked: it is a long-running process on boards with little memory, and most
# of what it keeps resident is code. Each step below is measured in bench/analysis.md
# ("Memory").

include(CheckLinkerFlag)

# The parts of libstdc++ and libgcc the daemon uses, linked in, instead of the shared
# libstdc++: loading that costs about 0.9 MB of resident memory at start (its relocations and
# its locale set-up) and 1.6 MB by the time the daemon runs, for a few hundred kilobytes of
# code the daemon calls. A fix to libstdc++ then needs a rebuild of the daemon. The sanitizer
# builds keep the shared runtime, which their runtimes expect, and so does a build that links
# the shared libspdlog and libfmt (C++ libraries that bring libstdc++ along).
set(_wizfi250d_static_runtime_default ON)
if(CMAKE_CXX_FLAGS MATCHES "-fsanitize" OR WIZFI250D_FUZZ OR NOT WIZFI250D_BUILTIN_FMT_SPDLOG)
  set(_wizfi250d_static_runtime_default OFF)
endif()
option(WIZFI250D_STATIC_CXX_RUNTIME "Link the parts of libstdc++ the daemon uses into it"
       ${_wizfi250d_static_runtime_default})
if(WIZFI250D_STATIC_CXX_RUNTIME)
  target_link_options(wizfi250d PRIVATE -static-libstdc++ -static-libgcc)
endif()

# Code nothing calls is dropped (the sections of -ffunction-sections), and a shared library
# nothing calls is not loaded.
target_link_options(wizfi250d PRIVATE -Wl,--gc-sections -Wl,--as-needed)

# The executable's relocations in the compact form of glibc 2.36 (DT_RELR): 0.8 KB to read at
# start instead of 110 KB. ld leaves it out where the C library cannot load it.
check_linker_flag(CXX "-Wl,-z,pack-relative-relocs" WIZFI250D_LINKER_RELR)
if(WIZFI250D_LINKER_RELR)
  target_link_options(wizfi250d PRIVATE -Wl,-z,pack-relative-relocs)
endif()

# The functions that run when the daemon starts, joins and moves data (daemon/hot-functions.txt,
# written by `scripts/check-datapath-cost.sh --update-hot-functions`) are placed together at the
# start of the code. The kernel maps an executable's code 64 KB around each page it first
# touches, so where these few hundred kilobytes lie decides how much of the 2 MB of code becomes
# resident: scattered, about 1.4 MB; together, about 0.8 MB. A function missing from the list
# still runs, from where the linker put it. The list is turned into a linker script that adds
# one output section before .text (INSERT keeps ld's own script for everything else); a linker
# that does not take it links without.
set(_wizfi250d_hot_list "${PROJECT_SOURCE_DIR}/daemon/hot-functions.txt")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_wizfi250d_hot_list}")
file(STRINGS "${_wizfi250d_hot_list}" _wizfi250d_hot_functions REGEX "^[A-Za-z_][A-Za-z0-9_.$]*$")
set(_wizfi250d_hot_script "${CMAKE_CURRENT_BINARY_DIR}/hot-functions.ld")
set(_wizfi250d_script_text "/* Generated from daemon/hot-functions.txt by daemon/link.cmake */\n")
string(APPEND _wizfi250d_script_text "SECTIONS\n{\n  .text.hot_functions :\n  {\n")
foreach(_name IN LISTS _wizfi250d_hot_functions)
  string(APPEND _wizfi250d_script_text
         "    *(.text.${_name} .text.hot.${_name} .text.startup.${_name})\n")
endforeach()
string(APPEND _wizfi250d_script_text "  }\n}\nINSERT BEFORE .text;\n")
file(CONFIGURE OUTPUT "${_wizfi250d_hot_script}" CONTENT "${_wizfi250d_script_text}" @ONLY)
check_linker_flag(CXX "-Wl,-T,${_wizfi250d_hot_script}" WIZFI250D_LINKER_HOT_FUNCTIONS)
if(WIZFI250D_LINKER_HOT_FUNCTIONS)
  target_link_options(wizfi250d PRIVATE "-Wl,-T,${_wizfi250d_hot_script}")
  set_property(TARGET wizfi250d APPEND PROPERTY LINK_DEPENDS "${_wizfi250d_hot_script}")
endif()
