// SPDX-License-Identifier: Apache-2.0
// The rate a UART's divisor makes and the tolerance a serial link survives (uart_rate.hpp);
// what the kernel tells of a pty's clock (nothing).

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "../../src/serial/uart_divider.hpp"
#include "wizfi250d/serial/uart_rate.hpp"

namespace wizfi250d::uart_rate {
namespace {

// A PC's 16550: 1.8432 MHz / 16, whole divisors (the 8250 in the test VM).
constexpr Divider pc_16550{115200, 1};
// A Raspberry Pi's PL011 (ttyAMA0): 48 MHz / 16, divisors in 64ths.
constexpr Divider pi_pl011{3000000, 64};
// A Raspberry Pi's mini UART (ttyS0) with a 250 MHz core clock: baud_base = 250 MHz / 8.
constexpr Divider pi_mini_uart{31250000, 1};

TEST(UartRate, WholeDivisorsOfTheBaseAreExact) {
    for (const std::uint32_t rate : {115200U, 57600U, 38400U, 28800U, 14400U, 7200U, 300U, 50U}) {
        EXPECT_EQ(made_rate(pc_16550, rate), rate) << rate;
        EXPECT_EQ(fit(rate, made_rate(pc_16550, rate)), Fit::exact) << rate;
    }
}

TEST(UartRate, The16550TakesTheNearestWholeDivisor) {
    EXPECT_EQ(made_rate(pc_16550, 3000), 3032U);      // 115200 / 38 = 3031.6
    EXPECT_EQ(made_rate(pc_16550, 56000), 57600U);    // 2.06 -> 2
    EXPECT_EQ(made_rate(pc_16550, 100000), 115200U);  // 1.15 -> 1
    EXPECT_EQ(made_rate(pc_16550, 31250), 28800U);    // 3.69 -> 4
    EXPECT_EQ(made_rate(pc_16550, 76800), 57600U);    // 1.5 rounds up to 2, as the kernel does
    // Above the base: divisor 1, the fastest the UART goes.
    EXPECT_EQ(made_rate(pc_16550, 230400), 115200U);
}

TEST(UartRate, ThePl011DividesIn64ths) {
    // 3000000 * 64 / 921600 = 208.33 -> 208: 3000000 * 64 / 208 = 923077.
    EXPECT_EQ(made_rate(pi_pl011, 921600), 923077U);
    EXPECT_EQ(fit(921600, made_rate(pi_pl011, 921600)), Fit::approximated);
    EXPECT_EQ(made_rate(pi_pl011, 115200), 115177U);  // 1666.67 -> 1667
    EXPECT_EQ(made_rate(pi_pl011, 1000000), 1000000U);
    EXPECT_EQ(made_rate(pi_pl011, 3000000), 3000000U);
    // Every rate up to its base is within the tolerance: the worst step is 1/128 of a divisor.
    for (std::uint32_t rate = 1200; rate <= 3000000; rate += 997)
        ASSERT_NE(fit(rate, made_rate(pi_pl011, rate)), Fit::unusable) << rate;
}

TEST(UartRate, TheMiniUartDividesTheCoreClock) {
    EXPECT_EQ(made_rate(pi_mini_uart, 115200), 115314U);  // 271.27 -> 271
    EXPECT_EQ(fit(115200, 115314), Fit::approximated);
    EXPECT_EQ(made_rate(pi_mini_uart, 921600), 919118U);  // 33.9 -> 34
    EXPECT_EQ(fit(921600, 919118), Fit::approximated);
}

TEST(UartRate, AnUnknownClockChangesNothing) {
    EXPECT_EQ(made_rate(Divider{}, 230400), 230400U);
    EXPECT_EQ(made_rate(Divider{0, 64}, 12345), 12345U);
    EXPECT_EQ(made_rate(pc_16550, 0), 0U);
}

TEST(UartRate, TheToleranceIsTwoPercentEitherWay) {
    EXPECT_DOUBLE_EQ(error_percent(100000, 102000), 2.0);
    EXPECT_DOUBLE_EQ(error_percent(100000, 98000), -2.0);
    EXPECT_EQ(fit(100000, 100000), Fit::exact);
    EXPECT_EQ(fit(100000, 100001), Fit::approximated);
    EXPECT_EQ(fit(100000, 102000), Fit::approximated);
    EXPECT_EQ(fit(100000, 98000), Fit::approximated);
    EXPECT_EQ(fit(100000, 102001), Fit::unusable);
    EXPECT_EQ(fit(100000, 97999), Fit::unusable);
    EXPECT_EQ(fit(3000, 3032), Fit::approximated);  // +1.07 %
    EXPECT_EQ(fit(56000, 57600), Fit::unusable);    // +2.86 %
    EXPECT_EQ(fit(230400, 14400), Fit::unusable);   // the driver kept the old rate
}

// A pseudo-terminal has no UART behind it: TIOCGSERIAL is not answered, the rate is taken as
// the kernel reports it.
TEST(UartDivider, APtyHasNoClock) {
    const int master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    ASSERT_GE(master, 0);
    ASSERT_EQ(::grantpt(master), 0);
    ASSERT_EQ(::unlockpt(master), 0);
    const int slave = ::open(::ptsname(master), O_RDWR | O_NOCTTY | O_CLOEXEC);
    ASSERT_GE(slave, 0);
    const Divider divider = uart_divider(slave);
    EXPECT_EQ(divider.base, 0U);
    EXPECT_EQ(made_rate(divider, 230400), 230400U);
    ::close(slave);
    ::close(master);
}

}  // namespace
}  // namespace wizfi250d::uart_rate
