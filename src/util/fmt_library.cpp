// SPDX-License-Identifier: Apache-2.0
// fmt's compiled part, built into the daemon from the headers of Debian's libfmt-dev instead of
// linked from libfmt (CMakeLists.txt says why): format-inl.h holds the functions that the
// shared library would export, and the instances below are those its headers declare but do
// not define. Only the char instances: the daemon formats no wide strings.
#ifdef WIZFI250D_BUILTIN_FMT_SPDLOG
#include <fmt/format-inl.h>

FMT_BEGIN_NAMESPACE
namespace detail {

template auto dragonbox::to_decimal(float x) noexcept -> dragonbox::decimal_fp<float>;
template auto dragonbox::to_decimal(double x) noexcept -> dragonbox::decimal_fp<double>;

#ifndef FMT_STATIC_THOUSANDS_SEPARATOR
template locale_ref::locale_ref(const std::locale& loc);
template auto locale_ref::get<std::locale>() const -> std::locale;
#endif

template auto thousands_sep_impl(locale_ref) -> thousands_sep_result<char>;
template auto decimal_point_impl(locale_ref) -> char;
template void buffer<char>::append(const char*, const char*);
// The formatting core every log line goes through (include/wizfi250d/util/fmt_instances.hpp).
template void vformat_to(buffer<char>&, string_view, basic_format_args<FMT_BUFFER_CONTEXT(char)>,
                         locale_ref);

}  // namespace detail
FMT_END_NAMESPACE

#endif  // WIZFI250D_BUILTIN_FMT_SPDLOG
