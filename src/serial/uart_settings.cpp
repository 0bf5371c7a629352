// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/serial/uart_settings.hpp"

#include <array>
#include <utility>

namespace wizfi250d {

namespace {
constexpr std::array<std::pair<StopBits, std::string_view>, 4> stop_bits_names{{
    {StopBits::half, "0.5"},
    {StopBits::one, "1"},
    {StopBits::one_and_half, "1.5"},
    {StopBits::two, "2"},
}};
}  // namespace

std::string_view stop_bits_text(StopBits bits) {
    for (const auto& [value, name] : stop_bits_names)
        if (value == bits) return name;
    return "1";
}

std::optional<StopBits> parse_stop_bits(std::string_view text) {
    for (const auto& [value, name] : stop_bits_names)
        if (name == text) return value;
    return std::nullopt;
}

std::string UartSettings::to_string() const {
    std::string s = std::to_string(baud);
    s += ',';
    s += static_cast<char>(parity);
    s += ',';
    s += std::to_string(data_bits);
    s += ',';
    s += stop_bits_text(stop_bits);
    s += rts_cts ? ",HW" : ",N";
    return s;
}

}  // namespace wizfi250d
