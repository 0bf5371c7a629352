// SPDX-License-Identifier: Apache-2.0
// IpConfigurator in a network namespace: DHCP with each installed client against dnsmasq, the
// name servers it reports (and a DnsClient lookup through them), /etc/resolv.conf untouched,
// static configuration through rtnetlink, release, and the DHCP timeout.
//
//   ns A (the "AP")                      ns B (the "STA")
//   dnsmasq: DHCP 203.0.113.100-150,     the IpConfigurator in a child process that entered
//   router and DNS 203.0.113.1,           ns B (setns) before starting any thread
//   echo.test -> 203.0.113.1
//          if_a 203.0.113.1/24  <== veth ==>  if_b (down until the configurator brings it up)

#include <gtest/gtest.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/spdlog.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <thread>

#include "../../src/wifi/child_process.hpp"
#include "daemon_wifi_support.hpp"
#include "netns.hpp"
#include "wizfi250d/net/dns_client.hpp"
#include "wizfi250d/wifi/ip_config.hpp"

namespace wizfi250d {
namespace {

using namespace std::chrono_literals;
using itest::NetnsPair;
using itest::NsChild;

std::vector<std::string> words(const std::string& line) {
    std::istringstream in(line);
    std::vector<std::string> out;
    std::string w;
    while (in >> w)
        out.push_back(w);
    return out;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        if (condition()) return true;
        std::this_thread::sleep_for(50ms);
    }
    return condition();
}

void log_to_file(const std::string& path) {
    auto logger = spdlog::basic_logger_mt("child", path);
    logger->set_level(spdlog::level::debug);
    logger->flush_on(spdlog::level::debug);
    spdlog::set_default_logger(logger);
}

// The line for what configure() gave: "lease <ip> <mask> <gateway> <dns>..." or "nolease".
std::string lease_line(const std::optional<std::optional<IpLease>>& result) {
    if (!result || !*result) return "nolease";
    const auto& l = **result;
    std::string line = "lease " + l.address.to_string() + " " + l.netmask.to_string() + " " +
                       l.gateway.to_string();
    for (const auto& d : l.dns_servers)
        line += " " + d.to_string();
    return line;
}

// The IpConfigurator side, inside ns B. Protocol (one line each):
//   → "lease <ip> <mask> <gateway> <dns>..." or "nolease"
//   ← "resolve <name>"  → "resolved <ip>" | "resolved none"
//   ← "release"         → "released"
//   ← "again"           → a release and at once a new configure: "lease ..." or "nolease"
//   ← "exit"
int configurator_child(NsChild::Channel& channel, const std::string& interface,
                       IpConfigOptions options, std::optional<StaticAddress> address,
                       bool dhcpcd_mounts, const std::string& log_path) {
    if (dhcpcd_mounts) {
        // dhcpcd keeps its state in /run/dhcpcd and /var/lib/dhcpcd: private tmpfs copies in
        // this child's own mount namespace (research/test-environment.md §5.2).
        if (::mount("tmpfs", "/run", "tmpfs", 0, "mode=0755") != 0) return 6;
        if (std::filesystem::is_directory("/var/lib/dhcpcd") &&
            ::mount("tmpfs", "/var/lib/dhcpcd", "tmpfs", 0, "mode=0755") != 0)
            return 6;
    }
    log_to_file(log_path);
    boost::asio::io_context io;
    auto configurator = make_ip_configurator(io, options);
    std::optional<std::optional<IpLease>> result;
    const auto configure = [&] {
        result.reset();
        configurator->configure(interface, address,
                                [&](std::optional<IpLease> lease) { result = std::move(lease); });
        const auto limit = std::chrono::steady_clock::now() + options.dhcp_timeout + 10s;
        while (!result && std::chrono::steady_clock::now() < limit) {
            if (io.stopped()) io.restart();
            io.run_one_for(50ms);
        }
        channel.send(lease_line(result));
    };
    configure();
    DnsClient dns(io);
    bool quit = false;
    while (!quit) {
        if (io.stopped()) io.restart();
        io.run_for(20ms);
        const auto command = channel.poll();
        if (!command) continue;
        if (*command == "release") {
            configurator->release(interface);
            channel.send("released");
        } else if (*command == "again") {
            configurator->release(interface);
            configure();
        } else if (command->rfind("resolve ", 0) == 0 && result && *result) {
            dns.resolve(command->substr(8), (*result)->dns_servers, 3000ms,
                        [&channel](std::optional<Ipv4> a) {
                            channel.send("resolved " + (a ? a->to_string() : "none"));
                        });
        } else if (*command == "exit") {
            quit = true;
        }
    }
    configurator.reset();
    spdlog::default_logger()->flush();
    return 0;
}

class IpConfigTest : public ::testing::Test {
protected:
    void SetUp() override {
        const auto reason = itest::netns_unavailable_reason();
        if (!reason.empty()) GTEST_SKIP() << reason;
        std::string detail;
        if (!itest::test_net_free_in_root(detail))
            GTEST_SKIP() << "203.0.113.0/24 is in use in the root namespace:\n" << detail;
        ASSERT_FALSE(dir_.path().empty());
        runtime_dir_ = dir_.path() + "/run";
        std::string error;
        ASSERT_TRUE(net_.create(error)) << error;
        ASSERT_EQ(
            net_.ip(net_.ns_a(), {"addr", "add", "203.0.113.1/24", "dev", net_.if_a()}).exit_code,
            0);
        ASSERT_EQ(net_.ip(net_.ns_a(), {"link", "set", net_.if_a(), "up"}).exit_code, 0);
        // Check that the test address is where it should be (inside ns A) before anything is
        // sent.
        const auto a = net_.ip(net_.ns_a(), {"-4", "addr", "show", "dev", net_.if_a()});
        ASSERT_NE(a.output.find("inet 203.0.113.1/24"), std::string::npos) << a.output;
        resolv_conf_before_ = itest::read_file("/etc/resolv.conf");
        check_resolv_conf_ = true;
    }

    void TearDown() override {
        if (std::getenv("WIZFI250D_ITEST_LOGS") != nullptr)
            std::printf("---- child log ----\n%s\n", child_log().c_str());
        dnsmasq_.stop();
        if (check_resolv_conf_) {
            EXPECT_EQ(itest::read_file("/etc/resolv.conf"), resolv_conf_before_)
                << "/etc/resolv.conf changed";
        }
    }

    void start_dhcp_server() {
        if (find_program("dnsmasq").empty()) GTEST_SKIP() << "dnsmasq is not installed";
        const std::string d = dir_.path();
        itest::DhcpServerSetup dhcp(net_.ns_a(), net_.if_a(), "203.0.113.1", d);
        ASSERT_TRUE(dnsmasq_.start(itest::dnsmasq_command(dhcp), d + "/dnsmasq.out"));
        ASSERT_TRUE(eventually(
            [&] {
                return itest::read_file(d + "/dnsmasq.log").find("DHCP, IP range") !=
                       std::string::npos;
            },
            5s))
            << itest::read_file(d + "/dnsmasq.out");
    }

    std::string addresses() {
        return net_.ip(net_.ns_b(), {"-4", "addr", "show", "dev", net_.if_b()}).output;
    }
    std::string default_route() {
        return net_.ip(net_.ns_b(), {"-4", "route", "show", "default"}).output;
    }
    // Only the configurator's own process is left in ns B (the DHCP client is gone).
    bool only_child_in_ns_b(pid_t child) {
        const auto pids = net_.pids(net_.ns_b());
        return pids.size() == 1 && pids[0] == child;
    }
    std::string child_log() const { return itest::read_file(dir_.path() + "/child.log"); }

    // Starts the DHCP server and, in ns B, the configurator child with `client`; false (the test
    // skipped or failed) when it could not.
    bool start_dhcp_child(const std::string& client, NsChild& child);
    void run_dhcp(const std::string& client);

    itest::TempDir dir_;
    NetnsPair net_;
    itest::Process dnsmasq_;
    std::string runtime_dir_;
    std::string resolv_conf_before_;
    bool check_resolv_conf_ = false;
};

bool IpConfigTest::start_dhcp_child(const std::string& client, NsChild& child) {
    if (find_program(client).empty()) {
        ADD_FAILURE() << client << " is not installed";
        return false;
    }
    start_dhcp_server();
    if (HasFatalFailure() || IsSkipped()) return false;

    IpConfigOptions options;
    options.dhcp_client = client;
    options.runtime_dir = runtime_dir_;
    options.dhcp_timeout = 15s;
    const std::string interface = net_.if_b();
    const std::string log = dir_.path() + "/child.log";
    const bool started = child.start(
        net_.ns_b(),
        [=](NsChild::Channel& channel) {
            return configurator_child(channel, interface, options, std::nullopt, client == "dhcpcd",
                                      log);
        },
        client == "dhcpcd");
    EXPECT_TRUE(started);
    return started;
}

void IpConfigTest::run_dhcp(const std::string& client) {
    if (find_program(client).empty()) GTEST_SKIP() << client << " is not installed";
    NsChild child;
    if (!start_dhcp_child(client, child)) return;

    const auto lease = child.receive(30s);
    ASSERT_TRUE(lease) << "no answer from the child\n" << child_log();
    const auto w = words(*lease);
    ASSERT_GE(w.size(), 4U) << *lease << "\n" << child_log();
    ASSERT_EQ(w[0], "lease") << *lease << "\n" << child_log();
    const auto address = parse_ipv4(w[1]);
    ASSERT_TRUE(address);
    EXPECT_GE(address->octets[3], 100);
    EXPECT_LE(address->octets[3], 150);
    EXPECT_EQ(w[1].rfind("203.0.113.", 0), 0U);
    EXPECT_EQ(w[2], "255.255.255.0");
    EXPECT_EQ(w[3], "203.0.113.1");
    // The DHCP name server, then 8.8.8.8 (spec §2.2 WNET).
    EXPECT_EQ(std::vector<std::string>(w.begin() + 4, w.end()),
              (std::vector<std::string>{"203.0.113.1", "8.8.8.8"}));

    // The daemon applied the lease itself.
    EXPECT_NE(addresses().find("inet " + w[1] + "/24"), std::string::npos) << addresses();
    EXPECT_NE(default_route().find("default via 203.0.113.1 dev " + net_.if_b()), std::string::npos)
        << default_route();

    // The hook: in the runtime directory, mode 0700.
    struct stat st {};
    ASSERT_EQ(::stat((runtime_dir_ + "/dhcp-hook.sh").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700U);

    // A name through the name servers the lease gave (dnsmasq's --host-record).
    child.send("resolve echo.test");
    EXPECT_EQ(child.receive(10s).value_or("(nothing)"), "resolved 203.0.113.1");
    child.send("resolve nonexist.test");
    EXPECT_EQ(child.receive(10s).value_or("(nothing)"), "resolved none");

    child.send("release");
    EXPECT_EQ(child.receive(10s).value_or("(nothing)"), "released");
    const pid_t child_pid = child.pid();
    EXPECT_TRUE(eventually([&] { return only_child_in_ns_b(child_pid); }, 5s))
        << "the DHCP client is still running";
    EXPECT_EQ(addresses().find("203.0.113."), std::string::npos) << addresses();
    EXPECT_EQ(default_route().find("default"), std::string::npos) << default_route();

    child.send("exit");
    EXPECT_EQ(child.wait(10s), 0) << child_log();
}

TEST_F(IpConfigTest, DhcpWithUdhcpc) {
    run_dhcp("udhcpc");
}

TEST_F(IpConfigTest, DhcpWithDhcpcd) {
    run_dhcp("dhcpcd");
}

TEST_F(IpConfigTest, DhcpWithDhclient) {
    run_dhcp("dhclient");
}

// A new DHCP client on an interface waits until the one released there has exited: dhcpcd that
// finds an instance still running hands it its arguments and ends instead of asking for a lease.
TEST_F(IpConfigTest, DhcpAgainRightAfterAReleaseGetsALeaseWithEveryClient) {
    for (const std::string client : {"udhcpc", "dhcpcd", "dhclient"}) {
        SCOPED_TRACE(client);
        if (find_program(client).empty()) continue;
        NsChild child;
        if (!start_dhcp_child(client, child)) return;
        const auto first = child.receive(30s);
        ASSERT_EQ(words(first.value_or("(nothing)")).at(0), "lease") << child_log();
        for (int round = 0; round < 3; ++round) {
            child.send("again");
            const auto again = child.receive(40s);
            EXPECT_EQ(words(again.value_or("(nothing)")).at(0), "lease")
                << "round " << round << ": " << again.value_or("(nothing)") << "\n"
                << child_log();
        }
        child.send("release");
        EXPECT_EQ(child.receive(10s).value_or("(nothing)"), "released");
        const pid_t child_pid = child.pid();
        EXPECT_TRUE(eventually([&] { return only_child_in_ns_b(child_pid); }, 5s))
            << "the DHCP client is still running";
        child.send("exit");
        EXPECT_EQ(child.wait(10s), 0) << child_log();
        dnsmasq_.stop();
    }
}

TEST_F(IpConfigTest, StaticAddressAndDefaultRoute) {
    IpConfigOptions options;
    options.runtime_dir = runtime_dir_;
    StaticAddress address;
    address.address = *parse_ipv4("203.0.113.50");
    address.netmask = *parse_ipv4("255.255.255.0");
    address.gateway = *parse_ipv4("203.0.113.1");
    address.dns_servers = {*parse_ipv4("203.0.113.53"), *parse_ipv4("203.0.113.54")};
    NsChild child;
    const std::string interface = net_.if_b();
    const std::string log = dir_.path() + "/child.log";
    ASSERT_TRUE(child.start(net_.ns_b(), [&](NsChild::Channel& channel) {
        return configurator_child(channel, interface, options, address, false, log);
    }));
    EXPECT_EQ(child.receive(10s).value_or("(nothing)"),
              "lease 203.0.113.50 255.255.255.0 203.0.113.1 203.0.113.53 203.0.113.54")
        << child_log();
    EXPECT_NE(addresses().find("inet 203.0.113.50/24 brd 203.0.113.255"), std::string::npos)
        << addresses();
    EXPECT_NE(default_route().find("default via 203.0.113.1 dev " + net_.if_b()), std::string::npos)
        << default_route();
    // The link is really usable: the AP side answers a ping from ns B.
    std::vector<std::string> ping{"ip", "netns", "exec", net_.ns_b()};
    if (!find_program("ping").empty())
        ping.push_back("ping");
    else if (!find_program("busybox").empty())
        ping.insert(ping.end(), {"busybox", "ping"});
    if (ping.size() > 4) {
        ping.insert(ping.end(), {"-c", "1", "-W", "2", "203.0.113.1"});
        const auto r = itest::run(ping);
        EXPECT_EQ(r.exit_code, 0) << r.output;
    }

    child.send("release");
    EXPECT_EQ(child.receive(10s).value_or("(nothing)"), "released");
    EXPECT_EQ(addresses().find("203.0.113."), std::string::npos) << addresses();
    EXPECT_EQ(default_route().find("default"), std::string::npos) << default_route();
    child.send("exit");
    EXPECT_EQ(child.wait(10s), 0) << child_log();
}

TEST_F(IpConfigTest, NoDhcpServerTimesOut) {
    if (find_program("udhcpc").empty() && find_program("dhcpcd").empty() &&
        find_program("dhclient").empty())
        GTEST_SKIP() << "no DHCP client installed";
    IpConfigOptions options;
    options.runtime_dir = runtime_dir_;
    options.dhcp_timeout = 2s;
    NsChild child;
    const std::string interface = net_.if_b();
    const std::string log = dir_.path() + "/child.log";
    ASSERT_TRUE(child.start(net_.ns_b(), [&](NsChild::Channel& channel) {
        return configurator_child(channel, interface, options, std::nullopt, false, log);
    }));
    EXPECT_EQ(child.receive(20s).value_or("(nothing)"), "nolease") << child_log();
    const pid_t child_pid = child.pid();
    EXPECT_TRUE(eventually([&] { return only_child_in_ns_b(child_pid); }, 5s))
        << "the DHCP client is still running";
    EXPECT_EQ(addresses().find("203.0.113."), std::string::npos) << addresses();
    child.send("exit");
    EXPECT_EQ(child.wait(10s), 0) << child_log();
}

TEST_F(IpConfigTest, UnknownInterfaceFails) {
    IpConfigOptions options;
    options.runtime_dir = runtime_dir_;
    NsChild child;
    const std::string log = dir_.path() + "/child.log";
    ASSERT_TRUE(child.start(net_.ns_b(), [&](NsChild::Channel& channel) {
        return configurator_child(channel, "wznosuchif0", options, std::nullopt, false, log);
    }));
    EXPECT_EQ(child.receive(10s).value_or("(nothing)"), "nolease") << child_log();
    child.send("exit");
    EXPECT_EQ(child.wait(10s), 0) << child_log();
}

}  // namespace
}  // namespace wizfi250d
