// SPDX-License-Identifier: Apache-2.0
// The wpa_supplicant Wi-Fi backend: WJOIN/WLEAVE/WSCAN/WWPS/WSTAT through wpa_supplicant's
// control socket, IPv4 through an IpConfigurator, radio facts through nl80211.

#include "wizfi250d/wifi/wpa_supplicant_backend.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <map>
#include <set>

#include "wizfi250d/profile/wifi_key.hpp"
#include "wizfi250d/wifi/radio_info.hpp"

namespace wizfi250d {

namespace wpa {

namespace {

constexpr std::size_t max_scan_results = 50;  // the firmware tracks at most 50 BSSIDs
// The module adds Google's resolver as a second server to the DHCP one (spec §2.2 WNET).
constexpr Ipv4 dhcp_extra_dns{{8, 8, 8, 8}};

bool contains(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

std::string in_quotes(std::string_view text) {
    return "\"" + std::string(text) + "\"";
}

bool is_hex(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    });
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
struct GuardIntervalRates {
    double long_gi;
    double short_gi;
};
constexpr GuardIntervalRates ht20_mcs7{65.0, 72.2};
constexpr GuardIntervalRates ht40_mcs7{135.0, 150.0};
// VHT MCS 7, 8, 9 at 80 and 160 MHz.
constexpr std::array<GuardIntervalRates, 3> vht80{{{292.5, 325.0}, {351.0, 390.0}, {390.0, 433.3}}};
constexpr std::array<GuardIntervalRates, 3> vht160{
    {{585.0, 650.0}, {702.0, 780.0}, {780.0, 866.7}}};

// Element IDs (IEEE 802.11-2020 table 9-92).
constexpr unsigned char ie_supported_rates = 1;
constexpr unsigned char ie_ht_capabilities = 45;
constexpr unsigned char ie_extended_rates = 50;
constexpr unsigned char ie_ht_operation = 61;
constexpr unsigned char ie_vht_capabilities = 191;
constexpr unsigned char ie_vht_operation = 192;

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

double max_rate_mbps(std::string_view ies) {
    double legacy = 0;
    std::optional<std::string_view> ht_cap, ht_op, vht_cap, vht_op;
    while (ies.size() >= 2) {
        const unsigned char id = static_cast<unsigned char>(ies[0]);
        const std::size_t length = byte_at(ies, 1);
        if (ies.size() < 2 + length) break;
        const std::string_view data = ies.substr(2, length);
        ies.remove_prefix(2 + length);
        switch (id) {
            case ie_supported_rates:
            case ie_extended_rates:
                for (std::size_t i = 0; i < data.size(); ++i) {
                    const unsigned rate = byte_at(data, i) & 0x7f;  // 500 kbit/s units
                    // 108 = 54 Mbit/s; larger values are BSS membership selectors (HT, VHT, SAE).
                    if (rate <= 108) legacy = std::max(legacy, rate / 2.0);
                }
                break;
            case ie_ht_capabilities:
                if (data.size() >= 26) ht_cap = data;
                break;
            case ie_ht_operation:
                if (data.size() >= 2) ht_op = data;
                break;
            case ie_vht_capabilities:
                if (data.size() >= 12) vht_cap = data;
                break;
            case ie_vht_operation:
                if (data.size() >= 3) vht_op = data;
                break;
            default:
                break;
        }
    }
    if (vht_cap && vht_op && byte_at(*vht_op, 0) != 0) {
        const unsigned capabilities = byte_at(*vht_cap, 0) | byte_at(*vht_cap, 1) << 8;
        const unsigned mcs_map = byte_at(*vht_cap, 4) | byte_at(*vht_cap, 5) << 8;
        unsigned streams = 0;
        unsigned max_mcs = 0;  // 0: MCS 0-7, 1: 0-8, 2: 0-9
        for (unsigned ss = 0; ss < 8; ++ss) {
            const unsigned support = (mcs_map >> (2 * ss)) & 3u;
            if (support == 3) continue;
            streams = ss + 1;
            max_mcs = std::max(max_mcs, support);
        }
        const unsigned width = byte_at(*vht_op, 0);
        const bool wide = width >= 2 || byte_at(*vht_op, 2) != 0;  // 160 or 80+80 MHz
        if (streams > 0) {
            const auto& table = wide ? vht160 : vht80;
            const bool short_gi = (capabilities & (wide ? 0x40u : 0x20u)) != 0;
            const double per_stream = short_gi ? table[max_mcs].short_gi : table[max_mcs].long_gi;
            return streams * per_stream;
        }
    }
    if (ht_cap) {
        const unsigned capabilities = byte_at(*ht_cap, 0) | byte_at(*ht_cap, 1) << 8;
        unsigned streams = 0;
        for (unsigned i = 0; i < 4; ++i)
            if (byte_at(*ht_cap, 3 + i) != 0) streams = i + 1;
        const bool forty = (capabilities & 0x02u) != 0 && ht_op && (byte_at(*ht_op, 1) & 0x04u);
        if (streams > 0) {
            const auto& rates = forty ? ht40_mcs7 : ht20_mcs7;
            const bool short_gi = (capabilities & (forty ? 0x40u : 0x20u)) != 0;
            return streams * (short_gi ? rates.short_gi : rates.long_gi);
        }
    }
    return legacy;
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

}  // namespace wpa

namespace {

using wpa::Event;

// A synthetic event for "the control connection went away" (not a wpa_supplicant event name).
constexpr std::string_view control_down_event = "WIZFI250D-CONTROL-DOWN";

bool is_failure_reply(const std::optional<std::string>& reply) {
    return !reply || wpa::trim_reply(*reply).substr(0, 4) == "FAIL";
}

std::optional<int> parse_id(const std::optional<std::string>& reply) {
    if (!reply) return std::nullopt;
    const std::string_view text = wpa::trim_reply(*reply);
    if (text.empty() || text.size() > 9 ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    return std::stoi(std::string(text));
}

class WpaSupplicantBackend final : public WifiBackend {
public:
    WpaSupplicantBackend(boost::asio::io_context& io, WpaBackendOptions options,
                         std::unique_ptr<IpConfigurator> ip)
        : io_(io),
          options_(std::move(options)),
          life_(std::make_shared<char>()),
          control_(io, control_options(options_)),
          ip_(std::move(ip)) {
        control_.on_event([this](const Event& event) { dispatch(event); });
        control_.on_state([this](bool up) { control_state(up); });
        control_.start();
    }

    ~WpaSupplicantBackend() override {
        life_.reset();
        waits_.clear();
        // The daemon stops: leave no network of ours selected, and no address.
        if (network_id_) {
            control_.send_without_reply("DISCONNECT");
            control_.send_without_reply("REMOVE_NETWORK " + std::to_string(*network_id_));
        }
        if (ip_active_) ip_->release(interface());
    }

    void join(const Profile& profile, JoinReporter reporter, JoinDone done) override;
    void leave() override;
    void scan(const ScanFilter& filter, ScanDone done) override;
    void wps(const std::string& pin, WpsDone done) override;
    RadioStatus status() const override;
    void set_country(const std::string& country) override {
        country_ = country;
        apply_country();
    }
    void on_link_lost(LinkLost callback) override { link_lost_ = std::move(callback); }
    void on_link_restored(LinkRestored callback) override { link_restored_ = std::move(callback); }
    std::string_view name() const override { return "wpa_supplicant"; }

private:
    enum class State { idle, joining, up, lost };
    using EventWait = std::function<bool(const Event* event)>;  // nullptr: timed out
    struct Wait {
        EventWait handler;
        std::unique_ptr<boost::asio::steady_timer> timer;
    };
    struct JoinOperation {
        JoinReporter reporter;
        JoinDone done;
    };
    using Reply = std::function<void(std::optional<std::string>)>;

    static wpa::Control::Options control_options(const WpaBackendOptions& options) {
        wpa::Control::Options result;
        if (!options.interface.empty())
            result.ctrl_path = options.ctrl_dir + "/" + options.interface;
        result.ctrl_dir = options.ctrl_dir;
        result.client_dir = options.runtime_dir;
        result.request_timeout = options.request_timeout;
        result.retry_interval = options.reconnect_interval;
        result.ping_interval = options.ping_interval;
        return result;
    }

    std::string interface() const {
        return options_.interface.empty() ? control_.interface() : options_.interface;
    }

    // Wraps a callback so that it never runs after the backend is gone.
    template <typename Function>
    auto guarded(Function function) {
        std::weak_ptr<char> life = life_;
        return [life, function = std::move(function)](auto&&... args) {
            if (life.expired()) return;
            function(std::forward<decltype(args)>(args)...);
        };
    }

    void request(std::string command, Reply done) {
        control_.request(std::move(command), guarded(std::move(done)));
    }
    template <typename Function>
    void post(Function function) {
        boost::asio::post(io_, guarded(std::move(function)));
    }

    // ---- waiting for events ----
    std::uint64_t wait_for(std::chrono::milliseconds timeout, EventWait handler) {
        const std::uint64_t id = ++next_wait_;
        Wait& wait = waits_[id];
        wait.handler = std::move(handler);
        wait.timer = std::make_unique<boost::asio::steady_timer>(io_, timeout);
        wait.timer->async_wait(guarded([this, id](boost::system::error_code ec) {
            if (ec) return;
            const auto it = waits_.find(id);
            if (it == waits_.end()) return;
            EventWait timed_out = std::move(it->second.handler);
            waits_.erase(it);
            timed_out(nullptr);
        }));
        return id;
    }

    void cancel_wait(std::uint64_t id) { waits_.erase(id); }

    void dispatch_to_waits(const Event& event) {
        std::vector<std::uint64_t> ids;
        ids.reserve(waits_.size());
        for (const auto& entry : waits_)
            ids.push_back(entry.first);
        for (const auto id : ids) {
            const auto it = waits_.find(id);
            if (it == waits_.end()) continue;
            const EventWait handler = it->second.handler;  // a copy: it may erase itself
            if (handler(&event)) waits_.erase(id);
        }
    }

    bool is_our_network(const Event& event) const {
        if (const auto id = wpa::event_field(event.text, "id"))
            return network_id_ && *id == std::to_string(*network_id_);
        return false;
    }

    void dispatch(const Event& event);
    void control_state(bool up);
    // Sends SET country once per control connection and country: the regulatory domain must be
    // in place before wpa_supplicant scans or associates.
    void apply_country();

    // ---- steps ----
    void run_all(std::shared_ptr<std::vector<std::string>> commands, std::size_t index,
                 std::function<void(bool ok)> done);
    void remove_our_networks(std::function<void()> done);
    void remove_networks(std::shared_ptr<std::vector<int>> ids, std::size_t index,
                         std::function<void()> done);
    void install_network(std::vector<wpa::NetworkField> fields,
                         std::function<void(std::optional<int> id)> done);
    void prepare_join(unsigned operation, const WifiNetwork& network);
    void start_try(unsigned operation, unsigned number);
    void associated(unsigned operation, unsigned number);
    void try_failed(unsigned operation, unsigned number);
    void finish_join(std::optional<LinkInfo> link);
    void configure_ip(std::function<void(std::optional<IpLease>)> done);
    void release_ip();
    LinkInfo link_from(const IpLease& lease) const;
    void lose_link(std::string_view why);
    void restore_link();
    void reinstall_after_restart();
    void raw_scan(const ScanFilter& filter,
                  std::function<void(std::optional<std::vector<wpa::ScanLine>>)> done);
    void describe(std::shared_ptr<std::vector<wpa::ScanLine>> lines, std::size_t index,
                  std::shared_ptr<std::vector<ScanResult>> results, ScanDone done);
    void finish_wps(std::optional<WifiNetwork> network);

    boost::asio::io_context& io_;
    WpaBackendOptions options_;
    std::shared_ptr<char> life_;
    wpa::Control control_;
    std::unique_ptr<IpConfigurator> ip_;
    RadioInfoSource radio_;

    State state_ = State::idle;
    unsigned operation_ = 0;  // bumps on join() and leave(): stale steps stop
    std::optional<JoinOperation> join_;
    std::optional<int> network_id_;
    // The fields of the network we joined (they hold the key: memory only, never logged), to
    // add it again when wpa_supplicant comes back after going away.
    std::vector<wpa::NetworkField> fields_;
    std::string ssid_;
    bool dhcp_ = true;
    StaticAddress static_address_;
    std::optional<LinkInfo> link_;
    bool restoring_ = false;

    bool ip_active_ = false;
    std::uint64_t ip_attempt_ = 0;

    std::optional<std::string> eap_key_mgmt_;  // learned once per connection
    std::string country_;                      // AT+WREG; empty until a join or WREG names it
    std::optional<std::string> sent_country_;  // what this control connection was told
    bool scanning_ = false;
    std::optional<WpsDone> wps_done_;
    std::optional<WifiNetwork> wps_credential_;

    std::map<std::uint64_t, Wait> waits_;
    std::uint64_t next_wait_ = 0;

    LinkLost link_lost_;
    LinkRestored link_restored_;
};

// ---- events and connection state ----

void WpaSupplicantBackend::dispatch(const Event& event) {
    dispatch_to_waits(event);
    if (state_ == State::up) {
        if (event.name == "CTRL-EVENT-DISCONNECTED") {
            lose_link("disconnected: " + wpa::event_field(event.text, "reason").value_or("?"));
        } else if (event.name == "CTRL-EVENT-TERMINATING") {
            lose_link("wpa_supplicant is terminating");
        }
    } else if (state_ == State::lost) {
        if (event.name == "CTRL-EVENT-CONNECTED" && is_our_network(event)) {
            restore_link();
        } else if (restoring_ && event.name == "CTRL-EVENT-DISCONNECTED") {
            restoring_ = false;
            release_ip();  // gone again before the address came
        }
    }
}

void WpaSupplicantBackend::control_state(bool up) {
    // A restarted wpa_supplicant has forgotten the country it was told.
    sent_country_.reset();
    if (!up) {
        eap_key_mgmt_.reset();
        const Event down{0, std::string(control_down_event), std::string(control_down_event)};
        dispatch_to_waits(down);
        if (state_ == State::up) lose_link("the wpa_supplicant control connection went away");
        return;
    }
    apply_country();
    if (state_ == State::lost) reinstall_after_restart();
}

void WpaSupplicantBackend::apply_country() {
    if (country_.empty() || !control_.up() || sent_country_ == country_) return;
    sent_country_ = country_;
    request("SET country " + country_, [country = country_](std::optional<std::string> reply) {
        if (is_failure_reply(reply))
            spdlog::warn(
                "wpa_supplicant backend: SET country {} was refused; the radio keeps "
                "its regulatory domain",
                country);
    });
}

// ---- join ----

void WpaSupplicantBackend::join(const Profile& profile, JoinReporter reporter, JoinDone done) {
    if (join_) {
        spdlog::warn("wpa_supplicant backend: a join is already running");
        post([done = std::move(done)] { done(std::nullopt); });
        return;
    }
    const unsigned operation = ++operation_;
    if (profile.wifi_mode != WifiMode::station) {
        spdlog::warn("wpa_supplicant backend: soft-AP mode is not available with this backend");
        post([done = std::move(done)] { done(std::nullopt); });
        return;
    }
    // A link that was lost (and was being re-associated) is replaced by this join.
    if (state_ == State::up || state_ == State::lost) release_ip();
    link_.reset();
    restoring_ = false;
    state_ = State::joining;
    join_ = JoinOperation{std::move(reporter), std::move(done)};
    // Requests run in order: the country is set before the scan or the network below.
    country_ = profile.country;
    apply_country();
    const WifiNetwork& network = profile.station;
    ssid_ = network.ssid;
    dhcp_ = profile.dhcp;
    static_address_ = StaticAddress{profile.ip, profile.netmask, profile.gateway, {}};
    for (const auto& server : {profile.dns1, profile.dns2})
        if (server) static_address_.dns_servers.push_back(*server);

    // An earlier network of ours (a lost link being re-associated) goes; so does its key.
    if (network_id_) request("REMOVE_NETWORK " + std::to_string(*network_id_), [](auto) {});
    network_id_.reset();
    fields_.clear();

    // OPEN stays key_mgmt=NONE even with the EAP option: an open network has no credentials.
    if (!options_.eap_method.empty() && network.security != Security::open) {
        // Enterprise / wired 802.1X: the key management the driver offers decides IEEE8021X
        // (wired, or dynamic-WEP Wi-Fi) or WPA-EAP (Wi-Fi).
        if (eap_key_mgmt_) {
            prepare_join(operation, network);
            return;
        }
        request("GET_CAPABILITY key_mgmt", [this, operation,
                                            network](std::optional<std::string> reply) {
            if (operation != operation_) return;
            if (reply && !is_failure_reply(reply))
                eap_key_mgmt_ = wpa::trim_reply(*reply).find("WPA-EAP") != std::string_view::npos
                                    ? "WPA-EAP"
                                    : "IEEE8021X";
            prepare_join(operation, network);
        });
        return;
    }
    if (network.security != Security::automatic) {
        prepare_join(operation, network);
        return;
    }
    // Automatic security: a scan learns the type; an SSID the scan does not find ends the join
    // with no Joining lines (spec §2.2).
    ScanFilter filter;
    filter.ssid = network.ssid;
    raw_scan(filter, [this, operation, network](std::optional<std::vector<wpa::ScanLine>> lines) {
        if (operation != operation_) return;
        const wpa::ScanLine* found = nullptr;
        if (lines)
            for (const auto& line : *lines)
                if (line.ssid == network.ssid &&
                    (found == nullptr || line.signal_dbm > found->signal_dbm))
                    found = &line;
        if (found == nullptr) {
            spdlog::warn(
                "wpa_supplicant backend: automatic security: the scan did not find "
                "the SSID");
            state_ = State::idle;
            finish_join(std::nullopt);
            return;
        }
        WifiNetwork resolved = network;
        resolved.security = wpa::join_security(found->flags);
        spdlog::info(
            "wpa_supplicant backend: automatic security: {} ({})",
            resolved.security == Security::open ? "OPEN" : wpa::scan_security_name(found->flags),
            found->flags);
        prepare_join(operation, resolved);
    });
}

void WpaSupplicantBackend::prepare_join(unsigned operation, const WifiNetwork& network) {
    std::optional<wpa::EapSettings> eap;
    if (!options_.eap_method.empty() && network.security != Security::open) {
        eap = wpa::EapSettings{options_.eap_method, options_.eap_identity,
                               eap_key_mgmt_.value_or("IEEE8021X")};
    }
    auto fields = wpa::network_fields(network, network.security, eap ? &*eap : nullptr);
    if (!fields) {
        // Every try fails at once, with its lines, as the module's radio would refuse the key.
        spdlog::warn("wpa_supplicant backend: the stored key does not fit the security type");
        network_id_.reset();
        start_try(operation, 1);
        return;
    }
    fields_ = *fields;
    install_network(std::move(*fields), [this, operation](std::optional<int> id) {
        if (operation != operation_) return;
        network_id_ = id;
        start_try(operation, 1);
    });
}

void WpaSupplicantBackend::start_try(unsigned operation, unsigned number) {
    join_->reporter.join_info("Joining : " + ssid_);
    if (!network_id_) {
        try_failed(operation, number);
        return;
    }
    // A retry starts from "disconnected": SELECT_NETWORK of the network wpa_supplicant is
    // still associated with does nothing ("already associated"), and after an EAP failure the
    // wired supplicant would sit in HELD for 60 s. (Never RECONNECT: see below.)
    if (number > 1) request("DISCONNECT", [](auto) {});
    // Events of an earlier try (a late EAP failure, the DISCONNECT's own events) must not end
    // this one: wait until every event sent before now has been seen, then select.
    control_.sync_events(guarded([this, operation, number](bool ok) {
        if (operation != operation_) return;
        if (!ok || !network_id_) {
            try_failed(operation, number);
            return;
        }
        const int id = *network_id_;
        const auto wait =
            wait_for(options_.join_try_timeout, [this, operation, number](const Event* event) {
                if (operation != operation_) return true;
                if (event == nullptr) {
                    spdlog::info("wpa_supplicant backend: try {}: not connected within {} ms",
                                 number, options_.join_try_timeout.count());
                    try_failed(operation, number);
                    return true;
                }
                const std::string& name = event->name;
                if (name == "CTRL-EVENT-CONNECTED" && is_our_network(*event)) {
                    associated(operation, number);
                    return true;
                }
                const bool failure =
                    name == "CTRL-EVENT-EAP-FAILURE" || name == "CTRL-EVENT-ASSOC-REJECT" ||
                    name == "CTRL-EVENT-AUTH-REJECT" || name == "CTRL-EVENT-NETWORK-NOT-FOUND" ||
                    name == "CTRL-EVENT-TERMINATING" || name == control_down_event ||
                    (name == "CTRL-EVENT-SSID-TEMP-DISABLED" && is_our_network(*event));
                if (!failure) return false;
                spdlog::info("wpa_supplicant backend: try {}: {}", number, name);
                try_failed(operation, number);
                return true;
            });
        // Never RECONNECT: after a failure the network is TEMP-DISABLED and only SELECT_NETWORK
        // enables it again (RECONNECT loops on -Dwired).
        request("SELECT_NETWORK " + std::to_string(id),
                [this, operation, number, wait](std::optional<std::string> reply) {
                    if (operation != operation_ || !is_failure_reply(reply)) return;
                    if (waits_.count(wait) == 0) return;  // the try already ended
                    cancel_wait(wait);
                    try_failed(operation, number);
                });
    }));
}

void WpaSupplicantBackend::associated(unsigned operation, unsigned number) {
    spdlog::info("wpa_supplicant backend: associated (try {}); configuring IPv4 ({})", number,
                 dhcp_ ? "DHCP" : "static");
    // The link may drop again while the address is being configured.
    const auto watch = wait_for(
        options_.ip.dhcp_timeout + std::chrono::seconds(10),
        [this, operation, number](const Event* event) {
            if (operation != operation_) return true;
            if (event != nullptr && event->name != "CTRL-EVENT-DISCONNECTED" &&
                event->name != "CTRL-EVENT-TERMINATING" && event->name != control_down_event)
                return false;
            spdlog::info("wpa_supplicant backend: try {}: {} while configuring IPv4", number,
                         event != nullptr ? event->name : std::string("timeout"));
            release_ip();
            try_failed(operation, number);
            return true;
        });
    configure_ip([this, operation, number, watch](std::optional<IpLease> lease) {
        if (operation != operation_) return;
        cancel_wait(watch);
        if (!lease) {
            spdlog::warn("wpa_supplicant backend: try {}: no IPv4 address", number);
            release_ip();
            try_failed(operation, number);
            return;
        }
        join_->reporter.join_info("Successfully joined : " + ssid_);
        state_ = State::up;
        link_ = link_from(*lease);
        spdlog::info("wpa_supplicant backend: link up on {}: {}", link_->interface,
                     link_->address.to_string());
        finish_join(link_);
    });
}

void WpaSupplicantBackend::try_failed(unsigned operation, unsigned number) {
    if (operation != operation_ || !join_) return;
    join_->reporter.join_info("Failed to join: " + ssid_);
    const bool escaped = join_->reporter.aborted && join_->reporter.aborted();
    if (number < options_.join_tries && !escaped) {
        start_try(operation, number + 1);
        return;
    }
    if (escaped) spdlog::info("wpa_supplicant backend: ESC: no more tries");
    // Leave nothing behind that wpa_supplicant would keep retrying with.
    if (network_id_) request("REMOVE_NETWORK " + std::to_string(*network_id_), [](auto) {});
    network_id_.reset();
    fields_.clear();
    state_ = State::idle;
    finish_join(std::nullopt);
}

void WpaSupplicantBackend::finish_join(std::optional<LinkInfo> link) {
    if (!join_) return;
    JoinOperation finished = std::move(*join_);
    join_.reset();
    finished.done(std::move(link));
}

// ---- wpa_supplicant's network list ----

void WpaSupplicantBackend::run_all(std::shared_ptr<std::vector<std::string>> commands,
                                   std::size_t index, std::function<void(bool ok)> done) {
    if (index >= commands->size()) {
        done(true);
        return;
    }
    const std::string& command = (*commands)[index];
    request(command, [this, commands, index, done](std::optional<std::string> reply) {
        if (!reply || !wpa::is_ok(*reply)) {
            spdlog::warn("wpa_supplicant backend: '{}' failed",
                         wpa::redact_command((*commands)[index]));
            done(false);
            return;
        }
        run_all(commands, index + 1, done);
    });
}

void WpaSupplicantBackend::remove_our_networks(std::function<void()> done) {
    // Only networks carrying our id_str: whatever else the administrator configured stays.
    request("LIST_NETWORKS", [this, done](std::optional<std::string> reply) {
        if (!reply) {
            done();
            return;
        }
        auto ids = std::make_shared<std::vector<int>>();
        for (const auto& network : wpa::parse_list_networks(*reply))
            ids->push_back(network.id);
        remove_networks(ids, 0, done);
    });
}

void WpaSupplicantBackend::remove_networks(std::shared_ptr<std::vector<int>> ids, std::size_t index,
                                           std::function<void()> done) {
    if (index >= ids->size()) {
        done();
        return;
    }
    const std::string id = std::to_string((*ids)[index]);
    request("GET_NETWORK " + id + " id_str",
            [this, ids, index, done, id](std::optional<std::string> reply) {
                const bool ours =
                    reply && wpa::trim_reply(*reply) == "\"" + std::string(wpa::network_tag) + "\"";
                if (!ours) {
                    remove_networks(ids, index + 1, done);
                    return;
                }
                request("REMOVE_NETWORK " + id,
                        [this, ids, index, done](auto) { remove_networks(ids, index + 1, done); });
            });
}

void WpaSupplicantBackend::install_network(std::vector<wpa::NetworkField> fields,
                                           std::function<void(std::optional<int> id)> done) {
    remove_our_networks([this, fields = std::move(fields), done]() {
        request("ADD_NETWORK", [this, fields, done](std::optional<std::string> reply) {
            const auto id = parse_id(reply);
            if (!id) {
                spdlog::warn("wpa_supplicant backend: ADD_NETWORK failed");
                done(std::nullopt);
                return;
            }
            auto commands = std::make_shared<std::vector<std::string>>();
            for (const auto& field : fields)
                commands->push_back("SET_NETWORK " + std::to_string(*id) + " " + field.name + " " +
                                    field.value);
            run_all(commands, 0, [this, id, done](bool ok) {
                if (ok) {
                    done(id);
                    return;
                }
                request("REMOVE_NETWORK " + std::to_string(*id), [](auto) {});
                done(std::nullopt);
            });
        });
    });
}

// ---- IPv4 ----

void WpaSupplicantBackend::configure_ip(std::function<void(std::optional<IpLease>)> done) {
    const std::uint64_t attempt = ++ip_attempt_;
    ip_active_ = true;
    std::optional<StaticAddress> address;
    if (!dhcp_) address = static_address_;
    ip_->configure(interface(), address,
                   guarded([this, attempt, done](std::optional<IpLease> lease) {
                       if (attempt != ip_attempt_) return;  // released meanwhile
                       done(std::move(lease));
                   }));
}

void WpaSupplicantBackend::release_ip() {
    ++ip_attempt_;
    if (!ip_active_) return;
    ip_active_ = false;
    ip_->release(interface());
}

LinkInfo WpaSupplicantBackend::link_from(const IpLease& lease) const {
    LinkInfo link;
    link.interface = interface();
    link.ssid = ssid_;
    link.address = lease.address;
    link.gateway = lease.gateway;
    link.netmask = lease.netmask;
    link.dns_servers = lease.dns_servers;
    if (dhcp_) {
        if (std::find(link.dns_servers.begin(), link.dns_servers.end(), wpa::dhcp_extra_dns) ==
            link.dns_servers.end())
            link.dns_servers.push_back(wpa::dhcp_extra_dns);
    } else if (link.dns_servers.empty()) {
        link.dns_servers = static_address_.dns_servers;
    }
    return link;
}

// ---- link loss and re-association (spec §3.2) ----

void WpaSupplicantBackend::lose_link(std::string_view why) {
    spdlog::warn("wpa_supplicant backend: link lost ({})", why);
    state_ = State::lost;
    restoring_ = false;
    link_.reset();
    release_ip();
    if (link_lost_) link_lost_();
}

void WpaSupplicantBackend::restore_link() {
    if (restoring_) return;
    restoring_ = true;
    const unsigned operation = operation_;
    spdlog::info("wpa_supplicant backend: re-associated; configuring IPv4 again");
    configure_ip([this, operation](std::optional<IpLease> lease) {
        if (operation != operation_ || state_ != State::lost) return;
        restoring_ = false;
        if (!lease) {
            spdlog::warn(
                "wpa_supplicant backend: re-associated but got no IPv4 address; the "
                "link stays down");
            release_ip();
            return;
        }
        state_ = State::up;
        link_ = link_from(*lease);
        spdlog::info("wpa_supplicant backend: link restored on {}: {}", link_->interface,
                     link_->address.to_string());
        if (link_restored_) link_restored_(*link_);
    });
}

void WpaSupplicantBackend::reinstall_after_restart() {
    if (fields_.empty()) return;
    // wpa_supplicant came back (a restart forgets the network we added): add it again and
    // select it, as the module's radio keeps trying to re-associate by itself.
    const unsigned operation = operation_;
    spdlog::info("wpa_supplicant backend: wpa_supplicant is back; adding our network again");
    install_network(fields_, [this, operation](std::optional<int> id) {
        if (operation != operation_ || state_ != State::lost) {
            if (id) request("REMOVE_NETWORK " + std::to_string(*id), [](auto) {});
            return;
        }
        network_id_ = id;
        if (id) request("SELECT_NETWORK " + std::to_string(*id), [](auto) {});
    });
}

// ---- leave ----

void WpaSupplicantBackend::leave() {
    ++operation_;
    if (join_) {
        JoinOperation interrupted = std::move(*join_);
        join_.reset();
        post([done = std::move(interrupted.done)] { done(std::nullopt); });
    }
    if (network_id_) {
        request("DISCONNECT", [](auto) {});
        request("REMOVE_NETWORK " + std::to_string(*network_id_), [](auto) {});
    }
    network_id_.reset();
    fields_.clear();
    release_ip();
    link_.reset();
    restoring_ = false;
    state_ = State::idle;
}

// ---- scan ----

void WpaSupplicantBackend::raw_scan(
    const ScanFilter& filter, std::function<void(std::optional<std::vector<wpa::ScanLine>>)> done) {
    if (scanning_ || !control_.up()) {
        post([done] { done(std::nullopt); });
        return;
    }
    scanning_ = true;
    auto finish = [this, done](std::optional<std::vector<wpa::ScanLine>> lines) {
        scanning_ = false;
        done(std::move(lines));
    };
    std::string command = "SCAN";
    if (const unsigned frequency = wpa::channel_frequency(filter.channel); frequency != 0)
        command += " freq=" + std::to_string(frequency);
    control_.sync_events(guarded([this, command, finish](bool ok) {
        if (!ok) {
            finish(std::nullopt);
            return;
        }
        const auto wait = wait_for(options_.scan_timeout, [this, finish](const Event* event) {
            if (event == nullptr) {
                spdlog::warn("wpa_supplicant backend: no scan results within {} ms",
                             options_.scan_timeout.count());
                finish(std::nullopt);
                return true;
            }
            if (event->name == "CTRL-EVENT-SCAN-FAILED" || event->name == control_down_event) {
                finish(std::nullopt);
                return true;
            }
            if (event->name != "CTRL-EVENT-SCAN-RESULTS") return false;
            request("SCAN_RESULTS", [finish](std::optional<std::string> reply) {
                if (!reply) {
                    finish(std::nullopt);
                    return;
                }
                finish(wpa::parse_scan_results(*reply));
            });
            return true;
        });
        request(command, [this, wait, finish](std::optional<std::string> reply) {
            // FAIL-BUSY: a scan is already running; its results will do.
            if (reply && (wpa::is_ok(*reply) || wpa::trim_reply(*reply) == "FAIL-BUSY")) return;
            if (waits_.count(wait) == 0) return;
            cancel_wait(wait);
            spdlog::warn("wpa_supplicant backend: the scan did not start");
            finish(std::nullopt);
        });
    }));
}

void WpaSupplicantBackend::scan(const ScanFilter& filter, ScanDone done) {
    raw_scan(filter, [this, filter, done](std::optional<std::vector<wpa::ScanLine>> lines) {
        if (!lines) {
            done(std::nullopt);
            return;
        }
        // De-duplicated by BSSID, at most 50, filtered before asking for each BSS's elements.
        auto selected = std::make_shared<std::vector<wpa::ScanLine>>();
        std::set<std::string> seen;
        for (auto& line : *lines) {
            if (selected->size() >= wpa::max_scan_results) break;
            if (!seen.insert(line.bssid).second) continue;
            const auto result = wpa::to_scan_result(line, std::nullopt);
            if (!result || !wpa::matches(*result, filter)) continue;
            selected->push_back(std::move(line));
        }
        describe(selected, 0, std::make_shared<std::vector<ScanResult>>(), done);
    });
}

void WpaSupplicantBackend::describe(std::shared_ptr<std::vector<wpa::ScanLine>> lines,
                                    std::size_t index,
                                    std::shared_ptr<std::vector<ScanResult>> results,
                                    ScanDone done) {
    if (index >= lines->size()) {
        done(std::move(*results));
        return;
    }
    // BSS <bssid> gives the information elements, from which the maximum rate is derived.
    request("BSS " + (*lines)[index].bssid,
            [this, lines, index, results, done](std::optional<std::string> reply) {
                std::optional<std::string> ies;
                if (reply) {
                    if (const auto hex = wpa::find_value(wpa::parse_key_values(*reply), "ie"))
                        ies = wpa::from_hex(*hex);
                }
                if (auto result = wpa::to_scan_result((*lines)[index], ies))
                    results->push_back(std::move(*result));
                describe(lines, index + 1, results, done);
            });
}

// ---- WPS ----

void WpaSupplicantBackend::wps(const std::string& pin, WpsDone done) {
    if (wps_done_ || join_ || !control_.up()) {
        post([done = std::move(done)] { done(std::nullopt); });
        return;
    }
    wps_done_ = std::move(done);
    wps_credential_.reset();
    // wps_cred_processing=1: wpa_supplicant hands the credential to us as a WPS-CRED-RECEIVED
    // event (hex of the Credential attribute) instead of adding a network and connecting; the
    // module only stores the credentials (spec §2.2 WWPS). GET_NETWORK would hide the PSK.
    request("SET wps_cred_processing 1", [this, pin](std::optional<std::string> reply) {
        if (!reply || !wpa::is_ok(*reply)) {
            spdlog::warn(
                "wpa_supplicant backend: WPS: wps_cred_processing cannot be set; the "
                "credentials would not be readable");
            finish_wps(std::nullopt);
            return;
        }
        control_.sync_events(guarded([this, pin](bool ok) {
            if (!ok) {
                finish_wps(std::nullopt);
                return;
            }
            const auto wait = wait_for(options_.wps_timeout, [this](const Event* event) {
                if (event == nullptr) {
                    spdlog::warn("wpa_supplicant backend: WPS: no result within {} ms",
                                 options_.wps_timeout.count());
                    request("WPS_CANCEL", [](auto) {});
                    finish_wps(wps_credential_);
                    return true;
                }
                const std::string& name = event->name;
                if (name == "WPS-CRED-RECEIVED") {
                    if (!wps_credential_) {
                        const std::string_view text = event->text;
                        const auto blank = text.find(' ');
                        if (blank != std::string_view::npos)
                            wps_credential_ = wpa::parse_wps_credential(text.substr(blank + 1));
                        if (!wps_credential_)
                            spdlog::warn(
                                "wpa_supplicant backend: WPS: a credential this module "
                                "cannot store (or a malformed one)");
                    }
                    return false;
                }
                if (name == "WPS-SUCCESS") {
                    finish_wps(wps_credential_);
                    return true;
                }
                if (name == "WPS-FAIL" || name == "WPS-TIMEOUT" || name == "WPS-OVERLAP-DETECTED" ||
                    name == control_down_event) {
                    spdlog::warn("wpa_supplicant backend: WPS: {}", name);
                    finish_wps(std::nullopt);
                    return true;
                }
                return false;
            });
            request(pin.empty() ? "WPS_PBC" : "WPS_PIN any " + pin,
                    [this, wait](std::optional<std::string> started) {
                        if (!is_failure_reply(started)) return;
                        if (waits_.count(wait) == 0) return;
                        cancel_wait(wait);
                        spdlog::warn("wpa_supplicant backend: WPS did not start");
                        finish_wps(std::nullopt);
                    });
        }));
    });
}

void WpaSupplicantBackend::finish_wps(std::optional<WifiNetwork> network) {
    if (!wps_done_) return;
    request("SET wps_cred_processing 0", [](auto) {});
    WpsDone done = std::move(*wps_done_);
    wps_done_.reset();
    wps_credential_.reset();
    if (network) spdlog::info("wpa_supplicant backend: WPS: credentials received");
    done(std::move(network));
}

// ---- status ----

RadioStatus WpaSupplicantBackend::status() const {
    const RadioInfo info = radio_.query(interface());
    RadioStatus status;
    status.mac = info.mac;
    status.tx_power_dbm = info.tx_power_dbm;
    status.regulatory_domain = info.regulatory_domain;
    if (state_ == State::up) status.rssi_dbm = info.signal_dbm.value_or(0);
    return status;
}

}  // namespace

WpaBackendOptions wpa_backend_options(const DaemonSettings& settings) {
    WpaBackendOptions options;
    options.interface = settings.interface;
    options.ctrl_dir = settings.wpa_ctrl_dir;
    options.runtime_dir = settings.runtime_dir;
    options.eap_method = settings.wpa_eap_method;
    options.eap_identity = settings.wpa_eap_identity;
    options.ip.runtime_dir = settings.runtime_dir;
    return options;
}

std::unique_ptr<WifiBackend> make_wpa_supplicant_backend(
    boost::asio::io_context& io, WpaBackendOptions options,
    std::unique_ptr<IpConfigurator> ip_configurator) {
    return std::make_unique<WpaSupplicantBackend>(io, std::move(options),
                                                  std::move(ip_configurator));
}

}  // namespace wizfi250d
