// SPDX-License-Identifier: Apache-2.0
// Radio facts through nl80211 (generic netlink), with the sysfs MAC as fallback.

#include "wizfi250d/wifi/radio_info.hpp"

#include <linux/genetlink.h>
#include <linux/nl80211.h>
#include <net/if.h>
#include <spdlog/spdlog.h>

#include <cstring>
#include <functional>

#include "netlink_socket.hpp"
#include "wizfi250d/util/private_files.hpp"
#include "wizfi250d/util/text_lines.hpp"

namespace wizfi250d {

namespace {

using netlink::Attributes;
using AttributeHandler = std::function<void(const Attributes&)>;

// What an nl80211 command is about: an interface (NL80211_ATTR_IFINDEX) or a radio
// (NL80211_ATTR_WIPHY).
struct Target {
    std::uint16_t attribute;
    std::uint32_t index;
};

// Sends one nl80211 command for target and feeds the attributes of every answer to handler.
// False on failure.
bool run_command(netlink::Socket& socket, std::uint16_t family, std::uint8_t command,
                 std::uint16_t flags, Target target, const AttributeHandler& handler) {
    netlink::Request request(family, flags);
    genlmsghdr header{};
    header.cmd = command;
    request.put_header(header);
    request.put_u32(target.attribute, target.index);
    return socket.exchange(request, [&](const nlmsghdr&, netlink::Bytes payload) {
        const auto attributes =
            Attributes::parse(netlink::attributes_after<genlmsghdr>(payload), NL80211_ATTR_MAX);
        if (attributes) handler(*attributes);
    }) == 0;
}

}  // namespace

std::optional<MacAddress> interface_mac(const std::string& interface) {
    if (interface.empty() || interface.find('/') != std::string::npos) return std::nullopt;
    std::string text;
    // "aa:bb:cc:dd:ee:ff\n"; InfiniBand's 20-byte addresses are the longest there are.
    if (!read_file("/sys/class/net/" + interface + "/address", text, 64)) return std::nullopt;
    std::string_view address;
    if (!TextWords(text).next(address)) return std::nullopt;
    return parse_mac(address);
}

RadioInfo RadioInfoSource::query(const std::string& interface) const {
    RadioInfo info;
    info.mac = interface_mac(interface);
    if (nl80211_missing_ || interface.empty()) return info;
    const unsigned ifindex = if_nametoindex(interface.c_str());
    if (ifindex == 0) {
        if (!logged_interface_problem_) {
            spdlog::warn(
                "radio: interface '{}' does not exist here; AT+WSTAT shows the profile's "
                "MAC and TX power, AT+WREG=? the profile's country",
                interface);
            logged_interface_problem_ = true;
        }
        return info;
    }

    netlink::Socket socket(NETLINK_GENERIC);
    if (!socket.ok()) {
        spdlog::warn("radio: no generic netlink socket; AT+WSTAT shows the profile's values");
        nl80211_missing_ = true;
        return info;
    }
    const int family = netlink::generic_family(socket, NL80211_GENL_NAME);
    if (family < 0) {
        // The one logged reason (e.g. a kernel without CONFIG_WIRELESS, as on the build machine).
        spdlog::warn(
            "radio: nl80211 is not available ({}); AT+WSTAT shows the interface MAC, the "
            "profile's TX power and RSSI 0, AT+WREG=? the profile's country",
            netlink::error_text(family));
        nl80211_missing_ = true;
        return info;
    }
    const auto nl80211 = static_cast<std::uint16_t>(family);

    std::optional<std::uint32_t> wiphy;
    const bool got_interface = run_command(
        socket, nl80211, NL80211_CMD_GET_INTERFACE, 0, {NL80211_ATTR_IFINDEX, ifindex},
        [&info, &wiphy](const Attributes& attributes) {
            if (const auto mac = attributes.get(NL80211_ATTR_MAC); mac && mac->size() == 6) {
                MacAddress address;
                std::memcpy(address.octets.data(), mac->data(), address.octets.size());
                info.mac = address;
            }
            if (const auto power = attributes.u32(NL80211_ATTR_WIPHY_TX_POWER_LEVEL))
                info.tx_power_dbm = static_cast<int>(*power) / 100;  // mBm
            if (const auto radio = attributes.u32(NL80211_ATTR_WIPHY)) wiphy = *radio;
        });
    if (!got_interface) {
        if (!logged_interface_problem_) {
            spdlog::warn(
                "radio: '{}' is not an nl80211 interface; AT+WSTAT shows the profile's "
                "TX power and RSSI 0, AT+WREG=? the profile's country",
                interface);
            logged_interface_problem_ = true;
        }
        return info;
    }
    if (wiphy) info.regulatory_domain = regulatory_domain(socket, nl80211, *wiphy);
    // In station mode the only station is the AP we are associated with.
    run_command(socket, nl80211, NL80211_CMD_GET_STATION, NLM_F_DUMP,
                {NL80211_ATTR_IFINDEX, ifindex}, [&info](const Attributes& attributes) {
                    const auto station = attributes.get(NL80211_ATTR_STA_INFO);
                    if (!station || info.signal_dbm) return;
                    const auto fields = Attributes::parse(*station, NL80211_STA_INFO_MAX);
                    if (!fields) return;
                    if (const auto signal = fields->u8(NL80211_STA_INFO_SIGNAL))
                        info.signal_dbm = static_cast<std::int8_t>(*signal);
                });
    return info;
}

std::optional<std::string> RadioInfoSource::regulatory_domain(netlink::Socket& socket,
                                                              std::uint16_t family,
                                                              std::uint32_t wiphy) const {
    std::optional<std::string> alpha2;
    const bool answered =
        run_command(socket, family, NL80211_CMD_GET_REG, 0, {NL80211_ATTR_WIPHY, wiphy},
                    [&alpha2](const Attributes& attributes) {
                        const auto code = attributes.get(NL80211_ATTR_REG_ALPHA2);
                        if (!code || code->size() < 2) return;
                        alpha2 = std::string(reinterpret_cast<const char*>(code->data()), 2);
                    });
    if ((!answered || !alpha2) && !logged_regulatory_problem_) {
        spdlog::warn(
            "radio: wiphy {} reports no regulatory domain; AT+WREG=? shows the profile's "
            "country",
            wiphy);
        logged_regulatory_problem_ = true;
    }
    return answered ? alpha2 : std::nullopt;
}

}  // namespace wizfi250d
