// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wizfi250d {

// The comma-separated argument string of a command, split the way the firmware's
// WXParse_NextParamGet does (spec §1.5):
//  - an empty field, a missing field and an empty first field are "absent";
//  - a field whose first non-blank character is '"' is quoted: commas inside belong to it, the
//    value ends at the next '"' not preceded by '\', text between that quote and the comma is
//    ignored; a second closing quote makes this field and every later one absent;
//  - unquoted fields keep their blanks.
class Params {
public:
    explicit Params(std::string_view args);

    // Field i, or nullopt when it is absent.
    const std::optional<std::string>& operator[](std::size_t i) const;
    bool present(std::size_t i) const { return (*this)[i].has_value(); }
    std::size_t size() const { return fields_.size(); }

    // The raw text after the n-th comma (n >= 1), verbatim: commas and quotes kept. Used by
    // rest-of-line fields such as the WSEC key. Empty when there are fewer commas.
    std::string_view rest_after_comma(std::size_t n) const;

    std::string_view raw() const { return raw_; }

private:
    std::string raw_;
    std::vector<std::optional<std::string>> fields_;
};

struct Ipv4 {
    std::array<std::uint8_t, 4> octets{};
    std::string to_string() const;
    std::uint32_t to_uint() const;
    static Ipv4 from_uint(std::uint32_t host_order);
    bool is_zero() const { return to_uint() == 0; }
    friend bool operator==(const Ipv4& a, const Ipv4& b) { return a.octets == b.octets; }
    friend bool operator!=(const Ipv4& a, const Ipv4& b) { return !(a == b); }
};

// An IPv4 network in CIDR form ("192.168.12.0/24", or one address).
struct Ipv4Network {
    Ipv4 address;
    unsigned prefix_length = 32;
    bool contains(const Ipv4& ip) const;
};
std::optional<Ipv4Network> parse_ipv4_network(std::string_view text);
// A client allow-list (air_command_allow, web_server_allow): empty allows everyone.
bool allowed_by(const std::vector<Ipv4Network>& allowed, const Ipv4& client);

struct MacAddress {
    std::array<std::uint8_t, 6> octets{};
    std::string to_upper() const;  // 00:08:DC:12:34:56
    std::string to_lower() const;  // 00:08:dc:12:34:56
    friend bool operator==(const MacAddress& a, const MacAddress& b) {
        return a.octets == b.octets;
    }
};

// Decimal digits with blanks around them; a field of blanks only reads as 0; no overflow check
// (32-bit wrap, as the firmware). nullopt for any other character.
std::optional<std::uint32_t> parse_number(std::string_view text);
// Hex digits with blanks around them, same rules.
std::optional<std::uint32_t> parse_hex(std::string_view text);
// A dotted quad, each part 0-255 with at least one digit, blanks around the whole allowed.
std::optional<Ipv4> parse_ipv4(std::string_view text);
// Six groups of 1-2 hex digits joined by ':' (or blanks); all-zero and all-FF are refused.
std::optional<MacAddress> parse_mac(std::string_view text);
// "0" or "1" after optional leading blanks, nothing after it.
std::optional<bool> parse_bool(std::string_view text);

// Case-insensitive ASCII comparison.
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view text, std::string_view prefix);

}  // namespace wizfi250d
