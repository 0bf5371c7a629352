// SPDX-License-Identifier: Apache-2.0
// AT+WJOIN / AT+WLEAVE on a real radio (spec §2.2): every AT+WSEC type hostapd can serve, with
// a real authentication and a DHCP lease from dnsmasq over the air; an AP the radio has not
// heard yet; a hidden SSID with the BSSID and channel of AT+WSET; a wrong key (the exact failure
// lines and tries).

#include "radio_fixture.hpp"

namespace wizfi250d::rtest {
namespace {

class RadioJoin : public RadioTest, public ::testing::WithParamInterface<const char*> {};

// The module joins, gets its lease, the AP lists it as an associated station; AT+WLEAVE ends
// the link and the AP sees it go.
TEST_P(RadioJoin, JoinsWithItsLeaseAndLeaves) {
    const ApSecurity& security = ap_security(GetParam());
    start_ap(kAp1, "RadioJoin", 6, security.hostapd);
    ASSERT_NO_FATAL_FAILURE(start_dhcp_server());
    ASSERT_NO_FATAL_FAILURE(start_module());
    ASSERT_NO_FATAL_FAILURE(configure_station("RadioJoin", security));
    std::string ip;
    ASSERT_NO_FATAL_FAILURE(join_expecting_success("RadioJoin", ip));
    const std::string mac_lower = "02:00:00:00:02:00";
    EXPECT_NE(hostapd_cli(kAp1, {"all_sta"}).find(mac_lower), std::string::npos);
    EXPECT_NE(in_ns(kModule.ns, {"ip", "-4", "addr", "show", "dev", kModule.interface})
                  .output.find("inet " + ip + "/24"),
              std::string::npos);
    EXPECT_TRUE(daemon_->transact("AT+WLEAVE", "\r\n[Link-Down Event]\r\n[OK]\r\n"));
    EXPECT_TRUE(itest::eventually(
        [&] {
            return itest::read_file(d_ + "/hostapd-wlan0.log")
                       .find("AP-STA-DISCONNECTED " + mac_lower) != std::string::npos;
        },
        5s));
}

INSTANTIATE_TEST_SUITE_P(EveryWsecType, RadioJoin,
                         ::testing::Values("OPEN", "WEP-OPEN", "WEP-SHARED", "WPA", "WPAAES",
                                           "WPA2AES", "WPA2TKIP", "WPA2"),
                         [](const auto& param_info) {
                             std::string name = param_info.param;
                             for (auto& c : name)
                                 if (c == '-') c = '_';
                             return name;
                         });

using RadioJoinCases = RadioTest;

TEST_F(RadioJoinCases, AWrongKeyFailsThreeTries) {
    // One EAPOL-Key try: hostapd gives up on the wrong key in about 2 s instead of 4.
    start_ap(kAp1, "RadioJoin", 6,
             ap_security("WPA2AES").hostapd + "wpa_pairwise_update_count=1\n");
    ASSERT_NO_FATAL_FAILURE(start_module());
    ASSERT_TRUE(daemon_->transact("AT+WSET=0,RadioJoin", "[OK]\r\n"));
    ASSERT_TRUE(daemon_->transact("AT+WSEC=0,WPA2AES,not-the-passphrase", "[OK]\r\n"));
    ASSERT_TRUE(daemon_->send("AT+WJOIN\r"));
    std::string out;
    ASSERT_TRUE(daemon_->read_until(kFinal, out, 60s));
    std::string expected = "AT+WJOIN\r\n";
    for (int i = 0; i < 3; ++i)
        expected += "Joining : RadioJoin\r\nFailed to join: RadioJoin\r\n";
    EXPECT_TRUE(itest::same_bytes(expected + "[ERROR]\r\n", out));
    // The AP saw a real handshake fail.
    EXPECT_NE(itest::read_file(d_ + "/hostapd-wlan0.log").find("AP-STA-POSSIBLE-PSK-MISMATCH"),
              std::string::npos);
    // Nothing is left that wpa_supplicant would keep trying.
    EXPECT_EQ(wpa_cli({"list_networks"}).find("RadioJoin"), std::string::npos);
}

TEST_F(RadioJoinCases, AnApNotHeardYetIsScannedFor) {
    ASSERT_NO_FATAL_FAILURE(start_dhcp_server());
    ASSERT_NO_FATAL_FAILURE(start_module());
    // The radio's last scan did not hear the AP: it comes up just before the join.
    ASSERT_TRUE(daemon_->send("AT+WSCAN\r"));
    std::string out;
    ASSERT_TRUE(daemon_->read_until(kFinal, out, 20s));
    ASSERT_EQ(out.find("RadioLate"), std::string::npos);
    ASSERT_NO_FATAL_FAILURE(configure_station("RadioLate", ap_security("WPA2AES")));
    start_ap(kAp1, "RadioLate", 11, ap_security("WPA2AES").hostapd);
    std::string ip;
    ASSERT_NO_FATAL_FAILURE(join_expecting_success("RadioLate", ip));
}

TEST_F(RadioJoinCases, AHiddenSsidWithBssidAndChannel) {
    start_ap(kAp1, "RadioHidden", 11, ap_security("WPA2AES").hostapd + "ignore_broadcast_ssid=1\n");
    ASSERT_NO_FATAL_FAILURE(start_dhcp_server());
    ASSERT_NO_FATAL_FAILURE(start_module());
    ASSERT_TRUE(daemon_->transact("AT+WSET=0,RadioHidden," + kAp1.mac + ",11", "[OK]\r\n"));
    ASSERT_TRUE(daemon_->transact("AT+WSEC=0,WPA2AES,radio-passphrase", "[OK]\r\n"));
    handshake_try_allowed_ = true;
    std::string ip;
    ASSERT_NO_FATAL_FAILURE(join_expecting_success("RadioHidden", ip));
}

}  // namespace
}  // namespace wizfi250d::rtest
