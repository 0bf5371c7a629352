// SPDX-License-Identifier: Apache-2.0
#pragma once

// Loopback peers for the socket conformance tests (spec §2.3, §3.3, §4): real TCP and UDP
// sockets on 127.0.0.1, never any other address. Blocking sockets with poll() and a deadline on
// every wait; every check returns a ::testing::AssertionResult so that a test reads as a
// transcript of both sides:
//
//     TcpServer server;
//     ASSERT_TRUE(server.listen());                               // 127.0.0.1:<ephemeral>
//     ASSERT_TRUE(d.transact("AT+SCON=O,TCN,127.0.0.1," + port_text(server.port()) + ",,0",
//                            "[OK]\r\n\r\n[CONNECT 0]\r\n"));
//     TcpConnection peer;
//     ASSERT_TRUE(server.accept(peer));
//     ASSERT_TRUE(peer.send("Hi WizFi250"));
//
// Ports: where the test owns the peer, it binds port 0 and reads the port back. Where the daemon
// must listen (TSN, USN, a fixed local port), free_tcp_ports()/free_udp_ports() bind port 0,
// read the ports and close them again, so the daemon can take them.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "harness.hpp"

namespace wizfi250d::conformance {

// The only address the socket tests use.
inline constexpr std::string_view kLoopback = "127.0.0.1";

// How long a peer waits for the daemon's +++ escape answer: more than the 1000 ms silence the
// escape needs (spec §4.3), with room for a slow machine.
inline constexpr Millis kEscapeTimeout{6000};
// A failed TCP connect to a closed loopback port is refused at once; the spec allows 5 s.
inline constexpr Millis kConnectTimeout{8000};

// The daemon options of every socket test: the host Wi-Fi backend attached to loopback, so that
// AT+WJOIN reports 127.0.0.1.
DaemonOptions loopback_options();

// AT+WJOIN on the loopback interface at factory settings (STA SSID WizFiAP):
// "Joining : WizFiAP\r\nSuccessfully joined : WizFiAP\r\n\r\n[Link-Up Event]\r\n
//  IP Addr    : 127.0.0.1\r\n  Gateway    : 0.0.0.0\r\n[OK]\r\n" after the echo.
inline constexpr std::string_view kJoinOutput =
    "Joining : WizFiAP\r\n"
    "Successfully joined : WizFiAP\r\n"
    "\r\n[Link-Up Event]\r\n"
    "  IP Addr    : 127.0.0.1\r\n"
    "  Gateway    : 0.0.0.0\r\n"
    "[OK]\r\n";

// Starts a daemon made with loopback_options() and joins. The common first two steps.
[[nodiscard]] ::testing::AssertionResult start_and_join(Daemon& d);
// Sends AT+WJOIN and expects kJoinOutput.
[[nodiscard]] ::testing::AssertionResult join(Daemon& d);

// Event lines (spec §3.1), full form.
std::string connect_event(unsigned cid);     // "\r\n[CONNECT n]\r\n"
std::string disconnect_event(unsigned cid);  // "\r\n[DISCONNECT n]\r\n"
std::string listen_event(unsigned cid);      // "\r\n[LISTEN n]\r\n"

// A receive frame at factory AT+SFORM (spec §3.3): "{cid,127.0.0.1,port,len}payload\r\n".
std::string frame(unsigned cid, std::uint16_t port, std::string_view payload);

// The AT+SMGMT=? header line for k sockets (spec §2.3, the firmware text).
std::string smgmt_header(std::size_t sockets);

std::string port_text(std::uint16_t port);

// `count` distinct loopback ports that were free a moment ago (bound together to port 0, read,
// closed). For ports the daemon must bind.
[[nodiscard]] ::testing::AssertionResult free_tcp_ports(std::size_t count,
                                                        std::vector<std::uint16_t>& out);
[[nodiscard]] ::testing::AssertionResult free_udp_ports(std::size_t count,
                                                        std::vector<std::uint16_t>& out);
// One free port; 0 (and a test failure recorded) if none could be found.
std::uint16_t free_tcp_port();
std::uint16_t free_udp_port();

// A deterministic test payload of `size` bytes, letters and digits only (no CR, LF, '{', '+').
std::string pattern_payload(std::size_t size);

// ---- transcript helpers (each states the bytes it expects) ------------------------------------

class TcpServer;
class TcpConnection;

// Opens a command-mode TCP client to `server` and accepts it there (spec §2.3, design.md
// "Event order": [OK] first):
//   H> AT+SCON=O,TCN,127.0.0.1,<server>,,0\r
//   M< AT+SCON=O,TCN,127.0.0.1,<server>,,0\r\n[OK]\r\n\r\n[CONNECT cid]\r\n
[[nodiscard]] ::testing::AssertionResult open_tcp_client(Daemon& d, TcpServer& server,
                                                         TcpConnection& peer, unsigned cid = 0);
// Opens a command-mode TCP server on `port` and connects `client` to it:
//   H> AT+SCON=O,TSN,,,<port>,0\r   M< AT+SCON=O,TSN,,,<port>,0\r\n[OK]\r\n
//   (client connects)               M< \r\n[CONNECT cid]\r\n
[[nodiscard]] ::testing::AssertionResult open_tcp_server_with_client(Daemon& d, std::uint16_t port,
                                                                     TcpConnection& client,
                                                                     unsigned cid = 0);
// Opens a command-mode UDP client towards 127.0.0.1:<remote_port> (local port automatic when 0):
//   H> AT+SCON=O,UCN,127.0.0.1,<remote>,<local or empty>,0\r
//   M< ...\r\n[OK]\r\n\r\n[CONNECT cid]\r\n
[[nodiscard]] ::testing::AssertionResult open_udp_client(Daemon& d, std::uint16_t remote_port,
                                                         unsigned cid = 0,
                                                         std::uint16_t local_port = 0);
// Opens a command-mode UDP server on `port` (design.md "Event order": [CONNECT n] first):
//   H> AT+SCON=O,USN,,,<port>,0\r   M< AT+SCON=O,USN,,,<port>,0\r\n\r\n[CONNECT cid]\r\n[OK]\r\n
[[nodiscard]] ::testing::AssertionResult open_udp_server(Daemon& d, std::uint16_t port,
                                                         unsigned cid = 0);
// A whole SSEND with no ip/port/timeout:
//   H> AT+SSEND=<cid>,,,<n>\r       M< AT+SSEND=<cid>,,,<n>\r\n[<cid>,,,<n>]\r\n
//   H> <payload>                    M< [OK]\r\n
[[nodiscard]] ::testing::AssertionResult ssend(Daemon& d, unsigned cid, std::string_view payload);

// One connected TCP socket: the peer side of a daemon socket.
class TcpConnection {
public:
    TcpConnection() = default;
    ~TcpConnection();
    TcpConnection(TcpConnection&& other) noexcept;
    TcpConnection& operator=(TcpConnection&& other) noexcept;
    TcpConnection(const TcpConnection&) = delete;
    TcpConnection& operator=(const TcpConnection&) = delete;

    bool is_open() const { return fd_ >= 0; }
    std::uint16_t local_port() const { return local_port_; }
    std::uint16_t remote_port() const { return remote_port_; }

    // Connects to 127.0.0.1:port (blocking, with a deadline).
    [[nodiscard]] ::testing::AssertionResult connect(std::uint16_t port, Millis timeout = kTimeout);
    // Connects and expects ECONNREFUSED (nothing listens on the port).
    [[nodiscard]] ::testing::AssertionResult expect_refused(std::uint16_t port,
                                                            Millis timeout = kTimeout);

    // Writes all bytes.
    [[nodiscard]] ::testing::AssertionResult send(std::string_view bytes);
    // Reads exactly exact.size() bytes (however the stream is cut) and compares them.
    [[nodiscard]] ::testing::AssertionResult expect(std::string_view exact,
                                                    Millis timeout = kTimeout);
    // Reads exactly n bytes.
    [[nodiscard]] ::testing::AssertionResult read_exactly(std::size_t n, std::string& out,
                                                          Millis timeout = kTimeout);
    // Checks that no byte arrives (and the connection stays open) for `for_ms`.
    [[nodiscard]] ::testing::AssertionResult expect_nothing(Millis for_ms = kQuiet);
    // Expects the end of the stream (FIN or RST) with no further data.
    [[nodiscard]] ::testing::AssertionResult expect_closed(Millis timeout = kTimeout);

    // Orderly close (FIN).
    void close();
    // Abortive close (RST: SO_LINGER with a zero timeout).
    void reset();

private:
    friend class TcpServer;
    void adopt(int fd);

    int fd_ = -1;
    std::uint16_t local_port_ = 0;
    std::uint16_t remote_port_ = 0;
    std::string pending_;  // received and not yet consumed
};

// A TCP listener on 127.0.0.1 (port 0 → ephemeral) for the daemon's TCP clients.
class TcpServer {
public:
    TcpServer() = default;
    ~TcpServer();
    TcpServer(const TcpServer&) = delete;
    TcpServer& operator=(const TcpServer&) = delete;

    [[nodiscard]] ::testing::AssertionResult listen(std::uint16_t port = 0);
    std::uint16_t port() const { return port_; }
    // Waits for one client and hands its connection over.
    [[nodiscard]] ::testing::AssertionResult accept(TcpConnection& out, Millis timeout = kTimeout);
    // Checks that no client connects for `for_ms`.
    [[nodiscard]] ::testing::AssertionResult expect_no_client(Millis for_ms = kQuiet);
    void close();

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

// A UDP socket bound to 127.0.0.1 (port 0 → ephemeral).
class UdpPeer {
public:
    UdpPeer() = default;
    ~UdpPeer();
    UdpPeer(const UdpPeer&) = delete;
    UdpPeer& operator=(const UdpPeer&) = delete;

    [[nodiscard]] ::testing::AssertionResult open(std::uint16_t port = 0);
    std::uint16_t port() const { return port_; }

    // Sends one datagram to 127.0.0.1:port.
    [[nodiscard]] ::testing::AssertionResult send_to(std::uint16_t port, std::string_view payload);
    // Receives one datagram.
    [[nodiscard]] ::testing::AssertionResult receive(std::string& payload, std::uint16_t& from_port,
                                                     Millis timeout = kTimeout);
    // Receives one datagram and checks its payload (and, when from_port is not null, stores the
    // sender's port there).
    [[nodiscard]] ::testing::AssertionResult expect_datagram(std::string_view payload,
                                                             std::uint16_t* from_port = nullptr,
                                                             Millis timeout = kTimeout);
    // Receives datagrams until `bytes` have arrived (data mode cuts datagrams by timing) and
    // compares their concatenation. All must come from one port, stored in from_port if given.
    [[nodiscard]] ::testing::AssertionResult expect_stream(std::string_view bytes,
                                                           std::uint16_t* from_port = nullptr,
                                                           Millis timeout = kTimeout);
    // Checks that no datagram arrives for `for_ms`.
    [[nodiscard]] ::testing::AssertionResult expect_nothing(Millis for_ms = kQuiet);
    void close();

private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
};

}  // namespace wizfi250d::conformance
