// SPDX-License-Identifier: Apache-2.0
#pragma once

// ICMP echo (AT+FPING): one request at a time, each with its own time limit, reported as it
// ends. Nothing blocks the event loop: the ICMP socket is a non-blocking descriptor in Asio.

#include <array>
#include <boost/asio/generic/raw_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "wizfi250d/at/params.hpp"

namespace wizfi250d {

enum class PingOutcome { reply, timeout, error };

struct PingResult {
    PingOutcome outcome = PingOutcome::error;
    // For a reply: from sending the request to reading the reply, cut to whole milliseconds
    // (the firmware's tick arithmetic also cuts).
    std::chrono::milliseconds elapsed{0};
};

// Which kind of ICMP socket a Pinger has.
enum class IcmpSocketKind {
    none,      // neither could be opened: every ping is an error
    datagram,  // socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP): net.ipv4.ping_group_range allows it
    raw,       // socket(AF_INET, SOCK_RAW, IPPROTO_ICMP): needs CAP_NET_RAW
};

std::string_view icmp_socket_kind_name(IcmpSocketKind kind);

// Which kinds a Pinger may try, in this order: datagram first (no privilege needed), then raw.
enum class IcmpSocketChoice { any, datagram_only, raw_only };

struct PingerOptions {
    // Per ping; the firmware's PING_TIMEOUT.
    std::chrono::milliseconds timeout{900};
    IcmpSocketChoice socket = IcmpSocketChoice::any;
};

// ICMP echo packets (RFC 792), the part of the Pinger that needs no socket.
namespace icmp {

inline constexpr std::uint8_t echo_reply_type = 0;
inline constexpr std::uint8_t echo_request_type = 8;
inline constexpr std::size_t header_size = 8;

// The Internet checksum (RFC 1071) of the bytes.
std::uint16_t checksum(const std::uint8_t* data, std::size_t size);

// An echo request: type 8, code 0, checksum, identifier, sequence number (network order), then
// the payload.
std::string make_echo_request(std::uint16_t identifier, std::uint16_t sequence,
                              std::string_view payload);

// Whether `packet`, as one read from an ICMP socket returns it, is an echo reply carrying this
// identifier and sequence number. A raw socket's packets start with the IPv4 header
// (with_ip_header: it is checked and skipped); a datagram socket's start with the ICMP header.
// Anything else (other ICMP types, other pings, short or malformed packets) is not.
bool is_echo_reply(std::string_view packet, bool with_ip_header, std::uint16_t identifier,
                   std::uint16_t sequence);

}  // namespace icmp

// Sends `count` echo requests to one IPv4 address, back to back: each waits for its reply or its
// time limit before the next one goes. Every handler runs on the event loop.
//
// Always held by a shared_ptr (create()); a run in flight keeps the Pinger alive, so the caller
// may drop its pointer after run(). The callbacks are released when the run ends or is
// cancelled, so they may hold the Pinger.
class Pinger : public std::enable_shared_from_this<Pinger> {
public:
    using Report = std::function<void(const PingResult& result)>;
    using Done = std::function<void()>;

    // Opens the ICMP socket (see IcmpSocketKind). Never fails: without a socket every ping
    // reports an error.
    static std::shared_ptr<Pinger> create(boost::asio::io_context& io, PingerOptions options);
    static std::shared_ptr<Pinger> create(boost::asio::io_context& io) {
        return create(io, PingerOptions{});
    }

    Pinger(const Pinger&) = delete;
    Pinger& operator=(const Pinger&) = delete;
    ~Pinger();

    // Starts a run: `report` after each ping, then `done` once. Neither runs inside run(). One
    // run at a time: run() while a run is in flight is a programming error (it asserts).
    void run(Ipv4 target, unsigned count, Report report, Done done);
    // Ends the run in flight: no report and no done follow.
    void cancel();

    IcmpSocketKind socket_kind() const { return kind_; }
    std::uint16_t identifier() const { return identifier_; }

private:
    using Socket = boost::asio::generic::raw_protocol::socket;

    Pinger(boost::asio::io_context& io, PingerOptions options);
    void open_socket();
    bool open_datagram();
    bool open_raw();

    void next();
    void ping_once();
    void receive(std::uint64_t ping);
    void end_ping(std::uint64_t ping, PingResult result);

    boost::asio::io_context& io_;
    PingerOptions options_;
    Socket socket_;
    boost::asio::steady_timer timer_;
    IcmpSocketKind kind_ = IcmpSocketKind::none;
    std::uint16_t identifier_ = 0;
    std::uint16_t sequence_ = 0;

    // The run in flight.
    bool running_ = false;
    Ipv4 target_;
    unsigned remaining_ = 0;
    Report report_;
    Done done_;
    // Each ping has a number; a completion whose number is not the ping waited for is stale.
    std::uint64_t ping_number_ = 0;
    bool waiting_ = false;
    std::chrono::steady_clock::time_point sent_at_;
    std::string request_;
    std::array<char, 2048> buffer_{};
    boost::asio::generic::raw_protocol::endpoint sender_;
};

}  // namespace wizfi250d
