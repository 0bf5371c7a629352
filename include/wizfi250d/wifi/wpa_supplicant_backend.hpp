// SPDX-License-Identifier: Apache-2.0
#pragma once

// The wpa_supplicant Wi-Fi backend (design: WifiBackend): joins, leaves, scans and runs WPS
// through wpa_supplicant's control socket (wpa_control.hpp), brings IPv4 up through an
// IpConfigurator, and reads radio facts through nl80211 (radio_info.hpp).

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wizfi250d/module/settings.hpp"
#include "wizfi250d/profile/profile.hpp"
#include "wizfi250d/wifi/ip_config.hpp"
#include "wizfi250d/wifi/wifi_backend.hpp"
#include "wizfi250d/wifi/wpa_control.hpp"

namespace wizfi250d {

struct WpaBackendOptions {
    // The interface whose control socket is ctrl_dir/interface. Empty: the first control socket
    // found in ctrl_dir.
    std::string interface;
    std::string ctrl_dir = "/run/wpa_supplicant";
    // The daemon's runtime directory: the control client sockets live here (never /tmp).
    std::string runtime_dir = "/run/wizfi250d";

    // Enterprise / wired 802.1X (daemon settings wpa_eap_method, wpa_eap_identity). When
    // eap_method is set, every STA join uses key_mgmt=IEEE8021X (wired) or WPA-EAP (Wi-Fi), with
    // eap=<method>, identity=<eap_identity, or the SSID when empty>, password=<the WSEC key>,
    // eapol_flags=0, whatever the WSEC type. Empty: the spec §7 PSK mapping.
    std::string eap_method;
    std::string eap_identity;

    IpConfigOptions ip;

    // One WJOIN try: SELECT_NETWORK until CTRL-EVENT-CONNECTED. WPA-PSK over a wired driver
    // never completes, so this bound is what ends such a try.
    std::chrono::milliseconds join_try_timeout{15000};
    unsigned join_tries = 3;
    std::chrono::milliseconds scan_timeout{10000};
    // WPS walk time is 120 s.
    std::chrono::milliseconds wps_timeout{125000};
    std::chrono::milliseconds request_timeout{5000};
    std::chrono::milliseconds reconnect_interval{1000};
    std::chrono::milliseconds ping_interval{5000};
};

// The options from the daemon settings (interface, wpa_ctrl_dir, runtime_dir, wpa_eap_*).
WpaBackendOptions wpa_backend_options(const DaemonSettings& settings);

// With the IpConfigurator of make_ip_configurator(io, options.ip).
std::unique_ptr<WifiBackend> make_wpa_supplicant_backend(boost::asio::io_context& io,
                                                         WpaBackendOptions options);
// With the given IpConfigurator (tests pass a stand-in).
std::unique_ptr<WifiBackend> make_wpa_supplicant_backend(
    boost::asio::io_context& io, WpaBackendOptions options,
    std::unique_ptr<IpConfigurator> ip_configurator);

namespace wpa {

// The id_str every network the daemon adds carries; only networks with it are ever removed.
inline constexpr std::string_view network_tag = "wizfi250d";

// ---- Pure helpers (unit tested) ----

// One SET_NETWORK field and its value as wpa_supplicant takes it (quoted string, hex, word).
struct NetworkField {
    std::string name;
    std::string value;
};

struct EapSettings {
    std::string method;                  // MD5, PEAP, TTLS, ...
    std::string identity;                // empty: the SSID
    std::string key_mgmt = "IEEE8021X";  // or WPA-EAP on Wi-Fi
};

// The network block for a STA join (spec §7): id_str, ssid (hex), scan_ssid, bssid when set,
// and the security fields of `security` (which must not be automatic: resolve it first), or
// the EAP fields when eap is given. nullopt: the key cannot be used for the type.
std::optional<std::vector<NetworkField>> network_fields(const WifiNetwork& network,
                                                        Security security, const EapSettings* eap);

// The AT+WSCAN security name of a SCAN_RESULTS flags field: Open, WEP, WPA (WPA1-TKIP), WPA2
// (WPA2-AES), WPA2-Mixed (WPA2 AES+TKIP), Unknown (everything else).
std::string scan_security_name(std::string_view flags);
// The security an "automatic" join uses for a network with these flags.
Security join_security(std::string_view flags);
// [IBSS] → false.
bool infrastructure(std::string_view flags);

struct BandChannel {
    double band_ghz = 2.4;
    unsigned channel = 0;
};
std::optional<BandChannel> band_and_channel(unsigned frequency_mhz);
// The frequency of a 2.4 GHz channel 1-14; 0 otherwise.
unsigned channel_frequency(unsigned channel);

// The highest data rate the information elements (raw bytes) announce, in Mbit/s: VHT
// (80/160 MHz, MCS map), else HT (streams from the MCS set, 20/40 MHz, short GI), else the best
// supported/extended legacy rate. 0 when none of these elements is present.
double max_rate_mbps(std::string_view information_elements);
// When a BSS has no information elements to read: the best legacy rate.
inline constexpr double fallback_rate_mbps = 54.0;

// A SCAN_RESULTS line as an AT+WSCAN result; ies: the BSS's information elements when known.
std::optional<ScanResult> to_scan_result(const ScanLine& line,
                                         const std::optional<std::string>& ies);
bool matches(const ScanResult& result, const ScanFilter& filter);

// The network a WPS-CRED-RECEIVED event carries (the hex of the WPS Credential attribute):
// SSID, authentication and encryption type, network key, as AT+WSEC stores them (a 64-digit
// hex PSK is stored as its 128-digit hex form). nullopt: malformed, or a type the module
// cannot store (enterprise).
std::optional<WifiNetwork> parse_wps_credential(std::string_view hex);

}  // namespace wpa

}  // namespace wizfi250d
