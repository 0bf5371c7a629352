// SPDX-License-Identifier: Apache-2.0
#pragma once

// wpa_supplicant's scan results as AT+WSCAN reports them: the flags field ("[WPA2-PSK-CCMP]
// [ESS]") as a security name or a join security, frequencies as band and channel, filters.

#include <optional>
#include <string>
#include <string_view>

#include "wizfi250d/profile/profile.hpp"
#include "wizfi250d/wifi/wifi_backend.hpp"
#include "wizfi250d/wifi/wpa_control.hpp"

namespace wizfi250d::wpa {

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

// The SCAN request for an AT+WSCAN filter: only the filter's channel; a directed probe for the
// filter's SSID (an AP that hides its SSID answers only that); only_new=1, so the kernel reports
// only BSSes this scan heard.
std::string scan_command(const ScanFilter& filter);

// A SCAN_RESULTS line as an AT+WSCAN result; ies: the BSS's information elements when known.
std::optional<ScanResult> to_scan_result(const ScanLine& line,
                                         const std::optional<std::string>& ies);
bool matches(const ScanResult& result, const ScanFilter& filter);

}  // namespace wizfi250d::wpa
