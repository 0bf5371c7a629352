// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace wizfi250d {

// Fields of an application/x-www-form-urlencoded body or a query string. A field given twice
// keeps its first value. nullopt: malformed (a bad %-escape, too many fields).
using FormData = std::map<std::string, std::string, std::less<>>;
std::optional<FormData> parse_form(std::string_view text);

// The value of one cookie in a Cookie header, or empty.
std::string cookie_value(std::string_view header, std::string_view name);

// "/wifi?scan=1" -> "/wifi" and "scan=1".
std::string_view target_path(std::string_view target);
std::string_view target_query(std::string_view target);

// Percent-encodes a value for a URL query.
std::string url_encode(std::string_view text);

}  // namespace wizfi250d
