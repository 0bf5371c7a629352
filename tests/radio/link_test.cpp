// SPDX-License-Identifier: Apache-2.0
// A station link on a real radio: AT+WSTAT from nl80211 (MAC, TX power, signal); AT+WREG and
// the kernel's regulatory domain; the link lost and back (spec §3.2) with an open socket and
// with a service socket; DNS and ping over the air, with DHCP and with AT+WNET/AT+WADNS.

#include <sstream>

#include "radio_fixture.hpp"

namespace wizfi250d::rtest {
namespace {

const std::string kBanner = "WizFi250 Version 1.0.5.2 (WIZnet Co.Ltd)\r\n";
const std::string kWstatHeader = "IF/SSID/IP-Addr/Gateway/MAC/TxPower(dBm)/RSSI(-dBm)\r\n";

class RadioLink : public RadioTest {
protected:
    void join_open(std::string& ip) {
        start_ap(kAp1, "RadioLink", 6, ap_security("OPEN").hostapd);
        ASSERT_NO_FATAL_FAILURE(start_dhcp_server());
        ASSERT_NO_FATAL_FAILURE(start_echo_server());
        ASSERT_NO_FATAL_FAILURE(start_module());
        ASSERT_NO_FATAL_FAILURE(configure_station("RadioLink", ap_security("OPEN")));
        ASSERT_NO_FATAL_FAILURE(join_expecting_success("RadioLink", ip));
    }

    // The first number after `key` in `text` ("txpower 20.00 dBm" → 20, "signal: -30" → -30).
    static int number_after(const std::string& text, const std::string& key) {
        const auto at = text.find(key);
        if (at == std::string::npos) return 9999;
        return static_cast<int>(std::stod(text.substr(at + key.size())));
    }

    // The link goes (hostapd stops) and comes back (it starts again): `while_down` is checked
    // between. Returns the output from the loss to the end of the link-up lines.
    void lose_and_regain(const std::string& down_events, const std::string& ip,
                         const std::string& after_up) {
        stop_ap(kAp1);
        EXPECT_TRUE(daemon_->expect(down_events + "\r\n[Link-Down Event]\r\n", 20s));
        start_ap(kAp1, "RadioLink", 6, ap_security("OPEN").hostapd);
        EXPECT_TRUE(daemon_->expect("\r\n[Link-Up Event]\r\n  IP Addr    : " + ip +
                                        "\r\n  Gateway    : " + kGateway + "\r\n" + after_up,
                                    40s));
    }
};

TEST_F(RadioLink, WstatReadsTheRadio) {
    std::string ip;
    ASSERT_NO_FATAL_FAILURE(join_open(ip));
    const auto info = in_ns(kModule.ns, {"iw", "dev", kModule.interface, "info"}).output;
    const auto link = in_ns(kModule.ns, {"iw", "dev", kModule.interface, "link"}).output;
    const int tx = number_after(info, "txpower ");
    const int signal = number_after(link, "signal: ");
    ASSERT_NE(tx, 9999) << info;
    ASSERT_NE(signal, 9999) << link;
    EXPECT_TRUE(daemon_->transact(
        "AT+WSTAT", kWstatHeader + "STA/RadioLink/" + ip + "/" + kGateway + "/" + kModule.mac +
                        "/" + std::to_string(tx) + "/" + std::to_string(-signal) + "\r\n[OK]\r\n"));
    EXPECT_TRUE(daemon_->transact("AT+WLEAVE", "\r\n[Link-Down Event]\r\n[OK]\r\n"));
    EXPECT_TRUE(daemon_->transact("AT+WSTAT", kWstatHeader + "Down////" + kModule.mac + "/" +
                                                  std::to_string(tx) + "/0\r\n[OK]\r\n"));
}

TEST_F(RadioLink, WregSetsTheKernelsRegulatoryDomain) {
    ASSERT_NO_FATAL_FAILURE(start_module());
    ASSERT_TRUE(daemon_->transact("AT+WREG=US", "[OK]\r\n" + kBanner, 20s));
    EXPECT_TRUE(daemon_->transact("AT+WREG=?", "US\r\n[OK]\r\n"));
    EXPECT_TRUE(itest::eventually(
        [&] {
            return in_ns(kModule.ns, {"iw", "reg", "get"}).output.find("country US") !=
                   std::string::npos;
        },
        10s))
        << in_ns(kModule.ns, {"iw", "reg", "get"}).output;
    ASSERT_TRUE(daemon_->transact("AT+WREG=DE", "[OK]\r\n" + kBanner, 20s));
    EXPECT_TRUE(itest::eventually(
        [&] {
            return in_ns(kModule.ns, {"iw", "reg", "get"}).output.find("country DE") !=
                   std::string::npos;
        },
        10s))
        << in_ns(kModule.ns, {"iw", "reg", "get"}).output;
}

TEST_F(RadioLink, LossAndReturnWithAnOpenSocket) {
    std::string ip;
    ASSERT_NO_FATAL_FAILURE(join_open(ip));
    ASSERT_TRUE(daemon_->transact("AT+SCON=O,TCN," + kGateway + ",5000,,0", "[OK]\r\n"));
    ASSERT_TRUE(daemon_->expect("\r\n[CONNECT 0]\r\n", 10s));
    ASSERT_NO_FATAL_FAILURE(lose_and_regain("\r\n[DISCONNECT 0]\r\n", ip, ""));
    // Nothing reopens a plain socket; the link carries data again.
    EXPECT_TRUE(daemon_->expect_nothing(500ms));
    ASSERT_TRUE(daemon_->transact("AT+SCON=O,TCN," + kGateway + ",5000,,0", "[OK]\r\n"));
    ASSERT_TRUE(daemon_->expect("\r\n[CONNECT 0]\r\n", 10s));
    EXPECT_TRUE(daemon_->transact("AT+SSEND=0,,,5", "[0,,,5]\r\n"));
    EXPECT_TRUE(daemon_->send("Hello"));
    EXPECT_TRUE(daemon_->expect("[OK]\r\n{0," + kGateway + ",5000,5}Hello\r\n", 10s));
}

TEST_F(RadioLink, LossAndReturnReopensTheServiceSocket) {
    std::string ip;
    ASSERT_NO_FATAL_FAILURE(join_open(ip));
    ASSERT_TRUE(daemon_->transact("AT+SCON=SO,TCN," + kGateway + ",5000,,0", "[OK]\r\n"));
    ASSERT_TRUE(daemon_->expect("\r\n[CONNECT 0]\r\n", 10s));
    ASSERT_NO_FATAL_FAILURE(lose_and_regain("\r\n[DISCONNECT 0]\r\n", ip, "\r\n[CONNECT 0]\r\n"));
    EXPECT_TRUE(daemon_->transact("AT+SSEND=0,,,4", "[0,,,4]\r\n"));
    EXPECT_TRUE(daemon_->send("back"));
    EXPECT_TRUE(daemon_->expect("[OK]\r\n{0," + kGateway + ",5000,4}back\r\n", 10s));
}

TEST_F(RadioLink, DnsAndPingOverTheAir) {
    std::string ip;
    ASSERT_NO_FATAL_FAILURE(join_open(ip));
    EXPECT_TRUE(daemon_->transact("AT+FDNS=echo.test,3000", kGateway + "\r\n[OK]\r\n"));
    EXPECT_NE(itest::read_file(d_ + "/dnsmasq.log").find("query[A] echo.test from " + ip),
              std::string::npos);
    ASSERT_TRUE(daemon_->send("AT+FPING=2," + kGateway + "\r"));
    std::string out;
    ASSERT_TRUE(daemon_->read_until(kFinal, out, 10s));
    // "Ping Reply : %3u ms" per reply: the times are the air's; the frame is the module's.
    std::istringstream lines(out);
    std::string line;
    std::getline(lines, line);
    EXPECT_EQ(line, "AT+FPING=2," + kGateway + "\r");
    for (int i = 0; i < 2; ++i) {
        std::getline(lines, line);
        ASSERT_EQ(line.size(), 20u) << itest::escape_bytes(out);
        EXPECT_EQ(line.substr(0, 13), "Ping Reply : ") << itest::escape_bytes(out);
        EXPECT_EQ(line.substr(16), " ms\r") << itest::escape_bytes(out);
    }
    std::getline(lines, line);
    EXPECT_EQ(line, "[OK]\r");
}

TEST_F(RadioLink, StaticAddressAndAdnsOverTheAir) {
    start_ap(kAp1, "RadioLink", 6, ap_security("OPEN").hostapd);
    ASSERT_NO_FATAL_FAILURE(start_dhcp_server());  // DNS only: the module asks for no lease
    ASSERT_NO_FATAL_FAILURE(start_module());
    ASSERT_NO_FATAL_FAILURE(configure_station("RadioLink", ap_security("OPEN")));
    const std::string ip = "203.0.113.50";
    ASSERT_TRUE(daemon_->transact("AT+WNET=0," + ip + ",255.255.255.0," + kGateway, "[OK]\r\n"));
    ASSERT_TRUE(daemon_->transact("AT+WADNS=" + kGateway, "[OK]\r\n"));
    ASSERT_TRUE(daemon_->send("AT+WJOIN\r"));
    std::string out;
    ASSERT_TRUE(daemon_->read_until(kFinal, out, 30s));
    EXPECT_TRUE(itest::same_bytes(joined_output("RadioLink", ip), out));
    EXPECT_TRUE(module_lease().empty());
    EXPECT_TRUE(daemon_->transact("AT+FDNS=echo.test,3000", kGateway + "\r\n[OK]\r\n"));
    EXPECT_NE(itest::read_file(d_ + "/dnsmasq.log").find("query[A] echo.test from " + ip),
              std::string::npos);
    ASSERT_TRUE(daemon_->send("AT+FPING=1," + kGateway + "\r"));
    ASSERT_TRUE(daemon_->read_until(kFinal, out, 10s));
    EXPECT_NE(out.find("Ping Reply : "), std::string::npos) << itest::escape_bytes(out);
}

// The ICMP echo requests the AP namespace received (its /proc/PID/net/snmp, through dnsmasq).
long echo_requests(pid_t pid_in_namespace) {
    std::istringstream snmp(
        itest::read_file("/proc/" + std::to_string(pid_in_namespace) + "/net/snmp"));
    std::string names, values, line;
    while (std::getline(snmp, line)) {
        if (line.rfind("Icmp: InMsgs", 0) == 0)
            names = line;
        else if (line.rfind("Icmp: ", 0) == 0 && !names.empty() && values.empty())
            values = line;
    }
    std::istringstream n(names), v(values);
    std::string name, value;
    while (n >> name && v >> value)
        if (name == "InEchos") return std::stol(value);
    return -1;
}

// Spec §2.2 WCHECK on a real gateway: its pings go over the air; when the gateway does not
// answer, the module resets ([Link-Down Event], then the banner of the reboot).
TEST_F(RadioLink, WcheckPingsTheGatewayOverTheAirAndResets) {
    std::string ip;
    ASSERT_NO_FATAL_FAILURE(join_open(ip));
    const long before = echo_requests(dnsmasq_.pid());
    ASSERT_GE(before, 0);
    // The gateway stops answering pings (its address and link stay), until the test ends.
    const std::string ignore_all = "/proc/sys/net/ipv4/icmp_echo_ignore_all";
    struct AnswersAgain {
        std::string file;
        ~AnswersAgain() {
            itest::run({"ip", "netns", "exec", kAp1.ns, "sh", "-c", "echo 0 > " + file});
        }
    } answers_again{ignore_all};
    const auto ignore = in_ns(kAp1.ns, {"sh", "-c", "echo 1 > " + ignore_all});
    ASSERT_EQ(ignore.exit_code, 0) << ignore.output;
    ASSERT_TRUE(daemon_->transact("AT+WCHECK=10,5,1", "[OK]\r\n"));
    EXPECT_TRUE(daemon_->expect("\r\n[Link-Down Event]\r\n" + kBanner, 40s));
    EXPECT_GE(echo_requests(dnsmasq_.pid()) - before, 1);
    EXPECT_TRUE(daemon_->transact("AT+WCHECK=?", "0,0,0,0\r\n[OK]\r\n"));
}

// Each DHCP client the daemon supports gets its lease over the air (README `dhcp_client`).
class RadioDhcp : public RadioTest, public ::testing::WithParamInterface<const char*> {};

TEST_P(RadioDhcp, LeaseOverTheAir) {
    start_ap(kAp1, "RadioDhcp", 6, ap_security("WPA2AES").hostapd);
    ASSERT_NO_FATAL_FAILURE(start_dhcp_server());
    ASSERT_NO_FATAL_FAILURE(start_module("dhcp_client = " + std::string(GetParam()) + "\n"));
    ASSERT_NO_FATAL_FAILURE(configure_station("RadioDhcp", ap_security("WPA2AES")));
    std::string ip;
    ASSERT_NO_FATAL_FAILURE(join_expecting_success("RadioDhcp", ip));
    EXPECT_NE(daemon_->log_text().find(GetParam()), std::string::npos);
    EXPECT_TRUE(daemon_->transact("AT+FDNS=echo.test,3000", kGateway + "\r\n[OK]\r\n"));
}

INSTANTIATE_TEST_SUITE_P(EveryClient, RadioDhcp, ::testing::Values("udhcpc", "dhcpcd", "dhclient"));

}  // namespace
}  // namespace wizfi250d::rtest
