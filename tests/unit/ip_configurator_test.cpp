// SPDX-License-Identifier: Apache-2.0
// The IpConfigurator parts that need no root: the DHCP hook it writes (run here with the
// environment each DHCP client gives it) and the failures that end configure() at once. The
// real DHCP and static runs are in tests/integration/ip_config_test.cpp.

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>
#include <map>

#include "wizfi250d/wifi/ip_config.hpp"

namespace wizfi250d {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class IpConfiguratorTest : public ::testing::Test {
protected:
    void SetUp() override {
        char name[] = "/tmp/wizfi250d-ipcfg-unit-XXXXXX";
        ASSERT_NE(::mkdtemp(name), nullptr);
        dir_ = name;
        runtime_dir_ = dir_ + "/run";  // does not exist yet: the configurator makes it
        options_.runtime_dir = runtime_dir_;
    }
    void TearDown() override {
        std::error_code ignored;
        fs::remove_all(dir_, ignored);
    }

    // Runs the hook with exactly `env` (plus PATH) and `arg` as $1 (empty: none); its exit code.
    int run_hook(const std::map<std::string, std::string>& env, const std::string& arg = "") {
        std::vector<std::string> strings{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
        for (const auto& [k, v] : env)
            strings.push_back(k + "=" + v);
        std::vector<char*> envp;
        for (auto& s : strings)
            envp.push_back(s.data());
        envp.push_back(nullptr);
        std::string hook = runtime_dir_ + "/dhcp-hook.sh";
        std::string a = arg;
        std::vector<char*> argv{hook.data()};
        if (!a.empty()) argv.push_back(a.data());
        argv.push_back(nullptr);
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::execve(argv[0], argv.data(), envp.data());
            ::_exit(127);
        }
        int status = 0;
        ::waitpid(pid, &status, 0);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    std::string lease_file(const std::string& interface) {
        std::ifstream in(runtime_dir_ + "/dhcp-" + interface + ".lease");
        return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    }

    boost::asio::io_context io_;
    std::string dir_;
    std::string runtime_dir_;
    IpConfigOptions options_;
};

TEST_F(IpConfiguratorTest, WritesItsHookMode0700IntoTheRuntimeDirectory) {
    auto configurator = make_ip_configurator(io_, options_);
    struct stat st {};
    ASSERT_EQ(::stat((runtime_dir_ + "/dhcp-hook.sh").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700U);
    ASSERT_EQ(::stat(runtime_dir_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700U);
    // The commands (comments left out): nothing about resolv.conf, /etc, or configuring the
    // interface; the only file written is in the runtime directory.
    std::ifstream in(runtime_dir_ + "/dhcp-hook.sh");
    std::string code;
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("#", 0) != 0) code += line + "\n";
    }
    EXPECT_EQ(code.find("resolv"), std::string::npos) << code;
    EXPECT_EQ(code.find("/etc"), std::string::npos) << code;
    EXPECT_EQ(code.find("ip addr"), std::string::npos) << code;
    EXPECT_EQ(code.find("ip route"), std::string::npos) << code;
    EXPECT_NE(code.find("dir='" + runtime_dir_ + "'"), std::string::npos) << code;
}

TEST_F(IpConfiguratorTest, HookRecordsUdhcpcEvents) {
    auto configurator = make_ip_configurator(io_, options_);
    EXPECT_EQ(run_hook({{"interface", "wlan9"},
                        {"ip", "203.0.113.107"},
                        {"subnet", "255.255.255.0"},
                        {"mask", "24"},
                        {"router", "203.0.113.1 203.0.113.2"},
                        {"dns", "203.0.113.53 203.0.113.54"},
                        {"lease", "120"}},
                       "bound"),
              0);
    EXPECT_EQ(lease_file("wlan9"),
              "event=bound\nip=203.0.113.107\nmask=255.255.255.0\nrouter=203.0.113.1 "
              "203.0.113.2\ndns=203.0.113.53 203.0.113.54\nlease=120\n");
    EXPECT_EQ(run_hook({{"interface", "wlan9"}}, "deconfig"), 0);
    EXPECT_EQ(lease_file("wlan9"), "event=lost\nip=\nmask=\nrouter=\ndns=\nlease=\n");
    EXPECT_EQ(run_hook({{"interface", "wlan9"}}, "leasefail"), 0);
    EXPECT_EQ(lease_file("wlan9").substr(0, 11), "event=lost\n");
}

TEST_F(IpConfiguratorTest, HookRecordsDhclientAndDhcpcdEvents) {
    auto configurator = make_ip_configurator(io_, options_);
    const std::map<std::string, std::string> bound{{"reason", "BOUND"},
                                                   {"interface", "eth7"},
                                                   {"new_ip_address", "203.0.113.108"},
                                                   {"new_subnet_mask", "255.255.255.0"},
                                                   {"new_routers", "203.0.113.1"},
                                                   {"new_domain_name_servers", "203.0.113.1"},
                                                   {"new_dhcp_lease_time", "120"}};
    EXPECT_EQ(run_hook(bound), 0);
    EXPECT_EQ(lease_file("eth7"),
              "event=bound\nip=203.0.113.108\nmask=255.255.255.0\nrouter=203.0.113.1\n"
              "dns=203.0.113.1\nlease=120\n");
    EXPECT_EQ(run_hook({{"reason", "EXPIRE"}, {"interface", "eth7"}}), 0);
    EXPECT_EQ(lease_file("eth7").substr(0, 11), "event=lost\n");
    // Events that say nothing about the lease leave the file alone.
    fs::remove(runtime_dir_ + "/dhcp-eth7.lease");
    EXPECT_EQ(run_hook({{"reason", "PREINIT"}, {"interface", "eth7"}}), 0);
    EXPECT_EQ(run_hook({{"reason", "CARRIER"}, {"interface", "eth7"}}), 0);
    EXPECT_FALSE(fs::exists(runtime_dir_ + "/dhcp-eth7.lease"));
    // dhclient must not fall back on an old lease.
    EXPECT_EQ(run_hook({{"reason", "TIMEOUT"}, {"interface", "eth7"}}), 1);
}

TEST_F(IpConfiguratorTest, HookIgnoresStrangeInterfaceNames) {
    auto configurator = make_ip_configurator(io_, options_);
    EXPECT_EQ(run_hook({{"interface", "../evil"}, {"ip", "203.0.113.1"}}, "bound"), 0);
    EXPECT_EQ(run_hook({{"ip", "203.0.113.1"}}, "bound"), 0);
    EXPECT_FALSE(fs::exists(dir_ + "/evil.lease"));
    EXPECT_FALSE(fs::exists(dir_ + "/dhcp-../evil.lease"));
    // Only the hook itself is in the runtime directory.
    std::size_t files = 0;
    for (const auto& entry : fs::directory_iterator(runtime_dir_)) {
        (void)entry;
        ++files;
    }
    EXPECT_EQ(files, 1U);
}

std::optional<std::optional<IpLease>> configure_now(boost::asio::io_context& io,
                                                    IpConfigurator& configurator,
                                                    const std::string& interface,
                                                    const std::optional<StaticAddress>& address) {
    std::optional<std::optional<IpLease>> result;
    bool inside = true;
    configurator.configure(interface, address, [&](std::optional<IpLease> lease) {
        EXPECT_FALSE(inside) << "done ran inside configure()";
        result = std::move(lease);
    });
    inside = false;
    for (int i = 0; i < 50 && !result; ++i)
        io.run_one_for(100ms);
    return result;
}

TEST_F(IpConfiguratorTest, UnknownInterfaceFailsAtOnce) {
    auto configurator = make_ip_configurator(io_, options_);
    auto result = configure_now(io_, *configurator, "wznosuchif0", std::nullopt);
    ASSERT_TRUE(result);
    EXPECT_FALSE(*result);
    StaticAddress address{
        *parse_ipv4("203.0.113.50"), *parse_ipv4("255.255.255.0"), *parse_ipv4("203.0.113.1"), {}};
    result = configure_now(io_, *configurator, "wznosuchif0", address);
    ASSERT_TRUE(result);
    EXPECT_FALSE(*result);
    result = configure_now(io_, *configurator, "bad/name", std::nullopt);
    ASSERT_TRUE(result);
    EXPECT_FALSE(*result);
}

TEST_F(IpConfiguratorTest, UnknownDhcpClientFails) {
    options_.dhcp_client = "pump";
    auto configurator = make_ip_configurator(io_, options_);
    // The loopback interface exists everywhere; no client is started for it.
    const auto result = configure_now(io_, *configurator, "lo", std::nullopt);
    ASSERT_TRUE(result);
    EXPECT_FALSE(*result);
}

TEST_F(IpConfiguratorTest, InvalidStaticNetmaskFails) {
    auto configurator = make_ip_configurator(io_, options_);
    StaticAddress address{
        *parse_ipv4("203.0.113.50"), *parse_ipv4("255.0.255.0"), *parse_ipv4("203.0.113.1"), {}};
    const auto result = configure_now(io_, *configurator, "lo", address);
    ASSERT_TRUE(result);
    EXPECT_FALSE(*result);
}

}  // namespace
}  // namespace wizfi250d
