// SPDX-License-Identifier: Apache-2.0
#pragma once

// The highest data rate a BSS announces in its 802.11 information elements (AT+WSCAN's rate).

#include <string_view>

namespace wizfi250d::wpa {

// The highest data rate the information elements (raw bytes) announce, in Mbit/s: VHT
// (80/160 MHz, MCS map), else HT (streams from the MCS set, 20/40 MHz, short GI), else the best
// supported/extended legacy rate. 0 when none of these elements is present.
double max_rate_mbps(std::string_view information_elements);
// When a BSS has no information elements to read: the best legacy rate.
inline constexpr double fallback_rate_mbps = 54.0;

}  // namespace wizfi250d::wpa
