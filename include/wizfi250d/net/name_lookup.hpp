// SPDX-License-Identifier: Apache-2.0
#pragma once

// Asynchronous IPv4 lookup of a host name with a time limit (AT+FDNS; later AT+SCON by name,
// AT+SDNAME). Nothing here blocks the event loop: the system resolver's getaddrinfo runs on
// Asio's own resolver thread.

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "wizfi250d/at/params.hpp"

namespace wizfi250d {

// Looks up the first IPv4 address of a host name.
//
// lookup() is the whole contract; the rules that do not depend on where names are looked up
// live here, once:
//  - `done` runs exactly once, on the event loop, and never inside lookup() itself (a command
//    handler can start a lookup and return ResultCode::pending before the answer comes);
//  - a dotted quad is answered with itself, without any query;
//  - a name under the reserved TLD "invalid" (RFC 6761 §6.4) is refused without any query;
//  - a time limit of 0 fails every name that needs a query (the firmware's DNS client loops
//    "while remaining_time > 0": it sends nothing and fails);
//  - when the limit passes first the query is cancelled and `done` gets nullopt; an answer that
//    comes later is dropped.
//
// Where names are looked up is the seam: a subclass implements query(). Today that is the
// system resolver (make_system_name_lookup). A later change adds a subclass that asks the DNS
// servers learnt from DHCP or set with AT+WADNS.
//
// A lookup in flight keeps what it needs alive by itself: the NameLookup object may be destroyed
// before its lookups end.
class NameLookup {
public:
    using Done = std::function<void(std::optional<Ipv4> address)>;

    explicit NameLookup(boost::asio::io_context& io) : io_(io) {}
    virtual ~NameLookup() = default;
    NameLookup(const NameLookup&) = delete;
    NameLookup& operator=(const NameLookup&) = delete;

    void lookup(std::string host, std::chrono::milliseconds timeout, Done done);

    boost::asio::io_context& io() { return io_; }

protected:
    using Answer = std::function<void(std::optional<Ipv4> address)>;
    using Cancel = std::function<void()>;

    // Starts looking up `host` (never a dotted quad, empty or a reserved name). `answer`
    // runs on the event loop, at most once, possibly late (lookup() ignores a late answer); it
    // must not run inside query(). The returned function, when set, stops the query early; it
    // may be called after `answer` ran. It must not capture the NameLookup.
    virtual Cancel query(const std::string& host, Answer answer) = 0;

private:
    boost::asio::io_context& io_;
};

// RFC 6761 §6.4: "invalid" and every name under it (case-insensitive, trailing dot allowed).
bool is_reserved_invalid_name(std::string_view host);

// The system resolver (getaddrinfo through boost::asio::ip::tcp::resolver: /etc/hosts, then the
// DNS servers of /etc/resolv.conf, as nsswitch.conf says).
std::unique_ptr<NameLookup> make_system_name_lookup(boost::asio::io_context& io);

}  // namespace wizfi250d
