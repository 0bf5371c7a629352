// SPDX-License-Identifier: Apache-2.0
// Spec §4 (data mode, the +++ escape, AT+SDATA) and Appendix B6/B7, against real loopback
// peers. Fresh daemon per test, factory settings, host Wi-Fi backend on `lo`.
//
// In data mode there is no echo and no header: bytes from the host arrive at the peer as they
// are, and bytes from the peer arrive on the serial line as they are. "+++" followed by 1000 ms
// of silence (no guard time before it) gives "[OK]\r\n" and command mode.

#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "peers.hpp"

namespace wizfi250d::conformance {
namespace {

// Silence long enough for the 1000 ms escape timer to have fired if it was (wrongly) armed.
constexpr Millis kLongerThanEscape{1600};

// H> AT+SCON=O,TCN,127.0.0.1,<server>,,1\r
// M< AT+SCON=O,TCN,127.0.0.1,<server>,,1\r\n[OK]\r\n\r\n[CONNECT 0]\r\n   (now data mode)
::testing::AssertionResult open_data_mode_tcp_client(Daemon& d, TcpServer& server,
                                                     TcpConnection& peer) {
    if (auto r = d.transact("AT+SCON=O,TCN,127.0.0.1," + port_text(server.port()) + ",,1",
                            "[OK]\r\n\r\n[CONNECT 0]\r\n", kConnectTimeout);
        !r)
        return r;
    return server.accept(peer);
}

// H> +++   (then silence)   M< [OK]\r\n
::testing::AssertionResult escape(Daemon& d) {
    if (auto r = d.send("+++"); !r) return r;
    return d.expect("[OK]\r\n", kEscapeTimeout);
}

// ---- TCP client in data mode -------------------------------------------------------------------

TEST(Spec4, TcpClientDataModePassesRawBytesBothWays) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_data_mode_tcp_client(d, server, peer));
    // H> hello\r\nAT\r   (data: no echo, not a command)
    ASSERT_TRUE(d.send("hello\r\nAT\r"));
    ASSERT_TRUE(peer.expect("hello\r\nAT\r"));
    ASSERT_TRUE(d.expect_nothing());
    // Peer sends "world\r\n":   M< world\r\n   (no header, no trailer)
    ASSERT_TRUE(peer.send("world\r\n"));
    ASSERT_TRUE(d.expect("world\r\n"));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec4, DataModeCarriesBinaryBytes) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_data_mode_tcp_client(d, server, peer));
    static constexpr char kBytes[] = "\x00\x01\x08\x1b\x7f\x80\xfe\xff\r\n{}";
    const std::string bytes(kBytes, sizeof kBytes - 1);
    ASSERT_TRUE(d.send(bytes));
    ASSERT_TRUE(peer.expect(bytes));
    ASSERT_TRUE(peer.send(bytes));
    ASSERT_TRUE(d.expect(bytes));
}

TEST(Spec4, DataModeLargeTransferBothWays) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_data_mode_tcp_client(d, server, peer));
    const std::string up = pattern_payload(6000);
    ASSERT_TRUE(d.send(up));
    ASSERT_TRUE(peer.expect(up, kBootTimeout));
    const std::string down = pattern_payload(6000).substr(17) + "tail";
    ASSERT_TRUE(peer.send(down));
    ASSERT_TRUE(d.expect(down, kBootTimeout));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec4, EscapeWithSilenceGivesOkAndCommandMode) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_data_mode_tcp_client(d, server, peer));
    // H> +++   (then ≥ 1000 ms nothing)   M< [OK]\r\n
    ASSERT_TRUE(d.send("+++"));
    ASSERT_TRUE(d.expect("[OK]\r\n", kEscapeTimeout));
    // The "+++" is not data.
    ASSERT_TRUE(peer.expect_nothing());
    // Command mode: echo is back.   H> AT\r   M< AT\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
    // The socket stays open.
    ASSERT_TRUE(peer.expect_nothing());
}

TEST(Spec4, SmgmtAfterEscapeShowsDataModeOne) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_data_mode_tcp_client(d, server, peer));
    ASSERT_TRUE(escape(d));
    // M< AT+SMGMT=?\r\nNumber of Sockets : 1
    // (...)\r\n0/TCN/127.0.0.1:<server>/<local>/1\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(1) +
                                             "0/TCN/127.0.0.1:" + port_text(server.port()) + "/" +
                                             port_text(peer.remote_port()) + "/1\r\n[OK]\r\n"));
}

TEST(Spec4, SdataReturnsToDataMode) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_data_mode_tcp_client(d, server, peer));
    ASSERT_TRUE(escape(d));
    // H> AT+SDATA\r   M< AT+SDATA\r\n[OK]\r\n   (the next byte is data)
    ASSERT_TRUE(d.transact("AT+SDATA", "[OK]\r\n"));
    ASSERT_TRUE(d.send("again"));
    ASSERT_TRUE(peer.expect("again"));
    ASSERT_TRUE(d.expect_nothing());
    ASSERT_TRUE(peer.send("back"));
    ASSERT_TRUE(d.expect("back"));
    // And it can escape again.
    ASSERT_TRUE(escape(d));
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec4, ReceivedDataAfterEscapeHasTheCommandModeHeader) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_data_mode_tcp_client(d, server, peer));
    ASSERT_TRUE(escape(d));
    // §4.3: M< {0,127.0.0.1,<server>,5}hello\r\n
    ASSERT_TRUE(peer.send("hello"));
    ASSERT_TRUE(d.expect(frame(0, server.port(), "hello")));
}

TEST(Spec4, SsendWorksOnTheDataSocketAfterEscape) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_data_mode_tcp_client(d, server, peer));
    ASSERT_TRUE(escape(d));
    // H> AT+SSEND=0,,,3\r   M< AT+SSEND=0,,,3\r\n[0,,,3]\r\n   H> abc   M< [OK]\r\n
    ASSERT_TRUE(ssend(d, 0, "abc"));
    ASSERT_TRUE(peer.expect("abc"));
}

TEST(Spec4, EscapeNeedsNoGuardTimeBefore) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_data_mode_tcp_client(d, server, peer));
    // H> data+++   (one write, then silence)   → "data" to the peer, M< [OK]\r\n
    ASSERT_TRUE(d.send("data+++"));
    ASSERT_TRUE(peer.expect("data"));
    ASSERT_TRUE(d.expect("[OK]\r\n", kEscapeTimeout));
    ASSERT_TRUE(peer.expect_nothing());
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec4, FourPlusesAreData) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_data_mode_tcp_client(d, server, peer));
    // H> ++++   → all four are data; no escape.
    ASSERT_TRUE(d.send("++++"));
    ASSERT_TRUE(peer.expect("++++", kEscapeTimeout));
    ASSERT_TRUE(d.expect_nothing(kLongerThanEscape));
    // Still data mode.
    ASSERT_TRUE(d.send("y"));
    ASSERT_TRUE(peer.expect("y"));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec4, PlusesFollowedByAnotherByteAreData) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_data_mode_tcp_client(d, server, peer));
    // H> +++x   → "+++x" to the peer, in order; no escape.
    ASSERT_TRUE(d.send("+++x"));
    ASSERT_TRUE(peer.expect("+++x"));
    ASSERT_TRUE(d.expect_nothing(kLongerThanEscape));
    ASSERT_TRUE(d.send("y"));
    ASSERT_TRUE(peer.expect("y"));
}

TEST(Spec4, OneOrTwoPlusesThenSilenceAreData) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_data_mode_tcp_client(d, server, peer));
    // H> ++   (then silence) → when the escape timer fires, "++" becomes data.
    ASSERT_TRUE(d.send("++"));
    ASSERT_TRUE(peer.expect("++", kEscapeTimeout));
    ASSERT_TRUE(d.expect_nothing());
    // H> +    (then silence) → "+".
    ASSERT_TRUE(d.send("+"));
    ASSERT_TRUE(peer.expect("+", kEscapeTimeout));
    ASSERT_TRUE(d.expect_nothing());
    ASSERT_TRUE(d.send("y"));
    ASSERT_TRUE(peer.expect("y"));
}

TEST(Spec4, SconWhileTheDataSocketIsConnectedIsModeStatus) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    const std::uint16_t usn_port = free_udp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_data_mode_tcp_client(d, server, peer));
    ASSERT_TRUE(escape(d));
    // §2.3 step 2. H> AT+SCON=O,USN,,,<port>,0\r   M< ...\r\n[ERROR: Mode Status]\r\n
    ASSERT_TRUE(
        d.transact("AT+SCON=O,USN,,," + port_text(usn_port) + ",0", "[ERROR: Mode Status]\r\n"));
    // Step 2 comes before the open-type step (6): even S is refused.
    // H> AT+SCON=S,TSN,,,5000,0\r   M< ...\r\n[ERROR: Mode Status]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=S,TSN,,,5000,0", "[ERROR: Mode Status]\r\n"));
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(1) +
                                             "0/TCN/127.0.0.1:" + port_text(server.port()) + "/" +
                                             port_text(peer.remote_port()) + "/1\r\n[OK]\r\n"));
}

TEST(Spec4, SdataWithoutADataSocketIsModeStatus) {
    const std::uint16_t usn_port = free_udp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SDATA\r   M< AT+SDATA\r\n[ERROR: Mode Status]\r\n
    ASSERT_TRUE(d.transact("AT+SDATA", "[ERROR: Mode Status]\r\n"));
    // A command-mode socket is not a data socket.
    ASSERT_TRUE(open_udp_server(d, usn_port, 0));
    ASSERT_TRUE(d.transact("AT+SDATA", "[ERROR: Mode Status]\r\n"));
}

TEST(Spec4, ClosingTheDataSocketEndsDataModeForGood) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_data_mode_tcp_client(d, server, peer));
    ASSERT_TRUE(escape(d));
    // H> AT+SMGMT=0\r   M< AT+SMGMT=0\r\n\r\n[DISCONNECT 0]\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=0", "\r\n[DISCONNECT 0]\r\n[OK]\r\n"));
    ASSERT_TRUE(peer.expect_closed());
    // H> AT+SDATA\r     M< AT+SDATA\r\n[ERROR: Mode Status]\r\n
    ASSERT_TRUE(d.transact("AT+SDATA", "[ERROR: Mode Status]\r\n"));
}

TEST(Spec4, PeerCloseInDataModeDisconnectsAndReturnsToCommandMode) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_data_mode_tcp_client(d, server, peer));
    // Peer sends "bye" and closes:   M< bye\r\n[DISCONNECT 0]\r\n
    ASSERT_TRUE(peer.send("bye"));
    peer.close();
    ASSERT_TRUE(d.expect("bye\r\n[DISCONNECT 0]\r\n"));
    // §4.5: command mode, echo on.   H> AT\r   M< AT\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(0) + "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SDATA", "[ERROR: Mode Status]\r\n"));
}

// ---- TCP server in data mode (B7) --------------------------------------------------------------

TEST(Spec4, TcpServerDataModeStaysInCommandModeUntilAClientArrives) {
    const std::uint16_t port = free_tcp_port();
    const std::string p = port_text(port);
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,TSN,,,<port>,1\r   M< AT+SCON=O,TSN,,,<port>,1\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN,,," + p + ",1", "[OK]\r\n"));
    // Still command mode: echo.   H> AT\r   M< AT\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
    ASSERT_TRUE(
        d.transact("AT+SMGMT=?", smgmt_header(1) + "0/TSN/0.0.0.0:0/" + p + "/1\r\n[OK]\r\n"));
    // A client:   M< \r\n[CONNECT 0]\r\n   and now data mode.
    TcpConnection client;
    ASSERT_TRUE(client.connect(port));
    ASSERT_TRUE(d.expect("\r\n[CONNECT 0]\r\n"));
    ASSERT_TRUE(d.send("AT\r"));
    ASSERT_TRUE(client.expect("AT\r"));
    ASSERT_TRUE(d.expect_nothing());
    ASSERT_TRUE(client.send("raw"));
    ASSERT_TRUE(d.expect("raw"));
}

TEST(AppendixB7, TcpServerDataModeClientComesAndGoes) {
    const std::uint16_t port = free_tcp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,TSN,,,<port>,1\r   M< AT+SCON=O,TSN,,,<port>,1\r\n[OK]\r\n   (command mode)
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN,,," + port_text(port) + ",1", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
    // Client accepted:   M< \r\n[CONNECT 0]\r\n   (now data mode)
    TcpConnection first;
    ASSERT_TRUE(first.connect(port));
    ASSERT_TRUE(d.expect("\r\n[CONNECT 0]\r\n"));
    ASSERT_TRUE(d.send("one"));
    ASSERT_TRUE(first.expect("one"));
    ASSERT_TRUE(d.expect_nothing());
    // Client left:       M< \r\n[DISCONNECT 0]\r\n   (command mode; CID 0 listens again)
    first.close();
    ASSERT_TRUE(d.expect("\r\n[DISCONNECT 0]\r\n"));
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
    // Next client:       M< \r\n[CONNECT 0]\r\n   (data mode again, by itself)
    TcpConnection second;
    ASSERT_TRUE(second.connect(port));
    ASSERT_TRUE(d.expect("\r\n[CONNECT 0]\r\n"));
    ASSERT_TRUE(d.send("two\r"));
    ASSERT_TRUE(second.expect("two\r"));
    ASSERT_TRUE(d.expect_nothing());
    ASSERT_TRUE(second.send("back"));
    ASSERT_TRUE(d.expect("back"));
}

TEST(Spec4, TcpServerEscapedAtDisconnectStaysInCommandModeWithTheNextClient) {
    const std::uint16_t port = free_tcp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN,,," + port_text(port) + ",1", "[OK]\r\n"));
    TcpConnection first;
    ASSERT_TRUE(first.connect(port));
    ASSERT_TRUE(d.expect("\r\n[CONNECT 0]\r\n"));
    ASSERT_TRUE(escape(d));
    first.close();
    ASSERT_TRUE(d.expect("\r\n[DISCONNECT 0]\r\n"));
    // §4.5: escaped at the moment of the disconnect → the next client leaves it in command mode.
    TcpConnection second;
    ASSERT_TRUE(second.connect(port));
    ASSERT_TRUE(d.expect("\r\n[CONNECT 0]\r\n"));
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
    ASSERT_TRUE(second.send("hi"));
    ASSERT_TRUE(d.expect(frame(0, second.local_port(), "hi")));
    // AT+SDATA goes to data mode with this client.
    ASSERT_TRUE(d.transact("AT+SDATA", "[OK]\r\n"));
    ASSERT_TRUE(d.send("data"));
    ASSERT_TRUE(second.expect("data"));
}

// ---- UDP in data mode
// ----------------------------------------------------------------------------

TEST(Spec4, UdpClientDataMode) {
    UdpPeer peer;
    ASSERT_TRUE(peer.open());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,UCN,127.0.0.1,<peer>,,1\r
    // M< AT+SCON=O,UCN,127.0.0.1,<peer>,,1\r\n[OK]\r\n\r\n[CONNECT 0]\r\n   (now data mode)
    ASSERT_TRUE(d.transact("AT+SCON=O,UCN,127.0.0.1," + port_text(peer.port()) + ",,1",
                           "[OK]\r\n\r\n[CONNECT 0]\r\n"));
    // H> hello   → datagram(s) "hello" at the peer, no echo
    ASSERT_TRUE(d.send("hello"));
    std::uint16_t local = 0;
    ASSERT_TRUE(peer.expect_stream("hello", &local));
    ASSERT_TRUE(d.expect_nothing());
    // Peer sends "world":   M< world   (raw)
    ASSERT_TRUE(peer.send_to(local, "world"));
    ASSERT_TRUE(d.expect("world"));
    ASSERT_TRUE(escape(d));
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(1) +
                                             "0/UCN/127.0.0.1:" + port_text(peer.port()) + "/" +
                                             port_text(local) + "/1\r\n[OK]\r\n"));
}

TEST(Spec4, UdpServerDataMode) {
    const std::uint16_t port = free_udp_port();
    UdpPeer peer;
    ASSERT_TRUE(peer.open());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,USN,,,<port>,1\r
    // M< AT+SCON=O,USN,,,<port>,1\r\n\r\n[CONNECT 0]\r\n[OK]\r\n   (design.md: CONNECT first)
    ASSERT_TRUE(
        d.transact("AT+SCON=O,USN,,," + port_text(port) + ",1", "\r\n[CONNECT 0]\r\n[OK]\r\n"));
    // The peer must speak first (the server learns its address).   M< ping   (raw)
    ASSERT_TRUE(peer.send_to(port, "ping"));
    ASSERT_TRUE(d.expect("ping"));
    // H> pong   → to the sender
    ASSERT_TRUE(d.send("pong"));
    std::uint16_t from = 0;
    ASSERT_TRUE(peer.expect_stream("pong", &from));
    EXPECT_EQ(from, port);
    ASSERT_TRUE(d.expect_nothing());
}

// ---- Appendix B6 --------------------------------------------------------------------------------

TEST(AppendixB6, DataModeWithEscapeAndReturn) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    const std::string p = port_text(server.port());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,TCN,127.0.0.1,<p>,,1\r
    // M< AT+SCON=O,TCN,127.0.0.1,<p>,,1\r\n[OK]\r\n\r\n[CONNECT 0]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0.1," + p + ",,1", "[OK]\r\n\r\n[CONNECT 0]\r\n",
                           kConnectTimeout));
    TcpConnection peer;
    ASSERT_TRUE(server.accept(peer));
    // H> <raw bytes>   M< <raw bytes from peer>
    ASSERT_TRUE(d.send("GET / HTTP/1.0\r\n\r\n"));
    ASSERT_TRUE(peer.expect("GET / HTTP/1.0\r\n\r\n"));
    ASSERT_TRUE(peer.send("HTTP/1.0 200 OK\r\n\r\n"));
    ASSERT_TRUE(d.expect("HTTP/1.0 200 OK\r\n\r\n"));
    // H> +++   M< [OK]\r\n
    ASSERT_TRUE(d.send("+++"));
    ASSERT_TRUE(d.expect("[OK]\r\n", kEscapeTimeout));
    // H> AT+SMGMT=?\r
    // M< AT+SMGMT=?\r\nNumber of Sockets : 1 (SCID/Mode/Remote/Local/DataMode)\r\n
    //    0/TCN/127.0.0.1:<p>/<local>/1\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=?",
                           "Number of Sockets : 1 (SCID/Mode/Remote/Local/DataMode)\r\n"
                           "0/TCN/127.0.0.1:" +
                               p + "/" + port_text(peer.remote_port()) + "/1\r\n[OK]\r\n"));
    // H> AT+SDATA\r   M< AT+SDATA\r\n[OK]\r\n   (data mode again)
    ASSERT_TRUE(d.transact("AT+SDATA", "[OK]\r\n"));
    ASSERT_TRUE(d.send("more"));
    ASSERT_TRUE(peer.expect("more"));
    ASSERT_TRUE(d.expect_nothing());
}

}  // namespace
}  // namespace wizfi250d::conformance
