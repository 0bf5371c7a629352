// SPDX-License-Identifier: Apache-2.0
#pragma once

// The wpa_supplicant Wi-Fi backend (design: WifiBackend): joins, leaves, scans and runs WPS
// through wpa_supplicant's control socket (wpa_control.hpp), brings IPv4 up through an
// IpConfigurator, and reads radio facts through nl80211 (radio_info.hpp). The pure mappings it
// uses have headers of their own: the network block (wpa_network_block.hpp), scan results
// (wpa_scan_results.hpp), element rates (element_rates.hpp), WPS credentials
// (wps_credential.hpp).

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wizfi250d/module/settings.hpp"
#include "wizfi250d/profile/profile.hpp"
#include "wizfi250d/wifi/element_rates.hpp"
#include "wizfi250d/wifi/ip_config.hpp"
#include "wizfi250d/wifi/wifi_backend.hpp"
#include "wizfi250d/wifi/wpa_control.hpp"
#include "wizfi250d/wifi/wpa_network_block.hpp"
#include "wizfi250d/wifi/wpa_scan_results.hpp"
#include "wizfi250d/wifi/wps_credential.hpp"

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

}  // namespace wizfi250d
