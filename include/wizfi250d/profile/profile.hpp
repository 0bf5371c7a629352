// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "wizfi250d/at/params.hpp"
#include "wizfi250d/serial/uart_settings.hpp"

namespace wizfi250d {

enum class WifiMode : std::uint8_t { station = 0, soft_ap = 1 };

// AT+WSEC security types (spec §2.2). `automatic` is the empty type: learned by a scan.
enum class Security {
    open,
    automatic,
    wep,
    wpa_tkip,
    wpa_aes,
    wpa2_aes,
    wpa2_tkip,
    wpa2_mixed,
};

struct WifiNetwork {
    std::string ssid;
    std::string bssid;  // the stored string: empty, or upper-case xx:xx:...
    unsigned channel = 0;
    Security security = Security::wpa2_mixed;
    std::string key;  // as given: ASCII, or the hex text for WEP/128-hex keys
};

// The SCON service record (spec §2.3 step 5).
struct SocketService {
    std::string open_type = "O";
    std::string socket_type = "TSN";
    std::string remote_ip;  // dotted string, empty at factory
    std::uint32_t remote_port = 0;
    std::uint32_t local_port = 5000;
    unsigned data_mode = 1;
};

// AT+SFORM (spec §3.3): nine on/off flags and the five characters.
struct ReceiveFormat {
    std::string flags = "111111111";
    char start = '{';
    char delim = ',';
    char end = '}';
    char trailer1 = '\r';
    char trailer2 = '\n';
    bool on(std::size_t position) const { return flags[position] == '1'; }
};

struct GpioConfig {
    unsigned pin = 1;
    unsigned config = 3;  // 0-2 input, 3-5 output (spec §2.5)
    unsigned value = 0;
    unsigned mode() const { return config >= 3 ? 1 : 0; }
};

struct AirCommandRecord {
    std::string open_type;  // "", "O", "S"
    char protocol = '\0';   // 'T' or 'U'
    std::uint32_t port = 0;
    std::uint32_t option = 0;
};

struct MqttSettings {
    std::string user;
    std::string password;
    std::string client_id;
    std::uint32_t keep_alive = 60;
};

// Every field of the module's profile (spec §5.1), with the factory values.
struct Profile {
    MacAddress mac{{0x00, 0x08, 0xDC, 0x00, 0x00, 0x00}};
    UartSettings uart;
    unsigned message_level = 2;
    bool echo = true;
    unsigned host_interface = 0;
    unsigned spi_mode = 9;
    WifiMode wifi_mode = WifiMode::station;
    WifiNetwork station{"WizFiAP", "", 6, Security::wpa2_mixed, "12345678"};
    WifiNetwork soft_ap{"WizFiSoftAP", "", 1, Security::wpa2_mixed, "12345678"};
    bool dhcp = true;
    Ipv4 ip{{192, 168, 12, 101}};
    Ipv4 netmask{{255, 255, 255, 0}};
    Ipv4 gateway{{192, 168, 12, 1}};
    std::optional<Ipv4> dns1;
    std::optional<Ipv4> dns2;
    std::string country = "AU";
    SocketService service;
    ReceiveFormat receive_format;
    std::uint32_t escape_timer_ms = 1000;
    char web_server_type = 'M';
    std::string web_menu = "1111111";
    std::array<GpioConfig, 5> gpio{{{1, 3, 0}, {5, 3, 0}, {6, 3, 0}, {7, 3, 0}, {8, 3, 0}}};
    std::string web_user = "admin";
    std::string web_password = "admin";
    std::array<std::uint32_t, 9> socket_options{5000, 5000, 5, 100, 0, 0, 0, 0, 0};
    std::array<std::uint32_t, 4> wifi_check{0, 0, 0, 0};
    unsigned antenna = 3;
    unsigned rf_mode = 0;
    std::string event_format = "1111111111";
    unsigned event_delay_ms = 0;
    bool listen_event = false;
    std::string domain_name;
    AirCommandRecord air_command;
    std::string customer = "WIZNET    ";
    MqttSettings mqtt;
    bool open_drain = false;

    const WifiNetwork& current_network() const {
        return wifi_mode == WifiMode::station ? station : soft_ap;
    }
    WifiNetwork& current_network() { return wifi_mode == WifiMode::station ? station : soft_ap; }

    // FSOCK option n (1-9).
    std::uint32_t socket_option(unsigned n) const { return socket_options.at(n - 1); }
};

// The three images of the module (design: Profile): factory values, the saved image ("flash")
// and the RAM image that commands change.
struct ProfileImages {
    Profile saved;
    Profile ram;
};

// MFDEF: factory values for every field except the MAC (spec §5.1 suggestion for Linux).
Profile factory_reset(const Profile& current);

}  // namespace wizfi250d
