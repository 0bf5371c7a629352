// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "wizfi250d/serial/uart_rate.hpp"

namespace wizfi250d {

// How the UART behind the TTY fd divides its clock, from the kernel's TIOCGSERIAL: baud_base
// and, from the port type, the divisor's resolution. An unknown divider (base 0) when the
// driver does not answer (a pty, most USB adapters), reports baud_base 0, is of a type whose
// divisor is not known here, or has a custom divisor set (setserial spd_cust): the rate the
// kernel reports is then taken as it is.
uart_rate::Divider uart_divider(int fd);

}  // namespace wizfi250d
