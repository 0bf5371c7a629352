// SPDX-License-Identifier: Apache-2.0
#include "uart_divider.hpp"

#include <linux/serial.h>
#include <linux/serial_core.h>
#include <sys/ioctl.h>

#include <array>
#include <utility>

namespace wizfi250d {

namespace {

// Port types whose divisor the kernel computes as the one nearest to baud_base / rate:
// the 16550 family (the 8250 driver, and the Raspberry Pi's mini UART, 8250_bcm2835aux, which
// reports PORT_16550 with its clock scaled to baud_base = core clock / 8) divides by whole
// numbers; the PL011 (amba-pl011, the Raspberry Pi's ttyAMA0) in 64ths (IBRD + FBRD / 64).
// Others (the 16650/16750/16C950 prescalers, vendor UARTs with fractional dividers) are not
// guessed at.
constexpr std::array<std::pair<int, std::uint32_t>, 5> divisor_steps{{
    {PORT_8250, 1},
    {PORT_16450, 1},
    {PORT_16550, 1},
    {PORT_16550A, 1},
    {PORT_AMBA, 64},
}};

}  // namespace

uart_rate::Divider uart_divider(int fd) {
    serial_struct info{};
    if (ioctl(fd, TIOCGSERIAL, &info) != 0 || info.baud_base <= 0) return {};
    // A custom divisor (ASYNC_SPD_CUST and friends) replaces the rate 38400 with another.
    if ((static_cast<unsigned>(info.flags) & ASYNC_SPD_MASK) != 0) return {};
    for (const auto& [type, steps] : divisor_steps)
        if (type == info.type) return {static_cast<std::uint32_t>(info.baud_base), steps};
    return {};
}

}  // namespace wizfi250d
