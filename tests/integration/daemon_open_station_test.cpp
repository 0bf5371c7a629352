// SPDX-License-Identifier: Apache-2.0
// The REAL daemon with `wifi = wpa_supplicant` on an open network with a static address, in a
// network namespace: the AT+WCHECK gateway watchdog end to end (spec §2.2 WCHECK, §5.3 emulated
// reboot) and AT+WREG reaching wpa_supplicant (spec §2.2 WREG, §7 "Country"). The namespaces,
// wpa_supplicant and the daemon's config come from station_fixture.hpp.
//
//   root ns: this test drives the daemon's pty and reaches wpa_supplicant's socket by path
//
//   ns "AP" (net_.ns_a)                   ns "STA" (net_.ns_b)
//   nothing runs here: the kernel         wpa_supplicant -Dwired -i if_b (open network:
//   answers pings to 203.0.113.1            key_mgmt=NONE connects at once, no authenticator)
//   (the gateway) until the test sets     wizfi250d --config FILE (wifi = wpa_supplicant),
//   net.ipv4.icmp_echo_ignore_all           static 203.0.113.60/24 via 203.0.113.1 (AT+WNET)
//          if_a 203.0.113.1/24  <====== veth ======>  if_b
//
// The gateway's ICMP counters (/proc/net/snmp read inside the AP namespace) show how many
// echo requests arrived and were answered. Every process is stopped by its PID; the namespaces
// go at the end (NetnsPair).

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "daemon_wifi_support.hpp"
#include "netns.hpp"
#include "station_fixture.hpp"

namespace wizfi250d {
namespace {

using namespace std::chrono_literals;

const std::string kSsid = "TestAP";
const std::string& kGateway = itest::kGatewayIp;
const std::string kAddress = "203.0.113.60";
const std::string kBanner = "WizFi250 Version 1.0.5.2 (WIZnet Co.Ltd)\r\n";

// The echo counters of the ICMP MIB of a namespace.
struct EchoCounters {
    long requests_in = -1;  // InEchos: counted even when the kernel ignores them
    long replies_out = -1;  // OutEchoReps
};

// /proc/net/snmp has a header line "Icmp: InMsgs InErrors ..." and a value line "Icmp: 12 0 ...".
EchoCounters echo_counters(const std::string& ns) {
    const auto snmp = itest::run({"ip", "netns", "exec", ns, "cat", "/proc/net/snmp"});
    std::istringstream lines(snmp.output);
    std::string header, values, line;
    while (std::getline(lines, line)) {
        if (line.rfind("Icmp: ", 0) != 0) continue;
        (header.empty() ? header : values) = line;
    }
    EchoCounters counters;
    std::istringstream names(header), numbers(values);
    std::string name, value;
    while (names >> name && numbers >> value) {
        if (name == "InEchos") counters.requests_in = std::strtol(value.c_str(), nullptr, 10);
        if (name == "OutEchoReps") counters.replies_out = std::strtol(value.c_str(), nullptr, 10);
    }
    return counters;
}

class DaemonOpenStation : public itest::StationTest {
protected:
    void SetUp() override {
        set_up_namespaces({});
        if (IsSkipped() || HasFatalFailure()) return;
        set_up_station("");
    }

    void TearDown() override { tear_down_station(); }

    // wpa_supplicant's country ("GET country"), or its FAIL when it was never told one.
    std::string supplicant_country() const {
        std::string reply = wpa_cli({"get", "country"});
        while (!reply.empty() && (reply.back() == '\n' || reply.back() == '\r'))
            reply.pop_back();
        return reply;
    }

    // AT+WSET/WSEC/WNET for the open network with the static address, then AT+WJOIN.
    void join() {
        ASSERT_TRUE(daemon_->transact("AT+WSET=0," + kSsid, "[OK]\r\n"));
        ASSERT_TRUE(daemon_->transact("AT+WSEC=0,OPEN", "[OK]\r\n"));
        ASSERT_TRUE(
            daemon_->transact("AT+WNET=0," + kAddress + ",255.255.255.0," + kGateway, "[OK]\r\n"));
        ASSERT_TRUE(daemon_->transact("AT+WJOIN",
                                      "Joining : " + kSsid + "\r\nSuccessfully joined : " + kSsid +
                                          "\r\n\r\n[Link-Up Event]\r\n  IP Addr    : " + kAddress +
                                          "\r\n  Gateway    : " + kGateway + "\r\n[OK]\r\n",
                                      30s));
        ASSERT_NE(sta_addresses().find("inet " + kAddress + "/24"), std::string::npos)
            << sta_addresses();
    }

    // The gateway stops answering pings; its address and link stay.
    void gateway_stops_answering() {
        const std::string ignore = "/proc/sys/net/ipv4/icmp_echo_ignore_all";
        const auto set = itest::run(
            {"ip", "netns", "exec", ap_, "sh", "-c", "echo 1 > " + ignore + " && cat " + ignore});
        ASSERT_EQ(set.exit_code, 0) << set.output;
        ASSERT_EQ(set.output, "1\n");
    }
};

// Spec §2.2 WCHECK: every period the gateway is pinged `count` times (1 s each); while it
// answers nothing happens, and once `limit` pings time out the module resets: sockets closed
// with their events, [Link-Down Event], then the banner of the emulated reboot (§5.3). WCHECK
// is RAM only, so the rebooted module has it off.
TEST_F(DaemonOpenStation, WcheckResetsTheModuleOnlyWhenTheGatewayStopsAnswering) {
    ASSERT_TRUE(daemon_->start());
    join();
    // A UDP client is "connected" as soon as it is bound (spec §2.3): a socket for the reset
    // to close.
    ASSERT_TRUE(daemon_->transact("AT+SCON=O,UCN," + kGateway + ",5001,,0", "[OK]\r\n"));
    ASSERT_TRUE(daemon_->expect("\r\n[CONNECT 0]\r\n", 10s));

    const EchoCounters before = echo_counters(ap_);
    ASSERT_GE(before.requests_in, 0) << "no Icmp counters in the AP namespace";
    ASSERT_TRUE(daemon_->transact("AT+WCHECK=10,5,3", "[OK]\r\n"));
    ASSERT_TRUE(daemon_->transact("AT+WCHECK=?", "10,5,3,0\r\n[OK]\r\n"));

    // The first round: five requests, five replies, and the module says nothing.
    ASSERT_TRUE(itest::eventually(
        [&] { return echo_counters(ap_).requests_in - before.requests_in >= 5; }, 40s))
        << "no gateway pings within 40 s";
    ASSERT_TRUE(itest::eventually(
        [&] { return echo_counters(ap_).replies_out - before.replies_out >= 5; }, 10s));
    gateway_stops_answering();
    const EchoCounters first = echo_counters(ap_);
    EXPECT_EQ(first.requests_in - before.requests_in, 5);
    EXPECT_EQ(first.replies_out - before.replies_out, 5);
    EXPECT_TRUE(daemon_->expect_nothing(300ms));
    EXPECT_TRUE(daemon_->transact("AT", "[OK]\r\n"));

    // The second round times out five times (3 would do): the module resets.
    EXPECT_TRUE(daemon_->expect("\r\n[DISCONNECT 0]\r\n\r\n[Link-Down Event]\r\n" + kBanner, 60s));
    const EchoCounters after = echo_counters(ap_);
    EXPECT_EQ(after.requests_in - before.requests_in, 10);
    EXPECT_EQ(after.replies_out - before.replies_out, 5);
    EXPECT_TRUE(daemon_->running());
    EXPECT_TRUE(itest::eventually(
        [&] { return sta_addresses().find("inet 203.0.113.") == std::string::npos; }, 3s))
        << sta_addresses();
    EXPECT_TRUE(daemon_->transact("AT+WCHECK=?", "0,0,0,0\r\n[OK]\r\n"));
    EXPECT_TRUE(daemon_->transact(
        "AT+WSTAT", "IF/SSID/IP-Addr/Gateway/MAC/TxPower(dBm)/RSSI(-dBm)\r\nDown////" + sta_mac_ +
                        "/31/0\r\n[OK]\r\n"));
    // Watchdog off: no more pings.
    EXPECT_TRUE(daemon_->expect_nothing(2000ms));
    EXPECT_EQ(echo_counters(ap_).requests_in - before.requests_in, 10);
}

// Smart antenna on (the fourth field): the firmware switches antennas instead of resetting, and
// there is no antenna here, so timeouts leave the module up.
TEST_F(DaemonOpenStation, WcheckWithSmartAntennaDoesNotReset) {
    ASSERT_TRUE(daemon_->start());
    join();
    gateway_stops_answering();
    const EchoCounters before = echo_counters(ap_);
    ASSERT_TRUE(daemon_->transact("AT+WCHECK=10,5,1,1", "[OK]\r\n"));
    ASSERT_TRUE(itest::eventually(
        [&] { return echo_counters(ap_).requests_in - before.requests_in >= 5; }, 40s))
        << "no gateway pings within 40 s";
    // The five timeouts take 5 s; then the verdict.
    EXPECT_TRUE(daemon_->expect_nothing(7000ms));
    EXPECT_EQ(echo_counters(ap_).replies_out - before.replies_out, 0);
    EXPECT_TRUE(daemon_->transact(
        "AT+WSTAT", "IF/SSID/IP-Addr/Gateway/MAC/TxPower(dBm)/RSSI(-dBm)\r\nSTA/" + kSsid + "/" +
                        kAddress + "/" + kGateway + "/" + sta_mac_ + "/31/0\r\n[OK]\r\n"));
}

// Spec §2.2 WREG, §7: the country reaches wpa_supplicant with the join, at once with AT+WREG
// (whose reboot prints no events even with the link up), and again after wpa_supplicant
// restarts. Without nl80211 the query shows the profile's country.
TEST_F(DaemonOpenStation, WregCountryReachesWpaSupplicant) {
    ASSERT_TRUE(daemon_->start());
    EXPECT_EQ(supplicant_country(), "FAIL");  // never told one
    join();
    EXPECT_EQ(supplicant_country(), "AU");  // the factory country

    ASSERT_TRUE(daemon_->transact("AT+WREG=DE", "[OK]\r\n" + kBanner, 20s));
    EXPECT_EQ(supplicant_country(), "DE");
    EXPECT_TRUE(daemon_->transact("AT+WREG=?", "DE\r\n[OK]\r\n"));

    supplicant_.stop();
    start_supplicant();
    EXPECT_TRUE(itest::eventually([&] { return supplicant_country() == "DE"; }, 10s))
        << supplicant_country();
}

}  // namespace
}  // namespace wizfi250d
