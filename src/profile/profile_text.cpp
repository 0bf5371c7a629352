// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/profile/profile_text.hpp"

#include "wizfi250d/profile/wifi_key.hpp"

#include <array>
#include <cctype>
#include <cstdio>
#include <utility>

namespace wizfi250d {

namespace {
constexpr std::array<std::pair<Security, std::string_view>, 8> security_names{{
    {Security::open, "OPEN"},
    {Security::automatic, ""},
    {Security::wep, "WEP"},
    {Security::wpa_tkip, "WPA"},
    {Security::wpa_aes, "WPAAES"},
    {Security::wpa2_aes, "WPA2AES"},
    {Security::wpa2_tkip, "WPA2TKIP"},
    {Security::wpa2_mixed, "WPA2"},
}};

std::string hex_byte(unsigned value) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02x", value & 0xffu);
    return buf;
}
}  // namespace

std::string_view security_name(Security security) {
    for (const auto& [value, name] : security_names)
        if (value == security) return name;
    return "";
}

std::string key_text(const std::string& key) {
    bool printable = true;
    for (const char c : key)
        printable = printable && std::isprint(static_cast<unsigned char>(c));
    if (printable) return key;
    std::string text;
    for (const char c : key)
        text += hex_byte(static_cast<unsigned char>(c)) + " ";
    return text;
}

std::string network_text(const Profile& p) {
    return std::string(p.dhcp ? "1" : "0") + "," + p.ip.to_string() + "," + p.netmask.to_string() +
           "," + p.gateway.to_string();
}

std::string service_text(const SocketService& s) {
    return s.open_type + "," + s.socket_type + "," + s.remote_ip + "," +
           std::to_string(s.remote_port) + "," + std::to_string(s.local_port) + "," +
           std::to_string(s.data_mode);
}

std::string receive_format_text(const ReceiveFormat& f) {
    std::string text = f.flags;
    for (const char c : {f.start, f.delim, f.end, f.trailer1, f.trailer2})
        text += "," + hex_byte(static_cast<unsigned char>(c));
    return text;
}

std::string gpio_text(const Profile& p) {
    std::string text;
    for (const GpioConfig& g : p.gpio) {
        if (!text.empty()) text += ',';
        text += "{" + std::to_string(g.mode()) + "," + std::to_string(g.pin) + "," +
                std::to_string(g.config) + "," + std::to_string(g.value) + "}";
    }
    return text;
}

std::vector<std::string> profile_dump(const Profile& p, bool web_server_running) {
    const WifiNetwork& net = p.current_network();
    const std::string mode = p.wifi_mode == WifiMode::station ? "0" : "1";
    const std::string bssid = p.wifi_mode == WifiMode::station ? net.bssid : std::string{};
    // OPEN shows an empty key in the dump (and a literal 0 in AT+WSEC=?).
    const std::string key =
        net.security == Security::open ? std::string{} : printed_key(net.security, net.key);
    return {
        "+WSET=" + mode + "," + net.ssid + "," + bssid + "," + std::to_string(net.channel),
        "+WSEC=" + mode + "," + std::string(security_name(net.security)) + "," + key,
        "+WNET=" + network_text(p),
        "+WREG=" + p.country,
        "+SCON=" + service_text(p.service),
        "+SFORM=" + receive_format_text(p.receive_format),
        "+MMSG=" + std::to_string(p.message_level),
        "+MMAC=" + p.mac.to_upper(),
        "+USET=" + p.uart.to_string(),
        "+MECHO=" + std::string(p.echo ? "1" : "0"),
        "+FWEBS=" + std::string(web_server_running ? "1" : "0") + "," +
            std::string(1, p.web_server_type),
        "+FGPIO=" + gpio_text(p),
    };
}

}  // namespace wizfi250d
