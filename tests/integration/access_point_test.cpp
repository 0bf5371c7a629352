// SPDX-License-Identifier: Apache-2.0
// AccessPoint in a network namespace: hostapd (driver=wired: this machine has no Wi-Fi radio,
// research/test-environment.md §3.1) and dnsmasq start, a client in another namespace gets
// AP-IP+1 from the DHCP server with udhcpc, and everything stops cleanly.
//
//   ns A (the AP)                            ns B (a client)
//   AccessPoint in a child process that      udhcpc -q -n -s /bin/true (never the default
//   entered ns A: hostapd, 203.0.113.1/24,    script, which rewrites /etc/resolv.conf)
//   dnsmasq (DHCP only)
//          if_a  <============ veth ============>  if_b

#include <gtest/gtest.h>
#include <signal.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "../../src/wifi/child_process.hpp"
#include "netns.hpp"
#include "wizfi250d/wifi/access_point.hpp"

namespace wizfi250d {
namespace {

using namespace std::chrono_literals;
using itest::NetnsPair;
using itest::NsChild;

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        if (condition()) return true;
        std::this_thread::sleep_for(50ms);
    }
    return condition();
}

// The AccessPoint side, inside ns A. Protocol:
//   → "started" | "failed"
//   → "failure" when a helper died while the AP was up (and the AP is down again)
//   ← "stop" → "stopped";  ← "exit"
int access_point_child(NsChild::Channel& channel, AccessPointSettings settings,
                       AccessPointOptions options, const std::string& log_path) {
    auto logger = spdlog::basic_logger_mt("child", log_path);
    logger->set_level(spdlog::level::debug);
    logger->flush_on(spdlog::level::debug);
    spdlog::set_default_logger(logger);

    boost::asio::io_context io;
    auto ap = std::make_unique<AccessPoint>(io, options);
    ap->on_failure(
        [&channel, &ap] { channel.send(ap->running() ? "failure while running" : "failure"); });
    std::optional<bool> started;
    ap->start(settings, [&](bool ok) { started = ok; });
    const auto limit = std::chrono::steady_clock::now() + 30s;
    while (!started && std::chrono::steady_clock::now() < limit)
        io.run_one_for(50ms);
    channel.send(started && *started && ap->running() ? "started" : "failed");
    bool quit = false;
    while (!quit) {
        if (io.stopped()) io.restart();
        io.run_for(20ms);
        const auto command = channel.poll();
        if (!command) continue;
        if (*command == "stop")
            ap->stop([&channel] { channel.send("stopped"); });
        else if (*command == "exit")
            quit = true;
    }
    ap.reset();
    spdlog::default_logger()->flush();
    return 0;
}

class AccessPointTest : public ::testing::Test {
protected:
    void SetUp() override {
        const auto reason = itest::netns_unavailable_reason();
        if (!reason.empty()) GTEST_SKIP() << reason;
        for (const char* program : {"hostapd", "dnsmasq", "udhcpc"}) {
            if (find_program(program).empty()) GTEST_SKIP() << program << " is not installed";
        }
        std::string detail;
        if (!itest::test_net_free_in_root(detail))
            GTEST_SKIP() << "203.0.113.0/24 is in use in the root namespace:\n" << detail;
        ASSERT_FALSE(dir_.path().empty());
        std::string error;
        ASSERT_TRUE(net_.create(error)) << error;
        ASSERT_EQ(net_.ip(net_.ns_b(), {"link", "set", net_.if_b(), "up"}).exit_code, 0);
        resolv_conf_before_ = itest::read_file("/etc/resolv.conf");
        check_resolv_conf_ = true;
    }

    void TearDown() override {
        if (std::getenv("WIZFI250D_ITEST_LOGS") != nullptr)
            std::printf("---- child log ----\n%s\n", child_log().c_str());
        if (check_resolv_conf_) {
            EXPECT_EQ(itest::read_file("/etc/resolv.conf"), resolv_conf_before_);
        }
    }

    AccessPointSettings settings(Security security, const std::string& key) const {
        AccessPointSettings s;
        s.interface = net_.if_a();
        s.ssid = "WizFiTestAP";
        s.channel = 6;
        s.security = security;
        s.key = key;
        s.address = *parse_ipv4("203.0.113.1");
        s.netmask = *parse_ipv4("255.255.255.0");
        return s;
    }

    AccessPointOptions options() const {
        AccessPointOptions o;
        o.runtime_dir = dir_.path() + "/run";
        o.hostapd_driver = "wired";
        return o;
    }

    std::string child_log() const { return itest::read_file(dir_.path() + "/child.log"); }
    std::string ap_addresses() {
        return net_.ip(net_.ns_a(), {"-4", "addr", "show", "dev", net_.if_a()}).output;
    }

    void run_access_point(Security security, const std::string& key);

    itest::TempDir dir_;
    NetnsPair net_;
    std::string resolv_conf_before_;
    bool check_resolv_conf_ = false;
};

void AccessPointTest::run_access_point(Security security, const std::string& key) {
    const auto s = settings(security, key);
    const auto o = options();
    const std::string log = dir_.path() + "/child.log";
    NsChild child;
    ASSERT_TRUE(child.start(net_.ns_a(), [&](NsChild::Channel& channel) {
        return access_point_child(channel, s, o, log);
    }));
    ASSERT_EQ(child.receive(40s).value_or("(nothing)"), "started") << child_log();

    // The AP address is set, inside ns A only.
    EXPECT_NE(ap_addresses().find("inet 203.0.113.1/24"), std::string::npos) << ap_addresses();
    const pid_t child_pid = child.pid();
    EXPECT_EQ(net_.pids(net_.ns_a()).size(), 3U) << "the child, hostapd and dnsmasq";
    // The hostapd configuration holds the key: mode 0600.
    const std::string conf = o.runtime_dir + "/hostapd-" + net_.if_a() + ".conf";
    struct stat st {};
    ASSERT_EQ(::stat(conf.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);

    // A client in ns B gets AP-IP+1 (dnsmasq --dhcp-sequential-ip), with the AP as router.
    const auto dhcp = itest::run({"ip", "netns", "exec", net_.ns_b(), "udhcpc", "-f", "-q", "-n",
                                  "-t", "5", "-T", "1", "-i", net_.if_b(), "-s", "/bin/true"},
                                 20s);
    EXPECT_EQ(dhcp.exit_code, 0) << dhcp.output;
    EXPECT_NE(dhcp.output.find("lease of 203.0.113.2 obtained from 203.0.113.1"), std::string::npos)
        << dhcp.output;
    // The 1-day lease.
    EXPECT_NE(dhcp.output.find("lease time 86400"), std::string::npos) << dhcp.output;

    child.send("stop");
    EXPECT_EQ(child.receive(15s).value_or("(nothing)"), "stopped") << child_log();
    EXPECT_TRUE(eventually(
        [&] {
            const auto pids = net_.pids(net_.ns_a());
            return pids.size() == 1 && pids[0] == child_pid;
        },
        5s))
        << "hostapd or dnsmasq still runs";
    EXPECT_EQ(ap_addresses().find("203.0.113."), std::string::npos) << ap_addresses();
    EXPECT_FALSE(std::filesystem::exists(conf));
    child.send("exit");
    EXPECT_EQ(child.wait(10s), 0) << child_log();
    if (!key.empty()) {
        EXPECT_EQ(child_log().find(key), std::string::npos) << "the passphrase is in the log";
    }
}

TEST_F(AccessPointTest, OpenApGivesClientsApPlusOne) {
    run_access_point(Security::open, "");
}

TEST_F(AccessPointTest, Wpa2ApStartsAndServesDhcp) {
    run_access_point(Security::wpa2_aes, "Passphrase-Never-Logged");
}

TEST_F(AccessPointTest, HelperDyingTakesTheApDown) {
    const auto s = settings(Security::open, "");
    const auto o = options();
    const std::string log = dir_.path() + "/child.log";
    NsChild child;
    ASSERT_TRUE(child.start(net_.ns_a(), [&](NsChild::Channel& channel) {
        return access_point_child(channel, s, o, log);
    }));
    ASSERT_EQ(child.receive(40s).value_or("(nothing)"), "started") << child_log();
    const std::string pid_text =
        itest::read_file(o.runtime_dir + "/dnsmasq-" + net_.if_a() + ".pid");
    const pid_t dnsmasq = static_cast<pid_t>(std::atol(pid_text.c_str()));
    ASSERT_GT(dnsmasq, 1) << pid_text;
    // It is dnsmasq, inside ns A.
    const auto pids = net_.pids(net_.ns_a());
    ASSERT_NE(std::find(pids.begin(), pids.end(), dnsmasq), pids.end());
    ASSERT_NE(itest::read_file("/proc/" + std::to_string(dnsmasq) + "/comm").find("dnsmasq"),
              std::string::npos);
    ::kill(dnsmasq, SIGKILL);
    EXPECT_EQ(child.receive(15s).value_or("(nothing)"), "failure") << child_log();
    const pid_t child_pid = child.pid();
    EXPECT_TRUE(eventually(
        [&] {
            const auto left = net_.pids(net_.ns_a());
            return left.size() == 1 && left[0] == child_pid;
        },
        5s))
        << "hostapd still runs";
    EXPECT_EQ(ap_addresses().find("203.0.113."), std::string::npos) << ap_addresses();
    child.send("exit");
    EXPECT_EQ(child.wait(10s), 0) << child_log();
}

TEST_F(AccessPointTest, HostapdThatCannotStartEndsTheStart) {
    // nl80211 on a veth: hostapd exits at once (there is no radio); nothing is left behind.
    const auto s = settings(Security::open, "");
    auto o = options();
    o.hostapd_driver = "nl80211";
    const std::string log = dir_.path() + "/child.log";
    NsChild child;
    ASSERT_TRUE(child.start(net_.ns_a(), [&](NsChild::Channel& channel) {
        return access_point_child(channel, s, o, log);
    }));
    EXPECT_EQ(child.receive(40s).value_or("(nothing)"), "failed") << child_log();
    const pid_t child_pid = child.pid();
    EXPECT_TRUE(eventually(
        [&] {
            const auto left = net_.pids(net_.ns_a());
            return left.size() == 1 && left[0] == child_pid;
        },
        5s));
    EXPECT_EQ(ap_addresses().find("203.0.113."), std::string::npos) << ap_addresses();
    EXPECT_FALSE(std::filesystem::exists(o.runtime_dir + "/hostapd-" + net_.if_a() + ".conf"));
    child.send("exit");
    EXPECT_EQ(child.wait(10s), 0) << child_log();
}

TEST_F(AccessPointTest, WepIsRefusedAndNothingStarts) {
    const auto s = settings(Security::wep, "12345");
    const auto o = options();
    const std::string log = dir_.path() + "/child.log";
    NsChild child;
    ASSERT_TRUE(child.start(net_.ns_a(), [&](NsChild::Channel& channel) {
        return access_point_child(channel, s, o, log);
    }));
    EXPECT_EQ(child.receive(10s).value_or("(nothing)"), "failed") << child_log();
    EXPECT_EQ(net_.pids(net_.ns_a()).size(), 1U);
    child.send("exit");
    EXPECT_EQ(child.wait(10s), 0) << child_log();
}

}  // namespace
}  // namespace wizfi250d
