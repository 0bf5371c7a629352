// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>

#include "wizfi250d/profile/profile.hpp"

namespace wizfi250d {

// The Wi-Fi keys AT+WSEC takes (spec §2.2) and how the module prints them.

// Whether key is a valid key of this type: WEP 5/13 ASCII or 10/26 hex digits; WPA types 8-63
// ASCII or 128 hex digits that decode to the 64 hex digits of a raw PSK; OPEN anything.
bool valid_key(Security type, std::string_view key);

// The key as AT+WSEC=? and the profile dump print it: the stored bytes (hex forms decoded),
// verbatim when printable, else "xx " per byte; a 64-byte WPA key always as "xx " bytes.
std::string printed_key(Security type, const std::string& key);

}  // namespace wizfi250d
