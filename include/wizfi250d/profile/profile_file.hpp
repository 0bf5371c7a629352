// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wizfi250d/profile/profile.hpp"

namespace wizfi250d {

// The text form of the saved profile (the module's "flash" on Linux, spec §5.1, §5.2):
//
//   # wizfi250d profile (the module's flash) ...
//   schema = 1
//   mac = 00:08:DC:00:00:00
//   uart = 115200,N,8,1,N
//   station.ssid = WizFiAP
//   ...
//
// One `key = value` line per profile field, in a fixed order. Lines that are blank or whose first
// non-blank character is '#' are comments. Blanks around the key and the value are not part of
// them. Values are bytes with C-style escapes: `\\`, `\t`, `\r`, `\n` and `\xHH` (exactly two hex
// digits); the writer escapes every byte outside 0x20-0x7e, a blank at either end of the value and
// a leading '#', so any string (a binary SSID, a key with commas, quotes or blanks) round-trips.
//
// Reading: a missing key takes its factory value (older files load); an unknown key, a repeated
// key or an invalid value is an error; a schema newer than profile_schema is refused.

constexpr unsigned profile_schema = 1;

// What is wrong with a profile text.
struct ProfileError {
    std::size_t line = 0;  // 1-based; 0 when the problem belongs to no line (no schema line)
    std::string field;     // the key ("station.channel"); empty when the line has no valid key
    std::string message;   // what is wrong; never contains a secret value

    // "line 12 (station.channel): 15 is out of range 0-14"
    std::string to_string() const;
};

// The whole file text, ending in a newline.
std::string serialize_profile(const Profile& profile);

// The profile a text describes; nullopt with error filled on the first problem.
std::optional<Profile> parse_profile(std::string_view text, ProfileError& error);

// Every key the writer emits after `schema`, in file order.
std::vector<std::string_view> profile_keys();

// The value escaping of the file, exposed for tests.
std::string escape_profile_value(std::string_view bytes);
// nullopt when the text has an unknown or incomplete escape.
std::optional<std::string> unescape_profile_value(std::string_view text);

}  // namespace wizfi250d
