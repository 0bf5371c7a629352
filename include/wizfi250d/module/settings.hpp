// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <string>

#include "wizfi250d/module/air_command.hpp"
#include "wizfi250d/net/tls_options.hpp"
#include "wizfi250d/serial/serial_port.hpp"
#include "wizfi250d/web/web_policy.hpp"

namespace wizfi250d {

// The daemon's own settings: the config file (/etc/wizfi250d/wizfi250d.conf) with the
// command-line options on top. Not part of the module's profile.
struct DaemonSettings {
    SerialSpec serial{SerialSpec::Kind::stdio, {}};
    std::string state_dir = "/var/lib/wizfi250d";
    std::string runtime_dir = "/run/wizfi250d";
    std::string wifi_backend = "host";  // host | wpa_supplicant
    std::string interface;              // empty: the interface of the default route
    std::string wpa_ctrl_dir = "/run/wpa_supplicant";
    // Enterprise / wired 802.1X for the wpa_supplicant backend: when wpa_eap_method is set (MD5,
    // PEAP, TTLS, ...), a STA join uses key_mgmt=IEEE8021X (wired) or WPA-EAP (Wi-Fi) with
    // eap=<method>, identity=<wpa_eap_identity, or the SSID when empty> and the AT+WSEC key as
    // the password. Empty: the normal WPA-PSK mapping (spec §7).
    std::string wpa_eap_method;
    std::string wpa_eap_identity;
    // The wpa_supplicant backend's DHCP client: auto (the first of udhcpc, dhcpcd, dhclient that
    // is installed), udhcpc, dhcpcd or dhclient.
    std::string dhcp_client = "auto";
    // The soft AP (AT+WSET=1 + AT+WJOIN) runs hostapd with this driver on `interface`.
    std::string hostapd_driver = "nl80211";

    // What AT+MINFO and the banner report. Hosts may check the version, so it is the module's.
    std::string firmware_version = "1.0.5.2";
    std::string hardware_version = "WizFi250 Rev 1.0";

    // Spec Q5: the 1.0.5.2 COWAY table, where AT+WSET takes the SSID as the rest of the line.
    bool wset_binary_ssid = false;

    // Data mode: send what the serial read brought at once instead of waiting for the flush
    // timer (AT+FSOCK=4). Lower latency; packets no longer follow the module's timing.
    bool flush_when_idle = false;
    // Data mode: after this long with the network taking nothing while the host's input is held,
    // serial data is dropped (as the module's full UART buffer does) so that +++ gets through.
    // 0: hold the host's input for as long as it takes.
    std::chrono::milliseconds data_stall_limit{10000};

    // How TCS/TSS sockets check their peers.
    TlsOptions tls;

    // AT+MQTTCON: whether SSL=1 connects over TLS (the MCERT files and the rules of `tls`).
    // Off: SSL=1 is refused with [ERROR: INVALID INPUT], as the module refuses it.
    bool mqtt_tls = false;
    // The QoS of AT+MQTTPUB's messages (the firmware publishes at 0); its [OK] comes after the
    // broker's PUBACK (1) or PUBCOMP (2).
    unsigned mqtt_publish_qos = 0;

    // Whether AT+MAIRCMD may start its server, and which clients it answers.
    AirCommandPolicy air_command;

    // Whether AT+FWEBS may start the web configuration server, where, and for whom.
    WebServerPolicy web;

    // Time from the [OK] of a rebooting command to the banner (the module takes about 0.5 s).
    std::chrono::milliseconds reboot_delay{100};
};

}  // namespace wizfi250d
