// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/at/params.hpp"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace wizfi250d {

namespace {

bool is_blank(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string_view trim_leading(std::string_view s) {
    while (!s.empty() && is_blank(s.front()))
        s.remove_prefix(1);
    return s;
}

std::string_view trim(std::string_view s) {
    s = trim_leading(s);
    while (!s.empty() && is_blank(s.back()))
        s.remove_suffix(1);
    return s;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::uint32_t> parse_digits(std::string_view text, std::uint32_t base) {
    std::string_view s = trim_leading(text);
    std::uint32_t value = 0;
    while (!s.empty()) {
        const int digit = base == 16
                              ? hex_value(s.front())
                              : (s.front() >= '0' && s.front() <= '9' ? s.front() - '0' : -1);
        if (digit < 0) break;
        value = value * base + static_cast<std::uint32_t>(digit);
        s.remove_prefix(1);
    }
    if (!trim_leading(s).empty()) return std::nullopt;
    return value;
}

const std::optional<std::string> absent_field;

}  // namespace

Params::Params(std::string_view args) : raw_(args) {
    std::string_view rest = args;
    while (!rest.empty()) {
        const std::string_view lead = trim_leading(rest);
        const bool quoted = !lead.empty() && lead.front() == '"';
        std::string_view body = quoted ? lead.substr(1) : rest;

        std::size_t pos = 0;
        std::optional<std::size_t> closing;
        bool misquoted = false;
        char prev = '\0';
        for (; pos < body.size(); ++pos) {
            const char c = body[pos];
            if (c == ',' && (!quoted || closing)) break;
            if (c == '"' && quoted && prev != '\\') {
                if (closing) {
                    misquoted = true;
                    break;
                }
                closing = pos;
                prev = '\0';
                continue;
            }
            prev = c;
        }
        if (misquoted) {
            // The firmware does not advance past a misquoted field, so it and every later
            // field read as absent.
            break;
        }
        const std::string_view value = body.substr(0, closing.value_or(pos));
        if (pos == 0) {
            fields_.emplace_back(std::nullopt);
        } else {
            fields_.emplace_back(std::string(value));
        }
        if (pos >= body.size()) {
            rest = {};
        } else {
            rest = body.substr(pos + 1);
            if (rest.empty()) fields_.emplace_back(std::nullopt);
        }
    }
}

const std::optional<std::string>& Params::operator[](std::size_t i) const {
    return i < fields_.size() ? fields_[i] : absent_field;
}

std::string_view Params::rest_after_comma(std::size_t n) const {
    std::string_view s = raw_;
    for (std::size_t i = 0; i < n; ++i) {
        const auto comma = s.find(',');
        if (comma == std::string_view::npos) return {};
        s.remove_prefix(comma + 1);
    }
    return s;
}

std::string Ipv4::to_string() const {
    // to_chars, not snprintf: every command-mode receive frame's header carries one.
    char buf[16];
    char* end = buf;
    for (std::size_t i = 0; i < octets.size(); ++i) {
        if (i > 0) *end++ = '.';
        end = std::to_chars(end, buf + sizeof buf, unsigned{octets[i]}).ptr;
    }
    return std::string(buf, end);
}

std::uint32_t Ipv4::to_uint() const {
    return (std::uint32_t{octets[0]} << 24) | (std::uint32_t{octets[1]} << 16) |
           (std::uint32_t{octets[2]} << 8) | std::uint32_t{octets[3]};
}

Ipv4 Ipv4::from_uint(std::uint32_t v) {
    return Ipv4{{static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                 static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)}};
}

bool Ipv4Network::contains(const Ipv4& ip) const {
    if (prefix_length == 0) return true;
    const std::uint32_t mask = ~std::uint32_t{0} << (32 - prefix_length);
    return (ip.to_uint() & mask) == (address.to_uint() & mask);
}

bool allowed_by(const std::vector<Ipv4Network>& allowed, const Ipv4& client) {
    if (allowed.empty()) return true;
    for (const auto& network : allowed)
        if (network.contains(client)) return true;
    return false;
}

std::optional<Ipv4Network> parse_ipv4_network(std::string_view text) {
    const auto slash = text.find('/');
    const auto address = parse_ipv4(text.substr(0, slash));
    if (!address) return std::nullopt;
    if (slash == std::string_view::npos) return Ipv4Network{*address, 32};
    const auto length = parse_number(text.substr(slash + 1));
    if (!length || *length > 32 || text.substr(slash + 1).empty()) return std::nullopt;
    return Ipv4Network{*address, *length};
}

namespace {
std::string format_mac(const std::array<std::uint8_t, 6>& o, const char* fmt) {
    char buf[18];
    std::snprintf(buf, sizeof buf, fmt, o[0], o[1], o[2], o[3], o[4], o[5]);
    return buf;
}
}  // namespace

std::string MacAddress::to_upper() const {
    return format_mac(octets, "%02X:%02X:%02X:%02X:%02X:%02X");
}

std::string MacAddress::to_lower() const {
    return format_mac(octets, "%02x:%02x:%02x:%02x:%02x:%02x");
}

std::optional<std::uint32_t> parse_number(std::string_view text) {
    return parse_digits(text, 10);
}

std::optional<std::uint32_t> parse_hex(std::string_view text) {
    return parse_digits(text, 16);
}

std::optional<Ipv4> parse_ipv4(std::string_view text) {
    std::string_view s = trim(text);
    Ipv4 ip;
    for (int quad = 0; quad < 4; ++quad) {
        unsigned value = 0;
        int digits = 0;
        while (!s.empty() && s.front() >= '0' && s.front() <= '9') {
            // Leading zeros are fine; stop growing once the part is out of range anyway.
            if (value <= 255) value = value * 10 + static_cast<unsigned>(s.front() - '0');
            s.remove_prefix(1);
            ++digits;
        }
        if (digits == 0 || value > 255) return std::nullopt;
        ip.octets[static_cast<std::size_t>(quad)] = static_cast<std::uint8_t>(value);
        if (quad < 3) {
            if (s.empty() || s.front() != '.') return std::nullopt;
            s.remove_prefix(1);
        }
    }
    if (!s.empty()) return std::nullopt;
    return ip;
}

std::optional<MacAddress> parse_mac(std::string_view text) {
    MacAddress mac;
    std::size_t groups = 0;
    std::string_view s = text;
    while (!s.empty() && groups < 7) {
        unsigned value = 0;
        int digits = 0;
        while (!s.empty() && s.front() != ':' && s.front() != ' ') {
            const int v = hex_value(s.front());
            if (v < 0) return std::nullopt;
            value = value * 16 + static_cast<unsigned>(v);
            s.remove_prefix(1);
            ++digits;
        }
        if (digits == 0 || digits > 2) return std::nullopt;
        if (groups < 6) mac.octets[groups] = static_cast<std::uint8_t>(value);
        ++groups;
        if (s.empty()) break;
        s.remove_prefix(1);  // the separator
    }
    static constexpr std::array<std::uint8_t, 6> zero{};
    static constexpr std::array<std::uint8_t, 6> broadcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    if (groups != 6 || mac.octets == zero || mac.octets == broadcast) return std::nullopt;
    return mac;
}

std::optional<bool> parse_bool(std::string_view text) {
    const std::string_view s = trim_leading(text);
    if (s == "0") return false;
    if (s == "1") return true;
    return std::nullopt;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && istarts_with(a, b);
}

bool istarts_with(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        if (std::toupper(static_cast<unsigned char>(text[i])) !=
            std::toupper(static_cast<unsigned char>(prefix[i])))
            return false;
    }
    return true;
}

}  // namespace wizfi250d
