// SPDX-License-Identifier: Apache-2.0
// The module's side of the web configuration server (spec §2.5 AT+FWEBS, §7): when it runs,
// and the FUNCTION-button action that reboots into AP mode with it.

#include <spdlog/spdlog.h>

#include <cstdio>

#include "wizfi250d/module/module.hpp"
#include "wizfi250d/web/web_console.hpp"

namespace wizfi250d {

namespace {

// Spec §7: the FUNCTION button's AP settings, and §6: its Air command record O,T,50001,1.
constexpr std::string_view function_ap_prefix = "WizFi250_AP_";
constexpr std::string_view function_ap_key = "123456789";
constexpr Ipv4 function_ap_address{{192, 168, 12, 1}};
constexpr Ipv4 function_ap_netmask{{255, 255, 255, 0}};
constexpr std::uint32_t function_air_port = 50001;
constexpr std::uint32_t function_air_option = 1;

std::string mac_hex(const MacAddress& mac) {
    std::string text;
    for (const auto octet : mac.octets) {
        char digits[3];
        std::snprintf(digits, sizeof digits, "%02X", octet);
        text += digits;
    }
    return text;
}

}  // namespace

bool Module::start_web_server() {
    if (!link_up()) return false;
    if (!settings_.web.enabled) {
        spdlog::info("web server not started: web_server = off");
        return false;
    }
    if (!web_) web_ = std::make_unique<WebConsole>(*this);
    if (!web_->running() && !web_->start(wifi_link_->address)) return false;
    runtime_.web_server_running = true;
    return true;
}

void Module::stop_web_server() {
    if (web_) web_->stop();
    runtime_.web_server_running = false;
}

std::uint16_t Module::web_server_port() const {
    return web_ && web_->running() ? web_->port() : 0;
}

void Module::start_web_server_of_type_a() {
    if (images_.ram.web_server_type == 'A' && !web_server_running()) start_web_server();
}

void Module::function_button() {
    Profile& profile = images_.ram;
    profile.wifi_mode = WifiMode::soft_ap;
    profile.soft_ap.ssid =
        std::string(function_ap_prefix) + mac_hex(wifi_->status().mac.value_or(profile.mac));
    profile.soft_ap.bssid.clear();
    profile.soft_ap.security = Security::wpa2_mixed;
    profile.soft_ap.key = std::string(function_ap_key);
    profile.dhcp = false;
    profile.ip = function_ap_address;
    profile.netmask = function_ap_netmask;
    profile.gateway = function_ap_address;
    profile.air_command = AirCommandRecord{"O", 'T', function_air_port, function_air_option};
    save_profile();
    function_boot_ = true;
    reboot(true);
}

void Module::function_boot() {
    function_boot_ = false;
    set_state(ModuleState::busy, "FUNCTION-button boot");
    join([this](bool up) {
        if (up) {
            start_air_command();
            start_web_server();
        } else {
            spdlog::warn("FUNCTION-button boot: the AP did not start");
        }
        if (state_ == ModuleState::busy) set_state(ModuleState::command, "boot done");
        process_input();
    });
}

}  // namespace wizfi250d
