// SPDX-License-Identifier: Apache-2.0
#pragma once

// UartSettings in the kernel's termios2 terms. The kernel header that has termios2 and BOTHER
// (<asm/termbits.h>) cannot be included together with <termios.h>, so this interface uses plain
// integers and only termios_settings.cpp includes the kernel header.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "wizfi250d/serial/uart_settings.hpp"

namespace wizfi250d::termios_settings {

// The line fields of a termios2: c_cflag (speed field, character size, parity, stop bits,
// RTS/CTS) and the output speed that goes with BOTHER.
struct LineBits {
    std::uint32_t cflag = 0;
    std::uint32_t speed = 0;
};

struct LineMapping {
    LineBits bits;
    // What the settings ask for that no UART does and was set to the nearest value.
    std::vector<std::string> approximations;
};

// The c_cflag bits that line_bits_for() decides; the others are kept as the device has them.
std::uint32_t line_cflag_mask();

// Standard rates use their Bxxx code, any other rate BOTHER with the rate in speed.
LineMapping line_bits_for(const UartSettings& settings);

// The settings that a termios2 read back from a device stands for.
UartSettings settings_from(LineBits bits);

// What actual differs in from wanted, one sentence per field (empty when they match).
std::vector<std::string> differences(const UartSettings& wanted, const UartSettings& actual);

// Sets the line settings of the TTY fd and reads them back. Everything the device refused or
// changed, and every approximation, is logged as a warning naming port_name, and returned.
// Never fails: a UART that keeps other settings is still a UART.
std::vector<std::string> apply_line_settings(int fd, const UartSettings& settings,
                                             std::string_view port_name);

// Whether the TTY has sent everything written to it (its output buffer and, where the driver
// tells, the UART's transmitter are empty).
bool output_drained(int fd);

// Sets the TTY's rate to baud, reads back what the driver kept and puts the previous settings
// back. Returns the rate the UART would run at: the one the driver kept, and where the driver
// tells how it divides its clock (uart_divider.hpp), the one its divisor makes; baud when it
// cannot tell.
std::uint32_t rate_taken(int fd, std::uint32_t baud);

}  // namespace wizfi250d::termios_settings
