// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/serial/uart_rate.hpp"

#include <algorithm>
#include <cmath>

namespace wizfi250d::uart_rate {

std::uint32_t made_rate(Divider divider, std::uint32_t rate) {
    if (divider.base == 0 || rate == 0 || divider.steps == 0) return rate;
    // In units of 1/steps: the kernel's DIV_ROUND_CLOSEST(base * steps, rate), at least 1.
    const std::uint64_t scaled_base = std::uint64_t{divider.base} * divider.steps;
    const std::uint64_t divisor = std::max<std::uint64_t>(1, (scaled_base + rate / 2) / rate);
    return static_cast<std::uint32_t>((scaled_base + divisor / 2) / divisor);
}

double error_percent(std::uint32_t wanted, std::uint32_t actual) {
    if (wanted == 0) return 0.0;
    return (static_cast<double>(actual) - static_cast<double>(wanted)) * 100.0 /
           static_cast<double>(wanted);
}

Fit fit(std::uint32_t wanted, std::uint32_t actual) {
    if (actual == wanted) return Fit::exact;
    return std::fabs(error_percent(wanted, actual)) <= tolerance_percent ? Fit::approximated
                                                                         : Fit::unusable;
}

}  // namespace wizfi250d::uart_rate
