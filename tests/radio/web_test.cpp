// SPDX-License-Identifier: Apache-2.0
// The web configuration pages (spec §2.5 AT+FWEBS) over the real Wi-Fi link: curl in the AP's
// namespace reaches the module's pages through the radio, logs in, scans (the AP is listed with
// its security from the radio's own scan), picks the AP, joins with its key, and reads the
// status (the link and dnsmasq's lease). The host sees the join's events on the UART.

#include <string>
#include <vector>

#include "radio_fixture.hpp"

namespace wizfi250d::rtest {
namespace {

class RadioWebPages : public RadioTest {
protected:
    // curl from the AP's side of the radio with the test's cookie jar; the body, then the
    // HTTP status on a line of its own.
    std::string curl(const std::string& url, std::vector<std::string> form = {}) {
        std::vector<std::string> argv{
            "curl",           "-s",         "-c", d_ + "/cookies", "-b", d_ + "/cookies", "-w",
            "\n%{http_code}", "--max-time", "60"};
        for (const auto& field : form) {
            argv.push_back("--data-urlencode");
            argv.push_back(field);
        }
        argv.push_back(url);
        return in_ns(kAp1.ns, argv, 70s).output;
    }

    static std::string status_of(const std::string& reply) {
        return reply.substr(reply.rfind('\n') + 1);
    }

    // The hidden _token field of the first form.
    static std::string token_in(const std::string& page) {
        const std::string marker = "name=\"_token\" value=\"";
        const auto at = page.find(marker);
        if (at == std::string::npos) return {};
        const auto start = at + marker.size();
        return page.substr(start, page.find('"', start) - start);
    }
};

TEST_F(RadioWebPages, ScanPickJoinAndStatusThroughTheRadio) {
    const ApSecurity& security = ap_security("WPA2AES");
    start_ap(kAp1, "RadioWeb", 6, security.hostapd);
    ASSERT_NO_FATAL_FAILURE(start_dhcp_server());
    ASSERT_NO_FATAL_FAILURE(start_module());
    ASSERT_NO_FATAL_FAILURE(configure_station("RadioWeb", security));
    std::string ip;
    ASSERT_NO_FATAL_FAILURE(join_expecting_success("RadioWeb", ip));
    // Type A: the pages come back by themselves after the page's join.
    ASSERT_TRUE(daemon_->transact("AT+FWEBS=1,A", "[OK]\r\n"));
    // Forget the key on the serial side: the page brings it.
    ASSERT_TRUE(daemon_->transact("AT+WSEC=0,OPEN", "[OK]\r\n"));
    const std::string base = "http://" + ip;

    const std::string login = curl(base + "/login");
    ASSERT_EQ(status_of(login), "200") << login;
    ASSERT_EQ(status_of(curl(base + "/login",
                             {"_token=" + token_in(login), "user=admin", "password=admin"})),
              "303");

    // The radio's scan: the AP with its security and channel, a link that picks it.
    const std::string scan = curl(base + "/wifi?scan=1");
    ASSERT_EQ(status_of(scan), "200") << scan;
    EXPECT_NE(scan.find("<a href=\"/wifi?ssid=RadioWeb&amp;security=WPA2AES\">RadioWeb</a>"),
              std::string::npos)
        << scan;
    EXPECT_NE(scan.find("<td>WPA2</td><td>6</td>"), std::string::npos) << scan;
    const std::string picked = curl(base + "/wifi?ssid=RadioWeb&security=WPA2AES");
    ASSERT_EQ(status_of(picked), "200");
    EXPECT_NE(picked.find("value=\"RadioWeb\""), std::string::npos) << picked;

    const std::string joining = curl(
        base + "/wifi/join",
        {"_token=" + token_in(picked), "ssid=RadioWeb", "security=WPA2AES", "key=" + security.key});
    ASSERT_EQ(status_of(joining), "200") << joining;
    // The host sees the page's AT+WLEAVE and AT+WJOIN as events (no echo, no [OK]); a failed
    // 4-way handshake try is allowed as in join_expecting_success().
    std::string events;
    ASSERT_TRUE(daemon_->read_until({"  Gateway    : " + kGateway + "\r\n"}, events, 60s));
    const std::string failed_try = "Joining : RadioWeb\r\nFailed to join: RadioWeb\r\n";
    std::string expected =
        "\r\n[Link-Down Event]\r\nJoining : RadioWeb\r\n"
        "Successfully joined : RadioWeb\r\n\r\n[Link-Up Event]\r\n"
        "  IP Addr    : " +
        module_lease() + "\r\n  Gateway    : " + kGateway + "\r\n";
    if (events != expected) expected.insert(expected.find("Joining"), failed_try);
    EXPECT_TRUE(itest::same_bytes(expected, events));
    EXPECT_TRUE(daemon_->expect_nothing());
    ASSERT_TRUE(daemon_->transact("AT+WSEC=?", "0,WPA2AES," + security.key + "\r\n[OK]\r\n"));

    // The status page at the new lease: the link, the SSID, the address.
    ip = module_lease();
    std::string status;
    EXPECT_TRUE(itest::eventually(
        [&] {
            status = curl("http://" + ip + "/");
            return status_of(status) == "200";
        },
        30s))
        << status;
    EXPECT_NE(status.find("<dt>Link</dt><dd>Up (station)</dd><dt>SSID</dt><dd>RadioWeb</dd>"
                          "<dt>IP address</dt><dd>" +
                          ip + "</dd>"),
              std::string::npos)
        << status;
    EXPECT_NE(status.find("Join\n"), std::string::npos) << status;
}

}  // namespace
}  // namespace wizfi250d::rtest
