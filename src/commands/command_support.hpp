// SPDX-License-Identifier: Apache-2.0
#pragma once

// Small helpers shared by the W, S and F command groups (wifi_commands.cpp,
// socket_commands.cpp, function_commands.cpp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "wizfi250d/at/params.hpp"

namespace wizfi250d::commands {

// Spec §1.4: the query form is an argument string of exactly "?".
inline bool is_query(std::string_view args) {
    return args == "?";
}

// Field i as a decimal number; nullopt when absent or not a number (spec §1.5).
inline std::optional<std::uint32_t> number_field(const Params& params, std::size_t i) {
    return params.present(i) ? parse_number(*params[i]) : std::nullopt;
}

// Field i as a decimal number in [min, max]; nullopt when absent, not a number or out of range.
inline std::optional<std::uint32_t> number_in_range(const Params& params, std::size_t i,
                                                    std::uint32_t min, std::uint32_t max) {
    const auto value = number_field(params, i);
    if (!value || *value < min || *value > max) return std::nullopt;
    return value;
}

// The firmware's is_valid_port(): 1-65535.
inline bool is_port(std::uint32_t value) {
    return value >= 1 && value <= 65535;
}

// ASCII upper case (the firmware's upstr()).
inline std::string to_upper(std::string_view text) {
    std::string upper(text);
    for (char& c : upper)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return upper;
}

}  // namespace wizfi250d::commands
