// SPDX-License-Identifier: Apache-2.0
#pragma once

// The soft AP (spec §2.2 WJOIN in AP mode, §7 "Soft AP"): hostapd with a configuration the
// daemon generates, the AP's own static address (AT+WNET) set through rtnetlink, and dnsmasq as
// the DHCP server for the clients, giving out AP-IP+1 upward with a 1-day lease. Both helpers
// are child processes of the daemon, watched from the event loop and stopped by their PIDs;
// their files (configuration, hostapd control socket, dnsmasq pid and lease files) live in the
// runtime directory.
//
// dnsmasq runs with --conf-file=/dev/null and --port=0: DHCP only, no DNS at all (so nothing is
// forwarded to the host's resolver, and no DNS server is announced). The router option is the
// AP's own address.

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wizfi250d/at/params.hpp"
#include "wizfi250d/profile/profile.hpp"

namespace wizfi250d {

struct AccessPointSettings {
    std::string interface;
    std::string ssid;      // 1-32 bytes
    unsigned channel = 6;  // 1-14
    Security security = Security::wpa2_mixed;
    std::string key;  // as AT+WSEC stores it: 8-63 characters, or 64/128 hex digits
    Ipv4 address;     // AT+WNET: the AP's own address
    Ipv4 netmask;
};

struct AccessPointOptions {
    // Where the configuration, control socket, pid and lease files go (mode 0700).
    std::string runtime_dir;
    // hostapd's driver: nl80211 on a real board; wired in the tests (no Wi-Fi radio there).
    std::string hostapd_driver = "nl80211";
    // Program names or paths.
    std::string hostapd = "hostapd";
    std::string dnsmasq = "dnsmasq";
    // hostapd must report AP-ENABLED and dnsmasq its DHCP range within this time.
    std::chrono::milliseconds start_timeout{10000};
};

class AccessPoint {
public:
    using Started = std::function<void(bool ok)>;
    using Stopped = std::function<void()>;
    // A helper exited while the AP was up: the AP is down (and cleaned up) when this runs.
    using Failed = std::function<void()>;

    AccessPoint(boost::asio::io_context& io, AccessPointOptions options);
    ~AccessPoint();  // stops the helpers
    AccessPoint(const AccessPoint&) = delete;
    AccessPoint& operator=(const AccessPoint&) = delete;

    // Starts hostapd, then sets the address, then starts dnsmasq. `done` runs once, on the loop:
    // true when both run. Refused (false) while the AP is starting or up, for WEP, for an
    // invalid SSID, channel, key or address.
    void start(const AccessPointSettings& settings, Started done);
    // Stops both helpers (SIGTERM, then SIGKILL), removes the address and the runtime files;
    // `done` runs on the loop once they have exited. A start in progress ends with false.
    void stop(Stopped done);
    bool running() const;
    void on_failure(Failed callback);

    struct State;

private:
    std::shared_ptr<State> state_;
};

// ---- Pure helpers (unit tested) ----

// The hostapd configuration text, or nullopt with `error` set (WEP, automatic security, a bad
// key, SSID or channel). The SSID is written as ssid2=<hex>; the passphrase as wpa_passphrase
// (8-63 characters) or wpa_psk (64 hex digits, or the 128-hex-digit form of AT+WSEC).
std::optional<std::string> hostapd_config(const AccessPointSettings& settings,
                                          const std::string& driver,
                                          const std::string& ctrl_interface_dir,
                                          std::string& error);

// The DHCP range for clients: AP-IP+1 up to the last address before the broadcast address.
// nullopt when there is no room (or the netmask is not a prefix).
struct DhcpRange {
    Ipv4 first;
    Ipv4 last;
};
std::optional<DhcpRange> client_range(Ipv4 address, Ipv4 netmask);

// dnsmasq's arguments (without the program name).
std::vector<std::string> dnsmasq_arguments(const AccessPointSettings& settings,
                                           const DhcpRange& range, const std::string& runtime_dir);

}  // namespace wizfi250d
