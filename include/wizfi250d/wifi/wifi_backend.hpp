#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "wizfi250d/at/params.hpp"
#include "wizfi250d/profile/profile.hpp"

namespace wizfi250d {

// What a link that is up looks like to the module (WJOIN's Link-Up lines, WSTAT).
struct LinkInfo {
    std::string interface;
    std::string ssid;
    Ipv4 address;
    Ipv4 gateway;
    Ipv4 netmask;
};

// Live radio facts for AT+WSTAT and AT+MMAC=?.
struct RadioStatus {
    std::optional<MacAddress> mac;
    int rssi_dbm = 0;  // 0 when unknown or not a station link
};

// How a join reports its progress lines (spec §2.2 WJOIN).
struct JoinReporter {
    std::function<void(std::string_view line)> join_info;  // Joining/Successfully/Failed lines
};

// The network under the module (design: WifiBackend). Every call returns at once; results come
// through callbacks on the event loop.
class WifiBackend {
public:
    using JoinDone = std::function<void(std::optional<LinkInfo> link)>;
    using LinkLost = std::function<void()>;

    virtual ~WifiBackend() = default;

    // Joins (station mode) or starts the access point (AP mode) with the profile's settings.
    virtual void join(const Profile& profile, JoinReporter reporter, JoinDone done) = 0;
    // Takes the link down.
    virtual void leave() = 0;
    virtual RadioStatus status() const = 0;
    // Called when the link goes away by itself (not through leave()).
    virtual void on_link_lost(LinkLost callback) = 0;
    virtual std::string_view name() const = 0;
};

// The network is already configured (Ethernet, Wi-Fi managed elsewhere, a laptop): joining
// attaches to `interface` (empty: the interface of the default route) and reports its real
// address and gateway.
std::unique_ptr<WifiBackend> make_host_backend(std::string interface);

}  // namespace wizfi250d
