// SPDX-License-Identifier: Apache-2.0
// Unit tests for the W group handlers (spec §2.2, §5.2), called directly on a Module whose
// output goes to a pty. Until the Wi-Fi backend exists no link can come up.

#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <string>
#include <utility>

#include "command_fixture.hpp"

namespace wizfi250d::testing {
namespace {

using namespace wizfi250d::commands;

using WifiCommands = CommandTest;

class CowayWifiCommands : public CommandTest {
protected:
    CowayWifiCommands() : CommandTest(true) {}
};

// A 64-character PSK given as 128 hex digits (each pair one hex character of the PSK).
std::string hex_of(const std::string& text) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string hex;
    for (const char c : text) {
        hex += digits[static_cast<unsigned char>(c) >> 4];
        hex += digits[static_cast<unsigned char>(c) & 0x0f];
    }
    return hex;
}

TEST_F(WifiCommands, WsetQueryAtFactory) {
    EXPECT_EQ(run(wset, "?"), answer("0,WizFiAP,00:00:00:00:00:00,6"));
}

TEST_F(WifiCommands, WsetStationWithBssidAndChannel) {
    EXPECT_EQ(run(wset, "0,MyAP,08:00:dc:11:22:33,11"), ok);
    for (const Profile* p : {&ram(), &saved()}) {
        EXPECT_EQ(p->station.ssid, "MyAP");
        EXPECT_EQ(p->station.bssid, "08:00:DC:11:22:33");
        EXPECT_EQ(p->station.channel, 11u);
        EXPECT_EQ(p->wifi_mode, WifiMode::station);
    }
    EXPECT_EQ(run(wset, "?"), answer("0,MyAP,08:00:dc:11:22:33,11"));
}

TEST_F(WifiCommands, WsetStationWithoutChannelMeansAnyAndClearsBssid) {
    ASSERT_EQ(run(wset, "0,MyAP,08:00:DC:11:22:33,11"), ok);
    EXPECT_EQ(run(wset, "0,Other"), ok);
    EXPECT_EQ(run(wset, "?"), answer("0,Other,00:00:00:00:00:00,0"));
}

TEST_F(WifiCommands, WsetApDefaultsToChannel6AndSwitchesMode) {
    EXPECT_EQ(run(wset, "1,SoftAP"), ok);
    EXPECT_EQ(saved().soft_ap.ssid, "SoftAP");
    EXPECT_EQ(saved().wifi_mode, WifiMode::soft_ap);
    EXPECT_EQ(ram().wifi_mode, WifiMode::soft_ap);
    EXPECT_EQ(saved().station.ssid, "WizFiAP");
    EXPECT_EQ(run(wset, "?"), answer("1,SoftAP,00:00:00:00:00:00,6"));
}

TEST_F(WifiCommands, WsetSavesOnlyItsOwnFields) {
    ram().dhcp = false;
    ASSERT_EQ(run(wset, "0,MyAP"), ok);
    EXPECT_TRUE(saved().dhcp);
    EXPECT_EQ(saved().station.ssid, "MyAP");
}

TEST_F(WifiCommands, WsetEmptyModeIsStationAndBlanksAreKept) {
    EXPECT_EQ(run(wset, ",MyAP"), ok);
    EXPECT_EQ(ram().station.ssid, "MyAP");
    EXPECT_EQ(run(wset, "0, MyAP"), ok);
    EXPECT_EQ(ram().station.ssid, " MyAP");
    EXPECT_EQ(run(wset, "0,\"A,B\""), ok);
    EXPECT_EQ(ram().station.ssid, "A,B");
}

TEST_F(WifiCommands, WsetRejectsBadFields) {
    for (const char* args : {"2,MyAP", "0", "0,", "0,123456789012345678901234567890123",
                             "0,MyAP,zz", "0,MyAP,,0", "0,MyAP,,15", "0,MyAP,,x", "x,MyAP"}) {
        EXPECT_EQ(run(wset, args), invalid_input) << args;
    }
    EXPECT_EQ(ram().station.ssid, "WizFiAP");
}

TEST_F(WifiCommands, Wset2TakesTheRestOfTheLine) {
    ASSERT_EQ(run(wset, "0,MyAP,08:00:DC:11:22:33,11"), ok);
    EXPECT_EQ(run(wset_binary_ssid, "0,a,b\"c"), ok);
    EXPECT_EQ(saved().station.ssid, "a,b\"c");
    EXPECT_EQ(saved().station.bssid, "");
    EXPECT_EQ(saved().station.channel, 0u);
    EXPECT_EQ(run(wset_binary_ssid, "?"), answer("0,a,b\"c,,0"));
}

TEST_F(WifiCommands, Wset2InApModeOnlySwitchesTheMode) {
    EXPECT_EQ(run(wset_binary_ssid, "1,Ignored"), ok);
    EXPECT_EQ(saved().wifi_mode, WifiMode::soft_ap);
    EXPECT_EQ(saved().soft_ap.ssid, "WizFiSoftAP");
    EXPECT_EQ(saved().station.ssid, "WizFiAP");
    EXPECT_EQ(run(wset_binary_ssid, "?"), ok);  // AP mode: no value line
}

TEST_F(WifiCommands, Wset2RejectsEmptyAndLongSsids) {
    EXPECT_EQ(run(wset_binary_ssid, "0"), invalid_input);
    EXPECT_EQ(run(wset_binary_ssid, "0,"), invalid_input);
    EXPECT_EQ(run(wset_binary_ssid, "0,123456789012345678901234567890123"), invalid_input);
    EXPECT_EQ(run(wset_binary_ssid, "3,abc"), invalid_input);
}

TEST_F(CowayWifiCommands, WsetStartingWithZeroIsBinary) {
    EXPECT_EQ(run(wset_binary_ssid, "0,WizFiAP,08:00:DC:11:22:33,1"), ok);
    EXPECT_EQ(ram().station.ssid, "WizFiAP,08:00:DC:11:22:33,1");
    EXPECT_EQ(run(wset_binary_ssid, "1,SoftAP"), ok);
    EXPECT_EQ(ram().soft_ap.ssid, "SoftAP");
    EXPECT_EQ(ram().soft_ap.channel, 6u);
    EXPECT_EQ(run(wset_binary_ssid, "?"), answer("1,SoftAP,00:00:00:00:00:00,6"));
}

TEST_F(WifiCommands, WsecQueryAtFactory) {
    EXPECT_EQ(run(wsec, "?"), answer("0,WPA2,12345678"));
}

TEST_F(WifiCommands, WsecOpenPrintsALiteralZero) {
    EXPECT_EQ(run(wsec, "0,OPEN"), ok);
    EXPECT_EQ(saved().station.security, Security::open);
    EXPECT_EQ(saved().station.key, "");
    EXPECT_EQ(run(wsec, "?"), answer("0,OPEN,0"));
}

TEST_F(WifiCommands, WsecEmptyTypeIsAutomatic) {
    EXPECT_EQ(run(wsec, "0,,12345678"), ok);
    EXPECT_EQ(ram().station.security, Security::automatic);
    EXPECT_EQ(run(wsec, "?"), answer("0,,12345678"));
    EXPECT_EQ(run(wsec, "0,,1234567"), invalid_input);
}

TEST_F(WifiCommands, WsecKeyIsTheRestOfTheLineAndTypeIsCaseInsensitive) {
    EXPECT_EQ(run(wsec, "0,wpa2aes,key,with,\"commas\""), ok);
    EXPECT_EQ(saved().station.security, Security::wpa2_aes);
    EXPECT_EQ(saved().station.key, "key,with,\"commas\"");
    EXPECT_EQ(run(wsec, "?"), answer("0,WPA2AES,key,with,\"commas\""));
}

TEST_F(WifiCommands, WsecEveryNamedType) {
    for (const auto& [name, type] :
         {std::pair{"WPA", Security::wpa_tkip}, std::pair{"WPAAES", Security::wpa_aes},
          std::pair{"WPA2AES", Security::wpa2_aes}, std::pair{"WPA2TKIP", Security::wpa2_tkip},
          std::pair{"WPA2", Security::wpa2_mixed}}) {
        EXPECT_EQ(run(wsec, std::string("1,") + name + ",abcdefgh"), ok) << name;
        EXPECT_EQ(saved().soft_ap.security, type) << name;
        EXPECT_EQ(run(wsec, "?"), answer(std::string("1,") + name + ",abcdefgh")) << name;
    }
}

TEST_F(WifiCommands, WsecWepKeys) {
    EXPECT_EQ(run(wsec, "0,WEP,abcde"), ok);
    EXPECT_EQ(run(wsec, "?"), answer("0,WEP,abcde"));
    EXPECT_EQ(run(wsec, "0,WEP,abcdefghijklm"), ok);
    // Hex keys are printed decoded when every byte is printable, else as "xx " bytes.
    EXPECT_EQ(run(wsec, "0,WEP,3132333435"), ok);
    EXPECT_EQ(run(wsec, "?"), answer("0,WEP,12345"));
    EXPECT_EQ(run(wsec, "0,WEP,0102030405060708090A0B0C0D"), ok);
    EXPECT_EQ(run(wsec, "?"), answer("0,WEP,01 02 03 04 05 06 07 08 09 0a 0b 0c 0d "));
    for (const char* args : {"0,WEP,1234", "0,WEP,123456", "0,WEP,zz32333435", "0,WEP,"}) {
        EXPECT_EQ(run(wsec, args), invalid_input) << args;
    }
}

TEST_F(WifiCommands, WsecWepIsInvalidInApMode) {
    EXPECT_EQ(run(wsec, "1,WEP,12345"), invalid_input);
    EXPECT_EQ(ram().wifi_mode, WifiMode::station);
}

TEST_F(WifiCommands, WsecPskLengths) {
    const std::string longest(63, 'k');
    EXPECT_EQ(run(wsec, "0,WPA2," + longest), ok);
    EXPECT_EQ(run(wsec, "0,WPA2," + std::string(64, 'k')), invalid_input);
    EXPECT_EQ(run(wsec, "0,WPA2,1234567"), invalid_input);
    EXPECT_EQ(run(wsec, "0,WPA2,"), invalid_input);
}

TEST_F(WifiCommands, WsecHexPskIs128DigitsOfAHexPsk) {
    const std::string psk = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    const std::string key = hex_of(psk);
    ASSERT_EQ(key.size(), 128u);
    EXPECT_EQ(run(wsec, "0,WPA," + key), ok);
    EXPECT_EQ(saved().station.key, key);
    std::string printed;
    for (std::size_t i = 0; i < key.size(); i += 2) {
        printed += static_cast<char>(std::tolower(key[i]));
        printed += static_cast<char>(std::tolower(key[i + 1]));
        printed += ' ';
    }
    EXPECT_EQ(run(wsec, "?"), answer("0,WPA," + printed));
    // 128 hex digits whose bytes are not hex characters are refused.
    EXPECT_EQ(run(wsec, "0,WPA," + std::string(128, '0')), invalid_input);
    EXPECT_EQ(run(wsec, "0,WPA," + std::string(127, '3') + "g"), invalid_input);
}

TEST_F(WifiCommands, WsecRejectsBadModeAndType) {
    EXPECT_EQ(run(wsec, ",WPA2,12345678"), invalid_input);
    EXPECT_EQ(run(wsec, "2,WPA2,12345678"), invalid_input);
    EXPECT_EQ(run(wsec, "0,FOO,12345678"), invalid_input);
    EXPECT_EQ(run(wsec, "0, WPA2,12345678"), invalid_input);
}

TEST_F(WifiCommands, WsecWritesThroughAndSwitchesTheMode) {
    ram().dhcp = false;
    EXPECT_EQ(run(wsec, "1,WPA2AES,apkey123"), ok);
    for (const Profile* p : {&ram(), &saved()}) {
        EXPECT_EQ(p->wifi_mode, WifiMode::soft_ap);
        EXPECT_EQ(p->soft_ap.security, Security::wpa2_aes);
        EXPECT_EQ(p->soft_ap.key, "apkey123");
        EXPECT_EQ(p->station.key, "12345678");
    }
    EXPECT_TRUE(saved().dhcp);
}

TEST_F(WifiCommands, Wnet) {
    EXPECT_EQ(run(wnet, "?"), answer("1,192.168.12.101,255.255.255.0,192.168.12.1"));
    EXPECT_EQ(run(wnet, "0,10.0.0.2,255.0.0.0,10.0.0.1"), ok);
    EXPECT_EQ(run(wnet, "?"), answer("0,10.0.0.2,255.0.0.0,10.0.0.1"));
    EXPECT_EQ(run(wnet, "1"), ok);
    EXPECT_EQ(run(wnet, "?"), answer("1,10.0.0.2,255.0.0.0,10.0.0.1"));
    EXPECT_EQ(run(wnet, ",,,10.0.0.254"), ok);
    EXPECT_EQ(run(wnet, "?"), answer("1,10.0.0.2,255.0.0.0,10.0.0.254"));
    // RAM only (spec §5.2).
    EXPECT_EQ(saved().ip.to_string(), "192.168.12.101");
}

TEST_F(WifiCommands, WnetRejectsBadFieldsAndChangesNothing) {
    for (const char* args : {"2", "x", "0,1.2.3", "0,10.0.0.2,255.0.0.256", "0,10.0.0.2,,a"}) {
        EXPECT_EQ(run(wnet, args), invalid_input) << args;
    }
    EXPECT_EQ(run(wnet, "?"), answer("1,192.168.12.101,255.255.255.0,192.168.12.1"));
}

TEST_F(WifiCommands, Wadns) {
    EXPECT_EQ(run(wadns, "?"), answer(","));
    EXPECT_EQ(run(wadns, "8.8.8.8"), ok);
    EXPECT_EQ(run(wadns, "?"), answer("8.8.8.8,"));
    EXPECT_EQ(run(wadns, ",1.1.1.1"), ok);
    EXPECT_EQ(run(wadns, "?"), answer("8.8.8.8,1.1.1.1"));
    EXPECT_EQ(run(wadns, "9.9.9.9,bad"), invalid_input);
    EXPECT_EQ(run(wadns, "?"), answer("8.8.8.8,1.1.1.1"));
}

TEST_F(WifiCommands, WstatWithNoLink) {
    EXPECT_EQ(run(wstat, ""),
              "IF/SSID/IP-Addr/Gateway/MAC/TxPower(dBm)/RSSI(-dBm)\r\n"
              "Down////00:08:DC:00:00:00/31/0\r\n[OK]\r\n");
}

TEST_F(WifiCommands, WregQueryAndCountryList) {
    EXPECT_EQ(run(wreg, "?"), answer("AU"));
    for (const char* args : {"us", "XX", "USA", "U", ""}) {
        EXPECT_EQ(run(wreg, args), invalid_input) << args;
    }
}

TEST_F(WifiCommands, WregSavesTheWholeProfileAndReboots) {
    ram().dhcp = false;
    EXPECT_EQ(run(wreg, "0A"), ok);
    EXPECT_EQ(saved().country, "0A");
    EXPECT_FALSE(saved().dhcp);
    EXPECT_EQ(settle(std::chrono::milliseconds{200}),
              "WizFi250 Version 1.0.5.2 (WIZnet Co.Ltd)\r\n");
    EXPECT_EQ(run(wreg, "?"), answer("0A"));
}

TEST_F(WifiCommands, RadioSettings) {
    EXPECT_EQ(run(want, "?"), answer("3(3)"));
    EXPECT_EQ(run(want, "1"), ok);
    EXPECT_EQ(run(want, "?"), answer("1(1)"));
    EXPECT_EQ(run(want, "2"), invalid_input);
    EXPECT_EQ(run(want, ""), invalid_input);

    EXPECT_EQ(run(wbgn, "2"), ok);
    EXPECT_EQ(run(wbgn, "3"), invalid_input);
    EXPECT_EQ(run(wbgn, "?"), invalid_input);

    EXPECT_EQ(run(wrfmode, "?"), answer("0(0)"));
    EXPECT_EQ(run(wrfmode, "4"), ok);
    EXPECT_EQ(run(wrfmode, "?"), answer("4(4)"));
    EXPECT_EQ(run(wrfmode, "5"), invalid_input);
}

TEST_F(WifiCommands, Wcheck) {
    EXPECT_EQ(run(wcheck, "?"), answer("0,0,0,0"));
    EXPECT_EQ(run(wcheck, "60,5,3"), ok);
    EXPECT_EQ(run(wcheck, "?"), answer("60,5,3,0"));
    EXPECT_EQ(run(wcheck, "86400,20,20,1"), ok);
    EXPECT_EQ(run(wcheck, "?"), answer("86400,20,20,1"));
    // Off keeps the other values.
    EXPECT_EQ(run(wcheck, "0"), ok);
    EXPECT_EQ(run(wcheck, "?"), answer("0,20,20,1"));
    for (const char* args :
         {"", "9,5,3", "60,4,3", "60,5,0", "60,5,21", "60,5", "60,5,3,2", "86401,5,3", "x"}) {
        EXPECT_EQ(run(wcheck, args), invalid_input) << args;
    }
}

TEST_F(WifiCommands, NoRadioYet) {
    EXPECT_EQ(run(wjoin, ""), error);
    EXPECT_EQ(run(wleave, ""), ok);
    EXPECT_EQ(run(wp2p, ""), error);
}

TEST_F(WifiCommands, WscanValidatesItsFiltersThenFails) {
    for (const char* args : {"", "=", "=?", "=TestAP", "=,08:00:DC:11:22:33,11", "=,,6", "=,,1,50",
                             "=,,14,1000", "x"}) {
        EXPECT_EQ(run(wscan, args), error) << args;
    }
    for (const char* args : {"xyz", "=123456789012345678901234567890123", "=,zz", "=,,0", "=,,15",
                             "=,,6,49", "=,,6,1001"}) {
        EXPECT_EQ(run(wscan, args), invalid_input) << args;
    }
}

TEST_F(WifiCommands, WwpsValidatesThenFails) {
    EXPECT_EQ(run(wwps, "0"), error);
    EXPECT_EQ(run(wwps, "1,12345670"), error);
    EXPECT_EQ(run(wwps, "1"), invalid_input);  // Q17
    EXPECT_EQ(run(wwps, "1,123456789"), invalid_input);
    EXPECT_EQ(run(wwps, "2"), invalid_input);
    EXPECT_EQ(run(wwps, ""), invalid_input);
}

}  // namespace
}  // namespace wizfi250d::testing
