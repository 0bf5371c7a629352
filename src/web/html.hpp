// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wizfi250d::html {

// Text for an HTML element or attribute value.
std::string escape(std::string_view text);

// The one stylesheet (served as /style.css: the pages allow no inline style).
std::string_view stylesheet();

// A whole page: head (viewport for phones, the stylesheet), the header with the menu, the body.
std::string page(std::string_view title, std::string_view menu, std::string_view body);

// Form parts. Every POST form starts with form_start(), which carries the anti-forgery token.
std::string form_start(std::string_view action, std::string_view token,
                       std::string_view css_class = {});
std::string form_end(std::string_view button, std::string_view css_class = {});
std::string text_field(std::string_view label, std::string_view name, std::string_view value,
                       std::string_view extra = {});
std::string password_field(std::string_view label, std::string_view name,
                           std::string_view placeholder, std::string_view autocomplete);
using Options = std::vector<std::pair<std::string, std::string>>;  // value, label
std::string select_field(std::string_view label, std::string_view name, const Options& options,
                         std::string_view selected);
// A definition table: label, value (escaped here).
std::string facts(const std::vector<std::pair<std::string, std::string>>& rows);
// A notice box (the result of the last change).
std::string notice(std::string_view text, bool failed);

}  // namespace wizfi250d::html
