// SPDX-License-Identifier: Apache-2.0
#pragma once
// Included ahead of every source file of the daemon (CMakeLists.txt, -include): every log call
// formats through the one instance of fmt's formatting core in src/util/fmt_library.cpp.
//
// fmt 9 defines that core (detail::vformat_to<char>, which takes in the formatting of every
// argument type, floating point included) in its header without declaring that an instance
// exists elsewhere. spdlog calls it from each logging function, so every file that logged
// compiled and kept a copy of its own: 43 copies, a fifth of the executable's code (0.6 MB),
// and 0.7 MB of resident memory at start-up from the pages around them. fmt 10 declares it
// itself.
#include <fmt/format.h>

#if FMT_VERSION >= 90000 && FMT_VERSION < 100000 && !defined(FMT_HEADER_ONLY)
FMT_BEGIN_NAMESPACE
namespace detail {
extern template void vformat_to<char>(buffer<char>&, basic_string_view<char>,
                                      basic_format_args<buffer_context<char>>, locale_ref);
}  // namespace detail
FMT_END_NAMESPACE
#endif
