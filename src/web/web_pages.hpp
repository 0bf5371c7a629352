// SPDX-License-Identifier: Apache-2.0
#pragma once

// The pages of the web console, rendered from the module's live state (RAM profile, link,
// sockets): what AT commands would show, so a change by AT shows on the next page load.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "form_data.hpp"
#include "wizfi250d/wifi/wifi_backend.hpp"

namespace wizfi250d {

class Module;

namespace web {

struct PageInput {
    std::string_view token;  // the session's anti-forgery token, for the forms
    const FormData& query;
    // Set on the Wi-Fi page when a scan ran: its results, or nullopt when it failed.
    const std::optional<std::vector<ScanResult>>* scan = nullptr;
};

using Render = std::string (*)(Module& module, const PageInput& input);

// One menu item per AT+FWEBM digit, in digit order; a digit 0 hides the item and its page.
struct MenuItem {
    std::string_view path;
    std::string_view label;
    Render render;
};
const std::array<MenuItem, 7>& menu_items();
// The menu for the page at `here`, without the items the mask hides.
std::string menu_html(std::string_view mask, std::string_view here);
bool menu_item_shown(std::string_view mask, std::size_t index);

std::string login_body(std::string_view token, std::string_view message);
// The page shown while a join or a reboot that takes the server down runs.
std::string progress_body(std::string_view text);
// A warning while AT+MCWUI still holds the factory admin/admin.
std::string factory_credentials_warning();

}  // namespace web
}  // namespace wizfi250d
