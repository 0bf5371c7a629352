// SPDX-License-Identifier: Apache-2.0
#pragma once

// The network a WPS registrar hands over (Wi-Fi Simple Configuration Credential attribute), as
// AT+WWPS stores it.

#include <optional>
#include <string_view>

#include "wizfi250d/profile/profile.hpp"

namespace wizfi250d::wpa {

// The network a WPS-CRED-RECEIVED event carries (the hex of the WPS Credential attribute):
// SSID, authentication and encryption type, network key, as AT+WSEC stores them (a 64-digit
// hex PSK is stored as its 128-digit hex form). nullopt: malformed, or a type the module
// cannot store (enterprise).
std::optional<WifiNetwork> parse_wps_credential(std::string_view hex);

}  // namespace wizfi250d::wpa
