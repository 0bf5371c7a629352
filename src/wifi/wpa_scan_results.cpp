// SPDX-License-Identifier: Apache-2.0
// SCAN_RESULTS lines as AT+WSCAN results: security from the flags field, band and channel from
// the frequency, the rate from the information elements.

#include "wizfi250d/wifi/wpa_scan_results.hpp"

#include <vector>

#include "wizfi250d/wifi/element_rates.hpp"

namespace wizfi250d::wpa {

namespace {

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

// The bracketed tokens of a flags field: "[WPA2-PSK-CCMP][ESS]" → {"WPA2-PSK-CCMP", "ESS"}.
std::vector<std::string_view> flag_tokens(std::string_view flags) {
    std::vector<std::string_view> tokens;
    while (true) {
        const auto open = flags.find('[');
        if (open == std::string_view::npos) break;
        const auto close = flags.find(']', open);
        if (close == std::string_view::npos) break;
        tokens.push_back(flags.substr(open + 1, close - open - 1));
        flags.remove_prefix(close + 1);
    }
    return tokens;
}

// What the flags say about security. A token is "<proto>-<key mgmt>-<ciphers>[-preauth]", where
// key-management and cipher names may themselves contain '-' (PSK-SHA256, GCMP-256), so the
// parts are recognised by name rather than split.
struct SecurityFlags {
    bool wep = false;
    bool wpa = false, wpa_psk = false, wpa_ccmp = false, wpa_tkip = false;
    bool rsn = false, rsn_psk = false, rsn_ccmp = false, rsn_tkip = false;
    bool ibss = false;
};

SecurityFlags security_flags(std::string_view flags) {
    SecurityFlags result;
    for (const auto token : flag_tokens(flags)) {
        if (token == "WEP") {
            result.wep = true;
        } else if (token == "IBSS") {
            result.ibss = true;
        } else if (token.substr(0, 5) == "WPA2-" || token.substr(0, 4) == "RSN-") {
            result.rsn = true;
            const auto rest = token.substr(token.find('-') + 1);
            result.rsn_psk = result.rsn_psk || contains(rest, "PSK");
            result.rsn_ccmp = result.rsn_ccmp || contains(rest, "CCMP");
            result.rsn_tkip = result.rsn_tkip || contains(rest, "TKIP");
        } else if (token.substr(0, 4) == "WPA-") {
            result.wpa = true;
            const auto rest = token.substr(4);
            result.wpa_psk = result.wpa_psk || contains(rest, "PSK");
            result.wpa_ccmp = result.wpa_ccmp || contains(rest, "CCMP");
            result.wpa_tkip = result.wpa_tkip || contains(rest, "TKIP");
        }
    }
    return result;
}

// Rates of one spatial stream at the highest MCS, in Mbit/s: {long GI, short GI}.
}  // namespace

std::string scan_security_name(std::string_view flags) {
    const SecurityFlags s = security_flags(flags);
    if (s.rsn) {
        if (!s.rsn_psk) return "Unknown";
        if (s.rsn_ccmp && s.rsn_tkip) return "WPA2-Mixed";
        if (s.rsn_ccmp) return "WPA2";
        return "Unknown";  // WPA2-TKIP
    }
    if (s.wpa) return s.wpa_psk && s.wpa_tkip && !s.wpa_ccmp ? "WPA" : "Unknown";
    if (s.wep) return "WEP";
    return "Open";
}

Security join_security(std::string_view flags) {
    const SecurityFlags s = security_flags(flags);
    if (s.rsn && s.wpa) return Security::wpa2_mixed;  // proto RSN WPA fits both
    if (s.rsn) {
        if (s.rsn_ccmp && s.rsn_tkip) return Security::wpa2_mixed;
        if (s.rsn_ccmp) return Security::wpa2_aes;
        if (s.rsn_tkip) return Security::wpa2_tkip;
        return Security::wpa2_mixed;
    }
    if (s.wpa) {
        if (s.wpa_tkip && !s.wpa_ccmp) return Security::wpa_tkip;
        if (s.wpa_ccmp && !s.wpa_tkip) return Security::wpa_aes;
        return Security::wpa2_mixed;
    }
    if (s.wep) return Security::wep;
    return Security::open;
}

bool infrastructure(std::string_view flags) {
    return !security_flags(flags).ibss;
}

std::optional<BandChannel> band_and_channel(unsigned f) {
    if (f == 2484) return BandChannel{2.4, 14};
    if (f >= 2412 && f <= 2472 && (f - 2407) % 5 == 0) return BandChannel{2.4, (f - 2407) / 5};
    if (f >= 4910 && f <= 4980 && f % 5 == 0) return BandChannel{5, (f - 4000) / 5};
    if (f >= 5150 && f <= 5895 && f % 5 == 0) return BandChannel{5, (f - 5000) / 5};
    if (f == 5935) return BandChannel{6, 2};
    if (f >= 5955 && f <= 7115 && (f - 5950) % 5 == 0) return BandChannel{6, (f - 5950) / 5};
    return std::nullopt;
}

unsigned channel_frequency(unsigned channel) {
    if (channel >= 1 && channel <= 13) return 2407 + 5 * channel;
    if (channel == 14) return 2484;
    return 0;
}

std::string scan_command(const ScanFilter& filter) {
    std::string command = "SCAN";
    if (const unsigned frequency = channel_frequency(filter.channel); frequency != 0)
        command += " freq=" + std::to_string(frequency);
    if (!filter.ssid.empty()) command += " ssid " + to_hex(filter.ssid);
    return command + " only_new=1";
}

std::optional<ScanResult> to_scan_result(const ScanLine& line,
                                         const std::optional<std::string>& ies) {
    const auto bssid = parse_mac(line.bssid);
    if (!bssid) return std::nullopt;
    ScanResult result;
    result.ssid = line.ssid;
    result.bssid = *bssid;
    result.rssi_dbm = line.signal_dbm;
    const double rate = ies ? max_rate_mbps(*ies) : 0.0;
    result.max_rate_mbps = rate > 0 ? rate : fallback_rate_mbps;
    result.infrastructure = infrastructure(line.flags);
    result.security = scan_security_name(line.flags);
    if (const auto band = band_and_channel(line.frequency_mhz)) {
        result.band_ghz = band->band_ghz;
        result.channel = band->channel;
    }
    return result;
}

bool matches(const ScanResult& result, const ScanFilter& filter) {
    if (!filter.ssid.empty() && result.ssid != filter.ssid) return false;
    if (filter.bssid && !(result.bssid == *filter.bssid)) return false;
    if (filter.channel != 0 && (result.channel != filter.channel || result.band_ghz != 2.4))
        return false;
    return true;
}

}  // namespace wizfi250d::wpa
