// SPDX-License-Identifier: Apache-2.0
#pragma once

// What the radio under an interface reports through nl80211 (generic netlink): for AT+WSTAT,
// AT+MMAC=? and AT+WREG=?. On a machine without nl80211 (no cfg80211 in the kernel, a wired
// interface) every value is absent and the reason is logged once.

#include <cstdint>
#include <optional>
#include <string>

#include "wizfi250d/at/params.hpp"

namespace wizfi250d {

namespace netlink {
class Socket;
}

struct RadioInfo {
    std::optional<MacAddress> mac;    // NL80211_ATTR_MAC, else the sysfs address
    std::optional<int> signal_dbm;    // the associated AP's signal (NL80211_STA_INFO_SIGNAL)
    std::optional<int> tx_power_dbm;  // NL80211_ATTR_WIPHY_TX_POWER_LEVEL / 100
    // The regulatory domain the radio runs under (NL80211_CMD_GET_REG for its wiphy: its own
    // domain when it has one, else the kernel's global one), e.g. "DE", or "00" for the world
    // domain.
    std::optional<std::string> regulatory_domain;
};

class RadioInfoSource {
public:
    // Queries nl80211 for `interface`; never throws, never blocks for long (the netlink socket
    // has a short receive timeout; the kernel answers at once).
    RadioInfo query(const std::string& interface) const;

private:
    std::optional<std::string> regulatory_domain(netlink::Socket& socket, std::uint16_t family,
                                                 std::uint32_t wiphy) const;

    // Set once nl80211 was found missing: the reason is logged once and not asked again.
    mutable bool nl80211_missing_ = false;
    mutable bool logged_interface_problem_ = false;
    mutable bool logged_regulatory_problem_ = false;
};

// /sys/class/net/<interface>/address.
std::optional<MacAddress> interface_mac(const std::string& interface);

}  // namespace wizfi250d
