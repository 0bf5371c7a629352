// SPDX-License-Identifier: Apache-2.0
// The REAL daemon binary with `wifi = wpa_supplicant`, inside a network namespace, byte-exact on
// its serial side (spec §2.2 WJOIN/WLEAVE/WSTAT, §3.2, Appendix B2/B3; topology of
// research/test-environment.md §9):
//
//   root ns: this test drives the daemon's pty and reaches the control sockets by path
//
//   ns "AP" (net_.ns_a)                          ns "STA" (net_.ns_b)
//   hostapd driver=wired, 802.1X, EAP server     wpa_supplicant -Dwired -i if_b
//     (user md5user / MD5 / password123)         wizfi250d --config FILE (wifi = wpa_supplicant,
//   dnsmasq: DHCP 203.0.113.100-150, router and     wpa_eap_method = MD5, wpa_eap_identity =
//     DNS 203.0.113.1, echo.test -> 203.0.113.1     md5user), which runs its own DHCP client
//   socat echo: TCP 5000, UDP 5001
//          if_a 203.0.113.1/24  <====== veth ======>  if_b
//
// The WSEC key is the EAP-MD5 password (the daemon's wired 802.1X mapping, README
// `wpa_eap_method`): the right key gives a real authenticated join, a wrong one a real EAP
// failure. What a real radio shows (every WSEC type, static addresses, the soft AP) is in
// tests/radio/; these tests keep 802.1X and wpa_supplicant going away and coming back.
//
// Every process is started by this test and stopped by its PID; the namespaces go at the end
// (NetnsPair). The daemon's, wpa_supplicant's, hostapd's and dnsmasq's logs are printed when a
// test fails (always with WIZFI250D_ITEST_LOGS set).

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "../../src/wifi/child_process.hpp"
#include "daemon_wifi_support.hpp"
#include "netns.hpp"
#include "station_fixture.hpp"

namespace wizfi250d {
namespace {

using namespace std::chrono_literals;
using itest::interface_mac;
using itest::missing_parts;
using itest::NsDaemon;
using itest::same_bytes;
using itest::tail_of;
using itest::write_file;

const std::string kSsid = "TestAP";
const std::string kEapUser = "md5user";
const std::string kEapPassword = "password123";
const std::string& kApIp = itest::kGatewayIp;
const std::string kWstatHeader = "IF/SSID/IP-Addr/Gateway/MAC/TxPower(dBm)/RSSI(-dBm)\r\n";
const std::vector<std::string> kFinal{"[OK]\r\n", "[ERROR]\r\n"};

// The address dnsmasq leased to `mac` (lease file lines: expiry mac ip name client-id).
std::string leased_ip(const std::string& lease_file, const std::string& mac) {
    std::istringstream lines(itest::read_file(lease_file));
    std::string line;
    while (std::getline(lines, line)) {
        std::istringstream words(line);
        std::string expiry, lease_mac, ip;
        words >> expiry >> lease_mac >> ip;
        if (strcasecmp(lease_mac.c_str(), mac.c_str()) == 0) return ip;
    }
    return {};
}

bool in_dhcp_range(const std::string& ip) {
    const std::string prefix = "203.0.113.";
    if (ip.rfind(prefix, 0) != 0) return false;
    const int last = std::atoi(ip.c_str() + prefix.size());
    return last >= 100 && last <= 150;
}

std::string joined_output(const std::string& ip, const std::string& gateway) {
    return "AT+WJOIN\r\nJoining : " + kSsid + "\r\nSuccessfully joined : " + kSsid +
           "\r\n\r\n[Link-Up Event]\r\n  IP Addr    : " + ip + "\r\n  Gateway    : " + gateway +
           "\r\n[OK]\r\n";
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
        ++n;
    return n;
}

// ---------------------------------------------------------------------------------------------
// Station: the daemon next to wpa_supplicant in the STA namespace.

class DaemonWifiStation : public itest::StationTest {
protected:
    void SetUp() override {
        set_up_namespaces({"hostapd", "dnsmasq", "socat", "udhcpc", "ss"});
        if (IsSkipped() || HasFatalFailure()) return;

        // AP namespace: the 802.1X authenticator with its EAP server.
        write_file(d_ + "/eap_users", "\"" + kEapUser + "\" MD5 \"" + kEapPassword + "\"\n");
        write_file(d_ + "/hostapd.conf",
                   "interface=" + net_.if_a() + "\ndriver=wired\nctrl_interface=" + d_ +
                       "/hostapd\nieee8021x=1\neapol_version=2\nuse_pae_group_addr=1\n"
                       "eap_server=1\neap_user_file=" +
                       d_ + "/eap_users\n");
        ASSERT_TRUE(
            hostapd_.start({"ip", "netns", "exec", ap_, "hostapd", "-t", d_ + "/hostapd.conf"},
                           d_ + "/hostapd.log"));
        ASSERT_TRUE(itest::eventually([&] { return exists(d_ + "/hostapd/" + net_.if_a()); }, 5s))
            << itest::read_file(d_ + "/hostapd.log");

        // AP namespace: DHCP and DNS.
        itest::DhcpServerSetup dhcp(ap_, net_.if_a(), kApIp, d_);
        ASSERT_TRUE(dnsmasq_.start(itest::dnsmasq_command(dhcp), d_ + "/dnsmasq.out"));

        // AP namespace: the echo servers.
        ASSERT_TRUE(tcp_echo_.start({"ip", "netns", "exec", ap_, "socat",
                                     "TCP-LISTEN:5000,bind=" + kApIp + ",reuseaddr,fork", "PIPE"},
                                    d_ + "/tcp-echo.log"));
        ASSERT_TRUE(udp_echo_.start({"ip", "netns", "exec", ap_, "socat",
                                     "UDP-RECVFROM:5001,bind=" + kApIp + ",fork", "PIPE"},
                                    d_ + "/udp-echo.log"));
        ASSERT_TRUE(itest::eventually(
            [&] {
                const auto tcp = itest::run({"ip", "netns", "exec", ap_, "ss", "-Htln"}).output;
                const auto udp = itest::run({"ip", "netns", "exec", ap_, "ss", "-Huln"}).output;
                return tcp.find(kApIp + ":5000") != std::string::npos &&
                       tcp.find(kApIp + ":53") != std::string::npos &&
                       udp.find(kApIp + ":5001") != std::string::npos &&
                       udp.find(":67") != std::string::npos;
            },
            5s))
            << "dnsmasq or an echo server does not listen\n"
            << itest::read_file(d_ + "/dnsmasq.out") << itest::read_file(d_ + "/dnsmasq.log");

        // STA namespace: the supplicant and the daemon's settings.
        set_up_station("wpa_eap_method = MD5\nwpa_eap_identity = " + kEapUser + "\n");
    }

    void TearDown() override {
        tear_down_station();
        tcp_echo_.stop();
        udp_echo_.stop();
        dnsmasq_.stop();
        hostapd_.stop();
    }

    std::vector<std::string> log_files() const override {
        return {"wpas.log", "hostapd.log", "dnsmasq.log", "leases"};
    }

    static bool exists(const std::string& path) {
        struct stat st {};
        return ::stat(path.c_str(), &st) == 0;
    }

    void start_supplicant() override {
        StationTest::start_supplicant();
        if (HasFatalFailure()) return;
        // After an EAP failure hostapd holds the STA for a while, and the wired supplicant would
        // send its next EAPOL-Start only after startPeriod (30 s). On Wi-Fi the AP starts EAP
        // after each association; here the supplicant repeats EAPOL-Start every second
        // (see wpa_supplicant_test.cpp).
        ASSERT_NE(wpa_cli({"set", "EAPOL::startPeriod", "1"}).find("OK"), std::string::npos);
        ASSERT_NE(wpa_cli({"set", "EAPOL::maxStart", "15"}).find("OK"), std::string::npos);
    }

    // AT+WSET/WSEC/WNET for a station join.
    void configure(const std::string& key, const std::string& wnet) {
        ASSERT_TRUE(daemon_->transact("AT+WSET=0," + kSsid, "[OK]\r\n"));
        ASSERT_TRUE(daemon_->transact("AT+WSEC=0,WPA2," + key, "[OK]\r\n"));
        ASSERT_TRUE(daemon_->transact("AT+WNET=" + wnet, "[OK]\r\n"));
    }

    // AT+WJOIN with DHCP: the whole output, byte for byte, with the address dnsmasq leased.
    void join_with_dhcp(std::string& ip) {
        ASSERT_TRUE(daemon_->send("AT+WJOIN\r"));
        std::string out;
        ASSERT_TRUE(daemon_->read_until(kFinal, out, 45s));
        ip = leased_ip(d_ + "/leases", sta_mac_);
        EXPECT_TRUE(in_dhcp_range(ip)) << "lease for " << sta_mac_ << ": '" << ip << "'\n"
                                       << itest::read_file(d_ + "/leases");
        EXPECT_TRUE(same_bytes(joined_output(ip, kApIp), out));
    }

    void supplicant_goes_away_and_comes_back(int signal_number);

    itest::Process hostapd_, dnsmasq_, tcp_echo_, udp_echo_;
};

// Spec §2.2 WJOIN/WSTAT/WLEAVE, Appendix B2; §2.5 FDNS; §2.3 SCON/SSEND/SDNAME, B4.
TEST_F(DaemonWifiStation, JoinWithDhcpThenDnsTcpUdpAndLeave) {
    ASSERT_TRUE(daemon_->start());
    configure(kEapPassword, "1");
    std::string ip;
    join_with_dhcp(ip);
    ASSERT_FALSE(HasFailure());

    // A real 802.1X authentication, and the leased address on the interface.
    const std::string status = wpa_cli({"status"});
    EXPECT_NE(status.find("wpa_state=COMPLETED"), std::string::npos) << status;
    EXPECT_NE(status.find("suppPortStatus=Authorized"), std::string::npos) << status;
    EXPECT_NE(sta_addresses().find("inet " + ip + "/24"), std::string::npos) << sta_addresses();

    // No radio behind a veth: TX power is the module's (AT+MTXP default 31), RSSI 0.
    EXPECT_TRUE(daemon_->transact("AT+WSTAT", kWstatHeader + "STA/" + kSsid + "/" + ip + "/" +
                                                  kApIp + "/" + sta_mac_ + "/31/0\r\n[OK]\r\n"));

    // The name server from DHCP answers (dnsmasq saw the query from the leased address).
    EXPECT_TRUE(daemon_->transact("AT+FDNS=echo.test,3000", kApIp + "\r\n[OK]\r\n"));
    EXPECT_NE(itest::read_file(d_ + "/dnsmasq.log").find("query[A] echo.test from " + ip),
              std::string::npos)
        << itest::read_file(d_ + "/dnsmasq.log");

    // TCP client to the echo server: [OK] first, then CONNECT (design "Event order").
    EXPECT_TRUE(daemon_->transact("AT+SCON=O,TCN," + kApIp + ",5000,,0", "[OK]\r\n"));
    EXPECT_TRUE(daemon_->expect("\r\n[CONNECT 0]\r\n", 10s));
    EXPECT_TRUE(daemon_->transact("AT+SSEND=0,,,5", "[0,,,5]\r\n"));
    EXPECT_TRUE(daemon_->send("Hello"));
    EXPECT_TRUE(daemon_->expect("[OK]\r\n{0," + kApIp + ",5000,5}Hello\r\n"));

    // UDP client to the UDP echo server.
    EXPECT_TRUE(daemon_->transact("AT+SCON=O,UCN," + kApIp + ",5001,,0", "[OK]\r\n"));
    EXPECT_TRUE(daemon_->expect("\r\n[CONNECT 1]\r\n", 10s));
    EXPECT_TRUE(daemon_->transact("AT+SSEND=1,,,5", "[1,,,5]\r\n"));
    EXPECT_TRUE(daemon_->send("World"));
    EXPECT_TRUE(daemon_->expect("[OK]\r\n{1," + kApIp + ",5001,5}World\r\n"));

    // By name: remote 0.0.0.0 and AT+SDNAME; the echo comes from the address the name has.
    EXPECT_TRUE(daemon_->transact("AT+SDNAME=echo.test", "[OK]\r\n"));
    EXPECT_TRUE(daemon_->transact("AT+SCON=O,TCN,0.0.0.0,5000,,0", "[OK]\r\n"));
    EXPECT_TRUE(daemon_->expect("\r\n[CONNECT 2]\r\n", 10s));
    EXPECT_TRUE(daemon_->transact("AT+SSEND=2,,,3", "[2,,,3]\r\n"));
    EXPECT_TRUE(daemon_->send("abc"));
    EXPECT_TRUE(daemon_->expect("[OK]\r\n{2," + kApIp + ",5000,3}abc\r\n"));
    EXPECT_EQ(count_of(itest::read_file(d_ + "/dnsmasq.log"), "query[A] echo.test from " + ip), 2U);

    // WLEAVE: every socket's DISCONNECT, then Link-Down, then [OK].
    EXPECT_TRUE(daemon_->transact("AT+WLEAVE",
                                  "\r\n[DISCONNECT 0]\r\n\r\n[DISCONNECT 1]\r\n\r\n[DISCONNECT "
                                  "2]\r\n\r\n[Link-Down Event]\r\n[OK]\r\n",
                                  10s));
    EXPECT_TRUE(itest::eventually(
        [&] { return sta_addresses().find("inet 203.0.113.") == std::string::npos; }, 3s))
        << sta_addresses();
    EXPECT_TRUE(itest::eventually(
        [&] { return wpa_cli({"list_networks"}).find("wizfi250d") == std::string::npos; }, 3s));
    EXPECT_TRUE(
        daemon_->transact("AT+WSTAT", kWstatHeader + "Down////" + sta_mac_ + "/31/0\r\n[OK]\r\n"));
    EXPECT_TRUE(daemon_->transact("AT+WLEAVE", "[OK]\r\n"));
}

// Spec §2.2 WJOIN failure, Appendix B3: three tries, each a real EAP failure.
TEST_F(DaemonWifiStation, WrongKeyGivesThreeFailedTriesThenError) {
    ASSERT_TRUE(daemon_->start());
    configure("wrong-password", "1");
    const std::string tries = "Joining : " + kSsid + "\r\nFailed to join: " + kSsid + "\r\n";
    EXPECT_TRUE(daemon_->transact("AT+WJOIN", tries + tries + tries + "[ERROR]\r\n", 60s));
    const std::string hostapd_log = itest::read_file(d_ + "/hostapd.log");
    EXPECT_EQ(count_of(hostapd_log, "CTRL-EVENT-EAP-FAILURE"), 3U) << hostapd_log;
    EXPECT_EQ(sta_addresses().find("inet 203.0.113."), std::string::npos) << sta_addresses();
    EXPECT_EQ(itest::read_file(d_ + "/leases"), "");
    EXPECT_TRUE(
        daemon_->transact("AT+WSTAT", kWstatHeader + "Down////" + sta_mac_ + "/31/0\r\n[OK]\r\n"));
    // Nothing left behind for wpa_supplicant to retry with.
    EXPECT_EQ(wpa_cli({"list_networks"}).find(kSsid), std::string::npos);
}

// Spec §2.2 WJOIN: ESC (0x1B) from the host between tries stops the retries. It is sent right
// behind the command, so it waits in the input while the first try runs; it is never echoed.
TEST_F(DaemonWifiStation, EscStopsTheJoinAfterTheFailedTry) {
    ASSERT_TRUE(daemon_->start());
    configure("wrong-password", "1");
    ASSERT_TRUE(daemon_->send("AT+WJOIN\r\x1b"));
    EXPECT_TRUE(daemon_->expect(
        "AT+WJOIN\r\nJoining : " + kSsid + "\r\nFailed to join: " + kSsid + "\r\n[ERROR]\r\n",
        30s));
    EXPECT_TRUE(daemon_->expect_nothing(1000ms));
    const std::string hostapd_log = itest::read_file(d_ + "/hostapd.log");
    EXPECT_EQ(count_of(hostapd_log, "CTRL-EVENT-EAP-FAILURE"), 1U) << hostapd_log;
    // The ESC was consumed: the next command line is clean.
    EXPECT_TRUE(daemon_->transact("AT", "[OK]\r\n"));
}

// Spec §3.2: wpa_supplicant goes away (the link drops), comes back, and the link comes back by
// itself; the daemon stays up throughout. SIGTERM: wpa_supplicant says CTRL-EVENT-TERMINATING.
// SIGKILL: it says nothing, and its socket file stays; the daemon's keep-alive finds it gone.
void DaemonWifiStation::supplicant_goes_away_and_comes_back(int signal_number) {
    ASSERT_TRUE(daemon_->start());
    configure(kEapPassword, "1");
    std::string ip;
    join_with_dhcp(ip);
    ASSERT_FALSE(HasFailure());
    EXPECT_TRUE(daemon_->transact("AT+SCON=O,TCN," + kApIp + ",5000,,0", "[OK]\r\n"));
    EXPECT_TRUE(daemon_->expect("\r\n[CONNECT 0]\r\n", 10s));

    if (signal_number == SIGKILL) {
        ASSERT_EQ(::kill(supplicant_.pid(), SIGKILL), 0);
    }
    supplicant_.stop();  // SIGTERM by PID (after a SIGKILL: only reaps it)
    EXPECT_TRUE(daemon_->expect("\r\n[DISCONNECT 0]\r\n\r\n[Link-Down Event]\r\n", 20s));
    EXPECT_TRUE(itest::eventually(
        [&] { return sta_addresses().find("inet 203.0.113.") == std::string::npos; }, 3s))
        << sta_addresses();
    EXPECT_TRUE(daemon_->running());
    EXPECT_TRUE(daemon_->transact("AT", "[OK]\r\n"));
    EXPECT_TRUE(
        daemon_->transact("AT+WSTAT", kWstatHeader + "Down////" + sta_mac_ + "/31/0\r\n[OK]\r\n"));

    start_supplicant();
    std::string out;
    ASSERT_TRUE(daemon_->read_until({"  Gateway    : " + kApIp + "\r\n"}, out, 30s));
    const std::string again = leased_ip(d_ + "/leases", sta_mac_);
    EXPECT_TRUE(same_bytes(
        "\r\n[Link-Up Event]\r\n  IP Addr    : " + again + "\r\n  Gateway    : " + kApIp + "\r\n",
        out));
    EXPECT_TRUE(in_dhcp_range(again)) << again;
    EXPECT_TRUE(daemon_->expect_nothing(300ms));
    EXPECT_TRUE(daemon_->running());
    EXPECT_NE(sta_addresses().find("inet " + again + "/24"), std::string::npos) << sta_addresses();
    EXPECT_TRUE(daemon_->transact("AT+WSTAT", kWstatHeader + "STA/" + kSsid + "/" + again + "/" +
                                                  kApIp + "/" + sta_mac_ + "/31/0\r\n[OK]\r\n"));
    // The link works again.
    EXPECT_TRUE(daemon_->transact("AT+SCON=O,TCN," + kApIp + ",5000,,0", "[OK]\r\n"));
    EXPECT_TRUE(daemon_->expect("\r\n[CONNECT 0]\r\n", 10s));
    EXPECT_TRUE(daemon_->transact("AT+WLEAVE",
                                  "\r\n[DISCONNECT 0]\r\n\r\n[Link-Down Event]\r\n[OK]\r\n", 10s));
}

TEST_F(DaemonWifiStation, SupplicantTerminatedLinkDownThenBackByItself) {
    supplicant_goes_away_and_comes_back(SIGTERM);
}

TEST_F(DaemonWifiStation, SupplicantKilledLinkDownThenBackByItself) {
    supplicant_goes_away_and_comes_back(SIGKILL);
}

}  // namespace
}  // namespace wizfi250d
