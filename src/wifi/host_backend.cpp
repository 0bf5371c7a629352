// SPDX-License-Identifier: Apache-2.0
// The "host" Wi-Fi backend: the machine's network as it is.

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstring>
#include <system_error>

#include "wizfi250d/util/private_files.hpp"
#include "wizfi250d/util/text_lines.hpp"
#include "wizfi250d/wifi/radio_info.hpp"
#include "wizfi250d/wifi/wifi_backend.hpp"

namespace wizfi250d {

namespace {

Ipv4 from_network_order(in_addr_t address) {
    return Ipv4::from_uint(ntohl(address));
}

// /proc/net/route holds little-endian hex addresses; the default route has destination 0.
// 128 bytes a route: a table this size has thousands, more than a module's host ever has.
constexpr std::size_t max_route_table_size = 1 << 20;

struct Route {
    std::string interface;
    Ipv4 gateway;
};

std::optional<Route> default_route(const std::string& wanted_interface) {
    std::string text;
    if (!read_file("/proc/net/route", text, max_route_table_size)) return std::nullopt;
    TextLines lines(text);
    std::string_view line;
    lines.next(line);  // header
    while (lines.next(line)) {
        TextWords fields(line);
        std::string_view interface, destination, gateway;
        if (!fields.next(interface) || !fields.next(destination) || !fields.next(gateway)) continue;
        if (destination != "00000000") continue;
        if (!wanted_interface.empty() && interface != wanted_interface) continue;
        in_addr_t raw = 0;
        const auto parsed =
            std::from_chars(gateway.data(), gateway.data() + gateway.size(), raw, 16);
        if (parsed.ec != std::errc() || parsed.ptr != gateway.data() + gateway.size()) continue;
        return Route{std::string(interface), from_network_order(raw)};
    }
    return std::nullopt;
}

struct InterfaceAddress {
    Ipv4 address;
    Ipv4 netmask;
};

std::optional<InterfaceAddress> ipv4_of(const std::string& interface) {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return std::nullopt;
    std::optional<InterfaceAddress> found;
    for (const ifaddrs* entry = list; entry != nullptr && !found; entry = entry->ifa_next) {
        if (entry->ifa_addr == nullptr || entry->ifa_addr->sa_family != AF_INET) continue;
        if (interface != entry->ifa_name || (entry->ifa_flags & IFF_UP) == 0) continue;
        sockaddr_in address{};
        sockaddr_in mask{};
        std::memcpy(&address, entry->ifa_addr, sizeof address);
        if (entry->ifa_netmask != nullptr) std::memcpy(&mask, entry->ifa_netmask, sizeof mask);
        found = InterfaceAddress{from_network_order(address.sin_addr.s_addr),
                                 from_network_order(mask.sin_addr.s_addr)};
    }
    freeifaddrs(list);
    return found;
}

class HostBackend final : public WifiBackend {
public:
    explicit HostBackend(std::string interface) : configured_interface_(std::move(interface)) {}

    void join(const Profile& profile, JoinReporter reporter, JoinDone done) override {
        const std::string& ssid = profile.current_network().ssid;
        const bool station = profile.wifi_mode == WifiMode::station;
        std::string interface = configured_interface_;
        Ipv4 gateway;
        if (const auto route = default_route(configured_interface_)) {
            interface = route->interface;
            gateway = route->gateway;
        }
        const auto address = interface.empty() ? std::nullopt : ipv4_of(interface);
        // Three tries, as the module makes; the host network does not change between them, so
        // they are reported at once.
        constexpr int tries = 3;
        if (!address) {
            spdlog::warn("host backend: interface '{}' has no IPv4 address",
                         interface.empty() ? "(default route)" : interface);
            if (station) {
                for (int i = 0; i < tries; ++i) {
                    reporter.join_info("Joining : " + ssid);
                    reporter.join_info("Failed to join: " + ssid);
                }
            }
            done(std::nullopt);
            return;
        }
        if (station) {
            reporter.join_info("Joining : " + ssid);
            reporter.join_info("Successfully joined : " + ssid);
        }
        interface_ = interface;
        spdlog::info("host backend: attached to {} ({})", interface, address->address.to_string());
        done(LinkInfo{interface, ssid, address->address, gateway, address->netmask, {}});
    }

    // The host's network is there or not: join() ends before it returns.
    std::chrono::milliseconds join_time_limit() const override { return {}; }

    void leave() override { interface_.clear(); }

    // There is no radio to scan with or to enrol through.
    void scan(const ScanFilter& /*filter*/, ScanDone done) override { done(std::nullopt); }
    void wps(const std::string& /*pin*/, WpsDone done) override { done(std::nullopt); }

    RadioStatus status() const override {
        const std::string interface = !interface_.empty() ? interface_
                                      : !configured_interface_.empty()
                                          ? configured_interface_
                                          : default_route("").value_or(Route{}).interface;
        RadioStatus status;
        if (!interface.empty()) status.mac = interface_mac(interface);
        return status;
    }

    void on_link_lost(LinkLost callback) override { link_lost_ = std::move(callback); }
    // The host's network is not ours to re-associate.
    void on_link_restored(LinkRestored /*callback*/) override {}

    std::string_view name() const override { return "host"; }

private:
    std::string configured_interface_;
    std::string interface_;
    LinkLost link_lost_;
};

}  // namespace

std::unique_ptr<WifiBackend> make_host_backend(std::string interface) {
    return std::make_unique<HostBackend>(std::move(interface));
}

}  // namespace wizfi250d
