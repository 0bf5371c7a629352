// SPDX-License-Identifier: Apache-2.0
// The saved profile as a text file: one `key = value` line per field (see profile_file.hpp).

#include "wizfi250d/profile/profile_file.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <map>
#include <utility>

#include "wizfi250d/profile/profile_text.hpp"
#include "wizfi250d/profile/wifi_key.hpp"

namespace wizfi250d {

namespace {

constexpr std::string_view header_comment =
    "# wizfi250d saved profile (the module's flash). Edit only while wizfi250d is stopped.\n";
constexpr std::string_view schema_key = "schema";

// How much of a bad value an error message quotes (escaped, never for secret fields).
constexpr std::size_t quoted_value_limit = 40;

// ---- limits of the AT commands that set the fields (spec §2) ----

constexpr std::size_t max_ssid_length = 32;         // WSET
constexpr std::uint32_t max_channel = 14;           // WSET
constexpr std::uint32_t max_port = 65535;           // SCON
constexpr std::size_t max_web_text_length = 20;     // MCWUI
constexpr std::size_t max_mqtt_text_length = 50;    // MQTTSET
constexpr std::size_t max_domain_name_length = 49;  // SDNAME
constexpr std::uint32_t no_limit = std::numeric_limits<std::uint32_t>::max();

constexpr std::array<std::string_view, 3> open_types{"O", "S", "SO"};
constexpr std::array<std::string_view, 6> socket_types{"TSN", "TSS", "TCN", "TCS", "USN", "UCN"};
constexpr std::array<std::string_view, 3> air_open_types{"", "O", "S"};
// MCUSTOM codes, plus the factory value (the image's padded "WIZNET    ").
constexpr std::array<std::string_view, 8> customer_codes{
    "WIZNET    ", "WIZNET", "SHINHEUNG", "URIEL", "POSBANK", "COWAYA", "COWAYB", "ENCORED"};
constexpr std::array<unsigned, 5> gpio_pins{1, 5, 6, 7, 8};     // the module's user pins (FGPIO)
constexpr std::array<std::uint32_t, 3> antenna_types{0, 1, 3};  // WANT

struct Range {
    bool zero_allowed;
    std::uint32_t min;
    std::uint32_t max;
    bool accepts(std::uint32_t value) const {
        return (zero_allowed && value == 0) || (value >= min && value <= max);
    }
};
// FSOCK options 1-9 (function_commands.cpp has the same table).
constexpr std::array<Range, 9> socket_option_ranges{{
    {true, 2000, 20000},
    {true, 2000, 20000},
    {true, 0, no_limit},
    {false, 10, no_limit},
    {true, 5, 3600},
    {true, 10, 1000},
    {true, 5, 1000},
    {true, 5, 1000},
    {true, 0, no_limit},
}};
// WCHECK: period s, ping count, fail limit, smart antenna. Factory 0,0,0,0; WCHECK=0 turns the
// check off and keeps the other three values, so with period 0 each of them may also be 0.
constexpr std::array<Range, 4> wifi_check_ranges{
    {{false, 10, 86400}, {false, 5, 20}, {false, 1, 20}, {false, 0, 1}}};

// ---- small parsers ----

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_blank(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_blank(text.back()))
        text.remove_suffix(1);
    return text;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Decimal digits only, no sign, no blanks, no overflow.
std::optional<std::uint32_t> strict_number(std::string_view text) {
    if (text.empty()) return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
        if (value > std::numeric_limits<std::uint32_t>::max()) return std::nullopt;
    }
    return static_cast<std::uint32_t>(value);
}

// One or two hex digits.
std::optional<std::uint8_t> hex_byte(std::string_view text) {
    if (text.empty() || text.size() > 2) return std::nullopt;
    unsigned value = 0;
    for (const char c : text) {
        const int digit = hex_digit(c);
        if (digit < 0) return std::nullopt;
        value = value * 16 + static_cast<unsigned>(digit);
    }
    return static_cast<std::uint8_t>(value);
}

std::string hex2(unsigned char byte) {
    char buf[3];
    std::snprintf(buf, sizeof buf, "%02x", byte);
    return buf;
}

// Comma-separated parts, blanks around each removed.
std::vector<std::string_view> split_commas(std::string_view text) {
    std::vector<std::string_view> parts;
    for (;;) {
        const auto comma = text.find(',');
        parts.push_back(trim(text.substr(0, comma)));
        if (comma == std::string_view::npos) return parts;
        text.remove_prefix(comma + 1);
    }
}

template <std::size_t N>
bool listed(const std::array<std::string_view, N>& table, std::string_view value) {
    return std::find(table.begin(), table.end(), value) != table.end();
}

// A bad value as an error message may quote it: escaped (so a log line stays one line), cut.
std::string quoted(std::string_view value) {
    std::string text = escape_profile_value(value);
    if (text.size() > quoted_value_limit) text = text.substr(0, quoted_value_limit) + "...";
    return "\"" + text + "\"";
}

std::string range_text(std::uint32_t min, std::uint32_t max) {
    return std::to_string(min) + "-" + std::to_string(max);
}

// ---- readers: each returns nullopt on success, else what is wrong ----

using Problem = std::optional<std::string>;

template <typename T>
Problem read_number(std::string_view value, std::uint32_t min, std::uint32_t max, T& out) {
    const auto number = strict_number(value);
    if (!number) return quoted(value) + " is not a decimal number";
    if (*number < min || *number > max)
        return std::to_string(*number) + " is out of range " + range_text(min, max);
    out = static_cast<T>(*number);
    return std::nullopt;
}

Problem read_flag(std::string_view value, bool& out) {
    if (value != "0" && value != "1") return quoted(value) + " is not 0 or 1";
    out = value == "1";
    return std::nullopt;
}

// A byte string of min-max bytes. The value is never quoted: it may be a secret.
Problem read_text(std::string_view value, std::size_t min, std::size_t max, std::string& out) {
    if (value.size() < min || value.size() > max) {
        return "is " + std::to_string(value.size()) + " bytes long; " +
               (min == 0 ? "at most " + std::to_string(max) : range_text(min, max)) +
               " bytes allowed";
    }
    out = std::string(value);
    return std::nullopt;
}

Problem read_ipv4(std::string_view value, Ipv4& out) {
    const auto ip = parse_ipv4(value);
    if (!ip || value != trim(value)) return quoted(value) + " is not an IPv4 address";
    out = *ip;
    return std::nullopt;
}

// Empty means unset.
Problem read_optional_ipv4(std::string_view value, std::optional<Ipv4>& out) {
    if (value.empty()) {
        out.reset();
        return std::nullopt;
    }
    Ipv4 ip;
    if (auto problem = read_ipv4(value, ip)) return problem;
    out = ip;
    return std::nullopt;
}

// Only the given digits, exactly length of them.
Problem read_digits(std::string_view value, std::size_t length, std::string_view digits,
                    std::string& out) {
    if (value.size() != length || value.find_first_not_of(digits) != std::string_view::npos) {
        return quoted(value) + " is not " + std::to_string(length) + " characters of " +
               std::string(digits);
    }
    out = std::string(value);
    return std::nullopt;
}

template <std::size_t N>
Problem read_choice(std::string_view value, const std::array<std::string_view, N>& choices,
                    std::string& out) {
    if (!listed(choices, value)) {
        std::string names;
        for (const std::string_view choice : choices)
            names += (names.empty() ? "" : ", ") + (choice.empty() ? "(empty)" : quoted(choice));
        return quoted(value) + " is not one of " + names;
    }
    out = std::string(value);
    return std::nullopt;
}

// The Security names of AT+WSEC, plus AUTO for the automatic (empty) type.
constexpr std::string_view automatic_security_name = "AUTO";
constexpr std::array<Security, 8> security_types{
    Security::open,    Security::automatic, Security::wep,       Security::wpa_tkip,
    Security::wpa_aes, Security::wpa2_aes,  Security::wpa2_tkip, Security::wpa2_mixed,
};

std::string security_text(Security security) {
    return security == Security::automatic ? std::string(automatic_security_name)
                                           : std::string(security_name(security));
}

Problem read_security(std::string_view value, Security& out) {
    for (const Security type : security_types) {
        if (iequals(value, security_text(type))) {
            out = type;
            return std::nullopt;
        }
    }
    return quoted(value) +
           " is not a security type (OPEN, AUTO, WEP, WPA, WPAAES, WPA2AES, WPA2TKIP, WPA2)";
}

Problem read_bssid(std::string_view value, std::string& out) {
    if (value.empty()) {
        out.clear();
        return std::nullopt;
    }
    const auto mac = parse_mac(value);
    if (!mac) return quoted(value) + " is not a BSSID (xx:xx:xx:xx:xx:xx, not all 0 or FF)";
    out = mac->to_upper();
    return std::nullopt;
}

Problem read_mac(std::string_view value, MacAddress& out) {
    const auto mac = parse_mac(value);
    if (!mac) return quoted(value) + " is not a MAC address (xx:xx:xx:xx:xx:xx, not all 0 or FF)";
    out = *mac;
    return std::nullopt;
}

Problem read_uart(std::string_view value, UartSettings& out) {
    const auto parts = split_commas(value);
    if (parts.size() != 5)
        return quoted(value) + " is not baud,parity,data bits,stop bits,flow (115200,N,8,1,N)";
    UartSettings uart;
    const auto baud = strict_number(parts[0]);
    if (!baud || *baud == 0) return "baud rate " + quoted(parts[0]) + " is not a positive number";
    uart.baud = *baud;
    if (iequals(parts[1], "N")) {
        uart.parity = Parity::none;
    } else if (iequals(parts[1], "E")) {
        uart.parity = Parity::even;
    } else if (iequals(parts[1], "O")) {
        uart.parity = Parity::odd;
    } else {
        return "parity " + quoted(parts[1]) + " is not N, E or O";
    }
    const auto data_bits = strict_number(parts[2]);
    // USET: 8 data bits, or 7 with a parity bit.
    if (!data_bits || !(*data_bits == 8 || (*data_bits == 7 && uart.parity != Parity::none)))
        return "data bits " + quoted(parts[2]) + " are not 8, or 7 with parity";
    uart.data_bits = *data_bits;
    const auto stop_bits = parse_stop_bits(parts[3]);
    if (!stop_bits) return "stop bits " + quoted(parts[3]) + " are not 0.5, 1, 1.5 or 2";
    uart.stop_bits = *stop_bits;
    if (iequals(parts[4], "HW")) {
        uart.rts_cts = true;
    } else if (iequals(parts[4], "N")) {
        uart.rts_cts = false;
    } else {
        return "flow control " + quoted(parts[4]) + " is not N or HW";
    }
    out = uart;
    return std::nullopt;
}

Problem read_wifi_mode(std::string_view value, WifiMode& out) {
    if (value == "station") {
        out = WifiMode::station;
    } else if (value == "soft_ap") {
        out = WifiMode::soft_ap;
    } else {
        return quoted(value) + " is not station or soft_ap";
    }
    return std::nullopt;
}

Problem read_remote_ip(std::string_view value, std::string& out) {
    if (value.empty()) {
        out.clear();
        return std::nullopt;
    }
    Ipv4 ip;
    if (auto problem = read_ipv4(value, ip)) return problem;
    out = ip.to_string();
    return std::nullopt;
}

Problem read_format_char(std::string_view value, char& out) {
    const auto byte = hex_byte(value);
    if (!byte) return quoted(value) + " is not a character code in hex (00-ff)";
    out = static_cast<char>(*byte);
    return std::nullopt;
}

Problem read_gpio(std::string_view value, GpioConfig& out) {
    const auto parts = split_commas(value);
    if (parts.size() != 3) return quoted(value) + " is not pin,config,value";
    const auto pin = strict_number(parts[0]);
    if (!pin || std::find(gpio_pins.begin(), gpio_pins.end(), *pin) == gpio_pins.end())
        return "pin " + quoted(parts[0]) + " is not one of the user pins 1, 5, 6, 7, 8";
    const auto config = strict_number(parts[1]);
    if (!config || *config > 5) return "config " + quoted(parts[1]) + " is not 0-5";
    const auto level = strict_number(parts[2]);
    if (!level || *level > 1) return "value " + quoted(parts[2]) + " is not 0 or 1";
    out = GpioConfig{*pin, *config, *level};
    return std::nullopt;
}

template <std::size_t N>
Problem read_numbers(std::string_view value, std::array<std::uint32_t, N>& out) {
    const auto parts = split_commas(value);
    if (parts.size() != N)
        return "has " + std::to_string(parts.size()) + " numbers, not " + std::to_string(N);
    std::array<std::uint32_t, N> numbers{};
    for (std::size_t i = 0; i < N; ++i) {
        const auto number = strict_number(parts[i]);
        if (!number)
            return "number " + std::to_string(i + 1) + " " + quoted(parts[i]) +
                   " is not a decimal number";
        numbers[i] = *number;
    }
    out = numbers;
    return std::nullopt;
}

Problem read_socket_options(std::string_view value, std::array<std::uint32_t, 9>& out) {
    std::array<std::uint32_t, 9> options{};
    if (auto problem = read_numbers(value, options)) return problem;
    for (std::size_t i = 0; i < options.size(); ++i) {
        const Range& range = socket_option_ranges[i];
        if (!range.accepts(options[i])) {
            return "option " + std::to_string(i + 1) + " is " + std::to_string(options[i]) +
                   "; allowed: " + (range.zero_allowed ? "0 or " : "") +
                   range_text(range.min, range.max);
        }
    }
    out = options;
    return std::nullopt;
}

Problem read_wifi_check(std::string_view value, std::array<std::uint32_t, 4>& out) {
    std::array<std::uint32_t, 4> check{};
    if (auto problem = read_numbers(value, check)) return problem;
    const bool off = check[0] == 0;
    for (std::size_t i = 0; i < check.size(); ++i) {
        const Range& range = wifi_check_ranges[i];
        if (!range.accepts(check[i]) && !(off && check[i] == 0)) {
            return "value " + std::to_string(i + 1) + " is " + std::to_string(check[i]) +
                   "; allowed: " + (off || i == 0 ? "0 or " : "") +
                   range_text(range.min, range.max);
        }
    }
    out = check;
    return std::nullopt;
}

Problem read_air_protocol(std::string_view value, char& out) {
    if (value.empty()) {
        out = '\0';
    } else if (value == "T" || value == "U") {
        out = value.front();
    } else {
        return quoted(value) + " is not T, U or empty";
    }
    return std::nullopt;
}

Problem read_customer(std::string_view value, std::string& out) {
    return read_choice(value, customer_codes, out);
}

Problem read_web_server_type(std::string_view value, char& out) {
    if (value != "A" && value != "M") return quoted(value) + " is not A or M";
    out = value.front();
    return std::nullopt;
}

// ---- the field table ----

using Writer = std::string (*)(const Profile&);
using Reader = Problem (*)(std::string_view, Profile&);

struct Field {
    std::string_view key;
    Writer write;
    Reader read;
};

std::string flag(bool value) {
    return value ? "1" : "0";
}

std::string joined(const std::uint32_t* values, std::size_t count) {
    std::string text;
    for (std::size_t i = 0; i < count; ++i)
        text += (i == 0 ? "" : ",") + std::to_string(values[i]);
    return text;
}

std::string gpio_value(const GpioConfig& gpio) {
    return std::to_string(gpio.pin) + "," + std::to_string(gpio.config) + "," +
           std::to_string(gpio.value);
}

// The fields of one Wi-Fi network (station or soft AP).
template <WifiNetwork Profile::*Network>
struct NetworkFields {
    static std::string ssid(const Profile& p) { return (p.*Network).ssid; }
    static Problem read_ssid(std::string_view v, Profile& p) {
        return read_text(v, 1, max_ssid_length, (p.*Network).ssid);
    }
    static std::string bssid(const Profile& p) { return (p.*Network).bssid; }
    static Problem read_bssid_field(std::string_view v, Profile& p) {
        return read_bssid(v, (p.*Network).bssid);
    }
    static std::string channel(const Profile& p) { return std::to_string((p.*Network).channel); }
    static Problem read_channel(std::string_view v, Profile& p) {
        return read_number(v, 0, max_channel, (p.*Network).channel);
    }
    static std::string security(const Profile& p) { return security_text((p.*Network).security); }
    static Problem read_security_field(std::string_view v, Profile& p) {
        return read_security(v, (p.*Network).security);
    }
    // The key is checked against the security type once both are read.
    static std::string key(const Profile& p) { return (p.*Network).key; }
    static Problem read_key(std::string_view v, Profile& p) {
        (p.*Network).key = std::string(v);
        return std::nullopt;
    }
};
using Station = NetworkFields<&Profile::station>;
using SoftAp = NetworkFields<&Profile::soft_ap>;

// One of the five GPIO pins.
template <std::size_t Index>
struct GpioField {
    static std::string write(const Profile& p) { return gpio_value(p.gpio[Index]); }
    static Problem read(std::string_view v, Profile& p) { return read_gpio(v, p.gpio[Index]); }
};

// One of the five receive-format characters, in hex.
template <char ReceiveFormat::*Character>
struct FormatField {
    static std::string write(const Profile& p) {
        return hex2(static_cast<unsigned char>(p.receive_format.*Character));
    }
    static Problem read(std::string_view v, Profile& p) {
        return read_format_char(v, p.receive_format.*Character);
    }
};

const std::vector<Field>& fields() {
    static const std::vector<Field> table{
        {"mac", [](const Profile& p) { return p.mac.to_upper(); },
         [](std::string_view v, Profile& p) { return read_mac(v, p.mac); }},
        {"uart", [](const Profile& p) { return p.uart.to_string(); },
         [](std::string_view v, Profile& p) { return read_uart(v, p.uart); }},
        {"message_level", [](const Profile& p) { return std::to_string(p.message_level); },
         [](std::string_view v, Profile& p) { return read_number(v, 1, 3, p.message_level); }},
        {"echo", [](const Profile& p) { return flag(p.echo); },
         [](std::string_view v, Profile& p) { return read_flag(v, p.echo); }},
        {"host_interface", [](const Profile& p) { return std::to_string(p.host_interface); },
         [](std::string_view v, Profile& p) { return read_number(v, 0, 2, p.host_interface); }},
        {"spi_mode", [](const Profile& p) { return std::to_string(p.spi_mode); },
         [](std::string_view v, Profile& p) -> Problem {
             unsigned mode = 0;
             if (auto problem = read_number(v, 0, 11, mode)) return problem;
             if (mode > 3 && mode < 8) return std::to_string(mode) + " is not 0-3 or 8-11";
             p.spi_mode = mode;
             return std::nullopt;
         }},
        {"wifi_mode",
         [](const Profile& p) {
             return std::string(p.wifi_mode == WifiMode::station ? "station" : "soft_ap");
         },
         [](std::string_view v, Profile& p) { return read_wifi_mode(v, p.wifi_mode); }},
        {"station.ssid", Station::ssid, Station::read_ssid},
        {"station.bssid", Station::bssid, Station::read_bssid_field},
        {"station.channel", Station::channel, Station::read_channel},
        {"station.security", Station::security, Station::read_security_field},
        {"station.key", Station::key, Station::read_key},
        {"soft_ap.ssid", SoftAp::ssid, SoftAp::read_ssid},
        {"soft_ap.bssid", SoftAp::bssid, SoftAp::read_bssid_field},
        {"soft_ap.channel", SoftAp::channel, SoftAp::read_channel},
        {"soft_ap.security", SoftAp::security, SoftAp::read_security_field},
        {"soft_ap.key", SoftAp::key, SoftAp::read_key},
        {"dhcp", [](const Profile& p) { return flag(p.dhcp); },
         [](std::string_view v, Profile& p) { return read_flag(v, p.dhcp); }},
        {"ip", [](const Profile& p) { return p.ip.to_string(); },
         [](std::string_view v, Profile& p) { return read_ipv4(v, p.ip); }},
        {"netmask", [](const Profile& p) { return p.netmask.to_string(); },
         [](std::string_view v, Profile& p) { return read_ipv4(v, p.netmask); }},
        {"gateway", [](const Profile& p) { return p.gateway.to_string(); },
         [](std::string_view v, Profile& p) { return read_ipv4(v, p.gateway); }},
        {"dns1", [](const Profile& p) { return p.dns1 ? p.dns1->to_string() : std::string{}; },
         [](std::string_view v, Profile& p) { return read_optional_ipv4(v, p.dns1); }},
        {"dns2", [](const Profile& p) { return p.dns2 ? p.dns2->to_string() : std::string{}; },
         [](std::string_view v, Profile& p) { return read_optional_ipv4(v, p.dns2); }},
        {"country", [](const Profile& p) { return p.country; },
         [](std::string_view v, Profile& p) {
             return read_digits(v, 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", p.country);
         }},
        {"service.open_type", [](const Profile& p) { return p.service.open_type; },
         [](std::string_view v, Profile& p) {
             return read_choice(v, open_types, p.service.open_type);
         }},
        {"service.socket_type", [](const Profile& p) { return p.service.socket_type; },
         [](std::string_view v, Profile& p) {
             return read_choice(v, socket_types, p.service.socket_type);
         }},
        {"service.remote_ip", [](const Profile& p) { return p.service.remote_ip; },
         [](std::string_view v, Profile& p) { return read_remote_ip(v, p.service.remote_ip); }},
        {"service.remote_port",
         [](const Profile& p) { return std::to_string(p.service.remote_port); },
         [](std::string_view v, Profile& p) {
             return read_number(v, 0, max_port, p.service.remote_port);
         }},
        {"service.local_port",
         [](const Profile& p) { return std::to_string(p.service.local_port); },
         [](std::string_view v, Profile& p) {
             return read_number(v, 0, max_port, p.service.local_port);
         }},
        {"service.data_mode", [](const Profile& p) { return std::to_string(p.service.data_mode); },
         [](std::string_view v, Profile& p) { return read_number(v, 0, 1, p.service.data_mode); }},
        {"receive_format.flags", [](const Profile& p) { return p.receive_format.flags; },
         [](std::string_view v, Profile& p) {
             return read_digits(v, 9, "01", p.receive_format.flags);
         }},
        {"receive_format.start", FormatField<&ReceiveFormat::start>::write,
         FormatField<&ReceiveFormat::start>::read},
        {"receive_format.delim", FormatField<&ReceiveFormat::delim>::write,
         FormatField<&ReceiveFormat::delim>::read},
        {"receive_format.end", FormatField<&ReceiveFormat::end>::write,
         FormatField<&ReceiveFormat::end>::read},
        {"receive_format.trailer1", FormatField<&ReceiveFormat::trailer1>::write,
         FormatField<&ReceiveFormat::trailer1>::read},
        {"receive_format.trailer2", FormatField<&ReceiveFormat::trailer2>::write,
         FormatField<&ReceiveFormat::trailer2>::read},
        {"escape_timer_ms", [](const Profile& p) { return std::to_string(p.escape_timer_ms); },
         [](std::string_view v, Profile& p) {
             return read_number(v, 1, 10000, p.escape_timer_ms);
         }},
        {"web_server_type", [](const Profile& p) { return std::string(1, p.web_server_type); },
         [](std::string_view v, Profile& p) { return read_web_server_type(v, p.web_server_type); }},
        {"web_menu", [](const Profile& p) { return p.web_menu; },
         [](std::string_view v, Profile& p) {
             return read_digits(v, 7, "0123456789", p.web_menu);
         }},
        {"gpio.0", GpioField<0>::write, GpioField<0>::read},
        {"gpio.1", GpioField<1>::write, GpioField<1>::read},
        {"gpio.2", GpioField<2>::write, GpioField<2>::read},
        {"gpio.3", GpioField<3>::write, GpioField<3>::read},
        {"gpio.4", GpioField<4>::write, GpioField<4>::read},
        {"web_user", [](const Profile& p) { return p.web_user; },
         [](std::string_view v, Profile& p) {
             return read_text(v, 1, max_web_text_length, p.web_user);
         }},
        {"web_password", [](const Profile& p) { return p.web_password; },
         [](std::string_view v, Profile& p) {
             return read_text(v, 1, max_web_text_length, p.web_password);
         }},
        {"socket_options",
         [](const Profile& p) { return joined(p.socket_options.data(), p.socket_options.size()); },
         [](std::string_view v, Profile& p) { return read_socket_options(v, p.socket_options); }},
        {"wifi_check",
         [](const Profile& p) { return joined(p.wifi_check.data(), p.wifi_check.size()); },
         [](std::string_view v, Profile& p) { return read_wifi_check(v, p.wifi_check); }},
        {"antenna", [](const Profile& p) { return std::to_string(p.antenna); },
         [](std::string_view v, Profile& p) -> Problem {
             unsigned antenna = 0;
             if (auto problem = read_number(v, 0, 3, antenna)) return problem;
             if (std::find(antenna_types.begin(), antenna_types.end(), antenna) ==
                 antenna_types.end())
                 return std::to_string(antenna) + " is not 0, 1 or 3";
             p.antenna = antenna;
             return std::nullopt;
         }},
        {"rf_mode", [](const Profile& p) { return std::to_string(p.rf_mode); },
         [](std::string_view v, Profile& p) { return read_number(v, 0, 4, p.rf_mode); }},
        {"event_format", [](const Profile& p) { return p.event_format; },
         [](std::string_view v, Profile& p) { return read_digits(v, 10, "012", p.event_format); }},
        {"event_delay_ms", [](const Profile& p) { return std::to_string(p.event_delay_ms); },
         [](std::string_view v, Profile& p) { return read_number(v, 0, 1000, p.event_delay_ms); }},
        {"listen_event", [](const Profile& p) { return flag(p.listen_event); },
         [](std::string_view v, Profile& p) { return read_flag(v, p.listen_event); }},
        {"domain_name", [](const Profile& p) { return p.domain_name; },
         [](std::string_view v, Profile& p) {
             return read_text(v, 0, max_domain_name_length, p.domain_name);
         }},
        {"air_command.open_type", [](const Profile& p) { return p.air_command.open_type; },
         [](std::string_view v, Profile& p) {
             return read_choice(v, air_open_types, p.air_command.open_type);
         }},
        {"air_command.protocol",
         [](const Profile& p) {
             return p.air_command.protocol == '\0' ? std::string{}
                                                   : std::string(1, p.air_command.protocol);
         },
         [](std::string_view v, Profile& p) {
             return read_air_protocol(v, p.air_command.protocol);
         }},
        {"air_command.port", [](const Profile& p) { return std::to_string(p.air_command.port); },
         [](std::string_view v, Profile& p) {
             return read_number(v, 0, no_limit, p.air_command.port);
         }},
        {"air_command.option",
         [](const Profile& p) { return std::to_string(p.air_command.option); },
         [](std::string_view v, Profile& p) {
             return read_number(v, 0, no_limit, p.air_command.option);
         }},
        {"customer", [](const Profile& p) { return p.customer; },
         [](std::string_view v, Profile& p) { return read_customer(v, p.customer); }},
        {"mqtt.user", [](const Profile& p) { return p.mqtt.user; },
         [](std::string_view v, Profile& p) {
             return read_text(v, 0, max_mqtt_text_length, p.mqtt.user);
         }},
        {"mqtt.password", [](const Profile& p) { return p.mqtt.password; },
         [](std::string_view v, Profile& p) {
             return read_text(v, 0, max_mqtt_text_length, p.mqtt.password);
         }},
        {"mqtt.client_id", [](const Profile& p) { return p.mqtt.client_id; },
         [](std::string_view v, Profile& p) {
             return read_text(v, 0, max_mqtt_text_length, p.mqtt.client_id);
         }},
        {"mqtt.keep_alive", [](const Profile& p) { return std::to_string(p.mqtt.keep_alive); },
         [](std::string_view v, Profile& p) { return read_number(v, 30, 300, p.mqtt.keep_alive); }},
        {"open_drain", [](const Profile& p) { return flag(p.open_drain); },
         [](std::string_view v, Profile& p) { return read_flag(v, p.open_drain); }},
    };
    return table;
}

const Field* find_field(std::string_view key) {
    for (const Field& field : fields())
        if (field.key == key) return &field;
    return nullptr;
}

// One `key = value` line of the text.
struct Entry {
    std::string_view key;
    std::string_view value;  // still escaped
    std::size_t line;
};

bool fail(ProfileError& error, std::size_t line, std::string_view field, std::string message) {
    error.line = line;
    error.field = std::string(field);
    error.message = std::move(message);
    return false;
}

// Splits the text into entries; fails on a line that is not a comment and has no key.
bool split_entries(std::string_view text, std::vector<Entry>& entries, ProfileError& error) {
    std::size_t line_number = 0;
    while (!text.empty()) {
        ++line_number;
        const auto newline = text.find('\n');
        std::string_view line = text.substr(0, newline);
        text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);  // CRLF after an edit
        line = trim(line);
        if (line.empty() || line.front() == '#') continue;
        const auto equals = line.find('=');
        if (equals == std::string_view::npos)
            return fail(error, line_number, "", "expected `key = value`");
        const std::string_view key = trim(line.substr(0, equals));
        if (key.empty()) return fail(error, line_number, "", "no key before '='");
        entries.push_back({key, trim(line.substr(equals + 1)), line_number});
    }
    return true;
}

bool check_schema(const std::vector<Entry>& entries, ProfileError& error) {
    const auto it = std::find_if(entries.begin(), entries.end(),
                                 [](const Entry& entry) { return entry.key == schema_key; });
    if (it == entries.end()) {
        return fail(error, 0, schema_key, "missing: the text is empty or not a wizfi250d profile");
    }
    const auto schema = strict_number(it->value);
    if (!schema || *schema == 0)
        return fail(error, it->line, schema_key, quoted(it->value) + " is not a schema number");
    if (*schema > profile_schema) {
        return fail(error, it->line, schema_key,
                    "schema " + std::to_string(*schema) +
                        " was written by a newer wizfi250d; this version reads schema " +
                        std::to_string(profile_schema) + " and older");
    }
    return true;
}

// The checks that involve more than one key; line_of gives a key's line (0 when absent).
template <typename LineOf>
bool check_consistency(const Profile& p, const LineOf& line_of, ProfileError& error) {
    // The line of the first of these keys that the text has.
    const auto line_of_any = [&](std::initializer_list<std::string_view> keys) {
        for (const std::string_view key : keys)
            if (const std::size_t line = line_of(key)) return line;
        return std::size_t{0};
    };
    if (p.soft_ap.security == Security::wep) {
        return fail(error, line_of_any({"soft_ap.security"}), "soft_ap.security",
                    "WEP cannot be used by the soft AP");
    }
    const std::pair<std::string_view, const WifiNetwork*> networks[] = {{"station", &p.station},
                                                                        {"soft_ap", &p.soft_ap}};
    for (const auto& [prefix, net] : networks) {
        const std::string key = std::string(prefix) + ".key";
        const std::string security = std::string(prefix) + ".security";
        if (!valid_key(net->security, net->key)) {
            return fail(error, line_of_any({key, security}), key,
                        "a key of " + std::to_string(net->key.size()) +
                            " bytes is not valid for security " + security_text(net->security));
        }
    }
    for (std::size_t i = 0; i < p.gpio.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (p.gpio[i].pin == p.gpio[j].pin) {
                const std::string key = "gpio." + std::to_string(i);
                return fail(
                    error, line_of_any({key}), key,
                    "pin " + std::to_string(p.gpio[i].pin) + " is also gpio." + std::to_string(j));
            }
        }
    }
    return true;
}

}  // namespace

std::string ProfileError::to_string() const {
    std::string text;
    if (line != 0) text = "line " + std::to_string(line);
    if (!field.empty()) text += (text.empty() ? "" : " ") + ("(" + field + ")");
    return text + (text.empty() ? "" : ": ") + message;
}

std::string escape_profile_value(std::string_view bytes) {
    std::string text;
    text.reserve(bytes.size());
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        const auto byte = static_cast<unsigned char>(bytes[i]);
        const bool at_an_end = i == 0 || i + 1 == bytes.size();
        switch (byte) {
            case '\\':
                text += "\\\\";
                continue;
            case '\t':
                text += "\\t";
                continue;
            case '\r':
                text += "\\r";
                continue;
            case '\n':
                text += "\\n";
                continue;
            default:
                break;
        }
        const bool plain =
            byte >= 0x20 && byte <= 0x7e && !(byte == ' ' && at_an_end) && !(byte == '#' && i == 0);
        if (plain) {
            text += static_cast<char>(byte);
        } else {
            text += "\\x" + hex2(byte);
        }
    }
    return text;
}

std::optional<std::string> unescape_profile_value(std::string_view text) {
    std::string bytes;
    bytes.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            bytes += text[i];
            continue;
        }
        if (++i == text.size()) return std::nullopt;
        switch (text[i]) {
            case '\\':
                bytes += '\\';
                break;
            case 't':
                bytes += '\t';
                break;
            case 'r':
                bytes += '\r';
                break;
            case 'n':
                bytes += '\n';
                break;
            case 'x': {
                if (i + 2 >= text.size()) return std::nullopt;
                const int high = hex_digit(text[i + 1]);
                const int low = hex_digit(text[i + 2]);
                if (high < 0 || low < 0) return std::nullopt;
                bytes += static_cast<char>(high * 16 + low);
                i += 2;
                break;
            }
            default:
                return std::nullopt;
        }
    }
    return bytes;
}

std::vector<std::string_view> profile_keys() {
    std::vector<std::string_view> keys;
    for (const Field& field : fields())
        keys.push_back(field.key);
    return keys;
}

std::string serialize_profile(const Profile& profile) {
    std::string text(header_comment);
    text += std::string(schema_key) + " = " + std::to_string(profile_schema) + "\n";
    for (const Field& field : fields()) {
        const std::string value = escape_profile_value(field.write(profile));
        text += std::string(field.key) + (value.empty() ? " =" : " = " + value) + "\n";
    }
    return text;
}

std::optional<Profile> parse_profile(std::string_view text, ProfileError& error) {
    error = ProfileError{};
    std::vector<Entry> entries;
    if (!split_entries(text, entries, error)) return std::nullopt;
    // The schema first: a newer file's keys are not "unknown", the file is too new.
    if (!check_schema(entries, error)) return std::nullopt;

    std::map<std::string_view, std::size_t> lines;
    for (const Entry& entry : entries) {
        const auto [it, inserted] = lines.emplace(entry.key, entry.line);
        if (!inserted) {
            fail(error, entry.line, entry.key,
                 "appears again (first on line " + std::to_string(it->second) + ")");
            return std::nullopt;
        }
        if (entry.key != schema_key && find_field(entry.key) == nullptr) {
            fail(error, entry.line, entry.key, "unknown key");
            return std::nullopt;
        }
    }

    Profile profile;  // factory values for every key the text does not have
    for (const Entry& entry : entries) {
        if (entry.key == schema_key) continue;
        const auto value = unescape_profile_value(entry.value);
        if (!value) {
            fail(error, entry.line, entry.key,
                 "bad escape: use \\\\, \\t, \\r, \\n or \\x with two hex digits");
            return std::nullopt;
        }
        if (auto problem = find_field(entry.key)->read(*value, profile)) {
            fail(error, entry.line, entry.key, std::move(*problem));
            return std::nullopt;
        }
    }
    const auto line_of = [&lines](std::string_view key) {
        const auto it = lines.find(key);
        return it == lines.end() ? std::size_t{0} : it->second;
    };
    if (!check_consistency(profile, line_of, error)) return std::nullopt;
    return profile;
}

}  // namespace wizfi250d
