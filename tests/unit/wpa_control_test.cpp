// SPDX-License-Identifier: Apache-2.0
// The wpa_supplicant control client: the parser (pure functions), and the client against a
// stand-in control socket (wpa_standin.hpp) served in a temporary directory.

#include "wizfi250d/wifi/wpa_control.hpp"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "wpa_standin.hpp"

namespace wizfi250d::testing {
namespace {

using namespace std::chrono_literals;
using wpa::Message;

// ---- parser ----

TEST(WpaParser, EventWithLevelAndName) {
    const Message m = wpa::parse_message(
        "<3>CTRL-EVENT-CONNECTED - Connection to 01:80:c2:00:00:03 completed [id=0 id_str=]");
    EXPECT_EQ(m.kind, Message::Kind::event);
    EXPECT_EQ(m.level, 3);
    EXPECT_EQ(m.name, "CTRL-EVENT-CONNECTED");
    EXPECT_EQ(m.text,
              "CTRL-EVENT-CONNECTED - Connection to 01:80:c2:00:00:03 completed [id=0 id_str=]");
    EXPECT_TRUE(m.ifname.empty());
}

TEST(WpaParser, GlobalSocketPrefixAndNoSpaceEvent) {
    const Message m = wpa::parse_message("IFNAME=wlan0 <2>CTRL-EVENT-TERMINATING\n");
    EXPECT_EQ(m.kind, Message::Kind::event);
    EXPECT_EQ(m.ifname, "wlan0");
    EXPECT_EQ(m.level, 2);
    EXPECT_EQ(m.name, "CTRL-EVENT-TERMINATING");
    EXPECT_EQ(m.text, "CTRL-EVENT-TERMINATING");
}

TEST(WpaParser, RepliesAreEverythingElse) {
    for (const char* text : {"OK\n", "PONG", "0\n", "", "<", "<x>abc", "<12345>too long", "FAIL",
                             "IFNAME=wlan0", "bssid / frequency / signal level / flags / ssid\n"}) {
        const Message m = wpa::parse_message(text);
        EXPECT_EQ(m.kind, Message::Kind::reply) << text;
        EXPECT_EQ(m.text, text);
    }
    EXPECT_TRUE(wpa::is_ok("OK\n"));
    EXPECT_TRUE(wpa::is_ok("OK"));
    EXPECT_FALSE(wpa::is_ok("FAIL\n"));
    EXPECT_FALSE(wpa::is_ok("OKAY"));
}

TEST(WpaParser, EventFields) {
    const std::string connected =
        "CTRL-EVENT-CONNECTED - Connection to 01:80:c2:00:00:03 completed [id=12 id_str=wizfi250d]";
    EXPECT_EQ(wpa::event_field(connected, "id"), "12");
    EXPECT_EQ(wpa::event_field(connected, "id_str"), "wizfi250d");
    EXPECT_EQ(wpa::event_field(connected, "ssid"), std::nullopt);
    const std::string disabled =
        "CTRL-EVENT-SSID-TEMP-DISABLED id=0 ssid=\"My \\\"AP\\\" x\" auth_failures=1 duration=10 "
        "reason=AUTH_FAILED";
    EXPECT_EQ(wpa::event_field(disabled, "id"), "0");
    EXPECT_EQ(wpa::event_field(disabled, "ssid"), "My \"AP\" x");
    EXPECT_EQ(wpa::event_field(disabled, "reason"), "AUTH_FAILED");
    EXPECT_EQ(wpa::event_field(disabled, "duration"), "10");
    // "bssid=" does not answer for "ssid", nor "id_str" for "id".
    EXPECT_EQ(wpa::event_field("X bssid=00:11:22:33:44:55", "ssid"), std::nullopt);
    EXPECT_EQ(wpa::event_field("X id_str=a", "id"), std::nullopt);
    EXPECT_EQ(wpa::event_field("X ssid=\"unterminated", "ssid"), "unterminated");
}

TEST(WpaParser, DecodesPrintfEncodedText) {
    EXPECT_EQ(wpa::decode_text("plain"), "plain");
    EXPECT_EQ(wpa::decode_text("a\\\\b\\\"c"), "a\\b\"c");
    EXPECT_EQ(wpa::decode_text("\\x41\\x00z"), std::string("A\0z", 3));
    EXPECT_EQ(wpa::decode_text("\\n\\r\\t\\e"), "\n\r\t\033");
    EXPECT_EQ(wpa::decode_text("\\101"), "A");
    EXPECT_EQ(wpa::decode_text("trailing\\"), "trailing\\");
    EXPECT_EQ(wpa::decode_text("\\xZZ"), "\\xZZ");
}

TEST(WpaParser, Hex) {
    EXPECT_EQ(wpa::to_hex(std::string("Te\0\xff", 4)), "546500ff");
    EXPECT_EQ(wpa::from_hex("546500FF"), std::string("Te\0\xff", 4));
    EXPECT_EQ(wpa::from_hex("abc"), std::nullopt);
    EXPECT_EQ(wpa::from_hex("zz"), std::nullopt);
    EXPECT_EQ(wpa::from_hex(""), std::string());
}

TEST(WpaParser, KeyValues) {
    const auto kv = wpa::parse_key_values(
        "bssid=00:11:22:33:44:55\nfreq=2437\nssid=My=AP\r\nnot a pair\n=novalue\nempty=\n");
    ASSERT_EQ(kv.size(), 4u);
    EXPECT_EQ(wpa::find_value(kv, "freq"), "2437");
    EXPECT_EQ(wpa::find_value(kv, "ssid"), "My=AP");
    EXPECT_EQ(wpa::find_value(kv, "empty"), "");
    EXPECT_EQ(wpa::find_value(kv, "level"), std::nullopt);
}

TEST(WpaParser, ScanResults) {
    const auto lines = wpa::parse_scan_results(
        "bssid / frequency / signal level / flags / ssid\n"
        "00:11:22:33:44:55\t2437\t-45\t[WPA2-PSK-CCMP][ESS]\tTestAP\n"
        "AA:BB:CC:DD:EE:FF\t5180\t-67\t[ESS]\t\n"
        "02:00:00:00:00:01\t2412\t-80\t[IBSS]\tweird\\x20\\\"name\n"
        "broken line\n"
        "00:11:22:33:44:66\tx\t-1\t[ESS]\tbad frequency\n"
        "00:11:22:33:44:77\t2462\t-70\t[WEP][ESS]\n");
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[0].bssid, "00:11:22:33:44:55");
    EXPECT_EQ(lines[0].frequency_mhz, 2437u);
    EXPECT_EQ(lines[0].signal_dbm, -45);
    EXPECT_EQ(lines[0].flags, "[WPA2-PSK-CCMP][ESS]");
    EXPECT_EQ(lines[0].ssid, "TestAP");
    EXPECT_EQ(lines[1].bssid, "aa:bb:cc:dd:ee:ff");
    EXPECT_EQ(lines[1].ssid, "");
    EXPECT_EQ(lines[2].ssid, "weird \"name");
    EXPECT_EQ(lines[3].ssid, "");  // no ssid column at all
    EXPECT_TRUE(
        wpa::parse_scan_results("bssid / frequency / signal level / flags / ssid\n").empty());
}

TEST(WpaParser, ListNetworks) {
    const auto networks = wpa::parse_list_networks(
        "network id / ssid / bssid / flags\n0\tTestAP\tany\t[DISABLED]\n3\tOther\\x41\tany\t\n"
        "x\tbad\tany\t\n");
    ASSERT_EQ(networks.size(), 2u);
    EXPECT_EQ(networks[0].id, 0);
    EXPECT_EQ(networks[0].ssid, "TestAP");
    EXPECT_EQ(networks[0].flags, "[DISABLED]");
    EXPECT_EQ(networks[1].id, 3);
    EXPECT_EQ(networks[1].ssid, "OtherA");
}

TEST(WpaParser, SecretsAreRedacted) {
    EXPECT_EQ(wpa::redact_command("SET_NETWORK 0 psk \"password123\""),
              "SET_NETWORK 0 psk [hidden]");
    EXPECT_EQ(wpa::redact_command("SET_NETWORK 12 password 70617373"),
              "SET_NETWORK 12 password [hidden]");
    EXPECT_EQ(wpa::redact_command("SET_NETWORK 0 wep_key0 \"abcde\""),
              "SET_NETWORK 0 wep_key0 [hidden]");
    EXPECT_EQ(wpa::redact_command("SET_NETWORK 0 ssid 54657374"), "SET_NETWORK 0 ssid 54657374");
    EXPECT_EQ(wpa::redact_command("WPS_PIN any 12345670"), "WPS_PIN any [hidden]");
    EXPECT_EQ(wpa::redact_command("PING"), "PING");
    EXPECT_EQ(wpa::redact_event("WPS-CRED-RECEIVED 100e0042"), "WPS-CRED-RECEIVED [hidden]");
    EXPECT_EQ(wpa::redact_event("CTRL-EVENT-CONNECTED - x"), "CTRL-EVENT-CONNECTED - x");
}

// The parser never crashes on arbitrary bytes (a small deterministic stand-in for the fuzzer).
TEST(WpaParser, ArbitraryBytes) {
    std::uint32_t seed = 12345;
    for (int round = 0; round < 2000; ++round) {
        std::string bytes;
        const std::size_t length = seed % 64;
        for (std::size_t i = 0; i < length; ++i) {
            seed = seed * 1103515245u + 12345u;
            static constexpr char alphabet[] = "<>0123456789 =\"\\x[]\t\nIFNAME=id";
            bytes += alphabet[(seed >> 16) % (sizeof alphabet - 1)];
        }
        seed = seed * 1103515245u + 12345u;
        const Message m = wpa::parse_message(bytes);
        (void)m;
        (void)wpa::event_field(bytes, "id");
        (void)wpa::decode_text(bytes);
        (void)wpa::parse_scan_results(bytes);
        (void)wpa::parse_list_networks(bytes);
        (void)wpa::parse_key_values(bytes);
        (void)wpa::redact_command(bytes);
    }
}

// ---- client ----

std::string make_temp_dir() {
    std::string pattern = ::testing::TempDir() + "wpa-control-XXXXXX";
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

class WpaControlTest : public ::testing::Test {
protected:
    WpaControlTest() : dir_(make_temp_dir()) {
        spdlog::set_level(spdlog::level::warn);
        std::filesystem::create_directories(dir_ + "/ctrl");
        std::filesystem::create_directories(dir_ + "/run");
    }
    ~WpaControlTest() override { std::filesystem::remove_all(dir_); }

    wpa::Control::Options options(std::chrono::milliseconds request_timeout = 1000ms) {
        wpa::Control::Options o;
        o.ctrl_path = dir_ + "/ctrl/wlan-standin";
        o.ctrl_dir = dir_ + "/ctrl";
        o.client_dir = dir_ + "/run";
        o.request_timeout = request_timeout;
        o.retry_interval = 50ms;
        o.ping_interval = 0ms;
        return o;
    }

    std::size_t client_sockets() const {
        std::size_t n = 0;
        for (const auto& entry : std::filesystem::directory_iterator(dir_ + "/run")) {
            (void)entry;
            ++n;
        }
        return n;
    }

    boost::asio::io_context io_;
    std::string dir_;
};

TEST_F(WpaControlTest, RequestsRepliesAndEvents) {
    StandInWpaSupplicant standin(io_, dir_ + "/ctrl/wlan-standin");
    standin.scan_lines = {"00:11:22:33:44:55\t2437\t-45\t[WPA2-PSK-CCMP][ESS]\tTestAP"};
    wpa::Control control(io_, options());
    std::vector<bool> states;
    std::vector<std::string> events;
    control.on_state([&](bool up) { states.push_back(up); });
    control.on_event([&](const wpa::Event& e) { events.push_back(e.name); });
    control.start();
    ASSERT_TRUE(run_until(io_, [&] { return control.up(); }));
    EXPECT_EQ(states, std::vector<bool>{true});
    EXPECT_EQ(standin.attached(), 1u);
    EXPECT_EQ(control.interface(), "wlan-standin");
    // The client sockets live in the runtime directory, not /tmp.
    EXPECT_EQ(client_sockets(), 2u);

    // Three requests queued at once come back in order, each with its own reply.
    std::vector<std::string> replies;
    for (const char* command : {"PING", "STATUS", "SCAN_RESULTS"})
        control.request(command, [&](std::optional<std::string> reply) {
            replies.push_back(reply.value_or("(none)"));
        });
    ASSERT_TRUE(run_until(io_, [&] { return replies.size() == 3; }));
    EXPECT_EQ(replies[0], "PONG\n");
    EXPECT_EQ(replies[1], "wpa_state=DISCONNECTED\naddress=02:00:00:00:00:01\n");
    const auto scan = wpa::parse_scan_results(replies[2]);
    ASSERT_EQ(scan.size(), 1u);
    EXPECT_EQ(scan[0].ssid, "TestAP");

    standin.emit("CTRL-EVENT-SCAN-STARTED ");
    standin.emit("CTRL-EVENT-SCAN-RESULTS ");
    ASSERT_TRUE(run_until(io_, [&] { return events.size() == 2; }));
    EXPECT_EQ(events[0], "CTRL-EVENT-SCAN-STARTED");
    EXPECT_EQ(events[1], "CTRL-EVENT-SCAN-RESULTS");

    // sync_events: every event emitted before it is delivered before it completes.
    standin.emit("CTRL-EVENT-NETWORK-ADDED 0");
    bool synced = false;
    control.sync_events([&](bool ok) {
        EXPECT_TRUE(ok);
        EXPECT_EQ(events.size(), 3u);
        synced = true;
    });
    ASSERT_TRUE(run_until(io_, [&] { return synced; }));

    control.stop();
    EXPECT_FALSE(control.up());
    EXPECT_EQ(client_sockets(), 0u);  // unlinked on close
}

TEST_F(WpaControlTest, NotConnectedRequestsFailAtOnce) {
    wpa::Control control(io_, options());
    control.start();
    std::optional<std::optional<std::string>> result;
    control.request("PING", [&](std::optional<std::string> reply) { result = reply; });
    ASSERT_TRUE(run_until(io_, [&] { return result.has_value(); }));
    EXPECT_EQ(*result, std::nullopt);
}

TEST_F(WpaControlTest, ARequestMadeWhileAttachingWaitsForTheAttach) {
    StandInWpaSupplicant standin(io_, dir_ + "/ctrl/wlan-standin");
    wpa::Control control(io_, options());
    control.start();  // the sockets are open and ATTACH is sent; its answer is not read yet
    ASSERT_FALSE(control.up());
    std::optional<std::optional<std::string>> result;
    control.request("PING", [&](std::optional<std::string> reply) { result = reply; });
    ASSERT_TRUE(run_until(io_, [&] { return result.has_value(); }));
    EXPECT_EQ(*result, std::optional<std::string>("PONG\n"));
    EXPECT_TRUE(control.up());
}

TEST_F(WpaControlTest, ReconnectsWhenWpaSupplicantComesBack) {
    StandInWpaSupplicant standin(io_, dir_ + "/ctrl/wlan-standin");
    wpa::Control control(io_, options());
    std::vector<bool> states;
    control.on_state([&](bool up) { states.push_back(up); });
    control.start();
    ASSERT_TRUE(run_until(io_, [&] { return control.up(); }));

    // wpa_supplicant stops (TERMINATING, socket removed): down at once.
    standin.close(true);
    ASSERT_TRUE(run_until(io_, [&] { return !control.up(); }));
    EXPECT_EQ(states, (std::vector<bool>{true, false}));
    EXPECT_EQ(client_sockets(), 0u);

    // Requests while it is away fail.
    std::optional<std::optional<std::string>> result;
    control.request("PING", [&](std::optional<std::string> reply) { result = reply; });
    ASSERT_TRUE(run_until(io_, [&] { return result.has_value(); }));
    EXPECT_EQ(*result, std::nullopt);

    // It comes back: the path reappears, the client connects and attaches again.
    standin.open();
    ASSERT_TRUE(run_until(io_, [&] { return control.up(); }));
    EXPECT_EQ(states, (std::vector<bool>{true, false, true}));
    EXPECT_EQ(standin.attached(), 1u);
    result.reset();
    control.request("PING", [&](std::optional<std::string> reply) { result = reply; });
    ASSERT_TRUE(run_until(io_, [&] { return result.has_value(); }));
    EXPECT_EQ(*result, std::optional<std::string>("PONG\n"));
}

TEST_F(WpaControlTest, KilledWithoutAWordIsNoticedByTheKeepAlive) {
    StandInWpaSupplicant standin(io_, dir_ + "/ctrl/wlan-standin");
    auto o = options();
    o.ping_interval = 50ms;
    wpa::Control control(io_, o);
    control.start();
    ASSERT_TRUE(run_until(io_, [&] { return control.up(); }));
    // As after SIGKILL: the socket goes, no TERMINATING. The keep-alive PING is refused.
    standin.close(false);
    ASSERT_TRUE(run_until(io_, [&] { return !control.up(); }));
}

TEST_F(WpaControlTest, SilenceEndsTheRequestAndTheConnection) {
    StandInWpaSupplicant standin(io_, dir_ + "/ctrl/wlan-standin");
    standin.silent.insert("STATUS");
    wpa::Control control(io_, options(200ms));
    int downs = 0;
    control.on_state([&](bool up) { downs += up ? 0 : 1; });
    control.start();
    ASSERT_TRUE(run_until(io_, [&] { return control.up(); }));
    std::vector<std::string> replies;
    control.request("STATUS",
                    [&](std::optional<std::string> r) { replies.push_back(r.value_or("(none)")); });
    control.request("PING",
                    [&](std::optional<std::string> r) { replies.push_back(r.value_or("(none)")); });
    ASSERT_TRUE(run_until(io_, [&] { return replies.size() == 2; }));
    EXPECT_EQ(replies, (std::vector<std::string>{"(none)", "(none)"}));
    EXPECT_EQ(downs, 1);
    // The stand-in is still there: the client comes back by itself.
    ASSERT_TRUE(run_until(io_, [&] { return control.up(); }));
}

TEST_F(WpaControlTest, FindsTheFirstSocketInTheDirectory) {
    StandInWpaSupplicant p2p(io_, dir_ + "/ctrl/p2p-dev-wlan0");
    StandInWpaSupplicant standin(io_, dir_ + "/ctrl/wlan7");
    auto o = options();
    o.ctrl_path.clear();
    wpa::Control control(io_, o);
    control.start();
    ASSERT_TRUE(run_until(io_, [&] { return control.up(); }));
    EXPECT_EQ(control.interface(), "wlan7");
    EXPECT_EQ(standin.attached(), 1u);
    EXPECT_EQ(p2p.attached(), 0u);
}

TEST_F(WpaControlTest, DestroyedWhileBusyLeavesNothing) {
    StandInWpaSupplicant standin(io_, dir_ + "/ctrl/wlan-standin");
    bool called = false;
    {
        wpa::Control control(io_, options());
        control.start();
        ASSERT_TRUE(run_until(io_, [&] { return control.up(); }));
        control.request("STATUS", [&](std::optional<std::string>) { called = true; });
    }
    io_.restart();
    io_.run_for(50ms);
    EXPECT_FALSE(called);
    EXPECT_EQ(client_sockets(), 0u);
}

}  // namespace
}  // namespace wizfi250d::testing
