// SPDX-License-Identifier: Apache-2.0
#include "web_actions.hpp"

#include <algorithm>
#include <array>

#include "wizfi250d/profile/profile.hpp"

namespace wizfi250d::web {

namespace {

constexpr std::size_t max_ssid_length = 32;
constexpr std::size_t max_login_length = 20;  // AT+MCWUI
constexpr std::size_t max_field_length = 128;

// Menu items (AT+FWEBM digits) the forms belong to.
enum MenuIndex : std::size_t {
    wifi = 1,
    network = 2,
    serial = 3,
    service = 4,
    air = 5,
    system = 6
};

ActionResult refused(std::string problem) {
    return ActionResult{std::nullopt, std::move(problem)};
}

ActionResult planned(ActionPlan plan) {
    return ActionResult{std::move(plan), {}};
}

std::string value(const FormData& form, std::string_view name) {
    const auto it = form.find(name);
    return it == form.end() ? std::string{} : it->second;
}

// A value that goes into a command line: no line ends or other control characters (they would
// end or change the command).
bool printable(std::string_view text) {
    return std::none_of(text.begin(), text.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

// A value for a comma-separated field: no commas, and no quote (a leading '"' starts a quoted
// field, spec §1.5).
bool plain(std::string_view text) {
    return printable(text) && text.find(',') == std::string_view::npos &&
           text.find('"') == std::string_view::npos && text.size() <= max_field_length;
}

template <typename Names>
bool one_of(std::string_view text, const Names& allowed) {
    return std::find(std::begin(allowed), std::end(allowed), text) != std::end(allowed);
}
bool one_of(std::string_view text, std::initializer_list<std::string_view> allowed) {
    return one_of<std::initializer_list<std::string_view>>(text, allowed);
}

// The AT+WSEC key: the rest of the line, so commas are fine; empty keeps the stored key.
std::optional<std::string> key_or_stored(const FormData& form, const WifiNetwork& stored) {
    std::string key = value(form, "key");
    if (!printable(key) || key.size() > max_field_length) return std::nullopt;
    return key.empty() ? stored.key : key;
}

// AT+WSEC types (spec §2.2); an AP has no WEP and no automatic type.
constexpr std::array<std::string_view, 8> station_security{"OPEN",   "",        "WEP",      "WPA",
                                                           "WPAAES", "WPA2AES", "WPA2TKIP", "WPA2"};
constexpr std::array<std::string_view, 6> ap_security{"OPEN",    "WPA",      "WPAAES",
                                                      "WPA2AES", "WPA2TKIP", "WPA2"};

ActionResult join(const FormData& form, const Profile& profile, bool link_up) {
    const std::string ssid = value(form, "ssid");
    const std::string security = value(form, "security");
    const auto key = key_or_stored(form, profile.station);
    if (ssid.empty() || ssid.size() > max_ssid_length || !plain(ssid))
        return refused("The SSID must be 1-32 characters without commas or quotes.");
    if (!one_of(security, station_security)) return refused("Unknown security type.");
    if (!key) return refused("The key holds characters that cannot be sent.");
    ActionPlan plan;
    plan.what = "Wi-Fi settings";
    plan.commands = "AT+WSET=0," + ssid + "\rAT+WSEC=0," + security + "," + *key + "\r";
    plan.then = std::string(link_up ? "AT+WLEAVE\r" : "") + "AT+WJOIN\r";
    plan.redirect = "/";
    return planned(std::move(plan));
}

ActionResult access_point(const FormData& form, const Profile& profile, bool /*link_up*/) {
    const std::string ssid = value(form, "ssid");
    const std::string channel = value(form, "channel");
    const std::string security = value(form, "security");
    const auto key = key_or_stored(form, profile.soft_ap);
    if (ssid.empty() || ssid.size() > max_ssid_length || !plain(ssid))
        return refused("The SSID must be 1-32 characters without commas or quotes.");
    if (!plain(channel)) return refused("Bad channel.");
    if (!one_of(security, ap_security)) return refused("Unknown security type for an AP.");
    if (!key) return refused("The key holds characters that cannot be sent.");
    ActionPlan plan;
    plan.what = "Access point settings";
    plan.commands =
        "AT+WSET=1," + ssid + ",," + channel + "\rAT+WSEC=1," + security + "," + *key + "\r";
    return planned(std::move(plan));
}

ActionResult network_settings(const FormData& form, const Profile& /*profile*/, bool) {
    const std::string dhcp = value(form, "dhcp");
    std::array<std::string, 5> fields{value(form, "ip"), value(form, "netmask"),
                                      value(form, "gateway"), value(form, "dns1"),
                                      value(form, "dns2")};
    if (!one_of(dhcp, {"0", "1"})) return refused("Choose DHCP or static.");
    for (const auto& field : fields)
        if (!plain(field)) return refused("Addresses are dotted quads such as 192.168.12.101.");
    ActionPlan plan;
    plan.what = "Network settings";
    plan.commands = dhcp == "1"
                        ? "AT+WNET=1\r"
                        : "AT+WNET=0," + fields[0] + "," + fields[1] + "," + fields[2] + "\r";
    if (!fields[3].empty() || !fields[4].empty())
        plan.commands += "AT+WADNS=" + fields[3] + "," + fields[4] + "\r";
    return planned(std::move(plan));
}

ActionResult serial_settings(const FormData& form, const Profile& /*profile*/, bool) {
    const std::array<std::string, 5> fields{value(form, "baud"), value(form, "parity"),
                                            value(form, "bits"), value(form, "stop"),
                                            value(form, "flow")};
    const std::string apply = value(form, "apply");
    for (const auto& field : fields)
        if (field.empty() || !plain(field)) return refused("Every serial field is needed.");
    if (!one_of(apply, {"now", "later"})) return refused("Choose when to apply.");
    ActionPlan plan;
    plan.what = "Serial settings";
    plan.commands = "AT+USET=" + fields[0] + "," + fields[1] + "," + fields[2] + "," + fields[3] +
                    "," + fields[4] + (apply == "later" ? ",W" : "") + "\r";
    // Without W, AT+USET saves and reboots.
    plan.after_response = apply == "now";
    return planned(std::move(plan));
}

ActionResult service_record(const FormData& form, const Profile& /*profile*/, bool) {
    const std::string open_type = value(form, "open_type");
    const std::array<std::string, 5> fields{value(form, "socket_type"), value(form, "remote_ip"),
                                            value(form, "remote_port"), value(form, "local_port"),
                                            value(form, "data_mode")};
    if (!one_of(open_type, {"S", "SO"})) return refused("A service record is S or SO.");
    for (const auto& field : fields)
        if (!plain(field)) return refused("Fields cannot hold commas or quotes.");
    ActionPlan plan;
    plan.what = "Socket service";
    plan.commands = "AT+SCON=" + open_type + "," + fields[0] + "," + fields[1] + "," + fields[2] +
                    "," + fields[3] + "," + fields[4] + "\r";
    return planned(std::move(plan));
}

ActionResult air_command(const FormData& form, const Profile& /*profile*/, bool) {
    const std::array<std::string, 4> fields{value(form, "open_type"), value(form, "protocol"),
                                            value(form, "port"), value(form, "option")};
    for (const auto& field : fields)
        if (!plain(field)) return refused("Fields cannot hold commas or quotes.");
    ActionPlan plan;
    plan.what = "Air command";
    plan.commands =
        "AT+MAIRCMD=" + fields[0] + "," + fields[1] + "," + fields[2] + "," + fields[3] + "\r";
    return planned(std::move(plan));
}

ActionResult web_server_type(const FormData& form, const Profile& /*profile*/, bool) {
    const std::string type = value(form, "type");
    if (!one_of(type, {"A", "M"})) return refused("The type is A or M.");
    return planned(ActionPlan{"AT+FWEBS=1," + type + "\r", "Web server type", false, {}, {}});
}

ActionResult web_login(const FormData& form, const Profile& profile, bool) {
    const std::string user = value(form, "user");
    const std::string current = value(form, "current_password");
    const std::string password = value(form, "new_password");
    if (password != value(form, "confirm_password")) return refused("The new passwords differ.");
    for (const auto* field : {&user, &current, &password})
        if (field->empty() || field->size() > max_login_length || !plain(*field))
            return refused("User and passwords are 1-20 characters without commas or quotes.");
    ActionPlan plan;
    plan.what = "Web login";
    // A wrong current password is AT+MCWUI's [ERROR: INVALID INPUT].
    plan.commands =
        "AT+MCWUI=" + profile.web_user + "," + current + "," + user + "," + password + "\r";
    return planned(std::move(plan));
}

ActionResult save_profile(const FormData&, const Profile&, bool) {
    return planned(ActionPlan{"AT+MPROF=S\r", "Save profile", false, {}, {}});
}

ActionResult reboot(const FormData&, const Profile&, bool) {
    return planned(ActionPlan{"AT+MRESET\r", "Reboot", true, {}, {}});
}

ActionResult factory_reset(const FormData& form, const Profile&, bool) {
    // No scripts, so no confirm() dialog: a box to tick instead.
    if (value(form, "confirm") != "yes")
        return refused("Tick the box to confirm the factory reset.");
    return planned(ActionPlan{"AT+MFDEF=FR\r", "Factory reset", true, {}, {}});
}

constexpr std::array<Action, 11> actions{{
    {"/wifi/join", wifi, join},
    {"/wifi/ap", wifi, access_point},
    {"/network", network, network_settings},
    {"/serial", serial, serial_settings},
    {"/service", service, service_record},
    {"/air", air, air_command},
    {"/system/web", system, web_server_type},
    {"/system/login", system, web_login},
    {"/system/save", system, save_profile},
    {"/system/reboot", system, reboot},
    {"/system/reset", system, factory_reset},
}};

}  // namespace

const Action* find_action(std::string_view path) {
    for (const auto& action : actions)
        if (action.path == path) return &action;
    return nullptr;
}

}  // namespace wizfi250d::web
