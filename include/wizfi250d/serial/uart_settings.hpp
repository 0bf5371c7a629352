// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wizfi250d {

enum class Parity : char { none = 'N', even = 'E', odd = 'O' };
enum class StopBits { half, one, one_and_half, two };

// The module's UART settings as AT+USET stores them (spec §2.4).
struct UartSettings {
    std::uint32_t baud = 115200;
    Parity parity = Parity::none;
    unsigned data_bits = 8;
    StopBits stop_bits = StopBits::one;
    bool rts_cts = false;

    // "115200,N,8,1,N", the AT+USET=? and profile-dump form.
    std::string to_string() const;
    friend bool operator==(const UartSettings& a, const UartSettings& b) {
        return a.baud == b.baud && a.parity == b.parity && a.data_bits == b.data_bits &&
               a.stop_bits == b.stop_bits && a.rts_cts == b.rts_cts;
    }
    friend bool operator!=(const UartSettings& a, const UartSettings& b) { return !(a == b); }
};

std::string_view stop_bits_text(StopBits bits);
std::optional<StopBits> parse_stop_bits(std::string_view text);

}  // namespace wizfi250d
