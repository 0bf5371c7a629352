// SPDX-License-Identifier: Apache-2.0
// Spec §3.3 (received data in command mode: "{cid,ip,port,len}payload\r\n", AT+SFORM), the
// close events of §3.1, and the command-mode transcripts B4 and B8 of Appendix B, against real
// loopback peers. Fresh daemon per test, factory settings, host Wi-Fi backend on `lo`.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "peers.hpp"

namespace wizfi250d::conformance {
namespace {

// ---- frames at the factory format --------------------------------------------------------------

TEST(Spec3_3, TcpClientFrame) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // Peer sends "Hi WizFi250":   M< {0,127.0.0.1,<server>,11}Hi WizFi250\r\n   (no CRLF before)
    ASSERT_TRUE(peer.send("Hi WizFi250"));
    ASSERT_TRUE(d.expect("{0,127.0.0.1," + port_text(server.port()) + ",11}Hi WizFi250\r\n"));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec3_3, TcpServerFrameShowsTheClient) {
    const std::uint16_t port = free_tcp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection client;
    ASSERT_TRUE(open_tcp_server_with_client(d, port, client, 0));
    // M< {0,127.0.0.1,<client port>,5}hello\r\n
    ASSERT_TRUE(client.send("hello"));
    ASSERT_TRUE(d.expect("{0,127.0.0.1," + port_text(client.local_port()) + ",5}hello\r\n"));
}

TEST(Spec3_3, CidIsTheSocketsCid) {
    std::vector<std::uint16_t> ports;
    ASSERT_TRUE(free_udp_ports(3, ports));
    UdpPeer sender;
    ASSERT_TRUE(sender.open());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(open_udp_server(d, ports[0], 0));
    ASSERT_TRUE(open_udp_server(d, ports[1], 1));
    ASSERT_TRUE(open_udp_server(d, ports[2], 2));
    // A datagram to CID 2:   M< {2,127.0.0.1,<sender>,3}abc\r\n
    ASSERT_TRUE(sender.send_to(ports[2], "abc"));
    ASSERT_TRUE(d.expect("{2,127.0.0.1," + port_text(sender.port()) + ",3}abc\r\n"));
}

TEST(Spec3_3, BinaryPayloadIsWrittenExactly) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    static constexpr char kBytes[] = "\r\n}{\x00\xff[OK]\r\n";
    const std::string payload(kBytes, sizeof kBytes - 1);
    ASSERT_TRUE(peer.send(payload));
    ASSERT_TRUE(d.expect(frame(0, server.port(), payload)));
}

TEST(Spec3_3, UdpClientFrameShowsTheRealSenderButKeepsItsPeer) {
    UdpPeer remote;
    ASSERT_TRUE(remote.open());
    UdpPeer stranger;
    ASSERT_TRUE(stranger.open());
    const std::uint16_t local = free_udp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(open_udp_client(d, remote.port(), 0, local));
    // From the peer:      M< {0,127.0.0.1,<remote>,4}ping\r\n
    ASSERT_TRUE(remote.send_to(local, "ping"));
    ASSERT_TRUE(d.expect(frame(0, remote.port(), "ping")));
    // From a stranger:    M< {0,127.0.0.1,<stranger>,5}hello\r\n
    ASSERT_TRUE(stranger.send_to(local, "hello"));
    ASSERT_TRUE(d.expect(frame(0, stranger.port(), "hello")));
    // The stored peer did not change: SSEND still goes to the original peer.
    ASSERT_TRUE(ssend(d, 0, "pong"));
    ASSERT_TRUE(remote.expect_datagram("pong"));
    ASSERT_TRUE(stranger.expect_nothing());
}

TEST(Spec3_3, UdpServerAdoptsTheSenderAsItsPeer) {
    const std::uint16_t port = free_udp_port();
    UdpPeer first;
    ASSERT_TRUE(first.open());
    UdpPeer second;
    ASSERT_TRUE(second.open());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(open_udp_server(d, port, 0));
    // M< {0,127.0.0.1,<first>,4}ping\r\n
    ASSERT_TRUE(first.send_to(port, "ping"));
    ASSERT_TRUE(d.expect(frame(0, first.port(), "ping")));
    // H> AT+SSEND=0,,,4\r   M< ...[0,,,4]\r\n   H> pong   M< [OK]\r\n   → to the first sender
    ASSERT_TRUE(ssend(d, 0, "pong"));
    std::uint16_t from = 0;
    ASSERT_TRUE(first.expect_datagram("pong", &from));
    EXPECT_EQ(from, port) << "the UDP server did not answer from its own port";
    // The last sender wins.
    ASSERT_TRUE(second.send_to(port, "ping2"));
    ASSERT_TRUE(d.expect(frame(0, second.port(), "ping2")));
    ASSERT_TRUE(ssend(d, 0, "pong2"));
    ASSERT_TRUE(second.expect_datagram("pong2"));
    ASSERT_TRUE(first.expect_nothing());
}

TEST(Spec3_3, UdpKeepsDatagramBoundaries) {
    const std::uint16_t port = free_udp_port();
    UdpPeer sender;
    ASSERT_TRUE(sender.open());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(open_udp_server(d, port, 0));
    // Two datagrams, two frames.
    ASSERT_TRUE(sender.send_to(port, "one"));
    ASSERT_TRUE(sender.send_to(port, "three"));
    ASSERT_TRUE(d.expect(frame(0, sender.port(), "one") + frame(0, sender.port(), "three")));
}

TEST(Spec3_3, LargeTcpReceiveIsSplitIntoFramesOfAtMost1460Bytes) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    const std::string payload = pattern_payload(4000);  // letters and digits only
    ASSERT_TRUE(peer.send(payload));
    // However the stream is cut, each frame is "{0,127.0.0.1,<server>,<len>}" + len bytes +
    // "\r\n" with 1 <= len <= 1460, and the payloads together are the 4000 bytes in order.
    const std::string prefix = "{0,127.0.0.1," + port_text(server.port()) + ",";
    std::string received;
    int frames = 0;
    while (received.size() < payload.size()) {
        std::string header;
        ASSERT_TRUE(d.read_until("}", header));
        ASSERT_EQ(header.substr(0, prefix.size()), prefix)
            << "frame " << frames << " header: \"" << escape_bytes(header) << "\"";
        const std::string digits = header.substr(prefix.size(), header.size() - prefix.size() - 1);
        ASSERT_FALSE(digits.empty());
        ASSERT_EQ(digits.find_first_not_of("0123456789"), std::string::npos)
            << "frame " << frames << " header: \"" << escape_bytes(header) << "\"";
        const std::size_t len = std::stoul(digits);
        ASSERT_GE(len, 1u);
        ASSERT_LE(len, 1460u) << "frame " << frames << " is longer than one MSS";
        ASSERT_EQ(header, prefix + std::to_string(len) + "}");
        std::string body;
        ASSERT_TRUE(d.read_until("\r\n", body));
        ASSERT_EQ(body.size(), len + 2) << "frame " << frames << ": payload length differs";
        received += body.substr(0, len);
        ++frames;
    }
    EXPECT_EQ(received, payload);
    EXPECT_GE(frames, 3);
    ASSERT_TRUE(d.expect_nothing());
}

// ---- AT+SFORM -----------------------------------------------------------------------------------

TEST(Spec3_3, SformExampleWithFixedDelimiterPlaces) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SFORM=101100110,5B,2F,5D,0D,00\r   M< ...\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SFORM=101100110,5B,2F,5D,0D,00", "[OK]\r\n"));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // §3.3 example: M< [/127.0.0.1//]data\r
    ASSERT_TRUE(peer.send("data"));
    ASSERT_TRUE(d.expect("[/127.0.0.1//]data\r"));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec3_3, SformDelimitersStayWhenFieldsAreOff) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // No IP, no port: H> AT+SFORM=111001111\r   M< ...\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SFORM=111001111", "[OK]\r\n"));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // M< {0,,,4}data\r\n
    ASSERT_TRUE(peer.send("data"));
    ASSERT_TRUE(d.expect("{0,,,4}data\r\n"));
}

TEST(Spec3_3, SformCidOnlyHeader) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SFORM=010000011\r   M< ...\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SFORM=010000011", "[OK]\r\n"));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // M< 0data\r\n
    ASSERT_TRUE(peer.send("data"));
    ASSERT_TRUE(d.expect("0data\r\n"));
}

TEST(Spec3_3, SformTrailerOffSendsNoTrailerQ3Fixed) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // Q3 fixed: with F[7]=F[8]=0 only the trailer bytes that are on are sent (none), the header
    // is not repeated.  H> AT+SFORM=111111100\r   M< ...\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SFORM=111111100", "[OK]\r\n"));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // M< {0,127.0.0.1,<server>,4}data
    ASSERT_TRUE(peer.send("data"));
    ASSERT_TRUE(d.expect("{0,127.0.0.1," + port_text(server.port()) + ",4}data"));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec3_3, SformOmittedCharactersGoBackToFactory) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+SFORM=111111111,5B,2F,5D,0D,00", "[OK]\r\n"));
    // Only the start character given: the others are the factory ones, not the current ones.
    // H> AT+SFORM=111111111,28\r   M< ...\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SFORM=111111111,28", "[OK]\r\n"));
    // H> AT+SFORM=?\r              M< AT+SFORM=?\r\n111111111,28,2c,7d,0d,0a[OK]\r\n   (Q1)
    ASSERT_TRUE(d.transact("AT+SFORM=?", "111111111,28,2c,7d,0d,0a[OK]\r\n"));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // M< (0,127.0.0.1,<server>,4}data\r\n
    ASSERT_TRUE(peer.send("data"));
    ASSERT_TRUE(d.expect("(0,127.0.0.1," + port_text(server.port()) + ",4}data\r\n"));
}

TEST(Spec3_3, SformAppliesToUdpFrames) {
    const std::uint16_t port = free_udp_port();
    UdpPeer sender;
    ASSERT_TRUE(sender.open());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+SFORM=101100110,5B,2F,5D,0D,00", "[OK]\r\n"));
    ASSERT_TRUE(open_udp_server(d, port, 0));
    ASSERT_TRUE(sender.send_to(port, "data"));
    // M< [/127.0.0.1//]data\r
    ASSERT_TRUE(d.expect("[/127.0.0.1//]data\r"));
}

// ---- the peer closes ---------------------------------------------------------------------------

TEST(Spec3_1, TcpClientPeerCloseDisconnects) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // Peer closes:   M< \r\n[DISCONNECT 0]\r\n
    peer.close();
    ASSERT_TRUE(d.expect("\r\n[DISCONNECT 0]\r\n"));
    // The slot is freed.
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(0) + "[OK]\r\n"));
}

TEST(Spec3_1, TcpClientPeerResetDisconnects) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // Peer resets (RST):   M< \r\n[DISCONNECT 0]\r\n
    peer.reset();
    ASSERT_TRUE(d.expect("\r\n[DISCONNECT 0]\r\n"));
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(0) + "[OK]\r\n"));
}

TEST(Spec3_1, TcpServerClientCloseDisconnectsAndTheCidListensAgain) {
    const std::uint16_t port = free_tcp_port();
    const std::string p = port_text(port);
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection client;
    ASSERT_TRUE(open_tcp_server_with_client(d, port, client, 0));
    // Client closes:   M< \r\n[DISCONNECT 0]\r\n
    client.close();
    ASSERT_TRUE(d.expect("\r\n[DISCONNECT 0]\r\n"));
    // §4.6: the same CID listens again.   0/TSN/0.0.0.0:0/<port>/0
    ASSERT_TRUE(
        d.transact("AT+SMGMT=?", smgmt_header(1) + "0/TSN/0.0.0.0:0/" + p + "/0\r\n[OK]\r\n"));
    TcpConnection next;
    ASSERT_TRUE(next.connect(port));
    ASSERT_TRUE(d.expect("\r\n[CONNECT 0]\r\n"));
    ASSERT_TRUE(next.send("hi"));
    ASSERT_TRUE(d.expect(frame(0, next.local_port(), "hi")));
}

TEST(Spec3_1, DataBeforeThePeerClosesIsShownFirst) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // Data then FIN:   M< {0,127.0.0.1,<server>,3}bye\r\n\r\n[DISCONNECT 0]\r\n
    ASSERT_TRUE(peer.send("bye"));
    peer.close();
    ASSERT_TRUE(d.expect(frame(0, server.port(), "bye") + "\r\n[DISCONNECT 0]\r\n"));
}

// ---- Appendix B4 and B8 -------------------------------------------------------------------------

TEST(AppendixB4, TcpClientCommandModeSsendReceiveRemoteClose) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    const std::string p = port_text(server.port());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,TCN,127.0.0.1,<p>,,0\r   M< ...\r\n[OK]\r\n   M< \r\n[CONNECT 0]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0.1," + p + ",,0", "[OK]\r\n\r\n[CONNECT 0]\r\n",
                           kConnectTimeout));
    TcpConnection peer;
    ASSERT_TRUE(server.accept(peer));
    // H> AT+SSEND=0,,,5\r   M< AT+SSEND=0,,,5\r\n[0,,,5]\r\n
    ASSERT_TRUE(d.transact("AT+SSEND=0,,,5", "[0,,,5]\r\n"));
    // H> Hello              M< [OK]\r\n
    ASSERT_TRUE(d.send("Hello"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    ASSERT_TRUE(peer.expect("Hello"));
    // Peer sends "Hi WizFi250":   M< {0,127.0.0.1,<p>,11}Hi WizFi250\r\n
    ASSERT_TRUE(peer.send("Hi WizFi250"));
    ASSERT_TRUE(d.expect("{0,127.0.0.1," + p + ",11}Hi WizFi250\r\n"));
    // Peer closes:                M< \r\n[DISCONNECT 0]\r\n
    peer.close();
    ASSERT_TRUE(d.expect("\r\n[DISCONNECT 0]\r\n"));
}

TEST(AppendixB8, UdpServerCommandMode) {
    const std::uint16_t port = free_udp_port();
    UdpPeer sender;
    ASSERT_TRUE(sender.open());
    UdpPeer other;
    ASSERT_TRUE(other.open());
    const std::string po = port_text(other.port());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,USN,,,<port>,0\r
    // M< AT+SCON=O,USN,,,<port>,0\r\n\r\n[CONNECT 0]\r\n[OK]\r\n   (design.md: CONNECT first)
    ASSERT_TRUE(
        d.transact("AT+SCON=O,USN,,," + port_text(port) + ",0", "\r\n[CONNECT 0]\r\n[OK]\r\n"));
    // H> AT+SSEND=0,,,5\r   M< AT+SSEND=0,,,5\r\n[ERROR: INVALID INPUT]\r\n   (no peer yet)
    ASSERT_TRUE(d.transact("AT+SSEND=0,,,5", "[ERROR: INVALID INPUT]\r\n"));
    // Datagram in:          M< {0,127.0.0.1,<sender>,11}Hi WizFi250\r\n
    ASSERT_TRUE(sender.send_to(port, "Hi WizFi250"));
    ASSERT_TRUE(d.expect("{0,127.0.0.1," + port_text(sender.port()) + ",11}Hi WizFi250\r\n"));
    // H> AT+SSEND=0,,,5\r   M< AT+SSEND=0,,,5\r\n[0,,,5]\r\n   H> Hello   M< [OK]\r\n
    ASSERT_TRUE(d.transact("AT+SSEND=0,,,5", "[0,,,5]\r\n"));
    ASSERT_TRUE(d.send("Hello"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    ASSERT_TRUE(sender.expect_datagram("Hello"));
    // H> AT+SSEND=0,127.0.0.1,<other>,3\r
    // M< AT+SSEND=0,127.0.0.1,<other>,3\r\n[0,127.0.0.1,<other>,3]\r\n   H> abc   M< [OK]\r\n
    ASSERT_TRUE(d.transact("AT+SSEND=0,127.0.0.1," + po + ",3", "[0,127.0.0.1," + po + ",3]\r\n"));
    ASSERT_TRUE(d.send("abc"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    ASSERT_TRUE(other.expect_datagram("abc"));
}

}  // namespace
}  // namespace wizfi250d::conformance
