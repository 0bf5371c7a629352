// SPDX-License-Identifier: Apache-2.0
// The web configuration pages (spec §2.5 AT+FWEBS) over the real Wi-Fi link: curl in the AP's
// namespace reaches the module's pages through the radio, logs in, scans (the AP is listed with
// its security from the radio's own scan), picks the AP, joins with its key, and reads the
// status (the link and dnsmasq's lease). The host sees the join's events on the UART.
// RadioWebBrowser is the same with headless Chromium on the VM's host instead of curl.

#include <cstdio>
#include <cstdlib>
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

    const std::string ssid_ = "RadioWeb";
    const unsigned channel_ = 6;
    const ApSecurity& security_ = ap_security("WPA2AES");

    // The AP (WPA2, channel 6) with DHCP, the module joined by AT+WJOIN (its lease in `ip`) and
    // the pages started with type A, so they come back by themselves after the page's join. The
    // key is then forgotten on the serial side: the page brings it.
    void serve_pages_on_the_link(std::string& ip, const std::string& daemon_conf_extra = "") {
        start_ap(kAp1, ssid_, channel_, security_.hostapd);
        ASSERT_NO_FATAL_FAILURE(start_dhcp_server());
        ASSERT_NO_FATAL_FAILURE(start_module(daemon_conf_extra));
        ASSERT_NO_FATAL_FAILURE(configure_station(ssid_, security_));
        ASSERT_NO_FATAL_FAILURE(join_expecting_success(ssid_, ip));
        ASSERT_TRUE(daemon_->transact("AT+FWEBS=1,A", "[OK]\r\n"));
        ASSERT_TRUE(daemon_->transact("AT+WSEC=0,OPEN", "[OK]\r\n"));
    }

    // After the page's join: the host saw its AT+WLEAVE and AT+WJOIN as events (no echo, no
    // [OK]; a failed 4-way handshake try is allowed as in join_expecting_success()), dnsmasq
    // gave the module its lease `ip` again, and the key the page brought is the module's.
    void expect_the_pages_join(const std::string& ip) {
        std::string events;
        ASSERT_TRUE(daemon_->read_until({"  Gateway    : " + kGateway + "\r\n"}, events, 60s));
        const std::string failed_try =
            "Joining : " + ssid_ + "\r\nFailed to join: " + ssid_ + "\r\n";
        std::string expected = "\r\n[Link-Down Event]\r\nJoining : " + ssid_ +
                               "\r\nSuccessfully joined : " + ssid_ +
                               "\r\n\r\n[Link-Up Event]\r\n  IP Addr    : " + ip +
                               "\r\n  Gateway    : " + kGateway + "\r\n";
        if (events != expected) expected.insert(expected.find("Joining"), failed_try);
        EXPECT_TRUE(itest::same_bytes(expected, events));
        EXPECT_TRUE(daemon_->expect_nothing());
        // dnsmasq rewrites its lease file in place: a read may catch it empty.
        EXPECT_TRUE(itest::eventually([&] { return module_lease() == ip; }, 5s))
            << itest::read_file(d_ + "/leases");
        ASSERT_TRUE(daemon_->transact("AT+WSEC=?", "0,WPA2AES," + security_.key + "\r\n[OK]\r\n"));
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
    std::string ip;
    ASSERT_NO_FATAL_FAILURE(serve_pages_on_the_link(ip));
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

    const std::string joining =
        curl(base + "/wifi/join", {"_token=" + token_in(picked), "ssid=RadioWeb",
                                   "security=WPA2AES", "key=" + security_.key});
    ASSERT_EQ(status_of(joining), "200") << joining;
    ASSERT_NO_FATAL_FAILURE(expect_the_pages_join(ip));

    // The status page at the lease: the link, the SSID, the address.
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

// The guest half of the host's browser test (tests/browser/radio_flow.mjs, ctest
// browser.radio): the VM's NIC (qemu's user network, eth0 10.0.2.15, one port forwarded from the
// host's loopback) goes into the AP's namespace with tinyproxy on it. Headless Chromium on the host
// uses that proxy and opens http://<the module's lease>/, so each request crosses the radio from
// the AP's side with the module's own address as Host. The two halves meet in a shared directory
// (WIZFI250D_BROWSER_EXCHANGE): this side writes `ready` (the address and the network), the
// browser side writes `done` ("passed", or why not) when its flow has ended.
class RadioWebBrowser : public RadioWebPages {
protected:
    static constexpr unsigned kProxyPort = 8888;
    inline static const std::string kNic = "eth0";
    inline static const std::string kNicAddress = "10.0.2.15";  // where qemu forwards to
    inline static const std::string kQemuHost = "10.0.2.2";     // where forwarded clients come from

    void SetUp() override {
        RadioWebPages::SetUp();
        if (IsSkipped() || HasFatalFailure()) return;
        const char* exchange = std::getenv("WIZFI250D_BROWSER_EXCHANGE");
        if (exchange == nullptr)
            GTEST_SKIP() << "the guest half of ctest's browser.radio: run by "
                            "tests/browser/radio_flow.mjs, which sets WIZFI250D_BROWSER_EXCHANGE";
        exchange_ = exchange;
    }

    // The NIC into the AP's namespace (moving it drops its address).
    void move_the_nic_to_the_ap_side() {
        const auto moved = itest::run({"ip", "link", "set", kNic, "netns", kAp1.ns});
        ASSERT_EQ(moved.exit_code, 0)
            << "the VM has no " << kNic << " (run-in-vm.sh --forward): " << moved.output;
        for (std::vector<std::string> command :
             {std::vector<std::string>{"addr", "add", kNicAddress + "/24", "dev", kNic},
              std::vector<std::string>{"link", "set", kNic, "up"}}) {
            command.insert(command.begin(), {"ip", "-n", kAp1.ns});
            const auto done = itest::run(command);
            ASSERT_EQ(done.exit_code, 0) << done.output;
        }
    }

    // The browser side's word: "passed", or why not; empty when it never came.
    std::string wait_for_the_browser(std::chrono::seconds timeout) {
        std::string done;
        itest::eventually(
            [&] {
                done = itest::read_file(exchange_ + "/done");
                return !done.empty() && done.back() == '\n';
            },
            timeout);
        return done;
    }

    std::string exchange_;
};

TEST_F(RadioWebBrowser, HostsChromiumScansPicksJoinsAndReadsTheStatusThroughTheRadio) {
    std::string ip;
    // Only the AP's side of the radio may open the pages: a request from anywhere else (from
    // the proxy's NIC address, say) would be refused.
    ASSERT_NO_FATAL_FAILURE(
        serve_pages_on_the_link(ip, "web_server_allow = " + kGateway + "/32\n"));
    // A second network in the scan list, so the browser picks one out of several.
    start_ap(kAp2, "GuestNet", 11, ap_security("OPEN").hostapd);
    ASSERT_NO_FATAL_FAILURE(move_the_nic_to_the_ap_side());
    ASSERT_NO_FATAL_FAILURE(start_http_proxy(kNicAddress, kProxyPort, kQemuHost));

    itest::write_file(exchange_ + "/ready.tmp",
                      "address=" + ip + "\nssid=" + ssid_ + "\nsecurity=" + security_.scan_name +
                          "\nchannel=" + std::to_string(channel_) + "\nkey=" + security_.key +
                          "\nother_ssid=GuestNet\nother_security=" + ap_security("OPEN").scan_name +
                          "\nother_channel=11\n");
    ASSERT_EQ(std::rename((exchange_ + "/ready.tmp").c_str(), (exchange_ + "/ready").c_str()), 0);
    std::printf("browser.radio: the pages are at http://%s/ (proxy %s:%u)\n", ip.c_str(),
                kNicAddress.c_str(), kProxyPort);
    std::fflush(stdout);

    const std::string browser = wait_for_the_browser(240s);
    ASSERT_EQ(browser, "passed\n") << "the browser flow did not pass (its output says why)";
    ASSERT_NO_FATAL_FAILURE(expect_the_pages_join(ip));
    // The daemon saw the browser's requests come from the AP's radio address.
    const std::string log = daemon_->log_text();
    EXPECT_NE(log.find("web server: " + kGateway + " logged in"), std::string::npos) << log;
    EXPECT_EQ(log.find("refused by web_server_allow"), std::string::npos) << log;
}

}  // namespace
}  // namespace wizfi250d::rtest
