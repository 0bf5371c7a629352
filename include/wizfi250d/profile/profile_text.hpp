// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

#include "wizfi250d/profile/profile.hpp"

namespace wizfi250d {

// The module's text forms of profile fields, shared by the "?" queries and the AT+MPROF dump.

// "WPA2", "OPEN", "" for automatic...
std::string_view security_name(Security security);
// The key as printed: verbatim when printable, else lower-case hex bytes each followed by ' '.
std::string key_text(const std::string& key);
// "1,192.168.12.101,255.255.255.0,192.168.12.1"
std::string network_text(const Profile& profile);
// "O,TSN,,0,5000,1"
std::string service_text(const SocketService& service);
// "111111111,7b,2c,7d,0d,0a"
std::string receive_format_text(const ReceiveFormat& format);
// "{1,1,3,0},{1,5,3,0},..."
std::string gpio_text(const Profile& profile);

// The AT+MPROF=VD/VG lines (spec §2.4), without CRLF.
std::vector<std::string> profile_dump(const Profile& profile, bool web_server_running);

}  // namespace wizfi250d
