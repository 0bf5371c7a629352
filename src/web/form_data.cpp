// SPDX-License-Identifier: Apache-2.0
#include "form_data.hpp"

#include <cstdio>

namespace wizfi250d {

namespace {

constexpr std::size_t max_fields = 32;

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> url_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            out += ' ';
        } else if (c == '%') {
            if (text.size() - i < 3) return std::nullopt;
            const int high = hex_value(text[i + 1]);
            const int low = hex_value(text[i + 2]);
            if (high < 0 || low < 0) return std::nullopt;
            out += static_cast<char>(high * 16 + low);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

}  // namespace

std::optional<FormData> parse_form(std::string_view text) {
    FormData fields;
    std::size_t count = 0;
    while (!text.empty()) {
        const auto amp = text.find('&');
        const std::string_view pair = text.substr(0, amp);
        text = amp == std::string_view::npos ? std::string_view{} : text.substr(amp + 1);
        if (pair.empty()) continue;
        if (++count > max_fields) return std::nullopt;
        const auto equals = pair.find('=');
        auto name = url_decode(pair.substr(0, equals));
        auto value = url_decode(equals == std::string_view::npos ? std::string_view{}
                                                                 : pair.substr(equals + 1));
        if (!name || !value) return std::nullopt;
        fields.emplace(std::move(*name), std::move(*value));
    }
    return fields;
}

std::string cookie_value(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        const auto semicolon = header.find(';');
        std::string_view item = header.substr(0, semicolon);
        header =
            semicolon == std::string_view::npos ? std::string_view{} : header.substr(semicolon + 1);
        while (!item.empty() && item.front() == ' ')
            item.remove_prefix(1);
        const auto equals = item.find('=');
        if (equals == std::string_view::npos) continue;
        if (item.substr(0, equals) == name) return std::string(item.substr(equals + 1));
    }
    return {};
}

std::string_view target_path(std::string_view target) {
    return target.substr(0, target.find('?'));
}

std::string_view target_query(std::string_view target) {
    const auto question = target.find('?');
    return question == std::string_view::npos ? std::string_view{} : target.substr(question + 1);
}

std::string url_encode(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte >= 'a' && byte <= 'z') || (byte >= 'A' && byte <= 'Z') ||
            (byte >= '0' && byte <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
            out += c;
        } else {
            char escaped[4];
            std::snprintf(escaped, sizeof escaped, "%%%02X", byte);
            out += escaped;
        }
    }
    return out;
}

}  // namespace wizfi250d
