// SPDX-License-Identifier: Apache-2.0
#pragma once

// The rate a UART really runs at when asked for another, and whether a serial link survives
// the difference.
//
// A UART makes its rate by dividing its clock: rate = base / divisor, where base is the clock
// over the 16 samples it takes of each bit (the kernel's baud_base) and the divisor is the one
// nearest to base / rate. A 16550 divides by whole numbers; a PL011 in 64ths. The kernel still
// reports the rate asked for in termios, so this arithmetic is the only way to know.
//
// The tolerance: a receiver finds the start bit's edge (to 1/16 of a bit) and samples each bit
// in its middle, with nothing to correct its timing until the next start bit. The stop bit of
// the longest frame AT+USET makes (start, 8 data bits, parity) is sampled 10.5 bit times after
// the edge, so the two clocks may drift apart by at most (0.5 - 1/16 - 1/16) / 10.5, about 3.6 %
// in total (the second 1/16: the receiver's majority vote around the middle and slow edges).
// The daemon's side takes at most 2 % of it and leaves the rest to the host's clock (a crystal
// is exact to 0.01 %, an MCU's own RC oscillator to about 1 %).

#include <cstdint>

namespace wizfi250d::uart_rate {

// Percent by which the UART's rate may differ from the one asked for.
inline constexpr double tolerance_percent = 2.0;

struct Divider {
    std::uint32_t base = 0;   // baud_base: the clock / 16; 0 when unknown
    std::uint32_t steps = 1;  // the divisor's resolution: 1 (whole numbers), 64 (64ths)
};

// The rate the divider nearest to base / rate makes, to the nearest baud (the kernel rounds
// the divisor to the closest step). rate itself when the divider is unknown (base 0) or rate 0.
std::uint32_t made_rate(Divider divider, std::uint32_t rate);

// (actual - wanted) / wanted in percent.
double error_percent(std::uint32_t wanted, std::uint32_t actual);

enum class Fit {
    exact,         // to the baud
    approximated,  // within tolerance_percent
    unusable,      // beyond it: the host could not talk to the module
};

Fit fit(std::uint32_t wanted, std::uint32_t actual);

}  // namespace wizfi250d::uart_rate
