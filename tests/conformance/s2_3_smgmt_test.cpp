// SPDX-License-Identifier: Apache-2.0
// Spec §2.3 AT+SMGMT (list and close sockets), with the event order of design.md ("Event order":
// the [DISCONNECT n] lines of SMGMT=<cid> and =ALL come before [OK]), against real loopback
// peers. Fresh daemon per test, factory settings, host Wi-Fi backend on `lo`.

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "peers.hpp"

namespace wizfi250d::conformance {
namespace {

// ---- AT+SMGMT=?
// ----------------------------------------------------------------------------------

TEST(Spec2_3_Smgmt, ListingShowsListeningTsnThenTheAcceptedPeer) {
    const std::uint16_t port = free_tcp_port();
    const std::string p = port_text(port);
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN,,," + p + ",0", "[OK]\r\n"));
    // Listening: H> AT+SMGMT=?\r
    // M< AT+SMGMT=?\r\nNumber of Sockets : 1 (SCID/Mode/Remote/Local/DataMode)\r\n
    //    0/TSN/0.0.0.0:0/<port>/0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=?",
                           "Number of Sockets : 1 (SCID/Mode/Remote/Local/DataMode)\r\n"
                           "0/TSN/0.0.0.0:0/" +
                               p + "/0\r\n[OK]\r\n"));
    TcpConnection client;
    ASSERT_TRUE(client.connect(port));
    ASSERT_TRUE(d.expect("\r\n[CONNECT 0]\r\n"));
    // Accepted: the same CID shows the client.   0/TSN/127.0.0.1:<client>/<port>/0
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(1) +
                                             "0/TSN/127.0.0.1:" + port_text(client.local_port()) +
                                             "/" + p + "/0\r\n[OK]\r\n"));
}

TEST(Spec2_3_Smgmt, ListingShowsTheRealAutomaticLocalPortOfATcpClient) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // The local port is the one the peer sees the connection come from.
    // M< ...0/TCN/127.0.0.1:<server>/<bound port>/0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(1) +
                                             "0/TCN/127.0.0.1:" + port_text(server.port()) + "/" +
                                             port_text(peer.remote_port()) + "/0\r\n[OK]\r\n"));
}

TEST(Spec2_3_Smgmt, ListingShowsAnExplicitLocalPortOfATcpClient) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    const std::uint16_t local = free_tcp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,TCN,127.0.0.1,<server>,<local>,0\r   M< ...[OK]\r\n\r\n[CONNECT 0]\r\n
    ASSERT_TRUE(d.transact(
        "AT+SCON=O,TCN,127.0.0.1," + port_text(server.port()) + "," + port_text(local) + ",0",
        "[OK]\r\n\r\n[CONNECT 0]\r\n", kConnectTimeout));
    TcpConnection peer;
    ASSERT_TRUE(server.accept(peer));
    EXPECT_EQ(peer.remote_port(), local) << "the daemon did not connect from the local port";
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(1) +
                                             "0/TCN/127.0.0.1:" + port_text(server.port()) + "/" +
                                             port_text(local) + "/0\r\n[OK]\r\n"));
}

TEST(Spec2_3_Smgmt, ListingShowsUdpSocketsInCidOrder) {
    UdpPeer remote;
    ASSERT_TRUE(remote.open());
    UdpPeer sender;
    ASSERT_TRUE(sender.open());
    std::vector<std::uint16_t> ports;
    ASSERT_TRUE(free_udp_ports(2, ports));
    const std::uint16_t ucn_local = ports[0];
    const std::uint16_t usn_port = ports[1];
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(open_udp_client(d, remote.port(), 0, ucn_local));
    ASSERT_TRUE(open_udp_server(d, usn_port, 1));
    // A UDP server with no peer yet shows 0.0.0.0:0.
    // M< ...Number of Sockets : 2 (...)\r\n0/UCN/127.0.0.1:<remote>/<local>/0\r\n
    //    1/USN/0.0.0.0:0/<usn>/0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(2) +
                                             "0/UCN/127.0.0.1:" + port_text(remote.port()) + "/" +
                                             port_text(ucn_local) + "/0\r\n" + "1/USN/0.0.0.0:0/" +
                                             port_text(usn_port) + "/0\r\n[OK]\r\n"));
    // After a datagram the UDP server shows the sender.
    ASSERT_TRUE(sender.send_to(usn_port, "ping"));
    ASSERT_TRUE(d.expect(frame(1, sender.port(), "ping")));
    ASSERT_TRUE(d.transact(
        "AT+SMGMT=?", smgmt_header(2) + "0/UCN/127.0.0.1:" + port_text(remote.port()) + "/" +
                          port_text(ucn_local) + "/0\r\n" + "1/USN/127.0.0.1:" +
                          port_text(sender.port()) + "/" + port_text(usn_port) + "/0\r\n[OK]\r\n"));
}

// ---- AT+SMGMT=<cid> -----------------------------------------------------------------------------

TEST(Spec2_3_Smgmt, CloseCidPrintsDisconnectBeforeOk) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    // H> AT+SMGMT=0\r   M< AT+SMGMT=0\r\n\r\n[DISCONNECT 0]\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=0", "\r\n[DISCONNECT 0]\r\n[OK]\r\n"));
    // The peer sees the connection end; the slot is free.
    ASSERT_TRUE(peer.expect_closed());
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(0) + "[OK]\r\n"));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec2_3_Smgmt, CloseTcpServerStopsItForGood) {
    const std::uint16_t port = free_tcp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN,,," + port_text(port) + ",0", "[OK]\r\n"));
    // H> AT+SMGMT=0\r   M< AT+SMGMT=0\r\n\r\n[DISCONNECT 0]\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=0", "\r\n[DISCONNECT 0]\r\n[OK]\r\n"));
    // No re-listen: a client is refused.
    TcpConnection client;
    ASSERT_TRUE(client.expect_refused(port));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec2_3_Smgmt, CloseConnectedTcpServerStopsItForGood) {
    const std::uint16_t port = free_tcp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection client;
    ASSERT_TRUE(open_tcp_server_with_client(d, port, client, 0));
    // H> AT+SMGMT=0\r   M< AT+SMGMT=0\r\n\r\n[DISCONNECT 0]\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=0", "\r\n[DISCONNECT 0]\r\n[OK]\r\n"));
    ASSERT_TRUE(client.expect_closed());
    TcpConnection second;
    ASSERT_TRUE(second.expect_refused(port));
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(0) + "[OK]\r\n"));
}

TEST(Spec2_3_Smgmt, CloseUdpSocket) {
    const std::uint16_t port = free_udp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(open_udp_server(d, port, 0));
    // H> AT+SMGMT=0\r   M< AT+SMGMT=0\r\n\r\n[DISCONNECT 0]\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=0", "\r\n[DISCONNECT 0]\r\n[OK]\r\n"));
    // A datagram to the old port is not shown any more.
    UdpPeer sender;
    ASSERT_TRUE(sender.open());
    ASSERT_TRUE(sender.send_to(port, "late"));
    ASSERT_TRUE(d.expect_nothing());
}

// ---- AT+SMGMT=ALL -------------------------------------------------------------------------------

TEST(Spec2_3_Smgmt, CloseAllPrintsEveryDisconnectBeforeOk) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    UdpPeer remote;
    ASSERT_TRUE(remote.open());
    const std::uint16_t tsn_port = free_tcp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN,,," + port_text(tsn_port) + ",0", "[OK]\r\n"));
    ASSERT_TRUE(open_udp_client(d, remote.port(), 2));
    // H> AT+SMGMT=ALL\r
    // M< AT+SMGMT=ALL\r\n\r\n[DISCONNECT 0]\r\n\r\n[DISCONNECT 1]\r\n\r\n[DISCONNECT 2]\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=ALL",
                           "\r\n[DISCONNECT 0]\r\n\r\n[DISCONNECT 1]\r\n\r\n[DISCONNECT 2]\r\n"
                           "[OK]\r\n"));
    ASSERT_TRUE(peer.expect_closed());
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(0) + "[OK]\r\n"));
}

TEST(Spec2_3_Smgmt, CloseAllIsCaseInsensitive) {
    const std::uint16_t port = free_udp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(open_udp_server(d, port, 0));
    // H> AT+SMGMT=all\r   M< AT+SMGMT=all\r\n\r\n[DISCONNECT 0]\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=all", "\r\n[DISCONNECT 0]\r\n[OK]\r\n"));
}

TEST(Spec2_3_Smgmt, CloseAllWithNoSocketIsOk) {
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    // H> AT+SMGMT=ALL\r   M< AT+SMGMT=ALL\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=ALL", "[OK]\r\n"));
}

// ---- errors and quirks -------------------------------------------------------------------------

TEST(Spec2_3_Smgmt, CidNineIsInvalidInput) {
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SMGMT=9\r   M< AT+SMGMT=9\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=9", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+SMGMT=8\r   M< AT+SMGMT=8\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=8", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_3_Smgmt, ClosedCidIsInvalidInput) {
    const std::uint16_t port = free_udp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SMGMT=0\r   M< AT+SMGMT=0\r\n[ERROR: INVALID INPUT]\r\n   (nothing open)
    ASSERT_TRUE(d.transact("AT+SMGMT=0", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(open_udp_server(d, port, 0));
    // H> AT+SMGMT=1\r   M< AT+SMGMT=1\r\n[ERROR: INVALID INPUT]\r\n   (CID 1 not open)
    ASSERT_TRUE(d.transact("AT+SMGMT=1", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT+SMGMT=0", "\r\n[DISCONNECT 0]\r\n[OK]\r\n"));
    // Closing it twice: H> AT+SMGMT=0\r   M< AT+SMGMT=0\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=0", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_3_Smgmt, NonNumericCidIsInvalidScid) {
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    // H> AT+SMGMT=x\r   M< AT+SMGMT=x\r\n[ERROR: INVALID SCID]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=x", "[ERROR: INVALID SCID]\r\n"));
}

TEST(Spec2_3_Smgmt, EmptyArgumentIsOk) {
    const std::uint16_t port = free_udp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(open_udp_server(d, port, 0));
    // Q8 (copied): H> AT+SMGMT=\r   M< AT+SMGMT=\r\n[OK]\r\n   and nothing is closed.
    ASSERT_TRUE(d.transact("AT+SMGMT=", "[OK]\r\n"));
    ASSERT_TRUE(d.transact(
        "AT+SMGMT=?", smgmt_header(1) + "0/USN/0.0.0.0:0/" + port_text(port) + "/0\r\n[OK]\r\n"));
}

}  // namespace
}  // namespace wizfi250d::conformance
