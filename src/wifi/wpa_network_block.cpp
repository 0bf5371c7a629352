// SPDX-License-Identifier: Apache-2.0
// The wpa_supplicant network block of a STA join (spec §7).

#include "wizfi250d/wifi/wpa_network_block.hpp"

#include "wizfi250d/profile/wifi_key.hpp"
#include "wizfi250d/wifi/wifi_backend.hpp"
#include "wizfi250d/wifi/wpa_control.hpp"

namespace wizfi250d::wpa {

namespace {

std::string in_quotes(std::string_view text) {
    return "\"" + std::string(text) + "\"";
}

}  // namespace

std::optional<std::vector<NetworkField>> network_fields(const WifiNetwork& network,
                                                        Security security, const EapSettings* eap) {
    if (network.ssid.empty() || network.ssid.size() > 32) return std::nullopt;
    std::vector<NetworkField> fields{
        {"id_str", in_quotes(network_tag)},
        {"ssid", to_hex(network.ssid)},
        {"scan_ssid", "1"},
    };
    // The stored channel is not used to restrict the search (the factory STA channel is 6, and
    // an AP on another channel must still be found); a stored BSSID is.
    if (!network.bssid.empty()) {
        const auto bssid = parse_mac(network.bssid);
        if (bssid) fields.push_back({"bssid", bssid->to_lower()});
    }
    // A 128-digit key is the hex form of the 64-digit raw PSK (spec §2.2 WSEC).
    const auto effective_key = [&network]() -> std::string {
        if (network.key.size() == 128 && is_hex(network.key)) {
            if (auto decoded = from_hex(network.key)) return *decoded;
        }
        return network.key;
    };
    if (eap != nullptr) {
        fields.push_back({"key_mgmt", eap->key_mgmt});
        fields.push_back({"eap", eap->method});
        fields.push_back(
            {"identity", to_hex(eap->identity.empty() ? network.ssid : eap->identity)});
        // EAP-PSK takes its 16-octet key as 32 bare hex digits; everything else as text.
        const std::string key = effective_key();
        fields.push_back({"password", eap->method == "PSK" && key.size() == 32 && is_hex(key)
                                          ? key
                                          : to_hex(key)});
        fields.push_back({"eapol_flags", "0"});
        if (eap->method == "PEAP" || eap->method == "TTLS")
            fields.push_back({"phase2", in_quotes("auth=MSCHAPV2")});
        return fields;
    }
    const auto psk_fields =
        [&](std::string_view proto,
            std::string_view pairwise) -> std::optional<std::vector<NetworkField>> {
        if (!valid_key(security, network.key)) return std::nullopt;
        fields.push_back({"key_mgmt", "WPA-PSK"});
        fields.push_back({"proto", std::string(proto)});
        fields.push_back({"pairwise", std::string(pairwise)});
        const std::string key = effective_key();
        // 8-63 characters: a passphrase (quoted; wpa_supplicant takes up to the last quote, so
        // quotes inside are kept). 64 hex digits: the raw PSK, unquoted.
        fields.push_back({"psk", key.size() == 64 && is_hex(key) ? key : in_quotes(key)});
        return fields;
    };
    switch (security) {
        case Security::open:
            fields.push_back({"key_mgmt", "NONE"});
            return fields;
        case Security::wep: {
            if (!valid_key(Security::wep, network.key)) return std::nullopt;
            fields.push_back({"key_mgmt", "NONE"});
            const bool hex = network.key.size() == 10 || network.key.size() == 26;
            fields.push_back({"wep_key0", hex ? network.key : in_quotes(network.key)});
            fields.push_back({"wep_tx_keyidx", "0"});
            // The firmware retries with shared-key authentication; wpa_supplicant tries both.
            fields.push_back({"auth_alg", "OPEN SHARED"});
            return fields;
        }
        case Security::wpa_tkip:
            return psk_fields("WPA", "TKIP");
        case Security::wpa_aes:
            return psk_fields("WPA", "CCMP");
        case Security::wpa2_aes:
            return psk_fields("RSN", "CCMP");
        case Security::wpa2_tkip:
            return psk_fields("RSN", "TKIP");
        case Security::wpa2_mixed:
            return psk_fields("RSN WPA", "CCMP TKIP");
        case Security::automatic:
            return std::nullopt;
    }
    return std::nullopt;
}

bool retries_shared_key(std::string_view auth_reject_text) {
    return event_field(auth_reject_text, "auth_type") == "0" &&
           event_field(auth_reject_text, "status_code") == "13";
}

}  // namespace wizfi250d::wpa
