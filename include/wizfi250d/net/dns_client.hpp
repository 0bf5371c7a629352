// SPDX-License-Identifier: Apache-2.0
#pragma once

// A minimal asynchronous DNS client for A records over UDP (RFC 1035), asking the name servers
// the link was configured with (DHCP, plus 8.8.8.8 as the module adds, or AT+WADNS) instead of
// the host's /etc/resolv.conf. This is what AT+FDNS and AT+SCON by name use when the link has
// name servers.

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wizfi250d/at/params.hpp"
#include "wizfi250d/net/name_lookup.hpp"

namespace wizfi250d {

class DnsClient {
public:
    using Done = std::function<void(std::optional<Ipv4> address)>;

    // `port` is 53 except in tests.
    explicit DnsClient(boost::asio::io_context& io, std::uint16_t port = 53);

    // The first IPv4 address of `name`.
    //  - `done` runs exactly once, on the event loop, never inside resolve();
    //  - a dotted quad is answered with itself; an empty or malformed name, no servers or a
    //    timeout of 0 give nullopt without any query;
    //  - the servers are asked in order, one query each (recursion desired): the next one is
    //    asked when the previous one failed (an error reply such as SERVFAIL or REFUSED, a reply
    //    that cannot be parsed, a send error) or has not answered within timeout / servers;
    //    an answer from a server asked earlier is still taken until the time is up;
    //  - CNAME chains are followed (up to 8 links) inside the answer; name compression is
    //    understood; replies whose ID, source or question do not match are ignored;
    //  - NXDOMAIN, or an answer with no address, ends the lookup with nullopt at once;
    //  - after `timeout` in all: nullopt.
    // The lookup keeps what it needs alive: the DnsClient may be destroyed before it ends.
    void resolve(std::string name, std::vector<Ipv4> servers, std::chrono::milliseconds timeout,
                 Done done);

private:
    boost::asio::io_context& io_;
    std::uint16_t port_;
};

// A NameLookup (name_lookup.hpp) that asks the servers returned by `servers()` at each lookup
// through DnsClient, with `timeout` for the DnsClient (the lookup's own time limit cuts it
// shorter). When `servers()` returns an empty list the lookup fails: use the system resolver for
// links without name servers.
std::unique_ptr<NameLookup> make_dns_name_lookup(
    boost::asio::io_context& io, std::function<std::vector<Ipv4>()> servers,
    std::chrono::milliseconds timeout = std::chrono::milliseconds(6000), std::uint16_t port = 53);

// DNS message helpers, exposed for the tests.
namespace dns {

// A query for `name` (type A, class IN, RD set); empty when the name cannot be encoded.
std::string make_query(std::uint16_t id, const std::string& name);

// What a reply says about the question.
struct Reply {
    enum class Kind {
        address,     // an A record for the name (after CNAMEs)
        no_address,  // NXDOMAIN, or NOERROR with no A record for the name
        failure,     // SERVFAIL, REFUSED, another error code, or a truncated reply with no A
        malformed,   // cannot be parsed
    };
    Kind kind = Kind::malformed;
    Ipv4 address;
};

// Parses `reply` to the query (id, name). nullopt when it is not a reply to that query (another
// ID, not a response, another question): such a datagram is ignored.
std::optional<Reply> parse_reply(const std::string& reply, std::uint16_t id,
                                 const std::string& name);

}  // namespace dns

}  // namespace wizfi250d
