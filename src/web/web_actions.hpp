// SPDX-License-Identifier: Apache-2.0
#pragma once

// What each form of the web console does, as the AT command lines it runs: a change made on a
// page goes through the same command handler as the same change made on the serial line.

#include <optional>
#include <string>
#include <string_view>

#include "form_data.hpp"

namespace wizfi250d {

struct Profile;

namespace web {

struct ActionPlan {
    // AT command lines, each ending in CR, run through the module's command executor.
    std::string commands;
    // What the notice calls the change ("Wi-Fi settings").
    std::string what;
    // The commands take the web server down (a reboot): the page is answered first.
    bool after_response = false;
    // Run after `commands` succeeded, once the page has been answered (a join: AT+WLEAVE stops
    // the web server). The web server is started again once they end with the link up.
    std::string then;
    // The page shown after (the form's own page when empty).
    std::string redirect;
};

// A plan, or why the form was refused (shown to the user; nothing ran).
struct ActionResult {
    std::optional<ActionPlan> plan;
    std::string problem;
};

// The POST path of a form, the menu item it belongs to (its AT+FWEBM digit), and its plan.
using ActionBuilder = ActionResult (*)(const FormData& form, const Profile& profile, bool link_up);
struct Action {
    std::string_view path;
    std::size_t menu_index;
    ActionBuilder build;
};
// nullptr when no form posts to this path.
const Action* find_action(std::string_view path);

}  // namespace web
}  // namespace wizfi250d
