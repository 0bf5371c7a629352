// SPDX-License-Identifier: Apache-2.0
// The module's soft AP through hostapd driver=nl80211 (spec §2.2 WJOIN in AP mode): a real
// station (wpa_supplicant -Dnl80211 on another radio) joins it, gets AP-IP+1 from the module's
// DHCP server, talks to a TSN socket in data mode and in command mode; AT+WLEAVE ends it and the
// station sees the AP go.

#include "radio_fixture.hpp"

namespace wizfi250d::rtest {
namespace {

const std::string kApSsid = "WizFiRadioAP";
const std::string kApIp = "203.0.113.1";  // the module's own address (in its namespace)

class RadioSoftAp : public RadioTest {
protected:
    std::string peer_cli(std::vector<std::string> args) const {
        args.insert(args.begin(), {"wpa_cli", "-p", d_ + "/peer-wpas", "-i", kPeer.interface});
        return itest::run(args).output;
    }

    void start_peer_station() {
        itest::write_file(d_ + "/peer.conf",
                          "ctrl_interface=" + d_ +
                              "/peer-wpas\np2p_disabled=1\nnetwork={\n ssid=\"" + kApSsid +
                              "\"\n key_mgmt=WPA-PSK\n psk=\"radio-passphrase\"\n"
                              " scan_freq=2437\n}\n");
        logs_.push_back("peer-wpas.log");
        ASSERT_TRUE(peer_.start({"ip", "netns", "exec", kPeer.ns, "wpa_supplicant", "-Dnl80211",
                                 "-i", kPeer.interface, "-c", d_ + "/peer.conf", "-t"},
                                d_ + "/peer-wpas.log"));
        ASSERT_TRUE(itest::eventually(
            [&] {
                return itest::read_file(d_ + "/peer-wpas.log").find("CTRL-EVENT-CONNECTED") !=
                       std::string::npos;
            },
            20s))
            << peer_cli({"status"});
    }

    void TearDown() override {
        RadioTest::TearDown();
        peer_.stop();
        in_ns(kPeer.ns, {"ip", "addr", "flush", "dev", kPeer.interface});
    }

    itest::Process peer_;
};

TEST_F(RadioSoftAp, AStationJoinsGetsALeaseAndTalksToATsnSocket) {
    ASSERT_NO_FATAL_FAILURE(start_module("hostapd_driver = nl80211\n", false));
    ASSERT_TRUE(daemon_->transact("AT+WSET=1," + kApSsid, "[OK]\r\n"));
    ASSERT_TRUE(daemon_->transact("AT+WSEC=1,WPA2AES,radio-passphrase", "[OK]\r\n"));
    ASSERT_TRUE(daemon_->transact("AT+WNET=0," + kApIp + ",255.255.255.0," + kApIp, "[OK]\r\n"));
    ASSERT_TRUE(daemon_->transact("AT+WJOIN",
                                  "\r\n[Link-Up Event]\r\n  IP Addr    : " + kApIp +
                                      "\r\n  Gateway    : " + kApIp + "\r\n[OK]\r\n",
                                  30s));
    // The AP line of AT+WSTAT: the radio's MAC and TX power, RSSI 0.
    const auto info = in_ns(kModule.ns, {"iw", "dev", kModule.interface, "info"}).output;
    const auto tx_at = info.find("txpower ");
    ASSERT_NE(tx_at, std::string::npos) << info;
    const std::string tx = std::to_string(static_cast<int>(std::stod(info.substr(tx_at + 8))));
    EXPECT_TRUE(daemon_->transact(
        "AT+WSTAT", "IF/SSID/IP-Addr/Gateway/MAC/TxPower(dBm)/RSSI(-dBm)\r\nAP/" + kApSsid + "/" +
                        kApIp + "/" + kApIp + "/" + kModule.mac + "/" + tx + "/0\r\n[OK]\r\n"));
    ASSERT_NO_FATAL_FAILURE(start_peer_station());

    // The module's DHCP server gives AP-IP+1 for a day.
    const auto dhcp = in_ns(kPeer.ns,
                            {"udhcpc", "-f", "-q", "-n", "-t", "5", "-T", "1", "-i",
                             kPeer.interface, "-s", "/bin/true"},
                            20s);
    ASSERT_NE(dhcp.output.find("lease of 203.0.113.2 obtained from " + kApIp), std::string::npos)
        << dhcp.output;
    ASSERT_EQ(
        in_ns(kPeer.ns, {"ip", "addr", "add", "203.0.113.2/24", "dev", kPeer.interface}).exit_code,
        0);

    // A TSN socket in data mode: raw bytes both ways.
    ASSERT_TRUE(daemon_->transact("AT+SCON=O,TSN,,,5000,1", "[OK]\r\n"));
    NsTcpClient station;
    ASSERT_TRUE(station.connect(kPeer.ns, kApIp, 5000));
    ASSERT_TRUE(daemon_->expect("\r\n[CONNECT 0]\r\n", 10s));
    ASSERT_TRUE(station.send("from-station"));
    EXPECT_TRUE(daemon_->expect("from-station", 10s));
    ASSERT_TRUE(daemon_->send("from-module\r\n"));
    EXPECT_EQ(station.receive(13), "from-module\r\n");

    // +++: command mode on the same socket, received data framed (spec §3.3).
    ASSERT_TRUE(daemon_->send("+++"));
    ASSERT_TRUE(daemon_->expect("[OK]\r\n", 5s));
    ASSERT_TRUE(station.send("in-command"));
    EXPECT_TRUE(daemon_->expect(
        "{0,203.0.113.2," + std::to_string(station.local_port()) + ",10}in-command\r\n", 10s));
    EXPECT_TRUE(daemon_->transact("AT+SSEND=0,,,5", "[0,,,5]\r\n"));
    EXPECT_TRUE(daemon_->send("reply"));
    EXPECT_TRUE(daemon_->expect("[OK]\r\n", 5s));
    EXPECT_EQ(station.receive(5), "reply");

    // AT+WLEAVE: the socket closes, the AP goes, the station sees it.
    EXPECT_TRUE(daemon_->transact("AT+WLEAVE",
                                  "\r\n[DISCONNECT 0]\r\n\r\n[Link-Down Event]\r\n[OK]\r\n", 15s));
    EXPECT_TRUE(station.closed());
    EXPECT_TRUE(itest::eventually(
        [&] { return peer_cli({"status"}).find("wpa_state=COMPLETED") == std::string::npos; },
        10s));
    EXPECT_NE(itest::read_file(d_ + "/peer-wpas.log").find("CTRL-EVENT-DISCONNECTED"),
              std::string::npos);
    // hostapd and dnsmasq went with the AP: only the daemon is left in its namespace.
    EXPECT_TRUE(itest::eventually(
        [&] {
            const auto pids = itest::run({"ip", "netns", "pids", kModule.ns}).output;
            return pids == std::to_string(daemon_->pid()) + "\n";
        },
        5s))
        << itest::run({"ip", "netns", "pids", kModule.ns}).output;
}

}  // namespace
}  // namespace wizfi250d::rtest
