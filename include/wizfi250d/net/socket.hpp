// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "wizfi250d/at/params.hpp"

namespace boost::asio::ssl {
class context;
}

namespace wizfi250d {

enum class Transport { tcp, udp };
enum class Role { client, server };

// The three letters of AT+SCON's SocketType: [T|U][S|C][N|S] (spec §2.3).
struct SocketKind {
    Transport transport = Transport::tcp;
    Role role = Role::client;
    bool tls = false;

    std::string code() const;  // "TCN", "TSS", "USN", ...
    // Case-insensitive; USS/UCS are refused (Q11 fixed).
    static std::optional<SocketKind> parse(std::string_view text);
};

struct Endpoint {
    Ipv4 ip;
    std::uint16_t port = 0;
};

// Everything AT+SCON decides about one socket.
struct SocketSpec {
    SocketKind kind;
    Ipv4 remote_ip;
    std::uint16_t remote_port = 0;
    std::uint16_t local_port = 0;
    bool data_mode = false;
    // Resolved when remote_ip is 0.0.0.0 (AT+SDNAME); empty for none.
    std::string host_name;
    // TCP server with AT+FSOCK=9,1: an accepted client keeps this CID for good, and a new
    // listener takes the port on the lowest free CID (spec §4.6).
    bool multi_accept = false;
};

class Socket;

// What a socket tells the module. Every call comes on the event loop.
class SocketObserver {
public:
    virtual ~SocketObserver() = default;
    virtual void socket_listening(Socket& socket) = 0;
    virtual void socket_connected(Socket& socket) = 0;
    // The connection (or the socket) is gone. relistening: a TCP server whose client left and
    // that listens again on the same CID.
    virtual void socket_closed(Socket& socket, bool relistening) = 0;
    virtual void socket_received(Socket& socket, const Endpoint& from, std::string_view bytes) = 0;
    // The same, but the observer may keep using bytes (the socket's read buffer) after it
    // returns, to spare a copy: then it returns true and calls resume() once it is done with
    // them, and the socket reads nothing until then.
    virtual bool socket_received_borrowing(Socket& socket, const Endpoint& from,
                                           std::string_view bytes,
                                           std::function<void()> /*resume*/) {
        socket_received(socket, from, bytes);
        return false;
    }
    // Backpressure from the serial side: a socket reads only while there is room, and asks to
    // be called back when there is room again.
    virtual bool receive_room() const = 0;
    virtual void when_receive_room(std::function<void()> callback) = 0;
};

// TLS material for TCS/TSS sockets (AT+MCERT and the daemon's TLS options).
class TlsContexts {
public:
    virtual ~TlsContexts() = default;
    // nullptr when a context cannot be made (e.g. TSS without a stored certificate and key).
    virtual std::shared_ptr<boost::asio::ssl::context> client() = 0;
    virtual std::shared_ptr<boost::asio::ssl::context> server() = 0;
    // Whether clients check the server's host name (SNI and name check) against host_name.
    virtual bool verify_host_name() const = 0;
};

class NameLookup;

struct SocketContext {
    boost::asio::io_context& io;
    SocketObserver& observer;
    TlsContexts* tls = nullptr;
    // Host-name lookups for clients by name (AT+SDNAME); the system resolver when unset.
    std::function<std::unique_ptr<NameLookup>()> name_lookup;
    std::chrono::milliseconds connect_timeout{5000};
};

// One of the module's eight sockets (a CID).
class Socket : public std::enable_shared_from_this<Socket> {
public:
    using SendDone = std::function<void(const boost::system::error_code& ec)>;

    Socket(unsigned cid, SocketSpec spec, SocketContext context)
        : cid_(cid), spec_(std::move(spec)), context_(std::move(context)) {}
    virtual ~Socket() = default;
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    unsigned cid() const { return cid_; }
    const SocketSpec& spec() const { return spec_; }

    // Starts the socket. Listening, binding and their failure are known before this returns
    // (so [LISTEN n] and the UDP [CONNECT n] can precede [OK]); a TCP connect completes later.
    virtual void open() = 0;
    // Closes for good; the observer hears socket_closed(relistening=false) unless quiet.
    virtual void close() = 0;
    // Sends bytes (to `to` for UDP when given, else to the peer). done runs when the bytes are
    // handed to the kernel, or on failure.
    virtual void send(std::string bytes, SendDone done) = 0;
    // Hands head then body to the kernel at once, without blocking, and returns how many bytes
    // it took: 0 for sockets that cannot (TLS, datagrams), while sends are queued, or on an
    // error (the next send() reports it).
    virtual std::size_t send_now(std::string_view /*head*/, std::string_view /*body*/) { return 0; }

    // The peer: the connected one for TCP, the stored one for UDP; nullopt when there is none
    // (a server without a client, a UDP server that has heard from nobody).
    virtual std::optional<Endpoint> peer() const = 0;
    // UDP only: AT+SSEND with an address overwrites the stored peer.
    virtual void set_peer(const Endpoint& /*peer*/) {}
    virtual std::uint16_t local_port() const = 0;
    // Connected in the [CONNECT n] sense.
    virtual bool connected() const = 0;

    // When data last went either way (AT+FSOCK=5 idle timeout).
    std::chrono::steady_clock::time_point last_activity() const { return last_activity_; }
    // Ends the current connection because it was idle: a client closes; a server drops its
    // client and listens again.
    virtual void drop_idle_peer() { close(); }

    // Payload bytes received and handed to the kernel so far (the web status page).
    std::uint64_t bytes_received() const { return bytes_received_; }
    std::uint64_t bytes_sent() const { return bytes_sent_; }

protected:
    void note_activity() { last_activity_ = std::chrono::steady_clock::now(); }
    // Counting bytes either way is activity too (spec §2.5, AT+FSOCK option 5: "no rx/tx").
    void count_received(std::size_t n) { count(bytes_received_, n); }
    void count_sent(std::size_t n) { count(bytes_sent_, n); }
    SocketObserver& observer() { return context_.observer; }
    boost::asio::io_context& io() { return context_.io; }
    const SocketContext& context() const { return context_; }

private:
    void count(std::uint64_t& total, std::size_t n) {
        if (n == 0) return;
        total += n;
        note_activity();
    }

    unsigned cid_;
    SocketSpec spec_;
    SocketContext context_;
    std::chrono::steady_clock::time_point last_activity_ = std::chrono::steady_clock::now();
    std::uint64_t bytes_received_ = 0;
    std::uint64_t bytes_sent_ = 0;
};

// Makes the socket for spec (not opened yet).
std::shared_ptr<Socket> make_socket(unsigned cid, const SocketSpec& spec,
                                    const SocketContext& context);

}  // namespace wizfi250d
