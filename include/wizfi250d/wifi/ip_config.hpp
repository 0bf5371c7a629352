// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wizfi250d/at/params.hpp"

namespace wizfi250d {

// The IPv4 configuration of an interface once the link is associated: DHCP or static (AT+WNET),
// with the name servers that go with it.
struct IpLease {
    Ipv4 address;
    Ipv4 netmask;
    Ipv4 gateway;
    std::vector<Ipv4> dns_servers;
};

struct StaticAddress {
    Ipv4 address;
    Ipv4 netmask;
    Ipv4 gateway;
    std::vector<Ipv4> dns_servers;  // AT+WADNS
};

struct IpConfigOptions {
    // auto (the first of udhcpc, dhcpcd, dhclient that is installed), udhcpc, dhcpcd, dhclient.
    std::string dhcp_client = "auto";
    // Where the DHCP hook writes its leases (the daemon's runtime directory).
    std::string runtime_dir;
    std::chrono::seconds dhcp_timeout{15};
};

// Brings IPv4 up on an associated interface and takes it down again. Never blocks the event
// loop: the DHCP client runs as a child process whose hook writes only the daemon's own state
// (never /etc/resolv.conf); static addresses and routes go through rtnetlink.
class IpConfigurator {
public:
    using Done = std::function<void(std::optional<IpLease> lease)>;

    virtual ~IpConfigurator() = default;
    // DHCP when address is nullopt, else the static address. done runs once.
    virtual void configure(const std::string& interface,
                           const std::optional<StaticAddress>& address, Done done) = 0;
    // Stops the DHCP client and removes the addresses and routes this configurator added.
    virtual void release(const std::string& interface) = 0;
    // Added: called (on the loop) when a DHCP lease that configure() reported goes away later
    // (expired, NAK, the DHCP client died); the address and route are already removed then.
    // Not called after release(). The default does nothing.
    virtual void on_lease_lost(std::function<void(const std::string& interface)> callback) {
        (void)callback;
    }
};

std::unique_ptr<IpConfigurator> make_ip_configurator(boost::asio::io_context& io,
                                                     IpConfigOptions options);

}  // namespace wizfi250d
