// SPDX-License-Identifier: Apache-2.0
#include "web_pages.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "html.hpp"
#include "wizfi250d/module/module.hpp"
#include "wizfi250d/profile/profile_text.hpp"

namespace wizfi250d::web {

namespace {

using Rows = std::vector<std::pair<std::string, std::string>>;

// AT+WSEC types (spec §2.2) as the forms offer them; the empty type is "auto".
const html::Options& security_options() {
    static const html::Options options{
        {"WPA2", "WPA2 (AES+TKIP)"},
        {"WPA2AES", "WPA2 AES"},
        {"WPA2TKIP", "WPA2 TKIP"},
        {"WPAAES", "WPA AES"},
        {"WPA", "WPA TKIP"},
        {"WEP", "WEP"},
        {"OPEN", "Open"},
        {"", "Automatic (learned by a scan)"},
    };
    return options;
}

// A scan's security words (ScanResult::security) as AT+WSEC types.
std::string_view security_for_scan(std::string_view scanned) {
    struct Pair {
        std::string_view scanned;
        std::string_view type;
    };
    static constexpr std::array<Pair, 5> pairs{{{"Open", "OPEN"},
                                                {"WEP", "WEP"},
                                                {"WPA", "WPA"},
                                                {"WPA2", "WPA2AES"},
                                                {"WPA2-Mixed", "WPA2"}}};
    for (const auto& pair : pairs)
        if (pair.scanned == scanned) return pair.type;
    return "";
}

std::string section(std::string_view heading, std::string_view content) {
    return "<section><h2>" + html::escape(heading) + "</h2>" + std::string(content) + "</section>";
}

std::string duration_text(std::chrono::steady_clock::duration elapsed) {
    const auto total = std::chrono::duration_cast<std::chrono::seconds>(elapsed).count();
    char text[48];
    std::snprintf(text, sizeof text, "%lld d %02lld:%02lld:%02lld",
                  static_cast<long long>(total / 86400), static_cast<long long>(total / 3600 % 24),
                  static_cast<long long>(total / 60 % 60), static_cast<long long>(total % 60));
    return text;
}

std::string query_value(const FormData& query, std::string_view name) {
    const auto it = query.find(name);
    return it == query.end() ? std::string{} : it->second;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto at = text.find(separator, start);
        parts.push_back(text.substr(start, at - start));
        if (at == std::string::npos) break;
        start = at + 1;
    }
    return parts;
}

std::string sockets_table(Module& m) {
    const auto sockets = m.sockets().open_sockets();
    if (sockets.empty()) return "<p class=\"muted\">No socket is open.</p>";
    std::string out =
        "<table><thead><tr><th>CID</th><th>Type</th><th>Peer</th><th>Local port</th>"
        "<th>Received</th><th>Sent</th></tr></thead><tbody>";
    for (const auto& socket : sockets) {
        const auto peer = socket->peer();
        out += "<tr><td>" + std::to_string(socket->cid()) + "</td><td>" +
               html::escape(socket->spec().kind.code()) + "</td><td>" +
               html::escape(peer ? peer->ip.to_string() + ":" + std::to_string(peer->port) : "-") +
               "</td><td>" + std::to_string(socket->local_port()) + "</td><td>" +
               std::to_string(socket->bytes_received()) + "</td><td>" +
               std::to_string(socket->bytes_sent()) + "</td></tr>";
    }
    out += "</tbody></table>";
    return out;
}

std::string status_page(Module& m, const PageInput& /*input*/) {
    const auto& link = m.link();
    const RadioStatus radio = m.wifi().status();
    const Profile& p = m.profile();
    Rows rows;
    rows.emplace_back("Link", !link                              ? "Down"
                              : p.wifi_mode == WifiMode::station ? "Up (station)"
                                                                 : "Up (access point)");
    rows.emplace_back("SSID", link ? link->ssid : p.current_network().ssid);
    rows.emplace_back("IP address", link ? link->address.to_string() : "-");
    rows.emplace_back("Netmask", link ? link->netmask.to_string() : "-");
    rows.emplace_back("Gateway", link ? link->gateway.to_string() : "-");
    std::string dns;
    if (link)
        for (const auto& server : link->dns_servers)
            dns += (dns.empty() ? "" : ", ") + server.to_string();
    rows.emplace_back("DNS", dns.empty() ? "-" : dns);
    rows.emplace_back("MAC", radio.mac.value_or(p.mac).to_upper());
    rows.emplace_back("RSSI", radio.rssi_dbm != 0 ? std::to_string(radio.rssi_dbm) + " dBm" : "-");
    rows.emplace_back("Firmware", m.settings().firmware_version + "/" +
                                      m.settings().hardware_version + " (wizfi250d " +
                                      WIZFI250D_VERSION + ")");
    rows.emplace_back("Uptime", duration_text(std::chrono::steady_clock::now() - m.booted_at()));
    rows.emplace_back("Web server type", std::string(1, p.web_server_type));
    return section("Status", html::facts(rows)) + section("Open sockets", sockets_table(m));
}

std::string scan_section(const PageInput& input) {
    std::string content =
        "<form method=\"get\" action=\"/wifi\"><input type=\"hidden\" name=\"scan\" value=\"1\">"
        "<button type=\"submit\">Scan</button></form>";
    if (input.scan == nullptr) return section("Networks nearby", content);
    if (!*input.scan) {
        content +=
            "<p class=\"notice failed\" role=\"status\">The scan did not run (this Wi-Fi "
            "backend has no radio to scan with, or the module is busy). Type the network "
            "name below.</p>";
        return section("Networks nearby", content);
    }
    const auto& results = **input.scan;
    if (results.empty()) {
        content += "<p class=\"muted\">No network found.</p>";
        return section("Networks nearby", content);
    }
    content +=
        "<table id=\"scan-results\"><thead><tr><th>SSID</th><th>Signal</th><th>Security</th>"
        "<th>Channel</th></tr></thead><tbody>";
    for (const auto& result : results) {
        const std::string pick = "/wifi?ssid=" + url_encode(result.ssid) +
                                 "&security=" + url_encode(security_for_scan(result.security));
        content += "<tr><td><a href=\"" + html::escape(pick) + "\">" + html::escape(result.ssid) +
                   "</a></td><td>" + std::to_string(result.rssi_dbm) + " dBm</td><td>" +
                   html::escape(result.security) + "</td><td>" + std::to_string(result.channel) +
                   "</td></tr>";
    }
    content += "</tbody></table>";
    return section("Networks nearby", content);
}

std::string wifi_page(Module& m, const PageInput& input) {
    const Profile& p = m.profile();
    const std::string picked = query_value(input.query, "ssid");
    const bool has_pick = input.query.count("ssid") > 0;
    const std::string ssid = has_pick ? picked : p.station.ssid;
    const std::string security = input.query.count("security") > 0
                                     ? query_value(input.query, "security")
                                     : std::string(security_name(p.station.security));
    std::string out = section(
        "Current settings",
        html::facts({{"Mode", p.wifi_mode == WifiMode::station ? "Station" : "Access point"},
                     {"Station SSID", p.station.ssid},
                     {"Station security", std::string(security_name(p.station.security))},
                     {"AP SSID", p.soft_ap.ssid},
                     {"AP channel", std::to_string(p.soft_ap.channel)}}));
    out += scan_section(input);
    std::string join = html::form_start("/wifi/join", input.token);
    join += html::text_field("Network name (SSID)", "ssid", ssid, "maxlength=\"32\" required");
    join += html::select_field("Security", "security", security_options(), security);
    join += html::password_field("Key", "key", "unchanged when empty", "new-password");
    join +=
        "<p class=\"muted\">AT+WSET=0, AT+WSEC=0, then AT+WLEAVE and AT+WJOIN. The page "
        "comes back when the link is up.</p>";
    join += html::form_end("Join");
    out += section("Join a network (station)", join);

    html::Options channels;
    for (unsigned channel = 1; channel <= 14; ++channel)
        channels.emplace_back(std::to_string(channel), std::to_string(channel));
    html::Options ap_security = security_options();
    ap_security.erase(std::remove_if(ap_security.begin(), ap_security.end(),
                                     [](const auto& option) {
                                         return option.first == "WEP" || option.first.empty();
                                     }),
                      ap_security.end());
    std::string ap = html::form_start("/wifi/ap", input.token);
    ap += html::text_field("AP name (SSID)", "ssid", p.soft_ap.ssid, "maxlength=\"32\" required");
    ap += html::select_field("Channel", "channel", channels, std::to_string(p.soft_ap.channel));
    ap += html::select_field("Security", "security", ap_security,
                             std::string(security_name(p.soft_ap.security)));
    ap += html::password_field("Key", "key", "unchanged when empty", "new-password");
    ap +=
        "<p class=\"muted\">AT+WSET=1 and AT+WSEC=1: the module is in AP mode from now on and "
        "starts the access point at its next join.</p>";
    ap += html::form_end("Save AP settings");
    out += section("Access point (AP mode)", ap);
    return out;
}

std::string network_page(Module& m, const PageInput& input) {
    const Profile& p = m.profile();
    const auto text = [](const std::optional<Ipv4>& ip) {
        return ip ? ip->to_string() : std::string{};
    };
    std::string form = html::form_start("/network", input.token);
    form +=
        html::select_field("Address", "dhcp", {{"1", "DHCP"}, {"0", "Static"}}, p.dhcp ? "1" : "0");
    form += html::text_field("IP address", "ip", p.ip.to_string(), "inputmode=\"decimal\"");
    form += html::text_field("Netmask", "netmask", p.netmask.to_string(), "inputmode=\"decimal\"");
    form += html::text_field("Gateway", "gateway", p.gateway.to_string(), "inputmode=\"decimal\"");
    form += html::text_field("DNS server 1", "dns1", text(p.dns1), "inputmode=\"decimal\"");
    form += html::text_field("DNS server 2", "dns2", text(p.dns2), "inputmode=\"decimal\"");
    form +=
        "<p class=\"muted\">AT+WNET and AT+WADNS: used from the next join; System &rarr; Save "
        "keeps them after a reboot.</p>";
    form += html::form_end("Save");
    return section("IP settings", form);
}

std::string serial_page(Module& m, const PageInput& input) {
    // "115200,N,8,1,N" (AT+USET=?).
    const auto parts = split(m.profile().uart.to_string(), ',');
    const auto part = [&parts](std::size_t i) { return i < parts.size() ? parts[i] : ""; };
    html::Options bauds;
    for (const char* baud : {"300", "600", "1200", "2400", "4800", "9600", "14400", "19200",
                             "38400", "57600", "115200", "230400", "460800", "921600"})
        bauds.emplace_back(baud, baud);
    if (std::none_of(bauds.begin(), bauds.end(),
                     [&](const auto& option) { return option.first == part(0); }))
        bauds.emplace_back(part(0), part(0));
    std::string form = html::form_start("/serial", input.token);
    form += html::select_field("Baud rate", "baud", bauds, part(0));
    form += html::select_field("Parity", "parity", {{"N", "None"}, {"E", "Even"}, {"O", "Odd"}},
                               part(1));
    form +=
        html::select_field("Data bits", "bits", {{"8", "8"}, {"7", "7 (with parity)"}}, part(2));
    form += html::select_field("Stop bits", "stop",
                               {{"1", "1"}, {"0.5", "0.5"}, {"1.5", "1.5"}, {"2", "2"}}, part(3));
    form += html::select_field("Flow control", "flow", {{"N", "None"}, {"HW", "RTS/CTS"}}, part(4));
    form += html::select_field(
        "Apply", "apply",
        {{"later", "Save now, use from the next reboot"}, {"now", "Save and reboot now"}}, "later");
    form += "<p class=\"muted\">AT+USET: saves the whole profile.</p>";
    form += html::form_end("Save");
    return section("Serial port (UART)", form);
}

std::string service_page(Module& m, const PageInput& input) {
    const SocketService& s = m.profile().service;
    std::string form = html::form_start("/service", input.token);
    form += html::select_field(
        "Open", "open_type",
        {{"S", "S: at boot and every link-up"}, {"SO", "SO: now, at boot and every link-up"}},
        s.open_type == "SO" ? "SO" : "S");
    form += html::select_field("Socket type", "socket_type",
                               {{"TSN", "TSN: TCP server"},
                                {"TSS", "TSS: TCP server, TLS"},
                                {"TCN", "TCN: TCP client"},
                                {"TCS", "TCS: TCP client, TLS"},
                                {"USN", "USN: UDP server"},
                                {"UCN", "UCN: UDP client"}},
                               s.socket_type);
    form += html::text_field("Remote IP", "remote_ip", s.remote_ip, "inputmode=\"decimal\"");
    form += html::text_field("Remote port", "remote_port",
                             s.remote_port ? std::to_string(s.remote_port) : "",
                             "inputmode=\"numeric\"");
    form +=
        html::text_field("Local port", "local_port",
                         s.local_port ? std::to_string(s.local_port) : "", "inputmode=\"numeric\"");
    form += html::select_field("Data mode", "data_mode",
                               {{"0", "0: command mode"}, {"1", "1: data mode"}},
                               std::to_string(s.data_mode));
    form +=
        "<p class=\"muted\">AT+SCON with S or SO; System &rarr; Save keeps it after a "
        "reboot.</p>";
    form += html::form_end("Save");
    return section("Current record", html::facts({{"AT+SCON=?", service_text(s)}})) +
           section("Service socket", form);
}

std::string air_page(Module& m, const PageInput& input) {
    const AirCommandRecord& r = m.profile().air_command;
    char option[16];
    std::snprintf(option, sizeof option, "%x", r.option);
    std::string form = html::form_start("/air", input.token);
    form +=
        html::select_field("Start", "open_type", {{"S", "S: at every link-up"}, {"O", "O: now"}},
                           r.open_type.empty() ? "S" : r.open_type);
    form += html::select_field("Protocol", "protocol", {{"T", "TCP"}, {"U", "UDP"}},
                               r.protocol == 'U' ? "U" : "T");
    form += html::text_field("Port", "port", r.port ? std::to_string(r.port) : "50001",
                             "inputmode=\"numeric\"");
    form += html::text_field("Option (hex)", "option", option);
    form +=
        "<p class=\"muted\">AT+MAIRCMD: AT commands over the network, prefix "
        "WizFi250AirCmd:.</p>";
    form += html::form_end("Save");
    return section("Air command server",
                   html::facts({{"Record", r.open_type.empty()
                                               ? "none"
                                               : r.open_type + "," + std::string(1, r.protocol) +
                                                     "," + std::to_string(r.port)},
                                {"Running", m.air_command_running() ? "yes" : "no"}})) +
           section("Settings", form);
}

std::string system_page(Module& m, const PageInput& input) {
    const Profile& p = m.profile();
    std::string web = html::form_start("/system/web", input.token);
    web += html::select_field("Start the web server", "type",
                              {{"M", "M: only by AT+FWEBS=1"}, {"A", "A: at every link-up"}},
                              std::string(1, p.web_server_type));
    web += html::form_end("Save");

    std::string login = html::form_start("/system/login", input.token);
    login += html::text_field("User", "user", p.web_user,
                              "maxlength=\"20\" autocomplete=\"username\" required");
    login += html::password_field("Current password", "current_password", "", "current-password");
    login += html::password_field("New password", "new_password", "", "new-password");
    login += html::password_field("New password again", "confirm_password", "", "new-password");
    login += "<p class=\"muted\">AT+MCWUI: up to 20 characters, no commas.</p>";
    login += html::form_end("Change login");

    std::string profile =
        "<p class=\"muted\">AT+MPROF=S keeps the settings after a reboot; "
        "AT+MRESET reboots; AT+MFDEF=FR restores the factory settings.</p>";
    profile +=
        html::form_start("/system/save", input.token, "inline") + html::form_end("Save profile");
    profile += html::form_start("/system/reboot", input.token, "inline") + html::form_end("Reboot");
    profile += html::form_start("/system/reset", input.token) +
               "<label><input type=\"checkbox\" name=\"confirm\" value=\"yes\" required> "
               "Yes, restore the factory settings</label>" +
               html::form_end("Factory reset", "danger");

    std::string session = html::form_start("/logout", input.token) + html::form_end("Log out");
    return section("Profile", profile) + section("Web server", web) + section("Web login", login) +
           section("Session", session);
}

}  // namespace

const std::array<MenuItem, 7>& menu_items() {
    static const std::array<MenuItem, 7> items{{
        {"/", "Status", status_page},
        {"/wifi", "Wi-Fi", wifi_page},
        {"/network", "Network", network_page},
        {"/serial", "Serial", serial_page},
        {"/service", "Socket service", service_page},
        {"/air", "Air command", air_page},
        {"/system", "System", system_page},
    }};
    return items;
}

bool menu_item_shown(std::string_view mask, std::size_t index) {
    return index >= mask.size() || mask[index] != '0';
}

std::string menu_html(std::string_view mask, std::string_view here) {
    std::string out = "<nav>";
    const auto& items = menu_items();
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (!menu_item_shown(mask, i)) continue;
        out += "<a href=\"" + std::string(items[i].path) + "\"";
        if (items[i].path == here) out += " class=\"here\" aria-current=\"page\"";
        out += ">" + html::escape(items[i].label) + "</a>";
    }
    out += "</nav>";
    return out;
}

std::string login_body(std::string_view token, std::string_view message) {
    std::string form =
        "<form method=\"post\" action=\"/login\"><input type=\"hidden\" "
        "name=\"_token\" value=\"" +
        html::escape(token) + "\">";
    if (!message.empty()) form += html::notice(message, true);
    form += html::text_field("User", "user", "", "autocomplete=\"username\" required");
    form += html::password_field("Password", "password", "", "current-password");
    form += html::form_end("Log in");
    return section("Log in", form);
}

std::string progress_body(std::string_view text) {
    return section("Please wait", "<p role=\"status\">" + html::escape(text) +
                                      "</p><p><a href=\"/\">Back to the status page</a></p>");
}

std::string factory_credentials_warning() {
    return "<p class=\"warning\" role=\"alert\">The factory login (admin/admin) is in use: change "
           "it under System.</p>";
}

}  // namespace wizfi250d::web
