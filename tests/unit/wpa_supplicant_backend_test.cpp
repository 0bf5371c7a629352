// SPDX-License-Identifier: Apache-2.0
// The wpa_supplicant backend: its pure helpers (spec §7 mapping, scan flags, rates, WPS
// credentials), join/leave/scan/WPS/link loss against the stand-in control socket
// (wpa_standin.hpp) with a stand-in IP configurator, and the WSCAN/WWPS/WJOIN handlers on a
// Module whose serial side is a pty.

#include "wizfi250d/wifi/wpa_supplicant_backend.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "../../src/commands/handlers.hpp"
#include "wizfi250d/module/module.hpp"
#include "wizfi250d/serial/serial_link.hpp"
#include "wizfi250d/web/web_console.hpp"
#include "wpa_standin.hpp"

namespace wizfi250d::testing {
namespace {

using namespace std::chrono_literals;

// ---- pure helpers ----

std::string field(const std::vector<wpa::NetworkField>& fields, const std::string& name) {
    for (const auto& f : fields)
        if (f.name == name) return f.value;
    return "(absent)";
}

WifiNetwork network(Security security, std::string key, std::string ssid = "TestAP") {
    WifiNetwork n;
    n.ssid = std::move(ssid);
    n.security = security;
    n.key = std::move(key);
    return n;
}

TEST(WpaMapping, EveryNetworkIsTaggedAndNamedInHex) {
    const auto fields = wpa::network_fields(network(Security::open, ""), Security::open, nullptr);
    ASSERT_TRUE(fields);
    EXPECT_EQ(field(*fields, "id_str"), "\"wizfi250d\"");
    EXPECT_EQ(field(*fields, "ssid"), "546573744150");
    EXPECT_EQ(field(*fields, "scan_ssid"), "1");
    EXPECT_EQ(field(*fields, "key_mgmt"), "NONE");
    EXPECT_EQ(field(*fields, "psk"), "(absent)");
    EXPECT_EQ(field(*fields, "bssid"), "(absent)");

    WifiNetwork with_bssid = network(Security::open, "");
    with_bssid.bssid = "08:00:DC:11:22:33";
    EXPECT_EQ(field(*wpa::network_fields(with_bssid, Security::open, nullptr), "bssid"),
              "08:00:dc:11:22:33");
    // Quotes and commas in an SSID cannot break the command: it travels as hex.
    EXPECT_EQ(
        field(*wpa::network_fields(network(Security::open, "", "a\"b,c"), Security::open, nullptr),
              "ssid"),
        "6122622c63");
}

TEST(WpaMapping, SecurityTypesFollowTheSpecTable) {
    struct Row {
        Security type;
        const char* proto;
        const char* pairwise;
    };
    for (const Row& row :
         {Row{Security::wpa_tkip, "WPA", "TKIP"}, Row{Security::wpa_aes, "WPA", "CCMP"},
          Row{Security::wpa2_aes, "RSN", "CCMP"}, Row{Security::wpa2_tkip, "RSN", "TKIP"},
          Row{Security::wpa2_mixed, "RSN WPA", "CCMP TKIP"}}) {
        const auto fields =
            wpa::network_fields(network(row.type, "pass\"word1"), row.type, nullptr);
        ASSERT_TRUE(fields);
        EXPECT_EQ(field(*fields, "key_mgmt"), "WPA-PSK");
        EXPECT_EQ(field(*fields, "proto"), row.proto);
        EXPECT_EQ(field(*fields, "pairwise"), row.pairwise);
        EXPECT_EQ(field(*fields, "psk"), "\"pass\"word1\"");
    }
}

TEST(WpaMapping, A128DigitKeyIsARawPsk) {
    const std::string raw = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    const std::string key = wpa::to_hex(raw);  // the form AT+WSEC takes
    const auto fields =
        wpa::network_fields(network(Security::wpa2_aes, key), Security::wpa2_aes, nullptr);
    ASSERT_TRUE(fields);
    EXPECT_EQ(field(*fields, "psk"), raw);
    EXPECT_FALSE(
        wpa::network_fields(network(Security::wpa2_aes, "short"), Security::wpa2_aes, nullptr));
}

TEST(WpaMapping, Wep) {
    auto fields = wpa::network_fields(network(Security::wep, "abcde"), Security::wep, nullptr);
    ASSERT_TRUE(fields);
    EXPECT_EQ(field(*fields, "key_mgmt"), "NONE");
    EXPECT_EQ(field(*fields, "wep_key0"), "\"abcde\"");
    EXPECT_EQ(field(*fields, "wep_tx_keyidx"), "0");
    EXPECT_EQ(field(*fields, "auth_alg"), "OPEN SHARED");
    fields = wpa::network_fields(network(Security::wep, "0102030405"), Security::wep, nullptr);
    EXPECT_EQ(field(*fields, "wep_key0"), "0102030405");
    EXPECT_FALSE(wpa::network_fields(network(Security::wep, "abcdef"), Security::wep, nullptr));
}

TEST(WpaMapping, EapOption) {
    wpa::EapSettings eap{"MD5", "md5user", "IEEE8021X"};
    auto fields = wpa::network_fields(network(Security::wpa2_mixed, "password123"),
                                      Security::wpa2_mixed, &eap);
    ASSERT_TRUE(fields);
    EXPECT_EQ(field(*fields, "key_mgmt"), "IEEE8021X");
    EXPECT_EQ(field(*fields, "eap"), "MD5");
    EXPECT_EQ(field(*fields, "identity"), wpa::to_hex("md5user"));
    EXPECT_EQ(field(*fields, "password"), wpa::to_hex("password123"));
    EXPECT_EQ(field(*fields, "eapol_flags"), "0");
    EXPECT_EQ(field(*fields, "psk"), "(absent)");
    eap = wpa::EapSettings{"PEAP", "", "WPA-EAP"};
    fields =
        wpa::network_fields(network(Security::wpa2_aes, "password123"), Security::wpa2_aes, &eap);
    EXPECT_EQ(field(*fields, "key_mgmt"), "WPA-EAP");
    EXPECT_EQ(field(*fields, "identity"), wpa::to_hex("TestAP"));  // the SSID by default
    EXPECT_EQ(field(*fields, "phase2"), "\"auth=MSCHAPV2\"");
}

TEST(WpaScanFlags, SecurityNames) {
    EXPECT_EQ(wpa::scan_security_name("[ESS]"), "Open");
    EXPECT_EQ(wpa::scan_security_name(""), "Open");
    EXPECT_EQ(wpa::scan_security_name("[WEP][ESS]"), "WEP");
    EXPECT_EQ(wpa::scan_security_name("[WPA-PSK-TKIP][ESS]"), "WPA");
    EXPECT_EQ(wpa::scan_security_name("[WPA-PSK-CCMP][ESS]"), "Unknown");  // WPA-AES
    EXPECT_EQ(wpa::scan_security_name("[WPA2-PSK-CCMP][ESS]"), "WPA2");
    EXPECT_EQ(wpa::scan_security_name("[WPA2-PSK-CCMP-preauth][ESS]"), "WPA2");
    EXPECT_EQ(wpa::scan_security_name("[WPA2-PSK-CCMP+TKIP][ESS]"), "WPA2-Mixed");
    EXPECT_EQ(wpa::scan_security_name("[WPA-PSK-CCMP+TKIP][WPA2-PSK-CCMP+TKIP][ESS]"),
              "WPA2-Mixed");
    EXPECT_EQ(wpa::scan_security_name("[WPA2-PSK-TKIP][ESS]"), "Unknown");  // WPA2-TKIP
    EXPECT_EQ(wpa::scan_security_name("[WPA2-EAP-CCMP][ESS]"), "Unknown");
    EXPECT_EQ(wpa::scan_security_name("[RSN-SAE-CCMP][ESS]"), "Unknown");
    EXPECT_EQ(wpa::scan_security_name("[WPA2-PSK+SAE-CCMP][ESS]"), "WPA2");
    EXPECT_EQ(wpa::scan_security_name("[WPA2-PSK-SHA256-CCMP][ESS]"), "WPA2");
    EXPECT_TRUE(wpa::infrastructure("[ESS]"));
    EXPECT_FALSE(wpa::infrastructure("[IBSS]"));
}

TEST(WpaScanFlags, AutomaticJoinSecurity) {
    EXPECT_EQ(wpa::join_security("[ESS]"), Security::open);
    EXPECT_EQ(wpa::join_security("[WEP][ESS]"), Security::wep);
    EXPECT_EQ(wpa::join_security("[WPA-PSK-TKIP][ESS]"), Security::wpa_tkip);
    EXPECT_EQ(wpa::join_security("[WPA-PSK-CCMP][ESS]"), Security::wpa_aes);
    EXPECT_EQ(wpa::join_security("[WPA2-PSK-CCMP][ESS]"), Security::wpa2_aes);
    EXPECT_EQ(wpa::join_security("[WPA2-PSK-TKIP][ESS]"), Security::wpa2_tkip);
    EXPECT_EQ(wpa::join_security("[WPA2-PSK-CCMP+TKIP][ESS]"), Security::wpa2_mixed);
    EXPECT_EQ(wpa::join_security("[WPA-PSK-TKIP][WPA2-PSK-CCMP][ESS]"), Security::wpa2_mixed);
}

TEST(WpaScanFlags, FrequencyToBandAndChannel) {
    EXPECT_EQ(wpa::band_and_channel(2412)->channel, 1u);
    EXPECT_EQ(wpa::band_and_channel(2437)->channel, 6u);
    EXPECT_EQ(wpa::band_and_channel(2472)->channel, 13u);
    EXPECT_EQ(wpa::band_and_channel(2484)->channel, 14u);
    EXPECT_DOUBLE_EQ(wpa::band_and_channel(2484)->band_ghz, 2.4);
    EXPECT_EQ(wpa::band_and_channel(5180)->channel, 36u);
    EXPECT_DOUBLE_EQ(wpa::band_and_channel(5180)->band_ghz, 5.0);
    EXPECT_EQ(wpa::band_and_channel(5825)->channel, 165u);
    EXPECT_EQ(wpa::band_and_channel(5955)->channel, 1u);
    EXPECT_DOUBLE_EQ(wpa::band_and_channel(5955)->band_ghz, 6.0);
    EXPECT_FALSE(wpa::band_and_channel(2400));
    EXPECT_FALSE(wpa::band_and_channel(0));
    EXPECT_EQ(wpa::channel_frequency(6), 2437u);
    EXPECT_EQ(wpa::channel_frequency(14), 2484u);
    EXPECT_EQ(wpa::channel_frequency(0), 0u);
}

std::string element(unsigned id, const std::vector<unsigned>& bytes) {
    std::string e;
    e += static_cast<char>(id);
    e += static_cast<char>(bytes.size());
    for (const unsigned b : bytes)
        e += static_cast<char>(b);
    return e;
}

std::vector<unsigned> ht_capabilities(unsigned cap_info, unsigned streams) {
    std::vector<unsigned> data(26, 0);
    data[0] = cap_info & 0xff;
    data[1] = cap_info >> 8;
    for (unsigned i = 0; i < streams; ++i)
        data[3 + i] = 0xff;
    return data;
}

TEST(WpaRates, FromInformationElements) {
    const std::string legacy = element(1, {0x82, 0x84, 0x8b, 0x96, 0x0c, 0x12, 0x18, 0x24}) +
                               element(50, {0x30, 0x48, 0x60, 0x6c});
    EXPECT_DOUBLE_EQ(wpa::max_rate_mbps(legacy), 54.0);
    EXPECT_DOUBLE_EQ(wpa::max_rate_mbps(element(1, {0x82, 0x84, 0x8b, 0x96})), 11.0);
    // HT selector (0xFF) is not a rate.
    EXPECT_DOUBLE_EQ(wpa::max_rate_mbps(element(1, {0x82, 0xff})), 1.0);
    // One stream, 20 MHz, short GI: 72.2 (the module's usual figure).
    EXPECT_DOUBLE_EQ(wpa::max_rate_mbps(legacy + element(45, ht_capabilities(0x0020, 1))), 72.2);
    EXPECT_DOUBLE_EQ(wpa::max_rate_mbps(legacy + element(45, ht_capabilities(0x0000, 1))), 65.0);
    // Two streams, 40 MHz capable and operating at 40 MHz, short GI 40: 300.
    const std::string ht40 =
        element(45, ht_capabilities(0x0062, 2)) + element(61, {6, 0x05, 0, 0, 0, 0});
    EXPECT_DOUBLE_EQ(wpa::max_rate_mbps(legacy + ht40), 300.0);
    // 40 MHz capable but the BSS runs 20 MHz.
    EXPECT_DOUBLE_EQ(wpa::max_rate_mbps(element(45, ht_capabilities(0x0062, 1)) +
                                        element(61, {6, 0x00, 0, 0, 0, 0})),
                     72.2);
    // VHT 80 MHz, one stream MCS 0-9, short GI 80: 433.3.
    const std::string vht = element(191, {0x20, 0, 0, 0, 0xfe, 0xff, 0, 0, 0xfe, 0xff, 0, 0}) +
                            element(192, {1, 42, 0, 0, 0});
    EXPECT_DOUBLE_EQ(wpa::max_rate_mbps(legacy + element(45, ht_capabilities(0x0020, 1)) + vht),
                     433.3);
    EXPECT_DOUBLE_EQ(wpa::max_rate_mbps(""), 0.0);
    EXPECT_DOUBLE_EQ(wpa::max_rate_mbps(std::string("\x2d\x40", 2)), 0.0);  // truncated
}

std::string tlv(unsigned type, const std::string& value) {
    std::string t;
    t += static_cast<char>(type >> 8);
    t += static_cast<char>(type & 0xff);
    t += static_cast<char>(value.size() >> 8);
    t += static_cast<char>(value.size() & 0xff);
    return t + value;
}
std::string u16(unsigned v) {
    return std::string{static_cast<char>(v >> 8), static_cast<char>(v & 0xff)};
}
std::string credential(const std::string& ssid, unsigned auth, unsigned encr,
                       const std::string& key) {
    return wpa::to_hex(tlv(0x100E, tlv(0x1026, std::string(1, '\1')) + tlv(0x1045, ssid) +
                                       tlv(0x1003, u16(auth)) + tlv(0x100F, u16(encr)) +
                                       tlv(0x1027, key) + tlv(0x1020, std::string(6, '\2'))));
}

TEST(WpaWps, Credentials) {
    auto n = wpa::parse_wps_credential(credential("HomeAP", 0x0020, 0x0008, "password123"));
    ASSERT_TRUE(n);
    EXPECT_EQ(n->ssid, "HomeAP");
    EXPECT_EQ(n->security, Security::wpa2_aes);
    EXPECT_EQ(n->key, "password123");
    n = wpa::parse_wps_credential(
        credential("Mixed", 0x0022, 0x000c, std::string("password123\0", 12)));
    ASSERT_TRUE(n);
    EXPECT_EQ(n->security, Security::wpa2_mixed);
    EXPECT_EQ(n->key, "password123");  // trailing NUL dropped
    const std::string raw(64, 'a');
    n = wpa::parse_wps_credential(credential("Raw", 0x0020, 0x0008, raw));
    ASSERT_TRUE(n);
    EXPECT_EQ(n->key, wpa::to_hex(raw));  // stored as AT+WSEC's 128-digit form
    n = wpa::parse_wps_credential(credential("Open", 0x0001, 0x0001, ""));
    ASSERT_TRUE(n);
    EXPECT_EQ(n->security, Security::open);
    EXPECT_FALSE(wpa::parse_wps_credential(credential("Ent", 0x0010, 0x0008, "")));  // WPA2-EAP
    EXPECT_FALSE(wpa::parse_wps_credential(credential("Short", 0x0020, 0x0008, "short")));
    EXPECT_FALSE(wpa::parse_wps_credential("100e00"));
    EXPECT_FALSE(wpa::parse_wps_credential("zz"));
}

// ---- the backend against the stand-in ----

std::string make_temp_dir() {
    std::string pattern = ::testing::TempDir() + "wpa-backend-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) return {};
    return pattern;
}

template <typename Predicate>
bool run_until(boost::asio::io_context& io, Predicate done,
               std::chrono::milliseconds limit = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        io.restart();
        io.run_for(5ms);
    }
    return true;
}

// A STAND-IN for the IP configurator (another engineer's part): answers with a fixed lease.
class StandInIpConfigurator final : public IpConfigurator {
public:
    explicit StandInIpConfigurator(boost::asio::io_context& io) : io_(io) {}
    void configure(const std::string& interface, const std::optional<StaticAddress>& address,
                   Done done) override {
        log.push_back("configure " + interface + (address ? " static" : " dhcp"));
        last_static = address;
        std::optional<IpLease> result = lease;
        if (address && result) {
            result =
                IpLease{address->address, address->netmask, address->gateway, address->dns_servers};
        }
        if (answer_after.count() == 0) {
            boost::asio::post(io_, [done, result] { done(result); });
            return;
        }
        auto timer = std::make_shared<boost::asio::steady_timer>(io_, answer_after);
        timer->async_wait(
            [timer, done, result](const boost::system::error_code&) { done(result); });
    }
    void release(const std::string& interface) override { log.push_back("release " + interface); }

    std::optional<IpLease> lease = IpLease{Ipv4{{203, 0, 113, 107}},
                                           Ipv4{{255, 255, 255, 0}},
                                           Ipv4{{203, 0, 113, 1}},
                                           {Ipv4{{203, 0, 113, 1}}}};
    std::optional<StaticAddress> last_static;
    std::vector<std::string> log;
    // A slow DHCP server: the lease comes this long after configure().
    std::chrono::milliseconds answer_after{0};

private:
    boost::asio::io_context& io_;
};

struct JoinRun {
    std::vector<std::string> lines;
    bool finished = false;
    std::optional<LinkInfo> link;
};

class WpaBackendTest : public ::testing::Test {
protected:
    WpaBackendTest() : dir_(make_temp_dir()) {
        spdlog::set_level(spdlog::level::warn);
        std::filesystem::create_directories(dir_ + "/ctrl");
        standin_ = std::make_unique<StandInWpaSupplicant>(io_, dir_ + "/ctrl/wlan-standin");
    }
    ~WpaBackendTest() override {
        backend_.reset();
        standin_.reset();
        std::filesystem::remove_all(dir_);
    }

    WpaBackendOptions options() const {
        WpaBackendOptions o;
        o.interface = "wlan-standin";
        o.ctrl_dir = dir_ + "/ctrl";
        o.runtime_dir = dir_ + "/run";
        // Long enough for the stand-in's answer under a sanitizer or a loaded qemu-user; the
        // tests that wait for a try to time out wait three of these, two tests wait for a scan
        // that never ends.
        o.join_try_timeout = 1000ms;
        o.scan_timeout = 1000ms;
        o.wps_timeout = 2000ms;
        o.request_timeout = 1000ms;
        o.reconnect_interval = 50ms;
        o.ping_interval = 0ms;
        return o;
    }

    void start(WpaBackendOptions o, bool wait_for_attach = true) {
        auto ip = std::make_unique<StandInIpConfigurator>(io_);
        ip_ = ip.get();
        backend_ = make_wpa_supplicant_backend(io_, std::move(o), std::move(ip));
        backend_->on_link_lost([this] { ++lost_; });
        backend_->on_link_restored([this](LinkInfo link) { restored_.push_back(link); });
        if (wait_for_attach) {
            ASSERT_TRUE(run_until(io_, [&] { return standin_->attached() == 1; }));
        }
    }
    void start() { start(options()); }

    Profile profile(Security security = Security::open, std::string key = "") const {
        Profile p;
        p.station = network(security, std::move(key));
        return p;
    }

    JoinRun join(
        const Profile& p, std::function<bool()> aborted = [] { return false; }) {
        JoinRun run;
        backend_->join(
            p,
            JoinReporter{[&run](std::string_view line) { run.lines.emplace_back(line); }, aborted},
            [&run](std::optional<LinkInfo> link) {
                run.finished = true;
                run.link = std::move(link);
            });
        EXPECT_TRUE(run_until(io_, [&] { return run.finished; }));
        return run;
    }

    std::size_t count(const std::string& prefix) const {
        std::size_t n = 0;
        for (const auto& c : standin_->commands)
            if (c.rfind(prefix, 0) == 0) ++n;
        return n;
    }

    boost::asio::io_context io_;
    std::string dir_;
    std::unique_ptr<StandInWpaSupplicant> standin_;
    StandInIpConfigurator* ip_ = nullptr;
    std::unique_ptr<WifiBackend> backend_;
    int lost_ = 0;
    std::vector<LinkInfo> restored_;
};

const std::vector<std::string> joined_lines{"Joining : TestAP", "Successfully joined : TestAP"};
std::vector<std::string> failed_lines(int tries) {
    std::vector<std::string> lines;
    for (int i = 0; i < tries; ++i) {
        lines.push_back("Joining : TestAP");
        lines.push_back("Failed to join: TestAP");
    }
    return lines;
}

TEST_F(WpaBackendTest, OpenJoinAddsATaggedNetworkSelectsItAndConfiguresIp) {
    start();
    const JoinRun run = join(profile());
    EXPECT_EQ(run.lines, joined_lines);
    ASSERT_TRUE(run.link);
    EXPECT_EQ(run.link->interface, "wlan-standin");
    EXPECT_EQ(run.link->ssid, "TestAP");
    EXPECT_EQ(run.link->address.to_string(), "203.0.113.107");
    EXPECT_EQ(run.link->gateway.to_string(), "203.0.113.1");
    ASSERT_EQ(run.link->dns_servers.size(), 2u);
    EXPECT_EQ(run.link->dns_servers[1].to_string(), "8.8.8.8");  // the module adds it
    EXPECT_EQ(ip_->log, std::vector<std::string>{"configure wlan-standin dhcp"});

    const auto net = standin_->network(0);
    EXPECT_EQ(net.at("id_str"), "\"wizfi250d\"");
    EXPECT_EQ(net.at("ssid"), "546573744150");
    EXPECT_EQ(net.at("key_mgmt"), "NONE");
    EXPECT_EQ(count("SELECT_NETWORK 0"), 1u);
    EXPECT_EQ(count("RECONNECT"), 0u);
}

TEST_F(WpaBackendTest, StaticAddressUsesWnetAndWadns) {
    start();
    Profile p = profile();
    p.dhcp = false;
    p.ip = Ipv4{{203, 0, 113, 50}};
    p.gateway = Ipv4{{203, 0, 113, 1}};
    p.dns1 = Ipv4{{203, 0, 113, 53}};
    const JoinRun run = join(p);
    ASSERT_TRUE(run.link);
    EXPECT_EQ(ip_->log, std::vector<std::string>{"configure wlan-standin static"});
    ASSERT_TRUE(ip_->last_static);
    EXPECT_EQ(ip_->last_static->address.to_string(), "203.0.113.50");
    ASSERT_EQ(ip_->last_static->dns_servers.size(), 1u);
    EXPECT_EQ(ip_->last_static->dns_servers[0].to_string(), "203.0.113.53");
    EXPECT_EQ(run.link->address.to_string(), "203.0.113.50");
    ASSERT_EQ(run.link->dns_servers.size(), 1u);  // no 8.8.8.8 with a static address
}

TEST_F(WpaBackendTest, WrongCredentialsGiveThreeFailedTries) {
    standin_->on_select = StandInWpaSupplicant::OnSelect::eap_failure;
    start();
    const JoinRun run = join(profile(Security::wpa2_aes, "wrongpassword"));
    EXPECT_EQ(run.lines, failed_lines(3));
    EXPECT_FALSE(run.link);
    EXPECT_EQ(count("SELECT_NETWORK"), 3u);
    EXPECT_EQ(count("RECONNECT"), 0u);
    // Nothing left to retry with. The removal is a request the stand-in answers after the join
    // has reported its end.
    EXPECT_TRUE(run_until(io_, [&] { return standin_->network_ids().empty(); }));
    EXPECT_TRUE(ip_->log.empty());
}

TEST_F(WpaBackendTest, EscBetweenTriesStops) {
    standin_->on_select = StandInWpaSupplicant::OnSelect::eap_failure;
    start();
    const JoinRun run = join(profile(Security::wpa2_aes, "wrongpassword"), [] { return true; });
    EXPECT_EQ(run.lines, failed_lines(1));
    EXPECT_FALSE(run.link);
}

TEST_F(WpaBackendTest, EachTryIsBounded) {
    // As WPA-PSK over a wired driver: associated, never connected.
    standin_->on_select = StandInWpaSupplicant::OnSelect::nothing;
    start();
    const JoinRun run = join(profile(Security::wpa2_aes, "password123"));
    EXPECT_EQ(run.lines, failed_lines(3));
    EXPECT_EQ(count("SELECT_NETWORK"), 3u);
    EXPECT_EQ(count("DISCONNECT"), 2u);  // before each retry
    EXPECT_TRUE(ip_->log.empty());
}

TEST_F(WpaBackendTest, NoIpAddressFailsTheTry) {
    start();
    ip_->lease.reset();
    const JoinRun run = join(profile());
    EXPECT_EQ(run.lines, failed_lines(3));
    EXPECT_FALSE(run.link);
}

TEST_F(WpaBackendTest, AutomaticSecurityIsLearnedByAScan) {
    standin_->scan_lines = {"00:11:22:33:44:55\t2437\t-45\t[WPA2-PSK-CCMP][ESS]\tTestAP",
                            "00:11:22:33:44:66\t2412\t-60\t[ESS]\tOther"};
    start();
    const JoinRun run = join(profile(Security::automatic, "password123"));
    EXPECT_EQ(run.lines, joined_lines);
    const auto net = standin_->network(0);
    EXPECT_EQ(net.at("key_mgmt"), "WPA-PSK");
    EXPECT_EQ(net.at("proto"), "RSN");
    EXPECT_EQ(net.at("pairwise"), "CCMP");
    EXPECT_EQ(net.at("psk"), "\"password123\"");
}

TEST_F(WpaBackendTest, AutomaticSecurityWithoutTheSsidFailsWithNoLines) {
    standin_->scan_lines = {"00:11:22:33:44:66\t2412\t-60\t[ESS]\tOther"};
    start();
    const JoinRun run = join(profile(Security::automatic, "password123"));
    EXPECT_TRUE(run.lines.empty());
    EXPECT_FALSE(run.link);
    EXPECT_EQ(count("ADD_NETWORK"), 0u);
}

TEST_F(WpaBackendTest, OnlyOurOwnNetworksAreRemoved) {
    const int foreign = standin_->add_foreign_network("\"Admin\"");
    start();
    ASSERT_TRUE(join(profile()).link);
    ASSERT_TRUE(join(profile()).link);  // a second join replaces our first network
    const auto ids = standin_->network_ids();
    ASSERT_EQ(ids.size(), 2u);
    EXPECT_EQ(ids[0], foreign);
    EXPECT_EQ(standin_->network(ids[1]).at("id_str"), "\"wizfi250d\"");
}

TEST_F(WpaBackendTest, LeaveDisconnectsRemovesAndReleases) {
    start();
    ASSERT_TRUE(join(profile()).link);
    backend_->leave();
    ASSERT_TRUE(run_until(io_, [&] { return standin_->network_ids().empty(); }));
    EXPECT_EQ(count("DISCONNECT"), 1u);
    EXPECT_EQ(count("REMOVE_NETWORK 0"), 1u);
    EXPECT_EQ(ip_->log.back(), "release wlan-standin");
    // The DISCONNECTED event that follows is ours, not a lost link.
    io_.restart();
    io_.run_for(50ms);
    EXPECT_EQ(lost_, 0);
}

TEST_F(WpaBackendTest, LinkLossAndAutomaticReassociation) {
    start();
    ASSERT_TRUE(join(profile()).link);
    standin_->emit("CTRL-EVENT-DISCONNECTED bssid=01:80:c2:00:00:03 reason=4");
    ASSERT_TRUE(run_until(io_, [&] { return lost_ == 1; }));
    EXPECT_EQ(ip_->log.back(), "release wlan-standin");
    // wpa_supplicant gets back in by itself: DHCP again, then the link is reported back.
    standin_->emit(
        "CTRL-EVENT-CONNECTED - Connection to 01:80:c2:00:00:03 completed [id=0 id_str=wizfi250d]");
    ASSERT_TRUE(run_until(io_, [&] { return restored_.size() == 1; }));
    EXPECT_EQ(restored_[0].address.to_string(), "203.0.113.107");
    EXPECT_EQ(ip_->log.back(), "configure wlan-standin dhcp");
    // A connection of some other network is not ours.
    standin_->emit("CTRL-EVENT-DISCONNECTED bssid=01:80:c2:00:00:03 reason=4");
    ASSERT_TRUE(run_until(io_, [&] { return lost_ == 2; }));
    standin_->emit(
        "CTRL-EVENT-CONNECTED - Connection to 01:80:c2:00:00:03 completed [id=7 id_str=]");
    io_.restart();
    io_.run_for(50ms);
    EXPECT_EQ(restored_.size(), 1u);
}

TEST_F(WpaBackendTest, WpaSupplicantRestartIsALostLinkThenARejoin) {
    start();
    ASSERT_TRUE(join(profile()).link);
    standin_->close(true);  // DISCONNECTED, TERMINATING, socket gone
    ASSERT_TRUE(run_until(io_, [&] { return lost_ == 1; }));
    EXPECT_TRUE(restored_.empty());
    standin_->open();  // a fresh wpa_supplicant: no networks
    ASSERT_TRUE(run_until(io_, [&] { return restored_.size() == 1; }));
    ASSERT_EQ(standin_->network_ids().size(), 1u);
    EXPECT_EQ(standin_->network(standin_->network_ids()[0]).at("id_str"), "\"wizfi250d\"");
    EXPECT_EQ(lost_, 1);
}

TEST_F(WpaBackendTest, ScanResultsWithRatesFiltersAndDuplicates) {
    const std::string ht =
        wpa::to_hex(element(1, {0x82, 0x84, 0x8b, 0x96, 0x0c, 0x12, 0x18, 0x24}) +
                    element(45, ht_capabilities(0x0020, 1)));
    standin_->scan_lines = {
        "00:11:22:33:44:55\t2437\t-45\t[WPA2-PSK-CCMP][ESS]\tTestAP",
        "00:11:22:33:44:55\t2437\t-46\t[WPA2-PSK-CCMP][ESS]\tTestAP",  // duplicate BSSID
        "00:11:22:33:44:66\t5180\t-67\t[WPA2-PSK-CCMP+TKIP][ESS]\tFiveGig",
        "02:00:00:00:00:01\t2412\t-80\t[IBSS]\tAdhocNet",
    };
    standin_->bss_ies["00:11:22:33:44:55"] = ht;
    start();
    std::optional<std::optional<std::vector<ScanResult>>> got;
    backend_->scan(ScanFilter{}, [&](std::optional<std::vector<ScanResult>> r) { got = r; });
    ASSERT_TRUE(run_until(io_, [&] { return got.has_value(); }));
    ASSERT_TRUE(*got);
    const auto& results = **got;
    ASSERT_EQ(results.size(), 3u);
    EXPECT_EQ(results[0].ssid, "TestAP");
    EXPECT_EQ(results[0].bssid.to_upper(), "00:11:22:33:44:55");
    EXPECT_EQ(results[0].rssi_dbm, -45);
    EXPECT_DOUBLE_EQ(results[0].max_rate_mbps, 72.2);
    EXPECT_EQ(results[0].security, "WPA2");
    EXPECT_EQ(results[0].channel, 6u);
    EXPECT_DOUBLE_EQ(results[1].max_rate_mbps, 54.0);  // no elements: the best legacy rate
    EXPECT_EQ(results[1].security, "WPA2-Mixed");
    EXPECT_DOUBLE_EQ(results[1].band_ghz, 5.0);
    EXPECT_EQ(results[1].channel, 36u);
    EXPECT_FALSE(results[2].infrastructure);

    got.reset();
    ScanFilter by_channel;
    by_channel.channel = 1;
    backend_->scan(by_channel, [&](std::optional<std::vector<ScanResult>> r) { got = r; });
    ASSERT_TRUE(run_until(io_, [&] { return got.has_value(); }));
    ASSERT_TRUE(*got);
    ASSERT_EQ((*got)->size(), 1u);
    EXPECT_EQ((*got)->at(0).ssid, "AdhocNet");
    EXPECT_EQ(standin_->commands.back().rfind("BSS ", 0), 0u);
    EXPECT_EQ(count("SCAN freq=2412 only_new=1"), 1u);
}

TEST(WpaScanRequest, DirectedOnTheFilterChannelOnlyNew) {
    EXPECT_EQ(wpa::scan_command(ScanFilter{}), "SCAN only_new=1");
    ScanFilter filter;
    filter.channel = 6;
    EXPECT_EQ(wpa::scan_command(filter), "SCAN freq=2437 only_new=1");
    filter.ssid = "HiddenAP";
    EXPECT_EQ(wpa::scan_command(filter), "SCAN freq=2437 ssid 48696464656e4150 only_new=1");
    filter.channel = 0;
    EXPECT_EQ(wpa::scan_command(filter), "SCAN ssid 48696464656e4150 only_new=1");
}

TEST(WpaJoinEvents, OnlyAnOpenSystemRefusalFallsBackToSharedKey) {
    EXPECT_TRUE(wpa::retries_shared_key(
        "CTRL-EVENT-AUTH-REJECT 02:00:00:00:00:00 auth_type=0 auth_transaction=2 status_code=13"));
    EXPECT_FALSE(wpa::retries_shared_key(
        "CTRL-EVENT-AUTH-REJECT 02:00:00:00:00:00 auth_type=1 auth_transaction=4 status_code=15"));
    EXPECT_FALSE(wpa::retries_shared_key(
        "CTRL-EVENT-AUTH-REJECT 02:00:00:00:00:00 auth_type=0 auth_transaction=2 status_code=1"));
    EXPECT_FALSE(wpa::retries_shared_key("CTRL-EVENT-AUTH-REJECT"));
}

TEST_F(WpaBackendTest, TheCacheIsFlushedBeforeEachScan) {
    standin_->scan_lines = {"00:11:22:33:44:55\t2437\t-45\t[ESS]\tTestAP"};
    start();
    std::optional<std::optional<std::vector<ScanResult>>> got;
    backend_->scan(ScanFilter{}, [&](std::optional<std::vector<ScanResult>> r) { got = r; });
    ASSERT_TRUE(run_until(io_, [&] { return got.has_value(); }));
    const auto& sent = standin_->commands;
    const auto flush = std::find(sent.begin(), sent.end(), "BSS_FLUSH 0");
    ASSERT_NE(flush, sent.end());
    EXPECT_LT(flush, std::find(sent.begin(), sent.end(), "SCAN only_new=1"));
}

TEST_F(WpaBackendTest, AHiddenApListedTwiceIsFoundByItsSsid) {
    // The beacon without the SSID first, the answer to the directed probe second.
    standin_->scan_lines = {
        "02:00:00:00:00:00\t2437\t-30\t[WPA2-PSK-CCMP][ESS]\t",
        "02:00:00:00:00:00\t2437\t-30\t[WPA2-PSK-CCMP][ESS]\tHiddenAP",
    };
    start();
    ScanFilter filter;
    filter.ssid = "HiddenAP";
    std::optional<std::optional<std::vector<ScanResult>>> got;
    backend_->scan(filter, [&](std::optional<std::vector<ScanResult>> r) { got = r; });
    ASSERT_TRUE(run_until(io_, [&] { return got.has_value(); }));
    ASSERT_TRUE(*got);
    ASSERT_EQ((*got)->size(), 1u);
    EXPECT_EQ((*got)->at(0).ssid, "HiddenAP");
    EXPECT_EQ(count("SCAN ssid 48696464656e4150 only_new=1"), 1u);
}

TEST_F(WpaBackendTest, ABssOlderThanTheScanIsNotReported) {
    standin_->scan_lines = {
        "02:00:00:00:00:00\t2462\t-30\t[ESS]\t",  // a hidden AP's beacon entry, kept too
        "02:00:00:00:00:00\t2437\t-30\t[WPA2-PSK-CCMP][ESS]\tRadioWpa2",
        "02:00:00:00:01:00\t2412\t-30\t[ESS]\tGoneAP",
    };
    standin_->answers["BSS 02:00:00:00:01:00"] = "bssid=02:00:00:00:01:00\nage=40\n";
    standin_->answers["BSS 02:00:00:00:00:00"] = "bssid=02:00:00:00:00:00\nage=0\n";
    start();
    std::optional<std::optional<std::vector<ScanResult>>> got;
    backend_->scan(ScanFilter{}, [&](std::optional<std::vector<ScanResult>> r) { got = r; });
    ASSERT_TRUE(run_until(io_, [&] { return got.has_value(); }));
    ASSERT_TRUE(*got);
    ASSERT_EQ((*got)->size(), 1u);
    EXPECT_EQ((*got)->at(0).ssid, "RadioWpa2");
    EXPECT_EQ((*got)->at(0).channel, 6u);
}

TEST_F(WpaBackendTest, NotFoundInOlderResultsIsNotAFailedTry) {
    // SELECT_NETWORK answers from the last scan's results first; the AP comes with its own scan.
    standin_->events_after["SELECT_NETWORK"] = {"CTRL-EVENT-NETWORK-NOT-FOUND"};
    start();
    const JoinRun run = join(profile());
    EXPECT_EQ(run.lines, joined_lines);
    EXPECT_TRUE(run.link);
}

TEST_F(WpaBackendTest, NotFoundAfterItsOwnScanFailsTheTry) {
    standin_->on_select = StandInWpaSupplicant::OnSelect::nothing;
    standin_->events_after["SELECT_NETWORK"] = {
        "CTRL-EVENT-SCAN-STARTED ", "CTRL-EVENT-SCAN-RESULTS ", "CTRL-EVENT-NETWORK-NOT-FOUND"};
    start();
    const JoinRun run = join(profile());
    EXPECT_EQ(run.lines, failed_lines(3));
    EXPECT_EQ(count("SELECT_NETWORK"), 3u);
}

const std::string open_system_refused =
    "CTRL-EVENT-AUTH-REJECT 02:00:00:00:00:00 auth_type=0 auth_transaction=2 status_code=13";

TEST_F(WpaBackendTest, WepSharedKeyJoinsOnTheFirstTry) {
    standin_->events_after["SELECT_NETWORK"] = {open_system_refused};
    start();
    const JoinRun run = join(profile(Security::wep, "12345"));
    EXPECT_EQ(run.lines, joined_lines);
    EXPECT_EQ(count("SELECT_NETWORK"), 1u);
    EXPECT_EQ(standin_->network(0).at("auth_alg"), "OPEN SHARED");
}

TEST_F(WpaBackendTest, AnOpenSystemRefusalFailsAWpaTry) {
    standin_->on_select = StandInWpaSupplicant::OnSelect::nothing;
    standin_->events_after["SELECT_NETWORK"] = {open_system_refused};
    start();
    const JoinRun run = join(profile(Security::wpa2_aes, "password123"));
    EXPECT_EQ(run.lines, failed_lines(3));
}

TEST_F(WpaBackendTest, AScanWithoutResultsFails) {
    standin_->scan_completes = false;  // as on -Dwired: SCAN says OK, nothing happens
    start();
    std::optional<std::optional<std::vector<ScanResult>>> got;
    backend_->scan(ScanFilter{}, [&](std::optional<std::vector<ScanResult>> r) { got = r; });
    ASSERT_TRUE(run_until(io_, [&] { return got.has_value(); }));
    EXPECT_FALSE(*got);
}

TEST_F(WpaBackendTest, WpsDeliversTheCredentialsWithoutJoining) {
    standin_->events_after["WPS_PBC"] = {
        "WPS-PBC-ACTIVE",
        "WPS-CRED-RECEIVED " + credential("HomeAP", 0x0020, 0x0008, "password123"), "WPS-SUCCESS"};
    start();
    std::optional<std::optional<WifiNetwork>> got;
    backend_->wps("", [&](std::optional<WifiNetwork> n) { got = n; });
    ASSERT_TRUE(run_until(io_, [&] { return got.has_value(); }));
    ASSERT_TRUE(*got);
    EXPECT_EQ((*got)->ssid, "HomeAP");
    EXPECT_EQ((*got)->security, Security::wpa2_aes);
    EXPECT_EQ((*got)->key, "password123");
    EXPECT_EQ(count("SET wps_cred_processing 1"), 1u);
    ASSERT_TRUE(run_until(io_, [&] { return count("SET wps_cred_processing 0") == 1; }));
    EXPECT_EQ(count("SELECT_NETWORK"), 0u);
}

TEST_F(WpaBackendTest, WpsPinFailure) {
    standin_->events_after["WPS_PIN"] = {"WPS-FAIL msg=8 config_error=15"};
    start();
    std::optional<std::optional<WifiNetwork>> got;
    backend_->wps("12345670", [&](std::optional<WifiNetwork> n) { got = n; });
    ASSERT_TRUE(run_until(io_, [&] { return got.has_value(); }));
    EXPECT_FALSE(*got);
    EXPECT_EQ(count("WPS_PIN any 12345670"), 1u);
}

TEST_F(WpaBackendTest, EapOptionMapsToIeee8021x) {
    auto o = options();
    o.eap_method = "MD5";
    o.eap_identity = "md5user";
    start(o);
    ASSERT_TRUE(join(profile(Security::wpa2_mixed, "password123")).link);
    const auto net = standin_->network(0);
    EXPECT_EQ(net.at("key_mgmt"), "IEEE8021X");
    EXPECT_EQ(net.at("eap"), "MD5");
    EXPECT_EQ(net.at("identity"), wpa::to_hex("md5user"));
    EXPECT_EQ(net.at("password"), wpa::to_hex("password123"));
    EXPECT_EQ(net.at("eapol_flags"), "0");
    // OPEN stays open.
    ASSERT_TRUE(join(profile(Security::open)).link);
    EXPECT_EQ(standin_->network(1).at("key_mgmt"), "NONE");
}

// A host that sends AT+WSCAN or AT+WJOIN at once after the boot banner meets a control
// connection still waiting for ATTACH's answer: the command waits for it instead of failing.
TEST_F(WpaBackendTest, CommandsBeforeTheAttachIsAnsweredWaitForIt) {
    standin_->scan_lines = {"00:11:22:33:44:55\t2437\t-45\t[ESS]\tTestAP"};
    start(options(), false);
    std::optional<std::optional<std::vector<ScanResult>>> got;
    backend_->scan(ScanFilter{}, [&](std::optional<std::vector<ScanResult>> r) { got = r; });
    ASSERT_TRUE(run_until(io_, [&] { return got.has_value(); }));
    ASSERT_TRUE(*got);
    EXPECT_EQ((*got)->size(), 1u);

    backend_.reset();
    start(options(), false);
    const JoinRun run = join(profile());
    EXPECT_EQ(run.lines, joined_lines);
    EXPECT_TRUE(run.link);
}

TEST_F(WpaBackendTest, WithoutWpaSupplicantEveryTryFails) {
    standin_->close();
    start(options(), false);
    const JoinRun run = join(profile());
    EXPECT_EQ(run.lines, failed_lines(3));
    EXPECT_FALSE(run.link);
    std::optional<std::optional<std::vector<ScanResult>>> got;
    backend_->scan(ScanFilter{}, [&](std::optional<std::vector<ScanResult>> r) { got = r; });
    ASSERT_TRUE(run_until(io_, [&] { return got.has_value(); }));
    EXPECT_FALSE(*got);
}

// Spec §7 "Country": the profile's AT+WREG country reaches wpa_supplicant before the network
// of a join, once per control connection, and again after wpa_supplicant restarts.
TEST_F(WpaBackendTest, JoinSetsTheCountryBeforeTheNetwork) {
    start();
    Profile p = profile();
    p.country = "DE";
    ASSERT_TRUE(join(p).link);
    const auto& sent = standin_->commands;
    const auto country = std::find(sent.begin(), sent.end(), "SET country DE");
    const auto network = std::find(sent.begin(), sent.end(), "ADD_NETWORK");
    ASSERT_NE(country, sent.end());
    EXPECT_LT(country, network);
    ASSERT_TRUE(join(p).link);
    EXPECT_EQ(count("SET country"), 1u);

    standin_->close(true);
    ASSERT_TRUE(run_until(io_, [&] { return lost_ == 1; }));
    standin_->commands.clear();
    standin_->open();  // a fresh wpa_supplicant knows no country
    ASSERT_TRUE(run_until(io_, [&] { return restored_.size() == 1; }));
    ASSERT_FALSE(standin_->commands.empty());
    EXPECT_EQ(count("SET country DE"), 1u);
    EXPECT_LT(std::find(standin_->commands.begin(), standin_->commands.end(), "SET country DE"),
              std::find(standin_->commands.begin(), standin_->commands.end(), "ADD_NETWORK"));
}

TEST_F(WpaBackendTest, AutomaticSecuritySetsTheCountryBeforeItsScan) {
    standin_->scan_lines = {"00:11:22:33:44:55\t2437\t-45\t[WPA2-PSK-CCMP][ESS]\tTestAP"};
    start();
    Profile p = profile(Security::automatic, "password123");
    p.country = "FR";
    ASSERT_TRUE(join(p).link);
    const auto& sent = standin_->commands;
    const auto country = std::find(sent.begin(), sent.end(), "SET country FR");
    ASSERT_NE(country, sent.end());
    EXPECT_LT(country, std::find(sent.begin(), sent.end(), "SCAN ssid 546573744150 only_new=1"));
}

TEST_F(WpaBackendTest, SetCountryIsSentAtOnceAndOnlyWhenItChanges) {
    start();
    backend_->set_country("US");
    backend_->set_country("US");
    ASSERT_TRUE(run_until(io_, [&] { return count("SET country") == 1; }));
    backend_->set_country("JP");
    ASSERT_TRUE(run_until(io_, [&] { return count("SET country JP") == 1; }));
    EXPECT_EQ(count("SET country"), 2u);
}

TEST_F(WpaBackendTest, ARefusedCountryDoesNotStopTheJoin) {
    standin_->answers["SET country AU"] = "FAIL\n";
    start();
    const JoinRun run = join(profile());  // the factory country, AU
    EXPECT_EQ(run.lines, joined_lines);
    EXPECT_TRUE(run.link);
    EXPECT_EQ(count("SET country AU"), 1u);
}

TEST_F(WpaBackendTest, StatusWithoutNl80211) {
    start();
    const RadioStatus status = backend_->status();
    EXPECT_EQ(status.rssi_dbm, 0);
    EXPECT_FALSE(status.tx_power_dbm);
    EXPECT_FALSE(status.mac);  // no such interface here
    EXPECT_FALSE(status.regulatory_domain);
}

// ---- the W handlers on a Module (serial side: a pty) ----

class WpaModuleTest : public WpaBackendTest {
protected:
    void SetUp() override {
        auto ip = std::make_unique<StandInIpConfigurator>(io_);
        ip_ = ip.get();
        link_ = std::make_unique<SerialLink>(io_, SerialSpec{SerialSpec::Kind::pty, dir_ + "/tty"});
        DaemonSettings settings;
        settings.state_dir = dir_ + "/state";
        module_ = std::make_unique<Module>(
            io_, settings, *link_, make_wpa_supplicant_backend(io_, options(), std::move(ip)));
        link_->start(
            module_->profile().uart, [](std::string_view) {}, [] {});
        host_ = ::open((dir_ + "/tty").c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK);
        ASSERT_GE(host_, 0);
        ASSERT_TRUE(run_until(io_, [&] { return standin_->attached() == 1; }));
    }
    void TearDown() override {
        if (host_ >= 0) ::close(host_);
        module_.reset();
        link_.reset();
    }

    // Runs a handler as the dispatcher does and returns what the host reads once it finished.
    std::string run(CommandHandler handler, std::string_view args) {
        const ResultCode code = handler(*module_, args);
        if (code != ResultCode::none && code != ResultCode::pending) module_->output().result(code);
        std::string bytes;
        const auto finished = [&bytes] {
            return bytes.find("[OK]\r\n") != std::string::npos ||
                   bytes.find("[ERROR") != std::string::npos;
        };
        run_until(io_, [&] {
            std::array<char, 4096> buffer{};
            const ssize_t n = ::read(host_, buffer.data(), buffer.size());
            if (n > 0) bytes.append(buffer.data(), static_cast<std::size_t>(n));
            return finished();
        });
        return bytes;
    }

    // Runs the loop until the host has read `end` (and for `then` more), and returns all it
    // read.
    std::string host_reads_until(std::string_view end, std::chrono::milliseconds then = 0ms) {
        std::string bytes;
        const auto read_some = [&] {
            std::array<char, 4096> buffer{};
            const ssize_t n = ::read(host_, buffer.data(), buffer.size());
            if (n > 0) bytes.append(buffer.data(), static_cast<std::size_t>(n));
        };
        run_until(io_, [&] {
            read_some();
            return bytes.find(end) != std::string::npos;
        });
        run_until(
            io_,
            [&] {
                read_some();
                return false;
            },
            then);
        return bytes;
    }

    // Boots the module and reads its banner; the station network is TestAP, open.
    void boot() {
        module_->start();
        host_reads_until("(WIZnet Co.Ltd)\r\n");
        module_->images().ram.station = network(Security::open, "");
    }

    std::unique_ptr<SerialLink> link_;
    std::unique_ptr<Module> module_;
    int host_ = -1;
};

TEST_F(WpaModuleTest, WscanPrintsNineFieldLines) {
    standin_->scan_lines = {
        "00:11:22:33:44:55\t2437\t-45\t[WPA2-PSK-CCMP][ESS]\tTestAP",
        "aa:bb:cc:dd:ee:ff\t5180\t-67\t[WPA-PSK-TKIP][ESS]\tFiveGig",
    };
    standin_->bss_ies["00:11:22:33:44:55"] =
        wpa::to_hex(element(1, {0x82, 0x84}) + element(45, ht_capabilities(0x0020, 1)));
    EXPECT_EQ(run(commands::wscan, ""),
              "Index/SSID/BSSID/RSSI(-dBm)/MaxDataRate(Mbps)/Security/RadioBand(GHz)/Channel\r\n"
              "001/TestAP/00:11:22:33:44:55/-45/72.2/Infra/WPA2/2.4/6\r\n"
              "002/FiveGig/AA:BB:CC:DD:EE:FF/-67/54.0/Infra/WPA/5/36\r\n"
              "[OK]\r\n");
    EXPECT_EQ(run(commands::wscan, "=FiveGig"),
              "Index/SSID/BSSID/RSSI(-dBm)/MaxDataRate(Mbps)/Security/RadioBand(GHz)/Channel\r\n"
              "001/FiveGig/AA:BB:CC:DD:EE:FF/-67/54.0/Infra/WPA/5/36\r\n"
              "[OK]\r\n");
    EXPECT_EQ(run(commands::wscan, "=,aa:bb:cc:dd:ee:ff"),
              "Index/SSID/BSSID/RSSI(-dBm)/MaxDataRate(Mbps)/Security/RadioBand(GHz)/Channel\r\n"
              "001/FiveGig/AA:BB:CC:DD:EE:FF/-67/54.0/Infra/WPA/5/36\r\n"
              "[OK]\r\n");
    EXPECT_EQ(run(commands::wscan, "=,,11"),
              "Index/SSID/BSSID/RSSI(-dBm)/MaxDataRate(Mbps)/Security/RadioBand(GHz)/Channel\r\n"
              "[OK]\r\n");
    EXPECT_EQ(run(commands::wscan, "=,,15"), "[ERROR: INVALID INPUT]\r\n");
}

TEST_F(WpaModuleTest, WscanThroughTheAirCommandChannelIsShort) {
    standin_->scan_lines = {"00:11:22:33:44:55\t2437\t-45\t[WPA2-PSK-CCMP][ESS]\tTestAP"};
    module_->output().begin_capture(1450, CaptureMode::everything);
    const ResultCode code = commands::wscan(*module_, "");
    ASSERT_EQ(code, ResultCode::pending);
    // The scan ends within the stand-in's round trips (the scan timeout bounds it); the capture
    // then holds the whole answer.
    run_until(
        io_, [] { return false; }, 1500ms);
    const std::string captured = module_->output().end_capture();
    EXPECT_EQ(captured,
              "Index/SSID/RSSI(-dBm)/Security/Channel\r\n001/TestAP/-45/WPA2/6\r\n[OK]\r\n");
}

TEST_F(WpaModuleTest, WscanWithoutResultsIsAnError) {
    standin_->scan_completes = false;
    EXPECT_EQ(run(commands::wscan, ""), "[ERROR]\r\n");
}

TEST_F(WpaModuleTest, WwpsStoresTheCredentialsAsStaSettings) {
    standin_->events_after["WPS_PBC"] = {
        "WPS-CRED-RECEIVED " + credential("HomeAP", 0x0020, 0x0008, "password123"), "WPS-SUCCESS"};
    Profile& ram = module_->images().ram;
    ram.wifi_mode = WifiMode::soft_ap;
    module_->images().saved.wifi_mode = WifiMode::soft_ap;
    ram.dhcp = false;  // an unsaved RAM change: lost by the reload
    EXPECT_EQ(run(commands::wwps, "0"), "[OK]\r\n");
    for (const Profile* p : {&module_->images().ram, &module_->images().saved}) {
        EXPECT_EQ(p->station.ssid, "HomeAP");
        EXPECT_EQ(p->station.security, Security::wpa2_aes);
        EXPECT_EQ(p->station.key, "password123");
        EXPECT_EQ(p->wifi_mode, WifiMode::station);
    }
    EXPECT_TRUE(module_->images().ram.dhcp);
}

TEST_F(WpaModuleTest, WwpsFailure) {
    standin_->events_after["WPS_PIN"] = {"WPS-FAIL msg=8 config_error=15"};
    EXPECT_EQ(run(commands::wwps, "1,12345670"), "[ERROR]\r\n");
    EXPECT_EQ(module_->images().saved.station.ssid, "WizFiAP");
}

// Without nl80211 the query shows the profile's country; AT+WREG tells wpa_supplicant at once.
TEST_F(WpaModuleTest, WregReachesWpaSupplicant) {
    EXPECT_EQ(run(commands::wreg, "?"), "AU\r\n[OK]\r\n");
    EXPECT_EQ(run(commands::wreg, "DE"), "[OK]\r\n");
    ASSERT_TRUE(run_until(io_, [&] { return count("SET country DE") == 1; }));
}

// Spec §2.2 WWPS: with the station up, [ERROR] and no WPS at all.
TEST_F(WpaModuleTest, WwpsWithTheLinkUpIsAnError) {
    module_->images().ram.station = network(Security::open, "");
    ASSERT_NE(run(commands::wjoin, "").find("[OK]\r\n"), std::string::npos);
    EXPECT_EQ(run(commands::wwps, "0"), "[ERROR]\r\n");
    EXPECT_EQ(run(commands::wwps, "1,12345670"), "[ERROR]\r\n");
    EXPECT_EQ(count("WPS_"), 0u);
}

TEST_F(WpaModuleTest, WjoinPrintsTheJoinLinesAndTheLinkUpBlockBeforeOk) {
    module_->images().ram.station = network(Security::open, "");
    EXPECT_EQ(run(commands::wjoin, ""),
              "Joining : TestAP\r\nSuccessfully joined : TestAP\r\n"
              "\r\n[Link-Up Event]\r\n"
              "  IP Addr    : 203.0.113.107\r\n  Gateway    : 203.0.113.1\r\n[OK]\r\n");
    EXPECT_TRUE(module_->link_up());
}

// ---- commands from the web pages: their events on the UART, a join's own deadline ----

constexpr std::string_view kJoinEvents =
    "Joining : TestAP\r\nSuccessfully joined : TestAP\r\n"
    "\r\n[Link-Up Event]\r\n"
    "  IP Addr    : 203.0.113.107\r\n  Gateway    : 203.0.113.1\r\n";

// The Air command replies after 10 s whatever happened (spec §6); a join from the page waits as
// long as the backend's tries may take (its join_time_limit()), so a DHCP server slower than
// 10 s still gives the page the whole answer, and the host the events alone.
TEST_F(WpaModuleTest, PageJoinOutlastingTheAirCommandDeadlineGetsItsWholeAnswer) {
    boot();
    ip_->answer_after = 10500ms;
    EXPECT_GT(module_->web_join_deadline(), 10500ms);
    std::optional<std::string> page;
    ASSERT_TRUE(module_->run_for_web(
        "AT+WJOIN\r", module_->web_join_deadline(),
        [&page](std::string reply) { page = std::move(reply); }, nullptr));
    ASSERT_TRUE(run_until(
        io_, [&page] { return page.has_value(); }, 30s));
    EXPECT_EQ(*page, std::string(kJoinEvents) + "[OK]\r\n");
    EXPECT_EQ(host_reads_until("Gateway    : 203.0.113.1\r\n", 300ms), kJoinEvents);
    EXPECT_TRUE(module_->link_up());
}

// A page's command still running at the page's deadline: the page gets what was printed so
// far; the command ends unseen (its events reach the host, its [OK] does not, the host never
// sent it), the lines after it are dropped, and the host's session goes on.
TEST_F(WpaModuleTest, PageCommandStillRunningAtItsDeadlineEndsUnseen) {
    boot();
    ip_->answer_after = 1000ms;
    std::optional<std::string> page;
    ASSERT_TRUE(module_->run_for_web(
        "AT+WJOIN\rAT+MINFO\r", 200ms, [&page](std::string reply) { page = std::move(reply); },
        nullptr));
    ASSERT_TRUE(run_until(io_, [&page] { return page.has_value(); }));
    EXPECT_EQ(*page, "Joining : TestAP\r\n");
    EXPECT_EQ(host_reads_until("Gateway    : 203.0.113.1\r\n", 300ms), kJoinEvents);
    EXPECT_EQ(module_->state(), ModuleState::command);
    module_->on_serial_input("AT\r");
    EXPECT_EQ(host_reads_until("[OK]\r\n", 100ms), "AT\r\n[OK]\r\n");
}

// Page commands run only when the UART is idle in command mode, as Air commands do; a host
// that keeps the module busy (here: a line half typed) for the page's whole deadline gets the
// page refused instead of a change made later behind its back.
TEST_F(WpaModuleTest, PageCommandsThatCannotStartInTimeNeverRun) {
    boot();
    module_->on_serial_input("AT+MINF");
    bool not_run = false;
    std::optional<std::string> page;
    ASSERT_TRUE(module_->run_for_web(
        "AT+WSET=0,PageAP\r", 200ms, [&page](std::string reply) { page = std::move(reply); },
        [&not_run] { not_run = true; }));
    ASSERT_TRUE(run_until(io_, [&not_run] { return not_run; }));
    EXPECT_FALSE(page.has_value());
    EXPECT_EQ(module_->profile().station.ssid, "TestAP");
    module_->on_serial_input("O\r");
    EXPECT_EQ(host_reads_until("[OK]\r\n", 100ms),
              "AT+MINFO\r\nFW version/HW version\r\n1.0.5.2/WizFi250 Rev 1.0\r\n[OK]\r\n");
}

// ---- the web console's Wi-Fi page: the backend's scan (spec §2.5 AT+FWEBS) ----

TEST_F(WpaModuleTest, WebWifiPageListsTheScanWithSignalAndSecurity) {
    namespace http = boost::beast::http;
    standin_->scan_lines = {"00:11:22:33:44:55\t2437\t-45\t[WPA2-PSK-CCMP][ESS]\tTestAP",
                            "aa:bb:cc:dd:ee:ff\t2412\t-71\t[ESS]\tCafe <Free>"};
    module_->start();
    WebConsole console(*module_);
    const auto handle = [&](http::verb verb, std::string target, std::string body,
                            std::string cookie) {
        HttpRequest request{verb, target, 11};
        request.set(http::field::host, "127.0.0.1");
        if (!cookie.empty()) request.set(http::field::cookie, cookie);
        request.body() = std::move(body);
        request.prepare_payload();
        std::optional<HttpReply> reply;
        console.handle(request, Ipv4{{127, 0, 0, 1}},
                       [&reply](HttpReply answer) { reply = std::move(answer); });
        run_until(io_, [&] { return reply.has_value(); });
        return reply;
    };
    const auto value = [](const std::string& cookie) {
        return cookie.substr(cookie.find('=') + 1, 32);
    };
    const auto login_page = handle(http::verb::get, "/login", "", "");
    ASSERT_TRUE(login_page);
    const std::string token = value(std::string(login_page->response[http::field::set_cookie]));
    const auto logged_in =
        handle(http::verb::post, "/login", "_token=" + token + "&user=admin&password=admin",
               "wizfi250d_login=" + token);
    ASSERT_TRUE(logged_in);
    ASSERT_EQ(logged_in->response.result(), http::status::see_other);
    const std::string session =
        "wizfi250d_session=" + value(std::string(logged_in->response[http::field::set_cookie]));

    const auto page = handle(http::verb::get, "/wifi?scan=1", "", session);
    ASSERT_TRUE(page);
    const std::string& html = page->response.body();
    EXPECT_NE(html.find("<td><a href=\"/wifi?ssid=TestAP&amp;security=WPA2AES\">TestAP</a></td>"
                        "<td>-45 dBm</td><td>WPA2</td><td>6</td>"),
              std::string::npos)
        << html;
    // Names are escaped; an open network is picked with OPEN.
    EXPECT_NE(html.find("<a href=\"/wifi?ssid=Cafe%20%3CFree%3E&amp;security=OPEN\">Cafe "
                        "&lt;Free&gt;</a></td><td>-71 dBm</td><td>Open</td><td>1</td>"),
              std::string::npos)
        << html;
    // Picking one fills the join form.
    const auto picked = handle(http::verb::get, "/wifi?ssid=TestAP&security=WPA2AES", "", session);
    ASSERT_TRUE(picked);
    EXPECT_NE(picked->response.body().find("name=\"ssid\" value=\"TestAP\""), std::string::npos);
    EXPECT_NE(picked->response.body().find("<option value=\"WPA2AES\" selected>"),
              std::string::npos);
}

}  // namespace
}  // namespace wizfi250d::testing
