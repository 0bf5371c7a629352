// SPDX-License-Identifier: Apache-2.0
// WPS Credential attributes (Wi-Fi Simple Configuration, TLV) as the network AT+WWPS stores.

#include "wizfi250d/wifi/wps_credential.hpp"

#include <optional>
#include <string>

#include "wizfi250d/profile/wifi_key.hpp"
#include "wizfi250d/wifi/wpa_control.hpp"

namespace wizfi250d::wpa {

namespace {

unsigned byte_at(std::string_view data, std::size_t i) {
    return static_cast<unsigned char>(data[i]);
}

// WPS attribute types (Wi-Fi Simple Configuration spec, table 28).
constexpr unsigned wps_credential = 0x100E;
constexpr unsigned wps_ssid = 0x1045;
constexpr unsigned wps_auth_type = 0x1003;
constexpr unsigned wps_encr_type = 0x100F;
constexpr unsigned wps_network_key = 0x1027;
constexpr unsigned wps_auth_open = 0x0001, wps_auth_wpa_psk = 0x0002, wps_auth_shared = 0x0004,
                   wps_auth_wpa2_psk = 0x0020;
constexpr unsigned wps_encr_none = 0x0001, wps_encr_wep = 0x0002, wps_encr_tkip = 0x0004,
                   wps_encr_aes = 0x0008;

struct WpsAttributes {
    std::optional<std::string> ssid;
    std::optional<unsigned> auth;
    std::optional<unsigned> encr;
    std::optional<std::string> key;
};

bool parse_wps_attributes(std::string_view data, WpsAttributes& out, int depth) {
    while (!data.empty()) {
        if (data.size() < 4) return false;
        const unsigned type = byte_at(data, 0) << 8 | byte_at(data, 1);
        const std::size_t length = byte_at(data, 2) << 8 | byte_at(data, 3);
        if (data.size() < 4 + length) return false;
        const std::string_view value = data.substr(4, length);
        data.remove_prefix(4 + length);
        const auto u16 = [&value]() -> std::optional<unsigned> {
            if (value.size() != 2) return std::nullopt;
            return byte_at(value, 0) << 8 | byte_at(value, 1);
        };
        switch (type) {
            case wps_credential:
                if (depth > 0 || !parse_wps_attributes(value, out, depth + 1)) return false;
                return true;  // the first credential only
            case wps_ssid:
                out.ssid = std::string(value);
                break;
            case wps_auth_type:
                out.auth = u16();
                break;
            case wps_encr_type:
                out.encr = u16();
                break;
            case wps_network_key:
                out.key = std::string(value);
                break;
            default:
                break;
        }
    }
    return true;
}

}  // namespace

std::optional<WifiNetwork> parse_wps_credential(std::string_view hex) {
    const auto bytes = from_hex(hex);
    if (!bytes) return std::nullopt;
    WpsAttributes attributes;
    if (!parse_wps_attributes(*bytes, attributes, 0) || !attributes.ssid || !attributes.auth ||
        !attributes.encr)
        return std::nullopt;
    WifiNetwork network;
    network.ssid = *attributes.ssid;
    network.channel = 0;
    if (network.ssid.empty() || network.ssid.size() > 32) return std::nullopt;
    std::string key = attributes.key.value_or("");
    while (!key.empty() && key.back() == '\0')
        key.pop_back();  // some registrars add a NUL
    const unsigned auth = *attributes.auth;
    const unsigned encr = *attributes.encr;
    const bool wpa2 = (auth & wps_auth_wpa2_psk) != 0;
    const bool wpa = (auth & wps_auth_wpa_psk) != 0;
    const bool aes = (encr & wps_encr_aes) != 0;
    const bool tkip = (encr & wps_encr_tkip) != 0;
    if (wpa2 || wpa) {
        if (wpa2 && !wpa && aes && !tkip) {
            network.security = Security::wpa2_aes;
        } else if (wpa2 && !wpa && tkip && !aes) {
            network.security = Security::wpa2_tkip;
        } else if (wpa && !wpa2 && tkip && !aes) {
            network.security = Security::wpa_tkip;
        } else if (wpa && !wpa2 && aes && !tkip) {
            network.security = Security::wpa_aes;
        } else {
            network.security = Security::wpa2_mixed;
        }
        // A 64-digit raw PSK is stored the way AT+WSEC takes it: as 128 hex digits.
        network.key = key.size() == 64 && is_hex(key) ? to_hex(key) : key;
    } else if ((auth & (wps_auth_open | wps_auth_shared)) != 0 && (encr & wps_encr_wep) != 0) {
        network.security = Security::wep;
        network.key = key;
    } else if ((auth & wps_auth_open) != 0 && (encr == wps_encr_none || encr == 0)) {
        network.security = Security::open;
        network.key.clear();
        return network;
    } else {
        return std::nullopt;  // enterprise or unknown: nothing AT+WSEC could hold
    }
    if (!valid_key(network.security, network.key)) return std::nullopt;
    return network;
}

}  // namespace wizfi250d::wpa
