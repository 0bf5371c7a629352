// SPDX-License-Identifier: Apache-2.0
// AT+WSCAN on a real radio (spec §2.2 WSCAN): every AP hwsim's medium carries, with its real
// BSSID, channel and signal (the kernel's own scan results, read with `iw`), the rate its
// elements announce and its security; every filter form; an AP that hides its SSID, found by a
// directed scan; an AP that went away, gone from the next scan.

#include <algorithm>
#include <set>
#include <sstream>

#include "radio_fixture.hpp"

namespace wizfi250d::rtest {
namespace {

const std::string kHeader =
    "Index/SSID/BSSID/RSSI(-dBm)/MaxDataRate(Mbps)/Security/RadioBand(GHz)/Channel\r\n";
// hwsim's HT capabilities: two spatial streams, no short guard interval in hostapd's default
// ht_capab: HT20 MCS 15 = 130.0 Mbit/s. Without HT: the best legacy rate.
const std::string kHtRate = "130.0";
const std::string kLegacyRate = "54.0";

class RadioScan : public RadioTest {
protected:
    // The signal the module's radio heard from `bssid` in its last scan (the kernel's scan
    // results), as AT+WSCAN prints it ("-30").
    std::string signal_of(const std::string& bssid) const {
        const auto dump = in_ns(kModule.ns, {"iw", "dev", kModule.interface, "scan", "dump"});
        std::istringstream lines(dump.output);
        std::string line;
        bool in_bss = false;
        while (std::getline(lines, line)) {
            if (line.rfind("BSS ", 0) == 0) in_bss = line.find(bssid) != std::string::npos;
            const auto at = line.find("signal: ");
            if (in_bss && at != std::string::npos)
                return std::to_string(std::stoi(line.substr(at + 8)));
        }
        return "(not in the kernel's scan results)";
    }

    // One result line without its index.
    std::string line(const std::string& ssid, const Radio& ap, const std::string& rate,
                     const std::string& security, unsigned channel) const {
        return ssid + "/" + ap.mac + "/" + signal_of(ap.mac) + "/" + rate + "/Infra/" + security +
               "/2.4/" + std::to_string(channel);
    }

    // Sends `command`; the output must be the echo, the header, result lines indexed 001, 002,
    // ... in the order printed, and [OK]. `rows` gets the lines without their index (the order
    // of APs heard at the same time is the radio's).
    void scan(const std::string& command, std::set<std::string>& rows) {
        rows.clear();
        ASSERT_TRUE(daemon_->send(command + "\r"));
        std::string out;
        ASSERT_TRUE(daemon_->read_until(kFinal, out, 20s));
        const std::string head = command + "\r\n" + kHeader;
        ASSERT_EQ(out.substr(0, head.size()), head) << itest::escape_bytes(out);
        ASSERT_GE(out.size(), head.size() + 6);
        ASSERT_EQ(out.substr(out.size() - 6), "[OK]\r\n") << itest::escape_bytes(out);
        std::istringstream body(out.substr(head.size(), out.size() - head.size() - 6));
        std::string row;
        unsigned index = 0;
        while (std::getline(body, row)) {
            ASSERT_FALSE(row.empty()) << itest::escape_bytes(out);
            ASSERT_EQ(row.back(), '\r') << itest::escape_bytes(out);
            row.pop_back();
            char number[8];
            std::snprintf(number, sizeof number, "%03u/", ++index);
            ASSERT_EQ(row.substr(0, 4), number) << itest::escape_bytes(out);
            rows.insert(row.substr(4));
        }
    }
};

TEST_F(RadioScan, EveryApWithItsRealValuesAndEveryFilter) {
    start_ap(kAp1, "RadioWpa2", 6, ap_security("WPA2AES").hostapd);
    start_ap(kAp2, "RadioLegacy", 1, "auth_algs=1\n");
    ASSERT_NO_FATAL_FAILURE(start_module());
    std::set<std::string> rows;

    ASSERT_NO_FATAL_FAILURE(scan("AT+WSCAN", rows));
    const std::string wpa2 = line("RadioWpa2", kAp1, kHtRate, "WPA2", 6);
    const std::string legacy = line("RadioLegacy", kAp2, kLegacyRate, "Open", 1);
    EXPECT_EQ(rows, (std::set<std::string>{wpa2, legacy}));

    // Every filter form, alone and combined (spec: all must match).
    const std::vector<std::pair<std::string, std::set<std::string>>> forms{
        {"AT+WSCAN=?", {wpa2, legacy}},
        {"AT+WSCAN=", {wpa2, legacy}},
        {"AT+WSCAN=RadioLegacy", {legacy}},
        {"AT+WSCAN=," + kAp1.mac, {wpa2}},
        {"AT+WSCAN=,,1", {legacy}},
        {"AT+WSCAN=,,6", {wpa2}},
        {"AT+WSCAN=,,,200", {wpa2, legacy}},
        {"AT+WSCAN=RadioWpa2," + kAp1.mac + ",6", {wpa2}},
        {"AT+WSCAN=RadioWpa2," + kAp1.mac + ",6,100", {wpa2}},
        {"AT+WSCAN=RadioWpa2,,1", {}},
        {"AT+WSCAN=RadioWpa2," + kAp2.mac, {}},
        {"AT+WSCAN=NoSuchAP", {}},
    };
    for (const auto& [command, expected] : forms) {
        ASSERT_NO_FATAL_FAILURE(scan(command, rows));
        EXPECT_EQ(rows, expected) << command;
    }
    // Bad input: the module's error, and the radio scans on.
    EXPECT_TRUE(daemon_->transact("AT+WSCAN=,,15", "[ERROR: INVALID INPUT]\r\n"));
    EXPECT_TRUE(daemon_->transact("AT+WSCAN=,,,20", "[ERROR: INVALID INPUT]\r\n"));
    ASSERT_NO_FATAL_FAILURE(scan("AT+WSCAN=,,6", rows));
    EXPECT_EQ(rows, std::set<std::string>{wpa2});
}

TEST_F(RadioScan, AHiddenSsidIsFoundByADirectedScan) {
    start_ap(kAp2, "HiddenAP", 11, "auth_algs=1\nignore_broadcast_ssid=1\n");
    ASSERT_NO_FATAL_FAILURE(start_module());
    std::set<std::string> rows;
    ASSERT_NO_FATAL_FAILURE(scan("AT+WSCAN=HiddenAP", rows));
    EXPECT_EQ(rows, std::set<std::string>{line("HiddenAP", kAp2, kLegacyRate, "Open", 11)});
    ASSERT_NO_FATAL_FAILURE(scan("AT+WSCAN=HiddenAP,,11", rows));
    EXPECT_EQ(rows, std::set<std::string>{line("HiddenAP", kAp2, kLegacyRate, "Open", 11)});
    // A scan for every SSID hears its beacons, which name no SSID.
    ASSERT_NO_FATAL_FAILURE(scan("AT+WSCAN", rows));
    for (const auto& row : rows)
        EXPECT_EQ(row.find("HiddenAP"), std::string::npos) << row;
}

TEST_F(RadioScan, AnApThatWentIsGoneFromTheNextScan) {
    start_ap(kAp1, "RadioStays", 6, ap_security("WPA2AES").hostapd);
    start_ap(kAp2, "RadioGoes", 1, "auth_algs=1\n");
    ASSERT_NO_FATAL_FAILURE(start_module());
    std::set<std::string> rows;
    ASSERT_NO_FATAL_FAILURE(scan("AT+WSCAN", rows));
    ASSERT_EQ(rows.size(), 2u);
    stop_ap(kAp2);
    ASSERT_NO_FATAL_FAILURE(scan("AT+WSCAN", rows));
    EXPECT_EQ(rows, std::set<std::string>{line("RadioStays", kAp1, kHtRate, "WPA2", 6)});
    ASSERT_NO_FATAL_FAILURE(scan("AT+WSCAN=RadioGoes", rows));
    EXPECT_TRUE(rows.empty());
    // And back: the next scan hears it again.
    start_ap(kAp2, "RadioGoes", 1, "auth_algs=1\n");
    ASSERT_NO_FATAL_FAILURE(scan("AT+WSCAN=RadioGoes", rows));
    EXPECT_EQ(rows, std::set<std::string>{line("RadioGoes", kAp2, kLegacyRate, "Open", 1)});
}

}  // namespace
}  // namespace wizfi250d::rtest
