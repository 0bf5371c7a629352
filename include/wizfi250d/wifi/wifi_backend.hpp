// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
    // Name servers for AT+FDNS and SCON by name: from DHCP (plus 8.8.8.8, as the module adds),
    // or the AT+WADNS servers with a static address. Empty: the system resolver.
    std::vector<Ipv4> dns_servers;
};

// One AT+WSCAN line (spec §2.2).
struct ScanResult {
    std::string ssid;
    MacAddress bssid;
    int rssi_dbm = 0;
    double max_rate_mbps = 0;
    bool infrastructure = true;
    std::string security;  // Open, WEP, WPA, WPA2, WPA2-Mixed, Unknown
    double band_ghz = 2.4;
    unsigned channel = 0;
};

struct ScanFilter {
    std::string ssid;  // empty: any
    std::optional<MacAddress> bssid;
    unsigned channel = 0;  // 0: any
    unsigned dwell_ms = 70;
};

// Live radio facts for AT+WSTAT and AT+MMAC=?.
struct RadioStatus {
    std::optional<MacAddress> mac;
    int rssi_dbm = 0;  // 0 when unknown or not a station link
    // The radio's TX power (nl80211); nullopt when unknown: AT+MTXP's value then.
    std::optional<int> tx_power_dbm;
    // The radio's regulatory domain (nl80211), e.g. "DE"; nullopt when unknown: AT+WREG's
    // value then.
    std::optional<std::string> regulatory_domain;
};

// How a join reports its progress lines (spec §2.2 WJOIN).
struct JoinReporter {
    std::function<void(std::string_view line)> join_info;  // Joining/Successfully/Failed lines
    // True once the host sent ESC (0x1B): no further tries.
    std::function<bool()> aborted;
};

// The network under the module (design: WifiBackend). Every call returns at once; results come
// through callbacks on the event loop.
class WifiBackend {
public:
    using JoinDone = std::function<void(std::optional<LinkInfo> link)>;
    using LinkLost = std::function<void()>;
    using LinkRestored = std::function<void(LinkInfo link)>;

    virtual ~WifiBackend() = default;

    // Joins (station mode) or starts the access point (AP mode) with the profile's settings.
    virtual void join(const Profile& profile, JoinReporter reporter, JoinDone done) = 0;
    // The longest join() takes before it calls done, its tries included, when every step runs
    // into its own timeout (how long the web pages wait for a join they started).
    virtual std::chrono::milliseconds join_time_limit() const = 0;
    // Takes the link down.
    virtual void leave() = 0;
    // AT+WSCAN. nullopt: the scan could not start.
    using ScanDone = std::function<void(std::optional<std::vector<ScanResult>> results)>;
    virtual void scan(const ScanFilter& filter, ScanDone done) = 0;
    // AT+WWPS: push-button (pin empty) or PIN enrolment. The credentials received, or nullopt.
    using WpsDone = std::function<void(std::optional<WifiNetwork> network)>;
    virtual void wps(const std::string& pin, WpsDone done) = 0;
    virtual RadioStatus status() const = 0;
    // AT+WREG: the radio's country from now on (ISO 3166 alpha-2). join() applies the
    // profile's country by itself; a backend without a radio ignores it.
    virtual void set_country(const std::string& /*country*/) {}
    // Called when the link goes away by itself (not through leave()).
    virtual void on_link_lost(LinkLost callback) = 0;
    // Called when, after a link loss, the link came back by itself (re-association and IP
    // again, spec §3.2): the module prints [Link-Up Event] and the IP lines. Backends whose
    // links never come back by themselves ignore it.
    // By value: the backends that do restore links keep the callback.
    // NOLINTNEXTLINE(performance-unnecessary-value-param)
    virtual void on_link_restored(LinkRestored /*callback*/) {}
    virtual std::string_view name() const = 0;
};

// The network is already configured (Ethernet, Wi-Fi managed elsewhere, a laptop): joining
// attaches to `interface` (empty: the interface of the default route) and reports its real
// address and gateway.
std::unique_ptr<WifiBackend> make_host_backend(std::string interface);

}  // namespace wizfi250d
