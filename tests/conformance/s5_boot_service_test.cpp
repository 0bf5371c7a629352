// SPDX-License-Identifier: Apache-2.0
// Spec §5.3/§5.4 (boot, [Reset Event] after an unclean exit, design.md "Emulated reboot") and
// §5.5 (service sockets, OpenType S / SO) with the recovery options of AT+FSOCK (§2.5: 5 idle
// timeout, 6 service retry, 8 no-socket reset, 9 multi-accept), on 127.0.0.1 only.
//
// Deadlines are generous and nothing here asserts a duration: an option that acts "after N s"
// is checked as "eventually, within a deadline well above N".

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "harness.hpp"
#include "peers.hpp"

namespace wizfi250d::conformance {
namespace {

using Clock = std::chrono::steady_clock;

// What the host sees of the boot-time join on loopback (spec §5.3 step 5, §5.4): the WJOIN
// lines and the Link-Up block, with no [OK].
constexpr std::string_view kBootJoin =
    "Joining : WizFiAP\r\n"
    "Successfully joined : WizFiAP\r\n"
    "\r\n[Link-Up Event]\r\n"
    "  IP Addr    : 127.0.0.1\r\n"
    "  Gateway    : 0.0.0.0\r\n";

constexpr std::string_view kResetEvent = "\r\n[Reset Event]\r\n";
constexpr std::string_view kLinkDown = "\r\n[Link-Down Event]\r\n";

// Deadline for an FSOCK option that acts after 5 or 10 s (checked about every 1.1 s).
constexpr Millis kOptionTimeout{30000};

// Connects to 127.0.0.1:port, trying again while the connection is refused (a listener that
// the daemon opens a moment later), until the deadline.
::testing::AssertionResult connect_eventually(TcpConnection& client, std::uint16_t port,
                                              Millis timeout = kTimeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        auto r = client.connect(port);
        if (r) return r;
        if (Clock::now() >= deadline) return r;
        std::this_thread::sleep_for(Millis{50});
    }
}

// A joined daemon with AT+FSOCK=5,5 (a TCP socket with no rx/tx for 5 s is closed) and socket 0
// a TCP client of `server`, `peer` its far end.
::testing::AssertionResult tcp_client_with_idle_limit(Daemon& d, TcpServer& server,
                                                      TcpConnection& peer) {
    if (auto r = server.listen(); !r) return r;
    if (auto r = start_and_join(d); !r) return r;
    if (auto r = d.transact("AT+FSOCK=5,5", "[OK]\r\n"); !r) return r;
    return open_tcp_client(d, server, peer, 0);
}

// Kills the daemon with SIGKILL (an unclean exit, like a watchdog reset) and waits until it is
// gone without reaping it: the harness's stop() reaps it and reports it as "stopped by itself",
// which is the expected outcome here.
::testing::AssertionResult kill_hard(Daemon& d) {
    const pid_t pid = d.pid();
    if (pid <= 0) return ::testing::AssertionFailure() << "kill_hard(): the daemon is not running";
    if (::kill(pid, SIGKILL) != 0) {
        return ::testing::AssertionFailure()
               << "kill(" << pid << ", SIGKILL): " << std::strerror(errno);
    }
    siginfo_t info{};
    for (;;) {
        if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) == 0) break;
        if (errno == EINTR) continue;
        return ::testing::AssertionFailure() << "waitid(" << pid << "): " << std::strerror(errno);
    }
    if (info.si_code != CLD_KILLED || info.si_status != SIGKILL) {
        return ::testing::AssertionFailure()
               << "the daemon ended otherwise than by SIGKILL (si_code " << info.si_code
               << ", status " << info.si_status << ")";
    }
    const auto stopped = d.stop();  // reaps; "failure": it did not stop on our SIGTERM
    if (stopped) return ::testing::AssertionFailure() << "stop() did not notice the SIGKILL";
    return ::testing::AssertionSuccess();
}

DaemonOptions no_banner_check(DaemonOptions options = {}) {
    options.expect_banner = false;
    return options;
}

// ---- §5.3 / §7: [Reset Event] after an unclean exit ---------------------------------------------

TEST(Spec5_3_Boot, StartAfterSigkillPrintsResetEventThenBanner) {
    Daemon d(no_banner_check());
    ASSERT_TRUE(d.start());
    // A first start on an empty state directory: the banner only.
    ASSERT_TRUE(d.expect_banner());
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
    ASSERT_TRUE(kill_hard(d));
    // M< \r\n[Reset Event]\r\nWizFi250 Version 1.0.5.2 (WIZnet Co.Ltd)\r\n
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.expect(std::string(kResetEvent) + std::string(kBanner), kBootTimeout));
    ASSERT_TRUE(d.expect_nothing());
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec5_3_Boot, StartAfterCleanStopHasNoResetEvent) {
    Daemon d(no_banner_check());
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.expect_banner());
    // SIGTERM, then a start on the same state directory: the banner is the first byte.
    ASSERT_TRUE(d.restart());
    ASSERT_TRUE(d.expect_banner());
    ASSERT_TRUE(d.expect_nothing());
    ASSERT_TRUE(d.transact("AT", "[OK]\r\n"));
}

TEST(Spec5_3_Boot, ResetEventIsPrintedOnceOnly) {
    Daemon d(no_banner_check());
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.expect_banner());
    ASSERT_TRUE(kill_hard(d));
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.expect(std::string(kResetEvent) + std::string(kBanner), kBootTimeout));
    // The restarted daemon stops cleanly: the next start is a normal one.
    ASSERT_TRUE(d.restart());
    ASSERT_TRUE(d.expect_banner());
    ASSERT_TRUE(d.expect_nothing());
    // An emulated reset (MRESET) is not an unclean exit either.
    ASSERT_TRUE(d.transact("AT+MRESET", "[OK]\r\n"));
    ASSERT_TRUE(d.expect_banner());
    ASSERT_TRUE(d.expect_nothing());
}

TEST(Spec5_3_Boot, ResetEventKeepsTheSavedProfile) {
    Daemon d(no_banner_check());
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.expect_banner());
    ASSERT_TRUE(d.transact("AT+MMSG=3", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MPROF=S", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MECHO=1", "[OK]\r\n"));
    ASSERT_TRUE(kill_hard(d));
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.expect(std::string(kResetEvent) + std::string(kBanner), kBootTimeout));
    ASSERT_TRUE(d.transact("AT+MMSG=?", "3\r\n[OK]\r\n"));
}

// ---- §5.5: service sockets at boot
// ---------------------------------------------------------------

TEST(Spec5_5_Service, TsnServiceListensAfterResetWithNoConnectUntilAClientComes) {
    const std::uint16_t port = free_tcp_port();
    ASSERT_NE(port, 0);
    const std::string p = port_text(port);
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    // S: stored only (no link needed, no socket).
    ASSERT_TRUE(d.transact("AT+SCON=S,TSN,,," + p + ",0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(0) + "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MPROF=S", "[OK]\r\n"));
    // H> AT+MRESET\r
    // M< AT+MRESET\r\n[OK]\r\n   WizFi250 Version ...\r\n   Joining ... Gateway ...\r\n
    // (no [OK] after the boot join, and no [CONNECT 0]: a TCP server waits for its client)
    ASSERT_TRUE(d.transact("AT+MRESET", "[OK]\r\n"));
    ASSERT_TRUE(d.expect(std::string(kBanner) + std::string(kBootJoin), kBootTimeout));
    ASSERT_TRUE(d.expect_nothing(Millis{1000}));
    ASSERT_TRUE(
        d.transact("AT+SMGMT=?", smgmt_header(1) + "0/TSN/0.0.0.0:0/" + p + "/0\r\n[OK]\r\n"));
    TcpConnection client;
    ASSERT_TRUE(client.connect(port));
    // M< \r\n[CONNECT 0]\r\n
    ASSERT_TRUE(d.expect(connect_event(0)));
    ASSERT_TRUE(client.send("hello"));
    ASSERT_TRUE(d.expect(frame(0, client.local_port(), "hello")));
    // The record keeps type S.
    ASSERT_TRUE(d.transact("AT+SCON=?", "S,TSN,0.0.0.0,0," + p + ",0\r\n[OK]\r\n"));
}

TEST(Spec5_5_Service, TsnServiceWithSavedMevtmsgPrintsListen) {
    const std::uint16_t port = free_tcp_port();
    ASSERT_NE(port, 0);
    const std::string p = port_text(port);
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MEVTMSG=1", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SCON=S,TSN,,," + p + ",0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MPROF=S", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MRESET", "[OK]\r\n"));
    // M< banner, boot join, \r\n[LISTEN 0]\r\n
    ASSERT_TRUE(
        d.expect(std::string(kBanner) + std::string(kBootJoin) + listen_event(0), kBootTimeout));
    ASSERT_TRUE(d.expect_nothing());
    TcpConnection client;
    ASSERT_TRUE(client.connect(port));
    ASSERT_TRUE(d.expect(connect_event(0)));
    // The client leaves: the same CID listens again.
    client.close();
    ASSERT_TRUE(d.expect(disconnect_event(0) + listen_event(0)));
}

TEST(Spec5_5_Service, TsnServiceAlsoOpensAfterAPowerCycle) {
    const std::uint16_t port = free_tcp_port();
    ASSERT_NE(port, 0);
    const std::string p = port_text(port);
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MEVTMSG=1", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SCON=S,TSN,,," + p + ",0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MPROF=S", "[OK]\r\n"));
    // restart() reads the banner; the boot join and the listener follow it.
    ASSERT_TRUE(d.restart());
    ASSERT_TRUE(d.expect(std::string(kBootJoin) + listen_event(0), kBootTimeout));
    TcpConnection client;
    ASSERT_TRUE(client.connect(port));
    ASSERT_TRUE(d.expect(connect_event(0)));
}

TEST(Spec5_5_Service, UcnServiceConnectsAfterTheLinkUpLines) {
    UdpPeer peer;
    ASSERT_TRUE(peer.open());
    const std::string p = port_text(peer.port());
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+SCON=S,UCN,127.0.0.1," + p + ",,0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MPROF=S", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MRESET", "[OK]\r\n"));
    // M< banner, boot join, \r\n[CONNECT 0]\r\n   (UDP: at once, when bound)
    ASSERT_TRUE(
        d.expect(std::string(kBanner) + std::string(kBootJoin) + connect_event(0), kBootTimeout));
    ASSERT_TRUE(d.expect_nothing());
    // The socket goes to the record's peer.
    ASSERT_TRUE(ssend(d, 0, "service"));
    ASSERT_TRUE(peer.expect_datagram("service"));
    ASSERT_TRUE(d.transact("AT+SCON=?", "S,UCN,127.0.0.1," + p + ",0,0\r\n[OK]\r\n"));
}

TEST(Spec5_5_Service, SoOpensAtOnceAndStoresTheRecord) {
    const std::uint16_t port = free_tcp_port();
    ASSERT_NE(port, 0);
    const std::string p = port_text(port);
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // SO = O (open now, needs the link) plus the record.
    ASSERT_TRUE(d.transact("AT+SCON=SO,TSN,,," + p + ",0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SCON=?", "SO,TSN,0.0.0.0,0," + p + ",0\r\n[OK]\r\n"));
    TcpConnection client;
    ASSERT_TRUE(client.connect(port));
    ASSERT_TRUE(d.expect(connect_event(0)));
    ASSERT_TRUE(d.transact("AT+MPROF=S", "[OK]\r\n"));
    // H> AT+MRESET\r
    // M< AT+MRESET\r\n[OK]\r\n\r\n[DISCONNECT 0]\r\n\r\n[Link-Down Event]\r\n   then the banner,
    //    the boot join and (no event: MEVTMSG=0) the listener again
    ASSERT_TRUE(d.transact("AT+MRESET", "[OK]\r\n" + disconnect_event(0) + std::string(kLinkDown)));
    ASSERT_TRUE(client.expect_closed());
    ASSERT_TRUE(d.expect(std::string(kBanner) + std::string(kBootJoin), kBootTimeout));
    TcpConnection again;
    ASSERT_TRUE(connect_eventually(again, port));
    ASSERT_TRUE(d.expect(connect_event(0)));
    ASSERT_TRUE(d.transact("AT+SCON=?", "SO,TSN,0.0.0.0,0," + p + ",0\r\n[OK]\r\n"));
}

TEST(Spec5_5_Service, SoWithoutLinkIsWifiStatusButSOnlyIsStored) {
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+SCON=SO,TSN,,,6010,0", "[ERROR: WiFi Status]\r\n"));
    ASSERT_TRUE(d.transact("AT+SCON=?", "O,TSN,,0,5000,1\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SCON=S,TSN,,,6010,0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SCON=?", "S,TSN,0.0.0.0,0,6010,0\r\n[OK]\r\n"));
}

TEST(Spec5_5_Service, LaterOpenReplacesTheServiceRecordTrap) {
    std::vector<std::uint16_t> ports;
    ASSERT_TRUE(free_tcp_ports(2, ports));
    const std::string p1 = port_text(ports[0]);
    const std::string p2 = port_text(ports[1]);
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // A service record, saved:
    ASSERT_TRUE(d.transact("AT+SCON=S,TSN,,," + p1 + ",0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MPROF=S", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SCON=?", "S,TSN,0.0.0.0,0," + p1 + ",0\r\n[OK]\r\n"));
    // A later plain open overwrites the record in RAM (spec §5.5 "Trap")...
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN,,," + p2 + ",0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SCON=?", "O,TSN,0.0.0.0,0," + p2 + ",0\r\n[OK]\r\n"));
    // ...and MPROF=S saves the service as gone.
    ASSERT_TRUE(d.transact("AT+MPROF=S", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+MRESET", "[OK]\r\n" + disconnect_event(0) + std::string(kLinkDown)));
    ASSERT_TRUE(d.expect_banner());
    // No auto-join, no service socket.
    ASSERT_TRUE(d.expect_nothing(Millis{1500}));
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(0) + "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SCON=?", "O,TSN,0.0.0.0,0," + p2 + ",0\r\n[OK]\r\n"));
    TcpConnection client;
    ASSERT_TRUE(client.expect_refused(ports[0]));
    ASSERT_TRUE(client.expect_refused(ports[1]));
}

// ---- §2.5 FSOCK options around the service
// ---------------------------------------------------------

TEST(Spec5_5_ServiceOptions, Fsock6ReopensTheServiceAfterSmgmtClosesIt) {
    const std::uint16_t port = free_tcp_port();
    ASSERT_NE(port, 0);
    const std::string p = port_text(port);
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MEVTMSG=1", "[OK]\r\n"));
    // H> AT+FSOCK=6,10\r   M< AT+FSOCK=6,10\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+FSOCK=6,10", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+FSOCK=?", "5000,5000,5,100,0,10,0,0\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SCON=S,TSN,,," + p + ",0", "[OK]\r\n"));
    // The link-up runs the service check after WJOIN's [OK] (spec §5.3 step 8).
    ASSERT_TRUE(d.transact("AT+WJOIN", std::string(kJoinOutput) + listen_event(0), kBootTimeout));
    // H> AT+SMGMT=0\r   M< AT+SMGMT=0\r\n\r\n[DISCONNECT 0]\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+SMGMT=0", disconnect_event(0) + "[OK]\r\n"));
    // With no socket at all, the service comes back within about 10 s.
    ASSERT_TRUE(d.expect(listen_event(0), kOptionTimeout));
    TcpConnection client;
    ASSERT_TRUE(client.connect(port));
    ASSERT_TRUE(d.expect(connect_event(0)));
}

TEST(Spec5_5_ServiceOptions, WithoutFsock6AClosedServiceStaysClosed) {
    const std::uint16_t port = free_tcp_port();
    ASSERT_NE(port, 0);
    const std::string p = port_text(port);
    Daemon d(loopback_options());
    ASSERT_TRUE(d.start());
    ASSERT_TRUE(d.transact("AT+MEVTMSG=1", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SCON=S,TSN,,," + p + ",0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+WJOIN", std::string(kJoinOutput) + listen_event(0), kBootTimeout));
    ASSERT_TRUE(d.transact("AT+SMGMT=0", disconnect_event(0) + "[OK]\r\n"));
    ASSERT_TRUE(d.expect_nothing(Millis{3000}));
    TcpConnection client;
    ASSERT_TRUE(client.expect_refused(port));
}

TEST(Spec5_5_ServiceOptions, Fsock5ClosesAnIdleTcpConnectionAndTheServerListensAgain) {
    const std::uint16_t port = free_tcp_port();
    ASSERT_NE(port, 0);
    const std::string p = port_text(port);
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+MEVTMSG=1", "[OK]\r\n"));
    // H> AT+FSOCK=5,5\r   M< AT+FSOCK=5,5\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+FSOCK=5,5", "[OK]\r\n"));
    // [LISTEN n] before [OK] (design.md "Event order").
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN,,," + p + ",0", listen_event(0) + "[OK]\r\n"));
    TcpConnection client;
    ASSERT_TRUE(client.connect(port));
    ASSERT_TRUE(d.expect(connect_event(0)));
    // No traffic for about 5 s: M< \r\n[DISCONNECT 0]\r\n\r\n[LISTEN 0]\r\n
    ASSERT_TRUE(d.expect(disconnect_event(0) + listen_event(0), kOptionTimeout));
    ASSERT_TRUE(client.expect_closed());
    // The same CID takes the next client.
    TcpConnection next;
    ASSERT_TRUE(next.connect(port));
    ASSERT_TRUE(d.expect(connect_event(0)));
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(1) +
                                             "0/TSN/127.0.0.1:" + port_text(next.local_port()) +
                                             "/" + p + "/0\r\n[OK]\r\n"));
}

TEST(Spec5_5_ServiceOptions, Fsock5ClosesAnIdleTcpClient) {
    TcpServer server;
    Daemon d(loopback_options());
    TcpConnection peer;
    ASSERT_TRUE(tcp_client_with_idle_limit(d, server, peer));
    ASSERT_TRUE(d.expect(disconnect_event(0), kOptionTimeout));
    ASSERT_TRUE(peer.expect_closed());
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(0) + "[OK]\r\n"));
}

// Spec §2.5, AT+FSOCK option 5: a connected TCP socket is idle when it has "no rx/tx" for the
// limit. Bytes received keep it open, bytes sent keep it open, and only silence both ways
// closes it. Each phase runs longer than the 5 s limit.
TEST(Spec5_5_ServiceOptions, Fsock5CountsReceivedAndSentBytesAsActivity) {
    TcpServer server;
    Daemon d(loopback_options());
    TcpConnection peer;
    ASSERT_TRUE(tcp_client_with_idle_limit(d, server, peer));
    constexpr int kPhaseSeconds = 7;
    // The peer sends once a second: M< {0,127.0.0.1,<port>,2}rx\r\n each time, no
    // [DISCONNECT 0] between them.
    for (int second = 0; second < kPhaseSeconds; ++second) {
        std::this_thread::sleep_for(Millis{1000});
        ASSERT_TRUE(peer.send("rx"));
        ASSERT_TRUE(d.expect(frame(0, server.port(), "rx")));
    }
    // The host sends once a second (AT+SSEND=0,,,2 then tx, [OK]); the peer gets each.
    for (int second = 0; second < kPhaseSeconds; ++second) {
        std::this_thread::sleep_for(Millis{1000});
        ASSERT_TRUE(ssend(d, 0, "tx"));
        ASSERT_TRUE(peer.expect("tx"));
    }
    // Silence both ways: M< \r\n[DISCONNECT 0]\r\n
    ASSERT_TRUE(d.expect(disconnect_event(0), kOptionTimeout));
    ASSERT_TRUE(peer.expect_closed());
}

TEST(Spec5_5_ServiceOptions, Fsock9MultiAcceptGivesEachClientItsOwnCid) {
    const std::uint16_t port = free_tcp_port();
    ASSERT_NE(port, 0);
    const std::string p = port_text(port);
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+FSOCK=9,1\r   M< AT+FSOCK=9,1\r\n[OK]\r\n   (option 9 is not shown by ?)
    ASSERT_TRUE(d.transact("AT+FSOCK=9,1", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+FSOCK=?", "5000,5000,5,100,0,0,0,0\r\n[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN,,," + p + ",0", "[OK]\r\n"));
    TcpConnection first;
    ASSERT_TRUE(first.connect(port));
    ASSERT_TRUE(d.expect(connect_event(0)));
    // The next listener comes up on the lowest free CID (1) shortly after the accept.
    TcpConnection second;
    ASSERT_TRUE(connect_eventually(second, port));
    ASSERT_TRUE(d.expect(connect_event(1)));
    // Each client has its own CID and its own frames.
    ASSERT_TRUE(first.send("one"));
    ASSERT_TRUE(d.expect(frame(0, first.local_port(), "one")));
    ASSERT_TRUE(second.send("two"));
    ASSERT_TRUE(d.expect(frame(1, second.local_port(), "two")));
    ASSERT_TRUE(ssend(d, 1, "to-two"));
    ASSERT_TRUE(second.expect("to-two"));
    ASSERT_TRUE(first.expect_nothing());
    // Q18 fixed: the internal SCON of the multi-accept does not touch the record.
    ASSERT_TRUE(d.transact("AT+SCON=?", "O,TSN,0.0.0.0,0," + p + ",0\r\n[OK]\r\n"));
    // An accepted client keeps its CID; when it leaves the CID is freed (no re-listen there).
    first.close();
    ASSERT_TRUE(d.expect(disconnect_event(0)));
}

TEST(Spec5_5_ServiceOptions, WithoutFsock9ASecondClientWaitsForTheCid) {
    const std::uint16_t port = free_tcp_port();
    ASSERT_NE(port, 0);
    const std::string p = port_text(port);
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+SCON=O,TSN,,," + p + ",0", "[OK]\r\n"));
    TcpConnection first;
    ASSERT_TRUE(first.connect(port));
    ASSERT_TRUE(d.expect(connect_event(0)));
    // The second client waits in the backlog: no [CONNECT 1].
    TcpConnection second;
    ASSERT_TRUE(second.connect(port));
    ASSERT_TRUE(d.expect_nothing(Millis{1000}));
    // When the first leaves, CID 0 takes the second.
    first.close();
    ASSERT_TRUE(d.expect(disconnect_event(0) + connect_event(0)));
    ASSERT_TRUE(second.send("x"));
    ASSERT_TRUE(d.expect(frame(0, second.local_port(), "x")));
}

TEST(Spec5_5_ServiceOptions, Fsock8ResetsAServiceModuleWithNoSocket) {
    const std::uint16_t port = free_tcp_port();
    ASSERT_NE(port, 0);
    const std::string p = port_text(port);
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    // H> AT+FSOCK=8,5\r   M< AT+FSOCK=8,5\r\n[OK]\r\n
    ASSERT_TRUE(d.transact("AT+FSOCK=8,5", "[OK]\r\n"));
    // A service record (RAM) and no socket, with the link up:
    ASSERT_TRUE(d.transact("AT+SCON=S,TSN,,," + p + ",0", "[OK]\r\n"));
    ASSERT_TRUE(d.transact("AT+SMGMT=?", smgmt_header(0) + "[OK]\r\n"));
    // After about 5 s the module resets: the link goes down, then the banner. The saved image is
    // the factory one (nothing was saved), so no auto-join follows.
    ASSERT_TRUE(d.expect(std::string(kLinkDown) + std::string(kBanner), kOptionTimeout));
    ASSERT_TRUE(d.expect_nothing(Millis{1000}));
    ASSERT_TRUE(d.transact("AT+FSOCK=?", "5000,5000,5,100,0,0,0,0\r\n[OK]\r\n"));
}

TEST(Spec5_5_ServiceOptions, Fsock8DoesNothingWithoutAServiceRecord) {
    Daemon d(loopback_options());
    ASSERT_TRUE(start_and_join(d));
    ASSERT_TRUE(d.transact("AT+FSOCK=8,5", "[OK]\r\n"));
    // The factory record is O: no reset.
    ASSERT_TRUE(d.expect_nothing(Millis{8000}));
    ASSERT_TRUE(d.transact("AT+WJOIN", "Already Associated : Station Mode\r\n[OK]\r\n"));
}

}  // namespace
}  // namespace wizfi250d::conformance
