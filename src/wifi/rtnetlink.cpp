// SPDX-License-Identifier: Apache-2.0
// libnl-route wrapper (see rtnetlink.hpp).

#include "rtnetlink.hpp"

#include <arpa/inet.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <cstdint>
#include <memory>

namespace wizfi250d {

namespace {

struct AddrDeleter {
    void operator()(nl_addr* a) const { nl_addr_put(a); }
};
struct RtnlAddrDeleter {
    void operator()(rtnl_addr* a) const { rtnl_addr_put(a); }
};
struct RouteDeleter {
    void operator()(rtnl_route* r) const { rtnl_route_put(r); }
};
struct LinkDeleter {
    void operator()(rtnl_link* l) const { rtnl_link_put(l); }
};
using AddrPtr = std::unique_ptr<nl_addr, AddrDeleter>;

AddrPtr make_addr(Ipv4 address, unsigned prefix) {
    const std::uint32_t network_order = htonl(address.to_uint());
    AddrPtr a(nl_addr_build(AF_INET, &network_order, sizeof network_order));
    if (a) nl_addr_set_prefixlen(a.get(), static_cast<int>(prefix));
    return a;
}

// An address object for add/delete: local address with prefix, broadcast when prefix < 31.
std::unique_ptr<rtnl_addr, RtnlAddrDeleter> make_rtnl_addr(int ifindex, Ipv4 address,
                                                           unsigned prefix) {
    std::unique_ptr<rtnl_addr, RtnlAddrDeleter> a(rtnl_addr_alloc());
    if (!a) return a;
    rtnl_addr_set_ifindex(a.get(), ifindex);
    rtnl_addr_set_family(a.get(), AF_INET);
    const auto local = make_addr(address, prefix);
    if (!local || rtnl_addr_set_local(a.get(), local.get()) != 0) return nullptr;
    rtnl_addr_set_prefixlen(a.get(), static_cast<int>(prefix));
    if (prefix < 31) {
        const std::uint32_t host_mask = prefix == 0 ? ~0U : (~0U >> prefix);
        const auto broadcast = make_addr(Ipv4::from_uint(address.to_uint() | host_mask), 32);
        if (broadcast) rtnl_addr_set_broadcast(a.get(), broadcast.get());
    }
    return a;
}

std::unique_ptr<rtnl_route, RouteDeleter> make_default_route(int ifindex, Ipv4 gateway) {
    std::unique_ptr<rtnl_route, RouteDeleter> route(rtnl_route_alloc());
    if (!route) return route;
    rtnl_route_set_family(route.get(), AF_INET);
    rtnl_route_set_table(route.get(), RT_TABLE_MAIN);
    rtnl_route_set_scope(route.get(), RT_SCOPE_UNIVERSE);
    rtnl_route_set_type(route.get(), RTN_UNICAST);
    rtnl_route_set_protocol(route.get(), RTPROT_BOOT);
    const auto any = make_addr(Ipv4{}, 0);
    if (!any || rtnl_route_set_dst(route.get(), any.get()) != 0) return nullptr;
    rtnl_nexthop* hop = rtnl_route_nh_alloc();
    if (!hop) return nullptr;
    rtnl_route_nh_set_ifindex(hop, ifindex);
    const auto via = make_addr(gateway, 32);
    if (via) rtnl_route_nh_set_gateway(hop, via.get());
    rtnl_route_add_nexthop(route.get(), hop);  // the route owns the hop now
    return route;
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

std::string Rtnetlink::Result::message() const {
    return code == 0 ? "success" : nl_geterror(code);
}

Rtnetlink::Rtnetlink() {
    nl_sock* sock = nl_socket_alloc();
    if (!sock) {
        spdlog::error("rtnetlink: cannot allocate a netlink socket");
        return;
    }
    const int r = nl_connect(sock, NETLINK_ROUTE);
    if (r < 0) {
        spdlog::error("rtnetlink: connect: {}", nl_geterror(r));
        nl_socket_free(sock);
        return;
    }
    socket_ = sock;
}

Rtnetlink::~Rtnetlink() {
    if (socket_) nl_socket_free(socket_);
}

std::optional<int> Rtnetlink::interface_index(const std::string& name) {
    if (!socket_ || name.empty() || name.size() >= IFNAMSIZ) return std::nullopt;
    rtnl_link* raw = nullptr;
    if (rtnl_link_get_kernel(socket_, 0, name.c_str(), &raw) < 0 || !raw) return std::nullopt;
    const std::unique_ptr<rtnl_link, LinkDeleter> link(raw);
    const int index = rtnl_link_get_ifindex(link.get());
    if (index <= 0) return std::nullopt;
    return index;
}

Rtnetlink::Result Rtnetlink::set_up(int ifindex) {
    if (!socket_) return {-NLE_BAD_SOCK};
    rtnl_link* raw = nullptr;
    int r = rtnl_link_get_kernel(socket_, ifindex, nullptr, &raw);
    if (r < 0) return {r};
    const std::unique_ptr<rtnl_link, LinkDeleter> current(raw);
    if ((rtnl_link_get_flags(current.get()) & IFF_UP) != 0) return {0};
    const std::unique_ptr<rtnl_link, LinkDeleter> change(rtnl_link_alloc());
    if (!change) return {-NLE_NOMEM};
    rtnl_link_set_flags(change.get(), IFF_UP);
    r = rtnl_link_change(socket_, current.get(), change.get(), 0);
    return {r < 0 ? r : 0};
}

Rtnetlink::Result Rtnetlink::add_address(int ifindex, Ipv4 address, unsigned prefix) {
    if (!socket_) return {-NLE_BAD_SOCK};
    const auto a = make_rtnl_addr(ifindex, address, prefix);
    if (!a) return {-NLE_NOMEM};
    const int r = rtnl_addr_add(socket_, a.get(), NLM_F_REPLACE);
    return {r < 0 ? r : 0};
}

Rtnetlink::Result Rtnetlink::delete_address(int ifindex, Ipv4 address, unsigned prefix) {
    if (!socket_) return {-NLE_BAD_SOCK};
    const auto a = make_rtnl_addr(ifindex, address, prefix);
    if (!a) return {-NLE_NOMEM};
    const int r = rtnl_addr_delete(socket_, a.get(), 0);
    return {r < 0 ? r : 0};
}

Rtnetlink::Result Rtnetlink::add_default_route(int ifindex, Ipv4 gateway) {
    if (!socket_) return {-NLE_BAD_SOCK};
    const auto route = make_default_route(ifindex, gateway);
    if (!route) return {-NLE_NOMEM};
    const int r = rtnl_route_add(socket_, route.get(), NLM_F_REPLACE | NLM_F_CREATE);
    return {r < 0 ? r : 0};
}

Rtnetlink::Result Rtnetlink::delete_default_route(int ifindex, Ipv4 gateway) {
    if (!socket_) return {-NLE_BAD_SOCK};
    const auto route = make_default_route(ifindex, gateway);
    if (!route) return {-NLE_NOMEM};
    const int r = rtnl_route_delete(socket_, route.get(), 0);
    return {r < 0 ? r : 0};
}

}  // namespace wizfi250d
