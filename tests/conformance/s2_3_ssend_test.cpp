// SPDX-License-Identifier: Apache-2.0
// Spec §2.3 AT+SSEND (send a counted payload in command mode) against real loopback peers.
// The prompt comes before the payload is read; the payload is raw (no echo, CR/LF/+ are data).
// Fresh daemon per test, factory settings, host Wi-Fi backend on `lo`.

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "peers.hpp"

namespace wizfi250d::conformance {
namespace {

TEST(Spec2_3_Ssend, TcpPromptPayloadThenOk) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // H> AT+SSEND=0,,,5\r   M< AT+SSEND=0,,,5\r\n[0,,,5]\r\n
    ASSERT_TRUE(d.transact("AT+SSEND=0,,,5", "[0,,,5]\r\n"));
    // H> Hello              M< [OK]\r\n          (the payload is not echoed)
    ASSERT_TRUE(d.send("Hello"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    ASSERT_TRUE(peer.expect("Hello"));
    ASSERT_TRUE(peer.expect_nothing());
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec2_3_Ssend, TcpIgnoresNullIpFieldAsTheMbedDriverSendsIt) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // real-clients.md §1A: the mbed driver sends "(null)" as the IP, ends the line with a bare CR.
    // H> AT+SSEND=0,(null),,5\r   M< AT+SSEND=0,(null),,5\r\n[0,,,5]\r\n
    ASSERT_TRUE(d.transact("AT+SSEND=0,(null),,5", "[0,,,5]\r\n"));
    ASSERT_TRUE(d.send("Hello"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    ASSERT_TRUE(peer.expect("Hello"));
}

TEST(Spec2_3_Ssend, TcpIgnoresIpAndPortFields) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    UdpPeer elsewhere;
    ASSERT_TRUE(elsewhere.open());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // IP/port are used only for UDP sockets; for TCP the prompt has no IP and the bytes go to the
    // connected peer.
    // H> AT+SSEND=0,127.0.0.1,<other>,3\r   M< ...\r\n[0,,,3]\r\n
    ASSERT_TRUE(
        d.transact("AT+SSEND=0,127.0.0.1," + port_text(elsewhere.port()) + ",3", "[0,,,3]\r\n"));
    ASSERT_TRUE(d.send("abc"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    ASSERT_TRUE(peer.expect("abc"));
    ASSERT_TRUE(elsewhere.expect_nothing());
}

TEST(Spec2_3_Ssend, TcpServerAfterAccept) {
    const std::uint16_t port = free_tcp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection client;
    ASSERT_TRUE(open_tcp_server_with_client(d, port, client, 0));
    // H> AT+SSEND=0,,,5\r   M< AT+SSEND=0,,,5\r\n[0,,,5]\r\n   H> Hello   M< [OK]\r\n
    ASSERT_TRUE(d.transact("AT+SSEND=0,,,5", "[0,,,5]\r\n"));
    ASSERT_TRUE(d.send("Hello"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    ASSERT_TRUE(client.expect("Hello"));
}

TEST(Spec2_3_Ssend, UdpWithIpAndPortSendsThereAndKeepsItAsThePeer) {
    UdpPeer first;
    ASSERT_TRUE(first.open());
    UdpPeer second;
    ASSERT_TRUE(second.open());
    const std::string p2 = port_text(second.port());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(open_udp_client(d, first.port(), 0));
    // H> AT+SSEND=0,127.0.0.1,<second>,3\r
    // M< AT+SSEND=0,127.0.0.1,<second>,3\r\n[0,127.0.0.1,<second>,3]\r\n
    ASSERT_TRUE(d.transact("AT+SSEND=0,127.0.0.1," + p2 + ",3", "[0,127.0.0.1," + p2 + ",3]\r\n"));
    // H> abc   M< [OK]\r\n
    ASSERT_TRUE(d.send("abc"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    std::uint16_t local = 0;
    ASSERT_TRUE(second.expect_datagram("abc", &local));
    // Later sends without an address go to the new peer too (it overwrote the stored peer).
    // H> AT+SSEND=0,,,3\r   M< AT+SSEND=0,,,3\r\n[0,,,3]\r\n   H> def   M< [OK]\r\n
    ASSERT_TRUE(d.transact("AT+SSEND=0,,,3", "[0,,,3]\r\n"));
    ASSERT_TRUE(d.send("def"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    ASSERT_TRUE(second.expect_datagram("def"));
    ASSERT_TRUE(first.expect_nothing());
    // The listing shows the new peer.   0/UCN/127.0.0.1:<second>/<local>/0
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(1) + "0/UCN/127.0.0.1:" + p2 + "/" +
                                             port_text(local) + "/0\r\n[OK]\r\n"));
}

TEST(Spec2_3_Ssend, UdpClientWithoutAddressSendsToItsPeer) {
    UdpPeer peer;
    ASSERT_TRUE(peer.open());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(open_udp_client(d, peer.port(), 0));
    // H> AT+SSEND=0,,,4\r   M< AT+SSEND=0,,,4\r\n[0,,,4]\r\n   H> pong   M< [OK]\r\n
    ASSERT_TRUE(ssend(d, 0, "pong"));
    ASSERT_TRUE(peer.expect_datagram("pong"));
}

TEST(Spec2_3_Ssend, UdpServerWithoutPeerIsInvalidInput) {
    const std::uint16_t port = free_udp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(open_udp_server(d, port, 0));
    // Appendix B8: H> AT+SSEND=0,,,5\r   M< AT+SSEND=0,,,5\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SSEND=0,,,5", "[ERROR: INVALID INPUT]\r\n"));
    // No payload is read: the next line is a command.
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec2_3_Ssend, TcpServerNotYetConnectedIsInvalidInput) {
    const std::uint16_t port = free_tcp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN,,," + port_text(port) + ",0", "[OK]\r\n"));
    // H> AT+SSEND=0,,,5\r   M< AT+SSEND=0,,,5\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SSEND=0,,,5", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec2_3_Ssend, ClosedCidIsInvalidInput) {
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SSEND=0,,,5\r   M< AT+SSEND=0,,,5\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SSEND=0,,,5", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+SSEND=9,,,5\r   M< AT+SSEND=9,,,5\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SSEND=9,,,5", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec2_3_Ssend, MissingSizeIsInvalidInput) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // H> AT+SSEND=0,,,\r    M< AT+SSEND=0,,,\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SSEND=0,,,", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+SSEND=0\r       M< AT+SSEND=0\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SSEND=0", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(peer.expect_nothing());
}

TEST(Spec2_3_Ssend, SizeZeroPromptsThenOk) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // H> AT+SSEND=0,,,0\r   M< AT+SSEND=0,,,0\r\n[0,,,0]\r\n[OK]\r\n   (nothing is sent)
    ASSERT_TRUE(d.transact("AT+SSEND=0,,,0", "[0,,,0]\r\n[OK]\r\n"));
    ASSERT_TRUE(peer.expect_nothing());
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec2_3_Ssend, ExplicitTimeoutIsShownInThePrompt) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // H> AT+SSEND=0,,,5,3000\r   M< AT+SSEND=0,,,5,3000\r\n[0,,,5,3000]\r\n
    ASSERT_TRUE(d.transact("AT+SSEND=0,,,5,3000", "[0,,,5,3000]\r\n"));
    // H> Hello                   M< [OK]\r\n
    ASSERT_TRUE(d.send("Hello"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    ASSERT_TRUE(peer.expect("Hello"));
}

TEST(Spec2_3_Ssend, ShortPayloadTimesOutAndLaterBytesAreCommands) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // H> AT+SSEND=0,,,10,300\r   M< AT+SSEND=0,,,10,300\r\n[0,,,10,300]\r\n
    ASSERT_TRUE(d.transact("AT+SSEND=0,,,10,300", "[0,,,10,300]\r\n"));
    // H> abc   (3 of 10 bytes, then silence)   M< [ERROR]\r\n   (after the 300 ms timeout)
    ASSERT_TRUE(d.send("abc"));
    ASSERT_TRUE(d.expect("[ERROR]\r\n"));
    // The bytes of the unfinished chunk are dropped.
    ASSERT_TRUE(peer.expect_nothing());
    // What comes afterwards is parsed as commands again (echoed).
    // H> AT\r   M< AT\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec2_3_Ssend, PayloadWithControlBytesPassesThroughUntouched) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // CR, LF, CRLF, "+++", "AT\r", BS, NUL, ESC, 0xFF: all data.
    static constexpr char kBytes[] = "a\rb\nc\r\n+++AT\r\x08\x00\x1b\xff+++";
    const std::string payload(kBytes, sizeof kBytes - 1);
    const std::string n = std::to_string(payload.size());
    // H> AT+SSEND=0,,,<n>\r   M< AT+SSEND=0,,,<n>\r\n[0,,,<n>]\r\n
    ASSERT_TRUE(d.transact("AT+SSEND=0,,," + n, "[0,,," + n + "]\r\n"));
    // H> <payload>            M< [OK]\r\n   (no echo of any payload byte)
    ASSERT_TRUE(d.send(payload));
    ASSERT_TRUE(d.expect("[OK]\r\n", kEscapeTimeout));
    ASSERT_TRUE(peer.expect(payload));
    ASSERT_TRUE(d.expect_nothing(Millis{1500}));  // the "+++" at the end escaped nothing
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec2_3_Ssend, LargePayloadIsSentWhole) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // 5000 bytes of every byte value (sent internally in chunks of at most 1400 bytes).
    std::string payload;
    for (int i = 0; i < 5000; ++i)
        payload += static_cast<char>(i % 256);
    // H> AT+SSEND=0,,,5000\r   M< AT+SSEND=0,,,5000\r\n[0,,,5000]\r\n
    ASSERT_TRUE(d.transact("AT+SSEND=0,,,5000", "[0,,,5000]\r\n"));
    // H> <5000 bytes>          M< [OK]\r\n
    ASSERT_TRUE(d.send(payload));
    ASSERT_TRUE(d.expect("[OK]\r\n", kBootTimeout));
    ASSERT_TRUE(peer.expect(payload, kBootTimeout));
    ASSERT_TRUE(peer.expect_nothing());
}

TEST(Spec2_3_Ssend, UdpLargePayloadIsSentWhole) {
    UdpPeer peer;
    ASSERT_TRUE(peer.open());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(open_udp_client(d, peer.port(), 0));
    const std::string payload = pattern_payload(3000);
    // H> AT+SSEND=0,,,3000\r   M< ...\r\n[0,,,3000]\r\n   H> <3000 bytes>   M< [OK]\r\n
    ASSERT_TRUE(d.transact("AT+SSEND=0,,,3000", "[0,,,3000]\r\n"));
    ASSERT_TRUE(d.send(payload));
    ASSERT_TRUE(d.expect("[OK]\r\n", kBootTimeout));
    // Chunked by at most 1400 bytes: the datagrams together carry the payload in order.
    ASSERT_TRUE(peer.expect_stream(payload));
}

}  // namespace
}  // namespace wizfi250d::conformance
