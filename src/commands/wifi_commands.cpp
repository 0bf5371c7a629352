// SPDX-License-Identifier: Apache-2.0
// W group commands (spec §2.2): Wi-Fi settings, joining and leaving, and status.

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

#include "command_support.hpp"
#include "handlers.hpp"
#include "wizfi250d/at/params.hpp"
#include "wizfi250d/module/module.hpp"
#include "wizfi250d/profile/profile.hpp"
#include "wizfi250d/profile/profile_text.hpp"
#include "wizfi250d/profile/wifi_key.hpp"

namespace wizfi250d::commands {

namespace {

constexpr std::size_t max_ssid_length = 32;
constexpr std::uint32_t max_channel = 14;
// WSET in AP mode without a channel (spec §2.2); STA without a channel means "any" (0).
constexpr unsigned ap_default_channel = 6;
constexpr std::size_t max_wps_pin_length = 8;

// AT+WSCAN (spec §2.2): the header names 8 columns, the lines have 9 (the BSS type is not
// named). Through the Air-command channel: the short form.
constexpr std::string_view wscan_header =
    "Index/SSID/BSSID/RSSI(-dBm)/MaxDataRate(Mbps)/Security/RadioBand(GHz)/Channel";
constexpr std::string_view wscan_short_header = "Index/SSID/RSSI(-dBm)/Security/Channel";
constexpr std::uint32_t min_dwell_ms = 50;
constexpr std::uint32_t max_dwell_ms = 1000;

constexpr std::string_view wstat_header = "IF/SSID/IP-Addr/Gateway/MAC/TxPower(dBm)/RSSI(-dBm)";
constexpr std::string_view unset_bssid = "00:00:00:00:00:00";

// The security types AT+WSEC accepts by name (spec §2.2). `automatic` has no name: it is the
// empty (absent) type field.
constexpr std::array<Security, 7> named_security_types{
    Security::open,     Security::wep,       Security::wpa_tkip,   Security::wpa_aes,
    Security::wpa2_aes, Security::wpa2_tkip, Security::wpa2_mixed,
};

// AT+WREG: the firmware's country list (ISO 3166 plus a few of its own: 0A 0B 0C Q2), in its
// order. Case-sensitive.
constexpr std::array country_codes{
    "AF", "AL", "DZ", "AS", "AO", "AI", "AG", "AR", "AM", "AW", "AU", "AT", "AZ", "BS", "BH", "0B",
    "BD", "BB", "BY", "BE", "BZ", "BJ", "BM", "BT", "BO", "BA", "BW", "BR", "IO", "BN", "BG", "BF",
    "BI", "KH", "CM", "CA", "CV", "KY", "CF", "TD", "CL", "CN", "CX", "CO", "KM", "CG", "CD", "CR",
    "CI", "HR", "CU", "CY", "CZ", "DK", "DJ", "DM", "DO", "EC", "EG", "SV", "GQ", "ER", "EE", "ET",
    "FK", "FO", "FJ", "FI", "FR", "GF", "PF", "TF", "GA", "GM", "GE", "DE", "GH", "GI", "GR", "GD",
    "GP", "GU", "GT", "GG", "GN", "GW", "GY", "HT", "VA", "HN", "HK", "HU", "IS", "IN", "ID", "IR",
    "IQ", "IE", "IL", "IT", "JM", "JP", "JE", "JO", "KZ", "KE", "KI", "KR", "0A", "KW", "KG", "LA",
    "LV", "LB", "LS", "LR", "LY", "LI", "LT", "LU", "MO", "MK", "MG", "MW", "MY", "MV", "ML", "MT",
    "IM", "MQ", "MR", "MU", "YT", "MX", "FM", "MD", "MC", "MN", "ME", "MS", "MA", "MZ", "MM", "NA",
    "NR", "NP", "NL", "AN", "NC", "NZ", "NI", "NE", "NG", "NF", "MP", "NO", "OM", "PK", "PW", "PA",
    "PG", "PY", "PE", "PH", "PL", "PT", "PR", "QA", "RE", "RO", "RU", "RW", "KN", "LC", "PM", "VC",
    "WS", "MF", "ST", "SA", "SN", "RS", "SC", "SL", "SG", "SK", "SI", "SB", "SO", "ZA", "ES", "LK",
    "SR", "SZ", "SE", "CH", "SY", "TW", "TJ", "TZ", "TH", "TG", "TO", "TT", "TN", "TR", "TM", "TC",
    "TV", "UG", "UA", "AE", "GB", "US", "Q2", "UM", "UY", "UZ", "VU", "VE", "VN", "VG", "VI", "WF",
    "0C", "EH", "YE", "ZM", "ZW",
};

constexpr std::array<std::uint32_t, 3> antenna_types{0, 1, 3};  // u.FL, PCB/chip, auto
constexpr std::uint32_t max_bgn_mode = 2;
constexpr std::uint32_t max_rf_mode = 4;

// AT+WCHECK ranges (spec §2.2): period s, ping count, fail limit, smart antenna.
struct Range {
    std::uint32_t min;
    std::uint32_t max;
};
constexpr std::array<Range, 4> wcheck_ranges{{{10, 86400}, {5, 20}, {1, 20}, {0, 1}}};
constexpr std::size_t wcheck_required_fields = 3;

// AT+WNET's address fields (after the DHCP flag) and AT+WADNS's, in parameter order.
constexpr std::array<Ipv4 Profile::*, 3> wnet_addresses{&Profile::ip, &Profile::netmask,
                                                        &Profile::gateway};
constexpr std::array<std::optional<Ipv4> Profile::*, 2> dns_servers{&Profile::dns1, &Profile::dns2};

WifiNetwork& network(Profile& profile, WifiMode mode) {
    return mode == WifiMode::station ? profile.station : profile.soft_ap;
}
const WifiNetwork& network(const Profile& profile, WifiMode mode) {
    return mode == WifiMode::station ? profile.station : profile.soft_ap;
}

std::string mode_digit(WifiMode mode) {
    return mode == WifiMode::station ? "0" : "1";
}

std::string to_lower(std::string_view text) {
    std::string lower(text);
    for (char& c : lower)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return lower;
}

bool valid_ssid(std::string_view ssid) {
    return !ssid.empty() && ssid.size() <= max_ssid_length;
}

// Field 0 as a Wi-Fi mode (0 STA, 1 AP). WSET and WSET2 treat an absent mode as STA; WSEC
// requires it.
std::optional<WifiMode> mode_field(const Params& params, bool required) {
    if (!params.present(0)) {
        if (required) return std::nullopt;
        return WifiMode::station;
    }
    const auto value = parse_number(*params[0]);
    if (!value || *value > 1) return std::nullopt;
    return *value == 0 ? WifiMode::station : WifiMode::soft_ap;
}

// Spec §5.2: WSET, WSET2 and WSEC write their own fields and the Wi-Fi mode to flash at once;
// nothing else of the RAM profile is saved. So the same change goes to both images. false when
// the saved image could not be written (the RAM image has the change all the same).
template <typename Change>
[[nodiscard]] bool write_through(Module& m, const Change& change) {
    change(m.images().ram);
    change(m.images().saved);
    return m.persist_saved_image();
}

std::optional<Security> security_type(std::string_view name) {
    for (const Security type : named_security_types)
        if (iequals(name, security_name(type))) return type;
    return std::nullopt;
}

// Parses the optional IPv4 fields first..first+N-1. nullopt when one is present but not a
// dotted quad; an absent field stays nullopt inside the array.
template <std::size_t N>
std::optional<std::array<std::optional<Ipv4>, N>> address_fields(const Params& params,
                                                                 std::size_t first) {
    std::array<std::optional<Ipv4>, N> addresses{};
    for (std::size_t i = 0; i < N; ++i) {
        if (!params.present(first + i)) continue;
        addresses[i] = parse_ipv4(*params[first + i]);
        if (!addresses[i]) return std::nullopt;
    }
    return addresses;
}

bool known_country(std::string_view code) {
    return std::find(country_codes.begin(), country_codes.end(), code) != country_codes.end();
}

// AT+WREG=?: the domain the radio really runs under when nl80211 reports one the module knows;
// otherwise (no radio, or the world domain "00" before a country was applied) the profile's.
std::string reported_country(Module& m) {
    const std::optional<std::string> radio = m.wifi().status().regulatory_domain;
    if (radio && known_country(*radio)) return *radio;
    if (radio) spdlog::debug("AT+WREG=?: the radio's domain {} is not a module country", *radio);
    return m.profile().country;
}

// "<stored>(<actual>)" of WANT and WRFMODE. The radio setting is not read back from hardware:
// the actual value is the stored one (spec §7).
ResultCode stored_and_actual(Module& m, unsigned value) {
    m.output().line(std::to_string(value) + "(" + std::to_string(value) + ")");
    return ResultCode::ok;
}

// "001", "2.4", "72.2": the firmware's %03d, band text and %.1f.
std::string scan_index(unsigned index) {
    char text[16];
    std::snprintf(text, sizeof text, "%03u", index);
    return text;
}

std::string one_decimal(double value) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f", value);
    return text;
}

std::string band_text(double band_ghz) {
    if (band_ghz > 2.3 && band_ghz < 2.5) return "2.4";
    char text[16];
    std::snprintf(text, sizeof text, "%g", band_ghz);
    return text;
}

// 001/<ssid>/<BSSID>/<rssi>/<rate>/<Infra|Adhoc>/<security>/<band>/<channel>
std::string wscan_line(unsigned index, const ScanResult& r) {
    return scan_index(index) + "/" + r.ssid + "/" + r.bssid.to_upper() + "/" +
           std::to_string(r.rssi_dbm) + "/" + one_decimal(r.max_rate_mbps) + "/" +
           (r.infrastructure ? "Infra" : "Adhoc") + "/" + r.security + "/" + band_text(r.band_ghz) +
           "/" + std::to_string(r.channel);
}

// 001/<ssid>/<rssi>/<security>/<channel>
std::string wscan_short_line(unsigned index, const ScanResult& r) {
    return scan_index(index) + "/" + r.ssid + "/" + std::to_string(r.rssi_dbm) + "/" + r.security +
           "/" + std::to_string(r.channel);
}

// AT+WSET=? (spec §2.2): the current mode's SSID and channel, and always the STA BSSID,
// lower-case, all zero when unset. Like the firmware, the network fields come from the saved
// image (the Wi-Fi DCT) and the mode from RAM.
ResultCode print_wset(Module& m) {
    const WifiMode mode = m.profile().wifi_mode;
    const Profile& saved = m.images().saved;
    const WifiNetwork& net = network(saved, mode);
    const std::string bssid =
        saved.station.bssid.empty() ? std::string(unset_bssid) : to_lower(saved.station.bssid);
    m.output().line(mode_digit(mode) + "," + net.ssid + "," + bssid + "," +
                    std::to_string(net.channel));
    return ResultCode::ok;
}

}  // namespace

ResultCode wset(Module& m, std::string_view args) {
    if (is_query(args)) return print_wset(m);
    const Params params(args);
    const auto mode = mode_field(params, false);
    if (!mode || !params.present(1) || !valid_ssid(*params[1])) return ResultCode::invalid_input;
    const std::string& ssid = *params[1];

    // The BSSID is checked in both modes but only stored for STA.
    std::string bssid;
    if (params.present(2)) {
        const auto mac = parse_mac(*params[2]);
        if (!mac) return ResultCode::invalid_input;
        bssid = mac->to_upper();
    }
    unsigned channel = *mode == WifiMode::soft_ap ? ap_default_channel : 0;
    if (params.present(3)) {
        const auto value = number_in_range(params, 3, 1, max_channel);
        if (!value) return ResultCode::invalid_input;
        channel = *value;
    }

    const bool saved = write_through(m, [&](Profile& p) {
        WifiNetwork& net = network(p, *mode);
        net.ssid = ssid;
        if (*mode == WifiMode::station) net.bssid = bssid;
        net.channel = channel;
        p.wifi_mode = *mode;
    });
    return saved ? ResultCode::ok : ResultCode::error;
}

// WSET2: the SSID is the raw rest of the line after the mode (commas and quotes kept); STA only:
// in AP mode only the mode changes (firmware WXCmd_WSET2).
ResultCode wset_binary_ssid(Module& m, std::string_view args) {
    // Q5: in the COWAY table (settings().wset_binary_ssid) this handler serves "+WSET=", where
    // the firmware takes the binary path only for a line starting with '0'.
    if (m.settings().wset_binary_ssid && (args.empty() || args.front() != '0'))
        return wset(m, args);

    if (is_query(args)) {
        // The BSSID column is always empty here; AP mode prints nothing.
        const Profile& p = m.profile();
        if (p.wifi_mode == WifiMode::station) {
            const WifiNetwork& net = m.images().saved.station;
            m.output().line("0," + net.ssid + ",," + std::to_string(net.channel));
        }
        return ResultCode::ok;
    }
    const Params params(args);
    const auto mode = mode_field(params, false);
    const std::string_view ssid = params.rest_after_comma(1);
    if (!mode || !valid_ssid(ssid)) return ResultCode::invalid_input;

    const bool saved = write_through(m, [&](Profile& p) {
        if (*mode == WifiMode::station) {
            p.station.ssid = std::string(ssid);
            p.station.bssid.clear();
            p.station.channel = 0;
        }
        p.wifi_mode = *mode;
    });
    return saved ? ResultCode::ok : ResultCode::error;
}

ResultCode wsec(Module& m, std::string_view args) {
    if (is_query(args)) {
        // Like WSET=?, the security settings come from the saved image, the mode from RAM.
        const WifiMode mode = m.profile().wifi_mode;
        const WifiNetwork& net = network(m.images().saved, mode);
        m.output().line(mode_digit(mode) + "," + std::string(security_name(net.security)) + "," +
                            printed_key(net.security, net.key),
                        Sensitivity::secret);
        return ResultCode::ok;
    }
    const Params params(args);
    const auto mode = mode_field(params, true);
    if (!mode) return ResultCode::invalid_input;

    // An absent type is "automatic": learned by a scan at WJOIN time.
    Security type = Security::automatic;
    if (params.present(1)) {
        const auto named = security_type(*params[1]);
        if (!named) return ResultCode::invalid_input;
        type = *named;
    }
    // WEP cannot be offered by the soft AP.
    if (*mode == WifiMode::soft_ap && type == Security::wep) return ResultCode::invalid_input;

    // Q20: the key is the rest of the line after the second comma, verbatim.
    const std::string_view key = params.rest_after_comma(2);
    if (!valid_key(type, key)) return ResultCode::invalid_input;

    const bool saved = write_through(m, [&](Profile& p) {
        WifiNetwork& net = network(p, *mode);
        net.security = type;
        // OPEN ignores the key; the profile dump shows it empty.
        net.key = type == Security::open ? std::string{} : std::string(key);
        p.wifi_mode = *mode;
    });
    return saved ? ResultCode::ok : ResultCode::error;
}

ResultCode wnet(Module& m, std::string_view args) {
    if (is_query(args)) {
        m.output().line(network_text(m.profile()));
        return ResultCode::ok;
    }
    // Every field is optional; an absent one keeps its stored value. Nothing is stored unless
    // every present field is valid.
    const Params params(args);
    std::optional<bool> dhcp;
    if (params.present(0)) {
        const auto value = number_in_range(params, 0, 0, 1);
        if (!value) return ResultCode::invalid_input;
        dhcp = *value == 1;
    }
    const auto addresses = address_fields<wnet_addresses.size()>(params, 1);
    if (!addresses) return ResultCode::invalid_input;

    Profile& p = m.profile();
    if (dhcp) p.dhcp = *dhcp;
    for (std::size_t i = 0; i < wnet_addresses.size(); ++i)
        if ((*addresses)[i]) p.*wnet_addresses[i] = *(*addresses)[i];
    return ResultCode::ok;
}

ResultCode wadns(Module& m, std::string_view args) {
    Profile& p = m.profile();
    if (is_query(args)) {
        const auto text = [](const std::optional<Ipv4>& ip) {
            return ip ? ip->to_string() : std::string{};
        };
        m.output().line(text(p.*dns_servers[0]) + "," + text(p.*dns_servers[1]));
        return ResultCode::ok;
    }
    const auto servers = address_fields<dns_servers.size()>(Params(args), 0);
    if (!servers) return ResultCode::invalid_input;
    for (std::size_t i = 0; i < dns_servers.size(); ++i)
        if ((*servers)[i]) p.*dns_servers[i] = (*servers)[i];
    // Spec §2.2: applied to the resolver at once, so a link that is up uses the servers from
    // the next lookup on (FDNS, SCON by name), not only after the next join.
    m.apply_wadns_servers();
    return ResultCode::ok;
}

ResultCode wstat(Module& m, std::string_view /*args*/) {
    const RadioStatus radio = m.wifi().status();
    const std::string mac = radio.mac.value_or(m.profile().mac).to_upper();
    const int tx_power = radio.tx_power_dbm.value_or(static_cast<int>(m.runtime().tx_power_dbm));
    const std::string tail = mac + "/" + std::to_string(tx_power) + "/";
    m.output().line(wstat_header);
    if (!m.link_up()) {
        // Spec §2.2: the RSSI of a down link is 0.
        m.output().line("Down////" + tail + "0");
        return ResultCode::ok;
    }
    const LinkInfo& link = *m.link();
    const bool station = m.profile().wifi_mode == WifiMode::station;
    // The RSSI is printed without its sign; an AP has none.
    const int rssi = station ? std::abs(radio.rssi_dbm) : 0;
    m.output().line(std::string(station ? "STA/" : "AP/") + link.ssid + "/" +
                    link.address.to_string() + "/" + link.gateway.to_string() + "/" + tail +
                    std::to_string(rssi));
    return ResultCode::ok;
}

ResultCode wreg(Module& m, std::string_view args) {
    if (is_query(args)) {
        m.output().line(reported_country(m));
        return ResultCode::ok;
    }
    const Params params(args);
    if (!params.present(0)) return ResultCode::invalid_input;
    const std::string& code = *params[0];
    if (!known_country(code)) return ResultCode::invalid_input;

    // Spec §2.2: [OK], then the whole RAM profile is saved and the module reboots without
    // closing sockets or leaving Wi-Fi first. The radio takes the country at once, as the
    // module's does at its boot.
    m.profile().country = code;
    m.wifi().set_country(code);
    m.save_and_reboot();
    return ResultCode::none;
}

ResultCode want(Module& m, std::string_view args) {
    if (is_query(args)) return stored_and_actual(m, m.profile().antenna);
    const auto value = number_field(Params(args), 0);
    if (!value ||
        std::find(antenna_types.begin(), antenna_types.end(), *value) == antenna_types.end())
        return ResultCode::invalid_input;
    m.profile().antenna = *value;
    return ResultCode::ok;
}

ResultCode wbgn(Module& /*m*/, std::string_view args) {
    // Applied to the radio at once and not stored; there is no query. No radio to apply it to.
    if (!number_in_range(Params(args), 0, 0, max_bgn_mode)) return ResultCode::invalid_input;
    return ResultCode::ok;
}

ResultCode wcheck(Module& m, std::string_view args) {
    auto& stored = m.profile().wifi_check;
    if (is_query(args)) {
        m.output().line(std::to_string(stored[0]) + "," + std::to_string(stored[1]) + "," +
                        std::to_string(stored[2]) + "," + std::to_string(stored[3]));
        return ResultCode::ok;
    }
    const Params params(args);
    const auto period = number_field(params, 0);
    if (!period) return ResultCode::invalid_input;
    // AT+WCHECK=0 turns the watchdog off and keeps the other three values.
    if (*period == 0) {
        stored[0] = 0;
        return ResultCode::ok;
    }
    std::array<std::uint32_t, wcheck_ranges.size()> values{};
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!params.present(i)) {
            if (i < wcheck_required_fields) return ResultCode::invalid_input;
            continue;  // smart antenna: optional, 0
        }
        const auto value = number_field(params, i);
        if (!value) return ResultCode::invalid_input;
        values[i] = *value;
    }
    for (std::size_t i = 0; i < values.size(); ++i)
        if (values[i] < wcheck_ranges[i].min || values[i] > wcheck_ranges[i].max)
            return ResultCode::invalid_input;
    stored = values;
    return ResultCode::ok;
}

ResultCode wrfmode(Module& m, std::string_view args) {
    if (is_query(args)) return stored_and_actual(m, m.profile().rf_mode);
    const auto value = number_in_range(Params(args), 0, 0, max_rf_mode);
    if (!value) return ResultCode::invalid_input;
    m.profile().rf_mode = *value;
    return ResultCode::ok;
}

// Until the Wi-Fi backend exists: a module whose radio never brings a link up.

ResultCode wjoin(Module& m, std::string_view /*args*/) {
    if (m.link_up()) {
        m.output().line(m.profile().wifi_mode == WifiMode::station
                            ? "Already Associated : Station Mode"
                            : "Already Started : AP Mode");
        return ResultCode::ok;
    }
    // The join lines and the Link-Up block come before the final code (spec §3.5).
    m.join([&m](bool up) { m.finish_command(up ? ResultCode::ok : ResultCode::error); });
    return ResultCode::pending;
}

ResultCode wleave(Module& m, std::string_view /*args*/) {
    // Every [DISCONNECT n] and the [Link-Down Event] come before the [OK].
    m.leave();
    return ResultCode::ok;
}

ResultCode wscan(Module& m, std::string_view args) {
    // The row is "+WSCAN" without '=': the handler reads its own '=' (spec §1.4). The SSID
    // filter is skipped for "=", "=?" and any one-character first field, as in the firmware.
    const Params params(args);
    ScanFilter filter;
    if (params.present(0)) {
        const std::string& first = *params[0];
        if (first.size() > 1 && first[1] != '?') {
            if (first.front() != '=' || first.size() - 1 > max_ssid_length)
                return ResultCode::invalid_input;
            filter.ssid = first.substr(1);
        }
    }
    if (params.present(1)) {
        const auto bssid = parse_mac(*params[1]);
        if (!bssid) return ResultCode::invalid_input;
        filter.bssid = bssid;
    }
    if (params.present(2)) {
        const auto channel = number_in_range(params, 2, 1, max_channel);
        if (!channel) return ResultCode::invalid_input;
        filter.channel = *channel;
    }
    if (params.present(3)) {
        const auto dwell = number_in_range(params, 3, min_dwell_ms, max_dwell_ms);
        if (!dwell) return ResultCode::invalid_input;
        filter.dwell_ms = *dwell;
    }
    // Through the Air-command channel (spec §6) the lines are shorter.
    const bool air_command = m.output().capturing();
    // The channels a scan may use depend on the country.
    m.wifi().set_country(m.profile().country);
    m.wifi().scan(filter, [&m, air_command](std::optional<std::vector<ScanResult>> results) {
        if (!results) {  // the scan could not start
            m.finish_command(ResultCode::error);
            return;
        }
        m.output().line(air_command ? wscan_short_header : wscan_header);
        unsigned index = 0;
        for (const ScanResult& result : *results) {
            m.output().line(air_command ? wscan_short_line(++index, result)
                                        : wscan_line(++index, result));
        }
        m.finish_command(ResultCode::ok);
    });
    return ResultCode::pending;
}

ResultCode wwps(Module& m, std::string_view args) {
    if (m.link_up()) return ResultCode::error;  // STA or AP already up
    const Params params(args);
    const auto mode = number_in_range(params, 0, 0, 1);  // 0 push button, 1 PIN
    if (!mode) return ResultCode::invalid_input;
    // Q17 fixed: PIN mode without a PIN is invalid input (the firmware crashes).
    if (*mode == 1 && (!params.present(1) || params[1]->size() > max_wps_pin_length))
        return ResultCode::invalid_input;
    const std::string pin = *mode == 1 ? *params[1] : std::string{};
    m.wifi().wps(pin, [&m](std::optional<WifiNetwork> received) {
        if (!received) {
            m.finish_command(ResultCode::error);
            return;
        }
        // Spec §2.2: the credentials go to flash as the STA settings, the mode becomes STA, and
        // RAM is reloaded from flash (unsaved RAM changes are lost). No join.
        const bool saved = write_through(m, [&received](Profile& p) {
            p.station.ssid = received->ssid;
            p.station.bssid.clear();
            p.station.channel = 0;
            p.station.security = received->security;
            p.station.key = received->key;
            p.wifi_mode = WifiMode::station;
        });
        m.load_profile();
        m.finish_command(saved ? ResultCode::ok : ResultCode::error);  // as WSET when flash fails
    });
    return ResultCode::pending;
}

ResultCode wp2p(Module& /*m*/, std::string_view /*args*/) {
    return ResultCode::error;  // Wi-Fi Direct is not emulated (spec §7)
}

}  // namespace wizfi250d::commands
