// SPDX-License-Identifier: Apache-2.0
#pragma once

// The radio tests' world: mac80211_hwsim radios (inside the VM of scripts/vm/run-in-vm.sh, which
// boots a kernel with nl80211) in three network namespaces, set up once per test program:
//
//   ns wzr-ap    wlan0 (02:00:00:00:00:00) 203.0.113.1/24: hostapd driver=nl80211, dnsmasq
//                (DHCP 203.0.113.100-150, DNS: echo.test -> 203.0.113.1), echo servers
//                wlan1 (02:00:00:00:01:00): a second AP, no address
//   ns wzr-sta   wlan2 (02:00:00:00:02:00): wpa_supplicant -Dnl80211 and the REAL daemon
//                (wifi = wpa_supplicant), driven byte for byte over its pty
//   ns wzr-peer  wlan3 (02:00:00:00:03:00): a station that joins the module's soft AP
//
// All radios share hwsim's one medium; the namespaces separate the IP stacks. Each test starts
// its own peers and daemon and stops every one by its PID. The module's wpa_supplicant scans only
// the test channels (freq_list): a full scan of hwsim's channels costs seconds.

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../integration/daemon_wifi_support.hpp"
#include "../integration/netns.hpp"

namespace wizfi250d::rtest {

using namespace std::chrono_literals;

struct Radio {
    std::string ns;
    std::string interface;
    std::string mac;  // hwsim's, upper case as the module prints it
};

inline const Radio kAp1{"wzr-ap", "wlan0", "02:00:00:00:00:00"};
inline const Radio kAp2{"wzr-ap", "wlan1", "02:00:00:00:01:00"};
inline const Radio kModule{"wzr-sta", "wlan2", "02:00:00:00:02:00"};
inline const Radio kPeer{"wzr-peer", "wlan3", "02:00:00:00:03:00"};
inline const std::string kGateway = "203.0.113.1";
inline const std::vector<std::string> kFinal{"[OK]\r\n", "[ERROR]\r\n"};
// The frequencies of the channels the tests use (1, 6, 11).
inline const std::string kTestFrequencies = "2412 2437 2462";

// hostapd security lines per AT+WSEC type (hw_mode=g; HT only where hostapd allows it).
struct ApSecurity {
    std::string wsec;       // the AT+WSEC type
    std::string key;        // the AT+WSEC key
    std::string hostapd;    // hostapd.conf lines
    std::string scan_name;  // AT+WSCAN's security field
};
const ApSecurity& ap_security(const std::string& name);

// A TCP client inside a namespace (a child process that entered it), driven line by line:
// connect, send text, receive an exact text.
class NsTcpClient {
public:
    // Connects to ip:port from inside `ns` (from the address `from` when given); false when the
    // connection failed.
    bool connect(const std::string& ns, const std::string& ip, unsigned port,
                 const std::string& from = "");
    unsigned local_port() const { return local_port_; }
    bool send(const std::string& text);
    // The next `size` bytes, or what came before `timeout` / the peer closed.
    std::string receive(std::size_t size, std::chrono::milliseconds timeout = 10s);
    // Whether the peer closed the connection (or reset it) within `timeout`.
    bool closed(std::chrono::milliseconds timeout = 10s);

private:
    itest::NsChild child_;
    unsigned local_port_ = 0;
};

class RadioTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // hostapd on `radio` (ssid, channel, then `lines`); waits until it beacons.
    void start_ap(const Radio& radio, const std::string& ssid, unsigned channel,
                  const std::string& lines);
    void stop_ap(const Radio& radio);
    // dnsmasq on kAp1: DHCP and DNS.
    void start_dhcp_server();
    // A TCP echo server on kGateway:5000 in the AP namespace.
    void start_echo_server();
    // tinyproxy, an HTTP proxy, in the AP namespace on address:port (clients from `clients`
    // only): a browser outside the radios' world reaches the module's pages through it, from
    // the AP's side of the radio.
    void start_http_proxy(const std::string& address, unsigned port, const std::string& clients);
    // wpa_supplicant on kModule (global freq_list of the test channels) and the daemon's config.
    void start_module(const std::string& daemon_conf_extra = "", bool supplicant = true);

    // A program inside a namespace.
    itest::RunResult in_ns(const std::string& ns, std::vector<std::string> argv,
                           std::chrono::milliseconds timeout = 10s) const;
    std::string hostapd_cli(const Radio& radio, std::vector<std::string> args) const;
    std::string wpa_cli(std::vector<std::string> args) const;
    // The address dnsmasq leased to the module, or empty.
    std::string module_lease() const;

    // AT+WSET / AT+WSEC for a station network.
    void configure_station(const std::string& ssid, const ApSecurity& security);
    // AT+WJOIN: the whole output; `ip` gets the module's lease. A try that fails (its two
    // lines, spec §2.2) before the one that joins is allowed only with a 4-way handshake
    // (handshake_try_allowed_): under the VM's emulated CPU on a busy machine, now and then the
    // AP's 4-way handshake times out (reason 15, the station's message 4 not taken) although the
    // station completed it; the module's next try joins. OPEN and WEP must join at once.
    void join_expecting_success(const std::string& ssid, std::string& ip,
                                std::chrono::milliseconds timeout = 40s);
    static std::string joined_output(const std::string& ssid, const std::string& ip);

    itest::TempDir dir_;
    std::string d_;
    std::map<std::string, std::unique_ptr<itest::Process>> aps_;  // by interface
    itest::Process dnsmasq_, echo_, supplicant_, proxy_;
    std::unique_ptr<itest::NsDaemon> daemon_;
    std::vector<std::string> logs_;       // printed when a test fails
    bool handshake_try_allowed_ = false;  // set by configure_station for WPA types
};

}  // namespace wizfi250d::rtest
