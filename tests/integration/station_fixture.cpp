// SPDX-License-Identifier: Apache-2.0
// The station half of the daemon's Wi-Fi integration tests (see station_fixture.hpp).

#include "station_fixture.hpp"

#include <sys/stat.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace wizfi250d::itest {

using namespace std::chrono_literals;

void StationTest::set_up_namespaces(std::vector<std::string> programs) {
    programs.insert(programs.begin(), {"wpa_supplicant", "wpa_cli"});
    const auto missing = missing_parts(programs);
    if (!missing.empty()) GTEST_SKIP() << missing;
    ASSERT_FALSE(dir_.path().empty());
    d_ = dir_.path();
    ASSERT_EQ(::mkdir((d_ + "/run").c_str(), 0700), 0);
    std::string error;
    ASSERT_TRUE(net_.create(error)) << error;
    ready_ = true;
    ap_ = net_.ns_a();
    sta_ = net_.ns_b();
    ASSERT_EQ(net_.ip(ap_, {"addr", "add", kGatewayIp + "/24", "dev", net_.if_a()}).exit_code, 0);
    ASSERT_EQ(net_.ip(ap_, {"link", "set", net_.if_a(), "up"}).exit_code, 0);
    ASSERT_EQ(net_.ip(sta_, {"link", "set", net_.if_b(), "up"}).exit_code, 0);
    // The test address is inside the AP namespace (and, checked above, not in the root one)
    // before anything is sent.
    const auto a = net_.ip(ap_, {"-4", "addr", "show", "dev", net_.if_a()});
    ASSERT_NE(a.output.find("inet " + kGatewayIp + "/24"), std::string::npos) << a.output;
    sta_mac_ = interface_mac(net_, sta_, net_.if_b());
    ASSERT_EQ(sta_mac_.size(), 17U);
    resolv_conf_before_ = read_file("/etc/resolv.conf");
}

void StationTest::set_up_station(const std::string& daemon_conf_extra) {
    write_file(d_ + "/wpa_supplicant.conf",
               "ctrl_interface=" + d_ + "/wpas\nap_scan=0\neapol_version=2\n");
    start_supplicant();
    if (HasFatalFailure()) return;
    write_file(d_ + "/daemon.conf", "wifi = wpa_supplicant\ninterface = " + net_.if_b() +
                                        "\nwpa_ctrl_dir = " + d_ + "/wpas\nruntime_dir = " + d_ +
                                        "/run\n" + daemon_conf_extra);
    daemon_ = std::make_unique<NsDaemon>(NsDaemonOptions{sta_, d_, d_ + "/daemon.conf", "debug"});
}

void StationTest::tear_down_station() {
    if (!ready_) return;
    if (daemon_) {
        const pid_t pid = daemon_->pid();
        const auto stopped = daemon_->stop();
        EXPECT_TRUE(stopped) << stopped.message();
        // The daemon's own children (its DHCP client) went with it: only wpa_supplicant is
        // left in the STA namespace.
        const pid_t supplicant = supplicant_.pid();
        EXPECT_TRUE(eventually(
            [&] {
                const auto pids = net_.pids(sta_);
                return pids.size() == 1 && pids[0] == supplicant;
            },
            3s))
            << "left behind in the STA namespace after the daemon (PID " << pid
            << ") stopped: " << pid_list(net_.pids(sta_));
    }
    if (HasFailure() || std::getenv("WIZFI250D_ITEST_LOGS") != nullptr) {
        std::printf("---- wizfi250d (%s) ----\n%s\n", daemon_ ? daemon_->log_path().c_str() : "",
                    daemon_ ? tail_of(daemon_->log_text()).c_str() : "");
        for (const auto& name : log_files()) {
            std::printf("---- %s ----\n%s\n", name.c_str(),
                        tail_of(read_file(d_ + "/" + name), 16 * 1024).c_str());
        }
    }
    daemon_.reset();
    supplicant_.stop();
    EXPECT_EQ(read_file("/etc/resolv.conf"), resolv_conf_before_) << "/etc/resolv.conf changed";
}

void StationTest::start_supplicant() {
    ASSERT_TRUE(supplicant_.start({"ip", "netns", "exec", sta_, "wpa_supplicant", "-Dwired", "-i",
                                   net_.if_b(), "-c", d_ + "/wpa_supplicant.conf", "-t", "-d"},
                                  d_ + "/wpas.log"));
    // After a stop the old socket file may still be there: wait for the new process.
    ASSERT_TRUE(eventually([&] { return wpa_cli({"ping"}).find("PONG") != std::string::npos; }, 5s))
        << read_file(d_ + "/wpas.log");
}

std::string StationTest::wpa_cli(std::vector<std::string> args) const {
    std::vector<std::string> argv{"wpa_cli", "-p", d_ + "/wpas", "-i", net_.if_b()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv).output;
}

std::string StationTest::sta_addresses() const {
    return net_.ip(sta_, {"-4", "addr", "show", "dev", net_.if_b()}).output;
}

std::string StationTest::pid_list(const std::vector<pid_t>& pids) const {
    std::string out;
    for (const pid_t pid : pids) {
        std::string comm = read_file("/proc/" + std::to_string(pid) + "/comm");
        if (!comm.empty() && comm.back() == '\n') comm.pop_back();
        out += std::to_string(pid) + " (" + comm + ") ";
    }
    return out;
}

}  // namespace wizfi250d::itest
