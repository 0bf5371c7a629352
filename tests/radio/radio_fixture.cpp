// SPDX-License-Identifier: Apache-2.0
#include "radio_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "../../src/wifi/child_process.hpp"
#include "wizfi250d/wifi/wpa_control.hpp"

namespace wizfi250d::rtest {

namespace {

using itest::read_file;
using itest::write_file;

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return text;
}

// Whether the process `pid` has a socket listening on `port` in its network namespace (its
// /proc/PID/net/<protocol> table): checked without starting a program, which costs a lot under
// the VM's emulated CPU.
bool listens(pid_t pid, const char* protocol, unsigned port) {
    char local[16];
    std::snprintf(local, sizeof local, ":%04X ", port);
    std::istringstream table(read_file("/proc/" + std::to_string(pid) + "/net/" + protocol));
    std::string line;
    while (std::getline(table, line)) {
        const auto at = line.find(local);
        // TCP: state 0A (LISTEN); UDP: 07 (unconnected). The state follows both addresses.
        if (at != std::string::npos && at < 20) {
            const std::string state = line.substr(at + 19, 3);
            if (state == " 0A" || state == " 07") return true;
        }
    }
    return false;
}

// Moves the radios into their namespaces, once per process. Empty when ready, else why not.
std::string set_up_radios() {
    if (::geteuid() != 0)
        return "needs root inside the radio VM: scripts/vm/run-in-vm.sh --radios 4 -- " +
               std::string("build/tests/radio/radio_tests");
    if (!exists("/sys/module/mac80211_hwsim"))
        return "no mac80211_hwsim radios (this kernel has no nl80211): these tests run inside the "
               "VM, scripts/vm/run-in-vm.sh --radios 4 -- build/tests/radio/radio_tests";
    for (const char* program : {"hostapd", "hostapd_cli", "wpa_supplicant", "wpa_cli", "iw",
                                "dnsmasq", "socat", "udhcpc", "ip"})
        if (find_program(program).empty()) return std::string(program) + " is not installed";
    for (const Radio* radio : {&kAp1, &kAp2, &kModule, &kPeer}) {
        const std::string ns_path = "/run/netns/" + radio->ns;
        if (!exists(ns_path)) {
            const auto made = itest::run({"ip", "netns", "add", radio->ns});
            if (made.exit_code != 0) return "ip netns add " + radio->ns + ": " + made.output;
            itest::run({"ip", "-n", radio->ns, "link", "set", "lo", "up"});
        }
        const std::string phy_file = "/sys/class/net/" + radio->interface + "/phy80211/name";
        if (!exists(phy_file)) {
            // Already moved (a second call), or missing.
            const auto there =
                itest::run({"ip", "-n", radio->ns, "link", "show", radio->interface});
            if (there.exit_code == 0) continue;
            return radio->interface + " is missing: the VM needs 4 hwsim radios (--radios 4)";
        }
        const std::string phy = trimmed(read_file(phy_file));
        const auto moved = itest::run({"iw", "phy", phy, "set", "netns", "name", radio->ns});
        if (moved.exit_code != 0) return "iw phy " + phy + " set netns: " + moved.output;
    }
    const auto address = itest::run(
        {"ip", "-n", kAp1.ns, "addr", "replace", kGateway + "/24", "dev", kAp1.interface});
    if (address.exit_code != 0) return "ip addr " + kGateway + ": " + address.output;
    return {};
}

const std::string& radios_unavailable() {
    static const std::string reason = set_up_radios();
    return reason;
}

}  // namespace

const ApSecurity& ap_security(const std::string& name) {
    static const std::map<std::string, ApSecurity> table{
        {"OPEN", {"OPEN", "", "auth_algs=1\nieee80211n=1\nwmm_enabled=1\n", "Open"}},
        {"WEP-OPEN",
         {"WEP", "12345", "auth_algs=1\nwep_default_key=0\nwep_key0=\"12345\"\n", "WEP"}},
        {"WEP-SHARED",
         {"WEP", "1234567890abc", "auth_algs=2\nwep_default_key=0\nwep_key0=\"1234567890abc\"\n",
          "WEP"}},
        {"WPA",
         {"WPA", "radio-passphrase",
          "wpa=1\nwpa_key_mgmt=WPA-PSK\nwpa_pairwise=TKIP\nwpa_passphrase=radio-passphrase\n",
          "WPA"}},
        {"WPAAES",
         {"WPAAES", "radio-passphrase",
          "wpa=1\nwpa_key_mgmt=WPA-PSK\nwpa_pairwise=CCMP\nwpa_passphrase=radio-passphrase\n",
          "Unknown"}},
        {"WPA2AES",
         {"WPA2AES", "radio-passphrase",
          "ieee80211n=1\nwmm_enabled=1\nwpa=2\nwpa_key_mgmt=WPA-PSK\nrsn_pairwise=CCMP\n"
          "wpa_passphrase=radio-passphrase\n",
          "WPA2"}},
        {"WPA2TKIP",
         {"WPA2TKIP", "radio-passphrase",
          "wpa=2\nwpa_key_mgmt=WPA-PSK\nrsn_pairwise=TKIP\nwpa_passphrase=radio-passphrase\n",
          "Unknown"}},
        {"WPA2",
         {"WPA2", "radio-passphrase",
          "wpa=3\nwpa_key_mgmt=WPA-PSK\nwpa_pairwise=TKIP CCMP\nrsn_pairwise=CCMP TKIP\n"
          "wpa_passphrase=radio-passphrase\n",
          "WPA2-Mixed"}},
    };
    return table.at(name);
}

// The client's protocol, one line each way: "send <text>" → "sent"; "recv <n> <ms>" → "got
// <hex>"; "closed <ms>" → "closed" | "open"; "exit".
bool NsTcpClient::connect(const std::string& ns, const std::string& ip, unsigned port,
                          const std::string& from) {
    const bool started = child_.start(ns, [ip, port, from](itest::NsChild::Channel& channel) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (!from.empty()) {
            sockaddr_in source{};
            source.sin_family = AF_INET;
            ::inet_pton(AF_INET, from.c_str(), &source.sin_addr);
            if (::bind(fd, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0) {
                channel.send("failed");
                return 1;
            }
        }
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(static_cast<std::uint16_t>(port));
        ::inet_pton(AF_INET, ip.c_str(), &to.sin_addr);
        if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
            channel.send("failed");
            return 1;
        }
        sockaddr_in local{};
        socklen_t length = sizeof local;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length);
        channel.send("connected " + std::to_string(ntohs(local.sin_port)));
        while (const auto command = channel.receive(60s)) {
            std::istringstream words(*command);
            std::string verb;
            words >> verb;
            if (verb == "send") {
                const std::string text = command->substr(5);
                channel.send(::send(fd, text.data(), text.size(), MSG_NOSIGNAL) ==
                                     static_cast<ssize_t>(text.size())
                                 ? "sent"
                                 : "failed");
            } else if (verb == "recv" || verb == "closed") {
                std::size_t want = 0;
                int ms = 0;
                if (verb == "recv") words >> want;
                words >> ms;
                std::string got;
                const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
                bool eof = false;
                while ((verb == "closed" || got.size() < want) && !eof) {
                    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                        end - std::chrono::steady_clock::now());
                    if (left.count() <= 0) break;
                    pollfd p{fd, POLLIN, 0};
                    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) break;
                    char buffer[4096];
                    const auto n = ::recv(
                        fd, buffer,
                        verb == "recv" ? std::min(sizeof buffer, want - got.size()) : sizeof buffer,
                        0);
                    if (n <= 0) {
                        eof = true;
                        break;
                    }
                    got.append(buffer, static_cast<std::size_t>(n));
                }
                if (verb == "closed")
                    channel.send(eof ? "closed" : "open");
                else
                    channel.send("got " + wpa::to_hex(got));
            } else {
                break;
            }
        }
        ::close(fd);
        return 0;
    });
    if (!started) return false;
    const auto answer = child_.receive(15s).value_or("");
    if (answer.rfind("connected ", 0) != 0) return false;
    local_port_ = static_cast<unsigned>(std::stoul(answer.substr(10)));
    return true;
}

bool NsTcpClient::send(const std::string& text) {
    child_.send("send " + text);
    return child_.receive(10s).value_or("") == "sent";
}

std::string NsTcpClient::receive(std::size_t size, std::chrono::milliseconds timeout) {
    child_.send("recv " + std::to_string(size) + " " + std::to_string(timeout.count()));
    const auto answer = child_.receive(timeout + 5s).value_or("");
    if (answer.rfind("got ", 0) != 0) return {};
    return wpa::from_hex(answer.substr(4)).value_or("");
}

bool NsTcpClient::closed(std::chrono::milliseconds timeout) {
    child_.send("closed " + std::to_string(timeout.count()));
    return child_.receive(timeout + 5s).value_or("") == "closed";
}

void RadioTest::SetUp() {
    if (const auto& reason = radios_unavailable(); !reason.empty()) {
        // Inside the VM the test command runs (ctest), a missing part is a failure, not a skip.
        if (std::getenv("WIZFI250D_RADIO_REQUIRED") != nullptr) FAIL() << reason;
        GTEST_SKIP() << reason;
    }
    d_ = dir_.path();
    ASSERT_FALSE(d_.empty());
    ::chmod(d_.c_str(), 0755);
}

void RadioTest::TearDown() {
    if (d_.empty()) return;
    if (daemon_) {
        const auto stopped = daemon_->stop();
        EXPECT_TRUE(stopped) << stopped.message();
    }
    if (HasFailure() || std::getenv("WIZFI250D_ITEST_LOGS") != nullptr) {
        if (daemon_)
            std::printf("---- wizfi250d ----\n%s\n", itest::tail_of(daemon_->log_text()).c_str());
        for (const auto& log : logs_)
            std::printf("---- %s ----\n%s\n", log.c_str(),
                        itest::tail_of(read_file(d_ + "/" + log), 12 * 1024).c_str());
    }
    daemon_.reset();
    supplicant_.stop();
    proxy_.stop();
    echo_.stop();
    dnsmasq_.stop();
    for (auto& entry : aps_)
        entry.second->stop();
    // The AP's address stays; hostapd left the interface down.
}

itest::RunResult RadioTest::in_ns(const std::string& ns, std::vector<std::string> argv,
                                  std::chrono::milliseconds timeout) const {
    argv.insert(argv.begin(), {"ip", "netns", "exec", ns});
    return itest::run(argv, timeout);
}

std::string RadioTest::hostapd_cli(const Radio& radio, std::vector<std::string> args) const {
    args.insert(args.begin(), {"hostapd_cli", "-p", d_ + "/hostapd", "-i", radio.interface});
    return in_ns(radio.ns, args).output;
}

std::string RadioTest::wpa_cli(std::vector<std::string> args) const {
    args.insert(args.begin(), {"wpa_cli", "-p", d_ + "/wpas", "-i", kModule.interface});
    return itest::run(args).output;
}

void RadioTest::start_ap(const Radio& radio, const std::string& ssid, unsigned channel,
                         const std::string& lines) {
    const std::string name = "hostapd-" + radio.interface;
    write_file(d_ + "/" + name + ".conf",
               "interface=" + radio.interface + "\ndriver=nl80211\nctrl_interface=" + d_ +
                   "/hostapd\nssid=" + ssid + "\nhw_mode=g\nchannel=" + std::to_string(channel) +
                   "\n" + lines);
    auto& process = aps_[radio.interface];
    if (!process) process = std::make_unique<itest::Process>();
    process->stop();
    if (std::find(logs_.begin(), logs_.end(), name + ".log") == logs_.end())
        logs_.push_back(name + ".log");
    // A restarted AP appends to the same log: only what this one writes counts.
    const std::size_t log_start = read_file(d_ + "/" + name + ".log").size();
    ASSERT_TRUE(process->start(
        {"ip", "netns", "exec", radio.ns, "hostapd", "-t", d_ + "/" + name + ".conf"},
        d_ + "/" + name + ".log"));
    ASSERT_TRUE(itest::eventually(
        [&] {
            return read_file(d_ + "/" + name + ".log")
                       .find(radio.interface + ": AP-ENABLED", log_start) != std::string::npos;
        },
        10s))
        << read_file(d_ + "/" + name + ".log");
}

void RadioTest::stop_ap(const Radio& radio) {
    if (const auto it = aps_.find(radio.interface); it != aps_.end()) it->second->stop();
}

void RadioTest::start_dhcp_server() {
    logs_.push_back("dnsmasq.log");
    logs_.push_back("leases");
    itest::DhcpServerSetup dhcp(kAp1.ns, kAp1.interface, kGateway, d_);
    dhcp.bind = "--bind-dynamic";
    dhcp.extra_options = {"--user=root"};
    ASSERT_TRUE(dnsmasq_.start(itest::dnsmasq_command(dhcp), d_ + "/dnsmasq.out"));
    ASSERT_TRUE(itest::eventually([&] { return listens(dnsmasq_.pid(), "udp", 67); }, 5s))
        << read_file(d_ + "/dnsmasq.out") << read_file(d_ + "/dnsmasq.log");
}

void RadioTest::start_echo_server() {
    ASSERT_TRUE(echo_.start(
        {"ip", "netns", "exec", kAp1.ns, "socat", "TCP-LISTEN:5000,reuseaddr,fork", "PIPE"},
        d_ + "/tcp-echo.log"));
    ASSERT_TRUE(itest::eventually([&] { return listens(echo_.pid(), "tcp", 5000); }, 5s));
}

void RadioTest::start_http_proxy(const std::string& address, unsigned port,
                                 const std::string& clients) {
    ASSERT_FALSE(find_program("tinyproxy").empty())
        << "tinyproxy is not installed (scripts/install-deps.sh --test installs tinyproxy-bin)";
    // It forwards only to addresses of the test network (FilterDefaultDeny: the filter lists
    // what is allowed): what a browser fetches by itself goes nowhere. -d: in the foreground,
    // stopped by its PID. No Via header: the module sees the request as the browser sent it.
    write_file(d_ + "/tinyproxy.filter", "^203\\.0\\.113\\.[0-9]+$\n");
    write_file(d_ + "/tinyproxy.conf",
               "Port " + std::to_string(port) + "\nListen " + address + "\nAllow " + clients +
                   "\nTimeout 120\nMaxClients 8\nDisableViaHeader Yes\nFilter \"" + d_ +
                   "/tinyproxy.filter\"\nFilterType ere\nFilterDefaultDeny Yes\n"
                   "LogLevel Info\nLogFile \"" +
                   d_ + "/tinyproxy.log\"\n");
    logs_.push_back("tinyproxy.log");
    ASSERT_TRUE(proxy_.start(
        {"ip", "netns", "exec", kAp1.ns, "tinyproxy", "-d", "-c", d_ + "/tinyproxy.conf"},
        d_ + "/tinyproxy.out"));
    ASSERT_TRUE(itest::eventually([&] { return listens(proxy_.pid(), "tcp", port); }, 10s))
        << read_file(d_ + "/tinyproxy.out") << read_file(d_ + "/tinyproxy.log");
}

void RadioTest::start_module(const std::string& daemon_conf_extra, bool supplicant) {
    if (supplicant) {
        write_file(
            d_ + "/wpa_supplicant.conf",
            "ctrl_interface=" + d_ + "/wpas\np2p_disabled=1\nfreq_list=" + kTestFrequencies + "\n");
        logs_.push_back("wpas.log");
        ASSERT_TRUE(
            supplicant_.start({"ip", "netns", "exec", kModule.ns, "wpa_supplicant", "-Dnl80211",
                               "-i", kModule.interface, "-c", d_ + "/wpa_supplicant.conf", "-t"},
                              d_ + "/wpas.log"));
        // The daemon connects to the control socket once it is there (and retries until then).
        ASSERT_TRUE(
            itest::eventually([&] { return exists(d_ + "/wpas/" + kModule.interface); }, 5s))
            << read_file(d_ + "/wpas.log");
    }
    write_file(d_ + "/daemon.conf", "wifi = wpa_supplicant\ninterface = " + kModule.interface +
                                        "\nwpa_ctrl_dir = " + d_ + "/wpas\nruntime_dir = " + d_ +
                                        "/run\n" + daemon_conf_extra);
    daemon_ = std::make_unique<itest::NsDaemon>(
        itest::NsDaemonOptions{kModule.ns, d_, d_ + "/daemon.conf", "debug"});
    ASSERT_TRUE(daemon_->start());
}

std::string RadioTest::module_lease() const {
    std::istringstream lines(read_file(d_ + "/leases"));
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string expiry, mac, ip;
        words >> expiry >> mac >> ip;
        if (strcasecmp(mac.c_str(), kModule.mac.c_str()) == 0) return ip;
    }
    return {};
}

void RadioTest::configure_station(const std::string& ssid, const ApSecurity& security) {
    handshake_try_allowed_ = security.wsec.rfind("WPA", 0) == 0;
    ASSERT_TRUE(daemon_->transact("AT+WSET=0," + ssid, "[OK]\r\n"));
    ASSERT_TRUE(daemon_->transact(
        "AT+WSEC=0," + security.wsec + (security.key.empty() ? "" : "," + security.key),
        "[OK]\r\n"));
}

std::string RadioTest::joined_output(const std::string& ssid, const std::string& ip) {
    return "AT+WJOIN\r\nJoining : " + ssid + "\r\nSuccessfully joined : " + ssid +
           "\r\n\r\n[Link-Up Event]\r\n  IP Addr    : " + ip + "\r\n  Gateway    : " + kGateway +
           "\r\n[OK]\r\n";
}

void RadioTest::join_expecting_success(const std::string& ssid, std::string& ip,
                                       std::chrono::milliseconds timeout) {
    ASSERT_TRUE(daemon_->send("AT+WJOIN\r"));
    std::string out;
    ASSERT_TRUE(daemon_->read_until(kFinal, out, timeout));
    // dnsmasq rewrites its lease file in place: a read may catch it empty.
    itest::eventually(
        [&] {
            ip = module_lease();
            return !ip.empty();
        },
        2s);
    ASSERT_FALSE(ip.empty()) << "no lease for " << kModule.mac << "\n" << out;
    std::string expected = joined_output(ssid, ip);
    const std::string failed_try = "Joining : " + ssid + "\r\nFailed to join: " + ssid + "\r\n";
    if (handshake_try_allowed_ && out != expected) {
        expected.insert(std::string("AT+WJOIN\r\n").size(), failed_try);
        std::printf("note: the first try failed (see the hostapd log for reason 15)\n");
    }
    EXPECT_TRUE(itest::same_bytes(expected, out));
}

}  // namespace wizfi250d::rtest
