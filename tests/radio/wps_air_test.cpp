// SPDX-License-Identifier: Apache-2.0
// WPS against hostapd's registrar over the air (spec §2.2 WWPS): push button and PIN; the
// credential is kept as the STA settings and a join with it works. The Air command (spec §6)
// over the real Wi-Fi link, with its allow-list (README `air_command_allow`).

#include <memory>

#include "radio_fixture.hpp"

namespace wizfi250d::rtest {
namespace {

const std::string kWpsAp =
    "wpa=2\nwpa_key_mgmt=WPA-PSK\nrsn_pairwise=CCMP\nwpa_passphrase=radio-wps-key\n"
    "wps_state=2\neap_server=1\nconfig_methods=push_button keypad display label\n"
    "device_name=RadioAP\n";

class RadioWps : public RadioTest, public ::testing::WithParamInterface<bool> {};

TEST_P(RadioWps, TheCredentialIsKeptAndJoins) {
    const bool pin = GetParam();
    start_ap(kAp1, "RadioWps", 6, kWpsAp);
    ASSERT_NO_FATAL_FAILURE(start_dhcp_server());
    ASSERT_NO_FATAL_FAILURE(start_module());
    if (pin) {
        ASSERT_NE(hostapd_cli(kAp1, {"wps_pin", "any", "12345670"}).find("OK"), std::string::npos);
    } else {
        ASSERT_NE(hostapd_cli(kAp1, {"wps_pbc"}).find("OK"), std::string::npos);
    }
    EXPECT_TRUE(daemon_->transact(pin ? "AT+WWPS=1,12345670" : "AT+WWPS=0", "[OK]\r\n", 60s));
    EXPECT_TRUE(daemon_->transact("AT+WSEC=?", "0,WPA2AES,radio-wps-key\r\n[OK]\r\n"));
    EXPECT_TRUE(daemon_->transact("AT+WSET=?", "0,RadioWps,00:00:00:00:00:00,0\r\n[OK]\r\n"));
    // Kept in the profile ("flash"): it is there after a reboot too.
    EXPECT_TRUE(daemon_->transact("AT+MRESET",
                                  "[OK]\r\nWizFi250 Version 1.0.5.2 (WIZnet Co.Ltd)\r\n", 20s));
    EXPECT_TRUE(daemon_->transact("AT+WSEC=?", "0,WPA2AES,radio-wps-key\r\n[OK]\r\n"));
    handshake_try_allowed_ = true;
    std::string ip;
    ASSERT_NO_FATAL_FAILURE(join_expecting_success("RadioWps", ip));
}

INSTANTIATE_TEST_SUITE_P(PushButtonAndPin, RadioWps, ::testing::Values(false, true),
                         [](const auto& param_info) {
                             return param_info.param ? "Pin" : "PushButton";
                         });

using RadioAirCommand = RadioTest;

TEST_F(RadioAirCommand, OverTheLinkForAllowedClientsOnly) {
    const std::string other = "203.0.113.9";  // a second address of the AP side, not allowed
    ASSERT_EQ(
        in_ns(kAp1.ns, {"ip", "addr", "replace", other + "/24", "dev", kAp1.interface}).exit_code,
        0);
    start_ap(kAp1, "RadioAir", 6, ap_security("WPA2AES").hostapd);
    ASSERT_NO_FATAL_FAILURE(start_dhcp_server());
    ASSERT_NO_FATAL_FAILURE(start_module("air_command_allow = " + kGateway + "/32\n"));
    ASSERT_NO_FATAL_FAILURE(configure_station("RadioAir", ap_security("WPA2AES")));
    std::string ip;
    ASSERT_NO_FATAL_FAILURE(join_expecting_success("RadioAir", ip));
    ASSERT_TRUE(daemon_->transact("AT+MAIRCMD=O,T,50001,0", "[OK]\r\n"));

    const std::string reply = "FW version/HW version\r\n1.0.5.2/WizFi250 Rev 1.0\r\n[OK]\r\n";
    auto allowed = std::make_unique<NsTcpClient>();
    ASSERT_TRUE(allowed->connect(kAp1.ns, ip, 50001, kGateway));
    ASSERT_TRUE(allowed->send("WizFi250AirCmd:AT+MINFO\r"));
    EXPECT_EQ(allowed->receive(reply.size()), reply);
    // No echo on the UART, nothing at all there.
    EXPECT_TRUE(daemon_->expect_nothing(300ms));

    NsTcpClient refused;
    // The server takes one client at a time: the allowed one leaves first.
    allowed.reset();
    ASSERT_TRUE(refused.connect(kAp1.ns, ip, 50001, other));
    refused.send("WizFi250AirCmd:AT+MINFO\r");
    EXPECT_TRUE(refused.closed());
    EXPECT_TRUE(daemon_->expect_nothing(300ms));
    in_ns(kAp1.ns, {"ip", "addr", "del", other + "/24", "dev", kAp1.interface});
}

}  // namespace
}  // namespace wizfi250d::rtest
