// SPDX-License-Identifier: Apache-2.0
// The rtnetlink requests of the IP configuration (see rtnetlink.hpp).

#include "rtnetlink.hpp"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdint>

namespace wizfi250d {

namespace {

std::uint32_t network_order(Ipv4 address) {
    return htonl(address.to_uint());
}

// The flags of interface `ifindex` (RTM_GETLINK), or a -errno.
int link_flags(netlink::Socket& socket, int ifindex, unsigned& flags) {
    netlink::Request request(RTM_GETLINK, 0);
    ifinfomsg link{};
    link.ifi_family = AF_UNSPEC;
    link.ifi_index = ifindex;
    request.put_header(link);
    bool answered = false;
    const int r = socket.exchange(request, [&](const nlmsghdr& header, netlink::Bytes payload) {
        const auto info = payload.read<ifinfomsg>();
        if (header.nlmsg_type != RTM_NEWLINK || !info || info->ifi_index != ifindex) return;
        flags = info->ifi_flags;
        answered = true;
    });
    if (r < 0) return r;
    return answered ? 0 : -ENODEV;
}

}  // namespace

std::optional<unsigned> netmask_prefix(Ipv4 netmask) {
    const std::uint32_t m = netmask.to_uint();
    unsigned prefix = 0;
    while (prefix < 32 && (m & (0x80000000U >> prefix)) != 0)
        ++prefix;
    const std::uint32_t expected = prefix == 0 ? 0 : (~0U << (32 - prefix));
    if (m != expected) return std::nullopt;
    return prefix;
}

Ipv4 prefix_netmask(unsigned prefix) {
    if (prefix == 0) return Ipv4{};
    if (prefix > 32) prefix = 32;
    return Ipv4::from_uint(~0U << (32 - prefix));
}

Rtnetlink::Rtnetlink() : socket_(NETLINK_ROUTE) {
    if (!socket_.ok())
        spdlog::error("rtnetlink: cannot open a netlink socket: {}",
                      netlink::error_text(socket_.open_error()));
}

std::optional<int> Rtnetlink::interface_index(const std::string& name) {
    if (!socket_.ok() || name.empty() || name.size() >= IFNAMSIZ) return std::nullopt;
    netlink::Request request(RTM_GETLINK, 0);
    ifinfomsg link{};
    link.ifi_family = AF_UNSPEC;
    request.put_header(link);
    request.put_string(IFLA_IFNAME, name);
    std::optional<int> index;
    const int r =
        socket_.exchange(request, [&index](const nlmsghdr& header, netlink::Bytes payload) {
            const auto info = payload.read<ifinfomsg>();
            if (header.nlmsg_type == RTM_NEWLINK && info && info->ifi_index > 0)
                index = info->ifi_index;
        });
    if (r < 0) return std::nullopt;
    return index;
}

Rtnetlink::Result Rtnetlink::set_up(int ifindex) {
    unsigned flags = 0;
    if (const int r = link_flags(socket_, ifindex, flags); r < 0) return {r};
    if ((flags & IFF_UP) != 0) return {0};
    netlink::Request request(RTM_SETLINK, 0);
    ifinfomsg link{};
    link.ifi_family = AF_UNSPEC;
    link.ifi_index = ifindex;
    link.ifi_flags = IFF_UP;
    link.ifi_change = IFF_UP;
    request.put_header(link);
    return {socket_.exchange(request)};
}

// Local address with prefix (IFA_ADDRESS the same: no peer), broadcast when prefix < 31.
Rtnetlink::Result Rtnetlink::address_request(std::uint16_t type, std::uint16_t flags, int ifindex,
                                             Ipv4 address, unsigned prefix) {
    netlink::Request request(type, flags);
    ifaddrmsg header{};
    header.ifa_family = AF_INET;
    header.ifa_prefixlen = static_cast<std::uint8_t>(prefix);
    header.ifa_scope = RT_SCOPE_UNIVERSE;
    header.ifa_index = static_cast<std::uint32_t>(ifindex);
    request.put_header(header);
    request.put_u32(IFA_LOCAL, network_order(address));
    request.put_u32(IFA_ADDRESS, network_order(address));
    if (prefix < 31) {
        const std::uint32_t host_mask = prefix == 0 ? ~0U : (~0U >> prefix);
        request.put_u32(IFA_BROADCAST,
                        network_order(Ipv4::from_uint(address.to_uint() | host_mask)));
    }
    return {socket_.exchange(request)};
}

Rtnetlink::Result Rtnetlink::add_address(int ifindex, Ipv4 address, unsigned prefix) {
    return address_request(RTM_NEWADDR, NLM_F_CREATE | NLM_F_REPLACE, ifindex, address, prefix);
}

Rtnetlink::Result Rtnetlink::delete_address(int ifindex, Ipv4 address, unsigned prefix) {
    return address_request(RTM_DELADDR, 0, ifindex, address, prefix);
}

// 0.0.0.0/0 via gateway on ifindex in the main table (no RTA_DST: a prefix length of 0).
Rtnetlink::Result Rtnetlink::default_route_request(std::uint16_t type, std::uint16_t flags,
                                                   int ifindex, Ipv4 gateway) {
    netlink::Request request(type, flags);
    rtmsg header{};
    header.rtm_family = AF_INET;
    header.rtm_table = RT_TABLE_MAIN;
    header.rtm_protocol = RTPROT_BOOT;
    header.rtm_scope = RT_SCOPE_UNIVERSE;
    header.rtm_type = RTN_UNICAST;
    request.put_header(header);
    request.put_u32(RTA_TABLE, RT_TABLE_MAIN);
    request.put_u32(RTA_GATEWAY, network_order(gateway));
    request.put_u32(RTA_OIF, static_cast<std::uint32_t>(ifindex));
    return {socket_.exchange(request)};
}

Rtnetlink::Result Rtnetlink::add_default_route(int ifindex, Ipv4 gateway) {
    return default_route_request(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, ifindex, gateway);
}

Rtnetlink::Result Rtnetlink::delete_default_route(int ifindex, Ipv4 gateway) {
    return default_route_request(RTM_DELROUTE, 0, ifindex, gateway);
}

}  // namespace wizfi250d
