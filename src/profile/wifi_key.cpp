// SPDX-License-Identifier: Apache-2.0
#include "wizfi250d/profile/wifi_key.hpp"

#include <algorithm>
#include <array>

#include "wizfi250d/profile/profile_text.hpp"

namespace wizfi250d {

namespace {

// The key forms AT+WSEC accepts (spec §2.2): by length, and whether the text is hex digits. A
// hex PSK (128 digits) must also decode to the 64 hex digits of a raw WPA PSK.
enum class KeyEncoding { ascii, hex, hex_psk };
struct KeyForm {
    std::size_t min_length;
    std::size_t max_length;
    KeyEncoding encoding;
};
constexpr std::array<KeyForm, 4> wep_key_forms{{
    {5, 5, KeyEncoding::ascii},
    {13, 13, KeyEncoding::ascii},
    {10, 10, KeyEncoding::hex},
    {26, 26, KeyEncoding::hex},
}};
// WPA, WPA2 and the automatic type (the firmware treats "unknown" as a WPA type here).
constexpr std::array<KeyForm, 2> psk_key_forms{{
    {8, 63, KeyEncoding::ascii},
    {128, 128, KeyEncoding::hex_psk},
}};
// The firmware prints a stored 64-byte WPA key (the decoded 128-digit form) as hex bytes.
constexpr std::size_t raw_psk_length = 64;

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool is_hex_text(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return hex_digit(c) >= 0; });
}

// "3132" → "12". The text has an even number of hex digits.
std::string decode_hex(std::string_view text) {
    std::string bytes;
    for (std::size_t i = 0; i + 1 < text.size(); i += 2)
        bytes.push_back(static_cast<char>(hex_digit(text[i]) * 16 + hex_digit(text[i + 1])));
    return bytes;
}

// "12" → "31 32 " (the firmware's "%02x " per byte).
std::string hex_bytes(std::string_view bytes) {
    static constexpr std::string_view digits = "0123456789abcdef";
    std::string text;
    for (const char c : bytes) {
        const auto byte = static_cast<unsigned char>(c);
        text += digits[byte >> 4];
        text += digits[byte & 0x0f];
        text += ' ';
    }
    return text;
}

template <std::size_t N>
const KeyForm* find_key_form(const std::array<KeyForm, N>& forms, std::size_t length) {
    const auto it = std::find_if(forms.begin(), forms.end(), [length](const KeyForm& form) {
        return length >= form.min_length && length <= form.max_length;
    });
    return it == forms.end() ? nullptr : &*it;
}

// The key forms of a security type; nullptr for OPEN, whose key is ignored.
const KeyForm* key_form(Security type, std::size_t length) {
    if (type == Security::open) return nullptr;
    if (type == Security::wep) return find_key_form(wep_key_forms, length);
    return find_key_form(psk_key_forms, length);
}

}  // namespace

bool valid_key(Security type, std::string_view key) {
    if (type == Security::open) return true;
    const KeyForm* form = key_form(type, key.size());
    if (form == nullptr) return false;
    switch (form->encoding) {
        case KeyEncoding::ascii:
            return true;
        case KeyEncoding::hex:
            return is_hex_text(key);
        case KeyEncoding::hex_psk:
            // Spec §2.2: the 128 digits decode to 64 bytes used as the hex PSK itself.
            return is_hex_text(key) && is_hex_text(decode_hex(key));
    }
    return false;
}

// The key part of AT+WSEC=? (spec §2.2): the stored bytes (hex forms decoded), printed as they
// are when printable, else as "xx " bytes; a 64-byte WPA key always as "xx " bytes; OPEN as a
// literal 0.
std::string printed_key(Security type, const std::string& key) {
    if (type == Security::open) return "0";
    const KeyForm* form = key_form(type, key.size());
    const bool hex_stored = form != nullptr && form->encoding != KeyEncoding::ascii;
    const std::string bytes = hex_stored ? decode_hex(key) : key;
    if (type != Security::wep && bytes.size() == raw_psk_length) return hex_bytes(bytes);
    return key_text(bytes);
}

}  // namespace wizfi250d
