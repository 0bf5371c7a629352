// SPDX-License-Identifier: Apache-2.0
// Spec §2.5 AT+FPING and AT+FDNS. Every test starts a fresh daemon at factory settings (echo on,
// MMSG=2). The tests with a link use the host Wi-Fi backend on `lo` (AT+WJOIN gives 127.0.0.1):
// pings go to 127.0.0.1 only, and the names looked up never reach a DNS server ("localhost" is
// in /etc/hosts, names under ".invalid" are refused before any query, a dotted quad needs none).
//
// Firmware (wx_commands_f.c, WICED NetX_Duo tcpip.c/dns.c), as the tests expect it:
//  - FPING parses the count (> 50 → INVALID INPUT) and the IP, then calls wiced_ping once per
//    ping with a 900 ms limit; wiced_ping fails its link check at once without a link ("Ping
//    error"), and the command always ends with [OK].
//  - FDNS needs both fields (the timeout a number, any value); wiced_hostname_lookup checks the
//    station link first ([ERROR] without one, even for a dotted quad), answers a dotted quad
//    itself, and fails a name when the time limit is 0 (its DNS loop runs "while remaining_time
//    > 0").

#include <boost/asio/io_context.hpp>
#include <regex>
#include <string>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "peers.hpp"
#include "wizfi250d/net/pinger.hpp"

namespace wizfi250d::conformance {
namespace {

// Whether this machine lets the daemon (same user as the test) open an ICMP socket: without
// one every ping is "Ping error" (net.ipv4.ping_group_range or CAP_NET_RAW decides).
bool can_ping() {
    boost::asio::io_context io;
    return Pinger::create(io)->socket_kind() != IcmpSocketKind::none;
}

// One "Ping Reply : %3u ms\r\n" line: the time is right-aligned in three places (wider only
// above 999 ms, which a 900 ms limit never gives).
const std::string kReplyLine = R"(Ping Reply : (?:  [0-9]| [1-9][0-9]|[1-9][0-9]{2}) ms\r\n)";

// ---- parameter errors (no link needed: the parameters are checked first) ------------------------

TEST(Spec2_5_Fping, CountAboveFiftyIsInvalid) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+FPING=51,127.0.0.1\r   M< AT+FPING=51,127.0.0.1\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+FPING=51,127.0.0.1", kInvalidInput));
}

TEST(Spec2_5_Fping, MissingOrBadAddressIsInvalid) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+FPING=1", kInvalidInput));
    ASSERT_TRUE(d.transact("AT+FPING=1,1.2.3", kInvalidInput));
    ASSERT_TRUE(d.transact("AT+FPING=1,", kInvalidInput));
    ASSERT_TRUE(d.transact("AT+FPING=1,localhost", kInvalidInput));  // no host names
    ASSERT_TRUE(d.transact("AT+FPING=1,127.0.0.256", kInvalidInput));
}

TEST(Spec2_5_Fdns, MissingFieldIsInvalid) {
    Daemon d;
    ASSERT_TRUE(d.start());
    // H> AT+FDNS=localhost\r   M< AT+FDNS=localhost\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+FDNS=localhost", kInvalidInput));
    ASSERT_TRUE(d.transact("AT+FDNS=", kInvalidInput));
    ASSERT_TRUE(d.transact("AT+FDNS=,1000", kInvalidInput));
    ASSERT_TRUE(d.transact("AT+FDNS=localhost,", kInvalidInput));
    ASSERT_TRUE(d.transact("AT+FDNS=localhost,1s", kInvalidInput));  // the timeout is a number
}

// ---- without a link
// ------------------------------------------------------------------------------

TEST(Spec2_5_Fping, WithoutALinkEveryPingIsAnErrorAndTheCommandIsOk) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+FPING=2,127.0.0.1", "Ping error\r\nPing error\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+FPING=0,127.0.0.1", kOk));
}

TEST(Spec2_5_Fdns, WithoutALinkEveryLookupFails) {
    Daemon d;
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+FDNS=localhost,1000", kError));
    ASSERT_TRUE(d.transact("AT+FDNS=127.0.0.1,1000", kError));  // the link is checked first
}

// ---- with a link on loopback
// ---------------------------------------------------------------------

TEST(Spec2_5_Fping, TwoRepliesThenOk) {
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+FPING=2,127.0.0.1\r
    // M< AT+FPING=2,127.0.0.1\r\nPing Reply :   0 ms\r\nPing Reply :   0 ms\r\n[OK]\r\n
    //    (the times vary: each is checked against %3u)
    ASSERT_TRUE(d.send("AT+FPING=2,127.0.0.1\r"));
    ASSERT_TRUE(d.expect("AT+FPING=2,127.0.0.1\r\n"));
    std::string out;
    ASSERT_TRUE(d.read_until("[OK]\r\n", out));
    if (can_ping()) {
        EXPECT_TRUE(std::regex_match(out, std::regex(kReplyLine + kReplyLine + R"(\[OK\]\r\n)")))
            << escape_bytes(out);
    } else {
        EXPECT_EQ(out, "Ping error\r\nPing error\r\n[OK]\r\n") << "no ICMP socket on this machine";
    }
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec2_5_Fping, ZeroPingsIsJustOk) {
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+FPING=0,127.0.0.1", kOk));
}

TEST(Spec2_5_Fping, InputDuringThePingsWaitsForIt) {
    if (!can_ping()) GTEST_SKIP() << "no ICMP socket on this machine";
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+FPING=3,127.0.0.1\rAT\r (at once)
    // M< AT+FPING=3,127.0.0.1\r\n<3 reply lines>[OK]\r\n, and only then AT\r\n[OK]\r\n: the
    //    module reads the serial line again when the long command has ended.
    ASSERT_TRUE(d.send("AT+FPING=3,127.0.0.1\rAT\r"));
    ASSERT_TRUE(d.expect("AT+FPING=3,127.0.0.1\r\n"));
    std::string out;
    ASSERT_TRUE(d.read_until("[OK]\r\n", out));
    EXPECT_TRUE(
        std::regex_match(out, std::regex(kReplyLine + kReplyLine + kReplyLine + R"(\[OK\]\r\n)")))
        << escape_bytes(out);
    ASSERT_TRUE(d.expect("AT\r\n[OK]\r\n"));
}

TEST(Spec2_5_Fdns, LocalhostIsFound) {
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+FDNS=localhost,1000\r   M< AT+FDNS=localhost,1000\r\n127.0.0.1\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+FDNS=localhost,1000", "127.0.0.1\r\n[OK]\r\n"));
}

TEST(Spec2_5_Fdns, DottedQuadIsItsOwnAnswer) {
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+FDNS=127.0.0.5,1000", "127.0.0.5\r\n[OK]\r\n"));
    // Even with a time limit of 0: no query is made.
    ASSERT_TRUE(d.transact("AT+FDNS=127.0.0.5,0", "127.0.0.5\r\n[OK]\r\n"));
}

TEST(Spec2_5_Fdns, LookupFailureIsError) {
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+FDNS=no-such-host.invalid,1000", kError));
    // A time limit of 0 fails every name that needs a query, as in the firmware.
    ASSERT_TRUE(d.transact("AT+FDNS=localhost,0", kError));
}

}  // namespace
}  // namespace wizfi250d::conformance
