// SPDX-License-Identifier: Apache-2.0
#pragma once

// The rtnetlink requests the IP configuration needs: look an interface up, bring it up, add and
// remove an IPv4 address, add and remove the default route.
//
// Each call is one request to the kernel on a NETLINK_ROUTE socket, answered by the kernel at
// once (no network traffic is waited for), so the calls are made from the event loop directly.
// They act in the network namespace of the thread that opened the socket.

#include <cstdint>
#include <optional>
#include <string>

#include "netlink_socket.hpp"
#include "wizfi250d/at/params.hpp"

namespace wizfi250d {

// The prefix length of a netmask (255.255.255.0 → 24); nullopt for a mask that is not a run of
// ones followed by zeros.
std::optional<unsigned> netmask_prefix(Ipv4 netmask);
// 24 → 255.255.255.0 (0 to 32).
Ipv4 prefix_netmask(unsigned prefix);

class Rtnetlink {
public:
    // The result of a request: 0 or the kernel's -errno (see netlink::Socket::exchange).
    struct Result {
        int code = 0;
        explicit operator bool() const { return code == 0; }
        // strerror's text ("File exists"), "success" for 0.
        std::string message() const { return netlink::error_text(code); }
    };

    Rtnetlink();

    // False when the netlink socket could not be opened (then every call fails).
    bool ok() const { return socket_.ok(); }

    // The interface index, or nullopt when there is no such interface.
    std::optional<int> interface_index(const std::string& name);
    // Sets IFF_UP (no change when it is already up).
    Result set_up(int ifindex);
    // Adds (or replaces) address/prefix with its broadcast address.
    Result add_address(int ifindex, Ipv4 address, unsigned prefix);
    Result delete_address(int ifindex, Ipv4 address, unsigned prefix);
    // 0.0.0.0/0 via gateway on the interface (replaces an existing default route in the main
    // table).
    Result add_default_route(int ifindex, Ipv4 gateway);
    Result delete_default_route(int ifindex, Ipv4 gateway);

private:
    Result address_request(std::uint16_t type, std::uint16_t flags, int ifindex, Ipv4 address,
                           unsigned prefix);
    Result default_route_request(std::uint16_t type, std::uint16_t flags, int ifindex,
                                 Ipv4 gateway);

    netlink::Socket socket_;
};

}  // namespace wizfi250d
