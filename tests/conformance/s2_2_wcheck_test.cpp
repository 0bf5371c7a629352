// SPDX-License-Identifier: Apache-2.0
// Spec §2.2 AT+WCHECK (connectivity watchdog): the query and set forms, the ranges, RAM-only
// storage (§5.2), and the reset of a service-mode module without a station link (§5.5), on
// loopback with the host backend. The gateway pings themselves need a gateway: they are tested
// in tests/integration/daemon_open_station_test.cpp.
//
// Deadlines are generous and nothing here asserts a duration: "after a period" is checked as
// "eventually, within a deadline well above it", and "never" as silence for longer than one
// period (10 s, the shortest) plus the once-a-second check.

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "peers.hpp"

namespace wizfi250d::conformance {
namespace {

// Longer than the shortest period (10 s) and the check that runs once a second.
constexpr Millis kLongerThanAPeriod{12500};
// Deadline for a reset that comes after one period.
constexpr Millis kResetTimeout{30000};

TEST(Spec2_2_Wcheck, QueryAtFactoryIsAllZero) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+WCHECK=?\r   M< AT+WCHECK=?\r\n0,0,0,0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+WCHECK=?", "0,0,0,0\r\n[OK]\r\n"));
}

TEST(Spec2_2_Wcheck, SmartAntennaIsOptionalAndZero) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+WCHECK=60,5,3", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WCHECK=?", "60,5,3,0\r\n[OK]\r\n"));
}

TEST(Spec2_2_Wcheck, RangeLimitsAreAccepted) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+WCHECK=86400,20,20,1", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WCHECK=?", "86400,20,20,1\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WCHECK=10,5,1,0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WCHECK=?", "10,5,1,0\r\n[OK]\r\n"));
}

TEST(Spec2_2_Wcheck, ZeroTurnsItOffAndKeepsTheOtherValues) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+WCHECK=60,5,3,1", "[OK]\r\n"));
    // H> AT+WCHECK=0\r   M< AT+WCHECK=0\r\n[OK]\r\n   (the rest of the line is not read)
    ASSERT_TRUE(d.transact("AT+WCHECK=0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WCHECK=?", "0,5,3,1\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WCHECK=0,99", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WCHECK=?", "0,5,3,1\r\n[OK]\r\n"));
}

TEST(Spec2_2_Wcheck, BadInputChangesNothing) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+WCHECK=60,5,3", "[OK]\r\n"));
    for (const char* args : {
             "9,5,3",       // period below 10
             "86401,5,3",   // period above 86400
             "60,4,3",      // count below 5
             "60,21,3",     // count above 20
             "60,5,0",      // limit below 1
             "60,5,21",     // limit above 20
             "60,5,3,2",    // smart antenna not 0/1
             "60",          // count and limit are required
             "60,5",        // the limit is required
             "",            // nothing
             "x,5,3",       // not a number
             "60,5,three",  // not a number
         }) {
        ASSERT_TRUE(d.transact(std::string("AT+WCHECK=") + args, kInvalidInput)) << args;
    }
    ASSERT_TRUE(d.transact("AT+WCHECK=?", "60,5,3,0\r\n[OK]\r\n"));
}

TEST(Spec2_2_Wcheck, RamOnlyUntilMprofS) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+WCHECK=60,5,3", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MRESET", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    ASSERT_TRUE(d.transact("AT+WCHECK=?", "0,0,0,0\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WCHECK=60,5,3", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MPROF=S", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MRESET", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    ASSERT_TRUE(d.transact("AT+WCHECK=?", "60,5,3,0\r\n[OK]\r\n"));
}

// "If STA is not linked and SCON type is S/SO → module reset": how the firmware retries a
// failed boot-time join. The record is in RAM only, so the rebooted module has none (and no
// watchdog) and stays quiet.
TEST(Spec2_2_Wcheck, ServiceModeWithoutALinkResets) {
    const std::uint16_t port = free_tcp_port();
    ASSERT_NE(port, 0);
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+SCON=S,TSN,,," + port_text(port) + ",0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WCHECK=10,5,1", "[OK]\r\n"));
    // No socket and no link: nothing to close, no [Link-Down Event]; just the banner.
    ASSERT_TRUE(d.expect(kBanner, kResetTimeout));
    ASSERT_TRUE(d.expect_nothing(Millis{1000}));
    ASSERT_TRUE(d.transact("AT+WCHECK=?", "0,0,0,0\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SCON=?", "O,TSN,,0,5000,1\r\n[OK]\r\n"));
}

TEST(Spec2_2_Wcheck, NoLinkWithoutAServiceRecordIsNoReason) {
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+WCHECK=10,5,1", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_nothing(kLongerThanAPeriod));
    ASSERT_TRUE(d.transact("AT+WCHECK=?", "10,5,1,0\r\n[OK]\r\n"));
}

TEST(Spec2_2_Wcheck, ServiceModeWithTheLinkUpStays) {
    const std::uint16_t port = free_tcp_port();
    ASSERT_NE(port, 0);
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+SCON=S,TSN,,," + port_text(port) + ",0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WCHECK=10,5,1", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_nothing(kLongerThanAPeriod));
    ASSERT_TRUE(d.transact("AT+WJOIN", "Already Associated : Station Mode\r\n[OK]\r\n"));
}

}  // namespace
}  // namespace wizfi250d::conformance
