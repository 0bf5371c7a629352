// SPDX-License-Identifier: Apache-2.0
// Radio facts through nl80211 (generic netlink, libnl-genl), with the sysfs MAC as fallback.

#include "wizfi250d/wifi/radio_info.hpp"

#include <linux/nl80211.h>
#include <net/if.h>
#include <netlink/attr.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <memory>

namespace wizfi250d {

namespace {

// The kernel answers a generic-netlink query at once; this only bounds a misbehaving kernel.
constexpr long receive_timeout_us = 300000;

struct SocketDeleter {
    void operator()(nl_sock* socket) const { nl_socket_free(socket); }
};
using SocketPtr = std::unique_ptr<nl_sock, SocketDeleter>;
struct MessageDeleter {
    void operator()(nl_msg* message) const { nlmsg_free(message); }
};
using MessagePtr = std::unique_ptr<nl_msg, MessageDeleter>;
struct CallbackDeleter {
    void operator()(nl_cb* callback) const { nl_cb_put(callback); }
};
using CallbackPtr = std::unique_ptr<nl_cb, CallbackDeleter>;

using AttributeTable = std::array<nlattr*, NL80211_ATTR_MAX + 1>;
using MessageHandler = std::function<void(const AttributeTable&)>;

struct Exchange {
    int status = 1;  // 1 running, 0 done, < 0 an error
    MessageHandler handler;
};

int on_valid(nl_msg* message, void* arg) {
    auto* exchange = static_cast<Exchange*>(arg);
    auto* header = static_cast<genlmsghdr*>(nlmsg_data(nlmsg_hdr(message)));
    AttributeTable table{};
    if (nla_parse(table.data(), NL80211_ATTR_MAX, genlmsg_attrdata(header, 0),
                  genlmsg_attrlen(header, 0), nullptr) == 0)
        exchange->handler(table);
    return NL_SKIP;
}

int on_finish(nl_msg* /*message*/, void* arg) {
    static_cast<Exchange*>(arg)->status = 0;
    return NL_SKIP;
}

int on_ack(nl_msg* /*message*/, void* arg) {
    static_cast<Exchange*>(arg)->status = 0;
    return NL_STOP;
}

int on_error(sockaddr_nl* /*address*/, nlmsgerr* error, void* arg) {
    static_cast<Exchange*>(arg)->status = error->error < 0 ? error->error : -1;
    return NL_STOP;
}

// What an nl80211 command is about: an interface (NL80211_ATTR_IFINDEX) or a radio
// (NL80211_ATTR_WIPHY).
struct Target {
    int attribute;
    std::uint32_t index;
};

// Sends one nl80211 command for target and feeds every answer to handler. False on failure.
bool run_command(nl_sock* socket, int family, std::uint8_t command, int flags, Target target,
                 MessageHandler handler) {
    MessagePtr message(nlmsg_alloc());
    CallbackPtr callback(nl_cb_alloc(NL_CB_DEFAULT));
    if (!message || !callback) return false;
    if (genlmsg_put(message.get(), NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, command, 0) ==
            nullptr ||
        nla_put_u32(message.get(), target.attribute, target.index) < 0)
        return false;
    Exchange exchange{1, std::move(handler)};
    nl_cb_set(callback.get(), NL_CB_VALID, NL_CB_CUSTOM, on_valid, &exchange);
    nl_cb_set(callback.get(), NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &exchange);
    nl_cb_set(callback.get(), NL_CB_ACK, NL_CB_CUSTOM, on_ack, &exchange);
    nl_cb_err(callback.get(), NL_CB_CUSTOM, on_error, &exchange);
    if (nl_send_auto(socket, message.get()) < 0) return false;
    while (exchange.status > 0)
        if (nl_recvmsgs(socket, callback.get()) < 0) return false;
    return exchange.status == 0;
}

}  // namespace

std::optional<MacAddress> interface_mac(const std::string& interface) {
    if (interface.empty() || interface.find('/') != std::string::npos) return std::nullopt;
    std::ifstream file("/sys/class/net/" + interface + "/address");
    std::string text;
    if (!(file >> text)) return std::nullopt;
    return parse_mac(text);
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

    SocketPtr socket(nl_socket_alloc());
    if (!socket || genl_connect(socket.get()) < 0) {
        spdlog::warn("radio: no generic netlink socket; AT+WSTAT shows the profile's values");
        nl80211_missing_ = true;
        return info;
    }
    timeval timeout{0, receive_timeout_us};
    ::setsockopt(nl_socket_get_fd(socket.get()), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    const int family = genl_ctrl_resolve(socket.get(), NL80211_GENL_NAME);
    if (family < 0) {
        // The one logged reason (e.g. a kernel without CONFIG_WIRELESS, as on the build machine).
        spdlog::warn(
            "radio: nl80211 is not available ({}); AT+WSTAT shows the interface MAC, the "
            "profile's TX power and RSSI 0, AT+WREG=? the profile's country",
            nl_geterror(family));
        nl80211_missing_ = true;
        return info;
    }

    std::optional<std::uint32_t> wiphy;
    const bool got_interface = run_command(
        socket.get(), family, NL80211_CMD_GET_INTERFACE, 0, {NL80211_ATTR_IFINDEX, ifindex},
        [&info, &wiphy](const AttributeTable& table) {
            if (nlattr* mac = table[NL80211_ATTR_MAC]; mac != nullptr && nla_len(mac) == 6) {
                MacAddress address;
                std::memcpy(address.octets.data(), nla_data(mac), address.octets.size());
                info.mac = address;
            }
            if (nlattr* power = table[NL80211_ATTR_WIPHY_TX_POWER_LEVEL]; power != nullptr)
                info.tx_power_dbm = static_cast<int>(nla_get_u32(power)) / 100;  // mBm
            if (nlattr* radio = table[NL80211_ATTR_WIPHY]; radio != nullptr)
                wiphy = nla_get_u32(radio);
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
    if (wiphy) info.regulatory_domain = regulatory_domain(socket.get(), family, *wiphy);
    // In station mode the only station is the AP we are associated with.
    run_command(
        socket.get(), family, NL80211_CMD_GET_STATION, NLM_F_DUMP, {NL80211_ATTR_IFINDEX, ifindex},
        [&info](const AttributeTable& table) {
            nlattr* station = table[NL80211_ATTR_STA_INFO];
            if (station == nullptr || info.signal_dbm) return;
            std::array<nlattr*, NL80211_STA_INFO_MAX + 1> fields{};
            if (nla_parse_nested(fields.data(), NL80211_STA_INFO_MAX, station, nullptr) != 0)
                return;
            if (nlattr* signal = fields[NL80211_STA_INFO_SIGNAL]; signal != nullptr)
                info.signal_dbm = static_cast<std::int8_t>(nla_get_u8(signal));
        });
    return info;
}

std::optional<std::string> RadioInfoSource::regulatory_domain(nl_sock* socket, int family,
                                                              std::uint32_t wiphy) const {
    std::optional<std::string> alpha2;
    const bool answered =
        run_command(socket, family, NL80211_CMD_GET_REG, 0, {NL80211_ATTR_WIPHY, wiphy},
                    [&alpha2](const AttributeTable& table) {
                        nlattr* code = table[NL80211_ATTR_REG_ALPHA2];
                        if (code == nullptr || nla_len(code) < 2) return;
                        const auto* text = static_cast<const char*>(nla_data(code));
                        alpha2 = std::string(text, 2);
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
