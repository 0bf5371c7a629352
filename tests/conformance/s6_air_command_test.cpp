// SPDX-License-Identifier: Apache-2.0
// Spec §6: Air command mode (AT+MAIRCMD), on 127.0.0.1 only. With --interface lo the link
// address after AT+WJOIN is 127.0.0.1, which is where the Air-command server listens.
//
// A request is one TCP segment or one UDP datagram: `WizFi250AirCmd:` (case-sensitive), then the
// command text, ending in CR. The reply is the captured output (no echo), sent back as one
// TCP send / one datagram; nothing of it appears on the serial line. The daemon settings
// `air_command` and `air_command_allow` (daemon_config.cpp) are given in a test config file.

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "peers.hpp"
#include "temp_config.hpp"

namespace wizfi250d::conformance {
namespace {

constexpr std::string_view kPrefix = "WizFi250AirCmd:";
// The reply of AT+MINFO: its output then [OK], no echo.
constexpr std::string_view kMinfoReply =
    "FW version/HW version\r\n1.0.5.2/WizFi250 Rev 1.0\r\n[OK]\r\n";
// Spec §6: 1450 bytes kept, then '.' up to 1459.
constexpr std::size_t kReplyKept = 1450;
constexpr std::size_t kReplyLimit = 1459;

std::string request(std::string_view commands) {
    return std::string(kPrefix) + std::string(commands);
}

DaemonOptions options_with_config(const TempConfig& config) {
    DaemonOptions options = loopback_options();
    options.extra_args.push_back("--config");
    options.extra_args.push_back(config.path());
    return options;
}

// Starts, joins, and opens the TCP Air-command server on `port`:
//   H> AT+MAIRCMD=O,T,<port>,0\r   M< AT+MAIRCMD=O,T,<port>,0\r\n[OK]\r\n
::testing::AssertionResult start_tcp_air(Daemon& d, std::uint16_t port) {
    if (auto r = start_and_join(d); !r) return r;
    return d.transact("AT+MAIRCMD=O,T," + port_text(port) + ",0", "[OK]\r\n");
}

// ---- TCP ----------------------------------------------------------------------------------------

// A joined daemon whose TCP Air-command server listens on `port`, and a client connected to it.
class Spec6_AirCommandTcp : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_NE(port, 0);
        ASSERT_TRUE(start_tcp_air(d, port));
        ASSERT_TRUE(client.connect(port));
    }

    // Sends `bytes` on the client's connection: the module answers nothing (only a request ending
    // in CR after the exact prefix is one). The client then connects anew, as the server serves
    // one connection at a time and nothing of this one may carry over to the next request.
    ::testing::AssertionResult expect_ignored(std::string_view bytes) {
        if (auto r = client.send(bytes); !r) return r;
        if (auto r = client.expect_nothing(Millis{1000}); !r) return r;
        return client.connect(port);
    }

    const std::uint16_t port = free_tcp_port();
    Daemon d{loopback_options()};
    TcpConnection client;
};

TEST_F(Spec6_AirCommandTcp, MinfoRepliesOverTheAirAndNothingOnTheSerialLine) {
    // client → module: "WizFi250AirCmd:AT+MINFO\r" (one segment, 24 bytes)
    ASSERT_TRUE(client.send(request("AT+MINFO\r")));
    // module → client: "FW version/HW version\r\n1.0.5.2/WizFi250 Rev 1.0\r\n[OK]\r\n"
    ASSERT_TRUE(client.expect(kMinfoReply));
    ASSERT_TRUE(client.expect_nothing());
    // Nothing at all on the UART: no echo, no output, no event.
    ASSERT_TRUE(d.expect_nothing(Millis{500}));
    // The serial line still works normally afterwards.
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST_F(Spec6_AirCommandTcp, MmacQuery) {
    // Appendix B11: "WizFi250AirCmd:AT+MMAC=?\r" (25 bytes) → "<MAC>\r\n[OK]\r\n"
    ASSERT_TRUE(client.send(request("AT+MMAC=?\r")));
    ASSERT_TRUE(client.expect("00:08:DC:00:00:00\r\n[OK]\r\n"));
    ASSERT_TRUE(d.expect_nothing(Millis{500}));
}

TEST_F(Spec6_AirCommandTcp, TwoCommandsInOnePacketGiveBothOutputs) {
    // "WizFi250AirCmd:AT\rAT+MECHO=?\r" → "[OK]\r\n" + "1\r\n[OK]\r\n", in one reply
    ASSERT_TRUE(client.send(request("AT\rAT+MECHO=?\r")));
    ASSERT_TRUE(client.expect("[OK]\r\n1\r\n[OK]\r\n"));
    ASSERT_TRUE(client.expect_nothing());
    ASSERT_TRUE(d.expect_nothing(Millis{500}));
}

TEST_F(Spec6_AirCommandTcp, AirCommandChangesTheRamProfile) {
    // The same command parser: a setting made over the air is the module's setting.
    ASSERT_TRUE(client.send(request("AT+MEVTDELAY=20\r")));
    ASSERT_TRUE(client.expect("[OK]\r\n"));
    ASSERT_TRUE(d.expect_nothing(Millis{300}));
    ASSERT_TRUE(d.transact("AT+MEVTDELAY=?", "20\r\n[OK]\r\n"));
    // An unknown command gives its error over the air.
    ASSERT_TRUE(client.send(request("AT+FOO\r")));
    ASSERT_TRUE(client.expect("[ERROR: INVALID INPUT]\r\n"));
}

TEST_F(Spec6_AirCommandTcp, RequestWithoutTrailingCrGetsNoReply) {
    // The last byte must be CR (0x0D); "...AT+MINFO" alone is ignored, nor LF instead of CR, nor
    // 0x1d (the PG's typo).
    ASSERT_TRUE(expect_ignored(request("AT+MINFO")));
    ASSERT_TRUE(expect_ignored(request("AT+MINFO\n")));
    ASSERT_TRUE(expect_ignored(request("AT+MINFO\x1d")));
    ASSERT_TRUE(d.expect_nothing());
    // The server is still there for a good request.
    ASSERT_TRUE(client.send(request("AT+MINFO\r")));
    ASSERT_TRUE(client.expect(kMinfoReply));
}

TEST_F(Spec6_AirCommandTcp, WrongCasePrefixGetsNoReply) {
    ASSERT_TRUE(expect_ignored("wizfi250aircmd:AT+MINFO\r"));
    ASSERT_TRUE(expect_ignored("WIZFI250AIRCMD:AT+MINFO\r"));
    // No prefix at all:
    ASSERT_TRUE(expect_ignored("AT+MINFO\r"));
    ASSERT_TRUE(d.expect_nothing());
}

TEST_F(Spec6_AirCommandTcp, ServerTakesTheNextClientAfterOneLeaves) {
    ASSERT_TRUE(client.send(request("AT\r")));
    ASSERT_TRUE(client.expect("[OK]\r\n"));
    client.close();
    TcpConnection second;
    ASSERT_TRUE(second.connect(port));
    ASSERT_TRUE(second.send(request("AT\r")));
    ASSERT_TRUE(second.expect("[OK]\r\n"));
    // The Air-command socket is not one of the 8 CIDs.
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(0) + "[OK]\r\n"));
}

TEST_F(Spec6_AirCommandTcp, LongOutputIsCappedWithDots) {
    // The whole AT+MHELP output on the serial line (byte-exact in s2_4_management_test.cpp).
    ASSERT_TRUE(d.send("AT+MHELP\r"));
    std::string serial;
    ASSERT_TRUE(d.read_until("\r\n[OK]\r\n", serial));
    const std::string echo = "AT+MHELP\r\n";
    ASSERT_EQ(serial.compare(0, echo.size(), echo), 0) << escape_bytes(serial.substr(0, 40));
    const std::string help = serial.substr(echo.size());
    ASSERT_GT(help.size(), kReplyLimit) << "AT+MHELP is expected to be longer than the cap";
    // Over the air: the first 1450 bytes, then '.' up to 1459 bytes, the rest dropped.
    const std::string expected =
        help.substr(0, kReplyKept) + std::string(kReplyLimit - kReplyKept, '.');
    ASSERT_TRUE(client.send(request("AT+MHELP\r")));
    ASSERT_TRUE(client.expect(expected));
    ASSERT_TRUE(client.expect_nothing(Millis{500}));
    ASSERT_TRUE(d.expect_nothing());
}

TEST_F(Spec6_AirCommandTcp, RebootingCommandGivesNoReplyAndTheBannerOnTheSerialLine) {
    ASSERT_TRUE(client.send(request("AT+MRESET\r")));
    // No reply: the [OK] went into the capture, which a reboot throws away; the Air-command
    // server goes down with the reboot.
    ASSERT_TRUE(client.expect_closed(kBootTimeout));
    // On the UART: the link goes down as for any reset with a link (spec §3.5, B10), then the
    // banner. (§6 captures the output "made while the command runs"; the daemon ends the
    // capture before the shutdown, so the Link-Down event reaches the UART.)
    std::string serial;
    ASSERT_TRUE(d.read_until(kBanner, serial, kBootTimeout));
    EXPECT_EQ(escape_bytes(serial),
              escape_bytes("\r\n[Link-Down Event]\r\n" + std::string(kBanner)));
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
    // The Air-command record was RAM only: nothing listens after the reboot.
    TcpConnection after;
    ASSERT_TRUE(after.expect_refused(port));
}

TEST_F(Spec6_AirCommandTcp, QueryShowsTheRecord) {
    // H> AT+MAIRCMD=?\r   M< AT+MAIRCMD=?\r\nO,T,<port>,0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MAIRCMD=?", "O,T," + port_text(port) + ",0\r\n[OK]\r\n"));
}

TEST_F(Spec6_AirCommandTcp, OpenWhileRunningIsInvalidInput) {
    const std::uint16_t other_port = free_tcp_port();
    ASSERT_NE(other_port, 0);
    ASSERT_TRUE(
        d.transact("AT+MAIRCMD=O,T," + port_text(other_port) + ",0", "[ERROR: INVALID INPUT]\r\n"));
    // The running server and its record are unchanged.
    ASSERT_TRUE(d.transact("AT+MAIRCMD=?", "O,T," + port_text(port) + ",0\r\n[OK]\r\n"));
    TcpConnection other;
    ASSERT_TRUE(other.expect_refused(other_port));
    ASSERT_TRUE(client.send(request("AT\r")));
    ASSERT_TRUE(client.expect("[OK]\r\n"));
}

// ---- UDP ----------------------------------------------------------------------------------------

TEST(Spec6_AirCommand, UdpRepliesToTheSender) {
    const std::uint16_t port = free_udp_port();
    ASSERT_NE(port, 0);
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+MAIRCMD=O,U,<port>,0\r   M< AT+MAIRCMD=O,U,<port>,0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MAIRCMD=O,U," + port_text(port) + ",0", "[OK]\r\n"));
    UdpPeer first;
    ASSERT_TRUE(first.open());
    UdpPeer second;
    ASSERT_TRUE(second.open());
    ASSERT_TRUE(first.send_to(port, request("AT+MINFO\r")));
    std::uint16_t from = 0;
    ASSERT_TRUE(first.expect_datagram(kMinfoReply, &from));
    EXPECT_EQ(from, port) << "the reply should come from the Air-command port";
    // Each requester gets its own reply.
    ASSERT_TRUE(second.send_to(port, request("AT+MMAC=?\r")));
    ASSERT_TRUE(second.expect_datagram("00:08:DC:00:00:00\r\n[OK]\r\n"));
    ASSERT_TRUE(first.expect_nothing());
    // A bad request: no reply.
    ASSERT_TRUE(first.send_to(port, request("AT+MINFO")));
    ASSERT_TRUE(first.expect_nothing(Millis{1000}));
    ASSERT_TRUE(d.expect_nothing());
    ASSERT_TRUE(d.transact("AT+MAIRCMD=?", "O,U," + port_text(port) + ",0\r\n[OK]\r\n"));
}

// ---- AT+MAIRCMD itself
// ----------------------------------------------------------------------------

TEST(Spec6_AirCommand, LowerCaseLettersAreAcceptedAndShownUpperCase) {
    const std::uint16_t port = free_tcp_port();
    ASSERT_NE(port, 0);
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+MAIRCMD=o,t," + port_text(port) + ",0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MAIRCMD=?", "O,T," + port_text(port) + ",0\r\n[OK]\r\n"));
    TcpConnection client;
    ASSERT_TRUE(client.connect(port));
    ASSERT_TRUE(client.send(request("AT\r")));
    ASSERT_TRUE(client.expect("[OK]\r\n"));
}

TEST(Spec6_AirCommand, OpenWithoutLinkIsWifiStatus) {
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    // H> AT+MAIRCMD=O,T,50001,0\r   M< AT+MAIRCMD=O,T,50001,0\r\n[ERROR: WiFi Status]\r\n
    ASSERT_TRUE(d.transact("AT+MAIRCMD=O,T,50001,0", "[ERROR: WiFi Status]\r\n"));
}

TEST(Spec6_AirCommand, StoreOnlyDoesNotListen) {
    const std::uint16_t port = free_tcp_port();
    ASSERT_NE(port, 0);
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    // S: stored only; no link needed.
    ASSERT_TRUE(d.transact("AT+MAIRCMD=S,T," + port_text(port) + ",0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MAIRCMD=?", "S,T," + port_text(port) + ",0\r\n[OK]\r\n"));
    TcpConnection client;
    ASSERT_TRUE(client.expect_refused(port));
}

TEST(Spec6_AirCommand, BadParametersAreInvalidInput) {
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+MAIRCMD=X,T,50001,0", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT+MAIRCMD=O,X,50001,0", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT+MAIRCMD=O", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT+MAIRCMD=O,T,port,0", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT+MAIRCMD=O,T,50001,XYZ", "[ERROR: INVALID INPUT]\r\n"));
}

// ---- daemon settings: air_command, air_command_allow
// ----------------------------------------------

TEST(Spec6_AirCommand, AirCommandOffInTheConfigRefusesToStart) {
    const TempConfig config("air_command = off\n");
    const std::uint16_t port = free_tcp_port();
    ASSERT_NE(port, 0);
    Daemon d(options_with_config(config));
    ASSERT_TRUE(start_and_join(d));
    // H> AT+MAIRCMD=O,T,<port>,0\r   M< AT+MAIRCMD=O,T,<port>,0\r\n[ERROR]\r\n
    ASSERT_TRUE(d.transact("AT+MAIRCMD=O,T," + port_text(port) + ",0", "[ERROR]\r\n"));
    TcpConnection client;
    ASSERT_TRUE(client.expect_refused(port));
    UdpPeer udp;
    ASSERT_TRUE(udp.open());
    const std::uint16_t udp_port = free_udp_port();
    ASSERT_NE(udp_port, 0);
    ASSERT_TRUE(d.transact("AT+MAIRCMD=O,U," + port_text(udp_port) + ",0", "[ERROR]\r\n"));
    ASSERT_TRUE(udp.send_to(udp_port, request("AT+MINFO\r")));
    ASSERT_TRUE(udp.expect_nothing(Millis{1000}));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec6_AirCommand, ClientOutsideTheAllowListIsClosedWithoutReply) {
    const TempConfig config("air_command_allow = 10.0.0.0/8\n");
    const std::uint16_t port = free_tcp_port();
    ASSERT_NE(port, 0);
    Daemon d(options_with_config(config));
    ASSERT_TRUE(start_tcp_air(d, port));
    TcpConnection client;
    ASSERT_TRUE(client.connect(port));
    // The request may or may not be written before the daemon closes: only the outcome counts.
    const auto sent = client.send(request("AT+MINFO\r"));
    (void)sent;
    ASSERT_TRUE(client.expect_closed());
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec6_AirCommand, UdpClientOutsideTheAllowListGetsNoReply) {
    const TempConfig config("air_command_allow = 10.0.0.0/8, 192.168.0.0/16\n");
    const std::uint16_t port = free_udp_port();
    ASSERT_NE(port, 0);
    Daemon d(options_with_config(config));
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+MAIRCMD=O,U," + port_text(port) + ",0", "[OK]\r\n"));
    UdpPeer peer;
    ASSERT_TRUE(peer.open());
    ASSERT_TRUE(peer.send_to(port, request("AT+MINFO\r")));
    ASSERT_TRUE(peer.expect_nothing(Millis{1000}));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec6_AirCommand, ClientInsideTheAllowListIsServed) {
    const TempConfig config("air_command_allow = 10.0.0.0/8, 127.0.0.0/8\n");
    const std::uint16_t port = free_tcp_port();
    ASSERT_NE(port, 0);
    Daemon d(options_with_config(config));
    ASSERT_TRUE(start_tcp_air(d, port));
    TcpConnection client;
    ASSERT_TRUE(client.connect(port));
    ASSERT_TRUE(client.send(request("AT+MINFO\r")));
    ASSERT_TRUE(client.expect(kMinfoReply));
}

}  // namespace
}  // namespace wizfi250d::conformance
