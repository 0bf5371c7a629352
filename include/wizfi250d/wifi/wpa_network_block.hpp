// SPDX-License-Identifier: Apache-2.0
#pragma once

// The wpa_supplicant network block a STA join installs (spec §7: AT+WSEC types to key_mgmt,
// proto, pairwise, psk, wep_key0, or the EAP fields of the wpa_eap_* settings).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wizfi250d/profile/profile.hpp"

namespace wizfi250d::wpa {

// The id_str every network the daemon adds carries; only networks with it are ever removed.
inline constexpr std::string_view network_tag = "wizfi250d";

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

// Whether a CTRL-EVENT-AUTH-REJECT text is an AP refusing open-system authentication
// (status_code=13, unsupported algorithm), after which wpa_supplicant tries shared-key
// authentication by itself (a WEP network block has auth_alg=OPEN SHARED): not yet a failure.
bool retries_shared_key(std::string_view auth_reject_text);

}  // namespace wizfi250d::wpa
