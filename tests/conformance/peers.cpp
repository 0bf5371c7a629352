// SPDX-License-Identifier: Apache-2.0
#include "peers.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

namespace wizfi250d::conformance {

namespace {

using Clock = std::chrono::steady_clock;

std::string errno_text(int err) {
    return std::string(std::strerror(err));
}

int remaining_ms(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
    if (left <= 0) return 0;
    return static_cast<int>(std::min<long long>(left, 60 * 1000));
}

sockaddr_in loopback_address(std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    ::inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    return a;
}

std::uint16_t bound_port(int fd, bool peer) {
    sockaddr_in a{};
    socklen_t len = sizeof a;
    const int r = peer ? ::getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len)
                       : ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    if (r != 0) return 0;
    return ntohs(a.sin_port);
}

std::string address_text(const sockaddr_in& a) {
    char text[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(a.sin_port));
}

void set_nonblocking(int fd) {
    const int flags = ::fcntl(fd, F_GETFL, 0);
    if (flags >= 0) ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// Makes a socket of `type`, bound to 127.0.0.1:port. Returns -1 and sets `error` on failure.
int bound_socket(int type, std::uint16_t port, bool reuse, std::string& error) {
    const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        error = "socket: " + errno_text(errno);
        return -1;
    }
    if (reuse) {
        const int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    }
    const sockaddr_in a = loopback_address(port);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
        error = "bind 127.0.0.1:" + std::to_string(port) + ": " + errno_text(errno);
        ::close(fd);
        return -1;
    }
    return fd;
}

::testing::AssertionResult free_ports(int type, std::size_t count,
                                      std::vector<std::uint16_t>& out) {
    out.clear();
    std::vector<int> fds;
    std::string error;
    ::testing::AssertionResult result = ::testing::AssertionSuccess();
    for (std::size_t i = 0; i < count; ++i) {
        const int fd = bound_socket(type, 0, false, error);
        if (fd < 0) {
            result = ::testing::AssertionFailure() << "free port: " << error;
            break;
        }
        fds.push_back(fd);
        out.push_back(bound_port(fd, false));
    }
    for (const int fd : fds)
        ::close(fd);
    return result;
}

// Waits for `events` on fd until the deadline. Returns the revents, 0 on timeout, -1 on error.
int wait_for(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        pollfd p{fd, events, 0};
        const int left = remaining_ms(deadline);
        const int r = ::poll(&p, 1, left);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        if (r == 0) {
            if (left == 0 || Clock::now() >= deadline) return 0;
            continue;
        }
        return p.revents;
    }
}

std::string describe_bytes(std::string_view what, std::string_view expected,
                           std::string_view received) {
    std::string out(what);
    out += "\n  expected (" + std::to_string(expected.size()) + " bytes): \"" +
           escape_bytes(expected.substr(0, 400)) + (expected.size() > 400 ? "...\"" : "\"");
    out += "\n  received (" + std::to_string(received.size()) + " bytes): \"" +
           escape_bytes(received.substr(0, 400)) + (received.size() > 400 ? "...\"" : "\"");
    const std::size_t n = std::min(expected.size(), received.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (expected[i] != received[i]) {
            out += "\n  first difference at byte " + std::to_string(i);
            break;
        }
    }
    out += "\n";
    return out;
}

}  // namespace

// ---- helpers ----------------------------------------------------------------------------------

DaemonOptions loopback_options() {
    DaemonOptions options;
    options.extra_args = {"--interface", "lo"};
    return options;
}

::testing::AssertionResult join(Daemon& d) {
    // Joining on loopback is quick, but give it the boot timeout: WJOIN is a long command.
    return d.transact("AT+WJOIN", kJoinOutput, kBootTimeout);
}

::testing::AssertionResult start_and_join(Daemon& d) {
    if (auto r = d.start(); !r) return r;
    return join(d);
}

std::string connect_event(unsigned cid) {
    return "\r\n[CONNECT " + std::to_string(cid) + "]\r\n";
}

std::string disconnect_event(unsigned cid) {
    return "\r\n[DISCONNECT " + std::to_string(cid) + "]\r\n";
}

std::string listen_event(unsigned cid) {
    return "\r\n[LISTEN " + std::to_string(cid) + "]\r\n";
}

std::string frame(unsigned cid, std::uint16_t port, std::string_view payload) {
    std::string out = "{" + std::to_string(cid) + ",127.0.0.1," + std::to_string(port) + "," +
                      std::to_string(payload.size()) + "}";
    out += payload;
    out += "\r\n";
    return out;
}

std::string smgmt_header(std::size_t sockets) {
    return "Number of Sockets : " + std::to_string(sockets) +
           " (SCID/Mode/Remote/Local/DataMode)\r\n";
}

std::string port_text(std::uint16_t port) {
    return std::to_string(port);
}

::testing::AssertionResult free_tcp_ports(std::size_t count, std::vector<std::uint16_t>& out) {
    return free_ports(SOCK_STREAM, count, out);
}

::testing::AssertionResult free_udp_ports(std::size_t count, std::vector<std::uint16_t>& out) {
    return free_ports(SOCK_DGRAM, count, out);
}

std::uint16_t free_tcp_port() {
    std::vector<std::uint16_t> ports;
    const auto r = free_tcp_ports(1, ports);
    if (!r) {
        ADD_FAILURE() << r.message();
        return 0;
    }
    return ports.front();
}

std::uint16_t free_udp_port() {
    std::vector<std::uint16_t> ports;
    const auto r = free_udp_ports(1, ports);
    if (!r) {
        ADD_FAILURE() << r.message();
        return 0;
    }
    return ports.front();
}

std::string pattern_payload(std::size_t size) {
    static constexpr char kAlphabet[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    constexpr std::size_t kAlphabetSize = sizeof kAlphabet - 1;
    std::string out;
    out.reserve(size);
    for (std::size_t i = 0; i < size; ++i)
        out += kAlphabet[(i * 7 + i / kAlphabetSize) % kAlphabetSize];
    return out;
}

// ---- transcript helpers -----------------------------------------------------------------------

::testing::AssertionResult open_tcp_client(Daemon& d, TcpServer& server, TcpConnection& peer,
                                           unsigned cid) {
    if (auto r = d.transact("AT+SCON=O,TCN,127.0.0.1," + port_text(server.port()) + ",,0",
                            std::string(kOk) + connect_event(cid), kConnectTimeout);
        !r)
        return r;
    return server.accept(peer);
}

::testing::AssertionResult open_tcp_server_with_client(Daemon& d, std::uint16_t port,
                                                       TcpConnection& client, unsigned cid) {
    if (auto r = d.transact("AT+SCON=O,TSN,,," + port_text(port) + ",0", kOk); !r) return r;
    if (auto r = client.connect(port); !r) return r;
    return d.expect(connect_event(cid));
}

::testing::AssertionResult open_udp_client(Daemon& d, std::uint16_t remote_port, unsigned cid,
                                           std::uint16_t local_port) {
    const std::string local = local_port == 0 ? std::string() : port_text(local_port);
    return d.transact("AT+SCON=O,UCN,127.0.0.1," + port_text(remote_port) + "," + local + ",0",
                      std::string(kOk) + connect_event(cid));
}

::testing::AssertionResult open_udp_server(Daemon& d, std::uint16_t port, unsigned cid) {
    return d.transact("AT+SCON=O,USN,,," + port_text(port) + ",0",
                      connect_event(cid) + std::string(kOk));
}

::testing::AssertionResult ssend(Daemon& d, unsigned cid, std::string_view payload) {
    const std::string n = std::to_string(payload.size());
    const std::string c = std::to_string(cid);
    if (auto r = d.transact("AT+SSEND=" + c + ",,," + n, "[" + c + ",,," + n + "]\r\n"); !r)
        return r;
    if (auto r = d.send(payload); !r) return r;
    return d.expect(kOk);
}

// ---- TcpConnection ----------------------------------------------------------------------------

TcpConnection::~TcpConnection() {
    close();
}

TcpConnection::TcpConnection(TcpConnection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      local_port_(other.local_port_),
      remote_port_(other.remote_port_),
      pending_(std::move(other.pending_)) {}

TcpConnection& TcpConnection::operator=(TcpConnection&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::exchange(other.fd_, -1);
        local_port_ = other.local_port_;
        remote_port_ = other.remote_port_;
        pending_ = std::move(other.pending_);
    }
    return *this;
}

void TcpConnection::adopt(int fd) {
    close();
    fd_ = fd;
    set_nonblocking(fd_);
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    local_port_ = bound_port(fd_, false);
    remote_port_ = bound_port(fd_, true);
    pending_.clear();
}

::testing::AssertionResult TcpConnection::connect(std::uint16_t port, Millis timeout) {
    close();
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return ::testing::AssertionFailure() << "socket: " << errno_text(errno);
    const sockaddr_in a = loopback_address(port);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 &&
        errno != EINPROGRESS) {
        const int err = errno;
        ::close(fd);
        return ::testing::AssertionFailure()
               << "TCP connect to 127.0.0.1:" << port << " failed: " << errno_text(err);
    }
    const int ev = wait_for(fd, POLLOUT, Clock::now() + timeout);
    if (ev <= 0) {
        ::close(fd);
        return ::testing::AssertionFailure()
               << "TCP connect to 127.0.0.1:" << port << " did not complete within "
               << timeout.count() << " ms";
    }
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
        ::close(fd);
        return ::testing::AssertionFailure()
               << "TCP connect to 127.0.0.1:" << port << " failed: " << errno_text(err);
    }
    adopt(fd);
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult TcpConnection::expect_refused(std::uint16_t port, Millis timeout) {
    close();
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return ::testing::AssertionFailure() << "socket: " << errno_text(errno);
    const sockaddr_in a = loopback_address(port);
    int err = 0;
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
        err = errno;
        if (err == EINPROGRESS) {
            const int ev = wait_for(fd, POLLOUT, Clock::now() + timeout);
            if (ev <= 0) {
                ::close(fd);
                return ::testing::AssertionFailure()
                       << "TCP connect to 127.0.0.1:" << port << " neither completed nor "
                       << "was refused within " << timeout.count() << " ms";
            }
            socklen_t len = sizeof err;
            ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        }
    }
    ::close(fd);
    if (err == ECONNREFUSED) return ::testing::AssertionSuccess();
    if (err == 0) {
        return ::testing::AssertionFailure()
               << "TCP connect to 127.0.0.1:" << port
               << " succeeded, but nothing should listen on that port any more";
    }
    return ::testing::AssertionFailure() << "TCP connect to 127.0.0.1:" << port << " failed with "
                                         << errno_text(err) << " instead of ECONNREFUSED";
}

::testing::AssertionResult TcpConnection::send(std::string_view bytes) {
    if (fd_ < 0) return ::testing::AssertionFailure() << "TcpConnection::send: not connected";
    const auto deadline = Clock::now() + kTimeout;
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (wait_for(fd_, POLLOUT, deadline) <= 0) {
                return ::testing::AssertionFailure()
                       << "TCP peer: the daemon did not read: " << done << " of " << bytes.size()
                       << " bytes sent within " << kTimeout.count() << " ms";
            }
            continue;
        }
        return ::testing::AssertionFailure() << "TCP peer: send failed: " << errno_text(errno);
    }
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult TcpConnection::read_exactly(std::size_t n, std::string& out,
                                                       Millis timeout) {
    if (fd_ < 0) return ::testing::AssertionFailure() << "TcpConnection: not connected";
    const auto deadline = Clock::now() + timeout;
    std::string note;
    while (pending_.size() < n) {
        const int ev = wait_for(fd_, POLLIN, deadline);
        if (ev == 0) {
            note = "timed out after " + std::to_string(timeout.count()) + " ms";
            break;
        }
        if (ev < 0) {
            note = "poll: " + errno_text(errno);
            break;
        }
        char buffer[8192];
        const ssize_t r = ::recv(fd_, buffer, sizeof buffer, 0);
        if (r > 0) {
            pending_.append(buffer, static_cast<std::size_t>(r));
            continue;
        }
        if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
        note =
            r == 0 ? std::string("the daemon closed the connection") : "recv: " + errno_text(errno);
        break;
    }
    if (pending_.size() >= n) {
        out = pending_.substr(0, n);
        pending_.erase(0, n);
        return ::testing::AssertionSuccess();
    }
    out.swap(pending_);
    pending_.clear();
    return ::testing::AssertionFailure()
           << "TCP peer: wanted " << n << " bytes, got " << out.size() << " (" << note << "): \""
           << escape_bytes(std::string_view(out).substr(0, 400)) << "\"";
}

::testing::AssertionResult TcpConnection::expect(std::string_view exact, Millis timeout) {
    std::string got;
    auto r = read_exactly(exact.size(), got, timeout);
    if (r && got == exact) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << describe_bytes("TCP peer: the bytes from the daemon differ" +
                                 (r ? std::string() : std::string(" (") + r.message() + ")"),
                             exact, got);
}

::testing::AssertionResult TcpConnection::expect_nothing(Millis for_ms) {
    if (fd_ < 0) return ::testing::AssertionFailure() << "TcpConnection: not connected";
    if (!pending_.empty()) {
        return ::testing::AssertionFailure()
               << "TCP peer: unexpected bytes: \"" << escape_bytes(pending_) << "\"";
    }
    const int ev = wait_for(fd_, POLLIN, Clock::now() + for_ms);
    if (ev == 0) return ::testing::AssertionSuccess();
    char buffer[4096];
    const ssize_t r = ::recv(fd_, buffer, sizeof buffer, 0);
    if (r > 0) {
        return ::testing::AssertionFailure()
               << "TCP peer: bytes arrived where the spec says that nothing is sent: \""
               << escape_bytes(std::string_view(buffer, static_cast<std::size_t>(r))) << "\"";
    }
    if (r == 0) {
        return ::testing::AssertionFailure()
               << "TCP peer: the daemon closed the connection where it should stay open";
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "TCP peer: recv: " << errno_text(errno);
}

::testing::AssertionResult TcpConnection::expect_closed(Millis timeout) {
    if (fd_ < 0) return ::testing::AssertionFailure() << "TcpConnection: not connected";
    if (!pending_.empty()) {
        return ::testing::AssertionFailure() << "TCP peer: unexpected bytes before the close: \""
                                             << escape_bytes(pending_) << "\"";
    }
    const auto deadline = Clock::now() + timeout;
    std::string extra;
    for (;;) {
        const int ev = wait_for(fd_, POLLIN, deadline);
        if (ev == 0) {
            return ::testing::AssertionFailure()
                   << "TCP peer: the daemon did not close the connection within " << timeout.count()
                   << " ms"
                   << (extra.empty() ? std::string()
                                     : "; bytes received: \"" + escape_bytes(extra) + "\"");
        }
        char buffer[4096];
        const ssize_t r = ::recv(fd_, buffer, sizeof buffer, 0);
        if (r > 0) {
            extra.append(buffer, static_cast<std::size_t>(r));
            continue;
        }
        if (r < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
        if (!extra.empty()) {
            return ::testing::AssertionFailure()
                   << "TCP peer: unexpected bytes before the close: \"" << escape_bytes(extra)
                   << "\"";
        }
        return ::testing::AssertionSuccess();  // EOF or ECONNRESET
    }
}

void TcpConnection::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    pending_.clear();
}

void TcpConnection::reset() {
    if (fd_ >= 0) {
        linger l{};
        l.l_onoff = 1;
        l.l_linger = 0;
        ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    }
    close();
}

// ---- TcpServer --------------------------------------------------------------------------------

TcpServer::~TcpServer() {
    close();
}

::testing::AssertionResult TcpServer::listen(std::uint16_t port) {
    close();
    std::string error;
    const int fd = bound_socket(SOCK_STREAM, port, true, error);
    if (fd < 0) return ::testing::AssertionFailure() << "TCP server peer: " << error;
    if (::listen(fd, 8) != 0) {
        const int err = errno;
        ::close(fd);
        return ::testing::AssertionFailure() << "TCP server peer: listen: " << errno_text(err);
    }
    fd_ = fd;
    port_ = bound_port(fd_, false);
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult TcpServer::accept(TcpConnection& out, Millis timeout) {
    if (fd_ < 0) return ::testing::AssertionFailure() << "TCP server peer: not listening";
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        const int ev = wait_for(fd_, POLLIN, deadline);
        if (ev == 0) {
            return ::testing::AssertionFailure()
                   << "TCP server peer on 127.0.0.1:" << port_
                   << ": the daemon did not connect within " << timeout.count() << " ms";
        }
        if (ev < 0) return ::testing::AssertionFailure() << "poll: " << errno_text(errno);
        sockaddr_in a{};
        socklen_t len = sizeof a;
        const int fd = ::accept4(fd_, reinterpret_cast<sockaddr*>(&a), &len, SOCK_CLOEXEC);
        if (fd >= 0) {
            out.adopt(fd);
            return ::testing::AssertionSuccess();
        }
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
        return ::testing::AssertionFailure() << "accept: " << errno_text(errno);
    }
}

::testing::AssertionResult TcpServer::expect_no_client(Millis for_ms) {
    if (fd_ < 0) return ::testing::AssertionFailure() << "TCP server peer: not listening";
    const int ev = wait_for(fd_, POLLIN, Clock::now() + for_ms);
    if (ev == 0) return ::testing::AssertionSuccess();
    sockaddr_in a{};
    socklen_t len = sizeof a;
    const int fd = ::accept4(fd_, reinterpret_cast<sockaddr*>(&a), &len, SOCK_CLOEXEC);
    if (fd >= 0) {
        ::close(fd);
        return ::testing::AssertionFailure()
               << "TCP server peer on 127.0.0.1:" << port_ << ": the daemon connected from "
               << address_text(a) << " where the spec says that it opens nothing";
    }
    return ::testing::AssertionSuccess();
}

void TcpServer::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

// ---- UdpPeer ----------------------------------------------------------------------------------

UdpPeer::~UdpPeer() {
    close();
}

::testing::AssertionResult UdpPeer::open(std::uint16_t port) {
    close();
    std::string error;
    const int fd = bound_socket(SOCK_DGRAM, port, false, error);
    if (fd < 0) return ::testing::AssertionFailure() << "UDP peer: " << error;
    fd_ = fd;
    port_ = bound_port(fd_, false);
    return ::testing::AssertionSuccess();
}

::testing::AssertionResult UdpPeer::send_to(std::uint16_t port, std::string_view payload) {
    if (fd_ < 0) return ::testing::AssertionFailure() << "UDP peer: not open";
    const sockaddr_in a = loopback_address(port);
    const auto deadline = Clock::now() + kTimeout;
    for (;;) {
        const ssize_t n = ::sendto(fd_, payload.data(), payload.size(), MSG_NOSIGNAL,
                                   reinterpret_cast<const sockaddr*>(&a), sizeof a);
        if (n == static_cast<ssize_t>(payload.size())) return ::testing::AssertionSuccess();
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
            wait_for(fd_, POLLOUT, deadline) > 0)
            continue;
        return ::testing::AssertionFailure()
               << "UDP peer 127.0.0.1:" << port_ << ": sendto 127.0.0.1:" << port
               << " failed: " << (n < 0 ? errno_text(errno) : std::string("short datagram"));
    }
}

::testing::AssertionResult UdpPeer::receive(std::string& payload, std::uint16_t& from_port,
                                            Millis timeout) {
    if (fd_ < 0) return ::testing::AssertionFailure() << "UDP peer: not open";
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        const int ev = wait_for(fd_, POLLIN, deadline);
        if (ev == 0) {
            return ::testing::AssertionFailure()
                   << "UDP peer 127.0.0.1:" << port_ << ": no datagram within " << timeout.count()
                   << " ms";
        }
        if (ev < 0) return ::testing::AssertionFailure() << "poll: " << errno_text(errno);
        char buffer[65536];
        sockaddr_in a{};
        socklen_t len = sizeof a;
        const ssize_t n =
            ::recvfrom(fd_, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&a), &len);
        if (n >= 0) {
            payload.assign(buffer, static_cast<std::size_t>(n));
            from_port = ntohs(a.sin_port);
            char text[INET_ADDRSTRLEN] = {};
            ::inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
            if (std::string_view(text) != kLoopback) {
                return ::testing::AssertionFailure() << "UDP peer: a datagram came from "
                                                     << address_text(a) << ", not from 127.0.0.1";
            }
            return ::testing::AssertionSuccess();
        }
        if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) continue;
        return ::testing::AssertionFailure() << "recvfrom: " << errno_text(errno);
    }
}

::testing::AssertionResult UdpPeer::expect_datagram(std::string_view payload,
                                                    std::uint16_t* from_port, Millis timeout) {
    std::string got;
    std::uint16_t from = 0;
    if (auto r = receive(got, from, timeout); !r) return r;
    if (from_port != nullptr) *from_port = from;
    if (got == payload) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << describe_bytes(
               "UDP peer 127.0.0.1:" + std::to_string(port_) +
                   ": the datagram from 127.0.0.1:" + std::to_string(from) + " differs",
               payload, got);
}

::testing::AssertionResult UdpPeer::expect_stream(std::string_view bytes, std::uint16_t* from_port,
                                                  Millis timeout) {
    const auto deadline = Clock::now() + timeout;
    std::string got;
    std::uint16_t first_from = 0;
    while (got.size() < bytes.size()) {
        std::string part;
        std::uint16_t from = 0;
        const int left = remaining_ms(deadline);
        if (auto r = receive(part, from, Millis{left}); !r) {
            return ::testing::AssertionFailure()
                   << r.message() << "\n"
                   << describe_bytes("UDP peer: the stream so far", bytes, got);
        }
        if (first_from == 0) first_from = from;
        if (from != first_from) {
            return ::testing::AssertionFailure()
                   << "UDP peer: datagrams came from two ports, " << first_from << " and " << from;
        }
        got += part;
    }
    if (from_port != nullptr) *from_port = first_from;
    if (got == bytes) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << describe_bytes("UDP peer: the data differs", bytes, got);
}

::testing::AssertionResult UdpPeer::expect_nothing(Millis for_ms) {
    if (fd_ < 0) return ::testing::AssertionFailure() << "UDP peer: not open";
    const int ev = wait_for(fd_, POLLIN, Clock::now() + for_ms);
    if (ev == 0) return ::testing::AssertionSuccess();
    std::string got;
    std::uint16_t from = 0;
    if (receive(got, from, Millis{0})) {
        return ::testing::AssertionFailure()
               << "UDP peer 127.0.0.1:" << port_ << ": a datagram from 127.0.0.1:" << from
               << " arrived where the spec says that nothing is sent: \"" << escape_bytes(got)
               << "\"";
    }
    return ::testing::AssertionSuccess();
}

void UdpPeer::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

}  // namespace wizfi250d::conformance
