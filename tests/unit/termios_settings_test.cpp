// SPDX-License-Identifier: Apache-2.0
// The UartSettings -> termios2 mapping, and what a pseudo-terminal takes of it.

// The kernel's termios2 constants (BOTHER); <termios.h> must not be included here.
#include <asm/termbits.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "../../src/serial/termios_settings.hpp"
#include "termios2_support.hpp"

namespace wizfi250d::termios_settings {
namespace {

UartSettings settings(std::uint32_t baud, Parity parity, unsigned data_bits, StopBits stop_bits,
                      bool rts_cts = false) {
    UartSettings s;
    s.baud = baud;
    s.parity = parity;
    s.data_bits = data_bits;
    s.stop_bits = stop_bits;
    s.rts_cts = rts_cts;
    return s;
}

bool mentions(const std::vector<std::string>& lines, const std::string& text) {
    for (const auto& line : lines)
        if (line.find(text) != std::string::npos) return true;
    return false;
}

TEST(TermiosMapping, DefaultIs115200N81WithoutFlowControl) {
    const LineMapping mapping = line_bits_for(UartSettings{});
    EXPECT_EQ(mapping.bits.cflag & CBAUD, static_cast<std::uint32_t>(B115200));
    EXPECT_EQ(mapping.bits.speed, 115200U);
    EXPECT_EQ(mapping.bits.cflag & CSIZE, static_cast<std::uint32_t>(CS8));
    EXPECT_EQ(mapping.bits.cflag & (PARENB | PARODD | CMSPAR), 0U);
    EXPECT_EQ(mapping.bits.cflag & CSTOPB, 0U);
    EXPECT_EQ(mapping.bits.cflag & CRTSCTS, 0U);
    EXPECT_TRUE(mapping.approximations.empty());
}

TEST(TermiosMapping, StandardRatesUseTheirCode) {
    const std::pair<std::uint32_t, std::uint32_t> rates[] = {
        {1200, B1200},     {9600, B9600},     {38400, B38400},   {57600, B57600},
        {230400, B230400}, {460800, B460800}, {921600, B921600}, {4000000, B4000000},
    };
    for (const auto& [rate, code] : rates) {
        const LineBits bits = line_bits_for(settings(rate, Parity::none, 8, StopBits::one)).bits;
        EXPECT_EQ(bits.cflag & CBAUD, code) << rate;
        EXPECT_EQ(bits.speed, rate);
    }
}

TEST(TermiosMapping, NonStandardRatesUseBother) {
    for (const std::uint32_t rate : {12345U, 250000U, 31250U, 3686400U}) {
        const LineMapping mapping = line_bits_for(settings(rate, Parity::none, 8, StopBits::one));
        EXPECT_EQ(mapping.bits.cflag & CBAUD, static_cast<std::uint32_t>(BOTHER)) << rate;
        EXPECT_EQ(mapping.bits.speed, rate);
        EXPECT_TRUE(mapping.approximations.empty());
    }
}

TEST(TermiosMapping, SevenBitsEvenParityOneStopBit) {
    const LineBits bits = line_bits_for(settings(9600, Parity::even, 7, StopBits::one)).bits;
    EXPECT_EQ(bits.cflag & CSIZE, static_cast<std::uint32_t>(CS7));
    EXPECT_EQ(bits.cflag & PARENB, static_cast<std::uint32_t>(PARENB));
    EXPECT_EQ(bits.cflag & PARODD, 0U);
    EXPECT_EQ(bits.cflag & CSTOPB, 0U);
}

TEST(TermiosMapping, EightBitsOddParityTwoStopBits) {
    const LineBits bits = line_bits_for(settings(115200, Parity::odd, 8, StopBits::two)).bits;
    EXPECT_EQ(bits.cflag & CSIZE, static_cast<std::uint32_t>(CS8));
    EXPECT_EQ(bits.cflag & (PARENB | PARODD), static_cast<std::uint32_t>(PARENB | PARODD));
    EXPECT_EQ(bits.cflag & CSTOPB, static_cast<std::uint32_t>(CSTOPB));
}

TEST(TermiosMapping, HalfStopBitIsSetAsOneWithAWarning) {
    const LineMapping mapping = line_bits_for(settings(115200, Parity::none, 8, StopBits::half));
    EXPECT_EQ(mapping.bits.cflag & CSTOPB, 0U);
    ASSERT_EQ(mapping.approximations.size(), 1U);
    EXPECT_TRUE(mentions(mapping.approximations, "0.5"));
}

TEST(TermiosMapping, OneAndAHalfStopBitsAreSetAsTwoWithAWarning) {
    const LineMapping mapping =
        line_bits_for(settings(115200, Parity::none, 8, StopBits::one_and_half));
    EXPECT_EQ(mapping.bits.cflag & CSTOPB, static_cast<std::uint32_t>(CSTOPB));
    ASSERT_EQ(mapping.approximations.size(), 1U);
    EXPECT_TRUE(mentions(mapping.approximations, "1.5"));
}

TEST(TermiosMapping, HardwareFlowControlSetsCrtscts) {
    const LineBits bits =
        line_bits_for(settings(115200, Parity::none, 8, StopBits::one, true)).bits;
    EXPECT_EQ(bits.cflag & CRTSCTS, static_cast<std::uint32_t>(CRTSCTS));
}

TEST(TermiosMapping, OnlyLineBitsAreTouched) {
    for (const auto& s : {settings(12345, Parity::odd, 7, StopBits::two, true),
                          settings(9600, Parity::even, 8, StopBits::one_and_half)}) {
        EXPECT_EQ(line_bits_for(s).bits.cflag & ~line_cflag_mask(), 0U);
    }
    // The receiver enable and modem-line bits stay as the port has them.
    EXPECT_EQ(line_cflag_mask() & (CREAD | CLOCAL | HUPCL), 0U);
}

TEST(TermiosMapping, ReadBackGivesTheSettingsThatWereMapped) {
    for (const auto& s : {settings(115200, Parity::none, 8, StopBits::one),
                          settings(12345, Parity::odd, 7, StopBits::two, true),
                          settings(9600, Parity::even, 7, StopBits::one),
                          settings(921600, Parity::none, 8, StopBits::two, true)}) {
        EXPECT_EQ(settings_from(line_bits_for(s).bits), s) << s.to_string();
    }
    EXPECT_EQ(settings_from(line_bits_for(settings(9600, Parity::none, 8, StopBits::half)).bits),
              settings(9600, Parity::none, 8, StopBits::one));
}

TEST(TermiosMapping, DifferencesNameEachFieldThatDiffers) {
    const UartSettings wanted = settings(9600, Parity::even, 7, StopBits::one);
    EXPECT_TRUE(differences(wanted, wanted).empty());
    const auto found = differences(wanted, settings(9600, Parity::none, 8, StopBits::one));
    ASSERT_EQ(found.size(), 2U);
    EXPECT_TRUE(mentions(found, "data bits"));
    EXPECT_TRUE(mentions(found, "parity"));
}

// A pseudo-terminal, opened without <termios.h> (posix_openpt).
class TermiosPty : public ::testing::Test {
protected:
    void SetUp() override {
        WIZFI250D_SKIP_WITHOUT_TERMIOS2();
        master_ = ::posix_openpt(O_RDWR | O_NOCTTY);
        ASSERT_GE(master_, 0);
        ASSERT_EQ(::grantpt(master_), 0);
        ASSERT_EQ(::unlockpt(master_), 0);
        slave_ = ::open(::ptsname(master_), O_RDWR | O_NOCTTY);
        ASSERT_GE(slave_, 0);
    }
    void TearDown() override {
        if (slave_ >= 0) ::close(slave_);
        if (master_ >= 0) ::close(master_);
    }

    int master_ = -1;
    int slave_ = -1;
};

TEST_F(TermiosPty, TakesSpeedStopBitsAndFlowControl) {
    EXPECT_TRUE(
        apply_line_settings(slave_, settings(9600, Parity::none, 8, StopBits::two, true), "pty")
            .empty());
    EXPECT_TRUE(apply_line_settings(slave_, settings(12345, Parity::none, 8, StopBits::one), "pty")
                    .empty());
}

TEST_F(TermiosPty, RefusedSettingsAreWarningsNotFailures) {
    // The pty driver forces 8 bits and no parity.
    const auto warnings =
        apply_line_settings(slave_, settings(9600, Parity::even, 7, StopBits::one), "pty");
    EXPECT_TRUE(mentions(warnings, "data bits"));
    EXPECT_TRUE(mentions(warnings, "parity"));
}

TEST(TermiosApply, NotATtyIsAWarning) {
    const int fd = ::open("/dev/null", O_RDWR);
    ASSERT_GE(fd, 0);
    EXPECT_FALSE(apply_line_settings(fd, UartSettings{}, "/dev/null").empty());
    ::close(fd);
}

}  // namespace
}  // namespace wizfi250d::termios_settings
