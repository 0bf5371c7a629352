// SPDX-License-Identifier: Apache-2.0
// The soft AP's generated hostapd configuration, DHCP range and dnsmasq arguments.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "wizfi250d/wifi/access_point.hpp"

namespace wizfi250d {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

AccessPointSettings settings(Security security, std::string key = "12345678") {
    AccessPointSettings s;
    s.interface = "wlan0";
    s.ssid = "WizFiSoftAP";
    s.channel = 6;
    s.security = security;
    s.key = std::move(key);
    s.address = *parse_ipv4("192.168.12.1");
    s.netmask = *parse_ipv4("255.255.255.0");
    return s;
}

std::string config(const AccessPointSettings& s) {
    std::string error;
    const auto text = hostapd_config(s, "nl80211", "/run/wizfi250d/hostapd", error);
    EXPECT_TRUE(text) << error;
    return text.value_or("");
}

TEST(HostapdConfig, OpenHasNoWpaLines) {
    const auto text = config(settings(Security::open, ""));
    EXPECT_THAT(text, HasSubstr("interface=wlan0\n"));
    EXPECT_THAT(text, HasSubstr("driver=nl80211\n"));
    EXPECT_THAT(text, HasSubstr("ctrl_interface=/run/wizfi250d/hostapd\n"));
    EXPECT_THAT(text, HasSubstr("ssid2=57697a4669536f66744150\n"));  // "WizFiSoftAP"
    EXPECT_THAT(text, HasSubstr("channel=6\n"));
    EXPECT_THAT(text, HasSubstr("hw_mode=g\n"));
    EXPECT_THAT(text, Not(HasSubstr("wpa")));
}

TEST(HostapdConfig, SecurityTypes) {
    struct Case {
        Security security;
        const char* lines;
    };
    const Case cases[] = {
        {Security::wpa_tkip, "wpa=1\nwpa_key_mgmt=WPA-PSK\nwpa_pairwise=TKIP\n"},
        {Security::wpa_aes, "wpa=1\nwpa_key_mgmt=WPA-PSK\nwpa_pairwise=CCMP\n"},
        {Security::wpa2_aes, "wpa=2\nwpa_key_mgmt=WPA-PSK\nrsn_pairwise=CCMP\n"},
        {Security::wpa2_tkip, "wpa=2\nwpa_key_mgmt=WPA-PSK\nrsn_pairwise=TKIP\n"},
        {Security::wpa2_mixed, "wpa=2\nwpa_key_mgmt=WPA-PSK\nrsn_pairwise=CCMP TKIP\n"},
    };
    for (const auto& c : cases) {
        const auto text = config(settings(c.security, "secret, with \"quotes\""));
        EXPECT_THAT(text, HasSubstr(c.lines));
        EXPECT_THAT(text, HasSubstr("wpa_passphrase=secret, with \"quotes\"\n"));
    }
}

TEST(HostapdConfig, HexKeys) {
    const std::string psk(64, 'a');
    EXPECT_THAT(config(settings(Security::wpa2_aes, psk)), HasSubstr("wpa_psk=" + psk + "\n"));
    // AT+WSEC's 128-hex-digit form: the hex of the 64 ASCII hex digits.
    std::string wsec;
    for (const char c : psk) {
        (void)c;
        wsec += "61";
    }
    EXPECT_THAT(config(settings(Security::wpa2_aes, wsec)), HasSubstr("wpa_psk=" + psk + "\n"));
}

TEST(HostapdConfig, Refusals) {
    std::string error;
    EXPECT_FALSE(hostapd_config(settings(Security::wep, "12345"), "nl80211", "/x", error));
    EXPECT_THAT(error, HasSubstr("WEP"));
    EXPECT_FALSE(hostapd_config(settings(Security::automatic), "nl80211", "/x", error));
    EXPECT_FALSE(hostapd_config(settings(Security::wpa2_aes, "short"), "nl80211", "/x", error));
    EXPECT_FALSE(
        hostapd_config(settings(Security::wpa2_aes, std::string(64, 'z')), "nl80211", "/x", error));
    EXPECT_FALSE(hostapd_config(settings(Security::wpa2_aes, std::string(128, 'f')), "nl80211",
                                "/x", error));
    EXPECT_FALSE(
        hostapd_config(settings(Security::wpa2_aes, "line\nbreak"), "nl80211", "/x", error));
    auto s = settings(Security::open);
    s.ssid = "";
    EXPECT_FALSE(hostapd_config(s, "nl80211", "/x", error));
    s.ssid = std::string(33, 'x');
    EXPECT_FALSE(hostapd_config(s, "nl80211", "/x", error));
    s = settings(Security::open);
    s.channel = 15;
    EXPECT_FALSE(hostapd_config(s, "nl80211", "/x", error));
    s = settings(Security::open);
    s.interface = "../etc";
    EXPECT_FALSE(hostapd_config(s, "nl80211", "/x", error));
}

TEST(HostapdConfig, SsidWithAnyBytesIsHex) {
    auto s = settings(Security::open);
    s.ssid = "a\nb=c";
    EXPECT_THAT(config(s), HasSubstr("ssid2=610a623d63\n"));
}

TEST(ClientRange, FromApPlusOneToBeforeBroadcast) {
    auto r = client_range(*parse_ipv4("192.168.12.1"), *parse_ipv4("255.255.255.0"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->first.to_string(), "192.168.12.2");
    EXPECT_EQ(r->last.to_string(), "192.168.12.254");
    r = client_range(*parse_ipv4("192.168.12.101"), *parse_ipv4("255.255.0.0"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->first.to_string(), "192.168.12.102");
    EXPECT_EQ(r->last.to_string(), "192.168.255.254");
    EXPECT_FALSE(client_range(*parse_ipv4("192.168.12.254"), *parse_ipv4("255.255.255.0")));
    EXPECT_FALSE(client_range(*parse_ipv4("192.168.12.0"), *parse_ipv4("255.255.255.0")));
    EXPECT_FALSE(client_range(*parse_ipv4("192.168.12.1"), *parse_ipv4("255.0.255.0")));
    EXPECT_FALSE(client_range(*parse_ipv4("192.168.12.1"), *parse_ipv4("255.255.255.255")));
}

TEST(DnsmasqArguments, DhcpOnlyOwnFilesOneDayLease) {
    const auto s = settings(Security::open);
    const auto args = dnsmasq_arguments(s, *client_range(s.address, s.netmask), "/run/wz");
    const auto has = [&](const std::string& a) {
        return std::find(args.begin(), args.end(), a) != args.end();
    };
    EXPECT_TRUE(has("--conf-file=/dev/null"));
    EXPECT_TRUE(has("--port=0"));
    EXPECT_TRUE(has("--keep-in-foreground"));
    EXPECT_TRUE(has("--interface=wlan0"));
    EXPECT_TRUE(has("--dhcp-range=192.168.12.2,192.168.12.254,255.255.255.0,1d"));
    EXPECT_TRUE(has("--dhcp-option=option:router,192.168.12.1"));
    EXPECT_TRUE(has("--dhcp-leasefile=/run/wz/dnsmasq-wlan0.leases"));
    EXPECT_TRUE(has("--pid-file=/run/wz/dnsmasq-wlan0.pid"));
    EXPECT_TRUE(has("--dhcp-sequential-ip"));
}

}  // namespace
}  // namespace wizfi250d
