// SPDX-License-Identifier: Apache-2.0
// Spec §2.3 AT+SCON, with the event order of design.md ("Event order") and §4.6/§4.7, against
// real loopback peers. Every test starts a fresh daemon at factory settings (echo on, MMSG=2)
// with the host Wi-Fi backend on `lo`, so that AT+WJOIN gives 127.0.0.1.

#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "peers.hpp"

namespace wizfi250d::conformance {
namespace {

// ---- each socket type in command mode -----------------------------------------------------------

TEST(Spec2_3_Scon, TcnPrintsOkThenConnect) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,TCN,127.0.0.1,<server>,,0\r
    // M< AT+SCON=O,TCN,127.0.0.1,<server>,,0\r\n[OK]\r\n\r\n[CONNECT 0]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0.1," + port_text(server.port()) + ",,0",
                           "[OK]\r\n\r\n[CONNECT 0]\r\n", kConnectTimeout));
    // The peer really has the connection, and nothing else is printed.
    TcpConnection peer;
    ASSERT_TRUE(server.accept(peer));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec2_3_Scon, TsnPrintsOkAndConnectWhenAClientArrives) {
    const std::uint16_t port = free_tcp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,TSN,,,<port>,0\r   M< AT+SCON=O,TSN,,,<port>,0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN,,," + port_text(port) + ",0", "[OK]\r\n"));
    // Listening: no [CONNECT] before a client (and no [LISTEN] at AT+MEVTMSG=0).
    ASSERT_TRUE(d.expect_nothing());
    // A client connects:                M< \r\n[CONNECT 0]\r\n
    TcpConnection client;
    ASSERT_TRUE(client.connect(port));
    ASSERT_TRUE(d.expect("\r\n[CONNECT 0]\r\n"));
}

TEST(Spec2_3_Scon, TsnWithMevtmsgPrintsListenBeforeOk) {
    const std::uint16_t port = free_tcp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+MEVTMSG=1\r                 M< AT+MEVTMSG=1\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+MEVTMSG=1", "[OK]\r\n"));
    // H> AT+SCON=O,TSN,,,<port>,0\r
    // M< AT+SCON=O,TSN,,,<port>,0\r\n\r\n[LISTEN 0]\r\n[OK]\r\n   (design.md: LISTEN first)
    ASSERT_TRUE(
        d.transact("AT+SCON=O,TSN,,," + port_text(port) + ",0", "\r\n[LISTEN 0]\r\n[OK]\r\n"));
    TcpConnection client;
    ASSERT_TRUE(client.connect(port));
    ASSERT_TRUE(d.expect("\r\n[CONNECT 0]\r\n"));
}

TEST(Spec2_3_Scon, TsnWithMevtmsgPrintsListenAgainAfterTheClientLeaves) {
    const std::uint16_t port = free_tcp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+MEVTMSG=1", "[OK]\r\n"));
    ASSERT_TRUE(
        d.transact("AT+SCON=O,TSN,,," + port_text(port) + ",0", "\r\n[LISTEN 0]\r\n[OK]\r\n"));
    TcpConnection client;
    ASSERT_TRUE(client.connect(port));
    ASSERT_TRUE(d.expect("\r\n[CONNECT 0]\r\n"));
    // The client leaves:   M< \r\n[DISCONNECT 0]\r\n\r\n[LISTEN 0]\r\n   (§3.1: every re-listen)
    client.close();
    ASSERT_TRUE(d.expect("\r\n[DISCONNECT 0]\r\n\r\n[LISTEN 0]\r\n"));
}

TEST(Spec2_3_Scon, UcnPrintsOkThenConnect) {
    UdpPeer peer;
    ASSERT_TRUE(peer.open());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,UCN,127.0.0.1,<peer>,,0\r
    // M< AT+SCON=O,UCN,127.0.0.1,<peer>,,0\r\n[OK]\r\n\r\n[CONNECT 0]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,UCN,127.0.0.1," + port_text(peer.port()) + ",,0",
                           "[OK]\r\n\r\n[CONNECT 0]\r\n"));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec2_3_Scon, UsnPrintsConnectBeforeOk) {
    const std::uint16_t port = free_udp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,USN,,,<port>,0\r
    // M< AT+SCON=O,USN,,,<port>,0\r\n\r\n[CONNECT 0]\r\n[OK]\r\n   (design.md: CONNECT first)
    ASSERT_TRUE(
        d.transact("AT+SCON=O,USN,,," + port_text(port) + ",0", "\r\n[CONNECT 0]\r\n[OK]\r\n"));
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec2_3_Scon, OpenTypeAndSocketTypeAreCaseInsensitive) {
    const std::uint16_t port = free_udp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> at+scon=o,usn,,,<port>,0\r   M< ...\r\n\r\n[CONNECT 0]\r\n[OK]\r\n
    ASSERT_TRUE(
        d.transact("at+scon=o,usn,,," + port_text(port) + ",0", "\r\n[CONNECT 0]\r\n[OK]\r\n"));
}

// ---- the record (AT+SCON=?)
// ----------------------------------------------------------------------

TEST(Spec2_3_Scon, OpenAlsoStoresTheRecord) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    const std::string p = port_text(server.port());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0.1," + p + ",,0", "[OK]\r\n\r\n[CONNECT 0]\r\n",
                           kConnectTimeout));
    // Step 5: all six values in RAM; the empty local port is stored as the number 0.
    // H> AT+SCON=?\r   M< AT+SCON=?\r\nO,TCN,127.0.0.1,<server>,0,0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=?", "O,TCN,127.0.0.1," + p + ",0,0\r\n[OK]\r\n"));
}

TEST(Spec2_3_Scon, ServiceOnlyStoresTheRecordAndOpensNothing) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    const std::string p = port_text(server.port());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=S,TCN,127.0.0.1,<server>,,0\r   M< ...\r\n[OK]\r\n   (no CONNECT)
    ASSERT_TRUE(d.transact("AT+SCON=S,TCN,127.0.0.1," + p + ",,0", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_nothing());
    ASSERT_TRUE(server.expect_no_client());
    // H> AT+SCON=?\r   M< AT+SCON=?\r\nS,TCN,127.0.0.1,<server>,0,0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=?", "S,TCN,127.0.0.1," + p + ",0,0\r\n[OK]\r\n"));
    // H> AT+SMGMT=?\r  M< AT+SMGMT=?\r\nNumber of Sockets : 0 (...)\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(0) + "[OK]\r\n"));
}

TEST(Spec2_3_Scon, ServiceOnlyNeedsNoWifiLink) {
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    // Step 3 applies to OpenType O only.
    // H> AT+SCON=S,TSN,,,5000,0\r   M< ...\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=S,TSN,,,5000,0", "[OK]\r\n"));
    // H> AT+SCON=?\r                M< AT+SCON=?\r\nS,TSN,0.0.0.0,0,5000,0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=?", "S,TSN,0.0.0.0,0,5000,0\r\n[OK]\r\n"));
}

TEST(Spec2_3_Scon, TsnWithBlankFieldsWorks) {
    const std::uint16_t port = free_tcp_port();
    const std::string p = port_text(port);
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // The [QSG] form with blank fields (§1.5).
    // H> AT+SCON=O,TSN, , ,<port>,0\r   M< AT+SCON=O,TSN, , ,<port>,0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN, , ," + p + ",0", "[OK]\r\n"));
    // H> AT+SMGMT=?\r   M< ...\r\n0/TSN/0.0.0.0:0/<port>/0\r\n[OK]\r\n
    ASSERT_TRUE(
        d.transact("AT+SMGMT=?", smgmt_header(1) + "0/TSN/0.0.0.0:0/" + p + "/0\r\n" + "[OK]\r\n"));
    // The remote fields of a TSN are forced to 0.0.0.0 / 0 in the record.
    // H> AT+SCON=?\r   M< AT+SCON=?\r\nO,TSN,0.0.0.0,0,<port>,0\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=?", "O,TSN,0.0.0.0,0," + p + ",0\r\n[OK]\r\n"));
    TcpConnection client;
    ASSERT_TRUE(client.connect(port));
    ASSERT_TRUE(d.expect("\r\n[CONNECT 0]\r\n"));
}

TEST(Spec2_3_Scon, UsnWithBlankFieldsWorks) {
    const std::uint16_t port = free_udp_port();
    const std::string p = port_text(port);
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // The example page's form (spec §1.5: a blank IP fails to parse and is ignored where the IP
    // is optional; a blank port reads as 0, i.e. no remote end).
    // H> AT+SCON=O,USN, , ,<port>,0\r   M< AT+SCON=O,USN, , ,<port>,0\r\n\r\n[CONNECT
    // 0]\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,USN, , ," + p + ",0", "\r\n[CONNECT 0]\r\n[OK]\r\n"));
    // H> AT+SMGMT=?\r   M< ...\r\n0/USN/0.0.0.0:0/<port>/0\r\n[OK]\r\n
    ASSERT_TRUE(
        d.transact("AT+SMGMT=?", smgmt_header(1) + "0/USN/0.0.0.0:0/" + p + "/0\r\n" + "[OK]\r\n"));
}

TEST(Spec2_3_Scon, UsnWithRemoteEndStoresItAsThePeer) {
    const std::uint16_t port = free_udp_port();
    UdpPeer peer;
    ASSERT_TRUE(peer.open());
    const std::string pp = port_text(peer.port());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // RemoteIP/RemotePort are optional for USN; given, they are the peer from the start.
    // H> AT+SCON=O,USN,127.0.0.1,<peer>,<port>,0\r   M< ...\r\n\r\n[CONNECT 0]\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,USN,127.0.0.1," + pp + "," + port_text(port) + ",0",
                           "\r\n[CONNECT 0]\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(1) + "0/USN/127.0.0.1:" + pp + "/" +
                                             port_text(port) + "/0\r\n[OK]\r\n"));
    // So SSEND works before any datagram arrived.
    ASSERT_TRUE(ssend(d, 0, "hi"));
    ASSERT_TRUE(peer.expect_datagram("hi"));
}

TEST(Spec2_3_Scon, UsnWithRemoteIpButNoPortIsInvalidInput) {
    const std::uint16_t port = free_udp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,USN,127.0.0.1,,<port>,0\r   M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,USN,127.0.0.1,," + port_text(port) + ",0",
                           "[ERROR: INVALID INPUT]\r\n"));
}

// ---- CIDs (§4.7)
// ---------------------------------------------------------------------------------

TEST(Spec2_3_Scon, LowestFreeCidIsReused) {
    std::vector<std::uint16_t> ports;
    ASSERT_TRUE(free_udp_ports(4, ports));
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(open_udp_server(d, ports[0], 0));
    ASSERT_TRUE(open_udp_server(d, ports[1], 1));
    ASSERT_TRUE(open_udp_server(d, ports[2], 2));
    // H> AT+SMGMT=0\r   M< AT+SMGMT=0\r\n\r\n[DISCONNECT 0]\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=0", "\r\n[DISCONNECT 0]\r\n[OK]\r\n"));
    // The next socket gets CID 0 again (not 3).
    // H> AT+SCON=O,USN,,,<p3>,0\r   M< ...\r\n\r\n[CONNECT 0]\r\n[OK]\r\n
    ASSERT_TRUE(
        d.transact("AT+SCON=O,USN,,," + port_text(ports[3]) + ",0", "\r\n[CONNECT 0]\r\n[OK]\r\n"));
}

TEST(Spec2_3_Scon, NinthSocketIsInvalidScid) {
    std::vector<std::uint16_t> ports;
    ASSERT_TRUE(free_udp_ports(9, ports));
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    for (unsigned cid = 0; cid < 8; ++cid)
        ASSERT_TRUE(open_udp_server(d, ports[cid], cid)) << "CID " << cid;
    // H> AT+SCON=O,USN,,,<p8>,0\r   M< ...\r\n[ERROR: INVALID SCID]\r\n
    ASSERT_TRUE(
        d.transact("AT+SCON=O,USN,,," + port_text(ports[8]) + ",0", "[ERROR: INVALID SCID]\r\n"));
    ASSERT_TRUE(d.expect_nothing());
}

// ---- errors
// --------------------------------------------------------------------------------------

TEST(Spec2_3_Scon, OpenBeforeJoinIsWifiStatus) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    // H> AT+SCON=O,TCN,127.0.0.1,<server>,,0\r   M< ...\r\n[ERROR: WiFi Status]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0.1," + port_text(server.port()) + ",,0",
                           "[ERROR: WiFi Status]\r\n"));
    ASSERT_TRUE(server.expect_no_client());
    // H> AT+SCON=O,TSN,,,5000,0\r                M< ...\r\n[ERROR: WiFi Status]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN,,,5000,0", "[ERROR: WiFi Status]\r\n"));
}

TEST(Spec2_3_Scon, MissingSocketTypeIsInvalidInput) {
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O\r                 M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+SCON=O,,,,5000,0\r       M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,,,,5000,0", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_3_Scon, UnknownOpenTypeIsInvalidInput) {
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=X,TSN,,,5000,0\r    M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=X,TSN,,,5000,0", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_3_Scon, UnknownSocketTypeIsInvalidInput) {
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,XYZ,,,5000,0\r    M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,XYZ,,,5000,0", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+SCON=O,TS,,,5000,0\r     M< ...\r\n[ERROR: INVALID INPUT]\r\n   (not 3 letters)
    ASSERT_TRUE(d.transact("AT+SCON=O,TS,,,5000,0", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_3_Scon, UdpTlsTypesAreInvalidInput) {
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // Q11 fixed: USS/UCS are rejected.
    // H> AT+SCON=O,USS,,,5000,0\r               M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,USS,,,5000,0", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+SCON=O,UCS,127.0.0.1,5000,,0\r      M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,UCS,127.0.0.1,5000,,0", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(0) + "[OK]\r\n"));
}

TEST(Spec2_3_Scon, TcnWithBadOrMissingRemoteIpIsInvalidInput) {
    TcpServer server;
    ASSERT_TRUE(server.listen());
    const std::string p = port_text(server.port());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,TCN,127.0.0.256,<p>,,0\r   M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0.256," + p + ",,0", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+SCON=O,TCN,127.0.0,<p>,,0\r       M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0," + p + ",,0", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+SCON=O,TCN,,<p>,,0\r              M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,TCN,," + p + ",,0", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(server.expect_no_client());
}

TEST(Spec2_3_Scon, TcnWithMissingRemotePortIsInvalidInput) {
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,TCN,127.0.0.1,,,0\r        M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0.1,,,0", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+SCON=O,TCN,127.0.0.1,0,,0\r       M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0.1,0,,0", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_3_Scon, TsnWithPortZeroIsInvalidInput) {
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,TSN,,,0,0\r     M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN,,,0,0", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+SCON=O,TSN,,,,0\r      M< ...\r\n[ERROR: INVALID INPUT]\r\n   (missing)
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN,,,,0", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(0) + "[OK]\r\n"));
}

TEST(Spec2_3_Scon, UsnWithPortZeroIsInvalidInput) {
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,USN,,,0,0\r     M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,USN,,,0,0", "[ERROR: INVALID INPUT]\r\n"));
}

TEST(Spec2_3_Scon, DataModeOtherThanZeroOrOneIsInvalidInput) {
    const std::uint16_t port = free_tcp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,TSN,,,<port>,2\r   M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(
        d.transact("AT+SCON=O,TSN,,," + port_text(port) + ",2", "[ERROR: INVALID INPUT]\r\n"));
    // H> AT+SCON=O,TSN,,,<port>,x\r   M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(
        d.transact("AT+SCON=O,TSN,,," + port_text(port) + ",x", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(0) + "[OK]\r\n"));
}

TEST(Spec2_3_Scon, DataModeWhileAnotherSocketIsOpenIsInvalidInput) {
    const std::uint16_t usn_port = free_udp_port();
    TcpServer server;
    ASSERT_TRUE(server.listen());
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(open_udp_server(d, usn_port, 0));
    // Step 7. H> AT+SCON=O,TCN,127.0.0.1,<server>,,1\r   M< ...\r\n[ERROR: INVALID INPUT]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0.1," + port_text(server.port()) + ",,1",
                           "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_TRUE(server.expect_no_client());
}

// ---- a TCP connect that fails (Appendix B5)
// ------------------------------------------------------

TEST(Spec2_3_Scon, FailedTcpConnectPrintsOkThenDisconnectWithoutConnect) {
    const std::uint16_t closed_port = free_tcp_port();  // nothing listens there
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,TCN,127.0.0.1,<closed>,,0\r
    // M< AT+SCON=O,TCN,127.0.0.1,<closed>,,0\r\n[OK]\r\n
    // M< \r\n[DISCONNECT 0]\r\n                    (no [CONNECT 0] before it)
    ASSERT_TRUE(
        d.transact("AT+SCON=O,TCN,127.0.0.1," + port_text(closed_port) + ",,0", "[OK]\r\n"));
    ASSERT_TRUE(d.expect("\r\n[DISCONNECT 0]\r\n", kConnectTimeout));
    // The slot is free again.
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(0) + "[OK]\r\n"));
}

TEST(AppendixB5, FailedTcpConnect) {
    const std::uint16_t closed_port = free_tcp_port();
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+SCON=O,TCN,127.0.0.1,<closed>,,0\r
    // M< AT+SCON=O,TCN,127.0.0.1,<closed>,,0\r\n[OK]\r\n\r\n[DISCONNECT 0]\r\n
    ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0.1," + port_text(closed_port) + ",,0",
                           "[OK]\r\n\r\n[DISCONNECT 0]\r\n", kConnectTimeout));
    // A new connect to a live peer gets CID 0 again.
    TcpServer server;
    ASSERT_TRUE(server.listen());
    TcpConnection peer;
    ASSERT_TRUE(open_tcp_client(d, server, peer, 0));
}

}  // namespace
}  // namespace wizfi250d::conformance
