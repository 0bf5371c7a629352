// SPDX-License-Identifier: Apache-2.0
// The wpa_supplicant backend against a real wpa_supplicant (-Dwired) and a real 802.1X
// authenticator (hostapd driver=wired with its EAP server), in a pair of network namespaces
// (research/test-environment.md §3, §4, §9):
//
//   ns A (the "AP")                            ns B (the "STA")
//   hostapd driver=wired, ieee8021x=1,         wpa_supplicant -Dwired -i if_b
//   eap_server=1, user md5user/password123     (its control socket is a filesystem path: the
//   [dnsmasq: DHCP 203.0.113.100-150]           backend reaches it from the root namespace)
//          if_a 203.0.113.1/24  <== veth ==>  if_b
//
// The IP configuration is a stand-in (it answers with a fixed lease and touches nothing) except
// in the last join test, where the whole backend runs inside ns B with the real IpConfigurator
// and gets its lease from dnsmasq. WSCAN has no radio here: it runs against a stand-in control
// socket that answers SCAN_RESULTS with canned BSS lines, through a Module on a pty.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../../src/wifi/child_process.hpp"
#include "../unit/wpa_standin.hpp"
#include "daemon_wifi_support.hpp"
#include "netns.hpp"
#include "wizfi250d/module/module.hpp"
#include "wizfi250d/serial/serial_link.hpp"
#include "wizfi250d/wifi/wpa_supplicant_backend.hpp"

namespace wizfi250d {
namespace {

using namespace std::chrono_literals;
using itest::NetnsPair;
using itest::NsChild;

const std::string test_ssid = "TestAP";
const std::string eap_user = "md5user";
const std::string eap_password = "password123";

bool wait_for_file(const std::string& path, std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        struct stat info {};
        if (::stat(path.c_str(), &info) == 0) return true;
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

template <typename Predicate>
bool run_until(boost::asio::io_context& io, Predicate done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        io.restart();
        io.run_for(10ms);
    }
    return true;
}

void write_file(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
}

// A STAND-IN for the IP configurator in the tests that run in the root namespace: it answers
// with a fixed lease and touches no interface.
class StandInIpConfigurator final : public IpConfigurator {
public:
    explicit StandInIpConfigurator(boost::asio::io_context& io) : io_(io) {}
    void configure(const std::string& /*interface*/,
                   const std::optional<StaticAddress>& /*address*/, Done done) override {
        ++configured;
        boost::asio::post(io_, [done] {
            done(IpLease{Ipv4{{203, 0, 113, 107}},
                         Ipv4{{255, 255, 255, 0}},
                         Ipv4{{203, 0, 113, 1}},
                         {Ipv4{{203, 0, 113, 1}}}});
        });
    }
    void release(const std::string& /*interface*/) override { ++released; }
    int configured = 0;
    int released = 0;

private:
    boost::asio::io_context& io_;
};

Profile station_profile(Security security, const std::string& key) {
    Profile p;
    p.wifi_mode = WifiMode::station;
    p.station.ssid = test_ssid;
    p.station.bssid.clear();
    p.station.channel = 0;
    p.station.security = security;
    p.station.key = key;
    return p;
}

std::vector<std::string> failed_lines(int tries) {
    std::vector<std::string> lines;
    for (int i = 0; i < tries; ++i) {
        lines.push_back("Joining : " + test_ssid);
        lines.push_back("Failed to join: " + test_ssid);
    }
    return lines;
}
const std::vector<std::string> joined_lines{"Joining : " + test_ssid,
                                            "Successfully joined : " + test_ssid};

class WpaSupplicantIntegration : public ::testing::Test {
protected:
    void SetUp() override {
        const auto reason = itest::netns_unavailable_reason();
        if (!reason.empty()) GTEST_SKIP() << reason;
        // WIZFI250D_ITEST_LOGS: the backend's debug log, and the daemons' logs at the end.
        spdlog::set_level(std::getenv("WIZFI250D_ITEST_LOGS") != nullptr ? spdlog::level::debug
                                                                         : spdlog::level::warn);
        for (const char* program : {"wpa_supplicant", "hostapd", "wpa_cli", "hostapd_cli"}) {
            if (find_program(program).empty())
                GTEST_SKIP() << program
                             << " is not installed (apt-get install wpasupplicant "
                                "hostapd)";
        }
        std::string detail;
        if (!itest::test_net_free_in_root(detail))
            GTEST_SKIP() << "203.0.113.0/24 is in use in the root namespace:\n" << detail;
        ASSERT_FALSE(dir_.path().empty());
        d_ = dir_.path();
        std::string error;
        ASSERT_TRUE(net_.create(error)) << error;
        ASSERT_EQ(
            net_.ip(net_.ns_a(), {"addr", "add", "203.0.113.1/24", "dev", net_.if_a()}).exit_code,
            0);
        ASSERT_EQ(net_.ip(net_.ns_a(), {"link", "set", net_.if_a(), "up"}).exit_code, 0);
        ASSERT_EQ(net_.ip(net_.ns_b(), {"link", "set", net_.if_b(), "up"}).exit_code, 0);
        // The test address is inside ns A, and only there, before anything is sent.
        const auto a = net_.ip(net_.ns_a(), {"-4", "addr", "show", "dev", net_.if_a()});
        ASSERT_NE(a.output.find("inet 203.0.113.1/24"), std::string::npos) << a.output;
        resolv_conf_before_ = itest::read_file("/etc/resolv.conf");

        // ns A: the 802.1X authenticator with its own EAP server (EAP-MD5 user).
        write_file(d_ + "/eap_users", "\"" + eap_user + "\" MD5 \"" + eap_password + "\"\n");
        write_file(d_ + "/hostapd.conf", "interface=" + net_.if_a() +
                                             "\ndriver=wired\nctrl_interface=" + d_ +
                                             "/hostapd\nieee8021x=1\neapol_version=2\n"
                                             "use_pae_group_addr=1\neap_server=1\n"
                                             "eap_user_file=" +
                                             d_ + "/eap_users\n");
        ASSERT_TRUE(hostapd_.start(
            {"ip", "netns", "exec", net_.ns_a(), "hostapd", "-t", d_ + "/hostapd.conf"},
            d_ + "/hostapd.log"));
        ASSERT_TRUE(wait_for_file(d_ + "/hostapd/" + net_.if_a(), 5s))
            << itest::read_file(d_ + "/hostapd.log");

        // ns B: the supplicant with the wired driver.
        write_file(d_ + "/wpa_supplicant.conf",
                   "ctrl_interface=" + d_ + "/wpas\nap_scan=0\neapol_version=2\n");
        start_supplicant();
    }

    void TearDown() override {
        backend_.reset();
        supplicant_.stop();
        hostapd_.stop();
        dnsmasq_.stop();
        if (std::getenv("WIZFI250D_ITEST_LOGS") != nullptr) {
            std::printf("---- wpa_supplicant ----\n%s\n---- hostapd ----\n%s\n",
                        itest::read_file(d_ + "/wpas.log").c_str(),
                        itest::read_file(d_ + "/hostapd.log").c_str());
        }
        if (!d_.empty()) {
            EXPECT_EQ(itest::read_file("/etc/resolv.conf"), resolv_conf_before_)
                << "/etc/resolv.conf changed";
            // No control client socket of the backend is left in its runtime directory.
            std::error_code ec;
            for (const auto& entry : std::filesystem::directory_iterator(d_ + "/run", ec)) {
                if (entry.path().filename().string().rfind("wpa_ctrl_", 0) == 0)
                    ADD_FAILURE() << "left behind: " << entry.path();
            }
        }
    }

    void start_supplicant() {
        ASSERT_TRUE(
            supplicant_.start({"ip", "netns", "exec", net_.ns_b(), "wpa_supplicant", "-Dwired",
                               "-i", net_.if_b(), "-c", d_ + "/wpa_supplicant.conf", "-t",
                               std::getenv("WIZFI250D_ITEST_LOGS") != nullptr ? "-d" : "-q"},
                              d_ + "/wpas.log"));
        ASSERT_TRUE(wait_for_file(ctrl_path(), 5s)) << itest::read_file(d_ + "/wpas.log");
        // After a SIGKILL the old socket file is still there: wait for the new process to answer.
        const auto end = std::chrono::steady_clock::now() + 5s;
        while (wpa_cli({"ping"}).find("PONG") == std::string::npos) {
            ASSERT_LT(std::chrono::steady_clock::now(), end) << itest::read_file(d_ + "/wpas.log");
            std::this_thread::sleep_for(50ms);
        }
        // hostapd holds a STA whose EAP failed (HELD) until it drops it about 5 s later, and the
        // wired supplicant sends its next EAPOL-Start only after startPeriod (30 s): a retry
        // within that window would wait 30 s for an authenticator that no longer ignores it.
        // On Wi-Fi the AP starts EAP itself after each association. Here the supplicant repeats
        // EAPOL-Start every second instead (a knob of its control interface).
        ASSERT_EQ(wpa::trim_reply(wpa_cli({"set", "EAPOL::startPeriod", "1"})), "OK");
        ASSERT_EQ(wpa::trim_reply(wpa_cli({"set", "EAPOL::maxStart", "15"})), "OK");
    }

    std::string ctrl_path() const { return d_ + "/wpas/" + net_.if_b(); }

    WpaBackendOptions options(bool eap = true) const {
        WpaBackendOptions o;
        o.interface = net_.if_b();
        o.ctrl_dir = d_ + "/wpas";
        o.runtime_dir = d_ + "/run";
        if (eap) {
            o.eap_method = "MD5";
            o.eap_identity = eap_user;
        }
        // EAP over wired takes 1.3-2 s (wpa_supplicant's EAPOL tick is 1 s).
        o.join_try_timeout = 8s;
        o.reconnect_interval = 200ms;
        o.ping_interval = 1s;
        o.ip.runtime_dir = d_ + "/run";
        return o;
    }

    void start_backend(WpaBackendOptions o) {
        auto ip = std::make_unique<StandInIpConfigurator>(io_);
        ip_ = ip.get();
        backend_ = make_wpa_supplicant_backend(io_, std::move(o), std::move(ip));
        backend_->on_link_lost([this] { ++lost_; });
        backend_->on_link_restored([this](LinkInfo link) { restored_.push_back(std::move(link)); });
        // Let it connect and attach.
        io_.restart();
        io_.run_for(300ms);
    }

    struct JoinResult {
        std::vector<std::string> lines;
        std::optional<LinkInfo> link;
    };
    JoinResult join(const Profile& profile) {
        JoinResult result;
        bool finished = false;
        backend_->join(profile,
                       JoinReporter{[&](std::string_view line) { result.lines.emplace_back(line); },
                                    [] { return false; }},
                       [&](std::optional<LinkInfo> link) {
                           result.link = std::move(link);
                           finished = true;
                       });
        EXPECT_TRUE(run_until(
            io_, [&] { return finished; }, 60s));
        return result;
    }

    std::string wpa_cli(std::vector<std::string> args) {
        std::vector<std::string> argv{"wpa_cli", "-p", d_ + "/wpas", "-i", net_.if_b()};
        argv.insert(argv.end(), args.begin(), args.end());
        return itest::run(argv).output;
    }
    std::string hostapd_cli(std::vector<std::string> args) {
        std::vector<std::string> argv{"hostapd_cli", "-p", d_ + "/hostapd", "-i", net_.if_a()};
        argv.insert(argv.end(), args.begin(), args.end());
        return itest::run(argv).output;
    }

    itest::TempDir dir_;
    std::string d_;
    NetnsPair net_;
    itest::Process hostapd_;
    itest::Process supplicant_;
    itest::Process dnsmasq_;
    std::string resolv_conf_before_;

    boost::asio::io_context io_;
    std::unique_ptr<WifiBackend> backend_;
    StandInIpConfigurator* ip_ = nullptr;
    int lost_ = 0;
    std::vector<LinkInfo> restored_;
};

TEST_F(WpaSupplicantIntegration, JoinsThroughA8021xAuthenticatorAndLeaves) {
    // A network the administrator configured stays where it is.
    ASSERT_EQ(wpa::trim_reply(wpa_cli({"add_network"})), "0");
    ASSERT_EQ(wpa::trim_reply(wpa_cli({"set_network", "0", "ssid", "\"Admin\""})), "OK");
    start_backend(options());

    const JoinResult result = join(station_profile(Security::wpa2_mixed, eap_password));
    EXPECT_EQ(result.lines, joined_lines);
    ASSERT_TRUE(result.link);
    EXPECT_EQ(result.link->interface, net_.if_b());
    EXPECT_EQ(result.link->ssid, test_ssid);
    EXPECT_EQ(ip_->configured, 1);

    // The real authentication happened: the supplicant is authorized, and so is the STA at the
    // authenticator.
    const std::string status = wpa_cli({"status"});
    EXPECT_NE(status.find("wpa_state=COMPLETED"), std::string::npos) << status;
    EXPECT_NE(status.find("suppPortStatus=Authorized"), std::string::npos) << status;
    EXPECT_NE(status.find("EAP-MD5"), std::string::npos) << status;
    EXPECT_NE(status.find("id_str=wizfi250d"), std::string::npos) << status;
    const std::string sta = hostapd_cli({"all_sta"});
    EXPECT_NE(sta.find("AUTHORIZED"), std::string::npos) << sta;
    EXPECT_NE(sta.find("dot1xAuthSessionUserName=" + eap_user), std::string::npos) << sta;

    backend_->leave();
    ASSERT_TRUE(run_until(
        io_,
        [&] {
            return wpa_cli({"list_networks"}).find("wizfi250d") == std::string::npos &&
                   wpa_cli({"status"}).find("wpa_state=COMPLETED") == std::string::npos;
        },
        5s))
        << wpa_cli({"status"});
    EXPECT_EQ(ip_->released, 1);
    EXPECT_EQ(lost_, 0);  // our own disconnect is not a lost link
    const std::string networks = wpa_cli({"list_networks"});
    EXPECT_NE(networks.find("Admin"), std::string::npos) << networks;
}

TEST_F(WpaSupplicantIntegration, WrongCredentialsGiveThreeFailedTries) {
    start_backend(options());
    const JoinResult result = join(station_profile(Security::wpa2_aes, "wrong-password"));
    EXPECT_EQ(result.lines, failed_lines(3));
    EXPECT_FALSE(result.link);
    // Each try was a real EAP exchange that the authenticator refused.
    std::size_t refusals = 0;
    const std::string hostapd_log = itest::read_file(d_ + "/hostapd.log");
    for (auto at = hostapd_log.find("CTRL-EVENT-EAP-FAILURE"); at != std::string::npos;
         at = hostapd_log.find("CTRL-EVENT-EAP-FAILURE", at + 1))
        ++refusals;
    EXPECT_EQ(refusals, 3u) << hostapd_log;
    EXPECT_EQ(ip_->configured, 0);
    // Nothing is left for wpa_supplicant to retry with (no TEMP-DISABLED loop).
    EXPECT_EQ(wpa_cli({"list_networks"}).find("TestAP"), std::string::npos);
    io_.restart();
    io_.run_for(1s);
    const std::string log = itest::read_file(d_ + "/wpas.log");
    EXPECT_EQ(log.find("RECONNECT"), std::string::npos);

    // The right key afterwards joins at once.
    const JoinResult again = join(station_profile(Security::wpa2_aes, eap_password));
    EXPECT_EQ(again.lines, joined_lines);
    EXPECT_TRUE(again.link);
}

TEST_F(WpaSupplicantIntegration, WpaPskOverWiredNeverCompletesAndTheTryBoundEndsIt) {
    auto o = options(false);
    o.join_try_timeout = 2s;
    start_backend(o);
    const JoinResult result = join(station_profile(Security::wpa2_aes, eap_password));
    EXPECT_EQ(result.lines, failed_lines(3));
    const std::string status = wpa_cli({"status"});
    EXPECT_EQ(status.find("wpa_state=COMPLETED"), std::string::npos) << status;
    EXPECT_EQ(wpa_cli({"list_networks"}).find("TestAP"), std::string::npos);
}

TEST_F(WpaSupplicantIntegration, RestartedSupplicantLinkLostThenBackByItself) {
    start_backend(options());
    ASSERT_TRUE(join(station_profile(Security::wpa2_mixed, eap_password)).link);

    // SIGTERM: CTRL-EVENT-DISCONNECTED and TERMINATING reach the backend.
    supplicant_.stop();
    ASSERT_TRUE(run_until(
        io_, [&] { return lost_ == 1; }, 5s));
    EXPECT_EQ(ip_->released, 1);
    EXPECT_EQ(backend_->status().rssi_dbm, 0);
    io_.restart();
    io_.run_for(500ms);  // it stays down while wpa_supplicant is away
    EXPECT_TRUE(restored_.empty());

    // Back: the backend reconnects, adds its network again, and reports the link only once the
    // real EAP exchange and the IP configuration are done.
    start_supplicant();
    ASSERT_TRUE(run_until(
        io_, [&] { return restored_.size() == 1; }, 20s))
        << itest::read_file(d_ + "/wpas.log");
    EXPECT_EQ(restored_[0].ssid, test_ssid);
    EXPECT_EQ(restored_[0].address.to_string(), "203.0.113.107");
    EXPECT_EQ(ip_->configured, 2);
    const std::string status = wpa_cli({"status"});
    EXPECT_NE(status.find("suppPortStatus=Authorized"), std::string::npos) << status;
    EXPECT_EQ(lost_, 1);
}

TEST_F(WpaSupplicantIntegration, KilledSupplicantIsNoticedWithoutAWord) {
    start_backend(options());
    ASSERT_TRUE(join(station_profile(Security::wpa2_mixed, eap_password)).link);
    // SIGKILL: no event at all, a stale socket file. The keep-alive finds it refused.
    ASSERT_EQ(::kill(supplicant_.pid(), SIGKILL), 0);
    supplicant_.stop();  // reaps it
    ASSERT_TRUE(run_until(
        io_, [&] { return lost_ == 1; }, 10s));
    start_supplicant();
    ASSERT_TRUE(run_until(
        io_, [&] { return restored_.size() == 1; }, 20s))
        << itest::read_file(d_ + "/wpas.log");
}

// The whole backend inside ns B with the real IpConfigurator: a real EAP join, then a real DHCP
// lease from dnsmasq in ns A.
int backend_child(NsChild::Channel& channel, WpaBackendOptions options, Profile profile,
                  const std::string& log_path) {
    auto logger = spdlog::basic_logger_mt("wpa-child", log_path);
    logger->set_level(spdlog::level::debug);
    logger->flush_on(spdlog::level::debug);
    spdlog::set_default_logger(logger);
    boost::asio::io_context io;
    auto backend = make_wpa_supplicant_backend(io, options);
    io.run_for(500ms);  // connect and attach
    bool finished = false;
    backend->join(
        profile,
        JoinReporter{[&](std::string_view line) { channel.send("line " + std::string(line)); },
                     [] { return false; }},
        [&](std::optional<LinkInfo> link) {
            finished = true;
            if (!link) {
                channel.send("nolink");
                return;
            }
            std::string text =
                "link " + link->address.to_string() + " " + link->gateway.to_string();
            for (const auto& server : link->dns_servers)
                text += " " + server.to_string();
            channel.send(text);
        });
    const auto limit = std::chrono::steady_clock::now() + 60s;
    while (!finished && std::chrono::steady_clock::now() < limit) {
        io.restart();
        io.run_for(20ms);
    }
    while (true) {
        io.restart();
        io.run_for(20ms);
        const auto command = channel.poll();
        if (!command) continue;
        if (*command == "leave") {
            backend->leave();
            io.restart();
            io.run_for(500ms);
            channel.send("left");
        } else if (*command == "exit") {
            break;
        }
    }
    backend.reset();
    io.restart();
    io.run_for(100ms);
    spdlog::default_logger()->flush();
    return 0;
}

TEST_F(WpaSupplicantIntegration, JoinWithRealDhcpInsideTheStationNamespace) {
    const std::string client = find_program("udhcpc").empty() ? "auto" : "udhcpc";
    if (find_program("dnsmasq").empty()) GTEST_SKIP() << "dnsmasq is not installed";
    itest::DhcpServerSetup dhcp(net_.ns_a(), net_.if_a(), "203.0.113.1", d_);
    ASSERT_TRUE(dnsmasq_.start(itest::dnsmasq_command(dhcp), d_ + "/dnsmasq.out"));
    auto o = options();
    o.ip.dhcp_client = client;
    o.ip.runtime_dir = d_ + "/run";
    o.ip.dhcp_timeout = 15s;
    const Profile profile = station_profile(Security::wpa2_mixed, eap_password);
    NsChild child;
    const std::string log = d_ + "/child.log";
    ASSERT_TRUE(child.start(net_.ns_b(), [&](NsChild::Channel& channel) {
        return backend_child(channel, o, profile, log);
    }));
    std::vector<std::string> lines;
    std::optional<std::string> outcome;
    while (!outcome) {
        const auto message = child.receive(60s);
        ASSERT_TRUE(message) << itest::read_file(log);
        if (message->rfind("line ", 0) == 0) {
            lines.push_back(message->substr(5));
        } else {
            outcome = message;
        }
    }
    EXPECT_EQ(lines, joined_lines);
    std::istringstream words(*outcome);
    std::string kind, address, gateway, dns1, dns2;
    words >> kind >> address >> gateway >> dns1 >> dns2;
    ASSERT_EQ(kind, "link") << itest::read_file(log);
    EXPECT_EQ(address.rfind("203.0.113.", 0), 0u) << address;
    EXPECT_EQ(gateway, "203.0.113.1");
    EXPECT_EQ(dns1, "203.0.113.1");
    EXPECT_EQ(dns2, "8.8.8.8");
    const auto inet = net_.ip(net_.ns_b(), {"-4", "addr", "show", "dev", net_.if_b()}).output;
    EXPECT_NE(inet.find("inet " + address + "/24"), std::string::npos) << inet;

    child.send("leave");
    EXPECT_EQ(child.receive(10s), std::optional<std::string>("left"));
    const auto after = net_.ip(net_.ns_b(), {"-4", "addr", "show", "dev", net_.if_b()}).output;
    EXPECT_EQ(after.find("inet 203.0.113."), std::string::npos) << after;
    EXPECT_EQ(wpa_cli({"list_networks"}).find("wizfi250d"), std::string::npos);
    child.send("exit");
    EXPECT_EQ(child.wait(10s), 0) << itest::read_file(log);
}

// ---- WSCAN: no radio here, so a stand-in control socket answers SCAN_RESULTS ----

class WscanThroughTheSerialPort : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_FALSE(dir_.path().empty());
        d_ = dir_.path();
        std::filesystem::create_directories(d_ + "/ctrl");
        spdlog::set_level(spdlog::level::warn);
    }
    itest::TempDir dir_;
    std::string d_;
};

TEST_F(WscanThroughTheSerialPort, NineFieldLinesFromCannedBssLines) {
    boost::asio::io_context io;
    testing::StandInWpaSupplicant standin(io, d_ + "/ctrl/wlan-standin");
    standin.scan_lines = {
        "00:08:dc:11:22:33\t2412\t-47\t[WPA2-PSK-CCMP][ESS]\tWizFiAP",
        "00:08:dc:11:22:34\t2462\t-71\t[WPA-PSK-TKIP][WPA2-PSK-CCMP+TKIP][ESS]\tMixed AP",
        "00:08:dc:11:22:35\t5745\t-80\t[ESS]\tOpen5",
        "00:08:dc:11:22:36\t2437\t-60\t[WEP][IBSS]\tAdhoc",
    };
    // 802.11n, one stream, 20 MHz, short GI: 72.2 Mbit/s.
    standin.bss_ies["00:08:dc:11:22:33"] =
        "0108828b0c1218243048"  // rates up to 36 Mbit/s
        "2d1a"
        "2000"
        "17"
        "ff" +
        std::string(30, '0') + std::string(14, '0');  // HT capabilities
    WpaBackendOptions o;
    o.interface = "wlan-standin";
    o.ctrl_dir = d_ + "/ctrl";
    o.runtime_dir = d_ + "/run";
    o.scan_timeout = 2s;
    o.ping_interval = 0ms;
    DaemonSettings settings;
    settings.state_dir = d_ + "/state";
    settings.runtime_dir = d_ + "/run";
    settings.reboot_delay = 10ms;
    SerialLink link(io, SerialSpec{SerialSpec::Kind::pty, d_ + "/tty"});
    struct NoIp final : IpConfigurator {
        void configure(const std::string&, const std::optional<StaticAddress>&,
                       Done done) override {
            done(std::nullopt);
        }
        void release(const std::string&) override {}
    };
    Module module(io, settings, link, make_wpa_supplicant_backend(io, o, std::make_unique<NoIp>()));
    link.start(
        module.profile().uart, [&](std::string_view bytes) { module.on_serial_input(bytes); },
        [] {});
    module.start();
    const int host = ::open((d_ + "/tty").c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK);
    ASSERT_GE(host, 0);
    std::string received;
    const auto read_until = [&](const std::string& end) {
        return run_until(
            io,
            [&] {
                std::array<char, 4096> buffer{};
                const ssize_t n = ::read(host, buffer.data(), buffer.size());
                if (n > 0) received.append(buffer.data(), static_cast<std::size_t>(n));
                return received.find(end) != std::string::npos;
            },
            10s);
    };
    ASSERT_TRUE(read_until("(WIZnet Co.Ltd)\r\n")) << received;
    ASSERT_TRUE(run_until(
        io, [&] { return standin.attached() == 1; }, 5s));
    received.clear();
    const std::string command = "AT+WSCAN\r";
    ASSERT_EQ(::write(host, command.data(), command.size()), static_cast<ssize_t>(command.size()));
    ASSERT_TRUE(read_until("[OK]\r\n")) << received;
    EXPECT_EQ(received,
              "AT+WSCAN\r\n"
              "Index/SSID/BSSID/RSSI(-dBm)/MaxDataRate(Mbps)/Security/RadioBand(GHz)/Channel\r\n"
              "001/WizFiAP/00:08:DC:11:22:33/-47/72.2/Infra/WPA2/2.4/1\r\n"
              "002/Mixed AP/00:08:DC:11:22:34/-71/54.0/Infra/WPA2-Mixed/2.4/11\r\n"
              "003/Open5/00:08:DC:11:22:35/-80/54.0/Infra/Open/5/149\r\n"
              "004/Adhoc/00:08:DC:11:22:36/-60/54.0/Adhoc/WEP/2.4/6\r\n"
              "[OK]\r\n");

    received.clear();
    const std::string filtered = "AT+WSCAN=,00:08:DC:11:22:35\r";
    ASSERT_EQ(::write(host, filtered.data(), filtered.size()),
              static_cast<ssize_t>(filtered.size()));
    ASSERT_TRUE(read_until("[OK]\r\n")) << received;
    EXPECT_EQ(
        received,
        filtered +
            "\n"
            "Index/SSID/BSSID/RSSI(-dBm)/MaxDataRate(Mbps)/Security/RadioBand(GHz)/Channel\r\n"
            "001/Open5/00:08:DC:11:22:35/-80/54.0/Infra/Open/5/149\r\n"
            "[OK]\r\n");
    ::close(host);
}

}  // namespace
}  // namespace wizfi250d
