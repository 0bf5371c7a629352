// SPDX-License-Identifier: Apache-2.0
// The user's example page (spec/examples-data-communication.md): every example as a byte-exact
// transcript, with 127.0.0.1 and free ports in place of the 192.168.12.x addresses and the fixed
// ports of the page. Fresh daemon per test, factory settings, host Wi-Fi backend on `lo`.
//
// Where the page's text and the spec differ, the spec's bytes are used and the test says so:
// - The AT+SMGMT=? header is the firmware's "(SCID/Mode/Remote/Local/DataMode)"; the page shows
//   the outdated "(SCID/Socket/Mode/Remote/Local/DataMode)" (spec §2.3 ⚠).
// - A UDP server with no peer is listed as "0.0.0.0:0"; the page shows "0.0.0.0:" (spec §2.3).
// - For USN the [CONNECT n] comes before [OK] (design.md "Event order"); the page shows [OK]
//   first. For TCN/TSN/UCN the page's order ([OK] first) is kept.
// - The blank lines the page shows around events are the "\r\n" that start each event; frames
//   have no CRLF before them (spec §3.3).
// - The banner after a reset is the 1.0.5.2 one (the page shows 0.9.0.0).

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "peers.hpp"

namespace wizfi250d::conformance {
namespace {

// The page's AP association, on loopback, for the SSID WizFiDemoAP (the "O"/"SO" examples).
constexpr const char kJoinDemoAp[] =
    "Joining : WizFiDemoAP\r\n"
    "Successfully joined : WizFiDemoAP\r\n"
    "\r\n[Link-Up Event]\r\n"
    "  IP Addr    : 127.0.0.1\r\n"
    "  Gateway    : 0.0.0.0\r\n";

// The first five steps of the page's AT+SCON examples: WLEAVE (nothing is up, so just [OK]),
// WSET, WSEC, WNET.
::testing::AssertionResult configure_demo_ap(Daemon& d) {
    for (const char* command :
         {"AT+WLEAVE", "AT+WSET=0,WizFiDemoAP", "AT+WSEC=0,WPA2,12345678", "AT+WNET=1"}) {
        if (auto r = d.transact(command, "[OK]\r\n"); !r) return r;
    }
    return ::testing::AssertionSuccess();
}

// ---- data mode ---------------------------------------------------------------------------------

TEST(ExamplesPage, TcpClientInDataMode) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    const std::uint16_t local = free_tcp_port();
    const std::string p = port_text(server.port());
    const std::string l = port_text(local);
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // AT+SCON=O,TCN,<ip>,<port>,<local>,1
    // [OK]
    //
    // [CONNECT 0]        < = At this point, a TCP connection is done
    ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0.1," + p + "," + l + ",1",
                           "[OK]\r\n\r\n[CONNECT 0]\r\n", kConnectTimeout));
    TcpConnection peer;
    ASSERT_TRUE(server.accept(peer));
    ASSERT_EQ(peer.remote_port(), local);
    // Exchanging data: serial data to the peer and network data to the serial line, untranslated.
    ASSERT_TRUE(d.send("Hello peer"));
    ASSERT_TRUE(peer.expect("Hello peer"));
    ASSERT_TRUE(peer.send("Hello WizFi250"));
    ASSERT_TRUE(d.expect("Hello WizFi250"));
    // Socket close: +++ to command mode ...
    ASSERT_TRUE(d.send("+++"));
    ASSERT_TRUE(d.expect("[OK]\r\n", kEscapeTimeout));
    // Checking socket status:
    // AT+SMGMT=?
    // Number of Sockets : 1 (SCID/Mode/Remote/Local/DataMode)
    // 0/TCN/<ip>:<port>/<local>/1
    // [OK]
    ASSERT_TRUE(d.transact("AT+SMGMT=?",
                           smgmt_header(1) + "0/TCN/127.0.0.1:" + p + "/" + l + "/1\r\n[OK]\r\n"));
    // ... then AT+SMGMT=CID closes the connection.
    ASSERT_TRUE(d.transact("AT+SMGMT=0", "\r\n[DISCONNECT 0]\r\n[OK]\r\n"));
    ASSERT_TRUE(peer.expect_closed());
}

TEST(ExamplesPage, TcpServerInDataMode) {
    const std::uint16_t port = free_tcp_port();
    const std::string p = port_text(port);
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // AT+SCON=O,TSN, , ,<port>,1      ( AT command listening with a TCP Server Socket )
    // [OK]
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN, , ," + p + ",1", "[OK]\r\n"));
    // [CONNECT 0]          < = When TCP connection is done, you can see this message
    TcpConnection client;
    ASSERT_TRUE(client.connect(port));
    ASSERT_TRUE(d.expect("\r\n[CONNECT 0]\r\n"));
    ASSERT_TRUE(d.send("Hello client"));
    ASSERT_TRUE(client.expect("Hello client"));
    ASSERT_TRUE(client.send("Hello WizFi250"));
    ASSERT_TRUE(d.expect("Hello WizFi250"));
    ASSERT_TRUE(d.send("+++"));
    ASSERT_TRUE(d.expect("[OK]\r\n", kEscapeTimeout));
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(1) +
                                             "0/TSN/127.0.0.1:" + port_text(client.local_port()) +
                                             "/" + p + "/1\r\n[OK]\r\n"));
    // AT+SMGMT=ALL closes it.
    ASSERT_TRUE(d.transact("AT+SMGMT=ALL", "\r\n[DISCONNECT 0]\r\n[OK]\r\n"));
    ASSERT_TRUE(client.expect_closed());
}

TEST(ExamplesPage, UdpClientInDataMode) {
    UdpPeer peer;
    ASSERT_TRUE(peer.open());
    const std::uint16_t local = free_udp_port();
    const std::string l = port_text(local);
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // AT+SCON=O,UCN,<ip>,<remote port>,<local port>,1
    // [OK]
    //
    // [CONNECT 0]        < = At this point, a UDP connection is done
    ASSERT_TRUE(d.transact("AT+SCON=O,UCN,127.0.0.1," + port_text(peer.port()) + "," + l + ",1",
                           "[OK]\r\n\r\n[CONNECT 0]\r\n"));
    ASSERT_TRUE(d.send("Hello peer"));
    std::uint16_t from = 0;
    ASSERT_TRUE(peer.expect_stream("Hello peer", &from));
    EXPECT_EQ(from, local);
    ASSERT_TRUE(peer.send_to(local, "Hello WizFi250"));
    ASSERT_TRUE(d.expect("Hello WizFi250"));
    ASSERT_TRUE(d.send("+++"));
    ASSERT_TRUE(d.expect("[OK]\r\n", kEscapeTimeout));
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(1) + "0/UCN/127.0.0.1:" +
                                             port_text(peer.port()) + "/" + l + "/1\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SMGMT=0", "\r\n[DISCONNECT 0]\r\n[OK]\r\n"));
}

TEST(ExamplesPage, UdpServerInDataMode) {
    const std::uint16_t port = free_udp_port();
    UdpPeer peer;
    ASSERT_TRUE(peer.open());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // AT+SCON=O,USN, , ,<port>,1
    // [CONNECT 0] then [OK]  (design.md "Event order"; the page shows [OK] first)
    ASSERT_TRUE(
        d.transact("AT+SCON=O,USN, , ," + port_text(port) + ",1", "\r\n[CONNECT 0]\r\n[OK]\r\n"));
    // The peer must send first so that the server learns its address.
    ASSERT_TRUE(peer.send_to(port, "Hello WizFi250"));
    ASSERT_TRUE(d.expect("Hello WizFi250"));
    ASSERT_TRUE(d.send("Hello peer"));
    ASSERT_TRUE(peer.expect_stream("Hello peer"));
    ASSERT_TRUE(d.send("+++"));
    ASSERT_TRUE(d.expect("[OK]\r\n", kEscapeTimeout));
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(1) +
                                             "0/USN/127.0.0.1:" + port_text(peer.port()) + "/" +
                                             port_text(port) + "/1\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SMGMT=0", "\r\n[DISCONNECT 0]\r\n[OK]\r\n"));
}

// ---- command mode ------------------------------------------------------------------------------

TEST(ExamplesPage, TcpClientInCommandMode) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    const std::uint16_t local = free_tcp_port();
    const std::string p = port_text(server.port());
    const std::string l = port_text(local);
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // AT+SCON=O,TCN,<ip>,<port>,<local>,0
    // [OK]
    //
    // [CONNECT 0]
    ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0.1," + p + "," + l + ",0",
                           "[OK]\r\n\r\n[CONNECT 0]\r\n", kConnectTimeout));
    TcpConnection peer;
    ASSERT_TRUE(server.accept(peer));
    // AT+SSEND=0,,,5   ( Sending data to a Socket with CID 0 )
    // Hello            < = 5 bytes of serial data (not echoed; the prompt comes first)
    // [OK]
    ASSERT_TRUE(d.transact("AT+SSEND=0,,,5", "[0,,,5]\r\n"));
    ASSERT_TRUE(d.send("Hello"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    ASSERT_TRUE(peer.expect("Hello"));
    // {0,<ip>,<port>,11}Hi WizFi250  ( Receiving data from peer system )
    ASSERT_TRUE(peer.send("Hi WizFi250"));
    ASSERT_TRUE(d.expect("{0,127.0.0.1," + p + ",11}Hi WizFi250\r\n"));
    // AT+SMGMT=?
    // Number of Sockets : 1 (SCID/Mode/Remote/Local/DataMode)
    // 0/TCN/<ip>:<port>/<local>/0
    // [OK]
    ASSERT_TRUE(d.transact("AT+SMGMT=?",
                           smgmt_header(1) + "0/TCN/127.0.0.1:" + p + "/" + l + "/0\r\n[OK]\r\n"));
    // Socket close: AT+SMGMT=CID
    ASSERT_TRUE(d.transact("AT+SMGMT=0", "\r\n[DISCONNECT 0]\r\n[OK]\r\n"));
    ASSERT_TRUE(peer.expect_closed());
}

TEST(ExamplesPage, TcpServerInCommandMode) {
    const std::uint16_t port = free_tcp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // AT+SCON=O,TSN, , ,<port>,0        ( AT command listening with a TCP Server Socket )
    // [OK]
    //
    // [CONNECT 0]
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN, , ," + port_text(port) + ",0", "[OK]\r\n"));
    TcpConnection client;
    ASSERT_TRUE(client.connect(port));
    ASSERT_TRUE(d.expect("\r\n[CONNECT 0]\r\n"));
    // Exchanging data as in the TCP client example.
    ASSERT_TRUE(d.transact("AT+SSEND=0,,,5", "[0,,,5]\r\n"));
    ASSERT_TRUE(d.send("Hello"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    ASSERT_TRUE(client.expect("Hello"));
    ASSERT_TRUE(client.send("Hi WizFi250"));
    ASSERT_TRUE(d.expect(frame(0, client.local_port(), "Hi WizFi250")));
    ASSERT_TRUE(d.transact("AT+SMGMT=0", "\r\n[DISCONNECT 0]\r\n[OK]\r\n"));
    ASSERT_TRUE(client.expect_closed());
}

TEST(ExamplesPage, UdpClientInCommandMode) {
    UdpPeer peer;
    ASSERT_TRUE(peer.open());
    const std::uint16_t local = free_udp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // AT+SCON=O,UCN,<ip>,<remote port>,<local port>,0
    // [OK]
    //
    // [CONNECT 0]        < = At this point, a UDP connection is done
    ASSERT_TRUE(d.transact(
        "AT+SCON=O,UCN,127.0.0.1," + port_text(peer.port()) + "," + port_text(local) + ",0",
        "[OK]\r\n\r\n[CONNECT 0]\r\n"));
    ASSERT_TRUE(d.transact("AT+SSEND=0,,,5", "[0,,,5]\r\n"));
    ASSERT_TRUE(d.send("Hello"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    std::uint16_t from = 0;
    ASSERT_TRUE(peer.expect_datagram("Hello", &from));
    EXPECT_EQ(from, local);
    ASSERT_TRUE(peer.send_to(local, "Hi WizFi250"));
    ASSERT_TRUE(d.expect(frame(0, peer.port(), "Hi WizFi250")));
}

TEST(ExamplesPage, UdpServerInCommandMode) {
    const std::uint16_t port = free_udp_port();
    UdpPeer peer;
    ASSERT_TRUE(peer.open());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // AT+SCON=O,USN, , ,<port>,0
    // [CONNECT 0] then [OK]  (design.md "Event order")
    ASSERT_TRUE(
        d.transact("AT+SCON=O,USN, , ," + port_text(port) + ",0", "\r\n[CONNECT 0]\r\n[OK]\r\n"));
    // {0,<ip>,<peer port>,11}Hi WizFi250  ( Receiving data from peer system )
    ASSERT_TRUE(peer.send_to(port, "Hi WizFi250"));
    ASSERT_TRUE(d.expect("{0,127.0.0.1," + port_text(peer.port()) + ",11}Hi WizFi250\r\n"));
    // AT+SSEND=0,,,5      ( Sending data to a Socket with CID 0 )
    // Hello
    // [OK]
    ASSERT_TRUE(d.transact("AT+SSEND=0,,,5", "[0,,,5]\r\n"));
    ASSERT_TRUE(d.send("Hello"));
    ASSERT_TRUE(d.expect("[OK]\r\n"));
    std::uint16_t from = 0;
    ASSERT_TRUE(peer.expect_datagram("Hello", &from));
    EXPECT_EQ(from, port);
}

// ---- AT+SCON open types
// --------------------------------------------------------------------------

TEST(ExamplesPage, SconOpenAtOnce) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(configure_demo_ap(d));
    // AT+WJOIN
    // Joining : WizFiDemoAP
    // Successfully joined : WizFiDemoAP
    //
    // [Link-Up Event]
    //   IP Addr    : <ip>
    //   Gateway    : <gw>
    // [OK]
    ASSERT_TRUE(d.transact("AT+WJOIN", std::string(kJoinDemoAp) + "[OK]\r\n", kBootTimeout));
    // AT+SCON=O,TCN,<ip>,<port>,,0
    // [OK]
    //
    // [CONNECT 0]
    ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0.1," + port_text(server.port()) + ",,0",
                           "[OK]\r\n\r\n[CONNECT 0]\r\n", kConnectTimeout));
    TcpConnection peer;
    ASSERT_TRUE(server.accept(peer));
}

TEST(ExamplesPage, SconOpenAtOnceAndRegisterAsServiceOpensAtOnce) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    const std::string p = port_text(server.port());
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(configure_demo_ap(d));
    ASSERT_TRUE(d.transact("AT+WJOIN", std::string(kJoinDemoAp) + "[OK]\r\n", kBootTimeout));
    // AT+SCON=SO,TCN,<ip>,<port>,,0
    // [OK]
    // [CONNECT 0]
    ASSERT_TRUE(d.transact("AT+SCON=SO,TCN,127.0.0.1," + p + ",,0", "[OK]\r\n\r\n[CONNECT 0]\r\n",
                           kConnectTimeout));
    TcpConnection peer;
    ASSERT_TRUE(server.accept(peer));
    ASSERT_TRUE(d.transact("AT+SCON=?", "SO,TCN,127.0.0.1," + p + ",0,0\r\n[OK]\r\n"));
    // AT+MPROF=S
    // [OK]
    ASSERT_TRUE(d.transact("AT+MPROF=S", "[OK]\r\n"));
}

// The saved SCON record triggers the auto-join and the service open after the emulated reset
// (spec §5.3 step 5, §5.5).
TEST(ExamplesPage, SconRegisterAsServiceOpensAfterReset) {
    const std::uint16_t port = free_tcp_port();
    const std::string p = port_text(port);
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    // AT+WLEAVE / AT+WSET=0,WizFiDemoAP / AT+WSEC=0,WPA2,12345678 / AT+WNET=1   each [OK]
    ASSERT_TRUE(configure_demo_ap(d));
    // AT+SCON=S,TSN,,,<port>,0
    // [OK]
    ASSERT_TRUE(d.transact("AT+SCON=S,TSN,,," + p + ",0", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_nothing());
    // AT+MPROF=S
    // [OK]
    ASSERT_TRUE(d.transact("AT+MPROF=S", "[OK]\r\n"));
    // AT+MRESET
    // [OK]
    // WizFi250 Version 1.0.5.2 (WIZnet Co.Ltd)
    // Joining : WizFiDemoAP
    // Successfully joined : WizFiDemoAP
    //
    // [Link-Up Event]
    //   IP Addr    : <ip>
    //   Gateway    : <gw>
    ASSERT_TRUE(d.transact("AT+MRESET", "[OK]\r\n"));
    ASSERT_TRUE(d.expect(std::string(kBanner) + kJoinDemoAp, kBootTimeout));
    // AT+SMGMT=?
    // Number of Sockets : 1 (SCID/Mode/Remote/Local/DataMode)
    // 0/TSN/0.0.0.0:0/<port>/0
    // [OK]
    ASSERT_TRUE(
        d.transact("AT+SMGMT=?", smgmt_header(1) + "0/TSN/0.0.0.0:0/" + p + "/0\r\n[OK]\r\n"));
    // The record keeps type S.
    ASSERT_TRUE(d.transact("AT+SCON=?", "S,TSN,0.0.0.0,0," + p + ",0\r\n[OK]\r\n"));
    TcpConnection client;
    ASSERT_TRUE(client.connect(port));
    ASSERT_TRUE(d.expect("\r\n[CONNECT 0]\r\n"));
}

// After AT+MPROF=S and AT+MRESET the SO record auto-joins and reconnects (spec §5.4, §5.5).
TEST(ExamplesPage, SconOpenAtOnceAndRegisterAsServiceReconnectsAfterReset) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    const std::string p = port_text(server.port());
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(configure_demo_ap(d));
    ASSERT_TRUE(d.transact("AT+WJOIN", std::string(kJoinDemoAp) + "[OK]\r\n", kBootTimeout));
    // AT+SCON=SO,TCN,<ip>,<port>,,0
    // [OK]
    // [CONNECT 0]
    ASSERT_TRUE(d.transact("AT+SCON=SO,TCN,127.0.0.1," + p + ",,0", "[OK]\r\n\r\n[CONNECT 0]\r\n",
                           kConnectTimeout));
    TcpConnection first;
    ASSERT_TRUE(server.accept(first));
    // AT+MPROF=S
    // [OK]
    ASSERT_TRUE(d.transact("AT+MPROF=S", "[OK]\r\n"));
    // AT+MRESET
    // [OK]            then (Appendix B10) the socket and the link go down before the banner
    ASSERT_TRUE(d.transact("AT+MRESET", "[OK]\r\n\r\n[DISCONNECT 0]\r\n\r\n[Link-Down Event]\r\n"));
    ASSERT_TRUE(first.expect_closed());
    // WizFi250 Version 1.0.5.2 (WIZnet Co.Ltd)
    // Joining : WizFiDemoAP
    // Successfully joined : WizFiDemoAP
    //
    // [Link-Up Event]
    //   IP Addr    : <ip>
    //   Gateway    : <gw>
    //
    // [CONNECT 0]
    ASSERT_TRUE(d.expect(std::string(kBanner) + kJoinDemoAp + "\r\n[CONNECT 0]\r\n", kBootTimeout));
    TcpConnection second;
    ASSERT_TRUE(server.accept(second));
    ASSERT_TRUE(d.transact("AT+SCON=?", "SO,TCN,127.0.0.1," + p + ",0,0\r\n[OK]\r\n"));
}

// ---- multi socket
// --------------------------------------------------------------------------------

TEST(ExamplesPage, MultiSocketConnection) {
    // The peer system runs a loop-back program: every peer below sends back what it receives.
    TcpServer tcp_server_peer;  // for CID 0 (TCN)
    ASSERT_TRUE(tcp_server_peer.listen());
    UdpPeer udp_client_peer;  // for CID 2 (UCN)
    ASSERT_TRUE(udp_client_peer.open());
    UdpPeer udp_server_peer;  // talks to CID 3 (USN)
    ASSERT_TRUE(udp_server_peer.open());
    std::vector<std::uint16_t> tcp_ports;
    ASSERT_TRUE(free_tcp_ports(2, tcp_ports));
    std::vector<std::uint16_t> udp_ports;
    ASSERT_TRUE(free_udp_ports(2, udp_ports));
    const std::string s0 = port_text(tcp_server_peer.port());
    const std::string l0 = port_text(tcp_ports[0]);  // TCN local port (page: 5001)
    const std::string p1 = port_text(tcp_ports[1]);  // TSN port (page: 6000)
    const std::string u2 = port_text(udp_client_peer.port());
    const std::string l2 = port_text(udp_ports[0]);  // UCN local port (page: 7000)
    const std::string p3 = port_text(udp_ports[1]);  // USN port (page: 8000)

    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // AT+SCON=O,TCN,<ip>,<s0>,<l0>,0
    // [OK]
    //
    // [CONNECT 0]
    ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0.1," + s0 + "," + l0 + ",0",
                           "[OK]\r\n\r\n[CONNECT 0]\r\n", kConnectTimeout));
    TcpConnection peer0;
    ASSERT_TRUE(tcp_server_peer.accept(peer0));
    // AT+SCON=O,TSN,,,<p1>,0
    // [OK]
    //
    // [CONNECT 1]          (the peer's client connects)
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN,,," + p1 + ",0", "[OK]\r\n"));
    TcpConnection peer1;
    ASSERT_TRUE(peer1.connect(tcp_ports[1]));
    ASSERT_TRUE(d.expect("\r\n[CONNECT 1]\r\n"));
    const std::string c1 = port_text(peer1.local_port());
    // AT+SCON=O,UCN,<ip>,<u2>,<l2>,0
    // [OK]
    //
    // [CONNECT 2]
    ASSERT_TRUE(d.transact("AT+SCON=O,UCN,127.0.0.1," + u2 + "," + l2 + ",0",
                           "[OK]\r\n\r\n[CONNECT 2]\r\n"));
    // AT+SCON=O,USN,,,<p3>,0
    // [CONNECT 3] then [OK]   (design.md "Event order")
    ASSERT_TRUE(d.transact("AT+SCON=O,USN,,," + p3 + ",0", "\r\n[CONNECT 3]\r\n[OK]\r\n"));
    // AT+SMGMT=?
    // Number of Sockets : 4 (SCID/Mode/Remote/Local/DataMode)
    // 0/TCN/<ip>:<s0>/<l0>/0
    // 1/TSN/<ip>:<client>/<p1>/0
    // 2/UCN/<ip>:<u2>/<l2>/0
    // 3/USN/0.0.0.0:0/<p3>/0
    // [OK]
    ASSERT_TRUE(d.transact(
        "AT+SMGMT=?", smgmt_header(4) + "0/TCN/127.0.0.1:" + s0 + "/" + l0 + "/0\r\n" +
                          "1/TSN/127.0.0.1:" + c1 + "/" + p1 + "/0\r\n" + "2/UCN/127.0.0.1:" + u2 +
                          "/" + l2 + "/0\r\n" + "3/USN/0.0.0.0:0/" + p3 + "/0\r\n" + "[OK]\r\n"));

    // AT+SSEND=0,,,16
    // Hello_TCP_Client
    // [OK]
    //
    // {0,<ip>,<s0>,16}Hello_TCP_Client
    ASSERT_TRUE(ssend(d, 0, "Hello_TCP_Client"));
    ASSERT_TRUE(peer0.expect("Hello_TCP_Client"));
    ASSERT_TRUE(peer0.send("Hello_TCP_Client"));
    ASSERT_TRUE(d.expect("{0,127.0.0.1," + s0 + ",16}Hello_TCP_Client\r\n"));

    // AT+SSEND=1,,,16
    // Hello_TCP_Server
    // [OK]
    //
    // {1,<ip>,<client>,16}Hello_TCP_Server
    ASSERT_TRUE(ssend(d, 1, "Hello_TCP_Server"));
    ASSERT_TRUE(peer1.expect("Hello_TCP_Server"));
    ASSERT_TRUE(peer1.send("Hello_TCP_Server"));
    ASSERT_TRUE(d.expect("{1,127.0.0.1," + c1 + ",16}Hello_TCP_Server\r\n"));

    // AT+SSEND=2,,,16
    // Hello_UDP_Client
    // [OK]
    //
    // {2,<ip>,<u2>,16}Hello_UDP_Client
    ASSERT_TRUE(ssend(d, 2, "Hello_UDP_Client"));
    std::uint16_t from = 0;
    ASSERT_TRUE(udp_client_peer.expect_datagram("Hello_UDP_Client", &from));
    EXPECT_EQ(port_text(from), l2);
    ASSERT_TRUE(udp_client_peer.send_to(from, "Hello_UDP_Client"));
    ASSERT_TRUE(d.expect("{2,127.0.0.1," + u2 + ",16}Hello_UDP_Client\r\n"));

    // {3,<ip>,<peer>,16}Hello_UDP_Server     (the peer speaks first to the UDP server)
    ASSERT_TRUE(udp_server_peer.send_to(udp_ports[1], "Hello_UDP_Server"));
    ASSERT_TRUE(
        d.expect("{3,127.0.0.1," + port_text(udp_server_peer.port()) + ",16}Hello_UDP_Server\r\n"));
    // AT+SSEND=3,,,16
    // Hello_UDP_Server
    // [OK]
    ASSERT_TRUE(ssend(d, 3, "Hello_UDP_Server"));
    ASSERT_TRUE(udp_server_peer.expect_datagram("Hello_UDP_Server", &from));
    EXPECT_EQ(port_text(from), p3);
    ASSERT_TRUE(d.expect_nothing());
}

}  // namespace
}  // namespace wizfi250d::conformance
